/* metrics.c - scores of predictions against targets: accuracy, precision,
 * recall, F1 and a confusion matrix for classification; MSE, RMSE, MAE, R². */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Checked before any work so a bad call never leaves half-written outputs. */
static descent_status check_common(const float *pred, const float *y, int n, int outputs, const descent_metrics *out,
                                   descent_error *err)
{
    if (!pred) return descent_fail(err, DESCENT_ERR_ARGUMENT, "pred must not be NULL");
    if (!y) return descent_fail(err, DESCENT_ERR_ARGUMENT, "y must not be NULL");
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1 (got %d)", n);
    if (outputs < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "outputs must be >= 1 (got %d)", outputs);
    /* n x outputs floats no array here could hold is a wrong n, not data (and
     * would wrap the count below in a 32-bit build). */
    size_t total;
    descent_status s = descent_size(&total, (uint64_t)n, (uint64_t)outputs, sizeof(float), "pred", err);
    if (s != DESCENT_OK) return s;
    total /= sizeof(float);
    for (size_t i = 0; i < total; i++) {
        if (!isfinite(pred[i]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "pred[%zu] is %s (row %zu, output %zu)", i,
                                isnan(pred[i]) ? "NaN" : "infinite", i / (size_t)outputs, i % (size_t)outputs);
        if (!isfinite(y[i]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "y[%zu] is %s (row %zu, output %zu)", i,
                                isnan(y[i]) ? "NaN" : "infinite", i / (size_t)outputs, i % (size_t)outputs);
    }
    return DESCENT_OK;
}

static void set_all_nan(descent_metrics *m)
{
    m->accuracy = m->precision = m->recall = m->f1 = NAN;
    m->mse = m->rmse = m->mae = m->r2 = NAN;
}

/* 0/0 scores as 0, as scikit-learn does with zero_division=0. */
static double ratio(int64_t num, int64_t den)
{
    return den > 0 ? (double)num / (double)den : 0.0;
}

static int argmax(const float *v, int count)
{
    int best = 0;
    for (int j = 1; j < count; j++)
        if (v[j] > v[best]) best = j;   /* strict: the first maximum wins ties */
    return best;
}

/* The scores from n rows: binary (outputs 1) with pred cut at threshold
 * and y either low or high, else argmax against argmax. */
static descent_status classify(const float *pred, const float *y, int n, int outputs, float threshold, float low,
                               float high, int *confusion, descent_metrics *out, descent_error *err)
{
    descent_status s = check_common(pred, y, n, outputs, out, err);
    if (s != DESCENT_OK) return s;
    if (outputs == 1) {
        if (!isfinite(threshold) || !isfinite(low) || !isfinite(high) || !(low < high))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "binary labels need finite low < high and a finite "
                                "threshold (got %g, %g, %g)", (double)low, (double)high, (double)threshold);
        for (int i = 0; i < n; i++)
            if (y[i] != low && y[i] != high)
                return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                    "y[%d] is %g (row %d): binary labels (outputs == 1) must be %g or %g", i,
                                    (double)y[i], i, (double)low, (double)high);
    }

    int k = outputs < 2 ? 2 : outputs;
    /* The scores need only each class's true positives and actual and
     * predicted counts (3k numbers, 64-bit so 2·tp cannot overflow); the k x k
     * matrix is counted only into the caller's, when asked for, so 32768
     * classes cost 768 KiB here rather than 8 GiB. */
    size_t matrix_bytes = 0;
    if (confusion) {
        s = descent_size(&matrix_bytes, (uint64_t)k, (uint64_t)k, sizeof(int), "the confusion matrix", err);
        if (s != DESCENT_OK) return s;
    }
    int64_t *counts = descent_zalloc(3 * (uint64_t)k, sizeof *counts, "the per-class counts", err);
    if (!counts) return err ? err->code : DESCENT_ERR_MEMORY;
    int64_t *tp = counts, *actual_n = counts + k, *predicted_n = counts + 2 * (size_t)k;
    if (confusion) memset(confusion, 0, matrix_bytes);

    int64_t correct = 0;
    for (int i = 0; i < n; i++) {
        int actual, predicted;
        if (outputs == 1) {
            actual = y[i] == high;
            predicted = pred[i] >= threshold;
        } else {
            actual = argmax(y + (size_t)i * outputs, outputs);
            predicted = argmax(pred + (size_t)i * outputs, outputs);
        }
        if (confusion) confusion[(size_t)actual * k + predicted]++;
        actual_n[actual]++;
        predicted_n[predicted]++;
        if (actual == predicted) {
            tp[actual]++;
            correct++;
        }
    }

    descent_metrics m;
    set_all_nan(&m);
    m.n = n;
    m.classes = k;
    m.accuracy = (double)correct / (double)n;

    if (outputs == 1) {
        int64_t fp = predicted_n[1] - tp[1], fn = actual_n[1] - tp[1];
        m.precision = ratio(tp[1], tp[1] + fp);
        m.recall = ratio(tp[1], tp[1] + fn);
        m.f1 = ratio(2 * tp[1], 2 * tp[1] + fp + fn);
    } else {
        /* Macro average over the classes that occur as actual or predicted,
         * as scikit-learn's default labels do: a class absent from both says
         * nothing about the model and would only drag the mean towards 0. */
        double sp = 0, sr = 0, sf = 0;
        int counted = 0;
        for (int c = 0; c < k; c++) {
            if (actual_n[c] == 0 && predicted_n[c] == 0) continue;
            counted++;
            sp += ratio(tp[c], predicted_n[c]);
            sr += ratio(tp[c], actual_n[c]);
            sf += ratio(2 * tp[c], actual_n[c] + predicted_n[c]);
        }
        /* n >= 1 guarantees at least one class occurs. */
        m.precision = sp / counted;
        m.recall = sr / counted;
        m.f1 = sf / counted;
    }
    free(counts);
    *out = m;
    return DESCENT_OK;
}

