/**
 * Nexmark q19, auction top-10 price: the ten highest bids of each auction, kept up to date.
 *
 *   SELECT * FROM (
 *     SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
 *   WHERE rank_number <= 10
 *
 * Each bid that enters an auction's top 10 emits the rows of the ranks it changed (its own and
 * every rank below it), as an upsert stream keyed by (auction, rank_number): the last row of
 * each key is the result. Equal prices are ordered as in `compareBidsByPrice`.
 */
import {
  KeyedProcessFunction,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedContext,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { compareBidsByPrice } from './aggregates.ts';
import { bids } from './views.ts';

export const TOP_N = 10;

export interface Q19Row extends Bid {
  rank_number: number;
}

class TopBids extends KeyedProcessFunction<number, Bid, Q19Row> {
  top!: ValueState<Bid[] | undefined>;

  override open(ctx: RuntimeContext): void {
    this.top = ctx.getState(new ValueStateDescriptor<Bid[] | undefined>('top-bids'));
  }

  processElement(b: Bid, _ctx: KeyedContext<number>, out: Collector<Q19Row>): void {
    const top = this.top.value() ?? [];
    let i = top.length;
    while (i > 0 && compareBidsByPrice(b, top[i - 1]!) < 0) i--;
    if (i >= TOP_N) return;
    top.splice(i, 0, b);
    if (top.length > TOP_N) top.pop();
    this.top.update(top);
    for (let r = i; r < top.length; r++) out.collect({ ...top[r]!, rank_number: r + 1 });
  }
}

export function q19(events: DataStream<NexmarkEvent>): DataStream<Q19Row> {
  return bids(events)
    .keyBy((b) => b.auction)
    .process(new TopBids())
    .uid('q19-top-bids')
    .name('Q19 Top 10');
}
