/* report_sections.c - the sections of the report page (report.c puts
 * them together): the summary table, one section per workload (its
 * findings, short tables and charts), the full table, the machine table,
 * hyperfine beside poolbench and Python vs native.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "findings.h"
#include "plot.h"
#include "report_html.h"
#include "report_scaling.h"
#include "report_sections.h"
#include "strbuf.h"
#include "units.h"
#include "view.h"

/* ---- the summary that opens the page ------------------------------------ */

/* The warnings of one instance, short: "2 imprecise, 1 disturbed". */
static void inst_warnings(const struct results_view *v, size_t i, char *buf,
                          size_t len)
{
    const struct view_inst *in = &v->insts[i];
    size_t imprecise = 0, disturbed = 0, warned = 0, failed = 0, n = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        imprecise += vr->r->precision_reached == 0;
        disturbed += vr->r->disturbed > 0;
        warned += vr->nwarnings;
        failed += !vr->usable;
    }
    buf[0] = '\0';
    if (imprecise > 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%zu imprecise", imprecise);
    if (disturbed > 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s%zu disturbed",
                              n ? ", " : "", disturbed);
    if (warned > 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s%zu warning%s",
                              n ? ", " : "", warned, warned == 1 ? "" : "s");
    if (failed > 0 && n < len)
        snprintf(buf + n, len - n, "%s%zu failed or with errors",
                 n ? ", " : "", failed);
}

/* The number of workload w in p (its section is "wFILE-N"). */
static size_t workload_number(const struct page_file *p, const char *w)
{
    for (size_t k = 0; k < p->nworkloads; k++)
        if (strcmp(p->workloads[k], w) == 0)
            return k;
    return 0;
}

/* A finding that compares instances of different workloads, or none in
 * particular, goes to "Across workloads". */
static int finding_across(const struct results_view *v,
                          const struct finding *f)
{
    if (f->inst == FINDING_NONE)
        return 1;
    if (f->other == FINDING_NONE)
        return 0;
    return f->kind == FINDING_BREAKEVEN ||
           strcmp(v->insts[f->inst].workload,
                  v->insts[f->other].workload) != 0;
}

/* "1.93x [1.90, 1.96]" and the verdict the interval supports (the same
 * reading as the terminal summary's). */
static void speedup_cells(struct strbuf *b, const struct view_row *vr)
{
    char sp[96];
    if (vr == NULL || isnan(vr->speedup)) {
        strbuf_printf(b, "<td class=\"n\">-</td><td>-</td>");
        return;
    }
    if (isnan(vr->speedup_lo) || isnan(vr->speedup_hi))
        snprintf(sp, sizeof(sp), "%.2fx", vr->speedup);
    else
        snprintf(sp, sizeof(sp), "%.2fx [%.2f, %.2f]", vr->speedup,
                 vr->speedup_lo, vr->speedup_hi);
    strbuf_printf(b, "<td class=\"n\">%s</td>", sp);
    switch (view_ci_verdict(vr->speedup_lo, vr->speedup_hi, 1.0, 1.0)) {
    case VIEW_HIGHER:
        strbuf_printf(b, "<td class=\"good\">faster than serial</td>");
        break;
    case VIEW_LOWER:
        /* Slower as the terminal says it: how many times slower. */
        strbuf_printf(b, "<td class=\"bad\">%.2fx [%.2f, %.2f] slower "
                      "than serial</td>", 1 / vr->speedup,
                      1 / vr->speedup_hi, 1 / vr->speedup_lo);
        break;
    default:
        strbuf_printf(b, "<td>%s</td>", isnan(vr->speedup_lo)
                      ? "no interval (3 or fewer repetitions)"
                      : "no difference shown");
    }
}

