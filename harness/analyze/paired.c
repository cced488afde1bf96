/* paired.c - the paired comparison of an A/B run (see paired.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "paired.h"
#include "view.h"

int paired_is_ab(const struct results_file *f)
{
    for (size_t k = 0; k < f->nrows; k++)
        if (f->rows[k].side != NULL)
            return 1;
    return 0;
}

/* Length of the workload name without "@SIDE". */
static size_t stem_len(const struct results_row *r)
{
    return strcspn(r->workload, "@");
}

/* Whether a and b are one configuration on two sides. */
static int partners(const struct results_row *a, const struct results_row *b)
{
    size_t n = stem_len(a);
    return a->side != NULL && b->side != NULL &&
           strcmp(a->side, b->side) != 0 && n == stem_len(b) &&
           strncmp(a->workload, b->workload, n) == 0 &&
           strcmp(a->params, b->params) == 0 &&
           strcmp(a->executor, b->executor) == 0 &&
           strcmp(a->transport, b->transport) == 0 &&
           a->workers == b->workers && strcmp(a->mode, b->mode) == 0 &&
           a->chunk == b->chunk;
}

/* The configuration's name without the side. */
static void row_name(const struct results_row *r, char *buf, size_t len)
{
    struct results_row copy = *r;
    char stem[256];
    snprintf(stem, sizeof(stem), "%.*s", (int)stem_len(r), r->workload);
    copy.workload = stem;
    view_config_label(&copy, buf, len);
}

/* The metric of r's repetition k: wall, CPU or ns per task. */
static double metric_at(const struct results_row *r,
                        enum compare_metric m, size_t k)
{
    const struct results_series *w = results_series_find(r, "wall_s");
    if (m == COMPARE_CPU) {
        const struct results_series *u = results_series_find(r, "user_s");
        const struct results_series *s = results_series_find(r, "sys_s");
        return u != NULL && s != NULL && k < u->n && k < s->n
                   ? u->v[k] + s->v[k] : NAN;
    }
    if (w == NULL || k >= w->n)
        return NAN;
    return m == COMPARE_NS_PER_TASK && r->tasks > 0
               ? w->v[k] * 1e9 / (double)r->tasks : w->v[k];
}

/* The log ratios of the rounds both sides measured, into row->d. */
static int pair_rounds(struct paired_row *row, enum compare_metric m)
{
    const struct results_series *rb =
        results_series_find(row->base, "round");
    const struct results_series *rn =
        results_series_find(row->new_row, "round");
    if (rb == NULL || rn == NULL) {
        snprintf(row->note, sizeof(row->note), "no samples.round: not "
                 "measured in paired rounds");
        return 0;
    }
    row->d = malloc((rb->n > 0 ? rb->n : 1) * sizeof(*row->d));
    if (row->d == NULL)
        return -1;
    /* Rounds ascend in a file poolbench wrote: one walk pairs them; a
     * file written otherwise is searched. */
    int sorted = 1;
    for (size_t j = 1; j < rn->n; j++)
        sorted &= rn->v[j - 1] < rn->v[j];
    for (size_t i = 1; i < rb->n; i++)
        sorted &= rb->v[i - 1] < rb->v[i];
    for (size_t i = 0, j = 0; i < rb->n; i++) {
        if (!sorted)
            j = 0;
        while (j < rn->n && (sorted ? rn->v[j] < rb->v[i]
                                    : rn->v[j] != rb->v[i]))
            j++;
        if (j == rn->n || rn->v[j] != rb->v[i])
            continue;
        double b = metric_at(row->base, m, i);
        double n = metric_at(row->new_row, m, j);
        if (b > 0 && n > 0)
            row->d[row->npairs++] = log(n / b);
    }
    return 0;
}

