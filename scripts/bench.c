/* bench.c - the benchmark program scripts/bench runs: the BENCHMARKS.md
 * workloads W1-W4 trained through the public API, and the three gemm shapes
 * at n = 64, 256, 512. Built natively and, under emcmake, to wasm for Node, so
 * the same code measures every build. Prints one JSON object.
 * With --breakdown, instead, where the time of one W1 step goes (of a W2
 * step with --only W2; see breakdown below); with --activation-error, how
 * far the kernels' exp, tanh and sigmoid are from libm's
 * (tests/c/activation_error.h).
 *   descent_bench [--kernels simd|scalar] [--reps N] [--only W1|W2|gemm] [--quick] [--breakdown]
 *                 [--activation-error] */
#define _POSIX_C_SOURCE 200809L
#include "descent.h"
#include "internal.h"
#include "kernels.h"
#include "model.h"
#include "activation_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

static double now(void)
{
#ifdef __EMSCRIPTEN__
    return emscripten_get_now() / 1000.0;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
#endif
}

/* The breakdown's clock: the CPU time of this thread natively, of the Node
 * process in wasm (process.cpuUsage, in µs), which a loaded machine's other
 * processes do not inflate as they do the wall clock. */
#ifdef __EMSCRIPTEN__
EM_JS(double, node_cpu_seconds, (void), {
    if (typeof process === 'undefined' || !process.cpuUsage) return performance.now() / 1000;
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
});
#endif

static double cpu_now(void)
{
#ifdef __EMSCRIPTEN__
    return node_cpu_seconds();
#else
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
#endif
}

typedef struct workload {
    const char *id;
    int inputs, n_layers, units[3];
    descent_activation hidden, out;
    descent_loss loss;
    descent_optimizer_kind opt;
    double lr;
    int batch, samples, epochs;
} workload;

