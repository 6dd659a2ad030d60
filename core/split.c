/* split.c - the seeded train/test split and the k-fold assignment, both
 * stratified by class when given labels. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct labelled_row {
    int label, row;
} labelled_row;

static int cmp_labelled(const void *a, const void *b)
{
    const labelled_row *p = a, *q = b;
    if (p->label != q->label) return (p->label > q->label) - (p->label < q->label);
    return (p->row > q->row) - (p->row < q->row);
}

static descent_status check_labels(const int *labels, int n, int classes, descent_error *err)
{
    if (classes < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "classes must be >= 1 with labels, got %d", classes);
    for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= classes)
            return descent_fail(err, DESCENT_ERR_ARGUMENT, "row %d: label %d is outside [0, %d)", i, labels[i],
                                classes);
    return DESCENT_OK;
}

/* Rows grouped by class (sorted by label, then row), so stratification does
 * not need an array as large as classes, which may be far above n. */
static labelled_row *group_by_label(const int *labels, int n, descent_error *err)
{
    labelled_row *g = descent_alloc((uint64_t)n, sizeof *g, "the rows grouped by class", err);
    if (!g) return NULL;
    for (int i = 0; i < n; i++) {
        g[i].label = labels[i];
        g[i].row = i;
    }
    qsort(g, (size_t)n, sizeof *g, cmp_labelled);
    return g;
}

/* Fisher-Yates over the row field of a group. */
static void shuffle_rows(rng *r, labelled_row *g, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = g[i].row;
        g[i].row = g[j].row;
        g[j].row = t;
    }
}

/* Train and test indices come back in a seeded random order (see
 * descent.h for why). With labels, class c sends floor(c_count·test_fraction) or one more row to test,
 * the extra rows going to the largest remainders so the total is n_test. */
descent_status descent_split(int n, const int *labels, int classes, float test_fraction, uint32_t seed, int *train_idx,
                             int *n_train, int *test_idx, int *n_test, descent_error *err)
{
    if (!train_idx || !n_train || !test_idx || !n_test)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "train_idx, n_train, test_idx and n_test must not be NULL");
    if (!(test_fraction >= 0 && test_fraction < 1))
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "test_fraction must be in [0, 1), got %g", (double)test_fraction);
    if (n < 1) return descent_fail(err, DESCENT_ERR_ARGUMENT, "n must be >= 1, got %d", n);
    if (test_fraction > 0 && n < 2)
        return descent_fail(err, DESCENT_ERR_ARGUMENT, "cannot split 1 row: a test set needs n >= 2");
    /* train_idx and test_idx hold n ints each: an n no array here could hold
     * is refused before anything is written (its products would wrap in a
     * 32-bit build). */
    size_t bytes;
    descent_status st = descent_size(&bytes, (uint64_t)n, sizeof(int), 1, "the training indices", err);
    if (st != DESCENT_OK) return st;
    if (labels) {
        descent_status s = check_labels(labels, n, classes, err);
        if (s != DESCENT_OK) return s;
    }

    double want = (double)n * test_fraction;
    int nt = (int)floor(want + 0.5);
    if (test_fraction > 0 && nt < 1) nt = 1;
    if (nt > n - 1) nt = n - 1;
    if (test_fraction == 0) nt = 0;

    unsigned char *in_test = descent_zalloc((uint64_t)n, 1, "the test rows", err);
    labelled_row *g = NULL;
    if (!in_test) goto oom;
    rng r;
    rng_seed(&r, seed, RNG_STREAM_SPLIT);
    if (!labels) {
        int *perm = descent_alloc((uint64_t)n, sizeof *perm, "a permutation of the rows", err);
        if (!perm) goto oom;
        for (int i = 0; i < n; i++) perm[i] = i;
        rng_shuffle(&r, perm, n);
        for (int i = 0; i < nt; i++) in_test[perm[i]] = 1;
        free(perm);
    } else {
        if (!(g = group_by_label(labels, n, err))) goto oom;
        /* Per class run: start, size, quota and remainder of size·test_fraction. */
        int runs = 0;
        int *start = descent_alloc((uint64_t)n + 1, sizeof *start, "the classes' runs", err);
        int *quota = descent_alloc((uint64_t)n, sizeof *quota, "the classes' quotas", err);
        double *frac = descent_alloc((uint64_t)n, sizeof *frac, "the classes' remainders", err);
        if (!start || !quota || !frac) {
            free(start);
            free(quota);
            free(frac);
            goto oom;
        }
        for (int i = 0; i < n; i++)
            if (i == 0 || g[i].label != g[i - 1].label) start[runs++] = i;
        start[runs] = n;
        int assigned = 0;
        for (int c = 0; c < runs; c++) {
            int size = start[c + 1] - start[c];
            double q = size * (double)test_fraction;
            quota[c] = (int)floor(q);
            if (quota[c] > size) quota[c] = size;
            frac[c] = q - quota[c];
            assigned += quota[c];
        }
        /* Hand out the rest one row at a time to the largest remainders
         * (lowest class first on ties); a class is never bumped twice while
         * another can take a row, which keeps each within 1 of its share. */
        unsigned char *bumped = descent_zalloc((uint64_t)runs, 1, "the classes' marks", err);
        if (!bumped) {
            free(start);
            free(quota);
            free(frac);
            goto oom;
        }
        while (assigned < nt) {
            int best = -1;
            for (int pass = 0; pass < 2 && best < 0; pass++)
                for (int c = 0; c < runs; c++) {
                    int size = start[c + 1] - start[c];
                    if (quota[c] >= size || (pass == 0 && bumped[c])) continue;
                    if (best < 0 || frac[c] > frac[best]) best = c;
                }
            quota[best]++;
            bumped[best] = 1;
            frac[best] -= 1;
            assigned++;
        }
        while (assigned > nt) {
            int best = -1;
            for (int c = 0; c < runs; c++)
                if (quota[c] > 0 && (best < 0 || frac[c] < frac[best])) best = c;
            quota[best]--;
            frac[best] += 1;
            assigned--;
        }
        for (int c = 0; c < runs; c++) {
            labelled_row *run = g + start[c];
            shuffle_rows(&r, run, start[c + 1] - start[c]);
            for (int i = 0; i < quota[c]; i++) in_test[run[i].row] = 1;
        }
        free(bumped);
        free(start);
        free(quota);
        free(frac);
    }
    int a = 0, b = 0;
    for (int i = 0; i < n; i++) {
        if (in_test[i])
            test_idx[b++] = i;
        else
            train_idx[a++] = i;
    }
    /* Random order within each part, so rows taken from the end of the
     * training part (Keras' validation_split) are a random sample too. With
     * no test rows the order is left as it was. */
    if (b > 0) {
        rng_shuffle(&r, train_idx, a);
        rng_shuffle(&r, test_idx, b);
    }
    *n_train = a;
    *n_test = b;
    free(in_test);
    free(g);
    return DESCENT_OK;
