// urlstate.mjs - the page's whole configuration as URL parameters and back,
// so a link reproduces a run loss for loss; plus the embed options. Pure
// functions (no DOM), tested in Node.
//
// A link always carries every setting (v=1), not only the ones changed, so
// it means the same run even if the page's defaults change.

import { parseOrigin } from './host.mjs';
import {
  ACTIVATION_NAMES, GENERATOR_NAMES, INIT_NAMES, INPUT_SCALES, LIMITS, OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, OUTPUT_KEYS, TASK_NAMES,
} from './names.mjs';

export { ACTIVATION_NAMES, INIT_NAMES, INPUT_SCALES, OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, OUTPUT_KEYS };
export const FEATURE_IDS = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2'];
/**
 * The panels an embedding page may hide; 'text': every panel's explanation
 * (hidden with hide=text embedded or not).
 */
export const HIDEABLE = ['presets', 'data', 'features', 'network', 'optimizer', 'run', 'loss', 'metrics', 'view', 'diagram', 'gradients', 'share', 'tune', 'text'];
/**
 * The paces a run may go at, in epochs per second, slowest first; 'max': as
 * fast as it goes (the page's default). An embedded page starts at
 * EMBED_PACE, slow enough to watch the boundary form.
 */
export const PACES = [1, 2, 5, 10, 20, 30, 60, 120, 250, 500, 'max'];
export const EMBED_PACE = 30;
/** What a goal may test. */
export const GOAL_METRICS = ['loss', 'test_loss', 'accuracy', 'test_accuracy', 'r2', 'test_r2', 'epoch'];

/** The tables among the data sets: only they have a target column and a task to choose. */
export const TABLE_NAMES = ['iris', 'breast_cancer', 'diabetes', 'digits'];
/** Every data set a link may name: the core's generators and the shipped tables. */
export const DATASET_NAMES = [...GENERATOR_NAMES, ...TABLE_NAMES];

/**
 * Each optimizer's own hyper-parameters: config key, URL key, range (the
 * ranges descent accepts: momentum, rho and the betas in [0, 1), epsilon and
 * the initial accumulator > 0).
 */
export const HYPER_KEYS = {
  momentum: { url: 'mom', min: 0, max: 1, exclusiveMax: true },
  rho: { url: 'rho', min: 0, max: 1, exclusiveMax: true },
  epsilon: { url: 'eps', min: 0, max: 1, exclusiveMin: true },
  beta1: { url: 'b1', min: 0, max: 1, exclusiveMax: true },
  beta2: { url: 'b2', min: 0, max: 1, exclusiveMax: true },
  initialAccumulatorValue: { url: 'iav', min: 0, max: 100, exclusiveMin: true },
  centered: { url: 'centered', bool: true },
};


const num = (v) => String(Number.isInteger(v) ? v : Number(v.toPrecision(9)));

/** A parameter's text as a notice quotes it: a long one cut, so a hostile link cannot flood the page. */
export const quote = (t) => JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t);

/** The configuration as URL parameters (a URLSearchParams), every setting included. */
export function encodeConfig(config) {
  const q = new URLSearchParams();
  q.set('v', '1');
  q.set('d', config.dataset);
  if (config.target !== undefined && config.target !== null) q.set('target', config.target);
  if (config.task && config.task !== 'auto') q.set('task', config.task);
  q.set('noise', num(config.noise));
  q.set('n', num(config.samples));
  q.set('test', num(config.testRatio));
  q.set('dseed', num(config.dataSeed));
  q.set('f', config.features.join(','));
  if (config.inputScale !== undefined) q.set('scale', config.inputScale);
  q.set('h', config.layers.map((l) => `${l.units}:${l.activation}`).join(','));
  q.set('out', config.output);
  q.set('init', config.init);
  q.set('l1', num(config.l1));
  q.set('l2', num(config.l2));
  q.set('seed', num(config.seed));
  q.set('opt', config.optimizer.name);
  q.set('lr', num(config.optimizer.learningRate));
  for (const [key, spec] of Object.entries(HYPER_KEYS)) {
    if (config.optimizer[key] === undefined) continue;
    q.set(spec.url, spec.bool ? (config.optimizer[key] ? '1' : '0') : num(config.optimizer[key]));
  }
  q.set('batch', num(config.batchSize));
  q.set('epochs', num(config.epochs));
  q.set('es', config.earlyStopping ? num(config.patience) : '0');
  if (config.added.length) q.set('add', config.added.map(([a, b, c]) => `${num(a)}:${num(b)}:${c}`).join(';'));
  if (config.removed.length) q.set('rm', config.removed.join(','));
  if (config.showTest !== undefined) q.set('showtest', config.showTest ? '1' : '0');
  return q;
}

