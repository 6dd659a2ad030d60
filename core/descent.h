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
 * This header is the core: errors, the vocabulary (every name, default and
 * limit, with functions to list them), models, optimizers, training, predict
 * and evaluate, the model file and metrics. descent_data.h adds data sets
 * (CSV, generators, splits, scaling) and the task recipe (task detection,
 * output head, scalers, hidden-layer lists, class names); descent_tune.h adds
 * hyper-parameter search. Each includes the one before.
 *
 * Everything that can fail returns a descent_status (or NULL) and, when the
 * caller passes a descent_error, fills it with a message that says what and
 * where ("line 17, column 3: 'abc' is not a number"). Nothing here exits,
 * aborts or prints. Every random choice takes a seed; the same seed gives the
 * same run.
 *
 * Example: learn y = x2 from four points with plain gradient descent (the
 * build compiles and runs this example as it stands here).
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
 * Every limit of the library, the command line and the bindings, defined
 * here once. Every count a caller or a file gives is checked against these
 * before anything is allocated, and every size computed from counts is
 * checked for overflow and against what one allocation can hold on the
 * platform (2 GiB in the 32-bit WebAssembly build); a request beyond either
 * fails with DESCENT_ERR_ARGUMENT or DESCENT_ERR_MEMORY and a message giving
 * the sizes. Each is a plain number, so a program may also print it
 * (descent_limit_value lists them at run time, for the bindings). */
#define DESCENT_MAX_UNITS 1000000       /* units of a layer, and inputs of a model */
#define DESCENT_MAX_LAYERS 1000         /* layers of a model, its output layer included */
#define DESCENT_MAX_PARAMS (1 << 27)    /* weights and biases of a model (so the count fits an int) */
#define DESCENT_MAX_STEPS 9007199254740992LL /* 2^53 optimizer steps: the most a JS number holds exactly */
#define DESCENT_MAX_EPOCHS 1000000      /* epochs of a fit or a tuned configuration; early stopping's patience */
#define DESCENT_MAX_BATCH 2147483647    /* rows of a batch */
#define DESCENT_MAX_ROWS 2147483647     /* rows of a data set */
#define DESCENT_MAX_COLUMNS 2147483647  /* columns of a CSV record */
#define DESCENT_MAX_GENERATE 10000000   /* rows a generator makes */
#define DESCENT_MAX_CLASSES 1000        /* classes of a CSV target, or classes given to the reader */
#define DESCENT_AUTO_MAX_CLASSES 20     /* task auto: integer targets with at most this many values are classes */
#define DESCENT_MAX_HIDDEN 8            /* hidden layers of a tuned configuration */
#define DESCENT_MAX_FOLDS 20            /* cross-validation folds */
#define DESCENT_MAX_CONFIGS 100000      /* configurations of a search */
#define DESCENT_MAX_SEED 4294967295     /* seeds are 32-bit */
#define DESCENT_MAX_SURFACE_RESOLUTION 1024 /* grid points along each axis of a loss surface */

/* The limits by index, for programs that list them (the bindings hand them
 * to JavaScript): the DESCENT_MAX_* above in order, then "bytes", the most
 * one allocation may hold here. */
typedef enum descent_limit {
    DESCENT_LIMIT_UNITS = 0,        /* "units" */
    DESCENT_LIMIT_LAYERS,           /* "layers" */
    DESCENT_LIMIT_PARAMS,           /* "params" */
    DESCENT_LIMIT_STEPS,            /* "steps" */
    DESCENT_LIMIT_EPOCHS,           /* "epochs" */
    DESCENT_LIMIT_BATCH,            /* "batch" */
    DESCENT_LIMIT_ROWS,             /* "rows" */
    DESCENT_LIMIT_COLUMNS,          /* "columns" */
    DESCENT_LIMIT_GENERATE,         /* "generate" */
    DESCENT_LIMIT_CLASSES,          /* "classes" */
    DESCENT_LIMIT_AUTO_CLASSES,     /* "auto_classes" */
    DESCENT_LIMIT_HIDDEN,           /* "hidden" */
    DESCENT_LIMIT_FOLDS,            /* "folds" */
    DESCENT_LIMIT_CONFIGS,          /* "configs" */
    DESCENT_LIMIT_SEED,             /* "seed" */
    DESCENT_LIMIT_SURFACE_RESOLUTION, /* "surface_resolution" */
    DESCENT_LIMIT_BYTES             /* "bytes": 2^31 - 1 in wasm32, 2^63 - 1 on 64-bit platforms */
} descent_limit;
#define DESCENT_LIMITS 17

/* The limit's value (every one is an integer a double holds exactly), or 0
 * for an unknown one. Names: descent_vocabulary_word(DESCENT_VOCAB_LIMIT, i). */
double descent_limit_value(descent_limit limit);

/* How a float hyper-parameter is bounded. */
typedef enum descent_range {
    DESCENT_RANGE_POSITIVE = 0,     /* > 0 */
    DESCENT_RANGE_NON_NEGATIVE,     /* >= 0 */
    DESCENT_RANGE_UNIT_OPEN,        /* [0, 1) */
    DESCENT_RANGE_UNIT_CLOSED,      /* [0, 1] */
    DESCENT_RANGE_FLAG              /* 0 or 1 */
} descent_range;

