// app.mjs - the playground's main thread: it starts the page and wires its
// parts. Training runs in a Web Worker (lib/worker.mjs, through
// lib/client.mjs); this thread keeps the controls (the panels' modules),
// asks the worker for data, training and predictions (run.mjs, data.mjs),
// and draws what changed once per animation frame (the views' modules).

import { DescentClient } from '../lib/client.mjs';
import { DEFAULTS, DATASETS, PAGE_INPUT_SCALES } from './choices.mjs';
import { generateFromLink, prepare } from './data.mjs';
import { renderData, wireData } from './datapanel.mjs';
import { LossChart } from './losschart.mjs';
import { wireDiagram } from './diagramedits.mjs';
import { NetworkDiagram } from './netdiagram.mjs';
import { renderNetwork, wireNetwork } from './networkpanel.mjs';
import { renderOptimizer, wireOptimizer } from './optimizerpanel.mjs';
import { drawView, renderView, wireView } from './planeview.mjs';
import { playPause, reset, step, totals } from './run.mjs';
import { updateButtons, wireRun, writeMetrics } from './runpanel.mjs';
import { applyEmbed, goalReached, reachedGoals, syncLink, wireShare } from './sharepanel.mjs';
import { wireTune } from './tune.mjs';
import { raceInput, raceSettled, raceState, wireRace } from './race.mjs';
import { gradientsSettled, gradientsState, wireGradients } from './inspect.mjs';
import { finderInput, finderSettled, finderState, wireFinder } from './lrfinder.mjs';
import { playgroundParams } from './playground-params.mjs';
import { EMBED_PACE, decodeConfig, decodeView, quote } from './urlstate.mjs';
import { $, InputError, act, clone, config, embed, hooks, host, lazy, lockControls, locked, page, task, views } from './state.mjs';

const CHART_MS = 100;     // the loss chart's redraws while training, at most one per

/** Writes the configuration into every control. */
function renderAll() {
  renderData();
  renderNetwork();
  renderOptimizer();
  renderView();
}

Object.assign(hooks, {
  render: renderAll,
  buttons: updateButtons,
  goal: goalReached,
  settled() {
    syncLink();
    if (views.tune) views.tune.refresh();
    lockControls($('tune'));
    raceSettled();
    gradientsSettled();
    finderSettled();
  },
});

/**
 * Once per animation frame: what changed is drawn; the chart at most every
 * CHART_MS while training. Nothing is drawn until the start has run (the
 * first model made, its predictions back): the views would be drawn empty,
 * then again as the data, the model and each of its first answers arrive,
 * costing the start a few frames of 20 to 40 ms on the main thread.
 */
function frame(now) {
  page.frames++;
  if (!page.started) {
    requestAnimationFrame(frame);
    return;
  }
  if (page.dirty) {
    page.dirty = false;
    page.viewDirty = page.chartDirty = page.metricsDirty = true;
  }
  if (page.viewDirty) {
    page.viewDirty = false;
    drawView();
  }
  if (page.chartDirty && (page.status !== 'running' || now - page.chartDrawn >= CHART_MS)) {
    page.chartDirty = false;
    page.chartDrawn = now;
    views.chart.draw();
  }
  if (page.metricsDirty) {
    page.metricsDirty = false;
    writeMetrics();
  }
  requestAnimationFrame(frame);
}

function wire() {
  // The forms only group controls: Enter in a field must not submit them (no inline onsubmit under the CSP).
  for (const form of document.querySelectorAll('form')) form.addEventListener('submit', (e) => e.preventDefault());
  wireData();
  wireNetwork();
  wireOptimizer();
  wireShare();
  wireView();
  wireRun();
  wireGradients();
  wireFinder();
  $('log-scale').addEventListener('change', () => { views.chart.logScale = $('log-scale').checked; page.dirty = true; });
  window.addEventListener('resize', () => { page.dirty = true; });
}

