/* explore_lrfind.c - the learning-rate range test (Smith, 2017): a fit in
 * single batches through the trainer, the rate raised geometrically before
 * each, the smoothed loss watched for the point where it explodes. */
#include "descent_explore.h"
#include "model.h"

#include <math.h>

descent_lr_find_options descent_lr_find_defaults(void)
{
    descent_lr_find_options o = {1e-7, 10.0, 100, 32, 0.98, 4.0};
    return o;
}

static int record_loss(int epoch, int batch, float loss, void *user)
{
    (void)epoch;
    (void)batch;
    *(float *)user = loss;
    return 0;
}

static descent_status check_options(const descent_lr_find_options *o, descent_error *err)
{
    if (!o) return descent_fail(err, DESCENT_ERR_ARGUMENT, "options must not be NULL (use descent_lr_find_defaults())");
    descent_status s = descent_check_float("min", o->min_rate, DESCENT_RANGE_POSITIVE, err);
    if (s == DESCENT_OK) s = descent_check_float("max", o->max_rate, DESCENT_RANGE_POSITIVE, err);
    if (s != DESCENT_OK) return s;
    if (!(o->min_rate < o->max_rate))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "min (%g) must be below max (%g)", o->min_rate, o->max_rate);
    if (o->steps < 2 || o->steps > DESCENT_MAX_EPOCHS)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "steps must be in 2..%d (got %d)", DESCENT_MAX_EPOCHS, o->steps);
    if (o->batch_size < 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "batch_size must be >= 1 (got %d)", o->batch_size);
    if (!(o->smoothing >= 0.0 && o->smoothing < 1.0))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "smoothing must be in [0, 1) (got %g)", o->smoothing);
    if (!(o->explode > 1.0 && isfinite(o->explode)))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "explode must be a finite number > 1 (got %g)", o->explode);
    return DESCENT_OK;
}

descent_status descent_model_find_learning_rate(descent_model *m, const float *x, const float *y, int n,
                                                const descent_lr_find_options *o, double *rates, float *raw,
                                                float *smoothed, descent_lr_find_result *result, descent_error *err)
{
    descent_status s = model_check_rows(m, n, err);
    if (s == DESCENT_OK) s = check_options(o, err);
    if (s == DESCENT_OK && !(rates && raw && smoothed && result))
        s = descent_fail(err, DESCENT_ERR_ARGUMENT, "rates, raw, smoothed and result must not be NULL");
    if (s != DESCENT_OK) return s;
    result->count = 0;
    result->stopped_early = 0;
    result->suggested = -1;
    int batch = o->batch_size < n ? o->batch_size : n;
    int per_epoch = n / batch + (n % batch != 0);
    int epochs = o->steps / per_epoch + (o->steps % per_epoch != 0);
    float last = NAN;
    descent_fit_options fit = descent_fit_defaults();
    fit.epochs = epochs;
    fit.batch_size = batch;
    fit.on_batch = record_loss;
    fit.user = &last;
    descent_trainer *t = descent_trainer_create(m, x, y, n, &fit, err);
    if (!t) return err ? err->code : DESCENT_ERR_ARGUMENT;
    double ratio = o->max_rate / o->min_rate, avg = 0.0, beta_pow = 1.0, lowest = INFINITY;
    for (int k = 0; k < o->steps; k++) {
        double rate = k == o->steps - 1 ? o->max_rate : o->min_rate * exp(log(ratio) * k / (o->steps - 1));
        s = descent_model_set_learning_rate(m, rate, err);
        if (s == DESCENT_OK) s = descent_trainer_run(t, 1, err);
        if (s == DESCENT_ERR_NONFINITE || (s == DESCENT_OK && !isfinite(last))) {
            /* the rate blew the loss up: that is the test's end, not an error */
            result->stopped_early = 1;
            s = DESCENT_OK;
            break;
        }
        if (s != DESCENT_OK) break;
        avg = o->smoothing * avg + (1.0 - o->smoothing) * last;
        beta_pow *= o->smoothing;
        double value = avg / (1.0 - beta_pow);
        rates[k] = rate;
        raw[k] = last;
        smoothed[k] = (float)value;
        result->count = k + 1;
        if (value < lowest) lowest = value;
        if (value > o->explode * lowest || !isfinite(value)) {
            result->stopped_early = k + 1 < o->steps;
            break;
        }
    }
    descent_trainer_free(t);
    if (s != DESCENT_OK) return s;
    double best = INFINITY; /* in double, exact for two floats, so a caller recomputing it agrees */
    for (int i = 0; i + 1 < result->count; i++) {
        double fall = (double)smoothed[i + 1] - smoothed[i];
        if (fall < best) {
            best = fall;
            result->suggested = i;
        }
    }
    return DESCENT_OK;
}