/* Float hyper-parameters are used as float32, as TF.js uses them: value must
 * be finite and in range both as given and as a float32, so 1e39 (infinite
 * as a float32), 1e-50 for a positive value (0 as a float32) and
 * 0.9999999999 for [0, 1) (1 as a float32) are refused. The message names
 * name, the range and, where it decided, the float32 rounding. Every
 * descent function that takes such a value checks it this way. */
descent_status descent_check_float(const char *name, double value, descent_range range, descent_error *err);
/* The range as the messages say it: "a finite number > 0", "in [0, 1)", ...
 * (NULL for an unknown range). */
const char *descent_range_text(descent_range range);

/* ------------------------------------------------------------ vocabulary
 * Every name the library reads and writes, each list defined once (in
 * vocabulary.c). The CLI, the model file and the JS API use these names. */

typedef enum descent_activation {
    DESCENT_ACT_LINEAR = 0,
    DESCENT_ACT_RELU,
    DESCENT_ACT_LEAKY_RELU,         /* z > 0 ? z : alpha·z, alpha >= 0 */
    DESCENT_ACT_SIGMOID,
    DESCENT_ACT_TANH,
    DESCENT_ACT_SOFTMAX             /* over the layer's units */
} descent_activation;
#define DESCENT_ACTIVATIONS 6

typedef enum descent_init {
    DESCENT_INIT_GLOROT_UNIFORM = 0, /* U(-l, l), l = sqrt(6 / (fan_in + fan_out)); the Keras default */
    DESCENT_INIT_GLOROT_NORMAL,      /* truncated N(0, 2 / (fan_in + fan_out)), cut at 2 sd, as TF.js */
    DESCENT_INIT_HE_UNIFORM,         /* U(-l, l), l = sqrt(6 / fan_in) */
    DESCENT_INIT_HE_NORMAL,          /* truncated N(0, 2 / fan_in), cut at 2 sd */
    DESCENT_INIT_UNIFORM,            /* U(-a, a), a = layer's init_limit */
    DESCENT_INIT_ZEROS,
    DESCENT_INIT_PLAYGROUND          /* U(-0.5, 0.5) and every bias 0.1, as the TensorFlow Playground starts */
} descent_init;
#define DESCENT_INITS 7

typedef enum descent_loss {
    DESCENT_LOSS_MSE = 0,
    DESCENT_LOSS_BINARY_CROSSENTROPY,
    DESCENT_LOSS_CATEGORICAL_CROSSENTROPY
} descent_loss;
#define DESCENT_LOSSES 3

typedef enum descent_optimizer_kind {
    DESCENT_OPT_SGD = 0,
    DESCENT_OPT_MOMENTUM,
    DESCENT_OPT_NESTEROV,
    DESCENT_OPT_ADAGRAD,
    DESCENT_OPT_RMSPROP,
    DESCENT_OPT_ADAM
} descent_optimizer_kind;
#define DESCENT_OPTIMIZERS 6

typedef enum descent_task {
    DESCENT_TASK_AUTO = 0,
    DESCENT_TASK_CLASSIFICATION,
    DESCENT_TASK_REGRESSION
} descent_task;
#define DESCENT_TASKS 3

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

/* Every list of names, by one index, for programs that list them all (the
 * bindings, help texts). The lists of descent_data.h and descent_tune.h are
 * here too, so one call enumerates everything. */
typedef enum descent_vocabulary {
    DESCENT_VOCAB_ACTIVATION = 0,   /* "activation": linear, relu, ... (descent_activation) */
    DESCENT_VOCAB_INIT,             /* "initializer": glorot_uniform, ... (descent_init) */
    DESCENT_VOCAB_LOSS,             /* "loss": mse, ... (descent_loss) */
    DESCENT_VOCAB_OPTIMIZER,        /* "optimizer": sgd, ... (descent_optimizer_kind) */
    DESCENT_VOCAB_OPTIMIZER_PARAM,  /* "optimizer parameter": learning_rate, rho, ... (descent_optimizer_param) */
    DESCENT_VOCAB_TASK,             /* "task": auto, classification, regression (descent_task) */
    DESCENT_VOCAB_OUTPUT,           /* "output": auto, sigmoid-bce, ... (descent_output, descent_data.h) */
    DESCENT_VOCAB_GENERATOR,        /* "generator": circle, ... (descent_generator, descent_data.h) */
    DESCENT_VOCAB_TUNE_PARAM,       /* "parameter": learning_rate, ... (descent_tune_param, descent_tune.h) */
    DESCENT_VOCAB_METRIC,           /* "metric": loss, accuracy, ... (descent_tune_metric, descent_tune.h) */
    DESCENT_VOCAB_LIMIT,            /* "limit": units, layers, ... (descent_limit) */
    DESCENT_VOCAB_INPUT_SCALE       /* "input scale": none, unit, standardize (descent_input_scale, descent_data.h) */
} descent_vocabulary;
#define DESCENT_VOCABULARIES 12

