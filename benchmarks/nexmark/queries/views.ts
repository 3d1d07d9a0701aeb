/**
 * The three views of Nexmark's SQL setup (`ddl_views.sql`): the persons, auctions and bids of the
 * event stream. Records keep their event timestamps (the events' `dateTime`).
 */
import type { DataStream } from '../../../src/index.ts';
import type { Auction, Bid, NexmarkEvent, Person } from '../../../src/nexmark/index.ts';

export function persons(events: DataStream<NexmarkEvent>): DataStream<Person> {
  return events.filter((e) => e.event_type === 0).map((e) => e.person!).name('Persons');
}

export function auctions(events: DataStream<NexmarkEvent>): DataStream<Auction> {
  return events.filter((e) => e.event_type === 1).map((e) => e.auction!).name('Auctions');
}

export function bids(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return events.filter((e) => e.event_type === 2).map((e) => e.bid!).name('Bids');
}
