// page-layout.test.mjs - what a learner sees on the first screen: each
// panel's explanation (and hide=text, which hides them all), the learning
// rate, the batch size and the network diagram at 1280 x 800, the run
// controls and the view on a 360 x 740 phone, and the Share panel's locked
// snippet in its own 900 x 640 frame: the view and the loss chart inside it,
// the page across its width. Boxes are read with getBoundingClientRect at
// scroll 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { idle, openPage, requireStaged, shots, until, useBrowser } from './support.mjs';

requireStaged();
const session = useBrowser();
const open = (t, query, width, height) => openPage(session, t, { query, width, height, quiet: true });

/** The boxes of the elements with these ids, at scroll 0: {id: {left, top, right, bottom, width, height}}. */
const boxes = (p, ids) => p.evaluate((list) => {
  window.scrollTo(0, 0);
  return Object.fromEntries(list.map((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return [id, { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }];
  }));
}, ids);

/** Fails unless each box is drawn (not empty) and wholly inside a viewport width x height. */
function inside(found, width, height, where) {
  for (const [id, b] of Object.entries(found)) {
    assert.ok(b.width > 0 && b.height > 0, `${where}: #${id} is not shown (${JSON.stringify(b)})`);
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= width + 0.5 && b.bottom <= height + 0.5,
      `${where}: #${id} is not wholly on the first screen: ${JSON.stringify(b)}`);
  }
}

/** The explanations: how many there are and which are shown (the Tune and Optimizers panels write theirs when first opened). */
const explanations = (p) => p.evaluate(() => {
  const all = [...document.querySelectorAll('.explain')];
  return { total: all.length, shown: all.filter((el) => el.checkVisibility()).map((el) => el.closest('[data-panel], header, .tune-body')?.id || el.closest('[data-panel]')?.dataset.panel || 'bar') };
});

/** The page's width in CSS px against the viewport's: nothing runs off to the side. */
const scrollWidth = (p) => p.evaluate(() => document.documentElement.scrollWidth);

