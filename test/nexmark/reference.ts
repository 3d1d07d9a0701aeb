/**
 * Reference results of the Nexmark queries, computed from the SQL definitions with plain loops
 * over the generated events — independent of the engine and of the query files. Each returns
 * the rows the query must produce (for updating queries: the final row of each key).
 */
import type { Auction, Bid, NexmarkEvent, Person } from '../../src/nexmark/index.ts';

export interface Split {
  persons: Person[];
  auctions: Auction[];
  bids: Bid[];
}

export function split(events: NexmarkEvent[]): Split {
  const s: Split = { persons: [], auctions: [], bids: [] };
  for (const e of events) {
    if (e.person) s.persons.push(e.person);
    if (e.auction) s.auctions.push(e.auction);
    if (e.bid) s.bids.push(e.bid);
  }
  return s;
}

const TEN_SECONDS = 10_000;
const windowStart = (ts: number, size: number): number => ts - (((ts % size) + size) % size);
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const rankOf = (price: number): number => (price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3);
/** SQL's ORDER BY price DESC, dateTime ASC, completed (bidder, extra) to a total order. */
const byPriceDesc = (a: Bid, b: Bid): number =>
  b.price - a.price || a.dateTime - b.dateTime || a.bidder - b.bidder || (a.extra < b.extra ? -1 : a.extra > b.extra ? 1 : 0);

function groupBy<T, K>(xs: Iterable<T>, key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export const q0 = (d: Split) => d.bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }));

export const q1 = (d: Split) => d.bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra }));

export const q2 = (d: Split) => d.bids.filter((b) => b.auction % 123 === 0).map((b) => ({ auction: b.auction, price: b.price }));

export function q3(d: Split) {
  const rows = [];
  for (const a of d.auctions) {
    if (a.category !== 10) continue;
    for (const p of d.persons) {
      if (p.id === a.seller && (p.state === 'OR' || p.state === 'ID' || p.state === 'CA')) rows.push({ name: p.name, city: p.city, state: p.state, id: a.id });
    }
  }
  return rows;
}

/** Bids of each auction within its lifetime (the join of q4 and q9). */
function bidsInLifetime(d: Split): Array<{ a: Auction; bs: Bid[] }> {
  const byAuction = groupBy(d.bids, (b) => b.auction);
  return d.auctions
    .map((a) => ({ a, bs: (byAuction.get(a.id) ?? []).filter((b) => b.dateTime >= a.dateTime && b.dateTime <= a.expires) }))
    .filter((x) => x.bs.length > 0);
}

export function q4(d: Split) {
  const finals = bidsInLifetime(d).map(({ a, bs }) => ({ category: a.category, final: Math.max(...bs.map((b) => b.price)) }));
  return [...groupBy(finals, (f) => f.category)].map(([category, fs]) => ({
    category,
    avgPrice: Math.trunc(fs.reduce((s, f) => s + f.final, 0) / fs.length),
  }));
}

export function q5(d: Split) {
  const counts = new Map<number, Map<number, number>>(); // window start -> auction -> count
  for (const b of d.bids) {
    for (let s = windowStart(b.dateTime, 2000); s > b.dateTime - TEN_SECONDS; s -= 2000) {
      let w = counts.get(s);
      if (!w) counts.set(s, (w = new Map()));
      w.set(b.auction, (w.get(b.auction) ?? 0) + 1);
    }
  }
  const rows = [];
  for (const [start, w] of counts) {
    const max = Math.max(...w.values());
    for (const [auction, num] of w) if (num === max) rows.push({ auction, num, starttime: start, endtime: start + TEN_SECONDS });
  }
  return rows;
}

export function q7(d: Split) {
  const rows = [];
  for (const [, bs] of groupBy(d.bids, (b) => windowStart(b.dateTime, TEN_SECONDS))) {
    const max = Math.max(...bs.map((b) => b.price));
    for (const b of bs) if (b.price === max) rows.push({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra });
  }
  return rows;
}

export function q8(d: Split) {
  const sellers = new Set(d.auctions.map((a) => `${a.seller}@${windowStart(a.dateTime, TEN_SECONDS)}`));
  const people = new Map<string, { id: number; name: string; starttime: number }>();
  for (const p of d.persons) {
    const starttime = windowStart(p.dateTime, TEN_SECONDS);
    people.set(`${p.id}|${p.name}|${starttime}`, { id: p.id, name: p.name, starttime });
  }
  return [...people.values()].filter((p) => sellers.has(`${p.id}@${p.starttime}`));
}

export function q9(d: Split) {
  return bidsInLifetime(d).map(({ a, bs }) => {
    const b = [...bs].sort(byPriceDesc)[0]!;
    return { ...a, auction: b.auction, bidder: b.bidder, price: b.price, bid_dateTime: b.dateTime, bid_extra: b.extra };
  });
}

export function q11(d: Split) {
  const rows = [];
  for (const [bidder, bs] of groupBy(d.bids, (b) => b.bidder)) {
    const times = bs.map((b) => b.dateTime).sort((x, y) => x - y);
    let start = times[0]!;
    let last = start;
    let count = 0;
    for (const t of times) {
      // Session windows [t, t + gap) merge when they touch or overlap.
      if (t - last > TEN_SECONDS) {
        rows.push({ bidder, bid_count: count, starttime: start, endtime: last + TEN_SECONDS });
        start = t;
        count = 0;
      }
      last = t;
      count++;
    }
    rows.push({ bidder, bid_count: count, starttime: start, endtime: last + TEN_SECONDS });
  }
  return rows;
}

