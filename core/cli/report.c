/* report.c - what train, evaluate and tune print about a model: the loss and
 * scores on a set of rows (the head's metrics, with the model's class names
 * and a confusion matrix), and its weights. Names from files are escaped. */
#include "tool.h"
#include "escape.h"

#include <stdlib.h>
#include <string.h>

void csv_field(FILE *f, const char *s)
{
    int quote = s[strcspn(s, ",\"")] || s[0] == ' ' || (*s && s[strlen(s) - 1] == ' ');
    if (quote) fputc('"', f);
    escape_put(f, s, quote);
    if (quote) fputc('"', f);
}

/* A name from a file in a column of width characters, escaped (left-aligned with left). */
static void put_column(FILE *f, const char *s, int width, int left)
{
    int pad = width - (int)escape_length(s);
    if (!left) fprintf(f, "%*s", pad > 0 ? pad : 0, "");
    escape_put(f, s, 0);
    if (left) fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

static void print_confusion(FILE *f, const descent_model *m, const int *cm, int k)
{
    char buf[32];
    int width = 4;
    for (int i = 0; i < k; i++) {
        size_t len = escape_length(descent_model_class_label(m, i, buf, sizeof buf));
        if (len > (size_t)width) width = len < 200 ? (int)len : 200;
    }
    for (int i = 0; i < k * k; i++) {
        int len = snprintf(buf, sizeof buf, "%d", cm[i]);
        if (len > width) width = len;
    }
    fprintf(f, "  confusion (rows: actual, columns: predicted)\n    %*s", width, "");
    for (int j = 0; j < k; j++) {
        fputs("  ", f);
        put_column(f, descent_model_class_label(m, j, buf, sizeof buf), width, 0);
    }
    fputc('\n', f);
    for (int i = 0; i < k; i++) {
        fputs("    ", f);
        put_column(f, descent_model_class_label(m, i, buf, sizeof buf), width, 1);
        for (int j = 0; j < k; j++) fprintf(f, "  %*d", width, cm[(size_t)i * k + j]);
        fputc('\n', f);
    }
}

/* Regression scores are in target units since predict undoes the scaling. */
int report(descent_model *m, const char *title, const float *x, const float *y, int n)
{
    descent_error err;
    descent_head head;
    descent_head_of_model(m, &head, NULL);
    int k = head.classes;
    float loss;
    float *pred = malloc(sizeof(float) * (size_t)n * (size_t)head.units);
    int *cm = k ? calloc((size_t)k * (size_t)k, sizeof(int)) : NULL;
    descent_metrics met;
    int rc = EXIT_OK;
    if (!pred || (k && !cm)) {
        rc = runtime_error("out of memory for %d predictions", n);
        goto done;
    }
    if (descent_model_evaluate(m, x, y, n, &loss, &err) != DESCENT_OK ||
        descent_model_predict(m, x, n, pred, &err) != DESCENT_OK ||
        descent_head_metrics(&head, pred, y, n, cm, &met, &err) != DESCENT_OK) {
        rc = runtime_error("%s", err.message);
        goto done;
    }
    printf("%s: %d row%s\n  loss       %.6f\n", title, n, n == 1 ? "" : "s", (double)loss);
    if (k) {
        char buf[32], positive[256];
        printf("  accuracy   %.4f\n", met.accuracy);
        if (k == 2) {
            escape_into(positive, sizeof positive, descent_model_class_label(m, 1, buf, sizeof buf));
            printf("  precision  %.4f  (class '%s')\n", met.precision, positive);
            printf("  recall     %.4f  (class '%s')\n", met.recall, positive);
            printf("  f1         %.4f  (class '%s')\n", met.f1, positive);
        } else {
            printf("  precision  %.4f  (macro)\n  recall     %.4f  (macro)\n  f1         %.4f  (macro)\n",
                   met.precision, met.recall, met.f1);
        }
        print_confusion(stdout, m, cm, k);
    } else {
        printf("  mse        %.6g\n  rmse       %.6g\n  mae        %.6g\n  r2         %.4f\n", met.mse, met.rmse,
               met.mae, met.r2);
    }
done:
    free(pred);
    free(cm);
    return rc;
}

int print_weights(const descent_model *m)
{
    descent_error err;
    int in = descent_model_inputs(m);
    if (descent_model_input_mean(m)) printf("weights (on standardized inputs)\n");
    for (int l = 0; l < descent_model_layer_count(m); l++) {
        descent_layer_spec spec = descent_model_layer(m, l);
        int out = spec.units;
        float *kernel = malloc(sizeof(float) * (size_t)in * (size_t)out);
        float *bias = malloc(sizeof(float) * (size_t)out);
        if (!kernel || !bias) {
            free(kernel);
            free(bias);
            return runtime_error("out of memory");
        }
        if (descent_model_get_weights(m, l, kernel, spec.no_bias ? NULL : bias, &err) != DESCENT_OK) {
            free(kernel);
            free(bias);
            return runtime_error("%s", err.message);
        }
        printf("layer %d kernel [%d][%d]\n", l + 1, in, out);
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) printf("%s%.6f", j ? " " : "  ", (double)kernel[(size_t)i * out + j]);
            putchar('\n');
        }
        if (spec.no_bias) {
            printf("layer %d bias none\n", l + 1);
        } else {
            printf("layer %d bias [%d]\n", l + 1, out);
            for (int j = 0; j < out; j++) printf("%s%.6f", j ? " " : "  ", (double)bias[j]);
            putchar('\n');
        }
        free(kernel);
        free(bias);
        in = out;
    }
    return EXIT_OK;
}
