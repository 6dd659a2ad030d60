/* test_common.c - the checked-size mechanism (descent_size, descent_size_add,
 * descent_count, descent_alloc) and the float32 check every hyper-parameter
 * goes through. Built natively (64-bit size_t) and in wasm32 (32-bit
 * size_t), where the wrap-around cases are real: each test says what it
 * expects on which. */
#include "check.h"
#include "internal.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static const int wasm32 = sizeof(size_t) < 8;

static void test_limit_is_the_platforms(void)
{
    CHECK(descent_size_limit() == (uint64_t)PTRDIFF_MAX);
    if (wasm32) CHECK(descent_size_limit() == 2147483647u);
}

static void test_size_multiplies_in_64_bits(void)
{
    descent_error err;
    size_t out = 7;
    CHECK(descent_size(&out, 3, 5, 4, "x", &err) == DESCENT_OK && out == 60);
    CHECK(descent_size(&out, 0, UINT64_MAX, 4, "x", &err) == DESCENT_OK && out == 0);
    /* The case: a 1,000,000-unit layer's workspace at batch 358. In
     * 32 bits the product wraps to 1,038,432 and the kernels then write far
     * past the allocation; here it must be refused with the sizes. */
    descent_status s = descent_size(&out, 358, 3000004, 4, "the workspace for a batch of 358 rows", &err);
    if (wasm32) {
        CHECK(s == DESCENT_ERR_MEMORY && out == 0);
        CHECK_HAS(err.message, "the workspace for a batch of 358 rows would take 358 x 3000004 x 4 = 4296005728 bytes");
        CHECK_HAS(err.message, "more than the 2147483647 bytes one allocation can hold here");
    } else {
        CHECK(s == DESCENT_OK && out == 4296005728u);
    }
}

