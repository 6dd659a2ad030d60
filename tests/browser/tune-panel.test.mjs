// tune-panel.test.mjs - the playground's Tune panel in headless Chromium: a
// grid runs in the pool of workers, the table and the heatmap fill with
// every configuration, ranked as descent.tune ranks them in Node on the same
// rows (a generated set, and a table's training rows), a cell shows its fold
// curves, the page trains meanwhile, cancel ends the workers and keeps what
// finished, "use the best" sets the playground's controls and resets the run,
// bad values are refused by name, random search bins its ranges, and the
// panel works at 360 px and from the keyboard. Screenshots go to
// build-wasm/screenshots/tune-*.png (looked at by a person, not compared).
//
// Needs web/lib and web/vendor staged (scripts/lib.sh stage_web).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  web, shots, requireStaged, useBrowser, openPage, openView, until as untilRead, waitFor, state, idle, drawn, errorText, setValue,
} from './support.mjs';

requireStaged(['lib/tune-pool.mjs', 'lib/descent-tune.wasm']);
const session = useBrowser();

/** A fresh page, loaded and ready, with the Tune panel open; console errors and warnings are collected. */
async function open(t, options) {
  const { p, messages } = await openPage(session, t, options);
  if (!(await p.isHidden('#tune'))) {
    // The panel's code loads when it is first opened.
    assert.equal(await p.evaluate(() => window.descentPage.tune), null);
    await openView(p, '#tune-details');
    await waitFor(p, () => window.descentPage.tune !== null);
  }
  return { p, messages };
}

const tune = (p) => p.evaluate(() => window.descentPage.tune);
const until = (p, read, test, what, timeout) => untilRead(p, read, test, what, timeout, { shown: 600 });

/** Ticks the parameters to search (and only those) and fills their values. */
async function searchOver(p, values) {
  for (const key of ['learningRate', 'batchSize', 'optimizer', 'layers', 'activation', 'l2', 'epochs']) {
    await p.setChecked(`#tune-on-${key}`, key in values);
    const v = values[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      for (const box of await p.$$(`#tune-values-${key} input`)) await box.setChecked(v.includes(await box.getAttribute('value')));
    } else {
      await p.fill(`#tune-values-${key}`, v);
    }
  }
}

/** Starts the search and waits for it to end. */
async function search(p) {
  await p.click('#tune-start');
  await idle(p);
  return until(p, tune, (s) => !s.running && s.total > 0 && (s.done === s.total || s.cancelled || s.error), 'the search to end', 40000);
}

/** The heatmap's pixel (RGBA) inside each cell (rows of columns), clear of its text and outline. */
const cellPixels = (p) => p.evaluate(() => {
  const h = window.descentPage.tune.heatmap;
  const canvas = document.getElementById('tune-heatmap');
  const scale = canvas.width / canvas.clientWidth;
  const all = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return h.rows.map((_, cy) => h.columns.map((__, cx) => {
    const x = Math.round((h.rect.x + cx * h.cellWidth + 8) * scale);
    const y = Math.round((h.rect.y + cy * h.cellHeight + 8) * scale);
    const at = (y * canvas.width + x) * 4;
    return Array.from(all.subarray(at, at + 4));
  }));
});

/** Clicks the middle of heatmap cell (cx, cy). */
async function clickCell(p, cx, cy) {
  const h = (await tune(p)).heatmap;
  await p.click('#tune-heatmap', { position: { x: h.rect.x + (cx + 0.5) * h.cellWidth, y: h.rect.y + (cy + 0.5) * h.cellHeight } });
  await drawn(p);
}

