// conformance.test.mjs - descent against TensorFlow.js 4.22 (CPU backend, float32),
// step by step: every optimizer × every loss, L1 / L2 / L1+L2, leaky ReLU,
// fit (shuffle: false), evaluate / predict and learning-rate changes.
//
// Both sides start from the same weights (descent's initial weights, copied into
// the TF.js model), see the same seeded data, and are compared after every step:
// the loss trainOnBatch returns and every kernel and bias element must agree to
//   |a - b| <= 1e-5 * max(|a|, |b|) + 1e-7.
// The arithmetic descent must follow is /work/shared/SEMANTICS.md.
//
// Run: node --test --test-reporter=tap tests/js/
// DESCENT_DIST may name another directory (or file: URL) holding descent.mjs (see support.mjs).

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dist, prng } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));

const REL_TOL = 1e-5;
const ABS_TOL = 1e-7;
const STEPS = 6;

let descent; // the default build: the one whose initial weights every case starts from
let variants; // every descent side to compare: { label, d (a loaded build), kernels }
let variantNote = '';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  descent = await loadDescent();
  // Every loaded build (the SIMD module and its scalar twin, which is compiled
  // differently) with every kernel set it accepts.
  const builds = [[descent.simd ? 'descent.wasm' : 'descent-scalar.wasm', descent]];
  if (descent.simd) builds.push(['descent-scalar.wasm', await loadDescent({ simd: false })]);
  variants = [];
  for (const [file, d] of builds) {
    const probe = d.createModel({ inputs: 1, layers: [{ units: 1 }] });
    try {
      for (const kernels of ['simd', 'scalar']) {
        try {
          probe.setKernels(kernels);
          variants.push({ label: `${file} ${kernels} kernels`, d, kernels });
        } catch (e) {
          if (d.simd) variantNote += ` ${file}: ${kernels} kernels unavailable (${e.message});`;
        }
      }
    } finally {
      probe.dispose();
    }
  }
  assert.ok(variants.length > 0, `descent accepts no kernel set:${variantNote}`);
});

// ---------------------------------------------------------------------------
// Deterministic data

/**
 * n rows of `inputs` features in [-xScale, xScale) and targets for `kind`:
 *   'regression' U(-yScale, yScale), 'binary' 0/1 per output, 'onehot' one class per row.
 * Row 0 is all zeros (unless zeroRow: false), so at the first step (biases start
 * at 0) every first-layer pre-activation of that row is exactly 0: relu's slope
 * there is 0, leaky's is α (SEMANTICS §1, §6.2).
 */
function makeData(seed, n, inputs, outputs, kind, { xScale = 1.5, yScale = 1, zeroRow = true } = {}) {
  const r = prng(seed);
  const x = new Float32Array(n * inputs);
  const y = new Float32Array(n * outputs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < inputs; j++) x[i * inputs + j] = zeroRow && i === 0 ? 0 : (2 * r() - 1) * xScale;
    if (kind === 'regression') {
      for (let j = 0; j < outputs; j++) y[i * outputs + j] = (2 * r() - 1) * yScale;
    } else if (kind === 'binary') {
      for (let j = 0; j < outputs; j++) y[i * outputs + j] = r() < 0.5 ? 0 : 1;
    } else {
      y[i * outputs + Math.floor(r() * outputs)] = 1;
    }
  }
  return { x, y, n, inputs, outputs };
}

/** Rows (k·B + r) mod n, r = 0..B-1: the batch of step k (fit's shuffle: false order). */
function batchOf(data, k, B) {
  const { x, y, n, inputs, outputs } = data;
  const bx = new Float32Array(B * inputs);
  const by = new Float32Array(B * outputs);
  for (let r = 0; r < B; r++) {
    const row = (k * B + r) % n;
    bx.set(x.subarray(row * inputs, (row + 1) * inputs), r * inputs);
    by.set(y.subarray(row * outputs, (row + 1) * outputs), r * outputs);
  }
  return { x: bx, y: by, n: B, inputs, outputs };
}

// ---------------------------------------------------------------------------
// Optimizers, losses, models on both sides

