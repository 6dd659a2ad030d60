// netlayout.mjs - where the network diagram (netdiagram.mjs) draws things:
// the columns of nodes, their size and spacing for the width, the captions,
// the "+N more" markers and the weight lines among the drawn nodes; the band
// above the columns for the layers' + and − buttons; and the sizes, fonts and
// line styles the drawing and the hit-testing share.

import { LABELS } from './labels.mjs';
import { FAMILY, MUTED, NEG, POS, rgba } from './palette.mjs';

export const MAX_SHOWN = 32;        // nodes drawn per column; the rest are summed up as "+N more"
export const LEVELS = 12;           // weight magnitudes are drawn in this many widths / opacities
export const ZERO = 2 * LEVELS;     // the code of a weight of exactly 0: a faint grey hairline
const MAX_COLUMN_HEIGHT = 440;
export const BAND = 28;             // the band above the columns for the + and − buttons, when the units can be edited
export const LABEL_FONT = `12px ${FAMILY}`;
export const SMALL_FONT = `11px ${FAMILY}`;
export const CAPTION_LINE = 14;

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
export const subscript = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The diagram's text alternative (its aria-label): the columns, their units and activations. */
export function describeNet(s, acts, inputNames) {
  const parts = [`${plural(s[0], 'input')} (${inputNames.join(', ')})`];
  for (let l = 1; l < s.length; l++) parts.push(`${s[l]} ${acts[l - 1]}${l === s.length - 1 ? ` ${s[l] === 1 ? 'output' : 'outputs'}` : ''}`);
  const hidden = s.length - 2;
  const big = s.some((n) => n > MAX_SHOWN) ? ` Columns show the first ${MAX_SHOWN} neurons of larger layers.` : '';
  return `Network diagram, ${hidden === 0 ? 'no hidden layers' : plural(hidden, 'hidden layer')}: ${parts.join(' → ')}.` +
    ` Lines are the weights: blue positive, orange negative, thicker for larger values.${big}` +
    ' Arrow keys step through the neurons and weights.';
}

/** The largest finite |weight| and |bias| of weights (per layer {kernel, bias}), which the line widths and node colours scale to. */
export function weightRange(weights) {
  let maxAbs = 0;
  let maxBias = 0;
  for (const { kernel, bias } of weights) {
    for (let i = 0; i < kernel.length; i++) {
      const v = Math.abs(kernel[i]);
      if (v > maxAbs && v !== Infinity) maxAbs = v;
    }
    for (let i = 0; bias && i < bias.length; i++) {
      const v = Math.abs(bias[i]);
      if (v > maxBias && v !== Infinity) maxBias = v;
    }
  }
  return { maxAbs, maxBias };
}

/** The distance from (px, py) to the segment (x1, y1)-(x2, y2). */
export function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = dx * dx + dy * dy;
  let t = len > 0 ? ((px - x1) * dx + (py - y1) * dy) / len : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = x1 + t * dx - px;
  const ey = y1 + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** A weight line's width and colour in layout L: sign 0 negative, 1 positive, 2 zero. */
export function lineStyle(L, level, sign) {
  const u = (level + 0.5) / LEVELS;
  return {
    width: 0.5 + (L.maxWidth - 0.5) * u,
    colour: sign === 2 ? rgba(MUTED, 0.25) : rgba(sign ? POS : NEG, 0.08 + 0.92 * u ** 1.5),
  };
}

/**
 * The layout of a diagram W CSS px wide at the pixel ratio: sizes [inputs,
 * ...hidden, outputs], shown (nodes drawn per column), acts (per layer),
 * inRows (the input column's rows: their names, and which model input each
 * row is, -1 for a feature not in use; model input i is row inRow[i]), the
 * output names, plane (thumbnails: bigger nodes), band (room above the
 * columns for buttons); ctx measures the text.
 */
