/* optimizer.c - the six optimizers' defaults, validation, state and update,
 * with TF.js's float32 arithmetic (see the kernels for the per-element rules). */
#include "model.h"

#include <math.h>
#include <string.h>

#define TFJS_EPSILON 1e-7           /* backend epsilon: AdaGrad's, fixed */

descent_optimizer_spec descent_optimizer_defaults(descent_optimizer_kind kind)
{
    descent_optimizer_spec s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.learning_rate = 0.01;
    s.rho = 0.9;
    s.epsilon = 1e-7;
    s.beta1 = 0.9;
    s.beta2 = 0.999;
    s.initial_accumulator = 0.1;
    switch (kind) {
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV: s.momentum = 0.9; break;
    case DESCENT_OPT_RMSPROP:
    case DESCENT_OPT_ADAM: s.learning_rate = 0.001; break;
    default: break;
    }
    return s;
}

/* Every field a kind uses is a float32 in TF.js's arithmetic, so each is
 * checked as one (descent_check_float): 1e39 is refused, not stored as
 * infinity. */
descent_status optimizer_validate(const descent_optimizer_spec *s, descent_error *err)
{
    if (!descent_optimizer_name(s->kind))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizer kind %d is not a known optimizer", (int)s->kind);
    descent_status st = descent_check_float("learning_rate", s->learning_rate, DESCENT_RANGE_POSITIVE, err);
    switch (s->kind) {
    case DESCENT_OPT_SGD: break;
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV:
        if (st == DESCENT_OK)
            st = descent_check_float("optimizer momentum", s->momentum, DESCENT_RANGE_UNIT_OPEN, err);
        break;
    case DESCENT_OPT_ADAGRAD:
        if (st == DESCENT_OK)
            st = descent_check_float("optimizer initial_accumulator", s->initial_accumulator, DESCENT_RANGE_POSITIVE,
                                     err);
        break;
    case DESCENT_OPT_RMSPROP:
        if (st == DESCENT_OK) st = descent_check_float("optimizer rho", s->rho, DESCENT_RANGE_UNIT_OPEN, err);
        if (st == DESCENT_OK)
            st = descent_check_float("optimizer momentum", s->momentum, DESCENT_RANGE_UNIT_OPEN, err);
        if (st == DESCENT_OK)
            st = descent_check_float("optimizer epsilon", s->epsilon, DESCENT_RANGE_POSITIVE, err);
        if (st == DESCENT_OK && s->centered != 0 && s->centered != 1)
            st = descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizer centered must be 0 or 1 (got %d)", s->centered);
        break;
    case DESCENT_OPT_ADAM:
        if (st == DESCENT_OK) st = descent_check_float("optimizer beta1", s->beta1, DESCENT_RANGE_UNIT_OPEN, err);
        if (st == DESCENT_OK) st = descent_check_float("optimizer beta2", s->beta2, DESCENT_RANGE_UNIT_OPEN, err);
        if (st == DESCENT_OK)
            st = descent_check_float("optimizer epsilon", s->epsilon, DESCENT_RANGE_POSITIVE, err);
        break;
    }
    return st;
}

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
    return bad;
}
