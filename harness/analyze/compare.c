/* compare.c - `poolbench compare`: two results files, matched by
 * configuration, tested for significant change, gated for CI. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "compare.h"
#include "exit.h"

/* ---- names ------------------------------------------------------------ */

static const char *const verdict_names[] = {
    [COMPARE_SAME] = "same",
    [COMPARE_FASTER] = "faster",
    [COMPARE_SLOWER] = "slower",
    [COMPARE_FEW] = "too few samples",
    [COMPARE_FAILED] = "failed",
    [COMPARE_NO_DATA] = "no data",
    [COMPARE_BASELINE] = "baseline",
    [COMPARE_NO_SERIAL] = "no serial baseline",
};

const char *compare_verdict_name(enum compare_verdict v)
{
    return verdict_names[v];
}

static const char *metric_word(const struct compare_options *o)
{
    if (o->normalize_speedup)
        return "speedup";
    switch (o->metric) {
    case COMPARE_WALL: return "wall";
    case COMPARE_CPU: return "cpu";
    case COMPARE_NS_PER_TASK: return "ns_per_task";
    }
    return "?";
}

/* What the compared numbers are, for headers. */
static const char *metric_doc(const struct compare_options *o)
{
    if (o->normalize_speedup)
        return "speedup over serial (the fastest serial median wall_s / "
               "each repetition's wall_s); higher is better";
    switch (o->metric) {
    case COMPARE_WALL: return "wall_s per repetition; lower is better";
    case COMPARE_CPU: return "user_s + sys_s per repetition; lower is better";
    case COMPARE_NS_PER_TASK:
        return "wall_s * 1e9 / tasks per repetition; lower is better";
    }
    return "?";
}

/* The Bencher measure slug of the metric, and its scale from our unit
 * (Bencher's built-in latency is in nanoseconds). */
static const char *bmf_measure(const struct compare_options *o,
                               double *scale)
{
    *scale = 1.0;
    if (o->normalize_speedup)
        return "speedup";
    switch (o->metric) {
    case COMPARE_WALL:
        *scale = 1e9;
        return "latency";
    case COMPARE_CPU:
        *scale = 1e9;
        return "cpu-time";
    case COMPARE_NS_PER_TASK:
        return "ns-per-task";
    }
    return "?";
}

/* ---- configurations ---------------------------------------------------- */

/* "factorial n=300,skew=1": the workload instance, as `run` prints it. */
static void instance_label(const struct results_row *row, char *buf,
                           size_t len)
{
    snprintf(buf, len, "%s%s%s", row->workload, row->params[0] ? " " : "",
             row->params);
}

/* "threads", or "procs/pipe" when the executor has a transport. */
static void executor_label(const struct results_row *row, char *buf,
                           size_t len)
{
    int plain = strcmp(row->transport, "none") == 0;
    snprintf(buf, len, "%s%s%s", row->executor, plain ? "" : "/",
             plain ? "" : row->transport);
}

/* The whole configuration on one line: "factorial n=300,skew=1 threads
 * j=2 unordered chunk=125". */
static void config_label(const struct results_row *row, char *buf,
                         size_t len)
{
    char inst[256], ex[96];
    instance_label(row, inst, sizeof(inst));
    executor_label(row, ex, sizeof(ex));
    snprintf(buf, len, "%s %s j=%u %s chunk=%llu", inst, ex, row->workers,
             row->mode, (unsigned long long)row->chunk);
}

/* The serial baseline of row, as `run` computes speedup: the fastest
 * (lowest median wall_s) serial row of the same workload, parameters and
 * machine, or NULL. Its median wall_s goes into *median_s. */
static const struct results_row *serial_of(const struct results_file *f,
                                           const struct results_row *row,
                                           double *median_s)
{
    const struct results_row *best = NULL;
    for (size_t k = 0; k < f->nrows; k++) {
        const struct results_row *s = &f->rows[k];
        const struct results_series *w = results_series_find(s, "wall_s");
        if (strcmp(s->executor, "serial") != 0 || s->failure != NULL ||
            strcmp(s->workload, row->workload) != 0 ||
            strcmp(s->params, row->params) != 0 ||
            s->machine_index != row->machine_index || w == NULL ||
            w->n == 0)
            continue;
        double m = stats_median(w->v, w->n);
        if (best == NULL || m < *median_s) {
            best = s;
            *median_s = m;
        }
    }
    return best;
}

/* The compared metric of row, per repetition, into a new array. Returns
 * 0, or -1 with why (and *verdict saying which kind of "no"). */
static int metric_values(const struct results_file *f,
                         const struct results_row *row,
                         const struct compare_options *o, double **out,
                         size_t *n, enum compare_verdict *verdict,
                         char *why, size_t why_len)
{
    const struct results_series *wall = results_series_find(row, "wall_s");
    const struct results_series *a = wall, *b = NULL;
    double median_serial = NAN;
    *out = NULL;
    *n = 0;
    *verdict = COMPARE_NO_DATA;
    if (o->normalize_speedup) {
        if (serial_of(f, row, &median_serial) == NULL) {
            *verdict = COMPARE_NO_SERIAL;
            snprintf(why, why_len, "%s has no serial run of %s %s to "
                     "normalize by", f->path, row->workload, row->params);
            return -1;
        }
    } else if (o->metric == COMPARE_CPU) {
        a = results_series_find(row, "user_s");
        b = results_series_find(row, "sys_s");
        if (a == NULL || b == NULL || a->n != b->n) {
            snprintf(why, why_len, "%s: no user_s and sys_s samples of "
                     "equal length", f->path);
            return -1;
        }
    } else if (o->metric == COMPARE_NS_PER_TASK && row->tasks == 0) {
        snprintf(why, why_len, "%s: 0 tasks, no ns_per_task", f->path);
        return -1;
    }
    if (a == NULL || a->n == 0) {
        snprintf(why, why_len, "%s: no samples", f->path);
        return -1;
    }
    double *v = malloc(a->n * sizeof(*v));
    if (v == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < a->n; k++) {
        if (o->normalize_speedup) {
            if (!(a->v[k] > 0)) {
                free(v);
                snprintf(why, why_len, "%s: a wall_s sample is 0",
                         f->path);
                return -1;
            }
            v[k] = median_serial / a->v[k];
        } else if (o->metric == COMPARE_CPU) {
            v[k] = a->v[k] + b->v[k];
        } else if (o->metric == COMPARE_NS_PER_TASK) {
            v[k] = a->v[k] * 1e9 / (double)row->tasks;
        } else {
            v[k] = a->v[k];
        }
    }
    *out = v;
    *n = a->n;
    return 0;
}

