import type { SourceReader } from '../../core/source.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';

/** What the checkpoint coordinator works on: the worker's tasks, seen through their contracts. */
export interface CheckpointParticipants {
  /** The source readers of the worker's tasks. */
  readers(): Iterable<SourceReader<unknown>>;
  /** The operator instances of the worker's tasks, upstream first. */
  operators(): Iterable<AbstractStreamOperator<unknown>>;
  /** Awaits an operator's asynchronous work, failing fast when the job fails or is cancelled. */
  drain(op: AbstractStreamOperator<unknown>): Promise<void>;
  /** The job's failure, if it failed meanwhile (an asynchronous callback). */
  failure(): Error | undefined;
  /** Fails the job from an asynchronous callback. */
  fail(e: Error): void;
}
