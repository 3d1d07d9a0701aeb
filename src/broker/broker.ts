import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LogManager } from './log/log-manager.ts';
import { DEFAULT_FLUSH_POLICY, Flusher, type FlushPolicy } from './log/flush-policy.ts';
import { LogCleaner } from './log/cleaner/index.ts';
import { GroupCoordinator } from './group/coordinator.ts';
import { FileOffsetStore } from './group/file-offset-store.ts';
import { TransactionCoordinator } from './txn/transaction-coordinator.ts';
import { TxnStateStore } from './txn/txn-state-store.ts';
import { Connection } from './server/connection.ts';
import { createDispatcher } from './server/dispatcher.ts';
import type { BrokerContext } from './broker-context.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { SluiceError } from '../core/errors/sluice-error.ts';

/** Options of {@link startBroker}. Only `dataDir` is required. */
export interface BrokerOptions {
  /** Directory for logs, offsets and metadata; created if missing, recovered if present. */
  dataDir: string;
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Host clients are told to connect to (Metadata, FindCoordinator). Default: `host`. */
  advertisedHost?: string;
  /** Broker id reported to clients. Default 1. */
  nodeId?: number;
  /** Create unknown topics when a client asks Metadata for them. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1. Default 1 (Kafka's num.partitions). */
  defaultPartitions?: number;
  /** Broker-wide defaults for topic configs, e.g. `{ 'retention.ms': '3600000' }`. */
  topicDefaults?: Record<string, string>;
  /** When acknowledged data is fsynced. Default `{ mode: 'os' }` (see FlushPolicy). */
  flush?: FlushPolicy;
  /** Largest request frame accepted; bigger ones close the connection. Default 100 MiB. */
  maxFrameBytes?: number;
  /** Connections idle this long are closed (connections.max.idle.ms). Default 10 min. */
  connectionsMaxIdleMs?: number;
  /** How often retention runs. Default 60 s. */
  retentionCheckIntervalMs?: number;
  /**
   * Log compaction of `cleanup.policy=compact` topics. `intervalMs` is the pause between looks
   * when nothing was cleanable (Kafka's log.cleaner.backoff.ms, default 15 s); `enabled: false`
   * turns the cleaner off (Kafka's log.cleaner.enable).
   */
  cleaner?: { intervalMs?: number; enabled?: boolean };
  /** Group coordinator settings (Kafka's group.* broker configs). */
  groups?: { minSessionTimeoutMs?: number; maxSessionTimeoutMs?: number; initialRebalanceDelayMs?: number };
  /** Longest transaction timeout a producer may ask for (transaction.max.timeout.ms). Default 15 min. */
  maxTransactionTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A running broker. */
export interface RunningBroker {
  /** `host:port` to give clients as bootstrap servers. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops accepting, closes connections, flushes and closes every log. */
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
 * const broker = await startBroker({ port: 0, dataDir: './data' });
 * console.log(`Kafka clients can connect to ${broker.bootstrap}`);
 * await broker.close();
 * ```
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? rootLogger).child({ component: 'broker' });
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });
  const logs = LogManager.open(options.dataDir, clock, options.topicDefaults ?? {});
  const groups = new GroupCoordinator({
    clock,
    store: new FileOffsetStore(join(options.dataDir, 'group-offsets')),
    topicExists: (topic, partition) => logs.partition(topic, partition) !== undefined,
    ...options.groups,
  });
  const flusher = new Flusher(options.flush ?? DEFAULT_FLUSH_POLICY);
  const txns = new TransactionCoordinator({
    clock,
    store: new TxnStateStore(options.dataDir),
    logs,
    offsets: groups.transactions,
    log,
    maxTimeoutMs: options.maxTransactionTimeoutMs,
  });
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 9092, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    logs.close();
    groups.close();
    throw new BrokerStartError(`cannot listen on ${host}:${options.port ?? 9092}: ${(err as Error).message}`, err);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 9092);
  const context: BrokerContext = {
    nodeId: options.nodeId ?? 1,
    clusterId: clusterIdOf(options.dataDir),
    host: options.advertisedHost ?? host,
    port,
    logs,
    groups,
    txns,
    flusher,
    clock,
    log,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    maxFetchWaitMs: 30_000,
  };
  const dispatch = createDispatcher(context);
  const limits = {
    maxFrameBytes: options.maxFrameBytes ?? 100 * 1024 * 1024,
    maxInFlight: 1000,
    idleTimeoutMs: options.connectionsMaxIdleMs ?? 600_000,
  };
  const connections = new Set<Connection>();
  let nextConnectionId = 1;
  server.on('connection', (socket: Socket) => {
    const connection = new Connection(socket, nextConnectionId++, dispatch, limits, log);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  const tick = setInterval(() => {
    groups.tick();
    const aborted = txns.tick();
    if (aborted.length > 0) flusher.afterAppend(aborted);
  }, 100);
  const retention = setInterval(() => {
    const deleted = logs.applyRetention();
    if (deleted > 0) log.info({ segments: deleted }, 'retention deleted segments');
  }, options.retentionCheckIntervalMs ?? 60_000);
  tick.unref();
  retention.unref();
  const cleaner = options.cleaner?.enabled === false ? null : new LogCleaner({ logs, clock, log, intervalMs: options.cleaner?.intervalMs });
  cleaner?.start();
  log.info({ host, port, dataDir: options.dataDir }, 'broker listening');

  let closing: Promise<void> | null = null;
  return {
    bootstrap: `${context.host}:${port}`,
    host: context.host,
    port,
    dataDir: options.dataDir,
    close() {
      closing ??= (async () => {
        clearInterval(tick);
        clearInterval(retention);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.close();
        await closed;
        await cleaner?.stop();
        flusher.close();
        groups.close();
        logs.close();
        log.info('broker stopped');
      })();
      return closing;
    },
  };
}
