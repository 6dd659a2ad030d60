/* tune_search.c - a search: its configurations listed, evaluated one by one
 * or all (by cross-validation, tune_cv.c), ranked, and the best retrained on
 * every training row and scored on the held-out test rows. */
#include "tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void descent_search_free(descent_search *s)
{
    if (!s) return;
    if (s->curves)
        for (int i = 0; i < s->count; i++) free(s->curves[i]);
    free(s->curves);
    free(s->results);
    free(s->fold);
    descent_dataset_free(s->train);
    descent_dataset_free(s->test);
    free(s->axes);
    free(s->values);
    free(s->layers);
    free(s);
}

descent_search *descent_search_create(const descent_dataset *data, const descent_search_spec *sp,
                                      descent_error *err)
{
    descent_error local;
    if (!err) err = &local;
    if (!sp) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "spec must not be NULL (use descent_search_defaults())");
        return NULL;
    }
    if (tune_check_data(data, err) != DESCENT_OK) return NULL;
    if (sp->mode != DESCENT_SEARCH_GRID && sp->mode != DESCENT_SEARCH_RANDOM) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "mode must be grid (0) or random (1), got %d", (int)sp->mode);
        return NULL;
    }
    if (sp->n_axes < 0 || sp->n_axes > DESCENT_TUNE_PARAMS || (sp->n_axes > 0 && !sp->axes)) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n_axes must be in 0..%d with axes non-NULL, got %d",
                     DESCENT_TUNE_PARAMS, sp->n_axes);
        return NULL;
    }
    descent_tune_config base = sp->base;
    if (descent_tune_config_check(&base, err) != DESCENT_OK) {
        char msg[DESCENT_MESSAGE_MAX];
        descent_format(msg, sizeof msg, "%s", err->message);
        descent_fail(err, DESCENT_ERR_ARGUMENT, "base configuration: %s", msg);
        return NULL;
    }
    for (int a = 0; a < sp->n_axes; a++)
        if (tune_check_axis(sp, a, err) != DESCENT_OK) return NULL;
    if (tune_check_metric(data, sp->metric, err) != DESCENT_OK) return NULL;
    if (!(sp->test_fraction >= 0 && sp->test_fraction < 1)) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "test_fraction must be in [0, 1), got %g", (double)sp->test_fraction);
        return NULL;
    }
    long long count = 1;
    if (sp->mode == DESCENT_SEARCH_GRID) {
        for (int a = 0; a < sp->n_axes; a++) {
            count *= sp->axes[a].count;
            if (count > DESCENT_TUNE_MAX_CONFIGS) {
                descent_fail(err, DESCENT_ERR_ARGUMENT,
                             "the grid has more than %d configurations (axes 1..%d already multiply to %lld): use "
                             "fewer values or a random search",
                             DESCENT_TUNE_MAX_CONFIGS, a + 1, count);
                return NULL;
            }
        }
    } else {
        if (sp->draws < 1 || sp->draws > DESCENT_TUNE_MAX_CONFIGS) {
            descent_fail(err, DESCENT_ERR_ARGUMENT, "draws (random configurations) must be in 1..%d, got %d",
                         DESCENT_TUNE_MAX_CONFIGS, sp->draws);
            return NULL;
        }
        count = sp->draws;
    }

    descent_search *s = calloc(1, sizeof *s);
    if (!s) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for a search");
        return NULL;
    }
    s->spec = *sp;
    s->count = (int)count;
    /* Copies of the axes, so the caller's arrays need not outlive the search. */
    size_t n_values = 0, n_layers = 0;
    for (int a = 0; a < sp->n_axes; a++) {
        if (sp->axes[a].param == DESCENT_TUNE_LAYERS) n_layers += (size_t)sp->axes[a].count;
        else n_values += (size_t)sp->axes[a].count;
    }
    if (!(s->axes = descent_zalloc((uint64_t)sp->n_axes, sizeof *s->axes, "the search's axes", err)) ||
        !(s->values = descent_zalloc(n_values, sizeof *s->values, "the search's values", err)) ||
        !(s->layers = descent_zalloc(n_layers, sizeof *s->layers, "the search's layer lists", err)) ||
        !(s->results = descent_zalloc((uint64_t)count, sizeof *s->results, "the search's results", err)) ||
        (sp->curves && !(s->curves = descent_zalloc((uint64_t)count, sizeof *s->curves, "the search's curves", err))))
        goto fail;
    n_values = n_layers = 0;
    for (int a = 0; a < sp->n_axes; a++) {
        s->axes[a] = sp->axes[a];
        int c = sp->axes[a].count;
        if (sp->axes[a].param == DESCENT_TUNE_LAYERS) {
            if (c) memcpy(s->layers + n_layers, sp->axes[a].layers, sizeof *s->layers * (size_t)c);
            s->axes[a].layers = s->layers + n_layers;
            s->axes[a].values = NULL;
            n_layers += (size_t)c;
        } else {
            if (c) memcpy(s->values + n_values, sp->axes[a].values, sizeof *s->values * (size_t)c);
            s->axes[a].values = s->values + n_values;
            s->axes[a].layers = NULL;
            n_values += (size_t)c;
        }
    }
    s->spec.axes = s->axes;

    /* The test rows first (stratified), then the folds of what is left. */
    int classify = descent_dataset_task(data) == DESCENT_TASK_CLASSIFICATION;
    const int *labels = classify ? data->labels : NULL;
    int classes = classify ? data->classes : 0;
    if (sp->test_fraction > 0) {
        int *tr = descent_alloc((uint64_t)data->n, sizeof(int), "the training rows", err);
        int *te = tr ? descent_alloc((uint64_t)data->n, sizeof(int), "the test rows", err) : NULL;
        int n_tr = 0, n_te = 0;
        descent_status st = tr && te ? descent_split(data->n, labels, classes, sp->test_fraction, sp->seed, tr, &n_tr,
                                                     te, &n_te, err)
                                     : DESCENT_ERR_MEMORY;
        if (st == DESCENT_OK) {
            s->train = descent_dataset_subset(data, tr, n_tr, err);
            if (s->train) s->test = descent_dataset_subset(data, te, n_te, err);
        }
        free(tr);
        free(te);
        if (!s->train || !s->test) goto fail;
    } else {
        int *all = descent_alloc((uint64_t)data->n, sizeof(int), "the training rows", err);
        if (!all) goto fail;
        for (int i = 0; i < data->n; i++) all[i] = i;
        s->train = descent_dataset_subset(data, all, data->n, err);
        free(all);
        if (!s->train) goto fail;
    }
    if (tune_check_folds(sp->folds, s->train->n, err) != DESCENT_OK) goto fail;
    s->fold = descent_alloc((uint64_t)s->train->n, sizeof(int), "the folds", err);
    if (!s->fold) goto fail;
    if (descent_kfold(s->train->n, sp->folds, classify ? s->train->labels : NULL, classes, sp->seed, s->fold, err) !=
        DESCENT_OK)
        goto fail;
    return s;
