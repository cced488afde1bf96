/* report.c - `poolbench report`: one self-contained HTML page of results.
 *
 * The page answers first: a one-screen summary (per instance the best
 * configuration, its speedup with the 95% interval, the verdict and the
 * warnings), then one section per workload with its findings, its charts
 * and a short table, then the machine and the full table folded. Every
 * number comes from the results view (view.h) and every finding from
 * findings.h, so the page agrees with the terminal summary.
 *
 * This file is the page: its head, banner and contents, the assembling
 * and writing, and the command. The sections themselves are in
 * report_sections.c, the HTML they all write (escaping, a chart inlined)
 * in report_html.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "findings.h"
#include "fs.h"
#include "plot.h"
#include "report.h"
#include "report_html.h"
#include "report_sections.h"
#include "seed.h"
#include "results.h"
#include "strbuf.h"
#include "textesc.h"
#include "view.h"

/* At 1400 px nothing scrolls sideways: the content is at most 1360 px
 * wide, tables are fixed to it and long labels wrap anywhere. A short
 * table and its charts share a row only when the charts keep 560 px
 * (text of at least about 7 px); in a narrower window the charts go below
 * the table, never over it. */
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
    ".grid{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
    ".grid>div{min-width:0;max-width:100%}.grid>div:first-child{flex:0 1 "
    "auto}.grid>div:last-child{flex:1 1 560px}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(560px,1fr));gap:.5em}"
    "figure{margin:0 0 .5em;min-width:0}figure svg{width:100%;height:auto;"
    "border:1px solid #eee;display:block}figcaption{font-size:.8em;"
    "color:#555}"
    ".findings{margin:.2em 0;padding-left:1.2em}.findings li{margin:.15em "
    "0;font-size:.92em}.muted{color:#666;font-size:.85em;margin:.2em 0}"
    ".good{color:#17612b;font-weight:600}.bad{color:#a3251b;font-weight:"
    "600}.warn{color:#8a5a00}"
    ".banner{background:#fff4d6;border:1px solid #e0b040;padding:.4em "
    ".8em;margin:.5em 0}.banner p{margin:.1em 0}.banner details{margin:"
    ".1em 0}.banner summary{font-weight:normal}.banner ul{margin:.2em 0;"
    "padding-left:1.4em;font-size:.9em}.banner details details{margin-left:"
    "1.2em}"
    "nav.toc{font-size:.9em;margin:.3em 0;display:flex;flex-wrap:wrap;"
    "column-gap:.8em}nav.toc a{white-space:nowrap}"
    ".scroll{overflow-x:auto;max-width:100%}"
    "details{margin:.5em 0}summary{cursor:pointer;font-weight:600}"
    "code{background:#f3f3f3;padding:0 .2em;overflow-wrap:anywhere}";

/* ---- what the file says about its own trustworthiness ------------------- */

/* Warnings of a file or of one row. */
struct trust {
    size_t imprecise;          /* rows whose precision was not reached */
    size_t disturbed_rows;     /* rows with disturbed repetitions */
    double disturbed;          /* disturbed repetitions in all */
};

/* What the whole file says against its own numbers: rows that missed
 * their precision or had disturbed repetitions. */
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
}

/* The workload a warning is about, or NULL for the whole run. */
static const char *warning_workload(const struct results_file *f,
                                    const struct results_warning *w)
{
    if (w->result < 0 || (size_t)w->result >= f->nrows)
        return NULL;
    return f->rows[w->result].workload;
}

