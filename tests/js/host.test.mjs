// The embedding page's channel (web/js/host.mjs): what is sent where, what
// is accepted from whom, the pace of progress events and goals per epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMMANDS, GoalWatch, Host, PROGRESS_MS, VALUE_NAMES, eventValues, parseOrigin, readCommand,
} from '../../web/js/host.mjs';
import { goalMet, parseGoal } from '../../web/js/urlstate.mjs';

/** A window that records what is posted to it and dispatches messages to its listeners. */
function fakeWindow() {
  const w = {
    posted: [],
    listeners: new Set(),
    postMessage(data, targetOrigin) { w.posted.push({ data, targetOrigin }); },
    addEventListener(type, f) { if (type === 'message') w.listeners.add(f); },
    removeEventListener(type, f) { if (type === 'message') w.listeners.delete(f); },
    dispatch(event) { for (const f of w.listeners) f(event); },
  };
  return w;
}

function clock() {
  let t = 0;
  const now = () => t;
  now.advance = (ms) => { t += ms; };
  return now;
}

test('parseOrigin takes an origin as the browser writes it and nothing else', () => {
  assert.deepEqual(parseOrigin('https://course.example.org'), { origin: 'https://course.example.org' });
  assert.deepEqual(parseOrigin('http://localhost:8080'), { origin: 'http://localhost:8080' });
  for (const bad of ['https://course.example.org/', 'https://course.example.org/lesson', 'course.example.org',
    'javascript:alert(1)', 'file:///x', 'HTTPS://Course.Example.org', '*', '']) {
    assert.equal(typeof parseOrigin(bad), 'string', bad);
  }
});

test('eventValues names every value, null where there is none', () => {
  const v = eventValues({ loss: 0.5, accuracy: 0.75, r2: NaN, extra: 3 });
  assert.deepEqual(Object.keys(v), VALUE_NAMES);
  assert.equal(v.loss, 0.5);
  assert.equal(v.accuracy, 0.75);
  assert.equal(v.r2, null);
  assert.equal(v.test_loss, null);
});

test('readCommand accepts the five commands and nothing else', () => {
  for (const c of COMMANDS.filter((x) => x !== 'set')) {
    assert.deepEqual(readCommand({ target: 'descent', type: 'command', command: c }), { command: c });
  }
  assert.deepEqual(readCommand({ target: 'descent', type: 'command', command: 'set', config: { lr: 0.1 } }),
    { command: 'set', config: { lr: 0.1 } });
  for (const bad of [null, 'play', {}, { target: 'descent', type: 'command', command: 'eval' },
    { target: 'other', type: 'command', command: 'play' }, { target: 'descent', type: 'event', command: 'play' },
    { target: 'descent', type: 'command', command: 'set' }, { target: 'descent', type: 'command', command: 'set', config: [1] }]) {
    assert.equal(readCommand(bad), null, JSON.stringify(bad));
  }
});

test('without origin, events go to any origin and no command is accepted', () => {
  const self = fakeWindow();
  const parent = fakeWindow();
  const host = new Host({ self, parent, now: clock() });
  host.ready({ d: 'spiral' });
  host.ready({ d: 'again' });
  assert.equal(parent.posted.length, 1, 'ready is sent once');
  assert.deepEqual(parent.posted[0], { data: { source: 'descent', type: 'ready', config: { d: 'spiral' } }, targetOrigin: '*' });
  const commands = [];
  host.listen((c) => commands.push(c));
  self.dispatch({ origin: 'https://a.example', source: parent, data: { target: 'descent', type: 'command', command: 'play' } });
  assert.deepEqual(commands, []);
});

