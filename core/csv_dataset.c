/* csv_dataset.c - a dataset from CSV records, built row by row: features
 * parsed straight into a growing float matrix, the target kept as one number
 * per row (and its text where classes may be text), columns skipped or kept
 * aside as csv_columns.c decides. Memory is the matrix plus a few bytes a
 * row; no other text is kept but the header and the cells kept aside. */
#include "csv.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLASSES DESCENT_MAX_CLASSES

/* --------------------------------------------------------------- builder */

/* What a row keeps of its target. */
typedef struct row_target {
    double value;                   /* where numeric */
    size_t text;                    /* where classes may be text: its text, a C string at texts + text */
    int label;                      /* with known classes */
} row_target;

struct csv_builder {
    descent_csv_options opt;
    size_t records;                 /* records seen, the header included */
    size_t header_line;
    int cols, target, features;
    csv_columns columns;            /* what each column is for */
    char *head_text;                /* the header's fields as read, each NUL-terminated */
    size_t *head;                   /* cols pairs: each field's offset in head_text, its length */

    /* The first problem in the data, reported once the input is all split;
     * the rest is then only split (and counted). */
    descent_error deferred;
    int skip;

    size_t hint_lines, hint_bytes;  /* csv_builder_expect's */
    int n;                          /* data rows */
    size_t cap;                     /* rows allocated */
    float *x;                       /* n·features */
    row_target *rows;               /* with a target */
    char *texts;                    /* those targets as C strings, one after another */
    size_t texts_used, texts_cap;
    int any_text, all_integer;

    /* Known classes (options.class_names), when usable; problems found with
     * them, and a regression target beyond float range, are reported only
     * if the dataset gets that far. */
    int known;
    descent_error class_error, range_error;
};

void csv_builder_free(csv_builder *b)
{
    if (!b) return;
    free(b->head_text);
    free(b->head);
    free(b->x);
    free(b->rows);
    free(b->texts);
    csv_columns_free(&b->columns);
    free(b);
}

csv_builder *csv_builder_create(const descent_csv_options *options, descent_error *err)
{
    csv_builder *b = descent_zalloc(1, sizeof *b, CSV_DATA, err);
    if (!b) return NULL;
    b->opt = *options;
    b->target = -1;
    b->all_integer = 1;
    return b;
}

void csv_builder_expect(csv_builder *b, size_t lines, size_t bytes)
{
    b->hint_lines = lines;
    b->hint_bytes = bytes;
}

/* The length of a field read as a C string: up to its first NUL byte. */
static size_t name_length(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n]) n++;
    return n;
}

/* A header field: as a C string (up to a NUL byte), or shown whole in a message. */
static const char *head_name(const csv_builder *b, int column) { return b->head_text + b->head[2 * column]; }
static const char *show_head(const csv_builder *b, int column, char *dst, size_t size)
{
    return descent_show(dst, size, head_name(b, column), b->head[2 * column + 1]);
}

