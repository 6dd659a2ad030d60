/* data.c - datasets: creating and subsetting them, synthetic generators, and
 * preparing rows for training (standardization, train/test split, k folds).
 * Reading CSV is in csv.c, csv_dataset.c and csv_number.c. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define GENERATE_MAX_N 10000000

/* ------------------------------------------------------------- datasets */

descent_dataset *descent_dataset_create(int n, int features, int outputs, int classes, descent_error *err)
{
    if (n < 0) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 0, got %d", n);
        return NULL;
    }
    if (features < 1) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "features must be >= 1, got %d", features);
        return NULL;
    }
    if (outputs < 0) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "outputs must be >= 0, got %d", outputs);
        return NULL;
    }
    if (classes < 0 || classes == 1) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "classes must be 0 (regression) or >= 2, got %d", classes);
        return NULL;
    }
    /* Sizes checked before anything is allocated, so a request too large
     * fails with its sizes whichever array it is. */
    char what_x[64], what_y[64];
    descent_format(what_x, sizeof what_x, "a dataset of %d rows x %d features", n, features);
    descent_format(what_y, sizeof what_y, "a dataset of %d rows x %d outputs", n, outputs);
    size_t bytes;
    if (descent_size(&bytes, (uint64_t)n, (uint64_t)features, sizeof(float), what_x, err) != DESCENT_OK ||
        descent_size(&bytes, (uint64_t)n, (uint64_t)outputs, sizeof(float), what_y, err) != DESCENT_OK)
        return NULL;
    descent_dataset *ds = descent_zalloc(1, sizeof *ds, "a dataset", err);
    if (!ds) return NULL;
    ds->n = n;
    ds->features = features;
    ds->outputs = outputs;
    ds->classes = classes;
    /* At least one element, so an empty dataset still has non-NULL arrays. */
    uint64_t rows = (uint64_t)n;
    if (!(ds->x = descent_zalloc(rows * (uint64_t)features + 1, sizeof(float), what_x, err)) ||
        (outputs > 0 && !(ds->y = descent_zalloc(rows * (uint64_t)outputs + 1, sizeof(float), what_y, err))) ||
        (classes >= 2 && !(ds->labels = descent_zalloc(rows + 1, sizeof(int), "a dataset's labels", err)))) {
        descent_dataset_free(ds);
        return NULL;
    }
    return ds;
}

void descent_dataset_free(descent_dataset *ds)
{
    if (!ds) return;
    if (ds->feature_names) {
        for (int j = 0; j < ds->features; j++) free(ds->feature_names[j]);
        free(ds->feature_names);
    }
    if (ds->class_names) {
        for (int c = 0; c < ds->classes; c++) free(ds->class_names[c]);
        free(ds->class_names);
    }
    free(ds->target_name);
    free(ds->x);
    free(ds->y);
    free(ds->labels);
    free(ds);
}

/* Copies count strings (NULL entries stay NULL); NULL only when out of memory. */
static char **copy_names(char *const *names, int count)
{
    char **out = descent_zalloc((uint64_t)count + 1, sizeof *out, "names", NULL);
    if (!out) return NULL;
    for (int i = 0; i < count; i++) {
        if (names[i] && !(out[i] = descent_strdup(names[i]))) {
            for (int k = 0; k < i; k++) free(out[k]);
            free(out);
            return NULL;
        }
    }
    return out;
}

descent_dataset *descent_dataset_subset(const descent_dataset *ds, const int *idx, int m, descent_error *err)
{
    if (!ds) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "dataset is NULL");
        return NULL;
    }
    if (m < 0 || (m > 0 && !idx)) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "subset needs m >= 0 row indices, got m = %d%s", m,
                     idx ? "" : " and idx NULL");
        return NULL;
    }
    for (int i = 0; i < m; i++) {
        if (idx[i] < 0 || idx[i] >= ds->n) {
            descent_fail(err, DESCENT_ERR_ARGUMENT, "idx[%d] = %d is outside the dataset's rows [0, %d)", i, idx[i],
                         ds->n);
            return NULL;
        }
    }
    descent_dataset *out = descent_dataset_create(m, ds->features, ds->outputs, ds->classes, err);
    if (!out) return NULL;
    size_t f = (size_t)ds->features, o = (size_t)ds->outputs;
    for (int i = 0; i < m; i++) {
        size_t src = (size_t)idx[i];
        memcpy(out->x + (size_t)i * f, ds->x + src * f, f * sizeof(float));
        if (o && ds->y) memcpy(out->y + (size_t)i * o, ds->y + src * o, o * sizeof(float));
        if (out->labels && ds->labels) out->labels[i] = ds->labels[src];
    }
    if ((ds->feature_names && !(out->feature_names = copy_names(ds->feature_names, ds->features))) ||
        (ds->class_names && !(out->class_names = copy_names(ds->class_names, ds->classes))) ||
        (ds->target_name && !(out->target_name = descent_strdup(ds->target_name)))) {
        descent_dataset_free(out);
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory copying dataset names");
        return NULL;
    }
    return out;
}

