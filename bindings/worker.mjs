// worker.mjs - descent in a Web Worker (new Worker(url, {type: 'module'})) or a
// Node worker_threads Worker: one loaded wasm instance, models by id, and
// training through model.trainer in slices of batches, yielding to the message
// loop between slices; and hyper-parameter searches, one configuration's
// cross-validation per request (tune-pool.mjs runs one worker per core).
// client.mjs speaks to it; the protocol (MessageType in protocol.mjs) is
// {id, type, data} both ways.

import { loadDescent } from './descent.mjs';
import { ErrorCode, MessageType, transferList } from './protocol.mjs';

// How long one slice of training runs before the worker reads its messages again.
const SLICE_MS = 10;
// A trainer kept for step requests (no train running) is made for this many
// epochs, then made again: the model carries the shuffle stream and optimizer on.
const STEP_EPOCHS = 100000;
const DATA_KEYS = ['x', 'y', 'validationSplit', 'validationData'];
// Rows the core scores the model on once an epoch (progress messages' metrics), beside the training rows.
const TEST_KEYS = ['testX', 'testY'];
const TRAIN_OPTIONS = ['epochs', 'batchSize', 'shuffle', 'seed', 'earlyStopping'];
const STEP_OPTIONS = ['batchSize', 'shuffle', 'seed'];
const TRAIN_KEYS = ['modelId', ...DATA_KEYS, ...TEST_KEYS, ...TRAIN_OPTIONS, 'progressEvery', 'paused'];
const STEP_KEYS = ['modelId', 'epoch', ...DATA_KEYS, ...TEST_KEYS, ...STEP_OPTIONS];

// ------------------------------------------------------------------ transport

const nodePort = typeof process === 'object' && process.versions && process.versions.node &&
  typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule('node:worker_threads').parentPort
  : null;

function post(message) {
  const transfer = transferList(message.data);
  if (nodePort) nodePort.postMessage(message, transfer);
  else self.postMessage(message, transfer);
}

// Installed before any await, so no early message is lost.
if (nodePort) {
  nodePort.on('message', (message) => { receive(message); });
} else if (typeof self === 'object' && typeof self.postMessage === 'function') {
  self.onmessage = (event) => { receive(event.data); };
} else {
  throw new Error('worker.mjs must run in a Web Worker or a worker_threads Worker');
}

// Node runs immediates after pending messages; elsewhere a MessageChannel task
// does the same without setTimeout's 4 ms clamp.
const macrotask = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
      const channel = new MessageChannel();
      const queue = [];
      channel.port1.onmessage = () => queue.shift()();
      return () => new Promise((resolve) => {
        queue.push(resolve);
        channel.port2.postMessage(0);
      });
    })();

class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const failed = (message) => new RequestError(ErrorCode.FAILED, message);

/** A value from a request as message text, whatever it is (BigInt, Map, a cycle). */
function shown(v) {
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return typeof v;
  }
}

function boolOption(where, data, key) {
  const v = data[key];
  if (v !== undefined && typeof v !== 'boolean') throw failed(`${where}: ${key} must be true or false, got ${shown(v)}`);
  return v;
}

/**
 * descent's errors from the call a request makes ('trainer: ...',
 * 'trainTestSplit: ...'), named after the request; a diverged run's history
 * (its finished epochs) takes the shape of train's result, for the error reply.
 */
function renamed(where, e, calls = 'trainer(\\.run)?') {
  if (e instanceof Error && !(e instanceof RequestError)) e.message = e.message.replace(new RegExp(`^(${calls}):`), `${where}:`);
  if (e && e.history && e.history.epochs === undefined) e.history = { ...e.history, epochs: e.history.epoch.length };
  return e;
}

// ------------------------------------------------------------------ state

let descent = null;
let loading = null;
let nextModelId = 1;
/** id -> {id, model, data (the rows train and step use by default), trainer (the model's latest), run (a train request's)} */
const models = new Map();

function needDescent() {
  if (!descent) throw new RequestError(ErrorCode.NOT_INITIALIZED, "descent is not loaded in this worker: send 'init' first");
  return descent;
}

function entryOf(where, data) {
  needDescent();
  const entry = models.get(data.modelId);
  if (!entry) throw new RequestError(ErrorCode.UNKNOWN_MODEL, `${where}: unknown model id ${shown(data.modelId)}`);
  return entry;
}

