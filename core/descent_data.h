/* descent_data.h - data for descent: data sets, CSV, generators, splits and
 * scaling, and the task recipe: what a data set's task asks of a model.
 *
 * Overview
 * --------
 * A descent_dataset holds n rows of features (x) and targets (y): for
 * regression the target columns, for classification class indices (labels)
 * and y encoded for a network (one 0/1 column for two classes, one-hot for
 * more). Data sets come from CSV text or files (a header row, then rows; the
 * target may be text) or from the generators (the playground's toy sets);
 * descent_split and descent_kfold cut them, seeded and stratified.
 *
 * The task recipe makes each decision that the command line, tuning and the
 * page share, once: the task of a target (descent_task_detect), the output
 * head for a task (output activation, loss, label encoding and decision
 * threshold: descent_head_choose), the scalers fitted on the training rows
 * (descent_model_fit_scalers), hidden-layer lists ("16,16", "16x16", "none",
 * "16:relu,8:tanh": descent_hidden_parse), class names, and the scores of a
 * head's predictions (descent_head_metrics).
 *
 * Example: a spiral, split 80/20, learnt by a 16-16 relu network whose head
 * and scalers come from the recipe (the build compiles and runs it).
 *
 *     #include "descent_data.h"
 *     #include <stdio.h>
 *
 *     int main(void) {
 *         descent_error err;
 *         descent_dataset *d = descent_dataset_generate(DESCENT_DATA_SPIRAL, 400, 0.1f, 1, &err);
 *         if (!d) { fprintf(stderr, "%s\n", err.message); return 1; }
 *         int train[400], test[400], n_train, n_test;
 *         descent_dataset *tr = NULL, *te = NULL;
 *         descent_model *m = NULL;
 *         descent_head head;                  // sigmoid + binary cross-entropy, threshold 0.5
 *         descent_metrics met;
 *         float p[400];
 *         descent_fit_options fit = descent_fit_defaults();
 *         fit.epochs = 300; fit.batch_size = 16;
 *         int ok = descent_split(d->n, d->labels, d->classes, 0.2f, 1, train, &n_train, test, &n_test, &err) == DESCENT_OK
 *             && (tr = descent_dataset_subset(d, train, n_train, &err)) && (te = descent_dataset_subset(d, test, n_test, &err))
 *             && descent_head_choose(descent_dataset_task(d), d->classes, d->outputs, DESCENT_OUTPUT_AUTO, &head, &err) == DESCENT_OK
 *             && descent_head_encode(&head, tr->labels, tr->n, tr->y, &err) == DESCENT_OK
 *             && descent_head_encode(&head, te->labels, te->n, te->y, &err) == DESCENT_OK;
 *         if (ok) {
 *             descent_layer_spec layers[3] = {descent_layer(16, DESCENT_ACT_RELU), descent_layer(16, DESCENT_ACT_RELU),
 *                                             descent_layer(head.units, head.activation)};
 *             descent_model_spec spec = {.inputs = d->features, .n_layers = 3, .layers = layers, .loss = head.loss,
 *                                        .optimizer = descent_optimizer_defaults(DESCENT_OPT_ADAM), .seed = 1};
 *             spec.optimizer.learning_rate = 0.01;
 *             ok = (m = descent_model_create(&spec, &err))
 *                 && descent_model_fit_scalers(m, tr, DESCENT_SCALE_ALL, &err) == DESCENT_OK   // the training rows' only
 *                 && descent_model_fit(m, tr->x, tr->y, tr->n, &fit, NULL, &err) == DESCENT_OK
 *                 && descent_model_predict(m, te->x, te->n, p, &err) == DESCENT_OK
 *                 && descent_head_metrics(&head, p, te->y, te->n, NULL, &met, &err) == DESCENT_OK;
 *         }
 *         if (ok) printf("test accuracy %.2f on %d rows\n", met.accuracy, te->n);   // 1.00 on 80 rows
 *         else fprintf(stderr, "%s\n", err.message);
 *         descent_model_free(m);
 *         descent_dataset_free(tr);
 *         descent_dataset_free(te);
 *         descent_dataset_free(d);
 *         return ok ? 0 : 1;
 *     }
 */
#ifndef DESCENT_DATA_H
#define DESCENT_DATA_H

