/**
 * How operator (non-keyed) list state moves when a job restores at another parallelism, with
 * Flink's rules (RoundRobinOperatorStateRepartitioner):
 *
 * - `split` (`getListState`): the lists of all old subtasks are concatenated in subtask order and
 *   cut into contiguous, even parts; the first `total % newParallelism` subtasks get one element
 *   more. At unchanged parallelism every subtask gets its own list back.
 * - `union` (`getUnionListState`): every subtask gets the concatenation of all lists.
 * - `broadcast` (broadcast state): new subtask i gets old subtask `i % oldParallelism`'s copy.
 */
export type OperatorStateMode = 'split' | 'union' | 'broadcast';

/** The operator state of one subtask: each named state with its distribution mode and elements. */
export type OperatorStateSnapshot = Record<string, { mode: OperatorStateMode; values: unknown[] }>;

/** Subtask `index`'s even share of `lists` (one per old subtask, in subtask order). */
export function splitEvenly<T>(lists: readonly (readonly T[])[], index: number, newParallelism: number): T[] {
  if (lists.length === newParallelism) return [...(lists[index] ?? [])];
  const all = lists.flat() as T[];
  const base = Math.floor(all.length / newParallelism);
  const extra = all.length % newParallelism;
  const start = index * base + Math.min(index, extra);
  return all.slice(start, start + base + (index < extra ? 1 : 0));
}

/**
 * The operator state subtask `index` of `newParallelism` restores, from the states of every old
 * subtask (`previous[i]` = old subtask i's, `undefined` when it had none).
 */
export function redistributeOperatorState(
  previous: readonly (OperatorStateSnapshot | undefined)[],
  index: number,
  newParallelism: number,
): OperatorStateSnapshot {
  const modes = new Map<string, OperatorStateMode>();
  for (const snap of previous) for (const [name, s] of Object.entries(snap ?? {})) modes.set(name, s.mode);
  const out: OperatorStateSnapshot = {};
  for (const [name, mode] of modes) {
    const lists = previous.map((snap) => snap?.[name]?.values ?? []);
    let values: unknown[];
    if (mode === 'union') values = lists.flat();
    else if (mode === 'broadcast') values = [...lists[index % lists.length]!];
    else values = splitEvenly(lists, index, newParallelism);
    out[name] = { mode, values };
  }
  return out;
}
