import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Source } from '../../api/sources/source.ts';
import { InputStatus } from '../../api/sources/source.ts';
import type { WatermarkStrategy } from '../../time/watermark-strategy.ts';
import type { Clock } from '../../util/clock.ts';
import type { StateBackend } from '../../state/backend.ts';
import { logger } from '../../util/logger.ts';
import { JobCancelledError, SourceFailedError } from '../errors.ts';
import { SluiceError } from '../../errors.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator, OneInputOperator, OperatorServices, TwoInputOperator } from '../operators/operator.ts';
import type { WatermarkInterval } from '../operators/timestamps-watermarks.ts';
import { WindowOperator } from '../operators/window/window-operator.ts';
import { ProcessingTimeService } from '../timers/processing-time-service.ts';
import { restoreOperator } from './restore.ts';
import { PeriodicCheckpoints } from './checkpoints.ts';
import { WatermarkAlignment } from './watermark-alignment.ts';
import { MetricRegistry } from '../metrics/in-memory-metrics.ts';
import type { CheckpointSettings } from '../../api/checkpoint-config.ts';
import type { GlobalJobParameters } from '../../api/execution-config.ts';
import { wireOutputs } from './wiring.ts';
import { SourceTask } from './source-task.ts';
import type { JobClient, JobExecutionResult, JobMetrics, JobSnapshot, JobStatus } from './job-client.ts';
import { BatchStages } from './batch/batch-stages.ts';
import { jobRunningChannel, type JobRunningEvent } from './job-events.ts';

/** A clock that tells listeners when it moves (the testing module's manual clock). */
export interface ObservableClock extends Clock {
  onAdvance(listener: () => void): () => void;
}
function isObservable(c: Clock): c is ObservableClock {
  return typeof (c as Partial<ObservableClock>).onAdvance === 'function';
}

export interface ExecutionOptions {
  mode: 'streaming' | 'batch';
  clock: Clock;
  autoWatermarkInterval: WatermarkInterval;
  trackStateChanges?: boolean;
  stateBackend?: StateBackend | undefined;
  restoreFrom?: JobSnapshot | undefined;
  /** Called when the job should stop early (executeAndCollect with a limit). */
  stopSignal?: { stopped: boolean };
  /** Periodic checkpoints (flush sinks, then sources commit positions); absent or interval 0 = off. */
  checkpoints?: CheckpointSettings;
  globalJobParameters?: GlobalJobParameters;
}

const POLLS_PER_ROUND = 512;
const ROUNDS_PER_YIELD = 64;

/**
 * Runs a job graph in this thread: every operator subtask is an object, every edge a direct call
 * (forward) or a routing call (keyBy hash, rebalance) into the right downstream subtask. Sources
 * are polled round-robin; processing time (timers, periodic watermarks) is driven by the clock.
 */
