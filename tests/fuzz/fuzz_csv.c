/* fuzz_csv.c - libFuzzer harness for the CSV reader (descent_csv_parse and
 * descent_csv_read_file). The first two bytes pick the reader's options (the
 * second the columns read by name and those kept aside), the rest is the
 * file. Both entry points must agree, and a dataset they accept must hold
 * what descent.h promises: labels within the classes, one-hot or 0/1
 * targets for classification, a name for every column and class, the
 * features asked for in their order, a kept cell for every row. */
#define _POSIX_C_SOURCE 200809L

#include "descent_data.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void remove_file(void)
{
    if (*path) unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/descent-fuzz-csv-XXXXXX", dir && strlen(dir) < 30 ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("fuzz_csv: mkstemp");
        abort();
    }
    close(fd);
    atexit(remove_file);
    return 0;
}

/* A failure the harness reports as a crash, so libFuzzer keeps the input. */
#define EXPECT(cond)                                                                                                   \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "fuzz_csv: expected %s (line %d)\n", #cond, __LINE__);                                    \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

static void check_dataset(const descent_dataset *ds, const descent_csv_options *o)
{
    EXPECT(ds->n >= 1 && ds->features >= 0 && ds->x);
    EXPECT(ds->feature_names);
    for (int j = 0; j < ds->features; j++) EXPECT(ds->feature_names[j]);
    if (o->n_columns) {
        EXPECT(ds->features == o->n_columns);
        for (int j = 0; j < ds->features; j++) EXPECT(strcmp(ds->feature_names[j], o->columns[j]) == 0);
    }
    EXPECT(ds->n_kept == o->n_keep);
    for (int k = 0; k < ds->n_kept; k++) {
        EXPECT(strcmp(ds->kept_names[k], o->keep[k]) == 0);
        for (int r = 0; r < ds->n; r++) EXPECT(descent_dataset_kept(ds, r, k));
    }
    EXPECT(!descent_dataset_kept(ds, ds->n, 0) && !descent_dataset_kept(ds, 0, ds->n_kept));
    /* A target that is optional and absent: read as with no_target. */
    if (o->no_target || (o->target_optional && o->target && !ds->target_name)) {
        EXPECT(ds->outputs == 0 && ds->classes == 0 && !ds->y && !ds->target_name);
        return;
    }
    EXPECT(ds->target_name && ds->y && ds->outputs >= 1);
    if (ds->classes == 0) {
        EXPECT(!ds->labels);
        return;
    }
    EXPECT(ds->classes >= 2 && ds->labels && ds->class_names);
    EXPECT(ds->outputs == (ds->classes == 2 ? 1 : ds->classes));
    if (o->n_classes) EXPECT(ds->classes == o->n_classes);
    for (int c = 0; c < ds->classes; c++) EXPECT(ds->class_names[c]);
    for (size_t i = 0; i < (size_t)ds->n; i++) {
        int label = ds->labels[i];
        EXPECT(label >= 0 && label < ds->classes);
        const float *y = ds->y + i * (size_t)ds->outputs;
        if (ds->outputs == 1) {
            EXPECT(y[0] == (float)label);
        } else {
            for (int j = 0; j < ds->outputs; j++) EXPECT(y[j] == (j == label ? 1.0f : 0.0f));
        }
    }
}

static int same_dataset(const descent_dataset *a, const descent_dataset *b)
{
    if (a->n != b->n || a->features != b->features || a->outputs != b->outputs || a->classes != b->classes) return 0;
    size_t nx = (size_t)a->n * (size_t)a->features, ny = (size_t)a->n * (size_t)a->outputs;
    if (memcmp(a->x, b->x, nx * sizeof(float)) != 0) return 0;
    if (ny && memcmp(a->y, b->y, ny * sizeof(float)) != 0) return 0;
    for (int j = 0; j < a->features; j++)
        if (strcmp(a->feature_names[j], b->feature_names[j]) != 0) return 0;
    for (int c = 0; c < a->classes; c++)
        if (strcmp(a->class_names[c], b->class_names[c]) != 0) return 0;
    if (a->n_kept != b->n_kept) return 0;
    for (int r = 0; r < a->n; r++)
        for (int k = 0; k < a->n_kept; k++)
            if (strcmp(descent_dataset_kept(a, r, k), descent_dataset_kept(b, r, k)) != 0) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    static const char *const classes[] = {"a", "b", "0", "1", "-1", "1.5"};
    static const char *const columns[][3] = {{"a"}, {"b", "a"}, {"a", "c", "b"}};
    static const char *const keep[][2] = {{"id"}, {"id", "c"}, {"y", "a"}};
    uint8_t pick = data[0], lists = data[1];
    data += 2;
    size -= 2;

    descent_csv_options o = descent_csv_defaults();
    o.task = (descent_task)(pick % 3);                      /* auto, classification, regression */
    if (pick & 0x04) o.delimiter = ';';
    switch ((pick >> 3) & 3) {
    case 1: o.target = "y"; break;
    case 2: o.target_index = 0; break;
    case 3: o.no_target = 1; break;
    default: break;
    }
    if ((pick & 0x20) && !o.no_target) {
        o.class_names = (pick & 0x40) ? classes + 2 : classes;
        o.n_classes = (pick & 0x80) ? 4 : 2;
    }
    if (lists & 3) {
        o.columns = columns[(lists & 3) - 1];
        o.n_columns = lists & 3;
    }
    if ((lists >> 2) & 3) {
        o.keep = keep[((lists >> 2) & 3) - 1];
        o.n_keep = ((lists >> 2) & 3) == 1 ? 1 : 2;
    }
    if (lists & 0x10) o.target_optional = 1;

    descent_error err;
    descent_dataset *ds = descent_csv_parse((const char *)data, size, &o, &err);
    if (ds) check_dataset(ds, &o);
    else EXPECT(err.code != DESCENT_OK && err.message[0]);

    /* The file reader: the same answer as the parser. */
    FILE *f = fopen(path, "wb");
    EXPECT(f);
    EXPECT(fwrite(data, 1, size, f) == size || size == 0);
    EXPECT(fclose(f) == 0);
    descent_error ferr;
    descent_dataset *fs = descent_csv_read_file(path, &o, &ferr);
    EXPECT(!ds == !fs);
    if (fs) EXPECT(same_dataset(ds, fs));
    else EXPECT(ferr.code == err.code && ferr.message[0]);

    if (ds && ds->n >= 2) {
        /* A subset and a split of what was read. */
        int idx[2] = {ds->n - 1, 0};
        descent_dataset *sub = descent_dataset_subset(ds, idx, 2, &err);
        EXPECT(sub && sub->n_kept == ds->n_kept);
        for (int k = 0; k < ds->n_kept; k++)
            EXPECT(strcmp(descent_dataset_kept(sub, 0, k), descent_dataset_kept(ds, ds->n - 1, k)) == 0 &&
                   strcmp(descent_dataset_kept(sub, 1, k), descent_dataset_kept(ds, 0, k)) == 0);
        descent_dataset_free(sub);
    }
    descent_dataset_free(fs);
    descent_dataset_free(ds);
    return 0;
}
