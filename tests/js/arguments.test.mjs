// arguments.test.mjs - every public call of the JS API, the worker protocol,
// the client and the tuning pool, given bad arguments (undefined, null, wrong
// types, NaN, negative, huge, BigInt, Symbol, fake or wrong lengths): each
// refusal is descent's own Error whose message starts with the call and
// names the parameter; no TypeError or RangeError from inside escapes, and
// nothing hangs or traps. Values a call accepts (a default, a number in
// range) are listed per parameter and left out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { DescentClient } = await import(new URL('client.mjs', dist));
const { TunePool } = await import(new URL('tune-pool.mjs', dist));

const BAD = {
  undefined,
  null: null,
  string: 'x',
  object: {},
  array: [],
  NaN,
  negative: -1,
  huge: 2 ** 53,
  infinity: Infinity,
  fraction: 0.5,
  bigint: 1n,
  symbol: Symbol('bad'),
  function: () => {},
  'short Float32Array': new Float32Array(3),
  'fake length': { length: 1e12 },
  'ragged rows': [[1, 2], [3]],
  strings: ['a', 'b'],
  boolean: true,
};

/** The call's error: thrown or rejected; null when it succeeded. */
async function outcome(run) {
  try {
    await run();
    return null;
  } catch (e) {
    return e;
  }
}

function checkError(e, call, param, label) {
  assert.ok(e instanceof Error, `${label}: threw ${String(e)}, not an Error`);
  assert.equal(e.constructor, Error, `${label}: ${e.constructor.name} escaped: ${e.message}`);
  const calls = [call].flat();
  assert.ok(calls.some((c) => e.message.startsWith(`${c}:`)), `${label}: message does not start with ${calls.join(' or ')}: ${e.message}`);
  // An unknown key of an options object is named itself.
  const params = [param].flat();
  assert.ok(params.some((p) => e.message.includes(p)) || /unknown (callbacks )?option '/.test(e.message),
    `${label}: message does not name ${params.join(' or ')}: ${e.message}`);
}

/**
 * cases: [call, parameter, run(value), values accepted (names of BAD)]; the
 * parameter is the name the message must hold.
 */
async function sweep(cases) {
  const wrong = [];
  for (const [call, param, run, accepted = []] of cases) {
    for (const [name, value] of Object.entries(BAD)) {
      if (accepted.includes(name)) continue;
      const label = `${call} ${param} <- ${name}`;
      const e = await outcome(() => run(value));
      try {
        assert.ok(e, `${label}: accepted`);
        checkError(e, call, param, label);
      } catch (failure) {
        wrong.push(failure.message.split('\n')[0]);
      }
    }
  }
  assert.deepEqual(wrong, []);
}

// Numbers a parameter takes, named as in BAD.
const POSITIVE = ['huge', 'fraction'];
const FLOAT = ['huge', 'fraction', 'negative'];

