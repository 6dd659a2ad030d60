/* exports_recipe.c - the C ABI of the command line's whole jobs on CSV text
 * (core/recipe.c, core/model_csv.c): a training run as `descent train`
 * makes it, and a saved model's columns read as `descent predict` reads
 * them. bindings/recipe.mjs (trainCSV, predictCSV) calls these, so the same
 * file and options give the CLI's model, scores and predictions. */
#include "exports.h"

#include <stdlib.h>
#include <string.h>

typedef struct dj_run {
    descent_dataset *ds;            /* its rows reordered: fit, validation, test */
    descent_recipe_result result;
    int status;                     /* the fit's */
    int given;                      /* 1: the model is the caller's (dj_run_take_model) */
} dj_run;

/* text: length bytes of CSV; target: a column's name, or NULL for f's target_index (-1: the last); hidden: the
 * hidden layers as text ("16,16", "none"); f: DJ_RECIPE_COUNT doubles, opt:
 * DJ_OPTIMIZER_COUNT (fields.h). NULL with the error set when the text or
 * the recipe is refused; else a run whose fit may have failed (its status;
 * the model is kept either way). */
API dj_run *dj_recipe_train(const char *text, int length, const char *target, const char *hidden, const double *f,
                            const double *opt)
{
    if (!dj_check_float("test_split", f[DJ_RECIPE_test_split], DESCENT_RANGE_UNIT_OPEN) ||
        !dj_check_float("val_split", f[DJ_RECIPE_val_split], DESCENT_RANGE_UNIT_OPEN) ||
        !dj_check_float("alpha", f[DJ_RECIPE_alpha], DESCENT_RANGE_NON_NEGATIVE) ||
        !dj_check_float("init_limit", f[DJ_RECIPE_init_limit], DESCENT_RANGE_POSITIVE) ||
        !dj_check_float("l1", f[DJ_RECIPE_l1], DESCENT_RANGE_NON_NEGATIVE) ||
        !dj_check_float("l2", f[DJ_RECIPE_l2], DESCENT_RANGE_NON_NEGATIVE))
        return NULL;
    int units[DESCENT_MAX_LAYERS], activations[DESCENT_MAX_LAYERS];
    descent_train_recipe r = descent_train_recipe_defaults();
    if (descent_hidden_parse(hidden, DESCENT_MAX_LAYERS - 1, units, activations, &r.n_hidden, &dj_last_error) !=
        DESCENT_OK)
        return NULL;
    r.units = units;
    r.activations = activations;
    r.activation = (descent_activation)(int)f[DJ_RECIPE_activation];
    r.output_activation = (int)f[DJ_RECIPE_output_activation];
    r.loss = (int)f[DJ_RECIPE_loss];
    r.init = (descent_init)(int)f[DJ_RECIPE_init];
    r.alpha = (float)f[DJ_RECIPE_alpha];
    r.init_limit = (float)f[DJ_RECIPE_init_limit];
    r.l1 = (float)f[DJ_RECIPE_l1];
    r.l2 = (float)f[DJ_RECIPE_l2];
    r.no_bias = (int)f[DJ_RECIPE_no_bias];
    r.optimizer = dj_unpack_optimizer(opt);
    r.test_split = (float)f[DJ_RECIPE_test_split];
    r.val_split = (float)f[DJ_RECIPE_val_split];
    r.seed = (uint32_t)f[DJ_RECIPE_seed];
    r.scale = (int)f[DJ_RECIPE_scale];
    descent_fit_options fo = descent_fit_defaults();
    fo.epochs = (int)f[DJ_RECIPE_epochs];
    fo.batch_size = (int)f[DJ_RECIPE_batch_size];
    fo.no_shuffle = (int)f[DJ_RECIPE_no_shuffle];
    fo.patience = (int)f[DJ_RECIPE_patience];
    fo.restore_best = (int)f[DJ_RECIPE_restore_best];
    descent_csv_options csv = descent_csv_defaults();
    csv.target = target;
    csv.target_index = (int)f[DJ_RECIPE_target_index];
    csv.task = (descent_task)(int)f[DJ_RECIPE_task];
    dj_run *run = calloc(1, sizeof *run);
    if (!run) return dj_out_of_memory("a training run");
    if (!(run->ds = descent_csv_parse(text, (size_t)length, &csv, &dj_last_error))) {
        free(run);
        return NULL;
    }
    run->status = descent_recipe_train(run->ds, &r, &fo, &run->result, &dj_last_error);
    if (!run->result.model) {   /* refused before training: nothing to keep */
        descent_recipe_result_free(&run->result);
        descent_dataset_free(run->ds);
        free(run);
        return NULL;
    }
    return run;
}

