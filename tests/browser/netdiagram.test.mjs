// netdiagram.test.mjs - the network diagram (web/js/netdiagram.mjs) in
// headless Chromium, on its fixture page (tests/browser/netdiagram.html): the
// weight lines take the weights' colours, hovering a line or a node shows its
// exact value (the pointer handling, netpointer.mjs, loaded on first use),
// the thumbnails are the neurons' real outputs over the plane as
// the model gives them (layerOutputs for the diagram's planeInputs; checked
// against a forward pass written out here and against descent's own
// predict), the edge cases (no hidden layer, 256 units, one
// input, eight hidden layers, ten softmax outputs, 360 px) draw cleanly, and
// the console stays quiet. The draw time is measured and reported, not
// asserted. Screenshots go to build-wasm/screenshots/netdiagram-*.png (looked
// at by a person, not compared).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { root, shots, useBrowser, openPage } from './support.mjs';

const staged = existsSync(`${root}web/lib/descent.mjs`);
const session = useBrowser({ serveDir: root });

/** The fixture page, loaded; console errors and warnings (and page errors) are collected. */
const open = (t, { width = 1100, height = 900, scale = 1 } = {}) => openPage(session, t, {
  path: 'tests/browser/netdiagram.html', width, height, scale, ready: (p) => p.waitForFunction(() => window.ndReady === true),
});

const make = (p, id, spec) => p.evaluate(([i, s]) => window.nd.make(i, s), [id, spec]);
const locate = (p, id, item) => p.evaluate(([i, it]) => window.nd.get(i).diagram.locate(it), [id, item]);
const pixel = (p, id, at, half = 0) => p.evaluate(([i, a, h]) => window.nd.pixel(i, a.x, a.y, h), [id, at, half]);
const tip = (p, id) => p.evaluate((i) => window.nd.tip(i), id);

/** Moves the mouse to (x, y) in the diagram's canvas (CSS px). */
async function hover(p, id, at) {
  const b = await p.evaluate((i) => window.nd.box(i), id);
  await p.mouse.move(b.x + at.x, b.y + at.y);
}

async function shot(p, id, name) {
  await p.locator(`#${id}`).screenshot({ path: `${shots}/netdiagram-${name}.png` });
}

/** A 2 → 3 → 1 net with known weights: kernel [in][out] row-major. */
const SMALL = {
  sizes: [2, 3, 1],
  activations: ['tanh', 'sigmoid'],
  features: ['x1', 'x2'],
  weights: [
    { kernel: [-0.4213, 1.25, 0.05, 0.9, -0.3, 2.0], bias: [0.1, -0.2, 0.3] },
    { kernel: [1.5, -0.75, 0.6], bias: [-0.125] },
  ],
};

const negated = (ws) => ws.map(({ kernel, bias }) => ({ kernel: kernel.map((v) => -v), bias: bias && bias.map((v) => -v) }));

/** Blue (positive weight) vs orange (negative): which channel dominates. */
const hue = ([r, , b]) => (b > r + 20 ? 'blue' : r > b + 20 ? 'orange' : 'neutral');

