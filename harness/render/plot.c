/* plot.c - `poolbench plot`: charts from results files, drawn by gnuplot.
 *
 * The C side only decides what to draw and writes numbers: NAME.dat holds
 * the data (one gnuplot "index" block per series), NAME.gp holds the
 * variables (titles, labels, caption) followed by scripts/common.gp and
 * scripts/KIND.gp verbatim. Everything about looks lives in the templates.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "exit.h"
#include "fs.h"
#include "paths.h"
#include "plot.h"
#include "results.h"
#include "show.h"
#include "stats.h"
#include "textesc.h"
#include "units.h"
#include "view.h"

#define PLOT_MAX_GROUPS 48   /* bars or lines in one chart */
#define PLOT_MAX_SERIES 16   /* worker counts, chunk sizes, files */
#define PLOT_SUBTITLE_COLS 96 /* characters of one subtitle line */
#define PLOT_STDERR_MAX 4096 /* gnuplot stderr kept for a message */

extern char **environ;

/* text as printable UTF-8 on one line: a control character (newline,
 * ESC, ...) becomes a space, a byte that is not UTF-8 '?', and each quote
 * is doubled when quote is set. */
static void buf_plain(struct strbuf *b, const char *text, int quote)
{
    for (const char *s = text; *s != '\0';) {
        size_t n = textesc_char_len(s);
        if (n == 0)
            strbuf_append(b, (unsigned char)*s < 0x20 ||
                            (unsigned char)*s == 0x7f ? " " : "?", 1);
        else if (quote && *s == '\'')
            strbuf_append(b, "''", 2);
        else
            strbuf_append(b, s, n);
        s += n ? n : 1;
    }
}

void plot_gp_literal(struct strbuf *b, const char *text)
{
    /* In single quotes gnuplot expands nothing: no `command`, no @macro,
     * no backslash escape; '' is the only sequence it reads specially. */
    strbuf_append(b, "'", 1);
    buf_plain(b, text, 1);
    strbuf_append(b, "'", 1);
}

/* "# text" on one line of a .dat file: no newline can end the comment
 * and start a data line. */
static void buf_dat_comment(struct strbuf *b, const char *text)
{
    strbuf_append(b, "# ", 2);
    buf_plain(b, text, 0);
    strbuf_append(b, "\n", 1);
}

static void buf_gp_string(struct strbuf *b, const char *text)
{
    plot_gp_literal(b, text);
}

static void buf_gp_var(struct strbuf *b, const char *name, const char *text)
{
    strbuf_printf(b, "%s = ", name);
    buf_gp_string(b, text);
    strbuf_printf(b, "\n");
}

static void buf_gp_array(struct strbuf *b, const char *name,
                         char (*items)[128], size_t n)
{
    strbuf_printf(b, "array %s[%zu] = [", name, n);
    for (size_t k = 0; k < n; k++) {
        strbuf_printf(b, "%s", k ? ", " : "");
        buf_gp_string(b, items[k]);
    }
    strbuf_printf(b, "]\n");
}

/* ---- small helpers ------------------------------------------------------ */

/* Kept for report.c until it reads units.h and view.h itself. */
/* Seconds-to-display scale for values up to max_s: the axis then reads
 * in one unit with at most three integer digits. */
static void time_unit(double max_s, double *scale, const char **unit)
{
    if (max_s >= 1) {
        *scale = 1;
        *unit = "s";
    } else if (max_s >= 1e-3) {
        *scale = 1e3;
        *unit = "ms";
    } else if (max_s >= 1e-6) {
        *scale = 1e6;
        *unit = "us";
    } else {
        *scale = 1e9;
        *unit = "ns";
    }
}

/* text as a file-name part: [a-z0-9] kept, runs of anything else '-'. */
static void slug(const char *text, char *buf, size_t len)
{
    size_t n = 0;
    int dash = 0;
    for (const char *s = text; *s != '\0' && n + 2 < len; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
            if (dash && n > 0)
                buf[n++] = '-';
            dash = 0;
            buf[n++] = c;
        } else {
            dash = 1;
        }
    }
    buf[n] = '\0';
}

/* Index of text in list[0..*n), appending it when absent and there is
 * room; -1 when full. */
