/* executor_procs.c - N forked workers: shared memory or pipes.
 *
 * The model is multiprocessing.Pool. create() forks the workers after
 * prepare(), so they inherit every task input; each calls worker_init and
 * reports ready. Two transports:
 *
 * shm (default): one MAP_SHARED mapping holds the claim counter, the
 * completion count, one flag per chunk (0 running or unclaimed, 1 done)
 * and the results. A worker claims chunk c with fetch_add, records c in
 * its own line (`cur`) so that the parent knows what it was running if it
 * dies, runs the tasks into the shared results and sets the chunk's flag.
 * The parent delivers done chunks (in index order, or in the order it
 * finds them) and, with nothing ready, sleeps in ppoll() on an eventfd
 * that a worker writes once enough chunks are done, together with every
 * worker's pidfd: a dying worker wakes it at once.
 *
 * pipe: like Python, the parent writes (first, count) to a worker's
 * command pipe and reads the fixed-size results back from its result pipe,
 * PRC_DEPTH chunks outstanding per worker so that it is not idle during
 * the round trip. Nothing but the start-up handshake is shared.
 *
 * Without pidfd_open (Linux < 5.3) a SIGCHLD handler writing to a pipe
 * stands in for the pidfds (see prc_chld_start).
 *
 * A worker that dies (signal, or _exit) is reaped at once: the tasks of
 * the chunk it was running are marked TASK_SIGNALED with the signal (or
 * TASK_ERROR with the exit status), a replacement is forked, and the run
 * goes on. On a timeout or stop every worker is killed (SIGKILL: they may
 * be stuck), reaped, and every task not done is delivered as TASK_TIMEOUT
 * or TASK_CANCELLED. destroy() reaps whatever is left, so the driver's
 * RUSAGE_CHILDREN includes the workers' CPU time.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "config.h"
#include "exec_sync.h"
#include "executor.h"

/* Chunks sent ahead to a pipe worker. */
#define PRC_DEPTH 4

/* How long destroy() waits for a worker to leave before killing it. */
#define PRC_QUIT_NS 2000000000LL

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