/** Each optimizer as a descent OptimizerConfig and the same TF.js optimizer. */
const OPTIMIZERS = {
  sgd: {
    descent: { name: 'sgd', learningRate: 0.1 },
    tf: () => tf.train.sgd(0.1),
  },
  momentum: {
    descent: { name: 'momentum', learningRate: 0.05, momentum: 0.9 },
    tf: () => tf.train.momentum(0.05, 0.9, false),
  },
  nesterov: {
    descent: { name: 'nesterov', learningRate: 0.05, momentum: 0.9 },
    tf: () => tf.train.momentum(0.05, 0.9, true),
  },
  adagrad: {
    descent: { name: 'adagrad', learningRate: 0.1, initialAccumulatorValue: 0.1 },
    tf: () => tf.train.adagrad(0.1, 0.1),
  },
  rmsprop: {
    descent: { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
    tf: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false),
  },
  'rmsprop(momentum 0.5)': {
    descent: { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: false },
    tf: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, false),
  },
  // TF.js's centered RMSProp divides by sqrt(S - (G² + ε)): with tiny (or exactly
  // zero, e.g. a dead relu unit's) gradients that is the sqrt of a negative number
  // and TF.js itself produces NaN. The centered cases therefore use a smooth hidden
  // activation, and the runner takes the first of a deterministic series of data
  // sets on which TF.js's trajectory is well-conditioned (CENTERED_MIN_MARGIN).
  'rmsprop(centered)': {
    descent: { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true },
    tf: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true),
    centered: true,
  },
  adam: {
    descent: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    tf: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
  },
  // A large ε makes its placement (outside the sqrt, on the bias-corrected √v̂) visible.
  'adam(epsilon 1e-3)': {
    descent: { name: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 },
    tf: () => tf.train.adam(0.01, 0.8, 0.99, 1e-3),
  },
};

const TF_LOSS = {
  mse: 'meanSquaredError',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
};

/** The losses with a matching output layer and target kind. */
const LOSSES = {
  'mse/linear': { loss: 'mse', outAct: 'linear', outputs: 2, kind: 'regression', yScale: 2 },
  'mse/tanh': { loss: 'mse', outAct: 'tanh', outputs: 2, kind: 'regression', yScale: 0.9 },
  'binary_crossentropy/sigmoid': { loss: 'binary_crossentropy', outAct: 'sigmoid', outputs: 2, kind: 'binary' },
  'categorical_crossentropy/softmax': {
    loss: 'categorical_crossentropy', outAct: 'softmax', outputs: 3, kind: 'onehot',
  },
};

/**
 * A TF.js Sequential model equal to a descent ModelConfig: one Dense layer per
 * descent layer; descent's leaky_relu is a linear Dense followed by a LeakyReLU
 * layer (whose α is passed explicitly: TF.js defaults to 0.3, descent to 0.2).
 * Returns the model and its Dense layers (the ones holding weights).
 */
function buildTfModel(config, optimizer) {
  const model = tf.sequential();
  const dense = [];
  config.layers.forEach((L, i) => {
    const leaky = L.activation === 'leaky_relu';
    const l1 = L.l1 ?? 0;
    const l2 = L.l2 ?? 0;
    const d = tf.layers.dense({
      units: L.units,
      activation: leaky ? 'linear' : (L.activation ?? 'linear'),
      useBias: L.useBias ?? true,
      // both terms explicit: l1l2({l1}) alone would set l2 to 0.01
      kernelRegularizer: l1 || l2 ? tf.regularizers.l1l2({ l1, l2 }) : undefined,
      kernelInitializer: 'zeros',
      ...(i === 0 ? { inputShape: [config.inputs] } : {}),
    });
    model.add(d);
    dense.push(d);
    if (leaky) model.add(tf.layers.leakyReLU({ alpha: L.alpha ?? 0.2 }));
  });
  model.compile({ optimizer, loss: TF_LOSS[config.loss ?? 'mse'] });
  return { model, dense };
}

/** Descent's Weights[] into the TF.js Dense layers ([in, out] kernels, [out] biases). */
function setTfWeights(dense, weights) {
  tf.tidy(() => {
    dense.forEach((d, i) => {
      const [fanIn, units] = d.getWeights()[0].shape;
      const w = weights[i];
      const vals = [tf.tensor2d(w.kernel, [fanIn, units])];
      if (w.bias) vals.push(tf.tensor1d(w.bias));
      d.setWeights(vals);
    });
  });
}

/** The TF.js Dense layers' weights in descent's Weights[] form (copies). */
function getTfWeights(dense) {
  return dense.map((d) => {
    const w = d.getWeights(); // the variables themselves: read, never dispose
    return { kernel: w[0].dataSync().slice(), bias: w.length > 1 ? w[1].dataSync().slice() : null };
  });
}

/** TF.js 4.22's MomentumOptimizer.dispose() overrides SGD's without disposing SGD's
 *  cached scalar `c` (= -lr), which would leak one tensor per momentum optimizer. */
function disposeOptimizer(o) {
  o.dispose();
  if (o.c && !o.c.isDisposed) o.c.dispose();
}

