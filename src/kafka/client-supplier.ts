import type { Admin, Consumer, Producer, MessageToProduce } from '@platformatic/kafka';
import { kafkaClientLibrary } from './client-library.ts';
import { filterAbortedTransactionsOurselves } from './aborted-filter.ts';
import type { ConsumerSettings, KafkaClients } from '../core/kafka-clients.ts';
import { murmur2 } from '../util/murmur2.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';
import { KafkaWire } from './wire.ts';
import { type KafkaConnection } from '../core/kafka-clients.ts';

/** The byte-level producer every piece of a worker shares (sinks, changelogs, checkpoint log). */
export type WorkerProducer = Producer<Buffer, Buffer, Buffer, Buffer>;
export type WorkerConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
export type ProducerRecord = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** Retries of the worker's producer: Kafka's `retries` property if set above 1, else @platformatic/kafka's default for other clients. */
const DEFAULT_PRODUCER_RETRIES = 3;
const boundedRetries = (retries: number | boolean | undefined): number =>
  typeof retries === 'number' && retries > 1 ? retries : DEFAULT_PRODUCER_RETRIES;

/** How the worker's one producer is set up. */
export type ProducerSettings =
  | { readonly kind: 'idempotent' }
  | {
      readonly kind: 'transactional';
      /** `<transactionalIdPrefix or jobId>-<worker slot>`: stable per worker slot, so a restart fences its previous incarnation. */
      readonly transactionalId: string;
      /** Kafka aborts a transaction open longer than this (transaction.timeout.ms); must exceed the checkpoint interval. */
      readonly transactionTimeoutMs: number;
    };

export interface ClientSupplierOptions {
  /** Bootstrap brokers, TLS, SASL, timeouts: already resolved from Kafka properties. */
  readonly connection: KafkaConnection;
  /** Prefix of every client id (e.g. `sluice-<jobId>-worker-3`), so brokers' logs and quotas name the worker. */
  readonly clientId: string;
  readonly producer: ProducerSettings;
}

/**
 * The Kafka clients of one worker (Kafka Streams' KafkaClientSupplier): exactly one producer —
 * idempotent, or transactional with the worker's transactional id —, consumers on demand, one
 * admin client, and low-level "wires" for requests the high-level clients do not make. It owns
 * them: `close()` closes everything it created.
 *
 * @example
 * ```ts
 * const clients = new ClientSupplier({
 *   connection: { bootstrapBrokers: ['localhost:9092'] },
 *   clientId: 'sluice-orders-worker-0',
 *   producer: { kind: 'transactional', transactionalId: 'orders-0', transactionTimeoutMs: 60_000 },
 * });
 * const producer = clients.producer();
 * await clients.close();
 * ```
 */
export class ClientSupplier implements KafkaClients {
  readonly options: ClientSupplierOptions;
  #producer: WorkerProducer | undefined;
  #sideProducer: WorkerProducer | undefined;
  #admin: Admin | undefined;
  readonly #consumers = new Set<WorkerConsumer>();
  readonly #wires = new Map<string, KafkaWire>();
  #closed = false;

  constructor(options: ClientSupplierOptions) {
    this.options = options;
  }

  /** The producer's transactional id, if it is transactional. */
  get transactionalId(): string | undefined {
    return this.options.producer.kind === 'transactional' ? this.options.producer.transactionalId : undefined;
  }

  /**
   * The worker's producer (created on first use). Transactional producers initialize with
   * producer id -1 / epoch -1, as a new Java producer does: Kafka then bumps the epoch of the
   * transactional id, aborting the previous incarnation's open transaction and fencing it.
   */
  producer(): WorkerProducer {
    this.#checkOpen();
    if (this.#producer !== undefined) return this.#producer;
    const p = this.options.producer;
    let rr = 0;
    const base = {
      ...this.options.connection,
      clientId: `${this.options.clientId}-producer`,
      idempotent: true,
      acks: -1,
      // @platformatic/kafka retries an idempotent producer's requests forever unless told otherwise
      // (Kafka bounds them by delivery.timeout.ms): a metadata request for a topic that is not
      // there, or a send to a cluster that went away, must fail the job instead of hanging it.
      retries: boundedRetries(this.options.connection.retries),
      // Kafka's default partitioner (Java's, kafkajs'): positive murmur2 of the key bytes.
      partitioner: (_m: ProducerRecord, key: Buffer | undefined) => (key !== undefined ? murmur2(key) & 0x7fffffff : rr++ & 0x7fffffff),
    };
    const { Producer } = kafkaClientLibrary();
    this.#producer =
      p.kind === 'transactional'
        ? new Producer({ ...base, transactionalId: p.transactionalId, producerId: -1n, producerEpoch: -1, timeout: p.transactionTimeoutMs })
        : new Producer(base);
    return this.#producer;
  }

  /**
   * A producer for records that must not join the worker's transactions (control-channel
   * acknowledgements): the worker's producer when it is idempotent, else a second, idempotent one.
   */
  nonTransactionalProducer(): WorkerProducer {
    this.#checkOpen();
    if (this.options.producer.kind === 'idempotent') return this.producer();
    this.#sideProducer ??= new (kafkaClientLibrary().Producer)({ ...this.options.connection, clientId: `${this.options.clientId}-control`, idempotent: true, acks: -1 });
    return this.#sideProducer;
  }

  /**
   * A new consumer (closed with the supplier); `groupId` only matters for group operations.
   * `settings` may give it its own client id and group timings.
   */
  consumer(purpose: string, groupId = `${this.options.clientId}-${purpose}`, settings: ConsumerSettings = {}): WorkerConsumer {
    this.#checkOpen();
    const c: WorkerConsumer = new (kafkaClientLibrary().Consumer)({ ...this.options.connection, clientId: `${this.options.clientId}-${purpose}`, groupId, ...settings });
    // read_committed must not lose committed records to the client library's filter.
    filterAbortedTransactionsOurselves(c);
    this.#consumers.add(c);
    return c;
  }

  /** The admin client (created on first use). */
  admin(): Admin {
    this.#checkOpen();
    this.#admin ??= new (kafkaClientLibrary().Admin)({ ...this.options.connection, clientId: `${this.options.clientId}-admin` });
    return this.#admin;
  }

  /**
   * A low-level client with its own connections, one per purpose (e.g. 'group', 'txn', 'admin');
   * `overrides` apply when it is first created (e.g. a request timeout above the rebalance timeout).
   */
  wire(purpose: string, overrides: Partial<KafkaConnection> = {}): KafkaWire {
    this.#checkOpen();
    let w = this.#wires.get(purpose);
    if (w === undefined) this.#wires.set(purpose, (w = new KafkaWire({ ...this.options.connection, ...overrides, clientId: `${this.options.clientId}-${purpose}` })));
    return w;
  }

  /** Forgets a consumer the caller closed itself. */
  release(consumer: WorkerConsumer): void {
    this.#consumers.delete(consumer);
  }

  /** Closes every client this supplier created (a closed supplier creates no more). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing: Promise<unknown>[] = [];
    if (this.#producer !== undefined) closing.push(this.#producer.close(true));
    if (this.#sideProducer !== undefined) closing.push(this.#sideProducer.close(true));
    if (this.#admin !== undefined) closing.push(this.#admin.close());
    for (const c of this.#consumers) closing.push(c.close(true));
    for (const w of this.#wires.values()) closing.push(w.close());
    await Promise.allSettled(closing);
    this.#consumers.clear();
    this.#wires.clear();
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.CLIENTS_CLOSED, 'the worker\'s Kafka clients are closed (the worker stopped); create a new ClientSupplier to reconnect');
  }
}
