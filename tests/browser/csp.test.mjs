// csp.test.mjs - the page under its Content Security Policy. Statically:
// index.html declares the policy README.md documents, first in its head, and
// has no inline script, style or event-handler attribute; the page's modules
// set no style attribute and evaluate no strings. In headless Chromium, twice
// (the policy as the meta tag ships it, and as a course site's header on
// every file, which also puts the workers under it, with frame-ancestors
// 'self' and a report-uri collecting what the page, its iframe and its workers
// violate): the page trains in its worker, a small search runs in the tuning
// pool, every export downloads or copies, a saved model and a CSV open,
// and embed mode works in an iframe, with no securitypolicyviolation event in
// any frame, no violation report and no console error or warning.
//
// Needs web/lib and web/vendor staged (scripts/lib.sh stage_web).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { root, web, requireStaged, useBrowser, openPage, openView, until, waitFor, state, idle, errorText } from './support.mjs';

requireStaged(['lib/worker.mjs', 'lib/tune-pool.mjs', 'lib/descent-tune.wasm']);

const html = readFileSync(`${web}/index.html`, 'utf8');
const readme = readFileSync(`${root}README.md`, 'utf8');

/** The policy README.md documents: the value of its `Content-Security-Policy:` line. */
function documentedPolicy() {
  const lines = readme.split('\n').filter((l) => l.startsWith('Content-Security-Policy: '));
  assert.equal(lines.length, 1, 'README.md has one Content-Security-Policy: line');
  return lines[0].slice('Content-Security-Policy: '.length).trim();
}

/** The tags of index.html (comments dropped), as written. */
const tags = () => html.replace(/<!--[\s\S]*?-->/g, '').match(/<[a-zA-Z][^>]*>/g);

