import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../log/log-manager.ts';

/** The Kafka error code and message for a failure of a topic operation. */
export function topicErrorCode(err: unknown): { errorCode: number; errorMessage: string } {
  if (err instanceof TopicError) return { errorCode: ErrorCode[err.kafkaError], errorMessage: err.message };
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (err as Error)?.message ?? String(err) };
}
