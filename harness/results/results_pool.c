/* results_pool.c - the memory a loaded file's rows live in: one arena of
 * large blocks (the arena also serves results_tree.c), and its strings
 * interned (a fleet's 100,000 rows repeat
 * a handful of workload, executor and mode names). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results_impl.h"

#define POOL_BLOCK_BYTES (1u << 20)

/* One block of an arena; data follows the header. */
struct results_block {
    struct results_block *next;
    size_t used, cap;
    max_align_t data[];
};

static struct results_block *arena_block(size_t cap)
{
    struct results_block *b = malloc(sizeof(*b) + cap);
    if (b == NULL) {
        results_reader_oom = 1;
        return NULL;
    }
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

void *results_arena_alloc(struct results_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    struct results_block *b = a->blocks;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > a->block_bytes / 4 ? n : a->block_bytes;
        struct results_block *nb = arena_block(cap);
        if (nb == NULL)
            return NULL;
        if (cap == n && b != NULL) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->blocks = nb;
        }
        b = nb;
    }
    void *out = (char *)b->data + b->used;
    b->used += n;
    return out;
}

int results_arena_reset(struct results_arena *a)
{
    if (a->blocks != NULL && a->blocks->next != NULL) {
        size_t total = 0;
        for (struct results_block *b = a->blocks; b != NULL; b = b->next)
            total += b->cap;
        results_arena_free(a);
        a->blocks = arena_block(total > a->block_bytes ? total
                                                       : a->block_bytes);
    } else if (a->blocks == NULL) {
        a->blocks = arena_block(a->block_bytes);
    }
    if (a->blocks == NULL)
        return -1;
    a->blocks->used = 0;
    return 0;
}

void results_arena_free(struct results_arena *a)
{
    while (a->blocks != NULL) {
        struct results_block *next = a->blocks->next;
        free(a->blocks);
        a->blocks = next;
    }
}

struct results_pool {
    struct results_arena arena;
    const char **slots;         /* open addressing; NULL: empty */
    size_t nslots, nused;
};

struct results_pool *results_pool_new(void)
{
    struct results_pool *p = calloc(1, sizeof(*p));
    if (p != NULL)
        p->arena.block_bytes = POOL_BLOCK_BYTES;
    return p;
}

void results_pool_free(struct results_pool *p)
{
    if (p == NULL)
        return;
    results_arena_free(&p->arena);
    free(p->slots);
    free(p);
}

void *results_pool_alloc(struct results_pool *p, size_t n)
{
    return results_arena_alloc(&p->arena, n);
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
