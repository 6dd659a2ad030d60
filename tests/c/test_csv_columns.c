/* test_csv_columns.c - the CSV reader's columns and keep options: features
 * read by name in the order asked for, other columns skipped unread, cells
 * kept aside as text (through subsets too), and the errors for a column
 * asked for that is missing, asked twice or the target; the same from a
 * file read through buffers of every small size. */
#include "check.h"
#include "csv.h"

#include <stdlib.h>

static descent_dataset *parse(const char *text, const descent_csv_options *o, descent_error *err)
{
    return descent_csv_parse(text, strlen(text), o, err);
}

static const char *const ab[] = {"a", "b"};
static const char *const id_note[] = {"id", "note"};

static void test_columns_by_name(void)
{
    descent_error err;
    descent_csv_options o = descent_csv_defaults();
    o.target = "y";
    o.columns = ab + 0;
    o.n_columns = 2;
    /* b comes before a in the file, a note of text sits between: skipped. */
    const char *text = "id,b,note,a,y\n7,2,hello there,3,x\n8,4,\"a, quoted; note\",5,z\n";
    descent_dataset *ds = parse(text, &o, &err);
    CHECK_MSG(ds != NULL, "%s", err.message);
    if (!ds) return;
    CHECK(ds->n == 2 && ds->features == 2 && ds->classes == 2 && ds->n_kept == 0);
    CHECK(strcmp(ds->feature_names[0], "a") == 0 && strcmp(ds->feature_names[1], "b") == 0);
    CHECK(ds->x[0] == 3 && ds->x[1] == 2 && ds->x[2] == 5 && ds->x[3] == 4);
    CHECK(ds->labels[0] == 0 && ds->labels[1] == 1);
    CHECK(descent_dataset_kept(ds, 0, 0) == NULL);
    descent_dataset_free(ds);

    /* No target: a target-like column of text is skipped as well. */
    o.target = NULL;
    o.no_target = 1;
    ds = parse(text, &o, &err);
    CHECK_MSG(ds != NULL && ds->features == 2 && ds->outputs == 0 && ds->x[2] == 5, "%s", ds ? "" : err.message);
    descent_dataset_free(ds);

    /* A header naming a column twice: the first is read. */
    ds = parse("a,b,a\n1,2,3\n", &o, &err);
    CHECK_MSG(ds != NULL && ds->x[0] == 1 && ds->x[1] == 2, "%s", ds ? "" : err.message);
    descent_dataset_free(ds);

    /* A bad number in a skipped column is no error; in a column read, it is, where it is. */
    ds = parse("a,z,b\n1,oops,2\n", &o, &err);
    CHECK(ds != NULL);
    descent_dataset_free(ds);
    ds = parse("z,b,a\nq,2,oops\n", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_PARSE);
    CHECK_HAS(err.message, "line 2, column 3 ('a'): 'oops' is not a number");
}

static void test_keep(void)
{
    descent_error err;
    descent_csv_options o = descent_csv_defaults();
    o.keep = id_note;
    o.n_keep = 2;
    /* Without columns, every column but the target and the kept ones is a feature. */
    const char *text = "note,id,f,y\r\n\"red, dark\",A-1,0.5,1\r\n,B 2,1.5,0\r\n\"say \"\"hi\"\"\",c3,2.5,1\r\n";
    descent_dataset *ds = parse(text, &o, &err);
    CHECK_MSG(ds != NULL, "%s", err.message);
    if (!ds) return;
    CHECK(ds->n == 3 && ds->features == 1 && strcmp(ds->feature_names[0], "f") == 0 && ds->x[1] == 1.5f);
    CHECK(ds->n_kept == 2 && strcmp(ds->kept_names[0], "id") == 0 && strcmp(ds->kept_names[1], "note") == 0);
    CHECK(strcmp(descent_dataset_kept(ds, 0, 0), "A-1") == 0);
    CHECK(strcmp(descent_dataset_kept(ds, 0, 1), "red, dark") == 0);
    CHECK(strcmp(descent_dataset_kept(ds, 1, 1), "") == 0);
    CHECK(strcmp(descent_dataset_kept(ds, 2, 1), "say \"hi\"") == 0);
    CHECK(descent_dataset_kept(ds, 3, 0) == NULL && descent_dataset_kept(ds, 0, 2) == NULL &&
          descent_dataset_kept(ds, -1, 0) == NULL && descent_dataset_kept(NULL, 0, 0) == NULL);

    /* A subset carries its rows' kept cells. */
    int idx[3] = {2, 0, 2};
    descent_dataset *sub = descent_dataset_subset(ds, idx, 3, &err);
    CHECK(sub != NULL);
    if (sub) {
        CHECK(sub->n_kept == 2 && strcmp(sub->kept_names[1], "note") == 0);
        CHECK(strcmp(descent_dataset_kept(sub, 0, 0), "c3") == 0);
        CHECK(strcmp(descent_dataset_kept(sub, 1, 1), "red, dark") == 0);
        CHECK(strcmp(descent_dataset_kept(sub, 2, 1), "say \"hi\"") == 0);
    }
    descent_dataset_free(sub);
    descent_dataset_free(ds);

    /* A kept column is a feature too when columns names it; the target may be kept. */
    static const char *const f_id[] = {"f", "id"};
    static const char *const y_only[] = {"y"};
    o.columns = f_id;
    o.n_columns = 2;
    o.keep = y_only;
    o.n_keep = 1;
    ds = parse("id,f,y\n4,0.5,1\n5,1.5,0\n", &o, &err);
    CHECK_MSG(ds != NULL, "%s", ds ? "" : err.message);
    if (ds) {
        CHECK(ds->features == 2 && ds->x[1] == 4 && ds->classes == 2);
        CHECK(strcmp(descent_dataset_kept(ds, 1, 0), "0") == 0);
    }
    descent_dataset_free(ds);
}

