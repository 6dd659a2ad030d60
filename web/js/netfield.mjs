// netfield.mjs - the field that opens on a weight line of the network diagram
// to type its value (netedit.mjs's DiagramEdits holds it as .field): made
// with the diagram's pointer handling (netpointer.mjs) the first time a
// weight is clicked, as most visits never edit one. Enter commits through the
// page's weight(item, text), whose throw or rejection is shown under the
// field until a value is taken; Escape or leaving the field closes it.
//
// Plain DOM elements styled through the CSSOM (the page's CSP allows no style
// attributes); the class names netdiagram-weight and netdiagram-weight-error
// allow overrides.

import { FAMILY, INK, NEG, WHITE, rgba } from './palette.mjs';

export class WeightField {
  #wrap;
  #edits;                    // the DiagramEdits it belongs to
  #field;                    // the field and its message
  #input;
  #message;
  #item = null;              // the weight being edited

  constructor(wrap, edits) {
    this.#wrap = wrap;
    this.#edits = edits;
    const doc = wrap.ownerDocument;
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
    wrap.append(this.#field);
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

  /** The weight being edited ({ layer, from, to, label }), or null. */
  get editing() { return this.#item; }

  /** Opens the field for a weight: item { layer, from, to, label }, at (x, y) in CSS px, named label, showing value. */
  open(item, { x, y, label, value, width }) {
    if (!this.#edits.weights) return;
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
    if (!item || !this.#edits.weights) return;
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
    this.#field.remove();
  }
}
