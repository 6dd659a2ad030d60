// playground-link.test.mjs - TensorFlow Playground links as descent lessons:
// the state is read from the hash or the query string, every key maps to
// the page's state with the Playground's arithmetic (rate, penalties, noise,
// split, features, initializer, input scale), what cannot be carried over is
// named, hostile values give notices and never a state the page refuses, and
// the Playground's spiral lesson learns here as it does there.
import { it } from 'node:test';
import assert from 'node:assert/strict';

import { dist, prng } from './support.mjs';
import { PLAYGROUND_KEYS, fromPlayground, playgroundParams, seedFromText } from '../../web/js/playground-link.mjs';
import { decodeConfig, encodeConfig } from '../../web/js/urlstate.mjs';

const DEFAULTS = Object.freeze({
  dataset: 'circle', noise: 0.1, samples: 400, testRatio: 0.5, dataSeed: 1, features: ['x1', 'x2'],
  layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }], output: 'auto', init: 'glorot_uniform',
  l1: 0, l2: 0, seed: 1, optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  batchSize: 10, epochs: 1000, earlyStopping: false, patience: 50, target: null, task: 'auto', added: [], removed: [],
});

const SPIRAL = '#activation=tanh&batchSize=10&dataset=spiral&learningRate=0.03&networkShape=8,8&percTrainData=50' +
  '&noise=0&x=true&y=true&problem=classification';

const lesson = (hash, search = '') => fromPlayground(playgroundParams({ hash, search }), DEFAULTS);

it('reads the state from the hash, or from the query string, and only a Playground link', () => {
  const a = playgroundParams({ hash: SPIRAL });
  assert.equal(a.source, 'hash');
  assert.equal(a.params.dataset, 'spiral');
  assert.equal(a.params.networkShape, '8,8');
  assert.deepEqual(a.ignored, []);
  const b = playgroundParams({ search: `?${SPIRAL.slice(1)}&embed=1&lock=1` });
  assert.equal(b.source, 'search');
  assert.deepEqual(b.params, a.params);
  assert.deepEqual(b.ignored, []); // descent's own keys beside them are not the Playground's to name
  // The hash wins: it is where a Playground link keeps its state.
  assert.equal(playgroundParams({ search: '?dataset=xor', hash: '#dataset=gauss' }).params.dataset, 'gauss');
  // descent's own links (noise and seed are keys of both) and empty ones are not Playground links.
  assert.equal(playgroundParams({ search: '?v=1&d=spiral&noise=0.2&seed=3' }), null);
  assert.equal(playgroundParams({ hash: '#noise=10&seed=0.5' }), null);
  assert.equal(playgroundParams({}), null);
  assert.equal(playgroundParams({ hash: '#', search: '?' }), null);
  const c = playgroundParams({ hash: '#dataset=xor&learningRate_hide=true&foo=1&foo=2&bar' });
  assert.equal(c.params.learningRate_hide, 'true');
  assert.deepEqual(c.ignored, ['foo', 'bar']);
  // Every key is read, the last of a repeated one as the Playground reads it.
  for (const key of PLAYGROUND_KEYS) assert.equal(playgroundParams({ hash: `#problem=regression&${key}=0&${key}=1` }).params[key], '1');
});

it('maps the spiral lesson to the Playground\'s arithmetic', () => {
  const { config, view, notices } = lesson(`${SPIRAL}&seed=0.53245`);
  assert.deepEqual(config, {
    ...DEFAULTS,
    dataset: 'spiral', noise: 0, samples: 500, testRatio: 0.5, dataSeed: seedFromText('0.53245'), seed: seedFromText('0.53245'),
    features: ['x1', 'x2'], layers: [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }],
    output: 'tanh-mse', init: 'playground', inputScale: 'none', l1: 0, l2: 0,
    optimizer: { name: 'sgd', learningRate: 0.015 }, batchSize: 10, showTest: false, // the Playground's showTestData, off by default
  });
  assert.deepEqual(view, { showTestData: false, discretize: false, hideText: false });
  assert.equal(notices.length, 1);
  assert.match(notices[0], /^Playground seed: "0.53245" is seed \d+ here/);
});