describe('network diagram', () => {
  it('colours each weight line by its sign, and flips with it', async (t) => {
    const { p, messages } = await open(t);
    await make(p, 'sign', { ...SMALL, plane: false });
    // layer 1, x₂ → neuron 3 is w = 2.0 (the largest: the thickest line); x₁ → neuron 1 is -0.4213.
    const big = await locate(p, 'sign', { layer: 1, from: 1, to: 2 });
    const neg = await locate(p, 'sign', { layer: 1, from: 0, to: 0 });
    const before = { big: await pixel(p, 'sign', big, 1), neg: await pixel(p, 'sign', neg) };
    const dataBefore = await p.evaluate(() => document.querySelector('#sign canvas').toDataURL());
    assert.equal(hue(before.big), 'blue', `w = 2.0 is drawn blue: ${before.big}`);
    assert.equal(hue(before.neg), 'orange', `w = -0.4213 is drawn orange: ${before.neg}`);
    await shot(p, 'sign', 'small-circles');

    await p.evaluate((ws) => {
      const { diagram } = window.nd.get('sign');
      diagram.setWeights(ws.map(({ kernel, bias }) => ({ kernel: Float32Array.from(kernel), bias: Float32Array.from(bias) })));
      diagram.draw();
    }, negated(SMALL.weights));
    const after = { big: await pixel(p, 'sign', big, 1), neg: await pixel(p, 'sign', neg) };
    const dataAfter = await p.evaluate(() => document.querySelector('#sign canvas').toDataURL());
    assert.notEqual(dataAfter, dataBefore, 'the canvas changes with the signs');
    assert.equal(hue(after.big), 'orange', `w = -2.0 is drawn orange: ${after.big}`);
    assert.equal(hue(after.neg), 'blue', `w = 0.4213 is drawn blue: ${after.neg}`);
    // The largest |w| is drawn more opaque than a small one.
    const small = await pixel(p, 'sign', await locate(p, 'sign', { layer: 1, from: 0, to: 2 })); // w = -0.05 now
    assert.ok(small[3] < after.big[3] - 80, `a small weight fades: ${small} vs ${after.big}`);
    assert.deepEqual(messages, []);
  });

  it('shows a weight\'s exact value when hovering its line, and a bias on a node', async (t) => {
    const { p, messages } = await open(t);
    await make(p, 'hover', SMALL);
    // The pointer handling (netpointer.mjs) loads on first use; the first hover is answered once it has.
    assert.equal(await p.evaluate(() => window.nd.pointerFetched()), false, 'no pointer handling fetched before a pointer comes');
    assert.equal(await p.locator('#hover .netdiagram-tip').count(), 0, 'no tooltip before hovering');
    await hover(p, 'hover', await locate(p, 'hover', { layer: 1, from: 0, to: 0 }));
    assert.equal(await tip(p, 'hover'), 'layer 1, x₁ → neuron 1: w = -0.4213');
    await shot(p, 'hover', 'hover-weight');
    await hover(p, 'hover', await locate(p, 'hover', { layer: 2, from: 1, to: 0 }));
    assert.equal(await tip(p, 'hover'), 'layer 2, neuron 2 → ŷ: w = -0.7500');
    await hover(p, 'hover', await locate(p, 'hover', { column: 1, index: 2 }));
    assert.equal(await tip(p, 'hover'), 'layer 1, neuron 3 (tanh): b = 0.3000');
    await hover(p, 'hover', await locate(p, 'hover', { column: 2, index: 0 }));
    assert.equal(await tip(p, 'hover'), 'output ŷ (sigmoid): b = -0.1250');
    await hover(p, 'hover', await locate(p, 'hover', { column: 0, index: 1 }));
    assert.equal(await tip(p, 'hover'), 'input x₂');
    // The value follows new weights while the pointer stays put.
    await hover(p, 'hover', await locate(p, 'hover', { layer: 1, from: 0, to: 0 }));
    await p.evaluate(() => {
      const { diagram, weights } = window.nd.get('hover');
      const w = weights.map(({ kernel, bias }) => ({ kernel: kernel.slice(), bias: bias.slice() }));
      w[0].kernel[0] = 0.123456;
      diagram.setWeights(w);
      diagram.draw();
    });
    assert.equal(await tip(p, 'hover'), 'layer 1, x₁ → neuron 1: w = 0.1235');
    // Away from everything: no tooltip.
    await p.mouse.move(2, 2);
    assert.equal(await tip(p, 'hover'), null);
    assert.deepEqual(messages, []);
  });

  it('steps through neurons and weights with the arrow keys', async (t) => {
    const { p, messages } = await open(t);
    await make(p, 'keys', SMALL);
    const label = await p.getAttribute('#keys .diagram', 'aria-label');
    assert.match(label, /2 inputs \(x₁, x₂\) → 3 tanh → 1 sigmoid output/);
    assert.equal(await p.getAttribute('#keys .diagram', 'role'), 'img');
    await p.focus('#keys .diagram');
    await p.keyboard.press('ArrowDown');
    assert.equal(await tip(p, 'keys'), 'input x₁');
    await p.keyboard.press('ArrowDown');
    assert.equal(await tip(p, 'keys'), 'input x₂');
    await p.keyboard.press('ArrowRight');
    assert.equal(await tip(p, 'keys'), 'layer 1, x₁ → neuron 2: w = 1.2500');
    await p.keyboard.press('ArrowRight');
    assert.equal(await tip(p, 'keys'), 'layer 1, neuron 2 (tanh): b = -0.2000');
    await p.keyboard.press('Escape');
    assert.equal(await tip(p, 'keys'), null);
    assert.deepEqual(messages, []);
  });

  it('draws each neuron\'s output over the plane, as the model gives it', async (t) => {
    const { p, messages } = await open(t, { scale: 2 });
    // Neuron 1 looks at x₁ only, neuron 2 at x₂ only; leaky_relu with alpha 0.1 after.
    await make(p, 'thumbs', {
      sizes: [2, 2, 2, 1],
      activations: ['tanh', 'leaky_relu', 'linear'],
      alpha: 0.1,
      features: ['x1', 'x2'],
      weights: [
        { kernel: [3, 0, 0, 3], bias: [0, 0] },
        { kernel: [1, -2, 0.5, 1], bias: [0.25, 0] },
        { kernel: [1, -1], bias: [0.5] },
      ],
    });
    const a = await p.evaluate(() => window.nd.nodePixels('thumbs', 1, 0));
    const b = await p.evaluate(() => window.nd.nodePixels('thumbs', 1, 1));
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    assert.ok(diff / a.length > 10, `two neurons with different weights look different (mean |Δ| ${diff / a.length})`);

    // Neuron 1 = tanh(3·x₁): orange on the left, blue on the right; neuron 2 = tanh(3·x₂): orange below, blue above.
    const at = await locate(p, 'thumbs', { column: 1, index: 0 });
    const size = await p.evaluate(() => window.nd.get('thumbs').box.querySelector('canvas').style.height) && 8;
    assert.equal(hue(await pixel(p, 'thumbs', { x: at.x - size, y: at.y }, 1)), 'orange');
    assert.equal(hue(await pixel(p, 'thumbs', { x: at.x + size, y: at.y }, 1)), 'blue');
    const at2 = await locate(p, 'thumbs', { column: 1, index: 1 });
    assert.equal(hue(await pixel(p, 'thumbs', { x: at2.x, y: at2.y + size }, 1)), 'orange');
    assert.equal(hue(await pixel(p, 'thumbs', { x: at2.x, y: at2.y - size }, 1)), 'blue');

    // Every neuron's grid equals a forward pass done here (row 0 the top: b from 6 down to -6).
    const grids = await p.evaluate(() => {
      const { diagram } = window.nd.get('thumbs');
      const out = [];
      for (const [c, n] of [[0, 2], [1, 2], [2, 2], [3, 1]]) for (let i = 0; i < n; i++) out.push(Array.from(diagram.neuronGrid(c, i)));
      return out;
    });
    const g = 16;
    const expect = [[], [], [], [], [], [], []];
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const x1 = Math.fround((-6 + (c + 0.5) * 0.75) / 6);
        const x2 = Math.fround((6 - (r + 0.5) * 0.75) / 6);
        const h1 = [Math.tanh(3 * x1), Math.tanh(3 * x2)];
        const z2 = [h1[0] * 1 + h1[1] * 0.5 + 0.25, h1[0] * -2 + h1[1] * 1];
        const h2 = z2.map((v) => (v < 0 ? 0.1 * v : v));
        const o = h2[0] - h2[1] + 0.5;
        [x1, x2, ...h1, ...h2, o].forEach((v, k) => expect[k].push(v));
      }
    }
    for (let k = 0; k < expect.length; k++) {
      for (let i = 0; i < g * g; i++) {
        assert.ok(Math.abs(grids[k][i] - expect[k][i]) < 1e-5, `node ${k}, cell ${i}: ${grids[k][i]} vs ${expect[k][i]}`);
      }
    }
    await shot(p, 'thumbs', 'thumbs-known');
    assert.deepEqual(messages, []);
  });

  it('draws a net with no hidden layer, and one with ten softmax outputs', async (t) => {
    const { p, messages } = await open(t);
    assert.equal(await make(p, 'direct', { sizes: [2, 1], activations: ['sigmoid'], features: ['x1', 'x2'], title: '2 → 1 (logistic regression)' }), true);
    assert.equal(await tip(p, 'direct'), null);
    await hover(p, 'direct', await locate(p, 'direct', { layer: 1, from: 1, to: 0 }));
    assert.match(await tip(p, 'direct'), /^layer 1, x₂ → ŷ: w = -?\d\.\d{4}$/);
    await shot(p, 'direct', 'no-hidden');
    await make(p, 'softmax', {
      sizes: [7, 8, 10], activations: ['relu', 'softmax'], features: ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2'],
      outputNames: Array.from({ length: 10 }, (_, i) => `class ${i}`), title: '7 features → 8 relu → 10 softmax',
    });
    // The softmax outputs sum to 1 in every cell.
    const sums = await p.evaluate(() => {
      const { diagram } = window.nd.get('softmax');
      const grids = Array.from({ length: 10 }, (_, i) => diagram.neuronGrid(2, i));
      return Array.from({ length: 256 }, (_, k) => grids.reduce((s, g) => s + g[k], 0));
    });
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, `softmax sums to ${s}`);
    await shot(p, 'softmax', 'softmax');
    assert.deepEqual(messages, []);
  });

  it('draws 256-unit layers as their first 32 neurons and "+224 more"', async (t) => {
    const { p, messages } = await open(t);
    assert.equal(await make(p, 'wide', { sizes: [2, 256, 256, 1], activations: ['relu', 'relu', 'sigmoid'], features: ['x1', 'x2'], title: '2 → 256 → 256 → 1' }), true);
    const more = await locate(p, 'wide', { column: 1, more: true });
    assert.ok(more, 'the marker is drawn');
    assert.ok(await locate(p, 'wide', { column: 1, index: 31 }), 'neuron 32 is drawn');
    assert.equal(await locate(p, 'wide', { column: 1, index: 32 }), null, 'neuron 33 is not drawn');
    await hover(p, 'wide', more);
    assert.equal(await tip(p, 'wide'), '+224 more neurons not drawn (256 in all)');
    // The marker's text is there: dark pixels around it.
    const px = await pixel(p, 'wide', more, 6);
    assert.ok(px[0] < 245, `text at the marker: ${px}`);
    assert.match(await p.getAttribute('#wide .diagram', 'aria-label'), /first 32 neurons/);
    // Hovering the last drawn line of the big layer works.
    await hover(p, 'wide', await locate(p, 'wide', { layer: 2, from: 31, to: 31 }));
    assert.match(await tip(p, 'wide'), /^layer 2, neuron 32 → neuron 32: w = -?\d\.\d{4}$/);
    // Its thumbnails use a coarser grid (the model's pass over 66 k weights at 16 × 16 would be 17 M multiply-adds).
    assert.equal(await p.evaluate(() => window.nd.get('wide').diagram.planeInputs().length), 64 * 2);
    assert.equal(await p.evaluate(() => window.nd.get('wide').diagram.neuronGrid(3, 0).length), 64);
    // Outputs for another grid or architecture are refused.
    assert.equal(await p.evaluate(() => window.nd.get('wide').diagram.setLayerOutputs([new Float32Array(256 * 256)])), false);
    const ms = await p.evaluate(async () => {
      const { diagram, net } = window.nd.get('wide');
      const ws = window.nd.seeded([2, 256, 256, 1], 9);
      const outputs = await window.nd.layerOutputs(net, ws, diagram.planeInputs());
      const t0 = performance.now();
      diagram.setWeights(ws);
      diagram.setLayerOutputs(outputs);
      diagram.draw();
      return performance.now() - t0;
    });
    t.diagnostic(`2 → 256 → 256 → 1 with 16×16 thumbnails (an 8 × 8 grid): setWeights + setLayerOutputs + draw ${ms.toFixed(2)} ms`);
    await shot(p, 'wide', '256');
    assert.deepEqual(messages, []);
  });

  it('draws a one-input net without a plane, and eight hidden layers at 360 px', async (t) => {
    const { p, messages } = await open(t, { width: 400, height: 800, scale: 2 });
    await make(p, 'oned', { width: 360, sizes: [1, 8, 8, 1], activations: ['tanh', 'tanh', 'linear'], inputNames: ['x'], plane: false, title: '1-D regression' });
    await hover(p, 'oned', await locate(p, 'oned', { column: 1, index: 0 }));
    assert.match(await tip(p, 'oned'), /^layer 1, neuron 1 \(tanh\): b = -?\d\.\d{4}$/);
    await p.mouse.move(0, 0);
    await shot(p, 'oned', 'one-input-360');
    await make(p, 'deep', {
      width: 360, sizes: [2, 8, 8, 8, 8, 8, 8, 8, 8, 1],
      activations: ['relu', 'leaky_relu', 'tanh', 'relu', 'relu', 'relu', 'sigmoid', 'linear', 'sigmoid'],
      features: ['x1', 'x2'], title: 'eight hidden layers at 360 px',
    });
    await make(p, 'narrow', {
      width: 360, sizes: [7, 16, 16, 1], activations: ['relu', 'relu', 'sigmoid'],
      features: ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sin1', 'sin2'], title: '7 features → 16 → 16 → 1 at 360 px',
    });
    // It fits the panel: no wider than the container.
    for (const id of ['oned', 'deep', 'narrow']) {
      const fits = await p.evaluate((i) => {
        const box = window.nd.get(i).box;
        return box.querySelector('canvas').getBoundingClientRect().width <= box.getBoundingClientRect().width + 0.5 &&
          box.scrollWidth <= box.clientWidth;
      }, id);
      assert.ok(fits, `${id} fits 360 px`);
    }
    await shot(p, 'deep', 'deep-360');
    await shot(p, 'narrow', 'features-360');
    assert.deepEqual(messages, []);
  });

  it('follows its container\'s width, and draws nothing when nothing changed', async (t) => {
    const { p, messages } = await open(t);
    await make(p, 'resize', { sizes: [2, 4, 1], activations: ['relu', 'sigmoid'], features: ['x1', 'x2'], width: 900 });
    const w1 = await p.evaluate(() => window.nd.get('resize').box.querySelector('canvas').width);
    await p.evaluate(() => { document.getElementById('resize').style.width = '420px'; });
    await p.waitForFunction((w) => window.nd.get('resize').box.querySelector('canvas').width !== w, w1);
    const w2 = await p.evaluate(() => window.nd.get('resize').box.querySelector('canvas').width);
    assert.ok(w2 < w1, `narrower: ${w1} -> ${w2}`);
    // A draw with nothing changed leaves the canvas alone (and is cheap).
    const same = await p.evaluate(() => {
      const { diagram, box } = window.nd.get('resize');
      const canvas = box.querySelector('canvas');
      canvas.getContext('2d').fillStyle = '#f00';
      canvas.getContext('2d').fillRect(0, 0, 4, 4);
      diagram.draw();
      return Array.from(canvas.getContext('2d').getImageData(1, 1, 1, 1).data);
    });
    assert.deepEqual(same, [255, 0, 0, 255]);
    // Weights of another shape are refused, not drawn.
    assert.equal(await p.evaluate(() => window.nd.get('resize').diagram.setWeights(window.nd.seeded([2, 5, 1]))), false);
    // destroy() leaves the container as it was.
    const left = await p.evaluate(() => {
      const { diagram, box } = window.nd.get('resize');
      diagram.destroy();
      return { html: box.innerHTML, attrs: box.getAttributeNames() };
    });
    assert.deepEqual(left, { html: '', attrs: ['class'] });
    assert.deepEqual(messages, []);
  });

  it('takes well under a frame for setWeights + setLayerOutputs + draw of 2 → 16 → 16 → 1 with 16×16 thumbnails', async (t) => {
    const { p, messages } = await open(t);
    await make(p, 'timed', { sizes: [2, 16, 16, 1], activations: ['relu', 'relu', 'sigmoid'], features: ['x1', 'x2'], title: '2 → 16 → 16 → 1' });
    const times = await p.evaluate(async () => {
      const { diagram, net } = window.nd.get('timed');
      const sets = Array.from({ length: 8 }, (_, k) => window.nd.seeded([2, 16, 16, 1], 100 + k));
      const outputs = [];
      for (const ws of sets) outputs.push(await window.nd.layerOutputs(net, ws, diagram.planeInputs()));
      const out = [];
      // One update per animation frame, as while training.
      for (let k = 0; k < 120; k++) {
        await new Promise((ok) => requestAnimationFrame(ok));
        const t0 = performance.now();
        diagram.setWeights(sets[k % 8]);
        diagram.setLayerOutputs(outputs[k % 8]);
        diagram.draw();
        out.push(performance.now() - t0);
      }
      // A draw with nothing changed.
      const t1 = performance.now();
      for (let k = 0; k < 1000; k++) diagram.draw();
      const idle = (performance.now() - t1) / 1000;
      out.sort((a, b) => a - b);
      return { median: out[60], p95: out[114], max: out[119], idle };
    });
    t.diagnostic(`setWeights + setLayerOutputs + draw, 2 → 16 → 16 → 1, 16×16 thumbnails: median ${times.median.toFixed(3)} ms, p95 ${times.p95.toFixed(3)} ms, max ${times.max.toFixed(3)} ms; draw with nothing changed ${(times.idle * 1000).toFixed(2)} µs`);
    await shot(p, 'timed', '16x16');
    assert.deepEqual(messages, []);
  });

  it('lists every feature on offer, and hands its edits to the page (setEditing, onHover)', async (t) => {
    const { p, messages } = await open(t);
    await p.evaluate(() => {
      const box = document.createElement('section');
      box.className = 'panel';
      box.id = 'edit';
      box.style.width = '640px';
      box.innerHTML = '<h2>x₁ and sin x₂ of seven, edits handed to the page</h2><div class="diagram"></div>';
      document.getElementById('panels').append(box);
      const { NetworkDiagram, FEATURES, seeded } = window.nd;
      const ids = Object.keys(FEATURES);
      const used = ['x1', 'sin2'];
      const diagram = new NetworkDiagram(box.querySelector('.diagram'));
      diagram.setArchitecture({
        sizes: [2, 3, 1], activations: ['tanh', 'sigmoid'], inputChoices: ids.map((id) => ({ name: FEATURES[id].label, used: used.includes(id) })),
      });
      const all = ids.map((id) => FEATURES[id].f);
      const mine = used.map((id) => FEATURES[id].f);
      diagram.setPlane({
        featurize: (a, b) => Float32Array.from(mine, (f) => f(a, b)), pictures: (a, b) => Float32Array.from(all, (f) => f(a, b)), domain: [-6, 6], cells: 16,
      });
      diagram.setWeights(seeded([2, 3, 1], 4));
      const calls = [];
      diagram.onHover = (node) => calls.push(['hover', node]);
      diagram.setEditing({
        units: (layer, delta) => calls.push(['units', layer, delta]),
        input: (row) => calls.push(['input', row]),
        weight: (item, text) => {
          calls.push(['weight', item.layer, item.from, item.to, text]);
          if (text !== '1.5') throw new Error(`not ${text}`);
        },
      });
      diagram.draw();
      window.nd.diagrams.set('edit', { diagram, box: box.querySelector('.diagram'), calls });
    });
    const calls = () => p.evaluate(() => window.nd.get('edit').calls.splice(0));
    // Seven rows: the unused ones' pictures are there too (sin x₂'s is row 6, x₁²'s row 2).
    for (let i = 0; i < 7; i++) assert.ok(await locate(p, 'edit', { column: 0, index: i }), `row ${i}`);
    const x1sq = await p.evaluate(() => Array.from(window.nd.get('edit').diagram.neuronGrid(0, 2)));
    assert.ok(Math.abs(x1sq[0] - ((-6 + 0.375) / 6) ** 2) < 1e-6, 'x₁² over the grid');
    assert.equal(await p.getAttribute('#edit .diagram', 'role'), 'group');
    await hover(p, 'edit', await locate(p, 'edit', { column: 0, index: 2 }));
    assert.equal(await tip(p, 'edit'), 'input x₁² (not in use): click to use it');
    await hover(p, 'edit', await locate(p, 'edit', { column: 1, index: 1 }));
    const b = await p.evaluate(() => window.nd.box('edit'));
    const row = await locate(p, 'edit', { column: 0, index: 2 });
    await p.mouse.click(b.x + row.x, b.y + row.y);
    // Model input 1 (sin x₂) is row 6: its line to neuron 1, clicked at its middle.
    const mid = await locate(p, 'edit', { layer: 1, from: 1, to: 0 });
    await p.mouse.click(b.x + mid.x, b.y + mid.y);
    const field = p.locator('#edit input.netdiagram-weight');
    assert.equal(await field.getAttribute('aria-label'), 'New value for the weight layer 1, sin x₂ → neuron 1');
    await field.fill('x');
    await field.press('Enter');
    assert.equal(await p.textContent('#edit .netdiagram-weight-error'), 'not x');
    await field.fill('1.5');
    await field.press('Enter');
    assert.equal(await field.isVisible(), false);
    await p.click('#edit button.netdiagram-units[data-layer="1"][data-delta="-1"]');
    const got = await calls();
    assert.deepEqual(got.filter((c) => c[0] !== 'hover'), [['input', 2], ['weight', 1, 1, 0, 'x'], ['weight', 1, 1, 0, '1.5'], ['units', 1, -1]]);
    assert.ok(got.some((c) => c[0] === 'hover' && c[1] && c[1].column === 1 && c[1].index === 1), 'onHover names the neuron');
    await shot(p, 'edit', 'choices');
    // Locked: the buttons disabled, no field, no toggle.
    await p.evaluate(() => window.nd.get('edit').diagram.setEditing({ locked: true, units() {}, input() { throw new Error('no'); }, weight() {} }));
    await p.evaluate(() => window.nd.get('edit').diagram.draw());
    assert.equal(await p.isDisabled('#edit button.netdiagram-units[data-delta="1"]'), true);
    await p.mouse.click(b.x + mid.x, b.y + mid.y);
    assert.equal(await field.isVisible(), false);
    await p.mouse.click(b.x + row.x, b.y + row.y);
    assert.deepEqual(messages, []);
  });

  it('matches descent\'s own predictions for a trained model', { skip: !staged && 'web/lib is not staged (scripts/test or scripts/demo stage it)' }, async (t) => {
    const { p, messages } = await open(t);
    const result = await p.evaluate(async () => {
      const { loadDescent } = await import('/web/lib/descent.mjs');
      const d = await loadDescent();
      const ids = ['x1', 'x2', 'sin1', 'sin2'];
      const plane = window.nd.plane(ids, 16);
      const raw = d.generate('spiral', { n: 300, noise: 0.1, seed: 3 });
      const x = new Float32Array(raw.n * ids.length);
      for (let i = 0; i < raw.n; i++) x.set(plane.featurize(raw.x[2 * i], raw.x[2 * i + 1]), i * ids.length);
      const m = d.createModel({
        inputs: ids.length,
        layers: [{ units: 16, activation: 'tanh' }, { units: 12, activation: 'leaky_relu', alpha: 0.1 }, { units: 1, activation: 'sigmoid' }],
        loss: 'binary_crossentropy', optimizer: 'adam', seed: 5,
      });
      const scaler = d.fitScaler ? d.fitScaler(x, ids.length) : null;
      if (scaler) m.setInputScaler(scaler);
      m.fit(x, raw.y, { epochs: 150, batchSize: 16, seed: 2 });
      const box = document.createElement('section');
      box.className = 'panel';
      box.id = 'trained';
      box.style.width = '820px';
      box.innerHTML = '<h2>spiral, trained with descent: 4 features → 16 tanh → 12 leaky_relu → 1 sigmoid</h2><div class="diagram"></div>';
      document.getElementById('panels').append(box);
      const diagram = new window.nd.NetworkDiagram(box.querySelector('.diagram'));
      diagram.setArchitecture({ sizes: [4, 16, 12, 1], inputNames: ids.map((i) => window.nd.FEATURES[i].label), activations: ['tanh', 'leaky_relu', 'sigmoid'] });
      diagram.setPlane(plane);
      diagram.setWeights(m.getWeights());
      diagram.setLayerOutputs(m.layerOutputs(diagram.planeInputs()));
      diagram.draw();
      window.nd.diagrams.set('trained', { diagram, box: box.querySelector('.diagram') });
      // The grid's points, row 0 at the top, as the diagram makes them.
      const grid = new Float32Array(256 * ids.length);
      for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) grid.set(plane.featurize(-6 + (c + 0.5) * 0.75, 6 - (r + 0.5) * 0.75), (r * 16 + c) * ids.length);
      const predicted = Array.from(m.predict(grid));
      const drawn = Array.from(diagram.neuronGrid(3, 0));
      m.dispose();
      return { predicted, drawn, scaled: !!scaler };
    });
    let worst = 0;
    for (let i = 0; i < 256; i++) worst = Math.max(worst, Math.abs(result.predicted[i] - result.drawn[i]));
    t.diagnostic(`largest |diagram - predict| over the grid: ${worst.toExponential(2)} (input scaler: ${result.scaled})`);
    assert.ok(worst < 1e-4, `the output thumbnail is the model's prediction (worst ${worst})`);
    await shot(p, 'trained', 'trained-spiral');
    assert.deepEqual(messages, []);
  });
});
