// task.test.mjs - the core's task recipe from JavaScript (task.mjs over
// exports_task.c) and the model's own scores: the same decisions the CLI
// makes, so the worker, the page and tuning need not make them again.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';

import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { taskRecipe } = await import(new URL('task.mjs', dist));

describe('the task recipe', () => {
  let d;
  let task;
  before(async () => {
    d = await loadDescent();
    task = taskRecipe(d);
  });

  it('detects tasks and chooses heads as the core does', () => {
    assert.equal(task.detect('auto', { text: true }), 'classification');
    assert.equal(task.detect('auto', { allInteger: true, distinct: 3 }), 'classification');
    assert.equal(task.detect('auto', { allInteger: false, distinct: 300 }), 'regression');
    assert.equal(task.detect('regression', { text: true }), 'regression');
    assert.deepEqual(task.generator('spiral'), { task: 'classification', features: 2 });
    assert.equal(task.outputs('classification', 3).includes('softmax-cce'), true);
    assert.equal(task.outputs('regression').includes('softmax-cce'), false);
    const two = task.chooseHead({ task: 'classification', classes: 2 });
    assert.deepEqual([two.units, two.activation, two.loss, two.threshold], [1, 'sigmoid', 'binary_crossentropy', 0.5]);
    const signed = task.chooseHead({ task: 'classification', classes: 2, output: 'tanh-mse' });
    assert.deepEqual([signed.signedLabels, signed.low, signed.threshold], [true, -1, 0]);
    assert.deepEqual(Array.from(task.encode(signed, [0, 1, 1])), [-1, 1, 1]);
    assert.deepEqual(Array.from(task.decode(signed, [-0.5, 0.2, 0])), [0, 1, 1]);
    assert.deepEqual(Array.from(task.probability(signed, [-1, 0, 1])), [0, 0.5, 1]);
    const three = task.chooseHead({ task: 'classification', classes: 3 });
    assert.deepEqual(Array.from(task.encode(three, [2])), [0, 0, 1]);
    assert.equal(task.chooseHead({ task: 'regression', outputs: 2 }).units, 2);
    assert.throws(() => task.chooseHead({ task: 'regression', output: 'softmax-cce' }), /task\.chooseHead: .*softmax-cce/);
  });

  it('parses and formats hidden-layer lists, and names numeric classes', () => {
    assert.deepEqual(task.parseHidden('16x16'), { units: [16, 16], activations: [null, null] });
    assert.deepEqual(task.parseHidden('16:relu,8:tanh'), { units: [16, 8], activations: ['relu', 'tanh'] });
    assert.deepEqual(task.parseHidden('none'), { units: [], activations: [] });
    assert.throws(() => task.parseHidden('16x0'), /task\.parseHidden: .*16x0/);
    assert.equal(task.formatHidden([16, 16]), '16x16');
    assert.equal(task.formatHidden([16, 8], ['relu', 'tanh']), '16:relu,8:tanh');
    assert.equal(task.formatHidden([]), 'none');
    assert.equal(task.className(3), '3');
    assert.equal(task.className(0.5), '0.5');
  });

  it("a model's head, layer outputs and metrics", () => {
    const m = d.createModel({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
      loss: 'binary_crossentropy', seed: 1 });
    try {
      const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
      const y = new Float32Array([0, 1, 1, 0]);
      assert.equal(task.headOf(m).task, 'classification');
      const outputs = m.layerOutputs(x);
      assert.deepEqual(outputs.map((o) => o.length), [16, 4]);
      assert.deepStrictEqual(outputs[1], m.predict(x));
      const pred = m.predict(x);
      const metrics = m.metrics(x, y);
      assert.deepEqual(metrics, d.classificationMetrics(pred, y, 1));
      assert.throws(() => m.layerOutputs(new Float32Array(3)), /layerOutputs: x has 3 values/);
    } finally {
      m.dispose();
    }
    const r = d.createModel({ inputs: 1, layers: [{ units: 1 }], seed: 1 });
    try {
      const x = [[1], [2], [3]];
      const y = [[1], [2], [4]];
      assert.deepEqual(r.metrics(x, y), d.regressionMetrics(r.predict(x), y, 1));
    } finally {
      r.dispose();
    }
  });
});
