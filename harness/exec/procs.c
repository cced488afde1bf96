/* procs.c - N forked workers: the core (workers, deaths, reaping).
 *
 * The model is multiprocessing.Pool. create() forks the workers after
 * prepare(), so they inherit every task input; each calls worker_init and
 * reports ready. How chunks and results travel is the transport's
 * business (procs.h): shm (default, procs_shm.c) or pipe (procs_pipe.c).
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
 *
 * Worker stats: the parent reads each worker's process CPU clock when
 * run() begins and ends, and takes a reaped worker's CPU time from its
 * rusage; the workers count their tasks in their own shared line. So no
 * worker has to report at the end, and run() waits for none.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "config.h"
#include "procs.h"

/* How long destroy() waits for a worker to leave before killing it. */
#define PRC_QUIT_NS 2000000000LL

static const char *const prc_variants[] = { "shm", "pipe", NULL };

/* The transports, in the order of prc_variants. */
static const struct procs_transport *const prc_transports[] = {
    &procs_shm, &procs_pipe,
};

/* The SIGCHLD fallback, for kernels without pidfd_open (before 5.3) or
 * when POOLBENCH_PROCS_SIGCHLD=1 asks for it (to test it): a handler
 * writes a byte to a pipe that ppoll() watches instead of the pidfds,
 * and the parent then asks wait4(WNOHANG) which worker it was. Shared
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

void procs_chld_drain(const struct exec_pool *p)
{
    char buf[64];
    if (!p->sigchld)
        return;
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

static void prc_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int procs_death_fd(const struct exec_pool *p, unsigned k)
{
    return p->sigchld ? prc_chld_pipe[0] : p->w[k].pidfd;
}

int procs_exited(struct exec_pool *p, unsigned k)
{
    struct prc_worker *w = &p->w[k];
    if (w->pid <= 0)
        return 0;
    if (!p->sigchld) {
        struct pollfd pf = { .fd = w->pidfd, .events = POLLIN };
        return poll(&pf, 1, 0) == 1;
    }
    if (!w->exited && wait4(w->pid, &w->status, WNOHANG, &w->ru) == w->pid)
        w->exited = 1;
    return w->exited;
}

/* ---- the worker (child) side ---- */

/* Make the child a worker: die with the parent, default crash signals,
 * keep only its own descriptors. Returns 0, or -1 if the parent is gone. */
