/** Small pieces several queries share. */
import type { AggregateFunction } from '../../../src/index.ts';
import type { Bid } from '../../../src/nexmark/index.ts';

/** `COUNT(*)` as an incremental aggregate. */
export const countAggregate: AggregateFunction<unknown, number, number> = {
  createAccumulator: () => 0,
  add: (_v, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

/**
 * Bids ordered by price, highest first (ties: earlier `dateTime`, then lower bidder, then
 * `extra`), a total order so that "the top bid" never depends on arrival order.
 */
export function compareBidsByPrice(a: Bid, b: Bid): number {
  return b.price - a.price || a.dateTime - b.dateTime || a.bidder - b.bidder || (a.extra < b.extra ? -1 : a.extra > b.extra ? 1 : 0);
}

/** `DATE_FORMAT(dateTime, 'yyyy-MM-dd')` (UTC). */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
