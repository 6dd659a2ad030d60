// losschart.mjs - the loss curves (training and test loss per epoch) on a
// LineChart: real axes, a legend that reads the latest epoch's losses (the
// hovered epoch's under the pointer), a log-scale toggle, and a note under
// the curves (why a run stopped, what to do).

import { LineChart } from './linechart.mjs';
import { NEG, POS, hex } from './palette.mjs';

export class LossChart {
  #chart;
  #data = [[], [], []];
  #note;

  constructor(el) {
    this.#note = document.createElement('p');
    this.#note.className = 'chart-note';
    this.#note.setAttribute('role', 'alert');
    this.#note.hidden = true;
    el.after(this.#note);
    this.#chart = new LineChart(el, {
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [{ label: 'train', colour: hex(POS), width: 2 }, { label: 'test', colour: hex(NEG), width: 2, dash: [6, 3] }],
    });
  }

  /** On a log axis a loss of 0 (or below) has no place: it is left out. */
  set logScale(on) {
    this.#chart.log = on;
  }

  get logScale() { return this.#chart.log; }

  /** Appends epochs: first is the number of the first (0: before training); loss and valLoss arrays (valLoss may be absent). */
  append(first, loss, valLoss) {
    const [e, l, v] = this.#data;
    for (let i = 0; i < loss.length; i++) {
      e.push(first + i);
      l.push(Number.isFinite(loss[i]) ? loss[i] : null);
      v.push(valLoss && Number.isFinite(valLoss[i]) ? valLoss[i] : null);
    }
  }

  /** Clears the curves and the note. */
  clear() {
    this.#data = [[], [], []];
    this.note = '';
    this.draw();
  }

  /** The note under the chart; '' hides it. */
  set note(text) {
    this.#note.textContent = text;
    this.#note.hidden = !text;
  }

  get note() { return this.#note.hidden ? '' : this.#note.textContent; }

  get length() { return this.#data[0].length; }

  /** [epochs, losses, test losses] (null where there was none). */
  rows() { return this.#data.map((a) => a.slice()); }

  /** Redraws with the data appended so far (call once per animation frame at most). */
  draw() {
    this.#chart.setData(this.#data[0], [this.#data[1], this.#data[2]]);
    this.#chart.draw();
  }
}