static void overview_row(struct strbuf *b, const struct page_file *p,
                         size_t i)
{
    const struct results_view *v = &p->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = view_fastest(v, i, NULL, 0);
    const struct view_row *shown = best;
    char name[200], t[32], warn[160];
    strbuf_printf(b, "<tr><td><a href=\"#w%zu-%zu\">", p->index,
                  workload_number(p, in->workload));
    report_html_text(b, in->label);
    strbuf_printf(b, "</a></td>");
    if (best == NULL) {
        strbuf_printf(b, "<td colspan=\"4\" class=\"bad\">no row finished "
                      "without errors</td>");
    } else {
        if (in->baseline >= 0 && best == &v->rows[in->baseline]) {
            /* Nothing beat the plain loop: show the best parallel row,
             * as the terminal summary does. */
            int parallel;
            const struct view_row *par = view_best_other(v, i, &parallel);
            shown = par;
            strbuf_printf(b, "<td>serial is fastest");
            if (par != NULL) {
                view_config_name(v, par, name, sizeof(name));
                strbuf_printf(b, parallel ? "; best parallel: "
                                          : "; best other: ");
                report_html_text(b, name);
            }
            strbuf_printf(b, "</td>");
        } else {
            view_config_name(v, best, name, sizeof(name));
            report_html_cell(b, "td", name);
        }
        units_format_time(shown != NULL ? shown->wall.median : NAN, t,
                          sizeof(t));
        strbuf_printf(b, "<td class=\"n\">%s</td>", t);
        speedup_cells(b, shown);
    }
    inst_warnings(v, i, warn, sizeof(warn));
    if (warn[0] != '\0')
        strbuf_printf(b, "<td class=\"warn\">%s</td></tr>\n", warn);
    else
        strbuf_printf(b, "<td>-</td></tr>\n");
}

/* "N more THINGS: every one with poolbench show FILE" under a table
 * cut short. */
static void more_line(struct strbuf *b, const struct page_file *p,
                      size_t n, const char *things)
{
    strbuf_printf(b, "<p class=\"muted\">%zu more %s not shown here: "
                  "every one with <code>poolbench show ", n, things);
    report_html_text(b, results_cited_path(p->f));
    strbuf_printf(b, "</code></p>\n");
}

void report_overview(struct strbuf *b, const struct page_file *p)
{
    strbuf_printf(b, "<table class=\"overview\"><tr><th>workload</th>"
                  "<th>best configuration</th><th>median</th><th>speedup "
                  "[95%% CI]</th><th>verdict</th><th>warnings</th></tr>\n");
    for (size_t i = 0; i < p->v.ninsts && i < REPORT_MAX_INSTANCES; i++)
        overview_row(b, p, i);
    strbuf_printf(b, "</table>\n");
    if (p->v.ninsts > REPORT_MAX_INSTANCES)
        more_line(b, p, p->v.ninsts - REPORT_MAX_INSTANCES, "instances");
}

/* ---- one section per workload ------------------------------------------- */

/* Whether chart title t ends with the parameters of in ("(n=300)"). */
static int title_has_params(const char *t, const struct view_inst *in)
{
    char suffix[80];
    /* plot cuts the parameters to 50 characters in the title. */
    snprintf(suffix, sizeof(suffix), "(%.50s)", in->params);
    size_t tl = strlen(t), sl = strlen(suffix);
    return tl >= sl && strcmp(t + tl - sl, suffix) == 0;
}

/* Whether chart c belongs to instance i of p: the chart's file (names of
 * file k > 0 start "fK-") and its title "WORKLOAD: ... (PARAMS)". A
 * chart that names no parameters goes to the instance without any. */
static int chart_of(const struct plot_chart *c, const struct page_file *p,
                    size_t i)
{
    const struct view_inst *in = &p->v.insts[i];
    size_t wl = strlen(in->workload);
    char pre[32];
    snprintf(pre, sizeof(pre), "f%zu-", p->index);
    if ((p->index > 0) != (strncmp(c->name, pre, strlen(pre)) == 0) ||
        strncmp(c->title, in->workload, wl) != 0 || c->title[wl] != ':')
        return 0;
    if (in->params[0] != '\0')
        return title_has_params(c->title, in);
    for (size_t k = 0; k < p->v.ninsts; k++) {
        const struct view_inst *o = &p->v.insts[k];
        if (o->params[0] != '\0' && strcmp(o->workload, in->workload) == 0 &&
            title_has_params(c->title, o))
            return 0;
    }
    return 1;
}


