/* io.c - the model file: save and load a model with its preprocessing and,
 * optionally, its optimizer state. The layout is documented in core/FORMAT.md;
 * every read is bounds-checked so a damaged file fails with a message. */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "DSNT"
#define FORMAT_VERSION 1
#define HEADER_BYTES MODEL_HEADER_BYTES /* magic, version, payload length, payload CRC-32 */
#define MAX_STRING 65536
#define FLAG_INPUT_SCALER 1u
#define FLAG_TARGET_SCALER 2u
#define FLAG_OPTIMIZER_STATE 4u
#define FLAG_FEATURE_NAMES 8u
#define FLAG_TARGET_NAME 16u

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

/* ---------------------------------------------------------------- writer */

typedef struct writer {
    unsigned char *p;
    size_t len, cap;
    int failed;
    descent_error err;              /* why, once failed */
} writer;

static void put_bytes(writer *w, const void *src, size_t n)
{
    if (w->failed) return;
    if (n > w->cap - w->len) {
        size_t need = w->len;
        if (descent_size_add(&need, n, "the saved model", &w->err) != DESCENT_OK) {
            w->failed = 1;
            return;
        }
        /* Doubling, but never past what one allocation can hold (nor wrapping). */
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < need) cap = cap <= descent_size_limit() / 2 ? cap * 2 : need;
        unsigned char *q = realloc(w->p, cap);
        if (!q) {
            w->failed = 1;
            descent_fail(&w->err, DESCENT_ERR_MEMORY, "out of memory saving a model: it needs %zu bytes", cap);
            return;
        }
        w->p = q;
        w->cap = cap;
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void put_u64(writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    put_bytes(w, b, 8);
}

static void put_u32(writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
    put_bytes(w, b, 4);
}

static void put_f32(writer *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(w, v);
}

static void put_f64(writer *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(w, v);
}

static void put_floats(writer *w, const float *f, size_t n)
{
    for (size_t i = 0; i < n; i++) put_f32(w, f[i]);
}

static void put_str(writer *w, const char *s)
{
    size_t n = strlen(s);
    if (n > MAX_STRING) n = MAX_STRING;
    put_u32(w, (uint32_t)n);
    put_bytes(w, s, n);
}

descent_status descent_model_save(const descent_model *m, int with_optimizer, unsigned char **bytes, size_t *length,
                                  descent_error *err)
{
    if (!m || !bytes || !length)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "model, bytes and length must not be NULL");
    writer w;
    memset(&w, 0, sizeof w);
    put_bytes(&w, MAGIC, 4);
    put_u32(&w, FORMAT_VERSION);
    put_u32(&w, 0); /* payload length and CRC, filled in below */
    put_u32(&w, 0);

    uint32_t flags = (m->in_mean ? FLAG_INPUT_SCALER : 0) | (m->out_mean ? FLAG_TARGET_SCALER : 0) |
                     (with_optimizer ? FLAG_OPTIMIZER_STATE : 0) | (m->feature_names ? FLAG_FEATURE_NAMES : 0) |
                     (m->target_name ? FLAG_TARGET_NAME : 0);
    put_u32(&w, flags);
    put_u32(&w, (uint32_t)m->inputs);
    put_u32(&w, (uint32_t)m->n_layers);
    put_u32(&w, (uint32_t)m->loss);
    put_u32(&w, m->seed);
    for (int l = 0; l < m->n_layers; l++) {
        const descent_layer_spec *s = &m->layers[l].spec;
        put_u32(&w, (uint32_t)s->units);
        put_u32(&w, (uint32_t)s->activation);
        put_f32(&w, s->alpha);
        put_f32(&w, s->l1);
        put_f32(&w, s->l2);
        put_u32(&w, (uint32_t)s->init);
        put_f32(&w, s->init_limit);
        put_u32(&w, (uint32_t)s->no_bias);
    }
    const descent_optimizer_spec *o = &m->opt;
    put_u32(&w, (uint32_t)o->kind);
    put_f64(&w, o->learning_rate);
    put_f64(&w, o->momentum);
    put_f64(&w, o->rho);
    put_f64(&w, o->epsilon);
    put_f64(&w, o->beta1);
    put_f64(&w, o->beta2);
    put_f64(&w, o->initial_accumulator);
    put_u32(&w, (uint32_t)o->centered);

    put_u32(&w, (uint32_t)m->n_params);
    put_floats(&w, m->params, m->n_params);
    if (m->in_mean) {
        put_floats(&w, m->in_mean, (size_t)m->inputs);
        put_floats(&w, m->in_std, (size_t)m->inputs);
    }
    if (m->out_mean) {
        put_floats(&w, m->out_mean, (size_t)m->outputs);
        put_floats(&w, m->out_std, (size_t)m->outputs);
    }
    if (m->feature_names)
        for (int i = 0; i < m->inputs; i++) put_str(&w, m->feature_names[i]);
    if (m->target_name) put_str(&w, m->target_name);
    put_u32(&w, (uint32_t)m->n_classes);
    for (int i = 0; i < m->n_classes; i++) put_str(&w, m->class_names[i]);
    if (with_optimizer) {
        put_u64(&w, (uint64_t)m->t);
        put_f32(&w, m->beta1_pow);
        put_f32(&w, m->beta2_pow);
        put_u64(&w, m->shuffle.state);
        int slots = optimizer_slots(o->kind);
        for (int s = 0; s < slots; s++) put_floats(&w, m->state[s], m->n_params);
    }
    if (w.failed) {
        free(w.p);
        return descent_fail(err, w.err.code, "%s", w.err.message);
    }
    size_t payload = w.len - HEADER_BYTES;
    if ((uint64_t)payload > UINT32_MAX) {
        free(w.p);
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "the model takes %zu bytes to save, more than the format's 32-bit payload length allows "
                            "(%u bytes): its names are too long",
                            payload, UINT32_MAX);
    }
    uint32_t crc = crc32(w.p + HEADER_BYTES, payload);
    for (int i = 0; i < 4; i++) {
        w.p[8 + i] = (unsigned char)((uint32_t)payload >> (8 * i));
        w.p[12 + i] = (unsigned char)(crc >> (8 * i));
    }
    *bytes = w.p;
    *length = w.len;
    return DESCENT_OK;
}

