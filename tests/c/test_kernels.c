/* test_kernels.c - every kernel against a plain double-precision reference
 * at awkward sizes (1 to 2W+1, multiples of the vector width, odd leading
 * dimensions, accumulate or not); when the build has SIMD kernels, the SIMD
 * table against the scalar one bit for bit, and whole training runs with each. */
#include "check.h"
#include "internal.h"
#include "kernels.h"
#include "activation_error.h"

#include <stdlib.h>

#define W 4 /* f32x4 */

static rng r_;

static void fill(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = 2.0f * rng_uniform(&r_) - 1.0f;
}

static float *new_floats(size_t n)
{
    float *p = malloc(sizeof(float) * (n ? n : 1));
    fill(p, n);
    return p;
}

static float *copy_of(const float *p, size_t n)
{
    float *d = malloc(sizeof(float) * (n ? n : 1));
    memcpy(d, p, sizeof(float) * n);
    return d;
}

/* Index of the first element whose bits differ (any NaN matches any NaN:
 * payloads are not part of the semantics), or -1. */
static long first_difference(const float *x, const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&x[i], &y[i], sizeof(float)) != 0 && !(isnan(x[i]) && isnan(y[i]))) return (long)i;
    return -1;
}

#define CHECK_SAME(x, y, n, ...)                                                                                    \
    do {                                                                                                            \
        long at_ = first_difference((x), (y), (n));                                                                 \
        CHECK_MSG(at_ < 0, "scalar and simd differ at [%ld]: %.9g vs %.9g", at_, at_ < 0 ? 0.0 : (double)(x)[at_], \
                  at_ < 0 ? 0.0 : (double)(y)[at_]);                                                                \
        if (at_ >= 0) printf("    in " __VA_ARGS__);                                                                \
    } while (0)

static const kernel_table *tables[2];
static int n_tables;

static void setup(void)
{
    rng_seed(&r_, 42, 0);
    n_tables = 0;
    tables[n_tables++] = &kernels_scalar;
    if (kernels_simd()) tables[n_tables++] = kernels_simd();
}

/* ------------------------------------------------------------------- gemm */

typedef void (*gemm_fn)(float *, int, const float *, int, const float *, int, int, int, int, int);

enum { NN, NT, TN };
static const char *shape_name[] = {"nn", "nt", "tn"};

static gemm_fn gemm_of(const kernel_table *kt, int shape)
{
    return shape == NN ? kt->gemm_nn : shape == NT ? kt->gemm_nt : kt->gemm_tn;
}

/* Operands of one product with their own leading dimensions; c0 is the
 * initial c, padding included. */
typedef struct gemm_case {
    int shape, m, n, k, lda, ldb, ldc;
    float *a, *b, *c0;
} gemm_case;

static gemm_case gemm_new(int shape, int m, int n, int k, int pad_a, int pad_b, int pad_c)
{
    gemm_case g = {shape, m, n, k, 0, 0, 0, NULL, NULL, NULL};
    int a_rows = shape == TN ? k : m, a_cols = shape == TN ? m : k;
    int b_rows = shape == NT ? n : k, b_cols = shape == NT ? k : n;
    g.lda = a_cols + pad_a;
    g.ldb = b_cols + pad_b;
    g.ldc = n + pad_c;
    g.a = new_floats((size_t)a_rows * g.lda);
    g.b = new_floats((size_t)b_rows * g.ldb);
    g.c0 = new_floats((size_t)m * g.ldc);
    return g;
}

static void gemm_free(gemm_case *g)
{
    free(g->a);
    free(g->b);
    free(g->c0);
}

static float *gemm_run(const kernel_table *kt, const gemm_case *g, int accumulate)
{
    float *c = copy_of(g->c0, (size_t)g->m * g->ldc);
    gemm_of(kt, g->shape)(c, g->ldc, g->a, g->lda, g->b, g->ldb, g->m, g->n, g->k, accumulate);
    return c;
}

