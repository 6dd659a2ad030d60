// netdiagram.mjs - the network view: the neurons as nodes in columns (the input
// features, each hidden layer, the outputs) and the weights as lines between
// them, blue for positive and orange for negative, thicker and darker the
// larger they are. With a 2-D input plane, each node shows a small heatmap of
// that neuron's output over a cells × cells grid of the plane: the model's
// own outputs for the grid's rows (planeInputs() to ask for, then
// setLayerOutputs(), e.g. from the worker's layerOutputs); nothing here
// computes a neuron. Hovering (or arrow keys when focused) shows a weight's
// or a bias's exact value, and tells onHover which neuron is under the
// pointer (the page shows its output large). The input column may list every
// feature on offer (inputChoices), the unused ones faded. With setEditing,
// a click on a weight line (or Enter on it) opens a field for its value, a
// click on an input feature (or Enter) toggles it, and − and + buttons above
// each hidden layer change its units (netedit.mjs).
//
// Plain browser ES module; its layout is netlayout.mjs's, its thumbnails
// netthumbs.mjs's, its edits netedit.mjs's. Everything is drawn on a canvas
// (with a second canvas on top for the hover highlight); the other elements
// are the tooltip and the edits' buttons and field. Styles are set through
// the CSSOM, so no CSS is needed; the class names netdiagram,
// netdiagram-canvas and netdiagram-tip allow overrides. The pointer and
// keyboard handling (the hit test, the tooltip, the highlight, the keys, a
// click on an item) is netpointer.mjs, loaded on first use: the first pointer
// over the diagram, focus or a key on it, or interactive().
//
//   const d = new NetworkDiagram(container);
//   d.setArchitecture({ sizes: [2, 16, 16, 1], inputNames: ['x₁', 'x₂'], activations: ['relu', 'relu', 'sigmoid'] });
//   d.setPlane({ featurize: (a, b) => Float32Array.of(a / 6, b / 6), domain: [-6, 6], cells: 16 });
//   d.setWeights(model.getWeights());   // marks dirty
//   d.setLayerOutputs(model.layerOutputs(d.planeInputs()));
//   d.draw();                           // or let it draw itself on the next animation frame

import { ALL_ACTIVATIONS } from './names.mjs';
import { drawCircles, drawLabels, drawWeights } from './netdraw.mjs';
import { LEVELS, MAX_SHOWN, ZERO, describeNet, layoutDiagram, subscript, weightRange } from './netlayout.mjs';
import { DiagramEdits } from './netedit.mjs';
import { NeuronThumbs, tone } from './netthumbs.mjs';

const ACTIVATIONS = new Set(ALL_ACTIVATIONS);
/** The keys the diagram moves with: their default (scrolling) is prevented at once, before its pointer handling has loaded. */
const NAVIGATION_KEYS = new Set(['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End']);

export class NetworkDiagram {
  #container;
  #wrap;
  #canvas;
  #overlay;
  #pointer = null;           // the pointer and keyboard handling (netpointer.mjs), once loaded
  #pointerLoad = null;
  #ro = null;
  #added = [];               // attributes set on the container, removed by destroy()
  #listeners = [];

  // architecture
  #sizes = null;
  #inputNames = [];
  #inRows = [];              // the input column's rows: { name, input } (input: the model input, -1 unused)
  #inRow = [];               // model input i is row #inRow[i]
  #choices = false;          // the input column lists the features on offer (inputChoices)
  #outputNames = [];
  #acts = [];
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
  #destroyed = false;
  #edits;

  /** Called with { column, index } when a node comes under the pointer or the keys, and null when none is. */
  onHover = null;

