// data.mjs - the data helpers of the JavaScript API, methods of a loaded
// descent (descent.parseCSV, generate, subset, fitScaler, applyScaler,
// trainTestSplit, kFold): each checks its arguments, runs the core in the
// wasm heap and copies the result out.

import { bool, checkKeys, checkScaler, fail, int, lengthOf, num, oneOf, show, toMatrix, typeOf } from './checks.mjs';
import { V, unpackAt } from './core-vocabulary.mjs';

/** Class indices for n rows (or none), checked; classes: one more than the largest. */
function labelsOf(where, n, labels) {
  if (labels === undefined || labels === null) return { labels: null, classes: 0 };
  if (typeof labels !== 'object' || typeof labels.length !== 'number' || labels.length !== n) {
    throw fail(where, `labels must have n = ${n} entries, got ${show(labels && labels.length)}`);
  }
  const l = new Int32Array(n);
  let classes = 0;
  for (let i = 0; i < n; i++) {
    l[i] = Number.isInteger(labels[i]) ? labels[i] : -1;
    if (l[i] !== labels[i] || l[i] < 0) throw fail(where, `labels[${i}] = ${show(labels[i])} is not a class index >= 0`);
    classes = Math.max(classes, l[i] + 1);
  }
  return { labels: l, classes };
}