static double ref_dot(const gemm_case *g, int i, int j)
{
    double s = 0.0;
    for (int p = 0; p < g->k; p++) {
        double av = g->shape == TN ? g->a[(size_t)p * g->lda + i] : g->a[(size_t)i * g->lda + p];
        double bv = g->shape == NT ? g->b[(size_t)j * g->ldb + p] : g->b[(size_t)p * g->ldb + j];
        s += av * bv;
    }
    return s;
}

static void check_gemm(const kernel_table *kt, const gemm_case *g, int accumulate)
{
    float *c = gemm_run(kt, g, accumulate);
    int bad = 0;
    for (int i = 0; i < g->m && !bad; i++) {
        for (int j = 0; j < g->n; j++) {
            size_t at = (size_t)i * g->ldc + j;
            double want = ref_dot(g, i, j) + (accumulate ? g->c0[at] : 0.0);
            if (fabs(c[at] - want) > 1e-5 * (g->k + 1)) {
                printf("  %s gemm_%s m=%d n=%d k=%d ld=%d,%d,%d acc=%d: c[%d][%d] = %g, want %g\n", kt->name,
                       shape_name[g->shape], g->m, g->n, g->k, g->lda, g->ldb, g->ldc, accumulate, i, j, c[at], want);
                bad = 1;
                break;
            }
        }
        /* the padding past n must be left alone */
        for (int j = g->n; j < g->ldc && !bad; j++)
            if (c[(size_t)i * g->ldc + j] != g->c0[(size_t)i * g->ldc + j]) {
                printf("  %s gemm_%s wrote into the padding at [%d][%d]\n", kt->name, shape_name[g->shape], i, j);
                bad = 1;
            }
    }
    CHECK(!bad);
    free(c);
}

/* Every gemm sums each output over p in ascending order, as the scalar loops
 * do, so the SIMD table must give the same bits (padding included). */
static void check_gemm_same(const gemm_case *g, int accumulate)
{
    if (n_tables < 2) return;
    float *cs = gemm_run(tables[0], g, accumulate), *cv = gemm_run(tables[1], g, accumulate);
    CHECK_SAME(cs, cv, (size_t)g->m * g->ldc, "gemm_%s m=%d n=%d k=%d ld=%d,%d,%d acc=%d\n", shape_name[g->shape],
               g->m, g->n, g->k, g->lda, g->ldb, g->ldc, accumulate);
    free(cs);
    free(cv);
}

static void test_gemm_sizes(void)
{
    setup();
    for (int shape = NN; shape <= TN; shape++)
        for (int m = 1; m <= 2 * W + 1; m++)
            for (int n = 1; n <= 2 * W + 1; n++)
                for (int k = 1; k <= 2 * W + 1; k++)
                    for (int variant = 0; variant < 2; variant++) {
                        /* packed, fresh c; then odd leading dimensions, accumulating */
                        gemm_case g = variant ? gemm_new(shape, m, n, k, 1, 3, 2) : gemm_new(shape, m, n, k, 0, 0, 0);
                        for (int t = 0; t < n_tables; t++) check_gemm(tables[t], &g, variant);
                        check_gemm_same(&g, variant);
                        gemm_free(&g);
                    }
}

/* The SIMD gemm picks its blocks (8 columns, or the last 12 or fewer as one
 * block of 1-3 vectors) and tiles (4, 2 or 1 rows) by shape: every n up to
 * 16, m up to 40 and k up to 40, against the scalar table bit for bit, fresh
 * and accumulating into c with odd leading dimensions. */
static void test_gemm_same_small_layers(void)
{
    setup();
    if (n_tables < 2) return;
    for (int shape = NN; shape <= TN; shape++)
        for (int n = 1; n <= 16; n++)
            for (int m = 1; m <= 40; m++)
                for (int k = 1; k <= 40; k++) {
                    int pad = (m + k) % 2;
                    gemm_case g = pad ? gemm_new(shape, m, n, k, 1, 3, 2) : gemm_new(shape, m, n, k, 0, 0, 0);
                    for (int acc = 0; acc <= 1; acc++) check_gemm_same(&g, acc);
                    gemm_free(&g);
                }
}

