// app.mjs - the playground's main thread. Training runs in a Web Worker
// (lib/worker.mjs, through lib/client.mjs); this thread keeps the controls,
// asks the worker for data, training and predictions, and draws once per
// animation frame.

import { DescentClient } from '../lib/client.mjs';
import { LossChart } from './losschart.mjs';
import { drawCurve, drawPlane } from './plots.mjs';

// ------------------------------------------------------------------ constants

const DATASETS = {
  circle: { task: 'classification', dims: 2 },
  xor: { task: 'classification', dims: 2 },
  gaussian: { task: 'classification', dims: 2 },
  spiral: { task: 'classification', dims: 2 },
  line: { task: 'regression', dims: 1 },
  curve: { task: 'regression', dims: 1 },
  plane: { task: 'regression', dims: 2 },
  multigauss: { task: 'regression', dims: 2 },
};

/** The 2-D input features, computed from the point (a, b) in [-6, 6]² and scaled to about [-1, 1]. */
const FEATURES = [
  { id: 'x1', label: 'x₁', f: (a) => a / 6 },
  { id: 'x2', label: 'x₂', f: (a, b) => b / 6 },
  { id: 'x1sq', label: 'x₁²', f: (a) => (a / 6) ** 2 },
  { id: 'x2sq', label: 'x₂²', f: (a, b) => (b / 6) ** 2 },
  { id: 'x1x2', label: 'x₁·x₂', f: (a, b) => (a * b) / 36 },
  { id: 'sin1', label: 'sin x₁', f: (a) => Math.sin(a) },
  { id: 'sin2', label: 'sin x₂', f: (a, b) => Math.sin(b) },
];

/** Output layer and loss. signed: class targets are -1 and 1 (the output's range), not 0 and 1. */
const OUTPUTS = {
  'sigmoid-bce': { activation: 'sigmoid', loss: 'binary_crossentropy', label: 'sigmoid · binary cross-entropy', tasks: ['classification'] },
  'sigmoid-mse': { activation: 'sigmoid', loss: 'mse', label: 'sigmoid · mean squared error', tasks: ['classification', 'regression'] },
  'tanh-mse': { activation: 'tanh', loss: 'mse', label: 'tanh · mean squared error', signed: true, tasks: ['classification', 'regression'] },
  'linear-mse': { activation: 'linear', loss: 'mse', label: 'linear · mean squared error', signed: true, tasks: ['regression', 'classification'] },
};
const DEFAULT_OUTPUT = { classification: 'sigmoid-bce', regression: 'linear-mse' };

const ACTIVATIONS = [['relu', 'ReLU'], ['leaky_relu', 'leaky ReLU'], ['tanh', 'tanh'], ['sigmoid', 'sigmoid'], ['linear', 'linear']];

/** Each optimizer's own hyper-parameters (beyond the learning rate), with the defaults descent uses. */
const HYPER = {
  sgd: [],
  momentum: [{ key: 'momentum', label: 'momentum', min: 0, max: 1 }],
  nesterov: [{ key: 'momentum', label: 'momentum', min: 0, max: 1 }],
  adagrad: [{ key: 'initialAccumulatorValue', label: 'initial accumulator', min: 1e-12, max: 100, exclusiveMin: 0 }],
  rmsprop: [
    { key: 'rho', label: 'rho (decay)', min: 0, max: 1 },
    { key: 'momentum', label: 'momentum', min: 0, max: 1 },
    { key: 'epsilon', label: 'epsilon', min: 0, max: 1 },
    { key: 'centered', label: 'centered', bool: true },
  ],
  adam: [
    { key: 'beta1', label: 'beta 1', min: 0, max: 1 },
    { key: 'beta2', label: 'beta 2', min: 0, max: 1 },
    { key: 'epsilon', label: 'epsilon', min: 0, max: 1 },
  ],
};
const OPTIMIZER_DEFAULTS = {
  sgd: { learningRate: 0.01 },
  momentum: { learningRate: 0.01, momentum: 0.9 },
  nesterov: { learningRate: 0.01, momentum: 0.9 },
  adagrad: { learningRate: 0.01, initialAccumulatorValue: 0.1 },
  rmsprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
};

/** The page's starting configuration: everything a run depends on. */
export const DEFAULTS = Object.freeze({
  dataset: 'circle',
  noise: 0.1,
  samples: 400,
  testRatio: 0.5,
  dataSeed: 1,
  features: ['x1', 'x2'],
  layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }],
  output: 'auto',
  init: 'glorot_uniform',
  l1: 0,
  l2: 0,
  seed: 1,
  optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  batchSize: 10,
  epochs: 1000,
  earlyStopping: false,
  patience: 50,
});

