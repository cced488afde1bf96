/* plot.c - `poolbench plot`: charts from results files, drawn by gnuplot.
 *
 * The C side only decides what to draw and writes numbers: NAME.dat holds
 * the data (one gnuplot "index" block per series), NAME.gp holds the
 * variables (titles, labels, caption) followed by scripts/common.gp and
 * scripts/KIND.gp verbatim. Everything about looks lives in the templates.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "paths.h"
#include "plot_impl.h"
#include "results.h"
#include "stats.h"
#include "textesc.h"
#include "units.h"
#include "view.h"

#define PLOT_SUBTITLE_COLS 96 /* characters of one subtitle line */
#define PLOT_STDERR_MAX 4096 /* gnuplot stderr kept for a message */

/* ---- small helpers ------------------------------------------------------ */

/* Index of text in list[0..*n), appending it when absent and there is
 * room; -1 when full. */
int plot_intern(char (*list)[128], size_t *n, size_t max,
                const char *text)
{
    for (size_t k = 0; k < *n; k++)
        if (strcmp(list[k], text) == 0)
            return (int)k;
    if (*n == max)
        return -1;
    snprintf(list[*n], 128, "%s", text);
    return (int)(*n)++;
}

/* ---- what one set of charts is drawn from ------------------------------- */


/* Whether instance in belongs to src's part. */
static int src_has(const struct plot_src *s, const struct view_inst *in)
{
    return s->part == NULL || (in->machine == s->part->machine &&
                               in->run == s->part->run);
}

/* Row a of instance in when usable, else NULL. */
const struct view_row *plot_inst_row(const struct plot_src *s,
                                     const struct view_inst *in,
                                     size_t a)
{
    const struct view_row *vr = &s->v->rows[in->rows[a]];
    return vr->usable ? vr : NULL;
}

/* Whether bars, scaling and delivery draw row vr: with several chunk
 * sizes they keep to "auto" (the overhead chart shows the rest). */
int plot_main_row(const struct view_inst *in, const struct view_row *vr)
{
    return !(in->chunk_varies && in->has_auto) || vr->r->chunk_auto;
}


int plot_cmp_point(const void *a, const void *b)
{
    const struct point *p = a, *q = b;
    if (p->line != q->line)
        return p->line < q->line ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}
/* ---- running gnuplot ---------------------------------------------------- */


int plot_append_template(struct strbuf *b, const char *name, char *err,
                         size_t err_len)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s.gp", paths_scripts_dir(), name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "cannot read gnuplot template %s: "
                 "%s (set POOLBENCH_SCRIPTS_DIR?)", path, strerror(errno));
        return -1;
    }
    strbuf_printf(b, "\n# ---- from scripts/%s.gp ----\n", name);
    char line[1024];
    while (fgets(line, sizeof(line), f) != NULL)
        strbuf_printf(b, "%s", line);
    fclose(f);
    return 0;
}

/* Stop every chart still drawing. */
static void stop_drawing(struct render *rd)
{
    while (rd->ndrawing > 0) {
        struct plot_drawing *d = &rd->drawing[--rd->ndrawing];
        plot_gnuplot_kill(&d->job);
        free(d->notes.p);
    }
}

/* Wait for the oldest chart still drawing and check that gnuplot left
 * it whole. Returns 0, or -1 with a message in rd->err, the charts
 * after it stopped. */
static int finish_oldest(struct render *rd)
{
    struct plot_drawing d = rd->drawing[0];
    char where[4600], path[4400], to[4400];
    rd->ndrawing--;
    memmove(rd->drawing, rd->drawing + 1,
            rd->ndrawing * sizeof(*rd->drawing));
    snprintf(where, sizeof(where), "%s/%s.gp", rd->opt->dir, d.stem);
    int rc = plot_gnuplot_finish(&d.job, where, rd->err, rd->err_len);
    /* gnuplot exits 0 after a write that failed (a full disk): a chart
     * counts only when its files are whole. */
    for (size_t e = 0; rc == 0 && e < 2; e++) {
        const char *ext = e == 0 ? "svg" : "png";
        if (e == 1 && !rd->opt->png)
            continue;
        snprintf(path, sizeof(path), "%s/%s.%s", rd->work, d.stem, ext);
        snprintf(to, sizeof(to), "%s/%s.%s", rd->opt->dir, d.stem, ext);
        rc = plot_output_check(path, to, rd->err, rd->err_len);
    }
    if (rc == 0 && d.notes.len > 0)
        fputs(d.notes.p, stderr);
    free(d.notes.p);
    if (rc != 0)
        stop_drawing(rd);
    return rc;
}

