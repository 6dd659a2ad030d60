/* help.c - the commands and their flags (each with its default and allowed
 * range, the ranges the library's limits), the help texts, and the entry
 * points that read a command line and run it. */
#include "tool.h"
#include "cli.h"

#include <string.h>

/* Help texts name the library's lists as {activation}, {optimizer}, ...:
 * help_text spells them out from the vocabulary (args.c). */
static const option train_options[] = {
    {"--data", "FILE", "CSV file with a header row (required)"},
    {"--target", "NAME|INDEX", "target column: a name, or a 0-based index when all digits (default: the last column)"},
    {"--task", "MODE", "{task} (default: auto: text targets, or integers with at most "
                       STR(DESCENT_AUTO_MAX_CLASSES) " distinct values, are classes)"},
    {"--layers", "LIST", "hidden layer sizes, comma-separated, each 1.." STR(DESCENT_MAX_UNITS) ", or 'none' for no "
                         "hidden layer; a size may name its layer's activation, like 16:tanh (default: 16,16)"},
    {"--activation", "NAME", "hidden activation: {activation} (default: relu)"},
    {"--alpha", "X", "leaky_relu slope below 0, >= 0 (default: 0.2)"},
    {"--output-activation", "NAME", "auto|{activation} (default: auto: sigmoid for 2 classes, softmax for more, "
                                    "linear for regression; a tanh or linear output with mse learns two classes as "
                                    "-1 and 1)"},
    {"--loss", "NAME", "auto|{loss} (default: auto: binary_crossentropy for "
                       "2 classes, categorical_crossentropy for more, mse for regression)"},
    {"--init", "NAME", "kernel initializer: {initializer} (default: glorot_uniform)"},
    {"--init-limit", "X", "a for --init uniform, weights in U(-a, a), > 0 (default: 0.05)"},
    {"--l1", "X", "L1 penalty on every layer's kernel, >= 0 (default: 0)"},
    {"--l2", "X", "L2 penalty on every layer's kernel, >= 0 (default: 0)"},
    {"--no-bias", NULL, "layers without a bias (default: with)"},
    {"--optimizer", "NAME", "{optimizer} (default: adam)"},
    {"--lr", "X", "learning rate, > 0 (default: 0.01 for sgd, momentum, nesterov, adagrad; 0.001 for rmsprop, adam)"},
    {"--momentum", "X", "momentum, nesterov, rmsprop: [0, 1) (default: 0.9 for momentum, nesterov; 0 for rmsprop)"},
    {"--rho", "X", "rmsprop decay, [0, 1) (default: 0.9)"},
    {"--epsilon", "X", "rmsprop, adam: > 0 (default: 1e-07)"},
    {"--beta1", "X", "adam, [0, 1) (default: 0.9)"},
    {"--beta2", "X", "adam, [0, 1) (default: 0.999)"},
    {"--initial-accumulator", "X", "adagrad, > 0 (default: 0.1)"},
    {"--centered", NULL, "centered rmsprop (default: off)"},
    {"--batch", "N|full", "rows per step, 1.." STR(DESCENT_MAX_BATCH) ", or 'full' for all training rows (default: 32)"},
    {"--epochs", "N", "passes over the training rows, 1.." STR(DESCENT_MAX_EPOCHS) " (default: 100)"},
    {"--test-split", "X", "fraction of rows held out for testing, chosen by a seeded shuffle (stratified for "
                          "classification), [0, 1); 0 trains on every row in file order (default: 0.2)"},
    {"--val-split", "X", "fraction of the training rows held out, by a seeded (stratified) draw, to validate on "
                         "after each epoch, [0, 1) (default: 0)"},
    {"--patience", "N", "stop after N epochs without a better validation loss (training loss without --val-split), "
                        "0.." STR(DESCENT_MAX_EPOCHS) "; 0 = never (default: 0)"},
    {"--restore-best", NULL, "with --patience, end with the best epoch's weights (default: off)"},
    {"--no-shuffle", NULL, "visit the training rows in the same order every epoch (default: shuffle)"},
    {"--no-standardize", NULL, "do not scale the inputs to mean 0, std 1 (default: scale, fitted on the training "
                               "rows)"},
    {"--no-scale-target", NULL, "regression: do not standardize the target (default: scale)"},
    {"--seed", "N", "seed for the split, initialization and shuffling, 0.." STR(DESCENT_MAX_SEED) " (default: 1)"},
    {"--save", "FILE", "write the trained model to FILE (default: not saved)"},
    {"--save-optimizer", NULL, "with --save, also store the optimizer state to resume training (default: off)"},
    {"--resume", "FILE", "train the model in FILE (saved with --save-optimizer) for --epochs more, with its layers, "
                         "optimizer state, scalers and classes; give the --data, --test-split and --val-split it "
                         "was trained with (--seed defaults to its own), and N epochs then M resumed give the "
                         "model N + M give; --save stores the optimizer state too (default: a new model)"},
    {"--quiet", NULL, "no progress on stderr (default: a progress bar on a terminal, else a line per epoch)"},
    {"--print-weights", NULL, "print each layer's kernel and bias after training (default: off)"},
    {"--help", NULL, "show this help"},
};