/* The charts of instance i not drawn yet (used[] marks them). */
static int inst_charts(struct strbuf *b, const struct page_file *p,
                       size_t i, const struct plot_set *set, char *used,
                       const char *dir, char *err, size_t err_len)
{
    int any = 0;
    for (size_t c = 0; c < set->ncharts; c++) {
        if (used[c] || !chart_of(&set->charts[c], p, i))
            continue;
        if (!any)
            strbuf_printf(b, "<div class=\"charts\">\n");
        any = 1;
        used[c] = 1;
        if (report_figure(b, dir, &set->charts[c], c, err, err_len) != 0)
            return -1;
    }
    if (any)
        strbuf_printf(b, "</div>\n");
    return 0;
}

/* Per executor its fastest row: the short table beside the charts. */
static void short_table(struct strbuf *b, const struct results_view *v,
                        size_t i)
{
    const struct view_inst *in = &v->insts[i];
    const char *seen[32];
    size_t nseen = 0;
    strbuf_printf(b, "<table class=\"short\"><tr><th>fastest per executor"
                  "</th><th>median</th><th>95%% CI</th><th>speedup [95%% "
                  "CI]</th></tr>\n");
    for (size_t a = 0; a < in->nrows; a++) {
        const char *ex = v->rows[in->rows[a]].r->executor;
        size_t k = 0;
        while (k < nseen && strcmp(seen[k], ex) != 0)
            k++;
        if (k < nseen || nseen == 32)
            continue;
        seen[nseen++] = ex;
        const struct view_row *vr = view_fastest(v, i, ex, 0);
        if (vr == NULL)
            continue;
        char name[200], t[32], lo[32], hi[32], sp[96] = "-";
        view_config_name(v, vr, name, sizeof(name));
        units_format_time(vr->wall.median, t, sizeof(t));
        units_format_time(vr->wall.ci95_low, lo, sizeof(lo));
        units_format_time(vr->wall.ci95_high, hi, sizeof(hi));
        if (!isnan(vr->speedup_lo))
            snprintf(sp, sizeof(sp), "%.2fx [%.2f, %.2f]", vr->speedup,
                     vr->speedup_lo, vr->speedup_hi);
        else if (!isnan(vr->speedup))
            snprintf(sp, sizeof(sp), "%.2fx", vr->speedup);
        strbuf_printf(b, "<tr>");
        report_html_cell(b, "td", name);
        strbuf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s .. %s"
                      "</td><td class=\"n\">%s</td></tr>\n", t, lo, hi, sp);
    }
    strbuf_printf(b, "</table>\n");
}

/* The findings pick chooses, as a list; returns how many. */
static size_t finding_items(struct strbuf *b, const struct page_file *p,
                            int (*pick)(const struct page_file *p,
                                        const struct finding *f,
                                        const void *arg),
                            const void *arg)
{
    size_t open = 0;
    for (size_t k = 0; k < p->fs.n; k++) {
        const struct finding *f = &p->fs.items[k];
        if (!pick(p, f, arg))
            continue;
        if (!open)
            strbuf_printf(b, "<ul class=\"findings\">\n");
        open++;
        report_html_cell(b, "li", f->text);
        strbuf_printf(b, "\n");
    }
    if (open)
        strbuf_printf(b, "</ul>\n");
    return open;
}

static int pick_inst(const struct page_file *p, const struct finding *f,
                     const void *arg)
{
    return !finding_across(&p->v, f) && f->other == FINDING_NONE &&
           f->inst == *(const size_t *)arg;
}