static const workload workloads[] = {
    {"W1", 2, 3, {8, 8, 1}, DESCENT_ACT_TANH, DESCENT_ACT_SIGMOID, DESCENT_LOSS_BINARY_CROSSENTROPY, DESCENT_OPT_SGD,
     0.03, 10, 500, 20},
    {"W2", 10, 3, {10, 10, 1}, DESCENT_ACT_RELU, DESCENT_ACT_LINEAR, DESCENT_LOSS_MSE, DESCENT_OPT_SGD, 0.01, 32, 1000,
     20},
    {"W3", 784, 2, {128, 10}, DESCENT_ACT_RELU, DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY,
     DESCENT_OPT_ADAM, 1e-3, 64, 4096, 2},
    {"W4", 256, 3, {512, 512, 10}, DESCENT_ACT_RELU, DESCENT_ACT_SOFTMAX, DESCENT_LOSS_CATEGORICAL_CROSSENTROPY,
     DESCENT_OPT_ADAM, 1e-3, 128, 4096, 2},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Fixed-seed inputs in [-1, 1) and targets that suit the loss. */
static void make_data(const workload *w, float *x, float *y)
{
    rng r;
    rng_seed(&r, 42, 9);
    int k = w->units[w->n_layers - 1];
    for (long i = 0; i < (long)w->samples * w->inputs; i++) x[i] = 2.0f * rng_uniform(&r) - 1.0f;
    for (int i = 0; i < w->samples; i++) {
        if (w->loss == DESCENT_LOSS_MSE) {
            y[i] = x[(long)i * w->inputs] - 0.5f * x[(long)i * w->inputs + 1];
        } else if (k == 1) {
            y[i] = x[(long)i * w->inputs] * x[(long)i * w->inputs + 1] > 0 ? 1.0f : 0.0f;
        } else {
            int c = (int)rng_below(&r, (uint32_t)k);
            for (int j = 0; j < k; j++) y[(long)i * k + j] = j == c ? 1.0f : 0.0f;
        }
    }
}

static int run_workload(const workload *w, descent_kernels kernels, int reps, int quick, FILE *out)
{
    int k = w->units[w->n_layers - 1];
    float *x = malloc(sizeof(float) * (size_t)w->samples * w->inputs);
    float *y = malloc(sizeof(float) * (size_t)w->samples * k);
    if (!x || !y) return 1;
    make_data(w, x, y);
    descent_layer_spec layers[3];
    for (int l = 0; l < w->n_layers; l++) layers[l] = descent_layer(w->units[l], l + 1 < w->n_layers ? w->hidden : w->out);
    descent_optimizer_spec o = descent_optimizer_defaults(w->opt);
    o.learning_rate = w->lr;
    descent_model_spec spec = {w->inputs, w->n_layers, layers, w->loss, o, 1};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    if (!m || descent_model_set_kernels(m, kernels, &err) != DESCENT_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    descent_fit_options fo = descent_fit_defaults();
    fo.batch_size = w->batch;
    fo.epochs = quick ? 1 : w->epochs;
    /* Warm up for a while, not one call: V8 first runs wasm through its
     * baseline compiler and only later through the optimizing one. */
    double warm = quick ? 0.05 : 0.3, t0 = now();
    do descent_model_fit(m, x, y, w->samples, &fo, NULL, &err);
    while (now() - t0 < warm);
    /* Each timed sample repeats the workload until ~0.2 s have passed. */
    double times[32], floor_s = quick ? 0.03 : 0.2;
    long steps_per_run = (long)fo.epochs * ((w->samples + w->batch - 1) / w->batch);
    for (int r = 0; r < reps; r++) {
        int runs = 0;
        t0 = now();
        do {
            if (descent_model_fit(m, x, y, w->samples, &fo, NULL, &err) != DESCENT_OK) {
                fprintf(stderr, "bench: %s: %s\n", w->id, err.message);
                return 1;
            }
            runs++;
        } while (now() - t0 < floor_s);
        times[r] = (now() - t0) / runs;
    }
    double t = median(times, reps);
    double flops_per_step = 0.0;
    int fan_in = w->inputs;
    for (int l = 0; l < w->n_layers; l++) {
        flops_per_step += 6.0 * w->batch * fan_in * w->units[l];
        fan_in = w->units[l];
    }
    fprintf(out, "\"%s\":{\"samples_per_s\":%.1f,\"us_per_step\":%.3f,\"gflops\":%.3f}", w->id,
            (double)w->samples * fo.epochs / t, t / (double)steps_per_run * 1e6,
            flops_per_step * (double)steps_per_run / t * 1e-9);
    descent_model_free(m);
    free(x);
    free(y);
    return 0;
}

/* ------------------------------------------------------------ breakdown
 * Where one W1 (or W2) step's time goes: each part of the step timed alone
 * in a loop over the epoch's batches (µs per step, median of reps). fit is
 * descent_model_fit's time per step; step is the same work called directly
 * (rows loaded, forward, loss, backward, accuracy count, update), so fit -
 * step is the per-fit and per-epoch cost spread over the steps. Inside the
 * step: load (rows copied in), forward (3 gemm + bias/activation), loss (loss
 * and its gradient), backward (model_gradient - forward - loss), update (SGD).
 * Across the passes: activations (the 3 bias_act calls alone), act_backward
 * (the 3 derivative calls alone) and gemm (the 8 products alone). Outside
 * the step, spread over the steps they serve: setup (a trainer created and
 * freed, once a fit) and epoch (the row order drawn, once an epoch).
 * Timed in CPU time (cpu_now). */
typedef struct part_timer {
    double total;
    int calls;
} part_timer;

static double per_step(descent_model *m, const float *x, const float *y, const int *idx, int batches, int batch,
                       int part, const descent_fit_options *fo, int *order, int quick)
{
    /* the update alone runs on zero gradients, so repeating it leaves the weights as they are */
    if (part == 5) memset(m->grads, 0, sizeof(float) * m->n_params);
    double floor_s = quick ? 0.02 : 0.1, t0 = cpu_now();
    long steps = 0;
    do {
        for (int b = 0; b < batches; b++, steps++) {
            int start = b * batch;
            switch (part) {
            case 0: { /* step */
                model_load_rows(m, x, y, idx, start, batch);
                double obj = model_gradient(m, batch);
                (void)model_batch_correct(m, batch);
                model_update(m, obj, NULL);
                break;
            }
            case 1: model_load_rows(m, x, y, idx, start, batch); break;
            case 2: model_forward(m, batch); break;
            case 3: (void)model_objective(m, batch, 1); break;
            case 4: (void)model_gradient(m, batch); break;
            case 5: (void)optimizer_apply(m); break;
            case 6:
                for (int l = 0; l < m->n_layers; l++) {
                    const layer *L = &m->layers[l];
                    m->k->bias_act(m->act[l + 1], m->params + L->b_off, batch, L->out, L->spec.activation, 0.0f);
                }
                break;
            case 7:
                for (int l = 0; l < m->n_layers; l++) {
                    const layer *L = &m->layers[l];
                    m->k->act_backward(m->delta[0], m->act[l + 1], batch * L->out, L->spec.activation, 0.0f);
                }
                break;
            case 9:
                if (b == 0) {
                    descent_trainer *t = descent_trainer_create(m, x, y, batches * batch, fo, NULL);
                    descent_trainer_free(t);
                }
                break;
            case 10:
                if (b == 0) {
                    rng r = m->shuffle;
                    for (int i = 0; i < batches * batch; i++) order[i] = i;
                    rng_shuffle(&r, order, batches * batch);
                }
                break;
            case 8:
                for (int l = 0; l < m->n_layers; l++) {
                    const layer *L = &m->layers[l];
                    float *w = m->params + L->w_off, *g = m->grads + L->w_off;
                    m->k->gemm_nn(m->act[l + 1], L->out, m->act[l], L->in, w, L->out, batch, L->out, L->in, 0);
                    m->k->gemm_tn(g, L->out, m->act[l], L->in, m->delta[0], L->out, L->in, L->out, batch, 0);
                    if (l > 0)
                        m->k->gemm_nt(m->delta[1], L->in, m->delta[0], L->out, w, L->out, batch, L->in, L->out, 0);
                }
                break;
            }
        }
    } while (cpu_now() - t0 < floor_s);
    return (cpu_now() - t0) / (double)steps * 1e6;
}

static int breakdown(descent_kernels kernels, int reps, int quick, const char *only, FILE *out)
{
    /* W1 unless --only names W2 (the two small three-layer workloads) */
    const workload *w = &workloads[only && strcmp(only, "W2") == 0 ? 1 : 0];
    float *x = malloc(sizeof(float) * (size_t)w->samples * w->inputs), *y = malloc(sizeof(float) * (size_t)w->samples);
    int *idx = malloc(sizeof(int) * (size_t)w->samples);
    if (!x || !y || !idx) return 1;
    make_data(w, x, y);
    for (int i = 0; i < w->samples; i++) idx[i] = (i * 7919) % w->samples;
    descent_layer_spec layers[3];
    for (int l = 0; l < 3; l++) layers[l] = descent_layer(w->units[l], l < 2 ? w->hidden : w->out);
    descent_optimizer_spec o = descent_optimizer_defaults(w->opt);
    o.learning_rate = w->lr;
    descent_model_spec spec = {w->inputs, 3, layers, w->loss, o, 1};
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    if (!m || descent_model_set_kernels(m, kernels, &err) != DESCENT_OK ||
        model_ensure_rows(m, w->batch, &err) != DESCENT_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    descent_fit_options fo = descent_fit_defaults();
    fo.batch_size = w->batch;
    fo.epochs = quick ? 1 : w->epochs;
    int batches = w->samples / w->batch;
    static const char *names[] = {"step", "load", "forward", "loss", "gradient", "update", "activations",
                                  "act_backward", "gemm", "setup", "epoch"};
    enum { PARTS = 11 };
    int *order = malloc(sizeof(int) * (size_t)w->samples);
    if (!order) return 1;
    double t[PARTS + 1][32];
    double warm = quick ? 0.05 : 0.3, t0 = cpu_now();
    do descent_model_fit(m, x, y, w->samples, &fo, NULL, &err);
    while (cpu_now() - t0 < warm);
    /* Each part once untimed first: V8 runs a wasm function's first call
     * through its baseline compiler (per_step's loop included) and the
     * optimized code only from a later call, so with one repetition the
     * first parts timed were the baseline's (a W2 step 5.2 µs, not 2.2). */
    for (int p = 0; p < PARTS; p++) (void)per_step(m, x, y, idx, batches, w->batch, p, &fo, order, 1);
    for (int r = 0; r < reps; r++) {
        double f0 = cpu_now();
        int runs = 0;
        do {
            descent_model_fit(m, x, y, w->samples, &fo, NULL, &err);
            runs++;
        } while (cpu_now() - f0 < (quick ? 0.02 : 0.1));
        t[PARTS][r] = (cpu_now() - f0) / runs / ((double)fo.epochs * batches) * 1e6;
        for (int p = 0; p < PARTS; p++) {
            t[p][r] = per_step(m, x, y, idx, batches, w->batch, p, &fo, order, quick);
            if (p == 9) t[p][r] /= fo.epochs; /* once a fit, not once an epoch */
        }
    }
    double med[PARTS + 1];
    for (int p = 0; p <= PARTS; p++) med[p] = median(t[p], reps);
    fprintf(out, "{\"kernels\":\"%s\",\"breakdown\":{\"%s\":{\"fit\":%.3f", m->k->name, w->id, med[PARTS]);
    for (int p = 0; p < PARTS; p++) {
        if (p == 4) fprintf(out, ",\"backward\":%.3f", med[4] - med[2] - med[3]);
        else fprintf(out, ",\"%s\":%.3f", names[p], med[p]);
    }
    fprintf(out, "}}}\n");
    descent_model_free(m);
    free(x);
    free(y);
    free(idx);
    free(order);
    return 0;
}

/* Every 97th float bit pattern (every 1021st quick), and the special values. */
static void activation_errors(const kernel_table *kt, int quick, FILE *out)
{
    static const char *names[] = {"exp", "tanh", "sigmoid"};
    fprintf(out, "{\"kernels\":\"%s\",\"activation_error\":{", kt->name);
    for (int fn = 0; fn < 3; fn++) {
        activation_error e = activation_error_sweep(kt, fn, quick ? 1021 : 97, 0);
        fprintf(out, "%s\"%s\":{\"max_ulp\":%.0f,\"max_abs\":%.3e,\"max_rel\":%.3e,\"worst_x\":%.9g,\"checked\":%lld}",
                fn ? "," : "", names[fn], e.max_ulp, e.max_abs, e.max_rel, (double)e.worst_x, e.checked);
    }
    fprintf(out, "}}\n");
}

/* GFLOP/s of one gemm shape on n×n matrices (2n³ flops a call). */
static double time_gemm(const kernel_table *kt, int shape, int n, int quick)
{
    size_t nn = (size_t)n * n;
    float *a = malloc(sizeof(float) * nn), *b = malloc(sizeof(float) * nn), *c = malloc(sizeof(float) * nn);
    rng r;
    rng_seed(&r, 1, 1);
    for (size_t i = 0; i < nn; i++) {
        a[i] = rng_uniform(&r) - 0.5f;
        b[i] = rng_uniform(&r) - 0.5f;
    }
    void (*fn)(float *, int, const float *, int, const float *, int, int, int, int, int) =
        shape == 0 ? kt->gemm_nn : shape == 1 ? kt->gemm_nt : kt->gemm_tn;
    fn(c, n, a, n, b, n, n, n, n, 0);
    /* Repeat until ~0.1 s (0.02 s quick) per sample; median of five samples. */
    double target = quick ? 0.02 : 0.1, samples[5];
    int calls = 1;
    double t0 = now();
    fn(c, n, a, n, b, n, n, n, n, 0);
    double one = now() - t0;
    if (one > 0) calls = (int)(target / one) + 1;
    for (int s = 0; s < 5; s++) {
        t0 = now();
        for (int i = 0; i < calls; i++) fn(c, n, a, n, b, n, n, n, n, 0);
        samples[s] = (now() - t0) / calls;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * n * (double)n * n / median(samples, 5) * 1e-9;
}

int main(int argc, char **argv)
{
    descent_kernels kernels = descent_simd_available() ? DESCENT_KERNELS_SIMD : DESCENT_KERNELS_SCALAR;
    int reps = 5, quick = 0;
    const char *only = NULL;
    int split = 0, accuracy = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--kernels") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "scalar") == 0) kernels = DESCENT_KERNELS_SCALAR;
            else if (strcmp(v, "simd") == 0) kernels = DESCENT_KERNELS_SIMD;
            else {
                fprintf(stderr, "bench: --kernels must be simd or scalar (got '%s')\n", v);
                return 2;
            }
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
            if (reps < 1 || reps > 32) {
                fprintf(stderr, "bench: --reps must be in 1..32\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--breakdown") == 0) {
            split = 1;
        } else if (strcmp(argv[i], "--activation-error") == 0) {
            accuracy = 1;
        } else {
            fprintf(stderr, "usage: descent_bench [--kernels simd|scalar] [--reps N] [--only W1|W2|gemm] [--quick] [--breakdown] [--activation-error]\n");
            return 2;
        }
    }
    if (kernels == DESCENT_KERNELS_SIMD && !descent_simd_available()) {
        fprintf(stderr, "bench: this build has no SIMD kernels\n");
        return 2;
    }
    if (split && only && strcmp(only, "W1") != 0 && strcmp(only, "W2") != 0) {
        fprintf(stderr, "bench: --breakdown takes --only W1 or W2 (got '%s')\n", only);
        return 2;
    }
    if (split) return breakdown(kernels, reps, quick, only, stdout);
    const kernel_table *kt = kernels == DESCENT_KERNELS_SIMD ? kernels_simd() : &kernels_scalar;
    if (accuracy) {
        activation_errors(kt, quick, stdout);
        return 0;
    }
    FILE *out = stdout;
    fprintf(out, "{\"kernels\":\"%s\",\"workloads\":{", kt->name);
    int first = 1;
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        if (only && strcmp(only, workloads[i].id) != 0) continue;
        if (!first) fputc(',', out);
        first = 0;
        if (run_workload(&workloads[i], kernels, reps, quick, out)) return 1;
    }
    fprintf(out, "},\"gemm\":{");
    first = 1;
    static const int sizes[] = {64, 256, 512};
    for (int s = 0; s < 3 && (!only || strcmp(only, "gemm") == 0); s++) {
        if (!first) fputc(',', out);
        first = 0;
        fprintf(out, "\"%d\":{\"nn\":%.3f,\"nt\":%.3f,\"tn\":%.3f}", sizes[s], time_gemm(kt, 0, sizes[s], quick),
                time_gemm(kt, 1, sizes[s], quick), time_gemm(kt, 2, sizes[s], quick));
    }
    fprintf(out, "}}\n");
    return 0;
}
