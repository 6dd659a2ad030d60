// urlstate.test.mjs - the page's configuration as URL parameters: every
// setting survives the round trip; a value that cannot be used (out of
// range, unknown, refused by descent, another optimizer's) is named with the
// default used instead while the rest of the link applies; goals parse and
// fire as written.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PACES, decodeConfig, decodeEmbed, decodeView, encodeConfig, encodeEmbed, encodeView, goalMet, parseGoal,
} from '../../web/js/urlstate.mjs';
import { readTableFromLink } from '../../web/js/tablelink.mjs';

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

it('a parameter that cannot be used is named, with its value, why, and the default used instead', () => {
  const { config, errors } = decodeConfig('?d=moons&lr=0&n=5&h=8:relu,x&f=&batch=2.5&add=1:2:3&v=9', DEFAULTS);
  assert.deepEqual(errors, [
    'URL parameter v: version "9" is not one this page reads (1); read as version 1',
    'URL parameter d: "moons" is not one of circle, xor, gaussian, spiral, plane, multigauss, linear4, line, curve, iris, breast_cancer, diabetes, digits; using the default: circle',
    'URL parameter n: "5" is not an integer in [20, 2000]; using the default: 400',
    'URL parameter f: at least one input feature is needed; using the default: x1,x2',
    'URL parameter h: "x" is not units:activation with units in [1, 256] and activation one of linear, relu, leaky_relu, sigmoid, tanh; using the default: 16:relu',
    'URL parameter lr: "0" is not a number in (0, 10]; using the default: 0.003',
    'URL parameter batch: "2.5" is not an integer in [1, 100000]; using the default: 10',
    'URL parameter add: "1:2:3" is not a:b:class with |a|, |b| <= 100 and class 0 or 1; no points added',
  ]);
  assert.deepEqual(config, DEFAULTS);
});

it('the rest of the link applies around a value that cannot be used', () => {
  const nine = Array(9).fill('4:relu').join(',');
  const { config, errors } = decodeConfig(`?d=xor&h=${nine}&opt=sgd&lr=0.05&seed=9&batch=32&out=bogus`, DEFAULTS);
  assert.deepEqual(errors, [
    'URL parameter h: 9 hidden layers: at most 8; using the default: 16:relu',
    'URL parameter out: "bogus" is not one of auto, sigmoid-bce, sigmoid-mse, tanh-mse, linear-mse, softmax-cce; using the default: auto',
  ]);
  assert.deepEqual(config, { ...DEFAULTS, dataset: 'xor', optimizer: { name: 'sgd', learningRate: 0.05 }, seed: 9, batchSize: 32 });
  // With no layers at all as the default, the notice says so.
  assert.deepEqual(decodeConfig('?h=0:relu', { ...DEFAULTS, layers: [] }).errors.map((e) => e.split('; ')[1]), ['using the default: none']);
});

it("optimizer settings in the ranges descent accepts, as float32, and only the chosen optimizer's", () => {
  const refused = (query) => decodeConfig(query, DEFAULTS).errors;
  // momentum, rho and the betas in [0, 1); epsilon and the initial accumulator > 0 (descent refuses the others at createModel).
  assert.deepEqual(refused('?opt=momentum&mom=1'), ['URL parameter mom: "1" is not a number in [0, 1); using the default: 0.9']);
  assert.deepEqual(refused('?opt=rmsprop&rho=1&eps=0'), [
    'URL parameter rho: "1" is not a number in [0, 1); using the default: 0.9',
    'URL parameter eps: "0" is not a number in (0, 1]; using the default: 1e-7',
  ]);
  assert.deepEqual(refused('?b1=1&b2=1'), [
    'URL parameter b1: "1" is not a number in [0, 1); using the default: 0.9',
    'URL parameter b2: "1" is not a number in [0, 1); using the default: 0.999',
  ]);
  assert.deepEqual(refused('?opt=adagrad&iav=0'), ['URL parameter iav: "0" is not a number in (0, 100]; using the default: 0.1']);
  // In range as a double, not as the float32 descent keeps: 0 and 1.
  assert.deepEqual(refused('?lr=1e-50&b2=0.99999999'), [
    'URL parameter lr: "1e-50" is not a number in (0, 10]; using the default: 0.003',
    'URL parameter b2: "0.99999999" is not a number in [0, 1); using the default: 0.999',
  ]);
  assert.deepEqual(refused('?opt=momentum&mom=0.999999&lr=1e-30'), []);
  // Another optimizer: its defaults, then the link's values; another optimizer's settings are ignored, named.
  const { config, errors } = decodeConfig('?opt=rmsprop&lr=0.02&centered=1&b1=0.5&mom=x', DEFAULTS);
  assert.deepEqual(config.optimizer, { name: 'rmsprop', learningRate: 0.02, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true });
  assert.deepEqual(errors, [
    'URL parameter mom: "x" is not a number in [0, 1); using the default: 0',
    'URL parameter b1: rmsprop has no beta1; ignored',
  ]);
  assert.deepEqual(decodeConfig('?opt=nesterov', DEFAULTS).config.optimizer, { name: 'nesterov', learningRate: 0.01, momentum: 0.9 });
  assert.deepEqual(refused('?opt=sgd&eps=x'), ['URL parameter eps: "x" is not a number in (0, 1]; ignored (sgd has no epsilon)']);
});

