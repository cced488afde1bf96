/* crawl.c - the seed's crawler: workers fetch pages and drop links they
 * have already seen through one shared visited set.
 *
 * Page i (task i) "fetches" for `us` microseconds, then finds `links`
 * links, ids in [0, pages) drawn from a stream seeded by (seed, i), and
 * adds each to a shared visited set: an open-addressing hash table in
 * MAP_SHARED memory, so threads and forked procs workers share it, either
 * lock-free (compare-and-swap on each slot, set=lockfree) or under one
 * process-shared mutex (set=mutex), the seed's Manager().dict(). A task
 * counts the links that were new to the set. After every repetition the
 * set must hold exactly the number of distinct links (computed in
 * prepare), and the new-link counts of all tasks must add up to it: a
 * duplicate counted twice or a link lost fails the repetition.
 * Value of task i: i.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "workload.h"

enum { P_PAGES, P_LINKS, P_US, P_SET, P_SEED };
enum { SET_LOCKFREE, SET_MUTEX };

static const struct wl_param crawl_params[] = {
    { "pages", WL_PARAM_INT, "20000", "ids a link can point to", 1,
      1000000000, NULL },
    { "links", WL_PARAM_INT, "8", "links found on each page", 0, 1024,
      NULL },
    { "us", WL_PARAM_INT, "200", "microseconds each page fetch blocks", 0,
      10000000, NULL },
    { "set", WL_PARAM_CHOICE, "lockfree",
      "visited set: lock-free CAS table, or one process-shared mutex", 0, 0,
      "lockfree|mutex" },
    { "seed", WL_PARAM_INT, "1", "seed of the link graph", 0,
      9007199254740992.0, NULL },
    { 0 },
};

/* The MAP_SHARED part: header, then the table. */
struct crawl_shared {
    pthread_mutex_t mutex;  /* set=mutex: guards table and counts */
    _Atomic uint64_t added; /* links new to the set, summed over tasks;
                               relaxed: read after workers are joined */
    _Atomic uint64_t tasks; /* tasks that finished */
    _Atomic uint64_t table[]; /* id + 1, 0 = empty */
};

