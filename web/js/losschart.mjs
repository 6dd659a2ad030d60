// losschart.mjs - the loss curves (training and test loss per epoch) with
// uPlot: real axes, a legend that reads the latest epoch's losses (the
// hovered epoch's under the pointer), a log-scale toggle, and a note under
// the curves (why a run stopped, what to do).

import uPlot from '../vendor/uPlot.mjs';
import { GRID, MUTED, NEG, POS, hex } from './palette.mjs';

const fmt = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

export class LossChart {
  #el;
  #plot = null;
  #log = false;
  #data = [[], [], []];
  #observer;
  #note;

  constructor(el) {
    this.#el = el;
    this.#note = document.createElement('p');
    this.#note.className = 'chart-note';
    this.#note.setAttribute('role', 'alert');
    this.#note.hidden = true;
    el.after(this.#note);
    this.#create();
    this.#observer = new ResizeObserver(() => this.#resize());
    this.#observer.observe(el);
  }

  #size() {
    const width = Math.max(200, Math.floor(this.#el.clientWidth));
    return { width, height: Math.max(200, Math.min(340, Math.round(width * 0.6))) };
  }

  #create() {
    if (this.#plot) this.#plot.destroy();
    const log = this.#log;
    const opts = {
      ...this.#size(),
      scales: {
        x: { time: false },
        y: log ? { distr: 3 } : { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        { label: 'epoch', stroke: hex(MUTED), grid: { stroke: hex(GRID) } },
        { label: 'loss', stroke: hex(MUTED), grid: { stroke: hex(GRID) }, size: 60, values: (u, vals) => vals.map(fmt) },
      ],
      series: [
        { label: 'epoch', value: (u, v) => (v === null ? '–' : String(v)) },
        { label: 'train', stroke: hex(POS), width: 2, value: (u, v) => fmt(v), points: { show: false } },
        { label: 'test', stroke: hex(NEG), width: 2, dash: [6, 3], value: (u, v) => fmt(v), points: { show: false } },
      ],
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      legend: { live: true },
      // Off the chart the legend shows the latest epoch, not dashes.
      hooks: { setLegend: [(u) => this.#latest(u)] },
    };
    this.#plot = new uPlot(opts, this.#shown(), this.#el);
  }

  #latest(u) {
    const n = this.#data[0].length;
    if (u.cursor.idx == null && n > 0 && u.legend.idx !== n - 1) u.setLegend({ idx: n - 1 });
  }

  /** On a log axis, a loss of 0 (or below) has no place: it is left out. */
  #shown() {
    if (!this.#log) return this.#data;
    const pos = (v) => (v > 0 ? v : null);
    return [this.#data[0], this.#data[1].map(pos), this.#data[2].map(pos)];
  }

  #resize() {
    if (this.#plot) this.#plot.setSize(this.#size());
  }

  set logScale(on) {
    if (on === this.#log) return;
    this.#log = on;
    this.#create();
  }

  get logScale() { return this.#log; }

  /** Appends epochs: first is the number of the first (0: before training); loss and valLoss arrays (valLoss may be absent). */
  append(first, loss, valLoss) {
    const [e, l, v] = this.#data;
    for (let i = 0; i < loss.length; i++) {
      e.push(first + i);
      l.push(Number.isFinite(loss[i]) ? loss[i] : null);
      v.push(valLoss && Number.isFinite(valLoss[i]) ? valLoss[i] : null);
    }
  }

  /** Clears the curves and the note. */
  clear() {
    this.#data = [[], [], []];
    this.note = '';
    this.draw();
  }

  /** The note under the chart; '' hides it. */
  set note(text) {
    this.#note.textContent = text;
    this.#note.hidden = !text;
  }

  get note() { return this.#note.hidden ? '' : this.#note.textContent; }

  get length() { return this.#data[0].length; }

  /** [epochs, losses, test losses] (null where there was none). */
  rows() { return this.#data.map((a) => a.slice()); }

  /** Redraws with the data appended so far (call once per animation frame at most). */
  draw() {
    this.#plot.setData(this.#shown());
    this.#latest(this.#plot);
  }
}
