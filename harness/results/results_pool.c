/* results_pool.c - the memory a loaded file's rows live in: one arena of
 * large blocks, and its strings interned (a fleet's 100,000 rows repeat
 * a handful of workload, executor and mode names). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results_impl.h"

#define POOL_BLOCK_BYTES (1u << 20)

/* One block of the arena; data follows the header. */
struct pool_block {
    struct pool_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct results_pool {
    struct pool_block *blocks;  /* newest first */
    const char **slots;         /* open addressing; NULL: empty */
    size_t nslots, nused;
};

struct results_pool *results_pool_new(void)
{
    return calloc(1, sizeof(struct results_pool));
}

void results_pool_free(struct results_pool *p)
{
    if (p == NULL)
        return;
    while (p->blocks != NULL) {
        struct pool_block *next = p->blocks->next;
        free(p->blocks);
        p->blocks = next;
    }
    free(p->slots);
    free(p);
}

void *results_pool_alloc(struct results_pool *p, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    struct pool_block *b = p->blocks;
    if (b == NULL || b->cap - b->used < n) {
        /* A request larger than a block gets a block of its own, kept
         * behind the current one so its free space is not lost. */
        size_t cap = n > POOL_BLOCK_BYTES / 4 ? n : POOL_BLOCK_BYTES;
        struct pool_block *nb = malloc(sizeof(*nb) + cap);
        if (nb == NULL) {
            results_reader_oom = 1;
            return NULL;
        }
        nb->used = 0;
        nb->cap = cap;
        if (cap == n && b != NULL) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            p->blocks = nb;
        }
        b = nb;
    }
    void *out = (char *)b->data + b->used;
    b->used += n;
    return out;
}

static uint64_t hash_of(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t k = 0; k < len; k++)
        h = (h ^ (unsigned char)s[k]) * 1099511628211ull;
    return h;
}

/* Double the table (or make the first); -1 when out of memory. */
static int grow(struct results_pool *p)
{
    size_t n = p->nslots ? 2 * p->nslots : 256;
    const char **slots = calloc(n, sizeof(*slots));
    if (slots == NULL) {
        results_reader_oom = 1;
        return -1;
    }
    for (size_t k = 0; k < p->nslots; k++) {
        if (p->slots[k] == NULL)
            continue;
        size_t i = hash_of(p->slots[k], strlen(p->slots[k])) & (n - 1);
        while (slots[i] != NULL)
            i = (i + 1) & (n - 1);
        slots[i] = p->slots[k];
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = n;
    return 0;
}

const char *results_pool_intern(struct results_pool *p, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t len = strlen(s);
    /* At most half full, so probes stay short. */
    if (2 * (p->nused + 1) > p->nslots && grow(p) != 0)
        return NULL;
    size_t i = hash_of(s, len) & (p->nslots - 1);
    while (p->slots[i] != NULL) {
        if (strcmp(p->slots[i], s) == 0)
            return p->slots[i];
        i = (i + 1) & (p->nslots - 1);
    }
    char *copy = results_pool_alloc(p, len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, len + 1);
    p->slots[i] = copy;
    p->nused++;
    return copy;
}
