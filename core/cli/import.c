/* import.c - `descent import --from DIR/model.json --out m.bin`: a TF.js
 * layers-model (descent's export, or a Keras Sequential converted by
 * tensorflowjs_converter) as a descent model file. It takes Dense layers with
 * linear, relu, sigmoid, tanh or softmax, an InputLayer first, and an
 * Activation or LeakyReLU layer right after a linear Dense as that layer's
 * activation; any other layer is refused by class, index and place in the
 * file. With descent's recipe (userDefinedMetadata.descent) the folded
 * scalers are taken back out of the weights, and the names restored. The
 * same rules as bindings/interop-tfjs.mjs's fromTfjs. */
#include "interop.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON_BYTES (64L << 20)  /* model.json: text only, the weights are apart */

typedef struct importer {
    const char *path;               /* model.json, for messages */
    interop_model im;
    const char *names[DESCENT_MAX_LAYERS]; /* each Dense layer's name, or NULL */
    const json_value *where[DESCENT_MAX_LAYERS]; /* each Dense layer's JSON, for messages */
    int index[DESCENT_MAX_LAYERS];  /* its index in the Sequential */
    int followed[DESCENT_MAX_LAYERS];
    int use_bias[DESCENT_MAX_LAYERS];
} importer;

/* "FILE:LINE:COLUMN: " + message, exit 1. */
static int bad(const importer *t, const json_value *v, const char *fmt, const char *s1, const char *s2)
{
    char text[512];
    snprintf(text, sizeof text, fmt, s1 ? s1 : "", s2 ? s2 : "");
    return runtime_error("%s:%d:%d: %s", t->path, v ? v->line : 1, v ? v->column : 1, text);
}

/* A whole file, at most limit bytes, NUL-terminated; NULL with the message printed. */
static char *read_file(const char *path, long limit, size_t *len, int *rc)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *rc = runtime_error("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        *rc = runtime_error("%s: cannot read its length", path);
        return NULL;
    }
    if (size > limit) {
        fclose(f);
        *rc = runtime_error("%s: %ld bytes, more than the %ld this reads", path, size, limit);
        return NULL;
    }
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        *rc = runtime_error(text ? "%s: cannot read" : "%s: out of memory", path);
        free(text);
        fclose(f);
        return NULL;
    }
    fclose(f);
    text[size] = '\0';
    *len = (size_t)size;
    return text;
}

static int is_integer(const json_value *v, double lo, double hi)
{
    return v && v->type == JSON_NUMBER && v->number == floor(v->number) && v->number >= lo && v->number <= hi;
}

static const char *string_of(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->string : NULL;
}

/* The keras activation's descent activation; -1 when descent has none. */
static int activation_of(const char *name)
{
    static const descent_activation ok[] = {DESCENT_ACT_LINEAR, DESCENT_ACT_RELU, DESCENT_ACT_SIGMOID,
                                            DESCENT_ACT_TANH, DESCENT_ACT_SOFTMAX};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (name && strcmp(name, descent_activation_name(ok[i])) == 0) return (int)ok[i];
    return -1;
}

/* The input width of a layer config's batch_input_shape: 0 when absent, -1 when not [null, n]. */
static int input_width(const json_value *config)
{
    const json_value *s = json_get(config, "batch_input_shape");
    if (!s) s = json_get(config, "batch_shape");
    if (!s || s->type == JSON_NULL) return 0;
    if (s->type != JSON_ARRAY || s->count != 2 || !is_integer(&s->items[1], 1, DESCENT_MAX_UNITS)) return -1;
    return (int)s->items[1].number;
}