/** q12 with bid i of the stream processed at processing time `procTimeOf(bid index in events)`. */
export function q12(events: NexmarkEvent[], procTimeOf: (eventIndex: number) => number) {
  const counts = new Map<string, { bidder: number; bid_count: number; starttime: number; endtime: number }>();
  events.forEach((e, i) => {
    if (!e.bid) return;
    const starttime = windowStart(procTimeOf(i), TEN_SECONDS);
    const k = `${e.bid.bidder}@${starttime}`;
    const row = counts.get(k) ?? { bidder: e.bid.bidder, bid_count: 0, starttime, endtime: starttime + TEN_SECONDS };
    row.bid_count++;
    counts.set(k, row);
  });
  return [...counts.values()];
}

export const q13 = (d: Split) => d.bids.map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, value: String(b.auction % 10_000) }));

export function q14(d: Split) {
  return d.bids
    .filter((b) => 0.908 * b.price > 1_000_000 && 0.908 * b.price < 50_000_000)
    .map((b) => {
      const hour = new Date(b.dateTime).getUTCHours();
      return {
        auction: b.auction,
        bidder: b.bidder,
        price: (b.price * 908) / 1000,
        bidTimeType: hour >= 8 && hour <= 18 ? 'dayTime' : hour <= 6 || hour >= 20 ? 'nightTime' : 'otherTime',
        dateTime: b.dateTime,
        extra: b.extra,
        c_counts: b.extra.split('c').length - 1,
      };
    });
}

export function q16(d: Split) {
  return [...groupBy(d.bids, (b) => `${b.channel}|${utcDay(b.dateTime)}`)].map(([, bs]) => {
    const inRank = (r: number) => bs.filter((b) => rankOf(b.price) === r);
    const distinct = (xs: Bid[], f: (b: Bid) => number) => new Set(xs.map(f)).size;
    return {
      channel: bs[0]!.channel,
      day: utcDay(bs[0]!.dateTime),
      minute: bs.map((b) => new Date(b.dateTime).toISOString().slice(11, 16)).sort().at(-1)!,
      total_bids: bs.length,
      rank1_bids: inRank(1).length,
      rank2_bids: inRank(2).length,
      rank3_bids: inRank(3).length,
      total_bidders: distinct(bs, (b) => b.bidder),
      rank1_bidders: distinct(inRank(1), (b) => b.bidder),
      rank2_bidders: distinct(inRank(2), (b) => b.bidder),
      rank3_bidders: distinct(inRank(3), (b) => b.bidder),
      total_auctions: distinct(bs, (b) => b.auction),
      rank1_auctions: distinct(inRank(1), (b) => b.auction),
      rank2_auctions: distinct(inRank(2), (b) => b.auction),
      rank3_auctions: distinct(inRank(3), (b) => b.auction),
    };
  });
}

export function q17(d: Split) {
  return [...groupBy(d.bids, (b) => `${b.auction}|${utcDay(b.dateTime)}`)].map(([, bs]) => {
    const prices = bs.map((b) => b.price);
    const sum = prices.reduce((s, p) => s + p, 0);
    return {
      auction: bs[0]!.auction,
      day: utcDay(bs[0]!.dateTime),
      total_bids: bs.length,
      rank1_bids: prices.filter((p) => rankOf(p) === 1).length,
      rank2_bids: prices.filter((p) => rankOf(p) === 2).length,
      rank3_bids: prices.filter((p) => rankOf(p) === 3).length,
      min_price: Math.min(...prices),
      max_price: Math.max(...prices),
      sum_price: sum,
      avg_price: Math.trunc(sum / bs.length),
    };
  });
}

export function q18(d: Split) {
  // Latest dateTime; within one millisecond, the highest price, then the smallest extra.
  return [...groupBy(d.bids, (b) => `${b.bidder}|${b.auction}`)].map(([, bs]) => [...bs].sort((a, b) => b.dateTime - a.dateTime || byPriceDesc(a, b))[0]!);
}

export function q19(d: Split) {
  const rows = [];
  for (const [, bs] of groupBy(d.bids, (b) => b.auction)) {
    const top = [...bs].sort(byPriceDesc).slice(0, 10);
    rows.push(...top.map((b, i) => ({ ...b, rank_number: i + 1 })));
  }
  return rows;
}

export function q20(d: Split) {
  const byId = groupBy(
    d.auctions.filter((a) => a.category === 10),
    (a) => a.id,
  );
  return d.bids.flatMap((b) =>
    (byId.get(b.auction) ?? []).map((a) => ({
      auction: b.auction,
      bidder: b.bidder,
      price: b.price,
      channel: b.channel,
      url: b.url,
      bid_dateTime: b.dateTime,
      bid_extra: b.extra,
      itemName: a.itemName,
      description: a.description,
      initialBid: a.initialBid,
      reserve: a.reserve,
      auction_dateTime: a.dateTime,
      expires: a.expires,
      seller: a.seller,
      category: a.category,
      auction_extra: a.extra,
    })),
  );
}

export function q21(d: Split) {
  const known: Record<string, string> = { apple: '0', google: '1', facebook: '2', baidu: '3' };
  return d.bids.flatMap((b) => {
    const fromUrl = /(&|^)channel_id=([^&]*)/.exec(b.url)?.[2];
    const id = known[b.channel.toLowerCase()] ?? fromUrl;
    return id === undefined ? [] : [{ auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, channel_id: id }];
  });
}

export const q22 = (d: Split) =>
  d.bids.map((b) => {
    const parts = b.url.split('/');
    return { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, dir1: parts[3] ?? null, dir2: parts[4] ?? null, dir3: parts[5] ?? null };
  });