/* Fills e with "line L, column C ('name'): " + the formatted rest. */
static void cell_fail(const csv_builder *b, const csv_field *f, int column, descent_error *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void cell_fail(const csv_builder *b, const csv_field *f, int column, descent_error *e, const char *fmt, ...)
{
    char rest[DESCENT_MESSAGE_MAX], name[48];
    va_list ap;
    va_start(ap, fmt);
    descent_vformat(rest, sizeof rest, fmt, ap);
    va_end(ap);
    descent_fail(e, DESCENT_ERR_PARSE, "line %zu, column %d ('%s'): %s", f->line, column + 1,
                 show_head(b, column, name, sizeof name), rest);
}

static void number_fail(const csv_builder *b, const csv_field *f, int column, int why, const char *suffix,
                        descent_error *e)
{
    char v[48];
    descent_show(v, sizeof v, f->text, f->len);
    if (why == CSV_NUM_EMPTY) cell_fail(b, f, column, e, "empty cell, expected a number%s", suffix);
    else if (why == CSV_NUM_RANGE) cell_fail(b, f, column, e, "'%s' is outside the float range%s", v, suffix);
    else cell_fail(b, f, column, e, "'%s' is not a number%s", v, suffix);
}

/* Whether the known classes can be used; if not, csv_builder_finish says why. */
static int known_usable(const descent_csv_options *o)
{
    if (o->n_classes < 2 || o->n_classes > MAX_CLASSES) return 0;
    for (int c = 0; c < o->n_classes; c++)
        if (!o->class_names[c]) return 0;
    return 1;
}

/* Whether the target is read as classes given, or may turn out to be text classes. */
static int classes_given(const csv_builder *b) { return b->opt.class_names && b->opt.n_classes; }
static int keeps_text(const csv_builder *b)
{
    return b->target >= 0 && !classes_given(b) && b->opt.task != DESCENT_TASK_REGRESSION;
}

/* Room for need rows. */
static descent_status grow_rows(csv_builder *b, uint64_t need, descent_error *err)
{
    size_t cap = b->cap;
    void *p = descent_grow(b->x, &cap, need, (uint64_t)b->features * sizeof(float), CSV_DATA, err);
    if (!p) return DESCENT_ERR_MEMORY;
    b->x = p;
    if (b->target >= 0) {
        cap = b->cap;
        if (!(p = descent_grow(b->rows, &cap, need, sizeof *b->rows, CSV_DATA, err))) return DESCENT_ERR_MEMORY;
        b->rows = p;
    }
    b->cap = cap;
    return DESCENT_OK;
}

static descent_status take_header(csv_builder *b, const csv_record *r, descent_error *err)
{
    const descent_csv_options *o = &b->opt;
    char shown[64];
    b->header_line = r->line;
    size_t bytes = 0;
    for (int c = 0; c < r->count; c++) bytes += r->fields[c].len + 1; /* within the record's text */
    b->head = descent_alloc((uint64_t)r->count, 2 * sizeof *b->head, CSV_DATA, err);
    b->head_text = descent_alloc(bytes, 1, CSV_DATA, err);
    if (!b->head || !b->head_text) return DESCENT_ERR_MEMORY;
    b->cols = r->count;
    size_t at = 0;
    for (int c = 0; c < r->count; c++) {
        const csv_field *f = &r->fields[c];
        memcpy(b->head_text + at, f->text, f->len);
        b->head_text[at + f->len] = '\0';
        b->head[2 * c] = at;
        b->head[2 * c + 1] = f->len;
        at += f->len + 1;
    }
    b->skip = 1; /* until the header proves usable */
    if (!o->no_target) {
        if (o->target) {
            for (int c = 0; c < b->cols && b->target < 0; c++)
                if (strlen(head_name(b, c)) == b->head[2 * c + 1] && strcmp(head_name(b, c), o->target) == 0)
                    b->target = c;
            if (b->target < 0 && o->target_optional) {
                /* A model's target, which a file to predict may lack: every column is a feature. */
            } else if (b->target < 0) {
                char list[320];
                csv_column_list(b->head_text, b->head, b->cols, list, sizeof list);
                descent_fail(&b->deferred, DESCENT_ERR_PARSE, "unknown target column '%s': columns are %s",
                             descent_show(shown, sizeof shown, o->target, strlen(o->target)), list);
                return DESCENT_OK;
            }
        } else if (o->target_index == -1) {
            b->target = b->cols - 1;
        } else if (o->target_index >= 0 && o->target_index < b->cols) {
            b->target = o->target_index;
        } else {
            descent_fail(&b->deferred, DESCENT_ERR_PARSE, "target index %d out of range: the header has %d column%s",
                         o->target_index, b->cols, b->cols == 1 ? "" : "s");
            return DESCENT_OK;
        }
    }
    int resolved = csv_columns_resolve(&b->columns, b->head_text, b->head, b->cols, b->target, b->header_line, o,
                                       &b->deferred, err);
    if (resolved < 0) return DESCENT_ERR_MEMORY;
    if (!resolved) return DESCENT_OK;
    b->features = b->columns.features;
    if (b->target >= 0 && o->class_names && o->n_classes) b->known = known_usable(o);
    b->skip = 0;
    /* Rows all at once when the text's size is known: no more than its line
     * breaks, nor than one per cols bytes, so this is never more than four
     * times the text. It is only a start: rows grow past it if need be. */
    if (b->hint_lines) {
        size_t rows = b->hint_bytes / (size_t)b->cols + 1;
        grow_rows(b, b->hint_lines < rows ? b->hint_lines : rows, NULL);
    }
    return DESCENT_OK;
}

/* The row's class among the known ones, by name or by value; the first
 * row with another is remembered for csv_builder_finish. */
static void match_known(csv_builder *b, const csv_field *f, int column, int numeric, double v)
{
    const char *const *names = b->opt.class_names;
    int classes = b->opt.n_classes, label = -1;
    size_t len = name_length(f->text, f->len);
    for (int c = 0; c < classes && label < 0; c++) {
        const char *name = names[c];
        size_t i = 0;
        double w;
        while (i < len && name[i] == f->text[i]) i++; /* f->text has no NUL in its first len bytes */
        if (i == len && !name[i]) label = c;
        else if (numeric && csv_parse_double(name, strlen(name), &w) == CSV_NUM_OK && w == v) label = c;
    }
    b->rows[b->n].label = label;
    if (label >= 0 || b->class_error.code != DESCENT_OK) return;
    char shown[48], list[256] = "";
    for (int c = 0; c < classes; c++) {
        size_t used = strlen(list);
        if (used + 8 >= sizeof list) {
            descent_format(list + used, sizeof list - used, ", ...");
            break;
        }
        descent_format(list + used, sizeof list - used, "%s%s", c ? ", " : "", names[c]);
    }
    cell_fail(b, f, column, &b->class_error, "class '%s' is not one of the known classes (%s)",
              descent_show(shown, sizeof shown, f->text, f->len), list);
}

/* The row's target as text (up to a NUL byte, as a C string), for text classes. */
static descent_status keep_text(csv_builder *b, const csv_field *f, descent_error *err)
{
    size_t len = name_length(f->text, f->len);
    char *texts = descent_grow(b->texts, &b->texts_cap, (uint64_t)b->texts_used + len + 1, 1,
                               CSV_DATA, err);
    if (!texts) return DESCENT_ERR_MEMORY;
    b->texts = texts;
    memcpy(texts + b->texts_used, f->text, len);
    texts[b->texts_used + len] = '\0';
    b->rows[b->n].text = b->texts_used;
    b->texts_used += len + 1;
    return DESCENT_OK;
}

static descent_status take_row(csv_builder *b, const csv_record *r, descent_error *err)
{
    if (r->count != b->cols) {
        descent_fail(&b->deferred, DESCENT_ERR_PARSE, "line %zu: %d field%s, expected %d as in the header", r->line,
                     r->count, r->count == 1 ? "" : "s", b->cols);
        b->skip = 1;
        return DESCENT_OK;
    }
    if (grow_rows(b, (uint64_t)b->n + 1, err) != DESCENT_OK) return DESCENT_ERR_MEMORY;
    float *row = b->x + (size_t)b->n * (size_t)b->features;
    const int *feature = b->columns.feature;
    for (int c = 0; c < b->cols; c++) {
        const csv_field *f = &r->fields[c];
        double v = 0;
        if (c != b->target && feature[c] < 0) continue; /* skipped, or only kept */
        if (c == b->target) {
            int why = csv_parse_double(f->text, f->len, &v);
            if (why == CSV_NUM_EMPTY) {
                cell_fail(b, f, c, &b->deferred, "empty target cell");
                b->skip = 1;
                return DESCENT_OK;
            }
            if (why != CSV_NUM_OK && b->opt.task == DESCENT_TASK_REGRESSION) {
                number_fail(b, f, c, why, ", and the task is regression", &b->deferred);
                b->skip = 1;
                return DESCENT_OK;
            }
            if (b->known) match_known(b, f, c, why == CSV_NUM_OK, v);
            if (classes_given(b)) continue;
            b->rows[b->n].value = v;
            if (why != CSV_NUM_OK) b->any_text = 1;
            else if (v != floor(v)) b->all_integer = 0;
            if (why == CSV_NUM_OK && fabs(v) > FLT_MAX && b->range_error.code == DESCENT_OK)
                number_fail(b, f, c, CSV_NUM_RANGE, "", &b->range_error);
            if (keeps_text(b) && keep_text(b, f, err) != DESCENT_OK) return DESCENT_ERR_MEMORY;
            continue;
        }
        int why = csv_parse_float(f->text, f->len, &v);
        if (why != CSV_NUM_OK) {
            number_fail(b, f, c, why, "", &b->deferred);
            b->skip = 1;
            return DESCENT_OK;
        }
        row[feature[c]] = (float)v;
    }
    if (csv_columns_keep_row(&b->columns, r->fields, b->n, err) != DESCENT_OK) return DESCENT_ERR_MEMORY;
    b->n++;
    return DESCENT_OK;
}

descent_status csv_builder_add(csv_builder *b, const csv_record *r, descent_error *err)
{
    if (b->records++ == 0) return take_header(b, r, err);
    /* Past DESCENT_MAX_ROWS rows csv_builder_finish refuses the file; until then, count. */
    if (b->skip || b->n == DESCENT_MAX_ROWS) return DESCENT_OK;
    return take_row(b, r, err);
}

/* ---------------------------------------------------------------- finish */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts and deduplicates in place; returns the distinct count. */
static size_t unique_doubles(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[k - 1]) v[k++] = v[i];
    return k;
}

