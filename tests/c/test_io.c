/* test_io.c - the model file: a save/load round trip predicts bit for bit,
 * saved optimizer state resumes training exactly, every damaged file
 * (truncated anywhere, a flipped byte, wrong magic or version) fails cleanly,
 * and a well-formed file whose fields lie (a header claiming more than the
 * file holds, optimizer state out of range) is refused by the field. */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "check.h"
#include "model.h"

#include <stdlib.h>

static descent_model *trained(int with_scalers)
{
    descent_layer_spec layers[3] = {descent_layer(7, DESCENT_ACT_LEAKY_RELU), descent_layer(5, DESCENT_ACT_TANH),
                                    descent_layer(3, DESCENT_ACT_SOFTMAX)};
    layers[0].alpha = 0.1f;
    layers[0].l2 = 0.01f;
    layers[1].no_bias = 1;
    layers[1].l1 = 0.001f;
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    o.momentum = 0.5;
    descent_model_spec spec = {4, 3, layers, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY, o, 21};
    descent_model *m = descent_model_create(&spec, NULL);
    if (with_scalers) {
        float mean[4] = {1, 2, 3, 4}, sd[4] = {0.5f, 1, 2, 3};
        const char *features[] = {"a", "b", "c", "d"}, *classes[] = {"x", "y", "z"};
        descent_model_set_input_scaler(m, mean, sd, NULL);
        descent_model_set_names(m, features, "label", 3, classes, NULL);
    }
    return m;
}

static void make_data(float *x, float *y, int n)
{
    rng r;
    rng_seed(&r, 5, 5);
    for (int i = 0; i < n; i++) {
        int c = (int)rng_below(&r, 3);
        for (int j = 0; j < 4; j++) x[4 * i + j] = (float)c + rng_uniform(&r) * 2 + (float)j;
        for (int j = 0; j < 3; j++) y[3 * i + j] = j == c ? 1.0f : 0.0f;
    }
}

static void test_round_trip_bit_for_bit(void)
{
    float x[40 * 4], y[40 * 3], p1[40 * 3], p2[40 * 3];
    make_data(x, y, 40);
    for (int scalers = 0; scalers <= 1; scalers++) {
        descent_model *m = trained(scalers);
        descent_fit_options o = descent_fit_defaults();
        o.epochs = 3;
        o.batch_size = 8;
        descent_error err;
        descent_status fs = descent_model_fit(m, x, y, 40, &o, NULL, &err);
        CHECK_MSG(fs == DESCENT_OK, "%s", err.message);
        unsigned char *bytes;
        size_t len;
        CHECK(descent_model_save(m, 0, &bytes, &len, &err) == DESCENT_OK);
        descent_model *l = descent_model_load(bytes, len, &err);
        CHECK_MSG(l != NULL, "%s", err.message);
        if (l) {
            CHECK(descent_model_predict(m, x, 40, p1, NULL) == DESCENT_OK);
            CHECK(descent_model_predict(l, x, 40, p2, NULL) == DESCENT_OK);
            CHECK(memcmp(p1, p2, sizeof p1) == 0);
            CHECK(descent_model_layer(l, 0).alpha == 0.1f && descent_model_layer(l, 1).no_bias == 1);
            CHECK(descent_model_layer(l, 0).l2 == 0.01f);
            CHECK(descent_model_optimizer(l).momentum == 0.5);
            CHECK(descent_model_loss(l) == DESCENT_LOSS_CATEGORICAL_CROSSENTROPY);
            if (scalers) {
                CHECK(strcmp(descent_model_feature_name(l, 3), "d") == 0);
                CHECK(strcmp(descent_model_target_name(l), "label") == 0);
                CHECK(descent_model_class_count(l) == 3 && strcmp(descent_model_class_name(l, 1), "y") == 0);
                CHECK(descent_model_input_std(l)[2] == 2.0f);
            } else {
                CHECK(descent_model_feature_name(l, 0) == NULL && descent_model_class_count(l) == 0);
            }
        }
        descent_model_free(l);
        free(bytes);
        descent_model_free(m);
    }
}

