// usage.ts - a typical use of descent's API, compiled by tsc --strict --noEmit
// (tests/js/types.test.mjs, and from the installed package by
// tests/js/package.test.mjs) to keep the .d.mts files complete and correct.
import {
  loadDescent, simdSupported, type Descent, type Model, type History, type TuneResult, type DivergenceError,
  type TrainCSVResult,
} from 'descent';
import { TunePool, rankResults, defaultPoolSize } from 'descent/tune';
import { DescentClient, MessageType, ErrorCode, type TrainResult } from 'descent/client';
import vocabulary, { limits, higherIsBetter, type VocabularyModule } from 'descent/vocabulary';

async function main(): Promise<void> {
  const descent: Descent = await loadDescent({ simd: 'auto' });
  const usesSimd: boolean = descent.simd;
  const model: Model = descent.createModel({
    inputs: 3,
    layers: [
      { units: 4, activation: 'leaky_relu', alpha: 0.2, l1: 0 },
      { units: 1, activation: 'linear', l2: 0.01, useBias: true },
    ],
    loss: 'mse',
    optimizer: { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    init: 'glorot_uniform',
    seed: 1,
  });
  const x = new Float32Array(30);
  const y = [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]];
  const weights = model.getWeights();
  const first: Float32Array = weights[0].kernel;
  model.setWeights(weights);
  const loss: number = model.trainOnBatch(x, y);
  const history: History = model.fit(x, y, {
    epochs: 5,
    batchSize: 4,
    shuffle: true,
    validationSplit: 0.2,
    earlyStopping: { patience: 2, restoreBestWeights: true },
    onEpochEnd: (epoch, logs) => logs.loss < 0.01 ? false : undefined,
  });
  const last: number = history.history.loss[history.history.loss.length - 1];
  try {
    model.fit(x, y, { epochs: 100 });
  } catch (e) {
    const { history: kept, divergence } = e as DivergenceError;
    const finished: number = kept.epoch.length;
    const back: number = divergence.restoredEpochs;
    console.log(finished, back, divergence.epoch, divergence.batch, kept.stopped === 'diverged');
  }
  const predictions: Float32Array = model.predict(x);
  model.evaluate(x, y);
  const scores = model.metrics(x, y);
  const scored: number = scores.classes !== undefined ? scores.f1 : scores.mse;
  const grads = model.gradientStats(x, y);
  const firstNorm: number = grads[0].kernelGradNorm;
  const ratio: number | null = grads[0].updateRatio;
  const test = await descent.findLearningRate(x, y, { inputs: 3, layers: [{ units: 1 }] }, { min: 1e-5, max: 1, steps: 20, seed: 1 });
  const suggested: number | null = test.suggested;
  const race = await descent.compareOptimizers(x, y, { inputs: 3, layers: [{ units: 1 }] }, { optimizers: ['sgd', { name: 'adam', learningRate: 0.01 }], epochs: 3 });
  const path: Float32Array[] = race.results[0].path;
  const surface = await descent.lossSurface(model, x, y, { directions: 'pca', path, resolution: 16 });
  const corner: number = surface.loss[0][0] + surface.alphas[0] + surface.betas[0];
  console.log(firstNorm, ratio, suggested, corner, surface.directions[0][0].kernel.length, surface.pathProjection?.[0][0]);
  model.setLearningRate(0.0005);
  model.setOptimizer({ name: 'momentum', useNesterov: true, momentum: 0.9 });
  const bytes: Uint8Array = model.save({ withOptimizer: true });
  const again = descent.loadModel(bytes);
  again.dispose();
  const artifacts = await model.toTfjs();
  const spread: number = artifacts.weightData.byteLength + artifacts.weightSpecs.length;
  const recipe = artifacts.userDefinedMetadata?.descent;
  const classes: string[] | null = recipe ? recipe.classNames : null;
  (await descent.fromTfjs(artifacts)).dispose();
  const onnx: Uint8Array = await model.toOnnx();
  console.log(spread, classes, onnx.length);
  model.dispose();

  const data = descent.parseCSV('a,b,label\n1,2,x\n3,4,y\n', { target: 'label' });
  const spiral = descent.generate('spiral', { n: 200, noise: 0.1, seed: 2 });
  const split = descent.trainTestSplit(spiral.n, { testFraction: 0.2, labels: spiral.labels, seed: 1 });
  const train = descent.subset(spiral, split.train);
  const scaler = descent.fitScaler(train.x, train.features);
  const targets: Float32Array = train.y;   // generated sets, and their subsets, have targets
  const maybe: Float32Array | null = descent.subset(data, [0]).y;
  const folds: Int32Array = descent.kFold(train.n, { k: 5, labels: train.labels });
  const metrics = descent.classificationMetrics(predictions, y, 1);
  const matrix: number[][] = metrics.confusion;
  console.log(usesSimd, first, loss, last, data.classNames, scaler.mean, folds.length, matrix, scored, targets, maybe);

  const run: TrainCSVResult = await descent.trainCSV('a,b,kind\n1,2,x\n3,4,y\n', {
    target: 'kind', layers: [8, 4], epochs: 10, batchSize: 'full', optimizer: { name: 'sgd', learningRate: 0.1 },
    testSplit: 0.25, valSplit: 0, standardize: true, patience: 3,
  });
  const testLoss: number | undefined = run.test?.loss;
  // a part's scores are a classifier's or a regressor's: either's fields read as possibly undefined,
  // and the run's task (or a part's classes) tells which
  const testAccuracy: number | undefined = run.test?.accuracy;
  const confusion: number[][] | undefined = run.test?.confusion;
  const trainR2: number | undefined = run.train.r2;
  if (run.task === 'classification') {
    const cells: number[][] = run.train.confusion;
    const classCount: number = run.train.classes;
    console.log(cells, classCount, run.validation?.f1);
  } else {
    const rmse: number = run.train.rmse;
    console.log(rmse, run.test?.mae);
  }
  const part = run.test ?? run.train;
  const headline: number = part.classes !== undefined ? part.accuracy : part.r2;
  console.log(testAccuracy, confusion, trainR2, headline);
  const rows = await run.model.predictCSV('b,a,id\n2,1,r1\n', { keep: ['id'] });
  const firstClass: string | undefined = rows.predicted?.[0];
  console.log(run.task, run.classNames, run.history.history.loss, testLoss, rows.kept.id, firstClass, rows.probabilities);
}

