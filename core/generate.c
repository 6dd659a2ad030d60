/* generate.c - the toy data sets of the playground (after the TensorFlow
 * playground's), seeded, with the same bits natively and in wasm. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

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

descent_task descent_generator_task(descent_generator g)
{
    if ((unsigned)g >= DESCENT_GENERATORS) return DESCENT_TASK_AUTO;
    return g <= DESCENT_DATA_SPIRAL ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
}

int descent_generator_features(descent_generator g)
{
    if ((unsigned)g >= DESCENT_GENERATORS) return 0;
    return g == DESCENT_DATA_LINE || g == DESCENT_DATA_CURVE ? 1 : 2;
}

double descent_generator_extent(descent_generator g)
{
    if ((unsigned)g >= DESCENT_GENERATORS) return 0;
    return g == DESCENT_DATA_LINEAR4 || descent_generator_features(g) == 1 ? 1 : 6;
}

/* Features x1, x2 (or x), the target "label" (classes named by their values) or "y". */
static int set_generated_names(descent_dataset *ds)
{
    static const char *const xy[] = {"x1", "x2"};
    static const char *const x1[] = {"x"};
    const char *const *f = ds->features == 2 ? xy : x1;
    if (!(ds->feature_names = calloc((size_t)ds->features, sizeof(char *)))) return 0;
    for (int j = 0; j < ds->features; j++)
        if (!(ds->feature_names[j] = descent_strdup(f[j]))) return 0;
    if (!(ds->target_name = descent_strdup(ds->classes ? "label" : "y"))) return 0;
    if (ds->classes) {
        if (!(ds->class_names = calloc((size_t)ds->classes, sizeof(char *)))) return 0;
        char name[40], *previous = NULL;
        for (int c = 0; c < ds->classes; c++) {
            descent_class_name_numeric(c, previous, name, sizeof name);
            if (!(ds->class_names[c] = descent_strdup(name))) return 0;
            previous = ds->class_names[c];
        }
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
    if ((unsigned)kind >= DESCENT_GENERATORS) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "unknown generator %d", (int)kind);
        return NULL;
    }
    if (kind == DESCENT_DATA_LINEAR4) {
        n = 4;
        noise = 0;
    }
    if (n < 1 || n > DESCENT_MAX_GENERATE) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be in [1, %d], got %d", DESCENT_MAX_GENERATE, n);
        return NULL;
    }
    if (descent_check_float("noise", noise, DESCENT_RANGE_UNIT_CLOSED, err) != DESCENT_OK) return NULL;
    int binary = descent_generator_task(kind) == DESCENT_TASK_CLASSIFICATION;
    int two_d = descent_generator_features(kind) == 2;
    descent_dataset *ds = descent_dataset_create(n, two_d ? 2 : 1, 1, binary ? 2 : 0, err);
    if (!ds) return NULL;
    if (!set_generated_names(ds)) {
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
