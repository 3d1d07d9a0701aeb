import { JobConfigurationError, UnsupportedSettingError } from '../core/errors/job-errors.ts';
import { CheckpointingMode, type CheckpointSettings } from '../core/checkpointing.ts';

/**
 * What happens to the last checkpoint when a job is cancelled (Flink's `ExternalizedCheckpointRetention`).
 *
 * @example
 * ```ts
 * import { ExternalizedCheckpointRetention } from 'sluice';
 * env.getCheckpointConfig().setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
 * ```
 */
export const ExternalizedCheckpointRetention = {
  DELETE_ON_CANCELLATION: 'DELETE_ON_CANCELLATION',
  RETAIN_ON_CANCELLATION: 'RETAIN_ON_CANCELLATION',
  NO_EXTERNALIZED_CHECKPOINTS: 'NO_EXTERNALIZED_CHECKPOINTS',
} as const;
export type ExternalizedCheckpointRetention = (typeof ExternalizedCheckpointRetention)[keyof typeof ExternalizedCheckpointRetention];
/** Flink's older name of {@link ExternalizedCheckpointRetention}. */
export const ExternalizedCheckpointCleanup = ExternalizedCheckpointRetention;
export type ExternalizedCheckpointCleanup = ExternalizedCheckpointRetention;

const NOT_YET_EXACTLY_ONCE =
  'Sluice checkpoints are at-least-once today (sinks flush, then sources commit their positions); exactly-once ' +
  '(one Kafka transaction per checkpoint) is not built yet. Use CheckpointingMode.AT_LEAST_ONCE, and make outputs idempotent if duplicates after a crash matter';

