import { randomUUID } from 'node:crypto';
import { createConsumer, type BytesConsumer } from '../clients.ts';
import type { CliContext } from '../context.ts';
import { unknownTopic } from '../topic-lookup.ts';
import type { ConsumedRecord, RecordReader } from './record.ts';

const EARLIEST = -2n;
const LATEST = -1n;
const PARTITION_MAX_BYTES = 1 << 20;
/** Record batch attribute bit of control batches (transaction markers). */
const IS_CONTROL = 1 << 5;

type FetchResponse = Awaited<ReturnType<BytesConsumer['fetch']>>;

/**
 * Reads every partition of a topic by manual assignment: Fetch requests at offsets kept here,
 * no consumer group joined and nothing committed (the consumer's group id is never used).
 */
export class AssignedReader implements RecordReader {
  readonly #consumer: BytesConsumer;
  readonly #topic: string;
  readonly #next: bigint[];
  readonly #isolationLevel: number;
  #closed = false;

  private constructor(consumer: BytesConsumer, topic: string, next: bigint[], isolationLevel: number) {
    this.#consumer = consumer;
    this.#topic = topic;
    this.#next = next;
    this.#isolationLevel = isolationLevel;
  }

  static async open(ctx: CliContext, topic: string, fromBeginning: boolean, isolationLevel: number): Promise<AssignedReader> {
    const consumer = await createConsumer(ctx, `sluice-cli-unused-${randomUUID()}`, isolationLevel);
    try {
      const metadata = await consumer.metadata({ topics: [topic] }).catch((err: unknown) => {
        throw isUnknownTopic(err) ? unknownTopic(topic) : err;
      });
      if (!metadata.topics.get(topic)) throw unknownTopic(topic);
      consumer.topics.track(topic);
      const offsets = await consumer.listOffsets({ topics: [topic], timestamp: fromBeginning ? EARLIEST : LATEST, isolationLevel });
      return new AssignedReader(consumer, topic, [...(offsets.get(topic) ?? [])], isolationLevel);
    } catch (err) {
      await consumer.close().catch(() => {});
      throw err;
    }
  }

  async poll(): Promise<ConsumedRecord[]> {
    if (this.#closed) return [];
    const metadata = await this.#consumer.metadata({ topics: [this.#topic] });
    const topic = metadata.topics.get(this.#topic);
    if (!topic) throw unknownTopic(this.#topic);
    if (topic.partitionsCount > this.#next.length) await this.#addPartitions();
    const byLeader = new Map<number, number[]>();
    for (let p = 0; p < this.#next.length; p++) {
      const leader = topic.partitions[p]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const responses = await Promise.all(
      [...byLeader].map(([node, partitions]) =>
        this.#consumer.fetch({
          node,
          topics: [
            {
              topicId: topic.id,
              partitions: partitions.map((partition) => ({
                partition,
                fetchOffset: this.#next[partition]!,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: PARTITION_MAX_BYTES,
              })),
            },
          ],
          minBytes: 1,
          maxBytes: 16 * PARTITION_MAX_BYTES,
          maxWaitTime: 500,
          isolationLevel: this.#isolationLevel,
        }),
      ),
    );
    return responses.flatMap((r) => this.#records(r));
  }

  /** Partitions created while reading are read from their beginning (seen at a metadata refresh). */
  async #addPartitions(): Promise<void> {
    const earliest = (await this.#consumer.listOffsets({ topics: [this.#topic], timestamp: EARLIEST, isolationLevel: this.#isolationLevel })).get(this.#topic) ?? [];
    for (let p = this.#next.length; p < earliest.length; p++) this.#next.push(earliest[p]!);
  }

  /** Data records of a Fetch response at or after the requested offsets; advances the offsets. */
  #records(response: FetchResponse): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const from = this.#next[p.partitionIndex];
        if (from === undefined || !p.records) continue;
        let next = from;
        for (const batch of p.records) {
          const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
          if (last + 1n > next) next = last + 1n;
          if (batch.attributes & IS_CONTROL) continue;
          for (const r of batch.records) {
            const offset = batch.firstOffset + BigInt(r.offsetDelta);
            if (offset < from) continue;
            out.push({ partition: p.partitionIndex, offset, key: r.key, value: r.value });
          }
        }
        this.#next[p.partitionIndex] = next;
      }
    }
    return out;
  }

  printed(): void {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#consumer.close(true).catch(() => {});
  }
}

/** Whether a client error says the topic does not exist. */
export function isUnknownTopic(err: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (!(e instanceof Error) || seen.has(e)) return false;
    seen.add(e);
    const x = e as Error & { apiId?: string; errors?: unknown[] };
    if (x.apiId === 'UNKNOWN_TOPIC_OR_PARTITION' || x.apiId === 'UNKNOWN_TOPIC_ID' || /^Unknown topic /.test(x.message)) return true;
    return (x.errors ?? []).some(walk) || walk(x.cause);
  };
  return walk(err);
}