/* ----------------------------------------------------------- generators */

static const char *const generator_names[] = {"circle",     "xor",     "gaussian", "spiral", "plane",
                                              "multigauss", "linear4", "line",     "curve"};
#define GENERATOR_COUNT ((int)(sizeof generator_names / sizeof generator_names[0]))

const char *descent_generator_name(descent_generator g)
{
    return (int)g >= 0 && (int)g < GENERATOR_COUNT ? generator_names[g] : NULL;
}

descent_status descent_generator_parse(const char *name, descent_generator *out, descent_error *err)
{
    if (name) {
        for (int i = 0; i < GENERATOR_COUNT; i++) {
            if (strcmp(name, generator_names[i]) == 0) {
                if (out) *out = (descent_generator)i;
                return DESCENT_OK;
            }
        }
    }
    char allowed[160] = "";
    for (int i = 0; i < GENERATOR_COUNT; i++) {
        strncat(allowed, generator_names[i], sizeof allowed - strlen(allowed) - 1);
        if (i + 1 < GENERATOR_COUNT) strncat(allowed, ", ", sizeof allowed - strlen(allowed) - 1);
    }
    char shown[64];
    return descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown generator '%s': expected one of %s",
                        name ? descent_show(shown, sizeof shown, name, strlen(name)) : "(null)", allowed);
}

/* sin for the generators' angles (|x| < 1000, given as float like the
 * sinf it replaces): reduced to [-pi/2, pi/2] in double, a Taylor series to
 * x^23 (error below 1e-17 there), rounded to float. libm's sinf and cosf
 * would bring 2 KB of large-argument reduction into the wasm module, and
 * libms differ in the last bit; this gives the same bits everywhere. */
static float gen_sin(double x)
{
    x -= 2 * PI * floor(x / (2 * PI) + 0.5);
    if (x > PI / 2) x = PI - x;
    else if (x < -PI / 2) x = -PI - x;
    double x2 = x * x, term = x, sum = x;
    for (int k = 1; k <= 11; k++) {
        term *= -x2 / (double)((2 * k) * (2 * k + 1));
        sum += term;
    }
    return (float)sum;
}

static float gen_cos(double x) { return gen_sin(x + PI / 2); }

static double uniform(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)rng_uniform(r);
}

static int set_generated_names(descent_dataset *ds, int two_d, const char *target)
{
    static const char *const xy[] = {"x1", "x2"};
    static const char *const x1[] = {"x"};
    const char *const *f = two_d ? xy : x1;
    if (!(ds->feature_names = calloc((size_t)ds->features, sizeof(char *)))) return 0;
    for (int j = 0; j < ds->features; j++)
        if (!(ds->feature_names[j] = descent_strdup(f[j]))) return 0;
    if (!(ds->target_name = descent_strdup(target))) return 0;
    if (ds->classes == 2) {
        if (!(ds->class_names = calloc(2, sizeof(char *)))) return 0;
        if (!(ds->class_names[0] = descent_strdup("0")) || !(ds->class_names[1] = descent_strdup("1"))) return 0;
    }
    return 1;
}

/* Sum of signed Gaussian bumps (sd 1.2) on a 3 x 2 grid with alternating
 * signs; neighbours are 4 apart, so the value stays within about [-1, 1]. */
static double bumps(double x1, double x2)
{
    static const double b[6][3] = {{-4, 2.5, 1}, {0, 2.5, -1}, {4, 2.5, 1}, {-4, -2.5, -1}, {0, -2.5, 1}, {4, -2.5, -1}};
    double s = 0;
    for (int i = 0; i < 6; i++) {
        double dx = x1 - b[i][0], dy = x2 - b[i][1];
        s += b[i][2] * (double)expf((float)(-(dx * dx + dy * dy) / (2 * 1.2 * 1.2)));
    }
    return s;
}