function copyWeights(weights) {
  return weights.map((w) => ({ kernel: Float32Array.from(w.kernel), bias: w.bias ? Float32Array.from(w.bias) : null }));
}

// ---------------------------------------------------------------------------
// Comparison

/** Worst element of one comparison scope, measured against the tolerance. */
class Worst {
  constructor() {
    this.ratio = 0; // |a-b| / (REL_TOL·max(|a|,|b|) + ABS_TOL): <= 1 passes
    this.where = 'nothing compared';
    this.d = 0;
    this.t = 0;
    this.maxRel = 0; // max |a-b| / max(|a|,|b|) over elements with max(|a|,|b|) >= 1e-3
  }

  check(where, d, t) {
    const diff = Math.abs(d - t);
    const scale = Math.max(Math.abs(d), Math.abs(t));
    let ratio = diff / (REL_TOL * scale + ABS_TOL);
    if (!Number.isFinite(d) || !Number.isFinite(t)) ratio = Object.is(d, t) ? 0 : Infinity;
    if (scale >= 1e-3 && Number.isFinite(diff)) this.maxRel = Math.max(this.maxRel, diff / scale);
    if (ratio > this.ratio || this.where === 'nothing compared') {
      this.ratio = ratio;
      this.where = where;
      this.d = d;
      this.t = t;
    }
  }

  merge(o) {
    this.maxRel = Math.max(this.maxRel, o.maxRel);
    if (o.ratio > this.ratio || this.where === 'nothing compared') Object.assign(this, { ratio: o.ratio, where: o.where, d: o.d, t: o.t });
  }

  describe() {
    const diff = Math.abs(this.d - this.t);
    const rel = diff === 0 ? 0 : diff / Math.max(Math.abs(this.d), Math.abs(this.t));
    return `${this.where}: descent=${this.d} tfjs=${this.t} |diff|=${diff.toExponential(3)} ` +
      `rel=${Number.isFinite(rel) ? rel.toExponential(3) : rel} (${(this.ratio * 100).toFixed(1)}% of tolerance)`;
  }
}

function compareWeights(worst, label, dW, tW) {
  assert.equal(dW.length, tW.length, `${label}: layer count`);
  dW.forEach((dl, l) => {
    const tl = tW[l];
    assert.equal(dl.kernel.length, tl.kernel.length, `${label}: layer ${l} kernel length`);
    const units = tl.bias ? tl.bias.length : null;
    for (let i = 0; i < dl.kernel.length; i++) {
      const at = units ? `[${Math.floor(i / units)}][${i % units}]` : `[${i}]`;
      worst.check(`${label} layer ${l} kernel${at}`, dl.kernel[i], tl.kernel[i]);
    }
    assert.equal(dl.bias === null, tl.bias === null, `${label}: layer ${l} bias presence`);
    if (dl.bias) for (let i = 0; i < dl.bias.length; i++) worst.check(`${label} layer ${l} bias[${i}]`, dl.bias[i], tl.bias[i]);
  });
}

function assertWithin(worst, caseName) {
  assert.ok(worst.ratio <= 1,
    `${caseName}: descent and TF.js differ beyond |a-b| <= ${REL_TOL}*max(|a|,|b|) + ${ABS_TOL} at ${worst.describe()}`);
}

function assertFinite(values, what) {
  for (const v of values) assert.ok(Number.isFinite(v), `TF.js ${what} is not finite (${v}): the case itself is ill-posed`);
}

function report(t, results) {
  for (const [k, w] of results) {
    t.diagnostic(`[${k}] worst ${w.describe()}; max rel diff (|v| >= 1e-3) ${w.maxRel.toExponential(3)}`);
  }
}

// TF.js's centered RMSProp divides by sqrt(D), D = S - (G² + ε). Where D is a small
// fraction of S the step is dominated by cancellation (and where D < 0 it is NaN),
// so a comparison there would measure rounding, not semantics.
const CENTERED_MIN_MARGIN = 0.05;
const EPS32 = Math.fround(1e-7);

/** min over every element of every variable of D / S, from the TF.js optimizer's state. */
function centeredMargin(o) {
  let min = Infinity;
  o.accumulatedMeanSquares.forEach((ms, i) => {
    const S = ms.variable.dataSync();
    const G = o.accumulatedMeanGrads[i].variable.dataSync();
    for (let j = 0; j < S.length; j++) {
      const d = (S[j] - (G[j] * G[j] + EPS32)) / S[j];
      min = Number.isNaN(d) ? -Infinity : Math.min(min, d);
    }
  });
  return min;
}

