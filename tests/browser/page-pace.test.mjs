// page-pace.test.mjs - what a learner sees of a run's pace: the pace control
// (one epoch a second to as fast as it goes) and its URL key, a watchable
// default for embeds, the epoch limit said beside Train with an offer to
// continue, the loss chart from epoch 0 with a legend that reads the
// latest epoch without hovering, and the plane at 100 x 100 with its colour bar.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { idle, openPage, requireStaged, shots, state, until as untilRead, useBrowser } from './support.mjs';

requireStaged();
const session = useBrowser();
const open = (t, query) => openPage(session, t, { query, quiet: true });
const until = (p, test, what, timeout) => untilRead(p, state, test, what, timeout);
const RUN = '?v=1&d=circle&n=200&h=4:tanh&lr=0.03&batch=10&seed=3';

/** Epochs trained over ms of training. */
async function rate(p, ms) {
  const a = (await state(p)).epoch;
  await p.waitForTimeout(ms);
  return (await state(p)).epoch - a;
}

describe('the pace of a run', () => {
  it('goes at the pace chosen, from one epoch a second to as fast as it goes', async (t) => {
    const { p } = await open(t, `${RUN}&epochs=1000000&pace=5`); // a limit 2 s at full speed cannot reach (about 45k epochs a second here)
    assert.equal((await state(p)).pace, 5);
    assert.equal(await p.textContent('#pace-value'), '5/s');
    await p.click('#play');
    await idle(p);
    await until(p, (s) => s.epoch >= 1, 'the first epoch');
    const slow = await rate(p, 2000);
    assert.ok(slow >= 7 && slow <= 13, `5 epochs a second: ${slow} in 2 s`);
    await p.fill('#pace', '0'); // 1 a second
    await idle(p);
    assert.equal(await p.textContent('#pace-value'), '1/s');
    const slowest = await rate(p, 2000);
    assert.ok(slowest >= 1 && slowest <= 3, `1 epoch a second: ${slowest} in 2 s`);
    await p.fill('#pace', '10'); // max
    await idle(p);
    assert.equal((await state(p)).pace, 'max');
    const fast = await rate(p, 2000);
    assert.ok(fast > 60, `as fast as it goes: ${fast} in 2 s`);
    t.diagnostic(`${fast} epochs in 2 s at full speed`);
    await p.click('#play');
    await idle(p);
    const s = await state(p);
    assert.equal(s.status, 'paused');
    assert.equal(s.chartPoints, s.epoch + 1, 'every epoch on the chart, from epoch 0');
    await p.screenshot({ path: `${shots}/page-pace.png` });
  });

  it('a paced run is the same run, loss for loss', async (t) => {
    const runAt = async (pace) => {
      const { p } = await open(t, `${RUN}&epochs=25&pace=${pace}`);
      await p.click('#play');
      await until(p, (s) => s.settled, `25 epochs at ${pace}`);
      return p.evaluate(() => window.descentPage.losses());
    };
    const paced = await runAt(250);
    assert.equal(paced[0].length, 26);
    assert.deepEqual(paced, await runAt('max'));
  });

  it('an embed starts at a pace to watch; a link may set another', async (t) => {
    const { p } = await open(t, `${RUN}&embed=1`);
    assert.equal((await state(p)).pace, 30);
    assert.equal(await p.textContent('#pace-value'), '30/s');
    const { p: q } = await open(t, `${RUN}&embed=1&pace=max`);
    assert.equal((await state(q)).pace, 'max');
    const { p: r } = await open(t, RUN);
    assert.equal((await state(r)).pace, 'max', 'the page itself goes as fast as it can');
  });

  it('says where Train is that the epoch limit is reached and offers to continue', async (t) => {
    const { p } = await open(t, `${RUN}&epochs=5&pace=max`);
    assert.equal(await p.isHidden('#limit-note'), true);
    await p.click('#play');
    await until(p, (s) => s.settled, 'the 5 epochs');
    await idle(p);
    assert.equal(await p.textContent('#limit-note'), 'Epoch limit (5) reached');
    assert.match(await p.textContent('#play'), /Continue/);
    assert.equal(await p.isEnabled('#play'), true);
    await p.click('#play');
    await idle(p);
    const s = await until(p, (x) => x.settled && x.epoch === 10, 'five more epochs');
    assert.equal((await p.evaluate(() => window.descentPage.config)).epochs, 10);
    assert.equal(s.chartPoints, 11);
    assert.match(await p.inputValue('#share-link'), /[?&]epochs=10(&|$)/);

    const { p: locked } = await open(t, `${RUN}&epochs=3&pace=max&lock=1`);
    await locked.click('#play');
    await until(locked, (x) => x.settled, 'the 3 epochs');
    await idle(locked);
    assert.equal(await locked.textContent('#limit-note'), 'Epoch limit (3) reached: reset to run again');
    assert.equal(await locked.isDisabled('#play'), true, 'a locked exercise keeps its limit');
  });

  it('starts the curves at epoch 0 and shows the latest losses without hovering', async (t) => {
    const { p } = await open(t, `${RUN}&epochs=8&pace=max`);
    const before = await p.evaluate(() => window.descentPage.losses());
    assert.deepEqual(before[0], [0], 'epoch 0 before any training');
    assert.ok(before[1][0] > 0 && before[2][0] > 0, 'its training and test loss');
    await p.click('#play');
    await until(p, (s) => s.settled, 'the 8 epochs');
    await p.waitForTimeout(300);
    const [epochs, loss, testLoss] = await p.evaluate(() => window.descentPage.losses());
    assert.deepEqual(epochs, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const legend = await p.$$eval('#loss-chart .chart-legend [data-value]', (cells) => cells.map((c) => c.textContent));
    assert.equal(legend[0], '8', 'the legend reads the latest epoch');
    assert.equal(Number(legend[1]), Number(loss[8].toPrecision(4)));
    assert.equal(Number(legend[2]), Number(testLoss[8].toPrecision(4)));
  });

  it('draws the plane at 100 x 100 cells with a colour bar that gives the scale', async (t) => {
    const { p } = await open(t, `${RUN}&epochs=20&pace=max`);
    await p.click('#play');
    await until(p, (s) => s.settled, 'the 20 epochs');
    await p.waitForTimeout(300);
    assert.equal((await state(p)).gridRows, 100 * 100);
    assert.equal(await p.isVisible('#colorbar'), true);
    // Its ends are the plane's two class colours; its middle is the boundary's pale.
    const ends = await p.evaluate(() => {
      const c = document.getElementById('colorbar');
      const row = c.getContext('2d').getImageData(0, 2, c.width, 1).data;
      const at = (x) => { const i = Math.round(x * (c.width - 1)) * 4; return Array.from(row.slice(i, i + 3)); };
      return [at(0.01), at(0.5), at(0.99)];
    });
    const sum = (px) => px[0] + px[1] + px[2];
    assert.ok(ends[0][0] > ends[0][2] && ends[2][2] > ends[2][0], `class 0 orange, class 1 blue: ${JSON.stringify(ends)}`);
    assert.ok(sum(ends[1]) > sum(ends[0]) && sum(ends[1]) > sum(ends[2]), 'pale at the boundary');
    await p.screenshot({ path: `${shots}/page-colorbar.png` });
    const { p: table } = await open(t, '?d=iris');
    assert.equal(await table.isHidden('#colorbar'), true, 'no plane, no bar');
  });
});
