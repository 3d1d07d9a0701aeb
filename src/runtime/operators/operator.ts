import type { RuntimeContext } from '../../core/runtime-context.ts';
import type { KeyedStateSnapshot } from '../../state/backend.ts';
import type { InternalKeyedStateBackend, StateBackend } from '../../state/backend.ts';
import { HashMapStateBackend, HeapKeyedStateBackend } from '../../state/heap/heap-backend.ts';
import { StateAccessError } from '../../core/errors/state-errors.ts';
import { voidNamespaceSerializer, type NamespaceSerializer } from '../../core/state/namespace.ts';
import type { StateDescriptor } from '../../core/state/descriptors.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../core/watermark/watermark.ts';
import { MissingTimestampError, UserFunctionError, WindowMergeError } from '../../core/errors/job-errors.ts';
import { NULL_OUTPUT, type Output } from '../../core/output.ts';
import { InternalTimerService, type TimersSnapshot, type Triggerable } from '../timers/internal-timer-service.ts';
import { assignToKeyGroup, computeDefaultMaxParallelism, computeKeyGroupRangeForOperatorIndex, type KeyGroupRange } from '../partitioning/key-groups.ts';
import type { GlobalJobParameters } from '../../core/job-parameters.ts';
import type { KafkaClientProvider } from '../../core/kafka-clients.ts';
import type { KeyedStateStore } from '../../core/windowing/window-functions.ts';
import { redistributeOperatorState, type OperatorStateSnapshot } from '../../state/operator/redistribution.ts';
import type { ExportedMetricGroups, MetricRegistry } from '../metrics/in-memory-metrics.ts';
import { FunctionStateHandler, userFunctionOf } from './function-state.ts';
import { setRuntimeContextOn } from '../../core/functions/rich-function.ts';
import { createRuntimeContext } from './runtime-context-impl.ts';
import type { ProcessingTimeService } from '../timers/processing-time-service.ts';

/** Where an operator instance runs. */
export interface OperatorInfo {
  name: string;
  uid: string;
  subtaskIndex: number;
  parallelism: number;
  jobName: string;
  /** Number of key groups (default: computed from the parallelism as when nobody configured one). */
  maxParallelism?: number;
  /** How many times this subtask was restarted (always 0 today: a failed job is not restarted). */
  attemptNumber?: number;
}
/** Services the executor hands to every operator instance. */
export interface OperatorServices {
  pts: ProcessingTimeService;
  mode: 'streaming' | 'batch';
  /** Whether keyed state records deletes for a changelog. */
  trackStateChanges: boolean;
  /** Where keyed state lives (default: the heap). */
  stateBackend?: StateBackend | undefined;
  /** Operators that cannot take more input ask the executor to stop polling sources. */
  backpressure?: Backpressure;
  /** Fails the job from an asynchronous callback. */
  fail?: (error: Error) => void;
  /** Where user metrics (`getMetricGroup()`) live; one per job. */
  metrics?: MetricRegistry;
  /** The Prometheus metric group of each operator subtask (absent with metrics off). */
  exportedMetricGroup?: ExportedMetricGroups;
  /** The worker's Kafka clients, for sinks that write to Kafka. */
  kafka?: KafkaClientProvider;
  globalJobParameters?: GlobalJobParameters;
}

/** Sources are polled only while no operator holds the backpressure. */
export interface Backpressure {
  hold(by: object): void;
  release(by: object): void;
}

const DEFAULT_STATE_BACKEND = new HashMapStateBackend();
/** BATCH ignores the configured backend and state TTL, as Flink's batch execution does. */
const BATCH_STATE_BACKEND: StateBackend = {
  name: 'batch',
  createKeyedStateBackend: (o) => new HeapKeyedStateBackend({ operatorUid: o.operatorUid, clock: o.clock, trackChanges: o.trackChanges, ignoreTtl: true }),
};
/** What `JobClient.getMetrics()` reports per operator subtask. */
export interface OperatorMetrics {
  uid: string;
  name: string;
  subtaskIndex: number;
  currentWatermark: number;
  keyedStateEntries: number;
  eventTimeTimers: number;
  processingTimeTimers: number;
  /** Records written (sinks) or late records dropped (windows), when the operator counts them. */
  recordsIn?: number;
  lateRecordsDropped?: number;
}

/**
 * How an input is read in BATCH mode (Flink's order): broadcast inputs first, then regular ones,
 * then keyed inputs, grouped by key and sorted by timestamp within a key.
 */
export type BatchInput = { kind: 'broadcast' } | { kind: 'regular' } | { kind: 'keyed'; keyOf: (value: unknown) => unknown };
const REGULAR_INPUT: BatchInput = { kind: 'regular' };

