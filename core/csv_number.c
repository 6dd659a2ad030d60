/* csv_number.c - a CSV cell as a number: plain decimals, parsed without
 * strtod (whose long-double machinery would double the wasm build). */
#include "csv.h"

#include <float.h>
#include <math.h>

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
