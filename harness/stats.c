/* stats.c - robust summary statistics over repetition samples. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_sorted_copy(const double *v, size_t n, double *out)
{
    if (n > 0)
        memcpy(out, v, n * sizeof(*v));
    qsort(out, n, sizeof(*out), cmp_double);
}

/* Median of an already sorted array. */
static double sorted_median(const double *s, size_t n)
{
    if (n == 0)
        return NAN;
    if (n % 2 == 1)
        return s[n / 2];
    return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

double stats_median(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof(*s));
    if (s == NULL)
        return NAN;
    stats_sorted_copy(v, n, s);
    double m = sorted_median(s, n);
    free(s);
    return m;
}

double stats_mean(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    /* Kahan summation: samples can span many orders of magnitude. */
    double sum = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        double y = v[k] - c;
        double t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum / (double)n;
}

double stats_mad(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double *d = malloc(n * sizeof(*d));
    if (d == NULL)
        return NAN;
    double med = stats_median(v, n);
    for (size_t k = 0; k < n; k++)
        d[k] = fabs(v[k] - med);
    double mad = stats_median(d, n);
    free(d);
    return mad;
}

void stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi,
                           double *covered)
{
    double alpha_half = (1.0 - level) / 2.0;
    /* Walk the binomial(n, 1/2) CDF once, in log space so that large n
     * neither underflows nor costs more than O(n). */
    double log_pmf = -(double)n * log(2.0); /* P(B = 0) */
    double cdf = exp(log_pmf);              /* P(B <= j - 1), j = 1 */
    double cdf_best = 0;
    size_t best = 0; /* largest j with P(B <= j - 1) <= alpha/2 */
    for (size_t j = 1; j <= n / 2 + 1 && cdf <= alpha_half; j++) {
        best = j;
        cdf_best = cdf;
        log_pmf += log((double)(n - j + 1)) - log((double)j); /* P(B=j) */
        cdf += exp(log_pmf);
    }
    if (best == 0) {
        *lo = n > 0 ? 1 : 0;
        *hi = n;
        *covered = n > 0 ? 1.0 - 2.0 * exp(-(double)n * log(2.0)) : 0.0;
        return;
    }
    *lo = best;
    *hi = n - best + 1;
    *covered = 1.0 - 2.0 * cdf_best;
}

size_t stats_outliers(const double *v, size_t n)
{
    if (n < 3)
        return 0;
    double med = stats_median(v, n);
    double mad = stats_mad(v, n);
    if (!(mad > 0))
        return 0;
    size_t count = 0;
    for (size_t k = 0; k < n; k++)
        if (fabs(0.6745 * (v[k] - med) / mad) > 3.5)
            count++;
    return count;
}

int stats_summarize(const double *v, size_t n, struct stats_summary *out)
{
    memset(out, 0, sizeof(*out));
    if (n == 0)
        return -1;
    double *s = malloc(n * sizeof(*s));
    if (s == NULL)
        return -1;
    stats_sorted_copy(v, n, s);
    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = sorted_median(s, n);
    out->mean = stats_mean(v, n);
    double ss = 0;
    for (size_t k = 0; k < n; k++)
        ss += (v[k] - out->mean) * (v[k] - out->mean);
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    out->mad = stats_mad(v, n);
    size_t lo, hi;
    double covered;
    stats_median_ci_ranks(n, 0.95, &lo, &hi, &covered);
    out->ci95_low = s[lo - 1];
    out->ci95_high = s[hi - 1];
    out->outliers = stats_outliers(v, n);
    free(s);
    return 0;
}
