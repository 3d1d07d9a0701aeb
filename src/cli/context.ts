import type { Command } from 'commander';
import { DEFAULT_BOOTSTRAP, parseBootstrap } from './bootstrap.ts';

/** What every Kafka-facing command needs from the global options. */
export interface CliContext {
  /** Servers given to the clients. */
  bootstrap: string[];
  /** As typed, for messages. */
  bootstrapText: string;
  verbose: boolean;
  /** `--command-config FILE`: Kafka client properties with the TLS / SASL settings. */
  commandConfig?: string;
}

/** Reads the global options (given before or after the subcommand). Throws a UsageError on a bad --bootstrap. */
export function cliContext(command: Command): CliContext {
  const opts = command.optsWithGlobals() as { bootstrap?: string; verbose?: boolean; commandConfig?: string };
  const text = opts.bootstrap ?? DEFAULT_BOOTSTRAP;
  return { bootstrap: parseBootstrap(text), bootstrapText: text, verbose: Boolean(opts.verbose), ...(opts.commandConfig !== undefined && { commandConfig: opts.commandConfig }) };
}
