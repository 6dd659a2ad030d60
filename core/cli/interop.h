/* interop.h - what `descent export` and `descent import` share: a model as
 * plain dense layers with its scalers folded into the weights (the same
 * folding and recipe as bindings/interop-fold.mjs), and its undoing. */
#ifndef DESCENT_CLI_INTEROP_H
#define DESCENT_CLI_INTEROP_H

#include "tool.h"

typedef struct interop_layer {
    int fan_in, units;
    descent_activation activation;
    float alpha, l1, l2;
    float *kernel;                  /* [fan_in][units], row-major */
    float *bias;                    /* units, or NULL */
    int added_bias;                 /* the bias exists only to hold a folded scaler */
} interop_layer;

/* bindings/interop-fold.mjs's ADDED_BIAS_ROUNDING: the fold's and the unfold's
 * float32 roundings are each at most 2^-24 of the magnitude through a bias. */
#define INTEROP_ADDED_BIAS_ROUNDING (1.0 / (1 << 20))

typedef struct interop_model {
    int inputs, n_layers;
    interop_layer layers[DESCENT_MAX_LAYERS];
} interop_model;

/* The weights of m with its scalers folded in (computed in double, rounded
 * once): first layer W[i][j] / s[i] and b[j] - sum_i (m[i] / s[i]) W[i][j],
 * last layer (linear only) W[i][j] * ts[j] and b[j] * ts[j] + tm[j]. An exit
 * status; on failure the message is printed and out is freed. */
int interop_fold(const descent_model *m, interop_model *out);
/* Undoes the folding in place, given the scalers (NULL when absent): the
 * weights a model holding those scalers has. A layer marked added_bias (the
 * recipe's addedBias) whose bias unfolds to zero within the folding's
 * rounding (INTEROP_ADDED_BIAS_ROUNDING of what went through it) has its bias
 * dropped again; one trained since keeps it, or the predictions would change.
 * 0, -1 when a scaler needs a bias the layer lacks, -2 out of memory. */
int interop_unfold(interop_model *im, const float *in_mean, const float *in_std, const float *t_mean,
                   const float *t_std);
void interop_free(interop_model *im);

#endif
