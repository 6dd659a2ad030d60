/* errors.c - status strings and messages, checked sizes and allocations, the
 * float32 range checks, and the small file and text helpers the core shares. */
#include "internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *descent_status_string(descent_status status)
{
    switch (status) {
    case DESCENT_OK: return "ok";
    case DESCENT_CANCELLED: return "cancelled";
    case DESCENT_ERR_ARGUMENT: return "invalid argument";
    case DESCENT_ERR_MEMORY: return "out of memory";
    case DESCENT_ERR_IO: return "input/output error";
    case DESCENT_ERR_PARSE: return "malformed CSV";
    case DESCENT_ERR_FORMAT: return "bad model file";
    case DESCENT_ERR_NONFINITE: return "non-finite loss or weight";
    }
    return "unknown status";
}

descent_status descent_fail(descent_error *err, descent_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        descent_vformat(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---------------------------------------------------------------- sizes */

uint64_t descent_size_limit(void)
{
    return (uint64_t)PTRDIFF_MAX < (uint64_t)SIZE_MAX ? (uint64_t)PTRDIFF_MAX : (uint64_t)SIZE_MAX;
}

static descent_status too_big(const char *what, uint64_t a, uint64_t b, uint64_t c, int overflow, uint64_t bytes,
                              descent_error *err)
{
    char factors[96];
    if (b == 1 && c == 1) descent_format(factors, sizeof factors, "%llu", (unsigned long long)a);
    else if (c == 1) descent_format(factors, sizeof factors, "%llu x %llu", (unsigned long long)a, (unsigned long long)b);
    else descent_format(factors, sizeof factors, "%llu x %llu x %llu", (unsigned long long)a, (unsigned long long)b,
                  (unsigned long long)c);
    if (overflow)
        return descent_fail(err, DESCENT_ERR_MEMORY,
                            "%s would take %s bytes, more than 2^64: the most one allocation can hold here is %llu bytes",
                            what ? what : "an allocation", factors, (unsigned long long)descent_size_limit());
    return descent_fail(err, DESCENT_ERR_MEMORY,
                        "%s would take %s = %llu bytes, more than the %llu bytes one allocation can hold here%s",
                        what ? what : "an allocation", factors, (unsigned long long)bytes,
                        (unsigned long long)descent_size_limit(),
                        sizeof(size_t) < 8 ? " (a 32-bit build: use fewer rows or units)" : "");
}

descent_status descent_size(size_t *out, uint64_t a, uint64_t b, uint64_t c, const char *what, descent_error *err)
{
    *out = 0;
    uint64_t limit = descent_size_limit();
    uint64_t ab = a * b;
    int overflow = (a != 0 && ab / a != b);
    uint64_t abc = ab * c;
    overflow = overflow || (ab != 0 && abc / ab != c);
    if (overflow || abc > limit) return too_big(what, a, b, c, overflow, abc, err);
    *out = (size_t)abc;
    return DESCENT_OK;
}

descent_status descent_size_add(size_t *total, size_t add, const char *what, descent_error *err)
{
    uint64_t a = (uint64_t)*total, b = (uint64_t)add, sum = a + b;
    if (sum < a)
        return descent_fail(err, DESCENT_ERR_MEMORY,
                            "%s would take %llu + %llu bytes, more than 2^64: the most one allocation can hold here is "
                            "%llu bytes",
                            what ? what : "an allocation", (unsigned long long)a, (unsigned long long)b,
                            (unsigned long long)descent_size_limit());
    if (sum > descent_size_limit())
        return descent_fail(err, DESCENT_ERR_MEMORY,
                            "%s would take %llu + %llu = %llu bytes, more than the %llu bytes one allocation can hold "
                            "here%s",
                            what ? what : "an allocation", (unsigned long long)a, (unsigned long long)b,
                            (unsigned long long)sum, (unsigned long long)descent_size_limit(),
                            sizeof(size_t) < 8 ? " (a 32-bit build: use fewer rows or units)" : "");
    *total = (size_t)sum;
    return DESCENT_OK;
}

descent_status descent_count(int *out, uint64_t a, uint64_t b, const char *what, descent_error *err)
{
    *out = 0;
    uint64_t ab = a * b;
    if ((a != 0 && ab / a != b) || ab > (uint64_t)DESCENT_MAX_COUNT)
        return descent_fail(err, DESCENT_ERR_MEMORY, "%s would take %llu x %llu values in one buffer, more than the %d "
                            "one buffer may hold",
                            what ? what : "an array", (unsigned long long)a, (unsigned long long)b,
                            DESCENT_MAX_COUNT);
    *out = (int)ab;
    return DESCENT_OK;
}

static void *alloc_checked(uint64_t count, uint64_t size, int zero, const char *what, descent_error *err)
{
    size_t bytes;
    if (descent_size(&bytes, count, size, 1, what, err) != DESCENT_OK) return NULL;
    void *p = zero ? calloc(bytes ? bytes : 1, 1) : malloc(bytes ? bytes : 1);
    if (!p)
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory: %s would take %llu bytes", what ? what : "an allocation",
                     (unsigned long long)bytes);
    return p;
}

void *descent_alloc(uint64_t count, uint64_t size, const char *what, descent_error *err)
{
    return alloc_checked(count, size, 0, what, err);
}

void *descent_zalloc(uint64_t count, uint64_t size, const char *what, descent_error *err)
{
    return alloc_checked(count, size, 1, what, err);
}

/* ------------------------------------------------------- float checks */

static const char *const range_texts[] = {"a finite number > 0", "a finite number >= 0", "in [0, 1)",
                                          "a finite number in [0, 1]", "0 or 1"};

const char *descent_range_text(descent_range range)
{
    return (unsigned)range <= DESCENT_RANGE_FLAG ? range_texts[range] : NULL;
}

static int in_range(double v, descent_range range)
{
    switch (range) {
    case DESCENT_RANGE_POSITIVE: return v > 0.0;
    case DESCENT_RANGE_NON_NEGATIVE: return v >= 0.0;
    case DESCENT_RANGE_UNIT_OPEN: return v >= 0.0 && v < 1.0;
    case DESCENT_RANGE_UNIT_CLOSED: return v >= 0.0 && v <= 1.0;
    case DESCENT_RANGE_FLAG: return v == 0.0 || v == 1.0;
    }
    return 0;
}

descent_status descent_check_float(const char *name, double value, descent_range range, descent_error *err)
{
    if ((unsigned)range > DESCENT_RANGE_FLAG)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "range %d is not a known range", (int)range);
    if (!name) name = "value";
    if (!isfinite(value) || !in_range(value, range))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %g)", name, range_texts[range], value);
    /* Past FLT_MAX a double rounds to infinity as a float (or is undefined
     * to convert, in C), so it is refused before any conversion. */
    if (fabs(value) > FLT_MAX)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %g, beyond float32's largest value %g)",
                            name, range_texts[range], value, (double)FLT_MAX);
    float f = (float)value;
    if (!in_range((double)f, range))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %.12g, which is %g as a float32)", name,
                            range_texts[range], value, (double)f);
    return DESCENT_OK;
}

