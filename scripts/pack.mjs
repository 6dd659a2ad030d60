// pack.mjs - the npm package from a wasm build (scripts/pack builds it first):
// stages build-pack/package/ with the files the build ships (the list CMake
// writes to build-wasm/shipped.txt: the module's JavaScript, glue, wasm and
// type declarations), a package.json made from bindings/npm-package.json
// with the core's version (DESCENT_VERSION in core/descent.h) and the
// README, then runs `npm pack`. Prints the tarball's size and, as its last
// line, its path.
//   node scripts/pack.mjs [--build DIR] [--out DIR]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : fallback;
};
const build = arg('--build', join(root, 'build-wasm'));
const out = arg('--out', join(root, 'build-pack'));

function fail(message) {
  console.error(`pack: ${message}`);
  process.exit(1);
}

const manifest = join(build, 'shipped.txt');
if (!existsSync(manifest)) fail(`${manifest} is missing: build the wasm module first (scripts/pack does)`);
const shipped = readFileSync(manifest, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);

const header = readFileSync(join(root, 'core', 'descent.h'), 'utf8');
const version = /#define DESCENT_VERSION "([^"]+)"/.exec(header)?.[1];
if (!version) fail('DESCENT_VERSION not found in core/descent.h');

const template = JSON.parse(readFileSync(join(root, 'bindings', 'npm-package.json'), 'utf8'));
// every file an export names must be shipped
const targets = new Set();
for (const entry of Object.values(template.exports)) {
  for (const path of typeof entry === 'string' ? [entry] : Object.values(entry)) targets.add(path.replace(/^\.\//, ''));
}
targets.delete('package.json');
for (const t of targets) if (!shipped.includes(t)) fail(`the export map names ${t}, which the build does not ship`);

const stage = join(out, 'package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const f of shipped) {
  if (!existsSync(join(build, f))) fail(`${join(build, f)} is missing: the build did not make it`);
  copyFileSync(join(build, f), join(stage, f));
}
copyFileSync(join(root, 'README.md'), join(stage, 'README.md'));
// the runtime dependencies are the project's own (package.json), pinned as there
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pkg = { name: template.name, version, ...template, dependencies, files: [...shipped, 'README.md'] };
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const report = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', out], {
  cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
}))[0];
const tarball = join(out, report.filename);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${pkg.name}@${version}: ${report.entryCount} files, ${kb(report.unpackedSize)} unpacked, ${kb(report.size)} packed (gzip)`);
console.log(tarball);
