// worker.test.mjs - the worker protocol end to end: DescentClient driving
// worker.mjs in a real worker_threads Worker. Training there must match
// model.fit in this thread bit for bit (the same wasm, the same shuffle
// stream), and pause / step / setLearningRate mid-run must not change that.
//
// Run: node --test --test-reporter=tap tests/js/
// DESCENT_DIST may name another directory (or file: URL) holding the build.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { dist, prng } from './support.mjs';

const { loadDescent, simdSupported } = await import(new URL('descent.mjs', dist));
const { DescentClient, MessageType, ErrorCode } = await import(new URL('client.mjs', dist));
const workerUrl = new URL('worker.mjs', dist);

let descent;

before(async () => {
  descent = await loadDescent();
});

/** A client on a fresh worker, terminated when the test ends. */
async function start(t, options = {}) {
  const client = await DescentClient.create({ url: workerUrl, ...options });
  t.after(() => client.terminate());
  return client;
}

/** n rows of 4 features in three noisy blobs, one-hot targets. */
function blobs(n, seed) {
  const r = prng(seed);
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === c ? 1.5 : 0) + (r() - 0.5) * 2;
    y[i * 3 + c] = 1;
  }
  return { x, y };
}

/** n rows of 3 features and 2 regression targets. */
function regression(n, seed) {
  const r = prng(seed);
  const x = new Float32Array(n * 3);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = r() * 2 - 1;
    const b = r() * 2 - 1;
    const c = r() * 2 - 1;
    x.set([a, b, c], i * 3);
    y.set([a * b + 0.5 * c, Math.sin(2 * a) - b], i * 2);
  }
  return { x, y };
}