/** Snapshot of one operator subtask: keyed state, timers and operator-specific state. */
export interface OperatorSnapshot {
  uid: string;
  subtaskIndex: number;
  keyed?: KeyedStateSnapshot;
  timers?: Record<string, TimersSnapshot>;
  /** Operator list state of the user functions (CheckpointedFunction). */
  functionState?: OperatorStateSnapshot;
  operator?: unknown;
}

/**
 * Base of every operator. Lifecycle, called by the executor (or a test harness), in order:
 * `setup` → `open` → (`processElement` | `processWatermark` | `processIdle`)* → `endInput` →
 * `close`; `snapshotState` / `notifyCheckpointComplete` between records. Records are passed as
 * (value, timestamp) pairs: no envelope object per record.
 */
export abstract class AbstractStreamOperator<OUT> {
  name = '';
  uid = '';
  subtaskIndex = 0;
  parallelism = 1;
  maxParallelism = 128;
  attemptNumber = 0;
  jobName = '';
  out: Output<OUT> = NULL_OUTPUT as Output<OUT>;
  pts!: ProcessingTimeService;
  mode: 'streaming' | 'batch' = 'streaming';
  backend: InternalKeyedStateBackend | undefined;
  currentWatermark = MIN_WATERMARK;
  /** Every input of the operator is idle (set by its input gates; metrics). */
  inputIdle = false;
  readonly #timerServices = new Map<string, InternalTimerService<unknown>>();
  #pendingTimers: Record<string, TimersSnapshot> | undefined;
  #pendingKeep: ((key: unknown) => boolean) | undefined;
  #runtimeContext: RuntimeContext | undefined;
  #services: OperatorServices | undefined;
  /** CheckpointedFunction / CheckpointListener user functions of this subtask and their operator state. */
  functionState = new FunctionStateHandler('operator');

  /** Keyed operators get a keyed state backend and timer services. */
  isKeyed(): boolean {
    return false;
  }

  /** How input `index` (1 or 2) is read in BATCH mode; see {@link BatchInput}. */
  batchInput(_index: 1 | 2): BatchInput {
    return REGULAR_INPUT;
  }

