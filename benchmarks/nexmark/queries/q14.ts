/**
 * Nexmark q14, calculation: bids of a price range, converted to euros, with the time of day of
 * the bid and a user-defined function (how many 'c' characters `extra` has).
 *
 *   SELECT auction, bidder, 0.908 * price AS price,
 *     CASE WHEN HOUR(dateTime) >= 8 AND HOUR(dateTime) <= 18 THEN 'dayTime'
 *          WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime'
 *          ELSE 'otherTime' END AS bidTimeType,
 *     dateTime, extra, count_char(extra, 'c') AS c_counts
 *   FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
 *
 * Hours are UTC.
 */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q14Row {
  auction: number;
  bidder: number;
  price: number;
  bidTimeType: 'dayTime' | 'nightTime' | 'otherTime';
  dateTime: number;
  extra: string;
  c_counts: number;
}

/** The `count_char` UDF: occurrences of one character. */
export function countChar(s: string, c: string): number {
  const code = c.charCodeAt(0);
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) n++;
  return n;
}

export function bidTimeType(dateTime: number): Q14Row['bidTimeType'] {
  const hour = Math.floor(dateTime / 3_600_000) % 24;
  if (hour >= 8 && hour <= 18) return 'dayTime';
  if (hour <= 6 || hour >= 20) return 'nightTime';
  return 'otherTime';
}

export function q14(events: DataStream<NexmarkEvent>): DataStream<Q14Row> {
  return bids(events)
    .filter((b) => b.price * 908 > 1_000_000_000 && b.price * 908 < 50_000_000_000)
    .map((b) => ({
      auction: b.auction,
      bidder: b.bidder,
      price: (b.price * 908) / 1000,
      bidTimeType: bidTimeType(b.dateTime),
      dateTime: b.dateTime,
      extra: b.extra,
      c_counts: countChar(b.extra, 'c'),
    }));
}
