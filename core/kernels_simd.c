/* kernels_simd.c - the kernel_table written once with wasm_* intrinsics: emcc
 * compiles it to WebAssembly SIMD, native builds run it through SIMDe. The
 * optimizer updates it lists are in updates_simd.c. */
#include "simd.h"

#ifdef HAVE_SIMD

/* A loop left as written: not vectorized, interleaved or unrolled (rare
 * tails, where clang's copies would only add code). */
#ifdef __clang__
#define PLAIN_LOOP _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")
#else
#define PLAIN_LOOP
#endif

#include <math.h>
#include <string.h>

/* Every kernel below performs, for each output element, the scalar
 * reference's float32 operations in the scalar reference's order, so results
 * are bit-identical to it; gemm sums over p in ascending order from 0 (or
 * from c) exactly as the reference loops do. The exceptions are e^x, tanh
 * and sigmoid (in bias_act and exp), which simd_math.h computes four at a
 * time to within a few ulp of libm's. */

/* ------------------------------------------------------------------- gemm */

/* c is computed in blocks of up to 4 rows by 1-3 vectors of columns (the
 * last vector may be partial), held in registers while a panel of b streams
 * by. The panel (KC rows of the block's columns, zero-padded to whole
 * vectors) is packed contiguous so it stays in L1 for every row block of a,
 * whatever b's shape and stride. Wide products go in 8-column blocks (4×8
 * tiles); the last 12 or fewer columns are one block, so a layer of 9-12
 * units is one 12-column block (2×12 tiles: 4×12 would need more registers
 * than V8 has on x64) with no narrow edge. */
#define KC 256
#define MAX_NV 3

enum gemm_shape { GEMM_NN, GEMM_NT, GEMM_TN };

/* c[0..R-1][0..4·NV-1] ← (load ? c : 0) + Σ_p a_r[p·ap] · panel[p][·], one
 * p at a time, where a_r = a + r·ar; the last vector has tail (1-4) valid
 * lanes, the only ones read and written in c. R and NV are constants in each
 * instance below, so the accumulators stay in registers. */
static inline __attribute__((always_inline)) void tile(float *c, size_t ldc, const float *a, size_t ar, size_t ap,
                                                       const float *panel, int kc, int load, int tail, const int R,
                                                       const int NV)
{
    v128_t x[4][MAX_NV];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) {
            const float *cv = c + (size_t)r * ldc + 4 * v;
            x[r][v] = !load ? wasm_f32x4_splat(0.0f) : v < NV - 1 ? wasm_v128_load(cv) : load_n(cv, tail);
        }
    size_t o = 0;
    for (int p = 0; p < kc; p++, o += ap, panel += 4 * NV) {
        v128_t bv[MAX_NV];
        for (int v = 0; v < NV; v++) bv[v] = wasm_v128_load(panel + 4 * v);
        for (int r = 0; r < R; r++) {
            v128_t s = wasm_v128_load32_splat(a + (size_t)r * ar + o);
            for (int v = 0; v < NV; v++) x[r][v] = wasm_f32x4_add(x[r][v], wasm_f32x4_mul(s, bv[v]));
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) {
            float *cv = c + (size_t)r * ldc + 4 * v;
            if (v < NV - 1) wasm_v128_store(cv, x[r][v]);
            else store_n(cv, x[r][v], tail);
        }
}

/* All the row blocks of one panel: tiles of R0 rows (R0 = 4, or 2 for 3
 * vectors), then 2, then 1, inlined (a call costs V8 a spill of every live
 * register, and call_indirect more). */
