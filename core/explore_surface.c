/* explore_surface.c - the loss on a plane through weight space: the plane's
 * directions (filter-normalized random ones, or a path's principal
 * components), a path's coordinates in it, and the loss on a grid of it,
 * each point evaluated as descent_model_evaluate does. */
#include "descent_explore.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static descent_status check_grid(const descent_surface_grid *g, descent_error *err)
{
    if (!g) return descent_fail(err, DESCENT_ERR_ARGUMENT, "grid must not be NULL");
    if (g->resolution < 2 || g->resolution > DESCENT_MAX_SURFACE_RESOLUTION)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "resolution must be in 2..%d (got %d)",
                            DESCENT_MAX_SURFACE_RESOLUTION, g->resolution);
    const char *names[2] = {"alpha", "beta"};
    const double lo[2] = {g->alpha_lo, g->beta_lo}, hi[2] = {g->alpha_hi, g->beta_hi};
    for (int a = 0; a < 2; a++) {
        if (!(isfinite((float)lo[a]) && isfinite((float)hi[a]) && (float)lo[a] < (float)hi[a]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "the %s range must be two finite float32 numbers, low "
                                "below high (got %g to %g)", names[a], lo[a], hi[a]);
    }
    return DESCENT_OK;
}

descent_status descent_surface_axis(const descent_surface_grid *g, int axis, float *out, descent_error *err)
{
    descent_status s = check_grid(g, err);
    if (s != DESCENT_OK) return s;
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    double lo = axis ? g->beta_lo : g->alpha_lo, hi = axis ? g->beta_hi : g->alpha_hi;
    for (int i = 0; i < g->resolution; i++) out[i] = (float)(lo + (hi - lo) * i / (g->resolution - 1));
    return DESCENT_OK;
}

descent_status descent_model_loss_surface(descent_model *m, const float *x, const float *y, int n, const float *d1,
                                          const float *d2, const descent_surface_grid *g, float *loss,
                                          descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK) s = check_grid(g, err);
    if (s == DESCENT_OK && !(d1 && d2 && loss))
        s = descent_fail(err, DESCENT_ERR_ARGUMENT, "d1, d2 and loss must not be NULL");
    if (s == DESCENT_OK) s = model_check_data(m, x, y, n, "x", "y", err);
    if (s != DESCENT_OK) return s;
    int res = g->resolution;
    size_t np = m->n_params;
    float *theta = descent_alloc(np, sizeof(float), "a copy of the weights", err);
    float *axes = theta ? descent_alloc((uint64_t)res, 2 * sizeof(float), "the grid", err) : NULL;
    if (!axes) {
        free(theta);
        return err ? err->code : DESCENT_ERR_MEMORY;
    }
    descent_surface_axis(g, 0, axes, NULL);
    descent_surface_axis(g, 1, axes + res, NULL);
    memcpy(theta, m->params, sizeof(float) * np);
    float *w = m->params;
    for (int j = 0; j < res && s == DESCENT_OK; j++) {
        float b = axes[res + j];
        for (int i = 0; i < res && s == DESCENT_OK; i++) {
            float a = axes[i];
            for (size_t k = 0; k < np; k++) {
                float along = theta[k] + a * d1[k];
                w[k] = along + b * d2[k];
            }
            double v;
            s = model_evaluate_rows(m, x, y, NULL, n, &v, NULL, err);
            loss[(size_t)j * res + i] = (float)v;
        }
    }
    memcpy(m->params, theta, sizeof(float) * np);
    free(theta);
    free(axes);
    return s;
}

