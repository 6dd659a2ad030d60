// plots.mjs - the prediction views, drawn on a canvas: the 2-D heatmap (a
// decision boundary or a regression surface) with the data points and its
// colour bar, and the 1-D regression plot (the points and the fitted curve).

import { INK, NEG, PLOT, POS, WHITE, diverging, rgba } from './palette.mjs';

/** Sizes the canvas's backing store to its CSS box at the device's pixel ratio; returns [w, h] in CSS px. */
export function fitCanvas(canvas) {
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(canvas.clientWidth || canvas.width));
  const h = Math.max(1, Math.round(canvas.clientHeight || canvas.height));
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [w, h, ctx];
}

const cells = new Map();

/** A scratch canvas of w × h pixels (g × g by default), kept under key and reused. */
function cellCanvas(key, w = key, h = w) {
  let c = cells.get(key);
  if (!c) {
    c = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(w, h) : Object.assign(document.createElement('canvas'), { width: w, height: h });
    cells.set(key, c);
  }
  return c;
}

function axes(ctx, w, h, xr, yr, ticks) {
  ctx.save();
  ctx.strokeStyle = rgba([0, 0, 0], 0.12);
  ctx.fillStyle = rgba(INK, 0.7);
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (const v of ticks.x) {
    const px = ((v - xr[0]) / (xr[1] - xr[0])) * w;
    ctx.beginPath(); ctx.moveTo(px, 0); ctx.lineTo(px, h); ctx.stroke();
    ctx.fillText(String(v), px + 2, h - 3);
  }
  for (const v of ticks.y) {
    const py = h - ((v - yr[0]) / (yr[1] - yr[0])) * h;
    ctx.beginPath(); ctx.moveTo(0, py); ctx.lineTo(w, py); ctx.stroke();
    ctx.fillText(String(v), 3, py - 2);
  }
  ctx.restore();
}

/** Canvases of drawn points, kept while the same points are drawn at the same size. */
const layers = new WeakMap();

function pointsLayer(points, w, h, ratio, draw) {
  const key = `${w}x${h}@${ratio}`;
  let entry = layers.get(points);
  if (!entry || entry.key !== key) {
    const c = document.createElement('canvas');
    c.width = Math.round(w * ratio);
    c.height = Math.round(h * ratio);
    const ctx = c.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw(ctx);
    entry = { key, canvas: c };
    layers.set(points, entry);
  }
  return entry.canvas;
}

/** Blits a layer made at the device's pixel ratio onto a context set up in CSS px. */
function blit(ctx, layer, w, h) {
  ctx.drawImage(layer, 0, 0, w, h);
}

/**
 * The plane view. grid: g×g values, row 0 at the top (highest x2), column 0 at
 * the left (lowest x1), each already mapped to [0, 1] by toUnit. points: rows
 * {a, b, t (value in [0, 1]), test}. domain: [lo, hi] of both axes.
 */
export function drawPlane(canvas, { grid, g, points, domain, discretize }) {
  const [w, h, ctx] = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  if (grid) {
    const cell = cellCanvas(g);
    const cctx = cell.getContext('2d');
    const image = cctx.createImageData(g, g);
    const px = image.data;
    for (let i = 0; i < g * g; i++) {
      let t = grid[i];
      if (discretize) t = t >= 0.5 ? 0.82 : 0.18;
      const [r, gg, b] = diverging(t);
      px[i * 4] = r; px[i * 4 + 1] = gg; px[i * 4 + 2] = b; px[i * 4 + 3] = 255;
    }
    cctx.putImageData(image, 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = !discretize;
    // Lighter than the points, so they stand out.
    ctx.fillStyle = rgba(WHITE);
    ctx.fillRect(0, 0, w, h);
    ctx.globalAlpha = 0.6;
    ctx.drawImage(cell, 0, 0, w, h);
    ctx.restore();
  }
  const [lo, hi] = domain;
  axes(ctx, w, h, domain, domain, { x: [lo / 2, 0, hi / 2], y: [lo / 2, 0, hi / 2] });
  // The points change only with the data: drawn once, then copied each frame.
  const ratio = canvas.width / w;
  blit(ctx, pointsLayer(points, w, h, ratio, (lctx) => planePoints(lctx, w, h, points, domain)), w, h);
}

/**
 * The heatmap's colour scale under it: the colours of [0, 1] as the plane
 * paints them (the same lightening), with ticks: [{at, text}], at in [0, 1].
 */
export function drawColorBar(canvas, { ticks, discretize }) {
  const [w, h, ctx] = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  const barH = Math.max(6, h - 16);
  const steps = 128;
  const strip = cellCanvas(`bar${steps}`, steps, 1);
  const sctx = strip.getContext('2d');
  const image = sctx.createImageData(steps, 1);
  for (let i = 0; i < steps; i++) {
    let t = (i + 0.5) / steps;
    if (discretize) t = t >= 0.5 ? 0.82 : 0.18;
    const [r, g, b] = diverging(t);
    image.data.set([r, g, b, 255], i * 4);
  }
  sctx.putImageData(image, 0, 0);
  ctx.save();
  ctx.fillStyle = rgba(WHITE);
  ctx.fillRect(0, 0, w, barH);
  ctx.globalAlpha = 0.6;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(strip, 0, 0, w, barH);
  ctx.restore();
  ctx.fillStyle = rgba(INK, 0.75);
  ctx.strokeStyle = rgba(INK, 0.5);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const { at, text } of ticks) {
    const x = Math.round(at * (w - 1)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, barH - 4);
    ctx.lineTo(x, barH);
    ctx.stroke();
    ctx.textAlign = at <= 0 ? 'left' : at >= 1 ? 'right' : 'center';
    ctx.fillText(text, x, barH + 2);
  }
}

