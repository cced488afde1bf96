/* findings.c - sentences computed from a results view (see findings.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "units.h"

#define FINDINGS_MAX_EXECUTORS 16
#define FINDINGS_MAX_PAIRS 8 /* same-work pairs named per checksum */

static const struct {
    const char *name;
    const char *question;
} kinds[FINDING_NKINDS] = {
    [FINDING_AT_CPUS] = { "at-cpus", "Processes, threads or futures, and "
                          "how many workers, for each workload?" },
    [FINDING_BEST] = { "best", "Which configuration is fastest?" },
    [FINDING_BREAKEVEN] = { "break-even", "When does a pool lose to the "
                            "plain loop (the seed's light tasks)?" },
    [FINDING_PARAM] = { "parameter", "What does each parameter change, "
                        "everything else equal?" },
    [FINDING_SAME_WORK] = { "same-work", "Workloads that did the same "
                            "work: which way is faster?" },
    [FINDING_DELIVERY] = { "delivery", "map or apply_async: when does the "
                           "first result arrive?" },
    [FINDING_OVERSUB] = { "oversubscription",
                          "Do more workers than CPUs help?" },
};

const char *findings_kind_question(enum finding_kind kind)
{
    return kind < FINDING_NKINDS ? kinds[kind].question : "?";
}

const char *findings_kind_name(enum finding_kind kind)
{
    return kind < FINDING_NKINDS ? kinds[kind].name : "?";
}

/* ---- building blocks ---------------------------------------------------- */

struct ctx {
    const struct results_view *v;
    struct findings *out;
    int oom;
};

static void add(struct ctx *c, enum finding_kind kind, size_t inst,
                size_t other, enum view_verdict verdict, const char *fmt,
                ...) __attribute__((format(printf, 6, 7)));

static void add(struct ctx *c, enum finding_kind kind, size_t inst,
                size_t other, enum view_verdict verdict, const char *fmt,
                ...)
{
    struct findings *fs = c->out;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 16;
        struct finding *grown = realloc(fs->items, cap * sizeof(*grown));
        if (grown == NULL) {
            c->oom = 1;
            return;
        }
        fs->items = grown;
        fs->cap = cap;
    }
    struct finding *f = &fs->items[fs->n++];
    f->kind = kind;
    f->inst = inst;
    f->other = other;
    f->verdict = verdict;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof(f->text), fmt, ap);
    va_end(ap);
}

static int same_part(const struct view_inst *a, const struct view_inst *b)
{
    return a->machine == b->machine && a->run == b->run;
}

static unsigned cpus_of(const struct results_view *v,
                        const struct view_inst *in)
{
    long c = v->f->machines[in->machine].cpus_usable;
    return c > 0 ? (unsigned)c : 1;
}

static const struct view_row *base_of(const struct results_view *v,
                                      const struct view_inst *in)
{
    return in->baseline >= 0 ? &v->rows[in->baseline] : NULL;
}

/* Where a row's speedup interval lies against 1 (serial): VIEW_HIGHER
 * is faster than serial. */
static enum view_verdict vs_serial(const struct view_row *vr)
{
    return view_ci_verdict(vr->speedup_lo, vr->speedup_hi, 1.0, 1.0);
}

/* Where a's wall-time interval lies against b's. */
static enum view_verdict vs_wall(const struct view_row *a,
                                 const struct view_row *b)
{
    return view_ci_verdict(a->wall.ci95_low, a->wall.ci95_high,
                           b->wall.ci95_low, b->wall.ci95_high);
}

/* "procs x2", with mode and chunk when the instance varies them (the
 * terminal summary names configurations the same way). */
