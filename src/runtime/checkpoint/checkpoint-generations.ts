import type { CheckpointLogContents, CheckpointRecord } from '../../kafka/checkpoint-log.ts';
import { consistentCheckpoint, rescaleRecordOf, type ConsistentCheckpoint, type RescaleRecord, type TaskPayload } from '../../kafka/consistent-checkpoint.ts';
import type { Source } from '../../core/source.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { OperatorSnapshot } from '../operators/operator.ts';
import { readerStatesAt } from '../savepoint/savepoint-mapping.ts';

/** What a restore takes from the checkpoint log, mapped onto the job's vertices. */
export interface RestoredCheckpoint {
  checkpoint: ConsistentCheckpoint;
  /** Operator state by uid: one snapshot per old subtask (also without state, so redistribution sees the old parallelism). */
  operators: Record<string, OperatorSnapshot[]>;
  /** Reader states by source uid, mapped to the source's parallelism now. */
  sources: Record<string, unknown[]>;
  /** The task records of the current generation, by task id (a stale record must not vouch for a local copy). */
  current: Map<string, CheckpointRecord>;
}

/**
 * The one consistent checkpoint of the log (`consistentCheckpoint`), with reader states mapped by
 * each source (`readerStatesAt`, else `combineReaderStates`) where its parallelism changed.
 */
export function restoredCheckpoint(log: Pick<CheckpointLogContents, 'tasks' | 'rescale'>, vertices: ReadonlyMap<string, JobVertex>): RestoredCheckpoint {
  const sourceOf = (uid: string): Source<unknown> | undefined => {
    const v = vertices.get(uid);
    return v?.t.kind === 'source' ? v.t.source : undefined;
  };
  const checkpoint = consistentCheckpoint(
    log.tasks.values(),
    log.rescale as RescaleRecord | undefined,
    (uid, states, n) => {
      const source = sourceOf(uid);
      return source !== undefined ? readerStatesAt(source, states, n) : [...states];
    },
    (uid, olderFirst) => {
      const source = sourceOf(uid);
      return source !== undefined && typeof source.readerStatesAt !== 'function' && typeof source.combineReaderStates === 'function' ? source.combineReaderStates(olderFirst) : undefined;
    },
  );
  const operators: Record<string, OperatorSnapshot[]> = {};
  for (const [uid, list] of Object.entries(checkpoint.operators)) operators[uid] = list.map((fs, subtaskIndex) => ({ uid, subtaskIndex, functionState: fs ?? {} }));
  const sources: Record<string, unknown[]> = {};
  for (const [uid, states] of Object.entries(checkpoint.sources)) {
    const v = vertices.get(uid);
    sources[uid] = v?.t.kind === 'source' && v.parallelism !== states.length ? readerStatesAt(v.t.source, states, v.parallelism) : states;
  }
  const current = new Map([...log.tasks].filter(([, r]) => ((r.payload as TaskPayload).generation ?? 0) >= checkpoint.generation));
  return { checkpoint, operators, sources, current };
}

/**
 * The generation a worker restored from `checkpoint` writes its task records in: the checkpoint's,
 * or — when a vertex of the job runs at another parallelism than the generation — the next one,
 * started by the returned rescale record (the checkpoint, complete, with the new parallelism).
 */
export function nextGeneration(checkpoint: ConsistentCheckpoint, vertices: ReadonlyMap<string, JobVertex>): { generation: number; rescale?: RescaleRecord; rescaled: Record<string, string> } {
  const rescaled = Object.entries(checkpoint.current).filter(([uid, n]) => vertices.has(uid) && vertices.get(uid)!.parallelism !== n);
  if (rescaled.length === 0) return { generation: checkpoint.generation, rescaled: {} };
  const rescale = rescaleRecordOf(checkpoint, Object.fromEntries([...vertices].map(([uid, v]) => [uid, v.parallelism])));
  return { generation: rescale.generation, rescale, rescaled: Object.fromEntries(rescaled.map(([uid, n]) => [uid, `${n} -> ${vertices.get(uid)!.parallelism}`])) };
}
