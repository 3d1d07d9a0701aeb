import { MIN_WATERMARK } from '../core/watermark/watermark.ts';
import type { WatermarkGenerator, WatermarkOutput } from '../core/watermark/watermark-generator.ts';

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
