/* summary.h - the answer first: a few lines per workload instance, in at
 * most SUMMARY_COLUMNS columns, in the style of hyperfine's closing
 * lines ("procs x2 is 1.93x [1.90, 1.96] faster than serial").
 *
 * Per instance: the fastest configuration with its speedup and 95%
 * interval, how each executor did at the CPU count, what more workers
 * than CPUs did, and the file's warnings about that instance. Every
 * number comes from the results view. */
#ifndef POOLBENCH_SUMMARY_H
#define POOLBENCH_SUMMARY_H

#include <stdio.h>

#include "view.h"

#define SUMMARY_COLUMNS 100

/* Whether to colour what goes to out: a terminal, and NO_COLOR unset or
 * empty (no-color.org). */
int summary_colour_wanted(FILE *out);

/* Print the summary of v to out; colour adds ANSI colours. Returns the
 * number of lines printed. */
int summary_print(FILE *out, const struct results_view *v, int colour);

#endif /* POOLBENCH_SUMMARY_H */
