// tune-spec.mjs - a search's options, configurations and data as the C ABI
// takes them (fields.h CONFIG, RESULT, AXIS, LAYERS, SEARCH, CV: packed and
// unpacked by name), checked with messages that name each value; the names
// and limits are the core's (vocabulary.mjs).

import { bool, checkKeys, fail, int, num, oneOf, show, toMatrix } from './checks.mjs';
import { camel, pack, unpack } from './core-vocabulary.mjs';
// The core's names and limits, generated at build time (scripts/make-vocabulary.mjs),
// so rankResults works without a loaded module.
import vocabulary from './vocabulary.mjs';

const { vocabularies, limits } = vocabulary;
const OPTIMIZERS = vocabularies.optimizer;
const ACTIVATIONS = vocabularies.activation;
export const TASKS = vocabularies.task;
// In descent_tune_param order.
const TUNE_PARAMS = vocabularies.parameter.map(camel);
export const METRICS = vocabularies.metric;
export const HIGHER_IS_BETTER = vocabulary.higherIsBetter;
const MAX_LAYERS = limits.hidden;
export const MAX_FOLDS = limits.folds;
export const MAX_SEED = limits.seed;
export const STATUS_CANCELLED = 1;
/** The tune build's struct layouts (fields.h: config, result, axis, ...), read by attach(). */
export let T = null;

/** The tune build's layouts, from attach (descent-tune.mjs). */
export function setLayouts(fields) {
  T = fields;
}

export const TUNE_EVENTS = ['batch', 'epoch', 'fold', 'config'];
const TUNE_KEYS = ['grid', 'random', 'base', 'folds', 'metric', 'seed', 'testFraction', 'standardize', 'scaleTarget',
  'curves'];

/** What `descent train` uses: adam at its default rate, batch 32, 16,16 relu, no L2, 100 epochs. */
export function tuneDefaults() {
  return { learningRate: 0, batchSize: 32, optimizer: 'adam', layers: [16, 16], activation: 'relu', l2: 0, epochs: 100 };
}

/** Hidden layers from [16, 16], '16x16', '16,16', '8', 'none' or []. */
function parseLayers(where, what, v) {
  let units = v;
  if (typeof v === 'number') units = [v];
  if (typeof v === 'string') units = v === 'none' || v === '' ? [] : v.split(/[x,]/).map((u) => (/^\d+$/.test(u) ? Number(u) : NaN));
  if (!Array.isArray(units) || units.length > MAX_LAYERS ||
      units.some((u) => !Number.isInteger(u) || u < 1 || u > limits.units)) {
    throw fail(where, `${what} is ${show(v)}: expected hidden layer sizes 1..${limits.units} (at most ${MAX_LAYERS}), like [16, 16], '16x16', '8' or 'none'`);
  }
  return units;
}

/** One value of parameter p as the C ABI's number (layers: the units array). */
function tuneValue(where, what, p, v) {
  switch (p) {
    case 'learningRate':
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
      throw fail(where, `${what} is ${show(v)}: a learning rate must be a number > 0`);
    case 'l2':
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
      throw fail(where, `${what} is ${show(v)}: an L2 rate must be a number >= 0`);
    case 'batchSize':
      if (v === 'full') return 0;
      if (Number.isInteger(v) && v >= 1 && v <= limits.batch) return v;
      throw fail(where, `${what} is ${show(v)}: a batch size must be an integer in 1..${limits.batch} or 'full'`);
    case 'epochs':
      if (Number.isInteger(v) && v >= 1 && v <= limits.epochs) return v;
      throw fail(where, `${what} is ${show(v)}: epochs must be an integer in 1..${limits.epochs}`);
    case 'optimizer': return oneOf(where, what, v, OPTIMIZERS);
    case 'activation': return oneOf(where, what, v, ACTIVATIONS);
    default: return parseLayers(where, what, v);
  }
}

/** A configuration as the C ABI's doubles (fields.h CONFIG): defaults, then the given fields. */
export function packConfig(where, what, config, defaults) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw fail(where, `${what} must be an object with any of ${TUNE_PARAMS.join(', ')}`);
  }
  checkKeys(`${where}: ${what}`, config, TUNE_PARAMS);
  const c = { ...defaults, ...config };
  const layers = tuneValue(where, `${what}.layers`, 'layers', c.layers);
  return pack(T.config, {
    learning_rate: c.learningRate === 0 && config.learningRate === undefined ? 0 : tuneValue(where, `${what}.learningRate`, 'learningRate', c.learningRate),
    batch_size: tuneValue(where, `${what}.batchSize`, 'batchSize', c.batchSize),
    optimizer: tuneValue(where, `${what}.optimizer`, 'optimizer', c.optimizer),
    activation: tuneValue(where, `${what}.activation`, 'activation', c.activation),
    l2: tuneValue(where, `${what}.l2`, 'l2', c.l2),
    epochs: tuneValue(where, `${what}.epochs`, 'epochs', c.epochs),
    layer_count: layers.length,
    units: layers,
  });
}