const GRID = 50;          // heatmap cells per side
const CURVE_POINTS = 240; // points of the fitted 1-D curve
const DOMAIN = [-6, 6];   // the 2-D sets' plane
const PROGRESS_MS = 40;   // how often the worker reports while training
const CHART_MS = 100;     // the loss chart's redraws while training, at most one per

// ------------------------------------------------------------------ state

const $ = (id) => document.getElementById(id);
const clone = (v) => JSON.parse(JSON.stringify(v));

const config = clone(DEFAULTS);

const page = {
  client: null,
  simd: null,
  version: null,
  modelId: null,
  modelData: null,    // page.data when the model was made
  raw: null,          // the generated set: {x, y, n, features, train, test}
  data: null,         // featurized rows: {xTrain, yTrain, xTest, yTest, xGrid, inputs, nTrain, nTest}
  run: null,          // {token, promise, paused}
  status: 'loading',  // loading | paused | running | done | error
  epochBase: 0,       // epochs finished by earlier runs since the reset
  stepsBase: 0,
  samplesBase: 0,
  progress: null,     // the latest progress of the current run
  firstLoss: null,
  lastLoss: null,
  lastValLoss: null,
  stepsPerSecond: null,
  predictions: null,  // {grid, train, test} from the latest predict
  metrics: null,      // {train, test} accuracy or R²
  predicting: false,
  predictAgain: false,
  dirty: true,        // redraw everything
  viewDirty: false,   // new predictions
  chartDirty: false,  // new epochs
  chartDrawn: 0,
  metricsDirty: false,
  frames: 0,
  queue: Promise.resolve(),
};

let chart;

// ------------------------------------------------------------------ helpers

/** A user's value that cannot be used: shown next to the controls, nothing applied. */
class InputError extends Error {}

function showError(message) {
  const el = $('error');
  el.textContent = message;
  el.hidden = !message;
}

/** Runs actions one after another, so quick clicks never interleave; errors are shown, not thrown. */
function act(fn) {
  page.queue = page.queue.then(fn).then(() => {
    if (page.status !== 'error') showError('');
  }, (e) => {
    showError(e instanceof InputError ? e.message : `descent: ${e && e.message ? e.message : String(e)}`);
    if (!(e instanceof InputError)) console.info(e);
  }).finally(updateButtons);
  return page.queue;
}

function readNumber(el, name, { min, max, integer = false, exclusiveMin = false }) {
  const text = el.value.trim();
  const v = Number(text);
  const range = `${exclusiveMin ? '(' : '['}${min}, ${max}]`;
  const bad = text === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v > max || (exclusiveMin ? v <= min : v < min);
  el.setAttribute('aria-invalid', bad ? 'true' : 'false');
  if (bad) {
    throw new InputError(`${name}: ${JSON.stringify(text)} is not ${integer ? 'an integer' : 'a number'} in ${range}`);
  }
  return v;
}

const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(digits) : v.toExponential(2));
const task = () => DATASETS[config.dataset].task;
const outputKey = () => (config.output === 'auto' || !OUTPUTS[config.output].tasks.includes(task()) ? DEFAULT_OUTPUT[task()] : config.output);
const output = () => OUTPUTS[outputKey()];

// ------------------------------------------------------------------ data

/** Feature rows for points (a, b) or (a) of the current set. */
function featurize(points, n, dims) {
  if (dims === 1) return Float32Array.from(points.subarray(0, n));
  const chosen = FEATURES.filter((f) => config.features.includes(f.id));
  const out = new Float32Array(n * chosen.length);
  for (let i = 0; i < n; i++) {
    const a = points[2 * i];
    const b = points[2 * i + 1];
    for (let j = 0; j < chosen.length; j++) out[i * chosen.length + j] = chosen[j].f(a, b);
  }
  return out;
}

function gridPoints() {
  const dims = DATASETS[config.dataset].dims;
  if (dims === 1) {
    const xs = new Float32Array(CURVE_POINTS);
    const [lo, hi] = page.raw.xr;
    for (let i = 0; i < CURVE_POINTS; i++) xs[i] = lo + ((hi - lo) * i) / (CURVE_POINTS - 1);
    return xs;
  }
  const pts = new Float32Array(GRID * GRID * 2);
  const [lo, hi] = DOMAIN;
  const s = (hi - lo) / GRID;
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      pts[2 * i] = lo + (c + 0.5) * s;
      pts[2 * i + 1] = hi - (r + 0.5) * s;
    }
  }
  return pts;
}

