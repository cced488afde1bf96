/* procs_shm.c - the procs transport through shared memory (the default).
 *
 * One MAP_SHARED mapping (made by the core) holds the claim counter, the
 * completion count, one flag per chunk (0 running or unclaimed, 1 done)
 * and the results. A worker claims chunk c with fetch_add, records c in
 * its own line (`cur`) so that the parent knows what it was running if it
 * dies, runs the tasks into the shared results and sets the chunk's flag.
 * The parent delivers done chunks (in index order, or in the order it
 * finds them) and, with nothing ready, sleeps in ppoll() on an eventfd
 * that a worker writes once enough chunks are done, together with every
 * worker's death fd: a dying worker wakes it at once.
 */
#include <signal.h>
#include <stdlib.h>

#include "procs.h"

/* ---- the worker (child) side ---- */

/* Wake the parent if it is parked and asked for n completions. The
 * caller's last store before this (a chunk's flag, or its own idleness)
 * pairs with the parent's fence between setting cons_sleep and its last
 * look: either it sees that store or we see it asleep. seq_cst loads, so
 * that a caller whose store is a seq_cst operation needs no fence: if our
 * load misses the parent's store, that store comes before the parent's
 * fence in the single order and the parent's look after it sees ours. */
static void shm_notify(struct exec_pool *p, uint64_t n)
{
    if (atomic_load_explicit(&p->sh->cons_sleep, memory_order_seq_cst) &&
        n >= atomic_load_explicit(&p->sh->cons_want, memory_order_seq_cst) &&
        atomic_exchange_explicit(&p->sh->cons_sleep, 0,
                                 memory_order_relaxed)) {
        uint64_t one = 1;
        ssize_t r = write(p->efd, &one, sizeof(one));
        (void)r;
    }
}

static void shm_child(struct exec_pool *p, unsigned id, void *ws)
{
    struct prc_shared *sh = p->sh;
    atomic_uint_fast64_t *cur = &p->wl[id].cur;
    unsigned ph;
    while ((ph = atomic_load_explicit(&sh->phase, memory_order_acquire)) ==
           PRC_WAIT)
        exec_futex_wait(&sh->phase, PRC_WAIT, -1, 1);
    if (ph != PRC_RUN)
        return;
    for (;;) {
        /* relaxed: only atomicity matters for the claim. */
        uint64_t c = atomic_fetch_add_explicit(&sh->next, 1,
                                               memory_order_relaxed);
        if (c >= p->b.nchunks)
            break;
        /* Relaxed is enough: the parent reads cur only after reaping us
         * (waitpid orders everything we wrote) or after killing all. */
        atomic_store_explicit(cur, c, memory_order_relaxed);
        uint64_t first, count = exec_base_span(&p->b, c, &first);
        for (uint64_t k = 0; k < count; k++)
            executor_run_one(&p->b.job, ws, first + k,
                             &p->results[first + k]);
        procs_count(p, id, count);
        /* seq_cst for shm_notify's pair (no fence per chunk); also a
         * release: the parent's acquire of the flag sees the results */
        atomic_exchange_explicit(&p->flags[c], 1, memory_order_seq_cst);
        atomic_store_explicit(cur, PRC_NONE, memory_order_relaxed);
        uint64_t n = atomic_fetch_add_explicit(&sh->ndone, 1,
                                               memory_order_seq_cst) + 1;
        shm_notify(p, n);
    }
    atomic_store_explicit(cur, PRC_IDLE, memory_order_release);
    /* the parent may be waiting for idleness: pair through a fence */
    atomic_thread_fence(memory_order_seq_cst);
    shm_notify(p, p->b.nchunks);
    while (atomic_load_explicit(&sh->phase, memory_order_acquire) ==
           PRC_RUN)
        exec_futex_wait(&sh->phase, PRC_RUN, -1, 1);
}

/* ---- the parent side ---- */

static int shm_setup(struct exec_pool *p)
{
    p->cap_pending = 2 * (size_t)p->nworkers + 16;
    p->pending = calloc(p->cap_pending, sizeof(*p->pending));
    return p->pending == NULL ? -1 : 0;
}

static void shm_release(struct exec_pool *p)
{
    free(p->pending);
}

static void shm_lost(struct exec_pool *p, unsigned id, int32_t status,
                     int32_t error, int init_failed)
{
    (void)init_failed;
    uint64_t c = atomic_load_explicit(&p->wl[id].cur, memory_order_relaxed);
    if (c < p->b.nchunks &&
        !atomic_load_explicit(&p->flags[c], memory_order_acquire))
        procs_fail_chunk(p, c, status, error);
    atomic_store_explicit(&p->wl[id].cur, PRC_NONE, memory_order_relaxed);
}

/* Remember chunk c as claimed and not done; 0, or -1 if there is no room
 * (then look again later). */
static int shm_pend(struct exec_pool *p, uint64_t c)
{
    if (p->npending == p->cap_pending) {
        size_t cap = p->cap_pending * 2;
        uint64_t *np = realloc(p->pending, cap * sizeof(*np));
        if (np == NULL)
            return -1;
        p->pending = np;
        p->cap_pending = cap;
    }
    p->pending[p->npending++] = c;
    return 0;
}

/* Deliver what is done: in order, or (unordered) the pending chunks that
 * finished and then the newly claimed ones. Returns the number of chunks
 * delivered. */
