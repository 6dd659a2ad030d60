/* csv_dataset.c - a dataset from CSV records, built row by row: features
 * parsed straight into a growing float matrix, the target kept as one number
 * (and, where classes may be text, one interned string) per row. Memory is
 * the matrix plus a few bytes per row; no text is kept but the header and
 * the target's distinct values. */
#include "csv.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define AUTO_MAX_CLASSES 20
#define MAX_CLASSES 1000

/* --------------------------------------------------------------- builder */

struct csv_builder {
    descent_csv_options opt;
    size_t records;                 /* records seen, the header included */
    size_t header_line;
    int cols, target, features;
    char **head;                    /* the header's fields as read, NUL-terminated */
    size_t *head_len;

    /* The first problem in the data, reported once the input is all split;
     * the rest is then only split (and counted). */
    descent_error deferred;
    int skip;

    int n;                          /* data rows */
    float *x;                       /* n·features */
    double *value;                  /* the target, where numeric */
    unsigned char *numeric;
    int *id;                        /* the target's string in text, where classes may be text */
    int *label;                     /* with known classes */
    size_t x_cap, value_cap, numeric_cap, id_cap, label_cap;
    int any_text, all_integer;
    csv_strings text;               /* the target's distinct values, as text */
    int interning;

    /* Known classes (options.class_names), when usable; problems found with
     * them, and a regression target beyond float range, are reported only
     * if the dataset gets that far. */
    int known;
    size_t *known_len;
    double *known_value;
    unsigned char *known_numeric;
    descent_error class_error, range_error;
};

void csv_builder_free(csv_builder *b)
{
    if (!b) return;
    if (b->head) {
        for (int c = 0; c < b->cols; c++) free(b->head[c]);
        free(b->head);
    }
    free(b->head_len);
    free(b->x);
    free(b->value);
    free(b->numeric);
    free(b->id);
    free(b->label);
    csv_strings_free(&b->text);
    free(b->known_len);
    free(b->known_value);
    free(b->known_numeric);
    free(b);
}

csv_builder *csv_builder_create(const descent_csv_options *options, descent_error *err)
{
    csv_builder *b = descent_zalloc(1, sizeof *b, "a CSV reader", err);
    if (!b) return NULL;
    b->opt = *options;
    b->target = -1;
    b->all_integer = 1;
    return b;
}

static const char *show_head(const csv_builder *b, int column, char *dst, size_t size)
{
    return descent_show(dst, size, b->head[column], b->head_len[column]);
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
    vsnprintf(rest, sizeof rest, fmt, ap);
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

/* Builds "a, b, c" for a message, cut short with the total when long. */
static void column_list(const csv_builder *b, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; c < b->cols; c++) {
        char name[40];
        show_head(b, c, name, sizeof name);
        size_t need = strlen(name) + 2;
        if (used + need + 24 >= size) {
            snprintf(out + used, size - used, "... (%d columns)", b->cols);
            return;
        }
        used += (size_t)snprintf(out + used, size - used, "%s%s", name, c + 1 < b->cols ? ", " : "");
    }
}

/* The known classes' lengths and numeric values, if they can be used; if
 * not, csv_builder_finish says why. */
static descent_status setup_known(csv_builder *b, descent_error *err)
{
    int k = b->opt.n_classes;
    if (k < 2 || k > MAX_CLASSES) return DESCENT_OK;
    for (int c = 0; c < k; c++)
        if (!b->opt.class_names[c]) return DESCENT_OK;
    b->known_len = descent_alloc((uint64_t)k, sizeof *b->known_len, "the known classes", err);
    b->known_value = descent_alloc((uint64_t)k, sizeof *b->known_value, "the known classes", err);
    b->known_numeric = descent_alloc((uint64_t)k, 1, "the known classes", err);
    if (!b->known_len || !b->known_value || !b->known_numeric) return DESCENT_ERR_MEMORY;
    for (int c = 0; c < k; c++) {
        const char *name = b->opt.class_names[c];
        b->known_len[c] = strlen(name);
        b->known_numeric[c] = csv_parse_double(name, b->known_len[c], &b->known_value[c]) == CSV_NUM_OK;
    }
    b->known = 1;
    return DESCENT_OK;
}

