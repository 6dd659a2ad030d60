/* test_metrics.c - classification and regression scores against values
 * computed by hand (the working is in the comments), and the error paths. */
#include "check.h"
#include "descent.h"

#include <math.h>

/* predicted 1,0,1,0,1,0,0 (0.5 counts as 1) against actual 1,0,0,1,1,0,1:
 * TP 2 (rows 0, 4), FP 1 (row 2), FN 2 (rows 3, 6), TN 2 (rows 1, 5). */
static void binary_scores(void)
{
    const float pred[] = {0.9f, 0.2f, 0.6f, 0.4f, 0.5f, 0.1f, 0.3f};
    const float y[] = {1, 0, 0, 1, 1, 0, 1};
    int cm[4] = {-1, -1, -1, -1};
    descent_metrics m;
    descent_error err;
    CHECK(descent_metrics_classification(pred, y, 7, 1, cm, &m, &err) == DESCENT_OK);
    CHECK(m.n == 7);
    CHECK(m.classes == 2);
    CHECK_NEAR(m.accuracy, 4.0 / 7.0, 1e-12);
    CHECK_NEAR(m.precision, 2.0 / 3.0, 1e-12);          /* TP / (TP + FP) */
    CHECK_NEAR(m.recall, 2.0 / 4.0, 1e-12);             /* TP / (TP + FN) */
    CHECK_NEAR(m.f1, 4.0 / 7.0, 1e-12);                 /* 2TP / (2TP + FP + FN) */
    CHECK(cm[0] == 2 && cm[1] == 1);                    /* actual 0: TN, FP */
    CHECK(cm[2] == 2 && cm[3] == 2);                    /* actual 1: FN, TP */
    CHECK(isnan(m.mse) && isnan(m.rmse) && isnan(m.mae) && isnan(m.r2));
}

/* Nothing predicted positive: precision is 0/0, scored 0 (zero_division=0). */
static void binary_zero_division(void)
{
    const float pred[] = {0.1f, 0.2f, 0.49f};
    const float y[] = {1, 0, 1};
    descent_metrics m;
    CHECK(descent_metrics_classification(pred, y, 3, 1, NULL, &m, NULL) == DESCENT_OK);
    CHECK_NEAR(m.accuracy, 1.0 / 3.0, 1e-12);
    CHECK(m.precision == 0.0);
    CHECK(m.recall == 0.0);
    CHECK(m.f1 == 0.0);

    /* No positives at all, none predicted: every class-1 score is 0/0. */
    const float y0[] = {0, 0, 0};
    CHECK(descent_metrics_classification(pred, y0, 3, 1, NULL, &m, NULL) == DESCENT_OK);
    CHECK(m.accuracy == 1.0);
    CHECK(m.precision == 0.0 && m.recall == 0.0 && m.f1 == 0.0);
}

static void one_hot(float *row, int c)
{
    row[0] = row[1] = row[2] = 0;
    row[c] = 1;
}

static void soft(float *row, int c)
{
    row[0] = row[1] = row[2] = 0.15f;
    row[c] = 0.7f;
}

/* actual    0 0 1 1 1 2 2 2
 * predicted 0 2 1 1 2 2 1 1
 * confusion [1 0 1; 0 2 1; 0 2 1], column sums 1 4 3.
 * class 0: P 1/1, R 1/2, F1 2/3;  class 1: P 2/4, R 2/3, F1 4/7;
 * class 2: P 1/3, R 1/3, F1 1/3.  Macro: P 11/18, R 1/2, F1 11/21. */
