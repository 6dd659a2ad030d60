/* descent.h - dense neural networks trained by gradient descent, in portable C.
 *
 * Overview
 * --------
 * A model is a stack of dense layers (z = x·W + b, a = act(z)) with one loss
 * and one optimizer. Training follows Keras exactly as TensorFlow.js 4.22
 * implements it (see SEMANTICS in the project docs): the same losses, the same
 * regularization penalties, the same optimizer updates in float32, so a run
 * can be checked against TF.js step by step.
 *
 * Everything that can fail returns a descent_status (or NULL) and, when the
 * caller passes a descent_error, fills it with a message that says what and
 * where ("line 17, column 3: 'abc' is not a number"). Nothing here exits,
 * aborts or prints. Every random choice takes a seed; the same seed gives the
 * same run.
 *
 * Example: learn y = x2 from four points with plain gradient descent.
 *
 *     #include "descent.h"
 *     #include <stdio.h>
 *
 *     int main(void) {
 *         float x[] = {1, 1,  1, -1,  -1, 1,  -1, -1};
 *         float y[] = {1, -1, 1, -1};
 *         descent_layer_spec out = descent_layer(1, DESCENT_ACT_LINEAR);
 *         out.no_bias = 1;
 *         descent_model_spec spec = {
 *             .inputs = 2, .n_layers = 1, .layers = &out,
 *             .loss = DESCENT_LOSS_MSE,
 *             .optimizer = descent_optimizer_defaults(DESCENT_OPT_SGD),
 *             .seed = 1,
 *         };
 *         descent_error err;
 *         descent_model *m = descent_model_create(&spec, &err);
 *         if (!m) { fprintf(stderr, "%s\n", err.message); return 1; }
 *         descent_fit_options fit = descent_fit_defaults();
 *         fit.epochs = 1000; fit.batch_size = 4;
 *         if (descent_model_fit(m, x, y, 4, &fit, NULL, &err) != DESCENT_OK) {
 *             fprintf(stderr, "%s\n", err.message); descent_model_free(m); return 1;
 *         }
 *         float w[2];
 *         descent_model_get_weights(m, 0, w, NULL, NULL);
 *         printf("theta = (%.4f, %.4f)\n", w[0], w[1]);   // (0.0000, 1.0000)
 *         descent_model_free(m);
 *         return 0;
 *     }
 *
 * Ownership: every *_create / *_read / *_parse / *_load / *_generate / *_subset
 * returns an object the caller frees with the matching *_free. Pointers passed
 * in are only read during the call unless a function says otherwise.
 * Threads: objects are not shared between threads; distinct objects may be
 * used from distinct threads.
 */
#ifndef DESCENT_H
#define DESCENT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DESCENT_VERSION "0.1.0"

/* ------------------------------------------------------------------ errors */

typedef enum descent_status {
    DESCENT_OK = 0,
    DESCENT_CANCELLED = 1,          /* a callback asked to stop: not an error */
    DESCENT_ERR_ARGUMENT = -1,      /* a parameter is out of range or inconsistent */
    DESCENT_ERR_MEMORY = -2,        /* an allocation failed */
    DESCENT_ERR_IO = -3,            /* a file could not be opened, read or written */
    DESCENT_ERR_PARSE = -4,         /* a CSV text is malformed */
    DESCENT_ERR_FORMAT = -5,        /* a model file is truncated, corrupted or of another version */
    DESCENT_ERR_NONFINITE = -6      /* the loss or an update became NaN or infinite */
} descent_status;

#define DESCENT_MESSAGE_MAX 512

/* Filled by any function that takes it and fails; untouched on success. */
typedef struct descent_error {
    descent_status code;
    char message[DESCENT_MESSAGE_MAX];
} descent_error;

/* A static, human-readable name for a status ("ok", "invalid argument", ...). */
const char *descent_status_string(descent_status status);

/* ------------------------------------------------------------------ limits
 * Every count a caller or a file gives is checked against these before
 * anything is allocated, and every size computed from counts is checked for
 * overflow and against what one allocation can hold on the platform (2 GiB
 * in the 32-bit WebAssembly build); a request beyond either fails with
 * DESCENT_ERR_ARGUMENT or DESCENT_ERR_MEMORY and a message giving the sizes. */
