import type { Collector } from '../../core/functions/collector.ts';
import { readField } from '../field-aggregations.ts';
import type {
  FilterFunction,
  FilterFunctionLike,
  FlatMapFunction,
  FlatMapFunctionLike,
  KeySelectorLike,
  MapFunction,
  MapFunctionLike,
} from '../../core/functions/basic.ts';
import type { KeyedProcessFunctionLike, KeyedProcessFunctionShape, ProcessFunctionLike, ProcessFunctionShape } from '../../core/functions/process.ts';
import type { AggregateFunction, ReduceFunction } from '../../core/state/descriptors.ts';
import { JobConfigurationError } from '../../core/errors/job-errors.ts';

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
  if (typeof fn === 'string' || typeof fn === 'number') return (v: T) => readField(v, fn) as K;
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

/** `this.#x`, or a `#x` member declared at the start of a line (not a '#' inside a string). */
const PRIVATE_MEMBER = /this\.#[A-Za-z_$]|^\s*(?:static\s+)?(?:async\s+)?(?:[gs]et\s+)?\*?#[A-Za-z_$]/m;

/** Whether a class (or one of its base classes) declares `#private` members. */
function usesPrivateMembers(proto: object | null): boolean {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const C = (p as { constructor?: unknown }).constructor;
    if (typeof C === 'function' && PRIVATE_MEMBER.test(Function.prototype.toString.call(C))) return true;
  }
  return false;
}

/**
 * The function object of one parallel instance. Flink gives every subtask its own deserialized
 * copy of a function, so fields set in `open()` (state handles, the subtask index...) belong to
 * that instance; Sluice does the same: subtask 0 uses the object itself, the others a shallow copy
 * (same prototype, copied own properties; shared arrays/maps stay shared). `#private` members
 * cannot be copied: such classes are constructed afresh (`new C()`) when the constructor takes no
 * arguments, and otherwise rejected with advice. Plain functions (closures) are shared.
 */
export function copyFunction<F>(fn: F, subtaskIndex: number): F {
  if (subtaskIndex === 0 || typeof fn !== 'object' || fn === null) return fn;
  const proto = Object.getPrototypeOf(fn) as object | null;
  let copy: object;
  if (proto !== null && proto !== Object.prototype && usesPrivateMembers(proto)) {
    const C = (proto as { constructor: new () => object }).constructor;
    if (C.length > 0) {
      throw new JobConfigurationError(
        `${C.name} uses #private members and a constructor with parameters, so it cannot be copied for each parallel instance ` +
          `(Sluice, like Flink, gives every subtask its own copy of a function). Use public fields, a constructor without ` +
          `parameters, or run this operator with parallelism 1.`,
      );
    }
    copy = new C();
  } else copy = Object.create(proto) as object;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(fn));
  return copy as F;
}