test('with origin, events go to it only, and commands come from it and the parent only', () => {
  const self = fakeWindow();
  const parent = fakeWindow();
  const other = fakeWindow();
  const host = new Host({ self, parent, origin: 'https://course.example', now: clock() });
  host.done('epochs', 10, { loss: 0.25 });
  assert.deepEqual(parent.posted.map((p) => [p.data.type, p.targetOrigin]),
    [['progress', 'https://course.example'], ['done', 'https://course.example']]);
  assert.deepEqual(parent.posted[1].data, { source: 'descent', type: 'done', reason: 'epochs', epoch: 10, values: eventValues({ loss: 0.25 }) });
  host.refused('set', 'locked');
  assert.deepEqual(parent.posted[2], { data: { source: 'descent', type: 'error', command: 'set', message: 'locked' }, targetOrigin: 'https://course.example' });
  const commands = [];
  const stop = host.listen((c) => commands.push(c.command));
  const msg = (command) => ({ target: 'descent', type: 'command', command });
  self.dispatch({ origin: 'https://course.example', source: parent, data: msg('play') });
  self.dispatch({ origin: 'https://evil.example', source: parent, data: msg('reset') });
  self.dispatch({ origin: 'https://course.example', source: other, data: msg('reset') });
  self.dispatch({ origin: 'https://course.example.evil', source: parent, data: msg('reset') });
  self.dispatch({ origin: 'https://course.example', source: parent, data: msg('pause') });
  assert.deepEqual(commands, ['play', 'pause']);
  stop();
  self.dispatch({ origin: 'https://course.example', source: parent, data: msg('step') });
  assert.deepEqual(commands, ['play', 'pause']);
});

test('not embedded: nothing is posted', () => {
  const self = fakeWindow();
  const host = new Host({ self, parent: self, now: clock() });
  host.ready({});
  host.progress(1, {}, true);
  assert.equal(self.posted.length, 0);
});

test('progress: at most one per interval while training, the latest held back and sent, a final one at once', async () => {
  const self = fakeWindow();
  const parent = fakeWindow();
  const now = clock();
  const host = new Host({ self, parent, now });
  host.progress(1, { loss: 1 });
  now.advance(10);
  host.progress(2, { loss: 0.9 });
  now.advance(10);
  host.progress(3, { loss: 0.8 });
  assert.deepEqual(parent.posted.map((p) => p.data.epoch), [1], 'epochs 2 and 3 are held back');
  now.advance(PROGRESS_MS);
  await new Promise((r) => setTimeout(r, PROGRESS_MS + 20));
  assert.deepEqual(parent.posted.map((p) => p.data.epoch), [1, 3], 'the latest held back one is sent when the interval is up');
  host.progress(4, { loss: 0.7 }, true);
  assert.deepEqual(parent.posted.map((p) => p.data.epoch), [1, 3, 4]);
  assert.deepEqual(parent.posted[2].data.values, eventValues({ loss: 0.7 }), 'values of the epoch it names');
  host.progress(5, { loss: 0.6 });
  host.progress(6, { loss: 0.5 }, true);
  await new Promise((r) => setTimeout(r, PROGRESS_MS + 20));
  assert.deepEqual(parent.posted.map((p) => p.data.epoch), [1, 3, 4, 6], 'a final one replaces the one held back');
});

test('GoalWatch fires each goal once, at the first epoch where it holds', () => {
  const goals = [parseGoal('test_accuracy>=0.9'), parseGoal('loss<0.1'), parseGoal('epoch>=3')];
  const watch = new GoalWatch(goals, goalMet);
  const seen = [];
  const epochs = [
    { loss: 0.5, test_accuracy: 0.5 },
    { loss: 0.2, test_accuracy: 0.91 },
    { loss: 0.05, test_accuracy: 0.85 },
    { loss: 0.04, test_accuracy: 0.95 },
  ];
  epochs.forEach((v, i) => {
    for (const g of watch.check(i + 1, v)) seen.push([g.text, i + 1]);
  });
  assert.deepEqual(seen, [['test_accuracy>=0.9', 2], ['loss<0.1', 3], ['epoch>=3', 3]]);
  watch.reset();
  assert.deepEqual(watch.check(9, { loss: 0.01 }).map((g) => g.text), ['loss<0.1', 'epoch>=3']);
});
