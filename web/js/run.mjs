// run.mjs - the model and its runs: the model made from the configuration
// (and reset), training runs in the worker (started, paused, stepped,
// stopped, restarted with new settings), what a run reports (the loss chart,
// the totals, a divergence and its rollback), and the predictions the views
// draw.

import { diagramArchitecture, refreshWeights } from './diagramview.mjs';
import { refreshGradients } from './inspect.mjs';
import { modelNames } from './data.mjs';
import { paced, startPacer, stopPacer } from './pace.mjs';
import { LIMITS } from './names.mjs';
import { InputError, config, embed, goals, hooks, host, isTable, locked, output, page, showError, task, views } from './state.mjs';

const PROGRESS_MS = 40;   // how often the worker reports while training

/** The model the configuration makes (the Optimizers view races it too). */
export function modelConfig() {
  const out = output();
  return {
    inputs: page.data.inputs,
    layers: [
      ...config.layers.map((l) => ({ units: l.units, activation: l.activation, l1: config.l1, l2: config.l2 })),
      { units: page.data.outputs || 1, activation: out.activation, l1: config.l1, l2: config.l2 },
    ],
    loss: out.loss,
    optimizer: { ...config.optimizer },
    init: config.init,
    seed: config.seed,
  };
}

/** Stops the current run, if any, and waits for it to end. */
export async function stopRun() {
  await stopPacer();
  const { run } = page;
  if (!run) return;
  page.run = null;
  try {
    await page.client.stop(page.modelId);
  } catch {
    // It had ended already.
  }
  await run.promise.catch(() => {});
  foldRun(run);
}

/** Adds an ended run's epochs and steps to the totals. */
function foldRun(run) {
  if (run.folded) return;
  run.folded = true;
  const p = run.last;
  if (!p) return;
  page.epochBase += p.epoch;
  page.stepsBase += p.steps;
  page.samplesBase += samplesOf(run, p);
  page.modelAt = run.modelAt ?? page.epochBase;
}

function samplesOf(run, p) {
  const n = run.rows;
  return p.epoch * n + Math.min(n, p.batch * run.batchSize);
}

/** A train request over the current data for the epochs left, started paused or running (at the page's pace). */
function startRun(paused) {
  const epochs = config.epochs - page.epochBase;
  if (epochs <= 0) {
    page.status = 'done';
    return;
  }
  const { data } = page;
  const batchSize = Math.min(config.batchSize, data.nTrain);
  // charted: the run's epochs on the chart; startAt: where the model's state is from as it starts
  // A paced run is the worker's run paused and stepped (pace.mjs).
  const stepped = !paused && paced();
  const run = { paused: paused || stepped, last: null, folded: false, rows: data.nTrain, batchSize, charted: 0, startAt: page.modelAt, epochs };
  views.chart.note = '';
  // Copies transferred rather than copied by postMessage, whose structured
  // clone of a large table's rows holds this thread for a tenth of a second.
  run.promise = page.client.train(page.modelId, {
    x: data.xTrain.slice(), y: data.yTrain.slice(),
    // The test rows twice: as validation data for the test loss, as test rows for the core's per-epoch metrics.
    ...(data.nTest ? { validationData: [data.xTest.slice(), data.yTest.slice()], testX: data.xTest.slice(), testY: data.yTest.slice() } : {}),
    epochs, batchSize,
    earlyStopping: config.earlyStopping ? { patience: config.patience, restoreBestWeights: true } : false,
    // For a course page or goals, every epoch's losses and metrics too, recorded as each epoch
    // ends and sent together with the next message (one message an epoch would slow the run).
    progressEvery: { ms: PROGRESS_MS, history: true, ...(host.embedded || embed.goals.length ? { records: true } : {}) }, paused: run.paused,
    onProgress: (p) => onProgress(run, p),
  });
  run.promise.then((result) => {
    if (page.run !== run) return;
    page.run = null;
    foldRun(run);
    page.status = 'done';
    if (result.stopped === 'early-stopped') {
      setStatusNote(`early-stopped, weights of epoch ${page.epochBase - result.epochs + result.bestEpoch + 1} restored`);
    }
    const reason = { completed: 'epochs', 'early-stopped': 'early-stopped' }[result.stopped];
    if (reason) host.done(reason, page.epochBase, epochValues(page.epochBase));
    predict();
    hooks.buttons();
  }, (e) => {
    if (page.run !== run) return;
    page.run = null;
    if (e.divergence) diverged(run, e);
    foldRun(run);
    page.status = 'done';
    if (e.divergence) host.done('diverged', page.modelAt, epochValues(page.modelAt));
    if (!e.divergence) showError(`training stopped: ${e.message}`);
    hooks.buttons();
  });
  page.run = run;
  page.status = paused ? 'paused' : 'running';
  if (stepped) startPacer(run);
}