/* Append text to a match's note, "; "-separated. */
static void add_note(struct compare_match *m, const char *fmt, ...)
{
    size_t used = strlen(m->note);
    if (used > 0 && used + 2 < sizeof(m->note)) {
        strcat(m->note, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->note + used, sizeof(m->note) - used, fmt, ap);
    va_end(ap);
}

/* Test one match and give it a verdict. */
static void evaluate(const struct compare_report *r, struct compare_match *m)
{
    const struct compare_options *o = &r->opt;
    char why[256];
    enum compare_verdict no;
    m->ratio = m->est = m->ci_low = m->ci_high = NAN;
    m->base_median = m->new_median = NAN;
    if (m->base->failure != NULL || m->new_row->failure != NULL) {
        m->verdict = COMPARE_FAILED;
        if (m->base->failure != NULL)
            add_note(m, "base failed: %s", m->base->failure);
        if (m->new_row->failure != NULL)
            add_note(m, "new failed: %s", m->new_row->failure);
        return;
    }
    if (o->normalize_speedup && strcmp(m->base->executor, "serial") == 0) {
        m->verdict = COMPARE_BASELINE;
        return;
    }
    if (metric_values(r->base, m->base, o, &m->bv, &m->nb, &no, why,
                      sizeof(why)) != 0 ||
        metric_values(r->new_file, m->new_row, o, &m->nv, &m->nn, &no, why,
                      sizeof(why)) != 0) {
        m->verdict = no;
        add_note(m, "%s", why);
        return;
    }
    if (!o->normalize_speedup && o->metric != COMPARE_NS_PER_TASK &&
        m->base->tasks != m->new_row->tasks)
        add_note(m, "tasks differ (%llu vs %llu): compare --metric "
                 "ns_per_task", (unsigned long long)m->base->tasks,
                 (unsigned long long)m->new_row->tasks);
    else if (m->base->tasks == m->new_row->tasks &&
             strcmp(m->base->checksum, m->new_row->checksum) != 0)
        add_note(m, "checksums differ (%s vs %s): the runs did not do the "
                 "same work", m->base->checksum, m->new_row->checksum);

    m->base_median = stats_median(m->bv, m->nb);
    m->new_median = stats_median(m->nv, m->nn);
    if (m->base_median > 0)
        m->ratio = m->new_median / m->base_median;
    else if (m->new_median > 0)
        m->ratio = INFINITY;
    int ci = stats_ratio_ci(m->bv, m->nb, m->nv, m->nn, COMPARE_CI_LEVEL,
                            &m->est, &m->ci_low, &m->ci_high);
    m->ci_short = ci == 1;
    if (stats_mann_whitney(m->bv, m->nb, m->nv, m->nn, &m->mwu) != 0) {
        m->verdict = COMPARE_NO_DATA;
        add_note(m, "out of memory");
        return;
    }
    m->tested = 1;
    if (m->nb < COMPARE_MIN_SAMPLES || m->nn < COMPARE_MIN_SAMPLES) {
        m->verdict = COMPARE_FEW;
        return;
    }
    if (!(m->mwu.p < o->alpha) || m->new_median == m->base_median) {
        m->verdict = COMPARE_SAME;
        return;
    }
    /* Time: higher is worse. Speedup: lower is worse. */
    int worse = o->normalize_speedup ? m->new_median < m->base_median
                                     : m->new_median > m->base_median;
    m->verdict = worse ? COMPARE_SLOWER : COMPARE_FASTER;
    double t = o->threshold_pct / 100.0;
    /* "Slower by more than t" means t more time; for a speedup that is
     * a ratio below 1 / (1 + t), so that both metrics gate alike. */
    if (worse && !isnan(m->ratio))
        m->regression = o->normalize_speedup ? m->ratio < 1.0 / (1.0 + t)
                                             : m->ratio > 1.0 + t;
}

/* A total order on configurations (the fields same_config compares), so
 * that matching sorts and searches instead of comparing every pair. */
static int cmp_config(const struct results_row *a,
                      const struct results_row *b)
{
    int c = strcmp(a->workload, b->workload);
    if (c == 0)
        c = strcmp(a->executor, b->executor);
    if (c == 0)
        c = (a->workers > b->workers) - (a->workers < b->workers);
    if (c == 0)
        c = strcmp(a->mode, b->mode);
    if (c == 0)
        c = (a->chunk > b->chunk) - (a->chunk < b->chunk);
    if (c == 0)
        c = strcmp(a->transport, b->transport);
    if (c == 0)
        c = strcmp(a->params, b->params);
    return c;
}

/* qsort order of row pointers: by configuration, then by file order. */
static int cmp_row_ptr(const void *x, const void *y)
{
    const struct results_row *a = *(const struct results_row *const *)x;
    const struct results_row *b = *(const struct results_row *const *)y;
    int c = cmp_config(a, b);
    if (c != 0)
        return c;
    return (a > b) - (a < b);
}

/* f's rows as pointers sorted by configuration, or NULL (no memory). */
static const struct results_row **sorted_rows(const struct results_file *f)
{
    const struct results_row **v = malloc((f->nrows > 0 ? f->nrows : 1) *
                                          sizeof(*v));
    if (v == NULL)
        return NULL;
    for (size_t k = 0; k < f->nrows; k++)
        v[k] = &f->rows[k];
    qsort(v, f->nrows, sizeof(*v), cmp_row_ptr);
    return v;
}

/* Fail unless every configuration appears once in f; sorted is f's rows
 * from sorted_rows. Names the first row (in file order) that has a
 * duplicate, and its first duplicate. */
static int check_unique(const struct results_file *f,
                        const struct results_row **sorted, char *err,
                        size_t err_len)
{
    const struct results_row *first = NULL, *second = NULL;
    for (size_t k = 0; k + 1 < f->nrows; k++)
        if (cmp_config(sorted[k], sorted[k + 1]) == 0 &&
            (first == NULL || sorted[k] < first)) {
            first = sorted[k];
            second = sorted[k + 1];
            while (k + 1 < f->nrows && cmp_config(sorted[k],
                                                  sorted[k + 1]) == 0)
                k++;
        }
    if (first == NULL)
        return 0;
    char label[512];
    config_label(first, label, sizeof(label));
    snprintf(err, err_len, "%s: results[%zu] and results[%zu] are the same "
             "configuration (%s); compare takes one run per file, not a "
             "merge of runs", f->path, (size_t)(first - f->rows),
             (size_t)(second - f->rows), label);
    return -1;
}

/* The row of sorted (n rows) with row's configuration, or NULL. */
static const struct results_row *find_config(
    const struct results_row **sorted, size_t n,
    const struct results_row *row)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_config(sorted[mid], row);
        if (c == 0)
            return sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int compare_files(const struct results_file *base,
                  const struct results_file *new_file,
                  const struct compare_options *opt,
                  struct compare_report *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof(*out));
    out->base = base;
    out->new_file = new_file;
    out->base_name = base->path;
    out->new_name = new_file->path;
    out->opt = *opt;
    if (base->nrows == 0 || new_file->nrows == 0) {
        snprintf(err, err_len, "%s: results is empty; nothing to compare",
                 base->nrows == 0 ? base->path : new_file->path);
        return -1;
    }
    const struct results_row **sb = sorted_rows(base);
    const struct results_row **sn = sorted_rows(new_file);
    out->matches = calloc(base->nrows, sizeof(*out->matches));
    out->only_base = calloc(base->nrows, sizeof(*out->only_base));
    out->only_new = calloc(new_file->nrows, sizeof(*out->only_new));
    char *used = calloc(new_file->nrows, 1);
    if (sb == NULL || sn == NULL || out->matches == NULL ||
        out->only_base == NULL || out->only_new == NULL || used == NULL) {
        snprintf(err, err_len, "out of memory");
        goto fail;
    }
    if (check_unique(base, sb, err, err_len) != 0 ||
        check_unique(new_file, sn, err, err_len) != 0)
        goto fail;
    for (size_t i = 0; i < base->nrows; i++) {
        const struct results_row *b = &base->rows[i];
        const struct results_row *n = find_config(sn, new_file->nrows, b);
        if (n == NULL) {
            out->only_base[out->nonly_base++] = b;
            continue;
        }
        used[n - new_file->rows] = 1;
        struct compare_match *m = &out->matches[out->nmatches++];
        m->base = b;
        m->new_row = n;
    }
    for (size_t j = 0; j < new_file->nrows; j++)
        if (!used[j])
            out->only_new[out->nonly_new++] = &new_file->rows[j];
    free(used);
    free(sb);
    free(sn);
    if (out->nmatches == 0) {
        snprintf(err, err_len, "no configuration of %s matches one of %s "
                 "(%zu and %zu configurations; a match needs the same "
                 "workload, executor, workers, mode, chunk, transport and "
                 "params)", new_file->path, base->path, new_file->nrows,
                 base->nrows);
        compare_report_free(out);
        return -1;
    }
    size_t normalized = 0;
    for (size_t k = 0; k < out->nmatches; k++) {
        struct compare_match *m = &out->matches[k];
        evaluate(out, m);
        out->by_verdict[m->verdict]++;
        out->regressions += m->regression != 0;
        normalized += m->tested;
    }
    if (opt->normalize_speedup && normalized == 0) {
        snprintf(err, err_len, "--normalize speedup: no matched parallel "
                 "configuration has a serial run of the same workload and "
                 "params in both files; add -e serial to both runs");
        compare_report_free(out);
        return -1;
    }
    return 0;
fail:
    free(used);
    free(sb);
    free(sn);
    compare_report_free(out);
    return -1;
}