void findings_config_name(const struct results_view *v,
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

/* "1.93x [1.90, 1.96] faster than serial" and the like. */
static void speedup_text(const struct view_row *vr, char *buf, size_t len)
{
    double s = vr->speedup, lo = vr->speedup_lo, hi = vr->speedup_hi;
    switch (vs_serial(vr)) {
    case VIEW_HIGHER:
        snprintf(buf, len, "%.2fx [%.2f, %.2f] faster than serial", s, lo,
                 hi);
        break;
    case VIEW_LOWER:
        snprintf(buf, len, "%.2fx [%.2f, %.2f] slower than serial", 1 / s,
                 1 / hi, 1 / lo);
        break;
    default:
        if (isnan(lo) || isnan(hi))
            snprintf(buf, len, "%.2fx serial", s);
        else
            snprintf(buf, len, "no different from serial (%.2fx [%.2f, "
                     "%.2f], the interval holds 1)", s, lo, hi);
    }
}

/* Per-task time of the instance's baseline, NAN without one. */
static double per_task(const struct view_row *base)
{
    if (base == NULL || base->r->tasks == 0)
        return NAN;
    return base->wall.median / (double)base->r->tasks;
}

/* The parallel executors of the instance (or of part when in == NULL:
 * every instance of that part), in order of appearance. */
static size_t executors_of(const struct results_view *v,
                           const struct view_inst *in,
                           const struct view_part *part,
                           const char *names[FINDINGS_MAX_EXECUTORS])
{
    size_t n = 0, count = in != NULL ? in->nrows : v->nrows;
    for (size_t a = 0; a < count; a++) {
        const struct view_row *vr = &v->rows[in != NULL ? in->rows[a] : a];
        if (!vr->usable || view_is_baseline(vr->r) ||
            (part != NULL && !view_in_part(vr->r, part)))
            continue;
        size_t k = 0;
        while (k < n && strcmp(names[k], vr->r->executor) != 0)
            k++;
        if (k == n && n < FINDINGS_MAX_EXECUTORS)
            names[n++] = vr->r->executor;
    }
    return n;
}

/* The worker count to compare executors at: the CPUs when measured,
 * else the largest count measured. */
static unsigned target_workers(const struct results_view *v, size_t i)
{
    const struct view_inst *in = &v->insts[i];
    unsigned cpus = cpus_of(v, in), best = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || view_is_baseline(vr->r))
            continue;
        if (vr->r->workers == cpus)
            return cpus;
        if (vr->r->workers > best)
            best = vr->r->workers;
    }
    return best;
}

/* ---- (a) executors at the CPU count, and the fastest ------------------- */

static void find_at_cpus(struct ctx *c, size_t i)
{
    const struct results_view *v = c->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *base = base_of(v, in);
    unsigned w = target_workers(v, i);
    const char *ex[FINDINGS_MAX_EXECUTORS];
    size_t nex = executors_of(v, in, NULL, ex);
    if (base == NULL || w == 0)
        return;
    char list[512] = "", per[32];
    size_t n = 0;
    for (size_t e = 0; e < nex && n < sizeof(list); e++) {
        const struct view_row *vr = view_fastest(v, i, ex[e], w);
        char sp[160];
        if (vr == NULL || isnan(vr->speedup))
            continue;
        speedup_text(vr, sp, sizeof(sp));
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s %s",
                              n ? "; " : "", ex[e], sp);
    }
    if (n == 0)
        return;
    units_format_time(per_task(base), per, sizeof(per));
    add(c, FINDING_AT_CPUS, i, FINDING_NONE, VIEW_SAME,
        "At %u worker%s on %s (%s per task serially): %s.", w,
        w == 1 ? "" : "s", in->label, per, list);
}

/* The fastest parallel row of instance i, or NULL. */
static const struct view_row *best_parallel(const struct results_view *v,
                                            size_t i)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && !view_is_baseline(vr->r) &&
            (best == NULL || vr->wall.median < best->wall.median))
            best = vr;
    }
    return best;
}

static void find_best(struct ctx *c, size_t i)
{
    const struct results_view *v = c->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *base = base_of(v, in);
    const struct view_row *best = view_fastest(v, i, NULL, 0);
    const struct view_row *par = best_parallel(v, i);
    char name[200], t[32], sp[160];
    if (base == NULL || best == NULL || par == NULL)
        return;
    findings_config_name(v, par, name, sizeof(name));
    units_format_time(par->wall.median, t, sizeof(t));
    speedup_text(par, sp, sizeof(sp));
    if (best != base)
        add(c, FINDING_BEST, i, FINDING_NONE, vs_serial(par),
            "The fastest configuration for %s is %s: %s median, %s.",
            in->label, name, t, sp);
    else
        add(c, FINDING_BEST, i, FINDING_NONE, vs_serial(par),
            "No parallel configuration had a lower median than the plain "
            "serial loop for %s; the best, %s (%s), is %s.", in->label,
            name, t, sp);
}

/* ---- (b) break-even ---------------------------------------------------- */

