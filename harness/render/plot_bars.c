/* plot_bars.c - the grouped bar charts: bars (median wall per
 * configuration and worker count) and ratio (every configuration against
 * the first source), each group of bars under one tic; their rows are in
 * plot_kinds[] (plot_charts.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"
#include "stats.h"
#include "units.h"

/* Tics and x range of a grouped bar chart: ngroups groups of nper bars,
 * one slot apart, each tic (a literal) under its group's middle. */
static void group_tics(struct strbuf *head, char (*groups)[128],
                       size_t ngroups, size_t nper)
{
    strbuf_printf(head, "set xtics (");
    for (size_t g = 0; g < ngroups; g++) {
        strbuf_printf(head, "%s", g ? ", " : "");
        plot_gp_literal(head, groups[g]);
        strbuf_printf(head, " %g", (double)g * ((double)nper + 1) +
                      ((double)nper - 1) / 2);
    }
    strbuf_printf(head, ")\nset xrange [-1:%g]\n",
                  (double)ngroups * ((double)nper + 1) - 1);
}

/* The tic labels of a grouped bar chart, laid out by count and length:
 * turned by 20 degrees while neighbours stay a line apart, else 45, else
 * upright; the bottom margin (in lines) and the height grow with the
 * labels' drop, so that neither the axis title nor the caption under the
 * chart runs into them. In SVG's 13-point font a character is about 7.5
 * px wide and a line about 17 px high; the plot area about 600 px wide
 * with the legend to its right. */
static void bars_tic_layout(struct strbuf *head, char (*groups)[128],
                            size_t ngroups)
{
    const double plot_px = 600, char_px = 7.5, line_px = 17;
    size_t longest = 0;
    for (size_t g = 0; g < ngroups; g++)
        if (strlen(groups[g]) > longest)
            longest = strlen(groups[g]);
    double gap = plot_px / (double)(ngroups > 0 ? ngroups : 1);
    int angle = gap * sin(20 * M_PI / 180) >= line_px ? 20
                : gap * sin(45 * M_PI / 180) >= line_px ? 45 : 90;
    double drop = (double)longest * char_px * sin(angle * M_PI / 180);
    /* The labels' drop, the axis title, then the caption line. */
    int lines = (int)ceil(drop / line_px) + 4;
    lines = lines < 7 ? 7 : lines;
    strbuf_printf(head, "tic_angle = %d\nlabel_margin = %d\nheight = %d\n",
                  angle, lines, PLOT_HEIGHT + (int)((lines - 7) * line_px));
}

/* ---- bars: median wall per configuration and worker count --------------- */

