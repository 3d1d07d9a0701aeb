import type { Registry } from 'prom-client';
import { promClient } from '../../metrics/prom-client-library.ts';
import type { Server, Socket } from 'node:net';
import { CollectedMetric, type MetricType, type Sample } from '../../metrics/collected-metric.ts';
import { getApi } from '../../protocol/api-keys.ts';
import { errorCodeName } from '../../protocol/error-codes.ts';
import { ApiKey } from '../../protocol/api-keys.ts';
import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/produce.ts';
import type { FetchResponse } from '../../protocol/messages/fetch.ts';
import type { LogManager } from '../log/log-manager.ts';
import type { GroupCoordinator } from '../group/coordinator.ts';
import type { ClientAddress, DispatchResult, ResponseChunk } from '../server/connection.ts';
import { countErrorCodes } from './response-errors.ts';
import { RequestStats } from './request-stats.ts';
import { TopicTrafficTable } from './topic-traffic.ts';

export interface BrokerMetricsOptions {
  logs: LogManager;
  groups: GroupCoordinator;
  /** Open client connections. */
  connectionCount: () => number;
  /** Listener name on the socket-server series. Default PLAINTEXT. */
  listener?: string;
  /** A monotonic clock in ms for request latency. Default `performance.now`. */
  elapsed?: () => number;
}

type Dispatch = (frame: Buffer, client: ClientAddress) => DispatchResult;

const apiName = (apiKey: number) => getApi(apiKey)?.name ?? `api_${apiKey}`;

function chunkBytes(chunks: readonly ResponseChunk[] | null): number {
  let n = 0;
  for (const c of chunks ?? []) n += Buffer.isBuffer(c) ? c.length : c.deferredLength;
  return n;
}

/**
 * The broker's own metrics, under the names Kafka's metrics get from the Prometheus JMX exporter
 * with Strimzi's rules (`kafka.network<type=RequestMetrics, name=RequestsPerSec>` →
 * `kafka_network_requestmetrics_requests_total`), so Kafka dashboards and alerts apply as they
 * are. Counters are plain numbers bumped per request; everything about topics, partitions and
 * groups is read from the broker's objects when Prometheus scrapes.
 */
export class BrokerMetrics {
  readonly requests = new RequestStats();
  readonly traffic = new TopicTrafficTable();
  connectionsCreated = 0;
  connectionsClosed = 0;
  readonly #options: BrokerMetricsOptions;
  #registry: Registry | undefined;
  readonly #elapsed: () => number;

  constructor(options: BrokerMetricsOptions) {
    this.#options = options;
    this.#elapsed = options.elapsed ?? (() => performance.now());
  }

