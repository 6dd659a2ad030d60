/* model.c - a dense network: creation and validation, weights, preprocessing,
 * the forward and backward passes, the losses, one training step, predict
 * and evaluate. The arithmetic follows Keras as TF.js implements it. */
#include "model.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS DESCENT_MAX_UNITS
#define MAX_LAYERS DESCENT_MAX_LAYERS
#define MAX_PARAMS DESCENT_MAX_PARAMS /* 128 Mi parameters: 2.5 GiB with gradients and state */

/* TF.js's epsilon() and the clip bounds it implies, as float32. */
#define CLIP_LO 1e-7f
#define CLIP_HI (1.0f - 1e-7f)

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
    if (!L->spec.no_bias) memset(m->params + L->b_off, 0, sizeof(float) * (size_t)L->out);
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

/* Rows are copied by a plain loop: they are short (a few to a few hundred
 * floats), where a call to memcpy per row costs more than the copy in wasm.
 * Not vectorized: the vector loop's alias checks would double its size. */
#ifdef __clang__
#define NO_VECTORIZE _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define NO_VECTORIZE
#endif
void model_load_rows(descent_model *m, const float *x, const float *y, const int *idx, int start, int count)
{
    int in = m->inputs, out = m->outputs;
    for (int i = 0; i < count; i++) {
        size_t r = (size_t)(idx ? idx[start + i] : start + i);
        float *dx = m->act[0] + (size_t)i * in;
        const float *sx = x + r * in;
        if (m->in_mean)
            for (int j = 0; j < in; j++) dx[j] = (sx[j] - m->in_mean[j]) / m->in_std[j];
        else
            NO_VECTORIZE for (int j = 0; j < in; j++) dx[j] = sx[j];
        if (!y) continue;
        float *dy = m->yb + (size_t)i * out;
        const float *sy = y + r * out;
        if (m->out_mean)
            for (int j = 0; j < out; j++) dy[j] = (sy[j] - m->out_mean[j]) / m->out_std[j];
        else
            NO_VECTORIZE for (int j = 0; j < out; j++) dy[j] = sy[j];
    }
}

void model_forward(descent_model *m, int rows)
{
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        float *z = m->act[l + 1];
        m->k->gemm_nn(z, L->out, m->act[l], L->in, m->params + L->w_off, L->out, rows, L->out, L->in, 0);
        m->k->bias_act(z, L->spec.no_bias ? NULL : m->params + L->b_off, rows, L->out, L->spec.activation,
                       L->spec.alpha);
    }
}

/* ------------------------------------------------------------------ losses */

/* Mean over the batch of each sample's loss; with dp, also ∂L/∂p. Sums are in
 * double, as TF.js's CPU backend accumulates reductions in JS numbers. */
static double loss_forward_backward(descent_loss loss, const float *p, const float *y, int rows, int k, float *dp)
{
    double total = 0.0;
    float inv_b = 1.0f / (float)rows;
    for (int b = 0; b < rows; b++) {
        const float *pb = p + (size_t)b * k, *yb = y + (size_t)b * k;
        float *db = dp ? dp + (size_t)b * k : NULL;
        double sample = 0.0;
        switch (loss) {
        case DESCENT_LOSS_MSE: {
            float scale = inv_b / (float)k;
            for (int j = 0; j < k; j++) {
                float d = pb[j] - yb[j];
                sample += (double)(d * d);
                if (db) db[j] = (2.0f * d) * scale;
            }
            sample /= k;
            break;
        }
        case DESCENT_LOSS_BINARY_CROSSENTROPY: {
            float scale = inv_b / (float)k;
            for (int j = 0; j < k; j++) {
                float q = pb[j] < CLIP_LO ? CLIP_LO : (pb[j] > CLIP_HI ? CLIP_HI : pb[j]);
                float logit = logf(q / (1.0f - q));
                float v = (logit > 0.0f ? logit : 0.0f) - logit * yb[j] + log1pf(expf(-fabsf(logit)));
                sample += (double)v;
                if (db) {
                    int inside = pb[j] >= CLIP_LO && pb[j] <= CLIP_HI;
                    db[j] = inside ? ((q - yb[j]) / (q * (1.0f - q))) * scale : 0.0f;
                }
            }
            sample /= k;
            break;
        }
        case DESCENT_LOSS_CATEGORICAL_CROSSENTROPY: {
            double s = 0.0;
            for (int j = 0; j < k; j++) s += pb[j];
            float sf = (float)s;
            float gr = 0.0f; /* Σ g_j r_j */
            for (int j = 0; j < k; j++) {
                float r = pb[j] / sf;
                float q = r < CLIP_LO ? CLIP_LO : (r > CLIP_HI ? CLIP_HI : r);
                sample -= (double)(yb[j] * logf(q));
                if (db) {
                    float g = (r >= CLIP_LO && r <= CLIP_HI) ? -yb[j] / q : 0.0f;
                    db[j] = g;
                    gr += g * r;
                }
            }
            if (db)
                for (int j = 0; j < k; j++) db[j] = ((db[j] - gr) / sf) * inv_b;
            break;
        }
        }
        total += sample;
    }
    return total / rows;
}

