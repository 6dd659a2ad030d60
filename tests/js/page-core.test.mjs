// page-core.test.mjs - the page does not re-express the core (issue 15): no
// file in web/js computes an activation (Math.tanh, an exp-based sigmoid or
// softmax), a metric (accuracy, R², a decision threshold on predictions) or
// holds a hand-written copy of a list the core defines (activations,
// initializers, optimizers, losses, output heads, generators, input scales,
// metrics, optimizer parameters); the page's names, defaults and limits are
// the build's vocabulary.mjs (the core's, as the module reports it). Each
// exception is named below with why. Plain text checks of the sources, so a
// new file is checked as soon as it is added.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../web/js/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
/** Each file's code without its comments (line and block), strings kept. */
const code = Object.fromEntries(files.map((f) => [f, strip(readFileSync(`${dir}${f}`, 'utf8'))]));

function strip(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').split('\n').map((l) => l.replace(/(^|[^:'"`\\])\/\/.*$/, '$1')).join('\n');
}

/** Where in which file a pattern occurs: ["file:line: text"]. */
function find(pattern, { except = [] } = {}) {
  const hits = [];
  for (const [f, text] of Object.entries(code)) {
    if (except.includes(f)) continue;
    text.split('\n').forEach((line, i) => { if (pattern.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`); });
  }
  return hits;
}

it('has files to check', () => {
  assert.ok(files.length > 20, files.join(', '));
  assert.ok(files.includes('netthumbs.mjs') && files.includes('run.mjs'));
});

it('computes no activation: no tanh, no exp-based sigmoid or softmax, no leaky slope', () => {
  assert.deepEqual(find(/Math\.tanh\b/), []);
  assert.deepEqual(find(/Math\.exp\(\s*-/), [], 'a sigmoid, exp(-z)');
  assert.deepEqual(find(/Math\.exp\([^)]*-\s*(m|max)\b/), [], 'a softmax, exp(z - max)');
  assert.deepEqual(find(/sum\s*\+=\s*\w+\[[^\]]+\]\s*=\s*Math\.exp|=\s*Math\.exp\([^)]*\);\s*sum\s*\+=/), [], 'a softmax\'s sum');
  assert.deepEqual(find(/1\s*\/\s*\(\s*1\s*\+/), [], 'a logistic function');
  assert.deepEqual(find(/\balpha\b.*\*=|\*=\s*alpha/), [], 'a leaky_relu slope applied');
});

it('computes no metric: no accuracy, R², confusion counts or threshold on predictions', () => {
  assert.deepEqual(find(/1\s*-\s*\w+\s*\/\s*\w+\s*:/), [], 'an R² (1 - res / tot)');
  // (dataviews.mjs's captions count the cells they draw: the confusion matrix's diagonal, the digits marked right.)
  assert.deepEqual(find(/\bok\s*\+=|\bcorrect\s*\+=|\bhits\s*\+=/, { except: ['dataviews.mjs'] }), [], 'counting right predictions');
  assert.deepEqual(find(/matrix\[[^\]]+\]\[[^\]]+\]\+\+/), [], 'confusion counts');
  assert.deepEqual(find(/>=\s*cut\b|\bcut\s*=\s*output|\bthreshold\s*=/), [], 'a decision threshold');
  assert.deepEqual(find(/\bp\[i\]\s*>=|\bpred\w*\[\w+\]\s*>=/), [], 'predictions compared with a threshold');
});

const { vocabularies } = await import(new URL('../../web/lib/vocabulary.mjs', import.meta.url));
const awaitLabels = await import(new URL('../../web/js/labels.mjs', import.meta.url));

/**
 * Where a core list is written out by hand: an array literal with at least
 * min(4, its length) of its names as strings, or an object literal with at
 * least that many of them as keys.
 */
function copies(name, list, except) {
  const need = Math.min(4, list.length);
  const found = [];
  for (const [f, text] of Object.entries(code)) {
    if (except[f]) continue;
    for (const m of text.matchAll(/\[[^[\]]*\]/g)) {
      const n = list.filter((v) => m[0].includes(`'${v}'`) || m[0].includes(`"${v}"`)).length;
      if (n >= need) found.push(`${f}: ${m[0].slice(0, 80)} (${n} ${name})`);
    }
    for (const m of text.matchAll(/\{[^{}]*\}/g)) {
      const keys = list.filter((v) => new RegExp(`(^|[\\s{,])['"]?${v.replace(/[-]/g, '\\-')}['"]?\\s*:`).test(m[0]));
      if (keys.length >= need) found.push(`${f}: ${keys.length} ${name} names as keys (${keys.join(', ')}) in ${m[0].slice(0, 60)}`);
    }
  }
  return found;
}

it('writes out no list the core defines: the names come from vocabulary.mjs (through names.mjs)', () => {
  // Named exceptions, each with its reason:
  const except = {
    'labels.mjs': 'the display label of each core name (the page\'s words; its keys are checked below)',
    // The TensorFlow Playground's own names (its activations, its data sets' noise): the link's vocabulary, not the core's.
    'playground-link.mjs': 'the Playground\'s names',
  };
  const perList = {
    // The link's own key and range for each optimizer setting (the URL format, not the list of settings).
    optimizerParameter: { 'urlstate.mjs': 'HYPER_KEYS' },
    // The output heads' activation, loss and tasks: the core's task recipe (bindings/task.mjs) runs only
    // where the wasm module is loaded (the worker); until the worker reports the heads, the page keeps this table.
    output: { 'choices.mjs': 'OUTPUTS' },
  };
  const found = [];
  // (The parameter, limit and task vocabularies name configuration fields, which are keys everywhere.)
  const lists = ['activation', 'initializer', 'loss', 'optimizer', 'optimizerParameter', 'output', 'generator', 'metric', 'inputScale'];
  for (const name of lists) {
    const list = vocabularies[name];
    const camel = list.map((v) => v.replace(/_([a-z])/g, (_, c) => c.toUpperCase()));
    for (const names of camel.join() === list.join() ? [list] : [list, camel]) {
      found.push(...copies(name, names, { ...except, ...(perList[name] || {}) }));
    }
  }
  assert.deepEqual(found, []);
});

it('labels only names the core has', () => {
  const { LABELS } = awaitLabels;
  const of = { activation: 'activation', activationShort: 'activation', optimizer: 'optimizer', initializer: 'initializer', loss: 'loss', metric: 'metric', inputScale: 'inputScale' };
  for (const [table, vocab] of Object.entries(of)) {
    for (const key of Object.keys(LABELS[table])) assert.ok(vocabularies[vocab].includes(key), `LABELS.${table}.${key} is not a core ${vocab}`);
    for (const key of vocabularies[vocab]) {
      if (table === 'activationShort' || (table === 'activation' && key === 'softmax')) continue;
      assert.ok(key in LABELS[table], `the core's ${vocab} ${key} has no label (LABELS.${table})`);
    }
  }
});


it('takes its names, defaults and limits from vocabulary.mjs', async () => {
  const names = await import(new URL('../../web/js/names.mjs', import.meta.url));
  const { limits, optimizers } = await import(new URL('../../web/lib/vocabulary.mjs', import.meta.url));
  assert.deepEqual(names.OPTIMIZER_NAMES, vocabularies.optimizer);
  assert.deepEqual(names.INIT_NAMES, vocabularies.initializer);
  assert.deepEqual(names.INPUT_SCALES, vocabularies.inputScale);
  assert.deepEqual(names.ACTIVATION_NAMES, vocabularies.activation.filter((a) => a !== 'softmax'));
  for (const [name, d] of Object.entries(names.OPTIMIZER_DEFAULTS)) {
    for (const [k, v] of Object.entries(d)) assert.equal(v, optimizers[name].defaults[k], `${name}.${k}`);
  }
  assert.equal(names.LIMITS.layers, limits.hidden);
  assert.equal(names.LIMITS.epochs, limits.epochs);
  assert.equal(names.LIMITS.seed, limits.seed);
  assert.ok(names.LIMITS.units <= limits.units && names.LIMITS.batch <= limits.batch, 'the page\'s caps are within the core\'s');
  // index.html lists none of them by hand: its selects are filled from the vocabulary.
  const html = readFileSync(fileURLToPath(new URL('../../web/index.html', import.meta.url)), 'utf8');
  for (const id of ['init', 'optimizer', 'output', 'input-scale']) assert.match(html, new RegExp(`<select id="${id}"></select>`), `#${id} is filled by the page`);
  for (const list of ['activation', 'initializer', 'optimizer', 'loss']) {
    const written = vocabularies[list].filter((v) => html.includes(`value="${v}"`));
    assert.deepEqual(written, [], `index.html writes ${list} names as options`);
  }
  // The number fields whose bounds are core limits (the markup is static, so the browser's spinner knows them) say the core's.
  const tune = readFileSync(fileURLToPath(new URL('../../web/js/tunebody.mjs', import.meta.url)), 'utf8');
  const maxOf = (text, id) => Number((new RegExp(`id="${id}"[^>]*\\smax="([^"]+)"`).exec(text) || [])[1]);
  for (const id of ['seed', 'data-seed']) assert.equal(maxOf(html, id), limits.seed, `#${id}'s max`);
  assert.equal(maxOf(html, 'epochs'), limits.epochs, "#epochs's max");
  assert.equal(maxOf(tune, 'tune-seed'), limits.seed, "#tune-seed's max");
  assert.equal(maxOf(tune, 'tune-folds'), limits.folds, "#tune-folds's max");
});

it("keeps each optimizer setting's range within the core's (HYPER_KEYS: the core's range, or a narrower UI cap)", async () => {
  const { HYPER_KEYS } = await import(new URL('../../web/js/urlstate.mjs', import.meta.url));
  const { optimizerRanges } = await import(new URL('../../web/lib/vocabulary.mjs', import.meta.url));
  // The core states each range as text (core/vocabulary.c); read back as bounds.
  const bounds = (text) => {
    if (text === '0 or 1') return { bool: true };
    if (text === 'a finite number > 0') return { min: 0, exclusiveMin: true, max: Infinity };
    const m = /^in ([[(])(-?[\d.]+), (-?[\d.]+)([\])])$/.exec(text);
    assert.ok(m, `a range the test can read: ${text}`);
    return { min: Number(m[2]), exclusiveMin: m[1] === '(', max: Number(m[3]), exclusiveMax: m[4] === ')' };
  };
  for (const [key, page] of Object.entries(HYPER_KEYS)) {
    assert.ok(key in optimizerRanges, `${key} is an optimizer parameter of the core`);
    const core = bounds(optimizerRanges[key]);
    if (core.bool) { assert.equal(page.bool, true, key); continue; }
    assert.ok(page.min > core.min || (page.min === core.min && (!core.exclusiveMin || page.exclusiveMin)), `${key}: the page's minimum ${page.min} is within the core's ${optimizerRanges[key]}`);
    assert.ok(page.max < core.max || (page.max === core.max && (!core.exclusiveMax || page.exclusiveMax)), `${key}: the page's maximum ${page.max} is within the core's ${optimizerRanges[key]}`);
  }
});
