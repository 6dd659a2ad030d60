/* activation_error.h - how far a kernel table's exp, tanh and sigmoid are
 * from libm's (the scalar reference's), over a sweep of every float bit
 * pattern at a stride (denormals, both zeros, the saturation regions, ±inf
 * and NaN included). Shared by tests/c/test_kernels.c and scripts/bench.c. */
#ifndef DESCENT_ACTIVATION_ERROR_H
#define DESCENT_ACTIVATION_ERROR_H

#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct activation_error {
    double max_ulp;     /* float steps between result and libm's (HUGE_VAL: one NaN, the other not) */
    double max_abs;     /* |result - libm| where both are finite */
    double max_rel;     /* max_abs relative to |libm| where that is a normal float */
    float worst_x;      /* the input of max_ulp */
    long long checked;
} activation_error;

enum { ACT_ERR_EXP, ACT_ERR_TANH, ACT_ERR_SIGMOID };

static inline int64_t act_err_ordered(float f)
{
    int32_t b;
    memcpy(&b, &f, sizeof b);
    return b < 0 ? (int64_t)INT32_MIN - b : b;
}

static inline float act_err_ref(int fn, float x)
{
    return fn == ACT_ERR_EXP ? expf(x) : fn == ACT_ERR_TANH ? tanhf(x) : 1.0f / (1.0f + expf(-x));
}

static inline void act_err_batch(const kernel_table *k, int fn, const float *x, float *y, int n,
                                 activation_error *e)
{
    if (fn == ACT_ERR_EXP) k->exp(y, x, n);
    else {
        memcpy(y, x, sizeof(float) * (size_t)n);
        k->bias_act(y, NULL, 1, n, fn == ACT_ERR_TANH ? DESCENT_ACT_TANH : DESCENT_ACT_SIGMOID, 0.0f);
    }
    for (int i = 0; i < n; i++) {
        float r = act_err_ref(fn, x[i]), v = y[i];
        double ulp = 0.0, abs_err = 0.0;
        if (isnan(r) || isnan(v)) ulp = isnan(r) && isnan(v) ? 0.0 : HUGE_VAL;
        else if (r != v) {
            int64_t d = act_err_ordered(r) - act_err_ordered(v);
            ulp = (double)(d < 0 ? -d : d);
            abs_err = isfinite(r) && isfinite(v) ? fabs((double)r - (double)v) : HUGE_VAL;
        }
        if (ulp > e->max_ulp) {
            e->max_ulp = ulp;
            e->worst_x = x[i];
        }
        if (abs_err > e->max_abs) e->max_abs = abs_err;
        if (fabsf(r) >= 1.17549435e-38f && isfinite(r) && abs_err / fabs((double)r) > e->max_rel)
            e->max_rel = abs_err / fabs((double)r);
    }
    e->checked += n;
}

/* Every stride-th bit pattern from offset, then the special values. */
static inline activation_error activation_error_sweep(const kernel_table *k, int fn, uint32_t stride, uint32_t offset)
{
    enum { CHUNK = 1024 };
    float x[CHUNK], y[CHUNK];
    activation_error e = {0.0, 0.0, 0.0, 0.0f, 0};
    int n = 0;
    for (uint64_t u = offset; u <= UINT32_MAX; u += stride) {
        uint32_t bits = (uint32_t)u;
        memcpy(&x[n], &bits, sizeof bits);
        if (++n == CHUNK) {
            act_err_batch(k, fn, x, y, n, &e);
            n = 0;
        }
    }
    static const float special[] = {0.0f, -0.0f, 1.4e-45f, -1.4e-45f, 1.17549435e-38f, 3.4028235e38f, -3.4028235e38f,
                                    INFINITY, -INFINITY, NAN, 88.72f, 88.73f, -87.33f, -103.9f, -104.0f, 9.01f, -9.01f,
                                    0.625f, -0.625f, 0.62499994f, 17.0f, -17.0f};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        x[n++] = special[i];
        if (n == CHUNK) {
            act_err_batch(k, fn, x, y, n, &e);
            n = 0;
        }
    }
    if (n) act_err_batch(k, fn, x, y, n, &e);
    return e;
}

#endif
