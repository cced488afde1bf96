/* report.c - `poolbench report`: one self-contained HTML page of results.
 *
 * Every number on the page comes from the files; every finding is a
 * sentence template filled from a comparison that the data supports (two
 * configurations measured, and a verdict only when their 95% confidence
 * intervals of the median do not overlap).
 */
#include <dirent.h>
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
#include "fs.h"
#include "plot.h"
#include "report.h"
#include "results.h"
#include "stats.h"
#include "textesc.h"

#define REPORT_MAX_EXECUTORS 16
#define REPORT_SVG_MAX (16u * 1024 * 1024)

/* ---- rows with their summaries ------------------------------------------ */

struct rrow {
    const struct results_row *r;
    double med, lo, hi;         /* wall_s median and 95% CI */
    double first, first_lo, first_hi; /* first_result_s */
    double startup;             /* startup_s median, NAN when absent */
    double cpu;                 /* user_s + sys_s medians, NAN if absent */
};

/* Rows of one file that finished without errors. */
struct rset {
    const struct results_file *f;
    struct rrow *rows;
    size_t n;
    /* Instances (workload + params) without a search per row: rows
     * order[istart[i]..istart[i+1]) are instance i's, in file order;
     * inst[k] is row k's instance, numbered in order of appearance. */
    size_t *order, *istart, *inst;
    size_t ninst;
    long cpus;
    int hyperfine;              /* imported by import-hyperfine */
};

static int is_serial(const struct results_row *r)
{
    return strcmp(r->executor, "serial") == 0;
}

static int file_is_hyperfine(const struct results_file *f)
{
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(f->root, "config");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(cfg, "source");
    return cJSON_IsString(src) && strcmp(src->valuestring, "hyperfine") == 0;
}

static double stat_median(const struct results_row *r, const char *name)
{
    struct stats_summary s;
    return results_row_stats(r, name, &s) == 0 ? s.median : NAN;
}

static int same_inst(const struct results_row *a,
                     const struct results_row *b)
{
    return strcmp(a->workload, b->workload) == 0 &&
           strcmp(a->params, b->params) == 0;
}

static const struct rrow *sort_rows;

static int cmp_inst(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(sort_rows[x].r->workload, sort_rows[y].r->workload);
    if (c == 0)
        c = strcmp(sort_rows[x].r->params, sort_rows[y].r->params);
    return c != 0 ? c : (x > y) - (x < y);
}

/* Fill s->order, istart and inst. Returns 0, or -1 out of memory. */
static int rset_index(struct rset *s)
{
    size_t *lead = calloc(s->n + 1, sizeof(*lead));
    size_t *num = calloc(s->n + 1, sizeof(*num));
    size_t *count = calloc(s->n + 1, sizeof(*count));
    s->order = calloc(s->n + 1, sizeof(*s->order));
    s->istart = calloc(s->n + 2, sizeof(*s->istart));
    s->inst = calloc(s->n + 1, sizeof(*s->inst));
    int rc = -1;
    if (lead == NULL || num == NULL || count == NULL || s->order == NULL ||
        s->istart == NULL || s->inst == NULL)
        goto out;
    for (size_t k = 0; k < s->n; k++)
        lead[k] = k;
    sort_rows = s->rows;
    qsort(lead, s->n, sizeof(*lead), cmp_inst);
    /* lead[] sorted; turn it into each row's leader (first row). */
    for (size_t q = 0; q < s->n; q++)
        num[lead[q]] = q > 0 && same_inst(s->rows[lead[q - 1]].r,
                                          s->rows[lead[q]].r)
                           ? num[lead[q - 1]] : lead[q];
    s->ninst = 0;
    for (size_t k = 0; k < s->n; k++) {
        s->inst[k] = num[k] == k ? s->ninst++ : s->inst[num[k]];
        count[s->inst[k]]++;
    }
    for (size_t i = 0; i < s->ninst; i++)
        s->istart[i + 1] = s->istart[i] + count[i];
    memset(count, 0, (s->n + 1) * sizeof(*count));
    for (size_t k = 0; k < s->n; k++) {
        size_t i = s->inst[k];
        s->order[s->istart[i] + count[i]++] = k;
    }
    rc = 0;
out:
    free(lead);
    free(num);
    free(count);
    return rc;
}

/* The usable rows of f, of one part (machine and run) of a merged file
 * when part is not NULL. Returns 0, or -1 when out of memory. */
static int rset_build(const struct results_file *f,
                      const struct plot_part *part, struct rset *s)
{
    memset(s, 0, sizeof(*s));
    s->f = f;
    s->hyperfine = file_is_hyperfine(f);
    s->cpus = f->machines[part != NULL ? part->machine : 0].cpus_online;
    s->rows = calloc(f->nrows + 1, sizeof(*s->rows));
    if (s->rows == NULL)
        return -1;
    for (size_t k = 0; k < f->nrows; k++) {
        const struct results_row *r = &f->rows[k];
        struct stats_summary w, fr;
        if (r->failure != NULL || r->errors > 0 ||
            !plot_row_in_part(r, part) ||
            results_row_stats(r, "wall_s", &w) != 0)
            continue;
        struct rrow *x = &s->rows[s->n++];
        x->r = r;
        x->med = w.median;
        x->lo = w.ci95_low;
        x->hi = w.ci95_high;
        if (results_row_stats(r, "first_result_s", &fr) == 0) {
            x->first = fr.median;
            x->first_lo = fr.ci95_low;
            x->first_hi = fr.ci95_high;
        } else {
            x->first = x->first_lo = x->first_hi = NAN;
        }
        x->startup = stat_median(r, "startup_s");
        x->cpu = stat_median(r, "user_s") + stat_median(r, "sys_s");
    }
    return rset_index(s);
}

