import { ApiKey } from '../../protocol/api-keys.ts';
import type { MetadataResponse } from '../../protocol/messages/metadata.ts';
import { ZERO_UUID } from '../../protocol/primitives/uuid.ts';
import { BrokerConnection, type ConnectionSettings } from './broker-connection.ts';
import { BrokerConnectionError, BrokerRequestError } from './wire-errors.ts';

export type TopicMetadata = MetadataResponse['topics'][number];

/**
 * The cluster as the CLI sees it: a connection to the first bootstrap server that answers, and
 * one per broker that leads a partition the command reads or writes (addresses from Metadata).
 */
export class ClusterClient {
  readonly #settings: ConnectionSettings;
  readonly #bootstrap: readonly string[];
  readonly #byNode = new Map<number, Promise<BrokerConnection>>();
  #any: BrokerConnection | undefined;
  #brokers = new Map<number, string>();

  private constructor(bootstrap: readonly string[], settings: ConnectionSettings) {
    this.#bootstrap = bootstrap;
    this.#settings = settings;
  }

  /** Connects to the first bootstrap server that accepts (in order), or throws the last failure. */
  static async connect(bootstrap: readonly string[], settings: ConnectionSettings): Promise<ClusterClient> {
    const client = new ClusterClient(bootstrap, settings);
    await client.any();
    return client;
  }

  /** A connection to some broker of the cluster. */
  async any(): Promise<BrokerConnection> {
    if (this.#any) return this.#any;
    let last: unknown;
    for (const address of this.#bootstrap) {
      try {
        this.#any = await BrokerConnection.open(address, this.#settings);
        return this.#any;
      } catch (err) {
        if (!(err instanceof BrokerConnectionError)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /**
   * Metadata of `topics` (all topics when undefined). Never creates a topic. Records the brokers'
   * addresses for `node()`.
   */
  async metadata(topics?: readonly string[]): Promise<MetadataResponse> {
    const connection = await this.any();
    const response = await connection.request(ApiKey.Metadata, {
      topics: topics === undefined ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    this.#brokers = new Map(response.brokers.map((b) => [b.nodeId, addressOf(b.host, b.port)]));
    return response;
  }

  /** Metadata of one existing topic; a topic that does not exist is `undefined`, other errors throw. */
  async topic(name: string): Promise<TopicMetadata | undefined> {
    const t = (await this.metadata([name])).topics.find((x) => x.name === name);
    if (t === undefined || t.errorCode === 3 /* UNKNOWN_TOPIC_OR_PARTITION */) return undefined;
    if (t.errorCode !== 0) throw new BrokerRequestError('Metadata', t.errorCode, null, `topic "${name}"`);
    return t;
  }

  /** The connection to broker `nodeId` (as found in the last metadata). */
  node(nodeId: number): Promise<BrokerConnection> {
    let c = this.#byNode.get(nodeId);
    if (c === undefined) {
      const address = this.#brokers.get(nodeId);
      if (address === undefined) return Promise.reject(new BrokerRequestError('Metadata', 5 /* LEADER_NOT_AVAILABLE */, `no address is known for broker ${nodeId}`));
      // The bootstrap connection serves its own broker (one connection to a single-broker cluster).
      c = this.#any?.address === address ? Promise.resolve(this.#any) : BrokerConnection.open(address, this.#settings);
      // A failed connection is forgotten so that a later call tries again.
      c.catch(() => this.#byNode.delete(nodeId));
      this.#byNode.set(nodeId, c);
    }
    return c;
  }

  /** The connection to broker `nodeId` at an address the cluster named (FindCoordinator's answer). */
  broker(nodeId: number, host: string, port: number): Promise<BrokerConnection> {
    const address = addressOf(host, port);
    if (this.#brokers.get(nodeId) !== address) {
      this.#brokers.set(nodeId, address);
      const known = this.#byNode.get(nodeId);
      this.#byNode.delete(nodeId);
      known?.then((c) => c !== this.#any && c.close(), () => {});
    }
    return this.node(nodeId);
  }

  /** The controller, for topic changes (any broker forwards them in KRaft; older ones need it). */
  async controller(): Promise<BrokerConnection> {
    const m = await this.metadata([]);
    return m.controllerId >= 0 && this.#brokers.has(m.controllerId) ? this.node(m.controllerId) : this.any();
  }

  close(): void {
    this.#any?.close();
    for (const c of this.#byNode.values()) c.then((x) => x.close(), () => {});
    this.#byNode.clear();
  }
}

/** `host:port`, with an IPv6 host in brackets. */
const addressOf = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;
