// descent-tune.mjs - hyper-parameter search for descent's JavaScript API:
// grid and random search over learning rate, batch size, optimizer, hidden
// layers, activation, L2 and epochs, each configuration scored by k-fold
// cross-validation in C (core/tune.c). It lives apart from descent.mjs, with
// its own wasm build (descent-tune.wasm), so the core module stays small:
// loadDescent({ tune: true }) loads both and makes descent.tune,
// descent.createSearch and descent.crossValidate work.

import { bool, checkKeys, fail, int, oneOf } from './checks.mjs';
import { pack, readVocabulary, unpack } from './core-vocabulary.mjs';
import {
  HIGHER_IS_BETTER, MAX_FOLDS, MAX_SEED, METRICS, STATUS_CANCELLED, T, TASKS, TUNE_EVENTS, datasetNames, packConfig, readCurves, setLayouts, tuneData,
  tuneDefaults, tuneSpec, unpackConfig, unpackResult,
} from './tune-spec.mjs';

/**
 * Called by descent.mjs's loadDescent: the tuning half of a Descent instance
 * d over wasm module M; helpers.model wraps a model pointer of this instance.
 */
export function attach(d, M, helpers) {
  setLayouts(readVocabulary(M).fields);
  return new Tuning(d, M, helpers.model);
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

  /** The core's metric for 'auto': by the task of data with classes classes (0: regression). */
  _defaultMetric(classes) {
    return METRICS[this.#M._dj_tune_metric_default(TASKS.indexOf(classes >= 2 ? 'classification' : 'regression'))];
  }

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
    const metric = spec.metric === 'auto' ? this._defaultMetric(classes) : spec.metric;
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
      folds: spec.folds, seed: spec.seed, curves: spec.curves, names: datasetNames(data),
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
    const seed = int(where, 'seed', options.seed, 1, 0, MAX_SEED);
    const index = int(where, 'configIndex', options.configIndex, 0, 0, 2 ** 31 - 1);
    const standardize = bool(where, 'standardize', options.standardize, true);
    const scaleTarget = bool(where, 'scaleTarget', options.scaleTarget, true);
    const curves = bool(where, 'curves', options.curves, false);
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
      throw fail(where, 'onProgress must be a function');
    }
    const { ptr: ds, classes } = this._cDataset(where, data);
    const metric = metricName === 'auto' ? this._defaultMetric(classes) : metricName;
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
      if (wantModel) {
        test.model = this.#d._model(M.HEAP32[slot >> 2]);
        // the data's names (a CSV's columns and classes), so the model reads and writes CSV files as a trained one does
        if (this.#info.names) {
          try {
            test.model.setNames(this.#info.names);
          } catch (e) {
            test.model.dispose();
            throw fail(where, `the data's names do not fit the model: ${e.message}`);
          }
        }
      }
      return test;
    }));
  }

  dispose() {
    if (!this.#ptr) return;
    this.#M._dj_search_free(this.#ptr);
    this.#ptr = 0;
  }
}