static void test_optimizer_state_resumes_exactly(void)
{
    float x[40 * 4], y[40 * 3];
    make_data(x, y, 40);
    descent_model *m = trained(1);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 2;
    o.batch_size = 8;
    descent_model_fit(m, x, y, 40, &o, NULL, NULL);
    unsigned char *with, *without;
    size_t lw, lo;
    CHECK(descent_model_save(m, 1, &with, &lw, NULL) == DESCENT_OK);
    CHECK(descent_model_save(m, 0, &without, &lo, NULL) == DESCENT_OK);
    CHECK(lw > lo);
    descent_model *a = descent_model_load(with, lw, NULL), *b = descent_model_load(without, lo, NULL);
    CHECK(descent_model_step_count(a) == 10 && descent_model_step_count(b) == 0);
    descent_model_fit(m, x, y, 40, &o, NULL, NULL);
    descent_model_fit(a, x, y, 40, &o, NULL, NULL);
    descent_model_fit(b, x, y, 40, &o, NULL, NULL);
    CHECK(memcmp(m->params, a->params, sizeof(float) * m->n_params) == 0);
    CHECK(memcmp(m->params, b->params, sizeof(float) * m->n_params) != 0);
    free(with);
    free(without);
    descent_model_free(a);
    descent_model_free(b);
    descent_model_free(m);
}

static void test_damaged_files(void)
{
    descent_model *m = trained(1);
    unsigned char *bytes;
    size_t len;
    descent_model_save(m, 1, &bytes, &len, NULL);
    descent_error err;
    /* every truncation */
    int bad = 0;
    for (size_t cut = 0; cut < len; cut++) {
        descent_model *l = descent_model_load(bytes, cut, &err);
        if (l || err.code != DESCENT_ERR_FORMAT) bad++;
        descent_model_free(l);
    }
    CHECK_MSG(bad == 0, "%d truncations were not rejected as DESCENT_ERR_FORMAT", bad);
    CHECK(descent_model_load(bytes, len - 7, &err) == NULL);
    CHECK_HAS(err.message, "truncated");
    /* every single flipped byte of the payload */
    bad = 0;
    for (size_t i = 16; i < len; i++) {
        bytes[i] ^= 0x5A;
        descent_model *l = descent_model_load(bytes, len, &err);
        if (l || !strstr(err.message, "checksum")) bad++;
        descent_model_free(l);
        bytes[i] ^= 0x5A;
    }
    CHECK_MSG(bad == 0, "%d corruptions were not caught by the checksum", bad);
    bytes[0] = 'X';
    CHECK(descent_model_load(bytes, len, &err) == NULL);
    CHECK_HAS(err.message, "not a descent model file");
    bytes[0] = 'D';
    bytes[4] = 9;
    CHECK(descent_model_load(bytes, len, &err) == NULL);
    CHECK_HAS(err.message, "model file version 9 is not supported (this build reads version 1)");
    bytes[4] = 1;
    CHECK(descent_model_load((const unsigned char *)"", 0, &err) == NULL);
    CHECK_HAS(err.message, "not a descent model file");
    /* extra bytes after a valid file */
    unsigned char *longer = malloc(len + 3);
    memcpy(longer, bytes, len);
    memset(longer + len, 0, 3);
    CHECK(descent_model_load(longer, len + 3, &err) == NULL);
    CHECK_HAS(err.message, "damaged");
    free(longer);
    descent_model *ok = descent_model_load(bytes, len, &err);
    CHECK(ok != NULL);
    descent_model_free(ok);
    free(bytes);
    descent_model_free(m);
}

