import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { SNIFF_BYTES, sniffProtocol, wrongProtocolMessage } from '../security/tls/protocol-sniffer.ts';
import type { Principal } from '../security/principal.ts';
import type { Listener } from './listener.ts';

/** A connection ready for Kafka frames: the (TLS) socket and the certificate's principal. */
export interface UpgradedSocket {
  readonly socket: Socket;
  /** Principal from the client certificate (SSL listeners with a verified certificate), else null. */
  readonly principal: Principal | null;
}

/**
 * How many first bytes decide: a TLS record starts with 0x16 (3 bytes tell); anything else on a
 * plaintext listener is Kafka's business (the frame reader judges it), while on a TLS listener it
 * is refused, after enough bytes to say whether it was a plaintext Kafka request.
 */
function bytesNeeded(firstByte: number, tlsListener: boolean): number {
  if (firstByte === 0x16) return 3;
  return tlsListener ? SNIFF_BYTES : 1;
}

/** Why a connection was closed before its first request (logged once, at warn). */
export interface Refusal {
  readonly refused: string;
  /** What went wrong, for the rate limit of the log line (one line per kind and listener). */
  readonly kind: 'wrong-protocol' | 'tls-handshake' | 'untrusted-certificate' | 'unmapped-certificate';
}

export interface UpgradeOptions {
  /** `ssl.principal.mapping.rules` applied to a certificate subject; null = refuse the client. */
  principalOf(subject: string | null): Principal | null;
  /** How long the first bytes and the TLS handshake may take. */
  timeoutMs: number;
  /** The handshaker of the listener (TLS listeners). */
  tls: TlsHandshaker | null;
}

const oneLine = (subject: string): string => subject.replace(/\n/g, ',');

/**
 * Runs server-side TLS handshakes on accepted sockets through a tls.Server that does not listen
 * (sockets are handed to it as its 'connection' event): that server is what verifies client
 * certificates and sets `authorized`, as on a listening TLS server.
 */
export class TlsHandshaker {
  readonly #server: TlsServer;
  readonly #pending = new Map<string, (r: { socket: TLSSocket } | { error: Error }) => void>();

  constructor(pem: { cert: Buffer; key: Buffer; passphrase?: string; ca?: Buffer }, clientAuth: 'required' | 'requested' | 'none', timeoutMs: number) {
    // node:tls loads here, for TLS listeners only: a plaintext broker starts without it.
    this.#server = process.getBuiltinModule('node:tls').createServer({ ...pem, requestCert: clientAuth !== 'none', rejectUnauthorized: clientAuth === 'required', handshakeTimeout: timeoutMs });
    this.#server.on('secureConnection', (socket: TLSSocket) => this.#settle(socket, { socket }));
    this.#server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      socket.destroy();
      this.#settle(socket, { error });
    });
  }

  #settle(socket: TLSSocket, r: { socket: TLSSocket } | { error: Error }): void {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const resolve = this.#pending.get(key);
    this.#pending.delete(key);
    resolve?.(r);
  }

  handshake(raw: Socket): Promise<{ socket: TLSSocket } | { error: Error }> {
    return new Promise((resolve) => {
      const key = `${raw.remoteAddress}:${raw.remotePort}`;
      this.#pending.set(key, resolve);
      raw.once('close', () => {
        if (this.#pending.get(key) === resolve) {
          this.#pending.delete(key);
          resolve({ error: new Error('the client closed the connection during the handshake') });
        }
      });
      this.#server.emit('connection', raw);
    });
  }
}

/**
 * Takes a freshly accepted socket to the point where Kafka frames can be read: waits for the
 * first bytes and tells TLS from Kafka (so a client speaking the wrong protocol gets one clear
 * refusal instead of "a frame of 369 MB"), then on TLS listeners runs the handshake over the
 * same socket (the sniffed bytes are put back first) and maps the client certificate to a
 * principal. Resolves null when the client left before saying anything.
 */
export function upgradeSocket(raw: Socket, listener: Listener, options: UpgradeOptions): Promise<UpgradedSocket | Refusal | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: UpgradedSocket | Refusal | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('close', onClose);
      if (result === null || 'refused' in result) raw.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      // Too few bytes to tell: a plaintext listener lets the connection's own deadlines judge them.
      if (!listener.tls && chunks.length > 0) {
        raw.off('data', onData);
        raw.pause();
        raw.unshift(Buffer.concat(chunks));
        return finish({ socket: raw, principal: null });
      }
      finish(null);
    }, options.timeoutMs);
    timer.unref();
    const chunks: Buffer[] = [];
    let received = 0;
    const onClose = (): void => finish(null);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < bytesNeeded(chunks[0]![0]!, listener.tls !== null)) return;
      raw.off('data', onData);
      raw.pause();
      const first = Buffer.concat(chunks);
      const seen = sniffProtocol(first);
      const wrong = wrongProtocolMessage(listener.tls ? 'tls' : 'plaintext', seen);
      if (wrong !== null) return finish({ kind: 'wrong-protocol', refused: `${listener.name} listener: ${wrong}` });
      if (listener.tls && seen !== 'tls') return finish({ kind: 'wrong-protocol', refused: `${listener.name} listener: a client sent bytes that are not a TLS handshake; closing it` });
      raw.unshift(first);
      if (!listener.tls) return finish({ socket: raw, principal: null });
      handshake();
    };
    const handshake = (): void => {
      void options.tls!.handshake(raw).then((r) => {
        if ('error' in r) return finish({ kind: 'tls-handshake', refused: `${listener.name} listener: TLS handshake with a client failed: ${r.error.message}` });
        const socket = r.socket;
        const cert = socket.getPeerX509Certificate();
        if (cert && !socket.authorized) {
          socket.destroy();
          return finish({ kind: 'untrusted-certificate', refused: `${listener.name} listener: client certificate '${oneLine(cert.subject)}' is not trusted (${String(socket.authorizationError)}); closing it` });
        }
        if (!cert) return finish({ socket, principal: options.principalOf(null) });
        const principal = options.principalOf(cert.subject);
        if (principal === null) {
          socket.destroy();
          return finish({ kind: 'unmapped-certificate', refused: `${listener.name} listener: no ssl.principal.mapping.rules rule matches the client certificate '${oneLine(cert.subject)}'; closing it` });
        }
        finish({ socket, principal });
      });
    };
    raw.on('data', onData);
    raw.once('close', onClose);
  });
}
