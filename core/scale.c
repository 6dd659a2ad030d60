/* scale.c - standardization: per-column mean and deviation, applied in
 * place; and the scalers a model takes from its training rows (the inputs',
 * and for regression the target's), fitted in one place for the CLI,
 * tuning and the bindings. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

descent_status descent_standardize_fit(const float *x, int n, int columns, float *mean, float *std, descent_error *err)
{
    if (!x || !mean || !std) return descent_fail(err, DESCENT_ERR_ARGUMENT, "x, mean and std must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (columns < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "columns must be >= 1, got %d", columns);
    size_t bytes; /* n x columns floats that no array here could hold is a wrong n */
    descent_status s = descent_size(&bytes, (uint64_t)n, (uint64_t)columns, sizeof(float), "x", err);
    if (s != DESCENT_OK) return s;
    size_t cols = (size_t)columns;
    for (size_t j = 0; j < cols; j++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[(size_t)i * cols + j];
            if (!isfinite(v))
                return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                    "row %d, column %zu (0-based) is %g: cannot standardize a non-finite value", i, j,
                                    (double)v);
            sum += v;
        }
        double m = sum / n;
        /* Deviations from the mean, not E[x²] - m², which cancels badly. */
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = x[(size_t)i * cols + j] - m;
            ss += d * d;
        }
        double sd = sqrt(ss / n);
        if (!(sd >= 1e-12 * fmax(1.0, fabs(m))) || (float)sd == 0) sd = 1;
        mean[j] = (float)m;
        std[j] = (float)sd;
    }
    return DESCENT_OK;
}

descent_status descent_standardize_apply(float *x, int n, int columns, const float *mean, const float *std,
                                         descent_error *err)
{
    if (!x || !mean || !std) return descent_fail(err, DESCENT_ERR_ARGUMENT, "x, mean and std must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (columns < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "columns must be >= 1, got %d", columns);
    size_t bytes;
    descent_status s = descent_size(&bytes, (uint64_t)n, (uint64_t)columns, sizeof(float), "x", err);
    if (s != DESCENT_OK) return s;
    size_t cols = (size_t)columns;
    for (size_t j = 0; j < cols; j++) {
        if (!isfinite(mean[j])) return descent_fail(err, DESCENT_ERR_ARGUMENT, "mean[%zu] is not finite", j);
        if (!(isfinite(std[j]) && std[j] > 0))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "std[%zu] must be finite and > 0 (got %g)", j,
                                (double)std[j]);
    }
    /* Checked before anything is written, so a refusal leaves x as it was. */
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * cols;
        for (size_t j = 0; j < cols; j++)
            if (!isfinite((row[j] - mean[j]) / std[j]))
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "x[%d][%zu] is %g: standardized with mean %g and std "
                                    "%g it is not finite", i, j, (double)row[j], (double)mean[j], (double)std[j]);
    }
    for (int i = 0; i < n; i++) {
        float *row = x + (size_t)i * cols;
        for (size_t j = 0; j < cols; j++) row[j] = (row[j] - mean[j]) / std[j];
    }
    return DESCENT_OK;
}

/* ---------------------------------------------------------------- scalers */

descent_status descent_dataset_fit_scalers(const descent_dataset *t, int scale, float *in_mean, float *in_std,
                                           float *out_mean, float *out_std, int *fitted, descent_error *err)
{
    if (fitted) *fitted = 0;
    if (!t) return descent_fail(err, DESCENT_ERR_ARGUMENT, "train must not be NULL");
    if (scale & ~DESCENT_SCALE_ALL)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "scale must combine DESCENT_SCALE_INPUTS (1) and "
                            "DESCENT_SCALE_TARGET (2), got %d", scale);
    int inputs = (scale & DESCENT_SCALE_INPUTS) != 0;
    /* A classification target is class labels encoded for the network, never scaled. */
    int target = (scale & DESCENT_SCALE_TARGET) && descent_dataset_task(t) == DESCENT_TASK_REGRESSION &&
                 t->outputs > 0 && t->y;
    if ((inputs && (!in_mean || !in_std)) || (target && (!out_mean || !out_std)))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the %s scaler's mean and std arrays must not be NULL",
                            inputs && (!in_mean || !in_std) ? "input" : "target");
    descent_status s = DESCENT_OK;
    if (inputs) s = descent_standardize_fit(t->x, t->n, t->features, in_mean, in_std, err);
    if (s == DESCENT_OK && target) s = descent_standardize_fit(t->y, t->n, t->outputs, out_mean, out_std, err);
    if (s == DESCENT_OK && fitted) *fitted = (inputs ? DESCENT_SCALE_INPUTS : 0) | (target ? DESCENT_SCALE_TARGET : 0);
    return s;
}

/* Sets the fitted scalers; if the second cannot be set, the first goes back
 * to what the model had, so a failure leaves the model as it was. */
static descent_status set_fitted(descent_model *m, int fitted, const float *in_mean, const float *in_std,
                                 const float *out_mean, const float *out_std, descent_error *err)
{
    int outputs = descent_model_outputs(m);
    float *old = NULL;
    const float *old_mean = descent_model_target_mean(m), *old_std = descent_model_target_std(m);
    descent_status s = DESCENT_OK;
    if ((fitted & DESCENT_SCALE_TARGET) && (fitted & DESCENT_SCALE_INPUTS) && old_mean) {
        if (!(old = descent_alloc(2 * (uint64_t)outputs, sizeof(float), "a copy of the target scaler", err)))
            return DESCENT_ERR_MEMORY;
        memcpy(old, old_mean, sizeof(float) * (size_t)outputs);
        memcpy(old + outputs, old_std, sizeof(float) * (size_t)outputs);
    }
    if (fitted & DESCENT_SCALE_TARGET) s = descent_model_set_target_scaler(m, out_mean, out_std, err);
    if (s == DESCENT_OK && (fitted & DESCENT_SCALE_INPUTS)) {
        s = descent_model_set_input_scaler(m, in_mean, in_std, err);
        if (s != DESCENT_OK && (fitted & DESCENT_SCALE_TARGET))
            descent_model_set_target_scaler(m, old, old ? old + outputs : NULL, NULL);
    }
    free(old);
    return s;
}

descent_status descent_model_fit_scalers(descent_model *m, const descent_dataset *t, int scale, descent_error *err)
{
    if (!m || !t) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model and train must not be NULL");
    if ((scale & DESCENT_SCALE_INPUTS) && t->features != descent_model_inputs(m))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the training rows have %d features but the model takes %d "
                            "inputs", t->features, descent_model_inputs(m));
    if ((scale & DESCENT_SCALE_TARGET) && descent_dataset_task(t) == DESCENT_TASK_REGRESSION &&
        t->outputs != descent_model_outputs(m))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the training rows have %d target columns but the model has "
                            "%d outputs", t->outputs, descent_model_outputs(m));
    uint64_t in = (uint64_t)t->features, out = (uint64_t)(t->outputs > 0 ? t->outputs : 1);
    float *buf = descent_alloc(2 * (in + out), sizeof(float), "the scalers", err);
    if (!buf) return DESCENT_ERR_MEMORY;
    float *in_mean = buf, *in_std = buf + in, *out_mean = buf + 2 * in, *out_std = out_mean + out;
    int fitted = 0;
    descent_status s = descent_dataset_fit_scalers(t, scale, in_mean, in_std, out_mean, out_std, &fitted, err);
    if (s == DESCENT_OK) s = set_fitted(m, fitted, in_mean, in_std, out_mean, out_std, err);
    free(buf);
    return s;
}
