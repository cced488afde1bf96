/* compare.c - `poolbench compare`: a new results file against one or more
 * base runs, matched by configuration, tested for significant change with
 * a correction for testing many rows, gated for CI. Which rows match is
 * in compare_match.c, the output formats are in compare_format.c, the
 * command line in cli/compare.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_match.h"

/* ---- names ------------------------------------------------------------ */

static const char *const verdict_names[] = {
    [COMPARE_SAME] = "same",
    [COMPARE_FASTER] = "faster",
    [COMPARE_SLOWER] = "slower",
    [COMPARE_FEW] = "too few samples",
    [COMPARE_FAILED] = "failed",
    [COMPARE_NO_DATA] = "no data",
    [COMPARE_BASELINE] = "baseline",
    [COMPARE_NO_SERIAL] = "no " VIEW_BASELINE_EXECUTOR " baseline",
    [COMPARE_NOT_TESTED] = "not tested",
};

const char *compare_verdict_name(enum compare_verdict v)
{
    return verdict_names[v];
}

static const char *const correction_names[] = {
    [COMPARE_HOLM] = "holm",
    [COMPARE_BH] = "bh",
    [COMPARE_NONE] = "none",
};

const char *compare_correction_name(enum compare_correction c)
{
    return correction_names[c];
}

/* ---- statistics --------------------------------------------------------- */

struct p_index {
    double p;
    size_t k;
};

