// page-inspect.test.mjs - the gradient inspector and the learning-rate
// finder on the page. Each layer's entry (data-layer, data-grad-norm) is
// model.gradientStats in Node for the same configuration, seed and training
// rows, before training and after a few epochs (the page's weights set into
// the Node model); the vanishing-gradients example shows first layers
// orders of magnitude below the last, the exploding one norms that grow
// epoch by epoch; the finder's suggestion is descent.findLearningRate's in
// Node, its button sets the rate as the field does, and lock disables both.
// Headless Chromium; screenshots go to build-wasm/screenshots/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { web, shots, requireStaged, useBrowser, openPage, until, idle, state, drawn, errorText } from './support.mjs';

requireStaged();
const session = useBrowser();

const gradients = (p) => p.evaluate(() => window.descentPage.gradients);
/** Each entry as the page shows it: its layer and its data-grad-norm. */
const entries = (p) => p.$$eval('#grad-layers li', (lis) => lis.map((li) => ({ layer: Number(li.dataset.layer), gradNorm: Number(li.dataset.gradNorm) })));

/** Close in relative terms (the same wasm, the same rows: equal in practice). */
const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-30), `${what}: ${a} vs ${b}`);

let descent;
async function node() {
  if (!descent) {
    const { loadDescent } = await import(new URL('lib/descent.mjs', `file://${web}/`).href);
    descent = await loadDescent();
  }
  return descent;
}

/** The inspector's statistics once they are of the model as it is now (its step count the run's), with no request under way. */
async function settledStats(p) {
  await idle(p);
  const { steps } = await state(p);
  return until(p, gradients, (g) => !g.asking && g.stepCount === steps && g.layers.length > 0, `the statistics after ${steps} steps`);
}

async function showPanel(p) {
  await p.locator('#gradients').scrollIntoViewIfNeeded();
}

/** Presses a button without scrolling to it (the panel stays on screen, so it keeps asking). */
const press = (p, id) => p.evaluate((b) => document.getElementById(b).click(), id);

