/* task.c - the task recipe: each decision the command line, tuning and the
 * page share, made once. The task of a target; the output head for a task
 * (output activation, loss, label encoding and decision threshold), with the
 * page's named heads and the CLI's overrides; encoding labels for a head and
 * decoding predictions back to classes, and the head's metrics; hidden-layer
 * lists as text; class names. Scalers are fitted in scale.c. */
#include "internal.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ tasks */

descent_task descent_task_detect(descent_task requested, int text, int all_integer, int64_t distinct)
{
    if (requested == DESCENT_TASK_CLASSIFICATION || requested == DESCENT_TASK_REGRESSION) return requested;
    if (text || (all_integer && distinct <= DESCENT_AUTO_MAX_CLASSES)) return DESCENT_TASK_CLASSIFICATION;
    return DESCENT_TASK_REGRESSION;
}

descent_task descent_dataset_task(const descent_dataset *d)
{
    return d && d->classes >= 2 ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
}

/* ------------------------------------------------------------------ heads */

/* Each named head's output activation and loss. */
static const struct {
    descent_activation activation;
    descent_loss loss;
} output_pairs[DESCENT_OUTPUTS] = {
    [DESCENT_OUTPUT_SIGMOID_BCE] = {DESCENT_ACT_SIGMOID, DESCENT_LOSS_BINARY_CROSSENTROPY},
    [DESCENT_OUTPUT_SIGMOID_MSE] = {DESCENT_ACT_SIGMOID, DESCENT_LOSS_MSE},
    [DESCENT_OUTPUT_TANH_MSE] = {DESCENT_ACT_TANH, DESCENT_LOSS_MSE},
    [DESCENT_OUTPUT_LINEAR_MSE] = {DESCENT_ACT_LINEAR, DESCENT_LOSS_MSE},
    [DESCENT_OUTPUT_SOFTMAX_CCE] = {DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY},
};

int descent_output_allowed(descent_output o, descent_task task, int classes)
{
    int two = task != DESCENT_TASK_REGRESSION && classes == 2;
    int more = task != DESCENT_TASK_REGRESSION && classes > 2;
    int regression = task == DESCENT_TASK_REGRESSION || (task == DESCENT_TASK_AUTO && classes < 2);
    switch (o) {
    case DESCENT_OUTPUT_AUTO: return 1;
    case DESCENT_OUTPUT_SIGMOID_BCE: return two;
    case DESCENT_OUTPUT_SIGMOID_MSE:
    case DESCENT_OUTPUT_TANH_MSE:
    case DESCENT_OUTPUT_LINEAR_MSE: return two || regression;
    case DESCENT_OUTPUT_SOFTMAX_CCE: return more;
    }
    return 0;
}

descent_output descent_output_resolve(descent_output o, descent_task task, int classes)
{
    if (o != DESCENT_OUTPUT_AUTO && descent_output_allowed(o, task, classes)) return o;
    if (task == DESCENT_TASK_REGRESSION || classes < 2) return DESCENT_OUTPUT_LINEAR_MSE;
    return classes == 2 ? DESCENT_OUTPUT_SIGMOID_BCE : DESCENT_OUTPUT_SOFTMAX_CCE;
}

/* The label encoding and threshold that follow from the head's pair: two
 * classes on a tanh or linear output trained by mse take -1 / +1, the
 * output's own range around 0, and are cut at 0; otherwise 0 / 1 cut at 0.5. */
static void settle(descent_head *h)
{
    h->signed_labels = 0;
    h->low = h->high = h->threshold = NAN;
    if (h->task != DESCENT_TASK_CLASSIFICATION) return;
    h->low = 0.0f;
    h->high = 1.0f;
    if (h->classes != 2) return;
    h->signed_labels = h->loss == DESCENT_LOSS_MSE &&
                       (h->activation == DESCENT_ACT_TANH || h->activation == DESCENT_ACT_LINEAR);
    if (h->signed_labels) h->low = -1.0f;
    h->threshold = (h->low + h->high) / 2;
}

descent_status descent_head_choose(descent_task task, int classes, int outputs, descent_output output,
                                   descent_head *out, descent_error *err)
{
    if (!out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "out must not be NULL");
    if (!descent_task_name(task)) return descent_fail(err, DESCENT_ERR_ARGUMENT, "task %d is not a task", (int)task);
    if (!descent_output_name(output))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "output %d is not one of 0..%d", (int)output,
                            DESCENT_OUTPUTS - 1);
    if (task == DESCENT_TASK_AUTO) task = classes >= 2 ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
    descent_head h;
    memset(&h, 0, sizeof h);
    h.task = task;
    if (task == DESCENT_TASK_CLASSIFICATION) {
        if (classes < 2 || classes > DESCENT_MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "classification needs 2..%d classes (got %d)",
                                DESCENT_MAX_UNITS, classes);
        h.classes = classes;
        h.units = classes == 2 ? 1 : classes;
    } else {
        if (outputs < 1 || outputs > DESCENT_MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "regression needs 1..%d target columns (got %d)",
                                DESCENT_MAX_UNITS, outputs);
        h.units = outputs;
    }
    if (!descent_output_allowed(output, task, h.classes)) {
        char allowed[160] = "auto";
        for (int o = 1; o < DESCENT_OUTPUTS; o++)
            if (descent_output_allowed((descent_output)o, task, h.classes)) {
                size_t used = strlen(allowed);
                descent_format(allowed + used, sizeof allowed - used, ", %s", descent_output_name((descent_output)o));
            }
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "output '%s' does not suit %s: use one of %s",
                            descent_output_name(output),
                            task == DESCENT_TASK_REGRESSION ? "regression"
                            : classes == 2                  ? "two classes"
                                                            : "more than two classes",
                            allowed);
    }
    descent_output o = descent_output_resolve(output, task, h.classes);
    h.activation = output_pairs[o].activation;
    h.loss = output_pairs[o].loss;
    settle(&h);
    *out = h;
    return DESCENT_OK;
}

