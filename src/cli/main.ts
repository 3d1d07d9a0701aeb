import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../util/log-options.ts';
import { bootstrapOption } from './bootstrap.ts';
import { registerBrokerCommand } from './broker-command.ts';
import { UsageError } from './cli-error.ts';
import { registerConsumeCommand } from './commands/consume.ts';
import { registerGroupsCommand } from './commands/groups.ts';
import { registerJobsCommand } from './commands/jobs.ts';
import { registerNexmarkCommand } from './commands/nexmark.ts';
import { registerProduceCommand } from './commands/produce.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerSavepointCommand } from './commands/savepoint.ts';
import { registerTopicsCommand } from './commands/topics.ts';
import { registerUsersCommand } from './commands/users.ts';
import { registerAclsCommand } from './commands/acls.ts';
import { exitWhenDrained } from './exit.ts';
import { errorDetails, errorLine } from './format-error.ts';

/** The `sluice` command line. */
const program = new Command()
  .name('sluice')
  .description('Stream processing for TypeScript on Kafka, with an embedded Kafka-compatible broker')
  .version(packageVersion(), '-V, --version', 'print the version of sluice')
  .option('--verbose', 'print error details')
  .addOption(bootstrapOption())
  .option('--command-config <file>', 'Kafka client properties for secured clusters (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.ca.location, ...)')
  .addOption(new Option('--log-level <level>', 'least important logs to write to stderr (or SLUICE_LOG_LEVEL; default info)').choices(LOG_LEVELS))
  .addOption(new Option('--log-format <format>', 'logs as readable lines or JSON lines (or SLUICE_LOG_FORMAT; default: pretty on a terminal, else json)').choices(['pretty', 'json']))
  // Before any command runs, so that the broker and jobs log as asked.
  .hook('preAction', async (cmd) => {
    const { logLevel, logFormat } = cmd.opts() as { logLevel?: LogLevel; logFormat?: LogFormat };
    if (logLevel !== undefined || logFormat !== undefined) (await import('../util/logger.ts')).configureLogging({ level: logLevel, format: logFormat });
  })
  // Usage errors are one line, like every other error; `--help` shows the usage.
  .configureOutput({
    outputError: (str, write) => write(`sluice: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`),
  });

registerBrokerCommand(program);
registerTopicsCommand(program);
registerProduceCommand(program);
registerConsumeCommand(program);
registerGroupsCommand(program);
registerJobsCommand(program);
registerRunCommand(program);
registerSavepointCommand(program);
registerNexmarkCommand(program);
registerUsersCommand(program);
registerAclsCommand(program);

/** The version in the package's package.json (`../../package.json` from src/cli and dist/cli alike). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

program.parseAsync(process.argv).catch(async (err: unknown) => {
  const opts = program.opts() as { verbose?: boolean; bootstrap?: string };
  const line = errorLine(err, opts.bootstrap ?? '');
  process.stderr.write(`sluice: ${line}${err instanceof UsageError ? ' (see --help)' : ''}\n`);
  if (opts.verbose) process.stderr.write(`${errorDetails(err)}\n`);
  await exitWhenDrained(1);
});
