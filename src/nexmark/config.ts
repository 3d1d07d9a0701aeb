/**
 * The generator's settings and the arithmetic that Nexmark derives from them: which event number
 * is a person, an auction or a bid, the last id of each before a given event, and each event's
 * timestamp. Defaults are Nexmark's (`NexmarkConfiguration`).
 */

/** Ids start here so that queries find matches even in small data sets. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;

/** 2015-07-15T00:00:00Z: the default base time, so that a seed alone fixes the data. */
export const DEFAULT_BASE_TIME = Date.UTC(2015, 6, 15);

export interface NexmarkOptions {
  /** Seed of the pseudo-random data (default 0). */
  seed?: number;
  /** Event time of event 0, in ms since the epoch (default 2015-07-15T00:00:00Z). */
  baseTime?: number;
  /** Events per second of event time: event n happens n / rate seconds after `baseTime` (default 10,000). */
  eventsPerSecond?: number;
  /** The event mix (default 1 : 3 : 46). */
  personProportion?: number;
  auctionProportion?: number;
  bidProportion?: number;
  /** Average sizes the `extra` fields pad events to (default 200, 500, 100 bytes). */
  avgPersonByteSize?: number;
  avgAuctionByteSize?: number;
  avgBidByteSize?: number;
  /** 1 in N auctions/bids picks a random seller, auction or bidder; the others a 'hot' one (defaults 4, 2, 4). */
  hotSellersRatio?: number;
  hotAuctionRatio?: number;
  hotBiddersRatio?: number;
  /** Auctions open at a time (sets auction lengths) and people who bid or sell (defaults 100, 1000). */
  numInFlightAuctions?: number;
  numActivePeople?: number;
}

export type NexmarkConfig = Readonly<Required<NexmarkOptions>> & {
  readonly totalProportion: number;
  /** Microseconds of event time between two events. */
  readonly interEventDelayUs: number;
};

const DEFAULTS: Required<NexmarkOptions> = {
  seed: 0,
  baseTime: DEFAULT_BASE_TIME,
  eventsPerSecond: 10_000,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotSellersRatio: 4,
  hotAuctionRatio: 2,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
};

/** Fills in the defaults and checks the options (a RangeError names the bad one). */
export function nexmarkConfig(options: NexmarkOptions = {}): NexmarkConfig {
  const o: Required<NexmarkOptions> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, number>)[k] = v as number;
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`nexmark: seed must be an integer, got ${o.seed}`);
  if (!Number.isSafeInteger(o.baseTime)) throw new RangeError(`nexmark: baseTime must be an integer number of ms, got ${o.baseTime}`);
  if (!(o.eventsPerSecond > 0 && Number.isFinite(o.eventsPerSecond))) throw new RangeError(`nexmark: eventsPerSecond must be > 0, got ${o.eventsPerSecond}`);
  for (const k of ['personProportion', 'auctionProportion', 'bidProportion', 'hotSellersRatio', 'hotAuctionRatio', 'hotBiddersRatio', 'numInFlightAuctions', 'numActivePeople'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new RangeError(`nexmark: ${k} must be an integer >= 1, got ${o[k]}`);
  }
  for (const k of ['avgPersonByteSize', 'avgAuctionByteSize', 'avgBidByteSize'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 0)) throw new RangeError(`nexmark: ${k} must be an integer >= 0, got ${o[k]}`);
  }
  return Object.freeze({
    ...o,
    totalProportion: o.personProportion + o.auctionProportion + o.bidProportion,
    interEventDelayUs: 1_000_000 / o.eventsPerSecond,
  });
}

/** The event time of event number `n`. */
export function timestampForEvent(c: NexmarkConfig, n: number): number {
  return c.baseTime + Math.floor(Math.floor(n * c.interEventDelayUs) / 1000);
}

/** The last person id (base 0) generated at or before event `n` (the current one if `n` is a person). */
export function lastBase0PersonId(c: NexmarkConfig, n: number): number {
  const epoch = Math.floor(n / c.totalProportion);
  let offset = n % c.totalProportion;
  if (offset >= c.personProportion) offset = c.personProportion - 1;
  return epoch * c.personProportion + offset;
}

/** The last auction id (base 0) generated at or before event `n` (-1 before the first auction). */
export function lastBase0AuctionId(c: NexmarkConfig, n: number): number {
  let epoch = Math.floor(n / c.totalProportion);
  let offset = n % c.totalProportion;
  if (offset < c.personProportion) {
    epoch--;
    offset = c.auctionProportion - 1;
  } else if (offset >= c.personProportion + c.auctionProportion) {
    offset = c.auctionProportion - 1;
  } else {
    offset -= c.personProportion;
  }
  return epoch * c.auctionProportion + offset;
}
