/* descent_explore.h - tools to look at gradient descent itself: the gradient
 * inspector, the learning-rate range test, the optimizer race and the loss
 * surface. Each is computed by the core from the model's own forward,
 * backward and fit code, so what it shows is what training does.
 *
 * "The loss" below is what descent_model_evaluate returns: the mean data loss
 * over the rows given, without the L1/L2 penalties (as TF.js evaluates).
 * Training losses (the learning-rate test's, the race's histories) are the
 * training objective, penalties included, as descent_model_fit reports them.
 *
 * Example: the gradient's size in each layer, then a 32 x 32 loss surface
 * around the weights along two filter-normalized random directions.
 *
 *     descent_layer_stats stats[2];
 *     descent_model_gradient_stats(model, x, y, n, stats, NULL, &err);
 *     float *d1 = malloc(4 * params), *d2 = malloc(4 * params), loss[32 * 32];
 *     descent_model_random_directions(model, 7, d1, d2, &err);
 *     descent_surface_grid grid = {-1, 1, -1, 1, 32};
 *     descent_model_loss_surface(model, x, y, n, d1, d2, &grid, loss, &err);
 */
#ifndef DESCENT_EXPLORE_H
#define DESCENT_EXPLORE_H

#include "descent.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ gradient inspector */

typedef struct descent_layer_stats {
    double kernel_grad_norm;        /* ||∂L/∂W||₂ of the loss on the rows given */
    double bias_grad_norm;          /* ||∂L/∂b||₂; NaN for a layer without bias */
    double kernel_norm;             /* ||W||₂ */
    double update_ratio;            /* ||ΔW||₂ / ||W||₂ of the kernel's last optimizer update; NaN before any
                                       (see descent_model_gradient_stats) or when ||W|| is 0 */
    double dead_share;              /* relu layers: the share of units whose output is 0 on every row; NaN otherwise */
} descent_layer_stats;

/* Fills out[0 .. layers-1] for n rows (x n·inputs, y n·outputs, raw: the
 * scalers are applied). The gradient is the exact gradient of what
 * descent_model_evaluate returns on these rows (the mean data loss; the
 * penalties are left out, as evaluate leaves them out), computed by the
 * training code's backward pass over all n rows in chunks. grad (may be NULL)
 * receives it whole, in the layout of descent_model_params.
 * The last update is recomputed from the optimizer's state and the gradient
 * of the last step, which the model keeps until the next one; after a
 * create, load, clone, optimizer reset or a fit's rollback there is none
 * until the next step (update_ratio NaN). The model's weights, optimizer
 * state and that last gradient are left as they were. A loss that is not
 * finite on these rows is DESCENT_ERR_NONFINITE. */
descent_status descent_model_gradient_stats(descent_model *model, const float *x, const float *y, int n,
                                            descent_layer_stats *out, float *grad, descent_error *err);

/* --------------------------------------------------- learning-rate finder
 * Smith (2017)'s range test: one optimizer step per batch, the learning rate
 * growing geometrically from min_rate to max_rate over `steps` steps
 * (rate_k = min_rate·(max_rate/min_rate)^(k/(steps-1))), batches drawn as
 * descent_model_fit draws them (the model's shuffle stream, epoch after
 * epoch). The loss of each step is smoothed by an exponential moving average
 * with bias correction: avg_k = β·avg_{k-1} + (1-β)·loss_k, smoothed_k =
 * avg_k / (1 - β^(k+1)), β = `smoothing`. The test stops early, that step
 * still recorded, when the smoothed loss exceeds `explode` times the lowest
 * smoothed loss so far, or at a non-finite loss (not recorded). The
 * suggestion is the rate where the smoothed loss falls fastest: rates[i] for
 * the i that minimises smoothed[i+1] - smoothed[i] (the rates are evenly
 * spaced on a log axis, so this is the steepest slope against log rate). */
typedef struct descent_lr_find_options {
    double min_rate, max_rate;      /* 0 < min_rate < max_rate, each a float32 > 0 */
    int steps;                      /* 2..DESCENT_MAX_EPOCHS */
    int batch_size;                 /* >= 1 (n at most) */
    double smoothing;               /* β in [0, 1); 0.98 by default */
    double explode;                 /* > 1; 4 by default */
} descent_lr_find_options;

/* min 1e-7, max 10, 100 steps, batch 32, smoothing 0.98, explode 4. */
descent_lr_find_options descent_lr_find_defaults(void);

typedef struct descent_lr_find_result {
    int count;                      /* steps recorded (<= steps) */
    int stopped_early;              /* 1 when the loss exploded before max_rate */
    int suggested;                  /* index into rates of the suggestion, -1 with fewer than 2 steps */
} descent_lr_find_result;

