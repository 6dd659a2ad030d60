/* test_explore.c - descent_explore.h against independent computations:
 * gradients by central differences of descent_model_evaluate, the update
 * ratio from the weights before and after a step, the range test's rates and
 * suggestion, a race lane against an ordinary fit, surface points against
 * evaluate, and the principal components' orthonormality. */
#include "check.h"
#include "descent_explore.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 300

static float X[ROWS * 2], Y[ROWS];

static void make_rows(void)
{
    for (int i = 0; i < ROWS; i++) {
        float a = (float)sin(i * 0.37), b = (float)cos(i * 0.91);
        X[2 * i] = a;
        X[2 * i + 1] = b;
        Y[i] = (float)(sin(2.0 * a) + 0.5 * b * b);
    }
}

static descent_model *net(descent_optimizer_kind kind)
{
    descent_layer_spec layers[2] = {descent_layer(4, DESCENT_ACT_TANH), descent_layer(1, DESCENT_ACT_LINEAR)};
    layers[0].l2 = 0.3f; /* left out of evaluate, so out of the gradient */
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, descent_optimizer_defaults(kind), 5};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    return m;
}

static double loss_of(descent_model *m)
{
    float loss;
    descent_error err;
    CHECK(descent_model_evaluate(m, X, Y, ROWS, &loss, &err) == DESCENT_OK);
    return loss;
}

static void gradient_is_evaluates(void)
{
    make_rows();
    descent_model *m = net(DESCENT_OPT_SGD);
    int n = descent_model_param_count(m);
    float *grad = malloc(sizeof(float) * n);
    descent_layer_stats st[2];
    descent_error err;
    CHECK(descent_model_gradient_stats(m, X, Y, ROWS, st, grad, &err) == DESCENT_OK);
    float *w = descent_model_params(m);
    double kernel0 = 0.0;
    for (int k = 0; k < n; k++) {
        float keep = w[k], h = 1e-2f;
        w[k] = keep + h;
        double up = loss_of(m);
        w[k] = keep - h;
        double down = loss_of(m);
        w[k] = keep;
        double fd = (up - down) / (2.0 * h);
        CHECK_NEAR(grad[k], fd, 2e-3 * fabs(fd) + 2e-5);
        if (k < 8) kernel0 += fd * fd;
    }
    CHECK_CLOSE(st[0].kernel_grad_norm, sqrt(kernel0), 2e-3);
    CHECK(isnan(st[0].update_ratio) && isnan(st[0].dead_share));
    free(grad);
    descent_model_free(m);
}

static void update_ratio_is_the_last_step(void)
{
    make_rows();
    descent_model *m = net(DESCENT_OPT_ADAM);
    descent_error err;
    float loss;
    CHECK(descent_model_train_step(m, X, Y, 50, &loss, &err) == DESCENT_OK);
    float before[8];
    memcpy(before, descent_model_params(m), sizeof before);
    CHECK(descent_model_train_step(m, X + 100, Y + 50, 50, &loss, &err) == DESCENT_OK);
    const float *after = descent_model_params(m);
    double d2 = 0.0, w2 = 0.0;
    for (int k = 0; k < 8; k++) {
        d2 += (double)(after[k] - before[k]) * (after[k] - before[k]);
        w2 += (double)after[k] * after[k];
    }
    descent_layer_stats st[2];
    CHECK(descent_model_gradient_stats(m, X, Y, ROWS, st, NULL, &err) == DESCENT_OK);
    CHECK_CLOSE(st[0].update_ratio, sqrt(d2 / w2), 1e-3);
    descent_model_free(m);
}

