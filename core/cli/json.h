/* json.h - the command-line tool's JSON: a reader for the files it imports
 * (TF.js's model.json), into a tree of values, with file:line:column in
 * every message; and the writing of strings and numbers as JSON. */
#ifndef DESCENT_CLI_JSON_H
#define DESCENT_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

typedef enum json_type {
    JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
} json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    int line, column;               /* where the value starts, from 1 */
    double number;                  /* JSON_NUMBER */
    char *string;                   /* JSON_STRING: UTF-8, NUL-terminated (a \u0000 inside is refused) */
    size_t count;                   /* JSON_ARRAY, JSON_OBJECT: items */
    json_value *items;              /* the items, in order */
    char **keys;                    /* JSON_OBJECT: the items' keys */
};

#define JSON_MAX_DEPTH 64           /* arrays and objects nested deeper are refused */

/* Parses len bytes of text. On failure returns NULL with "NAME:LINE:COLUMN:
 * what" in msg (name is the file's, for the messages). Free with json_free. */
json_value *json_parse(const char *text, size_t len, const char *name, char *msg, size_t msg_size);
void json_free(json_value *v);

/* The value of key in an object, or NULL (also when v is not an object). */
const json_value *json_get(const json_value *v, const char *key);
/* A JSON type's name for messages: "a number", "an object", ... */
const char *json_type_name(json_type t);

/* s as a JSON string, quoted; 0, or -1 when s is not well-formed UTF-8. */
int json_put_string(FILE *f, const char *s);
/* A float32 value as the shortest JSON number that reads back as it. */
void json_put_float(FILE *f, float v);

#endif
