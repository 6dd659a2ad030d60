// interop.test.mjs - descent models out to TensorFlow.js 4.22 and ONNX, and
// TF.js models in: the exported model predicts on raw inputs as descent does
// (scalers folded into the weights), and an imported one as TF.js does.
// Predictions agree to |a - b| <= 1e-5 * max(1, |a|).
//
// Run: DESCENT_DIST=$PWD/build-wasm/ node --test tests/js/interop.test.mjs

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { dist, prng } from './support.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.DESCENT_CLI ?? join(root, 'build', 'descent');

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
        // The API's methods are these modules' functions.
        assert.deepEqual(await model.toTfjs(), artifacts);
        assert.equal(artifacts.format, 'layers-model');
        assert.ok(artifacts.weightData instanceof ArrayBuffer);
        const meta = artifacts.userDefinedMetadata.descent;
        assert.deepEqual(meta.inputScaler.std, [3.1, 4.2, 5.3]);
        assertClose(await tfjsPredict(artifacts, x, inputs), model.predict(x), kind);
        if (kind === 'leaky relu') {
          const leaky = artifacts.modelTopology.config.layers.filter((l) => l.class_name === 'LeakyReLU');
          assert.deepEqual(leaky.map((l) => l.config.alpha), [0.1, 0.3]);
        }
        // And back: the same predictions, the scalers and names restored.
        const back = await descent.fromTfjs(artifacts);
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

  it("takes a Keras model as tensorflowjs_converter writes it (model_config, batch_shape, scoped weight names)", async () => {
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } };
    const topology = {
      keras_version: '3.0.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32', name: 'input_layer' } },
            { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', units: 3, activation: 'tanh', use_bias: true, dtype } },
            { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense_1', units: 1, activation: 'sigmoid', use_bias: true, dtype } },
          ],
        },
      },
    };
    // The weights listed out of layer order, under a scope: found by name.
    const specs = [
      { name: 'sequential/dense_1/kernel', shape: [3, 1], dtype: 'float32' },
      { name: 'sequential/dense_1/bias', shape: [1], dtype: 'float32' },
      { name: 'sequential/dense/kernel', shape: [2, 3], dtype: 'float32' },
      { name: 'sequential/dense/bias', shape: [3], dtype: 'float32' },
    ];
    const k2 = [0.5, -0.25, 1];
    const b2 = [0.1];
    const k1 = [0.2, -0.4, 0.6, -0.8, 1, 0.3];
    const b1 = [0, 0.05, -0.05];
    const weightData = Float32Array.from([...k2, ...b2, ...k1, ...b1]).buffer;
    const model = await descent.fromTfjs({ modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights: specs }], weightData });
    try {
      assert.equal(model.loss, 'binary_crossentropy');
      const x = [1, 2, -0.5, 0.25];
      const expected = [];
      for (let r = 0; r < 2; r++) {
        const h = [0, 1, 2].map((j) => Math.tanh(x[r * 2] * k1[j] + x[r * 2 + 1] * k1[3 + j] + b1[j]));
        expected.push(1 / (1 + Math.exp(-(h[0] * k2[0] + h[1] * k2[1] + h[2] * k2[2] + b2[0]))));
      }
      assertClose(model.predict(x), expected, 'Keras-shaped');
      // And descent import reads the same files.
      const dir = mkdtempSync(join(tmpdir(), 'descent-keras-'));
      try {
        writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology,
          weightsManifest: [{ paths: ['w.bin'], weights: specs }] }, null, 2));
        writeFileSync(join(dir, 'w.bin'), new Uint8Array(weightData));
        execFileSync(cli, ['import', '--from', join(dir, 'model.json'), '--out', join(dir, 'm.bin')]);
        const imported = descent.loadModel(readFileSync(join(dir, 'm.bin')));
        assertClose(imported.predict(x), expected, 'Keras-shaped, imported by the CLI');
        imported.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      model.dispose();
    }
  });

  it('drops a bias added only to hold a folded scaler: the same layers, weights, scalers and training', async () => {
    const cases = [
      // The first layer without a bias holds the input scaler.
      [{ inputs: 2, layers: [{ units: 3, activation: 'tanh', useBias: false }, { units: 1, activation: 'sigmoid' }],
        loss: 'binary_crossentropy' }, false, [0]],
      // The output layer without a bias holds the target scaler.
      [{ inputs: 2, layers: [{ units: 4, activation: 'relu' }, { units: 2, useBias: false }], loss: 'mse' }, true, [1]],
      // One layer holds both.
      [{ inputs: 2, layers: [{ units: 1, useBias: false }], loss: 'mse' }, true, [0]],
      [{ inputs: 2, layers: [{ units: 3, activation: 'tanh', useBias: false }, { units: 1, useBias: false }], loss: 'mse' }, true, [0, 1]],
    ];
    const x = Float32Array.from({ length: 40 }, (_, k) => (k % 2 ? 2 + 4 * Math.cos(3 * k) : 1 + 3 * Math.sin(k)));
    for (const [config, regression, added] of cases) {
      const what = JSON.stringify(config.layers);
      const m = descent.createModel({ ...config, seed: 5 });
      m.setInputScaler({ mean: [1, 2], std: [3, 4] });
      if (regression) m.setTargetScaler({ mean: Array(m.outputs).fill(50), std: Array(m.outputs).fill(7) });
      const y = Float32Array.from({ length: 20 * m.outputs }, (_, k) => {
        const i = Math.floor(k / m.outputs);
        return regression ? 50 + 10 * x[2 * i] - 3 * x[2 * i + 1] + k % m.outputs : (x[2 * i] > 1 ? 1 : 0);
      });
      const artifacts = toTfjs(m);
      assert.deepEqual(artifacts.userDefinedMetadata.descent.addedBias, added, what);
      const back = fromTfjs(descent, artifacts);
      try {
        assert.deepEqual(back.layers, m.layers, `${what}: layers`);
        assert.equal(back.paramCount, m.paramCount, `${what}: paramCount`);
        const [wm, wb] = [m.getWeights(), back.getWeights()];
        wm.forEach((w, l) => {
          // The unfolding rounds each weight once or twice to float32.
          for (const part of ['kernel', 'bias']) {
            if (w[part] === null) {
              assert.equal(wb[l][part], null, `${what}: layer ${l} ${part}`);
              continue;
            }
            w[part].forEach((v, k) => assert.ok(Math.abs(wb[l][part][k] - v) <= 1e-6 * Math.max(1, Math.abs(v)),
              `${what}: layer ${l} ${part}[${k}]: ${wb[l][part][k]} vs ${v}`));
          }
        });
        assert.deepEqual(back.getInputScaler(), m.getInputScaler());
        assert.deepEqual(back.getTargetScaler(), m.getTargetScaler());
        // And it trains on as before: the same losses, epoch by epoch.
        const options = { epochs: 5, batchSize: 4, seed: 7 };
        const [la, lb] = [m.fit(x, y, options).history.loss, back.fit(x, y, options).history.loss];
        la.forEach((v, e) => assert.ok(Math.abs(lb[e] - v) <= 1e-6 * Math.abs(v), `${what}: epoch ${e} loss ${lb[e]} vs ${v}`));
      } finally {
        back.dispose();
        m.dispose();
      }
    }
  });

  it('keeps an added bias trained since in TF.js, and refuses an addedBias that does not fit the layers', async () => {
    const m = descent.createModel({ inputs: 2, layers: [{ units: 3, activation: 'tanh', useBias: false }, { units: 1, activation: 'sigmoid' }],
      loss: 'binary_crossentropy', seed: 5 });
    m.setInputScaler({ mean: [1, 2], std: [3, 4] });
    const artifacts = toTfjs(m);
    m.dispose();
    // The first layer's bias follows its kernel (2 x 3) in weightData: move it off the folded value.
    const weights = new Float32Array(artifacts.weightData.slice(0));
    assert.equal(artifacts.weightSpecs[1].name, 'dense_Dense1/bias');
    for (let j = 0; j < 3; j++) weights[6 + j] += 0.01 * (j + 1);
    const trainedSince = { ...artifacts, weightData: weights.buffer };
    const back = fromTfjs(descent, trainedSince);
    try {
      assert.equal(back.layers[0].useBias, true);
      const x = [1, 2, -0.5, 0.25, 7, -3];
      assertClose(back.predict(x), await tfjsPredict(trainedSince, x, 2), 'trained since');
    } finally {
      back.dispose();
    }
    for (const addedBias of [[2], [-1], 'x', [0.5]]) {
      const bad = { ...artifacts, userDefinedMetadata: { descent: { ...artifacts.userDefinedMetadata.descent, addedBias } } };
      assert.throws(() => fromTfjs(descent, bad), /fromTfjs: userDefinedMetadata\.descent\.addedBias must be an array of indices of layers with a bias/);
    }
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
        assert.deepEqual(await model.toOnnx(), bytes);
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

/** Reads `descent predict`'s CSV: the columns named p_* (or the one predicted value) as floats. */
function predictedColumns(csv, outputs) {
  const [header, ...lines] = csv.trim().split('\n');
  const names = header.split(',');
  const cols = names.map((n, i) => (n.startsWith('p_') ? i : -1)).filter((i) => i >= 0);
  // Two classes: one sigmoid output, the probability of the second class.
  const use = cols.length ? cols.slice(cols.length - outputs) : [names.length - 1];
  return Float32Array.from(lines.flatMap((line) => {
    const f = line.split(',');
    return use.map((i) => Number(f[i]));
  }));
}

describe('descent export / import (the CLI)', () => {
  const data = join(root, 'web', 'data');
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'descent-interop-'));
  });

  const cases = [
    ['iris (softmax, leaky relu)', 'iris.csv', 'species', ['--layers', '8:leaky_relu,6', '--alpha', '0.1']],
    ['breast_cancer (sigmoid)', 'breast_cancer.csv', 'diagnosis', ['--layers', '10']],
    ['diabetes (regression, target scaler)', 'diabetes.csv', 'progression', ['--layers', '10:tanh']],
  ];
  for (const [label, file, target, flags] of cases) {
    it(`${label}: TF.js and fromTfjs predict what descent predict does`, async () => {
      const csv = join(data, file);
      const model = join(dir, `${file}.bin`);
      const out = join(dir, file);
      execFileSync(cli, ['train', '--data', csv, '--target', target, ...flags, '--epochs', '20', '--quiet', '--save', model]);
      execFileSync(cli, ['export', '--format', 'tfjs', '--model', model, '--out', out]);
      const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
      const bytes = readFileSync(join(out, 'weights.bin'));
      const artifacts = {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        format: json.format,
        userDefinedMetadata: json.userDefinedMetadata,
      };
      const loaded = descent.loadModel(readFileSync(model));
      try {
        const predict = (m) => predictedColumns(execFileSync(cli, ['predict', '--model', m, '--data', csv]).toString(), loaded.outputs);
        const expected = predict(model);
        const { featureNames } = loaded.getNames();
        // The features in the model's order, read from the CSV by name.
        const text = readFileSync(csv, 'utf8').trim().split('\n');
        const header = text[0].split(',');
        const idx = featureNames.map((n) => header.indexOf(n));
        const raw = Float32Array.from(text.slice(1).flatMap((line) => {
          const f = line.split(',');
          return idx.map((i) => Number(f[i]));
        }));
        assertClose(await tfjsPredict(artifacts, raw, featureNames.length), expected, `${label} in TF.js`);
        // The export is what descent's JS export gives (same layers, folding and recipe).
        const js = toTfjs(loaded);
        assert.deepEqual(json.userDefinedMetadata, JSON.parse(JSON.stringify(js.userDefinedMetadata)));
        assert.deepEqual(json.modelTopology, JSON.parse(JSON.stringify(js.modelTopology)));
        assert.deepEqual(new Uint8Array(artifacts.weightData), new Uint8Array(js.weightData), `${label}: weights.bin is toTfjs's weightData`);
        const back = fromTfjs(descent, artifacts);
        try {
          assertClose(back.predict(raw), expected, `${label} fromTfjs`);
        } finally {
          back.dispose();
        }
        // And import reads it back: the same predictions through the CLI.
        const imported = join(dir, `${file}.imported.bin`);
        execFileSync(cli, ['import', '--from', join(out, 'model.json'), '--out', imported]);
        assertClose(predict(imported), expected, `${label} import`);
      } finally {
        loaded.dispose();
      }
    });
  }

  it('import takes a model trained in TF.js and refuses what descent cannot run', async () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));
    m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    const a = await artifactsOf(m);
    const sub = join(dir, 'tfjs');
    execFileSync('mkdir', ['-p', sub]);
    writeFileSync(join(sub, 'model.json'), JSON.stringify({ format: a.format, modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }] }));
    writeFileSync(join(sub, 'w.bin'), new Uint8Array(a.weightData));
    execFileSync(cli, ['import', '--from', join(sub, 'model.json'), '--out', join(sub, 'm.bin')]);
    const x = Float32Array.from([0.5, -1, 2, 0.25, -0.3, 0.1]);
    const imported = descent.loadModel(readFileSync(join(sub, 'm.bin')));
    try {
      const xt = tf.tensor2d(x, [3, 2]);
      assertClose(imported.predict(x), m.predict(xt).dataSync(), 'imported');
      xt.dispose();
    } finally {
      imported.dispose();
    }
    m.dispose();
    // A Dropout layer, by class, index and place in the file.
    const d = tf.sequential();
    d.add(tf.layers.dense({ units: 4, inputShape: [2] }));
    d.add(tf.layers.dropout({ rate: 0.5 }));
    const da = await artifactsOf(d);
    writeFileSync(join(sub, 'model.json'), JSON.stringify({ modelTopology: da.modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights: da.weightSpecs }] }, null, 1));
    let err = null;
    try {
      execFileSync(cli, ['import', '--from', join(sub, 'model.json'), '--out', join(sub, 'x.bin')], { stdio: 'pipe' });
    } catch (e) {
      err = e;
    }
    assert.ok(err, 'import must fail');
    assert.equal(err.status, 1);
    assert.match(err.stderr.toString(), /model\.json:\d+:\d+: layer 1 \(Dropout "dropout_Dropout\d+"\): descent cannot run this layer/);
    d.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});
