import type { SASLOptions } from '@platformatic/kafka';
import { logger } from '../util/logger.ts';
import { KafkaConfigError } from '../core/errors/kafka-errors.ts';

/** Kafka client settings with the names of the Kafka documentation (`'bootstrap.servers'`, `'group.id'`, ...). */
export type KafkaProperties = Readonly<Record<string, string | number | boolean>>;

/** The type of a property value. */
export type PropertyKind = 'string' | 'int' | 'bool' | readonly string[];
export type PropertyValue = string | number | boolean;

/** Settings both the source and the sink understand. */
export const COMMON_PROPERTIES: Record<string, PropertyKind> = {
  'bootstrap.servers': 'string',
  'client.id': 'string',
  'request.timeout.ms': 'int',
  'socket.connection.setup.timeout.ms': 'int',
  'metadata.max.age.ms': 'int',
  retries: 'int',
  'retry.backoff.ms': 'int',
  'security.protocol': ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'],
  'sasl.mechanism': ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'],
  'sasl.username': 'string',
  'sasl.password': 'string',
  'sasl.jaas.config': 'string',
  'ssl.ca.location': 'string',
  'ssl.certificate.location': 'string',
  'ssl.key.location': 'string',
  'ssl.key.password': 'string',
  // Kafka's Java client disables the host name check with an empty value, librdkafka with 'none'.
  'ssl.endpoint.identification.algorithm': ['https', 'none', ''],
};
/** Java client settings that have no meaning here: accepted (copied configs keep working), with a warning. */
export const IGNORED_PROPERTIES = new Set([
  'key.deserializer',
  'value.deserializer',
  'key.serializer',
  'value.serializer',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'max.poll.records',
  'max.poll.interval.ms',
  'partition.assignment.strategy',
  'connections.max.idle.ms',
  'receive.buffer.bytes',
  'send.buffer.bytes',
  'buffer.memory',
  'max.block.ms',
  'delivery.timeout.ms',
  'client.dns.lookup',
  'allow.auto.create.topics',
]);

/**
 * Checks `properties` against the known names and kinds; returns the typed values. Unknown names
 * fail fast (with the closest known name); names of Java settings that do not apply are ignored
 * with a warning.
 */
export function parseProperties(
  what: string,
  properties: KafkaProperties | undefined,
  known: Record<string, PropertyKind>,
  otherClient?: { readonly kind: 'consumers' | 'producers'; readonly names: Record<string, PropertyKind> },
): Map<string, PropertyValue> {
  const out = new Map<string, PropertyValue>();
  if (properties === undefined) return out;
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new KafkaConfigError(`${what}: properties must be an object of Kafka settings such as { 'bootstrap.servers': 'localhost:9092' }`);
  }
  for (const [name, raw] of Object.entries(properties)) {
    const kind = known[name];
    if (kind === undefined) {
      if (IGNORED_PROPERTIES.has(name)) {
        logger.warn({ property: name }, `${what}: Kafka property '${name}' does not apply to Sluice and is ignored`);
        continue;
      }
      // One config shared by consumer and producer (as Kafka's clients allow, with a warning).
      if (otherClient !== undefined && otherClient.names[name] !== undefined) {
        logger.warn({ property: name }, `${what}: Kafka property '${name}' is for ${otherClient.kind} and is ignored`);
        continue;
      }
      const hint = closest(name, Object.keys(known));
      throw new KafkaConfigError(
        `${what}: unknown Kafka property '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; supported: ${Object.keys(known).sort().join(', ')}`,
      );
    }
    out.set(name, coerce(what, name, raw, kind));
  }
  checkSecurity(what, out);
  return out;
}

/** SASL settings that cannot work, refused when the source or sink is built rather than when it connects. */
function checkSecurity(what: string, props: Map<string, PropertyValue>): void {
  const protocol = (props.get('security.protocol') as string | undefined) ?? 'PLAINTEXT';
  const sasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  if (!sasl) {
    if (props.has('sasl.mechanism')) throw new KafkaConfigError(`${what}: 'sasl.mechanism' needs 'security.protocol' SASL_PLAINTEXT or SASL_SSL`);
    return;
  }
  const mechanism = (props.get('sasl.mechanism') as string | undefined) ?? 'PLAIN';
  if (mechanism === 'OAUTHBEARER') {
    throw new KafkaConfigError(
      `${what}: sasl.mechanism OAUTHBEARER is not supported: Sluice's Kafka connectors have no way to obtain OAuth tokens ` +
        `(no token provider or sasl.login.callback.handler.class). Use PLAIN or SCRAM-SHA-256/SCRAM-SHA-512 credentials.`,
    );
  }
  const { username, password } = saslCredentials(props);
  if (username === undefined || password === undefined) {
    throw new KafkaConfigError(`${what}: security.protocol ${protocol} needs 'sasl.username' and 'sasl.password' (or 'sasl.jaas.config')`);
  }
}

