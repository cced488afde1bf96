/* view.c - what a results file means, computed once (see view.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

const char *view_baseline_name(const char *workload)
{
    /* pyfunc runs only in Python: its plain loop is py-serial. */
    return strcmp(workload, VIEW_PY_ONLY_WORKLOAD) == 0
               ? VIEW_PY_BASELINE_EXECUTOR : VIEW_BASELINE_EXECUTOR;
}

int view_is_baseline(const struct results_row *r)
{
    return strcmp(r->executor, view_baseline_name(r->workload)) == 0;
}

void view_instance_label(const struct results_row *r, char *buf,
                         size_t len)
{
    if (r->params != NULL && r->params[0] != '\0')
        snprintf(buf, len, "%s %s", r->workload, r->params);
    else
        snprintf(buf, len, "%s", r->workload);
}

void view_executor_label(const struct results_row *r, char *buf,
                         size_t len)
{
    int plain = strcmp(r->transport, "none") == 0;
    snprintf(buf, len, "%s%s%s", r->executor, plain ? "" : "/",
             plain ? "" : r->transport);
}

void view_variant_label(const struct results_view *v,
                        const struct view_row *row, int with_chunk,
                        char *buf, size_t len)
{
    const struct view_inst *in = &v->insts[row->inst];
    const struct results_row *r = row->r;
    size_t n = (size_t)snprintf(buf, len, "%s", r->executor);
    if (strcmp(r->transport, "pipe") == 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "/pipe");
    if (in->both_modes && !view_is_baseline(r) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " %s", r->mode);
    if (with_chunk && in->chunk_varies && !in->has_auto && n < len)
        snprintf(buf + n, len - n, " chunk %llu",
                 (unsigned long long)r->chunk);
}

void view_config_name(const struct results_view *v,
                          const struct view_row *vr, char *buf, size_t len)
{
    const struct view_inst *in = &v->insts[vr->inst];
    view_variant_label(v, vr, 0, buf, len);
    size_t n = strlen(buf);
    if (!view_is_baseline(vr->r) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " x%u", vr->r->workers);
    if (in->chunk_varies && n < len) {
        if (vr->r->chunk_auto)
            snprintf(buf + n, len - n, " chunk auto");
        else
            snprintf(buf + n, len - n, " chunk %llu",
                     (unsigned long long)vr->r->chunk);
    }
}

void view_config_label(const struct results_row *r, char *buf, size_t len)
{
    char inst[256], ex[96];
    view_instance_label(r, inst, sizeof(inst));
    view_executor_label(r, ex, sizeof(ex));
    snprintf(buf, len, "%s %s j=%u %s chunk=%llu", inst, ex, r->workers,
             r->mode, (unsigned long long)r->chunk);
}

/* Fields are separated by 0x1f (unit separator), which the reader never
 * lets into a name (it is a control character), so keys cannot collide
 * by concatenation. */
size_t view_match_key(const struct results_row *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s\x1f%s\x1f%s\x1f%s\x1f%u\x1f%s\x1f%llu",
                     r->workload, r->params, r->executor, r->transport,
                     r->workers, r->mode, (unsigned long long)r->chunk);
    return n < 0 ? len : (size_t)n;
}

int view_same_config(const struct results_row *a,
                     const struct results_row *b)
{
    return strcmp(a->workload, b->workload) == 0 &&
           strcmp(a->params, b->params) == 0 &&
           strcmp(a->executor, b->executor) == 0 &&
           strcmp(a->transport, b->transport) == 0 &&
           a->workers == b->workers && strcmp(a->mode, b->mode) == 0 &&
           a->chunk == b->chunk;
}

int view_cmp_partner(const struct view_row *p, const struct view_row *q)
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

int view_cmp_partner_order(const void *a, const void *b)
{
    const struct view_row *p = *(const struct view_row *const *)a;
    const struct view_row *q = *(const struct view_row *const *)b;
    int c = view_cmp_partner(p, q);
    return c != 0 ? c : (p > q) - (p < q);
}

enum view_verdict view_ci_verdict(double a_lo, double a_hi, double b_lo,
                                  double b_hi)
{
    if (isnan(a_lo) || isnan(a_hi) || isnan(b_lo) || isnan(b_hi))
        return VIEW_SAME;
    if (a_hi < b_lo)
        return VIEW_LOWER;
    if (a_lo > b_hi)
        return VIEW_HIGHER;
    return VIEW_SAME;
}