async function generate() {
  const set = await page.client.generate({
    name: config.dataset, n: config.samples, noise: config.noise, seed: config.dataSeed,
    testFraction: config.testRatio, splitSeed: config.dataSeed,
  });
  const dims = set.features;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const v of set.y) { ylo = Math.min(ylo, v); yhi = Math.max(yhi, v); }
  if (!(yhi > ylo)) { ylo -= 1; yhi += 1; }
  const pad = (yhi - ylo) * 0.1;
  page.raw = { ...set, dims, yr: [ylo - pad, yhi + pad], xr: [-1.15, 1.15] };
}

/** The model's rows from the generated set and the chosen features and output. */
function prepare() {
  const { raw } = page;
  const dims = raw.dims;
  const signed = task() === 'classification' && output().signed;
  const pick = (idx) => {
    const pts = new Float32Array(idx.length * dims);
    const y = new Float32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      for (let j = 0; j < dims; j++) pts[i * dims + j] = raw.x[idx[i] * dims + j];
      y[i] = signed ? 2 * raw.y[idx[i]] - 1 : raw.y[idx[i]];
    }
    return { pts, y };
  };
  const train = pick(raw.train);
  const test = pick(raw.test);
  const grid = gridPoints();
  page.data = {
    dims,
    trainPts: train.pts, testPts: test.pts, gridPts: grid,
    xTrain: featurize(train.pts, raw.train.length, dims), yTrain: train.y,
    xTest: featurize(test.pts, raw.test.length, dims), yTest: test.y,
    xGrid: featurize(grid, dims === 1 ? CURVE_POINTS : GRID * GRID, dims),
    inputs: dims === 1 ? 1 : config.features.length,
    nTrain: raw.train.length, nTest: raw.test.length,
  };
  page.data.points = viewPoints(page.data);
  page.predictions = null;
  page.metrics = null;
}

// ------------------------------------------------------------------ model and runs

function modelConfig() {
  const out = output();
  return {
    inputs: page.data.inputs,
    layers: [
      ...config.layers.map((l) => ({ units: l.units, activation: l.activation, l1: config.l1, l2: config.l2 })),
      { units: 1, activation: out.activation, l1: config.l1, l2: config.l2 },
    ],
    loss: out.loss,
    optimizer: { ...config.optimizer },
    init: config.init,
    seed: config.seed,
  };
}

/** Stops the current run, if any, and waits for it to end. */
async function stopRun() {
  const { run } = page;
  if (!run) return;
  page.run = null;
  try {
    await page.client.stop(page.modelId);
  } catch {
    // It had ended already.
  }
  await run.promise.catch(() => {});
  foldRun(run);
}

/** Adds an ended run's epochs and steps to the totals. */
function foldRun(run) {
  if (run.folded) return;
  run.folded = true;
  const p = run.last;
  if (!p) return;
  page.epochBase += p.epoch;
  page.stepsBase += p.steps;
  page.samplesBase += samplesOf(run, p);
}

function samplesOf(run, p) {
  const n = run.rows;
  return p.epoch * n + Math.min(n, p.batch * run.batchSize);
}

/** A train request over the current data for the epochs left, started paused or running. */
function startRun(paused) {
  const epochs = config.epochs - page.epochBase;
  if (epochs <= 0) {
    page.status = 'done';
    return;
  }
  const { data } = page;
  const batchSize = Math.min(config.batchSize, data.nTrain);
  const run = { paused, last: null, folded: false, rows: data.nTrain, batchSize };
  run.promise = page.client.train(page.modelId, {
    x: data.xTrain, y: data.yTrain, validationData: [data.xTest, data.yTest],
    epochs, batchSize,
    earlyStopping: config.earlyStopping ? { patience: config.patience, restoreBestWeights: true } : false,
    progressEvery: { ms: PROGRESS_MS, history: true }, paused, copy: true,
    onProgress: (p) => onProgress(run, p),
  });
  run.promise.then((result) => {
    if (page.run !== run) return;
    page.run = null;
    foldRun(run);
    page.status = 'done';
    if (result.stopped === 'early-stopped') {
      setStatusNote(`early-stopped, weights of epoch ${page.epochBase - result.epochs + result.bestEpoch + 1} restored`);
    }
    predict();
    updateButtons();
  }, (e) => {
    if (page.run !== run) return;
    page.run = null;
    foldRun(run);
    page.status = 'done';
    showError(`training stopped: ${e.message}`);
    updateButtons();
  });
  page.run = run;
  page.status = paused ? 'paused' : 'running';
}

let statusNote = '';
function setStatusNote(text) { statusNote = text; page.dirty = true; }

