/* test_model.c - gradients by central differences for every activation and
 * loss pairing at several shapes, plus creation, validation, initializers,
 * weights, preprocessing and predict. */
#include "check.h"
#include "model.h"

#include <stdlib.h>

static rng r_;

static void fill(float *p, int n, float scale)
{
    for (int i = 0; i < n; i++) p[i] = scale * (2.0f * rng_uniform(&r_) - 1.0f);
}

static void targets(float *y, int rows, int k, descent_loss loss)
{
    for (int b = 0; b < rows; b++) {
        if (loss == DESCENT_LOSS_MSE) fill(y + b * k, k, 1.0f);
        else if (loss == DESCENT_LOSS_BINARY_CROSSENTROPY)
            for (int j = 0; j < k; j++) y[b * k + j] = rng_uniform(&r_) < 0.5f ? 0.0f : 1.0f;
        else {
            int c = (int)rng_below(&r_, (uint32_t)k);
            for (int j = 0; j < k; j++) y[b * k + j] = j == c ? 1.0f : 0.0f;
        }
    }
}

/* Which relu / leaky relu units are active: a central difference across a
 * kink measures neither side's slope, so such parameters are skipped. */
static uint64_t kink_pattern(const descent_model *m, int rows)
{
    uint64_t h = 1469598103934665603ull;
    for (int l = 0; l < m->n_layers; l++) {
        descent_activation a = m->layers[l].spec.activation;
        if (a != DESCENT_ACT_RELU && a != DESCENT_ACT_LEAKY_RELU) continue;
        for (int i = 0; i < rows * m->layers[l].out; i++) h = (h ^ (m->act[l + 1][i] > 0.0f)) * 1099511628211ull;
    }
    return h;
}

static double objective(descent_model *m, int rows, uint64_t *pattern)
{
    model_forward(m, rows);
    *pattern = kink_pattern(m, rows);
    return model_objective(m, rows, 0);
}

/* Compares analytic gradients with (L(w+h) - L(w-h)) / 2h for every parameter. */
static int gradcheck(descent_model *m, int rows, descent_loss loss, const char *what)
{
    int in = m->inputs, k = m->outputs;
    float *x = malloc(sizeof(float) * (size_t)rows * in), *y = malloc(sizeof(float) * (size_t)rows * k);
    fill(x, rows * in, 1.5f);
    targets(y, rows, k, loss);
    descent_error err;
    CHECK(model_ensure_rows(m, rows, &err) == DESCENT_OK);
    model_load_rows(m, x, y, NULL, 0, rows);
    model_gradient(m, rows);
    float *g = malloc(sizeof(float) * m->n_params);
    memcpy(g, m->grads, sizeof(float) * m->n_params);
    const float h = 4e-3f;
    int bad = 0;
    for (size_t i = 0; i < m->n_params; i++) {
        float w0 = m->params[i];
        if (fabsf(w0) < 2 * h) continue; /* the L1 penalty has a kink at 0 */
        uint64_t pu, pd;
        m->params[i] = w0 + h;
        double up = objective(m, rows, &pu);
        m->params[i] = w0 - h;
        double down = objective(m, rows, &pd);
        m->params[i] = w0;
        if (pu != pd) continue;
        double num = (up - down) / (2.0 * h);
        double tol = 2e-3 + 3e-2 * fmax(fabs(num), fabs(g[i]));
        if (fabs(num - g[i]) > tol) {
            if (!bad) printf("  %s: param %zu analytic %.6g numeric %.6g\n", what, i, (double)g[i], num);
            bad++;
        }
    }
    free(x);
    free(y);
    free(g);
    return bad;
}

