/* exports_data.c - the C ABI of data sets: CSV, generators, subsets,
 * standardization, splits and folds. */
#include "exports.h"

API descent_dataset *dj_csv_parse(const char *text, int length, const char *target, int target_index, int task,
                                  int delimiter, int no_target)
{
    descent_csv_options o = descent_csv_defaults();
    o.target = target;
    o.target_index = target_index;
    o.task = (descent_task)task;
    o.delimiter = (char)delimiter;
    o.no_target = no_target;
    return descent_csv_parse(text, (size_t)length, &o, &dj_last_error);
}

API descent_dataset *dj_generate(int kind, int n, double noise, uint32_t seed)
{
    if (!dj_check_float("noise", noise, DESCENT_RANGE_UNIT_CLOSED)) return NULL;
    return descent_dataset_generate((descent_generator)kind, n, (float)noise, seed, &dj_last_error);
}

API descent_dataset *dj_dataset_create(int n, int features, int outputs, int classes)
{
    return descent_dataset_create(n, features, outputs, classes, &dj_last_error);
}

API void dj_dataset_free(descent_dataset *ds) { descent_dataset_free(ds); }

/* out: DJ_DATASET_COUNT doubles (fields.h). */
API void dj_dataset_info(const descent_dataset *ds, double *out)
{
    out[DJ_DATASET_n] = ds->n;
    out[DJ_DATASET_features] = ds->features;
    out[DJ_DATASET_outputs] = ds->outputs;
    out[DJ_DATASET_classes] = ds->classes;
    out[DJ_DATASET_x] = (double)(uintptr_t)ds->x;
    out[DJ_DATASET_y] = (double)(uintptr_t)ds->y;
    out[DJ_DATASET_labels] = (double)(uintptr_t)ds->labels;
}

API const char *dj_dataset_feature_name(const descent_dataset *ds, int i)
{
    return ds->feature_names ? ds->feature_names[i] : NULL;
}
API const char *dj_dataset_target_name(const descent_dataset *ds) { return ds->target_name; }
API const char *dj_dataset_class_name(const descent_dataset *ds, int i)
{
    return ds->class_names ? ds->class_names[i] : NULL;
}

API int dj_standardize_fit(const float *x, int n, int columns, float *mean, float *std)
{
    return descent_standardize_fit(x, n, columns, mean, std, &dj_last_error);
}

API int dj_standardize_apply(float *x, int n, int columns, const float *mean, const float *std)
{
    return descent_standardize_apply(x, n, columns, mean, std, &dj_last_error);
}

API int dj_split(int n, const int *labels, int classes, double test_fraction, uint32_t seed, int *train, int *test,
                 int *counts)
{
    if (!dj_check_float("test_fraction", test_fraction, DESCENT_RANGE_UNIT_OPEN)) return dj_last_error.code;
    return descent_split(n, labels, classes, (float)test_fraction, seed, train, &counts[0], test, &counts[1],
                         &dj_last_error);
}

API int dj_kfold(int n, int k, const int *labels, int classes, uint32_t seed, int *fold)
{
    return descent_kfold(n, k, labels, classes, seed, fold, &dj_last_error);
}