describe('the page as a learner first sees it', () => {
  it('explains each panel in a sentence or two, in small muted type', async (t) => {
    const { p } = await open(t, '', 1280, 800);
    const e = await explanations(p);
    assert.ok(e.total >= 11, `an explanation per panel: ${e.total}`);
    assert.equal(e.shown.length, e.total, `every one shown (the closed Tune and Optimizers panels have none in the page yet): ${JSON.stringify(e)}`);
    const style = await p.evaluate(() => {
      const el = document.querySelector('#optimizer-panel .explain');
      const s = getComputedStyle(el);
      return { size: parseFloat(s.fontSize), body: parseFloat(getComputedStyle(document.body).fontSize), colour: s.color, words: el.textContent.split(/\s+/).length };
    });
    assert.ok(style.size < style.body, `smaller than the body text: ${JSON.stringify(style)}`);
    assert.notEqual(style.colour, 'rgb(29, 36, 48)', 'muted, not the ink colour');
    assert.ok(style.words >= 10 && style.words <= 60, `a sentence or two: ${style.words} words`);
    await p.click('#tune-details summary');
    await p.click('#race-details summary');
    const opened = await until(p, explanations, (o) => o.total === e.total + 2, 'the Tune and Optimizers panels written');
    assert.equal(opened.shown.length, opened.total, `the Tune and Optimizers panels explain themselves once opened: ${JSON.stringify(opened)}`);
  });

  it('hide=text hides every explanation, embedded or not, and the links keep it', async (t) => {
    for (const query of ['?hide=text', '?embed=1&hide=text', '?embed=1&lock=1&hide=text']) {
      const { p } = await open(t, query, 1280, 800);
      await p.click('#tune-details summary').catch(() => {}); // (hidden under lock)
      const e = await explanations(p);
      assert.ok(e.total >= 11);
      assert.deepEqual(e.shown, [], `${query}: no explanation shown`);
      assert.equal(new URL(p.url()).searchParams.get('hide'), 'text', `${query}: the address keeps hide=text`);
      const link = new URL(await p.inputValue('#share-link'));
      assert.equal(link.searchParams.get('hide'), 'text', `${query}: the Share panel's link keeps hide=text`);
    }
    // Shown again without it; the snippet's options offer it.
    const { p } = await open(t, '', 1280, 800);
    assert.ok((await explanations(p)).shown.length >= 10);
    assert.equal(new URL(p.url()).searchParams.get('hide'), null);
    await p.click('#embed-options summary');
    await p.check('#embed-hide-text');
    assert.match(await p.inputValue('#embed-snippet'), /hide=text/);
  });

  it('at 1280 x 800 the learning rate, the batch size and the network diagram are on the first screen', async (t) => {
    const { p } = await open(t, '', 1280, 800);
    await idle(p);
    inside(await boxes(p, ['lr', 'lr-slider', 'batch', 'batch-slider', 'diagram', 'play', 'heatmap']), 1280, 800, '1280 x 800');
    assert.ok((await explanations(p)).shown.length >= 10, 'with the explanations shown');
    assert.ok(await scrollWidth(p) <= 1280, 'no sideways scrolling');
    await p.screenshot({ path: `${shots}/page-layout-1280x800.png` });
  });

  it('on a 360 x 740 phone the run controls and the view are on the first screen', async (t) => {
    const { p } = await open(t, '', 360, 740);
    await idle(p);
    inside(await boxes(p, ['play', 'reset', 'step-batch', 'step-epoch', 'heatmap']), 360, 740, '360 x 740');
    assert.ok((await explanations(p)).shown.length >= 10, 'with the explanations shown');
    assert.ok(await scrollWidth(p) <= 360, `no sideways scrolling: ${await scrollWidth(p)}`);
    await p.screenshot({ path: `${shots}/page-layout-360x740.png` });
  });

  it("the Share panel's locked snippet fits its 900 x 640 frame, across its width", async (t) => {
    const { p } = await open(t, '', 1280, 800);
    await p.click('#embed-options summary');
    await p.check('#embed-lock');
    const snippet = await p.inputValue('#embed-snippet');
    const m = /^<iframe src="([^"]+)" width="(\d+)" height="(\d+)"/.exec(snippet);
    assert.ok(m, snippet);
    const [width, height] = [Number(m[2]), Number(m[3])];
    assert.deepEqual([width, height], [900, 640]);
    const src = new URL(m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    assert.equal(src.searchParams.get('embed'), '1');
    assert.equal(src.searchParams.get('lock'), '1');
    const { p: q } = await open(t, src.search, width, height);
    await idle(q);
    inside(await boxes(q, ['play', 'reset', 'heatmap', 'colorbar', 'loss-chart']), width, height, 'locked embed');
    assert.ok(await scrollWidth(q) <= width, 'no sideways scrolling');
    // No empty column: the view and the loss chart share the first screen's width, and so do the settings below them.
    const b = await boxes(q, ['heatmap', 'loss-chart', 'controls']);
    const [left, right] = [Math.min(b.heatmap.left, b['loss-chart'].left), Math.max(b.heatmap.right, b['loss-chart'].right)];
    assert.ok(left < 0.1 * width && right > 0.9 * width, `the views span the width: ${left} to ${right}`);
    assert.ok(b.controls.left < 0.1 * width && b.controls.right > 0.9 * width, `the settings span the width: ${JSON.stringify(b.controls)}`);
    assert.ok(b['loss-chart'].left >= b.heatmap.right, 'the loss chart beside the view');
    // It trains there, and the chart stays in the frame.
    await q.click('#play');
    await q.waitForTimeout(1500);
    await q.click('#play');
    await idle(q);
    inside(await boxes(q, ['heatmap', 'loss-chart']), width, height, 'locked embed after training');
    await q.screenshot({ path: `${shots}/page-layout-embed-900x640.png` });
  });
});
