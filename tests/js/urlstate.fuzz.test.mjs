// urlstate.fuzz.test.mjs - property tests of the page's URL-state decoder
// over random and hostile query strings (fast-check): decoding never throws,
// always yields a configuration the page can run (every field of the right
// type and within its documented range, unusable values back at the
// defaults and named), and a valid configuration survives encode then decode.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACTIVATION_NAMES, DATASET_NAMES, TABLE_NAMES, FEATURE_IDS, GOAL_METRICS, HIDEABLE, HYPER_KEYS, INIT_NAMES, OPTIMIZER_NAMES,
  OUTPUT_KEYS, decodeConfig, decodeEmbed, encodeConfig,
} from '../../web/js/urlstate.mjs';

// A fixed seed keeps the suite repeatable; DESCENT_FUZZ_SEED and _RUNS explore further.
const RUNS = Number(process.env.DESCENT_FUZZ_RUNS || 3000);
const SEED = Number(process.env.DESCENT_FUZZ_SEED || 14);

// As the page's (web/js/app.mjs cannot be imported outside a browser).
const DEFAULTS = Object.freeze({
  dataset: 'circle', noise: 0.1, samples: 400, testRatio: 0.5, dataSeed: 1, features: ['x1', 'x2'],
  layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }], output: 'auto',
  init: 'glorot_uniform', l1: 0, l2: 0, seed: 1,
  optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  batchSize: 10, epochs: 1000, earlyStopping: false, patience: 50, target: null, task: 'auto', added: [], removed: [],
});

// Each optimizer's own settings, as the page keeps them.
const OPTIMIZER_KEYS = {
  sgd: [], momentum: ['momentum'], nesterov: ['momentum'], adagrad: ['initialAccumulatorValue'],
  rmsprop: ['rho', 'momentum', 'epsilon', 'centered'], adam: ['beta1', 'beta2', 'epsilon'],
};
const inRange = (v, min, max) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
// Compared as a link carries them: plain objects, numbers to 9 significant digits (-0 as 0).
const plain = (v) => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'number' ? Number(x.toPrecision(9)) : x)));
const intIn = (v, min, max) => Number.isInteger(v) && v >= min && v <= max;

// What the core accepts (core/optimizer.c, the CLI's --help) besides the
// page's own ranges (HYPER_KEYS): a link must never give a value the core
// refuses, or the page could not build the model.
const CORE_OPEN_AT = { momentum: 'max', rho: 'max', beta1: 'max', beta2: 'max', epsilon: 'min', initialAccumulatorValue: 'min' };
const hyperOk = (key, v) => {
  const { min, max } = HYPER_KEYS[key];
  // The core takes these as float32: an open bound holds after rounding to float32.
  const f = Math.fround(v);
  return inRange(v, min, max) && !(CORE_OPEN_AT[key] === 'max' && f >= 1) && !(CORE_OPEN_AT[key] === 'min' && f <= 0);
};
const URL_KEYS = ['v', 'd', 'target', 'task', 'noise', 'n', 'test', 'dseed', 'f', 'h', 'out', 'init', 'l1', 'l2',
  'seed', 'opt', 'lr', ...Object.values(HYPER_KEYS).map((s) => s.url), 'batch', 'epochs', 'es', 'add', 'rm'];

