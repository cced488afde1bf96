/* procs_pipe.c - the procs transport over pipes, the way Python does it.
 *
 * The parent writes (first, count) to a worker's command pipe and reads
 * the fixed-size results back from its result pipe, PRC_DEPTH chunks
 * outstanding per worker so that it is not idle during the round trip.
 * Results land in the core's results array; the chunk flags only say
 * what the parent has received (1) and delivered (2), for ordered
 * delivery and after deaths. Only the start-up handshake and the task
 * counts go through shared memory.
 *
 * Syscalls, not bytes, are the cost at small chunks, so they are
 * batched where no result waits for it: the parent reads every whole
 * result message a worker has ready with one readv (FIONREAD says how
 * many) and sends a worker's commands with one write; a worker reads
 * the commands it has with one read. Each result is still written as
 * soon as its chunk is done. Messages up to PIPE_BUF bytes are written
 * whole (POSIX), so what FIONREAD counts is whole messages.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "fs.h"
#include "procs.h"

/* A pipe message: a command, or a header followed by count task results.
 * As large as one result, so a worker sends header and results at once. */
struct pipe_msg {
    uint64_t first;
    uint64_t count;
    uint64_t pad[2];
};
_Static_assert(sizeof(struct pipe_msg) == sizeof(struct task_result),
               "a pipe header takes one result's room");

static int pipe_full_read(int fd, void *buf, size_t len)
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

/* Read one result message for chunk c from fd: its header and its
 * results straight into place, in one readv() when the pipe has it all.
 * Returns 0, or -1 on EOF, error or a header that is not c's. */