describe('the Tune panel', () => {
  it('a grid runs in the pool: the table, the heatmap and the fold curves fill, ranked as descent.tune in Node', async (t) => {
    const { p, messages } = await open(t);
    await p.selectOption('#dataset', 'spiral');
    await idle(p);
    await searchOver(p, { learningRate: '0.001, 0.03, 0.3', batchSize: '10, 50', epochs: '15' });
    await p.fill('#tune-folds', '3');
    const s = await search(p);
    assert.equal(s.error, null);
    assert.equal(s.cancelled, false);
    assert.equal(s.total, 6);
    assert.equal(s.results.length, 6);
    assert.equal(s.metric, 'accuracy');
    assert.equal(s.higherIsBetter, true);
    assert.ok(s.poolSize >= 1);
    // Only the ticked parameters are searched; the unticked optimizer (SGD and Adam among its values) is not.
    assert.deepEqual([...s.searched].sort(), ['batchSize', 'epochs', 'learningRate']);
    assert.deepEqual([...new Set(s.results.map((r) => r.config.optimizer))], ['adam'], 'the playground\'s optimizer throughout');
    assert.deepEqual([...new Set(s.results.map((r) => r.config.activation))], ['relu'], 'the playground\'s activation throughout');
    // The pool's workers and the playground's own are alive (the pool keeps its workers between searches).
    // (Polled: Playwright hears of a new worker a moment after it starts.)
    await until(p, () => p.workers().length, (n) => n === 1 + s.poolSize, 'the pool\'s workers to be seen', 5000);
    // Ranked best first; the table shows every configuration in that order.
    for (let i = 1; i < s.results.length; i++) assert.ok(s.results[i - 1].mean >= s.results[i].mean, `rank ${i}`);
    // (The table is written on the next frame after the last result: under load, a moment after the search ends.)
    await until(p, tune, (x) => x.tableRows === 6, 'the table\'s 6 rows');
    const table = await p.$$eval('#tune-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    table.forEach((row, i) => {
      const r = s.results[i];
      assert.equal(row[0], String(i + 1));
      assert.equal(Number(row[1]), r.config.learningRate);
      assert.equal(Number(row[2]), r.config.batchSize);
      assert.match(row[3], /^[\d.]+ ± [\d.]+$/);
      assert.equal(row.length, 1 + 2 + 1 + 3 + 1, 'rank, the 2 parameters that vary (not epochs), mean ± sd, 3 folds, time');
    });
    // The same rows and options in Node, one thread: the same scores, the same ranking.
    const input = await p.evaluate(() => window.descentPage.tuneInput());
    assert.equal(input.data.x.length, (await state(p)).nTrain * 2, 'the training rows (2 features), not the test rows');
    const { loadDescent } = await import(new URL('lib/descent.mjs', `file://${web}/`).href);
    const descent = await loadDescent({ tune: true });
    const node = descent.tune(input.data, input.options);
    assert.deepEqual(s.results.map((r) => r.index), node.results.map((r) => r.index));
    s.results.forEach((r, i) => {
      assert.equal(r.mean, node.results[i].mean);
      assert.deepEqual(r.scores, node.results[i].scores);
      assert.deepEqual(r.config, node.results[i].config);
    });
    // The heatmap: learning rate across, batch size down, every cell drawn, the best brightest.
    const h = s.heatmap;
    assert.equal(h.x, 'learningRate');
    assert.equal(h.y, 'batchSize');
    assert.deepEqual(h.columns, ['0.001', '0.03', '0.3']);
    assert.deepEqual(h.rows, ['10', '50']);
    assert.equal(h.drawn, 6);
    const luma = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b;
    let best = null;
    let worst = null;
    const pixels = await cellPixels(p);
    for (let cy = 0; cy < 2; cy++) {
      for (let cx = 0; cx < 3; cx++) {
        const cell = h.cells[cy][cx];
        assert.ok(cell, `cell ${cx},${cy}`);
        const px = pixels[cy][cx];
        assert.equal(px[3], 255, 'opaque');
        assert.notDeepEqual(px.slice(0, 3), [246, 247, 249], 'not drawn empty');
        if (cell.index === s.results[0].index) best = px;
        if (cell.index === s.results.at(-1).index) worst = px;
      }
    }
    assert.ok(luma(best) > luma(worst) + 60, `the best cell ${best} is brighter than the worst ${worst}`);
    assert.match(await p.textContent('#tune-legend'), /worse .*better \(higher accuracy\)/);
    // The best is shown until a cell is chosen; a click on the worst cell shows its fold curves.
    assert.equal(s.selected, s.results[0].index);
    const worstCell = h.cells.flat().findIndex((c) => c.index === s.results.at(-1).index);
    await clickCell(p, worstCell % 3, Math.floor(worstCell / 3));
    const clicked = await tune(p);
    assert.equal(clicked.selected, s.results.at(-1).index);
    assert.deepEqual(clicked.curves, {
      index: clicked.selected, series: 6, epochs: 15, legend: ['fold 1', 'fold 2', 'fold 3', 'training', 'validation'],
    });
    // The legend's swatches are the curves' colours (palette.mjs's FOLD_COLOURS), its lines the two styles.
    assert.deepEqual(await p.$$eval('#tune-curves-legend .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor)),
      ['rgb(23, 105, 170)', 'rgb(232, 113, 10)', 'rgb(46, 158, 68)']);
    assert.deepEqual(await p.$$eval('#tune-curves-legend .line', (els) => els.map((e) => getComputedStyle(e).borderTopStyle)), ['solid', 'dashed']);
    assert.match(await p.textContent('#tune-curves-title'), /^Rank 6: .* 3 folds/);
    assert.equal(await p.$$eval('#tune-curves canvas', (c) => c.length), 1);
    assert.equal(await p.textContent('#tune-table tr.selected td:first-child'), '6');
    // A table row shows its curves too.
    await p.click('#tune-table tbody tr:nth-child(2) button');
    await drawn(p);
    assert.equal((await tune(p)).curves.index, s.results[1].index);
    await p.locator('#tune').screenshot({ path: `${shots}/tune-grid.png` });
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('an unticked parameter never looks selected: its values greyed and disabled, no choice highlighted', async (t) => {
    const { p } = await open(t);
    /** Each parameter: ticked, its values' inputs enabled, and the choices that look chosen (highlighted or ticked where seen). */
    const look = () => p.evaluate(() => Object.fromEntries([...document.querySelectorAll('#tune-params input[id^="tune-on-"]')].map((on) => {
      const key = on.id.slice('tune-on-'.length);
      const values = document.getElementById(`tune-values-${key}`);
      const inputs = values.tagName === 'INPUT' ? [values] : [...values.querySelectorAll('input')];
      const plain = getComputedStyle(document.querySelector('#tune-params')).backgroundColor;
      const chosen = values.tagName === 'INPUT' ? [] : [...values.querySelectorAll('label')].filter((l) => {
        const box = l.querySelector('input');
        const bg = getComputedStyle(l).backgroundColor;
        return (box.checked && box.checkVisibility({ visibilityProperty: true })) || bg === 'rgb(234, 241, 253)' || (bg !== plain && bg !== 'rgb(246, 247, 249)');
      }).map((l) => l.querySelector('input').value);
      return [key, { on: on.checked, enabled: inputs.filter((i) => !i.disabled).length, of: inputs.length, chosen, opacity: Number(getComputedStyle(values).opacity) }];
    })));
    const before = await look();
    for (const [key, v] of Object.entries(before)) {
      if (v.on) {
        assert.equal(v.enabled, v.of, `${key}: ticked, its values editable`);
        assert.equal(v.opacity, 1, key);
      } else {
        assert.equal(v.enabled, 0, `${key}: unticked, its values disabled`);
        assert.deepEqual(v.chosen, [], `${key}: unticked, no value looks chosen`);
        assert.ok(v.opacity < 1, `${key}: unticked, greyed`);
      }
    }
    assert.equal(before.optimizer.on, false);
    assert.match(await p.textContent('#tune-now-optimizer'), /^playground: adam$/);
    // Ticked, its chosen values show; unticked again, they do not (and are kept for later).
    await p.check('#tune-on-optimizer');
    assert.deepEqual((await look()).optimizer.chosen, ['sgd', 'adam']);
    assert.equal((await look()).optimizer.enabled, 6);
    await p.uncheck('#tune-on-optimizer');
    assert.deepEqual((await look()).optimizer, before.optimizer);
    await p.check('#tune-on-optimizer');
    assert.equal(await p.isChecked('#tune-optimizer-adam'), true);
  });

  it('on a table (iris) it searches the training rows, standardized per fold, as descent.tune does in Node', async (t) => {
    const { p, messages } = await open(t);
    await p.selectOption('#dataset', 'iris');
    await idle(p);
    await searchOver(p, { learningRate: '0.01, 0.1', layers: '8; none', epochs: '20' });
    await p.fill('#tune-folds', '3');
    const s = await search(p);
    assert.equal(s.results.length, 4);
    assert.equal(s.metric, 'accuracy');
    const input = await p.evaluate(() => window.descentPage.tuneInput());
    assert.equal(input.options.standardize, true);
    assert.equal(input.data.classes, 3);
    // The rows are the page's training rows of the shipped file, features as read.
    const { trainRows } = await p.evaluate(() => window.descentPage.predictions());
    const { loadDescent } = await import(new URL('lib/descent.mjs', `file://${web}/`).href);
    const descent = await loadDescent({ tune: true });
    const table = descent.parseCSV(readFileSync(`${web}/data/iris.csv`, 'utf8'));
    const rows = descent.subset(table, trainRows);
    assert.deepEqual(input.data.x, Array.from(rows.x));
    assert.deepEqual(input.data.labels, Array.from(rows.labels));
    const node = descent.tune(input.data, input.options);
    assert.deepEqual(s.results.map((r) => [r.index, r.mean, r.scores]), node.results.map((r) => [r.index, r.mean, r.scores]));
    assert.deepEqual(await p.$$eval('#tune-table thead th', (h) => h.map((c) => c.textContent).slice(0, 3)), ['rank', 'lr', 'layers']);
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('cancel ends the pool\'s workers mid-search and keeps the finished rows; the next search starts afresh', async (t) => {
    const { p, messages } = await open(t);
    await p.selectOption('#dataset', 'spiral');
    await idle(p);
    // 32 configurations of about a second each: enough to still be running after the first, with many cores too.
    await searchOver(p, { learningRate: '0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2', batchSize: '1, 2', layers: '32,32; 24,24', epochs: '300' });
    await p.fill('#tune-folds', '5');
    await p.click('#tune-start');
    await idle(p);
    const running = await until(p, tune, (s) => s.done >= 1, 'a first configuration', 30000);
    assert.equal(running.running, true);
    await until(p, () => p.workers().length, (n) => n === 1 + running.poolSize, 'the pool\'s workers to be seen', 5000);
    assert.equal(await p.isDisabled('#tune-start'), true);
    // The page goes on meanwhile: the playground trains in its own worker.
    await p.click('#step-epoch');
    await until(p, state, (x) => x.epoch === 1, 'an epoch of the playground during the search');
    assert.equal((await tune(p)).running, true, 'the search still runs');
    await p.click('#tune-cancel');
    const s = await until(p, tune, (x) => !x.running, 'the search to stop', 10000);
    await drawn(p);
    assert.equal(s.cancelled, true);
    assert.ok(s.done >= 1 && s.done < s.total, `${s.done} of ${s.total} finished`);
    assert.equal(s.results.length, s.done);
    assert.equal(s.tableRows, s.done);
    assert.match(await p.textContent('#tune-status'), new RegExp(`^cancelled after ${s.done} of 32 configurations`));
    await until(p, () => p.workers().length, (n) => n === 1, 'the pool\'s workers to end', 5000);
    assert.equal(await p.isDisabled('#tune-best'), false, 'the best so far can be used');
    await searchOver(p, { learningRate: '0.01, 0.1', epochs: '5' });
    const again = await search(p);
    assert.equal(again.cancelled, false);
    assert.equal(again.results.length, 2);
    await until(p, () => p.workers().length, (n) => n === 1 + again.poolSize, 'the new workers to be seen', 5000);
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('"use the best" sets the playground\'s controls and restarts its run; a held-out share gives a test score', async (t) => {
    const { p, messages } = await open(t);
    await p.selectOption('#dataset', 'xor');
    await idle(p);
    for (let i = 0; i < 3; i++) await p.click('#step-epoch');
    await until(p, state, (x) => x.epoch === 3, 'three epochs');
    await searchOver(p, { learningRate: '0.03', optimizer: ['sgd', 'adam'], layers: '8; 6,4', activation: ['tanh'], l2: '0.001', epochs: '40' });
    await p.fill('#tune-folds', '4');
    await p.fill('#tune-test', '0.25');
    const s = await search(p);
    assert.equal(s.results.length, 4);
    assert.ok(s.test && Number.isFinite(s.test.score), 'the best scored on the held-out rows');
    assert.equal(s.test.testRows, 50);
    // The score's line is written as the refit's reply arrives, a moment after the search reports done.
    await waitFor(p, () => document.querySelector('#tune-test-score').textContent !== '');
    assert.match(await p.textContent('#tune-test-score'), /retrained on all 150 searched rows: accuracy [\d.]+, loss [\d.]+ on the 50 held-out rows/);
    const bestConfig = s.results[0].config;
    await p.click('#tune-best');
    await idle(p);
    const after = await state(p);
    assert.equal(after.epoch, 0, 'the run starts again');
    assert.equal(after.status, 'paused');
    const config = await p.evaluate(() => window.descentPage.config);
    assert.equal(config.optimizer.name, bestConfig.optimizer);
    assert.equal(config.optimizer.learningRate, 0.03);
    assert.deepEqual(config.layers, bestConfig.layers.map((units) => ({ units, activation: 'tanh' })));
    assert.equal(config.l2, 0.001);
    assert.equal(config.epochs, 40);
    assert.equal(config.batchSize, bestConfig.batchSize);
    assert.equal(await p.inputValue('#optimizer'), bestConfig.optimizer);
    assert.equal(await p.inputValue('#lr'), '0.03');
    assert.equal(await p.inputValue('#l2'), '0.001');
    assert.equal(await p.inputValue('#epochs'), '40');
    assert.equal(await p.$$eval('#layers li', (l) => l.length), bestConfig.layers.length);
    assert.equal(await p.inputValue('#layers select[data-layer="0"]'), 'tanh');
    const q = new URL(p.url()).searchParams;
    assert.equal(q.get('opt'), bestConfig.optimizer);
    assert.equal(q.get('lr'), '0.03');
    assert.equal(q.get('h'), bestConfig.layers.map((u) => `${u}:tanh`).join(','));
    assert.equal(q.get('epochs'), '40');
    await p.click('#play');
    await until(p, state, (x) => x.settled, 'the best to train its 40 epochs');
    assert.equal((await state(p)).epoch, 40);
    await p.locator('#tune').screenshot({ path: `${shots}/tune-best.png` });
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('bad values are refused with the field and the range named; the playground and the results stay', async (t) => {
    const { p, messages } = await open(t);
    await searchOver(p, { learningRate: '0.01, 0.1', epochs: '5' });
    await search(p);
    await p.click('#step-epoch');
    const before = await until(p, state, (x) => x.epoch === 1, 'an epoch');
    const had = await tune(p);
    const cases = [
      ['#tune-values-learningRate', '0.01, abc', /^Tune: learning rate values: "abc" is not a number in \(0, 10\]$/],
      ['#tune-values-learningRate', '-1', /^Tune: learning rate values: "-1" is not a number in \(0, 10\]$/],
      ['#tune-values-learningRate', '0.001..0.1', /^Tune: learning rate values: a range \(0\.001\.\.0\.1\) is for random search/],
      ['#tune-values-epochs', '50000', /^Tune: epochs values: "50000" is not an integer in \[1, 10000\]$/],
      ['#tune-values-batchSize', '10, 900', /^Tune: batch size values: "900" is not an integer in \[1, 200\] \(the 200 training rows; or "full"\)$/],
      ['#tune-values-layers', '8; 16,300', /^Tune: hidden layers values: "16,300" is not hidden layers like 8 or 16,16 \(1 to 8 layers of 1 to 256 units/],
      ['#tune-folds', '25', /^Tune: folds: "25" is not an integer in \[2, 20\]$/],
      ['#tune-test', '0.9', /^Tune: held-out share: "0\.9" is not a number in \[0, 0\.5\]$/],
    ];
    await p.check('#tune-on-batchSize');
    await p.check('#tune-on-layers');
    for (const [selector, value, message] of cases) {
      const old = await p.inputValue(selector);
      await p.fill(selector, value);
      await p.click('#tune-start');
      await idle(p);
      assert.match(await errorText(p), message);
      assert.equal(await p.getAttribute(selector, 'aria-invalid'), 'true', selector);
      await p.fill(selector, old);
    }
    // More than 500 configurations: named with the sizes that multiply up.
    await p.fill('#tune-values-learningRate', Array.from({ length: 30 }, (_, i) => (i + 1) / 100).join(', '));
    await p.fill('#tune-values-batchSize', Array.from({ length: 20 }, (_, i) => i + 1).join(', '));
    await p.fill('#tune-values-layers', '8');
    await p.click('#tune-start');
    await idle(p);
    assert.match(await errorText(p), /^Tune: the grid has learning rate 30 × batch size 20 × hidden layers 1 × epochs 1 = 600 configurations; at most 500/);
    assert.match(await p.textContent('#tune-plan'), /600 configurations/);
    await p.check('#tune-random');
    await p.fill('#tune-draws', '1000');
    await p.click('#tune-start');
    await idle(p);
    assert.match(await errorText(p), /^Tune: random draws: "1000" is not an integer in \[1, 500\]$/);
    // The epoch limit of the playground, when epochs are not searched.
    await p.check('#tune-grid');
    await p.fill('#tune-values-learningRate', '0.01, 0.1');
    await p.fill('#tune-values-batchSize', '10');
    await p.uncheck('#tune-on-epochs');
    await setValue(p, '#epochs', 1000000);
    await p.click('#tune-start');
    await idle(p);
    assert.match(await errorText(p), /^Tune: epochs: the playground's epoch limit 1000000 is more than a search trains \(1 to 10000\)/);
    await p.screenshot({ path: `${shots}/tune-error.png` });
    const s = await state(p);
    assert.equal(s.epoch, before.epoch);
    assert.equal(s.firstLoss, before.firstLoss);
    const kept = await tune(p);
    assert.equal(kept.running, false);
    assert.deepEqual(kept.results, had.results, 'the last search\'s results stay');
    assert.deepEqual(messages, []);
  });

  it('random search draws from ranges (log-uniform) and bins them on the heatmap; works at 360 px and from the keyboard', async (t) => {
    const { p, messages } = await open(t, { width: 360, height: 740 });
    // (Random search first: a field still holding the grid's example switches to the random one.)
    await p.check('#tune-random');
    await searchOver(p, { learningRate: '0.001..0.3', batchSize: '10, 50', epochs: '10' });
    await p.fill('#tune-draws', '8');
    await p.fill('#tune-folds', '3');
    await p.focus('#tune-start');
    await p.keyboard.press('Enter');
    await idle(p);
    const s = await until(p, tune, (x) => !x.running && x.done === 8, 'eight draws', 30000);
    for (const r of s.results) {
      assert.ok(r.config.learningRate >= 0.001 && r.config.learningRate <= 0.3, `lr ${r.config.learningRate}`);
      assert.ok([10, 50].includes(r.config.batchSize));
    }
    assert.equal(new Set(s.results.map((r) => r.config.learningRate)).size, 8, 'eight different rates');
    assert.equal(s.heatmap.columns.length, 8, 'the range in 8 log-spaced bins');
    assert.deepEqual(s.heatmap.rows, ['10', '50']);
    assert.ok(s.heatmap.drawn >= 1 && s.heatmap.drawn <= 8);
    // Keyboard: the heatmap takes focus, arrows move, Enter shows a cell's curves.
    const target = s.heatmap.cells.flat().findIndex((c) => c && c.index !== s.selected);
    const cols = s.heatmap.columns.length;
    await p.focus('#tune-heatmap');
    for (let i = 0; i < target % cols; i++) await p.keyboard.press('ArrowRight');
    for (let i = 0; i < Math.floor(target / cols); i++) await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Enter');
    await drawn(p);
    const chosen = await tune(p);
    assert.equal(chosen.selected, s.heatmap.cells.flat()[target].index);
    assert.equal(chosen.curves.index, chosen.selected);
    const widths = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    const unlabelled = await p.evaluate(() => [...document.querySelectorAll('#tune input, #tune select, #tune button')]
      .filter((el) => {
        const name = el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('').trim()) || (el.tagName === 'BUTTON' && el.textContent.trim());
        return !name;
      })
      .map((el) => el.id || el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, []);
    const untabbable = await p.evaluate(() => [...document.querySelectorAll('#tune input, #tune select, #tune button, #tune-heatmap')]
      .filter((el) => el.tabIndex < 0).map((el) => el.id));
    assert.deepEqual(untabbable, []);
    await p.locator('#tune').screenshot({ path: `${shots}/tune-phone.png` });
    assert.equal(await errorText(p), '');
    assert.deepEqual(messages, []);
  });

  it('embed mode hides the panel when told to, and when the configuration is locked', async (t) => {
    const { p } = await open(t, { query: '?embed=1&hide=tune' });
    assert.equal(await p.isHidden('[data-panel="tune"]'), true);
    const locked = await open(t, { query: '?embed=1&lock=1' });
    assert.equal(await locked.p.isHidden('[data-panel="tune"]'), true);
    const shown = await open(t, { query: '?embed=1' });
    assert.equal(await shown.p.isVisible('[data-panel="tune"]'), true);
  });
});
