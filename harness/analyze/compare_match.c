/* compare_match.c - which rows of compare's files are one configuration
 * (see compare_match.h): the matching key, a sorted index of each file's
 * keys, and the pairing of a new file's rows with its base runs'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_match.h"
#include "view.h"

const char *compare_workers_spec(const struct results_row *r)
{
    /* Files written before `-j cpus` was stored have none. */
    return r->workers_spec != NULL && r->workers_spec[0] != '\0'
               ? r->workers_spec : NULL;
}

/* ---- the key and its index ----------------------------------------- */

/* A file's rows sorted by matching key, for binary search: n log n where
 * comparing every pair was quadratic. */
struct key_index {
    char **keys;      /* per sorted entry; owned */
    size_t *rows;     /* row index per sorted entry */
    size_t n;
};

/* The key of r: what the user chose. view_match_key with an automatic
 * chunk as 0 (a chunk given is >= 1), so that a chunk resolved from
 * another task count still matches, and under spec matching the worker
 * count replaced by its spec ("cpus"), so that runs of machines with
 * different CPU counts match. NULL when memory runs out. */
static char *match_key(const struct results_row *r, int spec)
{
    struct results_row copy = *r;
    const char *s = spec ? compare_workers_spec(r) : NULL;
    if (s != NULL)
        copy.workers = 0;
    if (r->chunk_auto)
        copy.chunk = 0;
    size_t len = view_match_key(&copy, NULL, 0);
    size_t extra = s != NULL ? strlen(s) + 2 : 0;
    char *k = malloc(len + extra + 1);
    if (k == NULL)
        return NULL;
    view_match_key(&copy, k, len + 1);
    if (s != NULL)
        snprintf(k + len, extra + 1, "\x1f%s", s);
    return k;
}

static const struct key_index *sort_ctx;

static int cmp_entry(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = strcmp(sort_ctx->keys[a], sort_ctx->keys[b]);
    return c != 0 ? c : (a > b) - (a < b);
}

static void index_free(struct key_index *ix)
{
    for (size_t k = 0; k < ix->n && ix->keys != NULL; k++)
        free(ix->keys[k]);
    free(ix->keys);
    free(ix->rows);
    memset(ix, 0, sizeof(*ix));
}

/* Build f's key index. Returns 0 or -1 (out of memory). */
static int index_build(const struct results_file *f, int spec,
                       struct key_index *ix)
{
    size_t n = f->nrows;
    char **keys = calloc(n + 1, sizeof(*keys));
    size_t *order = malloc((n + 1) * sizeof(*order));
    memset(ix, 0, sizeof(*ix));
    if (keys == NULL || order == NULL)
        goto fail;
    for (size_t k = 0; k < n; k++) {
        keys[k] = match_key(&f->rows[k], spec);
        order[k] = k;
        if (keys[k] == NULL)
            goto fail;
    }
    /* Sort row numbers by key, then lay the keys out in that order. */
    struct key_index tmp = { keys, NULL, n };
    sort_ctx = &tmp;
    qsort(order, n, sizeof(*order), cmp_entry);
    sort_ctx = NULL;
    ix->keys = malloc((n + 1) * sizeof(*ix->keys));
    if (ix->keys == NULL)
        goto fail;
    for (size_t k = 0; k < n; k++)
        ix->keys[k] = keys[order[k]];
    free(keys);
    ix->rows = order;
    ix->n = n;
    return 0;
fail:
    for (size_t k = 0; keys != NULL && k < n; k++)
        free(keys[k]);
    free(keys);
    free(order);
    return -1;
}

/* The row index with key in ix (the first in file order), or -1. */
static long index_find(const struct key_index *ix, const char *key)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->keys[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && strcmp(ix->keys[lo], key) == 0 ? (long)ix->rows[lo]
                                                         : -1;
}

/* Fail unless every configuration appears once in f. Names the first row
 * (in file order) that has a duplicate, and its first duplicate. */
static int check_unique(const struct results_file *f,
                        const struct key_index *ix, char *err,
                        size_t err_len)
{
    size_t first = SIZE_MAX, second = 0;
    for (size_t k = 0; k + 1 < ix->n; k++)
        if (strcmp(ix->keys[k], ix->keys[k + 1]) == 0 &&
            ix->rows[k] < first) {
            first = ix->rows[k];
            second = ix->rows[k + 1];
        }
    if (first == SIZE_MAX)
        return 0;
    char label[512];
    view_config_label(&f->rows[first], label, sizeof(label));
    snprintf(err, err_len, "%s: results[%zu] and results[%zu] are the same "
             "configuration (%s); compare takes one run per file, not a "
             "merge of runs", f->path, first, second, label);
    return -1;
}

int compare_all_have_spec(const struct results_file *const *files,
                          size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < files[k]->nrows; i++)
            if (compare_workers_spec(&files[k]->rows[i]) == NULL)
                return 0;
    return 1;
}

/* ---- pairing ------------------------------------------------------- */

int compare_pair_rows(const struct results_file *const *bases,
                      size_t nbases, const struct results_file *new_file,
                      int spec, struct compare_pairing *out, char *err,
                      size_t err_len)
{
    const struct results_file *base = bases[0];
    struct key_index *ix = calloc(nbases, sizeof(*ix)), nix = { 0 };
    char *used = calloc(base->nrows + 1, 1);
    int rc = -1;
    memset(out, 0, sizeof(*out));
    out->nbases = nbases;
    out->at = malloc((new_file->nrows * nbases + 1) * sizeof(*out->at));
    out->base = calloc(new_file->nrows + 1, sizeof(*out->base));
    out->only_base = calloc(base->nrows + 1, sizeof(*out->only_base));
    if (ix == NULL || used == NULL || out->at == NULL || out->base == NULL ||
        out->only_base == NULL)
        goto oom;
    for (size_t k = 0; k < nbases; k++)
        if (index_build(bases[k], spec, &ix[k]) != 0)
            goto oom;
    if (index_build(new_file, spec, &nix) != 0)
        goto oom;
    if (check_unique(base, &ix[0], err, err_len) != 0 ||
        check_unique(new_file, &nix, err, err_len) != 0)
        goto done;
    /* nix holds every new row's key: look each up in every base run (a
     * configuration the newest run lacks is still found in older ones). */
    for (size_t p = 0; p < nix.n; p++) {
        size_t j = nix.rows[p];
        long *at = &out->at[j * nbases];
        for (size_t k = 0; k < nbases; k++) {
            at[k] = index_find(&ix[k], nix.keys[p]);
            if (at[k] >= 0 && out->base[j] == NULL)
                out->base[j] = &bases[k]->rows[at[k]];
        }
        if (at[0] >= 0)
            used[at[0]] = 1;
    }
    for (size_t i = 0; i < base->nrows; i++)
        if (!used[i])
            out->only_base[out->nonly_base++] = &base->rows[i];
    rc = 0;
    goto done;
oom:
    snprintf(err, err_len, "out of memory");
done:
    for (size_t k = 0; ix != NULL && k < nbases; k++)
        index_free(&ix[k]);
    free(ix);
    index_free(&nix);
    free(used);
    if (rc != 0)
        compare_pairing_free(out);
    return rc;
}

void compare_pairing_free(struct compare_pairing *p)
{
    free(p->at);
    free(p->base);
    free(p->only_base);
    memset(p, 0, sizeof(*p));
}
