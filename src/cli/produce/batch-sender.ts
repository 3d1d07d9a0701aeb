import type { CompressionAlgorithmValue, MessageToProduce } from '@platformatic/kafka';
import type { BytesProducer } from '../clients.ts';

export interface SendSettings {
  topic: string;
  partition: number | undefined;
  acks: number;
  compression: CompressionAlgorithmValue;
}

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/**
 * Sends records in order with at most one request in flight: a line typed at a terminal goes out at
 * once, while a large file is sent in batches of up to `maxBatch` records.
 */
export class BatchSender {
  readonly #producer: BytesProducer;
  readonly #settings: SendSettings;
  readonly #maxBatch: number;
  #pending: Message[] = [];
  #inFlight: Promise<void> | undefined;
  #failure: unknown;
  #sent = 0;

  constructor(producer: BytesProducer, settings: SendSettings, maxBatch = 1000) {
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
    const message: Message = { topic: this.#settings.topic, value };
    if (key !== undefined) message.key = key;
    if (this.#settings.partition !== undefined) message.partition = this.#settings.partition;
    this.#pending.push(message);
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
      .send({ messages: batch, acks: this.#settings.acks, compression: this.#settings.compression })
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
