import { MIN_WATERMARK } from './watermark.ts';

/**
 * Where a {@link WatermarkGenerator} sends its watermarks. `markIdle()` tells downstream not to
 * wait for this input; the next event or watermark makes it active again.
 */
export interface WatermarkOutput {
  emitWatermark(watermark: number): void;
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

/** Watermark = highest timestamp seen − bound − 1 (Flink's bounded out-of-orderness). */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  #maxTimestamp: number;
  readonly #bound: number;
  constructor(maxOutOfOrderness: number) {
    if (!(maxOutOfOrderness >= 0)) throw new RangeError('maxOutOfOrderness must be >= 0 ms');
    this.#bound = maxOutOfOrderness;
    this.#maxTimestamp = MIN_WATERMARK;
  }
  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.#maxTimestamp) this.#maxTimestamp = eventTimestamp;
  }
  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.#maxTimestamp !== MIN_WATERMARK) output.emitWatermark(this.#maxTimestamp - this.#bound - 1);
  }
}

/** Watermarks for timestamps that never go backwards: bounded out-of-orderness with bound 0. */
export class AscendingTimestampsWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
  constructor() {
    super(0);
  }
}

/** Emits no watermarks (only the end-of-input watermark reaches downstream). */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}
