/* calibrate.h - task counts that make a repetition long enough to time.
 *
 * Without -n, each instance's task count is scaled (as Google
 * Benchmark sizes its iterations) so that one serial repetition lasts at
 * least --min-time: a warm-up repetition at the workload's default, one
 * measured, then a round number of tasks (1, 2 or 5 x 10^k) above the
 * target, checked once more. I/O workloads cycle over their files. */
#ifndef POOLBENCH_CALIBRATE_H
#define POOLBENCH_CALIBRATE_H

#include <stddef.h>

#include "measure.h"
#include "plan.h"

/* Most tasks calibration asks for: executors keep one 32-byte result per
 * task, and this bounds them to 128 MiB. */
#define CALIBRATE_MAX_TASKS (1ULL << 22)

/* Prepare every instance of p with its task count: -n, the workload's
 * default, or calibrated to o->min_time_s; under --tasks-from
 * (o->tasks_base loaded) the count of the baseline's rows of the same
 * workload and params, and an instance the baseline lacks is calibrated
 * (stderr says so). Returns 0, or -1 with a
 * one-line message (a prepare that failed is a usage error). */
int calibrate_instances(const struct run_options *o, struct run_plan *p,
                        struct measure_ctx *ctx, char *err, size_t err_len);

/* The smallest of 1, 2, 5 x 10^k that is at least x (x >= 1). */
uint64_t calibrate_round_up(double x);

#endif /* POOLBENCH_CALIBRATE_H */