static int pipe_read_result(struct exec_pool *p, int fd, uint64_t c)
{
    uint64_t first, count = exec_base_span(&p->b, c, &first);
    struct pipe_msg m;
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

/* Read the result messages of worker w's m oldest chunks, which the
 * pipe holds whole (FIONREAD said so), with one readv (more if a signal
 * cuts it short): headers and results straight into place. Returns 0,
 * or -1 on EOF, an error or a header that is not its chunk's. */
static int pipe_read_results(struct exec_pool *p, struct prc_worker *w,
                             unsigned m)
{
    struct pipe_msg hdr[PRC_DEPTH];
    struct iovec iov[2 * PRC_DEPTH];
    uint64_t first[PRC_DEPTH], count[PRC_DEPTH];
    size_t want = 0;
    for (unsigned k = 0; k < m; k++) {
        count[k] = exec_base_span(&p->b, w->out[k], &first[k]);
        iov[2 * k] = (struct iovec){ &hdr[k], sizeof(hdr[k]) };
        iov[2 * k + 1] = (struct iovec){
            p->results + first[k], count[k] * sizeof(struct task_result) };
        want += sizeof(hdr[k]) + count[k] * sizeof(struct task_result);
    }
    unsigned k = 0, niov = 2 * m;
    while (want > 0) {
        ssize_t r = readv(w->res_fd, iov + k, (int)(niov - k));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        size_t got = (size_t)r;
        want -= got;
        while (k < niov && got >= iov[k].iov_len)
            got -= iov[k++].iov_len;
        if (k < niov) {
            iov[k].iov_base = (char *)iov[k].iov_base + got;
            iov[k].iov_len -= got;
        }
    }
    for (k = 0; k < m; k++)
        if (hdr[k].first != first[k] || hdr[k].count != count[k])
            return -1;
    return 0;
}

/* How many of worker w's oldest chunks have their whole result message
 * in its pipe: at least 1 (the caller saw it readable; the rest of a
 * message may still be on its way and is then waited for). */
static unsigned pipe_ready(struct exec_pool *p, struct prc_worker *w)
{
    int avail = 0;
    unsigned m = 0;
    size_t need = 0;
    if (ioctl(w->res_fd, FIONREAD, &avail) != 0)
        avail = 0;
    while (m < w->nout) {
        uint64_t first, count = exec_base_span(&p->b, w->out[m], &first);
        need += (count + 1) * sizeof(struct task_result);
        if (need > (size_t)avail || need > PIPE_BUF)
            break;
        m++;
    }
    return m > 0 ? m : 1;
}

/* ---- the worker (child) side ---- */

static void pipe_child(struct exec_pool *p, unsigned id, void *ws)
{
    struct prc_worker *w = &p->w[id];
    /* wbuf: a header then one chunk of results, sent with one write */
    struct pipe_msg *m = (struct pipe_msg *)p->wbuf;
    struct task_result *res = p->wbuf + 1;
    struct pipe_msg cmds[PRC_DEPTH];
    for (;;) {
        /* Every command the pipe has, up to PRC_DEPTH, in one read: the
         * parent writes them whole, so a read returns whole ones; a
         * torn one (never seen) is completed below. */
        ssize_t r;
        do
            r = read(w->cmd_fd, cmds, sizeof(cmds));
        while (r < 0 && errno == EINTR);
        if (r <= 0)
            return;
        size_t n = (size_t)r / sizeof(cmds[0]), torn = (size_t)r % sizeof(
                                                    cmds[0]);
        if (torn != 0) {
            if (pipe_full_read(w->cmd_fd, (char *)&cmds[n] + torn,
                               sizeof(cmds[0]) - torn) != 0)
                return;
            n++;
        }
        for (size_t j = 0; j < n; j++) {
            struct pipe_msg cmd = cmds[j];
            if (cmd.count == 0)
                return;
            for (uint64_t k = 0; k < cmd.count; k++)
                executor_run_one(&p->b.job, ws, cmd.first + k, &res[k]);
            procs_count(p, id, cmd.count);
            *m = cmd;
            if (fs_write_all(w->res_fd, p->wbuf,
                             (cmd.count + 1) * sizeof(*res)) != 0)
                return;
        }
    }
}

/* ---- the parent side ---- */

static int pipe_setup(struct exec_pool *p)
{
    uint64_t c = p->b.cfg.chunk < p->b.job.ntasks ? p->b.cfg.chunk
                                                  : p->b.job.ntasks;
    p->wbuf = calloc(c + 1, sizeof(*p->wbuf));
    p->retry = calloc((size_t)p->nworkers * PRC_DEPTH, sizeof(*p->retry));
    return p->wbuf == NULL || p->retry == NULL ? -1 : 0;
}

static void pipe_release(struct exec_pool *p)
{
    free(p->wbuf);
    free(p->retry);
}

/* Take out[0] of worker w off its queue. */
static void pipe_pop(struct prc_worker *w)
{
    memmove(w->out, w->out + 1, --w->nout * sizeof(w->out[0]));
}

static void pipe_lost(struct exec_pool *p, unsigned id, int32_t status,
                      int32_t error, int init_failed)
{
    struct prc_worker *w = &p->w[id];
    /* Take the results it did send; its write ends are all closed now,
     * so these reads end in EOF rather than block. */
    while (w->nout > 0) {
        uint64_t c = w->out[0];
        if (pipe_read_result(p, w->res_fd, c) != 0)
            break;
        atomic_store_explicit(&p->flags[c], 1, memory_order_relaxed);
        pipe_pop(w);
    }
    if (w->nout > 0 && !init_failed)
        procs_fail_chunk(p, w->out[0], status, error);
    for (unsigned k = init_failed ? 0 : 1; k < w->nout; k++)
        p->retry[p->nretry++] = w->out[k]; /* never started */
    w->nout = 0;
}

/* Send worker id its next chunks, up to PRC_DEPTH, if any are left. */
static void pipe_send(struct exec_pool *p, unsigned id, uint64_t *next)
{
    struct prc_worker *w = &p->w[id];
    struct pipe_msg m[PRC_DEPTH];
    uint64_t c[PRC_DEPTH];
    unsigned n = 0;
    while (w->pid > 0 && w->nout + n < PRC_DEPTH &&
           (p->nretry > 0 || *next < p->b.nchunks)) {
        c[n] = p->nretry > 0 ? p->retry[--p->nretry] : (*next)++;
        m[n] = (struct pipe_msg){ 0, 0, { 0, 0 } };
        m[n].count = exec_base_span(&p->b, c[n], &m[n].first);
        n++;
    }
    if (n == 0)
        return;
    /* One write (whole: under PIPE_BUF) for all of them. */
    if (fs_write_all(w->cmd_fd, m, n * sizeof(m[0])) != 0) {
        /* it died; its death fd will say so. Keep the chunks. */
        while (n > 0)
            p->retry[p->nretry++] = c[--n];
        return;
    }
    for (unsigned k = 0; k < n; k++)
        w->out[w->nout++] = c[k];
}

/* Unordered: deliver every chunk below `below` that is received (or
 * failed) and not yet delivered. Returns how many. */
static uint64_t pipe_deliver_flagged(struct exec_pool *p, uint64_t below,
                                     struct exec_report *rep)
{
    uint64_t got = 0;
    for (uint64_t c = 0; c < p->b.nchunks && c < below; c++)
        if (atomic_load_explicit(&p->flags[c], memory_order_relaxed) ==
            1) {
            atomic_store_explicit(&p->flags[c], 2, memory_order_relaxed);
            exec_base_deliver(&p->b, c, p->results, rep);
            got++;
        }
    return got;
}

/* Read the results worker k has ready: every whole message in its pipe
 * with one readv, or else the oldest one as it arrives. Returns the
 * chunks delivered, or -1 if the read failed: the worker is dying. */
static int pipe_receive(struct exec_pool *p, unsigned k, uint64_t *next,
                        struct exec_report *rep)
{
    struct prc_worker *w = &p->w[k];
    unsigned m = pipe_ready(p, w);
    if (m > 1 ? pipe_read_results(p, w, m) != 0
              : pipe_read_result(p, w->res_fd, w->out[0]) != 0)
        return -1;
    int got = 0;
    for (unsigned j = 0; j < m; j++) {
        uint64_t c = w->out[0];
        pipe_pop(w);
        if (p->b.cfg.mode == EXEC_UNORDERED) {
            atomic_store_explicit(&p->flags[c], 2, memory_order_relaxed);
            exec_base_deliver(&p->b, c, p->results, rep);
            got++;
        } else {
            atomic_store_explicit(&p->flags[c], 1, memory_order_relaxed);
        }
    }
    pipe_send(p, k, next);
    return got;
}

/* Worker k died: reap and replace it, resend what it had not started.
 * Returns the chunks delivered. */
static uint64_t pipe_death(struct exec_pool *p, unsigned k, uint64_t *next,
                           struct exec_report *rep)
{
    uint64_t got = 0;
    procs_death(p, k, rep);
    if (procs_live(p) == 0 && !p->orphaned) {
        procs_orphan(p);
        p->nretry = 0;
        *next = p->b.nchunks;
    }
    /* its failed and drained chunks are flagged 1 */
    if (p->b.cfg.mode == EXEC_UNORDERED)
        got = pipe_deliver_flagged(p, *next, rep);
    for (unsigned j = 0; j < p->nworkers; j++)
        pipe_send(p, j, next);
    return got;
}

/* Handle what ppoll() saw of worker k (pfd[0] its result pipe, pfd[1]
 * its death fd). Returns the chunks delivered. */
static uint64_t pipe_events(struct exec_pool *p, unsigned k,
                            const struct pollfd *pfd, uint64_t *next,
                            struct exec_report *rep)
{
    struct prc_worker *w = &p->w[k];
    uint64_t got = 0;
    short rres = pfd[0].revents, rpid = pfd[1].revents;
    if ((rpid & POLLIN) && p->sigchld && !procs_exited(p, k))
        rpid = 0; /* another child's SIGCHLD */
    if ((rres & POLLIN) && w->nout > 0) {
        int r = pipe_receive(p, k, next, rep);
        if (r > 0) {
            got += (uint64_t)r;
        } else if (r < 0 && !(rpid & POLLIN)) {
            /* a short read: the worker is dying */
            kill(w->pid, SIGKILL);
            rpid = POLLIN;
        }
    }
    /* Its result pipe at EOF: it exited, whether or not its SIGCHLD came
     * yet (with pidfd: whether or not it fired). */
    if (!(rpid & POLLIN) && (rres & (POLLHUP | POLLERR)) &&
        !(rres & POLLIN) && w->pid > 0 && procs_exited(p, k))
        rpid = POLLIN;
    /* Go on even after a result: with SIGCHLD the byte that announced
     * this death is drained already. */
    if (rpid & POLLIN)
        got += pipe_death(p, k, next, rep);
    return got;
}

/* Wait for results or deaths (or the park timeout) and handle them;
 * now_ns: the clock as pipe_run last read it (0 without a deadline).
 * Returns the chunks delivered. */
static uint64_t pipe_poll(struct exec_pool *p, uint64_t *next,
                          struct exec_report *rep, int64_t now_ns)
{
    unsigned n = p->nworkers, np = 0;
    uint64_t got = 0;
    for (unsigned k = 0; k < n; k++) {
        if (p->w[k].pid <= 0)
            continue;
        p->pfd[np++] = (struct pollfd){ .fd = p->w[k].res_fd,
                                        .events = POLLIN };
        p->pfd[np++] = (struct pollfd){ .fd = procs_death_fd(p, k),
                                        .events = POLLIN };
    }
    struct timespec ts = procs_ts(exec_park_ns_at(p->b.deadline_ns,
                                                  now_ns));
    if (ppoll(p->pfd, np, &ts, NULL) <= 0)
        return 0;
    procs_chld_drain(p);
    np = 0;
    for (unsigned k = 0; k < n; k++) {
        if (p->w[k].pid <= 0)
            continue;
        got += pipe_events(p, k, p->pfd + np, next, rep);
        np += 2;
    }
    return got;
}

static void pipe_run(struct exec_pool *p, struct exec_report *rep)
{
    uint64_t head = 0, next = 0, done = 0;
    sigset_t pipe_set, old;

    /* A write to a dead worker's pipe must fail with EPIPE, not kill us:
     * SIGPIPE is directed at this thread, so blocking it here is enough. */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    for (unsigned k = 0; k < p->nworkers; k++)
        pipe_send(p, k, &next);
    while (done < p->b.nchunks) {
        if (p->b.cfg.mode == EXEC_ORDERED) {
            done += procs_collect_ordered(p, &head, rep);
            if (done == p->b.nchunks)
                break;
        }
        /* One clock read per turn, for the cut and the park. */
        int64_t now = p->b.deadline_ns != 0 ? clock_mono_ns() : 0;
        if (exec_base_cut_at(&p->b, rep, now)) {
            procs_cut(p, rep);
            p->nretry = 0;
            for (unsigned k = 0; k < p->nworkers; k++)
                p->w[k].nout = 0;
            next = p->b.nchunks;
            /* deliver all not yet delivered: they are flagged and were
             * never handed to deliver() */
            if (p->b.cfg.mode == EXEC_UNORDERED)
                done += pipe_deliver_flagged(p, p->b.nchunks, rep);
            continue;
        }
        done += pipe_poll(p, &next, rep, now);
    }
    /* Discard a SIGPIPE we caused, then restore the mask. */
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

const struct procs_transport procs_pipe = {
    .name = "pipe",
    .pipes = 1,
    .setup = pipe_setup,
    .child = pipe_child,
    .run = pipe_run,
    .lost = pipe_lost,
    .release = pipe_release,
};