export function executeLocally(graph: JobGraph, opts: ExecutionOptions): JobClient {
  const pts = new ProcessingTimeService(opts.clock);
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let failure: Error | undefined;
  const holders = new Set<object>();
  const services: OperatorServices = {
    pts,
    mode: opts.mode,
    trackStateChanges: opts.trackStateChanges ?? false,
    stateBackend: opts.stateBackend,
    backpressure: {
      hold: (by) => void holders.add(by),
      release: (by) => {
        if (holders.delete(by) && holders.size === 0) signal();
      },
    },
    fail: (e) => {
      failure ??= e;
      signal();
    },
    metrics: new MetricRegistry(opts.clock),
    ...(opts.globalJobParameters !== undefined && { globalJobParameters: opts.globalJobParameters }),
  };
  const operators = new Map<JobVertex, AbstractStreamOperator<unknown>[]>();
  for (const v of graph.vertices) {
    if (v.t.kind === 'source') continue;
    const factory = v.t.factory as (subtaskIndex: number) => AbstractStreamOperator<unknown>;
    operators.set(v, Array.from({ length: v.parallelism }, (_, i) => factory(i)));
  }
  // BATCH: blocking exchanges and sorted keyed inputs; stages run one after another.
  const batchStages = opts.mode === 'batch' ? new BatchStages(graph, operators) : undefined;
  const outputsOf = wireOutputs(graph, operators, batchStages?.intercept);
  for (const [v, ops] of operators) {
    ops.forEach((op, i) =>
      op.setup({ name: v.name, uid: v.uid, subtaskIndex: i, parallelism: v.parallelism, maxParallelism: v.maxParallelism, jobName: graph.jobName }, services, outputsOf(v, i)),
    );
    if (opts.restoreFrom !== undefined) restoreOperator(v, ops, opts.restoreFrom);
  }

  let cancelled = false;
  let checkpointId = opts.restoreFrom?.checkpointId ?? 0;
  const savepointRequests: Array<(s: JobSnapshot) => void> = [];
  const sourceTasks: Array<{ v: JobVertex; task: SourceTask<unknown> }> = [];

  const takeSnapshot = (): JobSnapshot => {
    checkpointId++;
    const ops: Record<string, ReturnType<AbstractStreamOperator<unknown>['snapshotState']>[]> = {};
    for (const [v, list] of operators) ops[v.uid] = list.map((op) => op.snapshotState(checkpointId));
    const sources: Record<string, unknown[]> = {};
    for (const { v, task } of sourceTasks) (sources[v.uid] ??= []).push(task.reader.snapshotState?.(checkpointId));
    for (const list of operators.values()) {
      for (const op of list) {
        const done = op.notifyCheckpointComplete(checkpointId);
        if (done instanceof Promise) done.catch((e: unknown) => services.fail!(op.userError(e, undefined, 'notifyCheckpointComplete() after savepoint')));
      }
    }
    return { jobName: graph.jobName, checkpointId, operators: ops, sources };
  };

  const checkpoints = new PeriodicCheckpoints({
    settings: opts.checkpoints ?? { interval: 0, timeout: Number.POSITIVE_INFINITY, minPause: 0, tolerableFailures: 0 },
    clock: opts.clock,
    pts,
    jobName: graph.jobName,
    readers: () => sourceTasks.map(({ task }) => task.reader),
    operators: () => graph.vertices.flatMap((v) => operators.get(v) ?? []),
    drain: (op) => drainOrFail(op),
    failure: () => failure,
    fail: (e) => services.fail!(e),
    nextId: () => ++checkpointId,
  });

  const drainOrFail = async (op: AbstractStreamOperator<unknown>): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const failed = new Promise<void>((_, reject) => {
      const check = (): void => {
        if (failure !== undefined) reject(failure);
        else if (cancelled) reject(new JobCancelledError(graph.jobName));
        else {
          pts.fireDue(); // async timeouts run on processing time
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
  };

  const alignment = new WatermarkAlignment();
  /** Creates and starts one reader per source subtask. */
  const createSourceTasks = async (topo: JobVertex[]): Promise<void> => {
    for (const v of topo) {
      if (v.t.kind !== 'source') continue;
      const source = v.t.source as Source<unknown>;
      for (let i = 0; i < v.parallelism; i++) {
        const ctx = {
          subtaskIndex: i,
          parallelism: v.parallelism,
          clock: opts.clock,
          sleepUntil: (time: number) =>
            new Promise<void>((resolve) => {
              pts.schedule(time, () => resolve());
              signal();
            }),
        };
        const reader = source.createReader(ctx, opts.restoreFrom?.sources[v.uid]?.[i]);
        const aligned = v.t.strategy.alignment;
        const task = new SourceTask<unknown>({
          alignment: aligned !== undefined && opts.mode === 'streaming' ? alignment.register(aligned, reader) : undefined,
          name: v.name,
          uid: v.uid,
          reader,
          out: outputsOf(v, i),
          strategy: v.t.strategy as WatermarkStrategy<unknown>,
          clock: opts.clock,
          batch: opts.mode === 'batch',
          everyRecord: opts.autoWatermarkInterval === 'every-record',
        });
        sourceTasks.push({ v, task });
        await reader.start?.();
      }
    }
  };

  const metrics = (): JobMetrics => ({
    sources: sourceTasks.map(({ v, task }, i) => ({ uid: v.uid, subtaskIndex: sourceTasks.slice(0, i).filter((s) => s.v === v).length, recordsOut: task.records, ended: task.ended })),
    operators: [...operators.values()].flatMap((list) => list.map((op) => op.metrics())),
    userMetrics: services.metrics!.read(),
  });

  const run = async (): Promise<JobExecutionResult> => {
    const started = opts.clock.now();
    const topo = graph.vertices;
    try {
      // Open downstream first, so that sources emit into open operators.
      for (let i = topo.length - 1; i >= 0; i--) for (const op of operators.get(topo[i]!) ?? []) await op.open();
    } catch (e) {
      for (const list of operators.values()) for (const op of list) await Promise.resolve().then(() => op.close()).catch(() => {});
      throw e;
    }

    try {
      await createSourceTasks(topo);
    } catch (e) {
      for (const { task } of sourceTasks) await Promise.resolve().then(() => task.reader.close?.()).catch(() => {});
      for (const list of operators.values()) for (const op of list) await Promise.resolve().then(() => op.close()).catch(() => {});
      throw e instanceof SluiceError ? e : new SourceFailedError(sourceTasks.at(-1)?.v.name ?? 'source', sourceTasks.at(-1)?.v.uid ?? '?', 0, e);
    }
    if (jobRunningChannel.hasSubscribers) jobRunningChannel.publish({ graph, mode: opts.mode, result, metrics } satisfies JobRunningEvent);
    const interval = opts.autoWatermarkInterval;
    if (opts.mode === 'streaming' && typeof interval === 'number' && interval > 0) {
      pts.scheduleAtFixedRate(interval, () => {
        for (const { task } of sourceTasks) task.periodicEmit();
      });
    }
    if (opts.mode === 'streaming') {
      checkpoints.start();
      alignment.start(pts);
    }
    const unsubscribe = isObservable(opts.clock) ? opts.clock.onAdvance(signal) : undefined;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      let rounds = 0;
      for (;;) {
        if (failure !== undefined) throw failure;
        if (cancelled) throw new JobCancelledError(graph.jobName);
        if (opts.stopSignal?.stopped) break;
        let progressed = false;
        let open = 0;
        for (const { task } of sourceTasks) {
          if (task.ended) continue;
          open++;
          if (task.waiting || holders.size > 0 || task.alignmentPaused) continue;
          let status: InputStatus = InputStatus.MORE_AVAILABLE;
          try {
            for (let n = 0; n < POLLS_PER_ROUND && status === InputStatus.MORE_AVAILABLE && holders.size === 0 && !task.alignmentPaused; n++) {
              status = task.reader.pollNext(task);
            }
          } catch (e) {
            // Errors of downstream operators pass through; the reader's own become SourceFailedError.
            if (e instanceof SluiceError) throw e;
            throw new SourceFailedError(task.name, task.uid, sourceTasks.filter((s) => s.v.uid === task.uid).findIndex((s) => s.task === task), e);
          }
          if (status === InputStatus.END_OF_INPUT) {
            task.end();
            alignment.updateAll();
            progressed = true;
          } else if (status === InputStatus.NOTHING_AVAILABLE) {
            task.waiting = true;
            task.reader.isAvailable().then(
              () => {
                task.waiting = false;
                signal();
              },
              () => {
                task.waiting = false;
                signal();
              },
            );
          } else progressed = true;
          if (opts.stopSignal?.stopped) break;
        }
        if (pts.fireDue() > 0) progressed = true;
        while (savepointRequests.length > 0) savepointRequests.shift()!(takeSnapshot());
        if (open === 0) break;
        if (checkpoints.ready()) {
          await checkpoints.run(false);
          progressed = true;
        }
        if (!progressed) {
          const wait = new Promise<void>((resolve) => (wake = resolve));
          const next = pts.nextTime();
          if (next !== Number.POSITIVE_INFINITY && !isObservable(opts.clock)) {
            timeout = setTimeout(signal, Math.max(0, next - opts.clock.now()));
          }
          await wait;
          if (timeout !== undefined) clearTimeout(timeout);
        } else if (++rounds % ROUNDS_PER_YIELD === 0) await yieldToEventLoop();
      }
      // End of input: every source emitted +infinity. Wait for asynchronous work (async I/O),
      // upstream first, so that everything reached its operator; then event time is complete.
      // In BATCH mode the later stages run now, one after another, from their buffered input.
      if (batchStages !== undefined) {
        await batchStages.run({
          drain: drainOrFail,
          held: () => holders.size > 0,
          pause: async () => {
            for (;;) {
              if (failure !== undefined) throw failure;
              if (cancelled) throw new JobCancelledError(graph.jobName);
              if (opts.stopSignal?.stopped) return false;
              pts.fireDue(); // async I/O timeouts run on processing time
              if (holders.size === 0) {
                await yieldToEventLoop();
                return true;
              }
              const released = new Promise<void>((resolve) => (wake = resolve));
              const poll = setTimeout(signal, 5);
              await released;
              clearTimeout(poll);
            }
          },
        });
      } else {
        for (const v of topo) for (const op of operators.get(v) ?? []) await drainOrFail(op);
        for (const v of topo) for (const op of operators.get(v) ?? []) op.endInput();
      }
      while (savepointRequests.length > 0) savepointRequests.shift()!(takeSnapshot());
      if (!opts.stopSignal?.stopped) await checkpoints.run(true);
    } finally {
      unsubscribe?.();
      if (timeout !== undefined) clearTimeout(timeout);
      for (const { task } of sourceTasks) await task.reader.close?.();
      for (const v of topo) {
        for (const op of operators.get(v) ?? []) {
          try {
            await op.close();
          } catch (e) {
            logger.warn({ err: e, operator: v.uid }, 'operator failed to close');
          }
        }
      }
    }
    const lateRecordsDropped: Record<string, number> = {};
    for (const [v, ops] of operators) {
      if (ops[0] instanceof WindowOperator) {
        lateRecordsDropped[v.uid] = ops.reduce((n, op) => n + (op as WindowOperator<never, never, never, never, never, never>).numLateRecordsDropped, 0);
      }
    }
    return {
      jobName: graph.jobName,
      netRuntime: opts.clock.now() - started,
      recordsIn: sourceTasks.reduce((n, { task }) => n + task.records, 0),
      lateRecordsDropped,
      status: opts.stopSignal?.stopped ? 'stopped' : 'finished',
    };
  };

  logger.debug({ job: graph.jobName, mode: opts.mode, stages: graph.stages.length }, 'job started');
  const result = run().then(
    (r) => {
      logger.debug({ job: graph.jobName, recordsIn: r.recordsIn, status: r.status }, 'job finished');
      return r;
    },
    (e: unknown) => {
      logger.debug({ job: graph.jobName, err: e }, 'job failed');
      throw e;
    },
  );
  // Mark as handled: callers that only cancel must not crash the process with an unhandled rejection.
  result.catch(() => {});
  let status: JobStatus = 'RUNNING';
  result.then(
    () => void (status = 'FINISHED'),
    (e: unknown) => void (status = e instanceof JobCancelledError ? 'CANCELED' : 'FAILED'),
  );
  return {
    jobName: graph.jobName,
    result,
    getJobStatus: () => status,
    getMetrics: metrics,
    cancel: () => {
      cancelled = true;
      signal();
    },
    triggerSavepoint: () =>
      new Promise<JobSnapshot>((resolve) => {
        savepointRequests.push(resolve);
        signal();
      }),
  };
}

export type { OneInputOperator, TwoInputOperator };