it('starts from the Playground\'s defaults where the link is silent', () => {
  const { config, notices } = lesson('#problem=classification');
  assert.equal(config.dataset, 'circle');
  assert.deepEqual(config.layers, [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'tanh' }]);
  assert.equal(config.optimizer.learningRate, 0.015);
  assert.equal(config.batchSize, 10);
  assert.equal(config.testRatio, 0.5);
  assert.equal(config.noise, 0);
  assert.deepEqual(config.features, ['x1', 'x2']);
  assert.match(notices.join('\n'), /seed: none given \(the Playground picks one at random\); using 1 for the data and 1 for the weights/);
  assert.deepEqual(lesson('#networkShape=&dataset=xor').config.layers, []);
  assert.equal(lesson('#initZero=true&dataset=xor').config.init, 'zeros');
  assert.equal(lesson('#initZero=false&dataset=xor').config.init, 'playground');
});

it('maps penalties per batch, the split, the features and the view', () => {
  // The Playground's step adds rate·ρ·dR/dw / B; Keras' adds lr·2·l2·w or lr·l1·sign(w) at lr = rate/2.
  let c = lesson('#dataset=xor&regularization=L2&regularizationRate=0.03&batchSize=10').config;
  assert.equal(c.l2, 0.003);
  assert.equal(c.l1, 0);
  c = lesson('#dataset=xor&regularization=L1&regularizationRate=0.01&batchSize=5').config;
  assert.equal(c.l1, 0.004);
  assert.equal(c.l2, 0);
  assert.equal(lesson('#dataset=xor&regularization=none&regularizationRate=0.3').config.l2, 0);
  const big = lesson('#dataset=xor&regularization=L1&regularizationRate=10&batchSize=1');
  assert.equal(big.config.l1, 1);
  assert.match(big.notices.join('\n'), /regularizationRate: 10 is l1 20 here, above the page's 1; using 1/);

  c = lesson('#dataset=xor&percTrainData=70').config;
  assert.equal(c.testRatio, 0.3);
  c = lesson('#dataset=xor&x=false&y=false&xSquared=true&ySquared=1&xTimesY=true&sinX=true&sinY=true').config;
  assert.deepEqual(c.features, ['x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2']);
  const none = lesson('#dataset=xor&x=false&y=false&cosX=true');
  assert.deepEqual(none.config.features, ['x1', 'x2']);
  assert.match(none.notices.join('\n'), /cosX: descent has no cos feature/);
  assert.match(none.notices.join('\n'), /x: no input feature is selected; using x1 and x2/);

  const v = lesson('#dataset=xor&showTestData=true&discretize=true&hideText=true').view;
  assert.deepEqual(v, { showTestData: true, discretize: true, hideText: true });
  assert.deepEqual(lesson('#dataset=xor&showTestData=false').view.showTestData, false);
  // showTestData is the view's test-data toggle (URL key showtest).
  assert.equal(lesson('#dataset=xor&showTestData=true').config.showTest, true);
  assert.equal(lesson('#dataset=xor').config.showTest, false);
});

it('maps each data set\'s noise and the regression sets', () => {
  assert.equal(lesson('#dataset=spiral&noise=25').config.noise, 0.5);
  assert.equal(lesson('#dataset=spiral&noise=50').config.noise, 1);
  const circle = lesson('#dataset=circle&noise=10');
  assert.equal(circle.config.noise, 0.2);
  assert.match(circle.notices.join('\n'), /noise: the Playground keeps each point where it is/);
  // Gaussian blobs: the Playground's variance 0.5 + 7p/100 as descent's standard deviation 0.5 + 3.5·noise.
  for (const p of [0, 20, 50]) {
    const noise = lesson(`#dataset=gauss&noise=${p}`).config.noise;
    assert.ok(Math.abs((0.5 + 3.5 * noise) ** 2 - (0.5 + (7 * p) / 100)) < 1e-12, `gauss noise ${p}`);
  }
  const plane = lesson('#problem=regression&regDataset=reg-plane&noise=30&dataset=spiral');
  assert.equal(plane.config.dataset, 'plane');
  assert.equal(plane.config.samples, 1200);
  assert.equal(plane.config.noise, 0.3);
  assert.equal(plane.config.output, 'linear-mse');
  assert.match(plane.notices.join('\n'), /dataset: ignored: the problem is regression/);
  assert.match(plane.notices.join('\n'), /\(x1 \+ x2\)\/12 here/);
  assert.equal(lesson('#problem=regression&regDataset=reg-gauss').config.dataset, 'multigauss');
  assert.equal(lesson('#problem=regression').config.dataset, 'plane');
  // 600 training points in batches of 7: the Playground's leftover differs from descent's last batch.
  assert.match(lesson('#problem=regression&batchSize=7').notices.join('\n'), /batchSize: 600 training points are not a whole number of batches of 7/);
});

it('seeds from the Playground\'s seed text, the same each time', () => {
  assert.equal(seedFromText('42'), 42);
  assert.equal(seedFromText('4294967295'), 4294967295);
  assert.equal(seedFromText('0.53245'), seedFromText('0.53245'));
  assert.notEqual(seedFromText('0.53245'), seedFromText('0.53246'));
  for (const t of ['4294967296', '', 'x'.repeat(10000), '-1', '1e3', '\u{1F600}']) {
    const s = seedFromText(t);
    assert.ok(Number.isInteger(s) && s >= 0 && s <= 4294967295, t.slice(0, 20));
  }
});

/** The config as the page would read it back from its own link: no value refused. */
function pageAccepts(config) {
  const { inputScale, ...rest } = config;
  assert.ok(['none', 'unit', 'standardize'].includes(inputScale));
  const back = decodeConfig(encodeConfig(rest), DEFAULTS);
  assert.deepEqual(back.errors, []);
}

it('names each value it cannot use, keeps the Playground\'s default, and stays a state the page accepts', () => {
  const bad = {
    activation: 'softplus', batchSize: '0', dataset: 'moons', regDataset: 'reg-x', learningRate: '-1',
    regularization: 'L3', regularizationRate: 'NaN', noise: '80', networkShape: '8,x', percTrainData: '5',
    problem: 'ranking',
  };
  const hash = `#${Object.entries(bad).map(([k, v]) => `${k}=${v}`).join('&')}`;
  const { config, notices } = lesson(hash);
  const text = notices.join('\n');
  for (const key of Object.keys(bad)) {
    if (key === 'regDataset') continue; // a classification lesson's regression set is ignored, as it is named
    assert.match(text, new RegExp(`^Playground ${key}: `, 'm'), key);
  }
  assert.match(text, /activation: "softplus" is not one of relu, tanh, sigmoid, linear; using tanh/);
  assert.match(text, /networkShape: "8,x" is not up to 8 layer sizes in \[1, 256\]; using 4,2/);
  assert.equal(config.dataset, 'circle');
  assert.equal(config.batchSize, 10);
  pageAccepts(config);
  // Too many layers, too many units, a huge text: a notice, quoted short.
  const many = lesson(`#dataset=xor&networkShape=${'1,'.repeat(100000)}1`);
  assert.match(many.notices.join('\n'), /networkShape: "1,1,1,.{0,40}…" is not up to 8 layer sizes/);
  assert.ok(many.notices.every((n) => n.length < 400));
  assert.match(lesson('#dataset=xor&networkShape=300').notices.join('\n'), /networkShape/);
});

it('never throws and never leaves the page\'s ranges, whatever the link holds', () => {
  const r = prng(16);
  const pieces = ['', 'true', 'false', '0', '-0', '1e309', 'NaN', '8,8', ',', '%', '%zz', '&', '=', 'spiral', 'reg-gauss',
    'L1', 'L2', 'relu', 'regression', '0.0001', '99', '3.5', '\u0000', '<script>'];
  const pick = () => pieces[Math.floor(r() * pieces.length)];
  for (let i = 0; i < 500; i++) {
    const parts = [];
    for (let k = 0; k < 6; k++) parts.push(`${PLAYGROUND_KEYS[Math.floor(r() * PLAYGROUND_KEYS.length)]}=${encodeURIComponent(pick() + pick())}`);
    const pg = playgroundParams({ hash: `#dataset=xor&${parts.join('&')}` });
    const { config } = fromPlayground(pg, DEFAULTS);
    pageAccepts(config);
  }
});

/**
 * A lesson trained as the page will train it: its generated set and split,
 * x1 and x2 divided by the input scale's divisor, its network, initializer,
 * head, optimizer and batch size, for its epochs. Test accuracy at the end.
 */
function train(d, config) {
  assert.deepEqual(config.features, ['x1', 'x2']);
  assert.equal(config.output, 'tanh-mse');
  const set = d.generate(config.dataset, { n: config.samples, noise: config.noise, seed: config.dataSeed });
  const labels = Int32Array.from(set.y);
  const split = d.trainTestSplit(set.n, { testFraction: config.testRatio, labels, seed: config.dataSeed });
  const divide = config.inputScale === 'unit' ? 6 : 1;
  const rows = (idx) => ({
    x: Float32Array.from({ length: idx.length * 2 }, (_, k) => set.x[idx[k >> 1] * 2 + (k & 1)] / divide),
    y: Float32Array.from(idx, (i) => 2 * labels[i] - 1),
  });
  const tr = rows(split.train);
  const te = rows(split.test);
  const model = d.createModel({
    inputs: 2, init: config.init, loss: 'mse', optimizer: config.optimizer, seed: config.seed,
    layers: [...config.layers, { units: 1, activation: 'tanh' }].map((l) => ({ ...l, l1: config.l1, l2: config.l2 })),
  });
  try {
    model.fit(tr.x, tr.y, { epochs: config.epochs, batchSize: config.batchSize });
    const p = model.predict(te.x);
    let right = 0;
    for (let i = 0; i < te.y.length; i++) right += (p[i] >= 0) === (te.y[i] > 0);
    return right / te.y.length;
  } finally {
    model.dispose();
  }
}

it('learns the Playground\'s spiral lesson as the Playground does (test accuracy >= 0.9 for 4 of 5 seeds at epoch 1000)', async (t) => {
  const { loadDescent } = await import(new URL('descent.mjs', dist));
  const d = await loadDescent();
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const mapped = [];
  const before = [];
  for (let seed = 1; seed <= 5; seed++) {
    const { config } = lesson(`${SPIRAL}&seed=${seed}`);
    assert.equal(config.epochs, 1000);
    mapped.push(train(d, config));
    // The same lesson with the page's defaults for scale and initializer: what a hand-made copy got.
    before.push(train(d, { ...config, inputScale: 'unit', init: 'glorot_uniform' }));
  }
  t.diagnostic(`spiral, seeds 1..5: ${mapped.map((a) => a.toFixed(3)).join(' ')} (median ${median(mapped).toFixed(3)}); ` +
    `unit scale + glorot_uniform: ${before.map((a) => a.toFixed(3)).join(' ')} (median ${median(before).toFixed(3)})`);
  assert.ok(mapped.filter((a) => a >= 0.9).length >= 4, `accuracies ${mapped.join(', ')}`);
  assert.ok(median(before) < 0.8, 'the input scale and initializer are what made the difference');
});