static void rset_free(struct rset *s)
{
    free(s->rows);
    free(s->order);
    free(s->istart);
    free(s->inst);
    memset(s, 0, sizeof(*s));
}

/* The baseline of r's instance: its fastest serial row (the plain loop
 * at its best chunk size), or NULL. */
static const struct rrow *serial_of(const struct rset *s, size_t inst)
{
    const struct rrow *best = NULL;
    for (size_t q = s->istart[inst]; q < s->istart[inst + 1]; q++) {
        const struct rrow *x = &s->rows[s->order[q]];
        if (is_serial(x->r) && (best == NULL || x->med < best->med))
            best = x;
    }
    return best;
}

/* The fastest row of r's instance with this executor, and workers when
 * workers > 0; NULL when there is none. */
static const struct rrow *fastest(const struct rset *s, size_t inst,
                                  const char *executor, unsigned workers)
{
    const struct rrow *best = NULL;
    for (size_t q = s->istart[inst]; q < s->istart[inst + 1]; q++) {
        const struct rrow *x = &s->rows[s->order[q]];
        if ((executor != NULL && strcmp(x->r->executor, executor) != 0) ||
            (workers > 0 && x->r->workers != workers))
            continue;
        if (best == NULL || x->med < best->med)
            best = x;
    }
    return best;
}

/* Rows that open an instance (first row of each workload+params). */
static int first_of_inst(const struct rset *s, size_t k)
{
    return s->order[s->istart[s->inst[k]]] == k;
}

/* Distinct parallel executors of the file, in order of appearance. */
static size_t executors_of(const struct rset *s,
                           const char *names[REPORT_MAX_EXECUTORS])
{
    size_t n = 0;
    for (size_t k = 0; k < s->n; k++) {
        const char *e = s->rows[k].r->executor;
        int seen = is_serial(s->rows[k].r);
        for (size_t q = 0; q < n && !seen; q++)
            seen = strcmp(names[q], e) == 0;
        if (!seen && n < REPORT_MAX_EXECUTORS)
            names[n++] = e;
    }
    return n;
}

/* -1 clearly lower than b, +1 clearly higher, 0 the CIs overlap. */
static int verdict(double lo, double hi, double blo, double bhi)
{
    if (hi < blo)
        return -1;
    if (lo > bhi)
        return 1;
    return 0;
}

/* The value of key in a canonical "k=v,k=v" string into buf; 0 or -1. */
static int param_value(const char *params, const char *key, char *buf,
                       size_t len)
{
    size_t kl = strlen(key);
    for (const char *p = params; p != NULL && *p != '\0';) {
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = strcspn(p + kl + 1, ",");
            snprintf(buf, len, "%.*s", (int)vl, p + kl + 1);
            return 0;
        }
        p = strchr(p, ',');
        if (p != NULL)
            p++;
    }
    return -1;
}

/* params without key (for matching instances that differ only there). */
static void params_without(const char *params, const char *key, char *buf,
                           size_t len)
{
    size_t n = 0, kl = strlen(key);
    buf[0] = '\0';
    for (const char *p = params; *p != '\0';) {
        size_t il = strcspn(p, ",");
        if (!(strncmp(p, key, kl) == 0 && p[kl] == '=') && n < len)
            n += (size_t)snprintf(buf + n, len - n, "%s%.*s", n ? "," : "",
                                  (int)il, p);
        p += il;
        if (*p == ',')
            p++;
    }
}

/* ---- findings ----------------------------------------------------------- */

static void label_of(const struct results_row *r, char *buf, size_t len)
{
    plot_instance_label(r, buf, len);
}

/* The worker count findings compare at: the online CPUs when measured,
 * else the largest count measured. */
static unsigned target_workers(const struct rset *s, size_t inst)
{
    unsigned best = 0;
    for (size_t q = s->istart[inst]; q < s->istart[inst + 1]; q++) {
        const struct results_row *r = s->rows[s->order[q]].r;
        if (is_serial(r))
            continue;
        if ((long)r->workers == s->cpus)
            return r->workers;
        if (r->workers > best)
            best = r->workers;
    }
    return best;
}

/* "threads are 1.93x faster than serial (3.39 ms vs 6.53 ms)". */
static void versus_serial(struct strbuf *b, const char *who,
                          const struct rrow *x, const struct rrow *base,
                          int first)
{
    char a[32], c[32];
    plot_format_time(x->med, a, sizeof(a));
    plot_format_time(base->med, c, sizeof(c));
    int v = verdict(x->lo, x->hi, base->lo, base->hi);
    if (v < 0)
        strbuf_printf(b, "%s are %.2fx faster%s (%s vs %s)", who,
                        base->med / x->med, first ? " than serial" : "", a,
                        c);
    else if (v > 0)
        strbuf_printf(b, "%s are %.2fx slower%s (%s vs %s)", who,
                        x->med / base->med, first ? " than serial" : "", a,
                        c);
    else
        strbuf_printf(b, "%s are no different from serial within noise "
                        "(%.2fx, 95%% CIs overlap)", who, base->med / x->med);
}

