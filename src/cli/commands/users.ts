import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { CliError, UsageError } from '../cli-error.ts';
import { securityOptions, baseClientOptions } from '../clients.ts';
import { cliContext, type CliContext } from '../context.ts';
import { intOption } from '../option-parsers.ts';
import { formatTable } from '../table.ts';

/** SCRAM mechanisms by name: Kafka's wire code, hash and key length. */
const MECHANISMS = {
  'SCRAM-SHA-256': { code: 1, hash: 'sha256', keyLength: 32 },
  'SCRAM-SHA-512': { code: 2, hash: 'sha512', keyLength: 64 },
} as const;
type MechanismName = keyof typeof MECHANISMS;
const NAME_OF = new Map<number, MechanismName>(Object.entries(MECHANISMS).map(([n, m]) => [m.code, n as MechanismName]));

/**
 * Runs one of the SCRAM credential APIs (DescribeUserScramCredentials / AlterUserScramCredentials,
 * which @platformatic/kafka's Admin has no method for) on a connection to the first broker that
 * answers, with the --command-config TLS / SASL settings.
 */
async function onConnection<T>(ctx: CliContext, fn: (connection: unknown, kafka: typeof import('@platformatic/kafka')) => Promise<T>): Promise<T> {
  const kafka = await import('@platformatic/kafka');
  const base = baseClientOptions(ctx, 'sluice-cli-users');
  const pool = new kafka.ConnectionPool(base.clientId, { connectTimeout: base.connectTimeout, requestTimeout: base.requestTimeout, ...(await securityOptions(ctx)) } as never);
  try {
    const brokers = ctx.bootstrap.map((b) => {
      const i = b.lastIndexOf(':');
      return { host: b.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(b.slice(i + 1)) };
    });
    const connection = await pool.getFirstAvailable(brokers);
    return await fn(connection, kafka);
  } finally {
    await pool.close().catch(() => {});
  }
}

function failures(results: Array<{ user: string; errorCode: number; errorMessage?: string | null }>): void {
  const bad = results.filter((r) => r.errorCode !== 0);
  if (bad.length > 0) throw new CliError(bad.map((r) => `${r.user}: ${r.errorMessage ?? `error code ${r.errorCode}`}`).join('; '));
}

/** Kafka's salted password: PBKDF2 of the password with a random salt, as the Java admin client computes it. */
export function scramUpsertion(name: string, password: string, mechanism: MechanismName, iterations: number) {
  const m = MECHANISMS[mechanism];
  const salt = randomBytes(24);
  return { name, mechanism: m.code, iterations, salt, saltedPassword: pbkdf2Sync(password, salt, iterations, m.keyLength, m.hash) };
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
      await onConnection(ctx, async (connection, kafka) => {
        const r = await kafka.alterUserScramCredentialsV0.api.async(connection as never, [], [scramUpsertion(name, password, opts.mechanism, opts.iterations)]).catch((err: unknown) => {
          throw new CliError(`cannot add user ${name}`, { cause: err });
        });
        failures(r.results);
      });
      process.stdout.write(`user ${name} has ${opts.mechanism} credentials\n`);
    });
  users
    .command('delete <name>')
    .description("delete a user's credentials")
    .addOption(mechanismOption())
    .action(async (name: string, opts: { mechanism: MechanismName }, command: Command) => {
      const ctx = cliContext(command);
      await onConnection(ctx, async (connection, kafka) => {
        const r = await kafka.alterUserScramCredentialsV0.api.async(connection as never, [{ name, mechanism: MECHANISMS[opts.mechanism].code }], []).catch((err: unknown) => {
          throw new CliError(`cannot delete user ${name}`, { cause: err });
        });
        failures(r.results);
      });
      process.stdout.write(`deleted the ${opts.mechanism} credentials of ${name}\n`);
    });
  users
    .command('list [names...]')
    .description('list users and their mechanisms (no secrets are shown)')
    .action(async (names: string[], _opts: object, command: Command) => {
      const ctx = cliContext(command);
      const r = await onConnection(ctx, (connection, kafka) =>
        kafka.describeUserScramCredentialsV0.api.async(connection as never, names.length === 0 ? null : (names.map((name) => ({ name })) as never)).catch((err: unknown) => {
          throw new CliError('cannot list users', { cause: err });
        }),
      );
      failures(r.results.filter((u) => names.length > 0 || u.errorCode === 0));
      const rows = r.results
        .filter((u) => u.errorCode === 0)
        .sort((a, b) => a.user.localeCompare(b.user))
        .map((u) => [u.user, u.credentialInfos.map((c) => `${NAME_OF.get(c.mechanism) ?? c.mechanism} (${c.iterations} iterations)`).join(', ')]);
      if (rows.length > 0) process.stdout.write(formatTable(['USER', 'MECHANISMS'], rows));
    });
}