describe('the JS API refuses bad arguments with its own errors', () => {
  let d;
  let m;
  let ds;
  const x = new Float32Array([0, 1, 1, 0, 0.5, 0.5, 1, 1]);
  const y = new Float32Array([1, 1, 0, 0]);
  const net = (extra = {}) => ({ inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy', ...extra });
  const layer = (extra) => ({ inputs: 1, layers: [{ units: 1, ...extra }] });

  before(async () => {
    d = await loadDescent({ tune: true });
    m = d.createModel(net());
    ds = d.generate('circle', { n: 20 });
  });
  after(() => m.dispose());

  it('the data helpers', async () => {
    await sweep([
      ['loadDescent', 'options', (v) => loadDescent(v), ['undefined', 'object']],
      ['optimizerDefaults', 'name', (v) => d.optimizerDefaults(v)],
      ['loadModel', 'bytes', (v) => d.loadModel(v)],
      ['parseCSV', 'text', (v) => d.parseCSV(v), ['string']],
      ['parseCSV', 'options', (v) => d.parseCSV('a,b\n1,2\n3,4\n', v), ['undefined', 'object']],
      ['parseCSV', 'target', (v) => d.parseCSV('a,b\n1,2\n3,4\n', { target: v, task: 'regression' }), ['undefined', 'negative']],
      ['parseCSV', 'task', (v) => d.parseCSV('a,b\n1,2\n3,4\n', { task: v }), ['undefined']],
      ['parseCSV', 'delimiter', (v) => d.parseCSV('a,b\n1,2\n3,4\n', { delimiter: v, task: 'regression' }), ['undefined']],
      ['parseCSV', 'noTarget', (v) => d.parseCSV('a,b\n1,2\n3,4\n', { noTarget: v, task: 'regression' }), ['undefined', 'boolean']],
      ['generate', 'name', (v) => d.generate(v)],
      ['generate', 'options', (v) => d.generate('circle', v), ['undefined', 'object']],
      ['generate', 'n', (v) => d.generate('circle', { n: v }), ['undefined']],
      ['generate', 'noise', (v) => d.generate('circle', { noise: v }), ['undefined', 'fraction']],
      ['generate', 'seed', (v) => d.generate('circle', { seed: v }), ['undefined']],
      ['subset', 'dataset', (v) => d.subset(v, [0])],
      ['subset', 'indices', (v) => d.subset(ds, v), ['array', 'short Float32Array']],
      ['fitScaler', 'x', (v) => d.fitScaler(v, 2)],
      ['fitScaler', 'columns', (v) => d.fitScaler(x, v)],
      ['applyScaler', 'x', (v) => d.applyScaler(v, { mean: [0, 0], std: [1, 1] })],
      ['applyScaler', 'scaler', (v) => d.applyScaler(x, v)],
      ['applyScaler', 'scaler.std', (v) => d.applyScaler(x, { mean: [0, 0], std: [1, v] }), ['huge', 'fraction']],
      ['applyScaler', 'scaler.mean', (v) => d.applyScaler(x, { mean: [v, 0], std: [1, 1] }), FLOAT],
      ['trainTestSplit', 'n', (v) => d.trainTestSplit(v, { testFraction: 0.2 })],
      ['trainTestSplit', ['options', 'testFraction'], (v) => d.trainTestSplit(10, v)],
      ['trainTestSplit', 'testFraction', (v) => d.trainTestSplit(10, { testFraction: v }), ['fraction']],
      ['trainTestSplit', 'labels', (v) => d.trainTestSplit(4, { testFraction: 0.5, labels: v }), ['undefined', 'null']],
      ['trainTestSplit', 'seed', (v) => d.trainTestSplit(4, { testFraction: 0.5, seed: v }), ['undefined']],
      ['kFold', 'n', (v) => d.kFold(v, { k: 2 })],
      ['kFold', ['options', 'k must'], (v) => d.kFold(4, v)],
      ['kFold', 'k', (v) => d.kFold(4, { k: v })],
      ['kFold', 'labels', (v) => d.kFold(4, { k: 2, labels: v }), ['undefined', 'null']],
      ['classificationMetrics', 'pred', (v) => d.classificationMetrics(v, [0, 1], 1)],
      ['classificationMetrics', 'y', (v) => d.classificationMetrics([0, 1], v, 1)],
      ['classificationMetrics', 'outputs', (v) => d.classificationMetrics([0, 1], [0, 1], v)],
      ['regressionMetrics', 'pred', (v) => d.regressionMetrics(v, [0, 1], 1)],
      ['regressionMetrics', 'y', (v) => d.regressionMetrics([0, 1], v, 1)],
      ['regressionMetrics', 'outputs', (v) => d.regressionMetrics([0, 1], [0, 1], v)],
    ]);
  });

  it('createModel', async () => {
    await sweep([
      ['createModel', ['config', 'inputs'], (v) => d.createModel(v)],
      ['createModel', 'inputs', (v) => d.createModel({ inputs: v, layers: [{ units: 1 }] })],
      ['createModel', 'layers', (v) => d.createModel({ inputs: 1, layers: v })],
      ['createModel', 'layers[0]', (v) => d.createModel({ inputs: 1, layers: [v] })],
      ['createModel', 'units', (v) => d.createModel(layer({ units: v }))],
      ['createModel', 'activation', (v) => d.createModel(layer({ activation: v })), ['undefined']],
      ['createModel', 'alpha', (v) => d.createModel(layer({ alpha: v })), ['undefined', ...POSITIVE]],
      ['createModel', 'l1', (v) => d.createModel(layer({ l1: v })), ['undefined', ...POSITIVE]],
      ['createModel', 'initLimit', (v) => d.createModel(layer({ initLimit: v, init: 'uniform' })), ['undefined', ...POSITIVE]],
      // A limit given is checked whatever the initializer (it was taken unchecked for glorot_uniform).
      ['createModel', 'initLimit', (v) => d.createModel(layer({ initLimit: v })), ['undefined', ...POSITIVE]],
      ['createModel', 'useBias', (v) => d.createModel(layer({ useBias: v })), ['undefined', 'boolean']],
      ['createModel', 'loss', (v) => d.createModel({ ...layer({}), loss: v }), ['undefined']],
      ['createModel', 'init', (v) => d.createModel({ ...layer({}), init: v }), ['undefined']],
      ['createModel', 'seed', (v) => d.createModel({ ...layer({}), seed: v }), ['undefined']],
      ['createModel', 'optimizer', (v) => d.createModel({ ...layer({}), optimizer: v }), ['undefined']],
      ['createModel', 'learningRate', (v) => d.createModel({ ...layer({}), optimizer: { name: 'sgd', learningRate: v } }),
        ['undefined', ...POSITIVE]],
      ['createModel', 'momentum', (v) => d.createModel({ ...layer({}), optimizer: { name: 'momentum', momentum: v } }),
        ['undefined', 'fraction']],
      ['createModel', 'centered', (v) => d.createModel({ ...layer({}), optimizer: { name: 'rmsprop', centered: v } }),
        ['undefined', 'boolean']],
    ]);
  });

  it('a model and its trainer', async () => {
    const kernel = new Float32Array(6);
    const bias = new Float32Array(3);
    const w1 = () => m.getWeights()[1];
    await sweep([
      ['setWeights', 'weights', (v) => m.setWeights(v)],
      ['setWeights', 'weights[0]', (v) => m.setWeights([v, w1()])],
      ['setWeights', 'kernel', (v) => m.setWeights([{ kernel: v, bias }, w1()])],
      ['setWeights', 'bias', (v) => m.setWeights([{ kernel, bias: v }, w1()]), ['short Float32Array']],
      ['trainOnBatch', 'x', (v) => m.trainOnBatch(v, y)],
      ['trainOnBatch', 'y', (v) => m.trainOnBatch(x, v)],
      ['predict', 'x', (v) => m.predict(v)],
      ['evaluate', 'x', (v) => m.evaluate(v, y)],
      ['evaluate', 'y', (v) => m.evaluate(x, v)],
      ['fit', 'options', (v) => m.fit(x, y, v), ['undefined', 'object']],
      ['fit', 'epochs', (v) => m.fit(x, y, { epochs: v }), ['undefined']],
      ['fit', 'batchSize', (v) => m.fit(x, y, { batchSize: v }), ['undefined']],
      ['fit', 'validationSplit', (v) => m.fit(x, y, { validationSplit: v }), ['undefined', 'fraction']],
      ['fit', 'validationData', (v) => m.fit(x, y, { validationData: v }), ['undefined', 'ragged rows']],
      ['fit', 'earlyStopping', (v) => m.fit(x, y, { earlyStopping: v }), ['undefined']],
      ['fit', 'patience', (v) => m.fit(x, y, { earlyStopping: { patience: v } })],
      ['fit', 'minDelta', (v) => m.fit(x, y, { earlyStopping: { patience: 1, minDelta: v } }), ['undefined', ...POSITIVE]],
      ['fit', 'onEpochEnd', (v) => m.fit(x, y, { onEpochEnd: v }), ['undefined', 'function']],
      ['fit', 'seed', (v) => m.fit(x, y, { seed: v }), ['undefined']],
      ['fit', 'shuffle', (v) => m.fit(x, y, { shuffle: v }), ['undefined', 'boolean']],
      ['trainer', 'options', (v) => m.trainer(x, y, v).dispose(), ['undefined', 'object']],
      ['trainer.run', 'maxBatches', (v) => {
        const t = m.trainer(x, y, {});
        try {
          t.run(v);
        } finally {
          t.dispose();
        }
      }, ['undefined', 'infinity', 'huge']],
      ['setLearningRate', 'learningRate', (v) => m.setLearningRate(v), POSITIVE],
      ['setOptimizer', 'optimizer', (v) => m.setOptimizer(v)],
      ['setRegularization', 'layer', (v) => m.setRegularization(v, { l1: 0 })],
      ['setRegularization', 'penalties', (v) => m.setRegularization(0, v), ['object']],
      ['setRegularization', 'l1', (v) => m.setRegularization(0, { l1: v }), ['undefined', ...POSITIVE]],
      ['reinit', 'seed', (v) => m.reinit(v)],
      ['setInputScaler', 'scaler', (v) => m.setInputScaler(v), ['null']],
      ['setInputScaler', 'std', (v) => m.setInputScaler({ mean: [0, 0], std: [1, v] }), POSITIVE],
      ['setInputScaler', 'mean', (v) => m.setInputScaler({ mean: [v, 0], std: [1, 1] }), FLOAT],
      ['setTargetScaler', 'scaler', (v) => m.setTargetScaler(v), ['null']],
      ['setNames', 'names', (v) => m.setNames(v), ['object']],
      ['setNames', 'featureNames', (v) => m.setNames({ featureNames: v }), ['undefined', 'null', 'array', 'strings']],
      ['setNames', 'targetName', (v) => m.setNames({ targetName: v }), ['undefined', 'null', 'string']],
      ['setNames', 'classNames', (v) => m.setNames({ classNames: v }), ['undefined', 'null', 'array', 'strings']],
      ['setKernels', 'kernels', (v) => m.setKernels(v)],
      ['save', 'options', (v) => m.save(v), ['undefined', 'object']],
      ['save', 'withOptimizer', (v) => m.save({ withOptimizer: v }), ['undefined', 'boolean']],
    ]);
    m.setInputScaler(null);
    m.setNames({});
  });

  it('tuning', async () => {
    const small = { base: { epochs: 1 }, folds: 2 };
    const withSearch = (fn) => {
      const s = d.createSearch(ds, { ...small, testFraction: 0.2 });
      try {
        return fn(s);
      } finally {
        s.dispose();
      }
    };
    await sweep([
      ['createSearch', 'data', (v) => d.createSearch(v)],
      ['createSearch', 'options', (v) => d.createSearch(ds, v).dispose(), ['undefined', 'object']],
      ['createSearch', 'grid', (v) => d.createSearch(ds, { grid: v }).dispose(), ['undefined', 'object']],
      ['createSearch', 'grid.learningRate', (v) => d.createSearch(ds, { grid: { learningRate: v } }).dispose()],
      ['createSearch', 'grid.layers', (v) => d.createSearch(ds, { grid: { layers: v } }).dispose(), ['ragged rows']],
      ['createSearch', 'grid.layers[0]', (v) => d.createSearch(ds, { grid: { layers: [v] } }).dispose(), ['array']],
      ['createSearch', 'random', (v) => d.createSearch(ds, { random: v }), ['undefined']],
      ['createSearch', 'random.draws', (v) => d.createSearch(ds, { random: { draws: v, learningRate: [0.1] } })],
      ['createSearch', 'random.learningRate', (v) => d.createSearch(ds, { random: { draws: 2, learningRate: v } })],
      ['createSearch', 'base', (v) => d.createSearch(ds, { base: v }).dispose(), ['undefined', 'object']],
      ['createSearch', 'base.epochs', (v) => d.createSearch(ds, { base: { epochs: v } }).dispose(), ['undefined']],
      ['createSearch', 'folds', (v) => d.createSearch(ds, { folds: v }).dispose(), ['undefined']],
      ['createSearch', 'testFraction', (v) => d.createSearch(ds, { testFraction: v }).dispose(), ['undefined', 'fraction']],
      ['createSearch', 'data.x', (v) => d.createSearch({ x: v, y: [0, 1, 0, 1], features: 1 })],
      ['createSearch', 'data.y', (v) => d.createSearch({ x: [[1], [2], [3], [4]], y: v })],
      ['createSearch', 'data.labels', (v) => d.createSearch({ x: [[1], [2], [3], [4]], y: [0, 1, 0, 1], labels: v }).dispose(),
        ['undefined', 'null']],
      ['createSearch', 'data.features', (v) => d.createSearch({ x: [1, 2, 3, 4], y: [0, 1, 0, 1], features: v }).dispose(),
        ['undefined', 'null']],
      ['tune', 'callbacks', (v) => d.tune(ds, small, v), ['undefined', 'object']],
      ['crossValidate', 'config', (v) => d.crossValidate(ds, v, { folds: 2 }), ['object']],
      ['crossValidate', 'options', (v) => d.crossValidate(ds, { epochs: 1 }, v), ['undefined', 'object']],
      ['crossValidate', 'folds', (v) => d.crossValidate(ds, { epochs: 1 }, { folds: v }), ['undefined']],
      ['search.config', 'index', (v) => withSearch((s) => s.config(v))],
      ['search.evaluate', 'index', (v) => withSearch((s) => s.evaluate(v))],
      ['search.evaluate', 'callbacks', (v) => withSearch((s) => s.evaluate(0, v)), ['undefined', 'object']],
      ['search.refit', 'index', (v) => withSearch((s) => s.evaluate(0) && s.refit(v)), ['undefined']],
      ['search.refit', 'options', (v) => withSearch((s) => s.evaluate(0) && s.refit(0, v)), ['undefined', 'object']],
      ['search.result', 'index', (v) => withSearch((s) => s.result(v))],
    ]);
  });
});

describe('the worker protocol, the client and the pool refuse bad arguments by name', () => {
  let client;
  let modelId;
  const x = new Float32Array([0, 1, 1, 0]);
  const y = new Float32Array([1, 0]);

  before(async () => {
    client = await DescentClient.create({ url: new URL('worker.mjs', dist), copy: true, tune: true });
    modelId = await client.createModel({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy' });
  });
  after(() => client.terminate());

  it('each request names itself and the field', async () => {
    const req = (type, data) => client.request(type, data);
    // A value no worker can receive (a function, a symbol) is refused by the client.
    const named = (cases) => cases.map(([call, param, ...rest]) => [[call, `DescentClient.${[call].flat()[0]}`].flat(),
      [param, 'data.'].flat(), ...rest]);
    await sweep(named([
      [['create', 'createModel'], ['config', 'inputs'], (v) => req('create', { config: v })],
      [['load', 'loadModel'], 'bytes', (v) => req('load', { bytes: v })],
      ['predict', 'model id', (v) => req('predict', { modelId: v, x })],
      ['predict', 'x', (v) => req('predict', { modelId, x: v })],
      ['evaluate', 'y', (v) => req('evaluate', { modelId, x, y: v })],
      ['setData', 'x', (v) => req('setData', { modelId, x: v, y })],
      ['setData', 'validationSplit', (v) => req('setData', { modelId, x, y, validationSplit: v }), ['undefined', 'fraction']],
      ['train', 'epochs', (v) => req('train', { modelId, x, y, epochs: v }), ['undefined']],
      ['train', 'progressEvery', (v) => req('train', { modelId, x, y, epochs: 1, progressEvery: v }),
        ['undefined', 'null', 'object', 'fraction', 'huge', 'infinity']],
      ['train', 'paused', (v) => req('train', { modelId, x, y, epochs: 1, paused: v }), ['undefined', 'boolean']],
      ['step', 'epoch', (v) => req('step', { modelId, x, y, epoch: v }), ['undefined', 'boolean']],
      ['step', 'batchSize', (v) => req('step', { modelId, x, y, batchSize: v }), ['undefined']],
      ['pause', 'model id', (v) => req('pause', { modelId: v })],
      ['setLearningRate', 'learningRate', (v) => req('setLearningRate', { modelId, learningRate: v }), ['huge', 'fraction']],
      ['setOptimizer', 'optimizer', (v) => req('setOptimizer', { modelId, optimizer: v })],
      ['setWeights', 'weights', (v) => req('setWeights', { modelId, weights: v })],
      [['setPreprocessing', 'setInputScaler'], 'std',
        (v) => req('setPreprocessing', { modelId, inputScaler: { mean: [0, 0], std: [v, 1] } }), POSITIVE],
      ['save', 'withOptimizer', (v) => req('save', { modelId, withOptimizer: v }), ['undefined', 'boolean']],
      ['generate', 'name', (v) => req('generate', { name: v })],
      ['generate', 'testFraction', (v) => req('generate', { name: 'xor', testFraction: v }), ['undefined', 'fraction']],
      ['generate', 'splitSeed', (v) => req('generate', { name: 'xor', testFraction: 0.2, splitSeed: v }), ['undefined']],
      ['generate', 'stratify', (v) => req('generate', { name: 'xor', testFraction: 0.2, stratify: v }), ['undefined', 'boolean']],
      ['generate', 'scalers', (v) => req('generate', { name: 'xor', testFraction: 0.2, scalers: v }), ['undefined', 'boolean']],
      ['parseCSV', 'text', (v) => req('parseCSV', { text: v }), ['string']],
      ['search', 'options', (v) => req('search', { data: { x: [[1], [2], [3], [4]], y: [0, 1, 0, 1] }, options: v }),
        ['undefined', 'object']],
      ['crossValidate', 'search id', (v) => req('crossValidate', { searchId: v, index: 0 })],
      ['refit', 'search id', (v) => req('refit', { searchId: v })],
    ]));
  });

  it('a step with epoch: "x" is refused, not taken as one batch', async () => {
    const e = await outcome(() => client.step(modelId, { x, y, epoch: 'x' }));
    checkError(e, 'step', 'epoch', 'step epoch');
    assert.match(e.message, /epoch must be true or false, got "x"/);
  });

  it('the client checks its own options', async () => {
    await sweep([
      // train and step pass their options on: the worker names what it does not know.
      [['DescentClient.train', 'train'], 'options', (v) => client.train(modelId, v), ['undefined', 'object']],
      [['DescentClient.step', 'step'], 'options', (v) => client.step(modelId, v), ['undefined', 'object']],
      ['DescentClient.setData', 'options', (v) => client.setData(modelId, v), ['undefined', 'object']],
      ['DescentClient.save', 'options', (v) => client.save(modelId, v), ['undefined', 'object']],
      ['DescentClient.refit', 'options', (v) => client.refit(1, 0, v), ['undefined', 'object']],
      ['DescentClient.request', 'options', (v) => client.request('describe', { modelId }, v), ['undefined', 'object']],
    ]);
  });

  it('the pool checks its options before starting a worker', async () => {
    const data = { x: [[1], [2], [3], [4]], y: [0, 1, 0, 1] };
    const pool = new TunePool({ size: 1, workerUrl: new URL('worker.mjs', dist) });
    try {
      await sweep([
        ['TunePool', 'size', (v) => new TunePool({ size: v }), ['undefined']],
        // Objects go to the workers, whose search names what it refuses.
        [['TunePool', 'search'], 'options', (v) => pool.tune(data, v, {}), ['undefined', 'object']],
        ['TunePool', 'signal', (v) => pool.tune(data, {}, { signal: v }), ['undefined']],
        ['TunePool', 'progressEvery', (v) => pool.tune(data, {}, { progressEvery: v }), ['undefined', 'fraction', 'huge', 'infinity']],
        ['TunePool', 'callbacks', (v) => pool.tune(data, {}, v), ['undefined', 'object']],
      ]);
    } finally {
      await pool.terminate();
    }
  });
});