/** What a TensorFlow Playground link means in descent: loaded only for an address that is one. */
const playgroundLink = lazy(() => import('./playground-link.mjs'), 'the reader of TensorFlow Playground links');
const setCommand = lazy(() => import('./setcommand.mjs'), "the course page's set command");

/**
 * The configuration of the page's address: a TensorFlow Playground link (its
 * state after '#' or in the query string) as descent's equivalent lesson,
 * with a notice naming what is not carried over exactly; else descent's own
 * link. {config, errors, notices, discretize}. A Playground link's reader
 * loads first (if it cannot, the page starts with the defaults and says why).
 */
async function fromAddress() {
  const pg = playgroundParams({ search: location.search, hash: location.hash });
  if (!pg) return { ...decodeConfig(location.search, DEFAULTS), notices: [] };
  let lesson;
  try {
    lesson = (await playgroundLink.load()).fromPlayground(pg, DEFAULTS);
  } catch (e) {
    return { ...decodeConfig('', DEFAULTS), errors: [`${e.message}; using the defaults`], notices: [] };
  }
  // The address becomes descent's own link (syncLink writes its query); the Playground's hash goes.
  if (pg.source === 'hash') history.replaceState(null, '', `${location.pathname}${location.search}`);
  return { config: lesson.config, errors: [], notices: lesson.notices, discretize: lesson.view.discretize };
}

function showNotice(notices) {
  const el = $('notice');
  el.hidden = !notices.length;
  el.textContent = notices.length
    ? `A TensorFlow Playground link, opened as the same lesson in descent. Not carried over exactly: ${notices.join('; ')}.` : '';
}

async function start() {
  // The worker first: it loads and compiles the wasm while this thread reads the address and renders the panels.
  const client = DescentClient.create();
  client.catch(() => {}); // awaited below, where a failure is reported
  const fromUrl = await fromAddress();
  Object.assign(config, fromUrl.config);
  if (!PAGE_INPUT_SCALES.includes(config.inputScale)) {
    fromUrl.errors.push(`URL parameter scale: ${quote(config.inputScale)} is not offered by the page yet; using unit`);
    config.inputScale = 'unit';
  }
  if (fromUrl.discretize) $('discretize').checked = true;
  page.pace = embed.pace ?? (embed.embed ? EMBED_PACE : 'max');
  showNotice(fromUrl.notices);
  views.chart = new LossChart($('loss-chart'));
  views.diagram = new NetworkDiagram($('diagram'));
  wireDiagram();
  renderAll();
  wire();
  wireTune();
  const opened = decodeView(location.search);
  wireRace({ open: opened.view === 'race' });
  applyEmbed();
  requestAnimationFrame(frame);
  page.client = await client;
  const { info } = page.client; // (create's init)
  page.simd = info.simd;
  page.version = info.version;
  $('build').textContent = `descent ${info.version}, WebAssembly ${info.simd ? 'SIMD' : 'scalar (this browser has no WebAssembly SIMD)'}, training in a Web Worker`;
  const problems = [...fromUrl.errors, ...embed.errors, ...opened.errors];
  await generateFromLink(problems);
  prepare();
  if (page.data.nTrain === 0 && config.removed.length) {
    problems.push(`URL parameter rm: ${quote(config.removed.join(','))} removes every training row; no points removed`);
    config.removed = [];
    prepare();
  }
  renderAll();
  await reset();
  if (problems.length) {
    syncLink(); // the link and the address bar say what is used
    throw new InputError(problems.join('. '));
  }
}

const COMMANDS = {
  play: () => (page.status !== 'running' ? playPause() : undefined),
  pause: () => (page.status === 'running' ? playPause() : undefined),
  step: () => step(true),
  reset,
  set: (partial) => setCommand.load().then((m) => m.setConfig(partial)),
};

/** A command from the course page (host.mjs has checked where it is from), run as the learner's actions are; a refusal is posted back. */
function command({ command: name, config: partial }) {
  act(async () => {
    try {
      await COMMANDS[name](partial);
    } catch (e) {
      host.refused(name, e.message);
      throw e;
    }
  });
}

