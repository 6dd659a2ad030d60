// recipe.mjs - the command line's whole jobs on CSV text, as one call each:
// descent.trainCSV does what `descent train` does and model.predictCSV what
// `descent predict --keep` does, through the same library functions
// (core/recipe.c, core/model_csv.c via exports_recipe.c), so the same file
// and options give the same model, scores and predictions.
//
// Loaded on first use (descent.mjs), like the interop modules, and its C is in
// the tuning build (descent-tune.wasm), not the core module, which stays
// small. A core instance runs the recipe in its tuning instance (loaded once,
// d._tuningTwin()) and takes the model back through the model file (with its
// optimizer state: the same model, bit for bit); an instance loaded with
// { tune: true } runs it in place.

import { bool, checkKeys, fail, int, num, oneOf, show, typeOf } from './checks.mjs';
import { pack, packOptimizer, unpackAt, useVocabulary } from './core-vocabulary.mjs';
import { classification, regression } from './metrics.mjs';
import { STATUS_NONFINITE, diverged } from './trainer.mjs';

// This module ships on its own: its core-vocabulary.mjs is read from the
// caller's module (every build of one version has the same vocabulary).
let V = null;
const vocabulary = (d) => (V = V ?? useVocabulary(d._module));

/** model (of host h) as a model of d: itself when h is d, else through its file, optimizer state and all; h's copy is disposed. */
function bring(d, h, model) {
  if (h === d) return model;
  try {
    try {
      return d.loadModel(model.save({ withOptimizer: true }));
    } catch {
      // a state the file refuses (not finite after a failed fit): the model without it
      return d.loadModel(model.save());
    }
  } finally {
    model.dispose();
  }
}

/** The head model was made with (core/task.c), as fields.h HEAD doubles in scope s: {at, task, classes, units}. */
function headOf(d, s, where, ptr) {
  const M = d._module;
  const at = s.alloc('the head', V.fields.head.size, 8);
  d._check(where, M._dj_head_of_model(ptr, at));
  const h = unpackAt(M, V.fields.head, at);
  return { at, task: V.vocabularies.task[h.task], classes: h.classes, units: h.units };
}

const TRAIN_KEYS = ['target', 'task', 'layers', 'activation', 'outputActivation', 'loss', 'init', 'alpha', 'initLimit',
  'l1', 'l2', 'useBias', 'optimizer', 'epochs', 'batchSize', 'testSplit', 'valSplit', 'seed', 'standardize',
  'scaleTarget', 'shuffle', 'patience', 'restoreBestWeights'];
const PARTS = ['train', 'validation', 'test'];

function checkText(where, text) {
  if (typeof text === 'string' || text instanceof Uint8Array || text instanceof ArrayBuffer) return text;
  throw fail(where, `text must be a string, got ${typeOf(text)} (or UTF-8 bytes: a Uint8Array or an ArrayBuffer)`);
}

/** layers as `descent train --layers` takes them: '16,16', '16x16', 'none', '16:relu,8:tanh', or [16, 16]. */
function hiddenText(where, layers) {
  if (layers === undefined) return '16,16';
  if (typeof layers === 'string') return layers;
  if (Array.isArray(layers)) return layers.length ? layers.join(',') : 'none';
  throw fail(where, `layers must be a string like '16,16' or an array of unit counts, got ${typeOf(layers)}`);
}

