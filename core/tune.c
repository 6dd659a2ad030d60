/* tune.c - hyper-parameter search: grid and random configurations, each
 * scored by k-fold cross-validation, ranked, and the best retrained on all the
 * training rows. Seeds come from (seed, configuration, fold) alone, so any
 * evaluation order gives the same results. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_UNITS 100000
#define MAX_EPOCHS 1000000

/* ---------------------------------------------------------------- names */

static const char *const param_names[DESCENT_TUNE_PARAMS] = {"learning_rate", "batch_size", "optimizer", "layers",
                                                             "activation",    "l2",         "epochs"};
static const char *const metric_names[] = {"loss", "accuracy", "f1", "r2", "rmse"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *descent_tune_param_name(descent_tune_param p)
{
    return (int)p >= 0 && (int)p < DESCENT_TUNE_PARAMS ? param_names[p] : NULL;
}

const char *descent_tune_metric_name(descent_tune_metric m)
{
    return (int)m >= 0 && (int)m < COUNT(metric_names) ? metric_names[m] : NULL;
}

descent_status descent_tune_param_parse(const char *name, descent_tune_param *out, descent_error *err)
{
    if (name) {
        for (int i = 0; i < DESCENT_TUNE_PARAMS; i++) {
            if (strcmp(name, param_names[i]) == 0) {
                *out = (descent_tune_param)i;
                return DESCENT_OK;
            }
        }
        if (strcmp(name, "lr") == 0) {
            *out = DESCENT_TUNE_LEARNING_RATE;
            return DESCENT_OK;
        }
        if (strcmp(name, "batch") == 0) {
            *out = DESCENT_TUNE_BATCH_SIZE;
            return DESCENT_OK;
        }
    }
    return descent_fail(err, DESCENT_ERR_ARGUMENT,
                        "unknown parameter '%s': expected one of learning_rate (lr), batch_size (batch), optimizer, "
                        "layers, activation, l2, epochs",
                        name ? name : "(null)");
}

descent_status descent_tune_metric_parse(const char *name, descent_tune_metric *out, descent_error *err)
{
    for (int i = 0; name && i < COUNT(metric_names); i++) {
        if (strcmp(name, metric_names[i]) == 0) {
            *out = (descent_tune_metric)i;
            return DESCENT_OK;
        }
    }
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown metric '%s': expected one of loss, accuracy, f1, r2, rmse",
                        name ? name : "(null)");
}

int descent_tune_metric_higher_is_better(descent_tune_metric m)
{
    return m == DESCENT_METRIC_ACCURACY || m == DESCENT_METRIC_F1 || m == DESCENT_METRIC_R2;
}

/* --------------------------------------------------------------- layers */

descent_status descent_tune_layers_parse(const char *text, descent_tune_layers *out, descent_error *err)
{
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    descent_tune_layers l;
    memset(&l, 0, sizeof l);
    if (!text || !*text || strcmp(text, "none") == 0) {
        *out = l;
        return DESCENT_OK;
    }
    const char *p = text;
    for (;;) {
        const char *start = p;
        long v = 0;
        while (*p >= '0' && *p <= '9') {
            if (v <= MAX_UNITS) v = v * 10 + (*p - '0');
            p++;
        }
        if (p == start || v < 1 || v > MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "layers '%s': expected unit counts 1..%d separated by ',' or 'x' (like 8, 16,16 or "
                                "16x16), or 'none'",
                                text, MAX_UNITS);
        if (l.count == DESCENT_TUNE_MAX_LAYERS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers '%s': at most %d hidden layers", text,
                                DESCENT_TUNE_MAX_LAYERS);
        l.units[l.count++] = (int)v;
        if (*p == '\0') break;
        if (*p != ',' && *p != 'x')
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "layers '%s': unexpected '%c'; separate unit counts with ',' or 'x' (like 16,16 or "
                                "16x16)",
                                text, *p);
        p++;
    }
    *out = l;
    return DESCENT_OK;
}

