/**
 * Nexmark q5, hot items: in every 10 s window sliding by 2 s, the auctions with the most bids.
 *
 *   SELECT AuctionBids.auction, AuctionBids.num FROM (
 *     SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
 *     FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
 *     GROUP BY auction, window_start, window_end) AS AuctionBids
 *   JOIN (SELECT max(num) AS maxn, starttime, endtime FROM (...the same counts...)
 *         GROUP BY starttime, endtime) AS MaxBids
 *   ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
 *      AND AuctionBids.num >= MaxBids.maxn
 *
 * Counts per auction and window, then, keyed by window, the counts with the maximum, emitted when
 * the watermark passes the window (all counts of a window are in by then). Rows also carry the
 * window bounds.
 */
import {
  KeyedProcessFunction,
  SlidingEventTimeWindows,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedContext,
  type OnTimerContext,
  type RuntimeContext,
  type TimeWindow,
  type ValueState,
} from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { countAggregate } from './aggregates.ts';
import { bids } from './views.ts';

export interface Q5Row {
  auction: number;
  num: number;
  starttime: number;
  endtime: number;
}

/** The auctions with the highest count of one window so far. */
interface Leaders {
  num: number;
  auctions: number[];
}

class HotItems extends KeyedProcessFunction<number, Q5Row, Q5Row> {
  leaders!: ValueState<Leaders | undefined>;

  override open(ctx: RuntimeContext): void {
    this.leaders = ctx.getState(new ValueStateDescriptor<Leaders | undefined>('leaders'));
  }

  processElement(c: Q5Row, ctx: KeyedContext<number>): void {
    const l = this.leaders.value();
    if (l === undefined) {
      this.leaders.update({ num: c.num, auctions: [c.auction] });
      // Window results carry the window's last timestamp; all have arrived when the watermark passes it.
      ctx.timerService().registerEventTimeTimer(c.endtime - 1);
    } else if (c.num > l.num) this.leaders.update({ num: c.num, auctions: [c.auction] });
    else if (c.num === l.num) {
      l.auctions.push(c.auction);
      this.leaders.update(l);
    }
  }

  override onTimer(_ts: number, ctx: OnTimerContext<number>, out: Collector<Q5Row>): void {
    const l = this.leaders.value()!;
    const endtime = ctx.getCurrentKey();
    for (const auction of l.auctions) out.collect({ auction, num: l.num, starttime: endtime - 10_000, endtime });
    this.leaders.clear();
  }
}

export function q5(events: DataStream<NexmarkEvent>): DataStream<Q5Row> {
  return bids(events)
    .keyBy((b) => b.auction)
    .window(SlidingEventTimeWindows.of(10_000, 2_000))
    .aggregate<number, number, Q5Row>(countAggregate, (auction, ctx, [num], out) => {
      const w: TimeWindow = ctx.window();
      out.collect({ auction, num: num!, starttime: w.start, endtime: w.end });
    })
    .uid('q5-counts')
    .keyBy((c) => c.endtime)
    .process(new HotItems())
    .uid('q5-hot-items')
    .name('Q5 Hot Items');
}
