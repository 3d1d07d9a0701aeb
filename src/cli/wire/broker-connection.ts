import { connect as connectTcp, type Socket } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { API_TABLE, ApiKey } from '../../protocol/api-keys.ts';
import type { RequestBodies, ResponseBodies } from '../../protocol/bodies.ts';
import { decodeResponse, encodeRequest } from '../../protocol/codec.ts';
import type { ApiVersionsResponse } from '../../protocol/messages/api-versions.ts';
import type { SaslSettings } from './sasl-client.ts';
import { BrokerConnectionError, BrokerRequestError } from './wire-errors.ts';

/** How to reach and authenticate with a broker. */
export interface ConnectionSettings {
  clientId: string;
  tls?: TlsOptions;
  sasl?: SaslSettings;
  /** Bound on each request (default 30 s): a broker that stops answering fails the command. */
  requestTimeoutMs?: number;
}

type Key = keyof RequestBodies & keyof ResponseBodies;

interface Pending {
  apiKey: number;
  version: number;
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A response larger than this is a broken peer, not Kafka (Kafka's own default cap is 100 MiB). */
const MAX_FRAME = 256 * 1024 * 1024;

/**
 * One connection to one broker on Sluice's own wire codec (src/protocol): frames requests,
 * matches responses by correlation id, negotiates each API's version with the broker
 * (ApiVersions: the highest both sides know), then authenticates with SASL when asked.
 * Small on purpose: what the CLI's commands need, loaded without a client library.
 */
export class BrokerConnection {
  readonly address: string;
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  readonly #clientId: string;
  #versions = new Map<number, number>();
  #nextId = 1;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #failure: Error | undefined;

  private constructor(address: string, socket: Socket, settings: ConnectionSettings) {
    this.address = address;
    this.#socket = socket;
    this.#timeoutMs = settings.requestTimeoutMs ?? 30_000;
    this.#clientId = settings.clientId;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => this.#fail(new BrokerConnectionError(address, (err as NodeJS.ErrnoException).code ?? err.message, { cause: err })));
    socket.on('close', () => this.#fail(new BrokerConnectionError(address, 'the broker closed the connection')));
  }

  /** Connects (TLS when `settings.tls`), negotiates versions and authenticates. */
  static async open(address: string, settings: ConnectionSettings): Promise<BrokerConnection> {
    const { host, port } = splitAddress(address);
    // node:tls costs tens of milliseconds to load: only commands that use TLS pay for it.
    const connectTls = settings.tls ? (await import('node:tls')).connect : undefined;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(new BrokerConnectionError(address, err.code ?? err.message, { cause: err }));
      const s = connectTls
        ? connectTls({ ...settings.tls, host, port, servername: isIp(host) ? undefined : host }, () => done())
        : connectTcp({ host, port }, () => done());
      const done = () => {
        s.off('error', onError);
        resolve(s);
      };
      s.once('error', onError);
    });
    socket.setNoDelay(true);
    const connection = new BrokerConnection(address, socket, settings);
    try {
      await connection.#negotiate();
      // The SASL client (and its SCRAM arithmetic) loads only for connections that authenticate.
      if (settings.sasl) await (await import('./sasl-client.ts')).authenticate(connection, settings.sasl);
      return connection;
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /** The version used for `apiKey`: the highest that both the broker and the codec know. */
  version(apiKey: number): number {
    const v = this.#versions.get(apiKey);
    if (v === undefined) throw new BrokerRequestError(API_TABLE[apiKey]?.name ?? `api ${apiKey}`, 35 /* UNSUPPORTED_VERSION */, `the broker at ${this.address} does not support it`);
    return v;
  }

  /** Sends a request and resolves with the decoded response body. */
  async request<K extends Key>(apiKey: K, body: Partial<RequestBodies[K]>, version = this.version(apiKey)): Promise<ResponseBodies[K]> {
    const frame = await this.#send(apiKey, version, body, true);
    return decodeResponse(apiKey, version, frame!).body as ResponseBodies[K];
  }

  /** Sends a request the broker does not answer (Produce with acks=0). */
  async send<K extends Key>(apiKey: K, body: Partial<RequestBodies[K]>): Promise<void> {
    await this.#send(apiKey, this.version(apiKey), body, false);
  }

  close(): void {
    this.#fail(new BrokerConnectionError(this.address, 'the connection was closed'));
    this.#socket.destroy();
  }

  async #negotiate(): Promise<void> {
    // v2: not flexible, so any broker since Kafka 2.0 answers it in a form every version reads.
    const response = (await this.request(ApiKey.ApiVersions, {}, 2)) as ApiVersionsResponse;
    if (response.errorCode !== 0) throw new BrokerRequestError('ApiVersions', response.errorCode);
    for (const { apiKey, minVersion, maxVersion } of response.apiKeys) {
      const ours = API_TABLE[apiKey];
      if (ours === undefined) continue;
      const v = Math.min(maxVersion, ours.maxVersion);
      if (v >= Math.max(minVersion, ours.minVersion)) this.#versions.set(apiKey, v);
    }
  }

  #send(apiKey: number, version: number, body: object, expectResponse: boolean): Promise<Buffer | undefined> {
    if (this.#failure) return Promise.reject(this.#failure);
    const correlationId = this.#nextId++;
    const bytes = encodeRequest(apiKey, version, correlationId, this.#clientId, body);
    if (!expectResponse) {
      return new Promise((resolve, reject) => this.#socket.write(bytes, (err) => (err ? reject(this.#failure ?? err) : resolve(undefined))));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(new BrokerConnectionError(this.address, `no answer to ${API_TABLE[apiKey]?.name ?? apiKey} within ${this.#timeoutMs / 1000} s`));
      }, this.#timeoutMs);
      this.#pending.set(correlationId, { apiKey, version, resolve, reject, timer });
      this.#socket.write(bytes);
    });
  }

  #onData(chunk: Buffer): void {
    this.#buffered.push(chunk);
    this.#bufferedBytes += chunk.length;
    while (this.#bufferedBytes >= 4) {
      // Chunks are joined once a whole frame is there (joining on every chunk of a large
      // response would copy it over and over).
      if (this.#buffered[0]!.length < 4) this.#buffered = [Buffer.concat(this.#buffered)];
      const size = this.#buffered[0]!.readInt32BE(0);
      if (size < 4 || size > MAX_FRAME) return this.#fail(new BrokerConnectionError(this.address, `a response of ${size} bytes: is this a Kafka broker?`));
      if (this.#bufferedBytes < 4 + size) return;
      if (this.#buffered.length > 1) this.#buffered = [Buffer.concat(this.#buffered)];
      const all = this.#buffered[0]!;
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.#buffered = rest.length > 0 ? [rest] : [];
      this.#bufferedBytes = rest.length;
      const pending = this.#pending.get(frame.readInt32BE(0));
      if (pending === undefined) continue; // timed out already
      this.#pending.delete(frame.readInt32BE(0));
      clearTimeout(pending.timer);
      pending.resolve(frame);
    }
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.#failure);
    }
    this.#pending.clear();
    if (!this.#socket.destroyed) this.#socket.destroy();
  }
}

/** `host:port` or `[v6]:port` → parts. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');
