// split-workload.mjs - what the playground page's start and a training run
// ask of the core module, as calls of the ES module API: the workload whose
// profile decides which functions stay in the first part of the split core
// module (scripts/split-wasm.mjs runs it on an instrumented build), and which
// tests/js/deferred.test.mjs runs on the split module to check that it needs
// no deferred load. It follows the page's requests as bindings/worker*.mjs
// serve them (web/js: data.mjs generate, run.mjs createModel,
// setPreprocessing, train, step, metrics, predict on the view's grid,
// getWeights, layerOutputs, gradientStats), over the core's own vocabulary
// (every generated set, loss and hidden activation the page offers, so a new
// one in the C is profiled without an edit here), with the page's default
// optimizer (Adam) and its worked examples' (SGD). A call this misses costs a
// deferred load on first use, never a wrong result.

/** Runs the page-like workload on d, a loaded Descent instance; returns the number of models trained. */
export function pageWorkload(d) {
  const { vocabularies } = d.vocabulary;
  let runs = 0;
  const run = (set, hidden, output, loss, optimizer) => {
    const split = d.trainTestSplit(set.n, { testFraction: 0.5, labels: set.labels, seed: 1 });
    const train = d.subset(set, split.train);
    const test = d.subset(set, split.test);
    const units = output.units || 1;
    const targets = (s) => (units > 1 ? Float32Array.from({ length: s.n * units }, (_, j) => (j % units === (s.y[Math.floor(j / units)] > 0 ? 1 : 0) ? 1 : 0))
      : output.signed ? Float32Array.from(s.y, (v) => (v > 0 ? 1 : -1))
        : set.classes > 0 ? Float32Array.from(s.y, (v) => (v > 0 ? 1 : 0)) : s.y);
    const model = d.createModel({
      inputs: set.features,
      layers: [...hidden.map(([units, activation]) => ({ units, activation, l1: 0, l2: 0 })),
        { units, activation: output.activation, l1: 0, l2: 0 }],
      loss, optimizer, init: 'glorot_uniform', seed: 1,
    });
    try {
      // The names the page gives (data.mjs modelNames: a class set's classes are named).
      const classNames = set.classes > 0 ? Array.from({ length: Math.max(2, units) }, (_, i) => String(i)) : [];
      model.setNames({ featureNames: set.featureNames, targetName: set.classes > 0 ? 'label' : 'y', classNames });
      // What the worker's describe() reads of a new model.
      void [model.inputs, model.outputs, model.loss, model.paramCount, model.seed, model.stepCount, model.layers,
        model.getOptimizer(), model.getInputScaler(), model.getTargetScaler(), model.getNames()];
      const [xt, yt, xv, yv] = [train.x, targets(train), test.x, targets(test)];
      model.metrics(xv, yv);
      const trainer = model.trainer(xt, yt, { epochs: 4, batchSize: 10, validationData: [xv, yv] });
      try {
        // A step of one batch, then epochs in slices, as the page's run does.
        trainer.run(1);
        for (let i = 0; i < 3; i++) {
          trainer.run(7);
          void [trainer.state, trainer.history];
          model.metrics(xt, yt);
          model.metrics(xv, yv);
          model.evaluate(xv, yv);
          // The view's grid (two features) or the rows (more), the diagram's weights and activations, the gradients' view.
          const grid = set.features === 2 ? Float32Array.from({ length: 2 * 81 }, (_, j) => ((j * 37) % 19) / 9 - 1) : xv;
          model.predict(grid);
          model.layerOutputs(grid.subarray(0, set.features * 4));
          model.getWeights();
          model.gradientStats(xt, yt);
        }
        trainer.run(1000);
        model.setLearningRate(0.01);
      } finally {
        trainer.dispose();
      }
      runs++;
    } finally {
      model.dispose();
    }
  };
  const adam = { name: 'adam', learningRate: 0.003 };
  const circle = d.generate('circle', { n: 400, noise: 0.1, seed: 1 });
  // The default page: circle, 16-16 relu, sigmoid and binary cross-entropy, Adam.
  run(circle, [[16, 'relu'], [16, 'relu']], { activation: 'sigmoid' }, 'binary_crossentropy', adam);
  // Every hidden activation the network panel offers.
  for (const activation of vocabularies.activation) run(circle, [[4, activation]], { activation: 'sigmoid' }, 'binary_crossentropy', adam);
  // Every loss, with an output head the page offers for a class set (two
  // softmax units for a categorical one; squared error on tanh's -1/1, the
  // Playground's; the regression sets' linear one is below).
  for (const loss of vocabularies.loss) {
    const output = /categorical/.test(loss) ? { activation: 'softmax', units: 2 }
      : /crossentropy/.test(loss) ? { activation: 'sigmoid' } : { activation: 'tanh', signed: true };
    run(circle, [[4, 'tanh']], output, loss, adam);
  }
  // Every generated set the data menu offers (classification and regression), and the worked examples' SGD.
  for (const name of vocabularies.generator) {
    const set = d.generate(name, { n: 200, noise: 0.1, seed: 2 });
    run(set, [[4, 'tanh']], set.classes > 0 ? { activation: 'sigmoid' } : { activation: 'linear' },
      set.classes > 0 ? 'binary_crossentropy' : 'mse', adam);
  }
  run(d.generate('plane', { n: 100, noise: 0.1, seed: 3 }), [], { activation: 'linear' }, 'mse', { name: 'sgd', learningRate: 0.01 });
  return runs;
}
