// model.mjs - a model in the wasm heap (descent.createModel, loadModel):
// its layers, weights, training (trainOnBatch, fit, the piecewise trainer),
// predictions, layer outputs, metrics, optimizer, scalers, names and files.

import { bool, checkKeys, checkScaler, fail, int, modelRows, num, oneOf, toMatrix, typeOf } from './checks.mjs';
import { V, pack, packOptimizer, unpackAt, unpackOptimizer } from './core-vocabulary.mjs';
import { classification, regression } from './metrics.mjs';
import { STATUS_CANCELLED, STATUS_NONFINITE, Trainer, diverged } from './trainer.mjs';

const LAYER_KEYS = ['units', 'activation', 'alpha', 'l1', 'l2', 'init', 'initLimit', 'useBias'];
const MODEL_KEYS = ['inputs', 'layers', 'loss', 'optimizer', 'init', 'seed'];
const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'validationData', 'earlyStopping',
  'onEpochEnd', 'onBatchEnd'];

export function createModel(d, config) {
  const where = 'createModel';
  checkKeys(where, config, MODEL_KEYS, 'config');
  const { limits } = V;
  const inputs = int(where, 'inputs', config.inputs, undefined, 1, limits.units);
  if (!Array.isArray(config.layers) || config.layers.length === 0 || config.layers.length > limits.layers) {
    throw fail(where, `layers must be a non-empty array of layer configs (at most ${limits.layers}), got ${Array.isArray(config.layers) ? `${config.layers.length} layers` : typeOf(config.layers)}`);
  }
  const defaultInit = config.init === undefined ? 0 : oneOf(where, 'init', config.init, V.vocabularies.initializer);
  const size = V.fields.layer.size;
  const packed = new Float64Array(config.layers.length * size);
  config.layers.forEach((layer, i) => {
    const w = `${where}: layers[${i}]`;
    checkKeys(w, layer, LAYER_KEYS);
    const initLimit = num(w, 'initLimit', layer.initLimit, 0.05);
    // Used by the uniform initializer only, but a value given is checked whatever the initializer.
    if (!(Number.isFinite(initLimit) && Math.fround(initLimit) > 0 && Math.abs(initLimit) <= 3.4028234663852886e38)) {
      throw fail(w, `initLimit must be a finite number > 0 (as a float32), got ${initLimit}`);
    }
    packed.set(pack(V.fields.layer, {
      units: int(w, 'units', layer.units, undefined, 1, limits.units),
      activation: layer.activation === undefined ? 0 : oneOf(w, 'activation', layer.activation, V.vocabularies.activation),
      alpha: num(w, 'alpha', layer.alpha, 0.2),
      l1: num(w, 'l1', layer.l1, 0),
      l2: num(w, 'l2', layer.l2, 0),
      init: layer.init === undefined ? defaultInit : oneOf(w, 'init', layer.init, V.vocabularies.initializer),
      init_limit: initLimit,
      no_bias: bool(w, 'useBias', layer.useBias, true) ? 0 : 1,
    }), i * size);
  });
  const loss = config.loss === undefined ? 0 : oneOf(where, 'loss', config.loss, V.vocabularies.loss);
  const opt = packOptimizer(where, config.optimizer === undefined ? 'adam' : config.optimizer);
  const seed = int(where, 'seed', config.seed, 0, 0, V.limits.seed);
  const ptr = d._scoped(where, (s, M) => M._dj_model_create(inputs, config.layers.length,
    s.f64(packed, 'the layers'), loss, s.f64(opt, 'the optimizer'), seed));
  if (!ptr) throw fail(where, d._message());
  return new Model(d, d._module, ptr);
}

export function loadModel(d, bytes) {
  const where = 'loadModel';
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) throw fail(where, `bytes must be a Uint8Array or an ArrayBuffer, got ${typeOf(bytes)}`);
  const ptr = d._scoped(where, (s, M) => {
    const p = s.alloc('the model file', bytes.length);
    M.HEAPU8.set(bytes, p);
    return M._dj_model_load(p, bytes.length);
  });
  if (!ptr) throw fail(where, d._message());
  return new Model(d, d._module, ptr);
}

/** A model in the wasm heap. dispose() frees it; using it afterwards throws. */
export class Model {
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

