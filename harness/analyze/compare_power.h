/* compare_power.h - what the Mann-Whitney U test of compare can see at
 * a row's level: the smallest slowdown it flags with 80% power, and the
 * repetitions it needs to flag any (see compare.h, "What the gate could
 * see"). Pure statistics: it knows no report. */
#ifndef POOLBENCH_COMPARE_POWER_H
#define POOLBENCH_COMPARE_POWER_H

#include <stddef.h>

/* The smallest slowdown, in percent, the U test flags with 80% power at
 * alpha_row between samples b[0..nb) and nv[0..nn) (see compare.h);
 * INFINITY when it cannot flag any. */
double compare_detectable_pct(const double *b, size_t nb, const double *nv,
                              size_t nn, double alpha_row);

/* The repetitions per side at which the U test can reach alpha_row, or 0
 * beyond 1000. */
size_t compare_reps_needed(double alpha_row);

#endif /* POOLBENCH_COMPARE_POWER_H */
