/* simd.h - the wasm_* intrinsics as each build has them (WebAssembly SIMD
 * under emcc, SIMDe natively; HAVE_SIMD says they are there), the vector
 * helpers (simd_math.h), and the SIMD kernels that kernels_simd.c's table
 * takes from the other files: the optimizer updates (updates_simd.c). */
#ifndef DESCENT_SIMD_H
#define DESCENT_SIMD_H

#include "kernels.h"

#if !defined(DESCENT_SCALAR_ONLY) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define HAVE_SIMD 1
#elif !defined(DESCENT_SCALAR_ONLY) && defined(DESCENT_HAVE_SIMDE)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#define HAVE_SIMD 1
#endif

#ifdef HAVE_SIMD
#include "simd_math.h"

/* As kernel_table's sgd, momentum, adagrad, rmsprop and adam. */
int simd_sgd(float *w, const float *g, int count, float lr);
int simd_momentum(float *w, float *v, const float *g, int count, float lr, float mu, int nesterov);
int simd_adagrad(float *w, float *acc, const float *g, int count, float lr, float eps);
int simd_rmsprop(float *w, float *ms, float *mom, float *mg, const float *g, int count, float lr, float rho,
                 float one_minus_rho, float mu, float eps, int centered);
int simd_adam(float *w, float *m, float *v, const float *g, int count, float lr, float beta1, float one_minus_beta1,
              float beta2, float one_minus_beta2, float one_minus_beta1_pow, float one_minus_beta2_pow, float eps);
#endif

#endif
