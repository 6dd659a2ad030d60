/* cli.c - the `descent` command-line tool, as descent_cli_run (core/cli/cli.h;
 * main() is core/cli/main.c): train a network on a CSV file, then predict,
 * evaluate, inspect it, generate toy data sets, or tune the hyper-parameters
 * by cross-validation. */
#define _POSIX_C_SOURCE 200809L

#include "descent.h"
#include "cli/cli.h"
#include "cli/escape.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Usage errors (bad or missing flags) exit 2, failures while running exit 1,
 * the convention of most Unix tools, so scripts can tell them apart. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* ------------------------------------------------------------ messages */

/* Every error is exactly one line, so a script can show or match it whole;
 * names from files in it are escaped, newlines and terminal controls included. */
static void vsay(const char *fmt, va_list ap)
{
    char line[2048], shown[4 * sizeof line];
    vsnprintf(line, sizeof line, fmt, ap);
    /* One write: stderr is unbuffered. */
    fprintf(stderr, "descent: %s\n", escape_into(shown, sizeof shown, line));
}

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

static int runtime_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_RUNTIME;
}

/* Library messages about a file usually name it; when one does not, the
 * user still needs to know which of the files given was at fault. */
static int file_error(const char *path, const descent_error *err)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strstr(err->message, *base ? base : path)) return runtime_error("%s", err->message);
    return runtime_error("%s: %s", path, err->message);
}

/* ------------------------------------------------------------- options */

typedef struct option {
    const char *name;               /* "--lr" */
    const char *arg;                /* "X", or NULL for a switch */
    const char *help;               /* what it does, allowed values, default */
} option;

typedef struct command command;

#define MAX_OPTIONS 64
#define MAX_REPEATS 16

typedef struct args {
    const command *cmd;
    const char *value[MAX_OPTIONS]; /* by option index; "" for a switch that is on */
    const char *repeated[MAX_OPTIONS][MAX_REPEATS]; /* every value of a repeatable option, in order */
    int n_repeated[MAX_OPTIONS];
    int check_only;                 /* descent_cli_check: stop once the flags are read */
} args;

struct command {
    const char *name;
    const char *synopsis;
    const char *summary;
    const option *options;
    int n_options;
    int (*run)(const args *a);
    const char *const *repeatable;  /* NULL-terminated: options that may be given many times, each value kept */
};

static int is_repeatable(const command *c, const char *name)
{
    for (const char *const *r = c->repeatable; r && *r; r++)
        if (strcmp(*r, name) == 0) return 1;
    return 0;
}

static const option train_options[] = {
    {"--data", "FILE", "CSV file with a header row (required)"},
    {"--target", "NAME|INDEX", "target column: a name, or a 0-based index when all digits (default: the last column)"},
    {"--task", "MODE", "auto|classification|regression (default: auto: text targets, or integers with at most 20 "
                       "distinct values, are classes)"},
    {"--layers", "LIST", "hidden layer sizes, comma-separated, each 1..100000, or 'none' for no hidden layer "
                         "(default: 16,16)"},
    {"--activation", "NAME", "hidden activation: linear|relu|leaky_relu|sigmoid|tanh|softmax (default: relu)"},
    {"--alpha", "X", "leaky_relu slope below 0, >= 0 (default: 0.2)"},
    {"--output-activation", "NAME", "auto|linear|relu|leaky_relu|sigmoid|tanh|softmax (default: auto: sigmoid for "
                                    "2 classes, softmax for more, linear for regression)"},
    {"--loss", "NAME", "auto|mse|binary_crossentropy|categorical_crossentropy (default: auto: binary_crossentropy for "
                       "2 classes, categorical_crossentropy for more, mse for regression)"},
    {"--init", "NAME", "kernel initializer: glorot_uniform|glorot_normal|he_uniform|he_normal|uniform|zeros "
                       "(default: glorot_uniform)"},
    {"--init-limit", "X", "a for --init uniform, weights in U(-a, a), > 0 (default: 0.05)"},
    {"--l1", "X", "L1 penalty on every layer's kernel, >= 0 (default: 0)"},
    {"--l2", "X", "L2 penalty on every layer's kernel, >= 0 (default: 0)"},
    {"--no-bias", NULL, "layers without a bias (default: with)"},
    {"--optimizer", "NAME", "sgd|momentum|nesterov|adagrad|rmsprop|adam (default: adam)"},
    {"--lr", "X", "learning rate, > 0 (default: 0.01 for sgd, momentum, nesterov, adagrad; 0.001 for rmsprop, adam)"},
    {"--momentum", "X", "momentum, nesterov, rmsprop: [0, 1) (default: 0.9 for momentum, nesterov; 0 for rmsprop)"},
    {"--rho", "X", "rmsprop decay, [0, 1) (default: 0.9)"},
    {"--epsilon", "X", "rmsprop, adam: > 0 (default: 1e-07)"},
    {"--beta1", "X", "adam, [0, 1) (default: 0.9)"},
    {"--beta2", "X", "adam, [0, 1) (default: 0.999)"},
    {"--initial-accumulator", "X", "adagrad, > 0 (default: 0.1)"},
    {"--centered", NULL, "centered rmsprop (default: off)"},
    {"--batch", "N|full", "rows per step, 1..2147483647, or 'full' for all training rows (default: 32)"},
    {"--epochs", "N", "passes over the training rows, 1..1000000 (default: 100)"},
    {"--test-split", "X", "fraction of rows held out for testing, chosen by a seeded shuffle (stratified for "
                          "classification), [0, 1); 0 trains on every row in file order (default: 0.2)"},
    {"--val-split", "X", "fraction of the training rows held out, by a seeded (stratified) draw, to validate on "
                         "after each epoch, [0, 1) (default: 0)"},
    {"--patience", "N", "stop after N epochs without a better validation loss (training loss without --val-split), "
                        "0..1000000; 0 = never (default: 0)"},
    {"--restore-best", NULL, "with --patience, end with the best epoch's weights (default: off)"},
    {"--no-shuffle", NULL, "visit the training rows in the same order every epoch (default: shuffle)"},
    {"--no-standardize", NULL, "do not scale the inputs to mean 0, std 1 (default: scale, fitted on the training "
                               "rows)"},
    {"--no-scale-target", NULL, "regression: do not standardize the target (default: scale)"},
    {"--seed", "N", "seed for the split, initialization and shuffling, 0..4294967295 (default: 1)"},
    {"--save", "FILE", "write the trained model to FILE (default: not saved)"},
    {"--save-optimizer", NULL, "with --save, also store the optimizer state to resume training (default: off)"},
    {"--quiet", NULL, "no progress on stderr (default: a progress bar on a terminal, else a line per epoch)"},
    {"--print-weights", NULL, "print each layer's kernel and bias after training (default: off)"},
    {"--help", NULL, "show this help"},
};

static const option predict_options[] = {
    {"--model", "FILE", "model file written by train --save (required)"},
    {"--data", "FILE", "CSV file with a header row; columns are matched to the model's features by name when the "
                       "model has names, else by position; a target column is ignored (required)"},
    {"--out", "FILE", "write the predictions there (default: standard output)"},
    {"--help", NULL, "show this help"},
};

static const option evaluate_options[] = {
    {"--model", "FILE", "model file written by train --save (required)"},
    {"--data", "FILE", "CSV file with a header row and the target column (required)"},
    {"--target", "NAME", "target column (default: the model's target name, else the last column)"},
    {"--help", NULL, "show this help"},
};

static const option generate_options[] = {
    {"--set", "NAME", "circle|xor|gaussian|spiral|plane|multigauss|linear4|line|curve (required)"},
    {"--n", "N", "rows, 1..10000000; linear4 always has 4 (default: 200)"},
    {"--noise", "X", "noise as a fraction of the set's scale, [0, 1] (default: 0.1)"},
    {"--seed", "N", "0..4294967295 (default: 1)"},
    {"--out", "FILE", "write the CSV there (default: standard output)"},
    {"--help", NULL, "show this help"},
};

static const option info_options[] = {
    {"--model", "FILE", "model file (required)"},
    {"--weights", NULL, "also print every layer's kernel [inputs][units] and bias (default: off)"},
    {"--help", NULL, "show this help"},
};

static const option tune_options[] = {
    {"--data", "FILE", "CSV file with a header row (required)"},
    {"--target", "NAME|INDEX", "target column: a name, or a 0-based index when all digits (default: the last column)"},
    {"--task", "MODE", "auto|classification|regression (default: auto, as for train)"},
    {"--grid", "NAME=V1,V2,...", "values to search for one hyper-parameter, like lr=0.001,0.01 or layers=8,16x16; "
                                 "repeat for more, and every combination is tried (random search draws from the "
                                 "lists instead). NAME: lr (> 0), batch "
                                 "(1..2147483647 or full), optimizer (sgd|momentum|nesterov|adagrad|rmsprop|adam), "
                                 "layers (hidden sizes joined by x, like 8 or 16x16, or none), activation "
                                 "(linear|relu|leaky_relu|sigmoid|tanh|softmax), l2 (>= 0), epochs (1..1000000)"},
    {"--random", "N", "random search: draw N configurations, 1..100000, from the --grid lists and --range ranges "
                      "(default: grid search over every combination)"},
    {"--range", "NAME=LO:HI", "with --random, draw NAME from a range: lr and l2 log-uniformly in [LO, HI] (LO > 0), "
                              "batch and epochs uniformly among the integers LO..HI; repeatable"},
    {"--folds", "K", "cross-validation folds, 2..20 (stratified for classification) (default: 5)"},
    {"--metric", "NAME", "auto|loss|accuracy|f1|r2|rmse: the score to rank by; accuracy and f1 for classification, "
                         "r2 and rmse for regression (default: auto: accuracy for classification, r2 for regression)"},
    {"--layers", "LIST", "hidden layer sizes when not searched, comma-separated, each 1..100000, at most 8 layers, or "
                         "'none' (default: 16,16)"},
    {"--activation", "NAME", "hidden activation when not searched (default: relu)"},
    {"--optimizer", "NAME", "optimizer when not searched (default: adam)"},
    {"--lr", "X", "learning rate when not searched, > 0 (default: the optimizer's: 0.01 for sgd, momentum, nesterov, "
                  "adagrad; 0.001 for rmsprop, adam)"},
    {"--batch", "N|full", "rows per step when not searched, 1..2147483647, or 'full' (default: 32)"},
    {"--epochs", "N", "epochs when not searched, 1..1000000 (default: 100)"},
    {"--l2", "X", "L2 penalty on every kernel when not searched, >= 0 (default: 0)"},
    {"--test-split", "X", "fraction of rows held out before the folds, by a seeded (stratified) draw; the best "
                          "configuration is retrained on the rest and scored on them, [0, 1); 0 uses every row for "
                          "the folds (default: 0.2)"},
    {"--no-standardize", NULL, "do not scale the inputs to mean 0, std 1 (default: scale, fitted on each fold's "
                               "training rows)"},
    {"--no-scale-target", NULL, "regression: do not standardize the target (default: scale)"},
    {"--seed", "N", "seed for the split, the folds, the draws and every model, 0..4294967295 (default: 1)"},
    {"--out", "FILE", "also write every configuration's results, ranked, to FILE.csv or FILE.json (default: none)"},
    {"--save", "FILE", "retrain the best configuration on the training rows and write that model to FILE "
                       "(default: not saved)"},
    {"--quiet", NULL, "no progress on stderr (default: a progress bar on a terminal, else a line per configuration)"},
    {"--help", NULL, "show this help"},
};

