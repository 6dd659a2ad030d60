// state.mjs - what the playground's modules share: the configuration (what a
// link carries), the page's state (the worker, the model, the data, the
// current run, what needs drawing), the embed options, the views, and the
// few helpers every panel uses (actions run one at a time, a user's value
// read and checked, the task of the data in use).

import { DATASETS, DEFAULTS, DEFAULT_OUTPUT, OUTPUTS } from './choices.mjs';
import { GoalWatch, Host } from './host.mjs';
import { decodeEmbed, goalMet } from './urlstate.mjs';

export const $ = (id) => document.getElementById(id);
export const clone = (v) => JSON.parse(JSON.stringify(v));

/** The configuration: everything a run depends on (urlstate.mjs writes it into the link). */
export const config = clone(DEFAULTS);

export const page = {
  client: null,
  simd: null,
  version: null,
  modelId: null,
  modelData: null,    // page.data when the model was made
  raw: null,          // the generated set: {x, y, n, features, train, test}
  data: null,         // featurized rows: {xTrain, yTrain, xTest, yTest, xGrid, inputs, nTrain, nTest}
  run: null,          // {token, promise, paused}
  status: 'loading',  // loading | paused | running | done | error
  started: false,     // the start has run: from then on each frame draws what changed
  statusNote: '',     // said after the status once done (early-stopped, diverged, a model opened)
  epochBase: 0,       // epochs finished by earlier runs since the reset
  modelAt: 0,         // the epoch whose end the model's state is from (0: as reset); a diverged run rolls it back
  stepsBase: 0,
  samplesBase: 0,
  progress: null,     // the latest progress of the current run
  firstLoss: null,
  lastLoss: null,
  lastValLoss: null,
  stepsPerSecond: null,
  epochValues: [],
  pace: 'max',        // epochs per second (urlstate's PACES), 'max': as fast as it goes    // by epoch since the reset: {loss, test_loss, accuracy, ...} as the worker reported them
  predictions: null,  // {grid, train, test} from the latest predict
  metrics: null,      // {train, test} accuracy or R²
  predicting: false,
  weighing: false,
  weighedAt: 0,
  hovered: null,      // the diagram's neuron under the pointer {column, index}: the plane view shows its output
  predictedAt: 0,
  predictAgain: false,
  dirty: true,        // redraw everything
  viewDirty: false,   // new predictions
  chartDirty: false,  // new epochs
  chartDrawn: 0,
  metricsDirty: false,
  scores: null,       // the core's metrics of the training and test rows (the worker's), {train, test, epoch}
  frames: 0,
  queue: Promise.resolve(),
  csvFile: null,      // the user's CSV file and its name, once opened
  csvName: null,
};

/** The views and the Tune panel, once made. */
export const views = { chart: null, diagram: null, tune: null };

/** The embed options of the page's own address (embed, hide, lock, autoplay, goals, origin). */
export const embed = decodeEmbed(location.search);

/** The embedding page (a course): the events it is sent, the commands it sends (host.mjs). */
export const host = new Host({ self: window, parent: window.parent, origin: embed.origin });

/** The link's goals, checked on each epoch's results as the worker reports them. */
export const goals = new GoalWatch(embed.goals, goalMet);

/**
 * What app.mjs fills in, so the panels can ask for it without importing the
 * page's wiring: render() writes the configuration into every control,
 * buttons() enables the run's buttons, settled() follows every action (the
 * link, the Tune panel), goal(goal, epoch, values) says a goal is reached.
 */
export const hooks = { render() {}, buttons() {}, settled() {}, goal() {} };

export const renderAll = () => hooks.render();

/** A user's value that cannot be used: shown next to the controls, nothing applied. */
export class InputError extends Error {}

export function showError(message) {
  const el = $('error');
  el.textContent = message;
  el.hidden = !message;
}

/** Says on the page that what could not load, and why (e); returns that InputError. */
export function loadFailed(what, e) {
  const error = new InputError(`${what} could not load: ${e && e.message ? e.message : String(e)}`);
  showError(error.message);
  return error;
}

/**
 * A module of the page that loads the first time it is used (the bundle
 * makes it a chunk of its own, lib/page-NAME.mjs): load() imports it once and
 * resolves to it; module is it once loaded, else null. If it cannot load, the
 * page says so (what names it) and load() rejects with that InputError; the
 * next use tries again.
 */
export function lazy(importer, what) {
  let loading = null;
  const lazyModule = {
    module: null,
    load() {
      loading ??= importer().then((m) => {
        lazyModule.module = m;
        return m;
      }, (e) => {
        loading = null;
        throw loadFailed(what, e);
      });
      return loading;
    },
  };
  return lazyModule;
}

