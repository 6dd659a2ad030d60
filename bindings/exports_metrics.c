/* exports_metrics.c - the C ABI of scores: classification and regression
 * metrics of given predictions, and a model's own scores on rows (its head's
 * task and threshold, as the core decides them). */
#include "exports.h"

#include <stdlib.h>

void dj_pack_metrics(const descent_metrics *mt, double *out)
{
    out[DJ_METRICS_n] = mt->n;
    out[DJ_METRICS_classes] = mt->classes;
    out[DJ_METRICS_accuracy] = mt->accuracy;
    out[DJ_METRICS_precision] = mt->precision;
    out[DJ_METRICS_recall] = mt->recall;
    out[DJ_METRICS_f1] = mt->f1;
    out[DJ_METRICS_mse] = mt->mse;
    out[DJ_METRICS_rmse] = mt->rmse;
    out[DJ_METRICS_mae] = mt->mae;
    out[DJ_METRICS_r2] = mt->r2;
}

/* out: DJ_METRICS_COUNT doubles (fields.h). */
API int dj_metrics_classification(const float *pred, const float *y, int n, int outputs, int *confusion, double *out)
{
    descent_metrics mt;
    int s = descent_metrics_classification(pred, y, n, outputs, confusion, &mt, &dj_last_error);
    if (s == DESCENT_OK) dj_pack_metrics(&mt, out);
    return s;
}

API int dj_metrics_regression(const float *pred, const float *y, int n, int outputs, double *out)
{
    descent_metrics mt;
    int s = descent_metrics_regression(pred, y, n, outputs, &mt, &dj_last_error);
    if (s == DESCENT_OK) dj_pack_metrics(&mt, out);
    return s;
}

/* The model's scores on n rows of x against targets y (as it trains on
 * them): its predictions scored for its head (descent_head_of_model):
 * classification with the head's threshold and labels, confusion (may be
 * NULL) receiving max(2, outputs)² counts, or regression. */
API int dj_model_metrics(descent_model *m, const float *x, const float *y, int n, int *confusion, double *out)
{
    descent_head head;
    descent_status s = descent_head_of_model(m, &head, &dj_last_error);
    if (s != DESCENT_OK) return s;
    int k = descent_model_outputs(m);
    float *pred = descent_alloc(n > 0 ? (uint64_t)n * (uint64_t)k : 1, sizeof *pred, "the predictions", &dj_last_error);
    if (!pred) return dj_last_error.code;
    s = descent_model_predict(m, x, n, pred, &dj_last_error);
    descent_metrics mt;
    if (s == DESCENT_OK) s = descent_head_metrics(&head, pred, y, n, confusion, &mt, &dj_last_error);
    if (s == DESCENT_OK) dj_pack_metrics(&mt, out);
    free(pred);
    return s;
}