function onProgress(run, p) {
  // A stopped run's last messages still count; a folded run's are done.
  if (run.folded) return;
  run.last = p;
  page.progress = p;
  if (p.history && p.history.loss.length) {
    chart.append(page.epochBase + p.history.from + 1, p.history.loss, p.history.val_loss);
    if (page.firstLoss === null) page.firstLoss = p.history.loss[0];
  }
  if (p.loss !== undefined) page.lastLoss = p.loss;
  if (p.val_loss !== undefined) page.lastValLoss = p.val_loss;
  if (p.steps > 0) page.stepsPerSecond = p.stepsPerSecond;
  page.chartDirty = true;
  page.metricsDirty = true;
  predict();
}

/** A model made anew from the configuration (the same seed, the same weights), paused before its first batch. */
async function reset() {
  await stopRun();
  if (page.modelId !== null) {
    const old = page.modelId;
    page.modelId = null;
    await page.client.dispose(old).catch(() => {});
  }
  const created = await page.client.createModel(modelConfig());
  page.modelId = created;
  page.modelData = page.data;
  page.epochBase = 0;
  page.stepsBase = 0;
  page.samplesBase = 0;
  page.progress = null;
  page.firstLoss = null;
  page.lastLoss = null;
  page.lastValLoss = null;
  page.stepsPerSecond = null;
  statusNote = '';
  chart.clear();
  startRun(true);
  page.dirty = true;
  await predict();
}

/** Asks the worker for the model's outputs on the grid and on every data row; one request at a time. */
async function predict() {
  if (page.modelId === null) return;
  if (page.predicting) {
    page.predictAgain = true;
    return;
  }
  page.predicting = true;
  try {
    do {
      page.predictAgain = false;
      // The rows the model was made for (the page's may be newer, its model not yet made).
      const data = page.modelData;
      const nGrid = data.xGrid.length / data.inputs;
      const x = new Float32Array(data.xGrid.length + data.xTrain.length + data.xTest.length);
      x.set(data.xGrid, 0);
      x.set(data.xTrain, data.xGrid.length);
      x.set(data.xTest, data.xGrid.length + data.xTrain.length);
      const modelId = page.modelId;
      const y = await page.client.predict(modelId, x);
      if (modelId !== page.modelId || data !== page.data) continue;
      page.predictions = {
        grid: y.subarray(0, nGrid),
        train: y.subarray(nGrid, nGrid + data.nTrain),
        test: y.subarray(nGrid + data.nTrain),
      };
      page.metrics = {
        train: score(page.predictions.train, data.yTrain),
        test: score(page.predictions.test, data.yTest),
      };
      page.viewDirty = true;
      page.metricsDirty = true;
    } while (page.predictAgain);
  } catch (e) {
    // A model disposed meanwhile is no error; anything else is shown.
    if (!/unknown model id/.test(e.message)) showError(`predict: ${e.message}`);
  } finally {
    page.predicting = false;
  }
}

/** Accuracy (classification) or R² (regression) of predictions p against targets y. */
function score(p, y) {
  if (!y.length) return null;
  if (task() === 'classification') {
    const cut = output().signed ? 0 : 0.5;
    let ok = 0;
    for (let i = 0; i < y.length; i++) ok += (p[i] >= cut) === (y[i] >= cut) ? 1 : 0;
    return ok / y.length;
  }
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i] - p[i]) ** 2;
    tot += (y[i] - mean) ** 2;
  }
  return tot > 0 ? 1 - res / tot : null;
}

// ------------------------------------------------------------------ drawing

/** An output value as a position on the colour scale [0, 1]. */
function toUnit(v) {
  if (task() === 'classification') return output().signed ? (v + 1) / 2 : v;
  const [lo, hi] = page.raw.yr;
  return (v - lo) / (hi - lo);
}

/** The data points as the views draw them (made once per data set). */
function viewPoints(data) {
  const points = [];
  if (data.dims === 1) {
    for (let i = 0; i < data.nTrain; i++) points.push({ a: data.trainPts[i], b: data.yTrain[i], test: false });
    for (let i = 0; i < data.nTest; i++) points.push({ a: data.testPts[i], b: data.yTest[i], test: true });
    return points;
  }
  const continuous = task() === 'regression';
  const signed = task() === 'classification' && output().signed;
  const unitY = (v) => (continuous ? toUnit(v) : signed ? (v + 1) / 2 : v);
  for (let i = 0; i < data.nTrain; i++) points.push({ a: data.trainPts[2 * i], b: data.trainPts[2 * i + 1], t: unitY(data.yTrain[i]), test: false, continuous });
  for (let i = 0; i < data.nTest; i++) points.push({ a: data.testPts[2 * i], b: data.testPts[2 * i + 1], t: unitY(data.yTest[i]), test: true, continuous });
  return points;
}

