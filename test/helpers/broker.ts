import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../src/broker/index.ts';
import { tempDir } from './tmp-dir.ts';

/** Starts an in-process broker on a free loopback port with a fresh data dir. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<RunningBroker & { stop(): Promise<void> }> {
  const { dir, cleanup } = tempDir('sluice-broker-');
  const broker = await startBroker({ port: 0, host: '127.0.0.1', dataDir: dir, ...options });
  return Object.assign(broker, {
    async stop() {
      await broker.close();
      if (!options.dataDir) cleanup();
    },
  });
}

const CLI = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

/** A broker in its own process (for crash tests): `sluice broker` on a free port. */
export async function spawnBrokerProcess(dataDir: string, extraArgs: string[] = []): Promise<{ bootstrap: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'broker', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${out}`)));
  });
  return { bootstrap, child };
}