#define DESCENT_MAX_UNITS 1000000       /* units of a layer, and inputs of a model */
#define DESCENT_MAX_LAYERS 1000
#define DESCENT_MAX_PARAMS (1 << 27)    /* weights and biases of a model (so the count fits an int) */
#define DESCENT_MAX_STEPS 9007199254740992LL /* 2^53 optimizer steps: the most a JS number holds exactly */

/* How a float hyper-parameter is bounded. */
typedef enum descent_range {
    DESCENT_RANGE_POSITIVE = 0,     /* > 0 */
    DESCENT_RANGE_NON_NEGATIVE,     /* >= 0 */
    DESCENT_RANGE_UNIT_OPEN,        /* [0, 1) */
    DESCENT_RANGE_UNIT_CLOSED       /* [0, 1] */
} descent_range;

/* Float hyper-parameters are used as float32, as TF.js uses them: value must
 * be finite and in range both as given and as a float32, so 1e39 (infinite
 * as a float32), 1e-50 for a positive value (0 as a float32) and
 * 0.9999999999 for [0, 1) (1 as a float32) are refused. The message names
 * name, the range and, where it decided, the float32 rounding. Every
 * descent function that takes such a value checks it this way. */
descent_status descent_check_float(const char *name, double value, descent_range range, descent_error *err);

/* ------------------------------------------------------------ vocabulary */

typedef enum descent_activation {
    DESCENT_ACT_LINEAR = 0,
    DESCENT_ACT_RELU,
    DESCENT_ACT_LEAKY_RELU,         /* z > 0 ? z : alpha·z, alpha >= 0 */
    DESCENT_ACT_SIGMOID,
    DESCENT_ACT_TANH,
    DESCENT_ACT_SOFTMAX             /* over the layer's units */
} descent_activation;

typedef enum descent_init {
    DESCENT_INIT_GLOROT_UNIFORM = 0, /* U(-l, l), l = sqrt(6 / (fan_in + fan_out)); the Keras default */
    DESCENT_INIT_GLOROT_NORMAL,      /* truncated N(0, 2 / (fan_in + fan_out)), cut at 2 sd, as TF.js */
    DESCENT_INIT_HE_UNIFORM,         /* U(-l, l), l = sqrt(6 / fan_in) */
    DESCENT_INIT_HE_NORMAL,          /* truncated N(0, 2 / fan_in), cut at 2 sd */
    DESCENT_INIT_UNIFORM,            /* U(-a, a), a = layer's init_limit */
    DESCENT_INIT_ZEROS
} descent_init;

typedef enum descent_loss {
    DESCENT_LOSS_MSE = 0,
    DESCENT_LOSS_BINARY_CROSSENTROPY,
    DESCENT_LOSS_CATEGORICAL_CROSSENTROPY
} descent_loss;

typedef enum descent_optimizer_kind {
    DESCENT_OPT_SGD = 0,
    DESCENT_OPT_MOMENTUM,
    DESCENT_OPT_NESTEROV,
    DESCENT_OPT_ADAGRAD,
    DESCENT_OPT_RMSPROP,
    DESCENT_OPT_ADAM
} descent_optimizer_kind;

typedef enum descent_task {
    DESCENT_TASK_AUTO = 0,
    DESCENT_TASK_CLASSIFICATION,
    DESCENT_TASK_REGRESSION
} descent_task;

/* Names as the CLI, the JS API and the model file use them ("leaky_relu",
 * "glorot_uniform", "binary_crossentropy", "rmsprop", "classification").
 * *_name returns NULL for an unknown value; *_parse returns
 * DESCENT_ERR_ARGUMENT (message lists the allowed names) for an unknown name. */
const char *descent_activation_name(descent_activation a);
const char *descent_init_name(descent_init i);
const char *descent_loss_name(descent_loss l);
const char *descent_optimizer_name(descent_optimizer_kind k);
const char *descent_task_name(descent_task t);
descent_status descent_activation_parse(const char *name, descent_activation *out, descent_error *err);
descent_status descent_init_parse(const char *name, descent_init *out, descent_error *err);
descent_status descent_loss_parse(const char *name, descent_loss *out, descent_error *err);
descent_status descent_optimizer_parse(const char *name, descent_optimizer_kind *out, descent_error *err);
descent_status descent_task_parse(const char *name, descent_task *out, descent_error *err);

