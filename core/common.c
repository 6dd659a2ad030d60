/* common.c - status strings, error formatting, names of enum values, the RNG. */
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

static const char *const range_text[] = {"a finite number > 0", "a finite number >= 0", "in [0, 1)",
                                         "a finite number in [0, 1]"};

static int in_range(double v, descent_range range)
{
    switch (range) {
    case DESCENT_RANGE_POSITIVE: return v > 0.0;
    case DESCENT_RANGE_NON_NEGATIVE: return v >= 0.0;
    case DESCENT_RANGE_UNIT_OPEN: return v >= 0.0 && v < 1.0;
    case DESCENT_RANGE_UNIT_CLOSED: return v >= 0.0 && v <= 1.0;
    }
    return 0;
}

descent_status descent_check_float(const char *name, double value, descent_range range, descent_error *err)
{
    if ((unsigned)range > DESCENT_RANGE_UNIT_CLOSED)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "range %d is not a known range", (int)range);
    if (!name) name = "value";
    if (!isfinite(value) || !in_range(value, range))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %g)", name, range_text[range], value);
    /* Past FLT_MAX a double rounds to infinity as a float (or is undefined
     * to convert, in C), so it is refused before any conversion. */
    if (fabs(value) > FLT_MAX)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %g, beyond float32's largest value %g)",
                            name, range_text[range], value, (double)FLT_MAX);
    float f = (float)value;
    if (!in_range((double)f, range))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must be %s (got %.12g, which is %g as a float32)", name,
                            range_text[range], value, (double)f);
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

unsigned char *descent_read_file(const char *path, size_t *length, descent_error *err)
{
    if (!path) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "path must not be NULL");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        descent_fail(err, DESCENT_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            unsigned char *q = cap <= SIZE_MAX / 2 ? realloc(buf, cap ? cap * 2 : 65536) : NULL;
            if (!q) {
                free(buf);
                fclose(f);
                descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading '%s'", path);
                return NULL;
            }
            buf = q;
            cap = cap ? cap * 2 : 65536;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        descent_fail(err, DESCENT_ERR_IO, "cannot read '%s': %s", path, strerror(e));
        return NULL;
    }
    fclose(f);
    *length = len;
    return buf;
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

/* ---------------------------------------------------------------- names */

static const char *const activation_names[] = {"linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"};
static const char *const init_names[] = {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform", "zeros"};
static const char *const loss_names[] = {"mse", "binary_crossentropy", "categorical_crossentropy"};
static const char *const optimizer_names[] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
static const char *const task_names[] = {"auto", "classification", "regression"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *name_of(const char *const *names, int count, int value)
{
    return value >= 0 && value < count ? names[value] : NULL;
}

static descent_status parse_name(const char *const *names, int count, const char *what, const char *name, int *out,
                                 descent_error *err)
{
    if (name) {
        for (int i = 0; i < count; i++) {
            if (strcmp(name, names[i]) == 0) {
                *out = i;
                return DESCENT_OK;
            }
        }
    }
    char allowed[256] = "";
    for (int i = 0; i < count; i++) {
        strncat(allowed, names[i], sizeof allowed - strlen(allowed) - 1);
        if (i + 1 < count) strncat(allowed, ", ", sizeof allowed - strlen(allowed) - 1);
    }
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown %s '%s': expected one of %s", what, name ? name : "(null)",
                        allowed);
}

const char *descent_activation_name(descent_activation a) { return name_of(activation_names, COUNT(activation_names), (int)a); }
const char *descent_init_name(descent_init i) { return name_of(init_names, COUNT(init_names), (int)i); }
const char *descent_loss_name(descent_loss l) { return name_of(loss_names, COUNT(loss_names), (int)l); }
const char *descent_optimizer_name(descent_optimizer_kind k) { return name_of(optimizer_names, COUNT(optimizer_names), (int)k); }
const char *descent_task_name(descent_task t) { return name_of(task_names, COUNT(task_names), (int)t); }

#define PARSER(fn, type, table, what)                                                         \
    descent_status fn(const char *name, type *out, descent_error *err)                        \
    {                                                                                         \
        int v = 0;                                                                            \
        descent_status s = parse_name(table, COUNT(table), what, name, &v, err);              \
        if (s == DESCENT_OK) *out = (type)v;                                                  \
        return s;                                                                             \
    }

PARSER(descent_activation_parse, descent_activation, activation_names, "activation")
PARSER(descent_init_parse, descent_init, init_names, "initializer")
PARSER(descent_loss_parse, descent_loss, loss_names, "loss")
PARSER(descent_optimizer_parse, descent_optimizer_kind, optimizer_names, "optimizer")
PARSER(descent_task_parse, descent_task, task_names, "task")

/* ------------------------------------------------------------------ rng */

void rng_seed(rng *r, uint32_t seed, uint64_t stream)
{
    r->state = ((uint64_t)seed << 32) ^ (stream * 0xD1B54A32D192ED03ull) ^ 0x9E3779B97F4A7C15ull;
    rng_next(r);
}

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

float rng_uniform(rng *r)
{
    return (float)(rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

uint32_t rng_below(rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection of the biased low range. */
    uint64_t m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double rng_normal(rng *r)
{
    /* Marsaglia's polar method: no trigonometry, so no large argument
     * reduction in the wasm build. The second value is dropped to keep the
     * generator stateless beyond its integer state. */
    for (;;) {
        double u = (double)(rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
        double v = (double)(rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
    }
}

void rng_shuffle(rng *r, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
