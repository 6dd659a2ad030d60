/* report.c - what train, evaluate and tune print about a model: the loss and
 * scores on a set of rows (the head's metrics, with the model's class names
 * and a confusion matrix), as text or as JSON, and its weights. Names from
 * files are escaped (for a terminal, or as JSON strings). */
#include "tool.h"
#include "escape.h"
#include "json.h"

#include <math.h>
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

/* The loss and scores of n rows: *cm (free() it) gets the confusion counts
 * for classes. Regression scores are in target units since predict undoes
 * the scaling. */
static int score(descent_model *m, const descent_head *head, const float *x, const float *y, int n, float *loss,
                 descent_metrics *met, int **cm)
{
    descent_error err;
    int k = head->classes, rc = EXIT_OK;
    *cm = k ? calloc((size_t)k * (size_t)k, sizeof(int)) : NULL;
    if (k && !*cm)
        rc = runtime_error("out of memory for %d classes", k);
    else if (descent_recipe_score(m, head, x, y, n, loss, met, *cm, &err) != DESCENT_OK)
        rc = runtime_error("%s", err.message);
    if (rc) {
        free(*cm);
        *cm = NULL;
    }
    return rc;
}

int report(descent_model *m, const char *title, const float *x, const float *y, int n)
{
    descent_head head;
    descent_head_of_model(m, &head, NULL);
    int k = head.classes, *cm;
    float loss;
    descent_metrics met;
    int rc = score(m, &head, x, y, n, &loss, &met, &cm);
    if (rc) return rc;
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
    free(cm);
    return EXIT_OK;
}

/* A JSON string: quotes, backslashes and control bytes escaped; other bytes as they are. */
static void json_string(FILE *f, const char *s)
{
    /* escaped as the text report writes it (bytes that are not UTF-8, controls: \xNN), so always valid JSON */
    size_t n = escape_length(s) + 1;
    char *text = malloc(n);
    json_put_string(f, text ? escape_into(text, n, s) : "");
    free(text);
}

/* A score as JSON: null where it is not a number (precision with no positive prediction, say). */
static void json_number(FILE *f, const char *name, double v)
{
    fprintf(f, ",\n  \"%s\": ", name);
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}

int report_json(descent_model *m, const float *x, const float *y, int n)
{
    descent_head head;
    descent_head_of_model(m, &head, NULL);
    int k = head.classes, *cm;
    float loss;
    descent_metrics met;
    int rc = score(m, &head, x, y, n, &loss, &met, &cm);
    if (rc) return rc;
    printf("{\n  \"rows\": %d,\n  \"task\": \"%s\"", n, k ? "classification" : "regression");
    json_number(stdout, "loss", loss);
    if (k) {
        char buf[32];
        json_number(stdout, "accuracy", met.accuracy);
        json_number(stdout, "precision", met.precision);
        json_number(stdout, "recall", met.recall);
        json_number(stdout, "f1", met.f1);
        /* precision, recall and f1 are of the second class for two, else macro averages */
        if (k == 2) {
            fputs(",\n  \"positive_class\": ", stdout);
            json_string(stdout, descent_model_class_label(m, 1, buf, sizeof buf));
        } else {
            fputs(",\n  \"average\": \"macro\"", stdout);
        }
        fputs(",\n  \"classes\": [", stdout);
        for (int i = 0; i < k; i++) {
            if (i) fputs(", ", stdout);
            json_string(stdout, descent_model_class_label(m, i, buf, sizeof buf));
        }
        fputs("],\n  \"confusion\": [", stdout);
        for (int i = 0; i < k; i++) {
            fputs(i ? ", [" : "[", stdout);
            for (int j = 0; j < k; j++) printf("%s%d", j ? ", " : "", cm[(size_t)i * k + j]);
            fputc(']', stdout);
        }
        fputc(']', stdout);
    } else {
        json_number(stdout, "mse", met.mse);
        json_number(stdout, "rmse", met.rmse);
        json_number(stdout, "mae", met.mae);
        json_number(stdout, "r2", met.r2);
    }
    fputs("\n}\n", stdout);
    free(cm);
    return EXIT_OK;
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