/* ------------------------------------------------------------------ model */

typedef struct descent_layer_spec {
    int units;                      /* 1..DESCENT_MAX_UNITS */
    descent_activation activation;
    float alpha;                    /* leaky_relu slope below 0, >= 0 (descent_layer sets 0.2) */
    float l1, l2;                   /* kernel penalty l1·Σ|W| + l2·ΣW², >= 0; never on the bias */
    descent_init init;              /* kernel initializer; biases start at 0 */
    float init_limit;               /* a for DESCENT_INIT_UNIFORM, > 0 */
    int no_bias;                    /* 1: the layer has no bias (Keras useBias: false) */
} descent_layer_spec;

/* A layer spec with the defaults: glorot_uniform, bias on, alpha 0.2, no penalty. */
descent_layer_spec descent_layer(int units, descent_activation activation);

/* Hyper-parameters of every optimizer; each uses the fields its rule names. */
typedef struct descent_optimizer_spec {
    descent_optimizer_kind kind;
    double learning_rate;           /* > 0 */
    double momentum;                /* momentum, nesterov (mu), rmsprop: [0, 1) */
    double rho;                     /* rmsprop decay: [0, 1) */
    double epsilon;                 /* rmsprop (inside the sqrt), adam (outside): > 0 */
    double beta1, beta2;            /* adam: [0, 1) */
    double initial_accumulator;     /* adagrad: > 0 */
    int centered;                   /* rmsprop: 1 = centered */
} descent_optimizer_spec;

/* Defaults as TF.js uses them, and where it has none descent's own:
 *   sgd       lr 0.01                          (Keras 'sgd')
 *   momentum  lr 0.01, momentum 0.9            (descent's choice)
 *   nesterov  lr 0.01, momentum 0.9            (descent's choice)
 *   adagrad   lr 0.01, initial_accumulator 0.1 (Keras 'adagrad'; epsilon fixed 1e-7)
 *   rmsprop   lr 0.001, rho 0.9, momentum 0, epsilon 1e-7, not centered
 *   adam      lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7 */
descent_optimizer_spec descent_optimizer_defaults(descent_optimizer_kind kind);

typedef struct descent_model_spec {
    int inputs;                     /* 1..DESCENT_MAX_UNITS */
    int n_layers;                   /* 1..DESCENT_MAX_LAYERS; the last layer is the output */
    const descent_layer_spec *layers;
    descent_loss loss;
    descent_optimizer_spec optimizer;
    uint32_t seed;                  /* drives initialization and shuffling */
} descent_model_spec;

typedef struct descent_model descent_model;

/* Validates the spec (every bad field is named with its allowed range),
 * allocates one block for parameters, gradients and optimizer state, and
 * initializes the weights from the seed. NULL on failure. */
descent_model *descent_model_create(const descent_model_spec *spec, descent_error *err);
/* Frees the model; NULL is fine. */
void descent_model_free(descent_model *model);
/* A deep copy: weights, optimizer state, preprocessing and names. */
descent_model *descent_model_clone(const descent_model *model, descent_error *err);

int descent_model_inputs(const descent_model *model);
int descent_model_outputs(const descent_model *model);
int descent_model_layer_count(const descent_model *model);
descent_layer_spec descent_model_layer(const descent_model *model, int layer);
descent_loss descent_model_loss(const descent_model *model);
uint32_t descent_model_seed(const descent_model *model);
/* Total number of weights and biases: at most DESCENT_MAX_PARAMS, which
 * descent_model_create checks (in 64 bits) before allocating, so it fits. */
int descent_model_param_count(const descent_model *model);
/* All parameters as one array owned by the model: for each layer its kernel
 * [in][out] row-major, then its bias [out] (absent with no_bias). Valid until
 * the model is freed; writes change the model. */
float *descent_model_params(descent_model *model);

/* Draws fresh weights from seed and resets optimizer state and the shuffle stream. */
descent_status descent_model_reinit(descent_model *model, uint32_t seed, descent_error *err);

