// netdiagram.mjs - the network view: the neurons as nodes in columns (the input
// features, each hidden layer, the outputs) and the weights as lines between
// them, blue for positive and orange for negative, thicker and darker the
// larger they are. With a 2-D input plane, each node shows a small heatmap of
// what that neuron computes over the plane, from a forward pass done here in
// JS over a cells × cells grid. Hovering (or arrow keys when focused) shows a
// weight's or a bias's exact value.
//
// Plain browser ES module, no dependencies. Everything is drawn on a canvas
// (with a second canvas on top for the hover highlight); the only other
// element is the tooltip. Styles are inline, so no CSS is needed; the class
// names netdiagram, netdiagram-canvas and netdiagram-tip allow overrides.
//
//   const d = new NetworkDiagram(container);
//   d.setArchitecture({ sizes: [2, 16, 16, 1], inputNames: ['x₁', 'x₂'], activations: ['relu', 'relu', 'sigmoid'] });
//   d.setPlane({ featurize: (a, b) => Float32Array.of(a / 6, b / 6), domain: [-6, 6], cells: 16 });
//   d.setWeights(model.getWeights());   // marks dirty
//   d.draw();                           // or let it draw itself on the next animation frame

/** The diverging scale of plots.mjs: orange (low, negative, class 0) - white - blue (high, positive, class 1). */
const NEG = [232, 113, 10];
const MID = [250, 250, 250];
const POS = [23, 105, 170];
const INK = '#1d2430';
const MUTED = '#5b6573';