/* The 2-D sets follow the TensorFlow playground's, with noise 1 here being
 * the playground's maximum (50%). Binary sets alternate labels row by row
 * (row i has label i % 2), so any prefix or suffix is balanced too.
 *
 *   circle      R = 5; label 1: radius U(0, R/2), label 0: radius U(0.7R, R),
 *               angle U(0, 2pi); each coordinate += U(-R, R)·noise/2.
 *   xor         x1 ~ U(-5, 5), |x2| ~ U(0, 5), both pushed 0.3 from the axes,
 *               the sign of x2 chosen so that label = [x1·x2 >= 0];
 *               then each coordinate += U(-5, 5)·noise/2.
 *   gaussian    label 1 ~ N((2, 2), sd²I), label 0 ~ N((-2, -2), sd²I),
 *               sd = 0.5 + 3.5·noise.
 *   spiral      class with m points, j-th point: r = 5j/m,
 *               t = 1.75·2pi·j/m + (label 1 ? 0 : pi),
 *               (r sin t, r cos t) + U(-1, 1)·noise/2 per coordinate.
 *   plane       x1, x2 ~ U(-6, 6); y = (x1 + e1 + x2 + e2) / 12, e ~ U(-6, 6)·noise.
 *   multigauss  x1, x2 ~ U(-6, 6); y = bumps(x1 + e1, x2 + e2), e as for plane.
 *   linear4     X = [[1,1],[1,-1],[-1,1],[-1,-1]], y = x2 (n and noise ignored).
 *   line        x ~ U(-1, 1); y = 3x + noise·N(0, 1).
 *   curve       x ~ U(-1, 1); y = 0.8 sin(3x) + 0.3x + noise·N(0, 1), within about [-1, 1]. */
descent_dataset *descent_dataset_generate(descent_generator kind, int n, float noise, uint32_t seed,
                                          descent_error *err)
{
    if ((int)kind < 0 || (int)kind >= GENERATOR_COUNT) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown generator %d", (int)kind);
        return NULL;
    }
    if (kind == DESCENT_DATA_LINEAR4) {
        n = 4;
        noise = 0;
    }
    if (n < 1 || n > GENERATE_MAX_N) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be in [1, %d], got %d", GENERATE_MAX_N, n);
        return NULL;
    }
    if (descent_check_float("noise", noise, DESCENT_RANGE_UNIT_CLOSED, err) != DESCENT_OK) return NULL;
    int binary = kind <= DESCENT_DATA_SPIRAL;
    int two_d = kind != DESCENT_DATA_LINE && kind != DESCENT_DATA_CURVE;
    descent_dataset *ds = descent_dataset_create(n, two_d ? 2 : 1, 1, binary ? 2 : 0, err);
    if (!ds) return NULL;
    if (!set_generated_names(ds, two_d, binary ? "label" : "y")) {
        descent_dataset_free(ds);
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory naming the generated dataset");
        return NULL;
    }

    rng r;
    rng_seed(&r, seed, RNG_STREAM_DATA);
    double nz = noise;
    for (int i = 0; i < n; i++) {
        int label = i % 2;
        double a = 0, b = 0, y = 0;
        switch (kind) {
        case DESCENT_DATA_CIRCLE: {
            const double R = 5;
            double radius = label ? uniform(&r, 0, 0.5 * R) : uniform(&r, 0.7 * R, R);
            double angle = uniform(&r, 0, 2 * PI);
            a = radius * (double)gen_sin((float)angle) + uniform(&r, -R, R) * nz * 0.5;
            b = radius * (double)gen_cos((float)angle) + uniform(&r, -R, R) * nz * 0.5;
            break;
        }
        case DESCENT_DATA_XOR: {
            a = uniform(&r, -5, 5);
            a += a >= 0 ? 0.3 : -0.3;
            double m = uniform(&r, 0, 5) + 0.3;
            b = (a >= 0) == (label == 1) ? m : -m;
            a += uniform(&r, -5, 5) * nz * 0.5;
            b += uniform(&r, -5, 5) * nz * 0.5;
            break;
        }
        case DESCENT_DATA_GAUSSIAN: {
            double sd = 0.5 + 3.5 * nz, c = label ? 2 : -2;
            a = c + sd * rng_normal(&r);
            b = c + sd * rng_normal(&r);
            break;
        }
        case DESCENT_DATA_SPIRAL: {
            int m = (n - label + 1) / 2, j = i / 2;
            double rad = 5.0 * j / m;
            double t = 1.75 * 2 * PI * j / m + (label ? 0 : PI);
            a = rad * (double)gen_sin((float)t) + uniform(&r, -1, 1) * nz * 0.5;
            b = rad * (double)gen_cos((float)t) + uniform(&r, -1, 1) * nz * 0.5;
            break;
        }
        case DESCENT_DATA_PLANE:
        case DESCENT_DATA_MULTIGAUSS: {
            a = uniform(&r, -6, 6);
            b = uniform(&r, -6, 6);
            double pa = a + uniform(&r, -6, 6) * nz, pb = b + uniform(&r, -6, 6) * nz;
            y = kind == DESCENT_DATA_PLANE ? (pa + pb) / 12 : bumps(pa, pb);
            break;
        }
        case DESCENT_DATA_LINEAR4:
            a = i < 2 ? 1 : -1;
            b = i % 2 ? -1 : 1;
            y = b;
            break;
        case DESCENT_DATA_LINE:
            a = uniform(&r, -1, 1);
            y = 3 * a + nz * rng_normal(&r);
            break;
        case DESCENT_DATA_CURVE:
            a = uniform(&r, -1, 1);
            y = 0.8 * (double)gen_sin((float)(3 * a)) + 0.3 * a + nz * rng_normal(&r);
            break;
        }
        if (two_d) {
            ds->x[2 * (size_t)i] = (float)a;
            ds->x[2 * (size_t)i + 1] = (float)b;
        } else {
            ds->x[i] = (float)a;
        }
        if (binary) {
            ds->labels[i] = label;
            ds->y[i] = (float)label;
        } else {
            ds->y[i] = (float)y;
        }
    }
    return ds;
}

