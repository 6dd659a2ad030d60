// compact-glue.mjs FILE - shrinks an Emscripten glue file in place: the
// glue defines one wrapper per wasm export,
//   var _dj_x=Module["_dj_x"]=function(){return(_dj_x=Module["_dj_x"]=Module["asm"]["q"]).apply(null,arguments)};
// about 85 bytes each once minified, for a hundred exports of the C ABI
// (bindings/exports_*.c). Those of the ABI (named _dj_*, which only
// descent.mjs calls, through Module) become one list, "x:q ...", and one
// loop defining the same lazily bound Module._dj_x. The build runs it after
// linking, before terser; the module size budget (scripts/bench.mjs) counts on it.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node compact-glue.mjs GLUE.mjs');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const wrapper = /var _dj_(\w+)=Module\["_dj_\1"\]=function\(\)\{return\(_dj_\1=Module\["_dj_\1"\]=Module\["asm"\]\["(\w+)"\]\)\.apply\(null,arguments\)\};/g;
const pairs = [];
let first = -1;
const rest = text.replace(wrapper, (match, name, exported, offset) => {
  if (first < 0) first = offset;
  pairs.push(`${name}:${exported}`);
  return first === offset ? '\0' : '';
});
if (pairs.length === 0) {
  console.warn(`compact-glue: no _dj_ export wrappers found in ${file}; left as it is`);
  process.exit(0);
}
const loop = `${JSON.stringify(pairs.join(' '))}.split(" ").forEach(function(p){p=p.split(":");var n="_dj_"+p[0];`
  + 'Module[n]=function(){return(Module[n]=Module["asm"][p[1]]).apply(null,arguments)}});';
writeFileSync(file, rest.replace('\0', loop));
