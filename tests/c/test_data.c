/* test_data.c - CSV reading, generators, standardization, split and k-fold. */
#include "check.h"
#include "descent_data.h"

#include <stdlib.h>
#include <time.h>

static descent_dataset *parse_opts(const char *text, const descent_csv_options *o, descent_error *err)
{
    return descent_csv_parse(text, strlen(text), o, err);
}

static descent_dataset *parse(const char *text, descent_error *err)
{
    return parse_opts(text, NULL, err);
}

/* Parsing must fail with code and a message containing needle. */
static void expect_fail(const char *text, const descent_csv_options *o, descent_status code, const char *needle)
{
    descent_error err = {DESCENT_OK, ""};
    descent_dataset *ds = parse_opts(text, o, &err);
    CHECK_MSG(ds == NULL, "parsing \"%s\" should fail with \"%s\"", text, needle);
    descent_dataset_free(ds);
    CHECK(err.code == code);
    CHECK_HAS(err.message, needle);
}

static descent_csv_options with_task(descent_task task)
{
    descent_csv_options o = descent_csv_defaults();
    o.task = task;
    return o;
}

/* ------------------------------------------------------------ shipped CSVs */

static void test_iris(void)
{
    descent_error err;
    clock_t t0 = clock();
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", NULL, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK(ds->n == 150);
    CHECK(ds->features == 4);
    CHECK(ds->classes == 3);
    CHECK(ds->outputs == 3);
    CHECK(strcmp(ds->class_names[0], "setosa") == 0);
    CHECK(strcmp(ds->class_names[1], "versicolor") == 0);
    CHECK(strcmp(ds->class_names[2], "virginica") == 0);
    CHECK(strcmp(ds->target_name, "species") == 0);
    CHECK(strcmp(ds->feature_names[0], "sepal_length_cm") == 0);
    CHECK(strcmp(ds->feature_names[3], "petal_width_cm") == 0);
    CHECK_NEAR(ds->x[0], 5.1, 1e-6);
    CHECK_NEAR(ds->x[1], 3.5, 1e-6);
    CHECK_NEAR(ds->x[2], 1.4, 1e-6);
    CHECK_NEAR(ds->x[3], 0.2, 1e-6);
    int count[3] = {0, 0, 0};
    for (int i = 0; i < ds->n; i++) {
        int l = ds->labels[i];
        CHECK(l >= 0 && l < 3);
        if (l < 0 || l >= 3) continue;
        count[l]++;
        for (int c = 0; c < 3; c++) CHECK(ds->y[i * 3 + c] == (c == l ? 1.0f : 0.0f));
    }
    CHECK(count[0] == 50 && count[1] == 50 && count[2] == 50);
    CHECK(ds->labels[0] == 0 && ds->labels[149] == 2);
    descent_dataset_free(ds);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5);
}

static void test_breast_cancer(void)
{
    descent_error err;
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/breast_cancer.csv", NULL, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK(ds->n == 569);
    CHECK(ds->features == 30);
    CHECK(ds->classes == 2);
    CHECK(ds->outputs == 1);
    CHECK(strcmp(ds->class_names[0], "benign") == 0);
    CHECK(strcmp(ds->class_names[1], "malignant") == 0);
    CHECK(strcmp(ds->feature_names[0], "mean_radius") == 0);
    CHECK(ds->labels[0] == 1);
    CHECK(ds->y[0] == 1.0f);
    CHECK_NEAR(ds->x[0], 17.99, 1e-5);
    int ones = 0;
    for (int i = 0; i < ds->n; i++) {
        CHECK(ds->y[i] == (float)ds->labels[i]);
        ones += ds->labels[i];
    }
    CHECK(ones == 212); /* malignant cases in the Wisconsin set */
    descent_dataset_free(ds);
}

static void test_diabetes(void)
{
    descent_error err;
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/diabetes.csv", NULL, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK(ds->n == 442);
    CHECK(ds->features == 10);
    CHECK(ds->outputs == 1);
    CHECK(ds->classes == 0);
    CHECK(ds->labels == NULL);
    CHECK(ds->class_names == NULL);
    CHECK(strcmp(ds->target_name, "progression") == 0);
    CHECK(ds->y[0] == 151.0f && ds->y[1] == 75.0f);
    CHECK(ds->x[0] == 59.0f);
    CHECK_NEAR(ds->x[2], 32.1, 1e-5);
    descent_dataset_free(ds);
}

static void test_digits(void)
{
    descent_error err;
    clock_t t0 = clock();
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/digits.csv", NULL, &err);
    double seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK(ds->n == 1797);
    CHECK(ds->features == 64);
    CHECK(ds->classes == 10);
    CHECK(ds->outputs == 10);
    for (int c = 0; c < 10; c++) {
        char name[4];
        snprintf(name, sizeof name, "%d", c);
        CHECK(strcmp(ds->class_names[c], name) == 0);
    }
    CHECK(ds->labels[0] == 0 && ds->labels[1] == 1);
    CHECK(ds->x[2] == 5.0f && ds->x[3] == 13.0f);
    CHECK(strcmp(ds->feature_names[63], "p63") == 0);
    CHECK(strcmp(ds->target_name, "digit") == 0);
    CHECK_MSG(seconds < 2, "digits.csv took %.2f s", seconds);
    descent_dataset_free(ds);
}

static void test_target_choice(void)
{
    descent_error err;
    descent_csv_options o = descent_csv_defaults();
    CHECK(o.target == NULL && o.target_index == -1 && o.task == DESCENT_TASK_AUTO && o.delimiter == ',' &&
          o.no_target == 0);

    /* diabetes' "sex" column holds 1 and 2: numeric classes named by value. */
    o.target = "sex";
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/diabetes.csv", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->features == 10 && ds->classes == 2 && ds->outputs == 1);
        CHECK(strcmp(ds->class_names[0], "1") == 0 && strcmp(ds->class_names[1], "2") == 0);
        CHECK(strcmp(ds->target_name, "sex") == 0);
        CHECK(strcmp(ds->feature_names[0], "age") == 0 && strcmp(ds->feature_names[1], "bmi") == 0);
        CHECK(strcmp(ds->feature_names[9], "progression") == 0);
        CHECK(ds->labels[0] == 1 && ds->labels[1] == 0);
        CHECK(ds->x[9] == 151.0f);
    }
    descent_dataset_free(ds);

    o.target = NULL;
    o.target_index = 1;
    ds = descent_csv_read_file(DESCENT_DATA_DIR "/diabetes.csv", &o, &err);
    CHECK(ds != NULL && ds->classes == 2 && strcmp(ds->target_name, "sex") == 0);
    descent_dataset_free(ds);

    o.target_index = 0;
    ds = parse_opts("y,a,b\n1.5,2,3\n2.5,4,5\n", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->classes == 0 && ds->features == 2);
        CHECK(ds->y[0] == 1.5f && ds->y[1] == 2.5f);
        CHECK(ds->x[0] == 2.0f && ds->x[1] == 3.0f && ds->x[2] == 4.0f && ds->x[3] == 5.0f);
        CHECK(strcmp(ds->feature_names[0], "a") == 0 && strcmp(ds->feature_names[1], "b") == 0);
    }
    descent_dataset_free(ds);

    /* A name wins over the index; a duplicate name picks the first. */
    o.target = "b";
    o.target_index = 0;
    ds = parse_opts("a,b,b\n1,0.5,2\n3,1.5,4\n", &o, &err);
    CHECK(ds != NULL && ds->y[0] == 0.5f && ds->x[1] == 2.0f);
    descent_dataset_free(ds);
}

