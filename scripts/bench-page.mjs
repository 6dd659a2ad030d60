// bench-page.mjs - the playground page's figures, measured in headless
// Chromium:
//   - the page's total download, data sets excluded, raw and gzip: every file
//     the page and its worker fetch (HTML, CSS, favicon, JavaScript, wasm),
//     against the targets of issue 19 (at most 300 KB raw and 100 KB gzip,
//     1 KB = 1000 B, gzip counted file by file as a server sends them);
//   - the ready time: from navigation start to the first model built and the
//     view drawn (window.descentPage.ready resolved, then the next animation
//     frame, in which the page draws what the worker predicted), median of
//     fresh loads (9; 5 with --quick), each in a new browser context
//     (an empty cache), against the target of at most 600 ms; and, when
//     PLAYGROUND_DIST names a build of TensorFlow Playground (its repository's
//     `npm ci && npm run build` makes dist/), the Playground's own weight and
//     ready time measured the same way in the same run (its script builds
//     the network and draws synchronously: ready is the first frame after
//     DOMContentLoaded; its web fonts, from another origin, are refused);
//     otherwise its published figures, said to be a reference;
//   - where the ready time goes (scripts/page-trace.mjs: one traced load of
//     each page, its milestones and its main thread's work by kind);
//   - the main thread's frame rate (requestAnimationFrame) while the spiral trains;
//   - the worker's training steps per second while the page draws, as a
//     fraction of the same network on the same rows trained by model.fit in
//     Node, with nothing drawn.
//   node scripts/bench-page.mjs [--quick]      (needs web/ staged: scripts/bench does it)
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';
import { printTrace, traceLoad } from './page-trace.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const web = `${root}web/`;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = quick ? 1.5 : 4;

const { server, url } = await serve(web);
const browser = await launchChromium();

const KB = 1000;
const TARGET = { raw: 300 * KB, gzip: 100 * KB, readyMs: 600 };
// TensorFlow Playground's build as published in BENCHMARKS.md, when no build is at hand.
const PLAYGROUND_REFERENCE = { raw: 523 * KB, gzip: 122 * KB, readyMs: 705 };
const loads = quick ? 5 : 9;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const verdict = (value, limit) => (value <= limit ? 'met' : 'NOT met');

/**
 * Ready time of one fresh load of url in a new context: performance.now() (ms
 * from navigation start) in the first animation frame after readyScript's
 * moment. The descent page's moment: window.descentPage.ready resolved (its
 * model built and the predictions it draws come back; the page's own frame
 * loop, registered first, draws them in that frame).
 */
async function readyTime(url, readyScript, route) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    if (route) await context.route(...route);
    await context.addInitScript(readyScript);
    const p = await context.newPage();
    await p.goto(url);
    return await p.evaluate(() => window.benchReady);
  } finally {
    await context.close();
  }
}

// Init scripts: each sets window.benchReady, a promise of that moment's performance.now().
const descentReady = () => {
  window.benchReady = new Promise((ok, fail) => {
    const found = () => {
      const ready = window.descentPage && window.descentPage.ready;
      if (!ready) return setTimeout(found, 1);
      ready.then(() => requestAnimationFrame(() => ok(performance.now())), fail);
      return undefined;
    };
    found();
  });
};
const playgroundReady = () => {
  window.benchReady = new Promise((ok) => {
    document.addEventListener('DOMContentLoaded', () => requestAnimationFrame(() => ok(performance.now())));
  });
};

/** Every file a load of url fetched from folder (data sets excluded), gzip file by file: {rows, raw, gz}. */
function weigh(folder, paths) {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const path of [...paths].sort()) {
    if (path.startsWith('/data/')) continue;
    const file = path.endsWith('/') ? `${path}index.html` : path;
    let bytes;
    try {
      bytes = readFileSync(folder + file.slice(1));
    } catch {
      continue; // not served (the Playground's favicon)
    }
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += z;
    rows.push(`  ${file.padEnd(28)} ${String(bytes.length).padStart(8)} ${String(z).padStart(8)}`);
  }
  return { rows, raw, gz };
}

