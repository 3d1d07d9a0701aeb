import { JobConfigurationError } from '../core/errors/job-errors.ts';
import { MapStateDescriptor } from '../core/state/descriptors.ts';
import type { MapState } from '../core/state/state.ts';
import type { DataStream } from './datastream.ts';
import type { Collector } from '../core/functions/collector.ts';
import { copyFunction } from './functions/normalize.ts';
import type { KeyedContext, OnTimerContext } from '../core/functions/process.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { OutputTag } from '../core/output-tag.ts';
import type { RuntimeContext } from '../core/runtime-context.ts';
import { AbstractRichFunction, setRuntimeContextOn } from '../core/functions/rich-function.ts';

/** Context of a {@link ProcessJoinFunction}. */
export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** max(left, right): the timestamp of the output. */
  getTimestamp(): number;
}
/** Processes one joined pair of an interval join. */
export interface ProcessJoinFunction<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
  /** Set for subclasses of the base class (from `open` on). */
  getRuntimeContext?(): RuntimeContext;
}

/**
 * Base class form of {@link ProcessJoinFunction} (merged with the interface), as Flink's abstract
 * class: `class Pair extends ProcessJoinFunction<A, B, Out> { processElement(a, b, ctx, out) {...} }`.
 *
 * @example
 * ```ts
 * import { ProcessJoinFunction, type ProcessJoinContext, type Collector } from 'sluice';
 * class Pair extends ProcessJoinFunction<number, number, string> {
 *   override processElement(a: number, b: number, ctx: ProcessJoinContext, out: Collector<string>) { out.collect(`${a},${b}@${ctx.getTimestamp()}`); }
 * }
 * ```
 */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends (AbstractRichFunction as abstract new () => object) {}

/**
 * `keyedA.intervalJoin(keyedB).between(lower, upper).process(fn)`: joins a and b of the same key
 * when `a.ts + lower <= b.ts <= a.ts + upper` (event time). Each side is buffered in keyed state
 * until the watermark makes a match impossible; late elements are dropped.
 *
 * @example
 * ```ts
 * clicks.keyBy((c) => c.user)
 *   .intervalJoin(purchases.keyBy((p) => p.user))
 *   .between(-Time.minutes(10), 0)
 *   .process((click, purchase, ctx, out) => out.collect({ click, purchase }));
 * ```
 */
