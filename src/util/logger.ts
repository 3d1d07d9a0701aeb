import { pino, type Logger } from 'pino';
import { prettyLogLine } from './log-format.ts';

import { LOG_LEVELS, type LogFormat, type LogLevel } from './log-options.ts';

let format: LogFormat = process.env.SLUICE_LOG_FORMAT === 'json' || process.env.SLUICE_LOG_FORMAT === 'pretty' ? process.env.SLUICE_LOG_FORMAT : process.stderr.isTTY ? 'pretty' : 'json';

/** SLUICE_LOG_LEVEL if it names a level (else a warning and `info`); unset: `info`, or `silent` under `node --test`. */
function initialLevel(): LogLevel {
  const wanted = process.env.SLUICE_LOG_LEVEL;
  if (wanted === undefined || wanted === '') return process.env.NODE_TEST_CONTEXT ? 'silent' : 'info';
  if ((LOG_LEVELS as readonly string[]).includes(wanted)) return wanted as LogLevel;
  process.stderr.write(`sluice: SLUICE_LOG_LEVEL=${wanted} is not a level (${LOG_LEVELS.join(', ')}); logging at info\n`);
  return 'info';
}

/**
 * Process-wide logger. Logs go to stderr (stdout belongs to the program: a job's print(), the
 * CLI's results). Level: SLUICE_LOG_LEVEL (default `info`, `silent` under `node --test`);
 * format: SLUICE_LOG_FORMAT, else pretty on a terminal and JSON otherwise. `sluice --log-level`
 * and `--log-format` set both.
 */
export const logger: Logger = pino(
  { name: 'sluice', level: initialLevel() },
  { write: (line: string) => void process.stderr.write(format === 'json' ? line : prettyLogLine(line, process.stderr.isTTY === true)) },
);

/**
 * Sets the level and format of the process's logs, and of the programs it starts (through the
 * environment). Loggers made with `child()` before the call keep their level.
 */
export function configureLogging(options: { level?: LogLevel; format?: LogFormat }): void {
  if (options.level !== undefined) {
    logger.level = options.level;
    process.env.SLUICE_LOG_LEVEL = options.level;
  }
  if (options.format !== undefined) {
    format = options.format;
    process.env.SLUICE_LOG_FORMAT = options.format;
  }
}

export type { Logger };
