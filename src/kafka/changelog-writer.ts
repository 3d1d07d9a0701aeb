import { systemClock, type Clock } from '../util/clock.ts';
import type { ProducerRecord } from './client-supplier.ts';
import type { RecordSender } from './commit-strategy.ts';
import { encodeChangelogKey, encodeChangelogValue, type ChangelogChange } from './changelog-codec.ts';
import { ChangelogFormatError } from './errors.ts';
import { keyGroupOf } from './key-groups.ts';

export interface ChangelogWriterOptions {
  /** `<jobId>-<operatorUid>-changelog`. */
  readonly topic: string;
  /** The job's max parallelism = the topic's partition count (one partition per key group). */
  readonly maxParallelism: number;
  /** Key → key group; defaults to Kafka's partitioner over the key bytes (must be the engine's). */
  readonly keyGroupOf?: (key: unknown) => number;
  readonly clock?: Clock;
  /** Records are handed to the sender in chunks of about this many bytes (default 512 KiB). */
  readonly chunkBytes?: number;
}

/** What one `write` sent. */
export interface ChangelogWriteResult {
  readonly records: number;
  readonly tombstones: number;
  readonly bytes: number;
}

/**
 * Writes the keyed-state changes of one operator since the last checkpoint to its changelog:
 * one record per (state, key, namespace) — the last change of each wins — into the partition of
 * the key's key group, through the worker's transaction (exactly-once) or idempotent producer
 * (at-least-once). `write` resolves when Kafka acknowledged every record.
 *
 * @example
 * ```ts
 * const writer = new ChangelogWriter({ topic: 'orders-counter-changelog', maxParallelism: 128 });
 * await writer.write(backend.changesSinceLastSnapshot(), committer);
 * ```
 */
export class ChangelogWriter {
  readonly topic: string;
  readonly #maxParallelism: number;
  readonly #keyGroupOf: (key: unknown) => number;
  readonly #clock: Clock;
  readonly #chunkBytes: number;

  constructor(options: ChangelogWriterOptions) {
    this.topic = options.topic;
    this.#maxParallelism = options.maxParallelism;
    this.#keyGroupOf = options.keyGroupOf ?? ((key) => keyGroupOf(key, options.maxParallelism));
    this.#clock = options.clock ?? systemClock;
    this.#chunkBytes = options.chunkBytes ?? 512 * 1024;
  }

  /** The changelog records of `changes`, one per record key (the last change of each wins), in order of those last changes. */
  encode(changes: readonly ChangelogChange[]): ProducerRecord[] {
    const timestamp = BigInt(Math.floor(this.#clock.now()));
    const n = changes.length;
    const keys = new Array<Buffer>(n);
    const ids = new Array<string>(n);
    const last = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const c = changes[i]!;
      const key = encodeChangelogKey(c.state, c.key, c.namespace);
      keys[i] = key;
      const id = key.toString('latin1');
      ids[i] = id;
      last.set(id, i);
    }
    const out: ProducerRecord[] = [];
    for (let i = 0; i < n; i++) {
      if (last.get(ids[i]!) !== i) continue; // a later change of the same entry replaces this one
      const change = changes[i]!;
      const partition = this.#keyGroupOf(change.key);
      if (!Number.isInteger(partition) || partition < 0 || partition >= this.#maxParallelism) {
        throw new ChangelogFormatError(`key group ${partition} of a key of state '${change.state}' is outside 0..${this.#maxParallelism - 1} (the changelog '${this.topic}' has ${this.#maxParallelism} partitions)`);
      }
      const value = encodeChangelogValue(change);
      out.push(value === undefined ? { topic: this.topic, partition, key: keys[i]!, timestamp } : { topic: this.topic, partition, key: keys[i]!, value, timestamp });
    }
    return out;
  }

  async write(changes: readonly ChangelogChange[], sender: RecordSender): Promise<ChangelogWriteResult> {
    const records = this.encode(changes);
    let bytes = 0;
    let tombstones = 0;
    const sends: Promise<void>[] = [];
    let chunk: ProducerRecord[] = [];
    let chunkBytes = 0;
    for (const r of records) {
      const size = r.key!.length + (r.value?.length ?? 0);
      bytes += size;
      if (r.value === undefined) tombstones++;
      chunk.push(r);
      chunkBytes += size + 20;
      if (chunkBytes >= this.#chunkBytes) {
        sends.push(sender.send(chunk));
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length > 0) sends.push(sender.send(chunk));
    await Promise.all(sends);
    return { records: records.length, tombstones, bytes };
  }
}
