/* futures.c - concurrent.futures for task indices, on a thread pool.
 *
 * Futures live in a slab with a lock-free free list (a tagged index, so
 * that a pop racing a pop-and-push cannot succeed with a stale next).
 * Submitted futures go through a bounded MPMC ring (a sequence word per
 * cell, written by submitters only: a worker claims a cell by moving the
 * head), the owner's a group at a time while it holds (futures_hold);
 * idle workers park on a futex and a submit wakes one only if one
 * sleeps. A future's life is one 32-bit state word: its
 * phase, a lock bit for adding callbacks, a "sleeper" bit for result()
 * waiters (futex on the word), a "notifying" bit held while its callbacks
 * run (release() waits for it) unless its one callback hands it on, a
 * "handoff" bit for that, "queued" and "released" bits so that a
 * cancelled future still in the ring is freed by whoever lets go of it
 * last, and the number of callbacks. futures_wait() and as_completed are
 * in futures_iter.c.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "futures_impl.h"

/* A byte per thread: its address tells the owner from other threads on
 * every submit and release without a call (pthread_self is one). */
static _Thread_local char fx_thread_mark;

static int fx_is_owner(const struct futures_executor *ex)
{
    return ex->owner == &fx_thread_mark;
}

/* ---- the slab ---- */

/* A free future; own: the caller is the owner (its private cache). */
static struct future *fx_alloc(struct futures_executor *ex, int own)
{
    if (own && ex->own_n > 0)
        return &ex->slab[ex->own_free[--ex->own_n]];
    uint64_t h = atomic_load_explicit(&ex->free_head, memory_order_acquire);
    for (;;) {
        uint32_t idx = (uint32_t)h;
        if (idx == 0)
            return NULL;
        struct future *f = &ex->slab[idx - 1];
        uint32_t nxt = atomic_load_explicit(&f->free_next,
                                            memory_order_relaxed);
        uint64_t nh = (((h >> 32) + 1) << 32) | nxt;
        /* acquire: see what the releaser wrote before pushing f */
        if (atomic_compare_exchange_weak_explicit(&ex->free_head, &h, nh,
                                                  memory_order_acquire,
                                                  memory_order_acquire))
            return f;
    }
}

static void fx_free(struct futures_executor *ex, struct future *f)
{
    uint32_t idx = (uint32_t)(f - ex->slab) + 1;
    atomic_store_explicit(&f->state, 0, memory_order_relaxed);
    /* owner first: own_n is the owner's alone */
    if (fx_is_owner(ex) && ex->own_n < FX_OWN_CACHE) {
        ex->own_free[ex->own_n++] = idx - 1;
        return;
    }
    uint64_t h = atomic_load_explicit(&ex->free_head, memory_order_relaxed);
    uint64_t nh;
    do {
        atomic_store_explicit(&f->free_next, (uint32_t)h,
                              memory_order_relaxed);
        nh = (((h >> 32) + 1) << 32) | idx;
    } while (!atomic_compare_exchange_weak_explicit(
        &ex->free_head, &h, nh, memory_order_release,
        memory_order_relaxed));
}

/* ---- the ring ---- */

/* Wake one parked worker, unless a wake-up is already on its way.
 * FX_WAKING is set only while some worker is counted in q_park, and that
 * worker clears it when it leaves the parking path, which it does since
 * q_ev moved. A woken worker that finds more queued calls this again, so
 * that a burst of submissions wakes every parked worker in turn. */
static void fx_wake_one(struct futures_executor *ex)
{
    unsigned s = atomic_load_explicit(&ex->q_park, memory_order_relaxed);
    while ((s & ~FX_WAKING) != 0 && !(s & FX_WAKING)) {
        if (atomic_compare_exchange_weak_explicit(&ex->q_park, &s,
                                                  s | FX_WAKING,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed)) {
            atomic_fetch_add_explicit(&ex->q_ev, 1, memory_order_relaxed);
            exec_futex_wake(&ex->q_ev, 1, 0);
            return;
        }
    }
}

/* 1 if the ring holds something (a hint: it may change at once). */
static int fx_queued(struct futures_executor *ex)
{
    return atomic_load_explicit(&ex->q_tail, memory_order_relaxed) !=
           atomic_load_explicit(&ex->q_head, memory_order_relaxed);
}

