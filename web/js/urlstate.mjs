// urlstate.mjs - the page's whole configuration as URL parameters and back,
// so a link reproduces a run loss for loss; plus the embed options. Pure
// functions (no DOM), tested in Node.
//
// A link always carries every setting (v=1), not only the ones changed, so
// it means the same run even if the page's defaults change.

export const DATASET_NAMES = ['circle', 'xor', 'gaussian', 'spiral', 'line', 'curve', 'plane', 'multigauss', 'linear4',
  'iris', 'breast_cancer', 'diabetes', 'digits'];
export const FEATURE_IDS = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2'];
export const ACTIVATION_NAMES = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear'];
export const OUTPUT_KEYS = ['auto', 'sigmoid-bce', 'sigmoid-mse', 'tanh-mse', 'linear-mse', 'softmax-cce'];
export const INIT_NAMES = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'uniform', 'zeros'];
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
/** The panels an embedding page may hide. */
export const HIDEABLE = ['presets', 'data', 'features', 'network', 'optimizer', 'run', 'loss', 'metrics', 'view', 'diagram', 'share', 'tune'];
/** What a goal may test. */
export const GOAL_METRICS = ['loss', 'test_loss', 'accuracy', 'test_accuracy', 'r2', 'test_r2', 'epoch'];

/** Each optimizer's own hyper-parameters: config key, URL key, range. */
export const HYPER_KEYS = {
  momentum: { url: 'mom', min: 0, max: 1 },
  rho: { url: 'rho', min: 0, max: 1 },
  epsilon: { url: 'eps', min: 0, max: 1 },
  beta1: { url: 'b1', min: 0, max: 1 },
  beta2: { url: 'b2', min: 0, max: 1 },
  initialAccumulatorValue: { url: 'iav', min: 1e-12, max: 100 },
  centered: { url: 'centered', bool: true },
};

const num = (v) => String(Number.isInteger(v) ? v : Number(v.toPrecision(9)));

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
  return q;
}

class Reader {
  constructor(q) {
    this.q = q;
    this.errors = [];
  }

  /** The parameter's text, or undefined when absent. */
  text(key) {
    const v = this.q.get(key);
    return v === null ? undefined : v;
  }

  fail(key, message) {
    this.errors.push(`URL parameter ${key}: ${message}`);
  }

  number(key, min, max, { integer = false, exclusiveMin = false } = {}) {
    const t = this.text(key);
    if (t === undefined) return undefined;
    const v = Number(t);
    const ok = t.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && v <= max && (exclusiveMin ? v > min : v >= min);
    if (!ok) {
      this.fail(key, `${JSON.stringify(t)} is not ${integer ? 'an integer' : 'a number'} in ${exclusiveMin ? '(' : '['}${min}, ${max}]`);
      return undefined;
    }
    return v;
  }

  oneOf(key, allowed) {
    const t = this.text(key);
    if (t === undefined) return undefined;
    if (!allowed.includes(t)) {
      this.fail(key, `${JSON.stringify(t)} is not one of ${allowed.join(', ')}`);
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
      this.fail(key, `${bad.map((b) => JSON.stringify(b)).join(', ')} not among ${allowed.join(', ')}`);
      return undefined;
    }
    return items;
  }
}

/**
 * A configuration from URL parameters over defaults: {config, errors}. A
 * parameter that cannot be read is left at its default and named in errors.
 */