#define BLOCK(NV, R0)                                                                                              \
    static void block_##NV(float *c, size_t ldc, const float *a, size_t ar, size_t ap, const float *panel, int m, \
                           int kc, int load, int tail)                                                            \
    {                                                                                                              \
        int i = 0;                                                                                                 \
        for (; i + R0 <= m; i += R0) tile(c + i * ldc, ldc, a + i * ar, ar, ap, panel, kc, load, tail, R0, NV);    \
        if (R0 > 2 && i + 2 <= m) {                                                                                \
            tile(c + i * ldc, ldc, a + i * ar, ar, ap, panel, kc, load, tail, 2, NV);                             \
            i += 2;                                                                                                \
        }                                                                                                          \
        if (i < m) tile(c + i * ldc, ldc, a + i * ar, ar, ap, panel, kc, load, tail, 1, NV);                      \
    }
BLOCK(1, 4)
BLOCK(2, 4)
BLOCK(3, 2)

/* panel[p][j] = b[p][j] for j < nr, 0 beyond, nv vectors a row. */
static void pack_rows(float *panel, const float *b, size_t ldb, int kc, int nr, int nv)
{
    /* no loop over the vectors: clang would make it a call to memcpy */
    int full = nr / 4, tail = nr - 4 * full;
    for (int p = 0; p < kc; p++, panel += 4 * nv, b += ldb) {
        if (full > 0) wasm_v128_store(panel, wasm_v128_load(b));
        if (full > 1) wasm_v128_store(panel + 4, wasm_v128_load(b + 4));
        if (full > 2) wasm_v128_store(panel + 8, wasm_v128_load(b + 8));
        if (tail) wasm_v128_store(panel + 4 * full, load_part(b + 4 * full, tail));
    }
}

/* panel[p][j] = b[j][p] for j < nr, 0 beyond, nv vectors a row: 4×4 blocks
 * transposed in registers, the rest one float at a time. */