static size_t find_speedups(const struct rset *s, struct strbuf *out)
{
    const char *ex[REPORT_MAX_EXECUTORS];
    size_t nex = executors_of(s, ex), count = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (!first_of_inst(s, k))
            continue;
        const struct results_row *inst = s->rows[k].r;
        size_t id = s->inst[k];
        const struct rrow *base = serial_of(s, id);
        unsigned w = target_workers(s, id);
        if (base == NULL || w == 0)
            continue;
        char label[256], per[32];
        label_of(inst, label, sizeof(label));
        plot_format_time(base->med / (double)(inst->tasks ? inst->tasks : 1),
                         per, sizeof(per));
        struct strbuf b = { 0 };
        int any = 0;
        for (size_t e = 0; e < nex; e++) {
            const struct rrow *x = fastest(s, id, ex[e], w);
            if (x == NULL || x->med <= 0)
                continue;
            strbuf_printf(&b, "%s", any ? "; " : "");
            versus_serial(&b, ex[e], x, base, !any);
            any = 1;
        }
        if (any && !b.oom) {
            strbuf_printf(out, "At %u worker%s on %s (%s per task "
                            "serially): %s.\n", w, w == 1 ? "" : "s", label,
                            per, b.p);
            count++;
        }
        free(b.p);

        /* The fastest configuration overall. */
        const struct rrow *best = fastest(s, id, NULL, 0);
        if (best != NULL && !is_serial(best->r) && best->med > 0) {
            char t[32];
            plot_format_time(best->med, t, sizeof(t));
            strbuf_printf(out, "The fastest configuration for %s is %s "
                            "with %u worker%s, %s delivery, chunk %llu: %s "
                            "median, %.2fx serial%s.\n", label,
                            best->r->executor, best->r->workers,
                            best->r->workers == 1 ? "" : "s",
                            best->r->mode,
                            (unsigned long long)best->r->chunk, t,
                            base->med / best->med,
                            verdict(best->lo, best->hi, base->lo, base->hi)
                                < 0 ? "" : " (not clearly faster than "
                                           "serial: the 95% CIs overlap)");
            count++;
        } else if (best != NULL && is_serial(best->r) && nex > 0) {
            strbuf_printf(out, "No parallel configuration had a lower "
                            "median than the plain serial loop for %s.\n",
                            label);
            count++;
        }
    }
    return count;
}

/* Per executor: below what time per task does it lose to serial? */
static size_t find_breakeven(const struct rset *s, struct strbuf *out)
{
    const char *ex[REPORT_MAX_EXECUTORS];
    size_t nex = executors_of(s, ex), count = 0;
    for (size_t e = 0; e < nex; e++) {
        double lose_max = -1, win_min = INFINITY;
        char lose_label[256] = "", win_label[256] = "";
        double lose_x = 0, win_x = 0;
        size_t nlose = 0, nwin = 0, ninst = 0;
        for (size_t k = 0; k < s->n; k++) {
            if (!first_of_inst(s, k))
                continue;
            const struct results_row *inst = s->rows[k].r;
            const struct rrow *base = serial_of(s, s->inst[k]);
            const struct rrow *x = fastest(s, s->inst[k], ex[e], 0);
            if (base == NULL || x == NULL || inst->tasks == 0 ||
                x->med <= 0)
                continue;
            ninst++;
            double per = base->med / (double)inst->tasks;
            int v = verdict(x->lo, x->hi, base->lo, base->hi);
            if (v > 0) {
                nlose++;
                if (per > lose_max) {
                    lose_max = per;
                    lose_x = x->med / base->med;
                    label_of(inst, lose_label, sizeof(lose_label));
                }
            } else if (v < 0) {
                nwin++;
                if (per < win_min) {
                    win_min = per;
                    win_x = base->med / x->med;
                    label_of(inst, win_label, sizeof(win_label));
                }
            }
        }
        if (ninst < 2)
            continue;
        char lt[32], wt[32];
        plot_format_time(lose_max, lt, sizeof(lt));
        plot_format_time(win_min, wt, sizeof(wt));
        if (nlose > 0 && nwin > 0 && lose_max < win_min) {
            strbuf_printf(out, "%s lose to serial for tasks of %s or less "
                            "(%s: %.2fx slower at best) and win from %s per "
                            "task (%s: %.2fx faster); the break-even lies "
                            "between.\n", ex[e], lt, lose_label, lose_x, wt,
                            win_label, win_x);
            count++;
        } else if (nlose > 0 && nwin == 0 && nlose == ninst) {
            strbuf_printf(out, "%s lose to serial on every workload "
                            "measured, up to %s per task (%s: %.2fx "
                            "slower at best).\n", ex[e], lt, lose_label,
                            lose_x);
            count++;
        } else if (nwin > 0 && nlose == 0 && nwin == ninst) {
            strbuf_printf(out, "%s beat serial on every workload "
                            "measured, down to %s per task (%s: %.2fx "
                            "faster).\n", ex[e], wt, win_label, win_x);
            count++;
        }
    }
    return count;
}

/* Does row y match x in everything but workload/params? */
static int same_config(const struct results_row *x,
                       const struct results_row *y)
{
    return strcmp(x->executor, y->executor) == 0 &&
           strcmp(x->mode, y->mode) == 0 &&
           strcmp(x->transport, y->transport) == 0 &&
           x->workers == y->workers && x->chunk == y->chunk;
}

/* The first serial row of row k's instance (s->n when none). */
static size_t serial_first(const struct rset *s, size_t k)
{
    size_t i = s->inst[k];
    for (size_t q = s->istart[i]; q < s->istart[i + 1]; q++)
        if (is_serial(s->rows[s->order[q]].r))
            return s->order[q];
    return s->n;
}

