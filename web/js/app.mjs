// app.mjs - the playground's main thread. Training runs in a Web Worker
// (lib/worker.mjs, through lib/client.mjs); this thread keeps the controls,
// asks the worker for data, training and predictions, and draws once per
// animation frame.

import { DescentClient } from '../lib/client.mjs';
import { LossChart } from './losschart.mjs';
import { NetworkDiagram } from './netdiagram.mjs';
import { drawCurve, drawPlane } from './plots.mjs';
import { drawConfusion, drawDigits, drawScatter } from './dataviews.mjs';
import {
  HIDEABLE, OPTIMIZER_DEFAULTS, decodeConfig, decodeEmbed, encodeConfig, encodeEmbed, goalMet, parseGoal, quote, readTableFromLink,
} from './urlstate.mjs';

// ------------------------------------------------------------------ constants

/** The built-in sets: task, dimensions, the plane drawn and the scale the features divide by. */
const DATASETS = {
  circle: { task: 'classification', dims: 2 },
  xor: { task: 'classification', dims: 2 },
  gaussian: { task: 'classification', dims: 2 },
  spiral: { task: 'classification', dims: 2 },
  line: { task: 'regression', dims: 1 },
  curve: { task: 'regression', dims: 1 },
  plane: { task: 'regression', dims: 2 },
  multigauss: { task: 'regression', dims: 2 },
  // The worked example's X = [[1,1],[1,-1],[-1,1],[-1,-1]], y = x2: inputs as they are.
  linear4: { task: 'regression', dims: 2, domain: [-2, 2], scale: 1, fixed: true },
};
/** The shipped data sets (web/data/*.csv), and a user's own CSV file: tables of any width. */
const TABLES = {
  iris: { label: 'iris (4 features, 3 species)' },
  breast_cancer: { label: 'breast_cancer (30 features, 2 classes)' },
  diabetes: { label: 'diabetes (10 features, regression)' },
  digits: { label: 'digits (8×8 images, 10 classes)' },
  csv: { label: 'your CSV file' },
};
for (const name of Object.keys(TABLES)) DATASETS[name] = { table: true, dims: 0 };
for (const d of Object.values(DATASETS)) {
  d.domain = d.domain || [-6, 6];
  d.scale = d.scale || 6;
}

/** The 2-D input features of the point (a, b), scaled by s (6 for the [-6, 6]² sets) to about [-1, 1]. */
const FEATURES = [
  { id: 'x1', label: 'x₁', f: (a, b, s) => a / s },
  { id: 'x2', label: 'x₂', f: (a, b, s) => b / s },
  { id: 'x1sq', label: 'x₁²', f: (a, b, s) => (a / s) ** 2 },
  { id: 'x2sq', label: 'x₂²', f: (a, b, s) => (b / s) ** 2 },
  { id: 'x1x2', label: 'x₁·x₂', f: (a, b, s) => (a * b) / (s * s) },
  { id: 'sin1', label: 'sin x₁', f: (a) => Math.sin(a) },
  { id: 'sin2', label: 'sin x₂', f: (a, b) => Math.sin(b) },
];

/** Output layer and loss. signed: class targets are -1 and 1 (the output's range), not 0 and 1. */
const OUTPUTS = {
  'sigmoid-bce': { activation: 'sigmoid', loss: 'binary_crossentropy', label: 'sigmoid · binary cross-entropy', tasks: ['classification'] },
  'sigmoid-mse': { activation: 'sigmoid', loss: 'mse', label: 'sigmoid · mean squared error', tasks: ['classification', 'regression'] },
  'tanh-mse': { activation: 'tanh', loss: 'mse', label: 'tanh · mean squared error', signed: true, tasks: ['classification', 'regression'] },
  'linear-mse': { activation: 'linear', loss: 'mse', label: 'linear · mean squared error', signed: true, tasks: ['regression', 'classification'] },
  'softmax-cce': { activation: 'softmax', loss: 'categorical_crossentropy', label: 'softmax · categorical cross-entropy', tasks: ['multiclass'] },
};
const DEFAULT_OUTPUT = { classification: 'sigmoid-bce', regression: 'linear-mse', multiclass: 'softmax-cce' };

const ACTIVATIONS = [['relu', 'ReLU'], ['leaky_relu', 'leaky ReLU'], ['tanh', 'tanh'], ['sigmoid', 'sigmoid'], ['linear', 'linear']];

/**
 * Each optimizer's own hyper-parameters (beyond the learning rate), in the
 * ranges descent accepts (a value it refuses would leave a reset without a model).
 */
const HYPER = {
  sgd: [],
  momentum: [{ key: 'momentum', label: 'momentum', min: 0, max: 1, exclusiveMax: true }],
  nesterov: [{ key: 'momentum', label: 'momentum', min: 0, max: 1, exclusiveMax: true }],
  adagrad: [{ key: 'initialAccumulatorValue', label: 'initial accumulator', min: 0, max: 100, exclusiveMin: true }],
  rmsprop: [
    { key: 'rho', label: 'rho (decay)', min: 0, max: 1, exclusiveMax: true },
    { key: 'momentum', label: 'momentum', min: 0, max: 1, exclusiveMax: true },
    { key: 'epsilon', label: 'epsilon', min: 0, max: 1, exclusiveMin: true },
    { key: 'centered', label: 'centered', bool: true },
  ],
  adam: [
    { key: 'beta1', label: 'beta 1', min: 0, max: 1, exclusiveMax: true },
    { key: 'beta2', label: 'beta 2', min: 0, max: 1, exclusiveMax: true },
    { key: 'epsilon', label: 'epsilon', min: 0, max: 1, exclusiveMin: true },
  ],
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
  target: null, // a table's target column (null: the last)
  task: 'auto', // a table's task, or forced classification / regression
  added: [],    // points added by clicking: [a, b, class] (training rows)
  removed: [],  // rows of the generated set removed by clicking
});

