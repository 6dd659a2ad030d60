// descent.mjs - descent's JavaScript API over the WebAssembly build of the C
// core: loadDescent and the Descent instance. Works unchanged in Node 18+,
// a browser page and a (module) Web Worker. Every call checks its arguments
// (checks.mjs), copies data into the wasm heap (heap.mjs), checks the C status
// and throws an Error carrying the C message; temporary heap buffers are freed
// in `finally`, so no call can leak. The parts: model.mjs (models and
// trainers), data.mjs, metrics.mjs, and core-vocabulary.mjs (what the core
// tells the API at load); recipe.mjs (trainCSV, predictCSV) and the
// interop-*.mjs are loaded on first use. The build joins them into one shipped descent.mjs
// (scripts/join-modules.mjs).

import { bool, checkKeys, fail, oneOf, show, typeOf } from './checks.mjs';
import { C_TO_JS_NAMES, useVocabulary } from './core-vocabulary.mjs';
import { dataMethods } from './data.mjs';
import { gradientMethods } from './gradients.mjs';
import { Heap } from './heap.mjs';
import { metricsMethods } from './metrics.mjs';
import { Model, createModel, loadModel } from './model.mjs';

const VERSION = '0.1.0';

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop ...)): valid only with SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when this runtime validates WebAssembly SIMD. */
export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

/** The module compiled from bytes, or from url as it streams in (a server without the application/wasm type: from its bytes). */
async function compile(bytes, url) {
  if (bytes) return WebAssembly.compile(bytes);
  if (typeof WebAssembly.compileStreaming === 'function') {
    const response = fetch(url);
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      const r = await response;
      if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
      return WebAssembly.compile(await r.clone().arrayBuffer());
    }
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return WebAssembly.compile(await r.arrayBuffer());
}

/**
 * Loads the WebAssembly module. options.simd: 'auto' (default) uses the SIMD
 * build where the runtime supports it; true or false forces one.
 * options.tune: true loads the build with hyper-parameter search
 * (descent-tune.wasm and descent-tune.mjs, about 40 KB more) instead of the core.
 * The core module comes in two files: descent.wasm, what creating and
 * training a model calls, and descent.deferred.wasm (descent-scalar.* for
 * the scalar build), the rest (CSV parsing, model files, the other
 * optimizers...), loaded the first time one of its functions is called.
 * options.wasmBinary and options.deferredBinary give their bytes instead;
 * without deferredBinary the deferred part is read from where descent.wasm
 * would be (baseUrl, or beside this file).
 */
export async function loadDescent(options = {}) {
  const where = 'loadDescent';
  checkKeys(where, options, ['simd', 'baseUrl', 'wasmBinary', 'deferredBinary', 'tune'], 'options');
  const tune = bool(where, 'tune', options.tune, false);
  const simd = options.simd === undefined ? 'auto' : options.simd;
  if (simd !== 'auto' && simd !== true && simd !== false) {
    throw fail(where, `simd must be 'auto', true or false, got ${show(simd)}`);
  }
  const supported = simdSupported();
  if (simd === true && !supported) throw fail(where, 'simd: true, but this runtime does not support WebAssembly SIMD');
  const useSimd = simd === 'auto' ? supported : simd;
  const file = `descent${tune ? '-tune' : ''}${useSimd ? '' : '-scalar'}.wasm`;
  // Each file as a literal new URL(..., import.meta.url), which bundlers
  // (Vite, webpack, Parcel) find and copy; baseUrl overrides the place.
  const url = options.baseUrl ? new URL(file, new URL(options.baseUrl, import.meta.url))
    : tune ? (useSimd ? new URL('./descent-tune.wasm', import.meta.url) : new URL('./descent-tune-scalar.wasm', import.meta.url))
      : useSimd ? new URL('./descent.wasm', import.meta.url) : new URL('./descent-scalar.wasm', import.meta.url);
  // The core's deferred part; the tuning build is one file.
  const deferredFile = tune ? null : file.replace(/\.wasm$/, '.deferred.wasm');
  const deferredUrl = tune ? null : options.baseUrl ? new URL(deferredFile, new URL(options.baseUrl, import.meta.url))
    : useSimd ? new URL('./descent.deferred.wasm', import.meta.url) : new URL('./descent-scalar.deferred.wasm', import.meta.url);
  const binary = (key) => {
    const v = options[key];
    if (v !== undefined && !(v instanceof ArrayBuffer || ArrayBuffer.isView(v))) {
      throw fail(where, `${key} must be an ArrayBuffer or a Uint8Array, got ${typeOf(v)}`);
    }
    return v;
  };
  let bytes = binary('wasmBinary');
  const deferredBytes = binary('deferredBinary');
  if (deferredBytes !== undefined && tune) throw fail(where, 'deferredBinary: the tuning build (tune: true) is one file, it has no deferred part');
  const fs = isNode && url.protocol === 'file:' ? await import('node:fs') : null;
  if (!bytes && fs) bytes = await fs.promises.readFile(url);
  // The wasm downloads and compiles while the glue loads; a failure is reported by instantiateWasm below.
  const compiling = compile(bytes, url);
  compiling.catch(() => {});
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
      let instance = null;
      if (!tune) {
        const read = deferredBytes ? () => deferredBytes : fs && deferredUrl.protocol === 'file:' ? () => fs.readFileSync(deferredUrl) : () => fetchSync(deferredUrl);
        imports.P = placeholders(() => ({ exports: instance.exports, id: splitId(primary) }), deferredFile, read);
      }
      let primary = null;
      compiling.then(async (module) => {
        primary = module;
        instance = await WebAssembly.instantiate(module, imports);
        receive(instance, module);
      }).catch((e) => {
        rejectLoad(fail(where, `cannot instantiate ${name}: ${e.message}`));
      });
      return {};
    },
    print: () => {},
    printErr: () => {},
  });
  const Module = await Promise.race([factory, loadFailed]);
  return new Descent(Module, useSimd, tuning, options.baseUrl);
}

