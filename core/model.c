/* model.c - a dense network: creation and validation, its weights and
 * initialization, its scalers and names, and the workspace its rows go
 * through. The passes are in layers.c, the losses in loss.c, predict and
 * evaluate in predict.c, training in fit.c. */
#include "model.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS DESCENT_MAX_UNITS
#define MAX_LAYERS DESCENT_MAX_LAYERS
#define MAX_PARAMS DESCENT_MAX_PARAMS /* 128 Mi parameters: 2.5 GiB with gradients and state */

descent_layer_spec descent_layer(int units, descent_activation activation)
{
    descent_layer_spec s;
    memset(&s, 0, sizeof s);
    s.units = units;
    s.activation = activation;
    s.alpha = 0.2f;
    s.init = DESCENT_INIT_GLOROT_UNIFORM;
    s.init_limit = 0.05f;
    return s;
}

static descent_status validate_layer(const descent_layer_spec *s, int i, descent_error *err)
{
    if (s->units < 1 || s->units > MAX_UNITS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers[%d].units must be in 1..%d (got %d)", i, MAX_UNITS,
                            s->units);
    if (!descent_activation_name(s->activation))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers[%d].activation %d is not a known activation", i,
                            (int)s->activation);
    char name[40];
    const struct {
        const char *field;
        float value;
        descent_range range;
    } floats[] = {{"alpha", s->alpha, DESCENT_RANGE_NON_NEGATIVE},
                  {"l1", s->l1, DESCENT_RANGE_NON_NEGATIVE},
                  {"l2", s->l2, DESCENT_RANGE_NON_NEGATIVE},
                  {"init_limit", s->init_limit, DESCENT_RANGE_POSITIVE}};
    for (int f = 0; f < 4; f++) {
        if (f == 3 && s->init != DESCENT_INIT_UNIFORM) break;
        descent_format(name, sizeof name, "layers[%d].%s", i, floats[f].field);
        descent_status st = descent_check_float(name, floats[f].value, floats[f].range, err);
        if (st != DESCENT_OK) return st;
    }
    if (!descent_init_name(s->init))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers[%d].init %d is not a known initializer", i,
                            (int)s->init);
    if (s->no_bias != 0 && s->no_bias != 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers[%d].no_bias must be 0 or 1 (got %d)", i, s->no_bias);
    return DESCENT_OK;
}

static void init_layer(descent_model *m, const layer *L, rng *r)
{
    float *w = m->params + L->w_off;
    size_t count = (size_t)L->in * L->out;
    double fan_in = L->in, fan_out = L->out;
    double limit = 0.0, sd = 0.0;
    switch (L->spec.init) {
    case DESCENT_INIT_GLOROT_UNIFORM: limit = sqrt(6.0 / (fan_in + fan_out)); break;
    case DESCENT_INIT_GLOROT_NORMAL: sd = sqrt(2.0 / (fan_in + fan_out)); break;
    case DESCENT_INIT_HE_UNIFORM: limit = sqrt(6.0 / fan_in); break;
    case DESCENT_INIT_HE_NORMAL: sd = sqrt(2.0 / fan_in); break;
    case DESCENT_INIT_UNIFORM: limit = L->spec.init_limit; break;
    case DESCENT_INIT_ZEROS: break;
    case DESCENT_INIT_PLAYGROUND: limit = 0.5; break;
    }
    for (size_t i = 0; i < count; i++) {
        if (sd > 0.0) {
            double z; /* truncated at two standard deviations, as tf.truncatedNormal */
            do z = rng_normal(r);
            while (fabs(z) > 2.0);
            w[i] = (float)(z * sd);
        } else if (limit > 0.0) {
            w[i] = (float)((2.0 * rng_uniform(r) - 1.0) * limit);
        } else {
            w[i] = 0.0f;
        }
    }
    if (L->spec.no_bias) return;
    float bias = L->spec.init == DESCENT_INIT_PLAYGROUND ? 0.1f : 0.0f;
    for (int j = 0; j < L->out; j++) m->params[L->b_off + (size_t)j] = bias;
}

static void init_weights(descent_model *m)
{
    rng r;
    rng_seed(&r, m->seed, RNG_STREAM_INIT);
    for (int l = 0; l < m->n_layers; l++) init_layer(m, &m->layers[l], &r);
}

