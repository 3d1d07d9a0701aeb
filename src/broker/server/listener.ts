import type { TlsHandshaker } from './socket-upgrade.ts';
import type { ListenerEndpoint, SecurityProtocol } from '../security/listeners.ts';

/** `ssl.client.auth` of a TLS listener. */
export type SslClientAuth = 'required' | 'requested' | 'none';

/** What a TLS listener serves (one certificate for the whole broker, as Kafka's ssl.* configs). */
export interface ListenerTls {
  readonly handshaker: TlsHandshaker;
  readonly clientAuth: SslClientAuth;
}

/** One listener as the network layer runs it: where it binds, what it advertises, how it secures. */
export interface Listener {
  readonly name: string;
  readonly protocol: SecurityProtocol;
  /** Bind address ('' = every interface) and port (0 = a free one). */
  readonly bind: ListenerEndpoint;
  /** Advertised host and port; the port is filled in once listening when it was 0. */
  advertised: { host: string; port: number };
  /** The port bound (known once listening). */
  listenPort: number;
  /** Set on SSL and SASL_SSL listeners. */
  readonly tls: ListenerTls | null;
  /** True on SASL_PLAINTEXT and SASL_SSL listeners. */
  readonly sasl: boolean;
}

export const isTlsProtocol = (p: SecurityProtocol): boolean => p === 'SSL' || p === 'SASL_SSL';
export const isSaslProtocol = (p: SecurityProtocol): boolean => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