/* One worker's line in shared memory; only that worker writes it. */
struct prc_wline {
    _Alignas(EXEC_CACHE_LINE) atomic_uint_fast64_t cur; /* chunk or NONE */
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

/* What the parent knows of a worker. */
struct prc_worker {
    pid_t pid;              /* 0: none (reaped) */
    int pidfd;              /* -1: none */
    int cmd_fd;             /* pipe: parent's write end, else -1 */
    int res_fd;             /* pipe: parent's read end, else -1 */
    uint64_t out[PRC_DEPTH]; /* pipe: chunks sent, oldest first */
    unsigned nout;
    int exited;             /* SIGCHLD mode: reaped, status below */
    int status;
};

/* A pipe message: a command, or a header followed by count task results.
 * As large as one result, so a worker sends header and results at once. */
struct prc_msg {
    uint64_t first;
    uint64_t count;
    uint64_t pad[2];
};
_Static_assert(sizeof(struct prc_msg) == sizeof(struct task_result),
               "a pipe header takes one result's room");

struct exec_pool {
    struct exec_config cfg;
    struct exec_job job;
    uint64_t nchunks;
    uint64_t batch;         /* chunks per parent wake-up once going */
    int64_t deadline_ns;
    int ran;
    void *map;              /* the shared mapping */
    size_t map_len;
    struct prc_shared *sh;
    struct prc_wline *wl;   /* workers' lines, in the mapping */
    atomic_uint *flags;     /* nchunks, in the mapping */
    struct task_result *results; /* ntasks, in the mapping */
    int efd;                /* eventfd: workers wake the parent */
    struct prc_worker *w;
    unsigned nworkers;
    struct pollfd *pfd;     /* scratch for ppoll: efd/res fds + pidfds */
    struct task_result *wbuf; /* pipe worker (child): one chunk */
    uint64_t *pending;      /* shm unordered: claimed, not yet done */
    size_t npending, cap_pending;
    uint64_t *retry;        /* pipe: chunks to send again after a death */
    size_t nretry;
    int32_t last_status, last_error; /* of the last worker death */
    uint64_t deaths;
    int sigchld;            /* no pidfd: SIGCHLD and a self-pipe */
    int orphaned;           /* no worker left: the rest failed */
};

/* The SIGCHLD fallback, for kernels without pidfd_open (before 5.3) or
 * when POOLBENCH_PROCS_SIGCHLD=1 asks for it (to test it): a handler
 * writes a byte to a pipe that ppoll() watches instead of the pidfds,
 * and the parent then asks waitpid(WNOHANG) which worker it was. Shared
 * by the pools of the process (counted), installed on the first. */
static int prc_chld_pipe[2] = { -1, -1 };
static unsigned prc_chld_users;
static struct sigaction prc_chld_old;

static void prc_on_sigchld(int sig)
{
    int saved = errno;
    char c = 0;
    ssize_t r = write(prc_chld_pipe[1], &c, 1); /* full pipe: fine */
    (void)r;
    (void)sig;
    errno = saved;
}

static int prc_chld_start(char *err, size_t err_len)
{
    if (prc_chld_users++ > 0)
        return 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = prc_on_sigchld;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    if (pipe2(prc_chld_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
        sigaction(SIGCHLD, &sa, &prc_chld_old) != 0) {
        snprintf(err, err_len, "procs: SIGCHLD pipe: %s", strerror(errno));
        prc_chld_users--;
        return -1;
    }
    return 0;
}

static void prc_chld_stop(void)
{
    if (prc_chld_users == 0 || --prc_chld_users > 0)
        return;
    sigaction(SIGCHLD, &prc_chld_old, NULL);
    close(prc_chld_pipe[0]);
    close(prc_chld_pipe[1]);
    prc_chld_pipe[0] = prc_chld_pipe[1] = -1;
}

static void prc_chld_drain(void)
{
    char buf[64];
    while (read(prc_chld_pipe[0], buf, sizeof(buf)) > 0)
        ;
}

static int prc_pidfd_open(pid_t pid)
{
#ifdef HAVE_PIDFD_OPEN
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static uint64_t prc_count(const struct exec_pool *p, uint64_t c)
{
    uint64_t first = c * p->cfg.chunk;
    return p->job.ntasks - first < p->cfg.chunk ? p->job.ntasks - first
                                                : p->cfg.chunk;
}

static void prc_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* What ppoll() watches for worker k's death. */
static int prc_death_fd(const struct exec_pool *p, unsigned k)
{
    return p->sigchld ? prc_chld_pipe[0] : p->w[k].pidfd;
}

/* 1 if worker k has exited (not blocking); then prc_reap() is quick. */
static int prc_exited(struct exec_pool *p, unsigned k)
{
    struct prc_worker *w = &p->w[k];
    if (w->pid <= 0)
        return 0;
    if (!p->sigchld) {
        struct pollfd pf = { .fd = w->pidfd, .events = POLLIN };
        return poll(&pf, 1, 0) == 1;
    }
    if (!w->exited && waitpid(w->pid, &w->status, WNOHANG) == w->pid)
        w->exited = 1;
    return w->exited;
}

/* ---- the worker (child) side ---- */

/* Wake the parent if it is parked and asked for n completions. */
static void prc_notify(struct exec_pool *p, uint64_t n)
{
    /* Pairs with the parent's fence between setting cons_sleep and its
     * last look at the flags: either it sees our flag or we see it. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&p->sh->cons_sleep, memory_order_relaxed) &&
        n >= atomic_load_explicit(&p->sh->cons_want, memory_order_relaxed) &&
        atomic_exchange_explicit(&p->sh->cons_sleep, 0,
                                 memory_order_relaxed)) {
        uint64_t one = 1;
        ssize_t r = write(p->efd, &one, sizeof(one));
        (void)r;
    }
}

static void prc_child_shm(struct exec_pool *p, unsigned id, void *ws)
{
    struct prc_shared *sh = p->sh;
    atomic_uint_fast64_t *cur = &p->wl[id].cur;
    unsigned ph;
    while ((ph = atomic_load_explicit(&sh->phase, memory_order_acquire)) ==
           PRC_WAIT)
        exec_futex_wait(&sh->phase, PRC_WAIT, -1, 1);
    if (ph != PRC_RUN)
        return;
    for (;;) {
        /* relaxed: only atomicity matters for the claim. */
        uint64_t c = atomic_fetch_add_explicit(&sh->next, 1,
                                               memory_order_relaxed);
        if (c >= p->nchunks)
            break;
        /* Relaxed is enough: the parent reads cur only after reaping us
         * (waitpid orders everything we wrote) or after killing all. */
        atomic_store_explicit(cur, c, memory_order_relaxed);
        uint64_t first = c * p->cfg.chunk, count = prc_count(p, c);
        for (uint64_t k = 0; k < count; k++)
            executor_run_one(&p->job, ws, first + k,
                             &p->results[first + k]);
        /* release: the parent's acquire of the flag sees the results */
        atomic_store_explicit(&p->flags[c], 1, memory_order_release);
        atomic_store_explicit(cur, PRC_NONE, memory_order_relaxed);
        uint64_t n = atomic_fetch_add_explicit(&sh->ndone, 1,
                                               memory_order_relaxed) + 1;
        prc_notify(p, n);
    }
    atomic_store_explicit(cur, PRC_IDLE, memory_order_release);
    prc_notify(p, p->nchunks); /* the parent may be waiting for idleness */
    while (atomic_load_explicit(&sh->phase, memory_order_acquire) ==
           PRC_RUN)
        exec_futex_wait(&sh->phase, PRC_RUN, -1, 1);
}

static int prc_full_read(int fd, void *buf, size_t len)
{
    char *b = buf;
    while (len > 0) {
        ssize_t r = read(fd, b, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

/* Read one result message of worker w for chunk c: its header and its
 * results straight into place, in one readv() when the pipe has it all.
 * Returns 0, or -1 on EOF, error or a header that is not c's. */
static int prc_read_result(struct exec_pool *p, int fd, uint64_t c)
{
    uint64_t first = c * p->cfg.chunk, count = prc_count(p, c);
    struct prc_msg m;
    struct iovec iov[2] = {
        { &m, sizeof(m) },
        { p->results + first, count * sizeof(struct task_result) },
    };
    int k = 0;
    while (k < 2) {
        ssize_t r = readv(fd, iov + k, 2 - k);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        size_t got = (size_t)r;
        while (k < 2 && got >= iov[k].iov_len)
            got -= iov[k++].iov_len;
        if (k < 2) {
            iov[k].iov_base = (char *)iov[k].iov_base + got;
            iov[k].iov_len -= got;
        }
    }
    return m.first == first && m.count == count ? 0 : -1;
}

static int prc_full_write(int fd, const void *buf, size_t len)
{
    const char *b = buf;
    while (len > 0) {
        ssize_t r = write(fd, b, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

static void prc_child_pipe(struct exec_pool *p, unsigned id, void *ws)
{
    struct prc_worker *w = &p->w[id];
    /* wbuf: a header then one chunk of results, sent with one write */
    struct prc_msg *m = (struct prc_msg *)p->wbuf;
    struct task_result *res = p->wbuf + 1;
    struct prc_msg cmd;
    while (prc_full_read(w->cmd_fd, &cmd, sizeof(cmd)) == 0 &&
           cmd.count > 0) {
        for (uint64_t k = 0; k < cmd.count; k++)
            executor_run_one(&p->job, ws, cmd.first + k, &res[k]);
        *m = cmd;
        if (prc_full_write(w->res_fd, p->wbuf,
                           (cmd.count + 1) * sizeof(*res)) != 0)
            break;
    }
}

static void prc_child(struct exec_pool *p, unsigned id, pid_t parent)
{
    const struct workload *wl = p->job.wl;
    void *ws = NULL;
    sigset_t none;

    /* Die with the parent: a SIGKILLed driver cannot stop its workers,
     * and an shm worker parked on the futex would wait forever. The
     * signal comes when the forking thread ends; that is the driver's
     * main thread (fork happens in create and run), which lives as long
     * as the process. If the parent died before prctl, getppid shows it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(PRC_EXIT_INIT);

    /* The parent coordinates Ctrl-C; a worker must not die of it. A
     * crash must kill the worker whatever handlers the parent had (a
     * test framework's, say), so that the parent sees the signal. */
    static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
                                 SIGTERM, SIGPIPE };
    signal(SIGINT, SIG_IGN);
    for (size_t k = 0; k < sizeof(crash) / sizeof(crash[0]); k++)
        signal(crash[k], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Keep only this worker's ends: a sibling's inherited pipe end would
     * hide EOF from it. */
    if (p->sigchld) {
        signal(SIGCHLD, SIG_DFL);
        close(prc_chld_pipe[0]);
        close(prc_chld_pipe[1]);
    }
    for (unsigned k = 0; k < p->nworkers; k++) {
        prc_close(&p->w[k].pidfd);
        if (k != id) {
            prc_close(&p->w[k].cmd_fd);
            prc_close(&p->w[k].res_fd);
        }
    }
    if (wl->worker_init != NULL && wl->worker_init(p->job.state, id, &ws))
        _exit(PRC_EXIT_INIT);
    atomic_fetch_add_explicit(&p->sh->nready, 1, memory_order_release);
    uint64_t one = 1;
    if (write(p->efd, &one, sizeof(one)) < 0)
        _exit(PRC_EXIT_INIT);
    if (p->cfg.transport == EXEC_PIPE)
        prc_child_pipe(p, id, ws);
    else
        prc_child_shm(p, id, ws);
    if (wl->worker_fini != NULL)
        wl->worker_fini(p->job.state, ws);
    _exit(0);
}

/* ---- the parent side ---- */

/* Fork worker id (with its pipes for the pipe transport). Returns 0 or -1
 * with a message. */
static int prc_spawn(struct exec_pool *p, unsigned id, char *err,
                     size_t err_len)
{
    struct prc_worker *w = &p->w[id];
    int cmd[2] = { -1, -1 }, res[2] = { -1, -1 };

    if (p->cfg.transport == EXEC_PIPE &&
        (pipe2(cmd, O_CLOEXEC) != 0 || pipe2(res, O_CLOEXEC) != 0)) {
        snprintf(err, err_len, "procs: pipe: %s", strerror(errno));
        goto fail;
    }
    w->cmd_fd = cmd[0]; /* the child's ends while forking */
    w->res_fd = res[1];
    w->nout = 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, err_len, "procs: fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        prc_close(&cmd[1]);
        prc_close(&res[0]);
        prc_child(p, id, parent); /* does not return */
    }
    w->pid = pid;
    w->cmd_fd = cmd[1];
    w->res_fd = res[0];
    prc_close(&cmd[0]);
    prc_close(&res[1]);
    w->exited = 0;
    w->pidfd = p->sigchld ? -2 : prc_pidfd_open(pid);
    if (w->pidfd == -2) {
        w->pidfd = -1;
    } else if (w->pidfd < 0) {
        snprintf(err, err_len, "procs: pidfd_open: %s (Linux >= 5.3 is "
                 "needed)", strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        w->pid = 0;
        prc_close(&w->cmd_fd);
        prc_close(&w->res_fd);
        return -1;
    }
    return 0;
fail:
    w->cmd_fd = w->res_fd = -1;
    prc_close(&cmd[0]);
    prc_close(&cmd[1]);
    prc_close(&res[0]);
    prc_close(&res[1]);
    return -1;
}

/* Reap worker id, which has exited or been killed; returns its wait
 * status and closes its descriptors. */
static int prc_reap(struct exec_pool *p, unsigned id)
{
    struct prc_worker *w = &p->w[id];
    int st = w->status;
    if (!w->exited)
        while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
            ;
    w->pid = 0;
    w->exited = 0;
    prc_close(&w->pidfd);
    prc_close(&w->cmd_fd);
    prc_close(&w->res_fd);
    return st;
}

/* Kill and reap every worker still alive. */
static void prc_kill_all(struct exec_pool *p)
{
    for (unsigned k = 0; k < p->nworkers; k++)
        if (p->w[k].pid > 0)
            kill(p->w[k].pid, SIGKILL);
    for (unsigned k = 0; k < p->nworkers; k++)
        if (p->w[k].pid > 0)
            prc_reap(p, k);
}

static void prc_free(struct exec_pool *p)
{
    if (p->w != NULL) {
        for (unsigned k = 0; k < p->nworkers; k++) {
            prc_close(&p->w[k].pidfd);
            prc_close(&p->w[k].cmd_fd);
            prc_close(&p->w[k].res_fd);
        }
    }
    if (p->efd >= 0)
        close(p->efd);
    if (p->sigchld)
        prc_chld_stop();
    if (p->map != NULL)
        munmap(p->map, p->map_len);
    free(p->w);
    free(p->pfd);
    free(p->wbuf);
    free(p->pending);
    free(p->retry);
    free(p);
}

/* Tell the workers to leave, wait for them a while, kill the rest, reap
 * all. */
static void prc_stop_workers(struct exec_pool *p)
{
    atomic_store_explicit(&p->sh->phase, PRC_QUIT, memory_order_release);
    exec_futex_wake(&p->sh->phase, INT_MAX, 1);
    for (unsigned k = 0; k < p->nworkers; k++)
        prc_close(&p->w[k].cmd_fd); /* EOF: a pipe worker leaves */
    int64_t end = exec_now_ns() + PRC_QUIT_NS;
    for (unsigned k = 0; k < p->nworkers; k++) {
        struct prc_worker *w = &p->w[k];
        if (w->pid <= 0)
            continue;
        for (;;) {
            if (p->sigchld)
                prc_chld_drain();
            if (prc_exited(p, k))
                break;
            struct pollfd pf = { .fd = prc_death_fd(p, k),
                                 .events = POLLIN };
            int64_t left = end - exec_now_ns();
            if (left <= 0 ||
                (poll(&pf, 1, (int)(left / 1000000) + 1) < 0 &&
                 errno != EINTR)) {
                kill(w->pid, SIGKILL);
                break;
            }
        }
        prc_reap(p, k);
    }
}

static int prc_create(const struct exec_config *cfg,
                      const struct exec_job *job, struct exec_pool **pool,
                      char *err, size_t err_len)
{
    struct exec_pool *p = NULL;
    unsigned n = cfg->workers;

    if (n < 1 || n > EXEC_MAX_WORKERS || cfg->chunk < 1 ||
        job->ntasks < 1) {
        snprintf(err, err_len,
                 "procs: need 1..%d workers, chunk >= 1 and tasks >= 1",
                 EXEC_MAX_WORKERS);
        return -1;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto oom;
    p->efd = -1;
    p->cfg = *cfg;
    p->job = *job;
    p->nworkers = n;
    p->nchunks = (job->ntasks + cfg->chunk - 1) / cfg->chunk;
    p->batch = p->nchunks / 1024 > 1 ? p->nchunks / 1024 : 1;
    p->w = calloc(n, sizeof(*p->w));
    p->pfd = calloc(2 * (size_t)n + 1, sizeof(*p->pfd));
    p->cap_pending = 2 * (size_t)n + 16;
    p->pending = calloc(p->cap_pending, sizeof(*p->pending));
    p->retry = calloc((size_t)n * PRC_DEPTH, sizeof(*p->retry));
    if (p->w == NULL || p->pfd == NULL || p->pending == NULL ||
        p->retry == NULL)
        goto oom;
    for (unsigned k = 0; k < n; k++)
        p->w[k].pidfd = p->w[k].cmd_fd = p->w[k].res_fd = -1;
    if (cfg->transport == EXEC_PIPE) {
        uint64_t c = cfg->chunk < job->ntasks ? cfg->chunk : job->ntasks;
        p->wbuf = calloc(c + 1, sizeof(*p->wbuf));
        if (p->wbuf == NULL)
            goto oom;
    }

    /* One shared mapping: header, workers' lines, flags, results. */
    size_t off_wl = (sizeof(struct prc_shared) + EXEC_CACHE_LINE - 1) /
                    EXEC_CACHE_LINE * EXEC_CACHE_LINE;
    size_t off_flags = off_wl + n * sizeof(struct prc_wline);
    size_t off_res = off_flags + p->nchunks * sizeof(atomic_uint);
    off_res = (off_res + 63) / 64 * 64;
    p->map_len = off_res + job->ntasks * sizeof(struct task_result);
    /* Populated now so that run() does not pay the page faults. */
    p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p->map == MAP_FAILED) {
        p->map = NULL;
        goto oom;
    }
    p->sh = p->map;
    p->wl = (struct prc_wline *)((char *)p->map + off_wl);
    p->flags = (atomic_uint *)((char *)p->map + off_flags);
    p->results = (struct task_result *)((char *)p->map + off_res);
    for (unsigned k = 0; k < n; k++)
        atomic_init(&p->wl[k].cur, PRC_NONE);

    const char *force = getenv("POOLBENCH_PROCS_SIGCHLD");
    int probe = prc_pidfd_open(getpid());
    if (probe >= 0)
        close(probe);
    if (probe < 0 || (force != NULL && strcmp(force, "1") == 0)) {
        if (prc_chld_start(err, err_len) != 0)
            goto fail;
        p->sigchld = 1;
    }
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->efd < 0) {
        snprintf(err, err_len, "procs: eventfd: %s", strerror(errno));
        goto fail;
    }
    for (unsigned k = 0; k < n; k++)
        if (prc_spawn(p, k, err, err_len) != 0)
            goto fail;

    /* Wait until every worker is past worker_init, or one died. */
    while (atomic_load_explicit(&p->sh->nready, memory_order_acquire) <
           n) {
        p->pfd[0] = (struct pollfd){ .fd = p->efd, .events = POLLIN };
        for (unsigned k = 0; k < n; k++)
            p->pfd[k + 1] = (struct pollfd){ .fd = prc_death_fd(p, k),
                                             .events = POLLIN };
        if (poll(p->pfd, n + 1, -1) < 0 && errno != EINTR) {
            snprintf(err, err_len, "procs: poll: %s", strerror(errno));
            goto fail;
        }
        uint64_t v;
        if (read(p->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
            goto fail;
        if (p->sigchld)
            prc_chld_drain();
        for (unsigned k = 0; k < n; k++) {
            if (!(p->pfd[k + 1].revents & POLLIN) || !prc_exited(p, k))
                continue;
            int st = prc_reap(p, k);
            if (WIFEXITED(st) && WEXITSTATUS(st) == PRC_EXIT_INIT)
                snprintf(err, err_len, "procs: %s: worker_init failed",
                         job->wl->name);
            else
                snprintf(err, err_len, "procs: worker %u died at start "
                         "(status 0x%x)", k, (unsigned)st);
            goto fail;
        }
    }
    *pool = p;
    return 0;

oom:
    snprintf(err, err_len, "procs: out of memory for %llu tasks",
             (unsigned long long)job->ntasks);
fail:
    if (p != NULL) {
        if (p->w != NULL && p->sh != NULL) {
            prc_kill_all(p);
        }
        prc_free(p);
    }
    return -1;
}

static void prc_deliver(struct exec_pool *p, uint64_t c,
                        struct exec_report *rep)
{
    uint64_t first = c * p->cfg.chunk, count = prc_count(p, c);
    p->job.deliver(p->job.deliver_ctx, first, count, p->results + first);
    rep->delivered += count;
}

/* Mark chunk c as failed with status/error and flag it done. Only for a
 * chunk no live worker will write any more. */
static void prc_fail_chunk(struct exec_pool *p, uint64_t c, int32_t status,
                           int32_t error)
{
    executor_mark(p->results + c * p->cfg.chunk, prc_count(p, c), status,
                  error);
    atomic_store_explicit(&p->flags[c], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->sh->ndone, 1, memory_order_relaxed);
}

static int prc_should_cut(struct exec_pool *p, struct exec_report *rep)
{
    return exec_should_cut(&p->job, p->deadline_ns, rep);
}

/* The run is cut: hand out nothing more, kill every worker (one may be
 * stuck in a task), and mark every chunk not done. */
static void prc_cut(struct exec_pool *p, struct exec_report *rep)
{
    int32_t st = rep->timed_out ? TASK_TIMEOUT : TASK_CANCELLED;
    atomic_exchange_explicit(&p->sh->next, p->nchunks,
                             memory_order_relaxed);
    prc_kill_all(p);
    for (uint64_t c = 0; c < p->nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            prc_fail_chunk(p, c, st, 0);
    p->nretry = 0;
    p->deadline_ns = 0;
}

/* Worker id died: reap it, fail the chunk it was running, fork another. */
static void prc_death(struct exec_pool *p, unsigned id,
                      struct exec_report *rep)
{
    struct prc_worker *w = &p->w[id];
    int32_t status, error;

    if (p->cfg.transport == EXEC_PIPE) {
        /* Take the results it did send; the write ends are all closed
         * now, so these reads end in EOF rather than block. */
        while (w->nout > 0) {
            uint64_t c = w->out[0];
            if (prc_read_result(p, w->res_fd, c) != 0)
                break;
            atomic_store_explicit(&p->flags[c], 1, memory_order_relaxed);
            memmove(w->out, w->out + 1, --w->nout * sizeof(w->out[0]));
        }
    }
    int st = prc_reap(p, id);
    if (WIFSIGNALED(st)) {
        status = TASK_SIGNALED;
        error = WTERMSIG(st);
    } else {
        status = TASK_ERROR;
        error = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
    }
    /* A replacement whose worker_init failed ran nothing; starting
     * another would likely loop. */
    int init_failed = WIFEXITED(st) && WEXITSTATUS(st) == PRC_EXIT_INIT;
    p->last_status = status;
    p->last_error = error;
    rep->worker_deaths++;
    p->deaths++;
    if (p->cfg.transport == EXEC_PIPE) {
        if (w->nout > 0 && !init_failed)
            prc_fail_chunk(p, w->out[0], status, error);
        for (unsigned k = init_failed ? 0 : 1; k < w->nout; k++)
            p->retry[p->nretry++] = w->out[k]; /* never started */
        w->nout = 0;
    } else {
        uint64_t c = atomic_load_explicit(&p->wl[id].cur,
                                          memory_order_relaxed);
        if (c < p->nchunks &&
            !atomic_load_explicit(&p->flags[c], memory_order_acquire))
            prc_fail_chunk(p, c, status, error);
        atomic_store_explicit(&p->wl[id].cur, PRC_NONE,
                              memory_order_relaxed);
    }
    char err[128];
    if (init_failed)
        snprintf(rep->err, sizeof(rep->err), "procs: %s: worker_init "
                 "failed in a replacement worker", p->job.wl->name);
    else if (prc_spawn(p, id, err, sizeof(err)) != 0)
        snprintf(rep->err, sizeof(rep->err), "%s", err);
}

/* Workers still running. */
static unsigned prc_live(const struct exec_pool *p)
{
    unsigned live = 0;
    for (unsigned k = 0; k < p->nworkers; k++)
        live += p->w[k].pid > 0;
    return live;
}

/* No worker is left (replacements could not start): fail every chunk not
 * done, so that the run ends; run() then reports it. */
static void prc_orphan(struct exec_pool *p)
{
    atomic_exchange_explicit(&p->sh->next, p->nchunks,
                             memory_order_relaxed);
    for (uint64_t c = 0; c < p->nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            prc_fail_chunk(p, c, TASK_ERROR, ECHILD);
    p->nretry = 0;
    p->orphaned = 1;
}

/* Every worker has died or found nothing left to claim: a chunk still not
 * done was lost by a worker that died between claiming it and recording
 * it. Fail those, so the run can finish. */
static void prc_sweep(struct exec_pool *p)
{
    if (p->deaths > 0 && !p->orphaned && prc_live(p) == 0) {
        prc_orphan(p);
        return;
    }
    if (p->deaths == 0 ||
        atomic_load_explicit(&p->sh->next, memory_order_relaxed) <
            p->nchunks)
        return;
    for (unsigned k = 0; k < p->nworkers; k++)
        if (p->w[k].pid > 0 &&
            atomic_load_explicit(&p->wl[k].cur, memory_order_acquire) !=
                PRC_IDLE)
            return;
    for (uint64_t c = 0; c < p->nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            prc_fail_chunk(p, c, p->last_status, p->last_error);
}

/* Sleep until the eventfd or a pidfd fires (or the park times out);
 * handle deaths. */
static void prc_park_shm(struct exec_pool *p, struct exec_report *rep)
{
    unsigned n = p->nworkers, np = 1;
    p->pfd[0] = (struct pollfd){ .fd = p->efd, .events = POLLIN };
    for (unsigned k = 0; k < n; k++)
        if (p->w[k].pid > 0)
            p->pfd[np++] = (struct pollfd){ .fd = prc_death_fd(p, k),
                                            .events = POLLIN };
    long long ns = exec_park_ns(p->deadline_ns);
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000LL),
                           .tv_nsec = (long)(ns % 1000000000LL) };
    int r = ppoll(p->pfd, np, &ts, NULL);
    atomic_store_explicit(&p->sh->cons_sleep, 0, memory_order_relaxed);
    if (r <= 0)
        return;
    uint64_t v;
    if (read(p->efd, &v, sizeof(v)) < 0) {
        /* EAGAIN: nothing was written */
    }
    if (p->sigchld)
        prc_chld_drain();
    for (unsigned k = 0; k < n; k++)
        if (prc_exited(p, k))
            prc_death(p, k, rep);
}

/* Deliver what is done (shm: flags; pipe: flags set by the reader).
 * Returns the number of chunks delivered. */
static uint64_t prc_collect(struct exec_pool *p, uint64_t *head,
                            uint64_t *scan, struct exec_report *rep)
{
    uint64_t got = 0;
    if (p->cfg.mode == EXEC_ORDERED) {
        while (*head < p->nchunks &&
               atomic_load_explicit(&p->flags[*head],
                                    memory_order_acquire)) {
            prc_deliver(p, (*head)++, rep);
            got++;
        }
        return got;
    }
    for (size_t k = 0; k < p->npending;) {
        uint64_t c = p->pending[k];
        if (atomic_load_explicit(&p->flags[c], memory_order_acquire)) {
            prc_deliver(p, c, rep);
            got++;
            p->pending[k] = p->pending[--p->npending];
        } else {
            k++;
        }
    }
    uint64_t claimed = atomic_load_explicit(&p->sh->next,
                                            memory_order_relaxed);
    if (claimed > p->nchunks)
        claimed = p->nchunks;
    while (*scan < claimed) {
        uint64_t c = (*scan)++;
        if (atomic_load_explicit(&p->flags[c], memory_order_acquire)) {
            prc_deliver(p, c, rep);
            got++;
            continue;
        }
        if (p->npending == p->cap_pending) {
            size_t cap = p->cap_pending * 2;
            uint64_t *np = realloc(p->pending, cap * sizeof(*np));
            if (np == NULL) { /* cannot track it: look again later */
                (*scan)--;
                break;
            }
            p->pending = np;
            p->cap_pending = cap;
        }
        p->pending[p->npending++] = c;
    }
    *head += got;
    return got;
}

static int prc_run_shm(struct exec_pool *p, struct exec_report *rep)
{
    uint64_t head = 0, scan = 0, done = 0;
    int idle = 0, armed = 0, eager = 1;

    atomic_store_explicit(&p->sh->phase, PRC_RUN, memory_order_release);
    exec_futex_wake(&p->sh->phase, INT_MAX, 1);
    while (done < p->nchunks) {
        uint64_t got = prc_collect(p, &head, &scan, rep);
        if (got > 0) {
            done += got;
            idle = armed = eager = 0;
            atomic_store_explicit(&p->sh->cons_sleep, 0,
                                  memory_order_relaxed);
            if ((done & 1023) == 0 && prc_should_cut(p, rep))
                prc_cut(p, rep);
            continue;
        }
        if (prc_should_cut(p, rep)) {
            prc_cut(p, rep);
            /* after a cut the flags of unclaimed chunks are set too */
            atomic_store_explicit(&p->sh->next, p->nchunks,
                                  memory_order_relaxed);
            continue;
        }
        if (idle++ < EXEC_SPIN) {
            exec_cpu_relax();
            continue;
        }
        if (!armed) {
            /* Ask to be woken, then look once more before sleeping. */
            uint64_t want = eager ? 1 : done + p->batch;
            atomic_store_explicit(&p->sh->cons_want,
                                  want < p->nchunks ? want : p->nchunks,
                                  memory_order_relaxed);
            atomic_store_explicit(&p->sh->cons_sleep, 1,
                                  memory_order_relaxed);
            atomic_thread_fence(memory_order_seq_cst); /* see notify */
            armed = 1;
            prc_sweep(p);
            continue;
        }
        prc_park_shm(p, rep);
        armed = 0;
        eager = 1;
    }
    return 0;
}

/* pipe: send worker id its next chunk, if any is left. */
static void prc_send(struct exec_pool *p, unsigned id, uint64_t *next)
{
    struct prc_worker *w = &p->w[id];
    while (w->pid > 0 && w->nout < PRC_DEPTH &&
           (p->nretry > 0 || *next < p->nchunks)) {
        uint64_t c = p->nretry > 0 ? p->retry[--p->nretry] : (*next)++;
        struct prc_msg m = { c * p->cfg.chunk, prc_count(p, c), { 0, 0 } };
        if (prc_full_write(w->cmd_fd, &m, sizeof(m)) != 0) {
            /* it died; its pidfd will say so. Keep the chunk. */
            p->retry[p->nretry++] = c;
            return;
        }
        w->out[w->nout++] = c;
    }
}

static int prc_run_pipe(struct exec_pool *p, struct exec_report *rep)
{
    uint64_t head = 0, next = 0, done = 0;
    unsigned n = p->nworkers;
    sigset_t pipe_set, old;

    /* A write to a dead worker's pipe must fail with EPIPE, not kill us:
     * SIGPIPE is directed at this thread, so blocking it here is enough. */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    for (unsigned k = 0; k < n; k++)
        prc_send(p, k, &next);
    while (done < p->nchunks) {
        if (p->cfg.mode == EXEC_ORDERED) {
            uint64_t got = prc_collect(p, &head, NULL, rep);
            done += got;
            if (done == p->nchunks)
                break;
        }
        if (prc_should_cut(p, rep)) {
            prc_cut(p, rep);
            for (unsigned k = 0; k < n; k++)
                p->w[k].nout = 0;
            next = p->nchunks;
            if (p->cfg.mode == EXEC_UNORDERED) {
                /* deliver all not yet delivered: they are flagged and
                 * were never handed to deliver() (which unflags) */
                for (uint64_t c = 0; c < p->nchunks; c++)
                    if (atomic_load_explicit(&p->flags[c],
                                             memory_order_relaxed) == 1) {
                        atomic_store_explicit(&p->flags[c], 2,
                                              memory_order_relaxed);
                        prc_deliver(p, c, rep);
                        done++;
                    }
            }
            continue;
        }
        unsigned np = 0;
        for (unsigned k = 0; k < n; k++) {
            if (p->w[k].pid <= 0)
                continue;
            p->pfd[np++] = (struct pollfd){ .fd = p->w[k].res_fd,
                                            .events = POLLIN };
            p->pfd[np++] = (struct pollfd){ .fd = prc_death_fd(p, k),
                                            .events = POLLIN };
        }
        long long ns = exec_park_ns(p->deadline_ns);
        struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000LL),
                               .tv_nsec = (long)(ns % 1000000000LL) };
        if (ppoll(p->pfd, np, &ts, NULL) <= 0)
            continue;
        if (p->sigchld)
            prc_chld_drain();
        np = 0;
        for (unsigned k = 0; k < n; k++) {
            struct prc_worker *w = &p->w[k];
            if (w->pid <= 0)
                continue;
            short rres = p->pfd[np++].revents;
            short rpid = p->pfd[np++].revents;
            if ((rpid & POLLIN) && p->sigchld && !prc_exited(p, k))
                rpid = 0; /* another child's SIGCHLD */
            if ((rres & POLLIN) && w->nout > 0) {
                uint64_t c = w->out[0];
                if (prc_read_result(p, w->res_fd, c) == 0) {
                    memmove(w->out, w->out + 1,
                            --w->nout * sizeof(w->out[0]));
                    if (p->cfg.mode == EXEC_UNORDERED) {
                        atomic_store_explicit(&p->flags[c], 2,
                                              memory_order_relaxed);
                        prc_deliver(p, c, rep);
                        done++;
                    } else {
                        atomic_store_explicit(&p->flags[c], 1,
                                              memory_order_relaxed);
                    }
                    prc_send(p, k, &next);
                } else if (!(rpid & POLLIN)) {
                    /* a short read: the worker is dying */
                    kill(w->pid, SIGKILL);
                    rpid = POLLIN;
                }
            }
            /* Its result pipe at EOF: it exited, whether or not its
             * SIGCHLD came yet (with pidfd: whether or not it fired). */
            if (!(rpid & POLLIN) && (rres & (POLLHUP | POLLERR)) &&
                !(rres & POLLIN) && w->pid > 0 && prc_exited(p, k))
                rpid = POLLIN;
            /* Fall through even after a result: with SIGCHLD the byte
             * that announced this death is drained already. */
            if (rpid & POLLIN) {
                prc_death(p, k, rep);
                if (prc_live(p) == 0 && !p->orphaned) {
                    prc_orphan(p);
                    next = p->nchunks;
                }
                if (p->cfg.mode == EXEC_UNORDERED) {
                    /* its failed and drained chunks are flagged 1 */
                    for (uint64_t c = 0; c < p->nchunks && c < next; c++)
                        if (atomic_load_explicit(&p->flags[c],
                                                 memory_order_relaxed) ==
                            1) {
                            atomic_store_explicit(&p->flags[c], 2,
                                                  memory_order_relaxed);
                            prc_deliver(p, c, rep);
                            done++;
                        }
                }
                for (unsigned j = 0; j < n; j++)
                    prc_send(p, j, &next);
            }
        }
    }
    /* Discard a SIGPIPE we caused, then restore the mask. */
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 0;
}

static int prc_run(struct exec_pool *p, struct exec_report *rep)
{
    if (p->ran) {
        snprintf(rep->err, sizeof(rep->err), "procs: pool already ran");
        return -1;
    }
    p->ran = 1;
    if (p->cfg.timeout_s > 0)
        p->deadline_ns = exec_now_ns() + (int64_t)(p->cfg.timeout_s * 1e9);
    if (p->cfg.transport == EXEC_PIPE)
        prc_run_pipe(p, rep);
    else
        prc_run_shm(p, rep);
    if (p->orphaned && !rep->timed_out && !rep->interrupted) {
        if (rep->err[0] == '\0')
            snprintf(rep->err, sizeof(rep->err), "procs: no worker left");
        return -1;
    }
    if (!rep->timed_out && !rep->interrupted)
        return 0;
    return executor_report_cut(rep, "procs (workers killed)", 0, 0);
}

static void prc_destroy(struct exec_pool *p)
{
    if (p == NULL)
        return;
    prc_stop_workers(p);
    prc_free(p);
}

const struct executor executor_procs = {
    .name = "procs",
    .summary = "N forked workers; shared-memory or pipe transport",
    .models = "multiprocessing.Pool",
    .uses_transport = 1,
    .create = prc_create,
    .run = prc_run,
    .destroy = prc_destroy,
};