function drawView() {
  const { data, raw, predictions } = page;
  if (!data || !raw) return;
  const canvas = $('heatmap');
  if (data.dims === 1) {
    drawCurve(canvas, { xs: data.gridPts, ys: predictions && predictions.grid, points: data.points, xr: raw.xr, yr: raw.yr });
  } else {
    let grid = null;
    if (predictions) {
      grid = new Float32Array(GRID * GRID);
      for (let i = 0; i < grid.length; i++) grid[i] = toUnit(predictions.grid[i]);
    }
    const continuous = task() === 'regression';
    drawPlane(canvas, { grid, g: GRID, points: data.points, domain: DOMAIN, discretize: $('discretize').checked && !continuous });
  }
}

/** Epochs, steps and samples since the reset: earlier runs' plus the current run's. */
function totals() {
  const p = page.run && page.run.last;
  return {
    epoch: page.epochBase + (p ? p.epoch : 0),
    steps: page.stepsBase + (p ? p.steps : 0),
    samples: page.samplesBase + (p ? samplesOf(page.run, p) : 0),
  };
}

function writeMetrics() {
  const { epoch, steps, samples } = totals();
  const set = (id, text) => { const el = $(id); if (el.textContent !== text) el.textContent = text; };
  set('m-epoch', String(epoch));
  set('k-epoch', String(epoch));
  set('k-samples', samples.toLocaleString('en-US'));
  set('k-sps', page.stepsPerSecond ? Math.round(page.stepsPerSecond).toLocaleString('en-US') : '–');
  set('m-loss', fmt(page.lastLoss));
  set('k-loss', fmt(page.lastLoss));
  set('m-val-loss', fmt(page.lastValLoss));
  set('k-val-loss', fmt(page.lastValLoss));
  const cls = task() === 'classification';
  set('k-metric-name', cls ? 'Train accuracy' : 'Train R²');
  set('k-val-metric-name', cls ? 'Test accuracy' : 'Test R²');
  const m = page.metrics;
  set('k-metric', m ? fmt(m.train, 3) : '–');
  set('k-val-metric', m ? fmt(m.test, 3) : '–');
  const status = { loading: 'loading…', paused: steps ? 'paused' : 'ready', running: 'training', done: 'finished', error: 'error' }[page.status];
  set('k-status', statusNote && page.status === 'done' ? `${status}: ${statusNote}` : status);
}

/** Once per animation frame: what changed is drawn; the chart at most every CHART_MS while training. */
function frame(now) {
  page.frames++;
  if (page.dirty) {
    page.dirty = false;
    page.viewDirty = page.chartDirty = page.metricsDirty = true;
  }
  if (page.viewDirty) {
    page.viewDirty = false;
    drawView();
  }
  if (page.chartDirty && (page.status !== 'running' || now - page.chartDrawn >= CHART_MS)) {
    page.chartDirty = false;
    page.chartDrawn = now;
    chart.draw();
  }
  if (page.metricsDirty) {
    page.metricsDirty = false;
    writeMetrics();
  }
  requestAnimationFrame(frame);
}

function updateButtons() {
  const ready = page.modelId !== null;
  const running = page.status === 'running';
  const play = $('play');
  play.innerHTML = running ? '❚❚ <span>Pause</span>' : '▶ <span>Train</span>';
  play.setAttribute('aria-pressed', running ? 'true' : 'false');
  play.disabled = !ready || (page.status === 'done' && page.epochBase >= config.epochs);
  for (const id of ['reset', 'new-seed']) $(id).disabled = !ready;
  for (const id of ['step-batch', 'step-epoch']) $(id).disabled = !ready || (page.status === 'done' && page.epochBase >= config.epochs);
  page.dirty = true;
}

// ------------------------------------------------------------------ actions

async function playPause() {
  if (page.status === 'running') {
    await page.client.pause(page.modelId);
    if (page.run) page.run.paused = true;
    page.status = 'paused';
  } else if (page.status === 'paused' && page.run) {
    await page.client.resume(page.modelId);
    page.run.paused = false;
    page.status = 'running';
  } else if (page.status === 'done') {
    if (page.epochBase >= config.epochs) throw new InputError(`The epoch limit (${config.epochs}) is reached: raise it or reset.`);
    startRun(false);
  }
}

async function step(epoch) {
  if (page.status === 'running') await playPause();
  if (page.status === 'done') {
    if (page.epochBase >= config.epochs) throw new InputError(`The epoch limit (${config.epochs}) is reached: raise it or reset.`);
    startRun(true);
  }
  if (!page.run) return;
  await page.client.step(page.modelId, epoch ? { epoch: true } : {});
}

/** A new run of the same model with the current batch size, limit and early stopping; paused stays paused. */
async function restartRun() {
  if (page.modelId === null) return;
  const wasRunning = page.status === 'running';
  await stopRun();
  startRun(!wasRunning);
}

