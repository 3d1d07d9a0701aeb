import type { MetricGroup } from '../../core/metric-group.ts';
import { CheckpointStatsTracker } from '../../metrics/checkpoint-stats.ts';
import { ExceptionHistory } from '../../metrics/exception-history.ts';
import type { OperatorIOMetrics } from '../../metrics/operator-io-metrics.ts';
import type { TaskActivity } from '../../metrics/task-time.ts';
import type { TaskIOMetrics } from '../../metrics/task-io-metrics.ts';
import type { SplitMetrics } from '../../metrics/split-metrics.ts';
import { WorkerMetrics } from '../../metrics/worker-metrics.ts';
import type { Clock } from '../../util/clock.ts';
import { MIN_WATERMARK } from '../../core/watermark/watermark.ts';
import type { CountedEdgeOutput } from '../executor/edge-outputs.ts';
import type { JobEdge, JobGraph, JobVertex } from '../graph/job-graph.ts';
import { TwoInputOperator, type AbstractStreamOperator } from '../operators/operator.ts';
import { pointwiseTargets } from '../partitioning/pointwise.ts';
import { computeOperatorIndexForKeyGroup } from '../partitioning/key-groups.ts';
import type { RestoreListener } from '../checkpoint/durable-state.ts';
import type { Task } from './task.ts';
import type { TaskSource } from './task-source.ts';

const key = (v: JobVertex, subtask: number): string => `${v.uid}#${subtask}`;