/* Reads the Sequential's layers into t->im (no weights yet). */
static int read_layers(importer *t, const json_value *root)
{
    const json_value *top = json_get(root, "modelTopology");
    if (!top || top->type != JSON_OBJECT) return bad(t, top ? top : root, "modelTopology must be an object", 0, 0);
    if (json_get(top, "model_config")) top = json_get(top, "model_config");
    const char *cls = string_of(json_get(top, "class_name"));
    if (!cls || strcmp(cls, "Sequential") != 0)
        return bad(t, top, "the model is %s: descent takes a Sequential of Dense layers", cls ? cls : "not named", 0);
    const json_value *config = json_get(top, "config"), *list = config;
    if (config && config->type == JSON_OBJECT) list = json_get(config, "layers");
    if (!list || list->type != JSON_ARRAY || list->count == 0)
        return bad(t, config ? config : top, "the Sequential has no layers", 0, 0);
    interop_model *im = &t->im;
    for (size_t i = 0; i < list->count; i++) {
        const json_value *layer = &list->items[i], *lc = json_get(layer, "config");
        const char *kind = string_of(json_get(layer, "class_name"));
        char what[160];
        const char *name = string_of(json_get(lc, "name"));
        snprintf(what, sizeof what, "layer %zu (%.40s%s%.60s%s)", i, kind ? kind : "?", name ? " \"" : "",
                 name ? name : "", name ? "\"" : "");
        int width = input_width(lc);
        if (width < 0)
            return bad(t, layer, "%s: batch_input_shape must be [null, features] with 1.." STR(DESCENT_MAX_UNITS)
                       " features", what, 0);
        if (width > 0 && im->n_layers == 0 && im->inputs == 0) im->inputs = width;
        interop_layer *prev = im->n_layers ? &im->layers[im->n_layers - 1] : NULL;
        int follows = prev && prev->activation == DESCENT_ACT_LINEAR && !t->followed[im->n_layers - 1];
        if (kind && strcmp(kind, "InputLayer") == 0) {
            if (i != 0) return bad(t, layer, "%s: an InputLayer must come first", what, 0);
            if (width == 0) return bad(t, layer, "%s has no batch_input_shape", what, 0);
        } else if (kind && strcmp(kind, "Dense") == 0) {
            if (im->n_layers == DESCENT_MAX_LAYERS)
                return bad(t, layer, "%s: more than " STR(DESCENT_MAX_LAYERS) " Dense layers", what, 0);
            const json_value *units = json_get(lc, "units"), *act = json_get(lc, "activation");
            if (!is_integer(units, 1, DESCENT_MAX_UNITS))
                return bad(t, units ? units : layer, "%s: units must be an integer in 1.." STR(DESCENT_MAX_UNITS),
                           what, 0);
            int a = !act || act->type == JSON_NULL ? DESCENT_ACT_LINEAR : activation_of(string_of(act));
            if (a < 0)
                return bad(t, act, "%s: activation %s is not one descent has (linear, relu, sigmoid, tanh, softmax; "
                                   "leaky ReLU as a LeakyReLU layer after a linear Dense)", what,
                           string_of(act) ? string_of(act) : json_type_name(act->type));
            const json_value *bias = json_get(lc, "use_bias");
            interop_layer *L = &im->layers[im->n_layers];
            *L = (interop_layer){0, (int)units->number, (descent_activation)a, 0.2f, 0, 0, NULL, NULL, 0};
            t->use_bias[im->n_layers] = !bias || bias->type != JSON_FALSE;
            const json_value *reg = json_get(lc, "kernel_regularizer"), *rc_ = json_get(reg, "config");
            if (reg && reg->type == JSON_OBJECT) {
                const json_value *l1 = json_get(rc_, "l1"), *l2 = json_get(rc_, "l2");
                if ((l1 && (l1->type != JSON_NUMBER || l1->number < 0)) ||
                    (l2 && (l2->type != JSON_NUMBER || l2->number < 0)))
                    return bad(t, reg, "%s: kernel_regularizer's l1 and l2 must be numbers >= 0", what, 0);
                L->l1 = l1 ? (float)l1->number : 0;
                L->l2 = l2 ? (float)l2->number : 0;
            }
            t->names[im->n_layers] = name;
            t->where[im->n_layers] = layer;
            t->index[im->n_layers] = (int)i;
            im->n_layers++;
        } else if (kind && (strcmp(kind, "LeakyReLU") == 0 || strcmp(kind, "Activation") == 0)) {
            int leaky = kind[0] == 'L';
            int a = DESCENT_ACT_LEAKY_RELU;
            if (!leaky) {
                const json_value *act = json_get(lc, "activation");
                a = activation_of(string_of(act));
                if (a < 0)
                    return bad(t, act ? act : layer, "%s: activation %s is not one descent has (linear, relu, "
                               "sigmoid, tanh, softmax)", what, string_of(act) ? string_of(act) : "(none)");
                if (a == DESCENT_ACT_LINEAR) continue;
            }
            if (!follows)
                return bad(t, layer, "%s: descent takes it only right after a Dense layer with a linear activation",
                           what, 0);
            if (leaky) {
                const json_value *alpha = json_get(lc, "alpha");
                if (!alpha) alpha = json_get(lc, "negative_slope");
                if (alpha && (alpha->type != JSON_NUMBER || alpha->number < 0))
                    return bad(t, alpha, "%s: alpha must be a number >= 0", what, 0);
                prev->alpha = alpha ? (float)alpha->number : 0.3f; /* TF.js's and Keras's default */
            }
            prev->activation = (descent_activation)a;
            t->followed[im->n_layers - 1] = 1;
        } else {
            return bad(t, layer, "%s: descent cannot run this layer; it takes Dense layers (with an InputLayer "
                                 "first, and an Activation or LeakyReLU layer after a linear Dense)", what, 0);
        }
    }
    if (im->n_layers == 0) return bad(t, list, "the model has no Dense layer", 0, 0);
    if (im->inputs == 0)
        return bad(t, &list->items[0], "the first layer has no batch_input_shape, so the number of inputs is unknown",
                   0, 0);
    int fan_in = im->inputs;
    for (int l = 0; l < im->n_layers; l++) {
        im->layers[l].fan_in = fan_in;
        fan_in = im->layers[l].units;
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------- weights */

typedef struct weight_spec {
    const json_value *json;
    const char *name;
    const json_value *shape;
    uint64_t offset, count;         /* in floats, within all the weight files read as one */
    int used;
} weight_spec;

/* Every weight file of the manifest, in order, as one buffer; paths relative to model.json's folder. */
static unsigned char *read_weight_files(importer *t, const json_value *manifest, size_t *total, int *rc)
{
    const char *slash = strrchr(t->path, '/');
    size_t dir_len = slash ? (size_t)(slash - t->path) + 1 : 0;
    unsigned char *all = NULL;
    *total = 0;
    for (size_t g = 0; g < manifest->count; g++) {
        const json_value *paths = json_get(&manifest->items[g], "paths");
        if (!paths || paths->type != JSON_ARRAY) {
            *rc = bad(t, &manifest->items[g], "weightsManifest[%s] needs paths, an array of file names", "", 0);
            free(all);
            return NULL;
        }
        for (size_t k = 0; k < paths->count; k++) {
            const char *name = string_of(&paths->items[k]);
            if (!name || !*name || name[0] == '/' || strstr(name, "..") || strchr(name, '\\')) {
                *rc = bad(t, &paths->items[k], "a weight file must be a relative name inside model.json's folder, "
                                               "without '..'", 0, 0);
                free(all);
                return NULL;
            }
            char *file = malloc(dir_len + strlen(name) + 1);
            if (!file) {
                *rc = runtime_error("out of memory");
                free(all);
                return NULL;
            }
            memcpy(file, t->path, dir_len);
            strcpy(file + dir_len, name);
            size_t len;
            long room = (long)((size_t)DESCENT_MAX_PARAMS * 4 - *total);
            char *bytes = read_file(file, room, &len, rc);
            free(file);
            if (!bytes) {
                free(all);
                return NULL;
            }
            unsigned char *grown = realloc(all, *total + len + 1);
            if (!grown) {
                free(bytes);
                free(all);
                *rc = runtime_error("out of memory");
                return NULL;
            }
            all = grown;
            memcpy(all + *total, bytes, len);
            *total += len;
            free(bytes);
        }
    }
    if (!all) all = malloc(1);
    if (!all) *rc = runtime_error("out of memory");
    return all;
}

/* The spec of layer l's part ("kernel" or "bias"): by name, else the next unused one. */
static weight_spec *find_weight(importer *t, weight_spec *specs, size_t n, int l, const char *part, size_t *cursor)
{
    const char *layer = t->names[l];
    if (layer) {
        size_t want = strlen(layer) + strlen(part) + 1;
        for (size_t i = 0; i < n; i++) {
            const char *s = specs[i].name;
            size_t len = strlen(s);
            if (specs[i].used || len < want) continue;
            const char *tail = s + len - want;
            if (strncmp(tail, layer, strlen(layer)) == 0 && tail[strlen(layer)] == '/' &&
                strcmp(tail + strlen(layer) + 1, part) == 0 && (tail == s || tail[-1] == '/'))
                return &specs[i];
        }
    }
    while (*cursor < n && specs[*cursor].used) (*cursor)++;
    return *cursor < n ? &specs[*cursor] : NULL;
}

static int read_weights(importer *t, const json_value *root)
{
    const json_value *manifest = json_get(root, "weightsManifest");
    if (!manifest || manifest->type != JSON_ARRAY)
        return bad(t, manifest ? manifest : root, "weightsManifest must be an array", 0, 0);
    size_t n = 0;
    for (size_t g = 0; g < manifest->count; g++) {
        const json_value *w = json_get(&manifest->items[g], "weights");
        if (!w || w->type != JSON_ARRAY)
            return bad(t, &manifest->items[g], "weightsManifest[] needs weights, an array", 0, 0);
        n += w->count;
    }
    int rc = EXIT_OK;
    size_t total;
    unsigned char *bytes = read_weight_files(t, manifest, &total, &rc);
    if (!bytes) return rc;
    weight_spec *specs = calloc(n ? n : 1, sizeof *specs);
    if (!specs) {
        free(bytes);
        return runtime_error("out of memory");
    }
    uint64_t offset = 0;
    size_t k = 0;
    for (size_t g = 0; g < manifest->count && !rc; g++) {
        const json_value *w = json_get(&manifest->items[g], "weights");
        for (size_t i = 0; i < w->count && !rc; i++, k++) {
            const json_value *spec = &w->items[i], *shape = json_get(spec, "shape");
            const char *dtype = string_of(json_get(spec, "dtype"));
            weight_spec *s = &specs[k];
            s->json = spec;
            s->name = string_of(json_get(spec, "name"));
            s->shape = shape;
            s->offset = offset;
            s->count = 1;
            if (!s->name || !shape || shape->type != JSON_ARRAY) {
                rc = bad(t, spec, "a weight needs a name and a shape", 0, 0);
                break;
            }
            if ((dtype && strcmp(dtype, "float32") != 0) || json_get(spec, "quantization")) {
                rc = bad(t, spec, "weight %s is %s: descent reads float32 weights", s->name,
                         dtype && strcmp(dtype, "float32") != 0 ? dtype : "quantized");
                break;
            }
            for (size_t d = 0; d < shape->count && !rc; d++) {
                if (!is_integer(&shape->items[d], 0, DESCENT_MAX_PARAMS)) {
                    rc = bad(t, &shape->items[d],
                             "weight %s: a dimension must be an integer in 0.." STR(DESCENT_MAX_PARAMS), s->name, 0);
                } else {
                    /* Each factor and each partial product <= 2^27, so this cannot wrap. */
                    s->count *= (uint64_t)shape->items[d].number;
                    if (s->count > DESCENT_MAX_PARAMS)
                        rc = bad(t, shape, "weight %s has more than " STR(DESCENT_MAX_PARAMS) " values", s->name, 0);
                }
            }
            offset += s->count;
            if (!rc && offset * 4 > total) {
                char have[32];
                snprintf(have, sizeof have, "%zu", total);
                rc = bad(t, spec, "the weight files (%s bytes) end before weight %s", have, s->name);
            }
        }
    }
    size_t cursor = 0;
    for (int l = 0; l < t->im.n_layers && !rc; l++) {
        interop_layer *L = &t->im.layers[l];
        for (int part = 0; part < 2 && !rc; part++) {
            if (part == 1 && !t->use_bias[l]) break;
            weight_spec *s = find_weight(t, specs, k, l, part ? "bias" : "kernel", &cursor);
            uint64_t want = part ? (uint64_t)L->units : (uint64_t)L->fan_in * (uint64_t)L->units;
            char what[64];
            snprintf(what, sizeof what, "layer %d's %s", t->index[l], part ? "bias" : "kernel");
            if (!s) {
                rc = bad(t, t->where[l], "%s is not in weightsManifest", what, 0);
                break;
            }
            int dims_ok = s->shape->count == (size_t)(part ? 1 : 2) &&
                          s->shape->items[0].number == (part ? L->units : L->fan_in) &&
                          (part || s->shape->items[1].number == L->units);
            if (!dims_ok || s->count != want) {
                rc = bad(t, s->json, "%s (%s) has the wrong shape for this Dense layer", what, s->name);
                break;
            }
            if (want > DESCENT_MAX_PARAMS) {
                rc = bad(t, s->json, "%s (%s) is too large", what, s->name);
                break;
            }
            float *v = malloc((size_t)(want ? want : 1) * sizeof(float));
            if (!v) {
                rc = runtime_error("out of memory");
                break;
            }
            for (uint64_t i = 0; i < want; i++) {
                const unsigned char *b = bytes + (s->offset + i) * 4;
                uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
                memcpy(&v[i], &u, 4);
            }
            s->used = 1;
            if (part) L->bias = v;
            else L->kernel = v;
        }
    }
    free(specs);
    free(bytes);
    return rc;
}

/* ------------------------------------------------ the recipe, the model */

/* recipe[key] as { mean, std } of n floats (std > 0) into mean, std; 0 absent, 1 read, else an exit status via *rc. */
static int read_scaler(importer *t, const json_value *recipe, const char *key, int n, float *mean, float *std, int *rc)
{
    const json_value *s = json_get(recipe, key);
    if (!s || s->type == JSON_NULL) return 0;
    const json_value *m = json_get(s, "mean"), *d = json_get(s, "std");
    int ok = m && d && m->type == JSON_ARRAY && d->type == JSON_ARRAY && m->count == (size_t)n && d->count == (size_t)n;
    for (int i = 0; ok && i < n; i++) {
        ok = m->items[i].type == JSON_NUMBER && d->items[i].type == JSON_NUMBER && d->items[i].number > 0;
        if (ok) {
            mean[i] = (float)m->items[i].number;
            std[i] = (float)d->items[i].number;
            ok = isfinite(mean[i]) && isfinite(std[i]) && std[i] > 0;
        }
    }
    if (!ok) {
        char count[32];
        snprintf(count, sizeof count, "%d", n);
        *rc = bad(t, s, "userDefinedMetadata.descent.%s must be { mean, std } of %s finite float32 numbers each "
                        "(std > 0)", key, count);
        return -1;
    }
    return 1;
}

/* recipe[key] as n strings (n -1: any count), pointing into the JSON; 0 absent, 1 read, -1 bad. */
static int read_strings(importer *t, const json_value *recipe, const char *key, int n, const char **out, int *count,
                        int *rc)
{
    const json_value *v = json_get(recipe, key);
    if (!v || v->type == JSON_NULL) return 0;
    int ok = v->type == JSON_ARRAY && (n < 0 ? v->count <= DESCENT_MAX_CLASSES : v->count == (size_t)n);
    for (size_t i = 0; ok && i < v->count; i++) {
        out[i] = string_of(&v->items[i]);
        ok = out[i] != NULL;
    }
    if (!ok) {
        *rc = bad(t, v, "userDefinedMetadata.descent.%s must be an array of %s strings", key,
                  n < 0 ? "at most " STR(DESCENT_MAX_CLASSES) : "one per input:");
        return -1;
    }
    *count = (int)v->count;
    return 1;
}

static int build(importer *t, const json_value *root, const char *out_path)
{
    interop_model *im = &t->im;
    const json_value *meta = json_get(json_get(root, "userDefinedMetadata"), "descent");
    int outputs = im->layers[im->n_layers - 1].units, rc = EXIT_OK;
    float *buf = malloc(((size_t)im->inputs + (size_t)outputs) * 2 * sizeof(float));
    const char **features = malloc((size_t)im->inputs * sizeof *features);
    const char *classes[DESCENT_MAX_CLASSES];
    descent_layer_spec *specs = malloc((size_t)im->n_layers * sizeof *specs);
    descent_model *m = NULL;
    if (!buf || !features || !specs) {
        rc = runtime_error("out of memory");
        goto done;
    }
    float *in_mean = buf, *in_std = buf + im->inputs, *t_mean = buf + 2 * im->inputs, *t_std = t_mean + outputs;
    int has_in = read_scaler(t, meta, "inputScaler", im->inputs, in_mean, in_std, &rc);
    int has_t = has_in >= 0 ? read_scaler(t, meta, "targetScaler", outputs, t_mean, t_std, &rc) : -1;
    int n_features = 0, n_classes = 0;
    if (has_in < 0 || has_t < 0 || read_strings(t, meta, "featureNames", im->inputs, features, &n_features, &rc) < 0 ||
        read_strings(t, meta, "classNames", -1, classes, &n_classes, &rc) < 0)
        goto done;
    const json_value *target = json_get(meta, "targetName");
    if (target && target->type != JSON_NULL && target->type != JSON_STRING) {
        rc = bad(t, target, "userDefinedMetadata.descent.targetName must be a string", 0, 0);
        goto done;
    }
    /* the layers whose bias the export added only to hold a scaler */
    const json_value *added = json_get(meta, "addedBias");
    if (added && added->type != JSON_NULL) {
        int ok = added->type == JSON_ARRAY;
        for (size_t i = 0; ok && i < added->count; i++) {
            double l = added->items[i].number;
            ok = added->items[i].type == JSON_NUMBER && l >= 0 && l < im->n_layers && l == (int)l &&
                 im->layers[(int)l].bias;
            if (ok) im->layers[(int)l].added_bias = 1;
        }
        if (!ok) {
            rc = bad(t, added, "userDefinedMetadata.descent.addedBias must be an array of indices of layers with a "
                               "bias", 0, 0);
            goto done;
        }
    }
    int unfolded = interop_unfold(im, has_in ? in_mean : NULL, has_in ? in_std : NULL, has_t ? t_mean : NULL,
                                  has_t ? t_std : NULL);
    if (unfolded == -2) {
        rc = runtime_error("out of memory");
        goto done;
    }
    if (unfolded != 0) {
        rc = bad(t, meta, "the recipe's scalers need a bias in the first and last layer", 0, 0);
        goto done;
    }
    descent_activation last = im->layers[im->n_layers - 1].activation;
    descent_loss loss = last == DESCENT_ACT_SOFTMAX ? DESCENT_LOSS_CATEGORICAL_CROSSENTROPY
                      : last == DESCENT_ACT_SIGMOID ? DESCENT_LOSS_BINARY_CROSSENTROPY : DESCENT_LOSS_MSE;
    const char *loss_name = string_of(json_get(meta, "loss"));
    if (loss_name && descent_loss_parse(loss_name, &loss, NULL) != DESCENT_OK) {
        rc = bad(t, json_get(meta, "loss"), "userDefinedMetadata.descent.loss %s is not one of descent's losses",
                 loss_name, 0);
        goto done;
    }
    uint64_t params = 0;
    for (int l = 0; l < im->n_layers; l++) {
        interop_layer *L = &im->layers[l];
        specs[l] = descent_layer(L->units, L->activation);
        specs[l].alpha = L->alpha;
        specs[l].l1 = L->l1;
        specs[l].l2 = L->l2;
        specs[l].no_bias = L->bias == NULL;
        params += (uint64_t)L->fan_in * (uint64_t)L->units + (uint64_t)L->units;
    }
    if (params > DESCENT_MAX_PARAMS) {
        rc = bad(t, root, "the model has more than " STR(DESCENT_MAX_PARAMS) " weights", 0, 0);
        goto done;
    }
    descent_model_spec spec = {.inputs = im->inputs, .n_layers = im->n_layers, .layers = specs, .loss = loss,
                               .optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM), .seed = 1};
    descent_error err;
    m = descent_model_create(&spec, &err);
    int ok = m != NULL;
    for (int l = 0; ok && l < im->n_layers; l++)
        ok = descent_model_set_weights(m, l, im->layers[l].kernel, im->layers[l].bias, &err) == DESCENT_OK;
    ok = ok && (!has_in || descent_model_set_input_scaler(m, in_mean, in_std, &err) == DESCENT_OK);
    ok = ok && (!has_t || descent_model_set_target_scaler(m, t_mean, t_std, &err) == DESCENT_OK);
    if (ok && (n_features || n_classes || (target && target->type == JSON_STRING)))
        ok = descent_model_set_names(m, n_features ? features : NULL, string_of(target), n_classes, classes, &err) ==
             DESCENT_OK;
    if (!ok) {
        rc = runtime_error("%s: %s", t->path, err.message);
        goto done;
    }
    if ((rc = out_save_model(m, 0, out_path))) goto done;
    printf("wrote %s\n", out_path);
done:
    descent_model_free(m);
    free(specs);
    free(features);
    free(buf);
    return rc;
}

int cmd_import(const args *a)
{
    const char *from, *out;
    int rc;
    if ((rc = require(a, "--from", &from)) || (rc = require(a, "--out", &out)) || a->check_only) return rc;
    if ((rc = out_check("--out", out, (const char *const[]){from, NULL}))) return rc;
    size_t len;
    char *text = read_file(from, MAX_JSON_BYTES, &len, &rc);
    if (!text) return rc;
    char msg[512];
    json_value *root = json_parse(text, len, from, msg, sizeof msg);
    free(text);
    if (!root) return runtime_error("%s", msg);
    importer *t = calloc(1, sizeof *t);
    if (!t) {
        json_free(root);
        return runtime_error("out of memory");
    }
    t->path = from;
    const char *format = string_of(json_get(root, "format"));
    if (root->type != JSON_OBJECT) rc = bad(t, root, "expected an object (TF.js's model.json)", 0, 0);
    else if (format && strcmp(format, "layers-model") != 0)
        rc = bad(t, json_get(root, "format"), "format is %s: descent takes a layers-model", format, 0);
    if (!rc) rc = read_layers(t, root);
    if (!rc) rc = read_weights(t, root);
    if (!rc) rc = build(t, root, out);
    interop_free(&t->im);
    free(t);
    json_free(root);
    return rc;
}
