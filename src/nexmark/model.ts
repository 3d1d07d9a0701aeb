/**
 * Nexmark's event model: an online auction where people register, open auctions and bid.
 * Times (`dateTime`, `expires`) are milliseconds since the epoch in memory; the Kafka rows carry
 * them as SQL timestamps (see `json-format.ts`).
 */

/** A new person (seller or bidder). */
export interface Person {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  extra: string;
}

/** A new auction, open from `dateTime` until `expires`. */
export interface Auction {
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}

/** A bid on an auction. */
export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  extra: string;
}

/** `event_type` of a person, an auction and a bid (Nexmark's Kafka rows). */
export const EventType = { PERSON: 0, AUCTION: 1, BID: 2 } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** One Nexmark event: exactly one of `person`, `auction`, `bid` is set, as `event_type` says. */
export type NexmarkEvent =
  | { event_type: 0; person: Person; auction: null; bid: null }
  | { event_type: 1; person: null; auction: Auction; bid: null }
  | { event_type: 2; person: null; auction: null; bid: Bid };

/** The event time of an event: the `dateTime` of whichever entity it carries. */
export function eventTime(e: NexmarkEvent): number {
  return e.event_type === 2 ? e.bid.dateTime : e.event_type === 1 ? e.auction.dateTime : e.person.dateTime;
}
