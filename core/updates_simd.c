/* updates_simd.c - the optimizer updates of the SIMD kernel_table
 * (kernels_simd.c), four weights at a time: each new weight is computed with
 * the scalar reference's float32 operations in its order (kernels.c), so the
 * results are bit-identical, and stored only where finite. */
#include "simd.h"

#ifdef HAVE_SIMD

#include <math.h>

/* Stores nw where it is finite and w elsewhere (|nw| < inf is false for
 * NaN too); returns how many of the n valid lanes were not finite. */
static inline int keep_finite(float *w, v128_t old, v128_t nw, int n)
{
    v128_t ok = wasm_f32x4_lt(wasm_f32x4_abs(nw), wasm_f32x4_splat(INFINITY));
    store_n(w, wasm_v128_bitselect(nw, old, ok), n);
    return n - __builtin_popcount((unsigned)wasm_i32x4_bitmask(ok) & ((1u << n) - 1u));
}

static inline int sgd_x4(float *w, const float *g, int n, v128_t c)
{
    v128_t vw = load_n(w, n);
    return keep_finite(w, vw, wasm_f32x4_add(vw, wasm_f32x4_mul(c, load_n(g, n))), n);
}

int simd_sgd(float *w, const float *g, int count, float lr)
{
    v128_t c = wasm_f32x4_splat(-lr);
    int bad = 0, i = 0;
    for (; i + 4 <= count; i += 4) bad += sgd_x4(w + i, g + i, 4, c);
    if (i < count) bad += sgd_x4(w + i, g + i, count - i, c);
    return bad;
}

static inline int momentum_x4(float *w, float *v, const float *g, int n, v128_t c, v128_t mu, int nesterov)
{
    v128_t vg = load_n(g, n), vw = load_n(w, n);
    v128_t nv = wasm_f32x4_add(wasm_f32x4_mul(mu, load_n(v, n)), vg);
    store_n(v, nv, n);
    v128_t step = nesterov ? wasm_f32x4_add(vg, wasm_f32x4_mul(nv, mu)) : nv;
    return keep_finite(w, vw, wasm_f32x4_add(wasm_f32x4_mul(c, step), vw), n);
}

int simd_momentum(float *w, float *v, const float *g, int count, float lr, float mu, int nesterov)
{
    v128_t c = wasm_f32x4_splat(-lr), vmu = wasm_f32x4_splat(mu);
    int bad = 0, i = 0;
    for (; i + 4 <= count; i += 4) bad += momentum_x4(w + i, v + i, g + i, 4, c, vmu, nesterov);
    if (i < count) bad += momentum_x4(w + i, v + i, g + i, count - i, c, vmu, nesterov);
    return bad;
}

static inline int adagrad_x4(float *w, float *acc, const float *g, int n, v128_t c, v128_t eps)
{
    v128_t vg = load_n(g, n), vw = load_n(w, n);
    v128_t na = wasm_f32x4_add(load_n(acc, n), wasm_f32x4_mul(vg, vg));
    store_n(acc, na, n);
    v128_t step = wasm_f32x4_div(vg, wasm_f32x4_sqrt(wasm_f32x4_add(na, eps)));
    return keep_finite(w, vw, wasm_f32x4_add(wasm_f32x4_mul(step, c), vw), n);
}

int simd_adagrad(float *w, float *acc, const float *g, int count, float lr, float eps)
{
    v128_t c = wasm_f32x4_splat(-lr), veps = wasm_f32x4_splat(eps);
    int bad = 0, i = 0;
    for (; i + 4 <= count; i += 4) bad += adagrad_x4(w + i, acc + i, g + i, 4, c, veps);
    if (i < count) bad += adagrad_x4(w + i, acc + i, g + i, count - i, c, veps);
    return bad;
}

typedef struct rmsprop_consts {
    v128_t lr, rho, one_minus_rho, mu, eps;
} rmsprop_consts;