static size_t unique_strings(const char **v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i], v[k - 1]) != 0) v[k++] = v[i];
    return k;
}

/* An array that grew past n elements, trimmed (kept as it is if realloc fails). */
static void *trim(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size > 0 ? n * size : 1);
    return q ? q : p;
}

/* ds's k classes, named names[c] or, for numbers, distinct[c] (labels set),
 * and y from the labels: the label itself for two classes, one-hot for more. */
static int name_classes(descent_dataset *ds, size_t k, const char *const *names, const double *distinct,
                        descent_error *err)
{
    int classes = (int)k;
    ds->classes = classes;
    ds->outputs = classes == 2 ? 1 : classes;
    if (!(ds->class_names = descent_zalloc(k, sizeof(char *), CSV_DATA, err))) return 0;
    for (int c = 0; c < classes; c++) {
        char num[40];
        const char *name = names ? names[c]
                                 : descent_class_name_numeric(distinct[c], c > 0 ? ds->class_names[c - 1] : NULL, num,
                                                              sizeof num);
        if (!(ds->class_names[c] = descent_strdup(name))) {
            descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading CSV");
            return 0;
        }
    }
    if (!(ds->y = descent_zalloc((uint64_t)ds->n, (uint64_t)ds->outputs * sizeof(float), CSV_DATA, err)))
        return 0;
    for (int r = 0; r < ds->n; r++) {
        if (classes == 2)
            ds->y[r] = (float)ds->labels[r];
        else
            ds->y[(size_t)r * (size_t)classes + (size_t)ds->labels[r]] = 1.0f;
    }
    return 1;
}