/* Test one row; sets in_family when its p counts in the correction. */
static void test_row(struct paired_row *row, const struct paired_report *r)
{
    const char *fb = row->base != NULL ? row->base->failure : NULL;
    const char *fn = row->new_row != NULL ? row->new_row->failure : NULL;
    row->est = row->lo = row->hi = NAN;
    row->detectable = INFINITY;
    row->p_adj = NAN;
    row->verdict = PAIRED_NOT_TESTED;
    if (row->base == NULL || row->new_row == NULL) {
        snprintf(row->note, sizeof(row->note), "only on the %s side",
                 row->base != NULL ? r->base_side : r->new_side);
        return;
    }
    row->checksum_differs = row->base->errors == 0 &&
                            row->new_row->errors == 0 && fb == NULL &&
                            fn == NULL &&
                            strcmp(row->base->checksum,
                                   row->new_row->checksum) != 0;
    if (fb != NULL || fn != NULL || row->base->errors > 0 ||
        row->new_row->errors > 0) {
        snprintf(row->note, sizeof(row->note), "failed on the %s side",
                 fb != NULL || row->base->errors > 0 ? r->base_side
                                                     : r->new_side);
        return;
    }
    if (row->note[0] != '\0')
        return;
    stats_wilcoxon(row->d, row->npairs, &row->wsr);
    double e, lo, hi;
    int ci = stats_walsh_ci(row->d, row->npairs, PAIRED_CI_LEVEL, &e, &lo,
                            &hi);
    if (ci >= 0) {
        row->est = exp(e);
        row->lo = exp(lo);
        row->hi = exp(hi);
        row->ci_short = ci == 1;
    }
    if (row->wsr.p_min >= r->row_alpha) {
        snprintf(row->note, sizeof(row->note), "%zu pairs: the signed-"
                 "rank test cannot reach p < %.3g (its smallest p is "
                 "%.3g); measure more rounds (-r)", row->npairs,
                 r->row_alpha, row->wsr.p_min);
        return;
    }
    row->detectable = exp(stats_wsr_detectable(row->d, row->npairs,
                                               r->row_alpha, PAIRED_POWER));
    row->in_family = 1;
}

/* Each side's rows into pairs: base rows in file order, each with its
 * partner, then the new side's rows without one. */
static int collect(struct paired_report *r, char *err, size_t err_len)
{
    const struct results_file *f = r->file;
    r->rows = calloc(f->nrows > 0 ? f->nrows : 1, sizeof(*r->rows));
    char *taken = calloc(f->nrows > 0 ? f->nrows : 1, 1);
    if (r->rows == NULL || taken == NULL) {
        free(taken);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < f->nrows; k++) {
            const struct results_row *a = &f->rows[k];
            const char *want = pass == 0 ? r->base_side : r->new_side;
            if (a->side == NULL || taken[k] || strcmp(a->side, want) != 0)
                continue;
            struct paired_row *row = &r->rows[r->nrows++];
            taken[k] = 1;
            row_name(a, row->name, sizeof(row->name));
            *(pass == 0 ? &row->base : &row->new_row) = a;
            for (size_t q = 0; pass == 0 && q < f->nrows; q++) {
                if (!taken[q] && partners(a, &f->rows[q]) &&
                    strcmp(f->rows[q].side, r->new_side) == 0) {
                    row->new_row = &f->rows[q];
                    taken[q] = 1;
                    break;
                }
            }
        }
    }
    for (size_t k = 0; k < f->nrows; k++)
        r->outside += f->rows[k].side == NULL;
    free(taken);
    return 0;
}

/* The two sides' labels: the file's "ab", else the first two seen. */
static int sides(struct paired_report *r, char *err, size_t err_len)
{
    const struct results_file *f = r->file;
    r->base_side = f->ab_base;
    r->new_side = f->ab_new;
    for (size_t k = 0; r->base_side == NULL && k < f->nrows; k++)
        r->base_side = f->rows[k].side;
    for (size_t k = 0; r->new_side == NULL && k < f->nrows; k++)
        if (f->rows[k].side != NULL &&
            strcmp(f->rows[k].side, r->base_side) != 0)
            r->new_side = f->rows[k].side;
    if (r->base_side == NULL || r->new_side == NULL) {
        snprintf(err, err_len, "%s: not an A/B run (rows of two sides, "
                 "from run --plugin base=OLD.so --plugin new=NEW.so or "
                 "poolbench ab); compare two files as BASE.json NEW.json",
                 f->path);
        return -1;
    }
    for (size_t k = 0; k < f->nrows; k++) {
        const char *s = f->rows[k].side;
        if (s != NULL && strcmp(s, r->base_side) != 0 &&
            strcmp(s, r->new_side) != 0) {
            snprintf(err, err_len, "%s: rows of a third side '%s' (sides "
                     "'%s' and '%s' expected)", f->path, s, r->base_side,
                     r->new_side);
            return -1;
        }
    }
    return 0;
}

