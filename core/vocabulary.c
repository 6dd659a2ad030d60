/* vocabulary.c - every name the library reads and writes, each list once:
 * activations, initializers, losses, optimizers and their hyper-parameters
 * (with their defaults and ranges), tasks, output heads, generators, input
 * scales, tuning parameters and metrics, and the limits. The CLI, the model
 * file and the bindings all take their names from here. */
#include "internal.h"

#include <math.h>
#include <string.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define LIST(name, size, ...)                                                                                          \
    static const char *const name[] = {__VA_ARGS__};                                                                  \
    _Static_assert(COUNT(name) == (size), #name " must list " #size " names")

LIST(activation_names, DESCENT_ACTIVATIONS, "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax");
LIST(init_names, DESCENT_INITS, "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform", "zeros",
     "playground");
LIST(loss_names, DESCENT_LOSSES, "mse", "binary_crossentropy", "categorical_crossentropy");
LIST(optimizer_names, DESCENT_OPTIMIZERS, "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam");
LIST(optimizer_param_names, DESCENT_OPTIMIZER_PARAMS, "learning_rate", "rho", "momentum", "beta1", "beta2", "epsilon",
     "initial_accumulator", "centered");
LIST(task_names, DESCENT_TASKS, "auto", "classification", "regression");
LIST(output_names, DESCENT_OUTPUTS, "auto", "sigmoid-bce", "sigmoid-mse", "tanh-mse", "linear-mse", "softmax-cce");
LIST(generator_names, DESCENT_GENERATORS, "circle", "xor", "gaussian", "spiral", "plane", "multigauss", "linear4",
     "line", "curve");
LIST(tune_param_names, DESCENT_TUNE_PARAMS, "learning_rate", "batch_size", "optimizer", "layers", "activation", "l2",
     "epochs");
LIST(metric_names, DESCENT_TUNE_METRICS, "loss", "accuracy", "f1", "r2", "rmse");
LIST(limit_names, DESCENT_LIMITS, "units", "layers", "params", "steps", "epochs", "batch", "rows", "columns",
     "generate", "classes", "auto_classes", "hidden", "folds", "configs", "seed",
     "surface_resolution", "bytes");
LIST(input_scale_names, DESCENT_INPUT_SCALES, "none", "unit", "standardize");

static const struct vocabulary {
    const char *title;
    const char *const *names;
    int count;
} vocabularies[] = {
    {"activation", activation_names, DESCENT_ACTIVATIONS},
    {"initializer", init_names, DESCENT_INITS},
    {"loss", loss_names, DESCENT_LOSSES},
    {"optimizer", optimizer_names, DESCENT_OPTIMIZERS},
    {"optimizer parameter", optimizer_param_names, DESCENT_OPTIMIZER_PARAMS},
    {"task", task_names, DESCENT_TASKS},
    {"output", output_names, DESCENT_OUTPUTS},
    {"generator", generator_names, DESCENT_GENERATORS},
    {"parameter", tune_param_names, DESCENT_TUNE_PARAMS},
    {"metric", metric_names, DESCENT_TUNE_METRICS},
    {"limit", limit_names, DESCENT_LIMITS},
    {"input scale", input_scale_names, DESCENT_INPUT_SCALES},
};
_Static_assert(COUNT(vocabularies) == DESCENT_VOCABULARIES, "a vocabulary for each descent_vocabulary");

const char *descent_vocabulary_title(descent_vocabulary v)
{
    return (unsigned)v < DESCENT_VOCABULARIES ? vocabularies[v].title : NULL;
}

int descent_vocabulary_size(descent_vocabulary v)
{
    return (unsigned)v < DESCENT_VOCABULARIES ? vocabularies[v].count : 0;
}

const char *descent_vocabulary_word(descent_vocabulary v, int i)
{
    if ((unsigned)v >= DESCENT_VOCABULARIES || i < 0 || i >= vocabularies[v].count) return NULL;
    return vocabularies[v].names[i];
}

/* "a, b, c" of a list (and the aliases of tuning's parameters), for messages. */
static void list_names(descent_vocabulary v, char *out, size_t size)
{
    const struct vocabulary *voc = &vocabularies[v];
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < voc->count && used < size; i++) {
        const char *alias = v != DESCENT_VOCAB_TUNE_PARAM ? NULL
                            : i == DESCENT_TUNE_LEARNING_RATE ? " (lr)"
                            : i == DESCENT_TUNE_BATCH_SIZE  ? " (batch)"
                                                            : NULL;
        int w = descent_format(out + used, size - used, "%s%s%s", i ? ", " : "", voc->names[i], alias ? alias : "");
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* The index of name in list v (tuning's aliases too), or fails listing them. */
static descent_status parse_word(descent_vocabulary v, const char *name, int *out, descent_error *err)
{
    const struct vocabulary *voc = &vocabularies[v];
    for (int i = 0; name && i < voc->count; i++) {
        if (strcmp(name, voc->names[i]) == 0) {
            *out = i;
            return DESCENT_OK;
        }
    }
    if (name && v == DESCENT_VOCAB_TUNE_PARAM && (!strcmp(name, "lr") || !strcmp(name, "batch"))) {
        *out = name[0] == 'l' ? DESCENT_TUNE_LEARNING_RATE : DESCENT_TUNE_BATCH_SIZE;
        return DESCENT_OK;
    }
    char allowed[256], shown[64];
    list_names(v, allowed, sizeof allowed);
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown %s '%s': expected one of %s", voc->title,
                        name ? descent_show(shown, sizeof shown, name, strlen(name)) : "(null)", allowed);
}

#define NAMED(type, name_fn, parse_fn, vocab)                                                                          \
    const char *name_fn(type value) { return descent_vocabulary_word(vocab, (int)value); }                            \
    descent_status parse_fn(const char *name, type *out, descent_error *err)                                          \
    {                                                                                                                  \
        int v = 0;                                                                                                     \
        descent_status s = parse_word(vocab, name, &v, err);                                                           \
        if (s == DESCENT_OK && out) *out = (type)v;                                                                    \
        return s;                                                                                                      \
    }

NAMED(descent_activation, descent_activation_name, descent_activation_parse, DESCENT_VOCAB_ACTIVATION)
NAMED(descent_init, descent_init_name, descent_init_parse, DESCENT_VOCAB_INIT)
NAMED(descent_loss, descent_loss_name, descent_loss_parse, DESCENT_VOCAB_LOSS)
NAMED(descent_optimizer_kind, descent_optimizer_name, descent_optimizer_parse, DESCENT_VOCAB_OPTIMIZER)
NAMED(descent_task, descent_task_name, descent_task_parse, DESCENT_VOCAB_TASK)
NAMED(descent_output, descent_output_name, descent_output_parse, DESCENT_VOCAB_OUTPUT)
NAMED(descent_generator, descent_generator_name, descent_generator_parse, DESCENT_VOCAB_GENERATOR)
NAMED(descent_tune_param, descent_tune_param_name, descent_tune_param_parse, DESCENT_VOCAB_TUNE_PARAM)
NAMED(descent_tune_metric, descent_tune_metric_name, descent_tune_metric_parse, DESCENT_VOCAB_METRIC)
NAMED(descent_input_scale, descent_input_scale_name, descent_input_scale_parse, DESCENT_VOCAB_INPUT_SCALE)

int descent_tune_metric_higher_is_better(descent_tune_metric m)
{
    return m == DESCENT_METRIC_ACCURACY || m == DESCENT_METRIC_F1 || m == DESCENT_METRIC_R2;
}

descent_tune_metric descent_tune_metric_default(descent_task task)
{
    return task == DESCENT_TASK_CLASSIFICATION ? DESCENT_METRIC_ACCURACY : DESCENT_METRIC_R2;
}

/* ------------------------------------------------------------------ limits */

static const double limit_values[] = {
    DESCENT_MAX_UNITS,   DESCENT_MAX_LAYERS,  DESCENT_MAX_PARAMS,   (double)DESCENT_MAX_STEPS,
    DESCENT_MAX_EPOCHS,  DESCENT_MAX_BATCH,   DESCENT_MAX_ROWS,     DESCENT_MAX_COLUMNS,
    DESCENT_MAX_GENERATE, DESCENT_MAX_CLASSES, DESCENT_AUTO_MAX_CLASSES, DESCENT_MAX_HIDDEN,
    DESCENT_MAX_FOLDS,   DESCENT_MAX_CONFIGS, (double)DESCENT_MAX_SEED, DESCENT_MAX_SURFACE_RESOLUTION,
};
_Static_assert(COUNT(limit_values) == DESCENT_LIMITS - 1, "a value for each limit but bytes");

double descent_limit_value(descent_limit limit)
{
    if (limit == DESCENT_LIMIT_BYTES) return (double)descent_size_limit();
    return (unsigned)limit < DESCENT_LIMIT_BYTES ? limit_values[limit] : 0;
}

/* ------------------------------------------------------------- optimizers */

/* Defaults as TF.js uses them, and where it has none descent's own (see descent.h). */
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

static const descent_range param_ranges[] = {
    DESCENT_RANGE_POSITIVE,  DESCENT_RANGE_UNIT_OPEN, DESCENT_RANGE_UNIT_OPEN, DESCENT_RANGE_UNIT_OPEN,
    DESCENT_RANGE_UNIT_OPEN, DESCENT_RANGE_POSITIVE,  DESCENT_RANGE_POSITIVE,  DESCENT_RANGE_FLAG,
};
_Static_assert(COUNT(param_ranges) == DESCENT_OPTIMIZER_PARAMS, "a range for each optimizer parameter");

/* Bit p: the kind uses parameter p (in descent_optimizer_param order, which
 * is also the order validation names a bad one in). */
#define USES(p) (1u << (p))
static const unsigned param_use[] = {
    [DESCENT_OPT_SGD] = USES(DESCENT_PARAM_LEARNING_RATE),
    [DESCENT_OPT_MOMENTUM] = USES(DESCENT_PARAM_LEARNING_RATE) | USES(DESCENT_PARAM_MOMENTUM),
    [DESCENT_OPT_NESTEROV] = USES(DESCENT_PARAM_LEARNING_RATE) | USES(DESCENT_PARAM_MOMENTUM),
    [DESCENT_OPT_ADAGRAD] = USES(DESCENT_PARAM_LEARNING_RATE) | USES(DESCENT_PARAM_INITIAL_ACCUMULATOR),
    [DESCENT_OPT_RMSPROP] = USES(DESCENT_PARAM_LEARNING_RATE) | USES(DESCENT_PARAM_RHO) | USES(DESCENT_PARAM_MOMENTUM) |
                            USES(DESCENT_PARAM_EPSILON) | USES(DESCENT_PARAM_CENTERED),
    [DESCENT_OPT_ADAM] = USES(DESCENT_PARAM_LEARNING_RATE) | USES(DESCENT_PARAM_BETA1) | USES(DESCENT_PARAM_BETA2) |
                         USES(DESCENT_PARAM_EPSILON),
};
_Static_assert(COUNT(param_use) == DESCENT_OPTIMIZERS, "the parameters of each optimizer");

const char *descent_optimizer_param_name(descent_optimizer_param p)
{
    return descent_vocabulary_word(DESCENT_VOCAB_OPTIMIZER_PARAM, (int)p);
}

descent_range descent_optimizer_param_range(descent_optimizer_param p)
{
    return (unsigned)p < DESCENT_OPTIMIZER_PARAMS ? param_ranges[p] : DESCENT_RANGE_POSITIVE;
}

int descent_optimizer_uses(descent_optimizer_kind kind, descent_optimizer_param p)
{
    return (unsigned)kind < DESCENT_OPTIMIZERS && (unsigned)p < DESCENT_OPTIMIZER_PARAMS &&
           (param_use[kind] & USES(p)) != 0;
}

static double *param_slot(descent_optimizer_spec *s, descent_optimizer_param p)
{
    switch (p) {
    case DESCENT_PARAM_LEARNING_RATE: return &s->learning_rate;
    case DESCENT_PARAM_RHO: return &s->rho;
    case DESCENT_PARAM_MOMENTUM: return &s->momentum;
    case DESCENT_PARAM_BETA1: return &s->beta1;
    case DESCENT_PARAM_BETA2: return &s->beta2;
    case DESCENT_PARAM_EPSILON: return &s->epsilon;
    case DESCENT_PARAM_INITIAL_ACCUMULATOR: return &s->initial_accumulator;
    case DESCENT_PARAM_CENTERED: break;
    }
    return NULL;
}

double descent_optimizer_get(const descent_optimizer_spec *s, descent_optimizer_param p)
{
    if (!s || (unsigned)p >= DESCENT_OPTIMIZER_PARAMS) return NAN;
    if (p == DESCENT_PARAM_CENTERED) return s->centered;
    return *param_slot((descent_optimizer_spec *)s, p);
}

/* The name a parameter has in messages: the learning rate alone, the rest
 * as "optimizer momentum", as they always have. */
static void param_label(descent_optimizer_param p, char *buf, size_t size)
{
    descent_format(buf, size, "%s%s", p == DESCENT_PARAM_LEARNING_RATE ? "" : "optimizer ",
                   descent_optimizer_param_name(p));
}

descent_status descent_optimizer_set(descent_optimizer_spec *s, descent_optimizer_param p, double value,
                                     descent_error *err)
{
    if (!s) return descent_fail(err, DESCENT_ERR_ARGUMENT, "spec must not be NULL");
    if ((unsigned)p >= DESCENT_OPTIMIZER_PARAMS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizer parameter %d is not one of 0..%d", (int)p,
                            DESCENT_OPTIMIZER_PARAMS - 1);
    char label[48];
    param_label(p, label, sizeof label);
    descent_status st = descent_check_float(label, value, param_ranges[p], err);
    if (st != DESCENT_OK) return st;
    if (p == DESCENT_PARAM_CENTERED) s->centered = (int)value;
    else *param_slot(s, p) = value;
    return DESCENT_OK;
}

/* Every field a kind uses is a float32 in TF.js's arithmetic, so each is
 * checked as one (descent_check_float): 1e39 is refused, not stored as
 * infinity. Fields the kind does not use may hold anything. */
descent_status optimizer_validate(const descent_optimizer_spec *s, descent_error *err)
{
    if (!descent_optimizer_name(s->kind))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizer kind %d is not a known optimizer", (int)s->kind);
    for (int p = 0; p < DESCENT_OPTIMIZER_PARAMS; p++) {
        if (!descent_optimizer_uses(s->kind, (descent_optimizer_param)p)) continue;
        char label[48];
        param_label((descent_optimizer_param)p, label, sizeof label);
        descent_status st =
            descent_check_float(label, descent_optimizer_get(s, (descent_optimizer_param)p), param_ranges[p], err);
        if (st != DESCENT_OK) return st;
    }
    return DESCENT_OK;
}
