import { getJson, fmtDuration, fmtTime } from '../lib/api.js';
import { badge, h, link, replace, table } from '../lib/dom.js';

export function render(el) {
  const list = h('div', {});
  replace(el, h('h1', {}, 'Jobs'), h('div', { className: 'sub' }, 'Jobs this dashboard knows of, from what their workers publish.'), list);
  return { list };
}

export async function refresh({ list }, signal) {
  const { jobs } = await getJson('jobs/overview', signal);
  replace(
    list,
    table(
      [
        ['Job', (j) => link(`#/jobs/${encodeURIComponent(j.jid)}`, j.name)],
        ['Id', (j) => j.jid],
        ['State', (j) => badge(j.state)],
        ['Started', (j) => fmtTime(j['start-time'])],
        ['Duration', (j) => fmtDuration(j.duration)],
        ['Parallelism', (j) => j.parallelism, { num: true }],
        ['Workers', (j) => j.workers, { num: true }],
      ],
      jobs,
      'No job is running here. Jobs appear once `sluice run` publishes them to this dashboard.',
    ),
  );
}
