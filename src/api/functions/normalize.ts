import type { Collector } from './collector.ts';
import type {
  FilterFunction,
  FilterFunctionLike,
  FlatMapFunction,
  FlatMapFunctionLike,
  KeySelectorLike,
  MapFunction,
  MapFunctionLike,
} from './basic.ts';
import type { KeyedProcessFunctionLike, KeyedProcessFunctionShape, ProcessFunctionLike, ProcessFunctionShape } from './process.ts';
import type { AggregateFunction, ReduceFunction } from '../../state/descriptors.ts';
import { JobConfigurationError } from '../../runtime/errors.ts';

/** Turns the accepted forms of user functions (plain function or object) into one shape. */
function expect(what: string, method: string, fn: unknown): never {
  throw new JobConfigurationError(
    `${what} expects a function or an object with a '${method}' method, got ${fn === null ? 'null' : typeof fn}`,
  );
}

export function toMapFunction<I, O>(fn: MapFunctionLike<I, O>): MapFunction<I, O> {
  if (typeof fn === 'function') return { map: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.map !== 'function') return expect('map()', 'map', fn);
  return fn;
}
export function toFilterFunction<T>(fn: FilterFunctionLike<T>): FilterFunction<T> {
  if (typeof fn === 'function') return { filter: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.filter !== 'function') return expect('filter()', 'filter', fn);
  return fn;
}
export function toFlatMapFunction<I, O>(fn: FlatMapFunctionLike<I, O>): FlatMapFunction<I, O> {
  if (typeof fn === 'function') {
    return {
      flatMap(v: I, out: Collector<O>) {
        const r = fn(v, out);
        if (r != null) for (const x of r) out.collect(x);
      },
    };
  }
  if (fn === null || typeof fn !== 'object' || typeof fn.flatMap !== 'function') return expect('flatMap()', 'flatMap', fn);
  return fn;
}
export function toKeyFunction<T, K>(fn: KeySelectorLike<T, K> | (T extends object ? keyof T : never)): (v: T) => K {
  if (typeof fn === 'function') return fn;
  if (typeof fn === 'string' || typeof fn === 'number') return (v: T) => (v as Record<string | number, unknown>)[fn] as K;
  if (fn !== null && typeof fn === 'object' && typeof fn.getKey === 'function') return (v: T) => fn.getKey(v);
  return expect('keyBy()', 'getKey', fn);
}
export function toProcessFunction<I, O>(fn: ProcessFunctionLike<I, O>): ProcessFunctionShape<I, O> {
  if (typeof fn === 'function') return { processElement: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.processElement !== 'function') return expect('process()', 'processElement', fn);
  return fn;
}
export function toKeyedProcessFunction<K, I, O>(fn: KeyedProcessFunctionLike<K, I, O>): KeyedProcessFunctionShape<K, I, O> {
  if (typeof fn === 'function') return { processElement: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.processElement !== 'function') return expect('process()', 'processElement', fn);
  return fn;
}
export function toReduceFunction<T>(fn: ReduceFunction<T> | ((a: T, b: T) => T)): ReduceFunction<T> {
  if (typeof fn === 'function') return { reduce: fn };
  if (fn === null || typeof fn !== 'object' || typeof fn.reduce !== 'function') return expect('reduce()', 'reduce', fn);
  return fn;
}
export function checkAggregateFunction<I, A, O>(fn: AggregateFunction<I, A, O>): AggregateFunction<I, A, O> {
  for (const m of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
    if (fn === null || typeof fn !== 'object' || typeof fn[m] !== 'function') return expect('aggregate()', m, fn);
  }
  return fn;
}

/**
 * A copy of a user function object for one parallel instance (Flink gives every subtask its own
 * deserialized copy): fields set in `open()` (state handles, the subtask index...) then belong to
 * that instance. The copy is shallow; classes whose constructor takes no arguments are constructed
 * afresh first, so their private `#fields` exist too. Plain functions are shared as they are.
 */
export function copyFunction<F>(fn: F): F {
  if (typeof fn !== 'object' || fn === null) return fn;
  const proto = Object.getPrototypeOf(fn) as { constructor?: unknown } | null;
  let copy: object;
  const C = proto?.constructor;
  if (proto !== null && proto !== Object.prototype && typeof C === 'function' && C.length === 0) {
    try {
      copy = new (C as new () => object)();
    } catch {
      copy = Object.create(proto) as object;
    }
  } else copy = Object.create(proto) as object;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(fn));
  return copy as F;
}