/** The worked examples, one click each: what differs from the defaults. */
const PRESETS = {
  linear4: {
    dataset: 'linear4', testRatio: 0, features: ['x1', 'x2'], layers: [],
    optimizer: { name: 'sgd', learningRate: 0.01 }, batchSize: 4, epochs: 1000,
  },
  line: {
    dataset: 'line', samples: 200, noise: 0.2, dataSeed: 7, testRatio: 0.2, layers: [],
    optimizer: { name: 'sgd', learningRate: 0.1 }, batchSize: 20, epochs: 200,
  },
  diabetes: {
    dataset: 'diabetes', testRatio: 0.2, layers: [{ units: 10, activation: 'relu' }, { units: 10, activation: 'relu' }],
    optimizer: { name: 'sgd', learningRate: 0.01 }, batchSize: 32, epochs: 100,
  },
  breast_cancer: {
    dataset: 'breast_cancer', testRatio: 0.2, layers: [{ units: 10, activation: 'relu' }, { units: 10, activation: 'relu' }],
    optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, batchSize: 32, epochs: 100,
  },
};

const GRID = 50;          // heatmap cells per side
const CURVE_POINTS = 240; // points of the fitted 1-D curve
const PROGRESS_MS = 40;   // how often the worker reports while training
const WEIGHTS_MS = 150;   // the diagram's weights while training, at most one request per
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
  modelAt: 0,         // the epoch whose end the model's state is from (0: as reset); a diverged run rolls it back
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
  weighing: false,
  weighedAt: 0,
  predictedAt: 0,
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
let diagram;
let tunePanel = null;
let tuneLoading = null;

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
    syncLink();
    if (tunePanel) tunePanel.refresh();
  }, (e) => {
    showError(e instanceof InputError ? e.message : `descent: ${e && e.message ? e.message : String(e)}`);
    if (!(e instanceof InputError)) console.info(e);
  }).finally(updateButtons);
  return page.queue;
}