/* The correction over the tested rows, then each row's verdict. */
static int judge(struct paired_report *r)
{
    double *p = malloc((r->nrows + 1) * sizeof(*p));
    double *adj = malloc((r->nrows + 1) * sizeof(*adj));
    size_t m = 0;
    if (p == NULL || adj == NULL) {
        free(p);
        free(adj);
        return -1;
    }
    for (size_t k = 0; k < r->nrows; k++)
        if (r->rows[k].in_family)
            p[m++] = r->rows[k].wsr.p;
    if (compare_adjust_p(p, m, r->opt.correction, adj) != 0) {
        free(p);
        free(adj);
        return -1;
    }
    double limit = 1.0 + r->opt.threshold_pct / 100.0;
    for (size_t k = 0, i = 0; k < r->nrows; k++) {
        struct paired_row *row = &r->rows[k];
        if (!row->in_family)
            continue;
        row->p_adj = adj[i++];
        r->ntested++;
        if (row->p_adj < r->opt.alpha) {
            row->verdict = row->est > 1 ? PAIRED_SLOWER : PAIRED_FASTER;
            row->regression = row->verdict == PAIRED_SLOWER &&
                              row->est > limit;
            r->regressions += (size_t)row->regression;
        } else if (row->detectable <= limit) {
            row->verdict = PAIRED_SAME;
        } else {
            r->ntested--;
            snprintf(row->note, sizeof(row->note), "could detect only >= "
                     "%.1f%%, above the %g%% threshold; measure more "
                     "rounds", 100 * (row->detectable - 1),
                     r->opt.threshold_pct);
        }
    }
    free(p);
    free(adj);
    return 0;
}

int paired_analyze(const struct results_file *f,
                   const struct compare_options *opt,
                   struct paired_report *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    out->file = f;
    out->opt = *opt;
    if (sides(out, err, err_len) != 0 || collect(out, err, err_len) != 0)
        goto fail;
    size_t family = 0;
    for (size_t k = 0; k < out->nrows; k++) {
        struct paired_row *row = &out->rows[k];
        if (row->base != NULL && row->new_row != NULL &&
            pair_rounds(row, opt->metric) != 0) {
            snprintf(err, err_len, "out of memory");
            goto fail;
        }
        family += row->base != NULL && row->new_row != NULL;
    }
    /* Holm's and BH's first step test at alpha / m: the detectable
     * effect and "can it fire" are judged there. */
    out->row_alpha = opt->correction == COMPARE_NONE || family == 0
                         ? opt->alpha : opt->alpha / (double)family;
    for (size_t k = 0; k < out->nrows; k++) {
        test_row(&out->rows[k], out);
        out->checksum_differs += (size_t)out->rows[k].checksum_differs;
    }
    if (judge(out) != 0) {
        snprintf(err, err_len, "out of memory");
        goto fail;
    }
    return 0;
fail:
    paired_report_free(out);
    return -1;
}

void paired_report_free(struct paired_report *r)
{
    for (size_t k = 0; k < r->nrows; k++)
        free(r->rows[k].d);
    free(r->rows);
    memset(r, 0, sizeof(*r));
}

int paired_exit_status(const struct paired_report *r)
{
    if (r->regressions > 0)
        return 1;
    if (r->ntested == 0 || (r->ntested < r->nrows && !r->allow_untested))
        return 2;
    return 0;
}
