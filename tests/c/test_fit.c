/* test_fit.c - fit's batching, shuffling, validation, early stopping,
 * callbacks and non-finite handling, checked against explicit step loops. */
#include "check.h"
#include "model.h"

#include <stdlib.h>

static descent_model *net(uint32_t seed, descent_optimizer_kind opt)
{
    descent_layer_spec layers[2] = {descent_layer(6, DESCENT_ACT_TANH), descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_optimizer_spec o = descent_optimizer_defaults(opt);
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_MSE, o, seed};
    return descent_model_create(&spec, NULL);
}

static void data(float *x, float *y, int n, uint32_t seed, float sign)
{
    rng r;
    rng_seed(&r, seed, 77);
    for (int i = 0; i < n; i++) {
        x[2 * i] = 2 * rng_uniform(&r) - 1;
        x[2 * i + 1] = 2 * rng_uniform(&r) - 1;
        y[i] = sign * (x[2 * i] - 0.5f * x[2 * i + 1]);
    }
}

static void test_unshuffled_fit_equals_step_loop(void)
{
    float x[20], y[10];
    data(x, y, 10, 1, 1);
    descent_model *a = net(3, DESCENT_OPT_ADAM), *b = net(3, DESCENT_OPT_ADAM);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 3;
    o.batch_size = 4;
    o.no_shuffle = 1;
    descent_history h;
    descent_error err;
    CHECK(descent_model_fit(a, x, y, 10, &o, &h, &err) == DESCENT_OK);
    CHECK(h.epochs == 3 && h.steps == 9);
    for (int e = 0; e < 3; e++) {
        double sum = 0.0;
        for (int start = 0; start < 10; start += 4) {
            int rows = start + 4 <= 10 ? 4 : 10 - start; /* 4, 4, then the partial batch of 2 */
            float loss;
            CHECK(descent_model_train_step(b, x + 2 * start, y + start, rows, &loss, &err) == DESCENT_OK);
            sum += (double)loss * rows;
        }
        CHECK_NEAR(h.loss[e], sum / 10, 1e-7);
        CHECK(isnan(h.val_loss[e]) && isnan(h.metric[e]));
    }
    CHECK(memcmp(a->params, b->params, sizeof(float) * a->n_params) == 0);
    descent_history_free(&h);
    descent_model_free(a);
    descent_model_free(b);
}

