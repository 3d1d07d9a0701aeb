import type { Clock } from '../util/clock.ts';
import { AscendingTimestampsWatermarks, BoundedOutOfOrdernessWatermarks, NoWatermarksGenerator } from './watermark-generator.ts';
import { type WatermarkGenerator } from '../core/watermark/watermark-generator.ts';
import { WatermarksWithIdleness } from './idleness.ts';
import type { TimestampAssigner, TimestampAssignerLike, WatermarkGeneratorContext } from '../core/watermark/timestamp-assigner.ts';

/** The error of a timestamp assigner that returned something else than a number of ms. */
export function badTimestamp(ts: unknown): TypeError {
  return new TypeError(`the timestamp assigner returned ${String(ts)}; it must return milliseconds since the epoch (a number)`);
}

/** Watermark alignment of a source (`withWatermarkAlignment`). */
export interface WatermarkAlignmentParams {
  /** Sources (and their splits) with the same group are aligned together. */
  readonly group: string;
  /** How far (ms) a split's watermark may run ahead of the group's minimum before it pauses. */
  readonly maxAllowedWatermarkDrift: number;
  /** How often (ms of processing time) the group's minimum is recomputed. */
  readonly updateInterval: number;
}

/**
 * How a stream gets event time: a timestamp assigner plus a watermark generator, optionally
 * with idleness detection. Immutable: every `with...` returns a new strategy.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment, WatermarkStrategy } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * const clicks = env
 *   .fromElements({ user: 'a', ts: 1000 }, { user: 'b', ts: 900 })
 *   .assignTimestampsAndWatermarks(
 *     WatermarkStrategy.forBoundedOutOfOrderness<{ user: string; ts: number }>(5_000)
 *       .withTimestampAssigner((e) => e.ts)
 *       .withIdleness(60_000),
 *   );
 * ```
 */
export class WatermarkStrategy<T> {
  readonly #factory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>;
  readonly #assigner: TimestampAssigner<T> | undefined;
  readonly #idleTimeout: number | undefined;
  /** True for {@link WatermarkStrategy.noWatermarks}: the stream carries no event-time progress. */
  readonly emitsWatermarks: boolean;
  /** Set by {@link WatermarkStrategy.withWatermarkAlignment}. */
  readonly alignment: WatermarkAlignmentParams | undefined;

  private constructor(
    factory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>,
    assigner: TimestampAssigner<T> | undefined,
    idleTimeout: number | undefined,
    emitsWatermarks: boolean,
    alignment?: WatermarkAlignmentParams,
  ) {
    this.#factory = factory;
    this.#assigner = assigner;
    this.#idleTimeout = idleTimeout;
    this.emitsWatermarks = emitsWatermarks;
    this.alignment = alignment;
  }

  /** Timestamps never decrease; watermark = highest timestamp − 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new AscendingTimestampsWatermarks<T>(), undefined, undefined, true);
  }

  /** Events arrive at most `maxOutOfOrderness` ms late; watermark = highest timestamp − bound − 1. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: number): WatermarkStrategy<T> {
    if (!(maxOutOfOrderness >= 0)) {
      throw new RangeError(`forBoundedOutOfOrderness(${maxOutOfOrderness}): the bound must be a number of ms >= 0`);
    }
    return new WatermarkStrategy<T>(
      () => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness),
      undefined,
      undefined,
      true,
    );
  }

  /** No watermarks: event-time windows and timers fire only at the end of a bounded input. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined, false);
  }

  /** A custom generator (periodic, punctuated or both). */
  static forGenerator<T>(factory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(factory, undefined, undefined, true);
  }

  /** Sets how the timestamp of each event is read. */
  withTimestampAssigner(assigner: TimestampAssignerLike<T>): WatermarkStrategy<T> {
    const a: TimestampAssigner<T> = typeof assigner === 'function' ? { extractTimestamp: assigner } : assigner;
    return new WatermarkStrategy<T>(this.#factory, a, this.#idleTimeout, this.emitsWatermarks, this.alignment);
  }

  /** Marks an input idle after `idleTimeout` ms (processing time) without events. */
  withIdleness(idleTimeout: number): WatermarkStrategy<T> {
    if (!(idleTimeout > 0)) throw new RangeError(`withIdleness(${idleTimeout}): the timeout must be a number of ms > 0`);
    return new WatermarkStrategy<T>(this.#factory, this.#assigner, idleTimeout, this.emitsWatermarks, this.alignment);
  }

  /**
   * Aligns the watermarks of this source with the other sources of `group` in the job: a split
   * (Kafka partition) whose watermark runs more than `maxAllowedWatermarkDrift` ms ahead of the
   * group's minimum watermark pauses until the group catches up, so a fast partition or topic
   * does not fill the state of windows and joins while a slow one lags. The minimum is recomputed
   * every `updateInterval` ms of processing time (default 1000); idle and finished splits do not
   * hold it back. Readers that cannot pause single splits are paused as a whole.
   *
   * @example
   * ```ts
   * WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000)
   *   .withTimestampAssigner((c) => c.ts)
   *   .withWatermarkAlignment('clicks-and-views', 60_000, 1_000);
   * ```
   */
  withWatermarkAlignment(group: string, maxAllowedWatermarkDrift: number, updateInterval = 1000): WatermarkStrategy<T> {
    if (typeof group !== 'string' || group.length === 0) throw new TypeError('withWatermarkAlignment(group, ...): the group must be a non-empty string');
    if (!(maxAllowedWatermarkDrift >= 0 && Number.isFinite(maxAllowedWatermarkDrift))) {
      throw new RangeError(`withWatermarkAlignment: maxAllowedWatermarkDrift must be a number of ms >= 0, got ${String(maxAllowedWatermarkDrift)}`);
    }
    if (!(updateInterval > 0 && Number.isFinite(updateInterval))) {
      throw new RangeError(`withWatermarkAlignment: updateInterval must be a number of ms > 0, got ${String(updateInterval)}`);
    }
    return new WatermarkStrategy<T>(this.#factory, this.#assigner, this.#idleTimeout, this.emitsWatermarks, { group, maxAllowedWatermarkDrift, updateInterval });
  }

  /** True when this strategy assigns timestamps itself. */
  get hasTimestampAssigner(): boolean {
    return this.#assigner !== undefined;
  }

  /** The timestamp assigner, or one that keeps the record's existing timestamp. */
  createTimestampAssigner(): TimestampAssigner<T> {
    return this.#assigner ?? RECORD_TIMESTAMP;
  }

  /** A fresh generator for one input (split or subtask). */
  createWatermarkGenerator(ctx: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const g = this.#factory(ctx);
    return this.#idleTimeout === undefined ? g : new WatermarksWithIdleness(g, this.#idleTimeout, ctx.clock);
  }
}

const RECORD_TIMESTAMP: TimestampAssigner<never> = { extractTimestamp: (_e, ts) => ts };
