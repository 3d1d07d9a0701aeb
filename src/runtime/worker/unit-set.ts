import { logger } from '../../util/logger.ts';
import type { Output } from '../../core/output.ts';
import type { DurableState } from '../checkpoint/durable-state.ts';
import type { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.ts';
import type { JobSnapshot } from '../executor/job-client.ts';
import type { UnitControl } from '../executor/job-membership.ts';
import { restoreOperator } from '../executor/restore.ts';
import type { WatermarkAlignment } from '../executor/watermark-alignment.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import { ownShare, type BuiltTasks } from './task-builder.ts';
import type { TaskMetricsBinding } from './task-metrics.ts';
import type { Task } from './task.ts';

/** What the unit set needs of its worker. */
export interface UnitHost {
  readonly graph: JobGraph;
  /** The worker's tasks and operators: the unit set changes these lists in place. */
  readonly built: BuiltTasks;
  readonly coordinator: CheckpointCoordinator;
  readonly alignment: WatermarkAlignment;
  readonly observed: TaskMetricsBinding | undefined;
  /** Fresh tasks of every subtask (operators set up, not opened); `observeEdge` says which sending subtasks the metrics count. */
  buildAll(observeEdge: (subtask: number) => boolean): BuiltTasks;
  durable(): DurableState | undefined;
  /** Opens `ops`, downstream first. */
  openOperators(ops: readonly AbstractStreamOperator<unknown>[]): Promise<void>;
  /** Creates and starts the readers of `tasks`, emitting into `outputOf`, from `restored` reader states. */
  startSources(tasks: readonly Task[], outputOf: (v: JobVertex, subtask: number) => Output<unknown>, restored: Record<string, unknown[]> | undefined): Promise<void>;
  /** Poll loop: a change waits (or a restore finished). */
  wake(): void;
}

/** Added units restored in the background, ready to open and start. */
interface Prepared {
  readonly part: BuiltTasks;
  readonly fresh: BuiltTasks;
  readonly snapshot: JobSnapshot | undefined;
  readonly changelogged: JobVertex[];
}

type Change = {
  readonly units: readonly number[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
} & ({ readonly kind: 'revoke' } | { readonly kind: 'add'; preparing?: Promise<void>; ready?: Prepared | Error });

/**
 * The units (subtask indices across stages) of a running worker, changed while it runs:
 * cooperative rebalancing of the job group (see JobMembership). Changes are served in the order
 * the group made them, by the poll loop between two rounds (no record in flight):
 *
 * - revoked units: a checkpoint of every task of the worker (under exactly-once it commits the
 *   worker's transaction, which holds every task's output: Kafka Streams commits all tasks on
 *   revocation under EOS v2 for the same reason), then their readers and operators close — no end
 *   of input, no final watermark — and they leave the checkpoint coordinator's participants, the
 *   durable state, the watermark alignment and the metrics; their next owner restores them from
 *   that checkpoint;
 * - added units: their tasks are built and restored (local copies or changelogs, their key
 *   groups only) in the background while the kept units run; then, between two rounds, their
 *   operators open, their readers start from the checkpoint's positions, and they join the
 *   worker's lists, so their output goes into the worker's next checkpoint (transaction).
 *
 * Kept units never stop.
 */
export class UnitSet implements UnitControl {
  readonly #host: UnitHost;
  readonly #queue: Change[] = [];
  #closed: Error | undefined;
  /** Bumped when the task set changed: the poll loop reads its tasks again. */
  version = 0;

  constructor(host: UnitHost) {
    this.#host = host;
  }

  hold(): Promise<void> {
    return this.#host.coordinator.hold();
  }

  release(): void {
    this.#host.coordinator.release();
    this.#host.wake();
  }

  revoke(units: readonly number[]): Promise<void> {
    return this.#request('revoke', units);
  }

  add(units: readonly number[]): Promise<void> {
    return this.#request('add', units);
  }

  /** The units the worker runs now. */
  units(): number[] {
    return [...new Set(this.#host.built.tasks.map((t) => t.subtask))].sort((a, b) => a - b);
  }

  /** Whether a change waits for the poll loop. */
  get pending(): boolean {
    return this.#queue.length > 0;
  }

  #request(kind: 'revoke' | 'add', units: readonly number[]): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind, units: [...units], resolve, reject });
      this.#host.wake();
    });
  }

  /** The worker stopped: pending changes fail (the membership then stops it the eager way, or it is gone). */
  close(e: Error): void {
    this.#closed ??= e;
    for (const c of this.#queue.splice(0)) c.reject(e);
  }

  /** Serves the changes that can be served now (called by the poll loop between two rounds). */
  async serve(): Promise<void> {
    while (this.#queue.length > 0) {
      const c = this.#queue[0]!;
      if (c.kind === 'add') {
        if (c.ready === undefined) {
          c.preparing ??= this.#prepare(c.units).then(
            (p) => void (c.ready = p),
            (e: unknown) => void (c.ready = e instanceof Error ? e : new Error(String(e))),
          ).finally(() => this.#host.wake());
          return; // restoring in the background: the kept units run meanwhile
        }
        if (c.ready instanceof Error) {
          this.#queue.shift();
          c.reject(c.ready);
          throw c.ready;
        }
        await this.#integrate(c.ready);
      } else {
        await this.#release(c.units);
      }
      this.#queue.shift();
      c.resolve();
    }
  }

  async #release(units: readonly number[]): Promise<void> {
    const h = this.#host;
    // Every task's output and positions commit now; the next owner restores from this checkpoint.
    const committed = await h.coordinator.checkpoint(false);
    if (!committed) logger.warn({ job: h.graph.jobName, units }, 'the checkpoint before releasing units did not commit: their next owner resumes from the previous one (at-least-once: some records are processed again)');
    const mine = (subtask: number): boolean => units.includes(subtask);
    const tasks = h.built.tasks.filter((t) => mine(t.subtask));
    for (const t of tasks) {
      if (t.source?.alignment !== undefined) h.alignment.unregister(t.source.alignment);
      try {
        await t.reader?.close?.();
      } catch (e) {
        logger.warn({ err: e, task: t.id }, 'a released task\'s reader failed to close');
      }
    }
    const ops: AbstractStreamOperator<unknown>[] = [];
    for (const v of h.graph.vertices) {
      const list = h.built.operators.get(v);
      if (list === undefined) continue;
      for (const op of list.filter((o) => mine(o.subtaskIndex))) {
        ops.push(op);
        try {
          await op.close();
        } catch (e) {
          logger.warn({ err: e, operator: v.uid, subtask: op.subtaskIndex }, 'a released operator failed to close');
        }
      }
      removeWhere(list, (o) => mine(o.subtaskIndex));
    }
    removeWhere(h.built.tasks, (t) => mine(t.subtask));
    h.durable()?.forget(ops);
    h.observed?.unbind(tasks);
    this.version++;
    logger.info({ job: h.graph.jobName, released: units, checkpointCommitted: committed, units: this.units() }, 'units released: their tasks stopped after a checkpoint of every task');
  }

  async #prepare(units: readonly number[]): Promise<Prepared> {
    const h = this.#host;
    const fresh = h.buildAll((subtask) => units.includes(subtask));
    const part = ownShare(fresh, { index: 0, count: 1, subtasks: units });
    const durable = h.durable();
    const { snapshot, changelogged } = durable === undefined ? { snapshot: undefined, changelogged: [] } : await durable.restoreUnits(part.operators, part.tasks);
    if (snapshot !== undefined) for (const v of h.graph.vertices) restoreOperator(v, part.operators.get(v) ?? [], snapshot);
    return { part, fresh, snapshot, changelogged };
  }

  async #integrate(p: Prepared): Promise<void> {
    const h = this.#host;
    const ops = h.graph.vertices.flatMap((v) => p.part.operators.get(v) ?? []);
    await h.openOperators(ops);
    h.durable()?.unitsOpened(p.part.operators, p.changelogged);
    if (p.snapshot !== undefined) h.coordinator.restoredFrom(p.snapshot.checkpointId);
    await h.startSources(p.part.tasks.filter((t) => t.sourceVertex !== undefined), p.fresh.outputOf, p.snapshot?.sources);
    for (const [v, list] of p.part.operators) {
      let mine = h.built.operators.get(v);
      if (mine === undefined) h.built.operators.set(v, (mine = []));
      mine.push(...list);
      mine.sort((a, b) => a.subtaskIndex - b.subtaskIndex);
    }
    const stageOrder = new Map(h.graph.stages.map((s, i) => [s, i]));
    h.built.tasks.push(...p.part.tasks);
    h.built.tasks.sort((a, b) => stageOrder.get(a.stage)! - stageOrder.get(b.stage)! || a.subtask - b.subtask);
    h.observed?.bind(p.part.tasks, p.fresh.operators);
    h.observed?.running();
    this.version++;
    logger.info({ job: h.graph.jobName, added: [...new Set(p.part.tasks.map((t) => t.subtask))], restoredCheckpoint: p.snapshot?.checkpointId, units: this.units() }, 'units added: their tasks restored, opened and started');
  }
}

function removeWhere<T>(list: T[], drop: (x: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (drop(list[i]!)) list.splice(i, 1);
}