_Static_assert(sizeof train_options / sizeof train_options[0] <= MAX_OPTIONS, "raise MAX_OPTIONS");
_Static_assert(sizeof tune_options / sizeof tune_options[0] <= MAX_OPTIONS, "raise MAX_OPTIONS");
static const char *const tune_repeatable[] = {"--grid", "--range", NULL};

static int cmd_train(const args *a);
static int cmd_predict(const args *a);
static int cmd_evaluate(const args *a);
static int cmd_generate(const args *a);
static int cmd_info(const args *a);
static int cmd_tune(const args *a);

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const command commands[] = {
    {"train", "descent train --data FILE [options]", "train a network on a CSV file and report its scores",
     train_options, COUNT(train_options), cmd_train, NULL},
    {"predict", "descent predict --model FILE --data FILE [--out FILE]", "write a model's predictions as CSV",
     predict_options, COUNT(predict_options), cmd_predict, NULL},
    {"evaluate", "descent evaluate --model FILE --data FILE [--target NAME]",
     "print a model's loss and scores on a CSV", evaluate_options, COUNT(evaluate_options), cmd_evaluate, NULL},
    {"generate", "descent generate --set NAME [--n N] [--noise X] [--seed N] [--out FILE]",
     "write a toy data set as CSV", generate_options, COUNT(generate_options), cmd_generate, NULL},
    {"info", "descent info --model FILE [--weights]", "describe a saved model", info_options, COUNT(info_options),
     cmd_info, NULL},
    {"tune", "descent tune --data FILE [--grid NAME=V1,V2,...]... [--random N [--range NAME=LO:HI]...] [options]",
     "search hyper-parameters by k-fold cross-validation and rank them", tune_options, COUNT(tune_options),
     cmd_tune, tune_repeatable},
};

/* Prints text from column `indent`, wrapping at 79 columns. */
static void print_wrapped(FILE *f, const char *text, int column, int indent)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (column > indent && column + 1 + (int)len > 79) {
            fprintf(f, "\n%*s", indent, "");
            column = indent;
        }
        if (column > indent) {
            fputc(' ', f);
            column++;
        }
        fwrite(p, 1, len, f);
        column += (int)len;
        p += len;
    }
    fputc('\n', f);
}

static void print_command_help(FILE *f, const command *c)
{
    fprintf(f, "usage: %s\n\n%s.\n\noptions:\n", c->synopsis, c->summary);
    for (int i = 0; i < c->n_options; i++) {
        const option *o = &c->options[i];
        char head[64];
        snprintf(head, sizeof head, "  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        int column = fprintf(f, "%s", head);
        const int indent = 30;
        if (column >= indent) {
            fprintf(f, "\n%*s", indent, "");
        } else {
            fprintf(f, "%*s", indent - column, "");
        }
        print_wrapped(f, o->help, indent, indent);
    }
}

/* An overview, then every command's help in turn. */
static void print_main_help(FILE *f)
{
    fprintf(f, "descent %s - dense neural networks trained by gradient descent\n\n"
               "usage: descent COMMAND [options]\n       descent --help | --version\n"
               "       descent COMMAND --help\n\ncommands:\n",
            DESCENT_VERSION);
    for (int i = 0; i < COUNT(commands); i++) fprintf(f, "  %-10s%s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit status: 0 on success, 1 when a file or the training fails, 2 for a bad command line.\n");
    for (int i = 0; i < COUNT(commands); i++) {
        fprintf(f, "\n");
        print_command_help(f, &commands[i]);
    }
}

static int option_index(const command *c, const char *name)
{
    for (int i = 0; i < c->n_options; i++)
        if (strcmp(c->options[i].name, name) == 0) return i;
    return -1;
}

/* Accepts "--flag value" and "--flag=value"; the last of repeated flags wins,
 * except that a repeatable one keeps every value. */
static int parse_args(const command *c, int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = c;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
            return usage_error("unexpected argument '%s' for '%s' (see descent %s --help)", arg, c->name, c->name);
        const char *eq = strchr(arg, '=');
        char name[64];
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        int k = -1;
        if (len < sizeof name) {
            memcpy(name, arg, len);
            name[len] = '\0';
            k = option_index(c, name);
        }
        if (k < 0)
            return usage_error("unknown option '%.*s' for '%s' (see descent %s --help)", (int)(len < 200 ? len : 200),
                               arg, c->name, c->name);
        const option *o = &c->options[k];
        if (!o->arg) {
            if (eq) return usage_error("%s takes no value (got '%s')", o->name, eq + 1);
            a->value[k] = "";
        } else if (eq) {
            a->value[k] = eq + 1;
        } else if (i + 1 < argc && !(strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2] != '\0')) {
            a->value[k] = argv[++i];
        } else {
            return usage_error("%s needs a value: %s", o->name, o->help);
        }
        if (is_repeatable(c, o->name)) {
            if (a->n_repeated[k] == MAX_REPEATS)
                return usage_error("%s may be given at most %d times", o->name, MAX_REPEATS);
            a->repeated[k][a->n_repeated[k]++] = a->value[k];
        }
    }
    return EXIT_OK;
}

static const char *get(const args *a, const char *name)
{
    int k = option_index(a->cmd, name);
    return k >= 0 ? a->value[k] : NULL;
}

static int has(const args *a, const char *name)
{
    return get(a, name) != NULL;
}

static int require(const args *a, const char *name, const char **out)
{
    *out = get(a, name);
    if (!*out || !**out)
        return usage_error("%s %s is required for '%s' (see descent %s --help)", name,
                           a->cmd->options[option_index(a->cmd, name)].arg, a->cmd->name, a->cmd->name);
    return EXIT_OK;
}

/* ------------------------------------------------------ value parsing */

typedef enum range {
    POSITIVE,                       /* > 0 */
    NON_NEGATIVE,                   /* >= 0 */
    UNIT_OPEN,                      /* [0, 1) */
    UNIT_CLOSED                     /* [0, 1] */
} range;

static const char *range_text(range r)
{
    switch (r) {
    case POSITIVE: return "a number > 0";
    case NON_NEGATIVE: return "a number >= 0";
    case UNIT_OPEN: return "a number in [0, 1)";
    case UNIT_CLOSED: return "a number in [0, 1]";
    }
    return "a number";
}

/* The whole string must be a number; the library's descent_check_float then
 * decides whether it is in range as the float32 it becomes (so 1e39, or
 * 1e-50 for a positive value, is refused here as it would be there). */
static int get_number(const args *a, const char *name, double fallback, range r, double *out)
{
    const char *s = get(a, name);
    if (!s) {
        *out = fallback;
        return EXIT_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int parsed = *s && !isspace((unsigned char)*s) && *end == '\0' && errno != ERANGE;
    static const descent_range ranges[] = {DESCENT_RANGE_POSITIVE, DESCENT_RANGE_NON_NEGATIVE,
                                           DESCENT_RANGE_UNIT_OPEN, DESCENT_RANGE_UNIT_CLOSED};
    descent_error e;
    if (!parsed || descent_check_float(name, v, ranges[r], &e) != DESCENT_OK) {
        /* The library's reason, when it is the float32 rounding: "..., which is 0 as a float32)". */
        const char *got = parsed ? strstr(e.message, " (got ") : NULL;
        const char *why = got ? strstr(got, ", ") : NULL;
        return usage_error("%s must be %s (got '%s'%s", name, range_text(r), s, why ? why : ")");
    }
    *out = v;
    return EXIT_OK;
}

/* Digits only: "1e3", " 5" or "+5" are refused rather than half-read. */
static int parse_integer(const char *s, long long lo, long long hi, long long *out)
{
    const char *p = s;
    if (*p == '-') p++;
    if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18) return 0;
    long long v = strtoll(s, NULL, 10);
    if (v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

static int get_integer(const args *a, const char *name, long long fallback, long long lo, long long hi,
                       long long *out)
{
    const char *s = get(a, name);
    if (!s) {
        *out = fallback;
        return EXIT_OK;
    }
    if (!parse_integer(s, lo, hi, out))
        return usage_error("%s must be an integer in %lld..%lld (got '%s')", name, lo, hi, s);
    return EXIT_OK;
}

/* Matches a value against an enum's names, so the message lists exactly
 * what the library accepts; `extra` is a CLI-only choice such as "auto". */
static int get_choice(const args *a, const char *name, const char *(*name_of)(int), const char *extra, int fallback,
                      int *out)
{
    const char *s = get(a, name);
    *out = fallback;
    if (!s) return EXIT_OK;
    if (extra && strcmp(s, extra) == 0) {
        *out = -1;
        return EXIT_OK;
    }
    for (int i = 0; name_of(i); i++) {
        if (strcmp(s, name_of(i)) == 0) {
            *out = i;
            return EXIT_OK;
        }
    }
    char allowed[512] = "";
    if (extra) snprintf(allowed, sizeof allowed, "%s", extra);
    for (int i = 0; name_of(i); i++) {
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "", name_of(i));
    }
    return usage_error("%s must be one of %s (got '%s')", name, allowed, s);
}

/* Adapters from the typed name functions to get_choice's int signature. */
static const char *activation_name(int i) { return descent_activation_name((descent_activation)i); }
static const char *init_name(int i) { return descent_init_name((descent_init)i); }
static const char *loss_name(int i) { return descent_loss_name((descent_loss)i); }
static const char *optimizer_name(int i) { return descent_optimizer_name((descent_optimizer_kind)i); }
static const char *task_name(int i) { return descent_task_name((descent_task)i); }
static const char *generator_name(int i) { return descent_generator_name((descent_generator)i); }

/* --layers: unit counts of the hidden layers. */
static int parse_layers(const char *s, int **units, int *count)
{
    *units = NULL;
    *count = 0;
    if (!s || strcmp(s, "none") == 0 || *s == '\0') return EXIT_OK;
    int n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    int *u = malloc(sizeof(int) * (size_t)n);
    if (!u) return runtime_error("out of memory for %d layers", n);
    const char *p = s;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        char item[32];
        long long v;
        if (len == 0 || len >= sizeof item) goto bad;
        memcpy(item, p, len);
        item[len] = '\0';
        if (!parse_integer(item, 1, 100000, &v)) goto bad;
        u[i] = (int)v;
        p += len + 1;
    }
    *units = u;
    *count = n;
    return EXIT_OK;
bad:
    free(u);
    return usage_error("--layers must be comma-separated unit counts, each 1..100000, or 'none' (got '%s')", s);
}

