/* fit.c - training: one step on a batch (train_step), and epochs of
 * mini-batch gradient descent as Keras' model.fit runs them, whole or in
 * pieces (the trainer): seeded shuffling, a validation split or set, early
 * stopping, callbacks that can stop the run between batches, and the
 * rollback of a run that diverges. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An epoch whose loss is more than this many times the run's lowest is no
 * point to roll back to: the loss is climbing out of range. */
#define CLIMB_FACTOR 10.0f

descent_fit_options descent_fit_defaults(void)
{
    descent_fit_options o;
    memset(&o, 0, sizeof o);
    o.epochs = 1;
    o.batch_size = 32;
    return o;
}

void descent_history_free(descent_history *h)
{
    if (!h) return;
    free(h->loss);
    free(h->val_loss);
    free(h->metric);
    free(h->val_metric);
    h->loss = h->val_loss = h->metric = h->val_metric = NULL;
    h->epochs = h->capacity = 0;
}

static descent_status history_init(descent_history *h, int capacity, descent_error *err)
{
    memset(h, 0, sizeof *h);
    h->best_epoch = -1;
    h->diverged_epoch = h->diverged_batch = h->restored_epochs = -1;
    h->capacity = capacity;
    float **arrays[] = {&h->loss, &h->val_loss, &h->metric, &h->val_metric};
    for (int i = 0; i < 4; i++) {
        if (!(*arrays[i] = descent_alloc((uint64_t)capacity, sizeof(float), "the history", err))) {
            descent_history_free(h);
            return err ? err->code : DESCENT_ERR_MEMORY;
        }
    }
    return DESCENT_OK;
}

static descent_status check_options(const descent_model *m, const descent_fit_options *o, int n, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (!o) return descent_fail(err, DESCENT_ERR_ARGUMENT, "options must not be NULL (use descent_fit_defaults())");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n (rows) must be >= 1 (got %d)", n);
    if (o->epochs < 1 || o->epochs > DESCENT_MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "epochs must be in 1..%d (got %d)", DESCENT_MAX_EPOCHS,
                            o->epochs);
    if (o->batch_size < 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "batch_size must be >= 1 (got %d)", o->batch_size);
    if (!(o->validation_split >= 0.0f && o->validation_split < 1.0f))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "validation_split must be in [0, 1) (got %g)",
                            (double)o->validation_split);
    if (o->val_x || o->val_y || o->val_n) {
        if (!o->val_x || !o->val_y || o->val_n < 1)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "validation data needs val_x, val_y and val_n >= 1 (got val_n %d)", o->val_n);
    }
    if (o->patience < 0 || o->patience > DESCENT_MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "patience must be in 0..%d (got %d)", DESCENT_MAX_EPOCHS,
                            o->patience);
    if (!(isfinite(o->min_delta) && o->min_delta >= 0.0f))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "min_delta must be a finite number >= 0 (got %g)",
                            (double)o->min_delta);
    return DESCENT_OK;
}

/* ----------------------------------------------------------------- rollback
 * What training changes in a model, kept to go back to: the weights, the
 * state arrays its optimizer uses (and only those), the step count, Adam's β
 * powers and the shuffle stream. Taken when a run starts and then once per
 * epoch that counts, in the next epoch's first step between its gradient and
 * its update: the weights are still the epoch's last, and that batch's loss
 * has just measured them. */
typedef struct snapshot {
    float *data;                    /* params, then `slots` state arrays, n_params floats each */
    int room;                       /* state arrays data has room for */
    int slots;                      /* state arrays held */
    descent_optimizer_kind kind;    /* whose state they are */
    int64_t t;
    float beta1_pow, beta2_pow;
    rng shuffle;
} snapshot;

/* shuffle: the stream as it stood at the point taken (the model's may have
 * drawn the next epoch's order since). */
