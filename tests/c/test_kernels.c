/* test_kernels.c - every kernel against a plain double-precision reference
 * at awkward sizes (1 to 2W+1, multiples of the vector width, odd leading
 * dimensions, accumulate or not), and the SIMD table against the scalar one
 * when the build has it. */
#include "check.h"
#include "internal.h"
#include "kernels.h"

#include <stdlib.h>

#define W 4 /* f32x4 */

static rng r_;

static void fill(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = 2.0f * rng_uniform(&r_) - 1.0f;
}

typedef void (*gemm_fn)(float *, int, const float *, int, const float *, int, int, int, int, int);

/* shape: 0 = nn, 1 = nt, 2 = tn */
static void ref_gemm(int shape, double *c, const float *a, int lda, const float *b, int ldb, int m, int n, int k)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++) {
                double av = shape == 2 ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                double bv = shape == 1 ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                s += av * bv;
            }
            c[(size_t)i * n + j] = s;
        }
}

static void check_gemm(const kernel_table *kt, int shape, int m, int n, int k, int pad, int accumulate)
{
    gemm_fn fn = shape == 0 ? kt->gemm_nn : shape == 1 ? kt->gemm_nt : kt->gemm_tn;
    int a_rows = shape == 2 ? k : m, a_cols = shape == 2 ? m : k;
    int b_rows = shape == 1 ? n : k, b_cols = shape == 1 ? k : n;
    int lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    float *a = malloc(sizeof(float) * (size_t)a_rows * lda);
    float *b = malloc(sizeof(float) * (size_t)b_rows * ldb);
    float *c = malloc(sizeof(float) * (size_t)m * ldc);
    double *ref = malloc(sizeof(double) * (size_t)m * n);
    fill(a, (size_t)a_rows * lda);
    fill(b, (size_t)b_rows * ldb);
    fill(c, (size_t)m * ldc);
    float *c0 = malloc(sizeof(float) * (size_t)m * ldc);
    memcpy(c0, c, sizeof(float) * (size_t)m * ldc);
    ref_gemm(shape, ref, a, lda, b, ldb, m, n, k);
    fn(c, ldc, a, lda, b, ldb, m, n, k, accumulate);
    int bad = 0;
    for (int i = 0; i < m && !bad; i++) {
        for (int j = 0; j < n; j++) {
            double want = ref[(size_t)i * n + j] + (accumulate ? c0[(size_t)i * ldc + j] : 0.0);
            double got = c[(size_t)i * ldc + j];
            if (fabs(got - want) > 1e-5 * (k + 1)) {
                printf("  %s gemm shape %d m=%d n=%d k=%d pad=%d acc=%d: c[%d][%d] = %g, want %g\n", kt->name, shape,
                       m, n, k, pad, accumulate, i, j, got, want);
                bad = 1;
                break;
            }
        }
        /* the padding past n must be left alone */
        for (int j = n; j < ldc && !bad; j++)
            if (c[(size_t)i * ldc + j] != c0[(size_t)i * ldc + j]) {
                printf("  %s gemm shape %d wrote into the padding at [%d][%d]\n", kt->name, shape, i, j);
                bad = 1;
            }
    }
    CHECK(!bad);
    free(a);
    free(b);
    free(c);
    free(c0);
    free(ref);
}

static const kernel_table *tables[2];
static int n_tables;

static void setup(void)
{
    rng_seed(&r_, 42, 0);
    n_tables = 0;
    tables[n_tables++] = &kernels_scalar;
    if (kernels_simd()) tables[n_tables++] = kernels_simd();
}

static void test_gemm_sizes(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int shape = 0; shape < 3; shape++)
            for (int m = 1; m <= 2 * W + 1; m++)
                for (int n = 1; n <= 2 * W + 1; n++)
                    for (int k = 1; k <= 2 * W + 1; k += 3) check_gemm(tables[t], shape, m, n, k, 0, 0);
}

static void test_gemm_large_and_padded(void)
{
    setup();
    static const int sizes[][3] = {{16, 16, 16}, {17, 33, 9}, {64, 10, 128}, {3, 128, 65}, {37, 41, 43}};
    for (int t = 0; t < n_tables; t++)
        for (int shape = 0; shape < 3; shape++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                for (int pad = 0; pad <= 3; pad += 3)
                    for (int acc = 0; acc <= 1; acc++)
                        check_gemm(tables[t], shape, sizes[s][0], sizes[s][1], sizes[s][2], pad, acc);
}

static double ref_act(descent_activation act, double z, double alpha)
{
    switch (act) {
    case DESCENT_ACT_RELU: return z > 0 ? z : 0;
    case DESCENT_ACT_LEAKY_RELU: return z > 0 ? z : alpha * z;
    case DESCENT_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case DESCENT_ACT_TANH: return tanh(z);
    default: return z;
    }
}

static void test_bias_act(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int act = DESCENT_ACT_LINEAR; act <= DESCENT_ACT_SOFTMAX; act++)
            for (int cols = 1; cols <= 2 * W + 1; cols++) {
                int rows = 3;
                float z[3 * 9], bias[9];
                fill(z, (size_t)rows * cols);
                fill(bias, (size_t)cols);
                for (int i = 0; i < rows * cols; i++) z[i] *= 8.0f;
                float orig[3 * 9];
                memcpy(orig, z, sizeof z);
                tables[t]->bias_act(z, bias, rows, cols, (descent_activation)act, 0.3f);
                for (int i = 0; i < rows; i++) {
                    double denom = 0.0, mx = -1e30;
                    for (int j = 0; j < cols; j++) mx = fmax(mx, orig[i * cols + j] + bias[j]);
                    for (int j = 0; j < cols; j++) denom += exp(orig[i * cols + j] + bias[j] - mx);
                    for (int j = 0; j < cols; j++) {
                        double zz = (double)orig[i * cols + j] + bias[j];
                        double want = act == DESCENT_ACT_SOFTMAX ? exp(zz - mx) / denom
                                                                 : ref_act((descent_activation)act, zz, 0.3);
                        CHECK_NEAR(z[i * cols + j], want, 2e-6 * fmax(1.0, fabs(want)));
                    }
                }
            }
}

