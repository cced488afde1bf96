/* compare_scaling.h - `compare --normalize speedup` on the scaling model:
 * per workload instance and executor fitted in both files, contention
 * (and crosstalk where either file's USL has one) of base and new with
 * their 95% intervals, and which is higher when the intervals do not
 * overlap ("contention 4.8% [4.5, 5.1] on base, 9.8% [9.0, 10.7] on new:
 * higher on new"). Instances match by workload and parameters, not task
 * count: machines calibrate their own. */
#ifndef POOLBENCH_COMPARE_SCALING_H
#define POOLBENCH_COMPARE_SCALING_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"

/* Print the lines to out, as markdown (a heading and a list) when
 * markdown is set; nothing when no executor has a model in both files.
 * Returns 0, or -1 with a message (out of memory). */
int compare_scaling_print(FILE *out, int markdown,
                          const struct results_file *base,
                          const struct results_file *new_file, char *err,
                          size_t err_len);

#endif /* POOLBENCH_COMPARE_SCALING_H */
