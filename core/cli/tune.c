/* tune.c - `descent tune`: the command line read into a search (--grid
 * lists, --range ranges, the base configuration from train's flags), then the
 * search run with progress, ranked, the best retrained and scored on the
 * held-out rows, and the results written. The reports are tune_report.c's. */
#include "tune.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const tune_short[DESCENT_TUNE_PARAMS] = {"lr", "batch", "optimizer", "layers", "activation", "l2", "epochs"};
static const char *const tune_base_flag[DESCENT_TUNE_PARAMS] = {"--lr",         "--batch", "--optimizer", "--layers",
                                                                "--activation", "--l2",    "--epochs"};


static void tune_cli_free(tune_cli *t)
{
    for (int i = 0; i < DESCENT_TUNE_PARAMS; i++) {
        free(t->values[i]);
        free(t->layers[i]);
    }
}

static int tune_param_of(const char *flag, const char *arg, const char *name, size_t len, descent_tune_param *p)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return usage_error("%s %s: expected NAME=..., NAME one of lr, batch, "
                                                          "optimizer, layers, activation, l2, epochs", flag, arg);
    memcpy(buf, name, len);
    buf[len] = '\0';
    for (int i = 0; i < DESCENT_TUNE_PARAMS; i++) {
        if (strcmp(buf, tune_short[i]) == 0 || strcmp(buf, descent_tune_param_name((descent_tune_param)i)) == 0) {
            *p = (descent_tune_param)i;
            return EXIT_OK;
        }
    }
    return usage_error("%s %s: unknown parameter '%s': expected one of lr, batch, optimizer, layers, activation, "
                       "l2, epochs",
                       flag, arg, buf);
}

/* A whole-string finite number. */
static int parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || isspace((unsigned char)*s) || *end != '\0' || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* One --grid value for parameter p; 0 with a message when it is not allowed. */
static int tune_value(const char *arg, descent_tune_param p, const char *item, double *v, descent_tune_layers *l)
{
    long long n;
    descent_error err;
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE:
        if (parse_real(item, v) && *v > 0 && *v <= FLT_MAX) return EXIT_OK;
        return usage_error("--grid %s: '%s' is not a learning rate: expected a number > 0", arg, item);
    case DESCENT_TUNE_L2:
        if (parse_real(item, v) && *v >= 0 && *v <= FLT_MAX) return EXIT_OK;
        return usage_error("--grid %s: '%s' is not an L2 rate: expected a number >= 0", arg, item);
    case DESCENT_TUNE_BATCH_SIZE:
        if (strcmp(item, "full") == 0) {
            *v = 0;
            return EXIT_OK;
        }
        if (parse_integer(item, 1, DESCENT_MAX_BATCH, &n)) {
            *v = (double)n;
            return EXIT_OK;
        }
        return usage_error("--grid %s: '%s' is not a batch size: expected an integer in 1..%d or 'full'", arg, item,
                           DESCENT_MAX_BATCH);
    case DESCENT_TUNE_EPOCHS:
        if (parse_integer(item, 1, DESCENT_MAX_EPOCHS, &n)) {
            *v = (double)n;
            return EXIT_OK;
        }
        return usage_error("--grid %s: '%s' is not a number of epochs: expected an integer in 1..%d", arg, item,
                           DESCENT_MAX_EPOCHS);
    case DESCENT_TUNE_OPTIMIZER: {
        descent_optimizer_kind k;
        if (descent_optimizer_parse(item, &k, &err) != DESCENT_OK) return usage_error("--grid %s: %s", arg, err.message);
        *v = (double)k;
        return EXIT_OK;
    }
    case DESCENT_TUNE_ACTIVATION: {
        descent_activation act;
        if (descent_activation_parse(item, &act, &err) != DESCENT_OK)
            return usage_error("--grid %s: %s", arg, err.message);
        *v = (double)act;
        return EXIT_OK;
    }
    case DESCENT_TUNE_LAYERS:
        if (descent_tune_layers_parse(item, l, &err) != DESCENT_OK) return usage_error("--grid %s: %s", arg, err.message);
        return EXIT_OK;
    }
    return EXIT_USAGE;
}

/* A parameter is set once: by one --grid or --range, or by its base flag. */
static int tune_claim(const args *a, const tune_cli *t, const char *flag, const char *arg, descent_tune_param p)
{
    for (int i = 0; i < t->spec.n_axes; i++)
        if (t->axes[i].param == p)
            return usage_error("%s %s: %s is already searched by an earlier --grid or --range", flag, arg,
                               tune_short[p]);
    if (has(a, tune_base_flag[p]))
        return usage_error("%s %s and %s both set %s: give one of them", flag, arg, tune_base_flag[p], tune_short[p]);
    return EXIT_OK;
}

