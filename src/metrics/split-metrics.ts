import { MIN_WATERMARK } from '../core/watermark/watermark.ts';
import type { Labels } from './names.ts';

/** Which split: its id and, for a Kafka partition, topic and partition. */
export interface SplitIdentity {
  splitId: string;
  topic?: string;
  partition?: number;
}

/**
 * Figures of one source split (a Kafka partition) that its reader keeps up to date per fetch or
 * batch: plain fields, read when metrics are collected.
 */
export class SplitMetrics {
  readonly identity: SplitIdentity;
  readonly labels: Labels;
  /** The split's watermark (its own generator's, before the minimum over splits). */
  currentWatermark = MIN_WATERMARK;
  /** Marked idle by the watermark strategy's idleness. */
  idle = false;
  /** Offset of the next record to read (the consumer's position); -1 while unknown. */
  currentOffset = -1;
  /**
   * End of what the consumer may read, from the last fetch response: the last stable offset
   * under read_committed, the high watermark under read_uncommitted; -1 while unknown.
   */
  endOffset = -1;
  /** Last offset committed for this split (checkpoint); -1 while none. */
  committedOffset = -1;

  constructor(identity: SplitIdentity, operatorLabels: Labels) {
    this.identity = identity;
    this.labels = {
      ...operatorLabels,
      split: identity.splitId,
      topic: identity.topic ?? '',
      partition: identity.partition === undefined ? '' : String(identity.partition),
    };
  }

  /**
   * Kafka's `records-lag`: records between the consumer's position and the end it may read
   * (undefined while either is unknown). Not the committed offset: that lags by up to a checkpoint.
   */
  get recordsLag(): number | undefined {
    if (this.currentOffset < 0 || this.endOffset < 0) return undefined;
    return Math.max(0, this.endOffset - this.currentOffset);
  }
}
