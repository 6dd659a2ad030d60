/* descent_tune.h - hyper-parameter search for descent: configurations,
 * k-fold cross-validation, grid and random search, and the refit of the best.
 *
 * Overview
 * --------
 * A search is a list of configurations (a grid: every combination of the
 * values given; or random: n draws), each scored by the mean over k folds of
 * a metric on the fold held out. Everything random derives from the search's seed, a
 * configuration's index and a fold's index, never from a shared stream, so
 * a configuration's result is the same whatever order (or process, or
 * thread) evaluates it in. Folds are assigned once per search (stratified for
 * classification), so every configuration is scored on the same splits.
 *
 * Each fold trains a fresh model: the configuration's hidden layers, an
 * output layer and loss picked from the task (sigmoid + binary cross-entropy
 * for two classes, softmax + categorical cross-entropy for more, linear + MSE
 * for regression), the inputs standardized with the training rows' mean and
 * standard deviation (and, for regression, the target too). A fold whose
 * training becomes non-finite scores NaN; a configuration with such a fold
 * has a NaN mean and ranks last.
 *
 * The output head and the scalers come from the task recipe of
 * descent_data.h (descent_head_choose, descent_model_fit_scalers), and
 * layer lists parse as descent_hidden_parse, so a search builds the model
 * the command line's train builds.
 *
 * Example: the learning rate of a 16-16 relu network on two Gaussian blobs,
 * by 5-fold cross-validation (the build compiles and runs it).
 *
 *     #include "descent_tune.h"
 *     #include <stdio.h>
 *
 *     int main(void) {
 *         descent_error err;
 *         descent_dataset *d = descent_dataset_generate(DESCENT_DATA_GAUSSIAN, 200, 0.1f, 1, &err);
 *         if (!d) { fprintf(stderr, "%s\n", err.message); return 1; }
 *         double rates[] = {0.0001, 0.01, 0.1};
 *         descent_tune_axis axis = {.param = DESCENT_TUNE_LEARNING_RATE, .count = 3, .values = rates};
 *         descent_search_spec spec = descent_search_defaults();   // adam, 16x16 relu, batch 32, 5 folds
 *         spec.n_axes = 1;
 *         spec.axes = &axis;
 *         spec.metric = DESCENT_METRIC_ACCURACY;
 *         spec.base.epochs = 10;
 *         descent_search *s = descent_search_create(d, &spec, &err);
 *         int ok = s && descent_search_run(s, &err) == DESCENT_OK;
 *         if (ok) {
 *             const descent_tune_result *best = descent_search_result(s, descent_search_best(s));
 *             printf("best: learning rate %g, accuracy %.2f\n", best->config.learning_rate, best->mean);
 *         } else {
 *             fprintf(stderr, "%s\n", err.message);
 *         }
 *         descent_search_free(s);
 *         descent_dataset_free(d);
 *         return ok ? 0 : 1;
 *     }
 */
#ifndef DESCENT_TUNE_H
#define DESCENT_TUNE_H

#include "descent_data.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum descent_tune_param {
    DESCENT_TUNE_LEARNING_RATE = 0, /* "learning_rate" (alias "lr"): > 0 */
    DESCENT_TUNE_BATCH_SIZE,        /* "batch_size" (alias "batch"): >= 1, or 0 for the full batch */
    DESCENT_TUNE_OPTIMIZER,         /* "optimizer": a descent_optimizer_kind */
    DESCENT_TUNE_LAYERS,            /* "layers": the hidden layers' unit counts */
    DESCENT_TUNE_ACTIVATION,        /* "activation": of the hidden layers */
    DESCENT_TUNE_L2,                /* "l2": the L2 penalty on every kernel, >= 0 */
    DESCENT_TUNE_EPOCHS             /* "epochs": 1..DESCENT_MAX_EPOCHS */
} descent_tune_param;