/**
 * A run whose loss stopped being finite: the worker has rolled the model back
 * to the end of its last sound epoch (weights and optimizer state). The
 * epochs it finished join the chart, the curves stay, and the note beside the
 * chart says, in the chart's epoch numbers, where it diverged, where the
 * model is now and what to do; Train then goes on from there.
 */
function diverged(run, e) {
  const { chart } = views;
  const { history, divergence } = e;
  const base = page.epochBase;
  const h = history.history;
  if (h.loss.length > run.charted) {
    chart.append(base + run.charted + 1, h.loss.slice(run.charted), h.val_loss && h.val_loss.slice(run.charted));
    page.chartDirty = true;
  }
  run.last = { epoch: history.epochs, batch: divergence.batch, steps: history.steps };
  run.modelAt = divergence.restoredEpochs > 0 ? base + divergence.restoredEpochs : run.startAt;
  const at = run.modelAt === 0 ? 'its initial weights' : `the end of epoch ${run.modelAt}`;
  const climbed = divergence.restoredEpochs < history.epochs ? ', before the loss began to climb' : '';
  const { name, learningRate: lr, centered } = config.optimizer;
  const lower = `lower it (to ${Number((lr / 10).toPrecision(2))}, say)`;
  const advice = name === 'rmsprop' && centered
    ? `Try a smaller epsilon, centered off, or a lower learning rate (now ${lr}), then press Train to go on from there.`
    : `The learning rate is ${lr}: ${lower} and press Train to go on from there.`;
  chart.note = `The loss stopped being finite at epoch ${base + divergence.epoch + 1}, batch ${divergence.batch + 1}. ` +
    `The model is rolled back to ${at}${climbed}, weights and optimizer state. ${advice}`;
  setStatusNote('diverged, model rolled back');
  predict();
  refreshWeights(true);
  refreshGradients(true);
}

/** {accuracy, test_accuracy, r2, test_r2} from the core's metrics of the training and test rows. */
function scoreValues(train, test) {
  const key = train && 'accuracy' in train ? 'accuracy' : 'r2';
  const other = key === 'accuracy' ? 'r2' : 'accuracy';
  return { [key]: train ? train[key] ?? null : null, [`test_${key}`]: test ? test[key] ?? null : null, [other]: null, [`test_${other}`]: null };
}

/** The values of epoch n since the reset (its losses and, where reported, its metrics); {} when none. */
export function epochValues(n) {
  return page.epochValues[n] || {};
}

/**
 * Each epoch a progress message finishes, kept by epoch with its values: its
 * records' losses and scores (each epoch's own), else the history's losses
 * and, for the epoch the message's metrics are of, its scores. The goals are
 * checked on each in turn, and the course page told the latest.
 */
function epochResults(p) {
  const base = page.epochBase;
  const keep = (epoch, v) => {
    page.epochValues[epoch] = v;
    for (const goal of goals.check(epoch, v)) hooks.goal(goal, epoch, v);
  };
  let n = 0;
  if (p.records) {
    for (const r of p.records) {
      const v = { loss: r.loss, test_loss: r.val_loss ?? null };
      keep(base + r.epoch, r.metrics ? Object.assign(v, scoreValues(r.metrics.train, r.metrics.test)) : v);
    }
    n = p.records.length;
  } else if (p.history) {
    const h = p.history;
    const from = base + h.from + 1;
    n = h.loss.length;
    for (let i = 0; i < n; i++) {
      const v = { loss: h.loss[i], test_loss: h.val_loss ? h.val_loss[i] : null };
      if (p.metrics && base + p.metrics.epoch === from + i) Object.assign(v, scoreValues(p.metrics.train, p.metrics.test));
      keep(from + i, v);
    }
  }
  const latest = base + p.epoch;
  if (latest > 0 && (n > 0 || p.final)) host.progress(latest, epochValues(latest), !!p.final);
}

