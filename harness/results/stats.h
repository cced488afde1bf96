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
    double stddev;     /* sample standard deviation (n - 1); NAN (no
                        * spread to speak of) when n < 2 */
    double mad;        /* median absolute deviation, unscaled */
    double ci95_low;   /* distribution-free 95% CI of the median from */
    double ci95_high;  /* order statistics; [min, max] when n < 6 */
    double ci_level;   /* the coverage those order statistics reach
                        * (binomial): 0.95 or more from n = 6, 0.875 at
                        * n = 4, 0.9375 at 5; NAN when n <=
                        * STATS_MIN_CI_N: no interval at all */
    size_t outliers;   /* see stats_outliers */
};

/* Samples at or below which no interval is given: [min, max] of 3
 * samples covers the median only 75% of the time, of 2 only 50%. */
#define STATS_MIN_CI_N 3

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

/* How far the interval of the median reaches from it, in percent of the
 * median: 100 max(median - ci95_low, ci95_high - median) / median, so
 * that "+-PCT%" means both ends lie within PCT% of the median (the
 * interval is not symmetric). INFINITY without an interval (n <=
 * STATS_MIN_CI_N) or with a median <= 0. --precision and the tables'
 * "+-ci95%" both mean this. */
double stats_ci_pct(const struct stats_summary *s);

/* Number of samples whose modified z-score 0.6745 (x - median) / MAD
 * exceeds 3.5 in absolute value (Iglewicz and Hoaglin). When MAD is 0
 * (more than half the samples equal the median) the scale falls back to
 * the mean absolute deviation from the median, MeanAD: a sample is an
 * outlier when |x - median| / (1.253314 MeanAD) > 3.5 (1.253314 =
 * sqrt(pi/2) makes MeanAD estimate sigma, as 1/0.6745 does for MAD).
 * 0 when n < 3 or every sample is equal. */
size_t stats_outliers(const double *v, size_t n);

/* ---- two-sample comparison (poolbench compare) ------------------------ */

/* Samples per side up to which the Mann-Whitney U test uses the exact
 * null distribution (when there are no ties). */
#define STATS_MWU_EXACT_MAX 20

/* The result of a Mann-Whitney U (Wilcoxon rank-sum) test. */
struct stats_mwu {
    double u;      /* U of the first sample: pairs (x_i, y_j) with x_i >
                    * y_j, a tie counting 1/2; 0..nx*ny */
    double p;      /* two-sided p-value, in (0, 1] */
    double z;      /* normal score used (0 when exact) */
    int exact;     /* 1: p from the exact null distribution (no ties, both
                    * sides <= STATS_MWU_EXACT_MAX); 0: normal
                    * approximation with tie and continuity correction */
};

/* Two-sided Mann-Whitney U test of x[0..nx) against y[0..ny): is one
 * sample stochastically larger than the other? Without ties and with
 * nx, ny <= STATS_MWU_EXACT_MAX, p = 2 min(P(U <= u), P(U >= u)) under the
 * exact distribution of U (counted by q-binomial coefficients);
 * otherwise z = (|U - nx ny / 2| - 1/2) / sigma with the tie-corrected
 * sigma^2 = nx ny / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))), and p =
 * erfc(z / sqrt 2); p is 1 when every value is tied. p is capped at 1.
 * Returns 0, or -1 when a side is empty or memory runs out (*out is then
 * zeroed). */
int stats_mann_whitney(const double *x, size_t nx, const double *y,
                       size_t ny, struct stats_mwu *out);

/* The number of orderings of nx + ny distinct values in which U equals u,
 * for u = 0..nx*ny, into count[] (nx*ny + 1 entries): the exact null
 * distribution of U, whose total is C(nx + ny, nx). Returns 0, or -1 when
 * nx + ny > 60 (counts would overflow) or memory runs out. */
int stats_mwu_counts(size_t nx, size_t ny, double *count);

/* A distribution-free confidence interval for the ratio new / base of two
 * positive samples (Hodges-Lehmann / Moses, on the log scale): of the
 * nb*nn ratios new_j / base_i, sorted, the interval is [r_(c), r_(nb nn
 * + 1 - c)], where c is the largest k with P(U <= k - 1) <= (1 - level) /
 * 2 under the null distribution of U (exact counts for sides up to
 * STATS_MWU_EXACT_MAX, else the normal approximation with continuity
 * correction). *est is the median of the ratios (the Hodges-Lehmann
 * estimate of the typical ratio) taken on the log scale: the median of
 * the log ratios, exponentiated (the geometric mean of the two middle
 * ratios when their count is even), so it lies inside the interval,
 * which is built from the same ordered ratios. It pairs with the U
 * test: at level 1 - alpha the interval excludes 1 about when p <
 * alpha. Returns 0; 1
 * when the samples are too small to reach the level (the interval is then
 * [min, max] of the ratios); -1 when a side is empty, a base value is not
 * positive, or memory runs out. */