static void multiclass_scores(void)
{
    const int actual[] = {0, 0, 1, 1, 1, 2, 2, 2};
    const int predicted[] = {0, 2, 1, 1, 2, 2, 1, 1};
    float y[8 * 3], pred[8 * 3];
    for (int i = 0; i < 8; i++) {
        one_hot(y + i * 3, actual[i]);
        soft(pred + i * 3, predicted[i]);
    }
    int cm[9];
    memset(cm, 0xff, sizeof cm);
    descent_metrics m;
    descent_error err;
    CHECK(descent_metrics_classification(pred, y, 8, 3, cm, &m, &err) == DESCENT_OK);
    CHECK(m.n == 8);
    CHECK(m.classes == 3);
    CHECK_NEAR(m.accuracy, 0.5, 1e-12);
    CHECK_NEAR(m.precision, 11.0 / 18.0, 1e-12);
    CHECK_NEAR(m.recall, 0.5, 1e-12);
    CHECK_NEAR(m.f1, 11.0 / 21.0, 1e-12);
    const int want[9] = {1, 0, 1, 0, 2, 1, 0, 2, 1};
    for (int i = 0; i < 9; i++) CHECK_MSG(cm[i] == want[i], "cm[%d] = %d, want %d", i, cm[i], want[i]);
    CHECK(isnan(m.r2));
}

/* The first of equal maxima wins, in pred and in y. */
static void argmax_ties(void)
{
    const float pred[] = {0.4f, 0.4f, 0.2f,   0.1f, 0.45f, 0.45f};
    const float y[] = {1, 0, 0,   0, 1, 0};
    int cm[9];
    descent_metrics m;
    CHECK(descent_metrics_classification(pred, y, 2, 3, cm, &m, NULL) == DESCENT_OK);
    CHECK_NEAR(m.accuracy, 1.0, 1e-12);
    CHECK(cm[0] == 1 && cm[4] == 1);
}

/* A class that is neither actual nor predicted is left out of the macro
 * average (scikit-learn's default labels), so perfect predictions score 1. */
static void macro_skips_absent_class(void)
{
    float y[2 * 3], pred[2 * 3];
    one_hot(y, 0);
    one_hot(y + 3, 1);
    soft(pred, 0);
    soft(pred + 3, 1);
    int cm[9];
    descent_metrics m;
    CHECK(descent_metrics_classification(pred, y, 2, 3, cm, &m, NULL) == DESCENT_OK);
    CHECK(m.classes == 3);
    CHECK_NEAR(m.precision, 1.0, 1e-12);
    CHECK_NEAR(m.recall, 1.0, 1e-12);
    CHECK_NEAR(m.f1, 1.0, 1e-12);
    CHECK(cm[8] == 0);
}

/* errors 0.5 0 -1 1: SSE 2.25, |e| 2.5; mean y 2.5, SS_tot 5. */
static void regression_scores(void)
{
    const float y[] = {1, 2, 3, 4};
    const float pred[] = {1.5f, 2, 2, 5};
    descent_metrics m;
    descent_error err;
    CHECK(descent_metrics_regression(pred, y, 4, 1, &m, &err) == DESCENT_OK);
    CHECK(m.n == 4);
    CHECK(m.classes == 0);
    CHECK_NEAR(m.mse, 0.5625, 1e-12);
    CHECK_NEAR(m.rmse, 0.75, 1e-12);
    CHECK_NEAR(m.mae, 0.625, 1e-12);
    CHECK_NEAR(m.r2, 1.0 - 2.25 / 5.0, 1e-12);
    CHECK(isnan(m.accuracy) && isnan(m.precision) && isnan(m.recall) && isnan(m.f1));
}

static void regression_perfect_and_mean(void)
{
    const float y[] = {1, 2, 3, 4};
    descent_metrics m;
    CHECK(descent_metrics_regression(y, y, 4, 1, &m, NULL) == DESCENT_OK);
    CHECK(m.mse == 0.0 && m.rmse == 0.0 && m.mae == 0.0);
    CHECK(m.r2 == 1.0);

    const float mean[] = {2.5f, 2.5f, 2.5f, 2.5f};
    CHECK(descent_metrics_regression(mean, y, 4, 1, &m, NULL) == DESCENT_OK);
    CHECK_NEAR(m.r2, 0.0, 1e-12);
    CHECK_NEAR(m.mse, 1.25, 1e-12);

    /* Worse than the mean: R² goes negative (SSE 26, SS_tot 5). */
    const float bad[] = {4, 4, 1, 1};
    CHECK(descent_metrics_regression(bad, y, 4, 1, &m, NULL) == DESCENT_OK);
    CHECK_NEAR(m.r2, 1.0 - 26.0 / 5.0, 1e-12);
}

