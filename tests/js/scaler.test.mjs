// scaler.test.mjs - a standard deviation of 0 (a constant column, or a scaler
// set by hand or sent to the worker) never turns features into Infinity or
// NaN: fitted scalers use 1 for constant columns everywhere they are made,
// and a scaler that would overflow is refused with a message saying where.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { DescentClient } = await import(new URL('client.mjs', dist));

const allFinite = (a) => Array.from(a).every(Number.isFinite);
// Column 1 is constant.
const CSV = 'a,b,y\n1,5,0.5\n2,5,1.5\n3,5,0.25\n4,5,2.5\n5,5,0.75\n6,5,3.5\n';

describe('scalers never make features infinite', () => {
  let d;
  before(async () => { d = await loadDescent({ tune: true }); });

  it('fitScaler gives 1 for a constant column, and applying it stays finite', () => {
    const x = new Float32Array([1, 5, 2, 5, 3, 5]);
    const s = d.fitScaler(x, 2);
    assert.equal(s.std[1], 1);
    const z = d.applyScaler(x, s);
    assert.ok(allFinite(z));
    assert.deepEqual(Array.from(z.filter((_, i) => i % 2 === 1)), [0, 0, 0]);
  });

  it('applyScaler refuses a std of 0, or one so small that a value overflows', () => {
    const x = new Float32Array([1, 5, 2, 5]);
    assert.throws(() => d.applyScaler(x, { mean: [0, 5], std: [1, 0] }), /^Error: applyScaler: scaler\.std\[1\] is 0: it must be a finite number > 0/);
    assert.throws(() => d.applyScaler(x, { mean: [0, 0], std: [1, 1e-40] }), /^Error: applyScaler: x\[0\]\[1\] is 5: standardized with mean 0 and std .* it is not finite/);
    assert.throws(() => d.applyScaler(x, { mean: [0, NaN], std: [1, 1] }), /applyScaler: scaler\.mean\[1\] is NaN/);
  });

  it('a model refuses a std of 0, and an input its tiny std would make infinite', () => {
    const m = d.createModel({ inputs: 2, layers: [{ units: 1 }] });
    try {
      assert.throws(() => m.setInputScaler({ mean: [0, 0], std: [1, 0] }), /setInputScaler: scaler\.std\[1\] is 0/);
      assert.throws(() => m.setTargetScaler({ mean: [0], std: [-1] }), /setTargetScaler: scaler\.std\[0\] is -1/);
      m.setInputScaler({ mean: [0, 0], std: [1, 1e-40] });
      assert.ok(allFinite(m.predict([[1, 0]])));
      assert.throws(() => m.predict([[1, 0], [1, 2]]), /^Error: predict: x\[1\]\[1\] is 2, which the model's input scaler .* makes infinite/);
      assert.throws(() => m.trainOnBatch([[1, 2]], [0]), /trainOnBatch: x\[0\]\[1\] is 2, which the model's input scaler/);
      assert.throws(() => m.fit([[1, 2]], [0]), /fit: x\[0\]\[1\] is 2, which the model's input scaler/);
      // The same from a saved file: the scaler travels with the model.
      const again = d.loadModel(m.save());
      assert.throws(() => again.evaluate([[1, 2]], [0]), /evaluate: x\[0\]\[1\] is 2/);
      again.dispose();
    } finally {
      m.dispose();
    }
  });

  it('a search standardizes each fold with std 1 for a constant column', () => {
    const data = d.parseCSV(CSV, { task: 'regression' });
    const r = d.crossValidate(data, { epochs: 2, batchSize: 2, layers: [] }, { folds: 2, metric: 'rmse' });
    assert.ok(Number.isFinite(r.mean), `rmse ${r.mean}`);
  });
});

describe('the worker fits scalers the same way and refuses a std of 0', () => {
  let client;
  before(async () => { client = await DescentClient.create({ url: new URL('worker.mjs', dist), copy: true }); });
  after(() => client.terminate());

  it('parseCSV with scalers gives std 1 for a constant column', async () => {
    const set = await client.parseCSV({ text: CSV, task: 'regression', testFraction: 0.5, scalers: true });
    assert.equal(set.inputScaler.std[1], 1);
    assert.ok(allFinite(set.inputScaler.std) && set.inputScaler.std.every((s) => s > 0));
  });

  it('setPreprocessing refuses a std of 0', async () => {
    const id = await client.createModel({ inputs: 2, layers: [{ units: 1 }] });
    await assert.rejects(client.setPreprocessing(id, { inputScaler: { mean: [0, 0], std: [0, 1] } }),
      /setInputScaler: scaler\.std\[0\] is 0/);
    const info = await client.describe(id);
    assert.equal(info.inputScaler, null);
  });
});
