import type { JobSnapshot } from '../executor/job-client.ts';
import type { OperatorSnapshot } from '../operators/operator.ts';
import type { LoadedSavepoint } from './savepoint-reader.ts';
import type { SavepointDescription } from './savepoint-writer.ts';

const twice = (uid: string, subtask: number): string =>
  `subtask ${subtask} of '${uid}' is in two parts: its unit moved from one worker to another while the parts were written (a rebalance); take the savepoint again`;

/**
 * One savepoint from the parts the workers of a job wrote, each with the state of its own units:
 * every operator's subtask snapshots side by side, every source's reader states by subtask index
 * (a part holds `null` for the subtasks it does not run). The parts are consistent with each other
 * without a common barrier: what one worker wrote to a repartition topic before its final
 * checkpoint and another had not read yet is still in the topic, at the reader positions the
 * other's part holds.
 */
export function mergeSavepointParts(parts: readonly LoadedSavepoint[]): { snapshot: JobSnapshot; operators: SavepointDescription['operators'] } {
  const operators: Record<string, OperatorSnapshot[]> = {};
  const sources: Record<string, unknown[]> = {};
  const described = new Map<string, { name: string; parallelism: number; watermarks: number[] }>();
  let checkpointId = 0;
  for (const { snapshot, metadata } of parts) {
    checkpointId = Math.max(checkpointId, snapshot.checkpointId);
    for (const [uid, snaps] of Object.entries(snapshot.operators)) {
      const list = (operators[uid] ??= []);
      for (const s of snaps) if (list.some((o) => o.subtaskIndex === s.subtaskIndex)) throw new Error(twice(uid, s.subtaskIndex));
      list.push(...snaps);
      const entry = metadata.operators.find((o) => o.uid === uid);
      const d = described.get(uid) ?? described.set(uid, { name: entry?.name ?? uid, parallelism: 0, watermarks: [] }).get(uid)!;
      d.parallelism = Math.max(d.parallelism, entry?.parallelism ?? 0);
      snaps.forEach((s, j) => {
        const w = entry?.watermarks[j];
        if (w !== undefined) d.watermarks[s.subtaskIndex] = w;
      });
    }
    for (const [uid, states] of Object.entries(snapshot.sources)) {
      const merged = (sources[uid] ??= []);
      states.forEach((s, i) => {
        if (s === null || s === undefined) return;
        if (merged[i] !== undefined) throw new Error(twice(uid, i));
        merged[i] = s;
      });
    }
  }
  for (const snaps of Object.values(operators)) snaps.sort((a, b) => a.subtaskIndex - b.subtaskIndex);
  for (const d of described.values()) d.watermarks = Array.from({ length: d.watermarks.length }, (_, i) => d.watermarks[i] ?? Number.NEGATIVE_INFINITY);
  return { snapshot: { jobName: parts[0]?.snapshot.jobName ?? '', checkpointId, operators, sources }, operators: described };
}

/** The units (subtask indexes) the parts cover, from their acknowledgements. */
export function unitsCovered(acks: ReadonlyArray<{ units?: unknown }>): Set<number> {
  const out = new Set<number>();
  for (const a of acks) if (Array.isArray(a.units)) for (const u of a.units) if (typeof u === 'number') out.add(u);
  return out;
}

/** How long the workers of a savepoint taken in parts wait for each other's parts, then for the merge. */
export const SAVEPOINT_PARTS_TIMEOUT_MS = 120_000;

/** Where the parts of the savepoint asked for by request `requestId` go, under the requested directory. */
export function partsDirectory(dir: string, requestId: string): string {
  return `${dir}/.savepoint-parts-${requestId.replace(/[^a-zA-Z0-9-]/g, '_')}`;
}

/** A worker's snapshot as a part: reader states of the subtasks it does not run are `null` (the state files hold no holes). */
export function asPart(snapshot: JobSnapshot): JobSnapshot {
  const sources: Record<string, unknown[]> = {};
  for (const [uid, states] of Object.entries(snapshot.sources)) sources[uid] = Array.from({ length: states.length }, (_, i) => states[i] ?? null);
  return { ...snapshot, sources };
}

/**
 * The acknowledgements of the requests a worker served, as they arrive on the control topic, and
 * waits for a condition over those of one request (false after `timeoutMs`).
 */
export class SavepointReplies {
  readonly #replies = new Map<string, Array<{ readonly [field: string]: unknown }>>();
  readonly #waiters = new Set<() => void>();

  /** Starts collecting the replies to request `id` (it arrived; its replies come after it on the topic). */
  expect(id: string): void {
    if (!this.#replies.has(id)) this.#replies.set(id, []);
  }

  /** A message with `replyTo`: kept if its request is expected. */
  received(replyTo: string, message: { readonly [field: string]: unknown }): void {
    const list = this.#replies.get(replyTo);
    if (list === undefined) return;
    list.push(message);
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves with the replies to `id` once `until` holds for them, or undefined after `timeoutMs`. */
  async await(id: string, until: (replies: ReadonlyArray<{ readonly [field: string]: unknown }>) => boolean, timeoutMs: number): Promise<ReadonlyArray<{ readonly [field: string]: unknown }> | undefined> {
    const replies = (): ReadonlyArray<{ readonly [field: string]: unknown }> => this.#replies.get(id) ?? [];
    if (until(replies())) return replies();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!until(replies())) return;
        done();
        resolve(replies());
      };
      const timer = setTimeout(() => {
        done();
        resolve(undefined);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  /** The request is over: its replies are dropped. */
  forget(id: string): void {
    this.#replies.delete(id);
  }
}