const CIRCLE_NET = {
  inputs: 2,
  layers: [{ units: 64, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
  loss: 'binary_crossentropy',
  seed: 5,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Both models hold the same bits: weights, optimizer state and shuffle stream. */
async function assertSameModel(client, id, model) {
  assert.deepStrictEqual(await client.getWeights(id), model.getWeights());
  assert.deepStrictEqual(await client.save(id, { withOptimizer: true }), model.save({ withOptimizer: true }));
}

describe('DescentClient with worker.mjs in a worker_threads Worker', () => {
  it('init reports the build it loaded; init again is harmless', async (t) => {
    const client = await start(t);
    assert.deepEqual(Object.keys(client.info).sort(), ['simd', 'tune', 'version'], "create's init, kept");
    const info = await client.init();
    assert.deepEqual(client.info, info);
    assert.equal(info.simd, simdSupported());
    assert.match(info.version, /^\d+\.\d+\.\d+$/);
    if (info.simd) {
      await assert.rejects(client.init({ simd: false }), /init: descent is already loaded with simd: true/);
    }
    const scalar = await start(t, { simd: false });
    assert.equal((await scalar.init()).simd, false);
  });

  it('train posts progress at the chosen rate and resolves with the history', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 2000, seed: 3 });
    const id = await client.createModel({ ...CIRCLE_NET, layers: [{ units: 8, activation: 'relu' }, { units: 1, activation: 'sigmoid' }] });
    const progress = [];
    const result = await client.train(id, {
      x: data.x, y: data.y, epochs: 12, batchSize: 16, progressEvery: { epochs: 3 }, onProgress: (p) => progress.push(p),
    });
    // Every third epoch, then the final one.
    assert.deepEqual(progress.map((p) => p.epoch), [3, 6, 9, 12, 12]);
    assert.deepEqual(progress.map((p) => p.steps), [375, 750, 1125, 1500, 1500]);
    assert.equal(progress.at(-1).final, true);
    for (const p of progress) {
      assert.ok(Number.isFinite(p.loss) && p.loss > 0, `loss ${p.loss}`);
      assert.ok(p.acc >= 0 && p.acc <= 1);
      assert.ok(p.stepsPerSecond > 0 && Math.abs(p.samplesPerSecond - 16 * p.stepsPerSecond) < 1e-6 * p.samplesPerSecond);
      assert.equal(p.val_loss, undefined);
    }
    // loss and acc are the last finished epoch's.
    assert.deepEqual(progress.map((p) => p.loss), [2, 5, 8, 11, 11].map((e) => result.history.loss[e]));
    assert.deepEqual(progress.map((p) => p.acc), [2, 5, 8, 11, 11].map((e) => result.history.acc[e]));
    assert.equal(result.epochs, 12);
    assert.deepEqual(result.epoch, [...Array(12).keys()]);
    assert.equal(result.history.loss.length, 12);
    assert.equal(result.history.acc.length, 12);
    assert.equal(result.stopped, 'completed');
    assert.equal(result.steps, 1500);
    assert.ok(result.history.loss[11] < result.history.loss[0]);

    // By time: ms 0 reports after every slice of batches, so at least once before the final.
    const timed = [];
    await client.train(id, { epochs: 60, batchSize: 4, progressEvery: 0, onProgress: (p) => timed.push(p) });
    assert.ok(timed.length >= 2, `${timed.length} progress messages`);
    for (let i = 1; i < timed.length; i++) assert.ok(timed[i].steps >= timed[i - 1].steps);
    assert.equal(timed.at(-1).final, true);
    assert.equal(timed.at(-1).epoch, 60);

    // A throwing onProgress ends the train as a throwing fit callback ends fit; the worker stops the run.
    await assert.rejects(client.train(id, {
      epochs: 1000, batchSize: 1, progressEvery: 0, onProgress: () => { throw new Error('enough'); },
    }), /^Error: enough$/);
    assert.equal((await client.train(id, { epochs: 1, batchSize: 2000 })).steps, 1);
  });

  it('a train started paused runs no batch until stepped or resumed; history messages miss no epoch', async (t) => {
    const client = await start(t);
    const data = descent.generate('xor', { n: 300, seed: 8 });
    const valid = descent.generate('xor', { n: 50, seed: 9 });
    const net = { ...CIRCLE_NET, layers: [{ units: 6, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] };
    const id = await client.createModel(net);
    const progress = [];
    const training = client.train(id, {
      x: data.x, y: data.y, validationData: [valid.x, valid.y], epochs: 40, batchSize: 10, copy: true,
      paused: true, progressEvery: { ms: 1, history: true }, onProgress: (p) => progress.push(p),
    });
    await sleep(30);
    assert.deepEqual(await client.pause(id), { epoch: 0, batch: 0, steps: 0, paused: true });
    assert.equal(progress.length, 0, 'pausing a paused run reports nothing');
    const stepped = await client.step(id);
    assert.deepEqual([stepped.epoch, stepped.batch, stepped.steps], [0, 1, 1]);
    // A step while paused reports where the run is; its time is no training time.
    assert.deepEqual([progress.at(-1).steps, progress.at(-1).stepsPerSecond], [1, 0]);
    // The pause is sent with the resume, not after its reply: the worker reads
    // it after the resumed run's first slice, where waiting for the reply
    // could find the whole run (a few ms) over and 'not training'.
    const resumed = client.resume(id);
    const at = await client.pause(id);
    await resumed;
    // Pausing a running run reports where it paused.
    assert.ok(at.steps > 1 && at.paused, `paused at ${JSON.stringify(at)}`);
    assert.equal(progress.at(-1).steps, at.steps);
    await client.resume(id);
    const result = await training;
    assert.equal(result.epochs, 40);
    // The histories, joined in order, are the run's: each epoch once.
    const joined = { loss: [], val_loss: [], acc: [], val_acc: [] };
    let next = 0;
    for (const p of progress) {
      assert.equal(p.history.from, next);
      for (const key of Object.keys(joined)) joined[key].push(...p.history[key]);
      next = p.epoch;
    }
    assert.deepStrictEqual(joined, result.history);
    // Bit for bit model.fit's run.
    const here = descent.createModel(net);
    t.after(() => here.dispose());
    const fit = here.fit(data.x, data.y, { epochs: 40, batchSize: 10, validationData: [valid.x, valid.y] });
    assert.deepStrictEqual(result.history, fit.history);
    await assert.rejects(client.train(id, { epochs: 1, paused: 1 }), /train: paused must be true or false/);
    await assert.rejects(client.train(id, { epochs: 1, progressEvery: { history: 'yes' } }), /progressEvery.history must be true or false/);
  });

  it('training in the worker gives model.fit\'s numbers bit for bit', async (t) => {
    const client = await start(t);
    const cases = [
      {
        what: 'softmax, adam, shuffled from a seed, partial last batch, validationSplit',
        config: { inputs: 4, layers: [{ units: 10, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
          loss: 'categorical_crossentropy', seed: 9 },
        data: blobs(500, 1),
        fits: [{ epochs: 5, batchSize: 13, seed: 7, validationSplit: 0.2 }, { epochs: 3, batchSize: 13 }],
      },
      {
        what: 'mse, rmsprop, l2, no shuffle, validationData',
        config: { inputs: 3, layers: [{ units: 12, activation: 'leaky_relu', l2: 0.01 }, { units: 2 }],
          optimizer: { name: 'rmsprop', learningRate: 0.01 }, seed: 4 },
        data: regression(300, 2),
        validation: regression(60, 3),
        fits: [{ epochs: 4, batchSize: 32, shuffle: false }],
      },
      {
        what: 'sigmoid, nesterov, the model\'s own shuffle stream, early stopping restoring the best weights',
        config: { ...CIRCLE_NET, layers: [{ units: 6, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
          optimizer: { name: 'nesterov', learningRate: 0.5 }, seed: 21 },
        data: descent.generate('xor', { n: 200, seed: 8, noise: 0.3 }),
        fits: [{ epochs: 30, batchSize: 50, validationSplit: 0.25,
          earlyStopping: { patience: 2, minDelta: 0.001, restoreBestWeights: true } }],
      },
    ];
    for (const c of cases) {
      const model = descent.createModel(c.config);
      t.after(() => model.dispose());
      const id = await client.createModel(c.config);
      for (const options of c.fits) {
        const o = c.validation ? { ...options, validationData: [c.validation.x, c.validation.y] } : options;
        const expected = model.fit(c.data.x, c.data.y, o);
        const got = await client.train(id, { x: c.data.x, y: c.data.y, ...o, copy: true });
        const { epochs, ...rest } = got;
        assert.equal(epochs, expected.epoch.length, c.what);
        assert.deepStrictEqual(rest, expected, c.what);
      }
      await assertSameModel(client, id, model);
    }
  });

  it("train takes early stopping's patience in the core's range, 0 (off) to the most epochs of a fit, as model.fit does", async (t) => {
    const client = await start(t);
    const max = descent.vocabulary.limits.epochs;
    const config = { ...CIRCLE_NET, layers: [{ units: 6, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], seed: 12 };
    const data = descent.generate('xor', { n: 80, seed: 3, noise: 0.3 });
    const model = descent.createModel(config);
    t.after(() => model.dispose());
    const id = await client.createModel(config);
    for (const patience of [0, max]) {
      const o = { epochs: 4, batchSize: 20, seed: 2, validationSplit: 0.25, earlyStopping: { patience, restoreBestWeights: true } };
      const expected = model.fit(data.x, data.y, o);
      assert.equal(expected.stopped, 'completed');
      const { epochs, ...rest } = await client.train(id, { x: data.x, y: data.y, ...o, copy: true });
      assert.equal(epochs, 4);
      assert.deepStrictEqual(rest, expected, `patience ${patience}`);
    }
    await assertSameModel(client, id, model);
    for (const patience of [-1, max + 1]) {
      await assert.rejects(client.train(id, { x: data.x, y: data.y, epochs: 2, earlyStopping: { patience }, copy: true }), (e) => {
        assert.equal(e.code, ErrorCode.FAILED);
        assert.equal(e.message, `train: earlyStopping: patience must be an integer in 0..${max}, got ${patience}`);
        return true;
      });
    }
  });

  it('stop takes effect before the next batch and resolves the train as stopped', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 50000, seed: 4 });
    const id = await client.createModel(CIRCLE_NET);
    let stopped = null;
    let first = null;
    const began = performance.now();
    const result = await client.train(id, {
      x: data.x, y: data.y, epochs: 100, batchSize: 1, progressEvery: 0,
      onProgress: (p) => {
        first ??= p;
        stopped ??= client.stop(id);
      },
    });
    const state = await stopped;
    // Before the first epoch ends there are no logs to report.
    assert.equal(first.epoch, 0);
    assert.equal(first.batch, first.steps);
    assert.equal(first.loss, undefined);
    assert.equal(first.acc, undefined);
    assert.equal(state.paused, false);
    assert.equal(result.stopped, 'stopped');
    assert.equal(result.epochs, 0);
    assert.deepEqual(result.history.loss, []);
    // Not one batch after the stop was read; far from the 5,000,000 asked for.
    assert.equal(result.steps, state.steps);
    assert.ok(result.steps > 0 && result.steps < 50000, `${result.steps} steps`);
    assert.ok(performance.now() - began < 5000);
    // The model is idle again: stop now has nothing to stop, and training can start over.
    await assert.rejects(client.stop(id), (e) => e.code === ErrorCode.NOT_TRAINING && /stop: model \d+ is not training/.test(e.message));
    const again = await client.train(id, { epochs: 1, batchSize: 50000 });
    assert.equal(again.steps, 1);
  });

  it('pause, step and resume continue the same run: the history is model.fit\'s', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 3000, seed: 6 });
    const options = { epochs: 8, batchSize: 4, seed: 3, validationSplit: 0.1 };
    const id = await client.createModel(CIRCLE_NET);
    const progress = [];
    let paused = null;
    const training = client.train(id, {
      x: data.x, y: data.y, ...options, copy: true, progressEvery: 0,
      onProgress: (p) => {
        progress.push(p);
        paused ??= client.pause(id);
      },
    });
    while (!paused) await sleep(1);
    const at = await paused;
    assert.equal(at.paused, true);
    const seen = progress.length;
    await sleep(40);
    assert.deepEqual(await client.pause(id), at, 'nothing trains while paused');
    assert.equal(progress.length, seen);

    const one = await client.step(id);
    assert.equal(one.steps, at.steps + 1);
    assert.equal(one.stepsDone, 1);
    assert.equal(one.paused, true);
    const epoch = await client.step(id, { epoch: true });
    assert.equal(epoch.epoch, one.epoch + 1);
    assert.equal(epoch.batch, 0);
    // The rest of the epoch: 2700 training rows in batches of 4.
    assert.equal(epoch.stepsDone, 675 - one.batch);
    assert.ok(epoch.logs.val_loss > 0);
    const whole = await client.step(id, { epoch: true });
    assert.equal(whole.stepsDone, 675);
    assert.equal(whole.epoch, epoch.epoch + 1);
    await assert.rejects(client.step(id, { batchSize: 8 }), /step: a paused training run keeps its own data and options/);

    assert.equal((await client.resume(id)).paused, false);
    const result = await training;
    assert.equal(result.stopped, 'completed');
    assert.equal(result.epochs, 8);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].epoch >= progress[i - 1].epoch, 'the epoch counter never resets');
    assert.equal(progress.at(-1).epoch, 8);

    const model = descent.createModel(CIRCLE_NET);
    t.after(() => model.dispose());
    const { epochs, ...history } = result;
    assert.deepStrictEqual(history, model.fit(data.x, data.y, options));
    const logsOf = (e) => Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[e]]));
    assert.deepStrictEqual(epoch.logs, logsOf(epoch.epoch - 1));
    assert.deepStrictEqual(whole.logs, logsOf(whole.epoch - 1));
    await assertSameModel(client, id, model);
  });

  it('step with no train running keeps a trainer for stepping: its epochs are model.fit\'s', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 300, seed: 12 });
    const id = await client.createModel(CIRCLE_NET);
    await client.setData(id, { x: data.x, y: data.y, copy: true });
    // 300 rows in batches of 32: 10 batches an epoch, the last one partial.
    const first = await client.step(id, { batchSize: 32, seed: 5 });
    assert.deepEqual(first, { epoch: 0, batch: 1, steps: 1, paused: false, stepsDone: 1 });
    const rest = await client.step(id, { epoch: true });
    assert.deepEqual({ ...rest, logs: undefined }, { epoch: 1, batch: 0, steps: 10, paused: false, stepsDone: 9, logs: undefined });
    assert.ok(rest.logs.loss > 0 && rest.logs.acc >= 0);
    const second = await client.step(id, { epoch: true });
    assert.equal(second.epoch, 2);
    assert.equal(second.stepsDone, 10);

    const model = descent.createModel(CIRCLE_NET);
    t.after(() => model.dispose());
    const expected = model.fit(data.x, data.y, { epochs: 2, batchSize: 32, seed: 5 });
    assert.deepStrictEqual([rest.logs, second.logs], [0, 1].map((e) => ({ loss: expected.history.loss[e], acc: expected.history.acc[e] })));
    await assertSameModel(client, id, model);

    // New options start a new trainer; train replaces it, continuing the model's shuffle stream.
    assert.equal((await client.step(id, { batchSize: 100 })).steps, 1);
    model.fit(data.x, data.y, { epochs: 1, batchSize: 100 });
    await client.step(id, { epoch: true });
    await assertSameModel(client, id, model);
    const trained = await client.train(id, { epochs: 2, batchSize: 50 });
    assert.deepStrictEqual(trained.history, model.fit(data.x, data.y, { epochs: 2, batchSize: 50 }).history);
    // After a finished train, step starts a trainer with the default options.
    assert.deepEqual(await client.step(id), { epoch: 0, batch: 1, steps: 1, paused: false, stepsDone: 1 });
    const mirror = model.trainer(data.x, data.y);
    mirror.run(1);
    mirror.dispose();
    await assertSameModel(client, id, model);
  });

  it('setLearningRate mid-run applies from the next batch, keeping the optimizer state', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 3000, seed: 7 });
    const options = { epochs: 6, batchSize: 4, seed: 11 };
    const id = await client.createModel(CIRCLE_NET);
    let paused = null;
    const training = client.train(id, {
      x: data.x, y: data.y, ...options, copy: true, progressEvery: 0,
      onProgress: () => { paused ??= client.pause(id); },
    });
    while (!paused) await sleep(1);
    const at = await paused;
    const optimizer = await client.setLearningRate(id, 0.0003);
    assert.equal(optimizer.learningRate, 0.0003);
    assert.equal(optimizer.name, 'adam');
    await client.resume(id);
    const result = await training;
    assert.equal(result.epochs, 6);
    assert.ok(at.steps < result.steps);

    // The same change in model.fit, after the same batch.
    const model = descent.createModel(CIRCLE_NET);
    t.after(() => model.dispose());
    let batches = 0;
    const expected = model.fit(data.x, data.y, {
      ...options,
      onBatchEnd: () => {
        if (++batches === at.steps) model.setLearningRate(0.0003);
      },
    });
    assert.deepStrictEqual(result.history, expected.history);
    await assertSameModel(client, id, model);

    // setOptimizer between runs, the same name keeping Adam's moments.
    const next = { name: 'adam', learningRate: 0.001, beta1: 0.8 };
    model.setOptimizer(next);
    assert.deepStrictEqual(await client.setOptimizer(id, next), model.getOptimizer());
    const more = await client.train(id, { epochs: 1, batchSize: 64 });
    assert.deepStrictEqual(more.history, model.fit(data.x, data.y, { epochs: 1, batchSize: 64 }).history);
  });

  it('a run that diverges: the error reply carries its finished epochs; the model is rolled back, and a lower rate trains on', async (t) => {
    const client = await start(t);
    const data = regression(40, 11);
    const config = { inputs: 3, layers: [{ units: 6, activation: 'tanh' }, { units: 2 }], optimizer: { name: 'nesterov', learningRate: 0.01 }, seed: 4 };
    const options = { epochs: 50, batchSize: 8, seed: 3 };
    const id = await client.createModel(config);
    const model = descent.createModel(config);
    t.after(() => model.dispose());
    // Three epochs stepped, then a rate far too high: the run diverges in a step.
    const training = client.train(id, { x: data.x, y: data.y, ...options, paused: true, copy: true }).catch((e) => e);
    for (let e = 0; e < 3; e++) await client.step(id, { epoch: true });
    await client.setLearningRate(id, 1e6);
    let stepError = null;
    for (let i = 0; i < 10 && !stepError; i++) stepError = await client.step(id, { epoch: true }).then(() => null, (e) => e);
    const trainError = await training;
    const three = model.fit(data.x, data.y, { ...options, epochs: 3 });
    for (const e of [stepError, trainError]) {
      assert.ok(e instanceof Error);
      assert.equal(e.code, ErrorCode.FAILED);
      assert.match(e.message, /^step: epoch \d+, batch \d of 5: .*rolled back to the end of epoch 3\b.*the learning rate is 1e\+06: try a lower one/);
      // train's result shape: fit's History and the finished epochs
      assert.deepEqual(Object.keys(e.history).sort(), [...Object.keys(three), 'epochs'].sort());
      assert.equal(e.history.stopped, 'diverged');
      assert.equal(e.history.epochs, e.history.epoch.length);
      assert.deepStrictEqual(e.history.history.loss.slice(0, 3), three.history.loss);
      assert.deepEqual(e.divergence, { epoch: e.history.epochs, batch: e.divergence.batch, restoredEpochs: 3 });
    }
    assert.deepStrictEqual(trainError.history, stepError.history);
    // the rate stays as it was set (a model file records it): the rest is three epochs' fit
    await client.setLearningRate(id, 0.01);
    await assertSameModel(client, id, model);
    const more = await client.train(id, { epochs: 3, batchSize: 8 });
    assert.equal(more.stopped, 'completed');
    assert.ok(more.history.loss.every(Number.isFinite));
    assert.deepStrictEqual(more.history.loss, model.fit(data.x, data.y, { epochs: 3, batchSize: 8 }).history.loss);

    // A run that diverges while running: the train's own error reply, seen raw, carries the history.
    const raw = new Worker(workerUrl);
    t.after(() => raw.terminate());
    const replies = [];
    raw.on('message', (m) => replies.push(m));
    const send = async (id2, type, body) => {
      raw.postMessage({ id: id2, type, data: body });
      while (!replies.some((m) => m.id === id2 && m.type !== MessageType.PROGRESS)) await sleep(1);
      return replies.find((m) => m.id === id2 && m.type !== MessageType.PROGRESS);
    };
    await send(1, MessageType.INIT, {});
    const created = await send(2, MessageType.CREATE, { config: { ...config, optimizer: { name: 'sgd', learningRate: 1e6 } } });
    const reply = await send(3, MessageType.TRAIN, { modelId: created.data.modelId, x: data.x, y: data.y.map((v) => v * 1e6), epochs: 20 });
    assert.equal(reply.type, MessageType.ERROR);
    assert.match(reply.data.message, /^train: epoch \d+, batch \d of 2: .*rolled back to where it was before epoch 1/);
    assert.equal(reply.data.history.stopped, 'diverged');
    assert.equal(reply.data.history.history.loss.length, reply.data.history.epochs);
    assert.deepEqual(reply.data.divergence, { epoch: reply.data.history.epochs, batch: reply.data.divergence.batch, restoredEpochs: 0 });

    // With progressEvery.records, the epochs recorded before a divergence reach the client ahead of the error.
    const recorded = [];
    const id4 = await client.createModel(config);
    const wild = client.train(id4, { x: data.x, y: data.y, epochs: 100000, batchSize: 8, copy: true,
      progressEvery: { ms: 1e9, records: true }, onProgress: (p) => recorded.push(...p.records) }).catch((e) => e);
    await sleep(50);
    await client.setLearningRate(id4, 1e6);
    const wildError = await wild;
    assert.equal(wildError.history.stopped, 'diverged');
    assert.deepEqual(recorded.map((r) => r.epoch), wildError.history.epoch.map((e) => e + 1));
    assert.deepStrictEqual(recorded.map((r) => r.loss), wildError.history.history.loss);
  });

  it('errors come back as rejections carrying the message', async (t) => {
    const client = await start(t);
    const id = await client.createModel(CIRCLE_NET);
    const rejects = (promise, code, pattern) => assert.rejects(promise, (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      return true;
    });
    await rejects(client.predict(999, new Float32Array(2)), ErrorCode.UNKNOWN_MODEL, /unknown model id 999/);
    await rejects(client.train('m1', { epochs: 1 }), ErrorCode.UNKNOWN_MODEL, /unknown model id "m1"/);
    await rejects(client.createModel({ inputs: 2, layers: [{ units: 0 }] }), ErrorCode.FAILED,
      /^createModel: layers\[0\]: units must be an integer in 1\.\.1000000, got 0$/);
    await rejects(client.createModel({ inputs: 2, layers: [{ units: 1, activation: 'swish' }] }), ErrorCode.FAILED,
      /activation "swish" is not one of linear, relu/);
    const corrupted = await client.save(id);
    corrupted[40] ^= 1;
    await rejects(client.load(corrupted), ErrorCode.FAILED, /^loadModel: model file is corrupted: its checksum does not match/);
    await rejects(client.request('frobnicate', {}), ErrorCode.UNKNOWN_TYPE, /unknown message type "frobnicate" \(known: init, create/);
    await rejects(client.request(MessageType.RESULT, {}), ErrorCode.UNKNOWN_TYPE, /unknown message type "result"/);
    await rejects(client.train(id, { epochs: 1 }), ErrorCode.FAILED, /train: model \d+ has no training data/);
    const x = new Float32Array([0, 0, 1, 1, 2, NaN]);
    await rejects(client.train(id, { x, y: new Float32Array(3) }), ErrorCode.FAILED, /^train: x\[2\]\[1\] is NaN: inputs must be finite$/);
    const data = descent.generate('circle', { n: 10, seed: 1 });
    await rejects(client.train(id, { x: data.x, y: data.y, validationSplit: 0.99, copy: true }), ErrorCode.FAILED,
      /validationSplit 0.99 of 10 rows leaves 0 for training and 10 for validation/);
    await rejects(client.train(id, { x: data.x, y: data.y, epochs: 0, copy: true }), ErrorCode.FAILED, /epochs must be an integer in 1\.\./);
    await rejects(client.train(id, { x: data.x, y: data.y, batchSize: 2, learningRate: 1, copy: true }), ErrorCode.FAILED,
      /train: unknown option 'learningRate'/);
    await rejects(client.predict(id, new Float32Array(3)), ErrorCode.FAILED, /^predict: x has 3 values: expected a positive multiple of 2/);
    await rejects(client.step(id, { x: data.x, y: data.y, batchSize: 0, copy: true }), ErrorCode.FAILED,
      /^step: batchSize must be an integer in 1\.\./);
    await rejects(client.train(id, { x: data.x, y: data.y, progressEvery: { epochs: -1 }, copy: true }), ErrorCode.FAILED,
      /^train: progressEvery\.epochs must be an integer/);
    await rejects(client.setData(id, { x: data.x }), ErrorCode.FAILED, /^setData: x and y go together/);
    await rejects(client.setLearningRate(id, 'fast'), ErrorCode.FAILED, /setLearningRate: learningRate must be a number/);
    await rejects(client.pause(id), ErrorCode.NOT_TRAINING, /pause: model \d+ is not training/);

    // One run per model at a time.
    const big = descent.generate('circle', { n: 20000, seed: 2 });
    const first = client.train(id, { x: big.x, y: big.y, epochs: 50, batchSize: 1 });
    await rejects(client.train(id, { epochs: 1 }), ErrorCode.BUSY, /train: model \d+ is training \(request \d+\); stop it first/);
    await rejects(client.step(id), ErrorCode.BUSY, /pause it first/);
    await client.stop(id);
    assert.equal((await first).stopped, 'stopped');

    // A diverging run ends the train with descent's error, named after the request; the model is idle again.
    const wild = await client.createModel({ inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 1 }],
      optimizer: { name: 'sgd', learningRate: 1e6 } });
    const far = descent.generate('circle', { n: 64, seed: 1 });
    await rejects(client.train(wild, { x: far.x, y: far.y.map((v) => v * 1e6), epochs: 100 }), ErrorCode.FAILED,
      /^train: .*not finite/);
    await rejects(client.stop(wild), ErrorCode.NOT_TRAINING, /stop: model \d+ is not training/);
    // A step that diverges ends the paused run with the same error.
    const calm = await client.createModel({ inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 1 }],
      optimizer: { name: 'sgd', learningRate: 1e-5 } });
    const near = descent.generate('circle', { n: 64, seed: 2 });
    let pausing = null;
    let over = false;
    const ended = client.train(calm, { x: near.x, y: near.y.map((v) => v * 100), epochs: 1000, batchSize: 4, progressEvery: 0,
      onProgress: () => { pausing ??= client.pause(calm); } }).catch((e) => e).finally(() => { over = true; });
    while (!pausing && !over) await sleep(1);
    assert.equal((await pausing).paused, true);
    await client.setLearningRate(calm, 1e6);
    await rejects(client.step(calm, { epoch: true }), ErrorCode.FAILED, /^step: .*not finite/);
    assert.match((await ended).message, /^step: .*not finite/);
    await rejects(client.resume(calm), ErrorCode.NOT_TRAINING, /resume: model \d+ is not training/);

    // The worker is still fine, and a fresh worker refuses work before init.
    assert.equal((await client.predict(id, new Float32Array(4))).length, 2);
    const raw = new DescentClient(new Worker(workerUrl));
    t.after(() => raw.terminate());
    await rejects(raw.createModel(CIRCLE_NET), ErrorCode.NOT_INITIALIZED, /send 'init' first/);
  });

  it('predict, evaluate, save and load round-trip between the worker and this thread', async (t) => {
    const client = await start(t);
    const data = descent.generate('spiral', { n: 400, seed: 5 });
    const id = await client.createModel(CIRCLE_NET);
    assert.deepEqual(await client.setData(id, { x: data.x, y: data.y, validationSplit: 0.25, copy: true }),
      { rows: 400, trainRows: 300, validationRows: 100 });
    const validation = descent.generate('spiral', { n: 30, seed: 6 });
    assert.deepEqual(await client.setData(id, { validationData: [validation.x, validation.y], copy: true }),
      { rows: 400, trainRows: 400, validationRows: 30 });
    assert.deepEqual(await client.setData(id, { x: data.x, y: data.y, copy: true }),
      { rows: 400, trainRows: 400, validationRows: 0 });
    await client.train(id, { epochs: 3, batchSize: 32 });

    const bytes = await client.save(id);
    assert.ok(bytes instanceof Uint8Array);
    const here = descent.loadModel(bytes);
    t.after(() => here.dispose());
    const expected = here.predict(data.x);
    assert.deepStrictEqual(await client.predict(id, data.x, { copy: true }), expected);
    assert.equal(await client.evaluate(id, data.x, data.y, { copy: true }), here.evaluate(data.x, data.y));

    const id2 = await client.load(bytes);
    assert.notEqual(id2, id);
    assert.deepStrictEqual(await client.predict(id2, data.x, { copy: true }), expected);
    const weights = await client.getWeights(id2);
    assert.deepStrictEqual(weights, here.getWeights());
    weights[2].bias[0] += 1;
    await client.setWeights(id2, weights);
    assert.equal((await client.getWeights(id2))[2].bias[0], Math.fround(here.getWeights()[2].bias[0] + 1));
    await client.dispose(id2);
    await assert.rejects(client.predict(id2, data.x), /unknown model id/);
    await client.dispose(id);
    await assert.rejects(client.save(id), /unknown model id/);
  });

  it('layerOutputs and evaluate\'s metrics are the core\'s, as the API gives them here', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 200, seed: 3 });
    const id = await client.createModel(CIRCLE_NET);
    await client.setData(id, { x: data.x, y: data.y, copy: true });
    await client.train(id, { epochs: 2, batchSize: 32 });
    const here = descent.loadModel(await client.save(id));
    t.after(() => here.dispose());
    const outputs = await client.layerOutputs(id, data.x, { copy: true });
    assert.equal(outputs.length, 3);
    assert.deepStrictEqual(outputs, here.layerOutputs(data.x));
    assert.deepStrictEqual(outputs[2], here.predict(data.x));
    const reply = await client.request(MessageType.EVALUATE, { modelId: id, x: data.x, y: data.y }, { copy: true });
    assert.equal(reply.loss, here.evaluate(data.x, data.y));
    assert.deepEqual(reply.metrics, here.metrics(data.x, data.y));
    assert.deepEqual(await client.metrics(id, data.x, data.y, { copy: true }), reply.metrics);
    assert.equal(reply.metrics.n, 200);
    assert.ok(reply.metrics.accuracy >= 0 && reply.metrics.accuracy <= 1 && reply.metrics.confusion.length === 2);
    await assert.rejects(client.layerOutputs(id, new Float32Array(3)), /^Error: createModel|layerOutputs: x has 3 values/);
  });

  it('with test rows, progress messages and steps carry the core\'s metrics once an epoch', async (t) => {
    const client = await start(t);
    const train = regression(120, 8);
    const test = regression(40, 9);
    const id = await client.createModel({ inputs: 3, layers: [{ units: 8, activation: 'tanh' }, { units: 2 }], seed: 2 });
    assert.deepEqual(await client.setData(id, { x: train.x, y: train.y, testX: test.x, testY: test.y, copy: true }),
      { rows: 120, trainRows: 120, validationRows: 0, testRows: 40 });
    await assert.rejects(client.setData(id, { testX: test.x, copy: true }), /testX and testY go together/);
    const seen = [];
    await client.train(id, { epochs: 3, batchSize: 16, progressEvery: { epochs: 1 }, onProgress: (p) => seen.push(p) });
    const withMetrics = seen.filter((p) => p.metrics);
    assert.ok(withMetrics.length >= 3);
    assert.deepEqual(withMetrics.map((p) => p.metrics.epoch).filter((e, i, a) => a.indexOf(e) === i), [1, 2, 3]);
    const here = descent.loadModel(await client.save(id));
    t.after(() => here.dispose());
    const last = withMetrics[withMetrics.length - 1].metrics;
    assert.deepEqual(last.test, here.metrics(test.x, test.y));
    assert.deepEqual(last.train, here.metrics(train.x, train.y));
    assert.deepEqual(Object.keys(last.test).sort(), ['mae', 'mse', 'n', 'r2', 'rmse']);
    const step = await client.step(id, { epoch: true });
    assert.equal(step.metrics.epoch, 1);
    assert.equal(step.metrics.test.n, 40);
    // New training rows without test rows drop the held ones.
    await client.setData(id, { x: train.x, y: train.y, copy: true });
    assert.equal((await client.step(id, { epoch: true })).metrics, undefined);
  });

  it('progressEvery.records: every epoch\'s logs and metrics, complete and in order, in fewer messages', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 120, seed: 4 });
    const test = descent.generate('circle', { n: 60, seed: 5 });
    const net = { ...CIRCLE_NET, layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] };
    const epochs = 50;
    // This thread's run, epoch by epoch: each epoch's logs and the core's metrics after it.
    const here = descent.createModel(net);
    t.after(() => here.dispose());
    const trainer = here.trainer(data.x, data.y, { epochs, batchSize: 10, validationData: [test.x, test.y] });
    const expected = [];
    for (let e = 1; e <= epochs; e++) {
      trainer.run(trainer.state.batchesPerEpoch);
      const h = trainer.history.history;
      expected.push({ epoch: e, loss: h.loss[e - 1], val_loss: h.val_loss[e - 1], acc: h.acc[e - 1], val_acc: h.val_acc[e - 1],
        metrics: { epoch: e, train: here.metrics(data.x, data.y), test: here.metrics(test.x, test.y) } });
    }
    trainer.dispose();

    const id = await client.createModel(net);
    const run = (options) => {
      const progress = [];
      const training = client.train(id, {
        x: data.x, y: data.y, validationData: [test.x, test.y], testX: test.x, testY: test.y, epochs, batchSize: 10, copy: true,
        ...options, onProgress: (p) => progress.push(p),
      });
      return { progress, training };
    };
    const joined = (progress) => progress.flatMap((p) => p.records);

    // Reported by time (here only at the end): one message, every epoch in it.
    const slow = run({ progressEvery: { ms: 1e9, records: true } });
    await slow.training;
    assert.equal(slow.progress.length, 1);
    assert.deepStrictEqual(joined(slow.progress), expected);
    // The message's own fields still describe the last epoch.
    const last = slow.progress[0];
    assert.deepEqual([last.epoch, last.loss, last.final], [epochs, expected.at(-1).loss, true]);
    assert.deepStrictEqual(last.metrics, expected.at(-1).metrics);

    // Started paused, stepped an epoch at a time (one record each), then resumed and paused: nothing lost or repeated.
    const id2 = await client.createModel(net);
    const stepped = { progress: [] };
    stepped.training = client.train(id2, {
      x: data.x, y: data.y, validationData: [test.x, test.y], testX: test.x, testY: test.y, epochs, batchSize: 10, copy: true,
      paused: true, progressEvery: { ms: 5, epochs: 1, records: true, history: true }, onProgress: (p) => stepped.progress.push(p),
    });
    await client.step(id2, { epoch: true });
    await client.step(id2);
    await client.step(id2, { epoch: true });
    assert.deepStrictEqual(stepped.progress.map((p) => p.records.map((r) => r.epoch)), [[1], [], [2]]);
    // (sent together: the pause acts after the run's first slice, a batch)
    const [, paused] = await Promise.all([client.resume(id2), client.pause(id2)]);
    assert.equal(paused.paused, true);
    await client.resume(id2);
    const result = await stepped.training;
    assert.equal(result.epochs, epochs);
    assert.deepStrictEqual(joined(stepped.progress), expected);
    assert.ok(stepped.progress.length < epochs, `${stepped.progress.length} messages for ${epochs} epochs`);
    // The history rides along as before: each epoch once.
    assert.deepStrictEqual(stepped.progress.flatMap((p) => p.history.loss), result.history.loss);

    // Records every second epoch; without test rows (nor validation data: the same run) no metrics.
    const id3 = await client.createModel(net);
    const pairs = [];
    await client.train(id3, { x: data.x, y: data.y, epochs: 9, batchSize: 10, copy: true,
      progressEvery: { ms: 0, epochs: 2, records: true }, onProgress: (p) => pairs.push(...p.records) });
    assert.deepStrictEqual(pairs, expected.filter((r) => r.epoch % 2 === 0 && r.epoch <= 9).map(({ epoch, loss, acc }) => ({ epoch, loss, acc })));

    await assert.rejects(client.train(id3, { epochs: 1, progressEvery: { records: 1 } }), /progressEvery.records must be true or false/);
    await assert.rejects(client.train(id3, { epochs: 1, progressEvery: { records: true, epochs: 0 } }),
      /progressEvery.epochs must be an integer in 1\.\.10000000 with records, got 0/);
  });

  it('generate makes the data set this thread makes, with the seeded stratified split', async (t) => {
    const client = await start(t);
    const here = descent.generate('circle', { n: 101, noise: 0.2, seed: 9 });
    const there = await client.generate({ name: 'circle', n: 101, noise: 0.2, seed: 9 });
    assert.deepStrictEqual(there, here);
    const split = await client.generate({ name: 'circle', n: 101, noise: 0.2, seed: 9, testFraction: 0.3, splitSeed: 4 });
    assert.deepStrictEqual(split.x, here.x);
    assert.deepStrictEqual({ train: split.train, test: split.test },
      descent.trainTestSplit(101, { testFraction: 0.3, labels: here.labels, seed: 4 }));
    assert.equal(split.train.length + split.test.length, 101);
    const line = await client.generate({ name: 'line', n: 10, seed: 2, testFraction: 0.5 });
    assert.equal(line.labels, null);
    assert.deepStrictEqual({ train: line.train, test: line.test }, descent.trainTestSplit(10, { testFraction: 0.5, seed: 2 }));
    await assert.rejects(client.generate({ name: 'moons' }), /generate: name "moons" is not one of circle, xor/);
    await assert.rejects(client.generate({ name: 'xor', testFraction: 1.5 }), /testFraction/);
    await assert.rejects(client.generate({ name: 'xor', shape: 3 }), /generate: unknown option 'shape'/);
  });

  it('parseCSV, its split and scalers; setPreprocessing and describe; a saved model predicts raw rows here', async (t) => {
    const client = await start(t);
    const text = readFileSync(new URL('../../web/data/iris.csv', import.meta.url), 'utf8');
    const here = descent.parseCSV(text, { target: 'species' });
    const set = await client.parseCSV({ text, target: 'species', testFraction: 0.2, splitSeed: 3, scalers: true });
    assert.deepStrictEqual(set.x, here.x);
    assert.deepEqual(set.classNames, here.classNames);
    const split = descent.trainTestSplit(here.n, { testFraction: 0.2, labels: here.labels, seed: 3 });
    assert.deepStrictEqual(set.train, split.train);
    assert.deepStrictEqual(set.inputScaler, descent.fitScaler(descent.subset(here, split.train).x, 4));
    assert.equal(set.targetScaler, undefined, 'no target scaler for classes');
    const id = await client.createModel({ inputs: 4, layers: [{ units: 3, activation: 'softmax' }], loss: 'categorical_crossentropy', seed: 2 });
    const described = await client.setPreprocessing(id, {
      inputScaler: set.inputScaler, names: { featureNames: here.featureNames, targetName: 'species', classNames: here.classNames },
    });
    assert.deepStrictEqual(described.inputScaler, set.inputScaler);
    assert.equal(described.names.targetName, 'species');
    assert.deepEqual(described.layers.map((l) => [l.units, l.activation]), [[3, 'softmax']]);
    assert.equal(described.optimizer.name, 'adam');
    assert.deepStrictEqual(await client.describe(id), described);
    const train = descent.subset(here, set.train);
    await client.train(id, { x: train.x, y: train.y, epochs: 5, batchSize: 16, copy: true });
    const model = descent.loadModel(await client.save(id));
    t.after(() => model.dispose());
    assert.deepStrictEqual(model.predict(here.x), await client.predict(id, here.x, { copy: true }));
    await assert.rejects(client.parseCSV({ text: 'a,b\n1,2\n3,x,4\n' }), /line 3/);
    await assert.rejects(client.parseCSV({ text, scalers: true }), /parseCSV: scalers needs testFraction/);
    await assert.rejects(client.setPreprocessing(id, { inputScaler: { mean: new Float32Array(2), std: new Float32Array(2) } }), /setInputScaler/);
  });

  it('typed arrays are transferred (the caller\'s empties) unless copy is asked', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 64, seed: 9 });
    const id = await client.createModel(CIRCLE_NET);
    const x = data.x.slice();
    const y = data.y.slice();
    const training = client.train(id, { x, y, epochs: 1 });
    assert.equal(x.byteLength, 0);
    assert.equal(y.byteLength, 0);
    await training;

    const input = data.x.slice();
    const out = await client.predict(id, input);
    assert.equal(input.byteLength, 0);
    assert.ok(out instanceof Float32Array && out.length === 64);

    const kept = data.x.slice();
    await client.predict(id, kept, { copy: true });
    assert.equal(kept.byteLength, 64 * 2 * 4);
    // A view of part of a buffer is copied: giving the buffer away would empty the caller's whole array.
    const whole = data.x.slice();
    const part = await client.predict(id, whole.subarray(0, 8));
    assert.equal(whole.length, 128, 'the array the part was cut from is whole');
    assert.deepEqual(part, out.subarray(0, 4));
    const x2 = data.x.slice();
    const y2 = data.y.slice();
    await client.setData(id, { x: x2, y: y2, copy: true });
    assert.equal(x2.length, 128);

    const copying = new DescentClient(new Worker(workerUrl), { copy: true });
    t.after(() => copying.terminate());
    await copying.init();
    const id2 = await copying.createModel(CIRCLE_NET);
    const x3 = data.x.slice();
    await copying.predict(id2, x3);
    assert.equal(x3.length, 128);
  });

  it('dispose during training ends the run first', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 20000, seed: 3 });
    const id = await client.createModel(CIRCLE_NET);
    const training = client.train(id, { x: data.x, y: data.y, epochs: 50, batchSize: 1 });
    await client.dispose(id);
    assert.equal((await training).stopped, 'stopped');
    await assert.rejects(client.predict(id, new Float32Array(2)), /unknown model id/);
  });

  it('export gives the bytes the API gives: ONNX, and TF.js as model.json with weights.bin', async (t) => {
    const client = await start(t);
    const config = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy', seed: 4 };
    const id = await client.createModel(config);
    const model = descent.createModel(config);
    const onnx = await client.exportModel(id, 'onnx');
    assert.equal(onnx.format, 'onnx');
    assert.deepEqual(onnx.bytes, await model.toOnnx());
    const tfjs = await client.exportModel(id, 'tfjs');
    const artifacts = await model.toTfjs();
    const json = JSON.parse(tfjs.modelJson);
    assert.deepEqual(json.modelTopology, artifacts.modelTopology);
    assert.deepEqual(json.weightsManifest, [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]);
    assert.deepEqual(tfjs.weights, new Uint8Array(artifacts.weightData));
    await assert.rejects(client.exportModel(id, 'keras'), /export: format must be 'onnx' or 'tfjs', got "keras"/);
    model.dispose();
  });

  it('terminate() rejects every pending promise; so does the worker dying', async (t) => {
    const client = await start(t);
    const data = descent.generate('circle', { n: 20000, seed: 3 });
    const id = await client.createModel(CIRCLE_NET);
    const training = client.train(id, { x: data.x, y: data.y, epochs: 50, batchSize: 1 });
    const predicting = client.predict(id, new Float32Array(2));
    const ended = client.terminate();
    await assert.rejects(training, /^Error: descent worker terminated$/);
    await assert.rejects(predicting, /^Error: descent worker terminated$/);
    await ended;
    await assert.rejects(client.createModel(CIRCLE_NET), /descent worker terminated/);
    await client.terminate();

    const dying = new DescentClient(new Worker('setTimeout(() => { throw new Error("boom"); }, 20);', { eval: true }));
    t.after(() => dying.terminate());
    await assert.rejects(dying.init(), /descent worker failed: boom/);
    await assert.rejects(dying.init(), /descent worker failed: boom/);
  });
});
