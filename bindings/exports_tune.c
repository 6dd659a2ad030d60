/* exports_tune.c - the C ABI of hyper-parameter search (core/tune_*.c),
 * in the tune builds only (descent-tune.wasm): searches, cross-validation
 * and refits, with progress through a JS callback. */
#include "exports.h"

#include <stdlib.h>
#include <string.h>

#ifdef DESCENT_WITH_TUNE
/* ----------------------------------------------------------------- tuning */

/* The layouts are fields.h's: CONFIG, RESULT, AXIS, LAYERS, SEARCH, CV, REFIT, CURVES. */

static descent_tune_config unpack_config(const double *f)
{
    descent_tune_config c;
    memset(&c, 0, sizeof c);
    c.learning_rate = f[DJ_CONFIG_learning_rate];
    c.batch_size = (int)f[DJ_CONFIG_batch_size];
    c.optimizer = (descent_optimizer_kind)(int)f[DJ_CONFIG_optimizer];
    c.activation = (descent_activation)(int)f[DJ_CONFIG_activation];
    c.l2 = f[DJ_CONFIG_l2];
    c.epochs = (int)f[DJ_CONFIG_epochs];
    c.layers.count = (int)f[DJ_CONFIG_layer_count];
    for (int i = 0; i < DESCENT_TUNE_MAX_LAYERS; i++) c.layers.units[i] = (int)f[DJ_CONFIG_units + i];
    return c;
}

static void pack_config(const descent_tune_config *c, double *f)
{
    f[DJ_CONFIG_learning_rate] = c->learning_rate;
    f[DJ_CONFIG_batch_size] = c->batch_size;
    f[DJ_CONFIG_optimizer] = c->optimizer;
    f[DJ_CONFIG_activation] = c->activation;
    f[DJ_CONFIG_l2] = c->l2;
    f[DJ_CONFIG_epochs] = c->epochs;
    f[DJ_CONFIG_layer_count] = c->layers.count;
    for (int i = 0; i < DESCENT_TUNE_MAX_LAYERS; i++) f[DJ_CONFIG_units + i] = c->layers.units[i];
}

static void pack_result(const descent_tune_result *r, double *f)
{
    f[DJ_RESULT_index] = r->index;
    f[DJ_RESULT_evaluated] = r->evaluated;
    f[DJ_RESULT_folds] = r->folds;
    f[DJ_RESULT_mean] = r->mean;
    f[DJ_RESULT_std] = r->std;
    f[DJ_RESULT_diverged] = r->diverged;
    f[DJ_RESULT_time_ms] = r->time_ms;
    for (int k = 0; k < DESCENT_TUNE_MAX_FOLDS; k++) f[DJ_RESULT_scores + k] = r->scores[k];
    pack_config(&r->config, f + DJ_RESULT_config);
}

/* The ES module installs Module.descentOnTune while a search runs: (event, index, fold, folds, epoch, epochs,
 * loss, score, done, total, result pointer); a true return cancels. Batch events stay in C, where they cost
 * nothing: a cancel asked for at an epoch still takes effect before the next batch. */
EM_JS(int, js_on_tune, (int event, int index, int fold, int folds, int epoch, int epochs, double loss, double score,
                        int done, int total, const double *result), {
    return Module.descentOnTune ? (Module.descentOnTune(event, index, fold, folds, epoch, epochs, loss, score, done,
                                                         total, result) ? 1 : 0) : 0;
});

static double progress_result[DJ_RESULT_COUNT];

static int on_tune(const descent_tune_progress *p, void *user)
{
    (void)user;
    if (p->event == DESCENT_TUNE_BATCH) return 0;
    const double *result = NULL;
    if (p->result) {
        pack_result(p->result, progress_result);
        result = progress_result;
    }
    return js_on_tune(p->event, p->index, p->fold, p->folds, p->epoch, p->epochs, p->loss, p->score, p->done,
                      p->total, result);
}

/* Per axis, AXIS doubles (fields.h); its values start at offset in values, or for layers in layers, runs
 * of LAYERS doubles. o: SEARCH doubles. */
