import { getJson, fmtNumber, fmtWatermark } from '../lib/api.js';
import { badge, h, link, replace, table } from '../lib/dom.js';
import { backPressureLevel } from '../lib/graph.js';

export function render(el, [jobId, vertexId]) {
  const parts = { head: h('div', {}), subtasks: h('div', {}), operators: h('div', {}), splits: h('div', {}) };
  replace(el, parts.head, h('h2', {}, 'Subtasks'), parts.subtasks, h('h2', {}, 'Operators'), parts.operators, h('h2', {}, 'Source splits'), parts.splits);
  return { jobId, vertexId, parts };
}

export async function refresh({ jobId, vertexId, parts }, signal) {
  const v = await getJson(`jobs/${encodeURIComponent(jobId)}/vertices/${encodeURIComponent(vertexId)}`, signal);
  replace(parts.head, h('div', { className: 'sub' }, link(`#/jobs/${encodeURIComponent(jobId)}`, '← job')), h('h1', {}, v.name), h('div', { className: 'sub' }, `Stage ${v.id} · parallelism ${v.parallelism}`));
  replace(
    parts.subtasks,
    table(
      [
        ['Subtask', (s) => s.subtask, { num: true }],
        ['State', (s) => badge(s.status)],
        ['Worker', (s) => s['taskmanager-id']],
        ['Records in', (s) => fmtNumber(s.metrics.numRecordsIn), { num: true }],
        ['Records out', (s) => fmtNumber(s.metrics.numRecordsOut), { num: true }],
        ['In/s', (s) => fmtNumber(s.metrics.numRecordsInPerSecond), { num: true }],
        ['Busy ms/s', (s) => fmtNumber(s.metrics.busyTimeMsPerSecond), { num: true }],
        ['Back-pressured ms/s', (s) => fmtNumber(s.metrics.backPressuredTimeMsPerSecond), { num: true }],
        ['Idle ms/s', (s) => fmtNumber(s.metrics.idleTimeMsPerSecond), { num: true }],
        ['Level', (s) => badge(backPressureLevel(s.metrics.backPressuredTimeMsPerSecond).toUpperCase(), backPressureLevel(s.metrics.backPressuredTimeMsPerSecond))],
        ['Input watermark', (s) => fmtWatermark(s.metrics.currentInputWatermark)],
      ],
      v.subtasks,
    ),
  );
  const ops = v.subtasks.flatMap((s) => s.operators.map((o) => ({ ...o, subtask: s.subtask })));
  replace(
    parts.operators,
    table(
      [
        ['Operator', (o) => `${o.name} (${o.uid})`],
        ['Subtask', (o) => o.subtask, { num: true }],
        ['Records in', (o) => fmtNumber(o.numRecordsIn), { num: true }],
        ['Records out', (o) => fmtNumber(o.numRecordsOut), { num: true }],
        ['Out/s', (o) => fmtNumber(o.numRecordsOutPerSecond), { num: true }],
        ['Input watermark', (o) => fmtWatermark(o.currentInputWatermark)],
        ['Output watermark', (o) => fmtWatermark(o.currentOutputWatermark)],
        ['Late dropped', (o) => fmtNumber(o.numLateRecordsDropped), { num: true }],
      ],
      ops,
    ),
  );
  const splits = v.subtasks.flatMap((s) => s.splits.map((x) => ({ ...x, subtask: s.subtask })));
  replace(
    parts.splits,
    table(
      [
        ['Split', (x) => x.splitId],
        ['Subtask', (x) => x.subtask, { num: true }],
        ['Position', (x) => fmtNumber(x.currentOffset), { num: true }],
        ['End offset', (x) => fmtNumber(x.endOffset), { num: true }],
        ['Committed', (x) => fmtNumber(x.committedOffset), { num: true }],
        ['Lag', (x) => fmtNumber(x.recordsLag), { num: true }],
        ['Watermark', (x) => fmtWatermark(x.currentWatermark)],
        ['Idle', (x) => (x.idle ? 'idle' : '')],
      ],
      splits,
      'This stage reads no source.',
    ),
  );
}