static void test_gemm_large_and_padded(void)
{
    setup();
    /* multiples of the 4×8 block, awkward sizes, and k past one 256-deep panel */
    static const int sizes[][3] = {{4, 8, 4},    {8, 8, 8},     {12, 16, 4},  {16, 16, 16}, {32, 32, 32},
                                   {17, 33, 9},  {64, 10, 128}, {3, 128, 65}, {37, 41, 43}, {127, 129, 65},
                                   {5, 9, 300},  {33, 17, 513}, {1, 40, 7},   {40, 1, 7},   {9, 7, 1}};
    static const int pads[][3] = {{0, 0, 0}, {1, 3, 2}, {3, 3, 3}};
    for (int shape = NN; shape <= TN; shape++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++) {
                const int *z = sizes[s], *d = pads[p];
                gemm_case g = gemm_new(shape, z[0], z[1], z[2], d[0], d[1], d[2]);
                for (int acc = 0; acc <= 1; acc++) {
                    for (int t = 0; t < n_tables; t++) check_gemm(tables[t], &g, acc);
                    check_gemm_same(&g, acc);
                }
                gemm_free(&g);
            }
}

/* ------------------------------------------------------------ activations */

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

/* ... past 256 too, where bias_act leaves its one-array path for row by row */
static const int widths[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 17, 33, 64, 257, 258};
#define N_WIDTHS ((int)(sizeof widths / sizeof widths[0]))

static void test_bias_act(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int act = DESCENT_ACT_LINEAR; act <= DESCENT_ACT_SOFTMAX; act++)
            for (int w = 0; w < N_WIDTHS; w++)
                for (int with_bias = 0; with_bias <= 1; with_bias++) {
                    int rows = 3, cols = widths[w];
                    size_t count = (size_t)rows * cols;
                    float *z = new_floats(count), *bias = new_floats((size_t)cols);
                    for (size_t i = 0; i < count; i++) z[i] *= 8.0f;
                    float *orig = copy_of(z, count);
                    tables[t]->bias_act(z, with_bias ? bias : NULL, rows, cols, (descent_activation)act, 0.3f);
                    for (int i = 0; i < rows; i++) {
                        double denom = 0.0, mx = -1e30;
                        for (int j = 0; j < cols; j++)
                            mx = fmax(mx, orig[i * cols + j] + (with_bias ? bias[j] : 0.0f));
                        for (int j = 0; j < cols; j++)
                            denom += exp(orig[i * cols + j] + (with_bias ? bias[j] : 0.0f) - mx);
                        for (int j = 0; j < cols; j++) {
                            double zz = (double)orig[i * cols + j] + (with_bias ? bias[j] : 0.0f);
                            double want = act == DESCENT_ACT_SOFTMAX ? exp(zz - mx) / denom
                                                                     : ref_act((descent_activation)act, zz, 0.3);
                            CHECK_NEAR(z[i * cols + j], want, 2e-6 * fmax(1.0, fabs(want)));
                        }
                    }
                    free(z);
                    free(bias);
                    free(orig);
                }
}

/* The SIMD table's exp, tanh and sigmoid are vector code, not libm's: the
 * most float steps (ulp) any of their results may be from libm's. The sweep
 * measures exp 1, tanh 2, sigmoid 4; softmax adds the sum's and division's
 * roundings to exp's. */
#define EXP_MAX_ULP 2.0
#define TANH_MAX_ULP 3.0
#define SIGMOID_MAX_ULP 6.0
#define SOFTMAX_MAX_ULP 8.0

static double ulp_apart(float a, float b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b) ? 0.0 : HUGE_VAL;
    int64_t d = act_err_ordered(a) - act_err_ordered(b);
    return (double)(d < 0 ? -d : d);
}

/* In place on z, with exact zeros of both signs, each activation with and
 * without a bias: the same bits from both tables for linear, relu and leaky
 * relu; within the bounds above for the others. */
