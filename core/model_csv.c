/* model_csv.c - a saved model on the rows of a CSV, as `descent predict`,
 * `descent evaluate` and the JS API's predictCSV read them: the model's
 * features taken from the file's columns by name (by position when the
 * model has none), other columns skipped or kept aside as text, the
 * classes read as the model's (so a file may hold any of them, even one). */
#include "descent_data.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void descent_model_columns_free(descent_model_columns *cols)
{
    if (!cols) return;
    free(cols->features);
    free(cols->classes);
    free(cols->labels);
    memset(cols, 0, sizeof *cols);
}

descent_status descent_csv_options_for_model(const descent_model *m, int evaluate, descent_csv_options *csv,
                                             descent_model_columns *cols, descent_error *err)
{
    memset(cols, 0, sizeof *cols);
    if (!m || !csv) return descent_fail(err, DESCENT_ERR_ARGUMENT, "descent_csv_options_for_model: NULL argument");
    descent_head head;
    descent_status s = descent_head_of_model(m, &head, err);
    if (s != DESCENT_OK) return s;
    int inputs = descent_model_inputs(m), k = head.classes;
    size_t bytes;
    if (descent_model_feature_name(m, 0)) {
        if ((s = descent_size(&bytes, (uint64_t)inputs, sizeof(char *), 1, "the model's feature names", err))) return s;
        if (!(cols->features = malloc(bytes))) return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory");
        for (int i = 0; i < inputs; i++) cols->features[i] = descent_model_feature_name(m, i);
        csv->columns = cols->features;
        csv->n_columns = inputs;
    }
    int with_target = evaluate || !cols->features;
    if (evaluate) {
        if (!csv->target && csv->target_index < 0) csv->target = descent_model_target_name(m);
    } else if (!cols->features) {
        /* By position: a target column would be taken for a feature (or, as
         * text, fail to parse): read it as the target, when the file has it. */
        csv->target = descent_model_target_name(m);
        csv->target_optional = 1;
    }
    csv->no_target = !with_target || (!evaluate && !csv->target);
    if (csv->no_target) return DESCENT_OK;
    csv->task = head.task;
    if (k) {
        if ((s = descent_size(&bytes, (uint64_t)k, sizeof(char *), 1, "the model's class names", err))) return s;
        cols->classes = malloc(bytes);
        cols->labels = malloc(sizeof *cols->labels * (size_t)k);
        if (!cols->classes || !cols->labels) {
            descent_model_columns_free(cols);
            return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory");
        }
        for (int j = 0; j < k; j++)
            cols->classes[j] = descent_model_class_label(m, j, cols->labels[j], sizeof cols->labels[j]);
        csv->class_names = cols->classes;
        csv->n_classes = k;
    }
    return DESCENT_OK;
}

float *descent_dataset_model_inputs(const descent_model *m, const descent_dataset *ds, const char *source,
                                    descent_error *err)
{
    int inputs = descent_model_inputs(m);
    size_t bytes;
    if (descent_size(&bytes, (uint64_t)inputs, sizeof(int), 1, "the model's columns", err)) return NULL;
    int *col = malloc(bytes);
    if (!col) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory");
        return NULL;
    }
    if (descent_model_feature_name(m, 0)) {
        for (int i = 0; i < inputs; i++) {
            const char *want = descent_model_feature_name(m, i);
            col[i] = -1;
            for (int j = 0; j < ds->features && want; j++)
                if (ds->feature_names && ds->feature_names[j] && strcmp(ds->feature_names[j], want) == 0) col[i] = j;
            if (col[i] < 0) {
                free(col);
                descent_fail(err, DESCENT_ERR_ARGUMENT,
                             "%s has no column '%s', which the model takes as feature %d of %d", source,
                             want ? want : "?", i + 1, inputs);
                return NULL;
            }
        }
    } else {
        if (ds->features != inputs) {
            free(col);
            descent_fail(err, DESCENT_ERR_ARGUMENT,
                         "%s has %d feature columns but the model takes %d (and has no feature names to match by)",
                         source, ds->features, inputs);
            return NULL;
        }
        for (int i = 0; i < inputs; i++) col[i] = i;
    }
    float *x = NULL;
    if (descent_size(&bytes, (uint64_t)ds->n, (uint64_t)inputs, sizeof(float), "the model's inputs", err) ==
            DESCENT_OK &&
        !(x = malloc(bytes + 1)))
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for %d rows", ds->n);
    if (x)
        for (size_t r = 0; r < (size_t)ds->n; r++)
            for (int i = 0; i < inputs; i++) x[r * inputs + i] = ds->x[r * ds->features + col[i]];
    free(col);
    return x;
}
