// descent-tune.mjs - hyper-parameter search for descent's JavaScript API:
// grid and random search over learning rate, batch size, optimizer, hidden
// layers, activation, L2 and epochs, each configuration scored by k-fold
// cross-validation in C (core/tune.c). It lives apart from descent.mjs, with
// its own wasm build (descent-tune.wasm), so the core module stays small:
// loadDescent({ tune: true }) loads both and makes descent.tune,
// descent.createSearch and descent.crossValidate work.

import { bool, checkKeys, fail, int, num, oneOf, show, toMatrix } from './checks.mjs';
import { camel, readVocabulary } from './core-vocabulary.mjs';
// The core's names and limits, generated at build time (scripts/make-vocabulary.mjs),
// so rankResults works without a loaded module.
import vocabulary from './vocabulary.mjs';

const { vocabularies, limits } = vocabulary;
const OPTIMIZERS = vocabularies.optimizer;
const ACTIVATIONS = vocabularies.activation;
const TASKS = vocabularies.task;
// In descent_tune_param order.
const TUNE_PARAMS = vocabularies.parameter.map(camel);
const METRICS = vocabularies.metric;
const HIGHER_IS_BETTER = vocabulary.higherIsBetter;
const MAX_LAYERS = limits.hidden;
const MAX_FOLDS = limits.folds;
const STATUS_CANCELLED = 1;
/** The tune build's struct layouts (fields.h: config, result, axis, ...), read by attach(). */
let T = null;

/**
 * Called by descent.mjs's loadDescent: the tuning half of a Descent instance
 * d over wasm module M; helpers.model wraps a model pointer of this instance.
 */
export function attach(d, M, helpers) {
  T = readVocabulary(M).fields;
  return new Tuning(d, M, helpers.model);
}

/** values[name] for each field of table into a new Float64Array (a field of width w takes an array). */
function pack(table, values) {
  const out = new Float64Array(table.size);
  for (const [name, i] of Object.entries(table.at)) {
    const v = values[name];
    if (typeof v === 'number') out[i] = v;
    else if (v) out.set(v, i);
  }
  return out;
}

/** The doubles of v by table's field names (each the first of its width). */
function unpack(table, v) {
  const out = {};
  for (const [name, i] of Object.entries(table.at)) out[name] = v[i];
  return out;
}

/** The search side of one loaded instance. */
class Tuning {
  #d;
  #M;
  #model;

  constructor(d, M, model) {
    this.#d = d;
    this.#M = M;
    this.#model = model;
  }

  _scoped(where, fn) { return this.#d._scoped(where, fn); }
  _check(where, status) { return this.#d._check(where, status); }
  _model(ptr) { return this.#model(ptr); }

  /** A C dataset built from a Dataset or {x, y, ...}; the caller frees it with _dj_dataset_free. */
  _cDataset(where, data) {
    const t = tuneData(where, data);
    const M = this.#M;
    const ptr = M._dj_dataset_create(t.n, t.features, t.outputs, t.classes);
    if (!ptr) throw fail(where, this.#d._message());
    try {
      this.#d._scoped(where, (s) => {
        const info = s.alloc('the dataset info', T.dataset.size, 8);
        M._dj_dataset_info(ptr, info);
        const { x, y, labels } = unpack(T.dataset, M.HEAPF64.subarray(info >> 3));
        M.HEAPF32.set(t.x, x >> 2);
        M.HEAPF32.set(t.y, y >> 2);
        if (t.labels) M.HEAP32.set(t.labels, labels >> 2);
      });
    } catch (e) {
      M._dj_dataset_free(ptr);
      throw e;
    }
    return { ptr, classes: t.classes };
  }

  /**
   * A hyper-parameter search over data (a Dataset, or {x, y, features?,
   * labels?, task?}): grid or random configurations, each scored by k-fold
   * cross-validation. Evaluate configurations one at a time (in any order, in
   * any process: the results are the same) or all with run(). dispose() frees it.
   */
  createSearch(data, options = {}) {
    return this._createSearch('createSearch', data, options);
  }

  _createSearch(where, data, options) {
    const spec = tuneSpec(where, options);
    const { ptr: ds, classes } = this._cDataset(where, data);
    const metric = spec.metric === 'auto' ? (classes >= 2 ? 'accuracy' : 'r2') : spec.metric;
    let ptr;
    try {
      const options = pack(T.search, {
        mode: spec.mode, draws: spec.draws, folds: spec.folds, metric: METRICS.indexOf(metric), seed: spec.seed,
        test_fraction: spec.testFraction, no_standardize: spec.standardize ? 0 : 1, no_scale_target: spec.scaleTarget ? 0 : 1,
        curves: spec.curves ? 1 : 0,
      });
      ptr = this.#d._scoped(where, (s, M) => M._dj_search_create(ds, spec.axes.length / T.axis.size, s.f64(spec.axes, 'the axes'),
        s.f64(spec.values, 'the values'), s.f64(spec.layers, 'the layer lists'), s.f64(spec.base, 'the base configuration'),
        s.f64(options)));
    } finally {
      this.#M._dj_dataset_free(ds);
    }
    if (!ptr) throw fail(where, this.#d._message());
    return new Search(this, this.#M, ptr, {
      mode: spec.mode ? 'random' : 'grid', metric, higherIsBetter: HIGHER_IS_BETTER.includes(metric),
      folds: spec.folds, seed: spec.seed, curves: spec.curves,
    });
  }

