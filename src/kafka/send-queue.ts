import type { ProducerRecord } from './client-supplier.ts';

interface Pending {
  readonly records: ProducerRecord[];
  readonly bytes: number;
  resolve(): void;
  reject(e: unknown): void;
}

/** Rough size of a record on the wire (for batching only). */
const sizeOf = (r: ProducerRecord): number => 70 + (r.key?.length ?? 0) + (r.value?.length ?? 0);

/**
 * Sends records one request at a time, coalescing what callers hand in while a request is in
 * flight into the next one (group commit). A transaction in @platformatic/kafka must not send
 * concurrently: concurrent AddPartitionsToTxn calls are deduplicated into one, so partitions of
 * the second send would never join the transaction. Each caller's promise settles with the
 * request that carried its records.
 */
export class SendQueue {
  readonly #send: (records: ProducerRecord[]) => Promise<void>;
  readonly #maxRequestBytes: number;
  #queue: Pending[] = [];
  /** Set and cleared synchronously with the pump loop's own checks, so no record is ever left behind. */
  #running = false;
  #pumping: Promise<void> = Promise.resolve();

  constructor(send: (records: ProducerRecord[]) => Promise<void>, options: { maxRequestBytes?: number } = {}) {
    this.#send = send;
    this.#maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  }

  send(records: ProducerRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let bytes = 0;
    for (const r of records) bytes += sizeOf(r);
    const done = new Promise<void>((resolve, reject) => this.#queue.push({ records, bytes, resolve, reject }));
    if (!this.#running) {
      this.#running = true;
      this.#pumping = this.#pump();
    }
    return done;
  }

  /** Resolves when nothing is queued or in flight (failures are reported to their callers, not here). */
  async drain(): Promise<void> {
    while (this.#running) await this.#pumping;
  }

  /** Never throws: a failed request rejects its callers. `#running` drops in the same tick the queue is seen empty. */
  async #pump(): Promise<void> {
    for (;;) {
      if (this.#queue.length === 0) {
        this.#running = false;
        return;
      }
      const batch: Pending[] = [];
      let bytes = 0;
      while (this.#queue.length > 0 && (batch.length === 0 || bytes + this.#queue[0]!.bytes <= this.#maxRequestBytes)) {
        const p = this.#queue.shift()!;
        batch.push(p);
        bytes += p.bytes;
      }
      try {
        await this.#send(batch.length === 1 ? batch[0]!.records : batch.flatMap((p) => p.records));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
  }
}