async function applyOptimizer() {
  if (page.modelId !== null) await page.client.setOptimizer(page.modelId, { ...config.optimizer });
}

async function newData() {
  await generate();
  prepare();
  await reset();
}

// ------------------------------------------------------------------ controls

function renderOutputs() {
  const sel = $('output');
  const t = task();
  sel.replaceChildren();
  sel.append(new Option(`auto: ${OUTPUTS[DEFAULT_OUTPUT[t]].label}`, 'auto'));
  for (const [key, o] of Object.entries(OUTPUTS)) {
    if (o.tasks.includes(t) && key !== DEFAULT_OUTPUT[t]) sel.append(new Option(o.label + (o.signed && t === 'classification' ? ' (labels ±1)' : ''), key));
  }
  sel.value = [...sel.options].some((o) => o.value === config.output) ? config.output : 'auto';
}

function renderFeatures() {
  const list = $('feature-list');
  list.replaceChildren();
  const two = DATASETS[config.dataset].dims === 2;
  $('features').hidden = !two;
  if (!two) return;
  for (const f of FEATURES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = f.id;
    box.id = `feature-${f.id}`;
    box.checked = config.features.includes(f.id);
    label.append(box, ` ${f.label}`);
    list.append(label);
  }
}

function renderLayers() {
  const list = $('layers');
  list.replaceChildren();
  config.layers.forEach((layer, i) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `Layer ${i + 1}`;
    const units = document.createElement('input');
    units.type = 'number';
    units.min = '1';
    units.max = '256';
    units.step = '1';
    units.value = String(layer.units);
    units.dataset.layer = String(i);
    units.className = 'units';
    units.setAttribute('aria-label', `Units in hidden layer ${i + 1}`);
    const act = document.createElement('select');
    act.dataset.layer = String(i);
    act.className = 'activation';
    act.setAttribute('aria-label', `Activation of hidden layer ${i + 1}`);
    for (const [value, text] of ACTIVATIONS) act.append(new Option(text, value));
    act.value = layer.activation;
    li.append(name, units, act);
    list.append(li);
  });
  $('layer-count').textContent = String(config.layers.length);
  $('add-layer').disabled = config.layers.length >= 8;
  $('remove-layer').disabled = config.layers.length === 0;
}

function renderHyper() {
  const box = $('hyper');
  box.replaceChildren();
  for (const h of HYPER[config.optimizer.name]) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.id = `hp-${h.key}`;
    input.dataset.key = h.key;
    if (h.bool) {
      label.className = 'check';
      input.type = 'checkbox';
      input.checked = !!config.optimizer[h.key];
      label.append(input, ` ${h.label}`);
    } else {
      input.type = 'number';
      input.step = 'any';
      input.min = String(h.min);
      input.max = String(h.max);
      input.value = String(config.optimizer[h.key]);
      label.append(`${h.label} `, input);
    }
    box.append(label);
  }
}

const lrToSlider = (lr) => Math.log10(lr);
const batchMax = () => (page.data ? page.data.nTrain : config.samples);
const batchToSlider = (b) => Math.log(b) / Math.log(Math.max(2, batchMax()));
const sliderToBatch = (s) => Math.max(1, Math.min(batchMax(), Math.round(Math.exp(s * Math.log(Math.max(2, batchMax()))))));

/** Writes the configuration into every control. */
function renderAll() {
  $('dataset').value = config.dataset;
  $('noise').value = String(config.noise);
  $('noise-out').textContent = config.noise.toFixed(2);
  $('samples').value = String(config.samples);
  $('samples-out').textContent = String(config.samples);
  $('test-ratio').value = String(config.testRatio);
  $('test-ratio-out').textContent = `${Math.round(config.testRatio * 100)}%`;
  $('data-seed').value = String(config.dataSeed);
  renderFeatures();
  renderLayers();
  renderOutputs();
  $('init').value = config.init;
  $('l1').value = String(config.l1);
  $('l2').value = String(config.l2);
  $('seed').value = String(config.seed);
  $('optimizer').value = config.optimizer.name;
  $('lr').value = String(config.optimizer.learningRate);
  $('lr-slider').value = String(lrToSlider(config.optimizer.learningRate));
  renderHyper();
  renderBatch();
  $('epochs').value = String(config.epochs);
  $('early').checked = config.earlyStopping;
  $('patience').value = String(config.patience);
  $('patience').disabled = !config.earlyStopping;
  $('view-title').textContent = DATASETS[config.dataset].dims === 1 ? 'Data and fitted curve' : task() === 'classification' ? 'Decision boundary' : 'Prediction';
  $('discretize').disabled = task() !== 'classification';
  renderLegend();
}

