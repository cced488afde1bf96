/* python.c - the Python peer executors: py-serial, py-pool, py-threadpool,
 * py-tpe, py-ppe.
 *
 * The tasks run in a Python interpreter (scripts/pypeer.py, standard
 * library only) with the construct each executor names, so that Python's
 * own pools are measured the way the native ones are: same task values,
 * same checksum, same samples.
 *
 * create() starts `python3 pypeer.py` (POOLBENCH_PYTHON overrides the
 * interpreter) in its own process group, with three pipes (job in,
 * frames out, stderr), sends it one JSON line (the job and the
 * workload's peer description) and waits for it to say it built its
 * pool. run() says "go" and reads result frames until "done",
 * delivering each chunk of the driver's chunk size when all its tasks
 * have arrived (in index order for ORDERED). destroy() says "quit": the
 * pool is closed and joined, and the interpreter reaped, so its
 * children's CPU time reaches this process's RUSAGE_CHILDREN.
 *
 * Frames from the peer: one type byte, a 32-bit little-endian length,
 * the payload (integers little-endian):
 *   'R' ready         (empty)
 *   'V' values        u64 first, u32 n, n x u64 value, n x i32 code
 *   'U' unordered     u32 n, n x u64 index, n x u64 value, n x i32 code
 *   'E' error         text: why the run failed (an exception)
 *   'D' done          (empty)
 * code 0 is TASK_OK; a positive code is a TASK_ERROR with that errno.
 *
 * A dead interpreter, a Python exception (a task that raised, a
 * BrokenProcessPool, a killed pool worker) or a malformed frame make
 * run() kill the process group and return -1 with the reason; a time
 * limit or a stop likewise, with the tasks not yet back marked
 * TASK_TIMEOUT or TASK_CANCELLED. Nothing here waits without a limit.
 *
 * Per-worker stats: the peer's workers are Python's; they are not
 * measured, and rep->workers stays zeroed (so the noise meter's worker
 * speeds leave these rows out).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "paths.h"
#include "python.h"

#define PY_START_S 60.0    /* longest create() waits for "ready" */
#define PY_QUIT_S 30.0     /* longest destroy() waits for a clean exit */
#define PY_INFO_S 10.0     /* longest python_info() waits */
#define PY_TAIL 400        /* bytes of the peer's stderr kept */
#define PY_FRAME_MAX (256u << 20)

struct exec_pool {
    struct exec_base b;
    const char *kind;        /* "serial", "pool", ... for the peer */
    pid_t pid;               /* the interpreter, its process group's
                                leader; 0 once reaped */
    int status;              /* its wait status once reaped */
    int to_fd, from_fd, err_fd;
    unsigned char *in;       /* bytes read from from_fd, not parsed */
    size_t in_len, in_cap;
    int eof;                 /* from_fd closed */
    char tail[PY_TAIL + 1];  /* last stderr bytes */
    size_t tail_len;
    struct task_result *results;
    unsigned char *got;      /* per task: its result arrived */
    uint64_t *arrived;       /* per chunk: tasks arrived */
    uint64_t next;           /* ORDERED: next chunk to deliver */
};

/* ---- the interpreter ---------------------------------------------------- */

static const char *py_interpreter(void)
{
    const char *env = getenv("POOLBENCH_PYTHON");
    return env != NULL && env[0] != '\0' ? env : "python3";
}

static void py_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child: become the peer. Does not return. */
static void py_exec(int in_fd, int out_fd, int err_fd, const char *script,
                    const char *arg)
{
    sigset_t none;
    const char *py = py_interpreter();
    setpgid(0, 0);
    /* Die with poolbench: a peer must never outlive its driver. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
    /* -B: no __pycache__ beside the script (a source tree, or a
     * read-only data folder). */
    execlp(py, py, "-B", "-u", script, arg, (char *)NULL);
    dprintf(2, "cannot run %s: %s (install python3 or set "
            "POOLBENCH_PYTHON)\n", py, strerror(errno));
    _exit(127);
}

