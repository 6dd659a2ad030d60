// recipe.test.mjs - descent.trainCSV and model.predictCSV against the CLI
// they mirror: the same file and options give the same model (its split,
// scalers, names and layers; weights to float precision, since the CLI runs
// natively and the module in wasm), the same scores as `descent train`
// prints them and the same predictions as `descent predict --keep`, because
// both call the library's recipe (core/recipe.c, core/model_csv.c).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.DESCENT_CLI ?? join(root, 'build', 'descent');
const data = (name) => join(root, 'web', 'data', name);

/** `descent train` with flags; its stdout and the saved model. */
function cliTrain(dir, flags) {
  const model = join(dir, `m${Math.random().toString(36).slice(2)}.bin`);
  const out = execFileSync(cli, ['train', ...flags, '--quiet', '--save', model], { encoding: 'utf8', stdio: 'pipe' });
  return { out, bytes: new Uint8Array(readFileSync(model)), model };
}

/** The model in bytes is model to float precision: names, scalers, layers exactly; weights within 1e-4. */
function sameModel(descent, model, bytes) {
  const other = descent.loadModel(bytes);
  try {
    assert.deepEqual(model.getNames(), other.getNames());
    assert.deepEqual(model.getInputScaler(), other.getInputScaler());
    assert.deepEqual(model.getTargetScaler(), other.getTargetScaler());
    assert.deepEqual(model.layers, other.layers);
    const a = model.getWeights(), b = other.getWeights();
    a.forEach((w, l) => {
      w.kernel.forEach((v, i) => assert.ok(Math.abs(v - b[l].kernel[i]) < 1e-4, `layer ${l} kernel[${i}] ${v} vs ${b[l].kernel[i]}`));
    });
  } finally {
    other.dispose();
  }
}

/** a and b agree to the printed digits (float precision, one unit of the last digit). */
const close = (a, b, digits, what) => assert.ok(Math.abs(a - b) <= 1.01 * 10 ** -digits, `${what}: ${a} vs ${b}`);

/** The value printed after `name` in the section `part:` of train's report. */
function printed(out, part, name) {
  const section = out.slice(out.indexOf(`${part}:`));
  const m = new RegExp(`\\n  ${name}\\s+(-?[0-9.e+-]+|nan)`).exec(section);
  assert.ok(m, `${part} ${name} in ${out}`);
  return Number(m[1]);
}

