// interop.test.mjs - the interop modules in a page under the playground's
// Content Security Policy (no eval): model.toOnnx() with protobufjs's minimal
// build loaded by a <script> tag (globalThis.protobuf), and model.toTfjs(),
// give the bytes they give in Node, with no policy violation.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dist } from '../js/support.mjs';
import { root, useBrowser, collectMessages } from './support.mjs';
import { exportBoth } from './interop-export.mjs';

const readme = readFileSync(`${root}README.md`, 'utf8');
const policy = readme.split('\n').find((l) => l.startsWith('Content-Security-Policy: ')).slice(25).trim();
const session = useBrowser({ serveDir: root, screenshots: false, serveOptions: { headers: { 'Content-Security-Policy': policy } } });

it('toOnnx and toTfjs run in a page under the CSP and give the bytes Node gives', async () => {
  const { loadDescent } = await import(new URL('descent.mjs', dist));
  const node = await exportBoth(loadDescent);
  const p = await session.browser.newPage();
  const messages = collectMessages(p);
  await p.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await p.goto(new URL('tests/browser/fixture.html', session.base).href);
  await p.addScriptTag({ url: '/node_modules/protobufjs/dist/minimal/protobuf.min.js' });
  const inPage = await p.evaluate(async () => {
    const { loadDescent: load } = await import('/build-wasm/descent.mjs');
    const { exportBoth: run } = await import('/tests/browser/interop-export.mjs');
    return run(load);
  }).catch((e) => ({ error: e.message }));
  assert.equal(inPage.error, undefined);
  assert.deepEqual(inPage, node);
  // fixture.html's data: favicon is the one thing the policy refuses there; nothing of descent's.
  const violations = await p.evaluate(() => window.cspViolations);
  assert.deepEqual(violations.filter((v) => v !== 'img-src data'), []);
  assert.deepEqual(messages.filter((m) => !/img-src|data:,/.test(m)), []);
  await p.close();
});
