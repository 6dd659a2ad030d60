// netdraw.mjs - the network diagram's (netdiagram.mjs) weight lines, its
// nodes without a plane (circles coloured by their bias), its text (the input rows' and
// outputs' names, the "+N more" markers, the captions) and the highlight of
// the item under the pointer, each drawn in a layout of netlayout.mjs.

import { CAPTION_LINE, LABEL_FONT, LEVELS, SMALL_FONT, lineStyle } from './netlayout.mjs';
import { INK, MID, MUTED, NEG, POS, WHITE, diverging, rgba } from './palette.mjs';

/**
 * The weight lines of layout L, grouped by sign and magnitude, thin and faint
 * first: codeOf(e) gives line e's code (netdiagram's: 0 .. LEVELS-1
 * negative, LEVELS .. 2·LEVELS-1 positive, ZERO for 0, 255 not drawn), kept
 * in L.eCode for the hit-testing.
 */
export function drawWeights(ctx, L, codeOf) {
  const E = L.eCode.length;
  const g = L.edges;
  let used = 0;
  for (let e = 0; e < E; e++) {
    const code = codeOf(e);
    L.eCode[e] = code;
    if (code !== 255) used |= 1 << (code % LEVELS);
  }
  ctx.lineCap = 'round';
  for (let level = 0; level < LEVELS; level++) {
    if (!(used & (1 << level))) continue;
    for (const sign of level === 0 ? [2, 0, 1] : [0, 1]) {
      const code = sign * LEVELS + level;
      ctx.beginPath();
      let any = false;
      for (let e = 0; e < E; e++) {
        if (L.eCode[e] !== code) continue;
        ctx.moveTo(g[e * 4], g[e * 4 + 1]);
        ctx.lineTo(g[e * 4 + 2], g[e * 4 + 3]);
        any = true;
      }
      if (!any) continue;
      const { width, colour } = lineStyle(L, level, sign);
      ctx.lineWidth = width;
      ctx.strokeStyle = colour;
      ctx.stroke();
    }
  }
}

/** The nodes as circles: white inputs, each neuron coloured by its bias (weights: per layer {kernel, bias}, or null). */
export function drawCircles(ctx, L, { weights, maxBias }) {
  const half = L.size / 2;
  ctx.lineWidth = 1.25;
  for (let c = 0; c < L.xs.length; c++) {
    const bias = c > 0 && weights ? weights[c - 1].bias : null;
    for (let i = 0; i < L.ys[c].length; i++) {
      let fill = rgba(WHITE);
      if (bias) {
        const b = bias[i];
        const m = maxBias > 0 ? Math.min(1, Math.abs(b) / maxBias) : 0;
        fill = b === 0 || !Number.isFinite(b) ? rgba(MID) : rgba(diverging(0.5 + Math.sign(b) * (0.18 + 0.32 * m)));
      }
      ctx.beginPath();
      ctx.arc(L.xs[c], L.ys[c][i], half, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.strokeStyle = c === 0 ? rgba(MUTED) : rgba(INK, 0.55);
      ctx.stroke();
    }
  }
}

/** The text: the input rows' names (a feature not in use faded, its name muted), the outputs', the markers, the captions. */
export function drawLabels(ctx, L, { inRows, outputNames }) {
  const n = L.xs.length;
  const half = L.size / 2;
  ctx.textBaseline = 'middle';
  ctx.font = LABEL_FONT;
  ctx.textAlign = 'right';
  inRows.forEach((r, i) => {
    if (r.input < 0) {
      ctx.fillStyle = rgba(WHITE, 0.7);
      ctx.fillRect(L.xs[0] - half, L.ys[0][i] - half, L.size, L.size);
    }
    ctx.fillStyle = rgba(r.input < 0 ? MUTED : INK);
    ctx.fillText(r.name, L.xs[0] - half - 6, L.ys[0][i]);
  });
  ctx.fillStyle = rgba(INK);
  ctx.textAlign = 'left';
  for (let i = 0; i < L.ys[n - 1].length; i++) ctx.fillText(outputNames[i], L.xs[n - 1] + half + 6, L.ys[n - 1][i]);
  ctx.textAlign = 'center';
  ctx.font = SMALL_FONT;
  ctx.fillStyle = rgba(MUTED);
  for (let c = 0; c < n; c++) if (L.more[c]) ctx.fillText(L.more[c], L.xs[c], L.moreY[c]);
  ctx.textBaseline = 'top';
  for (let c = 0; c < n; c++) {
    L.captions[c].forEach((t, k) => ctx.fillText(t, L.xs[c], L.captionY + k * CAPTION_LINE));
  }
}

/**
 * The highlight of hover ({kind: 'edge', edge} with the weight's value w, or
 * {kind: 'node', column, index}): the line drawn over, and a ring round its
 * nodes (squares round thumbnails); inRow maps a model input to its row.
 */
export function drawHighlight(ctx, L, { hover: h, w, inRow, square }) {
  ctx.setTransform(L.ratio, 0, 0, L.ratio, 0, 0);
  ctx.clearRect(0, 0, L.w, L.h);
  if (!h) return;
  const half = L.size / 2;
  const ring = (c, i) => {
    if (square) ctx.strokeRect(L.xs[c] - half - 2, L.ys[c][i] - half - 2, L.size + 4, L.size + 4);
    else { ctx.beginPath(); ctx.arc(L.xs[c], L.ys[c][i], half + 2, 0, 2 * Math.PI); ctx.stroke(); }
  };
  ctx.strokeStyle = rgba(INK);
  if (h.kind === 'edge' && w !== undefined) {
    const g = L.edges;
    const e = h.edge;
    const code = L.eCode[e];
    const width = code === 255 ? 1 : lineStyle(L, code % LEVELS, 0).width;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(g[e * 4], g[e * 4 + 1]);
    ctx.lineTo(g[e * 4 + 2], g[e * 4 + 3]);
    ctx.lineWidth = width + 3;
    ctx.strokeStyle = rgba(INK);
    ctx.stroke();
    ctx.lineWidth = Math.max(1, width);
    ctx.strokeStyle = rgba(w > 0 ? POS : w < 0 ? NEG : MID);
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = rgba(INK);
    const l = L.eLayer[e];
    ring(l - 1, l === 1 ? inRow[L.eFrom[e]] : L.eFrom[e]);
    ring(l, L.eTo[e]);
  } else if (h.kind === 'node') {
    ctx.lineWidth = 2;
    ring(h.column, h.index);
  }
}
