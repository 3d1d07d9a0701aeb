import { ErrorCode } from '../../protocol/error-codes.ts';

/** Every partition has had one leader, this broker, since it was created: epoch 0. */
export const LEADER_EPOCH = 0;

/** -1: the client does not know the epoch and asks for no check. */
const NO_EPOCH = -1;

/**
 * Kafka's check of a request's `currentLeaderEpoch` (Fetch v9+, ListOffsets v4+,
 * OffsetForLeaderEpoch v2+): an older epoch is FENCED_LEADER_EPOCH (the client's metadata is
 * stale), a newer one UNKNOWN_LEADER_EPOCH (this broker is behind). Null: the request may proceed.
 */
export function leaderEpochError(currentLeaderEpoch: number): number | null {
  if (currentLeaderEpoch === NO_EPOCH) return null;
  if (currentLeaderEpoch < LEADER_EPOCH) return ErrorCode.FENCED_LEADER_EPOCH;
  if (currentLeaderEpoch > LEADER_EPOCH) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return null;
}