/** Creates a descent model on one variant (build + kernels) with the given weights. */
function descentModel(config, variant, weights) {
  const m = variant.d.createModel(config);
  m.setKernels(variant.kernels);
  if (weights) m.setWeights(weights);
  return m;
}

// ---------------------------------------------------------------------------
// The trainOnBatch runner

/** TF.js's trajectory from `init`: the loss and the weights after every step. */
async function tfTrajectory(spec, init, data) {
  const { config, opt, batch = 6, steps = STEPS, lrSchedule } = spec;
  const tfOpt = opt.tf();
  const { model, dense } = buildTfModel(config, tfOpt);
  const out = { loss: [], weights: [], centeredMargin: Infinity };
  try {
    setTfWeights(dense, init);
    compareWeights(new Worst(), 'initial', getTfWeights(dense), init); // the copy itself
    for (let k = 0; k < steps; k++) {
      if (lrSchedule) lrSchedule[k].tfSet(tfOpt, lrSchedule[k].lr);
      const b = batchOf(data, k, batch);
      const xs = tf.tensor2d(b.x, [b.n, b.inputs]);
      const ys = tf.tensor2d(b.y, [b.n, b.outputs]);
      try {
        out.loss.push(await model.trainOnBatch(xs, ys));
      } finally {
        tf.dispose([xs, ys]);
      }
      out.weights.push(getTfWeights(dense));
      if (opt.centered) out.centeredMargin = Math.min(out.centeredMargin, centeredMargin(tfOpt));
    }
  } finally {
    model.dispose();
    disposeOptimizer(tfOpt);
  }
  return out;
}

/**
 * spec: { config (a descent ModelConfig), opt (an OPTIMIZERS entry), data or data(attempt),
 *         batch, steps, lrSchedule?: [{ lr, tfSet(opt, lr) }] per step, tweak?(weights) }
 * Runs TF.js once from descent's initial weights, then every descent kernel set,
 * and compares loss and weights after each step.
 *
 * Centered RMSProp: data(0), data(1), ... are tried (deterministically) until
 * TF.js's own trajectory is well-conditioned (see CENTERED_MIN_MARGIN); the data
 * used is then the same for descent.
 */
async function runTrainOnBatch(t, name, spec) {
  const tensorsBefore = tf.memory().numTensors;
  const { config, opt, batch = 6, steps = STEPS, lrSchedule } = spec;

  // initial weights from descent
  const probe = descent.createModel(config);
  let init;
  try {
    init = copyWeights(probe.getWeights());
  } finally {
    probe.dispose();
  }
  if (spec.tweak) spec.tweak(init);

  // the TF.js trajectory
  let data;
  let ref;
  const attempts = opt.centered ? 20 : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    data = typeof spec.data === 'function' ? spec.data(attempt) : spec.data;
    ref = await tfTrajectory(spec, init, data);
    if (!opt.centered || ref.centeredMargin >= CENTERED_MIN_MARGIN) {
      if (attempt > 0) t.diagnostic(`centered RMSProp: data attempt ${attempt} (earlier data: TF.js ill-conditioned)`);
      break;
    }
  }
  if (opt.centered) {
    assert.ok(ref.centeredMargin >= CENTERED_MIN_MARGIN,
      `${name}: TF.js's centered RMSProp is ill-conditioned for all data tried (min (S - (G²+ε))/S = ${ref.centeredMargin})`);
  }
  assertFinite(ref.loss, `${name}: loss`);
  for (const w of ref.weights) {
    for (const l of w) {
      assertFinite(l.kernel, `${name}: kernel`);
      if (l.bias) assertFinite(l.bias, `${name}: bias`);
    }
  }

  // descent, once per kernel set
  const results = [];
  for (const variant of variants) {
    const worst = new Worst();
    const m = descentModel(config, variant, init);
    try {
      compareWeights(worst, 'initial', copyWeights(m.getWeights()), init);
      for (let k = 0; k < steps; k++) {
        if (lrSchedule) m.setLearningRate(lrSchedule[k].lr);
        const b = batchOf(data, k, batch);
        const stepWorst = new Worst();
        stepWorst.check(`step ${k} loss`, m.trainOnBatch(b.x, b.y), ref.loss[k]);
        compareWeights(stepWorst, `step ${k}`, m.getWeights(), ref.weights[k]);
        assertWithin(stepWorst, `${name} [${variant.label}]`);
        worst.merge(stepWorst);
      }
      assert.equal(m.stepCount, steps, 'descent stepCount');
    } finally {
      m.dispose();
    }
    results.push([variant.label, worst]);
  }
  report(t, results);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'TF.js tensors leaked');
}

// ---------------------------------------------------------------------------
// Cases