/** The run's recipe as fields.h RECIPE doubles, each option checked where JS can name it. */
function recipeFields(where, o) {
  const v = V.vocabularies;
  const choice = (key, names, fallback) => (o[key] === undefined ? fallback : oneOf(where, key, o[key], names));
  let targetIndex = -1;
  if (o.target !== undefined && typeof o.target !== 'string') targetIndex = int(where, 'target', o.target, -1, -1, V.limits.columns);
  const batch = o.batchSize === 'full' ? 0 : int(where, 'batchSize', o.batchSize, 32, 1, V.limits.batch);
  return pack(V.fields.recipe, {
    target_index: targetIndex,
    task: choice('task', v.task, 0),
    activation: choice('activation', v.activation, v.activation.indexOf('relu')),
    output_activation: choice('outputActivation', v.activation, -1),
    loss: choice('loss', v.loss, -1),
    init: choice('init', v.initializer, 0),
    alpha: num(where, 'alpha', o.alpha, 0.2),
    init_limit: num(where, 'initLimit', o.initLimit, 0.05),
    l1: num(where, 'l1', o.l1, 0),
    l2: num(where, 'l2', o.l2, 0),
    no_bias: bool(where, 'useBias', o.useBias, true) ? 0 : 1,
    test_split: num(where, 'testSplit', o.testSplit, 0.2),
    val_split: num(where, 'valSplit', o.valSplit, 0),
    seed: int(where, 'seed', o.seed, 1, 0, V.limits.seed),
    scale: (bool(where, 'standardize', o.standardize, true) ? 1 : 0) | (bool(where, 'scaleTarget', o.scaleTarget, true) ? 2 : 0),
    epochs: int(where, 'epochs', o.epochs, 100, 1, V.limits.epochs),
    batch_size: batch,
    no_shuffle: bool(where, 'shuffle', o.shuffle, true) ? 0 : 1,
    patience: int(where, 'patience', o.patience, 0, 0, V.limits.epochs),
    restore_best: bool(where, 'restoreBestWeights', o.restoreBestWeights, false) ? 1 : 0,
  });
}

/**
 * `descent train` in one call for descent d: reads the CSV, splits off seeded
 * (stratified) test and validation rows, builds the network the task asks
 * for with its scalers fitted on the training rows, trains it and scores
 * each part. Resolves to {model (of d), task, classNames, history, train,
 * validation?, test?}; each part {loss, n (its rows), ...metrics} as the CLI
 * prints them.
 */
export async function trainCSV(d, text, options = {}) {
  const where = 'trainCSV';
  vocabulary(d);
  checkText(where, text);
  checkKeys(where, options, TRAIN_KEYS, 'options');
  const fields = recipeFields(where, options);
  const hidden = hiddenText(where, options.layers);
  const opt = packOptimizer(where, options.optimizer === undefined ? 'adam' : options.optimizer);
  const h = await d._tuningTwin(where);
  const M = h._module;
  const run = h._scoped(where, (s) => {
    const [p, length] = s.utf8(text, 'the CSV text');
    const target = typeof options.target === 'string' ? s.str(options.target, 'the target name') : 0;
    return M._dj_recipe_train(p, length, target, s.str(hidden, 'the layers'), s.f64(fields, 'the recipe'),
      s.f64(opt, 'the optimizer'));
  });
  if (!run) throw fail(where, h._message());
  let model = null;
  try {
    const out = h._scoped(where, (s) => {
      const at = s.alloc('the run', V.fields.run.size, 8);
      M._dj_run_info(run, at);
      const info = unpackAt(M, V.fields.run, at);
      const ptr = M._dj_run_take_model(run);
      model = h._model(ptr);
      const head = headOf(h, s, where, ptr);
      const classes = head.classes;
      const floats = (p) => Array.from(M.HEAPF32.subarray(p >> 2, (p >> 2) + info.epochs));
      const hasVal = info.n_val > 0;
      const history = { loss: floats(info.loss) };
      if (hasVal) history.val_loss = floats(info.val_loss);
      if (model.loss !== 'mse') {
        history.acc = floats(info.metric);
        if (hasVal) history.val_acc = floats(info.val_metric);
      }
      const hist = { epoch: Array.from({ length: info.epochs }, (_, i) => i), history,
        stopped: info.status === STATUS_NONFINITE ? 'diverged' : info.stopped_early ? 'early-stopped' : 'completed',
        bestEpoch: info.best_epoch, steps: model.stepCount };
      if (info.status < 0) {
        const error = fail(where, h._message());
        if (info.status === STATUS_NONFINITE) diverged(error, hist, [info.diverged_epoch, info.diverged_batch, info.restored_epochs]);
        return { error };
      }
      const result = { task: head.task, classNames: model.getNames().classNames, history: hist };
      const loss = s.alloc('the loss', 4);
      const metrics = s.alloc('the metrics', V.fields.metrics.size, 8);
      const k = Math.max(2, classes);
      const confusion = s.alloc('the confusion matrix', k, k, 4);
      [info.n_fit, info.n_val, info.n_test].forEach((rows, part) => {
        if (!rows) return;
        h._check(where, M._dj_run_score(run, part, loss, metrics, classes ? confusion : 0));
        const scores = classes ? classification(M, metrics, confusion, k) : regression(M, metrics);
        result[PARTS[part]] = { loss: M.HEAPF32[loss >> 2], ...scores };
      });
      return { result };
    });
    // the model, now d's; a failed fit hands it back on the error (as the fit left it)
    const mine = bring(d, h, model);
    model = null;
    if (out.error) {
      out.error.model = mine;
      throw out.error;
    }
    return { model: mine, ...out.result };
  } finally {
    M._dj_run_free(run);
    if (model) model.dispose();
  }
}

