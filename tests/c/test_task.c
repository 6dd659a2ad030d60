/* test_task.c - the task recipe of descent_data.h: task detection, output
 * heads (defaults, the page's named heads, the CLI's overrides, the head of
 * a saved model), label encoding and decoding, the head's metrics, the
 * scalers fitted on training rows, hidden-layer lists and class names. */
#include "check.h"
#include "descent_data.h"

#include <stdlib.h>

/* ----------------------------------------------------------------- tasks */

static descent_dataset *csv(const char *text, descent_task task)
{
    descent_csv_options o = descent_csv_defaults();
    o.task = task;
    descent_error err;
    descent_dataset *d = descent_csv_parse(text, strlen(text), &o, &err);
    CHECK_MSG(d != NULL, "%s", err.message);
    return d;
}

/* A CSV whose target holds k distinct integers. */
static char *integers_csv(int k)
{
    char *text = malloc(64 + (size_t)k * 16);
    size_t used = (size_t)sprintf(text, "x,y\n");
    for (int i = 0; i < 2 * k; i++) used += (size_t)sprintf(text + used, "%d,%d\n", i, i % k);
    return text;
}

static void test_task_detect(void)
{
    CHECK(descent_task_detect(DESCENT_TASK_REGRESSION, 1, 0, 3) == DESCENT_TASK_REGRESSION);
    CHECK(descent_task_detect(DESCENT_TASK_CLASSIFICATION, 0, 0, 500) == DESCENT_TASK_CLASSIFICATION);
    CHECK(descent_task_detect(DESCENT_TASK_AUTO, 1, 0, 500) == DESCENT_TASK_CLASSIFICATION);
    CHECK(descent_task_detect(DESCENT_TASK_AUTO, 0, 1, DESCENT_AUTO_MAX_CLASSES) == DESCENT_TASK_CLASSIFICATION);
    CHECK(descent_task_detect(DESCENT_TASK_AUTO, 0, 1, DESCENT_AUTO_MAX_CLASSES + 1) == DESCENT_TASK_REGRESSION);
    CHECK(descent_task_detect(DESCENT_TASK_AUTO, 0, 0, 2) == DESCENT_TASK_REGRESSION);
    /* The CSV reader decides by the same rule: 20 integers are classes, 21 are not. */
    for (int k = DESCENT_AUTO_MAX_CLASSES; k <= DESCENT_AUTO_MAX_CLASSES + 1; k++) {
        char *text = integers_csv(k);
        descent_dataset *d = csv(text, DESCENT_TASK_AUTO);
        if (d) {
            CHECK(descent_dataset_task(d) == descent_task_detect(DESCENT_TASK_AUTO, 0, 1, k));
            CHECK(d->classes == (k <= DESCENT_AUTO_MAX_CLASSES ? k : 0));
        }
        descent_dataset_free(d);
        free(text);
    }
    CHECK(descent_dataset_task(NULL) == DESCENT_TASK_REGRESSION);
}

/* Each generator says the task and the feature count of the set it makes. */
static void test_generator_tasks(void)
{
    for (int g = 0; g < DESCENT_GENERATORS; g++) {
        descent_dataset *d = descent_dataset_generate((descent_generator)g, 10, 0.1f, 1, NULL);
        CHECK(d != NULL);
        if (!d) continue;
        CHECK_MSG(descent_generator_task((descent_generator)g) == descent_dataset_task(d), "generator %d", g);
        CHECK(descent_generator_features((descent_generator)g) == d->features);
        descent_dataset_free(d);
    }
    CHECK(descent_generator_task((descent_generator)DESCENT_GENERATORS) == DESCENT_TASK_AUTO);
    CHECK(descent_generator_features((descent_generator)-1) == 0);
}

/* ----------------------------------------------------------------- heads */

