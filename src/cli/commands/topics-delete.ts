import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { withAdmin } from '../clients.ts';
import { cliContext } from '../context.ts';
import { requireTopic } from '../topic-lookup.ts';

/** `sluice topics delete NAME` */
export function registerTopicsDelete(topics: Command): void {
  topics
    .command('delete')
    .description('delete a topic and its data')
    .argument('<name>', 'topic name')
    .action(async (name: string, _opts: object, command: Command) => {
      const ctx = cliContext(command);
      await withAdmin(ctx, async (admin) => {
        await requireTopic(admin, name);
        try {
          await admin.deleteTopics({ topics: [name] });
        } catch (err) {
          throw new CliError(`cannot delete topic "${name}"`, { cause: err });
        }
      });
      process.stdout.write(`Deleted topic ${name}\n`);
    });
}