/**
 * `descent predict --keep` for model (of descent d): the rows of a CSV text,
 * its features read by name (other columns skipped, or kept by name in
 * options.keep), predicted. Resolves to {rows, kept: {column: [cells]}, and
 * either predicted (class names), classNames and probabilities (rows x
 * classes) for a classifier or values (rows x outputs) and targetName for a
 * regressor}. The rows are read in the recipe's host (a copy of the model
 * there reads the columns by its names); d's model predicts them.
 */
export async function predictCSV(d, model, text, options = {}) {
  const where = 'predictCSV';
  vocabulary(d);
  checkText(where, text);
  checkKeys(where, options, ['keep'], 'options');
  const keep = options.keep === undefined ? [] : options.keep;
  if (!Array.isArray(keep) || keep.some((k) => typeof k !== 'string' || !k || k.includes('\0'))) {
    throw fail(where, `keep must be an array of column names, got ${show(keep)}`);
  }
  d._modelPointer(where, model);
  const h = await d._tuningTwin(where);
  const there = h === d ? model : h.loadModel(model.save());
  let x;
  let n;
  const kept = {};
  try {
    const M = h._module;
    const ptr = h._modelPointer(where, there);
    const rows = h._scoped(where, (s) => {
      const [p, length] = s.utf8(text, 'the CSV text');
      return M._dj_model_csv(ptr, p, length, keep.length ? s.str(keep.join('\0'), 'the columns kept') : 0, keep.length);
    });
    if (!rows) throw fail(where, h._message());
    try {
      n = M._dj_rows_count(rows);
      const xp = M._dj_rows_x(rows) >> 2;
      keep.forEach((name, j) => {
        kept[name] = Array.from({ length: n }, (_, i) => h._string(M._dj_rows_kept(rows, i, j)));
      });
      x = M.HEAPF32.slice(xp, xp + n * model.inputs);
    } finally {
      M._dj_rows_free(rows);
    }
  } finally {
    if (there !== model) there.dispose();
  }
  const outputs = model.predict(x);
  const names = model.getNames();
  return d._scoped(where, (s, M) => {
    const head = headOf(d, s, where, d._modelPointer(where, model));
    if (!head.classes) return { rows: n, kept, values: outputs, targetName: names.targetName };
    const classNames = names.classNames ?? Array.from({ length: head.classes }, (_, c) => String(c));
    // the head decides each class (its threshold or the largest output) and the probabilities
    const p = s.f32(outputs, 'the predictions');
    const labels = s.alloc('the classes', n, 4);
    d._check(where, M._dj_head_decode(head.at, p, n, labels));
    const predicted = Array.from(M.HEAP32.subarray(labels >> 2, (labels >> 2) + n), (c) => classNames[c]);
    let probabilities = outputs;
    if (head.units === 1) {
      M._dj_head_probability(head.at, p, n);
      probabilities = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const q = M.HEAPF32[(p >> 2) + i];
        probabilities[2 * i] = 1 - q;
        probabilities[2 * i + 1] = q;
      }
    }
    return { rows: n, kept, predicted, classNames, probabilities };
  });
}
