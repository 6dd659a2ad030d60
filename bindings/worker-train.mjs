// worker-train.mjs - training in the worker: a train request's run, driven
// through model.trainer in slices of batches with a macrotask between (so
// pause, stop and step act within one batch), progress messages, the held
// rows and test rows (scored by the core once an epoch), and the setData,
// train, step, pause, resume and stop requests.

import { ErrorCode, MessageType } from './protocol.mjs';
import { RequestError, boolOption, checkKeys, entryOf, failed, macrotask, pick, post, renamed, rowsOf, shown } from './worker-common.mjs';

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

/** Epoch n's logs (1-based: the n-th finished epoch) from a history, or null for n 0. */
function logsAt(history, n) {
  if (n === 0) return null;
  const logs = {};
  for (const key of Object.keys(history)) logs[key] = history[key][n - 1];
  return logs;
}

/** The last finished epoch's logs, or null. */
const lastLogs = (trainer, epochs) => (epochs === 0 ? null : logsAt(trainer.history.history, epochs));

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
    // progressEvery.records: the epochs recorded since the last message ({epoch, metrics?}), and the latest.
    this.records = [];
    this.recordedEpoch = 0;
    // Steps made by step requests while paused: no part of the training time.
    this.steppedSteps = 0;
  }

  /**
   * About SLICE_MS of training. Each epoch progressEvery.epochs names ends a
   * trainer.run: without records the slice ends there with a message; with
   * records that epoch is recorded and the slice goes on.
   */
  slice() {
    const first = this.trainer.state;
    const every = this.progress && this.progress.epochs;
    const records = this.progress && this.progress.records;
    const t0 = performance.now();
    let state = first;
    let left = this.batches;
    for (;;) {
      const before = state;
      const k = every ? Math.min(left, (every - (before.epoch % every)) * before.batchesPerEpoch - before.batch) : left;
      state = this.trainer.run(k);
      const ran = state.steps - before.steps;
      left -= ran;
      const due = every && ran > 0 && state.batch === 0 && state.epoch % every === 0;
      if (due && !records) this.report();
      if (due && records) this.record();
      if (!records || !due || state.done || left <= 0) break;
    }
    const ms = performance.now() - t0;
    const ran = state.steps - first.steps;
    // The next slice's batches from this one's time per batch, growing at most 4x at a time.
    this.batches = ms > 0 ? Math.max(1, Math.min(Math.floor((SLICE_MS * ran) / ms), 4 * this.batches)) : 4 * this.batches;
    return state;
  }

  /**
   * With progressEvery.records: the epoch just finished, if it is one that
   * progressEvery.epochs names and not yet recorded, kept for the next
   * message with the core's metrics of the model as that epoch left it.
   */
  record() {
    const { epoch, batch } = this.trainer.state;
    if (batch !== 0 || epoch <= this.recordedEpoch || epoch % this.progress.epochs !== 0) return;
    this.recordedEpoch = epoch;
    const metrics = epochMetrics(this.entry, this.trainer);
    this.records.push(metrics ? { epoch, metrics } : { epoch });
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

  /** A progress message; scored false: no metrics computed now (the model may be rolled back). */
  report(final = false, scored = true) {
    const { epoch, batch, steps } = this.trainer.state;
    const now = this.paused ? this.pausedAt : performance.now();
    const seconds = Math.max(1e-6, (now - this.started - this.pausedMs) / 1000);
    // One read of the history (a copy of every epoch's logs) for all that the message says.
    const { history } = this.trainer.history;
    const data = { epoch, batch, steps, ...logsAt(history, epoch) };
    const metrics = scored && epochMetrics(this.entry, this.trainer);
    if (metrics) data.metrics = metrics;
    data.stepsPerSecond = (steps - this.steppedSteps) / seconds;
    data.samplesPerSecond = data.stepsPerSecond * this.rowsPerBatch;
    if (this.progress.history) {
      // Every epoch finished since the previous message, so a chart misses none.
      const from = this.reportedEpochs;
      data.history = { from };
      for (const key of Object.keys(history)) data.history[key] = history[key].slice(from, epoch);
      this.reportedEpochs = epoch;
    }
    if (this.progress.records) {
      // Each recorded epoch in order: its logs and its metrics.
      data.records = this.records.map(({ epoch: n, metrics: m }) => (m ? { epoch: n, ...logsAt(history, n), metrics: m }
        : { epoch: n, ...logsAt(history, n) }));
      this.records = [];
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
      // The epochs recorded before a divergence still reach the client, ahead of the error.
      try {
        if (this.records.length) this.report(false, false);
      } catch {
        // The run's own error stays the reply.
      }
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
    throw failed(`${where}: progressEvery must be a number of ms or {ms, epochs, history, records}, got ${shown(p)}`);
  }
  checkKeys(`${where}: progressEvery`, p, ['ms', 'epochs', 'history', 'records']);
  for (const key of ['history', 'records']) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean') {
      throw failed(`${where}: progressEvery.${key} must be true or false, got ${shown(p[key])}`);
    }
  }
  const records = p.records === true;
  const ms = p.ms === undefined ? 0 : p.ms;
  if (typeof ms !== 'number' || !(ms >= 0)) throw failed(`${where}: progressEvery.ms must be a number >= 0, got ${shown(ms)}`);
  const epochs = p.epochs === undefined ? (records ? 1 : 0) : p.epochs;
  const least = records ? 1 : 0;
  if (!Number.isInteger(epochs) || epochs < least || epochs > 1e7) {
    throw failed(`${where}: progressEvery.epochs must be an integer in ${least}..10000000${records ? ' with records' : ''}, got ${shown(epochs)}`);
  }
  // ms 0 means after every slice of batches; with epochs (and no records) only at those epochs.
  return { ms: ms || (epochs && !records ? 0 : Number.MIN_VALUE), epochs, history: p.history === true, records };
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

export const trainHandlers = {
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
      if (run.progress && run.progress.records) run.record();
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
};