/* Whether every usable parallel row of instance i is slower than serial
 * (intervals apart); *n gets their count. */
static int all_lose(const struct results_view *v, size_t i, size_t *n)
{
    const struct view_inst *in = &v->insts[i];
    *n = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || view_is_baseline(vr->r))
            continue;
        (*n)++;
        if (vs_serial(vr) != VIEW_LOWER)
            return 0;
    }
    return *n > 0;
}

static void find_breakeven(struct ctx *c, const struct view_part *part)
{
    const struct results_view *v = c->v;
    size_t lose = FINDING_NONE, win = FINDING_NONE;
    double lose_per = -1, win_per = INFINITY;
    for (size_t i = 0; i < v->ninsts; i++) {
        const struct view_inst *in = &v->insts[i];
        const struct view_row *base = base_of(v, in);
        const struct view_row *par = best_parallel(v, i);
        size_t n;
        double per = per_task(base);
        if (in->machine != part->machine || in->run != part->run ||
            par == NULL || isnan(per))
            continue;
        if (all_lose(v, i, &n)) {
            char name[200], t[32], sp[160];
            findings_config_name(v, par, name, sizeof(name));
            units_format_time(per, t, sizeof(t));
            speedup_text(par, sp, sizeof(sp));
            add(c, FINDING_BREAKEVEN, i, FINDING_NONE, VIEW_LOWER,
                "On %s (%s per task serially) all %zu parallel "
                "configuration%s lost to serial; the closest, %s, is %s.",
                in->label, t, n, n == 1 ? "" : "s", name, sp);
            if (per > lose_per) {
                lose_per = per;
                lose = i;
            }
        } else if (vs_serial(par) == VIEW_HIGHER && per < win_per) {
            win_per = per;
            win = i;
        }
    }
    if (lose == FINDING_NONE || win == FINDING_NONE || lose_per >= win_per)
        return;
    const struct view_row *par = best_parallel(v, win);
    char lt[32], wt[32], name[200];
    units_format_time(lose_per, lt, sizeof(lt));
    units_format_time(win_per, wt, sizeof(wt));
    findings_config_name(v, par, name, sizeof(name));
    add(c, FINDING_BREAKEVEN, lose, win, VIEW_SAME,
        "The break-even lies between %s per task (%s: every parallel "
        "configuration lost) and %s per task (%s: %s is %.2fx [%.2f, "
        "%.2f] faster than serial).", lt, v->insts[lose].label, wt,
        v->insts[win].label, name, par->speedup, par->speedup_lo,
        par->speedup_hi);
}

/* ---- (c) one parameter across its values -------------------------------- */

/* One (instance, parameter) of the view: its params without the key. */
struct pentry {
    size_t inst;
    char key[64];
    char value[128];
    char rest[512];
};

static const struct results_view *sort_view;

