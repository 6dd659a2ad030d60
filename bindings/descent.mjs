// descent.mjs - descent's JavaScript API over the WebAssembly build of the C
// core. Works unchanged in Node 20.16+, a browser page and a (module) Web
// Worker. Every call checks its arguments, copies data into the wasm heap,
// checks the C status and throws an Error carrying the C message; temporary
// heap buffers are freed in `finally`, so no call can leak.

const VERSION = '0.1.0';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop ...)): valid only with SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

const ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'softmax'];
const INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'uniform', 'zeros'];
const LOSSES = ['mse', 'binary_crossentropy', 'categorical_crossentropy'];
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
const TASKS = ['auto', 'classification', 'regression'];
const GENERATORS = ['circle', 'xor', 'gaussian', 'spiral', 'plane', 'multigauss', 'linear4', 'line', 'curve'];

const LAYER_KEYS = ['units', 'activation', 'alpha', 'l1', 'l2', 'init', 'initLimit', 'useBias'];
const MODEL_KEYS = ['inputs', 'layers', 'loss', 'optimizer', 'init', 'seed'];
const OPTIMIZER_KEYS = ['name', 'learningRate', 'momentum', 'useNesterov', 'rho', 'epsilon', 'centered', 'beta1',
  'beta2', 'initialAccumulatorValue'];
const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'validationData', 'earlyStopping',
  'onEpochEnd', 'onBatchEnd'];

// The C core names parameters in snake_case; the JS API in camelCase.
const C_TO_JS_NAMES = [
  ['learning_rate', 'learningRate'], ['initial_accumulator', 'initialAccumulatorValue'],
  ['init_limit', 'initLimit'], ['batch_size', 'batchSize'], ['validation_split', 'validationSplit'],
  ['min_delta', 'minDelta'], ['test_fraction', 'testFraction'], ['val_x', 'validationData x'],
  ['val_y', 'validationData y'],
];

const STATUS_CANCELLED = 1;

/** True when this runtime validates WebAssembly SIMD. */
export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

function fail(where, message) {
  return new Error(`${where}: ${message}`);
}

function oneOf(where, what, value, names) {
  const i = names.indexOf(value);
  if (i < 0) throw fail(where, `${what} ${JSON.stringify(value)} is not one of ${names.join(', ')}`);
  return i;
}

function checkKeys(where, object, allowed) {
  if (object === null || typeof object !== 'object') throw fail(where, `expected an object, got ${typeOf(object)}`);
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw fail(where, `unknown option '${key}' (allowed: ${allowed.join(', ')})`);
    }
  }
}

function typeOf(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function num(where, what, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw fail(where, `${what} must be a number, got ${typeOf(value)} ${String(value)}`);
  }
  return value;
}

function int(where, what, value, fallback, min, max) {
  const v = num(where, what, value, fallback);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw fail(where, `${what} must be an integer in ${min}..${max}, got ${v}`);
  }
  return v;
}

function bool(where, what, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw fail(where, `${what} must be true or false, got ${typeOf(value)}`);
  return value;
}

/** Flattens a Matrix into a Float32Array of rows × columns, naming what is wrong. */
function toMatrix(where, what, value, columns) {
  if (value === null || value === undefined || typeof value !== 'object' || typeof value.length !== 'number') {
    throw fail(where, `${what} must be a Float32Array, an array of numbers or an array of rows, got ${typeOf(value)}`);
  }
  let flat;
  if (value instanceof Float32Array) {
    flat = value;
  } else if (value.length > 0 && typeof value[0] === 'object' && value[0] !== null) {
    flat = new Float32Array(value.length * columns);
    for (let r = 0; r < value.length; r++) {
      const row = value[r];
      if (!row || typeof row.length !== 'number' || row.length !== columns) {
        throw fail(where, `${what}[${r}] has ${row && row.length} values, expected ${columns}`);
      }
      for (let c = 0; c < columns; c++) flat[r * columns + c] = row[c];
    }
  } else {
    flat = Float32Array.from(value);
  }
  if (flat.length === 0 || flat.length % columns !== 0) {
    throw fail(where, `${what} has ${flat.length} values: expected a positive multiple of ${columns} (one row per sample)`);
  }
  return flat;
}

async function instantiate(bytes, url, imports) {
  if (bytes) return WebAssembly.instantiate(bytes, imports);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    const response = fetch(url);
    try {
      return await WebAssembly.instantiateStreaming(response, imports);
    } catch (e) {
      // A server without the application/wasm type: compile from the bytes instead.
      const r = await response;
      if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
      return WebAssembly.instantiate(await r.clone().arrayBuffer(), imports);
    }
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return WebAssembly.instantiate(await r.arrayBuffer(), imports);
}

/**
 * Loads the WebAssembly module. options.simd: 'auto' (default) uses the SIMD
 * build where the runtime supports it; true or false forces one.
 */
