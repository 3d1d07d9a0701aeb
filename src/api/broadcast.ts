import { JobConfigurationError } from '../core/errors/job-errors.ts';
import type { TwoInputTransformation } from '../runtime/graph/transformations.ts';
import { BroadcastProcessOperator, type BroadcastFunctionShape } from '../runtime/operators/broadcast-process.ts';
import type { TwoInputOperator } from '../runtime/operators/operator.ts';
import type { MapStateDescriptor, StateDescriptor } from '../core/state/descriptors.ts';
import type { DataStream } from './datastream.ts';
import type { ExchangeSerde } from '../core/exchange-serde.ts';
import { streamFactories } from './stream-factories.ts';
import type { Collector } from '../core/functions/collector.ts';
import { copyFunction } from './functions/normalize.ts';
import type { KeyedContext, OnTimerContext, ProcessContext } from '../core/functions/process.ts';
import type { RuntimeContext } from '../core/runtime-context.ts';
import { AbstractRichFunction } from '../core/functions/rich-function.ts';
import type { BroadcastState, ReadOnlyBroadcastState } from '../core/functions/broadcast-state.ts';

/** Context of `processElement` (read-only broadcast state). */
export interface ReadOnlyBroadcastContext extends ProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}
/** Context of `processBroadcastElement`. */
export interface BroadcastContext extends ProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}
/** Broadcast-side context of a keyed function: can visit the keyed state of every key. */
export interface KeyedBroadcastContext extends BroadcastContext {
  applyToKeyedState<S>(descriptor: StateDescriptor<S>, fn: (key: unknown, state: S) => void): void;
}

/**
 * Processes a (keyed) stream together with a broadcast stream, e.g. rules applied to events.
 * Broadcast elements reach every parallel instance and may update the broadcast state; elements of
 * the other side read it (and use keyed state and timers when that side is keyed).
 *
 * @example
 * ```ts
 * const rules = new MapStateDescriptor<string, Rule>('rules');
 * events.keyBy((e) => e.user)
 *   .connect(ruleStream.broadcast(rules))
 *   .process({
 *     processElement(e, ctx, out) { for (const r of ctx.getBroadcastState(rules).values()) if (r.matches(e)) out.collect(e); },
 *     processBroadcastElement(r, ctx) { ctx.getBroadcastState(rules).put(r.id, r); },
 *   });
 * ```
 */
export interface KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN1, ctx: ReadOnlyBroadcastContext & KeyedContext<K>, out: Collector<OUT>): void;
  processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: ReadOnlyBroadcastContext & OnTimerContext<K>, out: Collector<OUT>): void;
  /** Set for subclasses of the base class (from `open` on). */
  getRuntimeContext?(): RuntimeContext;
}
/** The non-keyed form. */
export interface BroadcastProcessFunction<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  processElement(value: IN1, ctx: ReadOnlyBroadcastContext, out: Collector<OUT>): void;
  processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
  /** Set for subclasses of the base class (from `open` on). */
  getRuntimeContext?(): RuntimeContext;
}

// The base classes below merge with the interfaces above: objects and classes that implement the
// interface keep working, and `extends` (Flink's style) gets `getRuntimeContext()` at runtime.
const RichBase = AbstractRichFunction as abstract new () => object;

/**
 * Base class of keyed broadcast functions, for code written Flink's way
 * (`class RuleEvaluator extends KeyedBroadcastProcessFunction<K, Event, Rule, Out>`); implement
 * `processElement` and `processBroadcastElement`, optionally `onTimer`.
 *
 * @example
 * ```ts
 * import { KeyedBroadcastProcessFunction, MapStateDescriptor } from 'sluice';
 * const rules = new MapStateDescriptor<string, number>('rules');
 * class OverLimit extends KeyedBroadcastProcessFunction<string, number, [string, number], string> {
 *   processElement(v: number, ctx, out) { for (const [name, max] of ctx.getBroadcastState(rules).immutableEntries()) if (v > max) out.collect(name); }
 *   processBroadcastElement([name, max]: [string, number], ctx) { ctx.getBroadcastState(rules).put(name, max); }
 * }
 * ```
 */
export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> extends RichBase {}

/**
 * Base class of non-keyed broadcast functions (Flink's `BroadcastProcessFunction`).
 *
 * @example
 * ```ts
 * import { BroadcastProcessFunction, MapStateDescriptor } from 'sluice';
 * const words = new MapStateDescriptor<string, boolean>('stop-words');
 * class DropStopWords extends BroadcastProcessFunction<string, string, string> {
 *   processElement(w: string, ctx, out) { if (!ctx.getBroadcastState(words).contains(w)) out.collect(w); }
 *   processBroadcastElement(w: string, ctx) { ctx.getBroadcastState(words).put(w, true); }
 * }
 * ```
 */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends RichBase {}

/** A stream whose elements go to every parallel instance, with broadcast state descriptors. */
export class BroadcastStream<T> {
  readonly stream: DataStream<T>;
  readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];
  constructor(stream: DataStream<T>, descriptors: readonly MapStateDescriptor<unknown, unknown>[]) {
    this.stream = stream;
    this.descriptors = descriptors;
  }

  /**
   * How the broadcast records are serialized when they cross workers (see `DataStream.withExchangeSerde`).
   *
   * @example
   * ```ts
   * events.connect(rules.broadcast(ruleState).withExchangeSerde(ruleSerde)).process(new ApplyRules());
   * ```
   */
  withExchangeSerde(serde: ExchangeSerde<T>): this {
    this.stream.withExchangeSerde(serde);
    return this;
  }
}

/** `stream.connect(broadcastStream)`: call `process` with a (Keyed)BroadcastProcessFunction. */
export class BroadcastConnectedStream<IN1, IN2> {
  readonly #first: DataStream<IN1>;
  readonly #second: BroadcastStream<IN2>;
  constructor(first: DataStream<IN1>, second: BroadcastStream<IN2>) {
    this.#first = first;
    this.#second = second;
  }
  process<OUT, K = unknown>(fn: KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> | BroadcastProcessFunction<IN1, IN2, OUT>): DataStream<OUT> {
    if (fn === null || typeof fn !== 'object' || typeof fn.processElement !== 'function' || typeof fn.processBroadcastElement !== 'function') {
      throw new JobConfigurationError('a broadcast process function needs processElement and processBroadcastElement methods');
    }
    const keyed = this.#first as unknown as { keyOf?: (v: IN1) => unknown };
    const keyOf = typeof keyed.keyOf === 'function' ? keyed.keyOf : undefined;
    const env = this.#first.env;
    const descriptors = this.#second.descriptors;
    const t: TwoInputTransformation = {
      kind: 'two',
      id: env.nextId(),
      name: keyOf ? 'Keyed Broadcast Process' : 'Broadcast Process',
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: this.#first.transformation.hasTimestamps,
      input1: this.#first.transformation,
      input2: this.#second.stream.transformation,
      factory: (i) =>
        new BroadcastProcessOperator<IN1, IN2, OUT>(copyFunction(fn as BroadcastFunctionShape<IN1, IN2, OUT>, i), descriptors, keyOf) as unknown as TwoInputOperator<
          unknown,
          unknown,
          unknown
        >,
    };
    return streamFactories.plain<OUT>(env, t);
  }
}
