// tunecurves.mjs - the Tune panel's fold curves: the training (solid) and
// validation (dashed) loss per epoch of each fold of one configuration, in
// uPlot, a colour per fold, and their legend (a swatch per fold, the two line
// styles).

import uPlot from '../vendor/uPlot.mjs';
import { FOLD_COLOURS, GRID, MUTED, hex } from './palette.mjs';
import { fmt } from './tuneparams.mjs';

/** A plot of curves ({loss, valLoss}: per fold, per epoch) of size {width, height} in box: {plot, series, epochs}. */
export function foldCurves({ loss, valLoss }, size, box) {
  const epochs = loss[0] ? loss[0].length : 0;
  const clean = (a) => a.map((v) => (Number.isFinite(v) ? v : null));
  const data = [Array.from({ length: epochs }, (_, i) => i + 1)];
  const series = [{ label: 'epoch' }];
  loss.forEach((fold, k) => {
    const stroke = FOLD_COLOURS[k % FOLD_COLOURS.length];
    data.push(clean(fold), clean(valLoss[k]));
    series.push({ label: `fold ${k + 1} training`, stroke, width: 1.5, points: { show: false } },
      { label: `fold ${k + 1} validation`, stroke, width: 1.5, dash: [5, 3], points: { show: false } });
  });
  const plot = new uPlot({
    ...size,
    scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
    axes: [
      { label: 'epoch', stroke: hex(MUTED), grid: { stroke: hex(GRID) } },
      { label: 'loss', stroke: hex(MUTED), grid: { stroke: hex(GRID) }, size: 56, values: (u, vals) => vals.map((v) => fmt(v, 3)) },
    ],
    series,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
  }, data, box);
  return { plot, series: series.length - 1, epochs };
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
