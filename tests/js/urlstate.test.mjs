// urlstate.test.mjs - the page's configuration as URL parameters: every
// setting survives the round trip, bad parameters are named and left at the
// defaults, and goals parse and fire as written.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConfig, decodeEmbed, encodeConfig, encodeEmbed, goalMet, parseGoal } from '../../web/js/urlstate.mjs';

const DEFAULTS = {
  dataset: 'circle', noise: 0.1, samples: 400, testRatio: 0.5, dataSeed: 1, features: ['x1', 'x2'],
  layers: [{ units: 16, activation: 'relu' }], output: 'auto', init: 'glorot_uniform', l1: 0, l2: 0, seed: 1,
  optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  batchSize: 10, epochs: 1000, earlyStopping: false, patience: 50, target: null, task: 'auto', added: [], removed: [],
};

it('every setting survives encode then decode', () => {
  const config = {
    ...structuredClone(DEFAULTS), dataset: 'xor', noise: 0.35, samples: 730, testRatio: 0.3, dataSeed: 4000000000,
    features: ['x1', 'x1x2', 'sin2'], layers: [{ units: 256, activation: 'leaky_relu' }, { units: 3, activation: 'tanh' }],
    output: 'tanh-mse', init: 'he_normal', l1: 0.001, l2: 3e-5, seed: 77,
    optimizer: { name: 'rmsprop', learningRate: 0.0123, rho: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true },
    batchSize: 1, epochs: 25, earlyStopping: true, patience: 7, added: [[1.5, -2.25, 1], [0, 0, 0]], removed: [3, 17],
  };
  const { config: back, errors } = decodeConfig(encodeConfig(config).toString(), DEFAULTS);
  assert.deepEqual(errors, []);
  assert.deepEqual(back, config);
  const none = decodeConfig(encodeConfig({ ...DEFAULTS, layers: [] }), DEFAULTS).config;
  assert.deepEqual(none.layers, []);
});

it('a parameter that cannot be read is named, with its range, and left at the default', () => {
  const { config, errors } = decodeConfig('?d=moons&lr=0&n=5&h=8:relu,x&f=&batch=2.5&add=1:2:3&v=9', DEFAULTS);
  assert.deepEqual(errors, [
    'URL parameter v: version "9" is not one this page reads (1)',
    'URL parameter d: "moons" is not one of circle, xor, gaussian, spiral, line, curve, plane, multigauss, linear4, iris, breast_cancer, diabetes, digits',
    'URL parameter n: "5" is not an integer in [20, 2000]',
    'URL parameter f: at least one input feature is needed',
    'URL parameter h: "x" is not units:activation with units in [1, 256] and activation one of relu, leaky_relu, tanh, sigmoid, linear',
    'URL parameter lr: "0" is not a number in (0, 10]',
    'URL parameter batch: "2.5" is not an integer in [1, 100000]',
    'URL parameter add: "1:2:3" is not a:b:class with |a|, |b| <= 100 and class 0 or 1',
  ]);
  assert.deepEqual(config, DEFAULTS);
});

it('embed options and goals', () => {
  const q = encodeEmbed({ hide: ['data', 'share'], lock: true, autoplay: true, goals: ['test_loss<0.1', 'epoch>=5'] });
  const e = decodeEmbed(q);
  assert.deepEqual({ ...e, goals: e.goals.map((g) => g.text) },
    { embed: true, hide: ['data', 'share'], lock: true, autoplay: true, goals: ['test_loss<0.1', 'epoch>=5'], errors: [] });
  assert.deepEqual(decodeEmbed('?embed=1&hide=data,legs&goal=loss<<1').errors, [
    'URL parameter hide: "legs" not among presets, data, features, network, optimizer, run, loss, metrics, view, diagram, share, tune',
    'URL parameter goal: "loss<<1" is not metric<value or metric>value (e.g. test_loss<0.1)',
  ]);
  assert.match(parseGoal('speed>1'), /"speed" is not one of loss, test_loss/);
  const g = parseGoal(' test_accuracy >= 0.9 ');
  assert.equal(g.text, 'test_accuracy>=0.9');
  assert.equal(goalMet(g, { test_accuracy: 0.9 }), true);
  assert.equal(goalMet(g, { test_accuracy: 0.89 }), false);
  assert.equal(goalMet(g, { test_accuracy: null }), false);
  assert.equal(goalMet(parseGoal('test_loss<0.1'), { test_loss: NaN }), false);
});
