import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../log/log-manager.ts';
import { InvalidTopicConfigError } from '../log/topic-config.ts';
import { isStorageFailure } from '../log/file-io.ts';
import { logger } from '../../util/logger.ts';

/** The Kafka error code and message for a failure of a topic operation. */
export function topicErrorCode(err: unknown): { errorCode: number; errorMessage: string } {
  if (err instanceof TopicError) return { errorCode: ErrorCode[err.kafkaError], errorMessage: err.message };
  if (err instanceof InvalidTopicConfigError) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: err.message };
  if (isStorageFailure(err)) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: `${err.message} (is the disk full?)` };
  // Anything else is a bug: answered UNKNOWN_SERVER_ERROR and logged as an internal error.
  logger.error({ err }, 'internal error while handling a request');
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (err as Error)?.message ?? String(err) };
}