/* Copies layer's kernel (in·out floats, [in][out] row-major) and bias (out
 * floats) out of / into the model. Either pointer may be NULL to skip it.
 * Setting a bias on a no_bias layer, or non-finite values, is an error. */
descent_status descent_model_get_weights(const descent_model *model, int layer, float *kernel, float *bias, descent_error *err);
descent_status descent_model_set_weights(descent_model *model, int layer, const float *kernel, const float *bias, descent_error *err);

/* Replaces the optimizer. With the same kind, the state (moments, step count)
 * is kept, so a new learning rate or momentum applies at the next step; with
 * another kind the state is reset. */
descent_status descent_model_set_optimizer(descent_model *model, const descent_optimizer_spec *spec, descent_error *err);
descent_optimizer_spec descent_model_optimizer(const descent_model *model);
descent_status descent_model_set_learning_rate(descent_model *model, double learning_rate, descent_error *err);
/* Zeroes moments and accumulators (AdaGrad's back to its initial value) and the step count. */
void descent_model_reset_optimizer(descent_model *model);
/* Number of optimizer updates since creation or the last reset (64 bits on
 * every platform; a model file may hold up to DESCENT_MAX_STEPS). */
int64_t descent_model_step_count(const descent_model *model);

/* Per-layer regularization can be changed between steps. */
descent_status descent_model_set_regularization(descent_model *model, int layer, float l1, float l2, descent_error *err);

/* ----------------------------------------------------------- preprocessing
 * A model may carry an input scaler (x' = (x - mean) / std per feature) and,
 * for regression, a target scaler. Every function below that takes x or y
 * takes them raw and applies the scalers; predictions come back in target
 * units. Losses are computed on the network's (scaled) outputs. */
descent_status descent_model_set_input_scaler(descent_model *model, const float *mean, const float *std, descent_error *err);
descent_status descent_model_set_target_scaler(descent_model *model, const float *mean, const float *std, descent_error *err);
/* Pointers to the model's scaler arrays, or NULL when it has none. */
const float *descent_model_input_mean(const descent_model *model);
const float *descent_model_input_std(const descent_model *model);
const float *descent_model_target_mean(const descent_model *model);
const float *descent_model_target_std(const descent_model *model);

/* Names carried with the model for people and for CSV output. feature_names
 * has inputs entries (or is NULL); class_names has n_classes entries (or
 * n_classes is 0, for regression). Strings are copied. */
descent_status descent_model_set_names(descent_model *model, const char *const *feature_names, const char *target_name,
                                       int n_classes, const char *const *class_names, descent_error *err);
const char *descent_model_feature_name(const descent_model *model, int i); /* NULL if unset */
const char *descent_model_target_name(const descent_model *model);       /* NULL if unset */
int descent_model_class_count(const descent_model *model);
const char *descent_model_class_name(const descent_model *model, int i);

/* --------------------------------------------------------------- training */

/* One optimizer step on n rows: x is n·inputs, y is n·outputs. Writes the
 * objective (mean data loss + penalties) before the update to *loss (may be
 * NULL), as Keras' trainOnBatch returns it. A non-finite loss leaves the model
 * untouched and returns DESCENT_ERR_NONFINITE; an update that would make a
 * weight non-finite keeps that weight's last finite value and returns it too.
 * One step has nothing to roll back to: descent_model_fit's rollback is fit's. */
descent_status descent_model_train_step(descent_model *model, const float *x, const float *y, int n, float *loss,
                                        descent_error *err);

typedef struct descent_history {
    int epochs;                     /* epochs completed */
    int capacity;                   /* allocated length of the arrays */
    float *loss;                    /* training objective per epoch (batch-size-weighted mean) */
    float *val_loss;                /* validation data loss (no penalties, as TF.js), NaN without validation */
    float *metric;                  /* accuracy (classification losses) or NaN */
    float *val_metric;
    int best_epoch;                 /* 0-based epoch of the best monitored loss, -1 if none */
    int stopped_early;              /* 1 when early stopping ended the fit */
    int64_t steps;                  /* optimizer steps taken in this fit */
    /* After DESCENT_ERR_NONFINITE (else -1): the 0-based epoch and batch whose
     * loss or update was not finite, and how many of this fit's epochs the
     * model was rolled back to (0: the state it started the fit in). */
    int diverged_epoch, diverged_batch, restored_epochs;
} descent_history;