/**
 * The worker's metrics (src/metrics) bound to its tasks: one `TaskIOMetrics` per task, one
 * `OperatorIOMetrics` per operator of its chain (the source included). Records are counted by the
 * edge outputs that route them anyway (one increment per record, `CountedEdgeOutput`): an
 * operator's output count is what its edges sent, an input's count what its senders sent to it,
 * both summed at refresh. Everything
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
  /** The task figures of each (operator uid, subtask). */
  readonly #taskOf = new Map<string, TaskIOMetrics>();
  /** The edge outputs of each edge, by sending subtask. */
  readonly #edges = new Map<JobEdge, CountedEdgeOutput[]>();
  /** Every (vertex, subtask) with its figures and operator, filled by `bind`. */
  readonly #vertices: Array<{ v: JobVertex; subtask: number; m: OperatorIOMetrics; op: AbstractStreamOperator<unknown> | undefined }> = [];

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

  /** Wiring created the output of edge `e` at sending subtask `subtask`. */
  edge(e: JobEdge, subtask: number, out: CountedEdgeOutput): void {
    let outs = this.#edges.get(e);
    if (outs === undefined) this.#edges.set(e, (outs = []));
    outs[subtask] = out;
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
      const sized = task.chain.filter((op) => op.backend?.stateSizeBytes !== undefined);
      if (sized.length > 0) m.stateSizeBytes = () => sized.reduce((n, op) => n + op.backend!.stateSizeBytes!(), 0);
      for (const v of vs) {
        this.#taskOf.set(key(v, task.subtask), m);
        const op = operators.get(v)?.[task.subtask];
        const om = this.#ops.get(key(v, task.subtask));
        if (om !== undefined) this.#vertices.push({ v, subtask: task.subtask, m: om, op });
        if (op === undefined || om === undefined) continue;
        om.probes = {
          keyedStateEntries: op.backend === undefined ? undefined : () => op.metrics().keyedStateEntries,
          eventTimeTimers: () => op.metrics().eventTimeTimers,
          processingTimeTimers: () => op.metrics().processingTimeTimers,
        };
      }
    }
  }

  /**
   * Tasks this worker stopped running (their unit moved to another worker): their figures stay
   * (the counters are cumulative) but no longer follow a task here; their state becomes CANCELED.
   */
  unbind(tasks: readonly Task[]): void {
    const gone = new Set(tasks);
    const subtasks = new Set(tasks.flatMap((t) => t.stage.vertices.map((v) => key(v, t.subtask))));
    for (let i = this.#tasks.length - 1; i >= 0; i--) {
      const t = this.#tasks[i]!;
      if (!gone.has(t.task)) continue;
      t.m.state = 'CANCELED';
      t.m.activity('idle', this.#clock.now());
      this.#tasks.splice(i, 1);
    }
    for (let i = this.#vertices.length - 1; i >= 0; i--) if (subtasks.has(key(this.#vertices[i]!.v, this.#vertices[i]!.subtask))) this.#vertices.splice(i, 1);
  }

  /**
   * Restore progress per task: a changelog record of an operator's key group counts for the
   * subtask that owns the key group (the task of the operator's stage with that index).
   */
  restoreListener(): RestoreListener {
    const all = () => this.#tasks.map((t) => t.m);
    return {
      started: (now) => {
        for (const m of all()) m.restore.start(now);
      },
      restored: (v, keyGroup) => {
        const m = this.#taskOf.get(`${v.uid}#${computeOperatorIndexForKeyGroup(v.maxParallelism, v.parallelism, keyGroup)}`);
        if (m !== undefined) m.restore.records++;
      },
      finished: (now) => {
        for (const m of all()) m.restore.finish(now);
      },
    };
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
    for (const { v, subtask, m, op } of this.#vertices) {
      this.#countOutputs(v, subtask, m, op);
      if (v.inputs.length > 0) m.numRecordsIn = this.#receivedBy(v, subtask);
      if (op instanceof TwoInputOperator) {
        m.currentInput1Watermark = op.input1Watermark;
        m.currentInput2Watermark = op.input2Watermark;
      }
    }
    for (const { task, m, head, tail } of this.#tasks) {
      const source = task.source;
      if (source !== undefined) {
        m.numRecordsIn = source.records;
        if (head !== undefined) this.#refreshSplits(head, source);
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
      m.currentOutputWatermark = tail.currentOutputWatermark;
      m.idle = source !== undefined ? source.idle : (first?.inputIdle ?? false);
    }
  }

  /**
   * numRecordsOut: the main output's records (every main edge sends all of them; the first is
   * read) plus each side output's; the output watermark from the same edges. A vertex without
   * edges (a sink) emits nothing; its output watermark is its input watermark, as before.
   */
  #countOutputs(v: JobVertex, subtask: number, m: OperatorIOMetrics, op: AbstractStreamOperator<unknown> | undefined): void {
    let out = 0;
    let wm = MIN_WATERMARK;
    const seen = new Set<string | undefined>();
    for (const e of v.outputs) {
      const o = this.#edges.get(e)?.[subtask];
      if (o === undefined) continue;
      if (o.lastWatermark > wm) wm = o.lastWatermark;
      const group = e.sideTag?.id;
      if (seen.has(group)) continue;
      seen.add(group);
      out += o.records();
    }
    m.numRecordsOut = out;
    m.currentOutputWatermark = v.outputs.length === 0 && op !== undefined ? op.currentWatermark : wm;
  }

  /** numRecordsIn: what every sender of every input edge sent to this subtask. */
  #receivedBy(v: JobVertex, subtask: number): number {
    let n = 0;
    for (const e of v.inputs) {
      const outs = this.#edges.get(e);
      if (outs === undefined) continue;
      const p = e.partitioning.kind;
      if (p === 'forward') n += outs[subtask]?.records() ?? 0;
      else if (p === 'rescale') {
        const senders = pointwiseTargets(e.source.parallelism, v.parallelism);
        outs.forEach((o, s) => {
          const i = senders[s]!.indexOf(subtask);
          if (i >= 0) n += o.sentTo(i);
        });
      } else for (const o of outs) n += o?.sentTo(subtask) ?? 0;
    }
    return n;
  }

  readonly #splits = new Map<OperatorIOMetrics, Map<string, SplitMetrics>>();

  /** Where the last completed checkpoint committed a source partition (`topic/partition` → next offset). */
  committedOffsets: ReadonlyMap<string, bigint> | undefined;

  /**
   * The reader's splits as split metrics (position, end, hence records-lag; the split's own
   * watermark and idleness; the offset the last checkpoint committed); revoked ones go.
   */
  #refreshSplits(op: OperatorIOMetrics, source: TaskSource<unknown>): void {
    const progress = source.reader.splitProgress?.();
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
      const wm = source.splitWatermark(p.splitId);
      if (wm !== undefined) {
        s.currentWatermark = wm.wm;
        s.idle = wm.idle;
      }
      const committed = p.topic === undefined ? undefined : this.committedOffsets?.get(`${p.topic}/${p.partition}`);
      if (committed !== undefined) s.committedOffset = Number(committed);
    }
    for (const [id, s] of known) {
      if (seen.has(id)) continue;
      op.removeSplit(s);
      known.delete(id);
    }
  }

  /** The Prometheus metric group user functions of an operator subtask register into. */
  metricGroupOf(uid: string, subtask: number): MetricGroup | undefined {
    return this.#ops.get(`${uid}#${subtask}`)?.metricGroup;
  }

  /** Every scrape first copies the runtime's figures into the metric objects. */
  refreshOnScrape(): void {
    this.metrics.beforeScrape = () => this.refresh();
  }
}
