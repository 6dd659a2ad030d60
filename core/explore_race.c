/* explore_race.c - the optimizer race: one start, several optimizers, each
 * an ordinary fit of a clone, with its weights recorded after every epoch. */
#include "descent_explore.h"
#include "model.h"

#include <math.h>
#include <string.h>

typedef struct race_lane {
    const descent_model *m;
    float *path;                    /* epochs + 1 rows of n_params */
} race_lane;

static int record_epoch(const descent_history *h, void *user)
{
    race_lane *lane = user;
    memcpy(lane->path + (size_t)h->epochs * lane->m->n_params, lane->m->params, sizeof(float) * lane->m->n_params);
    return 0;
}

descent_status descent_model_race(const descent_model *start, const descent_optimizer_spec *optimizers, int count,
                                  const float *x, const float *y, int n, int epochs, int batch_size,
                                  float *initial_loss, float *history, float *path, descent_race_result *results,
                                  descent_error *err)
{
    if (!start) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (count < 1 || count > 64 || !optimizers)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizers must list 1..64 optimizers (got %d)", count);
    if (!initial_loss || !history || !path || !results)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "initial_loss, history, path and results must not be NULL");
    if (epochs < 1 || epochs > DESCENT_MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "epochs must be in 1..%d (got %d)", DESCENT_MAX_EPOCHS, epochs);
    for (int i = 0; i < count; i++) {
        descent_error why;
        if (optimizer_validate(&optimizers[i], &why) != DESCENT_OK)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizers[%d]: %s", i, why.message);
    }
    descent_fit_options fit = descent_fit_defaults();
    fit.epochs = epochs;
    fit.batch_size = batch_size;
    fit.on_epoch = record_epoch;
    size_t n_params = start->n_params, row = (size_t)(epochs + 1) * n_params;
    for (int i = 0; i < count; i++) {
        descent_model *m = descent_model_clone(start, err);
        if (!m) return err ? err->code : DESCENT_ERR_MEMORY;
        descent_status s = descent_model_set_optimizer(m, &optimizers[i], err);
        descent_model_reset_optimizer(m);
        if (s == DESCENT_OK && i == 0) {
            double data;
            s = descent_model_evaluate(m, x, y, n, NULL, err); /* checks the rows before the loss is taken */
            if (s == DESCENT_OK) s = model_evaluate_rows(m, x, y, NULL, n, &data, NULL, err);
            if (s == DESCENT_OK) *initial_loss = (float)data + model_penalty(m);
        }
        race_lane lane = {m, path + (size_t)i * row};
        memcpy(lane.path, m->params, sizeof(float) * n_params);
        fit.user = &lane;
        descent_history h;
        memset(&h, 0, sizeof h);
        if (s == DESCENT_OK) s = descent_model_fit(m, x, y, n, &fit, &h, err);
        descent_model_free(m);
        if (s != DESCENT_OK && s != DESCENT_ERR_NONFINITE) {
            descent_history_free(&h);
            return s;
        }
        results[i].epochs = h.epochs;
        results[i].status = s;
        for (int e = 0; e < epochs; e++) history[(size_t)i * epochs + e] = e < h.epochs ? h.loss[e] : NAN;
        for (size_t k = (size_t)(h.epochs + 1) * n_params; k < row; k++) lane.path[k] = NAN;
        descent_history_free(&h);
    }
    return DESCENT_OK;
}
