import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { LogManager } from './log/log-manager.ts';
import { LogStorage } from './log/log-storage.ts';
import { DEFAULT_FLUSH_POLICY, Flusher, type FlushPolicy } from './log/flush-policy.ts';
import { LogCleaner } from './log/cleaner/index.ts';
import { GroupCoordinator } from './group/coordinator.ts';
import { FileOffsetStore } from './group/file-offset-store.ts';
import { TransactionCoordinator } from './txn/transaction-coordinator.ts';
import { TxnStateStore } from './txn/txn-state-store.ts';
import { NetworkServer } from './server/network-server.ts';
import { createDispatcher } from './server/dispatcher.ts';
import { BrokerMetrics } from './metrics/broker-metrics.ts';
import { BrokerSettings } from './config/broker-settings.ts';
import { ClientQuotaStore } from './quota/client-quotas.ts';
import { staticConfigsOf, type ConfigShorthands } from './config/static-configs.ts';
import { LimitWarnings } from './limit-warnings.ts';
import { lockDataDir, recordLockPort, type DataDirLock } from './data-dir-lock.ts';
import type { BrokerContext } from './broker-context.ts';
import { listenersOf, type BrokerSecurityConfig } from './listener-setup.ts';
import { BrokerSecurity } from './security/broker-security.ts';
import { brokerAccess, type BrokerAccess } from './security/broker-access.ts';
import { unauthenticatedExposureWarning } from './security/listeners.ts';
import type { Listener } from './server/listener.ts';
import type { SecurityProtocol } from './security/listeners.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { SluiceError } from '../core/errors/sluice-error.ts';

/** Options of {@link startBroker}. Only `dataDir` is required. */
export interface BrokerOptions extends ConfigShorthands, BrokerSecurityConfig {
  /** Directory for logs, offsets and metadata; created if missing, recovered if present. Locked while the broker runs. */
  dataDir: string;
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Host clients are told to connect to (Metadata, FindCoordinator). Default: `host`. */
  advertisedHost?: string;
  /** Port clients are told to connect to (behind a proxy or a port mapping). Default: the listening port. */
  advertisedPort?: number;
  /** Broker id reported to clients. Default 1. */
  nodeId?: number;
  /** When acknowledged data is fsynced. Default `{ mode: 'os' }` (see FlushPolicy). */
  flush?: FlushPolicy;
  clock?: Clock;
  logger?: Logger;
}

/** One listener of a running broker. */
export interface RunningListener {
  readonly name: string;
  readonly protocol: SecurityProtocol;
  /** Advertised `host:port` of this listener. */
  readonly bootstrap: string;
  /** The port it listens on. */
  readonly listenPort: number;
}

/** A running broker. */
export interface RunningBroker {
  /** Every listener, in the order configured. */
  readonly listeners: readonly RunningListener[];
  /** `host:port` to give clients as bootstrap servers (the first listener's). */
  readonly bootstrap: string;
  readonly host: string;
  /** The advertised port (the listening one unless `advertisedPort` was given). */
  readonly port: number;
  /** The port the broker listens on. */
  readonly listenPort: number;
  readonly dataDir: string;
  /** The broker's Prometheus metrics (Kafka's names; see docs/monitoring.md). */
  readonly metrics: BrokerMetrics;
  /** The broker's users and ACLs for in-process services such as the dashboard (HTTP Basic, per-user views). */
  readonly access: BrokerAccess;
  /** Stops accepting, closes connections, flushes and closes every log, releases the data directory. */
  close(): Promise<void>;
}

export class BrokerStartError extends SluiceError {
  constructor(message: string, cause?: unknown) {
    super('SLUICE_BROKER_START_FAILED', message, { cause });
  }
}