static int prc_child_setup(struct exec_pool *p, unsigned id, pid_t parent)
{
    sigset_t none;

    /* Die with the parent: a SIGKILLed driver cannot stop its workers,
     * and an shm worker parked on the futex would wait forever. The
     * signal comes when the forking thread ends; that is the driver's
     * main thread (fork happens in create and run), which lives as long
     * as the process. If the parent died before prctl, getppid shows it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return -1;

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
    return 0;
}

static void prc_child(struct exec_pool *p, unsigned id, pid_t parent)
{
    const struct workload *wl = p->b.job.wl;
    void *ws = NULL;

    if (prc_child_setup(p, id, parent) != 0)
        _exit(PRC_EXIT_INIT);
    if (wl->worker_init != NULL &&
        wl->worker_init(p->b.job.state, id, &ws))
        _exit(PRC_EXIT_INIT);
    atomic_fetch_add_explicit(&p->sh->nready, 1, memory_order_release);
    uint64_t one = 1;
    if (write(p->efd, &one, sizeof(one)) < 0)
        _exit(PRC_EXIT_INIT);
    p->tr->child(p, id, ws);
    if (wl->worker_fini != NULL)
        wl->worker_fini(p->b.job.state, ws);
    _exit(0);
}

/* ---- the parent side ---- */

/* Fork worker id (with its pipes if the transport wants them). Returns 0
 * or -1 with a message. */
static int prc_spawn(struct exec_pool *p, unsigned id, char *err,
                     size_t err_len)
{
    struct prc_worker *w = &p->w[id];
    int cmd[2] = { -1, -1 }, res[2] = { -1, -1 };

    if (p->tr->pipes &&
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
    w->cpu0_ns = 0; /* a replacement's whole life is in run() */
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

static int64_t prc_ru_ns(const struct rusage *ru)
{
    return ((int64_t)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) *
               1000000000LL +
           ((int64_t)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000;
}

/* Wait for worker id, which has exited or been killed; returns its wait
 * status. In run(), its CPU time goes to its slot's stats. */
static int prc_wait(struct exec_pool *p, unsigned id)
{
    struct prc_worker *w = &p->w[id];
    int st = w->status;
    if (!w->exited)
        while (wait4(w->pid, &st, 0, &w->ru) < 0 && errno == EINTR)
            ;
    if (p->running)
        w->cpu_gone_ns += prc_ru_ns(&w->ru) - w->cpu0_ns;
    w->pid = 0;
    w->exited = 0;
    return st;
}

static void prc_close_worker(struct prc_worker *w)
{
    prc_close(&w->pidfd);
    prc_close(&w->cmd_fd);
    prc_close(&w->res_fd);
}

/* Reap worker id and close its descriptors; returns its wait status. */
static int prc_reap(struct exec_pool *p, unsigned id)
{
    int st = prc_wait(p, id);
    prc_close_worker(&p->w[id]);
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
    if (p->w != NULL)
        for (unsigned k = 0; k < p->nworkers; k++)
            prc_close_worker(&p->w[k]);
    if (p->efd >= 0)
        close(p->efd);
    if (p->sigchld)
        prc_chld_stop();
    if (p->map != NULL)
        munmap(p->map, p->map_len);
    p->tr->release(p);
    free(p->w);
    free(p->pfd);
    free(p);
}

/* Wait for worker k to leave until end_ns; kill it after. */
static void prc_await_exit(struct exec_pool *p, unsigned k, int64_t end_ns)
{
    for (;;) {
        procs_chld_drain(p);
        if (procs_exited(p, k))
            return;
        struct pollfd pf = { .fd = procs_death_fd(p, k), .events = POLLIN };
        int64_t left = end_ns - clock_mono_ns();
        if (left <= 0 ||
            (poll(&pf, 1, (int)(left / 1000000) + 1) < 0 &&
             errno != EINTR)) {
            kill(p->w[k].pid, SIGKILL);
            return;
        }
    }
}

/* Tell the workers to leave, wait for them a while, kill the rest, reap
 * all. */
static void prc_stop_workers(struct exec_pool *p)
{
    atomic_store_explicit(&p->sh->phase, PRC_QUIT, memory_order_release);
    exec_futex_wake(&p->sh->phase, INT_MAX, 1);
    for (unsigned k = 0; k < p->nworkers; k++)
        prc_close(&p->w[k].cmd_fd); /* EOF: a pipe worker leaves */
    int64_t end = clock_mono_ns() + PRC_QUIT_NS;
    for (unsigned k = 0; k < p->nworkers; k++) {
        if (p->w[k].pid <= 0)
            continue;
        prc_await_exit(p, k, end);
        prc_reap(p, k);
    }
}

/* Map the shared memory: header, workers' lines, flags, results.
 * Returns 0 or -1. */
static int prc_map(struct exec_pool *p)
{
    unsigned n = p->nworkers;
    size_t off_wl = (sizeof(struct prc_shared) + EXEC_CACHE_LINE - 1) /
                    EXEC_CACHE_LINE * EXEC_CACHE_LINE;
    size_t off_flags = off_wl + n * sizeof(struct prc_wline);
    size_t off_res = off_flags + p->b.nchunks * sizeof(atomic_uint);
    off_res = (off_res + 63) / 64 * 64;
    p->map_len = off_res + p->b.job.ntasks * sizeof(struct task_result);
    /* Populated now so that run() does not pay the page faults. */
    p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p->map == MAP_FAILED) {
        p->map = NULL;
        return -1;
    }
    p->sh = p->map;
    p->wl = (struct prc_wline *)((char *)p->map + off_wl);
    p->flags = (atomic_uint *)((char *)p->map + off_flags);
    p->results = (struct task_result *)((char *)p->map + off_res);
    for (unsigned k = 0; k < n; k++)
        atomic_init(&p->wl[k].cur, PRC_NONE);
    return 0;
}

/* Choose how deaths are seen (pidfd, or the SIGCHLD pipe) and make the
 * eventfd. Returns 0 or -1 with a message. */
static int prc_watch(struct exec_pool *p, char *err, size_t err_len)
{
    const char *force = getenv("POOLBENCH_PROCS_SIGCHLD");
    int probe = prc_pidfd_open(getpid());
    if (probe >= 0)
        close(probe);
    if (probe < 0 || (force != NULL && strcmp(force, "1") == 0)) {
        if (prc_chld_start(err, err_len) != 0)
            return -1;
        p->sigchld = 1;
    }
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->efd < 0) {
        snprintf(err, err_len, "procs: eventfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Wait until every worker is past worker_init. Returns 0, or -1 with a
 * message if one died first. */
static int prc_wait_ready(struct exec_pool *p, char *err, size_t err_len)
{
    unsigned n = p->nworkers;
    while (atomic_load_explicit(&p->sh->nready, memory_order_acquire) <
           n) {
        p->pfd[0] = (struct pollfd){ .fd = p->efd, .events = POLLIN };
        for (unsigned k = 0; k < n; k++)
            p->pfd[k + 1] = (struct pollfd){ .fd = procs_death_fd(p, k),
                                             .events = POLLIN };
        if (poll(p->pfd, n + 1, -1) < 0 && errno != EINTR) {
            snprintf(err, err_len, "procs: poll: %s", strerror(errno));
            return -1;
        }
        uint64_t v;
        if (read(p->efd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
            snprintf(err, err_len, "procs: eventfd: %s", strerror(errno));
            return -1;
        }
        procs_chld_drain(p);
        for (unsigned k = 0; k < n; k++) {
            /* With SIGCHLD, look at every worker: a death after poll()
             * returned had its byte drained just now, and would not wake
             * the next poll(). */
            if ((!p->sigchld && !(p->pfd[k + 1].revents & POLLIN)) ||
                !procs_exited(p, k))
                continue;
            int st = prc_reap(p, k);
            if (WIFEXITED(st) && WEXITSTATUS(st) == PRC_EXIT_INIT)
                snprintf(err, err_len, "procs: %s: worker_init failed",
                         p->b.job.wl->name);
            else
                snprintf(err, err_len, "procs: worker %u died at start "
                         "(status 0x%x)", k, (unsigned)st);
            return -1;
        }
    }
    return 0;
}

static int prc_create(const struct exec_config *cfg,
                      const struct exec_job *job, struct exec_pool **pool,
                      char *err, size_t err_len)
{
    struct exec_pool *p = NULL;
    struct exec_base b;
    unsigned n = cfg->workers;

    if (exec_base_init(&b, &executor_procs, cfg, job, err, err_len))
        return -1;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto oom;
    p->b = b;
    p->tr = prc_transports[cfg->variant];
    p->efd = -1;
    p->nworkers = n;
    p->batch = b.nchunks / 1024 > 1 ? b.nchunks / 1024 : 1;
    p->w = calloc(n, sizeof(*p->w));
    p->pfd = calloc(2 * (size_t)n + 1, sizeof(*p->pfd));
    if (p->w == NULL || p->pfd == NULL || p->tr->setup(p) != 0)
        goto oom;
    for (unsigned k = 0; k < n; k++)
        p->w[k].pidfd = p->w[k].cmd_fd = p->w[k].res_fd = -1;
    if (prc_map(p) != 0)
        goto oom;
    if (prc_watch(p, err, err_len) != 0)
        goto fail;
    for (unsigned k = 0; k < n; k++)
        if (prc_spawn(p, k, err, err_len) != 0)
            goto fail;
    if (prc_wait_ready(p, err, err_len) != 0)
        goto fail;
    *pool = p;
    return 0;

oom:
    snprintf(err, err_len, "procs: out of memory for %llu tasks",
             (unsigned long long)job->ntasks);
fail:
    if (p != NULL) {
        if (p->w != NULL && p->sh != NULL)
            prc_kill_all(p);
        prc_free(p);
    }
    return -1;
}

void procs_fail_chunk(struct exec_pool *p, uint64_t c, int32_t status,
                      int32_t error)
{
    uint64_t first, count = exec_base_span(&p->b, c, &first);
    executor_mark(p->results + first, count, status, error);
    atomic_store_explicit(&p->flags[c], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->sh->ndone, 1, memory_order_relaxed);
}

void procs_cut(struct exec_pool *p, struct exec_report *rep)
{
    int32_t st = exec_base_cut_status(rep);
    atomic_exchange_explicit(&p->sh->next, p->b.nchunks,
                             memory_order_relaxed);
    prc_kill_all(p);
    for (uint64_t c = 0; c < p->b.nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            procs_fail_chunk(p, c, st, 0);
    p->b.deadline_ns = 0;
}

void procs_death(struct exec_pool *p, unsigned id, struct exec_report *rep)
{
    int32_t status, error;
    int st = prc_wait(p, id);
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
    p->w[id].deaths++;
    p->tr->lost(p, id, status, error, init_failed);
    prc_close_worker(&p->w[id]);
    char err[128];
    if (init_failed)
        snprintf(rep->err, sizeof(rep->err), "procs: %s: worker_init "
                 "failed in a replacement worker", p->b.job.wl->name);
    else if (prc_spawn(p, id, err, sizeof(err)) != 0)
        snprintf(rep->err, sizeof(rep->err), "%s", err);
}

unsigned procs_live(const struct exec_pool *p)
{
    unsigned live = 0;
    for (unsigned k = 0; k < p->nworkers; k++)
        live += p->w[k].pid > 0;
    return live;
}

void procs_orphan(struct exec_pool *p)
{
    atomic_exchange_explicit(&p->sh->next, p->b.nchunks,
                             memory_order_relaxed);
    for (uint64_t c = 0; c < p->b.nchunks; c++)
        if (!atomic_load_explicit(&p->flags[c], memory_order_acquire))
            procs_fail_chunk(p, c, TASK_ERROR, ECHILD);
    p->orphaned = 1;
}

uint64_t procs_collect_ordered(struct exec_pool *p, uint64_t *head,
                               struct exec_report *rep)
{
    uint64_t got = 0;
    while (*head < p->b.nchunks &&
           atomic_load_explicit(&p->flags[*head], memory_order_acquire)) {
        exec_base_deliver(&p->b, (*head)++, p->results, rep);
        got++;
    }
    return got;
}

/* Each slot's share of run(): its reaped processes' CPU time, the live
 * one's CPU clock since run() began, the tasks its processes counted. */
static void prc_stats(struct exec_pool *p, struct exec_report *rep)
{
    for (unsigned k = 0; rep->workers != NULL && k < p->nworkers; k++) {
        struct prc_worker *w = &p->w[k];
        int64_t cpu = w->cpu_gone_ns;
        if (w->pid > 0)
            cpu += exec_base_proc_cpu_ns(w->pid) - w->cpu0_ns;
        exec_base_stat(&p->b, rep, k,
                       atomic_load_explicit(&p->wl[k].tasks,
                                            memory_order_relaxed),
                       cpu, w->deaths);
    }
}

static int prc_run(struct exec_pool *p, struct exec_report *rep)
{
    if (exec_base_start(&p->b, rep) != 0)
        return -1;
    for (unsigned k = 0; rep->workers != NULL && k < p->nworkers; k++)
        p->w[k].cpu0_ns = exec_base_proc_cpu_ns(p->w[k].pid);
    p->running = 1;
    p->tr->run(p, rep);
    prc_stats(p, rep);
    p->running = 0;
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
    .variants = prc_variants,
    .create = prc_create,
    .run = prc_run,
    .destroy = prc_destroy,
};
