/* plot_lines.c - the line charts over a numeric x, a line per executor
 * with its 95% interval: scaling (speedup vs workers, with the fitted
 * models) and overhead (cost per task vs chunk size, with poolbench's
 * own); their rows are in plot_kinds[] (plot_charts.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"
#include "scaling.h"
#include "units.h"

/* ---- blocks: a line per block, points by x ------------------------------ */

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

/* ---- scaling: speedup vs workers ---------------------------------------- */

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

int plot_chart_scaling(struct render *rd, const struct plot_src *s,
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

int plot_chart_overhead(struct render *rd, const struct plot_src *s,
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