static void test_bias_act_same(void)
{
    setup();
    if (n_tables < 2) return;
    static const int row_counts[] = {1, 2, 5, 9};
    for (int act = DESCENT_ACT_LINEAR; act <= DESCENT_ACT_SOFTMAX; act++)
        for (int w = 0; w < N_WIDTHS; w++)
            for (int r = 0; r < 4; r++)
                for (int with_bias = 0; with_bias <= 1; with_bias++) {
                    int rows = row_counts[r], cols = widths[w];
                    size_t count = (size_t)rows * cols;
                    float *z = new_floats(count), *bias = new_floats((size_t)cols);
                    for (size_t i = 0; i < count; i++) z[i] *= 8.0f;
                    z[0] = 0.0f;
                    z[count - 1] = -0.0f;
                    if (with_bias) bias[0] = 0.0f;
                    float *zs = copy_of(z, count);
                    tables[0]->bias_act(zs, with_bias ? bias : NULL, rows, cols, (descent_activation)act, 0.3f);
                    tables[1]->bias_act(z, with_bias ? bias : NULL, rows, cols, (descent_activation)act, 0.3f);
                    double bound = act == DESCENT_ACT_TANH      ? TANH_MAX_ULP
                                   : act == DESCENT_ACT_SIGMOID ? SIGMOID_MAX_ULP
                                   : act == DESCENT_ACT_SOFTMAX ? SOFTMAX_MAX_ULP
                                                                : 0.0;
                    if (bound == 0.0)
                        CHECK_SAME(zs, z, count, "bias_act act=%d rows=%d cols=%d bias=%d\n", act, rows, cols,
                                   with_bias);
                    for (size_t i = 0; bound > 0.0 && i < count; i++)
                        CHECK_MSG(ulp_apart(zs[i], z[i]) <= bound,
                                  "bias_act act=%d rows=%d cols=%d bias=%d [%zu]: %.9g vs %.9g (%g ulp > %g)", act,
                                  rows, cols, with_bias, i, (double)zs[i], (double)z[i], ulp_apart(zs[i], z[i]), bound);
                    free(z);
                    free(zs);
                    free(bias);
                }
}

/* Over every 1021st float bit pattern (and the special values, NaN and ±inf
 * among them): the SIMD table's exp, tanh and sigmoid within their bounds
 * of libm's; NaN exactly where libm gives NaN. The scalar table is libm. */
static void test_activation_error(void)
{
    setup();
    static const double bounds[] = {EXP_MAX_ULP, TANH_MAX_ULP, SIGMOID_MAX_ULP};
    static const char *names[] = {"exp", "tanh", "sigmoid"};
    for (int t = 0; t < n_tables; t++)
        for (int fn = 0; fn < 3; fn++) {
            activation_error e = activation_error_sweep(tables[t], fn, 1021, (uint32_t)fn * 7u);
            double bound = t == 0 ? 0.0 : bounds[fn];
            CHECK_MSG(e.max_ulp <= bound, "%s %s: %g ulp from libm at x = %.9g (at most %g)", tables[t]->name,
                      names[fn], e.max_ulp, (double)e.worst_x, bound);
            CHECK(e.checked > 4000000);
        }
}

static const int counts[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 17, 33, 100, 1001};
#define N_COUNTS ((int)(sizeof counts / sizeof counts[0]))

/* a as a layer's output: in (0, 1) for sigmoid, >= 0 for relu, with zeros of both signs. */
static void act_output(float *a, int count, descent_activation act)
{
    fill(a, (size_t)count);
    a[0] = 0.0f; /* the slope at exactly 0 is part of the semantics */
    if (count > 2) a[count - 1] = -0.0f;
    for (int i = 0; i < count; i++) {
        if (act == DESCENT_ACT_SIGMOID) a[i] = 0.5f + 0.5f * a[i];
        if (act == DESCENT_ACT_RELU && a[i] < 0) a[i] = 0.0f;
    }
}

