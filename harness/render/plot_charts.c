/* plot_charts.c - the chart kinds: bars, scaling, delivery, overhead,
 * ratio; one function each, listed in plot_kinds[] (plot.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"
#include "scaling.h"
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

static int chart_bars(struct render *rd, const struct plot_src *s,
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

/* ---- scaling: speedup vs workers ---------------------------------------- */

/* head's gnuplot array name[n] of the 1-based lines line_of[0..n) of
 * extra blocks (at least one element: gnuplot has no empty array). */
static void put_line_array(struct strbuf *head, const char *name,
                           const size_t *line_of, size_t n)
{
    strbuf_printf(head, "array %s[%zu] = [", name, n > 0 ? n : 1);
    for (size_t k = 0; k < (n > 0 ? n : 1); k++)
        strbuf_printf(head, "%s%zu", k ? ", " : "", n > 0 ? line_of[k] : 1);
    strbuf_printf(head, "]\n");
}

/* Block per line of points sorted by line then x; the first point of
 * each (line, x) is written by put(). Returns the most points of a
 * line. */
static size_t write_blocks(struct strbuf *dat, const struct point *pts,
                           size_t n, char (*lines)[128],
                           void (*put)(struct strbuf *, const struct point *,
                                       double), double scale)
{
    size_t most = 0, count = 0;
    for (size_t k = 0; k < n; k++) {
        int first = k == 0 || pts[k - 1].line != pts[k].line;
        if (first) {
            if (k > 0)
                strbuf_printf(dat, "\n\n");
            plot_buf_dat_comment(dat, lines[pts[k].line]);
            count = 0;
        }
        if (!first && pts[k - 1].x == pts[k].x)
            continue;
        put(dat, &pts[k], scale);
        if (++count > most)
            most = count;
    }
    strbuf_printf(dat, "\n\n");
    return most;
}

static void put_speedup(struct strbuf *dat, const struct point *p,
                        double scale)
{
    const struct view_row *vr = p->vr;
    (void)scale;
    /* Too few samples for an interval: the point alone. */
    strbuf_printf(dat, "%u %.6g %.6g %.6g\n", vr->r->workers, vr->speedup,
                  isfinite(vr->speedup_lo) ? vr->speedup_lo : vr->speedup,
                  isfinite(vr->speedup_hi) ? vr->speedup_hi : vr->speedup);
}

/* The fitted curve of g in speedup units from n0 to n1 as one block:
 * workers, speedup, and the 95% band's low and high. */
static void put_model_block(struct strbuf *dat, const struct scaling_group *g,
                            double n0, double n1, int steps, double *top)
{
    char what[200];
    snprintf(what, sizeof(what), "model %.120s: %s, workers speedup low "
             "high",
             g->label, n1 > g->m.max_n ? "predicted" : "fitted");
    plot_buf_dat_comment(dat, what);
    for (int k = 0; k <= steps; k++) {
        double n = n0 + (n1 - n0) * k / steps, mid, lo, hi;
        if (scaling_band(&g->m, n, &mid, &lo, &hi) != 0)
            continue;
        strbuf_printf(dat, "%.6g %.6g %.6g %.6g\n", n, mid / g->base_x,
                      lo / g->base_x, hi / g->base_x);
        *top = fmax(*top, hi / g->base_x);
    }
    strbuf_printf(dat, "\n\n");
}

/* After the point blocks, two blocks per fitted model of instance in
 * (the measured range, then the prediction to twice it, drawn dashed),
 * and head's nmodels, model_line (its executor's line) and
 * model_titles, and with a model ymax: the ideal line to twice the
 * workers would flatten everything else. Returns the largest worker count
 * drawn, or 0. */