/* Values as numbers when both are numbers, else as text. */
static int cmp_value(const char *a, const char *b)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (ea != a && *ea == '\0' && eb != b && *eb == '\0' && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

/* Order: part, workload, key, rest, then value. */
static int cmp_group(const struct pentry *p, const struct pentry *q)
{
    const struct view_inst *a = &sort_view->insts[p->inst];
    const struct view_inst *b = &sort_view->insts[q->inst];
    int c = (a->machine > b->machine) - (a->machine < b->machine);
    if (c == 0)
        c = (a->run > b->run) - (a->run < b->run);
    if (c == 0)
        c = strcmp(a->workload, b->workload);
    if (c == 0)
        c = strcmp(p->key, q->key);
    if (c == 0)
        c = strcmp(p->rest, q->rest);
    return c;
}

static int cmp_pentry(const void *x, const void *y)
{
    const struct pentry *p = x, *q = y;
    int c = cmp_group(p, q);
    return c != 0 ? c : cmp_value(p->value, q->value);
}

/* Append "key=value: CFG T (speedup)" for one member to buf. */
static size_t param_member(const struct results_view *v,
                           const struct pentry *p, char *buf, size_t len)
{
    const struct view_row *best = view_fastest(v, p->inst, NULL, 0);
    char name[200], t[32];
    if (best == NULL)
        return (size_t)snprintf(buf, len, "%s=%s: nothing finished",
                                p->key, p->value);
    findings_config_name(v, best, name, sizeof(name));
    units_format_time(best->wall.median, t, sizeof(t));
    if (isnan(best->speedup))
        return (size_t)snprintf(buf, len, "%s=%s: %s %s", p->key,
                                p->value, name, t);
    return (size_t)snprintf(buf, len, "%s=%s: %s %s (%.2fx serial)",
                            p->key, p->value, name, t, best->speedup);
}

/* A group of instances that differ only in one parameter. */
static void param_group(struct ctx *c, const struct pentry *g, size_t n)
{
    const struct results_view *v = c->v;
    size_t fast = FINDING_NONE, slow = FINDING_NONE;
    const struct view_row *fb = NULL, *sb = NULL;
    char list[512] = "";
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        const struct view_row *b = view_fastest(v, g[k].inst, NULL, 0);
        if (used < sizeof(list))
            used += param_member(v, &g[k], list + used,
                                 used < sizeof(list) ? sizeof(list) - used
                                                     : 0);
        if (used < sizeof(list) && k + 1 < n)
            used += (size_t)snprintf(list + used, sizeof(list) - used,
                                     "; ");
        if (b == NULL)
            continue;
        if (fb == NULL || b->wall.median < fb->wall.median) {
            fb = b;
            fast = k;
        }
        if (sb == NULL || b->wall.median >= sb->wall.median) {
            sb = b;
            slow = k;
        }
    }
    if (fb == NULL || fast == slow)
        return;
    const char *wl = v->insts[g[0].inst].workload;
    const char *rest = g[0].rest[0] != '\0' ? g[0].rest : "no other";
    enum view_verdict d = vs_wall(fb, sb);
    if (d == VIEW_LOWER)
        add(c, FINDING_PARAM, g[fast].inst, g[slow].inst, d,
            "%s, best configuration per value of %s (%s equal): %s. "
            "%s=%s is %.2fx faster than %s=%s (95%% intervals apart).",
            wl, g[0].key, rest, list, g[fast].key, g[fast].value,
            sb->wall.median / fb->wall.median, g[slow].key,
            g[slow].value);
    else
        add(c, FINDING_PARAM, g[fast].inst, g[slow].inst, VIEW_SAME,
            "%s, best configuration per value of %s (%s equal): %s. "
            "No difference shown between %s=%s and %s=%s (95%% intervals "
            "overlap).", wl, g[0].key, rest, list, g[fast].key,
            g[fast].value, g[slow].key, g[slow].value);
}

/* The (instance, key) entries of every instance with params. */
static struct pentry *param_entries(const struct results_view *v,
                                    size_t *count)
{
    size_t n = 0, cap = 0;
    struct pentry *e = NULL;
    for (size_t i = 0; i < v->ninsts; i++) {
        const char *p = v->insts[i].params;
        while (p != NULL && *p != '\0') {
            size_t kl = strcspn(p, "=,");
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 16;
                struct pentry *grown = realloc(e, nc * sizeof(*e));
                if (grown == NULL) {
                    free(e);
                    return NULL;
                }
                e = grown;
                cap = nc;
            }
            struct pentry *x = &e[n++];
            x->inst = i;
            snprintf(x->key, sizeof(x->key), "%.*s", (int)kl, p);
            view_param(v->insts[i].params, x->key, x->value,
                       sizeof(x->value));
            view_params_without(v->insts[i].params, x->key, x->rest,
                                sizeof(x->rest));
            p = strchr(p, ',');
            if (p != NULL)
                p++;
        }
    }
    *count = n;
    return e != NULL ? e : calloc(1, sizeof(*e));
}

static void find_params(struct ctx *c)
{
    size_t n = 0;
    struct pentry *e = param_entries(c->v, &n);
    if (e == NULL) {
        c->oom = 1;
        return;
    }
    sort_view = c->v;
    qsort(e, n, sizeof(*e), cmp_pentry);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && cmp_group(&e[a], &e[b]) == 0)
            b++;
        if (b - a >= 2)
            param_group(c, &e[a], b - a);
        a = b;
    }
    free(e);
}

/* ---- (d) workloads that did the same work ------------------------------- */

static const struct view_row *sig_row(const struct results_view *v,
                                      size_t i)
{
    const struct view_inst *in = &v->insts[i];
    if (in->baseline >= 0)
        return &v->rows[in->baseline];
    return view_fastest(v, i, NULL, 0);
}