#define DESCENT_TUNE_PARAMS 7
/* The tuning limits, as descent.h defines them once. */
#define DESCENT_TUNE_MAX_LAYERS DESCENT_MAX_HIDDEN  /* hidden layers in one configuration */
#define DESCENT_TUNE_MAX_FOLDS DESCENT_MAX_FOLDS
#define DESCENT_TUNE_MAX_CONFIGS DESCENT_MAX_CONFIGS

typedef enum descent_tune_metric {
    DESCENT_METRIC_LOSS = 0,        /* the data loss (no penalties), lower is better */
    DESCENT_METRIC_ACCURACY,        /* classification, higher is better */
    DESCENT_METRIC_F1,              /* classification (binary: of class 1; else macro), higher is better */
    DESCENT_METRIC_R2,              /* regression, higher is better */
    DESCENT_METRIC_RMSE             /* regression, in target units, lower is better */
} descent_tune_metric;
#define DESCENT_TUNE_METRICS 5

/* Names: "learning_rate", ...; "loss", "accuracy", "f1", "r2", "rmse". *_parse
 * also takes the aliases "lr" and "batch", and lists what it accepts. */
const char *descent_tune_param_name(descent_tune_param p);
descent_status descent_tune_param_parse(const char *name, descent_tune_param *out, descent_error *err);
const char *descent_tune_metric_name(descent_tune_metric m);
descent_status descent_tune_metric_parse(const char *name, descent_tune_metric *out, descent_error *err);
/* 1 when a larger score is better (accuracy, f1, r2), 0 when smaller is (loss, rmse). */
int descent_tune_metric_higher_is_better(descent_tune_metric m);
/* The metric a search ranks by when none is asked for: accuracy for
 * classification, r2 for regression (what the CLI's --metric auto takes). */
descent_tune_metric descent_tune_metric_default(descent_task task);

/* The hidden layers of a configuration: count 0 is the logistic (or linear)
 * model, a single output layer. */
typedef struct descent_tune_layers {
    int count;                      /* 0..DESCENT_TUNE_MAX_LAYERS */
    int units[DESCENT_TUNE_MAX_LAYERS]; /* each 1..DESCENT_MAX_UNITS */
} descent_tune_layers;

/* "8", "16,16", "16x16" (either separator) or "none" / "" for no hidden layer:
 * descent_hidden_parse with at most DESCENT_TUNE_MAX_LAYERS layers and no activations. */
descent_status descent_tune_layers_parse(const char *text, descent_tune_layers *out, descent_error *err);
/* Writes "16x16" ("none" for no hidden layer) into buf (NUL-terminated, truncated to size). */
void descent_tune_layers_format(const descent_tune_layers *layers, char *buf, size_t size);

/* One point of a search: every hyper-parameter a configuration sets. */
typedef struct descent_tune_config {
    double learning_rate;           /* > 0; 0 means the optimizer's default (descent_optimizer_defaults) */
    int batch_size;                 /* >= 1; 0 = all training rows (full batch) */
    descent_optimizer_kind optimizer;
    descent_tune_layers layers;
    descent_activation activation;  /* hidden layers' */
    double l2;                      /* >= 0, on every layer's kernel */
    int epochs;                     /* 1..DESCENT_MAX_EPOCHS */
} descent_tune_config;

/* adam at its default learning rate, batch 32, hidden layers 16,16, relu, no
 * L2, 100 epochs: what `descent train` uses. */
descent_tune_config descent_tune_config_defaults(void);
/* Checks every field, naming the bad one and its allowed range. */
descent_status descent_tune_config_check(const descent_tune_config *config, descent_error *err);

typedef enum descent_tune_event {
    DESCENT_TUNE_BATCH = 0,         /* after each training batch */
    DESCENT_TUNE_EPOCH,             /* after each epoch of a fold */
    DESCENT_TUNE_FOLD,              /* a fold is scored: score */
    DESCENT_TUNE_CONFIG             /* a configuration is done: score is its mean */
} descent_tune_event;