static int tune_grid(const args *a, tune_cli *t, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !eq[1])
        return usage_error("--grid must be NAME=V1,V2,... like lr=0.001,0.01 or layers=8,16x16 (got '%s')", arg);
    descent_tune_param p;
    int rc;
    if ((rc = tune_param_of("--grid", arg, arg, (size_t)(eq - arg), &p))) return rc;
    if ((rc = tune_claim(a, t, "--grid", arg, p))) return rc;
    int n = 1;
    for (const char *q = eq + 1; *q; q++) n += *q == ',';
    double *values = calloc((size_t)n, sizeof *values);
    descent_tune_layers *layers = calloc((size_t)n, sizeof *layers);
    if (!values || !layers) {
        free(values);
        free(layers);
        return runtime_error("out of memory");
    }
    const char *q = eq + 1;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(q, ",");
        char item[64];
        if (len == 0 || len >= sizeof item) {
            free(values);
            free(layers);
            return usage_error("--grid %s: value %d is %s", arg, i + 1, len ? "too long" : "empty");
        }
        memcpy(item, q, len);
        item[len] = '\0';
        if ((rc = tune_value(arg, p, item, &values[i], &layers[i]))) {
            free(values);
            free(layers);
            return rc;
        }
        q += len + 1;
    }
    int k = t->spec.n_axes++;
    t->axes[k] = (descent_tune_axis){p, n, p == DESCENT_TUNE_LAYERS ? NULL : values,
                                     p == DESCENT_TUNE_LAYERS ? layers : NULL, 0, 0};
    if (p == DESCENT_TUNE_LAYERS) {
        free(values);
        t->layers[k] = layers;
    } else {
        free(layers);
        t->values[k] = values;
    }
    return EXIT_OK;
}

static int tune_range(const args *a, tune_cli *t, const char *arg)
{
    const char *eq = strchr(arg, '=');
    const char *colon = eq ? strchr(eq, ':') : NULL;
    if (!eq || !colon)
        return usage_error("--range must be NAME=LO:HI like lr=1e-4:1e-1 or epochs=10:100 (got '%s')", arg);
    descent_tune_param p;
    int rc;
    if ((rc = tune_param_of("--range", arg, arg, (size_t)(eq - arg), &p))) return rc;
    if (p != DESCENT_TUNE_LEARNING_RATE && p != DESCENT_TUNE_L2 && p != DESCENT_TUNE_BATCH_SIZE &&
        p != DESCENT_TUNE_EPOCHS)
        return usage_error("--range %s: %s is drawn from a list: use --grid %s=... (ranges are for lr, l2, batch and "
                           "epochs)",
                           arg, tune_short[p], tune_short[p]);
    if ((rc = tune_claim(a, t, "--range", arg, p))) return rc;
    char lo_s[64], hi_s[64];
    size_t lo_len = (size_t)(colon - eq - 1), hi_len = strlen(colon + 1);
    if (lo_len == 0 || hi_len == 0 || lo_len >= sizeof lo_s || hi_len >= sizeof hi_s)
        return usage_error("--range %s: expected LO:HI with both ends", arg);
    memcpy(lo_s, eq + 1, lo_len);
    lo_s[lo_len] = '\0';
    memcpy(hi_s, colon + 1, hi_len + 1);
    double lo, hi;
    if (p == DESCENT_TUNE_LEARNING_RATE || p == DESCENT_TUNE_L2) {
        if (!parse_real(lo_s, &lo) || !parse_real(hi_s, &hi) || !(lo > 0) || !(hi >= lo) || hi > FLT_MAX)
            return usage_error("--range %s: expected numbers 0 < LO <= HI (drawn log-uniformly)", arg);
    } else {
        long long l, h, top = p == DESCENT_TUNE_EPOCHS ? DESCENT_MAX_EPOCHS : DESCENT_MAX_BATCH;
        if (!parse_integer(lo_s, 1, top, &l) || !parse_integer(hi_s, 1, top, &h) || h < l)
            return usage_error("--range %s: expected integers 1 <= LO <= HI <= %lld", arg, top);
        lo = (double)l;
        hi = (double)h;
    }
    t->axes[t->spec.n_axes++] = (descent_tune_axis){p, 0, NULL, NULL, lo, hi};
    return EXIT_OK;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != suffix[i]) return 0;
    return 1;
}

