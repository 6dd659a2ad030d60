/* exports_vocabulary.c - what the ES module learns from the core at load,
 * instead of keeping copies: every vocabulary (names in the core's order),
 * the limits, which metrics are better higher, and the field tables of
 * fields.h (the layout of each struct passed as doubles). Optimizer
 * defaults come through dj_optimizer_defaults (exports_model.c). */
#include "exports.h"

API const char *dj_vocabulary_title(int v) { return descent_vocabulary_title((descent_vocabulary)v); }
API int dj_vocabulary_size(int v) { return descent_vocabulary_size((descent_vocabulary)v); }
API const char *dj_vocabulary_word(int v, int i) { return descent_vocabulary_word((descent_vocabulary)v, i); }
API double dj_limit_value(int limit) { return descent_limit_value((descent_limit)limit); }
API int dj_optimizer_uses(int kind, int param)
{
    return descent_optimizer_uses((descent_optimizer_kind)kind, (descent_optimizer_param)param);
}
API const char *dj_range_text(int param)
{
    return descent_range_text(descent_optimizer_param_range((descent_optimizer_param)param));
}

#include "descent_tune.h"
API int dj_metric_higher_is_better(int m) { return descent_tune_metric_higher_is_better((descent_tune_metric)m); }

/* ------------------------------------------------------------ field tables */

struct field {
    const char *name;
    int width;
};
struct table {
    const char *name;
    const struct field *fields;
    int count;
};

#define DJ_FIELD_ENTRY(T, name, width) {#name, (width)},
#define DJ_TABLE_FIELDS(T, js) static const struct field fields_##js[] = {DJ_FIELDS_##T(DJ_FIELD_ENTRY, T)};
DJ_TABLES(DJ_TABLE_FIELDS)
#define DJ_TABLE_ENTRY(T, js) {#js, fields_##js, (int)(sizeof fields_##js / sizeof fields_##js[0])},
static const struct table tables[] = {DJ_TABLES(DJ_TABLE_ENTRY)};
#define TABLES ((int)(sizeof tables / sizeof tables[0]))

/* The tables by index (NULL past the last), each field's name and width. */
API const char *dj_field_table(int t) { return t >= 0 && t < TABLES ? tables[t].name : NULL; }
API int dj_field_count(int t) { return t >= 0 && t < TABLES ? tables[t].count : 0; }
API const char *dj_field_name(int t, int i) { return tables[t].fields[i].name; }
API int dj_field_width(int t, int i) { return tables[t].fields[i].width; }