/* ------------------------------------------------------- standardization */

descent_status descent_standardize_fit(const float *x, int n, int columns, float *mean, float *std, descent_error *err)
{
    if (!x || !mean || !std) return descent_fail(err, DESCENT_ERR_ARGUMENT, "x, mean and std must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (columns < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "columns must be >= 1, got %d", columns);
    size_t bytes; /* n x columns floats that no array here could hold is a wrong n */
    descent_status s = descent_size(&bytes, (uint64_t)n, (uint64_t)columns, sizeof(float), "x", err);
    if (s != DESCENT_OK) return s;
    size_t cols = (size_t)columns;
    for (size_t j = 0; j < cols; j++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[(size_t)i * cols + j];
            if (!isfinite(v))
                return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                    "row %d, column %zu (0-based) is %g: cannot standardize a non-finite value", i, j,
                                    (double)v);
            sum += v;
        }
        double m = sum / n;
        /* Deviations from the mean, not E[x²] - m², which cancels badly. */
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = x[(size_t)i * cols + j] - m;
            ss += d * d;
        }
        double sd = sqrt(ss / n);
        if (!(sd >= 1e-12 * fmax(1.0, fabs(m))) || (float)sd == 0) sd = 1;
        mean[j] = (float)m;
        std[j] = (float)sd;
    }
    return DESCENT_OK;
}

descent_status descent_standardize_apply(float *x, int n, int columns, const float *mean, const float *std,
                                         descent_error *err)
{
    if (!x || !mean || !std) return descent_fail(err, DESCENT_ERR_ARGUMENT, "x, mean and std must not be NULL");
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (columns < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "columns must be >= 1, got %d", columns);
    size_t bytes;
    descent_status s = descent_size(&bytes, (uint64_t)n, (uint64_t)columns, sizeof(float), "x", err);
    if (s != DESCENT_OK) return s;
    size_t cols = (size_t)columns;
    for (size_t j = 0; j < cols; j++) {
        if (!isfinite(mean[j])) return descent_fail(err, DESCENT_ERR_ARGUMENT, "mean[%zu] is not finite", j);
        if (!(isfinite(std[j]) && std[j] > 0))
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "std[%zu] must be finite and > 0 (got %g)", j,
                                (double)std[j]);
    }
    /* Checked before anything is written, so a refusal leaves x as it was. */
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * cols;
        for (size_t j = 0; j < cols; j++)
            if (!isfinite((row[j] - mean[j]) / std[j]))
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "x[%d][%zu] is %g: standardized with mean %g and std "
                                    "%g it is not finite", i, j, (double)row[j], (double)mean[j], (double)std[j]);
    }
    for (int i = 0; i < n; i++) {
        float *row = x + (size_t)i * cols;
        for (size_t j = 0; j < cols; j++) row[j] = (row[j] - mean[j]) / std[j];
    }
    return DESCENT_OK;
}

