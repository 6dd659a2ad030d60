/* tune_config.c - a search's configurations: the hidden-layer lists, the
 * defaults and checks of a configuration and of a search's axes, and
 * configuration i of a grid (mixed radix) or of a random search (its own
 * seeded draw); and the seeds everything random in a search derives from. */
#include "tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "0..5 (sgd, momentum, ...)": an enum's values and names, for messages. */
static void enum_text(descent_vocabulary v, char *buf, size_t size)
{
    int n = descent_vocabulary_size(v);
    size_t used = (size_t)descent_format(buf, size, "0..%d (", n - 1);
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)descent_format(buf + used, size - used, "%s%s", i ? ", " : "", descent_vocabulary_word(v, i));
    if (used < size) descent_format(buf + used, size - used, ")");
}

/* --------------------------------------------------------------- layers */

descent_status descent_tune_layers_parse(const char *text, descent_tune_layers *out, descent_error *err)
{
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    descent_tune_layers l;
    memset(&l, 0, sizeof l);
    descent_status s = descent_hidden_parse(text, DESCENT_TUNE_MAX_LAYERS, l.units, NULL, &l.count, err);
    if (s == DESCENT_OK) *out = l;
    return s;
}

void descent_tune_layers_format(const descent_tune_layers *l, char *buf, size_t size)
{
    descent_hidden_format(l ? l->units : NULL, NULL, l ? l->count : 0, buf, size);
}

/* --------------------------------------------------------------- config */

descent_tune_config descent_tune_config_defaults(void)
{
    descent_tune_config c;
    memset(&c, 0, sizeof c);
    c.learning_rate = 0;            /* the optimizer's own default */
    c.batch_size = 32;
    c.optimizer = DESCENT_OPT_ADAM;
    c.layers.count = 2;
    c.layers.units[0] = c.layers.units[1] = 16;
    c.activation = DESCENT_ACT_RELU;
    c.l2 = 0;
    c.epochs = 100;
    return c;
}

descent_status descent_tune_config_check(const descent_tune_config *c, descent_error *err)
{
    if (!c) return descent_fail(err, DESCENT_ERR_ARGUMENT, "config must not be NULL");
    if (c->learning_rate != 0 &&
        descent_check_float("learning_rate", c->learning_rate, DESCENT_RANGE_POSITIVE, NULL) != DESCENT_OK)
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "learning_rate must be a finite number > 0 and a finite float32 (or 0 for the optimizer's "
                            "default), got %g",
                            c->learning_rate);
    if (c->batch_size < 0)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "batch_size must be >= 1 (or 0 for the full batch), got %d",
                            c->batch_size);
    char list[120];
    if (!descent_optimizer_name(c->optimizer)) {
        enum_text(DESCENT_VOCAB_OPTIMIZER, list, sizeof list);
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "optimizer %d is not one of %s", (int)c->optimizer, list);
    }
    if (c->layers.count < 0 || c->layers.count > DESCENT_TUNE_MAX_LAYERS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers: %d hidden layers, expected 0..%d", c->layers.count,
                            DESCENT_TUNE_MAX_LAYERS);
    for (int i = 0; i < c->layers.count; i++)
        if (c->layers.units[i] < 1 || c->layers.units[i] > DESCENT_MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers: hidden layer %d has %d units, expected 1..%d",
                                i + 1, c->layers.units[i], DESCENT_MAX_UNITS);
    if (!descent_activation_name(c->activation)) {
        enum_text(DESCENT_VOCAB_ACTIVATION, list, sizeof list);
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "activation %d is not one of %s", (int)c->activation, list);
    }
    descent_status s = descent_check_float("l2", c->l2, DESCENT_RANGE_NON_NEGATIVE, err);
    if (s != DESCENT_OK) return s;
    if (c->epochs < 1 || c->epochs > DESCENT_MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "epochs must be in 1..%d, got %d", DESCENT_MAX_EPOCHS, c->epochs);
    return DESCENT_OK;
}

descent_search_spec descent_search_defaults(void)
{
    descent_search_spec s;
    memset(&s, 0, sizeof s);
    s.mode = DESCENT_SEARCH_GRID;
    s.base = descent_tune_config_defaults();
    s.folds = 5;
    s.metric = DESCENT_METRIC_LOSS;
    s.seed = 1;
    return s;
}

/* Whether value v is allowed for parameter p; if not, fills err. */
/* Whether value v is allowed for parameter p; if not, fills err. */

