import { JobConfigurationError } from '../core/errors/job-errors.ts';
import { KeyedAggregateOperator, KeyedProcessOperator, KeyedReduceOperator } from '../runtime/operators/keyed-operators.ts';
import type { AggregateFunction, ReduceFunction } from '../core/state/descriptors.ts';
import { DataStream } from './datastream.ts';
import type { StreamExecutionEnvironment } from './environment.ts';
import { fieldAggregation, type FieldRef } from './field-aggregations.ts';
import type { FilterFunctionLike, FlatMapFunctionLike, MapFunctionLike } from '../core/functions/basic.ts';
import {
  checkAggregateFunction,
  copyFunction,
  toFilterFunction,
  toFlatMapFunction,
  toKeyedProcessFunction,
  toMapFunction,
  toReduceFunction,
} from './functions/normalize.ts';
import type { KeyedProcessFunctionLike, KeyedProcessFunctionShape } from '../core/functions/process.ts';
import { streamFactories } from './stream-factories.ts';
import { USER_FUNCTION } from '../runtime/operators/function-state.ts';
import { IntervalJoin } from './interval-join.ts';
import { WindowedStream } from './windowed-stream.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import { GlobalWindows } from './windowing/assigners.ts';
import { CountEvictor } from './windowing/evictors.ts';
import { CountTrigger, PurgingTrigger } from './windowing/triggers.ts';
import type { GlobalWindow, Window } from '../core/windowing/windows.ts';

/**
 * A stream partitioned by key. Operators after `keyBy` see one key at a time and may use keyed
 * state and timers; records of a key stay in order.
 *
 * @example
 * ```ts
 * import { TumblingEventTimeWindows, Time } from 'sluice';
 * const perUser = clicks.keyBy((c) => c.user);
 * perUser.sum('count');                                                     // rolling
 * perUser.window(TumblingEventTimeWindows.of(Time.minutes(1))).sum('count'); // per minute
 * ```
 */
export class KeyedStream<T, K> extends DataStream<T> {
  readonly keyOf: (value: T) => K;
  /**
   * `alreadyPartitioned`: the input is partitioned by this key already (reinterpretAsKeyedStream):
   * a forward edge that checks each record's key group instead of an exchange.
   */
  constructor(env: StreamExecutionEnvironment, input: DataStream<T>, keyOf: (value: T) => K, alreadyPartitioned = false) {
    const k = keyOf as (v: unknown) => unknown;
    super(env, input.partitioned(alreadyPartitioned ? { kind: 'forward', keyOf: k } : { kind: 'hash', keyOf: k }));
    this.keyOf = keyOf;
  }

  /** Processes each element with keyed state and timers. */
  override process<O>(fn: KeyedProcessFunctionLike<K, T, O>): DataStream<O> {
    const f = toKeyedProcessFunction(fn);
    const keyOf = this.keyOf;
    return this.addOperator('KeyedProcess', (i) => new KeyedProcessOperator<K, T, O>(keyOf, copyFunction(f, i)));
  }

  /** `map` on a keyed stream: the function may use keyed state (acquire it in `open`). */
  override map<O>(fn: MapFunctionLike<T, O>): DataStream<O> {
    const f0 = toMapFunction(fn);
    return this.#keyed('Map', (i) => {
      const f = copyFunction(f0, i);
      return { open: f.open?.bind(f), close: f.close?.bind(f), processElement: (v, _c, out) => out.collect(f.map(v)), [USER_FUNCTION]: f };
    });
  }
  override filter(fn: FilterFunctionLike<T>): DataStream<T> {
    const f0 = toFilterFunction(fn);
    return this.#keyed('Filter', (i) => {
      const f = copyFunction(f0, i);
      return { open: f.open?.bind(f), close: f.close?.bind(f), processElement: (v, _c, out) => void (f.filter(v) && out.collect(v)), [USER_FUNCTION]: f };
    });
  }
  override flatMap<O>(fn: FlatMapFunctionLike<T, O>): DataStream<O> {
    const f0 = toFlatMapFunction(fn);
    return this.#keyed('Flat Map', (i) => {
      const f = copyFunction(f0, i);
      return { open: f.open?.bind(f), close: f.close?.bind(f), processElement: (v, _c, out) => f.flatMap(v, out), [USER_FUNCTION]: f };
    });
  }
  #keyed<O>(name: string, make: (subtaskIndex: number) => KeyedProcessFunctionShape<K, T, O>): DataStream<O> {
    const keyOf = this.keyOf;
    return this.addOperator(name, (i) => new KeyedProcessOperator<K, T, O>(keyOf, make(i)));
  }

  /** Joins with another keyed stream on event-time intervals: `.between(lower, upper).process(fn)`. */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /** Rolling reduce: emits the reduced value of the key after every element. */
  reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): DataStream<T> {
    const f = toReduceFunction(fn);
    const keyOf = this.keyOf;
    return this.addOperator('Keyed Reduce', (i) => new KeyedReduceOperator<T, K>(keyOf, copyFunction(f, i)));
  }
  /** Rolling aggregate: emits the current result of the key after every element. */
  aggregate<ACC, O>(fn: AggregateFunction<T, ACC, O>): DataStream<O> {
    const f = checkAggregateFunction(fn);
    const keyOf = this.keyOf;
    return this.addOperator('Keyed Aggregate', (i) => new KeyedAggregateOperator<T, ACC, O, K>(keyOf, copyFunction(f, i)));
  }
  /** Rolling sum of a field (property name, tuple index, or none for numbers). */
  sum(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('sum', field)).name(`Sum(${field ?? ''})`);
  }
  min(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('min', field)).name(`Min(${field ?? ''})`);
  }
  max(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('max', field)).name(`Max(${field ?? ''})`);
  }
  minBy(field?: FieldRef, first = true): DataStream<T> {
    return this.reduce(fieldAggregation<T>('minBy', field, first)).name(`MinBy(${field ?? ''})`);
  }
  maxBy(field?: FieldRef, first = true): DataStream<T> {
    return this.reduce(fieldAggregation<T>('maxBy', field, first)).name(`MaxBy(${field ?? ''})`);
  }

  /** Windows per key. Event-time windows need timestamps (assignTimestampsAndWatermarks). */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    if (assigner.isEventTime() && !this.transformation.hasTimestamps) {
      throw new JobConfigurationError(
        `event-time windows (${assigner.constructor.name}) need event timestamps, but this stream has none. ` +
          `Call .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness(ms).withTimestampAssigner((e) => e.ts)) before keyBy, ` +
          `pass such a strategy to env.fromSource(...), or use a processing-time assigner (TumblingProcessingTimeWindows).`,
      );
    }
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Windows of `size` elements per key (sliding every `slide` elements when given). */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const w = this.window(GlobalWindows.create<T>());
    if (slide === undefined) return w.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return w.evictor(CountEvictor.of<T, GlobalWindow>(size)).trigger(CountTrigger.of<GlobalWindow>(slide));
  }
}

streamFactories.keyed = <T, K>(input: DataStream<T>, keyOf: (v: T) => K, alreadyPartitioned?: boolean): KeyedStream<T, K> =>
  new KeyedStream<T, K>(input.env, input, keyOf, alreadyPartitioned);