it('descent builds and kernel sets under test', (t) => {
  for (const v of variants) t.diagnostic(`comparing ${v.label} (descent ${v.d.version}) with TF.js ${tf.version.tfjs}`);
  if (variantNote) t.diagnostic(`not compared:${variantNote}`);
  assert.ok(variants.length > 0);
});

const HIDDEN = ['relu', 'tanh', 'sigmoid', 'leaky_relu'];

function twoLayer(hidden, lossSpec, { l1 = [0, 0], l2 = [0, 0], alpha = 0.2, seed = 1, hiddenUnits = 4 } = {}) {
  const h = { units: hiddenUnits, activation: hidden };
  if (hidden === 'leaky_relu') h.alpha = alpha;
  if (l1[0]) h.l1 = l1[0];
  if (l2[0]) h.l2 = l2[0];
  const o = { units: lossSpec.outputs, activation: lossSpec.outAct };
  if (l1[1]) o.l1 = l1[1];
  if (l2[1]) o.l2 = l2[1];
  return { inputs: 3, layers: [h, o], loss: lossSpec.loss, seed };
}

describe('trainOnBatch: every optimizer × every loss', () => {
  Object.entries(OPTIMIZERS).forEach(([optName, opt], oi) => {
    describe(optName, () => {
      Object.entries(LOSSES).forEach(([lossName, lossSpec], li) => {
        // rotate the hidden activation; centered RMSProp avoids relu (dead units
        // have zero gradients, which TF.js's centered RMSProp turns into NaN)
        let hidden = HIDDEN[(oi + li) % HIDDEN.length];
        if (opt.centered && hidden === 'relu') hidden = 'tanh';
        it(`${optName} + ${lossName} (hidden ${hidden}), no regularization`, async (t) => {
          const seed = 1000 + 17 * oi + li;
          const config = { ...twoLayer(hidden, lossSpec, { seed }), optimizer: opt.descent };
          const data = (attempt) => makeData(seed + 7919 * attempt, 12, 3, lossSpec.outputs, lossSpec.kind, {
            yScale: (lossSpec.yScale ?? 1) * (opt.centered && lossSpec.loss === 'mse' ? 1.5 : 1),
          });
          await runTrainOnBatch(t, `${optName} + ${lossName}`, { config, opt, data });
        });
      });
    });
  });
});

const REGULARIZATION = {
  L1: { l1: [0.01, 0.02], l2: [0, 0] },
  L2: { l1: [0, 0], l2: [0.01, 0.03] },
  'L1+L2': { l1: [0.02, 0.01], l2: [0.005, 0.02] },
};

describe('trainOnBatch: L1 / L2 / L1+L2 kernel regularization', () => {
  const lossNames = Object.keys(LOSSES);
  Object.entries(REGULARIZATION).forEach(([regName, reg], ri) => {
    describe(regName, () => {
      Object.entries(OPTIMIZERS).forEach(([optName, opt], oi) => {
        const lossName = lossNames[(oi + ri) % lossNames.length];
        const lossSpec = LOSSES[lossName];
        const hidden = opt.centered ? 'tanh' : HIDDEN[(oi + 2 * ri + 1) % HIDDEN.length];
        it(`${optName} + ${lossName} (hidden ${hidden}) + ${regName}`, async (t) => {
          const seed = 2000 + 31 * ri + oi;
          const config = { ...twoLayer(hidden, lossSpec, { ...reg, seed }), optimizer: opt.descent };
          const data = (attempt) => makeData(seed + 7919 * attempt, 12, 3, lossSpec.outputs, lossSpec.kind, { yScale: lossSpec.yScale ?? 1 });
          await runTrainOnBatch(t, `${optName} + ${lossName} + ${regName}`, { config, opt, data });
        });
      });
    });
  });

  // SEMANTICS §3 / §6.1: d|w|/dw is -1 at w = 0 exactly, so a zero weight gets +lr·l1.
  it('sgd + mse/linear + L1 with kernel weights exactly 0 (sign(0) = -1)', async (t) => {
    const lossSpec = LOSSES['mse/linear'];
    const config = { ...twoLayer('tanh', lossSpec, { l1: [0.05, 0.05], seed: 3001 }), optimizer: OPTIMIZERS.sgd.descent };
    const data = makeData(3001, 12, 3, lossSpec.outputs, lossSpec.kind, { yScale: 2 });
    const tweak = (w) => {
      w[0].kernel[0] = 0; w[0].kernel[5] = 0; w[0].kernel[11] = 0;
      w[1].kernel[1] = 0; w[1].kernel[6] = 0;
    };
    await runTrainOnBatch(t, 'sgd + mse/linear + L1 at w = 0', { config, opt: OPTIMIZERS.sgd, data, tweak });
  });
});