void descent_tune_layers_format(const descent_tune_layers *l, char *buf, size_t size)
{
    if (!buf || size == 0) return;
    buf[0] = '\0';
    if (!l || l->count <= 0) {
        descent_format(buf, size, "none");
        return;
    }
    size_t used = 0;
    for (int i = 0; i < l->count && used < size; i++) {
        int w = descent_format(buf + used, size - used, "%s%d", i ? "x" : "", l->units[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* --------------------------------------------------------------- config */

descent_tune_config descent_tune_config_defaults(void)
{
    descent_tune_config c;
    memset(&c, 0, sizeof c);
    c.learning_rate = 0;            /* the optimizer's own default */
    c.batch_size = 32;
    c.optimizer = DESCENT_OPT_ADAM;
    c.layers.count = 2;
    c.layers.units[0] = c.layers.units[1] = 16;
    c.activation = DESCENT_ACT_RELU;
    c.l2 = 0;
    c.epochs = 100;
    return c;
}

descent_status descent_tune_config_check(const descent_tune_config *c, descent_error *err)
{
    if (!c) return descent_fail(err, DESCENT_ERR_ARGUMENT, "config must not be NULL");
    if (c->learning_rate != 0 &&
        descent_check_float("learning_rate", c->learning_rate, DESCENT_RANGE_POSITIVE, NULL) != DESCENT_OK)
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "learning_rate must be a finite number > 0 and a finite float32 (or 0 for the optimizer's "
                            "default), got %g",
                            c->learning_rate);
    if (c->batch_size < 0)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "batch_size must be >= 1 (or 0 for the full batch), got %d",
                            c->batch_size);
    if (!descent_optimizer_name(c->optimizer))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "optimizer %d is not one of sgd, momentum, nesterov, adagrad, rmsprop, adam (0..5)",
                            (int)c->optimizer);
    if (c->layers.count < 0 || c->layers.count > DESCENT_TUNE_MAX_LAYERS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers: %d hidden layers, expected 0..%d", c->layers.count,
                            DESCENT_TUNE_MAX_LAYERS);
    for (int i = 0; i < c->layers.count; i++)
        if (c->layers.units[i] < 1 || c->layers.units[i] > MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers: hidden layer %d has %d units, expected 1..%d",
                                i + 1, c->layers.units[i], MAX_UNITS);
    if (!descent_activation_name(c->activation))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "activation %d is not one of linear, relu, leaky_relu, sigmoid, tanh, softmax (0..5)",
                            (int)c->activation);
    descent_status s = descent_check_float("l2", c->l2, DESCENT_RANGE_NON_NEGATIVE, err);
    if (s != DESCENT_OK) return s;
    if (c->epochs < 1 || c->epochs > MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "epochs must be in 1..%d, got %d", MAX_EPOCHS, c->epochs);
    return DESCENT_OK;
}

/* ---------------------------------------------------------------- seeds */

/* A 32-bit seed from (seed, configuration, fold): SplitMix64's finalizer over
 * the three packed together, so neighbouring indices give unrelated seeds. */
static uint32_t derive_seed(uint32_t seed, uint32_t index, uint32_t fold)
{
    uint64_t z = ((uint64_t)seed << 32 | index) ^ ((uint64_t)fold * 0xD1B54A32D192ED03ull);
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (uint32_t)(z ^ (z >> 32));
}

/* The fold number the refit's seeds use: past every real fold. */
#define REFIT_FOLD 0xFFFFFFFFu

#if defined(__EMSCRIPTEN__)
/* The wasm runtime's TIME_UTC clock ticks in whole milliseconds; performance.now() is finer. */
#include <emscripten/emscripten.h>
static double now_ms(void) { return emscripten_get_now(); }
#else
static double now_ms(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
#endif

/* ------------------------------------------------------ cross-validation */

descent_cv_options descent_cv_defaults(void)
{
    descent_cv_options o;
    memset(&o, 0, sizeof o);
    o.folds = 5;
    o.metric = DESCENT_METRIC_LOSS;
    o.seed = 1;
    return o;
}

static int is_classification(const descent_dataset *d)
{
    return d->classes >= 2;
}

static descent_status check_data(const descent_dataset *d, descent_error *err)
{
    if (!d) return descent_fail(err, DESCENT_ERR_ARGUMENT, "data must not be NULL");
    if (d->n < 2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "cross-validation needs at least 2 rows, got %d", d->n);
    if (d->features < 1 || !d->x)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "data needs x with at least 1 feature (got %d)", d->features);
    if (d->outputs < 1 || !d->y)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "data needs a target y (got %d outputs)", d->outputs);
    if (is_classification(d) && !d->labels)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "classification data (%d classes) needs labels", d->classes);
    if (is_classification(d) && d->outputs != d->classes && !(d->classes == 2 && d->outputs == 1))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "classification data with %d classes has %d outputs: y must be one 0/1 column for 2 "
                            "classes, or %d one-hot columns",
                            d->classes, d->outputs, d->classes);
    return DESCENT_OK;
}