async function tuning(descent: Descent): Promise<void> {
  const data = descent.generate('gaussian', { n: 200, seed: 3 });
  const outcome = descent.tune(data, {
    grid: { learningRate: [0.01, 0.1], layers: ['none', [8], '16x16'], batchSize: [16, 'full'] },
    base: { optimizer: 'sgd', epochs: 20 },
    folds: 5, metric: 'accuracy', seed: 1, testFraction: 0.2,
  }, { onProgress: (p) => (p.type === 'config' && p.done > 100 ? false : undefined) });
  const best: TuneResult | null = outcome.best;
  const testScore: number | undefined = outcome.test?.score;
  const search = descent.createSearch({ x: [[0, 1], [1, 0]], y: [0, 1], task: 'classification' }, {
    random: { draws: 10, learningRate: { min: 1e-4, max: 1e-1 }, optimizer: ['sgd', 'adam'] },
  });
  const one = search.evaluate(search.count - 1);
  const refit = search.refit(undefined, { model: true });
  refit?.model.dispose();
  search.dispose();
  const cv = descent.crossValidate(data, { learningRate: 0.1, layers: 'none' }, { folds: 5, configIndex: 3 });
  const ranked: TuneResult[] = rankResults([cv, one], 'loss');
  const pool = await TunePool.create({ size: 2 });
  const parallel = await pool.tune(data, { grid: { epochs: [5, 10] } }, { signal: new AbortController().signal, refitModel: true });
  const bytes: Uint8Array | undefined = parallel.test?.modelBytes;
  if (bytes) descent.loadModel(bytes).dispose();
  await pool.terminate();
  console.log(best?.mean, testScore, ranked.length, parallel.results[0]?.scores);
}

async function worker(): Promise<void> {
  const client = await DescentClient.create({ simd: simdSupported() ? 'auto' : false });
  const id: number = await client.createModel({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binary_crossentropy' });
  const losses: number[] = [];
  const result: TrainResult = await client.train(id, {
    x: [[0, 1], [1, 0]], y: [[0], [1]], epochs: 3, batchSize: 2,
    progressEvery: { ms: 40, records: true },
    onProgress: (p) => { for (const r of p.records ?? []) losses[r.epoch] = r.metrics?.test.n ?? r.loss; },
  });
  const inspected = await client.gradientStats(id, [[0, 1], [1, 0]], [[0], [1]]);
  const lanes = await client.compareOptimizers({ inputs: 2, layers: [{ units: 1 }] }, [[0, 1]], [[1]], { epochs: 2 },
    { onProgress: (p) => console.log(p.index, p.count, p.result.finalLoss) });
  console.log(inspected.layers[0].deadShare, lanes.initialLoss);
  const type: string = MessageType.TRAIN;
  const code: string = ErrorCode.BUSY;
  console.log(result.history.loss, losses, type, code, defaultPoolSize());
  await client.terminate();
}

function page(): void {
  // the vocabulary without loading WebAssembly: the default export, or each part on its own
  const all: Readonly<VocabularyModule> = vocabulary;
  const names: string[] = all.vocabularies.activation;
  const uses: string[] = all.optimizers.adam.uses;
  const range: string | undefined = all.optimizerRanges.learningRate;
  const better: boolean = higherIsBetter.includes('accuracy');
  console.log(names, uses, range, better, limits.units);
}

main();
worker();
page();
loadDescent({ tune: true }).then((d) => (d.tuning ? tuning(d) : undefined));
