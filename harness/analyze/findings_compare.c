/* findings_compare.c - findings that compare: one parameter across its
 * values, workloads that did the same work, ordered vs unordered
 * delivery (see findings.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_impl.h"
#include "units.h"

/* ---- (c) one parameter across its values -------------------------------- */

/* One (instance, parameter) of the view: its params without the key. */
/* One (instance, key) entry; key, value and rest share one allocation
 * (key's), sized to fit: a fleet's file has 100,000 instances, and
 * fixed buffers cost 700 bytes an entry. */
struct pentry {
    size_t inst;
    char *key;
    const char *value;
    const char *rest;
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
    view_config_name(v, best, name, sizeof(name));
    units_format_time(best->wall.median, t, sizeof(t));
    if (isnan(best->speedup))
        return (size_t)snprintf(buf, len, "%s=%s: %s %s", p->key,
                                p->value, name, t);
    return (size_t)snprintf(buf, len, "%s=%s: %s %s (%.2fx serial)",
                            p->key, p->value, name, t, best->speedup);
}

/* A group of instances that differ only in one parameter. */
static void param_group(struct findings_ctx *c, const struct pentry *g,
                        size_t n)
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
    enum view_verdict d = findings_vs_wall(fb, sb);
    if (d == VIEW_LOWER)
        findings_add(c, FINDING_PARAM, g[fast].inst, g[slow].inst, d,
            "%s, best configuration per value of %s (%s equal): %s. "
            "%s=%s is %.2fx faster than %s=%s (95%% intervals apart).",
            wl, g[0].key, rest, list, g[fast].key, g[fast].value,
            sb->wall.median / fb->wall.median, g[slow].key,
            g[slow].value);
    else
        findings_add(c, FINDING_PARAM, g[fast].inst, g[slow].inst, VIEW_SAME,
            "%s, best configuration per value of %s (%s equal): %s. "
            "No difference shown between %s=%s and %s=%s (95%% intervals "
            "overlap).", wl, g[0].key, rest, list, g[fast].key,
            g[fast].value, g[slow].key, g[slow].value);
}

static void free_entries(struct pentry *e, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(e[k].key);
    free(e);
}

/* Fill x for key (kl bytes at p) of params: one allocation holds key,
 * value and rest. Returns 0, or -1 when out of memory. */
static int fill_entry(struct pentry *x, const char *params, const char *p,
                      size_t kl)
{
    char key[64], value[128], rest[512];
    snprintf(key, sizeof(key), "%.*s", (int)kl, p);
    view_param(params, key, value, sizeof(value));
    view_params_without(params, key, rest, sizeof(rest));
    size_t k = strlen(key) + 1, v = strlen(value) + 1, r = strlen(rest) + 1;
    x->key = malloc(k + v + r);
    if (x->key == NULL)
        return -1;
    memcpy(x->key, key, k);
    memcpy(x->key + k, value, v);
    memcpy(x->key + k + v, rest, r);
    x->value = x->key + k;
    x->rest = x->key + k + v;
    return 0;
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
                    free_entries(e, n);
                    return NULL;
                }
                e = grown;
                cap = nc;
            }
            e[n].inst = i;
            if (fill_entry(&e[n], v->insts[i].params, p, kl) != 0) {
                free_entries(e, n);
                return NULL;
            }
            n++;
            p = strchr(p, ',');
            if (p != NULL)
                p++;
        }
    }
    *count = n;
    return e != NULL ? e : calloc(1, sizeof(*e));
}

void findings_params(struct findings_ctx *c)
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
    free_entries(e, n);
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

/* "serial: 8.5 ms vs 8.4 ms, shuffled 0.99x the speed (95% intervals
 * apart)": a speed ratio, the same measure as every speedup. */
static void pair_text(const char *what, const char *who,
                      const struct view_row *a, const struct view_row *b,
                      char *buf, size_t len)
{
    char ta[32], tb[32];
    units_format_time(a->wall.median, ta, sizeof(ta));
    units_format_time(b->wall.median, tb, sizeof(tb));
    double speed = b->wall.median / a->wall.median;
    enum view_verdict d = findings_vs_wall(a, b);
    if (d == VIEW_SAME)
        snprintf(buf, len, "%s %s vs %s, no difference shown (95%% "
                 "intervals overlap)", what, ta, tb);
    else
        snprintf(buf, len, "%s %s vs %s, %s %.2fx the speed (95%% "
                 "intervals apart)", what, ta, tb, who, speed);
}

static void same_work_pair(struct findings_ctx *c, size_t i, size_t j)
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
    view_config_name(v, fa, na, sizeof(na));
    view_config_name(v, fb, nb, sizeof(nb));
    char what[440];
    snprintf(what, sizeof(what), "fastest (%s vs %s):", na, nb);
    pair_text(what, a->workload, fa, fb, t2, sizeof(t2));
    findings_add(c, FINDING_SAME_WORK, i, j, findings_vs_wall(fa, fb),
        "%s and %s did the same work (checksum %s over %llu tasks): "
        "%s%s%s.", la, lb, sa->r->checksum,
        (unsigned long long)sa->r->tasks, t1, t1[0] ? "; " : "", t2);
}

void findings_same_work(struct findings_ctx *c)
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
            if (!findings_same_part(&v->insts[ids[a]], &v->insts[ids[b]]) ||
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

static int has_first(const struct view_row *vr)
{
    return vr->usable && vr->first.n > 0 && vr->first.median > 0;
}

void findings_delivery(struct findings_ctx *c, size_t i)
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
    qsort(un, nun, sizeof(*un), view_cmp_partner_order);
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *o = &v->rows[in->rows[a]];
        if (!has_first(o) || view_is_baseline(o->r) ||
            strcmp(o->r->mode, "ordered") != 0)
            continue;
        size_t lo = 0, hi = nun;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (view_cmp_partner(un[mid], o) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t b = lo; b < nun && view_cmp_partner(un[b], o) == 0; b++) {
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
        findings_add(c, FINDING_DELIVERY, i, FINDING_NONE, d,
            "On %s with %s x%u chunk %llu, unordered delivery (as "
            "completed) hands over the first result %.1fx sooner than "
            "ordered (map): %s vs %s; the whole run takes %s vs %s.",
            in->label, ex, bo->r->workers,
            (unsigned long long)bo->r->chunk, best_ratio, fu, fo, wu, wo);
    else
        findings_add(c, FINDING_DELIVERY, i, FINDING_NONE, VIEW_SAME,
            "On %s with %s x%u chunk %llu, ordered and unordered delivery "
            "give the first result at about the same time (%s vs %s, 95%% "
            "intervals overlap).", in->label, ex, bo->r->workers,
            (unsigned long long)bo->r->chunk, fo, fu);
}

