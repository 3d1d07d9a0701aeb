import { Command } from 'commander';
import { registerBrokerCommand } from './broker-command.ts';
import { bootstrapOption } from './bootstrap.ts';
import { UsageError } from './cli-error.ts';
import { registerConsumeCommand } from './commands/consume.ts';
import { registerGroupsCommand } from './commands/groups.ts';
import { registerProduceCommand } from './commands/produce.ts';
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

registerBrokerCommand(program);
registerTopicsCommand(program);
registerProduceCommand(program);
registerConsumeCommand(program);
registerGroupsCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const opts = program.opts() as { verbose?: boolean; bootstrap?: string };
  const line = errorLine(err, opts.bootstrap ?? '');
  process.stderr.write(`sluice: ${line}${err instanceof UsageError ? ' (see --help)' : ''}\n`);
  if (opts.verbose) process.stderr.write(`${errorDetails(err)}\n`);
  process.exit(1);
});
