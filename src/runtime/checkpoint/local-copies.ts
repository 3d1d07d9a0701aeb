import { hasLocalCopy, type LocalCopyRecord, type LocalStateCopy } from '../../state/local-copy.ts';
import type { ChangelogChange } from '../../kafka/changelog-codec.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import { assignToKeyGroup } from '../partitioning/key-groups.ts';
import type { TimersSnapshot } from '../timers/internal-timer-service.ts';
import { ChangelogSnapshotBuilder } from './changelog-snapshot.ts';

/** A timer as its side record in a local copy stores it. */
type StoredTimer = Pick<ChangelogChange, 'state' | 'key' | 'namespace'>;

/**
 * The local copies of a worker's keyed state (the LMDB backend's files): at start, whether each
 * keyed operator can reuse them — every subtask's copy is stamped with this job, its line of
 * checkpoints, the job's last committed checkpoint, the operator's max parallelism and the
 * subtask's key groups — and after
 * each committed checkpoint, the stamp. A copy that is not reused is emptied at first use (it may
 * hold writes of a checkpoint that never committed) and the operator restores from its changelog.
 */
export class LocalCopies {
  readonly #jobId: string;
  readonly #clock: Clock;

  constructor(jobId: string, clock: Clock) {
    this.#jobId = jobId;
    this.#clock = clock;
  }

  /**
   * Reuses the local copies of `v`'s subtasks when all are stamped with `checkpointId`: returns
   * the timers they hold (by subtask), or undefined when the operator must restore from its
   * changelog.
   */
  reuse(v: JobVertex, ops: readonly AbstractStreamOperator<unknown>[], lastCommitted: number | ((op: AbstractStreamOperator<unknown>) => number), lineage: string): Array<Record<string, TimersSnapshot>> | undefined {
    // With several workers each task has its own last committed checkpoint (its checkpoint record).
    const idOf = typeof lastCommitted === 'number' ? () => lastCommitted : lastCommitted;
    if (ops.length === 0 || ops.some((op) => idOf(op) <= 0)) return undefined;
    const checkpointId = Math.max(...ops.map(idOf));
    const started = this.#clock.now();
    const copies: Array<{ backend: LocalStateCopy; records: LocalCopyRecord[]; stamp: NonNullable<ReturnType<LocalStateCopy['readLocalCopy']>>['stamp'] }> = [];
    for (const op of ops) {
      const backend = op.backend;
      if (!hasLocalCopy(backend)) return undefined;
      const copy = backend.readLocalCopy();
      const range = op.keyGroupRange();
      const why =
        copy === undefined ? 'not stamped (never checkpointed here, or written after its last stamp)'
        : copy.stamp.jobId !== this.#jobId ? `stamped by job '${copy.stamp.jobId}'`
        : copy.stamp.lineage !== lineage ? 'stamped by an earlier line of checkpoints of this job id (before a start from a savepoint or without checkpoints)'
        : copy.stamp.checkpointId !== idOf(op) ? `stamped with checkpoint ${copy.stamp.checkpointId}, the last committed one is ${idOf(op)}`
        : copy.stamp.maxParallelism !== v.maxParallelism || copy.stamp.keyGroups[0] !== range.start || copy.stamp.keyGroups[1] !== range.end ? 'stamped for other key groups'
        : undefined;
      if (why !== undefined) {
        logger.info({ job: this.#jobId, operator: v.uid, subtask: op.subtaskIndex, checkpointId: idOf(op) }, `the local copy of the keyed state is ${why}: it is emptied and the state restored from the changelog`);
        return undefined;
      }
      copies.push({ backend, records: copy!.records, stamp: copy!.stamp });
    }
    const timers: Array<Record<string, TimersSnapshot>> = [];
    let timerCount = 0;
    for (const { backend, records, stamp } of copies) {
      backend.useLocalCopy(stamp);
      const builder = new ChangelogSnapshotBuilder(v.uid, v.maxParallelism);
      for (const r of records) {
        const t = r.value as StoredTimer;
        builder.apply({ state: t.state, key: t.key, namespace: t.namespace, value: true, keyGroup: assignToKeyGroup(t.key, v.maxParallelism), offset: 0n });
      }
      timerCount += records.length;
      timers.push(builder.build(checkpointId).timers);
    }
    const seconds = (this.#clock.now() - started) / 1000;
    logger.info({ job: this.#jobId, operator: v.uid, source: 'local', checkpointId, subtasks: ops.length, timers: timerCount, seconds }, 'keyed state restored from the local copy stamped with the last committed checkpoint');
    return timers;
  }

  /** After checkpoint `checkpointId` committed: each subtask's copy equals it (timers: the changes just persisted). */
  stamp(v: JobVertex, op: AbstractStreamOperator<unknown>, checkpointId: number, lineage: string, timerChanges: ReadonlyArray<{ id: string; change: ChangelogChange }>): void {
    const backend = op.backend;
    if (!hasLocalCopy(backend)) return;
    const range = op.keyGroupRange();
    const records = timerChanges.map(({ id, change }) => ({ id, value: change.value === undefined ? undefined : ({ state: change.state, key: change.key, namespace: change.namespace } satisfies StoredTimer) }));
    backend.stampLocalCopy({ jobId: this.#jobId, checkpointId, lineage, maxParallelism: v.maxParallelism, keyGroups: [range.start, range.end] }, records);
  }
}
