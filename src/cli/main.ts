import { Command } from 'commander';
import { registerBrokerCommand } from './broker-command.ts';

/** The `sluice` command line. */
const program = new Command()
  .name('sluice')
  .description('Stream processing for TypeScript on Kafka, with an embedded Kafka-compatible broker')
  .option('--verbose', 'print error details')
  .showHelpAfterError();

registerBrokerCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const verbose = program.opts().verbose;
  process.stderr.write(`sluice: ${err instanceof Error ? err.message : String(err)}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
