/* train.c - `descent train`: read a CSV, split off seeded (stratified) test
 * and validation rows, build the network the task asks for (the library's
 * output head and scalers, fitted on the training rows only) or take a saved
 * one to resume (resume.c), train with progress, report the scores and save
 * the model. */
#include "tool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct progress {
    int total;
    int tty;
} progress;

static int on_epoch(const descent_history *h, void *user)
{
    const progress *p = user;
    int e = h->epochs;
    float loss = h->loss[e - 1];
    float val = h->val_loss ? h->val_loss[e - 1] : NAN;
    float acc = h->metric ? h->metric[e - 1] : NAN;
    float val_acc = h->val_metric ? h->val_metric[e - 1] : NAN;
    if (p->tty) {
        enum { WIDTH = 20 };
        char bar[WIDTH + 1];
        int filled = (int)((long long)e * WIDTH / p->total);
        for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
        bar[WIDTH] = '\0';
        fprintf(stderr, "\repoch %d/%d [%s] loss %.4f", e, p->total, bar, (double)loss);
        if (!isnan(val)) fprintf(stderr, " val %.4f", (double)val);
        if (!isnan(acc)) fprintf(stderr, " acc %.4f", (double)acc);
        fputs("\033[K", stderr);    /* clear what a longer earlier line left */
    } else {
        fprintf(stderr, "epoch %d/%d loss %.6f", e, p->total, (double)loss);
        if (!isnan(val)) fprintf(stderr, " val_loss %.6f", (double)val);
        if (!isnan(acc)) fprintf(stderr, " acc %.4f", (double)acc);
        if (!isnan(val_acc)) fprintf(stderr, " val_acc %.4f", (double)val_acc);
        fputc('\n', stderr);
    }
    fflush(stderr);
    return 0;
}

typedef struct train_config {
    const char *data, *target, *save, *resume;
    int task;
    int units[DESCENT_MAX_LAYERS], activations[DESCENT_MAX_LAYERS], n_hidden;
    int activation, output_activation, loss, init;
    double alpha, init_limit, l1, l2;
    descent_optimizer_spec opt;
    long long batch;                /* 0: full */
    long long epochs, patience, seed;
    double test_split, val_split;
} train_config;

/* The optimizer's flags, each the parameter of the same name (its range the library's). */
static const struct {
    const char *flag;
    descent_optimizer_param param;
} optimizer_flags[] = {
    {"--lr", DESCENT_PARAM_LEARNING_RATE}, {"--momentum", DESCENT_PARAM_MOMENTUM}, {"--rho", DESCENT_PARAM_RHO},
    {"--epsilon", DESCENT_PARAM_EPSILON},  {"--beta1", DESCENT_PARAM_BETA1},       {"--beta2", DESCENT_PARAM_BETA2},
    {"--initial-accumulator", DESCENT_PARAM_INITIAL_ACCUMULATOR},
};

/* Reads and checks every flag before any file is touched, so a typo costs
 * nothing and is reported as a usage error. */
