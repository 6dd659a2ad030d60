/* predict.c - a model on rows it does not train on: predict, each layer's
 * outputs, evaluate, and the checks every entry point makes on the rows it
 * is given (finite, and finite once scaled). Rows go through the workspace
 * in chunks, so any number works. */
#include "model.h"

#include <math.h>
#include <string.h>

/* Each of n·cols values must be finite, and stay finite once standardized as
 * model_load_rows does it ((v - mean) / std in float): a tiny std, or a value
 * near the float range, would otherwise turn into infinity inside. */
static descent_status check_values(const float *v, int n, int cols, const float *mean, const float *std,
                                   const char *name, const char *what, const char *scaler, descent_error *err)
{
    size_t count = (size_t)n * (size_t)cols;
    for (size_t i = 0; i < count; i++) {
        size_t r = i / (size_t)cols, c = i % (size_t)cols;
        if (!isfinite(v[i]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s[%zu][%zu] is %s: %s must be finite", name, r, c,
                                isnan(v[i]) ? "NaN" : "infinite", what);
        if (mean && !isfinite((v[i] - mean[c]) / std[c]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s[%zu][%zu] is %g, which the model's %s scaler (mean "
                                "%g, std %g) makes infinite", name, r, c, (double)v[i], scaler, (double)mean[c],
                                (double)std[c]);
    }
    return DESCENT_OK;
}

descent_status model_check_data(const descent_model *m, const float *x, const float *y, int n, const char *xname,
                                const char *yname, descent_error *err)
{
    if (!x) return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must not be NULL", xname);
    /* Rows whose bytes no array here could hold are a wrong n, not data (and
     * would wrap the counts below in a 32-bit build). */
    size_t bytes;
    descent_status s = descent_size(&bytes, (uint64_t)n, (uint64_t)m->inputs, sizeof(float), xname, err);
    if (s == DESCENT_OK && yname) s = descent_size(&bytes, (uint64_t)n, (uint64_t)m->outputs, sizeof(float), yname, err);
    if (s != DESCENT_OK) return s;
    s = check_values(x, n, m->inputs, m->in_mean, m->in_std, xname, "inputs", "input", err);
    if (s != DESCENT_OK || !yname) return s;
    if (!y) return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s must not be NULL", yname);
    return check_values(y, n, m->outputs, m->out_mean, m->out_std, yname, "targets", "target", err);
}

descent_status model_check_rows(const descent_model *m, int n, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n (rows) must be >= 1 (got %d)", n);
    return DESCENT_OK;
}

/* Predictions and losses go through the workspace in chunks, so any n works
 * with a workspace of a few hundred rows. A model too wide for a workspace of
 * 256 rows uses fewer (halving until one fits), since the rows of a
 * prediction are independent; only when even one row cannot fit does it fail,
 * with that size in the message. */
descent_status model_chunk_rows(descent_model *m, int n, int *chunk, descent_error *err)
{
    int want = n < 256 ? n : 256;
    descent_error tried; /* err stays untouched when a smaller chunk works */
    while (m->ws_rows < want) {
        descent_status s = model_ensure_rows(m, want, &tried);
        if (s == DESCENT_OK) break;
        if (s != DESCENT_ERR_MEMORY || want == 1) {
            if (err) *err = tried;
            return s;
        }
        want /= 2;
    }
    *chunk = m->ws_rows;
    return DESCENT_OK;
}

descent_status descent_model_predict(descent_model *m, const float *x, int n, float *out, descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK && !out) s = descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (s == DESCENT_OK) s = model_check_data(m, x, NULL, n, "x", NULL, err);
    int chunk = 0;
    if (s == DESCENT_OK) s = model_chunk_rows(m, n, &chunk, err);
    if (s != DESCENT_OK) return s;
    int k = m->outputs;
    for (int start = 0, rows = 0; start < n; start += rows) {
        rows = n - start < chunk ? n - start : chunk;
        model_load_rows(m, x, NULL, NULL, start, rows);
        model_forward(m, rows);
        const float *p = m->act[m->n_layers];
        float *o = out + (size_t)start * k;
        for (int i = 0; i < rows * k; i++) {
            int j = i % k;
            o[i] = m->out_mean ? p[i] * m->out_std[j] + m->out_mean[j] : p[i];
        }
    }
    return DESCENT_OK;
}

descent_status descent_model_layer_outputs(descent_model *m, const float *x, int n, int layer_index, float *out,
                                           descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK && (layer_index < 0 || layer_index >= m->n_layers))
        s = descent_fail(err, DESCENT_ERR_ARGUMENT, "layer must be in 0..%d (got %d)", m->n_layers - 1, layer_index);
    if (s == DESCENT_OK && !out) s = descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (s == DESCENT_OK) s = model_check_data(m, x, NULL, n, "x", NULL, err);
    int units = s == DESCENT_OK ? m->layers[layer_index].out : 0;
    size_t bytes;
    if (s == DESCENT_OK) s = descent_size(&bytes, (uint64_t)n, (uint64_t)units, sizeof(float), "out", err);
    int chunk = 0;
    if (s == DESCENT_OK) s = model_chunk_rows(m, n, &chunk, err);
    if (s != DESCENT_OK) return s;
    for (int start = 0, rows = 0; start < n; start += rows) {
        rows = n - start < chunk ? n - start : chunk;
        model_load_rows(m, x, NULL, NULL, start, rows);
        model_forward_to(m, rows, layer_index);
        memcpy(out + (size_t)start * units, m->act[layer_index + 1], sizeof(float) * (size_t)rows * units);
    }
    return DESCENT_OK;
}

/* The mean data loss over all rows. Like TF.js's evaluate and validation
 * loss (its test function), this leaves out the penalties. */
descent_status model_evaluate_rows(descent_model *m, const float *x, const float *y, const int *idx, int n,
                                   double *loss, int *correct, descent_error *err)
{
    int chunk = 0;
    descent_status s = model_chunk_rows(m, n, &chunk, err);
    if (s != DESCENT_OK) return s;
    double total = 0.0;
    int right = 0;
    for (int start = 0, rows = 0; start < n; start += rows) {
        rows = n - start < chunk ? n - start : chunk;
        model_load_rows(m, x, y, idx, start, rows);
        model_forward(m, rows);
        total += loss_forward_backward(m->loss, m->act[m->n_layers], m->yb, rows, m->outputs, NULL) * rows;
        right += model_batch_correct(m, rows);
    }
    *loss = total / n;
    if (correct) *correct = m->loss == DESCENT_LOSS_MSE ? -1 : right;
    return DESCENT_OK;
}

descent_status descent_model_evaluate(descent_model *m, const float *x, const float *y, int n, float *loss,
                                      descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    double v = 0.0;
    if (s == DESCENT_OK) s = model_evaluate_rows(m, x, y, NULL, n, &v, NULL, err);
    if (s != DESCENT_OK) return s;
    if (loss) *loss = (float)v;
    return DESCENT_OK;
}