  /**
   * Runs a whole search (see createSearch) and, with a test split, retrains
   * the best configuration on the training rows and scores it on the test
   * rows. callbacks.onProgress(event) sees every epoch, fold and
   * configuration; returning false cancels before the next batch.
   */
  tune(data, options = {}, callbacks = {}) {
    checkKeys('tune', callbacks, ['onProgress'], 'callbacks');
    const search = this._createSearch('tune', data, options);
    try {
      const { cancelled } = search.run(callbacks);
      const results = search.results();
      let test = null;
      if (!cancelled && search.testRows > 0 && results.length > 0 && !Number.isNaN(results[0].mean)) {
        test = search.refit(results[0].index, callbacks);
      }
      return { ...search.summary(), results, best: results[0] || null, test, cancelled };
    } finally {
      search.dispose();
    }
  }

  /**
   * k-fold cross-validation of one configuration: exactly what a search
   * computes for the configuration at options.configIndex with the same seed.
   */
  crossValidate(data, config, options = {}) {
    const where = 'crossValidate';
    checkKeys(where, options, ['folds', 'metric', 'seed', 'configIndex', 'standardize', 'scaleTarget', 'curves',
      'onProgress'], 'options');
    const packed = packConfig(where, 'config', config, tuneDefaults());
    const folds = int(where, 'folds', options.folds, 5, 2, MAX_FOLDS);
    const metricName = options.metric === undefined ? 'auto' : options.metric;
    oneOf(where, 'metric', metricName, ['auto', ...METRICS]);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
    const index = int(where, 'configIndex', options.configIndex, 0, 0, 2 ** 31 - 1);
    const standardize = bool(where, 'standardize', options.standardize, true);
    const scaleTarget = bool(where, 'scaleTarget', options.scaleTarget, true);
    const curves = bool(where, 'curves', options.curves, false);
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
      throw fail(where, 'onProgress must be a function');
    }
    const { ptr: ds, classes } = this._cDataset(where, data);
    const metric = metricName === 'auto' ? (classes >= 2 ? 'accuracy' : 'r2') : metricName;
    const M = this.#M;
    try {
      return this._withTuneCallback(where, options.onProgress, () => this.#d._scoped(where, (s) => {
        const epochs = packed[T.config.at.epochs];
        const tl = curves ? s.alloc('the training curves', folds, epochs, 4) : 0;
        const vl = curves ? s.alloc('the validation curves', folds, epochs, 4) : 0;
        const out = s.alloc('the result', T.result.size, 8);
        const cv = pack(T.cv, { folds, metric: METRICS.indexOf(metric), seed, index, no_standardize: standardize ? 0 : 1,
          no_scale_target: scaleTarget ? 0 : 1 });
        const status = M._dj_cross_validate(ds, s.f64(packed, 'the configuration'), s.f64(cv), tl, vl, out);
        if (status === STATUS_CANCELLED) return null;
        this.#d._check(where, status);
        const result = unpackResult(M.HEAPF64.slice(out >> 3, (out >> 3) + T.result.size));
        if (curves) result.curves = readCurves(M, tl, vl, folds, epochs);
        return result;
      }));
    } finally {
      M._dj_dataset_free(ds);
    }
  }

  /** Runs fn with Module.descentOnTune forwarding events to onProgress; a false return or a throw cancels. */
  _withTuneCallback(where, onProgress, fn) {
    if (this.#d._fitting) throw fail(where, 'a fit or search is already running in this descent instance (called from its callback)');
    const M = this.#M;
    let thrown = null;
    M.descentOnTune = (event, index, fold, folds, epoch, epochs, loss, score, done, total, resultPtr) => {
      if (!onProgress) return false;
      const p = { type: TUNE_EVENTS[event], index, fold, folds, epoch, epochs, done, total };
      if (event === 1) p.loss = loss;
      if (event >= 2) p.score = score;
      if (resultPtr) p.result = unpackResult(M.HEAPF64.slice(resultPtr >> 3, (resultPtr >> 3) + T.result.size));
      try {
        return onProgress(p) === false;
      } catch (e) {
        thrown = e;
        return true;
      }
    };
    this.#d._fitting = true;
    try {
      const out = fn();
      if (thrown) throw thrown;
      return out;
    } finally {
      this.#d._fitting = false;
      M.descentOnTune = null;
    }
  }
}