/** The id of the build a split module's part comes from (its custom section, scripts/split-wasm.mjs). */
const splitId = (module) => String(WebAssembly.Module.customSections(module, 'descent.split').map((b) => new Uint8Array(b)));

/**
 * The imports of a split core module's placeholders (namespace P; the
 * deferred part imports the primary's exports as M: scripts/split-wasm.mjs
 * names them): the first call of any loads the deferred part, as it comes,
 * synchronously (the call is inside a wasm call), whose instance puts the
 * real functions in the table's slots; each placeholder then calls the
 * function now in its slot (the import's name is the slot's index). A part
 * that cannot load, or of another build (a stale cache), is an Error naming
 * it; the next call tries again. (The error unwinds through the C frames
 * without restoring their stack pointer: each failed load leaks those few
 * bytes of the 256 KB stack.)
 */
function placeholders(primaryOf, file, read) {
  let table = null;
  const fail = (why) => new Error(`descent: cannot load ${file}, the part of the module loaded on first use: ${why}`);
  const load = () => {
    const { exports, id } = primaryOf();
    let part;
    try {
      part = new WebAssembly.Module(read());
    } catch (e) {
      throw fail(e && e.message ? e.message : String(e));
    }
    if (splitId(part) !== id) throw fail('it is not the part of this build of the module (another version, a stale cache?)');
    new WebAssembly.Instance(part, { M: exports });
    table = Object.values(exports).find((v) => v instanceof WebAssembly.Table);
  };
  return new Proxy({}, {
    get: (_, index) => (...args) => {
      if (!table) load();
      return table.get(Number(index))(...args);
    },
  });
}

