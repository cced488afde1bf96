/* compare_power.c - what the U test of compare can see: the smallest
 * slowdown it flags and the repetitions it needs (compare_power.h). */
#include <math.h>
#include <stdlib.h>

#include "compare_power.h"
#include "stats.h"

#define POWER 0.80          /* of the detectable slowdown */
#define POWER_REPS_MAX 1000 /* compare_reps_needed gives up here */

/* The robust spread (1.4826 MAD) of log v[0..n), or NAN. */
static double log_spread(const double *v, size_t n)
{
    double *l = malloc((n + 1) * sizeof(*l));
    if (l == NULL)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        if (!(v[i] > 0)) {
            free(l);
            return NAN;
        }
        l[i] = log(v[i]);
    }
    double s = 1.4826 * stats_mad(l, n);
    free(l);
    return s;
}

double compare_detectable_pct(const double *b, size_t nb, const double *nv,
                              size_t nn, double alpha_row)
{
    if (nb == 0 || nn == 0 || !(stats_mwu_min_p(nb, nn) < alpha_row))
        return INFINITY;
    double sb = log_spread(b, nb), sn = log_spread(nv, nn);
    if (isnan(sb) || isnan(sn))
        return INFINITY;
    /* A shift of the log times by d is found with power 1 - beta by a
     * two-sided test at alpha_row when d = (z(1 - alpha_row / 2) +
     * z(power)) * se; the U test needs pi / 3 the samples of a t test on
     * normal data (its asymptotic relative efficiency is 3 / pi), so its
     * se is the t test's times sqrt(pi / 3). */
    double se = sqrt(sb * sb / (double)nb + sn * sn / (double)nn) *
                sqrt(M_PI / 3.0);
    double z = stats_norm_quantile(1.0 - alpha_row / 2.0) +
               stats_norm_quantile(POWER);
    return (exp(z * se) - 1.0) * 100.0;
}

size_t compare_reps_needed(double alpha_row)
{
    for (size_t r = 2; r <= POWER_REPS_MAX; r++)
        if (stats_mwu_min_p(r, r) < alpha_row)
            return r;
    return 0;
}
