/* test_recipe.c - a whole training run (descent_data.h's recipe): the
 * in-place splits keep every row and draw the same rows as descent_split,
 * the network has the hidden layers and head asked for with its targets
 * encoded and scalers from the fit rows only, descent_recipe_train is the
 * same run as its parts made by hand, and the scores are the head's. */
#include "check.h"
#include "descent_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each row's first feature is its original index, so moves can be traced. */
static descent_dataset *indexed(int n, int classes)
{
    descent_dataset *d = descent_dataset_create(n, 2, classes > 2 ? classes : 1, classes, NULL);
    CHECK(d != NULL);
    if (!d) return NULL;
    for (int i = 0; i < n; i++) {
        d->x[2 * i] = (float)i;
        d->x[2 * i + 1] = (float)(i % 7) - 3.0f;
        if (classes) d->labels[i] = i % classes;
        else d->y[i] = 0.5f * (float)i;
    }
    return d;
}

static void test_split_off(void)
{
    descent_error err;
    descent_dataset *d = indexed(50, 3);
    if (!d) return;
    int order[50], n_order, rest[50], n_rest, n_first = -1;
    CHECK(descent_split(50, d->labels, 3, 0.3f, 9, order, &n_order, rest, &n_rest, &err) == DESCENT_OK);
    CHECK(descent_dataset_split_off(d, 0.3, 9, &n_first, &err) == DESCENT_OK);
    CHECK(n_first == n_order);
    /* the rows descent_split drew, in its order, each with its own label */
    for (int i = 0; i < n_order; i++) CHECK((int)d->x[2 * i] == order[i]);
    for (int i = 0; i < n_rest; i++) CHECK((int)d->x[2 * (n_order + i)] == rest[i]);
    for (int i = 0; i < 50; i++) CHECK(d->labels[i] == (int)d->x[2 * i] % 3);
    /* fraction 0 moves nothing */
    CHECK(descent_dataset_split_off(d, 0, 9, &n_first, &err) == DESCENT_OK && n_first == 50);
    CHECK(descent_dataset_split_off(d, 1.5, 9, &n_first, &err) != DESCENT_OK);
    CHECK_HAS(err.message, "1.5");
    descent_dataset v = descent_dataset_rows(d, 10, 5);
    CHECK(v.n == 5 && v.x == d->x + 20 && v.labels == d->labels + 10);
    descent_dataset_free(d);
}

