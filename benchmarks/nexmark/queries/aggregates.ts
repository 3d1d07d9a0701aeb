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

const DAY_MS = 86_400_000;
let lastDay = Number.NaN;
let lastDayText = '';

/** `DATE_FORMAT(dateTime, 'yyyy-MM-dd')` (UTC); formatted once per day (events come mostly in order). */
export function day(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  if (d !== lastDay) {
    lastDay = d;
    lastDayText = new Date(d * DAY_MS).toISOString().slice(0, 10);
  }
  return lastDayText;
}

/** `DATE_FORMAT(dateTime, 'HH:mm')` (UTC). */
export function hourMinute(ms: number): string {
  const minuteOfDay = Math.floor(ms / 60_000) - Math.floor(ms / DAY_MS) * 1440;
  const h = Math.floor(minuteOfDay / 60);
  const m = minuteOfDay % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
