import { SluiceError } from '../../core/errors/sluice-error.ts';
import { SourceFailedError } from '../../core/errors/job-errors.ts';
import { InputStatus, type SourceReader } from '../../core/source.ts';
import type { TaskIOMetrics } from '../../metrics/task-io-metrics.ts';
import type { JobVertex, Stage } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import type { TaskSource } from './task-source.ts';

/**
 * A task: one subtask of one stage (with Kafka, one partition of it). It owns the operator
 * instances of its chain — the stage's operators for this subtask, which call each other
 * directly — and with them their keyed state backends and timer services; the source reader of
 * the stage when the stage starts at a source (and the reader's splits); and its metric fields.
 * Its input gates (watermarks of the channels into its head operator) are wired into the chain.
 *
 * A worker runs its tasks: it polls the readers of source tasks; other tasks run when records
 * reach them through an exchange.
 */
export class Task {
  readonly stage: Stage;
  readonly subtask: number;
  /** The operators of the chain, head first (a stage that starts at a source has no operator for it). */
  readonly chain: readonly AbstractStreamOperator<unknown>[];
  /** Flink's task name: the stage's operator names joined by ` -> `. */
  readonly name: string;
  /** The stage's source for this subtask, once started. */
  source: TaskSource<unknown> | undefined;
  /** The task's figures in the worker's metrics (absent when metrics are off). */
  metrics: TaskIOMetrics | undefined;
  /** The reader had nothing; the worker waits for its `isAvailable()` before polling again. */
  waiting = false;

  constructor(stage: Stage, subtask: number, chain: readonly AbstractStreamOperator<unknown>[]) {
    this.stage = stage;
    this.subtask = subtask;
    this.chain = chain;
    this.name = stage.vertices.map((v) => v.name).join(' -> ');
  }

  /** `stage.subtask`, unique within a job. */
  get id(): string {
    return `${this.stage.id}.${this.subtask}`;
  }

  /** The source vertex at the head of the stage, if the stage reads a source. */
  get sourceVertex(): JobVertex | undefined {
    const head = this.stage.vertices[0]!;
    return head.t.kind === 'source' ? head : undefined;
  }

  get reader(): SourceReader<unknown> | undefined {
    return this.source?.reader;
  }

  /** A source task whose input ended, or a task without a source. */
  get ended(): boolean {
    return this.source?.ended ?? true;
  }

  /**
   * Polls the reader up to `budget` times while it has more and `mayGoOn()` (no backpressure, not
   * paused by watermark alignment). Errors of the reader itself become a SourceFailedError;
   * errors of operators downstream pass through.
   */
  poll(budget: number, mayGoOn: () => boolean): InputStatus {
    const source = this.source!;
    let status: InputStatus = InputStatus.MORE_AVAILABLE;
    try {
      for (let n = 0; n < budget && status === InputStatus.MORE_AVAILABLE && mayGoOn(); n++) status = source.reader.pollNext(source);
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SourceFailedError(source.name, source.uid, this.subtask, e);
    }
    return status;
  }
}