static int cmp_p(const void *x, const void *y)
{
    const struct p_index *a = x, *b = y;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

int compare_adjust_p(const double *p, size_t m, enum compare_correction c,
                     double *adj)
{
    if (m == 0)
        return 0;
    struct p_index *s = malloc(m * sizeof(*s));
    if (s == NULL)
        return -1;
    for (size_t k = 0; k < m; k++) {
        s[k].p = p[k];
        s[k].k = k;
    }
    qsort(s, m, sizeof(*s), cmp_p);
    if (c == COMPARE_HOLM) {
        /* Step-down: monotone running maximum of (m - i) p_(i), 0-based. */
        double run = 0;
        for (size_t i = 0; i < m; i++) {
            double v = fmin(1.0, (double)(m - i) * s[i].p);
            run = fmax(run, v);
            adj[s[i].k] = run;
        }
    } else if (c == COMPARE_BH) {
        /* Step-up: running minimum from the largest p down. */
        double run = 1.0;
        for (size_t i = m; i-- > 0;) {
            double v = fmin(1.0, (double)m * s[i].p / (double)(i + 1));
            run = fmin(run, v);
            adj[s[i].k] = run;
        }
    } else {
        for (size_t k = 0; k < m; k++)
            adj[k] = p[k];
    }
    free(s);
    return 0;
}

double compare_row_alpha(const struct compare_options *o, size_t m)
{
    /* Holm and BH flag a lone regression among m rows only at p <=
     * alpha / m (their first step); it is the level every row must be
     * able to reach for the gate to fire on it. */
    if (o->correction == COMPARE_NONE || m <= 1)
        return o->alpha;
    return o->alpha / (double)m;
}

double compare_t975(size_t df)
{
    /* Exact to 3 decimals for small df (where it matters: a window is a
     * handful of runs); the Cornish-Fisher expansion beyond. */
    static const double t[] = {
        0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
        2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048, 2.045, 2.042,
    };
    if (df == 0)
        return INFINITY;
    if (df < sizeof(t) / sizeof(t[0]))
        return t[df];
    double z = 1.959964, d = (double)df;
    return z + (z * z * z + z) / (4 * d) +
           (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

int compare_prediction_interval(const double *m, size_t k, double *lo,
                                double *hi)
{
    *lo = *hi = NAN;
    if (k < 2)
        return -1;
    double mean = stats_mean(m, k), ss = 0;
    for (size_t i = 0; i < k; i++)
        ss += (m[i] - mean) * (m[i] - mean);
    double sd = sqrt(ss / (double)(k - 1));
    double half = compare_t975(k - 1) * sd * sqrt(1.0 + 1.0 / (double)k);
    *lo = mean - half;
    *hi = mean + half;
    return 0;
}

/* ---- values ---------------------------------------------------------- */

int compare_row_values(const struct results_view *v, size_t k,
                       const struct compare_options *o, double **out,
                       size_t *n, enum compare_verdict *verdict, char *why,
                       size_t why_len)
{
    const struct view_row *vr = &v->rows[k];
    const struct results_row *row = vr->r;
    const char *path = v->f->path;
    const struct results_series *a = results_series_find(row, "wall_s");
    const struct results_series *b = NULL;
    double base_median = NAN;
    *out = NULL;
    *n = 0;
    *verdict = COMPARE_NO_DATA;
    if (o->normalize_speedup) {
        const struct view_row *bl = view_baseline(v, vr);
        if (bl == NULL) {
            char inst[256];
            view_instance_label(row, inst, sizeof(inst));
            *verdict = COMPARE_NO_SERIAL;
            snprintf(why, why_len, "%s has no %s run of %s to normalize by",
                     path, VIEW_BASELINE_EXECUTOR, inst);
            return -1;
        }
        base_median = bl->wall.median;
    } else if (o->metric == COMPARE_CPU) {
        a = results_series_find(row, "user_s");
        b = results_series_find(row, "sys_s");
        if (a == NULL || b == NULL || a->n != b->n) {
            snprintf(why, why_len, "%s: no user_s and sys_s samples of "
                     "equal length", path);
            return -1;
        }
    } else if (o->metric == COMPARE_NS_PER_TASK && row->tasks == 0) {
        snprintf(why, why_len, "%s: 0 tasks, no ns_per_task", path);
        return -1;
    }
    if (a == NULL || a->n == 0) {
        snprintf(why, why_len, "%s: no samples", path);
        return -1;
    }
    double *val = malloc(a->n * sizeof(*val));
    if (val == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (o->normalize_speedup) {
            if (!(a->v[i] > 0)) {
                free(val);
                snprintf(why, why_len, "%s: a wall_s sample is 0", path);
                return -1;
            }
            val[i] = base_median / a->v[i];
        } else if (o->metric == COMPARE_CPU) {
            val[i] = a->v[i] + b->v[i];
        } else if (o->metric == COMPARE_NS_PER_TASK) {
            val[i] = a->v[i] * 1e9 / (double)row->tasks;
        } else {
            val[i] = a->v[i];
        }
    }
    *out = val;
    *n = a->n;
    return 0;
}

/* ---- evaluation ------------------------------------------------------ */

/* Append text to a match's note, "; "-separated. */
static void add_note(struct compare_match *m, const char *fmt, ...)
{
    size_t used = strlen(m->note);
    if (used > 0 && used + 2 < sizeof(m->note)) {
        strcat(m->note, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->note + used, sizeof(m->note) - used, fmt, ap);
    va_end(ap);
}

/* Pool the base samples of match m over every base run that has its
 * configuration (at[k] its row in run k, or -1) into m->bv, and the
 * runs' medians into the prediction interval. Returns 0, or -1 with the
 * verdict and note set. */
static int pool_base(struct compare_report *r, struct compare_match *m,
                     const long *at, const struct compare_options *o)
{
    double *medians = malloc(r->nbases * sizeof(*medians));
    char why[256];
    enum compare_verdict no;
    if (medians == NULL) {
        m->verdict = COMPARE_NO_DATA;
        add_note(m, "out of memory");
        return -1;
    }
    m->nruns = 0;
    for (size_t k = 0; k < r->nbases; k++) {
        const struct results_file *f = r->bases[k];
        long i = at[k];
        double *v = NULL;
        size_t n = 0;
        int first = i >= 0 && &f->rows[i] == m->base;
        if (i < 0 || (!first && f->rows[i].failure != NULL))
            continue;
        if (compare_row_values(&r->views[k], (size_t)i, o, &v, &n, &no,
                               why, sizeof(why)) != 0) {
            if (first) {
                free(medians);
                m->verdict = no;
                add_note(m, "%s", why);
                return -1;
            }
            continue;
        }
        double *grown = realloc(m->bv, (m->nb + n) * sizeof(*grown));
        if (grown == NULL) {
            free(v);
            free(medians);
            m->verdict = COMPARE_NO_DATA;
            add_note(m, "out of memory");
            return -1;
        }
        m->bv = grown;
        memcpy(m->bv + m->nb, v, n * sizeof(*v));
        m->nb += n;
        medians[m->nruns++] = stats_median(v, n);
        free(v);
    }
    if (r->nbases > 1 &&
        compare_prediction_interval(medians, m->nruns, &m->pi_low,
                                    &m->pi_high) != 0)
        add_note(m, "in %zu of %zu base runs: no between-run bound, no "
                 "verdict of regression", m->nruns, r->nbases);
    free(medians);
    return 0;
}

/* Whether some base run's row of m (at[k] its row in run k, or -1) has
 * another task count than the new row: then per-task time is compared. */
static int tasks_differ(const struct compare_report *r,
                        const struct compare_match *m, const long *at)
{
    for (size_t k = 0; k < r->nbases; k++) {
        long i = at[k];
        if (i >= 0 && r->bases[k]->rows[i].tasks != m->new_row->tasks)
            return 1;
    }
    return 0;
}

/* Measure one match (at[k] its row in base run k, or -1): values,
 * medians, ratio and its interval, U test. */
static void measure(struct compare_report *r, struct compare_match *m,
                    const long *at)
{
    struct compare_options per = r->opt;
    const struct compare_options *o = &per;
    const struct results_view *nv = &r->views[r->nbases];
    char why[256];
    enum compare_verdict no;
    m->ratio = m->est = m->ci_low = m->ci_high = NAN;
    m->base_median = m->new_median = m->p_adj = NAN;
    m->pi_low = m->pi_high = NAN;
    if (m->base->failure != NULL || m->new_row->failure != NULL) {
        m->verdict = COMPARE_FAILED;
        if (m->base->failure != NULL)
            add_note(m, "base failed: %s", m->base->failure);
        if (m->new_row->failure != NULL)
            add_note(m, "new failed: %s", m->new_row->failure);
        return;
    }
    if (o->normalize_speedup && view_is_baseline(m->base)) {
        m->verdict = COMPARE_BASELINE;
        return;
    }
    if (m->base->workers != m->new_row->workers)
        add_note(m, "workers differ (%u vs %u, both -j %s)",
                 m->base->workers, m->new_row->workers,
                 compare_workers_spec(m->base));
    /* Wall time of different task counts says nothing; per task it
     * does. */
    if (!o->normalize_speedup && o->metric == COMPARE_WALL &&
        tasks_differ(r, m, at)) {
        per.metric = COMPARE_NS_PER_TASK;
        m->per_task = 1;
        add_note(m, "tasks differ (%llu vs %llu): compared per-task time",
                 (unsigned long long)m->base->tasks,
                 (unsigned long long)m->new_row->tasks);
    }
    if (pool_base(r, m, at, o) != 0)
        return;
    if (compare_row_values(nv, (size_t)(m->new_row - r->new_file->rows), o,
                           &m->nv, &m->nn, &no, why, sizeof(why)) != 0) {
        m->verdict = no;
        add_note(m, "%s", why);
        return;
    }
    if (!o->normalize_speedup && o->metric == COMPARE_CPU &&
        m->base->tasks != m->new_row->tasks)
        add_note(m, "tasks differ (%llu vs %llu): compare --metric "
                 "ns_per_task", (unsigned long long)m->base->tasks,
                 (unsigned long long)m->new_row->tasks);
    else if (m->base->tasks == m->new_row->tasks &&
             strcmp(m->base->checksum, m->new_row->checksum) != 0)
        add_note(m, "checksums differ (%s vs %s): the runs did not do the "
                 "same work", m->base->checksum, m->new_row->checksum);

    m->base_median = stats_median(m->bv, m->nb);
    m->new_median = stats_median(m->nv, m->nn);
    if (m->base_median > 0)
        m->ratio = m->new_median / m->base_median;
    else if (m->new_median > 0)
        m->ratio = INFINITY;
    int ci = stats_ratio_ci(m->bv, m->nb, m->nv, m->nn, COMPARE_CI_LEVEL,
                            &m->est, &m->ci_low, &m->ci_high);
    m->ci_short = ci == 1;
    if (stats_mann_whitney(m->bv, m->nb, m->nv, m->nn, &m->mwu) != 0) {
        m->verdict = COMPARE_NO_DATA;
        add_note(m, "out of memory");
        return;
    }
    m->tested = 1;
    if (m->nb < COMPARE_MIN_SAMPLES || m->nn < COMPARE_MIN_SAMPLES) {
        m->verdict = COMPARE_FEW;
        return;
    }
    m->in_family = 1;
}

/* The smallest slowdown m's test could flag (compare.h): the U test's
 * at the row's level, and under --window at least the distance of the
 * prediction bound from the base median. */
static double detectable(const struct compare_report *r,
                         const struct compare_match *m)
{
    double d = compare_detectable_pct(m->bv, m->nb, m->nv, m->nn,
                                      r->alpha_row);
    if (r->nbases > 1 && isfinite(d)) {
        double b = m->base_median, w = NAN;
        if (isnan(m->pi_low))
            return INFINITY;
        /* Time: the bound above; speedup: the bound below, as time. */
        if (r->opt.normalize_speedup)
            w = m->pi_low > 0 ? (b / m->pi_low - 1.0) * 100.0 : INFINITY;
        else if (b > 0)
            w = (m->pi_high / b - 1.0) * 100.0;
        if (!(w <= d))
            d = isnan(w) ? INFINITY : w;
    }
    return d;
}

/* The verdict of a measured match once its adjusted p is known. */
static void judge(const struct compare_report *r, struct compare_match *m)
{
    const struct compare_options *o = &r->opt;
    if (!m->in_family)
        return;
    m->detect_pct = detectable(r, m);
    if (!(m->p_adj < o->alpha) || m->new_median == m->base_median) {
        /* Not seen is a pass only where a slowdown beyond the threshold
         * would have been seen. */
        m->verdict = m->detect_pct > o->threshold_pct ? COMPARE_NOT_TESTED
                                                      : COMPARE_SAME;
        return;
    }
    /* Time: higher is worse. Speedup: lower is worse. */
    int sp = o->normalize_speedup;
    int worse = sp ? m->new_median < m->base_median
                   : m->new_median > m->base_median;
    m->verdict = worse ? COMPARE_SLOWER : COMPARE_FASTER;
    if (!worse)
        return;
    double t = o->threshold_pct / 100.0;
    /* The gated ratio: the point estimate, or the interval's bound nearest
     * 1, so that only a change the interval is sure of can fail. */
    double g = o->gate_on_ci ? (sp ? m->ci_high : m->ci_low) : m->ratio;
    /* "Slower by more than t" means t more time; for a speedup that is
     * a ratio below 1 / (1 + t), so that both metrics gate alike. */
    int beyond = !isnan(g) && (sp ? g < 1.0 / (1.0 + t) : g > 1.0 + t);
    if (beyond && r->nbases > 1)
        beyond = !isnan(m->pi_low) && (sp ? m->new_median < m->pi_low
                                          : m->new_median > m->pi_high);
    m->regression = beyond;
}

/* Correct the family's p-values, then judge every match. */
static int correct_and_judge(struct compare_report *r, char *err,
                             size_t err_len)
{
    double *p = malloc((r->nmatches + 1) * sizeof(*p));
    double *adj = malloc((r->nmatches + 1) * sizeof(*adj));
    size_t m = 0;
    if (p == NULL || adj == NULL)
        goto oom;
    for (size_t k = 0; k < r->nmatches; k++)
        if (r->matches[k].in_family)
            p[m++] = r->matches[k].mwu.p;
    if (compare_adjust_p(p, m, r->opt.correction, adj) != 0)
        goto oom;
    r->ntested = m;
    r->alpha_row = compare_row_alpha(&r->opt, m);
    r->reps_needed = compare_reps_needed(r->alpha_row);
    r->cannot_fire = m > 0;
    m = 0;
    for (size_t k = 0; k < r->nmatches; k++) {
        struct compare_match *x = &r->matches[k];
        x->detect_pct = NAN;
        if (x->in_family) {
            x->p_adj = adj[m++];
            if (stats_mwu_min_p(x->nb, x->nn) < r->alpha_row)
                r->cannot_fire = 0;
        }
        judge(r, x);
        r->by_verdict[x->verdict]++;
        r->regressions += x->regression != 0;
        if (x->verdict == COMPARE_BASELINE)
            continue;
        r->nconfigs++;
        r->ncompared += x->verdict == COMPARE_SAME ||
                        x->verdict == COMPARE_FASTER ||
                        x->verdict == COMPARE_SLOWER;
    }
    r->nconfigs += r->nonly_base + r->nonly_new;
    free(p);
    free(adj);
    return 0;
oom:
    free(p);
    free(adj);
    snprintf(err, err_len, "out of memory");
    return -1;
}

/* Why nothing could be tested, in one line. */
static void nothing_tested(const struct compare_report *r, char *err,
                           size_t err_len)
{
    if (r->opt.normalize_speedup && r->by_verdict[COMPARE_BASELINE] > 0 &&
        r->by_verdict[COMPARE_NO_SERIAL] + r->by_verdict[COMPARE_BASELINE] ==
            r->nmatches)
        snprintf(err, err_len, "--normalize speedup: no matched parallel "
                 "configuration has a %s run of the same workload and "
                 "params in both files; add -e %s to both runs",
                 VIEW_BASELINE_EXECUTOR, VIEW_BASELINE_EXECUTOR);
    else
        snprintf(err, err_len, "nothing could be tested: of %zu matched "
                 "configurations none has %d or more usable samples on "
                 "both sides (%zu failed, %zu too few samples, %zu without "
                 "data); run with -r %d or more", r->nmatches,
                 COMPARE_MIN_SAMPLES, r->by_verdict[COMPARE_FAILED],
                 r->by_verdict[COMPARE_FEW],
                 r->by_verdict[COMPARE_NO_DATA] +
                     r->by_verdict[COMPARE_NO_SERIAL],
                 COMPARE_MIN_SAMPLES);
}

/* Measure every row of the new file that has a base row (the newest
 * base run's of its configuration, compare_pair_rows); the rest go to
 * only_new. */
static void measure_pairs(struct compare_report *r,
                          const struct compare_pairing *p)
{
    for (size_t j = 0; j < r->new_file->nrows; j++) {
        const struct results_row *n = &r->new_file->rows[j];
        if (p->base[j] == NULL) {
            r->only_new[r->nonly_new++] = n;
            continue;
        }
        struct compare_match *m = &r->matches[r->nmatches++];
        m->base = p->base[j];
        m->new_row = n;
        measure(r, m, &p->at[j * p->nbases]);
    }
}

int compare_runs(const struct results_file *const *bases, size_t nbases,
                 const struct results_file *new_file,
                 const struct compare_options *opt,
                 struct compare_report *out, char *err, size_t err_len)
{
    struct compare_pairing pairs = { 0 };
    const struct results_file **all = NULL;
    memset(out, 0, sizeof(*out));
    out->opt = *opt;
    if (nbases == 0) {
        snprintf(err, err_len, "no base run to compare with");
        return -1;
    }
    out->base = bases[0];
    out->new_file = new_file;
    out->base_name = bases[0]->path;
    out->new_name = new_file->path;
    for (size_t k = 0; k <= nbases; k++) {
        const struct results_file *f = k < nbases ? bases[k] : new_file;
        if (f->nrows == 0) {
            snprintf(err, err_len, "%s: results is empty; nothing to "
                     "compare", f->path);
            return -1;
        }
    }
    all = calloc(nbases + 1, sizeof(*all));
    out->views = calloc(nbases + 1, sizeof(*out->views));
    out->matches = calloc(new_file->nrows, sizeof(*out->matches));
    out->only_new = calloc(new_file->nrows, sizeof(*out->only_new));
    if (all == NULL || out->views == NULL || out->matches == NULL ||
        out->only_new == NULL)
        goto oom;
    for (size_t k = 0; k < nbases; k++)
        all[k] = bases[k];
    all[nbases] = new_file;
    out->bases = all;
    out->nbases = nbases;
    /* Workers as the user gave them (-j cpus): the count they resolve to
     * is the machine's, like a calibrated task count. */
    out->match_spec = compare_all_have_spec(all, nbases + 1);
    for (size_t k = 0; k <= nbases; k++)
        if (view_build(all[k], &out->views[k], err, err_len) != 0)
            goto fail;
    if (compare_pair_rows(bases, nbases, new_file, out->match_spec, &pairs,
                          err, err_len) != 0)
        goto fail;
    out->only_base = pairs.only_base;
    out->nonly_base = pairs.nonly_base;
    pairs.only_base = NULL;
    measure_pairs(out, &pairs);
    if (out->nmatches == 0) {
        snprintf(err, err_len, "nothing matched: no configuration of %s "
                 "matches one of %s (%zu and %zu configurations; a match "
                 "needs the same workload, executor, workers and chunk as "
                 "given, mode, transport and params)", new_file->path,
                 bases[0]->path,
                 new_file->nrows, bases[0]->nrows);
        goto fail;
    }
    if (correct_and_judge(out, err, err_len) != 0)
        goto fail;
    if (out->ntested == 0) {
        nothing_tested(out, err, err_len);
        goto fail;
    }
    compare_pairing_free(&pairs);
    return 0;
oom:
    snprintf(err, err_len, "out of memory");
fail:
    compare_pairing_free(&pairs);
    if (out->bases == NULL)
        free(all);
    compare_report_free(out);
    return -1;
}

int compare_files(const struct results_file *base,
                  const struct results_file *new_file,
                  const struct compare_options *opt,
                  struct compare_report *out, char *err, size_t err_len)
{
    const struct results_file *bases[1] = { base };
    return compare_runs(bases, 1, new_file, opt, out, err, err_len);
}

void compare_report_free(struct compare_report *r)
{
    for (size_t k = 0; k < r->nmatches; k++) {
        free(r->matches[k].bv);
        free(r->matches[k].nv);
    }
    for (size_t k = 0; r->views != NULL && k <= r->nbases; k++)
        view_free(&r->views[k]);
    free(r->views);
    free((void *)r->bases);
    free(r->matches);
    free(r->only_base);
    free(r->only_new);
    memset(r, 0, sizeof(*r));
}
