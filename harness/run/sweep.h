/* sweep.h - worker sweeps: the -j forms that stand for many counts.
 *
 *   sweep      1, 2, 4, ... below the usable CPUs, then the CPUs and
 *              twice the CPUs: the knee and the first step past it
 *   sweep:M    1, 2, 4, ... up to M, and M (to test beyond the CPUs)
 *   A..B       A, the powers of two between A and B, and B
 *
 * Counts are increasing and distinct. The scaling model (analyze/
 * scaling.h) needs at least three; a sweep gives three from 2 CPUs. */
#ifndef POOLBENCH_SWEEP_H
#define POOLBENCH_SWEEP_H

#include <stddef.h>

#define SWEEP_SPEC_LEN 16   /* a count's spec: "8", "cpus", "2xcpus" */

/* Expand text when it is a sweep form, with cpus the usable CPUs, into
 * out[0..*n) (at most cap counts, each at most max) and each count's
 * spec into specs. Returns 1 when text was a sweep, 0 when it is not one
 * (nothing written), -1 with a one-line message naming text and the
 * accepted forms. */
int sweep_expand(const char *text, long cpus, unsigned max, unsigned *out,
                 char (*specs)[SWEEP_SPEC_LEN], size_t cap, size_t *n,
                 char *err, size_t err_len);

#endif /* POOLBENCH_SWEEP_H */
