import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, SASLOptions } from '@platformatic/kafka';
import { filterAbortedTransactionsOurselves } from '../../kafka/aborted-filter.ts';
import { KafkaUnavailableError } from '../errors.ts';

export type BytesConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

/** Where Kafka is and how long the dashboard waits for it. */
export interface KafkaConnection {
  /** `host:port` of one or more brokers. */
  bootstrap: string[];
  clientId?: string;
  /** Longest wait for one Kafka request of a page. Default 10 s. */
  requestTimeoutMs?: number;
  /** TLS settings of the connection (node:tls options: `ca`, `cert`, `key`, ...), for SSL and SASL_SSL listeners. */
  tls?: Record<string, unknown>;
  /** SASL login of the dashboard's own clients, e.g. `{ mechanism: 'SCRAM-SHA-256', username, password }`. */
  sasl?: SASLOptions;
}

/**
 * The dashboard's two Kafka clients, created on first use and kept: an Admin for metadata,
 * offsets and groups, and a Consumer that only sends Fetch requests (it never joins its group).
 */
export class DashboardClients {
  readonly timeoutMs: number;
  readonly #conn: KafkaConnection;
  #admin: Promise<Admin> | undefined;
  #consumer: Promise<BytesConsumer> | undefined;
  #closed = false;

  constructor(conn: KafkaConnection) {
    this.#conn = conn;
    this.timeoutMs = conn.requestTimeoutMs ?? 10_000;
  }

  #options(role: string) {
    return {
      clientId: `${this.#conn.clientId ?? 'sluice-dashboard'}-${role}`,
      bootstrapBrokers: this.#conn.bootstrap,
      connectTimeout: Math.min(5_000, this.timeoutMs),
      requestTimeout: this.timeoutMs,
      retries: 1,
      retryDelay: 250,
      ...(this.#conn.tls && { tls: this.#conn.tls }),
      ...(this.#conn.sasl && { sasl: this.#conn.sasl }),
    };
  }

  admin(): Promise<Admin> {
    if (this.#closed) throw new KafkaUnavailableError('the dashboard is closing');
    return (this.#admin ??= import('@platformatic/kafka').then(({ Admin }) => new Admin(this.#options('admin'))));
  }

  consumer(): Promise<BytesConsumer> {
    if (this.#closed) throw new KafkaUnavailableError('the dashboard is closing');
    return (this.#consumer ??= import('@platformatic/kafka').then(
      ({ Consumer }) => {
        const consumer = new Consumer({ ...this.#options('browser'), groupId: `sluice-dashboard-unused-${randomUUID()}`, maxWaitTime: 100 }) as BytesConsumer;
        filterAbortedTransactionsOurselves(consumer); // committed records must not vanish from read_committed pages
        return consumer;
      },
    ));
  }

  /** `promise`, or a KafkaUnavailableError naming `what` after the request timeout. */
  async call<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaUnavailableError(`Kafka at ${this.#conn.bootstrap.join(',')} did not answer ${what} within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (err) {
      if (err instanceof KafkaUnavailableError) throw err;
      throw new KafkaUnavailableError(`${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
      // A request that lost the race may still reject later; nobody awaits it then.
      promise.catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const clients = await Promise.allSettled([this.#admin, this.#consumer].filter((p) => p !== undefined));
    await Promise.allSettled(clients.flatMap((c) => (c.status === 'fulfilled' && c.value ? [c.value.close()] : [])));
  }
}