#include "descent.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------- data sets */

typedef struct descent_dataset {
    int n;                          /* rows */
    int features;                   /* columns of x */
    int outputs;                    /* columns of y: 1 for regression or 2 classes, k for k > 2 classes (one-hot) */
    float *x;                       /* n·features, row-major */
    float *y;                       /* n·outputs */
    int classes;                    /* 0: regression; >= 2: classification */
    int *labels;                    /* n class indices for classification, else NULL */
    char **feature_names;           /* features entries */
    char *target_name;
    char **class_names;             /* classes entries (numeric classes are named by their value) */
    /* Columns kept aside as text (descent_csv_options.keep), else 0 and NULL:
     * read their cells with descent_dataset_kept. */
    int n_kept;
    char **kept_names;              /* n_kept entries */
    char *kept_text;                /* every kept cell, NUL-terminated */
    size_t *kept;                   /* n·n_kept offsets into kept_text, row-major */
} descent_dataset;

typedef struct descent_csv_options {
    const char *target;             /* target column by name; NULL: use target_index */
    int target_index;               /* 0-based; -1: the last column */
    descent_task task;              /* AUTO: text targets, or integer targets with at most
                                       DESCENT_AUTO_MAX_CLASSES distinct values, are classification;
                                       otherwise regression (descent_task_detect) */
    char delimiter;                 /* 0: ',' */
    int no_target;                  /* 1: every column is a feature; y NULL, outputs 0 (for prediction) */
    const char *const *class_names; /* with n_classes (2..DESCENT_MAX_CLASSES): the classes are these, in this order (a
                                       model's, say), and the target is classification; each row's
                                       class is matched by name (or by value for numbers), so a file
                                       may hold any of them, even one; another class is an error */
    int n_classes;
    int target_optional;            /* with target: a file without that column is read as with no_target
                                       (a model's target, which a file to predict may or may not have) */
    const char *const *columns;     /* with n_columns (0..DESCENT_MAX_COLUMNS): the features are exactly these
                                       columns, by name, in this order (a model's inputs, say); other
                                       columns but the target and those kept are skipped unread, so they
                                       may hold text. 0: every column but the target and those kept */
    int n_columns;
    const char *const *keep;        /* with n_keep (0..DESCENT_MAX_COLUMNS): columns, by name, whose cells are
                                       kept aside as text (an id to echo beside predictions, say); a kept
                                       column is a feature only when columns names it */
    int n_keep;
} descent_csv_options;

/* target NULL, target_index -1, task AUTO, ',', with a target (required), classes from the data,
 * every other column a feature, none kept. */
descent_csv_options descent_csv_defaults(void);

/* A header row, then one row per sample. Features must be numbers; the target
 * may be text (mapped to classes in sorted order); columns skipped (see
 * options.columns) and kept may hold anything. CRLF, quoted fields and
 * blank lines are handled. Errors name the line and column and what was
 * expected, with the file's name when reading a file; a column asked for
 * that the header lacks is named with the header's columns. Rows are read
 * one at a time (a file in chunks), so reading costs the dataset returned
 * (kept cells included) plus a few bytes a row and about one record's
 * text, not a copy of the text. */
descent_dataset *descent_csv_read_file(const char *path, const descent_csv_options *options, descent_error *err);
descent_dataset *descent_csv_parse(const char *text, size_t length, const descent_csv_options *options,
                                   descent_error *err);

/* Cell k (0..n_kept-1) of row (0..n-1) of a column kept aside, as text
 * (a C string owned by ds); NULL when either is out of range. */
const char *descent_dataset_kept(const descent_dataset *ds, int row, int k);

/* An empty dataset to fill (x and y zeroed; names NULL; labels allocated when classes >= 2). */
descent_dataset *descent_dataset_create(int n, int features, int outputs, int classes, descent_error *err);
/* A new dataset with rows idx[0..m-1] of ds (names, classes and kept cells kept). */
descent_dataset *descent_dataset_subset(const descent_dataset *ds, const int *idx, int m, descent_error *err);
void descent_dataset_free(descent_dataset *ds);