/* Whether value v is allowed for parameter p; if not, fills err. */
static descent_status check_value(int axis, descent_tune_param p, int i, double v, descent_error *err)
{
    const char *name = descent_tune_param_name(p);
    int ok = isfinite(v);
    char allowed[160], list[120];
    allowed[0] = '\0';
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE:
        ok = descent_check_float(name, v, DESCENT_RANGE_POSITIVE, NULL) == DESCENT_OK;
        descent_format(allowed, sizeof allowed, "a number > 0 (and a finite float32)");
        break;
    case DESCENT_TUNE_BATCH_SIZE:
        ok = ok && v == floor(v) && v >= 0 && v <= DESCENT_MAX_BATCH;
        descent_format(allowed, sizeof allowed, "an integer 1..%d, or 0 for the full batch", DESCENT_MAX_BATCH);
        break;
    case DESCENT_TUNE_OPTIMIZER:
        ok = ok && v == floor(v) && descent_optimizer_name((descent_optimizer_kind)(int)v);
        enum_text(DESCENT_VOCAB_OPTIMIZER, list, sizeof list);
        descent_format(allowed, sizeof allowed, "an optimizer: %s", list);
        break;
    case DESCENT_TUNE_ACTIVATION:
        ok = ok && v == floor(v) && descent_activation_name((descent_activation)(int)v);
        enum_text(DESCENT_VOCAB_ACTIVATION, list, sizeof list);
        descent_format(allowed, sizeof allowed, "an activation: %s", list);
        break;
    case DESCENT_TUNE_L2:
        ok = descent_check_float(name, v, DESCENT_RANGE_NON_NEGATIVE, NULL) == DESCENT_OK;
        descent_format(allowed, sizeof allowed, "a number >= 0 (and a finite float32)");
        break;
    case DESCENT_TUNE_EPOCHS:
        ok = ok && v == floor(v) && v >= 1 && v <= DESCENT_MAX_EPOCHS;
        descent_format(allowed, sizeof allowed, "an integer 1..%d", DESCENT_MAX_EPOCHS);
        break;
    case DESCENT_TUNE_LAYERS: break;
    }
    if (ok) return DESCENT_OK;
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): value %d is %g, expected %s", axis + 1, name, i + 1, v,
                        allowed);
}

descent_status tune_check_axis(const descent_search_spec *sp, int a, descent_error *err)
{
    const descent_tune_axis *x = &sp->axes[a];
    char list[120];
    if (!descent_tune_param_name(x->param))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d: parameter %d is not one of %s", a + 1, (int)x->param,
                            (enum_text(DESCENT_VOCAB_TUNE_PARAM, list, sizeof list), list));
    const char *name = descent_tune_param_name(x->param);
    for (int b = 0; b < a; b++)
        if (sp->axes[b].param == x->param)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axes %d and %d both search %s: give its values once", b + 1,
                                a + 1, name);
    if (x->count < 0 || x->count > DESCENT_TUNE_MAX_CONFIGS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): count must be in 0..%d, got %d", a + 1, name,
                            DESCENT_TUNE_MAX_CONFIGS, x->count);
    if (x->count == 0) {
        int ranged = x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2 ||
                     x->param == DESCENT_TUNE_BATCH_SIZE || x->param == DESCENT_TUNE_EPOCHS;
        if (sp->mode != DESCENT_SEARCH_RANDOM)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "axis %d (%s) has no values: a grid search needs at least one (ranges lo..hi are for "
                                "random search)",
                                a + 1, name);
        if (!ranged)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "axis %d (%s) has no values: %s is drawn from a list (ranges are for learning_rate, l2, "
                                "batch_size and epochs)",
                                a + 1, name, name);
        if (!(isfinite(x->lo) && isfinite(x->hi) && x->lo <= x->hi))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): range %g..%g must be finite with lo <= hi",
                                a + 1, name, x->lo, x->hi);
        if (x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2) {
            if (!(x->lo > 0))
                return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                    "axis %d (%s): range %g..%g is drawn log-uniformly, so lo must be > 0", a + 1, name,
                                    x->lo, x->hi);
        }
        {
            descent_status s;
            if ((s = check_value(a, x->param, 0, x->lo, err)) != DESCENT_OK) return s;
            if ((s = check_value(a, x->param, 1, x->hi, err)) != DESCENT_OK) return s;
            if (x->param == DESCENT_TUNE_BATCH_SIZE && x->lo < 1)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (batch_size): range %g..%g must start at 1 or "
                                    "more", a + 1, x->lo, x->hi);
        }
        return DESCENT_OK;
    }
    if (x->param == DESCENT_TUNE_LAYERS) {
        if (!x->layers)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (layers): layers must not be NULL with count %d",
                                a + 1, x->count);
        for (int i = 0; i < x->count; i++) {
            descent_tune_config c = descent_tune_config_defaults();
            c.layers = x->layers[i];
            descent_error e;
            if (descent_tune_config_check(&c, &e) != DESCENT_OK)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d, value %d: %s", a + 1, i + 1, e.message);
        }
        return DESCENT_OK;
    }
    if (!x->values)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "axis %d (%s): values must not be NULL with count %d", a + 1,
                            name, x->count);
    for (int i = 0; i < x->count; i++) {
        descent_status s = check_value(a, x->param, i, x->values[i], err);
        if (s != DESCENT_OK) return s;
    }
    return DESCENT_OK;
}