static uint64_t shm_collect(struct exec_pool *p, uint64_t *head,
                            uint64_t *scan, struct exec_report *rep)
{
    uint64_t got = 0;
    if (p->b.cfg.mode == EXEC_ORDERED)
        return procs_collect_ordered(p, head, rep);
    for (size_t k = 0; k < p->npending;) {
        uint64_t c = p->pending[k];
        if (atomic_load_explicit(&p->flags[c], memory_order_acquire)) {
            exec_base_deliver(&p->b, c, p->results, rep);
            got++;
            p->pending[k] = p->pending[--p->npending];
        } else {
            k++;
        }
    }
    uint64_t claimed = atomic_load_explicit(&p->sh->next,
                                            memory_order_relaxed);
    if (claimed > p->b.nchunks)
        claimed = p->b.nchunks;
    while (*scan < claimed) {
        uint64_t c = *scan;
        if (atomic_load_explicit(&p->flags[c], memory_order_acquire)) {
            exec_base_deliver(&p->b, c, p->results, rep);
            got++;
        } else if (shm_pend(p, c) != 0) {
            break;
        }
        (*scan)++;
    }
    *head += got;
    return got;
}

/* Every worker has died or found nothing left to claim: a chunk still not
 * done was lost by a worker that died between claiming it and recording
 * it. Fail those, so the run can finish. */
static void shm_sweep(struct exec_pool *p)
{
    if (p->deaths > 0 && !p->orphaned && procs_live(p) == 0) {
        procs_orphan(p);
        return;
    }
    if (p->deaths == 0 ||
        atomic_load_explicit(&p->sh->next, memory_order_relaxed) <
            p->b.nchunks)
        return;
    for (unsigned k = 0; k < p->nworkers; k++)
        if (p->w[k].pid > 0 &&
            atomic_load_explicit(&p->wl[k].cur, memory_order_acquire) !=
                PRC_IDLE)
            return;
    for (uint64_t c = 0; c < p->b.nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            procs_fail_chunk(p, c, p->last_status, p->last_error);
}

/* Sleep until the eventfd or a death fd fires (or the park times out);
 * handle deaths. */
static void shm_park(struct exec_pool *p, struct exec_report *rep)
{
    unsigned n = p->nworkers, np = 1;
    p->pfd[0] = (struct pollfd){ .fd = p->efd, .events = POLLIN };
    for (unsigned k = 0; k < n; k++)
        if (p->w[k].pid > 0)
            p->pfd[np++] = (struct pollfd){ .fd = procs_death_fd(p, k),
                                            .events = POLLIN };
    struct timespec ts = procs_ts(exec_park_ns(p->b.deadline_ns));
    int r = ppoll(p->pfd, np, &ts, NULL);
    atomic_store_explicit(&p->sh->cons_sleep, 0, memory_order_relaxed);
    if (r <= 0)
        return;
    uint64_t v;
    if (read(p->efd, &v, sizeof(v)) < 0) {
        /* EAGAIN: nothing was written */
    }
    procs_chld_drain(p);
    for (unsigned k = 0; k < n; k++)
        if (procs_exited(p, k))
            procs_death(p, k, rep);
}

/* Ask to be woken at `want` completions (then look once more before
 * sleeping: see shm_notify). */
static void shm_arm(struct exec_pool *p, uint64_t want)
{
    atomic_store_explicit(&p->sh->cons_want,
                          want < p->b.nchunks ? want : p->b.nchunks,
                          memory_order_relaxed);
    atomic_store_explicit(&p->sh->cons_sleep, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst); /* see shm_notify */
}

static void shm_run(struct exec_pool *p, struct exec_report *rep)
{
    uint64_t head = 0, scan = 0, done = 0;
    int idle = 0, armed = 0, eager = 1;

    atomic_store_explicit(&p->sh->phase, PRC_RUN, memory_order_release);
    exec_futex_wake(&p->sh->phase, INT_MAX, 1);
    while (done < p->b.nchunks) {
        uint64_t got = shm_collect(p, &head, &scan, rep);
        if (got > 0) {
            done += got;
            idle = armed = eager = 0;
            atomic_store_explicit(&p->sh->cons_sleep, 0,
                                  memory_order_relaxed);
            if ((done & 1023) == 0 && exec_base_should_cut(&p->b, rep))
                procs_cut(p, rep);
            continue;
        }
        if (idle++ < (eager || p->batch == 1 ? EXEC_SPIN : EXEC_BATCH_SPIN)) {
            exec_cpu_relax();
            continue;
        }
        /* Looked at only once the spin is over: a clock read per spin
         * turn was a clock read per chunk at chunk 1. */
        if (exec_base_should_cut(&p->b, rep)) {
            procs_cut(p, rep);
            /* after a cut the flags of unclaimed chunks are set too */
            atomic_store_explicit(&p->sh->next, p->b.nchunks,
                                  memory_order_relaxed);
            continue;
        }
        if (!armed) {
            shm_arm(p, eager ? 1 : done + p->batch);
            armed = 1;
            shm_sweep(p);
            continue;
        }
        shm_park(p, rep);
        armed = 0;
        eager = 1;
    }
}

const struct procs_transport procs_shm = {
    .name = "shm",
    .pipes = 0,
    .setup = shm_setup,
    .child = shm_child,
    .run = shm_run,
    .lost = shm_lost,
    .release = shm_release,
};
