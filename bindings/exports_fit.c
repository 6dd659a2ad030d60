/* exports_fit.c - the C ABI of training: fit with JS callbacks, and the
 * trainer that runs a fit in pieces. */
#include "exports.h"

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

/* 0 with dj_last_error set when a float option is not a float32 in its range. */
static int fit_floats_ok(const double *o)
{
    return dj_check_float("validation_split", o[DJ_FIT_validation_split], DESCENT_RANGE_UNIT_OPEN) &&
           dj_check_float("min_delta", o[DJ_FIT_min_delta], DESCENT_RANGE_NON_NEGATIVE);
}

/* o: DJ_FIT_COUNT doubles (fields.h). */
static descent_fit_options unpack_fit(const double *o, const float *val_x, const float *val_y, int val_n)
{
    descent_fit_options f = descent_fit_defaults();
    f.epochs = (int)o[DJ_FIT_epochs];
    f.batch_size = (int)o[DJ_FIT_batch_size];
    f.no_shuffle = (int)o[DJ_FIT_no_shuffle];
    f.shuffle_seed = (uint32_t)o[DJ_FIT_shuffle_seed];
    f.validation_split = (float)o[DJ_FIT_validation_split];
    f.patience = (int)o[DJ_FIT_patience];
    f.min_delta = (float)o[DJ_FIT_min_delta];
    f.restore_best = (int)o[DJ_FIT_restore_best];
    int callbacks = (int)o[DJ_FIT_callbacks];
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
    if (!fit_floats_ok(o)) return dj_last_error.code;
    descent_fit_options f = unpack_fit(o, val_x, val_y, val_n);
    return descent_model_fit(m, x, y, n, &f, &history, &dj_last_error);
}

API descent_trainer *dj_trainer_create(descent_model *m, const float *x, const float *y, int n, const double *o,
                                       const float *val_x, const float *val_y, int val_n)
{
    if (!fit_floats_ok(o)) return NULL;
    descent_fit_options f = unpack_fit(o, val_x, val_y, val_n);
    return descent_trainer_create(m, x, y, n, &f, &dj_last_error);
}

API int dj_trainer_run(descent_trainer *t, double max_batches)
{
    /* the ES module passes an integer up to 2^53, which int64_t holds on wasm32 too */
    return descent_trainer_run(t, max_batches < 0 ? -1 : (int64_t)max_batches, &dj_last_error);
}

API void dj_trainer_stop(descent_trainer *t) { descent_trainer_stop(t); }
API void dj_trainer_free(descent_trainer *t) { descent_trainer_free(t); }

/* out: DJ_TRAINER_COUNT doubles (fields.h). */
API void dj_trainer_info(const descent_trainer *t, double *out)
{
    int epoch, batch, per;
    descent_trainer_position(t, &epoch, &batch, &per);
    const descent_history *h = descent_trainer_history(t);
    out[DJ_TRAINER_epoch] = epoch;
    out[DJ_TRAINER_batch] = batch;
    out[DJ_TRAINER_batches_per_epoch] = per;
    out[DJ_TRAINER_steps] = (double)h->steps;
    out[DJ_TRAINER_done] = descent_trainer_done(t);
    out[DJ_TRAINER_stopped_early] = h->stopped_early;
    out[DJ_TRAINER_best_epoch] = h->best_epoch;
    out[DJ_TRAINER_diverged_epoch] = h->diverged_epoch;
    out[DJ_TRAINER_diverged_batch] = h->diverged_batch;
    out[DJ_TRAINER_restored_epochs] = h->restored_epochs;
}

/* which: 0 loss, 1 val_loss, 2 metric, 3 val_metric */
static const float *history_array(const descent_history *h, int which)
{
    return which == 0 ? h->loss : which == 1 ? h->val_loss : which == 2 ? h->metric : h->val_metric;
}

API const float *dj_trainer_history(const descent_trainer *t, int which)
{
    return history_array(descent_trainer_history(t), which);
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
API const float *dj_history_array(int which) { return history_array(&history, which); }