/* ------------------------------------------------------ split and k folds */

typedef struct labelled_row {
    int label, row;
} labelled_row;

static int cmp_labelled(const void *a, const void *b)
{
    const labelled_row *p = a, *q = b;
    if (p->label != q->label) return (p->label > q->label) - (p->label < q->label);
    return (p->row > q->row) - (p->row < q->row);
}

static descent_status check_labels(const int *labels, int n, int classes, descent_error *err)
{
    if (classes < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "classes must be >= 1 with labels, got %d", classes);
    for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= classes)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "row %d: label %d is outside [0, %d)", i, labels[i],
                                classes);
    return DESCENT_OK;
}

/* Rows grouped by class (sorted by label, then row), so stratification does
 * not need an array as large as classes, which may be far above n. */
static labelled_row *group_by_label(const int *labels, int n, descent_error *err)
{
    labelled_row *g = descent_alloc((uint64_t)n, sizeof *g, "the rows grouped by class", err);
    if (!g) return NULL;
    for (int i = 0; i < n; i++) {
        g[i].label = labels[i];
        g[i].row = i;
    }
    qsort(g, (size_t)n, sizeof *g, cmp_labelled);
    return g;
}

/* Fisher-Yates over the row field of a group. */
static void shuffle_rows(rng *r, labelled_row *g, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = g[i].row;
        g[i].row = g[j].row;
        g[j].row = t;
    }
}

/* Train and test indices come back in a seeded random order (see
 * descent.h for why). With labels, class c sends floor(c_count·test_fraction) or one more row to test,
 * the extra rows going to the largest remainders so the total is n_test. */
descent_status descent_split(int n, const int *labels, int classes, float test_fraction, uint32_t seed, int *train_idx,
                             int *n_train, int *test_idx, int *n_test, descent_error *err)
{
    if (!train_idx || !n_train || !test_idx || !n_test)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "train_idx, n_train, test_idx and n_test must not be NULL");
    if (!(test_fraction >= 0 && test_fraction < 1))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "test_fraction must be in [0, 1), got %g", (double)test_fraction);
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (test_fraction > 0 && n < 2)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "cannot split 1 row: a test set needs n >= 2");
    /* train_idx and test_idx hold n ints each: an n no array here could hold
     * is refused before anything is written (its products would wrap in a
     * 32-bit build). */
    size_t bytes;
    descent_status st = descent_size(&bytes, (uint64_t)n, sizeof(int), 1, "the training indices", err);
    if (st != DESCENT_OK) return st;
    if (labels) {
        descent_status s = check_labels(labels, n, classes, err);
        if (s != DESCENT_OK) return s;
    }

    double want = (double)n * test_fraction;
    int nt = (int)floor(want + 0.5);
    if (test_fraction > 0 && nt < 1) nt = 1;
    if (nt > n - 1) nt = n - 1;
    if (test_fraction == 0) nt = 0;

    unsigned char *in_test = descent_zalloc((uint64_t)n, 1, "the test rows", err);
    labelled_row *g = NULL;
    if (!in_test) goto oom;
    rng r;
    rng_seed(&r, seed, RNG_STREAM_SPLIT);
    if (!labels) {
        int *perm = descent_alloc((uint64_t)n, sizeof *perm, "a permutation of the rows", err);
        if (!perm) goto oom;
        for (int i = 0; i < n; i++) perm[i] = i;
        rng_shuffle(&r, perm, n);
        for (int i = 0; i < nt; i++) in_test[perm[i]] = 1;
        free(perm);
    } else {
        if (!(g = group_by_label(labels, n, err))) goto oom;
        /* Per class run: start, size, quota and remainder of size·test_fraction. */
        int runs = 0;
        int *start = descent_alloc((uint64_t)n + 1, sizeof *start, "the classes' runs", err);
        int *quota = descent_alloc((uint64_t)n, sizeof *quota, "the classes' quotas", err);
        double *frac = descent_alloc((uint64_t)n, sizeof *frac, "the classes' remainders", err);
        if (!start || !quota || !frac) {
            free(start);
            free(quota);
            free(frac);
            goto oom;
        }
        for (int i = 0; i < n; i++)
            if (i == 0 || g[i].label != g[i - 1].label) start[runs++] = i;
        start[runs] = n;
        int assigned = 0;
        for (int c = 0; c < runs; c++) {
            int size = start[c + 1] - start[c];
            double q = size * (double)test_fraction;
            quota[c] = (int)floor(q);
            if (quota[c] > size) quota[c] = size;
            frac[c] = q - quota[c];
            assigned += quota[c];
        }
        /* Hand out the rest one row at a time to the largest remainders
         * (lowest class first on ties); a class is never bumped twice while
         * another can take a row, which keeps each within 1 of its share. */
        unsigned char *bumped = descent_zalloc((uint64_t)runs, 1, "the classes' marks", err);
        if (!bumped) {
            free(start);
            free(quota);
            free(frac);
            goto oom;
        }
        while (assigned < nt) {
            int best = -1;
            for (int pass = 0; pass < 2 && best < 0; pass++)
                for (int c = 0; c < runs; c++) {
                    int size = start[c + 1] - start[c];
                    if (quota[c] >= size || (pass == 0 && bumped[c])) continue;
                    if (best < 0 || frac[c] > frac[best]) best = c;
                }
            quota[best]++;
            bumped[best] = 1;
            frac[best] -= 1;
            assigned++;
        }
        while (assigned > nt) {
            int best = -1;
            for (int c = 0; c < runs; c++)
                if (quota[c] > 0 && (best < 0 || frac[c] < frac[best])) best = c;
            quota[best]--;
            frac[best] += 1;
            assigned--;
        }
        for (int c = 0; c < runs; c++) {
            labelled_row *run = g + start[c];
            shuffle_rows(&r, run, start[c + 1] - start[c]);
            for (int i = 0; i < quota[c]; i++) in_test[run[i].row] = 1;
        }
        free(bumped);
        free(start);
        free(quota);
        free(frac);
    }
    int a = 0, b = 0;
    for (int i = 0; i < n; i++) {
        if (in_test[i])
            test_idx[b++] = i;
        else
            train_idx[a++] = i;
    }
    /* Random order within each part, so rows taken from the end of the
     * training part (Keras' validation_split) are a random sample too. With
     * no test rows the order is left as it was. */
    if (b > 0) {
        rng_shuffle(&r, train_idx, a);
        rng_shuffle(&r, test_idx, b);
    }
    *n_train = a;
    *n_test = b;
    free(in_test);
    free(g);
    return DESCENT_OK;