/* shuffled vs hashing: the cost of visiting files out of order. */
static size_t find_shuffled(const struct rset *s, struct strbuf *out)
{
    size_t count = 0;
    for (size_t k = 0; k < s->n; k++) {
        const struct rrow *sh = &s->rows[k];
        if (strcmp(sh->r->workload, "shuffled") != 0 || !is_serial(sh->r) ||
            serial_first(s, k) != k)
            continue;
        char rest[512];
        params_without(sh->r->params, "seed", rest, sizeof(rest));
        for (size_t q = 0; q < s->n; q++) {
            const struct rrow *h = &s->rows[q];
            if (strcmp(h->r->workload, "hashing") != 0 ||
                strcmp(h->r->params, rest) != 0 ||
                !same_config(sh->r, h->r) || h->med <= 0)
                continue;
            char cache[32], a[32], b[32];
            if (param_value(rest, "cache", cache, sizeof(cache)) != 0)
                snprintf(cache, sizeof(cache), "default");
            plot_format_time(sh->med, a, sizeof(a));
            plot_format_time(h->med, b, sizeof(b));
            double pct = 100 * (sh->med / h->med - 1);
            int v = verdict(sh->lo, sh->hi, h->lo, h->hi);
            if (v != 0)
                strbuf_printf(out, "Shuffled file order %s %.0f%% with a "
                                "%s cache (serial: %s shuffled vs %s "
                                "sorted).\n", v > 0 ? "costs" : "saves",
                                fabs(pct), cache, a, b);
            else
                strbuf_printf(out, "Shuffled file order makes no clear "
                                "difference with a %s cache (serial: %s vs "
                                "%s sorted, %+.0f%%, 95%% CIs overlap).\n",
                                cache, a, b, pct);
            count++;
            break;
        }
    }
    return count;
}

/* contended: all of the work under the lock vs none of it. */
static size_t find_lock(const struct rset *s, struct strbuf *out)
{
    size_t count = 0;
    const char *ex[REPORT_MAX_EXECUTORS];
    size_t nex = executors_of(s, ex);
    for (size_t k = 0; k < s->n; k++) {
        const struct results_row *hi_inst = s->rows[k].r;
        char crit[32], rest[512];
        if (strcmp(hi_inst->workload, "contended") != 0 ||
            !first_of_inst(s, k) ||
            param_value(hi_inst->params, "critical", crit,
                        sizeof(crit)) != 0 || atof(crit) < 0.999)
            continue;
        params_without(hi_inst->params, "critical", rest, sizeof(rest));
        /* Its partner with critical=0. */
        size_t lo_inst = SIZE_MAX, hi_id = s->inst[k];
        for (size_t i = 0; i < s->ninst && lo_inst == SIZE_MAX; i++) {
            const struct results_row *r = s->rows[s->order[s->istart[i]]].r;
            char c2[32], rest2[512];
            if (strcmp(r->workload, "contended") != 0 ||
                param_value(r->params, "critical", c2, sizeof(c2)) != 0 ||
                atof(c2) > 0.001)
                continue;
            params_without(r->params, "critical", rest2, sizeof(rest2));
            if (strcmp(rest, rest2) == 0)
                lo_inst = i;
        }
        const struct rrow *base_hi = serial_of(s, hi_id);
        unsigned w = target_workers(s, hi_id);
        if (lo_inst == SIZE_MAX || base_hi == NULL || w == 0)
            continue;
        const struct rrow *base_lo = serial_of(s, lo_inst);
        for (size_t e = 0; e < nex; e++) {
            const struct rrow *a = fastest(s, hi_id, ex[e], w);
            const struct rrow *b = base_lo != NULL
                                       ? fastest(s, lo_inst, ex[e], w)
                                       : NULL;
            if (a == NULL || b == NULL || a->med <= 0 || b->med <= 0)
                continue;
            int va = verdict(a->lo, a->hi, base_hi->lo, base_hi->hi);
            strbuf_printf(out, "With all of the work under one shared "
                            "lock (contended critical=%s), %s at %u workers "
                            "run at %.2fx serial's speed (%s); with none of "
                            "it under the lock (critical=0), at %.2fx.\n",
                            crit, ex[e], w, base_hi->med / a->med,
                            va < 0 ? "faster than serial"
                            : va > 0 ? "slower than serial"
                                     : "no gain over serial", base_lo->med /
                            b->med);
            count++;
        }
    }
    return count;
}

/* Order of delivery partners: executor, transport, workers, chunk. */
static int cmp_partner(const struct rrow *p, const struct rrow *q)
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
    const struct rrow *p = *(const struct rrow *const *)a;
    const struct rrow *q = *(const struct rrow *const *)b;
    int c = cmp_partner(p, q);
    return c != 0 ? c : (p > q) - (p < q);
}

