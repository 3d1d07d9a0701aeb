import { JobConfigurationError } from '../core/errors/job-errors.ts';
import type { TwoInputTransformation } from '../runtime/graph/transformations.ts';
import { CoProcessOperator } from '../runtime/operators/co-process.ts';
import type { TwoInputOperator } from '../runtime/operators/operator.ts';
import { DataStream } from './datastream.ts';
import type { CoFlatMapFunction, CoMapFunction, KeySelectorLike } from '../core/functions/basic.ts';
import type { CoProcessFunctionShape } from '../core/functions/process.ts';
import { KeyedStream } from './keyed-stream.ts';
import { copyFunction } from './functions/normalize.ts';
import { streamFactories } from './stream-factories.ts';
import { USER_FUNCTION } from '../runtime/operators/function-state.ts';

/** Accepted by `ConnectedStreams.process`: a CoProcessFunction or KeyedCoProcessFunction (class or object). */
export interface CoProcessFunctionLike<IN1, IN2, OUT> {
  open?(ctx: import('../core/runtime-context.ts').RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement1(value: IN1, ctx: never, out: import('../core/functions/collector.ts').Collector<OUT>): void;
  processElement2(value: IN2, ctx: never, out: import('../core/functions/collector.ts').Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: never, out: import('../core/functions/collector.ts').Collector<OUT>): void;
}

/**
 * Two streams processed together by one operator (e.g. control stream + data stream, or a join
 * of two keyed streams with shared keyed state).
 *
 * @example
 * ```ts
 * const flagged = orders.connect(blocklist)
 *   .keyBy((o) => o.user, (b) => b.user)
 *   .process(new BlockedOrders()); // a KeyedCoProcessFunction with a ValueState<boolean>
 * ```
 */
export class ConnectedStreams<IN1, IN2> {
  readonly first: DataStream<IN1>;
  readonly second: DataStream<IN2>;
  constructor(first: DataStream<IN1>, second: DataStream<IN2>) {
    if (first.env !== second.env) throw new JobConfigurationError('connect(): both streams must come from the same environment');
    this.first = first;
    this.second = second;
  }

  /** Keys both inputs (records with equal keys meet in the same subtask, with shared keyed state). */
  keyBy<K>(key1: KeySelectorLike<IN1, K>, key2: KeySelectorLike<IN2, K>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams(this.first.keyBy(key1 as never), this.second.keyBy(key2 as never));
  }

  map<O>(fn: CoMapFunction<IN1, IN2, O>): DataStream<O> {
    return this.#add<O>('Co-Map', (i) => {
      const f = copyFunction(fn, i);
      return {
        open: (c) => f.open?.(c),
        close: () => f.close?.(),
        processElement1: (v, _c, out) => out.collect(f.map1(v)),
        processElement2: (v, _c, out) => out.collect(f.map2(v)),
        [USER_FUNCTION]: f,
      };
    });
  }
  flatMap<O>(fn: CoFlatMapFunction<IN1, IN2, O>): DataStream<O> {
    return this.#add<O>('Co-Flat Map', (i) => {
      const f = copyFunction(fn, i);
      return {
        open: (c) => f.open?.(c),
        close: () => f.close?.(),
        processElement1: (v, _c, out) => f.flatMap1(v, out),
        processElement2: (v, _c, out) => f.flatMap2(v, out),
        [USER_FUNCTION]: f,
      };
    });
  }
  /** CoProcessFunction, or KeyedCoProcessFunction when both inputs are keyed (state and timers). */
  process<O>(fn: CoProcessFunctionLike<IN1, IN2, O>): DataStream<O> {
    return this.#add<O>('Co-Process', (i) => copyFunction(fn as unknown as CoProcessFunctionShape<IN1, IN2, O>, i));
  }

  #add<O>(name: string, make: (subtaskIndex: number) => CoProcessFunctionShape<IN1, IN2, O>): DataStream<O> {
    const k1 = this.first instanceof KeyedStream ? (this.first.keyOf as (v: IN1) => unknown) : undefined;
    const k2 = this.second instanceof KeyedStream ? (this.second.keyOf as (v: IN2) => unknown) : undefined;
    if ((k1 === undefined) !== (k2 === undefined)) {
      throw new JobConfigurationError('connect(): either both inputs are keyed (use .keyBy(key1, key2) on the connected streams) or neither is');
    }
    const env = this.first.env;
    const t: TwoInputTransformation = {
      kind: 'two',
      id: env.nextId(),
      name,
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: this.first.transformation.hasTimestamps && this.second.transformation.hasTimestamps,
      input1: this.first.transformation,
      input2: this.second.transformation,
      factory: (i) => new CoProcessOperator<IN1, IN2, O>(make(i), k1, k2) as unknown as TwoInputOperator<unknown, unknown, unknown>,
    };
    return new DataStream<O>(env, t);
  }
}

streamFactories.connected = <A, B>(a: DataStream<A>, b: DataStream<B>): ConnectedStreams<A, B> => new ConnectedStreams(a, b);
