/* tool.h - what the command-line tool's files share: the commands and their
 * options, reading flags and their values, the one-line messages and exit
 * statuses, and the reports. The tool is built on the library's public
 * headers only; every decision the library makes (the task, the output
 * head, the scalers, layer lists, class names, limits) is the library's. */
#ifndef DESCENT_CLI_TOOL_H
#define DESCENT_CLI_TOOL_H

#include "descent_tune.h"

#include <stdio.h>

/* Usage errors (bad or missing flags) exit 2, failures while running exit 1,
 * the convention of most Unix tools, so scripts can tell them apart. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* A limit from descent.h as text, for the help: STR(DESCENT_MAX_EPOCHS) is "1000000". */
#define STR_(x) #x
#define STR(x) STR_(x)

/* ---------------------------------------------------- messages (args.c) */

/* Each prints one line "descent: ..." on stderr, names from files escaped,
 * and returns its exit status. */
int usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
int runtime_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* A library error about a file, with the file's name when the message lacks it. */
int file_error(const char *path, const descent_error *err);

/* ------------------------------------------------- output files (outfile.c) */

/* A file written whole or not at all: under a temporary name beside path,
 * renamed over it by out_commit (which, like out_abort, removes the temporary
 * file when anything failed), so a failure leaves what was at path as it was. */
typedef struct outfile {
    const char *path;
    char *tmp;
    FILE *f;
} outfile;
int out_open(outfile *o, const char *path, int binary);
int out_commit(outfile *o);
void out_abort(outfile *o);
/* Before any work: path (given as flag; NULL: nothing to check) can take a
 * file now and is none of inputs (a NULL-ended list), which it would replace. */
int out_check(const char *flag, const char *path, const char *const *inputs);
/* descent_model_save to path through an outfile. */
int out_save_model(const descent_model *m, int with_optimizer, const char *path);

/* ------------------------------------------------------- flags (args.c) */

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

/* An option's help with {activation}, {optimizer}, ... (a vocabulary's
 * title in braces) spelled out as the library's names joined by '|'. */
const char *help_text(const char *help, char *out, size_t size);
int option_index(const command *c, const char *name);
/* Accepts "--flag value" and "--flag=value"; the last of repeated flags wins,
 * except that a repeatable one keeps every value. */
int parse_args(const command *c, int argc, char **argv, args *a);
const char *get(const args *a, const char *name);
int has(const args *a, const char *name);
int require(const args *a, const char *name, const char **out);

/* A number in range as the float32 it becomes (descent_check_float). */
int get_number(const args *a, const char *name, double fallback, descent_range range, double *out);
/* Digits only: "1e3", " 5" or "+5" are refused rather than half-read. */
int parse_integer(const char *s, long long lo, long long hi, long long *out);
int get_integer(const args *a, const char *name, long long fallback, long long lo, long long hi, long long *out);
/* One of a vocabulary's names (or `extra`, such as "auto", which gives -1). */
int get_choice(const args *a, const char *name, descent_vocabulary v, const char *extra, int fallback, int *out);
/* --batch: 1..DESCENT_MAX_BATCH or "full" (0). */
int get_batch(const args *a, long long *out);
/* --target and --task as the CSV reader's options. */
int csv_target_options(const char *target, int task, descent_csv_options *csv);

/* ------------------------------------- a model's columns (predict.c) */

/* ------------------------------------------------- train --resume (resume.c) */

typedef struct resume_state {
    descent_model_columns columns;      /* what the CSV options point to */
} resume_state;

/* Refuses, as usage errors, the flags that would change the model being resumed. */
int resume_flags(const args *a);
/* Loads the model to resume (its optimizer state required) and sets the
 * reader to read its features, target (target, else its own) and classes;
 * rs holds what csv points to until resume_free. NULL with *rc set on failure. */
descent_model *resume_load(const char *path, const char *target, descent_csv_options *csv, resume_state *rs,
                           int *rc);
void resume_free(resume_state *rs);

/* ---------------------------------------------------- reports (report.c) */

/* Loss and scores on n rows; x raw, y encoded for the model's head. */
int report(descent_model *m, const char *title, const float *x, const float *y, int n);
/* The same as one JSON object: rows, task, loss, the scores (null where
 * undefined), and for classes their names and the confusion matrix. */
int report_json(descent_model *m, const float *x, const float *y, int n);
/* Each layer's kernel and bias, one input per row (Keras' layout). */
int print_weights(const descent_model *m);
/* A CSV field, quoted when it must be; names from files are escaped. */
void csv_field(FILE *f, const char *s);

/* ------------------------------------------------------------ commands */

int cmd_train(const args *a);
int cmd_tune(const args *a);
int cmd_predict(const args *a);
int cmd_evaluate(const args *a);
int cmd_generate(const args *a);
int cmd_info(const args *a);
int cmd_export(const args *a);
int cmd_import(const args *a);

#endif
