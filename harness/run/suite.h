/* suite.h - named presets of `poolbench run` options: --suite NAME.
 *
 * A suite is a list of options inserted into argv before the user's own
 * (so that a later -r or -o given by the user wins; a -p the user gives
 * replaces the suite's for that parameter), built at run time
 * from the workloads and executors this poolbench has (registry_find,
 * executor_find): a suite runs whatever subset exists. After the run,
 * the driver hands the suite's name and the file written to its caller
 * (driver_hooks.suite): cli/run.c prints the seed table (render/seed.c)
 * for the seed suite.
 *
 *   seed     the seed experiment: factorial heavy (n=300) and light
 *            (n=20) tasks, sorted vs shuffled hashing with a cold cache,
 *            all vs none of the work under a lock; serial, procs,
 *            threads, futures at 4 workers (Pool(4)); map (ordered) vs
 *            unordered.
 *   default  what `make bench` runs: which executor and how many
 *            workers: every workload x every executor x workers 1, cpus
 *            and 2xcpus, unordered, chunk auto, calibrated task counts,
 *            repeated until each median is known within 3% (65 s at
 *            most), disturbed repetitions retried twice;
 *   chunks   per-task cost across chunk sizes 1..256 and auto, at cpus;
 *   delivery ordered vs unordered, with a skewed first task;
 *   ci       the CI gate (issue #18): factorial n=300 and noop under
 *            serial, threads and procs at cpus, unordered, chunk auto,
 *            30 repetitions of at least 50 ms, so that compare's
 *            detectable slowdown stays at or below its 5% threshold.
 *
 * `--suite list` prints them (suite_list).
 */
#ifndef POOLBENCH_SUITE_H
#define POOLBENCH_SUITE_H

#include <stddef.h>
#include <stdio.h>

#define SUITE_MAX_ARGS 96 /* options one suite may add */
#define SUITE_SEED_WORKERS 4 /* the seed's multiprocessing.Pool(4) */

/* A suite's expansion of one command line. */
struct suite_plan {
    const char *name;   /* the suite, or NULL when none was asked for */
    int argc;
    char **argv;        /* expanded argv, owned (strings are not) */
    char *owned[SUITE_MAX_ARGS]; /* option texts this plan allocated */
    size_t nowned;
};

/* If argv holds --suite NAME (or --suite=NAME), replace *argc / *argv
 * with argv[0], the suite's options, then the caller's other options;
 * otherwise leave them as they are. Returns 0; 1 when the name was
 * "list" and the suites were printed; or -1 with a one-line message
 * (unknown suite, missing name). The plan must be freed with
 * suite_free, also after a failure. */
int suite_expand(int *argc, char ***argv, struct suite_plan *plan,
                 char *err, size_t err_len);

/* Free what suite_expand allocated; safe on a zeroed plan. */
void suite_free(struct suite_plan *plan);

#endif /* POOLBENCH_SUITE_H */
