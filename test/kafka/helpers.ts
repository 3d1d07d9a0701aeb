import { ClientSupplier, type ProducerSettings } from '../../src/kafka/client-supplier.ts';
import { startTestBroker } from '../helpers/broker.ts';

export type TestBroker = Awaited<ReturnType<typeof startTestBroker>>;

let clients = 0;

/** A ClientSupplier for the test broker; fast retries so failures surface quickly. */
export function supplierFor(bootstrap: string, producer: ProducerSettings = { kind: 'idempotent' }, name = `test-${clients++}`): ClientSupplier {
  return new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap], retryDelay: 100, retries: 5 }, clientId: name, producer });
}

/** The error thrown by `fn`, or a failure if it resolves. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/**
 * Reads a whole topic with librdkafka's kcat (a third-party reader) up to its end — the last
 * stable offset under read_committed — and returns `partition key value` lines.
 */
export async function kcatRead(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted', format = '%p %k %s\\n'): Promise<string[]> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', format], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.split('\n').filter((l) => l !== ''));
      else reject(new Error(`kcat exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** A record for a producer: string key/value as Buffers. */
export const rec = (topic: string, partition: number, key: string, value: string) => ({ topic, partition, key: Buffer.from(key), value: Buffer.from(value) });
