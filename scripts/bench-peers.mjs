// bench-peers.mjs - the workloads of BENCHMARKS.md as the peers run them:
// TensorFlow.js 4.22's WebAssembly backend (XNNPACK, SIMD, one thread) on
// W1-W4, and brain.js 1.6 on W1, each workload in a process of its own
// (a child of bench.mjs, which asks it for one measurement per repetition).
//
// Why a process each, and a warm-up before every measurement: TF.js gets
// faster for thousands of steps (on this kind of machine W2's first 20-epoch
// fit ran 21k samples/s, its 7th and later about 80k; W1 6k, then 15k), in
// one process with the other workloads (W3's and W4's big tensors) its small
// ones fell back to 50-65k, and after its process had sat idle for 50 s
// (as it does while the other engines run) the next fits ran 58k, then 20k.
// A page or a Node script trains one model, without pauses; so each child
// here trains one, and before each measurement runs until it has stopped
// getting faster (two runs in a row no more than 3 % faster than the best
// before them, within a time budget: a big workload gets its first run or
// two), then the measured run. The warm-up rates are reported.
//   parent: const p = startPeer('tfjs-wasm', workload, quick); const m = await p.run(); p.close();
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const WORKLOADS = [
  { id: 'W1', inputs: 2, units: [8, 8, 1], hidden: 'tanh', out: 'sigmoid', loss: 'binaryCrossentropy', opt: 'sgd', lr: 0.03, batch: 10, samples: 500, epochs: 20 },
  { id: 'W2', inputs: 10, units: [10, 10, 1], hidden: 'relu', out: 'linear', loss: 'meanSquaredError', opt: 'sgd', lr: 0.01, batch: 32, samples: 1000, epochs: 20 },
  { id: 'W3', inputs: 784, units: [128, 10], hidden: 'relu', out: 'softmax', loss: 'categoricalCrossentropy', opt: 'adam', lr: 1e-3, batch: 64, samples: 4096, epochs: 2 },
  { id: 'W4', inputs: 256, units: [512, 512, 10], hidden: 'relu', out: 'softmax', loss: 'categoricalCrossentropy', opt: 'adam', lr: 1e-3, batch: 128, samples: 4096, epochs: 2 },
];

export const TF = 'tfjs-wasm';
export const BRAIN = 'brain.js';

export const flopsPerStep = (w) => {
  let f = 0;
  let fanIn = w.inputs;
  for (const u of w.units) {
    f += 6 * w.batch * fanIn * u;
    fanIn = u;
  }
  return f;
};

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** TF.js's wasm backend, one thread; returns tf and whether it runs SIMD. */
export async function loadTf() {
  const require = createRequire(import.meta.url);
  const tf = await import('@tensorflow/tfjs');
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  tfwasm.setWasmPaths(require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^/]+$/, ''));
  tfwasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  return { tf, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') };
}

/** One measurement of w by TF.js: () => {samples_per_s, us_per_step, gflops}, on data of the same shapes. */
async function tfRunner(w, quick) {
  const { tf } = await loadTf();
  // Quick runs keep the big workloads short: the rate is what is measured.
  const samples = quick && w.samples > 1000 ? 512 : w.samples;
  const r = rng(42);
  const k = w.units.at(-1);
  const x = Float32Array.from({ length: samples * w.inputs }, () => r() * 2 - 1);
  const y = new Float32Array(samples * k);
  for (let i = 0; i < samples; i++) {
    if (k === 1) y[i] = w.loss === 'meanSquaredError' ? x[i * w.inputs] : Number(r() > 0.5);
    else y[i * k + Math.floor(r() * k)] = 1;
  }
  const model = tf.sequential();
  w.units.forEach((units, l) => model.add(tf.layers.dense({
    units, activation: l + 1 < w.units.length ? w.hidden : w.out, ...(l === 0 ? { inputShape: [w.inputs] } : {}),
  })));
  model.compile({ optimizer: w.opt === 'sgd' ? tf.train.sgd(w.lr) : tf.train.adam(w.lr), loss: w.loss });
  const xs = tf.tensor2d(x, [samples, w.inputs]);
  const ys = tf.tensor2d(y, [samples, k]);
  const epochs = quick ? 1 : w.epochs;
  return async () => {
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs, batchSize: w.batch, shuffle: true, verbose: 0 });
    const t = (performance.now() - t0) / 1000;
    const steps = epochs * Math.ceil(samples / w.batch);
    return { samples_per_s: (samples * epochs) / t, us_per_step: (t / steps) * 1e6, gflops: (flopsPerStep(w) * steps) / t / 1e9 };
  };
}

