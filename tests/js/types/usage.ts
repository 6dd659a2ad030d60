// usage.ts - a typical use of descent's API, compiled by tsc --strict --noEmit
// (tests/js/types.test.mjs) to keep descent.d.ts complete and correct.
import { loadDescent, type Descent, type Model, type History } from 'descent';

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
  const predictions: Float32Array = model.predict(x);
  model.evaluate(x, y);
  model.setLearningRate(0.0005);
  model.setOptimizer({ name: 'momentum', useNesterov: true, momentum: 0.9 });
  const bytes: Uint8Array = model.save({ withOptimizer: true });
  const again = descent.loadModel(bytes);
  again.dispose();
  model.dispose();

  const data = descent.parseCSV('a,b,label\n1,2,x\n3,4,y\n', { target: 'label' });
  const spiral = descent.generate('spiral', { n: 200, noise: 0.1, seed: 2 });
  const split = descent.trainTestSplit(spiral.n, { testFraction: 0.2, labels: spiral.labels, seed: 1 });
  const train = descent.subset(spiral, split.train);
  const scaler = descent.fitScaler(train.x, train.features);
  const folds: Int32Array = descent.kFold(train.n, { k: 5, labels: train.labels });
  const metrics = descent.classificationMetrics(predictions, y, 1);
  const matrix: number[][] = metrics.confusion;
  console.log(usesSimd, first, loss, last, data.classNames, scaler.mean, folds.length, matrix);
}

main();
