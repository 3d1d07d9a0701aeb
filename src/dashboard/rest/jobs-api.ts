import { notFound } from '../errors.ts';
import type { Router } from '../http/router.ts';
import { LONG_MAX, LONG_MIN } from './json.ts';
import type { JobDetail, JobSummary, JobView, SubtaskDetail, TaskFigures, VertexSummary } from '../job-view.ts';

/**
 * The job endpoints, shaped like Flink's REST API (same paths, same keys where Flink has them;
 * `graph` and the figures under `metrics` are Sluice's additions):
 *
 *   GET /overview                               jobs by state, workers
 *   GET /jobs                                   {"jobs":[{"id","status"}]}
 *   GET /jobs/overview                          {"jobs":[{"jid","name","state","start-time",...}]}
 *   GET /jobs/:id                               job, vertices with figures, plan, graph
 *   GET /jobs/:id/vertices/:vid                 subtasks with figures, operators, splits
 *   GET /jobs/:id/vertices/:vid/watermarks      [{"id":"0.currentInputWatermark","value":"..."}]
 *   GET /jobs/:id/vertices/:vid/metrics?get=a,b [{"id","value"}] per subtask ("0.numRecordsIn")
 *   GET /jobs/:id/checkpoints                   counts, latest, history
 *   GET /jobs/:id/exceptions                    exception history
 *   GET /jobs/:id/workers                       workers of the job
 */
export function registerJobRoutes(router: Router, view: JobView, now: () => number): void {
  const job = async (id: string) => (await view.job(id)) ?? throwNotFound(`job ${id}`);

  router
    .get('/overview', async () => {
      const jobs = await view.jobs();
      const count = (state: string) => jobs.filter((j) => j.state === state).length;
      return {
        json: {
          'jobs-running': count('RUNNING'),
          'jobs-finished': count('FINISHED'),
          'jobs-cancelled': count('CANCELED'),
          'jobs-failed': count('FAILED'),
          workers: Math.max(0, ...jobs.map((j) => j.workers)),
        },
      };
    })
    .get('/jobs', async () => ({ json: { jobs: (await view.jobs()).map((j) => ({ id: j.id, status: j.state })) } }))
    .get('/jobs/overview', async () => ({ json: { jobs: (await view.jobs()).map((j) => overview(j, now())) } }))
    .get('/jobs/:id', async ([id]) => ({ json: jobDetail(await job(id!)) }))
    .get('/jobs/:id/vertices/:vid', async ([id, vid]) => {
      const v = (await view.vertex(id!, vid!)) ?? throwNotFound(`vertex ${vid} of job ${id}`);
      return {
        json: {
          id: v.id,
          name: v.name,
          parallelism: v.parallelism,
          now: v.now,
          subtasks: v.subtasks.map((s) => ({ ...subtask(s), operators: s.operators, splits: s.splits })),
        },
      };
    })
    .get('/jobs/:id/vertices/:vid/watermarks', async ([id, vid]) => {
      const v = (await view.vertex(id!, vid!)) ?? throwNotFound(`vertex ${vid} of job ${id}`);
      return { json: v.subtasks.map((s) => ({ id: `${s.subtask}.currentInputWatermark`, value: String(flinkLong(s.metrics.currentInputWatermark)) })) };
    })
    .get('/jobs/:id/vertices/:vid/metrics', async ([id, vid], query) => {
      const v = (await view.vertex(id!, vid!)) ?? throwNotFound(`vertex ${vid} of job ${id}`);
      const all = v.subtasks.flatMap((s) => Object.entries(s.metrics).map(([name, value]) => ({ id: `${s.subtask}.${name}`, value: String(flinkLong(value as number)) })));
      const get = query.get('get');
      if (get === null) return { json: all.map(({ id: metricId }) => ({ id: metricId })) };
      const wanted = new Set(get.split(','));
      return { json: all.filter((m) => wanted.has(m.id)) };
    })
    .get('/jobs/:id/checkpoints', async ([id]) => {
      const c = (await view.checkpoints(id!)) ?? throwNotFound(`job ${id}`);
      const entry = (r: NonNullable<typeof c.latest.completed>) => ({
        id: r.id,
        status: r.status,
        is_savepoint: r.isSavepoint,
        trigger_timestamp: r.triggerTimestamp,
        latest_ack_timestamp: r.endTimestamp ?? -1,
        end_to_end_duration: r.durationMs ?? -1,
        state_size: r.stateSize,
        ...(r.failureMessage !== undefined ? { failure_message: r.failureMessage } : {}),
        ...(r.externalPath !== undefined ? { external_path: r.externalPath } : {}),
        ...('worker' in r && r.worker !== undefined ? { worker: r.worker } : {}),
      });
      const r = c.latest.restored;
      return {
        json: {
          counts: { restored: c.counts.restored, total: c.counts.total, in_progress: c.counts.inProgress, completed: c.counts.completed, failed: c.counts.failed },
          latest: {
            completed: c.latest.completed ? entry(c.latest.completed) : null,
            failed: c.latest.failed ? entry(c.latest.failed) : null,
            restored: r ? { id: r.id, restore_timestamp: r.restoreTimestamp, is_savepoint: r.isSavepoint, external_path: r.externalPath ?? null } : null,
          },
          history: c.history.map(entry),
        },
      };
    })
    .get('/jobs/:id/exceptions', async ([id]) => {
      const e = (await view.exceptions(id!)) ?? throwNotFound(`job ${id}`);
      const root = e.entries[0];
      return {
        json: {
          'root-exception': root?.stacktrace ?? null,
          timestamp: root?.timestamp ?? null,
          truncated: e.truncated,
          exceptionHistory: {
            entries: e.entries.map((x) => ({
              exceptionName: x.exceptionName,
              message: x.message,
              stacktrace: x.stacktrace,
              timestamp: x.timestamp,
              taskName: x.operator?.name ?? null,
              operatorUid: x.operator?.uid ?? null,
              vertexId: x.task?.vertexId ?? null,
              subtask: x.task?.subtask ?? null,
              worker: x.worker ?? null,
              record: x.record ?? null,
            })),
            truncated: e.truncated,
          },
        },
      };
    })
    .get('/jobs/:id/workers', async ([id]) => ({ json: { workers: (await view.workers(id!)) ?? throwNotFound(`job ${id}`) } }));
}

