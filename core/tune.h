/* tune.h - what the core's tuning files share (tune_config.c, tune_cv.c,
 * tune_search.c): a search's layout and the steps of a cross-validation.
 * Not part of the public API. */
#ifndef DESCENT_TUNE_PRIVATE_H
#define DESCENT_TUNE_PRIVATE_H

#include "internal.h"

struct descent_search {
    descent_search_spec spec;       /* axes point into the copies below */
    descent_tune_axis *axes;
    double *values;
    descent_tune_layers *layers;
    int count;
    descent_dataset *train, *test;
    int *fold;
    descent_tune_result *results;
    float **curves;                 /* per configuration: train then val, folds·epochs each; NULL until evaluated */
};

/* The fold number the refit's seeds use: past every real fold. */
#define REFIT_FOLD 0xFFFFFFFFu

/* A 32-bit seed from (seed, configuration, fold), unrelated for neighbours. */
uint32_t tune_derive_seed(uint32_t seed, uint32_t index, uint32_t fold);
/* Wall time in milliseconds (for the results' times only). */
double tune_now_ms(void);

/* tune_config.c: axis a of a search spec checked (values, ranges, layer
 * lists), and configuration index of a search (grid or random draw). */
descent_status tune_check_axis(const descent_search_spec *sp, int a, descent_error *err);
void tune_config_at(const descent_search *s, int index, descent_tune_config *c);

/* tune_cv.c: the data, metric and fold count a cross-validation can use. */
descent_status tune_check_data(const descent_dataset *d, descent_error *err);
descent_status tune_check_metric(const descent_dataset *d, descent_tune_metric m, descent_error *err);
descent_status tune_check_folds(int folds, int n, descent_error *err);

/* One configuration's cross-validation over a given fold assignment. */
typedef struct cv_setup {
    int folds;
    descent_tune_metric metric;
    uint32_t seed;
    int index;
    int no_standardize, no_scale_target;
    float *train_loss, *val_loss;
    descent_tune_callback cb;
    void *user;
    int done, total;
} cv_setup;
descent_status tune_cross_validate(const descent_dataset *d, const int *fold, const descent_tune_config *c,
                                   const cv_setup *o, descent_tune_result *out, descent_error *err);

/* The search's refit: config trained on all of train (seeds from seed,
 * index and REFIT_FOLD), scored on test (may be NULL) into *t, the model in *out. */
descent_status tune_refit(const descent_dataset *train, const descent_dataset *test, const descent_tune_config *c,
                          const descent_search_spec *spec, int index, descent_tune_test *t, descent_model **out,
                          descent_error *err);

#endif
