import { offsetCommitV9 } from '@platformatic/kafka';
import type { ClientSupplier, ProducerRecord, WorkerProducer } from './client-supplier.ts';
import { commitFailure, offsetsByTopic, type CommitStrategy, type GroupMetadata, type PartitionOffset } from './commit-strategy.ts';
import { CoordinatorType, type KafkaWire } from './wire.ts';

/**
 * At-least-once commits: records go out on the worker's idempotent producer and `send` resolves
 * once Kafka acknowledged them; source offsets are held until `commit()`, which sends ONE
 * OffsetCommit with the group's generation and member id. Nothing acknowledged is lost; after a
 * crash, records since the last commit are processed (and written) again.
 *
 * @example
 * ```ts
 * const committer = new AtLeastOnceCommitter(clients);
 * await committer.send(records);                      // acknowledged
 * await committer.sendOffsets(positions, member.groupMetadata());
 * await committer.commit();                           // OffsetCommit
 * ```
 */
export class AtLeastOnceCommitter implements CommitStrategy {
  readonly exactlyOnce = false;
  readonly #producer: WorkerProducer;
  readonly #wire: KafkaWire;
  #pending: { offsets: readonly PartitionOffset[]; group: GroupMetadata; metadata: string | undefined } | undefined;

  constructor(clients: ClientSupplier) {
    this.#producer = clients.producer();
    this.#wire = clients.wire('offsets');
  }

  async send(records: ProducerRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#producer.send({ messages: records });
    } catch (e) {
      throw commitFailure('sending records', e, {});
    }
  }

  /** Holds the offsets for `commit()` (offsets of a later call replace those of the same partitions). */
  async sendOffsets(offsets: readonly PartitionOffset[], group: GroupMetadata, metadata?: string): Promise<void> {
    if (offsets.length === 0) return;
    const merged = new Map<string, PartitionOffset>();
    if (this.#pending !== undefined && this.#pending.group.groupId === group.groupId) for (const o of this.#pending.offsets) merged.set(`${o.topic}:${o.partition}`, o);
    for (const o of offsets) merged.set(`${o.topic}:${o.partition}`, o);
    this.#pending = { offsets: [...merged.values()], group, metadata };
  }

  async commit(): Promise<void> {
    const p = this.#pending;
    if (p === undefined) return;
    try {
      await this.#wire.call(
        offsetCommitV9.api,
        { coordinator: CoordinatorType.GROUP, key: p.group.groupId },
        { minVersion: 1 },
        p.group.groupId,
        p.group.generationId,
        p.group.memberId,
        p.group.groupInstanceId,
        offsetsByTopic(p.offsets, p.metadata),
      );
    } catch (e) {
      throw commitFailure(`committing offsets of group '${p.group.groupId}'`, e, { groupId: p.group.groupId });
    }
    this.#pending = undefined;
  }

  async abort(): Promise<void> {
    this.#pending = undefined;
  }

  async close(): Promise<void> {
    this.#pending = undefined;
  }
}
