/* kernels.c - the scalar reference kernels. They define the arithmetic every
 * faster version is tested against: float32 operations in TF.js's order. */
#include "kernels.h"

#include <math.h>
#include <string.h>

static void zero_rows(float *c, int ldc, int m, int n)
{
    for (int i = 0; i < m; i++) memset(c + (size_t)i * ldc, 0, sizeof(float) * (size_t)n);
}

static void gemm_nn(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    if (!accumulate) zero_rows(c, ldc, m, n);
    for (int i = 0; i < m; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ai = a + (size_t)i * lda;
        for (int p = 0; p < k; p++) {
            float aip = ai[p];
            const float *bp = b + (size_t)p * ldb;
            for (int j = 0; j < n; j++) ci[j] += aip * bp[j];
        }
    }
}

static void gemm_nt(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    for (int i = 0; i < m; i++) {
        const float *ai = a + (size_t)i * lda;
        float *ci = c + (size_t)i * ldc;
        for (int j = 0; j < n; j++) {
            const float *bj = b + (size_t)j * ldb;
            float s = 0.0f;
            for (int p = 0; p < k; p++) s += ai[p] * bj[p];
            ci[j] = accumulate ? ci[j] + s : s;
        }
    }
}

static void gemm_tn(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    if (!accumulate) zero_rows(c, ldc, m, n);
    for (int p = 0; p < k; p++) {
        const float *ap = a + (size_t)p * lda;
        const float *bp = b + (size_t)p * ldb;
        for (int i = 0; i < m; i++) {
            float api = ap[i];
            float *ci = c + (size_t)i * ldc;
            for (int j = 0; j < n; j++) ci[j] += api * bp[j];
        }
    }
}

static void softmax_row(float *z, int cols)
{
    float max = z[0];
    for (int j = 1; j < cols; j++) max = z[j] > max ? z[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        z[j] = expf(z[j] - max);
        sum += z[j];
    }
    for (int j = 0; j < cols; j++) z[j] /= sum;
}

static void bias_act(float *z, const float *bias, int rows, int cols, descent_activation act, float alpha)
{
    for (int i = 0; i < rows; i++) {
        float *zi = z + (size_t)i * cols;
        if (bias)
            for (int j = 0; j < cols; j++) zi[j] += bias[j];
        switch (act) {
        case DESCENT_ACT_LINEAR: break;
        case DESCENT_ACT_RELU:
            for (int j = 0; j < cols; j++) zi[j] = zi[j] > 0.0f ? zi[j] : 0.0f;
            break;
        case DESCENT_ACT_LEAKY_RELU:
            for (int j = 0; j < cols; j++) zi[j] = zi[j] > 0.0f ? zi[j] : alpha * zi[j];
            break;
        case DESCENT_ACT_SIGMOID:
            for (int j = 0; j < cols; j++) zi[j] = 1.0f / (1.0f + expf(-zi[j]));
            break;
        case DESCENT_ACT_TANH:
            for (int j = 0; j < cols; j++) zi[j] = tanhf(zi[j]);
            break;
        case DESCENT_ACT_SOFTMAX: softmax_row(zi, cols); break;
        }
    }
}

/* The derivative is taken from the output a: with alpha >= 0, a > 0 exactly
 * when z > 0, so relu's slope 0 and leaky relu's slope alpha at z = 0 hold. */
static void act_backward(float *d, const float *a, int count, descent_activation act, float alpha)
{
    switch (act) {
    case DESCENT_ACT_LINEAR:
    case DESCENT_ACT_SOFTMAX: break;
    case DESCENT_ACT_RELU:
        for (int i = 0; i < count; i++) d[i] = a[i] > 0.0f ? d[i] : 0.0f;
        break;
    case DESCENT_ACT_LEAKY_RELU:
        for (int i = 0; i < count; i++) d[i] = a[i] > 0.0f ? d[i] : alpha * d[i];
        break;
    case DESCENT_ACT_SIGMOID:
        for (int i = 0; i < count; i++) d[i] = d[i] * (a[i] * (1.0f - a[i]));
        break;
    case DESCENT_ACT_TANH:
        for (int i = 0; i < count; i++) d[i] = d[i] * (1.0f - a[i] * a[i]);
        break;
    }
}

