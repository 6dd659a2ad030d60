// limits.test.mjs - requests too large for the wasm build (32-bit size_t,
// at most 2 GiB of heap), hostile model files and out-of-range
// hyper-parameters: each fails with descent's own message, and the module,
// this model and every other model stay intact and usable.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.DESCENT_CLI ?? join(root, 'build', 'descent');

const MiB = 1024 * 1024;

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A model file around payload: the 16-byte header with the right length and CRC. */
function withHeader(payload) {
  const file = new Uint8Array(16 + payload.length);
  file.set([0x44, 0x53, 0x4e, 0x54]); // DSNT
  const v = new DataView(file.buffer);
  v.setUint32(4, 1, true);
  v.setUint32(8, payload.length, true);
  v.setUint32(12, crc32(payload), true);
  file.set(payload, 16);
  return file;
}

/** The payload up to and including n_params (FORMAT.md), for one dense layer and SGD. */
function headerOnlyFile(inputs, units, nParams) {
  const p = new DataView(new ArrayBuffer(120));
  let o = 0;
  const u32 = (x) => { p.setUint32(o, x, true); o += 4; };
  const f32 = (x) => { p.setFloat32(o, x, true); o += 4; };
  const f64 = (x) => { p.setFloat64(o, x, true); o += 8; };
  u32(0); u32(inputs); u32(1); u32(0); u32(1); // flags, inputs, n_layers, loss mse, seed
  u32(units); u32(0); f32(0.2); f32(0); f32(0); u32(0); f32(0.05); u32(0);
  u32(0); f64(0.01); f64(0); f64(0.9); f64(1e-7); f64(0.9); f64(0.999); f64(0.1); u32(0);
  u32(nParams);
  assert.equal(o, 120);
  return withHeader(new Uint8Array(p.buffer));
}

/** Rewrites a saved file's payload with edit(DataView of the payload), fixing the CRC. */
function patched(file, edit) {
  const payload = file.slice(16);
  edit(new DataView(payload.buffer), payload.length);
  return withHeader(payload);
}

function xy(n, inputs, outputs = 1) {
  const x = new Float32Array(n * inputs).map((_, i) => ((i * 7919) % 13) / 13 - 0.5);
  const y = new Float32Array(n * outputs).map((_, i) => (i % 3) / 3);
  return [x, y];
}

const small = (seed = 5) => ({
  inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }], optimizer: 'adam', seed,
});

function weightsOf(model) {
  return model.getWeights().map(({ kernel, bias }) => [Array.from(kernel), bias && Array.from(bias)]);
}

