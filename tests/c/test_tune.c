/* test_tune.c - hyper-parameter search: folds and test split, grid and random
 * configurations, the winner found, determinism whatever the order,
 * cancellation, and the errors. */
#include "check.h"
#include "descent_tune.h"

#include <stdlib.h>

/* A data set whose first feature is the row's id, so subsets can be traced. */
static descent_dataset *with_ids(descent_generator kind, int n, uint32_t seed)
{
    descent_error err;
    descent_dataset *g = descent_dataset_generate(kind, n, 0.1f, seed, &err);
    CHECK(g != NULL);
    if (!g) return NULL;
    descent_dataset *d = descent_dataset_create(g->n, g->features + 1, g->outputs, g->classes, &err);
    CHECK(d != NULL);
    if (!d) {
        descent_dataset_free(g);
        return NULL;
    }
    for (int i = 0; i < g->n; i++) {
        d->x[i * d->features] = (float)i;
        for (int j = 0; j < g->features; j++) d->x[i * d->features + 1 + j] = g->x[i * g->features + j];
        for (int j = 0; j < g->outputs; j++) d->y[i * g->outputs + j] = g->y[i * g->outputs + j];
        if (g->labels) d->labels[i] = g->labels[i];
    }
    descent_dataset_free(g);
    return d;
}

/* ------------------------------------------------------------- folds */

static void test_folds_partition(void)
{
    enum { N = 157 };
    descent_dataset *d = with_ids(DESCENT_DATA_GAUSSIAN, N, 4);
    if (!d) return;
    /* Skew the classes, so stratification has something to keep. */
    for (int i = 0; i < N; i++) {
        int c = i % 5 == 0;
        d->labels[i] = c;
        d->y[i] = (float)c;
    }
    for (int k = 2; k <= 10; k += 4) {
        for (int with_test = 0; with_test <= 1; with_test++) {
            descent_search_spec sp = descent_search_defaults();
            sp.folds = k;
            sp.test_fraction = with_test ? 0.2f : 0.0f;
            sp.seed = (uint32_t)(11 + k);
            descent_error err;
            descent_search *s = descent_search_create(d, &sp, &err);
            CHECK_MSG(s != NULL, "%s", err.message);
            if (!s) continue;
            const descent_dataset *tr = descent_search_train_data(s), *te = descent_search_test_data(s);
            CHECK(descent_search_train_rows(s) + descent_search_test_rows(s) == N);
            CHECK((te != NULL) == with_test);
            if (with_test) CHECK(descent_search_test_rows(s) == 31);   /* round(0.2 · 157) */
            /* Every row lands once: in the test rows or in exactly one fold. */
            int seen[N] = {0};
            const int *fold = descent_search_folds(s);
            int size[DESCENT_TUNE_MAX_FOLDS] = {0}, pos[DESCENT_TUNE_MAX_FOLDS] = {0};
            int total_pos = 0;
            for (int i = 0; i < tr->n; i++) {
                int id = (int)tr->x[i * tr->features];
                CHECK(id >= 0 && id < N);
                if (id >= 0 && id < N) seen[id]++;
                CHECK(fold[i] >= 0 && fold[i] < k);
                if (fold[i] < 0 || fold[i] >= k) continue;
                size[fold[i]]++;
                pos[fold[i]] += tr->labels[i];
                total_pos += tr->labels[i];
            }
            for (int i = 0; te && i < te->n; i++) {
                int id = (int)te->x[i * te->features];
                if (id >= 0 && id < N) seen[id]++;
            }
            for (int i = 0; i < N; i++) CHECK_MSG(seen[i] == 1, "row %d seen %d times (k %d)", i, seen[i], k);
            int held = 0;
            for (int f = 0; f < k; f++) held += size[f];
            CHECK(held == tr->n);
            /* Stratified: each fold's count of the rare class is within one
             * sample of its share, and so is the common class's. */
            for (int f = 0; f < k; f++) {
                double want_pos = (double)total_pos / k, want_neg = (double)(tr->n - total_pos) / k;
                CHECK_MSG(fabs(pos[f] - want_pos) < 1.0, "fold %d has %d of class 1, share %.2f", f, pos[f],
                          want_pos);
                CHECK_MSG(fabs((size[f] - pos[f]) - want_neg) < 1.0, "fold %d has %d of class 0, share %.2f", f,
                          size[f] - pos[f], want_neg);
            }
            /* The test split is stratified too: 1 in 5 of the 157 rows is class 1. */
            if (te) {
                int tp = 0;
                for (int i = 0; i < te->n; i++) tp += te->labels[i];
                CHECK(abs(tp - 6) <= 1);
            }
            descent_search_free(s);
        }
    }
    descent_dataset_free(d);
}

