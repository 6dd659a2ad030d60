/* fuzz_import.c - libFuzzer harness for `descent import`: its JSON reader,
 * the TF.js topology and weights manifest it reads, and the weight files.
 * The input up to its first NUL byte is model.json; what follows is
 * weights.bin beside it. Each run writes both into a scratch directory and
 * runs `descent import --from DIR/model.json --out DIR/m.bin` in-process: it
 * must return 0, 1 or 2 and leak nothing, and a model it writes must load.
 * Run it with -close_fd_mask=3, since every refusal prints its message. */
#define _POSIX_C_SOURCE 200809L

#include "descent.h"
#include "cli/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], json_path[96], bin_path[96], out_path[96];

static void remove_files(void)
{
    unlink(json_path);
    unlink(bin_path);
    unlink(out_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/descent-fuzz-import-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz_import: mkdtemp");
        abort();
    }
    snprintf(json_path, sizeof json_path, "%s/model.json", dir);
    snprintf(bin_path, sizeof bin_path, "%s/weights.bin", dir);
    snprintf(out_path, sizeof out_path, "%s/m.bin", dir);
    atexit(remove_files);
    return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz_import: writing the input");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t json = nul ? (size_t)(nul - data) : size;
    write_file(json_path, data, json);
    write_file(bin_path, nul ? nul + 1 : data, nul ? size - json - 1 : 0);
    unlink(out_path);
    char *argv[] = {"descent", "import", "--from", json_path, "--out", out_path, NULL};
    int rc = descent_cli_run(6, argv);
    if (rc < 0 || rc > 2) {
        fprintf(stderr, "fuzz_import: exit status %d\n", rc);
        abort();
    }
    if (rc == 0) {
        descent_error err;
        descent_model *m = descent_model_load_file(out_path, &err);
        if (!m) {
            fprintf(stderr, "fuzz_import: the model written does not load: %s\n", err.message);
            abort();
        }
        descent_model_free(m);
    }
    return 0;
}
