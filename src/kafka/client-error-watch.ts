import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { kafkaErrorNames } from './error-classification.ts';

/**
 * The operations @platformatic/kafka traces on `diagnostics_channel` with the client in their
 * context (`tracing:plt:kafka:<name>:error` carries `{ client, error }`). Subscribing by name loads
 * nothing: the client library stays lazily loaded.
 */
const TRACED = [
  'base:apis',
  'base:metadata',
  'producer:initIdempotent',
  'producer:sends',
  'producer:transactions',
  'consumer:group',
  'consumer:heartbeat',
  'consumer:fetches',
  'consumer:consumes',
  'consumer:commits',
  'consumer:offsets',
  'admin:topics',
  'admin:groups',
  'admin:offsets',
  'admin:consumerGroupOffsets',
  'admin:configs',
].map((name) => `tracing:plt:kafka:${name}:error`);

export type ClientKind = 'producer' | 'consumer' | 'admin';

/**
 * Counts the errors the Kafka clients whose client id starts with `clientIdPrefix` (a worker's)
 * report, by client kind and Kafka error name (`UNKNOWN_TOPIC_OR_PARTITION`, ... or the client
 * library's code such as `PLT_KFK_NETWORK`). An error seen by nested operations counts once.
 * Returns the function that stops watching.
 */
export function watchClientErrors(clientIdPrefix: string, record: (client: ClientKind, error: string) => void): () => void {
  const seen = new WeakSet<object>();
  const onError = (message: unknown): void => {
    const { client, error } = message as { client?: { clientId?: unknown; constructor?: { name?: string } }; error?: unknown };
    if (client === undefined || typeof client.clientId !== 'string' || !client.clientId.startsWith(clientIdPrefix)) return;
    if (error === null || typeof error !== 'object' || seen.has(error)) return;
    seen.add(error);
    const kind = client.constructor?.name;
    record(kind === 'Producer' ? 'producer' : kind === 'Consumer' ? 'consumer' : 'admin', errorName(error));
  };
  for (const name of TRACED) subscribe(name, onError);
  return () => {
    for (const name of TRACED) unsubscribe(name, onError);
  };
}

function errorName(error: object): string {
  const kafka = kafkaErrorNames(error)[0];
  if (kafka !== undefined) return kafka;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : 'Error';
}