/* Ordered (map) vs unordered delivery: when the first result arrives. */
static size_t find_delivery(const struct rset *s, struct strbuf *out)
{
    size_t count = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (!first_of_inst(s, k))
            continue;
        const struct results_row *inst = s->rows[k].r;
        const struct rrow *bo = NULL, *bu = NULL;
        double best_ratio = 0;
        size_t i = s->inst[k], nun = 0;
        /* Partners by binary search in the instance's unordered rows
         * sorted by configuration (file order within). */
        const struct rrow **un = calloc(s->istart[i + 1] - s->istart[i] + 1,
                                        sizeof(*un));
        if (un == NULL)
            continue;
        for (size_t q = s->istart[i]; q < s->istart[i + 1]; q++) {
            const struct rrow *u = &s->rows[s->order[q]];
            if (strcmp(u->r->mode, "unordered") == 0 &&
                isfinite(u->first) && u->first > 0)
                un[nun++] = u;
        }
        qsort(un, nun, sizeof(*un), cmp_partner_order);
        for (size_t q = s->istart[i]; q < s->istart[i + 1]; q++) {
            const struct rrow *o = &s->rows[s->order[q]];
            if (is_serial(o->r) ||
                strcmp(o->r->mode, "ordered") != 0 || !isfinite(o->first))
                continue;
            size_t lo = 0, hi = nun;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_partner(un[mid], o) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t b = lo; b < nun; b++) {
                const struct rrow *u = un[b];
                if (cmp_partner(u, o) != 0)
                    break;
                double ratio = o->first / u->first;
                if (bo == NULL || ratio > best_ratio) {
                    bo = o;
                    bu = u;
                    best_ratio = ratio;
                }
            }
        }
        free(un);
        if (bo == NULL)
            continue;
        char label[256], fo[32], fu[32], wo[32], wu[32];
        label_of(inst, label, sizeof(label));
        plot_format_time(bo->first, fo, sizeof(fo));
        plot_format_time(bu->first, fu, sizeof(fu));
        plot_format_time(bo->med, wo, sizeof(wo));
        plot_format_time(bu->med, wu, sizeof(wu));
        int v = verdict(bu->first_lo, bu->first_hi, bo->first_lo,
                        bo->first_hi);
        if (v < 0)
            strbuf_printf(out, "On %s with %s at %u worker%s, unordered "
                            "delivery (as completed) hands over the first "
                            "result %.1fx sooner than ordered (map): %s vs "
                            "%s; the whole run takes %s vs %s.\n", label,
                            bo->r->executor, bo->r->workers,
                            bo->r->workers == 1 ? "" : "s", best_ratio, fu,
                            fo, wu, wo);
        else
            strbuf_printf(out, "On %s with %s at %u worker%s, ordered "
                            "and unordered delivery give the first result "
                            "at about the same time (%s vs %s, 95%% CIs "
                            "overlap).\n", label, bo->r->executor,
                            bo->r->workers, bo->r->workers == 1 ? "" : "s",
                            fo, fu);
        count++;
    }
    return count;
}

/* More workers than CPUs: 2 x online CPUs against online CPUs. */
static size_t find_oversubscription(const struct rset *s,
                                    struct strbuf *out)
{
    const char *ex[REPORT_MAX_EXECUTORS];
    size_t nex = executors_of(s, ex), count = 0;
    if (s->cpus < 1)
        return 0;
    unsigned c = (unsigned)s->cpus, c2 = 2 * (unsigned)s->cpus;
    for (size_t e = 0; e < nex; e++) {
        size_t faster = 0, slower = 0, same = 0;
        for (size_t k = 0; k < s->n; k++) {
            if (!first_of_inst(s, k))
                continue;
            const struct rrow *a = fastest(s, s->inst[k], ex[e], c);
            const struct rrow *b = fastest(s, s->inst[k], ex[e], c2);
            if (a == NULL || b == NULL)
                continue;
            int v = verdict(b->lo, b->hi, a->lo, a->hi);
            if (v < 0)
                faster++;
            else if (v > 0)
                slower++;
            else
                same++;
        }
        size_t n = faster + slower + same;
        if (n == 0)
            continue;
        strbuf_printf(out, "With %s, going from %u to %u workers (more "
                        "than the %u online CPUs) made %zu of %zu "
                        "workload%s clearly faster, %zu clearly slower and "
                        "left %zu within noise.\n", ex[e], c, c2, c,
                        faster, n, n == 1 ? "" : "s", slower, same);
        count++;
    }
    return count;
}

/* The seed's questions, each answered by one kind of finding. */
static const struct {
    const char *text;
    size_t (*find)(const struct rset *s, struct strbuf *out);
} questions[] = {
    { "Processes, threads or futures, and how many workers, for each "
      "workload?", find_speedups },
    { "When does a pool lose to the plain loop (the seed's light tasks)?",
      find_breakeven },
    { "Does file order matter (the seed's shuffled file list)?",
      find_shuffled },
    { "What does one shared lock cost (the seed's Lock)?", find_lock },
    { "map or apply_async: when does the first result arrive?",
      find_delivery },
    { "Do more workers than CPUs help?", find_oversubscription },
};

size_t report_findings(const struct results_file *files, size_t nfiles,
                       struct strbuf *out)
{
    size_t count = 0;
    for (size_t f = 0; f < nfiles; f++) {
        /* A merged file: each machine and run on its own. */
        struct plot_part *parts;
        size_t nm = plot_parts(&files[f], &parts);
        for (size_t m = 0; m < nm; m++) {
            struct rset s;
            if (rset_build(&files[f], nm > 1 ? &parts[m] : NULL, &s) != 0)
                continue;
            if (!s.hyperfine) {
                const char *host =
                    files[f].machines[parts[m].machine].hostname;
                if (nm > 1 && parts[m].run >= 0)
                    strbuf_printf(out, "#%s [%s, run %ld]\n",
                                    files[f].path, host != NULL ? host : "?",
                                    parts[m].run + 1);
                else if (nm > 1)
                    strbuf_printf(out, "#%s [%s]\n", files[f].path,
                                    host != NULL ? host : "?");
                else if (nfiles > 1)
                    strbuf_printf(out, "#%s\n", files[f].path);
                for (size_t q = 0; q < sizeof(questions) /
                                       sizeof(questions[0]); q++) {
                    struct strbuf part = { 0 };
                    size_t n = questions[q].find(&s, &part);
                    if (n > 0 && part.p != NULL) {
                        strbuf_printf(out, "=%s\n%s", questions[q].text,
                                        part.p);
                        count += n;
                    }
                    free(part.p);
                }
            }
            rset_free(&s);
        }
        free(parts);
    }
    return count;
}

/* ---- HTML --------------------------------------------------------------- */

