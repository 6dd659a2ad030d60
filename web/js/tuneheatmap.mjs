// tuneheatmap.mjs - the Tune panel's heatmap: the mean score of each cell
// over two searched parameters (a list's values, or a range's log-spaced
// bins), the best configuration over the others in each cell, drawn on the
// viridis ramp (brighter is better whichever way the metric goes), and its
// legend.

import { LABELS } from './labels.mjs';
import { ACCENT, BACKGROUND, DIVERGED, ERR, FAMILY, INK, LINE, MUTED, RAMP, WHITE, ramp, rgba } from './palette.mjs';
import { BINS, PARAM, fmt, valueKey, valueText } from './tuneparams.mjs';

/** An axis of the heatmap: its labels and where a configuration falls on it. */
export function axisOf(plan, key) {
  if (!key) return { labels: [''], of: () => 0, name: '' };
  const p = PARAM[key];
  const values = plan.space[key];
  if (Array.isArray(values)) {
    const list = [...values];
    if (p.kind === 'rate' || p.kind === 'int') list.sort((a, b) => (a === 'full') - (b === 'full') || (a === 'full' ? 0 : a - b));
    else if (p.kind === 'choice') list.sort((a, b) => p.choices.findIndex((c) => c[0] === a) - p.choices.findIndex((c) => c[0] === b));
    const at = new Map(list.map((v, i) => [valueKey(key, v), i]));
    return { labels: list.map((v) => valueText(key, v)), of: (c) => at.get(valueKey(key, c[key])), name: p.label };
  }
  // A range: bins, log-spaced (rates and sizes are drawn log-uniform).
  const lo = Math.log(values.min);
  const hi = Math.log(values.max);
  const n = p.kind === 'int' ? Math.max(1, Math.min(BINS, values.max - values.min + 1)) : BINS;
  const edge = (i) => Math.exp(lo + ((hi - lo) * i) / n);
  const labels = Array.from({ length: n }, (_, i) => valueText(key, p.kind === 'int' ? Math.round(Math.sqrt(edge(i) * edge(i + 1))) : Math.sqrt(edge(i) * edge(i + 1))));
  return {
    labels,
    of: (c) => (hi > lo ? Math.min(n - 1, Math.max(0, Math.floor(((Math.log(c[key]) - lo) / (hi - lo)) * n))) : 0),
    name: `${p.label} (binned)`,
  };
}

/** Each cell's best configuration so far over the axes xKey and yKey (results ranked, so the first to land in a cell). */
export function heatmapGrid(run, xKey, yKey) {
  const xa = axisOf(run.plan, xKey);
  const ya = axisOf(run.plan, yKey);
  const cols = xa.labels.length;
  const rows = ya.labels.length;
  const grid = Array.from({ length: rows }, () => new Array(cols).fill(null));
  for (const r of run.ranked) {
    const cx = xa.of(r.config);
    const cy = ya.of(r.config);
    if (cx === undefined || cy === undefined) continue;
    if (!grid[cy][cx]) grid[cy][cx] = r;
  }
  return { xa, ya, cols, rows, grid };
}

/**
 * Draws the grid g (heatmapGrid) of run on canvas, with the selected
 * configuration's cell marked and the keyboard's cursor while focused
 * (cursor is kept inside the grid). Returns what was drawn: the cells (for
 * clicks and keys) and the range of the means.
 */