/* Reads and checks every flag before the data is read. */
static int read_tune_cli(const args *a, tune_cli *t)
{
    memset(t, 0, sizeof *t);
    t->spec = descent_search_defaults();
    t->spec.axes = t->axes;
    int rc, k;
    long long v;
    double x;
    if ((rc = require(a, "--data", &t->data))) return rc;
    t->target = get(a, "--target");
    t->out = get(a, "--out");
    t->save = get(a, "--save");
    if (t->target && !*t->target) return usage_error("--target must be a column name or 0-based index (got '')");
    if (t->save && !*t->save) return usage_error("--save needs a file name (got '')");
    if (t->out) {
        if (has_suffix(t->out, ".json")) t->out_json = 1;
        else if (!has_suffix(t->out, ".csv"))
            return usage_error("--out must name a .csv or .json file (got '%s')", t->out);
    }
    if ((rc = get_choice(a, "--task", DESCENT_VOCAB_TASK, NULL, DESCENT_TASK_AUTO, &t->task))) return rc;
    if ((rc = get_choice(a, "--metric", DESCENT_VOCAB_METRIC, "auto", -1, &t->metric))) return rc;
    if ((rc = get_integer(a, "--folds", 5, 2, DESCENT_MAX_FOLDS, &v))) return rc;
    t->spec.folds = (int)v;
    if ((rc = get_integer(a, "--seed", 1, 0, DESCENT_MAX_SEED, &v))) return rc;
    t->spec.seed = (uint32_t)v;
    if ((rc = get_number(a, "--test-split", 0.2, DESCENT_RANGE_UNIT_OPEN, &x))) return rc;
    t->spec.test_fraction = (float)x;
    t->spec.no_standardize = has(a, "--no-standardize");
    t->spec.no_scale_target = has(a, "--no-scale-target");
    if (has(a, "--random")) {
        if ((rc = get_integer(a, "--random", 0, 1, DESCENT_MAX_CONFIGS, &v))) return rc;
        t->spec.mode = DESCENT_SEARCH_RANDOM;
        t->spec.draws = (int)v;
    }

    /* The base configuration: what is not searched. */
    descent_tune_config *b = &t->spec.base;
    if ((rc = get_choice(a, "--optimizer", DESCENT_VOCAB_OPTIMIZER, NULL, DESCENT_OPT_ADAM, &k))) return rc;
    b->optimizer = (descent_optimizer_kind)k;
    if ((rc = get_choice(a, "--activation", DESCENT_VOCAB_ACTIVATION, NULL, DESCENT_ACT_RELU, &k))) return rc;
    b->activation = (descent_activation)k;
    if ((rc = get_number(a, "--lr", 0, DESCENT_RANGE_POSITIVE, &b->learning_rate))) return rc;
    if ((rc = get_number(a, "--l2", 0, DESCENT_RANGE_NON_NEGATIVE, &b->l2))) return rc;
    if ((rc = get_integer(a, "--epochs", 100, 1, DESCENT_MAX_EPOCHS, &v))) return rc;
    b->epochs = (int)v;
    long long batch;
    if ((rc = get_batch(a, &batch))) return rc;
    b->batch_size = (int)batch;
    descent_error err;
    const char *layers = get(a, "--layers") ? get(a, "--layers") : "16,16";
    if (descent_hidden_parse(layers, DESCENT_TUNE_MAX_LAYERS, b->layers.units, NULL, &b->layers.count, &err) !=
        DESCENT_OK)
        return usage_error("--layers: %s", err.message);

    int grid = option_index(a->cmd, "--grid"), ranges = option_index(a->cmd, "--range");
    if (a->n_repeated[ranges] && t->spec.mode != DESCENT_SEARCH_RANDOM)
        return usage_error("--range %s is for random search: add --random N", a->repeated[ranges][0]);
    for (int i = 0; i < a->n_repeated[grid]; i++)
        if ((rc = tune_grid(a, t, a->repeated[grid][i]))) return rc;
    for (int i = 0; i < a->n_repeated[ranges]; i++)
        if ((rc = tune_range(a, t, a->repeated[ranges][i]))) return rc;
    if (t->spec.mode == DESCENT_SEARCH_RANDOM && t->spec.n_axes == 0)
        return usage_error("--random %d has nothing to draw: add --range NAME=LO:HI or --grid NAME=V1,V2,...",
                           t->spec.draws);
    return EXIT_OK;
}