/* Two outputs, rows (1, 10) and (3, 30) predicted (2, 10) and (3, 20):
 * errors 1 0 0 -10, SSE 101; column means 2 and 20, SS_tot 2 + 200. */
static void regression_multi_output(void)
{
    const float y[] = {1, 10, 3, 30};
    const float pred[] = {2, 10, 3, 20};
    descent_metrics m;
    CHECK(descent_metrics_regression(pred, y, 2, 2, &m, NULL) == DESCENT_OK);
    CHECK_NEAR(m.mse, 101.0 / 4.0, 1e-12);
    CHECK_NEAR(m.rmse, sqrt(101.0 / 4.0), 1e-12);
    CHECK_NEAR(m.mae, 11.0 / 4.0, 1e-12);
    CHECK_NEAR(m.r2, 0.5, 1e-12);
}

/* Constant targets: R² is 1 for a perfect fit, else 0 (never NaN). */
static void regression_constant_target(void)
{
    const float y[] = {2, 2};
    const float exact[] = {2, 2}, off[] = {2, 3};
    descent_metrics m;
    CHECK(descent_metrics_regression(exact, y, 2, 1, &m, NULL) == DESCENT_OK);
    CHECK(m.r2 == 1.0);
    CHECK(descent_metrics_regression(off, y, 2, 1, &m, NULL) == DESCENT_OK);
    CHECK(m.r2 == 0.0);
    CHECK_NEAR(m.mse, 0.5, 1e-12);
}

static void errors(void)
{
    const float ok[] = {0, 1, 0, 1};
    descent_metrics m;
    descent_error err;

    CHECK(descent_metrics_classification(ok, ok, 0, 1, NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n must be >= 1 (got 0)");
    CHECK(descent_metrics_regression(ok, ok, -3, 1, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n must be >= 1 (got -3)");
    CHECK(descent_metrics_classification(ok, ok, 2, 0, NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "outputs must be >= 1 (got 0)");
    CHECK(descent_metrics_regression(NULL, ok, 2, 1, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "pred");
    CHECK(descent_metrics_classification(ok, NULL, 2, 1, NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y must not be NULL");
    CHECK(descent_metrics_regression(ok, ok, 2, 1, NULL, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "out");

    float nan_pred[] = {0, 1, 0, NAN};
    CHECK(descent_metrics_regression(nan_pred, ok, 4, 1, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "pred[3] is NaN");
    float inf_y[] = {0, 1, INFINITY, 1};
    CHECK(descent_metrics_classification(ok, inf_y, 2, 2, NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y[2] is infinite");
    CHECK_HAS(err.message, "row 1");

    /* A binary label other than 0 or 1 names its row; the matrix is untouched. */
    const float bad_y[] = {0, 1, 0.5f, 1};
    int cm[4] = {7, 7, 7, 7};
    CHECK(descent_metrics_classification(ok, bad_y, 4, 1, cm, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y[2] is 0.5");
    CHECK_HAS(err.message, "row 2");
    CHECK_HAS(err.message, "0 or 1");
    CHECK(cm[0] == 7 && cm[3] == 7);
    const float two[] = {0, 2};
    CHECK(descent_metrics_classification(ok, two, 2, 1, NULL, &m, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "y[1] is 2");

    /* err may be NULL. */
    CHECK(descent_metrics_regression(ok, ok, 0, 1, &m, NULL) == DESCENT_ERR_ARGUMENT);
}

CHECK_MAIN(TEST(binary_scores), TEST(binary_zero_division), TEST(multiclass_scores), TEST(argmax_ties),
           TEST(macro_skips_absent_class), TEST(regression_scores), TEST(regression_perfect_and_mean),
           TEST(regression_multi_output), TEST(regression_constant_target), TEST(errors))