class Reader {
  constructor(q) {
    this.q = q;
    this.problems = [];
  }

  /** The parameter's text, or undefined when absent. */
  text(key) {
    const v = this.q.get(key);
    return v === null ? undefined : v;
  }

  fail(key, message) {
    this.problems.push({ key, message, instead: undefined });
  }

  /** What the page does instead of using parameter key's value, if that value failed: named in its notice. */
  instead(key, what) {
    const p = this.problems.findLast((x) => x.key === key);
    if (p && p.instead === undefined) p.instead = what;
  }

  /** Each unusable parameter: its name, its value and why, and what is used instead. */
  get errors() {
    return this.problems.map((p) => `URL parameter ${p.key}: ${p.message}${p.instead === undefined ? '' : `; ${p.instead}`}`);
  }

  /**
   * A number in [min, max] (either end exclusive), an integer if asked;
   * float32: the value as descent stores it (a float32) must be in range too.
   */
  number(key, min, max, { integer = false, exclusiveMin = false, exclusiveMax = false, float32 = false } = {}) {
    const t = this.text(key);
    if (t === undefined) return undefined;
    const v = Number(t);
    const inRange = (x) => (exclusiveMin ? x > min : x >= min) && (exclusiveMax ? x < max : x <= max);
    const ok = t.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && inRange(v) && (!float32 || inRange(Math.fround(v)));
    if (!ok) {
      const range = `${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
      this.fail(key, `${quote(t)} is not ${integer ? 'an integer' : 'a number'} in ${range}`);
      return undefined;
    }
    return v;
  }

  oneOf(key, allowed) {
    const t = this.text(key);
    if (t === undefined) return undefined;
    if (!allowed.includes(t)) {
      this.fail(key, `${quote(t)} is not one of ${allowed.join(', ')}`);
      return undefined;
    }
    return t;
  }

  list(key, allowed) {
    const t = this.text(key);
    if (t === undefined) return undefined;
    const items = t === '' ? [] : t.split(',');
    const bad = items.filter((i) => !allowed.includes(i));
    if (bad.length) {
      const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
      this.fail(key, `${bad.slice(0, 5).map(quote).join(', ')}${more} not among ${allowed.join(', ')}`);
      return undefined;
    }
    return items;
  }
}

/** Hidden layers as a link writes them: 16:relu,8:tanh ('none' for none). */
export const layersText = (layers) => (layers.length ? layers.map((l) => `${l.units}:${l.activation}`).join(',') : 'none');

/** A value as a notice shows the default used in its place. */
function shown(v) {
  if (Array.isArray(v)) return v.length ? v.join(',') : 'none';
  if (v === null || v === undefined) return 'none';
  return typeof v === 'number' ? num(v) : String(v);
}

/**
 * A configuration from URL parameters over defaults: {config, errors}. A
 * parameter that cannot be used is left at its default, and errors names
 * it, its value, why, and the default used instead; the rest of the link
 * applies. (A table's target and task can be checked only against the
 * table: the page does that, falling back the same way.)
 */
export function decodeConfig(search, defaults) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const r = new Reader(q);
  const config = JSON.parse(JSON.stringify(defaults));
  const usingDefault = (param, v) => r.instead(param, `using the default: ${shown(v)}`);
  /** config[key] from URL parameter param (read by value), or its default, named. */
  const set = (key, param, value) => {
    if (value !== undefined) config[key] = value;
    else usingDefault(param, config[key]);
  };
  const v = r.text('v');
  if (v !== undefined && v !== '1') {
    r.fail('v', `version ${quote(v)} is not one this page reads (1)`);
    r.instead('v', 'read as version 1');
  }
  set('dataset', 'd', r.oneOf('d', DATASET_NAMES));
  const target = r.text('target');
  const task = r.oneOf('task', TASK_NAMES);
  if (!TABLE_NAMES.includes(config.dataset)) {
    // The generated sets have no columns to choose from.
    if (target !== undefined) r.fail('target', `${quote(target)}: ${config.dataset} has no target column to choose`);
    if (task !== undefined && task !== 'auto') r.fail('task', `${quote(task)}: ${config.dataset}'s task is fixed`);
    r.instead('target', 'ignored');
    r.instead('task', 'ignored');
  } else {
    if (target !== undefined) config.target = target;
    set('task', 'task', task);
  }
  set('noise', 'noise', r.number('noise', 0, 1));
  set('samples', 'n', r.number('n', 20, 2000, { integer: true }));
  set('testRatio', 'test', r.number('test', 0, 0.9));
  set('dataSeed', 'dseed', r.number('dseed', 0, LIMITS.seed, { integer: true }));
  const features = r.list('f', FEATURE_IDS);
  if (features !== undefined && features.length === 0) r.fail('f', 'at least one input feature is needed');
  set('features', 'f', features && features.length ? FEATURE_IDS.filter((id) => features.includes(id)) : undefined);
  set('inputScale', 'scale', r.oneOf('scale', INPUT_SCALES));
  const h = r.text('h');
  if (h !== undefined) {
    const layers = [];
    for (const item of h === '' || h === 'none' ? [] : h.split(',')) {
      const m = /^(\d+):([a-z_]+)$/.exec(item);
      const units = m ? Number(m[1]) : NaN;
      if (!m || units < 1 || units > LIMITS.units || !ACTIVATION_NAMES.includes(m[2])) {
        r.fail('h', `${quote(item)} is not units:activation with units in [1, ${LIMITS.units}] and activation one of ${ACTIVATION_NAMES.join(', ')}`);
        layers.length = 0;
        break;
      }
      layers.push({ units, activation: m[2] });
    }
    if (layers.length > LIMITS.layers) r.fail('h', `${layers.length} hidden layers: at most ${LIMITS.layers}`);
    if (r.problems.some((p) => p.key === 'h')) r.instead('h', `using the default: ${layersText(config.layers)}`);
    else config.layers = layers;
  }
  set('output', 'out', r.oneOf('out', OUTPUT_KEYS));
  set('init', 'init', r.oneOf('init', INIT_NAMES));
  set('l1', 'l1', r.number('l1', 0, 1, { float32: true }));
  set('l2', 'l2', r.number('l2', 0, 1, { float32: true }));
  set('seed', 'seed', r.number('seed', 0, LIMITS.seed, { integer: true }));
  const opt = r.oneOf('opt', OPTIMIZER_NAMES);
  if (opt === undefined) usingDefault('opt', config.optimizer.name);
  else if (opt !== config.optimizer.name) config.optimizer = { name: opt, ...OPTIMIZER_DEFAULTS[opt] };
  const o = config.optimizer;
  const lr = r.number('lr', 0, 10, { exclusiveMin: true, float32: true });
  if (lr !== undefined) o.learningRate = lr;
  else usingDefault('lr', o.learningRate);
  for (const [key, spec] of Object.entries(HYPER_KEYS)) {
    if (r.text(spec.url) === undefined) continue;
    const applies = key in (OPTIMIZER_DEFAULTS[o.name] || {});
    const x = spec.bool ? r.oneOf(spec.url, ['0', '1']) : r.number(spec.url, spec.min, spec.max, { ...spec, float32: true });
    if (x === undefined) {
      r.instead(spec.url, applies ? `using the default: ${shown(o[key])}` : `ignored (${o.name} has no ${key})`);
    } else if (!applies) {
      r.fail(spec.url, `${o.name} has no ${key}`);
      r.instead(spec.url, 'ignored');
    } else {
      o[key] = spec.bool ? x === '1' : x;
    }
  }
  set('batchSize', 'batch', r.number('batch', 1, LIMITS.batch, { integer: true }));
  set('epochs', 'epochs', r.number('epochs', 1, LIMITS.epochs, { integer: true }));
  const es = r.number('es', 0, 100000, { integer: true });
  if (es === undefined) usingDefault('es', config.earlyStopping ? config.patience : 0);
  else {
    config.earlyStopping = es > 0;
    if (es > 0) config.patience = es;
  }
  const add = r.text('add');
  if (add !== undefined) {
    const points = [];
    for (const item of add === '' ? [] : add.split(';')) {
      const parts = item.split(':').map(Number);
      if (parts.length !== 3 || !parts.every(Number.isFinite) || Math.abs(parts[0]) > 100 || Math.abs(parts[1]) > 100 || ![0, 1].includes(parts[2])) {
        r.fail('add', `${quote(item)} is not a:b:class with |a|, |b| <= 100 and class 0 or 1`);
        break;
      }
      points.push(parts);
    }
    if (points.length > 1000) r.fail('add', 'at most 1000 added points');
    if (r.problems.some((p) => p.key === 'add')) r.instead('add', 'no points added');
    else config.added = points;
  }
  const showTest = r.oneOf('showtest', ['0', '1']);
  set('showTest', 'showtest', showTest === undefined ? undefined : showTest === '1');
  const rm = r.text('rm');
  if (rm !== undefined) {
    const rows = rm === '' ? [] : rm.split(',').map(Number);
    if (!rows.every((x) => Number.isInteger(x) && x >= 0 && x < 100000)) {
      r.fail('rm', `${quote(rm)} is not a list of row numbers`);
      r.instead('rm', 'no points removed');
    } else {
      config.removed = [...new Set(rows)].sort((a, b) => a - b);
    }
  }
  return { config, errors: r.errors };
}

/**
 * The embed options: {embed, hide, lock, autoplay, goals, origin, pace, errors}.
 * origin: the embedding page's origin (events go there only, commands are
 * taken from it), or null. pace: one of PACES, or null when the link gives
 * none (then the page's default: EMBED_PACE embedded, else 'max').
 */
export function decodeEmbed(search) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const r = new Reader(q);
  const flag = (key) => {
    const v = r.oneOf(key, ['0', '1']);
    r.instead(key, 'using the default: 0');
    return v === '1';
  };
  const out = {
    embed: flag('embed'),
    hide: r.list('hide', HIDEABLE) || [],
    lock: flag('lock'),
    autoplay: flag('autoplay'),
    goals: [],
    origin: null,
    pace: null,
  };
  const pace = r.oneOf('pace', PACES.map(String));
  r.instead('pace', 'using the default');
  if (pace !== undefined) out.pace = pace === 'max' ? 'max' : Number(pace);
  r.instead('hide', 'nothing hidden');
  const origin = r.text('origin');
  if (origin !== undefined) {
    const o = parseOrigin(origin);
    if (typeof o === 'string') {
      r.fail('origin', o);
      r.instead('origin', 'events go to any origin and no command is taken');
    } else {
      out.origin = o.origin;
    }
  }
  for (const g of q.getAll('goal')) {
    const goal = parseGoal(g);
    if (typeof goal === 'string') {
      r.fail('goal', goal);
      r.instead('goal', 'this goal is ignored');
    } else {
      out.goals.push(goal);
    }
  }
  out.errors = r.errors;
  return out;
}

