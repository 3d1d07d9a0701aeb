import {
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  lastBase0AuctionId,
  lastBase0PersonId,
  nexmarkConfig,
  timestampForEvent,
  type NexmarkConfig,
  type NexmarkOptions,
} from './config.ts';
import type { Auction, Bid, NexmarkEvent, Person } from './model.ts';
import { SeededRandom } from './random.ts';
import { StringsGenerator } from './strings.ts';

const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const CARD_GROUPS = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const NUM_CHANNELS = 10_000;
const NUM_CATEGORIES = 5;
/** Ids a little ahead of the last generated one may be picked (bids on auctions not yet seen). */
const ID_LEAD = 10;
/** Hot sellers, bidders and auctions are the first of each batch of this many ids. */
const HOT_BATCH = 100;

/**
 * Nexmark's event generator. Event number n is a person, an auction or a bid by its place in
 * the 1:3:46 cycle; its ids follow from n (persons and auctions are numbered from 1000 in
 * order), its time is `baseTime + n / eventsPerSecond`, and its other fields are drawn from a
 * PRNG seeded by (seed, n). So `event(n)` needs no earlier event, and the stream is the same for
 * a seed whichever way the numbers are split over parallel sources.
 *
 * Rules (from Nexmark's generator): 3 in 4 auctions are sold by the current hot seller, 1 in 2
 * bids go to the current hot auction, 3 in 4 are by the current hot bidder; the rest pick one of
 * the last 1000 people or 100 auctions (plus a few ids not yet generated). Prices are
 * `round(10^(6u) * 100)` (100 to 100,000,000, log-uniform); an auction lasts a random time averaging the span of
 * the next 100 auctions; half the bids come from one of 4 hot channels, the rest from one of
 * 10,000 channels, whose URLs mostly carry a `channel_id`.
 */
export class NexmarkGenerator {
  readonly config: NexmarkConfig;
  readonly #r = new SeededRandom();
  readonly #strings: StringsGenerator;
  readonly #hotUrls: string[];
  readonly #channelUrls: string[];