export function drawHeatmap(canvas, { run, g, cursor, selected }) {
  const width = Math.max(240, Math.floor(canvas.parentElement.clientWidth));
  const cssH = Math.max(160, Math.min(420, 46 + g.rows * Math.max(34, Math.min(70, 300 / g.rows))));
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.height = `${cssH}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, cssH);
  ctx.font = `12px ${FAMILY}`;
  const left = g.ya.name ? Math.min(110, 14 + Math.max(...g.ya.labels.map((l) => ctx.measureText(l).width))) : 8;
  const bottom = 40;
  const rect = { x: left, y: 6, w: width - left - 8, h: cssH - bottom - 6 };
  const cw = rect.w / g.cols;
  const ch = rect.h / g.rows;
  const values = [];
  for (const row of g.grid) for (const r of row) if (r && Number.isFinite(r.mean)) values.push(r.mean);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const better = (v) => (hi > lo ? (run.higherIsBetter ? v - lo : hi - v) / (hi - lo) : 0.5);
  cursor.x = Math.min(cursor.x, g.cols - 1);
  cursor.y = Math.min(cursor.y, g.rows - 1);
  let drawn = 0;
  for (let cy = 0; cy < g.rows; cy++) {
    for (let cx = 0; cx < g.cols; cx++) {
      const r = g.grid[cy][cx];
      const x = rect.x + cx * cw;
      const y = rect.y + cy * ch;
      if (!r) {
        ctx.fillStyle = rgba(BACKGROUND);
        ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
        ctx.strokeStyle = rgba(LINE);
        ctx.strokeRect(x + 1.5, y + 1.5, cw - 3, ch - 3);
        continue;
      }
      drawn++;
      if (!Number.isFinite(r.mean)) {
        ctx.fillStyle = rgba(DIVERGED);
        ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
        ctx.strokeStyle = rgba(ERR);
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(x + cw / 2 - 6, y + ch / 2 - 6);
        ctx.lineTo(x + cw / 2 + 6, y + ch / 2 + 6);
        ctx.moveTo(x + cw / 2 + 6, y + ch / 2 - 6);
        ctx.lineTo(x + cw / 2 - 6, y + ch / 2 + 6);
        ctx.stroke();
        ctx.lineWidth = 1;
        continue;
      }
      const c = ramp(better(r.mean));
      ctx.fillStyle = c.css;
      ctx.fillRect(x + 1, y + 1, cw - 2, ch - 2);
      const text = fmt(r.mean, 3);
      if (cw >= ctx.measureText(text).width + 6 && ch >= 16) {
        ctx.fillStyle = c.light ? rgba(INK) : rgba(WHITE);
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(text, x + cw / 2, y + ch / 2);
      }
    }
  }
  // The selected configuration's cell, and the keyboard's cursor while focused.
  const mark = (cx, cy, style, dash) => {
    ctx.save();
    ctx.strokeStyle = style;
    ctx.lineWidth = 3;
    ctx.setLineDash(dash);
    ctx.strokeRect(rect.x + cx * cw + 2.5, rect.y + cy * ch + 2.5, cw - 5, ch - 5);
    ctx.restore();
  };
  const sel = selected === null ? null : run.results[selected];
  if (sel) {
    const sx = g.xa.of(sel.config);
    const sy = g.ya.of(sel.config);
    if (sx !== undefined && sy !== undefined) mark(sx, sy, rgba(INK), []);
  }
  if (document.activeElement === canvas) mark(cursor.x, cursor.y, rgba(ACCENT), [5, 3]);
  // Axes: labels that fit, the parameters' names.
  ctx.fillStyle = rgba(MUTED);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  let lastRight = -Infinity;
  g.xa.labels.forEach((l, i) => {
    const cx = rect.x + (i + 0.5) * cw;
    const w = ctx.measureText(l).width;
    if (cx - w / 2 < lastRight + 4) return;
    ctx.fillText(l, cx, rect.y + rect.h + 4);
    lastRight = cx + w / 2;
  });
  ctx.fillStyle = rgba(INK);
  ctx.fillText(g.xa.name, rect.x + rect.w / 2, rect.y + rect.h + 22);
  ctx.fillStyle = rgba(MUTED);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const step = Math.ceil(16 / ch);
  g.ya.labels.forEach((l, i) => { if (i % step === 0) ctx.fillText(l, rect.x - 6, rect.y + (i + 0.5) * ch); });
  canvas.setAttribute('aria-label', `Heatmap of the mean ${LABELS.metric[run.metric]} over ${g.xa.name}${g.ya.name ? ` and ${g.ya.name}` : ''}: ${drawn} of ${g.cols * g.rows} cells have a result; arrow keys move, Enter shows a cell's fold curves`);
  return { cells: { ...g, rect, cw, ch, drawn, lo, hi }, lo: values.length ? lo : null, hi };
}

/** The heatmap's legend: the ramp from worse to better, its ends, what a pale or crossed cell means. */
export function writeLegend(legend, run, lo, hi) {
  legend.replaceChildren();
  if (lo === null) {
    legend.textContent = 'no results yet';
    return;
  }
  const [worse, best] = run.higherIsBetter ? [lo, hi] : [hi, lo];
  const bar = document.createElement('span');
  bar.className = 'ramp';
  bar.style.background = `linear-gradient(to right, ${RAMP.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
  const a = document.createElement('span');
  a.textContent = `worse ${fmt(worse)}`;
  const b = document.createElement('span');
  b.textContent = `${fmt(best)} better (${run.higherIsBetter ? 'higher' : 'lower'} ${LABELS.metric[run.metric]})`;
  const empty = document.createElement('span');
  empty.className = 'empty-key';
  empty.textContent = 'pale: no result yet; ✕: diverged';
  legend.append(a, bar, b, empty);
}