  /** The Prometheus registry, made at the first scrape (prom-client loads only then). */
  get registry(): Registry {
    if (this.#registry === undefined) {
      this.#registry = new (promClient().Registry)();
      for (const f of this.#families()) new CollectedMetric(f).registerIn(this.#registry);
    }
    return this.#registry;
  }

  /** Counts the connections a server accepts (TCP level, before quotas; as Kafka's connection-creation-total). */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.connectionsCreated++;
      socket.once('close', () => this.connectionsClosed++);
    });
  }

  /** Wraps a dispatcher: request bytes in, response bytes out, and latency per API. */
  instrument(dispatch: Dispatch): Dispatch {
    return (frame, client) => {
      const started = this.#elapsed();
      this.requests.incomingBytes += frame.length + 4;
      const result = dispatch(frame, client);
      const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
      const done = (chunks: ResponseChunk[] | null) => {
        this.requests.outgoingBytes += chunkBytes(chunks);
        if (getApi(apiKey) !== undefined) this.requests.of(apiKey).latency.observe(this.#elapsed() - started);
        return chunks;
      };
      return result instanceof Promise ? result.then(done) : done(result);
    };
  }

  /** The dispatcher's hook: one decoded request and its response body (null: acks=0). */
  observe(apiKey: number, apiVersion: number, request: unknown, response: object | null): void {
    this.requests.answered(apiKey, apiVersion);
    try {
      if (response !== null) countErrorCodes(response, this.requests.of(apiKey).errors);
      if (apiKey === ApiKey.Produce) this.traffic.produced(request as ProduceRequest, response as ProduceResponse | null);
      else if (apiKey === ApiKey.Fetch && response !== null) this.traffic.fetched(response as FetchResponse, (id) => this.#options.logs.topicById(id)?.name);
    } catch {
      // A figure is not worth a request: whatever a client sent, counting never fails it.
    }
  }

  #families(): Array<{ name: string; help: string; type: MetricType; collect: () => Sample[] }> {
    const { logs } = this.#options;
    const listener = { listener: this.#options.listener ?? 'PLAINTEXT' };
    const perApi = (f: (name: string, s: ReturnType<RequestStats['of']>) => Sample[]) => () => [...this.requests.apis].flatMap(([k, s]) => f(apiName(k), s));
    const perTopic = (read: (t: { bytesIn: number; messagesIn: number; bytesOut: number }) => number) => () =>
      [...this.traffic.topics].filter(([name]) => logs.topic(name) !== undefined).map(([topic, t]) => ({ labels: { topic }, value: read(t) }));
    const perPartition = (read: (p: { size: number; start: number; end: number }) => number) => () => {
      const out: Sample[] = [];
      for (const t of logs.topics) {
        t.partitions.forEach((p, i) => out.push({ labels: { topic: t.name, partition: String(i) }, value: read({ size: p.sizeInBytes, start: p.logStartOffset, end: p.logEndOffset }) }));
      }
      return out;
    };
    return [
      {
        name: 'kafka_network_requestmetrics_requests_total',
        help: 'Requests answered, by API and version (Kafka RequestMetrics RequestsPerSec)',
        type: 'counter',
        collect: perApi((request, s) => [...s.byVersion].map(([v, n]) => ({ labels: { request, version: String(v) }, value: n }))),
      },
      {
        name: 'kafka_network_requestmetrics_errors_total',
        help: 'Error codes in responses, by API and error, NONE included (Kafka RequestMetrics ErrorsPerSec)',
        type: 'counter',
        collect: perApi((request, s) => [...s.errors].map(([code, n]) => ({ labels: { request, error: errorCodeName(code) }, value: n }))),
      },
      {
        name: 'kafka_network_requestmetrics_totaltimems',
        help: 'Milliseconds from dispatching a request to its response being ready, by API (Kafka RequestMetrics TotalTimeMs)',
        type: 'histogram',
        collect: perApi((request, s) => [
          ...s.latency.cumulative().map(([le, n]) => ({ labels: { request, le }, value: n, metricName: 'kafka_network_requestmetrics_totaltimems_bucket' })),
          { labels: { request }, value: s.latency.sum, metricName: 'kafka_network_requestmetrics_totaltimems_sum' },
          { labels: { request }, value: s.latency.count, metricName: 'kafka_network_requestmetrics_totaltimems_count' },
        ]),
      },
      { name: 'kafka_server_socket_server_metrics_incoming_byte_total', help: 'Request bytes read from clients (socket-server-metrics incoming-byte-total)', type: 'counter', collect: () => [{ labels: listener, value: this.requests.incomingBytes }] },
      { name: 'kafka_server_socket_server_metrics_outgoing_byte_total', help: 'Response bytes sent to clients (socket-server-metrics outgoing-byte-total)', type: 'counter', collect: () => [{ labels: listener, value: this.requests.outgoingBytes }] },
      { name: 'kafka_server_socket_server_metrics_connection_count', help: 'Open client connections (socket-server-metrics connection-count)', type: 'gauge', collect: () => [{ labels: listener, value: this.#options.connectionCount() }] },
      { name: 'kafka_server_socket_server_metrics_connection_creation_total', help: 'Connections accepted (socket-server-metrics connection-creation-total)', type: 'counter', collect: () => [{ labels: listener, value: this.connectionsCreated }] },
      { name: 'kafka_server_socket_server_metrics_connection_close_total', help: 'Connections closed (socket-server-metrics connection-close-total)', type: 'counter', collect: () => [{ labels: listener, value: this.connectionsClosed }] },
      { name: 'kafka_server_brokertopicmetrics_bytesin_total', help: 'Record bytes appended by produce requests, by topic (BrokerTopicMetrics BytesInPerSec)', type: 'counter', collect: perTopic((t) => t.bytesIn) },
      { name: 'kafka_server_brokertopicmetrics_messagesin_total', help: 'Records appended by produce requests, by topic (BrokerTopicMetrics MessagesInPerSec)', type: 'counter', collect: perTopic((t) => t.messagesIn) },
      { name: 'kafka_server_brokertopicmetrics_bytesout_total', help: 'Record bytes sent in fetch responses, by topic (BrokerTopicMetrics BytesOutPerSec)', type: 'counter', collect: perTopic((t) => t.bytesOut) },
      { name: 'kafka_server_replicamanager_partitioncount', help: 'Partitions on this broker (ReplicaManager PartitionCount)', type: 'gauge', collect: () => [{ labels: {}, value: logs.partitionCount }] },
      { name: 'kafka_server_replicamanager_leadercount', help: 'Partitions this broker leads (all of them: a single node)', type: 'gauge', collect: () => [{ labels: {}, value: logs.partitionCount }] },
      { name: 'kafka_log_log_size', help: 'Bytes of a partition log on disk (Log Size)', type: 'gauge', collect: perPartition((p) => p.size) },
      { name: 'kafka_log_log_logstartoffset', help: 'First offset of a partition log (Log LogStartOffset)', type: 'gauge', collect: perPartition((p) => p.start) },
      { name: 'kafka_log_log_logendoffset', help: 'Offset the next record of a partition gets (Log LogEndOffset)', type: 'gauge', collect: perPartition((p) => p.end) },
      ...groupFamilies(this.#options.groups, logs),
    ];
  }
}

const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Empty'] as const;

/** Group counts (GroupMetadataManager NumGroups...) and lag per group partition (kafka_exporter's name). */
function groupFamilies(groups: GroupCoordinator, logs: LogManager): Array<{ name: string; help: string; type: MetricType; collect: () => Sample[] }> {
  const listed = () => groups.listGroups({ statesFilter: [], typesFilter: [] }, 5).groups;
  return [
    { name: 'kafka_coordinator_group_groupmetadatamanager_numgroups', help: 'Consumer groups (GroupMetadataManager NumGroups)', type: 'gauge', collect: () => [{ labels: {}, value: listed().length }] },
    ...GROUP_STATES.map((state) => ({
      name: `kafka_coordinator_group_groupmetadatamanager_numgroups${state.toLowerCase()}`,
      help: `Consumer groups in state ${state} (GroupMetadataManager NumGroups${state})`,
      type: 'gauge' as const,
      collect: () => [{ labels: {}, value: listed().filter((g) => g.groupState === state).length }],
    })),
    {
      name: 'kafka_consumergroup_lag',
      help: 'Log end offset minus the committed offset, per group and partition (as kafka_exporter and kafka-consumer-groups --describe compute it)',
      type: 'gauge',
      collect: () => {
        const out: Sample[] = [];
        for (const g of listed()) {
          const fetched = groups.offsetFetch({ groups: [{ groupId: g.groupId, topics: null }] }, 8).groups[0];
          for (const t of fetched?.topics ?? []) {
            for (const p of t.partitions) {
              const log = logs.partition(t.name, p.partitionIndex);
              if (log === undefined || p.committedOffset < 0n) continue;
              out.push({ labels: { consumergroup: g.groupId, topic: t.name, partition: String(p.partitionIndex) }, value: Math.max(0, log.logEndOffset - Number(p.committedOffset)) });
            }
          }
        }
        return out;
      },
    },
  ];
}