  /**
   * Called as each load of the pointer handling settles: with the Error if
   * it could not load (the next pointer, focus or key on the diagram tries
   * again, a second later at the soonest), with null once it has loaded.
   */
  onLoad = null;

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
    this.#wrap.append(this.#canvas, this.#overlay);
    this.#edits = new DiagramEdits(this.#wrap);
    container.appendChild(this.#wrap);

    this.#setAttr('role', 'img');
    this.#setAttr('aria-label', 'Network diagram');
    if (!container.hasAttribute('tabindex')) this.#setAttr('tabindex', '0');

    const on = (el, type, fn) => { el.addEventListener(type, fn); this.#listeners.push([el, type, fn]); };
    const use = (fn) => (e) => this.#withPointer(fn, e);
    on(this.#canvas, 'pointermove', use((p, e) => p.pointer(e)));
    on(this.#canvas, 'pointerdown', use((p, e) => p.pointer(e)));
    on(this.#canvas, 'click', use((p, e) => p.click(e)));
    on(this.#canvas, 'pointerleave', () => this.#pointer?.leave());
    on(container, 'focus', () => { this.interactive().catch(() => {}); }); // onLoad has it
    on(container, 'keydown', (e) => {
      if (!this.#pointer && NAVIGATION_KEYS.has(e.key) && !e.altKey && !e.ctrlKey && !e.metaKey) e.preventDefault();
      this.#withPointer((p) => p.key(e));
    });
    on(container, 'blur', () => this.#pointer?.blur());

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
   * activations: one per layer after the input (captions); outputNames:
   * optional, one label per output (default ŷ, or ŷ₁ … ŷₖ); inputChoices:
   * optional, every input feature on offer in order, [{ name, used }], the
   * used ones being the model's inputs (then inputNames is not needed).
   */
  setArchitecture({ sizes, inputNames, activations, outputNames, inputChoices } = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new TypeError(`NetworkDiagram.setArchitecture: sizes must be [inputs, ...hidden, outputs], positive integers; got ${JSON.stringify(sizes)}`);
    }
    const layers = sizes.length - 1;
    if (!Array.isArray(activations) || activations.length !== layers || !activations.every((a) => ACTIVATIONS.has(a))) {
      throw new TypeError(`NetworkDiagram.setArchitecture: activations must be ${layers} of ${[...ACTIVATIONS].join(', ')}; got ${JSON.stringify(activations)}`);
    }
    const inputs = sizes[0];
    const outputs = sizes[layers];
    if (inputChoices != null && (!Array.isArray(inputChoices) || inputChoices.filter((c) => c && c.used).length !== inputs)) {
      throw new TypeError(`NetworkDiagram.setArchitecture: inputChoices must be [{ name, used }] with ${inputs} used`);
    }
    this.#sizes = sizes.slice();
    this.#acts = activations.slice();
    if (inputChoices) inputNames = inputChoices.filter((c) => c.used).map((c) => c.name);
    this.#inputNames = Array.from({ length: inputs }, (_, i) => (inputNames && inputNames[i] != null ? String(inputNames[i]) : `x${subscript(i + 1)}`));
    this.#outputNames = Array.from({ length: outputs }, (_, i) => (outputNames && outputNames[i] != null
      ? String(outputNames[i]) : outputs === 1 ? 'ŷ' : `ŷ${subscript(i + 1)}`));
    this.#shown = sizes.map((n) => Math.min(n, MAX_SHOWN));
    this.#choices = !!inputChoices;
    if (inputChoices) {
      let k = 0;
      this.#inRows = inputChoices.map((c) => ({ name: String(c.name), input: c.used ? k++ : -1 }));
    } else {
      this.#inRows = this.#inputNames.slice(0, this.#shown[0]).map((name, i) => ({ name, input: i }));
    }
    this.#inRow = [];
    this.#inRows.forEach((r, row) => { if (r.input >= 0) this.#inRow[r.input] = row; });
    this.#edits.close(false);
    if (this.#weights && !this.#fits(this.#weights)) this.#weights = null;
    this.#thumbs.clear();
    this.#pointer?.reset();
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
    ({ maxAbs: this.#maxAbs, maxBias: this.#maxBias } = weightRange(weights));
    this.#touch();
    return true;
  }

  /** The plane's grid as the model's input rows (cells² × inputs, row 0 the top, highest b), or null without a plane. */
  planeInputs() {
    if (!this.#sizes || !this.#thumbs.plane) return null;
    this.#buildGrid();
    return this.#thumbs.inputs;
  }

  /**
   * The model's outputs for planeInputs()'s rows: one Float32Array (rows ×
   * units, after the activation) per layer after the input, as
   * Model.layerOutputs and the worker's layerOutputs give them. Outputs that
   * do not fit the grid and the architecture (late, for a grid since
   * replaced) are ignored: returns false.
   */
  setLayerOutputs(outputs) {
    if (!this.#sizes || this.#gridDirty || !this.#thumbs.setOutputs(outputs, this.#sizes)) return false;
    this.#touch();
    return true;
  }

  #buildGrid() {
    if (!this.#gridDirty) return;
    this.#gridDirty = false;
    this.#thumbs.build(this.#sizes, this.#wrap.ownerDocument, this.#inRows.length);
  }

  /**
   * plane: { featurize(a, b) -> the model's input features for the point (a, b),
   * domain: [lo, hi] (both axes), cells: grid per side (default 16),
   * pictures(a, b) -> every inputChoices feature at (a, b), for their
   * thumbnails }; or null: no thumbnails, the nodes are circles coloured by
   * their bias.
   */
  setPlane(plane) {
    const hadPlane = !!this.#thumbs.plane;
    this.#thumbs.setPlane(plane);
    this.#gridDirty = true;
    if (hadPlane !== !!this.#thumbs.plane) this.#layoutDirty = true;
    this.#touch();
  }

  /**
   * What a learner may change from the diagram, or null (nothing): { units(layer,
   * delta) (− and + above hidden layer `layer`, 1-based), weight({layer, from,
   * to}, text) (a weight's field; a throw or a rejection is shown beside it),
   * input(row) (an input feature, by its row of inputChoices, clicked),
   * locked (the buttons disabled, no field opens, no feature toggles) }.
   */
  setEditing(edits) {
    this.#edits.set(edits);
    this.#setAttr('role', edits ? 'group' : 'img');
    this.#layoutDirty = true;
    this.#touch();
  }

  /** One neuron's values over the grid on the colour scale [0, 1], as its thumbnail shows them; null without them. */
  neuronTone(column, index) {
    const v = this.neuronGrid(column, index);
    if (!v) return null;
    const { k, b0 } = tone(column === 0 ? 'linear' : this.#acts[column - 1], v, 1, 0, v.length);
    return v.map((x) => Math.min(1, Math.max(0, x * k + b0)));
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
    this.#buildGrid();
    if (this.#thumbs.plane && !this.#thumbs.fresh) this.#thumbs.update({ sizes: this.#sizes, acts: this.#acts, shown: this.#shown });
    this.#render();
    this.#dirty = false;
    this.#pointer?.drawn(); // the value under the pointer may have changed
  }

  /**
   * Loads the pointer and keyboard handling (netpointer.mjs), which the
   * first pointer over the diagram, focus or key on it also loads; resolves
   * once hovering, the keys and clicks answer at once.
   */
  interactive() {
    this.#pointerLoad ??= import('./netpointer.mjs').then(({ DiagramPointer }) => {
      if (!this.#destroyed && !this.#pointer) {
        this.#pointer = new DiagramPointer({ diagram: this, view: this.#view, wrap: this.#wrap, canvas: this.#canvas, overlay: this.#overlay });
      }
      this.onLoad?.(null);
    }, (e) => {
      setTimeout(() => { this.#pointerLoad = null; }, 1000); // a use from a second on tries again
      this.onLoad?.(e);
      throw e;
    });
    return this.#pointerLoad;
  }

  /** Removes the diagram and everything it set on the container. */
  destroy() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#raf) cancelAnimationFrame(this.#raf);
    this.#ro?.disconnect();
    this.#edits.destroy();
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
    if (item.more) return L.more[c] ? { x: L.xs[c], y: L.moreY[c] } : null;
    if (!(item.index >= 0 && item.index < L.ys[c].length)) return null;
    return { x: L.xs[c], y: L.ys[c][item.index] };
  }

  /** A copy of one neuron's values over the plane's grid (row 0 the top, highest b), or null. */
  neuronGrid(column, index) {
    this.draw();
    if (!this.#thumbs.plane || (column > 0 && !this.#thumbs.hasOutputs)) return null;
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
    const net = {
      sizes: this.#sizes, shown: this.#shown, acts: this.#acts, inRows: this.#inRows, inRow: this.#inRow, outputNames: this.#outputNames,
      plane: !!this.#thumbs.plane, band: this.#edits.units,
    };
    this.#layout = layoutDiagram(this.#canvas.getContext('2d'), net, W, ratio);
    this.#edits.place(this.#layout, this.#sizes);
    this.#edits.close(false);
    const H = this.#layout.h;
    for (const cv of [this.#canvas, this.#overlay]) {
      cv.style.height = `${H}px`;
      const bw = Math.round(W * ratio);
      const bh = Math.round(H * ratio);
      if (cv.width !== bw) cv.width = bw;
      if (cv.height !== bh) cv.height = bh;
    }
    this.#layoutDirty = false;
    this.#pointer?.laidOut();
  }

  /** 0 .. LEVELS-1 for negative weights, LEVELS .. 2·LEVELS-1 for positive, ZERO for 0, 255 for not finite (not drawn). */
  #code(w) {
    if (w === 0) return ZERO;
    if (!Number.isFinite(w)) return 255;
    const a = this.#maxAbs > 0 ? Math.abs(w) / this.#maxAbs : 0;
    return (w > 0 ? LEVELS : 0) + Math.min(LEVELS - 1, (a * LEVELS) | 0);
  }

  #edgeIndex(layer, from, to) {
    const s = this.#shown;
    if (!(layer >= 1 && layer < s.length && from >= 0 && from < s[layer - 1] && to >= 0 && to < s[layer])) return -1;
    return this.#layout.layerStart[layer] + from * s[layer] + to;
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
    if (this.#weights) drawWeights(ctx, L, (e) => this.#code(this.#weight(e)));

    // Nodes: thumbnails of the neuron over the plane, or circles coloured by the bias; then the text.
    if (this.#thumbs.ready) this.#thumbs.draw(ctx, L, this.#shown);
    else drawCircles(ctx, L, { weights: this.#weights, maxBias: this.#maxBias });
    drawLabels(ctx, L, { inRows: this.#inRows, outputNames: this.#outputNames });
  }

  // --- the pointer and the keys (netpointer.mjs) --------------------------------

  /** What the pointer handling reads of the diagram, at each event. */
  #view = () => ({
    layout: this.#layout, layoutDirty: this.#layoutDirty, sizes: this.#sizes, shown: this.#shown, weights: this.#weights,
    inRows: this.#inRows, inRow: this.#inRow, choices: this.#choices, inputNames: this.#inputNames,
    outputNames: this.#outputNames, acts: this.#acts, edits: this.#edits, plane: !!this.#thumbs.plane,
    weight: (e) => this.#weight(e),
  });

  /** fn(pointer, e) now if the handling has loaded, else once it has (the event's coordinates are still its own). */
  #withPointer(fn, e) {
    if (this.#pointer) fn(this.#pointer, e);
    else this.interactive().then(() => { if (this.#pointer) fn(this.#pointer, e); }, () => {}); // onLoad has it
  }
}