static int pick_workload(const struct page_file *p, const struct finding *f,
                         const void *arg)
{
    return !finding_across(&p->v, f) && f->other != FINDING_NONE &&
           strcmp(p->v.insts[f->inst].workload, (const char *)arg) == 0;
}

static int pick_across(const struct page_file *p, const struct finding *f,
                       const void *arg)
{
    (void)arg;
    return finding_across(&p->v, f);
}

size_t report_across(struct strbuf *b, const struct page_file *p)
{
    return finding_items(b, p, pick_across, NULL);
}

int report_workload_section(struct strbuf *b, const struct page_file *p,
                            size_t w, size_t nfiles,
                            const struct plot_set *set, char *used,
                            const char *dir, char *err, size_t err_len)
{
    const char *name = p->workloads[w];
    strbuf_printf(b, "<section id=\"w%zu-%zu\">\n<h2>", p->index, w);
    report_html_text(b, name);
    if (nfiles > 1) {
        strbuf_printf(b, " <span class=\"muted\">");
        report_html_text(b, results_cited_path(p->f));
        strbuf_printf(b, "</span>");
    }
    strbuf_printf(b, "</h2>\n");
    finding_items(b, p, pick_workload, name);
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < p->v.ninsts; i++) {
        const struct view_inst *in = &p->v.insts[i];
        if (strcmp(in->workload, name) != 0)
            continue;
        if (shown == REPORT_MAX_INSTANCES) {
            more++;
            continue;
        }
        shown++;
        if (in->params[0] != '\0' || p->v.nparts > 1)
            report_html_cell(b, "h3", in->label);
        finding_items(b, p, pick_inst, &i);
        strbuf_printf(b, "<div class=\"grid\"><div>");
        short_table(b, &p->v, i);
        report_scaling_table(b, &p->v, i);
        strbuf_printf(b, "</div><div>");
        if (inst_charts(b, p, i, set, used, dir, err, err_len) != 0)
            return -1;
        strbuf_printf(b, "</div></div>\n");
    }
    if (more > 0)
        more_line(b, p, more, "instances");
    strbuf_printf(b, "</section>\n");
    return 0;
}

/* ---- the full table, folded --------------------------------------------- */

static void full_row(struct strbuf *b, const struct results_view *v,
                     const struct view_row *vr)
{
    const struct results_row *r = vr->r;
    char name[200], t[32] = "-", lo[32], hi[32], ci[80] = "-", sp[96] = "-",
         ef[32] = "-", fr[32], cpu[32];
    view_variant_label(v, vr, 1, name, sizeof(name));
    if (vr->usable) {
        units_format_time(vr->wall.median, t, sizeof(t));
        units_format_time(vr->wall.ci95_low, lo, sizeof(lo));
        units_format_time(vr->wall.ci95_high, hi, sizeof(hi));
        snprintf(ci, sizeof(ci), "%s .. %s", lo, hi);
    }
    if (!isnan(vr->speedup_lo))
        snprintf(sp, sizeof(sp), "%.2fx [%.2f, %.2f]", vr->speedup,
                 vr->speedup_lo, vr->speedup_hi);
    else if (!isnan(vr->speedup))
        snprintf(sp, sizeof(sp), "%.2fx", vr->speedup);
    if (!isnan(vr->efficiency))
        snprintf(ef, sizeof(ef), "%.2f", vr->efficiency);
    units_format_time(vr->first.n > 0 ? vr->first.median : NAN, fr,
                      sizeof(fr));
    units_format_time(vr->cpu_s, cpu, sizeof(cpu));
    strbuf_printf(b, "<tr>");
    report_html_cell(b, "td", name);
    strbuf_printf(b, "<td class=\"n\">%u</td>", r->workers);
    report_html_cell(b, "td", r->mode);
    if (r->chunk_auto)
        strbuf_printf(b, "<td class=\"n\">auto (%llu)</td>",
                      (unsigned long long)r->chunk);
    else
        strbuf_printf(b, "<td class=\"n\">%llu</td>",
                      (unsigned long long)r->chunk);
    strbuf_printf(b, "<td class=\"n\">%llu</td><td class=\"n\">%s</td>"
                  "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                  "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                  "<td class=\"n\">%s</td><td class=\"n\">%llu</td>",
                  (unsigned long long)r->tasks, t, ci, sp, ef, fr, cpu,
                  (unsigned long long)r->errors);
    if (r->failure != NULL) {
        strbuf_printf(b, "<td class=\"bad\">FAILED: ");
        report_html_text(b, r->failure);
        strbuf_printf(b, "</td>");
    } else {
        strbuf_printf(b, "<td><code>");
        report_html_text(b, r->checksum);
        strbuf_printf(b, "</code></td>");
    }
    strbuf_printf(b, "</tr>\n");
}

