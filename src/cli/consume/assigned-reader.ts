import { ApiKey } from '../../protocol/api-keys.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import type { CliContext } from '../context.ts';
import { requireTopic, unknownTopic } from '../topic-lookup.ts';
import { connectCluster } from '../wire/cli-cluster.ts';
import type { ClusterClient, TopicMetadata } from '../wire/cluster-client.ts';
import { readFetchedPartition } from '../wire/fetched-records.ts';
import { EARLIEST, LATEST, listOffsets, partitionsByLeader } from '../wire/topic-admin.ts';
import { BrokerRequestError } from '../wire/wire-errors.ts';
import type { ConsumedRecord, RecordReader } from './record.ts';
import { isUnknownTopic } from './unknown-topic.ts';

export { isUnknownTopic };

const PARTITION_MAX_BYTES = 1 << 20;
const MAX_WAIT_MS = 500;
/** How old the partition leaders may be before a poll asks again (new partitions show up then too). */
const METADATA_MAX_AGE_MS = 5_000;
const OFFSET_OUT_OF_RANGE = 1;
/** Errors after which the leaders are looked up again and the partition fetched on the next poll. */
const LEADER_ERRORS = new Set([5, 6, 74, 75]); // LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH

/**
 * Reads every partition of a topic by manual assignment on Sluice's own wire client: Fetch
 * requests to each partition's leader at offsets kept here, no consumer group joined and nothing
 * committed. read_committed stops at the last stable offset and drops aborted transactions.
 */
export class AssignedReader implements RecordReader {
  readonly #cluster: ClusterClient;
  readonly #topic: string;
  readonly #next: bigint[];
  readonly #isolationLevel: number;
  readonly #fromBeginning: boolean;
  #metadata: TopicMetadata;
  #metadataAt = Date.now();
  #closed = false;

  private constructor(cluster: ClusterClient, metadata: TopicMetadata, next: bigint[], isolationLevel: number, fromBeginning: boolean) {
    this.#cluster = cluster;
    this.#metadata = metadata;
    this.#topic = metadata.name!;
    this.#next = next;
    this.#isolationLevel = isolationLevel;
    this.#fromBeginning = fromBeginning;
  }

  static async open(ctx: CliContext, topic: string, fromBeginning: boolean, isolationLevel: number): Promise<AssignedReader> {
    const cluster = await connectCluster(ctx, 'sluice-cli-consumer');
    try {
      const metadata = await requireTopic(cluster, topic);
      const next = await listOffsets(cluster, metadata, fromBeginning ? EARLIEST : LATEST, isolationLevel);
      return new AssignedReader(cluster, metadata, next, isolationLevel, fromBeginning);
    } catch (err) {
      cluster.close();
      throw err;
    }
  }

  async poll(): Promise<ConsumedRecord[]> {
    if (this.#closed) return [];
    if (Date.now() - this.#metadataAt >= METADATA_MAX_AGE_MS) await this.#refresh();
    const topic = this.#metadata;
    const results = await Promise.all([...partitionsByLeader(topic)].map(([leader, partitions]) => this.#fetch(topic, leader, partitions)));
    return results.flat();
  }

  async #refresh(): Promise<void> {
    const fresh = await this.#cluster.topic(this.#topic);
    if (fresh === undefined) throw unknownTopic(this.#topic);
    this.#metadata = fresh;
    this.#metadataAt = Date.now();
    // Partitions created while reading are read from their beginning.
    if (fresh.partitions.length > this.#next.length) {
      const earliest = await listOffsets(this.#cluster, fresh, EARLIEST, this.#isolationLevel);
      for (let p = this.#next.length; p < earliest.length; p++) this.#next.push(earliest[p]!);
    }
  }

  async #fetch(topic: TopicMetadata, leader: number, partitions: number[]): Promise<ConsumedRecord[]> {
    if (leader < 0) {
      this.#metadataAt = 0; // no leader now: look again at the next poll
      await new Promise((r) => setTimeout(r, MAX_WAIT_MS));
      return [];
    }
    const connection = await this.#cluster.node(leader);
    const response = await connection.request(ApiKey.Fetch, {
      replicaId: -1,
      maxWaitMs: MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: 16 * PARTITION_MAX_BYTES,
      isolationLevel: this.#isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: this.#topic,
          topicId: topic.topicId,
          partitions: partitions.map((partition) => ({
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: this.#next[partition]!,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: PARTITION_MAX_BYTES,
            replicaDirectoryId: ZERO_UUID,
          })),
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    if (response.errorCode !== 0) throw new BrokerRequestError('Fetch', response.errorCode, null, `topic "${this.#topic}"`);
    const out: ConsumedRecord[] = [];
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const from = this.#next[p.partitionIndex];
        if (from === undefined) continue;
        if (p.errorCode === OFFSET_OUT_OF_RANGE) {
          // Deleted by retention while reading (or a truncated log): go on from where the log is now.
          this.#next[p.partitionIndex] = (await listOffsets(this.#cluster, topic, this.#fromBeginning ? EARLIEST : LATEST, this.#isolationLevel))[p.partitionIndex]!;
          continue;
        }
        if (LEADER_ERRORS.has(p.errorCode)) {
          this.#metadataAt = 0;
          continue;
        }
        if (p.errorCode !== 0) throw new BrokerRequestError('Fetch', p.errorCode, null, `${this.#topic}-${p.partitionIndex}`);
        const records = Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
        const fetched = readFetchedPartition(records, from, this.#isolationLevel === 1 ? p.abortedTransactions : null);
        for (const r of fetched.records) out.push({ partition: p.partitionIndex, offset: r.offset, key: r.key, value: r.value });
        this.#next[p.partitionIndex] = fetched.next;
      }
    }
    return out;
  }

  /** The next offset to read of each partition (a reader reading to an end compares them with it). */
  get positions(): readonly bigint[] {
    return this.#next;
  }

  printed(): void {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cluster.close();
  }
}
