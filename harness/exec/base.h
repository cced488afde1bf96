/* base.h - the skeleton every executor shares, so that it is written once:
 * the argument checks, the run-once guard, the deadline and stop check,
 * the span of chunk c, delivering chunks that a cut left unrun, and the
 * CPU clocks behind the per-worker stats. Internal to harness/exec.
 */
#ifndef POOLBENCH_EXEC_BASE_H
#define POOLBENCH_EXEC_BASE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec_sync.h"
#include "executor.h"

/* What a pool knows of its job, common to every executor. */
struct exec_base {
    const struct executor *ex; /* for its name in messages */
    struct exec_config cfg;
    struct exec_job job;
    uint64_t nchunks;     /* ceil(ntasks / chunk) */
    int64_t deadline_ns;  /* CLOCK_MONOTONIC; 0: none (also after a cut) */
    int ran;              /* run() was called */
};

/* Check cfg and job for ex (workers 1..EXEC_MAX_WORKERS, chunk >= 1,
 * ntasks >= 1, a variant ex has) and fill b. Returns 0, or -1 with
 * "NAME: need ..." in err. */
int exec_base_init(struct exec_base *b, const struct executor *ex,
                   const struct exec_config *cfg, const struct exec_job *job,
                   char *err, size_t err_len);

/* Start run(): refuse a second run (-1, "NAME: pool already ran" in
 * rep->err), set the deadline, zero rep->workers. Returns 0. */
int exec_base_start(struct exec_base *b, struct exec_report *rep);

/* Tasks of chunk c; its first index goes to *first. */
static inline uint64_t exec_base_span(const struct exec_base *b, uint64_t c,
                                      uint64_t *first)
{
    uint64_t f = c * b->cfg.chunk;
    *first = f;
    return b->job.ntasks - f < b->cfg.chunk ? b->job.ntasks - f
                                            : b->cfg.chunk;
}

/* 1 if the run must be cut now (stop or deadline; rep says which). */
static inline int exec_base_should_cut(const struct exec_base *b,
                                       struct exec_report *rep)
{
    return exec_should_cut(&b->job, b->deadline_ns, rep);
}

/* exec_base_should_cut with the clock already read (now_ns,
 * CLOCK_MONOTONIC), for a caller that reads it anyway. */
static inline int exec_base_cut_at(const struct exec_base *b,
                                   struct exec_report *rep, int64_t now_ns)
{
    return exec_cut_at(&b->job, b->deadline_ns, rep, now_ns);
}

/* The status of tasks a cut run never ran. */
static inline int32_t exec_base_cut_status(const struct exec_report *rep)
{
    return rep->timed_out ? TASK_TIMEOUT : TASK_CANCELLED;
}

/* Deliver chunk c, whose results are at results[first..]: results holds
 * all ntasks. Paced for a consumer that polls what workers write (see
 * base.c); futures and serial, whose consumers do more per chunk, call
 * job.deliver themselves. */
void exec_base_deliver(const struct exec_base *b, uint64_t c,
                       const struct task_result *results,
                       struct exec_report *rep);

/* Mark chunks [from, to), which no worker ran, with the cut status and
 * deliver them. */
void exec_base_deliver_cut(const struct exec_base *b, uint64_t from,
                           uint64_t to, struct task_result *results,
                           struct exec_report *rep);

/* Record worker k's share in rep->workers, if the caller asked for it
 * and k < cfg.workers. A negative cpu_ns counts as 0. */
void exec_base_stat(const struct exec_base *b, struct exec_report *rep,
                    unsigned k, uint64_t tasks, int64_t cpu_ns,
                    uint32_t deaths);

/* CPU time used so far, in ns, by: another thread of this process; a
 * child process (alive or not yet reaped); the calling thread. 0 when
 * the clock cannot be read. */
int64_t exec_base_thread_cpu_ns(pthread_t t);
int64_t exec_base_proc_cpu_ns(pid_t pid);
int64_t exec_base_self_cpu_ns(void);

#endif /* POOLBENCH_EXEC_BASE_H */