/** Every field the page reads, with its type and range; the failures as text. */
function problems(c) {
  const bad = [];
  const need = (ok, what) => { if (!ok) bad.push(`${what}: ${JSON.stringify(c[what.split(/[.[]/)[0]])}`); };
  need(DATASET_NAMES.includes(c.dataset), 'dataset');
  need(c.target === null || typeof c.target === 'string', 'target');
  need(['auto', 'classification', 'regression'].includes(c.task), 'task');
  need(inRange(c.noise, 0, 1), 'noise');
  need(intIn(c.samples, 20, 2000), 'samples');
  need(inRange(c.testRatio, 0, 0.9), 'testRatio');
  need(intIn(c.dataSeed, 0, 4294967295), 'dataSeed');
  need(Array.isArray(c.features) && c.features.length > 0 && c.features.every((f) => FEATURE_IDS.includes(f)) &&
    new Set(c.features).size === c.features.length, 'features');
  need(Array.isArray(c.layers) && c.layers.length <= 8 &&
    c.layers.every((l) => intIn(l.units, 1, 256) && ACTIVATION_NAMES.includes(l.activation)), 'layers');
  need(OUTPUT_KEYS.includes(c.output), 'output');
  need(INIT_NAMES.includes(c.init), 'init');
  need(inRange(c.l1, 0, 1), 'l1');
  need(inRange(c.l2, 0, 1), 'l2');
  need(intIn(c.seed, 0, 4294967295), 'seed');
  const o = c.optimizer;
  need(o && OPTIMIZER_NAMES.includes(o.name), 'optimizer.name');
  need(o && typeof o.learningRate === 'number' && o.learningRate > 0 && o.learningRate <= 10, 'optimizer.learningRate');
  for (const [key, spec] of Object.entries(HYPER_KEYS)) {
    if (!o || o[key] === undefined) continue;
    need(spec.bool ? typeof o[key] === 'boolean' : hyperOk(key, o[key]), `optimizer.${key}`);
  }
  need(intIn(c.batchSize, 1, 100000), 'batchSize');
  need(intIn(c.epochs, 1, 1000000), 'epochs');
  need(typeof c.earlyStopping === 'boolean', 'earlyStopping');
  need(intIn(c.patience, 1, 100000), 'patience');
  need(Array.isArray(c.added) && c.added.length <= 1000 && c.added.every((p) => Array.isArray(p) && p.length === 3 &&
    inRange(p[0], -100, 100) && inRange(p[1], -100, 100) && (p[2] === 0 || p[2] === 1)), 'added');
  need(Array.isArray(c.removed) && c.removed.every((r, i) => intIn(r, 0, 99999) && (i === 0 || r > c.removed[i - 1])),
    'removed');
  return bad;
}

