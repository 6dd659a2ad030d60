/* fit.c - epochs of mini-batch gradient descent as Keras' model.fit runs
 * them: seeded shuffling, a validation split or set, early stopping, and
 * callbacks that can stop the run between batches. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EPOCHS 10000000

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
    h->capacity = capacity;
    h->loss = malloc(sizeof(float) * (size_t)capacity);
    h->val_loss = malloc(sizeof(float) * (size_t)capacity);
    h->metric = malloc(sizeof(float) * (size_t)capacity);
    h->val_metric = malloc(sizeof(float) * (size_t)capacity);
    if (!h->loss || !h->val_loss || !h->metric || !h->val_metric) {
        descent_history_free(h);
        return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for a history of %d epochs", capacity);
    }
    return DESCENT_OK;
}

static descent_status check_options(const descent_model *m, const descent_fit_options *o, int n, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (!o) return descent_fail(err, DESCENT_ERR_ARGUMENT, "options must not be NULL (use descent_fit_defaults())");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n (rows) must be >= 1 (got %d)", n);
    if (o->epochs < 1 || o->epochs > MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "epochs must be in 1..%d (got %d)", MAX_EPOCHS, o->epochs);
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
    if (o->patience < 0)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "patience must be >= 0 (got %d)", o->patience);
    if (!(isfinite(o->min_delta) && o->min_delta >= 0.0f))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "min_delta must be a finite number >= 0 (got %g)",
                            (double)o->min_delta);
    return DESCENT_OK;
}

descent_status descent_model_fit(descent_model *m, const float *x, const float *y, int n,
                                 const descent_fit_options *o, descent_history *history, descent_error *err)
{
    descent_status s = check_options(m, o, n, err);
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    if (s != DESCENT_OK) return s;

    /* Keras takes the validation rows from the end, before any shuffling. */
    int n_train = n;
    const float *vx = NULL, *vy = NULL;
    int n_val = 0;
    if (o->val_x) {
        s = model_check_data(m, o->val_x, o->val_y, o->val_n, "val_x", "val_y", err);
        if (s != DESCENT_OK) return s;
        vx = o->val_x;
        vy = o->val_y;
        n_val = o->val_n;
    } else if (o->validation_split > 0.0f) {
        n_train = (int)floor((double)n * (1.0 - (double)o->validation_split));
        n_val = n - n_train;
        if (n_train < 1 || n_val < 1)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "validation_split %g of %d rows leaves %d for training and %d for validation: "
                                "both need at least 1",
                                (double)o->validation_split, n, n_train, n_val);
        vx = x + (size_t)n_train * m->inputs;
        vy = y + (size_t)n_train * m->outputs;
    }
    int batch = o->batch_size < n_train ? o->batch_size : n_train;

    descent_history local, *h = history ? history : &local;
    s = history_init(h, o->epochs, err);
    if (s != DESCENT_OK) return s;
    int *idx = malloc(sizeof(int) * (size_t)n_train);
    int early = o->patience > 0;
    float *best_params = early && o->restore_best ? malloc(sizeof(float) * m->n_params) : NULL;
    if (!idx || (early && o->restore_best && !best_params)) {
        s = descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for fitting %d rows", n_train);
        goto done;
    }
    s = model_ensure_rows(m, batch, err);
    if (s != DESCENT_OK) goto done;
    if (o->shuffle_seed) rng_seed(&m->shuffle, o->shuffle_seed, RNG_STREAM_SHUFFLE);

    float best = INFINITY;
    int wait = 0;
    for (int epoch = 0; epoch < o->epochs; epoch++) {
        for (int i = 0; i < n_train; i++) idx[i] = i;
        if (!o->no_shuffle) rng_shuffle(&m->shuffle, idx, n_train);
        double loss_sum = 0.0;
        long correct = 0;
        int b = 0;
        for (int start = 0; start < n_train; start += batch, b++) {
            int rows = n_train - start < batch ? n_train - start : batch;
            float loss;
            model_load_rows(m, x, y, idx, start, rows);
            s = model_step_loaded(m, rows, &loss, err);
            if (s != DESCENT_OK) goto done;
            h->steps++;
            loss_sum += (double)loss * rows;
            correct += model_batch_correct(m, rows);
            if (o->on_batch && o->on_batch(epoch, b, loss, o->user)) {
                s = DESCENT_CANCELLED;
                goto done;
            }
        }
        int e = h->epochs;
        int classify = m->loss != DESCENT_LOSS_MSE;
        h->loss[e] = (float)(loss_sum / n_train);
        h->metric[e] = classify ? (float)((double)correct / n_train) : NAN;
        h->val_loss[e] = h->val_metric[e] = NAN;
        if (n_val) {
            double vloss;
            int vcorrect;
            s = model_evaluate_rows(m, vx, vy, NULL, n_val, &vloss, &vcorrect, err);
            if (s != DESCENT_OK) goto done;
            h->val_loss[e] = (float)vloss;
            h->val_metric[e] = classify ? (float)((double)vcorrect / n_val) : NAN;
        }
        h->epochs++;

        float monitored = n_val ? h->val_loss[e] : h->loss[e];
        if (monitored < best - o->min_delta) {
            best = monitored;
            h->best_epoch = e;
            wait = 0;
            if (best_params) memcpy(best_params, m->params, sizeof(float) * m->n_params);
        } else if (early && ++wait >= o->patience) {
            h->stopped_early = 1;
        }
        if (o->on_epoch && o->on_epoch(h, o->user)) {
            s = DESCENT_CANCELLED;
            goto done;
        }
        if (h->stopped_early) break;
    }
done:
    /* Restoring also covers a run that ended without stopping early, so the
     * model always holds the best epoch's weights when asked to. */
    if (best_params && h->best_epoch >= 0 && (s == DESCENT_OK || s == DESCENT_CANCELLED))
        memcpy(m->params, best_params, sizeof(float) * m->n_params);
    free(best_params);
    free(idx);
    if (h == &local) descent_history_free(&local);
    return s;
}
