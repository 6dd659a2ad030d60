// page-lock.test.mjs - a locked exercise (lock=1, with or without embed=1)
// is locked: after the renders a learner can cause (training, stepping,
// resetting, the view toggles, every <details> opened) and after changes sent
// to the controls behind the page's back, every form control on the page is
// disabled or hidden unless it is in the allowlist below (the run's controls,
// the view toggles and the exports, which cannot change the exercise), the
// configuration is the link's, no point can be added, and every link the
// page gives (its address, the Share panel's link) is still locked.
// Headless Chromium; a screenshot goes to build-wasm/screenshots/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shots, requireStaged, useBrowser, openPage, until as untilRead, state, idle, drawn } from './support.mjs';

requireStaged();
const session = useBrowser();

/** What stays usable under lock: running, viewing and exporting; nothing that defines the exercise. */
const ALLOWED = new Set([
  'play', 'reset', 'step-batch', 'step-epoch', 'pace', // the run's controls
  'discretize', 'log-scale', 'show-test',      // view toggles
  'share-link', 'copy-link',                   // the link (read-only, and locked: checked below)
  'dl-model', 'dl-onnx', 'dl-tfjs', 'dl-history', 'dl-view', 'dl-chart', // downloads
]);

const until = (p, test, what) => untilRead(p, state, test, what, 30000, { every: 40 });

/** Every form control that a learner could change: enabled, shown, and not in the allowlist. */
const editable = (p, allowed) => p.evaluate((allow) => {
  const controls = [...document.querySelectorAll('input, select, button, textarea, [contenteditable]')];
  const name = (el) => el.id || `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}` +
    `${el.dataset.layer ? `[layer ${el.dataset.layer}]` : ''}${el.dataset.key ? `[${el.dataset.key}]` : ''}` +
    `${el.value && el.type === 'checkbox' ? `[${el.value}]` : ''}`;
  const open = (el) => (el.isContentEditable !== undefined && el.matches('[contenteditable]') ? el.isContentEditable : !el.matches(':disabled'));
  return {
    total: controls.length,
    editable: controls.filter((el) => open(el) && el.checkVisibility() && !allow.includes(el.id)).map(name),
  };
}, [...allowed]);

async function configOf(p) {
  return p.evaluate(() => window.descentPage.config);
}

describe('a locked exercise', () => {
  for (const query of [
    '?d=spiral&h=8:tanh,6:relu&opt=adam&lr=0.01&f=x1,x2,x1x2&epochs=100000&lock=1',
    '?d=circle&embed=1&lock=1&opt=adam&h=4:relu&epochs=100000',
    '?d=iris&embed=1&lock=1&h=5:relu&epochs=100000',
  ]) {
    it(`is locked: ${query}`, async (t) => {
      const { p, messages } = await open(t, query);
      const before = await configOf(p);

      // Renders a learner can cause: steps, a short run, a reset, the view toggles, every panel opened.
      for (let i = 0; i < 2; i++) {
        await p.click('#step-epoch');
        await idle(p);
      }
      await p.click('#play');
      await until(p, (s) => s.epoch >= 5, 'a few epochs');
      await p.click('#play');
      await idle(p);
      await until(p, (s) => s.status !== 'running', 'paused');
      if (await p.isEnabled('#discretize')) await p.click('#discretize');
      await p.click('#log-scale');
      await p.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      await idle(p);
      await p.click('#reset');
      await idle(p);

      // Changes sent behind the page's back (the controls are disabled, the events still arrive): refused.
      await p.evaluate(() => {
        const $ = (id) => document.getElementById(id);
        $('optimizer').value = 'sgd';
        $('optimizer').dispatchEvent(new Event('change'));
        $('add-layer').dispatchEvent(new MouseEvent('click', { bubbles: true }));
        $('new-seed').dispatchEvent(new MouseEvent('click', { bubbles: true }));
        $('lr').value = '0.5';
        $('lr').dispatchEvent(new Event('change'));
        $('seed').value = '77';
        $('seed').dispatchEvent(new Event('change'));
        const box = document.querySelector('#feature-list input');
        if (box) {
          box.checked = !box.checked;
          box.dispatchEvent(new Event('change', { bubbles: true }));
        }
      });
      await idle(p);
      // A click on the plane adds no point.
      const box = await p.locator('#heatmap').boundingBox();
      if (box) await p.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await idle(p);
      await drawn(p);

      const after = await configOf(p);
      assert.deepEqual(after, before, 'the configuration is the link\'s');
      if (await p.isVisible('#features')) {
        const ticked = await p.evaluate(() => [...document.querySelectorAll('#feature-list input:checked')].map((b) => b.value));
        assert.deepEqual(ticked, after.features, 'a refused change is written back');
      }
      assert.equal(await p.inputValue('#optimizer'), after.optimizer.name, 'a refused change is written back');

      const { total, editable: left } = await editable(p, ALLOWED);
      assert.ok(total > 30, `the page has its controls (${total})`);
      assert.deepEqual(left, [], 'controls a learner could change under lock');

      // Every link the page gives is locked.
      assert.match(await p.evaluate(() => location.search), /(^\?|&)lock=1(&|$)/, 'the address bar');
      assert.match(await p.inputValue('#share-link'), /[?&]lock=1(&|$)/, 'the Share panel\'s link');
      assert.equal(await p.isHidden('[data-panel="presets"]'), true);
      assert.equal(await p.isHidden('[data-panel="tune"]'), true);
      assert.equal(await p.isHidden('#embed-options'), true, 'no embed options to unlock with');
      assert.ok((await state(p)).epoch === 0, 'the reset ran');
      await p.screenshot({ path: `${shots}/page-lock-${query.includes('embed') ? 'embed' : 'page'}.png` });
      assert.deepEqual(messages, []);
    });
  }

  it('without lock nothing is locked', async (t) => {
    const { p } = await open(t, '?d=spiral&h=8:tanh&opt=adam');
    const { editable: left } = await editable(p, ALLOWED);
    for (const id of ['add-layer', 'optimizer', 'lr', 'seed', 'new-seed', 'dataset', 'noise']) assert.ok(left.includes(id), id);
    assert.equal(await p.isVisible('[data-panel="presets"]'), true);
  });
});

function open(t, query) {
  return openPage(session, t, { query });
}
