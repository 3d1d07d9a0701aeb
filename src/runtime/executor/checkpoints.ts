import type { CheckpointSettings } from '../../api/checkpoint-config.ts';
import type { SourceReader } from '../../api/sources/source.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import { CheckpointFailedError } from '../errors.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import { SinkOperator } from '../operators/sink-operator.ts';
import type { ProcessingTimeService } from '../timers/processing-time-service.ts';

export interface CheckpointDeps {
  settings: CheckpointSettings;
  clock: Clock;
  pts: ProcessingTimeService;
  jobName: string;
  readers: () => Iterable<SourceReader<unknown>>;
  /** Operator subtasks, upstream first. */
  operators: () => Iterable<AbstractStreamOperator<unknown>>;
  /** Awaits an operator's asynchronous work, failing fast when the job fails. */
  drain: (op: AbstractStreamOperator<unknown>) => Promise<void>;
  failure: () => Error | undefined;
  /** Fails the job from an asynchronous callback. */
  fail: (e: Error) => void;
  nextId: () => number;
}

const EXPIRED = Symbol('expired');

/**
 * Periodic checkpoints of a job (at-least-once), between two polling rounds, sources not polled:
 *   1. every reader records its position (`snapshotState`);
 *   2. asynchronous operators finish their in-flight work, upstream first;
 *   3. CheckpointedFunctions snapshot their state (every record before the positions is processed);
 *   4. every sink flushes (what it acknowledged is durable at the destination);
 *   5. readers commit the positions of step 1 (`notifyCheckpointComplete`);
 *   6. CheckpointListeners are told the checkpoint completed.
 * Steps 2–4 must finish within the checkpoint timeout; an expired checkpoint commits nothing,
 * tells the listeners it was aborted and counts as a failure; more consecutive failures than
 * tolerated fail the job. A sink that fails fails the job at once (its records would be lost).
 * A new checkpoint starts no earlier than the minimum pause after the previous one ended.
 */
export class PeriodicCheckpoints {
  readonly #d: CheckpointDeps;
  #due = false;
  #lastEnd = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #pauseWake = false;

  constructor(deps: CheckpointDeps) {
    this.#d = deps;
  }

  /** Starts the interval timer (streaming jobs with checkpointing on). */
  start(): void {
    const { interval } = this.#d.settings;
    if (interval > 0) this.#d.pts.scheduleAtFixedRate(interval, () => void (this.#due = true));
  }

  /** Whether a checkpoint should run now (due, and the minimum pause has passed). */
  ready(): boolean {
    if (!this.#due) return false;
    const earliest = this.#lastEnd + this.#d.settings.minPause;
    if (this.#d.clock.now() >= earliest) return true;
    if (!this.#pauseWake) {
      // Wake the loop when the pause is over, whatever else happens.
      this.#pauseWake = true;
      this.#d.pts.schedule(earliest, () => void (this.#pauseWake = false));
    }
    return false;
  }

  async run(endOfInput: boolean): Promise<void> {
    this.#due = false;
    const d = this.#d;
    const id = d.nextId();
    const started = d.clock.now();
    for (const r of d.readers()) r.snapshotState?.(id);
    const work = (async (): Promise<void> => {
      for (const op of d.operators()) await d.drain(op);
      for (const op of d.operators()) op.snapshotFunctionState(id);
      for (const op of d.operators()) if (op instanceof SinkOperator) await op.flush(endOfInput);
    })();
    const outcome = endOfInput ? await work : await this.#within(work, started + d.settings.timeout);
    this.#lastEnd = d.clock.now();
    if (outcome === EXPIRED) {
      // The flushes go on: if one fails later, its records are lost unless the job fails.
      work.catch((e: unknown) => d.fail(e instanceof Error ? e : new Error(String(e))));
      await this.#aborted(id, started);
      return;
    }
    const failure = d.failure();
    if (failure !== undefined) throw failure;
    for (const r of d.readers()) await r.notifyCheckpointComplete?.(id);
    this.#failures = 0;
    for (const op of d.operators()) await op.notifyCheckpointComplete(id);
  }

  async #aborted(id: number, started: number): Promise<void> {
    const d = this.#d;
    this.#failures++;
    for (const op of d.operators()) await op.notifyCheckpointAborted(id);
    const tolerable = d.settings.tolerableFailures;
    const what = `checkpoint ${id} of job '${d.jobName}' expired after ${d.clock.now() - started} ms (checkpoint timeout ${d.settings.timeout} ms): async operators or sinks did not finish in time`;
    if (this.#failures > tolerable) {
      throw new CheckpointFailedError(
        id,
        `${what}; ${this.#failures} checkpoint(s) failed in a row, more than the ${tolerable} tolerated. ` +
          'Raise getCheckpointConfig().setCheckpointTimeout(ms) or setTolerableCheckpointFailureNumber(n), or find the slow sink',
      );
    }
    logger.warn({ job: d.jobName, checkpointId: id, failures: this.#failures, tolerable }, `${what}; sources keep their previous committed positions`);
  }

  /** The work, or EXPIRED once the job clock passes the deadline first. */
  async #within(work: Promise<void>, deadline: number): Promise<void | typeof EXPIRED> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve) => {
      const check = (): void => {
        if (this.#d.clock.now() >= deadline) resolve(EXPIRED);
        else timer = setTimeout(check, 5);
      };
      check();
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
