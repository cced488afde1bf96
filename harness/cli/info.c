/* info.c - `poolbench info`: this machine's metadata. */
#include <stdio.h>

#include "cli.h"
#include "exit.h"
#include "machine.h"

int cmd_info(int argc, char **argv)
{
    int rc = cli_no_options("info", argc, argv, "Prints the metadata "
                            "recorded in every results file's "
                            "\"machine\" block.");
    if (rc != 0)
        return rc > 0 ? 0 : EXIT_USAGE;
    struct machine_info m;
    machine_read(&m);
    machine_print(&m);
    return 0;
}
