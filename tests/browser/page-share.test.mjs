// page-share.test.mjs - the page with real data, the user's own CSV, the
// worked-example presets, points added by clicking, the URL round trip,
// embed mode with goals, and a model downloaded from the page predicting the
// same in Node and in the CLI. Headless Chromium; screenshots go to
// build-wasm/screenshots/ to be looked at.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist } from '../js/support.mjs';
import {
  root, web, shots, requireStaged, useBrowser, openPage, until as untilRead, waitFor, state, idle, drawn, errorText, choose,
} from './support.mjs';

const cli = process.env.DESCENT_CLI ?? `${root}build/descent`;

requireStaged();
const session = useBrowser();
let work;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'descent-page-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const open = (t, options) => openPage(session, t, { ...options, downloads: true });

const until = (p, test, what, timeout = 30000) => untilRead(p, state, test, what, timeout, { every: 40 });

async function epochs(p, n) {
  const start = (await state(p)).epoch;
  for (let i = 0; i < n; i++) {
    await p.click('#step-epoch');
    await idle(p);
  }
  return until(p, (s) => s.epoch === start + n, `${n} more epochs`);
}

const viewPixels = async (p) => {
  await drawn(p);
  return p.evaluate(() => document.getElementById('heatmap').toDataURL());
};