export function layoutDiagram(ctx, { sizes, shown, acts, inRows, inRow, outputNames, plane, band = false }, W, ratio) {
  const s = sizes;
  const n = s.length;
  ctx.font = LABEL_FONT;
  let inW = 0;
  for (const r of inRows) inW = Math.max(inW, ctx.measureText(r.name).width);
  let outW = 0;
  for (let i = 0; i < shown[n - 1]; i++) outW = Math.max(outW, ctx.measureText(outputNames[i]).width);
  // Room for the names, and for the first and last columns' captions, centred under nodes at least 7 px wide.
  ctx.font = SMALL_FONT;
  const capHalf = (t) => Math.ceil(ctx.measureText(t).width / 2) - 3;
  const padL = Math.max(Math.ceil(inW) + 10, capHalf(plural(s[0], 'input')));
  const padR = Math.max(Math.ceil(outW) + 10, capHalf(`${s[n - 1]} ${acts[n - 2]}`));
  const rows = shown.map((k, c) => (c === 0 ? inRows.length : k + (s[c] > k ? 1 : 0)));
  const maxRows = Math.max(...rows);
  const span = Math.max(40, W - padL - padR);

  // The node size: from the room between the columns, then from the height.
  let size = plane ? 40 : 18;
  size = Math.min(size, Math.floor((span * 0.42) / (n - 1 + 0.42)));
  size = Math.min(size, Math.floor(MAX_COLUMN_HEIGHT / (maxRows * 1.25)));
  size = Math.max(size, plane ? 10 : 7);
  const pitch = Math.max(size + 3, Math.round(size * 1.25));
  let gapX = (span - size) / (n - 1);
  let x0 = padL + size / 2;
  const maxGap = 260;
  if (gapX > maxGap) {
    x0 += ((gapX - maxGap) * (n - 1)) / 2;
    gapX = maxGap;
  }
  const xs = Array.from({ length: n }, (_, c) => x0 + c * gapX);
  const bandY = 4;
  const top = band ? bandY + BAND : 6;
  const colH = maxRows * pitch;
  const ys = [];
  const moreY = [];
  for (let c = 0; c < n; c++) {
    const y0 = top + (colH - rows[c] * pitch) / 2;
    const count = c === 0 ? inRows.length : shown[c];
    ys.push(Float32Array.from({ length: count }, (_, i) => y0 + pitch * (i + 0.5)));
    moreY.push(y0 + pitch * (count + 0.5));
  }

  // Captions: "16 relu" on one line if every column has the room, else two lines.
  ctx.font = SMALL_FONT;
  const room = Math.max(24, gapX - 8);
  const head = s.map((k, c) => (c === 0 ? plural(k, 'input') : `${k} ${acts[c - 1]}`));
  let captions;
  if (head.every((t) => ctx.measureText(t).width <= room)) {
    captions = head.map((t) => [t]);
  } else {
    captions = s.map((k, c) => {
      const word = c === 0 ? (k === 1 ? 'input' : 'inputs') : acts[c - 1];
      return [String(k), ctx.measureText(word).width <= room ? word : c === 0 ? 'in' : LABELS.activationShort[word]];
    });
  }
  const lines = Math.max(...captions.map((c) => c.length));
  const captionY = top + colH + 6;
  const H = Math.ceil(captionY + lines * CAPTION_LINE + 4);

  // "+N more" markers: short if the column is narrow.
  const more = s.map((k, c) => {
    if (k <= shown[c] || (c === 0 && inRows.length !== shown[0])) return null;
    const long = `+${k - shown[c]} more`;
    return ctx.measureText(long).width <= Math.max(gapX - 6, size + 8) ? long : `+${k - shown[c]}`;
  });

  // The weight lines among the drawn nodes, from a node's right edge to the next one's left edge.
  let E = 0;
  for (let c = 1; c < n; c++) E += shown[c - 1] * shown[c];
  const edges = new Float32Array(E * 4);
  const eLayer = new Uint8Array(E);
  const eFrom = new Uint16Array(E);
  const eTo = new Uint16Array(E);
  const layerStart = [0, 0];
  let e = 0;
  const half = size / 2;
  for (let c = 1; c < n; c++) {
    for (let i = 0; i < shown[c - 1]; i++) {
      for (let j = 0; j < shown[c]; j++) {
        edges[e * 4] = xs[c - 1] + half;
        edges[e * 4 + 1] = ys[c - 1][c === 1 ? inRow[i] : i];
        edges[e * 4 + 2] = xs[c] - half;
        edges[e * 4 + 3] = ys[c][j];
        eLayer[e] = c;
        eFrom[e] = i;
        eTo[e] = j;
        e++;
      }
    }
    layerStart.push(e);
  }

  return {
    w: W, h: H, ratio, size, pitch, xs, ys, moreY, more, captions, captionY, gapX, bandY: band ? bandY : null,
    edges, eLayer, eFrom, eTo, layerStart, eCode: new Uint8Array(E),
    maxWidth: Math.max(1.5, Math.min(6, size * 0.2, gapX / 22)),
  };
}
