/**
 * Nexmark q4, average price per category: the average of the winning bids (see
 * `winning-bids.ts`) of the auctions of each category, updated as auctions close.
 *
 *   SELECT Q.category, AVG(Q.final) FROM (
 *     SELECT MAX(B.price) AS final, A.category FROM auction A, bid B
 *     WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
 *     GROUP BY A.id, A.category) Q
 *   GROUP BY Q.category
 *
 * A rolling aggregate: one updated average per closed auction (in BATCH mode, the final one per
 * category). AVG of a BIGINT is a BIGINT in Flink SQL: the quotient is truncated.
 */
import type { AggregateFunction, DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { winningBids } from './winning-bids.ts';

export interface Q4Row {
  category: number;
  avgPrice: number;
}

interface Avg {
  category: number;
  sum: number;
  count: number;
}

const averagePrice: AggregateFunction<{ category: number; price: number }, Avg, Q4Row> = {
  createAccumulator: () => ({ category: 0, sum: 0, count: 0 }),
  add: (w, acc) => ({ category: w.category, sum: acc.sum + w.price, count: acc.count + 1 }),
  getResult: (acc) => ({ category: acc.category, avgPrice: Math.trunc(acc.sum / acc.count) }),
  merge: (a, b) => ({ category: a.category, sum: a.sum + b.sum, count: a.count + b.count }),
};

export function q4(events: DataStream<NexmarkEvent>): DataStream<Q4Row> {
  return winningBids(events, 'q4-winning-bids')
    .map((w) => ({ category: w.auction.category, price: w.bid.price }))
    .keyBy((w) => w.category)
    .aggregate(averagePrice)
    .uid('q4-average')
    .name('Q4 Average');
}
