import type { Admin, Consumer, Producer } from '@platformatic/kafka';
import { connectTimeoutMs, noAnswerMessage } from '../connectors/kafka/reachability.ts';
import { CliError } from './cli-error.ts';
import type { CliContext } from './context.ts';
import { readCommandConfig } from './command-config.ts';

/** TLS and SASL settings of `--command-config` (none without it). */
export async function securityOptions(ctx: CliContext): Promise<Awaited<ReturnType<typeof readCommandConfig>>> {
  return ctx.commandConfig === undefined ? {} : readCommandConfig(ctx.commandConfig);
}

/**
 * Connection settings shared by the CLI's clients: fail fast when nothing answers (a CLI must not
 * hang on a wrong address), retry once for transient errors.
 */
export function baseClientOptions(ctx: CliContext, clientId: string) {
  return {
    clientId,
    bootstrapBrokers: ctx.bootstrap,
    connectTimeout: 5_000,
    requestTimeout: 30_000,
    retries: 1,
    retryDelay: 250,
  };
}

/** The client library, loaded on first use so that `--help` and option errors stay fast. */
const kafka = () => import('@platformatic/kafka');

interface Client {
  metadata(options: { topics: string[] }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Makes sure the bootstrap servers answer like Kafka before the command starts: a refused
 * connection fails at once, a silent server (wrong port, firewall) after connectTimeoutMs() rather
 * than after the clients' request timeouts and retries (the same rule and words as the connectors).
 */
async function reachable<T extends Client>(client: T, ctx: CliContext): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const ms = connectTimeoutMs();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(noAnswerMessage(ctx.bootstrapText, ms))), ms);
  });
  try {
    await Promise.race([client.metadata({ topics: [] }), timeout]);
    return client;
  } catch (err) {
    // Not awaited: closing may wait for the request that never got an answer.
    void client.close().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function createAdmin(ctx: CliContext): Promise<Admin> {
  const { Admin } = await kafka();
  return reachable(new Admin({ ...baseClientOptions(ctx, 'sluice-cli-admin'), ...(await securityOptions(ctx)) }), ctx);
}

/** Runs `fn` with an Admin client and closes it. */
export async function withAdmin<T>(ctx: CliContext, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = await createAdmin(ctx);
  let result: T;
  try {
    result = await fn(admin);
  } catch (err) {
    void admin.close().catch(() => {});
    throw err;
  }
  await admin.close().catch(() => {});
  return result;
}

export type BytesConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
export type BytesProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

export async function createConsumer(ctx: CliContext, groupId: string, isolationLevel: number): Promise<BytesConsumer> {
  const { Consumer } = await kafka();
  const consumer: BytesConsumer = new Consumer({
    ...baseClientOptions(ctx, 'sluice-cli-consumer'),
    ...(await securityOptions(ctx)),
    groupId,
    isolationLevel,
    maxWaitTime: 500,
  });
  // read_committed with Kafka's semantics: the client library's own filter loses committed records.
  if (isolationLevel === 1) (await import('../kafka/aborted-filter.ts')).filterAbortedTransactionsOurselves(consumer);
  return reachable(consumer, ctx);
}

export async function createProducer(ctx: CliContext): Promise<BytesProducer> {
  const [{ Producer }, { javaCompatiblePartitioner }] = await Promise.all([kafka(), import('./produce/partitioner.ts')]);
  const producer: BytesProducer = new Producer({ ...baseClientOptions(ctx, 'sluice-cli-producer'), ...(await securityOptions(ctx)), partitioner: javaCompatiblePartitioner() });
  return reachable(producer, ctx);
}