float model_penalty(const descent_model *m)
{
    float total = 0.0f;
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        if (L->spec.l1 == 0.0f && L->spec.l2 == 0.0f) continue;
        const float *w = m->params + L->w_off;
        size_t count = (size_t)L->in * L->out;
        double s1 = 0.0, s2 = 0.0;
        for (size_t i = 0; i < count; i++) {
            s1 += fabsf(w[i]);
            s2 += (double)(w[i] * w[i]);
        }
        if (L->spec.l1 != 0.0f) total += L->spec.l1 * (float)s1;
        if (L->spec.l2 != 0.0f) total += L->spec.l2 * (float)s2;
    }
    return total;
}

double model_objective(descent_model *m, int rows, int grad)
{
    double data = loss_forward_backward(m->loss, m->act[m->n_layers], m->yb, rows, m->outputs,
                                        grad ? m->delta[0] : NULL);
    return (double)((float)data + model_penalty(m));
}

int model_batch_correct(const descent_model *m, int rows)
{
    if (m->loss == DESCENT_LOSS_MSE) return -1;
    const float *p = m->act[m->n_layers];
    int k = m->outputs, correct = 0;
    for (int b = 0; b < rows; b++) {
        const float *pb = p + (size_t)b * k, *yb = m->yb + (size_t)b * k;
        if (k == 1) {
            correct += (pb[0] >= 0.5f) == (yb[0] >= 0.5f);
        } else {
            int ap = 0, ay = 0;
            for (int j = 1; j < k; j++) {
                if (pb[j] > pb[ap]) ap = j;
                if (yb[j] > yb[ay]) ay = j;
            }
            correct += ap == ay;
        }
    }
    return correct;
}

/* ---------------------------------------------------------------- backward */

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

static void backward(descent_model *m, int rows)
{
    int cur = 0;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        const layer *L = &m->layers[l];
        float *d = m->delta[cur];
        if (L->spec.activation == DESCENT_ACT_SOFTMAX) softmax_backward(d, m->act[l + 1], rows, L->out);
        else m->k->act_backward(d, m->act[l + 1], rows * L->out, L->spec.activation, L->spec.alpha);
        m->k->gemm_tn(m->grads + L->w_off, L->out, m->act[l], L->in, d, L->out, L->in, L->out, rows, 0);
        if (!L->spec.no_bias) m->k->colsum(m->grads + L->b_off, d, rows, L->out);
        if (l > 0) {
            m->k->gemm_nt(m->delta[1 - cur], L->in, d, L->out, m->params + L->w_off, L->out, rows, L->in, L->out,
                          0);
            cur = 1 - cur;
        }
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

void model_nonfinite_advice(const descent_model *m, float loss, char *buf, size_t size)
{
    double lr = m->opt.learning_rate;
    if (isfinite(loss) && m->opt.kind == DESCENT_OPT_RMSPROP && m->opt.centered)
        descent_format(buf, size, "use a smaller epsilon (now %g) or centered off", m->opt.epsilon);
    else
        descent_format(buf, size, "the learning rate is %g: try a lower one (%g, say)", lr, lr / 10.0);
}

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

static descent_status check_rows(const descent_model *m, int n, descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n (rows) must be >= 1 (got %d)", n);
    return DESCENT_OK;
}

descent_status descent_model_train_step(descent_model *m, const float *x, const float *y, int n, float *loss,
                                        descent_error *err)
{
    descent_status s = check_rows(m, n, err);
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    if (s == DESCENT_OK) s = model_ensure_rows(m, n, err);
    if (s != DESCENT_OK) return s;
    model_load_rows(m, x, y, NULL, 0, n);
    float value;
    s = model_step_loaded(m, n, &value, err);
    if (loss) *loss = value;
    if (s == DESCENT_ERR_NONFINITE && err) {
        /* a non-finite loss stops before the update; a refused update has counted its step */
        char cause[DESCENT_MESSAGE_MAX], advice[160];
        descent_format(cause, sizeof cause, "%s", err->message);
        model_nonfinite_advice(m, value, advice, sizeof advice);
        int update = isfinite(value);
        descent_fail(err, s, "%s at step %lld: %s; %s", cause, (long long)(update ? m->t : m->t + 1),
                     update ? "those weights keep their last finite values" : "the weights are left as they were",
                     advice);
    }
    return s;
}

/* Predictions and losses go through the workspace in chunks, so any n works
 * with a workspace of a few hundred rows. A model too wide for a workspace of
 * 256 rows uses fewer (halving until one fits), since the rows of a
 * prediction are independent; only when even one row cannot fit does it fail,
 * with that size in the message. */
static descent_status chunk_rows(descent_model *m, int n, int *chunk, descent_error *err)
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
    descent_status s = check_rows(m, n, err);
    if (s == DESCENT_OK && !out) s = descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (s == DESCENT_OK) s = model_check_data(m, x, NULL, n, "x", NULL, err);
    int chunk = 0;
    if (s == DESCENT_OK) s = chunk_rows(m, n, &chunk, err);
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

/* The mean data loss over all rows. Like TF.js's evaluate and validation
 * loss (its test function), this leaves out the penalties. */
descent_status model_evaluate_rows(descent_model *m, const float *x, const float *y, const int *idx, int n,
                                   double *loss, int *correct, descent_error *err)
{
    int chunk = 0;
    descent_status s = chunk_rows(m, n, &chunk, err);
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
    descent_status s = check_rows(m, n, err);
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    double v = 0.0;
    if (s == DESCENT_OK) s = model_evaluate_rows(m, x, y, NULL, n, &v, NULL, err);
    if (s != DESCENT_OK) return s;
    if (loss) *loss = (float)v;
    return DESCENT_OK;
}