function readNumber(el, name, { min, max, integer = false, exclusiveMin = false, exclusiveMax = false }) {
  const text = el.value.trim();
  const v = Number(text);
  const range = `${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
  const bad = text === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || (exclusiveMax ? v >= max : v > max) || (exclusiveMin ? v <= min : v < min);
  el.setAttribute('aria-invalid', bad ? 'true' : 'false');
  if (bad) {
    throw new InputError(`${name}: ${JSON.stringify(text)} is not ${integer ? 'an integer' : 'a number'} in ${range}`);
  }
  return v;
}

const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(digits) : v.toExponential(2));
/** classification or regression: the built-in set's, or as the table's target column was read. */
const task = () => (DATASETS[config.dataset].table ? (page.raw && page.raw.classes ? 'classification' : 'regression') : DATASETS[config.dataset].task);
/** The kind of output layer: multiclass for more than two classes. */
const outputTask = () => (task() === 'classification' && page.raw && page.raw.classes > 2 ? 'multiclass' : task());
const outputKey = () => (config.output === 'auto' || !OUTPUTS[config.output].tasks.includes(outputTask()) ? DEFAULT_OUTPUT[outputTask()] : config.output);
const isTable = () => !!DATASETS[config.dataset].table;
const output = () => OUTPUTS[outputKey()];

// ------------------------------------------------------------------ data

/** Feature rows for points (a, b) or (a) of the current set. */
function featurize(points, n, dims) {
  if (dims === 1) return Float32Array.from(points.subarray(0, n));
  const chosen = FEATURES.filter((f) => config.features.includes(f.id));
  const { scale } = DATASETS[config.dataset];
  const out = new Float32Array(n * chosen.length);
  for (let i = 0; i < n; i++) {
    const a = points[2 * i];
    const b = points[2 * i + 1];
    for (let j = 0; j < chosen.length; j++) out[i * chosen.length + j] = chosen[j].f(a, b, scale);
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
  const [lo, hi] = DATASETS[config.dataset].domain;
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

/** The CSV text of a shipped data set. */
async function fetchTable(name) {
  const response = await fetch(new URL(`../data/${name}.csv`, import.meta.url));
  if (!response.ok) throw new Error(`data/${name}.csv: ${response.status} ${response.statusText}`);
  return response.text();
}

/**
 * Parses a table (a shipped set's text, or the user's File, which the worker
 * reads) in the worker, with its split into training and test rows and the
 * training rows' scalers, so this thread does nothing in proportion to the
 * file. Nothing of the page changes unless it parses: a bad file leaves the
 * previous data and model as they were.
 */
async function parseTable(text, source) {
  const options = { text, testFraction: config.testRatio, splitSeed: config.dataSeed, scalers: true, subsets: true };
  if (config.target !== null && config.target !== undefined) options.target = config.target;
  if (config.task && config.task !== 'auto') options.task = config.task;
  let set;
  try {
    set = await page.client.parseCSV(options);
  } catch (e) {
    throw new InputError(`${source}: ${e.message.replace(/^parseCSV: /, '')}`);
  }
  if (set.train.length === 0) throw new InputError(`${source}: no training rows (the test share is ${config.testRatio})`);
  const { x, y, labels, ...rest } = set; // each row is in trainSet or testSet
  return { ...rest, dims: 0, source };
}

/**
 * The data a link asks for: a table's target column or task that the table
 * cannot use falls back to its default, with a notice in notices.
 */
async function generateFromLink(notices) {
  if (!isTable()) {
    await generate();
    return;
  }
  const asked = { target: config.target, task: config.task };
  const load = (target, t) => { Object.assign(config, { target, task: t }); return generate(); };
  const used = (key) => (key === 'target' ? `the last column, ${page.raw.targetName}` : `auto (${task()})`);
  try {
    notices.push(...(await readTableFromLink(asked, load, { isRefusal: (e) => e instanceof InputError, used })).notices);
  } catch (e) {
    Object.assign(config, asked);
    throw e;
  }
}

async function generate() {
  if (isTable()) {
    const text = config.dataset === 'csv' ? page.csvFile : await fetchTable(config.dataset);
    page.raw = await parseTable(text, config.dataset === 'csv' ? page.csvName : `data/${config.dataset}.csv`);
    return;
  }
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

/** The model's rows from the generated set, the points added and removed, the chosen features and output. */
function prepare() {
  if (isTable()) {
    prepareTable();
    return;
  }
  const { raw } = page;
  const dims = raw.dims;
  const signed = task() === 'classification' && output().signed;
  const removed = new Set(config.removed);
  const pick = (idx, extra = []) => {
    const kept = [...idx].filter((r) => !removed.has(r));
    const m = kept.length + extra.length;
    const pts = new Float32Array(m * dims);
    const y = new Float32Array(m);
    const rows = new Int32Array(m);
    kept.forEach((r, i) => {
      for (let j = 0; j < dims; j++) pts[i * dims + j] = raw.x[r * dims + j];
      y[i] = signed ? 2 * raw.y[r] - 1 : raw.y[r];
      rows[i] = r;
    });
    extra.forEach(([a, b, c], k) => {
      const i = kept.length + k;
      pts[i * dims] = a;
      pts[i * dims + 1] = b;
      y[i] = signed ? 2 * c - 1 : c;
      rows[i] = -1 - k;
    });
    return { pts, y, rows };
  };
  const train = pick(raw.train, dims === 2 && task() === 'classification' ? config.added : []);
  const test = pick(raw.test);
  const grid = gridPoints();
  page.data = {
    dims,
    trainPts: train.pts, testPts: test.pts, gridPts: grid,
    trainRows: train.rows, testRows: test.rows,
    xTrain: featurize(train.pts, train.y.length, dims), yTrain: train.y,
    xTest: featurize(test.pts, test.y.length, dims), yTest: test.y,
    xGrid: featurize(grid, dims === 1 ? CURVE_POINTS : GRID * GRID, dims),
    inputs: dims === 1 ? 1 : config.features.length,
    nTrain: train.y.length, nTest: test.y.length,
  };
  page.data.points = viewPoints(page.data);
  page.predictions = null;
  page.metrics = null;
}

/** Rows of a table: raw features (the model standardizes them with the training rows' scaler). */
function prepareTable() {
  const { raw } = page;
  const f = raw.features;
  const k = raw.outputs;
  const signed = task() === 'classification' && k === 1 && output().signed;
  // The worker's rows as they are (nothing changes them); the targets as ±1 for a signed output.
  const pick = (rows) => ({ x: rows.x, y: signed ? rows.y.map((v) => 2 * v - 1) : rows.y, labels: rows.labels });
  const train = pick(raw.trainSet);
  const test = pick(raw.testSet);
  page.data = {
    dims: 0, table: true,
    xTrain: train.x, yTrain: train.y, labelsTrain: train.labels,
    xTest: test.x, yTest: test.y, labelsTest: test.labels,
    trainRows: raw.train, testRows: raw.test,
    xGrid: new Float32Array(0),
    inputs: f, outputs: k,
    nTrain: raw.train.length, nTest: raw.test.length,
    points: [],
  };
  page.predictions = null;
  page.metrics = null;
}

/** The names a downloaded model carries: the features it reads, the target and the classes. */
function modelNames() {
  if (isTable()) {
    const { raw } = page;
    return { featureNames: raw.featureNames, targetName: raw.targetName, classNames: raw.classes ? raw.classNames : [] };
  }
  if (page.data.dims === 1) return { featureNames: ['x'], targetName: 'y', classNames: [] };
  const { scale } = DATASETS[config.dataset];
  const names = { x1: `x1/${scale}`, x2: `x2/${scale}`, x1sq: `(x1/${scale})^2`, x2sq: `(x2/${scale})^2`, x1x2: `x1*x2/${scale * scale}`, sin1: 'sin(x1)', sin2: 'sin(x2)' };
  return {
    featureNames: config.features.map((id) => (scale === 1 ? names[id].replace('/1', '').replace('*x2/1', '*x2') : names[id])),
    targetName: task() === 'classification' ? 'label' : 'y',
    classNames: task() === 'classification' ? ['0', '1'] : [],
  };
}

// ------------------------------------------------------------------ model and runs

function modelConfig() {
  const out = output();
  return {
    inputs: page.data.inputs,
    layers: [
      ...config.layers.map((l) => ({ units: l.units, activation: l.activation, l1: config.l1, l2: config.l2 })),
      { units: page.data.outputs || 1, activation: out.activation, l1: config.l1, l2: config.l2 },
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
  page.modelAt = run.modelAt ?? page.epochBase;
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
  // charted: the run's epochs on the chart; startAt: where the model's state is from as it starts
  const run = { paused, last: null, folded: false, rows: data.nTrain, batchSize, charted: 0, startAt: page.modelAt };
  chart.note = '';
  // Copies transferred rather than copied by postMessage, whose structured
  // clone of a large table's rows holds this thread for a tenth of a second.
  run.promise = page.client.train(page.modelId, {
    x: data.xTrain.slice(), y: data.yTrain.slice(),
    ...(data.nTest ? { validationData: [data.xTest.slice(), data.yTest.slice()] } : {}),
    epochs, batchSize,
    earlyStopping: config.earlyStopping ? { patience: config.patience, restoreBestWeights: true } : false,
    progressEvery: { ms: PROGRESS_MS, history: true }, paused,
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
    if (e.divergence) diverged(run, e);
    foldRun(run);
    page.status = 'done';
    if (!e.divergence) showError(`training stopped: ${e.message}`);
    updateButtons();
  });
  page.run = run;
  page.status = paused ? 'paused' : 'running';
}

/**
 * A run whose loss stopped being finite: the worker has rolled the model back
 * to the end of its last sound epoch (weights and optimizer state). The
 * epochs it finished join the chart, the curves stay, and the note beside the
 * chart says, in the chart's epoch numbers, where it diverged, where the
 * model is now and what to do; Train then goes on from there.
 */
function diverged(run, e) {
  const { history, divergence } = e;
  const base = page.epochBase;
  const h = history.history;
  if (h.loss.length > run.charted) {
    chart.append(base + run.charted + 1, h.loss.slice(run.charted), h.val_loss && h.val_loss.slice(run.charted));
    page.chartDirty = true;
  }
  run.last = { epoch: history.epochs, batch: divergence.batch, steps: history.steps };
  run.modelAt = divergence.restoredEpochs > 0 ? base + divergence.restoredEpochs : run.startAt;
  const at = run.modelAt === 0 ? 'its initial weights' : `the end of epoch ${run.modelAt}`;
  const climbed = divergence.restoredEpochs < history.epochs ? ', before the loss began to climb' : '';
  const { name, learningRate: lr, centered } = config.optimizer;
  const lower = `lower it (to ${Number((lr / 10).toPrecision(2))}, say)`;
  const advice = name === 'rmsprop' && centered
    ? `Try a smaller epsilon, centered off, or a lower learning rate (now ${lr}), then press Train to go on from there.`
    : `The learning rate is ${lr}: ${lower} and press Train to go on from there.`;
  chart.note = `The loss stopped being finite at epoch ${base + divergence.epoch + 1}, batch ${divergence.batch + 1}. ` +
    `The model is rolled back to ${at}${climbed}, weights and optimizer state. ${advice}`;
  setStatusNote('diverged, model rolled back');
  predict();
  refreshWeights(true);
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
    run.charted = p.history.from + p.history.loss.length;
    if (page.firstLoss === null) page.firstLoss = p.history.loss[0];
  }
  if (p.loss !== undefined) page.lastLoss = p.loss;
  if (p.val_loss !== undefined) page.lastValLoss = p.val_loss;
  if (p.steps > 0) page.stepsPerSecond = p.stepsPerSecond;
  page.chartDirty = true;
  page.metricsDirty = true;
  // Predictions for the views: often for the small sets, less often for wide tables; always at the end.
  const every = isTable() ? 250 : 0;
  if (p.final || page.status !== 'running' || !(performance.now() - page.predictedAt < every)) predict();
  refreshWeights(p.final || page.status !== 'running');
}

/** A model made anew from the configuration (the same seed, the same weights), paused before its first batch. */
async function reset() {
  await stopRun();
  // The new model is made (and given its preprocessing) before the old one
  // goes: if the configuration cannot make a model, the error is shown and
  // the model the learner had stays, with its run.
  const created = await page.client.createModel(modelConfig());
  try {
    const preprocessing = { names: modelNames() };
    if (isTable()) {
      preprocessing.inputScaler = page.raw.inputScaler;
      if (page.raw.targetScaler && task() === 'regression') preprocessing.targetScaler = page.raw.targetScaler;
    }
    await page.client.setPreprocessing(created, preprocessing);
  } catch (e) {
    await page.client.dispose(created).catch(() => {});
    throw e;
  }
  if (page.modelId !== null) {
    const old = page.modelId;
    page.modelId = null;
    await page.client.dispose(old).catch(() => {});
  }
  page.modelId = created;
  page.modelData = page.data;
  await freshRun('');
}

/** The model now in use from its first epoch: totals and chart cleared, a run paused before its first batch, the views fetched. */
async function freshRun(note) {
  page.epochBase = 0;
  page.modelAt = 0;
  page.stepsBase = 0;
  page.samplesBase = 0;
  page.progress = null;
  page.firstLoss = null;
  page.lastLoss = null;
  page.lastValLoss = null;
  page.stepsPerSecond = null;
  statusNote = note;
  chart.clear();
  startRun(true);
  page.dirty = true;
  diagramArchitecture();
  await Promise.all([predict(), refreshWeights(true)]);
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
      const k = data.outputs || 1;
      page.predictedAt = performance.now();
      const x = new Float32Array(data.xGrid.length + data.xTrain.length + data.xTest.length);
      x.set(data.xGrid, 0);
      x.set(data.xTrain, data.xGrid.length);
      x.set(data.xTest, data.xGrid.length + data.xTrain.length);
      const modelId = page.modelId;
      const y = await page.client.predict(modelId, x);
      if (modelId !== page.modelId || data !== page.data) continue;
      page.predictions = {
        grid: y.subarray(0, nGrid * k),
        train: y.subarray(nGrid * k, (nGrid + data.nTrain) * k),
        test: y.subarray((nGrid + data.nTrain) * k),
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
  const k = page.data.outputs || 1;
  if (task() === 'classification' && k > 1) {
    let ok = 0;
    const n = y.length / k;
    for (let i = 0; i < n; i++) ok += argmax(p, i * k, k) === argmax(y, i * k, k) ? 1 : 0;
    return ok / n;
  }
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

function argmax(a, at, k) {
  let best = 0;
  for (let j = 1; j < k; j++) if (a[at + j] > a[at + best]) best = j;
  return best;
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

/** The views of a table: digits as images, else a confusion matrix or predicted against actual. */
function drawTable(canvas) {
  const { data, raw, predictions } = page;
  const k = data.outputs;
  // The test rows, or the training rows when nothing is held out.
  const useTest = data.nTest > 0;
  const rows = useTest ? data.nTest : data.nTrain;
  const p = predictions && (useTest ? predictions.test : predictions.train);
  if (task() === 'classification') {
    const labels = useTest ? data.labelsTest : data.labelsTrain;
    const y = useTest ? data.yTest : data.yTrain;
    const classes = raw.classes;
    const predicted = new Int32Array(rows);
    const truth = new Int32Array(rows);
    const cut = output().signed ? 0 : 0.5;
    for (let i = 0; i < rows; i++) {
      truth[i] = labels ? labels[i] : y[i * k] >= cut ? 1 : 0;
      predicted[i] = !p ? -1 : k > 1 ? argmax(p, i * k, k) : p[i] >= cut ? 1 : 0;
    }
    if (config.dataset === 'digits') {
      drawDigits(canvas, { images: useTest ? data.xTest : data.xTrain, labels: truth, predicted: p ? predicted : null, classNames: raw.classNames, limit: 48, wrongFirst: page.status !== 'running' });
      return;
    }
    const matrix = Array.from({ length: classes }, () => new Array(classes).fill(0));
    if (p) for (let i = 0; i < rows; i++) matrix[truth[i]][predicted[i]]++;
    drawConfusion(canvas, { matrix, classNames: raw.classNames, rows: useTest ? 'test rows' : 'training rows' });
    return;
  }
  const n = data.nTrain + data.nTest;
  const actual = new Float32Array(n);
  const pred = new Float32Array(n).fill(NaN);
  const test = new Uint8Array(n);
  actual.set(data.yTrain, 0);
  actual.set(data.yTest, data.nTrain);
  test.fill(1, data.nTrain);
  if (predictions) {
    pred.set(predictions.train, 0);
    pred.set(predictions.test, data.nTrain);
  }
  drawScatter(canvas, { actual, predicted: pred, test, targetName: raw.targetName });
}

function drawView() {
  const { data, raw, predictions } = page;
  if (!data || !raw) return;
  const canvas = $('heatmap');
  if (data.table) {
    drawTable(canvas);
  } else if (data.dims === 1) {
    drawCurve(canvas, { xs: data.gridPts, ys: predictions && predictions.grid, points: data.points, xr: raw.xr, yr: raw.yr });
  } else {
    let grid = null;
    if (predictions) {
      grid = new Float32Array(GRID * GRID);
      for (let i = 0; i < grid.length; i++) grid[i] = toUnit(predictions.grid[i]);
    }
    const continuous = task() === 'regression';
    drawPlane(canvas, { grid, g: GRID, points: data.points, domain: DATASETS[config.dataset].domain, discretize: $('discretize').checked && !continuous });
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
  checkGoals();
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

let playLabel = null;
function updateButtons() {
  const ready = page.modelId !== null;
  const running = page.status === 'running';
  const play = $('play');
  // Rewritten only when it changes: a label replaced under the pointer between
  // mousedown and mouseup loses the click (type a rate, then press Train: the
  // rate's change event ends its action, and so calls this, mid-click).
  const label = running ? '❚❚ <span>Pause</span>' : '▶ <span>Train</span>';
  if (label !== playLabel) play.innerHTML = label;
  playLabel = label;
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
  await page.client.step(page.modelId, epoch ? { epoch: true } : {}).catch((e) => {
    // A step that diverges ends its run, whose own handler says so beside the chart.
    if (!e.divergence) throw e;
  });
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

/**
 * A data change: mutate the configuration, load the data and start a new
 * model; if the data cannot be loaded, the configuration, data and model stay
 * as they were.
 */
async function changeData(mutate) {
  const before = clone(config);
  mutate();
  if (config.output !== 'auto') config.output = 'auto';
  try {
    await generate();
  } catch (e) {
    Object.assign(config, before);
    renderAll();
    throw e;
  }
  prepare();
  renderAll();
  await reset();
}

const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** A user's CSV file: parsed first; only then does it replace the data (and the model). */
async function openCsv(file) {
  if (file.size > MAX_CSV_BYTES) throw new InputError(`${file.name}: ${file.size} bytes; files up to ${MAX_CSV_BYTES} bytes are read`);
  const before = clone(config);
  config.target = null;
  config.task = 'auto';
  let raw;
  try {
    raw = await parseTable(file, file.name);
  } catch (e) {
    Object.assign(config, before);
    throw e;
  }
  page.csvFile = file;
  page.csvName = file.name;
  const option = [...$('dataset').options].find((o) => o.value === 'csv');
  if (option) option.textContent = `your file: ${file.name}`;
  config.dataset = 'csv';
  config.output = 'auto';
  config.added = [];
  config.removed = [];
  page.raw = raw;
  prepare();
  renderAll();
  await reset();
}

// ------------------------------------------------------------------ controls

function renderOutputs() {
  const sel = $('output');
  const t = task();
  sel.replaceChildren();
  const ot = outputTask();
  sel.append(new Option(`auto: ${OUTPUTS[DEFAULT_OUTPUT[ot]].label}`, 'auto'));
  for (const [key, o] of Object.entries(OUTPUTS)) {
    if (o.tasks.includes(ot) && key !== DEFAULT_OUTPUT[ot]) sel.append(new Option(o.label + (o.signed && t === 'classification' ? ' (labels ±1)' : ''), key));
  }
  sel.value = [...sel.options].some((o) => o.value === config.output) ? config.output : 'auto';
}

function renderFeatures() {
  const list = $('feature-list');
  list.replaceChildren();
  const two = DATASETS[config.dataset].dims === 2 && !isTable();
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
function renderTable() {
  const table = isTable();
  $('table-options').hidden = !table;
  $('synthetic-options').hidden = table;
  if (!table || !page.raw || page.raw.dims !== 0) return;
  const { raw } = page;
  const sel = $('target');
  const columns = raw.columns || [...raw.featureNames, raw.targetName];
  raw.columns = columns;
  sel.replaceChildren(...columns.map((c) => new Option(c, c)));
  sel.value = raw.targetName;
  $('task').value = config.task || 'auto';
  const what = raw.classes ? `${raw.classes} classes (${raw.classNames.slice(0, 6).join(', ')}${raw.classes > 6 ? ', …' : ''})` : 'a number (regression)';
  $('table-info').textContent = `${raw.source}: ${raw.n} rows, ${raw.features} features; the target is ${what}. ` +
    `Features standardized with the ${raw.train.length} training rows' mean and deviation.`;
}

