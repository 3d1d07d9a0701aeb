/**
 * Nexmark q8, new users: people who opened an auction in the same 10 s tumbling window in which
 * they registered.
 *
 *   SELECT P.id, P.name, P.starttime FROM (
 *     SELECT id, name, window_start AS starttime, window_end AS endtime
 *     FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *     GROUP BY id, name, window_start, window_end) P
 *   JOIN (
 *     SELECT seller, window_start AS starttime, window_end AS endtime
 *     FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *     GROUP BY seller, window_start, window_end) A
 *   ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
 *
 * A window join of persons and auctions on person id. Both sides are grouped first, so a match
 * is one row per person and window however many auctions they opened: the window keeps only
 * the person's (id, name) pairs and whether an auction was seen (an incremental aggregate).
 */
import { TumblingEventTimeWindows, type AggregateFunction, type DataStream } from '../../../src/index.ts';
import type { NexmarkEvent } from '../../../src/nexmark/index.ts';
import { auctions, persons } from './views.ts';

export interface Q8Row {
  id: number;
  name: string;
  starttime: number;
}

/** A person registering (name) or an auction opened by them (name undefined). */
interface Side {
  id: number;
  name: string | undefined;
}

interface Seen {
  names: string[];
  auction: boolean;
}

const personsWithAuctions: AggregateFunction<Side, Seen, Seen> = {
  createAccumulator: () => ({ names: [], auction: false }),
  add: (s, acc) => {
    if (s.name === undefined) acc.auction = true;
    else if (!acc.names.includes(s.name)) acc.names.push(s.name);
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({ names: [...new Set([...a.names, ...b.names])], auction: a.auction || b.auction }),
};

export function q8(events: DataStream<NexmarkEvent>): DataStream<Q8Row> {
  const registered = persons(events).map((p): Side => ({ id: p.id, name: p.name }));
  const sellers = auctions(events).map((a): Side => ({ id: a.seller, name: undefined }));
  return registered
    .union(sellers)
    .keyBy((s) => s.id)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate<Seen, Seen, Q8Row>(personsWithAuctions, (id, ctx, [seen], out) => {
      if (!seen!.auction) return;
      for (const name of seen!.names) out.collect({ id, name, starttime: ctx.window().start });
    })
    .uid('q8-join')
    .name('Q8 Window Join');
}