static void test_files(void)
{
    descent_model *m = trained(1);
    char path[] = "/tmp/descent_test_io_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    descent_error err;
    CHECK(descent_model_save_file(m, 0, path, &err) == DESCENT_OK);
    descent_model *l = descent_model_load_file(path, &err);
    CHECK(l && memcmp(l->params, m->params, sizeof(float) * m->n_params) == 0);
    descent_model_free(l);
    FILE *f = fopen(path, "wb");
    fputs("DSNT\1\0\0\0", f);
    fclose(f);
    CHECK(descent_model_load_file(path, &err) == NULL);
    CHECK_HAS(err.message, path);
    CHECK_HAS(err.message, "truncated");
    remove(path);
    CHECK(descent_model_load_file("/nonexistent/dir/model.bin", &err) == NULL);
    CHECK(err.code == DESCENT_ERR_IO);
    CHECK_HAS(err.message, "cannot open '/nonexistent/dir/model.bin'");
    CHECK(descent_model_save_file(m, 0, "/nonexistent/dir/model.bin", &err) == DESCENT_ERR_IO);
    CHECK_HAS(err.message, "cannot write");
    descent_model_free(m);
}

/* ------------------------------------------------ hostile but well-formed files
 * Files with a valid header and checksum whose fields lie: each is refused by
 * the field, before the model is allocated. */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Rewrites the header's payload length and CRC for a file of len bytes. */
static void reseal(unsigned char *file, size_t len)
{
    put32(file + 8, (uint32_t)(len - 16));
    put32(file + 12, crc32_of(file + 16, len - 16));
}

/* A file that ends right after n_params: one dense layer of units over
 * inputs, SGD; 136 bytes. */
static size_t header_only(unsigned char *f, uint32_t inputs, uint32_t units, uint32_t n_params, uint32_t n_layers)
{
    memset(f, 0, 136);
    memcpy(f, "DSNT", 4);
    put32(f + 4, 1);
    unsigned char *p = f + 16;
    put32(p + 4, inputs);
    put32(p + 8, n_layers);
    put32(p + 16, 1);                   /* seed */
    put32(p + 20, units);               /* layer 0: units, activation 0, alpha, l1, l2, init 0, init_limit, bias */
    float alpha = 0.2f, limit = 0.05f;
    memcpy(p + 28, &alpha, 4);
    memcpy(p + 44, &limit, 4);
    double lr = 0.01;                   /* optimizer: kind 0 (sgd), learning_rate, ... */
    memcpy(p + 56, &lr, 8);
    put32(p + 116, n_params);
    reseal(f, 136);
    return 136;
}

static void test_header_claims_more_than_the_file(void)
{
    unsigned char f[136];
    descent_error err;
    /* 10^6 inputs x 100 units: 100,000,100 parameters (400 MB, and 2 GB with
     * gradients and state) claimed by a 136-byte file */
    size_t len = header_only(f, 1000000, 100, 100000100, 1);
    CHECK(len == 136);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK(err.code == DESCENT_ERR_FORMAT);
    CHECK_HAS(err.message, "model file: n_params says 100000100 parameters (400000400 bytes), but the file is 136 "
                           "bytes long");
    /* n_params disagreeing with the layers is named before anything is allocated */
    header_only(f, 1000000, 100, 7, 1);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: n_params is 7, but the layers imply 100000100");
    /* 1000 layers of 32 bytes each in 136 bytes */
    header_only(f, 4, 3, 15, 1000);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: n_layers says 1000 layers (32000 bytes), but the file is 136 bytes long");
    /* a flag bit version 1 does not define */
    header_only(f, 4, 3, 15, 1);
    put32(f + 16, 0x40);
    reseal(f, len);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: flags 0x40 has bits this version does not know");
    /* an architecture past the parameter limit, with its real count */
    header_only(f, 1000000, 1000000, 0, 1);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "the network has 1000001000000 parameters, more than the 134217728 a model may have");
}

/* The saved rmsprop model (88 parameters, 3 state arrays) with its state. */
static unsigned char *saved_state(size_t *len, size_t *state_at)
{
    descent_model *m = trained(0);
    float x[8 * 4], y[8 * 3];
    make_data(x, y, 8);
    descent_model_train_step(m, x, y, 8, NULL, NULL);
    unsigned char *bytes;
    descent_model_save(m, 1, &bytes, len, NULL);
    CHECK(m->n_params == 88);
    *state_at = *len - (24 + 3 * 88 * 4);
    descent_model_free(m);
    return bytes;
}