int view_param(const char *params, const char *key, char *buf, size_t len)
{
    size_t kl = strlen(key);
    if (len > 0)
        buf[0] = '\0';
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

void view_params_without(const char *params, const char *key, char *buf,
                         size_t len)
{
    size_t n = 0, kl = strlen(key);
    if (len == 0)
        return;
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

int view_in_part(const struct results_row *row,
                 const struct view_part *part)
{
    return part == NULL || (row->machine_index == part->machine &&
                            row->run_index == part->run);
}

/* ---- building ----------------------------------------------------------- */

/* An open-addressing table from a key to an index, so that grouping
 * 100,000 rows stays linear. */
struct slot {
    uint64_t hash;
    size_t index;   /* SIZE_MAX: empty */
};

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t k = 0; k < len; k++) {
        h ^= p[k];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t inst_hash(const struct results_row *r)
{
    uint64_t h = 14695981039346656037ull;
    long run = r->run_index;
    h = fnv(h, r->workload, strlen(r->workload) + 1);
    h = fnv(h, r->params, strlen(r->params) + 1);
    h = fnv(h, &r->machine_index, sizeof(r->machine_index));
    h = fnv(h, &r->tasks, sizeof(r->tasks));
    return fnv(h, &run, sizeof(run));
}

static int same_inst(const struct view_inst *in, const struct results_row *r)
{
    return in->machine == r->machine_index && in->run == r->run_index &&
           in->tasks == r->tasks && strcmp(in->workload, r->workload) == 0 &&
           strcmp(in->params, r->params) == 0;
}

static double median_of(const struct results_row *r, const char *name)
{
    const struct results_series *s = results_series_find(r, name);
    return s != NULL && s->n > 0 ? stats_median(s->v, s->n) : NAN;
}

/* Summaries of one row; usable when it finished cleanly with samples. */
static void row_summaries(struct view_row *vr)
{
    const struct results_row *r = vr->r;
    vr->speedup = vr->speedup_lo = vr->speedup_hi = NAN;
    vr->speedup_level = NAN;
    vr->efficiency = vr->startup_s = vr->cpu_s = vr->ns_per_task = NAN;
    vr->usable = r->failure == NULL && r->errors == 0 &&
                 results_row_stats(r, RESULTS_WALL_S, &vr->wall) == 0;
    if (!vr->usable) {
        memset(&vr->wall, 0, sizeof(vr->wall));
        return;
    }
    if (results_row_stats(r, RESULTS_FIRST_RESULT_S, &vr->first) != 0)
        memset(&vr->first, 0, sizeof(vr->first));
    vr->startup_s = median_of(r, RESULTS_STARTUP_S);
    if (r->tasks > 0)
        vr->ns_per_task = vr->wall.median * 1e9 / (double)r->tasks;
    vr->cpu_s = median_of(r, RESULTS_USER_S) + median_of(r, RESULTS_SYS_S);
}

int view_ratio(const struct view_row *base, const struct view_row *row,
               const char *series, double *est, double *lo, double *hi)
{
    *est = *lo = *hi = NAN;
    if (base == NULL || row == NULL || !base->usable || !row->usable)
        return -1;
    const struct results_series *a = results_series_find(row->r, series);
    const struct results_series *b = results_series_find(base->r, series);
    if (a == NULL || b == NULL || a->n == 0 || b->n == 0)
        return -1;
    double l, h;
    /* The ratio base / row of the samples: point and interval come from
     * the same ordered ratios (log-scale Hodges-Lehmann), so the point
     * lies inside its interval. No interval from STATS_MIN_CI_N or fewer
     * samples a side. */
    int rc = stats_ratio_ci(a->v, a->n, b->v, b->n, VIEW_CI_LEVEL, est, &l,
                            &h);
    if (rc < 0) {
        *est = NAN;
        return -1;
    }
    if (rc == 0 && a->n > STATS_MIN_CI_N && b->n > STATS_MIN_CI_N) {
        *lo = l;
        *hi = h;
    }
    return 0;
}

enum view_verdict view_ratio_verdict(double lo, double hi)
{
    return view_ci_verdict(lo, hi, 1, 1);
}

/* The speedup of vr against base, with the interval of the ratio of
 * their samples. */
static void row_speedup(struct view_row *vr, const struct view_row *base)
{
    if (!vr->usable || base == NULL || !(vr->wall.median > 0))
        return;
    if (view_ratio(base, vr, RESULTS_WALL_S, &vr->speedup, &vr->speedup_lo,
                   &vr->speedup_hi) != 0)
        return;
    if (!isnan(vr->speedup_lo))
        vr->speedup_level = stats_ratio_ci_level(
            results_series_find(vr->r, RESULTS_WALL_S)->n,
            results_series_find(base->r, RESULTS_WALL_S)->n, VIEW_CI_LEVEL);
    vr->efficiency = vr->speedup / vr->r->workers;
}

/* Add row k to its instance, creating the instance when it is new. */
static int group_row(struct results_view *v, struct slot *table,
                     size_t nslots, size_t k)
{
    const struct results_row *r = v->rows[k].r;
    uint64_t h = inst_hash(r);
    size_t at = (size_t)(h % nslots);
    while (table[at].index != SIZE_MAX &&
           !(table[at].hash == h &&
             same_inst(&v->insts[table[at].index], r)))
        at = (at + 1) % nslots;
    if (table[at].index == SIZE_MAX) {
        struct view_inst *in = &v->insts[v->ninsts];
        char label[256];
        view_instance_label(r, label, sizeof(label));
        in->label = strdup(label);
        if (in->label == NULL)
            return -1;
        in->workload = r->workload;
        in->params = r->params;
        in->machine = r->machine_index;
        in->run = r->run_index;
        in->tasks = r->tasks;
        in->baseline = -1;
        table[at].hash = h;
        table[at].index = v->ninsts++;
    }
    struct view_inst *in = &v->insts[table[at].index];
    if ((in->nrows & (in->nrows - 1)) == 0) {
        /* Grow at every power of two: amortized linear. */
        size_t cap = in->nrows ? 2 * in->nrows : 4;
        size_t *grown = realloc(in->rows, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        in->rows = grown;
    }
    in->rows[in->nrows++] = k;
    v->rows[k].inst = table[at].index;
    return 0;
}

/* Same executor, transport, mode and workers: differs at most in chunk. */
static int same_shape(const struct results_row *a,
                      const struct results_row *b)
{
    return strcmp(a->executor, b->executor) == 0 &&
           strcmp(a->mode, b->mode) == 0 &&
           strcmp(a->transport, b->transport) == 0 &&
           a->workers == b->workers;
}

/* Baseline, flags and speedups of one instance. */
static void finish_inst(struct results_view *v, struct view_inst *in)
{
    int ord = 0, unord = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable)
            continue;
        if (vr->r->chunk_auto)
            in->has_auto = 1;
        if (view_is_baseline(vr->r)) {
            if (in->baseline < 0 ||
                vr->wall.median < v->rows[in->baseline].wall.median)
                in->baseline = (long)in->rows[a];
            continue;
        }
        if (strcmp(vr->r->mode, "ordered") == 0)
            ord = 1;
        else
            unord = 1;
        /* Chunk sweeps are small; stop looking once one is seen. */
        for (size_t b = 0; b < a && !in->chunk_varies; b++) {
            const struct results_row *o = v->rows[in->rows[b]].r;
            if (same_shape(vr->r, o) && vr->r->chunk != o->chunk)
                in->chunk_varies = 1;
        }
    }
    in->both_modes = ord && unord;
    const struct view_row *base =
        in->baseline >= 0 ? &v->rows[in->baseline] : NULL;
    for (size_t a = 0; a < in->nrows; a++)
        row_speedup(&v->rows[in->rows[a]], base);
}

static void add_part(struct results_view *v, const struct results_row *r)
{
    for (size_t k = v->nparts; k-- > 0;)
        if (v->parts[k].machine == r->machine_index &&
            v->parts[k].run == r->run_index)
            return;
    v->parts[v->nparts].machine = r->machine_index;
    v->parts[v->nparts].run = r->run_index;
    v->nparts++;
}

int view_build(const struct results_file *f, struct results_view *v,
               char *err, size_t err_len)
{
    size_t nslots = 2 * f->nrows + 1;
    struct slot *table = NULL;
    memset(v, 0, sizeof(*v));
    v->f = f;
    v->rows = calloc(f->nrows + 1, sizeof(*v->rows));
    v->insts = calloc(f->nrows + 1, sizeof(*v->insts));
    v->parts = calloc(f->nrows + 1, sizeof(*v->parts));
    table = malloc(nslots * sizeof(*table));
    if (v->rows == NULL || v->insts == NULL || v->parts == NULL ||
        table == NULL)
        goto oom;
    for (size_t k = 0; k < nslots; k++)
        table[k].index = SIZE_MAX;
    for (size_t k = 0; k < f->nrows; k++) {
        v->rows[k].r = &f->rows[k];
        row_summaries(&v->rows[k]);
        if (group_row(v, table, nslots, k) != 0)
            goto oom;
        /* Parts are few (one per merged run): a short scan suffices,
         * and the last part seen is the likeliest match. */
        add_part(v, &f->rows[k]);
    }
    v->nrows = f->nrows;
    for (size_t k = 0; k < f->nwarnings; k++)
        if (f->warnings[k].result >= 0)
            v->rows[f->warnings[k].result].nwarnings++;
    if (f->nrows == 0) {
        v->parts[0].machine = 0;
        v->parts[0].run = -1;
        v->nparts = 1;
    }
    for (size_t i = 0; i < v->ninsts; i++)
        finish_inst(v, &v->insts[i]);
    free(table);
    return 0;
oom:
    free(table);
    view_free(v);
    snprintf(err, err_len, "%s: out of memory", f->path);
    return -1;
}

void view_free(struct results_view *v)
{
    for (size_t i = 0; i < v->ninsts; i++) {
        free(v->insts[i].rows);
        free(v->insts[i].label);
    }
    free(v->rows);
    free(v->insts);
    free(v->parts);
    memset(v, 0, sizeof(*v));
}

const struct view_row *view_baseline(const struct results_view *v,
                                     const struct view_row *row)
{
    long b = v->insts[row->inst].baseline;
    return b >= 0 ? &v->rows[b] : NULL;
}

/* The instance like i but for params: want, or -1. */
static long inst_with_params(const struct results_view *v, size_t i,
                             const char *want)
{
    const struct view_inst *in = &v->insts[i];
    for (size_t j = 0; j < v->ninsts; j++) {
        const struct view_inst *o = &v->insts[j];
        if (j != i && strcmp(o->workload, in->workload) == 0 &&
            o->machine == in->machine && o->run == in->run &&
            o->tasks == in->tasks && strcmp(o->params, want) == 0)
            return (long)j;
    }
    return -1;
}

int view_spawn_share(const struct results_view *v, size_t i,
                     double *task_s, double *spawn_s, double *share)
{
    const struct view_inst *in = &v->insts[i];
    char want[2048];
    const char *b = strstr(in->params, "baseline=0");
    if (strcmp(in->workload, "cmd") != 0 || b == NULL ||
        (b != in->params && b[-1] != ',') || (b[10] != ',' && b[10]) ||
        in->baseline < 0 || in->tasks == 0 ||
        strlen(in->params) >= sizeof(want))
        return 0;
    snprintf(want, sizeof(want), "%s", in->params);
    want[b - in->params + 9] = '1';
    long j = inst_with_params(v, i, want);
    if (j < 0 || v->insts[j].baseline < 0)
        return 0;
    *task_s = v->rows[in->baseline].wall.median / (double)in->tasks;
    *spawn_s = v->rows[v->insts[j].baseline].wall.median /
               (double)in->tasks;
    *share = *spawn_s / *task_s;
    return 1;
}

int view_faster(const struct view_row *a, const struct view_row *b)
{
    if (isfinite(a->speedup) && isfinite(b->speedup) &&
        a->speedup != b->speedup)
        return a->speedup > b->speedup;
    return a->wall.median < b->wall.median;
}

const struct view_row *view_best_other(const struct results_view *v,
                                       size_t inst, int *parallel)
{
    const struct view_inst *in = &v->insts[inst];
    const struct view_row *multi = NULL, *one = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        const struct view_row **best = vr->r->workers > 1 ? &multi : &one;
        if (vr->usable && !view_is_baseline(vr->r) &&
            (*best == NULL || view_faster(vr, *best)))
            *best = vr;
    }
    *parallel = multi != NULL;
    return multi != NULL ? multi : one;
}