static descent_model *make(int inputs, const int *units, int n_layers, descent_activation hidden,
                           descent_activation out, descent_loss loss, float l1, float l2, uint32_t seed)
{
    descent_layer_spec layers[8];
    for (int l = 0; l < n_layers; l++) {
        layers[l] = descent_layer(units[l], l == n_layers - 1 ? out : hidden);
        layers[l].l1 = l1;
        layers[l].l2 = l2;
    }
    descent_model_spec spec = {inputs, n_layers, layers, loss, descent_optimizer_defaults(DESCENT_OPT_SGD), seed};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    /* non-zero biases so the check covers them fully */
    if (m)
        for (int l = 0; l < n_layers; l++)
            if (!m->layers[l].spec.no_bias) fill(m->params + m->layers[l].b_off, units[l], 0.3f);
    return m;
}

static void test_gradients_all_pairings(void)
{
    rng_seed(&r_, 7, 0);
    static const struct {
        descent_activation out;
        descent_loss loss;
        int units;
    } heads[] = {
        {DESCENT_ACT_LINEAR, DESCENT_LOSS_MSE, 2},
        {DESCENT_ACT_TANH, DESCENT_LOSS_MSE, 1},
        {DESCENT_ACT_SOFTMAX, DESCENT_LOSS_MSE, 3},
        {DESCENT_ACT_SIGMOID, DESCENT_LOSS_BINARY_CROSSENTROPY, 1},
        {DESCENT_ACT_SIGMOID, DESCENT_LOSS_BINARY_CROSSENTROPY, 3},
        {DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY, 4},
        {DESCENT_ACT_SIGMOID, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY, 3},
    };
    static const struct {
        int inputs, rows, n_layers, units[3];
    } shapes[] = {{3, 5, 2, {4, 0}}, {2, 1, 3, {5, 3, 0}}, {6, 8, 1, {0}}};
    int failures = 0, checked = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int hidden = DESCENT_ACT_LINEAR; hidden <= DESCENT_ACT_SOFTMAX; hidden++)
            for (size_t hd = 0; hd < sizeof heads / sizeof heads[0]; hd++) {
                int units[3];
                memcpy(units, shapes[s].units, sizeof units);
                units[shapes[s].n_layers - 1] = heads[hd].units;
                descent_model *m = make(shapes[s].inputs, units, shapes[s].n_layers, (descent_activation)hidden,
                                        heads[hd].out, heads[hd].loss, 0.0f, 0.0f, (uint32_t)(s * 100 + hd));
                if (!m) continue;
                char what[128];
                snprintf(what, sizeof what, "shape %zu hidden %s out %s loss %s", s,
                         descent_activation_name((descent_activation)hidden), descent_activation_name(heads[hd].out),
                         descent_loss_name(heads[hd].loss));
                failures += gradcheck(m, shapes[s].rows, heads[hd].loss, what) > 0;
                checked++;
                descent_model_free(m);
            }
    CHECK_MSG(failures == 0, "%d of %d models failed the gradient check", failures, checked);
}