/* Wait for every chart still drawing. With failed set (a later step
 * failed, its message in rd->err), a failure of one of them is the one
 * reported, as when charts were drawn one after another. Returns 0, or
 * -1 with a message in rd->err. */
static int finish_drawing(struct render *rd, int failed)
{
    char *later = failed ? strdup(rd->err) : NULL;
    int rc = 0;
    while (rc == 0 && rd->ndrawing > 0)
        rc = finish_oldest(rd);
    if (rc == 0 && later != NULL)
        snprintf(rd->err, rd->err_len, "%s", later);
    free(later);
    return rc == 0 && !failed ? 0 : -1;
}

/* Start gnuplot on stem.gp inside the private work folder, after the
 * oldest chart when PLOT_JOBS are drawing. posix_spawn, not fork:
 * forking a process that holds a large results file copies its page
 * tables for every chart. */
static int start_gnuplot(struct render *rd, const char *stem)
{
    char script[256];
    if (rd->ndrawing == PLOT_JOBS && finish_oldest(rd) != 0)
        return -1;
    struct plot_drawing *d = &rd->drawing[rd->ndrawing];
    memset(d, 0, sizeof(*d));
    snprintf(script, sizeof(script), "%s.gp", stem);
    snprintf(d->stem, sizeof(d->stem), "%s", stem);
    if (plot_gnuplot_start(rd->gnuplot, rd->work, script, NULL, &d->job,
                           rd->err, rd->err_len) != 0)
        return -1;
    rd->ndrawing++;
    return 0;
}

