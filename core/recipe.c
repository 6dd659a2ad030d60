/* recipe.c - a whole training run from a data set, as `descent train` and
 * the JS API's trainCSV make it: the seeded (stratified) test and validation
 * rows split off in place, the network the task asks for (its output head,
 * targets encoded for it, scalers fitted on the training rows only, the data
 * set's names), the fit, and the scores of each part. The command line and
 * the bindings call these same functions, so the same file and options give
 * the same model and the same numbers. */
#include "descent_data.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

descent_train_recipe descent_train_recipe_defaults(void)
{
    descent_train_recipe r;
    memset(&r, 0, sizeof r);
    r.activation = DESCENT_ACT_RELU;
    r.output_activation = -1;
    r.loss = -1;
    r.init = DESCENT_INIT_GLOROT_UNIFORM;
    descent_layer_spec layer = descent_layer(1, DESCENT_ACT_LINEAR);
    r.alpha = layer.alpha;
    r.init_limit = layer.init_limit;
    r.optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM);
    r.test_split = 0.2;
    r.seed = 1;
    r.scale = DESCENT_SCALE_ALL;
    return r;
}

/* Puts rows order[0..n-1] of ds in places 0..n-1, in place (one row of
 * scratch, following each cycle of the permutation), so the parts become
 * runs of the one matrix instead of copies. */
static descent_status reorder_rows(descent_dataset *ds, const int *order, int n, descent_error *err)
{
    size_t f = (size_t)ds->features, o = (size_t)ds->outputs;
    unsigned char *done = calloc((size_t)n + 1, 1);
    float *row = malloc(sizeof(float) * (f + o));
    if (!done || !row) {
        free(done);
        free(row);
        return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for %d rows", n);
    }
    for (int start = 0; start < n; start++) {
        if (done[start] || order[start] == start) continue;
        memcpy(row, ds->x + (size_t)start * f, f * sizeof(float));
        if (o && ds->y) memcpy(row + f, ds->y + (size_t)start * o, o * sizeof(float));
        int label = ds->labels ? ds->labels[start] : 0;
        int at = start;
        for (;;) {
            int from = order[at];
            done[at] = 1;
            if (from == start) break;
            memcpy(ds->x + (size_t)at * f, ds->x + (size_t)from * f, f * sizeof(float));
            if (o && ds->y) memcpy(ds->y + (size_t)at * o, ds->y + (size_t)from * o, o * sizeof(float));
            if (ds->labels) ds->labels[at] = ds->labels[from];
            at = from;
        }
        memcpy(ds->x + (size_t)at * f, row, f * sizeof(float));
        if (o && ds->y) memcpy(ds->y + (size_t)at * o, row + f, o * sizeof(float));
        if (ds->labels) ds->labels[at] = label;
    }
    free(done);
    free(row);
    return DESCENT_OK;
}

descent_dataset descent_dataset_rows(const descent_dataset *ds, int first, int n)
{
    descent_dataset v = *ds;
    v.n = n;
    v.x = ds->x + (size_t)first * (size_t)ds->features;
    v.y = ds->y ? ds->y + (size_t)first * (size_t)ds->outputs : NULL;
    v.labels = ds->labels ? ds->labels + first : NULL;
    /* kept text stays with the whole set: a view's rows are not its rows */
    v.n_kept = 0;
    v.kept_names = NULL;
    v.kept_text = NULL;
    v.kept = NULL;
    return v;
}

descent_status descent_dataset_split_off(descent_dataset *ds, double fraction, uint32_t seed, int *n_first,
                                         descent_error *err)
{
    if (!ds || !n_first) return descent_fail(err, DESCENT_ERR_ARGUMENT, "descent_dataset_split_off: NULL argument");
    *n_first = ds->n;
    if (fraction == 0) return DESCENT_OK;
    int classify = descent_dataset_task(ds) == DESCENT_TASK_CLASSIFICATION;
    size_t bytes;
    descent_status s = descent_size(&bytes, (uint64_t)ds->n, sizeof(int), 1, "the order of the rows split", err);
    if (s != DESCENT_OK) return s;
    int *order = malloc(bytes + 1), *rest = malloc(bytes + 1);
    int n_keep = 0, n_rest = 0;
    if (!order || !rest) {
        s = descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for %d rows", ds->n);
    } else if ((s = descent_split(ds->n, classify ? ds->labels : NULL, classify ? ds->classes : 0, (float)fraction,
                                  seed, order, &n_keep, rest, &n_rest, err)) == DESCENT_OK) {
        memcpy(order + n_keep, rest, sizeof(int) * (size_t)n_rest);
        if ((s = reorder_rows(ds, order, ds->n, err)) == DESCENT_OK) *n_first = n_keep;
    }
    free(order);
    free(rest);
    return s;
}