void compare_report_free(struct compare_report *r)
{
    for (size_t k = 0; k < r->nmatches; k++) {
        free(r->matches[k].bv);
        free(r->matches[k].nv);
    }
    free(r->matches);
    free(r->only_base);
    free(r->only_new);
    memset(r, 0, sizeof(*r));
}

/* ---- cells ------------------------------------------------------------- */

/* A value of the compared metric in its unit. */
static void fmt_value(const struct compare_options *o, double v, char *buf,
                      size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (o->normalize_speedup)
        snprintf(buf, len, "%.2fx", v);
    else if (o->metric == COMPARE_NS_PER_TASK)
        snprintf(buf, len, "%.1f ns", v);
    else if (v < 1e-6)
        snprintf(buf, len, "%.0f ns", v * 1e9);
    else if (v < 1e-3)
        snprintf(buf, len, "%.1f us", v * 1e6);
    else if (v < 1.0)
        snprintf(buf, len, "%.3f ms", v * 1e3);
    else
        snprintf(buf, len, "%.3f s", v);
}

static void fmt_p(double p, char *buf, size_t len)
{
    if (p >= 0.001)
        snprintf(buf, len, "%.3f", p);
    else
        snprintf(buf, len, "%.1e", p);
}

enum {
    C_WORKLOAD, C_EXECUTOR, C_WORKERS, C_MODE, C_CHUNK, C_N, C_BASE, C_NEW,
    C_RATIO, C_CI, C_P, C_VERDICT, NCOLS
};

static const char *const col_heads[NCOLS] = {
    "workload", "executor", "j", "mode", "chunk", "n", "base", "new",
    "ratio", "95% CI", "p", "verdict",
};

/* Right-aligned columns (numbers). */
static const int col_right[NCOLS] = {
    0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0,
};

/* One table row of text cells. */
struct cells {
    char c[NCOLS][320];
};

