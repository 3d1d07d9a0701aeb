import { readFileSync } from 'node:fs';
import { advertisedEndpoints, parseListeners, parseProtocolMap } from './security/listeners.ts';
import { SecurityError, SecurityErrorCode } from './security/errors.ts';
import { isSaslProtocol, isTlsProtocol, type Listener, type ListenerTls, type SslClientAuth } from './server/listener.ts';
import type { SaslMechanismName } from './security/sasl/mechanism.ts';
import { TlsHandshaker } from './server/socket-upgrade.ts';

/** How long a client may take to complete its TLS handshake. */
const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;

/** TLS settings of SSL and SASL_SSL listeners (PEM files). */
export interface BrokerSslOptions {
  /** Server certificate chain, PEM (ssl.keystore.certificate.chain). */
  certFile: string;
  /** Private key, PEM (ssl.keystore.key). */
  keyFile: string;
  /** Passphrase of an encrypted key (ssl.key.password). */
  keyPassword?: string;
  /** CA certificates trusted for client certificates, PEM (ssl.truststore.certificates). */
  caFile?: string;
  /** ssl.client.auth. Default 'none'. */
  clientAuth?: SslClientAuth;
}

/** The startBroker options that secure the broker (Kafka's names in the comments). */
export interface BrokerSecurityConfig {
  /**
   * listeners: `NAME://host:port,...` with PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (or names
   * mapped by `listenerSecurityProtocolMap`); port 0 picks a free one. Default: one PLAINTEXT
   * listener on `host`:`port`.
   */
  listeners?: string;
  /** advertised.listeners: the address each listener gives clients. Default: the listener's own. */
  advertisedListeners?: string;
  /** listener.security.protocol.map, e.g. `INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL`. */
  listenerSecurityProtocolMap?: string;
  /** TLS settings, required when a listener is SSL or SASL_SSL. */
  ssl?: BrokerSslOptions;
  /** ssl.principal.mapping.rules. Default `DEFAULT` (the whole subject DN). */
  sslPrincipalMappingRules?: string;
  /** Development users for PLAIN (and SCRAM): `user:password` lines or a JAAS `user_NAME="pw"` section. */
  saslUsersFile?: string;
  /** sasl.enabled.mechanisms. Default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. */
  saslMechanisms?: SaslMechanismName[];
  /** connections.max.reauth.ms: SASL sessions end this long after authentication unless the client re-authenticates (KIP-368). Default 0 (never). */
  connectionsMaxReauthMs?: number;
  /** ACL authorization (authorizer.class.name); absent: everything allowed, ACL APIs answer SECURITY_DISABLED. */
  authorizer?: { superUsers?: string[] | string; allowEveryoneIfNoAclFound?: boolean };
}

const fail = (message: string): SecurityError => new SecurityError(SecurityErrorCode.CONFIG, message);

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw fail(`${what}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The TLS context of the broker's TLS listeners, from PEM files. */
export function listenerTls(ssl: BrokerSslOptions): ListenerTls {
  const clientAuth = ssl.clientAuth ?? 'none';
  if (!['required', 'requested', 'none'].includes(clientAuth)) throw fail(`ssl.client.auth must be required, requested or none, got '${clientAuth}'`);
  if (clientAuth !== 'none' && ssl.caFile === undefined) throw fail(`ssl.client.auth=${clientAuth} needs the CA that signs client certificates (ssl.caFile / --ssl-ca)`);
  const pem = {
    cert: readPem(ssl.certFile, 'ssl certificate'),
    key: readPem(ssl.keyFile, 'ssl key'),
    ...(ssl.keyPassword !== undefined && { passphrase: ssl.keyPassword }),
    ...(ssl.caFile !== undefined && { ca: readPem(ssl.caFile, 'ssl CA') }),
  };
  try {
    process.getBuiltinModule('node:tls').createSecureContext(pem); // fails here, at start, on a key that does not match or a wrong passphrase
    return { handshaker: new TlsHandshaker(pem, clientAuth, TLS_HANDSHAKE_TIMEOUT_MS), clientAuth };
  } catch (err) {
    if (err instanceof SecurityError) throw err;
    throw fail(`cannot use the TLS certificate ${ssl.certFile} with key ${ssl.keyFile}: ${(err as Error).message}`);
  }
}

/**
 * The listeners to run: `listeners` when given, else one PLAINTEXT listener on host:port with the
 * advertised host/port shorthands. Throws SecurityError (SLUICE_SECURITY_CONFIG) on bad settings.
 */
export function listenersOf(o: BrokerSecurityConfig & { host: string; port: number; advertisedHost?: string; advertisedPort?: number }): Listener[] {
  const map = parseProtocolMap(o.listenerSecurityProtocolMap);
  const endpoints = o.listeners === undefined ? [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' as const, host: o.host, port: o.port }] : parseListeners(o.listeners, map);
  const advertised = advertisedEndpoints(endpoints, o.advertisedListeners, map, o.advertisedHost ?? (o.host === '' || o.host === '0.0.0.0' ? '127.0.0.1' : o.host));
  const needsTls = endpoints.some((e) => isTlsProtocol(e.protocol));
  if (needsTls && o.ssl === undefined) throw fail(`listener ${endpoints.find((e) => isTlsProtocol(e.protocol))!.name} uses TLS: give the server certificate and key (ssl: { certFile, keyFile } / --ssl-cert, --ssl-key)`);
  const tls = needsTls ? listenerTls(o.ssl!) : null;
  return endpoints.map((e, i) => {
    const a = advertised.get(e.name)!;
    const useShorthand = o.listeners === undefined && i === 0;
    return {
      name: e.name,
      protocol: e.protocol,
      bind: e,
      advertised: { host: useShorthand ? (o.advertisedHost ?? e.host) : a.host, port: useShorthand && o.advertisedPort !== undefined ? o.advertisedPort : a.port },
      listenPort: e.port,
      tls: isTlsProtocol(e.protocol) ? tls : null,
      sasl: isSaslProtocol(e.protocol),
    };
  });
}
