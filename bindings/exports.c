/* exports.c - the plain C ABI the ES module calls: flat arguments (numbers and
 * heap pointers) instead of structs, one error slot whose message the JS side
 * reads after any non-zero status, and JS callbacks for fit. */
#include "descent.h"
#include "internal.h" /* descent_format: messages without libc printf in the module */

#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API EMSCRIPTEN_KEEPALIVE

static descent_error last_error;

API const char *dj_error_message(void) { return last_error.message; }
API int dj_error_code(void) { return (int)last_error.code; }
API const char *dj_version(void) { return DESCENT_VERSION; }
API int dj_simd_available(void) { return descent_simd_available(); }

/* The core's limits, so the ES module checks against the same numbers: the
 * most bytes one allocation may hold (PTRDIFF_MAX, 2^31 - 1 here), units,
 * layers, parameters and optimizer steps. */
API void dj_limits(double *out)
{
    out[0] = (double)PTRDIFF_MAX;
    out[1] = DESCENT_MAX_UNITS;
    out[2] = DESCENT_MAX_LAYERS;
    out[3] = DESCENT_MAX_PARAMS;
    out[4] = (double)DESCENT_MAX_STEPS;
}

/* For the ABI's own small allocations, so the JS side never reads a stale message. */
static void *out_of_memory(const char *what)
{
    last_error.code = DESCENT_ERR_MEMORY;
    descent_format(last_error.message, sizeof last_error.message, "out of memory for %s", what);
    return NULL;
}

/* JS numbers arrive as doubles; a float field is checked as a float32
 * before it is narrowed, so 1e39 is refused by name rather than becoming
 * infinity (descent_check_float). */
static int check_float(const char *name, double v, descent_range range)
{
    return descent_check_float(name, v, range, &last_error) == DESCENT_OK;
}

/* ------------------------------------------------------------------ model */

/* Per layer, 8 doubles: units, activation, alpha, l1, l2, init, init_limit, no_bias. */
#define LAYER_FIELDS 8
/* The optimizer, 9 doubles: kind, learning_rate, momentum, rho, epsilon, beta1, beta2, initial_accumulator, centered. */
#define OPT_FIELDS 9

static descent_optimizer_spec unpack_optimizer(const double *o)
{
    descent_optimizer_spec s;
    memset(&s, 0, sizeof s);
    s.kind = (descent_optimizer_kind)(int)o[0];
    s.learning_rate = o[1];
    s.momentum = o[2];
    s.rho = o[3];
    s.epsilon = o[4];
    s.beta1 = o[5];
    s.beta2 = o[6];
    s.initial_accumulator = o[7];
    s.centered = (int)o[8];
    return s;
}

static void pack_optimizer(const descent_optimizer_spec *s, double *o)
{
    o[0] = (double)s->kind;
    o[1] = s->learning_rate;
    o[2] = s->momentum;
    o[3] = s->rho;
    o[4] = s->epsilon;
    o[5] = s->beta1;
    o[6] = s->beta2;
    o[7] = s->initial_accumulator;
    o[8] = s->centered;
}

API void dj_optimizer_defaults(int kind, double *out)
{
    descent_optimizer_spec s = descent_optimizer_defaults((descent_optimizer_kind)kind);
    pack_optimizer(&s, out);
}