describe('a request larger than the wasm heap can hold', () => {
  let d;
  before(async () => { d = await loadDescent(); });

  it('a 1,000,000-unit layer at batch 358 fails with the sizes, then trains at batch 10; other models are intact', async () => {
    const before = d.createModel(small());
    const beforeWeights = weightsOf(before);
    const big = d.createModel({
      inputs: 2, layers: [{ units: 1000000, activation: 'relu' }, { units: 1 }], optimizer: 'sgd', seed: 3,
    });
    const bigWeights = big.getWeights()[1].kernel.slice(0, 16);
    const [x, y] = xy(358, 2);
    assert.throws(() => big.trainOnBatch(x, y), (e) => {
      assert.match(e.message, /trainOnBatch: the workspace for a batch of 358 rows would take 358 x 3000004 x 4 = 4296005728 bytes, more than the 2147483647 bytes/);
      return true;
    });
    assert.equal(big.stepCount, 0);
    assert.deepEqual(big.getWeights()[1].kernel.slice(0, 16), bigWeights, 'the failed call changed nothing');
    const [x10, y10] = xy(10, 2);
    assert.ok(Number.isFinite(big.trainOnBatch(x10, y10)));
    assert.equal(big.stepCount, 1);
    big.dispose();

    assert.deepEqual(weightsOf(before), beforeWeights, 'a model created before is untouched');
    const after = d.createModel(small());
    const fresh = await loadDescent();
    const reference = fresh.createModel(small());
    assert.deepEqual(weightsOf(after), weightsOf(reference), 'a model created afterwards is as in a fresh module');
    const [xs, ys] = xy(20, 3, 2);
    assert.equal(after.fit(xs, ys, { epochs: 2, batchSize: 5 }).history.loss.at(-1),
      reference.fit(xs, ys, { epochs: 2, batchSize: 5 }).history.loss.at(-1));
    for (const m of [before, after, reference]) m.dispose();
    d.createModel(small()).dispose();
  });

  it('predict and evaluate use smaller chunks when 256 rows of a huge layer do not fit; fit and trainer refuse', () => {
    const big = d.createModel({ inputs: 1, layers: [{ units: 1000000 }, { units: 1 }], optimizer: 'sgd' });
    const [x, y] = xy(300, 1);
    assert.throws(() => big.fit(x, y, { batchSize: 300 }),
      /fit: the workspace for a batch of 300 rows would take 300 x 3000003 x 4 = 3600003600 bytes, more than the 2147483647 bytes/);
    assert.throws(() => big.trainer(x, y, { batchSize: 300 }), /trainer: the workspace for a batch of 300 rows/);
    // 256 rows would need 3 GB here; predict and evaluate fall back to fewer rows at a time, with the same results.
    const all = big.predict(x);
    assert.equal(all.length, 300);
    assert.deepEqual(Array.from(big.predict(x.subarray(0, 4))), Array.from(all.subarray(0, 4)));
    assert.ok(Number.isFinite(big.evaluate(x, y)));
    big.dispose();
    d.createModel(small()).dispose();
  });

  it('2 -> 65536 -> 65536 -> 1 is refused with its real parameter count', () => {
    assert.throws(() => d.createModel({ inputs: 2, layers: [{ units: 65536 }, { units: 65536 }, { units: 1 }] }),
      /createModel: the network has 4295294977 parameters, more than the 134217728 a model may have/);
    d.createModel(small()).dispose();
  });

  it('classificationMetrics with 32,768 classes fails cleanly, and the module stays usable', () => {
    const k = 32768;
    const pred = new Float32Array(2 * k);
    const y = new Float32Array(2 * k);
    pred[1] = 1; y[1] = 1; pred[k + 5] = 1; y[k + 7] = 1;
    assert.throws(() => d.classificationMetrics(pred, y, k),
      /classificationMetrics: the confusion matrix would take 32768 x 32768 x 4 = 4294967296 bytes, more than the 2147483647 bytes/);
    const r = d.classificationMetrics([[1, 0], [0, 1]], [[1, 0], [1, 0]], 2);
    assert.deepEqual(r.confusion, [[1, 1], [0, 0]]);
    d.createModel(small()).dispose();
  });

  it('index arrays larger than the heap can hold are refused by name, before malloc sees a wrapped size', () => {
    // 2^30 + 1 rows of 4-byte indices: 4 GiB + 4 bytes, which wraps to 4 bytes in a 32-bit size_t.
    const n = 2 ** 30 + 1;
    assert.throws(() => d.kFold(n, { k: 2 }), /kFold: the folds would take 1073741825 x 4 = 4294967300 bytes, more than the 2147483647 bytes/);
    assert.throws(() => d.trainTestSplit(n, { testFraction: 0.5 }), /trainTestSplit: the training indices would take 1073741825 x 4 = 4294967300 bytes/);
    assert.deepEqual(Array.from(d.kFold(4, { k: 2, seed: 1 })).sort(), [0, 0, 1, 1]);
    d.createModel(small()).dispose();
  });

  it('malloc failing is descent\'s own error, naming the call and the size', () => {
    // Within the 2^31 - 1 bytes one allocation may take, but more than a 2 GiB heap that holds anything can give.
    assert.throws(() => d.kFold(2 ** 29 - 1, { k: 2 }),
      /kFold: out of WebAssembly memory: the folds would take 2147483644 bytes, more than the heap can grow by/);
    assert.deepEqual(Array.from(d.kFold(4, { k: 2, seed: 1 })).sort(), [0, 0, 1, 1]);
  });
});

