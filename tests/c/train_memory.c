/* train_memory.c - the peak memory of `descent train` on a big numeric CSV:
 * writes a seeded file of 200,000 rows of 20 columns (about 25 MB), trains a
 * small network on it for one epoch, and reads the process's peak resident
 * set from the kernel. It must stay under 3 x the file's size + 50 MB; this
 * prints the figures and fails (status 1) above that. POSIX, not part of the
 * library; scripts/bench prints its --json line.
 *   train_memory path/to/descent [--dir DIR] [--json] */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ROWS = 200000, COLUMNS = 20 };
#define MB 1000000.0

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Features uniform in [-10, 10) with three decimals; the target a linear
 * mix of them plus noise (a regression, as a numeric file usually is). */
static int write_csv(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    uint64_t seed = 14;
    for (int c = 1; c < COLUMNS; c++) fprintf(f, "x%d,", c);
    fputs("y\n", f);
    for (int r = 0; r < ROWS; r++) {
        double y = 0;
        for (int c = 1; c < COLUMNS; c++) {
            int milli = (int)(next(&seed) % 20000) - 10000, a = abs(milli);
            y += (c % 3 - 1) * milli / 1000.0;
            fprintf(f, "%s%d.%03d,", milli < 0 ? "-" : "", a / 1000, a % 1000);
        }
        int noise = (int)(next(&seed) % 1000) - 500;
        fprintf(f, "%.3f\n", y / 10 + noise / 1000.0);
    }
    return fclose(f);
}

int main(int argc, char **argv)
{
    const char *bin = NULL, *dir = ".";
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) dir = argv[++i];
        else if (!bin) bin = argv[i];
        else bin = NULL, i = argc;
    }
    if (!bin) {
        fprintf(stderr, "usage: train_memory path/to/descent [--dir DIR] [--json]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/train-memory-%ld.csv", dir, (long)getpid());
    struct stat st;
    if (write_csv(path) != 0 || stat(path, &st) != 0) {
        perror(path);
        remove(path);
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        execl(bin, bin, "train", "--data", path, "--layers", "8", "--epochs", "1", "--seed", "1", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        perror("train_memory: running descent");
        remove(path);
        return 1;
    }
    remove(path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "train_memory: %s train failed (status %d)\n", bin, status);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    double file = (double)st.st_size, peak = (double)ru.ru_maxrss * 1024.0; /* Linux counts kilobytes */
    double limit = 3 * file + 50 * MB;
    int ok = peak <= limit;
    if (json) {
        printf("{\"file_bytes\":%.0f,\"rows\":%d,\"columns\":%d,\"peak_rss_bytes\":%.0f,\"limit_bytes\":%.0f,"
               "\"ok\":%s}\n",
               file, ROWS, COLUMNS, peak, limit, ok ? "true" : "false");
    } else {
        printf("descent train on a %.1f MB CSV (%d rows x %d columns, 1 epoch, 8 hidden units): peak RSS %.1f MB "
               "(%.2f x the file); limit 3 x file + 50 MB = %.1f MB: %s\n",
               file / MB, ROWS, COLUMNS, peak / MB, peak / file, limit / MB, ok ? "ok" : "OVER");
    }
    return ok ? 0 : 1;
}