API descent_model *dj_model_create(int inputs, int n_layers, const double *layers, int loss, const double *opt,
                                   uint32_t seed)
{
    if (n_layers < 1 || n_layers > DESCENT_MAX_LAYERS) {
        descent_model_spec none = {inputs, n_layers, NULL, DESCENT_LOSS_MSE, descent_optimizer_defaults(0), 0};
        return descent_model_create(&none, &last_error);
    }
    descent_layer_spec *specs = calloc((size_t)n_layers, sizeof *specs);
    if (!specs) return out_of_memory("the layer specs");
    for (int l = 0; l < n_layers; l++) {
        const double *f = layers + (size_t)l * LAYER_FIELDS;
        static const char *const fields[] = {"alpha", "l1", "l2", "init_limit"};
        static const int at[] = {2, 3, 4, 6};
        for (int k = 0; k < 4; k++) {
            char name[40];
            descent_format(name, sizeof name, "layers[%d].%s", l, fields[k]);
            /* init_limit matters (and is checked) only for the uniform initializer */
            if (k == 3 && (int)f[5] != DESCENT_INIT_UNIFORM) continue;
            if (!check_float(name, f[at[k]], k == 3 ? DESCENT_RANGE_POSITIVE : DESCENT_RANGE_NON_NEGATIVE)) {
                free(specs);
                return NULL;
            }
        }
        specs[l].units = (int)f[0];
        specs[l].activation = (descent_activation)(int)f[1];
        specs[l].alpha = (float)f[2];
        specs[l].l1 = (float)f[3];
        specs[l].l2 = (float)f[4];
        specs[l].init = (descent_init)(int)f[5];
        specs[l].init_limit = (float)f[6];
        specs[l].no_bias = (int)f[7];
    }
    descent_model_spec spec = {inputs, n_layers, specs, (descent_loss)loss, unpack_optimizer(opt), seed};
    descent_model *m = descent_model_create(&spec, &last_error);
    free(specs);
    return m;
}

API void dj_model_free(descent_model *m) { descent_model_free(m); }
API descent_model *dj_model_clone(descent_model *m) { return descent_model_clone(m, &last_error); }
API int dj_model_inputs(descent_model *m) { return descent_model_inputs(m); }
API int dj_model_outputs(descent_model *m) { return descent_model_outputs(m); }
API int dj_model_layer_count(descent_model *m) { return descent_model_layer_count(m); }
API int dj_model_loss(descent_model *m) { return (int)descent_model_loss(m); }
API uint32_t dj_model_seed(descent_model *m) { return descent_model_seed(m); }
API int dj_model_param_count(descent_model *m) { return descent_model_param_count(m); }
API double dj_model_step_count(descent_model *m) { return (double)descent_model_step_count(m); }
API float *dj_model_params(descent_model *m) { return descent_model_params(m); }

API void dj_model_layer(descent_model *m, int l, double *out)
{
    descent_layer_spec s = descent_model_layer(m, l);
    out[0] = s.units;
    out[1] = s.activation;
    out[2] = s.alpha;
    out[3] = s.l1;
    out[4] = s.l2;
    out[5] = s.init;
    out[6] = s.init_limit;
    out[7] = s.no_bias;
}

API int dj_model_get_weights(descent_model *m, int l, float *kernel, float *bias)
{
    return descent_model_get_weights(m, l, kernel, bias, &last_error);
}

API int dj_model_set_weights(descent_model *m, int l, const float *kernel, const float *bias)
{
    return descent_model_set_weights(m, l, kernel, bias, &last_error);
}

API int dj_model_train_step(descent_model *m, const float *x, const float *y, int n, float *loss)
{
    return descent_model_train_step(m, x, y, n, loss, &last_error);
}

API int dj_model_predict(descent_model *m, const float *x, int n, float *out)
{
    return descent_model_predict(m, x, n, out, &last_error);
}

API int dj_model_evaluate(descent_model *m, const float *x, const float *y, int n, float *loss)
{
    return descent_model_evaluate(m, x, y, n, loss, &last_error);
}

API int dj_model_set_learning_rate(descent_model *m, double lr)
{
    return descent_model_set_learning_rate(m, lr, &last_error);
}

API void dj_model_get_optimizer(descent_model *m, double *out)
{
    descent_optimizer_spec s = descent_model_optimizer(m);
    pack_optimizer(&s, out);
}

API int dj_model_set_optimizer(descent_model *m, const double *opt)
{
    descent_optimizer_spec s = unpack_optimizer(opt);
    return descent_model_set_optimizer(m, &s, &last_error);
}

API void dj_model_reset_optimizer(descent_model *m) { descent_model_reset_optimizer(m); }

API int dj_model_set_regularization(descent_model *m, int l, double l1, double l2)
{
    if (!check_float("l1", l1, DESCENT_RANGE_NON_NEGATIVE) || !check_float("l2", l2, DESCENT_RANGE_NON_NEGATIVE))
        return last_error.code;
    return descent_model_set_regularization(m, l, (float)l1, (float)l2, &last_error);
}

