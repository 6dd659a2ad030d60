/* test_csv.c - the CSV reader as a stream: a file read through buffers of
 * every small size gives what the same bytes give from memory, errors
 * included; which of two problems in a file is reported; array growth. */
#include "check.h"
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>

/* Both NULL with the same code and message (b's prefixed with "t.csv: "), or
 * both datasets with the same rows, bit for bit, and the same names. */
static int same_result(const descent_dataset *a, const descent_error *ea, const descent_dataset *b,
                       const descent_error *eb)
{
    if (!a || !b) {
        char want[DESCENT_MESSAGE_MAX + 8];
        snprintf(want, sizeof want, "t.csv: %s", ea->message);
        return !a && !b && ea->code == eb->code && strcmp(want, eb->message) == 0;
    }
    if (a->n != b->n || a->features != b->features || a->outputs != b->outputs || a->classes != b->classes)
        return 0;
    size_t n = (size_t)a->n;
    if (memcmp(a->x, b->x, n * (size_t)a->features * sizeof(float)) != 0) return 0;
    if ((a->y == NULL) != (b->y == NULL) || (a->labels == NULL) != (b->labels == NULL)) return 0;
    if (a->y && memcmp(a->y, b->y, n * (size_t)a->outputs * sizeof(float)) != 0) return 0;
    if (a->labels && memcmp(a->labels, b->labels, n * sizeof(int)) != 0) return 0;
    for (int j = 0; j < a->features; j++)
        if (strcmp(a->feature_names[j], b->feature_names[j]) != 0) return 0;
    for (int c = 0; c < a->classes; c++)
        if (strcmp(a->class_names[c], b->class_names[c]) != 0) return 0;
    return (a->target_name == NULL) == (b->target_name == NULL) &&
           (!a->target_name || strcmp(a->target_name, b->target_name) == 0);
}

/* text (len bytes) read from memory, then from a file through buffers of
 * 1 to 9, 16, 64 and 4096 bytes: the same every time. */
static void check_chunked(const char *text, size_t len, const descent_csv_options *o)
{
    static const size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 64, 4096};
    descent_error ea = {DESCENT_OK, ""};
    descent_dataset *a = descent_csv_parse(text, len, o, &ea);
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) {
        descent_dataset_free(a);
        return;
    }
    CHECK(fwrite(text, 1, len, f) == len);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        rewind(f);
        descent_error eb = {DESCENT_OK, ""};
        descent_dataset *b = csv_read_stream(f, "some/dir/t.csv", sizes[i], o, &eb);
        CHECK_MSG(same_result(a, &ea, b, &eb), "buffer %zu, text \"%.60s\": from memory '%s', from the file '%s'",
                  sizes[i], text, a ? "ok" : ea.message, b ? "ok" : eb.message);
        descent_dataset_free(b);
    }
    fclose(f);
    descent_dataset_free(a);
}

static void check_text(const char *text, const descent_csv_options *o)
{
    check_chunked(text, strlen(text), o);
}

