import type { Collector } from '../../core/functions/collector.ts';
import type { CoProcessFunctionShape } from '../../core/functions/process.ts';
import { voidNamespaceSerializer, type VoidNamespace } from '../../core/state/namespace.ts';
import { NO_TIMESTAMP } from '../../core/watermark/watermark.ts';
import type { Triggerable } from '../timers/internal-timer-service.ts';
import { ProcessContextImpl, TimestampedCollector } from './contexts.ts';
import type { KeyFn } from './keyed-operators.ts';
import { TwoInputOperator, type BatchInput } from './operator.ts';

/**
 * Two inputs (`connect`): CoMap, CoFlatMap and CoProcess functions are all run by this operator.
 * With key selectors (both inputs keyed) it has keyed state shared by both inputs, and timers.
 */
export class CoProcessOperator<IN1, IN2, OUT> extends TwoInputOperator<IN1, IN2, OUT> implements Triggerable<VoidNamespace> {
  readonly fn: CoProcessFunctionShape<IN1, IN2, OUT>;
  readonly key1: KeyFn<IN1, unknown> | undefined;
  readonly key2: KeyFn<IN2, unknown> | undefined;
  #collector!: TimestampedCollector<OUT>;
  #ctx!: ProcessContextImpl<unknown>;

  constructor(fn: CoProcessFunctionShape<IN1, IN2, OUT>, key1?: KeyFn<IN1, unknown>, key2?: KeyFn<IN2, unknown>) {
    super();
    this.fn = fn;
    this.key1 = key1;
    this.key2 = key2;
  }
  override isKeyed(): boolean {
    return this.key1 !== undefined;
  }
  override batchInput(index: 1 | 2): BatchInput {
    const keyOf = (index === 1 ? this.key1 : this.key2) as ((v: unknown) => unknown) | undefined;
    return keyOf === undefined ? { kind: 'regular' } : { kind: 'keyed', keyOf };
  }
  override open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.out);
    this.#ctx = new ProcessContextImpl(this as never);
    if (this.isKeyed()) this.#ctx.bindTimers(this.getInternalTimerService('user-timers', voidNamespaceSerializer, this));
    return this.openFunction(this.fn);
  }
  processElement1(value: IN1, timestamp: number): void {
    try {
      if (this.key1 !== undefined) this.backend!.setCurrentKey(this.key1(value));
      this.#collector.ts = timestamp;
      this.#ctx.ts = timestamp;
      this.fn.processElement1(value, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  processElement2(value: IN2, timestamp: number): void {
    try {
      if (this.key2 !== undefined) this.backend!.setCurrentKey(this.key2(value));
      this.#collector.ts = timestamp;
      this.#ctx.ts = timestamp;
      this.fn.processElement2(value, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  onEventTime(timestamp: number): void {
    this.#timer(timestamp, 'EVENT_TIME', timestamp);
  }
  onProcessingTime(timestamp: number): void {
    this.#timer(timestamp, 'PROCESSING_TIME', NO_TIMESTAMP);
  }
  #timer(ts: number, domain: 'EVENT_TIME' | 'PROCESSING_TIME', outTs: number): void {
    if (this.fn.onTimer === undefined) return;
    this.#collector.ts = outTs;
    this.#ctx.ts = ts;
    this.#ctx.domain = domain;
    try {
      this.fn.onTimer(ts, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, { timer: ts, domain, key: this.backend!.getCurrentKey() }, 'timer');
    }
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}