static void match_cells(const struct compare_report *r,
                        const struct compare_match *m, struct cells *out)
{
    const struct results_row *row = m->base;
    memset(out, 0, sizeof(*out));
    instance_label(row, out->c[C_WORKLOAD], sizeof(out->c[0]));
    executor_label(row, out->c[C_EXECUTOR], sizeof(out->c[0]));
    snprintf(out->c[C_WORKERS], sizeof(out->c[0]), "%u", row->workers);
    snprintf(out->c[C_MODE], sizeof(out->c[0]), "%s", row->mode);
    snprintf(out->c[C_CHUNK], sizeof(out->c[0]), "%llu",
             (unsigned long long)row->chunk);
    if (m->bv != NULL)
        snprintf(out->c[C_N], sizeof(out->c[0]), "%zu/%zu", m->nb, m->nn);
    else
        snprintf(out->c[C_N], sizeof(out->c[0]), "-");
    fmt_value(&r->opt, m->base_median, out->c[C_BASE], sizeof(out->c[0]));
    fmt_value(&r->opt, m->new_median, out->c[C_NEW], sizeof(out->c[0]));
    if (isnan(m->ratio))
        snprintf(out->c[C_RATIO], sizeof(out->c[0]), "-");
    else
        snprintf(out->c[C_RATIO], sizeof(out->c[0]), "%.3f", m->ratio);
    if (isnan(m->ci_low))
        snprintf(out->c[C_CI], sizeof(out->c[0]), "-");
    else
        snprintf(out->c[C_CI], sizeof(out->c[0]), "[%.3f, %.3f]%s",
                 m->ci_low, m->ci_high, m->ci_short ? "*" : "");
    if (m->tested)
        fmt_p(m->mwu.p, out->c[C_P], sizeof(out->c[0]));
    else
        snprintf(out->c[C_P], sizeof(out->c[0]), "-");
    snprintf(out->c[C_VERDICT], sizeof(out->c[0]), "%s%s",
             compare_verdict_name(m->verdict),
             m->regression ? " (regression)" : "");
}

/* ---- machines ---------------------------------------------------------- */

static const char *const machine_keys[] = {
    "hostname", "os", "kernel", "arch", "cpu_model", "cpus_online",
    "affinity", "affinity_count", "mem_total_bytes", "clocksource",
    "governor", "compiler", "build_type", "poolbench_version", "git_commit",
};

#define NMACHINE_KEYS (sizeof(machine_keys) / sizeof(machine_keys[0]))

/* The machine a file's rows were measured on (the first row's). */
static const struct results_machine *machine_of(const struct results_file *f)
{
    size_t k = f->nrows > 0 ? f->rows[0].machine_index : 0;
    return k < f->nmachines ? &f->machines[k] : NULL;
}

/* How many distinct machines f's rows come from. */
static size_t machines_used(const struct results_file *f)
{
    size_t n = 0;
    for (size_t m = 0; m < f->nmachines; m++)
        for (size_t k = 0; k < f->nrows; k++)
            if (f->rows[k].machine_index == m) {
                n++;
                break;
            }
    return n;
}

static void machine_value(const struct results_machine *m, const char *key,
                          char *buf, size_t len)
{
    const cJSON *j = m != NULL ? cJSON_GetObjectItemCaseSensitive(m->json,
                                                                  key)
                               : NULL;
    if (cJSON_IsString(j))
        snprintf(buf, len, "%s", j->valuestring);
    else if (cJSON_IsNumber(j) && strcmp(key, "mem_total_bytes") == 0)
        snprintf(buf, len, "%.1f GiB", j->valuedouble / (1024.0 * 1024 *
                                                         1024));
    else if (cJSON_IsNumber(j))
        snprintf(buf, len, "%.0f", j->valuedouble);
    else
        snprintf(buf, len, "unknown");
}

/* One line of the side-by-side header. */
struct header_line {
    const char *key;
    char base[320], new_v[320];
    int differs;
};

/* The header: file, created, every machine key. Returns the count. */
static size_t header_lines(const struct compare_report *r,
                           struct header_line *out, size_t max)
{
    size_t n = 0;
    const struct results_machine *mb = machine_of(r->base);
    const struct results_machine *mn = machine_of(r->new_file);
    if (max < 2 + NMACHINE_KEYS)
        return 0;
    out[n].key = "file";
    snprintf(out[n].base, sizeof(out[n].base), "%s", r->base_name);
    snprintf(out[n].new_v, sizeof(out[n].new_v), "%s", r->new_name);
    out[n++].differs = 0;
    out[n].key = "created";
    snprintf(out[n].base, sizeof(out[n].base), "%s", r->base->created);
    snprintf(out[n].new_v, sizeof(out[n].new_v), "%s", r->new_file->created);
    out[n++].differs = 0;
    for (size_t k = 0; k < NMACHINE_KEYS; k++) {
        out[n].key = machine_keys[k];
        machine_value(mb, machine_keys[k], out[n].base, sizeof(out[n].base));
        machine_value(mn, machine_keys[k], out[n].new_v,
                      sizeof(out[n].new_v));
        out[n].differs = strcmp(out[n].base, out[n].new_v) != 0;
        n++;
    }
    return n;
}

/* A copy of s in buf that is safe on a terminal (results_term_safe):
 * names, hosts and notes come from the files. */
static const char *term_safe(const char *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s);
    results_term_safe(buf, len);
    return buf;
}

/* Escape the header's values and a row's cells in place. */
static void header_safe(struct header_line *h, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        results_term_safe(h[k].base, sizeof(h[k].base));
        results_term_safe(h[k].new_v, sizeof(h[k].new_v));
    }
}

static void cells_safe(struct cells *c)
{
    for (int k = 0; k < NCOLS; k++)
        results_term_safe(c->c[k], sizeof(c->c[k]));
}

/* ---- text -------------------------------------------------------------- */

static void gate_line(FILE *f, const struct compare_report *r,
                      const char *bold, const char *plain)
{
    if (r->regressions > 0)
        fprintf(f, "%sgate: FAILED%s: %zu configuration%s slower by more "
                "than %g%% with p < %g\n", bold, plain, r->regressions,
                r->regressions == 1 ? "" : "s", r->opt.threshold_pct,
                r->opt.alpha);
    else
        fprintf(f, "%sgate: passed%s: no configuration slower by more than "
                "%g%% with p < %g\n", bold, plain, r->opt.threshold_pct,
                r->opt.alpha);
}

