import { systemClock, type Clock } from '../util/clock.ts';
import type { WorkerConsumer } from './client-supplier.ts';
import { decodeChangelogRecord, type ChangelogChange } from './changelog-codec.ts';
import { ChangelogFormatError } from './errors.ts';
import { readToEnd } from './read-to-end.ts';

/** One changelog record as restored: a write, or a delete (`value` undefined). */
export interface ChangelogEntry extends ChangelogChange {
  /** The partition it came from = its key group. */
  readonly keyGroup: number;
  readonly offset: bigint;
}

/** How far a restore got. */
export interface RestoreProgress {
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Key groups (partitions) being restored. */
  readonly partitions: number;
  /** True in the final report. */
  readonly done: boolean;
}

export interface ChangelogReaderOptions {
  readonly clock?: Clock;
  /** Progress is reported at most once per this many records (default 50,000), and at the end. */
  readonly progressEvery?: number;
}

/**
 * Restores keyed state from a changelog: reads the partitions of the given key groups
 * read_committed from the beginning up to their end (the last stable offset when the restore
 * began), and hands each entry to `apply` in offset order per partition. Applying them in that
 * order is the state: the last write of a (state, key, namespace) wins, a tombstone deletes it.
 * Writes of aborted transactions (a crashed checkpoint) are never seen.
 *
 * @example
 * ```ts
 * const reader = new ChangelogReader(clients.consumer('restore'));
 * const done = await reader.restore('orders-counter-changelog', ownedKeyGroups, (e) => backend.applyChange(e));
 * logger.info(done, 'state restored');
 * ```
 */
export class ChangelogReader {
  readonly #consumer: WorkerConsumer;
  readonly #clock: Clock;
  readonly #every: number;

  constructor(consumer: WorkerConsumer, options: ChangelogReaderOptions = {}) {
    this.#consumer = consumer;
    this.#clock = options.clock ?? systemClock;
    this.#every = options.progressEvery ?? 50_000;
  }

  /** `from`: where to start in some partitions (the tail after a warm standby copy); default their beginning. */
  async restore(topic: string, keyGroups: readonly number[], apply: (entry: ChangelogEntry) => void, onProgress?: (p: RestoreProgress) => void, from?: ReadonlyMap<number, bigint>): Promise<RestoreProgress> {
    const started = this.#clock.now();
    let records = 0;
    let bytes = 0;
    let reported = 0;
    const progress = (done: boolean): RestoreProgress => ({ records, bytes, seconds: (this.#clock.now() - started) / 1000, partitions: keyGroups.length, done });
    await readToEnd(
      this.#consumer,
      topic,
      keyGroups,
      (r) => {
        if (r.key === null) throw new ChangelogFormatError(`record ${topic}/${r.partition}@${r.offset} has no key; '${topic}' is not a Sluice changelog`);
        let change: ChangelogChange;
        try {
          change = decodeChangelogRecord(r.key, r.value);
        } catch (e) {
          throw new ChangelogFormatError(`cannot read changelog record ${topic}/${r.partition}@${r.offset}: ${(e as Error).message}`, e);
        }
        apply({ ...change, keyGroup: r.partition, offset: r.offset });
        records++;
        bytes += r.key.length + (r.value?.length ?? 0);
      },
      {
        ...(from !== undefined && { from }),
        onChunk: () => {
          if (onProgress !== undefined && records - reported >= this.#every) {
            reported = records;
            onProgress(progress(false));
          }
        },
      },
    );
    const done = progress(true);
    onProgress?.(done);
    return done;
  }
}
