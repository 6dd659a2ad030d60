/* fields.h - the one description of each struct that crosses the JS/wasm
 * boundary as a list of doubles: X(T, name, width) per field, in order.
 * The exports_*.c files pack and unpack with the DJ_<T>_<name> indices made
 * here; exports_vocabulary.c hands the same tables to the ES module at load
 * (dj_field_*), which packs and unpacks by name. Adding, removing or moving
 * a field is done here only. Pointers (a dataset's x, say) travel as
 * doubles too: wasm32 addresses are exact in one. */
#ifndef DESCENT_FIELDS_H
#define DESCENT_FIELDS_H

/* descent_optimizer_spec */
#define DJ_FIELDS_OPTIMIZER(X, T)                                                                                    \
    X(T, kind, 1) X(T, learning_rate, 1) X(T, momentum, 1) X(T, rho, 1) X(T, epsilon, 1) X(T, beta1, 1)              \
    X(T, beta2, 1) X(T, initial_accumulator, 1) X(T, centered, 1)
/* descent_layer_spec */
#define DJ_FIELDS_LAYER(X, T)                                                                                        \
    X(T, units, 1) X(T, activation, 1) X(T, alpha, 1) X(T, l1, 1) X(T, l2, 1) X(T, init, 1) X(T, init_limit, 1)      \
    X(T, no_bias, 1)
/* descent_fit_options; callbacks: bit 0 on_epoch, bit 1 on_batch */
#define DJ_FIELDS_FIT(X, T)                                                                                          \
    X(T, epochs, 1) X(T, batch_size, 1) X(T, no_shuffle, 1) X(T, shuffle_seed, 1) X(T, validation_split, 1)          \
    X(T, patience, 1) X(T, min_delta, 1) X(T, restore_best, 1) X(T, callbacks, 1)
/* a trainer's position and history flags (the diverged ones -1 unless it diverged) */
#define DJ_FIELDS_TRAINER(X, T)                                                                                      \
    X(T, epoch, 1) X(T, batch, 1) X(T, batches_per_epoch, 1) X(T, steps, 1) X(T, done, 1) X(T, stopped_early, 1)     \
    X(T, best_epoch, 1) X(T, diverged_epoch, 1) X(T, diverged_batch, 1) X(T, restored_epochs, 1)
/* descent_dataset: counts, then the pointers x, y, labels */
#define DJ_FIELDS_DATASET(X, T)                                                                                      \
    X(T, n, 1) X(T, features, 1) X(T, outputs, 1) X(T, classes, 1) X(T, x, 1) X(T, y, 1) X(T, labels, 1)
/* descent_metrics */
#define DJ_FIELDS_METRICS(X, T)                                                                                      \
    X(T, n, 1) X(T, classes, 1) X(T, accuracy, 1) X(T, precision, 1) X(T, recall, 1) X(T, f1, 1) X(T, mse, 1)        \
    X(T, rmse, 1) X(T, mae, 1) X(T, r2, 1)
/* descent_head */
#define DJ_FIELDS_HEAD(X, T)                                                                                         \
    X(T, task, 1) X(T, classes, 1) X(T, units, 1) X(T, activation, 1) X(T, loss, 1) X(T, signed_labels, 1)           \
    X(T, low, 1) X(T, high, 1) X(T, threshold, 1)
/* descent_train_recipe and the CSV reading of trainCSV (exports_recipe.c); the optimizer as OPTIMIZER */
#define DJ_FIELDS_RECIPE(X, T)                                                                                       \
    X(T, target_index, 1) X(T, task, 1) X(T, activation, 1) X(T, output_activation, 1) X(T, loss, 1) X(T, init, 1)  \
    X(T, alpha, 1)                                                                                                   \
    X(T, init_limit, 1) X(T, l1, 1) X(T, l2, 1) X(T, no_bias, 1) X(T, test_split, 1) X(T, val_split, 1)             \
    X(T, seed, 1) X(T, scale, 1) X(T, epochs, 1) X(T, batch_size, 1) X(T, no_shuffle, 1) X(T, patience, 1)          \
    X(T, restore_best, 1)
/* a training run's outcome: the fit's status, the parts' rows, the history (pointers to epochs floats each) */
#define DJ_FIELDS_RUN(X, T)                                                                                          \
    X(T, status, 1) X(T, n_fit, 1) X(T, n_val, 1) X(T, n_test, 1) X(T, epochs, 1) X(T, stopped_early, 1)             \
    X(T, best_epoch, 1) X(T, diverged_epoch, 1) X(T, diverged_batch, 1) X(T, restored_epochs, 1) X(T, loss, 1)       \
    X(T, val_loss, 1) X(T, metric, 1) X(T, val_metric, 1)
/* descent_layer_stats (descent_explore.h), one per layer */
#define DJ_FIELDS_STATS(X, T)                                                                                        \
    X(T, kernel_grad_norm, 1) X(T, bias_grad_norm, 1) X(T, kernel_norm, 1) X(T, update_ratio, 1) X(T, dead_share, 1)
/* descent_lr_find_options, then descent_lr_find_result's fields (filled by the call) */
#define DJ_FIELDS_LRFIND(X, T)                                                                                       \
    X(T, min_rate, 1) X(T, max_rate, 1) X(T, steps, 1) X(T, batch_size, 1) X(T, smoothing, 1) X(T, explode, 1)       \
    X(T, count, 1) X(T, stopped_early, 1) X(T, suggested, 1)