API int dj_model_reinit(descent_model *m, uint32_t seed) { return descent_model_reinit(m, seed, &last_error); }

API int dj_model_set_kernels(descent_model *m, int which)
{
    return descent_model_set_kernels(m, (descent_kernels)which, &last_error);
}

API int dj_model_set_input_scaler(descent_model *m, const float *mean, const float *std)
{
    return descent_model_set_input_scaler(m, mean, std, &last_error);
}

API int dj_model_set_target_scaler(descent_model *m, const float *mean, const float *std)
{
    return descent_model_set_target_scaler(m, mean, std, &last_error);
}

API const float *dj_model_input_mean(descent_model *m) { return descent_model_input_mean(m); }
API const float *dj_model_input_std(descent_model *m) { return descent_model_input_std(m); }
API const float *dj_model_target_mean(descent_model *m) { return descent_model_target_mean(m); }
API const float *dj_model_target_std(descent_model *m) { return descent_model_target_std(m); }

/* names: n_features (0 or inputs) strings, then the target if has_target,
 * then n_classes strings, each NUL-terminated, one after another. */
API int dj_model_set_names(descent_model *m, const char *buf, int n_features, int has_target, int n_classes)
{
    int total = n_features + has_target + n_classes;
    const char **v = calloc((size_t)(total ? total : 1), sizeof *v);
    if (!v) {
        out_of_memory("the names");
        return DESCENT_ERR_MEMORY;
    }
    const char *p = buf;
    for (int i = 0; i < total; i++) {
        v[i] = p;
        p += strlen(p) + 1;
    }
    int s = descent_model_set_names(m, n_features ? v : NULL, has_target ? v[n_features] : NULL, n_classes,
                                    n_classes ? v + n_features + has_target : NULL, &last_error);
    free(v);
    return s;
}

API const char *dj_model_feature_name(descent_model *m, int i) { return descent_model_feature_name(m, i); }
API const char *dj_model_target_name(descent_model *m) { return descent_model_target_name(m); }
API int dj_model_class_count(descent_model *m) { return descent_model_class_count(m); }
API const char *dj_model_class_name(descent_model *m, int i) { return descent_model_class_name(m, i); }

/* Returns the bytes (free with dj_free) and writes their length to *length. */
API unsigned char *dj_model_save(descent_model *m, int with_optimizer, double *length)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (descent_model_save(m, with_optimizer, &bytes, &len, &last_error) != DESCENT_OK) return NULL;
    *length = (double)len;
    return bytes;
}

API descent_model *dj_model_load(const unsigned char *bytes, int length)
{
    return descent_model_load(bytes, (size_t)length, &last_error);
}

API void dj_free(void *p) { free(p); }

/* -------------------------------------------------------------------- fit */

/* The ES module installs Module.descentOnEpoch / descentOnBatch for the
 * duration of a fit; a nonzero return stops training. */
EM_JS(int, js_on_epoch, (int epoch, double loss, double val_loss, double acc, double val_acc), {
    return Module.descentOnEpoch ? (Module.descentOnEpoch(epoch, loss, val_loss, acc, val_acc) ? 1 : 0) : 0;
});

EM_JS(int, js_on_batch, (int epoch, int batch, double loss), {
    return Module.descentOnBatch ? (Module.descentOnBatch(epoch, batch, loss) ? 1 : 0) : 0;
});

static int on_epoch(const descent_history *h, void *user)
{
    (void)user;
    int e = h->epochs - 1;
    return js_on_epoch(e, h->loss[e], h->val_loss[e], h->metric[e], h->val_metric[e]);
}

static int on_batch(int epoch, int batch, float loss, void *user)
{
    (void)user;
    return js_on_batch(epoch, batch, loss);
}

static descent_history history;

/* options, 9 doubles: epochs, batch_size, no_shuffle, shuffle_seed, validation_split, patience, min_delta,
 * restore_best, callbacks (bit 0 epoch, bit 1 batch). 0 with last_error set when a float option is not a
 * float32 in its range. */
static int fit_floats_ok(const double *o)
{
    return check_float("validation_split", o[4], DESCENT_RANGE_UNIT_OPEN) &&
           check_float("min_delta", o[6], DESCENT_RANGE_NON_NEGATIVE);
}