static int intern(char (*list)[128], size_t *n, size_t max,
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

/* One file, or one machine and run of a merged file. Every number comes
 * from its results_view; this adds only names for the charts. */
struct plot_src {
    const struct results_view *v;
    const struct view_part *part; /* NULL: every row of the file */
    char prefix[24];      /* stem prefix: "" for the first, "f2-" ... */
    char name[512];       /* the file, and machine of a merged file */
    const char *host;     /* the machine's hostname, or "?" */
    char caption[512];
    long cpus;
};

/* Whether instance in belongs to src's part. */
static int src_has(const struct plot_src *s, const struct view_inst *in)
{
    return s->part == NULL || (in->machine == s->part->machine &&
                               in->run == s->part->run);
}

/* Row a of instance in when usable, else NULL. */
static const struct view_row *inst_row(const struct plot_src *s,
                                       const struct view_inst *in,
                                       size_t a)
{
    const struct view_row *vr = &s->v->rows[in->rows[a]];
    return vr->usable ? vr : NULL;
}

/* Whether bars, scaling and delivery draw row vr: with several chunk
 * sizes they keep to "auto" (the overhead chart shows the rest). */
static int main_row(const struct view_inst *in, const struct view_row *vr)
{
    return !(in->chunk_varies && in->has_auto) || vr->r->chunk_auto;
}

/* Rows of a chart in drawing order: by line, then x, then file order. */
struct point {
    int line;             /* index into the chart's line names */
    double x;
    size_t order;         /* file order, to keep the first of equals */
    const struct view_row *vr;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *p = a, *q = b;
    if (p->line != q->line)
        return p->line < q->line ? -1 : 1;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}
/* ---- running gnuplot ---------------------------------------------------- */

struct render {
    const struct plot_options *opt;
    const char *work;     /* private folder gnuplot draws in */
    struct plot_set *set;
    char gnuplot[4096];
    const char *scripts;
    const char *kind;     /* the kind being drawn: plot_kinds[k].name */
    char *err;
    size_t err_len;
};

const char *plot_scripts_dir(void)
{
    return paths_scripts_dir();
}

int plot_find_gnuplot(char *path, size_t path_len, char *err,
                      size_t err_len)
{
    const char *env = getenv("POOLBENCH_GNUPLOT");
    if (env != NULL && env[0] != '\0') {
        if (access(env, X_OK) == 0) {
            snprintf(path, path_len, "%s", env);
            return 0;
        }
        snprintf(err, err_len, "POOLBENCH_GNUPLOT=%s is not an executable "
                 "file", env);
        return -1;
    }
    const char *paths = getenv("PATH");
    char copy[8192];
    snprintf(copy, sizeof(copy), "%s",
             paths != NULL ? paths : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
        snprintf(path, path_len, "%s/gnuplot", d);
        if (access(path, X_OK) == 0)
            return 0;
    }
    snprintf(err, err_len, "gnuplot not found on PATH; install it "
             "(Debian: apt-get install gnuplot-nox) or set "
             "POOLBENCH_GNUPLOT");
    return -1;
}


static int append_template(struct render *rd, struct strbuf *b,
                           const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s.gp", rd->scripts, name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(rd->err, rd->err_len, "cannot read gnuplot template %s: "
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

/* Run gnuplot on stem.gp inside the private work folder. posix_spawn,
 * not fork: forking a process that holds a large results file copies its
 * page tables for every chart. */
static int run_gnuplot(struct render *rd, const char *stem)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(rd->err, rd->err_len, "pipe: %s", strerror(errno));
        return -1;
    }
    char script[256];
    snprintf(script, sizeof(script), "%s.gp", stem);
    posix_spawn_file_actions_t fa;
    pid_t pid;
    char *args[] = { "gnuplot", script, NULL };
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclose(&fa, fds[0]);
    if (rc == 0)
        rc = posix_spawn_file_actions_addclose(&fa, fds[1]);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
                                              0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addchdir_np(&fa, rd->work);
    if (rc == 0)
        rc = posix_spawn(&pid, rd->gnuplot, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        snprintf(rd->err, rd->err_len, "cannot run %s: %s", rd->gnuplot,
                 strerror(rc));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    fs_track_child(pid);
    close(fds[1]);
    char out[PLOT_STDERR_MAX];
    size_t got = 0;
    for (;;) {
        char tmp[1024];
        ssize_t n = read(fds[0], tmp, sizeof(tmp));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n < sizeof(out) - 1 - got
                          ? (size_t)n : sizeof(out) - 1 - got;
        memcpy(out + got, tmp, take);
        got += take;
    }
    out[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    fs_track_child(0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    /* gnuplot names the script line and the problem on its last line. */
    char *last = out;
    for (char *s = out; *s != '\0'; s++)
        if (*s == '\n' && s[1] != '\0' && s[1] != '\n')
            last = s + 1;
    last[strcspn(last, "\n")] = '\0';
    snprintf(rd->err, rd->err_len, "gnuplot failed on %s/%s (%s %d)%s%s",
             rd->opt->dir, script, WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
             last[0] ? ": " : "", last);
    return -1;
}

static void note(struct render *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A chart the data cannot support: say so, not an error. */
static void note(struct render *rd, const char *fmt, ...)
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
    fprintf(stderr, "poolbench plot: skipped %s\n",
            textesc_ctl(text, safe, sizeof(safe)));
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
static int emit(struct render *rd, const char *stem_in,
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
    buf_gp_var(&gp, "out", stem);
    snprintf(path, sizeof(path), "%s.dat", stem);
    buf_gp_var(&gp, "datafile", path);
    strbuf_printf(&gp, "png = %d\nwidth = %d\nheight = %d\n",
                    rd->opt->png ? 1 : 0, PLOT_WIDTH, PLOT_HEIGHT);
    buf_gp_var(&gp, "chart_title", title);
    buf_subtitle(&gp, subtitle);
    strbuf_printf(&gp, "%s", head->p != NULL ? head->p : "");
    if (append_template(rd, &gp, "common") != 0 ||
        append_template(rd, &gp, kind) != 0) {
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
        rc = run_gnuplot(rd, stem);
    static const char *const exts[] = { "dat", "gp", "svg", "png" };
    for (size_t e = 0; rc == 0 && rd->work != rd->opt->dir &&
                       e < sizeof(exts) / sizeof(exts[0]); e++) {
        char to[4400];
        if (!rd->opt->png && strcmp(exts[e], "png") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s.%s", rd->work, stem, exts[e]);
        snprintf(to, sizeof(to), "%s/%s.%s", rd->opt->dir, stem, exts[e]);
        if (rename(path, to) != 0) {
            snprintf(rd->err, rd->err_len, "cannot write %s: %s", to,
                     strerror(errno));
            rc = -1;
        }
    }
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

static void stem_of(const struct plot_src *s, const char *kind,
                    const char *label, char *buf, size_t len)
{
    char sl[96];
    slug(label, sl, sizeof(sl));
    snprintf(buf, len, "%.24s%.10s-%.80s", s->prefix, kind, sl);
}

/* The instance's baseline row (its fastest serial row), or NULL. */
static const struct view_row *inst_base(const struct plot_src *s,
                                        const struct view_inst *in)
{
    return in->baseline >= 0 ? &s->v->rows[in->baseline] : NULL;
}

/* serial_y (the baseline in the chart's unit, -1: none) and serial_text,
 * the reference line bars and overhead draw. */
static void head_serial(struct strbuf *head, const struct view_row *base,
                        double value_s, double scale, const char *what)
{
    char t[32], text[96];
    units_format_time(value_s, t, sizeof(t));
    snprintf(text, sizeof(text), "fastest serial: %s%s", t, what);
    strbuf_printf(head, "serial_y = %.9g\n",
                  base != NULL && value_s > 0 ? value_s * scale : -1.0);
    buf_gp_var(head, "serial_text", base != NULL ? text : "");
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
        const struct view_row *vr = inst_row(s, in, a);
        if (vr == NULL || !main_row(in, vr))
            continue;
        view_variant_label(s->v, vr, 1, g, sizeof(g));
        intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
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
    time_unit(maxv, &scale, &unit);
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# x  median_%s  ci95_low_%s  ci95_high_%s  "
                  "(one block per worker count)\n", unit, unit, unit);
    for (size_t w = 0; w < nw; w++) {
        snprintf(titles[w], 128, "%u worker%s", workers[w],
                 workers[w] == 1 ? "" : "s");
        strbuf_printf(&dat, "# %u workers\n", workers[w]);
        for (size_t a = 0; a < in->nrows; a++) {
            const struct view_row *vr = inst_row(s, in, a);
            if (vr == NULL || vr->r->workers != workers[w] ||
                !main_row(in, vr))
                continue;
            view_variant_label(s->v, vr, 1, g, sizeof(g));
            int gi = intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
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
    buf_gp_array(&head, "titles", titles, nw);
    const struct view_row *base = inst_base(s, in);
    head_serial(&head, base, base != NULL ? base->wall.median : NAN, scale,
                "");
    char ylabel[64];
    snprintf(ylabel, sizeof(ylabel), "median wall time (%s)", unit);
    buf_gp_var(&head, "ylabel_text", ylabel);
    buf_gp_var(&head, "xlabel_text", "executor");
    buf_gp_var(&head, "caption", s->caption);
    strbuf_printf(&head, "set xtics (");
    for (size_t k = 0; k < ngroups; k++) {
        strbuf_printf(&head, "%s", k ? ", " : "");
        plot_gp_literal(&head, groups[k]);
        strbuf_printf(&head, " %g", (double)k * ((double)nw + 1) +
                      ((double)nw - 1) / 2);
    }
    strbuf_printf(&head, ")\nset xrange [-1:%g]\n",
                  (double)ngroups * ((double)nw + 1) - 1);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: median wall time, 95%% CI",
             in->workload);
    stem_of(s, "bars", in->label, stem, sizeof(stem));
    int rc = emit(rd, stem, title, in->params, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- scaling: speedup vs workers ---------------------------------------- */

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
            buf_dat_comment(dat, lines[pts[k].line]);
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

static int chart_scaling(struct render *rd, const struct plot_src *s,
                         const struct view_inst *in)
{
    const struct view_row *base = inst_base(s, in);
    if (base == NULL) {
        note(rd, "scaling for %s: no serial run to compare with (add -e "
             "serial)", in->label);
        return 0;
    }
    char lines[PLOT_MAX_GROUPS][128], l[128];
    size_t nlines = 0, n = 0;
    unsigned maxw = 1;
    struct point *pts = calloc(in->nrows + 1, sizeof(*pts));
    if (pts == NULL) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = inst_row(s, in, a);
        if (vr == NULL || view_is_baseline(vr->r) || !main_row(in, vr) ||
            !isfinite(vr->speedup))
            continue;
        view_variant_label(s->v, vr, 1, l, sizeof(l));
        int li = intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li < 0)
            continue;
        pts[n++] = (struct point){ li, vr->r->workers, a, vr };
        if (vr->r->workers > maxw)
            maxw = vr->r->workers;
    }
    qsort(pts, n, sizeof(*pts), cmp_point);
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
        note(rd, "scaling for %s: needs one executor at two or more worker "
             "counts (e.g. -j 1,2,4)", in->label);
        return 0;
    }
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    buf_gp_array(&head, "titles", lines, nlines);
    strbuf_printf(&head, "cpus = %ld\nmaxw = %u\n", s->cpus, maxw);
    buf_gp_var(&head, "ylabel_text", "speedup vs fastest serial (x, higher "
               "is better)");
    /* The CPU count in the axis label, not on the plot: it never
     * covers a line there. */
    char xlabel[96];
    snprintf(xlabel, sizeof(xlabel), "workers (dotted line: %ld online "
             "CPU%s)", s->cpus, s->cpus == 1 ? "" : "s");
    buf_gp_var(&head, "xlabel_text", xlabel);
    buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: speedup vs workers, 95%% CI",
             in->workload);
    stem_of(s, "scaling", in->label, stem, sizeof(stem));
    int rc = emit(rd, stem, title, in->params, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- delivery: completion timeline ordered vs unordered ----------------- */

/* Order of delivery partners: executor, transport, workers, chunk. */
static int cmp_partner(const struct view_row *p, const struct view_row *q)
{
    int c = strcmp(p->r->executor, q->r->executor);
    if (c == 0)
        c = strcmp(p->r->transport, q->r->transport);
    if (c == 0 && p->r->workers != q->r->workers)
        c = p->r->workers < q->r->workers ? -1 : 1;
    if (c == 0 && p->r->chunk != q->r->chunk)
        c = p->r->chunk < q->r->chunk ? -1 : 1;
    return c;
}

static int cmp_partner_order(const void *a, const void *b)
{
    const struct view_row *p = *(const struct view_row *const *)a;
    const struct view_row *q = *(const struct view_row *const *)b;
    int c = cmp_partner(p, q);
    return c != 0 ? c : (p > q) - (p < q);
}

/* The first unordered row of un[0..nun) (sorted) partnering p, or NULL. */
static const struct view_row *partner(const struct view_row **un,
                                      size_t nun, const struct view_row *p)
{
    size_t lo = 0, hi = nun;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_partner(un[mid], p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nun && cmp_partner(un[lo], p) == 0 ? un[lo] : NULL;
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
        const struct view_row *vr = inst_row(s, in, a);
        if (vr != NULL && strcmp(vr->r->mode, "unordered") == 0 &&
            vr->r->ntimeline >= 2)
            un[nun++] = vr;
    }
    qsort(un, nun, sizeof(*un), cmp_partner_order);
    for (int pass = 0; pass < 2; pass++)
        for (size_t a = 0; a < in->nrows; a++) {
            const struct view_row *p = inst_row(s, in, a), *q;
            if (p == NULL || view_is_baseline(p->r) ||
                strcmp(p->r->mode, "ordered") != 0 ||
                p->r->ntimeline < 2 || !main_row(in, p))
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
        note(rd, "delivery for %s: needs a parallel executor run in both "
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
    time_unit(maxt, &scale, &unit);
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
        snprintf(titles[k], 128, "%.60s %s: first result %s", lab,
                 strcmp(r->mode, "ordered") == 0 ? "ordered (map)"
                                                  : "unordered", ft);
        strbuf_printf(&head, "%s%zu", k ? ", " : "", k / 2 + 1);
        buf_dat_comment(&dat, titles[k]);
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
        buf_dat_comment(&dat, titles[k]);
        strbuf_printf(&dat, "%.9g %llu\n\n\n",
                      isfinite(t) ? t * scale : 0, (unsigned long long)y);
    }
    strbuf_printf(&head, "nlines = %zu\nmaxdone = %llu\n", npick,
                  (unsigned long long)maxdone);
    buf_gp_array(&head, "titles", titles, npick);
    char xlabel[64];
    snprintf(xlabel, sizeof(xlabel), "time since first dispatch (%s)",
             unit);
    buf_gp_var(&head, "xlabel_text", xlabel);
    buf_gp_var(&head, "ylabel_text", "tasks delivered to the consumer");
    buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: delivery at %u workers, ordered "
             "(map) vs unordered", in->workload, pick[0]->r->workers);
    stem_of(s, "delivery", in->label, stem, sizeof(stem));
    int rc = emit(rd, stem, title, in->params, &head, &dat);
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
        const struct view_row *p = inst_row(s, in, a);
        if (!overhead_row(in, p))
            continue;
        for (size_t b = 0; b < a; b++) {
            const struct view_row *q = inst_row(s, in, b);
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

static int chart_overhead(struct render *rd, const struct plot_src *s,
                          const struct view_inst *in)
{
    unsigned w = in->chunk_varies ? overhead_workers(s, in) : 0;
    if (w == 0) {
        note(rd, "overhead for %s: needs one executor at two or more chunk "
             "sizes (e.g. --chunk 1,16,auto)", in->label);
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
        const struct view_row *vr = inst_row(s, in, a);
        if (!overhead_row(in, vr) || vr->r->workers != w)
            continue;
        view_variant_label(s->v, vr, 0, l, sizeof(l));
        int li = intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li < 0)
            continue;
        double c = (double)vr->r->chunk;
        pts[n++] = (struct point){ li, c, a, vr };
        if (vr->wall.ci95_high / (double)vr->r->tasks > maxv)
            maxv = vr->wall.ci95_high / (double)vr->r->tasks;
        minc = minc == 0 || c < minc ? c : minc;
        maxc = c > maxc ? c : maxc;
    }
    qsort(pts, n, sizeof(*pts), cmp_point);
    double scale;
    const char *unit;
    time_unit(maxv, &scale, &unit);
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# chunk  wall_per_task_%s  ci95_low  ci95_high  "
                  "(%u workers; one block per executor)\n", unit, w);
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
    free(pts);
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    buf_gp_array(&head, "titles", lines, nlines);
    const struct view_row *base = inst_base(s, in);
    double base_t = base != NULL && base->r->tasks > 0
                        ? base->wall.median / (double)base->r->tasks : NAN;
    head_serial(&head, base, base_t, scale, " per task");
    buf_gp_var(&head, "xlabel_text", "chunk size (tasks per claim, log "
               "scale)");
    char ylabel[96];
    snprintf(ylabel, sizeof(ylabel), "wall time per task (%s, log scale)",
             unit);
    buf_gp_var(&head, "ylabel_text", ylabel);
    buf_gp_var(&head, "caption", s->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: cost per task vs chunk size at "
             "%u workers%s", in->workload, w,
             in->both_modes ? " (unordered)" : "");
    stem_of(s, "overhead", in->label, stem, sizeof(stem));
    int rc = emit(rd, stem, title, in->params, &head, &dat);
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
    const struct results_series *bs = results_series_find(b->r, "wall_s");
    const struct results_series *ps = results_series_find(p->r, "wall_s");
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
        note(rd, "ratio chart: no configuration of %s appears in the other "
             "files", base->name);
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
        buf_dat_comment(&dat, srcs[f].name);
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
    buf_gp_array(&head, "titles", titles, nseries);
    char ylabel[256], caption[1200];
    snprintf(ylabel, sizeof(ylabel), "median wall time / %.150s "
             "(below 1 = faster)", base->name);
    buf_gp_var(&head, "ylabel_text", ylabel);
    buf_gp_var(&head, "xlabel_text", "configuration");
    snprintf(caption, sizeof(caption), "baseline: %s", base->caption);
    buf_gp_var(&head, "caption", caption);
    strbuf_printf(&head, "set xtics (");
    for (size_t g = 0; g < ngroups; g++) {
        strbuf_printf(&head, "%s", g ? ", " : "");
        plot_gp_literal(&head, groups[g]);
        strbuf_printf(&head, " %g", (double)g * ((double)nseries + 1) +
                      ((double)nseries - 1) / 2);
    }
    strbuf_printf(&head, ")\nset xrange [-1:%g]\n",
                  (double)ngroups * ((double)nseries + 1) - 1);
    rc = emit(rd, "ratio", "Median wall time relative to the first file, "
              "95% CI", NULL, &head, &dat);
    free(dat.p);
    free(head.p);
out:
    for (size_t f = 1; f <= nseries; f++)
        free(sorted[f]);
    return rc;
}

/* ---- the chart kinds ---------------------------------------------------- */

/* One kind of chart. Exactly one of the hooks is set. */
struct plot_kind {
    const char *name;     /* stem prefix and template scripts/NAME.gp */
    const char *summary;  /* one line for `poolbench plot --help` */
    /* One chart of one workload instance; NULL for kinds drawn across
     * sources. Returns 0 (drawn, or skipped with a note) or -1. */
    int (*inst)(struct render *rd, const struct plot_src *s,
                const struct view_inst *in);
    /* One chart across every source (files, or parts of a merged
     * file); NULL for per-instance kinds. */
    int (*across)(struct render *rd, const struct plot_src *srcs,
                  size_t nsrcs);
};

static const struct plot_kind plot_kinds[] = {
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

#define PLOT_NKINDS (sizeof(plot_kinds) / sizeof(plot_kinds[0]))
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


/* The caption under every chart of s: machine, build, date, source. */
static void src_caption(struct plot_src *s, const struct results_file *f)
{
    const struct results_machine *m =
        &f->machines[s->part != NULL ? s->part->machine : 0];
    s->cpus = m->cpus_usable;
    s->host = m->hostname ? m->hostname : "?";
    if (s->part != NULL && s->part->run >= 0)
        snprintf(s->name, sizeof(s->name), "%.400s [%.60s, run %ld]",
                 f->path, s->host, s->part->run + 1);
    else if (s->part != NULL)
        snprintf(s->name, sizeof(s->name), "%.400s [%.100s]", f->path,
                 s->host);
    else
        snprintf(s->name, sizeof(s->name), "%s", f->path);
    snprintf(s->caption, sizeof(s->caption),
             "%.60s | %.60s | %ld CPUs online | poolbench %.20s %.16s | "
             "%.30s | %.120s", s->host,
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
    size_t drawn = 0;
    for (size_t i = 0; i < s->v->ninsts; i++) {
        const struct view_inst *in = &s->v->insts[i];
        size_t usable = 0;
        if (!src_has(s, in))
            continue;
        for (size_t a = 0; a < in->nrows; a++)
            usable += inst_row(s, in, a) != NULL;
        if (usable == 0)
            continue;
        drawn++;
        for (size_t k = 0; k < PLOT_NKINDS; k++) {
            if (plot_kinds[k].inst == NULL)
                continue;
            rd->kind = plot_kinds[k].name;
            if (plot_kinds[k].inst(rd, s, in) != 0)
                return -1;
        }
    }
    if (drawn == 0)
        note(rd, "%s: no successful result to draw", s->name);
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
    rd.scripts = plot_scripts_dir();
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
    for (size_t k = 0; k < PLOT_NKINDS; k++) {
        if (plot_kinds[k].across == NULL)
            continue;
        rd.kind = plot_kinds[k].name;
        if (plot_kinds[k].across(&rd, srcs, nsrcs) != 0)
            goto out;
    }
    rc = 0;
out:
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

/* ---- the command -------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench plot [RESULTS.json...] [-o DIR]\n"
"\n"
"Draw charts of one or more results files (default: %s) with\n"
"gnuplot, as SVG and PNG, each beside its data (.dat) and script (.gp):\n"
"`gnuplot NAME.gp` in DIR redraws a chart after you restyle it.\n"
"Templates: %s.\n"
"\n", SHOW_DEFAULT_INPUT, plot_scripts_dir());
    for (size_t k = 0; k < PLOT_NKINDS; k++) {
        char name[32];
        snprintf(name, sizeof(name), "%s%s", plot_kinds[k].name,
                 plot_kinds[k].inst != NULL ? "-*" : "");
        fprintf(f, "  %-11s %s\n", name, plot_kinds[k].summary);
    }
    fprintf(f,
"\n"
"  -o, --output DIR   where charts go (default: plots; created if needed)\n"
"      --no-png       SVG only\n"
"  -h, --help         this help\n"
"\n"
"A chart the data cannot support is skipped with a note on stderr.\n"
"Exit status: 0 done, 2 bad usage, a bad results file or no gnuplot.\n");
}

int plot_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "no-png", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct plot_options opt = { .dir = "plots", .png = 1, .notes = 1 };
    char err[1024], safe[4096];
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":o:h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'o':
            if (optarg[0] == '\0') {
                fprintf(stderr, "poolbench plot: -o: empty folder name\n");
                return EXIT_USAGE;
            }
            opt.dir = optarg;
            break;
        case 'P': opt.png = 0; break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "poolbench plot: option '%s' needs a value; see "
                    "`poolbench plot --help`\n", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "poolbench plot: unknown option '%s'; see "
                    "`poolbench plot --help`\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    /* No file named: the latest run, as show and report read it. */
    static char *latest[] = { SHOW_DEFAULT_INPUT };
    char **names = argv + optind;
    size_t nfiles = (size_t)(argc - optind);
    if (nfiles == 0) {
        if (access(SHOW_DEFAULT_INPUT, F_OK) != 0) {
            fprintf(stderr, "poolbench plot: no results file given and "
                    "%s does not exist; name a file or run `poolbench "
                    "run` first\n", SHOW_DEFAULT_INPUT);
            return EXIT_USAGE;
        }
        names = latest;
        nfiles = 1;
    }
    char gp[4096];
    if (plot_find_gnuplot(gp, sizeof(gp), err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench plot: %s\n", err);
        return EXIT_USAGE;
    }
    struct results_file *files = calloc(nfiles, sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "poolbench plot: out of memory\n");
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    size_t loaded = 0;
    for (; loaded < nfiles; loaded++)
        if (results_load(names[loaded], &files[loaded], err,
                         sizeof(err)) != 0) {
            fprintf(stderr, "poolbench plot: %s\n",
                    textesc_ctl(err, safe, sizeof(safe)));
            goto out;
        }
    struct plot_set set;
    if (plot_render(files, nfiles, &opt, &set, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench plot: %s\n",
                textesc_ctl(err, safe, sizeof(safe)));
        goto out;
    }
    for (size_t k = 0; k < set.ncharts; k++)
        printf("%s/%s.svg%s  %s\n", opt.dir, set.charts[k].name,
               opt.png ? " .png" : "",
               textesc_ctl(set.charts[k].title, safe, sizeof(safe)));
    printf("plot: %zu chart%s in %s/ (%zu skipped); redraw one with: cd %s "
           "&& gnuplot NAME.gp\n", set.ncharts, set.ncharts == 1 ? "" : "s",
           opt.dir, set.skipped, opt.dir);
    plot_set_free(&set);
    status = 0;
out:
    for (size_t k = 0; k < loaded; k++)
        results_free(&files[k]);
    free(files);
    return status;
}
