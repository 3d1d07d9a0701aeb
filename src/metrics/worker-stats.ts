/**
 * Figures of a worker as a Kafka group member, named after the Kafka consumer's coordinator metrics
 * (`rebalance-total`, `rebalance-latency-*`, `failed-rebalance-total`): a rebalance pauses the
 * worker's processing from the moment its partitions are revoked until they are assigned again.
 */
export class RebalanceStats {
  total = 0;
  failed = 0;
  /** Milliseconds processing was paused by rebalances, in all. */
  latencyTotalMs = 0;
  latencyMaxMs = 0;
  lastEndedAt = -1;
  #startedAt = -1;

  started(now: number): void {
    this.#startedAt = now;
  }

  /** The rebalance ended (`ok` false: it failed and the worker will rejoin). */
  ended(now: number, ok = true): void {
    if (this.#startedAt < 0) return;
    const ms = Math.max(0, now - this.#startedAt);
    this.#startedAt = -1;
    this.lastEndedAt = now;
    if (!ok) {
      this.failed++;
      return;
    }
    this.total++;
    this.latencyTotalMs += ms;
    this.latencyMaxMs = Math.max(this.latencyMaxMs, ms);
  }

  /** Whether processing is paused by a rebalance right now. */
  get inProgress(): boolean {
    return this.#startedAt >= 0;
  }
}

/** Distinct error names kept per worker; later new ones are counted as `other` (bounded series). */
const MAX_ERROR_NAMES = 64;

/** Errors the worker's Kafka clients reported, by client and error name (a Kafka error code name). */
export class KafkaClientErrors {
  readonly #counts = new Map<string, { client: string; error: string; count: number }>();

  record(client: 'producer' | 'consumer' | 'admin', errorName: string): void {
    let error = errorName;
    let key = `${client}\u0000${error}`;
    if (!this.#counts.has(key) && this.#counts.size >= MAX_ERROR_NAMES) {
      error = 'other';
      key = `${client}\u0000${error}`;
    }
    const entry = this.#counts.get(key);
    if (entry === undefined) this.#counts.set(key, { client, error, count: 1 });
    else entry.count++;
  }

  entries(): Iterable<{ client: string; error: string; count: number }> {
    return this.#counts.values();
  }
}
