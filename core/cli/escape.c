/* escape.c - the CLI's one escaping rule for text from files. A name in a CSV
 * header or a model file can hold anything, an ANSI escape sequence
 * included; shown raw, it could recolour, move or retitle the user's
 * terminal. Shown: printable ASCII and well-formed UTF-8 other than the C1
 * controls (U+0080..U+009F, which some terminals obey like ESC). Escaped as
 * \xNN, byte by byte: the C0 controls (tab and newline too), DEL, C1 controls
 * and bytes that are not well-formed UTF-8. */
#include "escape.h"

#include <string.h>

/* The length of the character at p (1 to 4 bytes) and whether it may be shown as it is. */
static size_t char_at(const unsigned char *p, int *shown)
{
    unsigned char c = p[0];
    *shown = 0;
    if (c < 0x80) {
        *shown = c >= 0x20 && c != 0x7F;
        return 1;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;       /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F; /* no UTF-16 surrogates */
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return 1;                       /* a continuation byte alone, or never valid */
    if (p[1] < lo || p[1] > hi) return 1;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 1;
    *shown = !(c == 0xC2 && p[1] <= 0x9F); /* C1 controls */
    return n;
}

static const char hex[] = "0123456789abcdef";

/* The next piece of the escaped text: a character as it is, or one byte as \xNN. */
static size_t next_piece(const unsigned char *p, char piece[5], size_t *used)
{
    int shown;
    size_t n = char_at(p, &shown);
    if (shown) {
        memcpy(piece, p, n);
        *used = n;
        return n;
    }
    piece[0] = '\\';
    piece[1] = 'x';
    piece[2] = hex[p[0] >> 4];
    piece[3] = hex[p[0] & 15];
    *used = 1;
    return 4;
}

void escape_put(FILE *f, const char *s, int csv_quotes)
{
    const unsigned char *p = (const unsigned char *)s;
    char piece[5];
    size_t used;
    while (*p) {
        size_t n = next_piece(p, piece, &used);
        if (csv_quotes && *p == '"') fputc('"', f);
        fwrite(piece, 1, n, f);
        p += used;
    }
}

size_t escape_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char piece[5];
    size_t used, total = 0;
    while (*p) {
        total += next_piece(p, piece, &used);
        p += used;
    }
    return total;
}

char *escape_into(char *out, size_t size, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char piece[5];
    size_t used, len = 0;
    while (*p) {
        size_t n = next_piece(p, piece, &used);
        if (len + n >= size) break;
        memcpy(out + len, piece, n);
        len += n;
        p += used;
    }
    out[len] = '\0';
    return out;
}