static void test_act_backward(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int act = DESCENT_ACT_LINEAR; act < DESCENT_ACT_SOFTMAX; act++)
            for (int count = 1; count <= 2 * W + 1; count++) {
                float a[9], d[9], d0[9];
                fill(a, (size_t)count);
                fill(d, (size_t)count);
                a[0] = 0.0f; /* the slope at exactly 0 is part of the semantics */
                if (act == DESCENT_ACT_SIGMOID)
                    for (int i = 0; i < count; i++) a[i] = 0.5f + 0.5f * a[i];
                if (act == DESCENT_ACT_RELU)
                    for (int i = 0; i < count; i++) a[i] = a[i] < 0 ? 0.0f : a[i];
                memcpy(d0, d, sizeof d);
                tables[t]->act_backward(d, a, count, (descent_activation)act, 0.3f);
                for (int i = 0; i < count; i++) {
                    double slope = 1.0;
                    if (act == DESCENT_ACT_RELU) slope = a[i] > 0 ? 1 : 0;
                    if (act == DESCENT_ACT_LEAKY_RELU) slope = a[i] > 0 ? 1 : 0.3;
                    if (act == DESCENT_ACT_SIGMOID) slope = a[i] * (1.0 - a[i]);
                    if (act == DESCENT_ACT_TANH) slope = 1.0 - (double)a[i] * a[i];
                    CHECK_NEAR(d[i], d0[i] * slope, 1e-6);
                }
            }
}

static void test_colsum(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int rows = 1; rows <= 5; rows++)
            for (int cols = 1; cols <= 2 * W + 1; cols++) {
                float d[5 * 9], out[9];
                fill(d, (size_t)rows * cols);
                tables[t]->colsum(out, d, rows, cols);
                for (int j = 0; j < cols; j++) {
                    double s = 0.0;
                    for (int i = 0; i < rows; i++) s += d[i * cols + j];
                    CHECK_NEAR(out[j], s, 1e-6);
                }
            }
}

/* An update that would make a weight infinite keeps the old weight. */
static void test_update_keeps_finite(void)
{
    setup();
    for (int t = 0; t < n_tables; t++) {
        float w[5] = {1, 2, 3, 4, 5}, g[5] = {1, 1, 3e38f, 1, 1};
        int bad = tables[t]->sgd(w, g, 5, 1e10f);
        CHECK(bad == 1);
        CHECK(w[2] == 3.0f);
        CHECK(isfinite(w[0]) && w[0] != 1.0f);
    }
}

/* SIMD and scalar tables agree on the optimizer updates (when SIMD is built). */
static void test_updates_agree(void)
{
    setup();
    if (n_tables < 2) return;
    for (int count = 1; count <= 2 * W + 1; count++) {
        float w0[9], g[9], s0[9];
        fill(w0, (size_t)count);
        fill(g, (size_t)count);
        for (int i = 0; i < count; i++) s0[i] = fabsf(w0[i]) + 0.1f;
        float w[2][9], a[2][9], b[2][9], c[2][9];
        for (int t = 0; t < 2; t++) {
            memcpy(w[t], w0, sizeof w0);
            memcpy(a[t], s0, sizeof s0);
            memcpy(b[t], s0, sizeof s0);
            memcpy(c[t], s0, sizeof s0);
            tables[t]->adam(w[t], a[t], b[t], g, count, 0.01f, 0.9f, 0.1f, 0.999f, 0.001f, 0.1f, 0.001f, 1e-7f);
            tables[t]->rmsprop(w[t], a[t], b[t], c[t], g, count, 0.01f, 0.9f, 0.1f, 0.5f, 1e-7f, 0);
            tables[t]->momentum(w[t], a[t], g, count, 0.01f, 0.9f, 1);
            tables[t]->adagrad(w[t], b[t], g, count, 0.01f, 1e-7f);
            tables[t]->sgd(w[t], g, count, 0.01f);
        }
        for (int i = 0; i < count; i++) CHECK_NEAR(w[0][i], w[1][i], 1e-6);
    }
}

CHECK_MAIN(TEST(test_gemm_sizes), TEST(test_gemm_large_and_padded), TEST(test_bias_act), TEST(test_act_backward),
           TEST(test_colsum), TEST(test_update_keeps_finite), TEST(test_updates_agree))
