/* python_peer.c - the Python interpreter behind the py-* executors
 * (python.c): spawning it in its own process group, its three pipes,
 * the tail of its stderr, why it died, writing to it and reading its
 * frames with a deadline; and python_info, the interpreter describing
 * itself. The protocol is described in python.c.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "paths.h"
#include "python.h"
#include "python_impl.h"

#define PY_INFO_S 10.0     /* longest python_info() waits */
#define PY_FRAME_MAX (256u << 20)

/* ---- the interpreter ---------------------------------------------------- */

/* --python INTERP, when given: it wins over POOLBENCH_PYTHON. */
static const char *py_chosen;

int python_set_interpreter(const char *interp, char *err, size_t err_len)
{
    const char *was = py_chosen;
    if (interp == NULL || interp[0] == '\0') {
        snprintf(err, err_len, "--python: empty; expected an interpreter "
                 "such as python3 or /usr/bin/python3.13t");
        return -1;
    }
    py_chosen = interp;
    if (python_check_interpreter(err, err_len) != 0) {
        py_chosen = was;
        snprintf(err, err_len, "--python %s: no such executable (give a "
                 "path, or a name found in PATH such as python3)", interp);
        return -1;
    }
    return 0;
}

static const char *py_interpreter(void)
{
    const char *env = getenv("POOLBENCH_PYTHON");
    if (py_chosen != NULL)
        return py_chosen;
    return env != NULL && env[0] != '\0' ? env : "python3";
}

void python_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child: become the peer. Does not return. */
static void py_exec(int in_fd, int out_fd, int err_fd, const char *script,
                    const char *arg, pid_t parent)
{
    sigset_t none;
    const char *py = py_interpreter();
    setpgid(0, 0);
    /* Die with poolbench: a peer must never outlive its driver (and its
     * pool's workers follow the peer: see _follow in pypeer.py). A
     * driver already gone before prctl took effect is seen here. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
    /* -I: isolated, so that nothing from the environment runs or
     * shadows the standard library (no PYTHON* variables, no user site,
     * neither the script's folder nor the working folder on sys.path: a
     * sitecustomize.py or hashlib.py there is never imported). -B: no
     * __pycache__ beside the script (a source tree, or a read-only data
     * folder). */
    execlp(py, py, "-I", "-B", "-u", script, arg, (char *)NULL);
    dprintf(2, "cannot run %s: %s (install python3, or name another "
            "interpreter with --python)\n", py, strerror(errno));
    _exit(127);
}

/* The path of scripts/pypeer.py into buf. Returns 0, or -1 when it does
 * not fit. */
static int python_script_path(char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/pypeer.py", paths_scripts_dir());
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Start the interpreter on pypeer.py with pipes for stdin, stdout and
 * stderr; *pid, *to, *from, *errp get the parent's ends. */
int python_spawn(const char *arg, pid_t *pid, int *to, int *from,
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
    pid_t parent = getpid();
    *pid = fork();
    if (*pid < 0) {
        snprintf(err, err_len, "fork: %s", strerror(errno));
        goto fail;
    }
    if (*pid == 0)
        py_exec(in[0], out[1], er[1], script, arg, parent);
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
        python_close(&in[k]);
        python_close(&out[k]);
        python_close(&er[k]);
    }
    return -1;
}

