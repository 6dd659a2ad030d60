/* csv_values.c - what a CSV cell holds: a number (plain decimals, parsed
 * without strtod), or text kept once however many rows repeat it. */
#include "csv.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- numbers */

/* 10^e for |e| <= 22: each exactly representable in a double. */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static double scale10(double v, int e)
{
    /* In steps of 10^22 so no intermediate overflows before the result does. */
    while (e > 22 && isfinite(v)) {
        v *= 1e22;
        e -= 22;
    }
    while (e < -22 && v != 0.0) {
        v /= 1e22;
        e += 22;
    }
    if (e > 22 || e < -22) return v; /* overflowed to infinity, or underflowed to 0 */
    return e >= 0 ? v * exact_pow10[e] : v / exact_pow10[-e];
}

/* The whole field (blanks around it aside) as a finite double. Only plain
 * decimals: [+-] digits [. digits] [e [+-] digits]. Up to 19 significant
 * digits are kept exactly; with at most 15 of them and a power of ten within
 * 10^±22 the result is exact (Clinger's fast path), otherwise it is within a
 * few units in the last place of a double, far below float precision. This
 * avoids strtod, whose long-double machinery would double the wasm build. */
int csv_parse_double(const char *s, size_t len, double *out)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len == 0) return CSV_NUM_EMPTY;
    size_t i = 0;
    int negative = 0;
    if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
    uint64_t mant = 0;
    int digits = 0, significant = 0, exp10 = 0, seen_point = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (c < '0' || c > '9') break;
        digits++;
        if (mant == 0 && c == '0') {
            if (seen_point) exp10--;
            continue;
        }
        if (significant < 19) {
            mant = mant * 10 + (uint64_t)(c - '0');
            significant++;
            if (seen_point) exp10--;
        } else if (!seen_point) {
            exp10++;
        }
    }
    if (digits == 0) return CSV_NUM_TEXT;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        size_t start = i;
        long e = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000) e = e * 10 + (s[i] - '0');
        if (i == start) return CSV_NUM_TEXT;
        exp10 += (int)(eneg ? -e : e);
    }
    /* The field may hold a NUL byte or trailing text: it must end exactly here. */
    if (i != len) return CSV_NUM_TEXT;
    double v = mant == 0 ? 0.0 : scale10((double)mant, exp10);
    if (!isfinite(v)) return CSV_NUM_TEXT;
    *out = negative ? -v : v;
    return CSV_NUM_OK;
}

/* A feature value: also finite once stored as float. */
int csv_parse_float(const char *s, size_t len, double *out)
{
    int r = csv_parse_double(s, len, out);
    if (r == CSV_NUM_OK && fabs(*out) > FLT_MAX) return CSV_NUM_RANGE;
    return r;
}

/* The length of a field read as a C string: up to its first NUL byte. */
size_t csv_name_length(const char *s, size_t len)
{
    const char *nul = memchr(s, '\0', len);
    return nul ? (size_t)(nul - s) : len;
}

/* ---------------------------------------------------------- strings */

void csv_strings_free(csv_strings *t)
{
    free(t->bytes);
    free(t->start);
    free(t->slot);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

const char *csv_string(const csv_strings *t, size_t i) { return t->bytes + t->start[i]; }

int csv_intern(csv_strings *t, const char *s, size_t len, descent_error *err)
{
    if (2 * ((uint64_t)t->count + 1) > t->slots) {
        uint64_t slots = t->slots ? 2 * (uint64_t)t->slots : 64;
        int *slot = descent_zalloc(slots, sizeof *slot, "the target's distinct values", err);
        if (!slot) return -1;
        for (size_t i = 0; i < t->count; i++) {
            const char *v = csv_string(t, i);
            size_t k = (size_t)(hash_bytes(v, strlen(v)) & (slots - 1));
            while (slot[k]) k = (size_t)((k + 1) & (slots - 1));
            slot[k] = (int)i + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->slots = (size_t)slots;
    }
    size_t k = (size_t)hash_bytes(s, len) & (t->slots - 1);
    for (; t->slot[k]; k = (k + 1) & (t->slots - 1)) {
        const char *v = csv_string(t, (size_t)t->slot[k] - 1);
        if (strncmp(v, s, len) == 0 && v[len] == '\0') return t->slot[k] - 1;
    }
    char *bytes = descent_grow(t->bytes, &t->bytes_cap, (uint64_t)t->used + len + 1, 1,
                               "the target's distinct values", err);
    if (!bytes) return -1;
    t->bytes = bytes;
    size_t *start = descent_grow(t->start, &t->start_cap, (uint64_t)t->count + 1, sizeof *start,
                                 "the target's distinct values", err);
    if (!start) return -1;
    t->start = start;
    memcpy(t->bytes + t->used, s, len);
    t->bytes[t->used + len] = '\0';
    t->start[t->count] = t->used;
    t->used += len + 1;
    t->slot[k] = (int)t->count + 1;
    return (int)t->count++;
}