const struct view_row *view_fastest(const struct results_view *v,
                                    size_t inst, const char *executor,
                                    unsigned workers)
{
    const struct view_inst *in = &v->insts[inst];
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable ||
            (executor != NULL && strcmp(vr->r->executor, executor) != 0) ||
            (workers > 0 && vr->r->workers != workers))
            continue;
        if (best == NULL || view_faster(vr, best))
            best = vr;
    }
    return best;
}

void view_fastest_native_python(const struct results_view *v, size_t inst,
                                const struct view_row **native,
                                const struct view_row **python)
{
    const struct view_inst *in = &v->insts[inst];
    *native = *python = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        const struct view_row **best =
            strncmp(vr->r->executor, "py-", 3) == 0 ? python : native;
        if (vr->usable &&
            (*best == NULL || view_faster(vr, *best)))
            *best = vr;
    }
}

enum view_verdict view_speed_ratio(const struct view_row *a,
                                   const struct view_row *b, double *est,
                                   double *lo, double *hi)
{
    /* a's speed relative to b: b's time over a's, as a speedup of a
     * against the base b. */
    if (view_ratio(b, a, RESULTS_WALL_S, est, lo, hi) != 0 || isnan(*lo))
        return VIEW_SAME;
    return view_ci_verdict(*lo, *hi, 1.0, 1.0);
}