typedef enum descent_generator {
    DESCENT_DATA_CIRCLE = 0,        /* 2-D, binary: inside vs outside a ring */
    DESCENT_DATA_XOR,               /* 2-D, binary: sign of x1·x2 */
    DESCENT_DATA_GAUSSIAN,          /* 2-D, binary: two Gaussian blobs */
    DESCENT_DATA_SPIRAL,            /* 2-D, binary: two interleaved spirals */
    DESCENT_DATA_PLANE,             /* 2-D regression: a tilted plane */
    DESCENT_DATA_MULTIGAUSS,        /* 2-D regression: a sum of Gaussian bumps */
    DESCENT_DATA_LINEAR4,           /* the 4-point set X = [[1,1],[1,-1],[-1,1],[-1,-1]], y = x2 (n, noise ignored) */
    DESCENT_DATA_LINE,              /* 1-D regression: y = 3x + noise, x in [-1, 1] */
    DESCENT_DATA_CURVE              /* 1-D regression: a smooth curve plus noise */
} descent_generator;
#define DESCENT_GENERATORS 9

const char *descent_generator_name(descent_generator g);
descent_status descent_generator_parse(const char *name, descent_generator *out, descent_error *err);
/* How far a generator's points reach: the half-width of the square (or
 * interval) they lie in, 6 for the 2-D sets (their plane is [-6, 6]²), 1 for
 * linear4, line and curve; 0 for an unknown generator. Dividing the features
 * by it is the "unit" input scale below. */
double descent_generator_extent(descent_generator g);

/* What a generated set's features are fed to the network as:
 *   none         as generated (the TensorFlow Playground's inputs: x1 in [-6, 6])
 *   unit         x1, x2 divided by descent_generator_extent, so within about
 *                [-1, 1]; the playground page's default
 *   standardize  as generated, then each feature column standardized with the
 *                training rows' mean and deviation (the model's input scaler,
 *                descent_model_fit_scalers), as tables always are
 * Products and squares (x1², x1·x2) are made from x1, x2 as none or unit
 * leave them; sin x1 always takes the generated x1. */
typedef enum descent_input_scale {
    DESCENT_INPUT_SCALE_NONE = 0,
    DESCENT_INPUT_SCALE_UNIT,
    DESCENT_INPUT_SCALE_STANDARDIZE
} descent_input_scale;
#define DESCENT_INPUT_SCALES 3

const char *descent_input_scale_name(descent_input_scale s);
descent_status descent_input_scale_parse(const char *name, descent_input_scale *out, descent_error *err);

/* n rows, 1..DESCENT_MAX_GENERATE (LINEAR4 always has 4); noise in [0, 1] (a fraction of the
 * set's scale; for LINE the standard deviation of the added noise). */
descent_dataset *descent_dataset_generate(descent_generator kind, int n, float noise, uint32_t seed, descent_error *err);

/* Per-column mean and population standard deviation of n rows (std 1 where a
 * column is constant). */
descent_status descent_standardize_fit(const float *x, int n, int columns, float *mean, float *std, descent_error *err);
/* x = (x - mean) / std in place. A mean that is not finite, a std that is not
 * finite and > 0, or a value that would not be finite once standardized is
 * refused (DESCENT_ERR_ARGUMENT), and x is left as it was. */
descent_status descent_standardize_apply(float *x, int n, int columns, const float *mean, const float *std,
                                         descent_error *err);

/* A seeded shuffle of 0..n-1 into n_test test rows (round(n·test_fraction),
 * at least 1 when test_fraction > 0) and the rest for training, each part in
 * random order (test_fraction 0 leaves all rows in order). With labels (n
 * class indices in [0, classes)), the split is stratified: each class
 * contributes in proportion. train_idx and test_idx must hold n entries each. */
descent_status descent_split(int n, const int *labels, int classes, float test_fraction, uint32_t seed, int *train_idx,
                             int *n_train, int *test_idx, int *n_test, descent_error *err);

/* Assigns each of n rows a fold in 0..k-1 (2 <= k <= n), seeded; with labels
 * the folds are stratified so each class's count differs by at most one
 * between folds. */
descent_status descent_kfold(int n, int k, const int *labels, int classes, uint32_t seed, int *fold,
                             descent_error *err);


/* ------------------------------------------------------------- task recipe */

