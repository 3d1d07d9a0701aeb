/**
 * Nexmark q7, highest bid: in every 10 s tumbling window, the bids with the window's highest price.
 *
 *   SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B
 *   JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime
 *         FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *         GROUP BY window_start, window_end) B1
 *   ON B.price = B1.maxprice
 *   WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime
 *
 * One window over all bids (`windowAll`) with an incremental aggregate that keeps the highest
 * price and the bids that have it. (SQL's BETWEEN also takes a bid of equal price stamped exactly
 * at the window end; here, like the window itself, the end is exclusive.)
 */
import { TumblingEventTimeWindows, type AggregateFunction, type DataStream } from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q7Row {
  auction: number;
  price: number;
  bidder: number;
  dateTime: number;
  extra: string;
}

interface Highest {
  price: number;
  bids: Bid[];
}

const highestBids: AggregateFunction<Bid, Highest, Bid[]> = {
  createAccumulator: () => ({ price: -1, bids: [] }),
  add: (b, acc) => {
    if (b.price > acc.price) return { price: b.price, bids: [b] };
    if (b.price === acc.price) acc.bids.push(b);
    return acc;
  },
  getResult: (acc) => acc.bids,
  merge: (a, b) => (a.price > b.price ? a : b.price > a.price ? b : { price: a.price, bids: [...a.bids, ...b.bids] }),
};

export function q7(events: DataStream<NexmarkEvent>): DataStream<Q7Row> {
  return bids(events)
    .windowAll(TumblingEventTimeWindows.of(10_000))
    .aggregate<Highest, Bid[], Q7Row>(highestBids, (_ctx, [top], out) => {
      for (const b of top!) out.collect({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra });
    })
    .uid('q7-highest')
    .name('Q7 Highest Bid');
}
