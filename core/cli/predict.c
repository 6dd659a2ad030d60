/* predict.c - `descent predict` and `descent evaluate`: a saved model on the
 * rows of a CSV. The model's features are read from the file's columns by
 * name (by position when the model has none), other columns skipped (an
 * id, a note) or, with predict --keep, copied beside the predictions; the
 * classes are read as the model's (so a file may hold any of them, even
 * one), and predictions decoded by the model's head. */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --keep's names, split at commas into *list (free() it and *copy). */
static int keep_list(const char *text, descent_csv_options *csv, const char ***list, char **copy)
{
    *list = NULL;
    *copy = NULL;
    if (!text) return EXIT_OK;
    size_t n = 1;
    for (const char *p = text; *p; p++) n += *p == ',';
    if (!(*copy = malloc(strlen(text) + 1)) || !(*list = malloc(sizeof(char *) * n)))
        return runtime_error("out of memory");
    strcpy(*copy, text);
    char *p = *copy;
    for (size_t i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        (*list)[i] = p;
        p = comma ? comma + 1 : p + strlen(p);
    }
    csv->keep = *list;
    csv->n_keep = (int)n;
    return EXIT_OK;
}

/* The model's inputs from ds's columns (the library's gathering); path names the file. */
static int gather_features(const descent_model *m, const descent_dataset *ds, const char *path, float **x_out)
{
    descent_error err;
    if ((*x_out = descent_dataset_model_inputs(m, ds, path, &err))) return EXIT_OK;
    return runtime_error("%s", err.message);
}

/* The rows of data_path as m reads them, with the caller's csv options (--keep,
 * --target) and with or without the targets: *ds, and the model's inputs *x. */
static int read_for_model(const descent_model *m, const char *model_path, const char *data_path, int with_targets,
                          descent_csv_options *csv, descent_model_columns *cols, descent_dataset **ds, float **x)
{
    descent_error err;
    if (descent_csv_options_for_model(m, with_targets, csv, cols, &err) != DESCENT_OK)
        return runtime_error("%s: %s", model_path, err.message);
    if (!(*ds = descent_csv_read_file(data_path, csv, &err))) return file_error(data_path, &err);
    return gather_features(m, *ds, data_path, x);
}

/* The predictions' columns: for classes 'predicted' and a p_CLASS each, else the target's name (y_J for more
 * than one). output_column writes column j's name into name. */
static int output_count(const descent_head *head) { return head->classes ? head->classes + 1 : head->units; }

static void output_column(const descent_model *m, const descent_head *head, int j, char *name, size_t size)
{
    char buf[32];
    const char *target = descent_model_target_name(m) ? descent_model_target_name(m) : "y";
    if (head->classes && j == 0) snprintf(name, size, "predicted");
    else if (head->classes) snprintf(name, size, "p_%s", descent_model_class_label(m, j - 1, buf, sizeof buf));
    else if (head->units == 1) snprintf(name, size, "%s", target);
    else snprintf(name, size, "%s_%d", target, j);
}

