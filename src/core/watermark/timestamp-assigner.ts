import type { Clock } from '../../util/clock.ts';

/** Extracts the event-time timestamp (ms) of an event; `recordTimestamp` is the one the source gave, if any. */
export interface TimestampAssigner<T> {
  extractTimestamp(event: T, recordTimestamp: number): number;
}

/** A {@link TimestampAssigner} as an object or a plain function. */
export type TimestampAssignerLike<T> = TimestampAssigner<T> | ((event: T, recordTimestamp: number) => number);

/** What a generator factory receives. */
export interface WatermarkGeneratorContext {
  readonly clock: Clock;
}
