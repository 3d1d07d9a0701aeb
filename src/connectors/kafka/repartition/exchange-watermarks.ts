import { MIN_WATERMARK } from '../../../core/watermark/watermark.ts';
import { WatermarkValve, type ValveOutput } from '../../../time/watermark-valve.ts';

/** What the reader of a repartition topic keeps in its checkpoint: `[partition, writer, watermark, idle]` per channel heard from. */
export type ExchangeWatermarkState = ReadonlyArray<readonly [number, string, string, boolean]>;

/**
 * The watermark of one reader of a repartition topic. Every upstream task (writer) sends its
 * watermark and idleness into every partition, in order with its records there; a channel is
 * (partition, writer), combined by the same {@link WatermarkValve} as in-process exchanges
 * (minimum over active channels; a writer not yet heard from in a partition counts as −∞; idle
 * when every channel is). Per partition, not per writer: partitions are fetched independently, so
 * a writer's marker read in one partition says nothing about its records not yet read in another.
 */
export class ExchangeWatermarks {
  readonly #partitions: Map<number, number>;
  readonly #writers: Map<string, number>;
  readonly #watermarks: Float64Array;
  readonly #idle: Uint8Array;
  readonly #valve: WatermarkValve;
  #ended = 0;

  constructor(partitions: readonly number[], writers: readonly string[], out: ValveOutput) {
    this.#partitions = new Map(partitions.map((p, i) => [p, i]));
    this.#writers = new Map(writers.map((w, i) => [w, i]));
    const n = partitions.length * writers.length;
    this.#watermarks = new Float64Array(n).fill(MIN_WATERMARK);
    this.#idle = new Uint8Array(n);
    this.#valve = new WatermarkValve(n, out);
  }

  /** Replays a checkpoint's channels (the reader's output gets the restored watermark). */
  restore(state: ExchangeWatermarkState): void {
    for (const [p, w, wm, idle] of state) {
      const watermark = Number(wm);
      if (watermark !== MIN_WATERMARK) this.update(p, w, 'w', watermark);
      if (idle) this.update(p, w, 'i', watermark);
    }
  }

  /** A marker of `writer` read in `partition`; markers of writers or partitions this reader does not know are ignored. */
  update(partition: number, writer: string, kind: 'w' | 'i' | 'a', watermark: number): void {
    const p = this.#partitions.get(partition);
    const w = this.#writers.get(writer);
    if (p === undefined || w === undefined) return;
    const ch = p * this.#writers.size + w;
    if (kind === 'w') {
      this.#idle[ch] = 0;
      if (watermark > this.#watermarks[ch]!) {
        if (watermark === Number.POSITIVE_INFINITY) this.#ended++;
        this.#watermarks[ch] = watermark;
      }
      this.#valve.inputWatermark(watermark, ch);
    } else {
      this.#idle[ch] = kind === 'i' ? 1 : 0;
      this.#valve.inputIdle(kind === 'i', ch);
    }
  }

  /** Every channel reached +∞: every writer's input ended. */
  ended(): boolean {
    return this.#watermarks.length > 0 && this.#ended === this.#watermarks.length;
  }

  snapshot(): ExchangeWatermarkState {
    const out: Array<readonly [number, string, string, boolean]> = [];
    for (const [partition, p] of this.#partitions) {
      for (const [writer, w] of this.#writers) {
        const ch = p * this.#writers.size + w;
        if (this.#watermarks[ch] !== MIN_WATERMARK || this.#idle[ch] === 1) out.push([partition, writer, String(this.#watermarks[ch]), this.#idle[ch] === 1]);
      }
    }
    return out;
  }
}