/* ------------------------------------------------------- CSV and data */

/* Whether a CSV header row names a column (exactly, as the reader matches
 * names), decided before reading the file so predict can set a target column
 * aside. Unreadable files answer no; the real read reports them. */
static int csv_header_has(const char *path, const char *column)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char field[1024];
    size_t len = 0;
    int c, quoted = 0, at_start = 1, found = 0, done = 0, blank = 1;
    c = getc(f);
    if (c == 0xEF) {                /* a UTF-8 byte order mark */
        if (getc(f) == 0xBB && getc(f) == 0xBF) c = getc(f);
        else c = EOF;
    }
    for (; !done; c = getc(f)) {
        if (quoted) {
            if (c == EOF) break;
            if (c == '"') {
                int next = getc(f);
                if (next != '"') {
                    quoted = 0;
                    ungetc(next, f);
                    continue;
                }
            }
            if (len + 1 < sizeof field) field[len++] = (char)c;
            continue;
        }
        if (c == '"' && at_start) {
            quoted = 1;
            at_start = 0;
            blank = 0;
            continue;
        }
        if (c == ',' || c == '\n' || c == EOF) {
            if ((c == '\n' || c == EOF) && blank) {   /* blank lines before the header */
                if (c == EOF) break;
                len = 0;
                at_start = 1;
                continue;
            }
            field[len] = '\0';
            if (strcmp(field, column) == 0) found = 1;
            len = 0;
            at_start = 1;
            if (c != ',') done = 1;
            continue;
        }
        if (c == '\r') continue;   /* CRLF line ends */
        at_start = 0;
        blank = 0;
        if (len + 1 < sizeof field) field[len++] = (char)c;
    }
    fclose(f);
    return found;
}

/* A CSV field, quoted when it must be; names from files are escaped. */
static void csv_field(FILE *f, const char *s)
{
    int quote = s[strcspn(s, ",\"")] || s[0] == ' ' || (*s && s[strlen(s) - 1] == ' ');
    if (quote) fputc('"', f);
    escape_put(f, s, quote);
    if (quote) fputc('"', f);
}

/* A name from a file in a column of width characters, escaped (left-aligned with left). */
static void put_column(FILE *f, const char *s, int width, int left)
{
    int pad = width - (int)escape_length(s);
    if (!left) fprintf(f, "%*s", pad > 0 ? pad : 0, "");
    escape_put(f, s, 0);
    if (left) fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

/* Whether a loaded model classifies: it has class names or a
 * classification loss (a model built through the API may lack names). */
static int model_classes(const descent_model *m)
{
    if (descent_model_class_count(m) < 2 && descent_model_loss(m) == DESCENT_LOSS_MSE) return 0;
    /* As many as the metrics' confusion matrix has, whatever the names say. */
    int outputs = descent_model_outputs(m);
    return outputs < 2 ? 2 : outputs;
}

/* Class i's name, or its index when the model carries no names. */
static const char *class_label(const descent_model *m, int i, char *buf, size_t size)
{
    if (descent_model_class_count(m) == model_classes(m)) {
        const char *name = descent_model_class_name(m, i);
        if (name) return name;
    }
    snprintf(buf, size, "%d", i);
    return buf;
}

/* The model's classes as the CSV reader's known classes, so that a file
 * holding any of them (even a single one) reads in the model's order. */
typedef struct known_classes {
    const char **names;
    char (*labels)[32];
} known_classes;

static int use_model_classes(const descent_model *m, descent_csv_options *csv, known_classes *kc)
{
    int k = model_classes(m);
    kc->names = NULL;
    kc->labels = NULL;
    if (!k) return EXIT_OK;
    kc->names = malloc(sizeof(char *) * (size_t)k);
    kc->labels = malloc(sizeof *kc->labels * (size_t)k);
    if (!kc->names || !kc->labels) return runtime_error("out of memory");
    for (int j = 0; j < k; j++) kc->names[j] = class_label(m, j, kc->labels[j], sizeof kc->labels[j]);
    csv->class_names = kc->names;
    csv->n_classes = k;
    return EXIT_OK;
}

static void known_classes_free(known_classes *kc)
{
    free(kc->names);
    free(kc->labels);
}

/* The model's inputs, gathered from the data set's columns: by name when
 * the model knows its features' names, else by position. */
static int gather_features(const descent_model *m, const descent_dataset *ds, const char *path, float **x_out)
{
    int inputs = descent_model_inputs(m);
    int *col = malloc(sizeof(int) * (size_t)inputs);
    if (!col) return runtime_error("out of memory");
    int by_name = descent_model_feature_name(m, 0) != NULL;
    if (by_name) {
        for (int i = 0; i < inputs; i++) {
            const char *want = descent_model_feature_name(m, i);
            col[i] = -1;
            for (int j = 0; j < ds->features && want; j++)
                if (ds->feature_names && ds->feature_names[j] && strcmp(ds->feature_names[j], want) == 0) col[i] = j;
            if (col[i] < 0) {
                free(col);
                return runtime_error("%s has no column '%s', which the model takes as feature %d of %d", path,
                                     want ? want : "?", i + 1, inputs);
            }
        }
    } else {
        if (ds->features != inputs) {
            free(col);
            return runtime_error("%s has %d feature columns but the model takes %d (and has no feature names to "
                                 "match by)",
                                 path, ds->features, inputs);
        }
        for (int i = 0; i < inputs; i++) col[i] = i;
    }
    float *x = malloc(sizeof(float) * (size_t)ds->n * (size_t)inputs + 1);
    if (!x) {
        free(col);
        return runtime_error("out of memory for %d rows", ds->n);
    }
    for (size_t r = 0; r < (size_t)ds->n; r++)
        for (int i = 0; i < inputs; i++) x[r * inputs + i] = ds->x[r * ds->features + col[i]];
    free(col);
    *x_out = x;
    return EXIT_OK;
}

/* ------------------------------------------------------------- reports */

static void print_confusion(FILE *f, const descent_model *m, const int *cm, int k)
{
    char buf[32];
    int width = 4;
    for (int i = 0; i < k; i++) {
        size_t len = escape_length(class_label(m, i, buf, sizeof buf));
        if (len > (size_t)width) width = len < 200 ? (int)len : 200;
    }
    for (int i = 0; i < k * k; i++) {
        int len = snprintf(buf, sizeof buf, "%d", cm[i]);
        if (len > width) width = len;
    }
    fprintf(f, "  confusion (rows: actual, columns: predicted)\n    %*s", width, "");
    for (int j = 0; j < k; j++) {
        fputs("  ", f);
        put_column(f, class_label(m, j, buf, sizeof buf), width, 0);
    }
    fputc('\n', f);
    for (int i = 0; i < k; i++) {
        fputs("    ", f);
        put_column(f, class_label(m, i, buf, sizeof buf), width, 1);
        for (int j = 0; j < k; j++) fprintf(f, "  %*d", width, cm[(size_t)i * k + j]);
        fputc('\n', f);
    }
}

/* Loss and scores on n rows; x and y raw, y in the model's label convention.
 * Regression scores are in target units since predict undoes the scaling. */
static int report(descent_model *m, const char *title, const float *x, const float *y, int n)
{
    descent_error err;
    int outputs = descent_model_outputs(m), k = model_classes(m);
    float loss;
    float *pred = malloc(sizeof(float) * (size_t)n * (size_t)outputs);
    int *cm = k ? calloc((size_t)k * (size_t)k, sizeof(int)) : NULL;
    descent_metrics met;
    int rc = EXIT_OK;
    if (!pred || (k && !cm)) {
        rc = runtime_error("out of memory for %d predictions", n);
        goto done;
    }
    if (descent_model_evaluate(m, x, y, n, &loss, &err) != DESCENT_OK ||
        descent_model_predict(m, x, n, pred, &err) != DESCENT_OK) {
        rc = runtime_error("%s", err.message);
        goto done;
    }
    descent_status s = k ? descent_metrics_classification(pred, y, n, outputs, cm, &met, &err)
                         : descent_metrics_regression(pred, y, n, outputs, &met, &err);
    if (s != DESCENT_OK) {
        rc = runtime_error("%s", err.message);
        goto done;
    }
    printf("%s: %d row%s\n  loss       %.6f\n", title, n, n == 1 ? "" : "s", (double)loss);
    if (k) {
        char buf[32], positive[256];
        printf("  accuracy   %.4f\n", met.accuracy);
        if (k == 2) {
            escape_into(positive, sizeof positive, class_label(m, 1, buf, sizeof buf));
            printf("  precision  %.4f  (class '%s')\n", met.precision, positive);
            printf("  recall     %.4f  (class '%s')\n", met.recall, positive);
            printf("  f1         %.4f  (class '%s')\n", met.f1, positive);
        } else {
            printf("  precision  %.4f  (macro)\n  recall     %.4f  (macro)\n  f1         %.4f  (macro)\n",
                   met.precision, met.recall, met.f1);
        }
        print_confusion(stdout, m, cm, k);
    } else {
        printf("  mse        %.6g\n  rmse       %.6g\n  mae        %.6g\n  r2         %.4f\n", met.mse, met.rmse,
               met.mae, met.r2);
    }
done:
    free(pred);
    free(cm);
    return rc;
}

/* Kernels print one input per row, as Keras' get_weights() lays them out. */
static int print_weights(const descent_model *m)
{
    descent_error err;
    int in = descent_model_inputs(m);
    if (descent_model_input_mean(m)) printf("weights (on standardized inputs)\n");
    for (int l = 0; l < descent_model_layer_count(m); l++) {
        descent_layer_spec spec = descent_model_layer(m, l);
        int out = spec.units;
        float *kernel = malloc(sizeof(float) * (size_t)in * (size_t)out);
        float *bias = malloc(sizeof(float) * (size_t)out);
        if (!kernel || !bias) {
            free(kernel);
            free(bias);
            return runtime_error("out of memory");
        }
        if (descent_model_get_weights(m, l, kernel, spec.no_bias ? NULL : bias, &err) != DESCENT_OK) {
            free(kernel);
            free(bias);
            return runtime_error("%s", err.message);
        }
        printf("layer %d kernel [%d][%d]\n", l + 1, in, out);
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) printf("%s%.6f", j ? " " : "  ", (double)kernel[(size_t)i * out + j]);
            putchar('\n');
        }
        if (spec.no_bias) {
            printf("layer %d bias none\n", l + 1);
        } else {
            printf("layer %d bias [%d]\n", l + 1, out);
            for (int j = 0; j < out; j++) printf("%s%.6f", j ? " " : "  ", (double)bias[j]);
            putchar('\n');
        }
        free(kernel);
        free(bias);
        in = out;
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- train */

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
    const char *data, *target, *save;
    int task;
    int *units, n_hidden;
    int activation, output_activation, loss, init;
    double alpha, init_limit, l1, l2;
    descent_optimizer_spec opt;
    long long batch;                /* 0: full */
    long long epochs, patience, seed;
    double test_split, val_split;
} train_config;

