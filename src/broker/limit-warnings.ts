import type { Clock } from '../util/clock.ts';
import type { Logger } from '../util/logger.ts';

/**
 * The warn lines of limits that refuse clients. A refusal logs one line naming the limit and how
 * to raise it; further refusals by the same limit within `intervalMs` are only counted, and the
 * count is reported with the next line, so a storm of refused clients cannot flood the log.
 */
export class LimitWarnings {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(log: Logger, clock: Clock, intervalMs = 60_000) {
    this.#log = log;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Logs `message` for `limit` unless it was logged less than the interval ago. */
  warn(limit: string, message: string, fields: Record<string, unknown> = {}): void {
    const now = this.#clock.now();
    const last = this.#last.get(limit);
    if (last && now - last.at < this.#intervalMs) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.#last.set(limit, { at: now, suppressed: 0 });
    this.#log.warn({ limit, ...fields, ...(suppressed > 0 ? { alsoRefusedSinceLastWarning: suppressed } : {}) }, message);
  }
}