static const option predict_options[] = {
    {"--model", "FILE", "model file written by train --save (required)"},
    {"--data", "FILE", "CSV file with a header row; the model's features are read from the columns of their "
                       "names and other columns (a target, an id, text) are skipped; a model without feature names "
                       "takes the columns by position (required)"},
    {"--keep", "COL,...", "copy these columns, by name, into the output before the predictions, like id (default: "
                          "none)"},
    {"--out", "FILE", "write the predictions there (default: standard output)"},
    {"--help", NULL, "show this help"},
};

static const option evaluate_options[] = {
    {"--model", "FILE", "model file written by train --save (required)"},
    {"--data", "FILE", "CSV file with a header row and the target column (required)"},
    {"--target", "NAME", "target column (default: the model's target name, else the last column)"},
    {"--json", NULL, "print the loss and scores as one JSON object (default: text)"},
    {"--help", NULL, "show this help"},
};

static const option generate_options[] = {
    {"--set", "NAME", "{generator} (required)"},
    {"--n", "N", "rows, 1.." STR(DESCENT_MAX_GENERATE) "; linear4 always has 4 (default: 200)"},
    {"--noise", "X", "noise as a fraction of the set's scale, [0, 1] (default: 0.1)"},
    {"--seed", "N", "0.." STR(DESCENT_MAX_SEED) " (default: 1)"},
    {"--out", "FILE", "write the CSV there (default: standard output)"},
    {"--help", NULL, "show this help"},
};

static const option info_options[] = {
    {"--model", "FILE", "model file (required)"},
    {"--weights", NULL, "also print every layer's kernel [inputs][units] and bias (default: off)"},
    {"--help", NULL, "show this help"},
};

static const option export_options[] = {
    {"--format", "NAME", "tfjs: TensorFlow.js's layers-model format, model.json and weights.bin, which TF.js loads and "
                         "tensorflowjs_converter turns into a Keras model (required)"},
    {"--model", "FILE", "model file written by train --save (required)"},
    {"--out", "DIR", "directory to write model.json and weights.bin in, created if missing (required); the input "
                     "standardization and target scaling are folded into the weights, so the exported model takes "
                     "raw inputs, and their recipe is kept in userDefinedMetadata.descent"},
    {"--help", NULL, "show this help"},
};

static const option import_options[] = {
    {"--from", "FILE", "a TF.js layers-model's model.json, its weight files beside it; a Sequential of Dense layers "
                       "(linear, relu, sigmoid, tanh, softmax), with an InputLayer first and an Activation or "
                       "LeakyReLU layer after a linear Dense; descent's recipe, when present, restores the scalers "
                       "and names (required)"},
    {"--out", "FILE", "write the descent model file there (required)"},
    {"--help", NULL, "show this help"},
};