/* ------------------------------------------------------------ layers */

static void test_layers(void)
{
    descent_tune_layers l;
    descent_error err;
    char buf[64];
    CHECK(descent_tune_layers_parse("16,16", &l, &err) == DESCENT_OK);
    CHECK(l.count == 2 && l.units[0] == 16 && l.units[1] == 16);
    descent_tune_layers_format(&l, buf, sizeof buf);
    CHECK(strcmp(buf, "16x16") == 0);
    CHECK(descent_tune_layers_parse("32x8x4", &l, &err) == DESCENT_OK);
    CHECK(l.count == 3 && l.units[2] == 4);
    CHECK(descent_tune_layers_parse("none", &l, &err) == DESCENT_OK);
    CHECK(l.count == 0);
    descent_tune_layers_format(&l, buf, sizeof buf);
    CHECK(strcmp(buf, "none") == 0);
    CHECK(descent_tune_layers_parse("8", &l, &err) == DESCENT_OK);
    CHECK(l.count == 1 && l.units[0] == 8);
    CHECK(descent_tune_layers_parse("8,,4", &l, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "'8,,4'");
    CHECK(descent_tune_layers_parse("0", &l, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "1..1000000");
    CHECK(descent_tune_layers_parse("8;4", &l, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "';'");
    CHECK(descent_tune_layers_parse("1x1x1x1x1x1x1x1x1", &l, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "at most 8");
}

/* -------------------------------------------------------------- grid */

static void test_grid_order(void)
{
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_LINE, 40, 0.1f, 1, NULL);
    if (!d) return;
    double lrs[] = {0.1, 0.01, 0.001};
    double opts[] = {DESCENT_OPT_SGD, DESCENT_OPT_ADAM};
    descent_tune_layers layers[2];
    descent_tune_layers_parse("none", &layers[0], NULL);
    descent_tune_layers_parse("4x4", &layers[1], NULL);
    descent_tune_axis axes[] = {
        {DESCENT_TUNE_LEARNING_RATE, 3, lrs, NULL, 0, 0},
        {DESCENT_TUNE_OPTIMIZER, 2, opts, NULL, 0, 0},
        {DESCENT_TUNE_LAYERS, 2, NULL, layers, 0, 0},
    };
    descent_search_spec sp = descent_search_defaults();
    sp.n_axes = 3;
    sp.axes = axes;
    descent_error err;
    descent_search *s = descent_search_create(d, &sp, &err);
    CHECK_MSG(s != NULL, "%s", err.message);
    if (!s) return;
    CHECK(descent_search_count(s) == 12);
    descent_tune_config c;
    /* The first axis varies slowest, the last fastest. */
    for (int i = 0; i < 12; i++) {
        CHECK(descent_search_config(s, i, &c, &err) == DESCENT_OK);
        CHECK(c.learning_rate == lrs[i / 4]);
        CHECK((double)c.optimizer == opts[(i / 2) % 2]);
        CHECK(c.layers.count == (i % 2 ? 2 : 0));
        CHECK(c.epochs == 100 && c.batch_size == 32 && c.activation == DESCENT_ACT_RELU);
    }
    CHECK(descent_search_config(s, 12, &c, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "0..11");
    descent_search_free(s);

    /* Without learning rates on an axis, each optimizer gets its default. */
    sp.n_axes = 1;
    sp.axes = &axes[1];
    s = descent_search_create(d, &sp, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK(descent_search_config(s, 0, &c, &err) == DESCENT_OK);
        CHECK(c.learning_rate == 0.01);
        CHECK(descent_search_config(s, 1, &c, &err) == DESCENT_OK);
        CHECK(c.learning_rate == 0.001);
        descent_search_free(s);
    }
    descent_dataset_free(d);
}

/* ------------------------------------------------------------ random */

static void test_random_draws(void)
{
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_LINE, 40, 0.1f, 1, NULL);
    if (!d) return;
    double acts[] = {DESCENT_ACT_RELU, DESCENT_ACT_TANH};
    descent_tune_axis axes[] = {
        {DESCENT_TUNE_LEARNING_RATE, 0, NULL, NULL, 1e-4, 1e-1},
        {DESCENT_TUNE_BATCH_SIZE, 0, NULL, NULL, 8, 12},
        {DESCENT_TUNE_ACTIVATION, 2, acts, NULL, 0, 0},
        {DESCENT_TUNE_L2, 0, NULL, NULL, 1e-6, 1e-2},
    };
    descent_search_spec sp = descent_search_defaults();
    sp.mode = DESCENT_SEARCH_RANDOM;
    sp.n_axes = 4;
    sp.axes = axes;
    sp.draws = 300;
    sp.seed = 5;
    descent_error err;
    descent_search *s = descent_search_create(d, &sp, &err);
    CHECK_MSG(s != NULL, "%s", err.message);
    sp.draws = 10;
    descent_search *few = descent_search_create(d, &sp, &err);
    sp.seed = 6;
    descent_search *other = descent_search_create(d, &sp, &err);
    if (!s || !few || !other) goto done;
    CHECK(descent_search_count(s) == 300);
    int decade[3] = {0, 0, 0}, batch[5] = {0}, tanh_count = 0, same_as_other = 0;
    for (int i = 0; i < 300; i++) {
        descent_tune_config c, c2;
        descent_search_config(s, i, &c, &err);
        CHECK(c.learning_rate >= 1e-4 && c.learning_rate <= 1e-1);
        CHECK(c.l2 >= 1e-6 && c.l2 <= 1e-2);
        CHECK(c.batch_size >= 8 && c.batch_size <= 12);
        if (c.learning_rate < 1e-3) decade[0]++;
        else if (c.learning_rate < 1e-2) decade[1]++;
        else decade[2]++;
        if (c.batch_size >= 8 && c.batch_size <= 12) batch[c.batch_size - 8]++;
        tanh_count += c.activation == DESCENT_ACT_TANH;
        /* Configuration i is the same draw however many are drawn. */
        if (i < 10) {
            descent_search_config(few, i, &c2, &err);
            CHECK(memcmp(&c, &c2, sizeof c) == 0);
            descent_search_config(other, i, &c2, &err);
            same_as_other += c.learning_rate == c2.learning_rate;
        }
    }
    /* Log-uniform: about 100 per decade; uniform: about 60 per batch size. */
    for (int k = 0; k < 3; k++) CHECK_MSG(decade[k] > 70 && decade[k] < 130, "decade %d has %d draws", k, decade[k]);
    for (int k = 0; k < 5; k++) CHECK_MSG(batch[k] > 35 && batch[k] < 85, "batch %d drawn %d times", k + 8, batch[k]);
    CHECK(tanh_count > 120 && tanh_count < 180);
    CHECK(same_as_other < 3);
done:
    descent_search_free(s);
    descent_search_free(few);
    descent_search_free(other);
    descent_dataset_free(d);
}

/* ------------------------------------------------ the learning rate that wins */

static void test_winner(void)
{
    /* y = 3x + noise: SGD on a linear unit. 1e-5 barely moves in 20 epochs,
     * 0.1 fits, 1000 diverges. */
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_LINE, 200, 0.1f, 3, NULL);
    if (!d) return;
    double lrs[] = {1e-5, 0.1, 1000};
    descent_tune_axis axis = {DESCENT_TUNE_LEARNING_RATE, 3, lrs, NULL, 0, 0};
    descent_search_spec sp = descent_search_defaults();
    sp.n_axes = 1;
    sp.axes = &axis;
    sp.base.optimizer = DESCENT_OPT_SGD;
    sp.base.layers.count = 0;
    sp.base.epochs = 20;
    sp.base.batch_size = 16;
    sp.metric = DESCENT_METRIC_R2;
    sp.test_fraction = 0.2f;
    descent_error err;
    descent_search *s = descent_search_create(d, &sp, &err);
    CHECK_MSG(s != NULL, "%s", err.message);
    if (!s) goto done;
    CHECK_MSG(descent_search_run(s, &err) == DESCENT_OK, "%s", err.message);
    const descent_tune_result *slow = descent_search_result(s, 0), *good = descent_search_result(s, 1),
                              *wild = descent_search_result(s, 2);
    CHECK(slow && good && wild);
    if (!slow || !good || !wild) goto done;
    CHECK(descent_search_best(s) == 1);
    CHECK_MSG(good->mean > 0.95, "lr 0.1: R² %g", good->mean);
    CHECK_MSG(slow->mean < 0.5, "lr 1e-5: R² %g", slow->mean);
    CHECK(good->std < 0.05);
    CHECK(slow->diverged == 0 && good->diverged == 0);
    CHECK(wild->diverged > 0 && isnan(wild->mean));
    CHECK(good->folds == 5 && good->time_ms >= 0);
    for (int f = 0; f < 5; f++) CHECK(good->scores[f] > 0.9);
    int order[3];
    CHECK(descent_search_rank(s, order) == 3);
    CHECK(order[0] == 1 && order[1] == 0 && order[2] == 2);

    /* The winner retrained on the 160 training rows, scored on the 40 held out. */
    descent_tune_test t;
    descent_model *m = NULL;
    CHECK_MSG(descent_search_refit(s, 1, &t, &m, &err) == DESCENT_OK, "%s", err.message);
    CHECK(t.train_rows == 160 && t.test_rows == 40);
    CHECK_MSG(t.score > 0.95 && t.score == t.metrics.r2, "test R² %g", t.score);
    CHECK(m != NULL && descent_model_inputs(m) == 1);
    descent_model_free(m);

    /* Loss as the metric: lower wins, the same configuration. */
    sp.metric = DESCENT_METRIC_LOSS;
    descent_search_free(s);
    s = descent_search_create(d, &sp, &err);
    if (s && descent_search_run(s, &err) == DESCENT_OK) CHECK(descent_search_best(s) == 1);
done:
    descent_search_free(s);
    descent_dataset_free(d);
}

/* ------------------------------------------------------------ determinism */

static int same_result(const descent_tune_result *a, const descent_tune_result *b)
{
    if (!a || !b || a->folds != b->folds || a->index != b->index || a->diverged != b->diverged) return 0;
    if (memcmp(&a->config, &b->config, sizeof a->config) != 0) return 0;
    for (int f = 0; f < a->folds; f++)
        if (memcmp(&a->scores[f], &b->scores[f], sizeof(double)) != 0) return 0;
    return memcmp(&a->mean, &b->mean, sizeof(double)) == 0 && memcmp(&a->std, &b->std, sizeof(double)) == 0;
}

static descent_search *small_search(const descent_dataset *d, uint32_t seed, int curves)
{
    static double lrs[] = {0.003, 0.03};
    static double batches[] = {8, 0};
    static descent_tune_layers layers[2];
    descent_tune_layers_parse("4", &layers[0], NULL);
    descent_tune_layers_parse("none", &layers[1], NULL);
    static descent_tune_axis axes[3];
    axes[0] = (descent_tune_axis){DESCENT_TUNE_LEARNING_RATE, 2, lrs, NULL, 0, 0};
    axes[1] = (descent_tune_axis){DESCENT_TUNE_BATCH_SIZE, 2, batches, NULL, 0, 0};
    axes[2] = (descent_tune_axis){DESCENT_TUNE_LAYERS, 2, NULL, layers, 0, 0};
    descent_search_spec sp = descent_search_defaults();
    sp.n_axes = 3;
    sp.axes = axes;
    sp.base.epochs = 6;
    sp.folds = 3;
    sp.metric = DESCENT_METRIC_ACCURACY;
    sp.seed = seed;
    sp.curves = curves;
    descent_error err;
    descent_search *s = descent_search_create(d, &sp, &err);
    CHECK_MSG(s != NULL, "%s", err.message);
    return s;
}

static void test_determinism(void)
{
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_SPIRAL, 90, 0.1f, 2, NULL);
    if (!d) return;
    descent_search *a = small_search(d, 7, 0), *b = small_search(d, 7, 1), *c = small_search(d, 8, 0);
    descent_error err;
    if (!a || !b || !c) goto done;
    int n = descent_search_count(a);
    CHECK(n == 8);
    CHECK(descent_search_run(a, &err) == DESCENT_OK);
    /* The same configurations in reverse order (and with curves kept) give the same results. */
    for (int i = n - 1; i >= 0; i--) CHECK(descent_search_evaluate(b, i, &err) == DESCENT_OK);
    CHECK(descent_search_run(c, &err) == DESCENT_OK);
    int differ = 0;
    for (int i = 0; i < n; i++) {
        CHECK_MSG(same_result(descent_search_result(a, i), descent_search_result(b, i)), "configuration %d", i);
        differ += !same_result(descent_search_result(a, i), descent_search_result(c, i));
    }
    CHECK_MSG(differ > 0, "another seed gave the same results");
    /* Evaluating again gives the same result. */
    descent_tune_result before = *descent_search_result(a, 3);
    CHECK(descent_search_evaluate(a, 3, &err) == DESCENT_OK);
    CHECK(same_result(&before, descent_search_result(a, 3)));

    /* One configuration alone, by index, matches the search's (no test split here). */
    descent_tune_config cfg;
    descent_search_config(a, 5, &cfg, &err);
    descent_cv_options o = descent_cv_defaults();
    o.folds = 3;
    o.metric = DESCENT_METRIC_ACCURACY;
    o.seed = 7;
    o.index = 5;
    descent_tune_result alone;
    CHECK(descent_cross_validate(d, &cfg, &o, &alone, &err) == DESCENT_OK);
    CHECK(same_result(&alone, descent_search_result(a, 5)));
    o.index = 4;
    CHECK(descent_cross_validate(d, &cfg, &o, &alone, &err) == DESCENT_OK);
    CHECK(!same_result(&alone, descent_search_result(a, 5)));

    /* Curves: one row per fold, the training loss finite, and per-epoch held-out losses. */
    const float *tl, *vl;
    int epochs;
    CHECK(descent_search_curves(b, 2, &tl, &vl, &epochs, &err) == DESCENT_OK);
    CHECK(epochs == 6);
    for (int i = 0; i < 3 * 6; i++) CHECK(isfinite(tl[i]) && isfinite(vl[i]) && tl[i] > 0);
    CHECK(descent_search_curves(a, 2, &tl, &vl, &epochs, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "curves");
done:
    descent_search_free(a);
    descent_search_free(b);
    descent_search_free(c);
    descent_dataset_free(d);
}

/* ------------------------------------------------------------ cancel */

typedef struct counter {
    int batches, epochs, folds, configs, cancel_at_batch, cancel_at_config, last_index;
} counter;

static int count_events(const descent_tune_progress *p, void *user)
{
    counter *c = user;
    c->last_index = p->index;
    switch (p->event) {
    case DESCENT_TUNE_BATCH: return ++c->batches == c->cancel_at_batch;
    case DESCENT_TUNE_EPOCH: c->epochs++; return 0;
    case DESCENT_TUNE_FOLD: c->folds++; return 0;
    case DESCENT_TUNE_CONFIG: return ++c->configs == c->cancel_at_config;
    }
    return 0;
}

static void test_cancel(void)
{
    descent_dataset *d = descent_dataset_generate(DESCENT_DATA_SPIRAL, 90, 0.1f, 2, NULL);
    if (!d) return;
    descent_error err;
    counter c = {0, 0, 0, 0, 0, 0, -1};
    descent_search *s = small_search(d, 7, 0);
    if (!s) goto done;
    /* All events: 8 configurations × 3 folds × 6 epochs. */
    descent_search_set_callback(s, count_events, &c);
    CHECK(descent_search_evaluate(s, 0, &err) == DESCENT_OK);
    CHECK(c.epochs == 18 && c.folds == 3 && c.configs == 1);
    CHECK(c.batches == 3 * 6 * 8);    /* 60 training rows in batches of 8 */

    /* Cancel at the 50th batch of a run: nothing trains after it. */
    c = (counter){0, 0, 0, 0, 50, 0, -1};
    descent_search_free(s);
    s = small_search(d, 7, 0);
    descent_search_set_callback(s, count_events, &c);
    CHECK(descent_search_run(s, &err) == DESCENT_CANCELLED);
    CHECK(c.batches == 50);
    CHECK(descent_search_result(s, 0) == NULL);
    /* Resuming finishes the rest, with results as if never interrupted. */
    c.cancel_at_batch = -1;
    CHECK(descent_search_run(s, &err) == DESCENT_OK);
    descent_search *ref = small_search(d, 7, 0);
    if (ref && descent_search_run(ref, &err) == DESCENT_OK)
        for (int i = 0; i < 8; i++) CHECK(same_result(descent_search_result(s, i), descent_search_result(ref, i)));
    descent_search_free(ref);

    /* Cancel at a configuration's end: it keeps its result, the next never starts. */
    c = (counter){0, 0, 0, 0, 0, 2, -1};
    descent_search_free(s);
    s = small_search(d, 7, 0);
    descent_search_set_callback(s, count_events, &c);
    CHECK(descent_search_run(s, &err) == DESCENT_CANCELLED);
    CHECK(descent_search_result(s, 1) != NULL && descent_search_result(s, 2) == NULL);
    CHECK(c.last_index == 1);

    /* descent_cross_validate stops as promptly. */
    descent_cv_options o = descent_cv_defaults();
    descent_tune_config cfg = descent_tune_config_defaults();
    cfg.epochs = 1000;
    o.folds = 3;
    o.on_progress = count_events;
    o.user = &c;
    c = (counter){0, 0, 0, 0, 7, 0, -1};
    descent_tune_result r;
    r.evaluated = 0;
    CHECK(descent_cross_validate(d, &cfg, &o, &r, &err) == DESCENT_CANCELLED);
    CHECK(c.batches == 7 && c.epochs == 3 && r.evaluated == 0);   /* 2 batches of 32 an epoch */
done:
    descent_search_free(s);
    descent_dataset_free(d);
}

/* ------------------------------------------------------------- errors */

static void expect_create_fail(const descent_dataset *d, const descent_search_spec *sp, const char *a, const char *b)
{
    descent_error err = {DESCENT_OK, ""};
    descent_search *s = descent_search_create(d, sp, &err);
    CHECK_MSG(s == NULL, "expected a failure mentioning '%s'", a);
    descent_search_free(s);
    CHECK(err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, a);
    if (b) CHECK_HAS(err.message, b);
}

static void test_errors(void)
{
    descent_dataset *reg = descent_dataset_generate(DESCENT_DATA_LINE, 30, 0.1f, 1, NULL);
    descent_dataset *cls = descent_dataset_generate(DESCENT_DATA_XOR, 30, 0.1f, 1, NULL);
    if (!reg || !cls) goto done;
    descent_search_spec sp = descent_search_defaults();
    sp.folds = 1;
    expect_create_fail(reg, &sp, "folds must be in 2..20", "got 1");
    sp.folds = 21;
    expect_create_fail(reg, &sp, "folds", "got 21");
    sp = descent_search_defaults();
    sp.metric = DESCENT_METRIC_ACCURACY;
    expect_create_fail(reg, &sp, "metric 'accuracy' is for classification", "loss, r2 or rmse");
    sp.metric = DESCENT_METRIC_R2;
    expect_create_fail(cls, &sp, "metric 'r2' is for regression", "loss, accuracy or f1");
    sp = descent_search_defaults();
    sp.test_fraction = 1;
    expect_create_fail(reg, &sp, "test_fraction must be in [0, 1)", NULL);

    double bad_lr[] = {0.1, -1};
    descent_tune_axis axis = {DESCENT_TUNE_LEARNING_RATE, 2, bad_lr, NULL, 0, 0};
    sp = descent_search_defaults();
    sp.n_axes = 1;
    sp.axes = &axis;
    expect_create_fail(reg, &sp, "axis 1 (learning_rate): value 2 is -1", "> 0");
    double epochs[] = {0};
    axis = (descent_tune_axis){DESCENT_TUNE_EPOCHS, 1, epochs, NULL, 0, 0};
    expect_create_fail(reg, &sp, "(epochs)", "1..1000000");
    double opt[] = {9};
    axis = (descent_tune_axis){DESCENT_TUNE_OPTIMIZER, 1, opt, NULL, 0, 0};
    expect_create_fail(reg, &sp, "(optimizer)", "sgd");
    axis = (descent_tune_axis){DESCENT_TUNE_LEARNING_RATE, 0, NULL, NULL, 1e-3, 1e-1};
    expect_create_fail(reg, &sp, "a grid search needs at least one", NULL);
    sp.mode = DESCENT_SEARCH_RANDOM;
    sp.draws = 5;
    axis.lo = 0;
    expect_create_fail(reg, &sp, "log-uniformly", "lo must be > 0");
    axis = (descent_tune_axis){DESCENT_TUNE_OPTIMIZER, 0, NULL, NULL, 0, 1};
    expect_create_fail(reg, &sp, "drawn from a list", NULL);
    axis = (descent_tune_axis){DESCENT_TUNE_LEARNING_RATE, 0, NULL, NULL, 1e-3, 1e-1};
    sp.draws = 0;
    expect_create_fail(reg, &sp, "draws", "1..100000");
    double lrs[] = {0.1};
    descent_tune_axis twice[] = {{DESCENT_TUNE_LEARNING_RATE, 1, lrs, NULL, 0, 0},
                                 {DESCENT_TUNE_LEARNING_RATE, 1, lrs, NULL, 0, 0}};
    sp = descent_search_defaults();
    sp.n_axes = 2;
    sp.axes = twice;
    expect_create_fail(reg, &sp, "axes 1 and 2 both search learning_rate", NULL);
    sp = descent_search_defaults();
    sp.base.epochs = 0;
    expect_create_fail(reg, &sp, "base configuration: epochs must be in 1..1000000", NULL);
    /* A grid too large to list. */
    static double many[1000];
    for (int i = 0; i < 1000; i++) many[i] = 0.001 * (i + 1);
    double bs[200];
    for (int i = 0; i < 200; i++) bs[i] = i + 1;
    descent_tune_axis big[] = {{DESCENT_TUNE_LEARNING_RATE, 1000, many, NULL, 0, 0},
                               {DESCENT_TUNE_BATCH_SIZE, 200, bs, NULL, 0, 0}};
    sp.base.epochs = 10;
    sp.n_axes = 2;
    sp.axes = big;
    expect_create_fail(reg, &sp, "more than 100000 configurations", NULL);

    descent_error err;
    descent_tune_result r;
    descent_tune_config c = descent_tune_config_defaults();
    descent_cv_options o = descent_cv_defaults();
    c.batch_size = -2;
    CHECK(descent_cross_validate(reg, &c, &o, &r, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "batch_size must be >= 1");
    c = descent_tune_config_defaults();
    o.folds = 40;
    CHECK(descent_cross_validate(reg, &c, &o, &r, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "folds must be in 2..20");
    o = descent_cv_defaults();
    o.metric = (descent_tune_metric)9;
    CHECK(descent_cross_validate(reg, &c, &o, &r, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "metric 9");
    CHECK(descent_cross_validate(NULL, &c, &o, &r, &err) == DESCENT_ERR_ARGUMENT);

    /* Three classes need one-hot targets. */
    descent_dataset *three = descent_dataset_create(6, 1, 1, 3, NULL);
    if (three) {
        for (int i = 0; i < 6; i++) three->labels[i] = i % 3;
        descent_search_spec s3 = descent_search_defaults();
        s3.folds = 2;
        expect_create_fail(three, &s3, "3 classes has 1 outputs", "3 one-hot columns");
        descent_dataset_free(three);
    }

    descent_tune_param p;
    descent_tune_metric m;
    CHECK(descent_tune_param_parse("lr", &p, &err) == DESCENT_OK && p == DESCENT_TUNE_LEARNING_RATE);
    CHECK(descent_tune_param_parse("batch", &p, &err) == DESCENT_OK && p == DESCENT_TUNE_BATCH_SIZE);
    CHECK(descent_tune_param_parse("momentum", &p, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "'momentum'");
    CHECK_HAS(err.message, "learning_rate (lr)");
    CHECK(descent_tune_metric_parse("f1", &m, &err) == DESCENT_OK && m == DESCENT_METRIC_F1);
    CHECK(descent_tune_metric_parse("auc", &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "loss, accuracy, f1, r2, rmse");
    CHECK(descent_tune_metric_higher_is_better(DESCENT_METRIC_ACCURACY));
    CHECK(!descent_tune_metric_higher_is_better(DESCENT_METRIC_RMSE));
done:
    descent_dataset_free(reg);
    descent_dataset_free(cls);
}

CHECK_MAIN(TEST(test_folds_partition), TEST(test_layers), TEST(test_grid_order), TEST(test_random_draws),
           TEST(test_winner), TEST(test_determinism), TEST(test_cancel), TEST(test_errors))
