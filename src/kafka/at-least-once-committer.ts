import { offsetCommitV9 } from '@platformatic/kafka';
import type { GroupMetadata, PartitionOffset } from '../core/kafka-clients.ts';
import type { ClientSupplier, ProducerRecord } from './client-supplier.ts';
import { commitFailure, offsetsByTopic, type CommitStrategy } from './commit-strategy.ts';
import { CoordinatorType, type KafkaWire } from './wire.ts';

interface PendingGroup {
  readonly group: GroupMetadata;
  readonly offsets: Map<string, PartitionOffset>;
  readonly metadata: string | undefined;
}

/**
 * At-least-once commits: records go out on the worker's idempotent producer and `send` resolves
 * once Kafka acknowledged them; source offsets are held until `commit()`, which sends ONE
 * OffsetCommit per consumer group with the group's generation and member id. Nothing acknowledged
 * is lost; after a crash, records since the last commit are processed (and written) again.
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
  readonly #clients: ClientSupplier;
  readonly #wire: KafkaWire;
  /** Offsets waiting for `commit()`, by group id. */
  readonly #pending = new Map<string, PendingGroup>();

  constructor(clients: ClientSupplier) {
    this.#clients = clients;
    this.#wire = clients.wire('offsets');
  }

  async send(records: ProducerRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#clients.producer().send({ messages: records });
    } catch (e) {
      throw commitFailure('sending records', e, {});
    }
  }

  /**
   * Holds the offsets for `commit()`. Offsets of a later call replace those of the same partitions
   * of the same group; the latest group metadata of a group is the one committed with.
   */
  async sendOffsets(offsets: readonly PartitionOffset[], group: GroupMetadata, metadata?: string): Promise<void> {
    if (offsets.length === 0) return;
    const merged = new Map(this.#pending.get(group.groupId)?.offsets);
    for (const o of offsets) merged.set(`${o.topic}:${o.partition}`, o);
    this.#pending.set(group.groupId, { group, offsets: merged, metadata });
  }

  /** One OffsetCommit per group; a group whose commit failed stays pending, the first failure is thrown. */
  async commit(): Promise<void> {
    let failure: unknown;
    for (const [groupId, p] of [...this.#pending]) {
      try {
        await this.#wire.call(
          offsetCommitV9.api,
          { coordinator: CoordinatorType.GROUP, key: groupId },
          { minVersion: 1 },
          groupId,
          p.group.generationId,
          p.group.memberId,
          p.group.groupInstanceId,
          offsetsByTopic([...p.offsets.values()], p.metadata),
        );
        this.#pending.delete(groupId);
      } catch (e) {
        failure ??= commitFailure(`committing offsets of group '${groupId}'`, e, { groupId });
      }
    }
    if (failure !== undefined) throw failure;
  }

  async abort(): Promise<void> {
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#pending.clear();
  }
}
