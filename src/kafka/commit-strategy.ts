import type { GroupMetadata, PartitionOffset } from '../core/kafka-clients.ts';
import type { ProducerRecord } from './client-supplier.ts';
import { classifyKafkaError, describeKafkaError } from './error-classification.ts';
import { CommitError, KafkaSubstrateError, ProducerFencedError, WorkerFencedError } from './errors.ts';

/** Something records can be sent through and acknowledged (a transaction, or an idempotent producer). */
export interface RecordSender {
  /** Resolves when Kafka acknowledged every record. */
  send(records: ProducerRecord[]): Promise<void>;
}

/**
 * How a worker's checkpoint reaches Kafka — the one seam of the checkpoint coordinator:
 * exactly-once (one transaction per checkpoint: records, changelogs and offsets commit together)
 * or at-least-once (records acknowledged first, offsets committed after).
 *
 * Errors are {@link ProducerFencedError} / {@link WorkerFencedError} (a zombie: stop the tasks,
 * rejoin, restore), {@link CommitError} with `retriable` true (abort and retry the checkpoint) or
 * false (fail the job).
 */
export interface CommitStrategy extends RecordSender {
  readonly exactlyOnce: boolean;
  /** Adds source positions to the checkpoint, committed with the group's metadata (one request for all). */
  sendOffsets(offsets: readonly PartitionOffset[], group: GroupMetadata, metadata?: string): Promise<void>;
  /** Makes everything since the last commit durable and visible (EndTxn commit / OffsetCommit). */
  commit(): Promise<void>;
  /** Drops the checkpoint in progress (EndTxn abort / forget the pending offsets). */
  abort(): Promise<void>;
  close(): Promise<void>;
}

/** Offsets grouped by topic, as Kafka's commit requests carry them. */
export function offsetsByTopic(
  offsets: readonly PartitionOffset[],
  metadata: string | undefined,
): Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }> }> {
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }>>();
  for (const o of offsets) {
    let list = byTopic.get(o.topic);
    if (list === undefined) byTopic.set(o.topic, (list = []));
    list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: metadata ?? null });
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

/** Per-partition error codes of an offset commit response (non-zero only). */
export function partitionErrors(response: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }): Array<{ tp: string; code: number }> {
  const out: Array<{ tp: string; code: number }> = [];
  for (const t of response.topics) for (const p of t.partitions) if (p.errorCode !== 0) out.push({ tp: `${t.name}/${p.partitionIndex}`, code: p.errorCode });
  return out;
}

/** Turns a Kafka client error of a commit step into the substrate's typed error. */
export function commitFailure(step: string, error: unknown, who: { transactionalId?: string; groupId?: string }): KafkaSubstrateError {
  if (error instanceof KafkaSubstrateError) return error;
  switch (classifyKafkaError(error)) {
    case 'producer-fenced':
      return new ProducerFencedError(who.transactionalId ?? '(idempotent producer)', error);
    case 'member-fenced':
      return new WorkerFencedError(who.groupId ?? '?', describeKafkaError(error), error);
    case 'retriable':
      return new CommitError(step, true, describeKafkaError(error), error);
    default:
      return new CommitError(step, false, describeKafkaError(error), error);
  }
}
