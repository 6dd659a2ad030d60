/* cli.h - the `descent` command-line tool as functions, so that main() stays
 * a one-liner and the tests and fuzzers can run the tool in-process. */
#ifndef DESCENT_CLI_H
#define DESCENT_CLI_H

/* Runs `descent argv[1] ...` (argv[0] is the program's name) and returns its
 * exit status: 0, 1 (a file or the training failed) or 2 (a bad command
 * line). Prints to stdout and stderr; never exits. */
int descent_cli_run(int argc, char **argv);

/* Reads and checks the command line exactly as descent_cli_run does, with the
 * same messages and status, then stops before any file is read or written:
 * 0 for a line that would run. For fuzzing the argument parsing. */
int descent_cli_check(int argc, char **argv);

#endif
