import { getJson, fmtBytes, fmtNumber } from '../lib/api.js';
import { h, keyValues, link, replace, table } from '../lib/dom.js';

export function render(el, [name]) {
  const parts = { head: h('div', {}), list: h('div', { id: 'partitions' }) };
  replace(el, h('div', { className: 'sub' }, link('#/topics', '← topics')), h('h1', {}, name), parts.head, h('h2', {}, 'Partitions'), parts.list);
  return { name, parts };
}

export async function refresh({ name, parts }, signal) {
  const t = await getJson(`kafka/topics/${encodeURIComponent(name)}`, signal);
  const sum = (pick) => t.partitions.reduce((a, p) => a + pick(p), 0);
  replace(
    parts.head,
    keyValues([
      ['Topic id', t.id],
      ['Partitions', t.partitions.length],
      ['Messages', fmtNumber(sum((p) => p.latest - p.earliest))],
      ['Size', t.sizesUnavailable ? 'not reported by the cluster' : fmtBytes(sum((p) => p.sizeBytes ?? 0))],
    ]),
  );
  replace(
    parts.list,
    table(
      [
        ['Partition', (p) => link(`#/topics/${encodeURIComponent(name)}/partitions/${p.partition}`, String(p.partition))],
        ['Leader', (p) => p.leader, { num: true }],
        ['Replicas', (p) => p.replicas.join(', ')],
        ['In sync', (p) => p.isr.join(', ')],
        ['Earliest', (p) => fmtNumber(p.earliest), { num: true }],
        ['Latest', (p) => fmtNumber(p.latest), { num: true }],
        ['Last stable', (p) => fmtNumber(p.lastStable), { num: true }],
        ['Messages', (p) => fmtNumber(p.latest - p.earliest), { num: true }],
        ['Size', (p) => fmtBytes(p.sizeBytes), { num: true }],
      ],
      t.partitions,
    ),
  );
}