static void pack_cols(float *panel, const float *b, size_t ldb, int kc, int nr, int nv)
{
    size_t w = 4 * (size_t)nv;
    for (int g = 0; g < 4 * nv; g += 4) {
        int p = 0;
        if (g + 4 <= nr)
            for (; p + 4 <= kc; p += 4) {
                const float *r = b + g * ldb + p;
                v128_t r0 = wasm_v128_load(r), r1 = wasm_v128_load(r + ldb);
                v128_t r2 = wasm_v128_load(r + 2 * ldb), r3 = wasm_v128_load(r + 3 * ldb);
                v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
                v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
                float *d = panel + (size_t)p * w + g;
                wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
                wasm_v128_store(d + w, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
                wasm_v128_store(d + 2 * w, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
                wasm_v128_store(d + 3 * w, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
            }
        for (; p < kc; p++)
            for (int j = g; j < g + 4; j++) panel[(size_t)p * w + j] = j < nr ? b[j * ldb + p] : 0.0f;
    }
}

/* c (+)= op(a)·op(b) where op(a)[i][p] is a[i·ar + p·ap] and b is packed by
 * rows (nn, tn) or by columns (nt). Between KC-deep panels the running sums
 * wait in c, which keeps p ascending. Only c's m×n elements are touched. */
static void gemm_packed(enum gemm_shape shape, float *c, int ldc, const float *a, int lda, const float *b, int ldb,
                        int m, int n, int k, int accumulate)
{
    _Alignas(16) float panel[KC * 4 * MAX_NV];
    size_t ar = shape == GEMM_TN ? 1 : (size_t)lda, ap = shape == GEMM_TN ? (size_t)lda : 1;
    if (k <= 0 && !accumulate)
        for (int i = 0; i < m; i++) memset(c + (size_t)i * ldc, 0, sizeof(float) * (size_t)n);
    for (int j0 = 0; j0 < n;) {
        int nr = n - j0 <= 4 * MAX_NV ? n - j0 : 8, nv = (nr + 3) / 4, tail = nr - 4 * (nv - 1);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = k - p0 < KC ? k - p0 : KC;
            if (shape == GEMM_NT) pack_cols(panel, b + (size_t)j0 * ldb + p0, (size_t)ldb, kc, nr, nv);
            else pack_rows(panel, b + (size_t)p0 * ldb + j0, (size_t)ldb, kc, nr, nv);
            int load = accumulate || p0 > 0;
            const float *ap0 = a + (size_t)p0 * ap;
            float *cj = c + j0;
            if (nv == 1) block_1(cj, (size_t)ldc, ap0, ar, ap, panel, m, kc, load, tail);
            else if (nv == 2) block_2(cj, (size_t)ldc, ap0, ar, ap, panel, m, kc, load, tail);
            else block_3(cj, (size_t)ldc, ap0, ar, ap, panel, m, kc, load, tail);
        }
        j0 += nr;
    }
}

/* A one-column c (the forward product into a layer of one unit): four rows
 * at a time, c[i..i+3] (+)= Σ_p a[i..i+3][p] · b[p], the same sums in the
 * same order, a vector holding one p of four rows (a tile would fill one
 * lane of four): a's 4×4 blocks transposed in registers, the last k % 4
 * columns gathered a float at a time. */
static void gemm_nn_column(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int k,
                           int accumulate)
{
    size_t la = (size_t)lda, lb = (size_t)ldb, lc = (size_t)ldc;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
        const float *r = a + (size_t)i * la;
        float *ci = c + (size_t)i * lc;
        v128_t x = accumulate ? wasm_f32x4_make(ci[0], ci[lc], ci[2 * lc], ci[3 * lc]) : wasm_f32x4_splat(0.0f);
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            v128_t r0 = wasm_v128_load(r + p), r1 = wasm_v128_load(r + la + p);
            v128_t r2 = wasm_v128_load(r + 2 * la + p), r3 = wasm_v128_load(r + 3 * la + p);
            v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
            v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
            v128_t c0 = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5), c1 = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
            v128_t c2 = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5), c3 = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
            const float *bp = b + (size_t)p * lb;
            x = wasm_f32x4_add(x, wasm_f32x4_mul(c0, wasm_v128_load32_splat(bp)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(c1, wasm_v128_load32_splat(bp + lb)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(c2, wasm_v128_load32_splat(bp + 2 * lb)));
            x = wasm_f32x4_add(x, wasm_f32x4_mul(c3, wasm_v128_load32_splat(bp + 3 * lb)));
        }
        for (; p < k; p++) {
            v128_t col = wasm_f32x4_make(r[p], r[la + p], r[2 * la + p], r[3 * la + p]);
            x = wasm_f32x4_add(x, wasm_f32x4_mul(col, wasm_v128_load32_splat(b + (size_t)p * lb)));
        }
        ci[0] = wasm_f32x4_extract_lane(x, 0);
        ci[lc] = wasm_f32x4_extract_lane(x, 1);
        ci[2 * lc] = wasm_f32x4_extract_lane(x, 2);
        ci[3 * lc] = wasm_f32x4_extract_lane(x, 3);
    }
    for (; i < m; i++) {
        const float *ai = a + (size_t)i * la;
        float s = accumulate ? c[(size_t)i * lc] : 0.0f;
        PLAIN_LOOP for (int p = 0; p < k; p++) s += ai[p] * b[(size_t)p * lb];
        c[(size_t)i * lc] = s;
    }
}

static void gemm_nn(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    if (n == 1) gemm_nn_column(c, ldc, a, lda, b, ldb, m, k, accumulate);
    else gemm_packed(GEMM_NN, c, ldc, a, lda, b, ldb, m, n, k, accumulate);
}

/* A one-column c (a layer of one unit's kernel gradient) is contiguous: four
 * of its rows at a time, c[i..i+3] (+)= Σ_p a[p][i..i+3] · b[p], the same
 * sums in the same order without packing. */
