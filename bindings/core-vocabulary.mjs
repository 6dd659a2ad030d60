// core-vocabulary.mjs - what the JavaScript side learns from the core at
// load instead of keeping copies (exports_vocabulary.c): every vocabulary in
// the core's order, the limits, each optimizer's defaults, which parameters
// it uses and their ranges, which metrics are better higher, and the layout
// of each struct that crosses the boundary as doubles (bindings/fields.h).
// packOptimizer and unpackOptimizer convert the optimizer spec by its field
// table. make-vocabulary.mjs writes the same object to vocabulary.mjs at
// build time, for a page that needs the names without loading the module.

import { bool, checkKeys, fail, num, oneOf } from './checks.mjs';

/** 'optimizer parameter' -> 'optimizerParameter', 'auto_classes' -> 'autoClasses'. */
export const camel = (s) => s.replace(/[ _]([a-z0-9])/g, (_, c) => c.toUpperCase());

// The C core names some parameters differently from the JS API; the rest are camelCase.
export const C_TO_JS_NAMES = [
  ['learning_rate', 'learningRate'], ['initial_accumulator', 'initialAccumulatorValue'],
  ['init_limit', 'initLimit'], ['batch_size', 'batchSize'], ['validation_split', 'validationSplit'],
  ['min_delta', 'minDelta'], ['test_fraction', 'testFraction'], ['val_x', 'validationData x'],
  ['val_y', 'validationData y'],
];
const JS_NAME = new Map(C_TO_JS_NAMES.slice(0, 2));
export const jsName = (c) => JS_NAME.get(c) ?? camel(c);

/**
 * The vocabulary of module M, as the API needs it at load: {vocabularies:
 * {activation: [...], initializer, loss, optimizer, optimizerParameter, task,
 * output, generator, parameter, metric, limit, inputScale}, limits: {units,
 * layers, ..., bytes}, optimizers: {sgd: {defaults}, ...}, fields: {optimizer:
 * {at: {name: index}, size}, ...}}. describeOptimizers adds the rest for
 * vocabulary.mjs.
 */
export function readVocabulary(M) {
  const str = (p) => (p ? M.UTF8ToString(p) : null);
  const vocabularies = {};
  for (let v = 0; ; v++) {
    const title = str(M._dj_vocabulary_title(v));
    if (title === null) break;
    const words = [];
    for (let i = 0, n = M._dj_vocabulary_size(v); i < n; i++) words.push(str(M._dj_vocabulary_word(v, i)));
    vocabularies[camel(title)] = words;
  }
  const limits = {};
  vocabularies.limit.forEach((name, i) => { limits[camel(name)] = M._dj_limit_value(i); });
  const fields = {};
  for (let t = 0; ; t++) {
    const name = str(M._dj_field_table(t));
    if (name === null) break;
    const at = {};
    let size = 0;
    for (let i = 0, n = M._dj_field_count(t); i < n; i++) {
      at[str(M._dj_field_name(t, i))] = size;
      size += M._dj_field_width(t, i);
    }
    fields[name] = { at, size };
  }
  const optimizers = {};
  const size = fields.optimizer.size;
  const buf = M._malloc(size * 8);
  try {
    vocabularies.optimizer.forEach((name, kind) => {
      M._dj_optimizer_defaults(kind, buf);
      const v = M.HEAPF64.slice(buf >> 3, (buf >> 3) + size);
      optimizers[name] = { defaults: unpackOptimizer(v, fields.optimizer, vocabularies.optimizer) };
    });
  } finally {
    M._free(buf);
  }
  return { vocabularies, limits, optimizers, fields };
}

/**
 * What a page shows besides (vocabulary.mjs has it; the API reads it only
 * there): v with each optimizer's uses (the parameters it reads), the
 * parameters' ranges as the core's messages say them, and the tuning metrics
 * where higher is better.
 */
