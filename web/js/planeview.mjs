// planeview.mjs - the view beside the loss chart: for 2-D data the plane (a
// decision boundary or a surface, with the points, where a click adds or
// removes one), for 1-D data the points and the fitted curve, for a table the
// data views (a confusion matrix, predicted against actual, the digits); its
// title and legend. While a neuron of the diagram is under the pointer, the
// plane shows that neuron's output (the worker's layerOutputs, as the
// diagram's thumbnail has it) in place of the model's; the test points are
// shown or not (config.showTest, the view's "Test data" toggle).

import { DATASETS, FEATURES } from './choices.mjs';
import { GRID, prepare, toUnit } from './data.mjs';
import { drawColorBar, drawCurve, drawPlane } from './plots.mjs';
import { reset } from './run.mjs';
import { $, InputError, act, config, fmt, isTable, lazy, locked, output, page, showError, task, views } from './state.mjs';

/** The view of a table (tableview.mjs): loaded once a table is chosen, as the built-in sets do not use it. */
const tableView = lazy(() => import('./tableview.mjs'), 'the views of a table');

/** Starts loading the table view; the view is drawn again once it has come. */
function loadTableView() {
  tableView.load().then(() => { page.viewDirty = true; }).catch(() => {}); // lazy() has said why on the page
}

/** Draws the view of the data in use with the latest predictions. */
export function drawView() {
  const { data, raw, predictions } = page;
  if (!data || !raw) return;
  const canvas = $('heatmap');
  if (data.table) {
    if (tableView.module) tableView.module.drawTable(canvas);
    else loadTableView();
  } else if (data.dims === 1) {
    drawCurve(canvas, { xs: data.gridPts, ys: predictions && predictions.grid, points: shownPoints(data), xr: raw.xr, yr: raw.yr });
  } else {
    const neuron = hoveredNeuron();
    let grid = null;
    let g = GRID;
    if (neuron) {
      grid = neuron.tone;
      g = neuron.cells;
    } else if (predictions) {
      grid = new Float32Array(GRID * GRID);
      for (let i = 0; i < grid.length; i++) grid[i] = toUnit(predictions.grid[i]);
    }
    const continuous = task() === 'regression';
    const discretize = !neuron && $('discretize').checked && !continuous;
    $('view-title').textContent = neuron ? neuron.title : viewTitle();
    drawPlane(canvas, { grid, g, points: shownPoints(data), domain: DATASETS[config.dataset].domain, discretize });
    drawColorBar($('colorbar'), { ticks: neuron ? neuron.ticks : colorTicks(), discretize });
  }
}

/** The points the view draws: with the test points, or (the toggle off) the training points only. */
function shownPoints(data) {
  if (config.showTest !== false) return data.points;
  if (!data.trainPoints) data.trainPoints = data.points.filter((p) => !p.test);
  return data.trainPoints;
}

/** The diagram's neuron under the pointer: its output over the plane on the colour scale, the scale's ticks and a title; or null. */
function hoveredNeuron() {
  const h = page.hovered;
  const { diagram } = views;
  if (!h || !diagram) return null;
  const values = diagram.neuronGrid(h.column, h.index);
  const tone = diagram.neuronTone(h.column, h.index);
  if (!values || !tone) return null;
  const last = config.layers.length + 1;
  const act = h.column === 0 ? 'linear' : h.column === last ? output().activation : config.layers[h.column - 1].activation;
  let m = 0;
  for (const v of values) if (Math.abs(v) > m && Number.isFinite(v)) m = Math.abs(v);
  const [lo, mid, hi] = act === 'sigmoid' ? [0, 0.5, 1] : act === 'tanh' || act === 'softmax' ? [-1, 0, 1] : [-m, 0, m];
  const title = h.column === 0 ? `Input feature ${FEATURES[h.index] ? FEATURES[h.index].label : h.index + 1} over the plane`
    : h.column === last ? 'The output neuron over the plane' : `Layer ${h.column}, neuron ${h.index + 1}: its output over the plane`;
  return {
    tone, cells: Math.round(Math.sqrt(tone.length)), title,
    ticks: [lo, mid, hi].map((v, k) => ({ at: k / 2, text: String(Number(v.toPrecision(3))) })),
  };
}

/**
 * The colour bar's ticks: a classifier's output from class 0 to class 1 (its
 * boundary at the middle), a regression's predicted value over the view's range.
 */
function colorTicks() {
  if (task() === 'classification') {
    const [lo, hi] = output().signed ? ['-1', '1'] : ['0', '1'];
    return [{ at: 0, text: `${lo}: class 0` }, { at: 0.5, text: output().signed ? '0' : '0.5' }, { at: 1, text: `class 1: ${hi}` }];
  }
  const [lo, hi] = page.raw.yr;
  return [0, 0.25, 0.5, 0.75, 1].map((at) => ({ at, text: fmt(lo + at * (hi - lo), 3) }));
}

