import type { Collector } from '../../core/functions/collector.ts';
import type { KeyedProcessFunctionShape } from '../../core/functions/process.ts';
import type { AggregateFunction, ReduceFunction } from '../../core/state/descriptors.ts';
import { ValueStateDescriptor } from '../../core/state/descriptors.ts';
import { VOID_NAMESPACE, voidNamespaceSerializer, type VoidNamespace } from '../../core/state/namespace.ts';
import type { ValueState } from '../../core/state/state.ts';
import { MAX_WATERMARK, NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import type { InternalTimerService, Triggerable } from '../timers/internal-timer-service.ts';
import { ProcessContextImpl, TimestampedCollector } from './contexts.ts';
import { OneInputOperator, type BatchInput } from './operator.ts';

export type KeyFn<T, K> = (value: T) => K;

/** Base of operators on a keyed stream: sets the current key of the state backend per record. */
export abstract class KeyedOneInputOperator<IN, OUT, K> extends OneInputOperator<IN, OUT> {
  readonly keyOf: KeyFn<IN, K>;
  constructor(keyOf: KeyFn<IN, K>) {
    super();
    this.keyOf = keyOf;
  }
  override isKeyed(): boolean {
    return true;
  }
  override batchInput(): BatchInput {
    return { kind: 'keyed', keyOf: this.keyOf as (v: unknown) => unknown };
  }
  /** Computes the key of `value` and makes it current; returns it. */
  setKeyOf(value: IN): K {
    let k: K;
    try {
      k = this.keyOf(value);
    } catch (e) {
      throw this.userError(e, value, 'extracting the key of record');
    }
    this.backend!.setCurrentKey(k);
    return k;
  }
}

/** `process(KeyedProcessFunction)`: keyed state and timers. */
export class KeyedProcessOperator<K, IN, OUT> extends KeyedOneInputOperator<IN, OUT, K> implements Triggerable<VoidNamespace> {
  readonly fn: KeyedProcessFunctionShape<K, IN, OUT>;
  #collector!: TimestampedCollector<OUT>;
  #ctx!: ProcessContextImpl<K>;
  constructor(keyOf: KeyFn<IN, K>, fn: KeyedProcessFunctionShape<K, IN, OUT>) {
    super(keyOf);
    this.fn = fn;
  }
  override open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.out);
    this.#ctx = new ProcessContextImpl<K>(this as never);
    this.#ctx.bindTimers(this.getInternalTimerService('user-timers', voidNamespaceSerializer, this));
    return this.openFunction(this.fn);
  }
  processElement(value: IN, timestamp: number): void {
    this.setKeyOf(value);
    this.#collector.ts = timestamp;
    this.#ctx.ts = timestamp;
    try {
      this.fn.processElement(value, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  onEventTime(timestamp: number): void {
    this.#onTimer(timestamp, 'EVENT_TIME', timestamp);
  }
  onProcessingTime(timestamp: number): void {
    this.#onTimer(timestamp, 'PROCESSING_TIME', NO_TIMESTAMP);
  }
  #onTimer(timestamp: number, domain: 'EVENT_TIME' | 'PROCESSING_TIME', outTs: number): void {
    if (this.fn.onTimer === undefined) return;
    this.#collector.ts = outTs;
    this.#ctx.ts = timestamp;
    this.#ctx.domain = domain;
    try {
      this.fn.onTimer(timestamp, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, { timer: timestamp, domain, key: this.backend!.getCurrentKey() }, 'timer');
    }
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}

/**
 * Base of rolling aggregations on a keyed stream. STREAMING emits the current result after every
 * element; BATCH emits only the final result of each key, when the key is done, with the
 * timestamp +Infinity (Flink's BatchGroupedReduceOperator: a timer at the end of time).
 */
abstract class RollingOperator<IN, ACC, OUT, K> extends KeyedOneInputOperator<IN, OUT, K> implements Triggerable<VoidNamespace> {
  #state!: ValueState<ACC>;
  #endOfKey: InternalTimerService<VoidNamespace> | undefined;
  protected abstract readonly stateName: string;
  /** The accumulator after `value` (`acc` is undefined for the first element of a key). */
  protected abstract accumulate(acc: ACC | undefined, value: IN): ACC;
  protected abstract result(acc: ACC): OUT;

  override open(): void | Promise<void> {
    this.#state = this.getPartitionedState(new ValueStateDescriptor<ACC>(this.stateName));
    if (this.mode === 'batch') this.#endOfKey = this.getInternalTimerService('end-of-key', voidNamespaceSerializer, this);
  }
  processElement(value: IN, timestamp: number): void {
    this.setKeyOf(value);
    const cur = this.#state.value();
    let result: OUT;
    try {
      const next = this.accumulate(cur, value);
      this.#state.update(next);
      if (this.#endOfKey !== undefined) {
        if (cur === undefined) this.#endOfKey.registerEventTimeTimer(VOID_NAMESPACE, MAX_WATERMARK);
        return;
      }
      result = this.result(next);
    } catch (e) {
      throw this.userError(e, value);
    }
    this.out.collect(result, timestamp);
  }
  onEventTime(): void {
    const acc = this.#state.value();
    if (acc === undefined) return;
    this.#state.clear();
    let result: OUT;
    try {
      result = this.result(acc);
    } catch (e) {
      throw this.userError(e, { key: this.backend!.getCurrentKey() }, 'the final result of key');
    }
    this.out.collect(result, MAX_WATERMARK);
  }
  onProcessingTime(): void {}
}

/** Rolling `reduce` on a keyed stream: the reduced value after every element (BATCH: once per key). */
export class KeyedReduceOperator<T, K> extends RollingOperator<T, T, T, K> {
  readonly fn: ReduceFunction<T>;
  protected readonly stateName = '_reduce';
  constructor(keyOf: KeyFn<T, K>, fn: ReduceFunction<T>) {
    super(keyOf);
    this.fn = fn;
  }
  override open(): Promise<void> {
    super.open();
    return this.openFunction(this.fn as never);
  }
  protected accumulate(acc: T | undefined, value: T): T {
    return acc === undefined ? value : this.fn.reduce(acc, value);
  }
  protected result(acc: T): T {
    return acc;
  }
}

/** Rolling `aggregate` on a keyed stream: the current result after every element (BATCH: once per key). */
export class KeyedAggregateOperator<IN, ACC, OUT, K> extends RollingOperator<IN, ACC, OUT, K> {
  readonly fn: AggregateFunction<IN, ACC, OUT>;
  protected readonly stateName = '_aggregate';
  constructor(keyOf: KeyFn<IN, K>, fn: AggregateFunction<IN, ACC, OUT>) {
    super(keyOf);
    this.fn = fn;
  }
  protected accumulate(acc: ACC | undefined, value: IN): ACC {
    return this.fn.add(value, acc === undefined ? this.fn.createAccumulator() : acc);
  }
  protected result(acc: ACC): OUT {
    return this.fn.getResult(acc);
  }
}