descent_status model_spec_check(const descent_model_spec *spec, size_t *n_params_out, descent_error *err)
{
    if (!spec) return descent_fail(err, DESCENT_ERR_ARGUMENT, "spec must not be NULL");
    if (spec->inputs < 1 || spec->inputs > MAX_UNITS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "inputs must be in 1..%d (got %d)", MAX_UNITS, spec->inputs);
    if (spec->n_layers < 1 || spec->n_layers > MAX_LAYERS || !spec->layers)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "n_layers must be in 1..%d with a layers array (got %d)",
                            MAX_LAYERS, spec->n_layers);
    /* In 64 bits, where 1000 layers of 10^6 x 10^6 cannot overflow, so the
     * message gives the real count (a 32-bit size_t would wrap). */
    uint64_t n_params = 0;
    int fan_in = spec->inputs;
    for (int l = 0; l < spec->n_layers; l++) {
        const descent_layer_spec *s = &spec->layers[l];
        descent_status st = validate_layer(s, l, err);
        if (st != DESCENT_OK) return st;
        n_params += (uint64_t)fan_in * (uint64_t)s->units + (s->no_bias ? 0 : (uint64_t)s->units);
        if (s->activation == DESCENT_ACT_SOFTMAX && s->units < 2 && l == spec->n_layers - 1)
            /* softmax over one unit is the constant 1: nothing could be learned */
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers[%d]: softmax needs at least 2 units (got 1)", l);
        fan_in = s->units;
    }
    if (n_params > MAX_PARAMS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the network has %llu parameters, more than the %d a model may have",
                            (unsigned long long)n_params, MAX_PARAMS);
    int outputs = spec->layers[spec->n_layers - 1].units;
    if (!descent_loss_name(spec->loss))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "loss %d is not a known loss", (int)spec->loss);
    if (spec->loss == DESCENT_LOSS_CATEGORICAL_CROSSENTROPY && outputs < 2)
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "categorical_crossentropy needs at least 2 output units (got %d): use binary_crossentropy",
                            outputs);
    descent_status st = optimizer_validate(&spec->optimizer, err);
    if (st != DESCENT_OK) return st;
    if (n_params_out) *n_params_out = (size_t)n_params;
    return DESCENT_OK;
}

descent_model *descent_model_create(const descent_model_spec *spec, descent_error *err)
{
    size_t n_params = 0;
    if (model_spec_check(spec, &n_params, err) != DESCENT_OK) return NULL;
    int max_units = spec->inputs;
    for (int l = 0; l < spec->n_layers; l++)
        if (spec->layers[l].units > max_units) max_units = spec->layers[l].units;
    int outputs = spec->layers[spec->n_layers - 1].units;

    descent_model *m = calloc(1, sizeof *m);
    if (!m) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory creating a model");
        return NULL;
    }
    m->inputs = spec->inputs;
    m->outputs = outputs;
    m->n_layers = spec->n_layers;
    m->max_units = max_units;
    m->loss = spec->loss;
    m->n_params = n_params;
    m->seed = spec->seed;
    m->opt = spec->optimizer;
    m->k = kernels_simd() ? kernels_simd() : &kernels_scalar;
    char what[96];
    descent_format(what, sizeof what, "a model's parameters, gradients and optimizer state (%d arrays of %zu values)",
             2 + OPT_SLOTS, n_params);
    m->layers = descent_zalloc((uint64_t)spec->n_layers, sizeof *m->layers, "the model's layers", err);
    m->block = m->layers ? descent_zalloc((uint64_t)(2 + OPT_SLOTS) * n_params, sizeof(float), what, err) : NULL;
    if (!m->layers || !m->block) {
        descent_model_free(m);
        return NULL;
    }
    m->params = m->block;
    m->grads = m->params + n_params;
    for (int s = 0; s < OPT_SLOTS; s++) m->state[s] = m->grads + (size_t)(s + 1) * n_params;

    size_t off = 0;
    int fan_in = spec->inputs;
    for (int l = 0; l < spec->n_layers; l++) {
        layer *L = &m->layers[l];
        L->spec = spec->layers[l];
        L->in = fan_in;
        L->out = L->spec.units;
        L->w_off = off;
        off += (size_t)L->in * L->out;
        L->b_off = off;
        if (!L->spec.no_bias) off += (size_t)L->out;
        fan_in = L->out;
    }
    init_weights(m);
    optimizer_reset(m);
    rng_seed(&m->shuffle, m->seed, RNG_STREAM_SHUFFLE);
    return m;
}

