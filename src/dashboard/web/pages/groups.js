import { getJson, fmtNumber } from '../lib/api.js';
import { badge, h, link, replace, table } from '../lib/dom.js';

export function render(el) {
  const list = h('div', { id: 'groups' });
  replace(el, h('h1', {}, 'Consumer groups'), h('div', { className: 'sub' }, 'Lag is the high watermark minus the committed offset, summed over partitions.'), list);
  return { list };
}

export async function refresh({ list }, signal) {
  const { groups } = await getJson('kafka/groups', signal);
  replace(
    list,
    table(
      [
        ['Group', (g) => link(`#/groups/${encodeURIComponent(g.id)}`, g.id)],
        ['State', (g) => badge(g.state)],
        ['Protocol', (g) => g.protocolType || '–'],
        ['Members', (g) => g.members, { num: true }],
        ['Lag', (g) => fmtNumber(g.lag), { num: true }],
      ],
      groups,
      'No consumer group.',
    ),
  );
}
