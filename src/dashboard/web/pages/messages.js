import { getJson, fmtNumber, fmtTime } from '../lib/api.js';
import { h, link, replace, table } from '../lib/dom.js';

function hex(base64) {
  const bin = atob(base64);
  let out = '';
  for (let i = 0; i < bin.length; i++) out += `${bin.charCodeAt(i).toString(16).padStart(2, '0')}${i % 16 === 15 ? '\n' : ' '}`;
  return out.trimEnd();
}

/** Key, value or header bytes as text (when UTF-8) or hex; `tag` 'code' keeps a header on its line. */
function shown(bytes, format, tag = 'pre') {
  if (bytes === null) return h('span', { className: 'sub' }, 'null');
  const text = format === 'hex' || bytes.text === undefined ? hex(bytes.base64) : bytes.text;
  return h(tag, {}, text, bytes.truncated ? ` … (${fmtNumber(bytes.size)} bytes in all)` : '');
}

/** A range of one partition: the form picks offset, count, isolation and text or hex. */
export function render(el, [topic, partition], query) {
  const form = {
    offset: h('input', { type: 'number', min: 0, placeholder: 'last records', value: query.get('offset') ?? '', name: 'offset' }),
    limit: h('input', { type: 'number', min: 1, max: 500, value: query.get('limit') ?? '50', name: 'limit' }),
    isolation: h('select', { name: 'isolation' }, h('option', { value: 'read_uncommitted' }, 'read_uncommitted'), h('option', { value: 'read_committed' }, 'read_committed')),
    format: h('select', { name: 'format' }, h('option', { value: 'text' }, 'text'), h('option', { value: 'hex' }, 'hex')),
  };
  form.isolation.value = query.get('isolation') ?? 'read_uncommitted';
  form.format.value = query.get('format') ?? 'text';
  const go = (offset) => {
    const q = new URLSearchParams({ limit: form.limit.value, isolation: form.isolation.value, format: form.format.value });
    if (offset !== '' && offset !== undefined) q.set('offset', String(offset));
    location.hash = `#/topics/${encodeURIComponent(topic)}/partitions/${partition}?${q}`;
  };
  const state = { topic, partition, query, form, info: h('div', { className: 'sub' }), list: h('div', { id: 'messages' }), next: undefined, fetched: false };
  replace(
    el,
    h('div', { className: 'sub' }, link(`#/topics/${encodeURIComponent(topic)}`, `← ${topic}`)),
    h('h1', {}, `${topic} · partition ${partition}`),
    h('div', { className: 'toolbar' }, 'From offset', form.offset, 'records', form.limit, form.isolation, form.format,
      h('button', { onclick: () => go(form.offset.value) }, 'Show'),
      h('button', { onclick: () => go(state.next) }, 'Next page')),
    state.info,
    state.list,
  );
  return state;
}

/** Messages are read once per visit (a browser, not a live view). */
export async function refresh(state, signal) {
  if (state.fetched) return;
  const q = new URLSearchParams({ limit: state.form.limit.value || '50', isolation: state.form.isolation.value });
  if (state.query.get('offset')) q.set('offset', state.query.get('offset'));
  const page = await getJson(`kafka/topics/${encodeURIComponent(state.topic)}/partitions/${state.partition}/messages?${q}`, signal);
  state.fetched = true;
  state.next = page.nextOffset;
  const format = state.form.format.value;
  replace(state.info, `Offsets ${fmtNumber(page.earliest)} to ${fmtNumber(page.latest)} (last stable ${fmtNumber(page.lastStable)}); showing ${page.records.length} from ${fmtNumber(page.startOffset)}, ${page.isolation}.`);
  replace(
    state.list,
    table(
      [
        ['Offset', (r) => r.offset, { num: true }],
        ['Timestamp', (r) => h('span', { title: r.timestampType }, fmtTime(r.timestamp))],
        ['Key', (r) => shown(r.key, format)],
        ['Value', (r) => shown(r.value, format)],
        ['Headers', (r) => (r.headers.length === 0 ? '' : h('div', {}, r.headers.map((x) => h('div', {}, `${x.key}: `, shown(x.value, format, 'code')))))],
      ],
      page.records,
      'No record in this range.',
    ),
  );
}
