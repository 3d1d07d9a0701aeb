import type { JobEdge, JobGraph, JobVertex } from '../../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../../operators/operator.ts';
import type { EdgeIntercept } from '../wiring.ts';
import { BlockedInputs } from './blocked-inputs.ts';
import { replaySubtask, type ReplayControl } from './sorted-replay.ts';

/** A vertex whose input is replayed from buffers (or a source), with the vertices chained behind it. */
interface BatchStage {
  head: JobVertex;
  members: JobVertex[];
  blocked: BlockedInputs | undefined;
}

/** What running the stages needs from the executor. */
export interface BatchStageControl extends ReplayControl {
  /** Waits until the operator has no asynchronous work left. */
  drain(op: AbstractStreamOperator<unknown>): Promise<void>;
}

/**
 * BATCH execution (Flink's execution_mode): every exchange between stages is blocking, and so is
 * the input of every keyed operator, which reads its input sorted by key. Sources run first;
 * each later stage starts once all its inputs are complete, and finishes (async work drained,
 * `endInput`) before the next one starts.
 */
export class BatchStages {
  readonly #operators: Map<JobVertex, AbstractStreamOperator<unknown>[]>;
  readonly #stages: BatchStage[] = [];
  readonly #blocked = new Map<JobVertex, BlockedInputs>();

  constructor(graph: JobGraph, operators: Map<JobVertex, AbstractStreamOperator<unknown>[]>) {
    this.#operators = operators;
    const stageOf = new Map<JobVertex, BatchStage>();
    for (const v of graph.vertices) {
      const blocking = v.inputs.some((e) => this.#isBlocking(e));
      let stage = v.t.kind === 'source' || blocking ? undefined : stageOf.get(v.inputs[0]!.source);
      if (stage === undefined) {
        stage = { head: v, members: [], blocked: blocking ? new BlockedInputs(v) : undefined };
        if (stage.blocked !== undefined) this.#blocked.set(v, stage.blocked);
        this.#stages.push(stage);
      }
      stage.members.push(v);
      stageOf.set(v, stage);
    }
  }

  #isBlocking(e: JobEdge): boolean {
    return e.source.stage !== e.target.stage || this.#operators.get(e.target)?.[0]?.isKeyed() === true;
  }

  /** Buffers every blocking edge (pass to `wireOutputs`). */
  readonly intercept: EdgeIntercept = (e, ends) => this.#blocked.get(e.target)?.intercept(e, ends);

  /** After the sources ended: finishes their stages, then runs every other stage in order. */
  async run(ctl: BatchStageControl): Promise<void> {
    for (const stage of this.#stages) {
      const heads = this.#operators.get(stage.head) ?? [];
      if (stage.blocked !== undefined) {
        for (let i = 0; i < heads.length; i++) {
          if (!(await replaySubtask(heads[i]!, stage.blocked.subtasks[i]!, stage.head.t.kind === 'two', ctl))) return;
        }
      }
      for (const v of stage.members) for (const op of this.#operators.get(v) ?? []) await ctl.drain(op);
      for (const v of stage.members) for (const op of this.#operators.get(v) ?? []) op.endInput();
    }
  }
}