/* Trains `model` (its weights and optimizer state change: pass a fresh model
 * or a clone) and writes up to options->steps entries of rates (the rate each
 * step used), raw (each step's training loss) and smoothed. */
descent_status descent_model_find_learning_rate(descent_model *model, const float *x, const float *y, int n,
                                                const descent_lr_find_options *options, double *rates, float *raw,
                                                float *smoothed, descent_lr_find_result *result, descent_error *err);

/* --------------------------------------------------------- optimizer race
 * Each optimizer trains a clone of `start` (the same weights and shuffle
 * stream, so the same batches) for `epochs` epochs of descent_model_fit with
 * batch_size and its optimizer state fresh: exactly what creating the model
 * with that optimizer and fitting it would do. */
typedef struct descent_race_result {
    int epochs;                     /* epochs completed (< epochs when the run diverged) */
    descent_status status;          /* the fit's: DESCENT_OK, or DESCENT_ERR_NONFINITE when it diverged */
} descent_race_result;

/* For optimizer i: history[i·epochs + e] the training loss of epoch e (as
 * fit's history), path[(i·(epochs + 1) + e)·params] the weights (layout of
 * descent_model_params) at the start (e = 0) and after epoch e - 1 (entries
 * past a diverged run's last epoch are NaN). *initial_loss: the training
 * objective (data loss on all n rows plus penalties) of start's weights, the
 * common starting point of every curve. The sizes are the caller's to
 * allocate; DESCENT_ERR_ARGUMENT for a bad optimizer spec (named by index). */
descent_status descent_model_race(const descent_model *start, const descent_optimizer_spec *optimizers, int count,
                                  const float *x, const float *y, int n, int epochs, int batch_size,
                                  float *initial_loss, float *history, float *path, descent_race_result *results,
                                  descent_error *err);

/* ----------------------------------------------------------- loss surface */

/* The grid: resolution points from lo to hi on each axis, ends included
 * (alpha_i = lo + (hi - lo)·i/(resolution - 1), as a float32). */
typedef struct descent_surface_grid {
    double alpha_lo, alpha_hi, beta_lo, beta_hi; /* finite, lo < hi */
    int resolution;                 /* 2..DESCENT_MAX_SURFACE_RESOLUTION (descent.h) */
} descent_surface_grid;

/* The grid's coordinates along one axis (0 alpha, 1 beta) into out[resolution]. */
descent_status descent_surface_axis(const descent_surface_grid *grid, int axis, float *out, descent_error *err);

/* loss[j·resolution + i] = the loss on the n rows of the weights
 * θ + alpha_i·d1 + beta_j·d2, each weight computed in float32 as
 * (θ + alpha_i·d1) + beta_j·d2, θ the model's weights, which are restored
 * afterwards. A point whose loss is not finite is left so (NaN or infinity). */
descent_status descent_model_loss_surface(descent_model *model, const float *x, const float *y, int n,
                                          const float *d1, const float *d2, const descent_surface_grid *grid,
                                          float *loss, descent_error *err);

/* Two filter-normalized random directions (Li et al., 2018): for each unit of
 * each layer, the kernel column into it is drawn from N(0, 1) and scaled to
 * the norm of that column of the model's kernel; bias entries are 0 (the
 * biases stay fixed, as Li et al. leave them). Same seed, same directions. */
descent_status descent_model_random_directions(const descent_model *model, uint32_t seed, float *d1, float *d2,
                                               descent_error *err);

/* The first two principal components of points (count rows of params
 * floats, e.g. a race's path): the unit eigenvectors of the covariance of the
 * points about their mean with the largest eigenvalues, by power iteration
 * (deflated for the second), so d1 and d2 are orthonormal. variance (may be
 * NULL) receives the two eigenvalues' shares of the total variance. A path
 * that does not span two dimensions gets an arbitrary orthonormal second
 * direction. count >= 2. */
descent_status descent_path_pca(const float *points, int count, int params, float *d1, float *d2, double *variance,
                                descent_error *err);

/* Coordinates (a, b) of each point p in the plane θ + a·d1 + b·d2: the least
 * squares solution of p - θ ≈ a·d1 + b·d2, into coords[2·count]. */
descent_status descent_path_project(const float *points, int count, int params, const float *theta, const float *d1,
                                    const float *d2, float *coords, descent_error *err);

/* A grid range that shows the projected path and θ (the origin): each axis
 * covers the coordinates and 0 with a margin of a fifth of their span on
 * each side; an axis the path does not move along gets [-1, 1]. */
void descent_surface_fit(const float *coords, int count, descent_surface_grid *grid);

#ifdef __cplusplus
}
#endif
#endif