static void range_test(void)
{
    make_rows();
    descent_model *m = net(DESCENT_OPT_SGD);
    descent_lr_find_options o = descent_lr_find_defaults();
    o.min_rate = 1e-3;
    o.max_rate = 1e4;
    o.steps = 200;
    o.batch_size = 10;
    double rates[200];
    float raw[200], smooth[200];
    descent_lr_find_result r;
    descent_error err;
    CHECK(descent_model_find_learning_rate(m, X, Y, ROWS, &o, rates, raw, smooth, &r, &err) == DESCENT_OK);
    CHECK(r.stopped_early && r.count > 10 && r.count < 200);
    for (int k = 1; k < r.count; k++) CHECK_CLOSE(rates[k] / rates[k - 1], pow(1e7, 1.0 / 199), 1e-9);
    int best = 0;
    for (int i = 1; i + 1 < r.count; i++)
        if ((double)smooth[i + 1] - smooth[i] < (double)smooth[best + 1] - smooth[best]) best = i;
    CHECK(r.suggested == best);
    o.steps = 1;
    CHECK(descent_model_find_learning_rate(m, X, Y, ROWS, &o, rates, raw, smooth, &r, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "steps must be in 2..");
    descent_model_free(m);
}

static void race_lane_is_a_fit(void)
{
    make_rows();
    descent_model *start = net(DESCENT_OPT_SGD);
    descent_optimizer_spec opts[2] = {descent_optimizer_defaults(DESCENT_OPT_MOMENTUM),
                                      descent_optimizer_defaults(DESCENT_OPT_RMSPROP)};
    int n = descent_model_param_count(start), epochs = 3;
    float initial, history[2 * 3];
    float *path = malloc(sizeof(float) * 2 * (epochs + 1) * n);
    descent_race_result res[2];
    descent_error err;
    CHECK(descent_model_race(start, opts, 2, X, Y, ROWS, epochs, 32, &initial, history, path, res, &err) ==
          DESCENT_OK);
    for (int i = 0; i < 2; i++) {
        descent_model *m = descent_model_clone(start, &err);
        descent_model_set_optimizer(m, &opts[i], &err);
        descent_fit_options f = descent_fit_defaults();
        f.epochs = epochs;
        descent_history h;
        CHECK(descent_model_fit(m, X, Y, ROWS, &f, &h, &err) == DESCENT_OK);
        CHECK(res[i].epochs == epochs && res[i].status == DESCENT_OK);
        for (int e = 0; e < epochs; e++) CHECK(history[i * epochs + e] == h.loss[e]);
        CHECK(memcmp(path + (size_t)(i * (epochs + 1) + epochs) * n, descent_model_params(m), sizeof(float) * n) == 0);
        CHECK(memcmp(path + (size_t)i * (epochs + 1) * n, descent_model_params(start), sizeof(float) * n) == 0);
        descent_history_free(&h);
        descent_model_free(m);
    }
    free(path);
    descent_model_free(start);
}

static void surface_and_plane(void)
{
    make_rows();
    descent_model *m = net(DESCENT_OPT_SGD);
    int n = descent_model_param_count(m);
    float *d1 = malloc(sizeof(float) * n), *d2 = malloc(sizeof(float) * n), loss[5 * 5];
    descent_error err;
    CHECK(descent_model_random_directions(m, 3, d1, d2, &err) == DESCENT_OK);
    descent_surface_grid g = {-1, 1, -0.5, 0.5, 5};
    CHECK(descent_model_loss_surface(m, X, Y, ROWS, d1, d2, &g, loss, &err) == DESCENT_OK);
    CHECK(loss[2 * 5 + 2] == (float)loss_of(m));
    float *w = descent_model_params(m), *theta = malloc(sizeof(float) * n);
    memcpy(theta, w, sizeof(float) * n);
    for (int k = 0; k < n; k++) w[k] = (theta[k] + 1.0f * d1[k]) + -0.25f * d2[k];
    CHECK(loss[1 * 5 + 4] == (float)loss_of(m));
    memcpy(w, theta, sizeof(float) * n);
    /* a path along d1 and d2 projects back onto its coefficients; its components are orthonormal */
    float *pts = malloc(sizeof(float) * 4 * n), coords[8];
    const float ab[4][2] = {{0, 0}, {0.5f, 0.1f}, {1, -0.2f}, {2, 0.3f}};
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < n; k++) pts[r * n + k] = theta[k] + ab[r][0] * d1[k] + ab[r][1] * d2[k];
    CHECK(descent_path_project(pts, 4, n, theta, d1, d2, coords, &err) == DESCENT_OK);
    for (int r = 0; r < 4; r++) {
        CHECK_NEAR(coords[2 * r], ab[r][0], 1e-4);
        CHECK_NEAR(coords[2 * r + 1], ab[r][1], 1e-4);
    }
    double var[2];
    CHECK(descent_path_pca(pts, 4, n, d1, d2, var, &err) == DESCENT_OK);
    double n1 = 0, n2 = 0, dot = 0;
    for (int k = 0; k < n; k++) {
        n1 += (double)d1[k] * d1[k];
        n2 += (double)d2[k] * d2[k];
        dot += (double)d1[k] * d2[k];
    }
    CHECK_NEAR(n1, 1.0, 1e-5);
    CHECK_NEAR(n2, 1.0, 1e-5);
    CHECK_NEAR(dot, 0.0, 1e-5);
    CHECK(var[0] >= var[1] && var[0] + var[1] <= 1.0 + 1e-9 && var[0] + var[1] > 0.999);
    g.resolution = 1;
    CHECK(descent_model_loss_surface(m, X, Y, ROWS, d1, d2, &g, loss, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "resolution must be in 2..1024");
    free(pts);
    free(theta);
    free(d1);
    free(d2);
    descent_model_free(m);
}

CHECK_MAIN(TEST(gradient_is_evaluates), TEST(update_ratio_is_the_last_step), TEST(range_test),
           TEST(race_lane_is_a_fit), TEST(surface_and_plane))