// Values that are nearly right, plainly wrong, or hostile.
const number = fc.oneof(fc.integer({ min: -10, max: 300000 }).map(String), fc.double().map(String),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x10', '1e-400', ' 1', '1 ', '', '+5', '.5', '5.'));
const word = fc.oneof(fc.constantFrom(...DATASET_NAMES, ...ACTIVATION_NAMES, ...OPTIMIZER_NAMES, ...OUTPUT_KEYS,
  ...INIT_NAMES, ...FEATURE_IDS, 'none', 'auto', 'classification', 'regression', '__proto__', 'constructor'),
fc.string({ maxLength: 12 }));
const list = (sep, item) => fc.array(item, { maxLength: 10 }).map((a) => a.join(sep));
const layer = fc.tuple(number, word).map(([u, a]) => `${u}:${a}`);
const point = fc.tuple(number, number, number).map((p) => p.join(':'));
const value = fc.oneof(number, word, list(',', word), list(',', layer), list(';', point), list(',', number),
  fc.string({ maxLength: 40, unit: 'binary' }));
const query = fc.oneof(
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...URL_KEYS), fc.string({ maxLength: 6 })), value), { maxLength: 30 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc.array(fc.tuple(fc.constantFrom(...URL_KEYS), fc.string({ maxLength: 20, unit: 'binary' })), { maxLength: 20 })
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

// Links once found unusable, tried first: an optimizer without its learning
// rate, and optimizer settings the core refuses (momentum, rho, beta1, beta2
// must be < 1, epsilon > 0).
const FOUND = ['opt=sgd', 'opt=adagrad&lr=0.1', 'mom=1', 'rho=1', 'b1=1', 'b2=1', 'eps=0', 'eps=1e-400', 'mom=1+'];

it('decodeConfig never throws and always gives a configuration within every range', () => {
  fc.assert(fc.property(query, (search) => {
    const { config, errors } = decodeConfig(search, DEFAULTS);
    assert.ok(Array.isArray(errors) && errors.every((e) => typeof e === 'string'));
    assert.deepEqual(problems(config), [], `from ${JSON.stringify(search)}`);
  }), { numRuns: RUNS, seed: SEED, examples: FOUND.map((q) => [q]) });
});

it('a decoded configuration encodes and decodes to itself', () => {
  fc.assert(fc.property(query, (search) => {
    const { config } = decodeConfig(search, DEFAULTS);
    const again = decodeConfig(encodeConfig(config).toString(), DEFAULTS);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(plain(again.config), plain(config));
  }), { numRuns: RUNS, seed: SEED });
});

// Numbers as a link writes them: 9 significant digits.
const nine = (arb) => arb.map((v) => Number(v.toPrecision(9)));
const real = (min, max) => nine(fc.double({ min, max, noNaN: true })).map((v) => (Object.is(v, -0) ? 0 : v));
const optimizer = fc.constantFrom(...OPTIMIZER_NAMES).chain((name) => {
  const fields = { name: fc.constant(name), learningRate: real(1e-6, 10).filter((v) => v > 0) };
  for (const key of OPTIMIZER_KEYS[name]) {
    const spec = HYPER_KEYS[key];
    fields[key] = spec.bool ? fc.boolean() : real(spec.min, spec.max).filter((v) => hyperOk(key, v));
  }
  return fc.record(fields);
});
const validConfig = fc.record({
  dataset: fc.constantFrom(...DATASET_NAMES),
  target: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  task: fc.constantFrom('auto', 'classification', 'regression'),
  noise: real(0, 1),
  samples: fc.integer({ min: 20, max: 2000 }),
  testRatio: real(0, 0.9),
  dataSeed: fc.integer({ min: 0, max: 4294967295 }),
  features: fc.subarray(FEATURE_IDS, { minLength: 1 }),
  layers: fc.array(fc.record({ units: fc.integer({ min: 1, max: 256 }), activation: fc.constantFrom(...ACTIVATION_NAMES) }),
    { maxLength: 8 }),
  output: fc.constantFrom(...OUTPUT_KEYS),
  init: fc.constantFrom(...INIT_NAMES),
  l1: real(0, 1),
  l2: real(0, 1),
  seed: fc.integer({ min: 0, max: 4294967295 }),
  optimizer,
  batchSize: fc.integer({ min: 1, max: 100000 }),
  epochs: fc.integer({ min: 1, max: 1000000 }),
  patience: fc.option(fc.integer({ min: 1, max: 100000 }), { nil: null }),
  added: fc.array(fc.tuple(real(-100, 100), real(-100, 100), fc.constantFrom(0, 1)), { maxLength: 20 }),
  removed: fc.uniqueArray(fc.integer({ min: 0, max: 99999 }), { maxLength: 20 }).map((r) => r.sort((a, b) => a - b)),
}).map(({ patience, ...c }) => ({
  ...c, earlyStopping: patience !== null, patience: patience === null ? DEFAULTS.patience : patience,
  // Only the tables have a target column and a task to choose.
  ...(TABLE_NAMES.includes(c.dataset) ? {} : { target: null, task: 'auto' }),
}));

it('every valid configuration survives encode then decode exactly', () => {
  fc.assert(fc.property(validConfig, (config) => {
    assert.deepEqual(problems(config), []);
    const { config: back, errors } = decodeConfig(encodeConfig(config).toString(), DEFAULTS);
    assert.deepEqual(errors, []);
    assert.deepEqual(plain(back), plain(config));
  }), { numRuns: RUNS, seed: SEED });
});

it('decodeEmbed never throws and gives only known panels and well-formed goals', () => {
  const embedQuery = fc.oneof(query, fc.array(fc.tuple(fc.constantFrom('embed', 'hide', 'lock', 'autoplay', 'goal'),
    fc.oneof(value, fc.tuple(fc.constantFrom(...GOAL_METRICS, 'LOSS', 'speed'), fc.constantFrom('<', '<=', '>', '>=', '=<', '<<'),
      number).map((g) => g.join('')), list(',', fc.constantFrom(...HIDEABLE, 'legs')))), { maxLength: 12 })
    .map((pairs) => new URLSearchParams(pairs).toString()));
  fc.assert(fc.property(embedQuery, (search) => {
    const e = decodeEmbed(search);
    for (const key of ['embed', 'lock', 'autoplay']) assert.equal(typeof e[key], 'boolean');
    assert.ok(e.hide.every((h) => HIDEABLE.includes(h)));
    for (const g of e.goals) {
      assert.ok(GOAL_METRICS.includes(g.metric) && ['<', '<=', '>', '>='].includes(g.op) && Number.isFinite(g.value));
    }
    assert.ok(e.errors.every((m) => typeof m === 'string'));
  }), { numRuns: RUNS, seed: SEED });
});
