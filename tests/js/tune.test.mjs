// tune.test.mjs - hyper-parameter search in JS: descent.tune and createSearch
// in this thread, TunePool over worker_threads, and the worker protocol's
// search messages. A seed must give the same results whatever runs what: in
// order or reversed, alone (crossValidate) or in a search, in one thread or
// in a pool.
//
// Run: node --test --test-reporter=tap tests/js/
// DESCENT_DIST may name another directory (or file: URL) holding the build.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { rankResults } = await import(new URL('descent-tune.mjs', dist));
const { TunePool, defaultPoolSize } = await import(new URL('tune-pool.mjs', dist));
const { DescentClient, ErrorCode } = await import(new URL('client.mjs', dist));

const dataDir = fileURLToPath(new URL('../../web/data/', import.meta.url));

let descent;
let cancer;

before(async () => {
  descent = await loadDescent({ tune: true });
  cancer = descent.parseCSV(readFileSync(`${dataDir}breast_cancer.csv`, 'utf8'), { target: 'diagnosis' });
});

/** Results without their (run-dependent) times. */
const untimed = (results) => results.map(({ timeMs, ...rest }) => rest);

/** A pool closed when the test ends. */
async function pool(t, size) {
  const p = await TunePool.create({ size, workerUrl: new URL('worker.mjs', dist) });
  t.after(() => p.terminate());
  return p;
}

/** y = 3x + noise: SGD on a linear unit, where 1e-5 barely moves, 0.1 fits and 1000 diverges. */
const LR_RACE = {
  grid: { learningRate: [1e-5, 0.1, 1000] },
  base: { optimizer: 'sgd', layers: 'none', epochs: 20, batchSize: 16 },
  metric: 'r2',
  testFraction: 0.2,
};

const CANCER_GRID = {
  grid: { learningRate: [0.001, 0.01, 0.1], layers: ['8', '16x16'], optimizer: ['sgd', 'adam'] },
  base: { epochs: 10 },
  folds: 5,
  metric: 'accuracy',
  seed: 3,
  testFraction: 0.2,
};