/* out: DJ_RUN_COUNT doubles (fields.h). */
API void dj_run_info(const dj_run *run, double *out)
{
    const descent_history *h = &run->result.history;
    out[DJ_RUN_status] = run->status;
    out[DJ_RUN_n_fit] = run->result.n_fit;
    out[DJ_RUN_n_val] = run->result.n_val;
    out[DJ_RUN_n_test] = run->result.n_test;
    out[DJ_RUN_epochs] = h->epochs;
    out[DJ_RUN_stopped_early] = h->stopped_early;
    out[DJ_RUN_best_epoch] = h->best_epoch;
    out[DJ_RUN_diverged_epoch] = h->diverged_epoch;
    out[DJ_RUN_diverged_batch] = h->diverged_batch;
    out[DJ_RUN_restored_epochs] = h->restored_epochs;
    out[DJ_RUN_loss] = (double)(uintptr_t)h->loss;
    out[DJ_RUN_val_loss] = (double)(uintptr_t)h->val_loss;
    out[DJ_RUN_metric] = (double)(uintptr_t)h->metric;
    out[DJ_RUN_val_metric] = (double)(uintptr_t)h->val_metric;
}

/* The loss and the head's scores (DJ_METRICS_COUNT doubles; confusion as
 * descent_head_metrics fills it) of part 0 (fit rows), 1 (validation) or 2
 * (test), each as `descent train` prints them. */
API int dj_run_score(dj_run *run, int part, float *loss, double *metrics, int *confusion)
{
    const descent_recipe_result *r = &run->result;
    int first = part == 0 ? 0 : part == 1 ? r->n_fit : r->n_fit + r->n_val;
    int n = part == 0 ? r->n_fit : part == 1 ? r->n_val : r->n_test;
    size_t f = (size_t)run->ds->features, k = (size_t)run->ds->outputs;
    descent_metrics m;
    int s = descent_recipe_score(r->model, &r->head, run->ds->x + (size_t)first * f, run->ds->y + (size_t)first * k,
                                 n, loss, &m, confusion, &dj_last_error);
    if (s == DESCENT_OK) dj_pack_metrics(&m, metrics);
    return s;
}

/* The trained model, now the caller's (else it goes with the run); the run
 * may still score it until dj_run_free. */
API descent_model *dj_run_take_model(dj_run *run)
{
    run->given = 1;
    return run->result.model;
}

API void dj_run_free(dj_run *run)
{
    if (!run) return;
    if (run->given) run->result.model = NULL;
    descent_recipe_result_free(&run->result);
    descent_dataset_free(run->ds);
    free(run);
}

/* ----------------------------------------------- a saved model on a CSV */

typedef struct dj_rows {
    descent_dataset *ds;
    float *x;                       /* ds->n rows of the model's inputs */
} dj_rows;

/* The rows of text for model m, as `descent predict --keep` reads them:
 * keep holds n_keep column names, NUL-separated. NULL with the error set. */
API dj_rows *dj_model_csv(const descent_model *m, const char *text, int length, const char *keep, int n_keep)
{
    const char **names = n_keep > 0 ? malloc(sizeof(char *) * (size_t)n_keep) : NULL;
    dj_rows *rows = calloc(1, sizeof *rows);
    if ((n_keep > 0 && !names) || !rows) {
        free(names);
        free(rows);
        return dj_out_of_memory("the columns kept");
    }
    for (int i = 0; i < n_keep; i++, keep += strlen(keep) + 1) names[i] = keep;
    descent_csv_options csv = descent_csv_defaults();
    csv.keep = names;
    csv.n_keep = n_keep;
    descent_model_columns cols;
    if (descent_csv_options_for_model(m, 0, &csv, &cols, &dj_last_error) == DESCENT_OK &&
        (rows->ds = descent_csv_parse(text, (size_t)length, &csv, &dj_last_error)))
        rows->x = descent_dataset_model_inputs(m, rows->ds, "the CSV text", &dj_last_error);
    descent_model_columns_free(&cols);
    free(names);
    if (!rows->x) {
        descent_dataset_free(rows->ds);
        free(rows);
        return NULL;
    }
    return rows;
}

API int dj_rows_count(const dj_rows *rows) { return rows->ds->n; }
API const float *dj_rows_x(const dj_rows *rows) { return rows->x; }
API const char *dj_rows_kept(const dj_rows *rows, int row, int k) { return descent_dataset_kept(rows->ds, row, k); }

API void dj_rows_free(dj_rows *rows)
{
    if (!rows) return;
    descent_dataset_free(rows->ds);
    free(rows->x);
    free(rows);
}
