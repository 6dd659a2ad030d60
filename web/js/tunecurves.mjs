// tunecurves.mjs - the Tune panel's fold curves: the training (solid) and
// validation (dashed) loss per epoch of each fold of one configuration, in
// a LineChart, a colour per fold, and their legend (a swatch per fold, the two line
// styles).

import { LineChart } from './linechart.mjs';
import { FOLD_COLOURS } from './palette.mjs';
import { fmt } from './tuneparams.mjs';

/** A plot of curves ({loss, valLoss}: per fold, per epoch) in box, height(width) px high: {plot, series, epochs}. */
export function foldCurves({ loss, valLoss }, height, box) {
  const epochs = loss[0] ? loss[0].length : 0;
  const clean = (a) => a.map((v) => (Number.isFinite(v) ? v : null));
  const ys = [];
  const series = [];
  loss.forEach((fold, k) => {
    const colour = FOLD_COLOURS[k % FOLD_COLOURS.length];
    ys.push(clean(fold), clean(valLoss[k]));
    series.push({ label: `fold ${k + 1} training`, colour, width: 1.5 }, { label: `fold ${k + 1} validation`, colour, width: 1.5, dash: [5, 3] });
  });
  const plot = new LineChart(box, { xLabel: 'epoch', yLabel: 'loss', series, legend: false, height, format: (v) => fmt(v, 3) });
  plot.setData(Array.from({ length: epochs }, (_, i) => i + 1), ys);
  return { plot, series: series.length, epochs };
}

/**
 * The legend of a plot of `folds` folds in el: a swatch of each fold's colour
 * and the two line styles (training solid, validation dashed). Colours are
 * set through the CSSOM (the page's CSP allows no style attribute).
 */
export function foldLegend(el, folds) {
  const item = (className, text, colour) => {
    const span = document.createElement('span');
    span.className = 'key';
    const mark = document.createElement('span');
    mark.className = className;
    if (colour) mark.style.background = colour;
    span.append(mark, text);
    return span;
  };
  el.replaceChildren(
    ...Array.from({ length: folds }, (_, k) => item('swatch', `fold ${k + 1}`, FOLD_COLOURS[k % FOLD_COLOURS.length])),
    item('line solid', 'training'),
    item('line dashed', 'validation'),
  );
  el.hidden = folds === 0;
}