function renderAll() {
  if (config.dataset === 'csv' && ![...$('dataset').options].some((o) => o.value === 'csv')) {
    $('real-data').append(new Option(`your file: ${page.csvName}`, 'csv'));
  }
  $('dataset').value = config.dataset;
  renderTable();
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
  $('view-title').textContent = viewTitle();
  $('discretize').disabled = task() !== 'classification' || isTable();
  const clickable = !isTable() && DATASETS[config.dataset].dims === 2 && task() === 'classification' && !embed.lock;
  $('add-hint').hidden = !clickable;
  $('heatmap').classList.toggle('clickable', clickable);
  renderLegend();
}

function renderBatch() {
  const b = Math.min(config.batchSize, batchMax());
  $('batch').max = String(batchMax());
  $('batch').value = String(b);
  $('batch-slider').value = String(batchToSlider(b));
  $('batch-out').textContent = b >= batchMax() ? `${b} (full batch)` : b === 1 ? '1 (stochastic)' : String(b);
}

function viewTitle() {
  if (config.dataset === 'digits') return 'Test images and predicted digits';
  if (isTable()) return task() === 'classification' ? 'Confusion matrix (test rows)' : 'Predicted versus actual';
  if (DATASETS[config.dataset].dims === 1) return 'Data and fitted curve';
  return task() === 'classification' ? 'Decision boundary' : 'Prediction';
}