/* Frees the arrays of a history filled by descent_model_fit; the struct itself is the caller's. */
void descent_history_free(descent_history *history);

/* Called after each epoch; return nonzero to stop (fit then returns DESCENT_CANCELLED). */
typedef int (*descent_epoch_callback)(const descent_history *history, void *user);
/* Called after each batch; return nonzero to stop within this epoch. */
typedef int (*descent_batch_callback)(int epoch, int batch, float loss, void *user);

typedef struct descent_fit_options {
    int epochs;                     /* >= 1 */
    int batch_size;                 /* 1 (stochastic) .. n (full batch); the last batch may be smaller */
    int no_shuffle;                 /* 1: rows in order every epoch */
    uint32_t shuffle_seed;          /* nonzero: restart the model's shuffle stream from it */
    float validation_split;         /* [0, 1): the last fraction of rows is held out, as Keras does */
    const float *val_x, *val_y;     /* separate validation data (overrides validation_split) */
    int val_n;
    int patience;                   /* early stopping after this many epochs without improvement; 0 = off */
    float min_delta;                /* an improvement must exceed this */
    int restore_best;               /* with early stopping: put back the best epoch's weights */
    descent_epoch_callback on_epoch;
    descent_batch_callback on_batch;
    void *user;
} descent_fit_options;

/* epochs 1, batch_size 32, shuffle on, no validation, no early stopping. */
descent_fit_options descent_fit_defaults(void);

/* Trains for options->epochs epochs (or until early stopping or a callback
 * stops it). history may be NULL; if given it is filled (free it with
 * descent_history_free), also when the fit fails after it started.
 * Returns DESCENT_OK, DESCENT_CANCELLED, or an error.
 *
 * A diverging run loses nothing: on a non-finite loss, or an update that would
 * make a weight non-finite, fit returns DESCENT_ERR_NONFINITE with the model
 * rolled back to its state at the end of the last epoch that counts: its
 * weights, the optimizer state (moments or accumulators, step count, Adam's β
 * powers) and the shuffle stream, bit for bit as a fit of that many epochs
 * leaves them; or, if no epoch counts, to the state it started the fit in. An
 * epoch counts when its loss, and the loss of the next epoch's first batch
 * (which measures the weights it ended with), are finite and at most 10 times
 * the lowest epoch loss of the run so far (the loss at the start included), so
 * a loss that climbs by orders of magnitude before it overflows goes back to
 * before the climb, not to weights already at 1e20. The learning rate and
 * other hyper-parameters stay as they are (set a lower rate and fit again to
 * go on); restore_best does not apply to a diverged run. The message names
 * the epoch and batch (1-based), the epoch rolled back to, and a lower
 * learning rate to try; the history holds every epoch that finished,
 * diverged_epoch, diverged_batch and restored_epochs. The rollback keeps one
 * copy of the weights and of the optimizer's state arrays, updated once per
 * epoch. */
descent_status descent_model_fit(descent_model *model, const float *x, const float *y, int n,
                                 const descent_fit_options *options, descent_history *history, descent_error *err);

/* A fit that runs in pieces, for interactive use (a page that trains between
 * frames, pauses, steps one batch or one epoch): exactly descent_model_fit's
 * semantics and results, whatever the pieces, the rollback of a diverging run
 * included. The trainer reads x, y and the
 * validation arrays on every run, so they must outlive it; the model must
 * too. The learning rate and optimizer may change between runs. */
typedef struct descent_trainer descent_trainer;
descent_trainer *descent_trainer_create(descent_model *model, const float *x, const float *y, int n,
                                        const descent_fit_options *options, descent_error *err);
/* Runs up to max_batches batches (-1: to the end). DESCENT_OK also when it
 * finished (see descent_trainer_done); DESCENT_CANCELLED when a callback
 * stopped it; an error stops it for good. */
