/* model.h - the model's layout, shared by the core's model, optimizer, fit
 * and file code. Not part of the public API. */
#ifndef DESCENT_MODEL_H
#define DESCENT_MODEL_H

#include "internal.h"
#include "kernels.h"

#include <stddef.h>

typedef struct layer {
    descent_layer_spec spec;
    int in, out;
    size_t w_off;                   /* kernel [in][out] in params */
    size_t b_off;                   /* bias [out] in params; unused with no_bias */
} layer;

#define OPT_SLOTS 3                 /* the most state arrays an optimizer needs (centered RMSprop) */

struct descent_model {
    int inputs, outputs, n_layers, max_units;
    descent_loss loss;
    layer *layers;
    size_t n_params;

    /* One allocation: params | grads | state[0] | state[1] | state[2], each n_params long. */
    float *block;
    float *params, *grads, *state[OPT_SLOTS];

    descent_optimizer_spec opt;
    int64_t t;                      /* optimizer updates so far (64 bits: long is 32 in wasm32) */
    float beta1_pow, beta2_pow;     /* Adam's float32 running products β^t, as TF.js keeps them */
    int last_grads;                 /* 1: grads hold the gradient of the last update (the inspector recomputes it) */

    uint32_t seed;
    rng shuffle;                    /* the stream fit draws epoch permutations from */
    const kernel_table *k;

    float *in_mean, *in_std;        /* inputs entries each, or NULL */
    float *out_mean, *out_std;      /* outputs entries each, or NULL */
    char **feature_names;           /* inputs entries, or NULL */
    char *target_name;
    int n_classes;
    char **class_names;

    /* Workspace for up to ws_rows rows, grown on demand and then reused, so a
     * warmed-up training step allocates nothing. */
    int ws_rows;
    float *ws;
    float **act;                    /* act[0] = scaled input, act[l + 1] = layer l's output */
    float *delta[2];                /* backward ping-pong buffers, rows × max_units */
    float *yb;                      /* scaled targets, rows × outputs */
};

/* model.c */

/* Validates spec as descent_model_create does and counts its parameters,
 * allocating nothing (so a model file's header can be checked against the
 * file's length first). */
descent_status model_spec_check(const descent_model_spec *spec, size_t *n_params, descent_error *err);
/* Grows the workspace to rows rows; on failure the model is left as it was. */
descent_status model_ensure_rows(descent_model *m, int rows, descent_error *err);
/* Copies rows (idx[i] if idx, else start + i) of x (and y if given) into the
 * workspace, applying the scalers. */
void model_load_rows(descent_model *m, const float *x, const float *y, const int *idx, int start, int count);

/* layers.c */
void model_forward(descent_model *m, int rows);
/* The forward pass of layers 0..last only (act[last + 1] holds their output). */
void model_forward_to(descent_model *m, int rows, int last);
/* Forward, loss and backward on the loaded rows: fills grads, returns the objective. */
double model_gradient(descent_model *m, int rows);
/* Forward, loss, backward and one update on the loaded rows. DESCENT_ERR_NONFINITE
 * when the loss is not finite (nothing changed) or the update would make
 * weights non-finite (those keep their values); err then says only which, so
 * the caller adds where it happened and what became of the model. */
descent_status model_step_loaded(descent_model *m, int rows, float *loss, descent_error *err);

/* optimizer.c */
/* The second half of model_step_loaded: the update from m->grads, given the
 * objective model_gradient returned (which it checks first). */
descent_status model_update(descent_model *m, double obj, descent_error *err);
/* The advice after model_step_loaded's DESCENT_ERR_NONFINITE, given the step's
 * loss and whether it was the first (no update before it could have caused
 * it): for a first non-finite loss, that no rate helps (with categorical
 * cross-entropy on a non-softmax output, why); a smaller epsilon for centered
 * RMSprop's refused update; otherwise a tenth of the learning rate. */
void model_nonfinite_advice(const descent_model *m, float loss, int first, char *buf, size_t size);
void optimizer_reset(descent_model *m);
/* Applies one update from m->grads; returns the count of weights kept because they would be non-finite. */
int optimizer_apply(descent_model *m);
int optimizer_slots(descent_optimizer_kind kind);
/* Σ Δ² of the last update over params[from .. from + count), recomputed from
 * the optimizer's state and the last step's gradient (m->last_grads must be 1). */
double optimizer_last_update_sumsq(const descent_model *m, size_t from, size_t count);

/* predict.c */
/* The workspace's rows for a pass over n rows in chunks: up to 256, halving
 * while memory is short; *chunk is the workspace's row count (at least one). */
descent_status model_chunk_rows(descent_model *m, int n, int *chunk, descent_error *err);

/* loss.c */
/* Mean over the batch of each row's data loss; with dp, also ∂L/∂p. */
double loss_forward_backward(descent_loss loss, const float *p, const float *y, int rows, int k, float *dp);
/* Mean data loss of the loaded batch plus the penalties; with grad, also
 * leaves ∂L/∂output in delta[0]. */
double model_objective(descent_model *m, int rows, int grad);
/* The L1/L2 penalty of the weights now in m->params. */
float model_penalty(const descent_model *m);
/* Correct predictions in the loaded batch (for the running accuracy); -1 for MSE. */
int model_batch_correct(const descent_model *m, int rows);

/* predict.c */
/* The mean data loss (no penalties, as TF.js evaluates) over rows (idx[i]
 * if idx, else 0..n-1) in workspace-sized chunks; correct receives the count of right predictions (-1 for MSE). */
descent_status model_evaluate_rows(descent_model *m, const float *x, const float *y, const int *idx, int n,
                                   double *loss, int *correct, descent_error *err);
/* model must not be NULL, n >= 1. */
descent_status model_check_rows(const descent_model *m, int n, descent_error *err);
/* Checks n rows of x (and y) are finite, naming the first bad cell. */
descent_status model_check_data(const descent_model *m, const float *x, const float *y, int n, const char *xname,
                                const char *yname, descent_error *err);

#endif
