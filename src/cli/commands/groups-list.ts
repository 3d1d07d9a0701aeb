import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { cliContext } from '../context.ts';
import { formatTable } from '../table.ts';

/** `sluice groups list`: consumer groups with their state. */
export function registerGroupsList(groups: Command): void {
  groups
    .command('list')
    .description('list consumer groups and their state')
    .action(async (_opts: object, command: Command) => {
      const ctx = cliContext(command);
      const [{ withCluster }, { listGroups }] = await Promise.all([import('../wire/cli-cluster.ts'), import('../wire/group-admin.ts')]);
      const listed = await withCluster(ctx, (cluster) =>
        listGroups(cluster).catch((err: unknown) => {
          throw new CliError('cannot list groups', { cause: err });
        }),
      );
      const rows = listed
        .sort((a, b) => a.groupId.localeCompare(b.groupId))
        // Below ListGroups v4 the broker does not say; "Unknown" is Kafka's own word for that.
        .map((g) => [g.groupId, g.state || 'Unknown', g.protocolType || '-']);
      if (rows.length > 0) process.stdout.write(formatTable(['GROUP', 'STATE', 'PROTOCOL TYPE'], rows));
    });
}
