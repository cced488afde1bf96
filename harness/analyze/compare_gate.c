/* compare_gate.c - what a comparison could have seen: the level each row
 * is tested at after the correction, the smallest p the U test can give,
 * and the smallest slowdown it would flag (see compare.h, "What the gate
 * could see"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare.h"
#include "exit.h"

#define GATE_POWER 0.80         /* of the detectable slowdown */
#define GATE_REPS_MAX 1000      /* compare_reps_needed gives up here */

double compare_row_alpha(const struct compare_options *o, size_t m)
{
    /* Holm and BH flag a lone regression among m rows only at p <=
     * alpha / m (their first step); it is the level every row must be
     * able to reach for the gate to fire on it. */
    if (o->correction == COMPARE_NONE || m <= 1)
        return o->alpha;
    return o->alpha / (double)m;
}

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
               stats_norm_quantile(GATE_POWER);
    return (exp(z * se) - 1.0) * 100.0;
}

size_t compare_reps_needed(double alpha_row)
{
    for (size_t r = 2; r <= GATE_REPS_MAX; r++)
        if (stats_mwu_min_p(r, r) < alpha_row)
            return r;
    return 0;
}

int compare_complete(const struct compare_report *r)
{
    return r->ncompared == r->nconfigs;
}

int compare_status(const struct compare_report *r)
{
    if (r->regressions > 0)
        return EXIT_REGRESSION;
    if (r->cannot_fire)
        return EXIT_USAGE;
    if (!compare_complete(r) && !r->opt.allow_unmatched)
        return EXIT_USAGE;
    return 0;
}

void compare_count_text(const struct compare_report *r, char *buf,
                        size_t len)
{
    snprintf(buf, len, "compared %zu of %zu configuration%s", r->ncompared,
             r->nconfigs, r->nconfigs == 1 ? "" : "s");
}

void compare_verdict_text(const struct compare_report *r,
                          const struct compare_match *m, char *buf,
                          size_t len)
{
    const char *name = compare_verdict_name(m->verdict);
    if (m->regression)
        snprintf(buf, len, "%s (regression)", name);
    else if (!m->in_family || isnan(m->detect_pct))
        snprintf(buf, len, "%s", name);
    else if (isinf(m->detect_pct))
        snprintf(buf, len, "%s; can detect none at n=%zu/%zu", name, m->nb,
                 m->nn);
    else if (m->verdict == COMPARE_SAME ||
             m->verdict == COMPARE_NOT_TESTED)
        snprintf(buf, len, "%s; could detect >= %.*f%%", name,
                 m->detect_pct < 10 ? 1 : 0, m->detect_pct);
    else
        snprintf(buf, len, "%s", name);
    (void)r;
}

void compare_cannot_fire_text(const struct compare_report *r, char *buf,
                              size_t len)
{
    char reps[96] = "";
    if (r->reps_needed > 0)
        snprintf(reps, sizeof(reps), "; run with -r %zu or more on both "
                 "sides", r->reps_needed);
    snprintf(buf, len, "no regression can be flagged: with these "
             "repetitions the smallest p the U test can give is not "
             "below alpha %g / %zu tested rows (%s) = %.2g%s",
             r->opt.alpha, r->opt.correction == COMPARE_NONE ? (size_t)1
                                                             : r->ntested,
             compare_correction_name(r->opt.correction), r->alpha_row,
             reps);
}