static int same_group(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Warning kinds told apart in a group's visible line; more are rare and
 * counted as "other". */
#define REPORT_GROUP_KINDS 8
/* Warning kinds whose remedy the banner shows. */
#define REPORT_REMEDIES 16

/* One folded group: every warning of workload wl (NULL: the whole run),
 * its count and kinds in the line that stays visible. */
static void warning_group(struct strbuf *b, const struct results_file *f,
                          const char *wl)
{
    const char *kind[REPORT_GROUP_KINDS];
    size_t count[REPORT_GROUP_KINDS], nkinds = 0, other = 0, n = 0;
    for (size_t k = 0; k < f->nwarnings; k++) {
        const struct results_warning *w = &f->warnings[k];
        size_t j = 0;
        if (!same_group(warning_workload(f, w), wl))
            continue;
        n++;
        while (j < nkinds && strcmp(kind[j], w->kind) != 0)
            j++;
        if (j == nkinds && nkinds == REPORT_GROUP_KINDS) {
            other++;
            continue;
        }
        if (j == nkinds) {
            kind[nkinds] = w->kind;
            count[nkinds++] = 0;
        }
        count[j]++;
    }
    strbuf_printf(b, "<details class=\"warnings\"><summary>");
    report_html_text(b, wl != NULL ? wl : "the whole run");
    strbuf_printf(b, ": %zu warning%s (", n, n == 1 ? "" : "s");
    for (size_t j = 0; j < nkinds; j++) {
        strbuf_printf(b, "%s", j > 0 ? ", " : "");
        report_html_text(b, kind[j]);
        strbuf_printf(b, " %zu", count[j]);
    }
    if (other > 0)
        strbuf_printf(b, ", other %zu", other);
    strbuf_printf(b, ")</summary>\n<ul>");
    for (size_t k = 0; k < f->nwarnings; k++) {
        const struct results_warning *w = &f->warnings[k];
        if (!same_group(warning_workload(f, w), wl))
            continue;
        strbuf_printf(b, "<li><strong>");
        report_html_text(b, w->kind);
        strbuf_printf(b, ":</strong> ");
        report_html_text(b, w->message);
        if (w->remedy != NULL && w->remedy[0] != '\0') {
            strbuf_printf(b, " <em>Next:</em> ");
            report_html_text(b, w->remedy);
        }
        strbuf_printf(b, "</li>");
    }
    strbuf_printf(b, "</ul></details>\n");
}

/* The banner: the machine was busy, precision was not reached, or the
 * file carries warnings, with what to do. Every warning is in it, grouped
 * by workload and folded, so that a long list costs one line. Nothing
 * when the file says nothing. */
static void banner(struct strbuf *b, const struct results_file *f)
{
    struct trust t;
    trust_read(f, &t);
    if (t.imprecise == 0 && t.disturbed_rows == 0 && f->nwarnings == 0)
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
    /* What to do: the first remedy of each kind, visible (the rest are
     * with their warnings below). */
    const char *kinds[REPORT_REMEDIES];
    size_t nkinds = 0;
    for (size_t k = 0; k < f->nwarnings; k++) {
        const struct results_warning *w = &f->warnings[k];
        size_t q = 0;
        if (w->remedy == NULL || w->remedy[0] == '\0')
            continue;
        while (q < nkinds && strcmp(kinds[q], w->kind) != 0)
            q++;
        if (q < nkinds || nkinds == REPORT_REMEDIES)
            continue;
        kinds[nkinds++] = w->kind;
        strbuf_printf(b, "<p><em>Next (");
        report_html_text(b, w->kind);
        strbuf_printf(b, "):</em> ");
        report_html_text(b, w->remedy);
        strbuf_printf(b, "</p>");
    }
    if (f->nwarnings == 0) {
        strbuf_printf(b, "</div>\n");
        return;
    }
    /* Every warning, in one fold whose line counts them by workload, so
     * that the banner is as tall for 160 warnings as for 2; inside, a
     * fold per workload in order of first appearance (the whole run,
     * then the workloads as the file lists them). */
    strbuf_printf(b, "<details class=\"warnings-all\"><summary><strong>"
                  "%zu warning%s</strong> by workload:", f->nwarnings,
                  f->nwarnings == 1 ? "" : "s");
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < f->nwarnings; k++) {
            const char *wl = warning_workload(f, &f->warnings[k]);
            size_t j = 0, n = 0;
            while (j < k && !same_group(
                                warning_workload(f, &f->warnings[j]), wl))
                j++;
            if (j < k)
                continue;
            if (pass == 1) {
                warning_group(b, f, wl);
                continue;
            }
            for (size_t q = k; q < f->nwarnings; q++)
                n += same_group(warning_workload(f, &f->warnings[q]), wl);
            strbuf_printf(b, "%s ", k > 0 ? "," : "");
            report_html_text(b, wl != NULL ? wl : "the whole run");
            strbuf_printf(b, " %zu", n);
        }
        if (pass == 0)
            strbuf_printf(b, "</summary>\n");
    }
    strbuf_printf(b, "</details>\n");
    strbuf_printf(b, "</div>\n");
}

/* ---- one results file, understood --------------------------------------- */

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

/* ---- the charts' folder beside the page --------------------------------- */

/* The folder for the full-size charts of the page at path: PAGE-charts
 * (".html" dropped) beside it. Empty when the page is not a regular file
 * (a device: /dev/stdout), which gets no folder. */
static void charts_dir_name(const char *path, char *out, size_t len)
{
    struct stat st;
    size_t n = strlen(path);
    out[0] = '\0';
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return;
    if (n > 5 && strcmp(path + n - 5, ".html") == 0)
        n -= 5;
    snprintf(out, len, "%.*s-charts", (int)n, path);
}

/* Copy the charts of set from the drawing folder tmp into out (created
 * when missing, never through a symlink), each file atomically, and
 * remove the SVGs of an earlier page that this one no longer has.
 * Returns 0, or -1 with a message. */
