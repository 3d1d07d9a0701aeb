/**
 * Nexmark q1, currency conversion: bid prices from dollars to euros.
 *
 *   SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
 *
 * `price * 908 / 1000` is the double nearest to the exact DECIMAL(23, 3) product.
 */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q1Row {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

export function q1(events: DataStream<NexmarkEvent>): DataStream<Q1Row> {
  return bids(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra }));
}