describe('the policy, statically', () => {
  it('index.html declares the documented policy before anything it loads', () => {
    const policy = documentedPolicy();
    const metas = tags().filter((t) => /http-equiv\s*=\s*"?content-security-policy/i.test(t));
    assert.equal(metas.length, 1, 'one CSP meta tag');
    const content = /content="([^"]*)"/.exec(metas[0])[1].replace(/&#39;|&apos;/g, "'");
    assert.equal(content, policy);
    // What the issue asks of it, whatever the README says.
    const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'self'"]);
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
    assert.deepEqual(directives['worker-src'], ["'self'"]);
    assert.doesNotMatch(policy, /'unsafe-(inline|eval|hashes)'|\*|data:|blob:|https?:/);
    assert.ok(!('frame-ancestors' in directives), 'frame-ancestors is ignored in a meta tag: it belongs in a header');
    // Before every link and script, so it covers them all.
    const all = tags();
    const at = all.indexOf(metas[0]);
    const firstLoad = all.findIndex((t) => /^<(link|script|style|img|iframe)\b/i.test(t));
    assert.ok(at >= 0 && at < firstLoad, 'the policy comes before the first link or script');
  });

  it('index.html has no inline script, style or event handler, and loads only from its own origin', () => {
    for (const t of tags()) {
      assert.doesNotMatch(t, /\sstyle\s*=/i, `a style attribute: ${t}`);
      assert.doesNotMatch(t, /\son[a-z]+\s*=/i, `an event-handler attribute: ${t}`);
      assert.doesNotMatch(t, /\b(href|src|action|formaction)\s*=\s*"?\s*(javascript|data|blob):/i, `a javascript:, data: or blob: URL: ${t}`);
      assert.doesNotMatch(t, /\b(href|src)\s*=\s*"?\s*(https?:)?\/\//i, `a URL of another origin: ${t}`);
      if (/^<script\b/i.test(t)) assert.match(t, /\ssrc=/, `an inline script: ${t}`);
    }
    assert.doesNotMatch(html, /<style\b/i, 'a <style> element');
  });

  it("the page's modules set no style attribute, write no inline style and evaluate no strings", () => {
    const files = readdirSync(`${web}/js`).filter((f) => f.endsWith('.mjs')).map((f) => `web/js/${f}`)
      .concat(readdirSync(`${root}bindings`).filter((f) => f.endsWith('.mjs')).map((f) => `bindings/${f}`));
    for (const f of files) {
      const text = readFileSync(`${root}${f}`, 'utf8');
      const found = (re) => (text.match(re) || [''])[0];
      assert.equal(found(/setAttribute\(\s*['"`]style['"`]/), '', `${f}: setAttribute('style')`);
      assert.equal(found(/(innerHTML|outerHTML|insertAdjacentHTML)[^;]*\sstyle=/), '', `${f}: markup with a style attribute`);
      assert.equal(found(/(innerHTML|outerHTML|insertAdjacentHTML)[^;]*\son[a-z]+=/), '', `${f}: markup with an event handler`);
      assert.equal(found(/\beval\(|new Function\b|set(Timeout|Interval)\(\s*['"`]|javascript:/), '', `${f}: a string evaluated as code`);
    }
  });
});

// ------------------------------------------------------------------ in the browser

/** Runs in every frame before its scripts: records the frame's CSP violations and the messages it is sent. */
function watch() {
  window.cspViolations = [];
  window.received = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile || location.href}:${e.lineNumber}${e.sample ? ` (${e.sample})` : ''}`);
  }, true);
  addEventListener('message', (e) => { if (e.data && e.data.source === 'descent') window.received.push(e.data); });
}

/** Every frame's recorded violations. */
async function violations(p) {
  const all = [];
  for (const f of p.frames()) all.push(...await f.evaluate(() => window.cspViolations || []).catch(() => []));
  return all;
}

const EMBED_QUERY = '?d=circle&embed=1&hide=data,network,share&lock=1&autoplay=1&goal=epoch>=2';

/**
 * The server's own answers: the CSP reports the header's report-uri sends,
 * and a course page embedding the playground in an iframe.
 */
function extras(reports) {
  return (req, res) => {
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/csp-report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        try {
          const r = JSON.parse(body)['csp-report'];
          reports.push(`${r['effective-directive'] || r['violated-directive']} blocked ${r['blocked-uri']} at ${r['source-file'] || r['document-uri']}:${r['line-number'] ?? '?'}`);
        } catch {
          reports.push(`an unreadable report: ${body.slice(0, 200)}`);
        }
        res.writeHead(204).end();
      });
      return true;
    }
    if (path === '/course.html') {
      const src = `/${EMBED_QUERY}`.replace(/&/g, '&amp;');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`<!doctype html><title>A course page</title><link rel="icon" href="/favicon.svg"><h1>Exercise</h1><iframe id="f" src="${src}" width="900" height="700" title="descent"></iframe>\n`);
      return true;
    }
    return false;
  };
}

/** The server's CSP reports, after a moment for the last ones to arrive. */
async function settledReports(p, reports) {
  await p.waitForTimeout(300);
  return [...reports];
}

/**
 * Everything the page does that could trip a policy, each checked to have
 * worked; returns the violations its frames recorded.
 */
async function exercise(p, base) {
  assert.equal(await errorText(p), '');
  // The worker: an epoch at a time, then to the epoch limit.
  for (let i = 1; i <= 2; i++) {
    await p.click('#step-epoch');
    await idle(p);
    await until(p, state, (s) => s.epoch === i, `epoch ${i} in the worker`);
  }
  await p.click('#play');
  await idle(p);
  await until(p, state, (s) => s.settled, 'the run to reach its epoch limit');

  // Every export: the model, the loss history, the view and the chart, the link and the snippet.
  const files = {};
  for (const id of ['dl-model', 'dl-history', 'dl-view', 'dl-chart']) {
    const [download] = await Promise.all([p.waitForEvent('download'), p.click(`#${id}`)]);
    files[id] = { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
  }
  assert.equal(files['dl-model'].name, 'descent-circle.bin');
  assert.ok(files['dl-model'].bytes.length > 500, 'a model file');
  assert.match(files['dl-history'].bytes.toString('utf8'), /^epoch,loss,val_loss\n0,[^\n]*\n1,/, 'from epoch 0, before training');
  for (const id of ['dl-view', 'dl-chart']) assert.deepEqual([...files[id].bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${id}: a PNG`);
  // The ways out: ONNX (protobufjs loaded by the worker from vendor/), TF.js's model.json and weights.bin.
  const [onnx] = await Promise.all([p.waitForEvent('download'), p.click('#dl-onnx')]);
  const onnxBytes = readFileSync(await onnx.path());
  assert.equal(onnx.suggestedFilename(), 'descent-circle.onnx');
  assert.equal(onnxBytes[0], 0x08, 'an ONNX ModelProto starts with its ir_version field');
  assert.ok(onnxBytes.includes(Buffer.from('Gemm')), 'its graph has the dense layers');
  const tfjs = [];
  p.on('download', (d) => tfjs.push(d));
  await p.click('#dl-tfjs');
  await until(p, () => tfjs.length, (n) => n === 2, 'model.json and weights.bin');
  assert.deepEqual(tfjs.map((d) => d.suggestedFilename()), ['model.json', 'weights.bin']);
  const json = JSON.parse(readFileSync(await tfjs[0].path(), 'utf8'));
  assert.equal(json.format, 'layers-model');
  const floats = json.weightsManifest[0].weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(readFileSync(await tfjs[1].path()).length, floats * 4);
  await p.click('#copy-link');
  await idle(p);
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), await p.inputValue('#share-link'));
  await p.click('#embed-options summary');
  await p.fill('#embed-goal', 'test_loss<0.1');
  await p.dispatchEvent('#embed-goal', 'input');
  await p.click('#copy-snippet');
  await idle(p);
  const snippet = await p.evaluate(() => navigator.clipboard.readText());
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?v=1&amp;d=circle/);

  // A saved model opens again, and a CSV of one's own.
  await p.setInputFiles('#model-file', { name: 'saved.bin', mimeType: 'application/octet-stream', buffer: files['dl-model'].bytes });
  await idle(p);
  assert.equal(await errorText(p), '');
  const opened = await state(p);
  assert.deepEqual([opened.epoch, opened.status], [0, 'paused'], 'the saved model in use, a fresh run');
  const rows = ['a,b,label'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 7},${(i * 3) % 11},${i % 2 ? 'yes' : 'no'}`);
  await p.setInputFiles('#csv-file', { name: 'own.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
  await idle(p);
  assert.equal(await errorText(p), '');
  await until(p, state, (s) => s.dataset === 'csv' && s.nTrain > 0, 'the CSV to open');
  await p.click('#step-epoch');
  await idle(p);
  await until(p, state, (s) => s.epoch === 1, 'an epoch on the CSV');

  // The tuning pool: a small grid on the spiral.
  await p.selectOption('#dataset', 'spiral');
  await idle(p);
  await openView(p, '#tune-details');
  await waitFor(p, () => window.descentPage.tune !== null);
  for (const key of ['learningRate', 'batchSize', 'optimizer', 'layers', 'activation', 'l2', 'epochs']) {
    await p.setChecked(`#tune-on-${key}`, key === 'learningRate' || key === 'epochs');
  }
  await p.fill('#tune-values-learningRate', '0.01, 0.1');
  await p.fill('#tune-values-epochs', '3');
  await p.fill('#tune-folds', '2');
  await p.click('#tune-start');
  await idle(p);
  const tuned = await until(p, () => p.evaluate(() => window.descentPage.tune), (s) => !s.running && s.total > 0, 'the search to end', 60000);
  assert.equal(tuned.error, null);
  assert.equal(tuned.results.length, 2);
  assert.ok(p.workers().length >= 2, 'the pool ran in workers of its own');

  // Embed mode, in a course page's iframe: locked, autoplaying, its goal posted to the course page.
  const seen = await violations(p);
  await p.goto(new URL('course.html', base).href);
  const frame = await (await p.waitForSelector('#f')).contentFrame();
  await waitFor(frame, () => !!(window.descentPage && window.descentPage.ready));
  await frame.evaluate(() => window.descentPage.ready);
  await waitFor(p, () => window.received.some((m) => m.type === 'goal' && m.goal === 'epoch>=2'));
  assert.equal(await frame.isHidden('[data-panel="data"]'), true);
  assert.equal(await frame.isDisabled('#lr'), true, 'locked');
  return [...seen, ...await violations(p)];
}

/** Runs the exercise on a fresh page, then checks that nothing was blocked anywhere. */
async function runAll(t, session, reports) {
  const { p, messages } = await openPage(session, t, {
    downloads: true,
    setup: async (page) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.base });
      await page.addInitScript(watch);
    },
  });
  assert.deepEqual(await exercise(p, session.base), [], 'securitypolicyviolation events');
  if (reports) assert.deepEqual(await settledReports(p, reports), [], 'violation reports (the page, its iframe and its workers)');
  assert.deepEqual(messages, [], 'console errors and warnings');
}

/** The watch sees a violation when there is one (so its silence means something). */
async function control(t, session, reports) {
  const { p } = await openPage(session, t, { setup: (page) => page.addInitScript(watch) });
  await p.evaluate(() => {
    const span = document.createElement('span');
    span.setAttribute('style', 'color: red');
    document.body.append(span);
  });
  await waitFor(p, () => window.cspViolations.length > 0);
  assert.match((await violations(p))[0], /^style-src-attr blocked inline/);
  if (reports) {
    await until(p, () => reports.length, (n) => n > 0, 'the report of a style attribute', 5000);
    assert.match(reports[0], /^style-src-attr blocked inline/);
    reports.length = 0;
  }
}

describe('the page as shipped: the meta tag', () => {
  const session = useBrowser({ screenshots: false, serveOptions: { handle: extras([]) } });

  it('a style attribute set by script is seen as a violation', (t) => control(t, session, null));

  it('the worker, the tuning pool, every export and embed mode run with no violation', (t) => runAll(t, session, null));
});

describe('the page as a course site serves it: the policy as a header on every file', () => {
  const reports = [];
  const header = `${documentedPolicy()}; frame-ancestors 'self'; report-uri /csp-report`;
  const session = useBrowser({
    screenshots: false,
    serveOptions: { headers: { 'Content-Security-Policy': header }, handle: extras(reports) },
  });

  it('a style attribute set by script is seen and reported', (t) => control(t, session, reports));

  it('the worker and the pool under the header too: no violation, no report', (t) => runAll(t, session, reports));
});
