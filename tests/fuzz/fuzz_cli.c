/* fuzz_cli.c - libFuzzer harness for the command line's parsing. The input,
 * split at NUL bytes, is an argument list; it is checked as given and after
 * each command name (descent_cli_check: every flag is read and validated as
 * `descent` would, and nothing is read or written). Each run must return a
 * status of 0, 1 or 2 and leak nothing; run it with -close_fd_mask=3, since
 * every refusal prints its message. */
#include "cli/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

static void check(int argc, char **argv)
{
    int rc = descent_cli_check(argc, argv);
    if (rc < 0 || rc > 2) {
        fprintf(stderr, "fuzz_cli: exit status %d\n", rc);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One copy with a NUL after every argument (and after the last). */
    char *text = malloc(size + 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 3];
    int n = 0;
    argv[n++] = "descent";
    argv[n++] = NULL;               /* the command, for the second round */
    for (size_t i = 0; i <= size && n < MAX_ARGS + 2;) {
        argv[n++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[n] = NULL;
    if (size == 0) argv[--n] = NULL; /* no arguments at all */

    /* As given: argv[2] is the command. */
    argv[1] = "descent";
    check(n - 1, argv + 1);
    static const char *const commands[] = {"train", "predict", "evaluate", "generate", "info", "tune", "export",
                                            "import"};
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        argv[1] = (char *)commands[c];
        check(n, argv);
    }
    free(text);
    return 0;
}
