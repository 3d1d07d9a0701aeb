import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../../../src/protocol/index.ts';

/** One request over a fresh connection, answered and decoded (for exact error codes). */
export async function rawRequest<T = any>(bootstrap: string, apiKey: number, apiVersion: number, body: object, timeoutMs = 30_000): Promise<T> {
  const socket = await open(bootstrap);
  try {
    socket.write(encodeRequest(apiKey, apiVersion, 7, 'raw-test', body));
    const frame = await readFrame(socket, timeoutMs);
    return decodeResponse(apiKey, apiVersion, frame).body as T;
  } finally {
    socket.destroy();
  }
}

/** A connected socket to `host:port`. */
export function open(bootstrap: string): Promise<Socket> {
  const at = bootstrap.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(bootstrap.slice(at + 1)), bootstrap.slice(0, at));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads one size-prefixed frame (without the prefix). */
export function readFrame(socket: Socket, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    let need = -1;
    const timer = setTimeout(() => done(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      chunks.push(d);
      have += d.length;
      if (need < 0 && have >= 4) need = 4 + Buffer.concat(chunks).readInt32BE(0);
      if (need >= 0 && have >= need) done(null, Buffer.concat(chunks, have).subarray(4, need));
    };
    const onClose = () => done(new Error('connection closed by the broker'));
    const done = (err: Error | null, frame?: Buffer) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(frame!);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Resolves when the socket is closed (by either side), or rejects after `timeoutMs`. */
export function closed(socket: Socket, timeoutMs: number): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
