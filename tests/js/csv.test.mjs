// csv.test.mjs - parseCSV from text or bytes, what a large file costs the
// module's memory, and the worker's parseCSV from a Blob, from bytes, and
// with its rows already split (subsets).
//
// Run: node --test --test-reporter=tap tests/js/
// DESCENT_DIST may name another directory (or file: URL) holding the build.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dist, prng } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const { DescentClient } = await import(new URL('client.mjs', dist));
const workerUrl = new URL('worker.mjs', dist);

const iris = readFileSync(new URL('../../web/data/iris.csv', import.meta.url), 'utf8');

let descent;

before(async () => {
  descent = await loadDescent();
});

/** rows × (features + 1) numbers with 3 decimals, the last a regression target. */
function numericCsv(rows, features, seed) {
  const r = prng(seed);
  const lines = [[...Array(features).keys()].map((j) => `x${j}`).concat('y').join(',')];
  for (let i = 0; i < rows; i++) {
    const row = [];
    for (let j = 0; j <= features; j++) row.push((r() * 20 - 10).toFixed(3));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('parseCSV', () => {
  it('reads UTF-8 bytes (a Uint8Array, a Buffer, an ArrayBuffer) as it reads the string', () => {
    const text = `${iris.replace('species', 'espèce')}`;
    const fromText = descent.parseCSV(text, { target: 'espèce' });
    const utf8 = new TextEncoder().encode(text);
    for (const bytes of [utf8, Buffer.from(text, 'utf8'), utf8.buffer.slice(0)]) {
      assert.deepStrictEqual(descent.parseCSV(bytes, { target: 'espèce' }), fromText);
    }
    assert.equal(fromText.targetName, 'espèce');
    // Non-ASCII class names, and an ASCII text read in place.
    const named = descent.parseCSV('a,kind\n1,größer\n2,klein\n3,größer\n');
    assert.deepEqual(named.classNames, ['größer', 'klein']);
    assert.deepStrictEqual(descent.parseCSV('a,kind\n1,big\n2,small\n'), descent.parseCSV(new TextEncoder().encode('a,kind\n1,big\n2,small\n')));
    assert.throws(() => descent.parseCSV(new TextEncoder().encode('a,b,c\n1,x,2\n')), /parseCSV: line 2, column 2 \('b'\): 'x' is not a number/);
    assert.throws(() => descent.parseCSV([1, 2]), /parseCSV: text must be a string, got an array \(or UTF-8 bytes/);
  });

  it('a large numeric text costs the module about the text and the float matrix, no more', async () => {
    const d = await loadDescent(); // its own memory, which only grows
    const text = numericCsv(60000, 19, 7);
    const before = d.memoryBytes;
    const set = d.parseCSV(text);
    const grown = d.memoryBytes - before;
    const matrix = set.n * (set.features + set.outputs) * 4;
    assert.equal(set.n, 60000);
    // The text once (in the heap), the matrix, a few bytes a row, and the
    // heap's own growth steps; the whole text split into fields took 9 times.
    const bound = 1.5 * text.length + matrix + 4e6;
    assert.ok(grown <= bound, `wasm memory grew by ${grown} bytes for a ${text.length}-byte text (bound ${bound})`);
  });
});

describe('the worker\'s parseCSV', () => {
  it('reads a Blob and bytes in the worker; subsets gives the split rows themselves', async (t) => {
    const client = await DescentClient.create({ url: workerUrl });
    t.after(() => client.terminate());
    const here = descent.parseCSV(iris, { target: 'species' });
    const fromBlob = await client.parseCSV({ text: new Blob([iris]), target: 'species' });
    assert.deepStrictEqual(fromBlob.x, here.x);
    assert.deepStrictEqual(fromBlob.labels, here.labels);
    const bytes = new TextEncoder().encode(iris);
    const fromBytes = await client.parseCSV({ text: bytes, target: 'species' });
    assert.deepStrictEqual(fromBytes.y, here.y);
    assert.equal(bytes.length, 0, 'bytes are transferred');

    const split = await client.parseCSV({ text: new Blob([iris]), target: 'species', testFraction: 0.2, splitSeed: 3, subsets: true, scalers: true });
    const expected = descent.trainTestSplit(here.n, { testFraction: 0.2, labels: here.labels, seed: 3 });
    assert.deepStrictEqual(split.train, expected.train);
    for (const [name, rows] of [['trainSet', expected.train], ['testSet', expected.test]]) {
      const want = descent.subset(here, rows);
      assert.deepStrictEqual(split[name], { n: want.n, x: want.x, y: want.y, labels: want.labels }, name);
    }
    assert.deepStrictEqual(split.inputScaler, descent.fitScaler(descent.subset(here, expected.train).x, 4));

    await assert.rejects(client.parseCSV({ text: new Blob(['a,b,c\n1,2,3\n3,x,4\n']) }), /parseCSV: line 3, column 2 \('b'\): 'x' is not a number/);
    await assert.rejects(client.parseCSV({ text: iris, subsets: true }), /parseCSV: subsets needs testFraction/);
    await assert.rejects(client.parseCSV({ text: 42 }), /parseCSV: text must be a string, got number/);
  });
});