void report_full_table(struct strbuf *b, const struct page_file *p)
{
    const struct results_view *v = &p->v;
    strbuf_printf(b, "<details><summary>");
    report_html_text(b, results_cited_path(p->f));
    /* 13 columns: in a narrow window the table scrolls in its own box,
     * the page does not. */
    if (v->nrows > REPORT_MAX_ROWS)
        strbuf_printf(b, ": the first %d of %zu rows", REPORT_MAX_ROWS,
                      v->nrows);
    else
        strbuf_printf(b, ": all %zu rows", v->nrows);
    strbuf_printf(b, "</summary>\n<div class=\"scroll\">"
                  "<table class=\"summary\">"
                  "<tr><th>configuration</th><th>workers</th><th>"
                  "mode</th><th>chunk</th><th>tasks</th><th>wall (median)"
                  "</th><th>95%% CI</th><th>speedup [95%% CI]</th><th>"
                  "efficiency</th><th>first result</th><th>CPU (user+sys)"
                  "</th><th>errors</th><th>checksum</th></tr>\n");
    size_t shown = 0;
    for (size_t i = 0; i < v->ninsts && shown < REPORT_MAX_ROWS; i++) {
        const struct view_inst *in = &v->insts[i];
        strbuf_printf(b, "<tr class=\"inst\"><th colspan=\"13\">");
        report_html_text(b, in->label);
        strbuf_printf(b, "</th></tr>\n");
        for (size_t a = 0; a < in->nrows && shown < REPORT_MAX_ROWS;
             a++, shown++)
            full_row(b, v, &v->rows[in->rows[a]]);
    }
    strbuf_printf(b, "</table></div>");
    if (v->nrows > shown) {
        strbuf_printf(b, "\n");
        more_line(b, p, v->nrows - shown, "rows");
    }
    strbuf_printf(b, "</details>\n");
}

/* ---- the machine -------------------------------------------------------- */

void report_machine_table(struct strbuf *b, const struct results_file *f,
                          size_t nfiles)
{
    static const char *const keys[] = {
        "hostname", "os", "kernel", "cpu_model", "cpus_online", "affinity",
        "mem_total", "clocksource", "governor", "compiler", "build_type",
        "poolbench_version", "git_commit",
    };
    strbuf_printf(b, "<table class=\"machines\"><tr><th>file</th>");
    for (size_t k = 0; k < nfiles; k++)
        for (size_t m = 0; m < f[k].nmachines; m++) {
            strbuf_printf(b, "<th>");
            report_html_text(b, results_cited_path(&f[k]));
            strbuf_printf(b, "%s</th>", f[k].nmachines > 1 ? " (merged)"
                                                           : "");
        }
    strbuf_printf(b, "</tr><tr><td>created</td>");
    for (size_t k = 0; k < nfiles; k++)
        for (size_t m = 0; m < f[k].nmachines; m++)
            report_html_cell(b, "td", f[k].created);
    strbuf_printf(b, "</tr>\n");
    for (size_t q = 0; q < sizeof(keys) / sizeof(keys[0]); q++) {
        strbuf_printf(b, "<tr><td>%s</td>", keys[q]);
        for (size_t k = 0; k < nfiles; k++)
            for (size_t m = 0; m < f[k].nmachines; m++) {
                const struct results_machine *mc = &f[k].machines[m];
                const char *const text[] = {
                    mc->hostname, mc->os, mc->kernel, mc->cpu_model, NULL,
                    mc->affinity, NULL, mc->clocksource, mc->governor,
                    mc->compiler, mc->build_type, mc->version,
                    mc->git_commit,
                };
                char num[64] = "unknown";
                if (q == 4 && mc->cpus_online > 0)
                    snprintf(num, sizeof(num), "%ld", mc->cpus_online);
                else if (q == 6 && mc->mem_total_bytes > 0)
                    snprintf(num, sizeof(num), "%.1f GiB",
                             mc->mem_total_bytes / (1024.0 * 1024 * 1024));
                report_html_cell(b, "td", text[q] != NULL ? text[q] : num);
            }
        strbuf_printf(b, "</tr>\n");
    }
    strbuf_printf(b, "</table>\n");
}