/* -------------------------------------------------------------- CSV syntax */

static void test_csv_syntax(void)
{
    descent_error err;
    descent_dataset *ds;

    ds = parse("a,b,label\r\n1,2,x\r\n3,4,y\r\n", &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->n == 2 && ds->features == 2 && ds->classes == 2);
        CHECK(strcmp(ds->target_name, "label") == 0);
        CHECK(strcmp(ds->class_names[1], "y") == 0);
        CHECK(ds->x[3] == 4.0f);
    }
    descent_dataset_free(ds);

    /* Quoted names and targets with a delimiter, a line break and "" inside. */
    const char *quoted = "\"a,1\",\"b\"\"2\",\"the\ntarget\"\n"
                         "1,\"2\",\"red, dark\"\n"
                         "3, 4 ,\"say \"\"hi\"\"\"\n"
                         "5,6,\"two\nlines\"\n";
    ds = parse(quoted, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->n == 3 && ds->features == 2 && ds->classes == 3);
        CHECK(strcmp(ds->feature_names[0], "a,1") == 0);
        CHECK(strcmp(ds->feature_names[1], "b\"2") == 0);
        CHECK(strcmp(ds->target_name, "the\ntarget") == 0);
        CHECK(strcmp(ds->class_names[0], "red, dark") == 0);
        CHECK(strcmp(ds->class_names[1], "say \"hi\"") == 0);
        CHECK(strcmp(ds->class_names[2], "two\nlines") == 0);
        CHECK(ds->x[0] == 1.0f && ds->x[1] == 2.0f && ds->x[3] == 4.0f);
        CHECK(ds->labels[0] == 0 && ds->labels[1] == 1 && ds->labels[2] == 2);
    }
    descent_dataset_free(ds);

    /* BOM, blank lines (leading, inside, trailing, with spaces), no final newline. */
    ds = parse("\xEF\xBB\xBF\n\nx,y\n\n1,2.5\r\n   \n\r\n3,4\n\n\n5,6", &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->n == 3 && ds->features == 1 && ds->classes == 0);
        CHECK(strcmp(ds->feature_names[0], "x") == 0);
        CHECK(ds->x[2] == 5.0f && ds->y[2] == 6.0f);
    }
    descent_dataset_free(ds);

    /* Other delimiters, tabs and spaces around numbers, exponents. */
    descent_csv_options o = descent_csv_defaults();
    o.delimiter = ';';
    ds = parse_opts("a;b;t\n 1.5e1 ;\t-2;0.25\n+3;.5;1e-2\n", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->x[0] == 15.0f && ds->x[1] == -2.0f && ds->x[2] == 3.0f && ds->x[3] == 0.5f);
        CHECK(ds->y[0] == 0.25f && ds->y[1] == 0.01f);
    }
    descent_dataset_free(ds);
    o.delimiter = '\t';
    ds = parse_opts("a\tb\n1\t2.5\n3\t4.5\n", &o, &err);
    CHECK(ds != NULL && ds->n == 2 && ds->features == 1 && ds->y[1] == 4.5f);
    descent_dataset_free(ds);

    /* Empty and duplicate header names are allowed. */
    ds = parse(",a,a\n1,2,3.5\n4,5,6.5\n", &err);
    CHECK(ds != NULL && ds->features == 2 && strcmp(ds->feature_names[0], "") == 0);
    descent_dataset_free(ds);

    /* The length bounds the text: nothing after it is read. */
    const char *longer = "a,b\n1,2.5\n3,4.5\nthis is not csv";
    ds = descent_csv_parse(longer, strlen(longer) - 15, NULL, &err);
    CHECK(ds != NULL && ds->n == 2);
    descent_dataset_free(ds);
    /* A terminating NUL counted in the length is not a row. */
    ds = descent_csv_parse("a,b\n1,2.5\n3,4.5\n", 17, NULL, &err);
    CHECK(ds != NULL && ds->n == 2);
    descent_dataset_free(ds);
}

