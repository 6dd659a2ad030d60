/* tune_report.c - what `descent tune` shows: each configuration's label, the
 * progress of a search, the ranked table, and the results as CSV or JSON. */
#include "tune.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <time.h>
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
void tune_label(const tune_cli *t, const descent_tune_config *c, int all, char *buf, size_t size)
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

static void (*previous_handler)(int) = SIG_DFL;

void tune_interrupt_catch(void)
{
    previous_handler = signal(SIGINT, on_interrupt);
}

void tune_interrupt_restore(void)
{
    signal(SIGINT, previous_handler);
}


static double monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int on_tune(const descent_tune_progress *p, void *user)
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

void print_tune_table(const tune_cli *t, const descent_search *s, const int *order, int n, const char *metric)
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

int write_tune_results(const tune_cli *t, const descent_search *s, const int *order, int n,
                              const descent_tune_test *test)
{
    outfile o;
    int rc = out_open(&o, t->out, 0);
    if (rc) return rc;
    FILE *f = o.f;
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
    return out_commit(&o);
}
