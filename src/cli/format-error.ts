import { inspect } from 'node:util';
import { CliError } from './cli-error.ts';
import { SluiceErrorCodes } from '../core/errors/codes.ts';

interface ErrorLike {
  message: string;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  apiId?: unknown;
  serverErrorMessage?: unknown;
}

function isError(value: unknown): value is Error & ErrorLike {
  return value instanceof Error;
}

/** The innermost errors of a (possibly nested, aggregated) client error. */
function leaves(err: Error & ErrorLike, out: (Error & ErrorLike)[] = []): (Error & ErrorLike)[] {
  const children = Array.isArray(err.errors) ? err.errors.filter(isError) : [];
  if (children.length === 0) out.push(err);
  for (const child of children) leaves(child, out);
  return out;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/**
 * A BrokerConnectionError of the CLI's wire client (src/cli/wire/wire-errors.ts), recognised by
 * shape: importing the class here would load the codec for every command, `--version` included.
 */
function wireConnectionReason(leaf: Error & ErrorLike): string | undefined {
  const reason = (leaf as { reason?: unknown }).reason;
  return leaf.name === 'BrokerConnectionError' && leaf.code === SluiceErrorCodes.KAFKA_UNREACHABLE && typeof reason === 'string' ? reason : undefined;
}

function isConnectionFailure(leaf: Error & ErrorLike): boolean {
  if (wireConnectionReason(leaf) !== undefined) return true;
  if (leaf.code !== 'PLT_KFK_NETWORK' && leaf.code !== 'PLT_KFK_TIMEOUT') return false;
  const cause = leaf.cause as ErrorLike | undefined;
  return /^Connection to .* (failed|timed out)/i.test(leaf.message) || CONNECTION_CODES.has(String(cause?.code));
}

function describeLeaf(leaf: Error & ErrorLike): string {
  if (leaf.code === 'PLT_KFK_PROTOCOL') {
    const server = typeof leaf.serverErrorMessage === 'string' && leaf.serverErrorMessage ? leaf.serverErrorMessage : leaf.message;
    return typeof leaf.apiId === 'string' ? `${server.replace(/\.$/, '')} (${leaf.apiId})` : server;
  }
  const own = leaf.message.split('\n')[0]!.replace(/\.$/, '');
  // Sluice's own errors say all they mean to; their cause is for --verbose.
  if (typeof leaf.code === 'string' && leaf.code.startsWith('SLUICE_')) return own;
  const cause = isError(leaf.cause) ? leaf.cause.message.split('\n')[0]! : '';
  return cause && !own.includes(cause) ? `${own}: ${cause}` : own;
}

/**
 * "cannot connect to Kafka at ..." when a connection failure is among the innermost errors of
 * `root` (then it is the whole story), else undefined.
 */
function connectionFailureLine(root: Error & ErrorLike, bootstrapText: string): string | undefined {
  const connection = leaves(root).find(isConnectionFailure);
  if (!connection) return undefined;
  const cause = connection.cause as (Error & ErrorLike) | undefined;
  const reason = wireConnectionReason(connection) ?? (cause?.code ? String(cause.code) : describeLeaf(connection));
  // A broker answered but refused the credentials: not a reachability problem.
  if (cause?.code === 'PLT_KFK_AUTHENTICATION') {
    return `authentication failed at ${bootstrapText}: ${cause.message.split('\n')[0]!.replace(/\.$/, '')}; check the SASL settings of --command-config (sasl.mechanism, sasl.username / sasl.password or sasl.jaas.config)`;
  }
  // A broker found through the bootstrap servers may advertise an address this machine cannot reach.
  const address = /^Connection to (\S+) /.exec(connection.message)?.[1];
  if (address && !bootstrapText.split(',').map((s) => s.trim()).includes(address)) {
    return `cannot connect to the Kafka broker at ${address} (${reason}), the address advertised through ${bootstrapText}; check the broker's advertised listeners`;
  }
  return `cannot connect to Kafka at ${bootstrapText} (${reason}); is a broker running there? (set --bootstrap or SLUICE_BOOTSTRAP)`;
}

/** A one-line summary of any error thrown by a command, for `sluice: <line>`. */
export function errorLine(err: unknown, bootstrapText: string): string {
  if (!isError(err)) return String(err);
  // A job's connector that cannot reach its Kafka says what a command that cannot reach it says.
  const servers = (err as { bootstrap?: unknown }).bootstrap;
  if (err.code === SluiceErrorCodes.KAFKA_UNREACHABLE && typeof servers === 'string') {
    return (isError(err.cause) ? connectionFailureLine(err.cause, servers) : undefined) ?? err.message;
  }
  const chain: (Error & ErrorLike)[] = [];
  for (let e: unknown = err; isError(e); e = e instanceof CliError ? e.cause : undefined) chain.push(e);
  const root = chain[chain.length - 1]!;
  const connection = connectionFailureLine(root, bootstrapText);
  if (connection !== undefined) return connection;
  const parts = chain.filter((e) => e instanceof CliError).map((e) => e.message);
  if (!(root instanceof CliError)) {
    const details = [...new Set(leaves(root).map(describeLeaf))];
    parts.push(details.join('; '));
  }
  return parts.join(': ');
}

/** Everything known about an error, for `--verbose`. */
export function errorDetails(err: unknown): string {
  return inspect(err, { depth: 10, breakLength: 120 });
}