static void test_gradients_with_penalties(void)
{
    rng_seed(&r_, 11, 0);
    int units[] = {6, 2};
    descent_model *m = make(4, units, 2, DESCENT_ACT_TANH, DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY,
                            0.01f, 0.02f, 3);
    CHECK(gradcheck(m, 7, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY, "l1+l2") == 0);
    descent_model_free(m);
    descent_layer_spec one = descent_layer(1, DESCENT_ACT_LINEAR);
    one.l1 = 0.5f;
    descent_model_spec spec = {2, 1, &one, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    m = descent_model_create(&spec, NULL);
    /* at w = 0 exactly TF.js takes d|w|/dw = -1 */
    float k[2] = {0.0f, 0.5f}, b[1] = {0.0f}, x[2] = {0, 0}, y[1] = {0};
    descent_model_set_weights(m, 0, k, b, NULL);
    model_ensure_rows(m, 1, NULL);
    model_load_rows(m, x, y, NULL, 0, 1);
    model_gradient(m, 1);
    CHECK_NEAR(m->grads[0], -0.5, 1e-7);
    CHECK_NEAR(m->grads[1], 0.5, 1e-7);
    descent_model_free(m);
}

/* Quirks at exactly z = 0: relu's slope is 0, leaky relu's is alpha. */
static void test_relu_slopes_at_zero(void)
{
    for (int leaky = 0; leaky <= 1; leaky++) {
        descent_layer_spec layers[2] = {descent_layer(1, leaky ? DESCENT_ACT_LEAKY_RELU : DESCENT_ACT_RELU),
                                        descent_layer(1, DESCENT_ACT_LINEAR)};
        layers[0].alpha = 0.3f;
        descent_model_spec spec = {1, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
        descent_model *m = descent_model_create(&spec, NULL);
        float k0[1] = {1.0f}, b0[1] = {0.0f}, k1[1] = {1.0f}, b1[1] = {0.0f};
        descent_model_set_weights(m, 0, k0, b0, NULL);
        descent_model_set_weights(m, 1, k1, b1, NULL);
        float x[1] = {0.0f}, y[1] = {1.0f};
        model_ensure_rows(m, 1, NULL);
        model_load_rows(m, x, y, NULL, 0, 1);
        model_gradient(m, 1);
        /* dL/dp = 2(0 - 1) = -2; the hidden bias gradient is -2 · slope(0) */
        CHECK_NEAR(m->grads[1], leaky ? -2.0 * 0.3 : 0.0, 1e-7);
        descent_model_free(m);
    }
}

static void test_bce_clipping_stops_gradient(void)
{
    descent_layer_spec out = descent_layer(1, DESCENT_ACT_SIGMOID);
    descent_model_spec spec = {1, 1, &out, DESCENT_LOSS_BINARY_CROSSENTROPY,
                               descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_model *m = descent_model_create(&spec, NULL);
    float k[1] = {1.0f}, b[1] = {0.0f}, x[1] = {20.0f}, y[1] = {0.0f};
    descent_model_set_weights(m, 0, k, b, NULL);
    model_ensure_rows(m, 1, NULL);
    model_load_rows(m, x, y, NULL, 0, 1);
    double loss = model_gradient(m, 1);
    /* sigmoid(20) rounds above 1 - 2^-23: the loss is stuck near 15.94 with zero gradient */
    CHECK_NEAR(loss, 15.942385, 1e-3);
    CHECK(m->grads[0] == 0.0f);
    descent_model_free(m);
}

static void test_validation_messages(void)
{
    descent_error err;
    descent_layer_spec l = descent_layer(0, DESCENT_ACT_RELU);
    descent_model_spec spec = {2, 1, &l, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_ADAM), 1};
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK(err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layers[0].units must be in 1..");
    l = descent_layer(3, (descent_activation)42);
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "layers[0].activation");
    l = descent_layer(3, DESCENT_ACT_LEAKY_RELU);
    l.alpha = -1.0f;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "alpha must be a finite number >= 0");
    l = descent_layer(3, DESCENT_ACT_RELU);
    l.l2 = NAN;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "layers[0].l2");
    l = descent_layer(3, DESCENT_ACT_RELU);
    l.init = DESCENT_INIT_UNIFORM;
    l.init_limit = 0.0f;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "init_limit");
    l = descent_layer(1, DESCENT_ACT_SOFTMAX);
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "softmax needs at least 2 units");
    l = descent_layer(1, DESCENT_ACT_SIGMOID);
    spec.loss = DESCENT_LOSS_CATEGORICAL_CROSSENTROPY;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "categorical_crossentropy needs at least 2 output units");
    spec.loss = DESCENT_LOSS_MSE;
    spec.optimizer.learning_rate = -0.1;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0 (got -0.1)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    spec.optimizer.beta2 = 1.0;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "beta2 must be in [0, 1)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_MOMENTUM);
    spec.optimizer.momentum = -0.5;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "momentum must be in [0, 1)");
    spec.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    spec.inputs = 0;
    CHECK(descent_model_create(&spec, &err) == NULL);
    CHECK_HAS(err.message, "inputs must be in 1..");
    CHECK(descent_model_create(NULL, &err) == NULL);
    descent_activation a;
    CHECK(descent_activation_parse("relux", &a, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown activation 'relux': expected one of linear, relu, leaky_relu");
    CHECK(descent_activation_parse("leaky_relu", &a, &err) == DESCENT_OK && a == DESCENT_ACT_LEAKY_RELU);
}

static void test_initializers(void)
{
    static const descent_init inits[] = {DESCENT_INIT_GLOROT_UNIFORM, DESCENT_INIT_GLOROT_NORMAL,
                                         DESCENT_INIT_HE_UNIFORM, DESCENT_INIT_HE_NORMAL, DESCENT_INIT_UNIFORM,
                                         DESCENT_INIT_ZEROS};
    for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
        descent_layer_spec l = descent_layer(200, DESCENT_ACT_RELU);
        l.init = inits[i];
        l.init_limit = 0.05f;
        descent_model_spec spec = {100, 1, &l, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 5};
        descent_model *a = descent_model_create(&spec, NULL), *b = descent_model_create(&spec, NULL);
        spec.seed = 6;
        descent_model *c = descent_model_create(&spec, NULL);
        int n = 100 * 200;
        CHECK(memcmp(a->params, b->params, sizeof(float) * (size_t)n) == 0);
        double sum2 = 0.0, maxabs = 0.0;
        for (int j = 0; j < n; j++) {
            sum2 += (double)a->params[j] * a->params[j];
            maxabs = fmax(maxabs, fabs(a->params[j]));
        }
        double var = sum2 / n, want_var = 0.0, bound = 0.0;
        switch (inits[i]) {
        case DESCENT_INIT_GLOROT_UNIFORM: bound = sqrt(6.0 / 300); want_var = bound * bound / 3; break;
        case DESCENT_INIT_HE_UNIFORM: bound = sqrt(6.0 / 100); want_var = bound * bound / 3; break;
        case DESCENT_INIT_UNIFORM: bound = 0.05; want_var = bound * bound / 3; break;
        /* a normal cut at 2 sd keeps 77.4 % of its variance */
        case DESCENT_INIT_GLOROT_NORMAL: bound = 2 * sqrt(2.0 / 300); want_var = 0.774 * 2.0 / 300; break;
        case DESCENT_INIT_HE_NORMAL: bound = 2 * sqrt(2.0 / 100); want_var = 0.774 * 2.0 / 100; break;
        case DESCENT_INIT_ZEROS:
        case DESCENT_INIT_PLAYGROUND: break; /* test_playground.c */
        }
        CHECK_MSG(maxabs <= bound + 1e-6, "%s: max |w| %g above %g", descent_init_name(inits[i]), maxabs, bound);
        CHECK_MSG(fabs(var - want_var) <= 0.05 * want_var + 1e-12, "%s: variance %g, want %g",
                  descent_init_name(inits[i]), var, want_var);
        if (inits[i] != DESCENT_INIT_ZEROS) CHECK(memcmp(a->params, c->params, sizeof(float) * (size_t)n) != 0);
        for (int j = 0; j < 200; j++) CHECK(a->params[n + j] == 0.0f); /* biases start at zero */
        descent_model_free(a);
        descent_model_free(b);
        descent_model_free(c);
    }
}

