/* executor_futures.c - a job run through the futures API (futures.h).
 *
 * The model is concurrent.futures.ThreadPoolExecutor: one future per
 * chunk, submitted with futures_submit_range() into the pool's results
 * array, and consumed either with as_completed (unordered) or in submit
 * order with result() (ordered: pool.map). At most FUT_WINDOW futures are
 * in flight, so the slab and the ring stay small whatever the task count;
 * each delivered future is released and the next chunk submitted.
 *
 * On a timeout or stop, pending futures are cancelled (delivered as
 * TASK_TIMEOUT / TASK_CANCELLED), chunks never submitted are delivered the
 * same way, and running ones get a grace period; after it the pool is
 * broken, as for `threads` (a thread cannot be killed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "exec_sync.h"
#include "executor.h"
#include "futures.h"

/* Futures in flight at most. */
#define FUT_WINDOW 1024

/* How long running futures may go on after a timeout or stop. */
#define FUT_GRACE_NS 1000000000LL

struct exec_pool {
    struct exec_config cfg;
    struct exec_job job;
    uint64_t nchunks;
    size_t window;
    int64_t deadline_ns;
    int ran;
    int broken;
    uint64_t submitted;          /* chunks submitted (ordered: win) */
    uint64_t released;           /* chunks delivered and released */
    struct task_result *results; /* ntasks, mmap'd */
    size_t results_len;
    struct futures_executor *fx;
    struct futures_iter *it;     /* unordered */
    struct future **win;         /* ordered: chunk c at win[c % window] */
};

static uint64_t fut_count(const struct exec_pool *p, uint64_t c)
{
    uint64_t first = c * p->cfg.chunk;
    return p->job.ntasks - first < p->cfg.chunk ? p->job.ntasks - first
                                                : p->cfg.chunk;
}

static void fut_free(struct exec_pool *p)
{
    futures_iter_free(p->it);
    futures_destroy(p->fx);
    if (p->results != NULL)
        munmap(p->results, p->results_len);
    free(p->win);
    free(p);
}