static void test_csv_errors(void)
{
    descent_csv_options o = descent_csv_defaults();
    expect_fail("", NULL, DESCENT_ERR_PARSE, "empty input: expected a header row");
    expect_fail("\n\r\n  \n", NULL, DESCENT_ERR_PARSE, "empty input");
    expect_fail("a,b,c\n", NULL, DESCENT_ERR_PARSE, "no data rows after the header");
    expect_fail("a,b,c\n\n\n", NULL, DESCENT_ERR_PARSE, "no data rows");
    expect_fail("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5\n\n1,2,3\n", NULL, DESCENT_ERR_PARSE,
                "line 5: 3 fields, expected 5 as in the header");
    expect_fail("a,b,c\n1,2,3,4\n", NULL, DESCENT_ERR_PARSE, "line 2: 4 fields, expected 3");
    expect_fail("a,b,petal_length_cm,s\n1,2,3,x\n1,2,3,x\n1,2,abc,y\n", NULL, DESCENT_ERR_PARSE,
                "line 4, column 3 ('petal_length_cm'): 'abc' is not a number");
    /* Line numbers count the line breaks inside quoted fields. */
    expect_fail("a,b,s\n1,2,\"x\ny\"\n1,zz,y\n", NULL, DESCENT_ERR_PARSE, "line 4, column 2 ('b'): 'zz' is not a number");
    expect_fail("a,b,s\n1,nan,x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "line 2, column 2 ('b'): 'nan' is not a number");
    expect_fail("a,b,s\n1,-inf,x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "'-inf' is not a number");
    expect_fail("a,b,s\n1,1e999,x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "'1e999' is not a number");
    expect_fail("a,b,s\n1,1e39,x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "line 2, column 2 ('b'): '1e39' is outside the float range");
    expect_fail("a,b,s\n1,2,x\n,3,y\n", NULL, DESCENT_ERR_PARSE, "line 3, column 1 ('a'): empty cell");
    expect_fail("a,b,s\n1,\"\",x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "line 2, column 2 ('b'): empty cell");
    expect_fail("a,b,s\n1,2 3,x\n2,3,y\n", NULL, DESCENT_ERR_PARSE, "'2 3' is not a number");
    expect_fail("a,b,s\n1,2,x\n2,3,\n", NULL, DESCENT_ERR_PARSE, "line 3, column 3 ('s'): empty target cell");

    o.target = "foo";
    expect_fail("a,b,c\n1,2,3\n", &o, DESCENT_ERR_PARSE, "unknown target column 'foo': columns are a, b, c");
    /* A long header is listed only in part. */
    char header[8192] = "";
    for (int i = 0; i < 300; i++) {
        char col[16];
        snprintf(col, sizeof col, "%scolumn%d", i ? "," : "", i);
        strcat(header, col);
    }
    strcat(header, "\n");
    for (int i = 0; i < 300; i++) strcat(header, i ? ",1" : "1");
    strcat(header, "\n");
    {
        descent_error err;
        descent_dataset *ds = parse_opts(header, &o, &err);
        CHECK(ds == NULL);
        CHECK_HAS(err.message, "unknown target column 'foo': columns are column0, column1");
        CHECK_HAS(err.message, "... (300 columns)");
        CHECK(strlen(err.message) < 400);
    }
    o.target = NULL;
    o.target_index = 7;
    expect_fail("a,b,c,d,e\n1,2,3,4,5\n", &o, DESCENT_ERR_PARSE, "target index 7 out of range: the header has 5 columns");
    o.target_index = -2;
    expect_fail("a,b,c,d,e\n1,2,3,4,5\n", &o, DESCENT_ERR_PARSE, "target index -2 out of range");

    expect_fail("a,b,c\n1,2,3\n1,\"2,3\n4,5,6\n", NULL, DESCENT_ERR_PARSE, "line 3, column 2: unterminated quoted field");
    expect_fail("a,\"b\n", NULL, DESCENT_ERR_PARSE, "line 1, column 2: unterminated quoted field");
    expect_fail("a,b\n\"1\"x,2\n", NULL, DESCENT_ERR_PARSE, "line 2, column 1: 'x' after a closing quote");

    o = with_task(DESCENT_TASK_REGRESSION);
    expect_fail("a,b,c,d,y\n1,2,3,4,5\n1,2,3,4,cat\n", &o, DESCENT_ERR_PARSE,
                "line 3, column 5 ('y'): 'cat' is not a number, and the task is regression");
    expect_fail("a,y\n1,1e39\n2,3.5\n", NULL, DESCENT_ERR_PARSE, "line 2, column 2 ('y'): '1e39' is outside the float range");

    expect_fail("a,species\n1,setosa\n2,setosa\n", NULL, DESCENT_ERR_PARSE, "target 'species' has only one class ('setosa')");
    expect_fail("a,k\n1,3\n2,3\n", NULL, DESCENT_ERR_PARSE, "target 'k' has only one class ('3')");
    expect_fail("y\n1\n2\n", NULL, DESCENT_ERR_PARSE, "at least one feature column");

    /* Bad options are argument errors. */
    o = descent_csv_defaults();
    o.delimiter = '"';
    expect_fail("a,b\n1,2\n", &o, DESCENT_ERR_ARGUMENT, "delimiter");
    o = with_task((descent_task)9);
    expect_fail("a,b\n1,2\n", &o, DESCENT_ERR_ARGUMENT, "task");
    descent_error err;
    CHECK(descent_csv_parse(NULL, 5, NULL, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK(descent_csv_parse(NULL, 0, NULL, &err) == NULL && err.code == DESCENT_ERR_PARSE);
    CHECK(descent_csv_parse("a,b\n1,x\n", 8, NULL, NULL) == NULL); /* err may be NULL */
}

static void test_csv_file_errors(void)
{
    descent_error err;
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/no_such_file.csv", NULL, &err);
    CHECK(ds == NULL);
    CHECK(err.code == DESCENT_ERR_IO);
    CHECK_HAS(err.message, "cannot open '" DESCENT_DATA_DIR "/no_such_file.csv': ");
    CHECK(descent_csv_read_file(NULL, NULL, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);

    /* Errors inside a file are prefixed with its name. */
    descent_csv_options o = descent_csv_defaults();
    o.target = "foo";
    ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", &o, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_PARSE);
    CHECK_HAS(err.message, "iris.csv: unknown target column 'foo': columns are sepal_length_cm, sepal_width_cm, "
                           "petal_length_cm, petal_width_cm, species");
    o = with_task(DESCENT_TASK_REGRESSION);
    ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "iris.csv: line 2, column 5 ('species'): 'setosa' is not a number, and the task is regression");
    o = descent_csv_defaults();
    o.target_index = 0;
    ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", &o, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "iris.csv: line 2, column 5 ('species'): 'setosa' is not a number");
}

static void test_task(void)
{
    descent_error err;
    descent_dataset *ds;

    /* Numeric classes sort numerically, not as text. */
    ds = parse("a,k\n1,10\n2,9\n3,2\n4,10\n", &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->classes == 3 && ds->outputs == 3);
        CHECK(strcmp(ds->class_names[0], "2") == 0 && strcmp(ds->class_names[1], "9") == 0 &&
              strcmp(ds->class_names[2], "10") == 0);
        CHECK(ds->labels[0] == 2 && ds->labels[1] == 1 && ds->labels[2] == 0 && ds->labels[3] == 2);
        CHECK(ds->y[0 * 3 + 2] == 1.0f && ds->y[1 * 3 + 1] == 1.0f && ds->y[2 * 3 + 0] == 1.0f);
    }
    descent_dataset_free(ds);

    /* Text classes sort by strcmp; a mixed column is all text. */
    ds = parse("a,k\n1,b\n2,B\n3,10\n4,9\n", &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->classes == 4);
        CHECK(strcmp(ds->class_names[0], "10") == 0 && strcmp(ds->class_names[1], "9") == 0 &&
              strcmp(ds->class_names[2], "B") == 0 && strcmp(ds->class_names[3], "b") == 0);
    }
    descent_dataset_free(ds);

    /* AUTO: 20 distinct integers are classes, 21 are a regression target,
     * and so is any fraction. */
    char text[2048];
    for (int k = 20; k <= 21; k++) {
        strcpy(text, "a,y\n");
        for (int i = 0; i < k; i++) {
            char row[32];
            snprintf(row, sizeof row, "%d,%d\n", i, i * 3 - 7);
            strcat(text, row);
        }
        ds = parse(text, &err);
        CHECK(ds != NULL);
        if (ds) {
            CHECK(ds->classes == (k == 20 ? 20 : 0));
            CHECK(ds->outputs == (k == 20 ? 20 : 1));
            CHECK((ds->labels != NULL) == (k == 20));
            if (k == 20) CHECK(strcmp(ds->class_names[0], "-7") == 0);
        }
        descent_dataset_free(ds);
    }
    ds = parse("a,y\n1,0\n2,1\n3,0.5\n", &err);
    CHECK(ds != NULL && ds->classes == 0 && ds->y[2] == 0.5f);
    descent_dataset_free(ds);
    ds = parse("a,y\n1,0\n2,1\n3,1.0\n", &err);
    CHECK(ds != NULL && ds->classes == 2 && ds->labels[2] == 1);
    descent_dataset_free(ds);

    /* CLASSIFICATION forces classes; REGRESSION forces values. */
    descent_csv_options o = with_task(DESCENT_TASK_CLASSIFICATION);
    ds = parse_opts("a,y\n1,0.5\n2,1.25\n3,0.5\n", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->classes == 2 && ds->outputs == 1);
        CHECK(strcmp(ds->class_names[0], "0.5") == 0 && strcmp(ds->class_names[1], "1.25") == 0);
        CHECK(ds->labels[1] == 1 && ds->y[1] == 1.0f && ds->y[2] == 0.0f);
    }
    descent_dataset_free(ds);
    o = with_task(DESCENT_TASK_REGRESSION);
    ds = parse_opts("a,y\n1,0\n2,1\n3,0\n", &o, &err);
    CHECK(ds != NULL && ds->classes == 0 && ds->labels == NULL && ds->y[1] == 1.0f);
    descent_dataset_free(ds);

    /* Forced classification allows at most 1000 classes. */
    o = with_task(DESCENT_TASK_CLASSIFICATION);
    size_t cap = 1002 * 24 + 16;
    char *big = malloc(cap);
    if (!big) return;
    strcpy(big, "a,y\n");
    size_t len = strlen(big);
    for (int i = 0; i < 1001; i++) len += (size_t)snprintf(big + len, cap - len, "%d,%d.5\n", i, i);
    expect_fail(big, &o, DESCENT_ERR_PARSE, "target 'y' has 1001 distinct values: at most 1000 classes");
    free(big);
}

static void test_no_target(void)
{
    descent_error err;
    descent_csv_options o = descent_csv_defaults();
    o.no_target = 1;
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/diabetes.csv", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->n == 442 && ds->features == 11);
        CHECK(ds->y == NULL && ds->outputs == 0 && ds->classes == 0 && ds->labels == NULL);
        CHECK(ds->target_name == NULL);
        CHECK(strcmp(ds->feature_names[10], "progression") == 0);
        CHECK(ds->x[10] == 151.0f);
    }
    descent_dataset_free(ds);
    /* A single column is enough without a target; text is still an error. */
    ds = parse_opts("x\n1\n2\n", &o, &err);
    CHECK(ds != NULL && ds->features == 1 && ds->n == 2);
    descent_dataset_free(ds);
    expect_fail("a,b\n1,x\n", &o, DESCENT_ERR_PARSE, "line 2, column 2 ('b'): 'x' is not a number");
}

/* Known classes (a model's): any subset of them, even one, in their order;
 * numbers matched by value; another class named with its line and column. */
static void test_known_classes(void)
{
    descent_error err;
    static const char *const fruit[] = {"pear", "apple", "fig"};
    descent_csv_options o = descent_csv_defaults();
    o.class_names = fruit;
    o.n_classes = 3;
    descent_dataset *ds = parse_opts("x,kind\n1,fig\n2,fig\n3,pear\n", &o, &err);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(ds->classes == 3 && ds->outputs == 3);
        CHECK(strcmp(ds->class_names[0], "pear") == 0 && strcmp(ds->class_names[2], "fig") == 0);
        CHECK(ds->labels[0] == 2 && ds->labels[1] == 2 && ds->labels[2] == 0);
        CHECK(ds->y[2] == 1.0f && ds->y[0] == 0.0f && ds->y[6] == 1.0f);
    }
    descent_dataset_free(ds);
    /* One class alone, two known: binary, y 0/1. */
    static const char *const two[] = {"benign", "malignant"};
    o.class_names = two;
    o.n_classes = 2;
    ds = parse_opts("x,d\n1,malignant\n2,malignant\n", &o, &err);
    CHECK(ds != NULL && ds->classes == 2 && ds->outputs == 1);
    if (ds) CHECK(ds->labels[0] == 1 && ds->y[0] == 1.0f && ds->y[1] == 1.0f);
    descent_dataset_free(ds);
    expect_fail("x,d\n1,benign\n2,maybe\n", &o, DESCENT_ERR_PARSE,
                "line 3, column 2 ('d'): class 'maybe' is not one of the known classes (benign, malignant)");
    /* Numbers by value: "1.0" is class "1". */
    static const char *const digits[] = {"0", "1", "2"};
    o.class_names = digits;
    o.n_classes = 3;
    ds = parse_opts("x,y\n5,1.0\n6,2\n", &o, &err);
    CHECK(ds != NULL && ds->classes == 3);
    if (ds) CHECK(ds->labels[0] == 1 && ds->labels[1] == 2);
    descent_dataset_free(ds);
    expect_fail("x,y\n5,3\n", &o, DESCENT_ERR_PARSE, "class '3' is not one of the known classes (0, 1, 2)");
    o.n_classes = 1;
    expect_fail("x,y\n5,0\n", &o, DESCENT_ERR_ARGUMENT, "n_classes is 1: known classes must number 2..1000");
}

/* ---------------------------------------------------------------- datasets */

static void test_create_subset(void)
{
    descent_error err;
    descent_dataset *ds = descent_dataset_create(3, 2, 3, 3, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK(ds->n == 3 && ds->features == 2 && ds->outputs == 3 && ds->classes == 3);
    CHECK(ds->labels != NULL && ds->feature_names == NULL && ds->class_names == NULL && ds->target_name == NULL);
    for (int i = 0; i < 6; i++) CHECK(ds->x[i] == 0.0f);
    for (int i = 0; i < 9; i++) CHECK(ds->y[i] == 0.0f);
    descent_dataset_free(ds);
    descent_dataset_free(NULL);

    CHECK(descent_dataset_create(-1, 2, 1, 0, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n");
    CHECK(descent_dataset_create(3, 0, 1, 0, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "features");
    CHECK(descent_dataset_create(3, 1, 1, 1, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "classes");
    ds = descent_dataset_create(2, 1, 1, 0, &err);
    CHECK(ds != NULL && ds->labels == NULL);
    descent_dataset_free(ds);

    ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", NULL, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    int idx[] = {149, 0, 50, 0};
    descent_dataset *s = descent_dataset_subset(ds, idx, 4, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK(s->n == 4 && s->features == 4 && s->outputs == 3 && s->classes == 3);
        for (int i = 0; i < 4; i++) {
            CHECK(memcmp(s->x + i * 4, ds->x + idx[i] * 4, 4 * sizeof(float)) == 0);
            CHECK(memcmp(s->y + i * 3, ds->y + idx[i] * 3, 3 * sizeof(float)) == 0);
            CHECK(s->labels[i] == ds->labels[idx[i]]);
        }
        CHECK(s->labels[0] == 2 && s->labels[2] == 1);
        CHECK(strcmp(s->class_names[2], "virginica") == 0);
        CHECK(strcmp(s->feature_names[1], "sepal_width_cm") == 0);
        CHECK(strcmp(s->target_name, "species") == 0);
        CHECK(s->feature_names != ds->feature_names && s->target_name != ds->target_name);
    }
    descent_dataset_free(s);
    s = descent_dataset_subset(ds, idx, 0, &err);
    CHECK(s != NULL && s->n == 0);
    descent_dataset_free(s);
    int bad[] = {0, 150};
    CHECK(descent_dataset_subset(ds, bad, 2, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "idx[1] = 150");
    CHECK(descent_dataset_subset(ds, NULL, 2, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    CHECK(descent_dataset_subset(NULL, idx, 2, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
    descent_dataset_free(ds);
}

/* -------------------------------------------------------------- generators */

static const descent_generator all_generators[] = {
    DESCENT_DATA_CIRCLE, DESCENT_DATA_XOR,     DESCENT_DATA_GAUSSIAN, DESCENT_DATA_SPIRAL, DESCENT_DATA_PLANE,
    DESCENT_DATA_MULTIGAUSS, DESCENT_DATA_LINEAR4, DESCENT_DATA_LINE, DESCENT_DATA_CURVE};
#define N_GENERATORS ((int)(sizeof all_generators / sizeof all_generators[0]))

static void test_generator_names(void)
{
    const char *names[] = {"circle", "xor", "gaussian", "spiral", "plane", "multigauss", "linear4", "line", "curve"};
    for (int i = 0; i < N_GENERATORS; i++) {
        CHECK(strcmp(descent_generator_name(all_generators[i]), names[i]) == 0);
        descent_generator g = DESCENT_DATA_CIRCLE;
        descent_error err;
        CHECK(descent_generator_parse(names[i], &g, &err) == DESCENT_OK);
        CHECK(g == all_generators[i]);
    }
    CHECK(descent_generator_name((descent_generator)99) == NULL);
    CHECK(descent_generator_name((descent_generator)-1) == NULL);
    descent_error err;
    descent_generator g;
    CHECK(descent_generator_parse("spirals", &g, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(err.code == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "unknown generator 'spirals'");
    CHECK_HAS(err.message, "circle, xor, gaussian, spiral, plane, multigauss, linear4, line, curve");
    CHECK(descent_generator_parse(NULL, &g, &err) == DESCENT_ERR_ARGUMENT);
}

static void test_generators(void)
{
    for (int gi = 0; gi < N_GENERATORS; gi++) {
        descent_generator kind = all_generators[gi];
        int binary = kind <= DESCENT_DATA_SPIRAL;
        int one_d = kind == DESCENT_DATA_LINE || kind == DESCENT_DATA_CURVE;
        int expect_n = kind == DESCENT_DATA_LINEAR4 ? 4 : 201;
        descent_error err;
        descent_dataset *a = descent_dataset_generate(kind, 201, 0.3f, 7, &err);
        descent_dataset *b = descent_dataset_generate(kind, 201, 0.3f, 7, &err);
        descent_dataset *c = descent_dataset_generate(kind, 201, 0.3f, 8, &err);
        CHECK_MSG(a && b && c, "%s", descent_generator_name(kind));
        if (a && b && c) {
            CHECK(a->n == expect_n);
            CHECK(a->features == (one_d ? 1 : 2));
            CHECK(a->outputs == 1);
            CHECK(a->classes == (binary ? 2 : 0));
            CHECK(strcmp(a->feature_names[0], one_d ? "x" : "x1") == 0);
            if (!one_d) CHECK(strcmp(a->feature_names[1], "x2") == 0);
            CHECK(strcmp(a->target_name, binary ? "label" : "y") == 0);
            size_t nx = (size_t)a->n * (size_t)a->features;
            CHECK(memcmp(a->x, b->x, nx * sizeof(float)) == 0);
            CHECK(memcmp(a->y, b->y, (size_t)a->n * sizeof(float)) == 0);
            if (kind == DESCENT_DATA_LINEAR4)
                CHECK(memcmp(a->x, c->x, nx * sizeof(float)) == 0);
            else
                CHECK_MSG(memcmp(a->x, c->x, nx * sizeof(float)) != 0, "%s ignores the seed",
                          descent_generator_name(kind));
            for (size_t i = 0; i < nx; i++) {
                CHECK(isfinite(a->x[i]));
                CHECK(fabsf(a->x[i]) < (one_d ? 1.0001f : 9.0f));
            }
            if (binary) {
                CHECK(a->labels != NULL);
                CHECK(strcmp(a->class_names[0], "0") == 0 && strcmp(a->class_names[1], "1") == 0);
                int ones = 0;
                for (int i = 0; i < a->n; i++) {
                    CHECK(a->labels[i] == 0 || a->labels[i] == 1);
                    CHECK(a->y[i] == (float)a->labels[i]);
                    ones += a->labels[i];
                }
                CHECK(ones == 100);
            } else {
                CHECK(a->labels == NULL && a->class_names == NULL);
                for (int i = 0; i < a->n; i++) CHECK(isfinite(a->y[i]));
            }
        }
        descent_dataset_free(a);
        descent_dataset_free(b);
        descent_dataset_free(c);

        /* Argument ranges (linear4 ignores n and noise). */
        if (kind != DESCENT_DATA_LINEAR4) {
            CHECK(descent_dataset_generate(kind, 0, 0.1f, 1, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
            CHECK_HAS(err.message, "n must be in [1, 10000000], got 0");
            CHECK(descent_dataset_generate(kind, 10000001, 0.1f, 1, &err) == NULL);
            CHECK_HAS(err.message, "n must be in [1, 10000000]");
            CHECK(descent_dataset_generate(kind, 10, -0.1f, 1, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
            CHECK_HAS(err.message, "noise");
            CHECK(descent_dataset_generate(kind, 10, 1.5f, 1, &err) == NULL);
            CHECK_HAS(err.message, "noise must be a finite number in [0, 1]");
            CHECK(descent_dataset_generate(kind, 10, NAN, 1, &err) == NULL);
            CHECK_HAS(err.message, "noise");
            descent_dataset *one = descent_dataset_generate(kind, 1, 1.0f, 1, &err);
            CHECK(one != NULL && one->n == 1);
            descent_dataset_free(one);
        } else {
            descent_dataset *l = descent_dataset_generate(kind, 0, 5.0f, 1, &err);
            CHECK(l != NULL && l->n == 4);
            descent_dataset_free(l);
        }
    }
    descent_error err;
    CHECK(descent_dataset_generate((descent_generator)42, 10, 0, 1, &err) == NULL && err.code == DESCENT_ERR_ARGUMENT);
}

/* The documented formulas, checked where noise 0 makes them exact. */
static void test_generator_shapes(void)
{
    descent_error err;
    descent_dataset *ds = descent_dataset_generate(DESCENT_DATA_LINEAR4, 100, 0.5f, 3, &err);
    CHECK(ds != NULL);
    if (ds) {
        const float x[] = {1, 1, 1, -1, -1, 1, -1, -1}, y[] = {1, -1, 1, -1};
        CHECK(memcmp(ds->x, x, sizeof x) == 0);
        CHECK(memcmp(ds->y, y, sizeof y) == 0);
        CHECK(ds->classes == 0 && strcmp(ds->target_name, "y") == 0);
    }
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_CIRCLE, 400, 0, 1, &err);
    for (int i = 0; ds && i < ds->n; i++) {
        double r = hypot(ds->x[2 * i], ds->x[2 * i + 1]);
        if (ds->labels[i])
            CHECK(r <= 2.5 + 1e-5);
        else
            CHECK(r >= 3.5 - 1e-5 && r <= 5 + 1e-5);
    }
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_XOR, 400, 0, 2, &err);
    for (int i = 0; ds && i < ds->n; i++) {
        float a = ds->x[2 * i], b = ds->x[2 * i + 1];
        CHECK(fabsf(a) >= 0.3f - 1e-6f && fabsf(b) >= 0.3f - 1e-6f && fabsf(a) <= 5.3f + 1e-5f);
        CHECK(ds->labels[i] == (a * b >= 0));
    }
    descent_dataset_free(ds);

    /* Blobs: means near (±2, ±2), spread growing with noise. */
    for (int k = 0; k < 2; k++) {
        float noise = k ? 1.0f : 0.0f;
        ds = descent_dataset_generate(DESCENT_DATA_GAUSSIAN, 4000, noise, 5, &err);
        if (!ds) break;
        double sum[2] = {0, 0}, sq[2] = {0, 0};
        for (int i = 0; i < ds->n; i++) {
            sum[ds->labels[i]] += ds->x[2 * i];
            sq[ds->labels[i]] += (double)ds->x[2 * i] * ds->x[2 * i];
        }
        double m0 = sum[0] / 2000, m1 = sum[1] / 2000, sd1 = sqrt(sq[1] / 2000 - m1 * m1);
        CHECK_NEAR(m0, -2, 0.3);
        CHECK_NEAR(m1, 2, 0.3);
        CHECK_NEAR(sd1, k ? 4.0 : 0.5, k ? 0.3 : 0.05);
        descent_dataset_free(ds);
    }

    ds = descent_dataset_generate(DESCENT_DATA_SPIRAL, 300, 0, 4, &err);
    for (int i = 0; ds && i < ds->n; i++) CHECK(hypot(ds->x[2 * i], ds->x[2 * i + 1]) <= 5 + 1e-5);
    if (ds) {
        /* The two arms are rotations of each other by pi. */
        CHECK_NEAR(ds->x[2 * 2], -ds->x[2 * 3], 1e-5);
        CHECK_NEAR(ds->x[2 * 2 + 1], -ds->x[2 * 3 + 1], 1e-5);
    }
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_PLANE, 300, 0, 4, &err);
    for (int i = 0; ds && i < ds->n; i++) {
        CHECK_NEAR(ds->y[i], (ds->x[2 * i] + ds->x[2 * i + 1]) / 12.0, 1e-5);
        CHECK(fabsf(ds->x[2 * i]) <= 6 && fabsf(ds->y[i]) <= 1.0001f);
    }
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_MULTIGAUSS, 2000, 0, 4, &err);
    float lo = 0, hi = 0;
    for (int i = 0; ds && i < ds->n; i++) {
        lo = fminf(lo, ds->y[i]);
        hi = fmaxf(hi, ds->y[i]);
    }
    CHECK(lo < -0.5f && lo > -1.1f && hi > 0.5f && hi < 1.1f);
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_LINE, 200, 0, 4, &err);
    for (int i = 0; ds && i < ds->n; i++) CHECK_NEAR(ds->y[i], 3.0 * ds->x[i], 1e-5);
    descent_dataset_free(ds);

    /* Line noise is the standard deviation of the residual. */
    ds = descent_dataset_generate(DESCENT_DATA_LINE, 20000, 0.5f, 4, &err);
    if (ds) {
        double ss = 0;
        for (int i = 0; i < ds->n; i++) ss += pow(ds->y[i] - 3.0 * ds->x[i], 2);
        CHECK_NEAR(sqrt(ss / ds->n), 0.5, 0.02);
    }
    descent_dataset_free(ds);

    ds = descent_dataset_generate(DESCENT_DATA_CURVE, 200, 0, 4, &err);
    for (int i = 0; ds && i < ds->n; i++) {
        CHECK_NEAR(ds->y[i], 0.8 * sin(3.0 * ds->x[i]) + 0.3 * ds->x[i], 1e-5);
        CHECK(fabsf(ds->y[i]) <= 1.0f);
    }
    descent_dataset_free(ds);

    /* More noise moves 2-D points further from their clean positions. */
    descent_dataset *clean = descent_dataset_generate(DESCENT_DATA_CIRCLE, 500, 0, 9, &err);
    descent_dataset *noisy = descent_dataset_generate(DESCENT_DATA_CIRCLE, 500, 0.5f, 9, &err);
    if (clean && noisy) {
        int crossed = 0;
        for (int i = 0; i < noisy->n; i++) {
            double r = hypot(noisy->x[2 * i], noisy->x[2 * i + 1]);
            crossed += noisy->labels[i] ? r > 3.0 : r < 3.0;
        }
        CHECK(crossed > 0 && crossed < noisy->n / 5);
    }
    descent_dataset_free(clean);
    descent_dataset_free(noisy);
}

/* ------------------------------------------------------------ standardize */

static void test_standardize(void)
{
    enum { N = 50, C = 3 };
    float x[N * C];
    for (int i = 0; i < N; i++) {
        x[i * C + 0] = (float)(i * 0.5 - 3);
        x[i * C + 1] = 1000.0f + (float)((i * 37) % 11);
        x[i * C + 2] = 4.25f; /* constant */
    }
    float mean[C], sd[C];
    descent_error err;
    CHECK(descent_standardize_fit(x, N, C, mean, sd, &err) == DESCENT_OK);
    CHECK_NEAR(mean[0], 0.5 * 24.5 - 3, 1e-5);
    CHECK_NEAR(mean[2], 4.25, 1e-6);
    CHECK(sd[2] == 1.0f);
    /* Population sd of 0, 0.5, ..., 24.5: 0.5·sqrt((N²-1)/12). */
    CHECK_NEAR(sd[0], 0.5 * sqrt((N * N - 1) / 12.0), 1e-4);
    CHECK(descent_standardize_apply(x, N, C, mean, sd, &err) == DESCENT_OK);
    for (int j = 0; j < C; j++) {
        double s = 0, ss = 0;
        for (int i = 0; i < N; i++) {
            s += x[i * C + j];
            ss += (double)x[i * C + j] * x[i * C + j];
        }
        CHECK_NEAR(s / N, 0, 1e-5);
        CHECK_NEAR(ss / N, j == 2 ? 0 : 1, 1e-4);
    }
    float again[C], sd2[C];
    CHECK(descent_standardize_fit(x, N, C, again, sd2, &err) == DESCENT_OK);
    CHECK_NEAR(sd2[0], 1, 1e-4);
    CHECK_NEAR(sd2[1], 1, 1e-4);

    /* One row: every column is constant. */
    float one[2] = {3, -2};
    CHECK(descent_standardize_fit(one, 1, 2, mean, sd, &err) == DESCENT_OK);
    CHECK(mean[0] == 3 && mean[1] == -2 && sd[0] == 1 && sd[1] == 1);

    /* A large constant with float rounding noise is still constant. */
    float big[3] = {1e6f, 1e6f, 1e6f};
    CHECK(descent_standardize_fit(big, 3, 1, mean, sd, &err) == DESCENT_OK && sd[0] == 1);

    CHECK(descent_standardize_fit(x, 0, C, mean, sd, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "n must be >= 1");
    CHECK(descent_standardize_fit(x, N, 0, mean, sd, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "columns");
    CHECK(descent_standardize_fit(NULL, N, C, mean, sd, &err) == DESCENT_ERR_ARGUMENT);
    x[7 * C + 1] = NAN;
    CHECK(descent_standardize_fit(x, N, C, mean, sd, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "row 7, column 1");
    x[7 * C + 1] = INFINITY;
    CHECK(descent_standardize_fit(x, N, C, mean, sd, &err) == DESCENT_ERR_ARGUMENT);

    /* A scaler given by hand: a std of 0 (or one so small that a value
     * overflows) is refused, and x is left as it was. */
    float row[2] = {5, 1}, m2[2] = {0, 0}, s2[2] = {1, 0};
    CHECK(descent_standardize_apply(row, 1, 2, m2, s2, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "std[1]");
    CHECK(row[0] == 5 && row[1] == 1);
    s2[1] = 1e-40f;
    CHECK(descent_standardize_apply(row, 1, 2, m2, s2, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "x[0][1] is 1");
    CHECK(row[0] == 5 && row[1] == 1);
    m2[0] = NAN;
    s2[1] = 1;
    CHECK(descent_standardize_apply(row, 1, 2, m2, s2, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "mean[0]");
    CHECK(descent_standardize_apply(NULL, 1, 2, m2, s2, &err) == DESCENT_ERR_ARGUMENT);
}

/* ------------------------------------------------------------------- split */

/* train ∪ test = 0..n-1, disjoint, each in random order (when there is a test part). */
static void check_partition(int n, const int *train, int n_train, const int *test, int n_test)
{
    CHECK(n_train + n_test == n);
    char *seen = calloc((size_t)n, 1);
    if (!seen) return;
    for (int i = 0; i < n_train; i++) {
        CHECK(train[i] >= 0 && train[i] < n);
        if (train[i] >= 0 && train[i] < n) seen[train[i]]++;
    }
    for (int i = 0; i < n_test; i++) {
        CHECK(test[i] >= 0 && test[i] < n);
        if (test[i] >= 0 && test[i] < n) seen[test[i]]++;
    }
    for (int i = 0; i < n; i++) CHECK(seen[i] == 1);
    free(seen);
}

static void test_split(void)
{
    enum { N = 100 };
    int train[N], test[N], train2[N], test2[N], nt, ns, nt2, ns2;
    descent_error err;
    CHECK(descent_split(N, NULL, 0, 0.2f, 11, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 20 && nt == 80);
    check_partition(N, train, nt, test, ns);
    CHECK(descent_split(N, NULL, 0, 0.2f, 11, train2, &nt2, test2, &ns2, &err) == DESCENT_OK);
    CHECK(nt2 == nt && ns2 == ns && memcmp(test, test2, sizeof(int) * (size_t)ns) == 0);
    CHECK(descent_split(N, NULL, 0, 0.2f, 12, train2, &nt2, test2, &ns2, &err) == DESCENT_OK);
    CHECK(ns2 == 20 && memcmp(test, test2, sizeof(int) * 20) != 0);
    /* Not simply the first or last rows, and not in file order. */
    int lo = N, hi = -1, ascending = 1;
    for (int i = 0; i < ns; i++) {
        lo = test[i] < lo ? test[i] : lo;
        hi = test[i] > hi ? test[i] : hi;
        if (i && test[i] < test[i - 1]) ascending = 0;
    }
    CHECK(hi - lo > 20);
    CHECK(!ascending);

    CHECK(descent_split(N, NULL, 0, 0.0f, 1, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 0 && nt == N);
    check_partition(N, train, nt, test, ns);
    CHECK(descent_split(N, NULL, 0, 0.001f, 1, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 1); /* at least one */
    CHECK(descent_split(N, NULL, 0, 0.999f, 1, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == N - 1 && nt == 1); /* at least one to train */
    check_partition(N, train, nt, test, ns);
    CHECK(descent_split(N, NULL, 0, 0.125f, 1, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 13); /* round(12.5) */
    CHECK(descent_split(2, NULL, 0, 0.5f, 1, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 1 && nt == 1);

    CHECK(descent_split(N, NULL, 0, 1.0f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "test_fraction must be in [0, 1)");
    CHECK(descent_split(N, NULL, 0, -0.1f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "test_fraction");
    CHECK(descent_split(N, NULL, 0, NAN, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_split(0, NULL, 0, 0.2f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_split(1, NULL, 0, 0.2f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_split(N, NULL, 0, 0.2f, 1, NULL, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    int labels[N];
    for (int i = 0; i < N; i++) labels[i] = i % 3;
    labels[42] = 3;
    CHECK(descent_split(N, labels, 3, 0.2f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "row 42");
    labels[42] = -1;
    CHECK(descent_split(N, labels, 3, 0.2f, 1, train, &nt, test, &ns, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "row 42");
}

static void test_split_stratified(void)
{
    descent_error err;
    descent_dataset *ds = descent_csv_read_file(DESCENT_DATA_DIR "/iris.csv", NULL, &err);
    CHECK(ds != NULL);
    if (!ds) return;
    int train[150], test[150], nt, ns;
    CHECK(descent_split(150, ds->labels, 3, 0.2f, 5, train, &nt, test, &ns, &err) == DESCENT_OK);
    CHECK(ns == 30 && nt == 120);
    check_partition(150, train, nt, test, ns);
    int per[3] = {0, 0, 0};
    for (int i = 0; i < ns; i++) per[ds->labels[test[i]]]++;
    CHECK(per[0] == 10 && per[1] == 10 && per[2] == 10);
    int test2[150], train2[150], nt2, ns2;
    CHECK(descent_split(150, ds->labels, 3, 0.2f, 5, train2, &nt2, test2, &ns2, &err) == DESCENT_OK);
    CHECK(ns2 == ns && memcmp(test, test2, (size_t)ns * sizeof(int)) == 0);
    CHECK(descent_split(150, ds->labels, 3, 0.2f, 6, train2, &nt2, test2, &ns2, &err) == DESCENT_OK);
    CHECK(memcmp(test, test2, 30 * sizeof(int)) != 0);
    descent_dataset_free(ds);

    /* Many shapes: exact total, each class within 1 of its share. */
    enum { MAXN = 97 };
    int labels[MAXN], counts[8], got[8];
    int tr[MAXN], te[MAXN];
    const float fractions[] = {0.01f, 0.1f, 0.2f, 0.25f, 0.33f, 0.5f, 0.7f, 0.9f, 0.99f};
    unsigned state = 12345;
    for (int trial = 0; trial < 300; trial++) {
        state = state * 1103515245u + 12345u;
        int n = 2 + (int)((state >> 8) % (MAXN - 1));
        state = state * 1103515245u + 12345u;
        int classes = 1 + (int)((state >> 8) % 8);
        memset(counts, 0, sizeof counts);
        for (int i = 0; i < n; i++) {
            state = state * 1103515245u + 12345u;
            /* Skewed classes: low labels are more common. */
            int l = (int)((state >> 8) % (unsigned)classes);
            state = state * 1103515245u + 12345u;
            if ((state >> 9) % 2) l = l / 2;
            labels[i] = l;
            counts[l]++;
        }
        float f = fractions[trial % 9];
        CHECK(descent_split(n, labels, classes, f, (uint32_t)trial, tr, &nt, te, &ns, &err) == DESCENT_OK);
        int want = (int)floor(n * (double)f + 0.5);
        if (want < 1) want = 1;
        if (want > n - 1) want = n - 1;
        CHECK_MSG(ns == want, "n %d fraction %g: %d test rows, expected %d", n, (double)f, ns, want);
        check_partition(n, tr, nt, te, ns);
        memset(got, 0, sizeof got);
        for (int i = 0; i < ns; i++) got[labels[te[i]]]++;
        for (int c = 0; c < classes; c++)
            CHECK_MSG(fabs(got[c] - counts[c] * (double)f) <= 1.0, "n %d class %d of %d: %d test rows for %g", n, c,
                      counts[c], got[c], counts[c] * (double)f);
    }
}

/* ------------------------------------------------------------------- kfold */

static void check_folds(int n, int k, const int *fold, const int *labels, int classes)
{
    int size[32] = {0};
    for (int i = 0; i < n; i++) {
        CHECK(fold[i] >= 0 && fold[i] < k);
        if (fold[i] >= 0 && fold[i] < k) size[fold[i]]++;
    }
    int lo = n, hi = 0;
    for (int f = 0; f < k; f++) {
        lo = size[f] < lo ? size[f] : lo;
        hi = size[f] > hi ? size[f] : hi;
    }
    CHECK(hi - lo <= 1);
    for (int c = 0; labels && c < classes; c++) {
        int per[32] = {0};
        for (int i = 0; i < n; i++)
            if (labels[i] == c && fold[i] >= 0 && fold[i] < k) per[fold[i]]++;
        int plo = n, phi = 0;
        for (int f = 0; f < k; f++) {
            plo = per[f] < plo ? per[f] : plo;
            phi = per[f] > phi ? per[f] : phi;
        }
        CHECK_MSG(phi - plo <= 1, "class %d spreads %d..%d over %d folds", c, plo, phi, k);
    }
}

static void test_kfold(void)
{
    enum { N = 103 };
    int fold[N], fold2[N], labels[N];
    descent_error err;
    for (int k = 2; k <= 10; k++) {
        CHECK(descent_kfold(N, k, NULL, 0, 3, fold, &err) == DESCENT_OK);
        check_folds(N, k, fold, NULL, 0);
    }
    CHECK(descent_kfold(N, 5, NULL, 0, 3, fold, &err) == DESCENT_OK);
    CHECK(descent_kfold(N, 5, NULL, 0, 3, fold2, &err) == DESCENT_OK);
    CHECK(memcmp(fold, fold2, sizeof fold) == 0);
    CHECK(descent_kfold(N, 5, NULL, 0, 4, fold2, &err) == DESCENT_OK);
    CHECK(memcmp(fold, fold2, sizeof fold) != 0);
    /* Shuffled: fold 0 is not just every fifth row. */
    int periodic = 1;
    for (int i = 0; i < N; i++) periodic &= fold[i] == i % 5;
    CHECK(!periodic);

    /* Stratified, with skewed classes. */
    for (int i = 0; i < N; i++) labels[i] = i < 60 ? 0 : i < 90 ? 1 : i < 100 ? 2 : 3;
    for (int k = 2; k <= 10; k++) {
        CHECK(descent_kfold(N, k, labels, 4, (uint32_t)k, fold, &err) == DESCENT_OK);
        check_folds(N, k, fold, labels, 4);
    }
    CHECK(descent_kfold(N, 7, labels, 4, 1, fold, &err) == DESCENT_OK);
    CHECK(descent_kfold(N, 7, labels, 4, 1, fold2, &err) == DESCENT_OK);
    CHECK(memcmp(fold, fold2, sizeof fold) == 0);
    /* Every row in exactly one fold is implied by one fold index per row; k = n puts one row per fold. */
    CHECK(descent_kfold(N, N, NULL, 0, 1, fold, &err) == DESCENT_OK);
    int seen[N] = {0};
    for (int i = 0; i < N; i++)
        if (fold[i] >= 0 && fold[i] < N) seen[fold[i]]++;
    for (int i = 0; i < N; i++) CHECK(seen[i] == 1);

    CHECK(descent_kfold(N, 1, NULL, 0, 1, fold, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "k must be in [2, n] = [2, 103], got 1");
    CHECK(descent_kfold(N, N + 1, NULL, 0, 1, fold, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "k must be in [2, n]");
    CHECK(descent_kfold(1, 2, NULL, 0, 1, fold, &err) == DESCENT_ERR_ARGUMENT);
    CHECK(descent_kfold(N, 5, NULL, 0, 1, NULL, &err) == DESCENT_ERR_ARGUMENT);
    labels[17] = 4;
    CHECK(descent_kfold(N, 5, labels, 4, 1, fold, &err) == DESCENT_ERR_ARGUMENT);
    CHECK_HAS(err.message, "row 17");
}

/* ------------------------------------------------------------- robustness */

/* Random bytes and mutated CSV must fail cleanly or parse, never crash
 * (this test matters most under ASan and UBSan). */
static void test_fuzz(void)
{
    const char *seed_text = "a,\"b,c\",t\r\n1,2,x\n\"3\",4.5e1,\"y\"\"z\"\n\n5,6,x\n";
    size_t seed_len = strlen(seed_text);
    unsigned state = 99;
    const char alphabet[] = "\",\r\n 0123456789.eE+-ab\t\xEF\xBB\xBF";
    for (int trial = 0; trial < 3000; trial++) {
        size_t len = trial % 2 ? seed_len : 1 + (size_t)(trial % 40);
        char *buf = malloc(len); /* exactly len bytes: no NUL, so ASan sees overreads */
        if (!buf) return;
        if (trial % 2) memcpy(buf, seed_text, len);
        for (size_t i = 0; i < len; i++) {
            state = state * 1103515245u + 12345u;
            if (trial % 2 && (state >> 16) % (trial % 4 == 1 ? 8u : 64u)) continue;
            state = state * 1103515245u + 12345u;
            unsigned r = state >> 16;
            buf[i] = r % 5 == 0 ? (char)(r >> 3) : alphabet[(r >> 3) % (sizeof alphabet - 1)];
        }
        descent_error err;
        err.code = DESCENT_OK;
        descent_csv_options o = descent_csv_defaults();
        o.no_target = trial % 7 == 0;
        o.task = (descent_task)(trial % 3);
        descent_dataset *ds = descent_csv_parse(buf, len, &o, &err);
        if (ds) {
            CHECK(ds->n >= 1 && ds->features >= 1);
            for (long i = 0; i < (long)ds->n * ds->features; i++) CHECK(isfinite(ds->x[i]));
        } else {
            CHECK(err.code == DESCENT_ERR_PARSE);
            CHECK(strlen(err.message) > 0);
        }
        descent_dataset_free(ds);
        free(buf);
    }
}

/* A long line and a long field need no fixed buffer. */
static void test_long_lines(void)
{
    enum { COLS = 5000 };
    size_t cap = (size_t)COLS * 16 * 3 + 100000;
    char *text = malloc(cap);
    if (!text) return;
    size_t len = 0;
    for (int c = 0; c < COLS; c++) len += (size_t)snprintf(text + len, cap - len, "%sc%d", c ? "," : "", c);
    text[len++] = '\n';
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < COLS; c++) len += (size_t)snprintf(text + len, cap - len, "%s%d.5", c ? "," : "", r + c);
        text[len++] = '\n';
    }
    descent_error err;
    descent_dataset *ds = descent_csv_parse(text, len, NULL, &err);
    CHECK(ds != NULL && ds->features == COLS - 1 && ds->n == 2 && ds->classes == 0);
    if (ds) CHECK(ds->x[(size_t)COLS - 2] == (float)(COLS - 2) + 0.5f);
    descent_dataset_free(ds);

    /* A 60000-character text cell in an error message is cut short. */
    len = (size_t)snprintf(text, cap, "a,b\n1,x\n");
    memset(text + len, 'z', 60000);
    len += 60000;
    text[len++] = ',';
    text[len++] = '2';
    ds = descent_csv_parse(text, len, NULL, &err);
    CHECK(ds == NULL && err.code == DESCENT_ERR_PARSE);
    CHECK_HAS(err.message, "line 3, column 1 ('a'): 'zzzz");
    CHECK_HAS(err.message, "...' is not a number");
    free(text);
}

/* Exponents far outside double range: an error (overflow) or 0 (underflow), never a crash. */
static void test_extreme_exponents(void)
{
    descent_error err;
    descent_dataset *ds = descent_csv_parse("a,b\n1e-400,1\n2,3\n", 18, NULL, &err);
    CHECK_MSG(ds != NULL, "%s", err.message);
    if (ds) CHECK(ds->x[0] == 0.0f);
    descent_dataset_free(ds);
    ds = descent_csv_parse("a,b\n1e999,1\n2,3\n", 17, NULL, &err);
    CHECK(ds == NULL);
    CHECK_HAS(err.message, "line 2, column 1");
    ds = descent_csv_parse("a,b\n12345678901234567890123e-3,1\n2,3\n", 37, NULL, &err);
    CHECK_MSG(ds != NULL, "%s", err.message);
    if (ds) CHECK_NEAR(ds->x[0], 12345678901234567890.123, 1e13);
    descent_dataset_free(ds);
}

CHECK_MAIN(TEST(test_extreme_exponents), TEST(test_known_classes), TEST(test_iris), TEST(test_breast_cancer), TEST(test_diabetes), TEST(test_digits), TEST(test_target_choice),
           TEST(test_csv_syntax), TEST(test_csv_errors), TEST(test_csv_file_errors), TEST(test_task),
           TEST(test_no_target), TEST(test_create_subset), TEST(test_generator_names), TEST(test_generators),
           TEST(test_generator_shapes), TEST(test_standardize), TEST(test_split), TEST(test_split_stratified),
           TEST(test_kfold), TEST(test_fuzz), TEST(test_long_lines))
