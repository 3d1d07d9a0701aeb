import { Command } from 'commander';
import { bootstrapOption } from './bootstrap.ts';
import { UsageError } from './cli-error.ts';
import { registerConsumeCommand } from './commands/consume.ts';
import { registerGroupsCommand } from './commands/groups.ts';
import { registerNexmarkCommand } from './commands/nexmark.ts';
import { registerProduceCommand } from './commands/produce.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerTopicsCommand } from './commands/topics.ts';
import { errorDetails, errorLine } from './format-error.ts';

/** The `sluice` command line. */
const program = new Command()
  .name('sluice')
  .description('Stream processing for TypeScript on Kafka, with an embedded Kafka-compatible broker')
  .option('--verbose', 'print error details')
  .addOption(bootstrapOption())
  // Usage errors are one line, like every other error; `--help` shows the usage.
  .configureOutput({
    outputError: (str, write) => write(`sluice: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`),
  });

// The broker's code is loaded only when it may be needed (`sluice broker`, help): the client
// commands start faster without it.
const CLIENT_COMMANDS = new Set(['topics', 'produce', 'consume', 'groups', 'nexmark']);
if (!CLIENT_COMMANDS.has(commandName(process.argv.slice(2)) ?? '')) {
  const { registerBrokerCommand } = await import('./broker-command.ts');
  registerBrokerCommand(program);
}
registerTopicsCommand(program);
registerProduceCommand(program);
registerConsumeCommand(program);
registerGroupsCommand(program);
registerRunCommand(program);
registerNexmarkCommand(program);

/** The subcommand named on the command line (skipping global options and their values). */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--bootstrap') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  const opts = program.opts() as { verbose?: boolean; bootstrap?: string };
  const line = errorLine(err, opts.bootstrap ?? '');
  process.stderr.write(`sluice: ${line}${err instanceof UsageError ? ' (see --help)' : ''}\n`);
  if (opts.verbose) process.stderr.write(`${errorDetails(err)}\n`);
  process.exit(1);
});
