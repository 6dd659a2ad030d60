/* simd_math.h - the SIMD kernels' vector helpers: loads and stores of the
 * first n < 4 floats, and exp, tanh and sigmoid four floats at a time
 * (include it after the wasm_* intrinsics). The scalar reference
 * calls libm; these agree with it to within a few ulp over every float
 * (tests/c/test_kernels.c and scripts/bench measure the largest error), and
 * keep its special values: NaN in, NaN out; exp(-inf) = 0, exp(+inf) = +inf,
 * gradual underflow to denormals; tanh(±0) = ±0, tanh(±inf) = ±1. */
#ifndef DESCENT_SIMD_MATH_H
#define DESCENT_SIMD_MATH_H

/* The first n (< 4) floats at p, zeros after: a tail runs the same vector
 * code as the body without touching memory past the end. Lane by lane, as a
 * memcpy of 1-3 floats is a function call in wasm. */
static v128_t load_part(const float *p, int n)
{
    v128_t v = wasm_f32x4_replace_lane(wasm_f32x4_splat(0.0f), 0, p[0]);
    if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
    if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
    return v;
}

static void store_part(float *p, v128_t v, int n)
{
    p[0] = wasm_f32x4_extract_lane(v, 0);
    if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
    if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

static inline v128_t load_n(const float *p, int n)
{
    return n == 4 ? wasm_v128_load(p) : load_part(p, n);
}

static inline void store_n(float *p, v128_t v, int n)
{
    if (n == 4) wasm_v128_store(p, v);
    else store_part(p, v, n);
}

/* e^x: x = n·ln2 + r with |r| <= ln2/2 (ln2 in two parts, so n·ln2_hi is
 * exact), e^r by a degree-7 polynomial, and 2^n built in the exponent bits
 * as two factors so results down to the smallest denormal round once more
 * at most. Past the clamps the result is +inf or 0 anyway. */
static inline v128_t v_exp(v128_t x)
{
    const v128_t log2e = wasm_f32x4_splat(1.44269504f), ln2_hi = wasm_f32x4_splat(0.693359375f),
                 ln2_lo = wasm_f32x4_splat(-2.12194440e-4f), one = wasm_f32x4_splat(1.0f);
    /* min and max pass NaN through */
    x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-104.0f)), wasm_f32x4_splat(89.0f));
    v128_t fn = wasm_f32x4_nearest(wasm_f32x4_mul(x, log2e));
    v128_t r = wasm_f32x4_sub(wasm_f32x4_sub(x, wasm_f32x4_mul(fn, ln2_hi)), wasm_f32x4_mul(fn, ln2_lo));
    v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
    p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), one);
    /* n in -150..129: 2^(n/2) and 2^(n - n/2) are both normal floats */
    v128_t n = wasm_i32x4_trunc_sat_f32x4(fn);
    v128_t n1 = wasm_i32x4_shr(n, 1), n2 = wasm_i32x4_sub(n, n1);
    v128_t bias = wasm_i32x4_splat(127);
    v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, bias), 23), s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, bias), 23);
    return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
}

/* 1 / (1 + e^-x), the reference's formula with e^-x from v_exp. */
static inline v128_t v_sigmoid(v128_t x)
{
    const v128_t one = wasm_f32x4_splat(1.0f);
    return wasm_f32x4_div(one, wasm_f32x4_add(one, v_exp(wasm_f32x4_neg(x))));
}

/* tanh: an odd polynomial below |x| = 0.625, where 1 - 2/(e^2|x| + 1) would
 * lose bits to cancellation, and that formula above it, with x's sign. */
static inline v128_t v_tanh(v128_t x)
{
    const v128_t one = wasm_f32x4_splat(1.0f), two = wasm_f32x4_splat(2.0f);
    v128_t ax = wasm_f32x4_abs(x);
    v128_t x2 = wasm_f32x4_mul(x, x);
    v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
    p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.06390887954e-2f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-5.37397155531e-2f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(1.33314422036e-1f));
    p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-3.33332819422e-1f));
    v128_t small = wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_mul(x, x2), p));
    v128_t e = v_exp(wasm_f32x4_add(ax, ax));
    v128_t big = wasm_f32x4_sub(one, wasm_f32x4_div(two, wasm_f32x4_add(e, one)));
    /* the sign of x on |tanh x|; NaN stays NaN */
    const v128_t sign = wasm_i32x4_splat((int32_t)0x80000000u);
    big = wasm_v128_or(big, wasm_v128_and(x, sign));
    return wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f)));
}

#endif