describe('the gradient inspector', () => {
  it('shows model.gradientStats of the training model, before training and after a few epochs', async (t) => {
    const { p, messages } = await openPage(session, t, { query: '?d=xor&h=6:relu,4:tanh&epochs=1000000&batch=16&seed=3&opt=sgd&lr=0.1' });
    await showPanel(p);
    const g0 = await settledStats(p);
    assert.equal(g0.stepCount, 0);
    const shown0 = await entries(p);
    assert.deepEqual(shown0.map((e) => e.layer), [0, 1, 2], 'an entry per layer, the output last');
    const input = await p.evaluate(() => window.descentPage.lrFinderInput());
    const d = await node();
    const x = Float32Array.from(input.x);
    const y = Float32Array.from(input.y);
    const model = d.createModel(input.config);
    t.after(() => model.dispose());
    const compare = (stats, shown, g, when) => {
      stats.forEach((s, i) => {
        close(shown[i].gradNorm, s.kernelGradNorm, `${when}: layer ${i}'s data-grad-norm`);
        close(g.layers[i].biasGradNorm, s.biasGradNorm, `${when}: layer ${i}'s bias gradient norm`);
        close(g.layers[i].kernelNorm, s.kernelNorm, `${when}: layer ${i}'s kernel norm`);
        assert.equal(g.layers[i].deadShare, s.deadShare, `${when}: layer ${i}'s dead share`);
      });
    };
    const before = model.gradientStats(x, y);
    compare(before, shown0, g0, 'before training');
    assert.ok(before.every((s) => s.kernelGradNorm > 0));
    assert.ok(g0.layers.every((l) => l.updateRatio === null), 'no update before the first step');
    assert.equal(typeof g0.layers[0].deadShare, 'number', 'the relu layer has a dead share');
    assert.equal(g0.layers[1].deadShare, null, 'a tanh layer has none');

    // Three epochs: the page's weights, set into the Node model, give the same statistics.
    for (let i = 0; i < 3; i++) await press(p, 'step-epoch');
    const g3 = await settledStats(p);
    assert.ok(g3.stepCount > 0);
    model.setWeights(await p.evaluate(async () => (await window.descentPage.weights())
      .map((l) => ({ kernel: Array.from(l.kernel), bias: l.bias && Array.from(l.bias) }))));
    const after = model.gradientStats(x, y);
    compare(after, await entries(p), g3, 'after 3 epochs');
    assert.ok(after.some((s, i) => Math.abs(s.kernelGradNorm - before[i].kernelGradNorm) > 1e-6 * before[i].kernelGradNorm), 'the statistics moved');
    assert.ok(g3.layers.every((l) => l.updateRatio > 0 && l.updateRatio < 1), `update ratios: ${g3.layers.map((l) => l.updateRatio)}`);

    // Live while training (the panel on screen: Train pressed without scrolling to it), at a modest rate.
    const play = () => press(p, 'play');
    const s0 = await state(p);
    // Under load one request can take longer than the 2 s: wait for the second reply (up to 30 s), then
    // judge the rate by the time it really took (at most one request per 200 ms, plus the first).
    const t0 = Date.now();
    await play();
    await p.waitForTimeout(2000);
    // (Polled from Node: the page's CSP forbids the eval that waitForFunction's polling needs.)
    let live = await gradients(p);
    while (live.replies < g3.replies + 2 && Date.now() - t0 < 30000) {
      await p.waitForTimeout(100);
      live = await gradients(p);
    }
    const ms = Date.now() - t0;
    await play();
    await idle(p);
    const s1 = await state(p);
    assert.equal(live.onScreen, true);
    assert.ok(live.stepCount > g3.stepCount, 'the panel follows the run');
    const replies = live.replies - g3.replies;
    assert.ok(replies >= 2 && replies <= ms / 200 + 3, `${replies} replies in ${ms} ms of training`);
    assert.ok(s1.steps - s0.steps > 20 * replies, `never one a step: ${s1.steps - s0.steps} steps, ${replies} replies`);
    await drawn(p);
    await p.locator('#gradients').screenshot({ path: `${shots}/page-inspect-panel.png` });
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages.filter((m) => !/favicon/.test(m)), [], 'console errors or warnings');
  });

  it('vanishing gradients: the first layers\' norms are orders of magnitude below the last layer\'s', async (t) => {
    const { p } = await openPage(session, t, {});
    await p.click('[data-preset="vanishing"]');
    await showPanel(p);
    const g = await settledStats(p);
    assert.match(g.lesson, /^Vanishing gradients:/, 'the example says what to look at');
    const norms = g.layers.map((l) => l.kernelGradNorm);
    assert.equal(norms.length, 7, 'six sigmoid layers and the output');
    assert.ok(norms[0] < norms[norms.length - 1] / 100, `first ${norms[0]} vs last ${norms[norms.length - 1]}`);
    assert.ok(norms[1] < norms[norms.length - 1] / 100, `second ${norms[1]} vs last ${norms[norms.length - 1]}`);
    // And after training for a while, still.
    for (let i = 0; i < 5; i++) await press(p, 'step-epoch');
    const later = (await settledStats(p)).layers.map((l) => l.kernelGradNorm);
    assert.ok(later[0] < later[later.length - 1] / 100, `after 5 epochs: ${later}`);
    // The bars: the first layer's is shorter than the last's.
    const widths = await p.$$eval('#grad-layers .grad-bar', (bars) => bars.map((b) => b.getBoundingClientRect().width));
    assert.ok(widths[0] < widths[widths.length - 1], `bar widths ${widths}`);
    // Another network: the lesson goes.
    await p.click('#add-layer');
    await idle(p);
    assert.equal((await gradients(p)).lesson, '');
  });

  it('exploding gradients: the norms grow epoch by epoch', async (t) => {
    const { p } = await openPage(session, t, {});
    await p.click('[data-preset="exploding"]');
    await showPanel(p);
    const g0 = await settledStats(p);
    assert.match(g0.lesson, /^Exploding gradients:/);
    const largest = (g) => Math.max(...g.layers.map((l) => l.kernelGradNorm));
    const start = largest(g0);
    const seen = [start];
    for (let i = 0; i < 15; i++) {
      await press(p, 'step-epoch');
      const s = await state(p);
      if (s.status === 'done') break; // diverged: rolled back
      seen.push(largest(await settledStats(p)));
    }
    assert.ok(start < 1, `below 1 at the start: ${start}`);
    assert.ok(Math.max(...seen) > 1000 * start, `grown a thousandfold: ${seen.map((v) => v.toExponential(1))}`);
    assert.equal(await errorText(p), '');
    await p.locator('#gradients').screenshot({ path: `${shots}/page-inspect-exploding.png` });
  });

  it('is hideable (hide=gradients): hidden, it asks for nothing', async (t) => {
    const { p } = await openPage(session, t, { query: '?d=circle&h=4:relu&embed=1&hide=gradients' });
    assert.equal(await p.isHidden('#gradients'), true);
    await press(p, 'step-epoch');
    await idle(p);
    await p.waitForTimeout(300);
    const g = await gradients(p);
    assert.equal(g.stepCount, null, 'no statistics asked for');
  });
});