/* k classes found in the data, named by names (text) or distinct
 * (numbers), both sorted; 0 with err filled when they do not make a
 * classification. */
static int set_classes(const csv_builder *b, descent_dataset *ds, size_t k, const double *distinct,
                       const char **names, descent_error *err)
{
    char shown[64];
    const char *tname = descent_show(shown, sizeof shown, ds->target_name, strlen(ds->target_name));
    if (k > MAX_CLASSES) {
        descent_fail(err, DESCENT_ERR_PARSE, "target '%s' has %zu distinct values: at most %d classes are supported",
                     tname, k, MAX_CLASSES);
        return 0;
    }
    if (k < 2) {
        char only[48];
        if (names) descent_show(only, sizeof only, names[0], strlen(names[0]));
        else descent_format(only, sizeof only, "%g", distinct[0]);
        descent_fail(err, DESCENT_ERR_PARSE, "target '%s' has only one class ('%s')", tname, only);
        return 0;
    }
    if (!(ds->labels = descent_alloc((uint64_t)b->n, sizeof(int), CSV_DATA, err))) return 0;
    for (int r = 0; r < b->n; r++) {
        if (names) {
            const char *s = b->texts + b->rows[r].text;
            ds->labels[r] = (int)((const char **)bsearch(&s, names, k, sizeof *names, cmp_str) - names);
        } else {
            ds->labels[r] = (int)((const double *)bsearch(&b->rows[r].value, distinct, k, sizeof *distinct, cmp_double) -
                                  distinct);
        }
    }
    return name_classes(ds, k, (const char *const *)names, distinct, err);
}

/* The target of a file whose classes are given (a model's). */
static int set_known_classes(csv_builder *b, descent_dataset *ds, descent_error *err)
{
    int classes = b->opt.n_classes;
    if (classes < 2 || classes > MAX_CLASSES) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n_classes is %d: known classes must number 2..%d", classes,
                     MAX_CLASSES);
        return 0;
    }
    for (int c = 0; c < classes; c++) {
        if (!b->opt.class_names[c]) {
            descent_fail(err, DESCENT_ERR_ARGUMENT, "class_names[%d] is NULL", c);
            return 0;
        }
    }
    if (b->class_error.code != DESCENT_OK) {
        *err = b->class_error;
        return 0;
    }
    if (!(ds->labels = descent_alloc((uint64_t)b->n, sizeof(int), CSV_DATA, err))) return 0;
    for (int r = 0; r < b->n; r++) ds->labels[r] = b->rows[r].label;
    return name_classes(ds, (size_t)classes, b->opt.class_names, NULL, err);
}

