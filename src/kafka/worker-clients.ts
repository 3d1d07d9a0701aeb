import { createHash } from 'node:crypto';
import type { KafkaClientProvider, KafkaConnection } from '../core/kafka-clients.ts';
import { ClientSupplier, type ProducerSettings } from './client-supplier.ts';

/** Function and object identities inside connection settings (a SASL token provider, a TLS socket factory). */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/** A stable text for a value of connection settings: secrets and key material are hashed, functions named by identity. */
function fingerprint(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return `${value}n`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `sha256:${createHash('sha256').update(value).digest('hex')}`;
  if (typeof value === 'function' || typeof value === 'symbol') {
    if (typeof value === 'symbol') return String(value);
    let id = identities.get(value);
    if (id === undefined) identities.set(value, (id = nextIdentity++));
    return `fn#${id}`;
  }
  if (Array.isArray(value)) return value.map(fingerprint);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value as object).sort()) out[k] = fingerprint((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * The identity of a cluster as far as clients are concerned: its bootstrap servers (in any order)
 * and how a client authenticates to it (SASL, TLS). Timeouts and retries do not make another
 * cluster: two connectors of the same cluster share clients, the first one's timeouts apply.
 */
export function clusterKey(connection: KafkaConnection): string {
  const brokers = (connection.bootstrapBrokers as ReadonlyArray<string | { host: string; port: number }>)
    .map((b) => (typeof b === 'string' ? b : `${b.host}:${b.port}`).trim().toLowerCase())
    .sort();
  const password = (connection.sasl as { password?: unknown } | undefined)?.password;
  const sasl = connection.sasl === undefined ? undefined : { ...connection.sasl, password: typeof password === 'string' ? Buffer.from(password) : password };
  return JSON.stringify({ brokers, sasl: fingerprint(sasl), tls: fingerprint(connection.tls) });
}

export interface WorkerClientsOptions {
  /** Prefix of every client id of the worker (e.g. `sluice-orders-worker-0`). */
  readonly clientId: string;
  /** How the producer of each cluster is set up (default: idempotent). */
  readonly producer?: (connection: KafkaConnection) => ProducerSettings;
}

/**
 * The Kafka clients of one worker, one `ClientSupplier` per cluster: every source, sink,
 * dead-letter writer (and changelog writer) of the worker that talks to a cluster gets the same
 * clients, so one producer carries all of the worker's writes to it. A job may read and write
 * several clusters; each gets its own set. `close()` closes them all.
 *
 * @example
 * ```ts
 * const clients = new WorkerClients({ clientId: 'sluice-orders-worker-0' });
 * const producer = clients.clients({ bootstrapBrokers: ['localhost:9092'] }).producer();
 * await clients.close();
 * ```
 */
export class WorkerClients implements KafkaClientProvider {
  readonly #options: WorkerClientsOptions;
  readonly #clusters = new Map<string, ClientSupplier>();
  #closed = false;

  constructor(options: WorkerClientsOptions) {
    this.#options = options;
  }

  clients(connection: KafkaConnection): ClientSupplier {
    const key = clusterKey(connection);
    let supplier = this.#clusters.get(key);
    if (supplier === undefined) {
      const { clientId: _ignored, ...rest } = connection;
      supplier = new ClientSupplier({ connection: rest, clientId: this.#options.clientId, producer: this.#options.producer?.(connection) ?? { kind: 'idempotent' } });
      // A closed worker hands out closed suppliers: asking them for a client throws.
      if (this.#closed) void supplier.close();
      this.#clusters.set(key, supplier);
    }
    return supplier;
  }

  /** The clusters the worker's sources and sinks asked for so far. */
  clusters(): Iterable<[key: string, clients: ClientSupplier]> {
    return this.#clusters.entries();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#clusters.values()].map((c) => c.close()));
  }
}