export function describeOptimizers(M, v) {
  const params = v.vocabularies.optimizerParameter;
  const optimizers = {};
  v.vocabularies.optimizer.forEach((name, kind) => {
    optimizers[name] = { ...v.optimizers[name], uses: params.filter((_, p) => M._dj_optimizer_uses(kind, p)).map(jsName) };
  });
  const optimizerRanges = {};
  params.forEach((p, i) => { optimizerRanges[jsName(p)] = M.UTF8ToString(M._dj_range_text(i)); });
  const higherIsBetter = v.vocabularies.metric.filter((_, i) => M._dj_metric_higher_is_better(i));
  return { ...v, optimizers, optimizerRanges, higherIsBetter };
}

/** An optimizer spec from its doubles (fields.optimizer), as the API shows it. */
export function unpackOptimizer(v, table, names) {
  const out = { name: names[v[table.at.kind]] };
  for (const [c, i] of Object.entries(table.at)) {
    if (c !== 'kind') out[jsName(c)] = c === 'centered' ? v[i] !== 0 : v[i];
  }
  return out;
}

const OPTIMIZER_KEYS = ['name', 'learningRate', 'momentum', 'useNesterov', 'rho', 'epsilon', 'centered', 'beta1',
  'beta2', 'initialAccumulatorValue'];

/** The optimizer as the C ABI's doubles (fields.h): that optimizer's defaults, then the given fields. */
export function packOptimizer(where, config) {
  if (typeof config === 'string') config = { name: config };
  checkKeys(`${where}: optimizer`, config, OPTIMIZER_KEYS);
  const w = `${where}: optimizer`;
  let name = config.name;
  oneOf(w, 'name', name, V.vocabularies.optimizer);
  if (bool(w, 'useNesterov', config.useNesterov, false)) {
    if (name !== 'momentum' && name !== 'nesterov') throw fail(w, `useNesterov applies to 'momentum', not '${name}'`);
    name = 'nesterov';
  }
  const o = V.optimizers[name].defaults;
  return pack(V.fields.optimizer, {
    kind: V.vocabularies.optimizer.indexOf(name),
    learning_rate: num(w, 'learningRate', config.learningRate, o.learningRate),
    momentum: num(w, 'momentum', config.momentum, o.momentum),
    rho: num(w, 'rho', config.rho, o.rho),
    epsilon: num(w, 'epsilon', config.epsilon, o.epsilon),
    beta1: num(w, 'beta1', config.beta1, o.beta1),
    beta2: num(w, 'beta2', config.beta2, o.beta2),
    initial_accumulator: num(w, 'initialAccumulatorValue', config.initialAccumulatorValue, o.initialAccumulatorValue),
    centered: bool(w, 'centered', config.centered, o.centered) ? 1 : 0,
  });
}

/** Freezes value and everything in it. */
export function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The vocabulary of the first module loaded (every build of one version has the same); set by useVocabulary. */
export let V = null;

/** Reads (once) and freezes the vocabulary of module M; returns it. */
export function useVocabulary(M) {
  if (!V) V = deepFreeze(readVocabulary(M));
  return V;
}

/** values[name] for each field of table (fields.h) into a new Float64Array (a field wider than 1 takes an array); missing ones 0. */
export function pack(table, values) {
  const out = new Float64Array(table.size);
  for (const [name, i] of Object.entries(table.at)) {
    const v = values[name];
    if (typeof v === 'number') out[i] = v;
    else if (v) out.set(v, i);
  }
  return out;
}

/** The doubles of v as {name: value} by table (fields.h), each field's first. */
export function unpack(table, v) {
  const out = {};
  for (const [name, i] of Object.entries(table.at)) out[name] = v[i];
  return out;
}

/** unpack of the doubles at heap address p of module M. */
export function unpackAt(M, table, p) {
  return unpack(table, M.HEAPF64.subarray(p >> 3, (p >> 3) + table.size));
}
