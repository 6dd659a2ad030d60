/* exports_model.c - the C ABI of a model: errors, creating, reading and
 * changing a model, training steps, predictions, layer outputs, files. */
#include "exports.h"

#include <stdlib.h>
#include <string.h>

descent_error dj_last_error;

API const char *dj_error_message(void) { return dj_last_error.message; }

void *dj_out_of_memory(const char *what)
{
    dj_last_error.code = DESCENT_ERR_MEMORY;
    descent_format(dj_last_error.message, sizeof dj_last_error.message, "out of memory for %s", what);
    return NULL;
}

int dj_check_float(const char *name, double v, descent_range range)
{
    return descent_check_float(name, v, range, &dj_last_error) == DESCENT_OK;
}

descent_optimizer_spec dj_unpack_optimizer(const double *o)
{
    descent_optimizer_spec s;
    memset(&s, 0, sizeof s);
    s.kind = (descent_optimizer_kind)(int)o[DJ_OPTIMIZER_kind];
    s.learning_rate = o[DJ_OPTIMIZER_learning_rate];
    s.momentum = o[DJ_OPTIMIZER_momentum];
    s.rho = o[DJ_OPTIMIZER_rho];
    s.epsilon = o[DJ_OPTIMIZER_epsilon];
    s.beta1 = o[DJ_OPTIMIZER_beta1];
    s.beta2 = o[DJ_OPTIMIZER_beta2];
    s.initial_accumulator = o[DJ_OPTIMIZER_initial_accumulator];
    s.centered = (int)o[DJ_OPTIMIZER_centered];
    return s;
}

void dj_pack_optimizer(const descent_optimizer_spec *s, double *o)
{
    o[DJ_OPTIMIZER_kind] = (double)s->kind;
    o[DJ_OPTIMIZER_learning_rate] = s->learning_rate;
    o[DJ_OPTIMIZER_momentum] = s->momentum;
    o[DJ_OPTIMIZER_rho] = s->rho;
    o[DJ_OPTIMIZER_epsilon] = s->epsilon;
    o[DJ_OPTIMIZER_beta1] = s->beta1;
    o[DJ_OPTIMIZER_beta2] = s->beta2;
    o[DJ_OPTIMIZER_initial_accumulator] = s->initial_accumulator;
    o[DJ_OPTIMIZER_centered] = s->centered;
}

API void dj_optimizer_defaults(int kind, double *out)
{
    descent_optimizer_spec s = descent_optimizer_defaults((descent_optimizer_kind)kind);
    dj_pack_optimizer(&s, out);
}

/* layers: n_layers runs of DJ_LAYER_COUNT doubles; opt: DJ_OPTIMIZER_COUNT. */
API descent_model *dj_model_create(int inputs, int n_layers, const double *layers, int loss, const double *opt,
                                   uint32_t seed)
{
    if (n_layers < 1 || n_layers > DESCENT_MAX_LAYERS) {
        descent_model_spec none = {inputs, n_layers, NULL, DESCENT_LOSS_MSE, descent_optimizer_defaults(0), 0};
        return descent_model_create(&none, &dj_last_error);
    }
    descent_layer_spec *specs = calloc((size_t)n_layers, sizeof *specs);
    if (!specs) return dj_out_of_memory("the layer specs");
    for (int l = 0; l < n_layers; l++) {
        const double *f = layers + (size_t)l * DJ_LAYER_COUNT;
        static const char *const fields[] = {"alpha", "l1", "l2", "init_limit"};
        static const int at[] = {DJ_LAYER_alpha, DJ_LAYER_l1, DJ_LAYER_l2, DJ_LAYER_init_limit};
        for (int k = 0; k < 4; k++) {
            char name[40];
            descent_format(name, sizeof name, "layers[%d].%s", l, fields[k]);
            /* init_limit matters (and is checked) only for the uniform initializer */
            if (k == 3 && (int)f[DJ_LAYER_init] != DESCENT_INIT_UNIFORM) continue;
            if (!dj_check_float(name, f[at[k]], k == 3 ? DESCENT_RANGE_POSITIVE : DESCENT_RANGE_NON_NEGATIVE)) {
                free(specs);
                return NULL;
            }
        }
        specs[l].units = (int)f[DJ_LAYER_units];
        specs[l].activation = (descent_activation)(int)f[DJ_LAYER_activation];
        specs[l].alpha = (float)f[DJ_LAYER_alpha];
        specs[l].l1 = (float)f[DJ_LAYER_l1];
        specs[l].l2 = (float)f[DJ_LAYER_l2];
        specs[l].init = (descent_init)(int)f[DJ_LAYER_init];
        specs[l].init_limit = (float)f[DJ_LAYER_init_limit];
        specs[l].no_bias = (int)f[DJ_LAYER_no_bias];
    }
    descent_model_spec spec = {inputs, n_layers, specs, (descent_loss)loss, dj_unpack_optimizer(opt), seed};
    descent_model *m = descent_model_create(&spec, &dj_last_error);
    free(specs);
    return m;
}

API void dj_model_free(descent_model *m) { descent_model_free(m); }
API descent_model *dj_model_clone(descent_model *m) { return descent_model_clone(m, &dj_last_error); }
API int dj_model_inputs(descent_model *m) { return descent_model_inputs(m); }
API int dj_model_outputs(descent_model *m) { return descent_model_outputs(m); }
API int dj_model_layer_count(descent_model *m) { return descent_model_layer_count(m); }
API int dj_model_loss(descent_model *m) { return (int)descent_model_loss(m); }
API uint32_t dj_model_seed(descent_model *m) { return descent_model_seed(m); }
API int dj_model_param_count(descent_model *m) { return descent_model_param_count(m); }
API double dj_model_step_count(descent_model *m) { return (double)descent_model_step_count(m); }
API float *dj_model_params(descent_model *m) { return descent_model_params(m); }

