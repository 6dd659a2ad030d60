// support.mjs - what the Node tests share: where the built module is
// ($DESCENT_DIST, a path or a URL, else build-wasm/) and a seeded PRNG.
import { pathToFileURL } from 'node:url';

function distUrl() {
  const env = process.env.DESCENT_DIST;
  if (!env) return new URL('../../build-wasm/', import.meta.url);
  const dir = env.endsWith('/') ? env : `${env}/`;
  return /^(file|https?):/i.test(dir) ? new URL(dir) : pathToFileURL(dir);
}

export const dist = distUrl();

/** mulberry32: floats in [0, 1) from a 32-bit seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