static void test_shuffling_is_seeded(void)
{
    float x[64], y[32];
    data(x, y, 32, 2, 1);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 2;
    o.batch_size = 5;
    o.shuffle_seed = 11;
    descent_model *a = net(1, DESCENT_OPT_SGD), *b = net(1, DESCENT_OPT_SGD), *c = net(1, DESCENT_OPT_SGD),
                  *d = net(1, DESCENT_OPT_SGD);
    CHECK(descent_model_fit(a, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(descent_model_fit(b, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, b->params, sizeof(float) * a->n_params) == 0);
    o.shuffle_seed = 12;
    CHECK(descent_model_fit(c, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, c->params, sizeof(float) * a->n_params) != 0);
    /* two fits of one epoch continue the model's stream: the same as one fit of two */
    o.shuffle_seed = 11;
    o.epochs = 1;
    CHECK(descent_model_fit(d, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    o.shuffle_seed = 0;
    CHECK(descent_model_fit(d, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, d->params, sizeof(float) * a->n_params) == 0);
    descent_model_free(a);
    descent_model_free(b);
    descent_model_free(c);
    descent_model_free(d);
}

static void test_validation_split_takes_the_last_rows(void)
{
    float x[16], y[8];
    data(x, y, 8, 3, 1);
    descent_model *a = net(5, DESCENT_OPT_SGD), *b = net(5, DESCENT_OPT_SGD);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 2;
    o.no_shuffle = 1;
    o.validation_split = 0.25f;
    descent_history h;
    CHECK(descent_model_fit(a, x, y, 8, &o, &h, NULL) == DESCENT_OK);
    float val;
    CHECK(descent_model_evaluate(a, x + 12, y + 6, 2, &val, NULL) == DESCENT_OK);
    CHECK(h.val_loss[1] == val);
    /* the same as training on the first 6 rows with the last 2 as separate validation data */
    o.validation_split = 0;
    o.val_x = x + 12;
    o.val_y = y + 6;
    o.val_n = 2;
    descent_history h2;
    CHECK(descent_model_fit(b, x, y, 6, &o, &h2, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, b->params, sizeof(float) * a->n_params) == 0);
    CHECK(h2.val_loss[1] == val);
    descent_history_free(&h);
    descent_history_free(&h2);
    descent_model_free(a);
    descent_model_free(b);
}

/* Validation targets of the opposite sign: the better the fit, the worse the
 * validation loss, so the best epoch is the first. */
static void test_early_stopping_restores_best(void)
{
    float x[64], y[32], vx[32], vy[16];
    data(x, y, 32, 4, 1);
    data(vx, vy, 16, 5, -1);
    descent_model *a = net(6, DESCENT_OPT_ADAM), *first = net(6, DESCENT_OPT_ADAM);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 50;
    o.batch_size = 8;
    o.shuffle_seed = 3;
    o.val_x = vx;
    o.val_y = vy;
    o.val_n = 16;
    o.patience = 3;
    o.restore_best = 1;
    descent_history h;
    CHECK(descent_model_fit(a, x, y, 32, &o, &h, NULL) == DESCENT_OK);
    CHECK(h.stopped_early == 1);
    CHECK(h.best_epoch == 0);
    CHECK(h.epochs == 4);
    o.epochs = 1;
    o.patience = 0;
    CHECK(descent_model_fit(first, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, first->params, sizeof(float) * a->n_params) == 0);
    descent_history_free(&h);
    descent_model_free(a);
    descent_model_free(first);
}

static int stop_at_epoch_2(const descent_history *h, void *user)
{
    (*(int *)user)++;
    return h->epochs == 3;
}

static int stop_at_batch_3(int epoch, int batch, float loss, void *user)
{
    (void)loss;
    return epoch == 1 && batch == 3;
}

static void test_callbacks_cancel(void)
{
    float x[64], y[32];
    data(x, y, 32, 6, 1);
    descent_model *a = net(7, DESCENT_OPT_SGD);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 10;
    o.batch_size = 4;
    int calls = 0;
    o.on_epoch = stop_at_epoch_2;
    o.user = &calls;
    descent_history h;
    CHECK(descent_model_fit(a, x, y, 32, &o, &h, NULL) == DESCENT_CANCELLED);
    CHECK(h.epochs == 3 && calls == 3);
    descent_history_free(&h);
    o.on_epoch = NULL;
    o.on_batch = stop_at_batch_3;
    CHECK(descent_model_fit(a, x, y, 32, &o, &h, NULL) == DESCENT_CANCELLED);
    CHECK(h.epochs == 1);
    CHECK(h.steps == 8 + 4); /* epoch 0 whole, then batches 0..3 of epoch 1 */
    descent_history_free(&h);
    descent_model_free(a);
}

static void test_nonfinite_stops_with_finite_weights(void)
{
    float x[64], y[32];
    data(x, y, 32, 7, 1000);
    descent_model *a = net(8, DESCENT_OPT_SGD);
    descent_model_set_learning_rate(a, 50.0, NULL);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 1000;
    o.batch_size = 32;
    descent_history h;
    descent_error err;
    CHECK(descent_model_fit(a, x, y, 32, &o, &h, &err) == DESCENT_ERR_NONFINITE);
    CHECK(h.epochs < 1000);
    CHECK_HAS(err.message, "not finite");
    for (size_t i = 0; i < a->n_params; i++) CHECK(isfinite(a->params[i]));
    for (int e = 0; e < h.epochs; e++) CHECK(isfinite(h.loss[e]));
    descent_history_free(&h);
    descent_model_free(a);
}

/* Everything training changes in a model, bit for bit: weights, optimizer
 * state, step count, Adam's β powers and the shuffle stream. */
static int same_training_state(const descent_model *a, const descent_model *b)
{
    return a->n_params == b->n_params && memcmp(a->params, b->params, sizeof(float) * a->n_params) == 0 &&
           memcmp(a->state[0], b->state[0], sizeof(float) * OPT_SLOTS * a->n_params) == 0 && a->t == b->t &&
           memcmp(&a->beta1_pow, &b->beta1_pow, sizeof(float)) == 0 &&
           memcmp(&a->beta2_pow, &b->beta2_pow, sizeof(float)) == 0 && a->shuffle.state == b->shuffle.state;
}

typedef struct raise_lr {
    descent_model *m;
    int after;      /* epochs */
    double lr;
} raise_lr;

static int raise_lr_after(const descent_history *h, void *user)
{
    raise_lr *r = user;
    if (h->epochs == r->after) descent_model_set_learning_rate(r->m, r->lr, NULL);
    return 0;
}

static const descent_optimizer_kind rollback_kinds[] = {DESCENT_OPT_SGD, DESCENT_OPT_MOMENTUM, DESCENT_OPT_NESTEROV,
                                                        DESCENT_OPT_ADAM, DESCENT_OPT_RMSPROP};

/* Three good epochs, then a vast rate: the run diverges, and the model
 * comes back as a three-epoch fit leaves it, optimizer and shuffle
 * stream included, so a lower rate trains on exactly as that model would. */
static void test_divergence_rolls_back_to_the_last_epoch(void)
{
    float x[64], y[32];
    data(x, y, 32, 12, 1);
    for (size_t k = 0; k < sizeof rollback_kinds / sizeof rollback_kinds[0]; k++) {
        descent_model *a = net(5, rollback_kinds[k]), *b = net(5, rollback_kinds[k]);
        double lr = descent_model_optimizer(a).learning_rate;
        /* adaptive optimizers step by about the rate, so only a vast one overflows */
        int adaptive = rollback_kinds[k] == DESCENT_OPT_ADAM || rollback_kinds[k] == DESCENT_OPT_RMSPROP;
        raise_lr r = {a, 3, adaptive ? 1e30 : 1e6};
        descent_fit_options o = descent_fit_defaults();
        o.epochs = 50;
        o.batch_size = 8;
        o.shuffle_seed = 9;
        o.on_epoch = raise_lr_after;
        o.user = &r;
        descent_history h;
        descent_error err;
        CHECK(descent_model_fit(a, x, y, 32, &o, &h, &err) == DESCENT_ERR_NONFINITE);
        /* the loss may end an epoch or two astronomically high but finite before it overflows */
        CHECK_MSG(h.epochs >= 3 && h.epochs <= 5, "%s: %d epochs", descent_optimizer_name(rollback_kinds[k]),
                  h.epochs);
        for (int e = 0; e < h.epochs; e++) CHECK(isfinite(h.loss[e]));
        CHECK(h.diverged_epoch == h.epochs && h.diverged_batch >= 0 && h.diverged_batch < 4 &&
              h.restored_epochs == 3);
        char where[64];
        snprintf(where, sizeof where, "epoch %d, batch %d of 4: ", h.epochs + 1, h.diverged_batch + 1);
        CHECK_HAS(err.message, where);
        CHECK_HAS(err.message, "rolled back to the end of epoch 3");
        CHECK_HAS(err.message, adaptive ? "the learning rate is 1e+30: try a lower one (1e+29, say)"
                                        : "the learning rate is 1e+06: try a lower one (100000, say)");
        descent_fit_options three = o;
        three.epochs = 3;
        three.on_epoch = NULL;
        CHECK(descent_model_fit(b, x, y, 32, &three, NULL, NULL) == DESCENT_OK);
        CHECK_MSG(same_training_state(a, b), "%s: the rolled-back model differs from three epochs' fit",
                  descent_optimizer_name(rollback_kinds[k]));
        /* a lower rate trains on, as the three-epoch model does */
        CHECK(descent_model_set_learning_rate(a, lr, NULL) == DESCENT_OK);
        descent_fit_options more = three;
        more.epochs = 5;
        more.shuffle_seed = 0;
        descent_history ha, hb;
        CHECK(descent_model_fit(a, x, y, 32, &more, &ha, &err) == DESCENT_OK);
        CHECK(descent_model_fit(b, x, y, 32, &more, &hb, &err) == DESCENT_OK);
        CHECK(ha.epochs == 5 && memcmp(ha.loss, hb.loss, sizeof(float) * 5) == 0);
        CHECK(ha.diverged_epoch == -1 && ha.restored_epochs == -1);
        CHECK(same_training_state(a, b));
        descent_history_free(&h);
        descent_history_free(&ha);
        descent_history_free(&hb);
        descent_model_free(a);
        descent_model_free(b);
    }
}

/* Diverging in the first epoch goes back to the state before the fit, the
 * shuffle stream included (shuffle_seed restarts it only for this fit). */
static void test_divergence_in_the_first_epoch_rolls_back_to_the_start(void)
{
    float x[64], y[32];
    data(x, y, 32, 13, 1);
    for (size_t k = 0; k < 3; k++) {
        descent_model *a = net(8, rollback_kinds[k]), *fresh = net(8, rollback_kinds[k]);
        CHECK(descent_model_set_learning_rate(a, 1e6, NULL) == DESCENT_OK);
        CHECK(descent_model_set_learning_rate(fresh, 1e6, NULL) == DESCENT_OK);
        descent_fit_options o = descent_fit_defaults();
        o.epochs = 10;
        o.batch_size = 8;
        o.shuffle_seed = 4;
        descent_history h;
        descent_error err;
        CHECK(descent_model_fit(a, x, y, 32, &o, &h, &err) == DESCENT_ERR_NONFINITE);
        CHECK(h.epochs == 0 && h.diverged_epoch == 0 && h.restored_epochs == 0);
        CHECK_HAS(err.message, "epoch 1, batch ");
        CHECK_HAS(err.message, "rolled back to where it was before epoch 1");
        CHECK(same_training_state(a, fresh));
        descent_history_free(&h);
        descent_model_free(a);
        descent_model_free(fresh);
    }
}

/* The trainer, one batch at a time, rolls back as fit does. */
static void test_trainer_rolls_back_as_fit_does(void)
{
    float x[64], y[32];
    data(x, y, 32, 14, 1);
    descent_model *a = net(2, DESCENT_OPT_MOMENTUM), *b = net(2, DESCENT_OPT_MOMENTUM);
    raise_lr ra = {a, 2, 1e6}, rb = {b, 2, 1e6};
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 20;
    o.batch_size = 5;
    o.shuffle_seed = 2;
    o.on_epoch = raise_lr_after;
    o.user = &ra;
    descent_history h;
    descent_error ea, eb;
    CHECK(descent_model_fit(a, x, y, 32, &o, &h, &ea) == DESCENT_ERR_NONFINITE);
    o.user = &rb;
    descent_trainer *t = descent_trainer_create(b, x, y, 32, &o, &eb);
    descent_status s;
    int runs = 0;
    while ((s = descent_trainer_run(t, 1, &eb)) == DESCENT_OK && !descent_trainer_done(t)) runs++;
    CHECK(s == DESCENT_ERR_NONFINITE && runs > 14);
    CHECK(descent_trainer_done(t));
    CHECK(strcmp(ea.message, eb.message) == 0);
    const descent_history *th = descent_trainer_history(t);
    CHECK(th->epochs == h.epochs && th->epochs == 2 && memcmp(th->loss, h.loss, sizeof(float) * 2) == 0);
    CHECK(th->diverged_epoch == h.diverged_epoch && th->diverged_batch == h.diverged_batch &&
          th->restored_epochs == 2);
    CHECK(same_training_state(a, b));
    descent_trainer_free(t);
    descent_history_free(&h);
    descent_model_free(a);
    descent_model_free(b);
}

/* A network on the diabetes data (inputs and target standardized), two
 * hidden relu layers of `units`; fresh is the same model again. */
static descent_dataset *diabetes_nets(descent_optimizer_kind kind, double lr, int units, descent_model **m,
                                      descent_model **fresh)
{
    descent_error err;
    descent_dataset *d = descent_csv_read_file(DESCENT_DATA_DIR "/diabetes.csv", NULL, &err);
    CHECK(d != NULL);
    if (!d) return NULL;
    float mean[16], sd[16], ym, ys;
    CHECK(descent_standardize_fit(d->x, d->n, d->features, mean, sd, &err) == DESCENT_OK);
    CHECK(descent_standardize_fit(d->y, d->n, 1, &ym, &ys, &err) == DESCENT_OK);
    descent_layer_spec layers[3] = {descent_layer(units, DESCENT_ACT_RELU), descent_layer(units, DESCENT_ACT_RELU),
                                    descent_layer(1, DESCENT_ACT_LINEAR)};
    descent_optimizer_spec opt = descent_optimizer_defaults(kind);
    opt.learning_rate = lr;
    descent_model_spec spec = {d->features, 3, layers, DESCENT_LOSS_MSE, opt, 1};
    descent_model **both[2] = {m, fresh};
    for (int i = 0; i < 2; i++) {
        *both[i] = descent_model_create(&spec, &err);
        CHECK(descent_model_set_input_scaler(*both[i], mean, sd, &err) == DESCENT_OK);
        CHECK(descent_model_set_target_scaler(*both[i], &ym, &ys, &err) == DESCENT_OK);
    }
    return d;
}

static float max_abs_weight(const descent_model *m)
{
    float top = 0.0f;
    for (size_t i = 0; i < m->n_params; i++) top = fmaxf(top, fabsf(m->params[i]));
    return top;
}

/* The diabetes network with Nesterov at a rate of 0.7: every epoch ends with
 * a finite loss, climbing from 8e22 to 5e37 with weights near 1e21, until the
 * 16th overflows. Rolling back to the last finite epoch would keep those
 * weights; the rollback goes to before the climb instead, and a tenth of the
 * rate trains on from there. */
static void test_a_climbing_loss_rolls_back_to_before_the_climb(void)
{
    descent_model *m, *fresh;
    descent_dataset *d = diabetes_nets(DESCENT_OPT_NESTEROV, 0.7, 10, &m, &fresh);
    if (!d) return;
    descent_error err;
    float start;
    CHECK(descent_model_evaluate(m, d->x, d->y, d->n, &start, &err) == DESCENT_OK);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 100;
    descent_history h;
    CHECK(descent_model_fit(m, d->x, d->y, d->n, &o, &h, &err) == DESCENT_ERR_NONFINITE);
    CHECK_MSG(h.epochs >= 5 && h.loss[0] > 1e20f, "%d epochs, the first at %g", h.epochs, (double)h.loss[0]);
    CHECK(h.restored_epochs == 0 && h.diverged_epoch == h.epochs);
    CHECK_HAS(err.message, "rolled back to where it was before epoch 1, before the loss climbed to");
    CHECK_HAS(err.message, "the learning rate is 0.7: try a lower one (0.07, say)");
    CHECK(same_training_state(m, fresh));
    CHECK_MSG(max_abs_weight(m) < 1.0f, "max |w| %g after the rollback", (double)max_abs_weight(m));
    descent_history_free(&h);
    CHECK(descent_model_set_learning_rate(m, 0.07, &err) == DESCENT_OK);
    o.epochs = 30;
    CHECK(descent_model_fit(m, d->x, d->y, d->n, &o, &h, &err) == DESCENT_OK);
    for (int e = 0; e < h.epochs; e++) CHECK(isfinite(h.loss[e]));
    float end;
    CHECK(descent_model_evaluate(m, d->x, d->y, d->n, &end, &err) == DESCENT_OK);
    CHECK_MSG(end < 0.5f * start, "loss %g after 30 epochs at 0.07, %g at the start", (double)end, (double)start);
    descent_history_free(&h);
    descent_model_free(m);
    descent_model_free(fresh);
    descent_dataset_free(d);
}

/* Full batch, SGD at 2: an epoch is one step, so its loss is that of the
 * weights it started with; the last update can leave the weights a hundred
 * times worse while the epoch's loss looked fine. The next epoch's first loss
 * measures them, so the model comes back with a loss like the start's. */
static void test_full_batch_rolls_back_to_weights_its_next_loss_measured(void)
{
    descent_model *m, *fresh;
    descent_dataset *d = diabetes_nets(DESCENT_OPT_SGD, 2.0, 16, &m, &fresh);
    if (!d) return;
    descent_error err;
    float start, back;
    CHECK(descent_model_evaluate(m, d->x, d->y, d->n, &start, &err) == DESCENT_OK);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 100;
    o.batch_size = d->n;
    descent_history h;
    CHECK(descent_model_fit(m, d->x, d->y, d->n, &o, &h, &err) == DESCENT_ERR_NONFINITE);
    CHECK_MSG(h.epochs >= 2 && h.restored_epochs < h.epochs, "%d epochs, rolled back to %d", h.epochs,
              h.restored_epochs);
    CHECK(descent_model_evaluate(m, d->x, d->y, d->n, &back, &err) == DESCENT_OK);
    CHECK_MSG(back <= 10.0f * start, "loss %g after the rollback to epoch %d, %g at the start", (double)back,
              h.restored_epochs, (double)start);
    if (h.restored_epochs == 0) CHECK(same_training_state(m, fresh));
    descent_history_free(&h);
    descent_model_free(m);
    descent_model_free(fresh);
    descent_dataset_free(d);
}

static void test_option_errors(void)
{
    float x[4] = {0, 0, 1, 1}, y[2] = {0, 1};
    descent_model *a = net(1, DESCENT_OPT_SGD);
    descent_fit_options o = descent_fit_defaults();
    descent_error err;
    o.epochs = 0;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "epochs must be in 1..");
    /* One epoch limit for fit, tuning and the CLI: DESCENT_MAX_EPOCHS. */
    o.epochs = DESCENT_MAX_EPOCHS + 1;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "epochs must be in 1..1000000 (got 1000001)");
    o = descent_fit_defaults();
    o.batch_size = 0;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "batch_size must be >= 1 (got 0)");
    o = descent_fit_defaults();
    o.validation_split = 1.0f;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "validation_split must be in [0, 1) (got 1)");
    o.validation_split = 0.6f; /* floor(2 · 0.4) = 0 rows left to train on */
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "both need at least 1");
    o = descent_fit_defaults();
    o.patience = -1;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "patience must be in 0..1000000 (got -1)");
    o.patience = DESCENT_MAX_EPOCHS + 1;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    o = descent_fit_defaults();
    o.val_n = 3;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "validation data needs val_x, val_y");
    o = descent_fit_defaults();
    x[3] = INFINITY;
    CHECK(descent_model_fit(a, x, y, 2, &o, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "x[1][1] is infinite");
    descent_model_free(a);
}