static descent_status take_header(csv_builder *b, const csv_record *r, descent_error *err)
{
    const descent_csv_options *o = &b->opt;
    char shown[64];
    b->header_line = r->line;
    b->head = descent_zalloc((uint64_t)r->count, sizeof *b->head, "the CSV header", err);
    b->head_len = descent_alloc((uint64_t)r->count, sizeof *b->head_len, "the CSV header", err);
    if (!b->head || !b->head_len) return DESCENT_ERR_MEMORY;
    b->cols = r->count;
    for (int c = 0; c < r->count; c++) {
        const csv_field *f = &r->fields[c];
        if (!(b->head[c] = descent_alloc((uint64_t)f->len + 1, 1, "the CSV header", err))) return DESCENT_ERR_MEMORY;
        memcpy(b->head[c], f->text, f->len);
        b->head[c][f->len] = '\0';
        b->head_len[c] = f->len;
    }
    b->skip = 1; /* until the header proves usable */
    if (!o->no_target) {
        if (o->target) {
            size_t want = strlen(o->target);
            for (int c = 0; c < b->cols && b->target < 0; c++)
                if (b->head_len[c] == want && memcmp(b->head[c], o->target, want) == 0) b->target = c;
            if (b->target < 0) {
                char list[320];
                column_list(b, list, sizeof list);
                descent_fail(&b->deferred, DESCENT_ERR_PARSE, "unknown target column '%s': columns are %s",
                             descent_show(shown, sizeof shown, o->target, want), list);
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
    b->features = b->target >= 0 ? b->cols - 1 : b->cols;
    if (b->features < 1) {
        descent_fail(&b->deferred, DESCENT_ERR_PARSE,
                     "the header has 1 column, the target '%s': a dataset needs at least one feature column "
                     "(is the delimiter '%c'?)",
                     show_head(b, 0, shown, sizeof shown), o->delimiter);
        return DESCENT_OK;
    }
    if (b->target >= 0) {
        if (o->class_names && o->n_classes) {
            descent_status s = setup_known(b, err);
            if (s != DESCENT_OK) return s;
        } else {
            b->interning = o->task != DESCENT_TASK_REGRESSION;
        }
    }
    b->skip = 0;
    return DESCENT_OK;
}

/* Room for one more row in every per-row array in use. */
static descent_status grow_rows(csv_builder *b, descent_error *err)
{
    uint64_t need = (uint64_t)b->n + 1;
    const char *what = "the CSV rows";
    void *p;
    if (!(p = descent_grow(b->x, &b->x_cap, need, (uint64_t)b->features * sizeof(float), what, err)))
        return DESCENT_ERR_MEMORY;
    b->x = p;
    if (b->target < 0) return DESCENT_OK;
    if (b->known) {
        if (!(p = descent_grow(b->label, &b->label_cap, need, sizeof *b->label, what, err))) return DESCENT_ERR_MEMORY;
        b->label = p;
        return DESCENT_OK;
    }
    if (!(p = descent_grow(b->value, &b->value_cap, need, sizeof *b->value, what, err))) return DESCENT_ERR_MEMORY;
    b->value = p;
    if (!(p = descent_grow(b->numeric, &b->numeric_cap, need, 1, what, err))) return DESCENT_ERR_MEMORY;
    b->numeric = p;
    if (b->interning) {
        if (!(p = descent_grow(b->id, &b->id_cap, need, sizeof *b->id, what, err))) return DESCENT_ERR_MEMORY;
        b->id = p;
    }
    return DESCENT_OK;
}

/* The row's class among the known ones, by name or by value; the first
 * row with another is remembered for csv_builder_finish. */
static void match_known(csv_builder *b, const csv_field *f, int column, int numeric, double v)
{
    const char *const *names = b->opt.class_names;
    int classes = b->opt.n_classes, label = -1;
    size_t len = csv_name_length(f->text, f->len);
    for (int c = 0; c < classes && label < 0; c++) {
        if (b->known_len[c] == len && memcmp(names[c], f->text, len) == 0) label = c;
        else if (numeric && b->known_numeric[c] && b->known_value[c] == v) label = c;
    }
    b->label[b->n] = label;
    if (label >= 0 || b->class_error.code != DESCENT_OK) return;
    char shown[48], list[256] = "";
    for (int c = 0; c < classes; c++) {
        size_t used = strlen(list);
        if (used + 8 >= sizeof list) {
            snprintf(list + used, sizeof list - used, ", ...");
            break;
        }
        snprintf(list + used, sizeof list - used, "%s%s", c ? ", " : "", names[c]);
    }
    cell_fail(b, f, column, &b->class_error, "class '%s' is not one of the known classes (%s)",
              descent_show(shown, sizeof shown, f->text, f->len), list);
}

static descent_status take_row(csv_builder *b, const csv_record *r, descent_error *err)
{
    if (r->count != b->cols) {
        descent_fail(&b->deferred, DESCENT_ERR_PARSE, "line %zu: %d field%s, expected %d as in the header", r->line,
                     r->count, r->count == 1 ? "" : "s", b->cols);
        b->skip = 1;
        return DESCENT_OK;
    }
    if (grow_rows(b, err) != DESCENT_OK) return DESCENT_ERR_MEMORY;
    float *row = b->x + (size_t)b->n * (size_t)b->features;
    for (int c = 0; c < b->cols; c++) {
        const csv_field *f = &r->fields[c];
        double v = 0;
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
            if (b->known) {
                match_known(b, f, c, why == CSV_NUM_OK, v);
                continue;
            }
            b->numeric[b->n] = why == CSV_NUM_OK;
            b->value[b->n] = v;
            if (why != CSV_NUM_OK) b->any_text = 1;
            else if (v != floor(v)) b->all_integer = 0;
            if (why == CSV_NUM_OK && fabs(v) > FLT_MAX && b->range_error.code == DESCENT_OK)
                number_fail(b, f, c, CSV_NUM_RANGE, "", &b->range_error);
            if (b->interning) {
                int id = csv_intern(&b->text, f->text, csv_name_length(f->text, f->len), err);
                if (id < 0) return DESCENT_ERR_MEMORY;
                b->id[b->n] = id;
            }
            continue;
        }
        int why = csv_parse_float(f->text, f->len, &v);
        if (why != CSV_NUM_OK) {
            number_fail(b, f, c, why, "", &b->deferred);
            b->skip = 1;
            return DESCENT_OK;
        }
        *row++ = (float)v;
    }
    b->n++;
    return DESCENT_OK;
}

descent_status csv_builder_add(csv_builder *b, const csv_record *r, descent_error *err)
{
    if (b->records++ == 0) return take_header(b, r, err);
    /* Past INT_MAX rows csv_builder_finish refuses the file; until then, count. */
    if (b->skip || b->n == 0x7FFFFFFF) return DESCENT_OK;
    return take_row(b, r, err);
}

/* ---------------------------------------------------------------- finish */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct named {
    const char *name;
    int id;
} named;

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Sorts and deduplicates in place; returns the distinct count. */
static size_t unique_doubles(double *v, size_t n)
{
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[k - 1]) v[k++] = v[i];
    return k;
}

/* An array that grew past n elements, trimmed (kept as it is if realloc fails). */
static void *trim(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size > 0 ? n * size : 1);
    return q ? q : p;
}

