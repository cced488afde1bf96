/* report.c - `poolbench report`: one self-contained HTML page of results.
 *
 * The page answers first: a one-screen summary (per instance the best
 * configuration, its speedup with the 95% interval, the verdict and the
 * warnings), then one section per workload with its findings, its charts
 * and a short table, then the machine and the full table folded. Every
 * number comes from the results view (view.h) and every finding from
 * findings.h, so the page agrees with the terminal summary.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "args.h"
#include "exit.h"
#include "findings.h"
#include "fs.h"
#include "plot.h"
#include "report.h"
#include "results.h"
#include "strbuf.h"
#include "textesc.h"
#include "units.h"
#include "view.h"

#define REPORT_SVG_MAX (16u * 1024 * 1024)
#define REPORT_MAX_WARNINGS 6  /* warning messages named in the banner */
#define REPORT_DEFAULT_INPUT "results/latest.json"

/* ---- HTML --------------------------------------------------------------- */

static void html_text(struct strbuf *b, const char *text)
{
    /* Runs of plain characters in one append: a page of 100,000 rows. */
    for (const char *s = text; s != NULL && *s != '\0';) {
        size_t n = strcspn(s, "&<>\"'");
        strbuf_append(b, s, n);
        s += n;
        switch (*s) {
        case '&': strbuf_append(b, "&amp;", 5); break;
        case '<': strbuf_append(b, "&lt;", 4); break;
        case '>': strbuf_append(b, "&gt;", 4); break;
        case '"': strbuf_append(b, "&quot;", 6); break;
        case '\'': strbuf_append(b, "&#39;", 5); break;
        default: continue;
        }
        s++;
    }
}

static void html_cell(struct strbuf *b, const char *tag, const char *text)
{
    strbuf_printf(b, "<%s>", tag);
    html_text(b, text);
    strbuf_printf(b, "</%s>", tag);
}

/* At 1400 px nothing scrolls sideways: the content is at most 1360 px
 * wide, tables are fixed to it and long labels wrap anywhere. */
static const char report_css[] =
    "body{font-family:system-ui,sans-serif;max-width:1360px;margin:0 "
    "auto;padding:.5em 1em;color:#222;line-height:1.4}"
    "h1{font-size:1.5em;margin:.3em 0}h2{border-bottom:1px solid #ccc;"
    "margin:1.5em 0 .4em;font-size:1.25em}h3{font-size:1.05em;margin:"
    "1em 0 .3em}"
    "table{border-collapse:collapse;font-size:.85em;margin:.3em 0 1em;"
    "max-width:100%}"
    "th,td{border:1px solid #ddd;padding:.2em .45em;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "th{background:#f3f3f3;overflow-wrap:normal}"
    "tr:nth-child(even) td{background:#fafafa}"
    "table.summary{width:100%;font-size:.78em}table.summary td.n{white-space:"
    "normal}tr.inst th{background:#e8eef6}"
    ".grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);"
    "gap:1em;align-items:start}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(380px,1fr));gap:.5em}"
    "figure{margin:0}figure svg{width:100%;height:auto;border:1px solid "
    "#eee;display:block}figcaption{font-size:.8em;color:#555}"
    ".findings{margin:.2em 0;padding-left:1.2em}.findings li{margin:.15em "
    "0;font-size:.92em}.muted{color:#666;font-size:.85em;margin:.2em 0}"
    ".good{color:#17612b;font-weight:600}.bad{color:#a3251b;font-weight:"
    "600}.warn{color:#8a5a00}"
    ".banner{background:#fff4d6;border:1px solid #e0b040;padding:.4em "
    ".8em;margin:.5em 0}.banner p{margin:.1em 0}"
    "nav.toc{font-size:.9em;margin:.3em 0}nav.toc a{margin-right:.8em;"
    "white-space:nowrap}"
    "details{margin:.5em 0}summary{cursor:pointer;font-weight:600}"
    "code{background:#f3f3f3;padding:0 .2em;overflow-wrap:anywhere}";

/* ---- what the file says about its own trustworthiness ------------------- */

/* Warnings of a file or of one row. */
struct trust {
    size_t imprecise;          /* rows whose precision was not reached */
    size_t disturbed_rows;     /* rows with disturbed repetitions */
    double disturbed;          /* disturbed repetitions in all */
    size_t nwarnings;          /* entries of the file's warnings array */
    const char *kind[REPORT_MAX_WARNINGS];    /* the first ones' kind */
    const char *message[REPORT_MAX_WARNINGS]; /* and message */
};

/* What the whole file says against its own numbers: rows that missed
 * their precision or had disturbed repetitions, and its warnings (older
 * files carry none). */
static void trust_read(const struct results_file *f, struct trust *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t k = 0; k < f->nrows; k++) {
        if (f->rows[k].precision_reached == 0)
            t->imprecise++;
        if (f->rows[k].disturbed > 0) {
            t->disturbed_rows++;
            t->disturbed += (double)f->rows[k].disturbed;
        }
    }
    for (size_t k = 0; k < f->nwarnings; k++) {
        const struct results_warning *w = &f->warnings[k];
        if (t->nwarnings < REPORT_MAX_WARNINGS) {
            t->kind[t->nwarnings] = w->kind;
            t->message[t->nwarnings] = w->message;
        }
        t->nwarnings++;
    }
}

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

