/**
 * Nexmark q9, winning bids: each auction with its winning bid (see `winning-bids.ts`).
 *
 *   SELECT * FROM (
 *     SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
 *       ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum
 *     FROM auction A, bid B
 *     WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires)
 *   WHERE rownum <= 1
 *
 * Emitted once per auction, when the watermark passes its `expires` (Flink's SQL version emits
 * an update whenever a better bid arrives; the final rows are the same).
 */
import type { DataStream } from '../../../src/index.ts';
import type { Auction, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { winningBids } from './winning-bids.ts';

export interface Q9Row extends Auction {
  auction: number;
  bidder: number;
  price: number;
  bid_dateTime: number;
  bid_extra: string;
}

export function q9(events: DataStream<NexmarkEvent>): DataStream<Q9Row> {
  return winningBids(events, 'q9-winning-bids').map(({ auction: a, bid: b }) => ({
    ...a,
    auction: b.auction,
    bidder: b.bidder,
    price: b.price,
    bid_dateTime: b.dateTime,
    bid_extra: b.extra,
  }));
}