descent_status descent_model_random_directions(const descent_model *m, uint32_t seed, float *d1, float *d2,
                                               descent_error *err)
{
    if (!m) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model must not be NULL");
    if (!d1 || !d2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "d1 and d2 must not be NULL");
    rng r;
    rng_seed(&r, seed, RNG_STREAM_SURFACE);
    float *dirs[2] = {d1, d2};
    for (int d = 0; d < 2; d++) {
        float *v = dirs[d];
        memset(v, 0, sizeof(float) * m->n_params);
        for (int l = 0; l < m->n_layers; l++) {
            const layer *L = &m->layers[l];
            float *dk = v + L->w_off;
            const float *wk = m->params + L->w_off;
            for (size_t i = 0; i < (size_t)L->in * L->out; i++) dk[i] = (float)rng_normal(&r);
            /* one filter = the kernel column into unit j */
            for (int j = 0; j < L->out; j++) {
                double dn = 0.0, wn = 0.0;
                for (int i = 0; i < L->in; i++) {
                    size_t at = (size_t)i * L->out + j;
                    dn += (double)dk[at] * dk[at];
                    wn += (double)wk[at] * wk[at];
                }
                double scale = dn > 0.0 ? sqrt(wn) / sqrt(dn) : 0.0;
                for (int i = 0; i < L->in; i++) dk[(size_t)i * L->out + j] = (float)(dk[(size_t)i * L->out + j] * scale);
            }
        }
    }
    return DESCENT_OK;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static void normalize(double *v, size_t n)
{
    double len = sqrt(dot(v, v, n));
    if (len > 0.0)
        for (size_t i = 0; i < n; i++) v[i] /= len;
}

/* out = Cᵀ(C v) for the centred points C (count × n), with v first made
 * orthogonal to `away` (NULL for none); returns Σ (Cv)², v's variance. */
static double cov_times(const float *pts, const double *mean, int count, size_t n, double *v, const double *away,
                        double *out)
{
    if (away) {
        double c = dot(v, away, n);
        for (size_t k = 0; k < n; k++) v[k] -= c * away[k];
    }
    memset(out, 0, sizeof(double) * n);
    double var = 0.0;
    for (int r = 0; r < count; r++) {
        const float *p = pts + (size_t)r * n;
        double s = 0.0;
        for (size_t k = 0; k < n; k++) s += (p[k] - mean[k]) * v[k];
        var += s * s;
        for (size_t k = 0; k < n; k++) out[k] += s * (p[k] - mean[k]);
    }
    return var;
}

/* The leading eigenvector of the covariance (orthogonal to away) into v, by
 * power iteration from the centred point with the most variance left;
 * returns its eigenvalue (Σ over points, not divided by count). */
static double leading(const float *pts, const double *mean, int count, size_t n, const double *away, double *v,
                      double *tmp)
{
    double best = -1.0;
    for (int r = 0; r < count; r++) {
        const float *p = pts + (size_t)r * n;
        for (size_t k = 0; k < n; k++) tmp[k] = p[k] - mean[k];
        if (away) {
            double c = dot(tmp, away, n);
            for (size_t k = 0; k < n; k++) tmp[k] -= c * away[k];
        }
        double len = dot(tmp, tmp, n);
        if (len > best) {
            best = len;
            memcpy(v, tmp, sizeof(double) * n);
        }
    }
    if (!(best > 1e-24)) return 0.0; /* nothing left: no direction */
    normalize(v, n);
    for (int it = 0; it < 1000; it++) {
        cov_times(pts, mean, count, n, v, away, tmp);
        if (away) {
            double c = dot(tmp, away, n);
            for (size_t k = 0; k < n; k++) tmp[k] -= c * away[k];
        }
        normalize(tmp, n);
        double agree = fabs(dot(tmp, v, n));
        memcpy(v, tmp, sizeof(double) * n);
        if (agree > 1.0 - 1e-13) break;
    }
    return cov_times(pts, mean, count, n, v, away, tmp);
}

descent_status descent_path_pca(const float *pts, int count, int params, float *d1, float *d2, double *variance,
                                descent_error *err)
{
    if (!pts || !d1 || !d2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "points, d1 and d2 must not be NULL");
    if (count < 2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "a path needs at least 2 points (got %d)", count);
    if (params < 2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "a plane needs at least 2 weights (got %d)", params);
    size_t n = (size_t)params;
    for (size_t i = 0; i < (size_t)count * n; i++)
        if (!isfinite(pts[i]))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "the path's point %zu, weight %zu is not finite", i / n,
                                i % n);
    double *buf = descent_alloc(n, 4 * sizeof(double), "the principal components", err);
    if (!buf) return err ? err->code : DESCENT_ERR_MEMORY;
    double *mean = buf, *v1 = buf + n, *v2 = buf + 2 * n, *tmp = buf + 3 * n;
    memset(mean, 0, sizeof(double) * n);
    for (int r = 0; r < count; r++)
        for (size_t k = 0; k < n; k++) mean[k] += pts[(size_t)r * n + k];
    for (size_t k = 0; k < n; k++) mean[k] /= count;
    double total = 0.0;
    for (int r = 0; r < count; r++)
        for (size_t k = 0; k < n; k++) total += (pts[(size_t)r * n + k] - mean[k]) * (pts[(size_t)r * n + k] - mean[k]);
    double l1 = leading(pts, mean, count, n, NULL, v1, tmp);
    if (l1 == 0.0) { /* every point the same: any two axes */
        memset(v1, 0, sizeof(double) * n);
        v1[0] = 1.0;
    }
    double l2 = leading(pts, mean, count, n, v1, v2, tmp);
    if (l2 == 0.0) { /* a straight path: the axis least along v1, made orthogonal to it */
        size_t least = 0;
        for (size_t k = 1; k < n; k++)
            if (fabs(v1[k]) < fabs(v1[least])) least = k;
        memset(v2, 0, sizeof(double) * n);
        v2[least] = 1.0;
        double c = dot(v2, v1, n);
        for (size_t k = 0; k < n; k++) v2[k] -= c * v1[k];
        normalize(v2, n);
    }
    for (size_t k = 0; k < n; k++) {
        d1[k] = (float)v1[k];
        d2[k] = (float)v2[k];
    }
    if (variance) {
        variance[0] = total > 0.0 ? l1 / total : 0.0;
        variance[1] = total > 0.0 ? l2 / total : 0.0;
    }
    free(buf);
    return DESCENT_OK;
}

