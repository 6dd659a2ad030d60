// page-diverge.test.mjs - the playground page when a run diverges: the worker
// rolls the model back, the page says so beside the loss chart (in its own
// epoch numbers), keeps every curve drawn so far, and Train goes on from the
// rolled-back model once the learning rate is lowered.
//
// Needs web/lib and web/vendor staged (scripts/lib.sh stage_web).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shots, requireStaged, useBrowser, openPage, until as untilRead, state, idle, drawn, errorText, choose, setValue } from './support.mjs';

requireStaged();
const session = useBrowser();

const until = (p, test, what, timeout = 30000) => untilRead(p, state, test, what, timeout);
const losses = (p) => p.evaluate(() => window.descentPage.losses());

/** The note under the loss chart, as the page shows it: its text and where it sits. */
const note = (p) => p.evaluate(() => {
  const el = document.querySelector('#loss-chart + .chart-note');
  if (!el || el.hidden) return null;
  const chart = document.getElementById('loss-chart').getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return { text: el.textContent, below: box.top >= chart.bottom - 1, width: box.width, figure: el.closest('figure').dataset.panel };
});

describe('a diverging run on the page', () => {
  it('says where it diverged beside the loss chart, keeps the curves, and trains on at a lower rate', async (t) => {
    const { p, messages } = await openPage(session, t);
    await choose(p, '#dataset', 'plane');
    await choose(p, '#optimizer', 'momentum');
    await setValue(p, '#epochs', 1000000);
    for (let i = 0; i < 5; i++) {
      await p.click('#step-epoch');
      await idle(p);
    }
    await until(p, (x) => x.epoch === 5 && x.chartPoints === 6, 'five sound epochs (and epoch 0)');
    const [, sound] = await losses(p);
    assert.ok(sound.every(Number.isFinite));

    // A rate far too high: the run diverges within a few epochs.
    await setValue(p, '#lr', 5);
    await p.click('#play');
    await idle(p);
    const s = await until(p, (x) => x.status === 'done' && x.chartNote !== '', 'the run to diverge');
    await drawn(p);
    const shown = await note(p);
    assert.ok(shown, 'a note beside the loss chart');
    assert.equal(shown.figure, 'loss');
    assert.ok(shown.below && shown.width > 100, 'under the chart, in its panel');
    const m = shown.text.match(/^The loss stopped being finite at epoch (\d+), batch (\d+)\. The model is rolled back to the end of epoch (\d+)(, before the loss began to climb)?, weights and optimizer state\. The learning rate is 5: lower it \(to 0\.5, say\) and press Train to go on from there\.$/);
    assert.ok(m, `the note: ${shown.text}`);
    const [divergedAt, , back] = m.slice(1, 4).map(Number);
    assert.equal(divergedAt, s.epoch + 1, 'it diverged in the epoch after the last finished one');
    assert.ok(back >= 5 && back <= s.epoch, `rolled back to epoch ${back} of ${s.epoch}`);
    assert.equal(await errorText(p), '', 'the note, not the error banner');
    assert.match(await p.textContent('#k-status'), /diverged/);
    // Every finished epoch is on the chart, the sound ones unchanged.
    const [epochs, kept] = await losses(p);
    assert.equal(s.chartPoints, s.epoch + 1);
    assert.deepEqual(epochs, Array.from({ length: s.epoch + 1 }, (_, i) => i));
    assert.deepEqual(kept.slice(0, 6), sound);
    await p.screenshot({ path: `${shots}/page-diverged.png`, fullPage: true });

    // A lower rate, and Train goes on from the rolled-back model with finite losses.
    // (The Train button's label stays the same node through the rate's action:
    // replaced between mousedown and mouseup, it would lose that click.)
    const label = await p.evaluateHandle(() => document.querySelector('#play span'));
    await setValue(p, '#lr', 0.01);
    assert.ok(await p.evaluate((span) => span.isConnected, label), 'the label is not rewritten');
    await p.click('#play');
    await idle(p);
    assert.equal(await note(p), null, 'a new run clears the note');
    const on = await until(p, (x) => x.epoch >= s.epoch + 5, 'five more epochs');
    await p.click('#play');
    await idle(p);
    const [, after] = await losses(p);
    const fresh = after.slice(s.epoch, on.epoch);
    assert.ok(fresh.length >= 5 && fresh.every(Number.isFinite), `losses after the rollback: ${fresh}`);
    // From the weights of epoch `back`: the loss is about where it was then, not astronomical.
    assert.ok(fresh[0] < 10 * kept[back - 1], `first loss ${fresh[0]} against ${kept[back - 1]} at epoch ${back}`);
    assert.equal(await errorText(p), '');

    // Stepping into a divergence says so the same way.
    await setValue(p, '#lr', 5);
    for (let i = 0; i < 10 && (await state(p)).chartNote === ''; i++) {
      await p.click('#step-epoch');
      await idle(p);
    }
    const again = await until(p, (x) => x.status === 'done' && x.chartNote !== '', 'a step to diverge');
    assert.match(again.chartNote, new RegExp(`^The loss stopped being finite at epoch ${again.epoch + 1}, batch \\d+\\. The model is rolled back to the end of epoch \\d+`));
    assert.equal(await errorText(p), '', 'the note, not the error banner');
    assert.deepEqual(messages, []);
  });
});