function checkKeys(where, object, allowed) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw failed(`${where}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
  }
}

/** The request's rows, else the model's held ones; validation options alone re-split the held rows. */
function dataOf(where, entry, d) {
  if ((d.x === undefined) !== (d.y === undefined)) throw failed(`${where}: x and y go together: give both or neither`);
  const rows = d.x !== undefined ? d : entry.data;
  if (!rows) {
    throw failed(`${where}: model ${entry.id} has no training data: send x and y with this request or with setData`);
  }
  const split = d.x !== undefined || d.validationSplit !== undefined || d.validationData !== undefined ? d : entry.data;
  return { x: rows.x, y: rows.y, validationSplit: split.validationSplit, validationData: split.validationData };
}

/** A trainer over data in place of the model's previous one; data becomes the model's held rows. */
function newTrainer(entry, where, data, options) {
  if (entry.trainer) entry.trainer.dispose();
  entry.trainer = null;
  const { validationSplit, validationData } = data;
  try {
    entry.trainer = entry.model.trainer(data.x, data.y, { ...options, validationSplit, validationData });
  } catch (e) {
    throw renamed(where, e);
  }
  entry.data = data;
  return entry.trainer;
}

/**
 * The test rows a request gives (testX and testY, checked by scoring them
 * once), null when it gives new training rows without them, else the held
 * ones (undefined: unchanged).
 */
function testOf(where, entry, d) {
  if (d.testX === undefined && d.testY === undefined) return d.x === undefined ? undefined : null;
  if (d.testX === undefined || d.testY === undefined) throw failed(`${where}: testX and testY go together: give both or neither`);
  try {
    entry.model.metrics(d.testX, d.testY);
  } catch (e) {
    throw renamed(where, e, 'metrics');
  }
  return { x: d.testX, y: d.testY };
}

/**
 * {epoch, train, test}: the model's metrics on its training rows and its
 * test rows after trainer's latest epoch (null before the first, or without
 * test rows), computed by the core once per epoch and kept.
 */
function epochMetrics(entry, trainer) {
  const { epoch } = trainer.state;
  if (!entry.test || !entry.data || epoch === 0) return null;
  const kept = entry.metrics;
  if (kept && kept.trainer === trainer && kept.value.epoch === epoch) return kept.value;
  const { model } = entry;
  const value = { epoch, train: model.metrics(entry.data.x, entry.data.y), test: model.metrics(entry.test.x, entry.test.y) };
  entry.metrics = { trainer, value };
  return value;
}

const pick = (object, keys) => Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
const rowsOf = (m, columns) => (m.length > 0 && typeof m[0] === 'object' ? m.length : m.length / columns);

/** The last finished epoch's logs, or null. */
function lastLogs(trainer, epochs) {
  if (epochs === 0) return null;
  const { history } = trainer.history;
  const logs = {};
  for (const key of Object.keys(history)) logs[key] = history[key][epochs - 1];
  return logs;
}

// ------------------------------------------------------------------ training

/** A train request's run: its trainer driven in slices, pause, stop and progress messages. */
class Run {
  constructor(entry, trainId, progress, rowsPerBatch) {
    this.entry = entry;
    this.trainer = entry.trainer;
    this.trainId = trainId;
    this.progress = progress;
    this.rowsPerBatch = rowsPerBatch;
    this.batches = 1;
    this.stopped = false;
    this.error = null;
    this.paused = false;
    this.wake = null;
    this.started = performance.now();
    this.pausedMs = 0;
    this.pausedAt = 0;
    this.lastProgress = this.started;
    // Epochs already sent in a progress message's history (progressEvery.history).
    this.reportedEpochs = 0;
    // Steps made by step requests while paused: no part of the training time.
    this.steppedSteps = 0;
  }

  /** One trainer.run of about SLICE_MS, ending at the next epoch a progress message is due. */
  slice() {
    const before = this.trainer.state;
    let k = this.batches;
    const every = this.progress && this.progress.epochs;
    if (every) k = Math.min(k, (every - (before.epoch % every)) * before.batchesPerEpoch - before.batch);
    const t0 = performance.now();
    const after = this.trainer.run(k);
    const ms = performance.now() - t0;
    const ran = after.steps - before.steps;
    // The next slice's batches from this one's time per batch, growing at most 4x at a time.
    this.batches = ms > 0 ? Math.max(1, Math.min(Math.floor((SLICE_MS * ran) / ms), 4 * this.batches)) : 4 * this.batches;
    if (every && ran > 0 && after.batch === 0 && after.epoch % every === 0) this.report();
    return after;
  }

  pause() {
    if (!this.paused) {
      this.paused = true;
      this.pausedAt = performance.now();
    }
  }

  resume() {
    if (this.paused) {
      this.paused = false;
      this.pausedMs += performance.now() - this.pausedAt;
    }
    this.poke();
  }

  stop() {
    if (!this.trainer.state.done) {
      this.stopped = true;
      this.trainer.stop();
    }
    this.poke();
  }

  fail(e) {
    this.error = e;
    this.poke();
  }

  poke() {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  state() {
    const { epoch, batch, steps } = this.trainer.state;
    return { epoch, batch, steps, paused: this.paused };
  }

  report(final = false) {
    const { epoch, batch, steps } = this.trainer.state;
    const now = this.paused ? this.pausedAt : performance.now();
    const seconds = Math.max(1e-6, (now - this.started - this.pausedMs) / 1000);
    const data = { epoch, batch, steps, ...lastLogs(this.trainer, epoch) };
    const metrics = epochMetrics(this.entry, this.trainer);
    if (metrics) data.metrics = metrics;
    data.stepsPerSecond = (steps - this.steppedSteps) / seconds;
    data.samplesPerSecond = data.stepsPerSecond * this.rowsPerBatch;
    if (this.progress.history) {
      // Every epoch finished since the previous message, so a chart misses none.
      const { history } = this.trainer.history;
      const from = this.reportedEpochs;
      data.history = { from };
      for (const key of Object.keys(history)) data.history[key] = history[key].slice(from, epoch);
      this.reportedEpochs = epoch;
    }
    if (final) data.final = true;
    this.lastProgress = performance.now();
    post({ id: this.trainId, type: MessageType.PROGRESS, data });
  }

  /** The train request's loop: slices with a macrotask between, parked while paused. */
  async drive() {
    try {
      while (!this.trainer.state.done) {
        if (this.paused) {
          await new Promise((resolve) => { this.wake = resolve; });
          continue;
        }
        const state = this.slice();
        const { ms } = this.progress || {};
        if (ms && !state.done && performance.now() - this.lastProgress >= ms) this.report();
        await macrotask();
      }
      if (this.error) throw this.error;
      if (this.progress) this.report(true);
      const { epoch: epochs, steps, stoppedEarly, bestEpoch } = this.trainer.state;
      return {
        ...this.trainer.history,
        stopped: this.stopped ? 'stopped' : stoppedEarly ? 'early-stopped' : 'completed',
        bestEpoch,
        steps,
        epochs,
      };
    } catch (e) {
      throw renamed('train', e);
    } finally {
      if (this.entry.run === this) this.entry.run = null;
    }
  }
}

function progressOptions(where, p) {
  if (p === undefined || p === null || p === false) return null;
  if (typeof p === 'number') p = { ms: p };
  if (typeof p !== 'object' || Array.isArray(p)) {
    throw failed(`${where}: progressEvery must be a number of ms or {ms, epochs, history}, got ${shown(p)}`);
  }
  checkKeys(`${where}: progressEvery`, p, ['ms', 'epochs', 'history']);
  if (p.history !== undefined && typeof p.history !== 'boolean') {
    throw failed(`${where}: progressEvery.history must be true or false, got ${shown(p.history)}`);
  }
  const ms = p.ms === undefined ? 0 : p.ms;
  if (typeof ms !== 'number' || !(ms >= 0)) throw failed(`${where}: progressEvery.ms must be a number >= 0, got ${shown(ms)}`);
  const epochs = p.epochs === undefined ? 0 : p.epochs;
  if (!Number.isInteger(epochs) || epochs < 0 || epochs > 1e7) {
    throw failed(`${where}: progressEvery.epochs must be an integer in 0..10000000, got ${shown(epochs)}`);
  }
  // ms 0 means after every slice of batches.
  return { ms: ms || (epochs ? 0 : Number.MIN_VALUE), epochs, history: p.history === true };
}

/** Waits out a run that was told to stop; a run still going is an error. */
async function idle(entry, where) {
  if (entry.run && entry.run.stopped) await entry.run.finishing.catch(() => {});
  if (entry.run) {
    throw new RequestError(ErrorCode.BUSY, `${where}: model ${entry.id} is training (request ${entry.run.trainId}); stop it first`);
  }
}

function activeRun(entry, where) {
  if (!entry.run) throw new RequestError(ErrorCode.NOT_TRAINING, `${where}: model ${entry.id} is not training`);
  return entry.run;
}

// ------------------------------------------------------------------ data

const SPLIT_KEYS = ['testFraction', 'splitSeed', 'stratify', 'scalers', 'subsets'];

/**
 * With testFraction: the set's seeded train/test split (stratified for
 * classes unless stratify is false) as row indices; with scalers also the
 * training rows' input scaler and, for regression, target scaler; with
 * subsets also the rows themselves, as trainSet and testSet ({n, x, y,
 * labels}), so the caller has no rows to pick (on a page's thread, a large
 * file's would take long).
 */
function withSplit(d, where, set, data, seed) {
  const stratify = boolOption(where, data, 'stratify');
  const scalers = boolOption(where, data, 'scalers');
  const subsets = boolOption(where, data, 'subsets');
  if (data.testFraction === undefined) {
    if (scalers) throw failed(`${where}: scalers needs testFraction (they are fitted on the training rows)`);
    if (subsets) throw failed(`${where}: subsets needs testFraction (they are the training and the test rows)`);
    return set;
  }
  if (data.splitSeed !== undefined && !(Number.isInteger(data.splitSeed) && data.splitSeed >= 0 && data.splitSeed <= 0xffffffff)) {
    throw failed(`${where}: splitSeed must be an integer in 0..4294967295, got ${shown(data.splitSeed)}`);
  }
  const labels = stratify === false ? null : set.labels;
  let split;
  try {
    split = d.trainTestSplit(set.n, { testFraction: data.testFraction, labels,
      seed: data.splitSeed === undefined ? seed : data.splitSeed });
  } catch (e) {
    throw renamed(where, e, 'trainTestSplit');
  }
  const out = { ...set, train: split.train, test: split.test };
  const train = scalers || subsets ? d.subset(set, split.train) : null;
  if (scalers) {
    out.inputScaler = d.fitScaler(train.x, set.features);
    if (!set.classes && set.y) out.targetScaler = d.fitScaler(train.y, set.outputs);
  }
  if (subsets) {
    const rows = ({ n, x, y, labels: l }) => ({ n, x, y, labels: l });
    out.trainSet = rows(train);
    out.testSet = rows(d.subset(set, split.test));
  }
  return out;
}

/** A CSV's text: a string, its UTF-8 bytes, or a Blob (a File) read here, off the page's thread. */
async function csvText(text) {
  return typeof Blob === 'function' && text instanceof Blob ? new Uint8Array(await text.arrayBuffer()) : text;
}

/** A model's architecture, optimizer, preprocessing and names. */
function describe(entry) {
  const { model } = entry;
  return {
    modelId: entry.id, inputs: model.inputs, outputs: model.outputs, loss: model.loss, paramCount: model.paramCount,
    seed: model.seed, stepCount: model.stepCount, layers: model.layers, optimizer: model.getOptimizer(),
    inputScaler: model.getInputScaler(), targetScaler: model.getTargetScaler(), names: model.getNames(),
  };
}

// ------------------------------------------------------------------ handlers

function addModel(model) {
  const entry = { id: nextModelId++, model, data: null, test: null, metrics: null, trainer: null, run: null };
  models.set(entry.id, entry);
  return { modelId: entry.id, inputs: model.inputs, outputs: model.outputs, loss: model.loss, paramCount: model.paramCount };
}

// ------------------------------------------------------------------ tuning

let nextSearchId = 1;
/** id -> a descent Search (see descent.createSearch) */
const searches = new Map();

function searchOf(where, data) {
  needDescent();
  const search = searches.get(data.searchId);
  if (!search) throw new RequestError(ErrorCode.UNKNOWN_SEARCH, `${where}: unknown search id ${shown(data.searchId)}`);
  return search;
}

/** descent's 'createSearch: ...' and 'search.evaluate: ...' errors, named after the request. */
function renamedSearch(where, e) {
  if (e instanceof Error && !(e instanceof RequestError)) e.message = e.message.replace(/^(createSearch|search\.\w+):/, `${where}:`);
  return e;
}

const tuneHandlers = {
  [MessageType.SEARCH](data) {
    const d = needDescent();
    checkKeys('search', data, ['data', 'options']);
    if (!d.tuning) throw failed("search: this worker loaded descent without tuning: send init with tune: true");
    let search;
    try {
      search = d.createSearch(data.data, data.options === undefined ? {} : data.options);
    } catch (e) {
      throw renamedSearch('search', e);
    }
    const searchId = nextSearchId++;
    searches.set(searchId, search);
    return { searchId, ...search.summary(), configs: search.configs() };
  },

  // Runs to the end in one go (a configuration is one synchronous wasm call);
  // progress messages go out as it runs. To stop one early, end the worker.
  [MessageType.CROSS_VALIDATE](data, id) {
    checkKeys('crossValidate', data, ['searchId', 'index', 'progressEvery']);
    const search = searchOf('crossValidate', data);
    const every = data.progressEvery === undefined ? 100 : data.progressEvery;
    if (typeof every !== 'number' || !(every >= 0)) throw failed('crossValidate: progressEvery must be a number of ms >= 0');
    let last = -Infinity;
    const onProgress = (p) => {
      if (p.type === 'epoch') {
        const now = performance.now();
        if (now - last < every) return;
        last = now;
      }
      post({ id, type: MessageType.PROGRESS, data: p });
    };
    try {
      return search.evaluate(data.index, { onProgress });
    } catch (e) {
      throw renamedSearch('crossValidate', e);
    }
  },

  [MessageType.REFIT](data) {
    checkKeys('refit', data, ['searchId', 'index', 'model']);
    const search = searchOf('refit', data);
    boolOption('refit', data, 'model');
    let test;
    try {
      test = search.refit(data.index, { model: data.model === true });
    } catch (e) {
      throw renamedSearch('refit', e);
    }
    if (!test.model) return test;
    const { model, ...rest } = test;
    return { ...rest, ...addModel(model) };
  },

  [MessageType.DISPOSE_SEARCH](data) {
    checkKeys('disposeSearch', data, ['searchId']);
    const search = searchOf('disposeSearch', data);
    searches.delete(data.searchId);
    search.dispose();
    return { searchId: data.searchId };
  },
};

const handlers = {
  ...tuneHandlers,

  async [MessageType.INIT](data) {
    checkKeys('init', data, ['simd', 'baseUrl', 'tune']);
    if (!loading) {
      loading = loadDescent(data).catch((e) => { throw renamed('init', e, 'loadDescent'); });
      loading.catch(() => { loading = null; });
    } else if (data.simd !== undefined && data.simd !== 'auto' && descent && data.simd !== descent.simd) {
      throw failed(`init: descent is already loaded with simd: ${descent.simd}`);
    } else if (data.tune !== undefined && descent && data.tune !== descent.tuning) {
      throw failed(`init: descent is already loaded with tune: ${descent.tuning}`);
    }
    descent = await loading;
    return { simd: descent.simd, version: descent.version, tune: descent.tuning };
  },

  [MessageType.CREATE](data) {
    const d = needDescent();
    checkKeys('create', data, ['config']);
    return addModel(d.createModel(data.config));
  },

  [MessageType.LOAD](data) {
    const d = needDescent();
    checkKeys('load', data, ['bytes']);
    return addModel(d.loadModel(data.bytes));
  },

  async [MessageType.DISPOSE](data) {
    checkKeys('dispose', data, ['modelId']);
    const entry = entryOf('dispose', data);
    models.delete(entry.id);
    if (entry.run) {
      const run = entry.run;
      run.stop();
      await run.finishing.catch(() => {});
    }
    entry.model.dispose();
    return { modelId: entry.id };
  },

  async [MessageType.SET_DATA](data) {
    checkKeys('setData', data, ['modelId', ...DATA_KEYS, ...TEST_KEYS]);
    const entry = entryOf('setData', data);
    await idle(entry, 'setData');
    const d = dataOf('setData', entry, data);
    const test = testOf('setData', entry, data);
    // A trainer checks the rows as train will; with batchSize 1 its batches per epoch are the training rows.
    const trainRows = newTrainer(entry, 'setData', d, { batchSize: 1 }).state.batchesPerEpoch;
    entry.trainer.dispose();
    entry.trainer = null;
    const rows = rowsOf(d.x, entry.model.inputs);
    const validationRows = d.validationData ? rowsOf(d.validationData[0], entry.model.inputs) : rows - trainRows;
    if (test !== undefined) entry.test = test;
    const out = { rows, trainRows, validationRows };
    if (entry.test) out.testRows = rowsOf(entry.test.x, entry.model.inputs);
    return out;
  },

  async [MessageType.TRAIN](data, id) {
    checkKeys('train', data, TRAIN_KEYS);
    const entry = entryOf('train', data);
    await idle(entry, 'train');
    const progress = progressOptions('train', data.progressEvery);
    const d = dataOf('train', entry, data);
    const test = testOf('train', entry, data);
    newTrainer(entry, 'train', d, pick(data, TRAIN_OPTIONS));
    if (test !== undefined) entry.test = test;
    const batchSize = data.batchSize === undefined ? 32 : data.batchSize;
    if (data.paused !== undefined && typeof data.paused !== 'boolean') {
      throw failed(`train: paused must be true or false, got ${String(data.paused)}`);
    }
    const run = new Run(entry, id, progress, Math.min(batchSize, rowsOf(d.x, entry.model.inputs)));
    // paused: the run waits for resume or step before its first batch.
    if (data.paused) run.pause();
    entry.run = run;
    run.finishing = run.drive();
    return run.finishing;
  },

  async [MessageType.STEP](data) {
    checkKeys('step', data, STEP_KEYS);
    const entry = entryOf('step', data);
    const epoch = boolOption('step', data, 'epoch');
    if (entry.run && entry.run.stopped) await entry.run.finishing.catch(() => {});
    const { run } = entry;
    if (run && !run.paused) {
      throw new RequestError(ErrorCode.BUSY, `step: model ${entry.id} is training (request ${run.trainId}); pause it first`);
    }
    const fresh = [...DATA_KEYS, ...TEST_KEYS, ...STEP_OPTIONS].some((key) => data[key] !== undefined);
    if (run && fresh) throw failed('step: a paused training run keeps its own data and options');
    let { trainer } = entry;
    if (!run && (fresh || !trainer || trainer.state.done)) {
      const d = dataOf('step', entry, data);
      const test = testOf('step', entry, data);
      trainer = newTrainer(entry, 'step', d, { ...pick(data, STEP_OPTIONS), epochs: STEP_EPOCHS });
      if (test !== undefined) entry.test = test;
    }
    const before = trainer.state;
    let after;
    try {
      after = trainer.run(epoch ? before.batchesPerEpoch - before.batch : 1);
    } catch (e) {
      // That ends the paused run too, with the same error.
      if (run) run.fail(e);
      throw renamed('step', e);
    }
    const out = { epoch: after.epoch, batch: after.batch, steps: after.steps, paused: !!run, stepsDone: after.steps - before.steps };
    if (after.epoch > before.epoch) {
      out.logs = lastLogs(trainer, after.epoch);
      const metrics = epochMetrics(entry, trainer);
      if (metrics) out.metrics = metrics;
    }
    if (run) {
      run.steppedSteps += after.steps - before.steps;
      if (run.progress) run.report();
      run.poke();
    }
    return out;
  },

  [MessageType.PAUSE](data) {
    checkKeys('pause', data, ['modelId']);
    const run = activeRun(entryOf('pause', data), 'pause');
    const was = run.paused;
    run.pause();
    // Where it paused, so a client showing progress shows the batches since the last message too.
    if (!was && run.progress) run.report();
    return run.state();
  },

  [MessageType.RESUME](data) {
    checkKeys('resume', data, ['modelId']);
    const run = activeRun(entryOf('resume', data), 'resume');
    run.resume();
    return run.state();
  },

  [MessageType.STOP](data) {
    checkKeys('stop', data, ['modelId']);
    const run = activeRun(entryOf('stop', data), 'stop');
    run.stop();
    return run.state();
  },

  [MessageType.SET_LEARNING_RATE](data) {
    checkKeys('setLearningRate', data, ['modelId', 'learningRate']);
    const entry = entryOf('setLearningRate', data);
    entry.model.setLearningRate(data.learningRate);
    return entry.model.getOptimizer();
  },

  [MessageType.SET_OPTIMIZER](data) {
    checkKeys('setOptimizer', data, ['modelId', 'optimizer']);
    const entry = entryOf('setOptimizer', data);
    entry.model.setOptimizer(data.optimizer);
    return entry.model.getOptimizer();
  },

  [MessageType.PREDICT](data) {
    checkKeys('predict', data, ['modelId', 'x']);
    const entry = entryOf('predict', data);
    return entry.model.predict(data.x);
  },

  [MessageType.EVALUATE](data) {
    checkKeys('evaluate', data, ['modelId', 'x', 'y']);
    const entry = entryOf('evaluate', data);
    const loss = entry.model.evaluate(data.x, data.y);
    try {
      return { loss, metrics: entry.model.metrics(data.x, data.y) };
    } catch (e) {
      throw renamed('evaluate', e, 'metrics');
    }
  },

  [MessageType.LAYER_OUTPUTS](data) {
    checkKeys('layerOutputs', data, ['modelId', 'x']);
    const entry = entryOf('layerOutputs', data);
    return { outputs: entry.model.layerOutputs(data.x) };
  },

  [MessageType.GET_WEIGHTS](data) {
    checkKeys('getWeights', data, ['modelId']);
    const entry = entryOf('getWeights', data);
    return entry.model.getWeights();
  },

  [MessageType.SET_WEIGHTS](data) {
    checkKeys('setWeights', data, ['modelId', 'weights']);
    const entry = entryOf('setWeights', data);
    entry.model.setWeights(data.weights);
    return { modelId: entry.id };
  },

  [MessageType.GENERATE](data) {
    const d = needDescent();
    checkKeys('generate', data, ['name', 'n', 'noise', 'seed', ...SPLIT_KEYS]);
    const { name, n, noise, seed } = data;
    const set = d.generate(name, pick({ n, noise, seed }, ['n', 'noise', 'seed']));
    return withSplit(d, 'generate', set, data, seed);
  },

  async [MessageType.PARSE_CSV](data) {
    const d = needDescent();
    checkKeys('parseCSV', data, ['text', 'target', 'task', 'delimiter', 'noTarget', ...SPLIT_KEYS]);
    const set = d.parseCSV(await csvText(data.text), pick(data, ['target', 'task', 'delimiter', 'noTarget']));
    return withSplit(d, 'parseCSV', set, data, 1);
  },

  [MessageType.SET_PREPROCESSING](data) {
    checkKeys('setPreprocessing', data, ['modelId', 'inputScaler', 'targetScaler', 'names']);
    const entry = entryOf('setPreprocessing', data);
    const { model } = entry;
    if (data.inputScaler !== undefined) model.setInputScaler(data.inputScaler);
    if (data.targetScaler !== undefined) model.setTargetScaler(data.targetScaler);
    if (data.names !== undefined) model.setNames(data.names);
    return describe(entry);
  },

  [MessageType.DESCRIBE](data) {
    checkKeys('describe', data, ['modelId']);
    const entry = entryOf('describe', data);
    return describe(entry);
  },

  [MessageType.SAVE](data) {
    checkKeys('save', data, ['modelId', 'withOptimizer']);
    const entry = entryOf('save', data);
    return entry.model.save({ withOptimizer: data.withOptimizer });
  },
};

const REPLY_TYPES = [MessageType.RESULT, MessageType.ERROR, MessageType.PROGRESS];
const REQUEST_TYPES = Object.values(MessageType).filter((t) => !REPLY_TYPES.includes(t));

async function receive(message) {
  const id = message !== null && typeof message === 'object' ? message.id : undefined;
  try {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw failed('a message must be an object {id, type, data}');
    }
    const { type } = message;
    if (!REQUEST_TYPES.includes(type)) {
      throw new RequestError(ErrorCode.UNKNOWN_TYPE,
        `unknown message type ${shown(type)} (known: ${REQUEST_TYPES.join(', ')})`);
    }
    const data = message.data === undefined ? {} : message.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw failed(`${type}: data must be an object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
    }
    const result = await handlers[type](data, id);
    post({ id, type: MessageType.RESULT, data: result === undefined ? null : result });
  } catch (e) {
    const code = e instanceof RequestError ? e.code : ErrorCode.FAILED;
    const text = e instanceof Error ? e.message : String(e);
    const data = { code, message: text };
    // A run that diverged: the model is rolled back; the epochs it finished come along.
    if (e && e.history) Object.assign(data, { history: e.history, divergence: e.divergence });
    try {
      post({ id, type: MessageType.ERROR, data });
    } catch {
      // The id itself could not be cloned: nothing can be routed back.
    }
  }
}