static void gemm_tn_column(float *c, const float *a, int lda, const float *b, int ldb, int m, int k, int accumulate)
{
    for (int i = 0; i < m; i += 4) {
        int w = m - i < 4 ? m - i : 4;
        v128_t x = accumulate ? load_n(c + i, w) : wasm_f32x4_splat(0.0f);
        const float *ap = a + i, *bp = b;
        if (w == 4)
            for (int p = 0; p < k; p++, ap += lda, bp += ldb)
                x = wasm_f32x4_add(x, wasm_f32x4_mul(wasm_v128_load(ap), wasm_v128_load32_splat(bp)));
        else
            for (int p = 0; p < k; p++, ap += lda, bp += ldb)
                x = wasm_f32x4_add(x, wasm_f32x4_mul(load_n(ap, w), wasm_v128_load32_splat(bp)));
        store_n(c + i, x, w);
    }
}

static void gemm_tn(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    if (n == 1 && ldc == 1) gemm_tn_column(c, a, lda, b, ldb, m, k, accumulate);
    else gemm_packed(GEMM_TN, c, ldc, a, lda, b, ldb, m, n, k, accumulate);
}

/* The reference finishes each dot product before adding it to c, so when
 * accumulating the sums are formed in a scratch block and then added. */
#define NT_ROWS 16
#define NT_COLS 64

static void gemm_nt(float *c, int ldc, const float *a, int lda, const float *b, int ldb, int m, int n, int k,
                    int accumulate)
{
    /* k = 1 with b one contiguous row (the backward product through a layer
     * of one unit) is an outer product, the same as nn's with k = 1, whose
     * packing copies that row instead of transposing it one float at a time
     * (into a fresh c: accumulating, nt adds a finished 0 + a·b to c). */
    if (k == 1 && ldb == 1 && !accumulate) {
        gemm_packed(GEMM_NN, c, ldc, a, lda, b, n, m, n, 1, 0);
        return;
    }
    if (!accumulate) {
        gemm_packed(GEMM_NT, c, ldc, a, lda, b, ldb, m, n, k, 0);
        return;
    }
    _Alignas(16) float s[NT_ROWS * NT_COLS];
    for (int i0 = 0; i0 < m; i0 += NT_ROWS)
        for (int j0 = 0; j0 < n; j0 += NT_COLS) {
            int mb = m - i0 < NT_ROWS ? m - i0 : NT_ROWS, nb = n - j0 < NT_COLS ? n - j0 : NT_COLS;
            gemm_packed(GEMM_NT, s, NT_COLS, a + (size_t)i0 * lda, lda, b + (size_t)j0 * ldb, ldb, mb, nb, k, 0);
            for (int i = 0; i < mb; i++) {
                float *ci = c + (size_t)(i0 + i) * ldc + j0;
                for (int j = 0; j < nb; j++) ci[j] += s[i * NT_COLS + j];
            }
        }
}

/* ----------------------------------------------------- activations, sums */

/* y = f(x) over count floats (y may be x): exp, tanh or sigmoid, four at a time. */
static void map_math(float *y, const float *x, int count, descent_activation act)
{
    for (int i = 0; i < count; i += 4) {
        int n = count - i < 4 ? count - i : 4;
        v128_t v = load_n(x + i, n);
        v = act == DESCENT_ACT_TANH ? v_tanh(v) : act == DESCENT_ACT_SIGMOID ? v_sigmoid(v) : v_exp(v);
        store_n(y + i, v, n);
    }
}

static void vexp(float *y, const float *x, int count)
{
    map_math(y, x, count, DESCENT_ACT_SOFTMAX);
}

/* The reference's steps, e^(z - max) four at a time; the sum stays in order. */
static void softmax_row(float *z, int cols)
{
    float max = z[0];
    for (int j = 1; j < cols; j++) max = z[j] > max ? z[j] : max;
    v128_t vm = wasm_f32x4_splat(max);
    for (int j = 0; j < cols; j += 4) {
        int n = cols - j < 4 ? cols - j : 4;
        store_n(z + j, v_exp(wasm_f32x4_sub(load_n(z + j, n), vm)), n);
    }
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) sum += z[j];
    v128_t vs = wasm_f32x4_splat(sum);
    for (int j = 0; j < cols; j += 4) {
        int n = cols - j < 4 ? cols - j : 4;
        store_n(z + j, wasm_f32x4_div(load_n(z + j, n), vs), n);
    }
}