int python_script_path(char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/pypeer.py", paths_scripts_dir());
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Start the interpreter on pypeer.py with pipes for stdin, stdout and
 * stderr; *pid, *to, *from, *errp get the parent's ends. */
static int py_spawn(const char *arg, pid_t *pid, int *to, int *from,
                    int *errp, char *err, size_t err_len)
{
    char script[4200];
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, er[2] = { -1, -1 };
    if (python_script_path(script, sizeof(script)) != 0) {
        snprintf(err, err_len, "scripts folder path too long");
        return -1;
    }
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
        pipe2(er, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        goto fail;
    }
    fflush(NULL);
    *pid = fork();
    if (*pid < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        goto fail;
    }
    if (*pid == 0)
        py_exec(in[0], out[1], er[1], script, arg);
    setpgid(*pid, *pid); /* also in the child: whichever runs first */
    close(in[0]);
    close(out[1]);
    close(er[1]);
    *to = in[1];
    *from = out[0];
    *errp = er[0];
    fcntl(*to, F_SETFL, O_NONBLOCK);
    fcntl(*from, F_SETFL, O_NONBLOCK);
    fcntl(*errp, F_SETFL, O_NONBLOCK);
    return 0;
fail:
    for (int k = 0; k < 2; k++) {
        py_close(&in[k]);
        py_close(&out[k]);
        py_close(&er[k]);
    }
    return -1;
}

/* Keep the last PY_TAIL bytes the peer wrote on stderr. */
static void py_drain_err(struct exec_pool *p)
{
    char buf[4096];
    for (;;) {
        ssize_t n = p->err_fd >= 0 ? read(p->err_fd, buf, sizeof(buf)) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            py_close(&p->err_fd);
        if (n <= 0)
            return;
        if ((size_t)n >= PY_TAIL) {
            memcpy(p->tail, buf + n - PY_TAIL, PY_TAIL);
            p->tail_len = PY_TAIL;
        } else {
            size_t keep = p->tail_len + (size_t)n > PY_TAIL
                              ? PY_TAIL - (size_t)n : p->tail_len;
            memmove(p->tail, p->tail + p->tail_len - keep, keep);
            memcpy(p->tail + keep, buf, (size_t)n);
            p->tail_len = keep + (size_t)n;
        }
        p->tail[p->tail_len] = '\0';
    }
}

/* The last non-empty line of the peer's stderr into out ("" if none). */
static void py_last_line(struct exec_pool *p, char *out, size_t len)
{
    char *t = p->tail;
    size_t n = p->tail_len;
    while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' ||
                     t[n - 1] == ' '))
        n--;
    size_t s = n;
    while (s > 0 && t[s - 1] != '\n')
        s--;
    snprintf(out, len, "%.*s", (int)(n - s), t + s);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}

/* Reap the interpreter if it has exited; 1 if it is gone. */
static int py_reaped(struct exec_pool *p)
{
    if (p->pid == 0)
        return 1;
    pid_t r = waitpid(p->pid, &p->status, WNOHANG);
    if (r == p->pid || (r < 0 && errno == ECHILD)) {
        /* Its pool's workers may outlive it: they share its group. */
        kill(-p->pid, SIGKILL);
        p->pid = 0;
        return 1;
    }
    return 0;
}

/* Kill the whole process group and reap the interpreter. */
static void py_kill(struct exec_pool *p)
{
    if (p->pid == 0)
        return;
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
        ;
    p->pid = 0;
    py_drain_err(p);
}

/* Why the peer is gone, into err: how it ended and its last stderr line.
 * Waits up to a second for it to end, since EOF comes first. */
