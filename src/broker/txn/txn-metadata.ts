/** Transaction states, as Kafka's transaction coordinator names them. */
export type TxnStatus = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

/** Everything the coordinator knows of one transactional id; persisted as JSON. */
export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** -1 until the first InitProducerId completes. */
  producerEpoch: number;
  /** Id and epoch handed out before the last bump, so a retried InitProducerId is recognised (KIP-360). */
  lastProducerId: number;
  lastProducerEpoch: number;
  timeoutMs: number;
  status: TxnStatus;
  /** Partitions written in the current transaction, as `topic\u0000partition`. */
  partitions: string[];
  /** Groups whose offsets the current transaction commits. */
  groups: string[];
  /** When the current transaction began (clock ms); 0 when none is open. */
  startedAt: number;
}

export const MAX_EPOCH = 32767;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function splitPartitionKey(key: string): [string, number] {
  const i = key.lastIndexOf('\u0000');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}