/* What a list is called in messages ("activation"), or NULL. */
const char *descent_vocabulary_title(descent_vocabulary v);
/* Entries in the list (0 for an unknown list); entry i is the enum value i. */
int descent_vocabulary_size(descent_vocabulary v);
/* Entry i's name, or NULL when i is out of range. */
const char *descent_vocabulary_word(descent_vocabulary v, int i);

/* ------------------------------------------------------------------ model */

typedef struct descent_layer_spec {
    int units;                      /* 1..DESCENT_MAX_UNITS */
    descent_activation activation;
    float alpha;                    /* leaky_relu slope below 0, >= 0 (descent_layer sets 0.2) */
    float l1, l2;                   /* kernel penalty l1·Σ|W| + l2·ΣW², >= 0; never on the bias */
    descent_init init;              /* kernel initializer; biases start at 0 (0.1 with DESCENT_INIT_PLAYGROUND) */
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

/* The optimizers' hyper-parameters by index, so a program can list, read and
 * set them without knowing the struct (the page's optimizer panel, the CLI's
 * flags). Each has one range, checked by descent_optimizer_set and by every
 * function that takes a spec; an optimizer uses only some of them. */
typedef enum descent_optimizer_param {
    DESCENT_PARAM_LEARNING_RATE = 0, /* "learning_rate": every optimizer, > 0 */
    DESCENT_PARAM_RHO,              /* "rho": rmsprop, [0, 1) */
    DESCENT_PARAM_MOMENTUM,         /* "momentum": momentum, nesterov, rmsprop, [0, 1) */
    DESCENT_PARAM_BETA1,            /* "beta1": adam, [0, 1) */
    DESCENT_PARAM_BETA2,            /* "beta2": adam, [0, 1) */
    DESCENT_PARAM_EPSILON,          /* "epsilon": rmsprop, adam, > 0 */
    DESCENT_PARAM_INITIAL_ACCUMULATOR, /* "initial_accumulator": adagrad, > 0 */
    DESCENT_PARAM_CENTERED          /* "centered": rmsprop, 0 or 1 */
} descent_optimizer_param;
#define DESCENT_OPTIMIZER_PARAMS 8

const char *descent_optimizer_param_name(descent_optimizer_param p); /* NULL if unknown */
descent_range descent_optimizer_param_range(descent_optimizer_param p);
/* 1 when optimizer kind uses parameter p. */
int descent_optimizer_uses(descent_optimizer_kind kind, descent_optimizer_param p);
/* p's value in spec (centered as 0 or 1); NaN for an unknown p. */
double descent_optimizer_get(const descent_optimizer_spec *spec, descent_optimizer_param p);
/* Sets p in spec after checking it against p's range (descent_check_float,
 * the message naming p); spec is unchanged on failure. */
descent_status descent_optimizer_set(descent_optimizer_spec *spec, descent_optimizer_param p, double value,
                                     descent_error *err);

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
    int epochs;                     /* 1..DESCENT_MAX_EPOCHS */
    int batch_size;                 /* 1 (stochastic) .. n (full batch); the last batch may be smaller */
    int no_shuffle;                 /* 1: rows in order every epoch */
    uint32_t shuffle_seed;          /* nonzero: restart the model's shuffle stream from it */
    float validation_split;         /* [0, 1): the last fraction of rows is held out, as Keras does */
    const float *val_x, *val_y;     /* separate validation data (overrides validation_split) */
    int val_n;
    int patience;                   /* early stopping after this many epochs without improvement, 0..DESCENT_MAX_EPOCHS; 0 = off */
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
/* The outputs of layer `layer` (0-based, after its activation) for n raw
 * input rows: out receives n·units floats, row-major. The input scaler is
 * applied as predict applies it; the values are the network's own, so for
 * the last layer of a model with a target scaler they are before predict
 * undoes the target's scaling (otherwise they are predict's). Any n works:
 * rows go through the workspace in chunks, as for predict. */
descent_status descent_model_layer_outputs(descent_model *model, const float *x, int n, int layer, float *out,
                                           descent_error *err);
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
/* The same scores for another label encoding: with outputs == 1, pred is
 * class 1 where pred >= threshold, and y must be low (class 0) or high
 * (class 1), as a descent_head says (descent_data.h: descent_head_metrics).
 * descent_metrics_classification is this with 0.5, 0 and 1. */
descent_status descent_metrics_binary(const float *pred, const float *y, int n, float threshold, float low, float high,
                                      int *confusion, descent_metrics *out, descent_error *err);

/* ----------------------------------------------------------------- kernels */

typedef enum descent_kernels {
    DESCENT_KERNELS_SCALAR = 0,     /* the reference, always built */
    DESCENT_KERNELS_SIMD            /* wasm_* intrinsics (natively through SIMDe) */
} descent_kernels;

/* 1 if this build has the SIMD kernels. */
int descent_simd_available(void);
/* Chooses the kernels a model's hot loops use (default: SIMD when available). */
descent_status descent_model_set_kernels(descent_model *model, descent_kernels kernels, descent_error *err);

#ifdef __cplusplus
}
#endif
#endif
