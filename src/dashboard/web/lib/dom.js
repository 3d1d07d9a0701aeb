// Builds DOM nodes from data. Text always goes through textContent: nothing a Kafka record or a
// job name contains is ever parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A table: columns are [title, cell(row) → node|text, {num}] ; `empty` when there are no rows. */
export function table(columns, rows, empty = 'Nothing to show') {
  if (rows.length === 0) return h('div', { className: 'empty card' }, empty);
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, columns.map(([title, , opts]) => h('th', { className: opts?.num ? 'num' : undefined }, title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell, opts]) => h('td', { className: opts?.num ? 'num' : undefined }, cell(row)))))),
  );
}

export function keyValues(pairs) {
  return h('div', { className: 'card kv' }, pairs.map(([k, v]) => h('div', {}, h('span', { className: 'k' }, k), v)));
}

/** A coloured label; `kind` picks the colour (a state name such as RUNNING, or ok/low/high). */
export function badge(text, kind = text) {
  return h('span', { className: `badge b-${kind}` }, text);
}

export const link = (href, text) => h('a', { href }, text);

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}