static void test_act_backward(void)
{
    setup();
    for (int t = 0; t < n_tables; t++)
        for (int act = DESCENT_ACT_LINEAR; act < DESCENT_ACT_SOFTMAX; act++)
            for (int c = 0; c < N_COUNTS; c++) {
                int count = counts[c];
                float *a = malloc(sizeof(float) * count), *d = new_floats((size_t)count);
                act_output(a, count, (descent_activation)act);
                float *d0 = copy_of(d, (size_t)count);
                tables[t]->act_backward(d, a, count, (descent_activation)act, 0.3f);
                for (int i = 0; i < count; i++) {
                    double slope = 1.0;
                    if (act == DESCENT_ACT_RELU) slope = a[i] > 0 ? 1 : 0;
                    if (act == DESCENT_ACT_LEAKY_RELU) slope = a[i] > 0 ? 1 : 0.3;
                    if (act == DESCENT_ACT_SIGMOID) slope = a[i] * (1.0 - a[i]);
                    if (act == DESCENT_ACT_TANH) slope = 1.0 - (double)a[i] * a[i];
                    CHECK_NEAR(d[i], d0[i] * slope, 1e-6);
                }
                free(a);
                free(d);
                free(d0);
            }
}

/* In place on d, and with a and d the same array. */
static void test_act_backward_same(void)
{
    setup();
    if (n_tables < 2) return;
    for (int act = DESCENT_ACT_LINEAR; act <= DESCENT_ACT_SOFTMAX; act++)
        for (int c = 0; c < N_COUNTS; c++)
            for (int aliased = 0; aliased <= 1; aliased++) {
                int count = counts[c];
                float *a = malloc(sizeof(float) * count), *d = new_floats((size_t)count);
                act_output(a, count, (descent_activation)act);
                if (aliased) memcpy(d, a, sizeof(float) * count);
                float *ds = copy_of(d, (size_t)count);
                tables[0]->act_backward(ds, aliased ? ds : a, count, (descent_activation)act, 0.3f);
                tables[1]->act_backward(d, aliased ? d : a, count, (descent_activation)act, 0.3f);
                CHECK_SAME(ds, d, (size_t)count, "act_backward act=%d count=%d aliased=%d\n", act, count, aliased);
                free(a);
                free(d);
                free(ds);
            }
}

/* ----------------------------------------------------------------- colsum */

static void test_colsum(void)
{
    setup();
    static const int row_counts[] = {1, 2, 3, 5, 8, 70};
    for (int t = 0; t < n_tables; t++)
        for (int r = 0; r < 6; r++)
            for (int w = 0; w < N_WIDTHS; w++) {
                int rows = row_counts[r], cols = widths[w];
                float *d = new_floats((size_t)rows * cols), *out = malloc(sizeof(float) * cols);
                tables[t]->colsum(out, d, rows, cols);
                for (int j = 0; j < cols; j++) {
                    double s = 0.0;
                    for (int i = 0; i < rows; i++) s += d[i * cols + j];
                    CHECK_NEAR(out[j], s, 1e-6 * rows);
                }
                /* rows in order, as the scalar table sums them */
                if (n_tables == 2 && t == 1) {
                    float *want = malloc(sizeof(float) * cols);
                    tables[0]->colsum(want, d, rows, cols);
                    CHECK_SAME(want, out, (size_t)cols, "colsum rows=%d cols=%d\n", rows, cols);
                    free(want);
                }
                free(d);
                free(out);
            }
}

/* ----------------------------------------------------------------- gather */

/* A batch's rows picked by an index (or in order) and copied, or
 * standardized, (v - mean) / std: what the reference computes, and the SIMD
 * table bit for bit, for every width with a vector tail of 0-3. */