describe('the learning-rate finder', () => {
  for (const [width, height] of [[1280, 800], [360, 740]]) {
    it(`suggests what findLearningRate does in Node; "use" sets the rate (${width} x ${height})`, async (t) => {
      const { p, messages } = await openPage(session, t, { query: '?d=circle&h=8:relu,4:relu&opt=adam&lr=0.003&batch=16&seed=5&epochs=100000', width, height });
      await p.click('#play');
      await until(p, state, (s) => s.epoch >= 2, 'two epochs');
      await p.click('#lr-find');
      await idle(p);
      assert.equal((await state(p)).status, 'paused', 'training paused first');
      const f = await p.evaluate(() => window.descentPage.lrFinder);
      assert.equal(f.status, 'done', JSON.stringify(f));
      const input = await p.evaluate(() => window.descentPage.lrFinderInput());
      assert.equal(input.options.batchSize, 16);
      assert.equal(input.options.seed, 5);
      const d = await node();
      const test = await d.findLearningRate(Float32Array.from(input.x), Float32Array.from(input.y), input.config, input.options);
      assert.equal(f.points, test.rates.length);
      assert.ok(test.suggested > 0);
      close(f.suggested, test.suggested, 'the suggestion');
      assert.equal(Number(await p.getAttribute('#lr-use', 'data-suggested')), f.suggested);
      assert.equal(await p.textContent('#lr-use'), `Use ${f.use}`);
      await drawn(p);
      const colours = await p.evaluate(() => {
        const c = document.getElementById('lr-plot');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const set = new Set();
        for (let i = 0; i < px.length; i += 4 * 5) set.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        return set.size;
      });
      assert.ok(colours > 10, `the curve is drawn: ${colours} colours`);
      await p.locator('#lr-finder').scrollIntoViewIfNeeded();
      await p.screenshot({ path: `${shots}/page-lrfinder-${width}.png` });

      // "Use" sets the rate through the field: the config, the field, the slider and the link.
      await p.click('#lr-use');
      await idle(p);
      assert.equal((await p.evaluate(() => window.descentPage.config)).optimizer.learningRate, f.use);
      assert.equal(Number(await p.inputValue('#lr')), f.use);
      assert.match(await p.inputValue('#share-link'), new RegExp(`[?&]lr=${String(f.use).replace('.', '\\.')}(&|$)`));
      assert.equal(await p.isVisible('#lr-finder'), true, 'the same test still applies');
      // Another network: that test is put away.
      await p.click('#add-layer');
      await idle(p);
      assert.equal(await p.isVisible('#lr-finder'), false);
      assert.equal(await errorText(p), '');
      assert.deepEqual(messages.filter((m) => !/favicon/.test(m)), [], 'console errors or warnings');
    });
  }

  it('under lock the finder cannot run and the rate cannot be set', async (t) => {
    const { p } = await openPage(session, t, { query: '?d=circle&h=4:relu&lock=1' });
    assert.equal(await p.isDisabled('#lr-find'), true);
    await p.evaluate(() => document.getElementById('lr-find').dispatchEvent(new MouseEvent('click', { bubbles: true })));
    await idle(p);
    assert.equal((await p.evaluate(() => window.descentPage.lrFinder)).status, 'idle');
    assert.match(await errorText(p), /locked/);
  });
});
