// types.test.mjs - the .d.mts files (bindings/) type-check a typical program with
// tsc --strict --noEmit, and reject wrong ones. Nothing built is needed: the
// package is laid out as npm installs it, types only (bindings/npm-package.json
// as its package.json beside the .d.mts files), so its exports map is what
// resolves each import, with moduleResolution node16 and bundler alike; there
// the typical program (types/usage.ts) and the README's JavaScript examples
// (with types/readme-givens.d.ts) must compile, and each misuse must fail.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const declarations = readdirSync(join(root, 'bindings')).filter((f) => f.endsWith('.d.mts'));
const manifest = JSON.parse(readFileSync(join(root, 'bindings', 'npm-package.json'), 'utf8'));
const NAME = manifest.name;
const fixture = (name) => readFileSync(join(root, 'tests', 'js', 'types', name), 'utf8');

function check(source) {
  const dir = mkdtempSync(join(tmpdir(), 'descent-types-'));
  try {
    for (const f of declarations) copyFileSync(join(root, 'bindings', f), join(dir, f));
    writeFileSync(join(dir, 'usage.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler',
        lib: ['es2022', 'dom'], types: [], baseUrl: '.',
        paths: {
          descent: ['./descent.d.mts'], 'descent/tune': ['./tune-pool.d.mts'], 'descent/client': ['./client.d.mts'],
          'descent/task': ['./task.d.mts'], 'descent/vocabulary': ['./vocabulary.d.mts'],
        },
      },
      files: ['usage.ts'],
    }));
    return execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * tsc --strict on files ({name: source}) in a folder where the package is
 * installed, types only; 'descent' in a fixture's imports is the package's
 * name. resolution: 'node16' or 'bundler'. Returns {status, output}.
 */