static void test_gather(void)
{
    setup();
    enum { SRC_ROWS = 37, COUNT = 11, START = 5 };
    int idx[SRC_ROWS];
    for (int i = 0; i < SRC_ROWS; i++) idx[i] = (i * 17 + 3) % SRC_ROWS;
    for (int w = 0; w < N_WIDTHS; w++) {
        int cols = widths[w];
        float *src = new_floats((size_t)SRC_ROWS * cols), *mean = new_floats((size_t)cols);
        float *std = new_floats((size_t)cols);
        for (int j = 0; j < cols; j++) std[j] = 0.25f + fabsf(std[j]);
        for (int variant = 0; variant < 4; variant++) {
            const int *ix = variant & 1 ? idx : NULL;
            const float *mu = variant & 2 ? mean : NULL, *sd = variant & 2 ? std : NULL;
            float *want = NULL;
            for (int t = 0; t < n_tables; t++) {
                float *dst = malloc(sizeof(float) * (size_t)COUNT * cols);
                tables[t]->gather(dst, src, ix, START, COUNT, cols, mu, sd);
                for (int i = 0; i < COUNT; i++) {
                    int r = ix ? ix[START + i] : START + i;
                    for (int j = 0; j < cols; j++) {
                        float v = src[(size_t)r * cols + j];
                        CHECK_NEAR(dst[(size_t)i * cols + j], mu ? (v - mu[j]) / sd[j] : v, 0.0);
                    }
                }
                if (t == 0) want = dst;
                else {
                    CHECK_SAME(want, dst, (size_t)COUNT * cols, "gather cols=%d variant=%d\n", cols, variant);
                    free(dst);
                }
            }
            free(want);
        }
        free(src);
        free(mean);
        free(std);
    }
}

/* ------------------------------------------------------ optimizer updates */

enum { UPD_SGD, UPD_MOMENTUM, UPD_NESTEROV, UPD_ADAGRAD, UPD_RMSPROP, UPD_RMSPROP_CENTERED, UPD_ADAM, N_UPDATES };

/* One update of kind u on w with state s0..s2 (each count long). */
static int update(const kernel_table *kt, int u, float *w, float *s0, float *s1, float *s2, const float *g, int count)
{
    switch (u) {
    case UPD_SGD: return kt->sgd(w, g, count, 0.01f);
    case UPD_MOMENTUM: return kt->momentum(w, s0, g, count, 0.01f, 0.9f, 0);
    case UPD_NESTEROV: return kt->momentum(w, s0, g, count, 0.01f, 0.9f, 1);
    case UPD_ADAGRAD: return kt->adagrad(w, s0, g, count, 0.01f, 1e-7f);
    case UPD_RMSPROP: return kt->rmsprop(w, s0, s1, s2, g, count, 0.001f, 0.9f, 0.1f, 0.5f, 1e-7f, 0);
    case UPD_RMSPROP_CENTERED: return kt->rmsprop(w, s0, s1, s2, g, count, 0.001f, 0.9f, 0.1f, 0.5f, 1e-7f, 1);
    default:
        return kt->adam(w, s0, s1, g, count, 0.001f, 0.9f, 0.1f, 0.999f, 0.001f, 0.271f, 0.00299f, 1e-7f);
    }
}

/* An update that would make a weight non-finite keeps the old weight and is
 * counted, wherever it falls (vector body or tail). */
static void test_update_keeps_finite(void)
{
    setup();
    for (int t = 0; t < n_tables; t++) {
        float w[5] = {1, 2, 3, 4, 5}, g[5] = {1, 1, 3e38f, 1, 1};
        int bad = tables[t]->sgd(w, g, 5, 1e10f);
        CHECK(bad == 1);
        CHECK(w[2] == 3.0f);
        CHECK(isfinite(w[0]) && w[0] != 1.0f);
        for (int u = 0; u < N_UPDATES; u++)
            for (int c = 0; c < N_COUNTS; c++) {
                int count = counts[c];
                float *wu = new_floats((size_t)count), *gu = new_floats((size_t)count);
                /* centered rmsprop's mean gradient stays small, so only the NaNs fail */
                float *s[3];
                for (int k = 0; k < 3; k++) {
                    s[k] = new_floats((size_t)count);
                    for (int i = 0; i < count; i++) s[k][i] = k == 2 ? 0.1f * fabsf(s[k][i]) : fabsf(s[k][i]) + 0.5f;
                }
                gu[count - 1] = NAN;
                gu[count / 2] = NAN;
                int want = count - 1 == count / 2 ? 1 : 2;
                float *w0 = copy_of(wu, (size_t)count);
                CHECK_MSG(update(tables[t], u, wu, s[0], s[1], s[2], gu, count) == want, "%s update %d count %d",
                          tables[t]->name, u, count);
                CHECK(wu[count - 1] == w0[count - 1] && wu[count / 2] == w0[count / 2]);
                free(wu);
                free(gu);
                free(w0);
                for (int k = 0; k < 3; k++) free(s[k]);
            }
    }
}