function throwNotFound(what: string): never {
  throw notFound(what);
}

/** Flink writes watermarks as longs: Long.MIN_VALUE for none yet, Long.MAX_VALUE at end of input. */
function flinkLong(n: number): string | number {
  if (n === Number.NEGATIVE_INFINITY) return LONG_MIN;
  if (n === Number.POSITIVE_INFINITY) return LONG_MAX;
  return n;
}

function overview(j: JobSummary, now: number) {
  const end = j.endTime ?? -1;
  return {
    jid: j.id,
    name: j.name,
    state: j.state,
    'start-time': j.startTime,
    'end-time': end,
    duration: (end >= 0 ? end : now) - j.startTime,
    parallelism: j.parallelism,
    workers: j.workers,
    tasks: lowerKeys(j.tasks),
  };
}

function lowerKeys(counts: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k.toLowerCase(), v ?? 0]));
}

function vertexMetrics(m: TaskFigures) {
  return { 'read-records': m.numRecordsIn, 'write-records': m.numRecordsOut, 'read-records-complete': true, 'write-records-complete': true, ...m };
}

function vertex(v: VertexSummary) {
  return { id: v.id, name: v.name, parallelism: v.parallelism, status: v.state, metrics: vertexMetrics(v.metrics) };
}

function subtask(s: SubtaskDetail) {
  return { subtask: s.subtask, status: s.state, attempt: 0, 'taskmanager-id': s.worker, host: s.host ?? null, metrics: vertexMetrics(s.metrics) };
}

function jobDetail(j: JobDetail) {
  const end = j.endTime ?? -1;
  return {
    jid: j.id,
    name: j.name,
    isStoppable: false,
    state: j.state,
    'start-time': j.startTime,
    'end-time': end,
    duration: (end >= 0 ? end : j.now) - j.startTime,
    now: j.now,
    parallelism: j.parallelism,
    workers: j.workers,
    'status-counts': lowerKeys(j.tasks),
    vertices: j.vertices.map(vertex),
    plan: {
      jid: j.id,
      name: j.name,
      nodes: j.graph.stages.map((s) => ({
        id: s.id,
        parallelism: s.parallelism,
        operator: '',
        operator_strategy: '',
        description: s.name,
        inputs: j.graph.exchanges
          .filter((e) => e.to === s.id)
          .map((e, num) => ({ num, id: e.from, ship_strategy: e.partitioning.toUpperCase(), exchange: e.via === 'topic' ? 'kafka_topic' : 'pipelined' })),
      })),
    },
    graph: j.graph,
  };
}
