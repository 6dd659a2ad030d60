// page-race.test.mjs - the Optimizers view: opened by view=race, it races
// the six optimizers on the page's data and network in a worker; each
// entry's data-final-loss is the final loss descent.compareOptimizers gives
// in Node on the same rows and settings, the entries are ranked, the curves
// start from the common initial loss, the loss surface canvas is drawn with
// the paths, and the link keeps view=race. Headless Chromium; a screenshot
// goes to build-wasm/screenshots/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { web, shots, requireStaged, useBrowser, openPage, openView, until, waitFor, drawn, errorText } from './support.mjs';

requireStaged();
const session = useBrowser();

const race = (p) => p.evaluate(() => window.descentPage.race);
const entries = (p) => p.$$eval('#race-ranking li', (lis) => lis.map((li) => ({
  optimizer: li.dataset.optimizer, finalLoss: li.dataset.finalLoss === undefined ? null : Number(li.dataset.finalLoss),
})));

/** Close in relative terms (float32 losses through the same wasm: equal in practice). */
const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-12), `${what}: ${a} vs ${b}`);

describe('the Optimizers view', () => {
  it('view=race races the six optimizers as compareOptimizers does in Node, and draws their paths on the loss surface', async (t) => {
    const { p, messages } = await openPage(session, t, { query: '?d=circle&h=6:tanh,4:tanh&epochs=60&batch=16&seed=7&view=race' });
    assert.equal(await p.evaluate(() => document.getElementById('race-details').open), true, 'view=race opens the view');
    // All six entries get their final loss; the surface follows.
    await waitFor(p, () => document.querySelectorAll('#race-ranking li[data-final-loss]').length === 6, undefined, { timeout: 60000 });
    const s = await until(p, race, (r) => r.status === 'done' || r.status === 'error', 'the surface', 60000);
    assert.equal(s.error, '');
    const shown = await entries(p);
    assert.equal(shown.length, 6);
    // Ranked: lowest final loss first, every one finite.
    for (const e of shown) assert.ok(Number.isFinite(e.finalLoss), `${e.optimizer}: ${e.finalLoss}`);
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1].finalLoss <= shown[i].finalLoss, `ranked: ${JSON.stringify(shown)}`);
    // The same race in Node: the same final losses, the same common initial loss.
    const input = await p.evaluate(() => window.descentPage.raceInput());
    assert.equal(input.options.epochs, 60);
    assert.equal(input.options.batchSize, 16);
    assert.equal(input.options.seed, 7);
    const { loadDescent } = await import(new URL('lib/descent.mjs', `file://${web}/`).href);
    const descent = await loadDescent();
    // Every optimizer the core has, each once.
    assert.deepEqual(shown.map((e) => e.optimizer).sort(), [...descent.vocabulary.vocabularies.optimizer].sort());
    const node = await descent.compareOptimizers(Float32Array.from(input.x), Float32Array.from(input.y), input.config, input.options);
    close(s.initialLoss, node.initialLoss, 'initial loss');
    for (const lane of node.results) {
      const e = shown.find((x) => x.optimizer === lane.optimizer);
      close(e.finalLoss, lane.finalLoss, `${lane.optimizer}'s final loss`);
      assert.equal(s.lanes.find((l) => l.optimizer === lane.optimizer).epochs, lane.history.length);
    }
    // Every curve starts at the common initial loss: epoch 0 and each epoch.
    assert.deepEqual(s.curvePoints, node.results.map((l) => l.history.length + 1));
    // The surface: 64 x 64, every path projected (its start and each epoch).
    assert.equal(s.surface.resolution, 64);
    assert.deepEqual(s.surface.paths, node.results.map((l) => l.path.length));
    assert.ok(s.surface.lo > 0 && s.surface.hi > s.surface.lo);
    await drawn(p);
    const pixels = await p.evaluate(() => {
      const c = document.getElementById('race-surface');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      let opaque = 0;
      for (let i = 0; i < d.length; i += 4 * 7) {
        if (d[i + 3] > 0) opaque++;
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      }
      return { opaque, total: d.length / 28, colours: colours.size };
    });
    assert.ok(pixels.opaque > 0.95 * pixels.total, `surface drawn: ${JSON.stringify(pixels)}`);
    assert.ok(pixels.colours > 50, `a heatmap, not a flat fill: ${JSON.stringify(pixels)}`);
    // The link keeps the view open.
    assert.match(await p.inputValue('#share-link'), /[?&]view=race(&|$)/);
    assert.match(await p.evaluate(() => location.search), /[?&]view=race(&|$)/);
    assert.equal(await errorText(p), '');
    await p.locator('#race').screenshot({ path: `${shots}/page-race.png` });
    assert.deepEqual(messages.filter((m) => !/favicon/.test(m)), [], 'console errors or warnings');
  });

  it('opens from its summary, the link then says view=race; closing it drops it; a bad view is named', async (t) => {
    const { p } = await openPage(session, t, { query: '?d=xor&h=3:relu&epochs=5&view=chart' });
    assert.match(await errorText(p), /URL parameter view: "chart" is not one of race; no view opened/);
    assert.equal(await p.evaluate(() => document.getElementById('race-details').open), false);
    assert.doesNotMatch(await p.evaluate(() => location.search), /view=/);
    await openView(p, '#race-details');
    await until(p, race, (r) => r.status === 'done', 'the race', 60000);
    assert.match(await p.evaluate(() => location.search), /[?&]view=race(&|$)/);
    const lanes = (await race(p)).lanes;
    assert.equal(lanes.length, 6);
    for (const l of lanes) assert.equal(l.epochs, 5);
    await openView(p, '#race-details');
    await waitFor(p, () => !/view=/.test(location.search));
  });
});