/* z + bias, then relu / leaky relu, four at a time; n lanes are valid. */
static inline void bias_act_x4(float *z, const float *bias, int n, descent_activation act, v128_t alpha)
{
    v128_t v = load_n(z, n);
    if (bias) v = wasm_f32x4_add(v, load_n(bias, n));
    v128_t pos = wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f));
    if (act == DESCENT_ACT_RELU) v = wasm_v128_and(v, pos);
    else if (act == DESCENT_ACT_LEAKY_RELU) v = wasm_v128_bitselect(v, wasm_f32x4_mul(alpha, v), pos);
    store_n(z, v, n);
}

/* The rows of z are contiguous, so linear, relu and leaky relu (and the bias
 * of the others) run over them as one array, in whole vectors, with the bias
 * repeating every cols floats. Unless cols is a multiple of 4, rep holds it
 * over lcm(cols, 4) floats so the vector at any offset is one load; only the
 * last vector can be partial, where row by row each row's tail would be
 * (layers of a few units). Wider rows than rep holds go one at a time. */
#define REP_MAX_COLS 256

/* The loop of bias_act_flat: a copy for relu (the common case) with act a
 * constant, one for the others. */
static inline __attribute__((always_inline)) void bias_act_run(float *z, const float *bv, size_t total, int period,
                                                               descent_activation act, v128_t va)
{
    size_t f = 0;
    int ph = 0;
    for (; f + 4 <= total; f += 4) {
        bias_act_x4(z + f, bv ? bv + ph : NULL, 4, act, va);
        ph += 4;
        if (ph == period) ph = 0;
    }
    if (f < total) bias_act_x4(z + f, bv ? bv + ph : NULL, (int)(total - f), act, va);
}

static void bias_act_flat(float *z, const float *bias, int rows, int cols, descent_activation act, v128_t va)
{
    _Alignas(16) float rep[4 * REP_MAX_COLS];
    const float *bv = bias;
    int period = bias ? cols : 4;
    if (bias && cols % 4 != 0 && rows > 1) {
        if (cols > REP_MAX_COLS) {
            for (int i = 0; i < rows; i++) bias_act_flat(z + (size_t)i * cols, bias, 1, cols, act, va);
            return;
        }
        period = cols % 2 == 0 ? 2 * cols : 4 * cols;
        for (int t = 0, j = 0; t < period; t++, j = j + 1 == cols ? 0 : j + 1) rep[t] = bias[j];
        bv = rep;
    }
    size_t total = (size_t)rows * (size_t)cols;
    if (act == DESCENT_ACT_RELU) bias_act_run(z, bv, total, period, DESCENT_ACT_RELU, va);
    else bias_act_run(z, bv, total, period, act, va);
}

/* The bias first as for linear; then sigmoid and tanh over the whole array,
 * softmax row by row. */
static void bias_act(float *z, const float *bias, int rows, int cols, descent_activation act, float alpha)
{
    v128_t va = wasm_f32x4_splat(alpha);
    int simple = act == DESCENT_ACT_LINEAR || act == DESCENT_ACT_RELU || act == DESCENT_ACT_LEAKY_RELU;
    if (bias || (simple && act != DESCENT_ACT_LINEAR))
        bias_act_flat(z, bias, rows, cols, simple ? act : DESCENT_ACT_LINEAR, va);
    if (simple) return;
    if (act != DESCENT_ACT_SOFTMAX) {
        /* rows * cols fits an int: the model's workspace is sized so */
        map_math(z, z, rows * cols, act);
        return;
    }
    for (int i = 0; i < rows; i++) softmax_row(z + (size_t)i * cols, cols);
}