/** Installed on Descent.prototype by descent.mjs. */
export const dataMethods = {
  _dataset(where, ptr) {
    if (!ptr) throw fail(where, this._message());
    const M = this._module;
    try {
      return this._scoped(where, (s) => {
        const info = s.alloc('the dataset info', V.fields.dataset.size, 8);
        M._dj_dataset_info(ptr, info);
        const { n, features, outputs, classes, x, y, labels } = unpackAt(M, V.fields.dataset, info);
        const featureNames = [];
        for (let j = 0; j < features; j++) featureNames.push(this._string(M._dj_dataset_feature_name(ptr, j)) ?? `x${j + 1}`);
        const classNames = [];
        for (let c = 0; c < classes; c++) classNames.push(this._string(M._dj_dataset_class_name(ptr, c)));
        return {
          n, features, outputs,
          x: M.HEAPF32.slice(x >> 2, (x >> 2) + n * features),
          y: y && outputs ? M.HEAPF32.slice(y >> 2, (y >> 2) + n * outputs) : null,
          classes,
          labels: labels && classes ? M.HEAP32.slice(labels >> 2, (labels >> 2) + n) : null,
          featureNames,
          targetName: this._string(M._dj_dataset_target_name(ptr)),
          classNames,
        };
      });
    } finally {
      M._dj_dataset_free(ptr);
    }
  },

  parseCSV(text, options = {}) {
    const where = 'parseCSV';
    const bytes = text instanceof ArrayBuffer ? new Uint8Array(text) : text instanceof Uint8Array ? text : null;
    if (!bytes && typeof text !== 'string') {
      throw fail(where, `text must be a string, got ${typeOf(text)} (or UTF-8 bytes: a Uint8Array or an ArrayBuffer)`);
    }
    checkKeys(where, options, ['target', 'task', 'delimiter', 'noTarget'], 'options');
    let targetName = null;
    let targetIndex = -1;
    if (typeof options.target === 'string') targetName = options.target;
    else if (options.target !== undefined) targetIndex = int(where, 'target', options.target, -1, -1, V.limits.columns);
    const task = options.task === undefined ? 0 : oneOf(where, 'task', options.task, V.vocabularies.task);
    let delimiter = 0;
    if (options.delimiter !== undefined) {
      if (typeof options.delimiter !== 'string' || options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 127) {
        throw fail(where, `delimiter must be one ASCII character, got ${show(options.delimiter)}`);
      }
      delimiter = options.delimiter.charCodeAt(0);
    }
    const noTarget = bool(where, 'noTarget', options.noTarget, false);
    const ptr = this._scoped(where, (s, M) => {
      const [p, length] = s.utf8(bytes ?? text, 'the CSV text');
      return M._dj_csv_parse(p, length, targetName === null ? 0 : s.str(targetName, 'the target name'), targetIndex, task,
        delimiter, noTarget ? 1 : 0);
    });
    return this._dataset(where, ptr);
  },

  generate(name, options = {}) {
    const where = 'generate';
    const kind = oneOf(where, 'name', name, V.vocabularies.generator);
    checkKeys(where, options, ['n', 'noise', 'seed'], 'options');
    const n = int(where, 'n', options.n, 200, 1, V.limits.generate);
    const noise = num(where, 'noise', options.noise, 0.1);
    const seed = int(where, 'seed', options.seed, 1, 0, V.limits.seed);
    return this._dataset(where, this._module._dj_generate(kind, n, noise, seed));
  },

  subset(dataset, indices) {
    const where = 'subset';
    if (!dataset || typeof dataset !== 'object' || !(dataset.x instanceof Float32Array)) {
      throw fail(where, 'dataset must be a Dataset (from parseCSV or generate)');
    }
    const { n, features, outputs } = dataset;
    if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
      throw fail(where, `indices must be an array of row numbers, got ${typeOf(indices)}`);
    }
    const m = lengthOf(where, 'indices', indices, 2 ** 31 - 1);
    const out = {
      ...dataset,
      n: m,
      x: new Float32Array(m * features),
      y: dataset.y ? new Float32Array(m * outputs) : null,
      labels: dataset.labels ? new Int32Array(m) : null,
    };
    for (let i = 0; i < m; i++) {
      const r = indices[i];
      if (!Number.isInteger(r) || r < 0 || r >= n) throw fail(where, `indices[${i}] = ${show(r)} is not a row in 0..${n - 1}`);
      out.x.set(dataset.x.subarray(r * features, (r + 1) * features), i * features);
      if (out.y) out.y.set(dataset.y.subarray(r * outputs, (r + 1) * outputs), i * outputs);
      if (out.labels) out.labels[i] = dataset.labels[r];
    }
    return out;
  },

  fitScaler(x, columns) {
    const where = 'fitScaler';
    const cols = int(where, 'columns', columns, undefined, 1, V.limits.units);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped(where, (s, M) => {
      const mean = s.alloc('the means', cols, 4);
      const std = s.alloc('the standard deviations', cols, 4);
      this._check(where, M._dj_standardize_fit(s.f32(flat, 'x'), flat.length / cols, cols, mean, std));
      return { mean: M.HEAPF32.slice(mean >> 2, (mean >> 2) + cols), std: M.HEAPF32.slice(std >> 2, (std >> 2) + cols) };
    });
  },

  applyScaler(x, scaler) {
    const where = 'applyScaler';
    const cols = checkScaler(where, scaler, null);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped(where, (s, M) => {
      const p = s.f32(flat, 'x');
      this._check(where, M._dj_standardize_apply(p, flat.length / cols, cols, s.f32(scaler.mean, 'scaler.mean'), s.f32(scaler.std, 'scaler.std')));
      return M.HEAPF32.slice(p >> 2, (p >> 2) + flat.length);
    });
  },


  trainTestSplit(n, options) {
    const where = 'trainTestSplit';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['testFraction', 'labels', 'seed'], 'options');
    const fraction = num(where, 'testFraction', options.testFraction, undefined);
    if (fraction === undefined) throw fail(where, 'testFraction is required, in [0, 1)');
    const { labels, classes } = labelsOf(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, V.limits.seed);
    return this._scoped(where, (s, M) => {
      const train = s.alloc('the training indices', rows, 4);
      const test = s.alloc('the test indices', rows, 4);
      const counts = s.alloc('the counts', 2, 4);
      this._check(where, M._dj_split(rows, labels ? s.i32(labels, 'labels') : 0, classes, fraction, seed, train, test, counts));
      const [nTrain, nTest] = M.HEAP32.slice(counts >> 2, (counts >> 2) + 2);
      return {
        train: M.HEAP32.slice(train >> 2, (train >> 2) + nTrain),
        test: M.HEAP32.slice(test >> 2, (test >> 2) + nTest),
      };
    });
  },

  kFold(n, options) {
    const where = 'kFold';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['k', 'labels', 'seed'], 'options');
    const k = int(where, 'k', options.k, undefined, 2, rows);
    const { labels, classes } = labelsOf(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, V.limits.seed);
    return this._scoped(where, (s, M) => {
      const fold = s.alloc('the folds', rows, 4);
      this._check(where, M._dj_kfold(rows, k, labels ? s.i32(labels, 'labels') : 0, classes, seed, fold));
      return M.HEAP32.slice(fold >> 2, (fold >> 2) + rows);
    });
  },
};
