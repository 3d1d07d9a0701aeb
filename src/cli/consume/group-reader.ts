import type { Message, MessagesStream } from '@platformatic/kafka';
import { createConsumer, type BytesConsumer } from '../clients.ts';
import type { CliContext } from '../context.ts';
import { unknownTopic } from '../topic-lookup.ts';
import { isUnknownTopic } from './unknown-topic.ts';
import type { ConsumedRecord, RecordReader } from './record.ts';

type BytesMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Messages buffered before the stream is paused. */
const MAX_QUEUED = 5_000;

interface Position {
  offset: bigint;
  leaderEpoch: number;
}

/**
 * Reads as a member of a consumer group. Offsets are committed only up to the records actually
 * printed (periodically and on close), so `--max-messages N` leaves the group exactly N further on.
 */
export class GroupReader implements RecordReader {
  readonly #consumer: BytesConsumer;
  readonly #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  readonly #topic: string;
  #queue: BytesMessage[] = [];
  #wake: (() => void) | undefined;
  #failure: unknown;
  #ended = false;
  readonly #toCommit = new Map<number, Position>();
  readonly #epochs = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  private constructor(consumer: BytesConsumer, stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, topic: string) {
    this.#consumer = consumer;
    this.#stream = stream;
    this.#topic = topic;
    stream.on('data', (m: BytesMessage) => {
      this.#queue.push(m);
      if (this.#queue.length >= MAX_QUEUED) stream.pause();
      this.#wake?.();
    });
    stream.on('error', (err: Error) => {
      this.#failure ??= err;
      this.#wake?.();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#wake?.();
    });
    this.#timer = setInterval(() => void this.#commit().catch(() => {}), 1_000);
  }

  static async open(ctx: CliContext, topic: string, groupId: string, fromBeginning: boolean, isolationLevel: number): Promise<GroupReader> {
    const consumer = await createConsumer(ctx, groupId, isolationLevel);
    try {
      const metadata = await consumer.metadata({ topics: [topic] }).catch((err: unknown) => {
        throw isUnknownTopic(err) ? unknownTopic(topic) : err;
      });
      if (!metadata.topics.get(topic)) throw unknownTopic(topic);
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        maxWaitTime: 500,
        isolationLevel,
      });
      return new GroupReader(consumer, stream, topic);
    } catch (err) {
      await consumer.close(true).catch(() => {});
      throw err;
    }
  }

  /** The messages received so far, or those arriving within 500 ms (so the caller can check its deadline and signals). */
  async poll(): Promise<ConsumedRecord[]> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed || this.#ended) return [];
    if (this.#queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, 500);
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = wake;
      });
      this.#wake = undefined;
      if (this.#failure !== undefined) throw this.#failure;
    }
    const messages = this.#queue;
    this.#queue = [];
    if (this.#stream.isPaused()) this.#stream.resume();
    return messages.map((m) => {
      this.#epochs.set(m.partition, m.leaderEpoch);
      return { partition: m.partition, offset: m.offset, key: m.key, value: m.value };
    });
  }

  printed(record: ConsumedRecord): void {
    this.#toCommit.set(record.partition, {
      offset: record.offset + 1n,
      leaderEpoch: this.#epochs.get(record.partition) ?? -1,
    });
  }

  async #commit(): Promise<void> {
    if (this.#toCommit.size === 0) return;
    const offsets = [...this.#toCommit].map(([partition, p]) => ({ topic: this.#topic, partition, offset: p.offset, leaderEpoch: p.leaderEpoch }));
    this.#toCommit.clear();
    try {
      await this.#consumer.commit({ offsets });
    } catch (err) {
      // Keep the positions for the next attempt unless newer ones were recorded meanwhile.
      for (const o of offsets) if (!this.#toCommit.has(o.partition)) this.#toCommit.set(o.partition, o);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    try {
      await this.#commit();
    } finally {
      await this.#stream.close().catch(() => {});
      await this.#consumer.close().catch(() => {});
    }
  }
}