/* Reads and checks every flag before any file is touched, so a typo costs
 * nothing and is reported as a usage error. */
static int read_train_config(const args *a, train_config *c)
{
    memset(c, 0, sizeof *c);
    int rc, kind;
    if ((rc = require(a, "--data", &c->data))) return rc;
    c->target = get(a, "--target");
    c->save = get(a, "--save");
    if (c->target && !*c->target) return usage_error("--target must be a column name or 0-based index (got '')");
    if (c->save && !*c->save) return usage_error("--save needs a file name (got '')");
    if ((rc = get_choice(a, "--task", task_name, NULL, DESCENT_TASK_AUTO, &c->task))) return rc;
    if ((rc = get_choice(a, "--activation", activation_name, NULL, DESCENT_ACT_RELU, &c->activation))) return rc;
    if ((rc = get_choice(a, "--output-activation", activation_name, "auto", -1, &c->output_activation))) return rc;
    if ((rc = get_choice(a, "--loss", loss_name, "auto", -1, &c->loss))) return rc;
    if ((rc = get_choice(a, "--init", init_name, NULL, DESCENT_INIT_GLOROT_UNIFORM, &c->init))) return rc;
    if ((rc = get_choice(a, "--optimizer", optimizer_name, NULL, DESCENT_OPT_ADAM, &kind))) return rc;
    if ((rc = get_number(a, "--alpha", 0.2, NON_NEGATIVE, &c->alpha))) return rc;
    if ((rc = get_number(a, "--init-limit", 0.05, POSITIVE, &c->init_limit))) return rc;
    if ((rc = get_number(a, "--l1", 0, NON_NEGATIVE, &c->l1))) return rc;
    if ((rc = get_number(a, "--l2", 0, NON_NEGATIVE, &c->l2))) return rc;

    c->opt = descent_optimizer_defaults((descent_optimizer_kind)kind);
    if ((rc = get_number(a, "--lr", c->opt.learning_rate, POSITIVE, &c->opt.learning_rate))) return rc;
    if ((rc = get_number(a, "--momentum", c->opt.momentum, UNIT_OPEN, &c->opt.momentum))) return rc;
    if ((rc = get_number(a, "--rho", c->opt.rho, UNIT_OPEN, &c->opt.rho))) return rc;
    if ((rc = get_number(a, "--epsilon", c->opt.epsilon, POSITIVE, &c->opt.epsilon))) return rc;
    if ((rc = get_number(a, "--beta1", c->opt.beta1, UNIT_OPEN, &c->opt.beta1))) return rc;
    if ((rc = get_number(a, "--beta2", c->opt.beta2, UNIT_OPEN, &c->opt.beta2))) return rc;
    if ((rc = get_number(a, "--initial-accumulator", c->opt.initial_accumulator, POSITIVE,
                         &c->opt.initial_accumulator)))
        return rc;
    if (has(a, "--centered")) c->opt.centered = 1;

    const char *batch = get(a, "--batch");
    if (batch && strcmp(batch, "full") == 0) {
        c->batch = 0;
    } else if (!batch) {
        c->batch = 32;
    } else if (!parse_integer(batch, 1, INT_MAX, &c->batch)) {
        return usage_error("--batch must be an integer in 1..%d or 'full' (got '%s')", INT_MAX, batch);
    }
    if ((rc = get_integer(a, "--epochs", 100, 1, 1000000, &c->epochs))) return rc;
    if ((rc = get_integer(a, "--patience", 0, 0, 1000000, &c->patience))) return rc;
    if ((rc = get_integer(a, "--seed", 1, 0, 4294967295LL, &c->seed))) return rc;
    if ((rc = get_number(a, "--test-split", 0.2, UNIT_OPEN, &c->test_split))) return rc;
    if ((rc = get_number(a, "--val-split", 0, UNIT_OPEN, &c->val_split))) return rc;
    /* Last: the only allocation, so the early returns above leak nothing. */
    return parse_layers(get(a, "--layers") ? get(a, "--layers") : "16,16", &c->units, &c->n_hidden);
}

