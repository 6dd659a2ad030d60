// descent.d.mts - the values descent.mjs exports (the package's '.'); the
// API's types are descent.d.ts's, re-exported here.
import type { Descent, LoadOptions } from './descent-types.mjs';
export type * from './descent-types.mjs';

/** Loads the module: descent.wasm where WebAssembly SIMD validates, descent-scalar.wasm elsewhere ({ simd } forces one), or the tuning build with { tune: true }. */
export declare function loadDescent(options?: LoadOptions): Promise<Descent>;
/** true where this runtime validates WebAssembly SIMD (then loadDescent picks descent.wasm). */
export declare function simdSupported(): boolean;