API void dj_model_layer(descent_model *m, int l, double *out)
{
    descent_layer_spec s = descent_model_layer(m, l);
    out[DJ_LAYER_units] = s.units;
    out[DJ_LAYER_activation] = s.activation;
    out[DJ_LAYER_alpha] = s.alpha;
    out[DJ_LAYER_l1] = s.l1;
    out[DJ_LAYER_l2] = s.l2;
    out[DJ_LAYER_init] = s.init;
    out[DJ_LAYER_init_limit] = s.init_limit;
    out[DJ_LAYER_no_bias] = s.no_bias;
}

API int dj_model_set_weights(descent_model *m, int l, const float *kernel, const float *bias)
{
    return descent_model_set_weights(m, l, kernel, bias, &dj_last_error);
}

API int dj_model_train_step(descent_model *m, const float *x, const float *y, int n, float *loss)
{
    return descent_model_train_step(m, x, y, n, loss, &dj_last_error);
}

API int dj_model_predict(descent_model *m, const float *x, int n, float *out)
{
    return descent_model_predict(m, x, n, out, &dj_last_error);
}

API int dj_model_layer_outputs(descent_model *m, const float *x, int n, int layer, float *out)
{
    return descent_model_layer_outputs(m, x, n, layer, out, &dj_last_error);
}

API int dj_model_evaluate(descent_model *m, const float *x, const float *y, int n, float *loss)
{
    return descent_model_evaluate(m, x, y, n, loss, &dj_last_error);
}

API int dj_model_set_learning_rate(descent_model *m, double lr)
{
    return descent_model_set_learning_rate(m, lr, &dj_last_error);
}

API void dj_model_get_optimizer(descent_model *m, double *out)
{
    descent_optimizer_spec s = descent_model_optimizer(m);
    dj_pack_optimizer(&s, out);
}

API int dj_model_set_optimizer(descent_model *m, const double *opt)
{
    descent_optimizer_spec s = dj_unpack_optimizer(opt);
    return descent_model_set_optimizer(m, &s, &dj_last_error);
}

API void dj_model_reset_optimizer(descent_model *m) { descent_model_reset_optimizer(m); }

API int dj_model_set_regularization(descent_model *m, int l, double l1, double l2)
{
    if (!dj_check_float("l1", l1, DESCENT_RANGE_NON_NEGATIVE) || !dj_check_float("l2", l2, DESCENT_RANGE_NON_NEGATIVE))
        return dj_last_error.code;
    return descent_model_set_regularization(m, l, (float)l1, (float)l2, &dj_last_error);
}

API int dj_model_reinit(descent_model *m, uint32_t seed) { return descent_model_reinit(m, seed, &dj_last_error); }

API int dj_model_set_kernels(descent_model *m, int which)
{
    return descent_model_set_kernels(m, (descent_kernels)which, &dj_last_error);
}

API int dj_model_set_input_scaler(descent_model *m, const float *mean, const float *std)
{
    return descent_model_set_input_scaler(m, mean, std, &dj_last_error);
}

API int dj_model_set_target_scaler(descent_model *m, const float *mean, const float *std)
{
    return descent_model_set_target_scaler(m, mean, std, &dj_last_error);
}

API const float *dj_model_input_mean(descent_model *m) { return descent_model_input_mean(m); }
API const float *dj_model_input_std(descent_model *m) { return descent_model_input_std(m); }
API const float *dj_model_target_mean(descent_model *m) { return descent_model_target_mean(m); }
API const float *dj_model_target_std(descent_model *m) { return descent_model_target_std(m); }

/* names: n_features (0 or inputs) strings, then the target if has_target,
 * then n_classes strings, each NUL-terminated, one after another. */
API int dj_model_set_names(descent_model *m, const char *buf, int n_features, int has_target, int n_classes)
{
    int total = n_features + has_target + n_classes;
    const char **v = calloc((size_t)(total ? total : 1), sizeof *v);
    if (!v) {
        dj_out_of_memory("the names");
        return DESCENT_ERR_MEMORY;
    }
    const char *p = buf;
    for (int i = 0; i < total; i++) {
        v[i] = p;
        p += strlen(p) + 1;
    }
    int s = descent_model_set_names(m, n_features ? v : NULL, has_target ? v[n_features] : NULL, n_classes,
                                    n_classes ? v + n_features + has_target : NULL, &dj_last_error);
    free(v);
    return s;
}

API const char *dj_model_feature_name(descent_model *m, int i) { return descent_model_feature_name(m, i); }
API const char *dj_model_target_name(descent_model *m) { return descent_model_target_name(m); }
API int dj_model_class_count(descent_model *m) { return descent_model_class_count(m); }
API const char *dj_model_class_name(descent_model *m, int i) { return descent_model_class_name(m, i); }

/* Returns the bytes (free with dj_free) and writes their length to *length. */
API unsigned char *dj_model_save(descent_model *m, int with_optimizer, double *length)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (descent_model_save(m, with_optimizer, &bytes, &len, &dj_last_error) != DESCENT_OK) return NULL;
    *length = (double)len;
    return bytes;
}

API descent_model *dj_model_load(const unsigned char *bytes, int length)
{
    return descent_model_load(bytes, (size_t)length, &dj_last_error);
}

API void dj_free(void *p) { free(p); }