/* The banner: the machine was busy, precision was not reached, or the
 * file carries warnings. Nothing when the file says nothing. */
static void banner(struct strbuf *b, const struct results_file *f)
{
    struct trust t;
    trust_read(f, &t);
    if (t.imprecise == 0 && t.disturbed_rows == 0 && t.nwarnings == 0)
        return;
    strbuf_printf(b, "<div class=\"banner\" role=\"alert\">");
    if (t.disturbed_rows > 0)
        strbuf_printf(b, "<p><strong>The machine was busy:</strong> %.0f "
                      "repetition%s disturbed in %zu configuration%s; "
                      "their times may be slower than this machine "
                      "is.</p>", t.disturbed, t.disturbed == 1 ? "" : "s",
                      t.disturbed_rows, t.disturbed_rows == 1 ? "" : "s");
    if (t.imprecise > 0)
        strbuf_printf(b, "<p><strong>Precision not reached</strong> in %zu "
                      "configuration%s: their intervals are wider than "
                      "asked.</p>", t.imprecise,
                      t.imprecise == 1 ? "" : "s");
    for (size_t k = 0; k < t.nwarnings && k < REPORT_MAX_WARNINGS; k++) {
        strbuf_printf(b, "<p><strong>");
        html_text(b, t.kind[k]);
        strbuf_printf(b, ":</strong> ");
        html_text(b, t.message[k]);
        strbuf_printf(b, "</p>");
    }
    if (t.nwarnings > REPORT_MAX_WARNINGS)
        strbuf_printf(b, "<p>... and %zu more warnings.</p>",
                      t.nwarnings - REPORT_MAX_WARNINGS);
    strbuf_printf(b, "</div>\n");
}

/* ---- one results file, understood --------------------------------------- */

struct page_file {
    const struct results_file *f;
    size_t index;              /* in the files given */
    struct results_view v;
    struct findings fs;
    int hyperfine;             /* made by import-hyperfine */
    const char **workloads;    /* distinct, in order of first instance */
    size_t nworkloads;
};

static void page_file_free(struct page_file *p)
{
    view_free(&p->v);
    findings_free(&p->fs);
    free(p->workloads);
    memset(p, 0, sizeof(*p));
}