function renderBatch() {
  const b = Math.min(config.batchSize, batchMax());
  $('batch').max = String(batchMax());
  $('batch').value = String(b);
  $('batch-slider').value = String(batchToSlider(b));
  $('batch-out').textContent = b >= batchMax() ? `${b} (full batch)` : b === 1 ? '1 (stochastic)' : String(b);
}

function renderLegend() {
  const el = $('legend');
  if (task() === 'classification') {
    el.innerHTML = '<span class="sw" style="background:#e8710a"></span>class 0 <span class="sw" style="background:#1769aa"></span>class 1 · filled: training, outlined: test';
  } else if (DATASETS[config.dataset].dims === 1) {
    el.innerHTML = '<span class="sw" style="background:#1769aa"></span>training <span class="sw" style="border:2px solid #e8710a"></span>test · line: the model';
  } else {
    el.innerHTML = 'colour: the value, <span class="sw" style="background:#e8710a"></span>low to <span class="sw" style="background:#1769aa"></span>high · filled: training, outlined: test';
  }
}

/** Wires one control: read (validate) then apply as an action. */
function on(el, event, fn) {
  el.addEventListener(event, (e) => act(() => fn(e)));
}

function wire() {
  on($('dataset'), 'change', async () => {
    config.dataset = $('dataset').value;
    if (config.output !== 'auto' && !OUTPUTS[config.output].tasks.includes(task())) config.output = 'auto';
    renderAll();
    await newData();
    renderBatch();
  });
  $('noise').addEventListener('input', () => { $('noise-out').textContent = Number($('noise').value).toFixed(2); });
  on($('noise'), 'change', async () => { config.noise = Number($('noise').value); await newData(); });
  $('samples').addEventListener('input', () => { $('samples-out').textContent = $('samples').value; });
  on($('samples'), 'change', async () => { config.samples = Number($('samples').value); await newData(); renderBatch(); });
  $('test-ratio').addEventListener('input', () => { $('test-ratio-out').textContent = `${Math.round(Number($('test-ratio').value) * 100)}%`; });
  on($('test-ratio'), 'change', async () => { config.testRatio = Number($('test-ratio').value); await newData(); renderBatch(); });
  on($('data-seed'), 'change', async () => {
    config.dataSeed = readNumber($('data-seed'), 'Data seed', { min: 0, max: 4294967295, integer: true });
    await newData();
  });
  on($('regenerate'), 'click', async () => {
    config.dataSeed = (config.dataSeed + 1) >>> 0;
    $('data-seed').value = String(config.dataSeed);
    await newData();
  });
  on($('feature-list'), 'change', async (e) => {
    const chosen = [...$('feature-list').querySelectorAll('input:checked')].map((b) => b.value);
    if (chosen.length === 0) {
      e.target.checked = true;
      throw new InputError('Input features: keep at least one.');
    }
    config.features = FEATURES.map((f) => f.id).filter((id) => chosen.includes(id));
    prepare();
    await reset();
  });

  on($('add-layer'), 'click', async () => {
    const last = config.layers.at(-1) || { units: 8, activation: 'relu' };
    config.layers.push({ units: last.units, activation: last.activation });
    renderLayers();
    await reset();
  });
  on($('remove-layer'), 'click', async () => {
    config.layers.pop();
    renderLayers();
    await reset();
  });
  on($('layers'), 'change', async (e) => {
    const i = Number(e.target.dataset.layer);
    if (e.target.classList.contains('units')) {
      config.layers[i].units = readNumber(e.target, `Units in hidden layer ${i + 1}`, { min: 1, max: 256, integer: true });
    } else {
      config.layers[i].activation = e.target.value;
    }
    await reset();
  });
  on($('output'), 'change', async () => {
    config.output = $('output').value;
    prepare();
    renderLegend();
    await reset();
  });
  on($('init'), 'change', async () => { config.init = $('init').value; await reset(); });
  on($('l1'), 'change', async () => { config.l1 = readNumber($('l1'), 'L1 rate', { min: 0, max: 1 }); await reset(); });
  on($('l2'), 'change', async () => { config.l2 = readNumber($('l2'), 'L2 rate', { min: 0, max: 1 }); await reset(); });
  on($('seed'), 'change', async () => {
    config.seed = readNumber($('seed'), 'Weight seed', { min: 0, max: 4294967295, integer: true });
    await reset();
  });

  on($('optimizer'), 'change', async () => {
    const name = $('optimizer').value;
    config.optimizer = { name, ...OPTIMIZER_DEFAULTS[name] };
    renderHyper();
    $('lr').value = String(config.optimizer.learningRate);
    $('lr-slider').value = String(lrToSlider(config.optimizer.learningRate));
    await applyOptimizer();
  });
  $('lr-slider').addEventListener('input', () => {
    const lr = Number((10 ** Number($('lr-slider').value)).toPrecision(2));
    $('lr').value = String(lr);
    $('lr').setAttribute('aria-invalid', 'false');
  });
  const setLr = async (lr) => {
    config.optimizer.learningRate = lr;
    $('lr-slider').value = String(lrToSlider(lr));
    if (page.modelId !== null) await page.client.setLearningRate(page.modelId, lr);
  };
  on($('lr-slider'), 'change', () => setLr(Number($('lr').value)));
  on($('lr'), 'change', () => setLr(readNumber($('lr'), 'Learning rate', { min: 0, max: 10, exclusiveMin: true })));
  on($('hyper'), 'change', async (e) => {
    const key = e.target.dataset.key;
    const h = HYPER[config.optimizer.name].find((x) => x.key === key);
    config.optimizer[key] = h.bool ? e.target.checked : readNumber(e.target, h.label, h);
    await applyOptimizer();
  });
  $('batch-slider').addEventListener('input', () => {
    const b = sliderToBatch(Number($('batch-slider').value));
    $('batch').value = String(b);
    $('batch-out').textContent = b >= batchMax() ? `${b} (full batch)` : String(b);
  });
  const setBatch = async (b) => {
    config.batchSize = b;
    renderBatch();
    await restartRun();
  };
  on($('batch-slider'), 'change', () => setBatch(Number($('batch').value)));
  on($('batch'), 'change', () => setBatch(readNumber($('batch'), 'Batch size', { min: 1, max: batchMax(), integer: true })));
  on($('epochs'), 'change', async () => {
    config.epochs = readNumber($('epochs'), 'Epoch limit', { min: 1, max: 1000000, integer: true });
    if (page.status !== 'done') await restartRun();
  });
  on($('early'), 'change', async () => {
    config.earlyStopping = $('early').checked;
    $('patience').disabled = !config.earlyStopping;
    if (page.status !== 'done') await restartRun();
  });
  on($('patience'), 'change', async () => {
    config.patience = readNumber($('patience'), 'Patience', { min: 1, max: 100000, integer: true });
    if (config.earlyStopping && page.status !== 'done') await restartRun();
  });

  on($('play'), 'click', playPause);
  on($('step-batch'), 'click', () => step(false));
  on($('step-epoch'), 'click', () => step(true));
  on($('reset'), 'click', reset);
  on($('new-seed'), 'click', async () => {
    config.seed = crypto.getRandomValues(new Uint32Array(1))[0];
    $('seed').value = String(config.seed);
    await reset();
  });
  $('discretize').addEventListener('change', () => { page.dirty = true; });
  $('log-scale').addEventListener('change', () => { chart.logScale = $('log-scale').checked; page.dirty = true; });
  window.addEventListener('resize', () => { page.dirty = true; });

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    if (t instanceof HTMLButtonElement && (e.key === ' ' || e.key === 'Enter')) return;
    const keys = { ' ': () => act(playPause), '.': () => act(() => step(false)), e: () => act(() => step(true)), r: () => act(reset) };
    const fn = keys[e.key.toLowerCase()];
    if (fn) {
      e.preventDefault();
      fn();
    }
  });
}

