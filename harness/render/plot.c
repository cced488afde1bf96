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
#include "plot.h"
#include "results.h"
#include "stats.h"
#include "textesc.h"

#define PLOT_MAX_GROUPS 48   /* bars or lines in one chart */
#define PLOT_MAX_SERIES 16   /* worker counts, chunk sizes, files */
#define PLOT_MAX_ROWS 4096   /* rows of one workload instance */
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

void plot_format_time(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s >= 1)
        snprintf(buf, len, "%.3f s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else
        snprintf(buf, len, "%.3g ns", s * 1e9);
}

void plot_instance_label(const struct results_row *row, char *buf,
                         size_t len)
{
    if (row->params != NULL && row->params[0] != '\0')
        snprintf(buf, len, "%s %s", row->workload, row->params);
    else
        snprintf(buf, len, "%s", row->workload);
}

static long run_of(const struct results_row *row)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(row->json,
                                                      "run_index");
    return cJSON_IsNumber(j) && j->valuedouble >= 0 ? (long)j->valuedouble
                                                    : -1;
}

int plot_row_in_part(const struct results_row *row,
                     const struct plot_part *part)
{
    return part == NULL ||
           (row->machine_index == part->machine && run_of(row) == part->run);
}

size_t plot_parts(const struct results_file *f, struct plot_part **out)
{
    size_t n = 0;
    *out = calloc(f->nrows + 1, sizeof(**out));
    if (*out == NULL)
        return 0;
    for (size_t k = 0; k < f->nrows; k++) {
        struct plot_part p = { f->rows[k].machine_index,
                               run_of(&f->rows[k]) };
        size_t q = 0;
        while (q < n && !((*out)[q].machine == p.machine &&
                          (*out)[q].run == p.run))
            q++;
        if (q == n)
            (*out)[n++] = p;
    }
    if (n == 0)
        (*out)[n++] = (struct plot_part){ 0, -1 };
    return n;
}

