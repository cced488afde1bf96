/* trend.c - `poolbench history trend`: charts of stored runs over time
 * (see trend.h). */
#include "trend.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "history.h"
#include "plot.h"
#include "plot_impl.h"
#include "strbuf.h"
#include "textesc.h"
#include "view.h"

#define TREND_MAX_XTICS 30   /* commit labels per chart, at most */

/* One point, copied out of the database row. */
struct tpoint {
    long long run_id;
    char commit[32];          /* "abc1234 12-06": commit and date */
    char *key, *config;       /* what was chosen, and its label; owned */
    unsigned long long tasks;
    double median, lo, hi;
};

/* The chart being gathered: one instance on one machine. */
struct group {
    char fingerprint[17];
    char workload[128];
    char *params;             /* owned */
    char instance[256];
    struct tpoint *pts;
    size_t n, cap;
};

struct trend {
    const struct trend_filter *f;
    const char *dir;
    char gnuplot[4096];
    struct group g;
    size_t ncharts;
    char stems[256][160];     /* names taken, to keep each unique */
};

/* text as a gnuplot single-quoted literal (plot_gp_literal), in tmp. */
static const char *literal(struct strbuf *tmp, const char *text)
{
    tmp->len = 0;
    if (tmp->p != NULL)
        tmp->p[0] = '\0';
    plot_gp_literal(tmp, text);
    return tmp->p != NULL ? tmp->p : "''";
}

static int in_list(char *const *items, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(items[k], s) == 0)
            return 1;
    return 0;
}

static int passes(const struct trend_filter *f, const struct history_point *p)
{
    if (f->nworkloads > 0 && !in_list(f->workloads, f->nworkloads,
                                      p->workload))
        return 0;
    if (f->nexecutors > 0 && !in_list(f->executors, f->nexecutors,
                                      p->executor))
        return 0;
    if (f->nworkers > 0) {
        size_t k = 0;
        while (k < f->nworkers && f->workers[k] != p->workers)
            k++;
        if (k == f->nworkers)
            return 0;
    }
    for (size_t k = 0; k < f->nparams; k++) {
        char key[128], val[256];
        const char *eq = strchr(f->params[k], '=');
        snprintf(key, sizeof(key), "%.*s", (int)(eq - f->params[k]),
                 f->params[k]);
        if (view_param(p->params, key, val, sizeof(val)) != 0 ||
            strcmp(val, eq + 1) != 0)
            return 0;
    }
    return 1;
}

static void group_clear(struct group *g)
{
    for (size_t k = 0; k < g->n; k++) {
        free(g->pts[k].key);
        free(g->pts[k].config);
    }
    free(g->pts);
    free(g->params);
    memset(g, 0, sizeof(*g));
}

/* ---- drawing ------------------------------------------------------------ */

/* Run gnuplot on stem.gp in dir, telling it to write under temporary
 * names (the script's tmp_suffix). */
static int run_gnuplot(struct trend *t, const char *stem, char *err,
                       size_t err_len)
{
    char script[200], where[4400];
    snprintf(script, sizeof(script), "%s.gp", stem);
    snprintf(where, sizeof(where), "%s/%s", t->dir, script);
    return plot_gnuplot_run(t->gnuplot, t->dir, script, "tmp_suffix='.tmp'",
                            where, err, err_len);
}

/* Move stem.EXT.tmp, which gnuplot wrote, onto stem.EXT, once it is
 * checked whole (gnuplot exits 0 after a failed write). */
static int settle(struct trend *t, const char *stem, const char *ext,
                  char *err, size_t err_len)
{
    char from[4400], to[4400];
    snprintf(from, sizeof(from), "%s/%s.%s.tmp", t->dir, stem, ext);
    snprintf(to, sizeof(to), "%s/%s.%s", t->dir, stem, ext);
    if (plot_output_check(from, to, err, err_len) != 0) {
        unlink(from);
        return -1;
    }
    if (rename(from, to) != 0) {
        snprintf(err, err_len, "%s: cannot rename %s into place: %s", to,
                 from, strerror(errno));
        unlink(from);
        return -1;
    }
    return 0;
}