static void test_weights_layout(void)
{
    descent_layer_spec layers[2] = {descent_layer(3, DESCENT_ACT_TANH), descent_layer(2, DESCENT_ACT_LINEAR)};
    layers[1].no_bias = 1;
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK(descent_model_param_count(m) == 2 * 3 + 3 + 3 * 2);
    float k0[6] = {1, 2, 3, 4, 5, 6}, b0[3] = {7, 8, 9}, k1[6] = {10, 11, 12, 13, 14, 15};
    CHECK(descent_model_set_weights(m, 0, k0, b0, &err) == DESCENT_OK);
    CHECK(descent_model_set_weights(m, 1, k1, NULL, &err) == DESCENT_OK);
    const float *p = descent_model_params(m);
    for (int i = 0; i < 6; i++) CHECK(p[i] == k0[i]);
    for (int i = 0; i < 3; i++) CHECK(p[6 + i] == b0[i]);
    for (int i = 0; i < 6; i++) CHECK(p[9 + i] == k1[i]);
    CHECK(descent_model_set_weights(m, 1, k1, b0, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layer 1 has no bias");
    k0[4] = NAN;
    CHECK(descent_model_set_weights(m, 0, k0, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layer 0 kernel[1][1] is not finite");
    CHECK(descent_model_get_weights(m, 2, k0, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layer must be in 0..1 (got 2)");
    /* z = x·W + b with W[i][j] connecting input i to unit j */
    float x[2] = {1.0f, -1.0f}, out[2];
    float kk[6] = {1, 0, 0, 0, 1, 0}, bb[3] = {0, 0, 0.5f}, k2[6] = {1, 0, 0, 1, 1, 1};
    descent_model_set_weights(m, 0, kk, bb, NULL);
    descent_model_set_weights(m, 1, k2, NULL, NULL);
    CHECK(descent_model_predict(m, x, 1, out, &err) == DESCENT_OK);
    CHECK_NEAR(out[0], tanh(1.0) + tanh(0.5), 1e-6);
    CHECK_NEAR(out[1], tanh(-1.0) + tanh(0.5), 1e-6);
    descent_model_free(m);
}

static void test_scalers_and_predict(void)
{
    rng_seed(&r_, 3, 0);
    descent_layer_spec layers[2] = {descent_layer(5, DESCENT_ACT_RELU), descent_layer(2, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {3, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 9};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    float mean[3] = {1, 2, 3}, sd[3] = {2, 4, 0.5f}, tm[2] = {100, -5}, ts[2] = {10, 2};
    float x[1000 * 3], xs[1000 * 3], raw[1000 * 2], scaled[1000 * 2];
    fill(x, 3000, 5.0f);
    for (int i = 0; i < 3000; i++) xs[i] = (x[i] - mean[i % 3]) / sd[i % 3];
    CHECK(descent_model_predict(m, xs, 1000, scaled, &err) == DESCENT_OK);
    CHECK(descent_model_set_input_scaler(m, mean, sd, &err) == DESCENT_OK);
    CHECK(descent_model_set_target_scaler(m, tm, ts, &err) == DESCENT_OK);
    CHECK(descent_model_predict(m, x, 1000, raw, &err) == DESCENT_OK);
    for (int i = 0; i < 2000; i++) CHECK_NEAR(raw[i], scaled[i] * ts[i % 2] + tm[i % 2], 1e-4);
    sd[1] = 0.0f;
    CHECK(descent_model_set_input_scaler(m, mean, sd, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "input scaler std[1] must be finite and > 0");
    CHECK(descent_model_set_input_scaler(m, NULL, NULL, &err) == DESCENT_OK);
    CHECK(descent_model_input_mean(m) == NULL);
    x[4] = NAN;
    CHECK(descent_model_predict(m, x, 2, raw, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "x[1][1] is NaN");
    CHECK(descent_model_predict(m, x, 0, raw, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n (rows) must be >= 1");
    descent_model_free(m);
}

/* A scaler's std may be tiny without being 0 (a subnormal, set by hand or
 * read from a file): a finite input must then not become infinite inside. */
static void test_scaled_inputs_stay_finite(void)
{
    descent_layer_spec layers[1] = {descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {2, 1, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 9};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    float mean[2] = {0, 0}, sd[2] = {1, 1e-40f}, tm[1] = {0}, ts[1] = {1e-40f};
    float x[4] = {1, 0, 1, 2}, y[2] = {0, 0}, out[2], loss;
    CHECK(descent_model_set_input_scaler(m, mean, sd, &err) == DESCENT_OK);
    CHECK(descent_model_predict(m, x, 1, out, &err) == DESCENT_OK);
    CHECK(descent_model_predict(m, x, 2, out, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "x[1][1] is 2");
    CHECK_HAS(err.message, "input scaler");
    CHECK(descent_model_train_step(m, x, y, 2, &loss, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_evaluate(m, x, y, 2, &loss, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_set_input_scaler(m, NULL, NULL, &err) == DESCENT_OK);
    CHECK(descent_model_set_target_scaler(m, tm, ts, &err) == DESCENT_OK);
    y[1] = 1;
    CHECK(descent_model_evaluate(m, x, y, 2, &loss, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y[1][0] is 1");
    CHECK_HAS(err.message, "target scaler");
    descent_model_free(m);
}

static void test_train_step_reports_loss_before_update(void)
{
    rng_seed(&r_, 4, 0);
    int units[] = {4, 1};
    descent_model *m = make(2, units, 2, DESCENT_ACT_TANH, DESCENT_ACT_SIGMOID, DESCENT_LOSS_BINARY_CROSSENTROPY, 0, 0,
                            2);
    float x[8 * 2], y[8];
    fill(x, 16, 1.0f);
    targets(y, 8, 1, DESCENT_LOSS_BINARY_CROSSENTROPY);
    float before, step_loss, after;
    descent_error err;
    CHECK(descent_model_evaluate(m, x, y, 8, &before, &err) == DESCENT_OK);
    CHECK(descent_model_train_step(m, x, y, 8, &step_loss, &err) == DESCENT_OK);
    CHECK(descent_model_evaluate(m, x, y, 8, &after, &err) == DESCENT_OK);
    CHECK(before == step_loss);
    CHECK(after < before);
    CHECK(descent_model_step_count(m) == 1);
    y[3] = NAN;
    CHECK(descent_model_train_step(m, x, y, 8, &step_loss, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y[3][0] is NaN");
    descent_model_free(m);
}

/* Training reports data loss + penalties; evaluate, like TF.js, the data loss alone. */
static void test_evaluate_leaves_out_penalties(void)
{
    descent_layer_spec l = descent_layer(1, DESCENT_ACT_LINEAR);
    l.l1 = 0.1f;
    l.l2 = 0.2f;
    descent_model_spec spec = {2, 1, &l, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    descent_model *m = descent_model_create(&spec, NULL);
    float k[2] = {0.5f, -2.0f}, b[1] = {0.0f}, x[2] = {1.0f, 1.0f}, y[1] = {0.0f};
    descent_model_set_weights(m, 0, k, b, NULL);
    float ev, tr;
    CHECK(descent_model_evaluate(m, x, y, 1, &ev, NULL) == DESCENT_OK);
    CHECK(descent_model_train_step(m, x, y, 1, &tr, NULL) == DESCENT_OK);
    CHECK_NEAR(ev, 2.25, 1e-6);                               /* (0.5 - 2)² */
    CHECK_NEAR(tr, 2.25 + 0.1 * 2.5 + 0.2 * 4.25, 1e-6);      /* + l1·Σ|w| + l2·Σw² */
    descent_model_free(m);
}

static void test_nonfinite_loss_keeps_last_finite_weights(void)
{
    descent_layer_spec l = descent_layer(1, DESCENT_ACT_LINEAR);
    descent_model_spec spec = {1, 1, &l, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 1};
    spec.optimizer.learning_rate = 1e6;
    descent_model *m = descent_model_create(&spec, NULL);
    float x[2] = {1e3f, -2e3f}, y[2] = {1e3f, 5e2f};
    descent_error err;
    descent_status s = DESCENT_OK;
    int steps = 0;
    while (s == DESCENT_OK && steps < 100) {
        s = descent_model_train_step(m, x, y, 2, NULL, &err);
        steps++;
        for (int i = 0; i < descent_model_param_count(m); i++) CHECK(isfinite(descent_model_params(m)[i]));
    }
    CHECK(s == DESCENT_ERR_NONFINITE);
    CHECK(steps < 100);
    CHECK_HAS(err.message, "not finite");
    descent_model_free(m);
}

static void test_clone_and_reinit(void)
{
    int units[] = {5, 3};
    descent_model *m = make(4, units, 2, DESCENT_ACT_RELU, DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY,
                            0, 0, 8);
    const char *classes[] = {"a", "b", "c"};
    descent_error err;
    CHECK(descent_model_set_names(m, NULL, "t", 3, classes, &err) == DESCENT_OK);
    CHECK(descent_model_set_names(m, NULL, "t", 2, classes, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n_classes must be 3");
    descent_model *c = descent_model_clone(m, &err);
    CHECK(c && memcmp(c->params, m->params, sizeof(float) * m->n_params) == 0);
    CHECK(strcmp(descent_model_class_name(c, 2), "c") == 0);
    float before[64];
    memcpy(before, m->params, sizeof(float) * m->n_params);
    CHECK(descent_model_reinit(m, 99, &err) == DESCENT_OK);
    CHECK(memcmp(before, m->params, sizeof(float) * m->n_params) != 0);
    CHECK(descent_model_reinit(m, 8, &err) == DESCENT_OK);
    /* make() randomised the biases after creation; the kernels come from the seed alone */
    CHECK(memcmp(before, m->params, sizeof(float) * 20) == 0);
    descent_model_free(c);
    descent_model_free(m);
}

/* Each layer's outputs against a forward pass written out here (the
 * scaler, then a·W + b and the activation, layer by layer), and the last
 * layer's against predict; 600 rows so they go through the workspace in
 * chunks. */
static double act_ref(descent_activation a, double z, float alpha)
{
    switch (a) {
    case DESCENT_ACT_RELU: return z > 0 ? z : 0;
    case DESCENT_ACT_LEAKY_RELU: return z > 0 ? z : alpha * z;
    case DESCENT_ACT_SIGMOID: return 1 / (1 + exp(-z));
    case DESCENT_ACT_TANH: return tanh(z);
    default: return z;
    }
}

static void test_layer_outputs(void)
{
    enum { N = 600, IN = 3 };
    descent_layer_spec layers[4] = {descent_layer(8, DESCENT_ACT_TANH), descent_layer(5, DESCENT_ACT_LEAKY_RELU),
                                    descent_layer(4, DESCENT_ACT_SIGMOID), descent_layer(3, DESCENT_ACT_SOFTMAX)};
    descent_model_spec spec = {IN, 4, layers, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY,
                               descent_optimizer_defaults(DESCENT_OPT_SGD), 5};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK(m != NULL);
    if (!m) return;
    for (size_t i = 0; i < m->n_params; i++) m->params[i] = 0.8f * (2.0f * rng_uniform(&r_) - 1.0f);
    float mean[IN] = {1, -2, 0.5f}, sd[IN] = {2, 0.5f, 1};
    CHECK(descent_model_set_input_scaler(m, mean, sd, &err) == DESCENT_OK);
    float *x = malloc(sizeof(float) * N * IN);
    fill(x, N * IN, 3.0f);
    double *a = malloc(sizeof(double) * N * 8), *z = malloc(sizeof(double) * N * 8);
    float *out = malloc(sizeof(float) * N * 8), *pred = malloc(sizeof(float) * N * 3);
    for (int i = 0; i < N * IN; i++) a[i] = (x[i] - mean[i % IN]) / sd[i % IN];
    int in = IN;
    for (int l = 0; l < 4; l++) {
        int units = layers[l].units;
        const float *w = m->params + m->layers[l].w_off, *b = m->params + m->layers[l].b_off;
        for (int r = 0; r < N; r++) {
            double top = -INFINITY, sum = 0;
            for (int j = 0; j < units; j++) {
                double v = b[j];
                for (int i = 0; i < in; i++) v += a[r * in + i] * w[i * units + j];
                z[r * units + j] = v;
                if (v > top) top = v;
            }
            for (int j = 0; j < units; j++) {
                double v = z[r * units + j];
                if (layers[l].activation == DESCENT_ACT_SOFTMAX) sum += (z[r * units + j] = exp(v - top));
                else z[r * units + j] = act_ref(layers[l].activation, v, layers[l].alpha);
            }
            if (sum > 0)
                for (int j = 0; j < units; j++) z[r * units + j] /= sum;
        }
        memcpy(a, z, sizeof(double) * N * units);
        CHECK(descent_model_layer_outputs(m, x, N, l, out, &err) == DESCENT_OK);
        double worst = 0;
        for (int i = 0; i < N * units; i++) worst = fmax(worst, fabs(out[i] - a[i]));
        CHECK_MSG(worst < 1e-5, "layer %d differs from the manual pass by %g", l, worst);
        in = units;
    }
    /* The last layer is what predict returns (no target scaler here). */
    CHECK(descent_model_predict(m, x, N, pred, &err) == DESCENT_OK);
    CHECK(descent_model_layer_outputs(m, x, N, 3, out, &err) == DESCENT_OK);
    CHECK(memcmp(out, pred, sizeof(float) * N * 3) == 0);
    /* Bad calls are refused by name and write nothing. */
    out[0] = 42.0f;
    CHECK(descent_model_layer_outputs(m, x, N, 4, out, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "layer must be in 0..3 (got 4)");
    CHECK(descent_model_layer_outputs(m, x, N, -1, out, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_layer_outputs(m, x, 0, 0, out, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_model_layer_outputs(m, x, N, 0, NULL, &err) == DESCENT_ERR_ARGUMENT);
    x[4] = NAN;
    CHECK(descent_model_layer_outputs(m, x, N, 0, out, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "x[1][1] is NaN");
    CHECK(out[0] == 42.0f);
    free(x);
    free(a);
    free(z);
    free(out);
    free(pred);
    descent_model_free(m);
}

/* With a target scaler, predict undoes it and the last layer's outputs do not. */
static void test_layer_outputs_target_scaler(void)
{
    descent_layer_spec layers[2] = {descent_layer(4, DESCENT_ACT_RELU), descent_layer(2, DESCENT_ACT_LINEAR)};
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(DESCENT_OPT_SGD), 9};
    descent_model *m = descent_model_create(&spec, NULL);
    CHECK(m != NULL);
    if (!m) return;
    float mean[2] = {10, -3}, sd[2] = {4, 0.5f};
    CHECK(descent_model_set_target_scaler(m, mean, sd, NULL) == DESCENT_OK);
    float x[6] = {0.5f, 1, -1, 2, 3, -0.25f}, net[6], pred[6];
    CHECK(descent_model_layer_outputs(m, x, 3, 1, net, NULL) == DESCENT_OK);
    CHECK(descent_model_predict(m, x, 3, pred, NULL) == DESCENT_OK);
    for (int i = 0; i < 6; i++) CHECK(pred[i] == net[i] * sd[i % 2] + mean[i % 2]);
    descent_model_free(m);
}

CHECK_MAIN(TEST(test_layer_outputs), TEST(test_layer_outputs_target_scaler), TEST(test_gradients_all_pairings), TEST(test_gradients_with_penalties), TEST(test_relu_slopes_at_zero),
           TEST(test_bce_clipping_stops_gradient), TEST(test_validation_messages), TEST(test_initializers),
           TEST(test_weights_layout), TEST(test_scalers_and_predict), TEST(test_scaled_inputs_stay_finite), TEST(test_train_step_reports_loss_before_update), TEST(test_evaluate_leaves_out_penalties),
           TEST(test_nonfinite_loss_keeps_last_finite_weights), TEST(test_clone_and_reinit))
