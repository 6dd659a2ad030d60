// The page in a course page's iframe, the course on another origin (two
// local ports): the events it is sent (ready, progress, goal, done) in order,
// their values against a second run stopped at the same epoch, a goal firing
// with the iframe out of view, and the commands a course may send, obeyed
// from the origin the link names and ignored from any other.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { requireStaged, useBrowser, waitFor } from './support.mjs';

requireStaged();

// The course page: an iframe whose src is its ?src=, below ?spacer= of empty
// page; it records every message from descent with the origin it came from.
const COURSE = `<!doctype html>
<html><head><meta charset="utf-8"><title>course</title></head><body>
<div id="spacer"></div>
<iframe id="f" width="900" height="640" title="descent"></iframe>
<script>
window.events = [];
addEventListener('message', (e) => {
  if (e.data && e.data.source === 'descent') window.events.push({ ...e.data, origin: e.origin });
});
const q = new URLSearchParams(location.search);
document.getElementById('spacer').style.height = q.get('spacer') || '0px';
document.getElementById('f').src = q.get('src');
window.send = (command, config) => document.getElementById('f').contentWindow.postMessage(
  { target: 'descent', type: 'command', command, ...(config ? { config } : {}) }, '*');
</script>
</body></html>`;

const session = useBrowser({ screenshots: false });
let course;
let courseServer;
before(async () => {
  ({ server: courseServer, url: course } = await serve('/nonexistent', {
    handle(req, res) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(COURSE);
      return true;
    },
  }));
});
after(() => courseServer?.close());

const originOf = (url) => new URL(url).origin;

/** The course page embedding the playground at query (origin= added unless given), the iframe's frame. */
async function embedded(t, query, { spacer = '0px', origin = originOf(course), noFrames = false } = {}) {
  const p = await session.browser.newPage({ viewport: { width: 1000, height: 700 } });
  t.after(() => p.close());
  // As in a background tab, and more: the playground never gets an animation frame.
  if (noFrames) {
    await p.addInitScript((port) => {
      if (location.port === port) window.requestAnimationFrame = () => 0;
    }, new URL(session.base).port);
  }
  const src = new URL(`${query}${origin ? `&origin=${encodeURIComponent(origin)}` : ''}`, session.base).href;
  await p.goto(`${course}?${new URLSearchParams({ src, spacer })}`);
  const frame = await (await p.waitForSelector('#f')).contentFrame();
  await waitFor(frame, () => !!(window.descentPage && window.descentPage.ready));
  await frame.evaluate(() => window.descentPage.ready);
  return { p, frame };
}

const events = (p) => p.evaluate(() => window.events);
const untilEvent = (p, type, timeout = 60000) => waitFor(p, (t) => window.events.find((e) => e.type === t), type, { timeout });
const frameState = (frame) => frame.evaluate(() => window.descentPage.state);

const RUN = '?v=1&d=circle&n=200&noise=0.1&h=4:tanh&lr=0.03&batch=10&seed=3&embed=1&pace=max';