/* The task of a target column, as the CSV reader decides it: requested as
 * it is when not AUTO; with AUTO, classification for text, or for integers
 * with at most DESCENT_AUTO_MAX_CLASSES distinct values, else regression.
 * text: some value is not a number; all_integer: every value is an integer;
 * distinct: how many distinct values there are. */
descent_task descent_task_detect(descent_task requested, int text, int all_integer, int64_t distinct);
/* A data set's task: classification with classes >= 2, else regression. */
descent_task descent_dataset_task(const descent_dataset *data);
/* What a generator makes: its task, and its feature columns (2 or 1). */
descent_task descent_generator_task(descent_generator g);
int descent_generator_features(descent_generator g);

/* The output heads the playground offers, by name, each an output
 * activation and a loss. Which suit a task: */
typedef enum descent_output {
    DESCENT_OUTPUT_AUTO = 0,        /* "auto": the task's default (below) */
    DESCENT_OUTPUT_SIGMOID_BCE,     /* "sigmoid-bce": two classes; the default for them */
    DESCENT_OUTPUT_SIGMOID_MSE,     /* "sigmoid-mse": two classes, regression */
    DESCENT_OUTPUT_TANH_MSE,        /* "tanh-mse": two classes (labels -1/+1), regression */
    DESCENT_OUTPUT_LINEAR_MSE,      /* "linear-mse": regression, its default; two classes (labels -1/+1) */
    DESCENT_OUTPUT_SOFTMAX_CCE      /* "softmax-cce": more than two classes, their default */
} descent_output;
#define DESCENT_OUTPUTS 6

const char *descent_output_name(descent_output o);
descent_status descent_output_parse(const char *name, descent_output *out, descent_error *err);
/* 1 when output o suits the task with classes classes (AUTO always does). */
int descent_output_allowed(descent_output o, descent_task task, int classes);
/* o when it suits the task, else the task's default (never AUTO). */
descent_output descent_output_resolve(descent_output o, descent_task task, int classes);

/* What a network's last layer and loss are for a task, and how labels map
 * to targets and predictions back to classes. */
typedef struct descent_head {
    descent_task task;              /* DESCENT_TASK_CLASSIFICATION or DESCENT_TASK_REGRESSION */
    int classes;                    /* 0 for regression, else >= 2 */
    int units;                      /* the output layer's units: the target columns (regression), 1 for
                                       two classes, the class count for more */
    descent_activation activation;  /* the output layer's activation */
    descent_loss loss;
    int signed_labels;              /* two classes trained as -1 / +1 (a tanh or linear output with mse),
                                       else 0 / 1; more classes are one-hot */
    float low, high;                /* two classes: the targets of class 0 and class 1 (-1 or 0, and 1) */
    float threshold;                /* two classes: an output >= threshold is class 1 ((low + high) / 2:
                                       0.5, or 0 signed); more classes: the largest output; regression NaN */
} descent_head;

/* The head for a task: task CLASSIFICATION (classes >= 2) or REGRESSION
 * (outputs target columns, >= 1); AUTO takes classes >= 2 as
 * classification. output AUTO picks the task's default: sigmoid + binary
 * cross-entropy for two classes, softmax + categorical cross-entropy for
 * more, linear + mse for regression; another output must suit the task
 * (descent_output_allowed), or DESCENT_ERR_ARGUMENT names those that do. */
descent_status descent_head_choose(descent_task task, int classes, int outputs, descent_output output,
                                   descent_head *out, descent_error *err);
/* Replaces the head's output activation and/or loss (-1 keeps each), as the
 * CLI's --output-activation and --loss do; the label encoding and threshold
 * follow the new pair. A cross-entropy on a regression head is refused
 * (DESCENT_ERR_ARGUMENT, saying what would do). Whether the network can
 * learn with it is descent_model_create's to say (categorical cross-entropy
 * and softmax need two units, say). */
descent_status descent_head_override(descent_head *head, int activation, int loss, descent_error *err);
/* The head a model was made with: classification when it has class names
 * or a cross-entropy loss (then as many classes as names, or 2 for one
 * output, else its outputs), else regression. */
descent_status descent_head_of_model(const descent_model *model, descent_head *out, descent_error *err);

/* Classification heads: y (n·units) from n class labels in [0, classes):
 * low/high for two classes, one-hot for more. y may be a data set's own y
 * (encode in place from its labels). */