static void test_size_limit_boundary(void)
{
    descent_error err;
    size_t out;
    uint64_t limit = descent_size_limit();
    CHECK(descent_size(&out, limit, 1, 1, "x", &err) == DESCENT_OK && out == (size_t)limit);
    CHECK(descent_size(&out, limit + 1, 1, 1, "the thing", &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "the thing would take");
    CHECK(descent_size(&out, limit / 4 + 1, 4, 1, "x", &err) == DESCENT_ERR_MEMORY && out == 0);
}

static void test_size_overflow_of_64_bits(void)
{
    descent_error err;
    size_t out = 1;
    CHECK(descent_size(&out, (uint64_t)1 << 40, (uint64_t)1 << 40, 1, "a square", &err) == DESCENT_ERR_MEMORY);
    CHECK(out == 0);
    CHECK_HAS(err.message, "a square would take 1099511627776 x 1099511627776 bytes, more than 2^64");
    /* The third factor overflows the product of the first two. */
    CHECK(descent_size(&out, (uint64_t)1 << 32, (uint64_t)1 << 31, 4, "x", &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "more than 2^64");
}

static void test_size_add(void)
{
    descent_error err;
    size_t total = 100;
    CHECK(descent_size_add(&total, 23, "x", &err) == DESCENT_OK && total == 123);
    total = (size_t)descent_size_limit();
    CHECK(descent_size_add(&total, 0, "x", &err) == DESCENT_OK);
    CHECK(descent_size_add(&total, 1, "the sum", &err) == DESCENT_ERR_MEMORY);
    CHECK(total == (size_t)descent_size_limit()); /* unchanged on failure */
    CHECK_HAS(err.message, "the sum would take");
    CHECK_HAS(err.message, "+ 1");
    if (!wasm32) {
        total = SIZE_MAX;
        CHECK(descent_size_add(&total, SIZE_MAX, "x", &err) == DESCENT_ERR_MEMORY);
        CHECK_HAS(err.message, "more than 2^64");
    }
}

static void test_count_fits_an_int(void)
{
    descent_error err;
    int out = -1;
    CHECK(descent_count(&out, 1000, 1000, "x", &err) == DESCENT_OK && out == 1000000);
    CHECK(descent_count(&out, DESCENT_MAX_COUNT, 1, "x", &err) == DESCENT_OK && out == DESCENT_MAX_COUNT);
    CHECK(DESCENT_MAX_COUNT % 16 == 0 && DESCENT_MAX_COUNT <= INT_MAX - 15);
    CHECK(descent_count(&out, (uint64_t)DESCENT_MAX_COUNT + 1, 1, "x", &err) == DESCENT_ERR_MEMORY && out == 0);
    /* rows x units of the widest layer: 2148 rows of 10^6 units is past an int on every platform */
    CHECK(descent_count(&out, 2148, 1000000, "the workspace for a batch of 2148 rows", &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "the workspace for a batch of 2148 rows would take 2148 x 1000000 values in one buffer");
    CHECK(descent_count(&out, UINT64_MAX, 3, "x", &err) == DESCENT_ERR_MEMORY);
}

static void test_alloc(void)
{
    descent_error err;
    unsigned char *p = descent_alloc(0, 8, "nothing", &err);
    CHECK(p != NULL); /* a zero count still gives a pointer to free */
    free(p);
    int *z = descent_zalloc(1000, sizeof(int), "zeros", &err);
    CHECK(z != NULL);
    int sum = 0;
    for (int i = 0; z && i < 1000; i++) sum |= z[i];
    CHECK(sum == 0);
    free(z);
    err.code = DESCENT_OK;
    CHECK(descent_alloc((uint64_t)1 << 62, 8, "a huge array", &err) == NULL);
    CHECK(err.code == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "a huge array would take 4611686018427387904 x 8 bytes, more than 2^64");
    /* NULL err is fine */
    CHECK(descent_alloc((uint64_t)1 << 62, 8, "x", NULL) == NULL);
}

static void test_check_float_ranges(void)
{
    descent_error err;
    CHECK(descent_check_float("lr", 0.01, DESCENT_RANGE_POSITIVE, &err) == DESCENT_OK);
    CHECK(descent_check_float("lr", FLT_MAX, DESCENT_RANGE_POSITIVE, &err) == DESCENT_OK);
    CHECK(descent_check_float("lr", 1e-40, DESCENT_RANGE_POSITIVE, &err) == DESCENT_OK); /* a float32 subnormal */
    CHECK(descent_check_float("l2", 0, DESCENT_RANGE_NON_NEGATIVE, &err) == DESCENT_OK);
    CHECK(descent_check_float("l2", 1e-50, DESCENT_RANGE_NON_NEGATIVE, &err) == DESCENT_OK); /* 0 is allowed */
    CHECK(descent_check_float("beta", 0, DESCENT_RANGE_UNIT_OPEN, &err) == DESCENT_OK);
    CHECK(descent_check_float("beta", 0.999999, DESCENT_RANGE_UNIT_OPEN, &err) == DESCENT_OK);
    CHECK(descent_check_float("noise", 1, DESCENT_RANGE_UNIT_CLOSED, &err) == DESCENT_OK);

    CHECK(descent_check_float("lr", -0.1, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "lr must be a finite number > 0 (got -0.1)");
    CHECK(descent_check_float("lr", 0, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_check_float("lr", NAN, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_check_float("lr", INFINITY, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "(got inf)");
    CHECK(descent_check_float("beta", 1, DESCENT_RANGE_UNIT_OPEN, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "beta must be in [0, 1) (got 1)");
    CHECK(descent_check_float("noise", 1.5, DESCENT_RANGE_UNIT_CLOSED, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "noise must be a finite number in [0, 1] (got 1.5)");
    CHECK(descent_check_float("x", 1, (descent_range)9, &err) == DESCENT_ERR_ARGUMENT);
}

static void test_check_float_as_float32(void)
{
    descent_error err;
    /* finite as a double, infinite as a float32 */
    CHECK(descent_check_float("learning_rate", 1e39, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0 (got 1e+39, beyond float32's largest value");
    CHECK(descent_check_float("l2", 3.5e38, DESCENT_RANGE_NON_NEGATIVE, &err) == DESCENT_ERR_ARGUMENT);
    /* positive as a double, 0 as a float32 */
    CHECK(descent_check_float("epsilon", 1e-50, DESCENT_RANGE_POSITIVE, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "epsilon must be a finite number > 0 (got 1e-50, which is 0 as a float32)");
    /* below 1 as a double, 1 as a float32 (Adam would divide by 1 - 1^t) */
    CHECK(descent_check_float("beta2", 0.99999999999, DESCENT_RANGE_UNIT_OPEN, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "beta2 must be in [0, 1) (got 0.99999999999, which is 1 as a float32)");
    /* NULL err and NULL name are fine */
    CHECK(descent_check_float(NULL, 1e39, DESCENT_RANGE_POSITIVE, NULL) == DESCENT_ERR_ARGUMENT);
}

/* descent_format: natively vsnprintf, in wasm JavaScript (core/format.c).
 * Every expected string is what C's printf gives, so this table passing in
 * both builds means both format alike. */
#define FMT(expected, ...)                                                                     \
    do {                                                                                       \
        char b_[256];                                                                          \
        int n_ = descent_format(b_, sizeof b_, __VA_ARGS__);                                   \
        CHECK_MSG(strcmp(b_, expected) == 0 && n_ == (int)strlen(expected), "%s: got '%s' (%d), want '%s'", \
                  #__VA_ARGS__, b_, n_, expected);                                             \
    } while (0)

static void test_format_integers_and_strings(void)
{
    FMT("plain text, 100%", "plain text, 100%%");
    FMT("-7 42 4294967295 ff -2147483648", "%d %i %u %x %d", -7, 42, 4294967295u, 255u, INT32_MIN);
    FMT("-9223372036854775808 18446744073709551615", "%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
    FMT("4296005728 x 3", "%llu x %d", (unsigned long long)4296005728u, 3);
    FMT("12 | -3", "%zu | %ld", (size_t)12, -3L);
    FMT("[   42] [42   ] [00042] [-0042]", "[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
    FMT("[  abc] [abc  ] [ab] [a]", "[%5s] [%-5s] [%.2s] [%.*s]", "abc", "abc", "abc", 1, "abc");
    FMT("[   x] [y]", "[%*s] [%c]", 4, "x", 'y');
    FMT("caf\xc3\xa9 \xff", "%s %s", "caf\xc3\xa9", "\xff"); /* bytes pass through as they are */
    const char *volatile none = NULL; /* glibc and the wasm formatter both print (null) */
    FMT("(null)", "%s", none);
    /* 64-bit arguments after 32-bit ones are 8-byte aligned in wasm32's varargs */
    FMT("1 2 3.5 4", "%d %lld %g %d", 1, 2LL, 3.5, 4);
}

static void test_format_floats(void)
{
    FMT("0 -0 1 0.1 100000 1e+06 1.5e-05 0.0001", "%g %g %g %g %g %g %g %g", 0.0, -0.0, 1.0, 0.1, 100000.0, 1e6, 1.5e-5,
        1e-4);
    FMT("1e+39 3.40282e+38 1.17549e-38 4.94066e-324", "%g %g %g %g", 1e39, (double)FLT_MAX, (double)FLT_MIN,
        4.9406564584124654e-324);
    FMT("0.3 0.29999999999999999 0.1 0.99999999999", "%g %.17g %.12g %.12g", 0.3, 0.3, 0.1, 0.99999999999);
    FMT("1.23457e+08 123456789 1.2e+02 123", "%g %.9g %.2g %.3g", 123456789.0, 123456789.0, 123.456, 123.456);
    /* exact ties round to even, as C does */
    FMT("0.12 0.38 2 2 4 1e+02", "%.2g %.2g %.1g %.0g %.1g %.2g", 0.125, 0.375, 2.5, 2.5, 3.5, 99.5);
    FMT("inf -inf nan", "%g %g %g", INFINITY, -INFINITY, NAN);
    FMT("[   1.5] [1.5   ] [0001.5] [-001.5] [   inf]", "[%6g] [%-6g] [%06g] [%06g] [%06g]", 1.5, 1.5, 1.5, -1.5,
        INFINITY);
    FMT("0.000123457 9.99999e-05 1e-05", "%g %g %g", 0.0001234567, 0.0000999999, 0.00001);
    FMT("9.5 10 1e+01 0.100000000000000005551", "%.2g %.2g %.1g %.21g", 9.5, 9.96, 9.96, 0.1);
}

static void test_format_truncates(void)
{
    char b[8];
    CHECK(descent_format(b, sizeof b, "%s-%d", "abcdef", 12345) == 12);
    CHECK(strcmp(b, "abcdef-") == 0);
    CHECK(descent_format(b, 1, "xyz") == 3 && b[0] == '\0');
    CHECK(descent_format(NULL, 0, "%d", 123456) == 6);
}

CHECK_MAIN(TEST(test_format_integers_and_strings), TEST(test_format_floats), TEST(test_format_truncates),
           TEST(test_limit_is_the_platforms), TEST(test_size_multiplies_in_64_bits), TEST(test_size_limit_boundary),
           TEST(test_size_overflow_of_64_bits), TEST(test_size_add), TEST(test_count_fits_an_int), TEST(test_alloc),
           TEST(test_check_float_ranges), TEST(test_check_float_as_float32))