/* ---- hyperfine beside poolbench ----------------------------------------- */

/* The row of a poolbench file that a hyperfine command ran. */
static const struct view_row *hyperfine_match(const struct page_file *pf,
                                              size_t npf,
                                              const struct results_row *h)
{
    for (size_t g = 0; g < npf; g++) {
        if (pf[g].hyperfine)
            continue;
        for (size_t q = 0; q < pf[g].v.nrows; q++) {
            const struct view_row *vr = &pf[g].v.rows[q];
            const struct results_row *r = vr->r;
            if (vr->usable && strcmp(r->workload, h->workload) == 0 &&
                strcmp(r->executor, h->executor) == 0 &&
                r->workers == h->workers &&
                (h->tasks == 0 || r->tasks == h->tasks))
                return vr;
        }
    }
    return NULL;
}

static void hyperfine_table(struct strbuf *b, const struct page_file *pf,
                            size_t npf, const struct page_file *h)
{
    double baseline = NAN, sum_abs = 0;
    size_t matched = 0;
    char bt[32];
    for (size_t k = 0; k < h->v.nrows; k++)
        if (h->v.rows[k].usable && h->v.rows[k].r->role != NULL &&
            strcmp(h->v.rows[k].r->role, "baseline") == 0)
            baseline = h->v.rows[k].wall.median;
    units_format_time(baseline, bt, sizeof(bt));
    strbuf_printf(b, "<table class=\"hyperfine\"><tr><th>command</th>"
                  "<th>hyperfine median</th><th>minus process baseline (%s)"
                  "</th><th>poolbench wall</th><th>wall + start-up</th>"
                  "<th>difference</th></tr>\n", bt);
    for (size_t k = 0; k < h->v.nrows; k++) {
        const struct view_row *x = &h->v.rows[k];
        const struct view_row *in;
        char hm[32], net[32], iw[32] = "-", iws[32] = "-", diff[64] = "-";
        if (!x->usable)
            continue;
        in = hyperfine_match(pf, npf, x->r);
        units_format_time(x->wall.median, hm, sizeof(hm));
        double n = x->wall.median - baseline;
        units_format_time(n, net, sizeof(net));
        if (in != NULL) {
            double st = isfinite(in->startup_s) ? in->startup_s : 0;
            double whole = in->wall.median + st;
            units_format_time(in->wall.median, iw, sizeof(iw));
            units_format_time(whole, iws, sizeof(iws));
            if (isfinite(n) && whole > 0) {
                double pct = 100 * (n / whole - 1);
                snprintf(diff, sizeof(diff), "%+.1f%%", pct);
                sum_abs += fabs(pct);
                matched++;
            }
        }
        strbuf_printf(b, "<tr>");
        report_html_cell(b, "td", x->r->command != NULL ? x->r->command
                                                        : x->r->executor);
        strbuf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                      "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                      "<td class=\"n\">%s</td></tr>\n", hm, net, iw, iws,
                      diff);
    }
    strbuf_printf(b, "</table>\n");
    if (matched > 0)
        strbuf_printf(b, "<p>After subtracting the process baseline, "
                      "hyperfine's whole-process time differs from "
                      "poolbench's wall + start-up by %.1f%% on average "
                      "over %zu command%s.</p>\n",
                      sum_abs / (double)matched, matched,
                      matched == 1 ? "" : "s");
    else
        strbuf_printf(b, "<p class=\"muted\">No poolbench results file "
                      "with the same workload, executor and workers was "
                      "given, so there is nothing to set beside these "
                      "times.</p>\n");
}