  constructor(options: NexmarkOptions = {}, shared?: NexmarkGenerator) {
    this.config = nexmarkConfig(options);
    if (shared !== undefined && shared.config.seed === this.config.seed) {
      this.#strings = shared.#strings;
      this.#hotUrls = shared.#hotUrls;
      this.#channelUrls = shared.#channelUrls;
      return;
    }
    this.#strings = new StringsGenerator(this.config.seed);
    const r = new SeededRandom();
    r.reseed(this.config.seed, -2);
    this.#hotUrls = HOT_CHANNELS.map(() => this.#baseUrl(r));
    this.#channelUrls = Array.from({ length: NUM_CHANNELS }, (_, i) => {
      const url = this.#baseUrl(r);
      return r.nextInt(10) > 0 ? `${url}&channel_id=${Math.abs(reverseBits32(i))}` : url;
    });
  }

  /** The same generator with another base time (cheap: the random text tables are shared). */
  withBaseTime(baseTime: number): NexmarkGenerator {
    return new NexmarkGenerator({ ...this.config, baseTime }, this);
  }

  /** Event number `n` (0-based). */
  event(n: number): NexmarkEvent {
    const c = this.config;
    const r = this.#r;
    r.reseed(c.seed, n);
    const ts = timestampForEvent(c, n);
    const rem = n % c.totalProportion;
    if (rem < c.personProportion) return { event_type: 0, person: this.#person(n, ts), auction: null, bid: null };
    if (rem < c.personProportion + c.auctionProportion) return { event_type: 1, person: null, auction: this.#auction(n, ts), bid: null };
    return { event_type: 2, person: null, auction: null, bid: this.#bid(n, ts) };
  }

  #person(n: number, ts: number): Person {
    const r = this.#r;
    const s = this.#strings;
    const name = `${pick(r, FIRST_NAMES)} ${pick(r, LAST_NAMES)}`;
    const emailAddress = `${s.nextString(r, 7)}@${s.nextString(r, 5)}.com`;
    const creditCard = `${pick(r, CARD_GROUPS)} ${pick(r, CARD_GROUPS)} ${pick(r, CARD_GROUPS)} ${pick(r, CARD_GROUPS)}`;
    const city = pick(r, US_CITIES);
    const state = pick(r, US_STATES);
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = s.nextExtra(r, size, this.config.avgPersonByteSize);
    return { id: lastBase0PersonId(this.config, n) + FIRST_PERSON_ID, name, emailAddress, creditCard, city, state, dateTime: ts, extra };
  }

  #auction(n: number, ts: number): Auction {
    const c = this.config;
    const r = this.#r;
    const s = this.#strings;
    const seller =
      (r.nextInt(c.hotSellersRatio) > 0 ? Math.floor(lastBase0PersonId(c, n) / HOT_BATCH) * HOT_BATCH : this.#randomPerson(n)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES);
    const initialBid = nextPrice(r);
    const expires = ts + this.#auctionLength(n, ts);
    const itemName = s.nextString(r, 20);
    const description = s.nextString(r, 100);
    const reserve = initialBid + nextPrice(r);
    const extra = s.nextExtra(r, 8 + itemName.length + description.length + 40, c.avgAuctionByteSize);
    const id = lastBase0AuctionId(c, n) + FIRST_AUCTION_ID;
    return { id, itemName, description, initialBid, reserve, dateTime: ts, expires, seller, category, extra };
  }

  #bid(n: number, ts: number): Bid {
    const c = this.config;
    const r = this.#r;
    const auction =
      (r.nextInt(c.hotAuctionRatio) > 0 ? Math.floor(lastBase0AuctionId(c, n) / HOT_BATCH) * HOT_BATCH : this.#randomAuction(n)) + FIRST_AUCTION_ID;
    // The second person of the batch, so that hot bidders and hot sellers differ.
    const bidder =
      (r.nextInt(c.hotBiddersRatio) > 0 ? Math.floor(lastBase0PersonId(c, n) / HOT_BATCH) * HOT_BATCH + 1 : this.#randomPerson(n)) + FIRST_PERSON_ID;
    const price = nextPrice(r);
    let channel: string;
    let url: string;
    if (r.nextInt(2) > 0) {
      const i = r.nextInt(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = this.#hotUrls[i]!;
    } else {
      const i = r.nextInt(NUM_CHANNELS);
      channel = `channel-${i}`;
      url = this.#channelUrls[i]!;
    }
    const extra = this.#strings.nextExtra(r, 32, c.avgBidByteSize);
    return { auction, bidder, price, channel, url, dateTime: ts, extra };
  }

  /** One of the active people (the last `numActivePeople`), or a few not generated yet. */
  #randomPerson(n: number): number {
    const people = lastBase0PersonId(this.config, n) + 1;
    const active = Math.min(people, this.config.numActivePeople);
    return people - active + this.#r.nextInt(active + ID_LEAD);
  }

  /** One of the auctions likely still open, or a few not generated yet. */
  #randomAuction(n: number): number {
    const max = lastBase0AuctionId(this.config, n);
    const min = Math.max(max - this.config.numInFlightAuctions, 0);
    return min + this.#r.nextInt(max - min + 1 + ID_LEAD);
  }

  /** A random length averaging the time until `numInFlightAuctions` more auctions exist. */
  #auctionLength(n: number, ts: number): number {
    const c = this.config;
    const eventsForAuctions = Math.floor((c.numInFlightAuctions * c.totalProportion) / c.auctionProportion);
    const horizon = timestampForEvent(c, n + eventsForAuctions) - ts;
    return 1 + this.#r.nextInt(Math.max(horizon * 2, 1));
  }

  #baseUrl(r: SeededRandom): string {
    const s = this.#strings;
    return `https://www.nexmark.com/${s.nextString(r, 5, '_')}/${s.nextString(r, 5, '_')}/${s.nextString(r, 5, '_')}/item.htm?query=1`;
  }
}

function pick<T>(r: SeededRandom, xs: readonly T[]): T {
  return xs[r.nextInt(xs.length)]!;
}

/** A price: 10^(6u) * 100, rounded (1 to 100,000,000 in a log-uniform spread). */
function nextPrice(r: SeededRandom): number {
  return Math.round(Math.pow(10, r.nextDouble() * 6) * 100);
}

/** Java's Integer.reverse: the 32 bits of `i` in reverse order, as a signed integer. */
function reverseBits32(i: number): number {
  let x = i >>> 0;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) | 0;
}