/* Put the n futures of fs in the ring at consecutive positions, with one
 * claim of the tail: a claim is a locked instruction, which waits for
 * every store before it (the futures just written, on lines the workers
 * had) to reach the cache. The cells need no check: see struct fx_cell. */
static void fx_enqueue(struct futures_executor *ex, struct future **fs,
                       unsigned n)
{
    uint64_t pos = atomic_fetch_add_explicit(&ex->q_tail, n,
                                             memory_order_relaxed);
    for (unsigned j = 0; j < n; j++) {
        struct fx_cell *c = &ex->q[(pos + j) & ex->q_mask];
        atomic_store_explicit(&c->f, fs[j], memory_order_relaxed);
        /* release: the worker's acquire of seq sees f and its fields */
        atomic_store_explicit(&c->seq, pos + j + 1, memory_order_release);
    }
}

/* Wake a parked worker for what was just put in the ring. The fence pairs
 * with a parking worker's: it sees the cells or we see it counted in
 * q_park. */
static void fx_wake_for_queued(struct futures_executor *ex)
{
    atomic_thread_fence(memory_order_seq_cst);
    fx_wake_one(ex);
}

/* Put the owner's held futures in the ring. Workers that are not parked
 * take them at once; parked ones are woken only at the end of the burst
 * (futures_hold(ex, 0)): woken for a group, they would empty the ring
 * faster than it is filled and park again, a futex call on each side per
 * group. */
static void fx_flush_held(struct futures_executor *ex)
{
    fx_enqueue(ex, ex->held, ex->nheld);
    ex->nheld = 0;
}

static struct future *fx_dequeue(struct futures_executor *ex)
{
    uint64_t pos = atomic_load_explicit(&ex->q_head, memory_order_relaxed);
    for (;;) {
        struct fx_cell *c = &ex->q[pos & ex->q_mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        int64_t dif = (int64_t)(seq - (pos + 1));
        if (dif < 0)
            return NULL; /* empty */
        if (dif > 0) { /* taken, and the cell filled a lap on */
            pos = atomic_load_explicit(&ex->q_head, memory_order_relaxed);
            continue;
        }
        /* Read before the claim: once the head has passed pos, the cell
         * may be filled for the next lap. While the claim succeeds the
         * head was pos all along, so f is pos's. */
        struct future *f = atomic_load_explicit(&c->f, memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&ex->q_head, &pos, pos + 1,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed)) {
            return f;
        }
    }
}

/* ---- completion ---- */

/* Wake futures_wait() callers, once a future's word has gone done by a
 * seq_cst read-modify-write: the Dekker pair with futures_wait's fence
 * without a fence here (the RMW is one already on x86): if our load
 * misses its increment, its fence comes after our RMW in the single
 * order and its state loads see it. */
static void fx_wake_done_waiters(struct futures_executor *ex)
{
    if (atomic_load_explicit(&ex->done_waiters, memory_order_seq_cst)) {
        atomic_fetch_add_explicit(&ex->done_ev, 1, memory_order_relaxed);
        exec_futex_wake(&ex->done_ev, INT_MAX, 0);
    }
}

/* Move f from phase `from` to `to` (FINISHED or CANCELLED), run its
 * callbacks, wake its waiters. Returns 1, or 0 if f was not in `from`.
 *
 * A future whose one callback hands it to an as_completed iteration
 * (FU_HANDOFF) skips the notifying round: that callback touches f only
 * to publish it, so f can be done before it runs and the thread that
 * gets it can release it at once, without waiting for our last write. */
