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
    unsigned char *buf = NULL;
    size_t len = 0;
    descent_status s = descent_read_more(f, path, MODEL_HEADER_BYTES, &buf, &len, err);
    uint32_t payload = s == DESCENT_OK ? model_header_payload(buf, len) : 0;
    if (payload) s = descent_read_more(f, path, (size_t)payload + 1, &buf, &len, err);
    fclose(f);
    if (s != DESCENT_OK) return NULL;
    descent_error inner;
    descent_model *m = descent_model_load(buf, len, &inner);
    free(buf);
    if (!m) descent_fail(err, inner.code, "%s: %s", path, inner.message);
    return m;
}