/* The page's table: which named heads suit two classes, more, regression. */
static void test_outputs_allowed(void)
{
    static const int two[] = {1, 1, 1, 1, 1, 0}, more[] = {1, 0, 0, 0, 0, 1}, reg[] = {1, 0, 1, 1, 1, 0};
    for (int o = 0; o < DESCENT_OUTPUTS; o++) {
        CHECK(descent_output_allowed((descent_output)o, DESCENT_TASK_CLASSIFICATION, 2) == two[o]);
        CHECK(descent_output_allowed((descent_output)o, DESCENT_TASK_CLASSIFICATION, 3) == more[o]);
        CHECK(descent_output_allowed((descent_output)o, DESCENT_TASK_REGRESSION, 0) == reg[o]);
    }
    CHECK(descent_output_resolve(DESCENT_OUTPUT_AUTO, DESCENT_TASK_CLASSIFICATION, 2) == DESCENT_OUTPUT_SIGMOID_BCE);
    CHECK(descent_output_resolve(DESCENT_OUTPUT_TANH_MSE, DESCENT_TASK_CLASSIFICATION, 5) == DESCENT_OUTPUT_SOFTMAX_CCE);
    CHECK(descent_output_resolve(DESCENT_OUTPUT_TANH_MSE, DESCENT_TASK_REGRESSION, 0) == DESCENT_OUTPUT_TANH_MSE);
    CHECK(descent_output_resolve(DESCENT_OUTPUT_SIGMOID_BCE, DESCENT_TASK_REGRESSION, 0) == DESCENT_OUTPUT_LINEAR_MSE);
    descent_output o;
    descent_error err;
    CHECK(descent_output_parse("tanh-mse", &o, &err) == DESCENT_OK && o == DESCENT_OUTPUT_TANH_MSE);
    CHECK(descent_output_parse("tanh", &o, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown output 'tanh': expected one of auto, sigmoid-bce, sigmoid-mse, tanh-mse, "
                           "linear-mse, softmax-cce");
}

static void test_head_defaults(void)
{
    descent_head h;
    descent_error err;
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(h.units == 1 && h.activation == DESCENT_ACT_SIGMOID && h.loss == DESCENT_LOSS_BINARY_CROSSENTROPY);
    CHECK(!h.signed_labels && h.low == 0 && h.high == 1 && h.threshold == 0.5f && h.classes == 2);
    CHECK(descent_head_choose(DESCENT_TASK_AUTO, 4, 4, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(h.task == DESCENT_TASK_CLASSIFICATION && h.units == 4 && h.activation == DESCENT_ACT_SOFTMAX);
    CHECK(h.loss == DESCENT_LOSS_CATEGORICAL_CROSSENTROPY && isnan(h.threshold));
    CHECK(descent_head_choose(DESCENT_TASK_AUTO, 0, 2, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(h.task == DESCENT_TASK_REGRESSION && h.units == 2 && h.activation == DESCENT_ACT_LINEAR);
    CHECK(h.loss == DESCENT_LOSS_MSE && h.classes == 0 && isnan(h.threshold) && !h.signed_labels);
}

static void test_head_named(void)
{
    descent_head h;
    descent_error err;
    /* tanh and linear outputs train two classes on -1 / +1, cut at 0. */
    for (int o = DESCENT_OUTPUT_TANH_MSE; o <= DESCENT_OUTPUT_LINEAR_MSE; o++) {
        CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, (descent_output)o, &h, &err) == DESCENT_OK);
        CHECK(h.signed_labels && h.low == -1 && h.high == 1 && h.threshold == 0 && h.loss == DESCENT_LOSS_MSE);
        CHECK(h.activation == (o == DESCENT_OUTPUT_TANH_MSE ? DESCENT_ACT_TANH : DESCENT_ACT_LINEAR));
    }
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_SIGMOID_MSE, &h, &err) == DESCENT_OK);
    CHECK(!h.signed_labels && h.threshold == 0.5f && h.activation == DESCENT_ACT_SIGMOID && h.loss == DESCENT_LOSS_MSE);
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_TANH_MSE, &h, &err) == DESCENT_OK);
    CHECK(h.task == DESCENT_TASK_REGRESSION && !h.signed_labels && h.activation == DESCENT_ACT_TANH);
    /* A head that does not suit the task is refused with those that do. */
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_SOFTMAX_CCE, &h, &err) ==
          DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "output 'softmax-cce' does not suit two classes: use one of auto, sigmoid-bce, "
                           "sigmoid-mse, tanh-mse, linear-mse");
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_SIGMOID_BCE, &h, &err) ==
          DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "does not suit regression");
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 1, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "classification needs 2..1000000 classes (got 1)");
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 0, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, (descent_output)9, &h, &err) == DESCENT_ERR_ARGUMENT);
}