/** url's bytes, synchronously: a worker may ask for an ArrayBuffer, a page's main thread reads them as x-user-defined text. */
function fetchSync(url) {
  if (typeof XMLHttpRequest !== 'function') throw new Error(`no synchronous way to read ${url} here: pass its bytes as deferredBinary to loadDescent`);
  const xhr = new XMLHttpRequest();
  xhr.open('GET', String(url), false);
  const page = typeof document === 'object';
  if (page) xhr.overrideMimeType('text/plain; charset=x-user-defined');
  else xhr.responseType = 'arraybuffer';
  xhr.send();
  if (xhr.status !== 200) throw new Error(`HTTP ${xhr.status} for ${url}`);
  if (!page) return new Uint8Array(xhr.response);
  const text = xhr.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** One loaded wasm instance: creates models and runs the data helpers. */
class Descent {
  #M;
  #heap;
  #registry;
  #tune;
  #baseUrl;
  #host = null;

  constructor(M, simd, tuning, baseUrl) {
    this.#M = M;
    this.#baseUrl = baseUrl;
    this.simd = simd;
    this.version = VERSION;
    this.tuning = !!tuning;
    this._fitting = false;
    /** The core's names, limits, defaults and struct layouts (core-vocabulary.mjs), frozen. */
    this.vocabulary = useVocabulary(M);
    // The core's limit on one allocation, so both sides check the same number.
    this.#heap = new Heap(M, this.vocabulary.limits.bytes);
    // A model dropped without dispose() still gets its C memory back eventually.
    this.#registry = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((ptr) => M._dj_model_free(ptr))
      : null;
    this.#tune = tuning ? tuning.attach(this, M, { model: (ptr) => new Model(this, M, ptr) }) : null;
    Object.seal(this);
  }

  /** Bytes of WebAssembly memory in use by this instance (it grows, never shrinks). */
  get memoryBytes() {
    return this.#M.HEAPU8.length;
  }

  /** Allocates for where's what, checked (heap.mjs); free it with M._free. */
  _malloc(where, what, ...factors) {
    return this.#heap.malloc(where, what, ...factors);
  }

  /** Runs fn(scope, M) with a scope whose heap allocations are freed afterwards (heap.mjs). */
  _scoped(where, fn) {
    return this.#heap.scoped(where, fn);
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

  /** The Emscripten module, for the API's parts (model.mjs, data.mjs, task.mjs, ...). */
  get _module() {
    return this.#M;
  }

  /** model's C pointer, checked to be a live Model of this instance. */
  _modelPointer(where, model) {
    if (!(model instanceof Model)) throw fail(where, `model must be a Model, got ${typeOf(model)}`);
    if (!model._ownedBy(this)) {
      throw fail(where, 'model belongs to another descent instance (another loadDescent): move it here with this one\'s loadModel(model.save())');
    }
    return model._pointer(where);
  }

  /** A Model of this instance owning the C model at ptr. */
  _model(ptr) {
    return new Model(this, this.#M, ptr);
  }

  /**
   * Where trainCSV and predictCSV (recipe.mjs) and the explorers that build
   * their own models (explore.mjs) run: their C is in the tuning build, so
   * this instance when it is one, else its tuning twin (the same kernels,
   * from the same place), loaded once on first use.
   */
  _tuningTwin(where) {
    if (this.#tune) return Promise.resolve(this);
    if (!this.#host) {
      const file = `descent-tune${this.simd ? '' : '-scalar'}.wasm`;
      this.#host = loadDescent({ tune: true, simd: this.simd, baseUrl: this.#baseUrl }).catch((e) => {
        this.#host = null;
        throw fail(where, `it runs in the tuning build (${file}, loaded on first use), which did not load: ${e.message}`);
      });
    }
    return this.#host;
  }

  _track(model, ptr) {
    if (this.#registry) this.#registry.register(model, ptr, model);
  }

  _untrack(model) {
    if (this.#registry) this.#registry.unregister(model);
  }

  optimizerDefaults(name) {
    oneOf('optimizerDefaults', 'name', name, this.vocabulary.vocabularies.optimizer);
    return { ...this.vocabulary.optimizers[name].defaults };
  }

  createModel(config) { return createModel(this, config); }
  loadModel(bytes) { return loadModel(this, bytes); }

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

// The data helpers (data.mjs), the metrics (metrics.mjs) and the gradient
// inspector (gradients.mjs, model.gradientStats) are methods of the instance.
Object.assign(Descent.prototype, dataMethods, metricsMethods, gradientMethods);

// The CLI's jobs on CSV text (recipe.mjs, loaded on first use; they run in the
// tuning build, see _tuningTwin): descent.trainCSV, and model.predictCSV (model.mjs) through _predictCSV.
Descent.prototype.trainCSV = async function trainCSV(text, options) {
  return (await import('./recipe.mjs')).trainCSV(this, text, options);
};
Descent.prototype._predictCSV = async function predictCSV(model, text, options) {
  return (await import('./recipe.mjs')).predictCSV(this, model, text, options);
};

// The explorers that build their own models (explore.mjs, loaded on first use;
// they run in the tuning build too), each resolving to what it computed.
Descent.prototype.findLearningRate = async function findLearningRate(x, y, config, options) {
  return (await import('./explore.mjs')).findLearningRate(this, x, y, config, options);
};
Descent.prototype.compareOptimizers = async function compareOptimizers(x, y, config, options) {
  return (await import('./explore.mjs')).compareOptimizers(this, x, y, config, options);
};
Descent.prototype.lossSurface = async function lossSurface(model, x, y, options) {
  return (await import('./explore.mjs')).lossSurface(this, model, x, y, options);
};

// Interop: other runtimes' formats (interop-*.mjs, loaded on first use so the
// module stays small): TF.js artifacts both ways, ONNX out.
Model.prototype.toTfjs = async function tfjs() { return (await import('./interop-tfjs.mjs')).toTfjs(this); };
Model.prototype.toOnnx = async function onnx(options) { return (await import('./interop-onnx.mjs')).toOnnx(this, options); };
Descent.prototype.fromTfjs = async function tfjsModel(artifacts) {
  return (await import('./interop-tfjs.mjs')).fromTfjs(this, artifacts);
};
