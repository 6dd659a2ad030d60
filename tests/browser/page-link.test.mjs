// page-link.test.mjs - shared links whose values the page cannot use: each
// such value falls back to its default with a notice naming the parameter,
// the value and the default used; the rest of the link applies, and the
// page trains. Headless Chromium.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireStaged, useBrowser, openPage, until, state, idle, errorText } from './support.mjs';

requireStaged();
const session = useBrowser({ screenshots: false });

/** The page at query, ready; its notice, its configuration and its link. */
async function open(t, query) {
  const { p, messages } = await openPage(session, t, { query });
  const notice = await errorText(p);
  const config = await p.evaluate(() => window.descentPage.config);
  const link = new URL(await p.inputValue('#share-link'));
  return { p, messages, notice, config, link };
}

/** One epoch from the Train controls, with a finite loss. */
async function trains(p) {
  assert.equal(await p.isEnabled('#play'), true, 'Train is enabled');
  const before = (await state(p)).epoch;
  await p.click('#step-epoch');
  await idle(p);
  const s = await until(p, state, (x) => x.epoch === before + 1, 'an epoch');
  assert.ok(Number.isFinite(s.loss), `loss ${s.loss}`);
  return s;
}

describe('a shared link with values the page cannot use', () => {
  it('an unknown target column: the last column, with a notice; the rest of the link applies and Train works', async (t) => {
    const { p, messages, notice, config, link } = await open(t, '?v=1&d=iris&target=bogus&h=8:tanh&opt=sgd&lr=0.05&seed=9');
    assert.match(notice, /URL parameter target: "bogus": data\/iris\.csv: unknown target column 'bogus'.*; using the default: the last column, species/);
    assert.deepEqual(
      [config.dataset, config.target, config.layers, config.optimizer.name, config.optimizer.learningRate, config.seed],
      ['iris', null, [{ units: 8, activation: 'tanh' }], 'sgd', 0.05, 9],
    );
    assert.equal(await p.inputValue('#target'), 'species');
    assert.equal(link.searchParams.get('target'), null, 'the link drops the value it could not use');
    assert.equal(new URL(p.url()).searchParams.get('target'), null, 'so does the address bar');
    const s = await trains(p);
    assert.equal(s.task, 'classification');
    assert.deepEqual(messages, []);
  });

  it('a task the target cannot have: the detected task, with a notice', async (t) => {
    const { p, notice, config } = await open(t, '?d=iris&task=regression&lr=0.01');
    assert.match(notice, /URL parameter task: "regression": data\/iris\.csv: .*; using the default: auto \(classification\)/);
    assert.equal(config.task, 'auto');
    assert.equal(config.optimizer.learningRate, 0.01);
    await trains(p);
  });

  it('a layer count out of range and optimizer settings descent refuses: their defaults, each named', async (t) => {
    const nine = Array(9).fill('4:relu').join(',');
    const { p, notice, config } = await open(t, `?d=xor&h=${nine}&opt=adam&b1=1&eps=0&lr=0.02&n=300`);
    assert.match(notice, /URL parameter h: 9 hidden layers: at most 8; using the default: 16:relu,16:relu/);
    assert.match(notice, /URL parameter b1: "1" is not a number in \[0, 1\); using the default: 0\.9/);
    assert.match(notice, /URL parameter eps: "0" is not a number in \(0, 1\]; using the default: 1e-7/);
    assert.deepEqual([config.dataset, config.samples, config.layers.length, config.optimizer.learningRate, config.optimizer.beta1], ['xor', 300, 2, 0.02, 0.9]);
    await trains(p);
  });

  it('a momentum of 1 (descent takes [0, 1)): the default, and Train works', async (t) => {
    const { p, notice, config } = await open(t, '?d=circle&opt=momentum&mom=1');
    assert.match(notice, /URL parameter mom: "1" is not a number in \[0, 1\); using the default: 0\.9/);
    assert.deepEqual(config.optimizer, { name: 'momentum', learningRate: 0.01, momentum: 0.9 });
    await trains(p);
  });

  it('points removed until no training row is left: none removed, with a notice', async (t) => {
    const rows = Array.from({ length: 20 }, (_, i) => i).join(',');
    const { p, notice, config } = await open(t, `?d=circle&n=20&test=0&rm=${rows}`);
    assert.match(notice, /URL parameter rm: "0,1,2,.*" removes every training row; no points removed/);
    assert.deepEqual(config.removed, []);
    assert.equal((await state(p)).nTrain, 20);
    await trains(p);
  });

  it('the last training point cannot be removed by a click either: refused, and the run and data stay', async (t) => {
    const rows = Array.from({ length: 19 }, (_, i) => i).join(',');
    const { p } = await open(t, `?d=circle&n=20&test=0&rm=${rows}`);
    assert.equal((await state(p)).nTrain, 1);
    const { train: [a, b], domain: [lo, hi] } = await p.evaluate(() => window.descentPage.points());
    await p.locator('#heatmap').scrollIntoViewIfNeeded();
    const box = await p.locator('#heatmap').boundingBox();
    await p.mouse.click(box.x + ((a - lo) / (hi - lo)) * box.width, box.y + ((hi - b) / (hi - lo)) * box.height,
      { button: 'right' });
    await p.evaluate(() => window.descentPage.idle());
    assert.match(await errorText(p), /the last training point cannot be removed/);
    assert.equal((await p.evaluate(() => window.descentPage.config)).removed.length, 19);
    assert.equal((await state(p)).nTrain, 1);
    await trains(p);
  });
});