static inline void act_backward_x4(float *d, const float *a, int n, descent_activation act, v128_t alpha)
{
    v128_t vd = load_n(d, n), va = load_n(a, n), one = wasm_f32x4_splat(1.0f);
    v128_t pos = wasm_f32x4_gt(va, wasm_f32x4_splat(0.0f));
    switch (act) {
    case DESCENT_ACT_RELU: vd = wasm_v128_and(vd, pos); break;
    case DESCENT_ACT_LEAKY_RELU: vd = wasm_v128_bitselect(vd, wasm_f32x4_mul(alpha, vd), pos); break;
    case DESCENT_ACT_SIGMOID: vd = wasm_f32x4_mul(vd, wasm_f32x4_mul(va, wasm_f32x4_sub(one, va))); break;
    case DESCENT_ACT_TANH: vd = wasm_f32x4_mul(vd, wasm_f32x4_sub(one, wasm_f32x4_mul(va, va))); break;
    default: break;
    }
    store_n(d, vd, n);
}

static void act_backward(float *d, const float *a, int count, descent_activation act, float alpha)
{
    if (act == DESCENT_ACT_LINEAR || act == DESCENT_ACT_SOFTMAX) return;
    v128_t va = wasm_f32x4_splat(alpha);
    int i = 0;
    for (; i + 4 <= count; i += 4) act_backward_x4(d + i, a + i, 4, act, va);
    if (i < count) act_backward_x4(d + i, a + i, count - i, act, va);
}

/* Each column's sum runs down the rows in order, as in the reference; four
 * vectors (a 64-byte line) of columns per pass. */
static void colsum(float *out, const float *d, int rows, int cols)
{
    size_t ld = (size_t)cols;
    int j = 0;
    for (; j + 16 <= cols; j += 16) {
        v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
        const float *p = d + j;
        for (int i = 0; i < rows; i++, p += ld) {
            s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
            s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
            s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
            s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
        }
        wasm_v128_store(out + j, s0);
        wasm_v128_store(out + j + 4, s1);
        wasm_v128_store(out + j + 8, s2);
        wasm_v128_store(out + j + 12, s3);
    }
    for (; j < cols; j += 4) {
        int n = cols - j < 4 ? cols - j : 4;
        v128_t s = wasm_f32x4_splat(0.0f);
        const float *p = d + j;
        for (int i = 0; i < rows; i++, p += ld) s = wasm_f32x4_add(s, load_n(p, n));
        store_n(out + j, s, n);
    }
}

/* A batch's rows: unless standardized, four floats at a time; the rest one
 * by one (in a loop kept scalar: vectorized, its checks would triple the
 * code); rows of one float (a single target) in one loop. The division is
 * IEEE in both, so the values are the reference's. */
static void gather(float *dst, const float *src, const int *idx, int start, int count, int cols, const float *mean,
                   const float *std)
{
    int full = mean ? 0 : cols - cols % 4;
    if (cols == 1 && !mean) { /* a single target */
        PLAIN_LOOP for (int i = 0; i < count; i++) dst[i] = src[idx ? idx[start + i] : start + i];
        return;
    }
    for (int i = 0; i < count; i++, dst += cols) {
        const float *s = src + (size_t)(idx ? idx[start + i] : start + i) * (size_t)cols;
        int j = 0;
        for (; j < full; j += 4) wasm_v128_store(dst + j, wasm_v128_load(s + j));
        PLAIN_LOOP for (; j < cols; j++) dst[j] = mean ? (s[j] - mean[j]) / std[j] : s[j];
    }
}

static const kernel_table table = {
    "simd", gemm_nn, gemm_nt, gemm_tn, bias_act, act_backward, colsum, gather, vexp, simd_sgd, simd_momentum,
    simd_adagrad, simd_rmsprop, simd_adam,
};

const kernel_table *kernels_simd(void)
{
    return &table;
}

#else

const kernel_table *kernels_simd(void)
{
    return NULL;
}

#endif
