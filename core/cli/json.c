/* json.c - a small recursive-descent JSON reader (RFC 8259: one value,
 * strings as well-formed UTF-8 with \u escapes and surrogate pairs, numbers
 * as doubles) and the JSON writing the exporter needs. The nesting depth is
 * bounded, so a hostile file cannot exhaust the stack, and every count is
 * checked before it grows an array. */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *p, *end, *line_start;
    int line;
    const char *name;
    char *msg;
    size_t msg_size;
    int failed;
} reader;

static int column_of(const reader *r, const char *at)
{
    return (int)(at - r->line_start) + 1;
}

static int fail_at(reader *r, const char *at, const char *fmt, ...)
{
    if (r->failed) return 0;
    r->failed = 1;
    int n = snprintf(r->msg, r->msg_size, "%s:%d:%d: ", r->name, r->line, column_of(r, at));
    if (n >= 0 && (size_t)n < r->msg_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->msg + n, r->msg_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static void skip_space(reader *r)
{
    while (r->p < r->end) {
        char c = *r->p;
        if (c == '\n') {
            r->line++;
            r->line_start = r->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        r->p++;
    }
}

/* Appends one zeroed item to v's items (and a key slot for objects). */
static json_value *push(reader *r, json_value *v, size_t *cap)
{
    if (v->count == *cap) {
        size_t grown = *cap ? *cap * 2 : 4;
        if (grown > SIZE_MAX / sizeof(json_value) || grown < *cap) {
            fail_at(r, r->p, "too many items");
            return NULL;
        }
        json_value *items = realloc(v->items, grown * sizeof *items);
        if (!items) {
            fail_at(r, r->p, "out of memory");
            return NULL;
        }
        v->items = items;
        if (v->type == JSON_OBJECT) {
            char **keys = realloc(v->keys, grown * sizeof *keys);
            if (!keys) {
                fail_at(r, r->p, "out of memory");
                return NULL;
            }
            v->keys = keys;
        }
        *cap = grown;
    }
    json_value *item = &v->items[v->count];
    memset(item, 0, sizeof *item);
    if (v->type == JSON_OBJECT) v->keys[v->count] = NULL;
    v->count++;
    return item;
}

static int hex4(reader *r, const char *at, unsigned *out)
{
    if (r->end - at < 4) return fail_at(r, at, "\\u needs four hex digits");
    unsigned u = 0;
    for (int i = 0; i < 4; i++) {
        char c = at[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
        if (d == 16) return fail_at(r, at + i, "\\u needs four hex digits");
        u = u * 16 + d;
    }
    *out = u;
    return 1;
}

static size_t put_utf8(char *out, unsigned c)
{
    if (c < 0x80) { out[0] = (char)c; return 1; }
    if (c < 0x800) { out[0] = (char)(0xC0 | (c >> 6)); out[1] = (char)(0x80 | (c & 63)); return 2; }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12)); out[1] = (char)(0x80 | ((c >> 6) & 63)); out[2] = (char)(0x80 | (c & 63));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18)); out[1] = (char)(0x80 | ((c >> 12) & 63));
    out[2] = (char)(0x80 | ((c >> 6) & 63)); out[3] = (char)(0x80 | (c & 63));
    return 4;
}

/* The length of a well-formed UTF-8 character at p (before end), else 0. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return 0;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* A string at r->p (its opening quote); the decoded text is never longer than the source. */
static char *read_string(reader *r)
{
    const char *start = r->p++;
    const char *q = r->p;
    while (q < r->end && *q != '"') q += *q == '\\' && q + 1 < r->end ? 2 : 1;
    if (q >= r->end) {
        fail_at(r, start, "unterminated string");
        return NULL;
    }
    char *out = malloc((size_t)(q - r->p) + 1);
    if (!out) {
        fail_at(r, start, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (*r->p != '"') {
        const char *at = r->p;
        unsigned char c = (unsigned char)*at;
        if (c < 0x20) {
            fail_at(r, at, "control character 0x%02x in a string (write it as \\u%04x)", c, c);
            break;
        }
        if (c != '\\') {
            size_t len = utf8_length((const unsigned char *)at, (const unsigned char *)r->end);
            if (!len) {
                fail_at(r, at, "byte 0x%02x is not UTF-8", c);
                break;
            }
            memcpy(out + n, at, len);
            n += len;
            r->p += len;
            continue;
        }
        char e = at[1];
        r->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        if (e != 'u') {
            fail_at(r, at, "unknown escape \\%c", e >= 0x20 && e < 0x7F ? e : '?');
            break;
        }
        unsigned u, lo;
        if (!hex4(r, r->p, &u)) break;
        r->p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r, r->p + 2, &lo) || lo < 0xDC00 ||
                lo > 0xDFFF) {
                fail_at(r, at, "a \\u escape of a high surrogate needs its low surrogate after it");
                break;
            }
            r->p += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            fail_at(r, at, "a low surrogate \\u%04x without its high surrogate", u);
            break;
        } else if (u == 0) {
            fail_at(r, at, "\\u0000 in a string");
            break;
        }
        n += put_utf8(out + n, u);
    }
    if (r->failed) {
        free(out);
        return NULL;
    }
    r->p++; /* the closing quote */
    out[n] = '\0';
    return out;
}

