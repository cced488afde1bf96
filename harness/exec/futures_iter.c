/* futures_iter.c - waiting on futures: futures_wait() and the
 * as_completed iteration (a ring of done futures filled by a
 * done-callback, read by one thread that parks on a futex).
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

/* The done-callback of every future in an iteration; it hands f on (see
 * futures_submit_cb): after the publish it touches only `it`. The slot's
 * store is seq_cst: the publish of the Dekker pair in fx_iter_wake, and
 * a release of f and, through fx_finish's CAS, of its result. */
static void fx_iter_push(struct future *f, void *arg)
{
    struct futures_iter *it = arg;
    uint64_t pos = atomic_fetch_add_explicit(&it->tail, 1,
                                             memory_order_seq_cst);
    atomic_store_explicit(&it->ring[pos & it->mask], f,
                          memory_order_seq_cst);
    fx_iter_wake(it);
    /* release: futures_iter_free may free it once this is counted */
    atomic_fetch_add_explicit(&it->pushed, 1, memory_order_release);
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

/* The next pushed future, or NULL. */
static struct future *fx_iter_poll(struct futures_iter *it)
{
    _Atomic(struct future *) *slot = &it->ring[it->head & it->mask];
    struct future *f = atomic_load_explicit(slot, memory_order_acquire);
    if (f != NULL)
        atomic_store_explicit(slot, NULL, memory_order_relaxed);
    return f;
}

/* 1 if a push has claimed the next position but not yet stored it
 * (looked at once its slot was seen empty). The pushes after it may have
 * come before next() parked and gone uncounted, while it counts only
 * itself. */
static int fx_iter_late(struct futures_iter *it)
{
    return atomic_load_explicit(&it->tail, memory_order_relaxed) >
           it->head;
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
        /* A late push may be all that is left, and it counts
         * only itself: wait for its store instead, a few instructions
         * away unless its thread was preempted. */
        if (fx_iter_late(it))
            sched_yield();
        else
            exec_futex_wait(&it->ev, ev, ns, 0);
        atomic_store_explicit(&it->sleep, 0, memory_order_relaxed);
    }
}

size_t futures_iter_pending(struct futures_iter *it)
{
    return (size_t)(it->added - atomic_load_explicit(&it->pushed,
                                                     memory_order_acquire));
}

void futures_iter_free(struct futures_iter *it)
{
    if (it == NULL)
        return;
    while (atomic_load_explicit(&it->pushed, memory_order_acquire) <
           it->added) {
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    free(it->ring);
    free(it);
}