static int cmp_work(const void *x, const void *y)
{
    size_t p = *(const size_t *)x, q = *(const size_t *)y;
    const struct view_inst *a = &sort_view->insts[p];
    const struct view_inst *b = &sort_view->insts[q];
    const struct results_row *ra = sig_row(sort_view, p)->r;
    const struct results_row *rb = sig_row(sort_view, q)->r;
    int c = (a->machine > b->machine) - (a->machine < b->machine);
    if (c == 0)
        c = (a->run > b->run) - (a->run < b->run);
    if (c == 0)
        c = strcmp(ra->checksum, rb->checksum);
    if (c == 0)
        c = (ra->tasks > rb->tasks) - (ra->tasks < rb->tasks);
    return c != 0 ? c : (p > q) - (p < q);
}

/* Whether the keys a and b share have equal values. */
static int shared_params_equal(const char *a, const char *b)
{
    for (const char *p = a; p != NULL && *p != '\0';) {
        char key[64], va[128], vb[128];
        size_t kl = strcspn(p, "=,");
        snprintf(key, sizeof(key), "%.*s", (int)kl, p);
        if (view_param(b, key, vb, sizeof(vb)) == 0 &&
            (view_param(a, key, va, sizeof(va)) != 0 ||
             strcmp(va, vb) != 0))
            return 0;
        p = strchr(p, ',');
        if (p != NULL)
            p++;
    }
    return 1;
}

/* The workload and the params it has that other lacks: "shuffled
 * (seed=42)". */
static void own_label(const struct view_inst *in, const char *other,
                      char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%s", in->workload);
    int any = 0;
    for (const char *p = in->params; p != NULL && *p != '\0' && n < len;) {
        char key[64], val[128];
        size_t il = strcspn(p, ",");
        size_t kl = strcspn(p, "=,");
        snprintf(key, sizeof(key), "%.*s", (int)kl, p);
        if (view_param(other, key, val, sizeof(val)) != 0)
            n += (size_t)snprintf(buf + n, len - n, "%s%.*s",
                                  any++ ? "," : " (", (int)il, p);
        p += il;
        if (*p == ',')
            p++;
    }
    if (any && n < len)
        snprintf(buf + n, len - n, ")");
}

/* "serial: 8.5 ms vs 8.4 ms, shuffled 1% slower (95% intervals
 * apart)". */
static void pair_text(const char *what, const char *who,
                      const struct view_row *a, const struct view_row *b,
                      char *buf, size_t len)
{
    char ta[32], tb[32];
    units_format_time(a->wall.median, ta, sizeof(ta));
    units_format_time(b->wall.median, tb, sizeof(tb));
    double pct = 100 * (a->wall.median / b->wall.median - 1);
    enum view_verdict d = vs_wall(a, b);
    if (d == VIEW_SAME)
        snprintf(buf, len, "%s %s vs %s, no difference shown (95%% "
                 "intervals overlap)", what, ta, tb);
    else
        snprintf(buf, len, "%s %s vs %s, %s %.0f%% %s (95%% intervals "
                 "apart)", what, ta, tb, who, fabs(pct),
                 d == VIEW_LOWER ? "faster" : "slower");
}

static void same_work_pair(struct ctx *c, size_t i, size_t j)
{
    const struct results_view *v = c->v;
    const struct view_inst *a = &v->insts[i], *b = &v->insts[j];
    const struct view_row *sa = sig_row(v, i), *sb = sig_row(v, j);
    const struct view_row *fa = view_fastest(v, i, NULL, 0);
    const struct view_row *fb = view_fastest(v, j, NULL, 0);
    char la[300], lb[300], t1[300] = "", t2[600] = "", na[200], nb[200];
    own_label(a, b->params, la, sizeof(la));
    own_label(b, a->params, lb, sizeof(lb));
    if (a->baseline >= 0 && b->baseline >= 0)
        pair_text("serial:", a->workload, sa, sb, t1, sizeof(t1));
    findings_config_name(v, fa, na, sizeof(na));
    findings_config_name(v, fb, nb, sizeof(nb));
    char what[440];
    snprintf(what, sizeof(what), "fastest (%s vs %s):", na, nb);
    pair_text(what, a->workload, fa, fb, t2, sizeof(t2));
    add(c, FINDING_SAME_WORK, i, j, vs_wall(fa, fb),
        "%s and %s did the same work (checksum %s over %llu tasks): "
        "%s%s%s.", la, lb, sa->r->checksum,
        (unsigned long long)sa->r->tasks, t1, t1[0] ? "; " : "", t2);
}

