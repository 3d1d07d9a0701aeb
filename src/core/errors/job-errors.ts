import { SluiceErrorCodes as C } from './codes.ts';
import { SluiceError } from './sluice-error.ts';

/** Formats a record for an error message: JSON, cut to 200 characters. */
export function describeRecord(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * A user function (map, filter, process, reduce, a window function, a timestamp assigner...)
 * threw. The job fails; the message names the operator, its uid and the offending record, and
 * `cause` is the original error.
 *
 * @example
 * ```ts
 * import { UserFunctionError } from 'sluice';
 * try { await env.execute('job'); } catch (e) {
 *   if (e instanceof UserFunctionError) console.error(e.operatorName, e.operatorUid, e.record);
 * }
 * ```
 */
export class UserFunctionError extends SluiceError {
  readonly operatorName: string;
  readonly operatorUid: string;
  readonly record: unknown;
  constructor(operatorName: string, operatorUid: string, record: unknown, cause: unknown, what = 'record') {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      C.USER_FUNCTION_FAILED,
      `operator '${operatorName}' (uid '${operatorUid}') failed on ${what} ${describeRecord(record)}: ${reason}. ` +
        `Fix the function or filter out such records before it; the original error is the cause.`,
      { cause },
    );
    this.operatorName = operatorName;
    this.operatorUid = operatorUid;
    this.record = record;
  }
}

/** The job graph is not valid; thrown by the API or `execute()` before anything runs. */
export class JobConfigurationError extends SluiceError {
  constructor(message: string) {
    super(C.INVALID_JOB, message);
  }
}

/** A job run with exchanges through Kafka uses an exchange that cannot cross workers. */
export class ExchangeNotDistributableError extends SluiceError {
  constructor(message: string) {
    super(C.EXCHANGE_NOT_DISTRIBUTABLE, message);
  }
}

/** A record without a timestamp reached an operator that needs event time. */
export class MissingTimestampError extends SluiceError {
  /** The record's timestamp when it has one that no event-time window can hold (+Infinity). */
  readonly timestamp: number | undefined;
  constructor(operatorName: string, operatorUid: string, record: unknown, timestamp?: number) {
    const what =
      timestamp === undefined || timestamp === Number.NEGATIVE_INFINITY
        ? 'has no timestamp'
        : `has the timestamp ${timestamp}, which no event-time window can hold (in BATCH mode rolling aggregations stamp their final values so, as Flink does)`;
    super(
      C.MISSING_TIMESTAMP,
      `operator '${operatorName}' (uid '${operatorUid}') needs event time but record ${describeRecord(record)} ${what}. ` +
        `Call assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness(ms).withTimestampAssigner((e) => e.ts)) ` +
        `upstream, or pass such a strategy to env.fromSource(...).`,
    );
    this.timestamp = timestamp;
  }
}

/** The job was cancelled through its `JobClient`. */
export class JobCancelledError extends SluiceError {
  constructor(jobName: string) {
    super(C.JOB_CANCELLED, `job '${jobName}' was cancelled`);
  }
}

/** Merging session windows would move a window end behind the current watermark. */
export class WindowMergeError extends SluiceError {
  constructor(operatorUid: string) {
    super(
      C.WINDOW_MERGE,
      `window operator '${operatorUid}': the end timestamp of an event-time window cannot become earlier than the current watermark by merging. ` +
        `Use a merging window assigner whose windows only grow (e.g. EventTimeSessionWindows).`,
    );
  }
}

/** A source reader failed (I/O error, broken input...); `cause` is the original error. */
export class SourceFailedError extends SluiceError {
  readonly sourceName: string;
  readonly sourceUid: string;
  constructor(sourceName: string, sourceUid: string, subtask: number, cause: unknown) {
    super(
      C.SOURCE_FAILED,
      `source '${sourceName}' (uid '${sourceUid}', subtask ${subtask}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.sourceName = sourceName;
    this.sourceUid = sourceUid;
  }
}

/**
 * A savepoint cannot be restored into this job as it is built: its state was split into another
 * number of key groups than the operator's configured max parallelism, or it was written in a
 * format this version does not read.
 *
 * @example
 * ```ts
 * try { await env.execute('job', { restoreFrom: savepoint }); } catch (e) {
 *   if (e instanceof SavepointRestoreError) console.error(e.operatorUid, e.message);
 * }
 * ```
 */
export class SavepointRestoreError extends SluiceError {
  readonly operatorUid: string;
  constructor(operatorUid: string, message: string) {
    super(C.SAVEPOINT_INCOMPATIBLE, message);
    this.operatorUid = operatorUid;
  }
}

/**
 * `reinterpretAsKeyedStream`: a record reached a subtask that does not own its key's key group,
 * so the input was not partitioned the way `keyBy` partitions (keyed state would be split wrongly).
 *
 * @example
 * ```ts
 * // thrown by a job whose reinterpretAsKeyedStream input is not partitioned by that key
 * events.rebalance().reinterpretAsKeyedStream((e) => e.user); // fails when run at parallelism > 1
 * ```
 */
export class KeyPartitioningError extends SluiceError {
  constructor(operatorName: string, operatorUid: string, key: unknown, keyGroup: number, subtask: number, range: { start: number; end: number }) {
    super(
      C.NOT_PARTITIONED_BY_KEY,
      `operator '${operatorName}' (uid '${operatorUid}') reads a stream reinterpreted as keyed, but key ${describeRecord(key)} (key group ${keyGroup}) ` +
        `reached subtask ${subtask}, which owns key groups ${range.start}..${range.end}: the input is not partitioned as keyBy() would partition it. ` +
        `Use keyBy(...) instead, or partition the input with Sluice's key groups (subtaskForKey).`,
    );
  }
}

/**
 * A Flink setting Sluice does not support (yet): thrown when it is set, naming the setting, so
 * that a program never runs with a guarantee it asked for and does not get.
 *
 * @example
 * ```ts
 * try { env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE); } catch (e) {
 *   if (e instanceof UnsupportedSettingError) console.error(e.setting);
 * }
 * ```
 */
export class UnsupportedSettingError extends SluiceError {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(C.UNSUPPORTED_SETTING, `${setting}: ${message}`);
    this.setting = setting;
  }
}

/** Checkpoints failed more often in a row than `setTolerableCheckpointFailureNumber` allows. *
 * @example
 * ```ts
 * env.getCheckpointConfig().setCheckpointTimeout(60_000).setTolerableCheckpointFailureNumber(3);
 * // four expired checkpoints in a row reject env.execute() with a CheckpointFailedError
 * ```
 */
export class CheckpointFailedError extends SluiceError {
  readonly checkpointId: number;
  constructor(checkpointId: number, message: string) {
    super(C.CHECKPOINT_FAILED, message);
    this.checkpointId = checkpointId;
  }
}
