/* futures_executor.c - a job run through the futures API (futures.h).
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

#include "base.h"
#include "futures.h"

/* Futures in flight at most. */
#define FUT_WINDOW 1024

/* How long running futures may go on after a timeout or stop. */
#define FUT_GRACE_NS 1000000000LL

struct exec_pool {
    struct exec_base b;
    size_t window;
    int broken;
    uint64_t submitted;          /* chunks submitted (ordered: win) */
    uint64_t released;           /* chunks delivered and released */
    struct task_result *results; /* ntasks, mmap'd */
    size_t results_len;
    struct futures_executor *fx;
    struct futures_iter *it;     /* unordered */
    struct future **win;         /* ordered: chunk c at win[c % window] */
    struct exec_worker_stat *w0; /* workers' counts when run() began */
};

static void fut_free(struct exec_pool *p)
{
    futures_iter_free(p->it);
    futures_destroy(p->fx);
    if (p->results != NULL)
        munmap(p->results, p->results_len);
    free(p->win);
    free(p->w0);
    free(p);
}

static int fut_create(const struct exec_config *cfg,
                      const struct exec_job *job, struct exec_pool **pool,
                      char *err, size_t err_len)
{
    struct exec_pool *p;
    struct exec_base b;

    if (exec_base_init(&b, &executor_futures, cfg, job, err, err_len))
        return -1;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto oom;
    p->b = b;
    p->window = b.nchunks < FUT_WINDOW ? (size_t)b.nchunks : FUT_WINDOW;
    p->w0 = calloc(cfg->workers, sizeof(*p->w0));
    if (p->w0 == NULL)
        goto oom;
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

/* Deliver the chunk of a done future (marked if it was cancelled) and
 * release it. A one-task chunk's result is in the future itself (see
 * fut_refill). */
static void fut_deliver(struct exec_pool *p, struct future *f,
                        struct exec_report *rep)
{
    uint64_t first = future_first(f), count = future_count(f);
    struct task_result *res = future_results(f);
    if (future_state(f) == FUTURE_CANCELLED)
        executor_mark(res, count, exec_base_cut_status(rep), 0);
    p->b.job.deliver(p->b.job.deliver_ctx, first, count, res);
    rep->delivered += count;
    future_release(f);
}

/* Fill rep->workers with what each worker did since run() began (or,
 * with begin set, note where they stand). */
static void fut_stats(struct exec_pool *p, struct exec_report *rep,
                      int begin)
{
    for (unsigned k = 0; rep->workers != NULL && k < p->b.cfg.workers;
         k++) {
        struct exec_worker_stat now = { 0, 0, 0 };
        futures_worker_stat(p->fx, k, &now.tasks, &now.cpu_s);
        if (begin)
            p->w0[k] = now;
        else
            exec_base_stat(&p->b, rep, k, now.tasks - p->w0[k].tasks,
                           (int64_t)((now.cpu_s - p->w0[k].cpu_s) * 1e9),
                           0);
    }
}

/* Submit chunks from next on until the window is full; returns the new
 * next. */
static uint64_t fut_refill(struct exec_pool *p, uint64_t next, uint64_t done)
{
    /* One claim of the ring per group of the burst and one wake-up for
     * the whole burst, not one each per future. */
    futures_hold(p->fx, 1);
    while (next < p->b.nchunks && next - done < p->window) {
        uint64_t first, count = exec_base_span(&p->b, next, &first);
        struct future *f;
        /* One task: its result stays in the future, on the line the
         * worker already holds and the consumer reads anyway, instead
         * of a results line two workers write by turns (chunk 1). */
        if (p->b.cfg.mode == EXEC_ORDERED)
            f = count == 1 ? futures_submit(p->fx, first)
                           : futures_submit_range(p->fx, first, count,
                                                  p->results + first);
        else
            f = count == 1 ? futures_iter_submit(p->it, p->fx, first)
                           : futures_iter_submit_range(p->it, p->fx, first,
                                                       count,
                                                       p->results + first);
        if (f == NULL)
            break;
        if (p->b.cfg.mode == EXEC_ORDERED)
            p->win[next % p->window] = f;
        next++;
    }
    futures_hold(p->fx, 0);
    return next;
}

static int fut_run(struct exec_pool *p, struct exec_report *rep)
{
    const int ordered = p->b.cfg.mode == EXEC_ORDERED;
    uint64_t next = 0, done = 0;
    int cut = 0;
    int64_t grace_end = 0;

    if (exec_base_start(&p->b, rep) != 0)
        return -1;
    fut_stats(p, rep, 1);
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
                uint64_t b = p->b.nchunks / 1024;
                futures_iter_set_batch(p->it, b < p->window / 4
                                                  ? (size_t)b
                                                  : p->window / 4);
            }
            if ((done & 1023) == 0 && !cut && exec_base_should_cut(&p->b, rep))
                goto cut_now;
            continue;
        }
        if (!cut && exec_base_should_cut(&p->b, rep))
            goto cut_now;
        if (cut && clock_mono_ns() >= grace_end) {
            p->broken = 1;
            break;
        }
        continue;
cut_now:
        cut = 1;
        grace_end = clock_mono_ns() + FUT_GRACE_NS;
        p->b.deadline_ns = 0;
        futures_shutdown(p->fx, FUTURES_CANCEL_PENDING);
    }
    p->submitted = next;
    p->released = done;
    if (!cut) {
        fut_stats(p, rep, 0);
        return 0;
    }
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
    exec_base_deliver_cut(&p->b, next, p->b.nchunks, p->results, rep);
    fut_stats(p, rep, 0);
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
        int64_t end = clock_mono_ns() + FUT_GRACE_NS;
        while (!fut_settled(p)) {
            if (clock_mono_ns() >= end)
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
    .variants = NULL,
    .create = fut_create,
    .run = fut_run,
    .destroy = fut_destroy,
};
