// canvasview.mjs - what the data views (dataviews.mjs, scatterview.mjs) share:
// a canvas sized and cleared for a drawing, its aria-label and layout
// remembered (hitTest says what is under a point, viewLayout gives the
// geometry), text fitted to a width, and numbers and names as labels.
import { fitCanvas } from './plots.mjs';
import { FAMILY, MUTED, rgba } from './palette.mjs';


export const font = (px, weight = 400) => `${weight} ${px}px ${FAMILY}`;
export const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** The layout of the last drawing on each canvas, for hitTest. */
const layouts = new WeakMap();

/** Sizes and clears the canvas; returns [w, h, ctx] in CSS px with a clean state. */
export function begin(canvas) {
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

export function finish(canvas, label, layout) {
  canvas.setAttribute('aria-label', label);
  layouts.set(canvas, layout);
}

export function noData(canvas, ctx, w, h, label) {
  ctx.fillStyle = rgba(MUTED);
  ctx.font = font(13);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('no data', w / 2, h / 2);
  finish(canvas, label, { kind: 'none' });
}

/** s shortened with an ellipsis until it is at most max px wide in the current font. */
export function fitText(ctx, s, max) {
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
export function fitNames(ctx, names, max) {
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

export const className = (names, i) => (names && names[i] !== undefined && names[i] !== null ? String(names[i]) : String(i));

/** 3 significant digits, without exponent for ordinary magnitudes. */
export function short(v) {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export const percent = (f) => (f > 0 && f < 0.005 ? '<1%' : `${Math.round(f * 100)}%`);

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