static void find_same_work(struct ctx *c)
{
    const struct results_view *v = c->v;
    size_t *ids = calloc(v->ninsts + 1, sizeof(*ids)), n = 0;
    if (ids == NULL) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < v->ninsts; i++) {
        const struct view_row *s = sig_row(v, i);
        if (s != NULL && s->r->checksum != NULL)
            ids[n++] = i;
    }
    sort_view = v;
    qsort(ids, n, sizeof(*ids), cmp_work);
    for (size_t a = 0; a < n;) {
        const struct results_row *ra = sig_row(v, ids[a])->r;
        size_t b = a + 1, pairs = 0;
        while (b < n) {
            const struct results_row *rb = sig_row(v, ids[b])->r;
            if (!same_part(&v->insts[ids[a]], &v->insts[ids[b]]) ||
                strcmp(ra->checksum, rb->checksum) != 0 ||
                ra->tasks != rb->tasks)
                break;
            b++;
        }
        for (size_t x = a; x < b && pairs < FINDINGS_MAX_PAIRS; x++)
            for (size_t y = x + 1; y < b && pairs < FINDINGS_MAX_PAIRS;
                 y++) {
                const struct view_inst *p = &v->insts[ids[x]];
                const struct view_inst *q = &v->insts[ids[y]];
                if (strcmp(p->workload, q->workload) == 0 ||
                    !shared_params_equal(p->params, q->params))
                    continue;
                same_work_pair(c, ids[x], ids[y]);
                pairs++;
            }
        a = b;
    }
    free(ids);
}

/* ---- (e) ordered vs unordered delivery ---------------------------------- */

/* Delivery partners: same executor, transport, workers and chunk. */
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

static int has_first(const struct view_row *vr)
{
    return vr->usable && vr->first.n > 0 && vr->first.median > 0;
}

static void find_delivery(struct ctx *c, size_t i)
{
    const struct results_view *v = c->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *bo = NULL, *bu = NULL;
    const struct view_row **un;
    double best_ratio = 0;
    size_t nun = 0;
    if (!in->both_modes)
        return;
    /* Partners by binary search among the unordered rows sorted by
     * configuration: linear-logarithmic in the instance's rows. */
    un = calloc(in->nrows + 1, sizeof(*un));
    if (un == NULL) {
        c->oom = 1;
        return;
    }
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *u = &v->rows[in->rows[a]];
        if (has_first(u) && strcmp(u->r->mode, "unordered") == 0)
            un[nun++] = u;
    }
    qsort(un, nun, sizeof(*un), cmp_partner_order);
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *o = &v->rows[in->rows[a]];
        if (!has_first(o) || view_is_baseline(o->r) ||
            strcmp(o->r->mode, "ordered") != 0)
            continue;
        size_t lo = 0, hi = nun;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_partner(un[mid], o) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t b = lo; b < nun && cmp_partner(un[b], o) == 0; b++) {
            double ratio = o->first.median / un[b]->first.median;
            if (bo == NULL || ratio > best_ratio) {
                bo = o;
                bu = un[b];
                best_ratio = ratio;
            }
        }
    }
    free(un);
    if (bo == NULL)
        return;
    char fo[32], fu[32], wo[32], wu[32], ex[64];
    units_format_time(bo->first.median, fo, sizeof(fo));
    units_format_time(bu->first.median, fu, sizeof(fu));
    units_format_time(bo->wall.median, wo, sizeof(wo));
    units_format_time(bu->wall.median, wu, sizeof(wu));
    view_executor_label(bo->r, ex, sizeof(ex));
    enum view_verdict d = view_ci_verdict(
        bu->first.ci95_low, bu->first.ci95_high, bo->first.ci95_low,
        bo->first.ci95_high);
    if (d == VIEW_LOWER)
        add(c, FINDING_DELIVERY, i, FINDING_NONE, d,
            "On %s with %s x%u chunk %llu, unordered delivery (as "
            "completed) hands over the first result %.1fx sooner than "
            "ordered (map): %s vs %s; the whole run takes %s vs %s.",
            in->label, ex, bo->r->workers,
            (unsigned long long)bo->r->chunk, best_ratio, fu, fo, wu, wo);
    else
        add(c, FINDING_DELIVERY, i, FINDING_NONE, VIEW_SAME,
            "On %s with %s x%u chunk %llu, ordered and unordered delivery "
            "give the first result at about the same time (%s vs %s, 95%% "
            "intervals overlap).", in->label, ex, bo->r->workers,
            (unsigned long long)bo->r->chunk, fo, fu);
}

