import { JobConfigurationError } from '../runtime/errors.ts';
import { MapStateDescriptor } from '../state/descriptors.ts';
import type { MapState } from '../state/state.ts';
import type { DataStream } from './datastream.ts';
import type { Collector } from './functions/collector.ts';
import type { KeySelectorLike } from './functions/basic.ts';
import { copyFunction, toKeyFunction } from './functions/normalize.ts';
import type { KeyedContext, OnTimerContext } from './functions/process.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { RuntimeContext } from './runtime-context.ts';
import type { WindowAssigner } from './windowing/assigner.ts';
import type { Window } from './windowing/windows.ts';

/** Combines one element of each side into an output (window join). */
export interface JoinFunction<IN1, IN2, OUT> {
  join(first: IN1, second: IN2): OUT;
}
/** Gets all elements of both sides of a key and window (coGroup). */
export interface CoGroupFunction<IN1, IN2, OUT> {
  coGroup(first: IN1[], second: IN2[], out: Collector<OUT>): void;
}

/** One element of either side, as it travels through the window. */
export interface Tagged<IN1, IN2> {
  side: 1 | 2;
  value: IN1 | IN2;
}

function windowedUnion<IN1, IN2, K, W extends Window>(
  a: DataStream<IN1>,
  b: DataStream<IN2>,
  k1: (v: IN1) => K,
  k2: (v: IN2) => K,
  assigner: WindowAssigner<Tagged<IN1, IN2>, W>,
) {
  return a
    .map((value): Tagged<IN1, IN2> => ({ side: 1, value }))
    .union(b.map((value): Tagged<IN1, IN2> => ({ side: 2, value })))
    .keyBy((t) => (t.side === 1 ? k1(t.value as IN1) : k2(t.value as IN2)))
    .window(assigner);
}

function split<IN1, IN2>(elements: Tagged<IN1, IN2>[]): [IN1[], IN2[]] {
  const as: IN1[] = [];
  const bs: IN2[] = [];
  for (const e of elements) {
    if (e.side === 1) as.push(e.value as IN1);
    else bs.push(e.value as IN2);
  }
  return [as, bs];
}

/**
 * `a.join(b).where(ka).equalTo(kb).window(assigner).apply(fn)`: every pair of elements with equal
 * keys in the same window. Built from a union of both sides, a keyBy and a window, so lateness and
 * triggers behave as for windows (the assigner sees `Tagged` elements).
 *
 * @example
 * ```ts
 * orders.join(payments)
 *   .where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of(Time.minutes(5)))
 *   .apply((o, p) => ({ ...o, paidAt: p.ts }));
 * ```
 */
export class JoinedStreams<IN1, IN2> {
  readonly #coGrouped: CoGroupedStreams<IN1, IN2>;
  constructor(a: DataStream<IN1>, b: DataStream<IN2>) {
    this.#coGrouped = new CoGroupedStreams(a, b);
  }
  where<K>(key1: KeySelectorLike<IN1, K>) {
    return {
      equalTo: (key2: KeySelectorLike<IN2, K>) => ({
        window: <W extends Window>(assigner: WindowAssigner<Tagged<IN1, IN2>, W>) => ({
          // A join is a coGroup that pairs every element of one side with every one of the other.
          apply: <OUT>(fn: JoinFunction<IN1, IN2, OUT> | ((first: IN1, second: IN2) => OUT)): DataStream<OUT> => {
            const join = typeof fn === 'function' ? fn : (x: IN1, y: IN2) => fn.join(x, y);
            return this.#coGrouped
              .where(key1)
              .equalTo(key2)
              .window(assigner)
              .apply<OUT>((as, bs, out) => {
                for (const x of as) for (const y of bs) out.collect(join(x, y));
              })
              .name('Window Join');
          },
        }),
      }),
    };
  }
}

/**
 * `a.coGroup(b).where(ka).equalTo(kb).window(assigner).apply(fn)`: both groups of each key and
 * window (either may be empty) — outer joins are built with it.
 *
 * @example
 * ```ts
 * orders.coGroup(payments)
 *   .where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .apply((os, ps, out) => { for (const o of os) if (ps.length === 0) out.collect(`unpaid ${o.id}`); });
 * ```
 */
export class CoGroupedStreams<IN1, IN2> {
  readonly #a: DataStream<IN1>;
  readonly #b: DataStream<IN2>;
  constructor(a: DataStream<IN1>, b: DataStream<IN2>) {
    this.#a = a;
    this.#b = b;
  }
  where<K>(key1: KeySelectorLike<IN1, K>) {
    return {
      equalTo: (key2: KeySelectorLike<IN2, K>) => ({
        window: <W extends Window>(assigner: WindowAssigner<Tagged<IN1, IN2>, W>) => ({
          apply: <OUT>(fn: CoGroupFunction<IN1, IN2, OUT> | ((first: IN1[], second: IN2[], out: Collector<OUT>) => void)): DataStream<OUT> => {
            const group = typeof fn === 'function' ? fn : (x: IN1[], y: IN2[], o: Collector<OUT>) => fn.coGroup(x, y, o);
            return windowedUnion(this.#a, this.#b, toKeyFunction(key1), toKeyFunction(key2), assigner)
              .process<OUT>((_k, _c, elements, out) => {
                const [as, bs] = split(elements);
                group(as, bs, out);
              })
              .name('CoGroup');
          },
        }),
      }),
    };
  }
}

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
}

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
  process<OUT>(fn: ProcessJoinFunction<IN1, IN2, OUT> | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void)): DataStream<OUT> {
    if (!this.#a.transformation.hasTimestamps || !this.#b.transformation.hasTimestamps) {
      throw new JobConfigurationError('intervalJoin needs event timestamps on both sides: call assignTimestampsAndWatermarks(...) first');
    }
    const user: ProcessJoinFunction<IN1, IN2, OUT> = typeof fn === 'function' ? { processElement: fn } : fn;
    const lower = this.#lowerInclusive ? this.#lower : this.#lower + 1;
    const upper = this.#upperInclusive ? this.#upper : this.#upper - 1;
    return this.#a
      .connect(this.#b)
      .process<OUT>(new IntervalJoinFunction<IN1, IN2, OUT, K>(user, lower, upper) as never)
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

  constructor(user: ProcessJoinFunction<IN1, IN2, OUT>, lower: number, upper: number) {
    this.user = user;
    this.lower = lower;
    this.upper = upper;
  }
  async open(rc: RuntimeContext): Promise<void> {
    this.left = rc.getMapState(new MapStateDescriptor<number, IN1[]>('interval-join-left'));
    this.right = rc.getMapState(new MapStateDescriptor<number, IN2[]>('interval-join-right'));
    this.fn = copyFunction(this.user, rc.getIndexOfThisSubtask());
    this.ctx = { getLeftTimestamp: () => this.lt, getRightTimestamp: () => this.rt, getTimestamp: () => Math.max(this.lt, this.rt) };
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
    if (ts < ctx.timerService().currentWatermark()) return;
    this.add(this.left!, ts, v);
    for (const [t, list] of this.right!.entries()) {
      if (t < ts + this.lower || t > ts + this.upper) continue;
      for (const r of list) this.emit(v, r, ts, t, out);
    }
    ctx.timerService().registerEventTimeTimer(this.upper > 0 ? ts + this.upper : ts);
  }
  processElement2(v: IN2, ctx: KeyedContext<K>, out: Collector<OUT>): void {
    const ts = ctx.timestamp()!;
    if (ts < ctx.timerService().currentWatermark()) return;
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