/** The course page told where a run stopped (a pause, a step). */
export function progressStop() {
  const { epoch } = totals();
  host.progress(epoch, epochValues(epoch), true);
}

function setStatusNote(text) { page.statusNote = text; page.dirty = true; }

function onProgress(run, p) {
  // A stopped run's last messages still count; a folded run's are done.
  if (run.folded) return;
  run.last = p;
  page.progress = p;
  if (p.history && p.history.loss.length) {
    views.chart.append(page.epochBase + p.history.from + 1, p.history.loss, p.history.val_loss);
    run.charted = p.history.from + p.history.loss.length;
    if (page.firstLoss === null) page.firstLoss = p.history.loss[0];
  }
  epochResults(p);
  if (p.loss !== undefined) page.lastLoss = p.loss;
  if (p.val_loss !== undefined) page.lastValLoss = p.val_loss;
  if (p.steps > 0) page.stepsPerSecond = p.stepsPerSecond;
  if (p.metrics) setScores(p.metrics.train, p.metrics.test, page.epochBase + p.metrics.epoch);
  page.chartDirty = true;
  page.metricsDirty = true;
  // Predictions for the views: often for the small sets, less often for wide tables; always at the end.
  const every = isTable() ? 250 : 0;
  if (p.final || page.status !== 'running' || !(performance.now() - page.predictedAt < every)) predict();
  refreshWeights(p.final || page.status !== 'running');
  refreshGradients(p.final || page.status !== 'running');
}

/** A model made anew from the configuration (the same seed, the same weights), paused before its first batch. */
export async function reset() {
  await stopRun();
  // The new model is made (and given its preprocessing) before the old one
  // goes: if the configuration cannot make a model, the error is shown and
  // the model the learner had stays, with its run.
  const created = await page.client.createModel(modelConfig());
  try {
    const preprocessing = { names: modelNames() };
    if (isTable()) {
      preprocessing.inputScaler = page.raw.inputScaler;
      if (page.raw.targetScaler && task() === 'regression') preprocessing.targetScaler = page.raw.targetScaler;
    }
    await page.client.setPreprocessing(created, preprocessing);
  } catch (e) {
    await page.client.dispose(created).catch(() => {});
    throw e;
  }
  if (page.modelId !== null) {
    const old = page.modelId;
    page.modelId = null;
    await page.client.dispose(old).catch(() => {});
  }
  page.modelId = created;
  page.modelData = page.data;
  await freshRun('');
}

/** The model now in use from its first epoch: totals and chart cleared, a run paused before its first batch, the views fetched. */
export async function freshRun(note) {
  page.epochBase = 0;
  page.modelAt = 0;
  page.stepsBase = 0;
  page.samplesBase = 0;
  page.progress = null;
  page.firstLoss = null;
  page.lastLoss = null;
  page.lastValLoss = null;
  page.stepsPerSecond = null;
  page.epochValues = [];
  goals.reset();
  page.statusNote = note;
  views.chart.clear();
  startRun(true);
  page.dirty = true;
  diagramArchitecture();
  await Promise.all([epochZero(), predict(), refreshWeights(true), refreshGradients(true)]);
}

/**
 * Epoch 0, the model before any training: its losses on the training and
 * test rows (the worker's evaluate) start the curves, and its scores the
 * values a course page is sent for epoch 0. Awaited before the run can go.
 */
