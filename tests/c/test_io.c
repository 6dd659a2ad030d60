/* test_io.c - the model file: a save/load round trip predicts bit for bit,
 * saved optimizer state resumes training exactly, and every damaged file
 * (truncated anywhere, a flipped byte, wrong magic or version) fails cleanly. */
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

CHECK_MAIN(TEST(test_round_trip_bit_for_bit), TEST(test_optimizer_state_resumes_exactly), TEST(test_damaged_files),
           TEST(test_files))
