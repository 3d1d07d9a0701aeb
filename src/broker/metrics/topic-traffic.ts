import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/produce.ts';
import type { FetchResponse } from '../../protocol/messages/fetch.ts';

/** Offset of `batchLength` and of `recordsCount` in a v2 record batch (Kafka's DefaultRecordBatch). */
const BATCH_LENGTH_OFFSET = 8;
const RECORDS_COUNT_OFFSET = 57;
const BATCH_OVERHEAD = 12;

/** Records in a record set, from each batch header (no decompression). */
export function recordsIn(records: Buffer): number {
  let n = 0;
  let at = 0;
  while (at + RECORDS_COUNT_OFFSET + 4 <= records.length) {
    const length = records.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (length <= 0) break; // not a batch (a hostile acks=0 produce is not validated before this)
    n += Math.max(0, records.readInt32BE(at + RECORDS_COUNT_OFFSET));
    at += BATCH_OVERHEAD + length;
  }
  return n;
}

/** Per-topic totals of Kafka's BrokerTopicMetrics (BytesInPerSec, MessagesInPerSec, BytesOutPerSec). */
export interface TopicTraffic {
  bytesIn: number;
  messagesIn: number;
  bytesOut: number;
}

/** Record bytes and messages per topic, from produce requests appended and fetch responses sent. */
export class TopicTrafficTable {
  readonly topics = new Map<string, TopicTraffic>();

  #of(topic: string): TopicTraffic {
    let t = this.topics.get(topic);
    if (t === undefined) this.topics.set(topic, (t = { bytesIn: 0, messagesIn: 0, bytesOut: 0 }));
    return t;
  }

  /** Counts the partitions of a produce request that were appended (error NONE). */
  produced(req: ProduceRequest, res: ProduceResponse | null): void {
    const ok = new Set<string>();
    if (res !== null) {
      for (const t of res.responses) for (const p of t.partitionResponses) if (p.errorCode === 0) ok.add(`${t.name}\u0000${p.index}`);
    }
    for (const t of req.topicData) {
      for (const p of t.partitionData) {
        if (p.records === null || (res !== null && !ok.has(`${t.name}\u0000${p.index}`))) continue;
        const traffic = this.#of(t.name);
        traffic.bytesIn += p.records.length;
        traffic.messagesIn += recordsIn(p.records);
      }
    }
  }

  /** Counts the record bytes of a fetch response; `nameOf` resolves topic ids (Fetch v13+). */
  fetched(res: FetchResponse, nameOf: (topicId: string) => string | undefined): void {
    for (const t of res.responses) {
      const name = t.topic || nameOf(t.topicId);
      if (name === undefined) continue;
      let bytes = 0;
      for (const p of t.partitions) {
        const r = p.records as unknown as Buffer | { deferredLength: number } | null;
        if (r !== null) bytes += Buffer.isBuffer(r) ? r.length : r.deferredLength;
      }
      if (bytes > 0) this.#of(name).bytesOut += bytes;
    }
  }

  /** A deleted topic's figures go with it. */
  forget(topic: string): void {
    this.topics.delete(topic);
  }
}