it("a target and task: kept for a table (the page checks them against its columns), ignored for a generated set", () => {
  const table = decodeConfig('?d=iris&target=bogus&task=classification', DEFAULTS);
  assert.deepEqual([table.config.target, table.config.task, table.errors], ['bogus', 'classification', []]);
  const generated = decodeConfig('?d=spiral&target=y&task=regression', DEFAULTS);
  assert.deepEqual([generated.config.target, generated.config.task], [null, 'auto']);
  assert.deepEqual(generated.errors, [
    'URL parameter target: "y": spiral has no target column to choose; ignored',
    'URL parameter task: "regression": spiral\'s task is fixed; ignored',
  ]);
  assert.deepEqual(decodeConfig('?d=iris&task=sideways', DEFAULTS).errors,
    ['URL parameter task: "sideways" is not one of auto, classification, regression; using the default: auto']);
});

it("a table's target and task from a link: what the table refuses falls back, task first, named with why and the default", async () => {
  /** A table with columns a, b, label (text): label is the default target; regression on text is refused. */
  class Refusal extends Error {}
  const tried = [];
  const load = async (target, task) => {
    tried.push(`${target}/${task}`);
    if (target !== null && !['a', 'b', 'label'].includes(target)) throw new Refusal(`t.csv: unknown target column '${target}'`);
    if ((target === null || target === 'label') && task === 'regression') throw new Refusal('t.csv: line 2: text, and the task is regression');
  };
  const options = { isRefusal: (e) => e instanceof Refusal, used: (key) => (key === 'target' ? 'label' : 'auto') };
  const read = (target, task) => { tried.length = 0; return readTableFromLink({ target, task }, load, options); };

  assert.deepEqual(await read('b', 'regression'), { target: 'b', task: 'regression', notices: [] });
  assert.deepEqual(tried, ['b/regression']);
  assert.deepEqual(await read('zz', 'classification'), {
    target: null, task: 'classification',
    notices: ['URL parameter target: "zz": t.csv: unknown target column \'zz\'; using the default: label'],
  });
  assert.deepEqual(tried, ['zz/classification', 'zz/auto', 'null/classification']);
  assert.deepEqual(await read(null, 'regression'), {
    target: null, task: 'auto', notices: ['URL parameter task: "regression": t.csv: line 2: text, and the task is regression; using the default: auto'],
  });
  assert.deepEqual((await read('zz', 'regression')).notices.map((n) => n.split(':')[0]), ['URL parameter target', 'URL parameter task']);
  assert.deepEqual(tried, ['zz/regression', 'zz/auto', 'null/regression', 'null/auto']);
  // Nothing of the link to give up, or a failure that is not a refusal: thrown as it came.
  await assert.rejects(readTableFromLink({ target: null, task: 'auto' }, async () => { throw new Refusal('no rows'); }, options), /no rows/);
  await assert.rejects(readTableFromLink({ target: 'zz', task: 'auto' }, async () => { throw new TypeError('network'); }, options), TypeError);
  // Even the defaults refused: the first refusal.
  await assert.rejects(readTableFromLink({ target: 'zz', task: 'auto' }, async (t) => { throw new Refusal(`refused ${t}`); }, options), /refused zz/);
});

