// heap.mjs - who owns which wasm memory: every allocation the JavaScript API
// makes for a call is named (for messages), checked against the core's
// limit before malloc (a size wasm32 cannot hold would wrap), and freed when
// the call's scope ends, whatever happens; what outlives a call (a trainer's
// copy of its rows) is freed by the object that keeps it.

import { fail } from './checks.mjs';

/** The heap of module M; limit: the most bytes one allocation may hold (the core's 'bytes' limit). */
export class Heap {
  #M;
  #limit;

  constructor(M, limit) {
    this.#M = M;
    this.#limit = limit;
  }

  /**
   * Allocates the product of factors bytes for where's what, or throws
   * descent's Error naming them: a size the module's 32-bit heap cannot hold
   * is refused before malloc, and malloc failing says how much was asked.
   * Free it with M._free.
   */
  malloc(where, what, ...factors) {
    const M = this.#M;
    const bytes = factors.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this.#limit) {
      const sum = factors.length > 1 ? `${factors.join(' x ')} = ${bytes}` : `${bytes}`;
      throw fail(where, `${what} would take ${sum} bytes, more than the ${this.#limit} bytes one allocation can hold here (WebAssembly's 32-bit heap)`);
    }
    const p = M._malloc(Math.max(1, bytes));
    if (!p) {
      throw fail(where, `out of WebAssembly memory: ${what} would take ${bytes} bytes, more than the heap can grow by (it holds ${M.HEAPU8.length} bytes)`);
    }
    return p;
  }

  /**
   * Runs fn(scope, M) with a scope whose allocations are freed afterwards:
   * scope.alloc(what, ...factors), and f32 / f64 / i32 / str copying an array
   * or a string in.
   */
  scoped(where, fn) {
    const M = this.#M;
    const ptrs = [];
    const scope = {
      alloc: (what, ...factors) => {
        const p = this.malloc(where, what, ...factors);
        ptrs.push(p);
        return p;
      },
      f32(array, what = 'an array') {
        const p = scope.alloc(what, array.length, 4);
        M.HEAPF32.set(array, p >> 2);
        return p;
      },
      f64(array, what = 'the options') {
        const p = scope.alloc(what, array.length, 8);
        M.HEAPF64.set(array, p >> 3);
        return p;
      },
      i32(array, what = 'an array') {
        const p = scope.alloc(what, array.length, 4);
        M.HEAP32.set(array, p >> 2);
        return p;
      },
      str(s, what = 'a string') {
        const n = M.lengthBytesUTF8(s) + 1;
        const p = scope.alloc(what, n);
        M.stringToUTF8(s, p, n);
        return p;
      },
    };
    try {
      return fn(scope, M);
    } finally {
      for (const p of ptrs) M._free(p);
    }
  }
}
