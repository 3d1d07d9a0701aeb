/**
 * Nexmark q2, selection: the bids on a few auctions (ids divisible by 123).
 *
 *   SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0
 */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q2Row {
  auction: number;
  price: number;
}

export function q2(events: DataStream<NexmarkEvent>): DataStream<Q2Row> {
  return bids(events)
    .filter((b) => b.auction % 123 === 0)
    .map((b) => ({ auction: b.auction, price: b.price }));
}