void *descent_grow(void *p, size_t *cap, uint64_t need, uint64_t size, const char *what, descent_error *err)
{
    if (need <= *cap) return p;
    uint64_t want = *cap < 16 ? 16 : (uint64_t)*cap + *cap / 2;
    if (want < need) want = need;
    size_t bytes;
    /* Near the limit, exactly what is needed may still fit. */
    if (descent_size(&bytes, want, size, 1, what, NULL) != DESCENT_OK) want = need;
    if (descent_size(&bytes, want, size, 1, what, err) != DESCENT_OK) return NULL;
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory: %s needs %llu bytes", what ? what : "an allocation",
                     (unsigned long long)bytes);
        return NULL;
    }
    *cap = (size_t)want;
    return q;
}

FILE *descent_open_read(const char *path, descent_error *err)
{
    if (!path) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "path must not be NULL");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) descent_fail(err, DESCENT_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    return f;
}

unsigned char *descent_read_file(const char *path, size_t *length, descent_error *err)
{
    FILE *f = descent_open_read(path, err);
    if (!f) return NULL;
    unsigned char *buf = NULL;
    *length = 0;
    descent_read_more(f, path, SIZE_MAX, &buf, length, err);
    fclose(f);
    return buf;
}

descent_status descent_read_more(FILE *f, const char *path, size_t more, unsigned char **buf, size_t *length,
                                 descent_error *err)
{
    size_t len = *length, cap = len, end = more > SIZE_MAX - len ? SIZE_MAX : len + more;
    for (;;) {
        if (len == cap) {
            unsigned char *q = cap <= SIZE_MAX / 2 ? realloc(*buf, cap ? cap * 2 : 64) : NULL;
            if (!q) {
                free(*buf);
                *buf = NULL;
                return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading '%s'", path);
            }
            *buf = q;
            cap = cap ? cap * 2 : 64;
        }
        size_t want = (cap < end ? cap : end) - len;
        size_t got = want ? fread(*buf + len, 1, want, f) : 0;
        len += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        free(*buf);
        *buf = NULL;
        return descent_fail(err, DESCENT_ERR_IO, "cannot read '%s': %s", path, strerror(e));
    }
    *length = len;
    return DESCENT_OK;
}

char *descent_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

const char *descent_show(char *dst, size_t size, const char *s, size_t len)
{
    size_t max = size - 4;
    size_t n = len <= max ? len : max;
    if (n < len)
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(dst + n, "...", 4);
    } else {
        dst[n] = '\0';
    }
    return dst;
}
