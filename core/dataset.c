/* dataset.c - data sets: creating, subsetting and freeing them. Reading
 * CSV is in csv.c, csv_dataset.c and csv_number.c; the generators in
 * generate.c; splits in split.c; scaling in scale.c. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

descent_dataset *descent_dataset_create(int n, int features, int outputs, int classes, descent_error *err)
{
    if (n < 0) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 0, got %d", n);
        return NULL;
    }
    if (features < 1) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "features must be >= 1, got %d", features);
        return NULL;
    }
    if (outputs < 0) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "outputs must be >= 0, got %d", outputs);
        return NULL;
    }
    if (classes < 0 || classes == 1) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "classes must be 0 (regression) or >= 2, got %d", classes);
        return NULL;
    }
    /* Sizes checked before anything is allocated, so a request too large
     * fails with its sizes whichever array it is. */
    char what_x[64], what_y[64];
    descent_format(what_x, sizeof what_x, "a dataset of %d rows x %d features", n, features);
    descent_format(what_y, sizeof what_y, "a dataset of %d rows x %d outputs", n, outputs);
    size_t bytes;
    if (descent_size(&bytes, (uint64_t)n, (uint64_t)features, sizeof(float), what_x, err) != DESCENT_OK ||
        descent_size(&bytes, (uint64_t)n, (uint64_t)outputs, sizeof(float), what_y, err) != DESCENT_OK)
        return NULL;
    descent_dataset *ds = descent_zalloc(1, sizeof *ds, "a dataset", err);
    if (!ds) return NULL;
    ds->n = n;
    ds->features = features;
    ds->outputs = outputs;
    ds->classes = classes;
    /* At least one element, so an empty dataset still has non-NULL arrays. */
    uint64_t rows = (uint64_t)n;
    if (!(ds->x = descent_zalloc(rows * (uint64_t)features + 1, sizeof(float), what_x, err)) ||
        (outputs > 0 && !(ds->y = descent_zalloc(rows * (uint64_t)outputs + 1, sizeof(float), what_y, err))) ||
        (classes >= 2 && !(ds->labels = descent_zalloc(rows + 1, sizeof(int), "a dataset's labels", err)))) {
        descent_dataset_free(ds);
        return NULL;
    }
    return ds;
}

void descent_dataset_free(descent_dataset *ds)
{
    if (!ds) return;
    if (ds->feature_names) {
        for (int j = 0; j < ds->features; j++) free(ds->feature_names[j]);
        free(ds->feature_names);
    }
    if (ds->class_names) {
        for (int c = 0; c < ds->classes; c++) free(ds->class_names[c]);
        free(ds->class_names);
    }
    free(ds->target_name);
    free(ds->x);
    free(ds->y);
    free(ds->labels);
    csv_kept_free(ds);
    free(ds);
}

/* Copies count strings (NULL entries stay NULL); NULL only when out of memory. */
static char **copy_names(char *const *names, int count)
{
    char **out = descent_zalloc((uint64_t)count + 1, sizeof *out, "names", NULL);
    if (!out) return NULL;
    for (int i = 0; i < count; i++) {
        if (names[i] && !(out[i] = descent_strdup(names[i]))) {
            for (int k = 0; k < i; k++) free(out[k]);
            free(out);
            return NULL;
        }
    }
    return out;
}

descent_dataset *descent_dataset_subset(const descent_dataset *ds, const int *idx, int m, descent_error *err)
{
    if (!ds) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "dataset is NULL");
        return NULL;
    }
    if (m < 0 || (m > 0 && !idx)) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "subset needs m >= 0 row indices, got m = %d%s", m,
                     idx ? "" : " and idx NULL");
        return NULL;
    }
    for (int i = 0; i < m; i++) {
        if (idx[i] < 0 || idx[i] >= ds->n) {
            descent_fail(err, DESCENT_ERR_ARGUMENT, "idx[%d] = %d is outside the dataset's rows [0, %d)", i, idx[i],
                         ds->n);
            return NULL;
        }
    }
    descent_dataset *out = descent_dataset_create(m, ds->features, ds->outputs, ds->classes, err);
    if (!out) return NULL;
    size_t f = (size_t)ds->features, o = (size_t)ds->outputs;
    for (int i = 0; i < m; i++) {
        size_t src = (size_t)idx[i];
        memcpy(out->x + (size_t)i * f, ds->x + src * f, f * sizeof(float));
        if (o && ds->y) memcpy(out->y + (size_t)i * o, ds->y + src * o, o * sizeof(float));
        if (out->labels && ds->labels) out->labels[i] = ds->labels[src];
    }
    if ((ds->feature_names && !(out->feature_names = copy_names(ds->feature_names, ds->features))) ||
        (ds->class_names && !(out->class_names = copy_names(ds->class_names, ds->classes))) ||
        (ds->target_name && !(out->target_name = descent_strdup(ds->target_name)))) {
        descent_dataset_free(out);
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory copying dataset names");
        return NULL;
    }
    if (csv_kept_subset(out, ds, idx, m, err) != DESCENT_OK) {
        descent_dataset_free(out);
        return NULL;
    }
    return out;
}