static void py_why_dead(struct exec_pool *p, char *err, size_t err_len)
{
    char line[PY_TAIL + 1], how[96];
    for (int k = 0; k < 100 && !py_reaped(p); k++) {
        struct pollfd pf = { .fd = p->err_fd, .events = POLLIN };
        if (p->err_fd < 0 || poll(&pf, 1, 10) <= 0)
            usleep(10000);
        py_drain_err(p);
    }
    if (p->pid != 0)
        py_kill(p);
    py_drain_err(p);
    py_last_line(p, line, sizeof(line));
    if (WIFSIGNALED(p->status))
        snprintf(how, sizeof(how), "killed by signal %d (%s)",
                 WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
    else if (WIFEXITED(p->status))
        snprintf(how, sizeof(how), "exited with status %d",
                 WEXITSTATUS(p->status));
    else
        snprintf(how, sizeof(how), "ended");
    snprintf(err, err_len, "%s %s%s%.200s", py_interpreter(), how,
             line[0] ? ": " : "", line);
}

/* ---- I/O with a deadline ------------------------------------------------ */

/* Wait for the peer's output (or for to_fd to take bytes, with_write)
 * until deadline_ns (0: none), in steps short enough to see *stop.
 * Returns 1 when something may be done, 0 on the deadline or a stop
 * (rep, when given, says which), -1 when the interpreter is gone. */
static int py_wait(struct exec_pool *p, int with_write, int64_t deadline_ns,
                   const volatile sig_atomic_t *stop,
                   struct exec_report *rep)
{
    for (;;) {
        struct pollfd pf[3];
        nfds_t n = 0;
        if (stop != NULL && *stop) {
            if (rep != NULL)
                rep->interrupted = 1;
            return 0;
        }
        if (deadline_ns != 0 && clock_mono_ns() >= deadline_ns) {
            if (rep != NULL)
                rep->timed_out = 1;
            return 0;
        }
        if (!p->eof && !with_write)
            pf[n++] = (struct pollfd){ .fd = p->from_fd, .events = POLLIN };
        if (with_write)
            pf[n++] = (struct pollfd){ .fd = p->to_fd, .events = POLLOUT };
        if (p->err_fd >= 0)
            pf[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
        int r = poll(pf, n, (int)(exec_park_ns(deadline_ns) / 1000000));
        if (r < 0 && errno != EINTR)
            return -1;
        py_drain_err(p);
        for (nfds_t k = 0; r > 0 && k < n; k++)
            if (pf[k].fd != p->err_fd && pf[k].revents != 0)
                return 1;
        /* Pool workers hold the stdout pipe too: EOF may never come when
         * only the interpreter died; the caller sees pid 0. */
        if (r == 0 && py_reaped(p))
            return 1;
    }
}

/* Write all of buf to the peer before the deadline. SIGPIPE is blocked
 * around the writes so that a dead peer is an EPIPE, not our death.
 * Returns 1, 0 (deadline or stop) or -1 (the peer is gone). */
static int py_write(struct exec_pool *p, const char *buf, size_t len,
                    int64_t deadline_ns, struct exec_report *rep)
{
    sigset_t pipe_set, old;
    int rc = 1;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    while (len > 0) {
        if (p->pid == 0) {
            rc = -1;
            break;
        }
        ssize_t w = write(p->to_fd, buf, len);
        if (w > 0) {
            buf += w;
            len -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN) {
            rc = -1;
            break;
        }
        rc = py_wait(p, 1, deadline_ns, p->b.job.stop, rep);
        if (rc <= 0)
            break;
    }
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Read one frame: *type, and its payload at p->in + 5 for *len bytes,
 * consumed by the next call. Returns 1, 0 (deadline or stop) or -1 (the
 * peer is gone, or a frame too big: err says so). */
static int py_frame(struct exec_pool *p, size_t *consumed, int *type,
                    const unsigned char **payload, uint32_t *len,
                    int64_t deadline_ns, struct exec_report *rep,
                    char *err, size_t err_len)
{
    if (*consumed > 0) {
        memmove(p->in, p->in + *consumed, p->in_len - *consumed);
        p->in_len -= *consumed;
        *consumed = 0;
    }
    for (;;) {
        if (p->in_len >= 5) {
            uint32_t n;
            memcpy(&n, p->in + 1, 4);
            n = le32toh(n);
            if (n > PY_FRAME_MAX) {
                snprintf(err, err_len, "pypeer.py sent a frame of %u "
                         "bytes (protocol error)", n);
                return -1;
            }
            if (p->in_len >= 5 + (size_t)n) {
                *type = p->in[0];
                *payload = p->in + 5;
                *len = n;
                *consumed = 5 + (size_t)n;
                return 1;
            }
            if (p->in_cap < 5 + (size_t)n) {
                unsigned char *g = realloc(p->in, 5 + (size_t)n);
                if (g == NULL) {
                    snprintf(err, err_len, "out of memory");
                    return -1;
                }
                p->in = g;
                p->in_cap = 5 + (size_t)n;
            }
        }
        if (p->in_cap - p->in_len < 65536) {
            size_t cap = p->in_cap * 2 + 65536;
            unsigned char *g = realloc(p->in, cap);
            if (g == NULL) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            p->in = g;
            p->in_cap = cap;
        }
        ssize_t r = p->eof ? 0 : read(p->from_fd, p->in + p->in_len,
                                      p->in_cap - p->in_len);
        if (r > 0) {
            p->in_len += (size_t)r;
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EINTR))
            p->eof = 1;
        /* The interpreter's writes are all in the pipe once it is gone:
         * nothing read now means nothing more will come. */
        int w = p->eof || p->pid == 0
                    ? -1 : py_wait(p, 0, deadline_ns, p->b.job.stop, rep);
        if (w == 0)
            return 0;
        if (w < 0) {
            py_why_dead(p, err, err_len);
            return -1;
        }
    }
}

/* ---- create ------------------------------------------------------------ */

static const char *py_mode_name(enum exec_mode m)
{
    return m == EXEC_ORDERED ? "ordered" : "unordered";
}

/* The job line: what to run and the workload's peer description. */
static char *py_job_line(struct exec_pool *p, size_t *len, char *err,
                         size_t err_len)
{
    char *buf = NULL;
    const struct exec_job *job = &p->b.job;
    FILE *f = open_memstream(&buf, len);
    if (f == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    fprintf(f, "{\"executor\":\"%s\",\"kind\":\"%s\",\"workload\":\"%s\","
            "\"ntasks\":%llu,\"chunk\":%llu,\"workers\":%u,"
            "\"mode\":\"%s\",\"peer\":", p->b.ex->name, p->kind,
            job->wl->name, (unsigned long long)job->ntasks,
            (unsigned long long)p->b.cfg.chunk, p->b.cfg.workers,
            py_mode_name(p->b.cfg.mode));
    int rc = job->wl->peer(job->state, f, err, err_len);
    fputs("}\n", f);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(err, err_len, "out of memory");
        rc = -1;
    }
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void py_free(struct exec_pool *p)
{
    py_kill(p);
    py_close(&p->to_fd);
    py_close(&p->from_fd);
    py_close(&p->err_fd);
    free(p->in);
    free(p->results);
    free(p->got);
    free(p->arrived);
    free(p);
}

static int py_create(const struct executor *ex, const char *kind,
                     const struct exec_config *cfg,
                     const struct exec_job *job, struct exec_pool **pool,
                     char *err, size_t err_len)
{
    char why[512] = "";
    size_t len = 0, consumed = 0;
    char *line = NULL;
    struct exec_pool *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        snprintf(err, err_len, "%s: out of memory", ex->name);
        return -1;
    }
    p->to_fd = p->from_fd = p->err_fd = -1;
    p->kind = kind;
    if (exec_base_init(&p->b, ex, cfg, job, err, err_len) != 0) {
        free(p);
        return -1;
    }
    if (job->wl->peer == NULL) {
        snprintf(err, err_len, "%s: workload '%s' has no Python peer",
                 ex->name, job->wl->name);
        goto fail;
    }
    p->results = calloc(job->ntasks, sizeof(*p->results));
    p->got = calloc(job->ntasks, 1);
    p->arrived = calloc(p->b.nchunks, sizeof(*p->arrived));
    if (p->results == NULL || p->got == NULL || p->arrived == NULL) {
        snprintf(err, err_len, "%s: out of memory", ex->name);
        goto fail;
    }
    line = py_job_line(p, &len, why, sizeof(why));
    if (line == NULL)
        goto fail;
    if (py_spawn(NULL, &p->pid, &p->to_fd, &p->from_fd, &p->err_fd, why,
                 sizeof(why)) != 0)
        goto fail;
    double limit = cfg->timeout_s > 0 && cfg->timeout_s < PY_START_S
                       ? cfg->timeout_s : PY_START_S;
    int64_t deadline = clock_mono_ns() + (int64_t)(limit * 1e9);
    struct exec_report rep = { 0 };
    int rc = py_write(p, line, len, deadline, &rep);
    int type = 0;
    const unsigned char *pl = NULL;
    uint32_t n = 0;
    if (rc > 0)
        rc = py_frame(p, &consumed, &type, &pl, &n, deadline, &rep, why,
                      sizeof(why));
    else if (rc < 0)
        py_why_dead(p, why, sizeof(why));
    if (rc == 0) {
        snprintf(why, sizeof(why), "%s", rep.interrupted ? "interrupted"
                 : "the interpreter did not start its pool in time");
        goto fail;
    }
    if (rc < 0)
        goto fail;
    if (type == 'E') {
        snprintf(why, sizeof(why), "%.*s", (int)(n < 400 ? n : 400), pl);
        goto fail;
    }
    if (type != 'R') {
        snprintf(why, sizeof(why), "pypeer.py sent '%c' before ready "
                 "(protocol error)", type);
        goto fail;
    }
    memmove(p->in, p->in + consumed, p->in_len - consumed);
    p->in_len -= consumed;
    free(line);
    *pool = p;
    return 0;
fail:
    free(line);
    snprintf(err, err_len, "%s", why); /* the driver names ex */
    py_free(p);
    return -1;
}

/* ---- run ---------------------------------------------------------------- */

/* Whether chunk c was handed to deliver(). */
static int py_delivered(const struct exec_pool *p, uint64_t c)
{
    uint64_t first;
    if (p->b.cfg.mode == EXEC_ORDERED)
        return c < p->next;
    return p->arrived[c] == exec_base_span(&p->b, c, &first);
}

/* Task i's result arrived. Returns 0, or -1 for an index out of range
 * or seen twice (err says so). */
static int py_store(struct exec_pool *p, uint64_t i, uint64_t value,
                    int32_t code, struct exec_report *rep, char *err,
                    size_t err_len)
{
    uint64_t first;
    if (i >= p->b.job.ntasks || p->got[i]) {
        snprintf(err, err_len, "pypeer.py sent task %llu %s (protocol "
                 "error)", (unsigned long long)i,
                 i >= p->b.job.ntasks ? "out of range" : "twice");
        return -1;
    }
    p->got[i] = 1;
    struct task_result *r = &p->results[i];
    memset(r, 0, sizeof(*r));
    r->status = code == 0 ? TASK_OK : TASK_ERROR;
    r->error = code;
    r->value = code == 0 ? value : 0;
    uint64_t c = i / p->b.cfg.chunk;
    p->arrived[c]++;
    if (p->b.cfg.mode == EXEC_UNORDERED) {
        if (p->arrived[c] == exec_base_span(&p->b, c, &first))
            exec_base_deliver(&p->b, c, p->results, rep);
        return 0;
    }
    while (p->next < p->b.nchunks &&
           p->arrived[p->next] == exec_base_span(&p->b, p->next, &first))
        exec_base_deliver(&p->b, p->next++, p->results, rep);
    return 0;
}

static uint64_t py_u64(const unsigned char *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return le64toh(v);
}

static int32_t py_i32(const unsigned char *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return (int32_t)le32toh(v);
}

/* A 'V' or 'U' frame. Returns 0 or -1 (err says why). */
static int py_results(struct exec_pool *p, int type,
                      const unsigned char *pl, uint32_t len,
                      struct exec_report *rep, char *err, size_t err_len)
{
    uint64_t first = 0, n;
    const unsigned char *idx = NULL, *val, *code;
    if (type == 'V') {
        if (len < 12)
            goto bad;
        first = py_u64(pl);
        n = (uint32_t)py_i32(pl + 8);
        if ((uint64_t)len != 12 + 12 * n)
            goto bad;
        val = pl + 12;
    } else {
        if (len < 4)
            goto bad;
        n = (uint32_t)py_i32(pl);
        if ((uint64_t)len != 4 + 20 * n)
            goto bad;
        idx = pl + 4;
        val = idx + 8 * n;
    }
    code = val + 8 * n;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = idx != NULL ? py_u64(idx + 8 * k) : first + k;
        if (py_store(p, i, py_u64(val + 8 * k), py_i32(code + 4 * k), rep,
                     err, err_len) != 0)
            return -1;
    }
    return 0;
bad:
    snprintf(err, err_len, "pypeer.py sent a malformed '%c' frame of %u "
             "bytes (protocol error)", type, len);
    return -1;
}

/* Deliver every chunk not yet delivered, its missing tasks marked with
 * status (the cut status, or TASK_CANCELLED after a failure). */
static void py_deliver_rest(struct exec_pool *p, int32_t status,
                            int32_t error, struct exec_report *rep)
{
    for (uint64_t c = 0; c < p->b.nchunks; c++) {
        uint64_t first, count;
        if (py_delivered(p, c))
            continue;
        count = exec_base_span(&p->b, c, &first);
        for (uint64_t i = first; i < first + count; i++)
            if (!p->got[i])
                executor_mark(&p->results[i], 1, status, error);
        exec_base_deliver(&p->b, c, p->results, rep);
    }
    if (p->b.cfg.mode == EXEC_ORDERED)
        p->next = p->b.nchunks;
}

static int py_run(struct exec_pool *p, struct exec_report *rep)
{
    size_t consumed = 0;
    char why[512] = "";
    if (exec_base_start(&p->b, rep) != 0)
        return -1;
    int rc = py_write(p, "go\n", 3, p->b.deadline_ns, rep);
    if (rc < 0)
        py_why_dead(p, why, sizeof(why));
    while (rc > 0) {
        int type = 0;
        const unsigned char *pl = NULL;
        uint32_t n = 0;
        rc = py_frame(p, &consumed, &type, &pl, &n, p->b.deadline_ns, rep,
                      why, sizeof(why));
        if (rc <= 0)
            break;
        if (type == 'V' || type == 'U') {
            if (py_results(p, type, pl, n, rep, why, sizeof(why)) != 0)
                rc = -1;
        } else if (type == 'E') {
            snprintf(why, sizeof(why), "%.*s", (int)(n < 480 ? n : 480),
                     pl);
            rc = -1;
        } else if (type == 'D') {
            if (rep->delivered == p->b.job.ntasks)
                break;
            snprintf(why, sizeof(why), "pypeer.py said done after %llu of "
                     "%llu tasks (protocol error)",
                     (unsigned long long)rep->delivered,
                     (unsigned long long)p->b.job.ntasks);
            rc = -1;
        } else {
            snprintf(why, sizeof(why), "pypeer.py sent an unknown frame "
                     "'%c' (protocol error)", type);
            rc = -1;
        }
    }
    if (consumed > 0) {
        memmove(p->in, p->in + consumed, p->in_len - consumed);
        p->in_len -= consumed;
    }
    if (rc > 0)
        return 0;
    /* Cut or failed: nothing of this pool can be used any more. */
    int signaled = p->pid == 0 && WIFSIGNALED(p->status);
    int sig = signaled ? WTERMSIG(p->status) : 0;
    py_kill(p);
    if (rc == 0) {
        py_deliver_rest(p, exec_base_cut_status(rep), 0, rep);
        return executor_report_cut(rep, p->b.ex->name, 0, 0);
    }
    py_deliver_rest(p, signaled ? TASK_SIGNALED : TASK_CANCELLED, sig, rep);
    snprintf(rep->err, sizeof(rep->err), "%.250s", why);
    return -1;
}

/* ---- destroy ------------------------------------------------------------ */

static void py_destroy(struct exec_pool *p)
{
    if (p == NULL)
        return;
    if (p->pid != 0) {
        /* Ask for a clean exit: the pool closed and joined, so that its
         * workers' CPU time is counted in the interpreter's children and
         * then in ours. */
        double limit = p->b.cfg.timeout_s > 0 &&
                               p->b.cfg.timeout_s < PY_QUIT_S
                           ? p->b.cfg.timeout_s : PY_QUIT_S;
        int64_t deadline = clock_mono_ns() + (int64_t)(limit * 1e9);
        struct exec_report rep = { 0 };
        if (py_write(p, "quit\n", 5, deadline, &rep) > 0) {
            while (!py_reaped(p) && clock_mono_ns() < deadline) {
                struct pollfd pf = { .fd = p->err_fd, .events = POLLIN };
                if (p->err_fd < 0 || poll(&pf, 1, 5) <= 0)
                    usleep(1000);
                py_drain_err(p);
            }
        }
    }
    py_free(p);
}

/* ---- the interpreter's description ------------------------------------ */

int python_info(char *buf, size_t len)
{
    struct exec_pool p;
    char why[512] = "";
    size_t used = 0;
    memset(&p, 0, sizeof(p));
    p.to_fd = p.from_fd = p.err_fd = -1;
    if (len == 0)
        return -1;
    buf[0] = '\0';
    if (py_spawn("--info", &p.pid, &p.to_fd, &p.from_fd, &p.err_fd, why,
                 sizeof(why)) != 0) {
        snprintf(buf, len, "%s", why);
        return -1;
    }
    py_close(&p.to_fd);
    int64_t deadline = clock_mono_ns() + (int64_t)(PY_INFO_S * 1e9);
    while (!p.eof) {
        ssize_t r = read(p.from_fd, buf + used, len - 1 - used);
        if (r > 0) {
            used += (size_t)r;
            if (used == len - 1)
                break;
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EINTR) || p.pid == 0)
            break;
        if (py_wait(&p, 0, deadline, NULL, NULL) <= 0)
            break;
    }
    buf[used] = '\0';
    while (!py_reaped(&p) && clock_mono_ns() < deadline)
        usleep(1000);
    py_kill(&p);
    int ok = WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0 &&
             used > 0 && buf[0] == '{';
    if (!ok) {
        py_last_line(&p, why, sizeof(why));
        snprintf(buf, len, "%s did not describe itself%s%.200s",
                 py_interpreter(), why[0] ? ": " : "", why);
    }
    py_close(&p.from_fd);
    py_close(&p.err_fd);
    return ok ? 0 : -1;
}

