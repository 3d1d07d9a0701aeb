import type { DataStream } from './datastream.ts';
import type { Collector } from '../core/functions/collector.ts';
import type { KeySelectorLike } from '../core/functions/basic.ts';
import { toKeyFunction } from './functions/normalize.ts';
import type { WindowedStream } from './windowed-stream.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import type { Evictor } from '../core/windowing/evictor.ts';
import type { Trigger } from '../core/windowing/trigger.ts';
import type { Window } from '../core/windowing/windows.ts';

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
): WindowedStream<Tagged<IN1, IN2>, unknown, W> {
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
        window: <W extends Window>(assigner: WindowAssigner<Tagged<IN1, IN2>, W>) => new JoinWithWindow<IN1, IN2, W>(this.#coGrouped.where(key1).equalTo(key2).window(assigner)),
      }),
    };
  }
}

/**
 * A windowed join (Flink's `WithWindow`): `.trigger(...)`, `.evictor(...)`, `.allowedLateness(ms)` as on windows
 * (triggers and evictors see the `Tagged` elements of both sides), then `.apply(fn)`.
 *
 * @example
 * ```ts
 * orders.join(payments).where((o) => o.id).equalTo((p) => p.orderId)
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .trigger(CountTrigger.of(2))   // fire as soon as a pair can exist
 *   .allowedLateness(5_000)
 *   .apply((o, p) => ({ ...o, paidAt: p.ts }));
 * ```
 */
export class JoinWithWindow<IN1, IN2, W extends Window> {
  readonly #coGroup: CoGroupWithWindow<IN1, IN2, W>;
  constructor(coGroup: CoGroupWithWindow<IN1, IN2, W>) {
    this.#coGroup = coGroup;
  }
  trigger(trigger: Trigger<Tagged<IN1, IN2>, W>): this {
    this.#coGroup.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<Tagged<IN1, IN2>, W>): this {
    this.#coGroup.evictor(evictor);
    return this;
  }
  allowedLateness(ms: number): this {
    this.#coGroup.allowedLateness(ms);
    return this;
  }
  /** A join is a coGroup that pairs every element of one side with every one of the other. */
  apply<OUT>(fn: JoinFunction<IN1, IN2, OUT> | ((first: IN1, second: IN2) => OUT)): DataStream<OUT> {
    const join = typeof fn === 'function' ? fn : (x: IN1, y: IN2) => fn.join(x, y);
    return this.#coGroup
      .apply<OUT>((as, bs, out) => {
        for (const x of as) for (const y of bs) out.collect(join(x, y));
      })
      .name('Window Join');
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
        window: <W extends Window>(assigner: WindowAssigner<Tagged<IN1, IN2>, W>) =>
          new CoGroupWithWindow<IN1, IN2, W>(windowedUnion(this.#a, this.#b, toKeyFunction(key1), toKeyFunction(key2), assigner)),
      }),
    };
  }
}

/**
 * A windowed coGroup: optional `.trigger(...)`, `.evictor(...)`, `.allowedLateness(ms)`, then `.apply(fn)`.
 *
 * @example
 * ```ts
 * a.coGroup(b).where((x) => x.k).equalTo((y) => y.k)
 *   .window(GlobalWindows.createWithEndOfStreamTrigger())
 *   .apply((xs, ys, out) => out.collect(xs.length + ys.length));
 * ```
 */
export class CoGroupWithWindow<IN1, IN2, W extends Window> {
  readonly #windowed: WindowedStream<Tagged<IN1, IN2>, unknown, W>;
  constructor(windowed: WindowedStream<Tagged<IN1, IN2>, unknown, W>) {
    this.#windowed = windowed;
  }
  trigger(trigger: Trigger<Tagged<IN1, IN2>, W>): this {
    this.#windowed.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<Tagged<IN1, IN2>, W>): this {
    this.#windowed.evictor(evictor);
    return this;
  }
  allowedLateness(ms: number): this {
    this.#windowed.allowedLateness(ms);
    return this;
  }
  apply<OUT>(fn: CoGroupFunction<IN1, IN2, OUT> | ((first: IN1[], second: IN2[], out: Collector<OUT>) => void)): DataStream<OUT> {
    const group = typeof fn === 'function' ? fn : (x: IN1[], y: IN2[], o: Collector<OUT>) => fn.coGroup(x, y, o);
    return this.#windowed
      .process<OUT>((_k, _c, elements, out) => {
        const [as, bs] = split(elements);
        group(as, bs, out);
      })
      .name('CoGroup');
  }
}
