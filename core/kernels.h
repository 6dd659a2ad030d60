/* kernels.h - the primitives every hot loop of training goes through. Each
 * exists as a scalar reference (always built) and, where the build has it, a
 * SIMD version; a model calls them through a kernel_table so tests and users
 * can compare the two. Arguments: outputs first, then inputs, then sizes. */
#ifndef DESCENT_KERNELS_H
#define DESCENT_KERNELS_H

#include "descent.h"

typedef struct kernel_table {
    const char *name;
    /* c[m][n] (+)= a[m][k] · b[k][n]            (forward: Z = X·W) */
    void (*gemm_nn)(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate);
    /* c[m][n] (+)= a[m][k] · b[n][k]ᵀ           (backward: dX = dZ·Wᵀ) */
    void (*gemm_nt)(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate);
    /* c[m][n] (+)= a[k][m]ᵀ · b[k][n]           (backward: dW = Xᵀ·dZ) */
    void (*gemm_tn)(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate);
    /* z[rows][cols] ← act(z + bias) in place; bias may be NULL; softmax is per row. */
    void (*bias_act)(float *z, const float *bias, int rows, int cols, descent_activation act, float alpha);
    /* d[i] ← d[i] · act'(from a[i]) for every activation except softmax. */
    void (*act_backward)(float *d, const float *a, int count, descent_activation act, float alpha);
    /* out[j] = Σ_i d[i][j] */
    void (*colsum)(float *out, const float *d, int rows, int cols);
    /* dst[i][·] ← src[r][·] for i < count, r = idx ? idx[start + i] : start + i, rows of cols
     * floats; standardized, (v - mean[j]) / std[j], when mean is not NULL (a batch's rows). */
    void (*gather)(float *dst, const float *src, const int *idx, int start, int count, int cols, const float *mean,
                   const float *std);
    /* y[i] = e^x[i] (y may be x): what softmax uses, alone, so its accuracy can be measured. */
    void (*exp)(float *y, const float *x, int count);

    /* Optimizer updates over count elements; each returns how many elements
     * would have become non-finite (those keep their old weight). */
    int (*sgd)(float *w, const float *g, int count, float lr);
    int (*momentum)(float *w, float *v, const float *g, int count, float lr, float mu, int nesterov);
    int (*adagrad)(float *w, float *acc, const float *g, int count, float lr, float eps);
    int (*rmsprop)(float *w, float *ms, float *mom, float *mg, const float *g, int count, float lr, float rho,
                   float one_minus_rho, float mu, float eps, int centered);
    int (*adam)(float *w, float *m, float *v, const float *g, int count, float lr, float beta1, float one_minus_beta1,
                float beta2, float one_minus_beta2, float one_minus_beta1_pow, float one_minus_beta2_pow, float eps);
} kernel_table;

extern const kernel_table kernels_scalar;
/* NULL when the build has no SIMD kernels. */
const kernel_table *kernels_simd(void);

#endif
