/* futures_impl.h - the insides of the futures executor, shared by
 * futures.c (slab, ring, workers, futures) and futures_iter.c (wait and
 * as_completed). Internal to harness/exec.
 */
#ifndef POOLBENCH_FUTURES_IMPL_H
#define POOLBENCH_FUTURES_IMPL_H

#include <pthread.h>
#include <stddef.h>

#include "base.h"
#include "futures.h"

#define FU_PHASE 3u        /* enum future_state */
#define FU_LOCK 4u         /* a callback is being added */
#define FU_SLEEP 8u        /* someone sleeps on the word */
#define FU_NOTIFYING 16u   /* done, callbacks still running */
#define FU_QUEUED 32u      /* in the ring, not yet taken by a worker */
#define FU_RELEASED 64u    /* given back by its owner */
#define FU_LIVE 128u       /* allocated */
#define FU_HANDOFF 256u    /* its one callback hands it to an iteration */
#define FU_NCB_SHIFT 9     /* number of callbacks from here up */
#define FU_NCB_ONE (1u << FU_NCB_SHIFT)

/* q_park: the wake-up bit above the count of parking workers. */
#define FX_WAKING 0x80000000u

/* Free futures the creating thread keeps for itself, so that its own
 * release-then-submit cycle takes no atomic operation. Another thread's
 * submit does not see them: it may get EAGAIN while up to this many
 * futures sit there. */
#define FX_OWN_CACHE 1024

/* Futures the owner holds back before putting them in the ring in one
 * go (futures_hold). */
#define FX_HELD 32

/* Tries of an idle worker before it parks. At chunk 1 the submitting
 * thread is the bottleneck and, with more threads than CPUs, a spinning
 * worker takes the CPU it needs (256 tries showed as over half of the
 * workers' samples in perf); the executor's refills wake parked workers
 * once per burst (futures_hold), so parking sooner is cheap. */
#define FX_WORKER_SPIN 64

struct future_cb {
    future_callback_fn *fn;
    void *arg;
};

/* The first line is all that a one-task future's submit, run and
 * completion write, its result included: at chunk 1 it crosses from the
 * submitter to a worker and back once per future, and nothing else of
 * the future does. The second holds what a submission rarely changes
 * (stored only when it does, so that the line stays shared) and the
 * callbacks after the first. */
struct future {
    _Alignas(64) atomic_uint state;
    atomic_uint free_next;        /* slab index + 1 of next free, or 0 */
    uint64_t first;
    struct task_result res;       /* the result, or a range's summary */
    struct future_cb cb0;         /* the first callback (as_completed's) */
    /* second line */
    struct futures_executor *ex;
    uint64_t count;
    struct task_result *out;      /* where results go (&res for one) */
    struct future_cb cb_more[FUTURES_MAX_CALLBACKS - 1];
};

_Static_assert(offsetof(struct future, ex) == 64,
               "a future's hot fields fill its first line exactly");

/* Callback k of f. */
static inline struct future_cb *fx_cb(struct future *f, unsigned k)
{
    return k == 0 ? &f->cb0 : &f->cb_more[k - 1];
}

/* A ring cell, four to a line: the owner puts futures in a group at a
 * time (futures_hold), so it writes a line per four of them. Only
 * submitters write cells; a worker takes one by moving the ring's head
 * past it, and the line stays shared. No cell is refilled before a
 * worker has taken it: every position between head and tail holds a
 * distinct live future, so the tail is at most `capacity` ahead of the
 * head, and the ring has twice as many cells. */
struct fx_cell {
    atomic_uint_fast64_t seq;     /* position + 1 once filled */
    _Atomic(struct future *) f;
};

/* A worker thread's own line. */
struct fx_worker {
    _Alignas(EXEC_CACHE_LINE) struct futures_executor *ex;
    unsigned id;
    /* Tasks it ran; stored (by it alone) before the future is finished,
     * so whoever saw the future done reads a count that includes it. */
    atomic_uint_fast64_t tasks;
};

struct futures_executor {
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t q_tail;
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t q_head;
    _Alignas(EXEC_CACHE_LINE) atomic_uint q_ev;   /* workers park here */
    atomic_uint q_park;           /* workers parked or about to, and
                                     FX_WAKING: a wake-up is on its way */
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t free_head; /* tag|idx */
    _Alignas(EXEC_CACHE_LINE) atomic_uint done_ev; /* futures_wait parks */
    atomic_uint done_waiters;
    _Alignas(EXEC_CACHE_LINE) atomic_uint quit;   /* leave when idle */
    atomic_uint shut;             /* no more submissions */
    atomic_uint nready;           /* workers past worker_init */
    atomic_uint init_bad;
    struct exec_job job;          /* wl and state, for executor_run_one */
    struct fx_cell *q;
    uint64_t q_mask;
    struct future *slab;
    size_t capacity;
    const char *owner;            /* the creating thread's mark */
    uint32_t own_free[FX_OWN_CACHE]; /* its private free futures */
    unsigned own_n;
    int hold;                     /* the owner holds submissions back */
    struct future *held[FX_HELD]; /* those it holds */
    unsigned nheld;
    pthread_t *tids;
    struct fx_worker *workers;
    unsigned nthreads;            /* started */
    int joined;
};

/* An as_completed iteration. Its ring holds, per position p, the future
 * pushed there tagged with the parity of p's lap (FX_IT_LAP), so that
 * next() tells this lap's push from the last lap's without clearing a
 * slot once read: it only reads the ring's lines, which stay shared
 * until a push takes one. next() sleeps on the slot of the position it
 * waits for, holding FX_IT_PARKED there: the push's exchange both
 * publishes its future and finds out whether to wake it, and no push
 * touches the iteration after that exchange (futures_iter_free relies on
 * it). */
struct futures_iter {
    /* Set at creation and only read after: a line every thread keeps. */
    _Alignas(EXEC_CACHE_LINE) atomic_uintptr_t *ring; /* eight to a line */
    uint64_t mask;
    unsigned lap_shift;           /* log2 of the ring's size */
    /* Pushes claim a position with a fetch_add. */
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t tail;
    /* the iterating thread's */
    _Alignas(EXEC_CACHE_LINE) uint64_t head; /* yielded */
    uint64_t added;
    size_t capacity;
    size_t batch;
};

/* A deadline timeout_s from now (< 0: none, 0 returned). */
static inline int64_t futures_deadline_ns(double timeout_s)
{
    if (timeout_s < 0)
        return 0;
    return clock_mono_ns() + (int64_t)(timeout_s * 1e9) + 1;
}

/* Queue tasks [first, first + count) as one future with fn (may be NULL)
 * as its first done-callback, in place before a worker can see it. fn
 * hands the future on (FU_HANDOFF): it touches f only to publish it to a
 * thread that may release it at once. Returns the future, or NULL with
 * errno EAGAIN or ESHUTDOWN. */
struct future *futures_submit_cb(struct futures_executor *ex,
                                 uint64_t first, uint64_t count,
                                 struct task_result *out,
                                 future_callback_fn *fn, void *arg);

#endif /* POOLBENCH_FUTURES_IMPL_H */
