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

CHECK_MAIN(TEST(test_limit_is_the_platforms), TEST(test_size_multiplies_in_64_bits), TEST(test_size_limit_boundary),
           TEST(test_size_overflow_of_64_bits), TEST(test_size_add), TEST(test_count_fits_an_int), TEST(test_alloc),
           TEST(test_check_float_ranges), TEST(test_check_float_as_float32))
