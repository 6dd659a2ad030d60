// dataviews.mjs - views for data sets with more than two features, where the
// 2-D heatmap cannot show the model: the confusion matrix (classification),
// predicted versus actual (regression) and a grid of the 8x8 digit images
// with their predicted labels. Each draw function sizes the canvas for the
// device's pixel ratio, redraws it fully, sets its aria-label to a one-sentence
// summary and remembers its layout, so hitTest can say what is under a point.
import { fitCanvas } from './plots.mjs';

const INK = '#1d2430';
const MUTED = '#5b6573';
const ERR = '#b42318';
const NEG = [232, 113, 10];   // test points: orange
const POS = [23, 105, 170];   // blue
const PAPER = [247, 249, 251];
const FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const font = (px, weight = 400) => `${weight} ${px}px ${FAMILY}`;
const rgb = ([r, g, b], alpha = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;
const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** The layout of the last drawing on each canvas, for hitTest. */
const layouts = new WeakMap();

/** Sizes and clears the canvas; returns [w, h, ctx] in CSS px with a clean state. */
function begin(canvas) {
  const [w, h, ctx] = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.imageSmoothingEnabled = true;
  if (!canvas.hasAttribute('role')) canvas.setAttribute('role', 'img');
  return [w, h, ctx];
}

function finish(canvas, label, layout) {
  canvas.setAttribute('aria-label', label);
  layouts.set(canvas, layout);
}

function noData(canvas, ctx, w, h, label) {
  ctx.fillStyle = MUTED;
  ctx.font = font(13);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('no data', w / 2, h / 2);
  finish(canvas, label, { kind: 'none' });
}

/** s shortened with an ellipsis until it is at most max px wide in the current font. */
function fitText(ctx, s, max) {
  if (ctx.measureText(s).width <= max) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${s.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${s.slice(0, lo)}…` : s.slice(0, 1);
}

/** Names shortened to max px; when the shortened names would collide, the ends are kept too ("a rat…er 12"). */
function fitNames(ctx, names, max) {
  const start = names.map((s) => fitText(ctx, s, max));
  if (new Set(start).size === start.length) return start;
  return names.map((s) => {
    if (ctx.measureText(s).width <= max) return s;
    let keep = s.length - 1;
    const cut = (k) => `${s.slice(0, Math.ceil(k / 2))}…${s.slice(s.length - Math.floor(k / 2))}`;
    while (keep > 1 && ctx.measureText(cut(keep)).width > max) keep--;
    return cut(keep);
  });
}

const className = (names, i) => (names && names[i] !== undefined && names[i] !== null ? String(names[i]) : String(i));

/** 3 significant digits, without exponent for ordinary magnitudes. */
function short(v) {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

const percent = (f) => (f > 0 && f < 0.005 ? '<1%' : `${Math.round(f * 100)}%`);

// ---------------------------------------------------------------------------
// Confusion matrix

/** matrix[actual][predicted] as rows of numbers (also accepts a flat k*k array); null when empty. */
function toMatrix(matrix) {
  if (!matrix || !matrix.length) return null;
  let rows;
  if (typeof matrix[0] === 'number') {
    const k = Math.round(Math.sqrt(matrix.length));
    if (k * k !== matrix.length) return null;
    rows = Array.from({ length: k }, (_, r) => Array.from(matrix.slice(r * k, r * k + k)));
  } else {
    rows = Array.from(matrix, (row) => Array.from(row ?? []));
  }
  const k = Math.max(rows.length, ...rows.map((r) => r.length));
  return rows.concat(Array.from({ length: k - rows.length }, () => [])).map((r) => Array.from({ length: k }, (_, c) => {
    const v = Number(r[c]);
    return Number.isFinite(v) && v > 0 ? v : 0;
  }));
}

/**
 * Confusion matrix: matrix[actual][predicted] counts; classNames labels.
 * Cells are shaded by row-normalised count (blue; the diagonal, the correct
 * predictions, is outlined), with the count and, when it fits, the row %.
 * rows: what the counted rows are called in the aria-label ('test rows').
 */
export function drawConfusion(canvas, { matrix, classNames, rows: noun = 'rows' } = {}) {
  const [w, h, ctx] = begin(canvas);
  const m = toMatrix(matrix);
  const k = m ? m.length : 0;
  const rowTotal = m ? m.map((r) => r.reduce((s, v) => s + v, 0)) : [];
  const total = rowTotal.reduce((s, v) => s + v, 0);
  if (!k || total === 0) {
    noData(canvas, ctx, w, h, 'Confusion matrix: no data.');
    return;
  }
  let correct = 0;
  for (let i = 0; i < k; i++) correct += m[i][i];
  const names = Array.from({ length: k }, (_, i) => className(classNames, i));

  const lf = w < 360 || k > 8 ? 11 : 12;  // class-name font
  const tf = 12;                           // axis-title font
  const gap = 5;
  ctx.font = font(lf);
  const yNames = fitNames(ctx, names, Math.max(28, w * 0.26));
  const yNameW = Math.max(...yNames.map((s) => ctx.measureText(s).width));
  const left = tf + 6 + yNameW + gap;
  const top = 4;
  const right = 4;
  const availW = w - left - right;
  // Class names under the columns: level when they fit, else at 45 degrees.
  let bottom = gap + lf + 6 + tf + 4;
  let cell = Math.min(availW / k, (h - top - bottom) / k);
  let xNames = names;
  let slanted = false;
  if (Math.max(...names.map((s) => ctx.measureText(s).width)) > cell - 4) {
    slanted = true;
    xNames = fitNames(ctx, names, clamp(h * 0.22, 30, 120));
    const longest = Math.max(...xNames.map((s) => ctx.measureText(s).width));
    bottom = gap + (longest + lf) * Math.SQRT1_2 + 6 + tf + 4;
    cell = Math.min(availW / k, (h - top - bottom) / k);
  }
  cell = Math.max(4, Math.floor(cell));
  const size = cell * k;
  const x0 = Math.round(left + (availW - size) / 2);
  const y0 = Math.round(top + Math.max(0, (h - top - bottom - size) / 2));

  // Cells.
  const fs = clamp(Math.floor(cell * 0.3), 8, 15);
  const twoLines = cell >= 40 && cell >= fs * 2 + 18;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const count = m[r][c];
      const f = rowTotal[r] > 0 ? count / rowTotal[r] : 0;
      const t = count > 0 ? 0.1 + 0.9 * f : 0;
      const x = x0 + c * cell;
      const y = y0 + r * cell;
      ctx.fillStyle = rgb(count > 0 ? mix(PAPER, POS, t) : [241, 243, 246]);
      ctx.fillRect(x + 0.5, y + 0.5, cell - 1, cell - 1);
      if (r === c && cell >= 26) {
        ctx.strokeStyle = t > 0.6 ? 'rgba(255,255,255,0.55)' : 'rgba(23,105,170,0.55)';
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x + 2, y + 2, cell - 4, cell - 4);
      }
      const text = String(Math.round(count * 100) / 100);
      ctx.font = font(fs, count > 0 ? 600 : 400);
      if (ctx.measureText(text).width > cell - 3) continue;  // too small: the hover readout tells
      ctx.fillStyle = t > 0.55 ? '#fff' : count > 0 ? INK : 'rgba(91,101,115,0.4)';
      const cx = x + cell / 2;
      const cy = y + cell / 2;
      if (twoLines && count > 0) {
        ctx.fillText(text, cx, cy - fs * 0.45);
        ctx.font = font(Math.max(9, Math.round(fs * 0.75)));
        ctx.globalAlpha = 0.85;
        ctx.fillText(percent(f), cx, cy + fs * 0.7);
        ctx.globalAlpha = 1;
      } else {
        ctx.fillText(text, cx, cy + 0.5);
      }
    }
  }

  // Class names and axis titles.
  ctx.fillStyle = INK;
  ctx.font = font(lf);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < k; r++) ctx.fillText(yNames[r], x0 - gap, y0 + (r + 0.5) * cell);
  const below = y0 + size + gap;
  for (let c = 0; c < k; c++) {
    const cx = x0 + (c + 0.5) * cell;
    if (slanted) {
      ctx.save();
      ctx.translate(cx + lf * 0.35, below);
      ctx.rotate(-Math.PI / 4);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'top';
      ctx.fillText(xNames[c], 0, 0);
      ctx.restore();
    } else {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(xNames[c], cx, below);
    }
  }
  ctx.fillStyle = MUTED;
  ctx.font = font(tf, 600);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('predicted', x0 + size / 2, Math.min(h - 2, y0 + size + bottom - 2));
  ctx.save();
  ctx.translate(Math.max(2, x0 - gap - yNameW - 6), y0 + size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'bottom';
  ctx.fillText('actual', 0, 0);
  ctx.restore();

  finish(canvas,
    `Confusion matrix: ${short(correct)} of ${short(total)} ${noun} correct (${percent(correct / total)}) over ${k} classes.`,
    { kind: 'confusion', x0, y0, cell, k, m, rowTotal, names });
}

// ---------------------------------------------------------------------------
// Predicted versus actual

/** About n round-number ticks covering [lo, hi]: { values, step }. */
function niceTicks(lo, hi, n) {
  const raw = (hi - lo) / Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * p).find((s) => (hi - lo) / s <= n * 1.4) ?? 10 * p;
  const values = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, step };
}

function tickFormat(step, maxAbs) {
  if (maxAbs >= 1e5) {
    const f = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
    return (v) => f.format(v);
  }
  if (step < 1e-3) return (v) => (v === 0 ? '0' : v.toExponential(1));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step) + 1e-9) === 2.5 ? 1 : 0));
  return (v) => v.toFixed(decimals);
}

/**
 * Predicted versus actual for regression: training rows filled blue, test
 * rows (test[i] truthy) outlined orange, the y = x diagonal, equal ranges on
 * both axes. Rows whose actual or predicted value is not finite are skipped.
 */
export function drawScatter(canvas, { actual, predicted, test, targetName = 'target' } = {}) {
  const [w, h, ctx] = begin(canvas);
  const name = String(targetName ?? 'target');
  const n = Math.min(actual?.length ?? 0, predicted?.length ?? 0);
  const idx = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = Number(actual[i]);
    const p = Number(predicted[i]);
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    idx.push(i);
    lo = Math.min(lo, a, p);
    hi = Math.max(hi, a, p);
  }
  if (!idx.length) {
    noData(canvas, ctx, w, h, `Predicted versus actual ${name}: no data.`);
    return;
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const d = Math.max(1, Math.abs(hi)) * 0.1;
    lo -= d;
    hi += d;
  }
  const padding = (hi - lo) * 0.04;
  lo -= padding;
  hi += padding;

  const lf = 11;
  const tf = 12;
  const small = Math.min(w, h) < 360;
  const ticks = niceTicks(lo, hi, small ? 4 : 6);
  const format = tickFormat(ticks.step, Math.max(Math.abs(lo), Math.abs(hi)));
  const labels = ticks.values.map(format);
  ctx.font = font(lf);
  const tickW = Math.max(...labels.map((s) => ctx.measureText(s).width));
  const left = 4 + tf + 6 + tickW + 6;
  const bottom = 6 + lf + 6 + tf + 4;
  const top = 8;
  const right = 12;
  let pw = Math.max(10, w - left - right);
  const ph = Math.max(10, h - top - bottom);
  pw = Math.min(pw, Math.round(ph * 1.8));  // not too wide: the diagonal stays steep enough to read
  const px0 = Math.round(left + (w - left - right - pw) / 2);
  const py0 = top;
  const X = (v) => px0 + ((v - lo) / (hi - lo)) * pw;
  const Y = (v) => py0 + ph - ((v - lo) / (hi - lo)) * ph;

  // Frame, grid and tick labels.
  ctx.fillStyle = '#fbfcfd';
  ctx.fillRect(px0, py0, pw, ph);
  ctx.strokeStyle = 'rgba(0,0,0,0.08)';
  ctx.fillStyle = MUTED;
  ctx.font = font(lf);
  ticks.values.forEach((v, i) => {
    const x = Math.round(X(v)) + 0.5;
    const y = Math.round(Y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, py0); ctx.lineTo(x, py0 + ph);
    ctx.moveTo(px0, y); ctx.lineTo(px0 + pw, y);
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(labels[i], x, py0 + ph + 5);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(labels[i], px0 - 5, y);
  });
  ctx.strokeStyle = 'rgba(29,36,48,0.35)';
  ctx.strokeRect(px0 + 0.5, py0 + 0.5, pw - 1, ph - 1);

  // The diagonal: a perfect prediction.
  ctx.save();
  ctx.beginPath();
  ctx.rect(px0, py0, pw, ph);
  ctx.clip();
  ctx.strokeStyle = 'rgba(29,36,48,0.5)';
  ctx.setLineDash([5, 4]);
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  ctx.moveTo(X(lo), Y(lo));
  ctx.lineTo(X(hi), Y(hi));
  ctx.stroke();
  ctx.restore();

  // Points: training first, test on top.
  const r = clamp(Math.min(pw, ph) / 90, 2, 4) * (idx.length > 1500 ? 0.7 : 1);
  const xs = new Float32Array(idx.length);
  const ys = new Float32Array(idx.length);
  const isTest = new Uint8Array(idx.length);
  let nTest = 0;
  const err = { train: 0, test: 0 };
  idx.forEach((i, j) => {
    xs[j] = X(Number(actual[i]));
    ys[j] = Y(Number(predicted[i]));
    isTest[j] = test && test[i] ? 1 : 0;
    nTest += isTest[j];
    const e = Number(predicted[i]) - Number(actual[i]);
    err[isTest[j] ? 'test' : 'train'] += e * e;
  });
  ctx.beginPath();
  for (let j = 0; j < xs.length; j++) {
    if (isTest[j]) continue;
    ctx.moveTo(xs[j] + r, ys[j]);
    ctx.arc(xs[j], ys[j], r, 0, 2 * Math.PI);
  }
  ctx.fillStyle = rgb(POS, 0.7);
  ctx.fill();
  if (nTest) {
    ctx.beginPath();
    for (let j = 0; j < xs.length; j++) {
      if (!isTest[j]) continue;
      ctx.moveTo(xs[j] + r, ys[j]);
      ctx.arc(xs[j], ys[j], r, 0, 2 * Math.PI);
    }
    ctx.fillStyle = 'rgba(255,255,255,0.9)';
    ctx.fill();
    ctx.strokeStyle = rgb(NEG);
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  // Legend (only when there are both kinds), top left, where predictions are too high.
  if (nTest) {
    ctx.font = font(lf);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const items = [['training', false], ['test', true]].filter(([, t]) => (t ? nTest : idx.length - nTest) > 0);
    let lx = px0 + 8;
    const ly = py0 + 10;
    const widths = items.map(([s]) => ctx.measureText(s).width);
    ctx.fillStyle = 'rgba(251,252,253,0.85)';
    ctx.fillRect(px0 + 2, py0 + 2, widths.reduce((s, v) => s + v + 26, 4), 17);
    items.forEach(([label, t], i) => {
      ctx.beginPath();
      ctx.arc(lx + 3, ly, 3.5, 0, 2 * Math.PI);
      if (t) {
        ctx.fillStyle = '#fff'; ctx.fill();
        ctx.strokeStyle = rgb(NEG); ctx.lineWidth = 1.5; ctx.stroke();
      } else {
        ctx.fillStyle = rgb(POS, 0.8); ctx.fill();
      }
      ctx.fillStyle = INK;
      ctx.fillText(label, lx + 10, ly + 0.5);
      lx += widths[i] + 26;
    });
  }

  // Axis titles.
  ctx.fillStyle = MUTED;
  ctx.font = font(tf, 600);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(fitText(ctx, `actual ${name}`, w - 8), px0 + pw / 2, h - 3);
  ctx.save();
  ctx.translate(Math.max(4, px0 - tickW - 11), py0 + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('predicted', 0, 0);
  ctx.restore();

  const rmse = (s, c) => short(Math.sqrt(s / c));
  const skipped = n - idx.length;
  let label = `Predicted versus actual ${name} for ${idx.length} rows`;
  if (nTest && nTest < idx.length) label += ` (${nTest} test): test RMSE ${rmse(err.test, nTest)}, training RMSE ${rmse(err.train, idx.length - nTest)}`;
  else if (nTest) label += ` (all test): RMSE ${rmse(err.test, nTest)}`;
  else label += `: RMSE ${rmse(err.train, idx.length)}`;
  if (skipped) label += `; ${skipped} without a prediction`;
  finish(canvas, `${label}.`, {
    kind: 'scatter', px0, py0, pw, ph, lo, hi, r, xs, ys, idx, actual, predicted, isTest,
  });
}

// ---------------------------------------------------------------------------
// Digits

/** The grey images of an images array, drawn once into a canvas atlas (ATLAS images a row). */
const ATLAS = 32;
const atlases = new WeakMap();

function atlasOf(images, n) {
  let entry = atlases.get(images);
  if (entry && entry.n === n) return entry.canvas;
  const rows = Math.max(1, Math.ceil(n / ATLAS));
  const cw = ATLAS * 8;
  const ch = rows * 8;
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(cw, ch) : Object.assign(document.createElement('canvas'), { width: cw, height: ch });
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(cw, ch);
  let max = 16;
  for (let i = 0; i < n * 64; i++) if (images[i] > max) max = images[i];  // 0..255 images too
  const px = image.data;
  const ink = [29, 36, 48];
  for (let k = 0; k < n; k++) {
    const ox = (k % ATLAS) * 8;
    const oy = Math.floor(k / ATLAS) * 8;
    for (let p = 0; p < 64; p++) {
      const v = Number(images[k * 64 + p]);
      const t = Number.isFinite(v) ? clamp(v / max, 0, 1) : 0;
      const o = ((oy + (p >> 3)) * cw + ox + (p & 7)) * 4;
      px[o] = 255 + (ink[0] - 255) * t;
      px[o + 1] = 255 + (ink[1] - 255) * t;
      px[o + 2] = 255 + (ink[2] - 255) * t;
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  entry = { n, canvas };
  atlases.set(images, entry);
  return canvas;
}

/** The largest image size s (CSS px) at which count cells fit w x h; with how many columns and rows are shown. */
function digitGrid(w, h, count, labelH, gap) {
  for (let s = 72; s >= 20; s--) {
    const cols = Math.max(1, Math.floor((w + gap) / (s + gap)));
    const rows = Math.ceil(count / cols);
    if (rows * (s + labelH) + (rows - 1) * gap <= h) return { s, cols, rows };
  }
  const s = 20;
  const cols = Math.max(1, Math.floor((w + gap) / (s + gap)));
  const rows = Math.max(1, Math.floor((h + gap) / (s + labelH + gap)));
  return { s, cols, rows: Math.min(rows, Math.ceil(count / cols)) };
}

/**
 * digits: a grid of 8x8 grey images (values 0..16, row-major, 64 a row) with
 * the predicted label under each; wrong predictions have a red border and a
 * red "7 (is 1)" label. The first `limit` images, as many as fit; wrongFirst
 * puts the wrong predictions first.
 */
export function drawDigits(canvas, { images, labels, predicted, classNames, limit = 60, wrongFirst = false } = {}) {
  const [w, h, ctx] = begin(canvas);
  const n = images ? Math.floor(images.length / 64) : 0;
  const wanted = Math.min(n, Math.max(0, Math.floor(Number(limit) || 0)));
  if (!wanted) {
    noData(canvas, ctx, w, h, 'Digits: no data.');
    return;
  }
  const known = (i) => predicted && i < predicted.length && Number.isFinite(Number(predicted[i])) && predicted[i] !== null;
  const wrong = (i) => known(i) && labels && labels[i] !== undefined && Number(predicted[i]) !== Number(labels[i]);
  let order = Array.from({ length: n }, (_, i) => i);
  if (wrongFirst) order = order.filter(wrong).concat(order.filter((i) => !wrong(i)));
  order = order.slice(0, wanted);

  const fs = w < 360 ? 11 : 12;
  const labelH = fs + 5;
  const gap = 6;
  const margin = 3;  // room for the red borders at the edges
  const { s, cols, rows } = digitGrid(w - 2 * margin, h - 2 * margin, order.length, labelH, gap);
  const shown = order.slice(0, cols * rows);
  const usedCols = Math.min(cols, shown.length);
  const gridW = usedCols * s + (usedCols - 1) * gap;
  const x0 = Math.round((w - gridW) / 2);
  const y0 = Math.round(Math.max(margin, (h - (rows * (s + labelH) + (rows - 1) * gap)) / 2));
  const atlas = atlasOf(images, n);

  ctx.font = font(fs);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  let correct = 0;
  let judged = 0;
  shown.forEach((i, j) => {
    const x = x0 + (j % cols) * (s + gap);
    const y = y0 + Math.floor(j / cols) * (s + labelH + gap);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(atlas, (i % ATLAS) * 8, Math.floor(i / ATLAS) * 8, 8, 8, x, y, s, s);
    const bad = wrong(i);
    if (known(i) && labels && labels[i] !== undefined) {
      judged++;
      if (!bad) correct++;
    }
    if (bad) {
      ctx.strokeStyle = ERR;
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 1.5, y - 1.5, s + 3, s + 3);
    } else {
      ctx.strokeStyle = 'rgba(29,36,48,0.14)';
      ctx.lineWidth = 1;
      ctx.strokeRect(x - 0.5, y - 0.5, s + 1, s + 1);
    }
    const cx = x + s / 2;
    const ty = y + s + fs + 1;
    const room = s + gap - 2;
    if (!known(i)) {
      // Not predicted (yet): the true label, faint.
      if (labels && labels[i] !== undefined) {
        ctx.font = font(fs);
        ctx.fillStyle = 'rgba(91,101,115,0.6)';
        ctx.fillText(fitText(ctx, className(classNames, labels[i]), room), cx, ty);
      }
      return;
    }
    const p = className(classNames, predicted[i]);
    if (bad) {
      const t = className(classNames, labels[i]);
      ctx.font = font(fs, 700);
      ctx.fillStyle = ERR;
      const long = `${p} (is ${t})`;
      const mid = `${p}≠${t}`;
      ctx.fillText(ctx.measureText(long).width <= room ? long : fitText(ctx, mid, room), cx, ty);
    } else {
      ctx.font = font(fs);
      ctx.fillStyle = MUTED;
      ctx.fillText(fitText(ctx, p, room), cx, ty);
    }
  });
  ctx.imageSmoothingEnabled = true;

  let label = `Digits: ${shown.length} of ${n} images shown`;
  if (judged) label += `, ${correct} of ${judged} predicted correctly`;
  else label += ', not yet predicted';
  if (wrongFirst && judged > correct) label += ' (wrong predictions first)';
  finish(canvas, `${label}.`, {
    kind: 'digits', x0, y0, s, cols, gap, labelH, shown, labels, predicted, classNames,
  });
}

// ---------------------------------------------------------------------------
// Hit testing

/**
 * What the last drawing on canvas shows at (x, y), CSS px from its top-left:
 * { kind: 'cell', actual, predicted, count, rowTotal, actualName, predictedName }
 * | { kind: 'point', index, actual, predicted, test }
 * | { kind: 'digit', index, label, predicted, labelName, predictedName } | null.
 */
export function hitTest(canvas, x, y) {
  const l = layouts.get(canvas);
  if (!l || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  if (l.kind === 'confusion') {
    const c = Math.floor((x - l.x0) / l.cell);
    const r = Math.floor((y - l.y0) / l.cell);
    if (c < 0 || r < 0 || c >= l.k || r >= l.k) return null;
    return {
      kind: 'cell', actual: r, predicted: c, count: l.m[r][c], rowTotal: l.rowTotal[r],
      actualName: l.names[r], predictedName: l.names[c],
    };
  }
  if (l.kind === 'scatter') {
    const reach = Math.max(l.r + 4, 8);
    let best = -1;
    let bestD = reach * reach;
    for (let j = 0; j < l.xs.length; j++) {
      const dx = l.xs[j] - x;
      const dy = l.ys[j] - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = j; }
    }
    if (best < 0) return null;
    const i = l.idx[best];
    return { kind: 'point', index: i, actual: Number(l.actual[i]), predicted: Number(l.predicted[i]), test: l.isTest[best] === 1 };
  }
  if (l.kind === 'digits') {
    const c = Math.floor((x - l.x0 + l.gap / 2) / (l.s + l.gap));
    const r = Math.floor((y - l.y0 + l.gap / 2) / (l.s + l.labelH + l.gap));
    if (c < 0 || r < 0 || c >= l.cols) return null;
    const j = r * l.cols + c;
    if (j >= l.shown.length) return null;
    const i = l.shown[j];
    const label = l.labels && l.labels[i] !== undefined ? Number(l.labels[i]) : null;
    const p = l.predicted && i < l.predicted.length && Number.isFinite(Number(l.predicted[i])) ? Number(l.predicted[i]) : null;
    return {
      kind: 'digit', index: i, label, predicted: p,
      labelName: label === null ? null : className(l.classNames, label),
      predictedName: p === null ? null : className(l.classNames, p),
    };
  }
  return null;
}

/** The geometry of the last drawing (for tests and hover overlays): a plain copy, or null. */
export function viewLayout(canvas) {
  const l = layouts.get(canvas);
  if (!l) return null;
  if (l.kind === 'confusion') return { kind: l.kind, x0: l.x0, y0: l.y0, cell: l.cell, k: l.k };
  if (l.kind === 'scatter') {
    return { kind: l.kind, x0: l.px0, y0: l.py0, width: l.pw, height: l.ph, range: [l.lo, l.hi], radius: l.r };
  }
  if (l.kind === 'digits') {
    return { kind: l.kind, x0: l.x0, y0: l.y0, size: l.s, cols: l.cols, gap: l.gap, labelHeight: l.labelH, shown: l.shown.slice() };
  }
  return { kind: l.kind };
}
