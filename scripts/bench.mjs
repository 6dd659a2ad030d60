// bench.mjs - runs the BENCHMARKS.md workloads with every descent build
// (native SIMDe and scalar, wasm SIMD and scalar under Node) and TensorFlow.js
// 4.22's WebAssembly backend (XNNPACK, SIMD, one thread) in the same run:
// warm-up (the peers, each workload in a process of its own, before each
// measurement until they stop getting faster: bench-peers.mjs), interleaved
// repetitions, medians. Prints a table of samples/s, µs per step, GFLOP/s
// and ratios to tfjs-wasm, the gemm kernels next to tf.matMul,
// hyper-parameter tuning in 1 and 2 workers (bench-tune.mjs), the CLI's peak
// memory on a 26 MB CSV, brain.js on W1, a W1 and a W2 step's breakdown, the
// SIMD activations' error against libm, and one JSON line with everything.
//   node scripts/bench.mjs [--quick] [--reps N]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { benchTune } from './bench-tune.mjs';
import { BRAIN, TF, WORKLOADS, loadTf, startPeer, warmBudget } from './bench-peers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : quick ? 1 : 5;
if (!Number.isInteger(reps) || reps < 1 || reps > 20) {
  console.error('bench: --reps must be an integer in 1..20');
  process.exit(2);
}
for (const a of args) {
  if (!['--quick', '--reps', String(reps)].includes(a)) {
    console.error(`bench: unknown argument '${a}' (usage: scripts/bench [--quick] [--reps N])`);
    process.exit(2);
  }
}

const GEMM_SIZES = [64, 256, 512];

// ------------------------------------------------------- one CPU for both

// The workloads and the gemm run with this process and its children on one
// CPU: descent's builds (child processes) and TF.js (this process) then share
// a core, so a ratio in one run compares like with like on a machine whose
// cores run at different speeds (seen on this 2-core VM: one core 1.6x slower
// than the other for hours, which swung W1/W2 ratios by as much with where
// each process landed). The highest CPU allowed (CPU 0 often takes most
// interrupts); the whole set again for tuning, whose 2 workers need 2 cores.
// Where taskset is missing or refused, nothing is pinned and the report says so.
const affinity = (() => {
  try {
    const all = execFileSync('taskset', ['-p', '-c', String(process.pid)], { encoding: 'utf8' }).replace(/^[^:]*:\s*/, '').trim();
    const cpu = all.split(',').at(-1).split('-').at(-1);
    const set = (list) => execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
    set(cpu);
    return { cpu, release: () => set(all) };
  } catch {
    return { cpu: null, release: () => {} };
  }
})();

// ------------------------------------------------------------------ engines

const nativeBench = join(root, 'build', 'descent_bench');
const wasmBench = join(root, 'build-wasm', 'descent_bench.cjs');
const wasmScalarBench = join(root, 'build-wasm', 'descent_bench_scalar.cjs');
const memoryBench = join(root, 'build', 'train_memory');
for (const f of [nativeBench, wasmBench, wasmScalarBench, memoryBench]) {
  if (!existsSync(f)) {
    console.error(`bench: ${f} is missing: run scripts/bench (it builds everything) rather than this file alone`);
    process.exit(1);
  }
}

// Emscripten 3.1.6's Node glue would fetch() the .wasm path; without fetch it reads the file.
const NODE_WASM = ['--no-experimental-fetch'];

function runC(command, extra) {
  const cmd = command.endsWith('.cjs') ? [process.execPath, [...NODE_WASM, command, ...extra]] : [command, extra];
  return JSON.parse(execFileSync(cmd[0], [...cmd[1], '--reps', '1', ...(quick ? ['--quick'] : [])], { encoding: 'utf8' }));
}

const nativeHasSimd = (() => {
  try {
    runC(nativeBench, ['--kernels', 'simd', '--only', 'none']);
    return true;
  } catch {
    return false;
  }
})();
const wasmHasSimd = runC(wasmBench, ['--only', 'none']).kernels === 'simd';