static int read_train_config(const args *a, train_config *c)
{
    memset(c, 0, sizeof *c);
    int rc, kind;
    if ((rc = require(a, "--data", &c->data))) return rc;
    c->target = get(a, "--target");
    c->save = get(a, "--save");
    c->resume = get(a, "--resume");
    if (c->resume && !*c->resume) return usage_error("--resume needs a model file (got '')");
    if (c->resume && (rc = resume_flags(a))) return rc;
    if (c->target && !*c->target) return usage_error("--target must be a column name or 0-based index (got '')");
    if (c->save && !*c->save) return usage_error("--save needs a file name (got '')");
    if ((rc = get_choice(a, "--task", DESCENT_VOCAB_TASK, NULL, DESCENT_TASK_AUTO, &c->task))) return rc;
    if ((rc = get_choice(a, "--activation", DESCENT_VOCAB_ACTIVATION, NULL, DESCENT_ACT_RELU, &c->activation)))
        return rc;
    if ((rc = get_choice(a, "--output-activation", DESCENT_VOCAB_ACTIVATION, "auto", -1, &c->output_activation)))
        return rc;
    if ((rc = get_choice(a, "--loss", DESCENT_VOCAB_LOSS, "auto", -1, &c->loss))) return rc;
    if ((rc = get_choice(a, "--init", DESCENT_VOCAB_INIT, NULL, DESCENT_INIT_GLOROT_UNIFORM, &c->init))) return rc;
    if ((rc = get_choice(a, "--optimizer", DESCENT_VOCAB_OPTIMIZER, NULL, DESCENT_OPT_ADAM, &kind))) return rc;
    descent_layer_spec layer = descent_layer(1, DESCENT_ACT_LINEAR);
    if ((rc = get_number(a, "--alpha", layer.alpha, DESCENT_RANGE_NON_NEGATIVE, &c->alpha))) return rc;
    if ((rc = get_number(a, "--init-limit", layer.init_limit, DESCENT_RANGE_POSITIVE, &c->init_limit))) return rc;
    if ((rc = get_number(a, "--l1", 0, DESCENT_RANGE_NON_NEGATIVE, &c->l1))) return rc;
    if ((rc = get_number(a, "--l2", 0, DESCENT_RANGE_NON_NEGATIVE, &c->l2))) return rc;

    c->opt = descent_optimizer_defaults((descent_optimizer_kind)kind);
    /* A setting the optimizer has no use for would be ignored (sgd has no momentum: that is --optimizer
     * momentum): refused, naming what it does use. */
    char uses[160] = "";
    for (size_t i = 0; i < sizeof optimizer_flags / sizeof optimizer_flags[0]; i++)
        if (descent_optimizer_uses((descent_optimizer_kind)kind, optimizer_flags[i].param))
            snprintf(uses + strlen(uses), sizeof uses - strlen(uses), "%s%s", *uses ? ", " : "", optimizer_flags[i].flag);
    const char *name = descent_optimizer_name((descent_optimizer_kind)kind);
    for (size_t i = 0; i < sizeof optimizer_flags / sizeof optimizer_flags[0]; i++)
        if (get(a, optimizer_flags[i].flag) && !descent_optimizer_uses((descent_optimizer_kind)kind, optimizer_flags[i].param))
            return usage_error("%s does not apply to --optimizer %s, which uses %s", optimizer_flags[i].flag, name, uses);
    if (has(a, "--centered") && !descent_optimizer_uses((descent_optimizer_kind)kind, DESCENT_PARAM_CENTERED))
        return usage_error("--centered does not apply to --optimizer %s (it is rmsprop's)", name);
    if (has(a, "--restore-best") && !get(a, "--patience"))
        return usage_error("--restore-best needs --patience (the best epoch's weights are restored when early "
                           "stopping stops)");
    if (has(a, "--save-optimizer") && !c->save) return usage_error("--save-optimizer needs --save");
    for (size_t i = 0; i < sizeof optimizer_flags / sizeof optimizer_flags[0]; i++) {
        descent_optimizer_param p = optimizer_flags[i].param;
        double v;
        if ((rc = get_number(a, optimizer_flags[i].flag, descent_optimizer_get(&c->opt, p),
                             descent_optimizer_param_range(p), &v)))
            return rc;
        descent_optimizer_set(&c->opt, p, v, NULL);
    }
    if (has(a, "--centered")) c->opt.centered = 1;

    if ((rc = get_batch(a, &c->batch))) return rc;
    if ((rc = get_integer(a, "--epochs", 100, 1, DESCENT_MAX_EPOCHS, &c->epochs))) return rc;
    if ((rc = get_integer(a, "--patience", 0, 0, DESCENT_MAX_EPOCHS, &c->patience))) return rc;
    if ((rc = get_integer(a, "--seed", 1, 0, DESCENT_MAX_SEED, &c->seed))) return rc;
    if ((rc = get_number(a, "--test-split", 0.2, DESCENT_RANGE_UNIT_OPEN, &c->test_split))) return rc;
    if ((rc = get_number(a, "--val-split", 0, DESCENT_RANGE_UNIT_OPEN, &c->val_split))) return rc;
    descent_error err;
    const char *layers = get(a, "--layers") ? get(a, "--layers") : "16,16";
    if (descent_hidden_parse(layers, DESCENT_MAX_LAYERS - 1, c->units, c->activations, &c->n_hidden, &err) !=
        DESCENT_OK)
        return usage_error("--layers: %s", err.message);
    /* --alpha is leaky_relu's slope: with none, it would be ignored */
    int leaky = c->activation == DESCENT_ACT_LEAKY_RELU || c->output_activation == DESCENT_ACT_LEAKY_RELU;
    for (int i = 0; i < c->n_hidden; i++) leaky |= c->activations[i] == DESCENT_ACT_LEAKY_RELU;
    if (get(a, "--alpha") && !leaky) return usage_error("--alpha is leaky_relu's slope, and no layer is leaky_relu");
    return EXIT_OK;
}