static descent_status snapshot_take(snapshot *s, const descent_model *m, rng shuffle, descent_error *err)
{
    int slots = optimizer_slots(m->opt.kind);
    if (!s->data || slots > s->room) {
        float *data = descent_alloc((uint64_t)(1 + slots) * m->n_params, sizeof(float),
                                    "the copy of the weights and optimizer state a diverging run rolls back to", err);
        if (!data) return err ? err->code : DESCENT_ERR_MEMORY;
        free(s->data);
        s->data = data;
        s->room = slots;
    }
    size_t n = m->n_params;
    memcpy(s->data, m->params, sizeof(float) * n);
    for (int k = 0; k < slots; k++) memcpy(s->data + (size_t)(k + 1) * n, m->state[k], sizeof(float) * n);
    s->slots = slots;
    s->kind = m->opt.kind;
    s->t = m->t;
    s->beta1_pow = m->beta1_pow;
    s->beta2_pow = m->beta2_pow;
    s->shuffle = shuffle;
    return DESCENT_OK;
}

/* The optimizer's state goes back only if it is still the optimizer's: after
 * a change of optimizer mid-run it starts afresh, as the change made it. */
static void snapshot_restore(const snapshot *s, descent_model *m)
{
    size_t n = m->n_params;
    memcpy(m->params, s->data, sizeof(float) * n);
    if (m->opt.kind == s->kind) {
        for (int k = 0; k < s->slots; k++) memcpy(m->state[k], s->data + (size_t)(k + 1) * n, sizeof(float) * n);
        m->t = s->t;
        m->beta1_pow = s->beta1_pow;
        m->beta2_pow = s->beta2_pow;
    } else {
        optimizer_reset(m);
    }
    m->last_grads = 0; /* the diverged step's gradient is not the restored state's */
    m->shuffle = s->shuffle;
}

struct descent_trainer {
    descent_model *m;
    const float *x, *y, *vx, *vy;
    int n_train, n_val, batch, batches_per_epoch;
    descent_fit_options o;
    int *idx;                       /* this epoch's row order */
    float *best_params;             /* with restore_best: the best epoch's weights */
    snapshot good;                  /* where a diverging run goes back to */
    int good_epochs;                /* the epochs of this run `good` holds (0: the start) */
    float lowest;                   /* the lowest loss of the start and the epochs that counted */
    int start_measured;             /* lowest's start loss is measured, not the first batch's */
    rng shuffle_before;             /* the stream before this epoch drew its order */
    float climb;                    /* the loss that turned away the first point after `good` */
    descent_history h;
    float best;
    int wait;
    /* Where the run is: the next batch starts at row `start` of epoch h.epochs. */
    int start, b;
    double loss_sum;
    int64_t correct;
    int done;
};

