// explore.test.mjs - the explorers of gradient descent (explore.mjs over
// core/descent_explore.h), each number checked by other means: gradients by
// central differences through setWeights + evaluate, the last update from the
// weights before and after, the range test's rates, smoothing and suggestion
// recomputed from what it returns, the race against ordinary fits, and loss
// surface points against setWeights + evaluate.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';

import { dist, prng } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));

let d;
before(async () => {
  d = await loadDescent();
});

/** n rows of 2 features and a smooth target (regression) or its sign (classification). */
function data(n, seed, classify = false) {
  const r = prng(seed);
  const x = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const a = r() * 2 - 1;
    const b = r() * 2 - 1;
    x.push([a, b]);
    const t = Math.sin(2 * a) + 0.5 * b * b;
    y.push([classify ? (t > 0.3 ? 1 : 0) : t]);
  }
  return { x, y };
}

const flat = (w) => w.flatMap((l) => [...l.kernel, ...(l.bias || [])]);
const norm = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

/** Weights of model with flat entry k moved by h (in float64, stored as float32). */
function moved(weights, k, h) {
  let i = k;
  return weights.map(({ kernel, bias }) => {
    const kk = Float32Array.from(kernel);
    const bb = bias ? Float32Array.from(bias) : null;
    if (i >= 0 && i < kk.length) kk[i] += h;
    else if (bb && i - kk.length >= 0 && i - kk.length < bb.length) bb[i - kk.length] += h;
    i -= kk.length + (bb ? bb.length : 0);
    return { kernel: kk, bias: bb };
  });
}

describe('gradientStats', () => {
  const config = {
    inputs: 2,
    layers: [{ units: 5, activation: 'tanh', l2: 0.5 }, { units: 4, activation: 'sigmoid', useBias: false }, { units: 1 }],
    loss: 'mse', optimizer: { name: 'sgd', learningRate: 0.1 }, seed: 11,
  };

  it("is the gradient of evaluate's loss (penalties left out, as evaluate leaves them), by central differences", () => {
    const { x, y } = data(300, 1); // over 256 rows: the core sums the gradient over two chunks
    const m = d.createModel(config);
    const stats = m.gradientStats(x, y);
    const w = m.getWeights();
    const h = 1e-2;
    const fd = [];
    for (let k = 0; k < m.paramCount; k++) {
      m.setWeights(moved(w, k, h));
      const up = m.evaluate(x, y);
      m.setWeights(moved(w, k, -h));
      const down = m.evaluate(x, y);
      fd.push((up - down) / (2 * h));
    }
    m.setWeights(w);
    let off = 0;
    let fanIn = 2;
    config.layers.forEach((layer, l) => {
      const k = fanIn * layer.units;
      const kernelFd = norm(fd.slice(off, off + k));
      off += k;
      assert.ok(Math.abs(stats[l].kernelGradNorm - kernelFd) <= 2e-3 * kernelFd + 1e-5, `layer ${l} kernel: ${stats[l].kernelGradNorm} vs ${kernelFd}`);
      if (layer.useBias === false) {
        assert.equal(stats[l].biasGradNorm, null);
      } else {
        const biasFd = norm(fd.slice(off, off + layer.units));
        off += layer.units;
        assert.ok(Math.abs(stats[l].biasGradNorm - biasFd) <= 2e-3 * biasFd + 1e-5, `layer ${l} bias: ${stats[l].biasGradNorm} vs ${biasFd}`);
      }
      assert.ok(Math.abs(stats[l].kernelNorm - norm(w[l].kernel)) < 1e-6 * stats[l].kernelNorm);
      assert.equal(stats[l].deadShare, null, 'no relu layer');
      fanIn = layer.units;
    });
    m.dispose();
  });

  it('gives the ratio of the last update to the weights, null before any step, and leaves the model as it was', () => {
    const { x, y } = data(40, 2);
    for (const optimizer of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']) {
      const m = d.createModel({ ...config, optimizer });
      assert.ok(m.gradientStats(x, y).every((s) => s.updateRatio === null), optimizer);
      m.trainOnBatch(x, y);
      const before = m.getWeights();
      m.trainOnBatch(x.slice(0, 20), y.slice(0, 20));
      const after = m.getWeights();
      const stats = m.gradientStats(x, y);
      const again = m.gradientStats(x, y);
      assert.deepEqual(again, stats, 'a second call sees the same last update');
      assert.deepEqual(m.getWeights(), after, 'the weights are untouched');
      after.forEach((l, i) => {
        const delta = norm(Array.from(l.kernel, (v, j) => v - before[i].kernel[j]));
        const ratio = delta / norm(l.kernel);
        assert.ok(Math.abs(stats[i].updateRatio - ratio) <= 1e-3 * ratio + 1e-9, `${optimizer} layer ${i}: ${stats[i].updateRatio} vs ${ratio}`);
      });
      // the next step is the same as without the inspection
      const twin = d.createModel({ ...config, optimizer });
      twin.trainOnBatch(x, y);
      twin.trainOnBatch(x.slice(0, 20), y.slice(0, 20));
      assert.equal(m.trainOnBatch(x, y), twin.trainOnBatch(x, y));
      assert.deepEqual(m.getWeights(), twin.getWeights());
      m.dispose();
      twin.dispose();
    }
  });

  it('counts the relu units that are zero on every row', () => {
    const { x, y } = data(50, 3);
    const m = d.createModel({ inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 1 }], seed: 5 });
    const w = m.getWeights();
    // unit 1 and unit 3 can never fire on inputs in [-1, 1]
    for (const j of [1, 3]) {
      w[0].kernel[j] = 0.1;
      w[0].kernel[4 + j] = 0.1;
      w[0].bias[j] = -1;
    }
    w[0].bias[0] = 5; // unit 0 always fires
    m.setWeights(w);
    const outs = m.layerOutputs(x)[0];
    let dead = 0;
    for (let j = 0; j < 4; j++) if (x.every((_, r) => outs[r * 4 + j] === 0)) dead++;
    const stats = m.gradientStats(x, y);
    assert.equal(stats[0].deadShare, dead / 4);
    assert.ok(dead >= 2);
    assert.equal(stats[1].deadShare, null);
    m.dispose();
  });

  it('refuses rows that do not fit the model, naming them', () => {
    const m = d.createModel(config);
    assert.throws(() => m.gradientStats([[1, 2]], [[1], [2]]), /gradientStats: x has 1 rows but y has 2/);
    m.dispose();
  });
});