static void html_text(struct strbuf *b, const char *text)
{
    /* Runs of plain characters in one append: a page of 100,000 rows. */
    for (const char *s = text; s != NULL && *s != '\0';) {
        size_t n = strcspn(s, "&<>\"");
        strbuf_append(b, s, n);
        s += n;
        switch (*s) {
        case '&': strbuf_append(b, "&amp;", 5); break;
        case '<': strbuf_append(b, "&lt;", 4); break;
        case '>': strbuf_append(b, "&gt;", 4); break;
        case '"': strbuf_append(b, "&quot;", 6); break;
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

static const char report_css[] =
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em "
    "auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.7em}h2{border-bottom:1px solid #ccc;padding-bottom:"
    ".2em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}"
    "th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}"
    "figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px "
    "solid #eee}figcaption{font-size:.9em;color:#555}"
    ".findings li{margin:.3em 0}.muted{color:#666;font-size:.9em}"
    ".scroll{overflow-x:auto}code{background:#f3f3f3;padding:0 .2em}";

static void machine_table(struct strbuf *b, const struct results_file *f,
                          size_t nfiles)
{
    static const char *const keys[] = {
        "hostname", "os", "kernel", "arch", "cpu_model", "cpus_online",
        "affinity", "mem_total_bytes", "clocksource", "governor",
        "compiler", "build_type", "poolbench_version", "git_commit",
    };
    strbuf_printf(b, "<div class=\"scroll\"><table class=\"machines\">"
                    "<tr><th>file</th>");
    for (size_t k = 0; k < nfiles; k++)
        for (size_t m = 0; m < f[k].nmachines; m++) {
            char head[512];
            snprintf(head, sizeof(head), "%s%s", f[k].path,
                     f[k].nmachines > 1 ? " (merged)" : "");
            html_cell(b, "th", head);
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
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(
                    f[k].machines[m].json, keys[q]);
                char text[256] = "unknown";
                if (cJSON_IsString(v))
                    snprintf(text, sizeof(text), "%s", v->valuestring);
                else if (cJSON_IsNumber(v) &&
                         strcmp(keys[q], "mem_total_bytes") == 0)
                    snprintf(text, sizeof(text), "%.1f GiB",
                             v->valuedouble / (1024.0 * 1024 * 1024));
                else if (cJSON_IsNumber(v))
                    snprintf(text, sizeof(text), "%.0f", v->valuedouble);
                html_cell(b, "td", text);
            }
        strbuf_printf(b, "</tr>\n");
    }
    strbuf_printf(b, "</table></div>\n");
}

static void summary_table(struct strbuf *b, const struct results_file *f)
{
    strbuf_printf(b, "<div class=\"scroll\"><table class=\"summary\"><tr>"
                    "<th>workload</th><th>executor</th><th>workers</th>"
                    "<th>mode</th><th>chunk</th><th>transport</th>"
                    "<th>tasks</th><th>wall (median)</th><th>95%% CI</th>"
                    "<th>ns/task</th><th>speedup</th><th>efficiency</th>"
                    "<th>first result</th><th>CPU (user+sys)</th>"
                    "<th>errors</th><th>checksum</th></tr>\n");
    for (size_t k = 0; k < f->nrows; k++) {
        const struct results_row *r = &f->rows[k];
        struct stats_summary w;
        char label[256], med[32] = "-", ci[80] = "-", ns[32] = "-",
             sp[32] = "-", ef[32] = "-", fr[32] = "-", cpu[32] = "-",
             num[32];
        label_of(r, label, sizeof(label));
        if (results_row_stats(r, "wall_s", &w) == 0) {
            char l[32], h[32];
            plot_format_time(w.median, med, sizeof(med));
            plot_format_time(w.ci95_low, l, sizeof(l));
            plot_format_time(w.ci95_high, h, sizeof(h));
            snprintf(ci, sizeof(ci), "%s .. %s", l, h);
        }
        if (isfinite(r->ns_per_task))
            snprintf(ns, sizeof(ns), "%.1f", r->ns_per_task);
        if (isfinite(r->speedup))
            snprintf(sp, sizeof(sp), "%.2fx", r->speedup);
        if (isfinite(r->efficiency))
            snprintf(ef, sizeof(ef), "%.2f", r->efficiency);
        plot_format_time(stat_median(r, "first_result_s"), fr, sizeof(fr));
        plot_format_time(stat_median(r, "user_s") + stat_median(r, "sys_s"),
                         cpu, sizeof(cpu));
        strbuf_printf(b, "<tr>");
        html_cell(b, "td", label);
        html_cell(b, "td", r->executor);
        strbuf_printf(b, "<td class=\"n\">%u</td>", r->workers);
        html_cell(b, "td", r->mode);
        strbuf_printf(b, "<td class=\"n\">%llu</td>",
                        (unsigned long long)r->chunk);
        html_cell(b, "td", r->transport);
        strbuf_printf(b, "<td class=\"n\">%llu</td>",
                        (unsigned long long)r->tasks);
        strbuf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                        "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                        "<td class=\"n\">%s</td><td class=\"n\">%s</td>"
                        "<td class=\"n\">%s</td>", med, ci, ns, sp, ef, fr,
                        cpu);
        snprintf(num, sizeof(num), "%llu", (unsigned long long)r->errors);
        strbuf_printf(b, "<td class=\"n\">%s</td>", num);
        if (r->failure != NULL) {
            char text[600];
            snprintf(text, sizeof(text), "FAILED: %s", r->failure);
            html_cell(b, "td", text);
        } else {
            strbuf_printf(b, "<td><code>%s</code></td>", r->checksum);
        }
        strbuf_printf(b, "</tr>\n");
    }
    strbuf_printf(b, "</table></div>\n");
}

/* hyperfine's whole-process time beside poolbench's internal wall. */
static void hyperfine_section(struct strbuf *b,
                              const struct results_file *files,
                              size_t nfiles)
{
    struct rset sets[64];
    size_t nsets = nfiles < 64 ? nfiles : 64, have = 0;
    for (size_t f = 0; f < nsets; f++)
        if (rset_build(&files[f], NULL, &sets[f]) != 0)
            sets[f].rows = NULL;
    for (size_t f = 0; f < nsets; f++)
        if (sets[f].hyperfine)
            have = 1;
    if (!have)
        goto out;
    strbuf_printf(b, "<h2 id=\"hyperfine\">Whole-process timing "
                    "(hyperfine)</h2>\n<p>hyperfine times whole <code>"
                    "poolbench run</code> processes: exec, loading, "
                    "preparing the workload, pool start-up, the run and "
                    "writing JSON. poolbench's own <em>wall</em> covers the "
                    "run alone and <em>start-up</em> the pool. The "
                    "<em>process baseline</em> is a run that does almost "
                    "nothing (<code>-w noop -n 1</code>).</p>\n");
    for (size_t f = 0; f < nsets; f++) {
        const struct rset *h = &sets[f];
        if (!h->hyperfine || h->rows == NULL)
            continue;
        double baseline = NAN;
        for (size_t k = 0; k < h->n; k++) {
            const cJSON *role = cJSON_GetObjectItemCaseSensitive(
                h->rows[k].r->json, "role");
            if (cJSON_IsString(role) &&
                strcmp(role->valuestring, "baseline") == 0)
                baseline = h->rows[k].med;
        }
        char bt[32];
        plot_format_time(baseline, bt, sizeof(bt));
        strbuf_printf(b, "<div class=\"scroll\"><table class=\"hyperfine"
                        "\"><tr><th>command</th><th>hyperfine median</th>"
                        "<th>minus process baseline (%s)</th><th>poolbench "
                        "wall</th><th>wall + start-up</th><th>difference"
                        "</th></tr>\n", bt);
        double sum_abs = 0;
        size_t matched = 0;
        for (size_t k = 0; k < h->n; k++) {
            const struct rrow *x = &h->rows[k];
            const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(x->r->json,
                                                                "command");
            const struct rrow *in = NULL;
            for (size_t g = 0; g < nsets && in == NULL; g++) {
                if (sets[g].hyperfine || sets[g].rows == NULL)
                    continue;
                for (size_t q = 0; q < sets[g].n && in == NULL; q++) {
                    const struct results_row *r = sets[g].rows[q].r;
                    if (strcmp(r->workload, x->r->workload) == 0 &&
                        strcmp(r->executor, x->r->executor) == 0 &&
                        r->workers == x->r->workers &&
                        (x->r->tasks == 0 || r->tasks == x->r->tasks))
                        in = &sets[g].rows[q];
                }
            }
            char hm[32], net[32] = "-", iw[32] = "-", iws[32] = "-",
                 diff[64] = "-";
            plot_format_time(x->med, hm, sizeof(hm));
            double n = isfinite(baseline) ? x->med - baseline : NAN;
            plot_format_time(n, net, sizeof(net));
            if (in != NULL) {
                double st = isfinite(in->startup) ? in->startup : 0;
                plot_format_time(in->med, iw, sizeof(iw));
                plot_format_time(in->med + st, iws, sizeof(iws));
                if (isfinite(n) && in->med + st > 0) {
                    double pct = 100 * (n / (in->med + st) - 1);
                    snprintf(diff, sizeof(diff), "%+.1f%%", pct);
                    sum_abs += fabs(pct);
                    matched++;
                }
            }
            strbuf_printf(b, "<tr>");
            html_cell(b, "td", cJSON_IsString(cmd) ? cmd->valuestring
                                                    : x->r->executor);
            strbuf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s"
                            "</td><td class=\"n\">%s</td><td class=\"n\">%s"
                            "</td><td class=\"n\">%s</td></tr>\n", hm, net,
                            iw, iws, diff);
        }
        strbuf_printf(b, "</table></div>\n");
        if (matched > 0)
            strbuf_printf(b, "<p>After subtracting the process baseline, "
                            "hyperfine's whole-process time differs from "
                            "poolbench's wall + start-up by %.1f%% on "
                            "average over %zu command%s.</p>\n",
                            sum_abs / (double)matched, matched,
                            matched == 1 ? "" : "s");
        else
            strbuf_printf(b, "<p class=\"muted\">No poolbench results "
                            "file with the same workload, executor and "
                            "workers was given, so there is nothing to set "
                            "beside these times.</p>\n");
    }
out:
    for (size_t f = 0; f < nsets; f++)
        rset_free(&sets[f]);
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

int report_write(const struct results_file *files, size_t nfiles,
                 const char *path, char *err, size_t err_len)
{
    char tmpdir[4200], dir[4096];
    struct strbuf b = { 0 }, fin = { 0 };
    struct plot_set set = { 0 };
    int rc = -1;
    /* Charts are drawn in a hidden folder beside the page (removed on
     * SIGINT/SIGTERM too), not in a shared /tmp. */
    fs_dir_of(path, dir, sizeof(dir));
    if (fs_private_dir(dir, "report", tmpdir, sizeof(tmpdir), err,
                       err_len) != 0)
        return -1;
    struct plot_options opt = { .dir = tmpdir, .png = 0, .notes = 1,
                                .private_dir = 1 };
    if (plot_render(files, nfiles, &opt, &set, err, err_len) != 0)
        goto out;

    char now[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\">\n"
                    "<title>poolbench report</title>\n<style>%s</style>\n"
                    "</head>\n<body>\n<h1>poolbench report</h1>\n"
                    "<p class=\"muted\">Made %s by <code>poolbench report"
                    "</code> from:", report_css, now);
    for (size_t f = 0; f < nfiles; f++) {
        strbuf_printf(&b, "%s<code>", f ? ", " : " ");
        html_text(&b, files[f].path);
        strbuf_printf(&b, "</code>");
    }
    strbuf_printf(&b, ". Times are medians of the measured repetitions "
                    "with a distribution-free 95%% confidence interval; a "
                    "finding calls one configuration faster than another "
                    "only when their intervals do not overlap.</p>\n"
                    "<nav><a href=\"#findings\">Findings</a> | <a href=\""
                    "#machine\">Machine</a> | <a href=\"#results\">Results"
                    "</a> | <a href=\"#charts\">Charts</a></nav>\n");

    strbuf_printf(&b, "<h2 id=\"findings\">Findings</h2>\n");
    size_t nfind = report_findings(files, nfiles, &fin);
    if (nfind == 0 || fin.p == NULL) {
        strbuf_printf(&b, "<p class=\"muted\">The data supports no "
                        "finding: it needs a serial run and a parallel one "
                        "of the same workload.</p>\n");
    } else {
        int open = 0;
        for (char *line = fin.p; *line != '\0';) {
            size_t len = strcspn(line, "\n");
            char save = line[len];
            line[len] = '\0';
            if (line[0] == '#' || line[0] == '=') {
                const char *tag = line[0] == '#' ? "h3" : "h4";
                if (open)
                    strbuf_printf(&b, "</ul>\n");
                html_cell(&b, tag, line + 1);
                strbuf_printf(&b, "\n");
                open = 0;
            } else {
                if (!open)
                    strbuf_printf(&b, "<ul class=\"findings\">\n");
                open = 1;
                html_cell(&b, "li", line);
                strbuf_printf(&b, "\n");
            }
            line[len] = save;
            line += len + (save != '\0');
        }
        if (open)
            strbuf_printf(&b, "</ul>\n");
    }

    strbuf_printf(&b, "<h2 id=\"machine\">Machine</h2>\n");
    machine_table(&b, files, nfiles);

    strbuf_printf(&b, "<h2 id=\"results\">Results</h2>\n");
    for (size_t f = 0; f < nfiles; f++) {
        strbuf_printf(&b, "<h3>");
        html_text(&b, files[f].path);
        strbuf_printf(&b, "</h3>\n");
        summary_table(&b, &files[f]);
    }
    hyperfine_section(&b, files, nfiles);

    strbuf_printf(&b, "<h2 id=\"charts\">Charts</h2>\n");
    if (set.ncharts == 0)
        strbuf_printf(&b, "<p class=\"muted\">The data supports no "
                        "chart.</p>\n");
    for (size_t c = 0; c < set.ncharts; c++) {
        char svg[4400], prefix[32];
        snprintf(svg, sizeof(svg), "%s/%s.svg", tmpdir, set.charts[c].name);
        snprintf(prefix, sizeof(prefix), "c%zu", c);
        strbuf_printf(&b, "<figure id=\"chart-%s\" class=\"chart %s\">\n",
                        set.charts[c].name, set.charts[c].kind);
        if (inline_svg(&b, svg, prefix, err, err_len) != 0)
            goto out;
        strbuf_printf(&b, "\n<figcaption>");
        html_text(&b, set.charts[c].title);
        strbuf_printf(&b, " (<code>poolbench plot</code> writes it as "
                        "%s.svg, .png, .gp and .dat)</figcaption>\n"
                        "</figure>\n", set.charts[c].name);
    }
    strbuf_printf(&b, "<p class=\"muted\">poolbench: threads, processes "
                    "or futures, measured. This page is self-contained: "
                    "no script, no external resource.</p>\n</body>\n"
                    "</html>\n");
    if (b.oom || fin.oom) {
        snprintf(err, err_len, "out of memory building the report");
        goto out;
    }
    /* Atomic, and never through a symlink: a reader never sees half a
     * page, and a link planted at path is replaced. */
    if (fs_write_atomic(path, b.p, b.len, err, err_len) != 0)
        goto out;
    rc = 0;
out:
    plot_set_free(&set);
    free(b.p);
    free(fin.p);
    fs_private_dir_remove(tmpdir);
    return rc;
}

/* ---- the command -------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench report RESULTS.json... [-o FILE.html]\n"
"\n"
"Write one self-contained HTML page (inline SVG charts, no script, no\n"
"external resource): findings computed from the data, the machine\n"
"metadata, a summary table per file, whole-process times of files made by\n"
"`poolbench import-hyperfine` beside poolbench's own, and every chart\n"
"`poolbench plot` can draw (gnuplot is needed).\n"
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
    if (optind >= argc) {
        fprintf(stderr, "poolbench report: no results file given; expected "
                "poolbench report RESULTS.json... [-o FILE.html]\n");
        return EXIT_USAGE;
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
    size_t nfiles = (size_t)(argc - optind), loaded = 0;
    struct results_file *files = calloc(nfiles, sizeof(*files));
    int status = EXIT_USAGE;
    if (files == NULL) {
        fprintf(stderr, "poolbench report: out of memory\n");
        return EXIT_USAGE;
    }
    for (; loaded < nfiles; loaded++)
        if (results_load(argv[optind + (int)loaded], &files[loaded], err,
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
