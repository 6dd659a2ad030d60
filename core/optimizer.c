/* optimizer.c - the six optimizers' state and update, with TF.js's float32
 * arithmetic (see the kernels for the per-element rules); their names,
 * defaults and ranges are in vocabulary.c. */
#include "model.h"

#include <math.h>
#include <string.h>

#define TFJS_EPSILON 1e-7           /* backend epsilon: AdaGrad's, fixed */

int optimizer_slots(descent_optimizer_kind kind)
{
    switch (kind) {
    case DESCENT_OPT_SGD: return 0;
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV:
    case DESCENT_OPT_ADAGRAD: return 1;
    case DESCENT_OPT_ADAM: return 2;
    case DESCENT_OPT_RMSPROP: return 3;
    }
    return 0;
}

void optimizer_reset(descent_model *m)
{
    size_t n = m->n_params;
    for (int s = 0; s < OPT_SLOTS; s++) memset(m->state[s], 0, sizeof(float) * n);
    if (m->opt.kind == DESCENT_OPT_ADAGRAD) {
        float a = (float)m->opt.initial_accumulator;
        for (size_t i = 0; i < n; i++) m->state[0][i] = a;
    }
    m->t = 0;
    m->last_grads = 0;
    /* Only Adam uses (and validates) its betas; another optimizer's fields
     * may hold anything, so its unused powers are 1 rather than copies of them
     * (a non-finite copy would be saved and then refused by the loader). */
    int adam = m->opt.kind == DESCENT_OPT_ADAM;
    m->beta1_pow = adam ? (float)m->opt.beta1 : 1.0f;
    m->beta2_pow = adam ? (float)m->opt.beta2 : 1.0f;
}

void descent_model_reset_optimizer(descent_model *m)
{
    if (m) optimizer_reset(m);
}

descent_optimizer_spec descent_model_optimizer(const descent_model *m)
{
    return m->opt;
}

descent_status descent_model_set_optimizer(descent_model *m, const descent_optimizer_spec *spec, descent_error *err)
{
    if (!m || !spec) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model and spec must not be NULL");
    descent_status s = optimizer_validate(spec, err);
    if (s != DESCENT_OK) return s;
    int same = spec->kind == m->opt.kind;
    m->opt = *spec;
    if (!same) optimizer_reset(m);
    return DESCENT_OK;
}

descent_status descent_model_set_learning_rate(descent_model *m, double lr, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    descent_status s = descent_check_float("learning_rate", lr, DESCENT_RANGE_POSITIVE, err);
    if (s != DESCENT_OK) return s;
    m->opt.learning_rate = lr;
    return DESCENT_OK;
}

/* Scalars enter as TF.js makes them: hyper-parameters are JS doubles turned
 * into float32 scalars, and 1 - β is computed in double before that. */
int optimizer_apply(descent_model *m)
{
    const kernel_table *k = m->k;
    const descent_optimizer_spec *o = &m->opt;
    float *w = m->params;
    const float *g = m->grads;
    int n = (int)m->n_params;
    float lr = (float)o->learning_rate;
    int bad = 0;
    switch (o->kind) {
    case DESCENT_OPT_SGD: bad = k->sgd(w, g, n, lr); break;
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV:
        bad = k->momentum(w, m->state[0], g, n, lr, (float)o->momentum, o->kind == DESCENT_OPT_NESTEROV);
        break;
    case DESCENT_OPT_ADAGRAD: bad = k->adagrad(w, m->state[0], g, n, lr, (float)TFJS_EPSILON); break;
    case DESCENT_OPT_RMSPROP:
        bad = k->rmsprop(w, m->state[0], m->state[1], m->state[2], g, n, lr, (float)o->rho, (float)(1.0 - o->rho),
                         (float)o->momentum, (float)o->epsilon, o->centered);
        break;
    case DESCENT_OPT_ADAM: {
        float b1 = (float)o->beta1, b2 = (float)o->beta2;
        bad = k->adam(w, m->state[0], m->state[1], g, n, lr, b1, (float)(1.0 - o->beta1), b2, (float)(1.0 - o->beta2),
                      1.0f - m->beta1_pow, 1.0f - m->beta2_pow, (float)o->epsilon);
        m->beta1_pow *= b1;
        m->beta2_pow *= b2;
        break;
    }
    }
    m->t++;
    m->last_grads = 1;
    return bad;
}

