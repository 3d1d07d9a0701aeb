import uPlot from '../../vendor/uPlot.esm.js';
import { h } from './dom.js';

const COLORS = ['#1f6feb', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const MAX_POINTS = 300;

/**
 * A live time-series chart: `push(seconds, {series: value})` appends a point per series (new
 * series appear as they come); the last MAX_POINTS points are kept.
 */
export class LiveChart {
  constructor(title, unit) {
    this.title = title;
    this.unit = unit;
    this.names = [];
    this.data = [[]];
    this.plot = undefined;
    this.box = h('div', {});
    this.el = h('div', { className: 'card chart', 'data-chart': title }, h('h3', {}, title), this.box);
  }

  push(t, values) {
    const names = Object.keys(values).sort();
    if (names.some((n) => !this.names.includes(n))) {
      for (const n of names) {
        if (this.names.includes(n)) continue;
        this.names.push(n);
        this.data.push(this.data[0].map(() => null));
      }
      this.plot?.destroy();
      this.plot = undefined;
    }
    this.data[0].push(t);
    this.names.forEach((n, i) => this.data[i + 1].push(values[n] ?? null));
    if (this.data[0].length > MAX_POINTS) for (const s of this.data) s.shift();
    this.#draw();
  }

  #draw() {
    // uPlot ranges a lone point over years: draw from the second point on.
    if (this.names.length === 0 || this.data[0].length < 2) return;
    if (this.plot === undefined) {
      const width = Math.max(320, this.box.clientWidth || 480);
      this.plot = new uPlot(
        {
          width,
          height: 200,
          series: [{}, ...this.names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
          axes: [{}, { label: this.unit, size: 70 }],
          // At least the last minute on the x axis, so that a first point does not span years.
          scales: { x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] } },
          legend: { live: false },
        },
        this.data,
        this.box,
      );
    } else {
      this.plot.setData(this.data);
    }
  }

  destroy() {
    this.plot?.destroy();
  }
}