int plot_chart_bars(struct render *rd, const struct plot_src *s,
                    const struct view_inst *in)
{
    char groups[PLOT_MAX_GROUPS][128], titles[PLOT_MAX_SERIES][128], g[128];
    unsigned workers[PLOT_MAX_SERIES];
    unsigned char drawn[PLOT_MAX_GROUPS][PLOT_MAX_SERIES] = { { 0 } };
    size_t ngroups = 0, nw = 0;
    double maxv = 0;

    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = plot_inst_row(s, in, a);
        if (vr == NULL || !plot_main_row(in, vr))
            continue;
        view_variant_label(s->v, vr, 1, g, sizeof(g));
        plot_intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
        size_t k = 0;
        while (k < nw && workers[k] != vr->r->workers)
            k++;
        if (k == nw && nw < PLOT_MAX_SERIES)
            workers[nw++] = vr->r->workers;
        if (vr->wall.ci95_high > maxv)
            maxv = vr->wall.ci95_high;
    }
    /* Worker counts ascending: colours then follow the count. */
    for (size_t k = 1; k < nw; k++)
        for (size_t q = k; q > 0 && workers[q - 1] > workers[q]; q--) {
            unsigned t = workers[q];
            workers[q] = workers[q - 1];
            workers[q - 1] = t;
        }
    double scale;
    const char *unit;
    units_time_scale(maxv, &scale, &unit);
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# x  median_%s  ci95_low_%s  ci95_high_%s  "
                  "(one block per worker count)\n", unit, unit, unit);
    for (size_t w = 0; w < nw; w++) {
        snprintf(titles[w], 128, "%u worker%s", workers[w],
                 workers[w] == 1 ? "" : "s");
        strbuf_printf(&dat, "# %u workers\n", workers[w]);
        for (size_t a = 0; a < in->nrows; a++) {
            const struct view_row *vr = plot_inst_row(s, in, a);
            if (vr == NULL || vr->r->workers != workers[w] ||
                !plot_main_row(in, vr))
                continue;
            view_variant_label(s->v, vr, 1, g, sizeof(g));
            int gi = plot_intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
            if (gi < 0 || drawn[gi][w])
                continue;
            drawn[gi][w] = 1;
            strbuf_printf(&dat, "%g %.9g %.9g %.9g\n",
                          (double)gi * ((double)nw + 1) + (double)w,
                          vr->wall.median * scale,
                          vr->wall.ci95_low * scale,
                          vr->wall.ci95_high * scale);
        }
        strbuf_printf(&dat, "\n\n");
    }
    strbuf_printf(&head, "nseries = %zu\n", nw);
    plot_buf_gp_array(&head, "titles", titles, nw);
    const struct view_row *base = plot_inst_base(s, in);
    plot_head_serial(&head, base,
                     base != NULL ? base->wall.median : NAN, scale, "");
    char ylabel[64];
    snprintf(ylabel, sizeof(ylabel), "median wall time (%s)", unit);
    plot_buf_gp_var(&head, "ylabel_text", ylabel);
    plot_buf_gp_var(&head, "xlabel_text", "executor");
    plot_buf_gp_var(&head, "caption", s->caption);
    group_tics(&head, groups, ngroups, nw);
    bars_tic_layout(&head, groups, ngroups);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: median wall time, 95%% CI",
             in->workload);
    plot_stem_of(s, "bars", in->label, stem, sizeof(stem));
    int rc = plot_emit(rd, stem, title, in->params, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- ratio: every configuration against the first source ---------------- */

static char cmp_key_a[1024], cmp_key_b[1024];

/* qsort/bsearch order of view_row pointers by view_match_key. */
static int cmp_match(const void *a, const void *b)
{
    const struct view_row *p = *(const struct view_row *const *)a;
    const struct view_row *q = *(const struct view_row *const *)b;
    view_match_key(p->r, cmp_key_a, sizeof(cmp_key_a));
    view_match_key(q->r, cmp_key_b, sizeof(cmp_key_b));
    return strcmp(cmp_key_a, cmp_key_b);
}

/* The usable rows of s, sorted by match key, into a new array. */
static const struct view_row **sorted_rows(const struct plot_src *s,
                                           size_t *n)
{
    const struct view_row **out = calloc(s->v->nrows + 1, sizeof(*out));
    *n = 0;
    if (out == NULL)
        return NULL;
    for (size_t k = 0; k < s->v->nrows; k++)
        if (s->v->rows[k].usable && view_in_part(s->v->rows[k].r, s->part))
            out[(*n)++] = &s->v->rows[k];
    qsort(out, *n, sizeof(*out), cmp_match);
    return out;
}

static const struct view_row *find_same(const struct view_row **sorted,
                                        size_t n, const struct view_row *r)
{
    const struct view_row **hit = bsearch(&r, sorted, n, sizeof(*sorted),
                                          cmp_match);
    return hit != NULL ? *hit : NULL;
}

/* Ratio of p's median wall to b's and the 95% interval of the ratio of
 * their samples (as compare gives it). */
static void put_ratio(struct strbuf *dat, double x, const struct view_row *b,
                      const struct view_row *p)
{
    const struct results_series *bs =
        results_series_find(b->r, RESULTS_WALL_S);
    const struct results_series *ps =
        results_series_find(p->r, RESULTS_WALL_S);
    double ratio = p->wall.median / b->wall.median, est, lo, hi;
    if (bs == NULL || ps == NULL ||
        stats_ratio_ci(bs->v, bs->n, ps->v, ps->n, VIEW_CI_LEVEL, &est, &lo,
                       &hi) < 0)
        lo = hi = ratio;
    strbuf_printf(dat, "%g %.6g %.6g %.6g\n", x, ratio, lo, hi);
}

int plot_chart_ratio(struct render *rd, const struct plot_src *srcs,
                     size_t nsrcs)
{
    if (nsrcs < 2)
        return 0;
    const struct plot_src *base = &srcs[0];
    size_t nseries = nsrcs - 1 < PLOT_MAX_SERIES ? nsrcs - 1
                                                 : PLOT_MAX_SERIES;
    const struct view_row **sorted[PLOT_MAX_SERIES + 1] = { 0 };
    size_t nsorted[PLOT_MAX_SERIES + 1] = { 0 }, ngroups = 0;
    const struct view_row *gbase[PLOT_MAX_GROUPS];
    char groups[PLOT_MAX_GROUPS][128], titles[PLOT_MAX_SERIES][128];
    int rc = -1;
    for (size_t f = 1; f <= nseries; f++) {
        sorted[f] = sorted_rows(&srcs[f], &nsorted[f]);
        if (sorted[f] == NULL) {
            snprintf(rd->err, rd->err_len, "out of memory");
            goto out;
        }
    }
    for (size_t k = 0; k < base->v->nrows && ngroups < PLOT_MAX_GROUPS;
         k++) {
        const struct view_row *b = &base->v->rows[k];
        int any = 0;
        if (!b->usable || !view_in_part(b->r, base->part) ||
            !(b->wall.median > 0))
            continue;
        for (size_t f = 1; f <= nseries; f++)
            if (find_same(sorted[f], nsorted[f], b) != NULL)
                any = 1;
        if (!any)
            continue;
        char var[128];
        const struct view_inst *in = &base->v->insts[b->inst];
        view_variant_label(base->v, b, 0, var, sizeof(var));
        snprintf(groups[ngroups], 128, "%.50s %.40s j%u%s%.0llu", in->label,
                 var, b->r->workers, in->chunk_varies ? " chunk " : "",
                 in->chunk_varies ? (unsigned long long)b->r->chunk : 0ull);
        gbase[ngroups++] = b;
    }
    if (ngroups == 0) {
        plot_note(rd, "ratio chart: no configuration of %s appears in the "
                      "other files", base->name);
        rc = 0;
        goto out;
    }
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# x  ratio  ci95_low  ci95_high  (median wall of "
                  "source k / of the first; one block per source k)\n");
    for (size_t f = 1; f <= nseries; f++) {
        if (strchr(srcs[f].name, '[') != NULL)
            snprintf(titles[f - 1], 128, "%.120s", srcs[f].name);
        else
            snprintf(titles[f - 1], 128, "%.80s (%.40s)", srcs[f].name,
                     srcs[f].host);
        plot_buf_dat_comment(&dat, srcs[f].name);
        for (size_t g = 0; g < ngroups; g++) {
            const struct view_row *p =
                find_same(sorted[f], nsorted[f], gbase[g]);
            if (p != NULL)
                put_ratio(&dat, (double)g * ((double)nseries + 1) +
                          (double)f - 1, gbase[g], p);
        }
        strbuf_printf(&dat, "\n\n");
    }
    size_t longest = 0;
    for (size_t g = 0; g < ngroups; g++)
        if (strlen(groups[g]) > longest)
            longest = strlen(groups[g]);
    /* Upright labels need room below the axis: grow the chart with them. */
    strbuf_printf(&head, "height = %d\nlabel_margin = %zu\n",
                  PLOT_HEIGHT + (int)longest * 6, longest * 2 / 5 + 6);
    strbuf_printf(&head, "nseries = %zu\n", nseries);
    plot_buf_gp_array(&head, "titles", titles, nseries);
    char ylabel[256], caption[1200];
    snprintf(ylabel, sizeof(ylabel), "median wall time / %.150s "
             "(below 1 = faster)", base->name);
    plot_buf_gp_var(&head, "ylabel_text", ylabel);
    plot_buf_gp_var(&head, "xlabel_text", "configuration");
    snprintf(caption, sizeof(caption), "baseline: %s", base->caption);
    plot_buf_gp_var(&head, "caption", caption);
    group_tics(&head, groups, ngroups, nseries);
    rc = plot_emit(rd, "ratio", "Median wall time relative to the first file, "
                       "95% CI", NULL, &head, &dat);
    free(dat.p);
    free(head.p);
out:
    for (size_t f = 1; f <= nseries; f++)
        free(sorted[f]);
    return rc;
}
