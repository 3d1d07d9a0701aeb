/**
 * The distance between two data points, for `DeltaTrigger` and `DeltaEvictor` (Flink's `DeltaFunction`).
 *
 * @example
 * ```ts
 * import type { DeltaFunction } from 'sluice';
 * const priceMove: DeltaFunction<{ price: number }> = { getDelta: (a, b) => Math.abs(a.price - b.price) };
 * ```
 */
export interface DeltaFunction<T> {
  getDelta(oldDataPoint: T, newDataPoint: T): number;
}
/** A {@link DeltaFunction} as an object or a plain function. */
export type DeltaFunctionLike<T> = DeltaFunction<T> | ((oldDataPoint: T, newDataPoint: T) => number);

export function toDeltaFunction<T>(f: DeltaFunctionLike<T>, where: string): (a: T, b: T) => number {
  if (typeof f === 'function') return f;
  if (f !== null && typeof f === 'object' && typeof f.getDelta === 'function') return (a, b) => f.getDelta(a, b);
  throw new TypeError(`${where} needs a delta function: (oldDataPoint, newDataPoint) => number, or an object with getDelta`);
}

function checkThreshold(threshold: number, where: string): number {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new RangeError(`${where}: the threshold must be a number, got ${String(threshold)}`);
  return threshold;
}
export { checkThreshold };