describe('trainCSV and predictCSV: the CLI in one call', () => {
  let descent;
  let dir;
  before(async () => {
    descent = await loadDescent();
    dir = mkdtempSync(join(tmpdir(), 'descent-recipe-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('classification: the same model bytes, scores and predictions as descent train and predict', async () => {
    const text = readFileSync(data('iris.csv'), 'utf8');
    const flags = ['--data', data('iris.csv'), '--target', 'species', '--layers', '8:tanh,6', '--epochs', '30',
      '--batch', '16', '--lr', '0.01', '--seed', '7', '--val-split', '0.2'];
    const c = cliTrain(dir, flags);
    const r = await descent.trainCSV(text, {
      target: 'species', layers: '8:tanh,6', epochs: 30, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 },
      seed: 7, valSplit: 0.2,
    });
    sameModel(descent, r.model, c.bytes);
    assert.equal(r.task, 'classification');
    assert.deepEqual(r.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.equal(r.history.history.loss.length, 30);
    assert.equal(r.history.history.val_acc.length, 30);
    for (const [part, key] of [['train', 'train'], ['validation', 'validation'], ['test', 'test']]) {
      close(r[key].loss, printed(c.out, part, 'loss'), 6, `${part} loss`);
      close(r[key].accuracy, printed(c.out, part, 'accuracy'), 4, `${part} accuracy`);
      close(r[key].f1, printed(c.out, part, 'f1'), 4, `${part} f1`);
    }
    assert.equal(r.train.n + r.validation.n + r.test.n, 150);
    assert.equal(r.test.confusion.flat().reduce((a, b) => a + b), 30);

    // predict: columns in another order, a note skipped, an id kept
    const rows = ['petal_width_cm,note,sepal_length_cm,id,petal_length_cm,sepal_width_cm',
      '0.2,"a, note",5.1,r1,1.4,3.5', '2.3,x,6.9,r2,5.7,3.2', '1.3,,5.7,r3,4.1,2.8'].join('\n');
    writeFileSync(join(dir, 'rows.csv'), `${rows}\n`);
    const lines = execFileSync(cli, ['predict', '--model', c.model, '--data', join(dir, 'rows.csv'), '--keep', 'id'],
      { encoding: 'utf8' }).trim().split('\n');
    assert.equal(lines[0], 'id,predicted,p_setosa,p_versicolor,p_virginica');
    const p = await r.model.predictCSV(rows, { keep: ['id'] });
    assert.equal(p.rows, 3);
    assert.deepEqual(p.kept.id, ['r1', 'r2', 'r3']);
    lines.slice(1).forEach((line, i) => {
      const [id, label, ...probs] = line.split(',');
      assert.equal(id, p.kept.id[i]);
      assert.equal(label, p.predicted[i]);
      probs.forEach((q, j) => close(Number(q), p.probabilities[i * 3 + j], 5, `row ${i} p[${j}]`));
    });
  });

  it('regression and two classes: the same model bytes and scores', async () => {
    const diabetes = await descent.trainCSV(readFileSync(data('diabetes.csv'), 'utf8'), { layers: [8], epochs: 15, seed: 3 });
    const c = cliTrain(dir, ['--data', data('diabetes.csv'), '--layers', '8', '--epochs', '15', '--seed', '3']);
    sameModel(descent, diabetes.model, c.bytes);
    assert.equal(diabetes.task, 'regression');
    assert.equal(diabetes.classNames, null);
    close(diabetes.test.r2, printed(c.out, 'test', 'r2'), 4, 'test r2');
    close(diabetes.test.loss, printed(c.out, 'test', 'loss'), 6, 'test loss');
    const head = readFileSync(data('diabetes.csv'), 'utf8').split('\n').slice(0, 4).join('\n');
    const values = await diabetes.model.predictCSV(head);
    assert.equal(values.targetName, diabetes.model.getNames().targetName);
    assert.equal(values.values.length, 3);

    const cancer = await descent.trainCSV(readFileSync(data('breast_cancer.csv'), 'utf8'), {
      target: 'diagnosis', layers: 'none', epochs: 5, batchSize: 'full', optimizer: 'sgd', outputActivation: 'tanh',
      loss: 'mse', standardize: true, testSplit: 0.25,
    });
    const d = cliTrain(dir, ['--data', data('breast_cancer.csv'), '--target', 'diagnosis', '--layers', 'none', '--epochs',
      '5', '--batch', 'full', '--optimizer', 'sgd', '--output-activation', 'tanh', '--loss', 'mse', '--test-split', '0.25']);
    sameModel(descent, cancer.model, d.bytes);
    close(cancer.test.accuracy, printed(d.out, 'test', 'accuracy'), 4, 'test accuracy');
  });

  it('runs in the tuning build, loaded on first use: the same run in place there, SIMD and scalar', async () => {
    // the core module leaves the recipe's C out (its size budget); the tuning build has it
    assert.equal(typeof descent._module._dj_recipe_train, 'undefined');
    const text = readFileSync(data('iris.csv'), 'utf8');
    const options = { target: 'species', layers: '6', epochs: 12, batchSize: 8, seed: 5, valSplit: 0.1 };
    const rows = 'id,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\nr1,5.1,3.5,1.4,0.2\nr2,6.9,3.2,5.7,2.3\n';
    for (const simd of [true, false]) {
      const core = simd ? descent : await loadDescent({ simd: false });
      const tuned = await loadDescent({ tune: true, simd });
      const a = await core.trainCSV(text, options);
      const b = await tuned.trainCSV(text, options);
      // the model comes back as the caller's, optimizer state and all: the same file, byte for byte
      assert.deepEqual(a.model.save({ withOptimizer: true }), b.model.save({ withOptimizer: true }), `simd ${simd}`);
      assert.equal(a.model.stepCount, b.history.steps);
      for (const part of ['history', 'train', 'validation', 'test']) assert.deepEqual(a[part], b[part], `${part}, simd ${simd}`);
      assert.deepEqual(await a.model.predictCSV(rows, { keep: ['id'] }), await b.model.predictCSV(rows, { keep: ['id'] }));
      // a model of the caller trains on there, the same as the tuning instance's copy
      a.model.fit([[5, 3, 1.5, 0.2]], [[1, 0, 0]], { epochs: 2 });
      b.model.fit([[5, 3, 1.5, 0.2]], [[1, 0, 0]], { epochs: 2 });
      assert.deepEqual(a.model.getWeights(), b.model.getWeights());
      a.model.dispose();
      b.model.dispose();
    }
  });

  it('refuses bad input with what and where, and keeps the model when training fails', async () => {
    const text = 'a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n5,6,0\n';
    await assert.rejects(() => descent.trainCSV(text, { layer: '8' }), /trainCSV: unknown option 'layer'/);
    await assert.rejects(() => descent.trainCSV(text, { layers: '16,,2' }), /trainCSV: layers '16,,2': expected unit counts/);
    await assert.rejects(() => descent.trainCSV(text, { epochs: 0 }), /trainCSV: epochs must be an integer in 1\.\./);
    await assert.rejects(() => descent.trainCSV(text, { target: 'z' }), /trainCSV: .*'z'/);
    await assert.rejects(() => descent.trainCSV(text, { testSplit: 1 }), /trainCSV: testSplit/);
    await assert.rejects(() => descent.trainCSV(42), /trainCSV: text must be a string/);
    await assert.rejects(() => descent.trainCSV('a,b\n1,2\nx,3\n', {}), /trainCSV: line 3, column 1 \('a'\)/);
    // a cross-entropy on a numeric target is refused before training (it would train to a negative loss)
    const numbers = 'a,b,y\n1,2,151.5\n2,3,75.25\n3,4,141.5\n4,5,206.75\n5,6,135.5\n';
    for (const loss of ['binary_crossentropy', 'categorical_crossentropy']) {
      await assert.rejects(() => descent.trainCSV(numbers, { loss, epochs: 2 }), new RegExp(`trainCSV: loss '${loss}' needs classes, and this target is numbers: use 'mse'`));
    }
    await assert.rejects(() => descent.trainCSV(text, { task: 'classification', loss: 'categorical_crossentropy' }), /categorical_crossentropy needs at least 2 output units \(got 1\): use binary_crossentropy/);
    try {
      await descent.trainCSV(text, { task: 'regression', layers: 'none', optimizer: { name: 'sgd', learningRate: 1e30 }, epochs: 50 });
      assert.fail('a learning rate of 1e30 diverges');
    } catch (e) {
      assert.match(e.message, /trainCSV: /);
      assert.equal(e.history.stopped, 'diverged');
      assert.ok(e.model && !e.model.disposed, 'the model is handed back');
      assert.equal(e.model.predict([[1, 2]]).every(Number.isFinite), true);
    }
    const r = await descent.trainCSV(text, { layers: 'none', epochs: 2, testSplit: 0 });
    assert.equal(r.test, undefined);
    await assert.rejects(() => r.model.predictCSV('b\n1\n'), /predictCSV: .*'a'/);
    await assert.rejects(() => r.model.predictCSV('a,b\n1,2\n', { keep: ['id'] }), /predictCSV: .*id/);
    await assert.rejects(() => r.model.predictCSV('a,b\n1,2\n', { keep: 'id' }), /predictCSV: keep must be an array/);
  });
});