function ms(setting: string, value: number, min: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    throw new JobConfigurationError(`${setting}: expected a number of ms >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Checkpoint settings of an environment (`env.getCheckpointConfig()`), with Flink's names. Each
 * setting is either honoured by the executor or refused when set with an
 * `UnsupportedSettingError` (`SLUICE_UNSUPPORTED_SETTING`) that names it; see
 * docs/datastream-api.md for the table.
 *
 * @example
 * ```ts
 * import { CheckpointingMode, StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.enableCheckpointing(10_000, CheckpointingMode.AT_LEAST_ONCE);
 * const cp = env.getCheckpointConfig();
 * cp.setMinPauseBetweenCheckpoints(2_000);
 * cp.setCheckpointTimeout(60_000);
 * cp.setTolerableCheckpointFailureNumber(3);
 * ```
 */
export class CheckpointConfig {
  #interval = 5000;
  #timeout = 600_000;
  #minPause = 0;
  #tolerable = 0;
  #unaligned = false;
  #retention: ExternalizedCheckpointRetention = ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS;

  /** Checkpoints every `interval` ms; 0 turns them off (Sluice checkpoints every 5 s unless told otherwise). */
  setCheckpointInterval(interval: number): this {
    this.#interval = ms('setCheckpointInterval', interval, 0);
    return this;
  }
  getCheckpointInterval(): number {
    return this.#interval;
  }
  isCheckpointingEnabled(): boolean {
    return this.#interval > 0;
  }
  /** Only AT_LEAST_ONCE today; EXACTLY_ONCE is refused with `SLUICE_UNSUPPORTED_SETTING`. */
  setCheckpointingMode(mode: CheckpointingMode): this {
    if (mode === CheckpointingMode.EXACTLY_ONCE) throw new UnsupportedSettingError('setCheckpointingMode(EXACTLY_ONCE)', NOT_YET_EXACTLY_ONCE);
    if (mode !== CheckpointingMode.AT_LEAST_ONCE) throw new JobConfigurationError(`setCheckpointingMode: expected EXACTLY_ONCE or AT_LEAST_ONCE, got ${String(mode)}`);
    return this;
  }
  /** Flink 2's name of {@link CheckpointConfig.setCheckpointingMode}. */
  setCheckpointingConsistencyMode(mode: CheckpointingMode): this {
    return this.setCheckpointingMode(mode);
  }
  getCheckpointingMode(): CheckpointingMode {
    return CheckpointingMode.AT_LEAST_ONCE;
  }
  /**
   * A checkpoint that has not completed `timeout` ms after it started expires: sources do not
   * commit its positions, it counts as a failed checkpoint. Default 10 minutes, as Flink.
   */
  setCheckpointTimeout(timeout: number): this {
    this.#timeout = ms('setCheckpointTimeout', timeout, 1);
    return this;
  }
  getCheckpointTimeout(): number {
    return this.#timeout;
  }
  /** At least `pause` ms between the end of one checkpoint and the start of the next. */
  setMinPauseBetweenCheckpoints(pause: number): this {
    this.#minPause = ms('setMinPauseBetweenCheckpoints', pause, 0);
    return this;
  }
  getMinPauseBetweenCheckpoints(): number {
    return this.#minPause;
  }
  /** Sluice takes one checkpoint at a time: only 1 is accepted. */
  setMaxConcurrentCheckpoints(n: number): this {
    if (n === 1) return this;
    if (Number.isInteger(n) && n > 1) {
      throw new UnsupportedSettingError(
        `setMaxConcurrentCheckpoints(${n})`,
        'Sluice takes one checkpoint at a time (between polling rounds, with sources paused); only 1 is supported. Use setMinPauseBetweenCheckpoints to space them',
      );
    }
    throw new JobConfigurationError(`setMaxConcurrentCheckpoints: expected an integer >= 1, got ${String(n)}`);
  }
  getMaxConcurrentCheckpoints(): number {
    return 1;
  }
  /**
   * How many checkpoint failures in a row (expired checkpoints) the job tolerates before it fails
   * with `SLUICE_CHECKPOINT_FAILED`; 0 (the default, as Flink) fails at the first. A sink that
   * fails to write fails the job at once whatever this says: its records would be lost otherwise.
   */
  setTolerableCheckpointFailureNumber(n: number): this {
    if (!(Number.isInteger(n) && n >= 0)) throw new JobConfigurationError(`setTolerableCheckpointFailureNumber: expected an integer >= 0, got ${String(n)}`);
    this.#tolerable = n;
    return this;
  }
  getTolerableCheckpointFailureNumber(): number {
    return this.#tolerable;
  }
  /**
   * Accepted: Sluice checkpoints are taken between polling rounds, when no record is in flight
   * between operators, so there are no barriers to align either way.
   */
  enableUnalignedCheckpoints(enabled = true): this {
    this.#unaligned = enabled;
    return this;
  }
  isUnalignedCheckpointsEnabled(): boolean {
    return this.#unaligned;
  }
  /**
   * Only DELETE_ON_CANCELLATION and NO_EXTERNALIZED_CHECKPOINTS: a Sluice checkpoint holds source
   * positions committed to Kafka, no operator state that could be restored after a cancel.
   * RETAIN_ON_CANCELLATION is refused; take a savepoint (`client.triggerSavepoint()`) instead.
   */
  setExternalizedCheckpointRetention(retention: ExternalizedCheckpointRetention): this {
    if (retention === ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION) {
      throw new UnsupportedSettingError(
        'setExternalizedCheckpointRetention(RETAIN_ON_CANCELLATION)',
        'Sluice checkpoints do not hold operator state yet (only source positions, committed to Kafka), so there is no checkpoint to resume from after a cancel. ' +
          'Take a savepoint before cancelling (client.triggerSavepoint()) and restore with env.execute(name, { restoreFrom })',
      );
    }
    if (!Object.values(ExternalizedCheckpointRetention).includes(retention)) {
      throw new JobConfigurationError(`setExternalizedCheckpointRetention: unknown retention ${String(retention)}`);
    }
    this.#retention = retention;
    return this;
  }
  /** Flink's older name of {@link CheckpointConfig.setExternalizedCheckpointRetention}. */
  setExternalizedCheckpointCleanup(cleanup: ExternalizedCheckpointCleanup): this {
    return this.setExternalizedCheckpointRetention(cleanup);
  }
  getExternalizedCheckpointRetention(): ExternalizedCheckpointRetention {
    return this.#retention;
  }
  isExternalizedCheckpointsEnabled(): boolean {
    return this.#retention !== ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS;
  }
  /** Refused: Sluice keeps checkpoints in Kafka (committed offsets, later changelogs), not in a file system. */
  setCheckpointStorage(storage: string): this {
    throw new UnsupportedSettingError(
      `setCheckpointStorage(${JSON.stringify(storage)})`,
      'Sluice keeps checkpoints in Kafka (source offsets in the consumer group, state in changelog topics as that work lands), not in a checkpoint directory; remove this call',
    );
  }

  /** @internal what the executor honours */
  settings(): CheckpointSettings {
    return { interval: this.#interval, timeout: this.#timeout, minPause: this.#minPause, tolerableFailures: this.#tolerable };
  }
}

export { NOT_YET_EXACTLY_ONCE };
