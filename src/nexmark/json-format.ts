import { SluiceError } from '../core/errors/sluice-error.ts';
import type { Auction, Bid, NexmarkEvent, Person } from './model.ts';
import { SluiceErrorCodes } from '../core/errors/codes.ts';

/**
 * Nexmark's Kafka format: one JSON object per record, `{event_type, person, auction, bid}`, the
 * unused entities `null`, times as SQL timestamps `yyyy-MM-dd HH:mm:ss.SSS` (UTC) — what Flink's
 * JSON format writes for Nexmark's `TIMESTAMP(3)` columns, so Flink's Nexmark DDL reads it.
 */

/** The JSON text of an event. */
export function toKafkaJson(e: NexmarkEvent): string {
  if (e.event_type === 2) {
    const b = e.bid;
    return `{"event_type":2,"person":null,"auction":null,"bid":{"auction":${b.auction},"bidder":${b.bidder},"price":${b.price},"channel":${JSON.stringify(b.channel)},"url":${JSON.stringify(b.url)},"dateTime":"${formatSqlTimestamp(b.dateTime)}","extra":${JSON.stringify(b.extra)}}}`;
  }
  if (e.event_type === 1) {
    const a = e.auction;
    return `{"event_type":1,"person":null,"auction":{"id":${a.id},"itemName":${JSON.stringify(a.itemName)},"description":${JSON.stringify(a.description)},"initialBid":${a.initialBid},"reserve":${a.reserve},"dateTime":"${formatSqlTimestamp(a.dateTime)}","expires":"${formatSqlTimestamp(a.expires)}","seller":${a.seller},"category":${a.category},"extra":${JSON.stringify(a.extra)}},"bid":null}`;
  }
  const p = e.person;
  return `{"event_type":0,"person":{"id":${p.id},"name":${JSON.stringify(p.name)},"emailAddress":${JSON.stringify(p.emailAddress)},"creditCard":${JSON.stringify(p.creditCard)},"city":${JSON.stringify(p.city)},"state":${JSON.stringify(p.state)},"dateTime":"${formatSqlTimestamp(p.dateTime)}","extra":${JSON.stringify(p.extra)}},"auction":null,"bid":null}`;
}

/** Thrown for a record that is not a Nexmark event. */
export class NexmarkFormatError extends SluiceError {
  constructor(message: string) {
    super(SluiceErrorCodes.NEXMARK_FORMAT, `${message}: expected Nexmark's JSON row {event_type, person, auction, bid} (write one with \`sluice nexmark generate\`)`);
  }
}

/** Parses the JSON text (or UTF-8 bytes) of an event; times become ms since the epoch. */
export function fromKafkaJson(text: string | Uint8Array): NexmarkEvent {
  let o: { event_type?: unknown; person?: Record<string, unknown> | null; auction?: Record<string, unknown> | null; bid?: Record<string, unknown> | null };
  try {
    o = JSON.parse(typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString());
  } catch (e) {
    throw new NexmarkFormatError(`not JSON (${(e as Error).message})`);
  }
  if (o === null || typeof o !== 'object') throw new NexmarkFormatError('not a JSON object');
  switch (o.event_type) {
    case 2: {
      const b = entity(o.bid, 'bid') as unknown as Bid;
      b.dateTime = parseSqlTimestamp(b.dateTime as unknown);
      return { event_type: 2, person: null, auction: null, bid: b };
    }
    case 1: {
      const a = entity(o.auction, 'auction') as unknown as Auction;
      a.dateTime = parseSqlTimestamp(a.dateTime as unknown);
      a.expires = parseSqlTimestamp(a.expires as unknown);
      return { event_type: 1, person: null, auction: a, bid: null };
    }
    case 0: {
      const p = entity(o.person, 'person') as unknown as Person;
      p.dateTime = parseSqlTimestamp(p.dateTime as unknown);
      return { event_type: 0, person: p, auction: null, bid: null };
    }
    default:
      throw new NexmarkFormatError(`event_type ${JSON.stringify(o.event_type)} is not 0, 1 or 2`);
  }
}

function entity(v: Record<string, unknown> | null | undefined, name: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object') throw new NexmarkFormatError(`"${name}" is missing`);
  return v;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC. */
export function formatSqlTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Consecutive events share their second: format the date part once per second.
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.`;
    cachedSecond = second;
  }
  return cachedPrefix + pad3(ms - second * 1000);
}

/**
 * Parses `yyyy-MM-dd HH:mm:ss[.fraction]` (a space or `T`, an optional `Z`) as UTC; numbers
 * (epoch ms) pass through.
 */
export function parseSqlTimestamp(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') throw new NexmarkFormatError(`timestamp ${JSON.stringify(v)} is not a string`);
  const s = v;
  if (s.length >= 19 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    const year = digits(s, 0, 4);
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    const hour = digits(s, 11, 2);
    const minute = digits(s, 14, 2);
    const second = digits(s, 17, 2);
    let ms = 0;
    let end = 19;
    if (s.charCodeAt(19) === 46) {
      // Fraction: keep milliseconds, ignore finer digits.
      let scale = 100;
      for (end = 20; end < s.length; end++) {
        const c = s.charCodeAt(end) - 48;
        if (c < 0 || c > 9) break;
        ms += c * scale;
        scale /= 10;
      }
      ms = Math.floor(ms);
    }
    if (end === s.length || (end === s.length - 1 && s[end] === 'Z')) {
      const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
      if (!Number.isNaN(t)) return t;
    }
  }
  throw new NexmarkFormatError(`timestamp ${JSON.stringify(s)} is not yyyy-MM-dd HH:mm:ss.SSS`);
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}
