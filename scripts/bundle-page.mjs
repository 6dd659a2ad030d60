// bundle-page.mjs - the page's JavaScript as the browser gets it by default:
// web/js/app.mjs and every module it imports (the page's modules, the
// client of bindings/, the core's vocabulary) bundled into
// web/lib/page.mjs, and bindings/worker.mjs with everything it imports (the
// ES module API included) into web/lib/worker.mjs; minified, each with its
// source map beside it (sourceMappingURL). What loads on first use stays
// apart: the page's own lazy modules (import() of web/js files, through
// state.mjs's lazy(); README, "Developing the page", lists them) become
// chunks, web/lib/page-NAME.mjs; the files the build ships that are imported
// dynamically (the glue and wasm of each flavour, the tuning twin, the
// interop and recipe modules) stay the build's files in web/lib/, loaded as
// they are now. The sources stay what developers edit: it also writes
// web/debug.html, index.html loading web/js/app.mjs and its modules (and
// style.css) as they are (README, "Developing the page"); and the
// stylesheets minified into web/lib/. index.html loads the bundle with a
// plain module script, so, as before, the page's modules have run by
// DOMContentLoaded (a loader choosing by a URL flag would import the page
// after the load event). stage_web (scripts/lib.sh) runs this after copying
// the build into web/lib/.
//   node scripts/bundle-page.mjs
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'lightningcss';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('../', import.meta.url));
const web = join(root, 'web');
const lib = join(web, 'lib');
const bindings = join(root, 'bindings');

/**
 * How a specifier is found: a static import is bundled, from its source
 * where there is one (bindings/ for web/lib's copies of it); a dynamic
 * import of a file the build ships stays an import of that file, beside the
 * bundle in web/lib/.
 */
function resolver(lazyChunks) {
  return {
    name: 'descent-page',
    resolveId(source, importer, extra) {
      if (source.startsWith('node:')) return { id: source, external: true };
      if (!importer || !source.startsWith('.')) return null;
      const file = resolve(dirname(importer), source);
      const dynamic = extra && extra.kind === 'dynamic-import';
      const shipped = dirname(file) === lib || dirname(file) === bindings;
      if (dynamic && shipped && !lazyChunks(file)) return { id: `./${relative(dirname(file), file)}`, external: true };
      if (dirname(file) === lib && existsSync(join(bindings, relative(lib, file)))) return join(bindings, relative(lib, file));
      return file;
    },
  };
}

const output = { dir: lib, format: 'es', sourcemap: true, minify: true, entryFileNames: '[name].mjs', chunkFileNames: 'page-[name].mjs' };
const quiet = { onLog(level, log, handler) { if (level !== 'info') handler(level, log); } };

// No chunk of an earlier build is left to be served.
for (const f of readdirSync(lib)) if (/^page(-[\w-]+)?\.mjs(\.map)?$/.test(f)) rmSync(join(lib, f));

// The page: its lazy modules (web/js) are chunks of it.
await build({
  input: { page: join(web, 'js/app.mjs') },
  plugins: [resolver((file) => dirname(file) === join(web, 'js'))],
  output,
  ...quiet,
});
// The worker: one file; its dynamic imports are all of shipped files.
await build({
  input: { worker: join(bindings, 'worker.mjs') },
  plugins: [resolver(() => false)],
  output: { ...output, codeSplitting: false },
  ...quiet,
});

// The stylesheets, minified by lightningcss (a pinned devDependency), each
// with its source map: web/NAME.css -> web/lib/NAME.css. index.html links
// lib/style.css; panels.css loads beside whichever style.css the page links
// (state.mjs stylesheet()).
const STYLESHEETS = ['style.css', 'panels.css'];
for (const name of STYLESHEETS) {
  const { code, map } = transform({
    filename: `../${name}`, code: readFileSync(join(web, name)), minify: true, sourceMap: true,
    targets: { chrome: 100 << 16, firefox: 100 << 16, safari: 15 << 16 },
  });
  writeFileSync(join(lib, name), `${code}\n/*# sourceMappingURL=${name}.map */\n`);
  writeFileSync(join(lib, `${name}.map`), map);
}

// debug.html: the same page, its modules unbundled.
const html = readFileSync(join(web, 'index.html'), 'utf8');
const preload = '<link rel="modulepreload" href="lib/page.mjs">\n';
const script = '<script type="module" src="lib/page.mjs"></script>';
const style = '<link rel="stylesheet" href="lib/style.css">';
if (html.split(preload).length !== 2 || html.split(script).length !== 2 || html.split(style).length !== 2) {
  throw new Error(`bundle-page: web/index.html must preload and load lib/page.mjs once each, as ${preload.trim()} and ${script}, and link ${style} once`);
}
writeFileSync(join(web, 'debug.html'), html.replace(preload, '').replace(script, '<script type="module" src="js/app.mjs"></script>')
  .replace(style, '<link rel="stylesheet" href="style.css">'));
