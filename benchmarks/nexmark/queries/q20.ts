/**
 * Nexmark q20, expand bid with auction: each bid on a category-10 auction, joined with the
 * auction (a regular join).
 *
 *   SELECT auction, bidder, price, channel, url, B.dateTime, B.extra,
 *     itemName, description, initialBid, reserve, A.dateTime, expires, seller, category, A.extra
 *   FROM bid AS B INNER JOIN auction AS A ON B.auction = A.id
 *   WHERE A.category = 10
 *
 * Keyed by auction id. Auction ids are unique, so the auction is remembered (or only as "not in
 * category 10") and bids wait in state only until their auction shows up.
 */
import {
  KeyedCoProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type ListState,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { Auction, Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { auctions, bids } from './views.ts';

export interface Q20Row {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  bid_dateTime: number;
  bid_extra: string;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  auction_dateTime: number;
  expires: number;
  seller: number;
  category: number;
  auction_extra: string;
}

function joined(b: Bid, a: Auction): Q20Row {
  return {
    auction: b.auction,
    bidder: b.bidder,
    price: b.price,
    channel: b.channel,
    url: b.url,
    bid_dateTime: b.dateTime,
    bid_extra: b.extra,
    itemName: a.itemName,
    description: a.description,
    initialBid: a.initialBid,
    reserve: a.reserve,
    auction_dateTime: a.dateTime,
    expires: a.expires,
    seller: a.seller,
    category: a.category,
    auction_extra: a.extra,
  };
}

class ExpandBid extends KeyedCoProcessFunction<number, Bid, Auction, Q20Row> {
  /** The auction once seen, or `false` when it is not in category 10. */
  auction!: ValueState<Auction | false | undefined>;
  waiting!: ListState<Bid>;

  override open(ctx: RuntimeContext): void {
    this.auction = ctx.getState(new ValueStateDescriptor<Auction | false | undefined>('auction'));
    this.waiting = ctx.getListState(new ListStateDescriptor<Bid>('waiting-bids'));
  }

  processElement1(b: Bid, _ctx: unknown, out: Collector<Q20Row>): void {
    const a = this.auction.value();
    if (a === undefined) this.waiting.add(b);
    else if (a !== false) out.collect(joined(b, a));
  }

  processElement2(a: Auction, _ctx: unknown, out: Collector<Q20Row>): void {
    if (a.category !== 10) this.auction.update(false);
    else {
      this.auction.update(a);
      for (const b of this.waiting.get()) out.collect(joined(b, a));
    }
    this.waiting.clear();
  }
}

export function q20(events: DataStream<NexmarkEvent>): DataStream<Q20Row> {
  return bids(events)
    .connect(auctions(events))
    .keyBy((b) => b.auction, (a) => a.id)
    .process(new ExpandBid())
    .uid('q20-join')
    .name('Q20 Join');
}
