import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { JobCancelledError, SourceFailedError } from '../../core/errors/job-errors.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { Source } from '../../core/source.ts';
import type { KafkaConnection } from '../../core/kafka-clients.ts';
import { AtLeastOnceCommitter } from '../../kafka/at-least-once-committer.ts';
import type { CommitStrategy } from '../../kafka/commit-strategy.ts';
import { DurableState, jobIdOf, sanitizeJobId } from '../checkpoint/durable-state.ts';
import { TransactionalCommitter } from '../../kafka/transactional-committer.ts';
import { checkGuarantees, ExactlyOnceWorker, isExactlyOnce, sinksOf } from './exactly-once.ts';
import { staticMembershipOf } from './static-membership.ts';
import { firstContact } from '../../kafka/reachability.ts';
import { watchClientErrors } from '../../kafka/client-error-watch.ts';
import { watchRebalances } from '../../kafka/rebalance-watch.ts';
import { restoreOperator } from '../executor/restore.ts';
import { WorkerClients } from '../../kafka/worker-clients.ts';
import { CheckpointStatsTracker } from '../../metrics/checkpoint-stats.ts';
import type { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import { logger } from '../../util/logger.ts';
import { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.ts';
import { PositionCommitter } from '../checkpoint/position-committer.ts';
import { snapshotTasks } from '../checkpoint/savepoint.ts';
import { StopWithSavepoint } from '../savepoint/stop-with-savepoint.ts';
import type { JobExecutionResult, JobMetrics, JobSnapshot } from '../executor/job-client.ts';
import { WatermarkAlignment } from '../executor/watermark-alignment.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { MetricRegistry } from '../metrics/in-memory-metrics.ts';
import type { AbstractStreamOperator, OperatorServices } from '../operators/operator.ts';
import { ProcessingTimeService } from '../timers/processing-time-service.ts';
import { BackpressureGate } from './backpressure-gate.ts';
import { isObservable, type ExecutionOptions } from './execution-options.ts';
import { PollLoop } from './poll-loop.ts';
import { buildTasks, ownShare, type BuiltTasks } from './task-builder.ts';
import { TaskSource } from './task-source.ts';
import type { Task } from './task.ts';
import { WakeSignal } from './wake-signal.ts';
import { runsExactly, type JobMembership } from '../executor/job-membership.ts';
import { TaskMetricsBinding } from './task-metrics.ts';
import { WorkerStatusReporter } from './worker-status.ts';
import { UnitSet } from './unit-set.ts';
import type { Output } from '../../core/output.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import { JobConfigurationError, UserFunctionError } from '../../core/errors/job-errors.ts';

const NO_CHECKPOINTS = { interval: 0, timeout: Number.POSITIVE_INFINITY, minPause: 0, tolerableFailures: 0 };

/**
 * Runs tasks of a job in this thread: polls the readers of its source tasks (records flow through
 * the chains and exchanges by direct calls), drives processing time (timers, periodic watermarks,
 * watermark alignment), and takes checkpoints and savepoints between polling rounds. It owns the
 * processing-time service, one set of Kafka clients per cluster (`WorkerClients`, handed to every
 * source and sink), and one `CheckpointCoordinator`. Locally one worker runs every task of a job.
 */
export class Worker {
  readonly graph: JobGraph;
  readonly options: ExecutionOptions;
  readonly pts: ProcessingTimeService;
  readonly wake = new WakeSignal();
  readonly backpressure: BackpressureGate;
  readonly clients: WorkerClients;
  readonly services: OperatorServices;
  readonly built: BuiltTasks;
  readonly checkpointStats = new CheckpointStatsTracker();
  readonly coordinator: CheckpointCoordinator;
  readonly alignment = new WatermarkAlignment();
  /** The worker's metrics bound to its tasks (Prometheus, dashboard); undefined with metrics off. */
  readonly observed: TaskMetricsBinding | undefined;
  /** Stops counting the errors and rebalances of this worker's Kafka clients (metrics). */
  #stopWatchingErrors: (() => void) | undefined;
  readonly #positions: PositionCommitter;
  readonly #savepointRequests: Array<(s: JobSnapshot) => void> = [];
  #failure: Error | undefined;
  #cancelled = false;
  #durable: { state: DurableState; strategy: CommitStrategy } | undefined;
  readonly #exactlyOnce: boolean;
  #eo: ExactlyOnceWorker | undefined;
  /** Reader states of the checkpoint the worker restored from (durable state). */
  #restoredSources: Record<string, unknown[]> | undefined;
  /** Stop-with-savepoint requests through the job's control topic (jobs with durable state). */
  #stopWithSavepoint: StopWithSavepoint | undefined;
  /** Publishes this worker's status to the cluster's status topic (`sluice jobs`), when the job talks to Kafka. */
  #status: WorkerStatusReporter | undefined;
  /** A job group member's units, changed while it runs (cooperative rebalancing); undefined outside a job group. */
  readonly unitSet: UnitSet | undefined;
  /** The keyed vertices of the whole job (a unit added later may hold one this worker had none of). */
  readonly #keyed: JobVertex[];

  constructor(graph: JobGraph, options: ExecutionOptions) {
    this.graph = graph;
    this.options = options;
    this.pts = new ProcessingTimeService(options.clock);
    this.backpressure = new BackpressureGate(this.wake);
    this.clients = new WorkerClients({ clientId: `sluice-${sanitizeJobId(graph.jobName)}`, producer: () => this.#eo?.producerSettings() ?? { kind: 'idempotent' } });
    this.services = {
      pts: this.pts,
      mode: options.mode,
      // Durable state changelogs deletes too.
      trackStateChanges: options.trackStateChanges ?? (options.mode === 'streaming' && (options.checkpoints?.interval ?? 0) > 0),
      stateBackend: options.stateBackend,
      backpressure: this.backpressure,
      fail: (e) => this.fail(e),
      metrics: new MetricRegistry(options.clock),
      kafka: this.clients,
      ...(options.globalJobParameters !== undefined && { globalJobParameters: options.globalJobParameters }),
    };
    // SLUICE_METRICS=off: no counting wrappers, no registry (what the overhead benchmark compares).
    this.observed = (options.metrics ?? process.env.SLUICE_METRICS !== 'off') ? new TaskMetricsBinding(graph, options.clock, this.checkpointStats) : undefined;
    const all = buildTasks(graph, this.services, options.restoreFrom, this.observed);
    // Several workers: this one runs its share of the subtasks (the others' are built, never opened).
    this.built = options.workerShare === undefined ? all : ownShare(all, options.workerShare);
    this.observed?.bind(this.built.tasks, all.operators);
    this.#keyed = [...all.operators].filter(([, ops]) => ops[0]?.backend !== undefined).map(([v]) => v);
    if (this.observed !== undefined) {
      const observed = this.observed;
      const clientIds = `sluice-${sanitizeJobId(graph.jobName)}-`;
      const stopErrors = watchClientErrors(clientIds, (client, error) => observed.metrics.clientErrors.record(client, error));
      const stopRebalances = watchRebalances(clientIds, options.clock, observed.metrics.rebalances);
      this.#stopWatchingErrors = () => (stopErrors(), stopRebalances());
      this.services.exportedMetricGroup = (uid, subtask) => observed.metricGroupOf(uid, subtask);
      observed.refreshOnScrape();
    }
    this.#exactlyOnce = isExactlyOnce(options.mode, options.checkpoints);
    if (this.#exactlyOnce && options.workerShare !== undefined && options.membership === undefined) {
      throw new JobConfigurationError(
        `job '${graph.jobName}' checkpoints exactly-once, which does not yet work with several workers (${options.workerShare.count}): ` +
          'a worker joining or leaving changes the job group generation and fences the others. Run one worker (exchanges through Kafka work), or checkpoint AT_LEAST_ONCE',
      );
    }
    checkGuarantees(sinksOf(this.built.operators.values()), this.#exactlyOnce);
    this.#positions = new PositionCommitter(
      this.clients,
      (clients) => (this.#exactlyOnce ? new TransactionalCommitter(clients) : new AtLeastOnceCommitter(clients)),
      // Exactly-once: offsets go to the job group with its generation, which fences zombies.
      // Job group members commit with their generation and member id (the group refuses others).
      (p) => {
        const m = options.membership;
        if (m?.joined === true && (this.#exactlyOnce || p.group.groupId === m.groupId)) return m.groupMetadata();
        return this.#eo?.groupMetadata() ?? p.group;
      },
    );
    if (this.#exactlyOnce) this.clients.useTransactions((c) => this.#positions.strategyOf(c));
    if (this.observed !== undefined) this.observed.committedOffsets = this.#positions.committed;
    this.coordinator = new CheckpointCoordinator({
      settings: options.checkpoints ?? NO_CHECKPOINTS,
      clock: options.clock,
      pts: this.pts,
      jobName: graph.jobName,
      participants: {
        readers: () => this.sourceTasks().flatMap((t) => (t.reader !== undefined ? [t.reader] : [])),
        operators: () => this.operatorsInOrder(),
        drain: (op) => this.drain(op),
        failure: () => this.#failure,
        fail: (e) => this.fail(e),
      },
      positions: this.#positions,
      stats: this.checkpointStats,
      restoredId: options.restoreFrom?.checkpointId ?? 0,
      durable: () => this.#durable,
      exactlyOnce: this.#exactlyOnce,
    });
    this.unitSet = options.membership === undefined ? undefined : this.#newUnitSet();
  }

  #newUnitSet(): UnitSet {
    const observed = this.observed;
    return new UnitSet({
      graph: this.graph,
      built: this.built,
      coordinator: this.coordinator,
      alignment: this.alignment,
      observed,
      buildAll: (observeEdge) => buildTasks(this.graph, this.services, undefined, observed && { edge: (e, i, out) => void (observeEdge(i) && observed.edge(e, i, out)) }),
      durable: () => this.#durable?.state,
      openOperators: (ops) => this.#open(ops, false),
      startSources: (tasks, outputOf, restored) => this.#startSources(tasks, outputOf, restored, false),
      wake: () => this.wake.signal(),
    });
  }

  get tasks(): readonly Task[] {
    return this.built.tasks;
  }
  get failure(): Error | undefined {
    return this.#failure;
  }
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Tasks whose stage starts at a source, in topological order. */
  sourceTasks(): Task[] {
    return this.built.tasks.filter((t) => t.sourceVertex !== undefined);
  }

  /** Every operator instance, vertex by vertex in topological order (upstream first), subtasks in order. */
  operatorsInOrder(): AbstractStreamOperator<unknown>[] {
    return this.graph.vertices.flatMap((v) => this.built.operators.get(v) ?? []);
  }

  /** Fails the job from an asynchronous callback. */
  fail(e: Error): void {
    if (this.#failure === undefined) this.#record(e);
    this.#failure ??= e;
    this.wake.signal();
  }

  /** A failure in the dashboard's exception history, with its operator when a user function threw. */
  #record(e: unknown): void {
    const where = e instanceof UserFunctionError ? { operator: { uid: e.operatorUid, name: e.operatorName }, record: describe(e.record) } : {};
    this.observed?.exceptions.record(e, this.options.clock.now(), where);
  }

  cancel(): void {
    this.#cancelled = true;
    this.wake.signal();
  }

  /** The job group took this worker's tasks away (a rebalance): it stops as if cancelled, and the executor starts the next assignment. */
  revoke(): void {
    this.#revoked = true;
    this.cancel();
  }
  get revoked(): boolean {
    return this.#revoked;
  }
  #revoked = false;

  /** A savepoint, taken between two polling rounds. */
  requestSavepoint(): Promise<JobSnapshot> {
    return new Promise<JobSnapshot>((resolve) => {
      this.#savepointRequests.push(resolve);
      this.wake.signal();
    });
  }

  /** Serves the savepoint requests that arrived (between two polling rounds). */
  serveSavepoints(): void {
    while (this.#savepointRequests.length > 0) {
      const resolve = this.#savepointRequests.shift()!;
      resolve(this.coordinator.savepoint((id) => snapshotTasks(id, this.graph.jobName, this.built.operators, this.built.tasks, (e) => this.fail(e))));
    }
  }

  /** A stop-with-savepoint request waits (checked every polling round). */
  get stopWithSavepointPending(): boolean {
    return this.#stopWithSavepoint?.pending === true;
  }

  /** Serves stop-with-savepoint requests; true when the job must stop (its savepoint is written). */
  serveStopWithSavepoint(): Promise<boolean> {
    return this.#stopWithSavepoint?.serve() ?? Promise.resolve(false);
  }

  /** Current figures of the worker's tasks. */
  jobMetrics(): JobMetrics {
    return {
      sources: this.sourceTasks().flatMap((t) => (t.source === undefined ? [] : [{ uid: t.source.uid, subtaskIndex: t.subtask, recordsOut: t.source.records, ended: t.source.ended }])),
      operators: [...this.built.operators.values()].flatMap((list) => list.map((op) => op.metrics())),
      userMetrics: this.services.metrics!.read(),
    };
  }

  /** Awaits an operator's asynchronous work, failing fast when the job fails or is cancelled. */
  async drain(op: AbstractStreamOperator<unknown>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = new Promise<void>((_, reject) => {
      const check = (): void => {
        if (this.#failure !== undefined) reject(this.#failure);
        else if (this.#cancelled) reject(new JobCancelledError(this.graph.jobName));
        else {
          this.pts.fireDue(); // async timeouts run on processing time
          timer = setTimeout(check, 5);
        }
      };
      check();
    });
    try {
      await Promise.race([op.drain(), failed]);
    } finally {
      clearTimeout(timer);
      failed.catch(() => {});
    }
  }

  /** Runs the tasks until their inputs end (or the job is stopped, cancelled or fails). */
  async run(onRunning: () => void): Promise<JobExecutionResult> {
    try {
      return await this.#run(onRunning);
    } finally {
      // Unit changes still queued fail: the membership stops this worker the eager way, or it is gone.
      this.unitSet?.close(this.#failure ?? new JobCancelledError(this.graph.jobName));
    }
  }

  /** Unit changes of the job group wait: served between two polling rounds (true when the task set changed). */
  async serveUnitChanges(): Promise<boolean> {
    const set = this.unitSet;
    if (set === undefined || !set.pending) return false;
    const before = set.version;
    await set.serve();
    return set.version !== before;
  }

  async #run(onRunning: () => void): Promise<JobExecutionResult> {
    const { clock, mode } = this.options;
    const started = clock.now();
    try {
      await this.#recover();
    } catch (e) {
      this.#stopWatchingErrors?.();
      await this.#positions.close();
      await this.clients.close();
      await this.#eo?.close();
      throw e;
    }
    // After recovery: an exactly-once worker's clients must be created with its transactional producer first.
    this.#status = WorkerStatusReporter.start(this, await this.#stateCluster().catch(() => undefined));
    try {
      await this.#open();
      this.#durable?.state.restoredStateOpened();
      await this.#startSources();
    } catch (e) {
      await this.#status?.stop('FAILED', e);
      throw e;
    }
    this.observed?.running();
    this.observed?.metrics.start();
    this.#status?.running();
    onRunning();
    const interval = this.options.autoWatermarkInterval;
    if (mode === 'streaming' && typeof interval === 'number' && interval > 0) {
      this.pts.scheduleAtFixedRate(interval, () => {
        for (const t of this.sourceTasks()) t.source?.periodicEmit();
      });
    }
    if (mode === 'streaming') {
      this.coordinator.start();
      this.alignment.start(this.pts);
    }
    // Started from a savepoint: its state is made durable before any input is read.
    if (this.#durable !== undefined && this.options.restoreFrom !== undefined) await this.coordinator.checkpoint(false);
    const unsubscribe = isObservable(clock) ? clock.onAdvance(() => this.wake.signal()) : undefined;
    let ended: 'FINISHED' | 'CANCELED' | 'FAILED' = 'FAILED';
    let error: unknown;
    try {
      await new PollLoop(this).run();
      // Stopped with a savepoint: no end of input (no final watermark), as Flink's stop without --drain.
      if (this.#stopWithSavepoint?.savepointPath === undefined) {
        await this.#endOfInput();
        this.serveSavepoints();
        if (!this.options.stopSignal?.stopped) await this.coordinator.checkpoint(true);
      }
      ended = 'FINISHED';
    } catch (e) {
      error = e;
      if (e instanceof JobCancelledError) ended = 'CANCELED';
      else if (this.#failure === undefined) this.#record(e);
      throw e;
    } finally {
      unsubscribe?.();
      this.observed?.ended(ended);
      await this.#close(() => this.#status?.stop(ended, error));
    }
    const lateRecordsDropped: Record<string, number> = {};
    for (const [v, ops] of this.built.operators) {
      const late = ops.map((op) => op.metrics().lateRecordsDropped);
      if (late[0] !== undefined) lateRecordsDropped[v.uid] = late.reduce((n: number, l) => n + (l ?? 0), 0);
    }
    return {
      jobName: this.graph.jobName,
      netRuntime: clock.now() - started,
      recordsIn: this.sourceTasks().reduce((n, t) => n + (t.source?.records ?? 0), 0),
      lateRecordsDropped,
      status: this.options.stopSignal?.stopped || this.#stopWithSavepoint?.savepointPath !== undefined ? 'stopped' : 'finished',
      ...(this.#stopWithSavepoint?.savepointPath !== undefined && { savepointPath: this.#stopWithSavepoint.savepointPath }),
    };
  }

  /**
   * A streaming job with checkpoints and a Kafka cluster keeps its state there: the internal topics
   * are created or checked, and the tasks restore from the last committed checkpoint and the
   * changelogs (a savepoint given to the job wins).
   */
  async #recover(): Promise<void> {
    const { mode, checkpoints, restoreFrom, clock } = this.options;
    if (mode !== 'streaming' || (checkpoints?.interval ?? 0) <= 0) return;
    // A job that reads only bounded input runs to its end; a new run is a new job (as in Flink).
    if (!this.graph.vertices.some((v) => v.t.kind === 'source' && v.t.source.getBoundedness() === 'unbounded')) return;
    const connection = await this.#stateCluster();
    if (connection === undefined) {
      logger.debug({ job: this.graph.jobName }, 'no Kafka cluster among the connectors: keyed state is not changelogged');
      return;
    }
    const jobId = jobIdOf(this.graph, this.options);
    const sinks = sinksOf(this.built.operators.values());
    if (this.#exactlyOnce) {
      await ExactlyOnceWorker.checkClusters(sinks, connection);
      this.#eo = new ExactlyOnceWorker({ jobId, stateDir: this.options.stateDir ?? process.env.SLUICE_STATE_DIR ?? '.sluice/state', sinks, interval: checkpoints!.interval, staticMember: staticMembershipOf(this.options) });
    }
    // An unreachable cluster is the same one line as for every other command, not a hang.
    const supplier = this.clients.clients(connection);
    await firstContact(supplier.admin(), connection.bootstrapBrokers as string[], 'Sluice', { closeOnFailure: false });
    const strategy = this.#positions.strategyOf(connection);
    const membership = this.options.membership;
    if (membership !== undefined) await this.#joinJobGroup(membership, connection);
    if (this.#eo !== undefined) {
      // Fences the previous incarnation of this slot (its open transaction is aborted) before the changelogs are read.
      await (strategy as TransactionalCommitter).init();
    }
    if (this.#eo !== undefined && membership === undefined) {
      const sessionTimeoutMs = this.options.groupSessionTimeoutMs ?? Number(process.env.SLUICE_GROUP_SESSION_TIMEOUT_MS ?? 45_000);
      await this.#eo.join(supplier, jobId, [`${jobId}-checkpoints`], sessionTimeoutMs, (e) => this.fail(e), this.observed && { stats: this.observed.metrics.rebalances, clock });
      logger.info({ job: jobId, transactionalId: this.#eo.transactionalId }, 'exactly-once worker started');
      await this.#eo.standBy(jobId, () => {
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#cancelled) throw new JobCancelledError(this.graph.jobName);
      });
    }
    const state = new DurableState({ jobId, clients: this.clients.clients(connection), clock, operators: this.built.operators, tasks: this.built.tasks, keyed: this.#keyed, vertices: this.graph.vertices, restoreListener: this.observed?.restoreListener(), standby: this.options.membership?.standbys });
    // A savepoint given to the job replaces the job id's checkpoints and changelogs.
    if (restoreFrom !== undefined) await state.replaceWith(restoreFrom);
    const snapshot = restoreFrom === undefined ? await state.recover() : undefined;
    if (snapshot !== undefined) {
      for (const v of this.graph.vertices) restoreOperator(v, this.built.operators.get(v) ?? [], snapshot);
      this.#restoredSources = snapshot.sources;
      this.coordinator.restoredFrom(snapshot.checkpointId);
    }
    this.#durable = { state, strategy };
    this.#stopWithSavepoint = new StopWithSavepoint(
      {
        jobId,
        coordinator: this.coordinator,
        operators: this.built.operators,
        now: () => clock.now(),
        hasTasks: () => this.built.tasks.length > 0,
        exchangesThroughKafka: this.options.membership !== undefined,
        unitsElsewhere: () => {
          const of = Math.max(...this.graph.stages.map((s) => s.parallelism));
          const mine = new Set(this.built.tasks.map((t) => t.subtask));
          return { units: Array.from({ length: of }, (_, u) => u).filter((u) => !mine.has(u)), of };
        },
        snapshot: (id) => snapshotTasks(id, this.graph.jobName, this.built.operators, this.built.tasks, (e) => this.fail(e)),
        wake: () => this.wake.signal(),
      },
      supplier,
    );
    await this.#stopWithSavepoint.start();
  }

  /**
   * Joins the job group (first incarnation); when the group assigned this worker other tasks than
   * it was built with, it stops at once and the executor builds the assigned ones.
   */
  async #joinJobGroup(membership: JobMembership, connection: KafkaConnection): Promise<void> {
    await membership.join(connection);
    const units = membership.assigned();
    const allUnits = Math.max(...this.graph.stages.map((s) => s.parallelism));
    if (units === undefined || !runsExactly(this.options.workerShare, units, allUnits)) {
      this.revoke();
      throw new JobCancelledError(this.graph.jobName);
    }
  }

  /** The cluster of the job's first Kafka source, else of its first Kafka sink. */
  async #stateCluster(): Promise<KafkaConnection | undefined> {
    for (const v of this.graph.vertices) {
      if (v.t.kind === 'source' && typeof v.t.source.kafkaConnection === 'function') return v.t.source.kafkaConnection();
    }
    for (const sink of sinksOf(this.built.operators.values())) {
      if (typeof sink.kafkaConnection === 'function') return sink.kafkaConnection();
    }
    return undefined;
  }

  /** Opens operators downstream first, so that sources emit into open operators (`all`: the worker's, which close with its clients on failure). */
  async #open(ops: readonly AbstractStreamOperator<unknown>[] = this.operatorsInOrder(), all = true): Promise<void> {
    try {
      for (let i = ops.length - 1; i >= 0; i--) await ops[i]!.open();
    } catch (e) {
      for (const op of ops) await Promise.resolve().then(() => op.close()).catch(() => {});
      if (all) await this.clients.close();
      throw e;
    }
  }

  /**
   * Creates and starts one reader per source task (`all`: the worker's tasks at start, whose
   * readers, operators and clients close on failure; else tasks of units added later).
   */
  async #startSources(
    tasks: readonly Task[] = this.sourceTasks(),
    outputOf: (v: JobVertex, subtask: number) => Output<unknown> = this.built.outputOf,
    restored: Record<string, unknown[]> | undefined = this.#restoredSources ?? this.options.restoreFrom?.sources,
    all = true,
  ): Promise<void> {
    const { clock, mode } = this.options;
    let starting: Task | undefined;
    try {
      for (const task of tasks) {
        starting = task;
        const v = task.sourceVertex!;
        if (v.t.kind !== 'source') continue;
        const ctx = {
          subtaskIndex: task.subtask,
          parallelism: v.parallelism,
          clock,
          sleepUntil: (time: number) =>
            new Promise<void>((resolve) => {
              this.pts.schedule(time, () => resolve());
              this.wake.signal();
            }),
          kafka: this.clients,
        };
        const reader = (v.t.source as Source<unknown>).createReader(ctx, restored?.[v.uid]?.[task.subtask]);
        const aligned = v.t.strategy.alignment;
        task.source = new TaskSource<unknown>({
          alignment: aligned !== undefined && mode === 'streaming' ? this.alignment.register(aligned, reader) : undefined,
          name: v.name,
          uid: v.uid,
          reader,
          out: outputOf(v, task.subtask),
          strategy: v.t.strategy as WatermarkStrategy<unknown>,
          clock,
          batch: mode === 'batch',
          everyRecord: this.options.autoWatermarkInterval === 'every-record',
        });
        await reader.start?.();
      }
    } catch (e) {
      for (const t of tasks) await Promise.resolve().then(() => t.reader?.close?.()).catch(() => {});
      if (all) {
        for (const op of this.operatorsInOrder()) await Promise.resolve().then(() => op.close()).catch(() => {});
        await this.clients.close();
      }
      throw e instanceof SluiceError ? e : new SourceFailedError(starting?.sourceVertex?.name ?? 'source', starting?.sourceVertex?.uid ?? '?', 0, e);
    }
  }

  /**
   * Every source emitted +infinity. Waits for asynchronous work (async I/O), upstream first, so
   * that everything reached its operator; then event time is complete. In BATCH mode the later
   * stages run now, one after another, from their buffered input.
   */
  async #endOfInput(): Promise<void> {
    const batch = this.built.batch;
    if (batch === undefined) {
      for (const op of this.operatorsInOrder()) await this.drain(op);
      for (const op of this.operatorsInOrder()) op.endInput();
      return;
    }
    await batch.run({
      drain: (op) => this.drain(op),
      held: () => this.backpressure.held,
      pause: async () => {
        for (;;) {
          if (this.#failure !== undefined) throw this.#failure;
          if (this.#cancelled) throw new JobCancelledError(this.graph.jobName);
          if (this.options.stopSignal?.stopped) return false;
          this.pts.fireDue(); // async I/O timeouts run on processing time
          if (!this.backpressure.held) {
            await yieldToEventLoop();
            return true;
          }
          const released = this.wake.wait();
          const poll = setTimeout(() => this.wake.signal(), 5);
          await released;
          clearTimeout(poll);
        }
      },
    });
  }

  /** Closes readers, then operators upstream first, then (after `beforeClients`) the worker's Kafka clients. */
  async #close(beforeClients?: () => Promise<void> | undefined): Promise<void> {
    try {
      for (const t of this.sourceTasks()) await t.reader?.close?.();
      for (const v of this.graph.vertices) {
        for (const op of this.built.operators.get(v) ?? []) {
          try {
            await op.close();
          } catch (e) {
            logger.warn({ err: e, operator: v.uid }, 'operator failed to close');
          }
        }
      }
    } finally {
      await this.#stopWithSavepoint?.close();
      await this.#positions.close();
      await this.#eo?.close();
      await beforeClients?.();
      await this.clients.close();
      this.#stopWatchingErrors?.();
    }
  }
}

/** A short rendering of the record a user function failed on (the dashboard's exception list). */
function describe(record: unknown): string {
  let text: string;
  try {
    text = typeof record === 'string' ? JSON.stringify(record) : (JSON.stringify(record, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(record));
  } catch {
    text = String(record);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