export function unpackConfig(f) {
  const c = unpack(T.config, f);
  const units = T.config.at.units;
  return {
    learningRate: c.learning_rate,
    batchSize: c.batch_size === 0 ? 'full' : c.batch_size,
    optimizer: OPTIMIZERS[c.optimizer],
    layers: Array.from(f.subarray(units, units + c.layer_count)),
    activation: ACTIVATIONS[c.activation],
    l2: c.l2,
    epochs: c.epochs,
  };
}

export function unpackResult(f) {
  const r = unpack(T.result, f);
  const scores = T.result.at.scores;
  return {
    index: r.index,
    config: unpackConfig(f.subarray(T.result.at.config)),
    mean: r.mean,
    std: r.std,
    scores: Array.from(f.subarray(scores, scores + r.folds)),
    diverged: r.diverged,
    timeMs: r.time_ms,
  };
}

export function readCurves(M, tl, vl, folds, epochs) {
  const rows = (p) => Array.from({ length: folds }, (_, k) => Array.from(M.HEAPF32.subarray((p >> 2) + k * epochs, (p >> 2) + (k + 1) * epochs)));
  return { loss: rows(tl), valLoss: rows(vl) };
}

/** Checks tune options; returns the C ABI's arrays (axes: 5 doubles each, values, layers runs, base). */
export function tuneSpec(where, options) {
  checkKeys(where, options, TUNE_KEYS, 'options');
  if (options.grid !== undefined && options.random !== undefined) {
    throw fail(where, 'give grid or random, not both (random draws from lists too)');
  }
  const random = options.random !== undefined;
  const space = random ? options.random : options.grid === undefined ? {} : options.grid;
  const name = random ? 'random' : 'grid';
  if (space === null || typeof space !== 'object' || Array.isArray(space)) {
    throw fail(where, `${name} must be an object of parameter: values, with parameters ${TUNE_PARAMS.join(', ')}`);
  }
  checkKeys(`${where}: ${name}`, space, random ? ['draws', ...TUNE_PARAMS] : TUNE_PARAMS);
  if (random && space.draws === undefined) throw fail(where, 'random.draws is required: the number of configurations to draw');
  const draws = random ? int(where, 'random.draws', space.draws, undefined, 1, limits.configs) : 0;
  const base = options.base === undefined ? {} : options.base;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) {
    throw fail(where, `base must be an object with any of ${TUNE_PARAMS.join(', ')}, got ${show(base)}`);
  }
  const axes = [];
  const values = [];
  const layers = [];
  for (const [p, v] of Object.entries(space)) {
    if (p === 'draws') continue;
    const what = `${name}.${p}`;
    if (base[p] !== undefined) throw fail(where, `${p} is in both ${name} and base: give one`);
    const c = TUNE_PARAMS.indexOf(p);
    const axis = (count, lo, hi, offset) => axes.push(...pack(T.axis, { param: c, count, lo, hi, offset }));
    if (Array.isArray(v)) {
      if (v.length === 0) throw fail(where, `${what} is empty: give at least one value`);
      if (p === 'layers') {
        axis(v.length, 0, 0, layers.length);
        v.forEach((item, i) => {
          const units = tuneValue(where, `${what}[${i}]`, p, item);
          layers.push(...pack(T.layers, { count: units.length, units }));
        });
      } else {
        axis(v.length, 0, 0, values.length);
        v.forEach((item, i) => values.push(tuneValue(where, `${what}[${i}]`, p, item)));
      }
    } else if (random && v !== null && typeof v === 'object') {
      if (!['learningRate', 'l2', 'batchSize', 'epochs'].includes(p)) {
        throw fail(where, `${what}: ${p} is drawn from a list (ranges {min, max} are for learningRate, l2, batchSize and epochs)`);
      }
      checkKeys(`${where}: ${what}`, v, ['min', 'max']);
      const min = tuneValue(where, `${what}.min`, p, v.min);
      const max = tuneValue(where, `${what}.max`, p, v.max);
      if (!(min > 0) || max < min) throw fail(where, `${what}: expected 0 < min <= max, got ${show(v.min)}..${show(v.max)}`);
      axis(0, min, max, 0);
    } else {
      throw fail(where, `${what} must be an array of values${random ? ' or a range {min, max}' : ''}`);
    }
  }
  const metric = options.metric === undefined ? 'auto' : options.metric;
  oneOf(where, 'metric', metric, ['auto', ...METRICS]);
  const testFraction = num(where, 'testFraction', options.testFraction, 0);
  if (!(testFraction >= 0 && testFraction < 1)) throw fail(where, `testFraction must be in [0, 1), got ${testFraction}`);
  return {
    mode: random ? 1 : 0,
    draws,
    axes: new Float64Array(axes),
    values: new Float64Array(values.length ? values : [0]),
    layers: new Float64Array(layers.length ? layers : [0]),
    base: packConfig(where, 'base', base, tuneDefaults()),
    folds: int(where, 'folds', options.folds, 5, 2, MAX_FOLDS),
    metric,
    seed: int(where, 'seed', options.seed, 1, 0, limits.seed),
    testFraction,
    standardize: bool(where, 'standardize', options.standardize, true),
    scaleTarget: bool(where, 'scaleTarget', options.scaleTarget, true),
    curves: bool(where, 'curves', options.curves, false),
  };
}

