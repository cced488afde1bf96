/* futures_iter.c - waiting on futures: futures_wait() and the
 * as_completed iteration: a done-callback puts each done future in its
 * worker's lane (or, from any other thread, a shared ring), and one
 * thread reads the lanes in turn and parks on a futex when all are
 * empty.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "futures_impl.h"

size_t futures_wait(struct future *const *fs, size_t n,
                    enum futures_return_when when, double timeout_s)
{
    if (n == 0)
        return 0;
    struct futures_executor *ex = fs[0]->ex;
    int64_t deadline = futures_deadline_ns(timeout_s);
    for (;;) {
        size_t done = 0;
        for (size_t k = 0; k < n; k++)
            done += future_done(fs[k]) ? 1 : 0;
        if (when == FUTURES_ALL_COMPLETED ? done == n : done > 0)
            return done;
        long long ns = -1;
        if (deadline != 0) {
            ns = deadline - clock_mono_ns();
            if (ns <= 0)
                return done;
        }
        unsigned ev = atomic_load_explicit(&ex->done_ev,
                                           memory_order_relaxed);
        /* seq_cst: in the single order with fx_finish's pair */
        atomic_fetch_add_explicit(&ex->done_waiters, 1,
                                  memory_order_seq_cst);
        atomic_thread_fence(memory_order_seq_cst); /* see fx_finish */
        size_t again = 0;
        for (size_t k = 0; k < n; k++)
            again += future_done(fs[k]) ? 1 : 0;
        if (again == done)
            exec_futex_wait(&ex->done_ev, ev, ns, 0);
        atomic_fetch_sub_explicit(&ex->done_waiters, 1,
                                  memory_order_relaxed);
    }
}

/* ---- as_completed ---- */

/* Lanes take at most this much memory (a lane holds `capacity` futures,
 * as one worker may complete them all); past it, every push goes through
 * the shared ring. */
#define FX_LANES_MAX_BYTES (64u << 20)

/* Wake next() if it is parked and the pushes since it parked reach what
 * it waits for. The Dekker pair with next()'s fence is the pusher's
 * seq_cst publish before our seq_cst load of `sleep`: if the load misses
 * the sleeper's store, the publish came before the sleeper's fence and
 * its look after the fence sees it; if it sees the store, it sees the
 * `want` and the reset of `since` stored before. A push counted twice
 * (seen by that look and counted too, or left over from the last park)
 * wakes it early, never late. */
static void fx_iter_wake(struct futures_iter *it)
{
    if (!atomic_load_explicit(&it->sleep, memory_order_seq_cst))
        return;
    uint64_t n = atomic_fetch_add_explicit(&it->since, 1,
                                           memory_order_relaxed) + 1;
    if (n >= atomic_load_explicit(&it->want, memory_order_relaxed) &&
        atomic_exchange_explicit(&it->sleep, 0, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&it->ev, 1, memory_order_relaxed);
        exec_futex_wake(&it->ev, 1, 0);
    }
}

/* Worker k's push: only it writes lane k. The slot's store is seq_cst:
 * the publish of the Dekker pair in fx_iter_wake, and a release of f
 * and, through fx_finish's CAS, of its result. */
static void fx_lane_push(struct futures_iter *it, struct fx_lane *l,
                         struct future *f)
{
    uint64_t t = atomic_load_explicit(&l->done, memory_order_relaxed);
    atomic_store_explicit(&l->slot[t & it->mask],
                          (uintptr_t)f | fx_lap_mark(t, it->mask),
                          memory_order_seq_cst);
    fx_iter_wake(it);
    /* release: futures_iter_free may free it once this is counted */
    atomic_store_explicit(&l->done, t + 1, memory_order_release);
}

/* Any other thread's push: a position claimed with a fetch_add. */
static void fx_shared_push(struct futures_iter *it, struct future *f)
{
    uint64_t pos = atomic_fetch_add_explicit(&it->tail, 1,
                                             memory_order_seq_cst);
    atomic_store_explicit(&it->ring[pos & it->mask], f,
                          memory_order_seq_cst);
    fx_iter_wake(it);
    atomic_fetch_add_explicit(&it->pushed, 1, memory_order_release);
}

/* The done-callback of every future in an iteration; it hands f on (see
 * futures_submit_cb): after the publish it touches only `it`. */
static void fx_iter_push(struct future *f, void *arg)
{
    struct futures_iter *it = arg;
    struct fx_worker *w = fx_self;
    if (w != NULL && w->ex == it->lane_ex)
        fx_lane_push(it, &it->lanes[w->id], f);
    else
        fx_shared_push(it, f);
}

