import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';

/**
 * `sluice jobs list|describe`: the jobs of the cluster, from what their workers publish to the
 * status topic (`__sluice_jobs_status`), so it works from any machine that reaches Kafka.
 */
export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('list and describe the Sluice jobs running on the cluster (from the status their workers publish)');
  jobs
    .command('list')
    .description('jobs with their state, workers, tasks and age')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { table, overview, format } = await load();
      const now = Date.now();
      const list = overview.jobsOverview((await table.readStatusTopic(cliContext(command), warn)).statuses(), now);
      if (opts.json) process.stdout.write(`${JSON.stringify(format.jobsJson(list, now), null, 2)}\n`);
      else if (list.length > 0) process.stdout.write(format.jobsTable(list, now));
      else process.stderr.write('No Sluice job has published its status on this cluster.\n');
    });
  jobs
    .command('describe')
    .description('a job: its workers (host, pid, threads) and tasks (partitions, lag, watermark, state size)')
    .argument('<jobId>', "the job's id (its execute() name or sluice run --job-id)")
    .option('--json', 'print JSON')
    .action(async (jobId: string, opts: { json?: boolean }, command: Command) => {
      const { table, overview, format } = await load();
      const now = Date.now();
      const job = overview.jobsOverview((await table.readStatusTopic(cliContext(command), warn)).statuses(), now).find((j) => j.id === jobId);
      if (job === undefined) throw new CliError(`no job "${jobId}" on this cluster: none of its workers published a status (sluice jobs list shows the known jobs)`);
      process.stdout.write(opts.json ? `${JSON.stringify(format.describeJson(job, now), null, 2)}\n` : format.describeText(job, now));
    });
}

const warn = (line: string): void => void process.stderr.write(`sluice: ${line}\n`);

/** The implementation loads once the command line is known to be good. */
async function load() {
  const [table, overview, format] = await Promise.all([import('../jobs/status-topic-reader.ts'), import('../../kafka/job-status/jobs-overview.ts'), import('../jobs/jobs-format.ts')]);
  return { table, overview, format };
}
