import { dropAbortedBatches } from '../../kafka/aborted-filter.ts';
import { badRequest, KafkaUnavailableError, notFound } from '../errors.ts';
import type { BytesConsumer, DashboardClients } from './clients.ts';
import { EARLIEST, LATEST } from './offsets.ts';

/** Most records one page returns, and most bytes shown of one key, value or header. */
export const MAX_PAGE_RECORDS = 500;
export const MAX_SHOWN_BYTES = 16 * 1024;
const FETCH_BYTES = 1 << 20;
const MAX_FETCHES = 8;
/** Record batch attribute bits. */
const CONTROL = 1 << 5;
const LOG_APPEND_TIME = 1 << 3;

/** Bytes as the browser shows them: base64 always, text when they are valid UTF-8. */
export interface ShownBytes {
  size: number;
  base64: string;
  text?: string;
  /** Only the first MAX_SHOWN_BYTES are included. */
  truncated?: boolean;
}

export interface BrowsedRecord {
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: ShownBytes | null;
  value: ShownBytes | null;
  headers: Array<{ key: string; value: ShownBytes | null }>;
}

export interface MessagePage {
  topic: string;
  partition: number;
  isolation: 'read_uncommitted' | 'read_committed';
  /** The offset reading started at (after clamping to the log). */
  startOffset: number;
  /** Where the next page starts. */
  nextOffset: number;
  earliest: number;
  latest: number;
  lastStable: number;
  records: BrowsedRecord[];
}

export interface BrowseOptions {
  /** First offset to show; default: the last `limit` records. */
  offset?: number;
  limit?: number;
  isolation?: 'read_uncommitted' | 'read_committed';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function show(bytes: Buffer | null | undefined): ShownBytes | null {
  if (bytes === null || bytes === undefined) return null;
  const part = bytes.length > MAX_SHOWN_BYTES ? bytes.subarray(0, MAX_SHOWN_BYTES) : bytes;
  const out: ShownBytes = { size: bytes.length, base64: part.toString('base64') };
  try {
    out.text = utf8.decode(part);
  } catch {
    // not text: the page shows hex
  }
  if (part !== bytes) out.truncated = true;
  return out;
}

/**
 * Reads a range of one partition with Fetch requests at explicit offsets (no group is joined,
 * nothing is committed): records with offset, timestamp, key, value and headers. Transaction
 * markers are skipped; under read_committed, records of aborted transactions too.
 */
export async function browsePartition(clients: DashboardClients, topic: string, partition: number, options: BrowseOptions = {}): Promise<MessagePage> {
  const limit = options.limit ?? 50;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_RECORDS)) throw badRequest(`limit must be an integer from 1 to ${MAX_PAGE_RECORDS}, got ${options.limit}`);
  if (options.offset !== undefined && !(Number.isSafeInteger(options.offset) && options.offset >= 0)) throw badRequest(`offset must be a non-negative integer, got ${options.offset}`);
  const isolation = options.isolation ?? 'read_uncommitted';
  const isolationLevel = isolation === 'read_committed' ? 1 : 0;
  const consumer = await clients.consumer();
  const md = await clients.call('reading metadata', consumer.metadata({ topics: [topic], forceUpdate: true })).catch((err: unknown) => {
    throw /unknown topic/i.test(String((err as Error)?.message) + String((err as { errors?: unknown[] }).errors?.map(String))) ? notFound(`topic "${topic}"`) : err;
  });
  const t = md.topics.get(topic);
  if (t === undefined) throw notFound(`topic "${topic}"`);
  if (!(Number.isInteger(partition) && partition >= 0 && partition < t.partitionsCount)) throw notFound(`partition ${partition} of topic "${topic}"`);

  consumer.topics.track(topic);
  const at = async (timestamp: bigint, level: 0 | 1) =>
    Number((await clients.call('listing offsets', consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp, isolationLevel: level }))).get(topic)?.[partition] ?? 0n);
  const [earliest, latest, lastStable] = await Promise.all([at(EARLIEST, 0), at(LATEST, 0), at(LATEST, 1)]);
  const end = isolationLevel === 1 ? lastStable : latest;
  const start = Math.min(Math.max(options.offset ?? end - limit, earliest), end);

  const records: BrowsedRecord[] = [];
  let next = start;
  for (let i = 0; i < MAX_FETCHES && records.length < limit && next < end; i++) {
    const response = await clients.call('fetching records', fetchAt(consumer, t.id, t.partitions[partition]?.leader ?? -1, partition, next, isolationLevel));
    if (isolationLevel === 1) dropAbortedBatches(response);
    const p = response.responses[0]?.partitions.find((x) => x.partitionIndex === partition);
    if (p !== undefined && p.errorCode !== 0) {
      throw new KafkaUnavailableError(`fetching ${topic}-${partition} at offset ${next} failed with Kafka error code ${p.errorCode}; reload the page to retry`);
    }
    if (p === undefined || !p.records?.length) break;
    const before = next;
    for (const batch of p.records) {
      const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      if (batch.attributes & CONTROL) {
        next = Math.max(next, Number(last) + 1);
        continue;
      }
      for (const r of batch.records) {
        const offset = Number(batch.firstOffset + BigInt(r.offsetDelta));
        if (offset < next || records.length >= limit || offset >= end) continue;
        const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
        records.push({
          offset,
          timestamp: Number(logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta),
          timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
          key: show(r.key),
          value: show(r.value),
          headers: r.headers.map(([k, v]) => ({ key: k === null ? '' : k.toString('utf8'), value: show(v) })),
        });
        next = offset + 1;
      }
      // A batch entirely skipped (aborted, compacted away) still moves the position.
      if (records.length < limit) next = Math.max(next, Number(last) + 1);
    }
    if (next === before) break;
  }
  return { topic, partition, isolation, startOffset: start, nextOffset: Math.min(next, end), earliest, latest, lastStable, records };
}

function fetchAt(consumer: BytesConsumer, topicId: string, node: number, partition: number, offset: number, isolationLevel: 0 | 1) {
  return consumer.fetch({
    node,
    topics: [{ topicId, partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: FETCH_BYTES }] }],
    minBytes: 1,
    maxBytes: FETCH_BYTES,
    maxWaitTime: 100,
    isolationLevel,
  });
}