const engines = [
  ...(wasmHasSimd ? [{ name: 'descent wasm simd', run: () => runC(wasmBench, []) }] : []),
  { name: 'descent wasm scalar', run: () => runC(wasmScalarBench, []) },
  ...(nativeHasSimd ? [{ name: 'descent native simde', run: () => runC(nativeBench, ['--kernels', 'simd']) }] : []),
  { name: 'descent native scalar', run: () => runC(nativeBench, ['--kernels', 'scalar']) },
];

// TF.js for tf.matMul beside the gemm kernels; the workloads' peers run in
// processes of their own (bench-peers.mjs).
const { tf, simd: tfSimd } = await loadTf();

// One product, read back, freed. (Wrapping this in tf.tidy costs ~10x at these sizes.)
function matMulOnce(a, b) {
  const c = tf.matMul(a, b);
  c.dataSync();
  c.dispose();
}

function tfMatMul(n) {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  matMulOnce(a, b);
  const target = quick ? 0.02 : 0.1;
  let calls = 1;
  let t0 = performance.now();
  matMulOnce(a, b);
  const one = (performance.now() - t0) / 1000;
  calls = Math.max(1, Math.ceil(target / Math.max(one, 1e-6)));
  const samples = [];
  for (let s = 0; s < 5; s++) {
    t0 = performance.now();
    for (let i = 0; i < calls; i++) matMulOnce(a, b);
    samples.push((performance.now() - t0) / 1000 / calls);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / median(samples) / 1e9;
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ------------------------------------------------------------ measurement

const samples = {}; // engine -> workload -> [results]
const gemmSamples = {}; // engine -> size -> shape -> [GFLOP/s]
const push = (engine, id, value) => ((samples[engine] ??= {})[id] ??= []).push(value);

// The peers, a process each, warmed up before each measurement (bench-peers.mjs).
const peers = [...WORKLOADS.map((w) => startPeer(TF, w, quick)), startPeer(BRAIN, WORKLOADS[0], quick)];
const warmup = { [TF]: {}, [BRAIN]: {} }; // engine -> workload -> [each repetition's warm-up rates]

for (let rep = 0; rep < reps; rep++) {
  process.stderr.write(`bench: repetition ${rep + 1}/${reps}\r`);
  for (const e of engines) {
    const r = e.run();
    for (const [id, v] of Object.entries(r.workloads)) push(e.name, id, v);
    for (const [n, shapes] of Object.entries(r.gemm)) {
      for (const [shape, g] of Object.entries(shapes)) (((gemmSamples[e.name] ??= {})[n] ??= {})[shape] ??= []).push(g);
    }
  }
  for (const p of peers) {
    const { warmup: rates, ...m } = await p.run();
    (warmup[p.engine][p.id] ??= []).push(rates);
    push(p.engine, p.id, m);
  }
  for (const n of GEMM_SIZES) (((gemmSamples[TF] ??= {})[n] ??= {}).nn ??= []).push(tfMatMul(n));
}
process.stderr.write('\n');
for (const p of peers) p.close();

const names = [...engines.map((e) => e.name), TF];
const result = { reps, quick, cpu: affinity.cpu, tfjs: { version: tf.version.tfjs, backend: 'wasm', simd: tfSimd, threads: 1 }, warmup, workloads: {}, gemm: {} };
for (const w of WORKLOADS) {
  result.workloads[w.id] = {};
  const base = median(samples[TF][w.id].map((v) => v.samples_per_s));
  for (const name of [...names, BRAIN]) {
    const runs = samples[name][w.id];
    if (!runs) continue;
    const sps = median(runs.map((v) => v.samples_per_s));
    result.workloads[w.id][name] = {
      samples_per_s: sps,
      us_per_step: median(runs.map((v) => v.us_per_step)),
      gflops: median(runs.map((v) => v.gflops)),
      vs_tfjs: sps / base,
      runs: runs.map((v) => Math.round(v.samples_per_s)),
    };
  }
}
for (const n of GEMM_SIZES) {
  result.gemm[n] = {};
  for (const name of names) {
    const g = gemmSamples[name][n];
    result.gemm[n][name] = Object.fromEntries(Object.entries(g).map(([shape, v]) => [shape, median(v)]));
  }
}

// ------------------------------------------------------------------ report

const fmt = (v, d = 1) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(d));
const pad = (s, n) => String(s).padStart(n);
const pinned = affinity.cpu === null ? '; engines not pinned (taskset missing or refused)' : `; every engine on CPU ${affinity.cpu}`;
console.log(`descent benchmark: ${reps} repetition${reps > 1 ? 's' : ''}${quick ? ' (quick: 1 epoch, smaller TF.js data for W3/W4)' : ''}, medians; tfjs-wasm ${tf.version.tfjs}, SIMD ${tfSimd}, 1 thread${pinned}`);
const warmed = (reps) => `${reps.map((r) => r.length).join('/')} runs (the first: ${reps[0].map((r) => fmt(r, 0)).join(', ')})`;
console.log(`peers: a process each, warmed up before each measurement until they stopped getting faster (at most ${warmBudget(quick)} s): tfjs-wasm ${WORKLOADS.map((w) => `${w.id} ${warmed(warmup[TF][w.id])}`).join('; ')}; brain.js W1 ${warmed(warmup[BRAIN].W1)}`);
for (const w of WORKLOADS) {
  console.log(`\n${w.id}  ${w.inputs} -> ${w.units.join(' -> ')}  ${w.loss}  ${w.opt} lr ${w.lr}  batch ${w.batch}  ${w.samples} x ${w.epochs}`);
  console.log(`  ${'engine'.padEnd(24)}${pad('samples/s', 12)}${pad('us/step', 11)}${pad('GFLOP/s', 9)}${pad('x tfjs', 9)}`);
  for (const name of [...names, BRAIN]) {
    const r = result.workloads[w.id][name];
    if (!r) continue;
    console.log(`  ${name.padEnd(24)}${pad(fmt(r.samples_per_s), 12)}${pad(r.us_per_step.toFixed(1), 11)}${pad(r.gflops.toFixed(2), 9)}${pad(r.vs_tfjs.toFixed(1), 9)}`);
  }
}
console.log('\ngemm GFLOP/s (n x n x n; nn = X·W forward, tn = Xᵀ·dZ, nt = dZ·Wᵀ backward; tfjs: tf.matMul)');
console.log(`  ${'engine'.padEnd(24)}${GEMM_SIZES.map((n) => `${pad(`nn ${n}`, 9)}${pad(`tn ${n}`, 9)}${pad(`nt ${n}`, 9)}`).join('')}`);
for (const name of names) {
  const cells = GEMM_SIZES.map((n) => {
    const g = result.gemm[n][name];
    return ['nn', 'tn', 'nt'].map((s) => pad(g[s] === undefined ? '-' : g[s].toFixed(1), 9)).join('');
  });
  console.log(`  ${name.padEnd(24)}${cells.join('')}`);
}

// Where a W1 and a W2 step's time goes (descent_bench --breakdown [--only
// W2]: each part of the step timed alone, CPU µs per step, medians); the
// builds interleaved.
const BREAKDOWN = ['fit', 'step', 'load', 'forward', 'loss', 'backward', 'update', 'activations', 'act_backward', 'gemm', 'setup', 'epoch'];
const BREAKDOWN_WORKLOADS = ['W1', 'W2'];
const splitEngines = [
  ...(wasmHasSimd ? [['descent wasm simd', wasmBench, []]] : []),
  ...(nativeHasSimd ? [['descent native simde', nativeBench, ['--kernels', 'simd']]] : []),
];
const splitRuns = {};
for (let rep = 0; rep < reps; rep++) {
  for (const id of BREAKDOWN_WORKLOADS) {
    for (const [name, cmd, extra] of splitEngines) ((splitRuns[id] ??= {})[name] ??= []).push(runC(cmd, [...extra, '--breakdown', '--only', id]).breakdown[id]);
  }
}
result.breakdown = {};
console.log('\nstep breakdown (CPU us per step; fit = descent_model_fit per step, step = one step called directly;');
console.log('  inside it load, forward, loss, backward, update; across the passes activations, act_backward, gemm;');
console.log('  outside it, per step: setup = a trainer made and freed (once a fit), epoch = the row order drawn (once an epoch))');
console.log(`  ${'engine'.padEnd(24)}${'work'.padEnd(5)}${BREAKDOWN.map((k) => pad(k, k.length > 8 ? k.length + 1 : 9)).join('')}`);
for (const id of BREAKDOWN_WORKLOADS) {
  result.breakdown[id] = {};
  for (const [name] of splitEngines) {
    const b = (result.breakdown[id][name] = Object.fromEntries(BREAKDOWN.map((k) => [k, median(splitRuns[id][name].map((r) => r[k]))])));
    console.log(`  ${name.padEnd(24)}${id.padEnd(5)}${BREAKDOWN.map((k) => pad(b[k].toFixed(2), k.length > 8 ? k.length + 1 : 9)).join('')}`);
  }
}

// How far the SIMD kernels' exp, tanh and sigmoid are from libm's (the scalar
// reference's), over every 97th float bit pattern and the special values.
result.activation_error = {};
console.log('\nactivation error of the SIMD kernels against libm (every 97th float bit pattern, NaN, +-inf, denormals)');
console.log(`  ${'engine'.padEnd(24)}${'function'.padEnd(10)}${pad('max ulp', 9)}${pad('max rel', 11)}${pad('max abs', 11)}  worst x`);
for (const [name, cmd, extra] of splitEngines) {
  const e = runC(cmd, [...extra, '--activation-error']).activation_error;
  result.activation_error[name] = e;
  for (const [fn, v] of Object.entries(e)) {
    console.log(`  ${name.padEnd(24)}${fn.padEnd(10)}${pad(v.max_ulp, 9)}${pad(v.max_rel.toExponential(2), 11)}${pad(v.max_abs.toExponential(2), 11)}  ${v.worst_x}`);
  }
}

affinity.release();
result.tuning = await benchTune({ quick, reps });

// The module's size. What loads before a first model trains (the SIMD core
// module's first part, descent.mjs, the glue) must stay under 150 KB; the
// deferred part (scripts/split-wasm.mjs) loads on first use, so an embedder
// ships it too ('all files'); tuning is a build of its own.
const dist = join(root, 'build-wasm');
const sizeOf = (files) => files.reduce((sum, f) => {
  const bytes = readFileSync(join(dist, f));
  return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length };
}, { raw: 0, gzip: 0 });
// What loadDescent loads: the wasm, its glue and descent.mjs (the API's parts joined at build).
const API = ['descent.mjs'];
const MODULES = {
  'core, SIMD': ['descent.wasm', ...API, 'descent-glue.mjs'],
  'core, SIMD, all files': ['descent.wasm', 'descent.deferred.wasm', ...API, 'descent-glue.mjs'],
  'core, scalar': ['descent-scalar.wasm', ...API, 'descent-scalar-glue.mjs'],
  'core, scalar, all files': ['descent-scalar.wasm', 'descent-scalar.deferred.wasm', ...API, 'descent-scalar-glue.mjs'],
  'with tuning, SIMD': ['descent-tune.wasm', ...API, 'descent-tune.mjs', 'tune-spec.mjs', 'checks.mjs', 'core-vocabulary.mjs',
    'vocabulary.mjs', 'descent-tune-glue.mjs'],
};
result.size = {};
console.log('\nmodule size (build-wasm/; gzip -9)');
console.log(`  ${'build'.padEnd(24)}${pad('raw B', 10)}${pad('gzip B', 10)}  files`);
for (const [name, files] of Object.entries(MODULES)) {
  const s = sizeOf(files);
  result.size[name] = { ...s, files };
  console.log(`  ${name.padEnd(24)}${pad(s.raw.toLocaleString('en-US'), 10)}${pad(s.gzip.toLocaleString('en-US'), 10)}  ${files.join(' + ')}`);
}