/* The CLI's --output-activation and --loss: each replaces one of the pair. */
static void test_head_override(void)
{
    descent_head h;
    descent_error err;
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(descent_head_override(&h, -1, DESCENT_LOSS_MSE, &err) == DESCENT_OK);
    CHECK(h.activation == DESCENT_ACT_SIGMOID && h.loss == DESCENT_LOSS_MSE && !h.signed_labels);
    CHECK(descent_head_override(&h, DESCENT_ACT_TANH, -1, &err) == DESCENT_OK);
    CHECK(h.signed_labels && h.threshold == 0 && h.low == -1);
    CHECK(descent_head_override(&h, -1, DESCENT_LOSS_BINARY_CROSSENTROPY, &err) == DESCENT_OK);
    CHECK(!h.signed_labels && h.threshold == 0.5f);
    CHECK(descent_head_override(&h, 6, -1, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_head_override(&h, -1, -2, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(h.loss == DESCENT_LOSS_BINARY_CROSSENTROPY && h.activation == DESCENT_ACT_TANH);
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 3, 3, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(descent_head_override(&h, -1, DESCENT_LOSS_BINARY_CROSSENTROPY, &err) == DESCENT_OK);
    /* A cross-entropy on numbers is refused, naming what would do; the head is left as it was. */
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    for (int l = DESCENT_LOSS_BINARY_CROSSENTROPY; l <= DESCENT_LOSS_CATEGORICAL_CROSSENTROPY; l++) {
        CHECK(descent_head_override(&h, DESCENT_ACT_SIGMOID, l, &err) == DESCENT_ERR_ARGUMENT);
        CHECK(strstr(err.message, "use 'mse'") != NULL);
    }
    CHECK(h.loss == DESCENT_LOSS_MSE && h.activation == DESCENT_ACT_LINEAR);
    CHECK(descent_head_override(&h, DESCENT_ACT_SIGMOID, DESCENT_LOSS_MSE, &err) == DESCENT_OK);
}

static descent_model *model_for(const descent_head *h, int inputs)
{
    descent_layer_spec layers[2] = {descent_layer(3, DESCENT_ACT_RELU), descent_layer(h->units, h->activation)};
    descent_model_spec spec = {inputs, 2, layers, h->loss, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    return m;
}

/* A model's head, also after a round trip through the model file. */
static void test_head_of_model(void)
{
    descent_head h, back;
    descent_error err;
    const char *names[] = {"no", "yes"};
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_TANH_MSE, &h, &err) == DESCENT_OK);
    descent_model *m = model_for(&h, 2);
    if (!m) return;
    /* mse and no names: a regression, as far as the model can tell */
    CHECK(descent_head_of_model(m, &back, &err) == DESCENT_OK && back.task == DESCENT_TASK_REGRESSION);
    CHECK(descent_model_set_names(m, NULL, "label", 2, names, &err) == DESCENT_OK);
    unsigned char *bytes = NULL;
    size_t len = 0;
    CHECK(descent_model_save(m, 0, &bytes, &len, &err) == DESCENT_OK);
    descent_model *loaded = descent_model_load(bytes, len, &err);
    CHECK(loaded != NULL);
    if (loaded) {
        CHECK(descent_head_of_model(loaded, &back, &err) == DESCENT_OK);
        CHECK(back.task == h.task && back.classes == 2 && back.units == 1 && back.activation == h.activation);
        CHECK(back.loss == h.loss && back.signed_labels && back.threshold == 0 && back.low == -1);
        char buf[16];
        CHECK(strcmp(descent_model_class_label(loaded, 1, buf, sizeof buf), "yes") == 0);
    }
    free(bytes);
    descent_model_free(loaded);
    descent_model_free(m);
    /* A cross-entropy model without names still classifies; its classes are numbered. */
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 3, 3, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    m = model_for(&h, 2);
    if (!m) return;
    CHECK(descent_head_of_model(m, &back, &err) == DESCENT_OK);
    CHECK(back.task == DESCENT_TASK_CLASSIFICATION && back.classes == 3 && back.units == 3);
    char buf[16];
    CHECK(strcmp(descent_model_class_label(m, 2, buf, sizeof buf), "2") == 0);
    descent_model_free(m);
}

static void test_encode_decode(void)
{
    descent_head h;
    descent_error err;
    int labels[4] = {0, 1, 1, 0}, back[4];
    float y[12];
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_TANH_MSE, &h, &err) == DESCENT_OK);
    CHECK(descent_head_encode(&h, labels, 4, y, &err) == DESCENT_OK);
    CHECK(y[0] == -1 && y[1] == 1 && y[2] == 1 && y[3] == -1);
    float pred[4] = {-0.2f, 0.0f, 0.7f, 0.1f};
    CHECK(descent_head_decode(&h, pred, 4, back, &err) == DESCENT_OK);
    CHECK(back[0] == 0 && back[1] == 1 && back[2] == 1 && back[3] == 1);
    CHECK(descent_head_probability(&h, -1.0f) == 0 && descent_head_probability(&h, 0.5f) == 0.75);
    CHECK(descent_head_probability(&h, 3.0f) == 1);
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(descent_head_encode(&h, labels, 4, y, &err) == DESCENT_OK);
    CHECK(y[0] == 0 && y[1] == 1);
    CHECK(descent_head_decode(&h, pred, 4, back, &err) == DESCENT_OK);
    CHECK(back[0] == 0 && back[1] == 0 && back[2] == 1 && back[3] == 0);
    CHECK((float)descent_head_probability(&h, 0.3f) == 0.3f);
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 3, 3, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    int three[4] = {2, 0, 1, 2};
    CHECK(descent_head_encode(&h, three, 4, y, &err) == DESCENT_OK);
    CHECK(y[2] == 1 && y[0] == 0 && y[3] == 1 && y[7] == 1 && y[11] == 1 && y[10] == 0);
    float p3[12] = {0.2f, 0.2f, 0.1f, 0, 1, 0, 0.3f, 0.3f, 0.4f, 1, 0, 0};
    CHECK(descent_head_decode(&h, p3, 4, back, &err) == DESCENT_OK);
    CHECK(back[0] == 0 && back[1] == 1 && back[2] == 2 && back[3] == 0); /* ties: the first */
    CHECK(isnan(descent_head_probability(&h, 0.5f)));
    three[1] = 3;
    CHECK(descent_head_encode(&h, three, 4, y, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "labels[1] is 3: expected a class in 0..2");
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    CHECK(descent_head_encode(&h, labels, 4, y, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "not a classifier");
}

/* Accuracy as the page scores a signed head (threshold 0, labels -1 / +1),
 * which the 0/1 metrics cannot; and the other heads as descent.h's metrics. */
static void test_head_metrics(void)
{
    descent_head h;
    descent_error err;
    descent_metrics met, ref;
    int cm[4];
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_LINEAR_MSE, &h, &err) == DESCENT_OK);
    float pred[5] = {-0.5f, 0.2f, 0.9f, -0.1f, 0.4f}, y[5] = {-1, 1, 1, 1, -1};
    CHECK(descent_head_metrics(&h, pred, y, 5, cm, &met, &err) == DESCENT_OK);
    CHECK(met.accuracy == 0.6 && met.classes == 2);
    CHECK(cm[0] == 1 && cm[1] == 1 && cm[2] == 1 && cm[3] == 2);
    CHECK_NEAR(met.precision, 2.0 / 3, 1e-12);
    CHECK_NEAR(met.recall, 2.0 / 3, 1e-12);
    CHECK(descent_metrics_classification(pred, y, 5, 1, NULL, &ref, &err) == DESCENT_ERR_ARGUMENT);
    y[0] = 0;
    CHECK(descent_head_metrics(&h, pred, y, 5, NULL, &met, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "must be -1 or 1");
    CHECK(descent_head_choose(DESCENT_TASK_CLASSIFICATION, 2, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    float p01[4] = {0.1f, 0.6f, 0.5f, 0.4f}, y01[4] = {0, 1, 0, 0};
    CHECK(descent_head_metrics(&h, p01, y01, 4, NULL, &met, &err) == DESCENT_OK);
    CHECK(descent_metrics_classification(p01, y01, 4, 1, NULL, &ref, &err) == DESCENT_OK);
    CHECK(met.accuracy == ref.accuracy && met.f1 == ref.f1 && met.accuracy == 0.75);
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    float pr[4] = {1, 2, 3, 5}, yr[4] = {1, 2, 4, 4};
    CHECK(descent_head_metrics(&h, pr, yr, 4, NULL, &met, &err) == DESCENT_OK);
    CHECK(descent_metrics_regression(pr, yr, 4, 1, &ref, &err) == DESCENT_OK);
    CHECK(met.r2 == ref.r2 && met.rmse == ref.rmse && met.classes == 0);
    CHECK(descent_head_metrics(NULL, pr, yr, 4, NULL, &met, &err) == DESCENT_ERR_ARGUMENT);
}

/* ---------------------------------------------------------------- scalers */

static void test_fit_scalers(void)
{
    descent_error err;
    descent_dataset *reg = descent_dataset_generate(DESCENT_DATA_PLANE, 50, 0.1f, 3, &err);
    descent_dataset *cls = descent_dataset_generate(DESCENT_DATA_SPIRAL, 50, 0.1f, 3, &err);
    CHECK(reg && cls);
    if (!reg || !cls) return;
    float mean[2], sd[2], ymean[1], ysd[1], want_mean[2], want_sd[2], want_y[2];
    int fitted = -1;
    CHECK(descent_dataset_fit_scalers(reg, DESCENT_SCALE_ALL, mean, sd, ymean, ysd, &fitted, &err) == DESCENT_OK);
    CHECK(fitted == DESCENT_SCALE_ALL);
    CHECK(descent_standardize_fit(reg->x, reg->n, 2, want_mean, want_sd, &err) == DESCENT_OK);
    CHECK(descent_standardize_fit(reg->y, reg->n, 1, want_y, want_y + 1, &err) == DESCENT_OK);
    CHECK(memcmp(mean, want_mean, sizeof mean) == 0 && memcmp(sd, want_sd, sizeof sd) == 0);
    CHECK(ymean[0] == want_y[0] && ysd[0] == want_y[1]);
    /* A classification target is never scaled. */
    CHECK(descent_dataset_fit_scalers(cls, DESCENT_SCALE_ALL, mean, sd, NULL, NULL, &fitted, &err) == DESCENT_OK);
    CHECK(fitted == DESCENT_SCALE_INPUTS);
    CHECK(descent_dataset_fit_scalers(reg, DESCENT_SCALE_TARGET, NULL, NULL, NULL, NULL, &fitted, &err) ==
          DESCENT_ERR_ARGUMENT);
    CHECK(descent_dataset_fit_scalers(reg, 4, mean, sd, ymean, ysd, &fitted, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(fitted == 0);

    descent_head h;
    CHECK(descent_head_choose(DESCENT_TASK_REGRESSION, 0, 1, DESCENT_OUTPUT_AUTO, &h, &err) == DESCENT_OK);
    descent_model *m = model_for(&h, 2);
    if (m) {
        CHECK(descent_model_fit_scalers(m, reg, DESCENT_SCALE_INPUTS, &err) == DESCENT_OK);
        CHECK(memcmp(descent_model_input_mean(m), want_mean, sizeof want_mean) == 0);
        CHECK(descent_model_target_mean(m) == NULL);
        CHECK(descent_model_fit_scalers(m, reg, DESCENT_SCALE_ALL, &err) == DESCENT_OK);
        CHECK(descent_model_target_mean(m) && descent_model_target_mean(m)[0] == want_y[0]);
        CHECK(descent_model_target_std(m)[0] == want_y[1]);
        /* Rows of another width are refused, and the model keeps its scalers. */
        descent_dataset *line = descent_dataset_generate(DESCENT_DATA_LINE, 20, 0.1f, 1, &err);
        CHECK(descent_model_fit_scalers(m, line, DESCENT_SCALE_ALL, &err) == DESCENT_ERR_ARGUMENT);
        CHECK_HAS(err.message, "the training rows have 1 features but the model takes 2 inputs");
        CHECK(descent_model_input_mean(m)[1] == want_mean[1]);
        descent_dataset_free(line);
        descent_model_free(m);
    }
    descent_dataset_free(reg);
    descent_dataset_free(cls);
}

/* ------------------------------------------------------------ layer lists */

static void test_hidden_parse(void)
{
    int units[8], acts[8], n = -1;
    descent_error err;
    char buf[96];
    CHECK(descent_hidden_parse("16,16", 8, units, acts, &n, &err) == DESCENT_OK);
    CHECK(n == 2 && units[0] == 16 && units[1] == 16 && acts[0] == -1 && acts[1] == -1);
    descent_hidden_format(units, acts, n, buf, sizeof buf);
    CHECK(strcmp(buf, "16x16") == 0);
    CHECK(descent_hidden_parse("32x8x4", 8, units, NULL, &n, &err) == DESCENT_OK && n == 3 && units[2] == 4);
    CHECK(descent_hidden_parse("none", 8, units, acts, &n, &err) == DESCENT_OK && n == 0);
    CHECK(descent_hidden_parse("", 8, units, acts, &n, &err) == DESCENT_OK && n == 0);
    descent_hidden_format(units, acts, 0, buf, sizeof buf);
    CHECK(strcmp(buf, "none") == 0);
    /* The page's per-layer form. */
    CHECK(descent_hidden_parse("16:relu,8:tanh,4", 8, units, acts, &n, &err) == DESCENT_OK);
    CHECK(n == 3 && units[1] == 8 && acts[0] == DESCENT_ACT_RELU && acts[1] == DESCENT_ACT_TANH && acts[2] == -1);
    acts[2] = DESCENT_ACT_SOFTMAX;
    descent_hidden_format(units, acts, n, buf, sizeof buf);
    CHECK(strcmp(buf, "16:relu,8:tanh,4:softmax") == 0);
    CHECK(descent_hidden_parse(buf, 8, units, acts, &n, &err) == DESCENT_OK && acts[2] == DESCENT_ACT_SOFTMAX);
    /* Refusals quote the text and say what is allowed. */
    CHECK(descent_hidden_parse("16:relu", 8, units, NULL, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layers '16:relu': expected unit counts only");
    CHECK(descent_hidden_parse("16:relux", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layer 1: unknown activation 'relux'");
    CHECK(descent_hidden_parse("2000000", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layers '2000000': expected unit counts 1..1000000");
    CHECK(descent_hidden_parse("8,,4", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "'8,,4'");
    CHECK(descent_hidden_parse("8;4", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unexpected ';'");
    CHECK(descent_hidden_parse("4,4,4", 2, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "at most 2 hidden layers");
    CHECK(descent_hidden_parse("x8", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_hidden_parse("8,", 8, units, acts, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(n == 0);
}

/* ------------------------------------------------------------ class names */

static void test_class_names(void)
{
    char buf[40];
    CHECK(strcmp(descent_class_name_numeric(3, NULL, buf, sizeof buf), "3") == 0);
    CHECK(strcmp(descent_class_name_numeric(-0.5, "-1", buf, sizeof buf), "-0.5") == 0);
    CHECK(strcmp(descent_class_name_numeric(0.1000001, "0.1", buf, sizeof buf), "0.10000009999999999") == 0);
    /* The CSV reader and the generators name their classes this way. */
    descent_dataset *d = csv("x,y\n1,0.1\n2,0.1000001\n3,7\n4,7\n", DESCENT_TASK_CLASSIFICATION);
    if (d) {
        CHECK(d->classes == 3);
        CHECK(strcmp(d->class_names[0], "0.1") == 0 && strcmp(d->class_names[1], "0.10000009999999999") == 0);
        CHECK(strcmp(d->class_names[2], "7") == 0);
    }
    descent_dataset_free(d);
    descent_dataset *g = descent_dataset_generate(DESCENT_DATA_XOR, 4, 0, 1, NULL);
    CHECK(g && strcmp(g->class_names[0], "0") == 0 && strcmp(g->class_names[1], "1") == 0);
    descent_dataset_free(g);
}

CHECK_MAIN(TEST(test_task_detect), TEST(test_generator_tasks), TEST(test_outputs_allowed), TEST(test_head_defaults),
           TEST(test_head_named), TEST(test_head_override), TEST(test_head_of_model), TEST(test_encode_decode),
           TEST(test_head_metrics), TEST(test_fit_scalers), TEST(test_hidden_parse), TEST(test_class_names))