/* Cheaper: fewer workers, then the plain loop before a pool. */
static int cheaper(const struct view_row *a, const struct view_row *b)
{
    if (a->r->workers != b->r->workers)
        return a->r->workers < b->r->workers;
    if (view_is_baseline(a->r) != view_is_baseline(b->r))
        return view_is_baseline(a->r);
    return a->wall.median < b->wall.median;
}

const struct view_row *view_recommended(const struct results_view *v,
                                        size_t inst)
{
    const struct view_inst *in = &v->insts[inst];
    const struct view_row *best = view_fastest(v, inst, NULL, 0), *pick;
    double est, lo, hi;
    if (best == NULL)
        return NULL;
    view_speed_ratio(best, best, &est, &lo, &hi);
    if (isnan(lo))
        return NULL;
    pick = best;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || !cheaper(vr, pick))
            continue;
        /* Not clearly slower: the speed ratio's interval reaches 1. */
        if (view_speed_ratio(vr, best, &est, &lo, &hi) != VIEW_LOWER &&
            !isnan(lo))
            pick = vr;
    }
    return pick;
}

int view_derive_json(cJSON *root, view_derive_fn *more, char *err,
                     size_t err_len)
{
    struct results_file f;
    struct results_view v;
    char *text = cJSON_PrintUnformatted(root);
    if (text == NULL) {
        snprintf(err, err_len, "out of memory deriving results");
        return -1;
    }
    int rc = results_parse("the results being written", text, strlen(text),
                           &f, err, err_len);
    free(text);
    if (rc != 0)
        return -1;
    if (view_build(&f, &v, err, err_len) != 0) {
        results_free(&f);
        return -1;
    }
    cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "results");
    size_t k = 0;
    for (cJSON *o = rows != NULL ? rows->child : NULL;
         o != NULL && k < v.nrows; o = o->next, k++) {
        const struct view_row *vr = &v.rows[k];
        results_json_number(o, "ns_per_task", vr->ns_per_task);
        results_json_number(o, "speedup", vr->speedup);
        results_json_number(o, "efficiency", vr->efficiency);
        results_json_number(o, "speedup_ci_level", vr->speedup_level);
        cJSON *arr = NULL;
        if (isfinite(vr->speedup_lo) && isfinite(vr->speedup_hi)) {
            double ci[2] = { vr->speedup_lo, vr->speedup_hi };
            arr = cJSON_CreateDoubleArray(ci, 2);
        } else if (!isnan(vr->speedup)) {
            arr = cJSON_CreateNull(); /* a speedup without an interval */
        }
        if (arr != NULL &&
            cJSON_GetObjectItemCaseSensitive(o, "speedup_ci95"))
            cJSON_ReplaceItemInObjectCaseSensitive(o, "speedup_ci95", arr);
        else if (arr != NULL)
            cJSON_AddItemToObject(o, "speedup_ci95", arr);
    }
    rc = more != NULL ? more(root, &v, err, err_len) : 0;
    view_free(&v);
    results_free(&f);
    return rc;
}
