import type { ReduceFunction } from '../core/state/descriptors.ts';

/** A field of a record: property name, tuple index, or nothing for streams of numbers. */
export type FieldRef = string | number | undefined;

function get(v: unknown, f: FieldRef): number {
  return (f === undefined ? v : (v as Record<string | number, unknown>)[f]) as number;
}
function withField<T>(v: T, f: FieldRef, x: number): T {
  if (f === undefined) return x as T;
  if (Array.isArray(v)) {
    const c = v.slice();
    c[f as number] = x;
    return c as T;
  }
  return { ...(v as object), [f]: x } as T;
}

/**
 * Reduce functions behind `sum`/`min`/`max`/`minBy`/`maxBy`. `sum`, `min` and `max` keep the
 * other fields of the first record; `minBy`/`maxBy` return the whole record holding the extreme
 * (the first one on ties).
 */
export function fieldAggregation<T>(kind: 'sum' | 'min' | 'max' | 'minBy' | 'maxBy', field: FieldRef): ReduceFunction<T> {
  switch (kind) {
    case 'sum':
      return { reduce: (a, b) => withField(a, field, get(a, field) + get(b, field)) };
    case 'min':
      return { reduce: (a, b) => (get(b, field) < get(a, field) ? withField(a, field, get(b, field)) : a) };
    case 'max':
      return { reduce: (a, b) => (get(b, field) > get(a, field) ? withField(a, field, get(b, field)) : a) };
    case 'minBy':
      return { reduce: (a, b) => (get(b, field) < get(a, field) ? b : a) };
    case 'maxBy':
      return { reduce: (a, b) => (get(b, field) > get(a, field) ? b : a) };
  }
}