describe('findLearningRate', () => {
  const config = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 1 }], loss: 'mse', optimizer: 'sgd', seed: 4 };

  it('raises the rate geometrically, smooths the loss with a bias-corrected moving average and suggests the steepest fall', async () => {
    const { x, y } = data(128, 5);
    const r = await d.findLearningRate(x, y, config, { min: 1e-4, max: 1, steps: 50, seed: 9, batchSize: 16 });
    assert.equal(r.rates.length, 50);
    assert.equal(r.stoppedEarly, false);
    r.rates.forEach((rate, k) => assert.ok(Math.abs(rate - 1e-4 * 1e4 ** (k / 49)) < 1e-9 * rate, `rate ${k}`));
    let avg = 0;
    r.rawLosses.forEach((loss, k) => {
      avg = 0.98 * avg + 0.02 * loss;
      const smoothed = avg / (1 - 0.98 ** (k + 1));
      assert.ok(Math.abs(r.losses[k] - smoothed) <= 1e-5 * smoothed, `smoothed ${k}`);
    });
    let best = 0;
    for (let i = 1; i + 1 < r.losses.length; i++) if (r.losses[i + 1] - r.losses[i] < r.losses[best + 1] - r.losses[best]) best = i;
    assert.equal(r.suggested, r.rates[best]);
    assert.deepEqual(await d.findLearningRate(x, y, config, { min: 1e-4, max: 1, steps: 50, seed: 9, batchSize: 16 }), r, 'same seed, same result');
    assert.notDeepEqual((await d.findLearningRate(x, y, config, { min: 1e-4, max: 1, steps: 50, seed: 10, batchSize: 16 })).rawLosses, r.rawLosses);
  });

  it('stops early once the loss explodes', async () => {
    const { x, y } = data(64, 6);
    const r = await d.findLearningRate(x, y, config, { min: 1e-3, max: 1e4, steps: 100, seed: 1, batchSize: 8 });
    assert.equal(r.stoppedEarly, true);
    assert.ok(r.rates.length < 100 && r.rates.length > 5, `${r.rates.length} steps`);
    // ended by a smoothed loss over 4 times the lowest, or by a non-finite one (not recorded)
    const last = r.losses[r.losses.length - 1];
    const lowest = Math.min(...r.losses.slice(0, -1));
    assert.ok(last > 4 * lowest || r.rates[r.rates.length - 1] < 1e4, `${last} vs ${lowest}`);
    assert.ok(r.suggested >= 1e-3 && r.suggested < r.rates[r.rates.length - 1]);
  });

  it('checks its options', async () => {
    const { x, y } = data(8, 1);
    await assert.rejects(() => d.findLearningRate(x, y, config, { min: 1, max: 0.1 }), /min \(1\) must be below max \(0.1\)/);
    await assert.rejects(() => d.findLearningRate(x, y, config, { steps: 1 }), /steps/);
    await assert.rejects(() => d.findLearningRate(x, y, config, { rate: 1 }), /rate/);
  });
});