int stats_ratio_ci(const double *base, size_t nb, const double *new_v,
                   size_t nn, double level, double *est, double *lo,
                   double *hi);

/* The coverage stats_ratio_ci's interval reaches for sides nb and nn at
 * the given level: 1 - 2 P(U <= c - 1) under the null law of U (at least
 * level), or NAN when no pair of ratios reaches the level (the interval is
 * then [min, max] of the ratios, not a confidence interval). */
double stats_ratio_ci_level(size_t nb, size_t nn, double level);

/* The smallest two-sided p-value the Mann-Whitney U test of
 * stats_mann_whitney can give for sides of nx and ny samples: 2 /
 * C(nx + ny, nx) where the test is exact, else the normal approximation
 * at the largest U. A test at level a can flag anything only when this
 * is below a. 1 when a side is empty. */
double stats_mwu_min_p(size_t nx, size_t ny);

/* The p quantile of the standard normal distribution, 0 < p < 1 (-inf or
 * +inf outside). */
double stats_norm_quantile(double p);

/* ---- paired comparison (A/B in one run) ------------------------------- */

/* Nonzero differences up to which the signed-rank test uses the exact
 * null distribution (when there are no ties and no zeros); counts reach
 * 2^50, still exact in a double. */
#define STATS_WSR_EXACT_MAX 50

/* Most differences whose Walsh averages (n(n+1)/2 of them) are formed. */
#define STATS_WALSH_MAX 2000

/* The result of a Wilcoxon signed-rank test. */
struct stats_wsr {
    size_t n;        /* nonzero differences ranked */
    size_t zeros;    /* differences of exactly 0, dropped (Wilcoxon) */
    double w_plus;   /* T: sum of the ranks of |d| of the positive d,
                      * mid-ranks for ties; 0..n(n+1)/2 */
    double p;        /* two-sided p-value, in (0, 1] */
    double z;        /* normal score used (0 when exact) */
    int exact;       /* 1: exact null law (no ties, no zeros, n <=
                      * STATS_WSR_EXACT_MAX); 0: normal approximation */
    double p_min;    /* the smallest p this n can give (every d on one
                      * side): 2 / 2^n exact; 1 when n == 0. A gate at
                      * alpha <= p_min cannot fire. */
};

/* Two-sided Wilcoxon signed-rank test of d[0..n) (paired differences)
 * against a distribution symmetric about 0. Zeros are dropped; the |d|
 * are ranked (mid-ranks for ties), T = the rank sum of the positive d.
 * Without ties and zeros and with n <= STATS_WSR_EXACT_MAX, p = 2
 * min(P(T <= t), P(T >= t)) under the exact law (every sign pattern
 * equally likely: 2^n subsets of the ranks); otherwise z = (|T - n(n+1)/
 * 4| - 1/2) / sigma with sigma^2 = n(n+1)(2n+1)/24 - sum(t^3 - t)/48
 * over tie groups of size t, and p = erfc(z / sqrt 2). Returns 0, or -1
 * when memory runs out (*out then holds p = 1). */
int stats_wilcoxon(const double *d, size_t n, struct stats_wsr *out);

/* The number of subsets of the ranks {1..n} whose sum is w, for w =
 * 0..n(n+1)/2, into count[]: the exact null law of T times 2^n. Returns
 * 0, or -1 when n > STATS_WSR_EXACT_MAX. */
int stats_wsr_counts(size_t n, double *count);

/* The Hodges-Lehmann estimate of the centre of d[0..n) (the median of
 * the n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j) into *est, and its
 * distribution-free interval at level: [A_(c), A_(M+1-c)] of the sorted
 * averages, where c is the largest k with P(T <= k - 1) <= (1 - level) /
 * 2 under T's null law (exact for n <= STATS_WSR_EXACT_MAX, else normal
 * with continuity correction). It pairs with stats_wilcoxon: the
 * interval excludes 0 about when p < 1 - level. Returns 0; 1 when n is
 * too small to reach the level (the interval is then [min, max] of the
 * averages); -1 when n is 0 or above STATS_WALSH_MAX, or memory runs
 * out (all NAN). */
int stats_walsh_ci(const double *d, size_t n, double level, double *est,
                   double *lo, double *hi);

/* The smallest shift of the centre of d the signed-rank test at alpha
 * (two-sided) detects with the given power, from the spread of d:
 *     delta = (z(1 - alpha/2) + z(power)) * sigma / sqrt(n * 3 / pi)
 * with sigma = 1.4826 MAD(d) (the sample standard deviation when the
 * MAD is 0), the normal-theory sample size of a paired t-test divided
 * by the signed-rank test's efficiency 3/pi. On log ratios, exp(delta)
 * is the smallest ratio it detects. INFINITY when n < 2. */
double stats_wsr_detectable(const double *d, size_t n, double alpha,
                            double power);

#endif /* POOLBENCH_STATS_H */