/* ---- the five executors ------------------------------------------------ */

#define PY_EXECUTOR(cname, xname, xkind, xsummary, xmodels)             \
    static int py_create_##cname(const struct exec_config *cfg,            \
                                 const struct exec_job *job,               \
                                 struct exec_pool **pool, char *err,       \
                                 size_t err_len)                           \
    {                                                                      \
        return py_create(&executor_##cname, xkind, cfg, job, pool, err,    \
                         err_len);                                         \
    }                                                                      \
    const struct executor executor_##cname = {                             \
        .name = xname, .summary = xsummary, .models = xmodels,             \
        .variants = NULL, .create = py_create_##cname, .run = py_run,      \
        .destroy = py_destroy, .peer = 1,                                  \
    };

PY_EXECUTOR(py_serial, "py-serial", "serial",
            "Python: the plain loop in the interpreter (python3)",
            "[f(x) for x in xs]")
PY_EXECUTOR(py_pool, "py-pool", "pool",
            "Python: multiprocessing.Pool (processes)",
            "Pool.map / imap_unordered")
PY_EXECUTOR(py_threadpool, "py-threadpool", "threadpool",
            "Python: multiprocessing.dummy.Pool (threads, the GIL)",
            "dummy.Pool.map / imap_unordered")
PY_EXECUTOR(py_tpe, "py-tpe", "tpe",
            "Python: concurrent.futures.ThreadPoolExecutor",
            "TPE.map / submit + as_completed")
PY_EXECUTOR(py_ppe, "py-ppe", "ppe",
            "Python: concurrent.futures.ProcessPoolExecutor",
            "PPE.map / submit + as_completed")
