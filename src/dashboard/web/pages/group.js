import { getJson, fmtNumber } from '../lib/api.js';
import { LiveChart } from '../lib/chart.js';
import { badge, h, keyValues, link, replace, table } from '../lib/dom.js';

export function render(el, [id]) {
  const chart = new LiveChart('Lag by partition', 'records');
  const parts = { head: h('div', {}), members: h('div', { id: 'members' }), partitions: h('div', { id: 'group-partitions' }) };
  replace(el, h('div', { className: 'sub' }, link('#/groups', '← consumer groups')), h('h1', {}, id), parts.head, h('h2', {}, 'Partitions'), parts.partitions, chart.el, h('h2', {}, 'Members'), parts.members);
  return { id, chart, parts };
}

export function destroy({ chart }) {
  chart.destroy();
}

export async function refresh({ id, chart, parts }, signal) {
  const g = await getJson(`kafka/groups/${encodeURIComponent(id)}`, signal);
  replace(parts.head, keyValues([['State', badge(g.state)], ['Protocol', `${g.protocolType || '–'}${g.protocol ? ` (${g.protocol})` : ''}`], ['Members', g.members.length], ['Total lag', fmtNumber(g.lag)]]));
  replace(
    parts.partitions,
    table(
      [
        ['Topic', (p) => link(`#/topics/${encodeURIComponent(p.topic)}`, p.topic)],
        ['Partition', (p) => p.partition, { num: true }],
        ['Committed', (p) => fmtNumber(p.committed), { num: true }],
        ['Latest', (p) => fmtNumber(p.latest), { num: true }],
        ['Last stable', (p) => fmtNumber(p.lastStable), { num: true }],
        ['Lag', (p) => fmtNumber(p.lag), { num: true }],
        ['Member', (p) => p.member ?? '–'],
      ],
      g.partitions,
      'No committed offset and no assignment.',
    ),
  );
  chart.push(Date.now() / 1000, Object.fromEntries(g.partitions.filter((p) => p.lag !== undefined).map((p) => [`${p.topic}-${p.partition}`, p.lag])));
  replace(
    parts.members,
    table(
      [
        ['Member', (m) => m.id],
        ['Client id', (m) => m.clientId],
        ['Host', (m) => m.host],
        ['Assignment', (m) => m.assignments.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || '–'],
      ],
      g.members,
      'No member: the group is empty.',
    ),
  );
}
