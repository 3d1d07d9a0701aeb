import type { Output } from '../../core/output.ts';
import type { SourceReader } from '../../core/source.ts';
import type { OutputTag } from '../../core/output-tag.ts';
import type { UserMetricValue } from '../../core/metric-group.ts';
import { CheckpointStatsTracker } from '../../metrics/checkpoint-stats.ts';
import { CollectedMetric, type Sample } from '../../metrics/collected-metric.ts';
import { ExceptionHistory } from '../../metrics/exception-history.ts';
import { sanitizeMetricPart } from '../../metrics/names.ts';
import type { OperatorIOMetrics } from '../../metrics/operator-io-metrics.ts';
import type { TaskActivity } from '../../metrics/task-time.ts';
import type { TaskIOMetrics } from '../../metrics/task-io-metrics.ts';
import type { SplitMetrics } from '../../metrics/split-metrics.ts';
import { WorkerMetrics } from '../../metrics/worker-metrics.ts';
import type { Clock } from '../../util/clock.ts';
import type { RecordTarget } from '../executor/edge-outputs.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { AbstractStreamOperator } from '../operators/operator.ts';
import type { Task } from './task.ts';

/** Counts what an operator emits (numRecordsOut) and remembers its output watermark. */
class CountingOutput implements Output<unknown> {
  readonly #out: Output<unknown>;
  readonly #m: OperatorIOMetrics;
  constructor(out: Output<unknown>, m: OperatorIOMetrics) {
    this.#out = out;
    this.#m = m;
  }
  collect(value: unknown, timestamp: number): void {
    this.#m.numRecordsOut++;
    this.#out.collect(value, timestamp);
  }
  emitWatermark(watermark: number): void {
    this.#m.currentOutputWatermark = watermark;
    this.#out.emitWatermark(watermark);
  }
  emitIdle(idle: boolean): void {
    this.#out.emitIdle(idle);
  }
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    this.#m.numRecordsOut++;
    this.#out.collectSide(tag, value, timestamp);
  }
}

/** Counts what reaches an operator input (numRecordsIn). */
class CountingTarget implements RecordTarget {
  readonly #target: RecordTarget;
  readonly #m: OperatorIOMetrics;
  constructor(target: RecordTarget, m: OperatorIOMetrics) {
    this.#target = target;
    this.#m = m;
  }
  processElement(value: unknown, timestamp: number): void {
    this.#m.numRecordsIn++;
    this.#target.processElement(value, timestamp);
  }
}

const key = (v: JobVertex, subtask: number): string => `${v.uid}#${subtask}`;

/** The vertex whose whole output is this vertex's whole input, subtask to subtask (a forward edge). */
function forwardedFrom(v: JobVertex): JobVertex | undefined {
  if (v.inputs.length !== 1) return undefined;
  const e = v.inputs[0]!;
  if (e.partitioning.kind !== 'forward' || e.sideTag !== undefined || e.source.outputs.length !== 1 || e.source.parallelism !== v.parallelism) return undefined;
  return e.source;
}

/**
 * The worker's metrics (src/metrics) bound to its tasks: one `TaskIOMetrics` per task, one
 * `OperatorIOMetrics` per operator of its chain (the source included). Records are counted where
 * they cross an operator boundary (one increment per record, in the wrappers above); everything
 * the runtime already keeps — source records, watermarks, state entries, timers, user metrics,
 * checkpoint statistics — is read from the runtime's objects at each tick or scrape, not copied
 * per record. Busy, idle and back-pressured time follow the worker's poll loop.
 */
export class TaskMetricsBinding {
  readonly metrics: WorkerMetrics;
  readonly exceptions = new ExceptionHistory();
  readonly #ops = new Map<string, OperatorIOMetrics>();
  readonly #tasks: Array<{ task: Task; m: TaskIOMetrics; head: OperatorIOMetrics | undefined; tail: OperatorIOMetrics }> = [];
  readonly #clock: Clock;
  /** [receiving operator, sending operator]: the receiver's input count is the sender's output count. */
  readonly #forwarded: Array<[OperatorIOMetrics, OperatorIOMetrics]> = [];

