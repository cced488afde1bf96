/* executor.h - how tasks are run: serial, threads, procs, futures.
 *
 * An executor runs task indices [0, ntasks) of one prepared workload and
 * hands results back to the calling thread in chunks: a chunk is a run of
 * consecutive indices claimed together by one worker. In ORDERED mode the
 * chunks reach deliver() in index order (pool.map: a slow task 0 holds
 * everything back); in UNORDERED mode in completion order (imap_unordered,
 * as_completed). deliver() is always called from the thread that called
 * executor run(), never concurrently, once per chunk, and every index is
 * delivered exactly once, also when tasks failed, were cancelled or timed
 * out (their status says so). An executor may deliver one chunk in several
 * consecutive pieces (serial does, for huge chunks); in ORDERED mode the
 * pieces still arrive in index order.
 *
 * Lifecycle per repetition: create() (pool start-up: threads started,
 * processes forked) -> run() -> destroy(). The driver times create+destroy
 * as startup_s and run() as wall_s. run() runs once per pool.
 *
 * Variants: an executor may come in variants that change how it works but
 * not what it computes (procs: the "shm" and "pipe" transports). It lists
 * their names in `variants`; exec_config.variant picks one by index, and
 * only that executor interprets it. The CLI and the JSON call the variant
 * "transport" ("none" for an executor without variants).
 *
 * Per-worker measurement: if exec_report.workers is set, run() fills one
 * struct exec_worker_stat per worker (cfg.workers of them) with what that
 * worker did during run() only (not create() or destroy()), for the noise
 * meter: how evenly the work was spread and how much CPU each worker got.
 */
#ifndef POOLBENCH_EXECUTOR_H
#define POOLBENCH_EXECUTOR_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "workload.h"

enum exec_mode {
    EXEC_ORDERED = 0,   /* chunks delivered in index order */
    EXEC_UNORDERED = 1, /* chunks delivered in completion order */
};

/* Largest worker count an executor accepts (util/bounds.h). */
#define EXEC_MAX_WORKERS POOLBENCH_MAX_WORKERS

/* How a pool is shaped. */
struct exec_config {
    unsigned workers;           /* >= 1 */
    uint64_t chunk;             /* >= 1, already resolved from "auto" */
    enum exec_mode mode;
    unsigned variant;           /* index into executor.variants; 0 (the
                                   default) when it has none */
    double timeout_s;           /* 0 = no limit; else run() stops then */
};

/* Receives one delivered chunk: results[k] is task first + k. */
typedef void exec_deliver_fn(void *ctx, uint64_t first, uint64_t count,
                             const struct task_result *results);

/* One job: what to run and where its results go. */
struct exec_job {
    const struct workload *wl;
    void *state;                /* from wl->prepare */
    uint64_t ntasks;
    exec_deliver_fn *deliver;
    void *deliver_ctx;
    /* Set (to nonzero) from a signal handler or another thread to stop:
     * no new chunk is started, chunks not started are delivered as
     * TASK_CANCELLED, run() returns soon. May be NULL. */
    volatile sig_atomic_t *stop;
};

/* What one worker did during run(). Worker k is the k-th thread (threads,
 * futures), the k-th forked process (procs) or the calling thread
 * (serial: entry 0; entries past it stay zero). For procs, entry k is the
 * worker *slot* k: when its process dies and is replaced, the entry sums
 * every process that held the slot during run(): the CPU time of the dead
 * one (from its rusage when reaped) and of its replacement, and the tasks
 * each finished; the chunk it died in is not counted, and `deaths` says
 * that the entry is a sum. The same holds for workers killed by a time
 * limit or a stop: their CPU time up to the kill is counted. */
struct exec_worker_stat {
    uint64_t tasks;  /* tasks the worker ran to their end (any status) */
    double cpu_s;    /* CPU seconds (user + system) it used in run():
                        threads: its thread CPU clock; procs: its process
                        CPU clock (and rusage at reaping); serial: the
                        calling thread's CPU clock */
    uint32_t deaths; /* procs: processes of this slot that died in run() */
};

/* What run() reports besides the delivered results. The caller zeroes it
 * and may set `workers` before calling run(). */