/* Splits ds in place into its first *n_first rows and the rest (the
 * library's seeded, stratified draw); what names the split in messages. */
static int split_off(descent_dataset *ds, double fraction, uint32_t seed, const char *what, int *n_first)
{
    descent_error err;
    int n = ds->n;
    if (descent_dataset_split_off(ds, fraction, seed, n_first, &err) == DESCENT_OK) return EXIT_OK;
    return what ? runtime_error("%s %g of %d training rows: %s", what, fraction, n, err.message)
                : runtime_error("%s", err.message);
}

/* The network: the hidden layers asked for and the head the task and flags
 * give, its targets encoded, scalers fitted on the fit rows (the recipe). */
static descent_model *build(const args *a, const train_config *c, descent_dataset *ds, int n_fit,
                            descent_head *head, int *rc)
{
    descent_error err;
    descent_train_recipe r = descent_train_recipe_defaults();
    r.n_hidden = c->n_hidden;
    r.units = c->units;
    r.activations = c->activations;
    r.activation = (descent_activation)c->activation;
    r.output_activation = c->output_activation;
    r.loss = c->loss;
    r.init = (descent_init)c->init;
    r.alpha = (float)c->alpha;
    r.init_limit = (float)c->init_limit;
    r.l1 = (float)c->l1;
    r.l2 = (float)c->l2;
    r.no_bias = has(a, "--no-bias");
    r.optimizer = c->opt;
    r.seed = (uint32_t)c->seed;
    r.scale = (has(a, "--no-standardize") ? 0 : DESCENT_SCALE_INPUTS) |
              (has(a, "--no-scale-target") ? 0 : DESCENT_SCALE_TARGET);
    descent_model *model = descent_recipe_build(&r, ds, n_fit, head, &err);
    /* Everything in the recipe came from flags, so a rejection is theirs. */
    if (!model)
        *rc = err.code == DESCENT_ERR_ARGUMENT ? usage_error("%s", err.message) : runtime_error("%s", err.message);
    return model;
}

/* Fits, with progress and the messages of a run that stops; rc as the command returns it. */
static int fit(const args *a, const train_config *c, descent_model *model, const descent_dataset *rows,
               const descent_dataset *val)
{
    descent_error err;
    descent_history history;
    memset(&history, 0, sizeof history);
    int quiet = has(a, "--quiet"), rc = EXIT_OK;
    descent_fit_options fo = descent_fit_defaults();
    fo.epochs = (int)c->epochs;
    fo.batch_size = c->batch ? (int)c->batch : rows->n;
    fo.no_shuffle = has(a, "--no-shuffle");
    /* A model resumed goes on with its own shuffle stream, where it stopped. */
    fo.shuffle_seed = c->resume ? 0 : (uint32_t)c->seed;
    if (val) {
        fo.val_x = val->x;
        fo.val_y = val->y;
        fo.val_n = val->n;
    }
    fo.patience = (int)c->patience;
    fo.restore_best = has(a, "--restore-best");
    progress prog = {(int)c->epochs, isatty(fileno(stderr))};
    if (!quiet) {
        fo.on_epoch = on_epoch;
        fo.user = &prog;
    }
    descent_status s = descent_model_fit(model, rows->x, rows->y, rows->n, &fo, &history, &err);
    if (!quiet && prog.tty && history.epochs > 0) fputc('\n', stderr);
    if (s == DESCENT_ERR_NONFINITE && history.diverged_epoch >= 0) {
        /* the message names the epoch and batch, and the epoch the model was rolled back to */
        rc = runtime_error("training diverged: %s", err.message);
        if (history.restored_epochs > 0 && c->save && out_save_model(model, 1, c->save) == EXIT_OK)
            fprintf(stderr, "the model as it was at the end of epoch %d is saved to '%s'\n", history.restored_epochs,
                    c->save);
    } else if (s != DESCENT_OK) {
        rc = runtime_error("training stopped in epoch %d of %d: %s", history.epochs + 1, fo.epochs, err.message);
    } else if (history.stopped_early) {
        /* why training ended before --epochs: said even with --quiet */
        fprintf(stderr, "stopped early after epoch %d; best epoch %d%s\n", history.epochs, history.best_epoch + 1,
                fo.restore_best ? " (weights restored)" : "");
    }
    descent_history_free(&history);
    return rc;
}