/* The target column: classes given, text or few integers (classes), or numbers. */
static int set_target(csv_builder *b, descent_dataset *ds, descent_error *err)
{
    if (classes_given(b)) return set_known_classes(b, ds, err);
    size_t n = (size_t)b->n, k = 0;
    const char **names = NULL;
    double *distinct = NULL;
    /* Text is classes (a regression target refused it as it came); numbers
     * are when asked for, or when they are few integers (descent_task_detect,
     * once their distinct values are counted). */
    int classify = b->any_text || b->opt.task == DESCENT_TASK_CLASSIFICATION ||
                   (b->opt.task == DESCENT_TASK_AUTO && b->all_integer),
        ok = 0;
    if (b->any_text) {
        if (!(names = descent_alloc(n, sizeof *names, CSV_DATA, err))) return 0;
        for (size_t r = 0; r < n; r++) names[r] = b->texts + b->rows[r].text;
        k = unique_strings(names, n);
    } else if (classify) {
        if (!(distinct = descent_alloc(n, sizeof *distinct, CSV_DATA, err))) return 0;
        for (size_t r = 0; r < n; r++) distinct[r] = b->rows[r].value;
        k = unique_doubles(distinct, n);
        classify = descent_task_detect(b->opt.task, 0, b->all_integer, (int64_t)k) == DESCENT_TASK_CLASSIFICATION;
    }
    if (classify) {
        ok = set_classes(b, ds, k, distinct, names, err);
    } else if (b->range_error.code != DESCENT_OK) {
        *err = b->range_error;
    } else if ((ds->y = descent_alloc(n, sizeof(float), CSV_DATA, err))) {
        ds->outputs = 1;
        for (size_t r = 0; r < n; r++) ds->y[r] = (float)b->rows[r].value;
        ok = 1;
    }
    free(names);
    free(distinct);
    return ok;
}

descent_dataset *csv_builder_finish(csv_builder *b, descent_error *err)
{
    descent_dataset *ds = NULL;
    if (b->records == 0) {
        descent_fail(err, DESCENT_ERR_PARSE, "empty input: expected a header row");
        goto fail;
    }
    if (b->records == 1) {
        descent_fail(err, DESCENT_ERR_PARSE, "no data rows after the header (line %zu)", b->header_line);
        goto fail;
    }
    if (b->records - 1 > DESCENT_MAX_ROWS) {
        descent_fail(err, DESCENT_ERR_PARSE, "%zu data rows: at most %d are supported", b->records - 1,
                     DESCENT_MAX_ROWS);
        goto fail;
    }
    if (b->deferred.code != DESCENT_OK) {
        if (err) *err = b->deferred;
        goto fail;
    }
    if (!(ds = descent_zalloc(1, sizeof *ds, CSV_DATA, err))) goto fail;
    ds->n = b->n;
    ds->features = b->features;
    ds->x = trim(b->x, (size_t)b->n * (size_t)b->features, sizeof(float));
    b->x = NULL;
    if (!(ds->feature_names = descent_zalloc((uint64_t)b->features, sizeof(char *), CSV_DATA, err)))
        goto fail;
    for (int c = 0; c < b->cols; c++)
        if (b->columns.feature[c] >= 0 && !(ds->feature_names[b->columns.feature[c]] = descent_strdup(head_name(b, c))))
            goto oom;
    if (csv_columns_finish(&b->columns, ds, b->head_text, b->head, err) != DESCENT_OK) goto fail;
    if (b->target >= 0) {
        if (!(ds->target_name = descent_strdup(head_name(b, b->target)))) goto oom;
        descent_error local;
        if (!set_target(b, ds, &local)) {
            if (err) *err = local;
            goto fail;
        }
    }
    csv_builder_free(b);
    return ds;
oom:
    descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading CSV");
fail:
    descent_dataset_free(ds);
    csv_builder_free(b);
    return NULL;
}
