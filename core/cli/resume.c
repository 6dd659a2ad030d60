/* resume.c - `descent train --resume FILE`: training a saved model further,
 * from where it stopped. The model keeps its layers, optimizer (with its
 * moments, step count and shuffle stream), scalers and names; the file is
 * read as the model reads it (its features by name, its classes), split
 * by the same seed as before, and training goes on. So N epochs, saved
 * with --save-optimizer, then --resume for M more, give the model that
 * N + M epochs in one run give, to the byte. */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

/* What the model being resumed already fixes. */
static const char *const fixed_by_model[] = {
    "--task", "--layers", "--activation", "--alpha", "--output-activation", "--loss", "--init", "--init-limit",
    "--l1", "--l2", "--no-bias", "--optimizer", "--lr", "--momentum", "--rho", "--epsilon", "--beta1", "--beta2",
    "--initial-accumulator", "--centered", "--no-standardize", "--no-scale-target",
};

int resume_flags(const args *a)
{
    for (size_t i = 0; i < sizeof fixed_by_model / sizeof fixed_by_model[0]; i++)
        if (has(a, fixed_by_model[i]))
            return usage_error("%s cannot be used with --resume: the model resumed keeps its own", fixed_by_model[i]);
    return EXIT_OK;
}

descent_model *resume_load(const char *path, const char *target, descent_csv_options *csv, resume_state *rs,
                           int *rc)
{
    descent_error err;
    memset(rs, 0, sizeof *rs);
    descent_model *m = descent_model_load_file(path, &err);
    if (!m) {
        *rc = file_error(path, &err);
        return NULL;
    }
    /* A file saved without the optimizer state loads with none: steps 0. */
    if (descent_model_step_count(m) == 0) {
        *rc = runtime_error("%s holds no optimizer state to resume from: train it with --save-optimizer", path);
        descent_model_free(m);
        return NULL;
    }
    descent_head head;
    if (descent_head_of_model(m, &head, &err) != DESCENT_OK) {
        *rc = runtime_error("%s: %s", path, err.message);
        descent_model_free(m);
        return NULL;
    }
    if ((*rc = csv_target_options(target ? target : descent_model_target_name(m), head.task, csv)) ||
        (descent_csv_options_for_model(m, 1, csv, &rs->columns, &err) != DESCENT_OK &&
         (*rc = runtime_error("%s: %s", path, err.message)))) {
        resume_free(rs);
        descent_model_free(m);
        return NULL;
    }
    return m;
}

void resume_free(resume_state *rs)
{
    descent_model_columns_free(&rs->columns);
}
