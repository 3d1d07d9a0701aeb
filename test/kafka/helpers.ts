import { after, before } from 'node:test';
import { ClientSupplier, type ProducerSettings } from '../../src/kafka/client-supplier.ts';
import { InternalTopics, type InternalTopicSpec } from '../../src/kafka/internal-topics.ts';
import type { BrokerOptions } from '../../src/broker/index.ts';
import { startTestBroker } from '../helpers/broker.ts';

export type TestBroker = Awaited<ReturnType<typeof startTestBroker>>;

let clients = 0;

/** A ClientSupplier for the test broker; fast retries so failures surface quickly. */
export function supplierFor(bootstrap: string, producer: ProducerSettings = { kind: 'idempotent' }, name = `test-${clients++}`): ClientSupplier {
  return new ClientSupplier({ connection: { bootstrapBrokers: [bootstrap], retryDelay: 100, retries: 5 }, clientId: name, producer });
}

/** A test file's broker and the clients it opened (closed after the file). */
export interface KafkaTestEnv {
  readonly broker: TestBroker;
  readonly bootstrap: string;
  /** A ClientSupplier, idempotent or with a transactional producer of `transactionalId`. */
  supplier(transactionalId?: string): ClientSupplier;
}

/**
 * Registers before/after hooks: an embedded broker with `options`, the `topics` created on it,
 * and every supplier handed out closed at the end. (A file that calls it at its top therefore
 * gets a process of its own in `npm test`: test/helpers/test-isolation.ts lists it.)
 */
export function kafkaTestEnv(options: Partial<BrokerOptions> = {}, topics: readonly InternalTopicSpec[] = []): KafkaTestEnv {
  let broker: TestBroker | undefined;
  const open: ClientSupplier[] = [];
  const env: KafkaTestEnv = {
    get broker() {
      return broker!;
    },
    get bootstrap() {
      return broker!.bootstrap;
    },
    supplier(transactionalId?: string) {
      const c = supplierFor(broker!.bootstrap, transactionalId === undefined ? { kind: 'idempotent' } : { kind: 'transactional', transactionalId, transactionTimeoutMs: 30_000 });
      open.push(c);
      return c;
    },
  };
  before(async () => {
    broker = await startTestBroker(options);
    if (topics.length > 0) await new InternalTopics(env.supplier().wire('admin')).ensure(topics);
  });
  after(async () => {
    for (const c of open) await c.close();
    await broker?.stop();
  });
  return env;
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
