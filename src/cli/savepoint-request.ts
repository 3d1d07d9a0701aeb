import { SavepointFailedError } from '../core/errors/savepoint-errors.ts';
import { ClientSupplier } from '../kafka/client-supplier.ts';
import { ControlChannel, STOP_WITH_SAVEPOINT, type ControlMessage } from '../kafka/control-channel.ts';
import { CliError } from './cli-error.ts';
import { securityOptions, withAdmin } from './clients.ts';
import type { CliContext } from './context.ts';

const settled = (a: ControlMessage): boolean => a.status === 'completed' || a.status === 'failed';

/**
 * `sluice savepoint`'s request (loaded on use): checks that the job's control topic exists, asks
 * the job to stop with a savepoint under `dir` and resolves with the savepoint's path.
 */
export async function requestStopWithSavepoint(ctx: CliContext, jobId: string, dir: string, timeoutMs: number, stop = true): Promise<string> {
  const topic = ControlChannel.topicFor(jobId);
  const exists = await withAdmin(ctx, async (admin) => (await admin.listTopics({ includeInternals: true })).includes(topic));
  if (!exists) {
    throw new CliError(
      `job '${jobId}' has no control topic "${topic}" on ${ctx.bootstrapText}: it never ran there with durable state. ` +
        'Savepoints need a streaming job with checkpoints on, an unbounded source and a Kafka connector; check the job id (sluice topics list)',
    );
  }
  const clients = new ClientSupplier({
    connection: { bootstrapBrokers: ctx.bootstrap, connectTimeout: 5_000, requestTimeout: 30_000, retries: 3, retryDelay: 250, ...(await securityOptions(ctx)) },
    clientId: 'sluice-cli-savepoint',
    producer: { kind: 'idempotent' },
  });
  try {
    process.stderr.write(`sluice: asking job '${jobId}' to ${stop ? 'stop with' : 'take'} a savepoint under ${dir}\n`);
    const acks = await new ControlChannel(clients, jobId).request({ type: STOP_WITH_SAVEPOINT, dir, stop }, { until: (all) => all.some(settled), timeoutMs });
    const answer = acks.find(settled)!;
    if (answer.status === 'failed') throw new SavepointFailedError(jobId, `${String(answer.error)} (the job keeps running)`);
    return String(answer.path);
  } finally {
    // Not awaited: closing idle client sockets can take long; the answer is what matters.
    void clients.close().catch(() => {});
  }
}