  _pointer(where) { return this.#p(where); }
  /** Whether descent instance d made this model (its C model is in d's memory). */
  _ownedBy(d) { return this.#d === d; }

  get disposed() { return this.#ptr === 0; }
  get inputs() { return this.#M._dj_model_inputs(this.#p('inputs')); }
  get outputs() { return this.#M._dj_model_outputs(this.#p('outputs')); }
  get loss() { return V.vocabularies.loss[this.#M._dj_model_loss(this.#p('loss'))]; }
  get seed() { return this.#M._dj_model_seed(this.#p('seed')); }
  get paramCount() { return this.#M._dj_model_param_count(this.#p('paramCount')); }
  get stepCount() { return this.#M._dj_model_step_count(this.#p('stepCount')); }

  get layers() {
    const p = this.#p('layers');
    return this.#d._scoped('layers', (s, M) => {
      const out = s.alloc('the layer', V.fields.layer.size, 8);
      const layers = [];
      for (let l = 0; l < M._dj_model_layer_count(p); l++) {
        M._dj_model_layer(p, l, out);
        const f = unpackAt(M, V.fields.layer, out);
        layers.push({
          units: f.units, activation: V.vocabularies.activation[f.activation], alpha: Math.fround(f.alpha), l1: f.l1, l2: f.l2,
          init: V.vocabularies.initializer[f.init], initLimit: f.init_limit, useBias: f.no_bias === 0,
        });
      }
      return layers;
    });
  }

  /** `descent predict --keep` on CSV text (recipe.mjs, loaded on first use): the rows' features read by name, predicted; a Promise. */
  predictCSV(text, options = {}) { return this.#d._predictCSV(this, text, options); }

  /** Per layer, the loss gradient's size on rows x, y, the weights', the last update's and the dead relu units (explore.mjs). */
  gradientStats(x, y) { return this.#d._gradientStats(this, x, y); }

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
    return modelRows(where, this, x, y);
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

  /**
   * Each layer's outputs (after its activation) for the rows of x: one
   * Float32Array of rows x units per layer, row-major, as the core computes them.
   */
  layerOutputs(x) {
    const where = 'layerOutputs';
    const p = this.#p(where);
    const xs = toMatrix(where, 'x', x, this.inputs);
    const n = xs.length / this.inputs;
    const layers = this.layers;
    return this.#d._scoped(where, (s, M) => {
      const xp = s.f32(xs, 'x');
      return layers.map(({ units }, l) => {
        const out = s.alloc(`layer ${l}'s outputs`, n, units, 4);
        this.#d._check(where, M._dj_model_layer_outputs(p, xp, n, l, out));
        return M.HEAPF32.slice(out >> 2, (out >> 2) + n * units);
      });
    });
  }

  /**
   * The model's scores on rows x against targets y (as it trains on them),
   * for the task and decision threshold the core gives its output head:
   * classificationMetrics' object for a classifier, regressionMetrics' else.
   */
  metrics(x, y) {
    const where = 'metrics';
    const p = this.#p(where);
    const [xs, ys, n] = this.#xy(where, x, y);
    const classes = Math.max(2, this.outputs);
    return this.#d._scoped(where, (s, M) => {
      const head = s.alloc('the head', V.fields.head.size, 8);
      this.#d._check(where, M._dj_head_of_model(p, head));
      const regressor = V.vocabularies.task[unpackAt(M, V.fields.head, head).task] === 'regression';
      const confusion = regressor ? 0 : s.alloc('the confusion matrix', classes, classes, 4);
      const out = s.alloc('the metrics', V.fields.metrics.size, 8);
      this.#d._check(where, M._dj_model_metrics(p, s.f32(xs, 'x'), s.f32(ys, 'y'), n, confusion, out));
      return regressor ? regression(M, out) : classification(M, out, confusion, classes);
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
    const epochs = int(where, 'epochs', options.epochs, 1, 1, V.limits.epochs);
    const batchSize = int(where, 'batchSize', options.batchSize, 32, 1, V.limits.batch);
    const shuffle = bool(where, 'shuffle', options.shuffle, true);
    const seed = int(where, 'seed', options.seed, 0, 0, V.limits.seed);
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
      // The core's range: 0 (off, as earlyStopping: false) to the most epochs of a fit.
      patience = int(`${where}: earlyStopping`, 'patience', es.patience, undefined, 0, V.limits.epochs);
      minDelta = num(`${where}: earlyStopping`, 'minDelta', es.minDelta, 0);
      restore = bool(`${where}: earlyStopping`, 'restoreBestWeights', es.restoreBestWeights, false);
    }
    for (const cb of ['onEpochEnd', 'onBatchEnd']) {
      if (options[cb] !== undefined && typeof options[cb] !== 'function') throw fail(where, `${cb} must be a function`);
    }
    const flags = (options.onEpochEnd ? 1 : 0) | (options.onBatchEnd ? 2 : 0);
    const opts = pack(V.fields.fit, {
      epochs, batch_size: batchSize, no_shuffle: shuffle ? 0 : 1, shuffle_seed: seed, validation_split: validationSplit,
      patience, min_delta: minDelta, restore_best: restore ? 1 : 0, callbacks: flags,
    });
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
      const out = s.alloc('the optimizer', V.fields.optimizer.size, 8);
      M._dj_model_get_optimizer(p, out);
      return unpackOptimizer(M.HEAPF64.subarray(out >> 3), V.fields.optimizer, V.vocabularies.optimizer);
    });
  }

  setOptimizer(optimizer) {
    const where = 'setOptimizer';
    const p = this.#p(where);
    const opt = packOptimizer(where, optimizer);
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
    this.#d._check(where, this.#M._dj_model_reinit(p, int(where, 'seed', seed, undefined, 0, V.limits.seed)));
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
