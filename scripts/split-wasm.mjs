// split-wasm.mjs DIR STEM - splits DIR/STEM.whole.wasm, a core module as
// Emscripten linked it, into DIR/STEM.wasm, what a page's start and a
// training run call, and DIR/STEM.deferred.wasm, the rest (CSV parsing, model
// files, the other optimizers, ...), which bindings/descent.mjs loads the
// first time one of its functions runs: each function left out of the
// primary is a placeholder import there. What stays primary is measured,
// not listed: binaryen's wasm-split instruments the module, DIR/descent.mjs
// loads it under Node and runs scripts/split-workload.mjs (the page's
// requests, over the core's vocabulary), and the functions that ran are the
// profile the split follows. A function the workload misses costs a deferred
// load, never a wrong result. Both parts carry a custom section with the id
// of the module they were split from, so descent.mjs refuses a deferred part
// of another build (a stale cache) instead of running it. The build runs
// this after linking and joining descent.mjs (CMakeLists.txt); WASM_SPLIT
// names the tool (default: wasm-split on the PATH).
//   node scripts/split-wasm.mjs build-wasm descent
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pageWorkload } from './split-workload.mjs';

const [dir, stem] = process.argv.slice(2);
if (!dir || !stem) {
  console.error('usage: node split-wasm.mjs DIR STEM (splits DIR/STEM.whole.wasm into DIR/STEM.wasm and DIR/STEM.deferred.wasm)');
  process.exit(2);
}
const simd = !stem.includes('scalar');
const whole = join(dir, `${stem}.whole.wasm`);
const instrumented = join(dir, `${stem}.instrumented.wasm`);
const profile = join(dir, `${stem}.profile`);
const primary = join(dir, `${stem}.wasm`);
const secondary = join(dir, `${stem}.deferred.wasm`);
// What bindings/descent.mjs expects: the namespace of the primary's
// placeholders, the deferred part's of its imports from the primary, the custom section.
const PLACEHOLDERS = 'P';
const PRIMARY = 'M';
const SPLIT_ID = 'descent.split';
// The features Emscripten's output uses (binaryen validates against them).
const FEATURES = ['--enable-mutable-globals', '--enable-sign-ext', ...(simd ? ['--enable-simd'] : [])];
const wasmSplit = (args) => execFileSync(process.env.WASM_SPLIT || 'wasm-split', [...args, ...FEATURES],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  wasmSplit(['--instrument', whole, '-o', instrumented]);
  const { loadDescent } = await import(pathToFileURL(join(dir, 'descent.mjs')).href);
  const d = await loadDescent({ simd, wasmBinary: readFileSync(instrumented) });
  pageWorkload(d);
  const M = d._module;
  const size = 4096 + 4 * 65536;
  const at = M._malloc(size);
  const written = M.asm.__write_profile(at, size);
  if (!(written > 0 && written <= size)) throw new Error(`the profile did not fit (${written} of ${size} bytes)`);
  writeFileSync(profile, M.HEAPU8.slice(at, at + written));

  const log = wasmSplit(['--split', whole, `--profile=${profile}`, '-o1', primary, '-o2', secondary,
    `--placeholder-namespace=${PLACEHOLDERS}`, `--import-namespace=${PRIMARY}`, '--verbose']);
  const count = (what) => (new RegExp(`^${what} functions: (.*)$`, 'm').exec(log)?.[1] ?? '').split(', ').filter(Boolean).length;

  // A custom section (id 0): its name and the first 16 bytes of the whole module's SHA-256.
  const id = createHash('sha256').update(readFileSync(whole)).digest().subarray(0, 16);
  const name = Buffer.from(SPLIT_ID);
  const body = Buffer.concat([Buffer.from([name.length]), name, id]);
  const section = Buffer.concat([Buffer.from([0, body.length]), body]);
  for (const f of [primary, secondary]) writeFileSync(f, Buffer.concat([readFileSync(f), section]));
  const kb = (f) => `${(readFileSync(f).length / 1000).toFixed(1)} KB`;
  console.log(`split-wasm: ${stem}.wasm ${kb(whole)} -> ${kb(primary)} (${count('Keeping')} functions) + ${stem}.deferred.wasm ${kb(secondary)} (${count('Splitting out')} functions)`);
} finally {
  rmSync(instrumented, { force: true });
  rmSync(profile, { force: true });
}
