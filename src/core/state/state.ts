/**
 * Keyed state handles. Every access is scoped to the key of the element (or timer) being
 * processed, and to the namespace (e.g. the window) of the operator. All calls are synchronous.
 *
 * @example
 * ```ts
 * import { KeyedProcessFunction, ValueStateDescriptor, type ValueState, type RuntimeContext,
 *   type KeyedContext, type Collector } from 'sluice';
 * class CountPerKey extends KeyedProcessFunction<string, string, [string, number]> {
 *   count!: ValueState<number>;
 *   override open(ctx: RuntimeContext) { this.count = ctx.getState(new ValueStateDescriptor('count', 0)); }
 *   processElement(v: string, ctx: KeyedContext<string>, out: Collector<[string, number]>) {
 *     const n = this.count.value() + 1;
 *     this.count.update(n);
 *     out.collect([ctx.getCurrentKey(), n]);
 *   }
 * }
 * ```
 */
export interface State {
  /** Removes the value of the current key (and namespace). */
  clear(): void;
}

/** A single value per key. */
export interface ValueState<T> extends State {
  /** The value, or the descriptor's default when absent (undefined without a default). */
  value(): T;
  /** Sets the value; `undefined` clears it. */
  update(value: T | undefined): void;
}

/** A list of values per key. */
export interface ListState<T> extends State {
  /** The elements (an empty array when absent). */
  get(): T[];
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  /** Replaces the list. */
  update(values: Iterable<T>): void;
}

/** A map per key. */
export interface MapState<UK, UV> extends State {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  putAll(entries: Iterable<[UK, UV]> | Map<UK, UV>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  isEmpty(): boolean;
}

/** Values added are combined with a `ReduceFunction` into one value per key. */
export interface ReducingState<T> extends State {
  /** The reduced value, or undefined when nothing was added. */
  get(): T | undefined;
  add(value: T): void;
}

/** Values added go into an accumulator (`AggregateFunction`); `get()` returns its result. */
export interface AggregatingState<IN, OUT> extends State {
  get(): OUT | undefined;
  add(value: IN): void;
}