void plot_note(struct render *rd, const char *fmt, ...)
{
    rd->set->skipped++;
    if (!rd->opt->notes)
        return;
    char text[1024], safe[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* The labels come from the file: no terminal escape gets through. */
    const char *cmd = rd->opt->cmd != NULL ? rd->opt->cmd : "plot";
    textesc_ctl(text, safe, sizeof(safe));
    if (rd->ndrawing > 0)
        strbuf_printf(&rd->drawing[rd->ndrawing - 1].notes,
                      "poolbench %s: skipped %s\n", cmd, safe);
    else
        fprintf(stderr, "poolbench %s: skipped %s\n", cmd, safe);
}

/* chart_subtitle (the parameters, broken after a comma into lines of at
 * most PLOT_SUBTITLE_COLS, at most 3 lines) and subtitle_lines. Each line
 * is its own single-quoted literal, joined by our own "\n". */
static void buf_subtitle(struct strbuf *b, const char *text)
{
    size_t len = text != NULL ? strlen(text) : 0, lines = 0;
    strbuf_printf(b, "chart_subtitle = ");
    for (size_t at = 0; at < len && lines < 3; lines++) {
        size_t n = len - at, cut;
        char part[PLOT_SUBTITLE_COLS + 8];
        if (n > PLOT_SUBTITLE_COLS) {
            n = PLOT_SUBTITLE_COLS;
            for (cut = n; cut > 0 && text[at + cut - 1] != ','; cut--)
                ;
            if (cut > PLOT_SUBTITLE_COLS / 3)
                n = cut;
        }
        snprintf(part, sizeof(part), "%.*s%s", (int)n, text + at,
                 lines == 2 && at + n < len ? "..." : "");
        if (lines > 0)
            strbuf_printf(b, " . \"\\n\" . ");
        plot_gp_literal(b, part);
        at += n;
    }
    if (lines == 0)
        plot_gp_literal(b, "");
    strbuf_printf(b, "\nsubtitle_lines = %zu\n", lines);
}

/* Write stem.dat and stem.gp (header + common + kind), run gnuplot and
 * record the chart. */
int plot_emit(struct render *rd, const char *stem_in,
              const char *title, const char *subtitle,
              struct strbuf *head, struct strbuf *dat)
{
    const char *kind = rd->kind;
    char stem[128], path[4400];
    snprintf(stem, sizeof(stem), "%s", stem_in);
    /* Two instances may slug alike: keep every name unique. */
    for (int k = 2; k < 1000; k++) {
        int taken = 0;
        for (size_t c = 0; c < rd->set->ncharts; c++)
            if (strcmp(rd->set->charts[c].name, stem) == 0)
                taken = 1;
        if (!taken)
            break;
        snprintf(stem, sizeof(stem), "%.100s-%d", stem_in, k);
    }
    struct strbuf gp = { 0 };
    strbuf_printf(&gp, "# %s.gp - drawn by `poolbench plot` from scripts/"
                    "common.gp and\n# scripts/%s.gp. Restyle freely, then "
                    "redraw with: gnuplot %s.gp\n", stem, kind, stem);
    /* Every string below is a single-quoted literal (see
     * plot_gp_literal): text from a results file is never code. */
    plot_buf_gp_var(&gp, "out", stem);
    snprintf(path, sizeof(path), "%s.dat", stem);
    plot_buf_gp_var(&gp, "datafile", path);
    strbuf_printf(&gp, "png = %d\nwidth = %d\nheight = %d\n",
                    rd->opt->png ? 1 : 0, PLOT_WIDTH, PLOT_HEIGHT);
    plot_buf_gp_var(&gp, "chart_title", title);
    buf_subtitle(&gp, subtitle);
    strbuf_printf(&gp, "%s", head->p != NULL ? head->p : "");
    if (plot_append_template(&gp, "common", rd->err, rd->err_len) != 0 ||
        plot_append_template(&gp, kind, rd->err, rd->err_len) != 0) {
        free(gp.p);
        return -1;
    }
    if (gp.oom || dat->oom) {
        free(gp.p);
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    /* Everything is made in the private folder, then renamed into the
     * output folder: a symlink planted at NAME.svg is replaced, never
     * written through. */
    snprintf(path, sizeof(path), "%s/%s.dat", rd->work, stem);
    int rc = fs_write_new(path, dat->p != NULL ? dat->p : "", dat->len,
                          rd->err, rd->err_len);
    snprintf(path, sizeof(path), "%s/%s.gp", rd->work, stem);
    if (rc == 0)
        rc = fs_write_new(path, gp.p, gp.len, rd->err, rd->err_len);
    free(gp.p);
    if (rc == 0)
        rc = start_gnuplot(rd, stem);
    if (rc != 0)
        return -1;
    struct plot_chart *grown = realloc(rd->set->charts,
                                       (rd->set->ncharts + 1) *
                                       sizeof(*grown));
    if (grown == NULL) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    rd->set->charts = grown;
    struct plot_chart *c = &grown[rd->set->ncharts++];
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", stem);
    snprintf(c->kind, sizeof(c->kind), "%s", kind);
    snprintf(c->title, sizeof(c->title), "%.200s%s%.50s%s", title,
             subtitle != NULL && subtitle[0] ? " (" : "",
             subtitle != NULL ? subtitle : "",
             subtitle != NULL && subtitle[0] ? ")" : "");
    return 0;
}

/* Move every chart's files from the private folder into the output
 * folder, only once all were drawn: a failed plot leaves no chart of its
 * own behind (those it had moved are removed again), never half a set. A
 * symlink planted at NAME.svg is replaced, never written through. */
static int settle_charts(struct render *rd)
{
    static const char *const exts[] = { "dat", "gp", "svg", "png" };
    const size_t next = sizeof(exts) / sizeof(exts[0]);
    size_t moved = 0, total = rd->set->ncharts * next;
    char from[4400], to[4400];
    for (; moved < total; moved++) {
        const char *stem = rd->set->charts[moved / next].name;
        const char *ext = exts[moved % next];
        if (!rd->opt->png && strcmp(ext, "png") == 0)
            continue;
        snprintf(from, sizeof(from), "%s/%s.%s", rd->work, stem, ext);
        snprintf(to, sizeof(to), "%s/%s.%s", rd->opt->dir, stem, ext);
        if (rename(from, to) != 0) {
            snprintf(rd->err, rd->err_len, "cannot write %s: %s", to,
                     strerror(errno));
            break;
        }
    }
    if (moved == total)
        return 0;
    while (moved-- > 0) {
        if (!rd->opt->png && strcmp(exts[moved % next], "png") == 0)
            continue;
        snprintf(to, sizeof(to), "%s/%s.%s", rd->opt->dir,
                 rd->set->charts[moved / next].name, exts[moved % next]);
        unlink(to);
    }
    return -1;
}

void plot_stem_of(const struct plot_src *s, const char *kind,
                  const char *label, char *buf, size_t len)
{
    char sl[96];
    textesc_slug(label, sl, sizeof(sl));
    snprintf(buf, len, "%.24s%.10s-%.80s", s->prefix, kind, sl);
}

/* The instance's baseline row (its fastest serial row), or NULL. */
const struct view_row *plot_inst_base(const struct plot_src *s,
                                      const struct view_inst *in)
{
    return in->baseline >= 0 ? &s->v->rows[in->baseline] : NULL;
}

/* serial_y (the baseline in the chart's unit, -1: none) and serial_text,
 * the reference line bars and overhead draw. */
void plot_head_serial(struct strbuf *head, const struct view_row *base,
                      double value_s, double scale, const char *what)
{
    char t[32], text[96];
    units_format_time(value_s, t, sizeof(t));
    snprintf(text, sizeof(text), "fastest serial: %s%s", t, what);
    strbuf_printf(head, "serial_y = %.9g\n",
                  base != NULL && value_s > 0 ? value_s * scale : -1.0);
    plot_buf_gp_var(head, "serial_text", base != NULL ? text : "");
}

/* ---- the whole render --------------------------------------------------- */

static int mkdir_p(const char *dir, char *err, size_t err_len)
{
    char tmp[4096];
    struct stat st;
    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (char *s = tmp + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            snprintf(err, err_len, "cannot create folder %s: %s", tmp,
                     strerror(errno));
            return -1;
        }
        *s = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "cannot create folder %s: %s", tmp,
                 strerror(errno));
        return -1;
    }
    if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s is not a folder", tmp);
        return -1;
    }
    if (access(tmp, W_OK) != 0) {
        snprintf(err, err_len, "folder %s is not writable: %s", tmp,
                 strerror(errno));
        return -1;
    }
    return 0;
}