/* Labels to y: the label itself for two classes, one-hot for more. */
static void encode_labels(descent_dataset *ds)
{
    for (int r = 0; r < ds->n; r++) {
        if (ds->classes == 2)
            ds->y[r] = (float)ds->labels[r];
        else
            ds->y[(size_t)r * (size_t)ds->classes + (size_t)ds->labels[r]] = 1.0f;
    }
}

/* Classes and labels from the rows' targets; 0 with err filled when they do not make a classification. */
static int set_classes(csv_builder *b, descent_dataset *ds, size_t k, const double *distinct, const named *names,
                       descent_error *err)
{
    char shown[64];
    const char *tname = descent_show(shown, sizeof shown, ds->target_name, strlen(ds->target_name));
    int n = b->n;
    if (k > MAX_CLASSES) {
        descent_fail(err, DESCENT_ERR_PARSE, "target '%s' has %zu distinct values: at most %d classes are supported",
                     tname, k, MAX_CLASSES);
        return 0;
    }
    if (k < 2) {
        char only[48];
        if (names) descent_show(only, sizeof only, names[0].name, strlen(names[0].name));
        else snprintf(only, sizeof only, "%g", distinct[0]);
        descent_fail(err, DESCENT_ERR_PARSE, "target '%s' has only one class ('%s')", tname, only);
        return 0;
    }
    int classes = (int)k;
    ds->classes = classes;
    ds->outputs = classes == 2 ? 1 : classes;
    if (!(ds->class_names = descent_zalloc((uint64_t)classes, sizeof(char *), "the class names", err))) return 0;
    for (int c = 0; c < classes; c++) {
        char num[40];
        const char *name = num;
        if (names) {
            name = names[c].name;
        } else {
            snprintf(num, sizeof num, "%g", distinct[c]);
            /* Distinct values can print alike at 6 digits; keep names distinct. */
            if (c > 0 && strcmp(num, ds->class_names[c - 1]) == 0) snprintf(num, sizeof num, "%.17g", distinct[c]);
        }
        if (!(ds->class_names[c] = descent_strdup(name))) {
            descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for the class names");
            return 0;
        }
    }
    ds->labels = descent_alloc((uint64_t)n, sizeof(int), "the CSV labels", err);
    ds->y = descent_zalloc((uint64_t)n, (uint64_t)ds->outputs * sizeof(float), "the CSV targets", err);
    if (!ds->labels || !ds->y) return 0;
    int *rank = NULL;
    if (names) {
        if (!(rank = descent_alloc(k, sizeof *rank, "the CSV labels", err))) return 0;
        for (size_t c = 0; c < k; c++) rank[names[c].id] = (int)c;
    }
    for (int r = 0; r < n; r++) {
        if (rank) {
            ds->labels[r] = rank[b->id[r]];
        } else {
            const double *hit = bsearch(&b->value[r], distinct, k, sizeof *distinct, cmp_double);
            ds->labels[r] = (int)(hit - distinct);
        }
    }
    free(rank);
    encode_labels(ds);
    return 1;
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
    ds->classes = classes;
    ds->outputs = classes == 2 ? 1 : classes;
    if (!(ds->class_names = descent_zalloc((uint64_t)classes, sizeof(char *), "the class names", err))) return 0;
    for (int c = 0; c < classes; c++) {
        if (!b->opt.class_names[c]) {
            descent_fail(err, DESCENT_ERR_ARGUMENT, "class_names[%d] is NULL", c);
            return 0;
        }
        if (!(ds->class_names[c] = descent_strdup(b->opt.class_names[c]))) {
            descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for the class names");
            return 0;
        }
    }
    if (b->class_error.code != DESCENT_OK) {
        *err = b->class_error;
        return 0;
    }
    ds->labels = trim(b->label, (size_t)b->n, sizeof *b->label);
    b->label = NULL;
    if (!(ds->y = descent_zalloc((uint64_t)b->n, (uint64_t)ds->outputs * sizeof(float), "the CSV targets", err)))
        return 0;
    encode_labels(ds);
    return 1;
}