typedef struct descent_tune_progress {
    descent_tune_event event;
    int index;                      /* the configuration */
    int fold, folds;                /* 0-based fold being trained, of folds (fold == folds: the final refit) */
    int epoch, epochs;              /* epochs completed in this fold, of epochs */
    int batch;                      /* 0-based batch within the epoch (BATCH events) */
    float loss;                     /* the last batch's loss (BATCH), the epoch's training loss (EPOCH) */
    double score;                   /* FOLD: the fold's score; CONFIG: the mean over folds */
    int done, total;                /* configurations finished so far in this run, and in it overall */
    const struct descent_tune_result *result; /* CONFIG: the configuration's result; else NULL */
} descent_tune_progress;

/* Called at every event; return nonzero to cancel. The run then stops before
 * the next batch and returns DESCENT_CANCELLED; the configuration it was in
 * keeps no result unless the cancel came from its CONFIG event. */
typedef int (*descent_tune_callback)(const descent_tune_progress *progress, void *user);

/* One configuration's scores. */
typedef struct descent_tune_result {
    int index;                      /* the configuration's index (its seeds derive from it) */
    int evaluated;                  /* 1 once scored */
    descent_tune_config config;
    int folds;
    double scores[DESCENT_TUNE_MAX_FOLDS]; /* each fold's score on its held-out rows; NaN if it diverged */
    double mean, std;               /* over the folds (population std); NaN if a fold diverged */
    int diverged;                   /* folds whose training became non-finite */
    double time_ms;                 /* wall time to train and score every fold */
} descent_tune_result;

typedef struct descent_cv_options {
    int folds;                      /* 2..20 (and at most the rows) */
    descent_tune_metric metric;
    uint32_t seed;                  /* the fold assignment's seed; with index, the folds' model seeds */
    int index;                      /* >= 0: the configuration's index in its search */
    int no_standardize;             /* 1: inputs as they are */
    int no_scale_target;            /* 1: regression targets as they are */
    /* Optional per-epoch curves, folds·epochs floats each, row f = fold f:
     * the training loss and the held-out fold's loss after each epoch (NaN
     * past an epoch not reached). Asking for val_loss costs one evaluation
     * of the held-out rows per epoch; the scores do not change. */
    float *train_loss, *val_loss;
    descent_tune_callback on_progress;
    void *user;
} descent_cv_options;

/* folds 5, metric loss, seed 1, index 0, standardized, no curves, no callback. */
descent_cv_options descent_cv_defaults(void);

/* k-fold cross-validation of one configuration on data (classification when
 * data->classes >= 2, with its labels stratifying the folds). Fills *out and
 * returns DESCENT_OK (also when folds diverged: see out->diverged),
 * DESCENT_CANCELLED, or an error. */
descent_status descent_cross_validate(const descent_dataset *data, const descent_tune_config *config,
                                      const descent_cv_options *options, descent_tune_result *out, descent_error *err);

typedef enum descent_search_mode {
    DESCENT_SEARCH_GRID = 0,        /* every combination of the axes' values; the first axis varies slowest */
    DESCENT_SEARCH_RANDOM           /* draws configurations, each from its own seeded stream */
} descent_search_mode;

/* One searched hyper-parameter. Values are given in one of three ways:
 *   values     numbers: learning_rate, batch_size (0 = full), l2, epochs, and
 *              the enum values of optimizer and activation;
 *   layers     for DESCENT_TUNE_LAYERS;
 *   lo..hi     random search only (count 0): learning_rate and l2 drawn
 *              log-uniformly in [lo, hi] (lo > 0), batch_size and epochs
 *              uniformly among the integers lo..hi.
 * A random search draws from a list uniformly. */
typedef struct descent_tune_axis {
    descent_tune_param param;
    int count;                      /* entries in values or layers */
    const double *values;
    const descent_tune_layers *layers;
    double lo, hi;
} descent_tune_axis;

