/* executor_serial.c - the plain loop, in the calling thread.
 *
 * The baseline every speedup is measured against. Tasks run in index
 * order, one chunk at a time into a chunk-sized buffer, and each chunk is
 * delivered as soon as it is done, so ordered and unordered are the same.
 * A huge chunk is run and delivered in pieces of at most SERIAL_PIECE
 * tasks, so the buffer stays small whatever the task count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "executor.h"

#define SERIAL_PIECE 65536

struct exec_pool {
    struct exec_config cfg;
    struct exec_job job;
    struct task_result *buf; /* one chunk of results */
    void *wstate;
    int worker_ready;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int serial_create(const struct exec_config *cfg,
                         const struct exec_job *job, struct exec_pool **pool,
                         char *err, size_t err_len)
{
    struct exec_pool *p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto oom;
    p->cfg = *cfg;
    p->job = *job;
    uint64_t n = cfg->chunk < job->ntasks ? cfg->chunk : job->ntasks;
    if (n > SERIAL_PIECE)
        n = SERIAL_PIECE;
    p->buf = calloc(n > 0 ? n : 1, sizeof(*p->buf));
    if (p->buf == NULL)
        goto oom;
    if (job->wl->worker_init != NULL &&
        job->wl->worker_init(job->state, 0, &p->wstate) != 0) {
        snprintf(err, err_len, "%s: worker_init failed", job->wl->name);
        free(p->buf);
        free(p);
        return -1;
    }
    p->worker_ready = 1;
    *pool = p;
    return 0;
oom:
    free(p);
    snprintf(err, err_len, "serial: out of memory");
    return -1;
}

static int serial_run(struct exec_pool *p, struct exec_report *rep)
{
    const struct exec_job *job = &p->job;
    double deadline = p->cfg.timeout_s > 0 ? now_s() + p->cfg.timeout_s : 0;
    uint64_t chunk = p->cfg.chunk < SERIAL_PIECE ? p->cfg.chunk
                                                 : SERIAL_PIECE;
    uint64_t i = 0;
    int cut = 0;

    while (i < job->ntasks) {
        uint64_t n = job->ntasks - i < chunk ? job->ntasks - i : chunk;
        if (job->stop != NULL && *job->stop) {
            rep->interrupted = 1;
            cut = 1;
        } else if (deadline > 0 && now_s() > deadline) {
            rep->timed_out = 1;
            cut = 1;
        }
        if (cut)
            break;
        for (uint64_t k = 0; k < n; k++)
            executor_run_one(job, p->wstate, i + k, &p->buf[k]);
        job->deliver(job->deliver_ctx, i, n, p->buf);
        rep->delivered += n;
        i += n;
    }
    if (!cut)
        return 0;
    /* Deliver what never ran, so every index is accounted for. */
    int32_t status = rep->timed_out ? TASK_TIMEOUT : TASK_CANCELLED;
    while (i < job->ntasks) {
        uint64_t n = job->ntasks - i < chunk ? job->ntasks - i : chunk;
        executor_mark(p->buf, n, status, 0);
        job->deliver(job->deliver_ctx, i, n, p->buf);
        rep->delivered += n;
        i += n;
    }
    return executor_report_cut(rep, "serial", 0, 0);
}

static void serial_destroy(struct exec_pool *p)
{
    if (p == NULL)
        return;
    if (p->worker_ready && p->job.wl->worker_fini != NULL)
        p->job.wl->worker_fini(p->job.state, p->wstate);
    free(p->buf);
    free(p);
}

const struct executor executor_serial = {
    .name = "serial",
    .summary = "the plain loop in the calling thread (the baseline)",
    .models = "for x in xs: f(x)",
    .uses_transport = 0,
    .create = serial_create,
    .run = serial_run,
    .destroy = serial_destroy,
};