descent_status descent_path_project(const float *pts, int count, int params, const float *theta, const float *d1,
                                    const float *d2, float *coords, descent_error *err)
{
    if (!pts || !theta || !d1 || !d2 || !coords)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "points, theta, d1, d2 and coords must not be NULL");
    if (count < 1 || params < 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "a path needs points and weights (got %d and %d)", count, params);
    double g11 = 0.0, g12 = 0.0, g22 = 0.0;
    for (int k = 0; k < params; k++) {
        g11 += (double)d1[k] * d1[k];
        g12 += (double)d1[k] * d2[k];
        g22 += (double)d2[k] * d2[k];
    }
    double det = g11 * g22 - g12 * g12;
    if (!(det > 1e-12 * g11 * g22))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the directions d1 and d2 are parallel or zero: they span no plane");
    for (int r = 0; r < count; r++) {
        const float *p = pts + (size_t)r * params;
        double b1 = 0.0, b2 = 0.0;
        for (int k = 0; k < params; k++) {
            double d = (double)p[k] - theta[k];
            b1 += d * d1[k];
            b2 += d * d2[k];
        }
        coords[2 * r] = (float)((g22 * b1 - g12 * b2) / det);
        coords[2 * r + 1] = (float)((g11 * b2 - g12 * b1) / det);
    }
    return DESCENT_OK;
}

void descent_surface_fit(const float *coords, int count, descent_surface_grid *g)
{
    double lo[2] = {0.0, 0.0}, hi[2] = {0.0, 0.0};
    for (int r = 0; r < count; r++)
        for (int a = 0; a < 2; a++) {
            double c = coords[2 * r + a];
            if (!isfinite(c)) continue;
            if (c < lo[a]) lo[a] = c;
            if (c > hi[a]) hi[a] = c;
        }
    for (int a = 0; a < 2; a++) {
        double span = hi[a] - lo[a];
        if (!(span > 1e-6)) {
            lo[a] = -1.0;
            hi[a] = 1.0;
        } else {
            lo[a] -= span / 5;
            hi[a] += span / 5;
        }
    }
    g->alpha_lo = lo[0];
    g->alpha_hi = hi[0];
    g->beta_lo = lo[1];
    g->beta_hi = hi[1];
}
