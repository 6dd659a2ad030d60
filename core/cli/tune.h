/* tune.h - what `descent tune`'s two files share: the command line read
 * into a search (tune.c) and the reports of its results (tune_report.c). */
#ifndef DESCENT_CLI_TUNE_H
#define DESCENT_CLI_TUNE_H

#include "tool.h"

/* The CLI's short names of the searched parameters, in descent_tune_param order. */
extern const char *const tune_short[DESCENT_TUNE_PARAMS];

typedef struct tune_cli {
    descent_search_spec spec;
    descent_tune_axis axes[DESCENT_TUNE_PARAMS];
    double *values[DESCENT_TUNE_PARAMS];
    descent_tune_layers *layers[DESCENT_TUNE_PARAMS];
    int metric;                     /* -1: auto */
    const char *data, *target, *out, *save;
    int task, out_json;
} tune_cli;

/* What the progress callback shows, and where. */
typedef struct tune_view {
    const tune_cli *t;
    const char *metric;
    int tty, quiet, total;
    double last_ms;
} tune_view;

/* "lr=0.01 layers=16x16": the searched parameters, or all of them with all (or when none is). */
void tune_label(const tune_cli *t, const descent_tune_config *c, int all, char *buf, size_t size);
/* The search's progress callback: a bar on a terminal, else a line per configuration; stops after ^C. */
int on_tune(const descent_tune_progress *p, void *user);
/* Catches ^C (the search stops after printing what finished) until tune_interrupt_restore. */
void tune_interrupt_catch(void);
void tune_interrupt_restore(void);
void print_tune_table(const tune_cli *t, const descent_search *s, const int *order, int n, const char *metric);
/* Every configuration, ranked, to --out as CSV or JSON (with the test scores when given). */
int write_tune_results(const tune_cli *t, const descent_search *s, const int *order, int n,
                       const descent_tune_test *test);

#endif
