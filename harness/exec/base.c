/* base.c - the skeleton every executor shares (see base.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base.h"

int exec_base_init(struct exec_base *b, const struct executor *ex,
                   const struct exec_config *cfg, const struct exec_job *job,
                   char *err, size_t err_len)
{
    if (cfg->workers < 1 || cfg->workers > EXEC_MAX_WORKERS ||
        cfg->chunk < 1 || job->ntasks < 1) {
        snprintf(err, err_len,
                 "%s: need 1..%d workers, chunk >= 1 and tasks >= 1",
                 ex->name, EXEC_MAX_WORKERS);
        return -1;
    }
    if (executor_variant_name(ex, cfg->variant) == NULL) {
        snprintf(err, err_len, "%s: no variant %u", ex->name,
                 cfg->variant);
        return -1;
    }
    memset(b, 0, sizeof(*b));
    b->ex = ex;
    b->cfg = *cfg;
    b->job = *job;
    b->nchunks = (job->ntasks + cfg->chunk - 1) / cfg->chunk;
    return 0;
}

int exec_base_start(struct exec_base *b, struct exec_report *rep)
{
    if (rep->workers != NULL)
        memset(rep->workers, 0, b->cfg.workers * sizeof(*rep->workers));
    if (b->ran) {
        snprintf(rep->err, sizeof(rep->err), "%s: pool already ran",
                 b->ex->name);
        return -1;
    }
    b->ran = 1;
    if (b->cfg.timeout_s > 0)
        b->deadline_ns = clock_mono_ns() + (int64_t)(b->cfg.timeout_s * 1e9);
    return 0;
}

void exec_base_deliver(const struct exec_base *b, uint64_t c,
                       const struct task_result *results,
                       struct exec_report *rep)
{
    /* The consumer's pace, not a measurement: a consumer that keeps up
     * with the workers polls the very slot lines they are writing, and
     * without a pause of about a clock read per chunk threads at chunk 1
     * ran 40 -> 120 ns a task and procs shm 85 -> 125 on a 2-CPU VM
     * (#25). A clock read rather than pause instructions, whose length
     * differs tenfold between CPUs; before the fold, where deliver read
     * it when it timed every chunk. */
    (void)clock_mono_ns();
    uint64_t first, count = exec_base_span(b, c, &first);
    b->job.deliver(b->job.deliver_ctx, first, count, results + first);
    rep->delivered += count;
}

void exec_base_deliver_cut(const struct exec_base *b, uint64_t from,
                           uint64_t to, struct task_result *results,
                           struct exec_report *rep)
{
    int32_t status = exec_base_cut_status(rep);
    for (uint64_t c = from; c < to; c++) {
        uint64_t first, count = exec_base_span(b, c, &first);
        executor_mark(results + first, count, status, 0);
        exec_base_deliver(b, c, results, rep);
    }
}

void exec_base_stat(const struct exec_base *b, struct exec_report *rep,
                    unsigned k, uint64_t tasks, int64_t cpu_ns,
                    uint32_t deaths)
{
    if (rep->workers == NULL || k >= b->cfg.workers)
        return;
    rep->workers[k].tasks = tasks;
    rep->workers[k].cpu_s = cpu_ns > 0 ? (double)cpu_ns * 1e-9 : 0;
    rep->workers[k].deaths = deaths;
}

static int64_t base_clock_ns(clockid_t clk)
{
    struct timespec ts;
    if (clock_gettime(clk, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t exec_base_thread_cpu_ns(pthread_t t)
{
    clockid_t clk;
    if (pthread_getcpuclockid(t, &clk) != 0)
        return 0;
    return base_clock_ns(clk);
}

int64_t exec_base_proc_cpu_ns(pid_t pid)
{
    clockid_t clk;
    if (clock_getcpuclockid(pid, &clk) != 0)
        return 0;
    return base_clock_ns(clk);
}

int64_t exec_base_self_cpu_ns(void)
{
    return base_clock_ns(CLOCK_THREAD_CPUTIME_ID);
}
