import { RateWindow } from './rate-window.ts';

/**
 * What a task is doing, for busy / idle / back-pressured time (Flink's task time metrics):
 * - `busy`: processing records, watermarks or timers;
 * - `idle`: waiting for input (a poll that returned nothing, a fetch in flight);
 * - `backPressured`: blocked by what is downstream — a full producer buffer, a sink flush or the
 *   async I/O capacity — with input waiting.
 */
export type TaskActivity = 'idle' | 'busy' | 'backPressured';

const INDEX: Record<TaskActivity, 0 | 1 | 2> = { idle: 0, busy: 1, backPressured: 2 };

/**
 * Accumulates the milliseconds a task spends in each activity. The runtime calls `enter` when the
 * activity changes (per poll round or batch, never per record); totals telescope, so idle + busy
 * + back-pressured always equals the time since the task started.
 */
export class TaskTime {
  readonly #totals = [0, 0, 0];
  readonly #rates: RateWindow[];
  #current: 0 | 1 | 2;
  #since: number;

  constructor(now: number, samples?: number, initial: TaskActivity = 'idle') {
    this.#current = INDEX[initial];
    this.#since = now;
    this.#rates = [new RateWindow(samples), new RateWindow(samples), new RateWindow(samples)];
    this.tick(now);
  }

  get activity(): TaskActivity {
    return (['idle', 'busy', 'backPressured'] as const)[this.#current];
  }

  /** The task now does `activity` (no-op when it already does). */
  enter(activity: TaskActivity, now: number): void {
    const next = INDEX[activity];
    if (next === this.#current) return;
    if (now > this.#since) this.#totals[this.#current]! += now - this.#since;
    this.#since = Math.max(now, this.#since);
    this.#current = next;
  }

  /** Milliseconds spent in `activity` so far, the ongoing stretch included. */
  accumulated(activity: TaskActivity, now: number): number {
    const i = INDEX[activity];
    return this.#totals[i]! + (i === this.#current && now > this.#since ? now - this.#since : 0);
  }

  /** Milliseconds per second spent in `activity` over the rate window (0..1000). */
  msPerSecond(activity: TaskActivity): number {
    return Math.min(1000, Math.max(0, this.#rates[INDEX[activity]]!.perSecond));
  }

  tick(now: number): void {
    for (const a of ['idle', 'busy', 'backPressured'] as const) this.#rates[INDEX[a]]!.sample(now, this.accumulated(a, now));
  }
}
