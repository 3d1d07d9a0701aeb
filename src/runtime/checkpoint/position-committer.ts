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

  constructor(clients: WorkerClients, strategyFor: (clients: ClientSupplier) => CommitStrategy) {
    this.#clients = clients;
    this.#strategyFor = strategyFor;
  }

  /** Hands every group's offsets to its cluster's strategy, then commits each cluster. */
  async commit(positions: readonly SourcePositions[]): Promise<void> {
    const touched = new Set<CommitStrategy>();
    for (const p of positions) {
      if (p.offsets.length === 0) continue;
      const strategy = this.#strategy(p);
      await strategy.sendOffsets(p.offsets, p.group);
      touched.add(strategy);
    }
    for (const s of touched) await s.commit();
  }

  /** Drops what was handed in and not committed (the checkpoint failed). */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.#strategies.values()].map((s) => s.abort()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#strategies.values()].map((s) => s.close()));
  }

  #strategy(p: SourcePositions): CommitStrategy {
    const key = clusterKey(p.connection);
    let s = this.#strategies.get(key);
    if (s === undefined) this.#strategies.set(key, (s = this.#strategyFor(this.#clients.clients(p.connection))));
    return s;
  }
}