descent_status descent_head_encode(const descent_head *head, const int *labels, int n, float *y, descent_error *err);
/* Classification heads: each of n prediction rows' class (the threshold, or
 * the largest output, the first on ties). */
descent_status descent_head_decode(const descent_head *head, const float *pred, int n, int *labels,
                                   descent_error *err);
/* Two classes: an output as the probability of class 1 in [0, 1]: a sigmoid's
 * as it is, a signed output's (v + 1) / 2, clipped. NaN for other heads. */
double descent_head_probability(const descent_head *head, float output);
/* The scores of n rows of predictions against targets encoded for the
 * head: classification metrics with its threshold and labels (confusion,
 * if given, receives max(2, units)² counts), or regression metrics. */
descent_status descent_head_metrics(const descent_head *head, const float *pred, const float *y, int n, int *confusion,
                                    descent_metrics *out, descent_error *err);

/* Standardization the training rows give, in a model or in arrays: the
 * inputs' per-column mean and population deviation (descent_standardize_fit)
 * and, for regression only, the target's. */
#define DESCENT_SCALE_INPUTS 1
#define DESCENT_SCALE_TARGET 2          /* regression only: a classification target is never scaled */
#define DESCENT_SCALE_ALL 3
/* Fits what scale asks on train's rows: in_mean and in_std (features floats
 * each) with DESCENT_SCALE_INPUTS; out_mean and out_std (outputs floats
 * each) with DESCENT_SCALE_TARGET for a regression data set. *fitted (may
 * be NULL) receives the DESCENT_SCALE_* bits fitted. Arrays not fitted may
 * be NULL. */
descent_status descent_dataset_fit_scalers(const descent_dataset *train, int scale, float *in_mean, float *in_std,
                                           float *out_mean, float *out_std, int *fitted, descent_error *err);
/* The same, set into the model (whose inputs and outputs must match
 * train's features and outputs); scalers not fitted are left as they are. */
descent_status descent_model_fit_scalers(descent_model *model, const descent_dataset *train, int scale,
                                         descent_error *err);

/* Hidden layers as text: "16,16" or "16x16" (unit counts, either
 * separator), "8", "none" or "" (no hidden layer), and, where activations
 * is not NULL, "16:relu,8:tanh" (a layer's activation after ':'; ','
 * separates such layers). Units are 1..DESCENT_MAX_UNITS, layers at most
 * max_layers. units (and activations) receive max_layers entries at most;
 * activations[i] is -1 where the text gives none. The message quotes the
 * text and says what is allowed. */
descent_status descent_hidden_parse(const char *text, int max_layers, int *units, int *activations, int *count,
                                    descent_error *err);
/* The inverse: "16x16" and "none", or "16:relu,8:tanh" when activations is
 * not NULL (and every entry >= 0). NUL-terminated, cut to size. */
void descent_hidden_format(const int *units, const int *activations, int count, char *buf, size_t size);

/* A numeric class's name, as the CSV reader and the generators give it:
 * its value as %g ("3", "0.5"), or with 17 significant digits where %g
 * would print it like previous (the name of the class before it in sorted
 * order, or NULL). Returns buf. */
const char *descent_class_name_numeric(double value, const char *previous, char *buf, size_t size);
/* Class i of a model as reports and predictions name it: its class name,
 * or its index when the model carries none. Returns the name or buf. */
const char *descent_model_class_label(const descent_model *model, int i, char *buf, size_t size);

/* ------------------------------------------- a whole training run (the recipe)
 * What `descent train` and the JS API's trainCSV do with a data set, as one
 * set of calls both make, so that the same data and options give the same
 * model and scores: split off the test rows, then the validation rows
 * (seeded, stratified for classes, in place: fit rows first, then
 * validation, then test); build the network for the task (hidden layers as
 * asked, the head descent_head_choose gives, overridden by
 * output_activation/loss); encode the targets for the head; fit the scalers
 * on the fit rows; carry the data set's names; fit; score each part. */
