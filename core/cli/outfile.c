/* outfile.c - the files the tool writes (a model, predictions, an export, a
 * generated set, a tuning table), whole or not at all: each is written beside
 * its path under a temporary name and renamed over the path only once
 * complete, so a failure halfway (a full disk, a name JSON cannot hold)
 * leaves what was there as it was. out_check, before any work, refuses a
 * path that cannot be written (no such folder, a folder) or that is one of
 * the command's inputs, which it would replace. */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int out_open(outfile *o, const char *path, int binary)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    size_t n = strlen(path) + 48;
    if (!(o->tmp = malloc(n))) return runtime_error("out of memory");
    snprintf(o->tmp, n, "%s.descent-%ld.tmp", path, (long)getpid());
    /* "x": never over a file that is there (a leftover of a killed run is refused, not clobbered) */
    if (!(o->f = fopen(o->tmp, binary ? "wbx" : "wx"))) {
        int rc = runtime_error("cannot write '%s': %s", errno == EEXIST ? o->tmp : path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return rc;
    }
    return EXIT_OK;
}

void out_abort(outfile *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) remove(o->tmp);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int out_commit(outfile *o)
{
    int bad = ferror(o->f);
    int closed = fclose(o->f);
    o->f = NULL;
    if (bad || closed != 0) {
        int rc = runtime_error("cannot write '%s': %s", o->path, strerror(errno));
        out_abort(o);
        return rc;
    }
    if (rename(o->tmp, o->path) != 0) { /* (a folder at path: "Is a directory") */
        int rc = runtime_error("cannot write '%s': %s", o->path, strerror(errno));
        out_abort(o);
        return rc;
    }
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return EXIT_OK;
}

int out_check(const char *flag, const char *path, const char *const *inputs)
{
    if (!path) return EXIT_OK;
    for (const char *const *in = inputs; in && *in; in++)
        if (same_file(path, *in))
            return usage_error("%s '%s' is the file '%s' the command reads: it would be replaced; write elsewhere",
                               flag, path, *in);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return usage_error("%s '%s' is a folder: name a file", flag, path);
    /* The folder must take a file now, not after the work. */
    outfile o;
    int rc = out_open(&o, path, 1);
    if (rc) return rc;
    out_abort(&o);
    return EXIT_OK;
}

int out_save_model(const descent_model *m, int with_optimizer, const char *path)
{
    unsigned char *bytes;
    size_t len;
    descent_error err;
    if (descent_model_save(m, with_optimizer, &bytes, &len, &err) != DESCENT_OK) return runtime_error("%s", err.message);
    outfile o;
    int rc = out_open(&o, path, 1);
    if (!rc) {
        fwrite(bytes, 1, len, o.f);
        rc = out_commit(&o);
    }
    free(bytes);
    return rc;
}