/* Free the lanes. */
static void fx_iter_unbind(struct futures_iter *it)
{
    for (unsigned k = 0; k < it->nlanes; k++)
        free(it->lanes[k].slot);
    free(it->lanes);
    free(it->lhead);
    it->lanes = NULL;
    it->lhead = NULL;
    it->nlanes = 0;
    it->lane_ex = NULL;
}

/* Give the iteration a lane per worker of ex, the executor of the first
 * future it sees, unless they would be too large. Runs before that
 * future can complete; the submit's or the callback's release publishes
 * the lanes to the workers. */
static void fx_iter_bind(struct futures_iter *it,
                         struct futures_executor *ex)
{
    if (it->bound)
        return;
    it->bound = 1;
    unsigned n = ex->nthreads;
    if (n == 0 || (it->mask + 1) * sizeof(struct future *) >
                      FX_LANES_MAX_BYTES / n)
        return;
    it->lanes = aligned_alloc(EXEC_CACHE_LINE, n * sizeof(*it->lanes));
    it->lhead = calloc(n, sizeof(*it->lhead));
    int ok = it->lanes != NULL && it->lhead != NULL;
    for (unsigned k = 0; ok && k < n; k++) {
        memset(&it->lanes[k], 0, sizeof(it->lanes[k]));
        it->lanes[k].slot = calloc(it->mask + 1, sizeof(*it->lanes[k].slot));
        it->nlanes = k + 1; /* fx_iter_unbind frees it from here on */
        ok = it->lanes[k].slot != NULL;
    }
    if (ok)
        it->lane_ex = ex;
    else
        fx_iter_unbind(it); /* every push goes through the shared ring */
}

