// page.test.mjs - the playground page (web/, as scripts/demo serves it) in
// headless Chromium: it loads with the SIMD build and a quiet console, trains
// the spiral, pauses, steps and resets exactly, every data set, optimizer and
// activation trains, the views really change, bad input is refused in place,
// and the layout holds at 360 px. Screenshots of the main states go to
// build-wasm/screenshots/ (looked at by a person, not compared).
//
// Needs web/lib and web/vendor staged (scripts/lib.sh stage_web, which
// scripts/test and scripts/demo run).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  shots, requireStaged, useBrowser, openPage, until as untilRead, state, idle, drawn, errorText, choose, setValue,
} from './support.mjs';

requireStaged();
const session = useBrowser();

/** A fresh page, loaded and ready; console errors and warnings are collected. */
const open = (t, options) => openPage(session, t, options);

/** Waits until the page's state satisfies test (polled), or fails with the last state. */
const until = (p, test, what, timeout = 30000) => untilRead(p, state, test, what, timeout);

/** The pixels of the heatmap and of the loss chart, as data URLs. */
async function pixels(p) {
  await drawn(p);
  return p.evaluate(() => ({
    heatmap: document.getElementById('heatmap').toDataURL(),
    chart: document.querySelector('#loss-chart canvas').toDataURL(),
  }));
}

async function click(p, selector) {
  await p.click(selector);
  await idle(p);
}

