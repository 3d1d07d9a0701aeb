import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';

/** `sluice topics delete NAME` */
export function registerTopicsDelete(topics: Command): void {
  topics
    .command('delete')
    .description('delete a topic and its data')
    .argument('<name>', 'topic name')
    .action(async (name: string, _opts: object, command: Command) => {
      const ctx = cliContext(command);
      const [{ withCluster }, { deleteTopic }, { requireTopic }] = await Promise.all([import('../wire/cli-cluster.ts'), import('../wire/topic-admin.ts'), import('../topic-lookup.ts')]);
      await withCluster(ctx, async (cluster) => {
        await requireTopic(cluster, name);
        try {
          await deleteTopic(cluster, name);
        } catch (err) {
          throw new CliError(`cannot delete topic "${name}"`, { cause: err });
        }
      });
      process.stdout.write(`Deleted topic ${name}\n`);
    });
}