int cmd_tune(const args *a)
{
    tune_cli t;
    int rc = read_tune_cli(a, &t);
    if (rc) {
        tune_cli_free(&t);
        return rc;
    }
    descent_error err;
    descent_dataset *ds = NULL;
    descent_search *s = NULL;
    descent_model *best_model = NULL;
    int *order = NULL;
    descent_csv_options csv;
    if ((rc = csv_target_options(t.target, t.task, &csv)) || a->check_only) goto done;
    if ((rc = out_check("--save", t.save, (const char *const[]){t.data, NULL})) ||
        (rc = out_check("--out", t.out, (const char *const[]){t.data, t.save, NULL})))
        goto done;
    ds = descent_csv_read_file(t.data, &csv, &err);
    if (!ds) {
        rc = file_error(t.data, &err);
        goto done;
    }
    t.spec.metric = t.metric >= 0 ? (descent_tune_metric)t.metric : descent_tune_metric_default(descent_dataset_task(ds));
    tune_view view = {&t, descent_tune_metric_name(t.spec.metric), isatty(fileno(stderr)), has(a, "--quiet"), 0, 0};
    t.spec.on_progress = on_tune;
    t.spec.user = &view;
    s = descent_search_create(ds, &t.spec, &err);
    if (!s) {
        rc = err.code == DESCENT_ERR_ARGUMENT ? usage_error("%s", err.message) : runtime_error("%s", err.message);
        goto done;
    }
    int count = descent_search_count(s);
    view.total = count;
    const char *metric = view.metric;
    int higher = descent_tune_metric_higher_is_better(t.spec.metric);

    printf("%d configuration%s (%s search", count, count == 1 ? "" : "s",
           t.spec.mode == DESCENT_SEARCH_RANDOM ? "random" : "grid");
    for (int i = 0; i < t.spec.n_axes; i++) {
        const descent_tune_axis *x = &t.axes[i];
        const char *sep = i == 0 ? ": " : t.spec.mode == DESCENT_SEARCH_GRID ? " x " : ", ";
        if (x->count) printf("%s%s %d", sep, tune_short[x->param], x->count);
        else printf("%s%s %g..%g", sep, tune_short[x->param], x->lo, x->hi);
    }
    printf("), %d-fold cross-validation on %d rows, %s (%s is better)", t.spec.folds, descent_search_train_rows(s),
           metric, higher ? "higher" : "lower");
    if (descent_search_test_rows(s)) printf("; %d rows held out for testing", descent_search_test_rows(s));
    printf("\n");
    fflush(stdout);

    tune_interrupt_catch();
    descent_status st = descent_search_run(s, &err);
    if (!view.quiet && view.tty) fputs("\r\033[K", stderr);
    order = malloc(sizeof(int) * (size_t)count);
    if (!order) {
        tune_interrupt_restore();
        rc = runtime_error("out of memory");
        goto done;
    }
    int n = descent_search_rank(s, order);
    if (n > 0) {
        printf("\n");
        print_tune_table(&t, s, order, n, metric);
    }
    if (st != DESCENT_OK) {
        tune_interrupt_restore();
        if (n > 0 && t.out) write_tune_results(&t, s, order, n, NULL);
        rc = st == DESCENT_CANCELLED ? runtime_error("interrupted after %d of %d configurations", n, count)
                                     : runtime_error("%s", err.message);
        goto done;
    }
    const descent_tune_result *best = descent_search_result(s, order[0]);
    char label[512];
    tune_label(&t, &best->config, 0, label, sizeof label);
    printf("\nbest: %s: ", label);
    if (isnan(best->mean)) printf("every configuration diverged\n");
    else printf("%s %.4f ± %.4f over %d folds\n", metric, best->mean, best->std, best->folds);
    if (t.spec.n_axes > 0) {
        tune_label(&t, &best->config, 1, label, sizeof label);
        printf("  (%s)\n", label);
    }

    descent_tune_test test;
    int refit = descent_search_test_rows(s) > 0 || t.save;
    if (refit && !isnan(best->mean)) {
        fflush(stdout);
        st = descent_search_refit(s, order[0], &test, &best_model, &err);
        if (!view.quiet && view.tty) fputs("\r\033[K", stderr);
        if (st != DESCENT_OK) {
            tune_interrupt_restore();
            rc = st == DESCENT_CANCELLED ? runtime_error("interrupted while retraining the best configuration")
                                         : runtime_error("retraining the best configuration: %s", err.message);
            goto done;
        }
        printf("\nthe best, retrained on all %d training rows (%.2f s)\n", test.train_rows, test.time_ms / 1000);
        const descent_dataset *te = descent_search_test_data(s);
        if (te && (rc = report(best_model, "test", te->x, te->y, te->n))) {
            tune_interrupt_restore();
            goto done;
        }
    }
    tune_interrupt_restore();
    if (t.out && (rc = write_tune_results(&t, s, order, n, refit && best_model ? &test : NULL))) goto done;
    fflush(stdout);
    if (t.save && best_model) {
        if ((rc = out_save_model(best_model, 0, t.save))) goto done;
        if (!view.quiet) fprintf(stderr, "saved the best model to %s\n", t.save);
    }
    if (t.out && !view.quiet) fprintf(stderr, "wrote %d configurations to %s\n", n, t.out);
    /* no model to save: a script must not read success and find no file */
    if (t.save && !best_model) rc = runtime_error("no model saved to '%s': every configuration diverged", t.save);
done:
    free(order);
    descent_model_free(best_model);
    descent_search_free(s);
    descent_dataset_free(ds);
    tune_cli_free(&t);
    return rc;
}
