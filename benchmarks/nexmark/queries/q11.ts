/**
 * Nexmark q11, user sessions: how many bids each bidder makes per session (a session ends after
 * 10 s without a bid).
 *
 *   SELECT B.bidder, count(*) AS bid_count,
 *     SESSION_START(B.dateTime, INTERVAL '10' SECOND) AS starttime,
 *     SESSION_END(B.dateTime, INTERVAL '10' SECOND) AS endtime
 *   FROM bid B GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
 *
 * A session runs from its first bid to 10 s after its last (the window end is exclusive).
 */
import { EventTimeSessionWindows, type DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { countAggregate } from './aggregates.ts';
import { bids } from './views.ts';

export interface Q11Row {
  bidder: number;
  bid_count: number;
  starttime: number;
  endtime: number;
}

export function q11(events: DataStream<NexmarkEvent>): DataStream<Q11Row> {
  return bids(events)
    .keyBy((b) => b.bidder)
    .window(EventTimeSessionWindows.withGap(10_000))
    .aggregate<number, number, Q11Row>(countAggregate, (bidder, ctx, [n], out) =>
      out.collect({ bidder, bid_count: n!, starttime: ctx.window().start, endtime: ctx.window().end }),
    )
    .uid('q11-sessions')
    .name('Q11 Sessions');
}
