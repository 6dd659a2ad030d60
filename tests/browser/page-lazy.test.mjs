// page-lazy.test.mjs - what the first view does not draw loads on first use
// (issue 19, page weight): the bundle's chunks (lib/page-NAME.mjs, one per
// import() of a web/js module) are not fetched by the default page, and
// each is fetched, and works, when its part is first used: the diagram's
// pointer handling, the Optimizers view, the learning-rate finder, tables and
// their views, the downloads, the embed options, the gradient bars, the Tune
// panel and the reader of TensorFlow Playground links. Until then the hooks
// of window.descentPage report the untouched state. A chunk that cannot load
// is said on the page (the diagram's pointer handling too, until a later
// try loads it), and the next use tries again. Nor does the page's start or a run fetch the
// core module's deferred part (descent.deferred.wasm); a table does.
//
// Needs web/ staged (scripts/lib.sh stage_web runs scripts/bundle-page.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { web, requireStaged, useBrowser, openPage, openView, until, idle, state, choose, drawn, errorText } from './support.mjs';

const CHUNKS = ['netpointer', 'racepanel', 'lrfinderpanel', 'tableview', 'tables', 'sharefiles', 'embedpanel', 'gradientbars', 'tunepanel', 'playground-link', 'setcommand'];
requireStaged(['lib/page.mjs', 'lib/worker.mjs', ...CHUNKS.map((c) => `lib/page-${c}.mjs`)]);
const session = useBrowser({ screenshots: false });

/**
 * The page at query, with the chunks it fetched so far (a live list), and
 * the deferred parts of the core module its workers fetched (the page's and
 * the race's): { p, chunks, deferred, messages }.
 */
async function open(t, query, { block = [] } = {}) {
  const chunks = [];
  const deferred = [];
  const { p, messages } = await openPage(session, t, {
    query, downloads: true,
    setup: async (page) => {
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        const m = /\/lib\/page-([\w-]+)\.mjs$/.exec(path);
        if (m) chunks.push(m[1]);
        if (/\.deferred\.wasm$/.test(path)) deferred.push(path.split('/').pop());
      });
      for (const c of block) await page.route(`**/lib/page-${c}.mjs`, (route) => route.abort());
    },
  });
  return { p, chunks, deferred, messages };
}

const hook = (p, name) => p.evaluate((n) => window.descentPage[n], name);