static const option tune_options[] = {
    {"--data", "FILE", "CSV file with a header row (required)"},
    {"--target", "NAME|INDEX", "target column: a name, or a 0-based index when all digits (default: the last column)"},
    {"--task", "MODE", "{task} (default: auto, as for train)"},
    {"--grid", "NAME=V1,V2,...", "values to search for one hyper-parameter, like lr=0.001,0.01 or layers=8,16x16; "
                                 "repeat for more, and every combination is tried (random search draws from the "
                                 "lists instead). NAME: lr (> 0), batch (1.." STR(DESCENT_MAX_BATCH) " or full), "
                                 "optimizer ({optimizer}), layers (hidden sizes joined by x, like 8 or 16x16, or "
                                 "none), activation ({activation}), l2 (>= 0), epochs (1.." STR(DESCENT_MAX_EPOCHS)
                                 ")"},
    {"--random", "N", "random search: draw N configurations, 1.." STR(DESCENT_MAX_CONFIGS) ", from the --grid lists "
                      "and --range ranges (default: grid search over every combination)"},
    {"--range", "NAME=LO:HI", "with --random, draw NAME from a range: lr and l2 log-uniformly in [LO, HI] (LO > 0), "
                              "batch and epochs uniformly among the integers LO..HI; repeatable"},
    {"--folds", "K", "cross-validation folds, 2.." STR(DESCENT_MAX_FOLDS) " (stratified for classification) "
                     "(default: 5)"},
    {"--metric", "NAME", "auto|{metric}: the score to rank by; accuracy and f1 for classification, "
                         "r2 and rmse for regression (default: auto: accuracy for classification, r2 for regression)"},
    {"--layers", "LIST", "hidden layer sizes when not searched, comma-separated, each 1.." STR(DESCENT_MAX_UNITS)
                         ", at most " STR(DESCENT_MAX_HIDDEN) " layers, or 'none' (default: 16,16)"},
    {"--activation", "NAME", "hidden activation when not searched (default: relu)"},
    {"--optimizer", "NAME", "optimizer when not searched (default: adam)"},
    {"--lr", "X", "learning rate when not searched, > 0 (default: the optimizer's: 0.01 for sgd, momentum, nesterov, "
                  "adagrad; 0.001 for rmsprop, adam)"},
    {"--batch", "N|full", "rows per step when not searched, 1.." STR(DESCENT_MAX_BATCH) ", or 'full' (default: 32)"},
    {"--epochs", "N", "epochs when not searched, 1.." STR(DESCENT_MAX_EPOCHS) " (default: 100)"},
    {"--l2", "X", "L2 penalty on every kernel when not searched, >= 0 (default: 0)"},
    {"--test-split", "X", "fraction of rows held out before the folds, by a seeded (stratified) draw; the best "
                          "configuration is retrained on the rest and scored on them, [0, 1); 0 uses every row for "
                          "the folds (default: 0.2)"},
    {"--no-standardize", NULL, "do not scale the inputs to mean 0, std 1 (default: scale, fitted on each fold's "
                               "training rows)"},
    {"--no-scale-target", NULL, "regression: do not standardize the target (default: scale)"},
    {"--seed", "N", "seed for the split, the folds, the draws and every model, 0.." STR(DESCENT_MAX_SEED)
                    " (default: 1)"},
    {"--out", "FILE", "also write every configuration's results, ranked, to FILE.csv or FILE.json (default: none)"},
    {"--save", "FILE", "retrain the best configuration on the training rows and write that model to FILE "
                       "(default: not saved)"},
    {"--quiet", NULL, "no progress on stderr (default: a progress bar on a terminal, else a line per configuration)"},
    {"--help", NULL, "show this help"},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
_Static_assert(COUNT(train_options) <= MAX_OPTIONS, "raise MAX_OPTIONS");
_Static_assert(COUNT(tune_options) <= MAX_OPTIONS, "raise MAX_OPTIONS");
static const char *const tune_repeatable[] = {"--grid", "--range", NULL};

static const command commands[] = {
    {"train", "descent train --data FILE [--resume FILE] [options]",
     "train a network on a CSV file and report its scores", train_options, COUNT(train_options), cmd_train, NULL},
    {"predict", "descent predict --model FILE --data FILE [--keep COL,...] [--out FILE]",
     "write a model's predictions as CSV", predict_options, COUNT(predict_options), cmd_predict, NULL},
    {"evaluate", "descent evaluate --model FILE --data FILE [--target NAME] [--json]",
     "print a model's loss and scores on a CSV", evaluate_options, COUNT(evaluate_options), cmd_evaluate, NULL},
    {"generate", "descent generate --set NAME [--n N] [--noise X] [--seed N] [--out FILE]",
     "write a toy data set as CSV", generate_options, COUNT(generate_options), cmd_generate, NULL},
    {"info", "descent info --model FILE [--weights]", "describe a saved model", info_options, COUNT(info_options),
     cmd_info, NULL},
    {"export", "descent export --format tfjs --model FILE --out DIR",
     "write a model in TensorFlow.js's format (for TF.js, Keras)", export_options, COUNT(export_options), cmd_export,
     NULL},
    {"import", "descent import --from DIR/model.json --out FILE", "read a TensorFlow.js model into a model file",
     import_options, COUNT(import_options), cmd_import, NULL},
    {"tune", "descent tune --data FILE [--grid NAME=V1,V2,...]... [--random N [--range NAME=LO:HI]...] [options]",
     "search hyper-parameters by k-fold cross-validation and rank them", tune_options, COUNT(tune_options), cmd_tune,
     tune_repeatable},
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
        char text[1024];
        print_wrapped(f, help_text(o->help, text, sizeof text), indent, indent);
    }
}