describe('model files', () => {
  it('a 136-byte file claiming 100,000,100 parameters is refused at once, naming the field and the length', async () => {
    const d = await loadDescent();
    const file = headerOnlyFile(1000000, 100, 100000100);
    assert.equal(file.length, 136);
    const heap = d.memoryBytes;
    const t0 = performance.now();
    assert.throws(() => d.loadModel(file),
      /loadModel: model file: n_params says 100000100 parameters \(400000400 bytes\), but the file is 136 bytes long/);
    assert.ok(performance.now() - t0 < 500, `took ${performance.now() - t0} ms`);
    assert.ok(d.memoryBytes - heap < 16 * MiB, `the heap grew by ${(d.memoryBytes - heap) / MiB} MiB`);
    d.createModel(small()).dispose();
  });

  it('the CLI refuses the same file at once, without allocating gigabytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-limits-'));
    try {
      const path = join(dir, 'claims.bin');
      writeFileSync(path, headerOnlyFile(1000000, 100, 100000100));
      // 1 GiB of address space is plenty for a refusal, too little for the claimed 1.5 GB.
      const t0 = performance.now();
      const r = spawnSync('bash', ['-c', 'ulimit -v 1048576; exec "$0" info --model "$1"', cli, path],
        { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /n_params says 100000100 parameters \(400000400 bytes\), but the file is 136 bytes long/);
      assert.ok(performance.now() - t0 < 2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a header whose layers imply a different count than n_params is refused before allocating', async () => {
    const d = await loadDescent();
    assert.throws(() => d.loadModel(headerOnlyFile(1000000, 100, 7)),
      /model file: n_params is 7, but the layers imply 100000100/);
  });

  describe('optimizer state', () => {
    let d;
    let saved;
    let params;
    before(async () => {
      d = await loadDescent();
      const m = d.createModel(small());
      const [x, y] = xy(12, 3, 2);
      m.fit(x, y, { epochs: 2, batchSize: 4 });
      params = m.paramCount;
      saved = m.save({ withOptimizer: true });
      m.dispose();
    });
    // The state is the file's tail: step count u64, beta1^t f32, beta2^t f32, shuffle u64, then adam's m and v.
    const at = (len, field) => len - (24 + 2 * params * 4) + field;

    it('keeps the step count\'s full range (2^40 steps survive a round trip)', () => {
      const file = patched(saved, (v, len) => v.setBigUint64(at(len, 0), 2n ** 40n, true));
      const m = d.loadModel(file);
      assert.equal(m.stepCount, 2 ** 40);
      const again = d.loadModel(m.save({ withOptimizer: true }));
      assert.equal(again.stepCount, 2 ** 40);
      m.dispose();
      again.dispose();
    });

    it('refuses a step count beyond 2^53', () => {
      const file = patched(saved, (v, len) => v.setBigUint64(at(len, 0), 2n ** 63n + 5n, true));
      assert.throws(() => d.loadModel(file), /model file: optimizer state: the step count 9223372036854775813 is out of range 0\.\.9007199254740992/);
    });

    it('refuses non-finite or out-of-range beta powers, naming them', () => {
      assert.throws(() => d.loadModel(patched(saved, (v, len) => v.setFloat32(at(len, 8), NaN, true))),
        /model file: optimizer state: beta1\^t is NaN: it must be in \[0, 1\)/);
      assert.throws(() => d.loadModel(patched(saved, (v, len) => v.setFloat32(at(len, 12), 1, true))),
        /model file: optimizer state: beta2\^t is 1: it must be in \[0, 1\)/);
    });

    it('refuses a non-finite moment or a negative second moment, naming the array and index', () => {
      assert.throws(() => d.loadModel(patched(saved, (v, len) => v.setFloat32(at(len, 24 + 4 * 3), Infinity, true))),
        /model file: optimizer state: adam m\[3\] is infinite/);
      assert.throws(() => d.loadModel(patched(saved, (v, len) => v.setFloat32(at(len, 24 + 4 * (params + 2)), -1, true))),
        /model file: optimizer state: adam v\[2\] is -1: it must be finite and >= 0/);
    });

    it('refuses state that does not match the layers, saying how much was expected', () => {
      const payload = saved.slice(16, saved.length - 4 * params);
      assert.throws(() => d.loadModel(withHeader(payload)),
        new RegExp(`model file: optimizer state: adam keeps 2 arrays of ${params} values \\(${24 + 8 * params} bytes with the step count\\), the file has ${24 + 4 * params}`));
    });
  });
});

