import { SluiceErrorCodes as C } from '../core/errors/codes.ts';
import { SluiceError } from '../core/errors/sluice-error.ts';

/** The codes of the Kafka substrate's errors (a part of the project-wide `SluiceErrorCodes`). */
export const KAFKA_SUBSTRATE_CODES = {
  INTERNAL_TOPIC_MISMATCH: C.INTERNAL_TOPIC_MISMATCH,
  INTERNAL_TOPIC_CREATE: C.INTERNAL_TOPIC_CREATE,
  PRODUCER_FENCED: C.PRODUCER_FENCED,
  WORKER_FENCED: C.WORKER_FENCED,
  COMMIT_RETRIABLE: C.COMMIT_RETRIABLE,
  COMMIT_FAILED: C.COMMIT_FAILED,
  CHANGELOG_FORMAT: C.CHANGELOG_FORMAT,
  WORKER_SLOT: C.WORKER_SLOT,
  KAFKA_TOO_OLD: C.KAFKA_TOO_OLD,
  KAFKA_REQUEST: C.KAFKA_REQUEST,
  JOB_GROUP_CONFLICT: C.JOB_GROUP_CONFLICT,
  INSTANCE_ID_FENCED: C.INSTANCE_ID_FENCED,
  CLIENTS_CLOSED: C.KAFKA_CLIENTS_CLOSED,
  CONTROL_TIMEOUT: C.CONTROL_TIMEOUT,
} as const;

export type KafkaSubstrateCode = (typeof KAFKA_SUBSTRATE_CODES)[keyof typeof KAFKA_SUBSTRATE_CODES];

/**
 * Base class of the Kafka substrate's errors (internal topics, transactions, changelogs, worker
 * identity). `code` is one of {@link KAFKA_SUBSTRATE_CODES}.
 */
export class KafkaSubstrateError extends SluiceError {
  declare readonly code: KafkaSubstrateCode;
  constructor(code: KafkaSubstrateCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** An internal topic exists but does not match what the job needs; nothing was changed. */
export class InternalTopicMismatchError extends KafkaSubstrateError {
  readonly topic: string;
  readonly setting: string;
  readonly expected: string;
  readonly found: string;
  constructor(topic: string, setting: string, expected: string, found: string, advice: string) {
    super(
      KAFKA_SUBSTRATE_CODES.INTERNAL_TOPIC_MISMATCH,
      `internal topic '${topic}' has ${setting} ${found}, but this job needs ${expected}. ${advice}`,
    );
    this.topic = topic;
    this.setting = setting;
    this.expected = expected;
    this.found = found;
  }
}

/**
 * The worker's transactional producer was fenced: a newer producer with the same transactional id
 * (a restarted incarnation of this worker) initialized after it. Its open transaction is aborted
 * by Kafka; this producer can do nothing more. Stop the worker's tasks and rejoin.
 */
export class ProducerFencedError extends KafkaSubstrateError {
  readonly transactionalId: string;
  constructor(transactionalId: string, cause?: unknown) {
    super(
      KAFKA_SUBSTRATE_CODES.PRODUCER_FENCED,
      `the transactional producer '${transactionalId}' was fenced by a newer producer with the same transactional id ` +
        `(another incarnation of this worker started); its open transaction is aborted. Stop this worker's tasks; do not retry with this producer.`,
      cause === undefined ? undefined : { cause },
    );
    this.transactionalId = transactionalId;
  }
}

/**
 * The job's consumer group has moved to a generation this worker is not part of (it was too slow,
 * frozen, or removed): Kafka refused its offsets (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID). The transaction must be aborted; rejoin the group and restore.
 */
export class WorkerFencedError extends KafkaSubstrateError {
  readonly groupId: string;
  readonly reason: string;
  constructor(groupId: string, reason: string, cause?: unknown) {
    super(
      KAFKA_SUBSTRATE_CODES.WORKER_FENCED,
      `this worker was fenced: it is no longer a current member of the job's consumer group '${groupId}' (${reason}); ` +
        `another worker may own its tasks now. Abort the transaction, rejoin the group and restore state before processing again.`,
      cause === undefined ? undefined : { cause },
    );
    this.groupId = groupId;
    this.reason = reason;
  }
}

/**
 * Another worker joined the job's consumer group with this worker's static instance id
 * (`--instance-id`, KIP-345's group.instance.id): Kafka fenced this one (FENCED_INSTANCE_ID).
 * Unlike {@link WorkerFencedError} this worker must not rejoin: with the same id it would fence
 * the newer worker in turn. Two running workers must not share an instance id.
 */
export class InstanceIdFencedError extends KafkaSubstrateError {
  readonly groupId: string;
  readonly instanceId: string;
  constructor(groupId: string, instanceId: string) {
    super(
      KAFKA_SUBSTRATE_CODES.INSTANCE_ID_FENCED,
      `another worker joined the job's consumer group '${groupId}' with this worker's instance id '${instanceId}' (FENCED_INSTANCE_ID); ` +
        `this worker stops and its tasks stay with the newer one. Give every running worker its own --instance-id.`,
    );
    this.groupId = groupId;
    this.instanceId = instanceId;
  }
}

/** A commit step failed; `retriable` says whether aborting and retrying the checkpoint may succeed. */
export class CommitError extends KafkaSubstrateError {
  readonly retriable: boolean;
  readonly step: string;
  constructor(step: string, retriable: boolean, detail: string, cause?: unknown) {
    super(
      retriable ? KAFKA_SUBSTRATE_CODES.COMMIT_RETRIABLE : KAFKA_SUBSTRATE_CODES.COMMIT_FAILED,
      `${step} failed: ${detail}${retriable ? ' (retriable: abort the transaction and retry the checkpoint)' : ''}`,
      cause === undefined ? undefined : { cause },
    );
    this.retriable = retriable;
    this.step = step;
  }
}

/** A changelog/checkpoint record could not be encoded (unsupported value) or decoded (corrupt, newer format). */
export class ChangelogFormatError extends KafkaSubstrateError {
  constructor(message: string, cause?: unknown) {
    super(KAFKA_SUBSTRATE_CODES.CHANGELOG_FORMAT, message, cause === undefined ? undefined : { cause });
  }
}

/** A worker could not take a slot in the state directory. */
export class WorkerSlotError extends KafkaSubstrateError {
  constructor(message: string, cause?: unknown) {
    super(KAFKA_SUBSTRATE_CODES.WORKER_SLOT, message, cause === undefined ? undefined : { cause });
  }
}

/** A request to Kafka failed (after the client's retries), or the cluster lacks a needed API version. */
export class KafkaRequestError extends KafkaSubstrateError {
  constructor(
    code: KafkaSubstrateCode,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}