static void gather(float *dst, const float *src, const int *idx, int start, int count, int cols, const float *mean,
                   const float *std)
{
    for (int i = 0; i < count; i++, dst += cols) {
        const float *s = src + (size_t)(idx ? idx[start + i] : start + i) * (size_t)cols;
        if (mean)
            for (int j = 0; j < cols; j++) dst[j] = (s[j] - mean[j]) / std[j];
        else
            for (int j = 0; j < cols; j++) dst[j] = s[j];
    }
}

static void vexp(float *y, const float *x, int count)
{
    for (int i = 0; i < count; i++) y[i] = expf(x[i]);
}

static void colsum(float *out, const float *d, int rows, int cols)
{
    memset(out, 0, sizeof(float) * (size_t)cols);
    for (int i = 0; i < rows; i++) {
        const float *di = d + (size_t)i * cols;
        for (int j = 0; j < cols; j++) out[j] += di[j];
    }
}

/* Each update computes the new weight first and stores it only if finite. */
#define STORE(w, i, nw, bad)                                                                                        \
    do {                                                                                                            \
        if (isfinite(nw)) (w)[i] = (nw);                                                                            \
        else (bad)++;                                                                                               \
    } while (0)

static int sgd(float *w, const float *g, int count, float lr)
{
    int bad = 0;
    float c = -lr;
    for (int i = 0; i < count; i++) {
        float nw = w[i] + c * g[i];
        STORE(w, i, nw, bad);
    }
    return bad;
}

static int momentum(float *w, float *v, const float *g, int count, float lr, float mu, int nesterov)
{
    int bad = 0;
    float c = -lr;
    for (int i = 0; i < count; i++) {
        float nv = mu * v[i] + g[i];
        v[i] = nv;
        float nw = nesterov ? c * (g[i] + nv * mu) + w[i] : c * nv + w[i];
        STORE(w, i, nw, bad);
    }
    return bad;
}

static int adagrad(float *w, float *acc, const float *g, int count, float lr, float eps)
{
    int bad = 0;
    float c = -lr;
    for (int i = 0; i < count; i++) {
        float na = acc[i] + g[i] * g[i];
        acc[i] = na;
        float nw = (g[i] / sqrtf(na + eps)) * c + w[i];
        STORE(w, i, nw, bad);
    }
    return bad;
}

static int rmsprop(float *w, float *ms, float *mom, float *mg, const float *g, int count, float lr, float rho,
                   float one_minus_rho, float mu, float eps, int centered)
{
    int bad = 0;
    for (int i = 0; i < count; i++) {
        float gi = g[i];
        float nms = ms[i] * rho + (gi * gi) * one_minus_rho;
        ms[i] = nms;
        float denom;
        if (centered) {
            float nmg = mg[i] * rho + gi * one_minus_rho;
            mg[i] = nmg;
            denom = sqrtf(nms - (nmg * nmg + eps));   /* TF.js subtracts epsilon here */
        } else {
            denom = sqrtf(nms + eps);
        }
        float nmom = mom[i] * mu + (gi * lr) / denom;
        mom[i] = nmom;
        float nw = w[i] - nmom;
        STORE(w, i, nw, bad);
    }
    return bad;
}

static int adam(float *w, float *m, float *v, const float *g, int count, float lr, float beta1, float one_minus_beta1,
                float beta2, float one_minus_beta2, float one_minus_beta1_pow, float one_minus_beta2_pow, float eps)
{
    int bad = 0;
    float c = -lr;
    for (int i = 0; i < count; i++) {
        float gi = g[i];
        float nm = m[i] * beta1 + gi * one_minus_beta1;
        float nv = v[i] * beta2 + (gi * gi) * one_minus_beta2;
        m[i] = nm;
        v[i] = nv;
        float mhat = nm / one_minus_beta1_pow;
        float vhat = nv / one_minus_beta2_pow;
        float nw = (mhat / (sqrtf(vhat) + eps)) * c + w[i];
        STORE(w, i, nw, bad);
    }
    return bad;
}

const kernel_table kernels_scalar = {
    "scalar", gemm_nn, gemm_nt, gemm_tn, bias_act, act_backward, colsum, gather, vexp, sgd, momentum, adagrad,
    rmsprop, adam,
};

int descent_simd_available(void)
{
    return kernels_simd() != NULL;
}
