// linechart.test.mjs - the page's line chart's axes (web/js/linechart.mjs):
// its ticks are round, in range, cover the range, and a log axis always has at
// least two of them, however narrow the losses' range; the numbers it writes.
// (The drawing itself is checked in Chromium: tests/browser/page-pace's
// legend, page-race's and tune-panel's curves.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chartNumber, logTicks, ticks } from '../../web/js/linechart.mjs';

/** True if v > 0 is 1, 2 or 5 times a power of ten. */
const round = (v) => [1, 2, 5, 10].some((m) => Math.abs(v / 10 ** Math.floor(Math.log10(v)) - m) < 1e-6);

describe('ticks', () => {
  const ranges = [[0, 1], [0, 0.735], [0, 30], [0, 7.3e-6], [0, 123456], [0.655, 0.705], [-3, 4], [1, 2]];
  for (const [lo, hi] of ranges) {
    it(`from ${lo} to ${hi}: evenly spaced round steps, inside, about the count asked`, () => {
      const t = ticks(lo, hi, 5);
      assert.ok(t.length >= 2 && t.length <= 11, `${t}`);
      for (const v of t) assert.ok(v >= lo - 1e-12 && v <= hi + 1e-12, `${v} in [${lo}, ${hi}]`);
      const step = t[1] - t[0];
      for (let i = 1; i < t.length; i++) assert.ok(Math.abs(t[i] - t[i - 1] - step) < step * 1e-6, `even: ${t}`);
      assert.ok(round(step), `round step ${step}`);
      assert.ok(t[0] - lo < step + 1e-12 && hi - t[t.length - 1] < step + 1e-12, `covers: ${t}`);
    });
  }
  it('whole steps for epochs, never fractional', () => {
    assert.deepEqual(ticks(0, 3, 10, true), [0, 1, 2, 3]);
    for (const v of ticks(1, 997, 7, true)) assert.ok(Number.isInteger(v));
  });
  it('a range of one value is that value', () => assert.deepEqual(ticks(2, 2, 5), [2]));
});

describe('logTicks', () => {
  const ranges = [[1e-6, 10], [0.01, 3], [0.655, 0.705], [0.2, 0.21], [3e-4, 5e-4], [1, 1e12]];
  for (const [lo, hi] of ranges) {
    it(`from ${lo} to ${hi}: at least two, positive, inside, ascending`, () => {
      const t = logTicks(lo, hi);
      assert.ok(t.length >= 2 && t.length <= 12, `${t}`);
      for (let i = 0; i < t.length; i++) {
        assert.ok(t[i] > 0 && t[i] >= lo * (1 - 1e-9) && t[i] <= hi * (1 + 1e-9), `${t[i]} in [${lo}, ${hi}]`);
        if (i) assert.ok(t[i] > t[i - 1]);
      }
    });
  }
  it('decades over a wide range', () => assert.deepEqual(logTicks(1e-6, 10), [1e-6, 1e-4, 1e-2, 1]));
});

it('chartNumber: 4 significant digits, exponents for the very small and large, a dash for none', () => {
  assert.equal(chartNumber(0.67), '0.6700');
  assert.equal(chartNumber(0), '0');
  assert.equal(chartNumber(2.5e-7), '2.500e-7');
  assert.equal(chartNumber(123456), '1.235e+5');
  for (const v of [null, undefined, NaN, Infinity]) assert.equal(chartNumber(v), '–');
});