static int charts_keep(const struct plot_set *set, const char *tmp,
                       const char *out, char *err, size_t err_len)
{
    struct stat st;
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "cannot create the charts folder %s: %s",
                 out, strerror(errno));
        return -1;
    }
    if (lstat(out, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s is not a folder (a symlink or a file); "
                 "remove it or give another -o FILE.html", out);
        return -1;
    }
    DIR *d = opendir(out);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name), c = 0;
        if (n < 5 || strcmp(e->d_name + n - 4, ".svg") != 0)
            continue;
        while (c < set->ncharts &&
               (strlen(set->charts[c].name) != n - 4 ||
                strncmp(set->charts[c].name, e->d_name, n - 4) != 0))
            c++;
        if (c == set->ncharts)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d != NULL)
        closedir(d);
    for (size_t c = 0; c < set->ncharts; c++) {
        char from[4400], to[4400], why[512];
        snprintf(from, sizeof(from), "%s/%s.svg", tmp, set->charts[c].name);
        snprintf(to, sizeof(to), "%s/%s.svg", out, set->charts[c].name);
        size_t len = 0;
        char *text = results_read_input(from, "chart", REPORT_SVG_MAX, &len,
                                        NULL, why, sizeof(why));
        if (text == NULL) {
            snprintf(err, err_len, "%s", why);
            return -1;
        }
        int rc = fs_write_atomic(to, text, len, err, err_len);
        free(text);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ---- the page ----------------------------------------------------------- */

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
        const struct results_file *rf = pf[f].f;
        strbuf_printf(b, "%s<code>", f ? "; " : " ");
        report_html_text(b, results_cited_path(rf));
        strbuf_printf(b, "</code> (");
        /* Read through latest.json: cite the file it copies, which
         * stays, and say which was read. */
        if (rf->output != NULL && strcmp(rf->output, rf->path) != 0) {
            strbuf_printf(b, "read as <code>");
            report_html_text(b, rf->path);
            strbuf_printf(b, "</code>; ");
        }
        strbuf_printf(b, "run ");
        report_html_text(b, rf->created);
        strbuf_printf(b, " on ");
        report_html_text(b, m->hostname != NULL ? m->hostname : "?");
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
            report_html_text(b, pf[f].workloads[w]);
            strbuf_printf(b, "</a>");
        }
    strbuf_printf(b, "<a href=\"#findings\">Across workloads</a>%s%s"
                  "<a href=\"#machine\">Machine</a><a href=\"#results\">"
                  "All results</a></nav>\n",
                  other_charts ? "<a href=\"#charts\">More charts</a>" : "",
                  "");
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
            report_html_cell(b, "h3", results_cited_path(pf[f].f));
        report_overview(b, &pf[f]);
    }
    for (size_t f = 0; f < npf; f++)
        for (size_t w = 0; w < pf[f].nworkloads && !pf[f].hyperfine; w++)
            if (report_workload_section(b, &pf[f], w, npf, set, used,
                                        dir, err, err_len) != 0)
                return -1;
    strbuf_printf(b, "<h2 id=\"findings\">Across workloads</h2>\n");
    size_t across = 0, workloads = 0, native = 0;
    for (size_t f = 0; f < npf; f++)
        if (!pf[f].hyperfine) {
            across += report_across(b, &pf[f]);
            workloads += pf[f].nworkloads;
            native++;
        }
    if (across == 0 && native > 0)
        strbuf_printf(b, "<p class=\"muted\">%s</p>\n", workloads < 2
                      ? "Nothing to compare: one workload was run."
                      : "No finding holds across the workloads.");
    report_python_section(b, pf, npf);
    for (size_t f = 0; f < npf; f++)
        if (!pf[f].hyperfine)
            seed_html(b, &pf[f].v);
    int other = 0;
    for (size_t c = 0; c < set->ncharts; c++) {
        if (used[c])
            continue;
        if (!other)
            strbuf_printf(b, "<h2 id=\"charts\">More charts</h2>\n"
                          "<div class=\"charts\">\n");
        other = 1;
        if (report_figure(b, dir, &set->charts[c], c, err, err_len) != 0)
            return -1;
    }
    if (other)
        strbuf_printf(b, "</div>\n");
    report_hyperfine_section(b, pf, npf);
    return 0;
}

int report_write(const struct results_file *files, size_t nfiles,
                 const char *path, char *err, size_t err_len)
{
    char tmpdir[4200], dir[4096], charts[4200];
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
                                .cmd = "report", .private_dir = 1 };
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
    /* The full-size charts beside the page, which links them; the page
     * still inlines them all (it stands alone without the folder). */
    charts_dir_name(path, charts, sizeof(charts));
    if (charts[0] != '\0' &&
        charts_keep(&set, tmpdir, charts, err, err_len) != 0)
        goto out;
    /* The body first: it tells which charts no section took. */
    if (page_body(&body, pf, npf, &set, used,
                  charts[0] != '\0' ? charts : tmpdir, err, err_len) != 0)
        goto out;
    for (size_t c = 0; c < set.ncharts; c++)
        other |= !used[c];
    page_head(&b, pf, npf, other);
    strbuf_append(&b, body.p != NULL ? body.p : "", body.len);
    strbuf_printf(&b, "<h2 id=\"machine\">Machine</h2>\n");
    report_machine_table(&b, files, nfiles);
    strbuf_printf(&b, "<h2 id=\"results\">All results</h2>\n");
    for (size_t f = 0; f < npf; f++)
        report_full_table(&b, &pf[f]);
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

