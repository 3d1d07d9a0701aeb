import type { CheckpointSettings } from '../../core/checkpointing.ts';
import { CheckpointFailedError } from '../../core/errors/job-errors.ts';
import type { SourcePositions } from '../../core/source.ts';
import type { CheckpointStatsTracker } from '../../metrics/checkpoint-stats.ts';
import type { Clock } from '../../util/clock.ts';
import { logger } from '../../util/logger.ts';
import type { ProcessingTimeService } from '../timers/processing-time-service.ts';
import type { CheckpointParticipants } from './checkpoint-participants.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import type { PositionCommitter } from './position-committer.ts';
import type { CommitStrategy } from '../../kafka/commit-strategy.ts';
import type { OperatorStateSnapshot } from '../../state/operator/redistribution.ts';
import type { DurableState } from './durable-state.ts';

export interface CheckpointCoordinatorOptions {
  settings: CheckpointSettings;
  clock: Clock;
  pts: ProcessingTimeService;
  jobName: string;
  participants: CheckpointParticipants;
  /** Commits source positions through each cluster's commit strategy (steps 5 and 6). */
  positions: PositionCommitter;
  /** The bounded checkpoint history (metrics, dashboard). */
  stats: CheckpointStatsTracker;
  /** The id of the checkpoint or savepoint the job restored from (0: none); ids continue after it. */
  restoredId: number;
  /** Keyed state, operator state and positions kept in Kafka (step 4), when the job has a Kafka cluster. */
  durable?: () => { state: DurableState; strategy: CommitStrategy } | undefined;
  /**
   * Checkpoints are Kafka transactions: a checkpoint that cannot commit fails the job (its
   * transaction, with the sinks' records, was aborted; a restart resumes from the last committed one).
   */
  exactlyOnce?: boolean;
}

const EXPIRED = Symbol('expired');

/** Why a commit failed, for the log and the history. */
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Takes a worker's checkpoints, one at a time (max concurrent checkpoints = 1), between two
 * polling rounds while no record is in flight. It triggers on the job's clock: every `interval`
 * ms, never earlier than `minPause` after the previous one ended. Steps of a checkpoint:
 *
 *   1. every reader records its position (`snapshotState`) and hands the positions to commit
 *      (`positionsToCommit`); sources stay paused until the checkpoint ends;
 *   2. asynchronous operators finish their in-flight work, upstream first;
 *   3. CheckpointedFunctions snapshot their state, every operator prepares the commit
 *      (`prepareCommit`: sink writers make what they wrote durable), and what the positions depend
 *      on (dead-letter records) is acknowledged;
 *   4. the keyed-state changes since the last checkpoint (and timers) go to the changelogs and
 *      each task's checkpoint record (operator state, reader positions) to the checkpoints topic,
 *      through the commit strategy of the state's cluster (exactly-once: inside the transaction),
 *      and are acknowledged;
 *   5. the positions of step 1 go to the commit strategy of their cluster, with their consumer
 *      group's metadata;
 *   6. the commit strategy commits (at-least-once: one OffsetCommit per group);
 *   7. the checkpoint is complete: readers, then operators (CheckpointListeners, two-phase sink
 *      writers) are told.
 *
 * Steps 2–6 must finish within the checkpoint timeout. An expired checkpoint commits nothing,
 * tells the listeners it was aborted and counts as a failure; more failures in a row than
 * `tolerableFailures` fail the job. A sink that fails in step 3 fails the job at once (its records
 * would be lost). A commit refused in steps 5–6 (a rebalance, an unreachable coordinator) leaves
 * the previous positions committed: the next checkpoint commits newer ones; it is logged and shown
 * in the history, and does not fail the job.
 */
export class CheckpointCoordinator {
  readonly #o: CheckpointCoordinatorOptions;
  #lastId: number;
  #due = false;
  #lastEnd = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #pauseWake = false;
  /** The job group rebalances: no periodic checkpoint starts (its commit would carry the generation that ends). */
  #held = false;
  #inFlight: Promise<boolean> | undefined;

