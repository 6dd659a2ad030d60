// split-wasm.mjs DIR STEM - splits DIR/STEM.whole.wasm (a core module as
// Emscripten linked it) into DIR/STEM.wasm, what a page's start and a
// training run call, and DIR/STEM.deferred.wasm, the rest (the CSV parser,
// model files, the other optimizers, ...), which descent.mjs loads the first
// time one of its functions is called (a placeholder import of the primary).
// What stays primary is measured, not listed: binaryen's wasm-split
// instruments the module, the page's start and a run (below, as the worker
// asks them of the API) run on it under Node, and the functions they called
// form the profile the split follows. A function left out costs a deferred
// load, never a wrong result; tests/browser/page-lazy.test.mjs checks that the
// page's first load fetches no deferred part. The build runs this after
// linking and joining descent.mjs (CMakeLists.txt).
//   node scripts/split-wasm.mjs build-wasm descent
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, stem] = process.argv.slice(2);
if (!dir || !stem) {
  console.error('usage: node split-wasm.mjs DIR STEM (splits DIR/STEM.whole.wasm)');
  process.exit(2);
}
const simd = !stem.includes('scalar');
// The import namespaces, one letter each (every import repeats its name):
// the primary's placeholders (P), the deferred part's imports of the
// primary's exports (M); bindings/descent.mjs names them the same.
const NAMESPACES = { placeholders: 'P', primary: 'M' };
const whole = join(dir, `${stem}.whole.wasm`);
const instrumented = join(dir, `${stem}.instrumented.wasm`);
const profile = join(dir, `${stem}.profile`);
// The features Emscripten's output uses (binaryen validates against them).
const FEATURES = ['--enable-mutable-globals', '--enable-sign-ext', ...(simd ? ['--enable-simd'] : [])];
const wasmSplit = (args) => execFileSync(process.env.WASM_SPLIT || 'wasm-split', [...args, ...FEATURES], { stdio: ['ignore', 'ignore', 'inherit'] });

wasmSplit(['--instrument', whole, '-o', instrumented]);

const { loadDescent } = await import(pathToFileURL(join(dir, 'descent.mjs')).href);
const d = await loadDescent({ simd, wasmBinary: readFileSync(instrumented) });

/** The page's start and a run on one generated set, as web/js asks them and bindings/worker*.mjs serve them. */
function pageRun(name, hidden, optimizer) {
  const set = d.generate(name, { n: 200, noise: 0.1, seed: 1 });
  const split = d.trainTestSplit(set.n, { testFraction: 0.5, labels: set.labels, seed: 1 });
  const train = d.subset(set, split.train);
  const test = d.subset(set, split.test);
  const cls = set.classes > 0;
  const y = (s) => (cls ? Float32Array.from(s.y, (v) => (v > 0 ? 1 : 0)) : s.y);
  const model = d.createModel({
    inputs: set.features,
    layers: [...hidden.map((units) => ({ units, activation: 'relu', l1: 0, l2: 0 })),
      { units: 1, activation: cls ? 'sigmoid' : 'linear', l1: 0, l2: 0 }],
    loss: cls ? 'binary_crossentropy' : 'mse',
    optimizer,
    init: 'glorot_uniform',
    seed: 1,
  });
  model.setNames({ featureNames: set.featureNames, targetName: cls ? 'label' : 'y', classNames: cls ? ['0', '1'] : [] });
  model.setInputScaler(null);
  // What the worker's describe() reads.
  void [model.inputs, model.outputs, model.loss, model.paramCount, model.seed, model.stepCount, model.layers,
    model.getOptimizer(), model.getInputScaler(), model.getTargetScaler(), model.getNames()];
  const trainer = model.trainer(train.x, y(train), { epochs: 3, batchSize: 10, validationData: [test.x, y(test)] });
  trainer.run(1);
  trainer.run(1000);
  void [trainer.state, trainer.history];
  model.metrics(train.x, y(train));
  model.metrics(test.x, y(test));
  model.evaluate(test.x, y(test));
  model.getWeights();
  const grid = new Float32Array(2 * 64);
  for (let i = 0; i < grid.length; i++) grid[i] = (i % 17) / 8 - 1;
  model.predict(set.features === 2 ? grid : test.x);
  model.layerOutputs(set.features === 2 ? grid : test.x);
  model.gradientStats(train.x, y(train));
  model.setLearningRate(0.01);
  trainer.dispose();
  model.dispose();
}

const adam = { name: 'adam', learningRate: 0.003 };
// The default page (circle, 16-16 relu, Adam), a regression set, the worked
// examples' SGD, and every generated set a learner picks from the menu.
pageRun('circle', [16, 16], adam);
pageRun('plane', [8], { name: 'sgd', learningRate: 0.01 });
for (const name of d.vocabulary.vocabularies.generator) pageRun(name, [4], adam);

const M = d._module;
const size = 64 + 8 * 4096;
const at = M._malloc(size);
const written = M.asm.__write_profile(at, size);
if (!(written > 0 && written <= size)) throw new Error(`split-wasm: the profile of ${whole} did not fit (${written} of ${size} bytes)`);
writeFileSync(profile, M.HEAPU8.slice(at, at + written));

wasmSplit(['--split', whole, `--profile=${profile}`, '-o1', join(dir, `${stem}.wasm`), '-o2', join(dir, `${stem}.deferred.wasm`),
  `--placeholder-namespace=${NAMESPACES.placeholders}`, `--import-namespace=${NAMESPACES.primary}`]);
rmSync(instrumented);
rmSync(profile);