function renderLegend() {
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

/** Wires one control: read (validate) then apply as an action. */
function on(el, event, fn) {
  el.addEventListener(event, (e) => act(() => fn(e)));
}

async function copy(el) {
  el.select();
  try {
    await navigator.clipboard.writeText(el.value);
  } catch {
    // No clipboard permission (an insecure context or a test): the text stays selected to copy by hand.
  }
}

function wire() {
  // The forms only group controls: Enter in a field must not submit them (no inline onsubmit under the CSP).
  for (const form of document.querySelectorAll('form')) form.addEventListener('submit', (e) => e.preventDefault());
  on($('dataset'), 'change', () => changeData(() => {
    config.dataset = $('dataset').value;
    config.target = null;
    config.task = 'auto';
    config.added = [];
    config.removed = [];
  }));
  on($('target'), 'change', () => changeData(() => { config.target = $('target').value; config.task = 'auto'; }));
  on($('task'), 'change', () => changeData(() => { config.task = $('task').value; }));
  on($('csv-file'), 'change', async () => {
    const file = $('csv-file').files[0];
    $('csv-file').value = '';
    if (file) await openCsv(file);
  });
  document.addEventListener('dragover', (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) {
      e.preventDefault();
      document.body.classList.add('dragging');
    }
  });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) document.body.classList.remove('dragging'); });
  document.addEventListener('drop', (e) => {
    document.body.classList.remove('dragging');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    act(() => openCsv(file));
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

  for (const button of document.querySelectorAll('[data-preset]')) {
    on(button, 'click', () => changeData(() => {
      const preset = PRESETS[button.dataset.preset];
      Object.assign(config, clone(DEFAULTS), clone(preset));
    }));
  }
  $('copy-link').addEventListener('click', () => copy($('share-link')));
  $('copy-snippet').addEventListener('click', () => copy($('embed-snippet')));
  $('embed-hide').replaceChildren(...HIDEABLE.map((name) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.id = `embed-hide-${name}`;
    label.append(box, ` ${name}`);
    return label;
  }));
  for (const id of ['embed-hide', 'embed-lock', 'embed-autoplay']) $(id).addEventListener('change', renderSnippet);
  $('embed-goal').addEventListener('input', renderSnippet);
  on($('dl-model'), 'click', async () => {
    const bytes = await page.client.save(page.modelId, { withOptimizer: true });
    download(new Blob([bytes], { type: 'application/octet-stream' }), `${fileStem()}.bin`);
  });
  on($('dl-history'), 'click', () => {
    const [e, l, v] = chart.rows();
    const lines = ['epoch,loss,val_loss'];
    for (let i = 0; i < e.length; i++) lines.push(`${e[i]},${l[i] ?? ''},${v[i] ?? ''}`);
    download(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), `${fileStem()}-loss.csv`);
  });
  on($('dl-view'), 'click', async () => download(await canvasBlob($('heatmap')), `${fileStem()}-view.png`));
  on($('dl-chart'), 'click', async () => download(await canvasBlob(document.querySelector('#loss-chart canvas')), `${fileStem()}-loss.png`));
  on($('model-file'), 'change', async () => {
    const file = $('model-file').files[0];
    $('model-file').value = '';
    if (file) await openModel(file);
  });
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

