import { getJson, fmtBytes, fmtNumber } from '../lib/api.js';
import { h, link, replace, table } from '../lib/dom.js';

export function render(el) {
  const parts = { cluster: h('div', { className: 'sub' }), note: h('div', {}), list: h('div', { id: 'topics' }) };
  replace(el, h('h1', {}, 'Topics'), parts.cluster, parts.note, parts.list);
  return parts;
}

export async function refresh(parts, signal) {
  const [cluster, { topics, sizesUnavailable }] = await Promise.all([getJson('kafka/cluster', signal), getJson('kafka/topics', signal)]);
  replace(parts.cluster, `Cluster ${cluster.clusterId} · ${cluster.brokers.length} broker(s): ${cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ')}`);
  replace(parts.note, sizesUnavailable ? h('div', { className: 'sub' }, `Sizes on disk are not shown: ${sizesUnavailable}.`) : '');
  replace(
    parts.list,
    table(
      [
        ['Topic', (t) => link(`#/topics/${encodeURIComponent(t.name)}`, t.name)],
        ['Partitions', (t) => t.partitions, { num: true }],
        ['Replication', (t) => t.replicationFactor, { num: true }],
        ['Messages', (t) => fmtNumber(t.messages), { num: true }],
        ['Size', (t) => fmtBytes(t.sizeBytes), { num: true }],
        ['', (t) => (t.internal ? 'internal' : '')],
      ],
      topics,
      'No topic yet.',
    ),
  );
}