export async function loadDescent(options = {}) {
  const where = 'loadDescent';
  checkKeys(where, options, ['simd', 'baseUrl', 'wasmBinary']);
  const simd = options.simd === undefined ? 'auto' : options.simd;
  if (simd !== 'auto' && simd !== true && simd !== false) {
    throw fail(where, `simd must be 'auto', true or false, got ${JSON.stringify(simd)}`);
  }
  const supported = simdSupported();
  if (simd === true && !supported) throw fail(where, 'simd: true, but this runtime does not support WebAssembly SIMD');
  const useSimd = simd === 'auto' ? supported : simd;
  const base = options.baseUrl ? new URL(options.baseUrl, import.meta.url) : new URL('.', import.meta.url);
  const url = new URL(useSimd ? 'descent.wasm' : 'descent-scalar.wasm', base);
  let bytes = options.wasmBinary;
  if (bytes !== undefined && !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
    throw fail(where, `wasmBinary must be an ArrayBuffer or a Uint8Array, got ${typeOf(bytes)}`);
  }
  if (!bytes && isNode && url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    bytes = await fs.readFile(url);
  }
  const glue = useSimd ? await import('./descent-glue.mjs') : await import('./descent-scalar-glue.mjs');
  let rejectLoad;
  const loadFailed = new Promise((_, reject) => { rejectLoad = reject; });
  const factory = glue.default({
    instantiateWasm(imports, receive) {
      const name = url.pathname.split('/').pop();
      instantiate(bytes, url, imports).then((r) => receive(r.instance, r.module)).catch((e) => {
        rejectLoad(fail(where, `cannot instantiate ${name}: ${e.message}`));
      });
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  const Module = await Promise.race([factory, loadFailed]);
  return new Descent(Module, useSimd);
}

/** One loaded wasm instance: creates models and runs the data helpers. */
class Descent {
  #M;
  #registry;

  constructor(M, simd) {
    this.#M = M;
    this.simd = simd;
    this.version = VERSION;
    this._fitting = false;
    // A model dropped without dispose() still gets its C memory back eventually.
    this.#registry = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((ptr) => M._dj_model_free(ptr))
      : null;
    Object.seal(this);
  }

  /** Bytes of WebAssembly memory in use by this instance (it grows, never shrinks). */
  get memoryBytes() {
    return this.#M.HEAPU8.length;
  }

  /** Runs fn with a scope whose heap allocations are freed afterwards. */
  _scoped(fn) {
    const M = this.#M;
    const ptrs = [];
    const scope = {
      alloc(bytes) {
        const p = M._malloc(Math.max(1, bytes));
        if (!p) throw new Error(`descent: out of WebAssembly memory (asked for ${bytes} bytes)`);
        ptrs.push(p);
        return p;
      },
      f32(array) {
        const p = scope.alloc(array.length * 4);
        M.HEAPF32.set(array, p >> 2);
        return p;
      },
      f64(array) {
        const p = scope.alloc(array.length * 8);
        M.HEAPF64.set(array, p >> 3);
        return p;
      },
      i32(array) {
        const p = scope.alloc(array.length * 4);
        M.HEAP32.set(array, p >> 2);
        return p;
      },
      str(s) {
        const n = M.lengthBytesUTF8(s) + 1;
        const p = scope.alloc(n);
        M.stringToUTF8(s, p, n);
        return p;
      },
    };
    try {
      return fn(scope, M);
    } finally {
      for (const p of ptrs) M._free(p);
    }
  }

  /** Throws the C error for a status below zero. */
  _check(where, status) {
    if (status < 0) throw fail(where, this._message());
    return status;
  }

  _message() {
    let message = this.#M.UTF8ToString(this.#M._dj_error_message());
    for (const [c, js] of C_TO_JS_NAMES) message = message.replace(new RegExp(`\\b${c}\\b`, 'g'), js);
    return message;
  }

  _string(ptr) {
    return ptr ? this.#M.UTF8ToString(ptr) : null;
  }

  _track(model, ptr) {
    if (this.#registry) this.#registry.register(model, ptr, model);
  }

  _untrack(model) {
    if (this.#registry) this.#registry.unregister(model);
  }

  optimizerDefaults(name) {
    const kind = oneOf('optimizerDefaults', 'name', name, OPTIMIZERS);
    return this._scoped((s, M) => {
      const p = s.alloc(9 * 8);
      M._dj_optimizer_defaults(kind, p);
      return unpackOptimizer(M.HEAPF64.slice(p >> 3, (p >> 3) + 9));
    });
  }

  createModel(config) {
    const where = 'createModel';
    checkKeys(where, config, MODEL_KEYS);
    const inputs = int(where, 'inputs', config.inputs, undefined, 1, 1e6);
    if (!Array.isArray(config.layers) || config.layers.length === 0) {
      throw fail(where, `layers must be a non-empty array of layer configs, got ${typeOf(config.layers)}`);
    }
    const defaultInit = config.init === undefined ? 0 : oneOf(where, 'init', config.init, INITIALIZERS);
    const packed = new Float64Array(config.layers.length * 8);
    config.layers.forEach((layer, i) => {
      const w = `${where}: layers[${i}]`;
      checkKeys(w, layer, LAYER_KEYS);
      const f = packed.subarray(i * 8, i * 8 + 8);
      f[0] = int(w, 'units', layer.units, undefined, 1, 1e6);
      f[1] = layer.activation === undefined ? 0 : oneOf(w, 'activation', layer.activation, ACTIVATIONS);
      f[2] = num(w, 'alpha', layer.alpha, 0.2);
      f[3] = num(w, 'l1', layer.l1, 0);
      f[4] = num(w, 'l2', layer.l2, 0);
      f[5] = layer.init === undefined ? defaultInit : oneOf(w, 'init', layer.init, INITIALIZERS);
      f[6] = num(w, 'initLimit', layer.initLimit, 0.05);
      f[7] = bool(w, 'useBias', layer.useBias, true) ? 0 : 1;
    });
    const loss = config.loss === undefined ? 0 : oneOf(where, 'loss', config.loss, LOSSES);
    const opt = packOptimizer(this, where, config.optimizer === undefined ? 'adam' : config.optimizer);
    const seed = int(where, 'seed', config.seed, 0, 0, 0xffffffff);
    const ptr = this._scoped((s, M) => M._dj_model_create(inputs, config.layers.length, s.f64(packed), loss,
      s.f64(opt), seed));
    if (!ptr) throw fail(where, this._message());
    return new Model(this, this.#M, ptr);
  }

  loadModel(bytes) {
    const where = 'loadModel';
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    if (!(bytes instanceof Uint8Array)) throw fail(where, `bytes must be a Uint8Array or an ArrayBuffer, got ${typeOf(bytes)}`);
    const ptr = this._scoped((s, M) => {
      const p = s.alloc(bytes.length);
      M.HEAPU8.set(bytes, p);
      return M._dj_model_load(p, bytes.length);
    });
    if (!ptr) throw fail(where, this._message());
    return new Model(this, this.#M, ptr);
  }

  // ------------------------------------------------------------------ data

  _dataset(where, ptr) {
    if (!ptr) throw fail(where, this._message());
    const M = this.#M;
    try {
      return this._scoped((s) => {
        const info = s.alloc(7 * 8);
        M._dj_dataset_info(ptr, info);
        const [n, features, outputs, classes, x, y, labels] = M.HEAPF64.slice(info >> 3, (info >> 3) + 7);
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
  }

  parseCSV(text, options = {}) {
    const where = 'parseCSV';
    if (typeof text !== 'string') throw fail(where, `text must be a string, got ${typeOf(text)}`);
    checkKeys(where, options, ['target', 'task', 'delimiter', 'noTarget']);
    let targetName = null;
    let targetIndex = -1;
    if (typeof options.target === 'string') targetName = options.target;
    else if (options.target !== undefined) targetIndex = int(where, 'target', options.target, -1, -1, 1e6);
    const task = options.task === undefined ? 0 : oneOf(where, 'task', options.task, TASKS);
    let delimiter = 0;
    if (options.delimiter !== undefined) {
      if (typeof options.delimiter !== 'string' || options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 127) {
        throw fail(where, `delimiter must be one ASCII character, got ${JSON.stringify(options.delimiter)}`);
      }
      delimiter = options.delimiter.charCodeAt(0);
    }
    const noTarget = bool(where, 'noTarget', options.noTarget, false);
    const utf8 = new TextEncoder().encode(text);
    const ptr = this._scoped((s, M) => {
      const p = s.alloc(utf8.length);
      M.HEAPU8.set(utf8, p);
      return M._dj_csv_parse(p, utf8.length, targetName === null ? 0 : s.str(targetName), targetIndex, task,
        delimiter, noTarget ? 1 : 0);
    });
    return this._dataset(where, ptr);
  }

  generate(name, options = {}) {
    const where = 'generate';
    const kind = oneOf(where, 'name', name, GENERATORS);
    checkKeys(where, options, ['n', 'noise', 'seed']);
    const n = int(where, 'n', options.n, 200, 1, 1e7);
    const noise = num(where, 'noise', options.noise, 0.1);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
    return this._dataset(where, this.#M._dj_generate(kind, n, noise, seed));
  }

  subset(dataset, indices) {
    const where = 'subset';
    if (!dataset || typeof dataset !== 'object' || !(dataset.x instanceof Float32Array)) {
      throw fail(where, 'dataset must be a Dataset (from parseCSV or generate)');
    }
    const { n, features, outputs } = dataset;
    const m = indices.length;
    const out = {
      ...dataset,
      n: m,
      x: new Float32Array(m * features),
      y: dataset.y ? new Float32Array(m * outputs) : null,
      labels: dataset.labels ? new Int32Array(m) : null,
    };
    for (let i = 0; i < m; i++) {
      const r = indices[i];
      if (!Number.isInteger(r) || r < 0 || r >= n) throw fail(where, `indices[${i}] = ${r} is not a row in 0..${n - 1}`);
      out.x.set(dataset.x.subarray(r * features, (r + 1) * features), i * features);
      if (out.y) out.y.set(dataset.y.subarray(r * outputs, (r + 1) * outputs), i * outputs);
      if (out.labels) out.labels[i] = dataset.labels[r];
    }
    return out;
  }

  fitScaler(x, columns) {
    const where = 'fitScaler';
    const cols = int(where, 'columns', columns, undefined, 1, 1e6);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped((s, M) => {
      const mean = s.alloc(cols * 4);
      const std = s.alloc(cols * 4);
      this._check(where, M._dj_standardize_fit(s.f32(flat), flat.length / cols, cols, mean, std));
      return { mean: M.HEAPF32.slice(mean >> 2, (mean >> 2) + cols), std: M.HEAPF32.slice(std >> 2, (std >> 2) + cols) };
    });
  }

  applyScaler(x, scaler) {
    const where = 'applyScaler';
    const cols = checkScaler(where, scaler, null);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped((s, M) => {
      const p = s.f32(flat);
      M._dj_standardize_apply(p, flat.length / cols, cols, s.f32(scaler.mean), s.f32(scaler.std));
      return M.HEAPF32.slice(p >> 2, (p >> 2) + flat.length);
    });
  }

  _labels(where, n, labels) {
    if (labels === undefined || labels === null) return { labels: null, classes: 0 };
    if (typeof labels.length !== 'number' || labels.length !== n) {
      throw fail(where, `labels must have n = ${n} entries, got ${labels && labels.length}`);
    }
    const l = Int32Array.from(labels);
    let classes = 0;
    for (let i = 0; i < n; i++) {
      if (l[i] !== labels[i] || l[i] < 0) throw fail(where, `labels[${i}] = ${labels[i]} is not a class index >= 0`);
      classes = Math.max(classes, l[i] + 1);
    }
    return { labels: l, classes };
  }

  trainTestSplit(n, options) {
    const where = 'trainTestSplit';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['testFraction', 'labels', 'seed']);
    const fraction = num(where, 'testFraction', options.testFraction, undefined);
    if (fraction === undefined) throw fail(where, 'testFraction is required, in [0, 1)');
    const { labels, classes } = this._labels(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
    return this._scoped((s, M) => {
      const train = s.alloc(rows * 4);
      const test = s.alloc(rows * 4);
      const counts = s.alloc(8);
      this._check(where, M._dj_split(rows, labels ? s.i32(labels) : 0, classes, fraction, seed, train, test, counts));
      const [nTrain, nTest] = M.HEAP32.slice(counts >> 2, (counts >> 2) + 2);
      return {
        train: M.HEAP32.slice(train >> 2, (train >> 2) + nTrain),
        test: M.HEAP32.slice(test >> 2, (test >> 2) + nTest),
      };
    });
  }

  kFold(n, options) {
    const where = 'kFold';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['k', 'labels', 'seed']);
    const k = int(where, 'k', options.k, undefined, 2, rows);
    const { labels, classes } = this._labels(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
    return this._scoped((s, M) => {
      const fold = s.alloc(rows * 4);
      this._check(where, M._dj_kfold(rows, k, labels ? s.i32(labels) : 0, classes, seed, fold));
      return M.HEAP32.slice(fold >> 2, (fold >> 2) + rows);
    });
  }

  classificationMetrics(pred, y, outputs) {
    const where = 'classificationMetrics';
    const k = int(where, 'outputs', outputs, undefined, 1, 1e6);
    const p = toMatrix(where, 'pred', pred, k);
    const t = toMatrix(where, 'y', y, k);
    if (p.length !== t.length) throw fail(where, `pred has ${p.length / k} rows but y has ${t.length / k}`);
    const classes = Math.max(2, k);
    return this._scoped((s, M) => {
      const confusion = s.alloc(classes * classes * 4);
      const out = s.alloc(10 * 8);
      this._check(where, M._dj_metrics_classification(s.f32(p), s.f32(t), p.length / k, k, confusion, out));
      const v = M.HEAPF64.slice(out >> 3, (out >> 3) + 10);
      const c = M.HEAP32.slice(confusion >> 2, (confusion >> 2) + classes * classes);
      const matrix = [];
      for (let i = 0; i < classes; i++) matrix.push(Array.from(c.subarray(i * classes, (i + 1) * classes)));
      return { n: v[0], classes: v[1], accuracy: v[2], precision: v[3], recall: v[4], f1: v[5], confusion: matrix };
    });
  }

  regressionMetrics(pred, y, outputs) {
    const where = 'regressionMetrics';
    const k = int(where, 'outputs', outputs, undefined, 1, 1e6);
    const p = toMatrix(where, 'pred', pred, k);
    const t = toMatrix(where, 'y', y, k);
    if (p.length !== t.length) throw fail(where, `pred has ${p.length / k} rows but y has ${t.length / k}`);
    return this._scoped((s, M) => {
      const out = s.alloc(10 * 8);
      this._check(where, M._dj_metrics_regression(s.f32(p), s.f32(t), p.length / k, k, out));
      const v = M.HEAPF64.slice(out >> 3, (out >> 3) + 10);
      return { n: v[0], mse: v[6], rmse: v[7], mae: v[8], r2: v[9] };
    });
  }

  // ---------------------------------------------------------------- tuning

  /** A C dataset built from a Dataset or {x, y, ...}; the caller frees it with _dj_dataset_free. */
  _cDataset(where, data) {
    const t = tuneData(where, data);
    const M = this.#M;
    const ptr = M._dj_dataset_create(t.n, t.features, t.outputs, t.classes);
    if (!ptr) throw fail(where, this._message());
    this._scoped((s) => {
      const info = s.alloc(7 * 8);
      M._dj_dataset_info(ptr, info);
      const [, , , , x, y, labels] = M.HEAPF64.slice(info >> 3, (info >> 3) + 7);
      M.HEAPF32.set(t.x, x >> 2);
      M.HEAPF32.set(t.y, y >> 2);
      if (t.labels) M.HEAP32.set(t.labels, labels >> 2);
    });
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
      ptr = this._scoped((s, M) => M._dj_search_create(ds, spec.axes.length / 5, s.f64(spec.axes), s.f64(spec.values),
        s.f64(spec.layers), s.f64(spec.base), s.f64([spec.mode, spec.draws, spec.folds, METRICS.indexOf(metric),
          spec.seed, spec.testFraction, spec.standardize ? 0 : 1, spec.scaleTarget ? 0 : 1, spec.curves ? 1 : 0])));
    } finally {
      this.#M._dj_dataset_free(ds);
    }
    if (!ptr) throw fail(where, this._message());
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
    checkKeys('tune', callbacks, ['onProgress']);
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
      'onProgress']);
    const packed = packConfig(where, 'config', config, tuneDefaults());
    const folds = int(where, 'folds', options.folds, 5, 2, 20);
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
      return this._withTuneCallback(where, options.onProgress, () => this._scoped((s) => {
        const epochs = packed[5];
        const tl = curves ? s.alloc(folds * epochs * 4) : 0;
        const vl = curves ? s.alloc(folds * epochs * 4) : 0;
        const out = s.alloc(RESULT_FIELDS * 8);
        const status = M._dj_cross_validate(ds, s.f64(packed), s.f64([folds, METRICS.indexOf(metric), seed, index,
          standardize ? 0 : 1, scaleTarget ? 0 : 1]), tl, vl, out);
        if (status === STATUS_CANCELLED) return null;
        this._check(where, status);
        const result = unpackResult(M.HEAPF64.slice(out >> 3, (out >> 3) + RESULT_FIELDS));
        if (curves) result.curves = readCurves(M, tl, vl, folds, epochs);
        return result;
      }));
    } finally {
      M._dj_dataset_free(ds);
    }
  }

  /** Runs fn with Module.descentOnTune forwarding events to onProgress; a false return or a throw cancels. */
  _withTuneCallback(where, onProgress, fn) {
    if (this._fitting) throw fail(where, 'a fit or search is already running in this descent instance (called from its callback)');
    const M = this.#M;
    let thrown = null;
    M.descentOnTune = (event, index, fold, folds, epoch, epochs, loss, score, done, total, resultPtr) => {
      if (!onProgress) return false;
      const p = { type: TUNE_EVENTS[event], index, fold, folds, epoch, epochs, done, total };
      if (event === 1) p.loss = loss;
      if (event >= 2) p.score = score;
      if (resultPtr) p.result = unpackResult(M.HEAPF64.slice(resultPtr >> 3, (resultPtr >> 3) + RESULT_FIELDS));
      try {
        return onProgress(p) === false;
      } catch (e) {
        thrown = e;
        return true;
      }
    };
    this._fitting = true;
    try {
      const out = fn();
      if (thrown) throw thrown;
      return out;
    } finally {
      this._fitting = false;
      M.descentOnTune = null;
    }
  }
}

function unpackOptimizer(v) {
  return {
    name: OPTIMIZERS[v[0]],
    learningRate: v[1],
    momentum: v[2],
    rho: v[3],
    epsilon: v[4],
    beta1: v[5],
    beta2: v[6],
    initialAccumulatorValue: v[7],
    centered: v[8] !== 0,
  };
}

/** The optimizer as the C ABI's 9 doubles: that optimizer's defaults, then the given fields. */
function packOptimizer(d, where, config) {
  if (typeof config === 'string') config = { name: config };
  checkKeys(`${where}: optimizer`, config, OPTIMIZER_KEYS);
  const w = `${where}: optimizer`;
  let name = config.name;
  oneOf(w, 'name', name, OPTIMIZERS);
  if (bool(w, 'useNesterov', config.useNesterov, false)) {
    if (name !== 'momentum' && name !== 'nesterov') throw fail(w, `useNesterov applies to 'momentum', not '${name}'`);
    name = 'nesterov';
  }
  const o = d.optimizerDefaults(name);
  return new Float64Array([
    OPTIMIZERS.indexOf(name),
    num(w, 'learningRate', config.learningRate, o.learningRate),
    num(w, 'momentum', config.momentum, o.momentum),
    num(w, 'rho', config.rho, o.rho),
    num(w, 'epsilon', config.epsilon, o.epsilon),
    num(w, 'beta1', config.beta1, o.beta1),
    num(w, 'beta2', config.beta2, o.beta2),
    num(w, 'initialAccumulatorValue', config.initialAccumulatorValue, o.initialAccumulatorValue),
    bool(w, 'centered', config.centered, o.centered) ? 1 : 0,
  ]);
}

function checkScaler(where, scaler, expected) {
  if (!scaler || !(scaler.mean instanceof Float32Array || Array.isArray(scaler.mean)) ||
      !(scaler.std instanceof Float32Array || Array.isArray(scaler.std))) {
    throw fail(where, 'scaler must be { mean, std } with one value per column');
  }
  if (scaler.mean.length !== scaler.std.length || scaler.mean.length === 0) {
    throw fail(where, `scaler.mean has ${scaler.mean.length} values and scaler.std ${scaler.std.length}: they must match`);
  }
  if (expected !== null && scaler.mean.length !== expected) {
    throw fail(where, `scaler has ${scaler.mean.length} columns, expected ${expected}`);
  }
  return scaler.mean.length;
}

/** A model in the wasm heap. dispose() frees it; using it afterwards throws. */
class Model {
  #d;
  #M;
  #ptr;
  #busy = false;
  #trainers = new Set();

  constructor(d, M, ptr) {
    this.#d = d;
    this.#M = M;
    this.#ptr = ptr;
    this.stopTraining = false;
    d._track(this, ptr);
  }

  #p(where) {
    if (!this.#ptr) throw fail(where, 'this model has been disposed');
    return this.#ptr;
  }

  #idle(where) {
    const p = this.#p(where);
    if (this.#busy) throw fail(where, 'not allowed while this model is training (inside a fit callback); set model.stopTraining = true instead');
    return p;
  }

  get disposed() { return this.#ptr === 0; }
  get inputs() { return this.#M._dj_model_inputs(this.#p('inputs')); }
  get outputs() { return this.#M._dj_model_outputs(this.#p('outputs')); }
  get loss() { return LOSSES[this.#M._dj_model_loss(this.#p('loss'))]; }
  get seed() { return this.#M._dj_model_seed(this.#p('seed')); }
  get paramCount() { return this.#M._dj_model_param_count(this.#p('paramCount')); }
  get stepCount() { return this.#M._dj_model_step_count(this.#p('stepCount')); }

  get layers() {
    const p = this.#p('layers');
    return this.#d._scoped((s, M) => {
      const out = s.alloc(8 * 8);
      const layers = [];
      for (let l = 0; l < M._dj_model_layer_count(p); l++) {
        M._dj_model_layer(p, l, out);
        const f = M.HEAPF64.slice(out >> 3, (out >> 3) + 8);
        layers.push({
          units: f[0], activation: ACTIVATIONS[f[1]], alpha: Math.fround(f[2]), l1: f[3], l2: f[4],
          init: INITIALIZERS[f[5]], initLimit: f[6], useBias: f[7] === 0,
        });
      }
      return layers;
    });
  }

  getWeights() {
    const p = this.#p('getWeights');
    const M = this.#M;
    const base = M._dj_model_params(p) >> 2;
    let off = 0;
    let fanIn = this.inputs;
    return this.layers.map((layer) => {
      const k = fanIn * layer.units;
      const kernel = M.HEAPF32.slice(base + off, base + off + k);
      off += k;
      let bias = null;
      if (layer.useBias) {
        bias = M.HEAPF32.slice(base + off, base + off + layer.units);
        off += layer.units;
      }
      fanIn = layer.units;
      return { kernel, bias };
    });
  }

  setWeights(weights) {
    const where = 'setWeights';
    const p = this.#idle(where);
    const layers = this.layers;
    if (!Array.isArray(weights) || weights.length !== layers.length) {
      throw fail(where, `weights must be an array of ${layers.length} { kernel, bias } (one per layer), got ${weights && weights.length}`);
    }
    // Check every layer before writing any, so a bad call changes nothing.
    let fanIn = this.inputs;
    const flat = layers.map((layer, l) => {
      const w = weights[l];
      if (!w || typeof w !== 'object') throw fail(where, `weights[${l}] must be { kernel, bias }`);
      const kernel = toMatrix(where, `weights[${l}].kernel`, w.kernel, layer.units);
      if (kernel.length !== fanIn * layer.units) {
        throw fail(where, `weights[${l}].kernel has ${kernel.length} values, expected ${fanIn * layer.units} (${fanIn} inputs × ${layer.units} units)`);
      }
      let bias = null;
      if (w.bias !== undefined && w.bias !== null) {
        if (!layer.useBias) throw fail(where, `weights[${l}].bias given, but layer ${l} has no bias (useBias: false)`);
        bias = toMatrix(where, `weights[${l}].bias`, w.bias, layer.units);
        if (bias.length !== layer.units) throw fail(where, `weights[${l}].bias has ${bias.length} values, expected ${layer.units}`);
      } else if (layer.useBias) {
        throw fail(where, `weights[${l}].bias is missing: layer ${l} has a bias of ${layer.units} values`);
      }
      for (const [name, a] of [['kernel', kernel], ['bias', bias]]) {
        if (!a) continue;
        const i = a.findIndex((v) => !Number.isFinite(v));
        if (i >= 0) throw fail(where, `weights[${l}].${name}[${i}] is ${a[i]}: weights must be finite`);
      }
      fanIn = layer.units;
      return [kernel, bias];
    });
    this.#d._scoped((s, M) => {
      flat.forEach(([kernel, bias], l) => {
        this.#d._check(where, M._dj_model_set_weights(p, l, s.f32(kernel), bias ? s.f32(bias) : 0));
      });
    });
  }

  #xy(where, x, y) {
    const xs = toMatrix(where, 'x', x, this.inputs);
    const ys = toMatrix(where, 'y', y, this.outputs);
    const n = xs.length / this.inputs;
    if (ys.length / this.outputs !== n) {
      throw fail(where, `x has ${n} rows but y has ${ys.length / this.outputs} (${this.outputs} value${this.outputs === 1 ? '' : 's'} per row)`);
    }
    return [xs, ys, n];
  }

  trainOnBatch(x, y) {
    const where = 'trainOnBatch';
    const p = this.#idle(where);
    const [xs, ys, n] = this.#xy(where, x, y);
    return this.#d._scoped((s, M) => {
      const loss = s.alloc(4);
      this.#d._check(where, M._dj_model_train_step(p, s.f32(xs), s.f32(ys), n, loss));
      return M.HEAPF32[loss >> 2];
    });
  }

  predict(x) {
    const where = 'predict';
    const p = this.#p(where);
    const xs = toMatrix(where, 'x', x, this.inputs);
    const n = xs.length / this.inputs;
    const k = this.outputs;
    return this.#d._scoped((s, M) => {
      const out = s.alloc(n * k * 4);
      this.#d._check(where, M._dj_model_predict(p, s.f32(xs), n, out));
      return M.HEAPF32.slice(out >> 2, (out >> 2) + n * k);
    });
  }

  evaluate(x, y) {
    const where = 'evaluate';
    const p = this.#p(where);
    const [xs, ys, n] = this.#xy(where, x, y);
    return this.#d._scoped((s, M) => {
      const loss = s.alloc(4);
      this.#d._check(where, M._dj_model_evaluate(p, s.f32(xs), s.f32(ys), n, loss));
      return M.HEAPF32[loss >> 2];
    });
  }

  /** Checks fit/trainer options; returns the data and the C ABI's 9 option doubles. */
  #fitArgs(where, x, y, options, callbacks) {
    checkKeys(where, options, callbacks ? FIT_KEYS : FIT_KEYS.filter((k) => !k.startsWith('on')));
    const [xs, ys, n] = this.#xy(where, x, y);
    const epochs = int(where, 'epochs', options.epochs, 1, 1, 1e7);
    const batchSize = int(where, 'batchSize', options.batchSize, 32, 1, 2 ** 31 - 1);
    const shuffle = bool(where, 'shuffle', options.shuffle, true);
    const seed = int(where, 'seed', options.seed, 0, 0, 0xffffffff);
    const validationSplit = num(where, 'validationSplit', options.validationSplit, 0);
    let vx = null;
    let vy = null;
    let vn = 0;
    if (options.validationData !== undefined) {
      if (!Array.isArray(options.validationData) || options.validationData.length !== 2) {
        throw fail(where, 'validationData must be [x, y]');
      }
      [vx, vy, vn] = this.#xy(`${where}: validationData`, options.validationData[0], options.validationData[1]);
    }
    let patience = 0;
    let minDelta = 0;
    let restore = false;
    const es = options.earlyStopping;
    if (es !== undefined && es !== false) {
      checkKeys(`${where}: earlyStopping`, es, ['patience', 'minDelta', 'restoreBestWeights']);
      patience = int(`${where}: earlyStopping`, 'patience', es.patience, undefined, 1, 1e7);
      minDelta = num(`${where}: earlyStopping`, 'minDelta', es.minDelta, 0);
      restore = bool(`${where}: earlyStopping`, 'restoreBestWeights', es.restoreBestWeights, false);
    }
    for (const cb of ['onEpochEnd', 'onBatchEnd']) {
      if (options[cb] !== undefined && typeof options[cb] !== 'function') throw fail(where, `${cb} must be a function`);
    }
    const flags = (options.onEpochEnd ? 1 : 0) | (options.onBatchEnd ? 2 : 0);
    const opts = new Float64Array([epochs, batchSize, shuffle ? 0 : 1, seed, validationSplit, patience, minDelta,
      restore ? 1 : 0, flags]);
    return { xs, ys, n, opts, vx, vy, vn, hasVal: vn > 0 || validationSplit > 0 };
  }

  /** Keras's History from the C history arrays at ptrOf(which) (0 loss, 1 val_loss, 2 acc, 3 val_acc). */
  #history(count, hasVal, ptrOf) {
    const M = this.#M;
    const array = (which) => {
      const q = ptrOf(which) >> 2;
      return Array.from(M.HEAPF32.subarray(q, q + count));
    };
    const history = { loss: array(0) };
    if (hasVal) history.val_loss = array(1);
    if (this.loss !== 'mse') {
      history.acc = array(2);
      if (hasVal) history.val_acc = array(3);
    }
    return { epoch: Array.from({ length: count }, (_, i) => i), history };
  }

  fit(x, y, options = {}) {
    const where = 'fit';
    const p = this.#idle(where);
    if (this.#d._fitting) throw fail(where, 'another fit is running in this descent instance (called from a fit callback)');
    const a = this.#fitArgs(where, x, y, options, true);
    const M = this.#M;
    let thrown = null;
    const stop = (result) => result === false || this.stopTraining;
    M.descentOnEpoch = (epoch, loss, valLoss, acc, valAcc) => {
      try {
        const logs = { loss };
        if (!Number.isNaN(valLoss)) logs.val_loss = valLoss;
        if (!Number.isNaN(acc)) logs.acc = acc;
        if (!Number.isNaN(valAcc)) logs.val_acc = valAcc;
        return stop(options.onEpochEnd(epoch, logs));
      } catch (e) {
        thrown = e;
        return true;
      }
    };
    M.descentOnBatch = (epoch, batch, loss) => {
      try {
        return stop(options.onBatchEnd(batch, { loss, epoch }));
      } catch (e) {
        thrown = e;
        return true;
      }
    };
    this.stopTraining = false;
    this.#busy = true;
    this.#d._fitting = true;
    try {
      return this.#d._scoped((s) => {
        const status = M._dj_model_fit(p, s.f32(a.xs), s.f32(a.ys), a.n, s.f64(a.opts), a.vx ? s.f32(a.vx) : 0,
          a.vy ? s.f32(a.vy) : 0, a.vn);
        if (thrown) throw thrown;
        this.#d._check(where, status);
        return {
          ...this.#history(M._dj_history_epochs(), a.hasVal, (which) => M._dj_history_array(which)),
          stopped: status === STATUS_CANCELLED ? 'cancelled' : M._dj_history_stopped_early() ? 'early-stopped' : 'completed',
          bestEpoch: M._dj_history_best_epoch(),
          steps: M._dj_history_steps(),
        };
      });
    } finally {
      this.#busy = false;
      this.#d._fitting = false;
      M.descentOnEpoch = null;
      M.descentOnBatch = null;
    }
  }

  /**
   * A fit that runs in pieces (trainer.run(batches)), for pages and workers
   * that train between frames or step one batch at a time: the same options
   * and the same results as fit, whatever the pieces.
   */
  trainer(x, y, options = {}) {
    const where = 'trainer';
    const p = this.#idle(where);
    const a = this.#fitArgs(where, x, y, options, false);
    const M = this.#M;
    const d = this.#d;
    // The data stays in the heap for the trainer's life: the C side reads it on every run.
    const buffers = [];
    const keep = (array) => {
      const q = M._malloc(array.length * 4);
      if (!q) throw new Error(`descent: out of WebAssembly memory (asked for ${array.length * 4} bytes)`);
      M.HEAPF32.set(array, q >> 2);
      buffers.push(q);
      return q;
    };
    let ptr = 0;
    try {
      const xp = keep(a.xs);
      const yp = keep(a.ys);
      const vxp = a.vx ? keep(a.vx) : 0;
      const vyp = a.vy ? keep(a.vy) : 0;
      ptr = d._scoped((s) => M._dj_trainer_create(p, xp, yp, a.n, s.f64(a.opts), vxp, vyp, a.vn));
      if (!ptr) throw fail(where, d._message());
    } catch (e) {
      for (const q of buffers) M._free(q);
      throw e;
    }
    const trainer = new Trainer(d, M, ptr, buffers, this,
      (count) => this.#history(count, a.hasVal, (which) => M._dj_trainer_history(ptr, which)));
    this.#trainers.add(trainer);
    return trainer;
  }

  _forgetTrainer(trainer) {
    this.#trainers.delete(trainer);
  }

  setLearningRate(learningRate) {
    const where = 'setLearningRate';
    const p = this.#p(where);
    this.#d._check(where, this.#M._dj_model_set_learning_rate(p, num(where, 'learningRate', learningRate, undefined)));
  }

  getOptimizer() {
    const p = this.#p('getOptimizer');
    return this.#d._scoped((s, M) => {
      const out = s.alloc(9 * 8);
      M._dj_model_get_optimizer(p, out);
      return unpackOptimizer(M.HEAPF64.slice(out >> 3, (out >> 3) + 9));
    });
  }

  setOptimizer(optimizer) {
    const where = 'setOptimizer';
    const p = this.#p(where);
    const opt = packOptimizer(this.#d, where, optimizer);
    this.#d._scoped((s, M) => this.#d._check(where, M._dj_model_set_optimizer(p, s.f64(opt))));
  }

  resetOptimizer() {
    this.#M._dj_model_reset_optimizer(this.#p('resetOptimizer'));
  }

  setRegularization(layer, penalties) {
    const where = 'setRegularization';
    const p = this.#p(where);
    const l = int(where, 'layer', layer, undefined, 0, this.#M._dj_model_layer_count(p) - 1);
    checkKeys(where, penalties, ['l1', 'l2']);
    const current = this.layers[l];
    this.#d._check(where, this.#M._dj_model_set_regularization(p, l, num(where, 'l1', penalties.l1, current.l1),
      num(where, 'l2', penalties.l2, current.l2)));
  }

  reinit(seed) {
    const where = 'reinit';
    const p = this.#idle(where);
    this.#d._check(where, this.#M._dj_model_reinit(p, int(where, 'seed', seed, undefined, 0, 0xffffffff)));
  }

  #setScaler(where, scaler, columns, fn) {
    const p = this.#p(where);
    if (scaler === null) {
      this.#d._check(where, fn(p, 0, 0));
      return;
    }
    checkScaler(where, scaler, columns);
    this.#d._scoped((s) => this.#d._check(where, fn(p, s.f32(scaler.mean), s.f32(scaler.std))));
  }

  setInputScaler(scaler) {
    this.#setScaler('setInputScaler', scaler, this.inputs, this.#M._dj_model_set_input_scaler);
  }

  setTargetScaler(scaler) {
    this.#setScaler('setTargetScaler', scaler, this.outputs, this.#M._dj_model_set_target_scaler);
  }

  #getScaler(meanFn, stdFn, columns) {
    const p = this.#p('getScaler');
    const mean = meanFn(p);
    if (!mean) return null;
    const std = stdFn(p);
    const M = this.#M;
    return { mean: M.HEAPF32.slice(mean >> 2, (mean >> 2) + columns), std: M.HEAPF32.slice(std >> 2, (std >> 2) + columns) };
  }

  getInputScaler() {
    return this.#getScaler(this.#M._dj_model_input_mean, this.#M._dj_model_input_std, this.inputs);
  }

  getTargetScaler() {
    return this.#getScaler(this.#M._dj_model_target_mean, this.#M._dj_model_target_std, this.outputs);
  }

  setNames(names) {
    const where = 'setNames';
    const p = this.#p(where);
    checkKeys(where, names, ['featureNames', 'targetName', 'classNames']);
    const strings = (what, v) => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw fail(where, `${what} must be an array of strings`);
      if (v.some((s) => s.includes('\0'))) throw fail(where, `${what} must not contain NUL characters`);
      return v;
    };
    const features = strings('featureNames', names.featureNames);
    if (features.length && features.length !== this.inputs) {
      throw fail(where, `featureNames has ${features.length} names, expected ${this.inputs} (one per input)`);
    }
    const classes = strings('classNames', names.classNames);
    const target = names.targetName === undefined || names.targetName === null ? [] : strings('targetName', [names.targetName]);
    const all = [...features, ...target, ...classes];
    this.#d._scoped((s, M) => {
      const buf = s.str(all.join('\0'));
      this.#d._check(where, M._dj_model_set_names(p, buf, features.length, target.length, classes.length));
    });
  }

  getNames() {
    const p = this.#p('getNames');
    const M = this.#M;
    const d = this.#d;
    const features = [];
    for (let i = 0; i < this.inputs; i++) {
      const s = d._string(M._dj_model_feature_name(p, i));
      if (s === null) break;
      features.push(s);
    }
    const classes = [];
    for (let i = 0; i < M._dj_model_class_count(p); i++) classes.push(d._string(M._dj_model_class_name(p, i)));
    return {
      featureNames: features.length ? features : null,
      targetName: d._string(M._dj_model_target_name(p)),
      classNames: classes.length ? classes : null,
    };
  }

  setKernels(kernels) {
    const where = 'setKernels';
    const which = oneOf(where, 'kernels', kernels, ['scalar', 'simd']);
    this.#d._check(where, this.#M._dj_model_set_kernels(this.#p(where), which));
  }

  clone() {
    const ptr = this.#M._dj_model_clone(this.#p('clone'));
    if (!ptr) throw fail('clone', this.#d._message());
    return new Model(this.#d, this.#M, ptr);
  }

  save(options = {}) {
    const where = 'save';
    const p = this.#p(where);
    checkKeys(where, options, ['withOptimizer']);
    const withOptimizer = bool(where, 'withOptimizer', options.withOptimizer, false);
    return this.#d._scoped((s, M) => {
      const len = s.alloc(8);
      const bytes = M._dj_model_save(p, withOptimizer ? 1 : 0, len);
      if (!bytes) throw fail(where, this.#d._message());
      try {
        return M.HEAPU8.slice(bytes, bytes + M.HEAPF64[len >> 3]);
      } finally {
        M._dj_free(bytes);
      }
    });
  }

  dispose() {
    if (!this.#ptr) return;
    if (this.#busy) throw fail('dispose', 'not allowed while this model is training (inside a fit callback); set model.stopTraining = true instead');
    for (const t of this.#trainers) t.dispose();
    this.#d._untrack(this);
    this.#M._dj_model_free(this.#ptr);
    this.#ptr = 0;
  }
}

/** A fit in pieces, from model.trainer(). dispose() frees it (and its copy of the data). */
class Trainer {
  #d;
  #M;
  #ptr;
  #buffers;
  #model;
  #history;

  constructor(d, M, ptr, buffers, model, history) {
    this.#d = d;
    this.#M = M;
    this.#ptr = ptr;
    this.#buffers = buffers;
    this.#model = model;
    this.#history = history;
  }

  #p(where) {
    if (!this.#ptr) throw fail(`trainer.${where}`, 'this trainer has been disposed');
    return this.#ptr;
  }

  /** Where the run is, and whether it has finished (and why). */
  get state() {
    const p = this.#p('state');
    return this.#d._scoped((s, M) => {
      const out = s.alloc(7 * 8);
      M._dj_trainer_info(p, out);
      const [epoch, batch, batchesPerEpoch, steps, done, stoppedEarly, bestEpoch] = M.HEAPF64.slice(out >> 3, (out >> 3) + 7);
      return { epoch, batch, batchesPerEpoch, steps, done: done !== 0, stoppedEarly: stoppedEarly !== 0, bestEpoch };
    });
  }

  /** The completed epochs, as fit's History (without the run's end state). */
  get history() {
    this.#p('history');
    return this.#history(this.state.epoch);
  }

  /** Runs up to maxBatches batches (default: to the end); returns the state. */
  run(maxBatches = Infinity) {
    const where = 'trainer.run';
    const p = this.#p('run');
    if (maxBatches !== Infinity) int(where, 'maxBatches', maxBatches, undefined, 0, 2 ** 53);
    this.#d._check(where, this.#M._dj_trainer_run(p, maxBatches === Infinity ? -1 : maxBatches));
    return this.state;
  }

  /** Ends the run now (restoring the best weights when early stopping asked for that). */
  stop() {
    this.#M._dj_trainer_stop(this.#p('stop'));
    return this.state;
  }

  dispose() {
    if (!this.#ptr) return;
    this.#M._dj_trainer_free(this.#ptr);
    for (const q of this.#buffers) this.#M._free(q);
    this.#ptr = 0;
    this.#model._forgetTrainer(this);
  }
}

// ------------------------------------------------------------------ tuning

// In descent_tune_param order.
const TUNE_PARAMS = ['learningRate', 'batchSize', 'optimizer', 'layers', 'activation', 'l2', 'epochs'];
const METRICS = ['loss', 'accuracy', 'f1', 'r2', 'rmse'];
const HIGHER_IS_BETTER = ['accuracy', 'f1', 'r2'];
const TUNE_EVENTS = ['batch', 'epoch', 'fold', 'config'];
const TUNE_KEYS = ['grid', 'random', 'base', 'folds', 'metric', 'seed', 'testFraction', 'standardize', 'scaleTarget',
  'curves'];
const MAX_LAYERS = 8;
const MAX_FOLDS = 20;
const CONFIG_FIELDS = 7 + MAX_LAYERS;
const RESULT_FIELDS = 7 + MAX_FOLDS + CONFIG_FIELDS;
const LAYERS_RUN = 1 + MAX_LAYERS;

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
      units.some((u) => !Number.isInteger(u) || u < 1 || u > 100000)) {
    throw fail(where, `${what} is ${JSON.stringify(v)}: expected hidden layer sizes 1..100000 (at most ${MAX_LAYERS}), like [16, 16], '16x16', '8' or 'none'`);
  }
  return units;
}

/** One value of parameter p as the C ABI's number (layers: the units array). */
function tuneValue(where, what, p, v) {
  switch (p) {
    case 'learningRate':
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
      throw fail(where, `${what} is ${String(v)}: a learning rate must be a number > 0`);
    case 'l2':
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
      throw fail(where, `${what} is ${String(v)}: an L2 rate must be a number >= 0`);
    case 'batchSize':
      if (v === 'full') return 0;
      if (Number.isInteger(v) && v >= 1 && v <= 2 ** 31 - 1) return v;
      throw fail(where, `${what} is ${String(v)}: a batch size must be an integer in 1..2147483647 or 'full'`);
    case 'epochs':
      if (Number.isInteger(v) && v >= 1 && v <= 1e6) return v;
      throw fail(where, `${what} is ${String(v)}: epochs must be an integer in 1..1000000`);
    case 'optimizer': return oneOf(where, what, v, OPTIMIZERS);
    case 'activation': return oneOf(where, what, v, ACTIVATIONS);
    default: return parseLayers(where, what, v);
  }
}

/** A configuration as the C ABI's 15 doubles: defaults, then the given fields. */
function packConfig(where, what, config, defaults) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw fail(where, `${what} must be an object with any of ${TUNE_PARAMS.join(', ')}`);
  }
  checkKeys(`${where}: ${what}`, config, TUNE_PARAMS);
  const c = { ...defaults, ...config };
  const f = new Float64Array(CONFIG_FIELDS);
  f[0] = c.learningRate === 0 && config.learningRate === undefined ? 0 : tuneValue(where, `${what}.learningRate`, 'learningRate', c.learningRate);
  f[1] = tuneValue(where, `${what}.batchSize`, 'batchSize', c.batchSize);
  f[2] = tuneValue(where, `${what}.optimizer`, 'optimizer', c.optimizer);
  f[3] = tuneValue(where, `${what}.activation`, 'activation', c.activation);
  f[4] = tuneValue(where, `${what}.l2`, 'l2', c.l2);
  f[5] = tuneValue(where, `${what}.epochs`, 'epochs', c.epochs);
  const layers = tuneValue(where, `${what}.layers`, 'layers', c.layers);
  f[6] = layers.length;
  layers.forEach((u, i) => { f[7 + i] = u; });
  return f;
}