/* One screen: the commands, one line each; a command's options are in its own help. */
static void print_main_help(FILE *f)
{
    fprintf(f, "descent %s - dense neural networks trained by gradient descent\n\n"
               "usage: descent COMMAND [options]\n\ncommands:\n",
            DESCENT_VERSION);
    for (int i = 0; i < COUNT(commands); i++) fprintf(f, "  %-10s%s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\ndescent help COMMAND, or descent COMMAND --help, lists a command's options with\n"
               "their defaults and ranges; descent --version prints the version.\n"
               "Exit status: 0 on success, 1 when a file or the training fails, 2 for a bad\n"
               "command line.\n");
}

static const command *find_command(const char *name)
{
    for (int i = 0; i < COUNT(commands); i++)
        if (strcmp(name, commands[i].name) == 0) return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    if (name[0] == '-') return usage_error("unknown option '%s' (see descent --help)", name);
    return usage_error("unknown command '%s': expected train, predict, evaluate, generate, info, export, import or "
                       "tune (see descent --help)",
                       name);
}

static int run(int argc, char **argv, int check_only)
{
    if (argc < 2)
        return usage_error("missing command: expected train, predict, evaluate, generate, info, export, "
                           "import or tune (see descent --help)");
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 && argc > 2) {
        const command *c = find_command(argv[2]);
        if (!c) return unknown_command(argv[2]);
        if (argc > 3) return usage_error("unexpected argument '%s' after 'descent help %s'", argv[3], argv[2]);
        print_command_help(stdout, c);
        return EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("descent %s\n", DESCENT_VERSION);
        return EXIT_OK;
    }
    const command *c = find_command(name);
    if (!c) return unknown_command(name);
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
    return c->run(&a);
}

int descent_cli_run(int argc, char **argv)
{
    int rc = run(argc, argv, 0);
    /* Whatever the command printed (a report, the help) must have reached standard output: a full disk or a
     * closed pipe is a failure, whichever write met it (a buffer flushed midway leaves only the error flag). */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == EXIT_OK)
        rc = runtime_error("cannot write to standard output");
    return rc;
}

int descent_cli_check(int argc, char **argv)
{
    return run(argc, argv, 1);
}
