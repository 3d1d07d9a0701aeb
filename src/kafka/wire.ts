import { setTimeout as sleep } from 'node:timers/promises';
import {
  Base,
  findCoordinatorV6,
  kGetApi,
  kGetConnection,
  protocolAPIsById,
  type API,
  type ClusterMetadata,
  type Connection,
} from '@platformatic/kafka';
import type { KafkaConnection } from '../core/kafka-clients.ts';
import { classifyKafkaError, describeKafkaError } from './error-classification.ts';
import { KAFKA_SUBSTRATE_CODES, KafkaRequestError } from './errors.ts';

/** Kafka's FindCoordinator key types. */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const;
export type CoordinatorTypeValue = (typeof CoordinatorType)[keyof typeof CoordinatorType];

/** Where a request goes: a node id, a coordinator, the controller, or any reachable broker. */
export type WireTarget = number | { coordinator: CoordinatorTypeValue; key: string } | 'controller' | 'any';

export interface WireCallOptions {
  /** Oldest API version whose semantics the caller relies on; older clusters get SLUICE_KAFKA_TOO_OLD. */
  minVersion?: number;
  /** Retry errors classified as retriable (default true), up to `attempts` times. */
  retry?: boolean;
  attempts?: number;
  /**
   * Return the response of a request whose answer carries per-item error codes instead of
   * throwing (the caller reads the codes), as long as the client parsed a response.
   */
  partial?: boolean;
}


/** A negotiated API: callable with a connection, plus the version in use. */
type Negotiated<Args extends unknown[], R> = API<Args, R>;

/**
 * Low-level access to the cluster for the requests the high-level clients of @platformatic/kafka
 * do not make the way exactly-once needs (one TxnOffsetCommit for all partitions, JoinGroup with
 * a custom assignor, OffsetFetch with require_stable, CreateTopics with per-topic configs). API
 * versions are negotiated with the broker (ApiVersions); each call names the version module whose
 * signature it uses, and the client's normalized signatures keep that valid for other versions.
 *
 * Owns its own connections: a JoinGroup waiting for a rebalance does not hold up other requests.
 */
export class KafkaWire {
  readonly #client: Base;
  readonly #coordinators = new Map<string, number>();
  readonly #retryDelayMs: number;

  constructor(connection: KafkaConnection & { clientId: string }, options: { retryDelayMs?: number } = {}) {
    this.#client = new Base({ ...connection, retries: connection.retries ?? 3, retryDelay: connection.retryDelay ?? 100 });
    this.#retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** Cluster metadata; never creates topics. */
  metadata(topics: string[] = [], forceUpdate = true): Promise<ClusterMetadata> {
    return this.#client.metadata({ topics, autocreateTopics: false, forceUpdate });
  }

  /** The node id of the group or transaction coordinator for `key` (cached until it moves). */
  async coordinator(type: CoordinatorTypeValue, key: string): Promise<number> {
    const cacheKey = `${type}:${key}`;
    const cached = this.#coordinators.get(cacheKey);
    if (cached !== undefined) return cached;
    const response = await this.call(findCoordinatorV6.api, 'any', { retry: true }, type, [key]);
    const found = response.coordinators.find((c) => c.key === key) ?? response.coordinators[0];
    if (found === undefined || found.errorCode !== 0 || found.nodeId < 0) {
      throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `no ${type === 0 ? 'group' : 'transaction'} coordinator for '${key}' (error code ${found?.errorCode})`);
    }
    this.#coordinators.set(cacheKey, found.nodeId);
    return found.nodeId;
  }

  /** Forgets a coordinator (after NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE). */
  forgetCoordinator(type: CoordinatorTypeValue, key: string): void {
    this.#coordinators.delete(`${type}:${key}`);
  }

  /**
   * Sends one request of the API `reference` belongs to (at the newest version both sides know)
   * to `target`, retrying retriable failures. Errors are the client's (classify them with
   * `classifyKafkaError`), or KafkaRequestError for a too-old cluster.
   */
  async call<Args extends unknown[], R>(reference: API<Args, R>, target: WireTarget, options: WireCallOptions, ...args: Args): Promise<R> {
    const api = await this.negotiate(reference, options.minVersion ?? 0);
    const attempts = options.retry === false ? 1 : (options.attempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await this.#connectionFor(target);
        return await api.async(connection, ...args);
      } catch (e) {
        const response = (e as { response?: R }).response;
        if (options.partial === true && response !== undefined) return response;
        const retriable = classifyKafkaError(e) === 'retriable';
        // The coordinator may have moved (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, network).
        if (retriable && typeof target === 'object') this.forgetCoordinator(target.coordinator, target.key);
        if (attempt >= attempts || !retriable) throw e;
        await sleep(this.#retryDelayMs * attempt);
      }
    }
  }

  /** The negotiated implementation of `reference`'s API; SLUICE_KAFKA_TOO_OLD below `minVersion`. */
  async negotiate<Args extends unknown[], R>(reference: API<Args, R>, minVersion = 0): Promise<Negotiated<Args, R>> {
    const name = protocolAPIsById[reference.key];
    if (name === undefined) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `unknown Kafka API key ${reference.key}`);
    let api: Negotiated<Args, R>;
    try {
      api = await new Promise<Negotiated<Args, R>>((resolve, reject) =>
        this.#client[kGetApi](name, (error: Error | null, found?: unknown) => (error ? reject(error) : resolve(found as Negotiated<Args, R>))),
      );
    } catch (e) {
      if (/Unsupported API|No usable implementation/i.test(String((e as Error).message))) {
        throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_TOO_OLD, `the Kafka cluster does not support ${name}; Sluice needs Kafka 2.5 or newer`, e);
      }
      throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `cannot reach Kafka to negotiate ${name}: ${describeKafkaError(e)}`, e);
    }
    if (api.version < minVersion) {
      throw new KafkaRequestError(
        KAFKA_SUBSTRATE_CODES.KAFKA_TOO_OLD,
        `the Kafka cluster supports ${name} only up to version ${api.version}; Sluice needs version ${minVersion} or newer (Kafka 2.5+, KIP-447)`,
      );
    }
    return api;
  }

  async #connectionFor(target: WireTarget): Promise<Connection> {
    if (target === 'any') {
      const md = await this.metadata([], false);
      const first = [...md.brokers.keys()][0];
      if (first === undefined) throw new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, 'the cluster reported no brokers');
      return this.#connect(md, first);
    }
    let node: number;
    if (target === 'controller') {
      const md = await this.metadata([], false);
      node = md.controllerId >= 0 && md.brokers.has(md.controllerId) ? md.controllerId : [...md.brokers.keys()][0]!;
      return this.#connect(md, node);
    }
    node = typeof target === 'number' ? target : await this.coordinator(target.coordinator, target.key);
    let md = await this.metadata([], false);
    if (!md.brokers.has(node)) md = await this.metadata([], true);
    return this.#connect(md, node);
  }

  #connect(md: ClusterMetadata, node: number): Promise<Connection> {
    const broker = md.brokers.get(node);
    if (broker === undefined) return Promise.reject(new KafkaRequestError(KAFKA_SUBSTRATE_CODES.KAFKA_REQUEST, `broker ${node} is not in the cluster metadata`));
    return new Promise<Connection>((resolve, reject) =>
      this.#client[kGetConnection](broker, (error: Error | null, connection?: Connection) => (error ? reject(error) : resolve(connection!))),
    );
  }

  async close(): Promise<void> {
    await this.#client.close().catch(() => {});
  }
}
