// page-bigcsv.test.mjs - a user's CSV close to the page's 20 MB limit: the
// page's thread stays free (no task longer than 50 ms of CPU, frames drawn)
// while the file is read and parsed in the worker, and a bad file of that
// size is still refused with its line and column, the data staying as it
// was. Headless Chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireStaged, useBrowser, openPage, until, state, idle, errorText } from './support.mjs';

requireStaged();
const session = useBrowser({ screenshots: false });
let work;

// The longest main-thread task while a file is parsed, in the thread's own
// CPU time (from a Chromium trace), so a busy machine does not change it:
// parsing in the worker leaves a few milliseconds a task (frames); reading
// and handing over the text on the page's thread took over 100 ms at once.
const MAX_TASK_MS = 50;

/** About 19 MB: 140,000 rows of 20 numbers and a class; seeded, so the same every run. */
function bigCsv(rows = 140000, bad = -1) {
  let seed = 5;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const header = [];
  for (let j = 1; j <= 20; j++) header.push(`x${j}`);
  header.push('kind');
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const row = [];
    let s = 0;
    for (let j = 0; j < 20; j++) {
      const v = next() * 20 - 10;
      s += j % 2 ? v : -v;
      row.push(v.toFixed(3));
    }
    row.push(s > 2 ? 'high' : s < -2 ? 'low' : 'mid');
    if (i === bad) row[7] = 'oops';
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'descent-bigcsv-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Opens the file through the file input (by path, so the browser reads it
 * as it would a user's) and measures, from the input's change event until
 * done (a selector and the text it shows) holds, the page's main-thread
 * tasks (CPU time, from a trace) and the gaps between animation frames.
 */
async function openMeasured(browser, p, path, [selector, pattern]) {
  await p.evaluate(([sel, source]) => {
    const m = { gaps: [], running: false };
    window.measure = m;
    let last = 0;
    const tick = (t) => {
      if (m.running && last) m.gaps.push(t - last);
      last = t;
      if (!m.done) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const input = document.getElementById('csv-file');
    input.addEventListener('change', () => {
      m.running = true;
      performance.mark('csv-open');
    }, { capture: true, once: true });
    const target = document.querySelector(sel);
    const seen = new MutationObserver(() => {
      if (!new RegExp(source).test(target.textContent)) return;
      performance.mark('csv-done');
      m.running = false;
      m.done = true;
      seen.disconnect();
    });
    seen.observe(target, { childList: true, characterData: true, subtree: true, attributes: true });
  }, [selector, pattern.source]);
  await browser.startTracing(p, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  await p.setInputFiles('#csv-file', path);
  await until(p, (q) => q.evaluate(() => window.measure.done === true), (r) => r, `${selector} to show ${pattern}`, 120000, { every: 100 });
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const mark = (name) => events.find((e) => e.name === name && e.cat.includes('user_timing'));
  const open = mark('csv-open');
  const done = mark('csv-done');
  assert.ok(open && done, 'the trace holds both marks');
  // The marks are made on the page's main thread: its tasks between them.
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.pid === open.pid && e.tid === open.tid &&
    e.ts + e.dur >= open.ts && e.ts <= done.ts);
  const gaps = await p.evaluate(() => window.measure.gaps);
  return {
    ms: (done.ts - open.ts) / 1000,
    tasks: tasks.length,
    maxTask: Math.max(0, ...tasks.map((e) => (e.tdur ?? e.dur) / 1000)),
    frames: gaps.length,
    maxGap: Math.max(0, ...gaps),
  };
}

const report = (name, m) => `${name}: ${m.ms.toFixed(0)} ms from choosing it to its data (or error) shown; ` +
  `${m.tasks} main-thread tasks, the longest ${m.maxTask.toFixed(1)} ms of CPU; ${m.frames} frames, ` +
  `the longest gap ${m.maxGap.toFixed(0)} ms`;

describe('a CSV close to 20 MB', () => {
  it('opens without freezing the page, and a broken one is refused in place', async (t) => {
    const { p, messages } = await openPage(session, t);
    const good = join(work, 'big.csv');
    writeFileSync(good, bigCsv());
    const size = statSync(good).size;
    assert.ok(size > 18e6 && size < 20 * 1024 * 1024, `${size} bytes`);

    const opened = await openMeasured(session.browser, p, good, ['#table-info', /big\.csv: 140000 rows/]);
    t.diagnostic(report(`big.csv (${size} bytes)`, opened));
    await idle(p);
    assert.equal(await errorText(p), '');
    const s = await state(p);
    assert.equal(s.dataset, 'csv');
    assert.equal(s.task, 'classification');
    assert.equal(s.nTrain + s.nTest, 140000);
    assert.ok(opened.maxTask <= MAX_TASK_MS, `a main-thread task of ${opened.maxTask.toFixed(0)} ms while parsing`);
    assert.ok(opened.frames >= 5, `${opened.frames} frames while parsing`);

    // A bad cell near the end of a file as large: the located error, and the data stays.
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, bigCsv(140000, 139990));
    const refused = await openMeasured(session.browser, p, bad, ['#error', /bad\.csv/]);
    t.diagnostic(report('bad.csv', refused));
    assert.match(await errorText(p), /^bad\.csv: line 139992, column 8 \('x8'\): 'oops' is not a number/);
    assert.ok(refused.maxTask <= MAX_TASK_MS, `a main-thread task of ${refused.maxTask.toFixed(0)} ms while parsing`);
    await idle(p);
    const after = await state(p);
    assert.equal(after.dataset, 'csv');
    assert.match(await p.textContent('#table-info'), /big\.csv: 140000 rows/);
    assert.deepEqual(messages, []);
  });
});