describe('trainOnBatch: leaky_relu hidden layers', () => {
  it('adam + categorical_crossentropy/softmax, leaky_relu(α=0.2) hidden', async (t) => {
    const lossSpec = LOSSES['categorical_crossentropy/softmax'];
    const config = { ...twoLayer('leaky_relu', lossSpec, { alpha: 0.2, seed: 4001, hiddenUnits: 5 }), optimizer: OPTIMIZERS.adam.descent };
    const data = makeData(4001, 12, 3, lossSpec.outputs, lossSpec.kind);
    await runTrainOnBatch(t, 'adam + cce + leaky(0.2)', { config, opt: OPTIMIZERS.adam, data });
  });

  it('momentum + mse/linear + L2, two leaky_relu layers (α=0.1, α=0.3), output without bias', async (t) => {
    const config = {
      inputs: 3,
      layers: [
        { units: 5, activation: 'leaky_relu', alpha: 0.1, l2: 0.01 },
        { units: 4, activation: 'leaky_relu', alpha: 0.3 },
        { units: 2, activation: 'linear', useBias: false, l2: 0.02 },
      ],
      loss: 'mse',
      seed: 4002,
      optimizer: OPTIMIZERS.momentum.descent,
    };
    const data = makeData(4002, 12, 3, 2, 'regression', { yScale: 2 });
    await runTrainOnBatch(t, 'momentum + mse + 2× leaky', { config, opt: OPTIMIZERS.momentum, data, steps: 8 });
  });

  it('nesterov + binary_crossentropy/sigmoid + L1, leaky_relu(α=0) hidden (a relu whose slope at 0 is 0 too)', async (t) => {
    const lossSpec = LOSSES['binary_crossentropy/sigmoid'];
    const config = { ...twoLayer('leaky_relu', lossSpec, { alpha: 0, l1: [0.01, 0], seed: 4003 }), optimizer: OPTIMIZERS.nesterov.descent };
    const data = makeData(4003, 12, 3, lossSpec.outputs, lossSpec.kind);
    await runTrainOnBatch(t, 'nesterov + bce + leaky(0)', { config, opt: OPTIMIZERS.nesterov, data });
  });
});

