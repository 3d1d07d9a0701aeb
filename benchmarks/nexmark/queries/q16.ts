/**
 * Nexmark q16, channel statistics report: per channel and day, bid counts by price rank and
 * distinct bidders and auctions, overall and by rank. A rolling group aggregate: an updated row
 * after every bid.
 *
 *   SELECT channel, DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS day,
 *     max(DATE_FORMAT(dateTime, 'HH:mm')) AS minute,
 *     count(*) AS total_bids,
 *     count(*) FILTER (WHERE price < 10000) AS rank1_bids,
 *     count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
 *     count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
 *     count(DISTINCT bidder) AS total_bidders, ... FILTER (rank1/2/3) ...,
 *     count(DISTINCT auction) AS total_auctions, ... FILTER (rank1/2/3) ...
 *   FROM bid GROUP BY channel, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
 *
 * Distinct values live in map state (value → bit set of the ranks it was seen in), the counters
 * in value state, as Flink does.
 */
import {
  KeyedProcessFunction,
  MapStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedContext,
  type MapState,
  type RuntimeContext,
  type ValueState,
} from '../../../src/index.ts';
import type { Bid, NexmarkEvent } from '../../../src/nexmark/index.ts';
import { day, hourMinute } from './aggregates.ts';
import { bids } from './views.ts';

export interface Q16Row {
  channel: string;
  day: string;
  minute: string;
  total_bids: number;
  rank1_bids: number;
  rank2_bids: number;
  rank3_bids: number;
  total_bidders: number;
  rank1_bidders: number;
  rank2_bidders: number;
  rank3_bidders: number;
  total_auctions: number;
  rank1_auctions: number;
  rank2_auctions: number;
  rank3_auctions: number;
}

/** 1, 2 or 3 by price. */
export function priceRank(price: number): 1 | 2 | 3 {
  return price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3;
}

/** The counters of one (channel, day): bids, bidders, auctions, each total then ranks 1-3. */
interface Counts {
  minute: string;
  n: number[];
}

const BIDS = 0;
const BIDDERS = 4;
const AUCTIONS = 8;

class ChannelStatistics extends KeyedProcessFunction<string, Bid, Q16Row> {
  counts!: ValueState<Counts | undefined>;
  bidders!: MapState<number, number>;
  auctions!: MapState<number, number>;

  override open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<Counts | undefined>('counts'));
    this.bidders = ctx.getMapState(new MapStateDescriptor<number, number>('distinct-bidders'));
    this.auctions = ctx.getMapState(new MapStateDescriptor<number, number>('distinct-auctions'));
  }

  processElement(b: Bid, _ctx: KeyedContext<string>, out: Collector<Q16Row>): void {
    const c = this.counts.value() ?? { minute: '', n: new Array<number>(12).fill(0) };
    const rank = priceRank(b.price);
    const minute = hourMinute(b.dateTime);
    if (minute > c.minute) c.minute = minute;
    const n = c.n;
    n[BIDS]++;
    n[BIDS + rank]++;
    countDistinct(this.bidders, b.bidder, rank, n, BIDDERS);
    countDistinct(this.auctions, b.auction, rank, n, AUCTIONS);
    this.counts.update(c);
    out.collect({
      channel: b.channel,
      day: day(b.dateTime),
      minute: c.minute,
      total_bids: n[0]!,
      rank1_bids: n[1]!,
      rank2_bids: n[2]!,
      rank3_bids: n[3]!,
      total_bidders: n[4]!,
      rank1_bidders: n[5]!,
      rank2_bidders: n[6]!,
      rank3_bidders: n[7]!,
      total_auctions: n[8]!,
      rank1_auctions: n[9]!,
      rank2_auctions: n[10]!,
      rank3_auctions: n[11]!,
    });
  }
}

/** Counts `value` as new overall and in its rank (counters at `at`, `at + rank`) if not seen there before. */
function countDistinct(seen: MapState<number, number>, value: number, rank: number, n: number[], at: number): void {
  const mask = seen.get(value) ?? 0;
  const bit = 1 << rank;
  if (mask === 0) n[at]!++;
  if ((mask & bit) === 0) {
    n[at + rank]!++;
    seen.put(value, mask | 1 | bit);
  }
}

export function q16(events: DataStream<NexmarkEvent>): DataStream<Q16Row> {
  return bids(events)
    .keyBy((b) => `${b.channel}|${day(b.dateTime)}`)
    .process(new ChannelStatistics())
    .uid('q16-statistics')
    .name('Q16 Channel Statistics');
}