static int all_digits(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Puts rows order[0..n-1] of ds in places 0..n-1, in place (one row of
 * scratch, following each cycle of the permutation), so the training and
 * test rows become two runs of the one matrix instead of two copies. */
static int reorder_rows(descent_dataset *ds, const int *order, int n)
{
    size_t f = (size_t)ds->features, o = (size_t)ds->outputs;
    unsigned char *done = calloc((size_t)n + 1, 1);
    float *row = malloc(sizeof(float) * (f + o));
    if (!done || !row) {
        free(done);
        free(row);
        return runtime_error("out of memory for %d rows", n);
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
    return EXIT_OK;
}

/* Rows [first, first + n) of ds as a dataset sharing its memory: never freed. */
static descent_dataset rows_of(const descent_dataset *ds, int first, int n)
{
    descent_dataset v = *ds;
    v.n = n;
    v.x = ds->x + (size_t)first * (size_t)ds->features;
    v.y = ds->y ? ds->y + (size_t)first * (size_t)ds->outputs : NULL;
    v.labels = ds->labels ? ds->labels + first : NULL;
    return v;
}

static int cmd_train(const args *a)
{
    train_config c;
    int rc = read_train_config(a, &c);
    if (rc) return rc;

    descent_error err;
    descent_dataset *ds = NULL, *train = NULL, *test = NULL, *fit_rows = NULL, *val = NULL;
    descent_dataset train_rows, test_rows, fit_part, val_part;
    descent_model *model = NULL;
    descent_layer_spec *layers = NULL;
    int *train_idx = NULL, *test_idx = NULL, *fit_idx = NULL, *val_idx = NULL;
    float *in_mean = NULL, *in_std = NULL, *out_mean = NULL, *out_std = NULL;
    descent_history history;
    memset(&history, 0, sizeof history);
    int quiet = has(a, "--quiet");

    descent_csv_options csv = descent_csv_defaults();
    csv.task = (descent_task)c.task;
    if (c.target && all_digits(c.target)) {
        long long index;
        if (!parse_integer(c.target, 0, INT_MAX, &index)) {
            rc = usage_error("--target index must be in 0..%d (got '%s')", INT_MAX, c.target);
            goto done;
        }
        csv.target_index = (int)index;
    } else if (c.target) {
        csv.target = c.target;
    }
    if (a->check_only) goto done;
    ds = descent_csv_read_file(c.data, &csv, &err);
    if (!ds) {
        rc = file_error(c.data, &err);
        goto done;
    }
    int classify = ds->classes >= 2;

    /* Split first, so the scalers see the training rows only. */
    train_idx = malloc(sizeof(int) * (size_t)ds->n);
    test_idx = malloc(sizeof(int) * (size_t)ds->n);
    if (!train_idx || !test_idx) {
        rc = runtime_error("out of memory for %d rows", ds->n);
        goto done;
    }
    int n_train = ds->n, n_test = 0;
    if (c.test_split > 0) {
        if (descent_split(ds->n, classify ? ds->labels : NULL, classify ? ds->classes : 0, (float)c.test_split,
                          (uint32_t)c.seed, train_idx, &n_train, test_idx, &n_test, &err) != DESCENT_OK) {
            rc = runtime_error("%s", err.message);
            goto done;
        }
    } else {
        /* No split: keep the file's order, so --no-shuffle replays it as Keras would. */
        for (int i = 0; i < ds->n; i++) train_idx[i] = i;
    }
    if (n_train < 1) {
        rc = runtime_error("--test-split %g leaves no training rows out of %d", c.test_split, ds->n);
        goto done;
    }
    /* The training rows, then the test rows, each in the split's order. */
    if (n_test > 0) {
        memcpy(train_idx + n_train, test_idx, sizeof(int) * (size_t)n_test);
        if ((rc = reorder_rows(ds, train_idx, ds->n))) goto done;
    }
    train_rows = rows_of(ds, 0, n_train);
    test_rows = rows_of(ds, n_train, n_test);
    train = &train_rows;
    if (n_test > 0) test = &test_rows;

    /* Validation rows are drawn like the test rows rather than taken from
     * the end as Keras' validationSplit does: the split keeps file order, and
     * on a file sorted by class the last rows would all be of one class. */
    if (c.val_split > 0) {
        int n_fit, n_val;
        fit_idx = malloc(sizeof(int) * (size_t)train->n);
        val_idx = malloc(sizeof(int) * (size_t)train->n);
        if (!fit_idx || !val_idx) {
            rc = runtime_error("out of memory for %d rows", train->n);
            goto done;
        }
        if (descent_split(train->n, classify ? train->labels : NULL, classify ? train->classes : 0,
                          (float)c.val_split, (uint32_t)c.seed, fit_idx, &n_fit, val_idx, &n_val, &err) != DESCENT_OK) {
            rc = runtime_error("--val-split %g of %d training rows: %s", c.val_split, train->n, err.message);
            goto done;
        }
        memcpy(fit_idx + n_fit, val_idx, sizeof(int) * (size_t)n_val);
        if ((rc = reorder_rows(train, fit_idx, train->n))) goto done;
        fit_part = rows_of(train, 0, n_fit);
        val_part = rows_of(train, n_fit, n_val);
        fit_rows = &fit_part;
        val = &val_part;
    }
    /* The rows the network learns from; the scalers see only these. */
    const descent_dataset *fit_set = fit_rows ? fit_rows : train;

    int outputs = ds->outputs;
    descent_activation out_act = classify ? (outputs == 1 ? DESCENT_ACT_SIGMOID : DESCENT_ACT_SOFTMAX)
                                          : DESCENT_ACT_LINEAR;
    descent_loss loss = classify ? (outputs == 1 ? DESCENT_LOSS_BINARY_CROSSENTROPY
                                                 : DESCENT_LOSS_CATEGORICAL_CROSSENTROPY)
                                 : DESCENT_LOSS_MSE;
    if (c.output_activation >= 0) out_act = (descent_activation)c.output_activation;
    if (c.loss >= 0) loss = (descent_loss)c.loss;

    layers = malloc(sizeof *layers * (size_t)(c.n_hidden + 1));
    if (!layers) {
        rc = runtime_error("out of memory");
        goto done;
    }
    for (int i = 0; i <= c.n_hidden; i++) {
        int last = i == c.n_hidden;
        layers[i] = descent_layer(last ? outputs : c.units[i],
                                  last ? out_act : (descent_activation)c.activation);
        layers[i].alpha = (float)c.alpha;
        layers[i].init = (descent_init)c.init;
        layers[i].init_limit = (float)c.init_limit;
        layers[i].l1 = (float)c.l1;
        layers[i].l2 = (float)c.l2;
        layers[i].no_bias = has(a, "--no-bias");
    }
    descent_model_spec spec = {
        .inputs = ds->features,
        .n_layers = c.n_hidden + 1,
        .layers = layers,
        .loss = loss,
        .optimizer = c.opt,
        .seed = (uint32_t)c.seed,
    };
    model = descent_model_create(&spec, &err);
    if (!model) {
        /* Everything in the spec came from flags, so a rejection is theirs. */
        rc = err.code == DESCENT_ERR_ARGUMENT ? usage_error("%s", err.message) : runtime_error("%s", err.message);
        goto done;
    }

    if (!has(a, "--no-standardize")) {
        in_mean = malloc(sizeof(float) * (size_t)ds->features);
        in_std = malloc(sizeof(float) * (size_t)ds->features);
        if (!in_mean || !in_std) {
            rc = runtime_error("out of memory");
            goto done;
        }
        if (descent_standardize_fit(fit_set->x, fit_set->n, fit_set->features, in_mean, in_std, &err) != DESCENT_OK ||
            descent_model_set_input_scaler(model, in_mean, in_std, &err) != DESCENT_OK) {
            rc = runtime_error("%s", err.message);
            goto done;
        }
    }
    if (!classify && !has(a, "--no-scale-target")) {
        out_mean = malloc(sizeof(float) * (size_t)outputs);
        out_std = malloc(sizeof(float) * (size_t)outputs);
        if (!out_mean || !out_std) {
            rc = runtime_error("out of memory");
            goto done;
        }
        if (descent_standardize_fit(fit_set->y, fit_set->n, outputs, out_mean, out_std, &err) != DESCENT_OK ||
            descent_model_set_target_scaler(model, out_mean, out_std, &err) != DESCENT_OK) {
            rc = runtime_error("%s", err.message);
            goto done;
        }
    }
    if (descent_model_set_names(model, (const char *const *)ds->feature_names, ds->target_name,
                                classify ? ds->classes : 0, classify ? (const char *const *)ds->class_names : NULL,
                                &err) != DESCENT_OK) {
        rc = runtime_error("%s", err.message);
        goto done;
    }

    descent_fit_options fit = descent_fit_defaults();
    fit.epochs = (int)c.epochs;
    fit.batch_size = c.batch ? (int)c.batch : fit_set->n;
    fit.no_shuffle = has(a, "--no-shuffle");
    fit.shuffle_seed = (uint32_t)c.seed;
    if (val) {
        fit.val_x = val->x;
        fit.val_y = val->y;
        fit.val_n = val->n;
    }
    fit.patience = (int)c.patience;
    fit.restore_best = has(a, "--restore-best");
    progress prog = {(int)c.epochs, isatty(fileno(stderr))};
    if (!quiet) {
        fit.on_epoch = on_epoch;
        fit.user = &prog;
    }
    descent_status s = descent_model_fit(model, fit_set->x, fit_set->y, fit_set->n, &fit, &history, &err);
    if (!quiet && prog.tty && history.epochs > 0) fputc('\n', stderr);
    if (s != DESCENT_OK) {
        if (s == DESCENT_ERR_NONFINITE && history.diverged_epoch >= 0) {
            /* the message names the epoch and batch, and the epoch the model was rolled back to */
            rc = runtime_error("training diverged: %s", err.message);
            if (history.restored_epochs > 0 && has(a, "--save") &&
                descent_model_save_file(model, 1, get(a, "--save"), &err) == DESCENT_OK)
                fprintf(stderr, "the model as it was at the end of epoch %d is saved to '%s'\n",
                        history.restored_epochs, get(a, "--save"));
        } else {
            rc = runtime_error("training stopped in epoch %d of %d: %s", history.epochs + 1, fit.epochs, err.message);
        }
        goto done;
    }
    if (!quiet && history.stopped_early)
        fprintf(stderr, "stopped early after epoch %d; best epoch %d%s\n", history.epochs, history.best_epoch + 1,
                fit.restore_best ? " (weights restored)" : "");

    if ((rc = report(model, "train", fit_set->x, fit_set->y, fit_set->n))) goto done;
    if (val && (rc = report(model, "validation", val->x, val->y, val->n))) goto done;
    if (test && (rc = report(model, "test", test->x, test->y, test->n))) goto done;
    if (has(a, "--print-weights") && (rc = print_weights(model))) goto done;
    fflush(stdout);
    if (c.save) {
        if (descent_model_save_file(model, has(a, "--save-optimizer"), c.save, &err) != DESCENT_OK) {
            rc = file_error(c.save, &err);
            goto done;
        }
        if (!quiet) fprintf(stderr, "saved model to %s\n", c.save);
    }
done:
    descent_history_free(&history);
    free(in_mean);
    free(in_std);
    free(out_mean);
    free(out_std);
    free(layers);
    free(train_idx);
    free(test_idx);
    free(fit_idx);
    free(val_idx);
    descent_model_free(model);
    descent_dataset_free(ds);
    free(c.units);
    return rc;
}

/* ----------------------------------------------------------------- tune */

/* The CLI's short names of the searched parameters, in descent_tune_param order. */
static const char *const tune_short[DESCENT_TUNE_PARAMS] = {"lr",         "batch", "optimizer", "layers",
                                                            "activation", "l2",    "epochs"};
static const char *const tune_base_flag[DESCENT_TUNE_PARAMS] = {"--lr",         "--batch", "--optimizer", "--layers",
                                                                "--activation", "--l2",    "--epochs"};

typedef struct tune_cli {
    descent_search_spec spec;
    descent_tune_axis axes[DESCENT_TUNE_PARAMS];
    double *values[DESCENT_TUNE_PARAMS];
    descent_tune_layers *layers[DESCENT_TUNE_PARAMS];
    int metric;                     /* -1: auto */
    const char *data, *target, *out, *save;
    int task, out_json;
} tune_cli;

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
        if (parse_integer(item, 1, INT_MAX, &n)) {
            *v = (double)n;
            return EXIT_OK;
        }
        return usage_error("--grid %s: '%s' is not a batch size: expected an integer in 1..%d or 'full'", arg, item,
                           INT_MAX);
    case DESCENT_TUNE_EPOCHS:
        if (parse_integer(item, 1, 1000000, &n)) {
            *v = (double)n;
            return EXIT_OK;
        }
        return usage_error("--grid %s: '%s' is not a number of epochs: expected an integer in 1..1000000", arg, item);
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
        if (strchr(item, ',') || descent_tune_layers_parse(item, l, &err) != DESCENT_OK)
            return usage_error("--grid %s: '%s' is not a list of hidden layers: expected sizes 1..100000 joined by x "
                               "(like 8 or 16x16; at most 8 layers) or none",
                               arg, item);
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
        long long l, h, top = p == DESCENT_TUNE_EPOCHS ? 1000000 : INT_MAX;
        if (!parse_integer(lo_s, 1, top, &l) || !parse_integer(hi_s, 1, top, &h) || h < l)
            return usage_error("--range %s: expected integers 1 <= LO <= HI <= %lld", arg, top);
        lo = (double)l;
        hi = (double)h;
    }
    t->axes[t->spec.n_axes++] = (descent_tune_axis){p, 0, NULL, NULL, lo, hi};
    return EXIT_OK;
}

static const char *metric_name(int i) { return descent_tune_metric_name((descent_tune_metric)i); }

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
    if ((rc = get_choice(a, "--task", task_name, NULL, DESCENT_TASK_AUTO, &t->task))) return rc;
    if ((rc = get_choice(a, "--metric", metric_name, "auto", -1, &t->metric))) return rc;
    if ((rc = get_integer(a, "--folds", 5, 2, DESCENT_TUNE_MAX_FOLDS, &v))) return rc;
    t->spec.folds = (int)v;
    if ((rc = get_integer(a, "--seed", 1, 0, 4294967295LL, &v))) return rc;
    t->spec.seed = (uint32_t)v;
    if ((rc = get_number(a, "--test-split", 0.2, UNIT_OPEN, &x))) return rc;
    t->spec.test_fraction = (float)x;
    t->spec.no_standardize = has(a, "--no-standardize");
    t->spec.no_scale_target = has(a, "--no-scale-target");
    if (has(a, "--random")) {
        if ((rc = get_integer(a, "--random", 0, 1, DESCENT_TUNE_MAX_CONFIGS, &v))) return rc;
        t->spec.mode = DESCENT_SEARCH_RANDOM;
        t->spec.draws = (int)v;
    }

    /* The base configuration: what is not searched. */
    descent_tune_config *b = &t->spec.base;
    if ((rc = get_choice(a, "--optimizer", optimizer_name, NULL, DESCENT_OPT_ADAM, &k))) return rc;
    b->optimizer = (descent_optimizer_kind)k;
    if ((rc = get_choice(a, "--activation", activation_name, NULL, DESCENT_ACT_RELU, &k))) return rc;
    b->activation = (descent_activation)k;
    if ((rc = get_number(a, "--lr", 0, POSITIVE, &b->learning_rate))) return rc;
    if ((rc = get_number(a, "--l2", 0, NON_NEGATIVE, &b->l2))) return rc;
    if ((rc = get_integer(a, "--epochs", 100, 1, 1000000, &v))) return rc;
    b->epochs = (int)v;
    const char *batch = get(a, "--batch");
    if (batch && strcmp(batch, "full") == 0) {
        b->batch_size = 0;
    } else if (batch && !parse_integer(batch, 1, INT_MAX, &v)) {
        return usage_error("--batch must be an integer in 1..%d or 'full' (got '%s')", INT_MAX, batch);
    } else {
        b->batch_size = batch ? (int)v : 32;
    }
    int *units, n_hidden;
    if ((rc = parse_layers(get(a, "--layers") ? get(a, "--layers") : "16,16", &units, &n_hidden))) return rc;
    if (n_hidden > DESCENT_TUNE_MAX_LAYERS) {
        free(units);
        return usage_error("--layers has %d hidden layers; tune takes at most %d", n_hidden, DESCENT_TUNE_MAX_LAYERS);
    }
    b->layers.count = n_hidden;
    for (int i = 0; i < n_hidden; i++) b->layers.units[i] = units[i];
    free(units);

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