async function epochZero() {
  const data = page.modelData;
  const id = page.modelId;
  const rows = (x, y) => Promise.all([page.client.evaluate(id, x.slice(), y.slice()), page.client.metrics(id, x.slice(), y.slice())]);
  const [[loss, train], [testLoss, test]] = await Promise.all([
    rows(data.xTrain, data.yTrain), data.nTest ? rows(data.xTest, data.yTest) : [null, null],
  ]);
  if (id !== page.modelId || views.chart.length) return;
  views.chart.append(0, [loss], [testLoss]);
  page.epochValues[0] = { loss, test_loss: testLoss, ...scoreValues(train, test) };
  page.chartDirty = true;
}

/** Asks the worker for the model's outputs on the grid and on every data row; one request at a time. */
export async function predict() {
  if (page.modelId === null) return;
  if (page.predicting) {
    page.predictAgain = true;
    return;
  }
  page.predicting = true;
  try {
    do {
      page.predictAgain = false;
      // The rows the model was made for (the page's may be newer, its model not yet made).
      const data = page.modelData;
      const nGrid = data.xGrid.length / data.inputs;
      const k = data.outputs || 1;
      page.predictedAt = performance.now();
      const x = new Float32Array(data.xGrid.length + data.xTrain.length + data.xTest.length);
      x.set(data.xGrid, 0);
      x.set(data.xTrain, data.xGrid.length);
      x.set(data.xTest, data.xGrid.length + data.xTrain.length);
      const modelId = page.modelId;
      // While training, each epoch's metrics come with its progress message; else they are asked for with the predictions.
      const scored = page.status !== 'running' || !data.nTest;
      const [y, train, test] = await Promise.all([
        page.client.predict(modelId, x),
        // (copies: the client transfers what it is given)
        scored ? page.client.metrics(modelId, data.xTrain.slice(), data.yTrain.slice()) : null,
        scored && data.nTest ? page.client.metrics(modelId, data.xTest.slice(), data.yTest.slice()) : null,
      ]);
      if (modelId !== page.modelId || data !== page.data) continue;
      page.predictions = {
        grid: y.subarray(0, nGrid * k),
        train: y.subarray(nGrid * k, (nGrid + data.nTrain) * k),
        test: y.subarray((nGrid + data.nTrain) * k),
      };
      if (scored) setScores(train, test, null);
      page.viewDirty = true;
      page.metricsDirty = true;
    } while (page.predictAgain);
  } catch (e) {
    // A model disposed meanwhile is no error; anything else is shown.
    if (!/unknown model id/.test(e.message)) showError(`predict: ${e.message}`);
  } finally {
    page.predicting = false;
  }
}

/**
 * The core's scores of the model on the training and test rows (the worker's
 * metrics, for its output head's task and threshold; test null when nothing
 * is held out), after epoch `epoch` (null: the model as it is now). The page
 * shows accuracy or R² of each and draws the confusion matrix from them.
 */
function setScores(train, test, epoch) {
  const key = (m) => (m && 'accuracy' in m ? 'accuracy' : 'r2');
  const value = (m) => (m ? m[key(m)] ?? null : null);
  page.scores = { train, test, epoch };
  page.metrics = { train: value(train), test: value(test) };
  page.metricsDirty = true;
}

export function argmax(a, at, k) {
  let best = 0;
  for (let j = 1; j < k; j++) if (a[at + j] > a[at + best]) best = j;
  return best;
}

/** Epochs, steps and samples since the reset: earlier runs' plus the current run's. */
export function totals() {
  const p = page.run && page.run.last;
  return {
    epoch: page.epochBase + (p ? p.epoch : 0),
    steps: page.stepsBase + (p ? p.steps : 0),
    samples: page.samplesBase + (p ? samplesOf(page.run, p) : 0),
  };
}

