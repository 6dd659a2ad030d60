// page-diagram.test.mjs - the network diagram on the playground page, as a
// learner touches it: up to 32 units a layer drawn (the default 16, 16 whole,
// a 40-unit layer collapsed with its marker), a neuron under the pointer shown
// large in the plane view, a weight typed into its field (a bad value refused
// with the range; a good one set in the model by the worker, the loss and
// views updated), − and + on a hidden layer (the link follows; the units
// field's range and message), each input feature's picture in the input
// column, used or not, toggled by a click, the view's test-data toggle (URL
// showtest, and a Playground link's showTestData), and none of the edits
// under lock=1. Headless Chromium; screenshots go to build-wasm/screenshots/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drawn, errorText, idle, openPage, requireStaged, shots, state, useBrowser } from './support.mjs';

requireStaged();
const session = useBrowser();
const open = (t, query, size = {}) => openPage(session, t, { query, quiet: true, ...size });
const CANVAS = '#diagram canvas.netdiagram-canvas';
const config = (p) => p.evaluate(() => window.descentPage.config);

/** Where the diagram draws item, in page px (for the mouse, the diagram scrolled into view); null when not drawn. */
async function at(p, item) {
  await p.locator(CANVAS).scrollIntoViewIfNeeded();
  const box = await p.locator(CANVAS).boundingBox();
  const xy = await p.evaluate((it) => window.descentPage.diagramAt(it), item);
  return xy && { x: box.x + xy.x, y: box.y + xy.y };
}

async function clickAt(p, item) {
  const xy = await at(p, item);
  assert.ok(xy, `${JSON.stringify(item)} is drawn`);
  await p.mouse.click(xy.x, xy.y);
}

/**
 * A point on the line of weight {layer, from, to} a fraction f of the way
 * from its input node (where fewer lines cross than at the middle); fromRow:
 * the row of its input node (the input column lists every feature).
 */
async function edgeAt(p, { layer, from, to, fromRow = from }, f = 0.3) {
  const a = await at(p, { column: layer - 1, index: fromRow });
  const b = await at(p, { column: layer, index: to });
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}

/** Clicks the line of a weight; with label (its field's name), along it until that weight's field opens. */
async function clickEdge(p, edge, label = null) {
  for (const f of [0.5, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8]) {
    const xy = await edgeAt(p, edge, f);
    await p.mouse.click(xy.x, xy.y);
    if (!label || await p.getAttribute('#diagram input.netdiagram-weight', 'aria-label') === `New value for the weight ${label}`) return;
    await p.keyboard.press('Escape');
  }
  assert.fail(`no point on the line of ${label} opens its field`);
}

/** The model's weights as plain arrays. */
const weights = (p) => p.evaluate(async () => (await window.descentPage.weights())
  .map(({ kernel, bias }) => ({ kernel: Array.from(kernel), bias: bias && Array.from(bias) })));

/** Polls fn(arg) in the page until it is true (the page's CSP refuses waitForFunction's string evaluation). */
async function until(p, fn, arg, what, timeout = 20000) {
  const end = Date.now() + timeout;
  while (!(await p.evaluate(fn, arg))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await p.waitForTimeout(40);
  }
}

/** A digest of the plane view's pixels (read from a copy, as reading the view again and again makes Chromium warn). */
const view = (p) => p.evaluate(() => {
  const c = document.getElementById('heatmap');
  window.scratch ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const s = window.scratch;
  s.canvas.width = c.width;
  s.canvas.height = c.height;
  s.drawImage(c, 0, 0);
  const d = s.getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) >>> 0;
  return h;
});