// Peak memory of the native CLI training on a generated 26 MB numeric CSV
// (tests/c/train_memory.c; CTest holds it to the same bar).
const memory = JSON.parse(execFileSync(memoryBench,
  [join(root, 'build', 'descent'), '--dir', join(root, 'build'), '--json'], { encoding: 'utf8' }));
result.memory = memory;
const MB = (b) => `${(b / 1e6).toFixed(1)} MB`;
console.log(`
memory: descent train on a ${MB(memory.file_bytes)} CSV (${memory.rows.toLocaleString('en-US')} x ${memory.columns}, 1 epoch): `
  + `peak RSS ${MB(memory.peak_rss_bytes)} = ${(memory.peak_rss_bytes / memory.file_bytes).toFixed(2)} x the file (limit 3 x file + 50 MB = ${MB(memory.limit_bytes)})`);

// The targets of the SIMD, tuning and hardening issues, read off this run (information, not a test).
const best = wasmHasSimd ? 'descent wasm simd' : 'descent wasm scalar';
const checks = [];
for (const id of ['W1', 'W2']) checks.push([`${id}: ${best} >= 300x tfjs-wasm`, result.workloads[id][best].vs_tfjs, 300]);
checks.push([`W1: ${best} >= 5x brain.js (which trains one sample at a time)`, result.workloads.W1[best].samples_per_s / result.workloads.W1[BRAIN].samples_per_s, 5]);
for (const [fn, v] of Object.entries(result.activation_error[best] ?? {})) {
  checks.push([`activation error: ${fn} within the conformance tolerance (max rel <= 1e-5)`, v.max_rel, 1e-5, true]);
}
for (const id of ['W3', 'W4']) {
  checks.push([`${id}: ${best} >= 6x tfjs-wasm`, result.workloads[id][best].vs_tfjs, 6]);
  checks.push([`${id}: training GFLOP/s >= 60% of ${best}'s gemm nn at 256`, result.workloads[id][best].gflops / result.gemm[256][best].nn, 0.6]);
  if (nativeHasSimd && wasmHasSimd) {
    checks.push([`${id}: wasm simd within 1.3x of native simde`, result.workloads[id]['descent native simde'].samples_per_s / result.workloads[id][best].samples_per_s, 1.3, true]);
  }
}
checks.push([`gemm nn 256: ${best} >= tf.matMul`, result.gemm[256][best].nn / result.gemm[256][TF].nn, 1]);
checks.push([`gemm nn 256: ${best} >= 2x wasm scalar`, result.gemm[256][best].nn / result.gemm[256]['descent wasm scalar'].nn, 2]);
checks.push(['tuning: 2 workers >= 1.7x the configurations/s of 1 (on 2 cores)', result.tuning.speedup_2_vs_1, 1.7]);
checks.push(['size: core SIMD as it loads (.wasm + .mjs + glue, not the deferred part) <= 150 KB (KB = 1000 B)', result.size['core, SIMD'].raw / 1000, 150, true]);
checks.push(['memory: descent train peak RSS <= 3 x the CSV + 50 MB (MB)', memory.peak_rss_bytes / 1e6, memory.limit_bytes / 1e6, true]);
console.log('\ntargets (this run)');
result.targets = checks.map(([what, value, bar, atMost]) => {
  const met = atMost ? value <= bar : value >= bar;
  console.log(`  ${met ? 'met    ' : 'NOT MET'}  ${what}: ${value < 0.01 ? value.toExponential(2) : value.toFixed(2)}`);
  return { what, value, bar, met };
});
console.log(JSON.stringify(result));
