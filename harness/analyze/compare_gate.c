/* compare_gate.c - the gate's outcome: whether every configuration was
 * compared, the exit status, and the words for what each row and the
 * whole comparison could see (see compare.h, "What the gate could see").
 * The statistics are computed in compare.c and compare_power.c. */
#include <math.h>
#include <stdio.h>

#include "compare.h"
#include "exit.h"

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