/* A parameter's value in a configuration, as the CLI writes it. */
static void tune_format(const descent_tune_config *c, descent_tune_param p, char *buf, size_t size)
{
    switch (p) {
    case DESCENT_TUNE_LEARNING_RATE: snprintf(buf, size, "%g", c->learning_rate); break;
    case DESCENT_TUNE_BATCH_SIZE:
        if (c->batch_size) snprintf(buf, size, "%d", c->batch_size);
        else snprintf(buf, size, "full");
        break;
    case DESCENT_TUNE_OPTIMIZER: snprintf(buf, size, "%s", descent_optimizer_name(c->optimizer)); break;
    case DESCENT_TUNE_LAYERS: descent_tune_layers_format(&c->layers, buf, size); break;
    case DESCENT_TUNE_ACTIVATION: snprintf(buf, size, "%s", descent_activation_name(c->activation)); break;
    case DESCENT_TUNE_L2: snprintf(buf, size, "%g", c->l2); break;
    case DESCENT_TUNE_EPOCHS: snprintf(buf, size, "%d", c->epochs); break;
    }
}

/* "lr=0.01 layers=16x16": the searched parameters, or all of them when none is. */
static void tune_label(const tune_cli *t, const descent_tune_config *c, int all, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    int n = all || t->spec.n_axes == 0 ? DESCENT_TUNE_PARAMS : t->spec.n_axes;
    for (int i = 0; i < n && used < size; i++) {
        descent_tune_param p = all || t->spec.n_axes == 0 ? (descent_tune_param)i : t->axes[i].param;
        /* Without hidden layers the activation means nothing: leave it out of the full list. */
        if (p == DESCENT_TUNE_ACTIVATION && c->layers.count == 0 && (all || t->spec.n_axes == 0)) continue;
        char v[160];
        tune_format(c, p, v, sizeof v);
        int w = snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "", tune_short[p], v);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static volatile sig_atomic_t tune_interrupted = 0;

static void on_interrupt(int sig)
{
    tune_interrupted = 1;
    signal(sig, SIG_DFL);           /* a second ^C ends the program at once */
}

typedef struct tune_view {
    const tune_cli *t;
    const char *metric;
    int tty, quiet, total;
    double last_ms;
} tune_view;

static double monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int on_tune(const descent_tune_progress *p, void *user)
{
    tune_view *v = user;
    if (tune_interrupted) return 1;
    if (v->quiet || p->event == DESCENT_TUNE_BATCH) return 0;
    if (v->tty) {
        double now = monotonic_ms();
        if (p->event == DESCENT_TUNE_EPOCH && now - v->last_ms < 100) return 0;
        v->last_ms = now;
        enum { WIDTH = 20 };
        char bar[WIDTH + 1];
        int done = p->fold == p->folds && p->event != DESCENT_TUNE_CONFIG ? v->total : p->done;
        int filled = (int)((long long)done * WIDTH / (v->total ? v->total : 1));
        for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '#' : '.';
        bar[WIDTH] = '\0';
        if (p->fold == p->folds && p->event != DESCENT_TUNE_CONFIG)
            fprintf(stderr, "\r[%s] retraining the best: epoch %d/%d\033[K", bar, p->epoch, p->epochs);
        else if (p->event == DESCENT_TUNE_CONFIG)
            fprintf(stderr, "\r[%s] %d/%d configurations\033[K", bar, p->done, v->total);
        else
            fprintf(stderr, "\r[%s] %d/%d configurations, fold %d/%d, epoch %d/%d\033[K", bar, p->done, v->total,
                    p->fold + 1, p->folds, p->epoch, p->epochs);
    } else if (p->event == DESCENT_TUNE_CONFIG && p->result) {
        char label[512];
        tune_label(v->t, &p->result->config, 0, label, sizeof label);
        fprintf(stderr, "configuration %d/%d: %s: ", p->done, v->total, label);
        if (isnan(p->result->mean))
            fprintf(stderr, "diverged in %d of %d folds", p->result->diverged, p->result->folds);
        else
            fprintf(stderr, "%s %.4f ± %.4f", v->metric, p->result->mean, p->result->std);
        fprintf(stderr, " (%.2f s)\n", p->result->time_ms / 1000);
    }
    fflush(stderr);
    return 0;
}

static void print_tune_table(const tune_cli *t, const descent_search *s, const int *order, int n, const char *metric)
{
    int axes = t->spec.n_axes, shown = axes ? axes : DESCENT_TUNE_PARAMS;
    int folds = t->spec.folds;
    int width[DESCENT_TUNE_PARAMS];
    char v[160];
    for (int i = 0; i < shown; i++) {
        descent_tune_param p = axes ? t->axes[i].param : (descent_tune_param)i;
        width[i] = (int)strlen(tune_short[p]);
        for (int r = 0; r < n; r++) {
            tune_format(&descent_search_result(s, order[r])->config, p, v, sizeof v);
            if ((int)strlen(v) > width[i]) width[i] = (int)strlen(v);
        }
    }
    char head[64];
    snprintf(head, sizeof head, "%s (mean ± sd)", metric);
    int score_w = (int)strlen(head) > 17 ? (int)strlen(head) : 17;
    printf("rank");
    for (int i = 0; i < shown; i++) printf("  %-*s", width[i], tune_short[axes ? (int)t->axes[i].param : i]);
    printf("  %-*s  %-*s  %8s\n", score_w, head, folds * 8 - 1, "folds", "time");
    for (int r = 0; r < n; r++) {
        const descent_tune_result *res = descent_search_result(s, order[r]);
        printf("%4d", r + 1);
        for (int i = 0; i < shown; i++) {
            tune_format(&res->config, axes ? t->axes[i].param : (descent_tune_param)i, v, sizeof v);
            printf("  %-*s", width[i], v);
        }
        char score[64];
        if (isnan(res->mean)) snprintf(score, sizeof score, "diverged (%d/%d)", res->diverged, res->folds);
        else snprintf(score, sizeof score, "%.4f ± %.4f", res->mean, res->std);
        /* ± is two bytes but one column. */
        printf("  %-*s  ", score_w + (isnan(res->mean) ? 0 : 1), score);
        for (int f = 0; f < folds; f++) {
            if (isnan(res->scores[f])) printf("%s%7s", f ? " " : "", "-");
            else printf("%s%7.4f", f ? " " : "", res->scores[f]);
        }
        printf("  %6.2f s\n", res->time_ms / 1000);
    }
}

static void json_number(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}

static void json_config(FILE *f, const descent_tune_config *c)
{
    fprintf(f, "{\"learning_rate\": %.9g, \"batch_size\": ", c->learning_rate);
    if (c->batch_size) fprintf(f, "%d", c->batch_size);
    else fputs("\"full\"", f);
    fprintf(f, ", \"optimizer\": \"%s\", \"layers\": [", descent_optimizer_name(c->optimizer));
    for (int i = 0; i < c->layers.count; i++) fprintf(f, "%s%d", i ? ", " : "", c->layers.units[i]);
    fprintf(f, "], \"activation\": \"%s\", \"l2\": %.9g, \"epochs\": %d}", descent_activation_name(c->activation),
            c->l2, c->epochs);
}

static int write_tune_results(const tune_cli *t, const descent_search *s, const int *order, int n,
                              const descent_tune_test *test)
{
    FILE *f = fopen(t->out, "w");
    if (!f) return runtime_error("cannot write '%s': %s", t->out, strerror(errno));
    const char *metric = descent_tune_metric_name(t->spec.metric);
    int folds = t->spec.folds;
    if (t->out_json) {
        fprintf(f, "{\n  \"metric\": \"%s\",\n  \"higher_is_better\": %s,\n  \"mode\": \"%s\",\n  \"folds\": %d,\n"
                   "  \"seed\": %lu,\n  \"train_rows\": %d,\n  \"test_rows\": %d,\n  \"configurations\": [",
                metric, descent_tune_metric_higher_is_better(t->spec.metric) ? "true" : "false",
                t->spec.mode == DESCENT_SEARCH_RANDOM ? "random" : "grid", folds, (unsigned long)t->spec.seed,
                descent_search_train_rows(s), descent_search_test_rows(s));
        for (int r = 0; r < n; r++) {
            const descent_tune_result *res = descent_search_result(s, order[r]);
            fprintf(f, "%s\n    {\"rank\": %d, \"index\": %d, \"config\": ", r ? "," : "", r + 1, res->index);
            json_config(f, &res->config);
            fputs(", \"mean\": ", f);
            json_number(f, res->mean);
            fputs(", \"std\": ", f);
            json_number(f, res->std);
            fputs(", \"scores\": [", f);
            for (int k = 0; k < folds; k++) {
                if (k) fputs(", ", f);
                json_number(f, res->scores[k]);
            }
            fprintf(f, "], \"diverged\": %d, \"time_ms\": %.3f}", res->diverged, res->time_ms);
        }
        fprintf(f, "\n  ],\n  \"best\": %d", n ? order[0] : -1);
        if (test && test->test_rows) {
            fprintf(f, ",\n  \"test\": {\"index\": %d, \"train_rows\": %d, \"test_rows\": %d, \"score\": ", test->index,
                    test->train_rows, test->test_rows);
            json_number(f, test->score);
            fputs(", \"loss\": ", f);
            json_number(f, test->loss);
            const char *names[] = {"accuracy", "precision", "recall", "f1", "mse", "rmse", "mae", "r2"};
            const double vals[] = {test->metrics.accuracy, test->metrics.precision, test->metrics.recall,
                                   test->metrics.f1, test->metrics.mse, test->metrics.rmse, test->metrics.mae,
                                   test->metrics.r2};
            for (int i = 0; i < 8; i++) {
                if (isnan(vals[i])) continue;
                fprintf(f, ", \"%s\": ", names[i]);
                json_number(f, vals[i]);
            }
            fprintf(f, ", \"time_ms\": %.3f}", test->time_ms);
        }
        fputs("\n}\n", f);
    } else {
        fprintf(f, "rank,index,learning_rate,batch_size,optimizer,layers,activation,l2,epochs,%s_mean,%s_std", metric,
                metric);
        for (int k = 0; k < folds; k++) fprintf(f, ",fold_%d", k + 1);
        fputs(",diverged,time_ms\n", f);
        for (int r = 0; r < n; r++) {
            const descent_tune_result *res = descent_search_result(s, order[r]);
            const descent_tune_config *c = &res->config;
            char layers[160];
            descent_tune_layers_format(&c->layers, layers, sizeof layers);
            fprintf(f, "%d,%d,%.9g,", r + 1, res->index, c->learning_rate);
            if (c->batch_size) fprintf(f, "%d", c->batch_size);
            else fputs("full", f);
            fprintf(f, ",%s,%s,%s,%.9g,%d,%.9g,%.9g", descent_optimizer_name(c->optimizer), layers,
                    descent_activation_name(c->activation), c->l2, c->epochs, res->mean, res->std);
            for (int k = 0; k < folds; k++) fprintf(f, ",%.9g", res->scores[k]);
            fprintf(f, ",%d,%.3f\n", res->diverged, res->time_ms);
        }
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return runtime_error("cannot write '%s': %s", t->out, strerror(errno));
    return EXIT_OK;
}

/* The CSV reader's options for --target and --task. */
static int csv_target_options(const char *target, int task, descent_csv_options *csv)
{
    *csv = descent_csv_defaults();
    csv->task = (descent_task)task;
    if (target && all_digits(target)) {
        long long index;
        if (!parse_integer(target, 0, INT_MAX, &index))
            return usage_error("--target index must be in 0..%d (got '%s')", INT_MAX, target);
        csv->target_index = (int)index;
    } else if (target) {
        csv->target = target;
    }
    return EXIT_OK;
}

static int cmd_tune(const args *a)
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
    ds = descent_csv_read_file(t.data, &csv, &err);
    if (!ds) {
        rc = file_error(t.data, &err);
        goto done;
    }
    int classify = ds->classes >= 2;
    t.spec.metric = t.metric >= 0 ? (descent_tune_metric)t.metric : classify ? DESCENT_METRIC_ACCURACY
                                                                               : DESCENT_METRIC_R2;
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

    void (*previous)(int) = signal(SIGINT, on_interrupt);
    descent_status st = descent_search_run(s, &err);
    if (!view.quiet && view.tty) fputs("\r\033[K", stderr);
    order = malloc(sizeof(int) * (size_t)count);
    if (!order) {
        signal(SIGINT, previous);
        rc = runtime_error("out of memory");
        goto done;
    }
    int n = descent_search_rank(s, order);
    if (n > 0) {
        printf("\n");
        print_tune_table(&t, s, order, n, metric);
    }
    if (st != DESCENT_OK) {
        signal(SIGINT, previous);
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
            signal(SIGINT, previous);
            rc = st == DESCENT_CANCELLED ? runtime_error("interrupted while retraining the best configuration")
                                         : runtime_error("retraining the best configuration: %s", err.message);
            goto done;
        }
        printf("\nthe best, retrained on all %d training rows (%.2f s)\n", test.train_rows, test.time_ms / 1000);
        const descent_dataset *te = descent_search_test_data(s);
        if (te && (rc = report(best_model, "test", te->x, te->y, te->n))) {
            signal(SIGINT, previous);
            goto done;
        }
    }
    signal(SIGINT, previous);
    if (t.out && (rc = write_tune_results(&t, s, order, n, refit && best_model ? &test : NULL))) goto done;
    fflush(stdout);
    if (t.save && best_model) {
        if (descent_model_save_file(best_model, 0, t.save, &err) != DESCENT_OK) {
            rc = file_error(t.save, &err);
            goto done;
        }
        if (!view.quiet) fprintf(stderr, "saved the best model to %s\n", t.save);
    }
    if (t.out && !view.quiet) fprintf(stderr, "wrote %d configurations to %s\n", n, t.out);
done:
    free(order);
    descent_model_free(best_model);
    descent_search_free(s);
    descent_dataset_free(ds);
    tune_cli_free(&t);
    return rc;
}

