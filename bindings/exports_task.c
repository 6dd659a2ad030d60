/* exports_task.c - the C ABI of the task recipe (core/task.c): a target's
 * task, the output heads that suit it and the one chosen, how labels map to
 * targets and predictions back to classes, hidden-layer lists as text and
 * numeric class names. bindings/task.mjs calls these. */
#include "exports.h"

#include <string.h>

static void pack_head(const descent_head *h, double *out)
{
    out[DJ_HEAD_task] = h->task;
    out[DJ_HEAD_classes] = h->classes;
    out[DJ_HEAD_units] = h->units;
    out[DJ_HEAD_activation] = h->activation;
    out[DJ_HEAD_loss] = h->loss;
    out[DJ_HEAD_signed_labels] = h->signed_labels;
    out[DJ_HEAD_low] = h->low;
    out[DJ_HEAD_high] = h->high;
    out[DJ_HEAD_threshold] = h->threshold;
}

/* A head from its packed doubles, as pack_head wrote them. */
static descent_head unpack_head(const double *f)
{
    descent_head h;
    memset(&h, 0, sizeof h);
    h.task = (descent_task)(int)f[DJ_HEAD_task];
    h.classes = (int)f[DJ_HEAD_classes];
    h.units = (int)f[DJ_HEAD_units];
    h.activation = (descent_activation)(int)f[DJ_HEAD_activation];
    h.loss = (descent_loss)(int)f[DJ_HEAD_loss];
    h.signed_labels = (int)f[DJ_HEAD_signed_labels];
    h.low = (float)f[DJ_HEAD_low];
    h.high = (float)f[DJ_HEAD_high];
    h.threshold = (float)f[DJ_HEAD_threshold];
    return h;
}

/* distinct arrives as a double: any count a JS number holds. */
API int dj_task_detect(int requested, int text, int all_integer, double distinct)
{
    return (int)descent_task_detect((descent_task)requested, text, all_integer, (int64_t)distinct);
}

API int dj_generator_task(int g) { return (int)descent_generator_task((descent_generator)g); }
API int dj_generator_features(int g) { return descent_generator_features((descent_generator)g); }
API int dj_output_allowed(int o, int task, int classes)
{
    return descent_output_allowed((descent_output)o, (descent_task)task, classes);
}
API int dj_output_resolve(int o, int task, int classes)
{
    return (int)descent_output_resolve((descent_output)o, (descent_task)task, classes);
}

/* out: DJ_HEAD_COUNT doubles (fields.h). */
API int dj_head_choose(int task, int classes, int outputs, int output, int activation, int loss, double *out)
{
    descent_head h;
    descent_status s = descent_head_choose((descent_task)task, classes, outputs, (descent_output)output, &h,
                                           &dj_last_error);
    if (s == DESCENT_OK && (activation != -1 || loss != -1))
        s = descent_head_override(&h, activation, loss, &dj_last_error);
    if (s == DESCENT_OK) pack_head(&h, out);
    return s;
}

API int dj_head_of_model(const descent_model *m, double *out)
{
    descent_head h;
    descent_status s = descent_head_of_model(m, &h, &dj_last_error);
    if (s == DESCENT_OK) pack_head(&h, out);
    return s;
}

API int dj_head_encode(const double *head, const int *labels, int n, float *y)
{
    descent_head h = unpack_head(head);
    return descent_head_encode(&h, labels, n, y, &dj_last_error);
}

API int dj_head_decode(const double *head, const float *pred, int n, int *labels)
{
    descent_head h = unpack_head(head);
    return descent_head_decode(&h, pred, n, labels, &dj_last_error);
}

/* probability: n outputs of a two-class head in place, as descent_head_probability. */
API void dj_head_probability(const double *head, float *values, int n)
{
    descent_head h = unpack_head(head);
    for (int i = 0; i < n; i++) values[i] = (float)descent_head_probability(&h, values[i]);
}

/* units and activations (may be NULL) receive max_layers ints; returns the status, *count the layers. */
API int dj_hidden_parse(const char *text, int max_layers, int *units, int *activations, int *count)
{
    return descent_hidden_parse(text, max_layers, units, activations, count, &dj_last_error);
}

API void dj_hidden_format(const int *units, const int *activations, int count, char *buf, int size)
{
    descent_hidden_format(units, activations, count, buf, (size_t)size);
}

API const char *dj_class_name_numeric(double value, const char *previous, char *buf, int size)
{
    return descent_class_name_numeric(value, previous, buf, (size_t)size);
}