static int fx_finish(struct future *f, unsigned from, unsigned to)
{
    struct futures_executor *ex = f->ex;
    struct future_cb first = { NULL, NULL };
    unsigned s = atomic_load_explicit(&f->state, memory_order_relaxed);
    unsigned ns;
    for (;;) {
        if ((s & FU_PHASE) != from)
            return 0;
        if (s & FU_LOCK) { /* a callback is being added: a few stores */
            exec_cpu_relax();
            s = atomic_load_explicit(&f->state, memory_order_relaxed);
            continue;
        }
        ns = (s & ~(FU_PHASE | FU_SLEEP)) | to;
        if (s & FU_HANDOFF)
            first = f->cb0; /* read before f is done: it may go after */
        else
            ns |= FU_NOTIFYING;
        /* seq_cst: publishes the result, acquires the callbacks added,
         * and is the store of fx_wake_done_waiters' Dekker pair */
        if (atomic_compare_exchange_weak_explicit(&f->state, &s, ns,
                                                  memory_order_seq_cst,
                                                  memory_order_relaxed))
            break;
    }
    if (s & FU_SLEEP)
        exec_futex_wake(&f->state, INT_MAX, 0);
    if (s & FU_HANDOFF) {
        fx_wake_done_waiters(ex);
        first.fn(f, first.arg);
        return 1;
    }
    unsigned n = s >> FU_NCB_SHIFT;
    for (unsigned k = 0; k < n; k++)
        fx_cb(f, k)->fn(f, fx_cb(f, k)->arg);
    /* After this the owner may release f; we touch it no more. */
    atomic_fetch_and_explicit(&f->state, ~FU_NOTIFYING, memory_order_seq_cst);
    fx_wake_done_waiters(ex);
    return 1;
}

static void fx_execute(struct futures_executor *ex, struct fx_worker *w,
                       struct future *f, void *ws)
{
    /* Take f out of the queue and start it in one step, unless it was
     * cancelled (then only let go of it; free it if its owner did). */
    unsigned s = atomic_load_explicit(&f->state, memory_order_relaxed);
    for (;;) {
        unsigned ns = s & ~FU_QUEUED;
        if ((s & FU_PHASE) == FUTURE_PENDING)
            ns = (ns & ~FU_PHASE) | FUTURE_RUNNING;
        if (atomic_compare_exchange_weak_explicit(&f->state, &s, ns,
                                                  memory_order_acq_rel,
                                                  memory_order_relaxed))
            break;
    }
    if ((s & FU_PHASE) != FUTURE_PENDING) {
        if (s & FU_RELEASED) /* cancelled and given back while queued */
            fx_free(ex, f);
        return;
    }
    if (f->out == &f->res) {
        executor_run_one(&ex->job, ws, f->first, &f->res);
    } else {
        int failed = 0;
        for (uint64_t k = 0; k < f->count; k++) {
            executor_run_one(&ex->job, ws, f->first + k, &f->out[k]);
            if (!failed && f->out[k].status != TASK_OK) {
                f->res = f->out[k];
                failed = 1;
            }
        }
        if (!failed)
            f->res = f->out[0];
    }
    /* relaxed: fx_finish's release of the state publishes it */
    atomic_store_explicit(&w->tasks,
                          atomic_load_explicit(&w->tasks,
                                               memory_order_relaxed) +
                              f->count,
                          memory_order_relaxed);
    fx_finish(f, FUTURE_RUNNING, FUTURE_FINISHED);
}

static void *fx_main(void *arg)
{
    struct fx_worker *w = arg;
    struct futures_executor *ex = w->ex;
    const struct workload *wl = ex->job.wl;
    void *ws = NULL;
    int ok = 1;

    if (wl->worker_init != NULL &&
        wl->worker_init(ex->job.state, w->id, &ws) != 0) {
        ok = 0;
        atomic_store_explicit(&ex->init_bad, 1, memory_order_relaxed);
    }
    atomic_fetch_add_explicit(&ex->nready, 1, memory_order_release);
    exec_futex_wake(&ex->nready, 1, 0);
    for (;;) {
        struct future *f = NULL;
        for (int k = 0; k < FX_WORKER_SPIN && f == NULL; k++) {
            f = fx_dequeue(ex);
            if (f == NULL)
                exec_cpu_relax();
        }
        if (f == NULL) {
            if (atomic_load_explicit(&ex->quit, memory_order_acquire))
                break;
            unsigned ev = atomic_load_explicit(&ex->q_ev,
                                               memory_order_relaxed);
            atomic_fetch_add_explicit(&ex->q_park, 1,
                                      memory_order_relaxed);
            atomic_thread_fence(memory_order_seq_cst); /* see enqueue */
            f = fx_dequeue(ex);
            if (f == NULL &&
                !atomic_load_explicit(&ex->quit, memory_order_acquire))
                exec_futex_wait(&ex->q_ev, ev, -1, 0);
            unsigned s = atomic_load_explicit(&ex->q_park,
                                              memory_order_relaxed);
            while (!atomic_compare_exchange_weak_explicit(
                &ex->q_park, &s, (s - 1) & ~FX_WAKING,
                memory_order_relaxed, memory_order_relaxed))
                ;
            /* Pass the wake-up on if more is queued: see fx_wake_one. */
            if (fx_queued(ex)) {
                atomic_thread_fence(memory_order_seq_cst);
                fx_wake_one(ex);
            }
            if (f == NULL)
                continue;
        }
        if (ok) {
            fx_execute(ex, w, f, ws);
        } else if (atomic_fetch_and_explicit(&f->state, ~FU_QUEUED,
                                             memory_order_acq_rel) &
                   FU_RELEASED) {
            fx_free(ex, f);
        } else {
            fx_finish(f, FUTURE_PENDING, FUTURE_CANCELLED);
        }
    }
    if (ok && wl->worker_fini != NULL)
        wl->worker_fini(ex->job.state, ws);
    return NULL;
}

