/* paths.c - where poolbench finds the files it ships (see paths.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "paths.h"

const char *paths_scripts_dir(void)
{
    static char dir[4096];
    struct stat st;
    const char *env = getenv("POOLBENCH_SCRIPTS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    /* common.gp marks a source tree that still has its scripts. */
    snprintf(dir, sizeof(dir), "%s/scripts/common.gp", POOLBENCH_SOURCE_DIR);
    if (stat(dir, &st) == 0) {
        snprintf(dir, sizeof(dir), "%s/scripts", POOLBENCH_SOURCE_DIR);
        return dir;
    }
    snprintf(dir, sizeof(dir), "%s/scripts", POOLBENCH_DATADIR);
    return dir;
}
