import { SluiceError } from '../../core/errors/sluice-error.ts';
import { SLUICE_DEFAULTS } from '../config/broker-configs.ts';

// What a topic may be: its name, how many partitions a request and a broker may add, and the
// errors topic operations fail with.

/** The Kafka errors a topic operation can fail with. */
export type TopicErrorName =
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_CONFIG'
  | 'POLICY_VIOLATION'
  | 'KAFKA_STORAGE_ERROR'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'INVALID_REQUEST';

/** Topic-level failures with the Kafka error they map to. */
export class TopicError extends SluiceError {
  readonly kafkaError: TopicErrorName;
  constructor(kafkaError: TopicErrorName, message: string) {
    super(`SLUICE_${kafkaError}`, message);
    this.kafkaError = kafkaError;
  }
}

/** Kafka's controller refuses a CreateTopics/CreatePartitions request adding more partitions than this. */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

/** Partitions a broker holds at most unless configured otherwise (`sluice.max.partitions`). */
export const DEFAULT_MAX_PARTITIONS = SLUICE_DEFAULTS.maxPartitions;

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** Checks a topic name the way Kafka does. */
export function validateTopicName(name: string): void {
  if (!LEGAL_TOPIC.test(name) || name === '.' || name === '..') {
    throw new TopicError(
      'INVALID_TOPIC_EXCEPTION',
      `topic name "${name}" is illegal: use 1-249 characters of [a-zA-Z0-9._-], not "." or ".."`,
    );
  }
}

/** A topic to create. */
export interface TopicSpec {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

