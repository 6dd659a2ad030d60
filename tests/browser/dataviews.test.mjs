// dataviews.test.mjs - the data views of web/js/dataviews.mjs (confusion
// matrix, predicted versus actual, digit images) in headless Chromium, drawn
// by the fixture tests/browser/dataviews.html with known data: the pixels
// follow the data, hitTest finds what is drawn where the layout says, wrong
// digits are marked, empty and NaN input are handled, the aria-labels sum the
// view up, redrawing is cheap and the console stays quiet. Screenshots go to
// build-wasm/screenshots/dataviews-*.png (looked at by a person, not compared).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { root, shots, useBrowser, openPage } from './support.mjs';

const session = useBrowser({ serveDir: root });

/** Waits for the fixture; if it does not come, says what the console said. */
async function fixtureReady(p, messages) {
  try {
    await p.waitForFunction(() => window.fixtureReady === true, null, { timeout: 15000 });
  } catch (e) {
    throw new Error(`the fixture did not load: ${messages.join('; ') || e.message}`);
  }
}

/** The fixture page, loaded; the console must stay quiet (checked after the test). */
async function open(t, { width = 1000, height = 800, scale = 1, query = '' } = {}) {
  const { p, messages } = await openPage(session, t, {
    path: 'tests/browser/dataviews.html', query, width, height, scale, quiet: true, ready: fixtureReady,
  });
  // A pixel reader that does not make the drawn canvases read-back heavy.
  await p.evaluate(() => {
    const scratch = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    window.pixel = (c, x, y) => {
      const ratio = c.width / c.clientWidth;
      scratch.canvas.width = c.width;
      scratch.canvas.height = c.height;
      scratch.drawImage(c, 0, 0);
      return Array.from(scratch.getImageData(Math.floor(x * ratio), Math.floor(y * ratio), 1, 1).data);
    };
  });
  return { p, messages };
}

const isRed = ([r, g, b]) => r > 140 && g < 90 && b < 90;
const isBlue = ([r, g, b]) => b > 130 && r < 120 && b > r + 50;
const isOrange = ([r, g, b]) => r > 190 && g > 80 && g < 170 && b < 90;

