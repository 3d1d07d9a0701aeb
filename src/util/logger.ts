import { createRequire } from 'node:module';
import type { Logger as PinoLogger, LogFn } from 'pino';
import { prettyLogLine } from './log-format.ts';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log-options.ts';

/**
 * What Sluice logs through: pino's level methods, `level` and `child()`. A pino logger is one (the
 * broker and the metrics accept a user's), and so is the process-wide `logger` below.
 */
export interface Logger extends Pick<PinoLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> {
  child(bindings: Record<string, unknown>, options?: { level?: string }): Logger;
}

let format: LogFormat = process.env.SLUICE_LOG_FORMAT === 'json' || process.env.SLUICE_LOG_FORMAT === 'pretty' ? process.env.SLUICE_LOG_FORMAT : process.stderr.isTTY ? 'pretty' : 'json';

/** SLUICE_LOG_LEVEL if it names a level (else a warning and `info`); unset: `info`, or `silent` under `node --test`. */
function initialLevel(): LogLevel {
  const wanted = process.env.SLUICE_LOG_LEVEL;
  if (wanted === undefined || wanted === '') return process.env.NODE_TEST_CONTEXT ? 'silent' : 'info';
  if ((LOG_LEVELS as readonly string[]).includes(wanted)) return wanted as LogLevel;
  process.stderr.write(`sluice: SLUICE_LOG_LEVEL=${wanted} is not a level (${LOG_LEVELS.join(', ')}); logging at info\n`);
  return 'info';
}

/** pino's numeric levels: a call logs when its level's value is at least the logger's. */
const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A logger whose pino instance is made when it first writes an entry: pino (a dozen modules) is
 * not loaded by programs that never log, and `import 'sluice'` stays fast. Like a pino child, a
 * child starts at its parent's level of the moment and keeps it when the parent's changes.
 */
class DeferredLogger implements Logger {
  readonly #create: () => PinoLogger;
  #pino: PinoLogger | undefined;
  #level: string;

  constructor(create: () => PinoLogger, level: string) {
    this.#create = create;
    this.#level = level;
  }

  get level(): string {
    return this.#pino?.level ?? this.#level;
  }

  set level(level: string) {
    if (this.#pino !== undefined) this.#pino.level = level;
    this.#level = level;
  }

  #instance(): PinoLogger {
    if (this.#pino === undefined) {
      this.#pino = this.#create();
      this.#pino.level = this.#level;
    }
    return this.#pino;
  }

  #method(method: Method): LogFn {
    return ((...args: Parameters<LogFn>) => {
      if ((LEVEL_VALUES[method] ?? 0) >= (LEVEL_VALUES[this.level] ?? 0)) this.#instance()[method](...args);
    }) as LogFn;
  }

  readonly fatal = this.#method('fatal');
  readonly error = this.#method('error');
  readonly warn = this.#method('warn');
  readonly info = this.#method('info');
  readonly debug = this.#method('debug');
  readonly trace = this.#method('trace');

  child(bindings: Record<string, unknown>, options: { level?: string } = {}): Logger {
    return new DeferredLogger(() => this.#instance().child(bindings), options.level ?? this.level);
  }
}

/** pino, loaded on first use (CommonJS, so it can be required synchronously from the first log call). */
function createPino(): PinoLogger {
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  return pino({ name: 'sluice' }, { write: (line: string) => void process.stderr.write(format === 'json' ? line : prettyLogLine(line, process.stderr.isTTY === true)) });
}

/**
 * Process-wide logger. Logs go to stderr (stdout belongs to the program: a job's print(), the
 * CLI's results). Level: SLUICE_LOG_LEVEL (default `info`, `silent` under `node --test`);
 * format: SLUICE_LOG_FORMAT, else pretty on a terminal and JSON otherwise. `sluice --log-level`
 * and `--log-format` set both.
 */
export const logger: Logger = new DeferredLogger(createPino, initialLevel());

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
