/* procs.h - the procs executor's parts, shared by its core (procs.c) and
 * its transports (procs_shm.c, procs_pipe.c). Internal to harness/exec.
 *
 * The core forks the workers, watches for their deaths (pidfd, or a
 * SIGCHLD self-pipe), replaces them, kills and reaps them, and keeps the
 * shared mapping (phase, claim counter, one flag per chunk, the results,
 * one line per worker). A transport moves chunks and results between the
 * parent and the workers: it is a table of functions chosen at create(),
 * as redis chooses ae_epoll.c or ae_select.c.
 */
#ifndef POOLBENCH_PROCS_H
#define POOLBENCH_PROCS_H

#include <poll.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "base.h"

/* Chunks sent ahead to a pipe worker. */
#define PRC_DEPTH 4

/* Exit status of a worker whose worker_init failed. */
#define PRC_EXIT_INIT 121

/* Values of a worker's `cur` that are not chunk ids. */
#define PRC_NONE UINT64_MAX       /* between chunks */
#define PRC_IDLE (UINT64_MAX - 1) /* found no chunk left */

enum prc_phase {
    PRC_WAIT = 0, /* forked, waiting for run() */
    PRC_RUN = 1,  /* claim and run chunks */
    PRC_QUIT = 2, /* leave */
};

/* One worker slot's line in shared memory; only its worker writes it. */
struct prc_wline {
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t cur; /* shm: chunk or
                                                           NONE / IDLE */
    atomic_uint_fast64_t tasks; /* tasks run by the slot's processes */
};

/* The head of the shared mapping. Futex words here are waited on without
 * FUTEX_PRIVATE_FLAG, since parent and workers are different processes. */
struct prc_shared {
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t next; /* claim counter */
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t ndone; /* chunks done */
    _Alignas(EXEC_CACHE_LINE) atomic_uint cons_sleep; /* parent parked */
    atomic_uint_fast64_t cons_want; /* write the eventfd at this ndone */
    _Alignas(EXEC_CACHE_LINE) atomic_uint phase; /* enum prc_phase */
    atomic_uint nready;   /* workers past worker_init */
};

/* What the parent knows of a worker slot. */
struct prc_worker {
    pid_t pid;              /* 0: none (reaped) */
    int pidfd;              /* -1: none */
    int cmd_fd;             /* pipes: parent's write end, else -1 */
    int res_fd;             /* pipes: parent's read end, else -1 */
    uint64_t out[PRC_DEPTH]; /* pipe: chunks sent, oldest first */
    unsigned nout;
    int exited;             /* SIGCHLD mode: reaped, status and ru below */
    int status;
    struct rusage ru;
    int64_t cpu0_ns;        /* its process's CPU clock when run() began */
    int64_t cpu_gone_ns;    /* CPU in run() of its processes reaped */
    uint32_t deaths;        /* its processes that died in run() */
};

struct exec_pool;

/* A transport. Every hook is required unless it says it may be NULL. */
struct procs_transport {
    const char *name;  /* the variant name: "shm", "pipe" */
    int pipes;         /* 1: fork each worker with a command pipe and a
                          result pipe (cmd_fd, res_fd) */
    /* At create, before forking: allocate what it needs. Returns 0, or
     * -1 when out of memory. */
    int (*setup)(struct exec_pool *p);
    /* In worker id (a child) once ready: run chunks until told to
     * leave. */
    void (*child)(struct exec_pool *p, unsigned id, void *ws);
    /* In the parent: deliver every chunk, handling deaths (the core's
     * procs_death) and cuts (procs_cut). Returns when all are
     * delivered. */
    void (*run)(struct exec_pool *p, struct exec_report *rep);
    /* Worker id died and was reaped (its descriptors still open): fail
     * the chunk it was running with status/error, and hand out again
     * the ones it had not started; with init_failed it ran nothing. */
    void (*lost)(struct exec_pool *p, unsigned id, int32_t status,
                 int32_t error, int init_failed);
    /* Free what setup allocated (also after a failed setup). */
    void (*release)(struct exec_pool *p);
};

extern const struct procs_transport procs_shm;
extern const struct procs_transport procs_pipe;

struct exec_pool {
    struct exec_base b;
    const struct procs_transport *tr;
    uint64_t batch;         /* chunks per parent wake-up once going */
    void *map;              /* the shared mapping */
    size_t map_len;
    struct prc_shared *sh;
    struct prc_wline *wl;   /* workers' lines, in the mapping */
    atomic_uint *flags;     /* nchunks, in the mapping */
    struct task_result *results; /* ntasks, in the mapping */
    int efd;                /* eventfd: workers wake the parent */
    struct prc_worker *w;
    unsigned nworkers;
    struct pollfd *pfd;     /* scratch for ppoll: efd/res fds + deaths */
    int32_t last_status, last_error; /* of the last worker death */
    uint64_t deaths;
    int sigchld;            /* no pidfd: SIGCHLD and a self-pipe */
    int orphaned;           /* no worker left: the rest failed */
    int running;            /* in run(): reaping counts CPU time */
    /* shm transport, unordered: chunks claimed, not yet done */
    uint64_t *pending;
    size_t npending, cap_pending;
    /* pipe transport */
    struct task_result *wbuf; /* worker (child): a header and one chunk */
    uint64_t *retry;        /* chunks to send again after a death */
    size_t nretry;
};

/* The fd ppoll() watches for worker k's death (its pidfd or the SIGCHLD
 * pipe). */
int procs_death_fd(const struct exec_pool *p, unsigned k);

/* After ppoll() said a death fd fired: empty the SIGCHLD pipe, if any. */
void procs_chld_drain(const struct exec_pool *p);

/* 1 if worker k has exited (not blocking); then procs_death is quick. */
int procs_exited(struct exec_pool *p, unsigned k);

/* Worker k died: reap it, let the transport fail what it held, fork a
 * replacement (rep->err says why not, if it cannot). */
void procs_death(struct exec_pool *p, unsigned k, struct exec_report *rep);

/* Workers still running. */
unsigned procs_live(const struct exec_pool *p);

/* No worker is left: fail every chunk not done, so that the run ends. */
void procs_orphan(struct exec_pool *p);

/* Mark chunk c failed with status/error and flag it done. Only for a
 * chunk no live worker will write any more. */
void procs_fail_chunk(struct exec_pool *p, uint64_t c, int32_t status,
                      int32_t error);

/* The run is cut: hand out nothing more, kill and reap every worker (one
 * may be stuck in a task), mark every chunk not done. */
void procs_cut(struct exec_pool *p, struct exec_report *rep);

/* Ordered delivery: deliver done chunks from *head on, in order.
 * Returns how many. */
uint64_t procs_collect_ordered(struct exec_pool *p, uint64_t *head,
                               struct exec_report *rep);

/* A worker ran n more tasks (called in the child). */
static inline void procs_count(struct exec_pool *p, unsigned id,
                               uint64_t n)
{
    atomic_uint_fast64_t *t = &p->wl[id].tasks;
    /* relaxed: only this process writes it; the parent reads it after
     * the chunk's results, which carry a release (shm) or a syscall. */
    atomic_store_explicit(t, atomic_load_explicit(t, memory_order_relaxed)
                                 + n, memory_order_relaxed);
}

/* ns as a timespec for ppoll(). */
static inline struct timespec procs_ts(long long ns)
{
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000LL),
                           .tv_nsec = (long)(ns % 1000000000LL) };
    return ts;
}

#endif /* POOLBENCH_PROCS_H */
