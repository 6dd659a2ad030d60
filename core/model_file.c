/* model_file.c - a model file on disk: saved by path, and loaded by path
 * reading the header first and then no more than it announces, so a file
 * that is not a model (a CSV given by mistake, /dev/zero) is refused before
 * it is read whole. The bytes themselves are io.c's. */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

descent_status descent_model_save_file(const descent_model *m, int with_optimizer, const char *path,
                                       descent_error *err)
{
    if (!path) return descent_fail(err, DESCENT_ERR_ARGUMENT, "path must not be NULL");
    unsigned char *bytes;
    size_t len;
    descent_status s = descent_model_save(m, with_optimizer, &bytes, &len, err);
    if (s != DESCENT_OK) return s;
    FILE *f = fopen(path, "wb");
    if (!f) {
        s = descent_fail(err, DESCENT_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    } else {
        size_t wrote = fwrite(bytes, 1, len, f);
        int closed = fclose(f);
        if (wrote != len || closed != 0)
            s = descent_fail(err, DESCENT_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    free(bytes);
    return s;
}

descent_model *descent_model_load_file(const char *path, descent_error *err)
{
    FILE *f = descent_open_read(path, err);
    if (!f) return NULL;
    /* The header first, then no more than it announces (and a byte, to tell a damaged file): a file that is not
     * a model (a CSV given by mistake, /dev/zero) is refused before it is read whole. */
    size_t len, rest_len = 0;
    unsigned char *buf = descent_read_stream(f, path, MODEL_HEADER_BYTES, &len, err), *rest = NULL;
    if (buf && model_header_payload(buf, len)) {
        rest = descent_read_stream(f, path, (size_t)model_header_payload(buf, len) + 1, &rest_len, err);
        unsigned char *whole = rest ? realloc(buf, MODEL_HEADER_BYTES + rest_len + 1) : NULL;
        if (whole) {
            memcpy(whole + MODEL_HEADER_BYTES, rest, rest_len);
            len += rest_len;
        } else if (rest) {
            descent_fail(err, DESCENT_ERR_MEMORY, "out of memory reading '%s'", path);
        }
        free(rest);
        if (!whole) free(buf);
        buf = whole;
    }
    fclose(f);
    if (!buf) return NULL;
    descent_error inner;
    descent_model *m = descent_model_load(buf, len, &inner);
    free(buf);
    if (!m) descent_fail(err, inner.code, "%s: %s", path, inner.message);
    return m;
}