/* "9 matched: 2 faster, 1 slower, ...". */
static void counts_line(FILE *f, const struct compare_report *r)
{
    fprintf(f, "%zu matched:", r->nmatches);
    const char *sep = " ";
    for (size_t v = 0; v <= COMPARE_NO_SERIAL; v++) {
        if (r->by_verdict[v] == 0)
            continue;
        fprintf(f, "%s%zu %s", sep, r->by_verdict[v],
                compare_verdict_name((enum compare_verdict)v));
        sep = ", ";
    }
    fprintf(f, "; %zu only in base, %zu only in new\n", r->nonly_base,
            r->nonly_new);
}

static void print_text(FILE *f, const struct compare_report *r)
{
    int tty = isatty(fileno(f));
    const char *bold = tty ? "\033[1m" : "", *plain = tty ? "\033[0m" : "";
    struct header_line h[2 + NMACHINE_KEYS];
    size_t nh = header_lines(r, h, sizeof(h) / sizeof(h[0]));
    header_safe(h, nh);
    int wk = 0, wb = 4;
    for (size_t k = 0; k < nh; k++) {
        if ((int)strlen(h[k].key) > wk)
            wk = (int)strlen(h[k].key);
        if ((int)strlen(h[k].base) > wb)
            wb = (int)strlen(h[k].base);
    }
    fprintf(f, "  %-*s  %-*s  %s\n", wk, "", wb, "base", "new");
    for (size_t k = 0; k < nh; k++)
        fprintf(f, "%s %-*s  %-*s  %s%s%s\n", h[k].differs ? "*" : " ", wk,
                h[k].key, wb, h[k].base, h[k].differs ? bold : "",
                h[k].new_v, h[k].differs ? plain : "");
    for (int side = 0; side < 2; side++) {
        const struct results_file *rf = side ? r->new_file : r->base;
        size_t used = machines_used(rf);
        char path[512];
        if (used > 1)
            fprintf(f, "  (%s holds runs of %zu machines; the first is "
                    "shown)\n", term_safe(rf->path, path, sizeof(path)),
                    used);
    }
    fprintf(f, "  (* differs)\n\n");
    fprintf(f, "metric: %s\nratio = new / base, 95%% CI by Hodges-Lehmann "
            "(Moses); p = two-sided Mann-Whitney U\n\n", metric_doc(&r->opt));

    struct cells *rows = calloc(r->nmatches, sizeof(*rows));
    if (rows == NULL)
        return;
    int w[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        w[c] = (int)strlen(col_heads[c]);
    for (size_t k = 0; k < r->nmatches; k++) {
        match_cells(r, &r->matches[k], &rows[k]);
        cells_safe(&rows[k]);
        for (int c = 0; c < NCOLS; c++)
            if ((int)strlen(rows[k].c[c]) > w[c])
                w[c] = (int)strlen(rows[k].c[c]);
    }
    for (int c = 0; c < NCOLS; c++)
        fprintf(f, "%s%*s", c ? "  " : "",
                c == NCOLS - 1 ? 0 : (col_right[c] ? w[c] : -w[c]),
                col_heads[c]);
    fputc('\n', f);
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        for (int c = 0; c < NCOLS; c++) {
            int hi = c == C_VERDICT && m->regression;
            fprintf(f, "%s%s%*s%s", c ? "  " : "", hi ? bold : "",
                    c == NCOLS - 1 ? 0 : (col_right[c] ? w[c] : -w[c]),
                    rows[k].c[c], hi ? plain : "");
        }
        fputc('\n', f);
    }
    free(rows);
    int starred = 0;
    for (size_t k = 0; k < r->nmatches; k++)
        starred |= r->matches[k].ci_short;
    if (starred)
        fprintf(f, "* too few samples for a 95%% interval: [min, max] of "
                "the ratios\n");
    int notes = 0;
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        if (m->note[0] == '\0')
            continue;
        char label[512], note[sizeof(m->note)];
        config_label(m->base, label, sizeof(label));
        results_term_safe(label, sizeof(label));
        fprintf(f, "%s  %s: %s\n", notes++ ? "" : "\nnotes:\n", label,
                term_safe(m->note, note, sizeof(note)));
    }
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        if (n == 0)
            continue;
        char name[512];
        fprintf(f, "\nonly in %s (%zu, not compared):\n",
                term_safe(side ? r->new_name : r->base_name, name,
                          sizeof(name)), n);
        for (size_t k = 0; k < n; k++) {
            char label[512];
            config_label(only[k], label, sizeof(label));
            results_term_safe(label, sizeof(label));
            fprintf(f, "  %s\n", label);
        }
    }
    fputc('\n', f);
    counts_line(f, r);
    gate_line(f, r, bold, plain);
}

/* ---- markdown ---------------------------------------------------------- */

/* A table cell: '|' escaped, newlines flattened. */
static void md_cell(FILE *f, const char *s, int bold)
{
    fputs(bold ? " **" : " ", f);
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            fputs("\\|", f);
        else if (*p == '\n' || *p == '\r')
            fputc(' ', f);
        else
            fputc(*p, f);
    }
    fputs(bold ? "** |" : " |", f);
}

