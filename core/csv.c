/* csv.c - reading CSV text into records: quoted fields, CRLF, a byte order
 * mark, blank lines, any one-byte delimiter; from memory, or from a file
 * read in chunks through one buffer that carries a partial record over, so
 * a file never sits in memory whole. csv_dataset.c builds the dataset from
 * the records as they come. */
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_BUFFER (256 * 1024)

descent_csv_options descent_csv_defaults(void)
{
    descent_csv_options o;
    memset(&o, 0, sizeof o);
    o.target = NULL;
    o.target_index = -1;
    o.task = DESCENT_TASK_AUTO;
    o.delimiter = ',';
    o.no_target = 0;
    return o;
}

static descent_status check_options(const descent_csv_options *options, descent_csv_options *out,
                                    descent_error *err)
{
    *out = options ? *options : descent_csv_defaults();
    if (!out->delimiter) out->delimiter = ',';
    if (out->delimiter == '"' || out->delimiter == '\n' || out->delimiter == '\r')
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the delimiter cannot be a quote or a line break");
    if (out->task != DESCENT_TASK_AUTO && out->task != DESCENT_TASK_CLASSIFICATION &&
        out->task != DESCENT_TASK_REGRESSION)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown task %d: expected auto, classification or regression",
                            (int)out->task);
    return csv_columns_check(out, err);
}

/* ------------------------------------------------------------ tokenizer */

typedef struct tokenizer {
    char delimiter;
    size_t line;                    /* where the next record starts */
    csv_field *fields;
    size_t fields_cap;
    char *scratch;                  /* the record's quoted fields, unescaped */
    size_t scratch_cap;
} tokenizer;

enum { REC_FULL, REC_BLANK, REC_MORE };

static void tokenizer_free(tokenizer *t)
{
    free(t->fields);
    free(t->scratch);
}

static int is_blank(char c, char delimiter)
{
    return (c == ' ' || c == '\t') && c != delimiter;
}

/* Splits off the record at s[*pos..end). eof says whether end is the end of
 * the input; if it is not and the record may go on past end, *kind is
 * REC_MORE and nothing is consumed (the caller reads more and asks again).
 * Otherwise *pos moves past the record and its line break, and *kind is
 * REC_BLANK for a blank line (dropped) or REC_FULL with the fields in rec.
 * Unquoted fields point into s; quoted ones into the tokenizer's scratch. */
static descent_status next_record(tokenizer *t, const char *s, size_t end, int eof, size_t *pos, csv_record *rec,
                                  int *kind, descent_error *err)
{
    const char delimiter = t->delimiter;
    size_t i = *pos, line = t->line, o = 0;
    int count = 0;
    *kind = REC_MORE;
    for (;;) {
        if (count == DESCENT_MAX_COLUMNS)
            return descent_fail(err, DESCENT_ERR_PARSE, "line %zu: more than %d fields", t->line, DESCENT_MAX_COLUMNS);
        while (i < end && is_blank(s[i], delimiter)) i++;
        if (i >= end && !eof) return DESCENT_OK;
        csv_field f = {NULL, 0, line, 0, 0};
        if (i < end && s[i] == '"') {
            f.quoted = 1;
            f.scratch = o + 1;
            for (i++;; i++) {
                /* What a quote or a \r means depends on the next byte. */
                if (i + 1 >= end && !eof) return DESCENT_OK;
                if (i >= end)
                    return descent_fail(err, DESCENT_ERR_PARSE, "line %zu, column %d: unterminated quoted field",
                                        f.line, count + 1);
                char c = s[i];
                if (c == '"') {
                    if (i + 1 >= end || s[i + 1] != '"') break;
                    i++; /* a doubled quote stands for one */
                } else if (c == '\n' || (c == '\r' && !(i + 1 < end && s[i + 1] == '\n'))) {
                    line++;
                }
                if (o == t->scratch_cap) {
                    char *grown = descent_grow(t->scratch, &t->scratch_cap, (uint64_t)o + 1, 1, CSV_DATA, err);
                    if (!grown) return err ? err->code : DESCENT_ERR_MEMORY;
                    t->scratch = grown;
                }
                t->scratch[o++] = c;
            }
            i++;
            f.len = o + 1 - f.scratch;
            while (i < end && is_blank(s[i], delimiter)) i++;
            if (i >= end && !eof) return DESCENT_OK;
            if (i < end && s[i] != delimiter && s[i] != '\n' && s[i] != '\r') {
                char shown[16];
                return descent_fail(err, DESCENT_ERR_PARSE,
                                    "line %zu, column %d: '%s' after a closing quote, expected a delimiter or the "
                                    "end of the line",
                                    line, count + 1, descent_show(shown, sizeof shown, s + i, 1));
            }
        } else {
            size_t start = i;
            while (i < end && s[i] != delimiter && s[i] != '\n' && s[i] != '\r') i++;
            if (i >= end && !eof) return DESCENT_OK;
            size_t e = i;
            while (e > start && is_blank(s[e - 1], delimiter)) e--;
            f.text = s + start;
            f.len = e - start;
        }
        csv_field *fields = descent_grow(t->fields, &t->fields_cap, (uint64_t)count + 1, sizeof *fields,
                                         CSV_DATA, err);
        if (!fields) return err ? err->code : DESCENT_ERR_MEMORY;
        t->fields = fields;
        t->fields[count++] = f;
        if (i >= end) break;        /* the end of the input */
        if (s[i] == delimiter) {
            i++;
            continue;
        }
        if (s[i] == '\r') {
            if (i + 1 >= end && !eof) return DESCENT_OK;
            if (i + 1 < end && s[i + 1] == '\n') i++;
        }
        i++;
        line++;
        break;
    }
    rec->line = t->line;
    *pos = i;
    t->line = line;
    const csv_field *first = &t->fields[0];
    if (count == 1 && !first->quoted && first->len == 0) {
        *kind = REC_BLANK;
        return DESCENT_OK;
    }
    for (int k = 0; k < count; k++) {
        csv_field *f = &t->fields[k];
        if (f->scratch) f->text = f->len ? t->scratch + (f->scratch - 1) : "";
    }
    rec->fields = t->fields;
    rec->count = count;
    *kind = REC_FULL;
    return DESCENT_OK;
}