static void test_build(void)
{
    descent_error err;
    descent_dataset *d = indexed(40, 2);
    if (!d) return;
    int units[2] = {5, 3}, acts[2] = {-1, DESCENT_ACT_TANH};
    descent_train_recipe r = descent_train_recipe_defaults();
    r.n_hidden = 2;
    r.units = units;
    r.activations = acts;
    r.output_activation = DESCENT_ACT_TANH;
    r.loss = DESCENT_LOSS_MSE;
    descent_head head;
    descent_model *m = descent_recipe_build(&r, d, 30, &head, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    if (m) {
        CHECK(descent_model_layer_count(m) == 3 && descent_model_layer(m, 1).activation == DESCENT_ACT_TANH);
        CHECK(descent_model_outputs(m) == 1 && head.signed_labels);
        /* targets encoded for a tanh head: -1 and 1 */
        for (int i = 0; i < 40; i++) CHECK(d->y[i] == (d->labels[i] ? 1.0f : -1.0f));
        /* the input scaler is the first 30 rows' */
        float mean[2], std[2];
        descent_dataset fit = descent_dataset_rows(d, 0, 30);
        CHECK(descent_dataset_fit_scalers(&fit, DESCENT_SCALE_INPUTS, mean, std, NULL, NULL, NULL, &err) ==
              DESCENT_OK);
        const float *m_mean = descent_model_input_mean(m), *m_std = descent_model_input_std(m);
        CHECK(m_mean && m_std && mean[0] == m_mean[0] && std[1] == m_std[1]);
        CHECK(m_mean && fabs(m_mean[0] - 14.5) < 1e-5);   /* rows 0..29, not all 40 (19.5) */
    }
    descent_model_free(m);
    /* a head that does not suit the task is refused with the head's message */
    r.output_activation = DESCENT_ACT_SOFTMAX;
    r.loss = -1;
    m = descent_recipe_build(&r, d, 30, &head, &err);
    CHECK(m == NULL);
    descent_model_free(m);
    descent_dataset_free(d);
}

/* descent_recipe_train is its parts called by hand, to the last bit. */
static void test_train_is_its_parts(void)
{
    descent_error err;
    descent_dataset *a = descent_dataset_generate(DESCENT_DATA_SPIRAL, 200, 0.1f, 3, &err);
    descent_dataset *b = descent_dataset_generate(DESCENT_DATA_SPIRAL, 200, 0.1f, 3, &err);
    CHECK(a && b);
    if (!a || !b) return;
    int units[1] = {8};
    descent_train_recipe r = descent_train_recipe_defaults();
    r.n_hidden = 1;
    r.units = units;
    r.val_split = 0.25;
    r.seed = 11;
    descent_fit_options fo = descent_fit_defaults();
    fo.epochs = 5;
    fo.batch_size = 16;
    descent_recipe_result res;
    CHECK_MSG(descent_recipe_train(a, &r, &fo, &res, &err) == DESCENT_OK, "%s", err.message);
    CHECK(res.n_test == 40 && res.n_val == 40 && res.n_fit == 120 && res.history.epochs == 5);

    int n_train, n_fit;
    descent_head head;
    CHECK(descent_dataset_split_off(b, 0.2, 11, &n_train, &err) == DESCENT_OK);
    descent_dataset train = descent_dataset_rows(b, 0, n_train);
    CHECK(descent_dataset_split_off(&train, 0.25, 11, &n_fit, &err) == DESCENT_OK);
    descent_model *m = descent_recipe_build(&r, b, n_fit, &head, &err);
    CHECK(m != NULL);
    fo.val_x = b->x + 2 * n_fit;
    fo.val_y = b->y + n_fit;
    fo.val_n = n_train - n_fit;
    fo.shuffle_seed = 11;
    CHECK(m && descent_model_fit(m, b->x, b->y, n_fit, &fo, NULL, &err) == DESCENT_OK);
    float loss_a = 0, loss_b = -1;
    descent_metrics met_a, met_b;
    const float *xt = a->x + 2 * (res.n_fit + res.n_val), *yt = a->y + res.n_fit + res.n_val;
    CHECK(descent_recipe_score(res.model, &res.head, xt, yt, res.n_test, &loss_a, &met_a, NULL, &err) == DESCENT_OK);
    CHECK(m && descent_recipe_score(m, &head, b->x + 2 * n_train, b->y + n_train, b->n - n_train, &loss_b, &met_b,
                                    NULL, &err) == DESCENT_OK);
    CHECK(loss_a == loss_b && met_a.accuracy == met_b.accuracy && met_a.n == 40);
    /* the score is the model's loss and the head's metrics */
    float p[40], loss_c;
    descent_metrics met_c;
    CHECK(descent_model_evaluate(res.model, xt, yt, 40, &loss_c, &err) == DESCENT_OK && loss_c == loss_a);
    CHECK(descent_model_predict(res.model, xt, 40, p, &err) == DESCENT_OK &&
          descent_head_metrics(&res.head, p, yt, 40, NULL, &met_c, &err) == DESCENT_OK &&
          met_c.accuracy == met_a.accuracy);
    CHECK(descent_recipe_score(res.model, &res.head, xt, yt, 0, &loss_c, &met_c, NULL, &err) != DESCENT_OK);
    descent_model_free(m);
    descent_recipe_result_free(&res);
    CHECK(res.model == NULL);
    /* a split that leaves nothing to train on says so */
    r.test_split = 0.999;
    descent_dataset *c = descent_dataset_generate(DESCENT_DATA_XOR, 4, 0, 1, &err);
    CHECK(c && descent_recipe_train(c, &r, &fo, &res, &err) != DESCENT_OK);
    descent_recipe_result_free(&res);
    descent_dataset_free(c);
    descent_dataset_free(a);
    descent_dataset_free(b);
}

/* A model's columns by name, in its order, from a file that has others. */
static void test_model_columns(void)
{
    descent_error err;
    const char *train_csv = "a,b,kind\n0,1,cat\n1,0,dog\n0,2,cat\n2,0,dog\n0,3,cat\n3,0,dog\n";
    descent_csv_options o = descent_csv_defaults();
    descent_dataset *d = descent_csv_parse(train_csv, strlen(train_csv), &o, &err);
    CHECK(d != NULL);
    if (!d) return;
    descent_train_recipe r = descent_train_recipe_defaults();
    r.test_split = 0;
    descent_head head;
    descent_model *m = descent_recipe_build(&r, d, d->n, &head, &err);
    CHECK_MSG(m != NULL, "%s", err.message);
    descent_dataset_free(d);
    if (!m) return;
    /* predict: columns reordered, a text note skipped, an id kept */
    const char *rows = "note,b,id,a\nhello,5,r1,7\n\"a, b\",6,r2,8\n";
    descent_csv_options p = descent_csv_defaults();
    const char *keep[1] = {"id"};
    p.keep = keep;
    p.n_keep = 1;
    descent_model_columns cols;
    CHECK(descent_csv_options_for_model(m, 0, &p, &cols, &err) == DESCENT_OK && p.no_target);
    descent_dataset *q = descent_csv_parse(rows, strlen(rows), &p, &err);
    CHECK_MSG(q != NULL, "%s", err.message);
    float *x = q ? descent_dataset_model_inputs(m, q, "rows.csv", &err) : NULL;
    CHECK(x && x[0] == 7 && x[1] == 5 && x[2] == 8 && x[3] == 6);
    CHECK(q && q->n_kept == 1 && strcmp(descent_dataset_kept(q, 1, 0), "r2") == 0);
    free(x);
    descent_dataset_free(q);
    descent_model_columns_free(&cols);
    /* a missing feature is named */
    const char *short_rows = "b,kind\n1,cat\n";
    p = descent_csv_defaults();
    CHECK(descent_csv_options_for_model(m, 0, &p, &cols, &err) == DESCENT_OK);
    q = descent_csv_parse(short_rows, strlen(short_rows), &p, &err);
    CHECK(q == NULL || descent_dataset_model_inputs(m, q, "short.csv", &err) == NULL);
    CHECK_HAS(err.message, "'a'");
    descent_dataset_free(q);
    descent_model_columns_free(&cols);
    /* evaluate: the model's target and classes, a file holding one class */
    const char *one = "kind,a,b\ndog,4,0\ndog,5,0\n";
    p = descent_csv_defaults();
    CHECK(descent_csv_options_for_model(m, 1, &p, &cols, &err) == DESCENT_OK && !p.no_target && p.n_classes == 2);
    q = descent_csv_parse(one, strlen(one), &p, &err);
    CHECK_MSG(q != NULL, "%s", err.message);
    CHECK(q && q->classes == 2 && q->labels[0] == 1 && q->labels[1] == 1);
    descent_dataset_free(q);
    descent_model_columns_free(&cols);
    descent_model_free(m);
}

CHECK_MAIN(TEST(test_split_off), TEST(test_build), TEST(test_train_is_its_parts), TEST(test_model_columns))
