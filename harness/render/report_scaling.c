/* report_scaling.c - the report's scaling model table of an instance
 * (report_scaling.h): per executor the law, contention, crosstalk and
 * peak with their intervals, how well it fits, and what it predicts past
 * the measured worker counts, worded as a prediction. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_html.h"
#include "report_scaling.h"
#include "scaling.h"

/* "3.1% [2.4, 3.9]" for a fraction and its interval. */
static void pct_cell(struct strbuf *b, double x, double lo, double hi)
{
    strbuf_printf(b, "<td class=\"n\">%.3g%% [%.3g, %.3g]</td>", 100 * x,
                  100 * lo, 100 * hi);
}

static void peak_cell(struct strbuf *b, const struct scaling_model *m)
{
    if (isinf(m->peak_n)) {
        strbuf_printf(b, "<td>none (ceiling %.3gx one worker)</td>",
                      m->p.sigma > 0 ? 1 / m->p.sigma : INFINITY);
        return;
    }
    strbuf_printf(b, "<td class=\"n\">%.0f [%.0f, ", m->peak_n, m->peak_lo);
    if (isinf(m->peak_hi))
        strbuf_printf(b, "-]");
    else
        strbuf_printf(b, "%.0f]", m->peak_hi);
    strbuf_printf(b, "%s</td>", m->peak_n > m->max_n ? " predicted" : "");
}

/* Speedup (or tasks/s without a serial row) at twice and four times the
 * largest measured count: predictions, and said to be. */
static void ahead_cell(struct strbuf *b, const struct scaling_group *g)
{
    const struct scaling_model *m = &g->m;
    int speed = g->base_x > 0;
    strbuf_printf(b, "<td>predicted: ");
    for (double w = 2 * m->max_n; w <= 4 * m->max_n; w *= 2) {
        double mid, lo, hi, d = speed ? g->base_x : 1;
        if (scaling_band(m, w, &mid, &lo, &hi) != 0)
            continue;
        strbuf_printf(b, "%sx%.0f %.3g%s [%.3g, %.3g]",
                      w > 2 * m->max_n ? "; " : "", w, mid / d,
                      speed ? "x" : "/s", lo / d, hi / d);
    }
    strbuf_printf(b, "</td>");
}

static void model_row(struct strbuf *b, const struct scaling_group *g)
{
    const struct scaling_model *m = &g->m;
    char words[256];
    strbuf_printf(b, "<tr>");
    report_html_cell(b, "td", g->label);
    if (m->status != SCALING_FIT) {
        scaling_describe(g, words, sizeof(words));
        const char *colon = strstr(words, ": ");
        strbuf_printf(b, "<td colspan=\"5\">");
        report_html_text(b, colon != NULL ? colon + 2 : words);
        strbuf_printf(b, "</td></tr>\n");
        return;
    }
    strbuf_printf(b, "<td>%s</td>", m->law == SCALING_USL ? "USL"
                                                          : "Amdahl");
    pct_cell(b, m->p.sigma, m->sigma_lo, m->sigma_hi);
    if (m->law == SCALING_AMDAHL)
        strbuf_printf(b, "<td>0 (Amdahl)</td>");
    else
        pct_cell(b, m->p.kappa, m->kappa_lo, m->kappa_hi);
    peak_cell(b, m);
    ahead_cell(b, g);
    strbuf_printf(b, "</tr>\n");
}

void report_scaling_table(struct strbuf *b, const struct results_view *v,
                          size_t i)
{
    struct scaling_set s;
    char err[128];
    int any = 0;
    if (scaling_of_instance(v, i, &s, err, sizeof(err)) != 0)
        return;
    for (size_t k = 0; k < s.n; k++)
        any |= s.g[k].m.status != SCALING_TOO_FEW;
    if (s.n > 0 && !any)
        strbuf_printf(b, "<p class=\"muted\">No scaling model: it needs "
                      "%d or more worker counts (-j sweep).</p>\n",
                      SCALING_MIN_LEVELS);
    if (any) {
        strbuf_printf(b, "<table class=\"short\"><tr><th>scaling model"
                      "</th><th>law</th><th>contention &sigma; [95%% CI]"
                      "</th><th>crosstalk &kappa;</th><th>peak workers"
                      "</th><th>beyond the measured</th></tr>\n");
        for (size_t k = 0; k < s.n; k++)
            model_row(b, &s.g[k]);
        strbuf_printf(b, "</table>\n");
    }
    scaling_set_free(&s);
}