static descent_fit_options unpack_fit(const double *o, const float *val_x, const float *val_y, int val_n)
{
    descent_fit_options f = descent_fit_defaults();
    f.epochs = (int)o[0];
    f.batch_size = (int)o[1];
    f.no_shuffle = (int)o[2];
    f.shuffle_seed = (uint32_t)o[3];
    f.validation_split = (float)o[4];
    f.patience = (int)o[5];
    f.min_delta = (float)o[6];
    f.restore_best = (int)o[7];
    int callbacks = (int)o[8];
    if (callbacks & 1) f.on_epoch = on_epoch;
    if (callbacks & 2) f.on_batch = on_batch;
    f.val_x = val_x;
    f.val_y = val_y;
    f.val_n = val_n;
    return f;
}

/* The history stays until the next fit. */
API int dj_model_fit(descent_model *m, const float *x, const float *y, int n, const double *o, const float *val_x,
                     const float *val_y, int val_n)
{
    descent_history_free(&history);
    if (!fit_floats_ok(o)) return last_error.code;
    descent_fit_options f = unpack_fit(o, val_x, val_y, val_n);
    return descent_model_fit(m, x, y, n, &f, &history, &last_error);
}

API descent_trainer *dj_trainer_create(descent_model *m, const float *x, const float *y, int n, const double *o,
                                       const float *val_x, const float *val_y, int val_n)
{
    if (!fit_floats_ok(o)) return NULL;
    descent_fit_options f = unpack_fit(o, val_x, val_y, val_n);
    return descent_trainer_create(m, x, y, n, &f, &last_error);
}

API int dj_trainer_run(descent_trainer *t, double max_batches)
{
    /* the ES module passes an integer up to 2^53, which int64_t holds on wasm32 too */
    return descent_trainer_run(t, max_batches < 0 ? -1 : (int64_t)max_batches, &last_error);
}

API void dj_trainer_stop(descent_trainer *t) { descent_trainer_stop(t); }
API void dj_trainer_free(descent_trainer *t) { descent_trainer_free(t); }

/* out: epoch, batch, batches_per_epoch, steps, done, stopped_early, best_epoch, and after
 * DESCENT_ERR_NONFINITE diverged_epoch, diverged_batch, restored_epochs (else -1) */
API void dj_trainer_info(const descent_trainer *t, double *out)
{
    int epoch, batch, per;
    descent_trainer_position(t, &epoch, &batch, &per);
    const descent_history *h = descent_trainer_history(t);
    out[0] = epoch;
    out[1] = batch;
    out[2] = per;
    out[3] = (double)h->steps;
    out[4] = descent_trainer_done(t);
    out[5] = h->stopped_early;
    out[6] = h->best_epoch;
    out[7] = h->diverged_epoch;
    out[8] = h->diverged_batch;
    out[9] = h->restored_epochs;
}

API const float *dj_trainer_history(const descent_trainer *t, int which)
{
    const descent_history *h = descent_trainer_history(t);
    return which == 0 ? h->loss : which == 1 ? h->val_loss : which == 2 ? h->metric : h->val_metric;
}

API int dj_history_epochs(void) { return history.epochs; }
API int dj_history_best_epoch(void) { return history.best_epoch; }
API int dj_history_stopped_early(void) { return history.stopped_early; }
API double dj_history_steps(void) { return (double)history.steps; }
/* which: 0 diverged_epoch, 1 diverged_batch, 2 restored_epochs (-1 unless the fit diverged) */
API int dj_history_diverged(int which)
{
    return which == 0 ? history.diverged_epoch : which == 1 ? history.diverged_batch : history.restored_epochs;
}
API const float *dj_history_array(int which)
{
    switch (which) {
    case 0: return history.loss;
    case 1: return history.val_loss;
    case 2: return history.metric;
    default: return history.val_metric;
    }
}

/* ------------------------------------------------------------------- data */