typedef struct descent_search_spec {
    descent_search_mode mode;
    int n_axes;                     /* 0..DESCENT_TUNE_PARAMS, each parameter at most once */
    const descent_tune_axis *axes;
    int draws;                      /* random: configurations to draw, 1..DESCENT_TUNE_MAX_CONFIGS */
    descent_tune_config base;       /* the values of the parameters not searched */
    int folds;                      /* 2..20 */
    descent_tune_metric metric;
    uint32_t seed;
    float test_fraction;            /* [0, 1): rows held out (stratified) before the folds, for the refit */
    int no_standardize, no_scale_target;
    int curves;                     /* 1: keep each fold's per-epoch curves (descent_search_curves) */
    descent_tune_callback on_progress;
    void *user;
} descent_search_spec;

/* Grid, no axes, descent_tune_config_defaults, 5 folds, metric loss, seed 1,
 * no test split, standardized, no curves, no callback. */
descent_search_spec descent_search_defaults(void);

typedef struct descent_search descent_search;

/* Checks the spec (a bad axis or value is named with its allowed range), holds
 * out the test rows, assigns the folds and lists the configurations. data
 * is copied. NULL on failure. */
descent_search *descent_search_create(const descent_dataset *data, const descent_search_spec *spec,
                                      descent_error *err);
void descent_search_free(descent_search *search);
/* Replaces the progress callback (for a search evaluated piecewise by another caller). */
void descent_search_set_callback(descent_search *search, descent_tune_callback on_progress, void *user);

int descent_search_count(const descent_search *search);        /* configurations */
int descent_search_train_rows(const descent_search *search);   /* rows the folds split */
int descent_search_test_rows(const descent_search *search);    /* rows held out; 0 without a test split */
/* Configuration index's values (0 <= index < count). */
descent_status descent_search_config(const descent_search *search, int index, descent_tune_config *out,
                                     descent_error *err);
/* The training rows (after the test split), as the folds see them; owned by the search. */
const descent_dataset *descent_search_train_data(const descent_search *search);
/* The held-out test rows, or NULL without a test split; owned by the search. */
const descent_dataset *descent_search_test_data(const descent_search *search);
/* Row i of the training rows is in fold fold[i]; owned by the search. */
const int *descent_search_folds(const descent_search *search);

/* Cross-validates one configuration and keeps its result: exactly
 * descent_cross_validate on descent_search_train_data with the search's
 * options and this index. Evaluating again recomputes it (the same result). */
descent_status descent_search_evaluate(descent_search *search, int index, descent_error *err);
/* Evaluates every configuration not yet evaluated, in index order;
 * DESCENT_CANCELLED leaves those done so far. */
descent_status descent_search_run(descent_search *search, descent_error *err);
/* index's result, or NULL if it was never evaluated. Owned by the search. */
const descent_tune_result *descent_search_result(const descent_search *search, int index);
/* With curves on: index's per-fold curves (folds·epochs floats, row f =
 * fold f), owned by the search, or NULL. */
descent_status descent_search_curves(const descent_search *search, int index, const float **train_loss,
                                     const float **val_loss, int *epochs, descent_error *err);
/* The evaluated configurations, best first, into order (count entries);
 * returns how many (0 also when out of memory). Means are compared to 12
 * significant digits, ties go to the lower index, and NaN means come last. */
int descent_search_rank(const descent_search *search, int *order);
/* The best evaluated configuration's index, or -1. */
int descent_search_best(const descent_search *search);

/* A retrained configuration and its scores on the held-out test rows. */
typedef struct descent_tune_test {
    int index;
    int train_rows, test_rows;      /* test_rows 0: no test split, scores NaN */
    double score;                   /* the search's metric on the test rows */
    double loss;                    /* data loss on the test rows */
    descent_metrics metrics;        /* all metrics on the test rows */
    double time_ms;
} descent_tune_test;

/* Trains configuration index on all the training rows (seeds from the search's
 * seed, index and fold = folds) and scores it on the test rows. model, if
 * not NULL, receives the trained model (with its scalers and the data's
 * names; free it with descent_model_free). */
descent_status descent_search_refit(descent_search *search, int index, descent_tune_test *out,
                                    descent_model **model, descent_error *err);


#ifdef __cplusplus
}
#endif
#endif