/** Username and password from sasl.username / sasl.password, or from a JAAS line. */
function saslCredentials(props: Map<string, PropertyValue>): { username?: string; password?: string } {
  let username = props.get('sasl.username') as string | undefined;
  let password = props.get('sasl.password') as string | undefined;
  const jaas = props.get('sasl.jaas.config') as string | undefined;
  if (jaas !== undefined) {
    username ??= /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    password ??= /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
  }
  return { ...(username !== undefined && { username }), ...(password !== undefined && { password }) };
}

function coerce(what: string, name: string, raw: unknown, kind: PropertyKind): PropertyValue {
  const bad = (expected: string): KafkaConfigError => new KafkaConfigError(`${what}: property '${name}' must be ${expected}, got ${JSON.stringify(raw)}`);
  if (kind === 'string') {
    if (typeof raw !== 'string' || raw === '') throw bad('a non-empty string');
    return raw;
  }
  if (kind === 'int') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < 0) throw bad('an integer >= 0');
    return n;
  }
  if (kind === 'bool') {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw bad("true or false");
  }
  const s = String(raw);
  const match = kind.find((k) => k.toLowerCase() === s.toLowerCase());
  if (match === undefined) throw bad(`one of ${kind.map((k) => `'${k}'`).join(', ')}`);
  return match;
}

/** `host:port` list from a string (comma-separated) or array; validated. */
export function parseBootstrap(what: string, value: string | readonly string[] | undefined): string[] {
  if (value === undefined) {
    throw new KafkaConfigError(`${what}: no Kafka to connect to; set bootstrapServers (or the property 'bootstrap.servers'), e.g. 'localhost:9092'`);
  }
  const list = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => String(s).trim()).filter((s) => s !== '');
  if (list.length === 0) throw new KafkaConfigError(`${what}: bootstrap servers must not be empty`);
  for (const s of list) {
    const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(s.replace(/^[a-z]+:\/\//i, ''));
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new KafkaConfigError(`${what}: bootstrap server '${s}' is not host:port`);
  }
  return list.map((s) => s.replace(/^[a-z]+:\/\//i, ''));
}

/** Picks a value given both as an option and as a property; they must agree. */
export function pick<T extends PropertyValue>(what: string, option: T | undefined, optionName: string, props: Map<string, PropertyValue>, property: string): T | undefined {
  const p = props.get(property) as T | undefined;
  if (option !== undefined && p !== undefined && String(option) !== String(p)) {
    throw new KafkaConfigError(`${what}: ${optionName} (${JSON.stringify(option)}) and property '${property}' (${JSON.stringify(p)}) disagree; set one of them`);
  }
  return option ?? p;
}

/** Client options shared by consumers and producers: timeouts, retries, TLS and SASL. */
export interface ClientConnectionOptions {
  timeout?: number;
  connectTimeout?: number;
  requestTimeout?: number;
  metadataMaxAge?: number;
  retries?: number;
  retryDelay?: number;
  tls?: Record<string, unknown>;
  sasl?: SASLOptions;
}
export async function connectionOptions(what: string, props: Map<string, PropertyValue>): Promise<ClientConnectionOptions> {
  const o: ClientConnectionOptions = {};
  const int = (k: string): number | undefined => props.get(k) as number | undefined;
  if (int('request.timeout.ms') !== undefined) o.timeout = o.requestTimeout = int('request.timeout.ms')!;
  if (int('socket.connection.setup.timeout.ms') !== undefined) o.connectTimeout = int('socket.connection.setup.timeout.ms')!;
  if (int('metadata.max.age.ms') !== undefined) o.metadataMaxAge = int('metadata.max.age.ms')!;
  if (int('retries') !== undefined) o.retries = int('retries')!;
  if (int('retry.backoff.ms') !== undefined) o.retryDelay = int('retry.backoff.ms')!;
  const protocol = (props.get('security.protocol') as string | undefined) ?? 'PLAINTEXT';
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const { readFile } = await import('node:fs/promises');
    const tls: Record<string, unknown> = {};
    const file = async (k: string): Promise<Buffer | undefined> => (props.has(k) ? readFile(String(props.get(k))) : undefined);
    const [ca, cert, key] = await Promise.all([file('ssl.ca.location'), file('ssl.certificate.location'), file('ssl.key.location')]);
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (props.has('ssl.key.password')) tls.passphrase = props.get('ssl.key.password');
    // Skip only the host name check: the certificate chain is still verified against the CAs.
    const algorithm = props.get('ssl.endpoint.identification.algorithm');
    if (algorithm === 'none' || algorithm === '') tls.checkServerIdentity = () => undefined;
    o.tls = tls;
  }
  checkSecurity(what, props);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (props.get('sasl.mechanism') as SASLOptions['mechanism'] | undefined) ?? 'PLAIN';
    o.sasl = { mechanism, ...saslCredentials(props) };
  }
  return o;
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
