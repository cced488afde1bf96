/* measure_impl.h - what measure.c, measure_harness.c and
 * measure_rounds.c share. Internal to harness/run. */
#ifndef POOLBENCH_MEASURE_IMPL_H
#define POOLBENCH_MEASURE_IMPL_H

#include "measure.h"

/* The clock measuring reads: the monotonic one, or a test's fake. */
double measure_now_s(const struct measure_ctx *ctx);

/* Why the repetition of sample s was disturbed (MEASURE_WHY_* bits, 0:
 * it was not). */
unsigned measure_disturbed(const struct run_sample *s,
                           const struct measure_ctx *ctx);

/* Run one repetition of c; measured says whether it counts. Returns 0,
 * or -1 when the configuration failed (c->failure says why). */
int measure_rep(struct run_config *c, int measured, struct measure_ctx *ctx);

/* One more repetition of every harness probe of p, after a measured
 * round, and every configuration's figure from them. */
void measure_harness_round(struct run_plan *p, struct measure_ctx *ctx);

#endif /* POOLBENCH_MEASURE_IMPL_H */