static descent_status check_metric(const descent_dataset *d, descent_tune_metric m, descent_error *err)
{
    if (!descent_tune_metric_name(m))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "metric %d is not one of loss, accuracy, f1, r2, rmse (0..4)",
                            (int)m);
    int classify = is_classification(d);
    if (classify && (m == DESCENT_METRIC_R2 || m == DESCENT_METRIC_RMSE))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "metric '%s' is for regression, but this is a classification data set (%d classes): "
                            "use loss, accuracy or f1",
                            metric_names[m], d->classes);
    if (!classify && (m == DESCENT_METRIC_ACCURACY || m == DESCENT_METRIC_F1))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "metric '%s' is for classification, but this is a regression data set: use loss, r2 or "
                            "rmse",
                            metric_names[m]);
    return DESCENT_OK;
}

static descent_status check_folds(int folds, int n, descent_error *err)
{
    int hi = n < DESCENT_TUNE_MAX_FOLDS ? n : DESCENT_TUNE_MAX_FOLDS;
    if (folds < 2 || folds > hi)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "folds must be in 2..%d (at most %d, and at most the %d rows), "
                            "got %d", hi, DESCENT_TUNE_MAX_FOLDS, n, folds);
    return DESCENT_OK;
}

/* A fresh network for config on data's task. */
static descent_model *build_model(const descent_dataset *d, const descent_tune_config *c, uint32_t seed,
                                  descent_error *err)
{
    descent_layer_spec layers[DESCENT_TUNE_MAX_LAYERS + 1];
    int classify = is_classification(d), h = c->layers.count;
    for (int i = 0; i < h; i++) {
        layers[i] = descent_layer(c->layers.units[i], c->activation);
        layers[i].l2 = (float)c->l2;
    }
    descent_activation out = classify ? (d->outputs == 1 ? DESCENT_ACT_SIGMOID : DESCENT_ACT_SOFTMAX)
                                      : DESCENT_ACT_LINEAR;
    layers[h] = descent_layer(d->outputs, out);
    layers[h].l2 = (float)c->l2;
    descent_model_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.inputs = d->features;
    spec.n_layers = h + 1;
    spec.layers = layers;
    spec.loss = classify ? (d->outputs == 1 ? DESCENT_LOSS_BINARY_CROSSENTROPY : DESCENT_LOSS_CATEGORICAL_CROSSENTROPY)
                         : DESCENT_LOSS_MSE;
    spec.optimizer = descent_optimizer_defaults(c->optimizer);
    if (c->learning_rate > 0) spec.optimizer.learning_rate = c->learning_rate;
    spec.seed = seed;
    return descent_model_create(&spec, err);
}

/* What one configuration's training needs besides the rows. */
typedef struct cv_run {
    const descent_dataset *d;
    const descent_tune_config *c;
    int no_standardize, no_scale_target;
    descent_tune_callback cb;
    void *user;
    descent_tune_progress p;        /* the event being reported; index, folds, done, total set by the caller */
    int cancelled;
} cv_run;

static int emit(cv_run *r)
{
    if (r->cb && r->cb(&r->p, r->user)) r->cancelled = 1;
    return r->cancelled;
}

static int on_batch(int epoch, int batch, float loss, void *user)
{
    cv_run *r = user;
    r->p.event = DESCENT_TUNE_BATCH;
    r->p.epoch = epoch;
    r->p.batch = batch;
    r->p.loss = loss;
    return emit(r);
}

static int on_epoch(const descent_history *h, void *user)
{
    cv_run *r = user;
    r->p.event = DESCENT_TUNE_EPOCH;
    r->p.epoch = h->epochs;
    r->p.batch = 0;
    r->p.loss = h->loss[h->epochs - 1];
    return emit(r);
}

/* Trains a fresh model on the n_tr rows (x, y) and returns it in *out; with
 * curves, records the per-epoch losses (val rows scored after each epoch).
 * DESCENT_ERR_NONFINITE is returned with the model still in *out. */