/* The step each rule took, from the state it left: the kernels' arithmetic
 * again, element by element (Adam's previous β powers divided back out). */
double optimizer_last_update_sumsq(const descent_model *m, size_t from, size_t count)
{
    const descent_optimizer_spec *o = &m->opt;
    const float *g = m->grads + from, *s0 = m->state[0] + from, *s1 = m->state[1] + from;
    float lr = (float)o->learning_rate, mu = (float)o->momentum;
    float c1 = 1.0f - m->beta1_pow / (float)o->beta1, c2 = 1.0f - m->beta2_pow / (float)o->beta2;
    double sum = 0.0;
    for (size_t i = 0; i < count; i++) {
        float d = 0.0f;
        switch (o->kind) {
        case DESCENT_OPT_SGD: d = lr * g[i]; break;
        case DESCENT_OPT_MOMENTUM: d = lr * s0[i]; break;
        case DESCENT_OPT_NESTEROV: d = lr * (g[i] + s0[i] * mu); break;
        case DESCENT_OPT_ADAGRAD: d = (g[i] / sqrtf(s0[i] + (float)TFJS_EPSILON)) * lr; break;
        case DESCENT_OPT_RMSPROP: d = s1[i]; break;
        case DESCENT_OPT_ADAM: d = ((s0[i] / c1) / (sqrtf(s1[i] / c2) + (float)o->epsilon)) * lr; break;
        }
        sum += (double)d * d;
    }
    return sum;
}

descent_status model_update(descent_model *m, double obj, descent_error *err)
{
    if (!isfinite(obj)) return descent_fail(err, DESCENT_ERR_NONFINITE, "the loss is not finite (%g)", obj);
    int bad = optimizer_apply(m);
    if (bad && m->opt.kind == DESCENT_OPT_RMSPROP && m->opt.centered)
        return descent_fail(err, DESCENT_ERR_NONFINITE,
                            "the update would make %d weight%s NaN: centered rmsprop takes the square root of "
                            "S - (G² + epsilon), as TF.js does, which is negative for a near-zero gradient",
                            bad, bad == 1 ? "" : "s");
    if (bad)
        return descent_fail(err, DESCENT_ERR_NONFINITE, "the update would make %d weight%s non-finite (%s)", bad,
                            bad == 1 ? "" : "s", descent_optimizer_name(m->opt.kind));
    return DESCENT_OK;
}

void model_nonfinite_advice(const descent_model *m, float loss, int first, char *buf, size_t size)
{
    double lr = m->opt.learning_rate;
    descent_activation out = m->layers[m->n_layers - 1].spec.activation;
    if (!isfinite(loss) && first && m->loss == DESCENT_LOSS_CATEGORICAL_CROSSENTROPY && out != DESCENT_ACT_SOFTMAX)
        descent_format(buf, size, "no learning rate helps (it is so before any update): categorical cross-entropy "
                                  "divides by the outputs' sum, and %s outputs can sum to 0; use softmax",
                       descent_activation_name(out));
    else if (!isfinite(loss) && first)
        descent_format(buf, size, "no learning rate helps (it is so before any update): look at the weights and data");
    else if (isfinite(loss) && m->opt.kind == DESCENT_OPT_RMSPROP && m->opt.centered)
        descent_format(buf, size, "use a smaller epsilon (now %g) or centered off", m->opt.epsilon);
    else
        descent_format(buf, size, "the learning rate is %g: try a lower one (%g, say)", lr, lr / 10.0);
}