static void print_markdown(FILE *f, const struct compare_report *r)
{
    char bname[512], nname[512];
    term_safe(r->base_name, bname, sizeof(bname));
    term_safe(r->new_name, nname, sizeof(nname));
    fprintf(f, "### poolbench compare: `%s` vs `%s`\n\n", bname, nname);
    if (r->regressions > 0)
        fprintf(f, "**Gate: failed**: %zu configuration%s slower by more "
                "than %g%% with p < %g.\n\n", r->regressions,
                r->regressions == 1 ? "" : "s", r->opt.threshold_pct,
                r->opt.alpha);
    else
        fprintf(f, "**Gate: passed**: no configuration slower by more than "
                "%g%% with p < %g.\n\n", r->opt.threshold_pct, r->opt.alpha);
    fprintf(f, "Metric: %s. Ratio = new / base with a 95%% Hodges-Lehmann "
            "interval; p = two-sided Mann-Whitney U.\n\n",
            metric_doc(&r->opt));

    struct header_line h[2 + NMACHINE_KEYS];
    size_t nh = header_lines(r, h, sizeof(h) / sizeof(h[0]));
    header_safe(h, nh);
    fprintf(f, "| | base | new |\n| --- | --- | --- |\n|");
    for (size_t k = 0; k < nh; k++) {
        md_cell(f, h[k].key, h[k].differs);
        md_cell(f, h[k].base, h[k].differs);
        md_cell(f, h[k].new_v, h[k].differs);
        fputs(k + 1 < nh ? "\n|" : "\n", f);
    }
    fprintf(f, "\nDiffering machine fields are in bold.\n\n|");
    for (int c = 0; c < NCOLS; c++)
        md_cell(f, col_heads[c], 0);
    fputs("\n|", f);
    for (int c = 0; c < NCOLS; c++)
        fputs(col_right[c] ? " ---: |" : " --- |", f);
    fputc('\n', f);
    for (size_t k = 0; k < r->nmatches; k++) {
        struct cells cells;
        match_cells(r, &r->matches[k], &cells);
        cells_safe(&cells);
        fputc('|', f);
        for (int c = 0; c < NCOLS; c++)
            md_cell(f, cells.c[c], c == C_VERDICT &&
                    (r->matches[k].regression ||
                     r->matches[k].verdict == COMPARE_FAILED));
        fputc('\n', f);
    }
    int notes = 0;
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        if (m->note[0] == '\0')
            continue;
        char label[512], note[sizeof(m->note)];
        config_label(m->base, label, sizeof(label));
        results_term_safe(label, sizeof(label));
        fprintf(f, "%s- `%s`: %s\n", notes++ ? "" : "\nNotes:\n\n", label,
                term_safe(m->note, note, sizeof(note)));
    }
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        if (n == 0)
            continue;
        fprintf(f, "\nOnly in `%s` (not compared):\n\n",
                side ? nname : bname);
        for (size_t k = 0; k < n; k++) {
            char label[512];
            config_label(only[k], label, sizeof(label));
            results_term_safe(label, sizeof(label));
            fprintf(f, "- `%s`\n", label);
        }
    }
    fputc('\n', f);
    counts_line(f, r);
}

/* ---- json -------------------------------------------------------------- */

/* A number, or null when it is not finite (JSON has no NaN). */
static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *config_json(const struct results_row *row)
{
    cJSON *o = cJSON_CreateObject();
    char label[512];
    if (o == NULL)
        return NULL;
    config_label(row, label, sizeof(label));
    cJSON_AddStringToObject(o, "name", label);
    cJSON_AddStringToObject(o, "workload", row->workload);
    cJSON_AddStringToObject(o, "executor", row->executor);
    cJSON_AddNumberToObject(o, "workers", row->workers);
    cJSON_AddStringToObject(o, "mode", row->mode);
    cJSON_AddNumberToObject(o, "chunk", (double)row->chunk);
    cJSON_AddStringToObject(o, "transport", row->transport);
    cJSON_AddStringToObject(o, "params", row->params);
    return o;
}

static cJSON *side_json(const struct results_row *row, const double *v,
                        size_t n)
{
    cJSON *o = cJSON_CreateObject();
    struct stats_summary s;
    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "tasks", (double)row->tasks);
    cJSON_AddStringToObject(o, "checksum", row->checksum);
    if (row->failure != NULL)
        cJSON_AddStringToObject(o, "failure", row->failure);
    else
        cJSON_AddNullToObject(o, "failure");
    if (v != NULL && stats_summarize(v, n, &s) == 0)
        cJSON_AddItemToObject(o, "stats", results_stats_json(&s));
    else
        cJSON_AddNullToObject(o, "stats");
    return o;
}

static cJSON *report_json(const struct compare_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    cJSON_AddStringToObject(root, "schema", "poolbench-compare/1");
    cJSON_AddStringToObject(root, "metric", metric_word(&r->opt));
    cJSON_AddStringToObject(root, "metric_doc", metric_doc(&r->opt));
    cJSON_AddNumberToObject(root, "threshold_pct", r->opt.threshold_pct);
    cJSON_AddNumberToObject(root, "alpha", r->opt.alpha);
    cJSON_AddNumberToObject(root, "ci_level", COMPARE_CI_LEVEL);
    for (int side = 0; side < 2; side++) {
        const struct results_file *rf = side ? r->new_file : r->base;
        const struct results_machine *m = machine_of(rf);
        cJSON *s = cJSON_AddObjectToObject(root, side ? "new" : "base");
        cJSON_AddStringToObject(s, "path", side ? r->new_name
                                                : r->base_name);
        cJSON_AddStringToObject(s, "created", rf->created);
        cJSON_AddNumberToObject(s, "machines_used", (double)machines_used(rf));
        if (m != NULL)
            cJSON_AddItemToObject(s, "machine", cJSON_Duplicate(m->json, 1));
    }
    struct header_line h[2 + NMACHINE_KEYS];
    size_t nh = header_lines(r, h, sizeof(h) / sizeof(h[0]));
    cJSON *diff = cJSON_AddArrayToObject(root, "machine_differences");
    for (size_t k = 0; k < nh; k++) {
        if (!h[k].differs)
            continue;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "field", h[k].key);
        cJSON_AddStringToObject(d, "base", h[k].base);
        cJSON_AddStringToObject(d, "new", h[k].new_v);
        cJSON_AddItemToArray(diff, d);
    }
    cJSON *cmp = cJSON_AddArrayToObject(root, "comparisons");
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        cJSON *o = config_json(m->base);
        cJSON_AddItemToObject(o, "base", side_json(m->base, m->bv, m->nb));
        cJSON_AddItemToObject(o, "new", side_json(m->new_row, m->nv,
                                                  m->nn));
        add_num(o, "base_median", m->base_median);
        add_num(o, "new_median", m->new_median);
        add_num(o, "ratio", m->ratio);
        add_num(o, "ratio_hl", m->est);
        add_num(o, "ratio_ci95_low", m->ci_low);
        add_num(o, "ratio_ci95_high", m->ci_high);
        if (m->tested) {
            cJSON_AddNumberToObject(o, "u", m->mwu.u);
            cJSON_AddNumberToObject(o, "p", m->mwu.p);
            cJSON_AddBoolToObject(o, "p_exact", m->mwu.exact);
        } else {
            cJSON_AddNullToObject(o, "u");
            cJSON_AddNullToObject(o, "p");
            cJSON_AddNullToObject(o, "p_exact");
        }
        cJSON_AddStringToObject(o, "verdict",
                                compare_verdict_name(m->verdict));
        cJSON_AddBoolToObject(o, "regression", m->regression);
        if (m->note[0] != '\0')
            cJSON_AddStringToObject(o, "note", m->note);
        else
            cJSON_AddNullToObject(o, "note");
        cJSON_AddItemToArray(cmp, o);
    }
    for (int side = 0; side < 2; side++) {
        size_t n = side ? r->nonly_new : r->nonly_base;
        const struct results_row **only = side ? r->only_new : r->only_base;
        cJSON *a = cJSON_AddArrayToObject(root, side ? "only_in_new"
                                                     : "only_in_base");
        for (size_t k = 0; k < n; k++)
            cJSON_AddItemToArray(a, config_json(only[k]));
    }
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    for (size_t v = 0; v <= COMPARE_NO_SERIAL; v++)
        cJSON_AddNumberToObject(counts,
                                compare_verdict_name((enum compare_verdict)v),
                                (double)r->by_verdict[v]);
    cJSON_AddNumberToObject(root, "regressions", (double)r->regressions);
    cJSON_AddStringToObject(root, "gate", r->regressions ? "failed"
                                                         : "passed");
    return root;
}