/* ---------------------------------------------------------------- reader */

typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
    int short_read;
} reader;

static const unsigned char *take(reader *r, size_t n)
{
    if (r->short_read || r->len - r->pos < n) {
        r->short_read = 1;
        return NULL;
    }
    const unsigned char *q = r->p + r->pos;
    r->pos += n;
    return q;
}

static uint32_t get_u32(reader *r)
{
    const unsigned char *b = take(r, 4);
    if (!b) return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get_u64(reader *r)
{
    uint64_t lo = get_u32(r);
    uint64_t hi = get_u32(r);
    return lo | hi << 32;
}

static float get_f32(reader *r)
{
    uint32_t v = get_u32(r);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static double get_f64(reader *r)
{
    uint64_t v = get_u64(r);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static int get_floats(reader *r, float *dst, size_t n)
{
    for (size_t i = 0; i < n && !r->short_read; i++) dst[i] = get_f32(r);
    return !r->short_read;
}

static char *get_str(reader *r)
{
    uint32_t n = get_u32(r);
    if (n > MAX_STRING) {
        r->short_read = 1;
        return NULL;
    }
    const unsigned char *b = take(r, n);
    if (!b) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    memcpy(s, b, n);
    s[n] = '\0';
    return s;
}

static void free_strs(char **s, int n)
{
    if (!s) return;
    for (int i = 0; i < n; i++) free(s[i]);
    free(s);
}

/* What the optimizer state's arrays hold, for messages, and which must stay
 * >= 0 because the update takes their square root (sums of squares). */
static const char *state_name(descent_optimizer_kind kind, int slot, int *non_negative)
{
    *non_negative = 0;
    switch (kind) {
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV: return "velocity";
    case DESCENT_OPT_ADAGRAD: *non_negative = 1; return "accumulator";
    case DESCENT_OPT_RMSPROP:
        *non_negative = slot == 0;
        return slot == 0 ? "mean square" : slot == 1 ? "moment" : "mean gradient";
    case DESCENT_OPT_ADAM: *non_negative = slot == 1; return slot == 0 ? "m" : "v";
    case DESCENT_OPT_SGD: break;
    }
    return "state";
}

/* The optimizer state, the file's last field: its size must be exactly what
 * the optimizer keeps for these layers, and every value must be one the
 * update can use. */
static descent_status read_optimizer_state(reader *r, descent_model *m, descent_error *err)
{
    const char *kind = descent_optimizer_name(m->opt.kind);
    int slots = optimizer_slots(m->opt.kind);
    uint64_t want = 24 + (uint64_t)slots * m->n_params * sizeof(float);
    size_t have = r->len - r->pos;
    if (have != want)
        return descent_fail(err, DESCENT_ERR_FORMAT,
                            "model file: optimizer state: %s keeps %d array%s of %zu values (%llu bytes with the step "
                            "count), the file has %zu",
                            kind, slots, slots == 1 ? "" : "s", m->n_params, (unsigned long long)want, have);
    uint64_t t = get_u64(r);
    if (t > (uint64_t)DESCENT_MAX_STEPS)
        return descent_fail(err, DESCENT_ERR_FORMAT,
                            "model file: optimizer state: the step count %llu is out of range 0..%lld",
                            (unsigned long long)t, (long long)DESCENT_MAX_STEPS);
    float pows[2];
    pows[0] = get_f32(r);
    pows[1] = get_f32(r);
    for (int i = 0; i < 2; i++) {
        /* Adam divides by 1 - beta^t; the other optimizers keep but never use them. */
        int adam = m->opt.kind == DESCENT_OPT_ADAM;
        if (!isfinite(pows[i]) || (adam && !(pows[i] >= 0.0f && pows[i] < 1.0f))) {
            char shown[32];
            descent_format(shown, sizeof shown, isnan(pows[i]) ? "NaN" : "%g", (double)pows[i]);
            return descent_fail(err, DESCENT_ERR_FORMAT, "model file: optimizer state: beta%d^t is %s: it must be %s",
                                i + 1, shown, adam ? "in [0, 1)" : "finite");
        }
    }
    m->t = (int64_t)t;
    m->beta1_pow = pows[0];
    m->beta2_pow = pows[1];
    m->shuffle.state = get_u64(r);
    for (int s = 0; s < slots; s++) {
        float *v = m->state[s];
        if (!get_floats(r, v, m->n_params)) return descent_fail(err, DESCENT_ERR_FORMAT, "model file is truncated");
        int non_negative;
        const char *name = state_name(m->opt.kind, s, &non_negative);
        for (size_t i = 0; i < m->n_params; i++) {
            if (!isfinite(v[i]))
                return descent_fail(err, DESCENT_ERR_FORMAT, "model file: optimizer state: %s %s[%zu] is %s", kind,
                                    name, i, isnan(v[i]) ? "NaN" : "infinite");
            if (non_negative && v[i] < 0.0f)
                return descent_fail(err, DESCENT_ERR_FORMAT,
                                    "model file: optimizer state: %s %s[%zu] is %g: it must be finite and >= 0", kind,
                                    name, i, (double)v[i]);
        }
    }
    return DESCENT_OK;
}

/* The input (or target) scaler: mean, then std. */
static descent_status read_scaler(reader *r, descent_model *m, int input, descent_error *err)
{
    int cols = input ? m->inputs : m->outputs;
    if ((uint64_t)cols * 2 * sizeof(float) > r->len - r->pos)
        return descent_fail(err, DESCENT_ERR_FORMAT, "model file is truncated: it ends inside the %s scaler",
                            input ? "input" : "target");
    float *buf = descent_alloc(2 * (uint64_t)cols, sizeof(float), "the model file's scaler", err);
    if (!buf) return err ? err->code : DESCENT_ERR_MEMORY;
    get_floats(r, buf, 2 * (size_t)cols);
    descent_error inner;
    descent_status s = input ? descent_model_set_input_scaler(m, buf, buf + cols, &inner)
                             : descent_model_set_target_scaler(m, buf, buf + cols, &inner);
    free(buf);
    if (s != DESCENT_OK) return descent_fail(err, DESCENT_ERR_FORMAT, "model file: %s", inner.message);
    return DESCENT_OK;
}

/* file_length is the whole file's, for messages. */
static descent_model *parse_payload(reader *r, size_t file_length, descent_error *err)
{
    descent_model *m = NULL;
    descent_layer_spec *layers = NULL;
    char **features = NULL, **classes = NULL;
    char *target = NULL;
    int n_classes = 0, inputs = 0;

    uint32_t flags = get_u32(r);
    descent_model_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.inputs = inputs = (int)get_u32(r);
    spec.n_layers = (int)get_u32(r);
    spec.loss = (descent_loss)get_u32(r);
    spec.seed = get_u32(r);
    if (r->short_read) goto truncated;
    if (flags & ~(uint32_t)(FLAG_INPUT_SCALER | FLAG_TARGET_SCALER | FLAG_OPTIMIZER_STATE | FLAG_FEATURE_NAMES |
                            FLAG_TARGET_NAME)) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: flags 0x%x has bits this version does not know", flags);
        goto fail;
    }
    if (spec.n_layers < 1 || spec.n_layers > DESCENT_MAX_LAYERS || spec.inputs < 1 ||
        spec.inputs > DESCENT_MAX_UNITS) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: implausible shape (%d inputs, %d layers)", spec.inputs,
                     spec.n_layers);
        goto fail;
    }
    /* 32 bytes a layer: checked before allocating them. */
    if ((uint64_t)spec.n_layers * 32 > r->len - r->pos) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: n_layers says %d layers (%d bytes), but the file is %zu "
                     "bytes long", spec.n_layers, spec.n_layers * 32, file_length);
        goto fail;
    }
    layers = descent_zalloc((uint64_t)spec.n_layers, sizeof *layers, "the model file's layers", err);
    if (!layers) goto fail;
    for (int l = 0; l < spec.n_layers; l++) {
        descent_layer_spec *s = &layers[l];
        s->units = (int)get_u32(r);
        s->activation = (descent_activation)get_u32(r);
        s->alpha = get_f32(r);
        s->l1 = get_f32(r);
        s->l2 = get_f32(r);
        s->init = (descent_init)get_u32(r);
        s->init_limit = get_f32(r);
        s->no_bias = (int)get_u32(r);
    }
    descent_optimizer_spec *o = &spec.optimizer;
    o->kind = (descent_optimizer_kind)get_u32(r);
    o->learning_rate = get_f64(r);
    o->momentum = get_f64(r);
    o->rho = get_f64(r);
    o->epsilon = get_f64(r);
    o->beta1 = get_f64(r);
    o->beta2 = get_f64(r);
    o->initial_accumulator = get_f64(r);
    o->centered = (int)get_u32(r);
    uint32_t n_params = get_u32(r);
    if (r->short_read) goto truncated;
    spec.layers = layers;
    /* Everything the header claims is checked against the file before the
     * model is allocated, so a short file cannot make it allocate (and
     * initialize) gigabytes: what it allocates is bounded by its length. */
    descent_error inner;
    size_t implied = 0;
    if (model_spec_check(&spec, &implied, &inner) != DESCENT_OK) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: invalid model: %s", inner.message);
        goto fail;
    }
    if (n_params != implied) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: n_params is %u, but the layers imply %zu", n_params, implied);
        goto fail;
    }
    if ((uint64_t)n_params * sizeof(float) > r->len - r->pos) {
        descent_fail(err, DESCENT_ERR_FORMAT,
                     "model file: n_params says %u parameters (%llu bytes), but the file is %zu bytes long", n_params,
                     (unsigned long long)n_params * sizeof(float), file_length);
        goto fail;
    }
    m = descent_model_create(&spec, &inner);
    if (!m) {
        descent_fail(err, inner.code == DESCENT_ERR_MEMORY ? DESCENT_ERR_MEMORY : DESCENT_ERR_FORMAT,
                     "model file: %s", inner.message);
        goto fail;
    }
    if (!get_floats(r, m->params, m->n_params)) goto truncated;
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i])) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: parameter %zu is not finite", i);
            goto fail;
        }
    if (flags & FLAG_INPUT_SCALER && read_scaler(r, m, 1, err) != DESCENT_OK) goto fail;
    if (flags & FLAG_TARGET_SCALER && read_scaler(r, m, 0, err) != DESCENT_OK) goto fail;
    if (flags & FLAG_FEATURE_NAMES) {
        /* Each name is at least its 4-byte length. */
        if ((uint64_t)inputs * 4 > r->len - r->pos) goto truncated;
        if (!(features = descent_zalloc((uint64_t)inputs, sizeof *features, "the model file's feature names", err)))
            goto fail;
        for (int i = 0; i < inputs; i++)
            if (!(features[i] = get_str(r))) goto truncated_or_oom;
    }
    if (flags & FLAG_TARGET_NAME)
        if (!(target = get_str(r))) goto truncated_or_oom;
    n_classes = (int)get_u32(r);
    if (r->short_read) goto truncated;
    if (n_classes < 0 || n_classes > DESCENT_MAX_UNITS) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: implausible class count %d", n_classes);
        n_classes = 0;
        goto fail;
    }
    if (n_classes) {
        if ((uint64_t)n_classes * 4 > r->len - r->pos) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: n_classes says %d classes, but the file is %zu bytes "
                         "long", n_classes, file_length);
            n_classes = 0;
            goto fail;
        }
        if (!(classes = descent_zalloc((uint64_t)n_classes, sizeof *classes, "the model file's class names", err))) {
            n_classes = 0;
            goto fail;
        }
        for (int i = 0; i < n_classes; i++)
            if (!(classes[i] = get_str(r))) goto truncated_or_oom;
    }
    if (descent_model_set_names(m, (const char *const *)features, target, n_classes, (const char *const *)classes,
                                &inner) != DESCENT_OK) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: %s", inner.message);
        goto fail;
    }
    if (flags & FLAG_OPTIMIZER_STATE) {
        if (read_optimizer_state(r, m, err) != DESCENT_OK) goto fail;
    }
    if (r->pos != r->len) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: %zu unexpected bytes after the model", r->len - r->pos);
        goto fail;
    }
    free(layers);
    free_strs(features, inputs);
    free_strs(classes, n_classes);
    free(target);
    return m;

