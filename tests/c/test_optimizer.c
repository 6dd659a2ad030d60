/* test_optimizer.c - each optimizer's first steps against the SEMANTICS.md
 * formulas worked out independently here, plus the state rules: a new
 * learning rate keeps the state, a reset clears it, and the TF.js quirks. */
#include "check.h"
#include "model.h"

/* One weight, no bias, x = 1, y = 0, MSE: L = w², so g = 2w. */
static descent_model *one_weight(descent_optimizer_spec opt, float w0)
{
    descent_layer_spec l = descent_layer(1, DESCENT_ACT_LINEAR);
    l.no_bias = 1;
    descent_model_spec spec = {1, 1, &l, DESCENT_LOSS_MSE, opt, 1};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    descent_model_set_weights(m, 0, &w0, NULL, NULL);
    return m;
}

static float step(descent_model *m)
{
    float x = 1.0f, y = 0.0f, loss;
    descent_error err;
    descent_status s = descent_model_train_step(m, &x, &y, 1, &loss, &err);
    CHECK_MSG(s == DESCENT_OK, "%s", err.message);
    return descent_model_params(m)[0];
}

/* The reference: the formulas in double, except Adam's β^t, which TF.js keeps
 * as a float32 running product. */
static void reference(descent_optimizer_spec o, double w, int steps, double *out)
{
    double v = 0, acc = o.initial_accumulator, ms = 0, mom = 0, mg = 0, m1 = 0, m2 = 0;
    float b1p = (float)o.beta1, b2p = (float)o.beta2;
    for (int t = 0; t < steps; t++) {
        double g = 2.0 * w, lr = o.learning_rate;
        switch (o.kind) {
        case DESCENT_OPT_SGD: w -= lr * g; break;
        case DESCENT_OPT_MOMENTUM:
            v = o.momentum * v + g;
            w -= lr * v;
            break;
        case DESCENT_OPT_NESTEROV:
            v = o.momentum * v + g;
            w -= lr * (g + o.momentum * v);
            break;
        case DESCENT_OPT_ADAGRAD:
            acc += g * g;
            w -= lr * g / sqrt(acc + 1e-7);
            break;
        case DESCENT_OPT_RMSPROP:
            ms = o.rho * ms + (1 - o.rho) * g * g;
            if (o.centered) {
                mg = o.rho * mg + (1 - o.rho) * g;
                mom = o.momentum * mom + lr * g / sqrt(ms - (mg * mg + o.epsilon));
            } else {
                mom = o.momentum * mom + lr * g / sqrt(ms + o.epsilon);
            }
            w -= mom;
            break;
        case DESCENT_OPT_ADAM:
            m1 = o.beta1 * m1 + (1 - o.beta1) * g;
            m2 = o.beta2 * m2 + (1 - o.beta2) * g * g;
            w -= lr * (m1 / (1.0 - b1p)) / (sqrt(m2 / (1.0 - b2p)) + o.epsilon);
            b1p *= (float)o.beta1;
            b2p *= (float)o.beta2;
            break;
        }
        out[t] = w;
    }
}

static void run_against_reference(descent_optimizer_spec o, const char *what)
{
    double want[5];
    reference(o, 0.5, 5, want);
    descent_model *m = one_weight(o, 0.5f);
    for (int t = 0; t < 5; t++) {
        float got = step(m);
        CHECK_MSG(fabs(got - want[t]) <= 2e-6 * fmax(1e-3, fabs(want[t])), "%s step %d: got %.9g want %.9g", what,
                  t + 1, (double)got, want[t]);
    }
    descent_model_free(m);
}

static void test_first_steps_by_hand(void)
{
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_SGD);
    o.learning_rate = 0.1;
    descent_model *m = one_weight(o, 0.5f);
    CHECK_NEAR(step(m), 0.4, 1e-7);                   /* 0.5 - 0.1·1 */
    CHECK_NEAR(step(m), 0.32, 1e-7);                  /* 0.4 - 0.1·0.8 */
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_MOMENTUM);
    o.learning_rate = 0.1;
    m = one_weight(o, 0.5f);
    CHECK_NEAR(step(m), 0.4, 1e-7);                   /* v = 1 */
    CHECK_NEAR(step(m), 0.23, 1e-7);                  /* v = 0.9 + 0.8 = 1.7 */
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_NESTEROV);
    o.learning_rate = 0.1;
    m = one_weight(o, 0.5f);
    CHECK_NEAR(step(m), 0.31, 1e-7);                  /* v = 1; 0.5 - 0.1·(1 + 0.9·1) */
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_ADAGRAD);
    o.learning_rate = 0.1;
    m = one_weight(o, 0.5f);
    CHECK_NEAR(step(m), 0.5 - 0.1 / sqrt(1.1 + 1e-7), 1e-7); /* A starts at 0.1 */
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    o.learning_rate = 0.01;
    m = one_weight(o, 0.5f);
    CHECK_NEAR(step(m), 0.5 - 0.01 / sqrt(0.1 + 1e-7), 1e-7); /* S = 0.1·1² */
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    o.learning_rate = 0.01;
    m = one_weight(o, 0.5f);
    /* m̂ = 1 and v̂ = 1 at t = 1, epsilon outside the root */
    CHECK_NEAR(step(m), 0.5 - 0.01 / (1.0 + 1e-7), 1e-7);
    descent_model_free(m);
}