static unsigned model_blocks(const struct plot_src *s,
                             const struct view_inst *in,
                             char (*lines)[128], size_t nlines,
                             struct strbuf *dat, struct strbuf *head,
                             double top)
{
    struct scaling_set set;
    char err[128], titles[PLOT_MAX_GROUPS][128];
    size_t nm = 0, line_of[PLOT_MAX_GROUPS];
    double far = 0;
    if (scaling_of_instance(s->v, (size_t)(in - s->v->insts), &set, err,
                            sizeof(err)) != 0)
        set.n = 0;
    for (size_t k = 0; k < set.n && nm < PLOT_MAX_GROUPS; k++) {
        const struct scaling_group *g = &set.g[k];
        size_t li = 0;
        while (li < nlines && strcmp(lines[li], g->label) != 0)
            li++;
        if (g->m.status != SCALING_FIT || !(g->base_x > 0) || li == nlines)
            continue;
        put_model_block(dat, g, 1, g->m.max_n, 48, &top);
        put_model_block(dat, g, g->m.max_n, 2 * g->m.max_n, 24, &top);
        snprintf(titles[nm], sizeof(titles[nm]), "%.60s: %s fit, 95%% band "
                 "(dashed: predicted)", g->label,
                 g->m.law == SCALING_USL ? "USL" : "Amdahl");
        line_of[nm++] = li + 1;
        far = fmax(far, 2 * g->m.max_n);
    }
    scaling_set_free(&set);
    strbuf_printf(head, "nmodels = %zu\n", nm);
    put_line_array(head, "model_line", line_of, nm);
    if (nm > 0)
        strbuf_printf(head, "ymax = %.6g\n", top * 1.15);
    if (nm == 0)
        snprintf(titles[nm++], sizeof(titles[0]), "none");
    plot_buf_gp_array(head, "model_titles", titles, nm);
    return (unsigned)far;
}