descent_model *descent_recipe_build(const descent_train_recipe *r, descent_dataset *ds, int n_fit, descent_head *head,
                                    descent_error *err)
{
    if (!r || !ds || !head || n_fit < 1 || n_fit > ds->n || r->n_hidden < 0 ||
        r->n_hidden > DESCENT_MAX_LAYERS - 1 || (r->n_hidden && !r->units)) {
        descent_fail(err, DESCENT_ERR_ARGUMENT, "descent_recipe_build: bad arguments (n_fit %d of %d rows)", n_fit,
                     ds ? ds->n : 0);
        return NULL;
    }
    if (descent_head_choose(descent_dataset_task(ds), ds->classes, ds->outputs, DESCENT_OUTPUT_AUTO, head, err) !=
            DESCENT_OK ||
        descent_head_override(head, r->output_activation, r->loss, err) != DESCENT_OK)
        return NULL;
    descent_layer_spec *layers = malloc(sizeof *layers * (size_t)(r->n_hidden + 1));
    if (!layers) {
        descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for %d layers", r->n_hidden + 1);
        return NULL;
    }
    for (int i = 0; i <= r->n_hidden; i++) {
        int last = i == r->n_hidden;
        int own = !last && r->activations ? r->activations[i] : -1;
        int act = last ? (int)head->activation : own >= 0 ? own : (int)r->activation;
        layers[i] = descent_layer(last ? head->units : r->units[i], (descent_activation)act);
        layers[i].alpha = r->alpha;
        layers[i].init = r->init;
        layers[i].init_limit = r->init_limit;
        layers[i].l1 = r->l1;
        layers[i].l2 = r->l2;
        layers[i].no_bias = r->no_bias;
    }
    descent_model_spec spec = {
        .inputs = ds->features,
        .n_layers = r->n_hidden + 1,
        .layers = layers,
        .loss = head->loss,
        .optimizer = r->optimizer,
        .seed = r->seed,
    };
    descent_model *model = descent_model_create(&spec, err);
    free(layers);
    if (!model) return NULL;
    /* the targets as the head learns them (two classes may be -1 and 1) */
    descent_dataset fit_rows = descent_dataset_rows(ds, 0, n_fit);
    if ((head->task == DESCENT_TASK_CLASSIFICATION &&
         descent_head_encode(head, ds->labels, ds->n, ds->y, err) != DESCENT_OK) ||
        descent_model_fit_scalers(model, &fit_rows, r->scale, err) != DESCENT_OK ||
        descent_model_set_names(model, (const char *const *)ds->feature_names, ds->target_name,
                                ds->class_names ? head->classes : 0,
                                ds->class_names ? (const char *const *)ds->class_names : NULL, err) != DESCENT_OK) {
        descent_model_free(model);
        return NULL;
    }
    return model;
}

descent_status descent_recipe_score(descent_model *model, const descent_head *head, const float *x, const float *y,
                                    int n, float *loss, descent_metrics *out, int *confusion, descent_error *err)
{
    if (!model || !head || !loss || !out || n < 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "descent_recipe_score: bad arguments (%d rows)", n);
    size_t bytes;
    if (descent_size(&bytes, (uint64_t)n, (uint64_t)head->units, sizeof(float), "the predictions of the rows scored",
                     err) != DESCENT_OK)
        return DESCENT_ERR_MEMORY;
    float *pred = malloc(bytes + 1);
    if (!pred) return descent_fail(err, DESCENT_ERR_MEMORY, "out of memory for %d predictions", n);
    descent_status s = descent_model_evaluate(model, x, y, n, loss, err);
    if (s == DESCENT_OK) s = descent_model_predict(model, x, n, pred, err);
    if (s == DESCENT_OK) s = descent_head_metrics(head, pred, y, n, confusion, out, err);
    free(pred);
    return s;
}

descent_status descent_recipe_train(descent_dataset *ds, const descent_train_recipe *r,
                                    const descent_fit_options *fit, descent_recipe_result *out, descent_error *err)
{
    if (!ds || !r || !fit || !out) return descent_fail(err, DESCENT_ERR_ARGUMENT, "descent_recipe_train: NULL argument");
    memset(out, 0, sizeof *out);
    int n_train, n_fit;
    descent_status s = descent_dataset_split_off(ds, r->test_split, r->seed, &n_train, err);
    if (s != DESCENT_OK) return s;
    if (n_train < 1)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "test_split %g leaves no training rows out of %d",
                            r->test_split, ds->n);
    descent_dataset train = descent_dataset_rows(ds, 0, n_train);
    if ((s = descent_dataset_split_off(&train, r->val_split, r->seed, &n_fit, err)) != DESCENT_OK) return s;
    out->n_fit = n_fit;
    out->n_val = n_train - n_fit;
    out->n_test = ds->n - n_train;
    if (!(out->model = descent_recipe_build(r, ds, n_fit, &out->head, err))) return err ? err->code : DESCENT_ERR_ARGUMENT;
    descent_fit_options fo = *fit;
    descent_dataset val = descent_dataset_rows(ds, n_fit, out->n_val);
    fo.val_x = out->n_val ? val.x : NULL;
    fo.val_y = out->n_val ? val.y : NULL;
    fo.val_n = out->n_val;
    if (fo.batch_size <= 0) fo.batch_size = n_fit;
    fo.shuffle_seed = r->seed;
    return descent_model_fit(out->model, ds->x, ds->y, n_fit, &fo, &out->history, err);
}

void descent_recipe_result_free(descent_recipe_result *out)
{
    if (!out) return;
    descent_model_free(out->model);
    descent_history_free(&out->history);
    memset(out, 0, sizeof *out);
}
