/* main.c - the `descent` program: everything is in descent_cli_run (help.c). */
#include "cli.h"

int main(int argc, char **argv)
{
    return descent_cli_run(argc, argv);
}