oom: /* err names the allocation */
    free(in_test);
    free(g);
    return DESCENT_ERR_MEMORY;
}

/* Rows are shuffled (within each class, classes one after another when
 * stratified) and dealt to folds by position mod k; a class then fills a
 * contiguous run of positions, so its count per fold differs by at most one. */
descent_status descent_kfold(int n, int k, const int *labels, int classes, uint32_t seed, int *fold, descent_error *err)
{
    if (!fold) return descent_fail(err, DESCENT_ERR_ARGUMENT, "fold must not be NULL");
    if (n < 2) return descent_fail(err, DESCENT_ERR_ARGUMENT, "k-fold needs n >= 2 rows, got %d", n);
    if (k < 2 || k > n) return descent_fail(err, DESCENT_ERR_ARGUMENT, "k must be in [2, n] = [2, %d], got %d", n, k);
    size_t bytes; /* fold holds n ints: see descent_split */
    descent_status st = descent_size(&bytes, (uint64_t)n, sizeof(int), 1, "the folds", err);
    if (st != DESCENT_OK) return st;
    if (labels) {
        descent_status s = check_labels(labels, n, classes, err);
        if (s != DESCENT_OK) return s;
    }
    rng r;
    rng_seed(&r, seed, RNG_STREAM_KFOLD);
    if (!labels) {
        int *perm = descent_alloc((uint64_t)n, sizeof *perm, "a permutation of the rows", err);
        if (!perm) return err ? err->code : DESCENT_ERR_MEMORY;
        for (int i = 0; i < n; i++) perm[i] = i;
        rng_shuffle(&r, perm, n);
        for (int p = 0; p < n; p++) fold[perm[p]] = p % k;
        free(perm);
        return DESCENT_OK;
    }
    labelled_row *g = group_by_label(labels, n, err);
    if (!g) return DESCENT_ERR_MEMORY;
    for (int s = 0, e; s < n; s = e) {
        for (e = s + 1; e < n && g[e].label == g[s].label; e++) {
        }
        shuffle_rows(&r, g + s, e - s);
    }
    for (int p = 0; p < n; p++) fold[g[p].row] = p % k;
    free(g);
    return DESCENT_OK;
}
