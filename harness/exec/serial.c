/* serial.c - the plain loop, in the calling thread.
 *
 * The baseline every speedup is measured against. Tasks run in index
 * order, one chunk at a time into a chunk-sized buffer, and each chunk is
 * delivered as soon as it is done, so ordered and unordered are the same.
 * A huge chunk is run and delivered in pieces of at most SERIAL_PIECE
 * tasks, so the buffer stays small whatever the task count.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"

#define SERIAL_PIECE 65536

/* Inside a piece the stop flag and the deadline are checked about this
 * often: a piece of slow tasks (65,536 x 2 ms) must not hold a Ctrl-C or
 * --timeout back for minutes, and fast ones pay one clock read per many
 * tasks. */
#define SERIAL_CHECK_NS 10000000LL

struct exec_pool {
    struct exec_base b;
    struct task_result *buf; /* one piece of results */
    uint64_t piece;          /* tasks per piece */
    uint64_t every;          /* tasks between checks, adapted */
    uint64_t until;          /* tasks left before the next check */
    int64_t checked_ns;      /* when the last check was made */
    void *wstate;
    int worker_ready;
};

static int serial_create(const struct exec_config *cfg,
                         const struct exec_job *job, struct exec_pool **pool,
                         char *err, size_t err_len)
{
    struct exec_pool *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        snprintf(err, err_len, "serial: out of memory");
        return -1;
    }
    if (exec_base_init(&p->b, &executor_serial, cfg, job, err, err_len))
        goto fail;
    p->piece = cfg->chunk < job->ntasks ? cfg->chunk : job->ntasks;
    if (p->piece > SERIAL_PIECE)
        p->piece = SERIAL_PIECE;
    p->buf = calloc(p->piece, sizeof(*p->buf));
    if (p->buf == NULL) {
        snprintf(err, err_len, "serial: out of memory");
        goto fail;
    }
    if (job->wl->worker_init != NULL &&
        job->wl->worker_init(job->state, 0, &p->wstate) != 0) {
        snprintf(err, err_len, "%s: worker_init failed", job->wl->name);
        goto fail;
    }
    p->worker_ready = 1;
    *pool = p;
    return 0;
fail:
    free(p->buf);
    free(p);
    return -1;
}

/* Look at the clock and the stop flag: adapt p->every (doubled while
 * checks come sooner than SERIAL_CHECK_NS apart, halved when they come
 * much later) and allow that many tasks until the next look. Returns 1
 * when the run must be cut. */
static int serial_check(struct exec_pool *p, struct exec_report *rep)
{
    int64_t now = clock_mono_ns(), gap = now - p->checked_ns;
    p->checked_ns = now;
    if (gap < SERIAL_CHECK_NS && p->every < SERIAL_PIECE)
        p->every *= 2;
    else if (gap > 4 * SERIAL_CHECK_NS && p->every > 1)
        p->every /= 2;
    p->until = p->every;
    return exec_base_cut_at(&p->b, rep, now);
}

/* Run tasks [i, i + n) into buf, looking for a cut every p->every tasks
 * counted across pieces: at chunk 1 a look per piece was a clock read
 * per task. Returns how many ran; *cut is set when the rest must not
 * run. */
static uint64_t run_piece(struct exec_pool *p, struct exec_report *rep,
                          uint64_t i, uint64_t n, int *cut)
{
    const struct exec_job *job = &p->b.job;
    uint64_t k = 0;
    while (k < n) {
        if (p->until == 0 && serial_check(p, rep)) {
            *cut = 1;
            break;
        }
        uint64_t m = n - k < p->until ? n - k : p->until;
        for (uint64_t q = 0; q < m; q++)
            executor_run_one(job, p->wstate, i + k + q, &p->buf[k + q]);
        k += m;
        p->until -= m;
    }
    return k;
}

static int serial_run(struct exec_pool *p, struct exec_report *rep)
{
    const struct exec_job *job = &p->b.job;
    uint64_t i = 0;
    int cut = 0;

    if (exec_base_start(&p->b, rep) != 0)
        return -1;
    int64_t cpu0 = exec_base_self_cpu_ns();
    p->every = 1;
    p->until = 0; /* look before the first task */
    p->checked_ns = clock_mono_ns();
    while (i < job->ntasks) {
        uint64_t n = job->ntasks - i < p->piece ? job->ntasks - i
                                                : p->piece;
        n = run_piece(p, rep, i, n, &cut);
        if (n > 0) {
            job->deliver(job->deliver_ctx, i, n, p->buf);
            rep->delivered += n;
            i += n;
        }
        if (cut)
            break;
    }
    exec_base_stat(&p->b, rep, 0, i, exec_base_self_cpu_ns() - cpu0, 0);
    if (!cut)
        return 0;
    /* Deliver what never ran, so every index is accounted for. */
    while (i < job->ntasks) {
        uint64_t n = job->ntasks - i < p->piece ? job->ntasks - i
                                                : p->piece;
        executor_mark(p->buf, n, exec_base_cut_status(rep), 0);
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
    if (p->worker_ready && p->b.job.wl->worker_fini != NULL)
        p->b.job.wl->worker_fini(p->b.job.state, p->wstate);
    free(p->buf);
    free(p);
}

const struct executor executor_serial = {
    .name = "serial",
    .summary = "the plain loop in the calling thread (the baseline)",
    .models = "for x in xs: f(x)",
    .variants = NULL,
    .create = serial_create,
    .run = serial_run,
    .destroy = serial_destroy,
    .flags = EXEC_SERIAL_LIKE | EXEC_BASELINE,
};
