/**
 * The winning bid of each auction, shared by q4 and q9: the highest bid (see
 * `compareBidsByPrice`) among the auction's bids whose `dateTime` lies within the auction's
 * lifetime, `[A.dateTime, A.expires]`. Auctions without such a bid have no winner.
 *
 *   SELECT A.*, B.* FROM auction A, bid B
 *   WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
 *   -- then the top bid per A.id
 *
 * Event time: auctions and bids are keyed by auction id; the best bid so far is kept, and an
 * event-time timer at `expires` emits it once the watermark says no bid of the auction's lifetime
 * can still come. A bid that arrives before its auction is held until the watermark passes its
 * own `dateTime` (after that, an auction it could belong to would be late).
 */
import {
  KeyedCoProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedContext,
  type ListState,
  type OnTimerContext,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { Auction, Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { compareBidsByPrice } from './aggregates.ts';
import { auctions, bids } from './views.ts';

export interface WinningBid {
  auction: Auction;
  bid: Bid;
}

const inLifetime = (a: Auction, b: Bid): boolean => b.dateTime >= a.dateTime && b.dateTime <= a.expires;

class WinningBidFunction extends KeyedCoProcessFunction<number, Auction, Bid, WinningBid> {
  auction!: ValueState<Auction | undefined>;
  best!: ValueState<Bid | undefined>;
  /** Bids that came before their auction. */
  early!: ListState<Bid>;

  override open(ctx: RuntimeContext): void {
    this.auction = ctx.getState(new ValueStateDescriptor<Auction | undefined>('auction'));
    this.best = ctx.getState(new ValueStateDescriptor<Bid | undefined>('best-bid'));
    this.early = ctx.getListState(new ListStateDescriptor<Bid>('early-bids'));
  }

  processElement1(a: Auction, ctx: KeyedContext<number>): void {
    this.auction.update(a);
    ctx.timerService().registerEventTimeTimer(a.expires);
    const early = this.early.get();
    if (early.length === 0) return;
    for (const b of early) if (inLifetime(a, b)) this.#offer(b);
    this.early.clear();
  }

  processElement2(b: Bid, ctx: KeyedContext<number>): void {
    const a = this.auction.value();
    if (a === undefined) {
      this.early.add(b);
      ctx.timerService().registerEventTimeTimer(b.dateTime);
    } else if (inLifetime(a, b)) this.#offer(b);
  }

  #offer(b: Bid): void {
    const best = this.best.value();
    if (best === undefined || compareBidsByPrice(b, best) < 0) this.best.update(b);
  }

  override onTimer(ts: number, _ctx: OnTimerContext<number>, out: Collector<WinningBid>): void {
    const a = this.auction.value();
    if (a !== undefined && ts >= a.expires) {
      const best = this.best.value();
      if (best !== undefined) out.collect({ auction: a, bid: best });
      this.auction.clear();
      this.best.clear();
      this.early.clear();
    } else if (a === undefined) {
      // Early bids whose time has passed cannot meet their auction any more.
      const keep = this.early.get().filter((b) => b.dateTime > ts);
      if (keep.length === 0) this.early.clear();
      else this.early.update(keep);
    }
  }
}

export function winningBids(events: DataStream<NexmarkEvent>, uid: string): DataStream<WinningBid> {
  return auctions(events)
    .connect(bids(events))
    .keyBy((a) => a.id, (b) => b.auction)
    .process(new WinningBidFunction())
    .uid(uid)
    .name('Winning Bids');
}
