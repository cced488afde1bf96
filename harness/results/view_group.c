/* view_group.c - what needs every instance at once (see view.h): the
 * parameters that tell instances apart and the warnings per instance,
 * each by one sort instead of a scan per instance. */
#include <stdlib.h>
#include <string.h>

#include "view.h"

/* One parameter of one instance. */
struct pitem {
    const char *wl;       /* the instance's workload */
    const char *item;     /* "k=v" inside the instance's params */
    size_t klen, ilen;    /* key and item lengths */
    size_t inst;
    size_t wl_count;      /* instances of that workload */
    int differs;
};

static int cmp_text(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c != 0 ? c : (al > bl) - (al < bl);
}

/* By workload, key, then value. */
static int cmp_pitem(const void *pa, const void *pb)
{
    const struct pitem *a = *(const struct pitem *const *)pa;
    const struct pitem *b = *(const struct pitem *const *)pb;
    int c = strcmp(a->wl, b->wl);
    if (c == 0)
        c = cmp_text(a->item, a->klen, b->item, b->klen);
    if (c == 0)
        c = cmp_text(a->item + a->klen, a->ilen - a->klen,
                     b->item + b->klen, b->ilen - b->klen);
    return c;
}

static int cmp_inst_wl(const void *pa, const void *pb)
{
    const struct view_inst *a = *(const struct view_inst *const *)pa;
    const struct view_inst *b = *(const struct view_inst *const *)pb;
    return strcmp(a->workload, b->workload);
}

/* Whether inst's params hold key before item (a repeated key counts
 * once, as view_param reads the first). */
static int seen_before(const char *params, const char *item, size_t klen)
{
    for (const char *p = params; p < item;) {
        size_t il = strcspn(p, ",");
        if (strcspn(p, "=,") == klen && memcmp(p, item, klen) == 0)
            return 1;
        p += il + (p[il] == ',');
    }
    return 0;
}

/* Each instance's workload count, through one sort of the instances. */
static int count_workloads(const struct results_view *v, size_t *count)
{
    const struct view_inst **by = malloc((v->ninsts + 1) * sizeof(*by));
    if (by == NULL)
        return -1;
    for (size_t i = 0; i < v->ninsts; i++)
        by[i] = &v->insts[i];
    qsort(by, v->ninsts, sizeof(*by), cmp_inst_wl);
    for (size_t a = 0, b; a < v->ninsts; a = b) {
        for (b = a + 1; b < v->ninsts &&
                        strcmp(by[a]->workload, by[b]->workload) == 0; b++)
            ;
        for (size_t k = a; k < b; k++)
            count[by[k] - v->insts] = b - a;
    }
    free(by);
    return 0;
}

/* Every instance's items, in its own order, with their counts. */
static struct pitem *gather(const struct results_view *v,
                            const size_t *wl_count, size_t *n)
{
    size_t cap = 16, got = 0;
    struct pitem *items = malloc(cap * sizeof(*items));
    for (size_t i = 0; items != NULL && i < v->ninsts; i++) {
        const char *params = v->insts[i].params;
        for (const char *p = params; p != NULL && *p != '\0';) {
            size_t il = strcspn(p, ","), kl = strcspn(p, "=,");
            if (!seen_before(params, p, kl)) {
                if (got == cap) {
                    struct pitem *grown = realloc(items, 2 * cap *
                                                  sizeof(*items));
                    if (grown == NULL) {
                        free(items);
                        return NULL;
                    }
                    items = grown;
                    cap *= 2;
                }
                items[got++] = (struct pitem){ .wl = v->insts[i].workload,
                    .item = p, .klen = kl, .ilen = il, .inst = i,
                    .wl_count = wl_count[i] };
            }
            p += il + (p[il] == ',');
        }
    }
    *n = got;
    return items;
}

/* Mark the items whose key does not have one value across all the
 * instances of their workload. */
static int mark(struct pitem *items, size_t n)
{
    struct pitem **by = malloc((n + 1) * sizeof(*by));
    if (by == NULL)
        return -1;
    for (size_t k = 0; k < n; k++)
        by[k] = &items[k];
    qsort(by, n, sizeof(*by), cmp_pitem);
    for (size_t a = 0, b; a < n; a = b) {
        int values = 1;
        for (b = a + 1; b < n && strcmp(by[a]->wl, by[b]->wl) == 0 &&
                        cmp_text(by[a]->item, by[a]->klen, by[b]->item,
                                 by[b]->klen) == 0; b++)
            values += cmp_pitem(&by[b - 1], &by[b]) != 0;
        int differs = by[a]->wl_count > 1 &&
                      (b - a < by[a]->wl_count || values > 1);
        for (size_t k = a; k < b; k++)
            by[k]->differs = differs;
    }
    free(by);
    return 0;
}

