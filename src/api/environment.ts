import type { Clock } from '../util/clock.ts';
import { isSourceFunction, SourceFunctionSource, type SourceFunction } from './sources/source-function.ts';
import type { StateBackend } from '../state/backend.ts';
import { systemClock } from '../util/clock.ts';
import { logger } from '../util/logger.ts';
import { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { JobConfigurationError } from '../core/errors/job-errors.ts';
import { compileJobGraph, describeJobGraph, type JobGraph } from '../runtime/graph/job-graph.ts';
import { executionPlanOf, type ExecutionPlan } from '../runtime/graph/execution-plan.ts';
import type { Transformation } from '../runtime/graph/transformations.ts';
import { executeLocally } from '../runtime/executor/local-executor.ts';
import { restoredMaxParallelism } from '../runtime/executor/restore.ts';
import { readSavepoint } from '../runtime/savepoint/savepoint-reader.ts';
import { mapSavepointOntoJob } from '../runtime/savepoint/savepoint-mapping.ts';
import { checkMaxParallelism } from '../runtime/partitioning/key-groups.ts';
import type { JobClient, JobExecutionResult, JobSnapshot } from '../runtime/executor/job-client.ts';
import type { WatermarkInterval } from '../runtime/operators/timestamps-watermarks.ts';
import { DataStream } from './datastream.ts';
import { CheckpointConfig } from './checkpoint-config.ts';
import { type CheckpointingMode } from '../core/checkpointing.ts';
import { ExecutionConfig } from './execution-config.ts';
import './keyed-stream.ts';
import './windowed-stream.ts';
import './connected-streams.ts';
import type { Source } from '../core/source.ts';
import { CollectionSource, IterableSource } from './sources/collection-source.ts';
import { FileSource } from './sources/file-source.ts';
import { GeneratorSource } from './sources/generator-source.ts';

/** How the job runs: `streaming` (incremental, watermarks), `batch` (bounded inputs only), or decided from the sources. */
export type RuntimeMode = 'streaming' | 'batch' | 'automatic';

/**
 * Flink's names for the runtime modes. BATCH runs bounded jobs stage by stage, keyed inputs
 * sorted by key, and emits final results only (see the docs on BATCH execution).
 *
 * @example
 * ```ts
 * import { RuntimeExecutionMode, StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.setRuntimeMode(RuntimeExecutionMode.BATCH);
 * ```
 */
export const RuntimeExecutionMode = { STREAMING: 'streaming', BATCH: 'batch', AUTOMATIC: 'automatic' } as const;

/** A runtime mode as given (any case, e.g. `'BATCH'` from a command line), or a clear error. */
function toRuntimeMode(mode: unknown): RuntimeMode {
  const m = typeof mode === 'string' ? mode.toLowerCase() : mode;
  if (m === 'streaming' || m === 'batch' || m === 'automatic') return m;
  throw new JobConfigurationError(`runtime mode must be 'streaming', 'batch' or 'automatic' (RuntimeExecutionMode.STREAMING/BATCH/AUTOMATIC), got ${JSON.stringify(mode)}`);
}

export interface ExecutionEnvironmentOptions {
  /** Default parallelism of operators (default: the SLUICE_PARALLELISM environment variable, set by `sluice run --parallelism N`, else 1). */
  parallelism?: number;
  runtimeMode?: RuntimeMode;
  /** Processing time (timers, periodic watermarks, idleness, TTL). Default: the system clock. */
  clock?: Clock;
  /** Periodic watermark interval in ms (default 200), 0 = off, or 'every-record' (deterministic, for tests). */
  autoWatermarkInterval?: WatermarkInterval;
  /** Keep track of keyed state deletes for a changelog (default false). */
  trackStateChanges?: boolean;
  /** Where keyed state lives: `new HashMapStateBackend()` (default) or `new LmdbStateBackend({ path })`. */
  stateBackend?: StateBackend;
  /**
   * Checkpoint interval in ms (default 5000; 0 = off). A checkpoint pauses the sources, waits for
   * asynchronous operators, flushes the sinks, then lets the sources commit their positions
   * (Kafka offsets): at-least-once delivery across crashes. Bounded jobs also checkpoint at the end.
   */
  checkpointInterval?: number;
}

/** The default parallelism: SLUICE_PARALLELISM (set by `sluice run --parallelism N`) or 1. */
function defaultParallelism(): number {
  const raw = process.env.SLUICE_PARALLELISM;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1)) throw new JobConfigurationError(`SLUICE_PARALLELISM must be an integer >= 1, got '${raw}'`);
  return n;
}