/* The caption under every chart of s: machine, build, the run's time and
 * the file it was written to (not latest.json, which the next run
 * overwrites). */
static void src_caption(struct plot_src *s, const struct results_file *f)
{
    const struct results_machine *m =
        &f->machines[s->part != NULL ? s->part->machine : 0];
    const char *cited = results_cited_path(f);
    s->cpus = m->cpus_usable;
    s->host = m->hostname ? m->hostname : "?";
    if (s->part != NULL && s->part->run >= 0)
        snprintf(s->name, sizeof(s->name), "%.400s [%.60s, run %ld]",
                 cited, s->host, s->part->run + 1);
    else if (s->part != NULL)
        snprintf(s->name, sizeof(s->name), "%.400s [%.100s]", cited,
                 s->host);
    else
        snprintf(s->name, sizeof(s->name), "%s", cited);
    snprintf(s->caption, sizeof(s->caption),
             "%.60s | %.60s | %ld CPUs online | poolbench %.20s %.16s | "
             "run %.30s | %.120s", s->host,
             m->cpu_model ? m->cpu_model : "unknown CPU", m->cpus_online,
             m->version ? m->version : "?",
             m->git_commit ? m->git_commit : "", f->created, s->name);
}

/* One source per file, or per machine and run of a merged file, into
 * srcs (room for every part); returns the count. */