static descent_status train_rows(cv_run *r, const float *x, const float *y, int n_tr, const float *vx,
                                 const float *vy, int n_val, uint32_t seed, float *train_curve, float *val_curve,
                                 descent_model **out, descent_error *err)
{
    const descent_dataset *d = r->d;
    *out = NULL;
    descent_model *m = build_model(d, r->c, seed, err);
    if (!m) return err ? err->code : DESCENT_ERR_ARGUMENT;
    descent_status s = DESCENT_OK;
    uint64_t width = (uint64_t)(d->features > d->outputs ? d->features : d->outputs);
    float *mean = descent_alloc(width, sizeof(float), "the scaler's means", err);
    float *std = mean ? descent_alloc(width, sizeof(float), "the scaler's deviations", err) : NULL;
    if (!mean || !std) {
        s = DESCENT_ERR_MEMORY;
        goto done;
    }
    if (!r->no_standardize) {
        if ((s = descent_standardize_fit(x, n_tr, d->features, mean, std, err)) != DESCENT_OK) goto done;
        if ((s = descent_model_set_input_scaler(m, mean, std, err)) != DESCENT_OK) goto done;
    }
    if (!is_classification(d) && !r->no_scale_target) {
        if ((s = descent_standardize_fit(y, n_tr, d->outputs, mean, std, err)) != DESCENT_OK) goto done;
        if ((s = descent_model_set_target_scaler(m, mean, std, err)) != DESCENT_OK) goto done;
    }
    descent_fit_options fo = descent_fit_defaults();
    fo.epochs = r->c->epochs;
    fo.batch_size = r->c->batch_size > 0 ? r->c->batch_size : n_tr;
    if (val_curve && n_val > 0) {
        fo.val_x = vx;
        fo.val_y = vy;
        fo.val_n = n_val;
    }
    fo.on_batch = on_batch;
    fo.on_epoch = on_epoch;
    fo.user = r;
    r->p.epochs = fo.epochs;
    descent_trainer *t = descent_trainer_create(m, x, y, n_tr, &fo, err);
    if (!t) {
        s = err ? err->code : DESCENT_ERR_ARGUMENT;
        goto done;
    }
    s = descent_trainer_run(t, -1, err);
    const descent_history *h = descent_trainer_history(t);
    for (int e = 0; e < fo.epochs; e++) {
        if (train_curve) train_curve[e] = e < h->epochs ? h->loss[e] : NAN;
        if (val_curve) val_curve[e] = e < h->epochs && fo.val_x ? h->val_loss[e] : NAN;
    }
    descent_trainer_free(t);
done:
    free(mean);
    free(std);
    if (s == DESCENT_OK || s == DESCENT_ERR_NONFINITE) {
        *out = m;
    } else {
        descent_model_free(m);
    }
    return s;
}

/* The metric on n rows; NaN when the model's predictions are not finite. */
static descent_status score_rows(descent_model *m, const descent_dataset *d, descent_tune_metric metric,
                                 const float *x, const float *y, int n, float *pred, double *score,
                                 descent_metrics *all, double *loss_out, descent_error *err)
{
    float loss;
    descent_status s = descent_model_evaluate(m, x, y, n, &loss, err);
    if (s != DESCENT_OK) return s;
    if ((s = descent_model_predict(m, x, n, pred, err)) != DESCENT_OK) return s;
    size_t total = (size_t)n * (size_t)d->outputs;
    int finite = isfinite(loss);
    for (size_t i = 0; i < total && finite; i++) finite = isfinite(pred[i]);
    descent_metrics met;
    memset(&met, 0, sizeof met);
    met.accuracy = met.precision = met.recall = met.f1 = met.mse = met.rmse = met.mae = met.r2 = NAN;
    if (finite) {
        s = is_classification(d) ? descent_metrics_classification(pred, y, n, d->outputs, NULL, &met, err)
                                 : descent_metrics_regression(pred, y, n, d->outputs, &met, err);
        if (s != DESCENT_OK) return s;
    }
    double v = NAN;
    if (finite) {
        switch (metric) {
        case DESCENT_METRIC_LOSS: v = loss; break;
        case DESCENT_METRIC_ACCURACY: v = met.accuracy; break;
        case DESCENT_METRIC_F1: v = met.f1; break;
        case DESCENT_METRIC_R2: v = met.r2; break;
        case DESCENT_METRIC_RMSE: v = met.rmse; break;
        }
    }
    *score = v;
    if (all) *all = met;
    if (loss_out) *loss_out = finite ? loss : NAN;
    return DESCENT_OK;
}

/* Copies the rows of d with fold[i] == f (in) or != f (out) into x, y. */
static int gather(const descent_dataset *d, const int *fold, int f, int in, float *x, float *y)
{
    int m = 0;
    size_t fx = (size_t)d->features, fy = (size_t)d->outputs;
    for (int i = 0; i < d->n; i++) {
        if ((fold[i] == f) != in) continue;
        memcpy(x + (size_t)m * fx, d->x + (size_t)i * fx, sizeof(float) * fx);
        memcpy(y + (size_t)m * fy, d->y + (size_t)i * fy, sizeof(float) * fy);
        m++;
    }
    return m;
}

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