struct futures_iter *futures_as_completed(struct future *const *fs,
                                          size_t n, size_t capacity)
{
    if (capacity == 0)
        capacity = n > 0 ? n : 1;
    if (capacity < n) {
        errno = ENOSPC;
        return NULL;
    }
    struct futures_iter *it = aligned_alloc(
        EXEC_CACHE_LINE, (sizeof(*it) + EXEC_CACHE_LINE - 1) /
                             EXEC_CACHE_LINE * EXEC_CACHE_LINE);
    if (it == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    memset(it, 0, sizeof(*it));
    uint64_t rn = 1;
    while (rn < capacity)
        rn *= 2;
    it->ring = calloc(rn, sizeof(*it->ring));
    if (it->ring == NULL) {
        free(it);
        errno = ENOMEM;
        return NULL;
    }
    it->mask = rn - 1;
    it->capacity = capacity;
    it->batch = 1;
    for (size_t k = 0; k < n; k++) {
        if (futures_iter_add(it, fs[k]) != 0) {
            int e = errno;
            futures_iter_free(it);
            errno = e;
            return NULL;
        }
    }
    return it;
}

int futures_iter_add(struct futures_iter *it, struct future *f)
{
    if (it->added - it->head >= it->capacity) {
        errno = ENOSPC;
        return -1;
    }
    fx_iter_bind(it, f->ex);
    it->added++; /* first: the callback may run right here */
    if (future_add_done_callback(f, fx_iter_push, it) != 0) {
        it->added--;
        return -1;
    }
    return 0;
}

struct future *futures_iter_submit_range(struct futures_iter *it,
                                         struct futures_executor *ex,
                                         uint64_t first, uint64_t count,
                                         struct task_result *out)
{
    if (count < 1 || out == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (it->added - it->head >= it->capacity) {
        errno = ENOSPC;
        return NULL;
    }
    fx_iter_bind(it, ex);
    it->added++; /* first: the callback may run as soon as f is queued */
    struct future *f = futures_submit_cb(ex, first, count, out,
                                         fx_iter_push, it);
    if (f == NULL)
        it->added--;
    return f;
}

struct future *futures_iter_submit(struct futures_iter *it,
                                   struct futures_executor *ex, uint64_t i)
{
    if (it->added - it->head >= it->capacity) {
        errno = ENOSPC;
        return NULL;
    }
    fx_iter_bind(it, ex);
    it->added++; /* first: the callback may run as soon as f is queued */
    struct future *f = futures_submit_cb(ex, i, 1, NULL, fx_iter_push, it);
    if (f == NULL)
        it->added--;
    return f;
}

void futures_iter_set_batch(struct futures_iter *it, size_t batch)
{
    it->batch = batch > 0 ? batch : 1;
}

/* The next pushed future from source k (a lane, or nlanes: the shared
 * ring), or NULL. */
static struct future *fx_iter_take(struct futures_iter *it, unsigned k)
{
    if (k == it->nlanes) {
        _Atomic(struct future *) *slot = &it->ring[it->shead & it->mask];
        struct future *f = atomic_load_explicit(slot, memory_order_acquire);
        if (f != NULL) {
            atomic_store_explicit(slot, NULL, memory_order_relaxed);
            it->shead++;
        }
        return f;
    }
    uint64_t h = it->lhead[k];
    uintptr_t v = atomic_load_explicit(&it->lanes[k].slot[h & it->mask],
                                       memory_order_acquire);
    if ((v & 3) != fx_lap_mark(h, it->mask))
        return NULL;
    it->lhead[k] = h + 1;
    return (struct future *)(v & ~(uintptr_t)3);
}

/* The next pushed future from any source, looking first where the last
 * look stopped: the workers' lanes take turns, so that each is yielded
 * close to when it completed. */
static struct future *fx_iter_poll(struct futures_iter *it)
{
    unsigned n = it->nlanes + 1;
    for (unsigned j = 0; j < n; j++) {
        unsigned k = it->cur + j < n ? it->cur + j : it->cur + j - n;
        struct future *f = fx_iter_take(it, k);
        if (f != NULL) {
            it->cur = k + 1 < n ? k + 1 : 0;
            return f;
        }
    }
    return NULL;
}

/* 1 if a shared push has claimed its position but not yet stored it
 * (looked at once the shared ring's next slot was seen empty). The
 * pushes after it may have come before next() parked and gone uncounted,
 * while it counts only itself. */
static int fx_iter_late(struct futures_iter *it)
{
    return atomic_load_explicit(&it->tail, memory_order_relaxed) >
           it->shead;
}

struct future *futures_iter_next(struct futures_iter *it, double timeout_s)
{
    if (it->head == it->added) {
        errno = 0;
        return NULL;
    }
    int64_t deadline = -1; /* read the clock only once we must sleep */
    for (int spin = 0;; spin++) {
        struct future *f = fx_iter_poll(it);
        if (f != NULL) {
            it->head++;
            return f;
        }
        if (spin < EXEC_SPIN) {
            exec_cpu_relax();
            continue;
        }
        if (deadline < 0)
            deadline = futures_deadline_ns(timeout_s);
        long long ns = -1;
        if (deadline != 0) {
            ns = deadline - clock_mono_ns();
            if (ns <= 0) {
                errno = ETIMEDOUT;
                return NULL;
            }
        }
        /* Sleep until `want` pushes from now: a batch, or what is left. */
        unsigned ev = atomic_load_explicit(&it->ev, memory_order_relaxed);
        uint64_t want = it->batch;
        if (want > it->added - it->head)
            want = it->added - it->head;
        atomic_store_explicit(&it->want, want, memory_order_relaxed);
        atomic_store_explicit(&it->since, 0, memory_order_relaxed);
        atomic_store_explicit(&it->sleep, 1, memory_order_seq_cst);
        atomic_thread_fence(memory_order_seq_cst); /* see fx_iter_wake */
        f = fx_iter_poll(it);
        if (f != NULL) {
            atomic_store_explicit(&it->sleep, 0, memory_order_relaxed);
            it->head++;
            return f;
        }
        /* A late shared push may be all that is left, and it counts
         * only itself: wait for its store instead, a few instructions
         * away unless its thread was preempted. */
        if (fx_iter_late(it))
            sched_yield();
        else
            exec_futex_wait(&it->ev, ev, ns, 0);
        atomic_store_explicit(&it->sleep, 0, memory_order_relaxed);
    }
}

/* Pushes that no longer touch the iteration. */
static uint64_t fx_iter_pushed(struct futures_iter *it)
{
    uint64_t n = atomic_load_explicit(&it->pushed, memory_order_acquire);
    for (unsigned k = 0; k < it->nlanes; k++)
        n += atomic_load_explicit(&it->lanes[k].done, memory_order_acquire);
    return n;
}

size_t futures_iter_pending(struct futures_iter *it)
{
    return (size_t)(it->added - fx_iter_pushed(it));
}

void futures_iter_free(struct futures_iter *it)
{
    if (it == NULL)
        return;
    while (fx_iter_pushed(it) < it->added) {
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    fx_iter_unbind(it);
    free(it->ring);
    free(it);
}