static void free_names(char **names, int count)
{
    if (!names) return;
    for (int i = 0; i < count; i++) free(names[i]);
    free(names);
}

void descent_model_free(descent_model *m)
{
    if (!m) return;
    free(m->layers);
    free(m->block);
    free(m->in_mean);
    free(m->in_std);
    free(m->out_mean);
    free(m->out_std);
    free_names(m->feature_names, m->inputs);
    free(m->target_name);
    free_names(m->class_names, m->n_classes);
    free(m->ws);
    free(m->act);
    free(m);
}

static float *dup_floats(const float *src, int n)
{
    if (!src) return NULL;
    float *d = descent_alloc((uint64_t)n, sizeof(float), "a scaler", NULL);
    if (d) memcpy(d, src, sizeof(float) * (size_t)n);
    return d;
}

descent_model *descent_model_clone(const descent_model *src, descent_error *err)
{
    if (!src) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
        return NULL;
    }
    descent_layer_spec *specs = descent_alloc((uint64_t)src->n_layers, sizeof *specs, "a clone's layers", err);
    if (!specs) return NULL;
    for (int l = 0; l < src->n_layers; l++) specs[l] = src->layers[l].spec;
    descent_model_spec spec = {src->inputs, src->n_layers, specs, src->loss, src->opt, src->seed};
    descent_model *m = descent_model_create(&spec, err);
    free(specs);
    if (!m) return NULL;
    memcpy(m->block, src->block, sizeof(float) * (2 + OPT_SLOTS) * src->n_params);
    m->t = src->t;
    m->beta1_pow = src->beta1_pow;
    m->beta2_pow = src->beta2_pow;
    m->shuffle = src->shuffle;
    m->k = src->k;
    if ((src->in_mean && descent_model_set_input_scaler(m, src->in_mean, src->in_std, err) != DESCENT_OK) ||
        (src->out_mean && descent_model_set_target_scaler(m, src->out_mean, src->out_std, err) != DESCENT_OK) ||
        descent_model_set_names(m, (const char *const *)src->feature_names, src->target_name, src->n_classes,
                                (const char *const *)src->class_names, err) != DESCENT_OK) {
        descent_model_free(m);
        return NULL;
    }
    return m;
}

int descent_model_inputs(const descent_model *m) { return m->inputs; }
int descent_model_outputs(const descent_model *m) { return m->outputs; }
int descent_model_layer_count(const descent_model *m) { return m->n_layers; }
descent_loss descent_model_loss(const descent_model *m) { return m->loss; }
uint32_t descent_model_seed(const descent_model *m) { return m->seed; }
int descent_model_param_count(const descent_model *m) { return (int)m->n_params; }
float *descent_model_params(descent_model *m) { return m->params; }
int64_t descent_model_step_count(const descent_model *m) { return m->t; }

descent_layer_spec descent_model_layer(const descent_model *m, int layer_index)
{
    if (layer_index < 0 || layer_index >= m->n_layers) {
        descent_layer_spec none;
        memset(&none, 0, sizeof none);
        return none;
    }
    return m->layers[layer_index].spec;
}

descent_status descent_model_reinit(descent_model *m, uint32_t seed, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    m->seed = seed;
    init_weights(m);
    optimizer_reset(m);
    rng_seed(&m->shuffle, seed, RNG_STREAM_SHUFFLE);
    return DESCENT_OK;
}

static descent_status check_layer_index(const descent_model *m, int l, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (l < 0 || l >= m->n_layers)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layer must be in 0..%d (got %d)", m->n_layers - 1, l);
    return DESCENT_OK;
}

descent_status descent_model_get_weights(const descent_model *m, int l, float *kernel, float *bias,
                                         descent_error *err)
{
    descent_status s = check_layer_index(m, l, err);
    if (s != DESCENT_OK) return s;
    const layer *L = &m->layers[l];
    if (kernel) memcpy(kernel, m->params + L->w_off, sizeof(float) * (size_t)L->in * L->out);
    if (bias) {
        if (L->spec.no_bias) memset(bias, 0, sizeof(float) * (size_t)L->out);
        else memcpy(bias, m->params + L->b_off, sizeof(float) * (size_t)L->out);
    }
    return DESCENT_OK;
}