export type { ExecutionPlan } from '../runtime/graph/execution-plan.ts';

const RUNNING_JOBS = new Set<JobClient>();

/**
 * @internal Cancels every job running in this process and waits (up to `timeoutMs`) until they
 * ended: sources closed (consumers leave their groups), sinks flushed. `sluice run` calls it on
 * Ctrl-C / SIGTERM.
 */
export async function cancelRunningJobs(timeoutMs = 5000): Promise<number> {
  const jobs = [...RUNNING_JOBS];
  for (const j of jobs) j.cancel();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(jobs.map((j) => j.result)),
    new Promise((r) => (timer = setTimeout(r, timeoutMs))),
  ]);
  clearTimeout(timer);
  return jobs.length;
}

/** Options of one execution. */
export interface ExecuteOptions {
  /** Restore operator state and source positions from a savepoint. */
  restoreFrom?: JobSnapshot;
  /**
   * Start from the savepoint directory `sluice savepoint` wrote (default `$SLUICE_FROM_SAVEPOINT`,
   * set by `sluice run --from-savepoint`): state is restored by operator uid at this job's
   * parallelism, sources resume from its positions, and the job id's earlier checkpoints and
   * changelogs are replaced by it.
   */
  fromSavepoint?: string;
  /** Drop (and log) savepoint state of uids this job does not have instead of refusing it (default `$SLUICE_ALLOW_NON_RESTORED_STATE` = 'true'). */
  allowNonRestoredState?: boolean;
  /**
   * A distributed job's worker as a static member of the job group (Kafka's group.instance.id,
   * default `$SLUICE_INSTANCE_ID`, set by `sluice run --instance-id`): restarted with the same id
   * within the group's session timeout, it gets its tasks back without a rebalance of the other
   * workers. Unique per running worker. See docs/scaling.md.
   *
   * @example
   * ```ts
   * await env.execute('orders', { instanceId: `orders-${hostname()}` });
   * ```
   */
  instanceId?: string;
  /** With `instanceId`: stay in the job group when stopped, because the worker is coming back (default `$SLUICE_REMAIN_IN_GROUP` = 'true', else leave). */
  remainInGroupOnStop?: boolean;
}

/**
 * Builds and runs jobs. Every `env.from...` starts a stream; `execute()` compiles the graph of
 * transformations into stages of chained operators and runs it.
 *
 * @example
 * ```ts
 * import { StreamExecutionEnvironment } from 'sluice';
 * const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
 * env.fromElements('to be', 'or not to be')
 *   .flatMap((line: string) => line.split(' '))
 *   .map((w) => [w, 1] as [string, number])
 *   .keyBy((p) => p[0])
 *   .sum(1)
 *   .print();
 * await env.execute('word count');
 * ```
 */
export class StreamExecutionEnvironment {
  #parallelism: number;
  #mode: RuntimeMode;
  #clock: Clock;
  #interval: WatermarkInterval;
  #trackChanges: boolean;
  #stateBackend: StateBackend | undefined;
  readonly #checkpointConfig = new CheckpointConfig();
  readonly #config: ExecutionConfig = new ExecutionConfig(this);
  #maxParallelism: number | undefined;
  #chaining = true;
  #nextId = 0;
  readonly #sinks: Transformation[] = [];

  private constructor(options: ExecutionEnvironmentOptions) {
    this.#parallelism = 1;
    this.setParallelism(options.parallelism ?? defaultParallelism());
    this.#mode = toRuntimeMode(options.runtimeMode ?? 'streaming');
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.autoWatermarkInterval ?? 200;
    this.#trackChanges = options.trackStateChanges ?? false;
    this.#stateBackend = options.stateBackend;
    if (options.checkpointInterval !== undefined) this.enableCheckpointing(options.checkpointInterval);
  }