descent_trainer *descent_trainer_create(descent_model *m, const float *x, const float *y, int n,
                                        const descent_fit_options *o, descent_error *err)
{
    if (check_options(m, o, n, err) != DESCENT_OK || model_check_data(m, x, y, n, "x", "y", err) != DESCENT_OK)
        return NULL;
    /* Keras takes the validation rows from the end, before any shuffling. */
    int n_train = n, n_val = 0;
    const float *vx = NULL, *vy = NULL;
    if (o->val_x) {
        if (model_check_data(m, o->val_x, o->val_y, o->val_n, "val_x", "val_y", err) != DESCENT_OK) return NULL;
        vx = o->val_x;
        vy = o->val_y;
        n_val = o->val_n;
    } else if (o->validation_split > 0.0f) {
        n_train = (int)floor((double)n * (1.0 - (double)o->validation_split));
        n_val = n - n_train;
        if (n_train < 1 || n_val < 1) {
            descent_fail(err, DESCENT_ERR_ARGUMENT,
                         "validation_split %g of %d rows leaves %d for training and %d for validation: "
                         "both need at least 1",
                         (double)o->validation_split, n, n_train, n_val);
            return NULL;
        }
        vx = x + (size_t)n_train * m->inputs;
        vy = y + (size_t)n_train * m->outputs;
    }
    descent_trainer *t = calloc(1, sizeof *t);
    if (!t) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for a trainer");
        return NULL;
    }
    t->m = m;
    t->x = x;
    t->y = y;
    t->vx = vx;
    t->vy = vy;
    t->n_train = n_train;
    t->n_val = n_val;
    t->o = *o;
    t->batch = o->batch_size < n_train ? o->batch_size : n_train;
    t->batches_per_epoch = n_train / t->batch + (n_train % t->batch != 0); /* n_train + batch would overflow an int */
    t->best = INFINITY;
    int restore = o->patience > 0 && o->restore_best;
    descent_status s = DESCENT_OK;
    if (!(t->idx = descent_alloc((uint64_t)n_train, sizeof(int), "the row order", err)) ||
        (restore && !(t->best_params = descent_alloc(m->n_params, sizeof(float), "the best weights", err))))
        s = err ? err->code : DESCENT_ERR_MEMORY;
    if (s == DESCENT_OK) s = history_init(&t->h, o->epochs, err);
    if (s == DESCENT_OK) s = model_ensure_rows(m, t->batch, err);
    /* the start, before shuffle_seed restarts the stream: the model as it came */
    if (s == DESCENT_OK) s = snapshot_take(&t->good, m, m->shuffle, err);
    if (s != DESCENT_OK) {
        descent_trainer_free(t);
        return NULL;
    }
    t->lowest = INFINITY;
    if (o->shuffle_seed) rng_seed(&m->shuffle, o->shuffle_seed, RNG_STREAM_SHUFFLE);
    return t;
}

/* Restoring also covers a run that ended without stopping early, so the model
 * always holds the best epoch's weights when asked to. */
static void finish(descent_trainer *t)
{
    if (t->done) return;
    t->done = 1;
    if (t->best_params && t->h.best_epoch >= 0)
        memcpy(t->m->params, t->best_params, sizeof(float) * t->m->n_params);
}

/* The loss at the run's start: the data loss of the training rows plus the
 * penalties, with the start's weights read in place from the snapshot. */
static descent_status start_loss(descent_trainer *t, float *loss, descent_error *err)
{
    descent_model *m = t->m;
    float *live = m->params;
    m->params = t->good.data;
    double data;
    descent_status s = model_evaluate_rows(m, t->x, t->y, NULL, t->n_train, &data, NULL, err);
    *loss = (float)data + model_penalty(m);
    m->params = live;
    return s;
}

/* The end of the last epoch counts as a point to roll back to when its loss,
 * and the loss of this first batch of the next (taken at its end weights), are
 * finite and at most CLIMB_FACTOR times the lowest so far: a loss that climbs,
 * or an epoch's last update that blows the weights up, keeps the older point.
 * Until an epoch counts, the lowest is the start's loss, estimated by the
 * run's first batch and measured over the training rows when it alone would
 * turn an epoch away. Called between the batch's gradient and its update. */
static descent_status keep_if_sane(descent_trainer *t, float first, descent_error *err)
{
    float epoch = t->h.loss[t->h.epochs - 1];
    float worse = epoch > first ? epoch : first;
    if (!(worse <= CLIMB_FACTOR * t->lowest) && t->good_epochs == 0 && !t->start_measured) {
        descent_status s = start_loss(t, &t->lowest, err);
        if (s != DESCENT_OK) return s;
        t->start_measured = 1;
    }
    if (!(worse <= CLIMB_FACTOR * t->lowest)) {
        if (t->good_epochs == t->h.epochs - 1) t->climb = worse;
        return DESCENT_OK;
    }
    descent_status s = snapshot_take(&t->good, t->m, t->shuffle_before, err);
    if (s != DESCENT_OK) return s;
    t->good_epochs = t->h.epochs;
    if (epoch < t->lowest) t->lowest = epoch;
    return DESCENT_OK;
}

/* After a non-finite loss or update in batch b of the current epoch: back to
 * the snapshot, with a message that says where it happened, where the model
 * is now and what to try. err holds the step's cause. */
