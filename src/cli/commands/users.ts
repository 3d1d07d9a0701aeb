import { Option, type Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { cliContext, type CliContext } from '../context.ts';
import { intOption } from '../option-parsers.ts';
import { formatTable } from '../table.ts';
import type { ClusterClient } from '../wire/cluster-client.ts';

/** SCRAM mechanisms by name and Kafka's wire code (the command line loads without the SCRAM code of src/broker/security/sasl/scram-crypto.ts). */
const MECHANISMS = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;
type MechanismName = keyof typeof MECHANISMS;
const NAME_OF = new Map<number, MechanismName>(Object.entries(MECHANISMS).map(([n, code]) => [code, n as MechanismName]));

/** Runs `fn` with the SCRAM credential functions on a cluster connection (the --command-config TLS / SASL settings). */
async function withUsers<T>(ctx: CliContext, fn: (cluster: ClusterClient, users: typeof import('../wire/scram-users.ts')) => Promise<T>): Promise<T> {
  const [{ withCluster }, users] = await Promise.all([import('../wire/cli-cluster.ts'), import('../wire/scram-users.ts')]);
  return withCluster(ctx, (cluster) => fn(cluster, users), 'sluice-cli-users');
}

const mechanismOption = () => new Option('--mechanism <name>', 'SCRAM mechanism').choices(Object.keys(MECHANISMS)).default('SCRAM-SHA-512');

/** `sluice users add|list|delete`: SCRAM credentials kept by the broker (Kafka's kafka-configs --entity-type users). */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage SCRAM users (SCRAM-SHA-256 / SCRAM-SHA-512 credentials) on the broker');
  users
    .command('add <name>')
    .description('create a user or change its password')
    .option('--password <password>', 'the password (or the SLUICE_USER_PASSWORD environment variable)')
    .addOption(mechanismOption())
    .option('--iterations <n>', 'PBKDF2 iterations, 4096..16384 (default 4096)', intOption('--iterations', 4096, 16384), 4096)
    .action(async (name: string, opts: { password?: string; mechanism: MechanismName; iterations: number }, command: Command) => {
      const ctx = cliContext(command);
      const password = opts.password ?? process.env.SLUICE_USER_PASSWORD;
      if (password === undefined || password === '') throw new UsageError('users add: give --password or set SLUICE_USER_PASSWORD');
      await withUsers(ctx, (cluster, users) =>
        users.alterScramUsers(cluster, [], [users.scramUpsertion(name, password, opts.mechanism, opts.iterations)]).catch((err: unknown) => {
          throw new CliError(`cannot add user ${name}`, { cause: err });
        }),
      );
      process.stdout.write(`user ${name} has ${opts.mechanism} credentials\n`);
    });
  users
    .command('delete <name>')
    .description("delete a user's credentials")
    .addOption(mechanismOption())
    .action(async (name: string, opts: { mechanism: MechanismName }, command: Command) => {
      const ctx = cliContext(command);
      await withUsers(ctx, (cluster, users) =>
        users.alterScramUsers(cluster, [{ name, mechanism: MECHANISMS[opts.mechanism] }], []).catch((err: unknown) => {
          throw new CliError(`cannot delete user ${name}`, { cause: err });
        }),
      );
      process.stdout.write(`deleted the ${opts.mechanism} credentials of ${name}\n`);
    });
  users
    .command('list [names...]')
    .description('list users and their mechanisms (no secrets are shown)')
    .action(async (names: string[], _opts: object, command: Command) => {
      const ctx = cliContext(command);
      const results = await withUsers(ctx, (cluster, users) =>
        users.describeScramUsers(cluster, names.length === 0 ? null : names).catch((err: unknown) => {
          throw new CliError('cannot list users', { cause: err });
        }),
      );
      const rows = results
        .sort((a, b) => a.user.localeCompare(b.user))
        .map((u) => [u.user, u.credentialInfos.map((c) => `${NAME_OF.get(c.mechanism) ?? c.mechanism} (${c.iterations} iterations)`).join(', ')]);
      if (rows.length > 0) process.stdout.write(formatTable(['USER', 'MECHANISMS'], rows));
    });
}