function unpackConfig(f) {
  return {
    learningRate: f[0],
    batchSize: f[1] === 0 ? 'full' : f[1],
    optimizer: OPTIMIZERS[f[2]],
    layers: Array.from(f.subarray(7, 7 + f[6])),
    activation: ACTIVATIONS[f[3]],
    l2: f[4],
    epochs: f[5],
  };
}

function unpackResult(f) {
  const folds = f[2];
  return {
    index: f[0],
    config: unpackConfig(f.subarray(7 + MAX_FOLDS)),
    mean: f[3],
    std: f[4],
    scores: Array.from(f.subarray(7, 7 + folds)),
    diverged: f[5],
    timeMs: f[6],
  };
}

function readCurves(M, tl, vl, folds, epochs) {
  const rows = (p) => Array.from({ length: folds }, (_, k) => Array.from(M.HEAPF32.subarray((p >> 2) + k * epochs, (p >> 2) + (k + 1) * epochs)));
  return { loss: rows(tl), valLoss: rows(vl) };
}

/** Checks tune options; returns the C ABI's arrays (axes: 5 doubles each, values, layers runs, base). */
function tuneSpec(where, options) {
  checkKeys(where, options, TUNE_KEYS);
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
  const draws = random ? int(where, 'random.draws', space.draws, undefined, 1, 100000) : 0;
  const base = options.base === undefined ? {} : options.base;
  const axes = [];
  const values = [];
  const layers = [];
  for (const [p, v] of Object.entries(space)) {
    if (p === 'draws') continue;
    const what = `${name}.${p}`;
    if (base[p] !== undefined) throw fail(where, `${p} is in both ${name} and base: give one`);
    const c = TUNE_PARAMS.indexOf(p);
    if (Array.isArray(v)) {
      if (v.length === 0) throw fail(where, `${what} is empty: give at least one value`);
      if (p === 'layers') {
        axes.push(c, v.length, 0, 0, layers.length);
        v.forEach((item, i) => {
          const units = tuneValue(where, `${what}[${i}]`, p, item);
          const run = new Array(LAYERS_RUN).fill(0);
          run[0] = units.length;
          units.forEach((u, k) => { run[1 + k] = u; });
          layers.push(...run);
        });
      } else {
        axes.push(c, v.length, 0, 0, values.length);
        v.forEach((item, i) => values.push(tuneValue(where, `${what}[${i}]`, p, item)));
      }
    } else if (random && v !== null && typeof v === 'object') {
      if (!['learningRate', 'l2', 'batchSize', 'epochs'].includes(p)) {
        throw fail(where, `${what}: ${p} is drawn from a list (ranges {min, max} are for learningRate, l2, batchSize and epochs)`);
      }
      checkKeys(`${where}: ${what}`, v, ['min', 'max']);
      const min = tuneValue(where, `${what}.min`, p, v.min);
      const max = tuneValue(where, `${what}.max`, p, v.max);
      if (!(min > 0) || max < min) throw fail(where, `${what}: expected 0 < min <= max, got ${v.min}..${v.max}`);
      axes.push(c, 0, min, max, 0);
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
    throw fail(where, `data.y has ${y.length} values for ${n} rows: expected ${n} × outputs`);
  }
  let labels = null;
  let classes = 0;
  if (data.labels) {
    labels = Int32Array.from(data.labels);
    if (labels.length !== n) throw fail(where, `data.labels has ${labels.length} entries for ${n} rows`);
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
    return this.#d._scoped((s, M) => {
      const out = s.alloc(CONFIG_FIELDS * 8);
      this.#d._check(where, M._dj_search_config(p, i, out));
      return unpackConfig(M.HEAPF64.slice(out >> 3, (out >> 3) + CONFIG_FIELDS));
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
    checkKeys(where, callbacks, ['onProgress']);
    const i = int(where, 'index', index, undefined, 0, this.count - 1);
    this.#d._withTuneCallback(where, callbacks.onProgress, () => this.#d._check(where, this.#M._dj_search_evaluate(p, i)));
    return this.result(i);
  }

  /** Evaluates every configuration not yet evaluated; {results (ranked), cancelled}. */
  run(callbacks = {}) {
    const where = 'search.run';
    const p = this.#p('run');
    checkKeys(where, callbacks, ['onProgress']);
    const status = this.#d._withTuneCallback(where, callbacks.onProgress, () => this.#d._check(where, this.#M._dj_search_run(p)));
    return { results: this.results(), cancelled: status === STATUS_CANCELLED };
  }

  /** Configuration index's result, or null before it is evaluated. */
  result(index) {
    const p = this.#p('result');
    const i = int('search.result', 'index', index, undefined, 0, this.count - 1);
    return this.#d._scoped((s, M) => {
      const out = s.alloc(RESULT_FIELDS * 8);
      if (!M._dj_search_result(p, i, out)) return null;
      const r = unpackResult(M.HEAPF64.slice(out >> 3, (out >> 3) + RESULT_FIELDS));
      if (this.#info.curves) {
        const c = s.alloc(3 * 8);
        this.#d._check('search.result', M._dj_search_curves(p, i, c));
        const [tl, vl, epochs] = M.HEAPF64.slice(c >> 3, (c >> 3) + 3);
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
    return this.#d._scoped((s, M) => {
      const order = s.alloc(this.count * 4);
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
    checkKeys(where, options, ['model', 'onProgress']);
    const i = index === undefined ? this.#M._dj_search_best(p) : int(where, 'index', index, undefined, 0, this.count - 1);
    if (i < 0) throw fail(where, 'no configuration has been evaluated yet: give an index');
    const wantModel = bool(where, 'model', options.model, false);
    const M = this.#M;
    return this.#d._withTuneCallback(where, options.onProgress, () => this.#d._scoped((s) => {
      const out = s.alloc(16 * 8);
      const slot = s.alloc(4);
      M.HEAP32[slot >> 2] = 0;
      const status = M._dj_search_refit(p, i, out, wantModel ? slot : 0);
      if (status === STATUS_CANCELLED) return null;
      this.#d._check(where, status);
      const v = M.HEAPF64.slice(out >> 3, (out >> 3) + 16);
      const metrics = { loss: v[4] };
      const names = ['accuracy', 'precision', 'recall', 'f1', 'mse', 'rmse', 'mae', 'r2'];
      names.forEach((name, k) => { if (!Number.isNaN(v[8 + k])) metrics[name] = v[8 + k]; });
      const test = { index: v[0], trainRows: v[1], testRows: v[2], score: v[3], loss: v[4], metrics, timeMs: v[5] };
      if (wantModel) test.model = new Model(this.#d, M, M.HEAP32[slot >> 2]);
      return test;
    }));
  }

  dispose() {
    if (!this.#ptr) return;
    this.#M._dj_search_free(this.#ptr);
    this.#ptr = 0;
  }
}