descent_status descent_metrics_classification(const float *pred, const float *y, int n, int outputs, int *confusion,
                                              descent_metrics *out, descent_error *err)
{
    return classify(pred, y, n, outputs, 0.5f, 0.0f, 1.0f, confusion, out, err);
}

descent_status descent_metrics_binary(const float *pred, const float *y, int n, float threshold, float low, float high,
                                      int *confusion, descent_metrics *out, descent_error *err)
{
    return classify(pred, y, n, 1, threshold, low, high, confusion, out, err);
}

descent_status descent_metrics_regression(const float *pred, const float *y, int n, int outputs, descent_metrics *out,
                                          descent_error *err)
{
    descent_status s = check_common(pred, y, n, outputs, out, err);
    if (s != DESCENT_OK) return s;

    double sse = 0, sae = 0, sst = 0;
    for (int j = 0; j < outputs; j++) {
        /* Two passes per column: the mean first, so SS_tot does not lose
         * precision to cancellation as sum(y²) - n·mean² would. */
        double mean = 0;
        for (int i = 0; i < n; i++) mean += y[(size_t)i * outputs + j];
        mean /= n;
        for (int i = 0; i < n; i++) {
            double t = y[(size_t)i * outputs + j], e = (double)pred[(size_t)i * outputs + j] - t;
            sse += e * e;
            sae += fabs(e);
            sst += (t - mean) * (t - mean);
        }
    }

    double count = (double)n * (double)outputs;
    descent_metrics m;
    set_all_nan(&m);
    m.n = n;
    m.classes = 0;
    m.mse = sse / count;
    m.rmse = sqrt(m.mse);
    m.mae = sae / count;
    /* Constant targets leave R² undefined; like scikit-learn (force_finite)
     * a perfect fit scores 1 and anything else 0, rather than NaN or -inf. */
    m.r2 = sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
    *out = m;
    return DESCENT_OK;
}
