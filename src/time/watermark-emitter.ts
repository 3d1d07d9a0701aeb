import type { Output } from '../core/output.ts';
import type { WatermarkOutput } from '../core/watermark/watermark-generator.ts';
import { MIN_WATERMARK, watermarkTime, type Watermark } from '../core/watermark/watermark.ts';

/**
 * Forwards a generator's watermarks downstream, keeping them monotonous, and forwards idleness
 * changes. With `suppress` (batch mode) generator watermarks are dropped: only the end-of-input
 * watermark reaches downstream.
 */
export class WatermarkEmitter implements WatermarkOutput {
  current = MIN_WATERMARK;
  idle = false;
  readonly #out: Output<unknown>;
  readonly #suppress: boolean;
  constructor(out: Output<unknown>, suppress: boolean) {
    this.#out = out;
    this.#suppress = suppress;
  }
  emitWatermark(mark: number | Watermark): void {
    const watermark = watermarkTime(mark);
    if (this.#suppress || watermark <= this.current) return;
    this.current = watermark;
    if (this.idle) this.markActive();
    this.#out.emitWatermark(watermark);
  }
  markIdle(): void {
    if (this.#suppress || this.idle) return;
    this.idle = true;
    this.#out.emitIdle(true);
  }
  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.#out.emitIdle(false);
  }
  /** End of input: +infinity, even in batch mode. */
  emitFinal(watermark: number): void {
    if (this.idle) {
      this.idle = false;
      this.#out.emitIdle(false);
    }
    this.current = watermark;
    this.#out.emitWatermark(watermark);
  }
}

/**
 * Combines per-split watermark outputs of one source reader into its output: the minimum over
 * splits that are not idle (Kafka partitions are splits). Splits come and go at runtime.
 */
export class WatermarkMultiplexer {
  readonly #splits = new Map<string, { wm: number; idle: boolean }>();
  readonly #target: WatermarkOutput;
  constructor(target: WatermarkOutput) {
    this.#target = target;
  }
  register(splitId: string): WatermarkOutput {
    const s = { wm: MIN_WATERMARK, idle: false };
    this.#splits.set(splitId, s);
    return {
      emitWatermark: (mark) => {
        const w = watermarkTime(mark);
        s.idle = false;
        if (w > s.wm) s.wm = w;
        this.#update();
      },
      markIdle: () => {
        s.idle = true;
        this.#update();
      },
      markActive: () => {
        s.idle = false;
        this.#update();
      },
    };
  }
  unregister(splitId: string): void {
    this.#splits.delete(splitId);
    this.#update();
  }
  /** A split's own watermark and idleness (metrics), undefined for an unknown split. */
  splitWatermark(splitId: string): { readonly wm: number; readonly idle: boolean } | undefined {
    return this.#splits.get(splitId);
  }
  #update(): void {
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    for (const s of this.#splits.values()) {
      if (s.idle) continue;
      active++;
      if (s.wm < min) min = s.wm;
    }
    if (active === 0) {
      if (this.#splits.size > 0) this.#target.markIdle();
      return;
    }
    this.#target.markActive();
    if (min !== MIN_WATERMARK) this.#target.emitWatermark(min);
  }
}
