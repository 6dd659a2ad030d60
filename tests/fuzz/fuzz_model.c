/* fuzz_model.c - libFuzzer harness for the model-file loader
 * (descent_model_load). With the first byte even, the rest of the input is
 * a payload and the harness writes a correct header for it (magic, version,
 * length, CRC-32), so mutations reach the fields behind the checksum; with it
 * odd, the rest is taken as a whole file. A model that loads must predict,
 * train a step and save, and what it saves must load to the same bytes. */
#include "descent.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(cond)                                                                                                   \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "fuzz_model: expected %s (line %d)\n", #cond, __LINE__);                                  \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

/* zlib's CRC-32, as core/FORMAT.md specifies it. */
static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Small enough to run: a step on a model with millions of weights would make every input slow. */
static void exercise(descent_model *m)
{
    descent_error err;
    int inputs = descent_model_inputs(m), outputs = descent_model_outputs(m);
    EXPECT(inputs >= 1 && outputs >= 1 && descent_model_layer_count(m) >= 1);
    for (int i = 0; i < inputs; i++) (void)descent_model_feature_name(m, i);
    for (int c = 0; c < descent_model_class_count(m); c++) EXPECT(descent_model_class_name(m, c));
    if (descent_model_param_count(m) > 100000 || inputs > 10000) return;
    float *x = calloc((size_t)inputs * 2, sizeof(float));
    float *y = calloc((size_t)outputs * 2, sizeof(float));
    float *out = calloc((size_t)outputs * 2, sizeof(float));
    EXPECT(x && y && out);
    x[0] = 1;
    if (descent_model_predict(m, x, 2, out, &err) != DESCENT_OK) EXPECT(err.message[0]);
    float loss;
    if (descent_model_train_step(m, x, y, 2, &loss, &err) != DESCENT_OK) EXPECT(err.message[0]);
    free(x);
    free(y);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int raw = data[0] & 1;
    data++;
    size--;
    size_t len = raw ? size : size + 16;
    unsigned char *file = malloc(len ? len : 1);
    EXPECT(file);
    if (raw) {
        if (size) memcpy(file, data, size);
    } else {
        memcpy(file, "DSNT", 4);
        put_u32(file + 4, 1);
        put_u32(file + 8, (uint32_t)size);
        put_u32(file + 12, crc32(data, size));
        if (size) memcpy(file + 16, data, size);
    }

    descent_error err;
    descent_model *m = descent_model_load(file, len, &err);
    free(file);
    if (!m) {
        EXPECT(err.code != DESCENT_OK && err.message[0]);
        return 0;
    }
    /* What a loaded model saves loads again, to the same bytes. */
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    EXPECT(descent_model_save(m, 1, &a, &alen, &err) == DESCENT_OK);
    descent_model *again = descent_model_load(a, alen, &err);
    if (!again) fprintf(stderr, "fuzz_model: a saved model does not load: %s\n", err.message);
    EXPECT(again);
    EXPECT(descent_model_save(again, 1, &b, &blen, &err) == DESCENT_OK);
    EXPECT(alen == blen && memcmp(a, b, alen) == 0);
    free(a);
    free(b);
    descent_model_free(again);

    exercise(m);
    descent_model_free(m);
    return 0;
}