function viewTitle() {
  if (config.dataset === 'digits') return 'Test images and predicted digits';
  if (isTable()) return task() === 'classification' ? 'Confusion matrix (test rows)' : 'Predicted versus actual';
  if (DATASETS[config.dataset].dims === 1) return 'Data and fitted curve';
  return task() === 'classification' ? 'Decision boundary' : 'Prediction';
}

export function renderLegend() {
  const el = $('legend');
  if (isTable()) {
    el.textContent = config.dataset === 'digits' ? 'wrong predictions are marked in red'
      : task() === 'classification' ? 'rows: actual class, columns: predicted; the diagonal is right'
        : 'filled: training, outlined: test; on the diagonal the prediction is exact';
  } else if (task() === 'classification') {
    el.replaceChildren(swatch('neg'), 'class 0 ', swatch('pos'), 'class 1 · filled: training, outlined: test');
  } else if (DATASETS[config.dataset].dims === 1) {
    el.replaceChildren(swatch('pos'), 'training ', swatch('ring'), 'test · line: the model');
  } else {
    el.replaceChildren('colour: the value, ', swatch('neg'), 'low to ', swatch('pos'), 'high · filled: training, outlined: test');
  }
}

/** A legend's colour sample: its colour from style.css (the page's CSP allows no style attributes). */
function swatch(kind) {
  const sw = document.createElement('span');
  sw.className = `sw ${kind}`;
  return sw;
}

/** The view's title, legend and whether a click adds points, for the configuration. */
export function renderView() {
  if (isTable() && !tableView.module) loadTableView(); // before the data and model are ready, which take longer
  $('view-title').textContent = viewTitle();
  $('colorbar').hidden = isTable() || DATASETS[config.dataset].dims !== 2;
  $('discretize').disabled = task() !== 'classification' || isTable();
  $('show-test').checked = config.showTest !== false;
  $('show-test').disabled = isTable();
  const clickable = !isTable() && DATASETS[config.dataset].dims === 2 && task() === 'classification' && !locked();
  $('add-hint').hidden = !clickable;
  $('add-class').disabled = locked();
  $('heatmap').classList.toggle('clickable', clickable);
  renderLegend();
}

/** Adds a point where the plane view was clicked, or removes the one under the pointer. */
function planeClick(e) {
  if (isTable() || DATASETS[config.dataset].dims !== 2 || task() !== 'classification' || locked()) return null;
  const canvas = $('heatmap');
  const rect = canvas.getBoundingClientRect();
  const [lo, hi] = DATASETS[config.dataset].domain;
  const a = lo + ((e.clientX - rect.left) / rect.width) * (hi - lo);
  const b = hi - ((e.clientY - rect.top) / rect.height) * (hi - lo);
  if (e.altKey || e.type === 'contextmenu') {
    // The nearest point within 8 px.
    const tol = (8 / rect.width) * (hi - lo);
    let best = null;
    let bestD = tol * tol;
    const { data } = page;
    const consider = (pts, rows, n) => {
      for (let i = 0; i < n; i++) {
        const d = (pts[2 * i] - a) ** 2 + (pts[2 * i + 1] - b) ** 2;
        if (d <= bestD) { bestD = d; best = rows[i]; }
      }
    };
    consider(data.trainPts, data.trainRows, data.nTrain);
    consider(data.testPts, data.testRows, data.nTest);
    if (best === null) return null;
    if (data.nTrain === 1 && data.trainRows[0] === best) {
      // Training needs a row: the run and the data stay as they are.
      throw new InputError('the last training point cannot be removed: add another first');
    }
    return () => {
      if (best < 0) config.added.splice(-1 - best, 1);
      else config.removed = [...new Set([...config.removed, best])].sort((x, y) => x - y);
    };
  }
  const chosen = Number($('add-class').value);
  const c = e.shiftKey ? 1 - chosen : chosen;
  return () => { config.added.push([Number(a.toFixed(3)), Number(b.toFixed(3)), c]); };
}

export function wireView() {
  const clicked = (e) => {
    let change;
    try {
      change = planeClick(e);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      e.preventDefault();
      showError(err.message);
      return;
    }
    if (!change) return;
    e.preventDefault();
    act(async () => {
      change();
      prepare();
      await reset();
    });
  };
  $('heatmap').addEventListener('click', clicked);
  $('heatmap').addEventListener('contextmenu', clicked);
  $('discretize').addEventListener('change', () => { page.dirty = true; });
  // A view toggle (kept in the link), so it stays under lock.
  $('show-test').addEventListener('change', () => act(() => {
    config.showTest = $('show-test').checked;
    page.dirty = true;
  }));
}