it('a long or many-valued parameter is quoted cut short, so a link cannot flood the page', () => {
  const long = 'x'.repeat(10000);
  const [d] = decodeConfig(`?d=${long}`, DEFAULTS).errors;
  assert.ok(d.length < 300, `${d.length} characters`);
  assert.match(d, /^URL parameter d: "x{60}…" is not one of/);
  const [f] = decodeConfig(`?f=${Array(50).fill('zz').join(',')}`, DEFAULTS).errors;
  assert.match(f, /^URL parameter f: "zz", "zz", "zz", "zz", "zz" and 45 more not among x1, /);
});

it('embed options and goals', () => {
  const q = encodeEmbed({ hide: ['data', 'share'], lock: true, autoplay: true, goals: ['test_loss<0.1', 'epoch>=5'], origin: 'https://course.example', pace: 5 });
  const e = decodeEmbed(q);
  assert.deepEqual({ ...e, goals: e.goals.map((g) => g.text) },
    { embed: true, hide: ['data', 'share'], lock: true, autoplay: true, goals: ['test_loss<0.1', 'epoch>=5'], origin: 'https://course.example', pace: 5, errors: [] });
  assert.equal(decodeEmbed('?pace=max').pace, 'max');
  assert.equal(decodeEmbed('?embed=1').pace, null);
  assert.deepEqual(decodeEmbed('?pace=7').errors, [`URL parameter pace: "7" is not one of ${PACES.join(', ')}; using the default`]);
  assert.equal(decodeEmbed('?embed=1').origin, null);
  assert.deepEqual(decodeEmbed('?embed=1&origin=https://course.example/lesson').errors, [
    'URL parameter origin: "https://course.example/lesson" is not an origin as a browser writes it (https://course.example); events go to any origin and no command is taken',
  ]);
  assert.deepEqual(decodeEmbed('?embed=1&hide=data,legs&goal=loss<<1&lock=yes').errors, [
    'URL parameter hide: "legs" not among presets, data, features, network, optimizer, run, loss, metrics, view, diagram, gradients, share, tune, text; nothing hidden',
    'URL parameter lock: "yes" is not one of 0, 1; using the default: 0',
    'URL parameter goal: "loss<<1" is not metric<value or metric>value (e.g. test_loss<0.1); this goal is ignored',
  ]);
  // hide=text: every panel's explanation hidden, embedded or not; it round-trips.
  assert.deepEqual(decodeEmbed('?hide=text').hide, ['text']);
  assert.deepEqual(decodeEmbed('?hide=text').errors, []);
  assert.deepEqual(decodeEmbed(encodeEmbed({ hide: ['text', 'tune'], lock: true })).hide, ['text', 'tune']);
  assert.equal(encodeEmbed({ hide: ['text'] }).get('hide'), 'text');
  assert.match(parseGoal('speed>1'), /"speed" is not one of loss, test_loss/);
  const g = parseGoal(' test_accuracy >= 0.9 ');
  assert.equal(g.text, 'test_accuracy>=0.9');
  assert.equal(goalMet(g, { test_accuracy: 0.9 }), true);
  assert.equal(goalMet(g, { test_accuracy: 0.89 }), false);
  assert.equal(goalMet(g, { test_accuracy: null }), false);
  assert.equal(goalMet(parseGoal('test_loss<0.1'), { test_loss: NaN }), false);
});

it('keeps the view\'s test-data toggle (showtest), and names a bad one', () => {
  const withToggle = { ...structuredClone(DEFAULTS), showTest: true };
  for (const showTest of [true, false]) {
    const q = encodeConfig({ ...withToggle, showTest });
    assert.equal(q.get('showtest'), showTest ? '1' : '0');
    assert.equal(decodeConfig(q.toString(), withToggle).config.showTest, showTest);
  }
  const bad = decodeConfig('?showtest=yes', withToggle);
  assert.equal(bad.config.showTest, true);
  assert.deepEqual(bad.errors, ['URL parameter showtest: "yes" is not one of 0, 1; using the default: true']);
});

it('the view a link opens: view=race round-trips; another value is named, none opened', () => {
  assert.deepEqual(decodeView(encodeView('race')), { view: 'race', errors: [] });
  assert.equal(encodeView(null).toString(), '');
  assert.deepEqual(decodeView('?d=circle'), { view: null, errors: [] });
  assert.deepEqual(decodeView('?view=tune'), { view: null, errors: ['URL parameter view: "tune" is not one of race; no view opened'] });
  // The configuration's decoder is not disturbed by it.
  assert.deepEqual(decodeConfig('?view=race', DEFAULTS).errors, []);
});