static int read_number(reader *r, json_value *v)
{
    const char *s = r->p, *q = s;
    if (q < r->end && *q == '-') q++;
    if (q < r->end && *q == '0') q++;
    else if (q < r->end && *q >= '1' && *q <= '9') while (q < r->end && *q >= '0' && *q <= '9') q++;
    else return fail_at(r, s, "expected a value");
    if (q < r->end && *q == '.') {
        if (++q >= r->end || *q < '0' || *q > '9') return fail_at(r, q, "expected a digit after '.'");
        while (q < r->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < r->end && (*q == 'e' || *q == 'E')) {
        if (++q < r->end && (*q == '+' || *q == '-')) q++;
        if (q >= r->end || *q < '0' || *q > '9') return fail_at(r, q, "expected a digit in the exponent");
        while (q < r->end && *q >= '0' && *q <= '9') q++;
    }
    char buf[64];
    if ((size_t)(q - s) >= sizeof buf) return fail_at(r, s, "number longer than %d characters", (int)sizeof buf - 1);
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    errno = 0;
    v->number = strtod(buf, NULL);
    if (!isfinite(v->number)) return fail_at(r, s, "number %s is out of range", buf);
    v->type = JSON_NUMBER;
    r->p = q;
    return 1;
}

static int read_value(reader *r, json_value *v, int depth);

static int read_items(reader *r, json_value *v, int depth, char close)
{
    size_t cap = 0;
    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 1;
    }
    for (;;) {
        char *key = NULL;
        if (v->type == JSON_OBJECT) {
            if (r->p >= r->end || *r->p != '"') return fail_at(r, r->p, "expected a key (a string)");
            if (!(key = read_string(r))) return 0;
            skip_space(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                return fail_at(r, r->p, "expected ':' after the key");
            }
            r->p++;
            skip_space(r);
        }
        json_value *item = push(r, v, &cap);
        if (!item) {
            free(key);
            return 0;
        }
        if (key) v->keys[v->count - 1] = key;
        if (!read_value(r, item, depth + 1)) return 0;
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_space(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 1;
        }
        return fail_at(r, r->p, "expected ',' or '%c'", close);
    }
}

static int read_value(reader *r, json_value *v, int depth)
{
    v->line = r->line;
    v->column = column_of(r, r->p);
    if (r->p >= r->end) return fail_at(r, r->p, "expected a value, found the end of the file");
    char c = *r->p;
    if (c == '{' || c == '[') {
        if (depth >= JSON_MAX_DEPTH) return fail_at(r, r->p, "nested deeper than %d levels", JSON_MAX_DEPTH);
        v->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
        return read_items(r, v, depth, c == '{' ? '}' : ']');
    }
    if (c == '"') {
        v->string = read_string(r);
        if (!v->string) return 0;
        v->type = JSON_STRING;
        return 1;
    }
    static const struct { const char *word; json_type type; } words[] = {
        {"null", JSON_NULL}, {"true", JSON_TRUE}, {"false", JSON_FALSE}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t len = strlen(words[i].word);
        if ((size_t)(r->end - r->p) >= len && memcmp(r->p, words[i].word, len) == 0) {
            v->type = words[i].type;
            r->p += len;
            return 1;
        }
    }
    return read_number(r, v);
}

static void free_items(json_value *v)
{
    for (size_t i = 0; i < v->count; i++) {
        free_items(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

void json_free(json_value *v)
{
    if (!v) return;
    free_items(v);
    free(v);
}

json_value *json_parse(const char *text, size_t len, const char *name, char *msg, size_t msg_size)
{
    reader r = {text, text + len, text, 1, name, msg, msg_size, 0};
    json_value *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(msg, msg_size, "%s: out of memory", name);
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) r.p = r.line_start = text + 3; /* a BOM */
    skip_space(&r);
    if (read_value(&r, v, 0)) {
        skip_space(&r);
        if (r.p < r.end) fail_at(&r, r.p, "unexpected text after the JSON value");
    }
    if (r.failed) {
        json_free(v);
        return NULL;
    }
    return v;
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (!v || v->type != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], key) == 0) return &v->items[i];
    return NULL;
}

const char *json_type_name(json_type t)
{
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_FALSE:
    case JSON_TRUE: return "a boolean";
    case JSON_NUMBER: return "a number";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "a value";
}

int json_put_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    for (const unsigned char *q = p; q < end;) {
        size_t n = utf8_length(q, end);
        if (!n) return -1;
        q += n;
    }
    fputc('"', f);
    for (; p < end; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
    return 0;
}

void json_put_float(FILE *f, float v)
{
    char buf[32];
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, (double)v);
        if ((float)strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}
