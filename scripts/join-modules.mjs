// join-modules.mjs OUT ENTRY - writes OUT: the ES module ENTRY with every
// module it imports from its own directory ('./x.mjs', and theirs in turn)
// joined in, dependencies first, so the build ships (and terser minifies)
// one file whose names mangle together. A joined part's exports become plain
// declarations; `import * as ns` of a part becomes an object of its exports;
// the entry keeps its own exports. Two parts declaring the same top-level
// name is an error. Dynamic imports are left as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [out, entry] = process.argv.slice(2);
if (!out || !entry) {
  console.error('usage: node join-modules.mjs OUT ENTRY.mjs');
  process.exit(2);
}
const dir = dirname(entry);
const importRe = /^import\s+(\{[^}]*\}|\*\s+as\s+\w+)\s+from\s+'\.\/([\w-]+\.mjs)';\n/gm;
const exportedRe = /^export (?:async )?(?:function\*? |const |let |class )(\w+)/gm;

const order = [];
const seen = new Set();
function visit(file, stack) {
  if (seen.has(file)) return;
  if (stack.includes(file)) throw new Error(`join-modules: an import cycle through ${file}`);
  const text = readFileSync(join(dir, file), 'utf8');
  for (const m of text.matchAll(importRe)) visit(m[2], [...stack, file]);
  seen.add(file);
  order.push({ file, text });
}
visit(basename(entry), []);

const exportsOf = new Map(order.map(({ file, text }) => [file, [...text.matchAll(exportedRe)].map((m) => m[1])]));
const declared = new Map();
const pieces = order.map(({ file, text }, i) => {
  const isEntry = i === order.length - 1;
  let body = text.replace(importRe, (match, what, from) => {
    const ns = /^\*\s+as\s+(\w+)/.exec(what);
    return ns ? `const ${ns[1]} = { ${exportsOf.get(from).join(', ')} };\n` : '';
  });
  if (!isEntry) body = body.replace(/^export (?=(?:async )?(?:function|const|let|class) )/gm, '');
  for (const m of body.matchAll(/^(?:export )?(?:async )?(?:function\*? |const |let |class )(\w+)/gm)) {
    if (declared.has(m[1])) throw new Error(`join-modules: ${m[1]} is declared in ${declared.get(m[1])} and ${file}`);
    declared.set(m[1], file);
  }
  return `// ---- ${file}\n${body}`;
});
writeFileSync(out, `// Joined by scripts/join-modules.mjs from ${order.map((o) => o.file).join(', ')}.\n${pieces.join('\n')}`);
