// netpointer.mjs - the network diagram's pointer and keyboard handling
// (netdiagram.mjs loads it on first use: the first pointer over the diagram,
// the first key or focus on it, or interactive()): what is under the
// pointer (a node, a "+N more" marker, a weight line), the tooltip with its
// exact value, the highlight on the overlay canvas, arrow-key navigation,
// and a click or Enter on an item (a weight's field opens, netfield.mjs; an
// input feature on offer toggles). The diagram owns the state; this reads
// it, fresh at each event, through view() (netdiagram.mjs #view).

import { drawHighlight } from './netdraw.mjs';
import { LEVELS, lineStyle, segmentDistance } from './netlayout.mjs';
import { WeightField } from './netfield.mjs';
import { FAMILY, INK, WHITE, rgba } from './palette.mjs';

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

export class DiagramPointer {
  #diagram;
  #view;
  #wrap;
  #canvas;
  #overlay;
  #tip;
  #hover = null;             // the item under the pointer or under keyboard focus
  #keyboard = null;          // { level, index } while navigating with the keys

  /** diagram: the NetworkDiagram (draw, locate, onHover); view(): its state now; wrap, canvas, overlay: its elements. */
  constructor({ diagram, view, wrap, canvas, overlay }) {
    this.#diagram = diagram;
    this.#view = view;
    this.#wrap = wrap;
    this.#canvas = canvas;
    this.#overlay = overlay;
    this.#tip = wrap.ownerDocument.createElement('div');
    this.#tip.className = 'netdiagram-tip';
    this.#tip.setAttribute('aria-hidden', 'true');
    this.#tip.style.cssText = 'position:absolute;left:0;top:0;display:none;pointer-events:none;z-index:2;' +
      `background:${rgba(INK)};color:${rgba(WHITE)};font:12px/1.35 ${FAMILY};` +
      'padding:4px 8px;border-radius:5px;white-space:nowrap;box-shadow:0 2px 8px rgba(0,0,0,.2);font-variant-numeric:tabular-nums;';
    wrap.append(this.#tip);
  }

  // --- what the diagram calls ---------------------------------------------------

  /** A new architecture: nothing is under the pointer or the keys. */
  reset() {
    this.#keyboard = null;
    this.#hover = null;
    this.#hideTip();
  }

  /** After the diagram drew: the tooltip's value and place, and the highlight, again. */
  drawn() {
    if (this.#hover) this.#placeTip();
    this.#drawOverlay();
  }

  /** After a new layout: the tooltip's place. */
  laidOut() {
    if (this.#hover) this.#placeTip();
  }

  pointer(e) {
    const v = this.#view();
    if (v.layoutDirty) this.#diagram.draw(); // hit-test the layout of the current architecture
    const r = this.#canvas.getBoundingClientRect();
    this.#keyboard = null;
    this.#setHover(this.#hit(e.clientX - r.left, e.clientY - r.top), e.clientX - r.left, e.clientY - r.top);
  }

  click(e) {
    this.pointer(e);
    if (this.#hover) this.#activate(this.#hover);
  }

  leave() {
    if (!this.#keyboard) this.#setHover(null);
  }

  blur() {
    this.#keyboard = null;
    this.#setHover(null);
  }

  key(e) {
    let v = this.#view();
    if (v.layoutDirty) {
      this.#diagram.draw();
      v = this.#view();
    }
    const L = v.layout;
    if (!L || e.altKey || e.ctrlKey || e.metaKey) return;
    const levels = 2 * v.sizes.length - 1;
    // Level 2c: the nodes of column c; level 2l-1: the weights of layer l.
    const count = (lv) => (lv % 2 === 0 ? L.ys[lv / 2].length : v.shown[(lv - 1) / 2] * v.shown[(lv + 1) / 2]);
    let k = this.#keyboard;
    switch (e.key) {
      case 'ArrowRight': k = k ? { level: Math.min(levels - 1, k.level + 1), index: k.index } : { level: 0, index: 0 }; break;
      case 'ArrowLeft': k = k ? { level: Math.max(0, k.level - 1), index: k.index } : { level: 0, index: 0 }; break;
      case 'ArrowDown': k = k ? { level: k.level, index: k.index + 1 } : { level: 0, index: 0 }; break;
      case 'ArrowUp': k = k ? { level: k.level, index: k.index - 1 } : { level: 0, index: 0 }; break;
      case 'Home': k = { level: k ? k.level : 0, index: 0 }; break;
      case 'End': k = { level: k ? k.level : 0, index: Infinity }; break;
      case 'Enter':
        if (!k || !this.#hover) return;
        e.preventDefault();
        this.#activate(this.#hover);
        return;
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
    if (k.level % 2 === 1 && !v.weights) k.level = Math.max(0, k.level - 1);
    this.#keyboard = k;
    const item = k.level % 2 === 0
      ? { kind: 'node', column: k.level / 2, index: k.index }
      : { kind: 'edge', edge: L.layerStart[(k.level + 1) / 2] + k.index };
    const at = item.kind === 'node'
      ? this.#diagram.locate({ column: item.column, index: item.index })
      : this.#diagram.locate({ layer: L.eLayer[item.edge], from: L.eFrom[item.edge], to: L.eTo[item.edge] });
    this.#setHover(item, at.x, at.y);
  }

  // --- internals ----------------------------------------------------------------

  /** The item at (x, y) in CSS px: a node, a "+N more" marker or a weight line; or null. */
  #hit(x, y) {
    const v = this.#view();
    const L = v.layout;
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
    if (!v.weights) return null;
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
        const { width } = lineStyle(L, code % LEVELS, 0);
        if (d > Math.max(4, width / 2 + 2)) continue;
        // The nearest; among lines as near, the thickest (drawn on top).
        const a = Math.abs(v.weight(e));
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

  #same(a, b) {
    if (!a || !b) return a === b;
    return a.kind === b.kind && a.edge === b.edge && a.column === b.column && a.index === b.index;
  }

  #setHover(item, x, y) {
    const changed = !this.#same(item, this.#hover);
    this.#hover = item ? { ...item, x, y } : null;
    if (!item) this.#hideTip();
    else this.#placeTip();
    if (changed) {
      this.#drawOverlay();
      const { onHover } = this.#diagram;
      if (typeof onHover === 'function') onHover(item && item.kind === 'node' ? { column: item.column, index: item.index } : null);
    }
  }

  /** A click (or Enter) on an item: a weight's field opens; an input feature on offer toggles. */
  #activate(item) {
    const v = this.#view();
    const L = v.layout;
    const { edits } = v;
    if (item.kind === 'edge' && edits.weights && v.weights) {
      const e = item.edge;
      const where = { layer: L.eLayer[e], from: L.eFrom[e], to: L.eTo[e] };
      const at = this.#diagram.locate(where);
      const label = `layer ${where.layer}, ${this.#nodeName(v, where.layer - 1, where.from)} → ${this.#nodeName(v, where.layer, where.to)}`;
      this.#hideTip();
      edits.field ??= new WeightField(this.#wrap, edits);
      edits.field.open({ ...where, label }, { ...at, label, value: fmt(v.weight(e)), width: L.w });
    } else if (item.kind === 'node' && item.column === 0 && v.choices && edits.inputs) {
      edits.input(item.index);
    }
  }

  #nodeName(v, c, i) {
    if (c === 0) return v.inputNames[i];
    if (c === v.sizes.length - 1) return v.outputNames[i];
    return `neuron ${i + 1}`;
  }

  #tipText(item) {
    const v = this.#view();
    const s = v.sizes;
    const L = v.layout;
    if (item.kind === 'edge') {
      const l = L.eLayer[item.edge];
      const from = L.eFrom[item.edge];
      const to = L.eTo[item.edge];
      return `layer ${l}, ${this.#nodeName(v, l - 1, from)} → ${this.#nodeName(v, l, to)}: w = ${fmt(v.weight(item.edge))}`;
    }
    if (item.kind === 'more') {
      const hidden = s[item.column] - v.shown[item.column];
      return `+${hidden} more ${item.column === 0 ? 'inputs' : 'neurons'} not drawn (${s[item.column]} in all)`;
    }
    const c = item.column;
    const i = item.index;
    if (c === 0) {
      const r = v.inRows[i];
      const click = v.choices && v.edits.inputs ? `: click to ${r.input >= 0 ? 'leave it out' : 'use it'}` : '';
      return `input ${r.name}${r.input >= 0 ? '' : ' (not in use)'}${click}`;
    }
    const bias = v.weights ? v.weights[c - 1].bias : null;
    const what = c === s.length - 1 ? `output ${v.outputNames[i]}` : `layer ${c}, neuron ${i + 1}`;
    const b = !v.weights ? 'no weights yet' : bias ? `b = ${fmt(bias[i])}` : 'no bias';
    return `${what} (${v.acts[c - 1]}): ${b}`;
  }

  #placeTip() {
    const h = this.#hover;
    const L = this.#view().layout;
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
    const v = this.#view();
    const L = v.layout;
    if (!L) return;
    const h = this.#hover;
    const w = h && h.kind === 'edge' && v.weights ? v.weight(h.edge) : undefined;
    drawHighlight(this.#overlay.getContext('2d'), L, { hover: h, w, inRow: v.inRow, square: v.plane });
  }
}
