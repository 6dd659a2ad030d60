/* csv.h - the CSV reader, internal to the core: csv.c splits text into
 * records, from memory or from a file read in bounded chunks;
 * csv_dataset.c turns records, one at a time, into a dataset;
 * csv_columns.c decides what each column is for (a feature, skipped, kept
 * aside as text) and keeps the kept cells; csv_number.c reads numbers. */
#ifndef DESCENT_CSV_H
#define DESCENT_CSV_H

#include "internal.h"

#include <stdio.h>

/* What the reader's allocations are called in their messages. */
#define CSV_DATA "the CSV data"

/* One field, unescaped: len bytes at text, not NUL-terminated. A field may
 * hold NUL bytes; where it is used as a name it ends at the first, as a C
 * string would. */
typedef struct csv_field {
    const char *text;
    size_t len;
    size_t line;                    /* physical line where the field starts */
    size_t scratch;                 /* csv.c's own: 1 + offset of a quoted field's text in its buffer, else 0 */
    int quoted;
} csv_field;

/* A record (never a blank line). Its fields live until the next record. */
typedef struct csv_record {
    const csv_field *fields;
    int count;
    size_t line;                    /* line where the record starts */
} csv_record;

/* --------------------------------------------- csv_number.c: numbers */

enum { CSV_NUM_OK = 0, CSV_NUM_EMPTY, CSV_NUM_TEXT, CSV_NUM_RANGE };

/* The whole field (blanks around it aside) as a finite double: CSV_NUM_OK,
 * or why not (empty, not a plain decimal, beyond double range). */
int csv_parse_double(const char *s, size_t len, double *out);
/* The same, and CSV_NUM_RANGE beyond float range (a feature value). */
int csv_parse_float(const char *s, size_t len, double *out);

/* ------------------------ csv_columns.c: what each column is for, kept cells */

/* The header's columns resolved against the options' columns and keep. */
typedef struct csv_columns {
    int cols;
    int *feature;                   /* cols entries: the feature a column fills, or -1 */
    int *kept;                      /* cols entries: the kept slot a column fills, or -1 */
    int features, n_kept;
    char *text;                     /* kept cells, NUL-terminated, row after row */
    size_t text_used, text_cap;
    size_t *at;                     /* n_kept offsets into text per row */
    size_t at_cap;                  /* rows at holds room for */
} csv_columns;

/* The options' columns and keep lists: counts in range, no NULL name. */
descent_status csv_columns_check(const descent_csv_options *o, descent_error *err);
/* Resolves the header (cols names: head_text + head[2c], head[2c + 1]
 * bytes) with the target at column target (-1: none). A problem with the
 * file (a column asked for that the header lacks, asked for twice, or that
 * is the target; no feature left) goes to *problem, and 0 is returned;
 * -1 is out of memory (err filled); 1 is resolved. */
int csv_columns_resolve(csv_columns *c, const char *head_text, const size_t *head, int cols, int target,
                        size_t header_line, const descent_csv_options *o, descent_error *problem,
                        descent_error *err);
/* Keeps the kept cells of data row `row` (the rows before it kept). */
descent_status csv_columns_keep_row(csv_columns *c, const csv_field *fields, int row, descent_error *err);
/* Moves the kept cells and names into ds (n rows). */
descent_status csv_columns_finish(csv_columns *c, descent_dataset *ds, const char *head_text, const size_t *head,
                                  descent_error *err);
void csv_columns_free(csv_columns *c);
/* "a, b, c" for a message, cut short with the total when long. */
void csv_column_list(const char *head_text, const size_t *head, int cols, char *out, size_t size);
/* out's kept cells: rows idx[0..m-1] of ds's (for descent_dataset_subset). */
descent_status csv_kept_subset(descent_dataset *out, const descent_dataset *ds, const int *idx, int m,
                               descent_error *err);
void csv_kept_free(descent_dataset *ds);

/* ------------------------------------- csv_dataset.c: records to a dataset */

typedef struct csv_builder csv_builder;

/* A builder for options already checked by csv.c (the delimiter, the task). */
csv_builder *csv_builder_create(const descent_csv_options *options, descent_error *err);
/* The text holds at most lines line breaks in bytes bytes: the rows can be
 * allocated once instead of grown (a hint, for text already in memory). */
void csv_builder_expect(csv_builder *b, size_t lines, size_t bytes);
/* Takes the next record, the header first. A problem in the data (a cell
 * that is not a number, a wrong field count, an unknown target column) is
 * kept, and reported by csv_builder_finish, so that a malformed record
 * further on is reported first, as when the whole text was split before
 * anything was read; what fails here is memory. */
descent_status csv_builder_add(csv_builder *b, const csv_record *r, descent_error *err);
/* The dataset, or NULL with err filled; b is freed either way. */
descent_dataset *csv_builder_finish(csv_builder *b, descent_error *err);
void csv_builder_free(csv_builder *b);

/* ------------------------------------------------ csv.c: text to records */

/* The reader behind descent_csv_read_file, reading f through a buffer of
 * buffer bytes at first (it grows only to hold one record that is longer);
 * name is the path, for messages. Exposed so tests can use tiny buffers. */
descent_dataset *csv_read_stream(FILE *f, const char *name, size_t buffer, const descent_csv_options *options,
                                 descent_error *err);

#endif