API descent_dataset *dj_csv_parse(const char *text, int length, const char *target, int target_index, int task,
                                  int delimiter, int no_target)
{
    descent_csv_options o = descent_csv_defaults();
    o.target = target;
    o.target_index = target_index;
    o.task = (descent_task)task;
    o.delimiter = (char)delimiter;
    o.no_target = no_target;
    return descent_csv_parse(text, (size_t)length, &o, &last_error);
}

API descent_dataset *dj_generate(int kind, int n, double noise, uint32_t seed)
{
    if (!check_float("noise", noise, DESCENT_RANGE_UNIT_CLOSED)) return NULL;
    return descent_dataset_generate((descent_generator)kind, n, (float)noise, seed, &last_error);
}

API descent_dataset *dj_dataset_subset(const descent_dataset *ds, const int *idx, int m)
{
    return descent_dataset_subset(ds, idx, m, &last_error);
}

API descent_dataset *dj_dataset_create(int n, int features, int outputs, int classes)
{
    return descent_dataset_create(n, features, outputs, classes, &last_error);
}

API void dj_dataset_free(descent_dataset *ds) { descent_dataset_free(ds); }

/* n, features, outputs, classes, then pointers x, y, labels. */
API void dj_dataset_info(const descent_dataset *ds, double *out)
{
    out[0] = ds->n;
    out[1] = ds->features;
    out[2] = ds->outputs;
    out[3] = ds->classes;
    out[4] = (double)(uintptr_t)ds->x;
    out[5] = (double)(uintptr_t)ds->y;
    out[6] = (double)(uintptr_t)ds->labels;
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
    return descent_standardize_fit(x, n, columns, mean, std, &last_error);
}

API int dj_standardize_apply(float *x, int n, int columns, const float *mean, const float *std)
{
    return descent_standardize_apply(x, n, columns, mean, std, &last_error);
}

API int dj_split(int n, const int *labels, int classes, double test_fraction, uint32_t seed, int *train, int *test,
                 int *counts)
{
    if (!check_float("test_fraction", test_fraction, DESCENT_RANGE_UNIT_OPEN)) return last_error.code;
    return descent_split(n, labels, classes, (float)test_fraction, seed, train, &counts[0], test, &counts[1],
                         &last_error);
}

API int dj_kfold(int n, int k, const int *labels, int classes, uint32_t seed, int *fold)
{
    return descent_kfold(n, k, labels, classes, seed, fold, &last_error);
}

/* ---------------------------------------------------------------- metrics */

/* out: n, classes, accuracy, precision, recall, f1, mse, rmse, mae, r2 */
static void pack_metrics(const descent_metrics *mt, double *out)
{
    out[0] = mt->n;
    out[1] = mt->classes;
    out[2] = mt->accuracy;
    out[3] = mt->precision;
    out[4] = mt->recall;
    out[5] = mt->f1;
    out[6] = mt->mse;
    out[7] = mt->rmse;
    out[8] = mt->mae;
    out[9] = mt->r2;
}

API int dj_metrics_classification(const float *pred, const float *y, int n, int outputs, int *confusion, double *out)
{
    descent_metrics mt;
    int s = descent_metrics_classification(pred, y, n, outputs, confusion, &mt, &last_error);
    if (s == DESCENT_OK) pack_metrics(&mt, out);
    return s;
}

API int dj_metrics_regression(const float *pred, const float *y, int n, int outputs, double *out)
{
    descent_metrics mt;
    int s = descent_metrics_regression(pred, y, n, outputs, &mt, &last_error);
    if (s == DESCENT_OK) pack_metrics(&mt, out);
    return s;
}

#ifdef DESCENT_WITH_TUNE
/* ----------------------------------------------------------------- tuning */

/* A configuration, 15 doubles: learning_rate, batch_size, optimizer, activation, l2, epochs, layer count, then
 * DESCENT_TUNE_MAX_LAYERS unit counts. */
#define CONFIG_FIELDS (7 + DESCENT_TUNE_MAX_LAYERS)
/* A result: index, evaluated, folds, mean, std, diverged, time_ms, the 20 fold scores, then the configuration. */
#define RESULT_FIELDS (7 + DESCENT_TUNE_MAX_FOLDS + CONFIG_FIELDS)