// ------------------------------------------------------------------ start

async function start() {
  chart = new LossChart($('loss-chart'));
  renderAll();
  wire();
  requestAnimationFrame(frame);
  page.client = await DescentClient.create();
  const info = await page.client.init();
  page.simd = info.simd;
  page.version = info.version;
  $('build').textContent = `descent ${info.version}, WebAssembly ${info.simd ? 'SIMD' : 'scalar (this browser has no WebAssembly SIMD)'}, training in a Web Worker`;
  await generate();
  prepare();
  renderBatch();
  await reset();
}

/** What the page shows, for tests and for the curious (read-only copies). */
window.descentPage = {
  ready: null,
  get config() { return clone(config); },
  get state() {
    return {
      status: page.status,
      simd: page.simd,
      ...totals(),
      loss: page.lastLoss,
      valLoss: page.lastValLoss,
      firstLoss: page.firstLoss,
      metrics: page.metrics && { ...page.metrics },
      stepsPerSecond: page.stepsPerSecond,
      frames: page.frames,
      chartPoints: chart ? chart.length : 0,
      task: task(),
    };
  },
  /** Resolves once every queued action has finished. */
  idle: () => page.queue.then(() => {}),
};

window.descentPage.ready = act(start).then(() => {
  if (page.modelId === null) throw new Error($('error').textContent || 'descent could not start');
});
