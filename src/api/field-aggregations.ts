import type { ReduceFunction } from '../core/state/descriptors.ts';

/** A field of a record: property name, tuple index, or nothing for streams of numbers. */
export type FieldRef = string | number | undefined;

/**
 * One step of a field expression: a tuple (array) field by index or Flink's `f<index>` name, or a
 * property. A property whose name contains dots is found as it is before the dots are read as a path.
 */
function segments(v: unknown, f: string | number): Array<string | number> {
  if (typeof f === 'number' || (v !== null && typeof v === 'object' && f in v)) return [f];
  return f.split('.');
}
function step(v: unknown, s: string | number): string | number {
  return Array.isArray(v) && typeof s === 'string' && /^f\d+$/.test(s) ? Number(s.slice(1)) : s;
}

/** Reads a field expression as Flink does: index, `f1`, `name`, `user.stats.clicks`, or `*` / nothing for the value itself. */
export function readField(v: unknown, f: FieldRef): unknown {
  if (f === undefined || f === '*') return v;
  let cur = v;
  for (const s of segments(v, f)) cur = (cur as Record<string | number, unknown>)[step(cur, s)];
  return cur;
}

function get(v: unknown, f: FieldRef): number {
  return readField(v, f) as number;
}

/** A copy of `v` with the field set to `x` (copied along the path; the input is not mutated). */
function withField<T>(v: T, f: FieldRef, x: number): T {
  if (f === undefined || f === '*') return x as T;
  const set = (cur: unknown, path: Array<string | number>): unknown => {
    const key = step(cur, path[0]!);
    const value = path.length === 1 ? x : set((cur as Record<string | number, unknown>)[key], path.slice(1));
    if (Array.isArray(cur)) {
      const c = cur.slice();
      c[key as number] = value;
      return c;
    }
    return { ...(cur as object), [key]: value };
  };
  return set(v, segments(v, f)) as T;
}

/**
 * Reduce functions behind `sum`/`min`/`max`/`minBy`/`maxBy`. `sum`, `min` and `max` keep the
 * other fields of the first record; `minBy`/`maxBy` return the whole record holding the extreme
 * (the first one on ties, or the last with `first = false`, as Flink's `minBy(field, first)`).
 */
export function fieldAggregation<T>(kind: 'sum' | 'min' | 'max' | 'minBy' | 'maxBy', field: FieldRef, first = true): ReduceFunction<T> {
  switch (kind) {
    case 'sum':
      return { reduce: (a, b) => withField(a, field, get(a, field) + get(b, field)) };
    case 'min':
      return { reduce: (a, b) => (get(b, field) < get(a, field) ? withField(a, field, get(b, field)) : a) };
    case 'max':
      return { reduce: (a, b) => (get(b, field) > get(a, field) ? withField(a, field, get(b, field)) : a) };
    case 'minBy':
      return { reduce: (a, b) => (get(b, field) < get(a, field) || (!first && get(b, field) === get(a, field)) ? b : a) };
    case 'maxBy':
      return { reduce: (a, b) => (get(b, field) > get(a, field) || (!first && get(b, field) === get(a, field)) ? b : a) };
  }
}