  /**
   * BATCH: every record of the current key was processed. Its timers fire now, with the
   * watermark at +Infinity meanwhile; the next key starts again from no watermark.
   */
  endOfKey(): void {
    this.currentWatermark = MAX_WATERMARK;
    try {
      for (const t of this.#timerServices.values()) t.fireAllAtEndOfKey();
    } finally {
      this.currentWatermark = MIN_WATERMARK;
    }
  }

  setup(info: OperatorInfo, services: OperatorServices, out: Output<OUT>): void {
    this.name = info.name;
    this.uid = info.uid;
    this.subtaskIndex = info.subtaskIndex;
    this.parallelism = info.parallelism;
    this.maxParallelism = info.maxParallelism ?? computeDefaultMaxParallelism(info.parallelism);
    this.attemptNumber = info.attemptNumber ?? 0;
    this.jobName = info.jobName;
    this.pts = services.pts;
    this.mode = services.mode;
    this.out = out;
    this.#services = services;
    this.functionState = new FunctionStateHandler(`${info.name}' (uid '${info.uid}`);
    if (this.isKeyed()) {
      const backend = services.mode === 'batch' ? BATCH_STATE_BACKEND : (services.stateBackend ?? DEFAULT_STATE_BACKEND);
      this.backend = backend.createKeyedStateBackend({
        operatorUid: info.uid,
        subtaskIndex: info.subtaskIndex,
        clock: services.pts.clock,
        trackChanges: services.trackStateChanges,
        maxParallelism: this.maxParallelism,
        keyGroupOf: (key) => assignToKeyGroup(key, this.maxParallelism),
      });
    }
  }

  open(): void | Promise<void> {}

  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    for (const t of this.#timerServices.values()) t.advanceWatermark(watermark);
    this.out.emitWatermark(watermark);
  }

  processIdle(idle: boolean): void {
    this.out.emitIdle(idle);
  }

  /**
   * All inputs ended (the +infinity watermark was processed). In batch mode pending
   * processing-time timers fire now, as if processing time jumped to the end.
   */
  endInput(): void {
    if (this.mode === 'batch') for (const t of this.#timerServices.values()) t.advanceProcessingTime(Number.POSITIVE_INFINITY);
  }

  snapshotState(checkpointId: number): OperatorSnapshot {
    const snap: OperatorSnapshot = { uid: this.uid, subtaskIndex: this.subtaskIndex };
    const fs = this.snapshotFunctionState(checkpointId);
    if (Object.keys(fs).length > 0) snap.functionState = fs;
    if (this.backend !== undefined) snap.keyed = this.backend.snapshot(checkpointId);
    if (this.#timerServices.size > 0) {
      snap.timers = {};
      for (const [name, t] of this.#timerServices) snap.timers[name] = t.snapshot();
    }
    return snap;
  }

  /** The key groups this subtask owns. */
  keyGroupRange(): KeyGroupRange {
    return computeKeyGroupRangeForOperatorIndex(this.maxParallelism, this.parallelism, this.subtaskIndex);
  }

  /**
   * Restores before `open()` from the snapshots of every subtask of the operator's previous run
   * (any parallelism): keyed state and timers of the key groups this subtask owns; operators
   * with state of their own pick their share.
   */
  restoreState(snapshots: readonly OperatorSnapshot[], checkpointId?: number): void {
    const previous: Array<OperatorStateSnapshot | undefined> = [];
    for (const s of snapshots) previous[s.subtaskIndex] = s.functionState;
    this.functionState.restore(previous.length === 0 ? {} : redistributeOperatorState([...previous], this.subtaskIndex, this.parallelism), checkpointId ?? 0);
    const range = this.keyGroupRange();
    const keep = (key: unknown): boolean => range.contains(assignToKeyGroup(key, this.maxParallelism));
    const keyed = snapshots.flatMap((s) => (s.keyed ? [s.keyed] : []));
    if (keyed.length > 0) this.backend?.restore(keyed, (kg) => range.contains(kg));
    const timers: Record<string, TimersSnapshot> = {};
    for (const s of snapshots) {
      for (const [name, t] of Object.entries(s.timers ?? {})) {
        const acc = (timers[name] ??= { eventTime: [], processingTime: [] });
        acc.eventTime.push(...t.eventTime);
        acc.processingTime.push(...t.processingTime);
      }
    }
    this.#pendingTimers = timers;
    this.#pendingKeep = keep;
  }

  /** Calls `snapshotState` of the CheckpointedFunctions (every checkpoint) and returns their operator state. */
  snapshotFunctionState(checkpointId: number): OperatorStateSnapshot {
    try {
      return this.functionState.snapshot(checkpointId, this.pts.now());
    } catch (e) {
      throw this.userError(e, undefined, 'snapshotState() at checkpoint');
    }
  }

  /**
   * Checkpoint step 3 (sources paused, asynchronous work drained): an operator that writes
   * outside the job (a sink) makes what it wrote so far durable, or part of the checkpoint's
   * transaction. `endOfInput`: the job's final checkpoint.
   */
  prepareCommit(_checkpointId: number, _endOfInput: boolean): void | Promise<void> {}

  /** The checkpoint completed: CheckpointListener functions are told. */
  notifyCheckpointComplete(checkpointId: number): void | Promise<unknown> {
    return this.functionState.notifyComplete(checkpointId);
  }
  /** The checkpoint was aborted (expired): CheckpointListener functions are told. */
  notifyCheckpointAborted(checkpointId: number): void | Promise<unknown> {
    return this.functionState.notifyAborted(checkpointId);
  }

  /** Point-in-time figures of this subtask (read on demand; nothing is counted per record here). */
  metrics(): OperatorMetrics {
    let eventTimers = 0;
    let processingTimers = 0;
    for (const t of this.#timerServices.values()) {
      eventTimers += t.numEventTimeTimers();
      processingTimers += t.numProcessingTimeTimers();
    }
    return {
      uid: this.uid,
      name: this.name,
      subtaskIndex: this.subtaskIndex,
      currentWatermark: this.currentWatermark,
      keyedStateEntries: this.backend?.numEntries() ?? 0,
      eventTimeTimers: eventTimers,
      processingTimeTimers: processingTimers,
    };
  }

  /** Resolves when the operator has no asynchronous work left (awaited before `endInput`). */
  drain(): Promise<void> {
    return Promise.resolve();
  }

  close(): void | Promise<void> {
    for (const t of this.#timerServices.values()) t.dispose();
    this.backend?.dispose();
  }

  /** The timers of every timer service of this keyed operator (for the changelog). */
  timerSnapshots(): Record<string, TimersSnapshot> {
    const out: Record<string, TimersSnapshot> = {};
    for (const [name, t] of this.#timerServices) out[name] = t.snapshot();
    return out;
  }

  /** The timer service `name` of this keyed operator (created on first use). */
  getInternalTimerService<N>(name: string, ns: NamespaceSerializer<N>, target: Triggerable<N>): InternalTimerService<N> {
    if (this.backend === undefined) {
      throw new StateAccessError(
        `operator '${this.name}' (uid '${this.uid}') uses timers, which only work on a keyed stream: call keyBy(...) first`,
      );
    }
    let t = this.#timerServices.get(name) as InternalTimerService<N> | undefined;
    if (t === undefined) {
      t = new InternalTimerService<N>(this.backend, ns, target, this.pts, this.mode === 'batch');
      t.currentWatermark = this.currentWatermark;
      this.#timerServices.set(name, t as InternalTimerService<unknown>);
      const pending = this.#pendingTimers?.[name];
      if (pending !== undefined) t.restore(pending, this.#pendingKeep);
    }
    return t;
  }

  /** Keyed state in the void namespace, for user functions. */
  getPartitionedState<S>(descriptor: StateDescriptor<S>): S {
    if (this.backend === undefined) {
      throw new StateAccessError(
        `operator '${this.name}' (uid '${this.uid}') asked for keyed state '${descriptor.name}', but keyed state only works on a ` +
          `keyed stream: call keyBy(...) before this operator`,
      );
    }
    return this.backend.getOrCreateState(descriptor, voidNamespaceSerializer);
  }

  getRuntimeContext(): RuntimeContext {
    return (this.#runtimeContext ??= createRuntimeContext(this as AbstractStreamOperator<unknown>, this.#services ?? {}));
  }

  /** Wraps an error thrown by a user function (errors from downstream pass through). */
  userError(cause: unknown, record: unknown, what = 'record'): Error {
    if (cause instanceof UserFunctionError || cause instanceof MissingTimestampError || cause instanceof WindowMergeError) return cause;
    return new UserFunctionError(this.name, this.uid, record, cause, what);
  }

  /** Opens a user function (lifecycle `open(ctx)`), wrapping its errors. */
  async openFunction(fn: { open?(ctx: RuntimeContext): void | Promise<void> } | undefined): Promise<void> {
    if (fn === undefined || fn === null || typeof fn !== 'object') return;
    setRuntimeContextOn(userFunctionOf(fn), this.getRuntimeContext());
    try {
      // Flink's order: initializeState (operator state, restored or fresh), then open.
      await this.functionState.initialize(fn, () => this.getRuntimeContext() as unknown as KeyedStateStore);
    } catch (e) {
      if (e instanceof StateAccessError) throw e;
      throw new UserFunctionError(this.name, this.uid, undefined, e, 'initializeState() with');
    }
    if (typeof fn.open !== 'function') return;
    try {
      await fn.open(this.getRuntimeContext());
    } catch (e) {
      if (e instanceof StateAccessError) throw e;
      throw new UserFunctionError(this.name, this.uid, undefined, e, 'open() with');
    }
  }

  async closeFunction(fn: { close?(): void | Promise<void> } | undefined): Promise<void> {
    if (fn !== undefined && typeof fn.close === 'function') await fn.close();
  }
}

/** An operator with one input. */
export abstract class OneInputOperator<IN, OUT> extends AbstractStreamOperator<OUT> {
  abstract processElement(value: IN, timestamp: number): void;
}

/** An operator with two inputs (connect); the watermark is the minimum of both. */
export abstract class TwoInputOperator<IN1, IN2, OUT> extends AbstractStreamOperator<OUT> {
  #wm1 = MIN_WATERMARK;
  #wm2 = MIN_WATERMARK;
  #idle1 = false;
  #idle2 = false;
  abstract processElement1(value: IN1, timestamp: number): void;
  abstract processElement2(value: IN2, timestamp: number): void;
  /** The last watermark of each input (Flink's currentInput1Watermark / currentInput2Watermark). */
  get input1Watermark(): number {
    return this.#wm1;
  }
  get input2Watermark(): number {
    return this.#wm2;
  }
  processWatermark1(wm: number): void {
    this.#wm1 = wm;
    this.#idle1 = false;
    this.#combine();
  }
  processWatermark2(wm: number): void {
    this.#wm2 = wm;
    this.#idle2 = false;
    this.#combine();
  }
  processIdle1(idle: boolean): void {
    this.#idle1 = idle;
    this.#idleChanged();
  }
  processIdle2(idle: boolean): void {
    this.#idle2 = idle;
    this.#idleChanged();
  }
  #idleChanged(): void {
    this.inputIdle = this.#idle1 && this.#idle2;
    if (this.#idle1 && this.#idle2) this.processIdle(true);
    else {
      this.processIdle(false);
      this.#combine();
    }
  }
  #combine(): void {
    const wm = this.#idle1 ? this.#wm2 : this.#idle2 ? this.#wm1 : Math.min(this.#wm1, this.#wm2);
    if (wm > this.currentWatermark) this.processWatermark(wm);
  }
}