function planePoints(ctx, w, h, points, [lo, hi]) {
  const r = Math.max(2.5, Math.min(w, h) / 110);
  ctx.lineWidth = 1.5;
  for (const p of points) {
    const x = ((p.a - lo) / (hi - lo)) * w;
    const y = h - ((p.b - lo) / (hi - lo)) * h;
    if (x < -r || x > w + r || y < -r || y > h + r) continue;
    const colour = diverging(p.t < 0.5 ? 0 : 1);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    if (p.test) {
      // Test points: outlined.
      ctx.fillStyle = rgba(WHITE, 0.95);
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = rgba(p.continuous ? diverging(p.t) : colour);
      ctx.stroke();
      ctx.lineWidth = 1.5;
    } else {
      // Training points: filled.
      ctx.fillStyle = rgba(p.continuous ? diverging(p.t) : colour);
      ctx.fill();
      ctx.strokeStyle = rgba(WHITE, 0.9);
      ctx.stroke();
    }
  }
}

/** The 1-D view: the points (training filled, test outlined) and the fitted curve over xs. */
export function drawCurve(canvas, { xs, ys, points, xr, yr }) {
  const [w, h, ctx] = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = rgba(PLOT);
  ctx.fillRect(0, 0, w, h);
  const X = (v) => ((v - xr[0]) / (xr[1] - xr[0])) * w;
  const Y = (v) => h - ((v - yr[0]) / (yr[1] - yr[0])) * h;
  const step = (span) => { const s = 10 ** Math.floor(Math.log10(span / 2)); return span / s > 8 ? s * 2 : s; };
  const ticks = (r) => { const s = step(r[1] - r[0]); const out = []; for (let v = Math.ceil(r[0] / s) * s; v <= r[1]; v += s) out.push(+v.toFixed(6)); return out; };
  axes(ctx, w, h, xr, yr, { x: ticks(xr), y: ticks(yr) });
  const ratio = canvas.width / w;
  blit(ctx, pointsLayer(points, w, h, ratio, (lctx) => {
    const r = Math.max(2.5, Math.min(w, h) / 120);
    lctx.lineWidth = 1.5;
    for (const p of points) {
      lctx.beginPath();
      lctx.arc(X(p.a), Y(p.b), r, 0, 2 * Math.PI);
      if (p.test) {
        lctx.fillStyle = rgba(WHITE); lctx.fill();
        lctx.strokeStyle = rgba(NEG); lctx.stroke();
      } else {
        lctx.fillStyle = rgba(POS, 0.85); lctx.fill();
      }
    }
  }), w, h);
  if (xs && ys) {
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(ys[i])) continue;
      const px = X(xs[i]);
      const py = Math.max(-h, Math.min(2 * h, Y(ys[i])));
      if (!started) { ctx.moveTo(px, py); started = true; } else ctx.lineTo(px, py);
    }
    ctx.strokeStyle = rgba(INK);
    ctx.lineWidth = 2.5;
    ctx.stroke();
  }
}