static void test_chunk_boundaries(void)
{
    descent_csv_options o = descent_csv_defaults();
    check_text("a,b,label\r\n1,2,x\r\n3,4,y\r\n", NULL);
    /* Quoted fields with delimiters, line breaks (\n, \r\n, a lone \r) and "" inside. */
    check_text("\"a,1\",\"b\"\"2\",\"the\ntarget\"\n1,\"2\",\"red, dark\"\n3, 4 ,\"say \"\"hi\"\"\"\n"
               "5,6,\"two\r\nlines\"\r7,8,\"cr\ronly\"\r\n9,10,\"\"\"\"\n",
               NULL);
    /* A byte order mark, blank lines of every kind, no final line break. */
    check_text("\xEF\xBB\xBF\n\nx,y\n\n1,2.5\r\n   \n\r\n3,4\n\n\n5,6", NULL);
    check_text("\xEF\xBB\xBF", NULL);
    check_text("\xEF\xBB", NULL);
    check_text("x,y\r1,2\r3,4\r", NULL);
    /* Classes: text (sorted), numbers, known ones. */
    check_text("a,k\n1,b\n2,B\n3,10\n4,9\n", NULL);
    check_text("a,k\n1,10\n2,9\n3,2\n4,10\n", NULL);
    static const char *const known[] = {"pear", "apple", "fig"};
    o.class_names = known;
    o.n_classes = 3;
    check_text("x,kind\n1,fig\n2,fig\n3,pear\n", &o);
    check_text("x,kind\n1,fig\n2,plum\n3,pear\n", &o);
    o = descent_csv_defaults();
    o.delimiter = ';';
    check_text("a;b;t\n 1.5e1 ;\t-2;0.25\n+3;.5;1e-2\n", &o);
    o.delimiter = '\t';
    check_text("a\tb\n1\t2.5\n\"3\"\t  4.5  \n", &o);
    /* Errors, wherever the buffer happens to end. */
    check_text("a,b,c\n1,2,3\n1,\"2,3\n4,5,6\n", NULL);
    check_text("a,\"b\n", NULL);
    check_text("a,b\n\"1\"x,2\n", NULL);
    check_text("a,b\n\"1\"   ", NULL);
    check_text("a,b,c,d,e\n1,2,3,4,5\n\n1,2,3\n", NULL);
    check_text("a,b,s\n1,2,\"x\ny\"\n1,zz,y\n", NULL);
    check_text("", NULL);
    check_text("a,b,c\n\n\n", NULL);
    o = descent_csv_defaults();
    o.target = "nope";
    check_text("a,b,c\n1,2,3\n", &o);

    /* NUL bytes: dropped at the very end, read as text before anything else. */
    check_chunked("a,b\n1,2\n3,4\n\0\0\0", 15, NULL);
    check_chunked("a,b\n1,2\n3,4\0\0", 13, NULL);
    check_chunked("a,b\n1,2\0\0\n3,4\n", 15, NULL);
    check_chunked("a,t\n1,x\0y\n2,z\n", 14, NULL);
    check_chunked("a,t\n1,\"x\0\"\n2,z\n", 15, NULL);
    check_chunked("\0\0\0\0\0\0\0\0\0\0\0\0", 12, NULL);

    /* A record much longer than the buffer, and a long quoted field. */
    enum { COLS = 300 };
    char *text = malloc(COLS * 24 + 64);
    if (!text) return;
    size_t len = 0;
    for (int c = 0; c < COLS; c++) len += (size_t)sprintf(text + len, "%sc%d", c ? "," : "", c);
    text[len++] = '\n';
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < COLS; c++) len += (size_t)sprintf(text + len, "%s%d.25", c ? "," : "", r * c);
        text[len++] = '\n';
    }
    check_chunked(text, len, NULL);
    len = (size_t)sprintf(text, "a,t\n1,\"");
    for (int i = 0; i < 2000; i++) text[len++] = i % 50 == 49 ? '\n' : (i % 7 ? 'q' : '"');
    len += (size_t)sprintf(text + len, "\"\n2,\"w\"\n");
    check_chunked(text, len, NULL);
    free(text);
}

/* A file larger than the reader's own buffer, with records and quoted line
 * breaks across its boundaries, read by the public call. */
static void test_large_file(void)
{
    const char *path = "test_csv_large.csv";
    size_t cap = 3u << 20, len = 0;
    char *text = malloc(cap);
    if (!text) return;
    len += (size_t)sprintf(text, "\xEF\xBB\xBFx1,\"x\n2\",label\r\n");
    unsigned state = 7;
    static const char *const labels[] = {"red", "\"green, light\"", "\"blue\r\nish\"", "\"say \"\"hi\"\"\""};
    for (int r = 0; len + 100 < cap; r++) {
        state = state * 1103515245u + 12345u;
        len += (size_t)sprintf(text + len, "%d.%03u, %d ,%s\r\n", (int)(state >> 20) % 200 - 100, (state >> 8) % 1000,
                               r % 97, labels[(state >> 4) % 4]);
        if (r % 1000 == 999) len += (size_t)sprintf(text + len, "\r\n  \n");
    }
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) {
        free(text);
        return;
    }
    CHECK(fwrite(text, 1, len, f) == len);
    fclose(f);
    descent_error ea, eb;
    descent_dataset *a = descent_csv_parse(text, len, NULL, &ea);
    descent_dataset *b = descent_csv_read_file(path, NULL, &eb);
    CHECK_MSG(a && b, "%s / %s", a ? "ok" : ea.message, b ? "ok" : eb.message);
    CHECK(a && b && same_result(a, &ea, b, &eb));
    if (b) CHECK(b->n > 50000 && b->classes == 4 && strcmp(b->feature_names[1], "x\n2") == 0);
    descent_dataset_free(a);
    descent_dataset_free(b);
    remove(path);
    free(text);
}