describe('data views', () => {
  it('confusion matrix: cells follow the data, hitTest finds them, the label sums up', async (t) => {
    const { p } = await open(t);
    for (const size of [300, 700]) {
      const r = await p.evaluate((size) => {
        const { dv, data, canvas } = window.fixture;
        const c = canvas('c', size, Math.min(size, 420));
        dv.drawConfusion(c, data.iris);
        const before = c.toDataURL();
        const label = c.getAttribute('aria-label');
        const l = dv.viewLayout(c);
        const hits = [];
        for (let row = 0; row < 3; row++) {
          for (let col = 0; col < 3; col++) {
            hits.push(dv.hitTest(c, l.x0 + (col + 0.5) * l.cell, l.y0 + (row + 0.5) * l.cell));
          }
        }
        // Shading, near a cell's corner (away from the text): full rows dark blue, empty cells pale.
        const corner = (row, col) => window.pixel(c, l.x0 + col * l.cell + 4, l.y0 + row * l.cell + l.cell - 4);
        const shades = { full: corner(0, 0), empty: corner(0, 1), some: corner(2, 1) };
        const outside = [dv.hitTest(c, l.x0 - 3, l.y0 + 3), dv.hitTest(c, l.x0 + 3 * l.cell + 2, l.y0 + 3), dv.hitTest(c, 5, size * 0.99)];
        const m = data.iris.matrix.map((row) => row.slice());
        m[1][2] = 0; m[1][1] = 10;
        dv.drawConfusion(c, { ...data.iris, matrix: m });
        const after = c.toDataURL();
        return { label, hits, shades, outside, changed: before !== after, label2: c.getAttribute('aria-label'), backing: [c.width, c.height], l };
      }, size);
      assert.equal(r.label, 'Confusion matrix: 27 of 30 test rows correct (90%) over 3 classes.');
      assert.equal(r.label2, 'Confusion matrix: 28 of 30 test rows correct (93%) over 3 classes.');
      assert.ok(r.changed, 'pixels change with the data');
      assert.deepEqual(r.backing, [size, Math.min(size, 420)]);
      assert.ok(r.l.cell >= 40, `cells of ${r.l.cell} px at ${size} px`);
      const m = [[10, 0, 0], [0, 9, 1], [0, 2, 8]];
      const names = ['setosa', 'versicolor', 'virginica'];
      r.hits.forEach((h, k) => {
        const [a, pr] = [Math.floor(k / 3), k % 3];
        assert.deepEqual(h, {
          kind: 'cell', actual: a, predicted: pr, count: m[a][pr], rowTotal: 10, actualName: names[a], predictedName: names[pr],
        });
      });
      assert.deepEqual(r.outside, [null, null, null]);
      assert.ok(isBlue(r.shades.full), `full cell ${r.shades.full}`);
      assert.ok(r.shades.empty.every((v) => v > 230), `empty cell ${r.shades.empty}`);
      assert.ok(r.shades.some[0] < r.shades.empty[0] && r.shades.some[0] > r.shades.full[0], `partial cell ${r.shades.some}`);
    }
  });

  it('confusion matrix: 10 and 12 classes with long names fit at 300 px, flat input works', async (t) => {
    const { p } = await open(t);
    const r = await p.evaluate(() => {
      const { dv, data, canvas } = window.fixture;
      const c = canvas('c', 300, 300);
      dv.drawConfusion(c, data.long12);
      const long = dv.viewLayout(c);
      const hit = dv.hitTest(c, long.x0 + 11.5 * long.cell, long.y0 + 0.5 * long.cell);
      dv.drawConfusion(c, data.digits10);
      const ten = dv.viewLayout(c);
      dv.drawConfusion(c, { matrix: [5, 1, 0, 4], classNames: ['no', 'yes'] });
      return { long, hit, ten, flat: c.getAttribute('aria-label'), flatHit: dv.hitTest(c, dv.viewLayout(c).x0 + 1, dv.viewLayout(c).y0 + 1) };
    });
    for (const l of [r.long, r.ten]) {
      assert.ok(l.x0 >= 0 && l.x0 + l.k * l.cell <= 300 && l.y0 >= 0 && l.y0 + l.k * l.cell <= 300, JSON.stringify(l));
    }
    assert.ok(r.ten.cell >= 20, `10 classes: cells of ${r.ten.cell} px`);
    assert.ok(r.long.cell >= 12, `12 long classes: cells of ${r.long.cell} px`);
    assert.equal(r.hit.actual, 0);
    assert.equal(r.hit.predicted, 11);
    assert.equal(r.hit.predictedName, 'a rather long class name number 12');
    assert.equal(r.flat, 'Confusion matrix: 9 of 10 rows correct (90%) over 2 classes.');
    assert.equal(r.flatHit.count, 5);
  });

  it('predicted versus actual: points where the layout says, NaN skipped, the label sums up', async (t) => {
    const { p } = await open(t);
    for (const size of [300, 700]) {
      const r = await p.evaluate((size) => {
        const { dv, data, canvas } = window.fixture;
        const c = canvas('s', size, Math.min(size, 420));
        const d = data.diabetes;
        dv.drawScatter(c, d);
        const before = c.toDataURL();
        const label = c.getAttribute('aria-label');
        const l = dv.viewLayout(c);
        const X = (v) => l.x0 + ((v - l.range[0]) / (l.range[1] - l.range[0])) * l.width;
        const Y = (v) => l.y0 + l.height - ((v - l.range[0]) / (l.range[1] - l.range[0])) * l.height;
        // The most isolated training and test points.
        const isolated = (wantTest) => {
          let best = -1;
          let bestD = -1;
          for (let i = 0; i < d.actual.length; i++) {
            if (Boolean(d.test[i]) !== wantTest) continue;
            let near = Infinity;
            for (let j = 0; j < d.actual.length; j++) {
              if (j !== i) near = Math.min(near, Math.hypot(X(d.actual[i]) - X(d.actual[j]), Y(d.predicted[i]) - Y(d.predicted[j])));
            }
            if (near > bestD) { bestD = near; best = i; }
          }
          return best;
        };
        const train = isolated(false);
        const test = isolated(true);
        const at = (i, dx = 0) => [X(d.actual[i]) + dx, Y(d.predicted[i])];
        const hitTrain = dv.hitTest(c, ...at(train, 1));
        const hitTest = dv.hitTest(c, ...at(test, -1));
        const trainPixel = window.pixel(c, ...at(train));
        // The test point's ring: the most orange pixel across it.
        let ring = null;
        for (let dx = -l.radius - 1; dx <= l.radius + 1; dx += 0.5) {
          const px = window.pixel(c, ...at(test, dx));
          if (!ring || px[0] - px[2] > ring[0] - ring[2]) ring = px;
        }
        const far = dv.hitTest(c, l.x0 + 1, l.y0 + l.height - 1);
        // Ranges equal on both axes, from the data.
        const all = [...d.actual, ...d.predicted];
        const range = [Math.min(...all), Math.max(...all)];
        // Errors: rmse by split, for the label.
        const rmse = (t) => {
          let s = 0; let n = 0;
          for (let i = 0; i < d.actual.length; i++) if (Boolean(d.test[i]) === t) { s += (d.predicted[i] - d.actual[i]) ** 2; n++; }
          return Math.sqrt(s / n);
        };
        // A NaN prediction is skipped.
        const nan = Float64Array.from(d.predicted);
        nan[train] = NaN;
        dv.drawScatter(c, { ...d, predicted: nan });
        const after = c.toDataURL();
        return {
          label, train, test, hitTrain, hitTest, trainPixel, ring, far, range, l,
          rmse: [rmse(true), rmse(false)], changed: before !== after, label2: c.getAttribute('aria-label'),
          hitNan: dv.hitTest(c, ...at(train)), nanPixel: window.pixel(c, ...at(train)),
        };
      }, size);
      const m = r.label.match(/^Predicted versus actual progression for 442 rows \(89 test\): test RMSE ([\d.]+), training RMSE ([\d.]+)\.$/);
      assert.ok(m, r.label);
      assert.ok(Math.abs(Number(m[1]) - r.rmse[0]) < 0.5 && Math.abs(Number(m[2]) - r.rmse[1]) < 0.5, `${r.label} vs ${r.rmse}`);
      assert.equal(r.hitTrain.kind, 'point');
      assert.equal(r.hitTrain.index, r.train);
      assert.equal(r.hitTrain.test, false);
      assert.equal(r.hitTest.index, r.test);
      assert.equal(r.hitTest.test, true);
      assert.ok(isBlue(r.trainPixel), `training point ${r.trainPixel}`);
      assert.ok(isOrange(r.ring), `test point ring ${r.ring}`);
      assert.ok(r.l.range[0] <= r.range[0] && r.l.range[1] >= r.range[1] && r.l.range[1] - r.l.range[0] < (r.range[1] - r.range[0]) * 1.2);
      assert.equal(r.far, null);
      assert.ok(r.changed);
      assert.match(r.label2, /for 441 rows .*; 1 without a prediction\.$/);
      assert.ok(r.hitNan === null || r.hitNan.index !== r.train);
      assert.ok(!isBlue(r.nanPixel), 'the NaN point is not drawn');
    }
  });

  it('predicted versus actual without test flags, constant data, huge values', async (t) => {
    const { p } = await open(t);
    const r = await p.evaluate(() => {
      const { dv, canvas } = window.fixture;
      const c = canvas('s', 400, 300);
      dv.drawScatter(c, { actual: [1, 2, 3, 4], predicted: [1, 2, 3, 5], targetName: 'y' });
      const a = c.getAttribute('aria-label');
      dv.drawScatter(c, { actual: [2, 2, 2], predicted: [2, 2, 2] });
      const b = c.getAttribute('aria-label');
      const l = dv.viewLayout(c);
      dv.drawScatter(c, { actual: [1e6, 3e6, 2e7], predicted: [2e6, 2.5e6, 1.8e7], test: [true, false, true], targetName: 'price' });
      return { a, b, l, c: c.getAttribute('aria-label') };
    });
    assert.equal(r.a, 'Predicted versus actual y for 4 rows: RMSE 0.5.');
    assert.equal(r.b, 'Predicted versus actual target for 3 rows: RMSE 0.');
    assert.ok(r.l.range[0] < 2 && r.l.range[1] > 2);
    assert.match(r.c, /^Predicted versus actual price for 3 rows \(2 test\): test RMSE 1\.58e\+6, training RMSE 500000\.$/);
  });

  it('digits: real images, labels where the layout says, wrong predictions marked in red', async (t) => {
    const { p } = await open(t);
    for (const [w, h] of [[300, 300], [700, 360]]) {
      const r = await p.evaluate(([w, h]) => {
        const { dv, data, canvas } = window.fixture;
        const c = canvas('d', w, h);
        const d = data.digits;
        dv.drawDigits(c, d);
        const label = c.getAttribute('aria-label');
        const l = dv.viewLayout(c);
        const origin = (j) => [l.x0 + (j % l.cols) * (l.size + l.gap), l.y0 + Math.floor(j / l.cols) * (l.size + l.labelHeight + l.gap)];
        const centre = (j) => { const [x, y] = origin(j); return [x + l.size / 2, y + l.size / 2]; };
        const hits = l.shown.map((_, j) => dv.hitTest(c, ...centre(j)));
        const labelHit = dv.hitTest(c, origin(3)[0] + l.size / 2, origin(3)[1] + l.size + l.labelHeight / 2);
        const border = (j) => { const [x, y] = origin(j); return window.pixel(c, x - 2, y + l.size / 2); };
        const wrongBorder = border(3);
        const rightBorder = border(0);
        // Ink where the image of a 0 has its stroke (row 1, column 3 of digits.csv's first row is 15).
        const ink = window.pixel(c, origin(0)[0] + (3.5 * l.size) / 8, origin(0)[1] + (1.5 * l.size) / 8);
        const paper = window.pixel(c, origin(0)[0] + (0.5 * l.size) / 8, origin(0)[1] + (0.5 * l.size) / 8);
        const before = c.toDataURL();
        dv.drawDigits(c, { ...d, predicted: d.labels });
        const allRight = c.toDataURL();
        const label2 = c.getAttribute('aria-label');
        const rightAfter = border(3);
        dv.drawDigits(c, { ...d, wrongFirst: true });
        const first = dv.viewLayout(c).shown.slice(0, 3);
        const label3 = c.getAttribute('aria-label');
        const nan = Float64Array.from(d.predicted);
        nan[3] = NaN;
        dv.drawDigits(c, { ...d, predicted: nan });
        const label4 = c.getAttribute('aria-label');
        const nanBorder = border(3);
        dv.drawDigits(c, { images: d.images, labels: d.labels, limit: 12 });
        const label5 = c.getAttribute('aria-label');
        return {
          label, l, hits, labelHit, wrongBorder, rightBorder, ink, paper, changed: before !== allRight, label2, rightAfter,
          first, label3, label4, nanBorder, label5, labels: Array.from(d.labels.slice(0, 60)), predicted: Array.from(d.predicted.slice(0, 60)),
        };
      }, [w, h]);
      assert.equal(r.label, 'Digits: 60 of 120 images shown, 51 of 60 predicted correctly.');
      assert.equal(r.l.shown.length, 60, 'all 60 fit');
      assert.ok(r.l.size >= (w < 400 ? 22 : 44), `images of ${r.l.size} px at ${w} px`);
      assert.ok(r.l.x0 >= 0 && r.l.x0 + r.l.cols * (r.l.size + r.l.gap) - r.l.gap <= w);
      r.hits.forEach((hit, j) => {
        assert.deepEqual(hit, {
          kind: 'digit', index: j, label: r.labels[j], predicted: r.predicted[j],
          labelName: String(r.labels[j]), predictedName: String(r.predicted[j]),
        });
      });
      assert.equal(r.labelHit.index, 3, 'the label belongs to its image');
      assert.notEqual(r.predicted[3], r.labels[3]);
      assert.ok(isRed(r.wrongBorder), `wrong prediction's border ${r.wrongBorder}`);
      assert.ok(!isRed(r.rightBorder), `right prediction's border ${r.rightBorder}`);
      assert.ok(!isRed(r.rightAfter), 'no mark once the prediction is right');
      assert.ok(r.ink[0] < 80, `ink ${r.ink}`);
      assert.ok(r.paper[0] > 240, `paper ${r.paper}`);
      assert.ok(r.changed);
      assert.equal(r.label2, 'Digits: 60 of 120 images shown, 60 of 60 predicted correctly.');
      assert.deepEqual(r.first, [3, 10, 17]);
      assert.equal(r.label3, 'Digits: 60 of 120 images shown, 43 of 60 predicted correctly (wrong predictions first).');
      assert.equal(r.label4, 'Digits: 60 of 120 images shown, 51 of 59 predicted correctly.');
      assert.ok(!isRed(r.nanBorder), 'no mark without a prediction');
      assert.equal(r.label5, 'Digits: 12 of 120 images shown, not yet predicted.');
    }
  });

  it('digits: a small canvas shows as many as fit; hitTest between images is null', async (t) => {
    const { p } = await open(t);
    const r = await p.evaluate(() => {
      const { dv, data, canvas } = window.fixture;
      const c = canvas('d', 200, 90);
      dv.drawDigits(c, { ...data.digits, limit: 100 });
      const l = dv.viewLayout(c);
      return { l, label: c.getAttribute('aria-label'), below: dv.hitTest(c, 100, 89.5), gap: dv.hitTest(c, l.x0 + l.size + l.gap / 2 + 0.5, l.y0 + 2) };
    });
    assert.equal(r.l.size, 20);
    assert.ok(r.l.shown.length > 0 && r.l.shown.length < 100);
    assert.match(r.label, new RegExp(`^Digits: ${r.l.shown.length} of 120 images shown, \\d+ of ${r.l.shown.length} predicted correctly\\.$`));
    assert.equal(r.gap?.index ?? 1, 1, 'the gap belongs to a neighbour or nothing');
  });

  it('empty input draws a note, does not throw, and hits nothing', async (t) => {
    const { p } = await open(t);
    const r = await p.evaluate(() => {
      const { dv, canvas } = window.fixture;
      const c = canvas('e', 300, 200);
      const out = [];
      const draws = [
        () => dv.drawConfusion(c, { matrix: [], classNames: [] }),
        () => dv.drawConfusion(c, {}),
        () => dv.drawConfusion(c),
        () => dv.drawConfusion(c, { matrix: [[0, 0], [0, 0]] }),
        () => dv.drawScatter(c, { actual: [], predicted: [] }),
        () => dv.drawScatter(c, { actual: [1, 2], predicted: [NaN, NaN], targetName: 'y' }),
        () => dv.drawScatter(c),
        () => dv.drawDigits(c, { images: new Float32Array(0), labels: [], predicted: [] }),
        () => dv.drawDigits(c, {}),
        () => dv.drawDigits(c, { images: new Float32Array(64), limit: 0 }),
      ];
      const blank = (() => { const b = document.createElement('canvas'); b.width = c.width; b.height = c.height; return b.toDataURL(); })();
      for (const draw of draws) {
        draw();
        out.push({ label: c.getAttribute('aria-label'), hit: dv.hitTest(c, 150, 100), drawn: c.toDataURL() !== blank, role: c.getAttribute('role') });
      }
      return out;
    });
    assert.deepEqual(r.map((x) => x.label), [
      'Confusion matrix: no data.', 'Confusion matrix: no data.', 'Confusion matrix: no data.', 'Confusion matrix: no data.',
      'Predicted versus actual target: no data.', 'Predicted versus actual y: no data.', 'Predicted versus actual target: no data.',
      'Digits: no data.', 'Digits: no data.', 'Digits: no data.',
    ]);
    for (const x of r) {
      assert.equal(x.hit, null);
      assert.ok(x.drawn, 'the "no data" note is drawn');
      assert.equal(x.role, 'img');
    }
  });

  it('sizes the backing store for the pixel ratio and redraws cheaply', async (t) => {
    const { p } = await open(t, { scale: 2 });
    const r = await p.evaluate(() => {
      const { dv, data, canvas } = window.fixture;
      const c = canvas('c', 520, 520);
      const time = (draw) => {
        draw();
        const t0 = performance.now();
        for (let i = 0; i < 30; i++) draw();
        return (performance.now() - t0) / 30;
      };
      return {
        confusion: time(() => dv.drawConfusion(c, data.digits10)),
        scatter: time(() => dv.drawScatter(c, data.diabetes)),
        digits: time(() => dv.drawDigits(c, data.digits)),
        backing: [c.width, c.height],
        hit: (() => { const l = dv.viewLayout(c); return dv.hitTest(c, l.x0 + l.size / 2, l.y0 + l.size / 2); })(),
      };
    });
    assert.deepEqual(r.backing, [1040, 1040]);
    assert.equal(r.hit.index, 0, 'hitTest works in CSS px at any pixel ratio');
    for (const view of ['confusion', 'scatter', 'digits']) assert.ok(r[view] < 25, `${view}: ${r[view].toFixed(1)} ms a redraw`);
  });

  it('screenshots at 300 and 700 px', async (t) => {
    const { p } = await open(t, { width: 1600, height: 1200, scale: 2 });
    for (const width of [300, 700]) {
      await p.evaluate((width) => window.fixture.showAll(width), width);
      for (const id of ['confusion-iris', 'confusion-cancer', 'confusion-digits', 'confusion-long', 'scatter', 'digits']) {
        await p.locator(`figure:has(#${id})`).screenshot({ path: `${shots}/dataviews-${id}-${width}.png` });
      }
    }
  });
});
