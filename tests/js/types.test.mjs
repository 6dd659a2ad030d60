// types.test.mjs - descent.d.ts type-checks a typical program with
// tsc --strict --noEmit, and rejects a wrong one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function check(source) {
  const dir = mkdtempSync(join(tmpdir(), 'descent-types-'));
  try {
    copyFileSync(join(root, 'bindings', 'descent.d.ts'), join(dir, 'descent.d.ts'));
    writeFileSync(join(dir, 'usage.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler',
        lib: ['es2022', 'dom'], types: [], baseUrl: '.', paths: { descent: ['./descent.d.ts'] },
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
