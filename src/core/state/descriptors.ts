import type { StateTtlConfig } from './ttl.ts';

/** A function that combines two values into one (also the `ReduceFunction` of the API). */
export interface ReduceFunction<T> {
  reduce(value1: T, value2: T): T;
}
/**
 * Incremental aggregation: `createAccumulator`, `add`, `getResult`, and `merge` (used by merging
 * windows such as session windows).
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Names a piece of keyed state and says what kind it is. Descriptors are handed to
 * `RuntimeContext.getState(...)` and friends; the name must be unique per operator.
 */
export abstract class StateDescriptor<S> {
  readonly name: string;
  abstract readonly kind: StateKind;
  ttlConfig: StateTtlConfig | undefined;
  /** Phantom field that carries the state handle type. */
  declare readonly __state?: S;
  constructor(name: string) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('a state descriptor needs a non-empty name');
    this.name = name;
  }
  /**
   * Entries expire `ttl` ms (processing time) after their last write (or read, if configured).
   * A value state with TTL ignores the descriptor's default value (Flink does the same). A config
   * with `UpdateType.Disabled` leaves the state without TTL (default value included), as in Flink.
   */
  enableTimeToLive(config: StateTtlConfig): this {
    this.ttlConfig = config.isEnabled() ? config : undefined;
    return this;
  }
}

/**
 * @example
 * ```ts
 * const d = new ValueStateDescriptor<number>('count', 0);
 * ```
 */
export class ValueStateDescriptor<T> extends StateDescriptor<import('./state.ts').ValueState<T>> {
  readonly kind = 'value' as const;
  readonly defaultValue: T | undefined;
  constructor(name: string, defaultValue?: T) {
    super(name);
    this.defaultValue = defaultValue;
  }
}

/** @example `new ListStateDescriptor<string>('buffer')` */
export class ListStateDescriptor<T> extends StateDescriptor<import('./state.ts').ListState<T>> {
  readonly kind = 'list' as const;
}

/** @example `new MapStateDescriptor<string, number>('perPage')` */
export class MapStateDescriptor<UK, UV> extends StateDescriptor<import('./state.ts').MapState<UK, UV>> {
  readonly kind = 'map' as const;
  declare readonly __types?: [UK, UV];
}

/** @example `new ReducingStateDescriptor<number>('sum', (a, b) => a + b)` */
export class ReducingStateDescriptor<T> extends StateDescriptor<import('./state.ts').ReducingState<T>> {
  readonly kind = 'reducing' as const;
  readonly reduceFunction: ReduceFunction<T>;
  constructor(name: string, reduce: ReduceFunction<T> | ((a: T, b: T) => T)) {
    super(name);
    this.reduceFunction = typeof reduce === 'function' ? { reduce } : reduce;
  }
}

/** @example `new AggregatingStateDescriptor('avg', averageAggregate)` */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<
  import('./state.ts').AggregatingState<IN, OUT>
> {
  readonly kind = 'aggregating' as const;
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;
  constructor(name: string, aggregate: AggregateFunction<IN, ACC, OUT>) {
    super(name);
    this.aggregateFunction = aggregate;
  }
}
