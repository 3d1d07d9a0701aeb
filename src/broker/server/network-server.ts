import { createServer, type Server, type Socket } from 'node:net';
import { Connection, type ClientAddress, type DispatchResult } from './connection.ts';
import { ConnectionQuotas, type ConnectionLimits } from './connection-quotas.ts';
import { ConnectionSession } from './connection-session.ts';
import { MemoryPool } from './memory-pool.ts';
import { upgradeSocket } from './socket-upgrade.ts';
import type { Listener } from './listener.ts';
import type { LimitWarnings } from '../limit-warnings.ts';
import type { Logger } from '../../util/logger.ts';
import type { Principal } from '../security/principal.ts';
import type { SaslAuthenticator } from '../security/sasl/authenticator.ts';
import { clientHost } from '../security/acl/authorizer.ts';

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

/** What connections on secured listeners need from the broker's security. */
export interface NetworkSecurity {
  /** `ssl.principal.mapping.rules` on a certificate subject (null subject: no certificate). */
  principalOf(subject: string | null): Principal | null;
  newSaslAuthenticator(): SaslAuthenticator;
}

export interface NetworkServerOptions {
  limits: NetworkLimits;
  listeners: readonly Listener[];
  security: NetworkSecurity;
  dispatch: (frame: Buffer, client: ClientAddress) => DispatchResult;
  warnings: LimitWarnings;
  now: () => number;
  log: Logger;
}

/**
 * The listening side of the broker: one server socket per listener, connections accepted within
 * Kafka's connection quotas (shared by all listeners), the first bytes sniffed (TLS vs Kafka) and
 * TLS listeners' handshakes run before frames are read, every connection given the shared request
 * memory pool, and connections whose request has been arriving for longer than the read deadline
 * (a client sending a byte now and then) closed.
 */
export class NetworkServer {
  readonly servers: Server[] = [];
  readonly pool: MemoryPool;
  readonly #quotas: ConnectionQuotas;
  readonly #options: NetworkServerOptions;
  readonly #connections = new Set<Connection>();
  /** Sockets accepted but still in their TLS handshake or first bytes. */
  readonly #upgrading = new Set<Socket>();
  #nextId = 1;
  #sweep: NodeJS.Timeout | null = null;

  constructor(options: NetworkServerOptions) {
    this.#options = options;
    this.pool = new MemoryPool(options.limits.queuedMaxRequestBytes);
    this.#quotas = new ConnectionQuotas(options.limits);
  }

  /** Listens on every listener; fills in the advertised port of listeners bound to port 0. */
  async listen(): Promise<void> {
    for (const listener of this.#options.listeners) {
      const server = createServer((socket) => this.#accept(socket, listener));
      this.servers.push(server);
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listener.bind.port, listener.bind.host === '' ? undefined : listener.bind.host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : listener.bind.port);
        });
      }).catch(async (err: Error) => {
        await this.close();
        throw new Error(`${listener.name}://${listener.bind.host}:${listener.bind.port}: ${err.message}`, { cause: err });
      });
      listener.listenPort = port;
      if (listener.advertised.port === 0) listener.advertised.port = port;
    }
    this.#sweep = setInterval(() => this.#closeSlowRequests(), 1000);
    this.#sweep.unref();
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  #accept(socket: Socket, listener: Listener): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const refusal = this.#quotas.tryAccept(ip);
    if (refusal) {
      socket.destroy();
      const how = refusal.limit === 'max.connections' ? `raise max.connections (--max-connections, or AlterConfigs on the broker)` : `raise max.connections.per.ip (--max-connections-per-ip) or add ${ip} to max.connections.per.ip.overrides`;
      this.#options.warnings.warn(refusal.limit, `refused a connection from ${ip}: ${refusal.limit} (${refusal.value}) reached; ${how}`, { client: ip });
      return;
    }
    socket.once('close', () => this.#quotas.release(ip));
    socket.on('error', (err) => this.#options.log.debug({ err, client: ip }, 'socket error'));
    this.#upgrading.add(socket);
    const { security } = this.#options;
    void upgradeSocket(socket, listener, { principalOf: (s) => security.principalOf(s), timeoutMs: this.#options.limits.requestReadTimeoutMs(), tls: listener.tls?.handshaker ?? null }).then((up) => {
      this.#upgrading.delete(socket);
      if (up === null) return;
      if ('refused' in up) {
        this.#options.warnings.warn(`${up.kind}:${listener.name}`, up.refused, { client: ip, listener: listener.name });
        return;
      }
      if (socket.destroyed) return;
      const session = new ConnectionSession(listener, clientHost(socket.remoteAddress), up.principal, listener.sasl ? security.newSaslAuthenticator() : null);
      this.#open(up.socket, session);
    });
  }

  #open(socket: Socket, session: ConnectionSession): void {
    const { limits } = this.#options;
    const sasl = session.sasl;
    const connection = new Connection(socket, this.#nextId++, this.#options.dispatch, {
      pool: this.pool,
      maxFrameBytes: sasl ? () => sasl.maxFrameBytes(limits.maxFrameBytes()) : () => limits.maxFrameBytes(),
      idleTimeoutMs: limits.idleTimeoutMs,
      maxInFlight: MAX_IN_FLIGHT,
      responseBacklogBytes: RESPONSE_BACKLOG_BYTES,
      now: this.#options.now,
      log: this.#options.log,
      session,
    });
    this.#connections.add(connection);
    socket.once('close', () => this.#connections.delete(connection));
    socket.resume();
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
    const closed = Promise.all(this.servers.filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const s of this.#upgrading) s.destroy();
    for (const c of this.#connections) c.close();
    return closed.then(() => undefined);
  }
}