static int chart_scaling(struct render *rd, const struct plot_src *s,
                         const struct view_inst *in)
{
    const struct view_row *base = plot_inst_base(s, in);
    if (base == NULL) {
        plot_note(rd, "scaling for %s: no serial run to compare with (add -e "
                      "serial)", in->label);
        return 0;
    }
    char lines[PLOT_MAX_GROUPS][128], l[128];
    size_t nlines = 0, n = 0;
    unsigned maxw = 1;
    double top = 1;
    struct point *pts = calloc(in->nrows + 1, sizeof(*pts));
    if (pts == NULL) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = plot_inst_row(s, in, a);
        if (vr == NULL || view_is_baseline(vr->r) || !plot_main_row(in, vr) ||
            !isfinite(vr->speedup))
            continue;
        view_variant_label(s->v, vr, 1, l, sizeof(l));
        int li = plot_intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li < 0)
            continue;
        pts[n++] = (struct point){ li, vr->r->workers, a, vr };
        top = fmax(top, fmax(vr->speedup, vr->speedup_hi));
        if (vr->r->workers > maxw)
            maxw = vr->r->workers;
    }
    qsort(pts, n, sizeof(*pts), plot_cmp_point);
    struct strbuf dat = { 0 }, head = { 0 };
    char bc[128];
    view_variant_label(s->v, base, 0, bc, sizeof(bc));
    strbuf_printf(&dat, "# workers  speedup  ci95_low  ci95_high  (speedup "
                  "= median wall of the fastest serial row, chunk %llu, "
                  "%.9g s / median wall; one block per line)\n",
                  (unsigned long long)base->r->chunk, base->wall.median);
    size_t most = write_blocks(&dat, pts, n, lines, put_speedup, 1);
    free(pts);
    if (most < 2) {
        free(dat.p);
        plot_note(rd, "scaling for %s: needs one executor at two or more "
                      "worker counts (e.g. -j 1,2,4)", in->label);
        return 0;
    }
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    plot_buf_gp_array(&head, "titles", lines, nlines);
    unsigned far = model_blocks(s, in, lines, nlines, &dat, &head, top);
    strbuf_printf(&head, "cpus = %ld\nmaxw = %u\n", s->cpus,
                  far > maxw ? far : maxw);
    plot_buf_gp_var(&head, "ylabel_text",
                           "speedup vs fastest serial (x, higher is better)");
    /* The CPU count in the axis label, not on the plot: it never
     * covers a line there. */
    char xlabel[96];
    snprintf(xlabel, sizeof(xlabel), "workers (dotted line: %ld online "
             "CPU%s)", s->cpus, s->cpus == 1 ? "" : "s");
    plot_buf_gp_var(&head, "xlabel_text", xlabel);
    plot_buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: speedup vs workers, 95%% CI",
             in->workload);
    plot_stem_of(s, "scaling", in->label, stem, sizeof(stem));
    int rc = plot_emit(rd, stem, title, in->params, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- delivery: completion timeline ordered vs unordered ----------------- */

/* The first unordered row of un[0..nun) (sorted) partnering p, or NULL. */
static const struct view_row *partner(const struct view_row **un,
                                      size_t nun, const struct view_row *p)
{
    size_t lo = 0, hi = nun;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (view_cmp_partner(un[mid], p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nun && view_cmp_partner(un[lo], p) == 0 ? un[lo] : NULL;
}

/* Pairs (ordered, unordered) of one executor/transport/workers/chunk at
 * the largest worker count that has any, one per executor, into pick.
 * Returns how many rows were picked (2 per pair), or -1 out of memory. */
static long delivery_pairs(const struct plot_src *s,
                           const struct view_inst *in,
                           const struct view_row **pick, size_t max)
{
    const struct view_row **un = calloc(in->nrows + 1, sizeof(*un));
    size_t nun = 0, npick = 0;
    unsigned best = 0;
    if (un == NULL)
        return -1;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = plot_inst_row(s, in, a);
        if (vr != NULL && strcmp(vr->r->mode, "unordered") == 0 &&
            vr->r->ntimeline >= 2)
            un[nun++] = vr;
    }
    qsort(un, nun, sizeof(*un), view_cmp_partner_order);
    for (int pass = 0; pass < 2; pass++)
        for (size_t a = 0; a < in->nrows; a++) {
            const struct view_row *p = plot_inst_row(s, in, a), *q;
            if (p == NULL || view_is_baseline(p->r) ||
                strcmp(p->r->mode, "ordered") != 0 ||
                p->r->ntimeline < 2 || !plot_main_row(in, p))
                continue;
            q = partner(un, nun, p);
            if (q == NULL)
                continue;
            if (pass == 0 && p->r->workers > best)
                best = p->r->workers;
            if (pass == 0 || p->r->workers != best || npick + 2 > max)
                continue;
            int dup = 0;
            for (size_t k = 0; k < npick; k += 2)
                if (strcmp(pick[k]->r->executor, p->r->executor) == 0)
                    dup = 1;
            if (!dup) {
                pick[npick++] = p;
                pick[npick++] = q;
            }
        }
    free(un);
    return (long)npick;
}

static int chart_delivery(struct render *rd, const struct plot_src *s,
                          const struct view_inst *in)
{
    const struct view_row *pick[PLOT_MAX_SERIES];
    long np = delivery_pairs(s, in, pick, PLOT_MAX_SERIES);
    if (np < 0) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    size_t npick = (size_t)np;
    if (npick == 0) {
        plot_note(rd, "delivery for %s: needs a parallel executor run in both "
                      "modes (--mode ordered,unordered)", in->label);
        return 0;
    }
    double maxt = 0;
    uint64_t maxdone = 0;
    for (size_t k = 0; k < npick; k++) {
        const struct results_point *last =
            &pick[k]->r->timeline[pick[k]->r->ntimeline - 1];
        if (last->t_s > maxt)
            maxt = last->t_s;
        if (last->done > maxdone)
            maxdone = last->done;
    }
    double scale;
    const char *unit;
    units_time_scale(maxt, &scale, &unit);
    char titles[PLOT_MAX_SERIES][128], ft[32], lab[128];
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# time_%s  tasks_done  (blocks 0..n-1: completion "
                  "timelines of the last repetition; n..2n-1: the median "
                  "first result on that timeline)\n", unit);
    strbuf_printf(&head, "array lcolor[%zu] = [", npick);
    for (size_t k = 0; k < npick; k++) {
        const struct view_row *vr = pick[k];
        const struct results_row *r = vr->r;
        units_format_time(vr->first.n > 0 ? vr->first.median : NAN, ft,
                          sizeof(ft));
        view_executor_label(r, lab, sizeof(lab));
        /* The key's title says "median first result": each entry
         * gives the time only, short enough for a key beside the plot. */
        snprintf(titles[k], 128, "%.60s %s: %s", lab,
                 strcmp(r->mode, "ordered") == 0 ? "ordered (map)"
                                                  : "unordered", ft);
        strbuf_printf(&head, "%s%zu", k ? ", " : "", k / 2 + 1);
        plot_buf_dat_comment(&dat, titles[k]);
        strbuf_printf(&dat, "0 0\n");
        for (size_t t = 0; t < r->ntimeline; t++)
            strbuf_printf(&dat, "%.9g %llu\n", r->timeline[t].t_s * scale,
                          (unsigned long long)r->timeline[t].done);
        strbuf_printf(&dat, "\n\n");
    }
    strbuf_printf(&head, "]\n");
    for (size_t k = 0; k < npick; k++) {
        const struct results_row *r = pick[k]->r;
        double t = pick[k]->first.n > 0 ? pick[k]->first.median : NAN;
        uint64_t y = 0;
        for (size_t q = 0; isfinite(t) && q < r->ntimeline; q++)
            if (r->timeline[q].t_s <= t * (1 + 1e-9))
                y = r->timeline[q].done;
        plot_buf_dat_comment(&dat, titles[k]);
        strbuf_printf(&dat, "%.9g %llu\n\n\n",
                      isfinite(t) ? t * scale : 0, (unsigned long long)y);
    }
    strbuf_printf(&head, "nlines = %zu\nmaxdone = %llu\n", npick,
                  (unsigned long long)maxdone);
    plot_buf_gp_array(&head, "titles", titles, npick);
    char xlabel[64];
    snprintf(xlabel, sizeof(xlabel), "time since first dispatch (%s)",
             unit);
    plot_buf_gp_var(&head, "xlabel_text", xlabel);
    plot_buf_gp_var(&head, "ylabel_text", "tasks delivered to the consumer");
    plot_buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: delivery at %u workers, ordered "
             "(map) vs unordered", in->workload, pick[0]->r->workers);
    plot_stem_of(s, "delivery", in->label, stem, sizeof(stem));
    int rc = plot_emit(rd, stem, title, in->params, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- overhead: cost per task by executor across chunk sizes ------------- */

/* Whether the overhead chart can use row vr: parallel, one delivery
 * mode (unordered when both were run), with tasks. */
static int overhead_row(const struct view_inst *in, const struct view_row *vr)
{
    return vr != NULL && !view_is_baseline(vr->r) && vr->r->tasks > 0 &&
           (!in->both_modes || strcmp(vr->r->mode, "unordered") == 0);
}

/* The worker count the overhead chart shows: the CPU count when some
 * executor ran it at two chunk sizes, else the largest count that did;
 * 0 when none did. */
static unsigned overhead_workers(const struct plot_src *s,
                                 const struct view_inst *in)
{
    unsigned best = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *p = plot_inst_row(s, in, a);
        if (!overhead_row(in, p))
            continue;
        for (size_t b = 0; b < a; b++) {
            const struct view_row *q = plot_inst_row(s, in, b);
            if (!overhead_row(in, q) || q->r->workers != p->r->workers ||
                q->r->chunk == p->r->chunk ||
                strcmp(q->r->executor, p->r->executor) != 0 ||
                strcmp(q->r->transport, p->r->transport) != 0)
                continue;
            if ((long)p->r->workers == s->cpus)
                return p->r->workers;
            if (p->r->workers > best)
                best = p->r->workers;
            break;
        }
    }
    return best;
}

static void put_per_task(struct strbuf *dat, const struct point *p,
                         double scale)
{
    const struct view_row *vr = p->vr;
    double t = (double)vr->r->tasks;
    /* Per task: the wall time and its interval in the chart's unit. */
    strbuf_printf(dat, "%llu %.6g %.6g %.6g\n",
                  (unsigned long long)vr->r->chunk,
                  vr->wall.median * scale / t, vr->wall.ci95_low * scale / t,
                  vr->wall.ci95_high * scale / t);
}

/* After the executor blocks, a block per line whose rows carry
 * harness_ns_per_task (chunk, poolbench's own cost per task in the
 * chart's unit: an empty task through the same executor and chunk), and
 * head's nharness, harness_line (each block's line) and harness_text
 * (its key entry; empty when no row carries it, as in older files). */
static void harness_blocks(struct strbuf *dat, struct strbuf *head,
                           const struct point *pts, size_t n,
                           char (*lines)[128], double scale)
{
    size_t nh = 0, line_of[PLOT_MAX_GROUPS];
    for (size_t k = 0; k < n; k++) {
        const struct results_row *r = pts[k].vr->r;
        /* The first row of each (line, x), as write_blocks draws. */
        if ((k > 0 && pts[k - 1].line == pts[k].line &&
             pts[k - 1].x == pts[k].x) || !isfinite(r->harness_ns_per_task))
            continue;
        if (nh == 0 || line_of[nh - 1] != (size_t)pts[k].line + 1) {
            char what[200];
            snprintf(what, sizeof(what), "harness %.120s: chunk, "
                     "poolbench's own cost per task", lines[pts[k].line]);
            strbuf_printf(dat, "%s", nh > 0 ? "\n\n" : "");
            plot_buf_dat_comment(dat, what);
            line_of[nh++] = (size_t)pts[k].line + 1;
        }
        strbuf_printf(dat, "%llu %.6g\n", (unsigned long long)r->chunk,
                      r->harness_ns_per_task * 1e-9 * scale);
    }
    strbuf_printf(dat, "%s", nh > 0 ? "\n\n" : "");
    strbuf_printf(head, "nharness = %zu\n", nh);
    put_line_array(head, "harness_line", line_of, nh);
    plot_buf_gp_var(head, "harness_text",
                    nh > 0 ? "poolbench's own cost (empty task)" : "");
}

static int chart_overhead(struct render *rd, const struct plot_src *s,
                          const struct view_inst *in)
{
    unsigned w = in->chunk_varies ? overhead_workers(s, in) : 0;
    if (w == 0) {
        plot_note(rd, "overhead for %s: needs one executor at two or more "
                      "chunk sizes (e.g. --chunk 1,16,auto)", in->label);
        return 0;
    }
    char lines[PLOT_MAX_GROUPS][128], l[128];
    size_t nlines = 0, n = 0;
    double maxv = 0, minc = 0, maxc = 0;
    struct point *pts = calloc(in->nrows + 1, sizeof(*pts));
    if (pts == NULL) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = plot_inst_row(s, in, a);
        if (!overhead_row(in, vr) || vr->r->workers != w)
            continue;
        view_variant_label(s->v, vr, 0, l, sizeof(l));
        int li = plot_intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li < 0)
            continue;
        double c = (double)vr->r->chunk;
        pts[n++] = (struct point){ li, c, a, vr };
        if (vr->wall.ci95_high / (double)vr->r->tasks > maxv)
            maxv = vr->wall.ci95_high / (double)vr->r->tasks;
        minc = minc == 0 || c < minc ? c : minc;
        maxc = c > maxc ? c : maxc;
    }
    qsort(pts, n, sizeof(*pts), plot_cmp_point);
    double scale;
    const char *unit;
    units_time_scale(maxv, &scale, &unit);
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# chunk  wall_per_task_%s  ci95_low  ci95_high  "
                  "(%u workers; one block per executor, then one per "
                  "executor with harness_ns_per_task)\n", unit, w);
    write_blocks(&dat, pts, n, lines, put_per_task, scale);
    /* Tics at the chunk sizes run, "auto" named. */
    strbuf_printf(&head, "set xtics (");
    for (size_t k = 0; k < n; k++) {
        char t[64];
        int seen = 0;
        for (size_t q = 0; q < k; q++)
            if (pts[q].x == pts[k].x)
                seen = 1;
        if (seen)
            continue;
        snprintf(t, sizeof(t), "%llu%s",
                 (unsigned long long)pts[k].vr->r->chunk,
                 pts[k].vr->r->chunk_auto ? " (auto)" : "");
        strbuf_printf(&head, "%s", head.len > 11 ? ", " : "");
        plot_gp_literal(&head, t);
        strbuf_printf(&head, " %g", pts[k].x);
    }
    strbuf_printf(&head, ")\nset xrange [%g:%g]\n", minc / 1.6, maxc * 1.6);
    harness_blocks(&dat, &head, pts, n, lines, scale);
    free(pts);
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    plot_buf_gp_array(&head, "titles", lines, nlines);
    const struct view_row *base = plot_inst_base(s, in);
    double base_t = base != NULL && base->r->tasks > 0
                        ? base->wall.median / (double)base->r->tasks : NAN;
    plot_head_serial(&head, base, base_t, scale, " per task");
    plot_buf_gp_var(&head, "xlabel_text",
                           "chunk size (tasks per claim, log scale)");
    char ylabel[96];
    snprintf(ylabel, sizeof(ylabel), "wall time per task (%s, log scale)",
             unit);
    plot_buf_gp_var(&head, "ylabel_text", ylabel);
    plot_buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: cost per task vs chunk size at "
             "%u workers%s", in->workload, w,
             in->both_modes ? " (unordered)" : "");
    plot_stem_of(s, "overhead", in->label, stem, sizeof(stem));
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

static int chart_ratio(struct render *rd, const struct plot_src *srcs,
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

/* ---- the table ---------------------------------------------------------- */

/* A kind of chart is its function above, its row here and its template
 * scripts/NAME.gp (in plot_templates in meson.build; docs_test.sh checks
 * that every row's template is installed). */

const struct plot_kind plot_kinds[] = {
    { "bars", "median wall time per executor and worker count, 95% CI, "
      "fastest serial as a line", chart_bars, NULL },
    { "scaling", "speedup vs workers, 95% CI, ideal and serial lines, "
      "online CPUs marked", chart_scaling, NULL },
    { "delivery", "tasks delivered vs time, ordered (map) vs unordered",
      chart_delivery, NULL },
    { "overhead", "wall time per task by executor across chunk sizes",
      chart_overhead, NULL },
    { "ratio", "with several files or runs: each configuration vs the "
      "first", NULL, chart_ratio },
};

const size_t plot_nkinds = sizeof(plot_kinds) / sizeof(plot_kinds[0]);