static void test_optimizer_state_is_validated(void)
{
    size_t len, at;
    descent_error err;
    unsigned char *b = saved_state(&len, &at);
    unsigned char *f = malloc(len);
    float v;

    /* The step count keeps 64 bits everywhere (long is 32 in wasm32). */
    memcpy(f, b, len);
    put64(f + at, (uint64_t)1 << 40);
    reseal(f, len);
    descent_model *m = descent_model_load(f, len, &err);
    CHECK(m && descent_model_step_count(m) == (int64_t)1 << 40);
    unsigned char *again;
    size_t again_len;
    CHECK(m && descent_model_save(m, 1, &again, &again_len, &err) == DESCENT_OK && memcmp(again, f, len) == 0);
    if (m) free(again);
    descent_model_free(m);

    memcpy(f, b, len);
    put64(f + at, ((uint64_t)1 << 53) + 1);
    reseal(f, len);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: the step count 9007199254740993 is out of range "
                           "0..9007199254740992");

    memcpy(f, b, len);
    v = NAN;
    memcpy(f + at + 8, &v, 4);
    reseal(f, len);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: beta1^t is NaN: it must be finite");

    memcpy(f, b, len);
    v = INFINITY;
    memcpy(f + at + 24 + 4 * (88 + 5), &v, 4); /* the moment, index 5 */
    reseal(f, len);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: rmsprop moment[5] is infinite");

    memcpy(f, b, len);
    v = -1;
    memcpy(f + at + 24 + 4 * 2, &v, 4); /* the mean square, index 2: its square root is taken */
    reseal(f, len);
    CHECK(descent_model_load(f, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: rmsprop mean square[2] is -1: it must be finite and >= 0");

    /* state for fewer parameters than the layers have */
    memcpy(f, b, len);
    reseal(f, len - 4 * 88);
    CHECK(descent_model_load(f, len - 4 * 88, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: rmsprop keeps 3 arrays of 88 values (1080 bytes with the "
                           "step count), the file has 728");

    /* Adam's beta powers must be in [0, 1): it divides by 1 - beta^t */
    descent_layer_spec one = descent_layer(2, DESCENT_ACT_LINEAR);
    descent_model_spec spec = {3, 1, &one, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_ADAM), 4};
    descent_model *adam = descent_model_create(&spec, NULL);
    unsigned char *ab;
    size_t alen;
    descent_model_save(adam, 1, &ab, &alen, NULL);
    v = 1;
    memcpy(ab + alen - (24 + 2 * 8 * 4) + 12, &v, 4);
    reseal(ab, alen);
    CHECK(descent_model_load(ab, alen, &err) == NULL);
    CHECK_HAS(err.message, "model file: optimizer state: beta2^t is 1: it must be in [0, 1)");
    free(ab);
    descent_model_free(adam);
    free(f);
    free(b);
}

static void test_hyper_parameters_in_a_file_are_float32(void)
{
    descent_model *m = trained(0);
    unsigned char *b;
    size_t len;
    descent_model_save(m, 0, &b, &len, NULL);
    descent_error err;
    /* the learning rate f64 follows the header, flags..seed (20 bytes), 3 layers of 32 and the kind */
    double lr = 1e39;
    memcpy(b + 16 + 20 + 3 * 32 + 4, &lr, 8);
    reseal(b, len);
    CHECK(descent_model_load(b, len, &err) == NULL);
    CHECK_HAS(err.message, "model file: invalid model: learning_rate must be a finite number > 0 (got 1e+39, beyond "
                           "float32's largest value");
    free(b);
    descent_model_free(m);
}

CHECK_MAIN(TEST(test_round_trip_bit_for_bit), TEST(test_optimizer_state_resumes_exactly), TEST(test_damaged_files),
           TEST(test_files), TEST(test_header_claims_more_than_the_file), TEST(test_optimizer_state_is_validated),
           TEST(test_hyper_parameters_in_a_file_are_float32))