oom: /* err names the allocation */
    free(in_test);
    free(g);
    return DESCENT_ERR_MEMORY;
}

/* Rows are shuffled (within each class, classes one after another when
 * stratified) and dealt to folds by position mod k; a class then fills a
 * contiguous run of positions, so its count per fold differs by at most one. */
descent_status descent_kfold(int n, int k, const int *labels, int classes, uint32_t seed, int *fold, descent_error *err)
{
    if (!fold) return descent_fail(err, DESCENT_ERR_ARGUMENT, "fold must not be NULL");
    if (n < 2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "k-fold needs n >= 2 rows, got %d", n);
    if (k < 2 || k > n) return descent_fail(err, DESCENT_ERR_ARGUMENT, "k must be in [2, n] = [2, %d], got %d", n, k);
    size_t bytes; /* fold holds n ints: see descent_split */
    descent_status st = descent_size(&bytes, (uint64_t)n, sizeof(int), 1, "the folds", err);
    if (st != DESCENT_OK) return st;
    if (labels) {
        descent_status s = check_labels(labels, n, classes, err);
        if (s != DESCENT_OK) return s;
    }
    rng r;
    rng_seed(&r, seed, RNG_STREAM_KFOLD);
    if (!labels) {
        int *perm = descent_alloc((uint64_t)n, sizeof *perm, "a permutation of the rows", err);
        if (!perm) return err ? err->code : DESCENT_ERR_MEMORY;
        for (int i = 0; i < n; i++) perm[i] = i;
        rng_shuffle(&r, perm, n);
        for (int p = 0; p < n; p++) fold[perm[p]] = p % k;
        free(perm);
        return DESCENT_OK;
    }
    labelled_row *g = group_by_label(labels, n, err);
    if (!g) return DESCENT_ERR_MEMORY;
    for (int s = 0, e; s < n; s = e) {
        for (e = s + 1; e < n && g[e].label == g[s].label; e++) {
        }
        shuffle_rows(&r, g + s, e - s);
    }
    for (int p = 0; p < n; p++) fold[g[p].row] = p % k;
    free(g);
    return DESCENT_OK;
}
