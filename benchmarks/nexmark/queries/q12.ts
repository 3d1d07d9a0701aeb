/**
 * Nexmark q12, processing-time windows: bids per bidder in 10 s tumbling windows of processing
 * time (the job clock), whatever the bids' own timestamps.
 *
 *   SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
 *   FROM TABLE(TUMBLE(TABLE (SELECT *, PROCTIME() AS p_time FROM bid), DESCRIPTOR(p_time), INTERVAL '10' SECOND))
 *   GROUP BY bidder, window_start, window_end
 */
import { TumblingProcessingTimeWindows, type DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { countAggregate } from './aggregates.ts';
import { bids } from './views.ts';

export interface Q12Row {
  bidder: number;
  bid_count: number;
  starttime: number;
  endtime: number;
}

export function q12(events: DataStream<NexmarkEvent>): DataStream<Q12Row> {
  return bids(events)
    .keyBy((b) => b.bidder)
    .window(TumblingProcessingTimeWindows.of(10_000))
    .aggregate<number, number, Q12Row>(countAggregate, (bidder, ctx, [n], out) =>
      out.collect({ bidder, bid_count: n!, starttime: ctx.window().start, endtime: ctx.window().end }),
    )
    .uid('q12-windows')
    .name('Q12 Processing-Time Windows');
}
