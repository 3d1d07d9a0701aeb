/**
 * Classifies errors of @platformatic/kafka (which nests Kafka error codes inside MultipleErrors /
 * ResponseError trees) into what the checkpoint coordinator must do about them.
 */

/** Kafka errors meaning "a newer producer with this transactional id exists". */
const PRODUCER_FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTION_COORDINATOR_FENCED']);
/** Kafka errors meaning "the group moved on without this member". */
const MEMBER_FENCED = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
/** Kafka errors that may pass on their own (coordinator moves, load, leadership, timeouts). */
const RETRIABLE = new Set([
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'REBALANCE_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  'UNSTABLE_OFFSET_COMMIT',
  'KAFKA_STORAGE_ERROR',
  'THROTTLING_QUOTA_EXCEEDED',
]);

export type ErrorClass = 'producer-fenced' | 'member-fenced' | 'retriable' | 'fatal';

/** Kafka error names (e.g. `PRODUCER_FENCED`) found anywhere in an error tree. */
export function kafkaErrorNames(error: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.apiId === 'string') out.push(o.apiId);
    walk(o.cause);
    if (Array.isArray(o.errors)) for (const inner of o.errors) walk(inner);
  };
  walk(error);
  return out;
}

/** True when the error tree holds a network-level failure or a client-side timeout. */
function isNetworkOrTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (o.code === 'PLT_KFK_NETWORK' || o.code === 'PLT_KFK_TIMEOUT' || o.code === 'ECONNREFUSED' || o.code === 'ECONNRESET' || o.code === 'EPIPE') return true;
    if (walk(o.cause)) return true;
    return Array.isArray(o.errors) && o.errors.some(walk);
  };
  return walk(error);
}

/**
 * What a failed Kafka call means for a worker: its producer is fenced, its group membership is
 * fenced, it may retry (after aborting), or it must fail. Fencing wins over everything else:
 * a zombie must stop even if the same response also carried a retriable error.
 */
export function classifyKafkaError(error: unknown): ErrorClass {
  const names = kafkaErrorNames(error);
  if (names.some((n) => PRODUCER_FENCED.has(n))) return 'producer-fenced';
  if (names.some((n) => MEMBER_FENCED.has(n))) return 'member-fenced';
  if (names.length > 0) return names.every((n) => RETRIABLE.has(n)) ? 'retriable' : 'fatal';
  return isNetworkOrTimeout(error) ? 'retriable' : 'fatal';
}

/** The message of an error and the Kafka error names inside it, for error texts. */
export function describeKafkaError(error: unknown): string {
  const names = [...new Set(kafkaErrorNames(error))];
  const message = error instanceof Error ? error.message : String(error);
  return names.length > 0 ? `${message} [${names.join(', ')}]` : message;
}
