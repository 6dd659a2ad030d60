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
const INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'uniform', 'zeros', 'playground'];
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
const STATUS_NONFINITE = -6;

/**
 * The Error of a run that diverged: descent's message, the run's History as
 * fit returns it (stopped: 'diverged', the finished epochs) and where it
 * diverged: {epoch, batch} (0-based) and restoredEpochs, the epochs of this
 * run the model was rolled back to (0: the state it started in).
 */
function diverged(error, history, [epoch, batch, restoredEpochs]) {
  error.history = { ...history, stopped: 'diverged' };
  error.divergence = { epoch, batch, restoredEpochs };
  return error;
}

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

/** Any value as message text: strings quoted, and never a throw (BigInt, Symbol, cycles). */
function show(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeOf(value);
  }
}

function oneOf(where, what, value, names) {
  const i = names.indexOf(value);
  if (i < 0) throw fail(where, `${what} ${show(value)} is not one of ${names.join(', ')}`);
  return i;
}

/** object's keys must be among allowed; what names the parameter when where does not. */
function checkKeys(where, object, allowed, what) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw fail(where, `${what ? `${what} must be an object` : 'expected an object'}, got ${typeOf(object)}`);
  }
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

// The most float32 values one WebAssembly heap (at most 2 GiB here) can hold.
const MAX_VALUES = 2 ** 29;

/** A list's length, checked: an integer that fits the wasm heap. */
function lengthOf(where, what, value, limit = MAX_VALUES) {
  const n = value.length;
  if (!Number.isSafeInteger(n) || n < 0) throw fail(where, `${what} has length ${show(n)}: not an array`);
  if (n > limit) throw fail(where, `${what} has ${n} values: more than the ${limit} a WebAssembly heap can hold`);
  return n;
}

