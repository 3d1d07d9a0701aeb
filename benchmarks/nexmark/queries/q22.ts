/**
 * Nexmark q22, get URL directories: the first three directories of each bid's URL.
 *
 *   SELECT auction, bidder, price, channel,
 *     SPLIT_INDEX(url, '/', 3) AS dir1, SPLIT_INDEX(url, '/', 4) AS dir2, SPLIT_INDEX(url, '/', 5) AS dir3
 *   FROM bid
 */
import type { DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q22Row {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  dir1: string | null;
  dir2: string | null;
  dir3: string | null;
}

export function q22(events: DataStream<NexmarkEvent>): DataStream<Q22Row> {
  return bids(events).map((b): Q22Row => {
    const parts = b.url.split('/');
    return { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, dir1: parts[3] ?? null, dir2: parts[4] ?? null, dir3: parts[5] ?? null };
  });
}