/**
 * The views a link may open besides the playground's own: 'race', the
 * Optimizers view. view=race; absent: none.
 */
export const VIEWS = ['race'];

/** The view a link opens: {view (one of VIEWS, or null), errors}. */
export function decodeView(search) {
  const r = new Reader(search instanceof URLSearchParams ? search : new URLSearchParams(search));
  const view = r.oneOf('view', VIEWS);
  r.instead('view', 'no view opened');
  return { view: view === undefined ? null : view, errors: r.errors };
}

/** The view parameter of a link: view=race when that view is open, else none. */
export function encodeView(view) {
  const q = new URLSearchParams();
  if (view) q.set('view', view);
  return q;
}

/** "test_loss<0.1" -> {metric, op, value, text}; a string saying what is wrong otherwise. */
export function parseGoal(text) {
  const m = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?[0-9.]+(?:e-?\d+)?)\s*$/i.exec(text);
  if (!m) return `${quote(text)} is not metric<value or metric>value (e.g. test_loss<0.1)`;
  const metric = m[1].toLowerCase();
  if (!GOAL_METRICS.includes(metric)) return `${quote(metric)} is not one of ${GOAL_METRICS.join(', ')}`;
  const value = Number(m[3]);
  if (!Number.isFinite(value)) return `${quote(m[3])} is not a number`;
  return { metric, op: m[2], value, text: `${metric}${m[2]}${m[3]}` };
}

/** Whether a goal holds for the values {loss, test_loss, ...} (undefined or null: not yet). */
export function goalMet(goal, values) {
  const v = values[goal.metric];
  if (v === undefined || v === null || !Number.isFinite(v)) return false;
  switch (goal.op) {
    case '<': return v < goal.value;
    case '<=': return v <= goal.value;
    case '>': return v > goal.value;
    default: return v >= goal.value;
  }
}

/** The embed parameters for a snippet. */
export function encodeEmbed({ hide = [], lock = false, autoplay = false, goals = [], origin = null, pace = null }) {
  const q = new URLSearchParams();
  q.set('embed', '1');
  if (hide.length) q.set('hide', hide.join(','));
  if (lock) q.set('lock', '1');
  if (autoplay) q.set('autoplay', '1');
  for (const g of goals) q.append('goal', typeof g === 'string' ? g : g.text);
  if (origin) q.set('origin', origin);
  if (pace !== null) q.set('pace', String(pace));
  return q;
}
