import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../cli-error.ts';
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
    .option('--no-stop', 'take the savepoint and let the job run on (Flink\'s plain savepoint)')
    .action(async (jobId: string, opts: { dir: string; timeout: string; stop: boolean }, command: Command) => {
      const ctx = cliContext(command);
      if (!/^[a-zA-Z0-9._-]{1,200}$/.test(jobId)) throw new UsageError(`the job id must be letters, digits, '.', '_' or '-', got "${jobId}"`);
      const seconds = Number(opts.timeout);
      if (!(Number.isFinite(seconds) && seconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${opts.timeout}"`);
      const path = await (await import('../savepoint-request.ts')).requestStopWithSavepoint(ctx, jobId, resolvePath(opts.dir), seconds * 1000, opts.stop);
      process.stdout.write(`${path}\n`);
      if (!opts.stop) process.stderr.write(`sluice: savepoint completed; job '${jobId}' keeps running\n`);
      else process.stderr.write(`sluice: savepoint completed; job '${jobId}' stops. Resume it with: sluice run JOB.ts --job-id ${jobId} --from-savepoint ${path}\n`);
      await exitWhenDrained(0);
    });
}
