// tuneparams.mjs - what the Tune panel searches and how it reads it: the
// parameters (their kinds, ranges and starting values per mode), the limits
// of a search, each task's metrics, a value list or range read from its
// field, and a parameter's value as text and as a heatmap axis.

import { labelled } from './labels.mjs';

/** More configurations than this are refused: a search is meant to finish while one watches. */
export const MAX_CONFIGS = 500;
/** Epochs a search may train each configuration for (the playground allows more). */
export const MAX_EPOCHS = 10000;
/** Bins of a heatmap axis drawn from a range (random search). */
export const BINS = 8;

const OPTIMIZERS = labelled('optimizer', ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']);
const ACTIVATIONS = labelled('activation', ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear']);

/**
 * The parameters a search can vary, in the order descent lists them. kind:
 * rate (a positive real, drawn log-uniform), int, choice or layers; grid and
 * random: what the field starts with in each mode.
 */
export const PARAMS = [
  { key: 'learningRate', label: 'learning rate', short: 'lr', kind: 'rate', min: 0, max: 10, exclusiveMin: true, grid: '0.001, 0.01, 0.1', random: '0.0001..0.3', on: true },
  { key: 'batchSize', label: 'batch size', short: 'batch', kind: 'int', min: 1, grid: '10, 50', random: '4..128', on: true },
  { key: 'optimizer', label: 'optimizer', short: 'optimizer', kind: 'choice', choices: OPTIMIZERS, grid: ['sgd', 'adam'] },
  { key: 'layers', label: 'hidden layers', short: 'layers', kind: 'layers', grid: '8; 16,16', random: '8; 16,16; 32,32' },
  { key: 'activation', label: 'activation', short: 'activation', kind: 'choice', choices: ACTIVATIONS, grid: ['relu', 'tanh'] },
  { key: 'l2', label: 'L2 rate', short: 'l2', kind: 'rate', min: 0, max: 1, grid: '0, 0.001, 0.01', random: '0.00001..0.01' },
  { key: 'epochs', label: 'epochs', short: 'epochs', kind: 'int', min: 1, max: MAX_EPOCHS, grid: '50, 100, 200', random: '20..300' },
];
export const PARAM = Object.fromEntries(PARAMS.map((p) => [p.key, p]));

export const METRICS_FOR = { classification: ['accuracy', 'f1', 'loss'], regression: ['r2', 'rmse', 'loss'] };

export const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(2));
export const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 10000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);

/** A parameter's value as text: '16x16' and 'none' for layers. */
export function valueText(key, v) {
  if (key === 'layers') return v.length ? v.join('x') : 'none';
  if (Number.isInteger(v)) return String(v);
  if (typeof v === 'number') return fmt(v, 3);
  return String(v);
}

/** A value's identity on a heatmap axis. */
export const valueKey = (key, v) => (key === 'layers' ? v.join('x') : String(v));

/** A parameter's list (or, for random search, a range a..b) from its text field. */
export function readValues(p, el, random, rows, bad) {
  const text = el.value.trim();
  const name = `${p.label} values`;
  if (text === '') throw bad(el, `${name}: give at least one value`);
  const range = /^(\S+?)\s*\.\.\s*(\S+)$/.exec(text);
  if (range && p.kind !== 'layers') {
    if (!random) throw bad(el, `${name}: a range (${text}) is for random search; a grid takes a list like ${p.grid}`);
    const [lo, hi] = [one(p, range[1], el, rows, bad, name), one(p, range[2], el, rows, bad, name)];
    if (lo === 'full' || hi === 'full') throw bad(el, `${name}: a range takes numbers, not "full"`);
    if (!(lo > 0)) throw bad(el, `${name}: a range is drawn log-uniform, so it starts above 0, got ${range[1]}`);
    if (hi < lo) throw bad(el, `${name}: the range ${text} ends below its start`);
    el.setAttribute('aria-invalid', 'false');
    return { min: lo, max: hi };
  }
  let items;
  if (p.kind === 'layers') {
    items = text.split(';').map((s) => s.replace(/\s+/g, '')).filter((s) => s !== '').map((s) => layersOf(s, el, bad, name));
  } else {
    items = text.split(/[\s,;]+/).filter((s) => s !== '').map((s) => one(p, s, el, rows, bad, name));
  }
  if (items.length === 0) throw bad(el, `${name}: give at least one value`);
  const seen = new Set();
  const out = items.filter((v) => {
    const k = valueKey(p.key, v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  el.setAttribute('aria-invalid', 'false');
  return out;
}

/** One number of a list: the range the playground's own control allows. */
function one(p, s, el, rows, bad, name) {
  if (p.key === 'batchSize' && s === 'full') return 'full';
  const v = Number(s);
  if (p.kind === 'int') {
    const max = p.key === 'batchSize' ? rows : p.max;
    if (!Number.isInteger(v) || v < p.min || v > max) {
      throw bad(el, `${name}: "${s}" is not an integer in [${p.min}, ${max}]${p.key === 'batchSize' ? ` (the ${rows} training rows; or "full")` : ''}`);
    }
    return v;
  }
  if (!Number.isFinite(v) || v > p.max || (p.exclusiveMin ? v <= p.min : v < p.min)) {
    throw bad(el, `${name}: "${s}" is not a number in ${p.exclusiveMin ? '(' : '['}${p.min}, ${p.max}]`);
  }
  return v;
}

/** One hidden-layer configuration: '16,16', '16x16', '8' or 'none', as the playground allows (up to 8 layers of 1 to 256). */
function layersOf(s, el, bad, name) {
  if (s === 'none' || s === '0') return [];
  const units = s.split(/[x,]/).map(Number);
  if (!/^\d+([x,]\d+)*$/.test(s) || units.length > 8 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 256)) {
    throw bad(el, `${name}: "${s}" is not hidden layers like 8 or 16,16 (1 to 8 layers of 1 to 256 units; "none" for none; configurations separated by ";")`);
  }
  return units;
}

export function readChoices(p, el, bad) {
  const chosen = [...el.querySelectorAll('input:checked')].map((b) => b.value);
  if (chosen.length === 0) throw bad(el, `${p.label} values: choose at least one`);
  el.setAttribute('aria-invalid', 'false');
  return chosen;
}