static inline int rmsprop_x4(float *w, float *ms, float *mom, float *mg, const float *g, int n,
                             const rmsprop_consts *k, int centered)
{
    v128_t vg = load_n(g, n), vw = load_n(w, n);
    v128_t nms = wasm_f32x4_add(wasm_f32x4_mul(load_n(ms, n), k->rho),
                                wasm_f32x4_mul(wasm_f32x4_mul(vg, vg), k->one_minus_rho));
    store_n(ms, nms, n);
    v128_t denom;
    if (centered) {
        v128_t nmg = wasm_f32x4_add(wasm_f32x4_mul(load_n(mg, n), k->rho), wasm_f32x4_mul(vg, k->one_minus_rho));
        store_n(mg, nmg, n);
        denom = wasm_f32x4_sqrt(wasm_f32x4_sub(nms, wasm_f32x4_add(wasm_f32x4_mul(nmg, nmg), k->eps)));
    } else {
        denom = wasm_f32x4_sqrt(wasm_f32x4_add(nms, k->eps));
    }
    v128_t nmom = wasm_f32x4_add(wasm_f32x4_mul(load_n(mom, n), k->mu),
                                 wasm_f32x4_div(wasm_f32x4_mul(vg, k->lr), denom));
    store_n(mom, nmom, n);
    return keep_finite(w, vw, wasm_f32x4_sub(vw, nmom), n);
}

int simd_rmsprop(float *w, float *ms, float *mom, float *mg, const float *g, int count, float lr, float rho,
                 float one_minus_rho, float mu, float eps, int centered)
{
    rmsprop_consts k = {wasm_f32x4_splat(lr), wasm_f32x4_splat(rho), wasm_f32x4_splat(one_minus_rho),
                        wasm_f32x4_splat(mu), wasm_f32x4_splat(eps)};
    int bad = 0, i = 0;
    for (; i + 4 <= count; i += 4) bad += rmsprop_x4(w + i, ms + i, mom + i, mg + i, g + i, 4, &k, centered);
    if (i < count) bad += rmsprop_x4(w + i, ms + i, mom + i, mg + i, g + i, count - i, &k, centered);
    return bad;
}

typedef struct adam_consts {
    v128_t c, beta1, one_minus_beta1, beta2, one_minus_beta2, one_minus_beta1_pow, one_minus_beta2_pow, eps;
} adam_consts;

static inline int adam_x4(float *w, float *m, float *v, const float *g, int n, const adam_consts *k)
{
    v128_t vg = load_n(g, n), vw = load_n(w, n);
    v128_t nm = wasm_f32x4_add(wasm_f32x4_mul(load_n(m, n), k->beta1), wasm_f32x4_mul(vg, k->one_minus_beta1));
    v128_t nv = wasm_f32x4_add(wasm_f32x4_mul(load_n(v, n), k->beta2),
                               wasm_f32x4_mul(wasm_f32x4_mul(vg, vg), k->one_minus_beta2));
    store_n(m, nm, n);
    store_n(v, nv, n);
    v128_t mhat = wasm_f32x4_div(nm, k->one_minus_beta1_pow);
    v128_t vhat = wasm_f32x4_div(nv, k->one_minus_beta2_pow);
    v128_t step = wasm_f32x4_div(mhat, wasm_f32x4_add(wasm_f32x4_sqrt(vhat), k->eps));
    return keep_finite(w, vw, wasm_f32x4_add(wasm_f32x4_mul(step, k->c), vw), n);
}

int simd_adam(float *w, float *m, float *v, const float *g, int count, float lr, float beta1, float one_minus_beta1,
              float beta2, float one_minus_beta2, float one_minus_beta1_pow, float one_minus_beta2_pow, float eps)
{
    adam_consts k = {wasm_f32x4_splat(-lr),
                     wasm_f32x4_splat(beta1),
                     wasm_f32x4_splat(one_minus_beta1),
                     wasm_f32x4_splat(beta2),
                     wasm_f32x4_splat(one_minus_beta2),
                     wasm_f32x4_splat(one_minus_beta1_pow),
                     wasm_f32x4_splat(one_minus_beta2_pow),
                     wasm_f32x4_splat(eps)};
    int bad = 0, i = 0;
    for (; i + 4 <= count; i += 4) bad += adam_x4(w + i, m + i, v + i, g + i, 4, &k);
    if (i < count) bad += adam_x4(w + i, m + i, v + i, g + i, count - i, &k);
    return bad;
}

#endif