static descent_status roll_back(descent_trainer *t, int b, float loss, descent_error *err)
{
    descent_history *h = &t->h;
    h->diverged_epoch = h->epochs;
    h->diverged_batch = b;
    h->restored_epochs = t->good_epochs;
    snapshot_restore(&t->good, t->m);
    if (!err) return DESCENT_ERR_NONFINITE;
    char cause[DESCENT_MESSAGE_MAX], back[200], advice[256];
    descent_format(cause, sizeof cause, "%s", err->message);
    int n = t->good_epochs;
    if (n == h->epochs && n == 0)
        descent_format(back, sizeof back, "where it was before epoch 1");
    else if (n == h->epochs)
        descent_format(back, sizeof back, "the end of epoch %d", n);
    else if (n == 0)
        descent_format(back, sizeof back, "where it was before epoch 1, before the loss climbed to %.3g (over %g times "
                 "the start's, %.3g)", (double)t->climb, (double)CLIMB_FACTOR, (double)t->lowest);
    else
        descent_format(back, sizeof back, "the end of epoch %d, before the loss climbed to %.3g (over %g times the lowest, "
                 "%.3g)", n, (double)t->climb, (double)CLIMB_FACTOR, (double)t->lowest);
    model_nonfinite_advice(t->m, loss, h->epochs == 0 && b == 0, advice, sizeof advice);
    return descent_fail(err, DESCENT_ERR_NONFINITE,
                        "epoch %d, batch %d of %d: %s. The model's weights and optimizer state are rolled back to "
                        "%s; %s", h->epochs + 1, b + 1, t->batches_per_epoch, cause, back, advice);
}

/* The bookkeeping at the end of an epoch: its logs, validation, early stopping. */
static descent_status end_epoch(descent_trainer *t, descent_error *err)
{
    descent_model *m = t->m;
    descent_history *h = &t->h;
    int e = h->epochs;
    int classify = m->loss != DESCENT_LOSS_MSE;
    h->loss[e] = (float)(t->loss_sum / t->n_train);
    h->metric[e] = classify ? (float)((double)t->correct / t->n_train) : NAN;
    h->val_loss[e] = h->val_metric[e] = NAN;
    if (t->n_val) {
        double vloss;
        int vcorrect;
        descent_status s = model_evaluate_rows(m, t->vx, t->vy, NULL, t->n_val, &vloss, &vcorrect, err);
        if (s != DESCENT_OK) return s;
        h->val_loss[e] = (float)vloss;
        h->val_metric[e] = classify ? (float)((double)vcorrect / t->n_val) : NAN;
    }
    h->epochs++;
    t->start = 0;
    float monitored = t->n_val ? h->val_loss[e] : h->loss[e];
    if (monitored < t->best - t->o.min_delta) {
        t->best = monitored;
        h->best_epoch = e;
        t->wait = 0;
        if (t->best_params) memcpy(t->best_params, m->params, sizeof(float) * m->n_params);
    } else if (t->o.patience > 0 && ++t->wait >= t->o.patience) {
        h->stopped_early = 1;
    }
    return DESCENT_OK;
}

