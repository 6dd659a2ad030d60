/* test_limits.c - requests larger than the platform can hold fail with the
 * sizes in the message, and leave this model and every other one as they
 * were. Built natively and in wasm32, where size_t is 32 bits and the
 * products that used to wrap (rows x units, classes x classes, rows x 4)
 * really do: the cases that need 32 bits, or gigabytes natively, say so. */
#include "check.h"
#include "model.h"

#include <stdlib.h>

static const int wasm32 = sizeof(size_t) < 8;

static descent_model *small_model(uint32_t seed)
{
    descent_layer_spec layers[2] = {descent_layer(4, DESCENT_ACT_TANH), descent_layer(2, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {3, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_ADAM), seed};
    return descent_model_create(&spec, NULL);
}

/* 2 -> 1,000,000 (relu) -> 1 with SGD: 4,000,001 parameters, 80 MB with gradients and state. */
static descent_model *wide_model(void)
{
    descent_layer_spec layers[2] = {descent_layer(1000000, DESCENT_ACT_RELU), descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 3};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    return m;
}

static void rows_of(float *x, float *y, int n)
{
    for (int i = 0; i < 2 * n; i++) x[i] = (float)((i * 7919) % 13) / 13.0f - 0.5f;
    for (int i = 0; i < n; i++) y[i] = (float)(i % 3) / 3.0f;
}

static void test_parameter_count_is_exact(void)
{
    /* 2 -> 65536 -> 65536 -> 1 has 4,295,294,977 parameters, which a 32-bit
     * size_t wraps to 327,681 (and the check itself wrapped with it). */
    descent_layer_spec layers[3] = {descent_layer(65536, DESCENT_ACT_RELU), descent_layer(65536, DESCENT_ACT_RELU),
                                    descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {2, 3, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_error err;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK(err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "the network has 4295294977 parameters, more than the 134217728 a model may have");
    /* at the limit exactly: counted, not allocated here (2.5 GiB) */
    descent_layer_spec edge = descent_layer(1024, DESCENT_ACT_LINEAR);
    edge.no_bias = 1;
    descent_model_spec at = {DESCENT_MAX_PARAMS / 1024, 1, &edge, DESCENT_LOSS_MSE,
                             descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    size_t n = 0;
    CHECK(model_spec_check(&at, &n, &err) == DESCENT_OK && n == (size_t)DESCENT_MAX_PARAMS);
    edge.no_bias = 0;
    CHECK(model_spec_check(&at, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "the network has 134218752 parameters");
}

/* The case: batch 358 of a 1,000,000-unit layer needs 4,296,005,728
 * bytes of workspace, which wrapped to 1,038,432 in 32 bits; the kernels then
 * wrote past it into the heap. It must fail with the sizes, and this model
 * and the others must stay intact and usable. */
static void test_workspace_too_large_leaves_models_intact(void)
{
    if (!wasm32) return; /* natively 4.3 GB would simply be allocated */
    descent_model *before = small_model(5);
    float *saved = malloc(sizeof(float) * before->n_params);
    memcpy(saved, before->params, sizeof(float) * before->n_params);
    descent_model *big = wide_model();
    if (!big) return;
    float w10 = big->params[10];
    float x[2 * 358], y[358];
    rows_of(x, y, 358);
    descent_error err;
    CHECK(descent_model_train_step(big, x, y, 358, NULL, &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "the workspace for a batch of 358 rows would take 358 x 3000004 x 4 = 4296005728 bytes, "
                           "more than the 2147483647 bytes one allocation can hold here");
    CHECK(descent_model_step_count(big) == 0 && big->params[10] == w10 && big->ws_rows == 0);
    /* the same model trains on a smaller batch */
    float loss = NAN;
    CHECK(descent_model_train_step(big, x, y, 10, &loss, &err) == DESCENT_OK && isfinite(loss));
    CHECK(descent_model_step_count(big) == 1);
    /* a failure after a successful grow keeps the old workspace */
    float *ws = big->ws;
    CHECK(descent_model_train_step(big, x, y, 358, NULL, &err) == DESCENT_ERR_MEMORY);
    CHECK(big->ws == ws && big->ws_rows == 10);
    CHECK(descent_model_train_step(big, x, y, 10, &loss, &err) == DESCENT_OK);
    descent_model_free(big);
    /* the model made before is untouched, and one made after is the same model */
    CHECK(memcmp(before->params, saved, sizeof(float) * before->n_params) == 0);
    descent_model *after = small_model(5);
    CHECK(after && memcmp(after->params, saved, sizeof(float) * after->n_params) == 0);
    descent_model_free(after);
    descent_model_free(before);
    free(saved);
}

/* rows x the widest layer is an int in the kernels: refused on every
 * platform before any allocation. */
static void test_workspace_count_fits_the_kernels(void)
{
    descent_model *big = wide_model();
    if (!big) return;
    int n = 2148; /* 2148 x 10^6 > 2^31 */
    float *x = calloc(2 * (size_t)n, sizeof(float)), *y = calloc((size_t)n, sizeof(float));
    descent_error err;
    CHECK(descent_model_train_step(big, x, y, n, NULL, &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "the workspace for a batch of 2148 rows would take 2148 x 1000000 values in one buffer");
    CHECK(big->ws_rows == 0 && descent_model_step_count(big) == 0);
    descent_fit_options o = descent_fit_defaults();
    o.batch_size = n;
    CHECK(descent_model_fit(big, x, y, n, &o, NULL, &err) == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "the workspace for a batch of 2148 rows");
    free(x);
    free(y);
    descent_model_free(big);
}

/* predict and evaluate go through the workspace in chunks: a model too wide
 * for 256 rows at once uses fewer, with the same predictions. */
static void test_predict_uses_smaller_chunks(void)
{
    if (!wasm32) return; /* natively the 256-row workspace (3 GB) fits */
    descent_model *big = wide_model();
    if (!big) return;
    int n = 300;
    float x[2 * 300], y[300], all[300], few[4];
    rows_of(x, y, n);
    descent_error err;
    CHECK(descent_model_predict(big, x, n, all, &err) == DESCENT_OK);
    CHECK(big->ws_rows > 0 && big->ws_rows < 256);
    CHECK(descent_model_predict(big, x, 4, few, &err) == DESCENT_OK && memcmp(few, all, sizeof few) == 0);
    float loss;
    CHECK(descent_model_evaluate(big, x, y, n, &loss, &err) == DESCENT_OK && isfinite(loss));
    descent_model_free(big);
}

/* Data whose n x columns no array here could hold is a wrong n, refused
 * before the counts wrap. */
static void test_row_counts_beyond_any_array(void)
{
    descent_model *m = small_model(1);
    float x[3] = {0}, y[2] = {0}, out[2];
    descent_error err;
    int n = 1 << 30; /* 2^30 rows x 3 inputs x 4 bytes: 12 GiB */
    if (wasm32) {
        CHECK(descent_model_predict(m, x, n, out, &err) == DESCENT_ERR_MEMORY);
        CHECK_HAS(err.message, "x would take 1073741824 x 3 x 4 = 12884901888 bytes");
        CHECK(descent_model_train_step(m, x, y, n, NULL, &err) == DESCENT_ERR_MEMORY);
        float mean[3], sd[3];
        CHECK(descent_standardize_fit(x, n, 3, mean, sd, &err) == DESCENT_ERR_MEMORY);
        /* split and k-fold write n ints: 2^30 + 1 of them wrap to 4 bytes */
        int idx[4], count;
        CHECK(descent_kfold(n + 1, 2, NULL, 0, 1, idx, &err) == DESCENT_ERR_MEMORY);
        CHECK_HAS(err.message, "the folds would take 1073741825 x 4 = 4294967300 bytes");
        CHECK(descent_split(n + 1, NULL, 0, 0.5f, 1, idx, &count, idx, &count, &err) == DESCENT_ERR_MEMORY);
        CHECK_HAS(err.message, "the training indices would take 1073741825 x 4 = 4294967300 bytes");
        float pred[4] = {0};
        descent_metrics mt;
        CHECK(descent_metrics_regression(pred, pred, n, 4, &mt, &err) == DESCENT_ERR_MEMORY);
    }
    /* a dataset too large for any platform */
    CHECK(descent_dataset_create(0x7FFFFFFF, 0x7FFFFFFF, 1, 0, &err) == NULL);
    CHECK(err.code == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "a dataset of 2147483647 rows x 2147483647 features would take");
    descent_model_free(m);
}

/* The scores need 3k counts, not k x k: 32,768 classes work without a
 * confusion matrix (8 GiB of longs before; in wasm32 the product wrapped). */
static void test_many_classes(void)
{
    int k = 32768, n = 3;
    float *pred = calloc((size_t)n * k, sizeof(float)), *y = calloc((size_t)n * k, sizeof(float));
    pred[0 * k + 1] = 1;
    y[0 * k + 1] = 1;
    pred[1 * k + 5] = 1;
    y[1 * k + 7] = 1;
    pred[2 * k + 7] = 1;
    y[2 * k + 7] = 1;
    descent_metrics mt;
    descent_error err;
    CHECK(descent_metrics_classification(pred, y, n, k, NULL, &mt, &err) == DESCENT_OK);
    CHECK(mt.classes == k);
    CHECK_NEAR(mt.accuracy, 2.0 / 3.0, 1e-12);
    /* classes 1, 5, 7 occur: precision (1 + 0 + 1) / 3, recall (1 + 0 + 0.5) / 3 */
    CHECK_NEAR(mt.precision, 2.0 / 3.0, 1e-12);
    CHECK_NEAR(mt.recall, 0.5, 1e-12);
    if (wasm32) {
        /* asked for a 65536 x 65536 matrix that no buffer here can be: refused, nothing written */
        int confusion[4] = {9, 9, 9, 9};
        float *p2 = calloc(65536, sizeof(float)), *y2 = calloc(65536, sizeof(float));
        p2[0] = y2[0] = 1;
        CHECK(descent_metrics_classification(p2, y2, 1, 65536, confusion, &mt, &err) == DESCENT_ERR_MEMORY);
        CHECK_HAS(err.message, "the confusion matrix would take 65536 x 65536 x 4 = 17179869184 bytes");
        CHECK(confusion[0] == 9 && confusion[3] == 9);
        free(p2);
        free(y2);
    }
    free(pred);
    free(y);
}

static void test_optimizer_values_are_float32(void)
{
    descent_layer_spec one = descent_layer(1, DESCENT_ACT_LINEAR);
    descent_model_spec spec = {2, 1, &one, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_error err;
    spec.optimizer.learning_rate = 1e39; /* stored as infinity before */
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0 (got 1e+39, beyond float32's largest value");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    spec.optimizer.epsilon = 1e-50;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "optimizer epsilon must be a finite number > 0 (got 1e-50, which is 0 as a float32)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    spec.optimizer.beta1 = 0.9999999999;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "optimizer beta1 must be in [0, 1) (got 0.9999999999, which is 1 as a float32)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAGRAD);
    spec.optimizer.initial_accumulator = 1e-46;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "initial_accumulator must be a finite number > 0");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    spec.optimizer.rho = 0.99999999999;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "optimizer rho must be in [0, 1)");

    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_SGD);
    descent_model *m = descent_model_create(&spec, &err);
    CHECK(descent_model_set_learning_rate(m, 1e39, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_optimizer(m).learning_rate == 0.01);
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_MOMENTUM);
    o.momentum = 0.99999999999;
    CHECK(descent_model_set_optimizer(m, &o, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_optimizer(m).kind == DESCENT_OPT_SGD);
    descent_model_free(m);

    /* tuning configurations narrow learning_rate and l2 to float32 too */
    descent_tune_config c = descent_tune_config_defaults();
    c.learning_rate = 1e39;
    CHECK(descent_tune_config_check(&c, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0");
    c = descent_tune_config_defaults();
    c.l2 = 1e39;
    CHECK(descent_tune_config_check(&c, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "l2 must be a finite number >= 0 (got 1e+39, beyond float32");
}

CHECK_MAIN(TEST(test_parameter_count_is_exact), TEST(test_workspace_too_large_leaves_models_intact),
           TEST(test_workspace_count_fits_the_kernels), TEST(test_predict_uses_smaller_chunks),
           TEST(test_row_counts_beyond_any_array), TEST(test_many_classes), TEST(test_optimizer_values_are_float32))
