// worker-explore.test.mjs - the explorers through the worker protocol: each
// request gives what the same call gives in this thread, and the race
// reports each optimizer as it finishes.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';

import { dist, prng } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { DescentClient, MessageType } = await import(new URL('client.mjs', dist));
const workerUrl = new URL('worker.mjs', dist);

let descent;
before(async () => {
  descent = await loadDescent();
});

async function start(t) {
  const client = await DescentClient.create({ url: workerUrl });
  t.after(() => client.terminate());
  return client;
}

function rows(n, seed) {
  const r = prng(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = r() * 2 - 1;
    const b = r() * 2 - 1;
    x.set([a, b], i * 2);
    y[i] = a * a + b * b < 0.5 ? 1 : 0;
  }
  return { x, y };
}

const NET = {
  inputs: 2, layers: [{ units: 6, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  loss: 'binary_crossentropy', optimizer: 'adam', seed: 7,
};

describe('worker: explorers', () => {
  it('answers gradientStats, findLearningRate and lossSurface as the API does here', async (t) => {
    const client = await start(t);
    const { x, y } = rows(80, 1);
    const id = await client.createModel(NET);
    const here = descent.createModel(NET);
    const stats = await client.gradientStats(id, x, y, { copy: true });
    assert.equal(stats.stepCount, 0);
    assert.deepEqual(stats.layers, here.gradientStats(x, y));
    const lr = await client.findLearningRate(NET, x, y, { min: 1e-4, max: 10, steps: 30, seed: 2 }, { copy: true });
    assert.deepEqual(lr, await descent.findLearningRate(x, y, NET, { min: 1e-4, max: 10, steps: 30, seed: 2 }));
    const surface = await client.lossSurface(id, x, y, { resolution: 8, seed: 3 }, { copy: true });
    assert.deepEqual(surface, await descent.lossSurface(here, x, y, { resolution: 8, seed: 3 }));
    here.dispose();
  });

  it('runs the race one optimizer at a time, each reported as it ends', async (t) => {
    const client = await start(t);
    const { x, y } = rows(64, 2);
    const seen = [];
    const race = await client.compareOptimizers(NET, x, y, { optimizers: ['sgd', 'adam', 'rmsprop'], epochs: 3, batchSize: 16 },
      { copy: true, onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen.map((p) => [p.index, p.count, p.result.optimizer]), [[0, 3, 'sgd'], [1, 3, 'adam'], [2, 3, 'rmsprop']]);
    const direct = await descent.compareOptimizers(x, y, NET, { optimizers: ['sgd', 'adam', 'rmsprop'], epochs: 3, batchSize: 16 });
    assert.deepEqual(race, direct);
    assert.deepEqual(seen.map((p) => p.result), direct.results);
  });

  it('names the message types in the protocol', () => {
    assert.equal(MessageType.GRADIENT_STATS, 'gradientStats');
    assert.equal(MessageType.FIND_LEARNING_RATE, 'findLearningRate');
    assert.equal(MessageType.COMPARE_OPTIMIZERS, 'compareOptimizers');
    assert.equal(MessageType.LOSS_SURFACE, 'lossSurface');
  });
});
