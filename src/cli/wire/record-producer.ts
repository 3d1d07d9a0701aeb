import { ApiKey } from '../../protocol/api-keys.ts';
import { buildBatch } from '../../protocol/records/record-batch.ts';
import { murmur2 } from '../../util/murmur2.ts';
import type { ClusterClient, TopicMetadata } from './cluster-client.ts';
import { partitionsByLeader } from './topic-admin.ts';
import { BrokerRequestError } from './wire-errors.ts';

/** One record to send: a partition, or the key (murmur2, as the Java client), or round-robin. */
export interface OutgoingRecord {
  key?: Buffer;
  value: Buffer;
  partition?: number;
}

/** Kafka's codec numbers of record batch compression. */
export const COMPRESSION_CODECS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/**
 * Errors with which the broker wrote nothing of the batch, so that sending it again doubles nothing:
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS.
 * (REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS_AFTER_APPEND may follow a write: not retried.)
 */
const NOTHING_WRITTEN = new Set([3, 5, 6, 19]);
/** How often partitions whose leader said "not me" (or "not yet") are retried, after a metadata refresh. */
const LEADER_RETRIES = 5;
const PRODUCE_TIMEOUT_MS = 30_000;

/**
 * Sends record batches (built with Sluice's own record batch codec) to the leaders of a topic's
 * partitions. A partition the broker refused with a retriable error (leader moved, not available)
 * is sent again after a metadata refresh: the broker wrote nothing of it, so nothing is doubled.
 * A request that gets no answer is not resent (it may have been written).
 */
export class RecordProducer {
  readonly #cluster: ClusterClient;
  readonly #topic: string;
  #metadata: TopicMetadata;
  #roundRobin = 0;

  constructor(cluster: ClusterClient, metadata: TopicMetadata) {
    this.#cluster = cluster;
    this.#metadata = metadata;
    this.#topic = metadata.name!;
  }

  /** Sends `records` (in order within each partition) and resolves when the brokers acknowledged them (acks 0: when written). */
  async send(records: readonly OutgoingRecord[], acks: number, compression: number): Promise<void> {
    const count = this.#metadata.partitions.length;
    const byPartition = new Map<number, OutgoingRecord[]>();
    for (const r of records) {
      const p = r.partition ?? (r.key !== undefined ? (murmur2(r.key) & 0x7fffffff) % count : (this.#roundRobin = (this.#roundRobin + 1) % count));
      const list = byPartition.get(p) ?? [];
      list.push(r);
      byPartition.set(p, list);
    }
    const timestamp = BigInt(Date.now());
    const batches = new Map<number, Buffer>();
    for (const [p, list] of byPartition) {
      batches.set(p, buildBatch({ compression, records: list.map((r) => ({ key: r.key ?? null, value: r.value, timestamp })) }));
    }
    let pending = [...batches.keys()];
    for (let attempt = 0; ; attempt++) {
      const failed = await this.#sendOnce(pending, batches, acks);
      if (failed.length === 0) return;
      const retriable = failed.every((f) => NOTHING_WRITTEN.has(f.errorCode));
      if (!retriable || attempt >= LEADER_RETRIES) throw failed[0]!.error;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      const fresh = await this.#cluster.topic(this.#topic);
      if (fresh !== undefined) this.#metadata = fresh;
      pending = failed.map((f) => f.partition);
    }
  }

  /** One Produce request per leader; returns the partitions that failed. */
  async #sendOnce(partitions: number[], batches: Map<number, Buffer>, acks: number): Promise<Array<{ partition: number; errorCode: number; error: Error }>> {
    const failed: Array<{ partition: number; errorCode: number; error: Error }> = [];
    await Promise.all(
      [...partitionsByLeader(this.#metadata, partitions)].map(async ([leader, list]) => {
        const body = {
          transactionalId: null,
          acks,
          timeoutMs: PRODUCE_TIMEOUT_MS,
          topicData: [{ name: this.#topic, partitionData: list.map((index) => ({ index, records: batches.get(index)! })) }],
        };
        if (leader < 0) {
          for (const partition of list) failed.push({ partition, errorCode: 5, error: new BrokerRequestError('Produce', 5, null, `${this.#topic}-${partition}`) });
          return;
        }
        const connection = await this.#cluster.node(leader);
        if (acks === 0) return connection.send(ApiKey.Produce, body);
        const response = await connection.request(ApiKey.Produce, body);
        for (const t of response.responses) {
          for (const p of t.partitionResponses) {
            if (p.errorCode === 0) continue;
            const detail = p.errorMessage ?? p.recordErrors[0]?.batchIndexErrorMessage ?? null;
            failed.push({ partition: p.index, errorCode: p.errorCode, error: new BrokerRequestError('Produce', p.errorCode, detail, `${this.#topic}-${p.index}`) });
          }
        }
      }),
    );
    return failed;
  }
}