static size_t make_srcs(const struct results_file *files,
                        const struct results_view *views, size_t nfiles,
                        struct plot_src *srcs)
{
    size_t n = 0;
    for (size_t f = 0; f < nfiles; f++) {
        size_t np = views[f].nparts;
        for (size_t q = 0; q < np; q++) {
            struct plot_src *s = &srcs[n];
            s->v = &views[f];
            s->part = np > 1 ? &views[f].parts[q] : NULL;
            if (n > 0 && np > 1)
                snprintf(s->prefix, sizeof(s->prefix), "f%up%u-",
                         (unsigned)(f + 1) % 10000,
                         (unsigned)(q + 1) % 10000);
            else if (n > 0)
                snprintf(s->prefix, sizeof(s->prefix), "f%u-",
                         (unsigned)(f + 1) % 10000);
            src_caption(s, &files[f]);
            n++;
        }
    }
    return n;
}

/* Every per-instance chart of s. */
static int draw_src(struct render *rd, const struct plot_src *s)
{
    size_t drawn = 0, more = 0;
    for (size_t i = 0; i < s->v->ninsts; i++) {
        const struct view_inst *in = &s->v->insts[i];
        size_t usable = 0;
        if (!src_has(s, in))
            continue;
        for (size_t a = 0; a < in->nrows && usable == 0; a++)
            usable += plot_inst_row(s, in, a) != NULL;
        if (usable == 0)
            continue;
        if (drawn == PLOT_MAX_INSTANCES) {
            more++;
            continue;
        }
        drawn++;
        for (size_t k = 0; k < plot_nkinds; k++) {
            if (plot_kinds[k].inst == NULL)
                continue;
            rd->kind = plot_kinds[k].name;
            if (plot_kinds[k].inst(rd, s, in) != 0)
                return -1;
        }
    }
    if (drawn == 0)
        plot_note(rd, "%s: no successful result to draw", s->name);
    if (more > 0)
        plot_note(rd, "the charts of %zu more instances of %s: only the "
                  "first %d are drawn (every row: poolbench show)", more,
                  s->name, PLOT_MAX_INSTANCES);
    return 0;
}

int plot_render(const struct results_file *files, size_t nfiles,
                const struct plot_options *opt, struct plot_set *out,
                char *err, size_t err_len)
{
    struct render rd = { .opt = opt, .set = out, .err = err,
                         .err_len = err_len };
    struct results_view *views = NULL;
    struct plot_src *srcs = NULL;
    size_t nviews = 0, nsrcs = 0, total = 0;
    char work[4200];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (plot_find_gnuplot(rd.gnuplot, sizeof(rd.gnuplot), err,
                          err_len) != 0)
        return -1;
    if (mkdir_p(opt->dir, err, err_len) != 0)
        return -1;
    rd.work = opt->dir;
    if (!opt->private_dir) {
        if (fs_private_dir(opt->dir, "plot", work, sizeof(work), err,
                           err_len) != 0)
            return -1;
        rd.work = work;
    }
    views = calloc(nfiles + 1, sizeof(*views));
    if (views == NULL) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    for (; nviews < nfiles; nviews++) {
        if (view_build(&files[nviews], &views[nviews], err, err_len) != 0)
            goto out;
        total += views[nviews].nparts;
    }
    srcs = calloc(total + 1, sizeof(*srcs));
    if (srcs == NULL) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    nsrcs = make_srcs(files, views, nfiles, srcs);
    for (size_t k = 0; k < nsrcs; k++)
        if (draw_src(&rd, &srcs[k]) != 0)
            goto out;
    for (size_t k = 0; k < plot_nkinds; k++) {
        if (plot_kinds[k].across == NULL)
            continue;
        rd.kind = plot_kinds[k].name;
        if (plot_kinds[k].across(&rd, srcs, nsrcs) != 0)
            goto out;
    }
    if (finish_drawing(&rd, 0) != 0)
        goto out;
    if (!opt->private_dir && settle_charts(&rd) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        finish_drawing(&rd, 1);
    for (size_t f = 0; f < nviews; f++)
        view_free(&views[f]);
    free(views);
    free(srcs);
    if (!opt->private_dir)
        fs_private_dir_remove(work);
    if (rc != 0)
        plot_set_free(out);
    return rc;
}

void plot_set_free(struct plot_set *set)
{
    free(set->charts);
    memset(set, 0, sizeof(*set));
}

