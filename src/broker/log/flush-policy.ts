import type { PartitionLog } from './partition-log.ts';

/**
 * When appended data is forced to disk before a produce is acknowledged:
 * - `os` (default, like Kafka): never fsync on the produce path; the OS writes pages back. A
 *   process crash (kill -9) loses nothing acknowledged, since writes are in the page cache before
 *   the ack; a power loss can lose the last seconds.
 * - `group-commit`: acks wait for a shared fsync that runs every `intervalMs`, batching many
 *   produce requests into one fsync per partition.
 * - `every-produce`: fsync each written partition before answering the request.
 */
export type FlushPolicy = { mode: 'os' } | { mode: 'group-commit'; intervalMs: number } | { mode: 'every-produce' };

export const DEFAULT_FLUSH_POLICY: FlushPolicy = { mode: 'os' };

/** Applies a FlushPolicy to the partitions a produce request wrote. */
export class Flusher {
  readonly #policy: FlushPolicy;
  #dirty = new Set<PartitionLog>();
  #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(policy: FlushPolicy) {
    this.#policy = policy;
  }

  /** Returns null when the data is as durable as the policy asks, else a promise for it. */
  afterAppend(written: Iterable<PartitionLog>): Promise<void> | null {
    switch (this.#policy.mode) {
      case 'os':
        return null;
      case 'every-produce':
        for (const log of written) log.flush();
        return null;
      case 'group-commit': {
        for (const log of written) this.#dirty.add(log);
        this.#timer ??= setTimeout(() => this.flushNow(), this.#policy.intervalMs);
        return new Promise((resolve) => this.#waiters.push(resolve));
      }
    }
  }

  /** Runs the pending group commit now. */
  flushNow(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const dirty = this.#dirty;
    const waiters = this.#waiters;
    this.#dirty = new Set();
    this.#waiters = [];
    for (const log of dirty) {
      try {
        log.flush();
      } catch {
        // the partition was deleted since it was written: nothing left to make durable
      }
    }
    for (const w of waiters) w();
  }

  close(): void {
    this.flushNow();
  }
}