char **view_distinct_params(const struct results_view *v)
{
    size_t *wl_count = calloc(v->ninsts + 1, sizeof(*wl_count));
    char **out = calloc(v->ninsts + 1, sizeof(*out));
    struct pitem *items = NULL;
    size_t n = 0;
    if (wl_count == NULL || out == NULL ||
        count_workloads(v, wl_count) != 0)
        goto oom;
    items = gather(v, wl_count, &n);
    if (items == NULL || mark(items, n) != 0)
        goto oom;
    for (size_t k = 0, i = 0; i < v->ninsts; i++) {
        /* The instance's items are consecutive, in its own order. */
        size_t start = k, len = 0;
        for (; k < n && items[k].inst == i; k++)
            len += items[k].differs ? items[k].ilen + 1 : 0;
        out[i] = malloc(len + 1);
        if (out[i] == NULL)
            goto oom;
        out[i][0] = '\0';
        for (size_t at = 0, q = start; q < k; q++) {
            if (!items[q].differs)
                continue;
            if (at > 0)
                out[i][at++] = ',';
            memcpy(out[i] + at, items[q].item, items[q].ilen);
            at += items[q].ilen;
            out[i][at] = '\0';
        }
    }
    free(items);
    free(wl_count);
    return out;
oom:
    free(items);
    free(wl_count);
    view_distinct_free(out, v->ninsts);
    return NULL;
}

void view_distinct_free(char **distinct, size_t n)
{
    if (distinct == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(distinct[i]);
    free(distinct);
}

/* ---- warnings per instance ---------------------------------------------- */

/* By instance, kind, then place in the file (qsort_r: arg is the
 * view). */
static int cmp_warning(const void *pa, const void *pb, void *arg)
{
    const struct results_view *sort_view = arg;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const struct results_warning *wa = &sort_view->f->warnings[a];
    const struct results_warning *wb = &sort_view->f->warnings[b];
    size_t ia = sort_view->rows[wa->result].inst;
    size_t ib = sort_view->rows[wb->result].inst;
    int c = (ia > ib) - (ia < ib);
    if (c == 0)
        c = strcmp(wa->kind, wb->kind);
    return c != 0 ? c : (a > b) - (a < b);
}

static int cmp_group(const void *pa, const void *pb)
{
    const struct view_warn_group *a = pa, *b = pb;
    int c = (a->inst > b->inst) - (a->inst < b->inst);
    return c != 0 ? c : (a->first > b->first) - (a->first < b->first);
}

int view_warning_groups(const struct results_view *v,
                        struct view_warn_group **out, size_t *n)
{
    const struct results_file *f = v->f;
    size_t *idx = malloc((f->nwarnings + 1) * sizeof(*idx)), m = 0, g = 0;
    struct view_warn_group *groups = calloc(f->nwarnings + 1,
                                            sizeof(*groups));
    *out = NULL;
    *n = 0;
    if (idx == NULL || groups == NULL) {
        free(idx);
        free(groups);
        return -1;
    }
    for (size_t k = 0; k < f->nwarnings; k++)
        if (f->warnings[k].result >= 0 &&
            (size_t)f->warnings[k].result < v->nrows)
            idx[m++] = k;
    qsort_r(idx, m, sizeof(*idx), cmp_warning, (void *)v);
    for (size_t a = 0, b; a < m; a = b) {
        const struct results_warning *w = &f->warnings[idx[a]];
        size_t inst = v->rows[w->result].inst;
        for (b = a + 1; b < m &&
                        v->rows[f->warnings[idx[b]].result].inst == inst &&
                        strcmp(f->warnings[idx[b]].kind, w->kind) == 0; b++)
            ;
        groups[g++] = (struct view_warn_group){ .inst = inst,
                                                .first = idx[a],
                                                .count = b - a };
    }
    qsort(groups, g, sizeof(*groups), cmp_group);
    free(idx);
    *out = groups;
    *n = g;
    return 0;
}
