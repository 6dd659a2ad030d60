/* test_vocabulary.c - every list of names and every limit, defined once in
 * vocabulary.c: the lists by index agree with the per-enum functions and
 * their counts, names parse back, the limits are the DESCENT_MAX_* macros,
 * and each limit is the one every entry point enforces (a 2,000,000-unit
 * layer is refused alike by model creation and by hidden-layer lists). The
 * optimizers' hyper-parameters: ranges, which kind uses which, get and set. */
#include "check.h"
#include "descent_tune.h"

typedef const char *(*name_fn)(int);
static const char *activation(int i) { return descent_activation_name((descent_activation)i); }
static const char *init(int i) { return descent_init_name((descent_init)i); }
static const char *loss(int i) { return descent_loss_name((descent_loss)i); }
static const char *optimizer(int i) { return descent_optimizer_name((descent_optimizer_kind)i); }
static const char *param(int i) { return descent_optimizer_param_name((descent_optimizer_param)i); }
static const char *task(int i) { return descent_task_name((descent_task)i); }
static const char *output(int i) { return descent_output_name((descent_output)i); }
static const char *generator(int i) { return descent_generator_name((descent_generator)i); }
static const char *tune_param(int i) { return descent_tune_param_name((descent_tune_param)i); }
static const char *metric(int i) { return descent_tune_metric_name((descent_tune_metric)i); }
static const char *input_scale(int i) { return descent_input_scale_name((descent_input_scale)i); }

static void test_lists(void)
{
    static const struct {
        descent_vocabulary v;
        const char *title;
        int count;
        name_fn name;
        const char *first, *last;
    } lists[] = {
        {DESCENT_VOCAB_ACTIVATION, "activation", DESCENT_ACTIVATIONS, activation, "linear", "softmax"},
        {DESCENT_VOCAB_INIT, "initializer", DESCENT_INITS, init, "glorot_uniform", "playground"},
        {DESCENT_VOCAB_LOSS, "loss", DESCENT_LOSSES, loss, "mse", "categorical_crossentropy"},
        {DESCENT_VOCAB_OPTIMIZER, "optimizer", DESCENT_OPTIMIZERS, optimizer, "sgd", "adam"},
        {DESCENT_VOCAB_OPTIMIZER_PARAM, "optimizer parameter", DESCENT_OPTIMIZER_PARAMS, param, "learning_rate",
         "centered"},
        {DESCENT_VOCAB_TASK, "task", DESCENT_TASKS, task, "auto", "regression"},
        {DESCENT_VOCAB_OUTPUT, "output", DESCENT_OUTPUTS, output, "auto", "softmax-cce"},
        {DESCENT_VOCAB_GENERATOR, "generator", DESCENT_GENERATORS, generator, "circle", "curve"},
        {DESCENT_VOCAB_TUNE_PARAM, "parameter", DESCENT_TUNE_PARAMS, tune_param, "learning_rate", "epochs"},
        {DESCENT_VOCAB_METRIC, "metric", DESCENT_TUNE_METRICS, metric, "loss", "rmse"},
        {DESCENT_VOCAB_LIMIT, "limit", DESCENT_LIMITS, NULL, "units", "bytes"},
        {DESCENT_VOCAB_INPUT_SCALE, "input scale", DESCENT_INPUT_SCALES, input_scale, "none", "standardize"},
    };
    CHECK(sizeof lists / sizeof lists[0] == DESCENT_VOCABULARIES);
    for (int k = 0; k < DESCENT_VOCABULARIES; k++) {
        descent_vocabulary v = lists[k].v;
        CHECK((int)v == k);
        CHECK(strcmp(descent_vocabulary_title(v), lists[k].title) == 0);
        CHECK_MSG(descent_vocabulary_size(v) == lists[k].count, "%s: %d names", lists[k].title,
                  descent_vocabulary_size(v));
        CHECK(strcmp(descent_vocabulary_word(v, 0), lists[k].first) == 0);
        CHECK(strcmp(descent_vocabulary_word(v, lists[k].count - 1), lists[k].last) == 0);
        CHECK(descent_vocabulary_word(v, lists[k].count) == NULL && descent_vocabulary_word(v, -1) == NULL);
        for (int i = 0; lists[k].name && i <= lists[k].count; i++)
            CHECK(lists[k].name(i) == descent_vocabulary_word(v, i));
    }
    CHECK(descent_vocabulary_size((descent_vocabulary)DESCENT_VOCABULARIES) == 0);
    CHECK(descent_vocabulary_title((descent_vocabulary)-1) == NULL);
}

