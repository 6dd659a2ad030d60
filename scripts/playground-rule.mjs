// playground-rule.mjs - how often the TensorFlow Playground's spiral lesson
// reaches a test accuracy, under the Playground's own rule, against descent
// with the lesson as playground-link.mjs maps it (figures only, no thresholds).
//
// The Playground's rule, re-implemented from its documented behaviour in
// float64: 500 spiral points (two arms of 250, radius 5, 1.75 turns), shuffled
// once and cut in half; weights U(-0.5, 0.5), biases 0.1; tanh everywhere; per
// point backpropagation of (y - t)²/2, and every B points each weight moves by
// rate times its summed gradient / B; the same order every epoch. Its random
// numbers here are mulberry32's, not seedrandom's: the same distributions,
// other draws.
//   node scripts/playground-rule.mjs [seeds=100] [--no-descent]   (descent: needs build-wasm/)
import { fromPlayground, playgroundParams } from '../web/js/playground-link.mjs';

const LESSON = '#activation=tanh&batchSize=10&dataset=spiral&learningRate=0.03&networkShape=8,8&percTrainData=50' +
  '&noise=0&x=true&y=true&problem=classification';
const EPOCHS = 1000;
const BAR = 0.9;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Playground's rule on its spiral: test accuracy after EPOCHS epochs. */
function playground(seed, { rate = 0.03, batch = 10, hidden = [8, 8] } = {}) {
  const random = mulberry32(seed);
  const points = [];
  const half = 250;
  for (const [turn, label] of [[0, 1], [Math.PI, -1]]) {
    for (let i = 0; i < half; i++) {
      const r = (i / half) * 5;
      const t = ((1.75 * i) / half) * 2 * Math.PI + turn;
      // Its noise terms are drawn even at noise 0, and so are they here.
      const nx = (random() * 2 - 1) * 0;
      const ny = (random() * 2 - 1) * 0;
      points.push([r * Math.sin(t) + nx, r * Math.cos(t) + ny, label]);
    }
  }
  for (let c = points.length; c > 0;) {
    const j = Math.floor(random() * c);
    c--;
    [points[c], points[j]] = [points[j], points[c]];
  }
  const train = points.slice(0, half);
  const test = points.slice(half);
  const sizes = [2, ...hidden, 1];
  const layers = sizes.slice(1).map((out, l) => ({
    w: Array.from({ length: out }, () => Array.from({ length: sizes[l] }, () => random() - 0.5)),
    b: new Array(out).fill(0.1),
    gw: Array.from({ length: out }, () => new Array(sizes[l]).fill(0)),
    gb: new Array(out).fill(0),
  }));
  const forward = (input) => {
    const outs = [input];
    for (const { w, b } of layers) {
      const prev = outs.at(-1);
      outs.push(w.map((row, j) => Math.tanh(row.reduce((z, wi, i) => z + wi * prev[i], b[j]))));
    }
    return outs;
  };
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    train.forEach(([x, y, target], k) => {
      const outs = forward([x, y]);
      let delta = outs.at(-1).map((o) => (o - target) * (1 - o * o));
      for (let l = layers.length - 1; l >= 0; l--) {
        const { w, gw, gb } = layers[l];
        const prev = outs[l];
        const back = new Array(prev.length).fill(0);
        delta.forEach((dj, j) => {
          gb[j] += dj;
          for (let i = 0; i < prev.length; i++) {
            gw[j][i] += dj * prev[i];
            back[i] += w[j][i] * dj;
          }
        });
        delta = back.map((v, i) => v * (1 - prev[i] * prev[i]));
      }
      if ((k + 1) % batch !== 0) return;
      for (const { w, b, gw, gb } of layers) {
        b.forEach((_, j) => {
          b[j] -= (rate * gb[j]) / batch;
          gb[j] = 0;
          w[j].forEach((_, i) => {
            w[j][i] -= (rate * gw[j][i]) / batch;
            gw[j][i] = 0;
          });
        });
      }
    });
  }
  let right = 0;
  for (const [x, y, target] of test) right += (forward([x, y]).at(-1)[0] >= 0 ? 1 : -1) === target;
  return right / test.length;
}

/** descent on the lesson as the page gets it from the link (inputs x1, x2 only, as the lesson has). */
function descentRun(d, seed) {
  const { config } = fromPlayground(playgroundParams({ hash: `${LESSON}&seed=${seed}` }), { epochs: EPOCHS, features: [] });
  const set = d.generate(config.dataset, { n: config.samples, noise: config.noise, seed: config.dataSeed });
  const labels = Int32Array.from(set.y);
  const split = d.trainTestSplit(set.n, { testFraction: config.testRatio, labels, seed: config.dataSeed });
  const rows = (idx) => ({
    x: Float32Array.from({ length: idx.length * 2 }, (_, k) => set.x[idx[k >> 1] * 2 + (k & 1)]),
    y: Float32Array.from(idx, (i) => 2 * labels[i] - 1),
  });
  const tr = rows(split.train);
  const te = rows(split.test);
  const model = d.createModel({ inputs: 2, init: config.init, loss: 'mse', optimizer: config.optimizer, seed: config.seed,
    layers: [...config.layers, { units: 1, activation: 'tanh' }] });
  model.fit(tr.x, tr.y, { epochs: EPOCHS, batchSize: config.batchSize });
  const p = model.predict(te.x);
  model.dispose();
  let right = 0;
  for (let i = 0; i < te.y.length; i++) right += (p[i] >= 0) === (te.y[i] > 0);
  return right / te.y.length;
}

function summary(name, accuracies) {
  const sorted = [...accuracies].sort((a, b) => a - b);
  const p = accuracies.filter((a) => a >= BAR).length / accuracies.length;
  const fourOfFive = p ** 5 + 5 * p ** 4 * (1 - p);
  console.log(`${name}: median ${sorted[sorted.length >> 1].toFixed(3)}, min ${sorted[0].toFixed(3)}, ` +
    `>= ${BAR} in ${(100 * p).toFixed(0)} % of ${accuracies.length} seeds, so 4 of 5 seeds in ${(100 * fourOfFive).toFixed(0)} % of draws`);
}

const seeds = Number(process.argv.find((a) => /^\d+$/.test(a)) || 100);
const list = Array.from({ length: seeds }, (_, i) => i + 1);
summary('the Playground\'s rule', list.map((s) => playground(s)));
if (!process.argv.includes('--no-descent')) {
  const { loadDescent } = await import(new URL('../build-wasm/descent.mjs', import.meta.url));
  const d = await loadDescent();
  summary('descent, mapped', list.map((s) => descentRun(d, s)));
}