describe('descent.tune', () => {
  it('finds the learning rate that wins, and ranks the diverging one last', () => {
    const line = descent.generate('line', { n: 200, noise: 0.1, seed: 3 });
    const out = descent.tune(line, LR_RACE);
    assert.equal(out.count, 3);
    assert.equal(out.metric, 'r2');
    assert.equal(out.higherIsBetter, true);
    assert.equal(out.trainRows, 160);
    assert.equal(out.testRows, 40);
    assert.deepEqual(out.results.map((r) => r.config.learningRate), [0.1, 1e-5, 1000]);
    assert.ok(out.best.mean > 0.95, `lr 0.1 scores R² ${out.best.mean}`);
    assert.ok(out.results[1].mean < 0.5);
    assert.ok(Number.isNaN(out.results[2].mean));
    assert.equal(out.results[2].diverged, 5);
    assert.equal(out.best.scores.length, 5);
    assert.equal(out.test.index, 1);
    assert.equal(out.test.testRows, 40);
    assert.ok(out.test.score > 0.95 && out.test.score === out.test.metrics.r2);
    assert.equal(out.cancelled, false);
  });

  it('gives the same results for a seed, and others for another seed', () => {
    const a = descent.tune(cancer, CANCER_GRID);
    const b = descent.tune(cancer, CANCER_GRID);
    const c = descent.tune(cancer, { ...CANCER_GRID, seed: 4 });
    assert.deepEqual(untimed(a.results), untimed(b.results));
    assert.notDeepEqual(untimed(a.results), untimed(c.results));
    assert.equal(a.results.length, 12);
    assert.ok(a.best.mean > 0.95, `best accuracy ${a.best.mean}`);
    assert.ok(a.test.metrics.accuracy > 0.9);
  });

  it('evaluates configurations in any order, alone or in a search, to the same results', () => {
    const spiral = descent.generate('spiral', { n: 120, noise: 0.1, seed: 2 });
    const options = { grid: { learningRate: [0.003, 0.03], batchSize: [8, 'full'], layers: [[4], []] }, base: { epochs: 6 }, folds: 3, seed: 7 };
    const forward = descent.createSearch(spiral, options);
    const backward = descent.createSearch(spiral, options);
    try {
      assert.equal(forward.count, 8);
      const run = forward.run();
      assert.equal(run.cancelled, false);
      for (let i = backward.count - 1; i >= 0; i--) backward.evaluate(i);
      assert.deepEqual(untimed(forward.results()), untimed(backward.results()));
      // The JS ranking is the C ranking.
      assert.deepEqual(forward.results().map((r) => r.index), forward.ranking());
      // One configuration alone, by its index and the seed, is the search's result.
      const config = forward.config(5);
      assert.deepEqual(config.layers, []);
      assert.equal(config.batchSize, 8);
      const alone = descent.crossValidate(spiral, config, { folds: 3, seed: 7, configIndex: 5 });
      const { timeMs, ...same } = alone;
      const { timeMs: t2, ...expected } = forward.result(5);
      assert.deepEqual(same, expected);
      const other = descent.crossValidate(spiral, config, { folds: 3, seed: 7, configIndex: 4 });
      assert.notDeepEqual(other.scores, expected.scores);
    } finally {
      forward.dispose();
      backward.dispose();
    }
  });

  it('draws random configurations in their ranges', () => {
    const search = descent.createSearch(descent.generate('xor', { n: 60, seed: 1 }), {
      random: { draws: 200, learningRate: { min: 1e-4, max: 1e-1 }, epochs: { min: 2, max: 5 }, optimizer: ['sgd', 'adam'] },
      seed: 5,
    });
    try {
      const configs = search.configs();
      assert.equal(configs.length, 200);
      const decades = [0, 0, 0];
      for (const c of configs) {
        assert.ok(c.learningRate >= 1e-4 && c.learningRate <= 0.1);
        assert.ok([2, 3, 4, 5].includes(c.epochs));
        assert.ok(['sgd', 'adam'].includes(c.optimizer));
        decades[c.learningRate < 1e-3 ? 0 : c.learningRate < 1e-2 ? 1 : 2]++;
      }
      for (const d of decades) assert.ok(d > 40 && d < 95, `draws per decade: ${decades}`);
      assert.equal(search.summary().mode, 'random');
    } finally {
      search.dispose();
    }
  });

  it('keeps per-fold curves on request, without changing the scores', () => {
    const gauss = descent.generate('gaussian', { n: 100, seed: 3 });
    const options = { grid: { learningRate: [0.1] }, base: { layers: 'none', optimizer: 'sgd', epochs: 7 }, folds: 4 };
    const plain = descent.tune(gauss, options);
    const curved = descent.tune(gauss, { ...options, curves: true });
    const r = curved.results[0];
    assert.equal(r.curves.loss.length, 4);
    assert.equal(r.curves.loss[0].length, 7);
    assert.ok(r.curves.valLoss.every((fold) => fold.every(Number.isFinite)));
    assert.ok(r.curves.loss[2][6] < r.curves.loss[2][0]);
    assert.deepEqual(r.scores, plain.results[0].scores);
  });

  it('takes plain {x, y} rows, binary targets as classes', () => {
    const g = descent.generate('gaussian', { n: 80, seed: 9 });
    const rows = Array.from({ length: g.n }, (_, i) => [g.x[2 * i], g.x[2 * i + 1]]);
    const plain = descent.tune({ x: rows, y: Array.from(g.y) }, { base: { epochs: 3 }, folds: 4 });
    const ds = descent.tune(g, { base: { epochs: 3 }, folds: 4 });
    assert.equal(plain.metric, 'accuracy');
    assert.deepEqual(untimed(plain.results), untimed(ds.results));
    const asRegression = descent.tune({ x: g.x, features: 2, y: g.y, task: 'regression' }, { base: { epochs: 3 }, folds: 4 });
    assert.equal(asRegression.metric, 'r2');
  });

  it('cancels from onProgress before the next batch', () => {
    const events = [];
    const out = descent.tune(cancer, CANCER_GRID, {
      onProgress: (p) => {
        events.push(p);
        return !(p.type === 'epoch' && p.index === 2 && p.fold === 1 && p.epoch === 3) && undefined;
      },
    });
    assert.equal(out.cancelled, true);
    const last = events.at(-1);
    assert.deepEqual([last.type, last.index, last.fold, last.epoch], ['epoch', 2, 1, 3]);
    assert.deepEqual(out.results.map((r) => r.index).sort(), [0, 1]);
    assert.equal(out.test, null);
    const configs = events.filter((e) => e.type === 'config');
    assert.deepEqual(configs.map((e) => [e.done, e.total]), [[1, 12], [2, 12]]);
    assert.equal(configs[0].result.index, 0);
  });

  it('rejects bad options with messages that name them', () => {
    const g = descent.generate('gaussian', { n: 50, seed: 1 });
    const line = descent.generate('line', { n: 50, seed: 1 });
    const cases = [
      [{ grid: { learningRate: [0.1, -1] } }, /tune: grid\.learningRate\[1\] is -1: a learning rate must be a number > 0/],
      [{ grid: { momentum: [0.9] } }, /unknown option 'momentum' \(allowed: learningRate, batchSize/],
      [{ grid: { layers: ['16x0'] } }, /grid\.layers\[0\] is "16x0": expected hidden layer sizes/],
      [{ grid: { optimizer: ['adamw'] } }, /optimizer.*"adamw" is not one of sgd/],
      [{ grid: { epochs: [] } }, /grid\.epochs is empty/],
      [{ grid: {}, random: { draws: 2 } }, /give grid or random, not both/],
      [{ random: { learningRate: { min: 1e-3, max: 1e-1 } } }, /random\.draws is required/],
      [{ random: { draws: 3, optimizer: { min: 0, max: 1 } } }, /optimizer is drawn from a list/],
      [{ random: { draws: 3, learningRate: { min: 0, max: 1 } } }, /a learning rate must be a number > 0/],
      [{ folds: 1 }, /folds must be an integer in 2\.\.20, got 1/],
      [{ folds: 40 }, /folds must be an integer in 2\.\.20/],
      [{ metric: 'auc' }, /metric "auc" is not one of auto, loss/],
      [{ metric: 'r2' }, /metric 'r2' is for regression, but this is a classification data set/],
      [{ testFraction: 1 }, /testFraction must be in \[0, 1\)/],
      [{ grid: { learningRate: [0.1] }, base: { learningRate: 0.2 } }, /learningRate is in both grid and base/],
      [{ base: { epochs: 0 } }, /base\.epochs is 0: epochs must be an integer in 1\.\.1000000/],
      [{ bogus: 1 }, /unknown option 'bogus'/],
    ];
    for (const [options, message] of cases) assert.throws(() => descent.tune(g, options), message, JSON.stringify(options));
    assert.throws(() => descent.tune(line, { metric: 'accuracy' }), /metric 'accuracy' is for classification/);
    assert.throws(() => descent.tune({ x: [[1], [2]] }, {}), /data\.y is required/);
    assert.throws(() => descent.tune({ x: [[1], [2], [3]], y: [0, 1, 2], labels: [0, 1, 2] }, {}),
      /data has 3 classes but y has 1 column: give one-hot rows/);
    assert.throws(() => descent.tune({ x: [1, 2, 3], y: [1, 2, 3] }, {}), /data\.features is needed/);
    assert.throws(() => descent.crossValidate(g, { learningRate: 0.1 }, { folds: 30 }), /crossValidate: folds must be an integer in 2\.\.20/);
    assert.throws(() => descent.crossValidate(g, { lr: 0.1 }), /crossValidate: config: unknown option 'lr'/);
    const search = descent.createSearch(g, {});
    search.dispose();
    search.dispose();
    assert.throws(() => search.evaluate(0), /search\.evaluate: this search has been disposed/);
    const s2 = descent.createSearch(g, { grid: { epochs: [1, 2] } });
    assert.throws(() => s2.evaluate(2), /search\.evaluate: index must be an integer in 0\.\.1, got 2/);
    assert.throws(() => s2.refit(), /no configuration has been evaluated yet/);
    s2.dispose();
  });

  it('ranks NaN last and ties by index, comparing means to 12 digits', () => {
    const r = (index, mean) => ({ index, mean });
    const ranked = rankResults([r(0, 0.5), r(1, NaN), r(2, 0.7), null, r(4, 0.7 + 1e-15), r(5, 0.69)], 'accuracy');
    assert.deepEqual(ranked.map((x) => x.index), [2, 4, 5, 0, 1]);
    assert.deepEqual(rankResults([r(0, 0.5), r(1, NaN), r(2, 0.3)], 'loss').map((x) => x.index), [2, 0, 1]);
  });
});

describe('TunePool', () => {
  it('gives the sequential results for a seed, in parallel', async (t) => {
    const sequential = descent.tune(cancer, CANCER_GRID);
    const p = await pool(t, 2);
    assert.equal(p.size, 2);
    const events = [];
    const parallel = await p.tune(cancer, CANCER_GRID, { onProgress: (e) => { events.push(e); } });
    assert.deepEqual(untimed(parallel.results), untimed(sequential.results));
    const { timeMs: a, ...test } = parallel.test;
    const { timeMs: b, ...expected } = sequential.test;
    assert.deepEqual(test, expected);
    for (const key of ['mode', 'metric', 'higherIsBetter', 'folds', 'seed', 'count', 'trainRows', 'testRows']) {
      assert.equal(parallel[key], sequential[key], key);
    }
    const configs = events.filter((e) => e.type === 'config');
    assert.equal(configs.length, 12);
    assert.deepEqual(configs.map((e) => e.done), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.ok(events.some((e) => e.type === 'fold'));
    // Reusable, and the same again (random search too).
    const random = { random: { draws: 6, learningRate: { min: 1e-3, max: 0.3 }, layers: ['none', '8'] }, base: { epochs: 5 }, folds: 3, seed: 11 };
    const again = await p.tune(cancer, random);
    assert.deepEqual(untimed(again.results), untimed(descent.tune(cancer, random).results));
  });

  it('finds the learning rate that wins, with one worker', async (t) => {
    const p = await pool(t, 1);
    const line = descent.generate('line', { n: 200, noise: 0.1, seed: 3 });
    const out = await p.tune(line, LR_RACE);
    assert.deepEqual(out.results.map((r) => r.config.learningRate), [0.1, 1e-5, 1000]);
    assert.ok(out.test.score > 0.95);
    assert.equal(out.test.modelBytes, undefined);
    // refitModel: the retrained best as a model file, the same as descent.tune's refit.
    const withModel = await p.tune(line, LR_RACE, { refitModel: true });
    assert.ok(withModel.test.modelBytes instanceof Uint8Array);
    const model = descent.loadModel(withModel.test.modelBytes);
    const search = descent.createSearch(line, LR_RACE);
    try {
      const here = search.refit(withModel.best.index, { model: true });
      assert.equal(here.score, withModel.test.score);
      assert.deepEqual(model.predict(line.x.subarray(0, 10)), here.model.predict(line.x.subarray(0, 10)));
      here.model.dispose();
    } finally {
      search.dispose();
      model.dispose();
    }
    await assert.rejects(p.tune(line, LR_RACE, { refitModel: 1 }), /TunePool: refitModel must be true or false/);
  });

  it("a refit model keeps the data's names (columns, classes), in one thread and from the pool, so it reads a CSV", async (t) => {
    const p = await pool(t, 1);
    const small = { grid: { learningRate: [0.01] }, base: { epochs: 2 }, folds: 2, testFraction: 0.2, seed: 1 };
    const names = { featureNames: cancer.featureNames, targetName: cancer.targetName, classNames: cancer.classNames };
    assert.ok(names.featureNames.length > 1 && names.classNames.length === 2 && names.targetName);
    const search = descent.createSearch(cancer, small);
    search.run();
    const { model } = search.refit(undefined, { model: true });
    search.dispose();
    assert.deepEqual(model.getNames(), names);
    const pooled = descent.loadModel((await p.tune(cancer, small, { refitModel: true })).test.modelBytes);
    assert.deepEqual(pooled.getNames(), names);
    const header = names.featureNames.join(',');
    const row = Array.from(cancer.x.subarray(0, names.featureNames.length)).join(',');
    for (const m of [model, pooled]) {
      const out = await m.predictCSV(`${header}\n${row}\n`);
      assert.ok(names.classNames.includes(out.predicted[0]), `predicted ${out.predicted[0]}`);
      m.dispose();
    }
  });

  it('cancels promptly, keeps what finished, and runs again afterwards', async (t) => {
    const p = await pool(t, 2);
    const slow = { ...CANCER_GRID, base: { epochs: 2000 } };
    const started = performance.now();
    let folds = 0;
    const running = p.tune(cancer, slow, {
      onProgress: (e) => {
        if (e.type === 'fold') folds++;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(p.running, true);
    p.cancel();
    const out = await running;
    const ms = performance.now() - started;
    assert.equal(out.cancelled, true);
    assert.ok(ms < 2000, `cancel took until ${ms.toFixed(0)} ms`);
    assert.ok(out.results.length < 12);
    assert.equal(out.test, null);
    assert.equal(p.running, false);
    // New workers start for the next search.
    const line = descent.generate('line', { n: 200, noise: 0.1, seed: 3 });
    const next = await p.tune(line, LR_RACE);
    assert.equal(next.cancelled, false);
    assert.equal(next.best.config.learningRate, 0.1);
    // onProgress returning false, and an AbortSignal, cancel too.
    const byCallback = await p.tune(cancer, slow, { onProgress: (e) => (e.type === 'epoch' ? false : undefined) });
    assert.equal(byCallback.cancelled, true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const bySignal = await p.tune(cancer, slow, { signal: controller.signal });
    assert.equal(bySignal.cancelled, true);
    assert.ok(folds >= 0);
  });

  it('rejects bad options, and errors from the workers', async (t) => {
    assert.throws(() => new TunePool({ size: 0 }), /TunePool: size must be an integer in 1\.\.256, got 0/);
    assert.throws(() => new TunePool({ workers: 2 }), /unknown option 'workers'/);
    assert.ok(defaultPoolSize() >= 1);
    const p = await pool(t, 2);
    await assert.rejects(p.tune(cancer, { folds: 1 }), /search: folds must be an integer in 2\.\.20, got 1/);
    await assert.rejects(p.tune(null, {}), /TunePool: data must be/);
    // Still usable.
    const ok = await p.tune(cancer, { base: { epochs: 2 }, folds: 2 });
    assert.equal(ok.results.length, 1);
  });
});

describe('the core build', () => {
  it('leaves tuning out, and says how to load it', async () => {
    const core = await loadDescent();
    assert.equal(core.tuning, false);
    assert.equal(descent.tuning, true);
    const g = core.generate('gaussian', { n: 40, seed: 1 });
    assert.throws(() => core.tune(g, {}), /^Error: tune: tuning is in its own build: load it with loadDescent\(\{ tune: true \}\)$/);
    assert.throws(() => core.createSearch(g, {}), /^Error: createSearch: tuning is in its own build/);
    assert.throws(() => core.crossValidate(g, {}), /^Error: crossValidate: tuning is in its own build/);
    await assert.rejects(loadDescent({ tune: 'yes' }), /loadDescent: tune must be true or false, got string/);
    // The rest works the same in both builds.
    const a = core.createModel({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy', seed: 4 });
    const b = descent.createModel({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy', seed: 4 });
    const ha = a.fit(g.x, g.y, { epochs: 5, batchSize: 8, seed: 2 });
    const hb = b.fit(g.x, g.y, { epochs: 5, batchSize: 8, seed: 2 });
    assert.deepEqual(ha.history.loss, hb.history.loss);
    a.dispose();
    b.dispose();
  });

  it('keeps two tuning instances apart (a refit model belongs to its own)', async () => {
    const other = await loadDescent({ tune: true });
    const line = descent.generate('line', { n: 200, noise: 0.1, seed: 3 });
    const search = descent.createSearch(line, LR_RACE);
    try {
      const { model } = search.refit(1, { model: true });
      const [y] = model.predict([[0.5]]);
      assert.ok(Math.abs(y - 1.5) < 0.3, `predicts ${y} at x = 0.5 (y = 3x)`);
      const copy = other.loadModel(model.save());
      assert.deepEqual(model.predict([[0.5]]), copy.predict([[0.5]]));
      model.dispose();
      copy.dispose();
    } finally {
      search.dispose();
    }
  });

  it('in a worker: search needs init with tune: true', async (t) => {
    const client = await DescentClient.create({ url: new URL('worker.mjs', dist) });
    t.after(() => client.terminate());
    await assert.rejects(client.createSearch({ x: [[0], [1]], y: [0, 1] }, {}),
      /search: this worker loaded descent without tuning: send init with tune: true/);
    await assert.rejects(client.init({ tune: true }), /init: descent is already loaded with tune: false/);
    const tuned = await DescentClient.create({ url: new URL('worker.mjs', dist), tune: true });
    t.after(() => tuned.terminate());
    assert.equal((await tuned.init({})).tune, true);
  });
});

describe('README', () => {
  it('runs the tuning example as written, sequential and pooled alike', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Hyper-parameter tuning'));
    const code = section.match(/```js\n([\s\S]*?)```/)[1];
    const dir = mkdtempSync(join(tmpdir(), 'descent-readme-tune-'));
    try {
      const file = join(dir, 'example.mjs');
      writeFileSync(file, code.replace("'./descent.mjs'", JSON.stringify(new URL('descent.mjs', dist).href))
        .replace("'./tune-pool.mjs'", JSON.stringify(new URL('tune-pool.mjs', dist).href)));
      const root = fileURLToPath(new URL('../../', import.meta.url));
      const out = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: root }).trim().split('\n');
      assert.equal(out.at(-1), 'true true');
      assert.match(out.join('\n'), /learningRate: 0\.1[\s\S]*0\.98461538/);
      assert.ok(out.includes('12/12') || out.some((l) => l.startsWith('12/12 ')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker protocol: search messages', () => {
  it('evaluates, refits into a model the worker keeps, and names unknown searches', async (t) => {
    const client = await DescentClient.create({ url: new URL('worker.mjs', dist), copy: true, tune: true });
    t.after(() => client.terminate());
    const line = descent.generate('line', { n: 200, noise: 0.1, seed: 3 });
    const info = await client.createSearch(line, LR_RACE);
    assert.equal(info.count, 3);
    assert.deepEqual(info.configs.map((c) => c.learningRate), [1e-5, 0.1, 1000]);
    const progress = [];
    const r = await client.crossValidate(info.searchId, 1, { onProgress: (p) => progress.push(p.type), progressEvery: 0 });
    assert.ok(r.mean > 0.95);
    assert.equal(progress.filter((x) => x === 'epoch').length, 5 * 20);
    assert.equal(progress.filter((x) => x === 'fold').length, 5);
    const refit = await client.refit(info.searchId, 1, { model: true });
    assert.equal(refit.testRows, 40);
    assert.equal(typeof refit.modelId, 'number');
    const pred = await client.predict(refit.modelId, new Float32Array([0.5]));
    assert.ok(Math.abs(pred[0] - 1.5) < 0.3, `predicts ${pred[0]} at x = 0.5`);
    await client.disposeSearch(info.searchId);
    await assert.rejects(client.crossValidate(info.searchId, 0), (e) => e.code === ErrorCode.UNKNOWN_SEARCH && /crossValidate: unknown search id/.test(e.message));
    await assert.rejects(client.createSearch(line, { folds: 99 }), /^Error: search: folds must be an integer in 2\.\.20/);
  });
});
