// netedit.mjs - what a learner can change from the network diagram
// (netdiagram.mjs): a − and a + button above each hidden layer (its units),
// and the field that opens on a weight line to type its value (netfield.mjs,
// loaded with the diagram's pointer handling on first use). The diagram
// says where things are; the page decides what a change means (the edits
// it gives: units(layer, delta), weight(item, text)), checks the value and
// says what is wrong, and the field shows that message until the value is
// one the page takes. Under lock the buttons are disabled and no field opens.
//
// Plain DOM elements over the diagram's canvas, styled through the CSSOM
// (the page's CSP allows no style attributes); the class names
// netdiagram-units, netdiagram-weight and netdiagram-weight-error allow
// overrides.

import { FAMILY } from './palette.mjs';

const BUTTON_CSS = 'position:absolute;top:0;min-height:0;height:22px;padding:0;margin:0;line-height:20px;' +
  `font:600 14px/20px ${FAMILY};border-radius:4px;text-align:center;z-index:1;`;

export class DiagramEdits {
  #wrap;
  #layer;                    // the buttons' layer
  #edits = null;
  #buttons = [];
  /** The weight's field (netfield.mjs's WeightField), once the diagram's pointer handling has made it. */
  field = null;

  constructor(wrap) {
    this.#wrap = wrap;
    this.#layer = wrap.ownerDocument.createElement('div');
    this.#layer.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;';
    wrap.append(this.#layer);
  }

  /** edits: { units?(layer, delta), weight?(item, text), input?(row), locked? } or null (nothing editable). */
  set(edits) {
    this.#edits = edits || null;
    if (this.locked) this.close(false);
  }

  get units() { return !!(this.#edits && this.#edits.units); }
  get weights() { return !!(this.#edits && this.#edits.weight) && !this.locked; }
  get inputs() { return !!(this.#edits && this.#edits.input) && !this.locked; }
  get locked() { return !!(this.#edits && this.#edits.locked); }
  get editing() { return this.field ? this.field.editing : null; }

  /** An input feature's row clicked: toggled, if the page lets it. */
  input(row) {
    if (this.inputs) this.#edits.input(row);
  }

  /** A weight's new value typed in the field: the page's weight(item, text), whose throw or rejection the field shows. */
  weight(item, text) {
    return this.#edits.weight(item, text);
  }

  /** The + and − buttons over each hidden column of layout L (sizes: the columns' units), or none. */
  place(L, sizes) {
    const doc = this.#wrap.ownerDocument;
    const hidden = this.units ? sizes.length - 2 : 0;
    while (this.#buttons.length > hidden) this.#buttons.pop().forEach((b) => b.remove());
    while (this.#buttons.length < hidden) {
      const l = this.#buttons.length + 1;
      const pair = [-1, 1].map((delta) => {
        const b = doc.createElement('button');
        b.type = 'button';
        b.className = 'netdiagram-units';
        b.textContent = delta < 0 ? '−' : '+';
        b.dataset.layer = String(l);
        b.dataset.delta = String(delta);
        b.setAttribute('aria-label', `${delta < 0 ? 'One neuron fewer in' : 'One neuron more in'} hidden layer ${l}`);
        b.title = b.getAttribute('aria-label');
        b.addEventListener('click', () => { if (this.#edits && this.#edits.units && !this.locked) this.#edits.units(l, delta); });
        this.#layer.append(b);
        return b;
      });
      this.#buttons.push(pair);
    }
    if (!hidden || L.bandY === null) return;
    const w = Math.max(14, Math.min(22, Math.floor((L.gapX - 6) / 2)));
    this.#buttons.forEach((pair, k) => {
      const x = L.xs[k + 1];
      pair.forEach((b, j) => {
        b.style.cssText = BUTTON_CSS;
        b.style.width = `${w}px`;
        b.style.left = `${Math.round(x + (j === 0 ? -w - 1 : 1))}px`;
        b.style.top = `${L.bandY}px`;
        b.disabled = this.locked;
      });
    });
  }

  /** Closes the weight's field, if open; refocus: give the focus back to the diagram. */
  close(refocus) {
    this.field?.close(refocus);
  }

  destroy() {
    this.#layer.remove();
    this.field?.destroy();
    this.#buttons = [];
    this.#edits = null;
  }
}
