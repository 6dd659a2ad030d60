// choices.mjs - what the playground offers and starts from: the data sets
// (built-in and tables), the 2-D input features, the output heads, each
// optimizer's own settings, the starting configuration and the worked
// examples. Pure data, no DOM.

import { LABELS, labelled } from './labels.mjs';
import { ACTIVATION_NAMES, LIMITS, OPTIMIZER_DEFAULTS } from './names.mjs';
import { HYPER_KEYS } from './urlstate.mjs';

/** The built-in sets: task, dimensions, the plane drawn and the scale the features divide by. */
export const DATASETS = {
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
const TABLES = ['iris', 'breast_cancer', 'diabetes', 'digits', 'csv'];
for (const name of TABLES) DATASETS[name] = { table: true, dims: 0 };
for (const d of Object.values(DATASETS)) {
  d.domain = d.domain || [-6, 6];
  d.scale = d.scale || 6;
}

/** The 2-D input features of the point (a, b), scaled by s (6 for the [-6, 6]² sets) to about [-1, 1]. */
const FEATURE_MAPS = {
  x1: (a, b, s) => a / s,
  x2: (a, b, s) => b / s,
  x1sq: (a, b, s) => (a / s) ** 2,
  x2sq: (a, b, s) => (b / s) ** 2,
  x1x2: (a, b, s) => (a * b) / (s * s),
  sin1: (a) => Math.sin(a),
  sin2: (a, b) => Math.sin(b),
};
export const FEATURES = Object.entries(FEATURE_MAPS).map(([id, f]) => ({ id, label: LABELS.feature[id], f }));

/** Output layer and loss. signed: class targets are -1 and 1 (the output's range), not 0 and 1. */
const head = (activation, loss, tasks, signed = false) => ({
  activation, loss, label: `${activation} · ${LABELS.loss[loss]}`, tasks, ...(signed ? { signed } : {}),
});
export const OUTPUTS = {
  'sigmoid-bce': head('sigmoid', 'binary_crossentropy', ['classification']),
  'sigmoid-mse': head('sigmoid', 'mse', ['classification', 'regression']),
  'tanh-mse': head('tanh', 'mse', ['classification', 'regression'], true),
  'linear-mse': head('linear', 'mse', ['regression', 'classification'], true),
  'softmax-cce': head('softmax', 'categorical_crossentropy', ['multiclass']),
};
export const DEFAULT_OUTPUT = { classification: 'sigmoid-bce', regression: 'linear-mse', multiclass: 'softmax-cce' };

/** The hidden layers' activations, as [name, label]. */
export const ACTIVATIONS = labelled('activation', ACTIVATION_NAMES);

/**
 * Each optimizer's own hyper-parameters (beyond the learning rate): which
 * ones, the core's (its defaults' keys); their ranges, those a link is read
 * with (HYPER_KEYS, within what descent accepts: a value it refuses would
 * leave a reset without a model).
 */
const setting = (key) => {
  const { url, ...range } = HYPER_KEYS[key];
  return { key, label: LABELS.setting[key], ...range };
};
export const HYPER = Object.fromEntries(Object.entries(OPTIMIZER_DEFAULTS).map(([name, d]) => [name,
  Object.keys(d).filter((k) => k !== 'learningRate').map(setting)]));

/** The page's starting configuration: everything a run depends on. */
export const DEFAULTS = Object.freeze({
  dataset: 'circle',
  noise: 0.1,
  samples: 400,
  testRatio: 0.5,
  dataSeed: 1,
  features: ['x1', 'x2'],
  inputScale: 'unit', // a generated set's x1, x2 divided by its extent (tables are always standardized)
  showTest: true,     // the view draws the test points (a view setting the link keeps, not one the run depends on)
  layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }],
  output: 'auto',
  init: 'glorot_uniform',
  l1: 0,
  l2: 0,
  seed: 1,
  optimizer: { name: 'adam', ...OPTIMIZER_DEFAULTS.adam, learningRate: 0.003 }, // the core's Adam, at a livelier rate
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
export const PRESETS = {
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
    optimizer: { name: 'adam', ...OPTIMIZER_DEFAULTS.adam }, batchSize: 32, epochs: 100,
  },
  // Six sigmoid layers, plain SGD: each layer back multiplies the gradient by sigmoid's slope (at most 1/4).
  vanishing: {
    dataset: 'circle', layers: Array.from({ length: 6 }, () => ({ units: 8, activation: 'sigmoid' })),
    optimizer: { name: 'sgd', learningRate: 0.1 }, batchSize: 10, epochs: 300,
  },
  // Six tanh layers, full-batch SGD at a rate too large for them: each step overshoots further.
  exploding: {
    dataset: 'plane', layers: Array.from({ length: 6 }, () => ({ units: 8, activation: 'tanh' })),
    optimizer: { name: 'sgd', learningRate: 0.5 }, batchSize: 200, epochs: 100,
  },
};

/** What to look at in the gradient inspector, for the worked examples about gradients (inspect.mjs shows it while their settings are in use). */
export const PRESET_LESSONS = {
  vanishing: 'Vanishing gradients: the first layers\' gradient norms sit orders of magnitude below the last layer\'s, ' +
    'so they barely move and the loss stalls near 0.69. Try relu or tanh layers, or fewer layers.',
  exploding: 'Exploding gradients: press Train and the norms climb epoch after epoch, from below 1 to 1e+4 and beyond, ' +
    'each overshooting step making the weights larger; then the tanh units saturate, the hidden layers\' gradients fall to 0 ' +
    'and the loss soon stops being finite. Lower the learning rate (Find suggests one) and train again.',
};

/**
 * The input scales the page offers for a generated set: 'standardize' needs
 * the model's scaler fitted on the featurized training rows, which the worker
 * cannot do yet (a link asking for it gets 'unit' and a notice).
 */
export const PAGE_INPUT_SCALES = ['unit', 'none'];

/** The most hidden layers and units a layer may have on the page. */
export const MAX_LAYERS = LIMITS.layers;
export const MAX_UNITS = LIMITS.units;
/** The largest CSV file the page reads. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;
