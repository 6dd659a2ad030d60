// deferred.test.mjs - the core module in two files (scripts/split-wasm.mjs):
// a page's start and a training run need only descent.wasm; what else the
// API does (CSV, model files, the other optimizers) loads
// descent.deferred.wasm on its first call and gives the results the whole
// module gives (the tuning build is one file, from the same C); a deferred
// part that cannot load is an Error naming it, and the next call tries again.
// Both flavours, SIMD and scalar.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { pageWorkload } from '../../scripts/split-workload.mjs';
import { dist } from './support.mjs';

const { loadDescent, simdSupported } = await import(new URL('descent.mjs', dist));
const FLAVOURS = simdSupported() ? [true, false] : [false];
const stem = (simd) => (simd ? 'descent' : 'descent-scalar');
const GARBAGE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255]);
const CSV = 'a,b,label\n1,2,no\n3,1,yes\n5,6,no\n7,3,yes\n2,2,no\n6,1,yes\n';

/** The page's start and a run (web/js as the worker serves it): the default circle net, Adam, names, a trainer, the views' reads. */
function pageStart(d) {
  const set = d.generate('circle', { n: 100, noise: 0.1, seed: 1 });
  const split = d.trainTestSplit(set.n, { testFraction: 0.5, labels: set.labels, seed: 1 });
  const train = d.subset(set, split.train);
  const test = d.subset(set, split.test);
  const y = (s) => Float32Array.from(s.y, (v) => (v > 0 ? 1 : 0));
  const model = d.createModel({
    inputs: 2,
    layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
    loss: 'binary_crossentropy', optimizer: { name: 'adam', learningRate: 0.003 }, seed: 1,
  });
  model.setNames({ featureNames: set.featureNames, targetName: 'label', classNames: ['0', '1'] });
  void [model.seed, model.stepCount, model.getNames(), model.getInputScaler()];
  const trainer = model.trainer(train.x, y(train), { epochs: 5, batchSize: 10, validationData: [test.x, y(test)] });
  trainer.run(1000);
  const out = {
    state: trainer.state, metrics: model.metrics(test.x, y(test)), predict: model.predict(test.x),
    layers: model.layerOutputs(test.x).length, stats: model.gradientStats(train.x, y(train)).length, weights: model.getWeights().length,
  };
  trainer.dispose();
  model.dispose();
  return out;
}

/** What only the deferred part does: a CSV, RMSprop, a saved model with its optimizer, loaded back. */
function coldWork(d) {
  const set = d.parseCSV(CSV);
  const model = d.createModel({
    inputs: set.features, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
    loss: 'binary_crossentropy', optimizer: 'rmsprop', seed: 3,
  });
  const history = model.fit(set.x, set.y, { epochs: 4, batchSize: 2 });
  const again = d.loadModel(model.save({ withOptimizer: true }));
  const out = { classNames: set.classNames, loss: history.loss, predict: again.predict(set.x) };
  model.dispose();
  again.dispose();
  return out;
}

for (const simd of FLAVOURS) {
  describe(`${stem(simd)}.wasm and ${stem(simd)}.deferred.wasm`, () => {
    it("a page's start and a run never call the deferred part; the first call that does says which file did not load", async () => {
      const d = await loadDescent({ simd, deferredBinary: GARBAGE });
      // What the split was profiled on (every generated set, loss and hidden activation the page offers).
      assert.ok(pageWorkload(d) > 10);
      const start = pageStart(d);
      assert.equal(start.state.epoch, 5);
      assert.ok(start.metrics.accuracy > 0);
      assert.throws(() => d.parseCSV(CSV), new RegExp(`cannot load ${stem(simd)}\\.deferred\\.wasm, the part of the module loaded on first use`));
      // The start still works after the refusal, and gives what it gave.
      assert.deepEqual(pageStart(d), start);
    });

    it('the deferred part loads on first use and gives the whole module\'s results (the tuning build, one file from the same C)', async () => {
      const split = await loadDescent({ simd });
      const whole = await loadDescent({ simd, tune: true });
      const a = coldWork(split);
      const b = coldWork(whole);
      assert.deepEqual(a.classNames, ['no', 'yes']);
      assert.deepEqual(a, b);
      assert.deepEqual(pageStart(split), pageStart(whole));
    });

    it('a deferred part missing from baseUrl is an Error naming it, and the next call, once it is there, works', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'descent-deferred-'));
      try {
        copyFileSync(fileURLToPath(new URL(`${stem(simd)}.wasm`, dist)), join(dir, `${stem(simd)}.wasm`));
        const d = await loadDescent({ simd, baseUrl: pathToFileURL(`${dir}/`) });
        assert.equal(pageStart(d).state.epoch, 5);
        assert.throws(() => d.parseCSV(CSV), (e) => e instanceof Error
          && e.message.includes(`cannot load ${stem(simd)}.deferred.wasm`) && /ENOENT|no such file/.test(e.message));
        copyFileSync(fileURLToPath(new URL(`${stem(simd)}.deferred.wasm`, dist)), join(dir, `${stem(simd)}.deferred.wasm`));
        assert.deepEqual(d.parseCSV(CSV).classNames, ['no', 'yes']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a deferred part of another build (a stale cache) is refused, not run', async () => {
      const bytes = readFileSync(fileURLToPath(new URL(`${stem(simd)}.deferred.wasm`, dist)));
      const other = Uint8Array.from(bytes);
      other[other.length - 1] ^= 1; // the build id, the last bytes of the file
      const d = await loadDescent({ simd, deferredBinary: other });
      assert.throws(() => d.parseCSV(CSV), /cannot load .*deferred\.wasm, the part of the module loaded on first use: it is not the part of this build/);
    });

    it('deferredBinary is checked, and the tuning build has no deferred part', async () => {
      await assert.rejects(loadDescent({ simd, deferredBinary: 'bytes' }), /loadDescent: deferredBinary must be an ArrayBuffer or a Uint8Array, got string/);
      await assert.rejects(loadDescent({ simd, tune: true, deferredBinary: GARBAGE }), /loadDescent: deferredBinary: the tuning build \(tune: true\) is one file/);
    });
  });
}
