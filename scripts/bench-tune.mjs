// bench-tune.mjs - the tuning figures of scripts/bench: a grid search on
// breast_cancer with 5-fold cross-validation, run by TunePool with 1 worker
// and with 2 (worker_threads), as configurations per second and the speed-up,
// next to descent.tune in this thread. scripts/bench.mjs runs it after the
// training workloads; alone:
//   node scripts/bench-tune.mjs [--quick] [--reps N]     (DESCENT_DIST: another build directory)
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// 24 configurations of uneven cost (8 vs 16x16 units, sgd vs adam, batch 16 vs 32).
const GRID = {
  learningRate: [0.001, 0.01, 0.1],
  layers: ['8', '16x16'],
  optimizer: ['sgd', 'adam'],
  batchSize: [16, 32],
};

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function distUrl() {
  const env = process.env.DESCENT_DIST;
  if (!env) return pathToFileURL(`${root}build-wasm/`);
  return pathToFileURL(env.endsWith('/') ? env : `${env}/`);
}

/** Measures and prints the tuning section; returns its figures for the JSON line. */
export async function benchTune({ quick = false, reps = quick ? 1 : 3, log = console.log } = {}) {
  const dist = distUrl();
  const { loadDescent } = await import(new URL('descent.mjs', dist));
  const { TunePool } = await import(new URL('tune-pool.mjs', dist));
  const descent = await loadDescent({ tune: true });
  const data = descent.parseCSV(readFileSync(`${root}web/data/breast_cancer.csv`, 'utf8'), { target: 'diagnosis' });
  // Long enough (about 1 s a run in one worker) that a search's fixed cost, the data sent to every worker, is small.
  const epochs = quick ? 4 : 40;
  const options = { grid: GRID, base: { epochs }, folds: 5, metric: 'accuracy', seed: 1 };
  const count = Object.values(GRID).reduce((n, v) => n * v.length, 1);

  const pools = [await TunePool.create({ size: 1 }), await TunePool.create({ size: 2 })];
  const times = { thread: [], 1: [], 2: [] };
  try {
    // Warm-up, the timed search itself once: every worker has compiled and tiered up the wasm before it is timed.
    descent.tune(data, options);
    for (const p of pools) await p.tune(data, options);
    let reference = null;
    for (let rep = 0; rep < reps; rep++) {
      let t0 = performance.now();
      const seq = descent.tune(data, options);
      times.thread.push(performance.now() - t0);
      reference = reference || seq.results.map((r) => r.mean);
      for (const p of pools) {
        t0 = performance.now();
        const out = await p.tune(data, options);
        times[p.size].push(performance.now() - t0);
        // The pool must give the thread's results; a bench of wrong answers is no bench.
        if (out.results.some((r, i) => r.mean !== seq.results[i].mean)) throw new Error('bench-tune: pool results differ');
      }
    }
  } finally {
    for (const p of pools) await p.terminate();
  }
  const perSecond = (ms) => count / (median(ms) / 1000);
  const figures = {
    configurations: count,
    folds: 5,
    epochs,
    rows: data.n,
    reps,
    in_thread_configs_per_s: perSecond(times.thread),
    workers_1_configs_per_s: perSecond(times[1]),
    workers_2_configs_per_s: perSecond(times[2]),
  };
  // Each repetition times 1 and 2 workers back to back; the median of their ratios is steadier than a ratio of medians.
  figures.speedup_2_vs_1 = median(times[1].map((t1, i) => t1 / times[2][i]));
  log(`\ntuning: grid of ${count} configurations (lr 3 x layers 2 x optimizer 2 x batch 2), 5-fold cross-validation, ${epochs} epochs, breast_cancer (${data.n} rows); medians of ${reps}${quick ? ' (quick: a smoke run, too short to measure the speed-up)' : ''}`);
  log(`  ${'runner'.padEnd(28)}${'configs/s'.padStart(10)}${'seconds'.padStart(9)}`);
  const row = (name, ms) => log(`  ${name.padEnd(28)}${perSecond(ms).toFixed(1).padStart(10)}${(median(ms) / 1000).toFixed(2).padStart(9)}`);
  row('descent.tune (this thread)', times.thread);
  row('TunePool, 1 worker', times[1]);
  row('TunePool, 2 workers', times[2]);
  log(`  speed-up, 2 workers vs 1: ${figures.speedup_2_vs_1.toFixed(2)}x (target >= 1.7x on 2 cores)`);
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const i = args.indexOf('--reps');
  const reps = i >= 0 ? Number(args[i + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(reps) || reps < 1 || reps > 20 || args.some((a) => !['--quick', '--reps', String(reps)].includes(a))) {
    console.error('usage: node scripts/bench-tune.mjs [--quick] [--reps N]');
    process.exit(2);
  }
  console.log(JSON.stringify(await benchTune({ quick, reps })));
}