static void expect_message(const char *text, const descent_csv_options *o, const char *needle)
{
    descent_error err = {DESCENT_OK, ""};
    descent_dataset *ds = descent_csv_parse(text, strlen(text), o, &err);
    CHECK_MSG(ds == NULL, "\"%s\" should fail", text);
    descent_dataset_free(ds);
    CHECK_HAS(err.message, needle);
    check_text(text, o);
}

/* Rows are read as they come, yet the reader reports what it reported when
 * it split the whole text first: a malformed record anywhere before any
 * problem in the rows, and a structural problem before a row's. */
static void test_error_order(void)
{
    descent_csv_options o = descent_csv_defaults();
    expect_message("a,b\n1,x\n1,\"2\n", NULL, "line 3, column 2: unterminated quoted field");
    expect_message("a,b\n1,2,3\n4,\"5\"x\n", NULL, "line 3, column 2: 'x' after a closing quote");
    expect_message("a,y\n1,1e39\nx,2\n", NULL, "line 3, column 1 ('a'): 'x' is not a number");
    expect_message("a,y\n1,\n2,x\n", NULL, "line 2, column 2 ('y'): empty target cell");
    o.target = "zz";
    expect_message("a,b\n1,2\n\"3\n", &o, "line 3, column 1: unterminated quoted field");
    expect_message("a,b\n", &o, "no data rows after the header (line 1)");
    expect_message("a,b\n1,2\n", &o, "unknown target column 'zz'");
    static const char *const known[] = {"p", "q"};
    o = descent_csv_defaults();
    o.class_names = known;
    o.n_classes = 2;
    expect_message("x,k\n1,r\n2,q\nz,q\n", &o, "line 4, column 1 ('x'): 'z' is not a number");
    expect_message("x,k\n1,r\n2,s\n", &o, "line 2, column 2 ('k'): class 'r' is not one of the known classes (p, q)");
    o.n_classes = 1;
    expect_message("x,k\n1,r\n", &o, "n_classes is 1");
}

/* descent_grow: amortized growth, and a size past the platform's limit
 * refused with the request named, the old block kept. */
static void test_grow(void)
{
    descent_error err;
    size_t cap = 0;
    int *p = descent_grow(NULL, &cap, 1, sizeof(int), "some ints", &err);
    CHECK(p != NULL && cap >= 1);
    size_t grows = 0, last = cap;
    for (int i = 0; p && i < 100000; i++) {
        int *q = descent_grow(p, &cap, (uint64_t)i + 1, sizeof(int), "some ints", &err);
        CHECK(q != NULL);
        if (!q) break;
        p = q;
        p[i] = i;
        if (cap != last) grows++;
        last = cap;
    }
    CHECK(grows < 40);
    int *q = descent_grow(p, &cap, UINT64_MAX / 2, 8, "a huge table", &err);
    CHECK(q == NULL && err.code == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "a huge table would take");
    CHECK(cap == last);
    if (p) CHECK(p[99999] == 99999);
    q = descent_grow(p, &cap, descent_size_limit(), 2, "a big table", &err);
    CHECK(q == NULL && err.code == DESCENT_ERR_MEMORY);
    CHECK_HAS(err.message, "a big table would take");
    free(p);
}

CHECK_MAIN(TEST(test_chunk_boundaries), TEST(test_large_file), TEST(test_error_order), TEST(test_grow))