/* A chart that failed is absent, not half there: its .dat, .gp and
 * whatever gnuplot left go. */
static void drop_chart(struct trend *t, const char *stem)
{
    static const char *const exts[] = { "dat", "gp", "svg", "png",
                                        "svg.tmp", "png.tmp" };
    char path[4400];
    for (size_t e = 0; e < sizeof(exts) / sizeof(exts[0]); e++) {
        snprintf(path, sizeof(path), "%s/%s.%s", t->dir, stem, exts[e]);
        unlink(path);
    }
}

static void unique_stem(struct trend *t, const char *base, char *stem,
                        size_t len)
{
    snprintf(stem, len, "%s", base);
    for (int k = 2; k < 10000; k++) {
        size_t c = 0;
        size_t lim = t->ncharts < 256 ? t->ncharts : 256;
        while (c < lim && strcmp(t->stems[c], stem) != 0)
            c++;
        if (c == lim)
            break;
        snprintf(stem, len, "%.140s-%d", base, k);
    }
    if (t->ncharts < 256)
        snprintf(t->stems[t->ncharts], sizeof(t->stems[0]), "%s", stem);
}

/* A gnuplot array of the n texts as literals. */
static void gp_array(struct strbuf *gp, struct strbuf *q, const char *name,
                     const char *const *texts, size_t n)
{
    strbuf_printf(gp, "array %s[%zu] = [", name, n ? n : 1);
    for (size_t k = 0; k < n; k++)
        strbuf_printf(gp, "%s%s", k ? ", " : "", literal(q, texts[k]));
    strbuf_printf(gp, "%s]\n", n ? "" : "''");
}

/* Whether the group's task counts differ: then its points are per-task
 * time, which compares; wall time of other task counts does not. */
static int group_per_task(const struct group *g)
{
    for (size_t k = 1; k < g->n; k++)
        if (g->pts[k].tasks != g->pts[0].tasks)
            return 1;
    return 0;
}

/* Series c of n's colour: hues spread evenly around the circle, so that
 * no two series of a chart share one (gnuplot's own cycle repeats after
 * eight). */
static void series_colour(size_t c, size_t n, char *buf, size_t len)
{
    double h = 6.0 * (double)c / (double)(n ? n : 1), s = 0.8, v = 0.8;
    double f = h - floor(h), p = v * (1 - s), q = v * (1 - s * f),
           u = v * (1 - s * (1 - f)), rgb[3];
    switch ((int)h % 6) {
    case 0: rgb[0] = v; rgb[1] = u; rgb[2] = p; break;
    case 1: rgb[0] = q; rgb[1] = v; rgb[2] = p; break;
    case 2: rgb[0] = p; rgb[1] = v; rgb[2] = u; break;
    case 3: rgb[0] = p; rgb[1] = q; rgb[2] = v; break;
    case 4: rgb[0] = u; rgb[1] = p; rgb[2] = v; break;
    default: rgb[0] = v; rgb[1] = p; rgb[2] = q; break;
    }
    snprintf(buf, len, "#%02x%02x%02x", (unsigned)lround(rgb[0] * 255),
             (unsigned)lround(rgb[1] * 255), (unsigned)lround(rgb[2] * 255));
}

/* The chart's variables: titles, labels, the commit labels at most
 * TREND_MAX_XTICS of them. texts and pos are scratch of g->n entries. */