/* The cross-validation of one configuration over a given fold assignment. */
static descent_status cross_validate(const descent_dataset *d, const int *fold, const descent_tune_config *c,
                                     const cv_setup *o, descent_tune_result *out, descent_error *err)
{
    double t0 = now_ms();
    descent_tune_result res;
    memset(&res, 0, sizeof res);
    res.index = o->index;
    res.config = *c;
    if (res.config.learning_rate <= 0)
        res.config.learning_rate = descent_optimizer_defaults(c->optimizer).learning_rate;
    res.folds = o->folds;
    for (int f = 0; f < DESCENT_TUNE_MAX_FOLDS; f++) res.scores[f] = NAN;

    uint64_t fx = (uint64_t)d->features, fy = (uint64_t)d->outputs, n = (uint64_t)d->n;
    float *xtr = NULL, *ytr = NULL, *xv = NULL, *yv = NULL, *pred = NULL;
    descent_status s = DESCENT_OK;
    if (!(xtr = descent_alloc(n * fx, sizeof(float), "a fold's training features", err)) ||
        !(ytr = descent_alloc(n * fy, sizeof(float), "a fold's training targets", err)) ||
        !(xv = descent_alloc(n * fx, sizeof(float), "a fold's held-out features", err)) ||
        !(yv = descent_alloc(n * fy, sizeof(float), "a fold's held-out targets", err)) ||
        !(pred = descent_alloc(n * fy, sizeof(float), "a fold's predictions", err))) {
        s = DESCENT_ERR_MEMORY;
        goto done;
    }
    cv_run r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.c = c;
    r.no_standardize = o->no_standardize;
    r.no_scale_target = o->no_scale_target;
    r.cb = o->cb;
    r.user = o->user;
    r.p.index = o->index;
    r.p.folds = o->folds;
    r.p.done = o->done;
    r.p.total = o->total;
    for (int f = 0; f < o->folds; f++) {
        int n_tr = gather(d, fold, f, 0, xtr, ytr);
        int n_val = gather(d, fold, f, 1, xv, yv);
        if (n_tr < 1 || n_val < 1) {
            s = descent_fail(err, DESCENT_ERR_ARGUMENT, "fold %d has %d training and %d held-out rows: both need at "
                             "least 1 (use fewer folds)", f + 1, n_tr, n_val);
            goto done;
        }
        r.p.fold = f;
        r.p.epoch = 0;
        descent_model *m = NULL;
        size_t e = (size_t)c->epochs;
        s = train_rows(&r, xtr, ytr, n_tr, xv, yv, n_val, derive_seed(o->seed, (uint32_t)o->index, (uint32_t)f),
                       o->train_loss ? o->train_loss + (size_t)f * e : NULL,
                       o->val_loss ? o->val_loss + (size_t)f * e : NULL, &m, err);
        double score = NAN;
        if (s == DESCENT_ERR_NONFINITE) {
            res.diverged++;
            s = DESCENT_OK;
        } else if (s == DESCENT_OK) {
            s = score_rows(m, d, o->metric, xv, yv, n_val, pred, &score, NULL, NULL, err);
            if (s == DESCENT_OK && isnan(score)) res.diverged++;
        }
        descent_model_free(m);
        if (s != DESCENT_OK) goto done;
        res.scores[f] = score;
        r.p.event = DESCENT_TUNE_FOLD;
        r.p.score = score;
        if (emit(&r)) {
            s = DESCENT_CANCELLED;
            goto done;
        }
    }
    double sum = 0, sq = 0;
    for (int f = 0; f < o->folds; f++) sum += res.scores[f];
    res.mean = sum / o->folds;
    for (int f = 0; f < o->folds; f++) sq += (res.scores[f] - res.mean) * (res.scores[f] - res.mean);
    res.std = sqrt(sq / o->folds);
    res.evaluated = 1;
    res.time_ms = now_ms() - t0;
    *out = res;
    r.p.event = DESCENT_TUNE_CONFIG;
    r.p.fold = o->folds;
    r.p.score = res.mean;
    r.p.done = o->done + 1;
    r.p.result = out;
    if (emit(&r)) s = DESCENT_CANCELLED;
done:
    free(xtr);
    free(ytr);
    free(xv);
    free(yv);
    free(pred);
    return s;
}