describe('the page with real data, sharing and export', () => {
  it('every shipped data set trains, with its own view', async (t) => {
    const { p, messages } = await open(t);
    const expected = {
      iris: ['classification', /Confusion matrix/], breast_cancer: ['classification', /Confusion matrix/],
      diabetes: ['regression', /Predicted versus actual/], digits: ['classification', /Test images/],
    };
    // A shipped set that cannot be fetched (offline): said with the file's name; the data and model stay.
    const first = await state(p);
    await p.route('**/data/iris.csv', (route) => route.abort());
    await choose(p, '#dataset', 'iris');
    assert.match(await errorText(p), /^data\/iris\.csv could not load: /);
    assert.equal(await p.inputValue('#dataset'), first.dataset);
    assert.deepEqual([(await state(p)).dataset, (await state(p)).task], [first.dataset, first.task]);
    await p.unroute('**/data/iris.csv');
    assert.deepEqual(messages.splice(0), ['error: Failed to load resource: net::ERR_FAILED'], "the browser's own line for the failed fetch, and nothing else");
    for (const [name, [task, title]] of Object.entries(expected)) {
      await choose(p, '#dataset', name);
      assert.equal(await errorText(p), '', name);
      const s0 = await state(p);
      assert.equal(s0.dataset, name);
      assert.equal(s0.task, task, name);
      assert.match(await p.textContent('#view-title'), title);
      assert.equal(await p.isHidden('#synthetic-options'), true);
      assert.match(await p.textContent('#table-info'), /standardized with the \d+ training rows/);
      const before = await viewPixels(p);
      const s = await epochs(p, 3);
      assert.ok(Number.isFinite(s.loss) && Number.isFinite(s.valLoss), `${name}: ${s.loss} ${s.valLoss}`);
      assert.ok(s.metrics && Number.isFinite(s.metrics.test), `${name}: a test score`);
      assert.notEqual(await viewPixels(p), before, `${name}: the view changed`);
      await p.screenshot({ path: `${shots}/page-${name}.png` });
    }
    // iris: choose another target column; the task follows it.
    await choose(p, '#dataset', 'iris');
    // A text column cannot be a feature: refused, naming where; the data stay.
    await choose(p, '#target', 'sepal_length_cm');
    assert.match(await errorText(p), /data\/iris\.csv: line 2, column 5/);
    assert.equal(await p.inputValue('#target'), 'species');
    assert.equal((await state(p)).dataset, 'iris');
    // diabetes: sex as the target is detected as two classes; the task can be overridden.
    await choose(p, '#dataset', 'diabetes');
    await choose(p, '#target', 'sex');
    assert.equal(await errorText(p), '');
    assert.equal(await p.inputValue('#target'), 'sex');
    assert.equal((await state(p)).task, 'classification');
    await choose(p, '#task', 'regression');
    assert.equal((await state(p)).task, 'regression');
    assert.match(await p.textContent('#table-info'), /the target is a number/);
    await epochs(p, 2);
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('a CSV opened through the file input trains; a broken one is refused in place', async (t) => {
    const { p, messages } = await open(t);
    const rows = ['height,weight,shoe,label'];
    for (let i = 0; i < 120; i++) {
      const big = i % 2;
      rows.push(`${160 + big * 20 + (i % 7)},${55 + big * 25 + (i % 5)},${38 + big * 6 + (i % 3)},${big ? 'tall' : 'short'}`);
    }
    await p.setInputFiles('#csv-file', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
    await idle(p);
    assert.equal(await errorText(p), '');
    let s = await state(p);
    assert.equal(s.dataset, 'csv');
    assert.equal(s.task, 'classification');
    assert.match(await p.textContent('#table-info'), /people\.csv: 120 rows, 3 features; the target is 2 classes \(short, tall\)/);
    s = await epochs(p, 20);
    assert.ok(s.metrics.test > 0.9, `test accuracy ${s.metrics.test}`);
    const kept = await state(p);
    const losses = await p.evaluate(() => window.descentPage.losses());

    await p.setInputFiles('#csv-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,x\n3,4\n') });
    await idle(p);
    assert.match(await errorText(p), /^broken\.csv: line 3/);
    await p.screenshot({ path: `${shots}/page-csv-error.png` });
    const after = await state(p);
    assert.equal(after.dataset, 'csv');
    assert.equal(after.epoch, kept.epoch);
    assert.equal(after.firstLoss, kept.firstLoss);
    assert.deepEqual(await p.evaluate(() => window.descentPage.losses()), losses);
    assert.equal(await p.inputValue('#dataset'), 'csv');
    // It goes on training where it was.
    await epochs(p, 1);
    assert.deepEqual(messages, []);
  });

  it('the worked examples are one click each and learn what they should', async (t) => {
    const { p, messages } = await open(t);
    await p.click('[data-preset="linear4"]');
    await idle(p);
    let s = await state(p);
    assert.deepEqual([s.dataset, s.nTrain, s.nTest, s.task], ['linear4', 4, 0, 'regression']);
    await p.click('#play');
    s = await until(p, (x) => x.settled, 'linear4 to finish');
    assert.equal(s.epoch, 1000);
    assert.equal(s.steps, 1000, 'full batch: one step an epoch');
    const [layer] = await p.evaluate(() => window.descentPage.weights());
    const theta = Object.values(layer.kernel);
    assert.ok(Math.abs(theta[0]) < 1e-3 && Math.abs(theta[1] - 1) < 1e-3, `theta ${theta}`);
    await p.screenshot({ path: `${shots}/page-preset-linear4.png`, fullPage: true });

    await p.click('[data-preset="line"]');
    await idle(p);
    await p.click('#play');
    await until(p, (x) => x.settled, 'the line to finish');
    const [line] = await p.evaluate(() => window.descentPage.weights());
    assert.ok(Math.abs(line.kernel[0] - 3) < 0.15, `slope ${line.kernel[0]}`);

    await p.click('[data-preset="diabetes"]');
    await idle(p);
    s = await state(p);
    assert.deepEqual([s.dataset, s.task], ['diabetes', 'regression']);
    assert.deepEqual(await p.$$eval('#layers li', (l) => l.length), 2);
    assert.equal(await p.inputValue('#optimizer'), 'sgd');
    await p.click('#play');
    s = await until(p, (x) => x.settled, 'diabetes to finish');
    assert.ok(s.metrics.test > 0.2, `diabetes test R² ${s.metrics.test}`);

    await p.click('[data-preset="breast_cancer"]');
    await idle(p);
    assert.equal(await p.inputValue('#optimizer'), 'adam');
    assert.equal(await p.inputValue('#batch'), '32');
    await p.click('#play');
    s = await until(p, (x) => x.settled, 'breast_cancer to finish');
    assert.ok(s.metrics.test > 0.93, `breast_cancer test accuracy ${s.metrics.test}`);
    await p.screenshot({ path: `${shots}/page-preset-breast_cancer.png`, fullPage: true });
    assert.deepEqual(messages, []);
  });

  it('a link reproduces the run loss for loss, added points included', async (t) => {
    const { p, messages } = await open(t);
    await choose(p, '#dataset', 'xor');
    await p.check('#feature-x1x2');
    await idle(p);
    await choose(p, '#optimizer', 'momentum');
    await p.fill('#lr', '0.05');
    await p.dispatchEvent('#lr', 'change');
    await p.fill('#seed', '77');
    await p.dispatchEvent('#seed', 'change');
    await idle(p);
    // A point added by clicking, and one removed.
    await p.locator('#heatmap').scrollIntoViewIfNeeded();
    const box = await p.locator('#heatmap').boundingBox();
    await p.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.25);
    await idle(p);
    await p.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.3, { modifiers: ['Shift'] });
    await idle(p);
    const s0 = await state(p);
    assert.equal(s0.nTrain, 202);
    await epochs(p, 20);
    const first = await p.evaluate(() => window.descentPage.losses());
    const link = await p.inputValue('#share-link');
    assert.match(link, /d=xor/);
    assert.match(link, /add=/);
    assert.equal(new URL(link).search, new URL(p.url()).search, 'the address bar carries the same link');

    const other = await open(t, { query: new URL(link).search });
    assert.equal((await state(other.p)).nTrain, 202);
    await epochs(other.p, 20);
    const second = await other.p.evaluate(() => window.descentPage.losses());
    assert.deepStrictEqual(second, first);
    assert.equal(first[1].length, 21, 'epochs 0 to 20');
    assert.deepEqual(other.messages, []);

    // A bad parameter is named, and left at its default.
    const bad = await open(t, { query: '?d=spiral&lr=-3&h=16:relu,999:relu' });
    assert.match(await errorText(bad.p), /URL parameter lr: "-3" is not a number in \(0, 10\]/);
    assert.match(await errorText(bad.p), /URL parameter h: "999:relu"/);
    assert.equal((await state(bad.p)).dataset, 'spiral');
    assert.deepEqual(messages, []);
  });

  it('embed mode hides what it is told, locks, autoplays and fires the goal event', async (t) => {
    const { p: outer } = await open(t);
    const query = '?d=circle&embed=1&hide=data,network,optimizer,share&lock=1&autoplay=1&goal=test_accuracy>=0.9&goal=epoch>=5';
    await outer.evaluate((src) => {
      window.goals = [];
      addEventListener('message', (e) => { if (e.data && e.data.source === 'descent' && e.data.type === 'goal') window.goals.push(e.data); });
      document.body.innerHTML = `<iframe id="f" src="${src}" width="900" height="700"></iframe>`;
    }, new URL(query, session.base).href);
    const frame = await (await outer.waitForSelector('#f')).contentFrame();
    await waitFor(frame, () => window.descentPage && window.descentPage.state.status !== 'loading');
    await waitFor(outer, () => window.goals.length === 2);
    const goals = await outer.evaluate(() => window.goals);
    assert.deepEqual(goals.map((g) => g.goal).sort(), ['epoch>=5', 'test_accuracy>=0.9']);
    const acc = goals.find((g) => g.goal === 'test_accuracy>=0.9');
    assert.ok(acc.value >= 0.9 && acc.epoch >= 1);
    assert.equal(await frame.isHidden('[data-panel="data"]'), true);
    assert.equal(await frame.isHidden('[data-panel="network"]'), true);
    assert.equal(await frame.isHidden('[data-panel="share"]'), true);
    assert.equal(await frame.isVisible('[data-panel="loss"]'), true);
    assert.equal(await frame.isDisabled('#lr'), true, 'locked');
    // (Play may be off by now: autoplay can reach the epoch limit first.)
    assert.equal(await frame.isEnabled('#reset'), true, 'the run controls stay');
    assert.equal(await frame.isVisible('[data-panel="run"]'), true);
    assert.match(await frame.textContent('#goal-banner'), /Goal reached/);
    await outer.screenshot({ path: `${shots}/page-embed.png` });

    // The page offers the snippet.
    const { p } = await open(t);
    await p.click('#embed-options summary');
    await p.check('#embed-hide-data');
    await p.check('#embed-autoplay');
    await p.fill('#embed-goal', 'test_loss<0.1');
    const snippet = await p.inputValue('#embed-snippet');
    assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?v=1&amp;d=circle.*&amp;embed=1&amp;hide=data&amp;autoplay=1&amp;goal=test_loss%3C0\.1"/);
    assert.match(snippet, /addEventListener\('message'/);
    assert.match(snippet, /if \(e\.origin !== 'http:\/\/127\.0\.0\.1:\d+' \|\|/, 'the listener checks where a message is from');
    assert.doesNotMatch(snippet, /origin=/);
    await p.fill('#embed-origin', 'https://course.example.org');
    assert.match(await p.inputValue('#embed-snippet'), /&amp;origin=https%3A%2F%2Fcourse\.example\.org"/);
    await p.fill('#embed-origin', 'https://course.example.org/lesson');
    assert.equal(await p.getAttribute('#embed-origin', 'aria-invalid'), 'true');
    assert.doesNotMatch(await p.inputValue('#embed-snippet'), /origin=/);
  });

  it('a model downloaded from the page predicts the same in Node and in the CLI, and opens again in the page', async (t) => {
    const { p, messages } = await open(t);
    await p.click('[data-preset="breast_cancer"]');
    await idle(p);
    await epochs(p, 5);
    await p.waitForTimeout(100);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#dl-model')]);
    assert.equal(download.suggestedFilename(), 'descent-breast_cancer.bin');
    const file = join(work, 'model.bin');
    await download.saveAs(file);
    const fromPage = await p.evaluate(() => window.descentPage.predictions());

    const { loadDescent } = await import(new URL('descent.mjs', dist));
    const d = await loadDescent();
    const text = readFileSync(`${web}/data/breast_cancer.csv`, 'utf8');
    const set = d.parseCSV(text, { target: 'diagnosis' });
    const model = d.loadModel(readFileSync(file));
    t.after(() => model.dispose());
    const node = model.predict(set.x);
    fromPage.testRows.forEach((r, i) => assert.equal(node[r], Math.fround(fromPage.test[i]), `row ${r}`));
    fromPage.trainRows.forEach((r, i) => assert.equal(node[r], Math.fround(fromPage.train[i]), `row ${r}`));

    const out = join(work, 'pred.csv');
    execFileSync(cli, ['predict', '--model', file, '--data', `${web}/data/breast_cancer.csv`, '--out', out]);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    // predicted,p_benign,p_malignant: the model's output is the probability of the second class.
    assert.deepEqual(header, ['predicted', 'p_benign', 'p_malignant']);
    const column = 2;
    for (let r = 0; r < set.n; r++) {
      const v = Number(lines[r + 1].split(',')[column]);
      assert.ok(Math.abs(v - node[r]) < 1e-5, `CLI row ${r}: ${v} vs ${node[r]}`);
    }

    // Downloads of the history and the pictures.
    const [csv] = await Promise.all([p.waitForEvent('download'), p.click('#dl-history')]);
    const history = readFileSync(await csv.path(), 'utf8').trim().split('\n');
    assert.equal(history[0], 'epoch,loss,val_loss');
    assert.equal(history.length, 7, 'the header, epoch 0 and five epochs');
    for (const id of ['#dl-view', '#dl-chart']) {
      const [png] = await Promise.all([p.waitForEvent('download'), p.click(id)]);
      assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    }

    // Opened again: the same predictions, and it trains on.
    await p.click('#reset');
    await idle(p);
    await p.setInputFiles('#model-file', file);
    await idle(p);
    assert.equal(await errorText(p), '');
    await p.waitForTimeout(100);
    const reopened = await p.evaluate(() => window.descentPage.predictions());
    assert.deepEqual(reopened.test, fromPage.test);
    await epochs(p, 2);
    // A model for other data is refused; the one in use stays.
    await choose(p, '#dataset', 'iris');
    await p.setInputFiles('#model-file', file);
    await idle(p);
    assert.match(await errorText(p), /model\.bin: the model reads 30 inputs and gives 1 outputs; this data has 4 inputs and 3 outputs/);
    assert.deepEqual(messages, []);
  });
});
