import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { renderMetrics } from '../metrics/render.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { DashboardRequestError, DashboardStartError, forbidden, notFound } from './errors.ts';
import { AccessControl, isLoopbackHost, tokenFor } from './http/access.ts';
import { BasicAuthenticator, EVERYONE, type DashboardAuth } from './http/basic-auth.ts';
import { Router, type Reply } from './http/router.ts';
import { loadStaticFiles } from './http/static-files.ts';
import type { JobView } from './job-view.ts';
import { DashboardClients, type KafkaConnection } from './kafka/clients.ts';
import { ClusterJobView } from './cluster-job-view.ts';
import { StatusFollower } from './kafka/status-follower.ts';
import { KafkaClusterView } from './kafka/cluster-view.ts';
import { registerJobRoutes } from './rest/jobs-api.ts';
import { toJson } from './rest/json.ts';
import { registerKafkaRoutes } from './rest/kafka-api.ts';
import { SluiceErrorCodes } from '../core/errors/codes.ts';
import { clientHost } from '../broker/security/acl/authorizer.ts';

export interface DashboardOptions {
  /** Address to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Token required from clients. Default: none on loopback; generated (and returned in `url`) when
   * bound to another address — the dashboard is never open to a network without one.
   */
  token?: string;
  /** Serve HTTPS with this certificate chain and private key (PEM), e.g. the broker's `--ssl-cert` / `--ssl-key`. */
  tls?: { cert: string | Buffer; key: string | Buffer; passphrase?: string };
  /**
   * HTTP Basic authentication against these users, and per-user views (topics and groups filtered
   * by DESCRIBE, messages needing READ, `/metrics` needing DESCRIBE on the cluster). Replaces the
   * token. Off loopback it needs `tls`: passwords are never accepted in clear over a network.
   */
  auth?: DashboardAuth;
  /** The jobs to show; without it the job pages say there are none. */
  jobs?: JobView;
  /** The Kafka cluster the broker pages read; without it they are off. */
  kafka?: KafkaConnection;
  /** The registries `/metrics` serves (read on every scrape, so workers may come and go). */
  metrics?: () => readonly Registry[];
  /** Also serve Node.js process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  clock?: Clock;
  logger?: Logger;
}

/** A running dashboard. */
export interface RunningDashboard {
  /** Address to open, with `?token=` when a token is required. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  close(): Promise<void>;
}

/** Kafka-backed requests served at once; more get 503 (a page retries on its next refresh). */
const MAX_KAFKA_REQUESTS = 4;
const MAX_URL_LENGTH = 4096;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * Starts the dashboard's HTTP server (node:http): `/metrics` (Prometheus text), the REST API for
 * jobs (Flink's paths) and for the Kafka cluster (`/kafka/...`), and the web UI.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ kafka: { bootstrap: ['localhost:9092'] } });
 * console.error(`dashboard: ${dashboard.url}`);
 * // ...
 * await dashboard.close();
 * ```
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  if (options.auth !== undefined && options.token !== undefined) throw new DashboardStartError('cannot start the dashboard: give either a token or HTTP Basic users (auth), not both');
  if (options.auth !== undefined && options.tls === undefined && !isLoopbackHost(host)) {
    throw new DashboardStartError(
      `cannot start the dashboard on ${host}: HTTP Basic would send passwords in clear over the network. Serve it over HTTPS (--dashboard-tls with --ssl-cert/--ssl-key, or the tls option), or bind it to 127.0.0.1`,
    );
  }
  const token = options.auth === undefined ? tokenFor(host, options.token) : undefined;
  const log = options.logger ?? rootLogger;
  const clock = options.clock ?? systemClock;
  const access = new AccessControl(host, token);
  const basic = options.auth === undefined ? undefined : new BasicAuthenticator(options.auth, clock);
  const files = loadStaticFiles();
  const router = new Router();

  const extra = options.processMetrics === false ? [] : [processRegistry()];
  router.get('/metrics', async (_params, _query, viewer) => {
    if (!viewer.can('DESCRIBE', 'CLUSTER', 'kafka-cluster')) throw forbidden(`/metrics needs DESCRIBE on the cluster for User:${viewer.user}`);
    return {
    text: await renderMetrics([...(options.metrics?.() ?? []), ...extra]),
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    };
  });
  router.get('/config', () => ({ json: { 'refresh-interval': 2000, features: { jobs: options.jobs !== undefined || (options.kafka !== undefined && options.auth === undefined), kafka: options.kafka !== undefined } } }));
  const clients = options.kafka ? new DashboardClients(options.kafka) : undefined;
  registerJobRoutes(router, clusterJobs(options.jobs ?? emptyJobView, clients, options.auth === undefined, clock), () => clock.now());
  if (clients) registerKafkaRoutes(router, new KafkaClusterView(clients), clients);

  let kafkaInFlight = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // No endpoint reads a body: drain whatever a client sends so the connection stays usable.
    req.resume();
    if ((req.url ?? '').length > MAX_URL_LENGTH) return send(res, 414, { json: { errors: ['URL too long'] } });
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const decision = access.check(req, url);
    if (!decision.ok) return send(res, decision.status, { json: { errors: [decision.message], code: SluiceErrorCodes.DASHBOARD_ACCESS_DENIED } });
    if (decision.cookie) res.setHeader('set-cookie', decision.cookie);
    if (decision.redirect) {
      res.writeHead(303, { location: decision.redirect, ...SECURITY_HEADERS }).end();
      return;
    }
    const login = basic === undefined ? ({ ok: true, viewer: EVERYONE } as const) : basic.authenticate(req, clientHost(req.socket.remoteAddress));
    if (!login.ok && login.reason === 'busy') {
      res.setHeader('retry-after', '1');
      return send(res, 429, { json: { errors: ['too many login attempts: retry in a second'], code: SluiceErrorCodes.DASHBOARD_BUSY } });
    }
    if (!login.ok) {
      res.setHeader('www-authenticate', 'Basic realm="Sluice dashboard", charset="UTF-8"');
      return send(res, 401, { json: { errors: ['log in with your Kafka user name and password (HTTP Basic)'], code: SluiceErrorCodes.DASHBOARD_ACCESS_DENIED } });
    }
    const viewer = login.viewer;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, { json: { errors: [`method ${req.method} is not allowed: the dashboard only reads`] } });
    }
    const file = files.get(url.pathname);
    if (file) {
      res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    const route = router.match(url.pathname);
    if (route === undefined) throw notFound(`${url.pathname}`);
    if (route.kafka && clients === undefined) throw notFound('the Kafka pages (the dashboard was started without a Kafka connection)');
    if (route.kafka && kafkaInFlight >= MAX_KAFKA_REQUESTS) {
      res.setHeader('retry-after', '1');
      return send(res, 503, { json: { errors: ['busy reading Kafka: retry in a moment'], code: SluiceErrorCodes.DASHBOARD_BUSY } });
    }
    if (route.kafka) kafkaInFlight++;
    try {
      send(res, 200, await route.handler(route.params, url.searchParams, viewer), req.method === 'HEAD');
    } finally {
      if (route.kafka) kafkaInFlight--;
    }
  };

  const serverOptions = { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 10_000 };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof DashboardRequestError) {
        send(res, err.status, { json: { errors: [err.message], code: err.code } });
        return;
      }
      log.warn({ err, url: req.url }, 'dashboard request failed');
      send(res, 500, { json: { errors: [`internal error: ${err instanceof Error ? err.message : String(err)}`], code: SluiceErrorCodes.DASHBOARD_INTERNAL } });
    });
  };
  const server: Server = options.tls === undefined ? createServer(serverOptions, onRequest) : createTlsServer(serverOptions, options.tls, onRequest);
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 256;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const address = await listen(server, host, options.port ?? 0);
  // Bound to every interface: print the machine's name, which others can open too.
  const shown = address.address === '0.0.0.0' || address.address === '::' ? hostname() : address.address;
  const urlHost = shown.includes(':') ? `[${shown}]` : shown;
  const base = `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${address.port}/`;
  log.debug({ url: base }, 'dashboard listening');
  return {
    url: token === undefined ? base : `${base}?token=${encodeURIComponent(token)}`,
    host: address.address,
    port: address.port,
    token,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await clients?.close();
    },
  };
}

function createTlsServer(base: object, tls: NonNullable<DashboardOptions['tls']>, onRequest: (req: IncomingMessage, res: ServerResponse) => void): Server {
  try {
    return createHttpsServer({ ...base, cert: tls.cert, key: tls.key, ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }) }, onRequest) as unknown as Server;
  } catch (err) {
    throw new DashboardStartError(`cannot start the dashboard over HTTPS: the certificate or key is unusable (${(err as Error).message}); give a PEM certificate chain and its private key`, { cause: err });
  }
}

function send(res: ServerResponse, status: number, reply: Reply, headOnly = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = 'json' in reply ? toJson(reply.json) : reply.text;
  const type = 'json' in reply ? 'application/json; charset=utf-8' : reply.contentType;
  res.writeHead(reply.status ?? status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(headOnly ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const why = err.code === 'EADDRINUSE' ? `${where} is already in use: pick another port, or 0 for a free one` : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `${host} is not an address of this machine` : err.message;
      reject(new DashboardStartError(`cannot start the dashboard: ${why}`, { cause: err }));
    });
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

let processMetrics: Registry | undefined;
/** Node.js process metrics, in one registry per process (prom-client's collectors cannot be stopped). */
function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * With a Kafka connection, the jobs of the whole cluster from its status topic as well. Not on a
 * dashboard with per-user views (HTTP Basic): the job pages do not yet check ACLs on that topic.
 */
function clusterJobs(local: JobView, clients: DashboardClients | undefined, open: boolean, clock: Clock): JobView {
  return clients === undefined || !open ? local : new ClusterJobView(local, new StatusFollower(clients), clock);
}

/** Until the runtime provides one: no jobs. */
const emptyJobView: JobView = {
  jobs: () => [],
  job: () => undefined,
  vertex: () => undefined,
  checkpoints: () => undefined,
  exceptions: () => undefined,
  workers: () => undefined,
};