typedef struct descent_train_recipe {
    int n_hidden;                   /* hidden layers, 0..DESCENT_MAX_LAYERS - 1 */
    const int *units;               /* n_hidden unit counts (descent_hidden_parse gives them) */
    const int *activations;         /* n_hidden activations, -1 for `activation`; NULL: all `activation` */
    descent_activation activation;  /* the hidden layers' default: relu */
    int output_activation, loss;    /* -1: the head's (descent_head_choose) */
    descent_init init;              /* glorot-uniform */
    float alpha, init_limit, l1, l2;/* each layer's, as descent_layer gives them; l1, l2 0 */
    int no_bias;
    descent_optimizer_spec optimizer;  /* Adam with its defaults */
    double test_split, val_split;   /* fractions in [0, 1): 0.2 and 0 */
    uint32_t seed;                  /* initial weights, the splits and the shuffle: 1 */
    int scale;                      /* DESCENT_SCALE_* bits: DESCENT_SCALE_ALL */
} descent_train_recipe;

descent_train_recipe descent_train_recipe_defaults(void);

/* Rows [first, first + n) of ds as a view sharing its memory (never freed; no kept columns). */
descent_dataset descent_dataset_rows(const descent_dataset *ds, int first, int n);
/* Reorders ds's rows in place so that a seeded draw of fraction of them
 * (stratified for classes; descent_split) comes last; *n_first receives the
 * rows before them. fraction 0 leaves ds as it is. */
descent_status descent_dataset_split_off(descent_dataset *ds, double fraction, uint32_t seed, int *n_first,
                                         descent_error *err);
/* The network the recipe asks for ds (head into *head); encodes ds's
 * classification targets for the head in place, fits the scalers on rows
 * [0, n_fit) and sets ds's feature, target and class names. */
descent_model *descent_recipe_build(const descent_train_recipe *r, descent_dataset *ds, int n_fit, descent_head *head,
                                    descent_error *err);
/* The loss (descent_model_evaluate) and the head's scores of n rows (y
 * encoded for the head); confusion as descent_head_metrics takes it. */
descent_status descent_recipe_score(descent_model *model, const descent_head *head, const float *x, const float *y,
                                    int n, float *loss, descent_metrics *out, int *confusion, descent_error *err);

typedef struct descent_recipe_result {
    descent_model *model;           /* the trained model (also after a failed fit: as the fit left it) */
    descent_head head;
    int n_fit, n_val, n_test;       /* ds's rows in that order */
    descent_history history;
} descent_recipe_result;
/* The whole run: split, build, then descent_model_fit on the fit rows with
 * fit's epochs, batch size (<= 0: full batch), patience and callbacks, the
 * validation rows and the recipe's seed for the shuffle. Score the parts with
 * descent_recipe_score. Free out with descent_recipe_result_free, whatever
 * the status. */
descent_status descent_recipe_train(descent_dataset *ds, const descent_train_recipe *r,
                                    const descent_fit_options *fit, descent_recipe_result *out, descent_error *err);
void descent_recipe_result_free(descent_recipe_result *out);

/* --------------------------------------------- a saved model on a CSV's rows
 * How `descent predict`, `descent evaluate` and the JS predictCSV read a
 * file for a model: its features from the columns of the same names (by
 * position when the model has none), every other column skipped unread
 * unless kept (csv->keep), and the classes as the model's, so a file may
 * hold any of them, even one. */
typedef struct descent_model_columns {
    const char **features;          /* the model's feature names, or NULL */
    const char **classes;           /* the model's class labels, or NULL */
    char (*labels)[32];             /* room for numbered labels */
} descent_model_columns;

/* Sets csv (from descent_csv_defaults, with keep set as wanted) to read a
 * file for model m: for prediction (evaluate 0) only the features (and, when
 * the model has no feature names, its target column if the file has it);
 * for evaluation (1) also the target, as csv->target or csv->target_index
 * name it or else the model's, read with the model's task and classes.
 * cols holds what csv points to: free it with descent_model_columns_free
 * after reading. */
descent_status descent_csv_options_for_model(const descent_model *m, int evaluate, descent_csv_options *csv,
                                             descent_model_columns *cols, descent_error *err);
void descent_model_columns_free(descent_model_columns *cols);
/* The model's inputs from a data set read so (ds->n rows, in the model's
 * feature order; free() it); source names the file in messages. NULL with
 * a message naming the missing column or the count that differs. */
float *descent_dataset_model_inputs(const descent_model *m, const descent_dataset *ds, const char *source,
                                    descent_error *err);

#ifdef __cplusplus
}
#endif
#endif