/* Hands the builder every record that is whole in s[*pos..end); *pos stops
 * at the start of one that may go on past end (never when eof). */
static descent_status feed(tokenizer *t, csv_builder *b, const char *s, size_t end, int eof, size_t *pos,
                           descent_error *err)
{
    while (*pos < end) {
        csv_record rec;
        int kind;
        descent_status st = next_record(t, s, end, eof, pos, &rec, &kind, err);
        if (st != DESCENT_OK) return st;
        if (kind == REC_MORE) break;
        if (kind == REC_FULL && (st = csv_builder_add(b, &rec, err)) != DESCENT_OK) return st;
    }
    return DESCENT_OK;
}

static int has_bom(const char *s, size_t length)
{
    return length >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF;
}

/* ------------------------------------------------------------ from memory */

descent_dataset *descent_csv_parse(const char *text, size_t length, const descent_csv_options *options,
                                   descent_error *err)
{
    descent_csv_options opt;
    if (check_options(options, &opt, err) != DESCENT_OK) return NULL;
    if (!text && length > 0) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "text is NULL but length is %zu", length);
        return NULL;
    }
    if (!text) text = "";
    /* Callers passing strlen + 1 should not get a stray one-field last row. */
    while (length > 0 && text[length - 1] == '\0') length--;

    csv_builder *b = csv_builder_create(&opt, err);
    if (!b) return NULL;
    size_t lines = 1;
    for (size_t i = 0; i < length; i++) lines += text[i] == '\n';
    csv_builder_expect(b, lines, length);
    tokenizer t = {opt.delimiter, 1, NULL, 0, NULL, 0};
    size_t pos = has_bom(text, length) ? 3 : 0;
    descent_status st = feed(&t, b, text, length, 1, &pos, err);
    tokenizer_free(&t);
    if (st != DESCENT_OK) {
        csv_builder_free(b);
        return NULL;
    }
    return csv_builder_finish(b, err);
}

/* ------------------------------------------------------------- from a file */

/* Fills buf[*have..cap) from f, or up to the end of the file (*eof set). */
static int fill(FILE *f, char *buf, size_t cap, size_t *have, int *eof)
{
    while (*have < cap) {
        size_t got = fread(buf + *have, 1, cap - *have, f);
        if (got == 0) {
            if (ferror(f)) return -1;
            *eof = 1;
            break;
        }
        *have += got;
    }
    return 0;
}

descent_dataset *csv_read_stream(FILE *f, const char *name, size_t buffer, const descent_csv_options *options,
                                 descent_error *err)
{
    descent_error local;
    descent_dataset *ds = NULL;
    csv_builder *b = NULL;
    descent_csv_options opt;
    tokenizer t = {0, 1, NULL, 0, NULL, 0};
    size_t cap = buffer < 4 ? 4 : buffer, have = 0, pos = 0;
    int eof = 0;
    char *buf = NULL;

    if (check_options(options, &opt, &local) != DESCENT_OK) goto fail;
    t.delimiter = opt.delimiter;
    if (!(buf = descent_alloc(cap, 1, CSV_DATA, &local))) goto fail;
    if (!(b = csv_builder_create(&opt, &local))) goto fail;
    if (fill(f, buf, cap, &have, &eof) != 0) goto read_error;
    if (has_bom(buf, have)) pos = 3;
    for (;;) {
        /* NUL bytes at the end of the data are dropped as descent_csv_parse
         * drops them, so they count only once something follows them. */
        size_t end = have;
        while (end > pos && buf[end - 1] == '\0') end--;
        if (feed(&t, b, buf, end, eof, &pos, &local) != DESCENT_OK) goto fail;
        if (eof) break;
        /* Carry the partial record over; a record longer than the buffer grows it. */
        memmove(buf, buf + pos, have - pos);
        have -= pos;
        pos = 0;
        if (have == cap) {
            char *grown = descent_grow(buf, &cap, (uint64_t)cap + 1, 1, CSV_DATA, &local);
            if (!grown) goto fail;
            buf = grown;
        }
        if (fill(f, buf, cap, &have, &eof) != 0) goto read_error;
    }
    ds = csv_builder_finish(b, &local);
    b = NULL;
    if (!ds) goto fail;
    free(buf);
    tokenizer_free(&t);
    return ds;

read_error:
    descent_fail(err, DESCENT_ERR_IO, "cannot read '%s': %s", name, strerror(errno));
    csv_builder_free(b);
    free(buf);
    tokenizer_free(&t);
    return NULL;
fail:
    csv_builder_free(b);
    free(buf);
    tokenizer_free(&t);
    {
        const char *base = name;
        for (const char *p = name; *p; p++)
            if (*p == '/' || *p == '\\') base = p + 1;
        if (!*base) base = name;
        descent_fail(err, local.code, "%s: %s", base, local.message);
    }
    return NULL;
}

descent_dataset *descent_csv_read_file(const char *path, const descent_csv_options *options, descent_error *err)
{
    FILE *f = descent_open_read(path, err);
    if (!f) return NULL;
    descent_dataset *ds = csv_read_stream(f, path, READ_BUFFER, options, err);
    fclose(f);
    return ds;
}
