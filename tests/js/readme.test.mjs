// readme.test.mjs - the JavaScript example in README.md runs as written
// (importing the built module) and reaches what it says.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { dist } from './support.mjs';

it('the README example trains the spiral to the accuracy it claims', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const code = readme.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(code, /from '\.\/descent\.mjs'/);
  const dir = mkdtempSync(join(tmpdir(), 'descent-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code.replace("'./descent.mjs'", JSON.stringify(new URL('descent.mjs', dist).href)));
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim().split('\n');
    const accuracy = Number(out.at(-1));
    assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