descent_status descent_cross_validate(const descent_dataset *data, const descent_tune_config *config,
                                      const descent_cv_options *o, descent_tune_result *out, descent_error *err)
{
    descent_status s;
    if (!o) return descent_fail(err, DESCENT_ERR_ARGUMENT, "options must not be NULL (use descent_cv_defaults())");
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if ((s = check_data(data, err)) != DESCENT_OK) return s;
    if ((s = descent_tune_config_check(config, err)) != DESCENT_OK) return s;
    if ((s = check_folds(o->folds, data->n, err)) != DESCENT_OK) return s;
    if ((s = check_metric(data, o->metric, err)) != DESCENT_OK) return s;
    if (o->index < 0) return descent_fail(err, DESCENT_ERR_ARGUMENT, "index must be >= 0, got %d", o->index);
    int *fold = descent_alloc((uint64_t)data->n, sizeof(int), "the folds", err);
    if (!fold) return DESCENT_ERR_MEMORY;
    int classify = is_classification(data);
    s = descent_kfold(data->n, o->folds, classify ? data->labels : NULL, classify ? data->classes : 0, o->seed, fold,
                      err);
    if (s == DESCENT_OK) {
        cv_setup cs = {o->folds, o->metric, o->seed, o->index, o->no_standardize, o->no_scale_target,
                       o->train_loss, o->val_loss, o->on_progress, o->user, 0, 1};
        s = cross_validate(data, fold, config, &cs, out, err);
    }
    free(fold);
    return s;
}

/* ---------------------------------------------------------------- search */

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

descent_search_spec descent_search_defaults(void)
{
    descent_search_spec s;
    memset(&s, 0, sizeof s);
    s.mode = DESCENT_SEARCH_GRID;
    s.base = descent_tune_config_defaults();
    s.folds = 5;
    s.metric = DESCENT_METRIC_LOSS;
    s.seed = 1;
    return s;
}

/* Whether value v is allowed for parameter p; if not, fills err. */
static descent_status check_value(int axis, descent_tune_param p, int i, double v, descent_error *err)
{
    const char *name = param_names[p];
    int ok = isfinite(v);
    const char *allowed = "";
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE:
        ok = descent_check_float(name, v, DESCENT_RANGE_POSITIVE, NULL) == DESCENT_OK;
        allowed = "a number > 0 (and a finite float32)";
        break;
    case DESCENT_TUNE_BATCH_SIZE:
        ok = ok && v == floor(v) && v >= 0 && v <= 2147483647.0;
        allowed = "an integer 1..2147483647, or 0 for the full batch";
        break;
    case DESCENT_TUNE_OPTIMIZER:
        ok = ok && v == floor(v) && descent_optimizer_name((descent_optimizer_kind)(int)v);
        allowed = "an optimizer: 0..5 (sgd, momentum, nesterov, adagrad, rmsprop, adam)";
        break;
    case DESCENT_TUNE_ACTIVATION:
        ok = ok && v == floor(v) && descent_activation_name((descent_activation)(int)v);
        allowed = "an activation: 0..5 (linear, relu, leaky_relu, sigmoid, tanh, softmax)";
        break;
    case DESCENT_TUNE_L2:
        ok = descent_check_float(name, v, DESCENT_RANGE_NON_NEGATIVE, NULL) == DESCENT_OK;
        allowed = "a number >= 0 (and a finite float32)";
        break;
    case DESCENT_TUNE_EPOCHS:
        ok = ok && v == floor(v) && v >= 1 && v <= MAX_EPOCHS;
        allowed = "an integer 1..1000000";
        break;
    case DESCENT_TUNE_LAYERS: break;
    }
    if (ok) return DESCENT_OK;
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): value %d is %g, expected %s", axis + 1, name, i + 1, v,
                        allowed);
}

