/* generate.c - `descent generate`: one of the library's toy data sets, as CSV. */
#include "tool.h"

#include <errno.h>
#include <string.h>

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
            const char *name = ds->class_names && ds->class_names[c] ? ds->class_names[c]
                                                                      : descent_class_name_numeric(c, NULL, buf, sizeof buf);
            fputc(',', f);
            csv_field(f, name);
        } else {
            for (int j = 0; j < ds->outputs; j++) fprintf(f, ",%.9g", (double)ds->y[i * ds->outputs + j]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

int cmd_generate(const args *a)
{
    const char *set, *out_path = get(a, "--out");
    int rc, kind;
    long long n, seed;
    double noise;
    if ((rc = require(a, "--set", &set))) return rc;
    if ((rc = get_choice(a, "--set", DESCENT_VOCAB_GENERATOR, NULL, 0, &kind))) return rc;
    if ((rc = get_integer(a, "--n", 200, 1, DESCENT_MAX_GENERATE, &n))) return rc;
    if ((rc = get_number(a, "--noise", 0.1, DESCENT_RANGE_UNIT_CLOSED, &noise))) return rc;
    if ((rc = get_integer(a, "--seed", 1, 0, DESCENT_MAX_SEED, &seed))) return rc;
    if (out_path && !*out_path) return usage_error("--out needs a file name (got '')");
    if (a->check_only) return EXIT_OK;

    descent_error err;
    descent_dataset *ds = descent_dataset_generate((descent_generator)kind, (int)n, (float)noise, (uint32_t)seed, &err);
    if (!ds) return runtime_error("%s", err.message);
    if (out_path) {
        outfile o;
        if (!(rc = out_open(&o, out_path, 0))) {
            write_dataset(o.f, ds);
            rc = out_commit(&o);
        }
    } else if (write_dataset(stdout, ds) != 0 || fflush(stdout) != 0) {
        rc = runtime_error("cannot write to standard output: %s", strerror(errno));
    }
    descent_dataset_free(ds);
    return rc;
}