describe('float hyper-parameters are finite float32 values in their ranges', () => {
  let d;
  before(async () => { d = await loadDescent(); });
  const model = (optimizer, layer = {}) => d.createModel({ inputs: 2, layers: [{ units: 1, ...layer }], optimizer });

  it('refuses a learning rate beyond float32 instead of storing infinity', () => {
    assert.throws(() => model({ name: 'sgd', learningRate: 1e39 }),
      /createModel: learningRate must be a finite number > 0 \(got 1e\+39, beyond float32's largest value 3\.40282e\+38\)/);
    const m = model('sgd');
    assert.throws(() => m.setLearningRate(1e39), /setLearningRate: learningRate must be a finite number > 0 \(got 1e\+39, beyond float32/);
    assert.throws(() => m.setOptimizer({ name: 'adam', learningRate: 1e39 }), /setOptimizer: learningRate must be/);
    assert.equal(m.getOptimizer().learningRate, 0.01);
    m.dispose();
  });

  it('refuses values that become 0 or 1 as float32', () => {
    assert.throws(() => model({ name: 'adam', epsilon: 1e-50 }),
      /createModel: optimizer epsilon must be a finite number > 0 \(got 1e-50, which is 0 as a float32\)/);
    assert.throws(() => model({ name: 'adam', beta2: 0.99999999999 }),
      /createModel: optimizer beta2 must be in \[0, 1\) \(got 0\.99999999999, which is 1 as a float32\)/);
    assert.throws(() => model({ name: 'adagrad', initialAccumulatorValue: 1e-60 }), /initialAccumulatorValue must be a finite number > 0 \(got 1e-60, which is 0 as a float32\)/);
  });

  it('refuses layer values beyond float32 by their names', () => {
    assert.throws(() => model('sgd', { alpha: 1e39 }), /createModel: layers\[0\]\.alpha must be a finite number >= 0 \(got 1e\+39, beyond float32/);
    assert.throws(() => model('sgd', { l2: -1e40 }), /layers\[0\]\.l2 must be a finite number >= 0 \(got -1e\+40/);
    const m = model('sgd');
    assert.throws(() => m.setRegularization(0, { l1: 1e39 }), /setRegularization: l1 must be a finite number >= 0 \(got 1e\+39, beyond float32/);
    const [x, y] = xy(8, 2);
    assert.throws(() => m.fit(x, y, { earlyStopping: { patience: 1, minDelta: 1e39 } }), /minDelta must be a finite number >= 0 \(got 1e\+39/);
    m.dispose();
  });

  it('refuses a model file whose learning rate is beyond float32', () => {
    const m = model('sgd');
    const file = m.save();
    m.dispose();
    // the optimizer's learning_rate f64 follows flags..seed (20 bytes), one 32-byte layer and the kind.
    const bad = patched(file, (v) => v.setFloat64(20 + 32 + 4, 1e39, true));
    assert.throws(() => d.loadModel(bad), /model file: invalid model: learningRate must be a finite number > 0 \(got 1e\+39, beyond float32/);
  });

  it('the CLI refuses them too', () => {
    for (const [flag, value, why] of [['--lr', '1e39', "beyond float32"], ['--epsilon', '1e-50', 'which is 0 as a float32'],
      ['--beta1', '0.9999999999', 'which is 1 as a float32']]) {
      const r = spawnSync(cli, ['train', '--data', join(root, 'web/data/iris.csv'), '--optimizer', 'adam', flag, value],
        { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.includes(flag) && r.stderr.includes(`'${value}'`) && r.stderr.includes(why), r.stderr);
    }
  });
});
