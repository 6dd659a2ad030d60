/* args.c - the command line read: flags and their values, checked against
 * the library's ranges, names and limits, and the one-line messages that
 * refuse them (exit 2) or report a failure while running (exit 1). */
#include "tool.h"
#include "escape.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int runtime_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return EXIT_RUNTIME;
}

/* Library messages about a file usually name it; when one does not, the
 * user still needs to know which of the files given was at fault. */
int file_error(const char *path, const descent_error *err)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strstr(err->message, *base ? base : path)) return runtime_error("%s", err->message);
    return runtime_error("%s: %s", path, err->message);
}

/* --------------------------------------------------------------- flags */

const char *help_text(const char *help, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = help; *p && used + 1 < size;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        int v = -1;
        for (int k = 0; close && k < DESCENT_VOCABULARIES && v < 0; k++) {
            const char *title = descent_vocabulary_title((descent_vocabulary)k);
            if (strlen(title) == (size_t)(close - p - 1) && strncmp(p + 1, title, strlen(title)) == 0) v = k;
        }
        if (v < 0) {
            out[used++] = *p++;
            out[used] = '\0';
            continue;
        }
        for (int i = 0; i < descent_vocabulary_size((descent_vocabulary)v) && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "",
                                     descent_vocabulary_word((descent_vocabulary)v, i));
        if (used >= size) used = size - 1;
        p = close + 1;
    }
    return out;
}

static int is_repeatable(const command *c, const char *name)
{
    for (const char *const *r = c->repeatable; r && *r; r++)
        if (strcmp(*r, name) == 0) return 1;
    return 0;
}

int option_index(const command *c, const char *name)
{
    for (int i = 0; i < c->n_options; i++)
        if (strcmp(c->options[i].name, name) == 0) return i;
    return -1;
}

int parse_args(const command *c, int argc, char **argv, args *a)
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
        /* Given twice, a flag is a mistake (which was meant?), unless it is one that collects its values. */
        const char *before = a->value[k];
        if (!o->arg) {
            if (eq) return usage_error("%s takes no value (got '%s')", o->name, eq + 1);
            a->value[k] = "";
        } else if (eq) {
            a->value[k] = eq + 1;
        } else if (i + 1 < argc && !(strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2] != '\0')) {
            a->value[k] = argv[++i];
        } else {
            char text[1024];
            return usage_error("%s needs a value: %s", o->name, help_text(o->help, text, sizeof text));
        }
        if (is_repeatable(c, o->name)) {
            if (a->n_repeated[k] == MAX_REPEATS)
                return usage_error("%s may be given at most %d times", o->name, MAX_REPEATS);
            a->repeated[k][a->n_repeated[k]++] = a->value[k];
        } else if (before) {
            return o->arg ? usage_error("%s is given twice ('%s', then '%s'): give it once", o->name, before, a->value[k])
                          : usage_error("%s is given twice: give it once", o->name);
        }
    }
    return EXIT_OK;
}

const char *get(const args *a, const char *name)
{
    int k = option_index(a->cmd, name);
    return k >= 0 ? a->value[k] : NULL;
}

int has(const args *a, const char *name)
{
    return get(a, name) != NULL;
}

int require(const args *a, const char *name, const char **out)
{
    *out = get(a, name);
    if (!*out || !**out)
        return usage_error("%s %s is required for '%s' (see descent %s --help)", name,
                           a->cmd->options[option_index(a->cmd, name)].arg, a->cmd->name, a->cmd->name);
    return EXIT_OK;
}

/* -------------------------------------------------------------- values */

/* The CLI says "a number > 0" where the library says "a finite number > 0". */
static const char *range_words(descent_range r)
{
    switch (r) {
    case DESCENT_RANGE_POSITIVE: return "a number > 0";
    case DESCENT_RANGE_NON_NEGATIVE: return "a number >= 0";
    case DESCENT_RANGE_UNIT_OPEN: return "a number in [0, 1)";
    case DESCENT_RANGE_UNIT_CLOSED: return "a number in [0, 1]";
    case DESCENT_RANGE_FLAG: return "0 or 1";
    }
    return "a number";
}

/* The whole string must be a number; the library's descent_check_float then
 * decides whether it is in range as the float32 it becomes (so 1e39, or
 * 1e-50 for a positive value, is refused here as it would be there). */
int get_number(const args *a, const char *name, double fallback, descent_range range, double *out)
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
    descent_error e;
    if (!parsed || descent_check_float(name, v, range, &e) != DESCENT_OK) {
        /* The library's reason, when it is the float32 rounding: "..., which is 0 as a float32)". */
        const char *got = parsed ? strstr(e.message, " (got ") : NULL;
        const char *why = got ? strstr(got, ", ") : NULL;
        return usage_error("%s must be %s (got '%s'%s", name, range_words(range), s, why ? why : ")");
    }
    *out = v;
    return EXIT_OK;
}

int parse_integer(const char *s, long long lo, long long hi, long long *out)
{
    const char *p = s;
    if (*p == '-') p++;
    if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 18) return 0;
    long long v = strtoll(s, NULL, 10);
    if (v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

int get_integer(const args *a, const char *name, long long fallback, long long lo, long long hi, long long *out)
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

/* Matches a value against a vocabulary, so the message lists exactly what
 * the library accepts; `extra` is a CLI-only choice such as "auto". */
int get_choice(const args *a, const char *name, descent_vocabulary v, const char *extra, int fallback, int *out)
{
    const char *s = get(a, name);
    *out = fallback;
    if (!s) return EXIT_OK;
    if (extra && strcmp(s, extra) == 0) {
        *out = -1;
        return EXIT_OK;
    }
    int n = descent_vocabulary_size(v);
    for (int i = 0; i < n; i++) {
        if (strcmp(s, descent_vocabulary_word(v, i)) == 0) {
            *out = i;
            return EXIT_OK;
        }
    }
    char allowed[512] = "";
    if (extra) snprintf(allowed, sizeof allowed, "%s", extra);
    for (int i = 0; i < n; i++) {
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "", descent_vocabulary_word(v, i));
    }
    return usage_error("%s must be one of %s (got '%s')", name, allowed, s);
}

int get_batch(const args *a, long long *out)
{
    const char *batch = get(a, "--batch");
    if (batch && strcmp(batch, "full") == 0) {
        *out = 0;
    } else if (!batch) {
        *out = 32;
    } else if (!parse_integer(batch, 1, DESCENT_MAX_BATCH, out)) {
        return usage_error("--batch must be an integer in 1..%d or 'full' (got '%s')", DESCENT_MAX_BATCH, batch);
    }
    return EXIT_OK;
}

int csv_target_options(const char *target, int task, descent_csv_options *csv)
{
    *csv = descent_csv_defaults();
    csv->task = (descent_task)task;
    if (target && *target && strspn(target, "0123456789") == strlen(target)) {
        long long index;
        if (!parse_integer(target, 0, DESCENT_MAX_COLUMNS - 1, &index))
            return usage_error("--target index must be in 0..%d (got '%s')", DESCENT_MAX_COLUMNS - 1, target);
        csv->target_index = (int)index;
    } else if (target) {
        csv->target = target;
    }
    return EXIT_OK;
}
