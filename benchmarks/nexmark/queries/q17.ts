/**
 * Nexmark q17, auction statistics report: per auction and day, bid counts by price rank and the
 * minimum, maximum, average and sum of prices. A rolling aggregate: an updated row after every bid
 * (in BATCH mode, the final row per key).
 *
 *   SELECT auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS day,
 *     count(*) AS total_bids,
 *     count(*) FILTER (WHERE price < 10000) AS rank1_bids,
 *     count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
 *     count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
 *     min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price, sum(price) AS sum_price
 *   FROM bid GROUP BY auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
 *
 * AVG of a BIGINT is a BIGINT in Flink SQL: the quotient is truncated.
 */
import type { AggregateFunction, DataStream } from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { day } from './aggregates.ts';
import { priceRank } from './q16.ts';
import { bids } from './views.ts';

export interface Q17Row {
  auction: number;
  day: string;
  total_bids: number;
  rank1_bids: number;
  rank2_bids: number;
  rank3_bids: number;
  min_price: number;
  max_price: number;
  avg_price: number;
  sum_price: number;
}

type Acc = Omit<Q17Row, 'avg_price'>;

const auctionStatistics: AggregateFunction<Bid, Acc | undefined, Q17Row> = {
  createAccumulator: () => undefined,
  add: (b, acc) => {
    const a = acc ?? { auction: b.auction, day: day(b.dateTime), total_bids: 0, rank1_bids: 0, rank2_bids: 0, rank3_bids: 0, min_price: b.price, max_price: b.price, sum_price: 0 };
    const rank = priceRank(b.price);
    return {
      ...a,
      total_bids: a.total_bids + 1,
      rank1_bids: a.rank1_bids + (rank === 1 ? 1 : 0),
      rank2_bids: a.rank2_bids + (rank === 2 ? 1 : 0),
      rank3_bids: a.rank3_bids + (rank === 3 ? 1 : 0),
      min_price: Math.min(a.min_price, b.price),
      max_price: Math.max(a.max_price, b.price),
      sum_price: a.sum_price + b.price,
    };
  },
  getResult: (a) => ({ ...a!, avg_price: Math.trunc(a!.sum_price / a!.total_bids) }),
  merge: (a, b) => {
    if (a === undefined || b === undefined) return a ?? b;
    return {
      ...a,
      total_bids: a.total_bids + b.total_bids,
      rank1_bids: a.rank1_bids + b.rank1_bids,
      rank2_bids: a.rank2_bids + b.rank2_bids,
      rank3_bids: a.rank3_bids + b.rank3_bids,
      min_price: Math.min(a.min_price, b.min_price),
      max_price: Math.max(a.max_price, b.max_price),
      sum_price: a.sum_price + b.sum_price,
    };
  },
};

export function q17(events: DataStream<NexmarkEvent>): DataStream<Q17Row> {
  return bids(events)
    .keyBy((b) => `${b.auction}|${day(b.dateTime)}`)
    .aggregate(auctionStatistics)
    .uid('q17-statistics')
    .name('Q17 Auction Statistics');
}