/** Flat rows of a matrix-like value, and how many columns it has. */
function flatRows(where, what, v, columns) {
  if (v instanceof Float32Array || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'))) {
    return { flat: toMatrix(where, what, v, columns || 1), rows: null };
  }
  if (Array.isArray(v) && v[0] && typeof v[0].length === 'number') {
    const cols = v[0].length;
    return { flat: toMatrix(where, what, v, cols), rows: cols };
  }
  return { flat: toMatrix(where, what, v, columns || 1), rows: null };
}

/** A Dataset or {x, y, features?, labels?, classes?, task?} as flat arrays with labels for classification. */
/**
 * The names of data (a Dataset from parseCSV: featureNames, targetName,
 * classNames) that a refit model keeps, as model.setNames takes them; null
 * when it has none.
 */
export function datasetNames(data) {
  const names = {};
  for (const key of ['featureNames', 'targetName', 'classNames']) {
    const v = data && data[key];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) names[key] = v;
  }
  return Object.keys(names).length ? names : null;
}

export function tuneData(where, data) {
  if (data === null || typeof data !== 'object') {
    throw fail(where, 'data must be a Dataset (from parseCSV or generate) or {x, y}');
  }
  const task = data.task === undefined ? 'auto' : data.task;
  oneOf(where, 'data.task', task, TASKS);
  for (const key of ['features', 'outputs', 'classes']) {
    const v = data[key];
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 0 && v <= limits.units)) {
      throw fail(where, `data.${key} is ${show(v)}: expected an integer in 0..${limits.units}`);
    }
  }
  const xs = flatRows(where, 'data.x', data.x, data.features);
  const features = xs.rows || data.features;
  if (!Number.isInteger(features) || features < 1) {
    throw fail(where, 'data.features is needed with a flat data.x (or give x as an array of rows)');
  }
  const x = xs.flat.length % features === 0 ? xs.flat : toMatrix(where, 'data.x', xs.flat, features);
  const n = x.length / features;
  if (data.y === null || data.y === undefined) throw fail(where, 'data.y is required: the targets');
  const ys = flatRows(where, 'data.y', data.y, data.outputs);
  const outputs = ys.rows || data.outputs || ys.flat.length / n;
  const y = ys.flat;
  if (!Number.isInteger(outputs) || y.length !== n * outputs) {
    throw fail(where, `data.y has ${y.length} values for the ${n} rows of data.x: expected ${n} × outputs`);
  }
  let labels = null;
  let classes = 0;
  if (data.labels !== undefined && data.labels !== null) {
    const given = data.labels;
    if (typeof given !== 'object' || given.length !== n) {
      throw fail(where, `data.labels has ${show(given.length)} entries for ${n} rows`);
    }
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(given[i]) || given[i] < 0 || given[i] >= limits.units) {
        throw fail(where, `data.labels[${i}] is ${show(given[i])}: expected a class index in 0..${limits.units - 1}`);
      }
      labels[i] = given[i];
    }
    classes = Math.max(data.classes || 0, outputs === 1 ? 2 : outputs, ...labels.map((l) => l + 1));
    if (outputs !== classes && !(classes === 2 && outputs === 1)) {
      throw fail(where, `data has ${classes} classes but y has ${outputs} column${outputs === 1 ? '' : 's'}: give one-hot rows (one column per class), or one 0/1 column for 2 classes`);
    }
  } else if (task !== 'regression') {
    // Classes when y is 0/1 (one output) or one-hot rows; else regression, unless task insists.
    let binary = outputs === 1;
    let oneHot = outputs > 1;
    for (let r = 0; r < n && (binary || oneHot); r++) {
      if (outputs === 1) binary = y[r] === 0 || y[r] === 1;
      else {
        let ones = 0;
        for (let j = 0; j < outputs; j++) {
          const v = y[r * outputs + j];
          if (v === 1) ones++;
          else if (v !== 0) oneHot = false;
        }
        if (ones !== 1) oneHot = false;
      }
    }
    if (binary || oneHot) {
      classes = outputs === 1 ? 2 : outputs;
      labels = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        if (outputs === 1) labels[r] = y[r];
        else for (let j = 0; j < outputs; j++) if (y[r * outputs + j] === 1) labels[r] = j;
      }
    } else if (task === 'classification') {
      throw fail(where, 'data.task is classification, but data.y is neither 0/1 nor one-hot rows (or give data.labels)');
    }
  }
  return { n, features, outputs, x, y, labels, classes };
}
