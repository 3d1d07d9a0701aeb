import { JobConfigurationError } from '../core/errors/job-errors.ts';
import { WindowOperator, type WindowContents } from '../runtime/operators/window/window-operator.ts';
import type { AggregateFunction, ReduceFunction } from '../core/state/descriptors.ts';
import { DataStream } from './datastream.ts';
import { fieldAggregation, type FieldRef } from './field-aggregations.ts';
import { checkAggregateFunction, copyFunction, toReduceFunction } from './functions/normalize.ts';
import type { OutputTag } from '../core/output-tag.ts';
import { streamFactories } from './stream-factories.ts';
import type { WindowAssigner } from '../core/windowing/assigner.ts';
import type { Evictor } from '../core/windowing/evictor.ts';
import type { Trigger } from '../core/windowing/trigger.ts';
import type {
  ProcessAllWindowFunctionLike,
  ProcessWindowFunctionLike,
  ProcessWindowFunctionShape,
  WindowFunction,
} from '../core/windowing/window-functions.ts';
import type { Window } from '../core/windowing/windows.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { Collector } from '../core/functions/collector.ts';
import {
  allApplyFunction, allWindowFunction, keyedApplyFunction, keyedWindowFunction, type AllWindowFunction, type AllWindowFunctionLike, type KeyedWindowFunctionLike,
} from './windowing/window-function-adapters.ts';

/** Shared settings and building of keyed and non-keyed windowed streams. */
abstract class WindowedBase<T, K, W extends Window> {
  protected readonly assigner: WindowAssigner<T, W>;
  protected trig: Trigger<T, W> | undefined;
  protected evict: Evictor<T, W> | undefined;
  protected lateness = 0;
  protected lateTag: OutputTag<T> | undefined;

  constructor(assigner: WindowAssigner<T, W>) {
    this.assigner = assigner;
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T, W>): this {
    if (this.assigner.isMerging() && !trigger.canMerge()) {
      throw new JobConfigurationError(`trigger ${trigger.constructor.name} cannot be used with merging (session) windows: it does not support merging`);
    }
    this.trig = trigger;
    return this;
  }
  /** Removes elements before/after the window function runs (keeps all elements in state). */
  evictor(evictor: Evictor<T, W>): this {
    this.evict = evictor;
    return this;
  }
  /**
   * Keeps event-time windows `ms` after their end: late elements re-fire them. Accepted on
   * processing-time and count windows too, where it has no effect (as in Flink).
   */
  allowedLateness(ms: number): this {
    if (!(ms >= 0)) throw new JobConfigurationError(`allowedLateness(${ms}): lateness must be a number of ms >= 0`);
    this.lateness = ms;
    return this;
  }
  /** Elements too late for their windows go to this side output instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag;
    return this;
  }

  protected abstract build<V, O>(name: string, contents: WindowContents<T, unknown, V>, fn: ProcessWindowFunctionShape<V, O, K, W> | undefined): DataStream<O>;

  protected describe(fn: string): string {
    const a = this.assigner as unknown as { size?: number; slide?: number };
    const params = a.size !== undefined ? `(${a.size}${a.slide !== a.size ? `, ${a.slide}` : ''})` : '';
    return `Window(${this.assigner.constructor.name}${params}, ${(this.trig ?? this.assigner.getDefaultTrigger()).constructor.name}, ${fn})`;
  }

  protected reduceWith<O>(fn: ReduceFunction<T> | ((a: T, b: T) => T), windowFn: ProcessWindowFunctionShape<T, O, K, W> | undefined): DataStream<O> {
    return this.build<T, O>(this.describe('Reduce'), { kind: 'reduce', fn: toReduceFunction(fn) }, windowFn);
  }
  protected aggregateWith<ACC, V, O>(fn: AggregateFunction<T, ACC, V>, windowFn: ProcessWindowFunctionShape<V, O, K, W> | undefined): DataStream<O> {
    const a = checkAggregateFunction(fn);
    return this.build<V, O>(this.describe('Aggregate'), { kind: 'aggregate', fn: a as AggregateFunction<T, unknown, V> }, windowFn);
  }
  /** Incremental reduce per window (sum, min, ... use it). */
  protected abstract reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): DataStream<T>;
  sum(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('sum', field));
  }
  min(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('min', field));
  }
  max(field?: FieldRef): DataStream<T> {
    return this.reduce(fieldAggregation<T>('max', field));
  }
  minBy(field?: FieldRef, first = true): DataStream<T> {
    return this.reduce(fieldAggregation<T>('minBy', field, first));
  }
  maxBy(field?: FieldRef, first = true): DataStream<T> {
    return this.reduce(fieldAggregation<T>('maxBy', field, first));
  }
}

/**
 * Keyed windows: `keyed.window(assigner)` then an optional trigger, evictor, allowed lateness and
 * late side output, then a window function.
 *
 * @example
 * ```ts
 * import { OutputTag, TumblingEventTimeWindows } from 'sluice';
 * const late = new OutputTag<Click>('late');
 * const counts = clicks.keyBy((c) => c.page)
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .allowedLateness(10_000)
 *   .sideOutputLateData(late)
 *   .aggregate({ createAccumulator: () => 0, add: (_c, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b });
 * counts.getSideOutput(late).print('late');
 * ```
 */
