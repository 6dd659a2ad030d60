// bench-page.mjs - the playground page's figures, measured in headless
// Chromium (figures only, no thresholds):
//   - the page's total download, data sets excluded, raw and gzip: every file
//     the page and its worker fetch;
//   - the main thread's frame rate (requestAnimationFrame) while the spiral trains;
//   - the worker's training steps per second while the page draws, as a
//     fraction of the same network on the same rows trained by model.fit in
//     Node, with nothing drawn.
//   node scripts/bench-page.mjs [--quick] [--reps N]      (needs web/ staged: scripts/bench does it)
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const web = `${root}web/`;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = quick ? 1.5 : 4;

const { server, url } = await serve(web);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const fetched = new Set();
  context.on('request', (r) => fetched.add(new URL(r.url()).pathname));
  const p = await context.newPage();
  await p.goto(url);
  await p.evaluate(() => window.descentPage.ready);

  // ---- download
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const path of [...fetched].sort()) {
    if (path.startsWith('/data/')) continue;
    const file = path.endsWith('/') ? `${path}index.html` : path;
    const bytes = readFileSync(web + file.slice(1));
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += z;
    rows.push(`  ${file.padEnd(28)} ${String(bytes.length).padStart(8)} ${String(z).padStart(8)}`);
  }
  console.log('page download (every file the page and its worker fetched; data sets excluded)');
  console.log(`  ${'file'.padEnd(28)} ${'raw B'.padStart(8)} ${'gzip B'.padStart(8)}`);
  for (const r of rows) console.log(r);
  console.log(`  ${'total'.padEnd(28)} ${String(raw).padStart(8)} ${String(gz).padStart(8)}`);

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
}