truncated_or_oom:
    if (!r->short_read) goto oom;
truncated:
    descent_fail(err, DESCENT_ERR_FORMAT, "model file is truncated: it ends inside the model's data");
    goto fail;
oom:
    descent_fail(err, DESCENT_ERR_MEMORY, "out of memory loading a model");
fail:
    descent_model_free(m);
    free(layers);
    free_strs(features, inputs);
    free_strs(classes, n_classes);
    free(target);
    return NULL;
}

descent_model *descent_model_load(const unsigned char *bytes, size_t length, descent_error *err)
{
    if (!bytes && length) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "bytes must not be NULL");
        return NULL;
    }
    if (length < 4 || memcmp(bytes, MAGIC, 4) != 0) {
        descent_fail(err, DESCENT_ERR_FORMAT, "not a descent model file (it does not start with \"%s\")", MAGIC);
        return NULL;
    }
    if (length < HEADER_BYTES) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file is truncated: %zu bytes, the header alone is %d", length,
                     HEADER_BYTES);
        return NULL;
    }
    reader r = {bytes, length, 4, 0};
    uint32_t version = get_u32(&r);
    uint32_t payload = get_u32(&r);
    uint32_t crc = get_u32(&r);
    if (version != FORMAT_VERSION) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file version %u is not supported (this build reads version %d)",
                     version, FORMAT_VERSION);
        return NULL;
    }
    if ((size_t)payload != length - HEADER_BYTES) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file is %s: the header announces %u bytes of model, there are %zu",
                     (size_t)payload > length - HEADER_BYTES ? "truncated" : "damaged", payload,
                     length - HEADER_BYTES);
        return NULL;
    }
    if (crc32(bytes + HEADER_BYTES, payload) != crc) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file is corrupted: its checksum does not match its contents");
        return NULL;
    }
    reader body = {bytes + HEADER_BYTES, payload, 0, 0};
    return parse_payload(&body, length, err);
}

uint32_t model_header_payload(const unsigned char *head, size_t length)
{
    if (length < HEADER_BYTES || memcmp(head, MAGIC, 4) != 0) return 0;
    reader r = {head, length, 8, 0};
    return get_u32(&r);
}