describe('the network diagram on the page', () => {
  it('draws 16, 16 whole and up to 32 units a layer; beyond, a marker says how many more', async (t) => {
    const { p } = await open(t, '?v=1&d=spiral&h=16:relu,32:tanh,40:relu');
    assert.ok(await at(p, { column: 1, index: 15 }), 'neuron 16 of a 16-unit layer');
    assert.equal(await at(p, { column: 1, more: true }), null, 'no marker on 16 units');
    assert.ok(await at(p, { column: 2, index: 31 }), 'neuron 32 of a 32-unit layer');
    assert.equal(await at(p, { column: 2, more: true }), null, 'no marker on 32 units');
    assert.ok(await at(p, { column: 3, more: true }), 'a marker on 40 units');
    assert.equal(await at(p, { column: 3, index: 32 }), null, 'neuron 33 of 40 is not drawn');
    const more = await at(p, { column: 3, more: true });
    await p.mouse.move(more.x, more.y);
    assert.equal(await p.textContent('#diagram .netdiagram-tip'), '+8 more neurons not drawn (40 in all)');
    await p.locator('[data-panel="diagram"]').screenshot({ path: `${shots}/page-diagram-32.png` });
  });

  it('shows the neuron under the pointer large in the plane view', async (t) => {
    const { p } = await open(t, '?v=1&d=spiral&h=8:tanh,8:tanh&epochs=20');
    await p.click('#play');
    await until(p, () => window.descentPage.state.settled, null, 'the run to end');
    await drawn(p);
    const model = await view(p);
    const title = await p.textContent('#view-title');
    const n = await at(p, { column: 1, index: 2 });
    await p.mouse.move(n.x, n.y);
    await drawn(p);
    assert.deepEqual(await p.evaluate(() => window.descentPage.hovered), { column: 1, index: 2 });
    assert.equal(await p.textContent('#view-title'), 'Layer 1, neuron 3: its output over the plane');
    const neuron = await view(p);
    assert.notEqual(neuron, model, 'the plane shows the neuron, not the model');
    // Another neuron, another picture; an input feature too.
    const m = await at(p, { column: 2, index: 5 });
    await p.mouse.move(m.x, m.y);
    await drawn(p);
    assert.notEqual(await view(p), neuron);
    const x2 = await at(p, { column: 0, index: 1 });
    await p.mouse.move(x2.x, x2.y);
    await drawn(p);
    assert.equal(await p.textContent('#view-title'), 'Input feature x₂ over the plane');
    await p.mouse.move(n.x, n.y);
    await drawn(p);
    await p.screenshot({ path: `${shots}/page-diagram-hover.png` });
    // Away: the model again.
    await p.mouse.move(2, 2);
    await drawn(p);
    assert.equal(await p.evaluate(() => window.descentPage.hovered), null);
    assert.equal(await p.textContent('#view-title'), title);
    assert.equal(await view(p), model);
  });

  it('sets a weight typed into its field, and refuses a bad one with the range', async (t) => {
    const { p } = await open(t, '?v=1&d=circle&h=4:tanh&epochs=100000');
    const before = await state(p);
    await clickEdge(p, { layer: 1, from: 1, to: 2 }, 'layer 1, x₂ → neuron 3');
    const field = p.locator('#diagram input.netdiagram-weight');
    assert.equal(await field.isVisible(), true, 'the field opens on a click');
    const shown = Number(await field.inputValue());
    assert.equal(await field.getAttribute('aria-label'), 'New value for the weight layer 1, x₂ → neuron 3');
    const w0 = (await weights(p))[0];
    assert.ok(Math.abs(shown - w0.kernel[1 * 4 + 2]) < 1e-4, `it shows the weight: ${shown} vs ${w0.kernel[6]}`);
    for (const bad of ['abc', '1e9', '']) {
      await field.fill(bad);
      await field.press('Enter');
      await until(p, () => document.querySelector('#diagram .netdiagram-weight-error').style.display !== 'none', null, 'the message');
      const message = await p.textContent('#diagram .netdiagram-weight-error');
      assert.equal(message, `Weight (layer 1, x₂ → neuron 3): ${JSON.stringify(bad)} is not a number in [-1000, 1000]`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
    }
    await field.fill('2.5');
    await field.press('Enter');
    await idle(p);
    assert.equal(await field.isVisible(), false, 'the field closes once the value is set');
    const w1 = await weights(p);
    assert.equal(w1[0].kernel[6], 2.5, 'the worker set it in the model');
    for (let i = 0; i < w1[0].kernel.length; i++) if (i !== 6) assert.equal(w1[0].kernel[i], w0.kernel[i], `weight ${i} stays`);
    const after = await state(p);
    assert.notEqual(after.loss, before.loss, 'the loss is the model\'s now');
    assert.notEqual(after.valLoss, before.valLoss, 'and the test loss');
    // The diagram draws the new value: its field opens on it.
    await clickEdge(p, { layer: 1, from: 1, to: 2 }, 'layer 1, x₂ → neuron 3');
    assert.equal(await field.inputValue(), '2.5000');
    await field.press('Escape');
    // While training: set between two batches, and the run goes on.
    await p.click('#play');
    await until(p, () => window.descentPage.state.epoch >= 3, null, 'epoch 3');
    await clickEdge(p, { layer: 2, from: 0, to: 0 });
    await field.fill('-7');
    await field.press('Enter');
    await idle(p);
    assert.equal((await state(p)).status, 'running', 'the run goes on');
    const e = (await state(p)).epoch;
    await until(p, (k) => window.descentPage.state.epoch > k + 2, e, 'more epochs');
    await p.click('#play');
    await idle(p);
    // Escape closes the field without setting anything.
    await clickEdge(p, { layer: 1, from: 0, to: 0 });
    const w2 = await weights(p);
    await field.fill('9');
    await field.press('Escape');
    assert.equal(await field.isVisible(), false);
    assert.deepEqual(await weights(p), w2);
    assert.equal(await errorText(p), '');
  });

  it('changes a hidden layer\'s units with − and +, as the units field does', async (t) => {
    const { p } = await open(t, '?v=1&d=xor&h=3:relu,2:tanh');
    const plus = '#diagram button.netdiagram-units[data-layer="1"][data-delta="1"]';
    const minus = '#diagram button.netdiagram-units[data-layer="2"][data-delta="-1"]';
    assert.equal(await p.locator('#diagram button.netdiagram-units').count(), 4, 'a − and a + on each hidden layer');
    await p.click(plus);
    await idle(p);
    assert.deepEqual((await config(p)).layers, [{ units: 4, activation: 'relu' }, { units: 2, activation: 'tanh' }]);
    assert.match(await p.evaluate(() => location.search), /[?&]h=4%3Arelu%2C2%3Atanh(&|$)/, 'the link follows');
    assert.equal(await p.inputValue('#layers input.units[data-layer="0"]'), '4', 'the Network panel shows it');
    assert.ok(await at(p, { column: 1, index: 3 }), 'the fourth neuron is drawn');
    const w = await weights(p);
    assert.equal(w[0].kernel.length, 2 * 4, 'the model is made anew with 4 units');
    await p.click(minus);
    await idle(p);
    assert.equal((await config(p)).layers[1].units, 1);
    await p.click(minus);
    await idle(p);
    assert.equal(await errorText(p), 'Units in hidden layer 2: "0" is not an integer in [1, 256]', 'the units field\'s range and message');
    assert.equal((await config(p)).layers[1].units, 1, 'refused: the layer stays');
    await p.fill('#layers input.units[data-layer="1"]', '256');
    await p.dispatchEvent('#layers input.units[data-layer="1"]', 'change');
    await idle(p);
    await p.click('#diagram button.netdiagram-units[data-layer="2"][data-delta="1"]');
    await idle(p);
    assert.equal(await errorText(p), 'Units in hidden layer 2: "257" is not an integer in [1, 256]');
  });

  it('shows every input feature\'s picture, used or not, and toggles one on a click', async (t) => {
    const { p } = await open(t, '?v=1&d=circle&f=x1,x2&h=4:tanh');
    const pictures = await p.evaluate(() => {
      const d = window.descentPage;
      return [0, 1, 2, 3, 4, 5, 6].map((i) => !!d.diagramAt({ column: 0, index: i }));
    });
    assert.deepEqual(pictures, [true, true, true, true, true, true, true], 'seven features in the input column');
    await clickAt(p, { column: 0, index: 2 }); // x₁²
    await idle(p);
    assert.deepEqual((await config(p)).features, ['x1', 'x2', 'x1sq']);
    assert.equal(await p.isChecked('#feature-x1sq'), true, 'the features panel shows it');
    assert.match(await p.evaluate(() => location.search), /[?&]f=x1%2Cx2%2Cx1sq(&|$)/);
    assert.equal((await weights(p))[0].kernel.length, 3 * 4, 'a model of three inputs');
    await clickAt(p, { column: 0, index: 0 }); // x₁ off
    await idle(p);
    assert.deepEqual((await config(p)).features, ['x2', 'x1sq']);
    const c = await at(p, { column: 0, index: 0 });
    await p.mouse.move(c.x, c.y);
    assert.equal(await p.textContent('#diagram .netdiagram-tip'), 'input x₁ (not in use): click to use it');
    await clickAt(p, { column: 0, index: 1 });
    await idle(p);
    await clickAt(p, { column: 0, index: 2 });
    await idle(p);
    assert.equal(await errorText(p), 'Input features: keep at least one.');
    assert.deepEqual((await config(p)).features, ['x1sq']);
    await p.mouse.move(2, 2);
    await p.locator('[data-panel="diagram"]').screenshot({ path: `${shots}/page-diagram-features.png` });
  });

  it('shows or hides the test points (URL showtest; a Playground link\'s showTestData)', async (t) => {
    const { p } = await open(t, '?v=1&d=circle&test=0.5');
    assert.equal(await p.isChecked('#show-test'), true, 'shown by default');
    await drawn(p);
    const withTest = await view(p);
    await p.click('#show-test');
    await idle(p);
    await drawn(p);
    assert.equal((await config(p)).showTest, false);
    assert.match(await p.evaluate(() => location.search), /[?&]showtest=0(&|$)/);
    assert.notEqual(await view(p), withTest, 'the test points are gone');
    await p.click('#show-test');
    await idle(p);
    await drawn(p);
    assert.equal(await view(p), withTest);

    const { p: q } = await open(t, '?v=1&d=circle&showtest=0');
    assert.equal(await q.isChecked('#show-test'), false);
    const { p: pg } = await open(t, '#dataset=xor&showTestData=true&networkShape=4&seed=1');
    assert.equal(await pg.isChecked('#show-test'), true);
    assert.doesNotMatch(await pg.textContent('#notice'), /showTestData/, 'showTestData is carried over');
    const { p: pg2 } = await open(t, '#dataset=xor&networkShape=4&seed=1');
    assert.equal(await pg2.isChecked('#show-test'), false, 'the Playground hides test data by default');
  });

  it('lets nothing be edited from the diagram under lock', async (t) => {
    const { p } = await open(t, '?v=1&d=circle&h=4:tanh&f=x1,x2&embed=1&lock=1');
    const before = await config(p);
    const w0 = await weights(p);
    for (const b of await p.locator('#diagram button.netdiagram-units').all()) assert.equal(await b.isDisabled(), true);
    await clickEdge(p, { layer: 1, from: 0, to: 0 });
    assert.equal(await p.locator('#diagram input.netdiagram-weight').isVisible(), false, 'no field opens');
    await p.keyboard.press('Enter');
    await clickAt(p, { column: 0, index: 3 });
    await idle(p);
    // Clicks sent behind the page's back on the disabled buttons.
    await p.evaluate(() => { for (const b of document.querySelectorAll('#diagram button.netdiagram-units')) b.dispatchEvent(new MouseEvent('click')); });
    await idle(p);
    assert.deepEqual(await config(p), before);
    assert.deepEqual(await weights(p), w0);
    // The view toggles stay: hovering a neuron shows it, the test points toggle.
    const n = await at(p, { column: 1, index: 0 });
    await p.mouse.move(n.x, n.y);
    assert.deepEqual(await p.evaluate(() => window.descentPage.hovered), { column: 1, index: 0 });
    assert.equal(await p.isEnabled('#show-test'), true);
  });

  for (const [name, width, height] of [['1280', 1280, 800], ['360', 360, 800]]) {
    it(`fits and is drawn at ${width} px`, async (t) => {
      const { p } = await open(t, '?v=1&d=spiral&h=16:relu,16:relu&f=x1,x2,sin1', { width, height, scale: width === 360 ? 2 : 1 });
      const fits = await p.evaluate(() => {
        const box = document.getElementById('diagram');
        return box.scrollWidth <= box.clientWidth + 1;
      });
      assert.ok(fits, 'no wider than its panel');
      for (const b of await p.locator('#diagram button.netdiagram-units').all()) {
        const r = await b.boundingBox();
        const c = await p.locator(CANVAS).boundingBox();
        assert.ok(r.x >= c.x - 1 && r.x + r.width <= c.x + c.width + 1, 'the buttons are over the diagram');
      }
      await p.screenshot({ path: `${shots}/page-diagram-top-${name}.png` });
      await p.locator('[data-panel="diagram"]').scrollIntoViewIfNeeded();
      await p.screenshot({ path: `${shots}/page-diagram-${name}.png` });
      await p.locator('[data-panel="diagram"]').screenshot({ path: `${shots}/page-diagram-panel-${name}.png` });
    });
  }
});
