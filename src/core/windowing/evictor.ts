import type { Window } from './windows.ts';

/** An element of a window with its timestamp, as evictors see it. */
export interface TimestampedValue<T> {
  value: T;
  timestamp: number;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a window before and/or after the window function runs. Evictors mutate
 * the array they get (e.g. `elements.splice(0, n)`).
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], window: W, ctx: EvictorContext): void;
  evictAfter(elements: TimestampedValue<T>[], window: W, ctx: EvictorContext): void;
}
