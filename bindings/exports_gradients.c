/* exports_gradients.c - the C ABI of descent_explore.h's gradient inspector,
 * in the core module: it reads the live model (the worker's, between a
 * training run's slices), so it cannot run in the tuning twin as the other
 * explorers do (exports_explore.c). */
#include "exports.h"
#include "descent_explore.h"

#include <stdlib.h>

/* out: layers x DJ_STATS_COUNT doubles; grad: param_count floats or 0. */
API int dj_model_gradient_stats(descent_model *m, const float *x, const float *y, int n, double *out, float *grad)
{
    int layers = descent_model_layer_count(m);
    descent_layer_stats *st = malloc(sizeof *st * (size_t)layers);
    if (!st) {
        dj_out_of_memory("the layers' statistics");
        return dj_last_error.code;
    }
    int s = descent_model_gradient_stats(m, x, y, n, st, grad, &dj_last_error);
    for (int l = 0; s == DESCENT_OK && l < layers; l++) {
        double *o = out + (size_t)l * DJ_STATS_COUNT;
        o[DJ_STATS_kernel_grad_norm] = st[l].kernel_grad_norm;
        o[DJ_STATS_bias_grad_norm] = st[l].bias_grad_norm;
        o[DJ_STATS_kernel_norm] = st[l].kernel_norm;
        o[DJ_STATS_update_ratio] = st[l].update_ratio;
        o[DJ_STATS_dead_share] = st[l].dead_share;
    }
    free(st);
    return s;
}
