import { createServer, connect } from 'node:net';

/**
 * Raw TCP throughput over loopback between two processes' worth of sockets in this process:
 * the ceiling for any broker on this machine. Sends `totalBytes` in 1 MiB writes.
 */
export async function loopbackThroughput(totalBytes: number): Promise<{ mbPerSec: number; seconds: number }> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const server = createServer((s) =>
    s.on('data', (d) => {
      received += d.length;
      if (received >= totalBytes) done();
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', r));
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < totalBytes) {
    sent += chunk.length;
    if (!socket.write(chunk)) await new Promise<void>((r) => socket.once('drain', r));
  }
  await finished;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  server.close();
  return { mbPerSec: totalBytes / 1e6 / seconds, seconds };
}