static void write_vars(const struct trend *t, const char *stem,
                       const size_t *xs, size_t nruns, size_t nconf,
                       int per_task, struct strbuf *gp_b,
                       struct strbuf *q_b, const char **texts, size_t *pos)
{
    const struct group *g = &t->g;
    char title[400], machine[200], dat[200];
    snprintf(title, sizeof(title), "%s: median %s over runs", g->instance,
             per_task ? "time per task" : "wall time");
    snprintf(machine, sizeof(machine), "machine %s%s", g->fingerprint,
             per_task ? "; task counts differ" : "");
    snprintf(dat, sizeof(dat), "%s.dat", stem);
    plot_buf_gp_var(gp_b, "out", stem);
    plot_buf_gp_var(gp_b, "datafile", dat);
    strbuf_printf(gp_b, "png = 1\nwidth = %d\nheight = %d\n", PLOT_WIDTH,
                  PLOT_HEIGHT);
    plot_buf_gp_var(gp_b, "chart_title", title);
    plot_buf_gp_var(gp_b, "chart_subtitle", machine);
    strbuf_printf(gp_b, "subtitle_lines = 1\n");
    plot_buf_gp_var(gp_b, "caption", "");
    plot_buf_gp_var(gp_b, "xlabel_text", "run (commit, date), oldest first");
    plot_buf_gp_var(gp_b, "ylabel_text", per_task
                    ? "median time per task (ns), 95% CI"
                    : "median wall time, 95% CI");
    strbuf_printf(gp_b, "nruns = %zu\nnlines = %zu\n", nruns, nconf);
    size_t step = (nruns + TREND_MAX_XTICS - 1) / TREND_MAX_XTICS, nx = 0;
    for (size_t k = 0; k < g->n; k++) {
        if ((k > 0 && xs[k] == xs[k - 1]) || (xs[k] - 1) % step != 0)
            continue;
        texts[nx] = g->pts[k].commit[0] ? g->pts[k].commit : "?";
        pos[nx++] = xs[k];
    }
    strbuf_printf(gp_b, "nxtics = %zu\n", nx);
    gp_array(gp_b, q_b, "xtic_labels", texts, nx);
    strbuf_printf(gp_b, "array xtic_pos[%zu] = [", nx ? nx : 1);
    for (size_t k = 0; k < nx; k++)
        strbuf_printf(gp_b, "%s%zu", k ? ", " : "", pos[k]);
    strbuf_printf(gp_b, "%s]\n", nx ? "" : "0");
}

/* The .dat (one block per configuration) and the .gp of the gathered
 * group into dat_b and gp_b: the chart's variables, then
 * scripts/common.gp and scripts/trend.gp, where its looks live. q_b is
 * scratch for quoted literals. Returns 0, or -1 with a message (a
 * template that cannot be read). */
