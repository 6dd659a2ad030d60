// netthumbs.mjs - the network diagram's thumbnails: for a 2-D input plane,
// each neuron's output over a cells × cells grid of the plane, painted on the
// diverging scale into one atlas canvas (a row per column of the diagram)
// that the diagram copies each node's tile from. The inputs' column is the
// grid's features (with plane.pictures, every feature on offer, in use or
// not); every layer's outputs come from the model (the worker's
// layerOutputs for the grid's rows, given with setOutputs): nothing here
// computes what a neuron computes.

import { diverging, INK, WHITE, rgba } from './palette.mjs';
import { MAX_SHOWN } from './netlayout.mjs';

const WORK_BUDGET = 4e6;     // multiply-adds of the model's pass over the grid, at most (but 8 × 8 cells at least)

/** 256 entries of the scale as RGBA pixels for a Uint32Array view of ImageData (little-endian byte order). */
const LUT = new Uint32Array(256);
{
  const probe = new Uint8Array(new Uint32Array([0x01020304]).buffer);
  const little = probe[0] === 4;
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = diverging(i / 255).map(Math.round);
    LUT[i] = little ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  }
}
const lutIndex = (t) => (t > 0 ? (t < 1 ? (t * 255 + 0.5) | 0 : 255) : t === t ? 0 : 128);

/**
 * How a neuron's values v (unit i of `units`, over N cells) map to the
 * colour scale [0, 1], as t = v·k + b0: sigmoid as it is (orange 0 to blue
 * 1, as the plane view), softmax and tanh from [-1, 1], the rest by the
 * largest |value| of the neuron over the grid (0 white).
 */
export function tone(act, v, units, i, N) {
  if (act === 'sigmoid') return { k: 1, b0: 0 };
  if (act === 'tanh' || act === 'softmax') return { k: 0.5, b0: 0.5 };
  let m = 0;
  for (let p = 0; p < N; p++) {
    const a = Math.abs(v[p * units + i]);
    if (a > m) m = a;
  }
  return { k: m > 1e-12 && m !== Infinity ? 0.5 / m : 0, b0: 0.5 };
}

export class NeuronThumbs {
  plane = null;
  cells = 0;                 // the grid actually used: fewer cells for very big nets
  fresh = false;             // the atlas shows the latest outputs
  #cellsWanted = 0;
  #values = [];              // per column: Float32Array(cells² × units), column 0 the grid's inputs
  #pictures = null;          // with plane.pictures: every feature on offer over the grid (cells² × rows)
  #rows = 0;
  #outputs = false;          // whether columns 1.. hold the model's outputs
  #atlas = null;             // canvas of all thumbnails, one row per column
  #atlasImage = null;
  #atlasPixels = null;

  /** plane: { featurize(a, b), domain: [lo, hi], cells, pictures?(a, b) } or null (checked). */
  setPlane(plane) {
    if (plane != null) {
      if (typeof plane.featurize !== 'function') throw new TypeError('NetworkDiagram.setPlane: plane.featurize(a, b) must be a function');
      if (plane.pictures != null && typeof plane.pictures !== 'function') throw new TypeError('NetworkDiagram.setPlane: plane.pictures(a, b) must be a function');
      const [lo, hi] = plane.domain ?? [];
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new TypeError('NetworkDiagram.setPlane: plane.domain must be [lo, hi] with lo < hi');
    }
    this.plane = plane ?? null;
    this.#cellsWanted = plane ? Math.max(2, Math.min(64, Math.round(plane.cells ?? 16))) : 0;
    this.fresh = false;
  }

  /** Forgets the values (a new architecture, or the diagram removed). */
  clear() {
    this.#values = [];
    this.#outputs = false;
  }

  /** The grid's rows (cells² × inputs, row 0 the top), to ask the model for its layers' outputs; null without a plane. */
  get inputs() {
    return this.plane && this.#values[0] ? this.#values[0] : null;
  }