struct exec_report {
    uint64_t delivered;   /* indices delivered (== ntasks unless broken) */
    uint64_t worker_deaths; /* forked workers that died and were replaced */
    int timed_out;        /* the time limit was hit */
    int interrupted;      /* *stop was seen */
    int broken;           /* the pool cannot be reused or even torn down
                             cleanly (a thread stuck in a task): the
                             process should report and exit */
    char err[256];        /* why, when timed_out, interrupted or broken */
    /* In: NULL, or an array of cfg.workers entries that run() overwrites
     * with each worker's share (struct exec_worker_stat), also when run()
     * returns -1; a broken pool fills it with what it could read. */
    struct exec_worker_stat *workers;
};

struct exec_pool; /* opaque, one per executor implementation */

/* What an executor is (struct executor.flags), as curl's handler flags:
 * callers ask these, never compare executor identities. */
#define EXEC_SERIAL_LIKE (1u << 0) /* the plain loop: one worker, no pool;
                                      -j, --mode and chunks do not apply */
#define EXEC_PYTHON      (1u << 1) /* a Python peer runs the tasks (py-*):
                                      the workload needs a peer hook and
                                      its after_rep (state only native
                                      workers touch) does not apply; left
                                      out of the default executor list */
#define EXEC_BASELINE    (1u << 2) /* the native plain loop: speedups are
                                      against it (VIEW_BASELINE_EXECUTOR)
                                      and calibration times it; exactly
                                      one executor has it */

/* An executor. */
struct executor {
    const char *name;     /* "serial", "threads", "procs", "futures" */
    const char *summary;  /* one line for `poolbench list` */
    const char *models;   /* the Python construct it stands for */
    /* Variant names, NULL-terminated, the first the default; NULL if the
     * executor has none. See "Variants" above. */
    const char *const *variants;

    /* Start a pool for job (threads started, children forked). Refuses
     * workers outside 1..EXEC_MAX_WORKERS, chunk 0, ntasks 0 and a
     * variant it does not have. On error returns -1 with a message in
     * err and nothing left running. */
    int (*create)(const struct exec_config *cfg, const struct exec_job *job,
                  struct exec_pool **pool, char *err, size_t err_len);

    /* Run every task of the job. Returns 0 when every index was
     * delivered (tasks may still have failed: see their status), -1 when
     * the run was cut short (timeout, stop, broken pool): rep says why and
     * what was delivered. */
    int (*run)(struct exec_pool *pool, struct exec_report *rep);

    /* Stop workers, reap children, free everything. */
    void (*destroy)(struct exec_pool *pool);

    unsigned flags;       /* EXEC_* above */
};

/* The built-in executors, in display order; NULL-terminated. */
extern const struct executor *const executor_list[];

/* The names of the executors whose flags & mask == want, in display
 * order, comma-separated into buf (truncated to len). Returns buf. */
char *executor_names(unsigned mask, unsigned want, char *buf, size_t len);

/* The executor with EXEC_BASELINE (serial). */
const struct executor *executor_baseline(void);

/* Find an executor by name; NULL if there is none. */
const struct executor *executor_find(const char *name);

/* The name of variant v of ex (the JSON "transport"): "none" when ex has
 * no variants, NULL when v is out of range. */
const char *executor_variant_name(const struct executor *ex, unsigned v);

/* The index of the variant called name in ex, or -1 if ex has none of
 * that name (an executor without variants has none at all). */
int executor_variant_find(const struct executor *ex, const char *name);

/* Resolve a chunk size: chunk > 0 is returned as is; 0 means "auto",
 * ceil(ntasks / (4 * workers)) as CPython's Pool.map, at least 1. */
uint64_t executor_auto_chunk(uint64_t ntasks, unsigned workers,
                             uint64_t chunk);

/* Run one task into *out, zeroing it first; shared by every executor so
 * that a task is run the same way everywhere. */
static inline void executor_run_one(const struct exec_job *job, void *wstate,
                                    uint64_t i, struct task_result *out)
{
    out->status = TASK_OK;
    out->error = 0;
    out->value = 0;
    out->bytes = 0;
    out->wait_ns = 0;
    job->wl->run_task(job->state, wstate, i, out);
}

/* Say in rep->err why a run was cut short ("threads: time limit
 * reached"); when stuck is set, add that a worker is still inside a task
 * after grace_s and that only procs can isolate such tasks. Returns -1,
 * what run() returns for a cut run. */
int executor_report_cut(struct exec_report *rep, const char *name,
                        int stuck, double grace_s);

/* Fill results[0..count) as not run with the given status. */
void executor_mark(struct task_result *results, uint64_t count,
                   int32_t status, int32_t error);

#include "executors.h" /* extern const struct executor executor_NAME */

#endif /* POOLBENCH_EXECUTOR_H */
