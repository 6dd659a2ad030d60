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
#define HEADER_BYTES 16             /* magic, version, payload length, payload CRC-32 */
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
} writer;

static void put_bytes(writer *w, const void *src, size_t n)
{
    if (w->failed) return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < w->len + n) cap *= 2;
        unsigned char *q = realloc(w->p, cap);
        if (!q) {
            w->failed = 1;
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
    writer w = {0};
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
        return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory saving a model");
    }
    size_t payload = w.len - HEADER_BYTES;
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

static descent_model *parse_payload(reader *r, descent_error *err)
{
    descent_model *m = NULL;
    descent_layer_spec *layers = NULL;
    float *buf = NULL;
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
    if (spec.n_layers < 1 || spec.n_layers > 1000 || spec.inputs < 1 || spec.inputs > 1000000) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: implausible shape (%d inputs, %d layers)", spec.inputs,
                     spec.n_layers);
        goto fail;
    }
    layers = calloc((size_t)spec.n_layers, sizeof *layers);
    if (!layers) goto oom;
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
    if (r->short_read) goto truncated;
    /* The weights the layers imply must be in the file before the model is
     * allocated, or a short file could claim gigabytes of them. */
    uint64_t implied = 0, fan_in = (uint32_t)spec.inputs, room = (r->len - r->pos) / 4;
    for (int l = 0; l < spec.n_layers; l++) {
        uint64_t units = (uint32_t)layers[l].units;
        uint64_t need = fan_in * units + (layers[l].no_bias ? 0 : units);
        if (need > room || (implied += need) > room) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: layer %d of %d needs more parameters than the file "
                         "holds (%zu bytes, %zu of them left for parameters)", l + 1, spec.n_layers, r->len,
                         r->len - r->pos);
            goto fail;
        }
        fan_in = units;
    }
    spec.layers = layers;
    descent_error inner;
    m = descent_model_create(&spec, &inner);
    if (!m) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: invalid model: %s", inner.message);
        goto fail;
    }
    uint32_t n_params = get_u32(r);
    if (r->short_read) goto truncated;
    if (n_params != m->n_params) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: %u parameters stored, the architecture has %zu", n_params,
                     m->n_params);
        goto fail;
    }
    if (!get_floats(r, m->params, m->n_params)) goto truncated;
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i])) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: parameter %zu is not finite", i);
            goto fail;
        }
    int width = m->inputs > m->outputs ? m->inputs : m->outputs;
    buf = malloc(sizeof(float) * 2 * (size_t)width);
    if (!buf) goto oom;
    if (flags & FLAG_INPUT_SCALER) {
        if (!get_floats(r, buf, 2 * (size_t)m->inputs)) goto truncated;
        if (descent_model_set_input_scaler(m, buf, buf + m->inputs, &inner) != DESCENT_OK) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: %s", inner.message);
            goto fail;
        }
    }
    if (flags & FLAG_TARGET_SCALER) {
        if (!get_floats(r, buf, 2 * (size_t)m->outputs)) goto truncated;
        if (descent_model_set_target_scaler(m, buf, buf + m->outputs, &inner) != DESCENT_OK) {
            descent_fail(err, DESCENT_ERR_FORMAT, "model file: %s", inner.message);
            goto fail;
        }
    }
    if (flags & FLAG_FEATURE_NAMES) {
        features = calloc((size_t)inputs, sizeof *features);
        if (!features) goto oom;
        for (int i = 0; i < inputs; i++)
            if (!(features[i] = get_str(r))) goto truncated_or_oom;
    }
    if (flags & FLAG_TARGET_NAME)
        if (!(target = get_str(r))) goto truncated_or_oom;
    n_classes = (int)get_u32(r);
    if (r->short_read) goto truncated;
    if (n_classes < 0 || n_classes > 1000000) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: implausible class count %d", n_classes);
        n_classes = 0;
        goto fail;
    }
    if (n_classes) {
        classes = calloc((size_t)n_classes, sizeof *classes);
        if (!classes) goto oom;
        for (int i = 0; i < n_classes; i++)
            if (!(classes[i] = get_str(r))) goto truncated_or_oom;
    }
    if (descent_model_set_names(m, (const char *const *)features, target, n_classes, (const char *const *)classes,
                                &inner) != DESCENT_OK) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: %s", inner.message);
        goto fail;
    }
    if (flags & FLAG_OPTIMIZER_STATE) {
        m->t = (long)get_u64(r);
        m->beta1_pow = get_f32(r);
        m->beta2_pow = get_f32(r);
        m->shuffle.state = get_u64(r);
        int slots = optimizer_slots(m->opt.kind);
        for (int s = 0; s < slots; s++)
            if (!get_floats(r, m->state[s], m->n_params)) goto truncated;
    }
    if (r->pos != r->len) {
        descent_fail(err, DESCENT_ERR_FORMAT, "model file: %zu unexpected bytes after the model", r->len - r->pos);
        goto fail;
    }
    free(layers);
    free(buf);
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
    free(buf);
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
    return parse_payload(&body, err);
}

descent_status descent_model_save_file(const descent_model *m, int with_optimizer, const char *path,
                                       descent_error *err)
{
    if (!path) return descent_fail(err, DESCENT_ERR_ARGUMENT, "path must not be NULL");
    unsigned char *bytes;
    size_t len;
    descent_status s = descent_model_save(m, with_optimizer, &bytes, &len, err);
    if (s != DESCENT_OK) return s;
    FILE *f = fopen(path, "wb");
    if (!f) {
        s = descent_fail(err, DESCENT_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    } else {
        size_t wrote = fwrite(bytes, 1, len, f);
        int closed = fclose(f);
        if (wrote != len || closed != 0)
            s = descent_fail(err, DESCENT_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    free(bytes);
    return s;
}

descent_model *descent_model_load_file(const char *path, descent_error *err)
{
    size_t len;
    unsigned char *buf = descent_read_file(path, &len, err);
    if (!buf) return NULL;
    descent_error inner;
    descent_model *m = descent_model_load(buf, len, &inner);
    free(buf);
    if (!m) descent_fail(err, inner.code, "%s: %s", path, inner.message);
    return m;
}