descent_status descent_trainer_run(descent_trainer *t, int64_t max_batches, descent_error *err)
{
    if (!t) return descent_fail(err, DESCENT_ERR_ARGUMENT, "trainer must not be NULL");
    descent_model *m = t->m;
    const descent_fit_options *o = &t->o;
    for (int64_t ran = 0; !t->done && (max_batches < 0 || ran < max_batches); ran++) {
        int first = t->start == 0;
        if (first) {
            t->shuffle_before = m->shuffle;
            for (int i = 0; i < t->n_train; i++) t->idx[i] = i;
            if (!o->no_shuffle) rng_shuffle(&m->shuffle, t->idx, t->n_train);
            t->loss_sum = 0.0;
            t->correct = 0;
            t->b = 0;
        }
        int rows = t->n_train - t->start < t->batch ? t->n_train - t->start : t->batch;
        model_load_rows(m, t->x, t->y, t->idx, t->start, rows);
        double obj = model_gradient(m, rows);
        float loss = (float)obj;
        int correct = model_batch_correct(m, rows); /* before keep_if_sane may reuse the workspace */
        descent_status s = first && t->h.epochs > 0 ? keep_if_sane(t, loss, err) : DESCENT_OK;
        if (s == DESCENT_OK) s = model_update(m, obj, err);
        if (s != DESCENT_OK) {
            t->done = 1;
            return s == DESCENT_ERR_NONFINITE ? roll_back(t, t->b, loss, err) : s;
        }
        if (t->h.steps == 0) t->lowest = loss; /* the first batch's loss, at the start's weights */
        t->h.steps++;
        t->loss_sum += (double)loss * rows;
        t->correct += correct;
        t->start += rows;
        int b = t->b++;
        if (o->on_batch && o->on_batch(t->h.epochs, b, loss, o->user)) {
            finish(t);
            return DESCENT_CANCELLED;
        }
        if (t->start < t->n_train) continue;
        s = end_epoch(t, err);
        if (s != DESCENT_OK) {
            t->done = 1;
            return s;
        }
        if (o->on_epoch && o->on_epoch(&t->h, o->user)) {
            finish(t);
            return DESCENT_CANCELLED;
        }
        if (t->h.stopped_early || t->h.epochs == o->epochs) finish(t);
    }
    return DESCENT_OK;
}

void descent_trainer_stop(descent_trainer *t)
{
    if (t) finish(t);
}

int descent_trainer_done(const descent_trainer *t) { return t->done; }
const descent_history *descent_trainer_history(const descent_trainer *t) { return &t->h; }

void descent_trainer_position(const descent_trainer *t, int *epoch, int *batch, int *batches_per_epoch)
{
    if (epoch) *epoch = t->h.epochs;
    if (batch) *batch = t->start == 0 ? 0 : t->b;
    if (batches_per_epoch) *batches_per_epoch = t->batches_per_epoch;
}

void descent_trainer_free(descent_trainer *t)
{
    if (!t) return;
    descent_history_free(&t->h);
    free(t->idx);
    free(t->best_params);
    free(t->good.data);
    free(t);
}

descent_status descent_model_fit(descent_model *m, const float *x, const float *y, int n,
                                 const descent_fit_options *o, descent_history *history, descent_error *err)
{
    descent_error local;
    if (!err) err = &local; /* the status comes from it when creation fails */
    descent_trainer *t = descent_trainer_create(m, x, y, n, o, err);
    if (!t) return err->code;
    descent_status s = descent_trainer_run(t, -1, err);
    if (history) {
        *history = t->h; /* the caller owns the arrays from here */
        memset(&t->h, 0, sizeof t->h);
    }
    descent_trainer_free(t);
    return s;
}

descent_status descent_model_train_step(descent_model *m, const float *x, const float *y, int n, float *loss,
                                        descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    if (s == DESCENT_OK) s = model_ensure_rows(m, n, err);
    if (s != DESCENT_OK) return s;
    model_load_rows(m, x, y, NULL, 0, n);
    float value;
    s = model_step_loaded(m, n, &value, err);
    if (loss) *loss = value;
    if (s == DESCENT_ERR_NONFINITE && err) {
        /* a non-finite loss stops before the update; a refused update has counted its step */
        char cause[DESCENT_MESSAGE_MAX], advice[256];
        descent_format(cause, sizeof cause, "%s", err->message);
        model_nonfinite_advice(m, value, m->t == 0, advice, sizeof advice);
        int update = isfinite(value);
        descent_fail(err, s, "%s at step %lld: %s; %s", cause, (long long)(update ? m->t : m->t + 1),
                     update ? "those weights keep their last finite values" : "the weights are left as they were",
                     advice);
    }
    return s;
}