/**
 * A stylesheet beside the page's style.css (lib/ for the built page, the
 * sources for debug.html): a panel's own, loaded with its code, added once.
 * Resolves when it has loaded, or failed (the panel then works unstyled,
 * which lazy()'s message would not mend).
 */
export function stylesheet(name) {
  const main = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => /(^|\/)style\.css$/.test(l.getAttribute('href')));
  const href = new URL(name, main ? main.href : document.baseURI).href;
  let link = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => l.href === href);
  if (!link) {
    link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.loaded = new Promise((resolve) => {
      link.addEventListener('load', resolve, { once: true });
      link.addEventListener('error', resolve, { once: true });
    });
    document.head.append(link);
  }
  return link.loaded || Promise.resolve();
}

/** Runs actions one after another, so quick clicks never interleave; errors are shown, not thrown. */
export function act(fn) {
  page.queue = page.queue.then(fn).then(() => {
    if (page.status !== 'error') showError('');
    hooks.settled();
  }, (e) => {
    showError(e instanceof InputError ? e.message : `descent: ${e && e.message ? e.message : String(e)}`);
    if (!(e instanceof InputError)) console.info(e);
  }).finally(() => hooks.buttons());
  return page.queue;
}

/**
 * lock=1 (with or without embed=1): the exercise's configuration cannot be
 * changed. Every render consults it (lockControls after writing a panel's
 * controls), and every action wired with on() refuses under it unless it is
 * a run control, a view toggle or an export (whenLocked).
 */
export const locked = () => embed.lock;

/** Under lock, every form control in root is disabled: called by each render after it writes root's controls. */
export function lockControls(root) {
  if (!embed.lock || !root) return;
  for (const el of root.querySelectorAll('input, select, button, textarea')) el.disabled = true;
  for (const el of root.querySelectorAll('[contenteditable]')) el.contentEditable = 'false';
}

/**
 * Wires one control: read (validate) then apply as an action. Under lock the
 * action is refused (the control is disabled; an event sent behind the
 * page's back changes nothing) unless whenLocked: running, viewing, exporting.
 */
export function on(el, event, fn, { whenLocked = false } = {}) {
  el.addEventListener(event, (e) => act(() => {
    if (embed.lock && !whenLocked) {
      hooks.render(); // the controls show the configuration again
      throw new InputError('This exercise is locked: its configuration cannot be changed.');
    }
    return fn(e);
  }));
}

/** The number in el, checked against its range; an InputError naming it and the range otherwise. */
export function readNumber(el, name, range) {
  try {
    const v = checkNumber(el.value, name, range);
    el.setAttribute('aria-invalid', 'false');
    return v;
  } catch (e) {
    el.setAttribute('aria-invalid', 'true');
    throw e;
  }
}

/** A number typed as text, checked against its range; an InputError naming it and the range otherwise. */
export function checkNumber(value, name, { min, max, integer = false, exclusiveMin = false, exclusiveMax = false }) {
  const text = String(value).trim();
  const v = Number(text);
  const range = `${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
  // a fraction is checked as the core will hold it too, a float32 (1e-50 is 0 there, 0.99999999999 is 1)
  const f = integer ? v : Math.fround(v);
  const out = (x) => (exclusiveMax ? x >= max : x > max) || (exclusiveMin ? x <= min : x < min);
  if (text === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || out(v) || out(f)) {
    throw new InputError(`${name}: ${JSON.stringify(text)} is not ${integer ? 'an integer' : 'a number'} in ${range}${out(f) && !out(v) ? ` (${f} as a float32)` : ''}`);
  }
  return v;
}

/** An integer with commas between thousands (12,345); toLocaleString's first call costs the page's start ~10 ms setting up Intl. */
export const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(digits) : v.toExponential(2));

export const isTable = () => !!DATASETS[config.dataset].table;
/** classification or regression: the built-in set's, or as the table's target column was read. */
export const task = () => (isTable() ? (page.raw && page.raw.classes ? 'classification' : 'regression') : DATASETS[config.dataset].task);
/** The kind of output layer: multiclass for more than two classes. */
export const outputTask = () => (task() === 'classification' && page.raw && page.raw.classes > 2 ? 'multiclass' : task());
export const outputKey = () => (config.output === 'auto' || !OUTPUTS[config.output].tasks.includes(outputTask()) ? DEFAULT_OUTPUT[outputTask()] : config.output);
export const output = () => OUTPUTS[outputKey()];
/** The 2-D set's plane and feature scale (a table's are unused). */
export const dataset = () => DATASETS[config.dataset];