static void test_errors(void)
{
    descent_error err;
    descent_csv_options o = descent_csv_defaults();
    static const char *const a_c[] = {"a", "c"};
    o.columns = a_c;
    o.n_columns = 2;
    o.no_target = 1;
    descent_dataset *ds = parse("\n\na,b\n1,2\n", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_PARSE);
    CHECK_HAS(err.message, "line 3: no column 'c' (feature 2 of 2 asked for): columns are a, b");

    /* With the file's name when reading a file. */
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (f) {
        fputs("a,b\n1,2\n", f);
        rewind(f);
        ds = csv_read_stream(f, "dir/data.csv", 4, &o, &err);
        CHECK(ds == NULL);
        CHECK_HAS(err.message, "data.csv: line 1: no column 'c'");
        fclose(f);
    }

    static const char *const a_a[] = {"a", "a"};
    o.columns = a_a;
    ds = parse("a,b\n1,2\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "line 1, column 1 ('a'): is asked for twice as a feature");

    o.no_target = 0;
    o.target = "b";
    o.columns = ab;
    ds = parse("a,b\n1,2\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "line 1, column 2 ('b'): is the target, so it cannot also be a feature");

    o = descent_csv_defaults();
    static const char *const id[] = {"id"};
    o.keep = id;
    o.n_keep = 1;
    ds = parse("a,y\n1,2\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "line 1: no column 'id' (to keep): columns are a, y");
    ds = parse("id,y\n1,2\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "no feature column is left");
    o.keep = a_a;
    o.n_keep = 2;
    ds = parse("a,b,y\n1,2,3\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "is asked for twice to keep");

    /* A malformed record later on is reported before a header problem, as ever. */
    o.keep = id;
    o.n_keep = 1;
    ds = parse("a,y\n1,2\n\"3,4\n", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "unterminated quoted field");

    /* The lists themselves. */
    o = descent_csv_defaults();
    o.n_columns = -1;
    ds = parse("a,y\n1,2\n", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n_columns is -1: it must be in 0..");
    o.n_columns = 1;
    ds = parse("a,y\n1,2\n", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "columns is NULL but n_columns is 1");
    static const char *const holes[] = {"a", NULL};
    o.n_columns = 0;
    o.keep = holes;
    o.n_keep = 2;
    ds = parse("a,y\n1,2\n", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "keep[1] is NULL");
}

/* Both NULL with the same message (the stream's prefixed), or the same rows and kept cells. */
static int same(const descent_dataset *a, const descent_error *ea, const descent_dataset *b, const descent_error *eb)
{
    if (!a || !b) return !a && !b && strstr(eb->message, ea->message) != NULL;
    if (a->n != b->n || a->features != b->features || a->n_kept != b->n_kept) return 0;
    if (memcmp(a->x, b->x, sizeof(float) * (size_t)a->n * (size_t)a->features) != 0) return 0;
    for (int j = 0; j < a->features; j++)
        if (strcmp(a->feature_names[j], b->feature_names[j]) != 0) return 0;
    for (int r = 0; r < a->n; r++)
        for (int k = 0; k < a->n_kept; k++)
            if (strcmp(descent_dataset_kept(a, r, k), descent_dataset_kept(b, r, k)) != 0) return 0;
    return 1;
}

static void test_chunked(void)
{
    static const char *const texts[] = {
        "id,b,note,a,y\n7,2,\"long\nnote, with a line break\",3,x\n8,4,\"\"\"\",5,z\n9,1,plain,0,x\n",
        "note,a,id,b,y\r\n,1,\"i,d\",2,3\r\n\"x\",4,i2,5,6\r\n",
        "a,b\n1,2\n",
        "id,a,b,note,y\n1,2,3\n",
    };
    descent_csv_options o = descent_csv_defaults();
    o.columns = ab;
    o.n_columns = 2;
    o.keep = id_note;
    o.n_keep = 2;
    o.target = "y";
    o.target_optional = 1;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        descent_error ea = {DESCENT_OK, ""};
        descent_dataset *a = parse(texts[t], &o, &ea);
        FILE *f = tmpfile();
        CHECK(f != NULL);
        if (!f) {
            descent_dataset_free(a);
            return;
        }
        fputs(texts[t], f);
        for (size_t size = 1; size <= 12; size++) {
            rewind(f);
            descent_error eb = {DESCENT_OK, ""};
            descent_dataset *b = csv_read_stream(f, "t.csv", size, &o, &eb);
            CHECK_MSG(same(a, &ea, b, &eb), "text %zu, buffer %zu: '%s' / '%s'", t, size, a ? "ok" : ea.message,
                      b ? "ok" : eb.message);
            descent_dataset_free(b);
        }
        fclose(f);
        descent_dataset_free(a);
    }
}

CHECK_MAIN(TEST(test_columns_by_name), TEST(test_keep), TEST(test_errors), TEST(test_chunked))