static int write_scripts(const struct trend *t, const char *stem,
                         const size_t *xs, const size_t *first,
                         size_t nruns, size_t nconf, struct strbuf *dat_b,
                         struct strbuf *gp_b, struct strbuf *q_b,
                         char *err, size_t err_len)
{
    const struct group *g = &t->g;
    int per_task = group_per_task(g);
    const char **texts = calloc(g->n + nconf + 1, sizeof(*texts));
    size_t *pos = calloc(g->n + 1, sizeof(*pos));
    char (*colours)[16] = calloc(nconf + 1, sizeof(*colours));
    if (texts == NULL || pos == NULL || colours == NULL) {
        free(texts);
        free(pos);
        free(colours);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    strbuf_printf(dat_b, "# %s: x = run, median and 95%% CI of %s\n",
                  stem, per_task ? "wall_s * 1e9 / tasks (task counts "
                                   "differ)" : "wall_s");
    strbuf_printf(gp_b, "# %s.gp - drawn by `poolbench history trend` "
                  "from scripts/common.gp and\n# scripts/trend.gp. "
                  "Restyle freely, then redraw with: gnuplot %s.gp\n",
                  stem, stem);
    write_vars(t, stem, xs, nruns, nconf, per_task, gp_b, q_b, texts, pos);
    for (size_t c = 0; c < nconf; c++) {
        const char *key = g->pts[first[c]].key;
        texts[c] = g->pts[first[c]].config;
        strbuf_printf(dat_b, "%s# %s\n", c ? "\n\n" : "",
                      literal(q_b, texts[c]));
        for (size_t k = first[c]; k < g->n; k++) {
            const struct tpoint *p = &g->pts[k];
            if (strcmp(p->key, key) != 0 || !isfinite(p->median) ||
                (per_task && p->tasks == 0))
                continue;
            double s = per_task ? 1e9 / (double)p->tasks : 1.0;
            strbuf_printf(dat_b, "%zu %.9g %.9g %.9g\n", xs[k],
                          p->median * s,
                          (isfinite(p->lo) ? p->lo : p->median) * s,
                          (isfinite(p->hi) ? p->hi : p->median) * s);
        }
        /* An empty block would stop gnuplot: give it one NaN point. */
        strbuf_printf(dat_b, "0 NaN NaN NaN\n");
        series_colour(c, nconf, colours[c], sizeof(colours[c]));
    }
    gp_array(gp_b, q_b, "titles", texts, nconf);
    for (size_t c = 0; c < nconf; c++)
        texts[c] = colours[c];
    gp_array(gp_b, q_b, "colours", texts, nconf);
    free(texts);
    free(pos);
    free(colours);
    return plot_append_template(gp_b, "common", err, err_len) != 0 ||
           plot_append_template(gp_b, "trend", err, err_len) != 0 ? -1 : 0;
}

static int draw_group(struct trend *t, char *err, size_t err_len)
{
    struct group *g = &t->g;
    struct strbuf dat = { 0 }, gp = { 0 };
    size_t *xs = calloc(g->n ? g->n : 1, sizeof(*xs));
    size_t *first = calloc(g->n ? g->n : 1, sizeof(*first));
    size_t nruns = 0, nconf = 0;
    int rc = -1;
    if (xs == NULL || first == NULL) {
        snprintf(err, err_len, "out of memory");
        goto done;
    }
    /* Points come in run-time order, a run's points together: x counts
     * runs. first[] keeps one point index per configuration. */
    for (size_t k = 0; k < g->n; k++) {
        if (k == 0 || g->pts[k].run_id != g->pts[k - 1].run_id)
            nruns++;
        xs[k] = nruns;
        size_t c = 0;
        while (c < nconf && strcmp(g->pts[first[c]].key, g->pts[k].key))
            c++;
        if (c == nconf)
            first[nconf++] = k;
    }
    char base[160], stem[160];
    struct strbuf q = { 0 };
    snprintf(base, sizeof(base), "trend-");
    textesc_slug(g->instance, base + 6, sizeof(base) - 6 - 10);
    snprintf(base + strlen(base), sizeof(base) - strlen(base), "-%.8s",
             g->fingerprint);
    unique_stem(t, base, stem, sizeof(stem));

    if (write_scripts(t, stem, xs, first, nruns, nconf, &dat, &gp, &q,
                      err, err_len) != 0)
        goto done;
    if (dat.oom || gp.oom || q.oom) {
        snprintf(err, err_len, "out of memory");
        goto done;
    }
    char path[4400];
    snprintf(path, sizeof(path), "%s/%s.dat", t->dir, stem);
    if (fs_write_atomic(path, dat.p, dat.len, err, err_len) != 0) {
        drop_chart(t, stem);
        goto done;
    }
    snprintf(path, sizeof(path), "%s/%s.gp", t->dir, stem);
    if (fs_write_atomic(path, gp.p, gp.len, err, err_len) != 0 ||
        run_gnuplot(t, stem, err, err_len) != 0 ||
        settle(t, stem, "svg", err, err_len) != 0 ||
        settle(t, stem, "png", err, err_len) != 0) {
        drop_chart(t, stem);
        goto done;
    }
    printf("%s.svg  %s (%zu runs, %zu configurations)\n", stem,
           g->instance, nruns, nconf);
    t->ncharts++;
    rc = 0;
done:
    free(q.p);
    free(xs);
    free(first);
    free(dat.p);
    free(gp.p);
    return rc;
}

int trend_add(const struct history_point *p, void *arg, char *err,
              size_t err_len)
{
    struct trend *t = arg;
    struct group *g = &t->g;
    if (!passes(t->f, p))
        return 0;
    if (g->params != NULL && (strcmp(g->fingerprint, p->fingerprint) ||
                              strcmp(g->workload, p->workload) ||
                              strcmp(g->params, p->params))) {
        int rc = draw_group(t, err, err_len);
        group_clear(g);
        if (rc != 0)
            return -1;
    }
    if (g->params == NULL) {
        snprintf(g->fingerprint, sizeof(g->fingerprint), "%s",
                 p->fingerprint);
        snprintf(g->workload, sizeof(g->workload), "%s", p->workload);
        snprintf(g->instance, sizeof(g->instance), "%s", p->instance);
        g->params = strdup(p->params);
        if (g->params == NULL)
            goto oom;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct tpoint *grown = realloc(g->pts, cap * sizeof(*grown));
        if (grown == NULL)
            goto oom;
        g->pts = grown;
        g->cap = cap;
    }
    struct tpoint *tp = &g->pts[g->n];
    memset(tp, 0, sizeof(*tp));
    tp->run_id = p->run_id;
    /* "abc1234 12-06": which commit, and when (created is RFC 3339). */
    snprintf(tp->commit, sizeof(tp->commit), "%.7s%s%.5s",
             p->commit[0] ? p->commit : "?",
             strlen(p->created) >= 10 ? " " : "",
             strlen(p->created) >= 10 ? p->created + 5 : "");
    tp->tasks = p->tasks;
    /* A series is what was chosen: an automatic chunk stays one series
     * whatever it resolved to under other task counts. */
    char chunk[32], key[512], label[512];
    if (p->chunk_auto)
        snprintf(chunk, sizeof(chunk), "auto");
    else
        snprintf(chunk, sizeof(chunk), "%llu", p->chunk);
    snprintf(key, sizeof(key), "%s\x1f%s\x1f%u\x1f%s\x1f%s", p->executor,
             p->transport, p->workers, p->mode, chunk);
    snprintf(label, sizeof(label), "%s%s%s j=%u %s chunk=%s", p->executor,
             strcmp(p->transport, "none") != 0 && p->transport[0] ? " "
                                                                 : "",
             strcmp(p->transport, "none") != 0 ? p->transport : "",
             p->workers, p->mode, chunk);
    tp->key = strdup(key);
    tp->config = strdup(label);
    tp->median = p->median;
    tp->lo = p->ci95_low;
    tp->hi = p->ci95_high;
    g->n++;
    if (tp->key == NULL || tp->config == NULL)
        goto oom;
    return 0;
oom:
    snprintf(err, err_len, "out of memory");
    return -1;
}

int trend_begin(const struct trend_filter *filter, const char *dir,
                struct trend **out, char *err, size_t err_len)
{
    struct stat st;
    struct trend *t = calloc(1, sizeof(*t));
    *out = NULL;
    if (t == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    t->f = filter;
    t->dir = dir;
    if (plot_find_gnuplot(t->gnuplot, sizeof(t->gnuplot), err,
                          err_len) != 0)
        goto fail;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "%s: cannot create the folder: %s", dir,
                 strerror(errno));
        goto fail;
    }
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%s: not a folder; give -o a folder", dir);
        goto fail;
    }
    *out = t;
    return 0;
fail:
    trend_free(t);
    return -1;
}

int trend_end(struct trend *t, size_t *ncharts, char *err, size_t err_len)
{
    if (t->g.params != NULL && draw_group(t, err, err_len) != 0)
        return -1;
    group_clear(&t->g);
    *ncharts = t->ncharts;
    return 0;
}

void trend_free(struct trend *t)
{
    if (t == NULL)
        return;
    group_clear(&t->g);
    free(t);
}
