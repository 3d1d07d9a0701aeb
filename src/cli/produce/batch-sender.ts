import type { OutgoingRecord, RecordProducer } from '../wire/record-producer.ts';

export interface SendSettings {
  partition: number | undefined;
  acks: number;
  /** Kafka's codec number (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
}

/**
 * Sends records in order with at most one request in flight: a line typed at a terminal goes out at
 * once, while a large file is sent in batches of up to `maxBatch` records.
 */
export class BatchSender {
  readonly #producer: RecordProducer;
  readonly #settings: SendSettings;
  readonly #maxBatch: number;
  #pending: OutgoingRecord[] = [];
  #inFlight: Promise<void> | undefined;
  #failure: unknown;
  #sent = 0;

  constructor(producer: RecordProducer, settings: SendSettings, maxBatch = 1000) {
    this.#producer = producer;
    this.#settings = settings;
    this.#maxBatch = maxBatch;
  }

  get sent(): number {
    return this.#sent;
  }

  /** Queues one record; resolves once there is room for more (back-pressure on the reader). */
  async add(key: Buffer | undefined, value: Buffer): Promise<void> {
    this.#throwIfFailed();
    const record: OutgoingRecord = { value };
    if (key !== undefined) record.key = key;
    if (this.#settings.partition !== undefined) record.partition = this.#settings.partition;
    this.#pending.push(record);
    if (!this.#inFlight) this.#start();
    else if (this.#pending.length >= this.#maxBatch) await this.#inFlight;
    this.#throwIfFailed();
  }

  /** Sends whatever is queued and waits for it. */
  async flush(): Promise<void> {
    while (this.#inFlight || this.#pending.length > 0) {
      if (!this.#inFlight) this.#start();
      await this.#inFlight;
      this.#throwIfFailed();
    }
  }

  #start(): void {
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.#inFlight = this.#producer
      .send(batch, this.#settings.acks, this.#settings.compression)
      .then(
        () => {
          this.#sent += batch.length;
        },
        (err: unknown) => {
          this.#failure ??= err;
          this.#pending = [];
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        if (this.#pending.length > 0 && this.#failure === undefined) this.#start();
      });
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }
}
