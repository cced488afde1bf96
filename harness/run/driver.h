/* driver.h - `poolbench run`: the sweep of workloads x parameter sets x
 * executors x workers x modes x chunk sizes, measured in interleaved
 * rounds and written as one results file. */
#ifndef POOLBENCH_DRIVER_H
#define POOLBENCH_DRIVER_H

#include <stddef.h>

#include "exit.h"

/* Run `poolbench run` with argv[0] == "run". Returns the exit status. */
int driver_main(int argc, char **argv);

/* The folder workloads may cache generated data in (--corpus-dir, else
 * $XDG_CACHE_HOME/poolbench, else ~/.cache/poolbench, else
 * ${TMPDIR:-/tmp}/poolbench-cache-UID), into buf. */
void driver_cache_dir(const char *override, char *buf, size_t len);

#endif /* POOLBENCH_DRIVER_H */
