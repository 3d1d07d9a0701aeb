import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { withAdmin, securityOptions } from '../clients.ts';
import { cliContext } from '../context.ts';
import { exitWhenDrained } from '../exit.ts';

/**
 * `sluice savepoint JOB_ID --dir D`: Flink's stop-with-savepoint for a running job, through
 * Kafka only: the request goes to the job's control topic (`<JOB_ID>-control`); the worker that
 * runs the job's tasks stops its sources at recorded positions, drains, commits a final
 * checkpoint, writes the savepoint under D (a directory its machine can write) and stops. The
 * command prints the savepoint's path on stdout.
 */
export function registerSavepointCommand(program: Command): void {
  program
    .command('savepoint')
    .description('stop a running job with a savepoint (state and source positions written under --dir); prints the savepoint path')
    .argument('<jobId>', "the job's id (its execute() name or sluice run --job-id)")
    .requiredOption('--dir <dir>', 'directory under which the job writes the savepoint (as the job process sees it)')
    .option('--timeout <seconds>', 'how long to wait for the job to finish the savepoint', '300')
    .action(async (jobId: string, opts: { dir: string; timeout: string }, command: Command) => {
      const ctx = cliContext(command);
      if (!/^[a-zA-Z0-9._-]{1,200}$/.test(jobId)) throw new UsageError(`the job id must be letters, digits, '.', '_' or '-', got "${jobId}"`);
      const seconds = Number(opts.timeout);
      if (!(Number.isFinite(seconds) && seconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${opts.timeout}"`);
      const [{ ControlChannel }, { ClientSupplier }, { STOP_WITH_SAVEPOINT }, { SavepointFailedError }] = await Promise.all([
        import('../../kafka/control-channel.ts'),
        import('../../kafka/client-supplier.ts'),
        import('../../runtime/savepoint/stop-with-savepoint.ts'),
        import('../../core/errors/savepoint-errors.ts'),
      ]);
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
      const dir = resolvePath(opts.dir);
      try {
        const settled = (a: Record<string, unknown>): boolean => a.status === 'completed' || a.status === 'failed';
        process.stderr.write(`sluice: asking job '${jobId}' to stop with a savepoint under ${dir}\n`);
        const acks = await new ControlChannel(clients, jobId).request({ type: STOP_WITH_SAVEPOINT, dir }, { until: (all) => all.some(settled), timeoutMs: seconds * 1000 });
        const answer = acks.find(settled)!;
        if (answer.status === 'failed') throw new SavepointFailedError(jobId, `${String(answer.error)} (the job keeps running)`);
        process.stdout.write(`${String(answer.path)}\n`);
        process.stderr.write(`sluice: savepoint completed; job '${jobId}' stops. Resume it with: sluice run JOB.ts --job-id ${jobId} --from-savepoint ${String(answer.path)}\n`);
      } finally {
        // Not awaited: closing idle client sockets can take long; the answer is what matters.
        void clients.close().catch(() => {});
      }
      await exitWhenDrained(0);
    });
}