/* ---- Bencher Metric Format -------------------------------------------- */

/* "factorial n=300,skew=1/threads/j=2/unordered/chunk=125". */
static void bmf_name(const struct results_row *row, char *buf, size_t len)
{
    char inst[256], ex[96];
    instance_label(row, inst, sizeof(inst));
    executor_label(row, ex, sizeof(ex));
    snprintf(buf, len, "%s/%s/j=%u/%s/chunk=%llu", inst, ex, row->workers,
             row->mode, (unsigned long long)row->chunk);
}

static cJSON *bmf_metric(double value, double lower, double upper)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "value", value);
    if (isfinite(lower) && isfinite(upper)) {
        cJSON_AddNumberToObject(o, "lower_value", lower);
        cJSON_AddNumberToObject(o, "upper_value", upper);
    }
    return o;
}

/* The new run's metric for row: median and 95% CI of the median. */
static void bmf_add(cJSON *root, const struct compare_report *r,
                    const struct results_row *row, const double *v,
                    size_t n, const struct compare_match *m)
{
    struct stats_summary s;
    char name[512];
    double scale;
    const char *measure = bmf_measure(&r->opt, &scale);
    if (v == NULL || stats_summarize(v, n, &s) != 0)
        return;
    bmf_name(row, name, sizeof(name));
    cJSON *b = cJSON_AddObjectToObject(root, name);
    cJSON_AddItemToObject(b, measure, bmf_metric(s.median * scale,
                                                 s.ci95_low * scale,
                                                 s.ci95_high * scale));
    if (m != NULL && m->tested && isfinite(m->ratio))
        cJSON_AddItemToObject(b, "ratio", bmf_metric(m->ratio, m->ci_low,
                                                     m->ci_high));
}

/* Add a new-side row that compare did not measure (only in new, or its
 * base failed), unless it has nothing to report. */
static void bmf_add_unmatched(cJSON *root, const struct compare_report *r,
                              const struct results_row *row)
{
    double *v = NULL;
    size_t n = 0;
    enum compare_verdict no;
    char why[256];
    if (row->failure != NULL ||
        (r->opt.normalize_speedup && strcmp(row->executor, "serial") == 0))
        return;
    if (metric_values(r->new_file, row, &r->opt, &v, &n, &no, why,
                      sizeof(why)) == 0)
        bmf_add(root, r, row, v, n, NULL);
    free(v);
}

static cJSON *report_bmf(const struct compare_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    for (size_t k = 0; k < r->nmatches; k++) {
        const struct compare_match *m = &r->matches[k];
        if (m->nv != NULL)
            bmf_add(root, r, m->new_row, m->nv, m->nn, m);
        else
            bmf_add_unmatched(root, r, m->new_row);
    }
    for (size_t k = 0; k < r->nonly_new; k++)
        bmf_add_unmatched(root, r, r->only_new[k]);
    return root;
}

static int print_tree(FILE *f, cJSON *root)
{
    char *text = root != NULL ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return 0;
}

int compare_print(FILE *f, const struct compare_report *r)
{
    int rc = 0;
    switch (r->opt.format) {
    case COMPARE_TEXT:
        print_text(f, r);
        break;
    case COMPARE_MARKDOWN:
        print_markdown(f, r);
        break;
    case COMPARE_JSON:
        rc = print_tree(f, report_json(r));
        break;
    case COMPARE_BMF:
        rc = print_tree(f, report_bmf(r));
        break;
    }
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    return rc;
}

