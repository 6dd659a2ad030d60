/* csv_columns.c - what each column of a CSV file is for: a feature (every
 * column but the target, or exactly the columns asked for by name, in their
 * order), skipped unread, or kept aside as text (an id to echo beside
 * predictions); and the kept cells, stored as one block of text. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/* A list of names from the options: a count in range and no NULL entry. */
static descent_status check_list(const char *field, const char *const *names, int n, descent_error *err)
{
    if (n < 0)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "n_%s is %d: it must be in 0..%d", field, n,
                            DESCENT_MAX_COLUMNS);
    if (n > 0 && !names) return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s is NULL but n_%s is %d", field, field, n);
    for (int i = 0; i < n; i++)
        if (!names[i]) return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s[%d] is NULL", field, i);
    return DESCENT_OK;
}

descent_status csv_columns_check(const descent_csv_options *o, descent_error *err)
{
    descent_status s = check_list("columns", o->columns, o->n_columns, err);
    return s != DESCENT_OK ? s : check_list("keep", o->keep, o->n_keep, err);
}

void csv_column_list(const char *head_text, const size_t *head, int cols, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; c < cols; c++) {
        char name[40];
        descent_show(name, sizeof name, head_text + head[2 * c], head[2 * c + 1]);
        size_t need = strlen(name) + 2;
        if (used + need + 24 >= size) {
            descent_format(out + used, size - used, "... (%d columns)", cols);
            return;
        }
        used += (size_t)descent_format(out + used, size - used, "%s%s", name, c + 1 < cols ? ", " : "");
    }
}

/* ------------------------------------------------------------- resolving */

/* The header's names sorted (by name, then column), so that each name
 * asked for is found by binary search: a header and a list of many
 * thousands of columns cost n log n, not n². */
typedef struct named {
    const char *name;
    int column;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->column > y->column) - (x->column < y->column);
}

/* The first column named name, or -1. */
static int find(const named *sorted, int count, const char *name)
{
    int lo = 0, hi = count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid].name, name) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < count && strcmp(sorted[lo].name, name) == 0 ? sorted[lo].column : -1;
}

typedef struct header {
    const char *text;
    const size_t *head;
    int cols;
    size_t line;
} header;

static void missing(const header *h, descent_error *problem, const char *name, const char *role)
{
    char shown[64], list[320];
    csv_column_list(h->text, h->head, h->cols, list, sizeof list);
    descent_fail(problem, DESCENT_ERR_PARSE, "line %zu: no column '%s' (%s): columns are %s", h->line,
                 descent_show(shown, sizeof shown, name, strlen(name)), role, list);
}

static void twice(const header *h, descent_error *problem, int column, const char *what)
{
    char shown[64];
    descent_fail(problem, DESCENT_ERR_PARSE, "line %zu, column %d ('%s'): %s", h->line, column + 1,
                 descent_show(shown, sizeof shown, h->text + h->head[2 * column], h->head[2 * column + 1]), what);
}