descent_status descent_trainer_run(descent_trainer *trainer, int64_t max_batches, descent_error *err);
/* Ends the run now, restoring the best weights if the options ask for it. */
void descent_trainer_stop(descent_trainer *trainer);
int descent_trainer_done(const descent_trainer *trainer);
/* The epochs completed so far; owned by the trainer. */
const descent_history *descent_trainer_history(const descent_trainer *trainer);
/* The next batch's epoch and index within it, and the batches in an epoch. */
void descent_trainer_position(const descent_trainer *trainer, int *epoch, int *batch, int *batches_per_epoch);
void descent_trainer_free(descent_trainer *trainer);

/* out receives n·outputs predictions in target units. */
descent_status descent_model_predict(descent_model *model, const float *x, int n, float *out, descent_error *err);
/* The mean data loss on n rows, without training. As in TF.js (whose
 * evaluate and validation loss leave them out), the L1/L2 penalties are not
 * included; the training loss includes them. */
descent_status descent_model_evaluate(descent_model *model, const float *x, const float *y, int n, float *loss,
                                      descent_error *err);

/* ------------------------------------------------------------- save, load
 * The file format is documented in core/FORMAT.md: little-endian, versioned,
 * checksummed. with_optimizer = 1 also stores the optimizer and its state so
 * training resumes exactly. */
descent_status descent_model_save(const descent_model *model, int with_optimizer, unsigned char **bytes, size_t *length,
                                  descent_error *err);  /* *bytes: free() it */
descent_model *descent_model_load(const unsigned char *bytes, size_t length, descent_error *err);
descent_status descent_model_save_file(const descent_model *model, int with_optimizer, const char *path,
                                       descent_error *err);
descent_model *descent_model_load_file(const char *path, descent_error *err);

/* ----------------------------------------------------------------- metrics */

typedef struct descent_metrics {
    int n;                          /* rows scored */
    int classes;                    /* 0 for regression */
    double accuracy;                /* classification */
    double precision, recall, f1;   /* binary: of class 1; more classes: macro average */
    double mse, rmse, mae, r2;      /* regression, over all outputs */
} descent_metrics;

/* pred and y are n·outputs. outputs == 1: binary, pred thresholded at 0.5 and
 * y in {0, 1}; outputs > 1: argmax of pred against argmax of one-hot y.
 * confusion (may be NULL) receives k·k counts, row = actual, column =
 * predicted, k = max(2, outputs). Fields that do not apply are NaN. */
descent_status descent_metrics_classification(const float *pred, const float *y, int n, int outputs, int *confusion,
                                              descent_metrics *out, descent_error *err);
descent_status descent_metrics_regression(const float *pred, const float *y, int n, int outputs, descent_metrics *out,
                                          descent_error *err);

/* -------------------------------------------------------------------- data */

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
} descent_dataset;

typedef struct descent_csv_options {
    const char *target;             /* target column by name; NULL: use target_index */
    int target_index;               /* 0-based; -1: the last column */
    descent_task task;              /* AUTO: text targets, or integer targets with at most 20 distinct
                                       values, are classification; otherwise regression */
    char delimiter;                 /* 0: ',' */
    int no_target;                  /* 1: every column is a feature; y NULL, outputs 0 (for prediction) */
    const char *const *class_names; /* with n_classes (2..1000): the classes are these, in this order (a
                                       model's, say), and the target is classification; each row's
                                       class is matched by name (or by value for numbers), so a file
                                       may hold any of them, even one; another class is an error */
    int n_classes;
} descent_csv_options;

/* target NULL, target_index -1, task AUTO, ',', with a target, classes from the data. */
descent_csv_options descent_csv_defaults(void);

/* A header row, then one row per sample. Features must be numbers; the target
 * may be text (mapped to classes in sorted order). CRLF, quoted fields and
 * blank lines are handled. Errors name the line and column and what was
 * expected, with the file's name when reading a file. Rows are read one at a
 * time (a file in chunks), so reading costs the dataset returned plus a few
 * bytes a row and about one record's text, not a copy of the text. */
descent_dataset *descent_csv_read_file(const char *path, const descent_csv_options *options, descent_error *err);
descent_dataset *descent_csv_parse(const char *text, size_t length, const descent_csv_options *options,
                                   descent_error *err);

