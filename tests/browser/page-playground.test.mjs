// page-playground.test.mjs - a TensorFlow Playground link opened in the page
// (after '#' as the Playground writes it, or in the query string) becomes
// descent's equivalent lesson: its configuration (playground-link.mjs's
// mapping) in every control, the input scale and the 'playground'
// initializer as visible choices, a notice naming what is not carried over
// exactly, the address turned into descent's own link; and the spiral
// lesson learns as in the Playground. Headless Chromium.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shots, requireStaged, useBrowser, openPage, until as untilRead, state, idle, errorText } from './support.mjs';

requireStaged();
const session = useBrowser();

const SPIRAL = 'activation=tanh&batchSize=10&dataset=spiral&learningRate=0.03&networkShape=8,8&percTrainData=50' +
  '&noise=0&x=true&y=true&problem=classification';

const open = (t, path, options = {}) => openPage(session, t, { path, ...options });
const until = (p, test, what, timeout = 60000) => untilRead(p, state, test, what, timeout, { every: 50 });
const notice = (p) => p.evaluate(() => {
  const el = document.getElementById('notice');
  return el.hidden ? '' : el.textContent;
});

describe('a TensorFlow Playground link', () => {
  it('opens the spiral lesson, which learns as in the Playground', async (t) => {
    const { p, messages } = await open(t, `/#${SPIRAL}&seed=1`);
    const c = await p.evaluate(() => window.descentPage.config);
    assert.equal(c.dataset, 'spiral');
    assert.equal(c.samples, 500);
    assert.equal(c.testRatio, 0.5);
    assert.equal(c.noise, 0);
    assert.deepEqual(c.features, ['x1', 'x2']);
    assert.deepEqual(c.layers, [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }]);
    assert.equal(c.output, 'tanh-mse');
    assert.equal(c.init, 'playground');
    assert.equal(c.inputScale, 'none');
    assert.deepEqual(c.optimizer, { name: 'sgd', learningRate: 0.015 });
    assert.equal(c.batchSize, 10);
    assert.equal(c.seed, 1);
    assert.equal(c.dataSeed, 1);
    // The choices are visible in the controls.
    assert.equal(await p.inputValue('#dataset'), 'spiral');
    assert.equal(await p.inputValue('#init'), 'playground');
    assert.equal(await p.inputValue('#input-scale'), 'none');
    assert.match(await p.evaluate(() => document.querySelector('#input-scale option:checked').textContent), /as generated/);
    assert.equal(await p.inputValue('#optimizer'), 'sgd');
    assert.equal(await p.inputValue('#lr'), '0.015');
    assert.equal(await p.inputValue('#output'), 'tanh-mse');
    // What is not exact is named; nothing is an error.
    assert.match(await notice(p), /TensorFlow Playground link/);
    assert.match(await notice(p), /Playground seed: "1" is seed 1 here/);
    assert.equal(await errorText(p), '');
    // The address is descent's own link for the lesson.
    const here = await p.evaluate(() => location.href);
    assert.equal(new URL(here).hash, '');
    assert.match(here, /[?&]d=spiral&/);
    assert.match(here, /[?&]scale=none(&|$)/);
    assert.match(here, /[?&]init=playground(&|$)/);

    // The lesson learns: test accuracy at epoch 1000 (0.960 for seed 1 in tests/js/playground-link.test.mjs).
    await p.click('#play');
    const s = await until(p, (x) => x.settled, 'the 1000 epochs');
    assert.equal(s.epoch, 1000);
    assert.ok(s.metrics.test >= 0.9, `test accuracy ${s.metrics.test} at epoch 1000`);
    await p.screenshot({ path: `${shots}/page-playground-spiral.png` });
    assert.deepEqual(messages, []);
  });

  it('in the query string too, with descent\'s embed options beside it; what cannot be mapped is named', async (t) => {
    const { p } = await open(t, `/?${SPIRAL.replace('networkShape=8,8', 'networkShape=4')}&cosX=true&tutorial=dropout&seed=7&embed=1&lock=1`);
    const c = await p.evaluate(() => window.descentPage.config);
    assert.deepEqual(c.layers, [{ units: 4, activation: 'tanh' }]);
    assert.equal(c.seed, 7);
    const text = await notice(p);
    assert.match(text, /cosX: descent has no cos feature/);
    assert.match(text, /tutorial: "dropout"/);
    assert.equal(await p.isDisabled('#input-scale'), true, 'locked');
    assert.match(await p.evaluate(() => location.search), /[?&]lock=1/);
  });

  it('descent\'s own links choose the input scale; the default is unit', async (t) => {
    const { p } = await open(t, '/?d=circle&scale=none');
    assert.equal((await p.evaluate(() => window.descentPage.config)).inputScale, 'none');
    assert.equal(await notice(p), '');
    await p.selectOption('#input-scale', 'unit');
    await idle(p);
    assert.equal((await p.evaluate(() => window.descentPage.config)).inputScale, 'unit');
    assert.match(await p.evaluate(() => location.search), /[?&]scale=unit(&|$)/);
    const plain = await open(t, '/?d=circle');
    assert.equal((await plain.p.evaluate(() => window.descentPage.config)).inputScale, 'unit');
  });
});