/* -------------------------------------------------- predict, evaluate */

static int write_predictions(FILE *f, const descent_model *m, const float *pred, int n)
{
    char buf[32];
    int outputs = descent_model_outputs(m), k = model_classes(m);
    if (k) {
        fputs("predicted", f);
        for (int c = 0; c < k; c++) {
            char head[256];
            snprintf(head, sizeof head, "p_%s", class_label(m, c, buf, sizeof buf));
            fputc(',', f);
            csv_field(f, head);
        }
    } else {
        const char *name = descent_model_target_name(m) ? descent_model_target_name(m) : "y";
        for (int j = 0; j < outputs; j++) {
            char head[256];
            if (outputs == 1) snprintf(head, sizeof head, "%s", name);
            else snprintf(head, sizeof head, "%s_%d", name, j);
            if (j) fputc(',', f);
            csv_field(f, head);
        }
    }
    fputc('\n', f);
    for (size_t i = 0; i < (size_t)n; i++) {
        const float *p = pred + i * outputs;
        if (k && outputs == 1) {
            csv_field(f, class_label(m, p[0] >= 0.5f, buf, sizeof buf));
            fprintf(f, ",%.9g,%.9g\n", 1.0 - (double)p[0], (double)p[0]);
        } else if (k) {
            int best = 0;
            for (int j = 1; j < outputs; j++)
                if (p[j] > p[best]) best = j;
            csv_field(f, class_label(m, best, buf, sizeof buf));
            for (int j = 0; j < outputs; j++) fprintf(f, ",%.9g", (double)p[j]);
            fputc('\n', f);
        } else {
            for (int j = 0; j < outputs; j++) fprintf(f, "%s%.9g", j ? "," : "", (double)p[j]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

static int cmd_predict(const args *a)
{
    const char *model_path, *data_path, *out_path = get(a, "--out");
    int rc;
    if ((rc = require(a, "--model", &model_path)) || (rc = require(a, "--data", &data_path))) return rc;
    if (out_path && !*out_path) return usage_error("--out needs a file name (got '')");
    if (a->check_only) return EXIT_OK;

    descent_error err;
    descent_dataset *ds = NULL;
    float *x = NULL, *pred = NULL;
    descent_model *m = descent_model_load_file(model_path, &err);
    if (!m) return file_error(model_path, &err);

    /* A target column would otherwise be taken for a feature (or, as text,
     * fail to parse); read it as the target and ignore it. */
    descent_csv_options csv = descent_csv_defaults();
    known_classes kc = {NULL, NULL};
    const char *target = descent_model_target_name(m);
    if (target && csv_header_has(data_path, target)) {
        csv.target = target;
        csv.task = model_classes(m) ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
        if ((rc = use_model_classes(m, &csv, &kc))) goto done;
    } else {
        csv.no_target = 1;
    }
    ds = descent_csv_read_file(data_path, &csv, &err);
    if (!ds && !csv.no_target && descent_model_feature_name(m, 0)) {
        /* The reader refuses a target it cannot use (a single class, say),
         * but predict ignores it: a numeric one can pass as an unused feature. */
        descent_error retry;
        csv.no_target = 1;
        csv.target = NULL;
        csv.class_names = NULL;
        csv.n_classes = 0;
        ds = descent_csv_read_file(data_path, &csv, &retry);
    }
    if (!ds) {
        rc = file_error(data_path, &err);
        goto done;
    }
    if ((rc = gather_features(m, ds, data_path, &x))) goto done;
    pred = malloc(sizeof(float) * (size_t)ds->n * (size_t)descent_model_outputs(m) + 1);
    if (!pred) {
        rc = runtime_error("out of memory for %d predictions", ds->n);
        goto done;
    }
    if (descent_model_predict(m, x, ds->n, pred, &err) != DESCENT_OK) {
        rc = runtime_error("%s: %s", data_path, err.message);
        goto done;
    }
    if (out_path) {
        FILE *f = fopen(out_path, "w");
        if (!f) {
            rc = runtime_error("cannot write '%s': %s", out_path, strerror(errno));
            goto done;
        }
        int bad = write_predictions(f, m, pred, ds->n);
        if (fclose(f) != 0 || bad) rc = runtime_error("cannot write '%s': %s", out_path, strerror(errno));
    } else if (write_predictions(stdout, m, pred, ds->n) != 0 || fflush(stdout) != 0) {
        rc = runtime_error("cannot write to standard output: %s", strerror(errno));
    }
done:
    known_classes_free(&kc);
    free(pred);
    free(x);
    descent_dataset_free(ds);
    descent_model_free(m);
    return rc;
}

/* Targets in the model's convention. The file's classes are only those it
 * happens to contain, in its own sorted order, so they are mapped by name. */
static int model_targets(const descent_model *m, const descent_dataset *ds, const char *path, float **y_out)
{
    int outputs = descent_model_outputs(m), k = model_classes(m);
    float *y = calloc((size_t)ds->n * (size_t)outputs + 1, sizeof(float));
    if (!y) return runtime_error("out of memory for %d rows", ds->n);
    if (!k) {
        if (ds->outputs != outputs) {
            free(y);
            return runtime_error("%s has %d target columns but the model predicts %d", path, ds->outputs, outputs);
        }
        memcpy(y, ds->y, sizeof(float) * (size_t)ds->n * (size_t)outputs);
        *y_out = y;
        return EXIT_OK;
    }
    int *map = malloc(sizeof(int) * (size_t)ds->classes + 1);
    if (!map) {
        free(y);
        return runtime_error("out of memory");
    }
    for (int c = 0; c < ds->classes; c++) {
        char buf[32];
        map[c] = -1;
        for (int j = 0; j < k; j++)
            if (strcmp(ds->class_names[c], class_label(m, j, buf, sizeof buf)) == 0) map[c] = j;
        if (map[c] < 0) {
            char known[512] = "";
            for (int j = 0; j < k; j++) {
                size_t used = strlen(known);
                snprintf(known + used, sizeof known - used, "%s%s", j ? ", " : "", class_label(m, j, buf, sizeof buf));
            }
            int rc = runtime_error("%s has class '%s', which the model does not know (its classes: %s)", path,
                                   ds->class_names[c], known);
            free(map);
            free(y);
            return rc;
        }
    }
    for (size_t i = 0; i < (size_t)ds->n; i++) {
        int c = map[ds->labels[i]];
        if (outputs == 1) y[i] = (float)c;
        else y[i * outputs + c] = 1.0f;
    }
    free(map);
    *y_out = y;
    return EXIT_OK;
}

static int cmd_evaluate(const args *a)
{
    const char *model_path, *data_path, *target = get(a, "--target");
    int rc;
    if ((rc = require(a, "--model", &model_path)) || (rc = require(a, "--data", &data_path))) return rc;
    if (target && !*target) return usage_error("--target must be a column name (got '')");
    if (a->check_only) return EXIT_OK;

    descent_error err;
    descent_dataset *ds = NULL;
    float *x = NULL, *y = NULL;
    descent_model *m = descent_model_load_file(model_path, &err);
    if (!m) return file_error(model_path, &err);

    descent_csv_options csv = descent_csv_defaults();
    known_classes kc = {NULL, NULL};
    csv.target = target ? target : descent_model_target_name(m);
    csv.task = model_classes(m) ? DESCENT_TASK_CLASSIFICATION : DESCENT_TASK_REGRESSION;
    if ((rc = use_model_classes(m, &csv, &kc))) goto done;
    ds = descent_csv_read_file(data_path, &csv, &err);
    if (!ds) {
        rc = file_error(data_path, &err);
        goto done;
    }
    if ((rc = gather_features(m, ds, data_path, &x))) goto done;
    if ((rc = model_targets(m, ds, data_path, &y))) goto done;
    rc = report(m, "evaluate", x, y, ds->n);
done:
    known_classes_free(&kc);
    free(x);
    free(y);
    descent_dataset_free(ds);
    descent_model_free(m);
    return rc;
}

/* ------------------------------------------------------ generate, info */

static int write_dataset(FILE *f, const descent_dataset *ds)
{
    char buf[32];
    for (int j = 0; j < ds->features; j++) {
        if (j) fputc(',', f);
        if (ds->feature_names && ds->feature_names[j]) {
            csv_field(f, ds->feature_names[j]);
        } else {
            fprintf(f, "x%d", j + 1);
        }
    }
    const char *target = ds->target_name ? ds->target_name : "y";
    int columns = ds->classes >= 2 ? 1 : ds->outputs;
    for (int j = 0; j < columns; j++) {
        fputc(',', f);
        if (columns == 1) {
            csv_field(f, target);
        } else {
            char head[256];
            snprintf(head, sizeof head, "%s_%d", target, j);
            csv_field(f, head);
        }
    }
    fputc('\n', f);
    for (size_t i = 0; i < (size_t)ds->n; i++) {
        for (int j = 0; j < ds->features; j++) fprintf(f, "%s%.9g", j ? "," : "", (double)ds->x[i * ds->features + j]);
        if (ds->classes >= 2) {
            int c = ds->labels[i];
            const char *name = ds->class_names && ds->class_names[c] ? ds->class_names[c] : NULL;
            if (!name) {
                snprintf(buf, sizeof buf, "%d", c);
                name = buf;
            }
            fputc(',', f);
            csv_field(f, name);
        } else {
            for (int j = 0; j < ds->outputs; j++) fprintf(f, ",%.9g", (double)ds->y[i * ds->outputs + j]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static int cmd_generate(const args *a)
{
    const char *set, *out_path = get(a, "--out");
    int rc, kind;
    long long n, seed;
    double noise;
    if ((rc = require(a, "--set", &set))) return rc;
    if ((rc = get_choice(a, "--set", generator_name, NULL, 0, &kind))) return rc;
    if ((rc = get_integer(a, "--n", 200, 1, 10000000, &n))) return rc;
    if ((rc = get_number(a, "--noise", 0.1, UNIT_CLOSED, &noise))) return rc;
    if ((rc = get_integer(a, "--seed", 1, 0, 4294967295LL, &seed))) return rc;
    if (out_path && !*out_path) return usage_error("--out needs a file name (got '')");
    if (a->check_only) return EXIT_OK;

    descent_error err;
    descent_dataset *ds = descent_dataset_generate((descent_generator)kind, (int)n, (float)noise, (uint32_t)seed, &err);
    if (!ds) return runtime_error("%s", err.message);
    if (out_path) {
        FILE *f = fopen(out_path, "w");
        if (!f) {
            rc = runtime_error("cannot write '%s': %s", out_path, strerror(errno));
        } else {
            int bad = write_dataset(f, ds);
            if (fclose(f) != 0 || bad) rc = runtime_error("cannot write '%s': %s", out_path, strerror(errno));
        }
    } else if (write_dataset(stdout, ds) != 0 || fflush(stdout) != 0) {
        rc = runtime_error("cannot write to standard output: %s", strerror(errno));
    }
    descent_dataset_free(ds);
    return rc;
}

static void print_floats(const char *label, const float *v, int n)
{
    printf("%s", label);
    for (int i = 0; i < n; i++) printf(" %.6g", (double)v[i]);
    putchar('\n');
}

static int cmd_info(const args *a)
{
    const char *path;
    int rc;
    if ((rc = require(a, "--model", &path)) || a->check_only) return rc;
    descent_error err;
    descent_model *m = descent_model_load_file(path, &err);
    if (!m) return file_error(path, &err);

    int inputs = descent_model_inputs(m), k = model_classes(m), outputs = descent_model_outputs(m);
    printf("model: %s\n", path);
    printf("task: %s\n", k ? "classification" : "regression");
    printf("inputs: %d", inputs);
    if (descent_model_feature_name(m, 0)) {
        for (int i = 0; i < inputs; i++) {
            fputs(i ? ", " : " (", stdout);
            escape_put(stdout, descent_model_feature_name(m, i), 0);
        }
        putchar(')');
    }
    putchar('\n');
    const char *target = descent_model_target_name(m);
    fputs("target: ", stdout);
    escape_put(stdout, target ? target : "(unnamed)", 0);
    printf(", %d output%s\n", outputs, outputs == 1 ? "" : "s");
    if (k) {
        char buf[32];
        printf("classes: %d (", k);
        for (int i = 0; i < k; i++) {
            fputs(i ? ", " : "", stdout);
            escape_put(stdout, class_label(m, i, buf, sizeof buf), 0);
        }
        printf(")\n");
    }
    printf("layers: %d\n", descent_model_layer_count(m));
    int in = inputs;
    for (int l = 0; l < descent_model_layer_count(m); l++) {
        descent_layer_spec s = descent_model_layer(m, l);
        printf("  %d: dense %d -> %d, %s", l + 1, in, s.units, descent_activation_name(s.activation));
        if (s.activation == DESCENT_ACT_LEAKY_RELU) printf(" (alpha %g)", (double)s.alpha);
        printf(", init %s", descent_init_name(s.init));
        if (s.init == DESCENT_INIT_UNIFORM) printf(" (limit %g)", (double)s.init_limit);
        printf(", %s", s.no_bias ? "no bias" : "bias");
        if (s.l1 > 0 || s.l2 > 0) printf(", l1 %g, l2 %g", (double)s.l1, (double)s.l2);
        putchar('\n');
        in = s.units;
    }
    printf("parameters: %d\n", descent_model_param_count(m));
    printf("loss: %s\n", descent_loss_name(descent_model_loss(m)));

    descent_optimizer_spec o = descent_model_optimizer(m);
    printf("optimizer: %s, lr %g", descent_optimizer_name(o.kind), o.learning_rate);
    switch (o.kind) {
    case DESCENT_OPT_SGD: break;
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV: printf(", momentum %g", o.momentum); break;
    case DESCENT_OPT_ADAGRAD: printf(", initial_accumulator %g", o.initial_accumulator); break;
    case DESCENT_OPT_RMSPROP:
        printf(", rho %g, momentum %g, epsilon %g%s", o.rho, o.momentum, o.epsilon, o.centered ? ", centered" : "");
        break;
    case DESCENT_OPT_ADAM: printf(", beta1 %g, beta2 %g, epsilon %g", o.beta1, o.beta2, o.epsilon); break;
    }
    /* Only a file saved with its optimizer state remembers the steps taken. */
    if (descent_model_step_count(m) > 0) printf(", %lld steps taken", (long long)descent_model_step_count(m));
    putchar('\n');
    printf("seed: %lu\n", (unsigned long)descent_model_seed(m));

    if (descent_model_input_mean(m)) {
        print_floats("input mean:", descent_model_input_mean(m), inputs);
        print_floats("input std:", descent_model_input_std(m), inputs);
    } else {
        printf("input scaler: none\n");
    }
    if (descent_model_target_mean(m)) {
        print_floats("target mean:", descent_model_target_mean(m), outputs);
        print_floats("target std:", descent_model_target_std(m), outputs);
    } else if (!k) {
        printf("target scaler: none\n");
    }
    if (has(a, "--weights")) rc = print_weights(m);
    descent_model_free(m);
    return rc;
}

/* ----------------------------------------------------------------- main */

static int run(int argc, char **argv, int check_only)
{
    if (argc < 2)
        return usage_error("missing command: expected train, predict, evaluate, generate, info or tune (see "
                           "descent --help)");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("descent %s\n", DESCENT_VERSION);
        return EXIT_OK;
    }
    const command *c = NULL;
    for (int i = 0; i < COUNT(commands); i++)
        if (strcmp(name, commands[i].name) == 0) c = &commands[i];
    if (!c) {
        if (name[0] == '-') return usage_error("unknown option '%s' (see descent --help)", name);
        return usage_error("unknown command '%s': expected train, predict, evaluate, generate, info or tune (see "
                           "descent --help)",
                           name);
    }
    /* --help wins over anything else on the line, even a bad flag. */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_command_help(stdout, c);
            return EXIT_OK;
        }
    }
    args a;
    int rc = parse_args(c, argc - 2, argv + 2, &a);
    if (rc) return rc;
    a.check_only = check_only;
    rc = c->run(&a);
    if (fflush(stdout) != 0 && rc == EXIT_OK) rc = runtime_error("cannot write to standard output");
    return rc;
}

int descent_cli_run(int argc, char **argv)
{
    return run(argc, argv, 0);
}

int descent_cli_check(int argc, char **argv)
{
    return run(argc, argv, 1);
}