/* An empty dataset to fill (x and y zeroed; names NULL; labels allocated when classes >= 2). */
descent_dataset *descent_dataset_create(int n, int features, int outputs, int classes, descent_error *err);
/* A new dataset with rows idx[0..m-1] of ds (names and classes kept). */
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

const char *descent_generator_name(descent_generator g);
descent_status descent_generator_parse(const char *name, descent_generator *out, descent_error *err);
/* n >= 1 rows (LINEAR4 always has 4); noise in [0, 1] (a fraction of the
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

/* ----------------------------------------------------------------- kernels */

typedef enum descent_kernels {
    DESCENT_KERNELS_SCALAR = 0,     /* the reference, always built */
    DESCENT_KERNELS_SIMD            /* wasm_* intrinsics (natively through SIMDe) */
} descent_kernels;

/* 1 if this build has the SIMD kernels. */
int descent_simd_available(void);
/* Chooses the kernels a model's hot loops use (default: SIMD when available). */
descent_status descent_model_set_kernels(descent_model *model, descent_kernels kernels, descent_error *err);

/* ------------------------------------------------------------------ tuning
 * Hyper-parameter search with k-fold cross-validation. A search is a list of
 * configurations (a grid: every combination of the values given; or random:
 * n draws), each scored by the mean over k folds of a metric on the fold
 * held out. Everything random derives from the search's seed, a
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
 * has a NaN mean and ranks last. */

typedef enum descent_tune_param {
    DESCENT_TUNE_LEARNING_RATE = 0, /* "learning_rate" (alias "lr"): > 0 */
    DESCENT_TUNE_BATCH_SIZE,        /* "batch_size" (alias "batch"): >= 1, or 0 for the full batch */
    DESCENT_TUNE_OPTIMIZER,         /* "optimizer": a descent_optimizer_kind */
    DESCENT_TUNE_LAYERS,            /* "layers": the hidden layers' unit counts */
    DESCENT_TUNE_ACTIVATION,        /* "activation": of the hidden layers */
    DESCENT_TUNE_L2,                /* "l2": the L2 penalty on every kernel, >= 0 */
    DESCENT_TUNE_EPOCHS             /* "epochs": 1..1000000 */
} descent_tune_param;

#define DESCENT_TUNE_PARAMS 7
#define DESCENT_TUNE_MAX_LAYERS 8   /* hidden layers in one configuration */
#define DESCENT_TUNE_MAX_FOLDS 20
#define DESCENT_TUNE_MAX_CONFIGS 100000

typedef enum descent_tune_metric {
    DESCENT_METRIC_LOSS = 0,        /* the data loss (no penalties), lower is better */
    DESCENT_METRIC_ACCURACY,        /* classification, higher is better */
    DESCENT_METRIC_F1,              /* classification (binary: of class 1; else macro), higher is better */
    DESCENT_METRIC_R2,              /* regression, higher is better */
    DESCENT_METRIC_RMSE             /* regression, in target units, lower is better */
} descent_tune_metric;

/* Names: "learning_rate", ...; "loss", "accuracy", "f1", "r2", "rmse". *_parse
 * also takes the aliases "lr" and "batch", and lists what it accepts. */
const char *descent_tune_param_name(descent_tune_param p);
descent_status descent_tune_param_parse(const char *name, descent_tune_param *out, descent_error *err);
const char *descent_tune_metric_name(descent_tune_metric m);
descent_status descent_tune_metric_parse(const char *name, descent_tune_metric *out, descent_error *err);
/* 1 when a larger score is better (accuracy, f1, r2), 0 when smaller is (loss, rmse). */
int descent_tune_metric_higher_is_better(descent_tune_metric m);

/* The hidden layers of a configuration: count 0 is the logistic (or linear)
 * model, a single output layer. */
typedef struct descent_tune_layers {
    int count;                      /* 0..DESCENT_TUNE_MAX_LAYERS */
    int units[DESCENT_TUNE_MAX_LAYERS]; /* each 1..100000 */
} descent_tune_layers;

/* "8", "16,16", "16x16" (either separator) or "none" / "" for no hidden layer. */
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
    int epochs;                     /* 1..1000000 */
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