/* ---- command line ------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench compare BASE.json NEW.json [options]\n"
"\n"
"Match the configurations of two results files (same workload, executor,\n"
"workers, mode, chunk, transport and params) and test each for a real\n"
"change: both medians, the ratio new/base with a 95%% confidence interval\n"
"(Hodges-Lehmann/Moses, distribution-free), and the two-sided Mann-Whitney\n"
"U p-value on the raw samples (exact up to %d samples per side without\n"
"ties, else normal approximation with tie and continuity correction).\n"
"\n"
"      --threshold PCT    a regression is a configuration significantly\n"
"                         slower by more than PCT percent (default %g)\n"
"      --alpha A          significant means p < A, 0 < A < 1 (default %g)\n"
"      --metric M         per repetition, wall: wall_s; cpu: user_s +\n"
"                         sys_s; ns_per_task: wall_s * 1e9 / tasks\n"
"                         (default wall)\n"
"      --normalize speedup\n"
"                         compare speedup over serial (the fastest serial\n"
"                         median wall_s / each repetition's wall_s, within\n"
"                         each file, as `run` computes speedup) instead\n"
"                         of time: how well each executor scales, not how\n"
"                         fast the clock is\n"
"      --format F         text, markdown (a CI job summary), json (for\n"
"                         tools) or bmf (Bencher Metric Format) (default\n"
"                         text)\n"
"  -h, --help             this help\n"
"\n"
"Verdicts: faster or slower (p < alpha), same, too few samples (fewer\n"
"than %d on a side), failed (reported, never gated). Under --normalize\n"
"speedup, slower means scales worse. Configurations in only one file are\n"
"listed apart.\n"
"Exit status: 0 no regression, 1 a configuration is slower by more than\n"
"the threshold with p < alpha, 2 bad usage or unusable input.\n",
            STATS_MWU_EXACT_MAX, COMPARE_DEFAULT_THRESHOLD_PCT,
            COMPARE_DEFAULT_ALPHA, COMPARE_MIN_SAMPLES);
}

enum { O_THRESHOLD = 256, O_ALPHA, O_METRIC, O_NORMALIZE, O_FORMAT };

/* Parse argv into *o and the two paths. Returns 0, 1 for --help, or -1
 * with a message. */
static int parse_args(int argc, char **argv, struct compare_options *o,
                      const char **paths, char *err, size_t err_len)
{
    static const struct option longopts[] = {
        { "threshold", required_argument, NULL, O_THRESHOLD },
        { "alpha", required_argument, NULL, O_ALPHA },
        { "metric", required_argument, NULL, O_METRIC },
        { "normalize", required_argument, NULL, O_NORMALIZE },
        { "format", required_argument, NULL, O_FORMAT },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int k;
    o->threshold_pct = COMPARE_DEFAULT_THRESHOLD_PCT;
    o->alpha = COMPARE_DEFAULT_ALPHA;
    o->metric = COMPARE_WALL;
    o->normalize_speedup = 0;
    o->format = COMPARE_TEXT;
    optind = 0; /* a full restart of getopt, for callers that parse twice */
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case O_THRESHOLD: {
            char text[64];
            snprintf(text, sizeof(text), "%s", optarg);
            size_t len = strlen(text);
            if (len > 1 && text[len - 1] == '%')
                text[len - 1] = '\0';
            if (args_double("--threshold", text, 0, 1000, &o->threshold_pct,
                            err, err_len) != 0) {
                snprintf(err, err_len, "--threshold '%s': expected a "
                         "percentage from 0 to 1000, like 5 or 2.5%%",
                         optarg);
                return -1;
            }
            break;
        }
        case O_ALPHA:
            if (args_double("--alpha", optarg, 0, 1, &o->alpha, err,
                            err_len) != 0 || o->alpha <= 0 ||
                o->alpha >= 1) {
                snprintf(err, err_len, "--alpha '%s': expected a number "
                         "greater than 0 and less than 1, like 0.01",
                         optarg);
                return -1;
            }
            break;
        case O_METRIC:
            k = args_choice("wall|cpu|ns_per_task", optarg);
            if (k < 0) {
                snprintf(err, err_len, "--metric '%s': expected wall, cpu "
                         "or ns_per_task", optarg);
                return -1;
            }
            o->metric = (enum compare_metric)k;
            break;
        case O_NORMALIZE:
            if (strcmp(optarg, "speedup") != 0) {
                snprintf(err, err_len, "--normalize '%s': expected "
                         "speedup", optarg);
                return -1;
            }
            o->normalize_speedup = 1;
            break;
        case O_FORMAT:
            k = args_choice("text|markdown|json|bmf", optarg);
            if (k < 0) {
                snprintf(err, err_len, "--format '%s': expected text, "
                         "markdown, json or bmf", optarg);
                return -1;
            }
            o->format = (enum compare_format)k;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case ':':
            snprintf(err, err_len, "option '%s' needs a value; see "
                     "`poolbench compare --help`", argv[optind - 1]);
            return -1;
        default:
            snprintf(err, err_len, "unknown option '%s'; see "
                     "`poolbench compare --help`", argv[optind - 1]);
            return -1;
        }
    }
    if (o->normalize_speedup && o->metric != COMPARE_WALL) {
        snprintf(err, err_len, "--normalize speedup works on wall time; "
                 "drop --metric %s", o->metric == COMPARE_CPU
                                         ? "cpu" : "ns_per_task");
        return -1;
    }
    if (argc - optind != 2) {
        if (argc - optind > 2)
            snprintf(err, err_len, "unexpected argument '%s'; expected "
                     "BASE.json NEW.json", argv[optind + 2]);
        else
            snprintf(err, err_len, "expected two results files, BASE.json "
                     "NEW.json; got %d (see `poolbench compare --help`)",
                     argc - optind);
        return -1;
    }
    paths[0] = argv[optind];
    paths[1] = argv[optind + 1];
    return 0;
}

int compare_main(int argc, char **argv)
{
    struct compare_options o;
    const char *paths[2];
    char err[1024];
    struct results_file base, new_file;
    struct compare_report r;
    int rc = parse_args(argc, argv, &o, paths, err, sizeof(err));
    if (rc > 0)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "poolbench compare: %s\n", err);
        return EXIT_USAGE;
    }
    if (results_load(paths[0], &base, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench compare: %s\n", err);
        return EXIT_USAGE;
    }
    if (results_load(paths[1], &new_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench compare: %s\n", err);
        results_free(&base);
        return EXIT_USAGE;
    }
    rc = EXIT_USAGE;
    if (compare_files(&base, &new_file, &o, &r, err, sizeof(err)) != 0) {
        results_term_safe(err, sizeof(err)); /* quotes the files */
        fprintf(stderr, "poolbench compare: %s\n", err);
        goto out;
    }
    if (compare_print(stdout, &r) != 0) {
        fprintf(stderr, "poolbench compare: cannot write the report to "
                "standard output\n");
        compare_report_free(&r);
        goto out;
    }
    rc = r.regressions > 0 ? EXIT_REGRESSION : 0;
    compare_report_free(&r);
out:
    results_free(&new_file);
    results_free(&base);
    return rc;
}
