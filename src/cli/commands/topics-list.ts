import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';

/** `sluice topics list`: one topic name per line, sorted. */
export function registerTopicsList(topics: Command): void {
  topics
    .command('list')
    .description('list topics, one per line')
    .option('--internal', 'include internal topics (such as __consumer_offsets)')
    .action(async (opts: { internal?: boolean }, command: Command) => {
      const ctx = cliContext(command);
      const [{ withCluster }, { listTopics }] = await Promise.all([import('../wire/cli-cluster.ts'), import('../wire/topic-admin.ts')]);
      const names = await withCluster(ctx, (cluster) =>
        listTopics(cluster, Boolean(opts.internal)).catch((err: unknown) => {
          throw new CliError('cannot list topics', { cause: err });
        }),
      );
      const visible = opts.internal ? names : names.filter((n) => !n.startsWith('__'));
      process.stdout.write(visible.sort().map((n) => `${n}\n`).join(''));
    });
}