/** Reads or creates the cluster id kept in `<dataDir>/meta.json`. */
function clusterIdOf(dataDir: string): string {
  const file = join(dataDir, 'meta.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { clusterId: string }).clusterId;
  const clusterId = randomBytes(16).toString('base64url');
  writeFileAtomic(file, JSON.stringify({ clusterId }));
  return clusterId;
}

/**
 * Starts the embedded Kafka-compatible broker.
 *
 * @example
 * ```ts
 * import { startBroker } from 'sluice/broker';
 * const broker = await startBroker({ port: 0, dataDir: './data', config: { 'max.connections': 200 } });
 * console.log(`Kafka clients can connect to ${broker.bootstrap}`);
 * await broker.close();
 * ```
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? rootLogger).child({ component: 'broker' });
  const host = options.host ?? '127.0.0.1';
  const nodeId = options.nodeId ?? 1;
  const started = performance.now();
  let listeners: Listener[];
  try {
    listeners = listenersOf({ ...options, host, port: options.port ?? 9092 });
  } catch (err) {
    throw err instanceof SluiceError ? err : new BrokerStartError((err as Error).message, err);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const derived: Record<string, string> = {
    'node.id': String(nodeId),
    'broker.id': String(nodeId),
    'process.roles': 'broker,controller',
    'log.dirs': resolve(options.dataDir),
    'log.dir': resolve(options.dataDir),
  };
  let settings: BrokerSettings;
  let quotas: ClientQuotaStore;
  try {
    settings = new BrokerSettings(staticConfigsOf(options), derived, options.dataDir);
    quotas = new ClientQuotaStore(options.dataDir);
  } catch (err) {
    throw new BrokerStartError((err as Error).message, err);
  }
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(options.dataDir);
  } catch (err) {
    throw err instanceof SluiceError ? err : new BrokerStartError(`cannot lock ${options.dataDir}: ${(err as Error).message}`, err);
  }
  const warnings = new LimitWarnings(log, clock);
  let security: BrokerSecurity;
  try {
    security = BrokerSecurity.open({
      dataDir: options.dataDir,
      clock,
      log,
      ...(options.saslUsersFile !== undefined && { saslUsersFile: options.saslUsersFile }),
      ...(options.authorizer !== undefined && { authorizer: options.authorizer }),
      sasl: { ...(options.saslMechanisms && { mechanisms: options.saslMechanisms }), ...(options.connectionsMaxReauthMs !== undefined && { maxReauthMs: options.connectionsMaxReauthMs }) },
      ...(options.sslPrincipalMappingRules !== undefined && { sslPrincipalMappingRules: options.sslPrincipalMappingRules }),
    });
  } catch (err) {
    await lock.release();
    throw err;
  }
  const storage = new LogStorage(settings.number('sluice.max.open.segment.files'));
  let logs: LogManager;
  try {
    logs = LogManager.open(options.dataDir, clock, settings.topicDefaults(), { storage, maxPartitions: settings.number('sluice.max.partitions'), logger: log });
  } catch (err) {
    await lock.release();
    throw err;
  }
  const groups = new GroupCoordinator({
    clock,
    store: new FileOffsetStore(join(options.dataDir, 'group-offsets')),
    topicExists: (topic, partition) => logs.partition(topic, partition) !== undefined,
    minSessionTimeoutMs: settings.number('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: settings.number('group.max.session.timeout.ms'),
    initialRebalanceDelayMs: settings.number('group.initial.rebalance.delay.ms'),
    groupMaxSize: settings.number('group.max.size'),
    offsetMetadataMaxBytes: settings.number('offset.metadata.max.bytes'),
    offsetsRetentionMs: settings.number('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: settings.number('offsets.retention.check.interval.ms'),
  });
  const flusher = new Flusher(options.flush ?? DEFAULT_FLUSH_POLICY);
  const txns = new TransactionCoordinator({
    clock,
    store: new TxnStateStore(options.dataDir),
    logs,
    offsets: groups.transactions,
    log,
    maxTimeoutMs: settings.number('transaction.max.timeout.ms'),
  });
  // The context is completed with the port once listening; handlers only run after that.
  const context = { nodeId, clusterId: clusterIdOf(options.dataDir), host: listeners[0]!.advertised.host, port: 0, security, logs, groups, txns, flusher, clock, log, settings, quotas, warnings, maxFetchWaitMs: 30_000 };
  let network: NetworkServer | undefined;
  const metrics = new BrokerMetrics({ logs, groups, connectionCount: () => network?.connectionCount ?? 0 });
  network = new NetworkServer({
    limits: {
      maxConnections: () => settings.number('max.connections'),
      maxConnectionsPerIp: () => settings.number('max.connections.per.ip'),
      perIpOverrides: () => settings.value('max.connections.per.ip.overrides') ?? '',
      maxFrameBytes: () => settings.number('socket.request.max.bytes'),
      queuedMaxRequestBytes: settings.number('queued.max.request.bytes'),
      idleTimeoutMs: settings.number('connections.max.idle.ms'),
      requestReadTimeoutMs: () => settings.number('sluice.request.read.timeout.ms'),
    },
    listeners,
    security: { principalOf: (subject) => security.principalMapper.principalOf(subject), newSaslAuthenticator: () => security.newSaslAuthenticator() },
    dispatch: metrics.instrument(createDispatcher(context as BrokerContext, (key, version, req, res) => metrics.observe(key, version, req, res))),
    warnings,
    now: () => clock.now(),
    log,
  });
  try {
    await network.listen();
  } catch (err) {
    logs.close();
    groups.close();
    await lock.release();
    throw new BrokerStartError(`cannot listen on ${(err as Error).message}`, err);
  }
  for (const server of network.servers) metrics.watch(server);
  const port = listeners[0]!.listenPort;
  context.port = listeners[0]!.advertised.port;
  const hostPort = (h: string, p: number) => `${h.includes(':') ? `[${h}]` : h}:${p}`;
  derived.listeners = listeners.map((l) => `${l.name}://${hostPort(l.bind.host, l.listenPort)}`).join(',');
  derived['advertised.listeners'] = listeners.map((l) => `${l.name}://${hostPort(l.advertised.host, l.advertised.port)}`).join(',');
  recordLockPort(options.dataDir, port);
  const exposure = unauthenticatedExposureWarning(listeners.map((l) => l.bind), listeners.find((l) => l.tls)?.tls?.clientAuth ?? 'none');
  if (exposure !== null) log.warn(exposure);

  const tick = setInterval(() => {
    groups.tick();
    const aborted = txns.tick();
    if (aborted.length > 0) flusher.afterAppend(aborted);
    logs.flushDue(clock.now());
  }, 100);
  const housekeeping = setInterval(() => logs.tick(), 1000);
  const retention = setInterval(() => {
    const deleted = logs.applyRetention();
    if (deleted > 0) log.info({ segments: deleted }, 'retention deleted segments');
  }, settings.number('log.retention.check.interval.ms'));
  for (const t of [tick, housekeeping, retention]) t.unref();
  const cleaner = settings.bool('log.cleaner.enable') ? new LogCleaner({ logs, clock, log, intervalMs: settings.number('log.cleaner.backoff.ms') }) : null;
  cleaner?.start();
  const unsubscribe = settings.onChange((changed) => {
    logs.setBrokerDefaults(settings.topicDefaults());
    logs.maxPartitions = settings.number('sluice.max.partitions');
    if (changed.includes('log.cleaner.backoff.ms')) cleaner?.reschedule(settings.number('log.cleaner.backoff.ms'));
  });
  log.info(
    { host: listeners[0]!.bind.host, port, ...(listeners.length > 1 && { listeners: derived.listeners }), dataDir: options.dataDir, topics: [...logs.topics].length, partitions: logs.partitionCount, startMs: Math.round(performance.now() - started) },
    'broker listening',
  );

  let closing: Promise<void> | null = null;
  return {
    listeners: listeners.map((l) => ({ name: l.name, protocol: l.protocol, bootstrap: hostPort(l.advertised.host, l.advertised.port), listenPort: l.listenPort })),
    bootstrap: `${context.host}:${context.port}`,
    host: context.host,
    port: context.port,
    listenPort: port,
    dataDir: options.dataDir,
    metrics,
    access: brokerAccess(security, listeners.some((l) => l.sasl)),
    close() {
      closing ??= (async () => {
        for (const t of [tick, housekeeping, retention]) clearInterval(t);
        unsubscribe();
        await network.close();
        await cleaner?.stop();
        flusher.close();
        groups.close();
        await logs.flushAllAsync();
        logs.close();
        await lock.release();
        log.info('broker stopped');
      })();
      return closing;
    },
  };
}
