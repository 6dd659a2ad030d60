/* check.h - the tiny test harness the C tests share: CHECK macros, a test
 * list, and the closing "N passed, N failed" line that CI reads. */
#ifndef DESCENT_CHECK_H
#define DESCENT_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures_ = 0;
static int check_current_failed_ = 0;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                  \
            check_current_failed_ = 1;                                                         \
        }                                                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                   \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("  %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);                  \
            printf(__VA_ARGS__);                                                               \
            printf("\n");                                                                      \
            check_current_failed_ = 1;                                                         \
        }                                                                                      \
    } while (0)

/* |a - b| <= tol, printing both values when it is not. */
#define CHECK_NEAR(a, b, tol)                                                                  \
    do {                                                                                       \
        double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol);                         \
        if (!(fabs(a_ - b_) <= t_)) {                                                          \
            printf("  %s:%d: %s = %.9g, %s = %.9g, differ by more than %g\n", __FILE__,        \
                   __LINE__, #a, a_, #b, b_, t_);                                              \
            check_current_failed_ = 1;                                                         \
        }                                                                                      \
    } while (0)

/* Relative closeness with an absolute floor. */
#define CHECK_CLOSE(a, b, rel)                                                                 \
    CHECK_NEAR(a, b, (rel) * fmax(1e-6, fmax(fabs((double)(a)), fabs((double)(b)))))

/* The message contains the substring. */
#define CHECK_HAS(message, needle)                                                             \
    CHECK_MSG(strstr((message), (needle)) != NULL, "message \"%s\" lacks \"%s\"", (message),   \
              (needle))

typedef struct check_test {
    const char *name;
    void (*fn)(void);
} check_test;

#define TEST(name) {#name, name}

static int check_run(const check_test *tests, int count)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        check_current_failed_ = 0;
        tests[i].fn();
        if (check_current_failed_) {
            failed++;
            printf("FAIL %s\n", tests[i].name);
        } else {
            passed++;
            printf("ok   %s\n", tests[i].name);
        }
        fflush(stdout);
    }
    check_failures_ = failed;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#define CHECK_MAIN(...)                                                                        \
    int main(void)                                                                             \
    {                                                                                          \
        static const check_test tests_[] = {__VA_ARGS__};                                      \
        return check_run(tests_, (int)(sizeof tests_ / sizeof tests_[0]));                     \
    }

#endif