// ------------------------------------------------------------------ the network diagram

function diagramArchitecture() {
  if (!diagram || page.data === null) return;
  const sizes = [page.data.inputs, ...config.layers.map((l) => l.units), page.data.outputs || 1];
  const chosen = FEATURES.filter((f) => config.features.includes(f.id));
  const inputNames = isTable() ? page.raw.featureNames : page.data.dims === 1 ? ['x'] : chosen.map((f) => f.label);
  const outputNames = isTable() && page.raw.classes > 2 ? page.raw.classNames : undefined;
  diagram.setArchitecture({ sizes, inputNames, outputNames, activations: [...config.layers.map((l) => l.activation), output().activation] });
  if (!isTable() && page.data.dims === 2) {
    const { scale, domain } = DATASETS[config.dataset];
    diagram.setPlane({ featurize: (a, b) => Float32Array.from(chosen, (f) => f.f(a, b, scale)), domain, cells: 16 });
  } else {
    diagram.setPlane(null);
  }
}

/** The model's weights for the diagram; one request at a time, at most every WEIGHTS_MS while training. */
async function refreshWeights(force = false) {
  if (!diagram || page.modelId === null || page.weighing) return;
  if (!force && page.status === 'running' && performance.now() - page.weighedAt < WEIGHTS_MS) return;
  page.weighing = true;
  page.weighedAt = performance.now();
  try {
    const modelId = page.modelId;
    const weights = await page.client.getWeights(modelId);
    if (modelId === page.modelId) diagram.setWeights(weights);
  } catch (e) {
    if (!/unknown model id/.test(e.message)) showError(`getWeights: ${e.message}`);
  } finally {
    page.weighing = false;
  }
}