export async function playPause() {
  if (page.status === 'running') {
    const { run } = page;
    if (run && !run.paused) {
      await pauseWorker();
      run.paused = true;
    }
    await stopPacer();
    if (page.run !== run) return; // it ended meanwhile: done, not paused
    page.status = 'paused';
    progressStop();
  } else if (page.status === 'paused' && page.run) {
    await go(page.run);
  } else if (page.status === 'done') {
    if (atLimit()) {
      if (locked() || config.epochs >= LIMITS.epochs) throw new InputError(`The epoch limit (${config.epochs}) is reached: ${locked() ? 'reset to run again' : 'raise it or reset'}.`);
      // Continue: the limit doubled (within its range), the run goes on from here.
      config.epochs = Math.min(LIMITS.epochs, config.epochs * 2);
      hooks.render();
    }
    startRun(false);
  }
}

/** Holds the worker's run between two batches; a run that has just ended (its result on the way) has nothing to hold. */
const pauseWorker = () => page.client.pause(page.modelId).catch((e) => {
  if (e.code !== 'not-training') throw e;
});

/** Whether a finished run has reached the epoch limit. */
export const atLimit = () => page.status === 'done' && page.epochBase >= config.epochs;

/** The paused run goes on: at the page's pace, or resumed in the worker. */
async function go(run) {
  page.status = 'running';
  if (paced()) {
    startPacer(run);
  } else {
    await page.client.resume(page.modelId);
    run.paused = false;
  }
}

/** fn() with the run under way (if any) held between two batches, then going on as it went. */
async function holding(fn) {
  const { run } = page;
  const running = page.status === 'running' && run;
  if (running) {
    await stopPacer();
    if (!run.paused) {
      await pauseWorker();
      run.paused = true;
    }
  }
  try {
    await fn();
  } finally {
    if (running && page.run === run) await go(run);
  }
}

/** A new pace (one of urlstate's PACES); a run under way goes on at it. */
export async function setPace(pace) {
  await holding(() => { page.pace = pace; });
}

/**
 * One weight of the model set to value ({layer, from, to}: layer 1 links the
 * inputs to the first hidden layer; kernel[from][to]): the worker's weights
 * read and written back with that one changed (between two batches of a run
 * under way, which then goes on from them), then the views, the diagram and
 * the losses of the model as it is now (the worker's evaluate).
 */
export async function setWeight({ layer, from, to }, value) {
  const modelId = page.modelId;
  if (modelId === null) return;
  await holding(async () => {
    const weights = await page.client.getWeights(modelId);
    // Each layer's units from its kernel ([fan-in][units]), the first fan-in being the model's inputs.
    let units = page.modelData.inputs;
    for (let l = 0; l < layer; l++) units = weights[l].kernel.length / units;
    weights[layer - 1].kernel[from * units + to] = value;
    await page.client.setWeights(modelId, weights);
  });
  if (modelId !== page.modelId) return;
  const data = page.modelData;
  const [loss, testLoss] = await Promise.all([
    page.client.evaluate(modelId, data.xTrain.slice(), data.yTrain.slice()),
    data.nTest ? page.client.evaluate(modelId, data.xTest.slice(), data.yTest.slice()) : null,
  ]);
  if (modelId !== page.modelId) return;
  page.lastLoss = loss;
  page.lastValLoss = testLoss;
  page.metricsDirty = true;
  page.dirty = true;
  await Promise.all([predict(), refreshWeights(true), refreshGradients(true)]);
}

export async function step(epoch) {
  if (page.status === 'running') await playPause();
  if (page.status === 'done') {
    if (atLimit()) throw new InputError(`The epoch limit (${config.epochs}) is reached: ${locked() ? 'reset to run again' : 'raise it or reset'}.`);
    startRun(true);
  }
  if (!page.run) return;
  await page.client.step(page.modelId, epoch ? { epoch: true } : {}).catch((e) => {
    // A step that diverges ends its run, whose own handler says so beside the chart; a run that has just ended has no step to take.
    if (!e.divergence && e.code !== 'not-training') throw e;
  });
  if (page.run) progressStop();
}

/** A new run of the same model with the current batch size, limit and early stopping; paused stays paused. */
export async function restartRun() {
  if (page.modelId === null) return;
  const wasRunning = page.status === 'running';
  await stopRun();
  startRun(!wasRunning);
}

export async function applyOptimizer() {
  if (page.modelId !== null) await page.client.setOptimizer(page.modelId, { ...config.optimizer });
}