struct crawl_state {
    struct crawl_shared *sh;
    size_t map_len;
    uint64_t mask;          /* table size - 1 (a power of two) */
    uint64_t pages, links, us, seed;
    uint64_t unique;        /* distinct links over all tasks */
    int set;
    int mutex_ready;
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Link k of page i: the k-th output of splitmix64 seeded with
 * seed * 2^32 + i, reduced to [0, pages) by multiply-shift. */
static uint64_t link_of(const struct crawl_state *st, uint64_t *stream)
{
    return (uint64_t)(((unsigned __int128)splitmix64(stream) * st->pages) >>
                      64);
}

static uint64_t slot_of(uint64_t key)
{
    uint64_t x = key;
    return splitmix64(&x);
}

static void crawl_release(void *state)
{
    struct crawl_state *st = state;
    if (st == NULL)
        return;
    if (st->mutex_ready)
        pthread_mutex_destroy(&st->sh->mutex);
    if (st->sh != NULL)
        munmap(st->sh, st->map_len);
    free(st);
}

static int crawl_prepare(struct wl_setup *s)
{
    const union wl_value *a = s->args;
    uint8_t *seen = NULL;
    struct crawl_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        goto oom;
    st->pages = (uint64_t)a[P_PAGES].i;
    st->links = (uint64_t)a[P_LINKS].i;
    st->us = (uint64_t)a[P_US].i;
    st->set = (int)a[P_SET].c.index;
    st->seed = (uint64_t)a[P_SEED].i;
    /* Count the distinct links the way the set must end up. */
    seen = calloc((size_t)(st->pages + 7) / 8, 1);
    if (seen == NULL)
        goto oom;
    for (uint64_t i = 0; i < s->ntasks; i++) {
        uint64_t stream = (st->seed << 32) + i;
        for (uint64_t k = 0; k < st->links; k++) {
            uint64_t id = link_of(st, &stream);
            if (!(seen[id / 8] & (1u << (id % 8)))) {
                seen[id / 8] |= (uint8_t)(1u << (id % 8));
                st->unique++;
            }
        }
    }
    free(seen);
    seen = NULL;
    uint64_t size = 64;
    while (size < 2 * st->unique)
        size *= 2;
    st->mask = size - 1;
    st->map_len = sizeof(*st->sh) + size * sizeof(st->sh->table[0]);
    void *p = mmap(NULL, st->map_len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        snprintf(s->err, s->err_len, "mmap %zu bytes: %s", st->map_len,
                 strerror(errno));
        goto fail;
    }
    st->sh = p;
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) {
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (rc == 0)
            rc = pthread_mutex_init(&st->sh->mutex, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0) {
        snprintf(s->err, s->err_len, "process-shared mutex: %s",
                 strerror(rc));
        goto fail;
    }
    st->mutex_ready = 1;
    s->state = st;
    s->ntasks_out = s->ntasks;
    return 0;
oom:
    snprintf(s->err, s->err_len, "out of memory");
fail:
    free(seen);
    crawl_release(st);
    return -1;
}

static int crawl_before_rep(void *state, char *err, size_t err_len)
{
    (void)err;
    (void)err_len;
    struct crawl_state *st = state;
    /* No worker runs between repetitions: plain clearing is enough. */
    memset((void *)st->sh->table, 0,
           (size_t)(st->mask + 1) * sizeof(st->sh->table[0]));
    atomic_store_explicit(&st->sh->added, 0, memory_order_relaxed);
    atomic_store_explicit(&st->sh->tasks, 0, memory_order_relaxed);
    return 0;
}

/* Add id to the set; 1 if it was new. Linear probing; the table is at
 * least twice the distinct ids, so it never fills. */
static int set_add(struct crawl_state *st, uint64_t id)
{
    uint64_t key = id + 1;
    for (uint64_t h = slot_of(key);; h++) {
        _Atomic uint64_t *slot = &st->sh->table[h & st->mask];
        uint64_t cur = atomic_load_explicit(slot, memory_order_relaxed);
        if (cur == key)
            return 0;
        if (cur != 0)
            continue;
        if (st->set == SET_MUTEX) {
            /* Under the mutex nobody else writes: a plain store. */
            atomic_store_explicit(slot, key, memory_order_relaxed);
            return 1;
        }
        /* Relaxed is enough: a slot only ever goes 0 -> key, and only
         * the key itself is read back. */
        if (atomic_compare_exchange_strong_explicit(
                slot, &cur, key, memory_order_relaxed,
                memory_order_relaxed))
            return 1;
        if (cur == key)
            return 0;
    }
}

static void crawl_run(void *state, void *wstate, uint64_t i,
                      struct task_result *out)
{
    (void)wstate;
    struct crawl_state *st = state;
    if (st->us > 0) {
        struct timespec ts = { (time_t)(st->us / 1000000),
                               (long)(st->us % 1000000) * 1000 };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    uint64_t stream = (st->seed << 32) + i, added = 0;
    if (st->set == SET_MUTEX)
        pthread_mutex_lock(&st->sh->mutex);
    for (uint64_t k = 0; k < st->links; k++)
        added += (uint64_t)set_add(st, link_of(st, &stream));
    if (st->set == SET_MUTEX)
        pthread_mutex_unlock(&st->sh->mutex);
    atomic_fetch_add_explicit(&st->sh->added, added, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->sh->tasks, 1, memory_order_relaxed);
    out->value = i;
}

static int crawl_after_rep(void *state, uint64_t ntasks, char *err,
                           size_t err_len)
{
    const struct crawl_state *st = state;
    uint64_t tasks = atomic_load_explicit(&st->sh->tasks,
                                          memory_order_relaxed);
    uint64_t added = atomic_load_explicit(&st->sh->added,
                                          memory_order_relaxed);
    uint64_t held = 0;
    for (uint64_t k = 0; k <= st->mask; k++)
        held += atomic_load_explicit(&st->sh->table[k],
                                     memory_order_relaxed) != 0;
    if (tasks != ntasks) {
        snprintf(err, err_len, "only %" PRIu64 " of %" PRIu64 " pages "
                 "were crawled", tasks, ntasks);
        return -1;
    }
    if (held != st->unique || added != st->unique) {
        snprintf(err, err_len, "visited set holds %" PRIu64 " ids and "
                 "tasks counted %" PRIu64 " new, expected %" PRIu64,
                 held, added, st->unique);
        return -1;
    }
    return 0;
}

const struct workload wl_crawl = {
    .abi = WORKLOAD_ABI,
    .name = "crawl",
    .summary = "the seed's crawler: fetch pages, drop seen links through "
               "one shared visited set",
    .value_doc = "i; and the visited set must end with exactly the "
                 "distinct links",
    .params = crawl_params,
    .default_tasks = 1000,
    .prepare = crawl_prepare,
    .before_rep = crawl_before_rep,
    .run_task = crawl_run,
    .after_rep = crawl_after_rep,
    .release = crawl_release,
};