/* ---- the executor ---- */

int futures_create(struct futures_executor **exp, const struct workload *wl,
                   void *state, unsigned workers, size_t capacity,
                   char *err, size_t err_len)
{
    struct futures_executor *ex = NULL;
    sigset_t all, old;

    if (workers < 1 || workers > EXEC_MAX_WORKERS || capacity < 1 ||
        capacity > UINT32_MAX / 4) {
        snprintf(err, err_len, "futures: need 1..%d workers and a capacity "
                 "of 1..%u", EXEC_MAX_WORKERS, UINT32_MAX / 4);
        return -1;
    }
    ex = aligned_alloc(EXEC_CACHE_LINE,
                       (sizeof(*ex) + EXEC_CACHE_LINE - 1) /
                           EXEC_CACHE_LINE * EXEC_CACHE_LINE);
    if (ex == NULL)
        goto oom;
    memset(ex, 0, sizeof(*ex));
    ex->job.wl = wl;
    ex->job.state = state;
    ex->capacity = capacity;
    uint64_t qn = 1;
    while (qn < 2 * (uint64_t)capacity)
        qn *= 2;
    ex->q_mask = qn - 1;
    ex->q = aligned_alloc(64, (qn * sizeof(*ex->q) + 63) / 64 * 64);
    ex->slab = aligned_alloc(64, capacity * sizeof(*ex->slab));
    ex->tids = calloc(workers, sizeof(*ex->tids));
    ex->workers = aligned_alloc(EXEC_CACHE_LINE,
                                workers * sizeof(*ex->workers));
    if (ex->q == NULL || ex->slab == NULL || ex->tids == NULL ||
        ex->workers == NULL)
        goto oom;
    memset(ex->workers, 0, workers * sizeof(*ex->workers));
    memset(ex->slab, 0, capacity * sizeof(*ex->slab));
    memset(ex->q, 0, qn * sizeof(*ex->q));
    for (uint64_t k = 0; k < qn; k++)
        atomic_init(&ex->q[k].seq, k);
    for (size_t k = capacity; k-- > 0;) {
        ex->slab[k].ex = ex;
        fx_free(ex, &ex->slab[k]); /* no owner yet: the shared list */
    }
    ex->owner = &fx_thread_mark;

    /* Workers start with every signal blocked: SIGINT is for the
     * driver's thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (unsigned k = 0; k < workers; k++) {
        ex->workers[k].ex = ex;
        ex->workers[k].id = k;
        int rc = pthread_create(&ex->tids[k], NULL, fx_main,
                                &ex->workers[k]);
        if (rc != 0) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            snprintf(err, err_len, "futures: pthread_create: %s",
                     strerror(rc));
            goto fail;
        }
        ex->nthreads++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    unsigned r;
    while ((r = atomic_load_explicit(&ex->nready, memory_order_acquire)) <
           workers)
        exec_futex_wait(&ex->nready, r, -1, 0);
    if (atomic_load_explicit(&ex->init_bad, memory_order_relaxed)) {
        snprintf(err, err_len, "futures: %s: worker_init failed",
                 wl->name);
        goto fail;
    }
    *exp = ex;
    return 0;

oom:
    snprintf(err, err_len, "futures: out of memory");
fail:
    if (ex != NULL)
        futures_destroy(ex);
    return -1;
}

struct future *futures_submit_cb(struct futures_executor *ex,
                                 uint64_t first, uint64_t count,
                                 struct task_result *out,
                                 future_callback_fn *fn, void *arg)
{
    if (atomic_load_explicit(&ex->shut, memory_order_relaxed)) {
        errno = ESHUTDOWN;
        return NULL;
    }
    int own = fx_is_owner(ex);
    struct future *f = fx_alloc(ex, own);
    if (f == NULL) {
        errno = EAGAIN;
        return NULL;
    }
    f->first = first;
    /* Stored only when they change: a future reused for the same kind of
     * task (chunk 1 reuses them all so) keeps its second line shared. */
    struct task_result *o = out != NULL ? out : &f->res;
    if (f->count != count)
        f->count = count;
    if (f->out != o)
        f->out = o;
    unsigned st = FU_LIVE | FU_QUEUED | FUTURE_PENDING;
    if (fn != NULL) { /* a callback set before anyone else can see f */
        f->cb0.fn = fn;
        f->cb0.arg = arg;
        st += FU_NCB_ONE | FU_HANDOFF;
    }
    /* relaxed: the ring's release store publishes f to workers; a
     * shutdown scanning the slab only CASes a LIVE|PENDING word. */
    atomic_store_explicit(&f->state, st, memory_order_relaxed);
    if (own && ex->hold) {
        ex->held[ex->nheld++] = f;
        if (ex->nheld == FX_HELD)
            fx_flush_held(ex);
    } else {
        fx_enqueue(ex, &f, 1);
        fx_wake_for_queued(ex);
    }
    return f;
}