fail:
    descent_search_free(s);
    return NULL;
}

void descent_search_set_callback(descent_search *s, descent_tune_callback cb, void *user)
{
    if (!s) return;
    s->spec.on_progress = cb;
    s->spec.user = user;
}

int descent_search_count(const descent_search *s) { return s ? s->count : 0; }
int descent_search_train_rows(const descent_search *s) { return s ? s->train->n : 0; }
int descent_search_test_rows(const descent_search *s) { return s && s->test ? s->test->n : 0; }
const descent_dataset *descent_search_train_data(const descent_search *s) { return s ? s->train : NULL; }
const descent_dataset *descent_search_test_data(const descent_search *s) { return s ? s->test : NULL; }
const int *descent_search_folds(const descent_search *s) { return s ? s->fold : NULL; }

static descent_status check_index(const descent_search *s, int index, descent_error *err)
{
    if (!s) return descent_fail(err, DESCENT_ERR_ARGUMENT, "search must not be NULL");
    if (index < 0 || index >= s->count)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "configuration index must be in 0..%d, got %d", s->count - 1,
                            index);
    return DESCENT_OK;
}

descent_status descent_search_config(const descent_search *s, int index, descent_tune_config *out, descent_error *err)
{
    descent_status st = check_index(s, index, err);
    if (st != DESCENT_OK) return st;
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    tune_config_at(s, index, out);
    return DESCENT_OK;
}

static descent_status evaluate(descent_search *s, int index, int done, int total, descent_error *err)
{
    descent_tune_config c;
    tune_config_at(s, index, &c);
    const descent_search_spec *sp = &s->spec;
    float *curves = NULL;
    size_t per = (size_t)sp->folds * (size_t)c.epochs; /* at most 20 x 10^6 */
    if (sp->curves && !(curves = descent_alloc(2 * (uint64_t)per, sizeof(float), "the curves", err)))
        return DESCENT_ERR_MEMORY;
    cv_setup cs = {sp->folds, sp->metric, sp->seed, index, sp->no_standardize, sp->no_scale_target,
                   curves, curves ? curves + per : NULL, sp->on_progress, sp->user, done, total};
    descent_tune_result r;
    memset(&r, 0, sizeof r);
    descent_status st = tune_cross_validate(s->train, s->fold, &c, &cs, &r, err);
    /* A cancel from the CONFIG event comes after the result is complete: keep it. */
    if (!r.evaluated) {
        free(curves);
        return st;
    }
    s->results[index] = r;
    if (s->curves) {
        free(s->curves[index]);
        s->curves[index] = curves;
    } else {
        free(curves);
    }
    return st;
}

