import type { RepartitionReaderState } from './repartition-reader.ts';

/**
 * A broadcast reader restored from a savepoint at another parallelism: new subtask i reads on
 * where old subtask `i % n` stood, the subtask whose broadcast state its operator gets (Flink's
 * rule, `redistributeOperatorState`): its state and its position go together.
 */
export function broadcastReaderStatesAt(states: readonly unknown[], parallelism: number): unknown[] {
  if (states.length === 0) return [];
  return Array.from({ length: parallelism }, (_, i) => states[i % states.length]);
}

/**
 * The readers of a keyBy (or rebalance) topic split its partitions by key-group range, which
 * moves with the parallelism: a savepoint's reader states are combined into one — the offsets
 * and channel watermarks of every partition, from the old reader that owned it — and each new
 * reader keeps those of its own partitions. (Without it, a partition a new reader did not own
 * before started from the job group's committed offsets: those of a later run than an older
 * savepoint.)
 */
export function combineRepartitionReaderStates(states: readonly unknown[]): RepartitionReaderState {
  const offsets = new Map<number, string>();
  const watermarks: Array<RepartitionReaderState['watermarks'][number]> = [];
  for (const s of states as ReadonlyArray<RepartitionReaderState | undefined>) {
    if (s === undefined || s === null) continue;
    for (const [p, o] of s.offsets) if (!offsets.has(p)) offsets.set(p, o);
    watermarks.push(...s.watermarks);
  }
  return { offsets: [...offsets], watermarks };
}
