/**
 * Nexmark q21, add channel id: the channel id of each bid, from its channel name or URL.
 *
 *   SELECT auction, bidder, price, channel,
 *     CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1'
 *          WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
 *          ELSE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) END AS channel_id
 *   FROM bid
 *   WHERE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL
 *      OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')
 */
import type { DataStream } from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { bids } from './views.ts';

export interface Q21Row {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  channel_id: string;
}

const KNOWN: Record<string, string> = { apple: '0', google: '1', facebook: '2', baidu: '3' };
const CHANNEL_ID = /(&|^)channel_id=([^&]*)/;

export function channelId(b: Bid): string | undefined {
  return KNOWN[b.channel.toLowerCase()] ?? CHANNEL_ID.exec(b.url)?.[2];
}

export function q21(events: DataStream<NexmarkEvent>): DataStream<Q21Row> {
  return bids(events).flatMap((b: Bid) => {
    const id = channelId(b);
    return id === undefined ? [] : [{ auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, channel_id: id }];
  });
}
