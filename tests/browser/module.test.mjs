// module.test.mjs - the built ES module works unchanged in a Chromium page and
// in a module Web Worker, picks the SIMD build there, logs nothing, and gives
// the same bits as in Node.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runModel } from './run-model.mjs';
import { dist } from '../js/support.mjs';
import { root, useBrowser, collectMessages } from './support.mjs';

const session = useBrowser({ serveDir: root, screenshots: false });

async function page() {
  const p = await session.browser.newPage();
  const messages = collectMessages(p);
  await p.goto(new URL('tests/browser/fixture.html', session.base).href);
  return { p, messages };
}

it('trains in a page and in a module worker, bit for bit as in Node', async () => {
  const { loadDescent } = await import(new URL('descent.mjs', dist));
  const node = await runModel(loadDescent);
  const { p, messages } = await page();
  const inPage = await p.evaluate(async () => {
    const { loadDescent: load } = await import('/build-wasm/descent.mjs');
    const { runModel: run } = await import('/tests/browser/run-model.mjs');
    return run(load);
  });
  const inWorker = await p.evaluate(() => new Promise((ok, fail) => {
    const w = new Worker('/tests/browser/fixture-worker.mjs', { type: 'module' });
    w.onmessage = (e) => (e.data.ok ? ok(e.data.r) : fail(new Error(e.data.message)));
    w.onerror = (e) => fail(new Error(e.message));
  }));
  assert.equal(inPage.simd, true);
  assert.equal(inWorker.simd, true);
  assert.deepEqual(inPage, node);
  assert.deepEqual(inWorker, node);
  assert.deepEqual(messages, []);
  await p.close();
});

it('falls back to the scalar build when forced, and reports load errors', async () => {
  const { p, messages } = await page();
  const r = await p.evaluate(async () => {
    const { loadDescent } = await import('/build-wasm/descent.mjs');
    const scalar = await loadDescent({ simd: false });
    let error = null;
    try {
      await loadDescent({ baseUrl: '/nowhere/' });
    } catch (e) {
      error = e.message;
    }
    return { simd: scalar.simd, error };
  });
  assert.equal(r.simd, false);
  assert.match(r.error, /loadDescent: cannot instantiate descent\.wasm: cannot load .*\/nowhere\/descent\.wasm: HTTP 404/);
  assert.deepEqual(messages.filter((m) => !m.includes('404')), []);
  await p.close();
});
