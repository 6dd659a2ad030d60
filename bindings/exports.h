/* exports.h - what the exports_*.c files (the plain C ABI the ES module
 * calls) share: flat arguments (numbers and heap pointers) instead of
 * structs, laid out as fields.h describes; one error slot whose message the
 * JS side reads after any non-zero status. */
#ifndef DESCENT_EXPORTS_H
#define DESCENT_EXPORTS_H

#include "descent.h"
#include "descent_data.h"
#include "internal.h" /* descent_format, descent_alloc: no libc printf in the module */
#include "fields.h"

#include <emscripten.h>

#define API EMSCRIPTEN_KEEPALIVE

/* The last error of any call; read by dj_error_message / dj_error_code. */
extern descent_error dj_last_error;

/* JS numbers arrive as doubles; a float field is checked as a float32
 * before it is narrowed, so 1e39 is refused by name rather than becoming
 * infinity (descent_check_float). 1 when it is fine. */
int dj_check_float(const char *name, double v, descent_range range);

/* For the ABI's own small allocations: sets the error, returns NULL. */
void *dj_out_of_memory(const char *what);

/* The structs as fields.h lays them out in doubles. */
descent_optimizer_spec dj_unpack_optimizer(const double *o);
void dj_pack_optimizer(const descent_optimizer_spec *s, double *o);
void dj_pack_metrics(const descent_metrics *mt, double *out);

#endif