describe('the playground page', () => {
  it('loads the default run with the SIMD build, in a worker, with a quiet console', async (t) => {
    const { p, messages } = await open(t);
    const s = await state(p);
    assert.equal(s.simd, true);
    assert.equal(s.status, 'paused');
    assert.equal(s.epoch, 0);
    assert.equal(s.task, 'classification');
    assert.ok(s.metrics && s.metrics.test >= 0 && s.metrics.test <= 1, 'predictions drawn before training');
    assert.match(await p.textContent('#build'), /WebAssembly SIMD, training in a Web Worker/);
    // The page's main thread never loads the wasm module: only the worker does.
    const wasmOnPage = await p.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length);
    assert.equal(wasmOnPage, 0);
    await p.screenshot({ path: `${shots}/page-initial.png`, fullPage: true });
    assert.deepEqual(messages, []);
  });

  it('trains the spiral with the default network to test accuracy >= 0.9', async (t) => {
    const { p, messages } = await open(t);
    await choose(p, '#dataset', 'spiral');
    const before = await pixels(p);
    await click(p, '#play');
    const s = await until(p, (x) => x.settled, 'the run to finish', 60000);
    await p.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
    const final = await state(p);
    assert.equal(s.epoch, 1000);
    assert.ok(final.metrics.test >= 0.9, `test accuracy ${final.metrics.test}`);
    assert.ok(final.loss < s.firstLoss);
    assert.equal(final.chartPoints, 1001, 'one loss point per epoch, from epoch 0');
    const after = await pixels(p);
    assert.notEqual(after.heatmap, before.heatmap, 'the heatmap changed');
    assert.notEqual(after.chart, before.chart, 'the loss chart changed');
    await p.screenshot({ path: `${shots}/page-spiral-trained.png`, fullPage: true });
    await p.check('#discretize');
    await p.check('#log-scale');
    await drawn(p);
    await p.screenshot({ path: `${shots}/page-spiral-discretized-log.png`, fullPage: true });
    assert.deepEqual(messages, []);
  });

  it('pause stops the epoch counter; step advances exactly one batch or one epoch', async (t) => {
    const { p, messages } = await open(t);
    await setValue(p, '#epochs', 1000000);
    await setValue(p, '#batch', 10);
    await click(p, '#play');
    await until(p, (x) => x.epoch >= 3, 'a few epochs');
    await click(p, '#play');
    assert.equal((await state(p)).status, 'paused');
    await p.waitForTimeout(100);
    const paused = await state(p);
    await p.waitForTimeout(400);
    const later = await state(p);
    assert.equal(later.epoch, paused.epoch);
    assert.equal(later.steps, paused.steps);

    await click(p, '#step-batch');
    const one = await until(p, (x) => x.steps === paused.steps + 1, 'one more step');
    // (That step may itself have finished an epoch.)
    await click(p, '#step-epoch');
    const stepped = await until(p, (x) => x.epoch === one.epoch + 1, 'one more epoch');
    // The rest of the epoch: 200 training rows in batches of 10.
    assert.equal(stepped.steps % 20, 0);
    await click(p, '#step-epoch');
    const again = await until(p, (x) => x.epoch === stepped.epoch + 1, 'another epoch');
    assert.equal(again.steps, stepped.steps + 20);
    await p.waitForTimeout(200);
    assert.equal((await state(p)).epoch, stepped.epoch + 1);
    // Keyboard: E steps an epoch, space plays and pauses.
    await p.focus('body');
    await p.keyboard.press('e');
    await idle(p);
    await until(p, (x) => x.epoch === stepped.epoch + 2, 'an epoch from the keyboard');
    // Space on a disclosure opens it (it is no shortcut there), and trains nothing.
    await p.focus('#embed-options summary');
    await p.keyboard.press(' ');
    assert.equal(await p.evaluate(() => document.getElementById('embed-options').open), true);
    await p.waitForTimeout(200);
    assert.notEqual((await state(p)).status, 'running');
    assert.deepEqual(messages, []);
  });

  it('reset gives the same initial weights and the same run; a new seed another', async (t) => {
    const { p, messages } = await open(t);
    const first = async () => {
      await click(p, '#reset');
      const initial = await pixels(p);
      await click(p, '#step-epoch');
      const s = await until(p, (x) => x.epoch === 1 && x.firstLoss !== null, 'the first epoch');
      return { loss: s.firstLoss, heatmap: initial.heatmap, steps: s.steps };
    };
    const a = await first();
    const b = await first();
    assert.equal(a.loss, b.loss);
    assert.equal(a.heatmap, b.heatmap);
    assert.equal(a.steps, 20);
    const seed = await p.inputValue('#seed');
    await click(p, '#new-seed');
    assert.notEqual(await p.inputValue('#seed'), seed);
    await click(p, '#step-epoch');
    const c = await until(p, (x) => x.epoch === 1 && x.firstLoss !== null, 'the first epoch with a new seed');
    assert.notEqual(c.firstLoss, a.loss);
    assert.deepEqual(messages, []);
  });

  it('every data set trains, and its view and loss chart change as it does', async (t) => {
    const { p, messages } = await open(t);
    for (const name of ['circle', 'xor', 'gaussian', 'spiral', 'line', 'curve', 'plane', 'multigauss']) {
      await choose(p, '#dataset', name);
      const s0 = await state(p);
      assert.equal(s0.epoch, 0, name);
      const before = await pixels(p);
      for (let i = 0; i < 5; i++) await click(p, '#step-epoch');
      const s = await until(p, (x) => x.epoch === 5 && x.chartPoints === 6, `${name}: 5 epochs`);
      assert.ok(Number.isFinite(s.loss) && Number.isFinite(s.valLoss), `${name}: losses ${s.loss}, ${s.valLoss}`);
      assert.equal(s.task, ['line', 'curve', 'plane', 'multigauss'].includes(name) ? 'regression' : 'classification');
      await p.waitForTimeout(50);
      const after = await pixels(p);
      assert.notEqual(after.heatmap, before.heatmap, `${name}: the view changed`);
      assert.notEqual(after.chart, before.chart, `${name}: the loss chart changed`);
      assert.equal(await errorText(p), '', name);
      if (['spiral', 'line', 'multigauss'].includes(name)) {
        await click(p, '#play');
        await until(p, (x) => x.epoch >= 200, `${name}: 200 epochs`);
        // Pause, unless it reached the epoch limit meanwhile (then the button is off and the click a no-op).
        await p.click('#play', { force: true });
        await idle(p);
        await drawn(p);
        await p.screenshot({ path: `${shots}/page-${name}.png` });
      }
    }
    // Features switch on and off for 2-D data (the model is rebuilt with them).
    await choose(p, '#dataset', 'xor');
    await p.check('#feature-x1x2');
    await idle(p);
    for (let i = 0; i < 3; i++) await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 3, 'xor with x1·x2');
    await p.uncheck('#feature-x1');
    await p.uncheck('#feature-x2');
    await idle(p);
    await p.click('#feature-x1x2');
    await idle(p);
    assert.match(await errorText(p), /keep at least one/);
    assert.equal(await p.isChecked('#feature-x1x2'), true);
    assert.deepEqual(messages, []);
  });

  it('every optimizer and every activation trains without error', async (t) => {
    const { p, messages } = await open(t);
    for (const name of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']) {
      await choose(p, '#optimizer', name);
      const fields = await p.$$eval('#hyper input', (els) => els.map((e) => e.dataset.key));
      const expected = { sgd: [], momentum: ['momentum'], nesterov: ['momentum'], adagrad: ['initialAccumulatorValue'],
        rmsprop: ['rho', 'momentum', 'epsilon', 'centered'], adam: ['beta1', 'beta2', 'epsilon'] }[name];
      assert.deepEqual(fields, expected, name);
      const before = await state(p);
      await click(p, '#step-epoch');
      await click(p, '#step-epoch');
      const s = await until(p, (x) => x.epoch === before.epoch + 2, `${name}: two epochs`);
      assert.ok(Number.isFinite(s.loss), `${name}: loss ${s.loss}`);
      assert.equal(await errorText(p), '', name);
    }
    for (const activation of ['linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh']) {
      await choose(p, '#layers select[data-layer="0"]', activation);
      await choose(p, '#layers select[data-layer="1"]', activation);
      assert.equal((await state(p)).epoch, 0, `${activation}: a new model`);
      await click(p, '#step-epoch');
      await click(p, '#step-epoch');
      const s = await until(p, (x) => x.epoch === 2, `${activation}: two epochs`);
      assert.ok(Number.isFinite(s.loss), `${activation}: loss ${s.loss}`);
      assert.equal(await errorText(p), '', activation);
    }
    // Layers come and go; units are 1 to 256.
    await click(p, '#add-layer');
    assert.equal(await p.$$eval('#layers li', (l) => l.length), 3);
    await setValue(p, '#layers input[data-layer="2"]', 256);
    await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 1, 'a 3-layer net');
    await click(p, '#remove-layer');
    await click(p, '#remove-layer');
    await click(p, '#remove-layer');
    assert.equal(await p.$$eval('#layers li', (l) => l.length), 0);
    await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 1, 'no hidden layer (a logistic model)');
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('the learning rate and hyper-parameters change mid-run without a reset', async (t) => {
    const { p, messages } = await open(t);
    for (let i = 0; i < 3; i++) await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 3, 'three epochs');
    await setValue(p, '#lr', 0.5);
    await setValue(p, '#hp-beta1', 0.5);
    await click(p, '#step-epoch');
    const s = await until(p, (x) => x.epoch === 4, 'a fourth epoch');
    assert.equal(s.chartPoints, 5, 'the same run went on');
    assert.equal(await p.inputValue('#lr'), '0.5');
    const slider = Number(await p.inputValue('#lr-slider'));
    assert.ok(Math.abs(slider - Math.log10(0.5)) < 0.03, `log-scale slider at ${slider}`);
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('bad values are refused with a message naming the control and the range; the run is kept', async (t) => {
    const { p, messages } = await open(t);
    for (let i = 0; i < 2; i++) await click(p, '#step-epoch');
    const before = await until(p, (x) => x.epoch === 2, 'two epochs');
    const cases = [
      ['#lr', '-1', /Learning rate: "-1" is not a number in \(0, 10\]/],
      ['#batch', '0', /Batch size: "0" is not an integer in \[1, 200\]/],
      ['#layers input[data-layer="0"]', '300', /Units in hidden layer 1: "300" is not an integer in \[1, 256\]/],
      ['#l2', '', /L2 rate: "" is not a number in \[0, 1\]/],
      ['#epochs', '2.5', /Epoch limit: "2.5" is not an integer/],
      // Out of the range descent accepts (before, taken, then a reset left the page without a model).
      ['#hp-beta1', '1', /beta 1: "1" is not a number in \[0, 1\)/],
      ['#hp-epsilon', '0', /epsilon: "0" is not a number in \(0, 1\]/],
      // In range as a double but not as the float32 descent holds (before, taken: the worker refused it, the link and Reset kept it).
      ['#lr', '1e-50', /Learning rate: "1e-50" is not a number in \(0, 10\] \(0 as a float32\)/],
      ['#hp-beta2', '0.99999999999', /beta 2: "0.99999999999" is not a number in \[0, 1\) \(1 as a float32\)/],
    ];
    for (const [selector, value, message] of cases) {
      await setValue(p, selector, value);
      assert.match(await errorText(p), message);
      assert.equal(await p.getAttribute(selector, 'aria-invalid'), 'true');
      const s = await state(p);
      assert.equal(s.epoch, before.epoch, `${selector}: the run is kept`);
      assert.equal(s.firstLoss, before.firstLoss);
    }
    await p.screenshot({ path: `${shots}/page-error.png` });
    await setValue(p, '#lr', '0.02');
    assert.equal(await errorText(p), '');
    // What was refused was not kept: a reset makes the model, and it trains.
    await click(p, '#reset');
    assert.equal(await errorText(p), '');
    await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 1, 'an epoch after the reset');
    assert.deepEqual(messages, []);
  });

  it('works at 360 px: no sideways scrolling, every control labelled and reachable by keyboard', async (t) => {
    const { p, messages } = await open(t, { width: 360, height: 740 });
    await click(p, '#step-epoch');
    await until(p, (x) => x.epoch === 1, 'an epoch');
    await drawn(p);
    const widths = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    await p.screenshot({ path: `${shots}/page-phone.png`, fullPage: true });
    const unlabelled = await p.evaluate(() => [...document.querySelectorAll('input, select, button')]
      .filter((el) => !el.closest('[hidden]'))
      .filter((el) => {
        const name = el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('').trim()) || (el.tagName === 'BUTTON' && el.textContent.trim());
        return !name;
      })
      .map((el) => el.id || el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    // Tab reaches every enabled control (none has a negative tabindex).
    const total = await p.evaluate(() => [...document.querySelectorAll('input, select, button')]
      .filter((el) => !el.disabled && !el.closest('[hidden]') && !el.closest('details:not([open])') && el.tabIndex >= 0).length);
    const seen = new Set();
    await p.focus('#reset');
    for (let i = 0; i < total + 12; i++) {
      seen.add(await p.evaluate(() => {
        const el = document.activeElement;
        return ['INPUT', 'SELECT', 'BUTTON'].includes(el.tagName) ? el.id || el.getAttribute('aria-label') || el.textContent : null;
      }));
      await p.keyboard.press('Tab');
    }
    seen.delete(null);
    assert.ok(seen.size >= total, `Tab reached ${seen.size} of ${total} controls`);
    assert.deepEqual(messages, []);
  });
});
