// Prepended to the Emscripten glue (--extern-pre-js). Emscripten 3.1.6's glue
// calls require() and reads __dirname under Node, which an ES module lacks;
// this gives it both, in Node only (Node >= 20.16 for getBuiltinModule).
// The shipped glue (FILESYSTEM=0, handed instantiateWasm by descent.mjs)
// needs neither, so older Node runs it too (the package test uses Node 18).
var require, __dirname;
if (typeof process === 'object' && process.versions && process.versions.node &&
    typeof process.getBuiltinModule === 'function') {
  require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  __dirname = process.getBuiltinModule('node:url').fileURLToPath(new URL('.', import.meta.url));
}