int cmd_train(const args *a)
{
    train_config *c = malloc(sizeof *c);
    if (!c) return runtime_error("out of memory");
    int rc = read_train_config(a, c);
    descent_error err;
    descent_dataset *ds = NULL;
    descent_model *model = NULL;
    descent_csv_options csv;
    resume_state rs;
    memset(&rs, 0, sizeof rs);
    if (rc || (!c->resume && (rc = csv_target_options(c->target, c->task, &csv))) || a->check_only) goto done;
    /* (the model resumed may be saved over: only the data would be lost) */
    if ((rc = out_check("--save", c->save, (const char *const[]){c->data, NULL}))) goto done;
    if (c->resume) {
        if (!(model = resume_load(c->resume, c->target, &csv, &rs, &rc))) goto done;
        /* the split the model was trained with, unless asked otherwise */
        if (!has(a, "--seed")) c->seed = descent_model_seed(model);
    }
    ds = descent_csv_read_file(c->data, &csv, &err);
    if (!ds) {
        rc = file_error(c->data, &err);
        goto done;
    }
    /* Split first, so the scalers see the training rows only. The training
     * rows come first, then the test rows; without a split the file's order
     * stays, so --no-shuffle replays it as Keras would. */
    int n_train = ds->n;
    if (c->test_split > 0 && (rc = split_off(ds, c->test_split, (uint32_t)c->seed, NULL, &n_train))) goto done;
    if (n_train < 1) {
        rc = runtime_error("--test-split %g leaves no training rows out of %d", c->test_split, ds->n);
        goto done;
    }
    descent_dataset train = descent_dataset_rows(ds, 0, n_train);
    descent_dataset test = descent_dataset_rows(ds, n_train, ds->n - n_train);
    /* Validation rows are drawn like the test rows rather than taken from
     * the end as Keras' validationSplit does: the split keeps file order, and
     * on a file sorted by class the last rows would all be of one class. */
    int n_fit = train.n;
    if (c->val_split > 0 && (rc = split_off(&train, c->val_split, (uint32_t)c->seed, "--val-split", &n_fit)))
        goto done;
    descent_dataset fit_rows = descent_dataset_rows(&train, 0, n_fit);
    descent_dataset val = descent_dataset_rows(&train, n_fit, train.n - n_fit);

    descent_head head;
    if (c->resume) {
        if (descent_head_of_model(model, &head, &err) != DESCENT_OK) {
            rc = runtime_error("%s", err.message);
            goto done;
        }
        if (ds->features != descent_model_inputs(model) || (head.task == DESCENT_TASK_REGRESSION &&
                                                            ds->outputs != descent_model_outputs(model))) {
            rc = runtime_error("%s has %d features and %d targets, but the model in %s takes %d and predicts %d",
                               c->data, ds->features, ds->outputs, c->resume, descent_model_inputs(model),
                               descent_model_outputs(model));
            goto done;
        }
    } else if (!(model = build(a, c, ds, n_fit, &head, &rc))) {
        goto done;
    }
    /* A model resumed keeps the scalers and names it has; its targets are
     * encoded as its head learns them (two classes may be -1 and 1). */
    if (c->resume && head.task == DESCENT_TASK_CLASSIFICATION &&
        descent_head_encode(&head, ds->labels, ds->n, ds->y, &err)) {
        rc = runtime_error("%s", err.message);
        goto done;
    }
    if ((rc = fit(a, c, model, &fit_rows, val.n ? &val : NULL))) goto done;
    if ((rc = report(model, "train", fit_rows.x, fit_rows.y, fit_rows.n))) goto done;
    if (val.n && (rc = report(model, "validation", val.x, val.y, val.n))) goto done;
    if (test.n && (rc = report(model, "test", test.x, test.y, test.n))) goto done;
    if (has(a, "--print-weights") && (rc = print_weights(model))) goto done;
    fflush(stdout);
    if (c->save) {
        /* a model resumed is saved to be resumed again */
        if ((rc = out_save_model(model, has(a, "--save-optimizer") || c->resume, c->save))) goto done;
        if (!has(a, "--quiet")) fprintf(stderr, "saved model to %s\n", c->save);
    }
done:
    resume_free(&rs);
    descent_model_free(model);
    descent_dataset_free(ds);
    free(c);
    return rc;
}