function compileInstalled(files, resolution) {
  const dir = mkdtempSync(join(tmpdir(), 'descent-types-'));
  try {
    const pkg = join(dir, 'node_modules', ...NAME.split('/'));
    mkdirSync(pkg, { recursive: true });
    for (const f of declarations) copyFileSync(join(root, 'bindings', f), join(pkg, f));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.0' }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    for (const [name, source] of Object.entries(files)) {
      writeFileSync(join(dir, name), source.replace(/(from |import\()(['"])descent(?=['"/])/g, `$1$2${NAME}`));
    }
    const module = resolution === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'es2022', moduleResolution: 'bundler' };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', ...module, lib: ['es2022', 'dom'], types: [] },
      files: Object.keys(files),
    }));
    try {
      return { status: 0, output: execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (e) {
      return { status: e.status, output: `${e.stdout}${e.stderr}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * README.md's ```js blocks that use the API (the course page's postMessage
 * snippets are not), each as a module named by its line, imports of the
 * build's files ('./descent.mjs', ...) by the package's names as its exports
 * map gives them.
 */
function readmeExamples() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const byFile = {};
  for (const [path, entry] of Object.entries(manifest.exports)) {
    const file = typeof entry === 'string' ? entry : entry.default;
    if (file.endsWith('.mjs')) byFile[file] = `descent${path.slice(1)}`;
  }
  const examples = {};
  for (const m of readme.matchAll(/^```js\n([\s\S]*?)^```/gm)) {
    if (!/\b(?:descent|model|client)\.[a-zA-Z]/.test(m[1])) continue;
    const line = readme.slice(0, m.index).split('\n').length;
    const code = m[1].replace(/(from )(['"])(\.\/[\w-]+\.mjs)\2/g, (whole, from, q, file) => (byFile[file] ? `${from}${q}${byFile[file]}${q}` : whole));
    examples[`readme-line-${line}.ts`] = `${code}\nexport {};\n`;
  }
  return examples;
}

it('a typical program type-checks under --strict', () => {
  check(fixture('usage.ts'));
});

it('misuse is caught', () => {
  assert.throws(
    () => check("import { loadDescent } from 'descent';\nloadDescent().then((d) => d.createModel({ inputs: 2, layers: [{ units: 1, activation: 'relux' }] }));\n"),
    (e) => /Type '"relux"' is not assignable/.test(e.stdout),
  );
});

it("the package's exports map names a declaration for each module with exports, and it exists", () => {
  for (const [path, entry] of Object.entries(manifest.exports)) {
    if (path === './package.json') continue;
    const file = typeof entry === 'string' ? entry : entry.default;
    // a module of bindings/ that exports nothing (the worker's script) needs none; vocabulary.mjs is the build's
    let source = null;
    try { source = readFileSync(join(root, 'bindings', file), 'utf8'); } catch { /* made by the build */ }
    if (source !== null && !/^export /m.test(source)) continue;
    assert.equal(typeof entry, 'object', `${NAME}${path.slice(1)} (${file}) has no types`);
    assert.ok(declarations.includes(entry.types?.replace(/^\.\//, '')), `${NAME}${path.slice(1)}: types ${entry.types} is not in bindings/`);
  }
});

for (const resolution of ['node16', 'bundler']) {
  it(`as installed (moduleResolution ${resolution}): the typical program and the README's examples type-check under --strict`, () => {
    const examples = readmeExamples();
    const code = Object.values(examples).join('\n');
    for (const call of ['descent.trainCSV(', 'descent.tune(', 'pool.tune(', 'DescentClient.create(']) {
      assert.ok(code.includes(call), `a README example calls ${call}`);
    }
    const { status, output } = compileInstalled({ 'readme-givens.d.ts': fixture('readme-givens.d.ts'), 'usage.ts': fixture('usage.ts'), ...examples }, resolution);
    assert.equal(status, 0, `tsc --strict (${resolution}) failed:\n${output}`);
  });
}

it('as installed: misuse is caught, each for its reason', () => {
  const given = "import { loadDescent } from 'descent';\nconst descent = await loadDescent({ tune: true });\n";
  const cases = {
    // trainCSV's test part is absent with testSplit: 0
    'unguarded-test.ts': [`${given}const run = await descent.trainCSV('a,b\\n1,2\\n');\nconsole.log(run.test.accuracy);\n`,
      /TS18048: 'run\.test' is possibly 'undefined'/],
    // a regressor's parts have no accuracy
    'regression-accuracy.ts': [`${given}const run = await descent.trainCSV('a,b\\n1,2\\n');\nif (run.task === 'regression') { const a: number = run.train.accuracy; console.log(a); }\n`,
      /TS2322: Type 'undefined' is not assignable to type 'number'/],
    // nor a classifier's an r2
    'classification-r2.ts': [`${given}const m = descent.createModel({ inputs: 1, layers: [{ units: 1 }] }).metrics([[1]], [[1]]);\nif (m.classes !== undefined) { const r2: number = m.r2; console.log(r2); }\n`,
      /TS2322: Type 'undefined' is not assignable to type 'number'/],
    'tune-metric.ts': [`${given}descent.tune(descent.generate('xor'), { grid: { epochs: [5] }, metric: 'acuracy' });\n`,
      /Type '"acuracy"' is not assignable/],
    'tune-optimizer.ts': [`${given}descent.tune(descent.generate('xor'), { grid: { optimizer: ['sgd', 'adamw'] } });\n`,
      /Type '"adamw"' is not assignable/],
    'vocabulary-export.ts': ["import { nouns } from 'descent/vocabulary';\nconsole.log(nouns);\n",
      /has no exported member '?nouns'?/],
    'vocabulary-readonly.ts': ["import vocabulary from 'descent/vocabulary';\nvocabulary.limits = {};\n",
      /TS2540: Cannot assign to 'limits' because it is a read-only property/],
    'parsed-targets.ts': [`${given}const y: Float32Array = descent.parseCSV('a,b\\n1,2\\n', { noTarget: true }).y;\nconsole.log(y);\n`,
      /Type 'Float32Array \| null' is not assignable to type 'Float32Array'/],
  };
  const { output } = compileInstalled(Object.fromEntries(Object.entries(cases).map(([f, [source]]) => [f, source])), 'bundler');
  for (const [file, [, expected]] of Object.entries(cases)) {
    const errors = output.split('\n').filter((l) => l.startsWith(`${file}(`));
    assert.ok(errors.some((l) => expected.test(l)), `${file}: expected ${expected}, tsc said:\n${errors.join('\n') || '(nothing)'}`);
  }
});