static void test_five_steps_every_optimizer(void)
{
    for (int k = DESCENT_OPT_SGD; k <= DESCENT_OPT_ADAM; k++) {
        descent_optimizer_spec o = descent_optimizer_defaults((descent_optimizer_kind)k);
        run_against_reference(o, descent_optimizer_name(o.kind));
        o.learning_rate *= 3;
        o.momentum = 0.5;
        o.rho = 0.8;
        o.beta1 = 0.8;
        o.beta2 = 0.99;
        o.epsilon = 1e-3;
        o.initial_accumulator = 0.5;
        run_against_reference(o, descent_optimizer_name(o.kind));
    }
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    o.centered = 1;
    o.momentum = 0.3;
    run_against_reference(o, "centered rmsprop");
}

static void test_defaults(void)
{
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    CHECK(o.learning_rate == 0.001 && o.beta1 == 0.9 && o.beta2 == 0.999 && o.epsilon == 1e-7);
    o = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    CHECK(o.learning_rate == 0.001 && o.rho == 0.9 && o.momentum == 0.0 && o.epsilon == 1e-7 && !o.centered);
    o = descent_optimizer_defaults(DESCENT_OPT_ADAGRAD);
    CHECK(o.learning_rate == 0.01 && o.initial_accumulator == 0.1);
    o = descent_optimizer_defaults(DESCENT_OPT_SGD);
    CHECK(o.learning_rate == 0.01);
    o = descent_optimizer_defaults(DESCENT_OPT_MOMENTUM);
    CHECK(o.learning_rate == 0.01 && o.momentum == 0.9);
}

static void test_learning_rate_change_keeps_state(void)
{
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_MOMENTUM);
    o.learning_rate = 0.1;
    descent_model *m = one_weight(o, 0.5f);
    step(m);                                          /* w = 0.4, v = 1 */
    descent_error err;
    CHECK(descent_model_set_learning_rate(m, 0.05, &err) == DESCENT_OK);
    CHECK_NEAR(step(m), 0.4 - 0.05 * 1.7, 1e-7);      /* v carried over */
    CHECK(descent_model_set_learning_rate(m, 0.0, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "learning_rate must be a finite number > 0 (got 0)");
    /* same kind: hyper-parameters change, state stays */
    o.learning_rate = 0.1;
    o.momentum = 0.0;
    CHECK(descent_model_set_optimizer(m, &o, &err) == DESCENT_OK);
    CHECK(descent_model_step_count(m) == 2);
    /* another kind: state starts afresh */
    descent_optimizer_spec a = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    CHECK(descent_model_set_optimizer(m, &a, &err) == DESCENT_OK);
    CHECK(descent_model_step_count(m) == 0);
    descent_model_free(m);
}

static void test_reset_gives_a_fresh_first_step(void)
{
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    o.learning_rate = 0.01;
    descent_model *m = one_weight(o, 0.5f);
    step(m);
    step(m);
    descent_model_reset_optimizer(m);
    CHECK(descent_model_step_count(m) == 0);
    float w = descent_model_params(m)[0];
    CHECK_NEAR(step(m), w - 0.01 / (1.0 + 1e-7), 1e-7);
    descent_model_free(m);

    o = descent_optimizer_defaults(DESCENT_OPT_ADAGRAD);
    o.learning_rate = 0.1;
    m = one_weight(o, 0.5f);
    step(m);
    descent_model_reset_optimizer(m);
    w = descent_model_params(m)[0];
    CHECK_NEAR(step(m), w - 0.1 * (2.0 * w) / sqrt(0.1 + 4.0 * w * w + 1e-7), 1e-6);
    descent_model_free(m);
}

/* Quirk: at w = 0 exactly, L1 pushes the weight positive by lr·l1. */
static void test_l1_at_zero_pushes_positive(void)
{
    descent_layer_spec l = descent_layer(1, DESCENT_ACT_LINEAR);
    l.no_bias = 1;
    l.l1 = 0.5f;
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_SGD);
    o.learning_rate = 0.1;
    descent_model_spec spec = {1, 1, &l, DESCENT_LOSS_MSE, o, 1};
    descent_model *m = descent_model_create(&spec, NULL);
    float w0 = 0.0f, x = 0.0f, y = 0.0f;
    descent_model_set_weights(m, 0, &w0, NULL, NULL);
    CHECK(descent_model_train_step(m, &x, &y, 1, NULL, NULL) == DESCENT_OK);
    CHECK_NEAR(descent_model_params(m)[0], 0.05, 1e-8);
    descent_model_free(m);
}

/* Quirk: TF.js's centered RMSprop subtracts epsilon under the root, so a zero
 * gradient gives sqrt(-ε): the update is refused and reported. */
static void test_centered_rmsprop_zero_gradient(void)
{
    descent_optimizer_spec o = descent_optimizer_defaults(DESCENT_OPT_RMSPROP);
    o.centered = 1;
    descent_model *m = one_weight(o, 0.0f);
    float x = 1.0f, y = 0.0f;
    descent_error err;
    CHECK(descent_model_train_step(m, &x, &y, 1, NULL, &err) == DESCENT_ERR_NONFINITE);
    CHECK_HAS(err.message, "centered rmsprop takes the square root of S - (G² + epsilon)");
    CHECK(descent_model_params(m)[0] == 0.0f);
    descent_model_free(m);
}

CHECK_MAIN(TEST(test_first_steps_by_hand), TEST(test_five_steps_every_optimizer), TEST(test_defaults),
           TEST(test_learning_rate_change_keeps_state), TEST(test_reset_gives_a_fresh_first_step),
           TEST(test_l1_at_zero_pushes_positive), TEST(test_centered_rmsprop_zero_gradient))