static int page_file_build(const struct results_file *f, size_t index,
                           struct page_file *p, char *err, size_t err_len)
{
    memset(p, 0, sizeof(*p));
    p->f = f;
    p->index = index;
    p->hyperfine = f->source != NULL && strcmp(f->source, "hyperfine") == 0;
    if (view_build(f, &p->v, err, err_len) != 0 ||
        findings_build(&p->v, &p->fs, err, err_len) != 0)
        goto fail;
    p->workloads = calloc(p->v.ninsts + 1, sizeof(*p->workloads));
    if (p->workloads == NULL) {
        snprintf(err, err_len, "%s: out of memory", f->path);
        goto fail;
    }
    /* Instances are few next to rows; a workload has a handful. */
    for (size_t i = 0; i < p->v.ninsts; i++) {
        size_t k = 0;
        while (k < p->nworkloads &&
               strcmp(p->workloads[k], p->v.insts[i].workload) != 0)
            k++;
        if (k == p->nworkloads)
            p->workloads[p->nworkloads++] = p->v.insts[i].workload;
    }
    return 0;
fail:
    page_file_free(p);
    return -1;
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

/* ---- the summary that opens the page ------------------------------------ */

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
        strbuf_printf(b, "<td>no difference shown</td>");
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
    html_text(b, in->label);
    strbuf_printf(b, "</a></td>");
    if (best == NULL) {
        strbuf_printf(b, "<td colspan=\"4\" class=\"bad\">no row finished "
                      "without errors</td>");
    } else {
        if (in->baseline >= 0 && best == &v->rows[in->baseline]) {
            /* Nothing beat the plain loop: show the best parallel row,
             * as the terminal summary does. */
            const struct view_row *par = NULL;
            for (size_t a = 0; a < in->nrows; a++) {
                const struct view_row *vr = &v->rows[in->rows[a]];
                if (vr->usable && !view_is_baseline(vr->r) &&
                    (par == NULL || vr->wall.median < par->wall.median))
                    par = vr;
            }
            shown = par;
            strbuf_printf(b, "<td>serial is fastest");
            if (par != NULL) {
                view_config_name(v, par, name, sizeof(name));
                strbuf_printf(b, "; best parallel: ");
                html_text(b, name);
            }
            strbuf_printf(b, "</td>");
        } else {
            view_config_name(v, best, name, sizeof(name));
            html_cell(b, "td", name);
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

static void overview(struct strbuf *b, const struct page_file *p)
{
    strbuf_printf(b, "<table class=\"overview\"><tr><th>workload</th>"
                  "<th>best configuration</th><th>median</th><th>speedup "
                  "[95%% CI]</th><th>verdict</th><th>warnings</th></tr>\n");
    for (size_t i = 0; i < p->v.ninsts; i++)
        overview_row(b, p, i);
    strbuf_printf(b, "</table>\n");
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

static int figure(struct strbuf *b, const char *dir,
                  const struct plot_chart *c, size_t number, char *err,
                  size_t err_len);

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
        if (figure(b, dir, &set->charts[c], c, err, err_len) != 0)
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
        html_cell(b, "td", name);
        strbuf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s .. %s"
                      "</td><td class=\"n\">%s</td></tr>\n", t, lo, hi, sp);
    }
    strbuf_printf(b, "</table>\n");
}

static void finding_items(struct strbuf *b, const struct page_file *p,
                          int (*pick)(const struct page_file *p,
                                      const struct finding *f,
                                      const void *arg),
                          const void *arg)
{
    int open = 0;
    for (size_t k = 0; k < p->fs.n; k++) {
        const struct finding *f = &p->fs.items[k];
        if (!pick(p, f, arg))
            continue;
        if (!open)
            strbuf_printf(b, "<ul class=\"findings\">\n");
        open = 1;
        html_cell(b, "li", f->text);
        strbuf_printf(b, "\n");
    }
    if (open)
        strbuf_printf(b, "</ul>\n");
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

static int workload_section(struct strbuf *b, const struct page_file *p,
                            size_t w, size_t nfiles,
                            const struct plot_set *set, char *used,
                            const char *dir, char *err, size_t err_len)
{
    const char *name = p->workloads[w];
    strbuf_printf(b, "<section id=\"w%zu-%zu\">\n<h2>", p->index, w);
    html_text(b, name);
    if (nfiles > 1) {
        strbuf_printf(b, " <span class=\"muted\">");
        html_text(b, p->f->path);
        strbuf_printf(b, "</span>");
    }
    strbuf_printf(b, "</h2>\n");
    finding_items(b, p, pick_workload, name);
    for (size_t i = 0; i < p->v.ninsts; i++) {
        const struct view_inst *in = &p->v.insts[i];
        if (strcmp(in->workload, name) != 0)
            continue;
        if (in->params[0] != '\0' || p->v.nparts > 1)
            html_cell(b, "h3", in->label);
        finding_items(b, p, pick_inst, &i);
        strbuf_printf(b, "<div class=\"grid\"><div>");
        short_table(b, &p->v, i);
        strbuf_printf(b, "</div><div>");
        if (inst_charts(b, p, i, set, used, dir, err, err_len) != 0)
            return -1;
        strbuf_printf(b, "</div></div>\n");
    }
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
    html_cell(b, "td", name);
    strbuf_printf(b, "<td class=\"n\">%u</td>", r->workers);
    html_cell(b, "td", r->mode);
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
        html_text(b, r->failure);
        strbuf_printf(b, "</td>");
    } else {
        strbuf_printf(b, "<td><code>");
        html_text(b, r->checksum);
        strbuf_printf(b, "</code></td>");
    }
    strbuf_printf(b, "</tr>\n");
}

static void full_table(struct strbuf *b, const struct page_file *p)
{
    const struct results_view *v = &p->v;
    strbuf_printf(b, "<details><summary>");
    html_text(b, p->f->path);
    strbuf_printf(b, ": all %zu rows</summary>\n<table class=\"summary\">"
                  "<tr><th>configuration</th><th>workers</th><th>"
                  "mode</th><th>chunk</th><th>tasks</th><th>wall (median)"
                  "</th><th>95%% CI</th><th>speedup [95%% CI]</th><th>"
                  "efficiency</th><th>first result</th><th>CPU (user+sys)"
                  "</th><th>errors</th><th>checksum</th></tr>\n", v->nrows);
    for (size_t i = 0; i < v->ninsts; i++) {
        const struct view_inst *in = &v->insts[i];
        strbuf_printf(b, "<tr class=\"inst\"><th colspan=\"13\">");
        html_text(b, in->label);
        strbuf_printf(b, "</th></tr>\n");
        for (size_t a = 0; a < in->nrows; a++)
            full_row(b, v, &v->rows[in->rows[a]]);
    }
    strbuf_printf(b, "</table></details>\n");
}

/* ---- the machine -------------------------------------------------------- */

static void machine_table(struct strbuf *b, const struct results_file *f,
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
            html_text(b, f[k].path);
            strbuf_printf(b, "%s</th>", f[k].nmachines > 1 ? " (merged)"
                                                           : "");
        }
    strbuf_printf(b, "</tr><tr><td>created</td>");
    for (size_t k = 0; k < nfiles; k++)
        for (size_t m = 0; m < f[k].nmachines; m++)
            html_cell(b, "td", f[k].created);
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
                html_cell(b, "td", text[q] != NULL ? text[q] : num);
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
        html_cell(b, "td", x->r->command != NULL ? x->r->command
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

static void hyperfine_section(struct strbuf *b, const struct page_file *pf,
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

/* Append the SVG in path, its ids prefixed so that several charts can
 * live in one page without clashing. */
static int inline_svg(struct strbuf *b, const char *path,
                      const char *prefix, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > REPORT_SVG_MAX) {
        fclose(f);
        snprintf(err, err_len, "%s: not a chart of at most %u bytes", path,
                 REPORT_SVG_MAX);
        return -1;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t len = text != NULL ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (text == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    text[len] = '\0';
    char *s = strstr(text, "<svg");
    if (s == NULL) {
        free(text);
        snprintf(err, err_len, "%s: no <svg> element", path);
        return -1;
    }
    /* gnuplot repeats its group ids (gnuplot_plot_N) within one chart;
     * nothing refers to them, so they are dropped (marks[0]). */
    static const char *const marks[] = {
        " id=\"gnuplot_plot_", "id='", "id=\"", "href='#", "href=\"#",
        "url(#",
    };
    while (*s != '\0') {
        size_t best = strlen(s), which = 0;
        for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
            char *hit = strstr(s, marks[m]);
            if (hit != NULL && (size_t)(hit - s) < best) {
                best = (size_t)(hit - s);
                which = m;
            }
        }
        strbuf_printf(b, "%.*s", (int)best, s);
        s += best;
        if (*s == '\0')
            break;
        s += strlen(marks[which]);
        if (which == 0) {
            char *end = strchr(s, '"');
            s = end != NULL ? end + 1 : s + strlen(s);
            continue;
        }
        strbuf_printf(b, "%s%s-", marks[which], prefix);
    }
    free(text);
    return 0;
}


/* One chart as a figure, its SVG inlined. */
static int figure(struct strbuf *b, const char *dir,
                  const struct plot_chart *c, size_t number, char *err,
                  size_t err_len)
{
    char svg[4400], prefix[32];
    snprintf(svg, sizeof(svg), "%s/%s.svg", dir, c->name);
    snprintf(prefix, sizeof(prefix), "c%zu", number);
    strbuf_printf(b, "<figure id=\"chart-");
    html_text(b, c->name);
    strbuf_printf(b, "\" class=\"chart ");
    html_text(b, c->kind);
    strbuf_printf(b, "\">\n");
    if (inline_svg(b, svg, prefix, err, err_len) != 0)
        return -1;
    strbuf_printf(b, "\n<figcaption>");
    html_text(b, c->title);
    strbuf_printf(b, " (<code>");
    html_text(b, c->name);
    strbuf_printf(b, ".svg</code>)</figcaption>\n</figure>\n");
    return 0;
}

/* The head of the page: title, sources, banners and the contents. */
static void page_head(struct strbuf *b, const struct page_file *pf,
                      size_t npf, int other_charts)
{
    char now[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<title>poolbench report</title>\n<style>%s</style>\n"
                  "</head>\n<body>\n<h1>poolbench report</h1>\n"
                  "<p class=\"muted\">Made %s from", report_css, now);
    for (size_t f = 0; f < npf; f++) {
        const struct results_machine *m = &pf[f].f->machines[0];
        strbuf_printf(b, "%s<code>", f ? "; " : " ");
        html_text(b, pf[f].f->path);
        strbuf_printf(b, "</code> (");
        html_text(b, m->hostname != NULL ? m->hostname : "?");
        strbuf_printf(b, ", %ld CPUs)", m->cpus_online);
    }
    strbuf_printf(b, ". Times are medians with a distribution-free 95%% "
                  "confidence interval; a difference is claimed only when "
                  "the intervals do not overlap.</p>\n");
    for (size_t f = 0; f < npf; f++)
        banner(b, pf[f].f);
    strbuf_printf(b, "<nav class=\"toc\"><a href=\"#summary\">Summary</a>");
    for (size_t f = 0; f < npf; f++)
        for (size_t w = 0; w < pf[f].nworkloads && !pf[f].hyperfine; w++) {
            strbuf_printf(b, "<a href=\"#w%zu-%zu\">", f, w);
            html_text(b, pf[f].workloads[w]);
            strbuf_printf(b, "</a>");
        }
    strbuf_printf(b, "<a href=\"#findings\">Across workloads</a>%s%s"
                  "<a href=\"#machine\">Machine</a><a href=\"#results\">"
                  "All results</a></nav>\n",
                  other_charts ? "<a href=\"#charts\">More charts</a>" : "",
                  "");
}

/* "Python vs native": per instance with both, the fastest native row,
 * the fastest Python peer row (py-*) and how many times faster the
 * first is. Nothing when no file has Python rows. */
static void python_section(struct strbuf *b, const struct page_file *pf,
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
            html_cell(b, "td", v->insts[i].label);
            html_cell(b, "td", a);
            html_cell(b, "td", t);
            html_cell(b, "td", c);
            html_cell(b, "td", u);
            html_cell(b, "td", x);
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

static int page_body(struct strbuf *b, const struct page_file *pf,
                     size_t npf, const struct plot_set *set, char *used,
                     const char *dir, char *err, size_t err_len)
{
    strbuf_printf(b, "<h2 id=\"summary\">Summary</h2>\n");
    for (size_t f = 0; f < npf; f++) {
        if (pf[f].hyperfine)
            continue;
        if (npf > 1)
            html_cell(b, "h3", pf[f].f->path);
        overview(b, &pf[f]);
    }
    for (size_t f = 0; f < npf; f++)
        for (size_t w = 0; w < pf[f].nworkloads && !pf[f].hyperfine; w++)
            if (workload_section(b, &pf[f], w, npf, set, used, dir, err,
                                 err_len) != 0)
                return -1;
    strbuf_printf(b, "<h2 id=\"findings\">Across workloads</h2>\n");
    for (size_t f = 0; f < npf; f++)
        if (!pf[f].hyperfine)
            finding_items(b, &pf[f], pick_across, NULL);
    python_section(b, pf, npf);
    int other = 0;
    for (size_t c = 0; c < set->ncharts; c++) {
        if (used[c])
            continue;
        if (!other)
            strbuf_printf(b, "<h2 id=\"charts\">More charts</h2>\n"
                          "<div class=\"charts\">\n");
        other = 1;
        if (figure(b, dir, &set->charts[c], c, err, err_len) != 0)
            return -1;
    }
    if (other)
        strbuf_printf(b, "</div>\n");
    hyperfine_section(b, pf, npf);
    return 0;
}

int report_write(const struct results_file *files, size_t nfiles,
                 const char *path, char *err, size_t err_len)
{
    char tmpdir[4200], dir[4096];
    struct strbuf b = { 0 }, body = { 0 };
    struct plot_set set = { 0 };
    struct page_file *pf = calloc(nfiles + 1, sizeof(*pf));
    char *used = NULL;
    size_t npf = 0;
    int rc = -1, other = 0;
    if (pf == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    /* Charts are drawn in a hidden folder beside the page (removed on
     * SIGINT/SIGTERM too), not in a shared /tmp. */
    fs_dir_of(path, dir, sizeof(dir));
    if (fs_private_dir(dir, "report", tmpdir, sizeof(tmpdir), err,
                       err_len) != 0) {
        free(pf);
        return -1;
    }
    struct plot_options opt = { .dir = tmpdir, .png = 0, .notes = 1,
                                .private_dir = 1 };
    if (plot_render(files, nfiles, &opt, &set, err, err_len) != 0)
        goto out;
    for (; npf < nfiles; npf++)
        if (page_file_build(&files[npf], npf, &pf[npf], err, err_len) != 0)
            goto out;
    used = calloc(set.ncharts + 1, 1);
    if (used == NULL) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    /* The body first: it tells which charts no section took. */
    if (page_body(&body, pf, npf, &set, used, tmpdir, err, err_len) != 0)
        goto out;
    for (size_t c = 0; c < set.ncharts; c++)
        other |= !used[c];
    page_head(&b, pf, npf, other);
    strbuf_append(&b, body.p != NULL ? body.p : "", body.len);
    strbuf_printf(&b, "<h2 id=\"machine\">Machine</h2>\n");
    machine_table(&b, files, nfiles);
    strbuf_printf(&b, "<h2 id=\"results\">All results</h2>\n");
    for (size_t f = 0; f < npf; f++)
        full_table(&b, &pf[f]);
    strbuf_printf(&b, "<p class=\"muted\">poolbench: threads, processes "
                  "or futures, measured. This page is self-contained: no "
                  "script, no external resource.</p>\n</body>\n</html>\n");
    if (b.oom || body.oom) {
        snprintf(err, err_len, "out of memory building the report");
        goto out;
    }
    /* Atomic, and never through a symlink: a reader never sees half a
     * page, and a link planted at path is replaced. */
    if (fs_write_atomic(path, b.p, b.len, err, err_len) != 0)
        goto out;
    rc = 0;
out:
    for (size_t f = 0; f < npf; f++)
        page_file_free(&pf[f]);
    free(pf);
    free(used);
    plot_set_free(&set);
    free(b.p);
    free(body.p);
    fs_private_dir_remove(tmpdir);
    return rc;
}

/* ---- findings as text --------------------------------------------------- */

size_t report_findings(const struct results_file *files, size_t nfiles,
                       struct strbuf *out)
{
    size_t count = 0;
    char err[256];
    for (size_t f = 0; f < nfiles; f++) {
        struct results_view v;
        struct findings fs;
        if (files[f].source != NULL &&
            strcmp(files[f].source, "hyperfine") == 0)
            continue;
        if (view_build(&files[f], &v, err, sizeof(err)) != 0)
            continue;
        if (findings_build(&v, &fs, err, sizeof(err)) != 0) {
            view_free(&v);
            continue;
        }
        if (nfiles > 1)
            strbuf_printf(out, "#%s\n", files[f].path);
        for (size_t k = 0; k < fs.n; k++) {
            if (k == 0 || fs.items[k].kind != fs.items[k - 1].kind)
                strbuf_printf(out, "=%s\n",
                              findings_kind_question(fs.items[k].kind));
            strbuf_printf(out, "%s\n", fs.items[k].text);
            count++;
        }
        findings_free(&fs);
        view_free(&v);
    }
    return count;
}

/* ---- the command -------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench report [RESULTS.json...] [-o FILE.html]\n"
"\n"
"Write one self-contained HTML page (inline SVG charts, no script, no\n"
"external resource): a one-screen summary (per workload the best\n"
"configuration, its speedup with the 95%% interval, the verdict and the\n"
"warnings), one section per workload with findings computed from the\n"
"data, its charts and a short table, whole-process times of files made by\n"
"`poolbench import-hyperfine` beside poolbench's own, the machine, and\n"
"every row in a folded table (gnuplot is needed for the charts).\n"
"The input defaults to " REPORT_DEFAULT_INPUT ".\n"
"\n"
"  -o, --output FILE   the page (default: plots/report.html)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 written, 2 bad usage, a bad results file, no gnuplot or\n"
"an unwritable output.\n");
}

int report_main(int argc, char **argv)
{
    const char *path = "plots/report.html";
    char err[1024];
    char safe[4096];
    int parsed = args_output_only("report", argc, argv, &path, err,
                                  sizeof(err));
    if (parsed == ARGS_HELP) {
        usage(stdout);
        return 0;
    }
    if (parsed != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    /* Without a file, the last run: what `poolbench run` just wrote. */
    static char *const fallback[] = { (char *)REPORT_DEFAULT_INPUT };
    char *const *inputs = argv + optind;
    size_t nfiles = (size_t)(argc - optind), loaded = 0;
    if (nfiles == 0) {
        if (access(REPORT_DEFAULT_INPUT, F_OK) != 0) {
            fprintf(stderr, "poolbench report: no results file given and "
                    REPORT_DEFAULT_INPUT " does not exist; expected "
                    "poolbench report [RESULTS.json...] [-o FILE.html]\n");
            return EXIT_USAGE;
        }
        inputs = fallback;
        nfiles = 1;
    }
    if (strcmp(path, "plots/report.html") == 0 &&
        mkdir("plots", 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "poolbench report: cannot create folder plots/: "
                "%s; give -o FILE.html\n", strerror(errno));
        return EXIT_USAGE;
    }
    if (results_check_writable(path, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    char gp[4096];
    if (plot_find_gnuplot(gp, sizeof(gp), err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    struct results_file *files = calloc(nfiles, sizeof(*files));
    int status = EXIT_USAGE;
    if (files == NULL) {
        fprintf(stderr, "poolbench report: out of memory\n");
        return EXIT_USAGE;
    }
    for (; loaded < nfiles; loaded++)
        if (results_load(inputs[loaded], &files[loaded], err,
                         sizeof(err)) != 0) {
            fprintf(stderr, "poolbench report: %s\n",
                    textesc_ctl(err, safe, sizeof(safe)));
            goto out;
        }
    if (report_write(files, nfiles, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n",
                textesc_ctl(err, safe, sizeof(safe)));
        goto out;
    }
    printf("report: %s\n", path);
    status = 0;
out:
    for (size_t k = 0; k < loaded; k++)
        results_free(&files[k]);
    free(files);
    return status;
}
