import { getJson, fmtBytes, fmtDuration, fmtNumber, fmtTime, fmtWatermark, NO_WATERMARK, END_WATERMARK } from '../lib/api.js';
import { LiveChart } from '../lib/chart.js';
import { badge, h, keyValues, link, replace, table } from '../lib/dom.js';
import { backPressureLevel, renderGraph } from '../lib/graph.js';

export function render(el, [jobId]) {
  const charts = {
    throughput: new LiveChart('Records out per second, by stage', 'records/s'),
    watermarkLag: new LiveChart('Watermark lag (wall clock − output watermark), by stage', 'seconds'),
    consumerLag: new LiveChart('Consumer lag (records), by source partition', 'records'),
  };
  const parts = {
    head: h('div', {}),
    graph: h('div', { className: 'card graph', id: 'job-graph' }),
    vertices: h('div', { id: 'vertices' }),
    checkpoints: h('div', { id: 'checkpoints' }),
    exceptions: h('div', { id: 'exceptions' }),
    workers: h('div', { id: 'workers' }),
  };
  replace(
    el,
    parts.head,
    h('h2', {}, 'Job graph'),
    parts.graph,
    h('div', { className: 'charts' }, Object.values(charts).map((c) => c.el)),
    h('h2', {}, 'Stages'),
    parts.vertices,
    h('h2', {}, 'Checkpoints'),
    parts.checkpoints,
    h('h2', {}, 'Exceptions'),
    parts.exceptions,
    h('h2', {}, 'Workers'),
    parts.workers,
  );
  return { jobId, charts, parts, graphKey: '' };
}

export function destroy({ charts }) {
  for (const c of Object.values(charts)) c.destroy();
}

export async function refresh(state, signal) {
  const id = encodeURIComponent(state.jobId);
  const [job, checkpoints, exceptions, workers] = await Promise.all([
    getJson(`jobs/${id}`, signal),
    getJson(`jobs/${id}/checkpoints`, signal),
    getJson(`jobs/${id}/exceptions`, signal),
    getJson(`jobs/${id}/workers`, signal),
  ]);
  const sources = job.graph.stages.filter((s) => s.operators.some((o) => o.kind === 'source'));
  const sourceDetails = await Promise.all(sources.map((s) => getJson(`jobs/${id}/vertices/${encodeURIComponent(s.id)}`, signal)));
  const { parts, charts } = state;

  replace(
    parts.head,
    h('h1', {}, job.name, ' ', badge(job.state)),
    keyValues([
      ['Job id', job.jid],
      ['Started', fmtTime(job['start-time'])],
      ['Uptime', fmtDuration(job.duration)],
      ['Parallelism', job.parallelism],
      ['Workers', job.workers],
      ['Tasks', Object.entries(job['status-counts']).map(([k, v]) => `${v} ${k}`).join(', ') || '–'],
    ]),
  );
  replace(parts.graph, renderGraph(job.graph, job.vertices, (vid) => `#/jobs/${id}/vertices/${encodeURIComponent(vid)}`));

  const t = job.now / 1000;
  const byStage = (pick) => Object.fromEntries(job.vertices.flatMap((v) => { const x = pick(v.metrics); return x === undefined ? [] : [[`Stage ${v.id}`, x]]; }));
  charts.throughput.push(t, byStage((m) => m.numRecordsOutPerSecond));
  charts.watermarkLag.push(t, byStage((m) => (m.currentOutputWatermark <= NO_WATERMARK || m.currentOutputWatermark >= END_WATERMARK ? undefined : (job.now - m.currentOutputWatermark) / 1000)));
  const lags = {};
  for (const d of sourceDetails) for (const st of d.subtasks) for (const sp of st.splits) if (sp.recordsLag !== undefined) lags[sp.topic !== undefined ? `${sp.topic}-${sp.partition}` : sp.splitId] = sp.recordsLag;
  charts.consumerLag.push(t, lags);

  replace(
    parts.vertices,
    table(
      [
        ['Stage', (v) => link(`#/jobs/${id}/vertices/${encodeURIComponent(v.id)}`, v.name)],
        ['State', (v) => badge(v.status)],
        ['Parallelism', (v) => v.parallelism, { num: true }],
        ['Records in', (v) => fmtNumber(v.metrics.numRecordsIn), { num: true }],
        ['Records out', (v) => fmtNumber(v.metrics.numRecordsOut), { num: true }],
        ['In/s', (v) => fmtNumber(v.metrics.numRecordsInPerSecond), { num: true }],
        ['Out/s', (v) => fmtNumber(v.metrics.numRecordsOutPerSecond), { num: true }],
        ['Busy', (v) => `${fmtNumber(v.metrics.busyTimeMsPerSecond / 10)} %`, { num: true }],
        ['Back pressure', (v) => badge(backPressureLevel(v.metrics.backPressuredTimeMsPerSecond).toUpperCase(), backPressureLevel(v.metrics.backPressuredTimeMsPerSecond))],
        ['Output watermark', (v) => fmtWatermark(v.metrics.currentOutputWatermark)],
        ['Lag', (v) => fmtNumber(v.metrics.recordsLag), { num: true }],
      ],
      job.vertices,
    ),
  );

  const c = checkpoints.counts;
  replace(
    parts.checkpoints,
    keyValues([
      ['Completed', c.completed],
      ['Failed', c.failed],
      ['In progress', c.in_progress],
      ['Restored', c.restored],
      ['Last restore', checkpoints.latest.restored ? `#${checkpoints.latest.restored.id} at ${fmtTime(checkpoints.latest.restored.restore_timestamp)}` : '–'],
    ]),
    table(
      [
        ['Id', (x) => x.id, { num: true }],
        ['Status', (x) => badge(x.status)],
        ['Kind', (x) => (x.is_savepoint ? 'savepoint' : 'checkpoint')],
        ['Triggered', (x) => fmtTime(x.trigger_timestamp)],
        ['Duration', (x) => fmtDuration(x.end_to_end_duration)],
        ['Size', (x) => fmtBytes(x.state_size), { num: true }],
        ['Worker', (x) => x.worker ?? '–'],
        ['Failure', (x) => x.failure_message ?? ''],
      ],
      checkpoints.history,
      'No checkpoint yet.',
    ),
  );

  replace(
    parts.exceptions,
    table(
      [
        ['Time', (x) => fmtTime(x.timestamp)],
        ['Exception', (x) => x.exceptionName],
        ['Operator', (x) => x.taskName ?? '–'],
        ['Message', (x) => h('div', {}, x.message, h('details', {}, h('summary', {}, 'stack trace'), h('pre', {}, x.stacktrace)))],
        ['Record', (x) => (x.record ? h('pre', {}, x.record) : '–')],
      ],
      exceptions.exceptionHistory.entries,
      'No exception.',
    ),
  );

  replace(
    parts.workers,
    table(
      [
        ['Worker', (w) => w.id],
        ['Host', (w) => w.host],
        ['Pid', (w) => w.pid, { num: true }],
        ['Threads', (w) => w.threads ?? 1, { num: true }],
        ['State', (w) => (w.state ? badge(w.state) : '–')],
        ['Tasks', (w) => w.tasks, { num: true }],
        ['Started', (w) => fmtTime(w.startTime)],
        ['Last status', (w) => (w.lastStatus ? fmtTime(w.lastStatus) : '–')],
      ],
      workers.workers,
    ),
  );
}
