/* test_playground.c - what a TensorFlow Playground lesson needs from the
 * core: the playground initializer (weights U(-0.5, 0.5), biases 0.1), the
 * input scales by name, each generator's extent, and the claim they serve:
 * the Playground's spiral lesson, fed as the Playground feeds it, learns. */
#include "check.h"
#include "descent_data.h"

#include <stdlib.h>

static void test_initializer(void)
{
    descent_error err;
    descent_init init;
    CHECK(descent_init_parse("playground", &init, &err) == DESCENT_OK && init == DESCENT_INIT_PLAYGROUND);
    CHECK(strcmp(descent_init_name(DESCENT_INIT_PLAYGROUND), "playground") == 0);
    CHECK(descent_init_parse("playgrnd", &init, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown initializer 'playgrnd': expected one of glorot_uniform");
    CHECK_HAS(err.message, "zeros, playground");

    descent_layer_spec layers[3] = {descent_layer(300, DESCENT_ACT_TANH), descent_layer(50, DESCENT_ACT_TANH),
                                    descent_layer(1, DESCENT_ACT_TANH)};
    for (int l = 0; l < 3; l++) layers[l].init = DESCENT_INIT_PLAYGROUND;
    layers[1].no_bias = 1;
    descent_model_spec spec = {40, 3, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 3};
    descent_model *a = descent_model_create(&spec, &err), *b = descent_model_create(&spec, &err);
    CHECK(a && b);
    if (!a || !b) return;
    int n = descent_model_param_count(a);
    CHECK(n == 40 * 300 + 300 + 300 * 50 + 50 * 1 + 1);
    CHECK(memcmp(descent_model_params(a), descent_model_params(b), sizeof(float) * (size_t)n) == 0);

    /* The kernels fill [-0.5, 0.5] uniformly (variance 1/12, mean 0); each bias is 0.1. */
    const float *p = descent_model_params(a);
    size_t kernels[3][2] = {{0, 40 * 300}, {40 * 300 + 300, 300 * 50}, {40 * 300 + 300 + 300 * 50, 50}};
    double sum = 0, sum2 = 0, maxabs = 0;
    int count = 0;
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < kernels[l][1]; i++) {
            double w = p[kernels[l][0] + i];
            sum += w;
            sum2 += w * w;
            maxabs = fmax(maxabs, fabs(w));
            count++;
        }
    CHECK(maxabs <= 0.5 && maxabs > 0.49);
    CHECK_NEAR(sum / count, 0.0, 0.01);
    CHECK_NEAR(sum2 / count, 1.0 / 12, 0.002);
    for (int j = 0; j < 300; j++) CHECK(p[40 * 300 + j] == 0.1f);
    CHECK(p[n - 1] == 0.1f);

    /* A new seed draws new weights, the biases stay 0.1, and the model file keeps the initializer. */
    CHECK(descent_model_reinit(b, 4, &err) == DESCENT_OK);
    CHECK(memcmp(descent_model_params(a), descent_model_params(b), sizeof(float) * 300) != 0);
    CHECK(descent_model_params(b)[40 * 300] == 0.1f);
    unsigned char *bytes = NULL;
    size_t length = 0;
    CHECK(descent_model_save(a, 0, &bytes, &length, &err) == DESCENT_OK);
    descent_model *c = bytes ? descent_model_load(bytes, length, &err) : NULL;
    CHECK(c != NULL);
    if (c) {
        CHECK(descent_model_layer(c, 0).init == DESCENT_INIT_PLAYGROUND);
        CHECK(memcmp(descent_model_params(a), descent_model_params(c), sizeof(float) * (size_t)n) == 0);
        CHECK(descent_model_reinit(c, 3, &err) == DESCENT_OK);
        CHECK(memcmp(descent_model_params(a), descent_model_params(c), sizeof(float) * (size_t)n) == 0);
    }
    free(bytes);
    descent_model_free(a);
    descent_model_free(b);
    descent_model_free(c);

    /* An initializer past the list is refused by name. */
    descent_layer_spec bad = descent_layer(2, DESCENT_ACT_LINEAR);
    bad.init = (descent_init)DESCENT_INITS;
    descent_model_spec bad_spec = {2, 1, &bad, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    CHECK(descent_model_create(&bad_spec, &err) == NULL);
    CHECK_HAS(err.message, "is not a known initializer");
}

static void test_input_scale(void)
{
    static const char *const names[] = {"none", "unit", "standardize"};
    descent_error err;
    CHECK(DESCENT_INPUT_SCALES == 3);
    CHECK(descent_vocabulary_size(DESCENT_VOCAB_INPUT_SCALE) == DESCENT_INPUT_SCALES);
    CHECK(strcmp(descent_vocabulary_title(DESCENT_VOCAB_INPUT_SCALE), "input scale") == 0);
    for (int i = 0; i < DESCENT_INPUT_SCALES; i++) {
        descent_input_scale s;
        CHECK(strcmp(descent_input_scale_name((descent_input_scale)i), names[i]) == 0);
        CHECK(descent_input_scale_parse(names[i], &s, &err) == DESCENT_OK && (int)s == i);
    }
    CHECK(descent_input_scale_name((descent_input_scale)DESCENT_INPUT_SCALES) == NULL);
    CHECK(descent_input_scale_name((descent_input_scale)-1) == NULL);
    descent_input_scale s = DESCENT_INPUT_SCALE_UNIT;
    CHECK(descent_input_scale_parse("raw", &s, &err) == DESCENT_ERR_ARGUMENT && s == DESCENT_INPUT_SCALE_UNIT);
    CHECK_HAS(err.message, "unknown input scale 'raw': expected one of none, unit, standardize");
    CHECK(descent_input_scale_parse(NULL, &s, &err) == DESCENT_ERR_ARGUMENT);
}

/* Every generator's points (without noise) lie within its extent, and most reach near it. */
static void test_extent(void)
{
    descent_error err;
    for (int g = 0; g < DESCENT_GENERATORS; g++) {
        double extent = descent_generator_extent((descent_generator)g);
        int two_d = descent_generator_features((descent_generator)g) == 2;
        CHECK_MSG(extent == (two_d && g != DESCENT_DATA_LINEAR4 ? 6 : 1), "%s: extent %g",
                  descent_generator_name((descent_generator)g), extent);
        descent_dataset *d = descent_dataset_generate((descent_generator)g, 2000, 0.0f, 7, &err);
        CHECK(d != NULL);
        if (!d) continue;
        double reach = 0;
        for (size_t i = 0; i < (size_t)d->n * (size_t)d->features; i++) reach = fmax(reach, fabs(d->x[i]));
        double least = g == DESCENT_DATA_GAUSSIAN ? 0.5 * extent : 0.8 * extent; /* blobs about (±2, ±2) */
        CHECK_MSG(reach <= extent && reach > least, "%s: points reach %g of extent %g",
                  descent_generator_name((descent_generator)g), reach, extent);
        descent_dataset_free(d);
    }
    CHECK(descent_generator_extent((descent_generator)DESCENT_GENERATORS) == 0);
    CHECK(descent_generator_extent((descent_generator)-1) == 0);
}

/* The Playground's spiral lesson (tanh 8, 8, learning rate 0.03, batch 10,
 * half the 500 points for training, no noise) as the Playground runs it:
 * inputs as generated, its initializer, a tanh output with mse on -1/+1 and
 * half the rate (its loss is (y - t)²/2). Test accuracy after 1000 epochs. */
static double spiral_accuracy(uint32_t seed, descent_input_scale scale, descent_init init)
{
    descent_error err;
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_SPIRAL, 500, 0.0f, seed, &err);
    int train[500], test[500], n_train = 0, n_test = 0;
    descent_head head;
    CHECK(d && descent_split(d->n, d->labels, d->classes, 0.5f, seed, train, &n_train, test, &n_test, &err) ==
                   DESCENT_OK);
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_TANH_MSE, &head, &err) == DESCENT_OK);
    float *x = malloc(sizeof(float) * 1000), *y = malloc(sizeof(float) * 500);
    int *labels = malloc(sizeof(int) * 500);
    double divide = scale == DESCENT_INPUT_SCALE_UNIT ? descent_generator_extent(DESCENT_DATA_SPIRAL) : 1;
    for (int i = 0; i < 500; i++) {
        int r = i < n_train ? train[i] : test[i - n_train];
        x[2 * i] = (float)(d->x[2 * r] / divide);
        x[2 * i + 1] = (float)(d->x[2 * r + 1] / divide);
        labels[i] = d->labels[r];
    }
    CHECK(descent_head_encode(&head, labels, 500, y, &err) == DESCENT_OK);
    descent_layer_spec layers[3] = {descent_layer(8, DESCENT_ACT_TANH), descent_layer(8, DESCENT_ACT_TANH),
                                    descent_layer(1, head.activation)};
    for (int l = 0; l < 3; l++) layers[l].init = init;
    descent_model_spec spec = {2, 3, layers, head.loss, descent_optimizer_defaults(DESCENT_OPT_SGD), seed};
    spec.optimizer.learning_rate = 0.03 / 2;
    descent_model *m = descent_model_create(&spec, &err);
    descent_fit_options fit = descent_fit_defaults();
    fit.epochs = 1000;
    fit.batch_size = 10;
    float pred[250];
    int right = 0;
    CHECK(m && descent_model_fit(m, x, y, n_train, &fit, NULL, &err) == DESCENT_OK);
    CHECK(m && descent_model_predict(m, x + 2 * n_train, n_test, pred, &err) == DESCENT_OK);
    for (int i = 0; i < n_test; i++) right += (pred[i] >= head.threshold) == (labels[n_train + i] == 1);
    descent_model_free(m);
    descent_dataset_free(d);
    free(x);
    free(y);
    free(labels);
    return (double)right / n_test;
}

static void test_spiral_lesson(void)
{
    int above = 0;
    printf("  spiral, test accuracy at epoch 1000 (inputs none + playground init | unit + glorot_uniform):\n");
    for (uint32_t seed = 1; seed <= 5; seed++) {
        double as_playground = spiral_accuracy(seed, DESCENT_INPUT_SCALE_NONE, DESCENT_INIT_PLAYGROUND);
        double as_before = spiral_accuracy(seed, DESCENT_INPUT_SCALE_UNIT, DESCENT_INIT_GLOROT_UNIFORM);
        printf("    seed %u: %.3f | %.3f\n", (unsigned)seed, as_playground, as_before);
        above += as_playground >= 0.9;
    }
    CHECK_MSG(above >= 4, "%d of 5 seeds reach 0.9", above);
}

int main(void)
{
    static const check_test tests[] = {TEST(test_initializer), TEST(test_input_scale), TEST(test_extent),
                                       TEST(test_spiral_lesson)};
    return check_run(tests, (int)(sizeof tests / sizeof tests[0]));
}