static descent_status check_axis(const descent_search_spec *sp, int a, descent_error *err)
{
    const descent_tune_axis *x = &sp->axes[a];
    if (!descent_tune_param_name(x->param))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d: parameter %d is not one of 0..%d (learning_rate, "
                            "batch_size, optimizer, layers, activation, l2, epochs)",
                            a + 1, (int)x->param, DESCENT_TUNE_PARAMS - 1);
    const char *name = param_names[x->param];
    for (int b = 0; b < a; b++)
        if (sp->axes[b].param == x->param)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axes %d and %d both search %s: give its values once", b + 1,
                                a + 1, name);
    if (x->count < 0 || x->count > DESCENT_TUNE_MAX_CONFIGS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): count must be in 0..%d, got %d", a + 1, name,
                            DESCENT_TUNE_MAX_CONFIGS, x->count);
    if (x->count == 0) {
        int ranged = x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2 ||
                     x->param == DESCENT_TUNE_BATCH_SIZE || x->param == DESCENT_TUNE_EPOCHS;
        if (sp->mode != DESCENT_SEARCH_RANDOM)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "axis %d (%s) has no values: a grid search needs at least one (ranges lo..hi are for "
                                "random search)",
                                a + 1, name);
        if (!ranged)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "axis %d (%s) has no values: %s is drawn from a list (ranges are for learning_rate, l2, "
                                "batch_size and epochs)",
                                a + 1, name, name);
        if (!(isfinite(x->lo) && isfinite(x->hi) && x->lo <= x->hi))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): range %g..%g must be finite with lo <= hi",
                                a + 1, name, x->lo, x->hi);
        if (x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2) {
            if (!(x->lo > 0))
                return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                    "axis %d (%s): range %g..%g is drawn log-uniformly, so lo must be > 0", a + 1, name,
                                    x->lo, x->hi);
        }
        {
            descent_status s;
            if ((s = check_value(a, x->param, 0, x->lo, err)) != DESCENT_OK) return s;
            if ((s = check_value(a, x->param, 1, x->hi, err)) != DESCENT_OK) return s;
            if (x->param == DESCENT_TUNE_BATCH_SIZE && x->lo < 1)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (batch_size): range %g..%g must start at 1 or "
                                    "more", a + 1, x->lo, x->hi);
        }
        return DESCENT_OK;
    }
    if (x->param == DESCENT_TUNE_LAYERS) {
        if (!x->layers)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (layers): layers must not be NULL with count %d",
                                a + 1, x->count);
        for (int i = 0; i < x->count; i++) {
            descent_tune_config c = descent_tune_config_defaults();
            c.layers = x->layers[i];
            descent_error e;
            if (descent_tune_config_check(&c, &e) != DESCENT_OK)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d, value %d: %s", a + 1, i + 1, e.message);
        }
        return DESCENT_OK;
    }
    if (!x->values)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): values must not be NULL with count %d", a + 1,
                            name, x->count);
    for (int i = 0; i < x->count; i++) {
        descent_status s = check_value(a, x->param, i, x->values[i], err);
        if (s != DESCENT_OK) return s;
    }
    return DESCENT_OK;
}

/* 3 significant digits, so drawn rates print cleanly and agree across libms. */
static double round3(double v)
{
    char buf[32];
    descent_format(buf, sizeof buf, "%.3g", v);
    return strtod(buf, NULL);
}

static void set_value(descent_tune_config *c, descent_tune_param p, double v)
{
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE: c->learning_rate = v; break;
    case DESCENT_TUNE_BATCH_SIZE: c->batch_size = (int)v; break;
    case DESCENT_TUNE_OPTIMIZER: c->optimizer = (descent_optimizer_kind)(int)v; break;
    case DESCENT_TUNE_ACTIVATION: c->activation = (descent_activation)(int)v; break;
    case DESCENT_TUNE_L2: c->l2 = v; break;
    case DESCENT_TUNE_EPOCHS: c->epochs = (int)v; break;
    case DESCENT_TUNE_LAYERS: break;
    }
}

static void config_at(const descent_search *s, int index, descent_tune_config *c)
{
    const descent_search_spec *sp = &s->spec;
    *c = sp->base;
    if (sp->mode == DESCENT_SEARCH_GRID) {
        /* Mixed radix, the last axis fastest. */
        int rest = index;
        for (int a = sp->n_axes - 1; a >= 0; a--) {
            const descent_tune_axis *x = &s->axes[a];
            int i = rest % x->count;
            rest /= x->count;
            if (x->param == DESCENT_TUNE_LAYERS) c->layers = x->layers[i];
            else set_value(c, x->param, x->values[i]);
        }
    } else {
        rng r;
        rng_seed(&r, derive_seed(sp->seed, (uint32_t)index, 0), RNG_STREAM_TUNE);
        for (int a = 0; a < sp->n_axes; a++) {
            const descent_tune_axis *x = &s->axes[a];
            if (x->count > 0) {
                int i = (int)rng_below(&r, (uint32_t)x->count);
                if (x->param == DESCENT_TUNE_LAYERS) c->layers = x->layers[i];
                else set_value(c, x->param, x->values[i]);
            } else if (x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2) {
                double u = (double)(rng_next(&r) >> 11) * (1.0 / 9007199254740992.0);
                double v = exp(log(x->lo) + u * (log(x->hi) - log(x->lo)));
                v = round3(v);
                if (v < x->lo) v = x->lo;
                if (v > x->hi) v = x->hi;
                set_value(c, x->param, v);
            } else {
                uint32_t span = (uint32_t)((long long)x->hi - (long long)x->lo + 1);
                set_value(c, x->param, x->lo + (double)rng_below(&r, span));
            }
        }
    }
    if (c->learning_rate <= 0) c->learning_rate = descent_optimizer_defaults(c->optimizer).learning_rate;
}

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
    if (check_data(data, err) != DESCENT_OK) return NULL;
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
        if (check_axis(sp, a, err) != DESCENT_OK) return NULL;
    if (check_metric(data, sp->metric, err) != DESCENT_OK) return NULL;
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
    int classify = is_classification(data);
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
    if (check_folds(sp->folds, s->train->n, err) != DESCENT_OK) goto fail;
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
    config_at(s, index, out);
    return DESCENT_OK;
}

