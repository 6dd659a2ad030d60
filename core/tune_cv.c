/* tune_cv.c - k-fold cross-validation of one configuration: each fold
 * trains a fresh network (the configuration's hidden layers and the task's
 * output head, its scalers fitted on the fold's training rows: the task
 * recipe of descent_data.h) and scores it on the rows held out. */
#include "tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    return descent_dataset_task(d) == DESCENT_TASK_CLASSIFICATION;
}

descent_status tune_check_data(const descent_dataset *d, descent_error *err)
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

descent_status tune_check_metric(const descent_dataset *d, descent_tune_metric m, descent_error *err)
{
    if (!descent_tune_metric_name(m))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "metric %d is not one of 0..%d", (int)m, DESCENT_TUNE_METRICS - 1);
    int classify = is_classification(d);
    if (classify && (m == DESCENT_METRIC_R2 || m == DESCENT_METRIC_RMSE))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "metric '%s' is for regression, but this is a classification data set (%d classes): "
                            "use loss, accuracy or f1",
                            descent_tune_metric_name(m), d->classes);
    if (!classify && (m == DESCENT_METRIC_ACCURACY || m == DESCENT_METRIC_F1))
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "metric '%s' is for classification, but this is a regression data set: use loss, r2 or "
                            "rmse",
                            descent_tune_metric_name(m));
    return DESCENT_OK;
}

descent_status tune_check_folds(int folds, int n, descent_error *err)
{
    int hi = n < DESCENT_TUNE_MAX_FOLDS ? n : DESCENT_TUNE_MAX_FOLDS;
    if (folds < 2 || folds > hi)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "folds must be in 2..%d (at most %d, and at most the %d rows), "
                            "got %d", hi, DESCENT_TUNE_MAX_FOLDS, n, folds);
    return DESCENT_OK;
}

/* A fresh network for config on data's task: the hidden layers the
 * configuration gives, and the task's output head (descent_head_choose). */
static descent_model *build_model(const descent_dataset *d, const descent_tune_config *c, uint32_t seed,
                                  descent_error *err)
{
    descent_head head;
    if (descent_head_choose(descent_dataset_task(d), d->classes, d->outputs, DESCENT_OUTPUT_AUTO, &head, err) !=
        DESCENT_OK)
        return NULL;
    descent_layer_spec layers[DESCENT_TUNE_MAX_LAYERS + 1];
    int h = c->layers.count;
    for (int i = 0; i < h; i++) {
        layers[i] = descent_layer(c->layers.units[i], c->activation);
        layers[i].l2 = (float)c->l2;
    }
    layers[h] = descent_layer(head.units, head.activation);
    layers[h].l2 = (float)c->l2;
    descent_model_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.inputs = d->features;
    spec.n_layers = h + 1;
    spec.layers = layers;
    spec.loss = head.loss;
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
    /* The scalers see the training rows only (descent_model_fit_scalers). */
    descent_dataset rows = *d;
    rows.n = n_tr;
    rows.x = (float *)x;
    rows.y = (float *)y;
    rows.labels = NULL;
    int scale = (r->no_standardize ? 0 : DESCENT_SCALE_INPUTS) | (r->no_scale_target ? 0 : DESCENT_SCALE_TARGET);
    descent_status s = descent_model_fit_scalers(m, &rows, scale, err);
    if (s != DESCENT_OK) goto done;
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
        descent_head head;
        s = descent_head_choose(descent_dataset_task(d), d->classes, d->outputs, DESCENT_OUTPUT_AUTO, &head, err);
        if (s == DESCENT_OK) s = descent_head_metrics(&head, pred, y, n, NULL, &met, err);
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


/* The cross-validation of one configuration over a given fold assignment. */
descent_status tune_cross_validate(const descent_dataset *d, const int *fold, const descent_tune_config *c,
                                     const cv_setup *o, descent_tune_result *out, descent_error *err)
{
    double t0 = tune_now_ms();
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
        s = train_rows(&r, xtr, ytr, n_tr, xv, yv, n_val, tune_derive_seed(o->seed, (uint32_t)o->index, (uint32_t)f),
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
    res.time_ms = tune_now_ms() - t0;
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
    if ((s = tune_check_data(data, err)) != DESCENT_OK) return s;
    if ((s = descent_tune_config_check(config, err)) != DESCENT_OK) return s;
    if ((s = tune_check_folds(o->folds, data->n, err)) != DESCENT_OK) return s;
    if ((s = tune_check_metric(data, o->metric, err)) != DESCENT_OK) return s;
    if (o->index < 0) return descent_fail(err, DESCENT_ERR_ARGUMENT, "index must be >= 0, got %d", o->index);
    int *fold = descent_alloc((uint64_t)data->n, sizeof(int), "the folds", err);
    if (!fold) return DESCENT_ERR_MEMORY;
    int classify = is_classification(data);
    s = descent_kfold(data->n, o->folds, classify ? data->labels : NULL, classify ? data->classes : 0, o->seed, fold,
                      err);
    if (s == DESCENT_OK) {
        cv_setup cs = {o->folds, o->metric, o->seed, o->index, o->no_standardize, o->no_scale_target,
                       o->train_loss, o->val_loss, o->on_progress, o->user, 0, 1};
        s = tune_cross_validate(data, fold, config, &cs, out, err);
    }
    free(fold);
    return s;
}


descent_status tune_refit(const descent_dataset *tr, const descent_dataset *te, const descent_tune_config *c,
                          const descent_search_spec *spec, int index, descent_tune_test *out, descent_model **model,
                          descent_error *err)
{
    double t0 = tune_now_ms();
    cv_run r;
    memset(&r, 0, sizeof r);
    r.d = tr;
    r.c = c;
    r.no_standardize = spec->no_standardize;
    r.no_scale_target = spec->no_scale_target;
    r.cb = spec->on_progress;
    r.user = spec->user;
    r.p.index = index;
    r.p.fold = r.p.folds = spec->folds;
    r.p.total = 1;
    descent_model *m = NULL;
    descent_status st = train_rows(&r, tr->x, tr->y, tr->n, NULL, NULL, 0,
                                   tune_derive_seed(spec->seed, (uint32_t)index, REFIT_FOLD), NULL, NULL, &m, err);
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
    int classify = descent_dataset_task(tr) == DESCENT_TASK_CLASSIFICATION;
    if (te) {
        float *pred = descent_alloc((uint64_t)te->n * (uint64_t)te->outputs, sizeof(float), "the test predictions", err);
        if (!pred) {
            descent_model_free(m);
            return DESCENT_ERR_MEMORY;
        }
        t.test_rows = te->n;
        st = score_rows(m, te, spec->metric, te->x, te->y, te->n, pred, &t.score, &t.metrics, &t.loss, err);
        t.metrics.n = te->n;
        t.metrics.classes = classify ? te->classes : 0;
        free(pred);
        if (st != DESCENT_OK) {
            descent_model_free(m);
            return st;
        }
    }
    if (tr->feature_names || tr->target_name || tr->class_names) {
        descent_error ignored;
        /* Names are a convenience for reports; a model without them still works. */
        descent_model_set_names(m, (const char *const *)tr->feature_names, tr->target_name,
                                classify && tr->class_names ? tr->classes : 0,
                                classify ? (const char *const *)tr->class_names : NULL, &ignored);
    }
    t.time_ms = tune_now_ms() - t0;
    *out = t;
    *model = m;
    return DESCENT_OK;
}