descent_status descent_search_evaluate(descent_search *s, int index, descent_error *err)
{
    descent_status st = check_index(s, index, err);
    if (st != DESCENT_OK) return st;
    return evaluate(s, index, 0, 1, err);
}

descent_status descent_search_run(descent_search *s, descent_error *err)
{
    if (!s) return descent_fail(err, DESCENT_ERR_ARGUMENT, "search must not be NULL");
    int total = 0, done = 0;
    for (int i = 0; i < s->count; i++) total += !s->results[i].evaluated;
    for (int i = 0; i < s->count; i++) {
        if (s->results[i].evaluated) continue;
        descent_status st = evaluate(s, i, done, total, err);
        if (st != DESCENT_OK) return st;
        done++;
    }
    return DESCENT_OK;
}

const descent_tune_result *descent_search_result(const descent_search *s, int index)
{
    if (!s || index < 0 || index >= s->count || !s->results[index].evaluated) return NULL;
    return &s->results[index];
}

descent_status descent_search_curves(const descent_search *s, int index, const float **train_loss,
                                     const float **val_loss, int *epochs, descent_error *err)
{
    descent_status st = check_index(s, index, err);
    if (st != DESCENT_OK) return st;
    if (!s->curves) return descent_fail(err, DESCENT_ERR_ARGUMENT, "this search keeps no curves (set curves = 1)");
    if (!s->curves[index])
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "configuration %d has not been evaluated", index);
    size_t per = (size_t)s->spec.folds * (size_t)s->results[index].config.epochs;
    if (train_loss) *train_loss = s->curves[index];
    if (val_loss) *val_loss = s->curves[index] + per;
    if (epochs) *epochs = s->results[index].config.epochs;
    return DESCENT_OK;
}

/* The ranking key: the mean to 12 significant digits, so means that differ
 * only by rounding (the same accuracy reached through different folds) tie,
 * and ties go to the lower index. A key, not a tolerance, keeps the order
 * total; the JS pool ranks with the same rule. */
typedef struct rank_key {
    double key;
    int index, nan;
} rank_key;

static double rank_value(double mean)
{
    char buf[40];
    descent_format(buf, sizeof buf, "%.12g", mean);
    return strtod(buf, NULL);
}

static descent_tune_metric rank_metric;     /* qsort has no context argument; set just before sorting */

static int cmp_rank(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->nan != b->nan) return a->nan - b->nan;
    if (!a->nan && a->key != b->key) {
        int a_first = descent_tune_metric_higher_is_better(rank_metric) ? a->key > b->key : a->key < b->key;
        return a_first ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

int descent_search_rank(const descent_search *s, int *order)
{
    if (!s || !order) return 0;
    int n = 0;
    for (int i = 0; i < s->count; i++) n += s->results[i].evaluated;
    rank_key *k = descent_alloc((uint64_t)n, sizeof *k, "the ranking", NULL);
    if (!k) return 0;
    n = 0;
    for (int i = 0; i < s->count; i++) {
        if (!s->results[i].evaluated) continue;
        double m = s->results[i].mean;
        k[n].nan = isnan(m);
        k[n].key = k[n].nan ? 0 : rank_value(m);
        k[n].index = i;
        n++;
    }
    rank_metric = s->spec.metric;
    qsort(k, (size_t)n, sizeof *k, cmp_rank);
    for (int i = 0; i < n; i++) order[i] = k[i].index;
    free(k);
    return n;
}

int descent_search_best(const descent_search *s)
{
    if (!s) return -1;
    rank_key best = {0, -1, 1};
    rank_metric = s->spec.metric;
    for (int i = 0; i < s->count; i++) {
        if (!s->results[i].evaluated) continue;
        double m = s->results[i].mean;
        rank_key k = {isnan(m) ? 0 : rank_value(m), i, isnan(m)};
        if (best.index < 0 || cmp_rank(&k, &best) < 0) best = k;
    }
    return best.index;
}

descent_status descent_search_refit(descent_search *s, int index, descent_tune_test *out, descent_model **model,
                                    descent_error *err)
{
    descent_status st = check_index(s, index, err);
    if (st != DESCENT_OK) return st;
    if (model) *model = NULL;
    descent_tune_config c;
    tune_config_at(s, index, &c);
    descent_tune_test t;
    descent_model *m = NULL;
    st = tune_refit(s->train, s->test, &c, &s->spec, index, &t, &m, err);
    if (st != DESCENT_OK) return st;
    if (out) *out = t;
    if (model) *model = m;
    else descent_model_free(m);
    return DESCENT_OK;
}