export function decodeConfig(search, defaults) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const r = new Reader(q);
  const config = JSON.parse(JSON.stringify(defaults));
  const set = (key, value) => { if (value !== undefined) config[key] = value; };
  const v = r.text('v');
  if (v !== undefined && v !== '1') r.fail('v', `version ${JSON.stringify(v)} is not one this page reads (1)`);
  set('dataset', r.oneOf('d', DATASET_NAMES));
  const target = r.text('target');
  if (target !== undefined) config.target = target;
  set('task', r.oneOf('task', ['auto', 'classification', 'regression']));
  set('noise', r.number('noise', 0, 1));
  set('samples', r.number('n', 20, 2000, { integer: true }));
  set('testRatio', r.number('test', 0, 0.9));
  set('dataSeed', r.number('dseed', 0, 4294967295, { integer: true }));
  const features = r.list('f', FEATURE_IDS);
  if (features !== undefined) {
    if (features.length === 0) r.fail('f', 'at least one input feature is needed');
    else config.features = FEATURE_IDS.filter((id) => features.includes(id));
  }
  const h = r.text('h');
  if (h !== undefined) {
    const layers = [];
    let ok = true;
    for (const item of h === '' || h === 'none' ? [] : h.split(',')) {
      const m = /^(\d+):([a-z_]+)$/.exec(item);
      const units = m ? Number(m[1]) : NaN;
      if (!m || units < 1 || units > 256 || !ACTIVATION_NAMES.includes(m[2])) {
        r.fail('h', `${JSON.stringify(item)} is not units:activation with units in [1, 256] and activation one of ${ACTIVATION_NAMES.join(', ')}`);
        ok = false;
        break;
      }
      layers.push({ units, activation: m[2] });
    }
    if (ok && layers.length > 8) {
      r.fail('h', `${layers.length} hidden layers: at most 8`);
      ok = false;
    }
    if (ok) config.layers = layers;
  }
  set('output', r.oneOf('out', OUTPUT_KEYS));
  set('init', r.oneOf('init', INIT_NAMES));
  set('l1', r.number('l1', 0, 1));
  set('l2', r.number('l2', 0, 1));
  set('seed', r.number('seed', 0, 4294967295, { integer: true }));
  const opt = r.oneOf('opt', OPTIMIZER_NAMES);
  if (opt !== undefined && opt !== config.optimizer.name) config.optimizer = { name: opt };
  const lr = r.number('lr', 0, 10, { exclusiveMin: true });
  if (lr !== undefined) config.optimizer.learningRate = lr;
  for (const [key, spec] of Object.entries(HYPER_KEYS)) {
    if (spec.bool) {
      const b = r.oneOf(spec.url, ['0', '1']);
      if (b !== undefined) config.optimizer[key] = b === '1';
    } else {
      const x = r.number(spec.url, spec.min, spec.max);
      if (x !== undefined) config.optimizer[key] = x;
    }
  }
  set('batchSize', r.number('batch', 1, 100000, { integer: true }));
  set('epochs', r.number('epochs', 1, 1000000, { integer: true }));
  const es = r.number('es', 0, 100000, { integer: true });
  if (es !== undefined) {
    config.earlyStopping = es > 0;
    if (es > 0) config.patience = es;
  }
  const add = r.text('add');
  if (add !== undefined) {
    const points = [];
    for (const item of add === '' ? [] : add.split(';')) {
      const parts = item.split(':').map(Number);
      if (parts.length !== 3 || !parts.every(Number.isFinite) || Math.abs(parts[0]) > 100 || Math.abs(parts[1]) > 100 || ![0, 1].includes(parts[2])) {
        r.fail('add', `${JSON.stringify(item)} is not a:b:class with |a|, |b| <= 100 and class 0 or 1`);
        points.length = 0;
        break;
      }
      points.push(parts);
    }
    if (points.length > 1000) r.fail('add', 'at most 1000 added points');
    else config.added = points;
  }
  const rm = r.text('rm');
  if (rm !== undefined) {
    const rows = rm === '' ? [] : rm.split(',').map(Number);
    if (!rows.every((x) => Number.isInteger(x) && x >= 0 && x < 100000)) r.fail('rm', `${JSON.stringify(rm)} is not a list of row numbers`);
    else config.removed = [...new Set(rows)].sort((a, b) => a - b);
  }
  return { config, errors: r.errors };
}

/** The embed options: {embed, hide, lock, autoplay, goals, errors}. */
export function decodeEmbed(search) {
  const q = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const r = new Reader(q);
  const flag = (key) => r.oneOf(key, ['0', '1']) === '1';
  const out = {
    embed: flag('embed'),
    hide: r.list('hide', HIDEABLE) || [],
    lock: flag('lock'),
    autoplay: flag('autoplay'),
    goals: [],
  };
  for (const g of q.getAll('goal')) {
    const goal = parseGoal(g);
    if (typeof goal === 'string') r.fail('goal', goal);
    else out.goals.push(goal);
  }
  out.errors = r.errors;
  return out;
}

/** "test_loss<0.1" -> {metric, op, value, text}; a string saying what is wrong otherwise. */
export function parseGoal(text) {
  const m = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?[0-9.]+(?:e-?\d+)?)\s*$/i.exec(text);
  if (!m) return `${JSON.stringify(text)} is not metric<value or metric>value (e.g. test_loss<0.1)`;
  const metric = m[1].toLowerCase();
  if (!GOAL_METRICS.includes(metric)) return `${JSON.stringify(metric)} is not one of ${GOAL_METRICS.join(', ')}`;
  const value = Number(m[3]);
  if (!Number.isFinite(value)) return `${JSON.stringify(m[3])} is not a number`;
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
export function encodeEmbed({ hide = [], lock = false, autoplay = false, goals = [] }) {
  const q = new URLSearchParams();
  q.set('embed', '1');
  if (hide.length) q.set('hide', hide.join(','));
  if (lock) q.set('lock', '1');
  if (autoplay) q.set('autoplay', '1');
  for (const g of goals) q.append('goal', typeof g === 'string' ? g : g.text);
  return q;
}