// Changing the learning rate between steps. In TF.js 4.22:
//  * SGD and Momentum (Nesterov too) multiply by a cached scalar `c = -lr` made in
//    setLearningRate(); assigning the `learningRate` property alone is NOT honoured,
//    so those use optimizer.setLearningRate(lr).
//  * AdaGrad, RMSProp and Adam read `this.learningRate` at every applyGradients, so
//    assigning the property is honoured (they have no setLearningRate()).
// With momentum, lr sits outside the accumulator (w ← w − lr·v); with RMSProp's
// momentum it sits inside (M ← μM + lr·g/√(S+ε)): changing lr tells them apart.
describe('trainOnBatch: learning rate changed between steps', () => {
  const viaSetter = (o, lr) => o.setLearningRate(lr);
  const viaProperty = (o, lr) => { o.learningRate = lr; };
  const cases = [
    ['sgd', viaSetter, [0.1, 0.1, 0.3, 0.3, 0.02, 0.02]],
    ['momentum', viaSetter, [0.05, 0.05, 0.2, 0.2, 0.01, 0.01]],
    ['nesterov', viaSetter, [0.05, 0.2, 0.05, 0.2, 0.01, 0.1]],
    ['adagrad', viaProperty, [0.1, 0.1, 0.3, 0.3, 0.02, 0.02]],
    ['rmsprop(momentum 0.5)', viaProperty, [0.01, 0.01, 0.05, 0.05, 0.002, 0.002]],
    ['adam', viaProperty, [0.01, 0.01, 0.05, 0.05, 0.002, 0.002]],
  ];
  cases.forEach(([optName, tfSet, lrs], ci) => {
    it(`${optName} + mse/linear (hidden tanh), lr ${lrs.join(' → ')}`, async (t) => {
      const opt = OPTIMIZERS[optName];
      const lossSpec = LOSSES['mse/linear'];
      const config = { ...twoLayer('tanh', lossSpec, { seed: 5000 + ci }), optimizer: opt.descent };
      const data = makeData(5000 + ci, 12, 3, lossSpec.outputs, lossSpec.kind, { yScale: 2 });
      const lrSchedule = lrs.map((lr) => ({ lr, tfSet }));
      await runTrainOnBatch(t, `${optName} lr schedule`, { config, opt, data, lrSchedule });
    });
  });

  it('TF.js honours the learning-rate changes used above (sanity check of the reference)', async () => {
    // One step from the same weights with lr and with lr changed to 3·lr before the
    // step: every first step is linear in lr, so the weight change must scale by 3.
    const before = tf.memory().numTensors;
    const firstStep = async (make, change) => {
      const o = make();
      const { model, dense } = buildTfModel({ inputs: 2, layers: [{ units: 1 }], loss: 'mse' }, o);
      try {
        setTfWeights(dense, [{ kernel: new Float32Array([0.5, -0.25]), bias: new Float32Array([0.1]) }]);
        if (change) change(o);
        const xs = tf.tensor2d([[1, 2], [-1, 0.5]]);
        const ys = tf.tensor2d([[1], [0]]);
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
        return getTfWeights(dense)[0].kernel[0] - 0.5;
      } finally {
        model.dispose();
        disposeOptimizer(o);
      }
    };
    const checks = [
      ['sgd setLearningRate', () => tf.train.sgd(0.1), (o) => viaSetter(o, 0.3), 3],
      ['momentum setLearningRate', () => tf.train.momentum(0.1, 0.9), (o) => viaSetter(o, 0.3), 3],
      ['adagrad learningRate =', () => tf.train.adagrad(0.1), (o) => viaProperty(o, 0.3), 3],
      ['rmsprop learningRate =', () => tf.train.rmsprop(0.01, 0.9, 0.5), (o) => viaProperty(o, 0.03), 3],
      ['adam learningRate =', () => tf.train.adam(0.01), (o) => viaProperty(o, 0.03), 3],
      // the trap: assigning the property alone leaves SGD's step unchanged
      ['sgd learningRate = (not honoured)', () => tf.train.sgd(0.1), (o) => viaProperty(o, 0.3), 1],
    ];
    for (const [what, make, change, ratio] of checks) {
      const r = (await firstStep(make, change)) / (await firstStep(make, null));
      assert.ok(Math.abs(r - ratio) < 1e-4, `${what}: step ratio ${r}, expected ${ratio}`);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('fit (shuffle: false) and evaluate / predict', () => {
  /**
   * Runs TF.js fit and descent fit from the same weights; compares loss (and
   * val_loss) per epoch and the final weights.
   */
  async function runFit(t, name, { config, opt, data, fitOptions, valData }) {
    const tensorsBefore = tf.memory().numTensors;
    const probe = descent.createModel(config);
    let init;
    try {
      init = copyWeights(probe.getWeights());
    } finally {
      probe.dispose();
    }
    const tfOpt = opt.tf();
    const { model, dense } = buildTfModel(config, tfOpt);
    let tfHist;
    let tfW;
    const xs = tf.tensor2d(data.x, [data.n, data.inputs]);
    const ys = tf.tensor2d(data.y, [data.n, data.outputs]);
    const val = valData
      ? [tf.tensor2d(valData.x, [valData.n, valData.inputs]), tf.tensor2d(valData.y, [valData.n, valData.outputs])]
      : null;
    try {
      setTfWeights(dense, init);
      const h = await model.fit(xs, ys, { ...fitOptions, verbose: 0, ...(val ? { validationData: val } : {}) });
      tfHist = h.history;
      tfW = getTfWeights(dense);
    } finally {
      tf.dispose([xs, ys, ...(val ?? [])]);
      model.dispose();
      disposeOptimizer(tfOpt);
    }
    assertFinite(tfHist.loss, `${name}: loss`);

    const results = [];
    for (const variant of variants) {
      const worst = new Worst();
      const m = descentModel(config, variant, init);
      try {
        const opts = { ...fitOptions, ...(valData ? { validationData: [valData.x, valData.y] } : {}) };
        const h = m.fit(data.x, data.y, opts);
        assert.equal(h.stopped, 'completed');
        assert.equal(h.history.loss.length, tfHist.loss.length, 'epochs run');
        h.history.loss.forEach((v, e) => worst.check(`epoch ${e} loss`, v, tfHist.loss[e]));
        if (tfHist.val_loss) {
          assert.ok(h.history.val_loss, 'descent history has val_loss');
          h.history.val_loss.forEach((v, e) => worst.check(`epoch ${e} val_loss`, v, tfHist.val_loss[e]));
        }
        compareWeights(worst, 'final', m.getWeights(), tfW);
        assertWithin(worst, `${name} [${variant.label}]`);
      } finally {
        m.dispose();
      }
      results.push([variant.label, worst]);
    }
    report(t, results);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'TF.js tensors leaked');
  }

  it('fit: adam + mse/linear (hidden relu) + L2, batchSize 4 of 12, 2 epochs, validationData', async (t) => {
    const lossSpec = LOSSES['mse/linear'];
    const config = { ...twoLayer('relu', lossSpec, { l2: [0.01, 0.02], seed: 6001 }), optimizer: OPTIMIZERS.adam.descent };
    const data = makeData(6001, 12, 3, 2, 'regression', { yScale: 2 });
    const valData = makeData(6002, 5, 3, 2, 'regression', { yScale: 2, zeroRow: false });
    await runFit(t, 'fit adam + mse + L2', {
      config, opt: OPTIMIZERS.adam, data, valData,
      fitOptions: { epochs: 2, batchSize: 4, shuffle: false },
    });
  });

  it('fit: momentum + categorical_crossentropy/softmax (hidden leaky_relu) + L1, batchSize 3 of 12 (validationSplit 0.25 of 16), 2 epochs', async (t) => {
    const lossSpec = LOSSES['categorical_crossentropy/softmax'];
    const config = { ...twoLayer('leaky_relu', lossSpec, { alpha: 0.2, l1: [0.01, 0.01], seed: 6003 }), optimizer: OPTIMIZERS.momentum.descent };
    const data = makeData(6003, 16, 3, 3, 'onehot');
    await runFit(t, 'fit momentum + cce + L1', {
      config, opt: OPTIMIZERS.momentum, data,
      fitOptions: { epochs: 2, batchSize: 3, shuffle: false, validationSplit: 0.25 },
    });
  });

  // TF.js's evaluate leaves out the regularization penalties (it is the test
  // function); descent's evaluate does the same.
  it('evaluate and predict: rmsprop + binary_crossentropy/sigmoid (hidden tanh) + L1+L2, after 4 steps', async (t) => {
    const tensorsBefore = tf.memory().numTensors;
    const lossSpec = LOSSES['binary_crossentropy/sigmoid'];
    const opt = OPTIMIZERS.rmsprop;
    const config = { ...twoLayer('tanh', lossSpec, { l1: [0.02, 0.01], l2: [0.01, 0.01], seed: 7001 }), optimizer: opt.descent };
    const data = makeData(7001, 12, 3, 2, 'binary');
    const test = makeData(7002, 10, 3, 2, 'binary', { zeroRow: false });
    const probe = descent.createModel(config);
    let init;
    try {
      init = copyWeights(probe.getWeights());
    } finally {
      probe.dispose();
    }
    const tfOpt = opt.tf();
    const { model, dense } = buildTfModel(config, tfOpt);
    let tfEval;
    let tfPred;
    let tfPenalty;
    try {
      setTfWeights(dense, init);
      for (let k = 0; k < 4; k++) {
        const b = batchOf(data, k, 6);
        const [xs, ys] = [tf.tensor2d(b.x, [6, 3]), tf.tensor2d(b.y, [6, 2])];
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
      }
      const [xs, ys] = [tf.tensor2d(test.x, [test.n, 3]), tf.tensor2d(test.y, [test.n, 2])];
      const e = model.evaluate(xs, ys, { batchSize: test.n });
      tfEval = e.dataSync()[0];
      const p = model.predict(xs);
      tfPred = p.dataSync().slice();
      // the penalties at these weights, which the training objective has and evaluate has not
      tfPenalty = 0;
      getTfWeights(dense).forEach((w, l) => {
        const { l1 = 0, l2 = 0 } = config.layers[l];
        for (const v of w.kernel) tfPenalty += l1 * Math.abs(v) + l2 * v * v;
      });
      tf.dispose([xs, ys, e, p]);
    } finally {
      model.dispose();
      disposeOptimizer(tfOpt);
    }
    // the penalties are far above the tolerance, so agreeing with TF.js means leaving them out
    assert.ok(tfPenalty > 1e-3 * tfEval, `penalty ${tfPenalty} too small to tell`);

    const results = [];
    for (const variant of variants) {
      const worst = new Worst();
      const m = descentModel(config, variant, init);
      try {
        for (let k = 0; k < 4; k++) {
          const b = batchOf(data, k, 6);
          m.trainOnBatch(b.x, b.y);
        }
        worst.check('evaluate', m.evaluate(test.x, test.y), tfEval);
        const pred = m.predict(test.x);
        assert.equal(pred.length, tfPred.length, 'predict length');
        pred.forEach((v, i) => worst.check(`predict[${Math.floor(i / 2)}][${i % 2}]`, v, tfPred[i]));
        assertWithin(worst, `evaluate/predict [${variant.label}]`);
      } finally {
        m.dispose();
      }
      results.push([variant.label, worst]);
    }
    report(t, results);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'TF.js tensors leaked');
  });
});