descent_status descent_head_override(descent_head *h, int activation, int loss, descent_error *err)
{
    if (!h) return descent_fail(err, DESCENT_ERR_ARGUMENT, "head must not be NULL");
    if (activation != -1 && !descent_activation_name((descent_activation)activation))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "activation %d is not one of -1 (keep) or 0..%d", activation,
                            DESCENT_ACTIVATIONS - 1);
    if (loss != -1 && !descent_loss_name((descent_loss)loss))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "loss %d is not one of -1 (keep) or 0..%d", loss,
                            DESCENT_LOSSES - 1);
    descent_loss l = loss != -1 ? (descent_loss)loss : h->loss;
    /* A cross-entropy scores classes: on numbers it trains to nonsense (a
     * negative loss) and nothing can be scored as classes afterwards. */
    if (h->task != DESCENT_TASK_CLASSIFICATION && l != DESCENT_LOSS_MSE)
        return descent_fail(err, DESCENT_ERR_ARGUMENT,
                            "loss '%s' needs classes, and this target is numbers: use 'mse', or task "
                            "'classification' if its values are classes",
                            descent_loss_name(l));
    if (activation != -1) h->activation = (descent_activation)activation;
    h->loss = l;
    settle(h);
    return DESCENT_OK;
}

descent_status descent_head_of_model(const descent_model *m, descent_head *out, descent_error *err)
{
    if (!m || !out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "model and out must not be NULL");
    descent_head h;
    memset(&h, 0, sizeof h);
    int outputs = descent_model_outputs(m);
    h.units = outputs;
    h.loss = descent_model_loss(m);
    h.activation = descent_model_layer(m, descent_model_layer_count(m) - 1).activation;
    /* A model built through the API may lack names: its loss still says. */
    int classify = descent_model_class_count(m) >= 2 || h.loss != DESCENT_LOSS_MSE;
    h.task = classify ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
    if (classify) h.classes = outputs < 2 ? 2 : outputs;
    settle(&h);
    *out = h;
    return DESCENT_OK;
}

static descent_status check_classifier(const descent_head *h, int n, const void *in, const void *out,
                                       descent_error *err)
{
    if (!h || !in || !out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "head and arrays must not be NULL");
    if (h->task != DESCENT_TASK_CLASSIFICATION || h->classes < 2)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "the head is not a classifier (task %s, %d classes)",
                            descent_task_name(h->task) ? descent_task_name(h->task) : "?", h->classes);
    if (h->units != (h->classes == 2 ? 1 : h->classes))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "a head of %d classes has %d units, expected %d", h->classes,
                            h->units, h->classes == 2 ? 1 : h->classes);
    if (n < 0) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 0 (got %d)", n);
    size_t bytes;
    return descent_size(&bytes, (uint64_t)n, (uint64_t)h->units, sizeof(float), "the targets", err);
}

descent_status descent_head_encode(const descent_head *h, const int *labels, int n, float *y, descent_error *err)
{
    descent_status s = check_classifier(h, n, labels, y, err);
    if (s != DESCENT_OK) return s;
    for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= h->classes)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "labels[%d] is %d: expected a class in 0..%d", i,
                                labels[i], h->classes - 1);
    for (int i = 0; i < n; i++) {
        if (h->units == 1) {
            y[i] = labels[i] ? h->high : h->low;
        } else {
            float *row = y + (size_t)i * (size_t)h->units;
            for (int j = 0; j < h->units; j++) row[j] = 0.0f;
            row[labels[i]] = 1.0f;
        }
    }
    return DESCENT_OK;
}

descent_status descent_head_decode(const descent_head *h, const float *pred, int n, int *labels, descent_error *err)
{
    descent_status s = check_classifier(h, n, pred, labels, err);
    if (s != DESCENT_OK) return s;
    for (int i = 0; i < n; i++) {
        if (h->units == 1) {
            labels[i] = pred[i] >= h->threshold;
            continue;
        }
        const float *row = pred + (size_t)i * (size_t)h->units;
        int best = 0;
        for (int j = 1; j < h->units; j++)
            if (row[j] > row[best]) best = j; /* strict: the first maximum wins ties */
        labels[i] = best;
    }
    return DESCENT_OK;
}

