import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_BASE_TIME,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  NexmarkFormatError,
  NexmarkGenerator,
  eventTime,
  fromKafkaJson,
  nexmarkConfig,
  parseSqlTimestamp,
  toKafkaJson,
  type NexmarkEvent,
} from '../../src/nexmark/index.ts';

const N = 50_000;
const gen = new NexmarkGenerator({ seed: 7 });
const events: NexmarkEvent[] = Array.from({ length: N }, (_, i) => gen.event(i));
const persons = events.flatMap((e) => (e.person ? [e.person] : []));
const auctions = events.flatMap((e) => (e.auction ? [e.auction] : []));
const bids = events.flatMap((e) => (e.bid ? [e.bid] : []));

describe('Nexmark generator', () => {
  test('the same seed gives the same events, in any order of generation; another seed other events', () => {
    const again = new NexmarkGenerator({ seed: 7 });
    for (const n of [49_999, 0, 12_345, 3, 777]) assert.deepEqual(again.event(n), events[n]);
    const other = new NexmarkGenerator({ seed: 8 });
    const differing = [10, 11, 12, 13, 14].filter((n) => JSON.stringify(other.event(n)) !== JSON.stringify(events[n]));
    assert.equal(differing.length, 5);
  });

  test('1 person, 3 auctions and 46 bids in every 50 events', () => {
    for (let epoch = 0; epoch < N / 50; epoch += 97) {
      const types = events.slice(epoch * 50, epoch * 50 + 50).map((e) => e.event_type);
      assert.deepEqual(types, [0, 1, 1, 1, ...Array(46).fill(2)]);
    }
    assert.deepEqual([persons.length, auctions.length, bids.length], [N / 50, (3 * N) / 50, (46 * N) / 50]);
  });

  test('person and auction ids count up from 1000', () => {
    assert.equal(FIRST_PERSON_ID, 1000);
    assert.equal(FIRST_AUCTION_ID, 1000);
    assert.deepEqual(
      persons.map((p) => p.id),
      persons.map((_, i) => 1000 + i),
    );
    assert.deepEqual(
      auctions.map((a) => a.id),
      auctions.map((_, i) => 1000 + i),
    );
  });

  test('event n happens n / eventsPerSecond after the base time; auctions expire after they open', () => {
    assert.equal(eventTime(events[0]!), DEFAULT_BASE_TIME);
    assert.equal(eventTime(events[12_345]!), DEFAULT_BASE_TIME + 1234); // 10,000 events per second
    const slow = new NexmarkGenerator({ eventsPerSecond: 3, baseTime: 1_000_000 });
    assert.equal(eventTime(slow.event(10)), 1_000_000 + 3333);
    for (const a of auctions) assert.ok(a.expires > a.dateTime);
  });

  test('sellers, bidders and auctions of bids refer to ids generated before or a few ahead', () => {
    let lastPerson = -1;
    let lastAuction = -1;
    for (const e of events) {
      if (e.person) lastPerson = e.person.id;
      if (e.auction) {
        lastAuction = e.auction.id;
        assert.ok(e.auction.seller >= FIRST_PERSON_ID && e.auction.seller <= lastPerson + 10, `seller ${e.auction.seller}`);
      }
      if (e.bid) {
        assert.ok(e.bid.bidder >= FIRST_PERSON_ID && e.bid.bidder <= lastPerson + 10, `bidder ${e.bid.bidder}`);
        assert.ok(e.bid.auction >= FIRST_AUCTION_ID && e.bid.auction <= lastAuction + 10, `auction ${e.bid.auction}`);
      }
    }
  });

  test('hot auctions, bidders, sellers and channels take their share', () => {
    const share = (xs: unknown[], pred: (x: never) => boolean): number => xs.filter((x) => pred(x as never)).length / xs.length;
    // Hot ids are the first of a batch of 100 (the second for bidders): 1 in 2 bids, 3 in 4 bidders and sellers.
    assert.ok(Math.abs(share(bids, (b: { auction: number }) => (b.auction - 1000) % 100 === 0) - 0.5) < 0.02);
    assert.ok(Math.abs(share(bids, (b: { bidder: number }) => (b.bidder - 1000) % 100 === 1) - 0.75) < 0.02);
    assert.ok(Math.abs(share(auctions, (a: { seller: number }) => (a.seller - 1000) % 100 === 0) - 0.75) < 0.03);
    assert.ok(Math.abs(share(bids, (b: { channel: string }) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)) - 0.5) < 0.02);
    const other = bids.filter((b) => b.channel.startsWith('channel-'));
    assert.ok(other.every((b) => /^channel-\d{1,4}$/.test(b.channel) && b.url.startsWith('https://www.nexmark.com/')));
    assert.ok(Math.abs(share(other, (b: { url: string }) => b.url.includes('&channel_id=')) - 0.9) < 0.03);
  });

  test('prices, categories, states and sizes follow the rules', () => {
    for (const b of bids) assert.ok(Number.isInteger(b.price) && b.price >= 100 && b.price <= 100_000_000);
    for (const a of auctions) {
      assert.ok(a.category >= 10 && a.category <= 14);
      assert.ok(a.reserve >= a.initialBid);
    }
    assert.deepEqual(new Set(persons.map((p) => p.state)), new Set(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']));
    for (const p of persons) assert.match(p.creditCard, /^\d{4} \d{4} \d{4} \d{4}$/);
    // Prices are log-uniform: about a third below 10,000, a third above 1,000,000.
    assert.ok(Math.abs(bids.filter((b) => b.price < 10_000).length / bids.length - 1 / 3) < 0.02);
    // `extra` pads a bid to 100 bytes on average (32 bytes of numbers, 68 of padding ± 20%).
    const avgExtra = bids.reduce((s, b) => s + b.extra.length, 0) / bids.length;
    assert.ok(Math.abs(avgExtra - 68) < 2, `average bid extra ${avgExtra}`);
  });

  test('withBaseTime shifts event time only', () => {
    const shifted = gen.withBaseTime(DEFAULT_BASE_TIME + 60_000);
    const fresh = new NexmarkGenerator({ seed: 7, baseTime: DEFAULT_BASE_TIME + 60_000 });
    for (const n of [0, 1, 4, 9_999]) {
      assert.deepEqual(shifted.event(n), fresh.event(n));
      assert.equal(eventTime(shifted.event(n)), eventTime(events[n]!) + 60_000);
    }
  });

  test('bad options are refused with the option named', () => {
    assert.throws(() => nexmarkConfig({ eventsPerSecond: 0 }), /eventsPerSecond/);
    assert.throws(() => nexmarkConfig({ bidProportion: 1.5 }), /bidProportion/);
    assert.throws(() => nexmarkConfig({ seed: Number.NaN }), /seed/);
  });
});

describe("Nexmark's Kafka JSON rows", () => {
  test('every kind of event survives the round trip', () => {
    for (const e of events.slice(0, 60)) assert.deepEqual(fromKafkaJson(Buffer.from(toKafkaJson(e))), e);
  });

  test('rows have the shape of Nexmark\'s DDL, times as SQL timestamps', () => {
    const row = JSON.parse(toKafkaJson(events[4]!)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(row), ['event_type', 'person', 'auction', 'bid']);
    assert.equal(row.event_type, 2);
    assert.equal(row.person, null);
    assert.deepEqual(Object.keys(row.bid as object), ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra']);
    assert.equal((row.bid as { dateTime: string }).dateTime, '2015-07-15 00:00:00.000');
    const auction = JSON.parse(toKafkaJson(events[1]!)) as { auction: Record<string, unknown> };
    assert.deepEqual(Object.keys(auction.auction), ['id', 'itemName', 'description', 'initialBid', 'reserve', 'dateTime', 'expires', 'seller', 'category', 'extra']);
  });

  test('timestamps: SQL and ISO forms, fractions, epoch numbers', () => {
    assert.equal(parseSqlTimestamp('2015-07-15 00:00:01.5'), DEFAULT_BASE_TIME + 1500);
    assert.equal(parseSqlTimestamp('2015-07-15T00:00:01.123456Z'), DEFAULT_BASE_TIME + 1123);
    assert.equal(parseSqlTimestamp('2015-07-15 00:00:02'), DEFAULT_BASE_TIME + 2000);
    assert.equal(parseSqlTimestamp(42), 42);
  });

  test('what is not a Nexmark row fails with SLUICE_NEXMARK_FORMAT', () => {
    for (const bad of ['not json', '{"event_type":5}', '{"event_type":2,"bid":null}', '{"event_type":0,"person":{"dateTime":"yesterday"}}', '7']) {
      assert.throws(() => fromKafkaJson(bad), (e: unknown) => e instanceof NexmarkFormatError && e.code === 'SLUICE_NEXMARK_FORMAT', bad);
    }
  });
});