/* Keep the last PY_TAIL bytes the peer wrote on stderr. */
void python_drain_err(struct exec_pool *p)
{
    char buf[4096];
    for (;;) {
        ssize_t n = p->err_fd >= 0 ? read(p->err_fd, buf, sizeof(buf)) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            python_close(&p->err_fd);
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
int python_reaped(struct exec_pool *p)
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
void python_kill(struct exec_pool *p)
{
    if (p->pid == 0)
        return;
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
        ;
    p->pid = 0;
    python_drain_err(p);
}

/* Why the peer is gone, into err: how it ended and its last stderr line.
 * Waits up to a second for it to end, since EOF comes first. */
void python_why_dead(struct exec_pool *p, char *err, size_t err_len)
{
    char line[PY_TAIL + 1], how[96];
    for (int k = 0; k < 100 && !python_reaped(p); k++) {
        struct pollfd pf = { .fd = p->err_fd, .events = POLLIN };
        if (p->err_fd < 0 || poll(&pf, 1, 10) <= 0)
            usleep(10000);
        python_drain_err(p);
    }
    if (p->pid != 0)
        python_kill(p);
    python_drain_err(p);
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
        python_drain_err(p);
        for (nfds_t k = 0; r > 0 && k < n; k++)
            if (pf[k].fd != p->err_fd && pf[k].revents != 0)
                return 1;
        /* Pool workers hold the stdout pipe too: EOF may never come when
         * only the interpreter died; the caller sees pid 0. */
        if (r == 0 && python_reaped(p))
            return 1;
    }
}

/* Write all of buf to the peer before the deadline. SIGPIPE is blocked
 * around the writes so that a dead peer is an EPIPE, not our death.
 * Returns 1, 0 (deadline or stop) or -1 (the peer is gone). */
int python_write(struct exec_pool *p, const char *buf, size_t len,
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
int python_frame(struct exec_pool *p, size_t *consumed, int *type,
                 const unsigned char **payload, uint32_t *len,
                 int64_t deadline_ns, struct exec_report *rep, char *err,
                 size_t err_len)
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
            python_why_dead(p, err, err_len);
            return -1;
        }
    }
}

/* ---- the interpreter's description ------------------------------------ */

static atomic_int unresponsive; /* see python_note_unresponsive */

void python_note_unresponsive(void)
{
    atomic_store(&unresponsive, 1);
}

int python_info(char *buf, size_t len)
{
    return python_info_within(buf, len, 0);
}

/* Whether path names an executable regular file. */
static int is_program(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

int python_check_interpreter(char *err, size_t err_len)
{
    const char *py = py_interpreter();
    const char *from = getenv("POOLBENCH_PYTHON") != NULL &&
                       getenv("POOLBENCH_PYTHON")[0] != '\0'
                           ? "POOLBENCH_PYTHON" : "PATH";
    if (strchr(py, '/') != NULL) {
        if (is_program(py))
            return 0;
    } else {
        /* As execlp searches: each PATH entry ("" is the current
         * folder). */
        const char *path = getenv("PATH");
        char full[4200];
        for (const char *p = path != NULL ? path : "/usr/bin:/bin";;) {
            size_t n = strcspn(p, ":");
            snprintf(full, sizeof(full), "%.*s%s%s", (int)n, p,
                     n > 0 ? "/" : "", py);
            if (is_program(full))
                return 0;
            if (p[n] == '\0')
                break;
            p += n + 1;
        }
    }
    snprintf(err, err_len, "the py-* executors need a Python 3 "
             "interpreter: %.200s %s (install python3 or set "
             "POOLBENCH_PYTHON to one)", py,
             strcmp(from, "PATH") == 0 && strchr(py, '/') == NULL
                 ? "is not on PATH" : "is not an executable file");
    return -1;
}

int python_info_within(char *buf, size_t len, double limit_s)
{
    struct exec_pool p;
    char why[512] = "";
    size_t used = 0;
    memset(&p, 0, sizeof(p));
    p.to_fd = p.from_fd = p.err_fd = -1;
    if (len == 0)
        return -1;
    buf[0] = '\0';
    if (atomic_load(&unresponsive)) {
        snprintf(buf, len, "%s did not answer within a repetition's time "
                 "limit; not asked to describe itself", py_interpreter());
        return -1;
    }
    if (python_spawn("--info", &p.pid, &p.to_fd, &p.from_fd, &p.err_fd,
                     why, sizeof(why)) != 0) {
        snprintf(buf, len, "%s", why);
        return -1;
    }
    python_close(&p.to_fd);
    double wait_s = limit_s > 0 && limit_s < PY_INFO_S ? limit_s
                                                       : PY_INFO_S;
    int64_t deadline = clock_mono_ns() + (int64_t)(wait_s * 1e9);
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
    while (!python_reaped(&p) && clock_mono_ns() < deadline)
        usleep(1000);
    python_kill(&p);
    int ok = WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0 &&
             used > 0 && buf[0] == '{';
    if (!ok) {
        py_last_line(&p, why, sizeof(why));
        snprintf(buf, len, "%s did not describe itself within %g s%s%.200s",
                 py_interpreter(), wait_s, why[0] ? ": " : "", why);
    }
    python_close(&p.from_fd);
    python_close(&p.err_fd);
    return ok ? 0 : -1;
}