static descent_status evaluate(descent_search *s, int index, int done, int total, descent_error *err)
{
    descent_tune_config c;
    config_at(s, index, &c);
    const descent_search_spec *sp = &s->spec;
    float *curves = NULL;
    size_t per = (size_t)sp->folds * (size_t)c.epochs; /* at most 20 x 10^6 */
    if (sp->curves && !(curves = descent_alloc(2 * (uint64_t)per, sizeof(float), "the curves", err)))
        return DESCENT_ERR_MEMORY;
    cv_setup cs = {sp->folds, sp->metric, sp->seed, index, sp->no_standardize, sp->no_scale_target,
                   curves, curves ? curves + per : NULL, sp->on_progress, sp->user, done, total};
    descent_tune_result r;
    memset(&r, 0, sizeof r);
    descent_status st = cross_validate(s->train, s->fold, &c, &cs, &r, err);
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
    double t0 = now_ms();
    descent_tune_config c;
    config_at(s, index, &c);
    const descent_dataset *tr = s->train, *te = s->test;
    cv_run r;
    memset(&r, 0, sizeof r);
    r.d = tr;
    r.c = &c;
    r.no_standardize = s->spec.no_standardize;
    r.no_scale_target = s->spec.no_scale_target;
    r.cb = s->spec.on_progress;
    r.user = s->spec.user;
    r.p.index = index;
    r.p.fold = r.p.folds = s->spec.folds;
    r.p.total = 1;
    descent_model *m = NULL;
    st = train_rows(&r, tr->x, tr->y, tr->n, NULL, NULL, 0, derive_seed(s->spec.seed, (uint32_t)index, REFIT_FOLD),
                    NULL, NULL, &m, err);
    if (st != DESCENT_OK) {
        descent_model_free(m);
        return st;
    }
    descent_tune_test t;
    memset(&t, 0, sizeof t);
    t.index = index;
    t.train_rows = tr->n;
    t.score = t.loss = NAN;
    t.metrics.accuracy = t.metrics.precision = t.metrics.recall = t.metrics.f1 = NAN;
    t.metrics.mse = t.metrics.rmse = t.metrics.mae = t.metrics.r2 = NAN;
    if (te) {
        float *pred = descent_alloc((uint64_t)te->n * (uint64_t)te->outputs, sizeof(float), "the test predictions", err);
        if (!pred) {
            descent_model_free(m);
            return DESCENT_ERR_MEMORY;
        }
        t.test_rows = te->n;
        st = score_rows(m, te, s->spec.metric, te->x, te->y, te->n, pred, &t.score, &t.metrics, &t.loss, err);
        t.metrics.n = te->n;
        t.metrics.classes = is_classification(te) ? te->classes : 0;
        free(pred);
        if (st != DESCENT_OK) {
            descent_model_free(m);
            return st;
        }
    }
    if (tr->feature_names || tr->target_name || tr->class_names) {
        int classify = is_classification(tr);
        descent_error ignored;
        /* Names are a convenience for reports; a model without them still works. */
        descent_model_set_names(m, (const char *const *)tr->feature_names, tr->target_name,
                                classify && tr->class_names ? tr->classes : 0,
                                classify ? (const char *const *)tr->class_names : NULL, &ignored);
    }
    t.time_ms = now_ms() - t0;
    if (out) *out = t;
    if (model) *model = m;
    else descent_model_free(m);
    return DESCENT_OK;
}
