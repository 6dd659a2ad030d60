// vocabulary.test.mjs - every name list, default and limit has one source, the
// core: the module hands them to descent.mjs at load (descent.vocabulary), the
// build writes the same to vocabulary.mjs, descent-types.d.mts's union types list the
// same names (read with the TypeScript compiler API), no JavaScript file keeps
// a copy of a list, and a limit reads the same in the API, the CLI and tuning.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

import { dist } from './support.mjs';

const { loadDescent } = await import(new URL('descent.mjs', dist));
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = process.env.DESCENT_CLI ?? join(root, 'build', 'descent');

/** The string literals of each exported type alias of descent.d.ts that is a union of them. */
function dtsUnions() {
  const file = join(root, 'bindings', 'descent-types.d.mts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const unions = {};
  for (const node of source.statements) {
    if (!ts.isTypeAliasDeclaration(node)) continue;
    const type = node.type;
    const members = ts.isUnionTypeNode(type) ? type.types : [type];
    const words = members.map((m) => (ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal) ? m.literal.text : null));
    if (words.every((w) => w !== null)) unions[node.name.text] = words;
  }
  return unions;
}

describe('the vocabulary', () => {
  let d;
  before(async () => { d = await loadDescent(); });

  it('comes from the module, complete and frozen', () => {
    const v = d.vocabulary;
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.vocabularies.activation));
    for (const name of ['activation', 'initializer', 'loss', 'optimizer', 'optimizerParameter', 'task', 'output',
      'generator', 'parameter', 'metric', 'limit', 'inputScale']) {
      assert.ok(v.vocabularies[name].length > 0, name);
    }
    assert.ok(v.vocabularies.initializer.includes('playground'));
    assert.equal(v.limits.bytes, 2 ** 31 - 1);
    assert.deepEqual(Object.keys(v.limits).length, v.vocabularies.limit.length);
    assert.deepEqual(Object.keys(v.optimizers), v.vocabularies.optimizer);
    assert.deepEqual(d.optimizerDefaults('adam'), v.optimizers.adam.defaults);
    for (const table of ['optimizer', 'layer', 'fit', 'trainer', 'dataset', 'metrics', 'head']) {
      assert.ok(v.fields[table].size >= Object.keys(v.fields[table].at).length, table);
    }
  });

  it('the generated vocabulary.mjs holds the same, and what a page shows besides', async () => {
    const generated = (await import(new URL('vocabulary.mjs', dist))).default;
    const { optimizers, optimizerRanges, higherIsBetter, ...rest } = generated;
    const { optimizers: own, ...ownRest } = JSON.parse(JSON.stringify(d.vocabulary));
    assert.deepEqual(rest, ownRest);
    for (const name of Object.keys(own)) assert.deepEqual(optimizers[name].defaults, own[name].defaults, name);
    assert.deepEqual(optimizers.sgd.uses, ['learningRate']);
    assert.deepEqual(optimizers.adam.uses, ['learningRate', 'beta1', 'beta2', 'epsilon']);
    assert.match(optimizerRanges.learningRate, /0/);
    assert.deepEqual(higherIsBetter, ['accuracy', 'f1', 'r2']);
  });

  it("descent-types.d.mts's union types list the core's names", () => {
    const unions = dtsUnions();
    const v = d.vocabulary.vocabularies;
    const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    const pairs = {
      Activation: v.activation, Initializer: v.initializer, LossName: v.loss, OptimizerName: v.optimizer,
      GeneratorName: v.generator, Task: v.task, OutputName: v.output, InputScale: v.inputScale, TuneMetric: v.metric,
      TuneParam: v.parameter.map(camel),
    };
    for (const [type, words] of Object.entries(pairs)) {
      assert.deepEqual(unions[type], words, `descent-types.d.mts ${type}`);
    }
  });

  it('no JavaScript file of the bindings keeps a copy of a list', () => {
    const dir = join(root, 'bindings');
    const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
    for (const [name, words] of Object.entries(d.vocabulary.vocabularies)) {
      if (words.length < 3) continue;
      // Two names of the list in a row, quoted, as a hand-kept copy would have them.
      const pattern = new RegExp(`['"]${words[1]}['"],\\s*['"]${words[2]}['"]`);
      for (const f of files) {
        assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), pattern, `${f} copies the ${name} list`);
      }
    }
  });

  it('a limit reads the same in createModel, the CLI and tuning', async () => {
    const { units } = d.vocabulary.limits;
    const range = `1..${units}`;
    assert.throws(() => d.createModel({ inputs: 2, layers: [{ units: 2000000 }] }),
      (e) => e.message.includes(range) && e.message.includes('2000000'));
    const dir = mkdtempSync(join(tmpdir(), 'descent-vocabulary-'));
    try {
      const csv = join(dir, 'xor.csv');
      assert.equal(spawnSync(cli, ['generate', '--set', 'xor', '--n', '20', '--out', csv]).status, 0);
      const r = spawnSync(cli, ['train', '--data', csv, '--layers', '2000000'], { encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      assert.ok(r.stderr.includes(range), r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const t = await loadDescent({ tune: true });
    const data = t.generate('xor', { n: 40 });
    assert.throws(() => t.createSearch(data, { grid: { layers: [[2000000]] } }), (e) => e.message.includes(range));
  });
});