function number(where, what, v) {
  if (typeof v !== 'number') throw fail(where, `${what} is ${typeOf(v)} ${show(v)}: expected a number`);
  return v;
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
    const rows = lengthOf(where, what, value, Math.floor(MAX_VALUES / columns));
    flat = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      const row = value[r];
      if (!row || typeof row !== 'object' || row.length !== columns) {
        throw fail(where, `${what}[${r}] has ${show(row && row.length)} values, expected ${columns}`);
      }
      for (let c = 0; c < columns; c++) flat[r * columns + c] = number(where, `${what}[${r}][${c}]`, row[c]);
    }
  } else {
    const n = lengthOf(where, what, value);
    flat = new Float32Array(n);
    if (ArrayBuffer.isView(value)) {
      if (typeof value[0] === 'bigint') throw fail(where, `${what} is a ${value.constructor.name}: expected numbers`);
      flat.set(value);
    } else {
      for (let i = 0; i < n; i++) flat[i] = number(where, `${what}[${i}]`, value[i]);
    }
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
 * options.tune: true loads the build with hyper-parameter search
 * (descent-tune.wasm and descent-tune.mjs, about 40 KB more) instead of the core.
 */
export async function loadDescent(options = {}) {
  const where = 'loadDescent';
  checkKeys(where, options, ['simd', 'baseUrl', 'wasmBinary', 'tune'], 'options');
  const tune = bool(where, 'tune', options.tune, false);
  const simd = options.simd === undefined ? 'auto' : options.simd;
  if (simd !== 'auto' && simd !== true && simd !== false) {
    throw fail(where, `simd must be 'auto', true or false, got ${show(simd)}`);
  }
  const supported = simdSupported();
  if (simd === true && !supported) throw fail(where, 'simd: true, but this runtime does not support WebAssembly SIMD');
  const useSimd = simd === 'auto' ? supported : simd;
  const base = options.baseUrl ? new URL(options.baseUrl, import.meta.url) : new URL('.', import.meta.url);
  const url = new URL(`descent${tune ? '-tune' : ''}${useSimd ? '' : '-scalar'}.wasm`, base);
  let bytes = options.wasmBinary;
  if (bytes !== undefined && !(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
    throw fail(where, `wasmBinary must be an ArrayBuffer or a Uint8Array, got ${typeOf(bytes)}`);
  }
  if (!bytes && isNode && url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    bytes = await fs.readFile(url);
  }
  // Literal specifiers, so bundlers see every file.
  let glue;
  if (tune) glue = useSimd ? await import('./descent-tune-glue.mjs') : await import('./descent-tune-scalar-glue.mjs');
  else glue = useSimd ? await import('./descent-glue.mjs') : await import('./descent-scalar-glue.mjs');
  const tuning = tune ? await import('./descent-tune.mjs') : null;
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
  return new Descent(Module, useSimd, tuning);
}

/** One loaded wasm instance: creates models and runs the data helpers. */
class Descent {
  #M;
  #registry;
  #tune;
  #limits;

  constructor(M, simd, tuning) {
    this.#M = M;
    this.simd = simd;
    this.version = VERSION;
    this.tuning = !!tuning;
    this._fitting = false;
    // The core's limits (exports.c: dj_limits), so both sides check the same numbers.
    const l = M._malloc(5 * 8);
    M._dj_limits(l);
    const [bytes, units, layers, params, steps] = M.HEAPF64.slice(l >> 3, (l >> 3) + 5);
    M._free(l);
    this.#limits = Object.freeze({ bytes, units, layers, params, steps });
    // A model dropped without dispose() still gets its C memory back eventually.
    this.#registry = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((ptr) => M._dj_model_free(ptr))
      : null;
    this.#tune = tuning ? tuning.attach(this, M, {
      fail, oneOf, checkKeys, num, int, bool, toMatrix, show, OPTIMIZERS, ACTIVATIONS, TASKS, STATUS_CANCELLED,
      model: (ptr) => new Model(this, M, ptr),
    }) : null;
    Object.seal(this);
  }

  /** Bytes of WebAssembly memory in use by this instance (it grows, never shrinks). */
  get memoryBytes() {
    return this.#M.HEAPU8.length;
  }

  /**
   * Allocates the product of factors bytes in the wasm heap for where's what,
   * or throws descent's Error naming them: a size the module's 32-bit heap
   * cannot hold is refused before malloc (which would see it wrapped), and
   * malloc failing says how much was asked. Free it with M._free.
   */
  _malloc(where, what, ...factors) {
    const M = this.#M;
    const bytes = factors.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this.#limits.bytes) {
      const sum = factors.length > 1 ? `${factors.join(' x ')} = ${bytes}` : `${bytes}`;
      throw fail(where, `${what} would take ${sum} bytes, more than the ${this.#limits.bytes} bytes one allocation can hold here (WebAssembly's 32-bit heap)`);
    }
    const p = M._malloc(Math.max(1, bytes));
    if (!p) {
      throw fail(where, `out of WebAssembly memory: ${what} would take ${bytes} bytes, more than the heap can grow by (it holds ${M.HEAPU8.length} bytes)`);
    }
    return p;
  }

  /** Runs fn with a scope whose heap allocations (named, for messages) are freed afterwards. */
  _scoped(where, fn) {
    const M = this.#M;
    const ptrs = [];
    const scope = {
      alloc: (what, ...factors) => {
        const p = this._malloc(where, what, ...factors);
        ptrs.push(p);
        return p;
      },
      f32(array, what = 'an array') {
        const p = scope.alloc(what, array.length, 4);
        M.HEAPF32.set(array, p >> 2);
        return p;
      },
      f64(array, what = 'the options') {
        const p = scope.alloc(what, array.length, 8);
        M.HEAPF64.set(array, p >> 3);
        return p;
      },
      i32(array, what = 'an array') {
        const p = scope.alloc(what, array.length, 4);
        M.HEAP32.set(array, p >> 2);
        return p;
      },
      str(s, what = 'a string') {
        const n = M.lengthBytesUTF8(s) + 1;
        const p = scope.alloc(what, n);
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
    return this._scoped('optimizerDefaults', (s, M) => {
      const p = s.alloc('the optimizer', 9, 8);
      M._dj_optimizer_defaults(kind, p);
      return unpackOptimizer(M.HEAPF64.slice(p >> 3, (p >> 3) + 9));
    });
  }

  createModel(config) {
    const where = 'createModel';
    checkKeys(where, config, MODEL_KEYS, 'config');
    const limits = this.#limits;
    const inputs = int(where, 'inputs', config.inputs, undefined, 1, limits.units);
    if (!Array.isArray(config.layers) || config.layers.length === 0 || config.layers.length > limits.layers) {
      throw fail(where, `layers must be a non-empty array of layer configs (at most ${limits.layers}), got ${Array.isArray(config.layers) ? `${config.layers.length} layers` : typeOf(config.layers)}`);
    }
    const defaultInit = config.init === undefined ? 0 : oneOf(where, 'init', config.init, INITIALIZERS);
    const packed = new Float64Array(config.layers.length * 8);
    config.layers.forEach((layer, i) => {
      const w = `${where}: layers[${i}]`;
      checkKeys(w, layer, LAYER_KEYS);
      const f = packed.subarray(i * 8, i * 8 + 8);
      f[0] = int(w, 'units', layer.units, undefined, 1, limits.units);
      f[1] = layer.activation === undefined ? 0 : oneOf(w, 'activation', layer.activation, ACTIVATIONS);
      f[2] = num(w, 'alpha', layer.alpha, 0.2);
      f[3] = num(w, 'l1', layer.l1, 0);
      f[4] = num(w, 'l2', layer.l2, 0);
      f[5] = layer.init === undefined ? defaultInit : oneOf(w, 'init', layer.init, INITIALIZERS);
      f[6] = num(w, 'initLimit', layer.initLimit, 0.05);
      // Used by the uniform initializer only, but a value given is checked whatever the initializer.
      if (!(Number.isFinite(f[6]) && Math.fround(f[6]) > 0 && Math.abs(f[6]) <= 3.4028234663852886e38)) {
        throw fail(w, `initLimit must be a finite number > 0 (as a float32), got ${f[6]}`);
      }
      f[7] = bool(w, 'useBias', layer.useBias, true) ? 0 : 1;
    });
    const loss = config.loss === undefined ? 0 : oneOf(where, 'loss', config.loss, LOSSES);
    const opt = packOptimizer(this, where, config.optimizer === undefined ? 'adam' : config.optimizer);
    const seed = int(where, 'seed', config.seed, 0, 0, 0xffffffff);
    const ptr = this._scoped(where, (s, M) => M._dj_model_create(inputs, config.layers.length,
      s.f64(packed, 'the layers'), loss, s.f64(opt, 'the optimizer'), seed));
    if (!ptr) throw fail(where, this._message());
    return new Model(this, this.#M, ptr);
  }

  loadModel(bytes) {
    const where = 'loadModel';
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    if (!(bytes instanceof Uint8Array)) throw fail(where, `bytes must be a Uint8Array or an ArrayBuffer, got ${typeOf(bytes)}`);
    const ptr = this._scoped(where, (s, M) => {
      const p = s.alloc('the model file', bytes.length);
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
      return this._scoped(where, (s) => {
        const info = s.alloc('the dataset info', 7, 8);
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
    const bytes = text instanceof ArrayBuffer ? new Uint8Array(text) : text instanceof Uint8Array ? text : null;
    if (!bytes && typeof text !== 'string') {
      throw fail(where, `text must be a string, got ${typeOf(text)} (or UTF-8 bytes: a Uint8Array or an ArrayBuffer)`);
    }
    checkKeys(where, options, ['target', 'task', 'delimiter', 'noTarget'], 'options');
    let targetName = null;
    let targetIndex = -1;
    if (typeof options.target === 'string') targetName = options.target;
    else if (options.target !== undefined) targetIndex = int(where, 'target', options.target, -1, -1, 1e6);
    const task = options.task === undefined ? 0 : oneOf(where, 'task', options.task, TASKS);
    let delimiter = 0;
    if (options.delimiter !== undefined) {
      if (typeof options.delimiter !== 'string' || options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 127) {
        throw fail(where, `delimiter must be one ASCII character, got ${show(options.delimiter)}`);
      }
      delimiter = options.delimiter.charCodeAt(0);
    }
    const noTarget = bool(where, 'noTarget', options.noTarget, false);
    const ptr = this._scoped(where, (s, M) => {
      // Into the heap with one copy: bytes as they are; an ASCII string
      // (its length is its UTF-8 length) encoded in place; other text
      // through TextEncoder's own array.
      const utf8 = bytes ?? (/[^\0-\x7f]/.test(text) ? new TextEncoder().encode(text) : null);
      const length = utf8 ? utf8.length : text.length;
      const p = s.alloc('the CSV text', length);
      if (utf8) M.HEAPU8.set(utf8, p);
      else new TextEncoder().encodeInto(text, M.HEAPU8.subarray(p, p + length));
      return M._dj_csv_parse(p, length, targetName === null ? 0 : s.str(targetName, 'the target name'), targetIndex, task,
        delimiter, noTarget ? 1 : 0);
    });
    return this._dataset(where, ptr);
  }

  generate(name, options = {}) {
    const where = 'generate';
    const kind = oneOf(where, 'name', name, GENERATORS);
    checkKeys(where, options, ['n', 'noise', 'seed'], 'options');
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
  }

  fitScaler(x, columns) {
    const where = 'fitScaler';
    const cols = int(where, 'columns', columns, undefined, 1, 1e6);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped(where, (s, M) => {
      const mean = s.alloc('the means', cols, 4);
      const std = s.alloc('the standard deviations', cols, 4);
      this._check(where, M._dj_standardize_fit(s.f32(flat, 'x'), flat.length / cols, cols, mean, std));
      return { mean: M.HEAPF32.slice(mean >> 2, (mean >> 2) + cols), std: M.HEAPF32.slice(std >> 2, (std >> 2) + cols) };
    });
  }

  applyScaler(x, scaler) {
    const where = 'applyScaler';
    const cols = checkScaler(where, scaler, null);
    const flat = toMatrix(where, 'x', x, cols);
    return this._scoped(where, (s, M) => {
      const p = s.f32(flat, 'x');
      this._check(where, M._dj_standardize_apply(p, flat.length / cols, cols, s.f32(scaler.mean, 'scaler.mean'), s.f32(scaler.std, 'scaler.std')));
      return M.HEAPF32.slice(p >> 2, (p >> 2) + flat.length);
    });
  }

  _labels(where, n, labels) {
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

  trainTestSplit(n, options) {
    const where = 'trainTestSplit';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['testFraction', 'labels', 'seed'], 'options');
    const fraction = num(where, 'testFraction', options.testFraction, undefined);
    if (fraction === undefined) throw fail(where, 'testFraction is required, in [0, 1)');
    const { labels, classes } = this._labels(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
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
  }

  kFold(n, options) {
    const where = 'kFold';
    const rows = int(where, 'n', n, undefined, 1, 2 ** 31 - 1);
    checkKeys(where, options, ['k', 'labels', 'seed'], 'options');
    const k = int(where, 'k', options.k, undefined, 2, rows);
    const { labels, classes } = this._labels(where, rows, options.labels);
    const seed = int(where, 'seed', options.seed, 1, 0, 0xffffffff);
    return this._scoped(where, (s, M) => {
      const fold = s.alloc('the folds', rows, 4);
      this._check(where, M._dj_kfold(rows, k, labels ? s.i32(labels, 'labels') : 0, classes, seed, fold));
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
    return this._scoped(where, (s, M) => {
      const confusion = s.alloc('the confusion matrix', classes, classes, 4);
      const out = s.alloc('the metrics', 10, 8);
      this._check(where, M._dj_metrics_classification(s.f32(p, 'pred'), s.f32(t, 'y'), p.length / k, k, confusion, out));
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
    return this._scoped(where, (s, M) => {
      const out = s.alloc('the metrics', 10, 8);
      this._check(where, M._dj_metrics_regression(s.f32(p, 'pred'), s.f32(t, 'y'), p.length / k, k, out));
      const v = M.HEAPF64.slice(out >> 3, (out >> 3) + 10);
      return { n: v[0], mse: v[6], rmse: v[7], mae: v[8], r2: v[9] };
    });
  }

  // ---------------------------------------------------------------- tuning

  #tuning(where) {
    if (!this.#tune) throw fail(where, 'tuning is in its own build: load it with loadDescent({ tune: true })');
    return this.#tune;
  }

  /** A hyper-parameter search (see descent-tune.mjs); needs loadDescent({ tune: true }). */
  createSearch(data, options = {}) {
    return this.#tuning('createSearch').createSearch(data, options);
  }

  /** Runs a whole search and scores the best on the test split; needs loadDescent({ tune: true }). */
  tune(data, options = {}, callbacks = {}) {
    return this.#tuning('tune').tune(data, options, callbacks);
  }

  /** k-fold cross-validation of one configuration; needs loadDescent({ tune: true }). */
  crossValidate(data, config, options = {}) {
    return this.#tuning('crossValidate').crossValidate(data, config, options);
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
  // A std of 0 would turn every value into Infinity; fitScaler gives 1 for a constant column.
  for (let j = 0; j < scaler.mean.length; j++) {
    const m = scaler.mean[j];
    const sd = scaler.std[j];
    if (typeof m !== 'number' || !Number.isFinite(m)) throw fail(where, `scaler.mean[${j}] is ${show(m)}: it must be a finite number`);
    if (typeof sd !== 'number' || !Number.isFinite(sd) || !(Math.fround(sd) > 0)) {
      throw fail(where, `scaler.std[${j}] is ${show(sd)}: it must be a finite number > 0 (fitScaler gives 1 for a constant column)`);
    }
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
    return this.#d._scoped('layers', (s, M) => {
      const out = s.alloc('the layer', 8, 8);
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
    this.#d._scoped(where, (s, M) => {
      flat.forEach(([kernel, bias], l) => {
        this.#d._check(where, M._dj_model_set_weights(p, l, s.f32(kernel, `weights[${l}].kernel`),
          bias ? s.f32(bias, `weights[${l}].bias`) : 0));
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
    return this.#d._scoped(where, (s, M) => {
      const loss = s.alloc('the loss', 4);
      this.#d._check(where, M._dj_model_train_step(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, loss));
      return M.HEAPF32[loss >> 2];
    });
  }

  predict(x) {
    const where = 'predict';
    const p = this.#p(where);
    const xs = toMatrix(where, 'x', x, this.inputs);
    const n = xs.length / this.inputs;
    const k = this.outputs;
    return this.#d._scoped(where, (s, M) => {
      const out = s.alloc('the predictions', n, k, 4);
      this.#d._check(where, M._dj_model_predict(p, s.f32(xs, 'x'), n, out));
      return M.HEAPF32.slice(out >> 2, (out >> 2) + n * k);
    });
  }

  evaluate(x, y) {
    const where = 'evaluate';
    const p = this.#p(where);
    const [xs, ys, n] = this.#xy(where, x, y);
    return this.#d._scoped(where, (s, M) => {
      const loss = s.alloc('the loss', 4);
      this.#d._check(where, M._dj_model_evaluate(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, loss));
      return M.HEAPF32[loss >> 2];
    });
  }

  /** Checks fit/trainer options; returns the data and the C ABI's 9 option doubles. */
  #fitArgs(where, x, y, options, callbacks) {
    checkKeys(where, options, callbacks ? FIT_KEYS : FIT_KEYS.filter((k) => !k.startsWith('on')), 'options');
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
      return this.#d._scoped(where, (s) => {
        const status = M._dj_model_fit(p, s.f32(a.xs, 'x'), s.f32(a.ys, 'y'), a.n, s.f64(a.opts),
          a.vx ? s.f32(a.vx, 'validationData x') : 0, a.vy ? s.f32(a.vy, 'validationData y') : 0, a.vn);
        if (thrown) throw thrown;
        const history = () => ({
          ...this.#history(M._dj_history_epochs(), a.hasVal, (which) => M._dj_history_array(which)),
          stopped: status === STATUS_CANCELLED ? 'cancelled' : M._dj_history_stopped_early() ? 'early-stopped' : 'completed',
          bestEpoch: M._dj_history_best_epoch(),
          steps: M._dj_history_steps(),
        });
        if (status === STATUS_NONFINITE) {
          throw diverged(fail(where, this.#d._message()), history(), [0, 1, 2].map((w) => M._dj_history_diverged(w)));
        }
        this.#d._check(where, status);
        return history();
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
    const keep = (array, what) => {
      const q = d._malloc(where, what, array.length, 4);
      M.HEAPF32.set(array, q >> 2);
      buffers.push(q);
      return q;
    };
    let ptr = 0;
    try {
      const xp = keep(a.xs, 'x');
      const yp = keep(a.ys, 'y');
      const vxp = a.vx ? keep(a.vx, 'validationData x') : 0;
      const vyp = a.vy ? keep(a.vy, 'validationData y') : 0;
      ptr = d._scoped(where, (s) => M._dj_trainer_create(p, xp, yp, a.n, s.f64(a.opts), vxp, vyp, a.vn));
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
    return this.#d._scoped('getOptimizer', (s, M) => {
      const out = s.alloc('the optimizer', 9, 8);
      M._dj_model_get_optimizer(p, out);
      return unpackOptimizer(M.HEAPF64.slice(out >> 3, (out >> 3) + 9));
    });
  }

  setOptimizer(optimizer) {
    const where = 'setOptimizer';
    const p = this.#p(where);
    const opt = packOptimizer(this.#d, where, optimizer);
    this.#d._scoped(where, (s, M) => this.#d._check(where, M._dj_model_set_optimizer(p, s.f64(opt, 'the optimizer'))));
  }

  resetOptimizer() {
    this.#M._dj_model_reset_optimizer(this.#p('resetOptimizer'));
  }

  setRegularization(layer, penalties) {
    const where = 'setRegularization';
    const p = this.#p(where);
    const l = int(where, 'layer', layer, undefined, 0, this.#M._dj_model_layer_count(p) - 1);
    checkKeys(where, penalties, ['l1', 'l2'], 'penalties');
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
    this.#d._scoped(where, (s) => this.#d._check(where, fn(p, s.f32(scaler.mean, 'scaler.mean'), s.f32(scaler.std, 'scaler.std'))));
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
    checkKeys(where, names, ['featureNames', 'targetName', 'classNames'], 'names');
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
    this.#d._scoped(where, (s, M) => {
      const buf = s.str(all.join('\0'), 'the names');
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
    checkKeys(where, options, ['withOptimizer'], 'options');
    const withOptimizer = bool(where, 'withOptimizer', options.withOptimizer, false);
    return this.#d._scoped(where, (s, M) => {
      const len = s.alloc('the length', 8);
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
    return this.#info().state;
  }

  /** The C trainer's info: the state, and where a diverged run diverged. */
  #info() {
    const p = this.#p('state');
    return this.#d._scoped('trainer.state', (s, M) => {
      const out = s.alloc('the state', 10, 8);
      M._dj_trainer_info(p, out);
      const [epoch, batch, batchesPerEpoch, steps, done, stoppedEarly, bestEpoch, ...divergence] =
        M.HEAPF64.slice(out >> 3, (out >> 3) + 10);
      const state = { epoch, batch, batchesPerEpoch, steps, done: done !== 0, stoppedEarly: stoppedEarly !== 0, bestEpoch };
      return { state, divergence };
    });
  }

  /** The completed epochs, as fit's History (without the run's end state). */
  get history() {
    this.#p('history');
    return this.#history(this.state.epoch);
  }

  /**
   * Runs up to maxBatches batches (default: to the end); returns the state.
   * A run that diverges throws with .history and .divergence, as fit does.
   */
  run(maxBatches = Infinity) {
    const where = 'trainer.run';
    const p = this.#p('run');
    if (maxBatches !== Infinity) int(where, 'maxBatches', maxBatches, undefined, 0, 2 ** 53);
    const status = this.#M._dj_trainer_run(p, maxBatches === Infinity ? -1 : maxBatches);
    if (status === STATUS_NONFINITE) {
      const { state, divergence } = this.#info();
      const { epoch, history } = this.#history(state.epoch);
      const run = { epoch, history, stopped: 'diverged', bestEpoch: state.bestEpoch, steps: state.steps };
      throw diverged(fail(where, this.#d._message()), run, divergence);
    }
    this.#d._check(where, status);
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

// Interop: other runtimes' formats, in modules of their own (interop-*.mjs).
import { toTfjs, fromTfjs } from './interop-tfjs.mjs';
import { toOnnx } from './interop-onnx.mjs';
Model.prototype.toTfjs = function tfjs() { return toTfjs(this); };
Model.prototype.toOnnx = function onnx(options) { return toOnnx(this, options); };
Descent.prototype.fromTfjs = function tfjsModel(artifacts) { return fromTfjs(this, artifacts); };