// brain.js 1.6 (pinned devDependency; pure JavaScript): W1 as close as it
// can express it: the same layers, tanh everywhere (one activation for all
// layers), squared error, one sample at a time (no mini-batches), its default
// momentum 0.1. Samples per second of net.train over the 500 x 20.
async function brainRunner(w, quick) {
  const brain = createRequire(import.meta.url)('brain.js');
  const r = rng(42);
  const data = Array.from({ length: w.samples }, () => {
    const a = r() * 2 - 1;
    const b = r() * 2 - 1;
    return { input: [a, b], output: [a * b > 0 ? 1 : 0] };
  });
  const iterations = quick ? 1 : w.epochs;
  const opts = { learningRate: w.lr, errorThresh: 1e-12, log: false }; // 0 is refused; this one never stops it early
  return async () => {
    const net = new brain.NeuralNetwork({ hiddenLayers: w.units.slice(0, -1), activation: 'tanh' });
    const t0 = performance.now();
    net.train(data, { ...opts, iterations });
    const t = (performance.now() - t0) / 1000;
    return { samples_per_s: (w.samples * iterations) / t, us_per_step: (t / (w.samples * iterations)) * 1e6, gflops: (flopsPerStep(w) / w.batch) * w.samples * iterations / t / 1e9 };
  };
}

/** Runs until two runs in a row are no more than 3 % faster than the best before them (at least one run, within budgetS); the rates, rounded. */
async function warmUp(run, budgetS) {
  const t0 = performance.now();
  const rates = [];
  let best = 0;
  let flat = 0;
  while (rates.length === 0 || performance.now() - t0 < budgetS * 1000) {
    const r = (await run()).samples_per_s;
    rates.push(Math.round(r));
    if (r > best * 1.03) flat = 0;
    else if (++flat === 2) break;
    best = Math.max(best, r);
  }
  return rates;
}

/** The warm-up's time budget per workload, in seconds (a big workload gets its first run or two). */
export const warmBudget = (quick) => (quick ? 1 : 15);

/**
 * A child process running one peer on one workload: run() warms it up and
 * resolves to one measurement, {samples_per_s, us_per_step, gflops, warmup:
 * the warm-up runs' rates}; close() ends it.
 */
export function startPeer(engine, w, quick) {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending = null;
  child.on('message', (m) => {
    const p = pending;
    pending = null;
    if (m.error) p.reject(new Error(`${engine} ${w.id}: ${m.error}`));
    else p.resolve(m.value);
  });
  child.on('exit', (code) => pending?.reject(new Error(`${engine} ${w.id}: the peer's process ended (${code})`)));
  const run = () => new Promise((resolve, reject) => {
    pending = { resolve, reject };
    child.send({ engine, w, quick });
  });
  return { engine, id: w.id, run, close: () => child.disconnect() };
}

// The child's side: one runner, made on the first message.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  let runner = null;
  process.on('message', async ({ engine, w, quick }) => {
    try {
      runner ??= await (engine === TF ? tfRunner : brainRunner)(w, quick);
      const warmup = await warmUp(runner, warmBudget(quick));
      process.send({ value: { ...(await runner()), warmup } });
    } catch (e) {
      process.send({ error: e && e.stack ? e.stack : String(e) });
    }
  });
}
