/* exports_explore.c - the C ABI of descent_explore.h's explorers that build
 * their own models: the learning-rate range test, the optimizer race and the
 * loss surface, their structs as fields.h lays them out. Only in the tuning
 * build (explore.mjs runs them in a core instance's tuning twin), so the core
 * module stays small; the gradient inspector reads the live model and stays
 * in the core (exports_gradients.c). */
#include "exports.h"
#include "descent_explore.h"

/* o: DJ_LRFIND_COUNT doubles, the options in, the result's fields out;
 * rates, raw and smoothed: steps entries each. */
API int dj_model_find_learning_rate(descent_model *m, const float *x, const float *y, int n, double *o,
                                    double *rates, float *raw, float *smoothed)
{
    descent_lr_find_options opt = {o[DJ_LRFIND_min_rate], o[DJ_LRFIND_max_rate], (int)o[DJ_LRFIND_steps],
                                   (int)o[DJ_LRFIND_batch_size], o[DJ_LRFIND_smoothing], o[DJ_LRFIND_explode]};
    descent_lr_find_result r;
    int s = descent_model_find_learning_rate(m, x, y, n, &opt, rates, raw, smoothed, &r, &dj_last_error);
    if (s == DESCENT_OK) {
        o[DJ_LRFIND_count] = r.count;
        o[DJ_LRFIND_stopped_early] = r.stopped_early;
        o[DJ_LRFIND_suggested] = r.suggested;
    }
    return s;
}

API void dj_lr_find_defaults(double *o)
{
    descent_lr_find_options d = descent_lr_find_defaults();
    o[DJ_LRFIND_min_rate] = d.min_rate;
    o[DJ_LRFIND_max_rate] = d.max_rate;
    o[DJ_LRFIND_steps] = d.steps;
    o[DJ_LRFIND_batch_size] = d.batch_size;
    o[DJ_LRFIND_smoothing] = d.smoothing;
    o[DJ_LRFIND_explode] = d.explode;
}

/* opts: count x DJ_OPTIMIZER_COUNT doubles; results: count x 2 ints (epochs, status). */
API int dj_model_race(const descent_model *m, const double *opts, int count, const float *x, const float *y, int n,
                      int epochs, int batch_size, float *initial_loss, float *history, float *path, int *results)
{
    if (count < 1 || count > 64) return descent_fail(&dj_last_error, DESCENT_ERR_ARGUMENT,
                                                     "optimizers must list 1..64 optimizers (got %d)", count);
    descent_optimizer_spec specs[64];
    descent_race_result res[64];
    for (int i = 0; i < count; i++) specs[i] = dj_unpack_optimizer(opts + (size_t)i * DJ_OPTIMIZER_COUNT);
    int s = descent_model_race(m, specs, count, x, y, n, epochs, batch_size, initial_loss, history, path, res,
                               &dj_last_error);
    for (int i = 0; s == DESCENT_OK && i < count; i++) {
        results[2 * i] = res[i].epochs;
        results[2 * i + 1] = res[i].status;
    }
    return s;
}

static descent_surface_grid unpack_grid(const double *g)
{
    descent_surface_grid grid = {g[DJ_GRID_alpha_lo], g[DJ_GRID_alpha_hi], g[DJ_GRID_beta_lo], g[DJ_GRID_beta_hi],
                                 (int)g[DJ_GRID_resolution]};
    return grid;
}

API int dj_model_random_directions(const descent_model *m, double seed, float *d1, float *d2)
{
    return descent_model_random_directions(m, (uint32_t)seed, d1, d2, &dj_last_error);
}

/* variance: 2 doubles. */
API int dj_path_pca(const float *points, int count, int params, float *d1, float *d2, double *variance)
{
    return descent_path_pca(points, count, params, d1, d2, variance, &dj_last_error);
}

API int dj_path_project(const float *points, int count, int params, const float *theta, const float *d1,
                        const float *d2, float *coords)
{
    return descent_path_project(points, count, params, theta, d1, d2, coords, &dj_last_error);
}

/* g: DJ_GRID_COUNT doubles, its range set from coords (its resolution kept). */
API void dj_surface_fit(const float *coords, int count, double *g)
{
    descent_surface_grid grid = unpack_grid(g);
    descent_surface_fit(coords, count, &grid);
    g[DJ_GRID_alpha_lo] = grid.alpha_lo;
    g[DJ_GRID_alpha_hi] = grid.alpha_hi;
    g[DJ_GRID_beta_lo] = grid.beta_lo;
    g[DJ_GRID_beta_hi] = grid.beta_hi;
}

/* alphas, betas: resolution floats each; loss: resolution² floats. */
API int dj_model_loss_surface(descent_model *m, const float *x, const float *y, int n, const float *d1,
                              const float *d2, const double *g, float *alphas, float *betas, float *loss)
{
    descent_surface_grid grid = unpack_grid(g);
    int s = descent_surface_axis(&grid, 0, alphas, &dj_last_error);
    if (s == DESCENT_OK) s = descent_surface_axis(&grid, 1, betas, &dj_last_error);
    if (s == DESCENT_OK) s = descent_model_loss_surface(m, x, y, n, d1, d2, &grid, loss, &dj_last_error);
    return s;
}