API descent_search *dj_search_create(const descent_dataset *ds, int n_axes, const double *axes, const double *values,
                                     const double *layers, const double *base, const double *o)
{
    descent_search_spec spec = descent_search_defaults();
    descent_tune_axis a[DESCENT_TUNE_PARAMS];
    descent_tune_layers *l = NULL;
    if (n_axes < 0 || n_axes > DESCENT_TUNE_PARAMS) {
        spec.n_axes = n_axes;
        return descent_search_create(ds, &spec, &dj_last_error);
    }
    /* A count out of range goes to the core as -1, which names it; it is
     * never converted to size_t (a huge double would not fit). */
    int counts[DESCENT_TUNE_PARAMS];
    size_t n_layers = 0;
    for (int i = 0; i < n_axes; i++) {
        double c = axes[i * DJ_AXIS_COUNT + DJ_AXIS_count];
        counts[i] = c >= 0 && c <= DESCENT_TUNE_MAX_CONFIGS && c == (int)c ? (int)c : -1;
        if ((int)axes[i * DJ_AXIS_COUNT + DJ_AXIS_param] == DESCENT_TUNE_LAYERS && counts[i] > 0) n_layers += (size_t)counts[i];
    }
    if (!dj_check_float("test_fraction", o[DJ_SEARCH_test_fraction], DESCENT_RANGE_UNIT_OPEN)) return NULL;
    l = calloc(n_layers ? n_layers : 1, sizeof *l);
    if (!l) return dj_out_of_memory("the search's layer lists");
    size_t used = 0;
    for (int i = 0; i < n_axes; i++) {
        const double *f = axes + i * DJ_AXIS_COUNT;
        a[i].param = (descent_tune_param)(int)f[DJ_AXIS_param];
        a[i].count = counts[i];
        a[i].lo = f[DJ_AXIS_lo];
        a[i].hi = f[DJ_AXIS_hi];
        a[i].values = values + (size_t)f[DJ_AXIS_offset];
        a[i].layers = NULL;
        if (a[i].param == DESCENT_TUNE_LAYERS && a[i].count > 0) {
            const double *run = layers + (size_t)f[DJ_AXIS_offset];
            for (int k = 0; k < a[i].count; k++, run += DJ_LAYERS_COUNT) {
                l[used + k].count = (int)run[DJ_LAYERS_count];
                for (int u = 0; u < DESCENT_TUNE_MAX_LAYERS; u++) l[used + k].units[u] = (int)run[DJ_LAYERS_units + u];
            }
            a[i].layers = l + used;
            a[i].values = NULL;
            used += (size_t)a[i].count;
        }
    }
    spec.mode = (descent_search_mode)(int)o[DJ_SEARCH_mode];
    spec.draws = (int)o[DJ_SEARCH_draws];
    spec.folds = (int)o[DJ_SEARCH_folds];
    spec.metric = (descent_tune_metric)(int)o[DJ_SEARCH_metric];
    spec.seed = (uint32_t)o[DJ_SEARCH_seed];
    spec.test_fraction = (float)o[DJ_SEARCH_test_fraction];
    spec.no_standardize = (int)o[DJ_SEARCH_no_standardize];
    spec.no_scale_target = (int)o[DJ_SEARCH_no_scale_target];
    spec.curves = (int)o[DJ_SEARCH_curves];
    spec.n_axes = n_axes;
    spec.axes = a;
    spec.base = unpack_config(base);
    spec.on_progress = on_tune;
    descent_search *s = descent_search_create(ds, &spec, &dj_last_error);
    free(l);
    return s;
}

API void dj_search_free(descent_search *s) { descent_search_free(s); }
API int dj_search_count(const descent_search *s) { return descent_search_count(s); }
API int dj_search_train_rows(const descent_search *s) { return descent_search_train_rows(s); }
API int dj_search_test_rows(const descent_search *s) { return descent_search_test_rows(s); }
API int dj_search_evaluate(descent_search *s, int index) { return descent_search_evaluate(s, index, &dj_last_error); }
API int dj_search_run(descent_search *s) { return descent_search_run(s, &dj_last_error); }
API int dj_search_rank(const descent_search *s, int *order) { return descent_search_rank(s, order); }
API int dj_search_best(const descent_search *s) { return descent_search_best(s); }
/* The metric a search ranks by when none is asked for, for a task (descent_tune_metric_default). */
API int dj_tune_metric_default(int task) { return (int)descent_tune_metric_default((descent_task)task); }

API int dj_search_config(const descent_search *s, int index, double *out)
{
    descent_tune_config c;
    int st = descent_search_config(s, index, &c, &dj_last_error);
    if (st == DESCENT_OK) pack_config(&c, out);
    return st;
}

/* 1 and out filled when index was evaluated, else 0. */
API int dj_search_result(const descent_search *s, int index, double *out)
{
    const descent_tune_result *r = descent_search_result(s, index);
    if (!r) return 0;
    pack_result(r, out);
    return 1;
}

/* out: train_loss pointer, val_loss pointer, epochs. */
API int dj_search_curves(const descent_search *s, int index, double *out)
{
    const float *tl, *vl;
    int epochs;
    int st = descent_search_curves(s, index, &tl, &vl, &epochs, &dj_last_error);
    if (st != DESCENT_OK) return st;
    out[DJ_CURVES_train_loss] = (double)(uintptr_t)tl;
    out[DJ_CURVES_val_loss] = (double)(uintptr_t)vl;
    out[DJ_CURVES_epochs] = epochs;
    return st;
}

/* out: index, train_rows, test_rows, score, loss, time_ms, then pack_metrics' 10. *model receives the model
 * when model is not NULL. */
API int dj_search_refit(descent_search *s, int index, double *out, descent_model **model)
{
    descent_tune_test t;
    int st = descent_search_refit(s, index, &t, model, &dj_last_error);
    if (st != DESCENT_OK) return st;
    out[DJ_REFIT_index] = t.index;
    out[DJ_REFIT_train_rows] = t.train_rows;
    out[DJ_REFIT_test_rows] = t.test_rows;
    out[DJ_REFIT_score] = t.score;
    out[DJ_REFIT_loss] = t.loss;
    out[DJ_REFIT_time_ms] = t.time_ms;
    dj_pack_metrics(&t.metrics, out + DJ_REFIT_metrics);
    return st;
}

/* options: CV doubles. The curves, when not NULL,
 * receive folds·epochs floats each. out: RESULT doubles. */
API int dj_cross_validate(const descent_dataset *ds, const double *config, const double *o, float *train_loss,
                          float *val_loss, double *out)
{
    descent_tune_config c = unpack_config(config);
    descent_cv_options cv = descent_cv_defaults();
    cv.folds = (int)o[DJ_CV_folds];
    cv.metric = (descent_tune_metric)(int)o[DJ_CV_metric];
    cv.seed = (uint32_t)o[DJ_CV_seed];
    cv.index = (int)o[DJ_CV_index];
    cv.no_standardize = (int)o[DJ_CV_no_standardize];
    cv.no_scale_target = (int)o[DJ_CV_no_scale_target];
    cv.train_loss = train_loss;
    cv.val_loss = val_loss;
    cv.on_progress = on_tune;
    descent_tune_result r;
    int st = descent_cross_validate(ds, &c, &cv, &r, &dj_last_error);
    if (st == DESCENT_OK) pack_result(&r, out);
    return st;
}
#endif /* DESCENT_WITH_TUNE */