// ------------------------------------------------------------------ share, embed, export

const embed = decodeEmbed(location.search);
const goalsMet = new Set();

/** The link to this configuration (with the embed options when embedded), kept in the address bar. */
function syncLink() {
  const csv = config.dataset === 'csv';
  $('share-note').hidden = !csv;
  const q = encodeConfig(csv ? { ...config, dataset: 'iris', target: null } : config);
  const link = new URL(location.href);
  link.search = q.toString();
  $('share-link').value = link.href;
  if (!csv) {
    const here = new URL(location.href);
    const own = new URLSearchParams(q);
    if (embed.embed) for (const [k, v] of encodeEmbed(embed)) own.append(k, v);
    here.search = own.toString();
    if (here.href !== location.href) history.replaceState(null, '', here.href);
  }
  renderSnippet();
}

function renderSnippet() {
  const hide = [...$('embed-hide').querySelectorAll('input:checked')].map((b) => b.value);
  const goalText = $('embed-goal').value.trim();
  const goal = goalText ? parseGoal(goalText) : null;
  $('embed-goal').setAttribute('aria-invalid', typeof goal === 'string' ? 'true' : 'false');
  const goals = goal && typeof goal !== 'string' ? [goal] : [];
  const q = encodeConfig(config.dataset === 'csv' ? { ...config, dataset: 'iris', target: null } : config);
  for (const [k, v] of encodeEmbed({ hide, lock: $('embed-lock').checked, autoplay: $('embed-autoplay').checked, goals })) q.append(k, v);
  const url = new URL(location.href);
  url.search = q.toString();
  const attr = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  $('embed-snippet').value = `<iframe src="${attr}" width="900" height="640" style="border:0" title="descent playground" loading="lazy"></iframe>` +
    (goals.length ? `\n<script>\naddEventListener('message', (e) => {\n  if (e.data && e.data.source === 'descent' && e.data.type === 'goal') console.log('goal reached', e.data);\n});\n</script>` : '');
}

/** The values goals test, from the latest losses and metrics. */
function goalValues() {
  const cls = task() === 'classification';
  const m = page.metrics || {};
  return {
    loss: page.lastLoss, test_loss: page.lastValLoss, epoch: totals().epoch,
    accuracy: cls ? m.train : null, test_accuracy: cls ? m.test : null,
    r2: cls ? null : m.train, test_r2: cls ? null : m.test,
  };
}

function checkGoals() {
  if (!embed.goals.length || page.modelId === null) return;
  const values = goalValues();
  for (const goal of embed.goals) {
    if (goalsMet.has(goal.text) || !goalMet(goal, values)) continue;
    goalsMet.add(goal.text);
    const message = { source: 'descent', type: 'goal', goal: goal.text, epoch: values.epoch, value: values[goal.metric], values };
    if (window.parent !== window) window.parent.postMessage(message, '*');
    const banner = $('goal-banner');
    banner.hidden = false;
    banner.textContent = `Goal reached: ${goal.text} at epoch ${values.epoch} (${goal.metric} = ${fmt(values[goal.metric])}).`;
  }
}

function applyEmbed() {
  if (!embed.embed) return;
  document.body.classList.add('embed');
  for (const name of embed.hide) for (const el of document.querySelectorAll(`[data-panel="${name}"]`)) el.hidden = true;
  if (embed.lock) {
    // A locked exercise has no presets to switch to, nor a search whose best would replace its configuration.
    for (const el of document.querySelectorAll('[data-panel="presets"], [data-panel="tune"]')) el.hidden = true;
    for (const el of $('controls').querySelectorAll('input, select, button')) el.disabled = true;
    $('controls').dataset.locked = 'true';
    $('heatmap').classList.remove('clickable');
  }
}

function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

const fileStem = () => `descent-${config.dataset === 'csv' ? page.csvName.replace(/\.[^.]*$/, '') : config.dataset}`;

function canvasBlob(canvas) {
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the canvas could not be encoded'))), 'image/png'));
}

/** A saved model in place of the current one, if it fits the data: then train on or predict. */
async function openModel(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let id;
  try {
    id = await page.client.load(bytes);
  } catch (e) {
    throw new InputError(`${file.name}: ${e.message.replace(/^load: /, '')}`);
  }
  const info = await page.client.describe(id);
  const wanted = page.data.outputs || 1;
  if (info.inputs !== page.data.inputs || info.outputs !== wanted) {
    await page.client.dispose(id);
    throw new InputError(`${file.name}: the model reads ${info.inputs} inputs and gives ${info.outputs} outputs; ` +
      `this data has ${page.data.inputs} inputs and ${wanted} outputs. Choose the data it was trained on first; nothing was changed.`);
  }
  await stopRun();
  if (page.modelId !== null) await page.client.dispose(page.modelId).catch(() => {});
  page.modelId = id;
  page.modelData = page.data;
  const hidden = info.layers.slice(0, -1);
  config.layers = hidden.map((l) => ({ units: l.units, activation: ACTIVATIONS.some(([a]) => a === l.activation) ? l.activation : 'relu' }));
  const { name, learningRate } = info.optimizer;
  config.optimizer = { name, learningRate };
  for (const h of HYPER[name]) config.optimizer[h.key] = info.optimizer[h.key];
  config.seed = info.seed;
  renderAll();
  await freshRun(`opened ${file.name}`);
}