void report_hyperfine_section(struct strbuf *b, const struct page_file *pf,
                              size_t npf)
{
    int have = 0;
    for (size_t f = 0; f < npf; f++)
        have |= pf[f].hyperfine;
    if (!have)
        return;
    strbuf_printf(b, "<h2 id=\"hyperfine\">Whole-process timing "
                  "(hyperfine)</h2>\n<p>hyperfine times whole <code>"
                  "poolbench run</code> processes: exec, loading, preparing "
                  "the workload, pool start-up, the run and writing JSON. "
                  "poolbench's own <em>wall</em> covers the run alone and "
                  "<em>start-up</em> the pool. The <em>process baseline"
                  "</em> is a run that does almost nothing (<code>-w noop "
                  "-n 1</code>).</p>\n");
    for (size_t f = 0; f < npf; f++)
        if (pf[f].hyperfine)
            hyperfine_table(b, pf, npf, &pf[f]);
}

/* ---- Python vs native --------------------------------------------------- */

/* "Python vs native": per instance with both, the fastest native row,
 * the fastest Python peer row (py-*) and how many times faster the
 * first is. Nothing when no file has Python rows. */
void report_python_section(struct strbuf *b, const struct page_file *pf,
                           size_t npf)
{
    int head = 0;
    for (size_t f = 0; f < npf; f++) {
        const struct results_view *v = &pf[f].v;
        for (size_t i = 0; i < v->ninsts && !pf[f].hyperfine; i++) {
            const struct view_row *nat, *py;
            char a[300], c[300], t[32], u[32], x[32];
            view_fastest_native_python(v, i, &nat, &py);
            if (nat == NULL || py == NULL || !(nat->wall.median > 0))
                continue;
            if (!head)
                strbuf_printf(b, "<h2 id=\"python\">Python vs native</h2>\n"
                              "<table><tr><th>workload</th><th>best native"
                              "</th><th>wall</th><th>best Python</th>"
                              "<th>wall</th><th>native is</th></tr>\n");
            head = 1;
            view_variant_label(v, nat, 0, a, sizeof(a));
            view_variant_label(v, py, 0, c, sizeof(c));
            units_format_time(nat->wall.median, t, sizeof(t));
            units_format_time(py->wall.median, u, sizeof(u));
            double r = py->wall.median / nat->wall.median;
            if (r >= 1)
                snprintf(x, sizeof(x), "%.1fx faster", r);
            else
                snprintf(x, sizeof(x), "%.1fx slower", 1 / r);
            strbuf_printf(b, "<tr>");
            report_html_cell(b, "td", v->insts[i].label);
            report_html_cell(b, "td", a);
            report_html_cell(b, "td", t);
            report_html_cell(b, "td", c);
            report_html_cell(b, "td", u);
            report_html_cell(b, "td", x);
            strbuf_printf(b, "</tr>\n");
        }
    }
    if (head)
        strbuf_printf(b, "</table>\n<p>Python rows run the same tasks "
                      "(the same checksum) in python3 with the constructs "
                      "the seed used: multiprocessing.Pool, "
                      "multiprocessing.dummy.Pool, ThreadPoolExecutor, "
                      "ProcessPoolExecutor.</p>\n");
}