/** What the page shows, for tests and for the curious (read-only copies). */
/** An explorer's input with its rows as plain arrays (for a test to repeat it in Node), or null. */
const plainRows = (input) => input && { ...input, x: Array.from(input.x), y: Array.from(input.y) };

window.descentPage = {
  ready: null,
  get config() { return clone(config); },
  get state() {
    const { chart } = views;
    return {
      status: page.status,
      pace: page.pace,
      // Done, and the views and metrics are of the final weights (the last predict has come back).
      settled: page.status === 'done' && !page.predicting,
      simd: page.simd,
      ...totals(),
      loss: page.lastLoss,
      valLoss: page.lastValLoss,
      firstLoss: page.firstLoss,
      metrics: page.metrics && { ...page.metrics },
      stepsPerSecond: page.stepsPerSecond,
      frames: page.frames,
      chartPoints: chart ? chart.length : 0,
      chartNote: chart ? chart.note : '',
      task: task(),
      dataset: config.dataset,
      nTrain: page.data ? page.data.nTrain : 0,
      nTest: page.data ? page.data.nTest : 0,
      gridRows: page.data && page.data.inputs ? page.data.xGrid.length / page.data.inputs : 0,
      goalsMet: reachedGoals(),
    };
  },
  /** The loss chart's rows: [epochs, losses, test losses]. */
  losses: () => (views.chart ? views.chart.rows() : [[], [], []]),
  /** The latest predictions for the training and test rows, with their rows in the data set. */
  predictions: () => page.predictions && page.data && {
    train: Array.from(page.predictions.train), test: Array.from(page.predictions.test),
    trainRows: Array.from(page.data.trainRows), testRows: Array.from(page.data.testRows), outputs: page.data.outputs || 1,
  },
  weights: () => page.client.getWeights(page.modelId),
  /**
   * Where the diagram draws an item (netdiagram.mjs's locate), in CSS px from
   * its canvas's top left; null when not drawn. Resolves once the diagram's
   * pointer handling has loaded, so a pointer put there is answered at once.
   */
  diagramAt: async (item) => (views.diagram ? (await views.diagram.interactive(), views.diagram.locate(item)) : null),
  /** The diagram's neuron whose output the plane view shows ({column, index}), or null. */
  get hovered() { return page.hovered && { ...page.hovered }; },
  /** The 2-D training points as drawn (x1, x2 pairs) and the plane's domain. */
  points: () => page.data && page.data.trainPts && {
    train: Array.from(page.data.trainPts), domain: DATASETS[config.dataset].domain,
  },
  /** The Tune panel: its search, results, heatmap and curves. */
  get tune() { return views.tune ? views.tune.state : null; },
  /** The rows and options of the panel's latest search (plain arrays), to repeat it elsewhere. */
  tuneInput: () => (views.tune ? views.tune.input() : null),
  /** The Optimizers view: its lanes (optimizer, final loss), the common initial loss, the surface drawn. */
  get race() { return raceState(); },
  /** What the Optimizers view races with (plain arrays): descent.compareOptimizers(x, y, config, options) repeats it. */
  raceInput: () => plainRows(raceInput()),
  /** The gradient inspector: per layer the statistics shown (each entry's data-grad-norm), the model's step count they are of. */
  get gradients() { return gradientsState(); },
  /** The learning-rate finder: its suggestion and the rate its button sets. */
  get lrFinder() { return finderState(); },
  /** What the finder runs (plain arrays): descent.findLearningRate(x, y, config, options) repeats it. */
  lrFinderInput: () => plainRows(finderInput()),
  /** Resolves once every queued action has finished. */
  async idle() {
    let q;
    do {
      q = page.queue;
      await q;
      await new Promise((ok) => setTimeout(ok, 0));
    } while (q !== page.queue);
  },
};

window.descentPage.ready = act(start).then(() => {
  page.started = true;
  if (page.modelId === null) throw new Error($('error').textContent || 'descent could not start');
  host.ready(clone(config));
  host.listen(command);
  if (embed.autoplay) return act(playPause);
  return undefined;
});