struct future *futures_submit(struct futures_executor *ex, uint64_t i)
{
    return futures_submit_cb(ex, i, 1, NULL, NULL, NULL);
}

struct future *futures_submit_range(struct futures_executor *ex,
                                    uint64_t first, uint64_t count,
                                    struct task_result *out)
{
    if (count < 1 || out == NULL) {
        errno = EINVAL;
        return NULL;
    }
    return futures_submit_cb(ex, first, count, out, NULL, NULL);
}

void futures_hold(struct futures_executor *ex, int hold)
{
    ex->hold = hold != 0;
    if (!hold) {
        fx_flush_held(ex);
        fx_wake_for_queued(ex);
    }
}

/* Wait until f is done or timeout_s (< 0: no limit) passes. 1 if done.
 * The clock is read only once it has to sleep. */
static int fx_wait_done(struct future *f, double timeout_s)
{
    for (int k = 0; k < EXEC_SPIN; k++) {
        if ((atomic_load_explicit(&f->state, memory_order_acquire) &
             FU_PHASE) >= FUTURE_FINISHED)
            return 1;
        exec_cpu_relax();
    }
    int64_t deadline_ns = futures_deadline_ns(timeout_s);
    for (;;) {
        unsigned s = atomic_load_explicit(&f->state, memory_order_acquire);
        if ((s & FU_PHASE) >= FUTURE_FINISHED)
            return 1;
        long long ns = -1;
        if (deadline_ns != 0) {
            ns = deadline_ns - clock_mono_ns();
            if (ns <= 0)
                return 0;
        }
        if (!(s & FU_SLEEP) &&
            !atomic_compare_exchange_weak_explicit(&f->state, &s,
                                                   s | FU_SLEEP,
                                                   memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        exec_futex_wait(&f->state, s | FU_SLEEP, ns, 0);
    }
}

int future_result(struct future *f, double timeout_s,
                  struct task_result *out)
{
    if (!fx_wait_done(f, timeout_s)) {
        errno = ETIMEDOUT;
        return -1;
    }
    unsigned s = atomic_load_explicit(&f->state, memory_order_acquire);
    if ((s & FU_PHASE) == FUTURE_CANCELLED) {
        if (out != NULL)
            executor_mark(out, 1, TASK_CANCELLED, 0);
        return TASK_CANCELLED;
    }
    if (out != NULL)
        *out = f->res;
    return f->res.status;
}

int future_cancel(struct future *f)
{
    if (fx_finish(f, FUTURE_PENDING, FUTURE_CANCELLED))
        return 1;
    return future_state(f) == FUTURE_CANCELLED;
}

enum future_state future_state(const struct future *f)
{
    return (enum future_state)(atomic_load_explicit(
        (atomic_uint *)&f->state, memory_order_acquire) & FU_PHASE);
}

int future_done(const struct future *f)
{
    return future_state(f) >= FUTURE_FINISHED;
}

struct task_result *future_results(struct future *f)
{
    return f->out;
}

uint64_t future_first(const struct future *f)
{
    return f->first;
}

uint64_t future_count(const struct future *f)
{
    return f->count;
}

int future_add_done_callback(struct future *f, future_callback_fn *fn,
                             void *arg)
{
    unsigned s = atomic_load_explicit(&f->state, memory_order_acquire);
    for (;;) {
        if ((s & FU_PHASE) >= FUTURE_FINISHED) {
            fn(f, arg);
            return 0;
        }
        if (s & FU_LOCK) {
            exec_cpu_relax();
            s = atomic_load_explicit(&f->state, memory_order_acquire);
            continue;
        }
        if ((s >> FU_NCB_SHIFT) >= FUTURES_MAX_CALLBACKS) {
            errno = EBUSY;
            return -1;
        }
        /* A second callback may touch f after the first hands it on:
         * no more handing off (see fx_finish). */
        if (atomic_compare_exchange_weak_explicit(
                &f->state, &s, (s | FU_LOCK) & ~FU_HANDOFF,
                memory_order_acquire, memory_order_acquire))
            break;
    }
    unsigned n = s >> FU_NCB_SHIFT;
    fx_cb(f, n)->fn = fn;
    fx_cb(f, n)->arg = arg;
    /* One more callback and the lock off in one step; release: the
     * finisher's acquire sees the slot. */
    atomic_fetch_add_explicit(&f->state, FU_NCB_ONE - FU_LOCK,
                              memory_order_release);
    return 0;
}

int future_release(struct future *f)
{
    unsigned s = atomic_load_explicit(&f->state, memory_order_acquire);
    if (!(s & FU_LIVE) || (s & FU_PHASE) < FUTURE_FINISHED ||
        (s & FU_RELEASED)) {
        errno = EBUSY;
        return -1;
    }
    while (s & FU_NOTIFYING) {
        sched_yield();
        s = atomic_load_explicit(&f->state, memory_order_acquire);
    }
    /* A worker clears QUEUED when it takes f and nothing sets it again:
     * seen clear, f is ours alone. Else race the worker for it. */
    if (!(s & FU_QUEUED) ||
        !(atomic_fetch_or_explicit(&f->state, FU_RELEASED,
                                   memory_order_acq_rel) & FU_QUEUED))
        fx_free(f->ex, f);
    return 0;
}

/* ---- shutdown ---- */

int futures_worker_stat(struct futures_executor *ex, unsigned k,
                        uint64_t *tasks, double *cpu_s)
{
    if (k >= ex->nthreads)
        return -1;
    *tasks = atomic_load_explicit(&ex->workers[k].tasks,
                                  memory_order_relaxed);
    *cpu_s = (double)exec_base_thread_cpu_ns(ex->tids[k]) * 1e-9;
    return 0;
}

void futures_shutdown(struct futures_executor *ex, int how)
{
    /* Held futures go in first, so that a worker lets go of them. */
    if (fx_is_owner(ex) && ex->nheld > 0)
        fx_flush_held(ex);
    atomic_store_explicit(&ex->shut, 1, memory_order_relaxed);
    if (how & FUTURES_CANCEL_PENDING) {
        for (size_t k = 0; k < ex->capacity; k++) {
            struct future *f = &ex->slab[k];
            unsigned s = atomic_load_explicit(&f->state,
                                              memory_order_acquire);
            if ((s & FU_LIVE) && (s & FU_PHASE) == FUTURE_PENDING)
                fx_finish(f, FUTURE_PENDING, FUTURE_CANCELLED);
        }
    }
    atomic_store_explicit(&ex->quit, 1, memory_order_release);
    atomic_fetch_add_explicit(&ex->q_ev, 1, memory_order_relaxed);
    exec_futex_wake(&ex->q_ev, INT_MAX, 0);
    if ((how & FUTURES_WAIT) && !ex->joined) {
        for (unsigned k = 0; k < ex->nthreads; k++)
            pthread_join(ex->tids[k], NULL);
        ex->joined = 1;
    }
}

void futures_destroy(struct futures_executor *ex)
{
    if (ex == NULL)
        return;
    if (ex->slab != NULL)
        futures_shutdown(ex, FUTURES_WAIT | FUTURES_CANCEL_PENDING);
    free(ex->q);
    free(ex->slab);
    free(ex->tids);
    free(ex->workers);
    free(ex);
}
