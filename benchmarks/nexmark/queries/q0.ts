/**
 * Nexmark q0, pass-through: every bid, as it comes. Measures the cost of reading and writing
 * events.
 *
 *   SELECT auction, bidder, price, dateTime, extra FROM bid
 */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q0Row {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

export function q0(events: DataStream<NexmarkEvent>): DataStream<Q0Row> {
  return bids(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }));
}
