/* stats.h - robust summary statistics over repetition samples.
 *
 * All functions take plain arrays of doubles and never modify them. NaN
 * inputs are not allowed (the results reader rejects them).
 */
#ifndef POOLBENCH_STATS_H
#define POOLBENCH_STATS_H

#include <stddef.h>

/* The summary of one metric over n samples. */
struct stats_summary {
    size_t n;
    double min, max;
    double mean;
    double median;
    double stddev;     /* sample standard deviation (n - 1); 0 if n < 2 */
    double mad;        /* median absolute deviation, unscaled */
    double ci95_low;   /* distribution-free 95% CI of the median from */
    double ci95_high;  /* order statistics; [min, max] when n < 6 */
    size_t outliers;   /* samples with modified z-score > 3.5 */
};

/* Summarize v[0..n). Returns 0, or -1 when n == 0 (out is zeroed). */
int stats_summarize(const double *v, size_t n, struct stats_summary *out);

/* The median of v[0..n); NAN when n == 0. */
double stats_median(const double *v, size_t n);

/* Arithmetic mean; NAN when n == 0. */
double stats_mean(const double *v, size_t n);

/* Median absolute deviation from the median, unscaled; NAN when n == 0. */
double stats_mad(const double *v, size_t n);

/* Ranks (1-based, into the sorted sample) bounding a distribution-free
 * confidence interval of the median at the given level (0.95): the
 * narrowest symmetric pair j <= k with P(X_(j) <= median <= X_(k)) >=
 * level under the binomial(n, 1/2) law. When no pair reaches the level
 * (n < 6 at 95%), returns 1 and n and sets *covered to the coverage. */
void stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi,
                           double *covered);

/* Number of samples whose modified z-score 0.6745 (x - median) / MAD
 * exceeds 3.5 in absolute value (Iglewicz and Hoaglin); 0 if MAD is 0. */
size_t stats_outliers(const double *v, size_t n);

/* Copy v into out (which holds n) and sort ascending. */
void stats_sorted_copy(const double *v, size_t n, double *out);

#endif /* POOLBENCH_STATS_H */