/* The target column: known classes, text or few integers (classes), or numbers. */
static int set_target(csv_builder *b, descent_dataset *ds, descent_error *err)
{
    if (b->opt.class_names && b->opt.n_classes) return set_known_classes(b, ds, err);
    int n = b->n, ok = 0;
    if (b->opt.task == DESCENT_TASK_REGRESSION ||
        (b->opt.task == DESCENT_TASK_AUTO && !b->any_text && !b->all_integer)) {
        if (b->range_error.code != DESCENT_OK) {
            *err = b->range_error;
            return 0;
        }
        ds->outputs = 1;
        if (!(ds->y = descent_alloc((uint64_t)n, sizeof(float), "the CSV targets", err))) return 0;
        for (int r = 0; r < n; r++) ds->y[r] = (float)b->value[r];
        return 1;
    }
    if (b->any_text) {
        size_t k = b->text.count;
        named *names = descent_alloc(k, sizeof *names, "the class names", err);
        if (!names) return 0;
        for (size_t c = 0; c < k; c++) {
            names[c].name = csv_string(&b->text, c);
            names[c].id = (int)c;
        }
        qsort(names, k, sizeof *names, cmp_named);
        ok = set_classes(b, ds, k, NULL, names, err);
        free(names);
        return ok;
    }
    double *distinct = descent_alloc((uint64_t)n, sizeof *distinct, "the target's distinct values", err);
    if (!distinct) return 0;
    memcpy(distinct, b->value, (size_t)n * sizeof *distinct);
    size_t k = unique_doubles(distinct, (size_t)n);
    if (b->opt.task == DESCENT_TASK_CLASSIFICATION || k <= AUTO_MAX_CLASSES) {
        ok = set_classes(b, ds, k, distinct, NULL, err);
    } else {
        /* AUTO with more than 20 integers: numbers after all. */
        ok = 1;
        if (b->range_error.code != DESCENT_OK) {
            *err = b->range_error;
            ok = 0;
        } else if ((ds->y = descent_alloc((uint64_t)n, sizeof(float), "the CSV targets", err))) {
            ds->outputs = 1;
            for (int r = 0; r < n; r++) ds->y[r] = (float)b->value[r];
        } else {
            ok = 0;
        }
    }
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
    if (b->records - 1 > 0x7FFFFFFF) {
        descent_fail(err, DESCENT_ERR_PARSE, "%zu data rows: at most 2147483647 are supported", b->records - 1);
        goto fail;
    }
    if (b->deferred.code != DESCENT_OK) {
        if (err) *err = b->deferred;
        goto fail;
    }
    if (!(ds = descent_zalloc(1, sizeof *ds, "a dataset", err))) goto fail;
    ds->n = b->n;
    ds->features = b->features;
    ds->x = trim(b->x, (size_t)b->n * (size_t)b->features, sizeof(float));
    b->x = NULL;
    if (!(ds->feature_names = descent_zalloc((uint64_t)b->features, sizeof(char *), "the feature names", err)))
        goto fail;
    for (int c = 0, j = 0; c < b->cols; c++) {
        if (c == b->target) continue;
        if (!(ds->feature_names[j++] = descent_strdup(b->head[c]))) goto oom;
    }
    if (b->target >= 0) {
        if (!(ds->target_name = descent_strdup(b->head[b->target]))) goto oom;
        descent_error local;
        if (!set_target(b, ds, &local)) {
            if (err) *err = local;
            goto fail;
        }
    }
    csv_builder_free(b);
    return ds;
oom:
    descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for the column names");
fail:
    descent_dataset_free(ds);
    csv_builder_free(b);
    return NULL;
}