describe('the page in a course page on another origin', () => {
  it('sends ready, progress, goal and done in order, each with the values of the epoch it names', async (t) => {
    const { p } = await embedded(t, `${RUN}&epochs=40&autoplay=1&goal=test_accuracy>=0.8`);
    await untilEvent(p, 'done');
    const seen = await events(p);
    const pageOrigin = originOf(session.base);
    assert.ok(seen.every((e) => e.origin === pageOrigin), 'every event from the page\'s origin');
    assert.equal(seen[0].type, 'ready');
    assert.equal(seen[0].config.dataset, 'circle');
    assert.equal(seen[0].config.epochs, 40);
    assert.equal(seen.filter((e) => e.type === 'ready').length, 1);
    const done = seen.at(-1);
    assert.deepEqual([done.type, done.reason, done.epoch], ['done', 'epochs', 40]);
    const progress = seen.filter((e) => e.type === 'progress');
    assert.ok(progress.length >= 1);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].epoch >= progress[i - 1].epoch, 'epochs in order');
    assert.deepEqual(seen.at(-2), { source: 'descent', type: 'progress', epoch: 40, values: done.values, origin: pageOrigin });
    for (const k of ['loss', 'test_loss', 'accuracy', 'test_accuracy']) assert.equal(typeof done.values[k], 'number', k);
    assert.equal(done.values.r2, null);
    const goal = seen.find((e) => e.type === 'goal');
    assert.ok(goal, 'the goal fired');
    assert.equal(goal.goal, 'test_accuracy>=0.8');
    assert.ok(goal.value >= 0.8 && goal.value === goal.values.test_accuracy);

    // A second run stopped at the goal's epoch ends with the goal's values; one stopped an epoch earlier is short of it.
    const { p: second } = await embedded(t, `${RUN}&epochs=${goal.epoch}&autoplay=1`);
    const again = await untilEvent(second, 'done');
    assert.equal(again.epoch, goal.epoch);
    assert.deepEqual(again.values, goal.values, 'the goal\'s values are of the epoch it names');
    if (goal.epoch > 1) {
      const { p: third } = await embedded(t, `${RUN}&epochs=${goal.epoch - 1}&autoplay=1`);
      const before = await untilEvent(third, 'done');
      assert.ok(before.values.test_accuracy < 0.8, 'the goal fired at the first epoch where it holds');
    }
  });

  it('fires a goal while the iframe is scrolled out of view, and with no frame drawn', async (t) => {
    const { p } = await embedded(t, `${RUN}&epochs=2000&autoplay=1&goal=epoch>=300&goal=test_accuracy>=0.8`, { spacer: '4000px' });
    const out = await p.evaluate(() => document.getElementById('f').getBoundingClientRect().top > innerHeight);
    assert.ok(out, 'the iframe is below the fold');
    await waitFor(p, () => window.events.filter((e) => e.type === 'goal').length === 2, null, { timeout: 60000 });
    const goals = (await events(p)).filter((e) => e.type === 'goal');
    assert.deepEqual(goals.map((g) => g.goal).sort(), ['epoch>=300', 'test_accuracy>=0.8']);
    assert.equal(goals.find((g) => g.goal === 'epoch>=300').epoch, 300);

    // No animation frame at all (a hidden tab draws none): the goals fire all the same, as training reports them.
    const { p: dark, frame } = await embedded(t, `${RUN}&epochs=2000&autoplay=1&goal=epoch>=300&goal=test_accuracy>=0.8`, { noFrames: true });
    await waitFor(dark, () => window.events.filter((e) => e.type === 'goal').length === 2, null, { timeout: 60000 });
    assert.equal((await frameState(frame)).frames, 0, 'no frame was drawn');
    const darkGoals = (await events(dark)).filter((e) => e.type === 'goal');
    assert.deepEqual(darkGoals.map((g) => [g.goal, g.epoch]).sort(), goals.map((g) => [g.goal, g.epoch]).sort(), 'the same epochs as when drawn');
  });

  it('a pause or step that meets the run at its end is no error', async (t) => {
    const { p, frame } = await embedded(t, '?v=1&d=circle&n=200&h=4:tanh&seed=3&embed=1&pace=max&epochs=10');
    for (let i = 0; i < 6; i++) {
      for (const c of ['reset', 'play', i % 2 ? 'step' : 'pause']) await p.evaluate((x) => window.send(x), c);
      await waitFor(frame, () => window.descentPage.state.status === 'paused' || window.descentPage.state.settled);
    }
    await p.waitForTimeout(300);
    const refused = (await events(p)).filter((e) => e.type === 'error' && /not training/.test(e.message));
    assert.deepEqual(refused, []);
    // (a step at the epoch limit is refused as such: that is no internal error)
    assert.doesNotMatch(await frame.evaluate(() => document.getElementById('error').textContent), /not training|descent:/);
  });

  it('obeys commands from the origin its link names and ignores every other', async (t) => {
    const { p, frame } = await embedded(t, `${RUN}&epochs=1000`);
    const send = (command, config) => p.evaluate(([c, cfg]) => window.send(c, cfg), [command, config]);
    await send('step');
    await waitFor(frame, () => window.descentPage.state.epoch === 1);
    await waitFor(p, () => window.events.some((e) => e.type === 'progress' && e.epoch === 1));
    await send('play');
    await waitFor(frame, () => window.descentPage.state.epoch > 5);
    await send('pause');
    await waitFor(frame, () => window.descentPage.state.status === 'paused');
    const paused = (await frameState(frame)).epoch;
    const last = (await events(p)).at(-1);
    assert.deepEqual([last.type, last.epoch], ['progress', paused], 'a progress event where it paused');
    await send('set', { optimizer: { name: 'sgd', learningRate: 0.1 }, layers: [{ units: 6, activation: 'relu' }] });
    await waitFor(frame, () => window.descentPage.config.optimizer.learningRate === 0.1);
    const cfg = await frame.evaluate(() => window.descentPage.config);
    assert.deepEqual(cfg.layers, [{ units: 6, activation: 'relu' }]);
    // set makes the model anew: the run goes back to epoch 0 once the worker has built it
    await waitFor(frame, () => window.descentPage.state.epoch === 0);
    await send('set', { optimizer: { name: 'sgd', learningRate: -1 } });
    const refused = await untilEvent(p, 'error');
    assert.equal(refused.command, 'set');
    assert.match(refused.message, /lr/);
    await send('step');
    await waitFor(frame, () => window.descentPage.state.epoch === 1);
    await send('reset');
    await waitFor(frame, () => window.descentPage.state.epoch === 0);
    // A set whose data cannot be loaded: refused with why, and the configuration stays as it was.
    const kept = await frame.evaluate(() => window.descentPage.config);
    await p.route('**/data/iris.csv', (route) => route.abort());
    await send('set', { dataset: 'iris' });
    const unloaded = await waitFor(p, () => window.events.filter((e) => e.type === 'error')[1], 'the second error');
    assert.equal(unloaded.command, 'set');
    assert.match(unloaded.message, /^data\/iris\.csv could not load: /);
    assert.deepEqual(await frame.evaluate(() => window.descentPage.config), kept);
    await p.unroute('**/data/iris.csv');
    // Values of the wrong kind are refused naming the key, as is a value out of range (without a link's wording); nothing changes.
    const nthError = (n) => waitFor(p, (k) => window.events.filter((e) => e.type === 'error')[k], n);
    const refusals = [
      [{ seed: '5' }, /^set: seed must be a number, got a string$/],
      [{ epochs: null }, /^set: epochs must be a number, got null$/],
      [{ layers: 'x' }, /^set: layers must be a list, got a string$/],
      [{ features: 'x1' }, /^set: features must be a list, got a string$/],
      [{ optimizer: 'sgd' }, /^set: optimizer must be an object, got a string$/],
      [{ showTest: 'no' }, /^set: showTest must be a boolean, got a string$/],
      [{ added: [['a', 1, 0]] }, /^set: a value is not of the ready event's kind/],
      [{ optimizer: { learningRate: 20 } }, /^set: lr: .*20/],
    ];
    let errors = 2;
    for (const [cfg, message] of refusals) {
      await send('set', cfg);
      const e = await nthError(errors++);
      assert.equal(e.command, 'set');
      assert.match(e.message, message, JSON.stringify(cfg));
      assert.doesNotMatch(e.message, /URL parameter|using the default/);
    }
    assert.deepEqual(await frame.evaluate(() => window.descentPage.config), kept);
    // An optimizer by name alone takes its defaults, as a link's opt does; a rate alone keeps the optimizer.
    await send('set', { optimizer: { name: 'momentum' } });
    await waitFor(frame, () => window.descentPage.config.optimizer.name === 'momentum');
    const momentum = (await frame.evaluate(() => window.descentPage.config)).optimizer;
    assert.equal(typeof momentum.momentum, 'number');
    await send('set', { optimizer: { learningRate: 0.05 } });
    await waitFor(frame, () => window.descentPage.config.optimizer.learningRate === 0.05);
    assert.deepEqual((await frame.evaluate(() => window.descentPage.config)).optimizer, { ...momentum, learningRate: 0.05 });
    assert.equal((await events(p)).filter((e) => e.type === 'error').length, errors, 'no other refusal');

    // Locked: set is refused, the run controls obeyed.
    const { p: lp, frame: lf } = await embedded(t, `${RUN}&epochs=1000&lock=1`);
    await lp.evaluate(() => window.send('set', { seed: 99 }));
    const lockRefused = await untilEvent(lp, 'error');
    assert.match(lockRefused.message, /locked/);
    assert.equal((await lf.evaluate(() => window.descentPage.config)).seed, 3);
    await lp.evaluate(() => window.send('step'));
    await waitFor(lf, () => window.descentPage.state.epoch === 1);

    // The link names another origin: this course page is sent nothing and its commands change nothing.
    const { p: op, frame: of } = await embedded(t, `${RUN}&epochs=1000`, { origin: 'https://course.example' });
    for (const c of ['step', 'play', 'set']) await op.evaluate((x) => window.send(x, x === 'set' ? { seed: 99 } : undefined), c);
    await op.waitForTimeout(1000);
    const s = await frameState(of);
    assert.deepEqual([s.status, s.epoch], ['paused', 0]);
    assert.equal((await of.evaluate(() => window.descentPage.config)).seed, 3);
    assert.deepEqual(await events(op), [], 'events go to the named origin only');

    // No origin: events to any origin, no command taken.
    const { p: np, frame: nf } = await embedded(t, `${RUN}&epochs=1000`, { origin: null });
    await np.evaluate(() => window.send('step'));
    await np.waitForTimeout(1000);
    assert.equal((await frameState(nf)).epoch, 0);
    assert.equal((await events(np))[0].type, 'ready');
  });
});