/* ---- (f) oversubscription ----------------------------------------------- */

/* The fastest usable row of instance i and executor with more workers
 * than min_w, or NULL. */
static const struct view_row *fastest_above(const struct results_view *v,
                                            size_t i, const char *ex,
                                            unsigned min_w)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && vr->r->workers > min_w &&
            strcmp(vr->r->executor, ex) == 0 &&
            (best == NULL || vr->wall.median < best->wall.median))
            best = vr;
    }
    return best;
}

static void find_oversub(struct ctx *c, const struct view_part *part)
{
    const struct results_view *v = c->v;
    const char *ex[FINDINGS_MAX_EXECUTORS];
    size_t nex = executors_of(v, NULL, part, ex);
    for (size_t e = 0; e < nex; e++) {
        size_t faster = 0, slower = 0, same = 0;
        unsigned cpus = 0, most = 0;
        char fl[256] = "", sl[256] = "";
        size_t fn = 0, sn = 0;
        for (size_t i = 0; i < v->ninsts; i++) {
            const struct view_inst *in = &v->insts[i];
            if (in->machine != part->machine || in->run != part->run)
                continue;
            cpus = cpus_of(v, in);
            const struct view_row *at = view_fastest(v, i, ex[e], cpus);
            const struct view_row *over = fastest_above(v, i, ex[e], cpus);
            if (at == NULL || over == NULL)
                continue;
            if (over->r->workers > most)
                most = over->r->workers;
            enum view_verdict d = vs_wall(over, at);
            if (d == VIEW_LOWER) {
                faster++;
                if (fn < sizeof(fl))
                    fn += (size_t)snprintf(fl + fn, sizeof(fl) - fn,
                                           "%s%s", fn ? ", " : " (",
                                           in->workload);
            } else if (d == VIEW_HIGHER) {
                slower++;
                if (sn < sizeof(sl))
                    sn += (size_t)snprintf(sl + sn, sizeof(sl) - sn,
                                           "%s%s", sn ? ", " : " (",
                                           in->workload);
            } else {
                same++;
            }
        }
        size_t n = faster + slower + same;
        if (n == 0)
            continue;
        if (fn > 0 && fn < sizeof(fl))
            snprintf(fl + fn, sizeof(fl) - fn, ")");
        if (sn > 0 && sn < sizeof(sl))
            snprintf(sl + sn, sizeof(sl) - sn, ")");
        add(c, FINDING_OVERSUB, FINDING_NONE, FINDING_NONE, VIEW_SAME,
            "With %s, more workers than the %u online CPUs (up to %u) "
            "made %zu of %zu instance%s clearly faster%s, %zu clearly "
            "slower%s and left %zu within noise.", ex[e], cpus, most,
            faster, n, n == 1 ? "" : "s", fl, slower, sl, same);
    }
}

/* ---- the list ----------------------------------------------------------- */

int findings_build(const struct results_view *v, struct findings *out,
                   char *err, size_t err_len)
{
    struct ctx c = { .v = v, .out = out };
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < v->ninsts; i++)
        find_at_cpus(&c, i);
    for (size_t i = 0; i < v->ninsts; i++)
        find_best(&c, i);
    for (size_t p = 0; p < v->nparts; p++)
        find_breakeven(&c, &v->parts[p]);
    find_params(&c);
    find_same_work(&c);
    for (size_t i = 0; i < v->ninsts; i++)
        find_delivery(&c, i);
    for (size_t p = 0; p < v->nparts; p++)
        find_oversub(&c, &v->parts[p]);
    if (c.oom) {
        findings_free(out);
        snprintf(err, err_len, "%s: out of memory computing findings",
                 v->f->path);
        return -1;
    }
    return 0;
}

void findings_free(struct findings *fs)
{
    free(fs->items);
    memset(fs, 0, sizeof(*fs));
}
