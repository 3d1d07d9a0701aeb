import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { withAdmin } from '../clients.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';

/** `sluice groups list`: consumer groups with their state. */
export function registerGroupsList(groups: Command): void {
  groups
    .command('list')
    .description('list consumer groups and their state')
    .action(async (_opts: object, command: Command) => {
      const ctx = cliContext(command);
      const listed = await withAdmin(ctx, (admin) =>
        admin.listGroups().catch((err: unknown) => {
          throw new CliError('cannot list groups', { cause: err });
        }),
      );
      const rows = [...listed.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((g) => [g.id, String(g.state), g.protocolType || '-']);
      if (rows.length > 0) process.stdout.write(formatTable(['GROUP', 'STATE', 'PROTOCOL TYPE'], rows));
    });
}
