// scatterview.mjs - predicted versus actual for regression on a table: the
// rows as points (training filled, test outlined), the y = x diagonal, round
// ticks on equal axes.
import { begin, clamp, finish, fitText, font, noData, short } from './canvasview.mjs';
import { INK, MUTED, NEG, PLOT, POS, WHITE, rgba as rgb } from './palette.mjs';

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
  ctx.fillStyle = rgb(PLOT);
  ctx.fillRect(px0, py0, pw, ph);
  ctx.strokeStyle = rgb([0, 0, 0], 0.08);
  ctx.fillStyle = rgb(MUTED);
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
  ctx.strokeStyle = rgb(INK, 0.35);
  ctx.strokeRect(px0 + 0.5, py0 + 0.5, pw - 1, ph - 1);

  // The diagonal: a perfect prediction.
  ctx.save();
  ctx.beginPath();
  ctx.rect(px0, py0, pw, ph);
  ctx.clip();
  ctx.strokeStyle = rgb(INK, 0.5);
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
    ctx.fillStyle = rgb(WHITE, 0.9);
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
    ctx.fillStyle = rgb(PLOT, 0.85);
    ctx.fillRect(px0 + 2, py0 + 2, widths.reduce((s, v) => s + v + 26, 4), 17);
    items.forEach(([label, t], i) => {
      ctx.beginPath();
      ctx.arc(lx + 3, ly, 3.5, 0, 2 * Math.PI);
      if (t) {
        ctx.fillStyle = rgb(WHITE); ctx.fill();
        ctx.strokeStyle = rgb(NEG); ctx.lineWidth = 1.5; ctx.stroke();
      } else {
        ctx.fillStyle = rgb(POS, 0.8); ctx.fill();
      }
      ctx.fillStyle = rgb(INK);
      ctx.fillText(label, lx + 10, ly + 0.5);
      lx += widths[i] + 26;
    });
  }

  // Axis titles.
  ctx.fillStyle = rgb(MUTED);
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
