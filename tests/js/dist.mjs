// dist.mjs - where the tests find the built module: $DESCENT_DIST (a path or
// a URL) or build-wasm/ at the project root.
import { pathToFileURL } from 'node:url';

const given = process.env.DESCENT_DIST;
export const dist = given
  ? new URL(given.endsWith('/') ? given : `${given}/`, pathToFileURL(process.cwd() + '/'))
  : new URL('../../build-wasm/', import.meta.url);