/** The ready times (ms) of n fresh loads, interleaved over the pages given: {name: [ms...]}. */
async function readyTimes(pages, n) {
  const times = Object.fromEntries(pages.map((pg) => [pg.name, []]));
  for (let i = 0; i < n; i++) {
    for (const pg of pages) {
      times[pg.name].push(await readyTime(pg.url, pg.script, pg.route));
    }
  }
  return times;
}

const playgroundDist = process.env.PLAYGROUND_DIST;
let playground = null;

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const fetched = new Set();
  context.on('request', (r) => fetched.add(new URL(r.url()).pathname));
  const p = await context.newPage();
  await p.goto(url);
  await p.evaluate(() => window.descentPage.ready);

  // ---- download
  const own = weigh(web, fetched);
  console.log('page download (every file the page and its worker fetched; data sets excluded)');
  console.log(`  ${'file'.padEnd(28)} ${'raw B'.padStart(8)} ${'gzip B'.padStart(8)}`);
  for (const r of own.rows) console.log(r);
  console.log(`  ${'total'.padEnd(28)} ${String(own.raw).padStart(8)} ${String(own.gz).padStart(8)}`);

  // ---- ready time, the Playground's build interleaved when given
  const pages = [{ name: 'descent', url, script: descentReady }];
  if (playgroundDist) {
    const dir = playgroundDist.endsWith('/') ? playgroundDist : `${playgroundDist}/`;
    playground = { dir, ...(await serve(dir)) };
    // Only its other origins' requests are intercepted (and refused): its own files load as descent's do.
    const offsite = [(u) => u.origin !== new URL(playground.url).origin, (route) => route.abort()];
    const pgFetched = new Set();
    const pgContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await pgContext.route(...offsite);
    pgContext.on('requestfinished', (r) => { if (new URL(r.url()).origin === new URL(playground.url).origin) pgFetched.add(new URL(r.url()).pathname); });
    const pgPage = await pgContext.newPage();
    await pgPage.goto(playground.url, { waitUntil: 'load' });
    await pgContext.close();
    Object.assign(playground, weigh(dir, pgFetched));
    pages.push({ name: 'playground', url: playground.url, script: playgroundReady, route: offsite });
  }
  await readyTimes(pages, 1); // warm-up: the server's files in the page cache, Chromium's code
  const times = await readyTimes(pages, loads);
  const ready = median(times.descent);
  console.log();
  console.log(`ready time (navigation start -> first model built and view drawn), ${loads} fresh loads, each in a new context`);
  console.log(`  descent      median ${ready.toFixed(0)} ms (${times.descent.map((t) => t.toFixed(0)).join(' ')})`);
  let reference = PLAYGROUND_REFERENCE;
  if (playground) {
    reference = { raw: playground.raw, gzip: playground.gz, readyMs: median(times.playground) };
    console.log(`  Playground   median ${reference.readyMs.toFixed(0)} ms (${times.playground.map((t) => t.toFixed(0)).join(' ')}), measured in this run`);
    console.log(`  Playground download: ${kb(playground.raw)} raw, ${kb(playground.gz)} gzip (${playground.rows.length} files; its web fonts refused)`);
  } else {
    console.log('  Playground   not measured (PLAYGROUND_DIST unset): its published figures are the reference below');
  }
  console.log();
  console.log('where the ready time goes (one traced load each; a trace slows a load: read the shares and the order)');
  for (const pg of pages) printTrace(pg.name, await traceLoad(browser, pg.url, pg.script, pg.route));
  console.log();
  const from = playground ? 'measured in this run' : 'published reference, not measured here';
  console.log(`page targets (TensorFlow Playground: ${kb(reference.raw)} raw, ${kb(reference.gzip)} gzip, ready ${reference.readyMs.toFixed(0)} ms; ${from})`);
  console.log(`  download raw   ${kb(own.raw).padStart(9)}  target <= ${kb(TARGET.raw)}: ${verdict(own.raw, TARGET.raw)}`);
  console.log(`  download gzip  ${kb(own.gz).padStart(9)}  target <= ${kb(TARGET.gzip)}: ${verdict(own.gz, TARGET.gzip)}`);
  console.log(`  ready          ${`${ready.toFixed(0)} ms`.padStart(9)}  target <= ${TARGET.readyMs} ms: ${verdict(ready, TARGET.readyMs)}`);

  // ---- training the spiral while drawing
  await p.selectOption('#dataset', 'spiral');
  await p.evaluate(() => window.descentPage.idle());
  await p.fill('#epochs', '1000000');
  await p.dispatchEvent('#epochs', 'change');
  await p.evaluate(() => window.descentPage.idle());
  const config = await p.evaluate(() => window.descentPage.config);
  await p.click('#play');
  await p.waitForTimeout(500);
  const measured = await p.evaluate((ms) => new Promise((ok) => {
    const s0 = window.descentPage.state;
    const t0 = performance.now();
    let frames = 0;
    let worst = 0;
    let last = t0;
    const tick = (now) => {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - t0 < ms) requestAnimationFrame(tick);
      else {
        const s1 = window.descentPage.state;
        ok({ fps: (frames * 1000) / (now - t0), worst, steps: s1.steps - s0.steps, ms: now - t0, workerRate: s1.stepsPerSecond });
      }
    };
    requestAnimationFrame(tick);
  }), seconds * 1000);
  await p.click('#play');
  const pageRate = (measured.steps * 1000) / measured.ms;

  // ---- the same network in Node, no worker, nothing drawn
  const { loadDescent } = await import(`${web}lib/descent.mjs`);
  const d = await loadDescent();
  const set = d.generate('spiral', { n: config.samples, noise: config.noise, seed: config.dataSeed });
  const split = d.trainTestSplit(set.n, { testFraction: config.testRatio, labels: set.labels, seed: config.dataSeed });
  const rowsOf = (idx) => {
    const x = new Float32Array(idx.length * 2);
    const y = new Float32Array(idx.length);
    idx.forEach((r, i) => { x[2 * i] = set.x[2 * r] / 6; x[2 * i + 1] = set.x[2 * r + 1] / 6; y[i] = set.y[r]; });
    return { x, y };
  };
  const train = rowsOf(split.train);
  const test = rowsOf(split.test);
  const model = d.createModel({
    inputs: 2,
    layers: [...config.layers.map((l) => ({ units: l.units, activation: l.activation })), { units: 1, activation: 'sigmoid' }],
    loss: 'binary_crossentropy', optimizer: config.optimizer, seed: config.seed,
  });
  const stepsPerEpoch = Math.ceil(train.y.length / config.batchSize);
  model.fit(train.x, train.y, { epochs: 200, batchSize: config.batchSize, validationData: [test.x, test.y] });
  let best = 0;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const t0 = performance.now();
    let epochs = 0;
    while (performance.now() - t0 < (quick ? 500 : 1500)) {
      model.fit(train.x, train.y, { epochs: 50, batchSize: config.batchSize, validationData: [test.x, test.y] });
      epochs += 50;
    }
    best = Math.max(best, (epochs * stepsPerEpoch * 1000) / (performance.now() - t0));
  }
  model.dispose();

  const net = `2 -> ${config.layers.map((l) => `${l.units} ${l.activation}`).join(' -> ')} -> 1 sigmoid, ${config.optimizer.name}, batch ${config.batchSize}, ${train.y.length} training rows`;
  console.log();
  console.log(`spiral, ${net}, ${seconds} s of training with the page drawing`);
  console.log(`  main thread frame rate       ${measured.fps.toFixed(1)} fps (longest frame ${measured.worst.toFixed(1)} ms; target >= 50)`);
  console.log(`  worker steps/s while drawing ${Math.round(pageRate)} (the worker's own figure: ${Math.round(measured.workerRate)})`);
  console.log(`  Node model.fit steps/s       ${Math.round(best)} (same net and rows, validation loss each epoch, nothing drawn)`);
  console.log(`  page / Node                  ${(pageRate / best).toFixed(2)} (target >= 0.5)`);
} finally {
  await browser.close();
  server.close();
  playground?.server.close();
}