static void test_accuracy_in_history(void)
{
    descent_layer_spec layers[2] = {descent_layer(8, DESCENT_ACT_TANH), descent_layer(1, DESCENT_ACT_SIGMOID)};
    descent_model_spec spec = {2, 2, layers, DESCENT_LOSS_BINARY_CROSSENTROPY,
                               descent_optimizer_defaults(DESCENT_OPT_ADAM), 2};
    spec.optimizer.learning_rate = 0.05;
    descent_model *m = descent_model_create(&spec, NULL);
    float x[200], y[100];
    rng r;
    rng_seed(&r, 1, 1);
    for (int i = 0; i < 100; i++) {
        x[2 * i] = 2 * rng_uniform(&r) - 1;
        x[2 * i + 1] = 2 * rng_uniform(&r) - 1;
        y[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1.0f : 0.0f;
    }
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 60;
    o.batch_size = 10;
    o.validation_split = 0.2f;
    descent_history h;
    CHECK(descent_model_fit(m, x, y, 100, &o, &h, NULL) == DESCENT_OK);
    CHECK(h.metric[59] > 0.95f && h.val_metric[59] > 0.9f);
    CHECK(h.loss[59] < h.loss[0]);
    descent_history_free(&h);
    descent_model_free(m);
}

/* A trainer run in pieces of any size gives fit's history and weights exactly. */
static void test_trainer_in_pieces_equals_fit(void)
{
    float x[74 * 2], y[74], vx[20], vy[10];
    data(x, y, 74, 9, 1);
    data(vx, vy, 10, 10, 1);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 6;
    o.batch_size = 8; /* 74 rows: 9 full batches and one of 2 */
    o.shuffle_seed = 5;
    o.val_x = vx;
    o.val_y = vy;
    o.val_n = 10;
    descent_model *a = net(4, DESCENT_OPT_ADAM), *b = net(4, DESCENT_OPT_ADAM);
    descent_history h;
    descent_error err;
    CHECK(descent_model_fit(a, x, y, 74, &o, &h, &err) == DESCENT_OK);
    descent_trainer *t = descent_trainer_create(b, x, y, 74, &o, &err);
    CHECK(t != NULL);
    int epoch, batch, per;
    descent_trainer_position(t, &epoch, &batch, &per);
    CHECK(epoch == 0 && batch == 0 && per == 10);
    static const long pieces[] = {1, 3, 7, 10, 2, 19, 1, 1, 100};
    for (size_t i = 0; !descent_trainer_done(t); i = (i + 1) % 9)
        CHECK(descent_trainer_run(t, pieces[i], &err) == DESCENT_OK);
    const descent_history *th = descent_trainer_history(t);
    CHECK(th->epochs == 6 && th->steps == 60);
    CHECK(memcmp(th->loss, h.loss, sizeof(float) * 6) == 0);
    CHECK(memcmp(th->val_loss, h.val_loss, sizeof(float) * 6) == 0);
    CHECK(memcmp(a->params, b->params, sizeof(float) * a->n_params) == 0);
    descent_trainer_free(t);
    descent_history_free(&h);
    descent_model_free(a);
    descent_model_free(b);
}

static void test_trainer_stop_and_position(void)
{
    float x[64], y[32], vx[32], vy[16];
    data(x, y, 32, 4, 1);
    data(vx, vy, 16, 5, -1);
    descent_model *a = net(6, DESCENT_OPT_ADAM), *first = net(6, DESCENT_OPT_ADAM);
    descent_fit_options o = descent_fit_defaults();
    o.epochs = 50;
    o.batch_size = 8;
    o.shuffle_seed = 3;
    o.val_x = vx;
    o.val_y = vy;
    o.val_n = 16;
    o.patience = 10;
    o.restore_best = 1;
    descent_error err;
    descent_trainer *t = descent_trainer_create(a, x, y, 32, &o, &err);
    CHECK(descent_trainer_run(t, 6, &err) == DESCENT_OK); /* epoch 0 and half of epoch 1 */
    int epoch, batch;
    descent_trainer_position(t, &epoch, &batch, NULL);
    CHECK(epoch == 1 && batch == 2);
    CHECK(!descent_trainer_done(t));
    descent_trainer_stop(t); /* the best epoch (the first) comes back */
    CHECK(descent_trainer_done(t));
    CHECK(descent_trainer_run(t, 5, &err) == DESCENT_OK);
    CHECK(descent_trainer_history(t)->steps == 6);
    o.epochs = 1;
    o.patience = 0;
    CHECK(descent_model_fit(first, x, y, 32, &o, NULL, NULL) == DESCENT_OK);
    CHECK(memcmp(a->params, first->params, sizeof(float) * a->n_params) == 0);
    descent_trainer_free(t);
    o.epochs = 0;
    CHECK(descent_trainer_create(a, x, y, 32, &o, &err) == NULL);
    CHECK_HAS(err.message, "epochs must be in 1..");
    CHECK(descent_model_fit(a, x, y, 32, &o, NULL, NULL) == DESCENT_ERR_ARGUMENT);
    descent_model_free(a);
    descent_model_free(first);
}

CHECK_MAIN(TEST(test_trainer_in_pieces_equals_fit), TEST(test_trainer_stop_and_position), TEST(test_unshuffled_fit_equals_step_loop), TEST(test_shuffling_is_seeded),
           TEST(test_validation_split_takes_the_last_rows), TEST(test_early_stopping_restores_best),
           TEST(test_callbacks_cancel), TEST(test_nonfinite_stops_with_finite_weights),
           TEST(test_divergence_rolls_back_to_the_last_epoch),
           TEST(test_divergence_in_the_first_epoch_rolls_back_to_the_start),
           TEST(test_trainer_rolls_back_as_fit_does), TEST(test_a_climbing_loss_rolls_back_to_before_the_climb),
           TEST(test_full_batch_rolls_back_to_weights_its_next_loss_measured), TEST(test_option_errors),
           TEST(test_accuracy_in_history))
