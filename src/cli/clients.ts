import type { Admin, Consumer, Producer } from '@platformatic/kafka';
import type { CliContext } from './context.ts';
import { javaCompatiblePartitioner } from './produce/partitioner.ts';

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

export async function createAdmin(ctx: CliContext): Promise<Admin> {
  const { Admin } = await kafka();
  return new Admin(baseClientOptions(ctx, 'sluice-cli-admin'));
}

/** Runs `fn` with an Admin client and always closes it. */
export async function withAdmin<T>(ctx: CliContext, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = await createAdmin(ctx);
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => {});
  }
}

export type BytesConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
export type BytesProducer = Producer<Buffer, Buffer, Buffer, Buffer>;

export async function createConsumer(ctx: CliContext, groupId: string, isolationLevel: number): Promise<BytesConsumer> {
  const { Consumer } = await kafka();
  return new Consumer({
    ...baseClientOptions(ctx, 'sluice-cli-consumer'),
    groupId,
    isolationLevel,
    maxWaitTime: 500,
  });
}

export async function createProducer(ctx: CliContext): Promise<BytesProducer> {
  const { Producer } = await kafka();
  return new Producer({ ...baseClientOptions(ctx, 'sluice-cli-producer'), partitioner: javaCompatiblePartitioner() });
}