/* Same float32 operations in the same order: the same bits for weights and
 * state, and the same count, including weights that overflow and NaN. */
static void test_updates_same(void)
{
    setup();
    if (n_tables < 2) return;
    for (int u = 0; u < N_UPDATES; u++)
        for (int c = 0; c < N_COUNTS; c++) {
            int count = counts[c];
            size_t n = (size_t)count;
            float *w = new_floats(n), *g = new_floats(n), *s[3];
            for (int k = 0; k < 3; k++) {
                s[k] = new_floats(n);
                for (int i = 0; i < count; i++) s[k][i] = fabsf(s[k][i]) + 0.1f;
            }
            if (count > 3) {
                g[count - 1] = 3e38f;
                g[1] = -INFINITY;
                g[count - 2] = NAN;
                w[2] = 3.4e38f;
            }
            float *ws = copy_of(w, n), *ss[3];
            for (int k = 0; k < 3; k++) ss[k] = copy_of(s[k], n);
            for (int step = 0; step < 3; step++) {
                int bad_s = update(tables[0], u, ws, ss[0], ss[1], ss[2], g, count);
                int bad_v = update(tables[1], u, w, s[0], s[1], s[2], g, count);
                CHECK_MSG(bad_s == bad_v, "update %d count %d: %d vs %d non-finite", u, count, bad_s, bad_v);
            }
            CHECK_SAME(ws, w, n, "update %d count %d (weights)\n", u, count);
            for (int k = 0; k < 3; k++) CHECK_SAME(ss[k], s[k], n, "update %d count %d (state %d)\n", u, count, k);
            free(w);
            free(g);
            free(ws);
            for (int k = 0; k < 3; k++) {
                free(s[k]);
                free(ss[k]);
            }
        }
}

/* ---------------------------------------------------------- training runs */

/* One network per optimizer, over every activation and loss; fitted with
 * each table from the same seed. */
static descent_model *run_model(int config, descent_kernels which, descent_history *h, const float *x,
                                const float *const targets[3], int n)
{
    static const descent_optimizer_kind opts[] = {DESCENT_OPT_SGD,     DESCENT_OPT_MOMENTUM, DESCENT_OPT_NESTEROV,
                                                  DESCENT_OPT_ADAGRAD, DESCENT_OPT_RMSPROP,  DESCENT_OPT_ADAM};
    descent_layer_spec layers[3];
    descent_loss loss;
    int n_layers = 3;
    switch (config % 3) {
    case 0:
        layers[0] = descent_layer(33, DESCENT_ACT_RELU);
        layers[1] = descent_layer(17, DESCENT_ACT_LEAKY_RELU);
        layers[2] = descent_layer(3, DESCENT_ACT_SOFTMAX);
        layers[0].l2 = 1e-3f;
        loss = DESCENT_LOSS_CATEGORICAL_CROSSENTROPY;
        break;
    case 1:
        layers[0] = descent_layer(12, DESCENT_ACT_TANH);
        layers[1] = descent_layer(9, DESCENT_ACT_SIGMOID);
        layers[2] = descent_layer(1, DESCENT_ACT_SIGMOID);
        layers[1].no_bias = 1;
        loss = DESCENT_LOSS_BINARY_CROSSENTROPY;
        break;
    default:
        layers[0] = descent_layer(20, DESCENT_ACT_LEAKY_RELU);
        layers[1] = descent_layer(1, DESCENT_ACT_LINEAR);
        layers[0].l1 = 1e-4f;
        n_layers = 2;
        loss = DESCENT_LOSS_MSE;
        break;
    }
    descent_optimizer_spec o = descent_optimizer_defaults(opts[config]);
    descent_model_spec spec = {7, n_layers, layers, loss, o, 5u + (uint32_t)config};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    if (!m) return NULL;
    CHECK(descent_model_set_kernels(m, which, &err) == DESCENT_OK);
    descent_fit_options f = descent_fit_defaults();
    f.epochs = 4;
    f.batch_size = 13;
    CHECK_MSG(descent_model_fit(m, x, targets[config % 3], n, &f, h, &err) == DESCENT_OK, "%s", err.message);
    return m;
}