static descent_tune_config unpack_config(const double *f)
{
    descent_tune_config c;
    memset(&c, 0, sizeof c);
    c.learning_rate = f[0];
    c.batch_size = (int)f[1];
    c.optimizer = (descent_optimizer_kind)(int)f[2];
    c.activation = (descent_activation)(int)f[3];
    c.l2 = f[4];
    c.epochs = (int)f[5];
    c.layers.count = (int)f[6];
    for (int i = 0; i < DESCENT_TUNE_MAX_LAYERS; i++) c.layers.units[i] = (int)f[7 + i];
    return c;
}

static void pack_config(const descent_tune_config *c, double *f)
{
    f[0] = c->learning_rate;
    f[1] = c->batch_size;
    f[2] = c->optimizer;
    f[3] = c->activation;
    f[4] = c->l2;
    f[5] = c->epochs;
    f[6] = c->layers.count;
    for (int i = 0; i < DESCENT_TUNE_MAX_LAYERS; i++) f[7 + i] = c->layers.units[i];
}

static void pack_result(const descent_tune_result *r, double *f)
{
    f[0] = r->index;
    f[1] = r->evaluated;
    f[2] = r->folds;
    f[3] = r->mean;
    f[4] = r->std;
    f[5] = r->diverged;
    f[6] = r->time_ms;
    for (int k = 0; k < DESCENT_TUNE_MAX_FOLDS; k++) f[7 + k] = r->scores[k];
    pack_config(&r->config, f + 7 + DESCENT_TUNE_MAX_FOLDS);
}

/* The ES module installs Module.descentOnTune while a search runs: (event, index, fold, folds, epoch, epochs,
 * loss, score, done, total, result pointer); a true return cancels. Batch events stay in C, where they cost
 * nothing: a cancel asked for at an epoch still takes effect before the next batch. */
EM_JS(int, js_on_tune, (int event, int index, int fold, int folds, int epoch, int epochs, double loss, double score,
                        int done, int total, const double *result), {
    return Module.descentOnTune ? (Module.descentOnTune(event, index, fold, folds, epoch, epochs, loss, score, done,
                                                         total, result) ? 1 : 0) : 0;
});

static double progress_result[RESULT_FIELDS];

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

/* Per axis, 5 doubles: param, count, lo, hi, and the offset of its values (in values, or for layers in
 * layers, CONFIG_FIELDS-style runs of 1 + DESCENT_TUNE_MAX_LAYERS doubles). options, 9 doubles: mode, draws,
 * folds, metric, seed, test_fraction, no_standardize, no_scale_target, curves. */
API descent_search *dj_search_create(const descent_dataset *ds, int n_axes, const double *axes, const double *values,
                                     const double *layers, const double *base, const double *o)
{
    descent_search_spec spec = descent_search_defaults();
    descent_tune_axis a[DESCENT_TUNE_PARAMS];
    descent_tune_layers *l = NULL;
    if (n_axes < 0 || n_axes > DESCENT_TUNE_PARAMS) {
        spec.n_axes = n_axes;
        return descent_search_create(ds, &spec, &last_error);
    }
    /* A count out of range goes to the core as -1, which names it; it is
     * never converted to size_t (a huge double would not fit). */
    int counts[DESCENT_TUNE_PARAMS];
    size_t n_layers = 0;
    for (int i = 0; i < n_axes; i++) {
        double c = axes[i * 5 + 1];
        counts[i] = c >= 0 && c <= DESCENT_TUNE_MAX_CONFIGS && c == (int)c ? (int)c : -1;
        if ((int)axes[i * 5] == DESCENT_TUNE_LAYERS && counts[i] > 0) n_layers += (size_t)counts[i];
    }
    if (!check_float("test_fraction", o[5], DESCENT_RANGE_UNIT_OPEN)) return NULL;
    l = calloc(n_layers ? n_layers : 1, sizeof *l);
    if (!l) return out_of_memory("the search's layer lists");
    size_t used = 0;
    for (int i = 0; i < n_axes; i++) {
        const double *f = axes + i * 5;
        a[i].param = (descent_tune_param)(int)f[0];
        a[i].count = counts[i];
        a[i].lo = f[2];
        a[i].hi = f[3];
        a[i].values = values + (size_t)f[4];
        a[i].layers = NULL;
        if (a[i].param == DESCENT_TUNE_LAYERS && a[i].count > 0) {
            const double *run = layers + (size_t)f[4];
            for (int k = 0; k < a[i].count; k++, run += 1 + DESCENT_TUNE_MAX_LAYERS) {
                l[used + k].count = (int)run[0];
                for (int u = 0; u < DESCENT_TUNE_MAX_LAYERS; u++) l[used + k].units[u] = (int)run[1 + u];
            }
            a[i].layers = l + used;
            a[i].values = NULL;
            used += (size_t)a[i].count;
        }
    }
    spec.mode = (descent_search_mode)(int)o[0];
    spec.draws = (int)o[1];
    spec.folds = (int)o[2];
    spec.metric = (descent_tune_metric)(int)o[3];
    spec.seed = (uint32_t)o[4];
    spec.test_fraction = (float)o[5];
    spec.no_standardize = (int)o[6];
    spec.no_scale_target = (int)o[7];
    spec.curves = (int)o[8];
    spec.n_axes = n_axes;
    spec.axes = a;
    spec.base = unpack_config(base);
    spec.on_progress = on_tune;
    descent_search *s = descent_search_create(ds, &spec, &last_error);
    free(l);
    return s;
}

