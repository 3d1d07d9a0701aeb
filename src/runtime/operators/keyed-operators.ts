import type { Collector } from '../../api/functions/collector.ts';
import type { KeyedProcessFunctionShape } from '../../api/functions/process.ts';
import type { AggregateFunction, ReduceFunction } from '../../state/descriptors.ts';
import { ValueStateDescriptor } from '../../state/descriptors.ts';
import { voidNamespaceSerializer, type VoidNamespace } from '../../state/namespace.ts';
import type { ValueState } from '../../state/state.ts';
import { NO_TIMESTAMP } from '../../time/watermark.ts';
import type { Triggerable } from '../timers/internal-timer-service.ts';
import { ProcessContextImpl, TimestampedCollector } from './contexts.ts';
import { OneInputOperator } from './operator.ts';

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

/** Rolling `reduce` on a keyed stream: emits the reduced value after every element. */
export class KeyedReduceOperator<T, K> extends KeyedOneInputOperator<T, T, K> {
  readonly fn: ReduceFunction<T>;
  #state!: ValueState<T>;
  constructor(keyOf: KeyFn<T, K>, fn: ReduceFunction<T>) {
    super(keyOf);
    this.fn = fn;
  }
  override open(): Promise<void> {
    this.#state = this.getPartitionedState(new ValueStateDescriptor<T>('_reduce'));
    return this.openFunction(this.fn as never);
  }
  processElement(value: T, timestamp: number): void {
    this.setKeyOf(value);
    const cur = this.#state.value();
    let next: T;
    try {
      next = cur === undefined ? value : this.fn.reduce(cur, value);
    } catch (e) {
      throw this.userError(e, value);
    }
    this.#state.update(next);
    this.out.collect(next, timestamp);
  }
}

/** Rolling `aggregate` on a keyed stream: emits the current result after every element. */
export class KeyedAggregateOperator<IN, ACC, OUT, K> extends KeyedOneInputOperator<IN, OUT, K> {
  readonly fn: AggregateFunction<IN, ACC, OUT>;
  #state!: ValueState<ACC>;
  constructor(keyOf: KeyFn<IN, K>, fn: AggregateFunction<IN, ACC, OUT>) {
    super(keyOf);
    this.fn = fn;
  }
  override open(): void {
    this.#state = this.getPartitionedState(new ValueStateDescriptor<ACC>('_aggregate'));
  }
  processElement(value: IN, timestamp: number): void {
    this.setKeyOf(value);
    let result: OUT;
    try {
      const cur = this.#state.value();
      const acc = this.fn.add(value, cur === undefined ? this.fn.createAccumulator() : cur);
      this.#state.update(acc);
      result = this.fn.getResult(acc);
    } catch (e) {
      throw this.userError(e, value);
    }
    this.out.collect(result, timestamp);
  }
}
