/* futures_iter.c - waiting on futures: futures_wait() and the
 * as_completed iteration (a ring of done futures filled by a
 * done-callback, read by one thread that parks on a futex).
 */
#include <errno.h>
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

/* A slot's values other than a pushed future (see struct futures_iter):
 * never written, and next() asleep there. A future is 64-byte aligned,
 * so its address tagged with FX_IT_LAP is never either. */
#define FX_IT_EMPTY ((uintptr_t)0)
#define FX_IT_PARKED ((uintptr_t)2)
#define FX_IT_LAP ((uintptr_t)1)

_Static_assert(_Alignof(struct future) >= 4,
               "a future's address has room for the slot's tags");

/* The parity of position pos's lap round the ring. */
static uintptr_t fx_iter_lap(const struct futures_iter *it, uint64_t pos)
{
    return (uintptr_t)(pos >> it->lap_shift) & FX_IT_LAP;
}

/* The future pushed at pos if v, pos's slot, holds it; NULL if the slot
 * still holds what was there before (the last lap's future, nothing, or
 * a sleeping next()). */
static struct future *fx_iter_at(const struct futures_iter *it, uint64_t pos,
                                 uintptr_t v)
{
    if (v == FX_IT_EMPTY || v == FX_IT_PARKED ||
        (v & FX_IT_LAP) != fx_iter_lap(it, pos))
        return NULL;
    return (struct future *)(v & ~FX_IT_LAP);
}

/* The futex word of a slot: its low-order 32 bits, which tell
 * FX_IT_PARKED from any tagged future. Only its address goes to the
 * kernel. */
static atomic_uint *fx_iter_word(atomic_uintptr_t *slot)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (atomic_uint *)(void *)((char *)slot + sizeof(*slot) -
                                   sizeof(atomic_uint));
#else
    return (atomic_uint *)(void *)slot;
#endif
}

/* The done-callback of every future in an iteration; it hands f on (see
 * futures_submit_cb). The exchange publishes f (release: with
 * fx_finish's CAS before it, f's result too) and tells whether next()
 * sleeps on this slot; after it, nothing of `it` is touched in memory:
 * a futex wake takes only the word's address, and a private futex's
 * wake does not read the page, so `it` may already be freed. */
static void fx_iter_push(struct future *f, void *arg)
{
    struct futures_iter *it = arg;
    uint64_t pos = atomic_fetch_add_explicit(&it->tail, 1,
                                             memory_order_relaxed);
    atomic_uintptr_t *slot = &it->ring[pos & it->mask];
    uintptr_t was = atomic_exchange_explicit(
        slot, (uintptr_t)f | fx_iter_lap(it, pos), memory_order_release);
    if (was == FX_IT_PARKED)
        exec_futex_wake(fx_iter_word(slot), 1, 0);
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
    unsigned shift = 0;
    while (((uint64_t)1 << shift) < capacity)
        shift++;
    uint64_t rn = (uint64_t)1 << shift;
    /* at least a line, whole lines: eight slots to a line */
    size_t bytes = (rn * sizeof(*it->ring) + 63) / 64 * 64;
    it->ring = aligned_alloc(64, bytes);
    if (it->ring == NULL) {
        free(it);
        errno = ENOMEM;
        return NULL;
    }
    memset(it->ring, 0, bytes); /* FX_IT_EMPTY */
    it->mask = rn - 1;
    it->lap_shift = shift;
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

/* The future pushed at the next position, or NULL. */
static struct future *fx_iter_poll(struct futures_iter *it)
{
    return fx_iter_at(it, it->head,
                      atomic_load_explicit(&it->ring[it->head & it->mask],
                                           memory_order_acquire));
}

/* Sleep until the push of the batch's last position (or of the last
 * added future, if fewer are left), at most ns (< 0: no limit); or of
 * the next position, if the batch's last came first: that push's thread
 * has its position but has yet to store it. */
static void fx_iter_park(struct futures_iter *it, long long ns)
{
    uint64_t want = it->batch;
    if (want > it->added - it->head)
        want = it->added - it->head;
    uint64_t pos = it->head + want - 1;
    atomic_uintptr_t *slot = &it->ring[pos & it->mask];
    uintptr_t v = atomic_load_explicit(slot, memory_order_relaxed);
    if (fx_iter_at(it, pos, v) != NULL) {
        pos = it->head;
        slot = &it->ring[pos & it->mask];
        v = atomic_load_explicit(slot, memory_order_relaxed);
        if (fx_iter_at(it, pos, v) != NULL)
            return;
    }
    /* The push exchanges the slot: whichever of it and this CAS comes
     * second sees the other, and the futex wait compares the word in
     * the kernel, so no wake-up is lost. */
    if (v != FX_IT_PARKED &&
        !atomic_compare_exchange_strong_explicit(slot, &v, FX_IT_PARKED,
                                                 memory_order_relaxed,
                                                 memory_order_relaxed))
        return; /* pushed just now */
    exec_futex_wait(fx_iter_word(slot), (unsigned)FX_IT_PARKED, ns, 0);
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
        /* one at a time, a sleep costs more than the wait */
        if (spin < (it->batch > 1 ? EXEC_BATCH_SPIN : EXEC_SPIN)) {
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
        fx_iter_park(it, ns);
    }
}

size_t futures_iter_pending(struct futures_iter *it)
{
    /* Positions not yet claimed, and claimed ones not yet stored (past
     * head: those before were yielded, so stored). */
    uint64_t tail = atomic_load_explicit(&it->tail, memory_order_acquire);
    size_t n = (size_t)(it->added - tail);
    for (uint64_t pos = it->head; pos < tail; pos++)
        if (fx_iter_at(it, pos,
                       atomic_load_explicit(&it->ring[pos & it->mask],
                                            memory_order_acquire)) == NULL)
            n++;
    return n;
}

void futures_iter_free(struct futures_iter *it)
{
    if (it == NULL)
        return;
    while (futures_iter_pending(it) > 0) {
        struct timespec ts = { 0, 200000 };
        nanosleep(&ts, NULL);
    }
    free(it->ring);
    free(it);
}
