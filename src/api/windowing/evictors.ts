import type { Window } from '../../core/windowing/windows.ts';
import { checkThreshold, toDeltaFunction, type DeltaFunctionLike } from './delta-function.ts';
import type { Evictor, TimestampedValue, EvictorContext } from '../../core/windowing/evictor.ts';

/**
 * Keeps at most `maxCount` elements (the most recent ones).
 *
 * @example
 * ```ts
 * import { CountEvictor, GlobalWindows, CountTrigger } from 'sluice';
 * keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(2)).evictor(CountEvictor.of(5)).sum('n');
 * ```
 */
export class CountEvictor<T = unknown, W extends Window = Window> implements Evictor<T, W> {
  readonly maxCount: number;
  readonly doEvictAfter: boolean;
  private constructor(maxCount: number, doEvictAfter: boolean) {
    this.maxCount = maxCount;
    this.doEvictAfter = doEvictAfter;
  }
  static of<T = unknown, W extends Window = Window>(maxCount: number, doEvictAfter = false): CountEvictor<T, W> {
    return new CountEvictor<T, W>(maxCount, doEvictAfter);
  }
  #evict(elements: TimestampedValue<T>[]): void {
    if (elements.length > this.maxCount) elements.splice(0, elements.length - this.maxCount);
  }
  evictBefore(elements: TimestampedValue<T>[]): void {
    if (!this.doEvictAfter) this.#evict(elements);
  }
  evictAfter(elements: TimestampedValue<T>[]): void {
    if (this.doEvictAfter) this.#evict(elements);
  }
}

/**
 * Keeps the elements whose timestamp is within `windowSize` ms of the newest one.
 *
 * @example
 * ```ts
 * keyed.window(TumblingEventTimeWindows.of(60_000)).evictor(TimeEvictor.of(10_000)).process(lastTenSeconds);
 * ```
 */
export class TimeEvictor<T = unknown, W extends Window = Window> implements Evictor<T, W> {
  readonly windowSize: number;
  readonly doEvictAfter: boolean;
  private constructor(windowSize: number, doEvictAfter: boolean) {
    this.windowSize = windowSize;
    this.doEvictAfter = doEvictAfter;
  }
  static of<T = unknown, W extends Window = Window>(windowSize: number, doEvictAfter = false): TimeEvictor<T, W> {
    return new TimeEvictor<T, W>(windowSize, doEvictAfter);
  }
  #evict(elements: TimestampedValue<T>[]): void {
    if (elements.length === 0) return;
    let max = Number.NEGATIVE_INFINITY;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    let w = 0;
    for (const e of elements) if (e.timestamp > cutoff) elements[w++] = e;
    elements.length = w;
  }
  evictBefore(elements: TimestampedValue<T>[]): void {
    if (!this.doEvictAfter) this.#evict(elements);
  }
  evictAfter(elements: TimestampedValue<T>[]): void {
    if (this.doEvictAfter) this.#evict(elements);
  }
}

/**
 * Removes every element whose distance to the last element of the window is at least the
 * threshold (Flink's `DeltaEvictor`), before the window function (or after with `doEvictAfter`).
 *
 * @example
 * ```ts
 * import { CountTrigger, DeltaEvictor, GlobalWindows } from 'sluice';
 * // every 10 readings, the recent ones within 2 degrees of the latest
 * temps.keyBy((t) => t.room).window(GlobalWindows.create())
 *   .trigger(CountTrigger.of(10))
 *   .evictor(DeltaEvictor.of(2, (a, b) => Math.abs(a.celsius - b.celsius)))
 *   .process(report);
 * ```
 */
export class DeltaEvictor<T = unknown, W extends Window = Window> implements Evictor<T, W> {
  readonly threshold: number;
  readonly doEvictAfter: boolean;
  readonly #delta: (a: T, b: T) => number;
  private constructor(threshold: number, delta: (a: T, b: T) => number, doEvictAfter: boolean) {
    this.threshold = threshold;
    this.#delta = delta;
    this.doEvictAfter = doEvictAfter;
  }
  static of<T = unknown, W extends Window = Window>(threshold: number, deltaFunction: DeltaFunctionLike<T>, doEvictAfter = false): DeltaEvictor<T, W> {
    return new DeltaEvictor<T, W>(checkThreshold(threshold, 'DeltaEvictor.of'), toDeltaFunction(deltaFunction, 'DeltaEvictor.of'), doEvictAfter);
  }
  #evict(elements: TimestampedValue<T>[]): void {
    const last = elements.at(-1);
    if (last === undefined) return;
    let w = 0;
    for (const e of elements) if (!(this.#delta(e.value, last.value) >= this.threshold)) elements[w++] = e;
    elements.length = w;
  }
  evictBefore(elements: TimestampedValue<T>[]): void {
    if (!this.doEvictAfter) this.#evict(elements);
  }
  evictAfter(elements: TimestampedValue<T>[]): void {
    if (this.doEvictAfter) this.#evict(elements);
  }
}