API void dj_search_free(descent_search *s) { descent_search_free(s); }
API int dj_search_count(const descent_search *s) { return descent_search_count(s); }
API int dj_search_train_rows(const descent_search *s) { return descent_search_train_rows(s); }
API int dj_search_test_rows(const descent_search *s) { return descent_search_test_rows(s); }
API int dj_search_evaluate(descent_search *s, int index) { return descent_search_evaluate(s, index, &last_error); }
API int dj_search_run(descent_search *s) { return descent_search_run(s, &last_error); }
API int dj_search_rank(const descent_search *s, int *order) { return descent_search_rank(s, order); }
API int dj_search_best(const descent_search *s) { return descent_search_best(s); }

API int dj_search_config(const descent_search *s, int index, double *out)
{
    descent_tune_config c;
    int st = descent_search_config(s, index, &c, &last_error);
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
    int st = descent_search_curves(s, index, &tl, &vl, &epochs, &last_error);
    if (st != DESCENT_OK) return st;
    out[0] = (double)(uintptr_t)tl;
    out[1] = (double)(uintptr_t)vl;
    out[2] = epochs;
    return st;
}

/* out: index, train_rows, test_rows, score, loss, time_ms, then pack_metrics' 10. *model receives the model
 * when model is not NULL. */
API int dj_search_refit(descent_search *s, int index, double *out, descent_model **model)
{
    descent_tune_test t;
    int st = descent_search_refit(s, index, &t, model, &last_error);
    if (st != DESCENT_OK) return st;
    out[0] = t.index;
    out[1] = t.train_rows;
    out[2] = t.test_rows;
    out[3] = t.score;
    out[4] = t.loss;
    out[5] = t.time_ms;
    pack_metrics(&t.metrics, out + 6);
    return st;
}

/* options, 6 doubles: folds, metric, seed, index, no_standardize, no_scale_target. The curves, when not NULL,
 * receive folds·epochs floats each. out: RESULT_FIELDS doubles. */
API int dj_cross_validate(const descent_dataset *ds, const double *config, const double *o, float *train_loss,
                          float *val_loss, double *out)
{
    descent_tune_config c = unpack_config(config);
    descent_cv_options cv = descent_cv_defaults();
    cv.folds = (int)o[0];
    cv.metric = (descent_tune_metric)(int)o[1];
    cv.seed = (uint32_t)o[2];
    cv.index = (int)o[3];
    cv.no_standardize = (int)o[4];
    cv.no_scale_target = (int)o[5];
    cv.train_loss = train_loss;
    cv.val_loss = val_loss;
    cv.on_progress = on_tune;
    descent_tune_result r;
    int st = descent_cross_validate(ds, &c, &cv, &r, &last_error);
    if (st == DESCENT_OK) pack_result(&r, out);
    return st;
}
#endif /* DESCENT_WITH_TUNE */