  constructor(options: CheckpointCoordinatorOptions) {
    this.#o = options;
    this.#lastId = options.restoredId;
  }

  /** Ids continue after the checkpoint the job restored from. */
  restoredFrom(id: number): void {
    this.#lastId = Math.max(this.#lastId, id);
  }

  /** The next checkpoint or savepoint id (ids are shared, increasing). */
  nextId(): number {
    return ++this.#lastId;
  }

  /** Starts the interval timer (streaming jobs with checkpointing on). */
  start(): void {
    const { interval } = this.#o.settings;
    if (interval > 0) this.#o.pts.scheduleAtFixedRate(interval, () => void (this.#due = true));
  }

  /**
   * A rebalance of the job group starts: resolves once the checkpoint in flight (if any) ended;
   * `ready()` says no until `release()` (a due checkpoint then runs at once).
   */
  hold(): Promise<void> {
    this.#held = true;
    return this.#inFlight?.then(() => {}, () => {}) ?? Promise.resolve();
  }

  /** The rebalance is over: periodic checkpoints go on. */
  release(): void {
    this.#held = false;
  }

  /** Whether a checkpoint should run now (due, not held, and the minimum pause has passed). */
  ready(): boolean {
    if (!this.#due || this.#held) return false;
    const earliest = this.#lastEnd + this.#o.settings.minPause;
    if (this.#o.clock.now() >= earliest) return true;
    if (!this.#pauseWake) {
      // Wake the loop when the pause is over, whatever else happens.
      this.#pauseWake = true;
      this.#o.pts.schedule(earliest, () => void (this.#pauseWake = false));
    }
    return false;
  }

  /**
   * Takes one checkpoint (`endOfInput`: the final one of a bounded job, never expires). Resolves
   * true when it completed, false when it expired or could not commit and the job goes on.
   */
  checkpoint(endOfInput: boolean): Promise<boolean> {
    const taking = this.#take(endOfInput);
    this.#inFlight = taking;
    return taking;
  }

  async #take(endOfInput: boolean): Promise<boolean> {
    this.#due = false;
    const { participants: p, clock, stats } = this.#o;
    const id = this.nextId();
    const started = clock.now();
    stats.triggered(id, started);
    // Step 1.
    const positions: SourcePositions[] = [];
    const readers = new Map<unknown, unknown>();
    for (const r of p.readers()) {
      readers.set(r, r.snapshotState?.(id));
      const handed = r.positionsToCommit?.(id);
      if (handed !== undefined) positions.push(handed);
    }
    let commitFailure: unknown;
    /** Bytes the checkpoint wrote (changelog and checkpoint records). */
    let size = 0;
    const work = (async (): Promise<void> => {
      // Step 2.
      for (const op of p.operators()) await p.drain(op);
      // Step 3.
      const functions = new Map<AbstractStreamOperator<unknown>, OperatorStateSnapshot>();
      for (const op of p.operators()) functions.set(op, op.snapshotFunctionState(id));
      for (const op of p.operators()) await op.prepareCommit(id, endOfInput);
      for (const handed of positions) await handed.durable;
      // Step 4.
      const durable = this.#o.durable?.();
      if (durable !== undefined) size = await durable.state.write(id, { readers, functions }, durable.strategy);
      // Steps 5 and 6.
      try {
        // A worker that failed meanwhile (e.g. learned it was fenced) commits nothing.
        await this.#o.positions.commit(positions, durable === undefined ? [] : [durable.strategy], () => {
          const failed = p.failure();
          if (failed !== undefined) throw failed;
        });
        durable?.state.persisted();
      } catch (e) {
        commitFailure = e;
      }
    })();
    let outcome: void | typeof EXPIRED;
    try {
      outcome = endOfInput ? await work : await this.#within(work, started + this.#o.settings.timeout, this.#o.exactlyOnce === true ? p.failure : undefined);
    } catch (e) {
      stats.failed(id, clock.now(), reasonOf(e));
      if (this.#o.exactlyOnce === true) await this.#o.positions.abort(); // nothing of it may commit
      throw e;
    }
    this.#lastEnd = clock.now();
    if (outcome === EXPIRED) {
      // The flushes go on: if one fails later, its records are lost unless the job fails.
      work.catch((e: unknown) => p.fail(e instanceof Error ? e : new Error(String(e))));
      await this.#expired(id, started);
      return false;
    }
    const failure = p.failure();
    if (failure !== undefined) {
      stats.failed(id, clock.now(), reasonOf(failure));
      if (this.#o.exactlyOnce === true) await this.#o.positions.abort();
      throw failure;
    }
    if (commitFailure !== undefined) {
      await this.#o.positions.abort();
      if (this.#o.exactlyOnce === true) {
        stats.failed(id, this.#lastEnd, `transaction not committed: ${reasonOf(commitFailure)}`);
        throw commitFailure;
      }
      stats.failed(id, this.#lastEnd, `source positions not committed: ${reasonOf(commitFailure)}`);
      logger.warn({ err: commitFailure, job: this.#o.jobName, checkpointId: id }, 'checkpoint could not commit the source positions; the next checkpoint commits newer ones');
      for (const op of p.operators()) await op.notifyCheckpointAborted(id);
      return false;
    }
    // Step 7.
    stats.completed(id, this.#lastEnd, size);
    for (const r of p.readers()) await r.notifyCheckpointComplete?.(id);
    this.#failures = 0;
    for (const op of p.operators()) await op.notifyCheckpointComplete(id);
    return true;
  }

  /**
   * A savepoint: `take` snapshots all state between two polling rounds; it is numbered and kept in
   * the history like a checkpoint.
   */
  savepoint<T>(take: (id: number) => T): T {
    const { clock, stats } = this.#o;
    const id = this.nextId();
    stats.triggered(id, clock.now(), { isSavepoint: true });
    try {
      const snapshot = take(id);
      stats.completed(id, clock.now(), 0);
      return snapshot;
    } catch (e) {
      stats.failed(id, clock.now(), reasonOf(e));
      throw e;
    }
  }

  async #expired(id: number, started: number): Promise<void> {
    const { participants: p, settings, clock, jobName } = this.#o;
    this.#failures++;
    const what = `checkpoint ${id} of job '${jobName}' expired after ${clock.now() - started} ms (checkpoint timeout ${settings.timeout} ms): async operators or sinks did not finish in time`;
    this.#o.stats.failed(id, clock.now(), what);
    await this.#o.positions.abort();
    for (const op of p.operators()) await op.notifyCheckpointAborted(id);
    const tolerable = settings.tolerableFailures;
    if (this.#o.exactlyOnce === true) {
      // The aborted transaction held the sinks' records since the last checkpoint: only a restart from it is exactly-once.
      throw new CheckpointFailedError(id, `${what}; under exactly-once its transaction was aborted and the job restarts from the last committed checkpoint`);
    }
    if (this.#failures > tolerable) {
      throw new CheckpointFailedError(
        id,
        `${what}; ${this.#failures} checkpoint(s) failed in a row, more than the ${tolerable} tolerated. ` +
          'Raise getCheckpointConfig().setCheckpointTimeout(ms) or setTolerableCheckpointFailureNumber(n), or find the slow sink',
      );
    }
    logger.warn({ job: jobName, checkpointId: id, failures: this.#failures, tolerable }, `${what}; sources keep their previous committed positions`);
  }

  /**
   * The work, or EXPIRED once the job clock passes the deadline first; with `failure`, rejects as
   * soon as the worker failed (an exactly-once worker that was fenced: whatever the checkpoint
   * still awaits cannot commit).
   */
  async #within(work: Promise<void>, deadline: number, failure?: () => Error | undefined): Promise<void | typeof EXPIRED> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<typeof EXPIRED>((resolve, reject) => {
      const check = (): void => {
        const failed = failure?.();
        if (failed !== undefined) reject(failed);
        else if (this.#o.clock.now() >= deadline) resolve(EXPIRED);
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
