/**
 * Event-time constants. Timestamps and watermarks are milliseconds since the epoch (numbers).
 *
 * @example
 * ```ts
 * import { MAX_WATERMARK } from 'sluice';
 * // MAX_WATERMARK is the watermark a bounded input emits when it ends: every window fires.
 * ```
 */

/** The watermark before any watermark was seen. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
/** End of input: a watermark of +infinity. All event-time windows and timers fire. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** Timestamp of a record that has none (no timestamp assigner ran, the source gave none). */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;

/**
 * Flink's `Watermark` object, for generators written the Flink way
 * (`output.emitWatermark(new Watermark(max - bound - 1))`); a plain number works the same.
 *
 * @example
 * ```ts
 * import { Watermark, type WatermarkGenerator, type WatermarkOutput } from 'sluice';
 * class BoundedOutOfOrdernessGenerator implements WatermarkGenerator<{ ts: number }> {
 *   max = -Infinity;
 *   onEvent(_e: { ts: number }, ts: number) { this.max = Math.max(this.max, ts); }
 *   onPeriodicEmit(output: WatermarkOutput) { output.emitWatermark(new Watermark(this.max - 3500 - 1)); }
 * }
 * ```
 */
export class Watermark {
  readonly timestamp: number;
  constructor(timestamp: number) {
    this.timestamp = timestamp;
  }
  getTimestamp(): number {
    return this.timestamp;
  }
  static readonly MAX_WATERMARK = new Watermark(MAX_WATERMARK);
  toString(): string {
    return `Watermark @ ${this.timestamp}`;
  }
}

/** The time of a watermark given as a number or a {@link Watermark}. */
export function watermarkTime(watermark: number | Watermark): number {
  return typeof watermark === 'number' ? watermark : watermark.timestamp;
}