/* descent_surface_grid */
#define DJ_FIELDS_GRID(X, T)                                                                                         \
    X(T, alpha_lo, 1) X(T, alpha_hi, 1) X(T, beta_lo, 1) X(T, beta_hi, 1) X(T, resolution, 1)

#ifdef DESCENT_WITH_TUNE
#include "descent_tune.h"
/* descent_tune_config: layer_count, then DESCENT_TUNE_MAX_LAYERS unit counts */
#define DJ_FIELDS_CONFIG(X, T)                                                                                       \
    X(T, learning_rate, 1) X(T, batch_size, 1) X(T, optimizer, 1) X(T, activation, 1) X(T, l2, 1) X(T, epochs, 1)    \
    X(T, layer_count, 1) X(T, units, DESCENT_TUNE_MAX_LAYERS)
/* descent_tune_result: the fold scores, then its configuration (CONFIG) */
#define DJ_FIELDS_RESULT(X, T)                                                                                       \
    X(T, index, 1) X(T, evaluated, 1) X(T, folds, 1) X(T, mean, 1) X(T, std, 1) X(T, diverged, 1) X(T, time_ms, 1)   \
    X(T, scores, DESCENT_TUNE_MAX_FOLDS) X(T, config, DJ_CONFIG_COUNT)
/* descent_tune_axis: offset is where its values start (in values, or for layers in the layer runs: LAYERS) */
#define DJ_FIELDS_AXIS(X, T) X(T, param, 1) X(T, count, 1) X(T, lo, 1) X(T, hi, 1) X(T, offset, 1)
/* one hidden-layer list of a layers axis */
#define DJ_FIELDS_LAYERS(X, T) X(T, count, 1) X(T, units, DESCENT_TUNE_MAX_LAYERS)
/* descent_search_spec's options */
#define DJ_FIELDS_SEARCH(X, T)                                                                                       \
    X(T, mode, 1) X(T, draws, 1) X(T, folds, 1) X(T, metric, 1) X(T, seed, 1) X(T, test_fraction, 1)                 \
    X(T, no_standardize, 1) X(T, no_scale_target, 1) X(T, curves, 1)
/* descent_cv_options */
#define DJ_FIELDS_CV(X, T)                                                                                           \
    X(T, folds, 1) X(T, metric, 1) X(T, seed, 1) X(T, index, 1) X(T, no_standardize, 1) X(T, no_scale_target, 1)
/* descent_tune_test: its metrics as METRICS */
#define DJ_FIELDS_REFIT(X, T)                                                                                        \
    X(T, index, 1) X(T, train_rows, 1) X(T, test_rows, 1) X(T, score, 1) X(T, loss, 1) X(T, time_ms, 1)              \
    X(T, metrics, DJ_METRICS_COUNT)
/* a configuration's loss curves: pointers to folds x epochs floats each */
#define DJ_FIELDS_CURVES(X, T) X(T, train_loss, 1) X(T, val_loss, 1) X(T, epochs, 1)
#define DJ_TUNE_TABLES(X) X(CONFIG, config) X(RESULT, result) X(AXIS, axis) X(LAYERS, layers) X(SEARCH, search) \
    X(CV, cv) X(REFIT, refit) X(CURVES, curves)
#else
#define DJ_TUNE_TABLES(X)
#endif

/* Every table: X(T, name as JS sees it). */
#define DJ_TABLES(X)                                                                                                 \
    X(OPTIMIZER, optimizer) X(LAYER, layer) X(FIT, fit) X(TRAINER, trainer) X(DATASET, dataset)                     \
    X(METRICS, metrics) X(HEAD, head) X(RECIPE, recipe) X(RUN, run) X(STATS, stats) X(LRFIND, lrfind)             \
    X(GRID, grid) DJ_TUNE_TABLES(X)

/* DJ_<T>_<name>: a field's first index; DJ_<T>_COUNT: the doubles of the whole. */
#define DJ_FIELD_INDEX(T, name, width) DJ_##T##_##name, DJ_##T##_##name##_last = DJ_##T##_##name + (width)-1,
#define DJ_TABLE_ENUM(T, js) enum { DJ_FIELDS_##T(DJ_FIELD_INDEX, T) DJ_##T##_COUNT };
DJ_TABLE_ENUM(OPTIMIZER, optimizer)
DJ_TABLE_ENUM(LAYER, layer)
DJ_TABLE_ENUM(FIT, fit)
DJ_TABLE_ENUM(TRAINER, trainer)
DJ_TABLE_ENUM(DATASET, dataset)
DJ_TABLE_ENUM(METRICS, metrics)
DJ_TABLE_ENUM(HEAD, head)
DJ_TABLE_ENUM(RECIPE, recipe)
DJ_TABLE_ENUM(RUN, run)
DJ_TABLE_ENUM(STATS, stats)
DJ_TABLE_ENUM(LRFIND, lrfind)
DJ_TABLE_ENUM(GRID, grid)
#ifdef DESCENT_WITH_TUNE
DJ_TABLE_ENUM(CONFIG, config)
DJ_TABLE_ENUM(RESULT, result)
DJ_TABLE_ENUM(AXIS, axis)
DJ_TABLE_ENUM(LAYERS, layers)
DJ_TABLE_ENUM(SEARCH, search)
DJ_TABLE_ENUM(CV, cv)
DJ_TABLE_ENUM(REFIT, refit)
DJ_TABLE_ENUM(CURVES, curves)
#endif

#endif