describe('the page loads what its first view does not draw on first use', () => {
  it('the default page fetches no chunk; each part fetches its own when first used, and works', async (t) => {
    for (const c of CHUNKS) assert.ok(existsSync(`${web}/lib/page-${c}.mjs`), `lib/page-${c}.mjs is built`);
    const { p, chunks, deferred, messages } = await open(t, '?d=circle&h=4:tanh&epochs=5&seed=3');
    await p.click('#step-epoch');
    await idle(p);
    await drawn(p);
    assert.deepEqual(chunks, [], 'no chunk fetched at start');
    assert.deepEqual(deferred, [], 'the core module\'s deferred part is not fetched at start');
    // The hooks say what they said before anything was used.
    assert.deepEqual(await hook(p, 'race'), { status: 'idle', error: '', initialLoss: null, lanes: [], curvePoints: [], surface: null });
    assert.deepEqual(await hook(p, 'lrFinder'), { status: 'idle', error: '', suggested: null, use: null, points: 0, stoppedEarly: null });
    assert.equal(await hook(p, 'tune'), null);
    assert.ok((await p.evaluate(() => window.descentPage.raceInput())).x.length > 0, 'raceInput needs no chunk');
    assert.ok((await p.evaluate(() => window.descentPage.lrFinderInput())).x.length > 0, 'lrFinderInput needs no chunk');
    assert.deepEqual(chunks, []);

    // The diagram's pointer handling: the first pointer over it fetches it, and the tooltip answers.
    const canvas = p.locator('#diagram canvas.netdiagram-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await until(p, () => chunks.includes('netpointer'), (v) => v, 'the pointer handling');
    const node = await p.evaluate(() => window.descentPage.diagramAt({ column: 1, index: 0 }));
    await p.mouse.move(box.x + node.x, box.y + node.y);
    assert.match(await p.textContent('#diagram .netdiagram-tip'), /^layer 1, neuron 1 \(tanh\): b = /);
    await p.mouse.move(1, 1);

    // The Optimizers view.
    await openView(p, '#race-details');
    const race = await until(p, (q) => hook(q, 'race'), (r) => r.status === 'done' || r.status === 'error', 'the race', 60000);
    assert.equal(race.error, '');
    assert.equal(race.lanes.length, 6);
    // (the gradient bars load whenever their panel first comes on screen, as the views above it grow)
    const used = () => chunks.filter((c) => c !== 'gradientbars' && c !== 'netpointer');
    assert.deepEqual(used(), ['racepanel']);
    await openView(p, '#race-details');

    // The learning-rate finder.
    await p.click('#lr-find');
    await idle(p);
    const finder = await hook(p, 'lrFinder');
    assert.equal(finder.status, 'done', JSON.stringify(finder));
    assert.ok(finder.points > 1);
    assert.equal(await p.isVisible('#lr-use'), finder.suggested !== null);
    assert.deepEqual(used(), ['racepanel', 'lrfinderpanel']);

    // A download.
    const [csv] = await Promise.all([p.waitForEvent('download'), p.click('#dl-history')]);
    assert.equal(csv.suggestedFilename(), 'descent-circle-loss.csv');
    assert.ok(chunks.includes('sharefiles'));

    // The embed options.
    assert.ok(!chunks.includes('embedpanel'));
    await p.click('#embed-options summary');
    await p.check('#embed-lock');
    assert.match(await p.inputValue('#embed-snippet'), /<iframe src="[^"]*lock=1/);
    assert.ok(chunks.includes('embedpanel'));

    // The Tune panel.
    await openView(p, '#tune-details');
    await until(p, (q) => hook(q, 'tune'), (s) => s !== null, 'the Tune panel');
    assert.ok(chunks.includes('tunepanel'));

    // A table: its view is drawn.
    assert.ok(!chunks.includes('tableview'));
    await choose(p, '#dataset', 'iris');
    assert.equal(await errorText(p), '');
    assert.ok(chunks.includes('tableview'));
    assert.ok(chunks.includes('tables'));
    assert.ok(deferred.includes('descent.deferred.wasm'), `reading a table (CSV) fetches the deferred part: ${deferred}`);
    assert.match(await p.textContent('#view-title'), /Confusion matrix/);
    await drawn(p);
    const colours = await p.evaluate(() => {
      const c = document.getElementById('heatmap');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const set = new Set();
      for (let i = 0; i < px.length; i += 4 * 7) set.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      return set.size;
    });
    assert.ok(colours > 3, `the confusion matrix is drawn: ${colours} colours`);
    assert.ok(!chunks.includes('playground-link'), 'a descent link never fetches the Playground reader');
    assert.equal(new Set(chunks).size, chunks.length, 'each chunk fetched once');
    assert.deepEqual(messages.filter((m) => !/favicon/.test(m)), [], 'console errors or warnings');
  });

  it("the default page's start and a run of it need only the core module's first part", async (t) => {
    const { p, deferred } = await open(t, '');
    await p.click('#play');
    await until(p, state, (s) => s.epoch > 0, 'the run'); // (the default 1000 epochs may be over by the first look)
    await p.waitForTimeout(500);
    if ((await state(p)).status === 'running') await p.click('#play');
    await idle(p);
    await drawn(p);
    assert.ok((await state(p)).epoch > 0, 'it trained');
    assert.equal(await errorText(p), '');
    assert.deepEqual(deferred, [], 'no deferred part fetched');
  });

  it('a Playground link fetches its reader; a table link its reader and views, before the first view is drawn', async (t) => {
    const pg = await open(t, '/#activation=tanh&dataset=spiral&networkShape=8,8&learningRate=0.03&seed=1');
    assert.equal((await hook(pg.p, 'config')).init, 'playground');
    assert.deepEqual(pg.chunks, ['playground-link']);
    const table = await open(t, '?d=iris');
    assert.deepEqual([...table.chunks].sort(), ['tables', 'tableview']);
    assert.match(await table.p.textContent('#view-title'), /Confusion matrix/);
  });

  it('a chunk that cannot load is said on the page, and the next use tries again', async (t) => {
    const { p } = await open(t, '?d=circle&h=4:tanh&epochs=5', { block: ['lrfinderpanel', 'racepanel'] });
    await p.click('#lr-find');
    await idle(p);
    assert.match(await errorText(p), /the learning-rate finder could not load/);
    assert.equal((await hook(p, 'lrFinder')).status, 'idle');
    await openView(p, '#race-details');
    await until(p, errorText, (e) => /the Optimizers view could not load/.test(e), 'the race\'s error');
    assert.equal((await hook(p, 'race')).status, 'idle');
    await openView(p, '#race-details'); // closed: it asks for nothing
    await p.unroute('**/lib/page-lrfinderpanel.mjs');
    await p.unroute('**/lib/page-racepanel.mjs');
    await p.click('#lr-find');
    await idle(p);
    assert.equal((await hook(p, 'lrFinder')).status, 'done');
    assert.equal(await errorText(p), '');
    await openView(p, '#race-details');
    const race = await until(p, (q) => hook(q, 'race'), (r) => r.status === 'done' || r.status === 'error', 'the race', 60000);
    assert.equal(race.error, '');
    assert.equal(await errorText(p), '');

    // The diagram's pointer handling: a hover that cannot load it says so; once it can, a hover loads it.
    const d = await open(t, '?d=circle&h=4:tanh&epochs=5', { block: ['netpointer'] });
    const canvas = d.p.locator('#diagram canvas.netdiagram-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await d.p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await until(d.p, errorText, (e) => /the diagram's pointer handling could not load/.test(e), "the pointer handling's error");
    await d.p.unroute('**/lib/page-netpointer.mjs');
    await d.p.waitForTimeout(1100); // (a failed load is tried again a second later at the soonest)
    await d.p.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
    await until(d.p, () => d.chunks.filter((c) => c === 'netpointer').length, (n) => n >= 2, 'the pointer handling fetched again');
    const node = await d.p.evaluate(() => window.descentPage.diagramAt({ column: 1, index: 0 }));
    const moved = await canvas.boundingBox(); // (the message above the panels moved them)
    await d.p.mouse.move(moved.x + node.x, moved.y + node.y);
    await until(d.p, (q) => q.textContent('#diagram .netdiagram-tip'), (tip) => /^layer 1, neuron 1 \(tanh\): b = /.test(tip || ''), 'the tooltip');
    await d.p.click('#step-epoch'); // the next action clears what was said
    await idle(d.p);
    assert.equal(await errorText(d.p), '');

    // A Playground link whose reader cannot load: the defaults, and why.
    const pg = await open(t, '/#activation=tanh&dataset=spiral&networkShape=8,8', { block: ['playground-link'] });
    assert.match(await errorText(pg.p), /the reader of TensorFlow Playground links could not load: .*; using the defaults/);
    assert.equal((await hook(pg.p, 'config')).dataset, 'circle');
  });
});
