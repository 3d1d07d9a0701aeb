import { isIP } from 'node:net';
import { SecurityError, SecurityErrorCode } from './errors.ts';

/** How a listener secures its connections (Kafka's security.protocol of the listener). */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** One entry of `listeners` or `advertised.listeners`. */
export interface ListenerEndpoint {
  /** Upper-case listener name, e.g. 'SASL_SSL' or 'INTERNAL'. */
  readonly name: string;
  readonly protocol: SecurityProtocol;
  /** '' means every interface (listeners) — never allowed in advertised.listeners. */
  readonly host: string;
  readonly port: number;
}

const fail = (message: string): SecurityError => new SecurityError(SecurityErrorCode.CONFIG, message);

/**
 * Parses `listener.security.protocol.map` (`INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL`); Kafka's default
 * maps each security protocol name to itself.
 */
export function parseProtocolMap(text: string | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SECURITY_PROTOCOLS.map((p) => [p, p]));
  if (text === undefined || text.trim() === '') return map;
  map.clear();
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [name, protocol, extra] = entry.split(':');
    const upper = protocol?.trim().toUpperCase();
    if (name === undefined || name.trim() === '' || extra !== undefined || !SECURITY_PROTOCOLS.includes(upper as SecurityProtocol)) {
      throw fail(`listener.security.protocol.map: '${entry}' is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(', ')}`);
    }
    map.set(name.trim().toUpperCase(), upper as SecurityProtocol);
  }
  return map;
}

/**
 * Parses a `listeners` / `advertised.listeners` value: comma-separated `NAME://host:port`, host
 * empty for every interface, IPv6 hosts in brackets. Names are case-insensitive (upper-cased, as
 * Kafka does) and must be in the protocol map; names and non-zero ports must be distinct.
 */
export function parseListeners(text: string, protocolMap: ReadonlyMap<string, SecurityProtocol> = parseProtocolMap(undefined), what = 'listeners'): ListenerEndpoint[] {
  const out: ListenerEndpoint[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^([A-Za-z0-9_-]+):\/\/(\[[0-9A-Fa-f:.]+\]|[^:[\]/]*):(\d{1,5})$/.exec(entry);
    if (!m) throw fail(`${what}: '${entry}' is not NAME://host:port (for example SASL_SSL://0.0.0.0:9093 or PLAINTEXT://[::1]:9092)`);
    const name = m[1]!.toUpperCase();
    const protocol = protocolMap.get(name);
    if (protocol === undefined) {
      throw fail(`${what}: listener name '${name}' has no security protocol; name it after one (${SECURITY_PROTOCOLS.join(', ')}) or map it in listener.security.protocol.map`);
    }
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    if (m[2]!.startsWith('[') && isIP(host) !== 6) throw fail(`${what}: '${host}' in brackets is not an IPv6 address`);
    const port = Number(m[3]);
    if (port > 65535) throw fail(`${what}: port ${port} of '${entry}' is out of range`);
    if (out.some((l) => l.name === name)) throw fail(`${what}: each listener must have a different name, '${name}' appears twice`);
    if (port !== 0 && out.some((l) => l.port === port)) throw fail(`${what}: each listener must have a different port, ${port} appears twice`);
    out.push({ name, protocol, host, port });
  }
  if (out.length === 0) throw fail(`${what}: no listener`);
  return out;
}

/**
 * The address each listener advertises (Metadata, FindCoordinator, DescribeCluster answer the
 * client with the one of the listener it connected to). Without `advertised.listeners`, a
 * listener advertises its own host (`defaultHost` when it binds every interface). Advertised
 * names must be listeners; 0.0.0.0 and :: cannot be advertised.
 */
export function advertisedEndpoints(listeners: readonly ListenerEndpoint[], advertised: string | undefined, protocolMap: ReadonlyMap<string, SecurityProtocol>, defaultHost: string): Map<string, ListenerEndpoint> {
  const out = new Map<string, ListenerEndpoint>();
  for (const l of listeners) out.set(l.name, { ...l, host: l.host === '' || l.host === '0.0.0.0' || l.host === '::' ? defaultHost : l.host });
  if (advertised === undefined || advertised.trim() === '') return out;
  for (const a of parseListeners(advertised, protocolMap, 'advertised.listeners')) {
    if (!out.has(a.name)) throw fail(`advertised.listeners: '${a.name}' is not one of the listeners (${[...out.keys()].join(', ')})`);
    if (a.host === '' || a.host === '0.0.0.0' || a.host === '::') throw fail(`advertised.listeners: '${a.name}' cannot advertise the non-routable address '${a.host}'; give the host name clients should use`);
    out.set(a.name, a);
  }
  return out;
}

/** Whether a bind address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The warning for listeners reachable from other machines that authenticate nobody: PLAINTEXT,
 * or SSL without required client certificates. Null when there is none.
 */
export function unauthenticatedExposureWarning(listeners: readonly ListenerEndpoint[], sslClientAuth: 'required' | 'requested' | 'none'): string | null {
  const open = listeners.filter((l) => !isLoopback(l.host) && (l.protocol === 'PLAINTEXT' || (l.protocol === 'SSL' && sslClientAuth !== 'required')));
  if (open.length === 0) return null;
  const names = open.map((l) => `${l.name}://${l.host === '' ? '*' : l.host}:${l.port}`).join(', ');
  return `listener${open.length > 1 ? 's' : ''} ${names} accept${open.length > 1 ? '' : 's'} connections from other machines without authentication: any client that reaches ${open.length > 1 ? 'them' : 'it'} can read, write and delete data. Bind to 127.0.0.1, or use SASL_SSL / SASL_PLAINTEXT, or SSL with ssl.client.auth=required.`;
}