  constructor(graph: JobGraph, clock: Clock, checkpoints: CheckpointStatsTracker, workerId = 'local') {
    this.#clock = clock;
    this.metrics = new WorkerMetrics({ jobId: graph.jobName, workerId, clock, checkpoints, onTick: () => this.refresh() });
    this.metrics.startedAt = clock.now();
    const now = clock.now();
    for (const stage of graph.stages) {
      for (let i = 0; i < stage.parallelism; i++) {
        const name = stage.vertices.map((v) => v.name).join(' -> ');
        const t = this.metrics.addTask({ taskId: String(stage.id), taskName: name, subtask: i });
        t.state = 'INITIALIZING';
        for (const v of stage.vertices) this.#ops.set(key(v, i), t.addOperator({ uid: v.uid, name: v.name, inputs: v.t.kind === 'two' ? 2 : 1 }, now));
      }
    }
  }

  /** The output an operator subtask emits into, counted. */
  output(v: JobVertex, subtask: number, out: Output<unknown>): Output<unknown> {
    const m = this.#ops.get(key(v, subtask));
    return m === undefined ? out : new CountingOutput(out, m);
  }

  /**
   * An input of an operator subtask, counted — unless everything it receives is what one upstream
   * subtask emits (a single forward edge from a vertex with no other output): then its input
   * count is that output count, read at refresh, and the record path carries one counter, not two.
   */
  target(v: JobVertex, subtask: number, target: RecordTarget): RecordTarget {
    const m = this.#ops.get(key(v, subtask));
    if (m === undefined) return target;
    const from = forwardedFrom(v);
    if (from !== undefined) {
      this.#forwarded.push([m, this.#ops.get(key(from, subtask))!]);
      return target;
    }
    return new CountingTarget(target, m);
  }

  /** After the tasks are built: ties each task's figures to it and its operators' probes to them. */
  bind(tasks: readonly Task[], operators: Map<JobVertex, AbstractStreamOperator<unknown>[]>): void {
    const byTask = new Map([...this.metrics.tasks].map((t) => [`${t.identity.taskId}.${t.identity.subtask}`, t]));
    for (const task of tasks) {
      const m = byTask.get(task.id);
      if (m === undefined) continue;
      task.metrics = m;
      const vs = task.stage.vertices;
      const head = this.#ops.get(key(vs[0]!, task.subtask));
      this.#tasks.push({ task, m, head, tail: this.#ops.get(key(vs.at(-1)!, task.subtask))! });
      for (const v of vs) {
        const op = operators.get(v)?.[task.subtask];
        const om = this.#ops.get(key(v, task.subtask));
        if (op === undefined || om === undefined) continue;
        om.probes = {
          keyedStateEntries: op.backend === undefined ? undefined : () => op.metrics().keyedStateEntries,
          eventTimeTimers: () => op.metrics().eventTimeTimers,
          processingTimeTimers: () => op.metrics().processingTimeTimers,
        };
      }
    }
  }