  /**
   * Each layer's outputs over the grid (one Float32Array of cells² × units per
   * layer after the input, as the model's layerOutputs gives them for inputs);
   * false if they do not fit the grid and the architecture sizes.
   */
  setOutputs(outputs, sizes) {
    const N = this.cells * this.cells;
    if (!this.plane || !Array.isArray(outputs) || outputs.length !== sizes.length - 1 ||
      !outputs.every((o, l) => o && o.length === N * sizes[l + 1])) return false;
    outputs.forEach((o, l) => { this.#values[l + 1] = Float32Array.from(o); });
    this.#outputs = true;
    this.fresh = false;
    return true;
  }

  /** Whether the layers' outputs are there to draw. */
  get hasOutputs() { return this.#outputs; }

  /**
   * The grid's input features, once per plane (and architecture), and with
   * plane.pictures the `rows` features on offer; doc makes the atlas where
   * there is no OffscreenCanvas.
   */
  build(sizes, doc, rows) {
    const { plane } = this;
    const s = sizes;
    if (!plane) {
      this.#values = [];
      this.#pictures = null;
      return;
    }
    // The model's pass costs cells² × (the weights); past WORK_BUDGET the grid gets coarser, down to 8 × 8.
    let weights = 0;
    for (let l = 1; l < s.length; l++) weights += s[l - 1] * s[l];
    const g = Math.min(this.#cellsWanted, Math.max(8, Math.floor(Math.sqrt(WORK_BUDGET / weights))));
    this.cells = g;
    const N = g * g;
    const inputs = s[0];
    this.#values = s.map((k) => new Float32Array(N * k));
    this.#outputs = false;
    const x = this.#values[0];
    const [lo, hi] = plane.domain;
    const step = (hi - lo) / g;
    for (let r = 0; r < g; r++) {
      const b = hi - (r + 0.5) * step;
      for (let c = 0; c < g; c++) {
        const a = lo + (c + 0.5) * step;
        const f = plane.featurize(a, b);
        if (!f || f.length < inputs) throw new TypeError(`NetworkDiagram: plane.featurize(a, b) must return ${inputs} features, got ${f && f.length}`);
        const o = (r * g + c) * inputs;
        for (let i = 0; i < inputs; i++) x[o + i] = f[i];
      }
    }
    this.#pictures = null;
    this.#rows = inputs;
    if (plane.pictures) {
      this.#rows = rows;
      const pics = new Float32Array(N * rows);
      for (let r = 0; r < g; r++) {
        for (let c = 0; c < g; c++) {
          const f = plane.pictures(lo + (c + 0.5) * step, hi - (r + 0.5) * step);
          if (!f || f.length < rows) throw new TypeError(`NetworkDiagram: plane.pictures(a, b) must return ${rows} values, got ${f && f.length}`);
          pics.set(f.subarray ? f.subarray(0, rows) : f.slice(0, rows), (r * g + c) * rows);
        }
      }
      this.#pictures = pics;
    }
    const tile = g + 2;
    const aw = tile * MAX_SHOWN;
    const ah = tile * s.length;
    if (!this.#atlas || this.#atlas.width !== aw || this.#atlas.height !== ah) {
      this.#atlas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(aw, ah)
        : Object.assign(doc.createElement('canvas'), { width: aw, height: ah });
      this.#atlasImage = new ImageData(aw, ah);
      this.#atlasPixels = new Uint32Array(this.#atlasImage.data.buffer);
    }
    this.fresh = false;
  }

  /** Paints the thumbnails of the net {sizes, acts, shown}: the inputs, and the layers once their outputs are given. */
  update({ sizes, acts, shown }) {
    const s = sizes;
    const g = this.cells;
    const N = g * g;
    const tile = g + 2;
    const aw = tile * MAX_SHOWN;
    const px = this.#atlasPixels;
    const columns = this.#outputs ? s.length : 1;
    for (let c = 0; c < columns; c++) {
      const pictures = c === 0 && this.#pictures;
      const v = pictures || this.#values[c];
      const units = pictures ? this.#rows : s[c];
      const count = pictures ? this.#rows : shown[c];
      const act = c === 0 ? 'linear' : acts[c - 1];
      for (let i = 0; i < count; i++) {
        const { k, b0 } = tone(act, v, units, i, N);
        const ox = i * tile + 1;
        const oy = c * tile + 1;
        for (let r = 0; r < g; r++) {
          const row = (oy + r) * aw + ox;
          const vo = r * g * units + i;
          for (let col = 0; col < g; col++) px[row + col] = LUT[lutIndex(v[vo + col * units] * k + b0)];
          px[row - 1] = px[row];              // the border repeats the edge, for clean smoothing
          px[row + g] = px[row + g - 1];
        }
        const first = (oy - 1) * aw + ox - 1;
        px.copyWithin(first, first + aw, first + aw + tile);
        const last = (oy + g) * aw + ox - 1;
        px.copyWithin(last, last - aw, last - aw + tile);
      }
    }
    const actx = this.#atlas.getContext('2d');
    actx.putImageData(this.#atlasImage, 0, 0);
    this.fresh = true;
  }

  /** Whether there is an atlas to draw from. */
  get ready() { return !!this.plane && !!this.#atlas; }

  /** A copy of one neuron's values over the grid (row 0 the top, highest b), or null; column 0 by row. */
  grid(column, index, units) {
    if (column === 0 && this.#pictures) {
      units = this.#rows;
      if (!(index >= 0 && index < units)) return null;
    }
    const v = column === 0 && this.#pictures ? this.#pictures : this.#values[column];
    if (!v) return null;
    const n = this.cells * this.cells;
    const out = new Float32Array(n);
    for (let p = 0; p < n; p++) out[p] = v[p * units + index];
    return out;
  }

  /** Draws each shown node's tile in layout L; a column without values (no outputs yet) as blank tiles. */
  draw(ctx, L, shown) {
    const hasOutputs = this.#outputs;
    const g = this.cells;
    const tile = g + 2;
    const half = L.size / 2;
    ctx.imageSmoothingEnabled = true;
    ctx.lineWidth = 1;
    ctx.strokeStyle = rgba(INK, 0.45);
    for (let c = 0; c < shown.length; c++) {
      const have = c === 0 || hasOutputs;
      const count = c === 0 ? L.ys[0].length : shown[c];
      for (let i = 0; i < count; i++) {
        const x = L.xs[c] - half;
        const y = L.ys[c][i] - half;
        if (have) ctx.drawImage(this.#atlas, i * tile + 1, c * tile + 1, g, g, x, y, L.size, L.size);
        else { ctx.fillStyle = rgba(WHITE); ctx.fillRect(x, y, L.size, L.size); }
        ctx.strokeRect(Math.round(x) - 0.5, Math.round(y) - 0.5, Math.round(L.size) + 1, Math.round(L.size) + 1);
      }
    }
  }
}
