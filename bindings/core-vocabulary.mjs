// core-vocabulary.mjs - what the JavaScript side learns from the core at
// load instead of keeping copies (exports_vocabulary.c): every vocabulary in
// the core's order, the limits, each optimizer's defaults, which parameters
// it uses and their ranges, which metrics are better higher, and the layout
// of each struct that crosses the boundary as doubles (bindings/fields.h).
// make-vocabulary.mjs writes the same object to vocabulary.mjs at build time,
// for a page that needs the names without loading the module.

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
 * The vocabulary of module M: {vocabularies: {activation: [...], initializer,
 * loss, optimizer, optimizerParameter, task, output, generator, parameter,
 * metric, limit, inputScale}, limits: {units, layers, ..., bytes},
 * optimizers: {sgd: {defaults, uses, ...}}, optimizerRanges, higherIsBetter,
 * fields: {optimizer: {at: {name: index}, size}, ...}}.
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
  const params = vocabularies.optimizerParameter;
  const optimizerRanges = {};
  params.forEach((p, i) => { optimizerRanges[jsName(p)] = str(M._dj_range_text(i)); });
  const optimizers = {};
  const size = fields.optimizer.size;
  const buf = M._malloc(size * 8);
  try {
    vocabularies.optimizer.forEach((name, kind) => {
      M._dj_optimizer_defaults(kind, buf);
      const v = M.HEAPF64.slice(buf >> 3, (buf >> 3) + size);
      optimizers[name] = {
        defaults: unpackOptimizer(v, fields.optimizer, vocabularies.optimizer),
        uses: params.filter((_, p) => M._dj_optimizer_uses(kind, p)).map(jsName),
      };
    });
  } finally {
    M._free(buf);
  }
  const higherIsBetter = vocabularies.metric.filter((_, i) => M._dj_metric_higher_is_better(i));
  return { vocabularies, limits, optimizers, optimizerRanges, higherIsBetter, fields };
}

/** An optimizer spec from its doubles (fields.optimizer), as the API shows it. */
export function unpackOptimizer(v, table, names) {
  const out = { name: names[v[table.at.kind]] };
  for (const [c, i] of Object.entries(table.at)) {
    if (c !== 'kind') out[jsName(c)] = c === 'centered' ? v[i] !== 0 : v[i];
  }
  return out;
}

/** Freezes value and everything in it. */
export function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