/* Seconds-to-display scale for values up to max_s. */
static void time_unit(double max_s, double *scale, const char **unit)
{
    if (max_s >= 1) {
        *scale = 1;
        *unit = "s";
    } else if (max_s >= 1e-3) {
        *scale = 1e3;
        *unit = "ms";
    } else {
        *scale = 1e6;
        *unit = "us";
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

static int is_serial(const struct results_row *r)
{
    return strcmp(r->executor, "serial") == 0;
}

/* ---- what one file holds ------------------------------------------------ */

/* A usable row with its wall-time summary. */
struct prow {
    const struct results_row *r;
    double med, lo, hi;   /* wall_s median and 95% CI, seconds */
    double first_s;       /* first_result_s of the last repetition */
    int chunk_auto;       /* the chunk was "auto" */
};

/* One workload with one parameter set, and its rows. */
struct inst {
    char label[256];
    const char *workload;
    const char *params;   /* "" when none */
    struct prow **rows;   /* at most PLOT_MAX_ROWS; owned */
    size_t n, cap;
    int both_modes;       /* parallel rows in ordered and unordered */
    int chunk_varies;     /* one executor/workers/mode at several chunks */
    int has_auto;         /* some rows ran with chunk auto */
    const struct prow *serial;
};

/* Everything plot needs of one file. */
struct view {
    const struct results_file *f;
    char prefix[24];      /* stem prefix: "" for the first, "f2-" ... */
    char name[512];       /* the file, and machine of a merged file */
    const char *host;     /* the machine's hostname, or "?" */
    struct prow *rows;
    size_t nrows;
    struct inst *insts;
    size_t ninsts;
    char caption[512];
    long cpus;
};

static int same_shape(const struct results_row *a,
                      const struct results_row *b)
{
    return strcmp(a->executor, b->executor) == 0 &&
           strcmp(a->mode, b->mode) == 0 &&
           strcmp(a->transport, b->transport) == 0 &&
           a->workers == b->workers;
}

/* qsort order of prow indices: by workload, params, then file order. */
static const struct prow *sort_rows;

static int cmp_inst(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const struct results_row *p = sort_rows[x].r, *q = sort_rows[y].r;
    int c = strcmp(p->workload, q->workload);
    if (c == 0)
        c = strcmp(p->params, q->params);
    return c != 0 ? c : (x > y) - (x < y);
}

/* qsort order of prow pointers: by shape (executor, mode, transport,
 * workers), then chunk, then file order. */
static int cmp_shape(const void *a, const void *b)
{
    const struct prow *p = *(const struct prow *const *)a;
    const struct prow *q = *(const struct prow *const *)b;
    int c = strcmp(p->r->executor, q->r->executor);
    if (c == 0)
        c = strcmp(p->r->mode, q->r->mode);
    if (c == 0)
        c = strcmp(p->r->transport, q->r->transport);
    if (c == 0)
        c = (p->r->workers > q->r->workers) - (p->r->workers < q->r->workers);
    if (c == 0)
        c = (p->r->chunk > q->r->chunk) - (p->r->chunk < q->r->chunk);
    return c != 0 ? c : (p > q) - (p < q);
}

/* Whether rows x and y of rows are of one instance. */
static int cmp_inst_same(const struct prow *rows, size_t x, size_t y)
{
    return strcmp(rows[x].r->workload, rows[y].r->workload) == 0 &&
           strcmp(rows[x].r->params, rows[y].r->params) == 0;
}

static void view_free(struct view *v)
{
    for (size_t i = 0; i < v->ninsts; i++)
        free(v->insts[i].rows);
    free(v->rows);
    free(v->insts);
    memset(v, 0, sizeof(*v));
}

/* The view of file f, or of one part of a merged file (NULL: every
 * row). */
static int view_build(const struct results_file *f,
                      const struct plot_part *part, struct view *v,
                      char *err, size_t err_len)
{
    memset(v, 0, sizeof(*v));
    v->f = f;
    v->rows = calloc(f->nrows + 1, sizeof(*v->rows));
    v->insts = calloc(f->nrows + 1, sizeof(*v->insts));
    if (v->rows == NULL || v->insts == NULL) {
        snprintf(err, err_len, "%s: out of memory", f->path);
        view_free(v);
        return -1;
    }
    for (size_t k = 0; k < f->nrows; k++) {
        const struct results_row *r = &f->rows[k];
        struct stats_summary s;
        if (r->failure != NULL || r->errors > 0 ||
            !plot_row_in_part(r, part) ||
            results_row_stats(r, "wall_s", &s) != 0)
            continue;
        struct prow *p = &v->rows[v->nrows++];
        p->r = r;
        p->med = s.median;
        p->lo = s.ci95_low;
        p->hi = s.ci95_high;
        const struct results_series *fr =
            results_series_find(r, "first_result_s");
        p->first_s = fr != NULL && fr->n > 0 ? fr->v[fr->n - 1] : NAN;
        p->chunk_auto = cJSON_IsTrue(
            cJSON_GetObjectItemCaseSensitive(r->json, "chunk_auto"));
    }
    /* Instances by sorting, not by a search per row: a file can hold
     * 100,000 rows. inst_of[k] is row k's instance, numbered in order of
     * first appearance. */
    size_t *order = calloc(v->nrows + 1, sizeof(*order));
    size_t *inst_of = calloc(v->nrows + 1, sizeof(*inst_of));
    if (order == NULL || inst_of == NULL) {
        free(order);
        free(inst_of);
        snprintf(err, err_len, "%s: out of memory", f->path);
        view_free(v);
        return -1;
    }
    for (size_t k = 0; k < v->nrows; k++)
        order[k] = k;
    sort_rows = v->rows;
    qsort(order, v->nrows, sizeof(*order), cmp_inst);
    for (size_t q = 0; q < v->nrows; q++) {
        size_t k = order[q];
        /* For now: the group's first row (lowest index), its leader. */
        inst_of[k] = q > 0 && cmp_inst_same(v->rows, order[q - 1], k)
                         ? inst_of[order[q - 1]] : k;
    }
    for (size_t k = 0; k < v->nrows; k++) {
        struct prow *p = &v->rows[k];
        struct inst *in;
        if (inst_of[k] == k) {
            inst_of[k] = v->ninsts;
            in = &v->insts[v->ninsts++];
            plot_instance_label(p->r, in->label, sizeof(in->label));
            in->workload = p->r->workload;
            in->params = p->r->params;
        } else {
            /* The leader came earlier and holds its instance's number. */
            inst_of[k] = inst_of[inst_of[k]];
            in = &v->insts[inst_of[k]];
        }
        if (in->n == in->cap && in->cap < PLOT_MAX_ROWS) {
            size_t cap = in->cap ? 2 * in->cap : 16;
            struct prow **grown = realloc(in->rows, cap * sizeof(*grown));
            if (grown == NULL) {
                free(order);
                free(inst_of);
                snprintf(err, err_len, "%s: out of memory", f->path);
                view_free(v);
                return -1;
            }
            in->rows = grown;
            in->cap = cap;
        }
        if (in->n < in->cap)
            in->rows[in->n++] = p;
    }
    free(order);
    free(inst_of);
    for (size_t i = 0; i < v->ninsts; i++) {
        struct inst *in = &v->insts[i];
        int ord = 0, unord = 0;
        for (size_t a = 0; a < in->n; a++) {
            const struct results_row *r = in->rows[a]->r;
            if (in->rows[a]->chunk_auto)
                in->has_auto = 1;
            if (is_serial(r)) {
                if (in->serial == NULL)
                    in->serial = in->rows[a];
                continue;
            }
            if (strcmp(r->mode, "ordered") == 0)
                ord = 1;
            else
                unord = 1;
        }
        in->both_modes = ord && unord;
        /* One shape at two chunk sizes: neighbours once sorted. */
        const struct prow **by = calloc(in->n + 1, sizeof(*by));
        size_t nb = 0;
        if (by == NULL) {
            snprintf(err, err_len, "%s: out of memory", f->path);
            view_free(v);
            return -1;
        }
        for (size_t a = 0; a < in->n; a++)
            if (!is_serial(in->rows[a]->r))
                by[nb++] = in->rows[a];
        qsort(by, nb, sizeof(*by), cmp_shape);
        for (size_t a = 1; a < nb; a++)
            if (same_shape(by[a - 1]->r, by[a]->r) &&
                by[a - 1]->r->chunk != by[a]->r->chunk)
                in->chunk_varies = 1;
        free(by);
    }
    const struct results_machine *m =
        &f->machines[part != NULL ? part->machine : 0];
    v->cpus = m->cpus_online;
    v->host = m->hostname ? m->hostname : "?";
    if (part != NULL && part->run >= 0)
        snprintf(v->name, sizeof(v->name), "%.400s [%.60s, run %ld]",
                 f->path, m->hostname ? m->hostname : "?", part->run + 1);
    else if (part != NULL)
        snprintf(v->name, sizeof(v->name), "%.400s [%.100s]", f->path,
                 m->hostname ? m->hostname : "?");
    else
        snprintf(v->name, sizeof(v->name), "%s", f->path);
    snprintf(v->caption, sizeof(v->caption),
             "%s | %s | %ld CPUs online | poolbench %s %s | %s | %s",
             m->hostname ? m->hostname : "?",
             m->cpu_model ? m->cpu_model : "unknown CPU", m->cpus_online,
             m->version ? m->version : "?",
             m->git_commit ? m->git_commit : "", f->created, v->name);
    return 0;
}

/* The row's configuration apart from workers (and chunk unless asked):
 * "threads", "procs/pipe ordered", "threads chunk 16". */
static void variant(const struct inst *in, const struct results_row *r,
                    int with_chunk, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%s", r->executor);
    if (strcmp(r->transport, "pipe") == 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "/pipe");
    if (in->both_modes && !is_serial(r) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " %s", r->mode);
    if (with_chunk && in->chunk_varies && !in->has_auto && n < len)
        snprintf(buf + n, len - n, " chunk %llu",
                 (unsigned long long)r->chunk);
}

/* Whether bars and scaling draw row p: with several chunk sizes they
 * keep to "auto" (the overhead chart shows the rest). */
static int main_row(const struct inst *in, const struct prow *p)
{
    return !(in->chunk_varies && in->has_auto) || p->chunk_auto;
}

/* Whether the overhead chart draws row p: one delivery mode only, the
 * default unordered one when both were run. */
static int overhead_row(const struct inst *in, const struct prow *p)
{
    return !is_serial(p->r) &&
           (!in->both_modes || strcmp(p->r->mode, "unordered") == 0);
}

/* "threads j2", "procs/pipe j4": one line of the overhead chart. */
static void overhead_label(const struct results_row *r, char *buf,
                           size_t len)
{
    snprintf(buf, len, "%s%s j%u", r->executor,
             strcmp(r->transport, "pipe") == 0 ? "/pipe" : "", r->workers);
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

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted distinct values of v[0..n) in place; returns the new count. */
static size_t uniq_u64(uint64_t *v, size_t n)
{
    size_t m = 0;
    qsort(v, n, sizeof(*v), cmp_u64);
    for (size_t k = 0; k < n; k++)
        if (m == 0 || v[m - 1] != v[k])
            v[m++] = v[k];
    return m;
}

/* ---- running gnuplot ---------------------------------------------------- */

struct render {
    const struct plot_options *opt;
    const char *work;     /* private folder gnuplot draws in */
    struct plot_set *set;
    char gnuplot[4096];
    const char *scripts;
    char *err;
    size_t err_len;
};

const char *plot_scripts_dir(void)
{
    static char dir[4096];
    struct stat st;
    const char *env = getenv("POOLBENCH_SCRIPTS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    snprintf(dir, sizeof(dir), "%s/scripts/common.gp", POOLBENCH_SOURCE_DIR);
    if (stat(dir, &st) == 0) {
        snprintf(dir, sizeof(dir), "%s/scripts", POOLBENCH_SOURCE_DIR);
        return dir;
    }
    snprintf(dir, sizeof(dir), "%s/scripts", POOLBENCH_DATADIR);
    return dir;
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

/* Write stem.dat and stem.gp (header + common + kind), run gnuplot and
 * record the chart. */
static int emit(struct render *rd, const char *kind, const char *stem_in,
                const char *title, const char *subtitle,
                struct strbuf *head, struct strbuf *dat)
{
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
    /* The parameters go on a second title line: they can be long. */
    strbuf_printf(&gp, "chart_title = ");
    plot_gp_literal(&gp, title);
    if (subtitle != NULL && subtitle[0] != '\0') {
        strbuf_printf(&gp, " . \"\\n\" . ");
        plot_gp_literal(&gp, subtitle);
    }
    strbuf_printf(&gp, "\n");
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

static void stem_of(const struct view *v, const char *kind,
                    const char *label, char *buf, size_t len)
{
    char s[96];
    slug(label, s, sizeof(s));
    snprintf(buf, len, "%.24s%.10s-%.80s", v->prefix, kind, s);
}

/* ---- 1. bars: median wall per configuration and worker count ------------ */

static int chart_bars(struct render *rd, const struct view *v,
                      const struct inst *in)
{
    char groups[PLOT_MAX_GROUPS][128], titles[PLOT_MAX_SERIES][128];
    size_t ngroups = 0, nseries = 0;
    uint64_t workers[PLOT_MAX_ROWS];
    double maxv = 0;

    for (size_t k = 0; k < in->n; k++)
        workers[k] = in->rows[k]->r->workers;
    size_t nw = uniq_u64(workers, in->n);
    if (nw > PLOT_MAX_SERIES)
        nw = PLOT_MAX_SERIES;
    for (size_t k = 0; k < in->n; k++) {
        char g[128];
        if (!main_row(in, in->rows[k]))
            continue;
        variant(in, in->rows[k]->r, 1, g, sizeof(g));
        intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
        if (in->rows[k]->hi > maxv)
            maxv = in->rows[k]->hi;
    }
    double scale;
    const char *unit;
    time_unit(maxv, &scale, &unit);
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# x  median_%s  ci95_low_%s  ci95_high_%s  "
                    "(one block per worker count)\n", unit, unit, unit);
    for (size_t s = 0; s < nw; s++) {
        snprintf(titles[nseries++], 128, "%llu worker%s",
                 (unsigned long long)workers[s], workers[s] == 1 ? "" : "s");
        strbuf_printf(&dat, "# %llu workers\n",
                        (unsigned long long)workers[s]);
        for (size_t k = 0; k < in->n; k++) {
            const struct prow *p = in->rows[k];
            char g[128];
            if (p->r->workers != workers[s] || !main_row(in, p))
                continue;
            variant(in, p->r, 1, g, sizeof(g));
            int gi = intern(groups, &ngroups, PLOT_MAX_GROUPS, g);
            if (gi < 0)
                continue;
            double x = (double)gi * ((double)nw + 1) + (double)s;
            strbuf_printf(&dat, "%g %.9g %.9g %.9g\n", x, p->med * scale,
                            p->lo * scale, p->hi * scale);
        }
        strbuf_printf(&dat, "\n\n");
    }
    strbuf_printf(&head, "nseries = %zu\n", nseries);
    buf_gp_array(&head, "titles", titles, nseries);
    char ylabel[64];
    snprintf(ylabel, sizeof(ylabel), "median wall time (%s)", unit);
    buf_gp_var(&head, "ylabel_text", ylabel);
    buf_gp_var(&head, "xlabel_text", "executor");
    buf_gp_var(&head, "caption", v->caption);
    strbuf_printf(&head, "set xtics (");
    for (size_t g = 0; g < ngroups; g++) {
        strbuf_printf(&head, "%s", g ? ", " : "");
        buf_gp_string(&head, groups[g]);
        strbuf_printf(&head, " %g", (double)g * ((double)nw + 1) +
                                 ((double)nw - 1) / 2);
    }
    strbuf_printf(&head, ")\nset xrange [-1:%g]\n",
                    (double)ngroups * ((double)nw + 1) - 1);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: median wall time, 95%% CI",
             in->workload);
    stem_of(v, "bars", in->label, stem, sizeof(stem));
    int rc = emit(rd, "bars", stem, title, in->params, &head,
                    &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- 2. scaling: speedup vs workers ------------------------------------- */

static int cmp_workers(const void *a, const void *b)
{
    const struct prow *p = *(const struct prow *const *)a;
    const struct prow *q = *(const struct prow *const *)b;
    if (p->r->workers != q->r->workers)
        return p->r->workers < q->r->workers ? -1 : 1;
    return (p > q) - (p < q);
}

/* Whether a row before by[k] with its worker count and line was drawn
 * already (rows of one count are neighbours). */
static int drawn_w(const struct prow **by, char (*names)[128], size_t k,
                   const char *line)
{
    for (size_t q = k; q-- > 0 && by[q]->r->workers == by[k]->r->workers;)
        if (strcmp(names[q], line) == 0 && by[q]->med > 0)
            return 1;
    return 0;
}

static int chart_scaling(struct render *rd, const struct view *v,
                         const struct inst *in)
{
    if (in->serial == NULL) {
        note(rd, "scaling for %s: no serial run to compare with (add -e "
             "serial)", in->label);
        return 0;
    }
    char lines[PLOT_MAX_GROUPS][128];
    size_t nlines = 0, most = 0;
    size_t count[PLOT_MAX_GROUPS] = { 0 };
    unsigned maxw = 1;
    for (size_t k = 0; k < in->n; k++) {
        const struct results_row *r = in->rows[k]->r;
        if (is_serial(r) || !main_row(in, in->rows[k]))
            continue;
        char l[128];
        variant(in, r, 1, l, sizeof(l));
        int li = intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li < 0)
            continue;
        if (++count[li] > most)
            most = count[li];
        if (r->workers > maxw)
            maxw = r->workers;
    }
    if (most < 2) {
        note(rd, "scaling for %s: needs one executor at two or more worker "
             "counts (e.g. -j 1,2,4)", in->label);
        return 0;
    }
    double base = in->serial->med;
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# workers  speedup  ci95_low  ci95_high  (speedup "
                    "= serial median %.9g s / median; one block per line)\n",
                    base);
    /* One pass per line over rows sorted by workers (file order
     * within): the first usable row of each worker count is drawn. */
    const struct prow **by = calloc(in->n + 1, sizeof(*by));
    char (*names)[128] = calloc(in->n + 1, sizeof(*names));
    if (by == NULL || names == NULL) {
        free(by);
        free(names);
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    size_t nby = 0;
    for (size_t k = 0; k < in->n; k++)
        if (!is_serial(in->rows[k]->r) && main_row(in, in->rows[k]))
            by[nby++] = in->rows[k];
    qsort(by, nby, sizeof(*by), cmp_workers);
    for (size_t k = 0; k < nby; k++)
        variant(in, by[k]->r, 1, names[k], sizeof(names[k]));
    for (size_t l = 0; l < nlines; l++) {
        buf_dat_comment(&dat, lines[l]);
        for (size_t k = 0; k < nby; k++) {
            const struct prow *p = by[k];
            if (strcmp(names[k], lines[l]) != 0 || p->med <= 0 ||
                (k > 0 && by[k - 1]->r->workers == p->r->workers &&
                 drawn_w(by, names, k, lines[l])))
                continue;
            strbuf_printf(&dat, "%u %.6g %.6g %.6g\n", p->r->workers,
                            base / p->med, p->hi > 0 ? base / p->hi : 0,
                            p->lo > 0 ? base / p->lo : base / p->med);
        }
        strbuf_printf(&dat, "\n\n");
    }
    free(by);
    free(names);
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    buf_gp_array(&head, "titles", lines, nlines);
    strbuf_printf(&head, "cpus = %ld\nmaxw = %u\n", v->cpus, maxw);
    buf_gp_var(&head, "ylabel_text", "speedup vs serial (x, higher is "
               "better)");
    buf_gp_var(&head, "xlabel_text", "workers");
    buf_gp_var(&head, "caption", v->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: speedup vs workers",
             in->workload);
    stem_of(v, "scaling", in->label, stem, sizeof(stem));
    int rc = emit(rd, "scaling", stem, title, in->params, &head,
                    &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- 3. delivery: completion timeline ordered vs unordered -------------- */

/* Order of delivery partners: executor, transport, workers, chunk. */
static int cmp_partner(const struct prow *p, const struct prow *q)
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
    const struct prow *p = *(const struct prow *const *)a;
    const struct prow *q = *(const struct prow *const *)b;
    int c = cmp_partner(p, q);
    return c != 0 ? c : (p > q) - (p < q);
}

static int chart_delivery(struct render *rd, const struct view *v,
                          const struct inst *in)
{
    /* Pairs (ordered, unordered) of one executor/workers/chunk/transport,
     * at the largest worker count that has any. */
    const struct prow *pick[PLOT_MAX_GROUPS];
    size_t npick = 0, nun = 0;
    unsigned best = 0;
    /* Each ordered row's partner by binary search in the unordered rows
     * sorted by configuration (file order within). */
    const struct prow **un = calloc(in->n + 1, sizeof(*un));
    if (un == NULL) {
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    for (size_t b = 0; b < in->n; b++)
        if (strcmp(in->rows[b]->r->mode, "unordered") == 0 &&
            in->rows[b]->r->ntimeline >= 2)
            un[nun++] = in->rows[b];
    qsort(un, nun, sizeof(*un), cmp_partner_order);
    for (int pass = 0; pass < 2; pass++)
        for (size_t a = 0; a < in->n; a++) {
            const struct prow *p = in->rows[a];
            if (is_serial(p->r) || strcmp(p->r->mode, "ordered") != 0 ||
                p->r->ntimeline < 2 || !main_row(in, p))
                continue;
            size_t lo = 0, hi = nun;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_partner(un[mid], p) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t b = lo; b < nun; b++) {
                const struct prow *q = un[b];
                if (cmp_partner(q, p) != 0)
                    break;
                if (pass == 0 && p->r->workers > best)
                    best = p->r->workers;
                if (pass == 1 && p->r->workers == best &&
                    npick + 2 <= PLOT_MAX_GROUPS) {
                    int dup = 0;
                    for (size_t k = 0; k < npick; k += 2)
                        if (strcmp(pick[k]->r->executor,
                                   p->r->executor) == 0)
                            dup = 1;
                    if (!dup) {
                        pick[npick++] = p;
                        pick[npick++] = q;
                    }
                }
                break;
            }
        }
    free(un);
    if (npick == 0) {
        note(rd, "delivery for %s: needs a parallel executor run in both "
             "modes (--mode ordered,unordered)", in->label);
        return 0;
    }
    double maxt = 0;
    for (size_t k = 0; k < npick; k++) {
        const struct results_row *r = pick[k]->r;
        if (r->timeline[r->ntimeline - 1].t_s > maxt)
            maxt = r->timeline[r->ntimeline - 1].t_s;
    }
    double scale;
    const char *unit;
    time_unit(maxt, &scale, &unit);
    char titles[PLOT_MAX_GROUPS][128], mtitles[PLOT_MAX_GROUPS][128];
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# time_%s  tasks_done  (blocks 0..n-1: completion "
                    "timelines of the last repetition; n..2n-1: first "
                    "result)\n", unit);
    strbuf_printf(&head, "array lcolor[%zu] = [", npick);
    for (size_t k = 0; k < npick; k++) {
        const struct results_row *r = pick[k]->r;
        char ft[32];
        plot_format_time(pick[k]->first_s, ft, sizeof(ft));
        snprintf(titles[k], 128, "%s%s j%u %s (%s)", r->executor,
                 strcmp(r->transport, "pipe") == 0 ? "/pipe" : "",
                 r->workers, r->mode, strcmp(r->mode, "ordered") == 0
                 ? "map" : "as completed");
        snprintf(mtitles[k], 128, "%s %s: first result %s", r->executor,
                 r->mode, ft);
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
        double t = pick[k]->first_s;
        uint64_t y = 0;
        for (size_t q = 0; q < r->ntimeline; q++)
            if (r->timeline[q].t_s >= t * (1 - 1e-9)) {
                y = r->timeline[q].done;
                break;
            }
        buf_dat_comment(&dat, mtitles[k]);
        strbuf_printf(&dat, "%.9g %llu\n\n\n",
                        isfinite(t) ? t * scale : 0, (unsigned long long)y);
    }
    strbuf_printf(&head, "nlines = %zu\n", npick);
    buf_gp_array(&head, "titles", titles, npick);
    buf_gp_array(&head, "mtitles", mtitles, npick);
    char xlabel[64];
    snprintf(xlabel, sizeof(xlabel), "time since first dispatch (%s)",
             unit);
    buf_gp_var(&head, "xlabel_text", xlabel);
    buf_gp_var(&head, "ylabel_text", "tasks delivered to the consumer");
    buf_gp_var(&head, "caption", v->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: delivery, ordered (map) vs "
             "unordered", in->workload);
    stem_of(v, "delivery", in->label, stem, sizeof(stem));
    int rc = emit(rd, "delivery", stem, title, in->params, &head,
                    &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- 4. overhead: ns per task vs chunk size ----------------------------- */

static int cmp_chunk(const void *a, const void *b)
{
    const struct prow *p = *(const struct prow *const *)a;
    const struct prow *q = *(const struct prow *const *)b;
    if (p->r->chunk != q->r->chunk)
        return p->r->chunk < q->r->chunk ? -1 : 1;
    return (p > q) - (p < q);
}

static int chart_overhead(struct render *rd, const struct view *v,
                          const struct inst *in)
{
    char lines[PLOT_MAX_GROUPS][128];
    size_t nlines = 0, count[PLOT_MAX_GROUPS] = { 0 }, most = 0;
    for (size_t k = 0; k < in->n; k++) {
        const struct results_row *r = in->rows[k]->r;
        char l[128];
        if (is_serial(r))
            continue;
        if (!overhead_row(in, in->rows[k]))
            continue;
        overhead_label(r, l, sizeof(l));
        int li = intern(lines, &nlines, PLOT_MAX_GROUPS, l);
        if (li >= 0 && ++count[li] > most)
            most = count[li];
    }
    if (!in->chunk_varies || most < 2) {
        note(rd, "overhead for %s: needs one executor at two or more chunk "
             "sizes (e.g. --chunk 1,16,auto)", in->label);
        return 0;
    }
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# chunk  ns_per_task  ci95_low  ci95_high  (one "
                    "block per executor and worker count)\n");
    /* As in scaling: rows sorted by chunk, one pass per line, the first
     * usable row of each chunk size drawn. */
    const struct prow **by = calloc(in->n + 1, sizeof(*by));
    char (*names)[128] = calloc(in->n + 1, sizeof(*names));
    if (by == NULL || names == NULL) {
        free(by);
        free(names);
        free(dat.p);
        snprintf(rd->err, rd->err_len, "out of memory");
        return -1;
    }
    size_t nby = 0;
    for (size_t k = 0; k < in->n; k++)
        if (overhead_row(in, in->rows[k]) && in->rows[k]->r->tasks > 0)
            by[nby++] = in->rows[k];
    qsort(by, nby, sizeof(*by), cmp_chunk);
    for (size_t k = 0; k < nby; k++)
        overhead_label(by[k]->r, names[k], sizeof(names[k]));
    for (size_t l = 0; l < nlines; l++) {
        buf_dat_comment(&dat, lines[l]);
        uint64_t last = 0;
        int any = 0;
        for (size_t k = 0; k < nby; k++) {
            const struct prow *p = by[k];
            if (strcmp(names[k], lines[l]) != 0 ||
                (any && p->r->chunk == last))
                continue;
            any = 1;
            last = p->r->chunk;
            double t = (double)p->r->tasks;
            strbuf_printf(&dat, "%llu %.6g %.6g %.6g\n",
                            (unsigned long long)p->r->chunk,
                            p->med * 1e9 / t, p->lo * 1e9 / t,
                            p->hi * 1e9 / t);
        }
        strbuf_printf(&dat, "\n\n");
    }
    free(by);
    free(names);
    strbuf_printf(&head, "nlines = %zu\n", nlines);
    buf_gp_array(&head, "titles", lines, nlines);
    double serial_ns = in->serial != NULL && in->serial->r->tasks > 0
                           ? in->serial->med * 1e9 /
                                 (double)in->serial->r->tasks : -1;
    strbuf_printf(&head, "serial_ns = %.6g\n", serial_ns);
    buf_gp_var(&head, "xlabel_text", "chunk size (tasks per claim, log "
               "scale)");
    buf_gp_var(&head, "ylabel_text", "wall time per task (ns, log scale)");
    buf_gp_var(&head, "caption", v->caption);
    char title[256], stem[128];
    snprintf(title, sizeof(title), "%.120s: cost per task vs chunk size%s",
             in->workload, in->both_modes ? " (unordered)" : "");
    stem_of(v, "overhead", in->label, stem, sizeof(stem));
    int rc = emit(rd, "overhead", stem, title, in->params, &head,
                    &dat);
    free(dat.p);
    free(head.p);
    return rc;
}

/* ---- 5. ratio of every configuration against the first file ------------- */

static const struct prow *find_same(const struct view *v,
                                    const struct results_row *r)
{
    for (size_t k = 0; k < v->nrows; k++) {
        const struct results_row *q = v->rows[k].r;
        if (strcmp(q->workload, r->workload) == 0 &&
            strcmp(q->params, r->params) == 0 && same_shape(q, r) &&
            q->chunk == r->chunk)
            return &v->rows[k];
    }
    return NULL;
}

static int chart_ratio(struct render *rd, const struct view *views,
                       size_t nviews)
{
    const struct view *base = &views[0];
    char groups[PLOT_MAX_GROUPS][128], titles[PLOT_MAX_SERIES][128];
    const struct prow *gbase[PLOT_MAX_GROUPS];
    size_t ngroups = 0, nseries = nviews - 1;
    if (nseries > PLOT_MAX_SERIES)
        nseries = PLOT_MAX_SERIES;
    for (size_t k = 0; k < base->nrows && ngroups < PLOT_MAX_GROUPS; k++) {
        const struct prow *p = &base->rows[k];
        int any = 0;
        for (size_t f = 1; f <= nseries; f++)
            if (find_same(&views[f], p->r) != NULL)
                any = 1;
        if (!any || p->med <= 0)
            continue;
        char label[128];
        snprintf(label, sizeof(label), "%.40s%s%.30s %s j%u%s", p->r->workload,
                 p->r->params[0] ? " " : "", p->r->params, p->r->executor,
                 p->r->workers,
                 strcmp(p->r->mode, "ordered") == 0 ? " ord" : "");
        gbase[ngroups] = p;
        snprintf(groups[ngroups++], 128, "%s", label);
    }
    if (ngroups == 0) {
        note(rd, "ratio chart: no configuration of %s appears in the other "
             "files", base->name);
        return 0;
    }
    struct strbuf dat = { 0 }, head = { 0 };
    strbuf_printf(&dat, "# x  ratio  ci95_low  ci95_high  (median wall "
                    "of file k / of the first file; one block per file "
                    "k)\n");
    for (size_t f = 1; f <= nseries; f++) {
        if (strchr(views[f].name, '[') != NULL)
            snprintf(titles[f - 1], 128, "%.120s", views[f].name);
        else
            snprintf(titles[f - 1], 128, "%.80s (%.40s)", views[f].name,
                     views[f].host);
        buf_dat_comment(&dat, views[f].name);
        for (size_t g = 0; g < ngroups; g++) {
            const struct prow *b = gbase[g];
            const struct prow *p = find_same(&views[f], b->r);
            if (p == NULL)
                continue;
            double x = (double)g * ((double)nseries + 1) + (double)f - 1;
            strbuf_printf(&dat, "%g %.6g %.6g %.6g\n", x, p->med / b->med,
                            b->hi > 0 ? p->lo / b->hi : 0,
                            b->lo > 0 ? p->hi / b->lo : p->med / b->med);
        }
        strbuf_printf(&dat, "\n\n");
    }
    size_t longest = 0;
    for (size_t g = 0; g < ngroups; g++)
        if (strlen(groups[g]) > longest)
            longest = strlen(groups[g]);
    /* Upright labels need room below the axis: grow the chart with them. */
    strbuf_printf(&head, "height = %d\nlabel_margin = %zu\n",
                    PLOT_HEIGHT + (int)longest * 5, longest / 3 + 5);
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
        buf_gp_string(&head, groups[g]);
        strbuf_printf(&head, " %g", (double)g * ((double)nseries + 1) +
                                 ((double)nseries - 1) / 2);
    }
    strbuf_printf(&head, ")\nset xrange [-1:%g]\n",
                    (double)ngroups * ((double)nseries + 1) - 1);
    int rc = emit(rd, "ratio", "ratio", "Median wall time relative to the "
                  "first file, 95% CI", NULL, &head, &dat);
    free(dat.p);
    free(head.p);
    return rc;
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

int plot_render(const struct results_file *files, size_t nfiles,
                const struct plot_options *opt, struct plot_set *out,
                char *err, size_t err_len)
{
    struct render rd = { .opt = opt, .set = out, .err = err,
                         .err_len = err_len };
    struct view *views = NULL;
    size_t nviews = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (plot_find_gnuplot(rd.gnuplot, sizeof(rd.gnuplot), err,
                          err_len) != 0)
        return -1;
    rd.scripts = plot_scripts_dir();
    if (mkdir_p(opt->dir, err, err_len) != 0)
        return -1;
    char work[4200];
    if (opt->private_dir) {
        rd.work = opt->dir;
    } else {
        if (fs_private_dir(opt->dir, "plot", work, sizeof(work), err,
                           err_len) != 0)
            return -1;
        rd.work = work;
    }
    /* One view per file, or per machine and run of a merged file. */
    size_t total = 0;
    for (size_t f = 0; f < nfiles; f++)
        total += files[f].nrows + 1;
    views = calloc(total + 1, sizeof(*views));
    if (views == NULL) {
        snprintf(err, err_len, "out of memory");
        goto out;
    }
    for (size_t f = 0; f < nfiles; f++) {
        struct plot_part *parts;
        size_t np = plot_parts(&files[f], &parts);
        if (np == 0) {
            snprintf(err, err_len, "out of memory");
            goto out;
        }
        for (size_t q = 0; q < np; q++) {
            struct view *v = &views[nviews];
            if (view_build(&files[f], np > 1 ? &parts[q] : NULL, v, err,
                           err_len) != 0) {
                free(parts);
                goto out;
            }
            if (np > 1)
                snprintf(v->prefix, sizeof(v->prefix), "f%up%u-",
                         (unsigned)(f + 1) % 10000, (unsigned)(q + 1) % 10000);
            else if (f > 0)
                snprintf(v->prefix, sizeof(v->prefix), "f%u-",
                         (unsigned)(f + 1) % 10000);
            if (nviews == 0)
                v->prefix[0] = '\0';
            nviews++;
        }
        free(parts);
    }
    for (size_t f = 0; f < nviews; f++) {
        const struct view *v = &views[f];
        if (v->ninsts == 0)
            note(&rd, "%s: no successful result to draw", v->name);
        for (size_t i = 0; i < v->ninsts; i++)
            if (chart_bars(&rd, v, &v->insts[i]) != 0 ||
                chart_scaling(&rd, v, &v->insts[i]) != 0 ||
                chart_delivery(&rd, v, &v->insts[i]) != 0 ||
                chart_overhead(&rd, v, &v->insts[i]) != 0)
                goto out;
    }
    if (nviews > 1 && chart_ratio(&rd, views, nviews) != 0)
        goto out;
    rc = 0;
out:
    for (size_t f = 0; f < nviews; f++)
        view_free(&views[f]);
    free(views);
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
"usage: poolbench plot RESULTS.json... [-o DIR]\n"
"\n"
"Draw charts of one or more results files with gnuplot, as SVG and PNG,\n"
"each beside its data (.dat) and script (.gp): `gnuplot NAME.gp` in DIR\n"
"redraws a chart after you restyle it. Templates: %s.\n"
"\n"
"  bars-*      median wall time per executor and worker count, 95%% CI\n"
"  scaling-*   speedup vs workers, ideal line, online CPUs marked\n"
"  delivery-*  tasks delivered vs time, ordered (map) vs unordered\n"
"  overhead-*  wall time per task vs chunk size, log axes\n"
"  ratio       with several files: each configuration vs the first file\n"
"\n"
"  -o, --output DIR   where charts go (default: plots; created if needed)\n"
"      --no-png       SVG only\n"
"  -h, --help         this help\n"
"\n"
"A chart the data cannot support is skipped with a note on stderr.\n"
"Exit status: 0 done, 2 bad usage, a bad results file or no gnuplot.\n",
            plot_scripts_dir());
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
    if (optind >= argc) {
        fprintf(stderr, "poolbench plot: no results file given; expected "
                "poolbench plot RESULTS.json... [-o DIR]\n");
        return EXIT_USAGE;
    }
    char gp[4096];
    if (plot_find_gnuplot(gp, sizeof(gp), err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench plot: %s\n", err);
        return EXIT_USAGE;
    }
    size_t nfiles = (size_t)(argc - optind);
    struct results_file *files = calloc(nfiles, sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "poolbench plot: out of memory\n");
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    size_t loaded = 0;
    for (; loaded < nfiles; loaded++)
        if (results_load(argv[optind + (int)loaded], &files[loaded], err,
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
