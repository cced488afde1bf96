/* warnings.h - what makes a run's answer less trustworthy, said where
 * users look: before the run (a system check, as pyperf's), in the
 * results file's top-level "warnings" array of {kind, message, result}
 * (result: the row's index, or null for the whole run), and from there in
 * the terminal summary and the report.
 *
 * Kinds: busy_machine (other processes or the host took CPU time during
 * repetitions, or fewer CPUs were available than workers),
 * precision_not_reached, too_short (a serial repetition under half the
 * --min-time, or medians near the clock's resolution), cpu_quota (a
 * cgroup quota below the online CPUs), governor and boost (the clock is
 * not fixed), debug_build, slow_workers (every worker ran much slower per
 * CPU-second than the plain loop: its speedup is short of what the CPUs
 * allowed). */
#ifndef POOLBENCH_WARNINGS_H
#define POOLBENCH_WARNINGS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "machine.h"
#include "measure.h"
#include "plan.h"

/* The system check before a run: print a line per problem to out
 * ("poolbench: warning: ...; next: ...") and return how many: a machine
 * busy before the run always (CI logs need it too), the machine's own
 * settings (governor, boost, quota, build) only when with_machine. */
int warnings_precheck(const struct machine_info *m, double cpu_quota,
                      int with_machine, FILE *out);

/* Append the run's warnings to the array w. index[k] is configuration
 * k's position in the results array, or -1 when it is not written.
 * busiest names what else used the CPU while measuring (measure_ctx's
 * busiest; "" or NULL: unknown), for busy_machine's remedy. */
void warnings_collect(const struct run_options *o, const struct run_plan *p,
                      const struct machine_info *m, double cpu_quota,
                      const char *busiest, const long *index, cJSON *w);

/* The warnings about the machine as a whole (cpu_quota below the online
 * CPUs, a governor other than performance, boost == 1, a build that is
 * not release) into w (may be NULL) and, when out is not NULL, printed.
 * Returns how many. */
int warnings_machine(const struct machine_info *m, double quota,
                     int boost, cJSON *w, FILE *out);

#endif /* POOLBENCH_WARNINGS_H */