static void test_training_same(void)
{
    setup();
    descent_error err;
    if (n_tables < 2) {
        descent_layer_spec l = descent_layer(1, DESCENT_ACT_LINEAR);
        descent_model_spec spec = {1, 1, &l, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
        descent_model *m = descent_model_create(&spec, NULL);
        CHECK(descent_model_set_kernels(m, DESCENT_KERNELS_SIMD, &err) == DESCENT_ERR_ARGUMENT);
        descent_model_free(m);
        return;
    }
    enum { N = 150 };
    /* targets for the three losses: one-hot classes, a 0/1 label, a value */
    float *x = malloc(sizeof(float) * N * 7), *onehot = calloc(N * 3, sizeof(float));
    float *label = malloc(sizeof(float) * N), *value = malloc(sizeof(float) * N);
    fill(x, (size_t)N * 7);
    for (int i = 0; i < N; i++) {
        const float *xi = x + i * 7;
        float s = xi[0] - 0.5f * xi[3] + xi[6] * xi[1];
        onehot[i * 3 + (s > 0.3f ? 0 : s > -0.3f ? 1 : 2)] = 1.0f;
        label[i] = s > 0.0f;
        value[i] = s;
    }
    const float *const targets[3] = {onehot, label, value};
    for (int config = 0; config < 6; config++) {
        descent_history hs, hv;
        descent_model *ms = run_model(config, DESCENT_KERNELS_SCALAR, &hs, x, targets, N);
        descent_model *mv = run_model(config, DESCENT_KERNELS_SIMD, &hv, x, targets, N);
        if (ms && mv) {
            CHECK(hs.epochs == 4 && hv.epochs == 4);
            for (int e = 0; e < hs.epochs && e < hv.epochs; e++) CHECK_CLOSE(hs.loss[e], hv.loss[e], 1e-5);
            const float *ps = descent_model_params(ms), *pv = descent_model_params(mv);
            size_t np = (size_t)descent_model_param_count(ms);
            /* without exp, tanh or sigmoid every kernel is bit-exact, so the whole run is */
            if (config % 3 == 2) CHECK_SAME(ps, pv, np, "training config %d\n", config);
            /* with them, within the conformance tests' tolerance of TF.js */
            for (size_t i = 0; config % 3 != 2 && i < np; i++)
                CHECK_MSG(fabs((double)ps[i] - pv[i]) <= 1e-5 * fmax(fabs((double)ps[i]), fabs((double)pv[i])) + 1e-7,
                          "training config %d, weight %zu: %.9g vs %.9g", config, i, (double)ps[i], (double)pv[i]);
            descent_history_free(&hs);
            descent_history_free(&hv);
        }
        descent_model_free(ms);
        descent_model_free(mv);
    }
    free(x);
    free(onehot);
    free(label);
    free(value);
}

CHECK_MAIN(TEST(test_gemm_sizes), TEST(test_gemm_same_small_layers), TEST(test_gemm_large_and_padded), TEST(test_bias_act), TEST(test_bias_act_same),
           TEST(test_activation_error),
           TEST(test_act_backward), TEST(test_act_backward_same), TEST(test_colsum), TEST(test_gather),
           TEST(test_update_keeps_finite),
           TEST(test_updates_same), TEST(test_training_same))
