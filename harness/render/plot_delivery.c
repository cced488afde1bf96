/* plot_delivery.c - the delivery chart: tasks delivered over time,
 * ordered (map) vs unordered, per executor; its row is in plot_kinds[]
 * (plot_charts.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"
#include "units.h"

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

int plot_chart_delivery(struct render *rd, const struct plot_src *s,
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
