/* layers.c - the dense layers' passes: each layer's forward and backward side
 * by side (z = x·W + b, a = act(z); and back from ∂L/∂a to the kernel's and
 * bias's gradients, the penalties' included, and ∂L/∂x for the layer
 * below), the whole network's forward and backward over the loaded rows,
 * and one training step. The arithmetic follows Keras as TF.js implements it. */
#include "model.h"

#include <math.h>

/* act[l + 1] = act(act[l]·W + b) over rows rows. */
static void layer_forward(descent_model *m, int l, int rows)
{
    const layer *L = &m->layers[l];
    float *z = m->act[l + 1];
    m->k->gemm_nn(z, L->out, m->act[l], L->in, m->params + L->w_off, L->out, rows, L->out, L->in, 0);
    m->k->bias_act(z, L->spec.no_bias ? NULL : m->params + L->b_off, rows, L->out, L->spec.activation, L->spec.alpha);
}

static void softmax_backward(float *d, const float *a, int rows, int cols)
{
    for (int b = 0; b < rows; b++) {
        float *db = d + (size_t)b * cols;
        const float *ab = a + (size_t)b * cols;
        float dot = 0.0f;
        for (int j = 0; j < cols; j++) dot += db[j] * ab[j];
        for (int j = 0; j < cols; j++) db[j] = ab[j] * (db[j] - dot);
    }
}

/* d holds ∂L/∂a for layer l's output (rows × out; it becomes ∂L/∂z): fills
 * the layer's gradients, penalties included, and, if below is not NULL,
 * ∂L/∂x (rows × in) for the layer below. */
static void layer_backward(descent_model *m, int l, int rows, float *d, float *below)
{
    const layer *L = &m->layers[l];
    if (L->spec.activation == DESCENT_ACT_SOFTMAX) softmax_backward(d, m->act[l + 1], rows, L->out);
    else m->k->act_backward(d, m->act[l + 1], rows * L->out, L->spec.activation, L->spec.alpha);
    m->k->gemm_tn(m->grads + L->w_off, L->out, m->act[l], L->in, d, L->out, L->in, L->out, rows, 0);
    if (!L->spec.no_bias) m->k->colsum(m->grads + L->b_off, d, rows, L->out);
    if (below) m->k->gemm_nt(below, L->in, d, L->out, m->params + L->w_off, L->out, rows, L->in, L->out, 0);
    float l1 = L->spec.l1, l2x2 = 2.0f * L->spec.l2;
    if (l1 != 0.0f || l2x2 != 0.0f) {
        float *g = m->grads + L->w_off;
        const float *w = m->params + L->w_off;
        size_t count = (size_t)L->in * L->out;
        for (size_t i = 0; i < count; i++) {
            /* d|w|/dw is -1 at w = 0 in TF.js (step(x, -1)) */
            if (l1 != 0.0f) g[i] += l1 * (w[i] > 0.0f ? 1.0f : -1.0f);
            if (l2x2 != 0.0f) g[i] += L->spec.l2 * (w[i] * 2.0f);
        }
    }
}

void model_forward_to(descent_model *m, int rows, int last)
{
    for (int l = 0; l <= last; l++) layer_forward(m, l, rows);
}

void model_forward(descent_model *m, int rows)
{
    model_forward_to(m, rows, m->n_layers - 1);
}

/* From ∂L/∂output in delta[0] down to the first layer, ping-ponging the two delta buffers. */
static void backward(descent_model *m, int rows)
{
    int cur = 0;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        layer_backward(m, l, rows, m->delta[cur], l > 0 ? m->delta[1 - cur] : NULL);
        cur = 1 - cur;
    }
}

double model_gradient(descent_model *m, int rows)
{
    model_forward(m, rows);
    double obj = model_objective(m, rows, 1);
    if (isfinite(obj)) backward(m, rows);
    return obj;
}

descent_status model_step_loaded(descent_model *m, int rows, float *loss, descent_error *err)
{
    double obj = model_gradient(m, rows);
    if (loss) *loss = (float)obj;
    return model_update(m, obj, err);
}
