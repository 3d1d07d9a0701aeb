import { MIN_WATERMARK } from '../core/watermark/watermark.ts';

/** Receives the combined watermark and idleness of several input channels. */
export interface ValveOutput {
  onWatermark(watermark: number): void;
  onIdle(idle: boolean): void;
}

/**
 * Combines the watermarks of N input channels into one: the minimum over the channels that are
 * active and aligned. An idle channel does not hold the watermark back; when it resumes with a
 * watermark behind the combined one, it rejoins the minimum only once it has caught up. The
 * combined watermark never goes backwards. When every channel is idle, the output is idle.
 */
export class WatermarkValve {
  readonly #watermarks: Float64Array;
  readonly #idle: Uint8Array;
  readonly #aligned: Uint8Array;
  readonly #out: ValveOutput;
  #current = MIN_WATERMARK;
  #outputIdle = false;

  constructor(channels: number, out: ValveOutput) {
    this.#watermarks = new Float64Array(channels).fill(MIN_WATERMARK);
    this.#idle = new Uint8Array(channels);
    this.#aligned = new Uint8Array(channels).fill(1);
    this.#out = out;
  }

  get current(): number {
    return this.#current;
  }

  inputWatermark(watermark: number, channel: number): void {
    if (this.#idle[channel] === 1) this.inputIdle(false, channel);
    if (watermark <= this.#watermarks[channel]!) return;
    this.#watermarks[channel] = watermark;
    if (this.#aligned[channel] === 0 && watermark >= this.#current) this.#aligned[channel] = 1;
    this.#recompute();
  }

  inputIdle(idle: boolean, channel: number): void {
    const flag = idle ? 1 : 0;
    if (this.#idle[channel] === flag) return;
    this.#idle[channel] = flag;
    if (idle) {
      this.#aligned[channel] = 0;
      if (this.#allIdle()) {
        if (!this.#outputIdle) {
          this.#outputIdle = true;
          this.#out.onIdle(true);
        }
        return;
      }
      this.#recompute();
    } else {
      if (this.#watermarks[channel]! >= this.#current) this.#aligned[channel] = 1;
      if (this.#outputIdle) {
        this.#outputIdle = false;
        this.#out.onIdle(false);
      }
    }
  }

  #allIdle(): boolean {
    for (let i = 0; i < this.#idle.length; i++) if (this.#idle[i] === 0) return false;
    return true;
  }

  #recompute(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (let i = 0; i < this.#watermarks.length; i++) {
      if (this.#idle[i] === 0 && this.#aligned[i] === 1) {
        any = true;
        const w = this.#watermarks[i]!;
        if (w < min) min = w;
      }
    }
    if (any && min > this.#current) {
      this.#current = min;
      this.#out.onWatermark(min);
    }
  }
}
