// netedit.mjs - what a learner can change from the network diagram
// (netdiagram.mjs): a − and a + button above each hidden layer (its units),
// and the field that opens on a weight line to type its value. The diagram
// says where things are; the page decides what a change means (the edits
// it gives: units(layer, delta), weight(item, text)), checks the value and
// says what is wrong, and the field shows that message until the value is
// one the page takes. Under lock the buttons are disabled and no field opens.
//
// Plain DOM elements over the diagram's canvas, styled through the CSSOM
// (the page's CSP allows no style attributes); the class names
// netdiagram-units, netdiagram-weight and netdiagram-weight-error allow
// overrides.

import { FAMILY, INK, NEG, WHITE, rgba } from './palette.mjs';

const BUTTON_CSS = 'position:absolute;top:0;min-height:0;height:22px;padding:0;margin:0;line-height:20px;' +
  `font:600 14px/20px ${FAMILY};border-radius:4px;text-align:center;z-index:1;`;

export class DiagramEdits {
  #wrap;
  #layer;                    // the buttons' layer
  #field;                    // the weight's field and its message
  #input;
  #message;
  #edits = null;
  #item = null;              // the weight being edited
  #buttons = [];

  constructor(wrap) {
    this.#wrap = wrap;
    const doc = wrap.ownerDocument;
    this.#layer = doc.createElement('div');
    this.#layer.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;';
    this.#field = doc.createElement('div');
    this.#field.style.cssText = 'position:absolute;z-index:3;';
    this.#field.hidden = true; // (hidden, not display: none: a page's checks skip what is in a [hidden] element)
    this.#input = doc.createElement('input');
    this.#input.type = 'text';
    this.#input.inputMode = 'decimal';
    this.#input.className = 'netdiagram-weight';
    this.#input.spellcheck = false;
    this.#input.setAttribute('aria-label', 'New value for a weight');
    this.#input.autocomplete = 'off';
    this.#input.style.cssText = `width:7.5em;font:13px ${FAMILY};padding:2px 4px;border:2px solid ${rgba(INK)};border-radius:4px;` +
      `background:${rgba(WHITE)};color:${rgba(INK)};box-shadow:0 2px 8px rgba(0,0,0,.2);`;
    this.#message = doc.createElement('div');
    this.#message.className = 'netdiagram-weight-error';
    this.#message.setAttribute('role', 'alert');
    this.#message.style.cssText = `display:none;max-width:260px;margin-top:2px;padding:3px 6px;border-radius:4px;font:12px/1.3 ${FAMILY};` +
      `background:${rgba(WHITE)};color:${rgba(NEG)};border:1px solid ${rgba(NEG)};white-space:normal;`;
    this.#field.append(this.#input, this.#message);
    wrap.append(this.#layer, this.#field);
    this.#input.addEventListener('keydown', (e) => {
      e.stopPropagation(); // the diagram's arrow keys and the page's shortcuts stay out of the field
      if (e.key === 'Enter') {
        e.preventDefault();
        this.#commit();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.close(true);
      }
    });
    this.#input.addEventListener('blur', () => this.close(false));
    this.#input.addEventListener('input', () => { this.#message.style.display = 'none'; });
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
  get editing() { return this.#item; }

  /** An input feature's row clicked: toggled, if the page lets it. */
  input(row) {
    if (this.inputs) this.#edits.input(row);
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

  /** Opens the field for a weight: item { layer, from, to, label }, at (x, y) in CSS px, named label, showing value. */
  open(item, { x, y, label, value, width }) {
    if (!this.weights) return;
    this.#item = item;
    this.#input.value = String(value);
    this.#input.setAttribute('aria-label', `New value for the weight ${label}`);
    this.#input.setAttribute('aria-invalid', 'false');
    this.#message.style.display = 'none';
    this.#field.hidden = false;
    const left = Math.max(0, Math.min(x - 50, width - 130));
    this.#field.style.left = `${Math.round(left)}px`;
    this.#field.style.top = `${Math.round(y - 14)}px`;
    this.#input.focus();
    this.#input.select();
  }

  /** Closes the field; refocus: give the focus back to the diagram. */
  close(refocus) {
    if (!this.#item) return;
    this.#item = null;
    this.#field.hidden = true;
    this.#message.style.display = 'none';
    if (refocus) this.#wrap.parentElement?.focus();
  }

  async #commit() {
    const item = this.#item;
    if (!item || !this.weights) return;
    try {
      await this.#edits.weight(item, this.#input.value);
    } catch (e) {
      if (this.#item !== item) return;
      this.#input.setAttribute('aria-invalid', 'true');
      this.#message.textContent = e && e.message ? e.message : String(e);
      this.#message.style.display = 'block';
      this.#input.focus();
      return;
    }
    if (this.#item === item) this.close(true);
  }

  destroy() {
    this.#layer.remove();
    this.#field.remove();
    this.#buttons = [];
    this.#edits = null;
  }
}