/* Every name parses back to its value, and a wrong one is refused with the list. */
static void test_parse(void)
{
    descent_error err;
    for (int i = 0; i < DESCENT_ACTIVATIONS; i++) {
        descent_activation a;
        CHECK(descent_activation_parse(descent_activation_name((descent_activation)i), &a, &err) == DESCENT_OK);
        CHECK((int)a == i);
    }
    for (int i = 0; i < DESCENT_GENERATORS; i++) {
        descent_generator g;
        CHECK(descent_generator_parse(descent_generator_name((descent_generator)i), &g, &err) == DESCENT_OK);
        CHECK((int)g == i);
    }
    descent_optimizer_kind k;
    CHECK(descent_optimizer_parse("adamw", &k, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown optimizer 'adamw': expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam");
    descent_tune_param p;
    CHECK(descent_tune_param_parse("lr", &p, &err) == DESCENT_OK && p == DESCENT_TUNE_LEARNING_RATE);
    CHECK(descent_tune_param_parse("batch", &p, &err) == DESCENT_OK && p == DESCENT_TUNE_BATCH_SIZE);
    CHECK(descent_tune_param_parse("momentum", &p, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown parameter 'momentum': expected one of learning_rate (lr), batch_size (batch), "
                           "optimizer, layers, activation, l2, epochs");
    descent_tune_metric m;
    CHECK(descent_tune_metric_parse("r2", &m, &err) == DESCENT_OK && m == DESCENT_METRIC_R2);
    CHECK(descent_tune_metric_default(DESCENT_TASK_CLASSIFICATION) == DESCENT_METRIC_ACCURACY);
    CHECK(descent_tune_metric_default(DESCENT_TASK_REGRESSION) == DESCENT_METRIC_R2);
    CHECK(descent_tune_metric_parse(NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown metric '(null)': expected one of loss, accuracy, f1, r2, rmse");
    /* A name from outside is shown, not echoed raw. */
    CHECK(descent_task_parse("a\033[31mb", NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown task 'a?[31mb'");
}

static void test_limits(void)
{
    static const double want[DESCENT_LIMITS - 1] = {
        DESCENT_MAX_UNITS,    DESCENT_MAX_LAYERS,  DESCENT_MAX_PARAMS,       (double)DESCENT_MAX_STEPS,
        DESCENT_MAX_EPOCHS,   DESCENT_MAX_BATCH,   DESCENT_MAX_ROWS,         DESCENT_MAX_COLUMNS,
        DESCENT_MAX_GENERATE, DESCENT_MAX_CLASSES, DESCENT_AUTO_MAX_CLASSES, DESCENT_MAX_HIDDEN,
        DESCENT_MAX_FOLDS,    DESCENT_MAX_CONFIGS, (double)DESCENT_MAX_SEED,      DESCENT_MAX_SURFACE_RESOLUTION,
    };
    for (int i = 0; i < DESCENT_LIMITS - 1; i++)
        CHECK_MSG(descent_limit_value((descent_limit)i) == want[i], "limit %s",
                  descent_vocabulary_word(DESCENT_VOCAB_LIMIT, i));
    CHECK(descent_limit_value(DESCENT_LIMIT_UNITS) == 1000000 && descent_limit_value(DESCENT_LIMIT_EPOCHS) == 1000000);
    CHECK(descent_limit_value(DESCENT_LIMIT_BYTES) == (sizeof(size_t) < 8 ? 2147483647.0 : 9223372036854775807.0));
    CHECK(descent_limit_value((descent_limit)DESCENT_LIMITS) == 0);
    /* The tuning names are the same limits. */
    CHECK(DESCENT_TUNE_MAX_LAYERS == DESCENT_MAX_HIDDEN && DESCENT_TUNE_MAX_FOLDS == DESCENT_MAX_FOLDS);
    CHECK(DESCENT_TUNE_MAX_CONFIGS == DESCENT_MAX_CONFIGS);
}

/* One unit limit: model creation, hidden-layer lists and tuning's
 * configurations refuse 2,000,000 units with the same range, and take
 * DESCENT_MAX_UNITS. */
static void test_one_unit_limit(void)
{
    descent_error err;
    descent_layer_spec layers[2] = {descent_layer(2000000, DESCENT_ACT_RELU), descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "layers[0].units must be in 1..1000000 (got 2000000)");
    int units[8], n;
    CHECK(descent_hidden_parse("2000000", 8, units, NULL, &n, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "1..1000000");
    CHECK(descent_hidden_parse("1000000", 8, units, NULL, &n, &err) == DESCENT_OK && units[0] == DESCENT_MAX_UNITS);
    descent_tune_layers l;
    CHECK(descent_tune_layers_parse("8x2000000", &l, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "1..1000000");
    CHECK(descent_tune_layers_parse("1000000", &l, &err) == DESCENT_OK && l.units[0] == DESCENT_MAX_UNITS);
    descent_tune_config c = descent_tune_config_defaults();
    c.layers.units[1] = 2000000;
    CHECK(descent_tune_config_check(&c, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "hidden layer 2 has 2000000 units, expected 1..1000000");
    c.layers.units[1] = DESCENT_MAX_UNITS;
    CHECK(descent_tune_config_check(&c, &err) == DESCENT_OK);
    c.epochs = DESCENT_MAX_EPOCHS + 1;
    CHECK(descent_tune_config_check(&c, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "epochs must be in 1..1000000");
}

static void test_optimizer_params(void)
{
    descent_error err;
    /* Which kind uses what, as descent.h documents it. */
    static const char *const uses[DESCENT_OPTIMIZERS] = {"learning_rate", "learning_rate momentum",
                                                         "learning_rate momentum", "learning_rate initial_accumulator",
                                                         "learning_rate rho momentum epsilon centered",
                                                         "learning_rate beta1 beta2 epsilon"};
    for (int k = 0; k < DESCENT_OPTIMIZERS; k++) {
        char got[128] = "";
        for (int p = 0; p < DESCENT_OPTIMIZER_PARAMS; p++)
            if (descent_optimizer_uses((descent_optimizer_kind)k, (descent_optimizer_param)p))
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", *got ? " " : "",
                         descent_optimizer_param_name((descent_optimizer_param)p));
        CHECK_MSG(strcmp(got, uses[k]) == 0, "%s uses %s", descent_optimizer_name((descent_optimizer_kind)k), got);
    }
    CHECK(descent_optimizer_param_range(DESCENT_PARAM_LEARNING_RATE) == DESCENT_RANGE_POSITIVE);
    CHECK(descent_optimizer_param_range(DESCENT_PARAM_BETA2) == DESCENT_RANGE_UNIT_OPEN);
    CHECK(descent_optimizer_param_range(DESCENT_PARAM_CENTERED) == DESCENT_RANGE_FLAG);
    CHECK(strcmp(descent_range_text(DESCENT_RANGE_UNIT_OPEN), "in [0, 1)") == 0);
    CHECK(descent_range_text((descent_range)9) == NULL);
    descent_optimizer_spec s = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    CHECK(descent_optimizer_get(&s, DESCENT_PARAM_LEARNING_RATE) == 0.001);
    CHECK(descent_optimizer_get(&s, DESCENT_PARAM_RHO) == 0.9 && descent_optimizer_get(&s, DESCENT_PARAM_CENTERED) == 0);
    CHECK(isnan(descent_optimizer_get(&s, (descent_optimizer_param)8)));
    CHECK(descent_optimizer_set(&s, DESCENT_PARAM_CENTERED, 1, &err) == DESCENT_OK && s.centered == 1);
    CHECK(descent_optimizer_set(&s, DESCENT_PARAM_CENTERED, 0.5, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "optimizer centered must be 0 or 1 (got 0.5)");
    CHECK(descent_optimizer_set(&s, DESCENT_PARAM_MOMENTUM, 1, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "optimizer momentum must be in [0, 1) (got 1)");
    CHECK(s.momentum == 0);
    CHECK(descent_optimizer_set(&s, DESCENT_PARAM_LEARNING_RATE, 1e39, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0");
    CHECK(descent_optimizer_set(&s, DESCENT_PARAM_EPSILON, 1e-5, &err) == DESCENT_OK && s.epsilon == 1e-5);
    /* A model takes a spec through the same ranges; fields its kind ignores may hold anything. */
    descent_layer_spec out = descent_layer(1, DESCENT_ACT_LINEAR);
    descent_model_spec spec = {1, 1, &out, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_ADAM), 1};
    spec.optimizer.beta2 = 1;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "optimizer beta2 must be in [0, 1) (got 1)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_SGD);
    spec.optimizer.momentum = -5;
    spec.optimizer.centered = 7;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK(m != NULL);
    descent_model_free(m);
}

CHECK_MAIN(TEST(test_lists), TEST(test_parse), TEST(test_limits), TEST(test_one_unit_limit),
           TEST(test_optimizer_params))