double descent_head_probability(const descent_head *h, float output)
{
    if (!h || h->task != DESCENT_TASK_CLASSIFICATION || h->classes != 2 || isnan(output)) return NAN;
    double p = ((double)output - h->low) / ((double)h->high - h->low);
    return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

descent_status descent_head_metrics(const descent_head *h, const float *pred, const float *y, int n, int *confusion,
                                    descent_metrics *out, descent_error *err)
{
    if (!h) return descent_fail(err, DESCENT_ERR_ARGUMENT, "head must not be NULL");
    if (h->task == DESCENT_TASK_REGRESSION) return descent_metrics_regression(pred, y, n, h->units, out, err);
    if (h->units == 1)
        return descent_metrics_binary(pred, y, n, h->threshold, h->low, h->high, confusion, out, err);
    return descent_metrics_classification(pred, y, n, h->units, confusion, out, err);
}

/* ---------------------------------------------------------- hidden layers */

descent_status descent_hidden_parse(const char *text, int max_layers, int *units, int *activations, int *count,
                                    descent_error *err)
{
    if (!count || (max_layers > 0 && !units))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "units and count must not be NULL");
    if (max_layers < 0) return descent_fail(err, DESCENT_ERR_ARGUMENT, "max_layers must be >= 0 (got %d)", max_layers);
    *count = 0;
    if (!text || !*text || strcmp(text, "none") == 0) return DESCENT_OK;
    char shown[96];
    descent_show(shown, sizeof shown, text, strlen(text));
    const char *p = text;
    int n = 0;
    for (;;) {
        const char *start = p;
        long v = 0;
        while (*p >= '0' && *p <= '9') {
            if (v <= DESCENT_MAX_UNITS) v = v * 10 + (*p - '0');
            p++;
        }
        if (p == start || v < 1 || v > DESCENT_MAX_UNITS)
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "layers '%s': expected unit counts 1..%d separated by ',' or 'x' (like 8, 16,16 or "
                                "16x16)%s, or 'none'",
                                shown, DESCENT_MAX_UNITS, activations ? ", each maybe with its activation (16:relu)" : "");
        if (n == max_layers)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers '%s': at most %d hidden layers", shown, max_layers);
        units[n] = (int)v;
        if (activations) activations[n] = -1;
        if (*p == ':') {
            if (!activations)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers '%s': expected unit counts only, without "
                                    "':activation'", shown);
            const char *name = ++p;
            size_t len = strcspn(name, ",");
            char buf[32];
            descent_activation act;
            descent_error why;
            memcpy(buf, name, len < sizeof buf ? len : sizeof buf - 1);
            buf[len < sizeof buf ? len : sizeof buf - 1] = '\0';
            if (len >= sizeof buf || descent_activation_parse(buf, &act, &why) != DESCENT_OK)
                return descent_fail(err, DESCENT_ERR_ARGUMENT, "layers '%s', layer %d: %s", shown, n + 1,
                                    why.message);
            activations[n] = (int)act;
            p = name + len;
        }
        n++;
        if (*p == '\0') break;
        if (*p != ',' && !(*p == 'x' && p[-1] >= '0' && p[-1] <= '9')) {
            return descent_fail(err, DESCENT_ERR_ARGUMENT,
                                "layers '%s': unexpected '%c'; separate unit counts with ',' or 'x' (like 16,16 or "
                                "16x16)",
                                shown, (unsigned char)*p >= 0x20 && *p != 0x7F ? *p : '?');
        }
        p++;
    }
    *count = n;
    return DESCENT_OK;
}

void descent_hidden_format(const int *units, const int *activations, int count, char *buf, size_t size)
{
    if (!buf || size == 0) return;
    buf[0] = '\0';
    if (!units || count <= 0) {
        descent_format(buf, size, "none");
        return;
    }
    int named = activations != NULL;
    for (int i = 0; named && i < count; i++) named = descent_activation_name((descent_activation)activations[i]) != NULL;
    size_t used = 0;
    for (int i = 0; i < count && used < size; i++) {
        int w = named ? descent_format(buf + used, size - used, "%s%d:%s", i ? "," : "", units[i],
                                       descent_activation_name((descent_activation)activations[i]))
                      : descent_format(buf + used, size - used, "%s%d", i ? "x" : "", units[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* ------------------------------------------------------------ class names */

const char *descent_class_name_numeric(double value, const char *previous, char *buf, size_t size)
{
    if (!buf || size == 0) return buf;
    descent_format(buf, size, "%g", value);
    /* Distinct values can print alike at 6 digits; keep names distinct. */
    if (previous && strcmp(buf, previous) == 0) descent_format(buf, size, "%.17g", value);
    return buf;
}

const char *descent_model_class_label(const descent_model *m, int i, char *buf, size_t size)
{
    descent_head h;
    if (m && descent_head_of_model(m, &h, NULL) == DESCENT_OK && descent_model_class_count(m) == h.classes) {
        const char *name = descent_model_class_name(m, i);
        if (name) return name;
    }
    if (buf && size) descent_format(buf, size, "%d", i);
    return buf;
}
