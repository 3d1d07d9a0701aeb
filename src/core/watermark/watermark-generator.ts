import type { Watermark } from './watermark.ts';
/**
 * Where a {@link WatermarkGenerator} sends its watermarks. `markIdle()` tells downstream not to
 * wait for this input; the next event or watermark makes it active again.
 */
export interface WatermarkOutput {
  /** A number (ms) or a {@link Watermark}. */
  emitWatermark(watermark: number | Watermark): void;
  markIdle(): void;
  markActive(): void;
}

/**
 * Generates watermarks for one input (one source split or one parallel instance).
 * `onEvent` sees every event with its timestamp; `onPeriodicEmit` is called every
 * `autoWatermarkInterval` ms of processing time (driven by the job's clock).
 *
 * @example
 * ```ts
 * import { WatermarkStrategy, type WatermarkGenerator, type WatermarkOutput } from 'sluice';
 * class Punctuated implements WatermarkGenerator<{ ts: number; last?: boolean }> {
 *   onEvent(e: { ts: number; last?: boolean }, ts: number, out: WatermarkOutput) {
 *     if (e.last) out.emitWatermark(ts);
 *   }
 *   onPeriodicEmit() {}
 * }
 * const strategy = WatermarkStrategy.forGenerator(() => new Punctuated())
 *   .withTimestampAssigner((e) => e.ts);
 * ```
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}
