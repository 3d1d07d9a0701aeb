import { createServer, type Server, type Socket } from 'node:net';
import { Connection, type ClientAddress, type DispatchResult } from './connection.ts';
import { ConnectionQuotas, type ConnectionLimits } from './connection-quotas.ts';
import { MemoryPool } from './memory-pool.ts';
import type { LimitWarnings } from '../limit-warnings.ts';
import type { Logger } from '../../util/logger.ts';

/** Requests a connection may have unanswered before it stops being read. */
const MAX_IN_FLIGHT = 100;
/** Unwritten response bytes above which a connection stops being read. */
export const RESPONSE_BACKLOG_BYTES = 1024 * 1024;

export interface NetworkLimits extends ConnectionLimits {
  /** socket.request.max.bytes */
  maxFrameBytes(): number;
  /** queued.max.request.bytes (< 0: no limit) */
  queuedMaxRequestBytes: number;
  /** connections.max.idle.ms */
  idleTimeoutMs: number;
  /** sluice.request.read.timeout.ms */
  requestReadTimeoutMs(): number;
}

export interface NetworkServerOptions {
  limits: NetworkLimits;
  dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult;
  warnings: LimitWarnings;
  now: () => number;
  log: Logger;
}

/**
 * The listening side of the broker: accepts connections within Kafka's connection quotas, gives
 * every connection the shared request memory pool, and closes connections whose request has been
 * arriving for longer than the read deadline (a client sending a byte now and then). A TLS
 * listener would create its server with `tls.createServer` here; connections take any net.Socket.
 */
export class NetworkServer {
  readonly server: Server;
  readonly pool: MemoryPool;
  readonly #quotas: ConnectionQuotas;
  readonly #options: NetworkServerOptions;
  readonly #connections = new Set<Connection>();
  #nextId = 1;
  #sweep: NodeJS.Timeout | null = null;

  constructor(options: NetworkServerOptions) {
    this.#options = options;
    this.pool = new MemoryPool(options.limits.queuedMaxRequestBytes);
    this.#quotas = new ConnectionQuotas(options.limits);
    this.server = createServer((socket) => this.#accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    }).then((p) => {
      this.#sweep = setInterval(() => this.#closeSlowRequests(), 1000);
      this.#sweep.unref();
      return p as number;
    });
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  #accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const refusal = this.#quotas.tryAccept(ip);
    if (refusal) {
      socket.destroy();
      const how = refusal.limit === 'max.connections' ? `raise max.connections (--max-connections, or AlterConfigs on the broker)` : `raise max.connections.per.ip (--max-connections-per-ip) or add ${ip} to max.connections.per.ip.overrides`;
      this.#options.warnings.warn(refusal.limit, `refused a connection from ${ip}: ${refusal.limit} (${refusal.value}) reached; ${how}`, { client: ip });
      return;
    }
    const { limits } = this.#options;
    const connection = new Connection(socket, this.#nextId++, this.#options.dispatch, {
      pool: this.pool,
      maxFrameBytes: () => limits.maxFrameBytes(),
      idleTimeoutMs: limits.idleTimeoutMs,
      maxInFlight: MAX_IN_FLIGHT,
      responseBacklogBytes: RESPONSE_BACKLOG_BYTES,
      now: this.#options.now,
      log: this.#options.log,
    });
    this.#connections.add(connection);
    socket.once('close', () => {
      this.#connections.delete(connection);
      this.#quotas.release(ip);
    });
  }

  #closeSlowRequests(): void {
    const timeout = this.#options.limits.requestReadTimeoutMs();
    const now = this.#options.now();
    for (const c of this.#connections) {
      const since = c.requestArrivingSince;
      if (since === null || now - since <= timeout) continue;
      this.#options.warnings.warn(
        'sluice.request.read.timeout.ms',
        `closed a connection from ${c.client.host} whose request took more than sluice.request.read.timeout.ms (${timeout} ms) to arrive; raise it for very slow links`,
        { client: c.client.host },
      );
      c.abort(`request not received within ${timeout} ms (sluice.request.read.timeout.ms)`, 'debug');
    }
  }

  /** Stops accepting and closes every connection. */
  close(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.#connections) c.close();
    return closed;
  }
}
