// linechart.mjs - the page's line charts (the loss curves, the Optimizers
// view's race, the Tune panel's folds) drawn on one canvas: curves over a
// shared x (epochs), a linear y from 0 or a log y, ticks at round values,
// gaps where a value is missing (null), a cursor that marks the nearest x and
// its values, and an optional legend under the curves that reads the hovered
// x's values (the latest x's when the pointer is away). Colours are set
// through the CSSOM, as the page's Content-Security-Policy requires.

import { fitCanvas } from './plots.mjs';
import { FAMILY, GRID, INK, MUTED, PLOT, rgba } from './palette.mjs';

/** A number as a chart shows it: 4 significant digits, exponent form when very small or large. */
export const chartNumber = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–'
  : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

/** A tick's label: the format's text without trailing zeros (0.2000 -> 0.2, 1.000e-4 -> 1e-4). */
const trimmed = (text) => text.replace(/^(-?\d+\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');

/** Round steps (1, 2, 5 × 10^k) from lo to hi, about `count` of them; integers only if whole. */
export function ticks(lo, hi, count, whole = false) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || 10 * p;
  if (whole) step = Math.max(1, Math.round(step));
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks of a log axis from lo to hi (both > 0): the decades, and 2 and 5
 * times them when there are few; within less than a decade, round linear steps.
 */
export function logTicks(lo, hi) {
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.ceil(Math.log10(hi));
  const steps = d1 - d0 <= 2 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((d1 - d0) / 6));
  const out = [];
  for (let d = d0; d <= d1; d += every) for (const m of steps) {
    const v = Number((m * 10 ** d).toPrecision(6));
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
  }
  return out.length >= 2 ? out : ticks(lo, hi, 4).filter((v) => v > 0);
}

const PAD = { top: 10, right: 12, bottom: 34 };

export class LineChart {
  #box;
  #canvas;
  #legend = null;
  #values = [];
  #opts;
  #xs = [];
  #ys = [];
  #hover = null;
  #frame = null;
  #observer;

  /**
   * box: the element the chart fills. opts: {series: [{label, colour, dash, width}], xLabel, yLabel, log,
   * legend (show one), cursor (mark the nearest x under the pointer), height(width) -> px, format(v) -> text}.
   */
  constructor(box, opts) {
    this.#box = box;
    this.#opts = { log: false, legend: true, cursor: true, height: (w) => Math.max(200, Math.min(340, Math.round(w * 0.6))), format: chartNumber, ...opts };
    this.#canvas = document.createElement('canvas');
    this.#canvas.className = 'line-chart';
    box.replaceChildren(this.#canvas);
    if (this.#opts.legend) this.#makeLegend();
    if (this.#opts.cursor) {
      this.#canvas.addEventListener('pointermove', (e) => this.#point(e.offsetX));
      this.#canvas.addEventListener('pointerleave', () => this.#point(null));
    }
    this.#observer = new ResizeObserver(() => this.draw());
    this.#observer.observe(box);
  }

  /** Stops following the box's size and empties it. */
  destroy() {
    this.#observer.disconnect();
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#box.replaceChildren();
  }

  #makeLegend() {
    const { series, xLabel } = this.#opts;
    this.#legend = document.createElement('div');
    this.#legend.className = 'chart-legend';
    const item = (text, mark) => {
      const span = document.createElement('span');
      span.className = 'key';
      const value = document.createElement('span');
      value.dataset.value = '';
      value.textContent = '–';
      this.#values.push(value);
      if (mark) span.append(mark);
      span.append(`${text} `, value);
      return span;
    };
    const keys = [item(xLabel)];
    for (const s of series) {
      const mark = document.createElement('span');
      mark.className = `line ${s.dash ? 'dashed' : 'solid'}`;
      mark.style.borderColor = s.colour;
      keys.push(item(s.label, mark));
    }
    this.#legend.append(...keys);
    this.#box.append(this.#legend);
  }

  /** The curves: xs ascending, ys[i] the values of series i at xs (null: none). Draws at the next frame. */
  setData(xs, ys) {
    this.#xs = xs;
    this.#ys = ys;
    this.#schedule();
  }

  set log(on) {
    this.#opts.log = Boolean(on);
    this.#schedule();
  }

  get log() { return this.#opts.log; }

  #schedule() {
    if (this.#frame !== null) return;
    const run = () => { this.#frame = null; this.draw(); };
    this.#frame = requestAnimationFrame(run);
  }

  #point(x) {
    this.#hover = x;
    this.draw();
  }

  /** The index of the x drawn nearest to pixel px (binary search: xs ascend). */
  #nearest(px, toX) {
    const xs = this.#xs;
    if (!xs.length) return null;
    const x = toX(px);
    let lo = 0;
    let hi = xs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid; else hi = mid;
    }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }

  /** Draws now (the frame loop and the tests call it; setData schedules it). */
  draw() {
    if (this.#frame !== null) {
      cancelAnimationFrame(this.#frame);
      this.#frame = null;
    }
    const { series, log, format, yLabel, xLabel } = this.#opts;
    const width = Math.max(200, Math.floor(this.#box.clientWidth));
    const height = this.#opts.height(width);
    const c = this.#canvas;
    if (c.style.height !== `${height}px`) c.style.height = `${height}px`;
    const [w, h, ctx] = fitCanvas(c);
    ctx.clearRect(0, 0, w, h);
    const xs = this.#xs;
    const shown = (v) => v !== null && v !== undefined && Number.isFinite(v) && (!log || v > 0);
    let lo = Infinity;
    let hi = -Infinity;
    for (const ys of this.#ys) for (const v of ys) if (shown(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi >= lo)) { lo = log ? 0.1 : 0; hi = 1; }
    let y0;
    let y1;
    if (log) {
      y0 = Math.log10(lo);
      y1 = Math.log10(hi);
      const pad = Math.max(0.05 * (y1 - y0), y1 === y0 ? 0.1 : 0);
      y0 -= pad;
      y1 += pad;
    } else {
      y0 = 0;
      y1 = hi > 0 ? hi * 1.05 : 1;
    }
    const x0 = xs.length ? xs[0] : 0;
    const x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
    const yTicks = log ? logTicks(10 ** y0, 10 ** y1) : ticks(y0, y1, Math.max(2, Math.floor(h / 50)));
    ctx.font = `11px ${FAMILY}`;
    const labelWidth = Math.max(...yTicks.map((v) => ctx.measureText(trimmed(format(v))).width), 20);
    const left = Math.ceil(labelWidth) + 26;
    const pw = w - left - PAD.right;
    const ph = h - PAD.top - PAD.bottom;
    const px = (x) => left + ((x - x0) / (x1 - x0)) * pw;
    const py = (v) => PAD.top + (1 - ((log ? Math.log10(v) : v) - y0) / (y1 - y0)) * ph;
    ctx.fillStyle = rgba(PLOT);
    ctx.fillRect(left, PAD.top, pw, ph);
    // The grid and the ticks' labels.
    ctx.lineWidth = 1;
    ctx.strokeStyle = rgba(GRID);
    ctx.fillStyle = rgba(MUTED);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of yTicks) {
      const y = Math.round(py(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + pw, y); ctx.stroke();
      ctx.fillText(trimmed(format(v)), left - 5, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of ticks(x0, x1, Math.max(2, Math.floor(pw / 70)), true)) {
      const x = Math.round(px(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, PAD.top); ctx.lineTo(x, PAD.top + ph); ctx.stroke();
      const half = ctx.measureText(String(v)).width / 2;
      ctx.fillText(String(v), Math.min(Math.max(x, half), w - half), PAD.top + ph + 4);
    }
    ctx.fillText(xLabel, left + pw / 2, h - 13);
    ctx.save();
    ctx.translate(10, PAD.top + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(yLabel, 0, -6);
    ctx.restore();
    // The curves, clipped to the plot; a missing value breaks a curve.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, PAD.top, pw, ph);
    ctx.clip();
    ctx.lineJoin = 'round';
    series.forEach((s, i) => {
      const ys = this.#ys[i] || [];
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = s.width || 2;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      // Many points to a pixel column: its first, lowest, highest and last
      // value only (the same ink, a bounded cost for a run of 100 000 epochs).
      let on = false;
      let col = NaN;
      let first;
      let min;
      let max;
      let last;
      const flush = () => {
        if (Number.isNaN(col)) return;
        for (const v of min === max ? [first] : [first, min, max, last]) if (on) ctx.lineTo(col, v); else { ctx.moveTo(col, v); on = true; }
        col = NaN;
      };
      for (let k = 0; k < xs.length; k++) {
        if (!shown(ys[k])) { flush(); on = false; continue; }
        const x = Math.round(px(xs[k]));
        const y = py(ys[k]);
        if (x !== col) {
          flush();
          col = x;
          first = min = max = last = y;
        } else {
          min = Math.min(min, y);
          max = Math.max(max, y);
          last = y;
        }
      }
      flush();
      ctx.stroke();
    });
    ctx.setLineDash([]);
    // The cursor: the nearest x under the pointer, its values marked.
    const at = this.#hover === null ? null : this.#nearest(this.#hover, (p) => x0 + ((p - left) / pw) * (x1 - x0));
    if (at !== null) {
      const x = Math.round(px(xs[at])) + 0.5;
      ctx.strokeStyle = rgba(INK, 0.35);
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x, PAD.top); ctx.lineTo(x, PAD.top + ph); ctx.stroke();
      series.forEach((s, i) => {
        const v = (this.#ys[i] || [])[at];
        if (!shown(v)) return;
        ctx.fillStyle = s.colour;
        ctx.beginPath(); ctx.arc(px(xs[at]), py(v), 3.5, 0, 2 * Math.PI); ctx.fill();
      });
    }
    ctx.restore();
    // The legend: the hovered x, else the latest.
    if (this.#legend) {
      const k = at !== null ? at : xs.length - 1;
      this.#values[0].textContent = k >= 0 ? String(xs[k]) : '–';
      series.forEach((s, i) => {
        const v = k >= 0 ? (this.#ys[i] || [])[k] : null;
        this.#values[i + 1].textContent = format(v);
      });
    }
  }
}
