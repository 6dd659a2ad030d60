// netthumbs.mjs - the network diagram's thumbnails: for a 2-D input plane,
// each neuron's output over a cells × cells grid of the plane, painted on the
// diverging scale into one atlas canvas (a row per column of the diagram)
// that the diagram copies each node's tile from.

import { diverging, INK, WHITE, rgba } from './palette.mjs';
import { MAX_SHOWN } from './netlayout.mjs';

const WORK_BUDGET = 4e6;     // multiply-adds per forward pass over the grid, at most (but 8 × 8 cells at least)
const THUMB_BUDGET_MS = 6;   // a forward pass slower than this is redone at most every 8× its time

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

export class NeuronThumbs {
  plane = null;
  cells = 0;                 // the grid actually used: fewer cells for very big nets
  fresh = false;             // the atlas shows the current weights
  #cellsWanted = 0;
  #values = [];              // per column: Float32Array(cells² × units), column 0 the grid's inputs
  #atlas = null;             // canvas of all thumbnails, one row per column
  #atlasImage = null;
  #atlasPixels = null;
  #forwardMs = 0;
  #forwardAt = -Infinity;
  #timer = 0;

  /** plane: { featurize(a, b), domain: [lo, hi], cells, inputScaler } or null (checked). */
  setPlane(plane) {
    if (plane != null) {
      if (typeof plane.featurize !== 'function') throw new TypeError('NetworkDiagram.setPlane: plane.featurize(a, b) must be a function');
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
  }

  /** The grid's input features, once per plane (and architecture); doc makes the atlas where there is no OffscreenCanvas. */
  build(sizes, doc) {
    const { plane } = this;
    const s = sizes;
    if (!plane) {
      this.#values = [];
      return;
    }
    // A forward pass costs cells² × (the weights); past WORK_BUDGET the grid gets coarser, down to 8 × 8.
    let weights = 0;
    for (let l = 1; l < s.length; l++) weights += s[l - 1] * s[l];
    const g = Math.min(this.#cellsWanted, Math.max(8, Math.floor(Math.sqrt(WORK_BUDGET / weights))));
    this.cells = g;
    const N = g * g;
    const inputs = s[0];
    this.#values = s.map((k) => new Float32Array(N * k));
    const x = this.#values[0];
    const [lo, hi] = plane.domain;
    const scaler = plane.inputScaler;
    const step = (hi - lo) / g;
    for (let r = 0; r < g; r++) {
      const b = hi - (r + 0.5) * step;
      for (let c = 0; c < g; c++) {
        const a = lo + (c + 0.5) * step;
        const f = plane.featurize(a, b);
        if (!f || f.length < inputs) throw new TypeError(`NetworkDiagram: plane.featurize(a, b) must return ${inputs} features, got ${f && f.length}`);
        const o = (r * g + c) * inputs;
        for (let i = 0; i < inputs; i++) x[o + i] = scaler ? (f[i] - scaler.mean[i]) / scaler.std[i] : f[i];
      }
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

  /** The forward pass over the grid, every unit of every layer (Float32, as the model). */
  #forward(sizes, weights, acts, alphas) {
    const s = sizes;
    const N = this.cells * this.cells;
    const W = weights;
    let a = this.#values[0];
    let nin = s[0];
    for (let l = 1; l < s.length; l++) {
      const out = s[l];
      const z = this.#values[l];
      const K = W[l - 1].kernel;
      const bias = W[l - 1].bias;
      for (let p = 0; p < N; p++) {
        const zo = p * out;
        const ao = p * nin;
        if (bias) for (let j = 0; j < out; j++) z[zo + j] = bias[j];
        else z.fill(0, zo, zo + out);
        for (let i = 0; i < nin; i++) {
          const ai = a[ao + i];
          if (ai === 0) continue;
          const ko = i * out;
          for (let j = 0; j < out; j++) z[zo + j] += ai * K[ko + j];
        }
      }
      const n = N * out;
      switch (acts[l - 1]) {
        case 'relu':
          for (let k = 0; k < n; k++) if (z[k] < 0) z[k] = 0;
          break;
        case 'leaky_relu': {
          const alpha = alphas[l - 1];
          for (let k = 0; k < n; k++) if (z[k] < 0) z[k] *= alpha;
          break;
        }
        case 'tanh':
          for (let k = 0; k < n; k++) z[k] = Math.tanh(z[k]);
          break;
        case 'sigmoid':
          for (let k = 0; k < n; k++) z[k] = 1 / (1 + Math.exp(-z[k]));
          break;
        case 'softmax':
          for (let p = 0; p < N; p++) {
            const o = p * out;
            let m = -Infinity;
            for (let j = 0; j < out; j++) if (z[o + j] > m) m = z[o + j];
            let sum = 0;
            for (let j = 0; j < out; j++) { z[o + j] = Math.exp(z[o + j] - m); sum += z[o + j]; }
            for (let j = 0; j < out; j++) z[o + j] /= sum;
          }
          break;
        default: // linear
      }
      a = z;
      nin = out;
    }
  }

  /**
   * Recomputes the thumbnails of the net {sizes, acts, alphas, shown} with
   * weights (null: the inputs only), unless the last forward pass was slow and
   * recent: then later, calling later() when it is time.
   */
  update({ sizes, acts, alphas, shown }, weights, later) {
    if (weights) {
      const now = performance.now();
      const wait = this.#forwardMs > THUMB_BUDGET_MS ? this.#forwardAt + this.#forwardMs * 8 - now : 0;
      if (wait > 0) {
        if (!this.#timer) {
          this.#timer = setTimeout(() => { this.#timer = 0; later(); }, wait);
        }
        return;
      }
      this.#forward(sizes, weights, acts, alphas);
      this.#forwardAt = performance.now();
      this.#forwardMs = this.#forwardAt - now;
    }
    const s = sizes;
    const g = this.cells;
    const N = g * g;
    const tile = g + 2;
    const aw = tile * MAX_SHOWN;
    const px = this.#atlasPixels;
    const columns = weights ? s.length : 1;
    for (let c = 0; c < columns; c++) {
      const v = this.#values[c];
      const units = s[c];
      const act = c === 0 ? 'linear' : acts[c - 1];
      for (let i = 0; i < shown[c]; i++) {
        // value -> t in [0, 1]: sigmoid as it is (orange 0 to blue 1, as the plane view), softmax from white
        // (0) to blue (1) as one class among many is mostly below 0.5, tanh from [-1, 1], the rest by the
        // largest |value| of the neuron over the grid (0 white)
        let k = 1;
        let b0 = 0;
        if (act === 'tanh') { k = 0.5; b0 = 0.5; } else if (act === 'softmax') { k = 0.5; b0 = 0.5; } else if (act !== 'sigmoid') {
          let m = 0;
          for (let p = 0; p < N; p++) {
            const a = Math.abs(v[p * units + i]);
            if (a > m) m = a;
          }
          k = m > 1e-12 && m !== Infinity ? 0.5 / m : 0;
          b0 = 0.5;
        }
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

  /** A copy of one neuron's values over the grid (row 0 the top, highest b), or null. */
  grid(column, index, units) {
    const v = this.#values[column];
    if (!v) return null;
    const n = this.cells * this.cells;
    const out = new Float32Array(n);
    for (let p = 0; p < n; p++) out[p] = v[p * units + index];
    return out;
  }

  /** Draws each shown node's tile in layout L; a column without values (no weights yet) as blank tiles. */
  draw(ctx, L, shown, hasWeights) {
    const g = this.cells;
    const tile = g + 2;
    const half = L.size / 2;
    ctx.imageSmoothingEnabled = true;
    ctx.lineWidth = 1;
    ctx.strokeStyle = rgba(INK, 0.45);
    for (let c = 0; c < shown.length; c++) {
      const have = c === 0 || hasWeights;
      for (let i = 0; i < shown[c]; i++) {
        const x = L.xs[c] - half;
        const y = L.ys[c][i] - half;
        if (have) ctx.drawImage(this.#atlas, i * tile + 1, c * tile + 1, g, g, x, y, L.size, L.size);
        else { ctx.fillStyle = rgba(WHITE); ctx.fillRect(x, y, L.size, L.size); }
        ctx.strokeRect(Math.round(x) - 0.5, Math.round(y) - 0.5, Math.round(L.size) + 1, Math.round(L.size) + 1);
      }
    }
  }

  /** Stops a pending recomputation. */
  stop() {
    clearTimeout(this.#timer);
  }
}