export class IntervalJoin<IN1, IN2, K> {
  readonly #a: KeyedStream<IN1, K>;
  readonly #b: KeyedStream<IN2, K>;
  #lower = 0;
  #upper = 0;
  #lowerInclusive = true;
  #upperInclusive = true;
  #leftLate: OutputTag<IN1> | undefined;
  #rightLate: OutputTag<IN2> | undefined;
  constructor(a: KeyedStream<IN1, K>, b: KeyedStream<IN2, K>) {
    this.#a = a;
    this.#b = b;
  }
  between(lower: number, upper: number): this {
    if (!(lower <= upper)) throw new JobConfigurationError(`intervalJoin().between(${lower}, ${upper}): lower must be <= upper`);
    this.#lower = lower;
    this.#upper = upper;
    return this;
  }
  lowerBoundExclusive(): this {
    this.#lowerInclusive = false;
    return this;
  }
  upperBoundExclusive(): this {
    this.#upperInclusive = false;
    return this;
  }
  /**
   * Left elements that arrive late (timestamp below the watermark) go to this side output of the
   * result instead of being dropped.
   *
   * @example
   * ```ts
   * const lateClicks = new OutputTag<Click>('late-clicks');
   * const joined = clicks.keyBy(byUser).intervalJoin(buys.keyBy(byUser)).between(-600_000, 0)
   *   .sideOutputLeftLateData(lateClicks).process(pair);
   * joined.getSideOutput(lateClicks).print();
   * ```
   */
  sideOutputLeftLateData(tag: OutputTag<IN1>): this {
    this.#leftLate = tag;
    return this;
  }
  /**
   * Right elements that arrive late go to this side output (see `sideOutputLeftLateData`).
   *
   * @example
   * ```ts
   * const lateBuys = new OutputTag<Buy>('late-buys');
   * clicks.keyBy(byUser).intervalJoin(buys.keyBy(byUser)).between(-600_000, 0).sideOutputRightLateData(lateBuys).process(pair);
   * ```
   */
  sideOutputRightLateData(tag: OutputTag<IN2>): this {
    this.#rightLate = tag;
    return this;
  }
  process<OUT>(fn: ProcessJoinFunction<IN1, IN2, OUT> | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void)): DataStream<OUT> {
    if (!this.#a.transformation.hasTimestamps || !this.#b.transformation.hasTimestamps) {
      throw new JobConfigurationError('intervalJoin needs event timestamps on both sides: call assignTimestampsAndWatermarks(...) first');
    }
    const user: ProcessJoinFunction<IN1, IN2, OUT> = typeof fn === 'function' ? { processElement: fn } : fn;
    const lower = this.#lowerInclusive ? this.#lower : this.#lower + 1;
    const upper = this.#upperInclusive ? this.#upper : this.#upper - 1;
    return this.#a
      .connect(this.#b)
      .process<OUT>(new IntervalJoinFunction<IN1, IN2, OUT, K>(user, lower, upper, this.#leftLate, this.#rightLate) as never)
      .name('Interval Join');
  }
}

/** The keyed co-process function behind an interval join (one copy per subtask). */
class IntervalJoinFunction<IN1, IN2, OUT, K> {
  user: ProcessJoinFunction<IN1, IN2, OUT>;
  lower: number;
  upper: number;
  fn: ProcessJoinFunction<IN1, IN2, OUT> | undefined;
  left: MapState<number, IN1[]> | undefined;
  right: MapState<number, IN2[]> | undefined;
  lt = 0;
  rt = 0;
  ctx: ProcessJoinContext | undefined;
  leftLate: OutputTag<IN1> | undefined;
  rightLate: OutputTag<IN2> | undefined;

  constructor(user: ProcessJoinFunction<IN1, IN2, OUT>, lower: number, upper: number, leftLate?: OutputTag<IN1>, rightLate?: OutputTag<IN2>) {
    this.user = user;
    this.lower = lower;
    this.upper = upper;
    this.leftLate = leftLate;
    this.rightLate = rightLate;
  }
  async open(rc: RuntimeContext): Promise<void> {
    this.left = rc.getMapState(new MapStateDescriptor<number, IN1[]>('interval-join-left'));
    this.right = rc.getMapState(new MapStateDescriptor<number, IN2[]>('interval-join-right'));
    this.fn = copyFunction(this.user, rc.getIndexOfThisSubtask());
    this.ctx = { getLeftTimestamp: () => this.lt, getRightTimestamp: () => this.rt, getTimestamp: () => Math.max(this.lt, this.rt) };
    setRuntimeContextOn(this.fn, rc);
    await this.fn.open?.(rc);
  }
  async close(): Promise<void> {
    await this.fn?.close?.();
  }
  add<T>(buf: MapState<number, T[]>, ts: number, v: T): void {
    const list = buf.get(ts);
    buf.put(ts, list === undefined ? [v] : [...list, v]);
  }
  emit(l: IN1, r: IN2, lt: number, rt: number, out: Collector<OUT>): void {
    this.lt = lt;
    this.rt = rt;
    // Outputs carry max(left, right) as their timestamp.
    (out as unknown as { ts: number }).ts = Math.max(lt, rt);
    this.fn!.processElement(l, r, this.ctx!, out);
  }
  processElement1(v: IN1, ctx: KeyedContext<K>, out: Collector<OUT>): void {
    const ts = ctx.timestamp()!;
    if (ts < ctx.timerService().currentWatermark()) {
      if (this.leftLate !== undefined) ctx.output(this.leftLate, v);
      return;
    }
    this.add(this.left!, ts, v);
    for (const [t, list] of this.right!.entries()) {
      if (t < ts + this.lower || t > ts + this.upper) continue;
      for (const r of list) this.emit(v, r, ts, t, out);
    }
    ctx.timerService().registerEventTimeTimer(this.upper > 0 ? ts + this.upper : ts);
  }
  processElement2(v: IN2, ctx: KeyedContext<K>, out: Collector<OUT>): void {
    const ts = ctx.timestamp()!;
    if (ts < ctx.timerService().currentWatermark()) {
      if (this.rightLate !== undefined) ctx.output(this.rightLate, v);
      return;
    }
    this.add(this.right!, ts, v);
    for (const [t, list] of this.left!.entries()) {
      if (ts < t + this.lower || ts > t + this.upper) continue;
      for (const l of list) this.emit(l, v, t, ts, out);
    }
    ctx.timerService().registerEventTimeTimer(this.lower < 0 ? ts - this.lower : ts);
  }
  onTimer(timer: number, _ctx: OnTimerContext<K>): void {
    for (const t of [...this.left!.keys()]) if ((this.upper > 0 ? t + this.upper : t) <= timer) this.left!.remove(t);
    for (const t of [...this.right!.keys()]) if ((this.lower < 0 ? t - this.lower : t) <= timer) this.right!.remove(t);
  }
}
