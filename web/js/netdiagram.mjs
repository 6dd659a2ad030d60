// netdiagram.mjs - the network view: the neurons as nodes in columns (the input
// features, each hidden layer, the outputs) and the weights as lines between
// them, blue for positive and orange for negative, thicker and darker the
// larger they are. With a 2-D input plane, each node shows a small heatmap of
// what that neuron computes over the plane, from a forward pass done here in
// JS over a cells × cells grid. Hovering (or arrow keys when focused) shows a
// weight's or a bias's exact value.
//
// Plain browser ES module; its layout is netlayout.mjs's, its thumbnails
// netthumbs.mjs's. Everything is drawn on a canvas
// (with a second canvas on top for the hover highlight); the only other
// element is the tooltip. Styles are inline, so no CSS is needed; the class
// names netdiagram, netdiagram-canvas and netdiagram-tip allow overrides.
//
//   const d = new NetworkDiagram(container);
//   d.setArchitecture({ sizes: [2, 16, 16, 1], inputNames: ['x₁', 'x₂'], activations: ['relu', 'relu', 'sigmoid'] });
//   d.setPlane({ featurize: (a, b) => Float32Array.of(a / 6, b / 6), domain: [-6, 6], cells: 16 });
//   d.setWeights(model.getWeights());   // marks dirty
//   d.draw();                           // or let it draw itself on the next animation frame

import { LABELS } from './labels.mjs';
import {
  CAPTION_LINE, LABEL_FONT, LEVELS, MAX_SHOWN, SMALL_FONT, ZERO, describeNet, layoutDiagram, lineStyle, segmentDistance, subscript,
} from './netlayout.mjs';
import { NeuronThumbs } from './netthumbs.mjs';
import { FAMILY, INK, MID, MUTED, NEG, POS, WHITE, diverging, rgba } from './palette.mjs';

const ACTIVATIONS = new Set(Object.keys(LABELS.activation));
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

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

  // the plane and each neuron's output over it
  #thumbs = new NeuronThumbs();

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
      `background:${rgba(INK)};color:${rgba(WHITE)};font:12px/1.35 ${FAMILY};` +
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
    this.#thumbs.clear();
    this.#keyboard = null;
    this.#hover = null;
    this.#hideTip();
    this.#setAttr('aria-label', describeNet(this.#sizes, this.#acts, this.#inputNames));
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
    this.#thumbs.fresh = false;
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
    const hadPlane = !!this.#thumbs.plane;
    this.#thumbs.setPlane(plane);
    this.#gridDirty = true;
    if (hadPlane !== !!this.#thumbs.plane) this.#layoutDirty = true;
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
    if (this.#gridDirty) {
      this.#gridDirty = false;
      this.#thumbs.build(this.#sizes, this.#wrap.ownerDocument);
    }
    if (this.#thumbs.plane && !this.#thumbs.fresh) {
      this.#thumbs.update({ sizes: this.#sizes, acts: this.#acts, alphas: this.#alphas, shown: this.#shown }, this.#weights, () => this.#touch());
    }
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
    this.#thumbs.stop();
    this.#ro?.disconnect();
    for (const [el, type, fn] of this.#listeners) el.removeEventListener(type, fn);
    for (const name of this.#added) this.#container.removeAttribute(name);
    this.#wrap.remove();
    this.#weights = null;
    this.#thumbs.clear();
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
    if (!this.#thumbs.plane || (column > 0 && !this.#weights)) return null;
    return this.#thumbs.grid(column, index, this.#sizes[column]);
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
    const net = { sizes: this.#sizes, shown: this.#shown, acts: this.#acts, inputNames: this.#inputNames, outputNames: this.#outputNames, plane: !!this.#thumbs.plane };
    this.#layout = layoutDiagram(this.#canvas.getContext('2d'), net, W, ratio);
    const H = this.#layout.h;
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
          const { width, colour } = lineStyle(this.#layout, level, sign);
          ctx.lineWidth = width;
          ctx.strokeStyle = colour;
          ctx.stroke();
        }
      }
    }

    // Nodes: thumbnails of the neuron over the plane, or circles coloured by the bias.
    if (this.#thumbs.ready) {
      this.#thumbs.draw(ctx, L, this.#shown, !!this.#weights);
    } else {
      ctx.lineWidth = 1.25;
      for (let c = 0; c < n; c++) {
        const bias = c > 0 && this.#weights ? this.#weights[c - 1].bias : null;
        for (let i = 0; i < this.#shown[c]; i++) {
          let fill = rgba(WHITE);
          if (bias) {
            const b = bias[i];
            const m = this.#maxBias > 0 ? Math.min(1, Math.abs(b) / this.#maxBias) : 0;
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

    // Text: the input and output labels, the "+N more" markers, the captions.
    ctx.textBaseline = 'middle';
    ctx.font = LABEL_FONT;
    ctx.fillStyle = rgba(INK);
    ctx.textAlign = 'right';
    for (let i = 0; i < this.#shown[0]; i++) ctx.fillText(this.#inputNames[i], L.xs[0] - half - 6, L.ys[0][i]);
    ctx.textAlign = 'left';
    for (let i = 0; i < this.#shown[n - 1]; i++) ctx.fillText(this.#outputNames[i], L.xs[n - 1] + half + 6, L.ys[n - 1][i]);
    ctx.textAlign = 'center';
    ctx.font = SMALL_FONT;
    ctx.fillStyle = rgba(MUTED);
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
        const { width } = lineStyle(this.#layout, code % LEVELS, 0);
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
      if (this.#thumbs.plane) ctx.strokeRect(L.xs[c] - half - 2, L.ys[c][i] - half - 2, L.size + 4, L.size + 4);
      else { ctx.beginPath(); ctx.arc(L.xs[c], L.ys[c][i], half + 2, 0, 2 * Math.PI); ctx.stroke(); }
    };
    ctx.strokeStyle = rgba(INK);
    if (h.kind === 'edge' && this.#weights) {
      const g = L.edges;
      const e = h.edge;
      const w = this.#weight(e);
      const code = L.eCode[e];
      const width = code === 255 ? 1 : lineStyle(this.#layout, code % LEVELS, 0).width;
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
      ring(l - 1, L.eFrom[e]);
      ring(l, L.eTo[e]);
    } else if (h.kind === 'node') {
      ctx.lineWidth = 2;
      ring(h.column, h.index);
    }
  }
}