static int fut_create(const struct exec_config *cfg,
                      const struct exec_job *job, struct exec_pool **pool,
                      char *err, size_t err_len)
{
    struct exec_pool *p;

    if (cfg->workers < 1 || cfg->workers > EXEC_MAX_WORKERS ||
        cfg->chunk < 1 || job->ntasks < 1) {
        snprintf(err, err_len,
                 "futures: need 1..%d workers, chunk >= 1 and tasks >= 1",
                 EXEC_MAX_WORKERS);
        return -1;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto oom;
    p->cfg = *cfg;
    p->job = *job;
    p->nchunks = (job->ntasks + cfg->chunk - 1) / cfg->chunk;
    p->window = p->nchunks < FUT_WINDOW ? (size_t)p->nchunks : FUT_WINDOW;
    p->results_len = job->ntasks * sizeof(*p->results);
    /* Populated now so that run() does not pay the page faults. */
    p->results = mmap(NULL, p->results_len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p->results == MAP_FAILED) {
        p->results = NULL;
        goto oom;
    }
    if (cfg->mode == EXEC_ORDERED) {
        p->win = calloc(p->window, sizeof(*p->win));
        if (p->win == NULL)
            goto oom;
    } else {
        p->it = futures_as_completed(NULL, 0, p->window);
        if (p->it == NULL)
            goto oom;
    }
    if (futures_create(&p->fx, job->wl, job->state, cfg->workers,
                       p->window, err, err_len) != 0) {
        p->fx = NULL;
        fut_free(p);
        return -1;
    }
    *pool = p;
    return 0;
oom:
    snprintf(err, err_len, "futures: out of memory for %llu tasks",
             (unsigned long long)job->ntasks);
    if (p != NULL)
        fut_free(p);
    return -1;
}

static int fut_should_cut(struct exec_pool *p, struct exec_report *rep)
{
    return exec_should_cut(&p->job, p->deadline_ns, rep);
}

/* Deliver the chunk of a done future (marked if it was cancelled) and
 * release it. */
static void fut_deliver(struct exec_pool *p, struct future *f,
                        struct exec_report *rep)
{
    uint64_t first = future_first(f), count = future_count(f);
    if (future_state(f) == FUTURE_CANCELLED)
        executor_mark(p->results + first, count,
                      rep->timed_out ? TASK_TIMEOUT : TASK_CANCELLED, 0);
    p->job.deliver(p->job.deliver_ctx, first, count, p->results + first);
    rep->delivered += count;
    future_release(f);
}

/* Mark and deliver chunks [from, nchunks), never submitted. */
static void fut_deliver_rest(struct exec_pool *p, uint64_t from,
                             struct exec_report *rep)
{
    int32_t st = rep->timed_out ? TASK_TIMEOUT : TASK_CANCELLED;
    for (uint64_t c = from; c < p->nchunks; c++) {
        uint64_t first = c * p->cfg.chunk, count = fut_count(p, c);
        executor_mark(p->results + first, count, st, 0);
        p->job.deliver(p->job.deliver_ctx, first, count,
                       p->results + first);
        rep->delivered += count;
    }
}

/* Submit chunks from next on until the window is full; returns the new
 * next. */
static uint64_t fut_refill(struct exec_pool *p, uint64_t next, uint64_t done)
{
    while (next < p->nchunks && next - done < p->window) {
        uint64_t first = next * p->cfg.chunk, count = fut_count(p, next);
        struct future *f;
        if (p->cfg.mode == EXEC_ORDERED)
            f = futures_submit_range(p->fx, first, count,
                                     p->results + first);
        else
            f = futures_iter_submit_range(p->it, p->fx, first, count,
                                          p->results + first);
        if (f == NULL)
            break;
        if (p->cfg.mode == EXEC_ORDERED)
            p->win[next % p->window] = f;
        next++;
    }
    return next;
}

static int fut_run(struct exec_pool *p, struct exec_report *rep)
{
    const int ordered = p->cfg.mode == EXEC_ORDERED;
    uint64_t next = 0, done = 0;
    int cut = 0;
    int64_t grace_end = 0;

    if (p->ran) {
        snprintf(rep->err, sizeof(rep->err), "futures: pool already ran");
        return -1;
    }
    p->ran = 1;
    if (p->cfg.timeout_s > 0)
        p->deadline_ns = exec_now_ns() + (int64_t)(p->cfg.timeout_s * 1e9);
    for (;;) {
        /* Refill the window in bursts, once half of it is consumed: a
         * burst writes consecutive ring cells and futures while the
         * workers are busy elsewhere, instead of handing each line back
         * and forth per future. */
        if (!cut && next - done <= p->window / 2)
            next = fut_refill(p, next, done);
        if (done == next)
            break;
        struct future *f;
        /* Park at most EXEC_PARK_NS, then look at the clock and stop. */
        double park_s = (double)EXEC_PARK_NS * 1e-9;
        if (ordered) {
            f = p->win[done % p->window];
            if (future_result(f, park_s, NULL) < 0)
                f = NULL;
        } else {
            f = futures_iter_next(p->it, park_s);
        }
        if (f != NULL) {
            fut_deliver(p, f, rep);
            if (done++ == 0 && !ordered) {
                /* First result seen: from now on wake for batches. */
                uint64_t b = p->nchunks / 1024;
                futures_iter_set_batch(p->it, b < p->window / 4
                                                  ? (size_t)b
                                                  : p->window / 4);
            }
            if ((done & 1023) == 0 && !cut && fut_should_cut(p, rep))
                goto cut_now;
            continue;
        }
        if (!cut && fut_should_cut(p, rep))
            goto cut_now;
        if (cut && exec_now_ns() >= grace_end) {
            p->broken = 1;
            break;
        }
        continue;
cut_now:
        cut = 1;
        grace_end = exec_now_ns() + FUT_GRACE_NS;
        p->deadline_ns = 0;
        futures_shutdown(p->fx, FUTURES_CANCEL_PENDING);
    }
    p->submitted = next;
    p->released = done;
    if (!cut)
        return 0;
    if (p->broken && ordered) {
        /* Deliver what finished past the stuck futures, in order. */
        for (uint64_t c = done; c < next; c++) {
            struct future *f = p->win[c % p->window];
            if (future_done(f)) {
                fut_deliver(p, f, rep);
                p->win[c % p->window] = NULL;
            }
        }
    }
    fut_deliver_rest(p, next, rep);
    return executor_report_cut(rep, "futures", p->broken, FUT_GRACE_NS / 1e9);
}

/* 1 once no future of a broken run is still running. */
static int fut_settled(struct exec_pool *p)
{
    if (p->it != NULL)
        return futures_iter_pending(p->it) == 0;
    for (uint64_t c = p->released; c < p->submitted; c++) {
        struct future *f = p->win[c % p->window];
        if (f != NULL && !future_done(f))
            return 0;
    }
    return 1;
}

static void fut_destroy(struct exec_pool *p)
{
    if (p == NULL)
        return;
    if (p->broken) {
        /* Free only if the stuck tasks have come back within the grace
         * period; else a thread may still write to the pool: leak it. */
        int64_t end = exec_now_ns() + FUT_GRACE_NS;
        while (!fut_settled(p)) {
            if (exec_now_ns() >= end)
                return;
            struct timespec ts = { 0, 1000000 };
            nanosleep(&ts, NULL);
        }
    }
    fut_free(p);
}

const struct executor executor_futures = {
    .name = "futures",
    .summary = "submit() per chunk, consumed via as_completed or result()",
    .models = "concurrent.futures.ThreadPoolExecutor",
    .uses_transport = 0,
    .create = fut_create,
    .run = fut_run,
    .destroy = fut_destroy,
};
