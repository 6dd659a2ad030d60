// dataviews.mjs - views for data sets with more than two features, where the
// 2-D heatmap cannot show the model: the confusion matrix (classification),
// predicted versus actual (regression) and a grid of the 8x8 digit images
// with their predicted labels. Each draw function sizes the canvas for the
// device's pixel ratio, redraws it fully, sets its aria-label to a one-sentence
// summary and remembers its layout, so hitTest can say what is under a point.
import { begin, className, clamp, finish, fitNames, fitText, font, mix, noData, percent, short } from './canvasview.mjs';
import { EMPTY, ERR, INK, MUTED, PAPER, POS, WHITE, rgba as rgb } from './palette.mjs';

export { drawScatter } from './scatterview.mjs';
export { hitTest, viewLayout } from './canvasview.mjs';

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
      ctx.fillStyle = rgb(count > 0 ? mix(PAPER, POS, t) : EMPTY);
      ctx.fillRect(x + 0.5, y + 0.5, cell - 1, cell - 1);
      if (r === c && cell >= 26) {
        ctx.strokeStyle = t > 0.6 ? rgb(WHITE, 0.55) : rgb(POS, 0.55);
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x + 2, y + 2, cell - 4, cell - 4);
      }
      const text = String(Math.round(count * 100) / 100);
      ctx.font = font(fs, count > 0 ? 600 : 400);
      if (ctx.measureText(text).width > cell - 3) continue;  // too small: the hover readout tells
      ctx.fillStyle = t > 0.55 ? rgb(WHITE) : count > 0 ? rgb(INK) : rgb(MUTED, 0.4);
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
  ctx.fillStyle = rgb(INK);
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
  ctx.fillStyle = rgb(MUTED);
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
      ctx.strokeStyle = rgb(ERR);
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 1.5, y - 1.5, s + 3, s + 3);
    } else {
      ctx.strokeStyle = rgb(INK, 0.14);
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
        ctx.fillStyle = rgb(MUTED, 0.6);
        ctx.fillText(fitText(ctx, className(classNames, labels[i]), room), cx, ty);
      }
      return;
    }
    const p = className(classNames, predicted[i]);
    if (bad) {
      const t = className(classNames, labels[i]);
      ctx.font = font(fs, 700);
      ctx.fillStyle = rgb(ERR);
      const long = `${p} (is ${t})`;
      const mid = `${p}≠${t}`;
      ctx.fillText(ctx.measureText(long).width <= room ? long : fitText(ctx, mid, room), cx, ty);
    } else {
      ctx.font = font(fs);
      ctx.fillStyle = rgb(MUTED);
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