  /** Every task is running (sources open). */
  running(): void {
    for (const { m } of this.#tasks) m.state = 'RUNNING';
  }

  /** What the worker's thread does now, for every task it runs (they share it). */
  activity(a: TaskActivity): void {
    const now = this.#clock.now();
    for (const { m } of this.#tasks) m.activity(a, now);
  }

  /** The tasks ended: FINISHED, CANCELED or FAILED. */
  ended(state: 'FINISHED' | 'CANCELED' | 'FAILED'): void {
    this.activity('idle');
    this.refresh();
    for (const { m } of this.#tasks) m.state = state;
    this.metrics.tick();
    this.metrics.stop();
  }

  /** Copies what the runtime keeps itself: source records and watermarks, task totals. */
  refresh(): void {
    for (const [to, from] of this.#forwarded) to.numRecordsIn = from.numRecordsOut;
    for (const { task, m, head, tail } of this.#tasks) {
      const source = task.source;
      if (source !== undefined) {
        m.numRecordsIn = source.records;
        if (head !== undefined) this.#refreshSplits(head, source.reader.splitProgress?.());
      }
      else if (head !== undefined) m.numRecordsIn = head.numRecordsIn;
      m.numRecordsOut = tail.numRecordsOut;
      for (const op of task.chain) {
        const om = this.#ops.get(`${op.uid}#${task.subtask}`);
        if (om === undefined) continue;
        om.currentInputWatermark = op.currentWatermark;
        const late = op.metrics().lateRecordsDropped;
        if (late !== undefined) om.numLateRecordsDropped = late;
      }
      const first = task.chain[0];
      if (first !== undefined && source === undefined) m.currentInputWatermark = first.currentWatermark;
      else if (head !== undefined) m.currentInputWatermark = head.currentOutputWatermark;
    }
  }

  readonly #splits = new Map<OperatorIOMetrics, Map<string, SplitMetrics>>();

  /** The reader's splits as split metrics (position, end, hence records-lag); revoked ones go. */
  #refreshSplits(op: OperatorIOMetrics, progress: ReturnType<NonNullable<SourceReader<unknown>['splitProgress']>> | undefined): void {
    if (progress === undefined) return;
    let known = this.#splits.get(op);
    if (known === undefined) this.#splits.set(op, (known = new Map()));
    const seen = new Set<string>();
    for (const p of progress) {
      seen.add(p.splitId);
      let s = known.get(p.splitId);
      if (s === undefined) {
        s = op.addSplit({ splitId: p.splitId, ...(p.topic !== undefined && { topic: p.topic }), ...(p.partition !== undefined && { partition: p.partition }) });
        known.set(p.splitId, s);
      }
      s.currentOffset = p.position;
      s.endOffset = p.end ?? -1;
    }
    for (const [id, s] of known) {
      if (seen.has(id)) continue;
      op.removeSplit(s);
      known.delete(id);
    }
  }

  /** User metrics (`getMetricGroup()`) as Prometheus families, read from the runtime's registry at each scrape. */
  exportUserMetrics(read: () => UserMetricValue[]): void {
    const families = new Map<string, CollectedMetric>();
    const labelsOf = (scope: string[]) => ({ operator_name: scope[1] ?? '', subtask: scope[2] ?? '' });
    const nameOf = (u: UserMetricValue) => ['sluice', 'operator', ...u.scope.slice(3), u.name].map(sanitizeMetricPart).join('_');
    const ensure = () => {
      for (const u of read()) {
        const name = nameOf(u);
        if (families.has(name) || (typeof u.value !== 'number' && typeof u.value !== 'boolean')) continue;
        const family = new CollectedMetric({
          name,
          help: `User metric ${u.name} (${u.type})`,
          type: 'gauge',
          collect: (): Sample[] => read().filter((x) => nameOf(x) === name && (typeof x.value === 'number' || typeof x.value === 'boolean')).map((x) => ({ labels: labelsOf(x.scope), value: Number(x.value) })),
        });
        families.set(name, family);
        family.registerIn(this.metrics.registry);
      }
    };
    // Every scrape first copies the runtime's figures and adds the user metrics registered since.
    const original = this.metrics.registry.metrics.bind(this.metrics.registry);
    this.metrics.registry.metrics = async () => {
      this.refresh();
      ensure();
      return original();
    };
    const json = this.metrics.registry.getMetricsAsJSON.bind(this.metrics.registry);
    this.metrics.registry.getMetricsAsJSON = async () => {
      this.refresh();
      ensure();
      return json();
    };
  }
}