int csv_columns_resolve(csv_columns *c, const char *head_text, const size_t *head, int cols, int target,
                        size_t header_line, const descent_csv_options *o, descent_error *problem,
                        descent_error *err)
{
    header h = {head_text, head, cols, header_line};
    char role[64];
    c->cols = cols;
    c->feature = descent_alloc((uint64_t)cols, sizeof(int), CSV_DATA, err);
    c->kept = descent_alloc((uint64_t)cols, sizeof(int), CSV_DATA, err);
    if (!c->feature || !c->kept) return -1;
    for (int k = 0; k < cols; k++) c->feature[k] = c->kept[k] = -1;
    named *sorted = NULL;
    int count = 0;
    if (o->n_columns || o->n_keep) {
        if (!(sorted = descent_alloc((uint64_t)cols, sizeof *sorted, CSV_DATA, err))) return -1;
        for (int k = 0; k < cols; k++) {
            const char *name = head_text + head[2 * k];
            /* a name holding a NUL byte cannot be asked for */
            if (strlen(name) == head[2 * k + 1]) sorted[count++] = (named){name, k};
        }
        qsort(sorted, (size_t)count, sizeof *sorted, cmp_named);
    }
    int ok = 1;
    for (int i = 0; ok && i < o->n_columns; i++) {
        int k = find(sorted, count, o->columns[i]);
        descent_format(role, sizeof role, "feature %d of %d asked for", i + 1, o->n_columns);
        if (k >= 0 && k != target && c->feature[k] < 0) {
            c->feature[k] = i;
            continue;
        }
        ok = 0;
        if (k < 0) missing(&h, problem, o->columns[i], role);
        else if (k == target) twice(&h, problem, k, "is the target, so it cannot also be a feature");
        else twice(&h, problem, k, "is asked for twice as a feature");
    }
    for (int i = 0; ok && i < o->n_keep; i++) {
        int k = find(sorted, count, o->keep[i]);
        if (k >= 0 && c->kept[k] < 0) {
            c->kept[k] = i;
            continue;
        }
        ok = 0;
        if (k < 0) missing(&h, problem, o->keep[i], "to keep");
        else twice(&h, problem, k, "is asked for twice to keep");
    }
    free(sorted);
    if (!ok) return 0;
    c->n_kept = o->n_keep;
    c->features = o->n_columns;
    if (!o->n_columns)
        for (int k = 0; k < cols; k++)
            if (k != target && c->kept[k] < 0) c->feature[k] = c->features++;
    if (c->features < 1) {
        char shown[64], list[320];
        if (!o->n_keep) {
            descent_fail(problem, DESCENT_ERR_PARSE,
                         "the header has 1 column, the target '%s': a dataset needs at least one feature column "
                         "(is the delimiter '%c'?)",
                         descent_show(shown, sizeof shown, head_text, head[1]), o->delimiter);
        } else {
            csv_column_list(head_text, head, cols, list, sizeof list);
            descent_fail(problem, DESCENT_ERR_PARSE,
                         "line %zu: no feature column is left once the target and the columns kept are set aside: "
                         "columns are %s",
                         header_line, list);
        }
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ kept cells */

descent_status csv_columns_keep_row(csv_columns *c, const csv_field *fields, int row, descent_error *err)
{
    if (!c->n_kept) return DESCENT_OK;
    uint64_t need = ((uint64_t)row + 1) * (uint64_t)c->n_kept;
    size_t *at = descent_grow(c->at, &c->at_cap, need, sizeof *at, CSV_DATA, err);
    if (!at) return DESCENT_ERR_MEMORY;
    c->at = at;
    size_t *slots = at + (size_t)row * (size_t)c->n_kept;
    for (int k = 0; k < c->cols; k++) {
        if (c->kept[k] < 0) continue;
        const csv_field *f = &fields[k];
        size_t len = 0;
        while (len < f->len && f->text[len]) len++; /* as a C string: up to a NUL byte */
        char *text = descent_grow(c->text, &c->text_cap, (uint64_t)c->text_used + len + 1, 1, CSV_DATA, err);
        if (!text) return DESCENT_ERR_MEMORY;
        c->text = text;
        memcpy(text + c->text_used, f->text, len);
        text[c->text_used + len] = '\0';
        slots[c->kept[k]] = c->text_used;
        c->text_used += len + 1;
    }
    return DESCENT_OK;
}

descent_status csv_columns_finish(csv_columns *c, descent_dataset *ds, const char *head_text, const size_t *head,
                                  descent_error *err)
{
    if (!c->n_kept) return DESCENT_OK;
    if (!(ds->kept_names = descent_zalloc((uint64_t)c->n_kept, sizeof(char *), CSV_DATA, err)))
        return DESCENT_ERR_MEMORY;
    ds->n_kept = c->n_kept;
    for (int k = 0; k < c->cols; k++)
        if (c->kept[k] >= 0 && !(ds->kept_names[c->kept[k]] = descent_strdup(head_text + head[2 * k])))
            return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading CSV");
    ds->kept_text = c->text;
    ds->kept = c->at;
    c->text = NULL;
    c->at = NULL;
    return DESCENT_OK;
}

void csv_columns_free(csv_columns *c)
{
    free(c->feature);
    free(c->kept);
    free(c->text);
    free(c->at);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------- in the dataset */

const char *descent_dataset_kept(const descent_dataset *ds, int row, int k)
{
    if (!ds || !ds->kept || !ds->kept_text || row < 0 || row >= ds->n || k < 0 || k >= ds->n_kept) return NULL;
    return ds->kept_text + ds->kept[(size_t)row * (size_t)ds->n_kept + (size_t)k];
}

void csv_kept_free(descent_dataset *ds)
{
    if (ds->kept_names)
        for (int k = 0; k < ds->n_kept; k++) free(ds->kept_names[k]);
    free(ds->kept_names);
    free(ds->kept_text);
    free(ds->kept);
    ds->kept_names = NULL;
    ds->kept_text = NULL;
    ds->kept = NULL;
    ds->n_kept = 0;
}

descent_status csv_kept_subset(descent_dataset *out, const descent_dataset *ds, const int *idx, int m,
                               descent_error *err)
{
    if (!ds->n_kept || !ds->kept || !ds->kept_text) return DESCENT_OK;
    size_t bytes = 0, cells = (size_t)ds->n_kept;
    for (int i = 0; i < m; i++)
        for (size_t k = 0; k < cells; k++)
            if (descent_size_add(&bytes, strlen(descent_dataset_kept(ds, idx[i], (int)k)) + 1, "the kept cells",
                                 err) != DESCENT_OK)
                return DESCENT_ERR_MEMORY;
    out->n_kept = ds->n_kept;
    if (!(out->kept_names = descent_zalloc(cells, sizeof(char *), "the kept cells", err)) ||
        !(out->kept_text = descent_alloc(bytes, 1, "the kept cells", err)) ||
        !(out->kept = descent_alloc((uint64_t)m * cells, sizeof(size_t), "the kept cells", err))) {
        csv_kept_free(out);
        return DESCENT_ERR_MEMORY;
    }
    for (size_t k = 0; k < cells; k++) {
        if (!(out->kept_names[k] = descent_strdup(ds->kept_names[k]))) {
            csv_kept_free(out);
            return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory copying the kept cells");
        }
    }
    size_t used = 0;
    for (int i = 0; i < m; i++) {
        for (size_t k = 0; k < cells; k++) {
            const char *s = descent_dataset_kept(ds, idx[i], (int)k);
            size_t len = strlen(s) + 1;
            memcpy(out->kept_text + used, s, len);
            out->kept[(size_t)i * cells + k] = used;
            used += len;
        }
    }
    return DESCENT_OK;
}