function diverging(t) {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const [a, b, k] = u < 0.5 ? [NEG, MID, u * 2] : [MID, POS, (u - 0.5) * 2];
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}
const rgba = ([r, g, b], alpha = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;

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

const ACTIVATIONS = new Set(['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear', 'softmax']);
/** Short names for captions in narrow columns. */
const SHORT = { relu: 'relu', leaky_relu: 'leaky', tanh: 'tanh', sigmoid: 'sigm', linear: 'lin', softmax: 'smax' };

const MAX_SHOWN = 12;        // nodes drawn per column; the rest are summed up as "+N more"
const LEVELS = 12;           // weight magnitudes are drawn in this many widths / opacities
const ZERO = 2 * LEVELS;     // the code of a weight of exactly 0: a faint grey hairline
const MAX_COLUMN_HEIGHT = 440;
const LABEL_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const SMALL_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CAPTION_LINE = 14;
const WORK_BUDGET = 4e6;     // multiply-adds per forward pass over the grid, at most (but 8 × 8 cells at least)
const THUMB_BUDGET_MS = 6;   // a forward pass slower than this is redone at most every 8× its time

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/** The distance from (px, py) to the segment (x1, y1)-(x2, y2). */
function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = dx * dx + dy * dy;
  let t = len > 0 ? ((px - x1) * dx + (py - y1) * dy) / len : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = x1 + t * dx - px;
  const ey = y1 + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

export class NetworkDiagram {
  #container;
  #wrap;
  #canvas;
  #overlay;
  #tip;
  #ro = null;
  #added = [];               // attributes set on the container, removed by destroy()
  #listeners = [];

  // architecture
  #sizes = null;
  #inputNames = [];
  #outputNames = [];
  #acts = [];
  #alphas = [];
  #shown = [];

  // weights
  #weights = null;
  #maxAbs = 0;
  #maxBias = 0;

  // plane and the forward pass over its grid
  #plane = null;
  #cellsWanted = 0;
  #cells = 0;                // the grid actually used: fewer cells for very big nets
  #values = [];              // per column: Float32Array(cells² × units), column 0 the grid's inputs
  #atlas = null;             // canvas of all thumbnails, one row per column
  #atlasImage = null;
  #atlasPixels = null;
  #thumbsFresh = false;
  #forwardMs = 0;
  #forwardAt = -Infinity;
  #thumbTimer = 0;

  // state of the drawing
  #layout = null;
  #dirty = true;
  #layoutDirty = true;
  #gridDirty = true;
  #raf = 0;
  #hover = null;             // the item under the pointer or under keyboard focus
  #keyboard = null;          // { level, index } while navigating with the keys
  #destroyed = false;

  /** container: an element the diagram fills (its width; the height is set to fit). */
  constructor(container) {
    if (!container || typeof container.appendChild !== 'function') throw new TypeError('NetworkDiagram: container must be an element');
    this.#container = container;
    const doc = container.ownerDocument;
    this.#wrap = doc.createElement('div');
    this.#wrap.className = 'netdiagram';
    this.#wrap.style.cssText = 'position:relative;width:100%;min-width:0;';
    this.#canvas = doc.createElement('canvas');
    this.#canvas.className = 'netdiagram-canvas';
    this.#canvas.style.cssText = 'display:block;width:100%;height:0;';
    this.#overlay = doc.createElement('canvas');
    this.#overlay.style.cssText = 'position:absolute;left:0;top:0;width:100%;height:0;pointer-events:none;';
    this.#tip = doc.createElement('div');
    this.#tip.className = 'netdiagram-tip';
    this.#tip.setAttribute('aria-hidden', 'true');
    this.#tip.style.cssText = 'position:absolute;left:0;top:0;display:none;pointer-events:none;z-index:2;' +
      `background:${INK};color:#fff;font:12px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;` +
      'padding:4px 8px;border-radius:5px;white-space:nowrap;box-shadow:0 2px 8px rgba(0,0,0,.2);font-variant-numeric:tabular-nums;';
    this.#wrap.append(this.#canvas, this.#overlay, this.#tip);
    container.appendChild(this.#wrap);

    this.#setAttr('role', 'img');
    this.#setAttr('aria-label', 'Network diagram');
    if (!container.hasAttribute('tabindex')) this.#setAttr('tabindex', '0');

    const on = (el, type, fn) => { el.addEventListener(type, fn); this.#listeners.push([el, type, fn]); };
    on(this.#canvas, 'pointermove', (e) => this.#pointer(e));
    on(this.#canvas, 'pointerdown', (e) => this.#pointer(e));
    on(this.#canvas, 'pointerleave', () => { if (!this.#keyboard) this.#setHover(null); });
    on(container, 'keydown', (e) => this.#key(e));
    on(container, 'blur', () => { this.#keyboard = null; this.#setHover(null); });

    if (typeof ResizeObserver === 'function') {
      this.#ro = new ResizeObserver(() => {
        if (this.#layout && this.#wrap.clientWidth === this.#layout.w) return;
        this.#layoutDirty = true;
        this.#schedule();
      });
      this.#ro.observe(container);
    }
  }

  /**
   * sizes: [inputs, ...hidden units, outputs]; inputNames: one label per input;
   * activations: one per layer after the input; alpha: leaky_relu's slope for
   * x < 0 (a number, or one per layer; default 0.2); outputNames: optional,
   * one label per output (default ŷ, or ŷ₁ … ŷₖ).
   */
  setArchitecture({ sizes, inputNames, activations, alpha = 0.2, outputNames } = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new TypeError(`NetworkDiagram.setArchitecture: sizes must be [inputs, ...hidden, outputs], positive integers; got ${JSON.stringify(sizes)}`);
    }
    const layers = sizes.length - 1;
    if (!Array.isArray(activations) || activations.length !== layers || !activations.every((a) => ACTIVATIONS.has(a))) {
      throw new TypeError(`NetworkDiagram.setArchitecture: activations must be ${layers} of ${[...ACTIVATIONS].join(', ')}; got ${JSON.stringify(activations)}`);
    }
    const inputs = sizes[0];
    const outputs = sizes[layers];
    this.#sizes = sizes.slice();
    this.#acts = activations.slice();
    this.#alphas = activations.map((_, l) => {
      const a = Array.isArray(alpha) ? alpha[l] : alpha;
      return Number.isFinite(a) ? a : 0.2;
    });
    this.#inputNames = Array.from({ length: inputs }, (_, i) => (inputNames && inputNames[i] != null ? String(inputNames[i]) : `x${subscript(i + 1)}`));
    this.#outputNames = Array.from({ length: outputs }, (_, i) => (outputNames && outputNames[i] != null
      ? String(outputNames[i]) : outputs === 1 ? 'ŷ' : `ŷ${subscript(i + 1)}`));
    this.#shown = sizes.map((n) => Math.min(n, MAX_SHOWN));
    if (this.#weights && !this.#fits(this.#weights)) this.#weights = null;
    this.#values = [];
    this.#keyboard = null;
    this.#hover = null;
    this.#hideTip();
    this.#setAttr('aria-label', this.#summary());
    this.#layoutDirty = true;
    this.#gridDirty = true;
    this.#touch();
  }

  /**
   * weights as Model.getWeights() returns them: per layer { kernel: [in][out]
   * row-major, bias: [out] or null }. Weights that do not fit the architecture
   * (e.g. late from a model just replaced) are ignored: returns false.
   * The arrays are kept, not copied: pass fresh ones (getWeights() does).
   */
  setWeights(weights) {
    if (!this.#sizes || !this.#fits(weights)) return false;
    this.#weights = weights;
    let maxAbs = 0;
    let maxBias = 0;
    for (const { kernel, bias } of weights) {
      for (let i = 0; i < kernel.length; i++) {
        const v = Math.abs(kernel[i]);
        if (v > maxAbs && v !== Infinity) maxAbs = v;
      }
      if (bias) {
        for (let i = 0; i < bias.length; i++) {
          const v = Math.abs(bias[i]);
          if (v > maxBias && v !== Infinity) maxBias = v;
        }
      }
    }
    this.#maxAbs = maxAbs;
    this.#maxBias = maxBias;
    this.#thumbsFresh = false;
    this.#touch();
    return true;
  }

  /**
   * plane: { featurize(a, b) -> the model's input features for the point (a, b),
   * domain: [lo, hi] (both axes), cells: grid per side (default 16),
   * inputScaler: optional { mean, std }, applied as (x - mean) / std after
   * featurize }; or null: no thumbnails, the nodes are circles coloured by
   * their bias.
   */
  setPlane(plane) {
    if (plane != null) {
      if (typeof plane.featurize !== 'function') throw new TypeError('NetworkDiagram.setPlane: plane.featurize(a, b) must be a function');
      const [lo, hi] = plane.domain ?? [];
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new TypeError('NetworkDiagram.setPlane: plane.domain must be [lo, hi] with lo < hi');
    }
    const hadPlane = !!this.#plane;
    this.#plane = plane ?? null;
    this.#cellsWanted = plane ? Math.max(2, Math.min(64, Math.round(plane.cells ?? 16))) : 0;
    this.#gridDirty = true;
    this.#thumbsFresh = false;
    if (hadPlane !== !!this.#plane) this.#layoutDirty = true;
    this.#touch();
  }

  /** Draws now if anything changed since the last draw (cheap otherwise). */
  draw() {
    if (this.#destroyed || !this.#sizes) return;
    const width = this.#wrap.clientWidth;
    if (!width) return; // not displayed: drawn once it is (the ResizeObserver calls back)
    const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
    if (this.#layoutDirty || !this.#layout || this.#layout.w !== width || this.#layout.ratio !== ratio) {
      this.#doLayout(width, ratio);
      this.#dirty = true;
    }
    if (!this.#dirty) return;
    if (this.#gridDirty) this.#buildGrid();
    if (this.#plane && !this.#thumbsFresh) this.#updateThumbs();
    this.#render();
    this.#dirty = false;
    if (this.#hover) this.#placeTip(); // the value under the pointer may have changed
    this.#drawOverlay();
  }

  /** Removes the diagram and everything it set on the container. */
  destroy() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#raf) cancelAnimationFrame(this.#raf);
    clearTimeout(this.#thumbTimer);
    this.#ro?.disconnect();
    for (const [el, type, fn] of this.#listeners) el.removeEventListener(type, fn);
    for (const name of this.#added) this.#container.removeAttribute(name);
    this.#wrap.remove();
    this.#weights = null;
    this.#values = [];
  }

  // --- for tests and inspection -------------------------------------------

  /**
   * Where an item is drawn, in CSS px from the canvas's top left corner:
   * { column, index } a node's centre; { layer, from, to } (layer 1 links the
   * inputs to the first hidden layer) a weight line's midpoint; { column, more:
   * true } the "+N more" marker. null when not drawn.
   */
  locate(item) {
    this.draw();
    const L = this.#layout;
    if (!L || !item) return null;
    if (item.layer != null) {
      const e = this.#edgeIndex(item.layer, item.from, item.to);
      if (e < 0) return null;
      const g = L.edges;
      return { x: (g[e * 4] + g[e * 4 + 2]) / 2, y: (g[e * 4 + 1] + g[e * 4 + 3]) / 2 };
    }
    const c = item.column;
    if (!(c >= 0 && c < L.xs.length)) return null;
    if (item.more) return this.#sizes[c] > this.#shown[c] ? { x: L.xs[c], y: L.moreY[c] } : null;
    if (!(item.index >= 0 && item.index < this.#shown[c])) return null;
    return { x: L.xs[c], y: L.ys[c][item.index] };
  }

  /** A copy of one neuron's values over the plane's grid (row 0 the top, highest b), or null. */
  neuronGrid(column, index) {
    this.draw();
    const v = this.#values[column];
    if (!v || !this.#plane || (column > 0 && !this.#weights)) return null;
    const units = this.#sizes[column];
    const n = this.#cells * this.#cells;
    const out = new Float32Array(n);
    for (let p = 0; p < n; p++) out[p] = v[p * units + index];
    return out;
  }

  // --- internals --------------------------------------------------------------

  #setAttr(name, value) {
    if (!this.#added.includes(name)) this.#added.push(name);
    this.#container.setAttribute(name, value);
  }

  #fits(weights) {
    const s = this.#sizes;
    if (!Array.isArray(weights) || weights.length !== s.length - 1) return false;
    return weights.every((w, l) => w && w.kernel && w.kernel.length === s[l] * s[l + 1] &&
      (w.bias == null || w.bias.length === s[l + 1]));
  }

  #summary() {
    const s = this.#sizes;
    const parts = [`${plural(s[0], 'input')} (${this.#inputNames.join(', ')})`];
    for (let l = 1; l < s.length; l++) parts.push(`${s[l]} ${this.#acts[l - 1]}${l === s.length - 1 ? ` ${s[l] === 1 ? 'output' : 'outputs'}` : ''}`);
    const hidden = s.length - 2;
    const big = s.some((n) => n > MAX_SHOWN) ? ` Columns show the first ${MAX_SHOWN} neurons of larger layers.` : '';
    return `Network diagram, ${hidden === 0 ? 'no hidden layers' : plural(hidden, 'hidden layer')}: ${parts.join(' → ')}.` +
      ` Lines are the weights: blue positive, orange negative, thicker for larger values.${big}` +
      ' Arrow keys step through the neurons and weights.';
  }

  /** Something changed: draw on the next animation frame unless the page draws first. */
  #touch() {
    this.#dirty = true;
    this.#schedule();
  }

  #schedule() {
    if (this.#raf || this.#destroyed || typeof requestAnimationFrame !== 'function') return;
    this.#raf = requestAnimationFrame(() => {
      this.#raf = 0;
      this.draw();
    });
  }

  #doLayout(W, ratio) {
    const s = this.#sizes;
    const n = s.length;
    const plane = !!this.#plane;
    const ctx = this.#canvas.getContext('2d');
    ctx.font = LABEL_FONT;
    let inW = 0;
    for (let i = 0; i < this.#shown[0]; i++) inW = Math.max(inW, ctx.measureText(this.#inputNames[i]).width);
    let outW = 0;
    for (let i = 0; i < this.#shown[n - 1]; i++) outW = Math.max(outW, ctx.measureText(this.#outputNames[i]).width);
    const padL = Math.ceil(inW) + 10;
    const padR = Math.ceil(outW) + 10;
    const rows = this.#shown.map((k, c) => k + (s[c] > k ? 1 : 0));
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
    const top = 6;
    const colH = maxRows * pitch;
    const ys = [];
    const moreY = [];
    for (let c = 0; c < n; c++) {
      const y0 = top + (colH - rows[c] * pitch) / 2;
      ys.push(Float32Array.from({ length: this.#shown[c] }, (_, i) => y0 + pitch * (i + 0.5)));
      moreY.push(y0 + pitch * (this.#shown[c] + 0.5));
    }

    // Captions: "16 relu" on one line if every column has the room, else two lines.
    ctx.font = SMALL_FONT;
    const room = Math.max(24, gapX - 8);
    const head = s.map((k, c) => (c === 0 ? plural(k, 'input') : `${k} ${this.#acts[c - 1]}`));
    let captions;
    if (head.every((t) => ctx.measureText(t).width <= room)) {
      captions = head.map((t) => [t]);
    } else {
      captions = s.map((k, c) => {
        const word = c === 0 ? (k === 1 ? 'input' : 'inputs') : this.#acts[c - 1];
        return [String(k), ctx.measureText(word).width <= room ? word : c === 0 ? 'in' : SHORT[word]];
      });
    }
    const lines = Math.max(...captions.map((c) => c.length));
    const captionY = top + colH + 6;
    const H = Math.ceil(captionY + lines * CAPTION_LINE + 4);

    // "+N more" markers: short if the column is narrow.
    const more = s.map((k, c) => {
      if (k <= this.#shown[c]) return null;
      const long = `+${k - this.#shown[c]} more`;
      return ctx.measureText(long).width <= Math.max(gapX - 6, size + 8) ? long : `+${k - this.#shown[c]}`;
    });

    // The weight lines among the drawn nodes, from a node's right edge to the next one's left edge.
    let E = 0;
    for (let c = 1; c < n; c++) E += this.#shown[c - 1] * this.#shown[c];
    const edges = new Float32Array(E * 4);
    const eLayer = new Uint8Array(E);
    const eFrom = new Uint16Array(E);
    const eTo = new Uint16Array(E);
    const layerStart = [0, 0];
    let e = 0;
    const half = size / 2;
    for (let c = 1; c < n; c++) {
      for (let i = 0; i < this.#shown[c - 1]; i++) {
        for (let j = 0; j < this.#shown[c]; j++) {
          edges[e * 4] = xs[c - 1] + half;
          edges[e * 4 + 1] = ys[c - 1][i];
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

    this.#layout = {
      w: W, h: H, ratio, size, pitch, xs, ys, moreY, more, captions, captionY, gapX,
      edges, eLayer, eFrom, eTo, layerStart, eCode: new Uint8Array(E),
      maxWidth: Math.max(1.5, Math.min(6, size * 0.2, gapX / 22)),
    };
    for (const cv of [this.#canvas, this.#overlay]) {
      cv.style.height = `${H}px`;
      const bw = Math.round(W * ratio);
      const bh = Math.round(H * ratio);
      if (cv.width !== bw) cv.width = bw;
      if (cv.height !== bh) cv.height = bh;
    }
    this.#layoutDirty = false;
    if (this.#hover) this.#placeTip();
  }

  /** The grid's input features, once per plane (and architecture). */
  #buildGrid() {
    this.#gridDirty = false;
    const plane = this.#plane;
    const s = this.#sizes;
    if (!plane) {
      this.#values = [];
      return;
    }
    // A forward pass costs cells² × (the weights); past WORK_BUDGET the grid gets coarser, down to 8 × 8.
    let weights = 0;
    for (let l = 1; l < s.length; l++) weights += s[l - 1] * s[l];
    const g = Math.min(this.#cellsWanted, Math.max(8, Math.floor(Math.sqrt(WORK_BUDGET / weights))));
    this.#cells = g;
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
        : Object.assign(this.#wrap.ownerDocument.createElement('canvas'), { width: aw, height: ah });
      this.#atlasImage = new ImageData(aw, ah);
      this.#atlasPixels = new Uint32Array(this.#atlasImage.data.buffer);
    }
    this.#thumbsFresh = false;
  }

  /** The forward pass over the grid, every unit of every layer (Float32, as the model). */
  #forward() {
    const s = this.#sizes;
    const N = this.#cells * this.#cells;
    const W = this.#weights;
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
      switch (this.#acts[l - 1]) {
        case 'relu':
          for (let k = 0; k < n; k++) if (z[k] < 0) z[k] = 0;
          break;
        case 'leaky_relu': {
          const alpha = this.#alphas[l - 1];
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

  /** Recomputes the thumbnails, unless the last forward pass was slow and recent (then later). */
  #updateThumbs() {
    if (this.#weights) {
      const now = performance.now();
      const wait = this.#forwardMs > THUMB_BUDGET_MS ? this.#forwardAt + this.#forwardMs * 8 - now : 0;
      if (wait > 0) {
        if (!this.#thumbTimer) {
          this.#thumbTimer = setTimeout(() => { this.#thumbTimer = 0; this.#touch(); }, wait);
        }
        return;
      }
      this.#forward();
      this.#forwardAt = performance.now();
      this.#forwardMs = this.#forwardAt - now;
    }
    const s = this.#sizes;
    const g = this.#cells;
    const N = g * g;
    const tile = g + 2;
    const aw = tile * MAX_SHOWN;
    const px = this.#atlasPixels;
    const columns = this.#weights ? s.length : 1;
    for (let c = 0; c < columns; c++) {
      const v = this.#values[c];
      const units = s[c];
      const act = c === 0 ? 'linear' : this.#acts[c - 1];
      for (let i = 0; i < this.#shown[c]; i++) {
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
    this.#thumbsFresh = true;
  }

  /** A weight line's width and colour: sign 0 negative, 1 positive, 2 zero. */
  #lineStyle(level, sign) {
    const u = (level + 0.5) / LEVELS;
    return {
      width: 0.5 + (this.#layout.maxWidth - 0.5) * u,
      colour: sign === 2 ? 'rgba(91, 101, 115, 0.25)' : rgba(sign ? POS : NEG, 0.08 + 0.92 * u ** 1.5),
    };
  }

  /** 0 .. LEVELS-1 for negative weights, LEVELS .. 2·LEVELS-1 for positive, ZERO for 0, 255 for not finite (not drawn). */
  #code(w) {
    if (w === 0) return ZERO;
    if (!Number.isFinite(w)) return 255;
    const a = this.#maxAbs > 0 ? Math.abs(w) / this.#maxAbs : 0;
    return (w > 0 ? LEVELS : 0) + Math.min(LEVELS - 1, (a * LEVELS) | 0);
  }

  #weight(e) {
    const L = this.#layout;
    const l = L.eLayer[e];
    return this.#weights[l - 1].kernel[L.eFrom[e] * this.#sizes[l] + L.eTo[e]];
  }

  #render() {
    const L = this.#layout;
    const s = this.#sizes;
    const n = s.length;
    const ctx = this.#canvas.getContext('2d');
    ctx.setTransform(L.ratio, 0, 0, L.ratio, 0, 0);
    ctx.clearRect(0, 0, L.w, L.h);
    const half = L.size / 2;

    // Weights: grouped by sign and magnitude, thin and faint first.
    if (this.#weights) {
      const E = L.eCode.length;
      const g = L.edges;
      let used = 0;
      for (let e = 0; e < E; e++) {
        const code = this.#code(this.#weight(e));
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
          const { width, colour } = this.#lineStyle(level, sign);
          ctx.lineWidth = width;
          ctx.strokeStyle = colour;
          ctx.stroke();
        }
      }
    }

    // Nodes: thumbnails of the neuron over the plane, or circles coloured by the bias.
    const plane = !!this.#plane && this.#atlas;
    if (plane) {
      const g = this.#cells;
      const tile = g + 2;
      ctx.imageSmoothingEnabled = true;
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(29, 36, 48, 0.45)';
      for (let c = 0; c < n; c++) {
        const have = c === 0 || this.#weights;
        for (let i = 0; i < this.#shown[c]; i++) {
          const x = L.xs[c] - half;
          const y = L.ys[c][i] - half;
          if (have) ctx.drawImage(this.#atlas, i * tile + 1, c * tile + 1, g, g, x, y, L.size, L.size);
          else { ctx.fillStyle = '#fff'; ctx.fillRect(x, y, L.size, L.size); }
          ctx.strokeRect(Math.round(x) - 0.5, Math.round(y) - 0.5, Math.round(L.size) + 1, Math.round(L.size) + 1);
        }
      }
    } else {
      ctx.lineWidth = 1.25;
      for (let c = 0; c < n; c++) {
        const bias = c > 0 && this.#weights ? this.#weights[c - 1].bias : null;
        for (let i = 0; i < this.#shown[c]; i++) {
          let fill = '#fff';
          if (bias) {
            const b = bias[i];
            const m = this.#maxBias > 0 ? Math.min(1, Math.abs(b) / this.#maxBias) : 0;
            fill = b === 0 || !Number.isFinite(b) ? rgba(MID) : rgba(diverging(0.5 + Math.sign(b) * (0.18 + 0.32 * m)));
          }
          ctx.beginPath();
          ctx.arc(L.xs[c], L.ys[c][i], half, 0, 2 * Math.PI);
          ctx.fillStyle = fill;
          ctx.fill();
          ctx.strokeStyle = c === 0 ? MUTED : 'rgba(29, 36, 48, 0.55)';
          ctx.stroke();
        }
      }
    }

    // Text: the input and output labels, the "+N more" markers, the captions.
    ctx.textBaseline = 'middle';
    ctx.font = LABEL_FONT;
    ctx.fillStyle = INK;
    ctx.textAlign = 'right';
    for (let i = 0; i < this.#shown[0]; i++) ctx.fillText(this.#inputNames[i], L.xs[0] - half - 6, L.ys[0][i]);
    ctx.textAlign = 'left';
    for (let i = 0; i < this.#shown[n - 1]; i++) ctx.fillText(this.#outputNames[i], L.xs[n - 1] + half + 6, L.ys[n - 1][i]);
    ctx.textAlign = 'center';
    ctx.font = SMALL_FONT;
    ctx.fillStyle = MUTED;
    for (let c = 0; c < n; c++) if (L.more[c]) ctx.fillText(L.more[c], L.xs[c], L.moreY[c]);
    ctx.textBaseline = 'top';
    for (let c = 0; c < n; c++) {
      L.captions[c].forEach((t, k) => ctx.fillText(t, L.xs[c], L.captionY + k * CAPTION_LINE));
    }
  }

  // --- hover, keyboard, tooltip ------------------------------------------------

  #edgeIndex(layer, from, to) {
    const s = this.#shown;
    if (!(layer >= 1 && layer < s.length && from >= 0 && from < s[layer - 1] && to >= 0 && to < s[layer])) return -1;
    return this.#layout.layerStart[layer] + from * s[layer] + to;
  }

  /** The item at (x, y) in CSS px: a node, a "+N more" marker or a weight line; or null. */
  #hit(x, y) {
    const L = this.#layout;
    if (!L) return null;
    const half = L.size / 2;
    const n = L.xs.length;
    for (let c = 0; c < n; c++) {
      if (Math.abs(x - L.xs[c]) > half + 3) continue;
      const ys = L.ys[c];
      for (let i = 0; i < ys.length; i++) if (Math.abs(y - ys[i]) <= half + 3) return { kind: 'node', column: c, index: i };
      if (L.more[c] && Math.abs(y - L.moreY[c]) <= L.pitch / 2) return { kind: 'more', column: c };
      return null;
    }
    if (!this.#weights) return null;
    for (let c = 1; c < n; c++) {
      if (x < L.xs[c - 1] + half || x > L.xs[c] - half) continue;
      let best = -1;
      let bestD = Infinity;
      let bestA = 0;
      const g = L.edges;
      for (let e = L.layerStart[c]; e < L.layerStart[c + 1]; e++) {
        const code = L.eCode[e];
        if (code === 255) continue;
        const d = segmentDistance(x, y, g[e * 4], g[e * 4 + 1], g[e * 4 + 2], g[e * 4 + 3]);
        const { width } = this.#lineStyle(code % LEVELS, 0);
        if (d > Math.max(4, width / 2 + 2)) continue;
        // The nearest; among lines as near, the thickest (drawn on top).
        const a = Math.abs(this.#weight(e));
        if (d < bestD - 0.75 || (d <= bestD + 0.75 && a > bestA)) {
          best = e;
          bestD = Math.min(d, bestD);
          bestA = a;
        }
      }
      return best < 0 ? null : { kind: 'edge', edge: best };
    }
    return null;
  }

  #pointer(e) {
    if (this.#layoutDirty) this.draw(); // hit-test the layout of the current architecture
    const r = this.#canvas.getBoundingClientRect();
    this.#keyboard = null;
    this.#setHover(this.#hit(e.clientX - r.left, e.clientY - r.top), e.clientX - r.left, e.clientY - r.top);
  }

  #key(e) {
    if (this.#layoutDirty) this.draw();
    if (!this.#layout || e.altKey || e.ctrlKey || e.metaKey) return;
    const levels = 2 * this.#sizes.length - 1;
    // Level 2c: the nodes of column c; level 2l-1: the weights of layer l.
    const count = (lv) => (lv % 2 === 0 ? this.#shown[lv / 2] : this.#shown[(lv - 1) / 2] * this.#shown[(lv + 1) / 2]);
    let k = this.#keyboard;
    switch (e.key) {
      case 'ArrowRight': k = k ? { level: Math.min(levels - 1, k.level + 1), index: k.index } : { level: 0, index: 0 }; break;
      case 'ArrowLeft': k = k ? { level: Math.max(0, k.level - 1), index: k.index } : { level: 0, index: 0 }; break;
      case 'ArrowDown': k = k ? { level: k.level, index: k.index + 1 } : { level: 0, index: 0 }; break;
      case 'ArrowUp': k = k ? { level: k.level, index: k.index - 1 } : { level: 0, index: 0 }; break;
      case 'Home': k = { level: k ? k.level : 0, index: 0 }; break;
      case 'End': k = { level: k ? k.level : 0, index: Infinity }; break;
      case 'Escape':
        if (!k) return;
        this.#keyboard = null;
        this.#setHover(null);
        e.preventDefault();
        return;
      default: return;
    }
    e.preventDefault();
    k.index = Math.max(0, Math.min(count(k.level) - 1, k.index));
    if (k.level % 2 === 1 && !this.#weights) k.level = Math.max(0, k.level - 1);
    this.#keyboard = k;
    const item = k.level % 2 === 0
      ? { kind: 'node', column: k.level / 2, index: Math.min(k.index, this.#shown[k.level / 2] - 1) }
      : { kind: 'edge', edge: this.#layout.layerStart[(k.level + 1) / 2] + k.index };
    const at = item.kind === 'node'
      ? this.locate({ column: item.column, index: item.index })
      : this.locate({ layer: this.#layout.eLayer[item.edge], from: this.#layout.eFrom[item.edge], to: this.#layout.eTo[item.edge] });
    this.#setHover(item, at.x, at.y);
  }

  #same(a, b) {
    if (!a || !b) return a === b;
    return a.kind === b.kind && a.edge === b.edge && a.column === b.column && a.index === b.index;
  }

  #setHover(item, x, y) {
    const changed = !this.#same(item, this.#hover);
    this.#hover = item ? { ...item, x, y } : null;
    if (!item) this.#hideTip();
    else this.#placeTip();
    if (changed) this.#drawOverlay();
  }

  #nodeName(c, i) {
    if (c === 0) return this.#inputNames[i];
    if (c === this.#sizes.length - 1) return this.#outputNames[i];
    return `neuron ${i + 1}`;
  }

  #tipText(item) {
    const s = this.#sizes;
    const L = this.#layout;
    if (item.kind === 'edge') {
      const l = L.eLayer[item.edge];
      const from = L.eFrom[item.edge];
      const to = L.eTo[item.edge];
      return `layer ${l}, ${this.#nodeName(l - 1, from)} → ${this.#nodeName(l, to)}: w = ${fmt(this.#weight(item.edge))}`;
    }
    if (item.kind === 'more') {
      const hidden = s[item.column] - this.#shown[item.column];
      return `+${hidden} more ${item.column === 0 ? 'inputs' : 'neurons'} not drawn (${s[item.column]} in all)`;
    }
    const c = item.column;
    const i = item.index;
    if (c === 0) return `input ${this.#inputNames[i]}`;
    const bias = this.#weights ? this.#weights[c - 1].bias : null;
    const what = c === s.length - 1 ? `output ${this.#outputNames[i]}` : `layer ${c}, neuron ${i + 1}`;
    const b = !this.#weights ? 'no weights yet' : bias ? `b = ${fmt(bias[i])}` : 'no bias';
    return `${what} (${this.#acts[c - 1]}): ${b}`;
  }

  #placeTip() {
    const h = this.#hover;
    const L = this.#layout;
    if (!h || !L) return;
    const tip = this.#tip;
    tip.textContent = this.#tipText(h);
    tip.style.display = 'block';
    const tw = tip.offsetWidth;
    const th = tip.offsetHeight;
    let left = h.x + 14;
    if (left + tw > L.w) left = Math.max(0, h.x - 14 - tw);
    let top = h.y + 14;
    if (top + th > L.h) top = Math.max(0, h.y - 12 - th);
    tip.style.left = `${Math.round(left)}px`;
    tip.style.top = `${Math.round(top)}px`;
  }

  #hideTip() {
    this.#tip.style.display = 'none';
  }

  /** The highlight of the item under the pointer (or keyboard focus), on its own canvas. */
  #drawOverlay() {
    const L = this.#layout;
    if (!L) return;
    const ctx = this.#overlay.getContext('2d');
    ctx.setTransform(L.ratio, 0, 0, L.ratio, 0, 0);
    ctx.clearRect(0, 0, L.w, L.h);
    const h = this.#hover;
    if (!h) return;
    const half = L.size / 2;
    const ring = (c, i) => {
      if (this.#plane) ctx.strokeRect(L.xs[c] - half - 2, L.ys[c][i] - half - 2, L.size + 4, L.size + 4);
      else { ctx.beginPath(); ctx.arc(L.xs[c], L.ys[c][i], half + 2, 0, 2 * Math.PI); ctx.stroke(); }
    };
    ctx.strokeStyle = INK;
    if (h.kind === 'edge' && this.#weights) {
      const g = L.edges;
      const e = h.edge;
      const w = this.#weight(e);
      const code = L.eCode[e];
      const width = code === 255 ? 1 : this.#lineStyle(code % LEVELS, 0).width;
      ctx.lineCap = 'round';
      ctx.beginPath();
      ctx.moveTo(g[e * 4], g[e * 4 + 1]);
      ctx.lineTo(g[e * 4 + 2], g[e * 4 + 3]);
      ctx.lineWidth = width + 3;
      ctx.strokeStyle = INK;
      ctx.stroke();
      ctx.lineWidth = Math.max(1, width);
      ctx.strokeStyle = rgba(w > 0 ? POS : w < 0 ? NEG : MID);
      ctx.stroke();
      ctx.lineWidth = 2;
      ctx.strokeStyle = INK;
      const l = L.eLayer[e];
      ring(l - 1, L.eFrom[e]);
      ring(l, L.eTo[e]);
    } else if (h.kind === 'node') {
      ctx.lineWidth = 2;
      ring(h.column, h.index);
    }
  }
}
