/* internal.h - helpers shared by the core's source files; not installed.
 * The core implements the whole public API, so this sees all of it. */
#ifndef DESCENT_INTERNAL_H
#define DESCENT_INTERNAL_H

#include "descent_tune.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

/* Fills err (if any) with code and a printf-style message; returns code. */
descent_status descent_fail(descent_error *err, descent_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* printf-style formatting into buf (at most size - 1 bytes and a NUL);
 * returns the length of the whole output, as snprintf. The core formats
 * every message and name through these (core/format.c), never printf: in
 * the wasm module they are done by JavaScript, which keeps libc's float
 * formatting out of it. */
int descent_format(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#include <stdarg.h>
int descent_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* A small, fast, seedable generator (SplitMix64). Integer-only, so a seed
 * gives the same sequence natively and in WebAssembly. */
typedef struct rng {
    uint64_t state;
} rng;

/* stream separates independent uses of one seed (init, shuffle, data, ...). */
void rng_seed(rng *r, uint32_t seed, uint64_t stream);
uint64_t rng_next(rng *r);
/* Uniform in [0, 1) with 24 random bits, so exactly representable in float. */
float rng_uniform(rng *r);
/* Uniform integer in [0, n), unbiased; n >= 1. */
uint32_t rng_below(rng *r, uint32_t n);
/* Standard normal (Marsaglia polar method in double). */
double rng_normal(rng *r);
/* Fisher-Yates shuffle of idx[0..n-1]. */
void rng_shuffle(rng *r, int *idx, int n);

enum { RNG_STREAM_INIT = 1, RNG_STREAM_SHUFFLE = 2, RNG_STREAM_DATA = 3, RNG_STREAM_SPLIT = 4, RNG_STREAM_KFOLD = 5,
       RNG_STREAM_TUNE = 6, RNG_STREAM_SURFACE = 7 };

/* ------------------------------------------------------------ sizes
 * Every size computed from user-controlled counts (rows, units, parameters,
 * classes, columns) goes through these: the product is formed in 64 bits,
 * checked for overflow and against the most one object may hold on this
 * platform (PTRDIFF_MAX: 2 GiB - 1 with wasm32's 32-bit size_t), and a
 * request that cannot be met fails with a message naming what was asked,
 * its factors, the bytes and the limit, before anything is allocated. */

/* The largest object (in bytes) this platform can address: PTRDIFF_MAX. */
uint64_t descent_size_limit(void);

/* *out = a·b·c bytes (pass 1 for an unused factor), checked as above. what
 * names the request for the message ("the workspace for a batch of 358
 * rows"). DESCENT_ERR_MEMORY when it cannot be met; *out is then 0. */
descent_status descent_size(size_t *out, uint64_t a, uint64_t b, uint64_t c, const char *what, descent_error *err);
/* *total += add, with the same checks (for sums of products). */
descent_status descent_size_add(size_t *total, size_t add, const char *what, descent_error *err);

/* The most elements one buffer may hold when a loop indexes it with an int
 * (the kernels do, with vector steps of up to 16): INT_MAX rounded down to a
 * multiple of 16, so i + 16 never overflows. */
#define DESCENT_MAX_COUNT (INT_MAX & ~15)

/* *out = a·b elements, checked in 64 bits against DESCENT_MAX_COUNT;
 * DESCENT_ERR_MEMORY naming what, the factors and the limit otherwise. */
descent_status descent_count(int *out, uint64_t a, uint64_t b, const char *what, descent_error *err);

/* malloc / calloc of count·size bytes through descent_size; NULL with err
 * filled (the size, or out of memory) on failure. At least one byte is
 * allocated, so a zero count still gives a pointer to free. */
void *descent_alloc(uint64_t count, uint64_t size, const char *what, descent_error *err);
void *descent_zalloc(uint64_t count, uint64_t size, const char *what, descent_error *err);
/* Grows p, an array of *cap elements of size bytes, to hold at least need
 * (by half again, so n appends cost O(n)), with the size checked as above;
 * *cap is updated. NULL with err filled on failure, p then still valid. */
void *descent_grow(void *p, size_t *cap, uint64_t need, uint64_t size, const char *what, descent_error *err);

/* Checks every field the spec's kind uses against its range (vocabulary.c). */
descent_status optimizer_validate(const descent_optimizer_spec *spec, descent_error *err);

/* path opened for reading, or NULL with the error (which names it) in err. */
FILE *descent_open_read(const char *path, descent_error *err);
/* Reads a whole file into a new buffer (free() it), with located errors. */
unsigned char *descent_read_file(const char *path, size_t *length, descent_error *err);
/* A model file's header (io.c, model_file.c): its length, and the bytes of
 * model it announces (0 when head is not a model file's header). */
#define MODEL_HEADER_BYTES 16
uint32_t model_header_payload(const unsigned char *head, size_t length);
/* At most more bytes of f (path names it in messages) appended to *buf, of
 * *length bytes (NULL, 0 to start); on failure *buf is freed and NULL. */
descent_status descent_read_more(FILE *f, const char *path, size_t more, unsigned char **buf, size_t *length,
                                 descent_error *err);

/* strdup that reports failure through err. */
char *descent_strdup(const char *s);

/* Text from an input shown in a message: at most size - 1 bytes (cut with
 * "..." and never inside a UTF-8 sequence), control bytes as '?'. Returns dst. */
const char *descent_show(char *dst, size_t size, const char *s, size_t len);

#endif
