import { NonRestoredStateError } from '../../core/errors/savepoint-errors.ts';
import { logger } from '../../util/logger.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import type { OperatorSnapshot } from '../operators/operator.ts';

/** Whether an operator snapshot holds anything to restore. */
function holdsState(s: OperatorSnapshot): boolean {
  return (
    (s.keyed !== undefined && s.keyed.keyGroups.length > 0) ||
    Object.values(s.timers ?? {}).some((t) => t.eventTime.length + t.processingTime.length > 0) ||
    (s.functionState !== undefined && Object.keys(s.functionState).length > 0) ||
    s.operator !== undefined
  );
}

/**
 * Maps a savepoint onto a job by operator uid (Flink's rule): state of a uid the job does not have
 * is refused with {@link NonRestoredStateError} naming the uids, unless `allowNonRestoredState`,
 * then it is dropped and the drop logged (stderr). Reader positions of a source restored at
 * another parallelism are mapped by the source (`Source.readerStatesAt`), or combined
 * (`Source.combineReaderStates`) and handed to every subtask.
 */
export function mapSavepointOntoJob(graph: JobGraph, snapshot: JobSnapshot, options: { allowNonRestoredState: boolean; savepoint: string }): JobSnapshot {
  const vertices = new Map(graph.vertices.map((v) => [v.uid, v]));
  const unmapped = new Set<string>();
  const operators: Record<string, OperatorSnapshot[]> = {};
  for (const [uid, snaps] of Object.entries(snapshot.operators)) {
    if (vertices.has(uid)) operators[uid] = snaps;
    else if (snaps.some(holdsState)) unmapped.add(uid);
  }
  const sources: Record<string, unknown[]> = {};
  for (const [uid, states] of Object.entries(snapshot.sources)) {
    const v = vertices.get(uid);
    if (v === undefined || v.t.kind !== 'source') {
      if (states.some((s) => s !== undefined)) unmapped.add(uid);
      continue;
    }
    const source = v.t.source;
    if (typeof source.readerStatesAt === 'function') sources[uid] = source.readerStatesAt(states, v.parallelism);
    else sources[uid] = typeof source.combineReaderStates === 'function' ? Array.from({ length: v.parallelism }, () => source.combineReaderStates!(states)) : states;
  }
  if (unmapped.size > 0) {
    const uids = [...unmapped].sort();
    if (!options.allowNonRestoredState) throw new NonRestoredStateError(uids, options.savepoint);
    logger.warn({ savepoint: options.savepoint, uids }, `dropping the savepoint's state of operator uid(s) ${uids.map((u) => `'${u}'`).join(', ')}: no operator of this job has that uid (--allow-non-restored-state)`);
  }
  return { ...snapshot, operators, sources };
}