descent_status descent_model_set_weights(descent_model *m, int l, const float *kernel, const float *bias,
                                         descent_error *err)
{
    descent_status s = check_layer_index(m, l, err);
    if (s != DESCENT_OK) return s;
    const layer *L = &m->layers[l];
    size_t nk = (size_t)L->in * L->out;
    if (bias && L->spec.no_bias)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layer %d has no bias (no_bias is set)", l);
    if (kernel)
        for (size_t i = 0; i < nk; i++)
            if (!isfinite(kernel[i]))
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "layer %d kernel[%zu][%zu] is not finite", l,
                                    i / (size_t)L->out, i % (size_t)L->out);
    if (bias)
        for (int i = 0; i < L->out; i++)
            if (!isfinite(bias[i]))
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "layer %d bias[%d] is not finite", l, i);
    if (kernel) memcpy(m->params + L->w_off, kernel, sizeof(float) * nk);
    if (bias) memcpy(m->params + L->b_off, bias, sizeof(float) * (size_t)L->out);
    return DESCENT_OK;
}

descent_status descent_model_set_regularization(descent_model *m, int l, float l1, float l2, descent_error *err)
{
    descent_status s = check_layer_index(m, l, err);
    if (s != DESCENT_OK) return s;
    if (s == DESCENT_OK) s = descent_check_float("l1", l1, DESCENT_RANGE_NON_NEGATIVE, err);
    if (s == DESCENT_OK) s = descent_check_float("l2", l2, DESCENT_RANGE_NON_NEGATIVE, err);
    if (s != DESCENT_OK) return s;
    m->layers[l].spec.l1 = l1;
    m->layers[l].spec.l2 = l2;
    return DESCENT_OK;
}

descent_status descent_model_set_kernels(descent_model *m, descent_kernels which, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (which == DESCENT_KERNELS_SCALAR) {
        m->k = &kernels_scalar;
        return DESCENT_OK;
    }
    if (which == DESCENT_KERNELS_SIMD) {
        if (!kernels_simd())
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "this build has no SIMD kernels (scalar only)");
        m->k = kernels_simd();
        return DESCENT_OK;
    }
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "kernels must be scalar (0) or simd (1) (got %d)", (int)which);
}

/* ----------------------------------------------------------- preprocessing */

static descent_status set_scaler(float **mean_slot, float **std_slot, const float *mean, const float *std, int n,
                                 const char *what, descent_error *err)
{
    if (!mean && !std) {
        free(*mean_slot);
        free(*std_slot);
        *mean_slot = *std_slot = NULL;
        return DESCENT_OK;
    }
    if (!mean || !std)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s scaler needs both mean and std (or neither)", what);
    for (int i = 0; i < n; i++) {
        if (!isfinite(mean[i]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s scaler mean[%d] is not finite", what, i);
        if (!(isfinite(std[i]) && std[i] > 0.0f))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "%s scaler std[%d] must be finite and > 0 (got %g)", what,
                                i, (double)std[i]);
    }
    float *nm = dup_floats(mean, n), *ns = dup_floats(std, n);
    if (!nm || !ns) {
        free(nm);
        free(ns);
        return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory storing the %s scaler", what);
    }
    free(*mean_slot);
    free(*std_slot);
    *mean_slot = nm;
    *std_slot = ns;
    return DESCENT_OK;
}

descent_status descent_model_set_input_scaler(descent_model *m, const float *mean, const float *std,
                                              descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    return set_scaler(&m->in_mean, &m->in_std, mean, std, m->inputs, "input", err);
}

descent_status descent_model_set_target_scaler(descent_model *m, const float *mean, const float *std,
                                               descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    return set_scaler(&m->out_mean, &m->out_std, mean, std, m->outputs, "target", err);
}

const float *descent_model_input_mean(const descent_model *m) { return m->in_mean; }
const float *descent_model_input_std(const descent_model *m) { return m->in_std; }
const float *descent_model_target_mean(const descent_model *m) { return m->out_mean; }
const float *descent_model_target_std(const descent_model *m) { return m->out_std; }

static char **dup_names(const char *const *names, int n, int *ok)
{
    *ok = 1;
    if (!names || n == 0) return NULL;
    char **d = descent_zalloc((uint64_t)n, sizeof *d, "names", NULL);
    if (!d) {
        *ok = 0;
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        d[i] = descent_strdup(names[i] ? names[i] : "");
        if (!d[i]) {
            free_names(d, n);
            *ok = 0;
            return NULL;
        }
    }
    return d;
}

descent_status descent_model_set_names(descent_model *m, const char *const *feature_names, const char *target_name,
                                       int n_classes, const char *const *class_names, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (n_classes < 0 || n_classes > MAX_UNITS || (n_classes > 0 && !class_names))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "n_classes must be 0 or >= 2 with class_names (got %d)",
                            n_classes);
    if (n_classes == 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "n_classes must be 0 (regression) or >= 2 (got 1)");
    int expected = m->outputs == 1 ? 2 : m->outputs;
    if (n_classes > 0 && n_classes != expected)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "n_classes must be %d for a model with %d output%s (got %d)",
                            expected, m->outputs, m->outputs == 1 ? "" : "s", n_classes);
    int ok1, ok2;
    char **f = dup_names(feature_names, m->inputs, &ok1);
    char **c = dup_names(class_names, n_classes, &ok2);
    char *t = target_name ? descent_strdup(target_name) : NULL;
    if (!ok1 || !ok2 || (target_name && !t)) {
        free_names(f, m->inputs);
        free_names(c, n_classes);
        free(t);
        return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory storing names");
    }
    free_names(m->feature_names, m->inputs);
    free_names(m->class_names, m->n_classes);
    free(m->target_name);
    m->feature_names = f;
    m->class_names = c;
    m->target_name = t;
    m->n_classes = n_classes;
    return DESCENT_OK;
}