  static getExecutionEnvironment(options: ExecutionEnvironmentOptions = {}): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment(options);
  }
  static createLocalEnvironment(parallelism = 1, options: ExecutionEnvironmentOptions = {}): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment({ ...options, parallelism });
  }

  setParallelism(parallelism: number): this {
    if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
      throw new JobConfigurationError(`parallelism must be an integer >= 1, got ${parallelism}`);
    }
    this.#parallelism = parallelism;
    return this;
  }
  getParallelism(): number {
    return this.#parallelism;
  }
  /**
   * The default max parallelism of every operator: the upper bound of rescaling from a savepoint
   * and the number of key groups keyed state is split into (once state and exchanges live in
   * Kafka, the partition count of every changelog and repartition topic). Unset, each operator
   * computes `roundUpToPowerOfTwo(1.5 × parallelism)` bounded to [128, 32768], as Flink does.
   *
   * @example
   * ```ts
   * env.setMaxParallelism(256); // rescale up to 256 subtasks later; 256 key groups per keyed operator
   * ```
   */
  setMaxParallelism(maxParallelism: number): this {
    this.#maxParallelism = checkMaxParallelism(maxParallelism, 'env.setMaxParallelism(n): the max parallelism');
    return this;
  }
  /**
   * The configured default max parallelism, or -1 when none is (each operator then computes its own).
   *
   * @example
   * ```ts
   * env.setMaxParallelism(256).getMaxParallelism(); // 256
   * ```
   */
  getMaxParallelism(): number {
    return this.#maxParallelism ?? -1;
  }
  /**
   * Runs every operator in a stage of its own (the execution plan shows no chains). Records still
   * travel by direct calls inside one process; the stages are the tasks that workers distribute.
   *
   * @example
   * ```ts
   * env.disableOperatorChaining();
   * ```
   */
  disableOperatorChaining(): this {
    this.#chaining = false;
    return this;
  }
  /**
   * False after `disableOperatorChaining()`.
   *
   * @example
   * ```ts
   * env.disableOperatorChaining().isChainingEnabled(); // false
   * ```
   */
  isChainingEnabled(): boolean {
    return this.#chaining;
  }
  /**
   * Accepted for Flink compatibility, with no effect (see `DataStream.setBufferTimeout`).
   *
   * @example
   * ```ts
   * env.setBufferTimeout(10);
   * ```
   */
  setBufferTimeout(timeoutMillis: number): this {
    if (!(typeof timeoutMillis === 'number' && timeoutMillis >= -1)) throw new JobConfigurationError(`setBufferTimeout(${timeoutMillis}): expected a number of ms >= -1`);
    return this;
  }
  setRuntimeMode(mode: RuntimeMode | Uppercase<RuntimeMode>): this {
    this.#mode = toRuntimeMode(mode);
    return this;
  }
  getRuntimeMode(): RuntimeMode {
    return this.#mode;
  }
  setAutoWatermarkInterval(interval: WatermarkInterval): this {
    this.#interval = interval;
    return this;
  }
  getAutoWatermarkInterval(): WatermarkInterval {
    return this.#interval;
  }
  setStateBackend(backend: StateBackend): this {
    this.#stateBackend = backend;
    return this;
  }
  /**
   * Checkpoints every `interval` ms (0 = off); see `ExecutionEnvironmentOptions.checkpointInterval`.
   * `mode` EXACTLY_ONCE makes each checkpoint one Kafka transaction (see docs/fault-tolerance.md); default AT_LEAST_ONCE.
   *
   * @example
   * ```ts
   * env.enableCheckpointing(10_000, CheckpointingMode.AT_LEAST_ONCE);
   * ```
   */
  enableCheckpointing(interval: number, mode?: CheckpointingMode): this {
    if (!(Number.isFinite(interval) && interval >= 0)) throw new JobConfigurationError(`checkpoint interval must be a number of ms >= 0, got ${interval}`);
    if (mode !== undefined) this.#checkpointConfig.setCheckpointingMode(mode);
    this.#checkpointConfig.setCheckpointInterval(interval);
    return this;
  }
  getCheckpointInterval(): number {
    return this.#checkpointConfig.getCheckpointInterval();
  }
  /**
   * Checkpoint settings with Flink's names (timeout, min pause, tolerable failures, ...).
   *
   * @example
   * ```ts
   * env.getCheckpointConfig().setCheckpointTimeout(60_000).setMinPauseBetweenCheckpoints(1_000);
   * ```
   */
  getCheckpointConfig(): CheckpointConfig {
    return this.#checkpointConfig;
  }
  /**
   * Flink's `ExecutionConfig`: parallelism, max parallelism, watermark interval, global job parameters.
   *
   * @example
   * ```ts
   * env.getConfig().setGlobalJobParameters({ region: 'eu' });
   * ```
   */
  getConfig(): ExecutionConfig {
    return this.#config;
  }
  getClock(): Clock {
    return this.#clock;
  }

  /** @internal */
  nextId(): number {
    return this.#nextId++;
  }
  /** @internal */
  addSink(t: Transformation): void {
    this.#sinks.push(t);
  }
  /** @internal */
  removeSink(t: Transformation): void {
    const i = this.#sinks.indexOf(t);
    if (i >= 0) this.#sinks.splice(i, 1);
  }

  /** A stream from a source, with its watermark strategy (timestamps and watermarks per split). */
  fromSource<T>(source: Source<T>, watermarkStrategy: WatermarkStrategy<T>, sourceName: string): DataStream<T> {
    if (source === null || typeof source !== 'object' || typeof source.createReader !== 'function') {
      throw new JobConfigurationError('fromSource(source, ...) needs a Source (an object with getBoundedness() and createReader())');
    }
    const t: Transformation = {
      kind: 'source',
      id: this.nextId(),
      name: `Source: ${sourceName}`,
      uid: undefined,
      parallelism: undefined,
      hasTimestamps: watermarkStrategy.hasTimestampAssigner || source.providesTimestamps === true,
      source: source as Source<unknown>,
      strategy: watermarkStrategy as WatermarkStrategy<unknown>,
    };
    return new DataStream<T>(this, t);
  }

  /** A stream from a `Source`, a legacy `SourceFunction` (`run(ctx)`/`cancel()`, with its own timestamps and watermarks), an iterable or an async iterable (no watermarks). */
  addSource<T>(source: Source<T> | SourceFunction<T> | Iterable<T> | AsyncIterable<T>, sourceName = 'Custom Source'): DataStream<T> {
    const s: Source<T> = isSourceFunction<T>(source)
      ? new SourceFunctionSource(source)
      : typeof (source as Source<T>).createReader === 'function'
        ? (source as Source<T>)
        : new IterableSource(source as Iterable<T>);
    return this.fromSource(s, WatermarkStrategy.noWatermarks<T>(), sourceName);
  }

  /** A bounded stream of the array's elements, in order. */
  fromCollection<T>(items: readonly T[]): DataStream<T> {
    if (!Array.isArray(items)) throw new JobConfigurationError('fromCollection(items) needs an array; for other iterables use addSource(iterable)');
    return this.fromSource(new CollectionSource(items), WatermarkStrategy.noWatermarks<T>(), 'Collection Source');
  }

  /** A bounded stream of the given values. */
  fromElements<T>(...values: T[]): DataStream<T> {
    return this.fromSource(new CollectionSource(values), WatermarkStrategy.noWatermarks<T>(), 'Collection Source');
  }

  /** Flink 1.19's name: `fromData(...values)` or `fromData(array)`. */
  fromData<T>(...values: T[] | [readonly T[]]): DataStream<T> {
    const items = values.length === 1 && Array.isArray(values[0]) ? (values[0] as readonly T[]) : (values as T[]);
    return this.fromSource(new CollectionSource(items), WatermarkStrategy.noWatermarks<T>(), 'Collection Source');
  }

  /** The numbers from..to (inclusive), generated in parallel. */
  fromSequence(from: number, to: number): DataStream<number> {
    return this.fromSource(new GeneratorSource((i) => from + i, { count: Math.max(0, to - from + 1) }), WatermarkStrategy.noWatermarks<number>(), 'Sequence Source');
  }

  /** The lines of a text file. */
  readTextFile(path: string): DataStream<string> {
    return this.fromSource(FileSource.forLines(path), WatermarkStrategy.noWatermarks<string>(), path);
  }

  /** @internal compiles the current graph (adopting a savepoint's max parallelism where none is configured). */
  compile(jobName: string, extraSinks: Transformation[] = [], restoreFrom?: JobSnapshot): JobGraph {
    return compileJobGraph([...this.#sinks, ...extraSinks], {
      jobName,
      parallelism: this.#parallelism,
      maxParallelism: this.#maxParallelism,
      restoredMaxParallelism: restoredMaxParallelism(restoreFrom),
      chaining: this.#chaining,
    });
  }

  /** The stages of the job as text (what runs where, and the exchanges between stages). */
  getExecutionPlan(jobName = 'Sluice Job'): string {
    return describeJobGraph(this.compile(jobName));
  }

  /** The stages of the job as data (for tools and dashboards). */
  getExecutionPlanJson(jobName = 'Sluice Job'): ExecutionPlan {
    return executionPlanOf(this.compile(jobName));
  }

  #resolveMode(graph: JobGraph): 'streaming' | 'batch' {
    const unbounded = graph.vertices.filter((v) => v.t.kind === 'source' && v.t.source.getBoundedness() === 'unbounded');
    if (this.#mode === 'batch' && unbounded.length > 0) {
      throw new JobConfigurationError(
        `runtimeMode 'batch' needs bounded sources, but ${unbounded.map((v) => `'${v.name}'`).join(', ')} ${unbounded.length > 1 ? 'are' : 'is'} unbounded; use runtimeMode 'streaming' or 'automatic'`,
      );
    }
    if (this.#mode === 'automatic') return unbounded.length > 0 ? 'streaming' : 'batch';
    return this.#mode;
  }

  /** @internal */
  start(jobName: string, options: ExecuteOptions & { extraSinks?: Transformation[]; stopSignal?: { stopped: boolean } } = {}): JobClient {
    let restoreFrom = options.restoreFrom;
    const savepointPath = restoreFrom === undefined ? (options.fromSavepoint ?? process.env.SLUICE_FROM_SAVEPOINT) : undefined;
    const savepoint = savepointPath !== undefined && savepointPath !== '' ? readSavepoint(savepointPath) : undefined;
    const graph = this.compile(jobName, options.extraSinks, restoreFrom ?? savepoint?.snapshot);
    if (savepoint !== undefined) {
      const allowNonRestoredState = options.allowNonRestoredState ?? process.env.SLUICE_ALLOW_NON_RESTORED_STATE === 'true';
      restoreFrom = mapSavepointOntoJob(graph, savepoint.snapshot, { allowNonRestoredState, savepoint: savepoint.path });
      logger.info({ job: jobName, savepoint: savepoint.path, checkpointId: savepoint.metadata.checkpointId }, 'starting from a savepoint');
    }
    const client = executeLocally(graph, {
      mode: this.#resolveMode(graph),
      clock: this.#clock,
      autoWatermarkInterval: this.#interval,
      trackStateChanges: this.#trackChanges,
      stateBackend: this.#stateBackend,
      restoreFrom,
      stopSignal: options.stopSignal,
      checkpoints: this.#checkpointConfig.settings(),
      globalJobParameters: this.#config.getGlobalJobParameters(),
      ...(options.instanceId !== undefined && { instanceId: options.instanceId }),
      ...(options.remainInGroupOnStop !== undefined && { remainInGroupOnStop: options.remainInGroupOnStop }),
    });
    RUNNING_JOBS.add(client);
    void client.result.then(
      () => RUNNING_JOBS.delete(client),
      () => RUNNING_JOBS.delete(client),
    );
    return client;
  }

  /** Runs the job until its inputs end (forever for unbounded sources). Rejects if it fails. */
  async execute(jobName = 'Sluice Job', options: ExecuteOptions = {}): Promise<JobExecutionResult> {
    return this.start(jobName, options).result;
  }

  /** Starts the job and returns a handle to cancel it or take savepoints. */
  async executeAsync(jobName = 'Sluice Job', options: ExecuteOptions = {}): Promise<JobClient> {
    return this.start(jobName, options);
  }
}
