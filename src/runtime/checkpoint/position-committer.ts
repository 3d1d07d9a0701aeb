import type { GroupMetadata, KafkaConnection } from '../../core/kafka-clients.ts';
import type { SourcePositions } from '../../core/source.ts';
import type { ClientSupplier } from '../../kafka/client-supplier.ts';
import type { CommitStrategy } from '../../kafka/commit-strategy.ts';
import { clusterKey, type WorkerClients } from '../../kafka/worker-clients.ts';

/**
 * Commits the positions sources handed to a checkpoint, through the commit strategy of each
 * cluster the positions live on (one strategy per cluster and worker: at-least-once holds the
 * offsets and sends one OffsetCommit per group; exactly-once adds them to the cluster's
 * transaction).
 */
export class PositionCommitter {
  readonly #clients: WorkerClients;
  readonly #strategyFor: (clients: ClientSupplier) => CommitStrategy;
  readonly #strategies = new Map<string, CommitStrategy>();

  readonly #groupOf: (p: SourcePositions) => GroupMetadata;
  /** The offset last committed per `topic/partition` (the next offset to read), for the metrics. */
  readonly committed = new Map<string, bigint>();

  /** `groupOf`: the group (and its metadata) the positions are committed to; default the source's. */
  constructor(clients: WorkerClients, strategyFor: (clients: ClientSupplier) => CommitStrategy, groupOf: (p: SourcePositions) => GroupMetadata = (p) => p.group) {
    this.#clients = clients;
    this.#strategyFor = strategyFor;
    this.#groupOf = groupOf;
  }

  /**
   * Hands every group's offsets to its cluster's strategy, then commits each cluster (and `also`,
   * which carried other records). `mayCommit` runs right before the commits and throws to stop
   * them (a worker that learned it was fenced must not commit).
   */
  async commit(positions: readonly SourcePositions[], also: readonly CommitStrategy[] = [], mayCommit: () => void = () => {}): Promise<void> {
    const touched = new Set<CommitStrategy>(also);
    for (const p of positions) {
      if (p.offsets.length === 0) continue;
      const strategy = this.#strategy(p);
      await strategy.sendOffsets(p.offsets, this.#groupOf(p));
      touched.add(strategy);
    }
    mayCommit();
    for (const s of touched) await s.commit();
    for (const p of positions) for (const o of p.offsets) this.committed.set(`${o.topic}/${o.partition}`, o.offset);
  }

  /** Drops what was handed in and not committed (the checkpoint failed). */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.#strategies.values()].map((s) => s.abort()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#strategies.values()].map((s) => s.close()));
  }

  #strategy(p: SourcePositions): CommitStrategy {
    return this.strategyOf(p.connection);
  }

  /** The commit strategy of a cluster (created on first use). */
  strategyOf(connection: KafkaConnection): CommitStrategy {
    const key = clusterKey(connection);
    let s = this.#strategies.get(key);
    if (s === undefined) this.#strategies.set(key, (s = this.#strategyFor(this.#clients.clients(connection))));
    return s;
  }
}
