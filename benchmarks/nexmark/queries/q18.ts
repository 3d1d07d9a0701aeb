/**
 * Nexmark q18, last bid: the latest bid of each bidder on each auction (a deduplication). A
 * rolling reduce: the current last bid after every bid (in BATCH mode, the final one per key).
 *
 *   SELECT auction, bidder, price, channel, url, dateTime, extra FROM (
 *     SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) AS rank_number
 *     FROM bid)
 *   WHERE rank_number <= 1
 *
 * Several bids of one bidder on one auction can share a millisecond; among them the highest
 * price (then the lexicographically smallest `extra`) counts as the latest, so the result does not depend on the
 * order in which parallel sources deliver them.
 */
import type { DataStream } from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { compareBidsByPrice } from './aggregates.ts';
import { bids } from './views.ts';

/** True when `b` is later than `a` (ties: see above). */
export function isLater(b: Bid, a: Bid): boolean {
  return b.dateTime > a.dateTime || (b.dateTime === a.dateTime && compareBidsByPrice(b, a) < 0);
}

export function q18(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return bids(events)
    .keyBy((b) => `${b.bidder}|${b.auction}`)
    .reduce((a, b) => (isLater(b, a) ? b : a))
    .uid('q18-last-bid')
    .name('Q18 Last Bid');
}
