// interop.test.mjs - descent models out to TensorFlow.js 4.22 and ONNX, and
// TF.js models in: the exported model predicts on raw inputs as descent does
// (scalers folded into the weights), and an imported one as TF.js does.
// Predictions agree to |a - b| <= 1e-5 * max(1, |a|).
//
// Run: DESCENT_DIST=$PWD/build-wasm/ node --test tests/js/interop.test.mjs

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dist, prng } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { toTfjs, fromTfjs } = await import(new URL('interop-tfjs.mjs', dist));

const TOL = 1e-5;
let descent;

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  descent = await loadDescent();
});

/** n rows of `inputs` raw features, each column with its own offset and spread. */
function rows(n, inputs, seed) {
  const r = prng(seed);
  const x = new Float32Array(n * inputs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < inputs; j++) x[i * inputs + j] = 10 * (j + 1) + (j + 2) * 3 * (r() * 2 - 1);
  }
  return x;
}

function assertClose(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const tol = TOL * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`);
  }
}

async function tfjsPredict(artifacts, x, inputs) {
  const m = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    const t = tf.tensor2d(x, [x.length / inputs, inputs]);
    const y = m.predict(t);
    const out = y.dataSync().slice();
    t.dispose();
    y.dispose();
    return out;
  } finally {
    m.dispose();
  }
}

/** A trained descent model of each kind the brief names, with its raw inputs. */
function trained(kind) {
  const inputs = 3;
  const x = rows(64, inputs, 7);
  let layers;
  let loss;
  let y;
  let names = null;
  if (kind === 'regression') {
    layers = [{ units: 8, activation: 'tanh' }, { units: 1 }];
    loss = 'mse';
    y = Float32Array.from({ length: 64 }, (_, i) => 5 + 0.3 * x[i * 3] - 0.2 * x[i * 3 + 1] + 0.1 * x[i * 3 + 2]);
  } else if (kind === 'binary') {
    layers = [{ units: 6, activation: 'relu' }, { units: 1, activation: 'sigmoid' }];
    loss = 'binary_crossentropy';
    y = Float32Array.from({ length: 64 }, (_, i) => (x[i * 3] + x[i * 3 + 1] > 30 ? 1 : 0));
    names = { classNames: ['no', 'yes'], featureNames: ['a', 'b', 'c'], targetName: 'label' };
  } else if (kind === 'softmax') {
    layers = [{ units: 8, activation: 'tanh' }, { units: 3, activation: 'softmax' }];
    loss = 'categorical_crossentropy';
    y = new Float32Array(64 * 3);
    for (let i = 0; i < 64; i++) y[i * 3 + (x[i * 3] > 10 ? 2 : x[i * 3 + 1] > 20 ? 1 : 0)] = 1;
    names = { classNames: ['setosa', 'versicolor', 'virginica'] };
  } else {
    layers = [{ units: 5, activation: 'leaky_relu', alpha: 0.1 }, { units: 4, activation: 'leaky_relu', alpha: 0.3, useBias: false }, { units: 1 }];
    loss = 'mse';
    y = Float32Array.from({ length: 64 }, (_, i) => Math.abs(x[i * 3] - 10));
  }
  const model = descent.createModel({ inputs, layers, loss, seed: 3 });
  const mean = [0, 1, 2].map((j) => x.filter((_, k) => k % 3 === j).reduce((a, b) => a + b, 0) / 64);
  model.setInputScaler({ mean, std: [3.1, 4.2, 5.3] });
  if (kind === 'regression') model.setTargetScaler({ mean: [5], std: [2.5] });
  if (names) model.setNames(names);
  model.fit(x, y, { epochs: 5, batchSize: 16, seed: 1 });
  return { model, x, inputs };
}

describe('toTfjs: descent -> TF.js 4.22', () => {
  for (const kind of ['regression', 'binary', 'softmax', 'leaky relu']) {
    it(`${kind}: TF.js predicts on raw inputs as descent does`, async () => {
      const { model, x, inputs } = trained(kind);
      try {
        const artifacts = toTfjs(model);
        assert.equal(artifacts.format, 'layers-model');
        assert.ok(artifacts.weightData instanceof ArrayBuffer);
        const meta = artifacts.userDefinedMetadata.descent;
        assert.deepEqual(meta.inputScaler.std, [3.1, 4.2, 5.3].map(Math.fround));
        assertClose(await tfjsPredict(artifacts, x, inputs), model.predict(x), kind);
        if (kind === 'leaky relu') {
          const leaky = artifacts.modelTopology.config.layers.filter((l) => l.class_name === 'LeakyReLU');
          assert.deepEqual(leaky.map((l) => l.config.alpha), [0.1, 0.3].map(Math.fround));
        }
        // And back: the same predictions, the scalers and names restored.
        const back = fromTfjs(descent, artifacts);
        try {
          assertClose(back.predict(x), model.predict(x), `${kind} round trip`);
          assertClose(back.getInputScaler().mean, model.getInputScaler().mean, 'input mean');
          assert.deepEqual(back.getNames(), model.getNames());
          assert.equal(back.loss, model.loss);
          if (kind === 'regression') assert.deepEqual(back.getTargetScaler(), model.getTargetScaler());
        } finally {
          back.dispose();
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('refuses a target scaler on a non-linear output, naming it', () => {
    const m = descent.createModel({ inputs: 2, layers: [{ units: 1, activation: 'tanh' }], loss: 'mse' });
    try {
      m.setTargetScaler({ mean: [1], std: [2] });
      assert.throws(() => toTfjs(m), /toTfjs: .*output layer is tanh/);
    } finally {
      m.dispose();
    }
  });
});

async function artifactsOf(tfModel) {
  let saved;
  await tfModel.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved;
}

describe('fromTfjs: TF.js -> descent', () => {
  it('a model built and trained in TF.js predicts in descent as in TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [3] }));
    m.add(tf.layers.dense({ units: 6, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 5 }));
    m.add(tf.layers.leakyReLU({ alpha: 0.15 }));
    m.add(tf.layers.dense({ units: 4, activation: 'tanh', useBias: false }));
    m.add(tf.layers.dense({ units: 3 }));
    m.add(tf.layers.activation({ activation: 'softmax' }));
    m.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.01) });
    const x = rows(48, 3, 11).map((v) => v / 20);
    const labels = Array.from({ length: 48 }, (_, i) => (x[i * 3] > 0.5 ? 2 : x[i * 3 + 1] > 1 ? 1 : 0));
    const xt = tf.tensor2d(x, [48, 3]);
    const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    await m.fit(xt, yt, { epochs: 4, batchSize: 12, shuffle: false, verbose: 0 });
    const expected = m.predict(xt).dataSync().slice();
    const model = fromTfjs(descent, await artifactsOf(m));
    try {
      assert.deepEqual(model.layers.map((l) => l.activation), ['relu', 'leaky_relu', 'tanh', 'softmax']);
      assert.equal(model.layers[1].alpha, Math.fround(0.15));
      assert.equal(model.loss, 'categorical_crossentropy');
      assertClose(model.predict(x), expected, 'TF.js-trained');
      assert.equal(model.getInputScaler(), null);
    } finally {
      model.dispose();
      m.dispose();
      xt.dispose();
      yt.dispose();
    }
  });

  it('refuses a layer descent does not have, naming its class and index', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));
    m.add(tf.layers.dropout({ rate: 0.5 }));
    m.add(tf.layers.dense({ units: 1 }));
    const a = await artifactsOf(m);
    assert.throws(() => fromTfjs(descent, a), /fromTfjs: layer 1 \(Dropout "dropout_Dropout\d+"\): descent cannot run this layer/);
    m.dispose();
    const e = tf.sequential();
    e.add(tf.layers.dense({ units: 2, inputShape: [2], activation: 'elu' }));
    const ea = await artifactsOf(e);
    assert.throws(() => fromTfjs(descent, ea), /layer 0 \(Dense "dense_Dense\d+"\) has activation "elu"/);
    e.dispose();
  });

  it('refuses artifacts whose weights do not fit the layers', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
    const a = await artifactsOf(m);
    assert.throws(() => fromTfjs(descent, { ...a, weightData: new ArrayBuffer(8) }), /need more than the 8 bytes/);
    m.dispose();
  });
});

describe('toOnnx: descent -> onnxruntime-node', () => {
  let ort = null;
  let why = '';
  let toOnnx;
  before(async () => {
    ({ toOnnx } = await import(new URL('interop-onnx.mjs', dist)));
    try {
      ort = await import('onnxruntime-node');
    } catch (e) {
      why = `onnxruntime-node cannot load here: ${e.message}`;
    }
  });

  for (const kind of ['regression', 'binary', 'softmax', 'leaky relu']) {
    it(`${kind}: onnxruntime predicts on raw inputs as descent does`, async (t) => {
      if (!ort) return t.skip(why);
      const { model, x, inputs } = trained(kind);
      try {
        const bytes = await toOnnx(model);
        assert.ok(bytes instanceof Uint8Array);
        const session = await ort.InferenceSession.create(bytes);
        try {
          assert.deepEqual(session.inputNames, ['input']);
          assert.deepEqual(session.outputNames, ['output']);
          const result = await session.run({ input: new ort.Tensor('float32', x, [x.length / inputs, inputs]) });
          assert.deepEqual(result.output.dims, [x.length / inputs, model.outputs]);
          assertClose(result.output.data, model.predict(x), kind);
        } finally {
          await session.release();
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('writes the recipe into metadata_props, and takes protobufjs as an option', async () => {
    const { model } = trained('binary');
    try {
      const protobuf = (await import('protobufjs/minimal.js')).default;
      const bytes = await toOnnx(model, { protobuf });
      assert.deepEqual(bytes, await toOnnx(model));
      assert.match(new TextDecoder().decode(bytes), /"classNames":\["no","yes"\]/);
    } finally {
      model.dispose();
    }
  });
});