export class WindowedStream<T, K, W extends Window> extends WindowedBase<T, K, W> {
  readonly #input: KeyedStream<T, K>;
  constructor(input: KeyedStream<T, K>, assigner: WindowAssigner<T, W>) {
    super(assigner);
    this.#input = input;
  }
  /** Evaluates each window with all its elements. */
  process<O>(fn: ProcessWindowFunctionLike<T, O, K, W>): DataStream<O> {
    return this.build<T, O>(this.describe('Process'), { kind: 'list' }, keyedWindowFunction(fn, 'window process()'));
  }
  /** The older form: a WindowFunction or a function `(key, window, elements, out)`. */
  apply<O>(fn: WindowFunction<T, O, K, W> | ((key: K, window: W, input: T[], out: Collector<O>) => void)): DataStream<O> {
    return this.build<T, O>(this.describe('Apply'), { kind: 'list' }, keyedApplyFunction(fn));
  }
  /** Incremental reduce per window, optionally followed by a (Process)WindowFunction. */
  reduce<O = T>(fn: ReduceFunction<T> | ((a: T, b: T) => T), windowFn?: KeyedWindowFunctionLike<T, O, K, W>): DataStream<O> {
    return this.reduceWith<O>(fn, windowFn === undefined ? undefined : keyedWindowFunction(windowFn));
  }
  /** Incremental aggregation per window, optionally followed by a (Process)WindowFunction. */
  aggregate<ACC, V, O = V>(fn: AggregateFunction<T, ACC, V>, windowFn?: KeyedWindowFunctionLike<V, O, K, W>): DataStream<O> {
    return this.aggregateWith<ACC, V, O>(fn, windowFn === undefined ? undefined : keyedWindowFunction(windowFn));
  }
  protected build<V, O>(name: string, contents: WindowContents<T, unknown, V>, fn: ProcessWindowFunctionShape<V, O, K, W> | undefined): DataStream<O> {
    const { assigner, lateness, lateTag, evict } = this;
    const trigger = this.trig ?? assigner.getDefaultTrigger();
    const keyOf = this.#input.keyOf;
    return this.#input.addOperator<O>(
      name,
      (i) => new WindowOperator<T, unknown, V, O, K, W>({ keyOf, assigner, trigger, evictor: evict, allowedLateness: lateness, lateDataTag: lateTag, contents, windowFunction: copyFunction(fn, i) }),
      { hasTimestamps: true },
    );
  }
}

/**
 * Windows over a whole non-keyed stream (`windowAll`); runs as one subtask.
 *
 * @example
 * ```ts
 * import { TumblingEventTimeWindows } from 'sluice';
 * const perMinute = clicks.windowAll(TumblingEventTimeWindows.of(60_000))
 *   .process((ctx, els, out) => out.collect({ minute: ctx.window().start, clicks: els.length }));
 * ```
 */
export class AllWindowedStream<T, W extends Window> extends WindowedBase<T, 0, W> {
  readonly #input: DataStream<T>;
  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    super(assigner);
    if (assigner.isEventTime() && !input.transformation.hasTimestamps) {
      throw new JobConfigurationError(
        `event-time windows (${assigner.constructor.name}) need event timestamps, but this stream has none. ` +
          `Call .assignTimestampsAndWatermarks(WatermarkStrategy...withTimestampAssigner(...)) first.`,
      );
    }
    this.#input = input;
  }
  process<O>(fn: ProcessAllWindowFunctionLike<T, O, W>): DataStream<O> {
    return this.build<T, O>(this.describe('ProcessAll'), { kind: 'list' }, allWindowFunction(fn, 'windowAll process()'));
  }
  /** The older form: an AllWindowFunction or a function `(window, elements, out)`. */
  apply<O>(fn: AllWindowFunction<T, O, W> | ((window: W, values: T[], out: Collector<O>) => void)): DataStream<O> {
    return this.build<T, O>(this.describe('ApplyAll'), { kind: 'list' }, allApplyFunction(fn));
  }
  /** Incremental reduce per window, optionally followed by a (Process)AllWindowFunction `(ctx, elements, out)`. */
  reduce<O = T>(fn: ReduceFunction<T> | ((a: T, b: T) => T), windowFn?: AllWindowFunctionLike<T, O, W>): DataStream<O> {
    return this.reduceWith<O>(fn, windowFn === undefined ? undefined : allWindowFunction(windowFn));
  }
  /** Incremental aggregation per window, optionally followed by a (Process)AllWindowFunction. */
  aggregate<ACC, V, O = V>(fn: AggregateFunction<T, ACC, V>, windowFn?: AllWindowFunctionLike<V, O, W>): DataStream<O> {
    return this.aggregateWith<ACC, V, O>(fn, windowFn === undefined ? undefined : allWindowFunction(windowFn));
  }
  protected build<V, O>(name: string, contents: WindowContents<T, unknown, V>, fn: ProcessWindowFunctionShape<V, O, 0, W> | undefined): DataStream<O> {
    const { assigner, lateness, lateTag, evict } = this;
    const trigger = this.trig ?? assigner.getDefaultTrigger();
    const global = new DataStream<T>(this.#input.env, this.#input.partitioned({ kind: 'global' }));
    return global.addOperator<O>(
      name.replace('Window(', 'AllWindow('),
      (i) => new WindowOperator<T, unknown, V, O, 0, W>({ keyOf: () => 0, assigner, trigger, evictor: evict, allowedLateness: lateness, lateDataTag: lateTag, contents, windowFunction: copyFunction(fn, i) }),
      { hasTimestamps: true, nonParallel: true },
    );
  }
}

streamFactories.allWindowed = <T, W extends Window>(input: DataStream<T>, assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> =>
  new AllWindowedStream<T, W>(input, assigner);