/** Adds a point where the plane view was clicked, or removes the one under the pointer. */
function planeClick(e) {
  if (isTable() || DATASETS[config.dataset].dims !== 2 || task() !== 'classification' || embed.lock) return null;
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

// ------------------------------------------------------------------ the Tune panel

/** The playground's settings a search starts from, and how many training rows it has. */
function tuneCurrent() {
  const n = page.data ? page.data.nTrain : 0;
  return {
    task: task(),
    rows: n,
    base: {
      learningRate: config.optimizer.learningRate,
      batchSize: Math.max(1, n ? Math.min(config.batchSize, n) : config.batchSize),
      optimizer: config.optimizer.name,
      layers: config.layers.map((l) => l.units),
      activation: config.layers.length ? config.layers[0].activation : 'relu',
      l2: config.l2,
      epochs: config.epochs,
    },
  };
}

/**
 * The training rows a search runs on (never the test rows), as the model
 * sees them, with class targets as 0/1 and labels; tables standardized per
 * fold as the playground standardizes them, the generated sets as they are.
 */
function tuneRows() {
  const { data } = page;
  const cls = task() === 'classification';
  const k = data.outputs || 1;
  const y = cls && k === 1 && output().signed ? data.yTrain.map((v) => (v + 1) / 2) : data.yTrain.slice();
  const labels = !cls ? null : data.labelsTrain ? data.labelsTrain.slice() : Int32Array.from(y, (v) => (v >= 0.5 ? 1 : 0));
  return {
    x: data.xTrain.slice(), y, features: data.inputs, outputs: k, task: task(), labels,
    classes: cls ? Math.max(2, page.raw.classes || 2) : 0, standardize: isTable(), scaleTarget: isTable(),
  };
}

/** A searched configuration into the playground's controls, and a fresh run with it. */
async function applyTuned(c) {
  // Nine digits, as the link keeps them, so the link gives this run.
  const round = (v) => Number(v.toPrecision(9));
  config.optimizer = { name: c.optimizer, ...OPTIMIZER_DEFAULTS[c.optimizer], learningRate: round(c.learningRate) };
  config.batchSize = c.batchSize === 'full' ? page.data.nTrain : Math.min(c.batchSize, page.data.nTrain);
  config.layers = c.layers.map((units) => ({ units, activation: c.activation }));
  config.l2 = round(c.l2);
  config.epochs = c.epochs;
  renderAll();
  await reset();
}

// ------------------------------------------------------------------ start

async function start() {
  const fromUrl = decodeConfig(location.search, DEFAULTS);
  Object.assign(config, fromUrl.config);
  chart = new LossChart($('loss-chart'));
  diagram = new NetworkDiagram($('diagram'));
  renderAll();
  wire();
  // The Tune panel's code loads the first time it is opened: most visits never tune.
  const tuneDetails = $('tune-details');
  const loadTunePanel = () => {
    if (tuneLoading) return;
    tuneLoading = import('./tunepanel.mjs').then(({ TunePanel }) => {
      tunePanel = new TunePanel($('tune'), { act, InputError, showError, current: tuneCurrent, rows: tuneRows, apply: applyTuned });
    }).catch((e) => showError(`the Tune panel could not load: ${e.message}`));
  };
  tuneDetails.addEventListener('toggle', () => { if (tuneDetails.open) loadTunePanel(); });
  if (tuneDetails.open) loadTunePanel();
  applyEmbed();
  requestAnimationFrame(frame);
  page.client = await DescentClient.create();
  const info = await page.client.init();
  page.simd = info.simd;
  page.version = info.version;
  $('build').textContent = `descent ${info.version}, WebAssembly ${info.simd ? 'SIMD' : 'scalar (this browser has no WebAssembly SIMD)'}, training in a Web Worker`;
  const problems = [...fromUrl.errors, ...embed.errors];
  await generateFromLink(problems);
  prepare();
  if (page.data.nTrain === 0 && config.removed.length) {
    problems.push(`URL parameter rm: ${quote(config.removed.join(','))} removes every training row; no points removed`);
    config.removed = [];
    prepare();
  }
  renderAll();
  await reset();
  if (problems.length) {
    syncLink(); // the link and the address bar say what is used
    throw new InputError(problems.join('. '));
  }
}

/** What the page shows, for tests and for the curious (read-only copies). */
window.descentPage = {
  ready: null,
  get config() { return clone(config); },
  get state() {
    return {
      status: page.status,
      // Done, and the views and metrics are of the final weights (the last predict has come back).
      settled: page.status === 'done' && !page.predicting,
      simd: page.simd,
      ...totals(),
      loss: page.lastLoss,
      valLoss: page.lastValLoss,
      firstLoss: page.firstLoss,
      metrics: page.metrics && { ...page.metrics },
      stepsPerSecond: page.stepsPerSecond,
      frames: page.frames,
      chartPoints: chart ? chart.length : 0,
      chartNote: chart ? chart.note : '',
      task: task(),
      dataset: config.dataset,
      nTrain: page.data ? page.data.nTrain : 0,
      nTest: page.data ? page.data.nTest : 0,
      goalsMet: [...goalsMet],
    };
  },
  /** The loss chart's rows: [epochs, losses, test losses]. */
  losses: () => (chart ? chart.rows() : [[], [], []]),
  /** The latest predictions for the training and test rows, with their rows in the data set. */
  predictions: () => page.predictions && page.data && {
    train: Array.from(page.predictions.train), test: Array.from(page.predictions.test),
    trainRows: Array.from(page.data.trainRows), testRows: Array.from(page.data.testRows), outputs: page.data.outputs || 1,
  },
  weights: () => page.client.getWeights(page.modelId),
  /** The 2-D training points as drawn (x1, x2 pairs) and the plane's domain. */
  points: () => page.data && page.data.trainPts && {
    train: Array.from(page.data.trainPts), domain: DATASETS[config.dataset].domain,
  },
  /** The Tune panel: its search, results, heatmap and curves. */
  get tune() { return tunePanel ? tunePanel.state : null; },
  /** The rows and options of the panel's latest search (plain arrays), to repeat it elsewhere. */
  tuneInput: () => (tunePanel ? tunePanel.input() : null),
  /** Resolves once every queued action has finished. */
  async idle() {
    let q;
    do {
      q = page.queue;
      await q;
      await new Promise((ok) => setTimeout(ok, 0));
    } while (q !== page.queue);
  },
};

window.descentPage.ready = act(start).then(() => {
  if (page.modelId === null) throw new Error($('error').textContent || 'descent could not start');
  if (embed.autoplay) return act(playPause);
  return undefined;
});
