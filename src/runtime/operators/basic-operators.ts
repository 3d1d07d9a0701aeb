import type { Collector } from '../../core/functions/collector.ts';
import type { FilterFunction, FlatMapFunction, MapFunction } from '../../core/functions/basic.ts';
import type { ProcessFunctionShape } from '../../core/functions/process.ts';
import { TimestampedCollector, ProcessContextImpl } from './contexts.ts';
import { OneInputOperator } from './operator.ts';

/** `map`: one output per input, same timestamp. */
export class MapOperator<IN, OUT> extends OneInputOperator<IN, OUT> {
  readonly fn: MapFunction<IN, OUT>;
  constructor(fn: MapFunction<IN, OUT>) {
    super();
    this.fn = fn;
  }
  override open(): Promise<void> {
    return this.openFunction(this.fn);
  }
  processElement(value: IN, timestamp: number): void {
    let r: OUT;
    try {
      r = this.fn.map(value);
    } catch (e) {
      throw this.userError(e, value);
    }
    this.out.collect(r, timestamp);
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}

/** `filter`. */
export class FilterOperator<T> extends OneInputOperator<T, T> {
  readonly fn: FilterFunction<T>;
  constructor(fn: FilterFunction<T>) {
    super();
    this.fn = fn;
  }
  override open(): Promise<void> {
    return this.openFunction(this.fn);
  }
  processElement(value: T, timestamp: number): void {
    let keep: boolean;
    try {
      keep = this.fn.filter(value);
    } catch (e) {
      throw this.userError(e, value);
    }
    if (keep) this.out.collect(value, timestamp);
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}

/** `flatMap`: outputs through a collector (or an iterable returned by a plain function). */
export class FlatMapOperator<IN, OUT> extends OneInputOperator<IN, OUT> {
  readonly fn: FlatMapFunction<IN, OUT>;
  #collector!: TimestampedCollector<OUT>;
  constructor(fn: FlatMapFunction<IN, OUT>) {
    super();
    this.fn = fn;
  }
  override open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.out);
    return this.openFunction(this.fn);
  }
  processElement(value: IN, timestamp: number): void {
    this.#collector.ts = timestamp;
    try {
      this.fn.flatMap(value, this.#collector);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}

/** `process` on a non-keyed stream. */
export class ProcessOperator<IN, OUT> extends OneInputOperator<IN, OUT> {
  readonly fn: ProcessFunctionShape<IN, OUT>;
  #collector!: TimestampedCollector<OUT>;
  #ctx!: ProcessContextImpl<never>;
  constructor(fn: ProcessFunctionShape<IN, OUT>) {
    super();
    this.fn = fn;
  }
  override open(): Promise<void> {
    this.#collector = new TimestampedCollector(this.out);
    this.#ctx = new ProcessContextImpl(this as never);
    return this.openFunction(this.fn);
  }
  processElement(value: IN, timestamp: number): void {
    this.#collector.ts = timestamp;
    this.#ctx.ts = timestamp;
    try {
      this.fn.processElement(value, this.#ctx, this.#collector as Collector<OUT>);
    } catch (e) {
      throw this.userError(e, value);
    }
  }
  override async close(): Promise<void> {
    await this.closeFunction(this.fn);
    await super.close();
  }
}
