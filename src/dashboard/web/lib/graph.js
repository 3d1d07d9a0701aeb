import { fmtNumber } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 240;
const COL_GAP = 90;
const ROW_GAP = 28;
const HEAD = 46;
const LINE = 17;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Flink's back-pressure levels: OK up to 10 % of the time, LOW up to 50 %, HIGH above. */
export function backPressureLevel(msPerSecond) {
  if (msPerSecond > 500) return 'high';
  if (msPerSecond > 100) return 'low';
  return 'ok';
}

/** Box fill: white when idle, deeper red the busier the stage (as Flink's graph). */
function busyFill(busyMsPerSecond) {
  const r = Math.min(1, Math.max(0, busyMsPerSecond / 1000));
  const mix = (a, b) => Math.round(a + (b - a) * r);
  return `rgb(${mix(255, 244)},${mix(255, 143)},${mix(255, 143)})`;
}

const BP_STROKE = { ok: '#2e7d32', low: '#b26a00', high: '#c62828' };

/** Columns by longest path from the sources, so exchanges go left to right. */
function layout(graph) {
  const depth = new Map(graph.stages.map((st) => [st.id, 0]));
  for (let i = 0; i < graph.stages.length; i++) {
    for (const e of graph.exchanges) depth.set(e.to, Math.max(depth.get(e.to), depth.get(e.from) + 1));
  }
  const cols = new Map();
  const pos = new Map();
  for (const st of graph.stages) {
    const d = depth.get(st.id);
    const y = cols.get(d) ?? 20;
    const height = HEAD + LINE * st.operators.length + 10;
    pos.set(st.id, { x: 20 + d * (BOX_W + COL_GAP), y, height });
    cols.set(d, y + height + ROW_GAP);
  }
  const width = 40 + (Math.max(0, ...depth.values()) + 1) * (BOX_W + COL_GAP) - COL_GAP;
  const height = Math.max(...cols.values(), 80);
  return { pos, width, height };
}

/**
 * The job graph as SVG: a box per stage (its chained operators listed), an arrow per exchange
 * labelled with its partitioning; live records/s and a back-pressure colour per stage.
 */
export function renderGraph(graph, vertices, hrefFor) {
  const { pos, width, height } = layout(graph);
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'job graph' });
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#7b8794' }))),
  );
  for (const e of graph.exchanges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W;
    const y1 = a.y + a.height / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    const mx = (x1 + x2) / 2;
    svg.append(s('path', { class: 'edge', d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2 - 2} ${y2}`, 'marker-end': 'url(#arrow)' }));
    const label = e.sideOutput ? `${e.partitioning} (${e.sideOutput})` : e.partitioning.toUpperCase();
    svg.append(s('text', { x: mx, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle', class: 'small' }, e.via === 'topic' ? `${label} via ${e.topic ?? 'topic'}` : label));
  }
  for (const st of graph.stages) {
    const p = pos.get(st.id);
    const v = byId.get(st.id);
    const m = v?.metrics ?? {};
    const level = backPressureLevel(m.backPressuredTimeMsPerSecond ?? 0);
    const g = s('g', { class: 'stage', 'data-stage': st.id, 'data-backpressure': level, transform: `translate(${p.x},${p.y})` });
    g.append(s('rect', { class: 'box', width: BOX_W, height: p.height, fill: busyFill(m.busyTimeMsPerSecond ?? 0), stroke: BP_STROKE[level], 'stroke-width': level === 'ok' ? 1.2 : 3 }));
    g.append(s('text', { x: 10, y: 18, class: 'title' }, `Stage ${st.id} · parallelism ${st.parallelism}`));
    g.append(
      s('text', { x: 10, y: 35, class: 'small', 'data-rate': st.id }, `in ${fmtNumber(m.numRecordsInPerSecond)}/s · out ${fmtNumber(m.numRecordsOutPerSecond)}/s · backpressure ${level.toUpperCase()}`),
    );
    st.operators.forEach((op, i) => g.append(s('text', { x: 14, y: HEAD + 8 + i * LINE, 'data-operator': op.uid }, `${op.kind === 'source' ? '▶ ' : op.kind === 'sink' ? '■ ' : '• '}${op.name}`)));
    const title = s('title', {}, `${st.name}\nbusy ${fmtNumber(m.busyTimeMsPerSecond)} ms/s, back-pressured ${fmtNumber(m.backPressuredTimeMsPerSecond)} ms/s`);
    g.append(title);
    const a = s('a', { href: hrefFor(st.id) });
    a.append(g);
    svg.append(a);
  }
  return svg;
}
