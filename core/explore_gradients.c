/* explore_gradients.c - the gradient inspector: per layer, the size of the
 * loss gradient, of the weights and of the last update, and the dead relu
 * units, from the training code's own forward and backward passes. */
#include "descent_explore.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A workspace of up to 256 rows (model_chunk_rows), used for at most
 * min(n, 256) rows at a time. */
static descent_status chunk_size(descent_model *m, int n, int *chunk, descent_error *err)
{
    descent_status s = model_chunk_rows(m, n, chunk, err);
    int want = n < 256 ? n : 256;
    if (s == DESCENT_OK && *chunk > want) *chunk = want;
    return s;
}

static double sumsq(const float *v, size_t count)
{
    double s = 0.0;
    for (size_t i = 0; i < count; i++) s += (double)v[i] * v[i];
    return s;
}

/* The gradient of the mean data loss over n rows into acc (n_params
 * doubles), each chunk's mean-loss gradient weighted by its share of the
 * rows; alive[u] becomes 1 for each relu unit with a positive output. The
 * penalties are switched off for the pass, so only the data loss is
 * differentiated, as evaluate measures it. */
static descent_status data_gradient(descent_model *m, const float *x, const float *y, int n, double *acc,
                                    unsigned char *alive, descent_error *err)
{
    int chunk = 0;
    descent_status s = chunk_size(m, n, &chunk, err);
    if (s != DESCENT_OK) return s;
    float *pen = descent_alloc((uint64_t)m->n_layers, 2 * sizeof(float), "the penalties", err);
    if (!pen) return err ? err->code : DESCENT_ERR_MEMORY;
    for (int l = 0; l < m->n_layers; l++) {
        pen[2 * l] = m->layers[l].spec.l1;
        pen[2 * l + 1] = m->layers[l].spec.l2;
        m->layers[l].spec.l1 = m->layers[l].spec.l2 = 0.0f;
    }
    double total = 0.0;
    for (int start = 0, rows = 0; start < n && isfinite(total); start += rows) {
        rows = n - start < chunk ? n - start : chunk;
        model_load_rows(m, x, y, NULL, start, rows);
        double loss = model_gradient(m, rows);
        total += loss * rows;
        if (!isfinite(loss)) break;
        double share = (double)rows / n;
        for (size_t i = 0; i < m->n_params; i++) acc[i] += share * m->grads[i];
        size_t u = 0;
        for (int l = 0; l < m->n_layers; l++) {
            const layer *L = &m->layers[l];
            if (L->spec.activation != DESCENT_ACT_RELU) continue;
            const float *a = m->act[l + 1];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < L->out; j++)
                    if (a[(size_t)r * L->out + j] > 0.0f) alive[u + j] = 1;
            u += (size_t)L->out;
        }
    }
    for (int l = 0; l < m->n_layers; l++) {
        m->layers[l].spec.l1 = pen[2 * l];
        m->layers[l].spec.l2 = pen[2 * l + 1];
    }
    free(pen);
    if (!isfinite(total))
        return descent_fail(err, DESCENT_ERR_NONFINITE, "the loss on these %d rows is not finite (%g): the gradient "
                            "is undefined", n, total / n);
    return DESCENT_OK;
}

descent_status descent_model_gradient_stats(descent_model *m, const float *x, const float *y, int n,
                                            descent_layer_stats *out, float *grad, descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK && !out) s = descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    if (s != DESCENT_OK) return s;
    size_t relu_units = 0;
    for (int l = 0; l < m->n_layers; l++)
        if (m->layers[l].spec.activation == DESCENT_ACT_RELU) relu_units += (size_t)m->layers[l].out;
    /* the last step's gradient is kept aside and put back: the next call's
     * update ratio needs it */
    double *acc = descent_zalloc(m->n_params, sizeof(double), "the gradient", err);
    float *kept = acc ? descent_alloc(m->n_params, sizeof(float), "the last step's gradient", err) : NULL;
    unsigned char *alive = kept ? descent_zalloc(relu_units, 1, "the relu units' flags", err) : NULL;
    if (!alive) {
        free(acc);
        free(kept);
        return err ? err->code : DESCENT_ERR_MEMORY;
    }
    memcpy(kept, m->grads, sizeof(float) * m->n_params);
    s = data_gradient(m, x, y, n, acc, alive, err);
    memcpy(m->grads, kept, sizeof(float) * m->n_params);
    if (s == DESCENT_OK) {
        size_t u = 0;
        for (int l = 0; l < m->n_layers; l++) {
            const layer *L = &m->layers[l];
            size_t k = (size_t)L->in * L->out;
            double g2 = 0.0, b2 = 0.0;
            for (size_t i = 0; i < k; i++) g2 += acc[L->w_off + i] * acc[L->w_off + i];
            if (!L->spec.no_bias)
                for (int j = 0; j < L->out; j++) b2 += acc[L->b_off + j] * acc[L->b_off + j];
            descent_layer_stats *o = &out[l];
            o->kernel_grad_norm = sqrt(g2);
            o->bias_grad_norm = L->spec.no_bias ? NAN : sqrt(b2);
            o->kernel_norm = sqrt(sumsq(m->params + L->w_off, k));
            o->update_ratio = m->t > 0 && m->last_grads && o->kernel_norm > 0.0
                                  ? sqrt(optimizer_last_update_sumsq(m, L->w_off, k)) / o->kernel_norm
                                  : NAN;
            o->dead_share = NAN;
            if (L->spec.activation == DESCENT_ACT_RELU) {
                int dead = 0;
                for (int j = 0; j < L->out; j++) dead += !alive[u + j];
                o->dead_share = (double)dead / L->out;
                u += (size_t)L->out;
            }
        }
        if (grad)
            for (size_t i = 0; i < m->n_params; i++) grad[i] = (float)acc[i];
    }
    free(acc);
    free(kept);
    free(alive);
    return s;
}
