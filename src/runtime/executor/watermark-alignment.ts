import type { SourceReader } from '../../core/source.ts';
import type { WatermarkOutput } from '../../core/watermark/watermark-generator.ts';
import type { WatermarkAlignmentParams } from '../../time/watermark-strategy.ts';
import { MIN_WATERMARK, watermarkTime } from '../../core/watermark/watermark.ts';
import type { ProcessingTimeService } from '../timers/processing-time-service.ts';

interface SplitState {
  wm: number;
  idle: boolean;
  paused: boolean;
}

/**
 * The alignment side of one source subtask: tracks the watermark of each split (or of the whole
 * reader when it uses no splits). When a split's watermark passes the group's allowed maximum,
 * the group is recomputed at once (others may have moved) and the split pauses if it is still
 * ahead; paused splits resume when a later update allows them.
 */
export class AlignedSource {
  readonly #reader: SourceReader<unknown>;
  readonly #recompute: () => void;
  readonly #splits = new Map<string, SplitState>();
  readonly #single: SplitState = { wm: MIN_WATERMARK, idle: false, paused: false };
  /** Unknown until the first update: the first watermark of any split triggers one. */
  #maxAllowed = Number.NEGATIVE_INFINITY;
  /** The reader pauses as a whole (see #applyReaderPause): the executor does not poll it. */
  paused = false;
  ended = false;

  constructor(reader: SourceReader<unknown>, recompute: () => void) {
    this.#reader = reader;
    this.#recompute = recompute;
  }

  /** Watches the watermark output of a split. */
  wrap(splitId: string, out: WatermarkOutput): WatermarkOutput {
    const s: SplitState = { wm: MIN_WATERMARK, idle: false, paused: false };
    this.#splits.set(splitId, s);
    return this.#watch(s, out);
  }
  /** Watches the reader's own watermark output (readers without splits). */
  wrapReader(out: WatermarkOutput): WatermarkOutput {
    return this.#watch(this.#single, out);
  }
  /** A split finished or moved away: it no longer holds the group back. */
  release(splitId: string): void {
    this.#splits.delete(splitId);
    this.#recompute();
  }

  #watch(s: SplitState, out: WatermarkOutput): WatermarkOutput {
    return {
      emitWatermark: (mark) => {
        const w = watermarkTime(mark);
        out.emitWatermark(w);
        s.idle = false;
        if (w > s.wm) s.wm = w;
        if (s.wm > this.#maxAllowed) this.#recompute();
      },
      markIdle: () => {
        out.markIdle();
        s.idle = true;
      },
      markActive: () => {
        out.markActive();
        s.idle = false;
      },
    };
  }

  /**
   * Readers that cannot pause single splits (or use none) pause as a whole while their own
   * watermark — the minimum over their splits — is beyond the allowed maximum (Flink's
   * source-level alignment); their slowest split then never waits for itself.
   */
  #applyReaderPause(): void {
    if (this.#splits.size > 0 && this.#reader.pauseOrResumeSplits !== undefined) return;
    const w = this.watermark();
    this.paused = w !== undefined && w > this.#maxAllowed;
  }

  /** This subtask's watermark for the group minimum: undefined when idle or finished. */
  watermark(): number | undefined {
    if (this.ended) return undefined;
    const states = this.#splits.size > 0 ? [...this.#splits.values()] : [this.#single];
    let min = Number.POSITIVE_INFINITY;
    for (const s of states) if (!s.idle && s.wm < min) min = s.wm;
    return min === Number.POSITIVE_INFINITY ? undefined : min;
  }

  /** A new allowed maximum: pause splits beyond it, resume those within it. */
  update(maxAllowed: number): void {
    this.#maxAllowed = maxAllowed;
    const pause: string[] = [];
    const resume: string[] = [];
    for (const [id, s] of this.#splits) {
      const should = s.wm > maxAllowed;
      if (should !== s.paused) (should ? pause : resume).push(id);
      s.paused = should;
    }
    if ((pause.length > 0 || resume.length > 0) && this.#reader.pauseOrResumeSplits !== undefined) this.#reader.pauseOrResumeSplits(pause, resume);
    this.#applyReaderPause();
  }
}

/**
 * Watermark alignment of a job (Flink's `withWatermarkAlignment`): each group's minimum watermark
 * over its sources' active splits is computed every update interval — and at once when a split
 * passes the allowed maximum — and splits more than the maximum drift ahead of it are paused until
 * the minimum catches up. Splits without a watermark yet hold the minimum at -infinity, like
 * partitions without data hold back the combined watermark (mark them idle with `withIdleness`).
 */
export class WatermarkAlignment {
  readonly #groups = new Map<string, { maxDrift: number; interval: number; members: AlignedSource[] }>();

  /** The alignment of one source subtask whose strategy asks for it. */
  register(params: WatermarkAlignmentParams, reader: SourceReader<unknown>): AlignedSource {
    let g = this.#groups.get(params.group);
    if (g === undefined) this.#groups.set(params.group, (g = { maxDrift: params.maxAllowedWatermarkDrift, interval: params.updateInterval, members: [] }));
    g.maxDrift = Math.min(g.maxDrift, params.maxAllowedWatermarkDrift);
    g.interval = Math.min(g.interval, params.updateInterval);
    const group = params.group;
    const a = new AlignedSource(reader, () => this.update(group));
    g.members.push(a);
    return a;
  }

  /** A source subtask that stopped here (its unit moved to another worker) no longer holds its group back. */
  unregister(a: AlignedSource): void {
    for (const [name, g] of this.#groups) {
      const i = g.members.indexOf(a);
      if (i < 0) continue;
      g.members.splice(i, 1);
      this.update(name);
    }
  }

  start(pts: ProcessingTimeService): void {
    for (const [name, g] of this.#groups) pts.scheduleAtFixedRate(g.interval, () => this.update(name));
  }

  /** Recomputes every group now (a source ended: it must not hold its group back until the next interval). */
  updateAll(): void {
    for (const name of this.#groups.keys()) this.update(name);
  }

  /** Recomputes the group's minimum and tells its sources the maximum they may reach. */
  update(group: string): void {
    const g = this.#groups.get(group);
    if (g === undefined) return;
    let min = Number.POSITIVE_INFINITY;
    for (const m of g.members) {
      const w = m.watermark();
      if (w !== undefined && w < min) min = w;
    }
    const maxAllowed = min + g.maxDrift;
    for (const m of g.members) m.update(maxAllowed);
  }
}