const TUNE_EVENTS = ['batch', 'epoch', 'fold', 'config'];
const TUNE_KEYS = ['grid', 'random', 'base', 'folds', 'metric', 'seed', 'testFraction', 'standardize', 'scaleTarget',
  'curves'];

/** What `descent train` uses: adam at its default rate, batch 32, 16,16 relu, no L2, 100 epochs. */
function tuneDefaults() {
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
function packConfig(where, what, config, defaults) {
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

function unpackConfig(f) {
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

function unpackResult(f) {
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

function readCurves(M, tl, vl, folds, epochs) {
  const rows = (p) => Array.from({ length: folds }, (_, k) => Array.from(M.HEAPF32.subarray((p >> 2) + k * epochs, (p >> 2) + (k + 1) * epochs)));
  return { loss: rows(tl), valLoss: rows(vl) };
}

/** Checks tune options; returns the C ABI's arrays (axes: 5 doubles each, values, layers runs, base). */
function tuneSpec(where, options) {
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
    seed: int(where, 'seed', options.seed, 1, 0, 0xffffffff),
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
function tuneData(where, data) {
  if (data === null || typeof data !== 'object') {
    throw fail(where, 'data must be a Dataset (from parseCSV or generate) or {x, y}');
  }
  const task = data.task === undefined ? 'auto' : data.task;
  oneOf(where, 'data.task', task, TASKS);
  for (const key of ['features', 'outputs', 'classes']) {
    const v = data[key];
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 0 && v <= 1e6)) {
      throw fail(where, `data.${key} is ${show(v)}: expected an integer in 0..1000000`);
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
      if (!Number.isInteger(given[i]) || given[i] < 0 || given[i] >= 1e6) {
        throw fail(where, `data.labels[${i}] is ${show(given[i])}: expected a class index in 0..999999`);
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

/**
 * Evaluated results, best first: means compared to 12 significant digits (so
 * rounding noise does not decide), ties by index, NaN (diverged) last. The C
 * search ranks the same way; the worker pool uses this.
 */
export function rankResults(results, metric) {
  const higher = HIGHER_IS_BETTER.includes(metric);
  const key = (r) => (Number.isNaN(r.mean) ? NaN : Number(r.mean.toPrecision(12)));
  return results.filter(Boolean).map((r) => [key(r), r]).sort(([ka, a], [kb, b]) => {
    const an = Number.isNaN(ka);
    const bn = Number.isNaN(kb);
    if (an !== bn) return an ? 1 : -1;
    if (!an && ka !== kb) return (higher ? ka > kb : ka < kb) ? -1 : 1;
    return a.index - b.index;
  }).map(([, r]) => r);
}

/** A search in the wasm heap, from descent.createSearch(). dispose() frees it. */
class Search {
  #d;
  #M;
  #ptr;
  #info;

  constructor(d, M, ptr, info) {
    this.#d = d;
    this.#M = M;
    this.#ptr = ptr;
    this.#info = info;
  }

  #p(where) {
    if (!this.#ptr) throw fail(`search.${where}`, 'this search has been disposed');
    return this.#ptr;
  }

  get count() { return this.#M._dj_search_count(this.#p('count')); }
  get trainRows() { return this.#M._dj_search_train_rows(this.#p('trainRows')); }
  get testRows() { return this.#M._dj_search_test_rows(this.#p('testRows')); }
  get metric() { return this.#info.metric; }
  get higherIsBetter() { return this.#info.higherIsBetter; }

  /** What the search is: mode, metric, folds, seed, configurations and rows. */
  summary() {
    const { mode, metric, higherIsBetter, folds, seed } = this.#info;
    return { mode, metric, higherIsBetter, folds, seed, count: this.count, trainRows: this.trainRows, testRows: this.testRows };
  }

  /** Configuration index's hyper-parameters. */
  config(index) {
    const where = 'search.config';
    const p = this.#p('config');
    const i = int(where, 'index', index, undefined, 0, this.count - 1);
    return this.#d._scoped(where, (s, M) => {
      const out = s.alloc('the configuration', T.config.size, 8);
      this.#d._check(where, M._dj_search_config(p, i, out));
      return unpackConfig(M.HEAPF64.slice(out >> 3, (out >> 3) + T.config.size));
    });
  }

  /** Every configuration, by index. */
  configs() {
    return Array.from({ length: this.count }, (_, i) => this.config(i));
  }

  /** Cross-validates configuration index; the result, or null if onProgress cancelled it. */
  evaluate(index, callbacks = {}) {
    const where = 'search.evaluate';
    const p = this.#p('evaluate');
    checkKeys(where, callbacks, ['onProgress'], 'callbacks');
    const i = int(where, 'index', index, undefined, 0, this.count - 1);
    this.#d._withTuneCallback(where, callbacks.onProgress, () => this.#d._check(where, this.#M._dj_search_evaluate(p, i)));
    return this.result(i);
  }

  /** Evaluates every configuration not yet evaluated; {results (ranked), cancelled}. */
  run(callbacks = {}) {
    const where = 'search.run';
    const p = this.#p('run');
    checkKeys(where, callbacks, ['onProgress'], 'callbacks');
    const status = this.#d._withTuneCallback(where, callbacks.onProgress, () => this.#d._check(where, this.#M._dj_search_run(p)));
    return { results: this.results(), cancelled: status === STATUS_CANCELLED };
  }

  /** Configuration index's result, or null before it is evaluated. */
  result(index) {
    const p = this.#p('result');
    const i = int('search.result', 'index', index, undefined, 0, this.count - 1);
    return this.#d._scoped('search.result', (s, M) => {
      const out = s.alloc('the result', T.result.size, 8);
      if (!M._dj_search_result(p, i, out)) return null;
      const r = unpackResult(M.HEAPF64.slice(out >> 3, (out >> 3) + T.result.size));
      if (this.#info.curves) {
        const c = s.alloc('the curves', T.curves.size, 8);
        this.#d._check('search.result', M._dj_search_curves(p, i, c));
        const { train_loss: tl, val_loss: vl, epochs } = unpack(T.curves, M.HEAPF64.subarray(c >> 3));
        r.curves = readCurves(M, tl, vl, this.#info.folds, epochs);
      }
      return r;
    });
  }

  /** The evaluated configurations' results, best first. */
  results() {
    const all = [];
    for (let i = 0; i < this.count; i++) all.push(this.result(i));
    return rankResults(all, this.metric);
  }

  /** The C side's ranking (indices, best first). */
  ranking() {
    const p = this.#p('ranking');
    return this.#d._scoped('search.ranking', (s, M) => {
      const order = s.alloc('the ranking', this.count, 4);
      const n = M._dj_search_rank(p, order);
      return Array.from(M.HEAP32.subarray(order >> 2, (order >> 2) + n));
    });
  }

  /**
   * Retrains configuration index (default: the best) on all the training rows
   * and scores it on the test rows. options.model: true also returns the
   * trained Model (the caller disposes it).
   */
  refit(index, options = {}) {
    const where = 'search.refit';
    const p = this.#p('refit');
    checkKeys(where, options, ['model', 'onProgress'], 'options');
    const i = index === undefined ? this.#M._dj_search_best(p) : int(where, 'index', index, undefined, 0, this.count - 1);
    if (i < 0) throw fail(where, 'no configuration has been evaluated yet: give an index');
    const wantModel = bool(where, 'model', options.model, false);
    const M = this.#M;
    return this.#d._withTuneCallback(where, options.onProgress, () => this.#d._scoped(where, (s) => {
      const out = s.alloc('the test scores', T.refit.size, 8);
      const slot = s.alloc('the model slot', 4);
      M.HEAP32[slot >> 2] = 0;
      const status = M._dj_search_refit(p, i, out, wantModel ? slot : 0);
      if (status === STATUS_CANCELLED) return null;
      this.#d._check(where, status);
      const v = M.HEAPF64.slice(out >> 3, (out >> 3) + T.refit.size);
      const t = unpack(T.refit, v);
      const scores = unpack(T.metrics, v.subarray(T.refit.at.metrics));
      const metrics = { loss: t.loss };
      // The scores after n and classes (fields.h METRICS), those the test's task has.
      Object.keys(T.metrics.at).slice(2).forEach((name) => { if (!Number.isNaN(scores[name])) metrics[name] = scores[name]; });
      const test = { index: t.index, trainRows: t.train_rows, testRows: t.test_rows, score: t.score, loss: t.loss, metrics, timeMs: t.time_ms };
      if (wantModel) test.model = this.#d._model(M.HEAP32[slot >> 2]);
      return test;
    }));
  }

  dispose() {
    if (!this.#ptr) return;
    this.#M._dj_search_free(this.#ptr);
    this.#ptr = 0;
  }
}
