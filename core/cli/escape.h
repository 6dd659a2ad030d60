/* escape.h - how the CLI shows text that comes from files (column, class,
 * feature and target names, and messages quoting them): bytes that could
 * steer a terminal are written as \xNN, everything else as it is. */
#ifndef DESCENT_CLI_ESCAPE_H
#define DESCENT_CLI_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Writes s to f, escaped. With csv_quotes, '"' is doubled (inside a quoted CSV field). */
void escape_put(FILE *f, const char *s, int csv_quotes);

/* The bytes escape_put writes for s (without csv_quotes). */
size_t escape_length(const char *s);

/* s escaped into out (size > 0 bytes), cut short at a whole character when
 * it does not fit, NUL-terminated; returns out. */
char *escape_into(char *out, size_t size, const char *s);

#endif