static int write_predictions(FILE *f, const descent_model *m, const descent_head *head, const descent_dataset *ds,
                             const float *pred)
{
    char buf[32];
    int outputs = head->units, k = head->classes, n = ds->n;
    for (int j = 0; j < ds->n_kept; j++) {
        csv_field(f, ds->kept_names[j]);
        fputc(',', f);
    }
    for (int j = 0; j < output_count(head); j++) {
        char column[256];
        output_column(m, head, j, column, sizeof column);
        if (j) fputc(',', f);
        csv_field(f, column);
    }
    fputc('\n', f);
    for (size_t i = 0; i < (size_t)n; i++) {
        const float *p = pred + i * outputs;
        int label = 0;
        for (int j = 0; j < ds->n_kept; j++) {
            csv_field(f, descent_dataset_kept(ds, (int)i, j));
            fputc(',', f);
        }
        if (k) descent_head_decode(head, p, 1, &label, NULL);
        if (k && outputs == 1) {
            double q = descent_head_probability(head, p[0]);
            csv_field(f, descent_model_class_label(m, label, buf, sizeof buf));
            fprintf(f, ",%.9g,%.9g\n", 1.0 - q, q);
        } else if (k) {
            csv_field(f, descent_model_class_label(m, label, buf, sizeof buf));
            for (int j = 0; j < outputs; j++) fprintf(f, ",%.9g", (double)p[j]);
            fputc('\n', f);
        } else {
            for (int j = 0; j < outputs; j++) fprintf(f, "%s%.9g", j ? "," : "", (double)p[j]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int cmd_predict(const args *a)
{
    const char *model_path, *data_path, *out_path = get(a, "--out"), *keep = get(a, "--keep");
    int rc;
    if ((rc = require(a, "--model", &model_path)) || (rc = require(a, "--data", &data_path))) return rc;
    if (out_path && !*out_path) return usage_error("--out needs a file name (got '')");
    if (keep && (!*keep || keep[0] == ',' || keep[strlen(keep) - 1] == ',' || strstr(keep, ",,")))
        return usage_error("--keep needs column names separated by commas, like id,note (got '%s')", keep);
    if (a->check_only) return EXIT_OK;
    if ((rc = out_check("--out", out_path, (const char *const[]){data_path, model_path, NULL}))) return rc;

    descent_error err;
    descent_dataset *ds = NULL;
    float *x = NULL, *pred = NULL;
    descent_model *m = descent_model_load_file(model_path, &err);
    if (!m) return file_error(model_path, &err);
    descent_head head;
    descent_head_of_model(m, &head, NULL);

    descent_csv_options csv = descent_csv_defaults();
    descent_model_columns cols;
    memset(&cols, 0, sizeof cols);
    const char **kept = NULL;
    char *kept_text = NULL;
    /* Only the model's columns are read: a target, an id or a note is skipped. */
    if ((rc = keep_list(keep, &csv, &kept, &kept_text))) goto done;
    /* a column kept under a name the predictions write would make two columns of that name */
    for (int i = 0; i < csv.n_keep; i++)
        for (int j = 0; j < output_count(&head); j++) {
            char column[256];
            output_column(m, &head, j, column, sizeof column);
            if (strcmp(kept[i], column) == 0) {
                rc = usage_error("--keep '%s' is also the name of a column the predictions write: the output would "
                                 "have two", kept[i]);
                goto done;
            }
        }
    if ((rc = read_for_model(m, model_path, data_path, 0, &csv, &cols, &ds, &x))) goto done;
    pred = malloc(sizeof(float) * (size_t)ds->n * (size_t)head.units + 1);
    if (!pred) {
        rc = runtime_error("out of memory for %d predictions", ds->n);
        goto done;
    }
    if (descent_model_predict(m, x, ds->n, pred, &err) != DESCENT_OK) {
        rc = runtime_error("%s: %s", data_path, err.message);
        goto done;
    }
    if (out_path) {
        outfile o;
        if (!(rc = out_open(&o, out_path, 0))) {
            write_predictions(o.f, m, &head, ds, pred);
            rc = out_commit(&o);
        }
    } else if (write_predictions(stdout, m, &head, ds, pred) != 0 || fflush(stdout) != 0) {
        rc = runtime_error("cannot write to standard output: %s", strerror(errno));
    }
done:
    descent_model_columns_free(&cols);
    free(kept);
    free(kept_text);
    free(pred);
    free(x);
    descent_dataset_free(ds);
    descent_model_free(m);
    return rc;
}

int cmd_evaluate(const args *a)
{
    const char *model_path, *data_path, *target = get(a, "--target");
    int rc;
    if ((rc = require(a, "--model", &model_path)) || (rc = require(a, "--data", &data_path))) return rc;
    if (target && !*target) return usage_error("--target must be a column name (got '')");
    if (a->check_only) return EXIT_OK;

    descent_error err;
    descent_dataset *ds = NULL;
    float *x = NULL;
    descent_model *m = descent_model_load_file(model_path, &err);
    if (!m) return file_error(model_path, &err);
    descent_head head;
    descent_head_of_model(m, &head, NULL);

    /* The file's classes are read as the model's, by name, in its order;
     * of its other columns only the model's features. */
    descent_csv_options csv = descent_csv_defaults();
    descent_model_columns cols;
    csv.target = target;
    memset(&cols, 0, sizeof cols);
    if ((rc = read_for_model(m, model_path, data_path, 1, &csv, &cols, &ds, &x))) goto done;
    if (head.task == DESCENT_TASK_REGRESSION && ds->outputs != head.units) {
        rc = runtime_error("%s has %d target columns but the model predicts %d", data_path, ds->outputs, head.units);
        goto done;
    }
    /* The targets as the model's head learnt them (two classes may be -1 and 1). */
    if (head.task == DESCENT_TASK_CLASSIFICATION && descent_head_encode(&head, ds->labels, ds->n, ds->y, &err)) {
        rc = runtime_error("%s", err.message);
        goto done;
    }
    rc = has(a, "--json") ? report_json(m, x, ds->y, ds->n) : report(m, "evaluate", x, ds->y, ds->n);
done:
    descent_model_columns_free(&cols);
    free(x);
    descent_dataset_free(ds);
    descent_model_free(m);
    return rc;
}
