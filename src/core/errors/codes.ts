/**
 * Every stable error code Sluice uses, in one table. An error class passes one of these to
 * `SluiceError` (its constructor accepts nothing else), so a code cannot be invented in place,
 * and a program can branch on `error.code` knowing the full list.
 *
 * Codes never change meaning once released; add new ones, never rename. (The Kafka protocol's
 * numeric error codes the broker answers with are another thing: `src/protocol/error-codes.ts`.)
 *
 * @example
 * ```ts
 * import { SluiceError, SluiceErrorCodes } from 'sluice';
 * try { await env.execute('job'); } catch (e) {
 *   if (e instanceof SluiceError && e.code === SluiceErrorCodes.USER_FUNCTION_FAILED) console.error(e.message);
 * }
 * ```
 */
export const SluiceErrorCodes = {
  // --- Jobs: building and running them (api, runtime) ---
  /** A user function threw. */
  USER_FUNCTION_FAILED: 'SLUICE_USER_FUNCTION_FAILED',
  /** The job graph or a setting is not valid. */
  INVALID_JOB: 'SLUICE_INVALID_JOB',
  /** A record without a usable timestamp reached an event-time operator. */
  MISSING_TIMESTAMP: 'SLUICE_MISSING_TIMESTAMP',
  /** The job was cancelled through its client. */
  JOB_CANCELLED: 'SLUICE_JOB_CANCELLED',
  /** Merging session windows would move a window end behind the watermark. */
  WINDOW_MERGE: 'SLUICE_WINDOW_MERGE',
  /** A source reader failed. */
  SOURCE_FAILED: 'SLUICE_SOURCE_FAILED',
  /** An exchange or operator (rescale, watermark alignment, BATCH mode) cannot run across workers through Kafka repartition topics. */
  EXCHANGE_NOT_DISTRIBUTABLE: 'SLUICE_EXCHANGE_NOT_DISTRIBUTABLE',
  /** A savepoint cannot be restored into this job. */
  SAVEPOINT_INCOMPATIBLE: 'SLUICE_SAVEPOINT_INCOMPATIBLE',
  /** A savepoint directory is missing, partial, corrupt or of an unknown format version. */
  SAVEPOINT_INVALID: 'SLUICE_SAVEPOINT_INVALID',
  /** A savepoint holds state of operator uids the job does not have (see --allow-non-restored-state). */
  SAVEPOINT_NON_RESTORED_STATE: 'SLUICE_SAVEPOINT_NON_RESTORED_STATE',
  /** A stop-with-savepoint request failed (the job keeps running). */
  SAVEPOINT_FAILED: 'SLUICE_SAVEPOINT_FAILED',
  /** reinterpretAsKeyedStream on input not partitioned by the key. */
  NOT_PARTITIONED_BY_KEY: 'SLUICE_NOT_PARTITIONED_BY_KEY',
  /** A Flink setting Sluice does not support. */
  UNSUPPORTED_SETTING: 'SLUICE_UNSUPPORTED_SETTING',
  /** Checkpoints failed more often in a row than tolerated. */
  CHECKPOINT_FAILED: 'SLUICE_CHECKPOINT_FAILED',

  // --- State ---
  /** Keyed state used without a key, or against its kind. */
  STATE_ACCESS: 'SLUICE_STATE_ACCESS',

  // --- Kafka connectors ---
  KAFKA_CONFIG: 'SLUICE_KAFKA_CONFIG',
  KAFKA_DESERIALIZATION: 'SLUICE_KAFKA_DESERIALIZATION',
  KAFKA_SERIALIZATION: 'SLUICE_KAFKA_SERIALIZATION',
  KAFKA_UNREACHABLE: 'SLUICE_KAFKA_UNREACHABLE',
  KAFKA_AUTHENTICATION: 'SLUICE_KAFKA_AUTHENTICATION',
  KAFKA_UNKNOWN_TOPIC: 'SLUICE_KAFKA_UNKNOWN_TOPIC',
  KAFKA_SOURCE: 'SLUICE_KAFKA_SOURCE',
  KAFKA_SINK: 'SLUICE_KAFKA_SINK',

  // --- Kafka substrate (internal topics, transactions, changelogs, worker identity) ---
  /** An internal topic exists with a partition count or config the job cannot use. */
  INTERNAL_TOPIC_MISMATCH: 'SLUICE_INTERNAL_TOPIC_MISMATCH',
  /** Kafka refused to create an internal topic. */
  INTERNAL_TOPIC_CREATE: 'SLUICE_INTERNAL_TOPIC_CREATE',
  /** Another producer with the same transactional id took over (epoch fencing). */
  PRODUCER_FENCED: 'SLUICE_PRODUCER_FENCED',
  /** The job's consumer group moved on without this worker (generation / member fencing). */
  WORKER_FENCED: 'SLUICE_WORKER_FENCED',
  /** A commit failed for a reason that may pass: abort and retry. */
  COMMIT_RETRIABLE: 'SLUICE_COMMIT_RETRIABLE',
  /** A commit failed for a reason retrying will not fix. */
  COMMIT_FAILED: 'SLUICE_COMMIT_FAILED',
  /** A changelog or checkpoint record cannot be encoded or decoded. */
  CHANGELOG_FORMAT: 'SLUICE_CHANGELOG_FORMAT',
  /** No worker slot could be taken in the state directory. */
  WORKER_SLOT: 'SLUICE_WORKER_SLOT',
  /** The Kafka cluster lacks a protocol version a feature needs. */
  KAFKA_TOO_OLD: 'SLUICE_KAFKA_TOO_OLD',
  /** A request to the cluster failed after retries. */
  KAFKA_REQUEST: 'SLUICE_KAFKA_REQUEST',
  /** The job's group id is used by clients that are not Sluice workers. */
  JOB_GROUP_CONFLICT: 'SLUICE_JOB_GROUP_CONFLICT',
  /** Another worker joined the job group with this worker's static instance id (KIP-345). */
  INSTANCE_ID_FENCED: 'SLUICE_INSTANCE_ID_FENCED',
  /** A client of a closed ClientSupplier was asked for. */
  KAFKA_CLIENTS_CLOSED: 'SLUICE_KAFKA_CLIENTS_CLOSED',
  /** The durable state of a job (changelogs, checkpoints topic) does not fit the job started. */
  STATE_INCOMPATIBLE: 'SLUICE_STATE_INCOMPATIBLE',
  /** A control-channel request was not acknowledged in time. */
  CONTROL_TIMEOUT: 'SLUICE_CONTROL_TIMEOUT',

  // --- Metrics and dashboard ---
  METRIC_NAME_INVALID: 'SLUICE_METRIC_NAME_INVALID',
  DASHBOARD_NOT_FOUND: 'SLUICE_DASHBOARD_NOT_FOUND',
  DASHBOARD_BAD_REQUEST: 'SLUICE_DASHBOARD_BAD_REQUEST',
  DASHBOARD_KAFKA_UNAVAILABLE: 'SLUICE_DASHBOARD_KAFKA_UNAVAILABLE',
  DASHBOARD_START_FAILED: 'SLUICE_DASHBOARD_START_FAILED',
  DASHBOARD_ACCESS_DENIED: 'SLUICE_DASHBOARD_ACCESS_DENIED',
  DASHBOARD_BUSY: 'SLUICE_DASHBOARD_BUSY',
  DASHBOARD_INTERNAL: 'SLUICE_DASHBOARD_INTERNAL',

  // --- Nexmark ---
  NEXMARK_FORMAT: 'SLUICE_NEXMARK_FORMAT',

  // --- Wire codec (src/protocol) ---
  PROTOCOL_UNSUPPORTED_VERSION: 'SLUICE_PROTOCOL_UNSUPPORTED_VERSION',
  PROTOCOL_MALFORMED: 'SLUICE_PROTOCOL_MALFORMED',
  PROTOCOL_INVALID_BODY: 'SLUICE_PROTOCOL_INVALID_BODY',
  UNSUPPORTED_COMPRESSION: 'SLUICE_UNSUPPORTED_COMPRESSION',
  CORRUPT_COMPRESSED_DATA: 'SLUICE_CORRUPT_COMPRESSED_DATA',

  // --- Embedded broker ---
  BROKER_START_FAILED: 'SLUICE_BROKER_START_FAILED',
  INVALID_BROKER_CONFIG: 'SLUICE_INVALID_BROKER_CONFIG',
  DATA_DIR_LOCKED: 'SLUICE_DATA_DIR_LOCKED',
  INVALID_TOPIC_CONFIG: 'SLUICE_INVALID_TOPIC_CONFIG',
  SECURITY_CONFIG: 'SLUICE_SECURITY_CONFIG',
  SECURITY_STATE_UNREADABLE: 'SLUICE_SECURITY_STATE_UNREADABLE',
  SASL_AUTHENTICATION_FAILED: 'SLUICE_SASL_AUTHENTICATION_FAILED',
  // Topic operations: `SLUICE_` + the Kafka error the broker answers with.
  TOPIC_ALREADY_EXISTS: 'SLUICE_TOPIC_ALREADY_EXISTS',
  INVALID_TOPIC_EXCEPTION: 'SLUICE_INVALID_TOPIC_EXCEPTION',
  UNKNOWN_TOPIC_OR_PARTITION: 'SLUICE_UNKNOWN_TOPIC_OR_PARTITION',
  INVALID_PARTITIONS: 'SLUICE_INVALID_PARTITIONS',
  INVALID_CONFIG: 'SLUICE_INVALID_CONFIG',
  POLICY_VIOLATION: 'SLUICE_POLICY_VIOLATION',
  KAFKA_STORAGE_ERROR: 'SLUICE_KAFKA_STORAGE_ERROR',
  INVALID_REPLICA_ASSIGNMENT: 'SLUICE_INVALID_REPLICA_ASSIGNMENT',
  INVALID_REQUEST: 'SLUICE_INVALID_REQUEST',
} as const;

/** One of {@link SluiceErrorCodes}. */
export type SluiceErrorCode = (typeof SluiceErrorCodes)[keyof typeof SluiceErrorCodes];
