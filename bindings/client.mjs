// client.mjs - DescentClient: promises over the worker protocol of worker.mjs,
// from a page (a module Web Worker) or from Node (a worker_threads Worker).
// Typed arrays in requests are transferred unless asked to copy.

import { ErrorCode, MessageType, transferList } from './protocol.mjs';

export { ErrorCode, MessageType };

const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

const TERMINATED = 'descent worker terminated';

/**
 * An options argument: undefined as {}; anything but a plain object, or a key
 * not in allowed (when given), refused with an error naming the call.
 */
function optionsOf(where, options, allowed) {
  if (options === undefined) return {};
  const proto = options !== null && typeof options === 'object' ? Object.getPrototypeOf(options) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array'
      : typeof options === 'object' ? `a ${proto && proto.constructor ? proto.constructor.name : 'object'}` : typeof options;
    throw new Error(`DescentClient.${where}: options must be an object, got ${got}`);
  }
  for (const key of allowed ? Object.keys(options) : []) {
    if (!allowed.includes(key)) throw new Error(`DescentClient.${where}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
  }
  return options;
}

/** Where in data a value no worker can receive (a function, a symbol) is, for the message. */
function unsendable(value, path, depth = 0) {
  if (typeof value === 'function' || typeof value === 'symbol') return `${path} is a ${typeof value}`;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 8) return null;
  for (const [key, v] of Object.entries(value)) {
    const found = unsendable(v, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Drops the keys whose value is undefined, so the worker sees only what was given. */
function defined(object) {
  const out = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value;
  return out;
}

export class DescentClient {
  #worker;
  #next = 1;
  #pending = new Map();
  #closed = null;
  #copy;

  /**
   * worker: a Worker running worker.mjs ({type: 'module'}), or a Node
   * worker_threads Worker. options.copy: true copies typed arrays into the
   * worker instead of transferring them (transferring empties the caller's).
   */
  constructor(worker, options = {}) {
    if (!worker || typeof worker.postMessage !== 'function') {
      throw new Error('DescentClient: worker must be a Worker or a worker_threads Worker');
    }
    this.#worker = worker;
    this.#copy = optionsOf('constructor', options, ['copy']).copy === true;
    if (typeof worker.on === 'function') {
      worker.on('message', (message) => this.#receive(message));
      worker.on('error', (e) => this.#fail(`descent worker failed: ${e && e.message ? e.message : String(e)}`));
      worker.on('messageerror', () => this.#fail('descent worker sent a message that could not be read'));
      worker.on('exit', (code) => this.#fail(`descent worker exited with code ${code}`));
    } else {
      worker.addEventListener('message', (event) => this.#receive(event.data));
      worker.addEventListener('error', (event) => {
        this.#fail(`descent worker failed: ${event && event.message ? event.message : 'it could not start or threw'}`);
      });
      worker.addEventListener('messageerror', () => this.#fail('descent worker sent a message that could not be read'));
    }
  }

  /**
   * Starts worker.mjs in a new Worker (a module Web Worker in a browser, a
   * worker_threads Worker in Node) and loads descent in it.
   */
  static async create(options = {}) {
    optionsOf('create', options, ['url', 'copy', 'simd', 'baseUrl', 'tune']);
    const url = options.url ? new URL(options.url, import.meta.url) : new URL('./worker.mjs', import.meta.url);
    let worker;
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      worker = new Worker(url);
    } else {
      worker = new Worker(url, { type: 'module' });
    }
    const client = new DescentClient(worker, { copy: options.copy });
    try {
      await client.init(defined({ simd: options.simd, baseUrl: options.baseUrl, tune: options.tune }));
    } catch (e) {
      await client.terminate();
      throw e;
    }
    return client;
  }

  /** Sends one request; resolves with the reply's data. onProgress receives this request's progress messages. */
  request(type, data = {}, options = {}) {
    if (this.#closed) return Promise.reject(new Error(this.#closed));
    try {
      optionsOf('request', options, ['copy', 'onProgress']);
      if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
        throw new Error(`DescentClient.${type}: onProgress must be a function, got ${typeof options.onProgress}`);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const id = this.#next++;
    const copy = options.copy === undefined ? this.#copy : options.copy === true;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: options.onProgress, modelId: data && data.modelId });
      try {
        this.#worker.postMessage({ id, type, data }, copy ? [] : transferList(data));
      } catch (e) {
        this.#pending.delete(id);
        const where = unsendable(data, 'data');
        reject(new Error(`DescentClient.${type}: ${where ? `${where}, which` : 'the request'} cannot be sent to the worker (${e.message})`));
      }
    });
  }

  #receive(message) {
    if (!message || typeof message !== 'object') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case MessageType.PROGRESS:
        if (!pending.onProgress) return;
        try {
          pending.onProgress(message.data);
        } catch (e) {
          // As a throwing fit callback ends fit: the train rejects and the worker stops.
          this.#pending.delete(message.id);
          pending.reject(e);
          this.request(MessageType.STOP, { modelId: pending.modelId }).catch(() => {});
        }
        return;
      case MessageType.RESULT:
        this.#pending.delete(message.id);
        pending.resolve(message.data);
        return;
      case MessageType.ERROR: {
        this.#pending.delete(message.id);
        const data = message.data || {};
        const error = new Error(typeof data.message === 'string' ? data.message : 'descent worker error');
        error.code = data.code;
        // A run that diverged: its finished epochs, and where it diverged.
        if (data.history) {
          error.history = data.history;
          error.divergence = data.divergence;
        }
        pending.reject(error);
        return;
      }
      default:
    }
  }

  #fail(text) {
    if (this.#closed) return;
    this.#closed = text;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(new Error(text));
  }

  /** Ends the worker; every pending promise rejects with Error('descent worker terminated'). Safe to call twice. */
  async terminate() {
    this.#fail(TERMINATED);
    await this.#worker.terminate();
  }

  /** What the last init resolved with ({simd, version, tune}; create() has sent one), or null before. */
  info = null;

  /** Loads descent in the worker (options.tune: the build with tuning); resolves with {simd, version, tune}, kept as info. */
  init(options = {}) {
    try {
      optionsOf('init', options, ['simd', 'baseUrl', 'tune']);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.request(MessageType.INIT, defined({ simd: options.simd, baseUrl: options.baseUrl, tune: options.tune }))
      .then((info) => (this.info = info));
  }

  /** Resolves with the new model's id. */
  async createModel(config) {
    return (await this.request(MessageType.CREATE, { config })).modelId;
  }

  /** A model from model-file bytes; resolves with its id. */
  async load(bytes, options = {}) {
    return (await this.request(MessageType.LOAD, { bytes }, options)).modelId;
  }

  /** Frees the model (a training run on it stops first). */
  async dispose(modelId) {
    await this.request(MessageType.DISPOSE, { modelId });
  }

  /** Keeps training data in the worker for later train and step requests. */
  async setData(modelId, options = {}) {
    const { x, y, validationSplit, validationData, testX, testY, copy } = optionsOf('setData', options,
      ['x', 'y', 'validationSplit', 'validationData', 'testX', 'testY', 'copy']);
    return this.request(MessageType.SET_DATA, defined({ modelId, x, y, validationSplit, validationData, testX, testY }), { copy });
  }

  /**
   * Trains as model.fit would, in the worker; resolves with the history when
   * the epochs are done, early stopping ends it, or stop() is called.
   */
  async train(modelId, options = {}) {
    const { onProgress, copy, progressEvery, ...rest } = optionsOf('train', options);
    const data = defined({
      modelId, ...rest, progressEvery: progressEvery === undefined && onProgress ? 100 : progressEvery,
    });
    return this.request(MessageType.TRAIN, data, { onProgress, copy });
  }

  /** One batch (or with {epoch: true} the rest of the epoch) of the paused run, or of a run kept for stepping. */
  async step(modelId, options = {}) {
    const { copy, ...rest } = optionsOf('step', options);
    return this.request(MessageType.STEP, defined({ modelId, ...rest }), { copy });
  }

  pause(modelId) {
    return this.request(MessageType.PAUSE, { modelId });
  }

  resume(modelId) {
    return this.request(MessageType.RESUME, { modelId });
  }

  /** The run stops before its next batch; its train promise resolves with stopped: 'stopped'. */
  stop(modelId) {
    return this.request(MessageType.STOP, { modelId });
  }

  /** Resolves with the optimizer as the model now reports it. */
  setLearningRate(modelId, learningRate) {
    return this.request(MessageType.SET_LEARNING_RATE, { modelId, learningRate });
  }

  setOptimizer(modelId, optimizer) {
    return this.request(MessageType.SET_OPTIMIZER, { modelId, optimizer });
  }

  predict(modelId, x, options = {}) {
    return this.request(MessageType.PREDICT, { modelId, x }, options);
  }

  async evaluate(modelId, x, y, options = {}) {
    return (await this.request(MessageType.EVALUATE, { modelId, x, y }, options)).loss;
  }

  /** The model's metrics on x, y, for its head's task (the evaluate message's metrics). */
  async metrics(modelId, x, y, options = {}) {
    return (await this.request(MessageType.EVALUATE, { modelId, x, y }, options)).metrics;
  }

  /** Each layer's outputs for the rows of x: a Float32Array of rows x units per layer. */
  async layerOutputs(modelId, x, options = {}) {
    return (await this.request(MessageType.LAYER_OUTPUTS, { modelId, x }, options)).outputs;
  }

  getWeights(modelId) {
    return this.request(MessageType.GET_WEIGHTS, { modelId });
  }

  /** Per layer, the gradient's, weights' and last update's sizes on x, y (model.gradientStats): {modelId, stepCount, layers}. */
  gradientStats(modelId, x, y, options = {}) {
    return this.request(MessageType.GRADIENT_STATS, { modelId, x, y }, options);
  }

  /** The learning-rate range test on a fresh model from config (descent.findLearningRate). */
  findLearningRate(config, x, y, testOptions = {}, options = {}) {
    return this.request(MessageType.FIND_LEARNING_RATE, { config, x, y, options: testOptions }, options);
  }

  /** The optimizer race (descent.compareOptimizers); onProgress gets {index, count, result} per optimizer. */
  compareOptimizers(config, x, y, raceOptions = {}, options = {}) {
    return this.request(MessageType.COMPARE_OPTIMIZERS, { config, x, y, options: raceOptions }, options);
  }

  /** The loss on a plane through the model's weights (descent.lossSurface). */
  lossSurface(modelId, x, y, surfaceOptions = {}, options = {}) {
    return this.request(MessageType.LOSS_SURFACE, { modelId, x, y, options: surfaceOptions }, options);
  }

  async setWeights(modelId, weights, options = {}) {
    await this.request(MessageType.SET_WEIGHTS, { modelId, weights }, options);
  }

  /**
   * A built-in data set made in the worker ({name, n, noise, seed}); with
   * testFraction, also its seeded train/test split (stratified for
   * classification unless stratify is false) as row indices train and test.
   */
  async generate(options) {
    return this.request(MessageType.GENERATE, defined({ ...optionsOf('generate', options) }));
  }

  /**
   * A hyper-parameter search over data (a Dataset or {x, y, ...}) kept in the
   * worker; resolves with {searchId, mode, metric, higherIsBetter, folds, seed,
   * count, trainRows, testRows, configs}. options as descent.createSearch's.
   */
  createSearch(data, options = {}, requestOptions = {}) {
    return this.request(MessageType.SEARCH, { data, options }, requestOptions);
  }

  /**
   * Cross-validates configuration index of a search; resolves with its result.
   * onProgress receives its epoch (at most every progressEvery ms, default
   * 100), fold and config events.
   */
  async crossValidate(searchId, index, options = {}) {
    const { onProgress, progressEvery } = optionsOf('crossValidate', options, ['onProgress', 'progressEvery']);
    return this.request(MessageType.CROSS_VALIDATE, defined({ searchId, index, progressEvery }), { onProgress });
  }

  /**
   * Retrains configuration index (default: the best evaluated in this worker)
   * on the search's training rows and scores it on its test rows; with
   * {model: true} the model stays in the worker and the result has its modelId.
   */
  async refit(searchId, index, options = {}) {
    return this.request(MessageType.REFIT, defined({ searchId, index, model: optionsOf('refit', options, ['model']).model }));
  }

  disposeSearch(searchId) {
    return this.request(MessageType.DISPOSE_SEARCH, { searchId });
  }

  /**
   * A CSV parsed in the worker ({text, target?, task?, delimiter?}): text a
   * string, its UTF-8 bytes (transferred), or a Blob such as a File, which
   * the worker reads, so a large file costs the page's thread nothing. With
   * testFraction its split as generate gives it; with scalers: true the
   * training rows' inputScaler (and targetScaler for regression); with
   * subsets: true also the rows themselves, as trainSet and testSet.
   */
  async parseCSV(options) {
    return this.request(MessageType.PARSE_CSV, defined({ ...optionsOf('parseCSV', options) }));
  }

  /** Sets a model's input scaler, target scaler and names (any of them); resolves with describe's answer. */
  async setPreprocessing(modelId, options = {}) {
    // Copied, never transferred: scalers are small and the caller usually keeps them.
    return this.request(MessageType.SET_PREPROCESSING, defined({ modelId, ...optionsOf('setPreprocessing', options) }),
      { copy: true });
  }

  /** A model's layers, optimizer, scalers and names. */
  describe(modelId) {
    return this.request(MessageType.DESCRIBE, { modelId });
  }

  /** The model file's bytes (core/FORMAT.md). */
  async save(modelId, options = {}) {
    return this.request(MessageType.SAVE, defined({ modelId, withOptimizer: optionsOf('save', options, ['withOptimizer']).withOptimizer }));
  }

  /** The model as ONNX ({format, bytes}) or TF.js ({format, modelJson, weights}). */
  async exportModel(modelId, format, options = {}) {
    return this.request(MessageType.EXPORT, defined({ modelId, format, protobufUrl: optionsOf('exportModel', options, ['protobufUrl']).protobufUrl }));
  }
}