/* 3 significant digits, so drawn rates print cleanly and agree across libms. */
static double round3(double v)
{
    char buf[32];
    descent_format(buf, sizeof buf, "%.3g", v);
    return strtod(buf, NULL);
}

static void set_value(descent_tune_config *c, descent_tune_param p, double v)
{
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE: c->learning_rate = v; break;
    case DESCENT_TUNE_BATCH_SIZE: c->batch_size = (int)v; break;
    case DESCENT_TUNE_OPTIMIZER: c->optimizer = (descent_optimizer_kind)(int)v; break;
    case DESCENT_TUNE_ACTIVATION: c->activation = (descent_activation)(int)v; break;
    case DESCENT_TUNE_L2: c->l2 = v; break;
    case DESCENT_TUNE_EPOCHS: c->epochs = (int)v; break;
    case DESCENT_TUNE_LAYERS: break;
    }
}

void tune_config_at(const descent_search *s, int index, descent_tune_config *c)
{
    const descent_search_spec *sp = &s->spec;
    *c = sp->base;
    if (sp->mode == DESCENT_SEARCH_GRID) {
        /* Mixed radix, the last axis fastest. */
        int rest = index;
        for (int a = sp->n_axes - 1; a >= 0; a--) {
            const descent_tune_axis *x = &s->axes[a];
            int i = rest % x->count;
            rest /= x->count;
            if (x->param == DESCENT_TUNE_LAYERS) c->layers = x->layers[i];
            else set_value(c, x->param, x->values[i]);
        }
    } else {
        rng r;
        rng_seed(&r, tune_derive_seed(sp->seed, (uint32_t)index, 0), RNG_STREAM_TUNE);
        for (int a = 0; a < sp->n_axes; a++) {
            const descent_tune_axis *x = &s->axes[a];
            if (x->count > 0) {
                int i = (int)rng_below(&r, (uint32_t)x->count);
                if (x->param == DESCENT_TUNE_LAYERS) c->layers = x->layers[i];
                else set_value(c, x->param, x->values[i]);
            } else if (x->param == DESCENT_TUNE_LEARNING_RATE || x->param == DESCENT_TUNE_L2) {
                double u = (double)(rng_next(&r) >> 11) * (1.0 / 9007199254740992.0);
                double v = exp(log(x->lo) + u * (log(x->hi) - log(x->lo)));
                v = round3(v);
                if (v < x->lo) v = x->lo;
                if (v > x->hi) v = x->hi;
                set_value(c, x->param, v);
            } else {
                uint32_t span = (uint32_t)((long long)x->hi - (long long)x->lo + 1);
                set_value(c, x->param, x->lo + (double)rng_below(&r, span));
            }
        }
    }
    if (c->learning_rate <= 0) c->learning_rate = descent_optimizer_defaults(c->optimizer).learning_rate;
}

/* ---------------------------------------------------------------- seeds */

/* A 32-bit seed from (seed, configuration, fold): SplitMix64's finalizer over
 * the three packed together, so neighbouring indices give unrelated seeds. */
uint32_t tune_derive_seed(uint32_t seed, uint32_t index, uint32_t fold)
{
    uint64_t z = ((uint64_t)seed << 32 | index) ^ ((uint64_t)fold * 0xD1B54A32D192ED03ull);
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (uint32_t)(z ^ (z >> 32));
}

#if defined(__EMSCRIPTEN__)
/* The wasm runtime's TIME_UTC clock ticks in whole milliseconds; performance.now() is finer. */
#include <emscripten/emscripten.h>
double tune_now_ms(void) { return emscripten_get_now(); }
#else
double tune_now_ms(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
#endif

