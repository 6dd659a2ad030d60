// types.test.mjs - the .d.mts files (bindings/) type-check a typical program with
// tsc --strict --noEmit, and rejects a wrong one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function check(source) {
  const dir = mkdtempSync(join(tmpdir(), 'descent-types-'));
  try {
    for (const f of readdirSync(join(root, 'bindings')).filter((f) => f.endsWith('.d.mts'))) {
      copyFileSync(join(root, 'bindings', f), join(dir, f));
    }
    writeFileSync(join(dir, 'usage.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler',
        lib: ['es2022', 'dom'], types: [], baseUrl: '.', paths: { descent: ['./descent.d.mts'], 'descent/tune': ['./tune-pool.d.mts'], 'descent/client': ['./client.d.mts'], 'descent/task': ['./task.d.mts'] },
      },
      files: ['usage.ts'],
    }));
    return execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('a typical program type-checks under --strict', () => {
  const usage = new URL('types/usage.ts', import.meta.url);
  check(execFileSync('cat', [fileURLToPath(usage)], { encoding: 'utf8' }));
});

it('misuse is caught', () => {
  assert.throws(
    () => check("import { loadDescent } from 'descent';\nloadDescent().then((d) => d.createModel({ inputs: 2, layers: [{ units: 1, activation: 'relux' }] }));\n"),
    (e) => /Type '"relux"' is not assignable/.test(e.stdout),
  );
});