describe('compareOptimizers', () => {
  const config = {
    inputs: 2, layers: [{ units: 6, activation: 'relu', l2: 0.01 }, { units: 1, activation: 'sigmoid' }],
    loss: 'binary_crossentropy', seed: 21,
  };

  it('starts every optimizer from the same weights and loss, and each run is an ordinary fit with that optimizer', async () => {
    const { x, y } = data(96, 7, true);
    const race = await d.compareOptimizers(x, y, config, { epochs: 4, batchSize: 16 });
    assert.deepEqual(race.results.map((r) => r.optimizer), ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']);
    const probe = d.createModel(config);
    const weights = probe.getWeights();
    assert.deepEqual(race.results[0].path[0], Float32Array.from(flat(weights)));
    const penalty = 0.01 * weights[0].kernel.reduce((s, v) => s + Math.fround(v * v), 0);
    assert.ok(Math.abs(race.initialLoss - (probe.evaluate(x, y) + penalty)) < 1e-6);
    probe.dispose();
    for (const r of race.results) {
      assert.deepEqual(r.path[0], race.results[0].path[0], `${r.optimizer} starts where the others do`);
      assert.equal(r.path.length, 5);
      const m = d.createModel({ ...config, optimizer: r.optimizer });
      const h = (await m.fit(x, y, { epochs: 4, batchSize: 16 })).history;
      assert.deepEqual(r.history, h.loss, `${r.optimizer}: the same losses as createModel + fit`);
      assert.equal(r.finalLoss, h.loss[3]);
      assert.deepEqual(r.path[4], Float32Array.from(flat(m.getWeights())), `${r.optimizer}: the same weights`);
      m.dispose();
    }
  });

  it('takes given hyper-parameters, and options.seed as the model seed', async () => {
    const { x, y } = data(32, 8, true);
    const race = await d.compareOptimizers(x, y, config, { optimizers: [{ name: 'sgd', learningRate: 0.5 }, 'adam'], epochs: 2, batchSize: 8, seed: 3 });
    assert.equal(race.results[0].learningRate, 0.5);
    const m = d.createModel({ ...config, seed: 3, optimizer: { name: 'sgd', learningRate: 0.5 } });
    assert.deepEqual(race.results[0].history, (await m.fit(x, y, { epochs: 2, batchSize: 8 })).history.loss);
    m.dispose();
    await assert.rejects(() => d.compareOptimizers(x, y, config, { optimizers: ['newton'] }), /optimizer/);
  });
});

describe('lossSurface', () => {
  const config = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 1 }], loss: 'mse', optimizer: 'adam', seed: 2 };

  /** The loss at theta + a·d1 + b·d2, each weight rounded as the core rounds it. */
  function direct(m, theta, dirs, a, b, x, y) {
    m.setWeights(theta.map((l, i) => {
      const mix = (t, k, which) => Math.fround(Math.fround(t + Math.fround(a * dirs[0][i][which][k])) + Math.fround(b * dirs[1][i][which][k]));
      return { kernel: l.kernel.map((t, k) => mix(t, k, 'kernel')), bias: l.bias.map((t, k) => mix(t, k, 'bias')) };
    }));
    const loss = m.evaluate(x, y);
    m.setWeights(theta);
    return loss;
  }

  it('evaluates theta + alpha·d1 + beta·d2 at every point, along filter-normalized random directions', async () => {
    const { x, y } = data(100, 9);
    const m = d.createModel(config);
    await m.fit(x, y, { epochs: 3, batchSize: 10 });
    const theta = m.getWeights();
    const s = await d.lossSurface(m, x, y, { range: 0.5, resolution: 9, seed: 4 });
    assert.deepEqual(m.getWeights(), theta, 'the weights are put back');
    assert.equal(s.alphas.length, 9);
    assert.equal(s.alphas[0], -0.5);
    assert.equal(s.alphas[8], 0.5);
    assert.equal(s.loss.length, 9);
    assert.equal(s.loss[4][4], m.evaluate(x, y), 'the centre is the model');
    for (const [i, j] of [[0, 0], [8, 0], [3, 7], [6, 2], [8, 8]]) {
      assert.equal(s.loss[j][i], direct(m, theta, s.directions, s.alphas[i], s.betas[j], x, y), `point ${i}, ${j}`);
    }
    // each unit's kernel column in a direction has that column's norm; biases stay fixed
    for (const dir of s.directions) {
      let fanIn = 2;
      dir.forEach((l, li) => {
        const units = config.layers[li].units;
        for (let j = 0; j < units; j++) {
          const col = (k) => Array.from({ length: fanIn }, (_, r) => k[r * units + j]);
          const want = norm(col(theta[li].kernel));
          assert.ok(Math.abs(norm(col(l.kernel)) - want) < 1e-5 * want + 1e-7);
        }
        assert.ok(l.bias.every((v) => v === 0));
        fanIn = units;
      });
    }
    assert.deepEqual(await d.lossSurface(m, x, y, { range: 0.5, resolution: 9, seed: 4 }), s, 'same seed, same surface');
    m.dispose();
  });

  it("uses a race path's principal components, orthonormal, and projects the path onto them", async () => {
    const { x, y } = data(100, 10);
    const race = await d.compareOptimizers(x, y, config, { optimizers: ['adam'], epochs: 8, batchSize: 10 });
    const path = race.results[0].path;
    const m = d.createModel(config);
    await m.fit(x, y, { epochs: 8, batchSize: 10 });
    const theta = m.getWeights();
    const s = await d.lossSurface(m, x, y, { directions: 'pca', path, resolution: 7 });
    const [d1, d2] = s.directions.map(flat);
    assert.ok(Math.abs(norm(d1) - 1) < 1e-5 && Math.abs(norm(d2) - 1) < 1e-5);
    assert.ok(Math.abs(d1.reduce((t, v, k) => t + v * d2[k], 0)) < 1e-5);
    assert.ok(s.variance[0] >= s.variance[1] && s.variance[0] + s.variance[1] <= 1 + 1e-9);
    // the last point of the path is the model: the origin of the plane
    const last = s.pathProjection[path.length - 1];
    assert.ok(Math.abs(last[0]) < 1e-5 && Math.abs(last[1]) < 1e-5);
    // the first: its offset from the model, along each direction
    const off = path[0].map((v, k) => v - flat(theta)[k]);
    assert.ok(Math.abs(s.pathProjection[0][0] - off.reduce((t, v, k) => t + v * d1[k], 0)) < 1e-4);
    // the grid covers the path
    for (const [a, b] of s.pathProjection) {
      assert.ok(a >= s.alphas[0] && a <= s.alphas[6] && b >= s.betas[0] && b <= s.betas[6]);
    }
    assert.equal(s.loss[2][5], direct(m, theta, s.directions, s.alphas[5], s.betas[2], x, y));
    m.dispose();
  });

  it('computes 64 x 64 at the page sizes quickly enough for the worker', async () => {
    const { x, y } = data(500, 11, true);
    const m = d.createModel({ inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy', seed: 1 });
    const t = performance.now();
    const s = await d.lossSurface(m, x, y, { resolution: 64, seed: 1 });
    const ms = performance.now() - t;
    assert.equal(s.loss.length, 64);
    assert.ok(ms < 5000, `${ms} ms`);
    console.log(`# lossSurface 64 x 64, 500 rows, 2-8-8-1: ${ms.toFixed(0)} ms`);
    m.dispose();
  });

  it('checks its options', async () => {
    const m = d.createModel(config);
    const { x, y } = data(8, 1);
    await assert.rejects(() => d.lossSurface(m, x, y, { directions: 'pca' }), /pca' needs a path/);
    await assert.rejects(() => d.lossSurface(m, x, y, { directions: 'sideways' }), /directions must be 'random' or 'pca'/);
    await assert.rejects(() => d.lossSurface(m, x, y, { resolution: 1 }), /resolution/);
    // the cap is the core's (descent.h), read at load, not a copy of it
    const cap = d.vocabulary.limits.surfaceResolution;
    assert.equal(cap, 1024);
    await assert.rejects(() => d.lossSurface(m, x, y, { resolution: cap + 1 }), new RegExp(`resolution.*${cap}`));
    await assert.rejects(() => d.lossSurface(m, x, y, { path: [new Float32Array(3)] }), /path\[0\] has 3 weights, expected the model's 33/);
    // a point may be a plain list of numbers (the types allow it); a ragged or wrong one is refused, not a TypeError
    const flatW = (w) => w.flatMap((l) => [...l.kernel, ...(l.bias || [])]);
    const plain = await d.lossSurface(m, x, y, { directions: 'pca', path: [flatW(m.getWeights()).map((v) => v + 0.1), flatW(m.getWeights())], resolution: 3 });
    assert.equal(plain.pathProjection.length, 2);
    await assert.rejects(() => d.lossSurface(m, x, y, { directions: 'pca', path: [[1, 2], [3]] }), /lossSurface: path\[0\] has 2 weights/);
    await assert.rejects(() => d.lossSurface(m, x, y, { path: [[{ kernel: 'no' }]] }), /lossSurface: path\[0\]\[0\]\.kernel/);
    m.dispose();
  });
});

describe('the tuning twin', () => {
  it('runs the explorers that build their own models, loaded on first use: the same numbers as a tuning instance in place, SIMD and scalar', async () => {
    // the core module leaves their C out (its size budget) and keeps the gradient inspector's
    assert.equal(typeof d._module._dj_model_race, 'undefined');
    assert.equal(typeof d._module._dj_model_loss_surface, 'undefined');
    assert.equal(typeof d._module._dj_model_gradient_stats, 'function');
    const { x, y } = data(60, 12);
    const config = { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 6 };
    for (const simd of [true, false]) {
      const core = simd ? d : await loadDescent({ simd: false });
      const tuned = await loadDescent({ tune: true, simd });
      assert.equal(typeof tuned._module._dj_model_race, 'function');
      const lr = { min: 1e-3, max: 1, steps: 20, seed: 2, batchSize: 10 };
      assert.deepEqual(await core.findLearningRate(x, y, config, lr), await tuned.findLearningRate(x, y, config, lr), `lr, simd ${simd}`);
      const raceOptions = { optimizers: ['momentum', 'adam'], epochs: 3, batchSize: 12 };
      const a = await core.compareOptimizers(x, y, config, raceOptions);
      assert.deepEqual(a, await tuned.compareOptimizers(x, y, config, raceOptions), `race, simd ${simd}`);
      // the surface of a model of the caller's, trained there, against the same model trained in the tuning instance
      const mine = core.createModel({ ...config, optimizer: 'adam' });
      const theirs = tuned.createModel({ ...config, optimizer: 'adam' });
      await mine.fit(x, y, { epochs: 3, batchSize: 12 });
      await theirs.fit(x, y, { epochs: 3, batchSize: 12 });
      const surface = { directions: 'pca', path: a.results[1].path, resolution: 5 };
      const s = await core.lossSurface(mine, x, y, surface);
      assert.deepEqual(s, await tuned.lossSurface(theirs, x, y, surface), `surface, simd ${simd}`);
      // the centre of a random plane is the caller's model, as its own evaluate gives it
      const r = await core.lossSurface(mine, x, y, { range: 1, resolution: 3, seed: 1 });
      assert.equal(r.loss[1][1], mine.evaluate(x, y));
      // a model is its own instance's: another's refuses it, saying how to move it (its memory is not there)
      await assert.rejects(() => tuned.lossSurface(mine, x, y, { resolution: 3 }), /lossSurface: model belongs to another descent instance.*loadModel\(model\.save\(\)\)/);
      await assert.rejects(() => core.lossSurface(theirs, x, y, { resolution: 3 }), /another descent instance/);
      mine.dispose();
      theirs.dispose();
    }
  });
});
