// page-debug.test.mjs - the page as the build bundles it (index.html, the
// default) and as its sources are (debug.html): index.html loads
// lib/page.mjs, minified with its source map, and the worker is
// lib/worker.mjs, one file; debug.html, which the build writes from
// index.html, loads js/app.mjs and the modules of web/js each as its own
// file. Both train, and one epoch of the same configuration gives the same
// losses either way (the bundle is the same program).
//
// Needs web/ staged (scripts/lib.sh stage_web runs scripts/bundle-page.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { web, requireStaged, useBrowser, openPage, state, idle } from './support.mjs';

requireStaged(['lib/page.mjs', 'lib/worker.mjs', 'debug.html']);
const session = useBrowser({ screenshots: false });

/** The page at path + query, with every path it and its worker fetched, after one epoch: { p, fetched, after }. */
async function oneEpoch(t, path, query) {
  const fetched = [];
  const { p } = await openPage(session, t, {
    path, query, quiet: true, setup: (page) => page.on('request', (r) => fetched.push(new URL(r.url()).pathname)),
  });
  const before = await state(p);
  assert.equal(before.epoch, 0);
  await p.click('#step-epoch');
  await idle(p);
  return { p, fetched, after: await state(p) };
}

describe('the page, bundled and as its sources are', () => {
  it('the bundle is minified, maps back to the sources, and loads instead of them', async (t) => {
    const code = readFileSync(`${web}/lib/page.mjs`, 'utf8');
    assert.match(code, /\n\/\/# sourceMappingURL=page\.mjs\.map\n?$/);
    const map = JSON.parse(readFileSync(`${web}/lib/page.mjs.map`, 'utf8'));
    for (const source of ['../js/app.mjs', '../js/run.mjs', '../../bindings/client.mjs']) {
      assert.ok(map.sources.includes(source), `the map names ${source}`);
    }
    assert.equal(map.sourcesContent.length, map.sources.length);
    // The map's sources are the files as they are in the repository.
    assert.equal(map.sourcesContent[map.sources.indexOf('../js/app.mjs')], readFileSync(`${web}/js/app.mjs`, 'utf8'));
    const bundled = map.sourcesContent.reduce((n, s) => n + s.length, 0);
    assert.ok(code.length < 0.7 * bundled, `minified: ${code.length} characters of ${bundled}`);
    assert.ok(!code.includes('\n  '), 'no indented lines: minified');
    const workerMap = JSON.parse(readFileSync(`${web}/lib/worker.mjs.map`, 'utf8'));
    assert.ok(workerMap.sources.some((s) => s.endsWith('bindings/descent.mjs')), 'the worker bundles the API');

    const { fetched, after } = await oneEpoch(t, '', '');
    assert.ok(after.epoch >= 1 && Number.isFinite(after.loss), `trained: ${JSON.stringify(after)}`);
    assert.ok(fetched.includes('/lib/page.mjs') && fetched.includes('/lib/worker.mjs'));
    const modules = fetched.filter((f) => f.startsWith('/js/'));
    assert.deepEqual(modules, [], 'no module of web/js as it is');
    for (const f of ['/lib/client.mjs', '/lib/descent.mjs', '/lib/worker-common.mjs']) {
      assert.ok(!fetched.includes(f), `${f} is in a bundle, not fetched`);
    }
    // Loaded on first use, not at start.
    for (const f of ['/lib/page-tunepanel.mjs', '/lib/page-racepanel.mjs', '/lib/page-lrfinderpanel.mjs', '/lib/page-tableview.mjs',
      '/lib/page-sharefiles.mjs', '/lib/page-playground-link.mjs', '/lib/tune-pool.mjs', '/lib/descent-tune.wasm', '/lib/interop-onnx.mjs']) {
      assert.ok(!fetched.includes(f), `${f} is not fetched at start`);
    }
  });

  it('debug.html loads the modules of web/js as they are and trains the same', async (t) => {
    const bundled = await oneEpoch(t, '', '?d=spiral&seed=7');
    const debug = await oneEpoch(t, 'debug.html', '?d=spiral&seed=7');
    for (const f of ['/js/app.mjs', '/js/run.mjs', '/js/state.mjs', '/lib/client.mjs', '/js/linechart.mjs']) {
      assert.ok(debug.fetched.includes(f), `debug.html fetches ${f}`);
    }
    assert.ok(!debug.fetched.includes('/lib/page.mjs'), 'debug.html does not fetch the bundle');
    assert.ok(!bundled.fetched.includes('/js/app.mjs'));
    assert.equal(debug.after.epoch, 1);
    assert.equal(bundled.after.epoch, 1);
    assert.equal(debug.after.loss, bundled.after.loss, 'the same loss after one epoch');
    assert.equal(debug.after.valLoss, bundled.after.valLoss);
    assert.equal(debug.after.steps, bundled.after.steps);
  });
});