const char *descent_model_feature_name(const descent_model *m, int i)
{
    return m->feature_names && i >= 0 && i < m->inputs ? m->feature_names[i] : NULL;
}
const char *descent_model_target_name(const descent_model *m) { return m->target_name; }
int descent_model_class_count(const descent_model *m) { return m->n_classes; }
const char *descent_model_class_name(const descent_model *m, int i)
{
    return m->class_names && i >= 0 && i < m->n_classes ? m->class_names[i] : NULL;
}

/* ------------------------------------------------------------- workspace */

/* On failure the model keeps its workspace as it was, so it goes on working
 * at the batch sizes it had. */
descent_status model_ensure_rows(descent_model *m, int rows, descent_error *err)
{
    if (rows <= m->ws_rows) return DESCENT_OK;
    char what[64];
    descent_format(what, sizeof what, "the workspace for a batch of %d rows", rows);
    /* The kernels count one layer's rows x units in an int. */
    int widest;
    descent_status s = descent_count(&widest, (uint64_t)rows, (uint64_t)m->max_units, what, err);
    if (s != DESCENT_OK) return s;
    /* Per row: the input, every layer's output, two delta buffers as wide as
     * the widest layer and the targets; at most ~10^9 floats, so no overflow. */
    uint64_t per_row = (uint64_t)m->inputs + 2 * (uint64_t)m->max_units + (uint64_t)m->outputs;
    for (int l = 0; l < m->n_layers; l++) per_row += (uint64_t)m->layers[l].out;
    size_t bytes;
    s = descent_size(&bytes, (uint64_t)rows, per_row, sizeof(float), what, err);
    if (s != DESCENT_OK) return s;
    float *ws = descent_alloc(bytes, 1, what, err);
    if (!ws) return err ? err->code : DESCENT_ERR_MEMORY;
    float **act = m->act;
    if (!act && !(act = descent_alloc((uint64_t)m->n_layers + 1, sizeof *act, "the workspace's layer table", err))) {
        free(ws);
        return err ? err->code : DESCENT_ERR_MEMORY;
    }
    free(m->ws);
    m->ws = ws;
    m->act = act;
    m->ws_rows = rows;
    float *p = ws;
    m->act[0] = p;
    p += (size_t)rows * m->inputs;
    for (int l = 0; l < m->n_layers; l++) {
        m->act[l + 1] = p;
        p += (size_t)rows * m->layers[l].out;
    }
    m->delta[0] = p;
    p += (size_t)rows * m->max_units;
    m->delta[1] = p;
    p += (size_t)rows * m->max_units;
    m->yb = p;
    return DESCENT_OK;
}

void model_load_rows(descent_model *m, const float *x, const float *y, const int *idx, int start, int count)
{
    m->k->gather(m->act[0], x, idx, start, count, m->inputs, m->in_mean, m->in_std);
    if (y) m->k->gather(m->yb, y, idx, start, count, m->outputs, m->out_mean, m->out_std);
}
