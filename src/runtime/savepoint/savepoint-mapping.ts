import { NonRestoredStateError } from '../../core/errors/savepoint-errors.ts';
import { logger } from '../../util/logger.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { exchangeTargetOf } from '../graph/repartition.ts';
import { SavepointRestoreError } from '../../core/errors/job-errors.ts';
import type { Source } from '../../core/source.ts';
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

/** The reader states of a source restored at `parallelism` from the old subtasks' `states`. */
export function readerStatesAt(source: Source<unknown>, states: readonly unknown[], parallelism: number): unknown[] {
  if (typeof source.readerStatesAt === 'function') return source.readerStatesAt(states, parallelism);
  if (typeof source.combineReaderStates === 'function') return Array.from({ length: parallelism }, () => source.combineReaderStates!(states));
  return [...states];
}

/**
 * A job restored in distributed mode from `snapshot` (a savepoint's, mapped by
 * {@link mapSavepointOntoJob}): its repartition readers get their states mapped to their
 * parallelism. Run without exchanges through Kafka, a snapshot holding repartition positions is
 * refused: the records its repartition topics held unread at the savepoint are part of it.
 */
export function withExchangeReaderStates(graph: JobGraph, snapshot: JobSnapshot, distributed: boolean): JobSnapshot {
  const vertices = new Map(graph.vertices.map((v) => [v.uid, v]));
  const sources: Record<string, unknown[]> = { ...snapshot.sources };
  for (const [uid, states] of Object.entries(snapshot.sources)) {
    if (exchangeTargetOf(uid) === undefined) continue;
    const v = vertices.get(uid);
    if (v === undefined || v.t.kind !== 'source') {
      if (distributed || !states.some((s) => s !== undefined && s !== null)) continue;
      throw new SavepointRestoreError(
        uid,
        `the savepoint was taken from a job with exchanges through Kafka: it holds the positions of its repartition topics ('${uid}'), whose unread records are part of it. ` +
          "Resume it with exchanges through Kafka ('--exchanges kafka', --workers, SLUICE_EXCHANGES=kafka)",
      );
    }
    sources[uid] = readerStatesAt(v.t.source, states, v.parallelism);
  }
  return { ...snapshot, sources };
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
    const target = exchangeTargetOf(uid);
    if (v === undefined && target !== undefined && vertices.has(target)) {
      // A repartition reader's positions (the savepoint of a job with exchanges through Kafka): its
      // vertex exists once the job runs distributed, where `withExchangeReaderStates` maps them.
      sources[uid] = states;
      continue;
    }
    if (v === undefined || v.t.kind !== 'source') {
      if (states.some((s) => s !== undefined)) unmapped.add(uid);
      continue;
    }
    sources[uid] = readerStatesAt(v.t.source, states, v.parallelism);
  }
  if (unmapped.size > 0) {
    const uids = [...unmapped].sort();
    if (!options.allowNonRestoredState) throw new NonRestoredStateError(uids, options.savepoint);
    logger.warn({ savepoint: options.savepoint, uids }, `dropping the savepoint's state of operator uid(s) ${uids.map((u) => `'${u}'`).join(', ')}: no operator of this job has that uid (--allow-non-restored-state)`);
  }
  return { ...snapshot, operators, sources };
}
