/* latency.c - tasks that only wait, as the seed's crawler: threads win
 * big although nothing is computed, because a blocked worker costs no CPU.
 *
 * Task i blocks for `us` microseconds, either in clock_nanosleep
 * (how=sleep) or in ppoll() on one end of a local socket pair that never
 * gets data (how=socket), the way a client waits for a slow reply. Both
 * wait for an absolute CLOCK_MONOTONIC deadline, so signals do not
 * shorten or stretch the wait.
 * Value of task i: i.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

enum { P_US, P_HOW };
enum { HOW_SLEEP, HOW_SOCKET };

static const struct wl_param latency_params[] = {
    { "us", WL_PARAM_INT, "1000", "microseconds each task blocks", 0,
      10000000, NULL },
    { "how", WL_PARAM_CHOICE, "sleep",
      "block in nanosleep, or in poll() on a socket pair", 0, 0,
      "sleep|socket" },
    { 0 },
};

struct latency_state {
    int64_t us;
    int how;
    int fds[2]; /* socket pair for how=socket; nobody ever writes */
};

static void latency_release(void *state)
{
    struct latency_state *st = state;
    if (st == NULL)
        return;
    if (st->fds[0] >= 0)
        close(st->fds[0]);
    if (st->fds[1] >= 0)
        close(st->fds[1]);
    free(st);
}

static int latency_prepare(struct wl_setup *s)
{
    struct latency_state *st = malloc(sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    st->us = s->args[P_US].i;
    st->how = (int)s->args[P_HOW].c.index;
    st->fds[0] = st->fds[1] = -1;
    if (st->how == HOW_SOCKET &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st->fds) != 0) {
        snprintf(s->err, s->err_len, "socketpair: %s", strerror(errno));
        latency_release(st);
        return -1;
    }
    s->state = st;
    s->ntasks_out = s->ntasks;
    return 0;
}

static void ts_add_us(struct timespec *ts, int64_t us)
{
    ts->tv_sec += (time_t)(us / 1000000);
    ts->tv_nsec += (long)(us % 1000000) * 1000;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* deadline - now, or zero if it has passed. */
static struct timespec ts_left(const struct timespec *deadline)
{
    struct timespec now, left = { 0, 0 };
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000000000LL +
                 (deadline->tv_nsec - now.tv_nsec);
    if (ns > 0) {
        left.tv_sec = (time_t)(ns / 1000000000LL);
        left.tv_nsec = (long)(ns % 1000000000LL);
    }
    return left;
}

static void latency_run(void *state, void *wstate, uint64_t i,
                        struct task_result *out)
{
    (void)wstate;
    const struct latency_state *st = state;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    ts_add_us(&deadline, st->us);
    out->value = i;
    if (st->how == HOW_SLEEP) {
        int rc;
        do
            rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
                                 NULL);
        while (rc == EINTR);
        if (rc != 0) {
            out->status = TASK_ERROR;
            out->error = rc;
        }
        return;
    }
    for (;;) {
        struct timespec left = ts_left(&deadline);
        struct pollfd pfd = { .fd = st->fds[0], .events = POLLIN };
        int n = ppoll(&pfd, 1, &left, NULL);
        if (n == 0 && left.tv_sec == 0 && left.tv_nsec == 0)
            return;
        if (n == 0 || (n < 0 && errno == EINTR))
            continue; /* woke early: wait for the rest */
        out->status = TASK_ERROR;
        out->error = n < 0 ? errno : EPROTO; /* the socket never has data */
        return;
    }
}

/* Python peer: time.sleep(us / 1e6). how=socket has no peer: a Python
 * task cannot wait on this process's socket pair. */
static int latency_peer(void *state, FILE *out, char *err, size_t err_len)
{
    const struct latency_state *st = state;
    if (st->how != HOW_SLEEP) {
        snprintf(err, err_len, "latency: how=socket has no Python peer "
                 "(Python tasks sleep); use how=sleep");
        return -1;
    }
    fprintf(out, "{\"us\":%lld}", (long long)st->us);
    return 0;
}

const struct workload wl_latency = {
    .abi = WORKLOAD_ABI,
    .name = "latency",
    .summary = "tasks that only block (sleep or socket wait), as the "
               "seed's crawler",
    .value_doc = "i",
    .params = latency_params,
    .default_tasks = 500,
    .prepare = latency_prepare,
    .run_task = latency_run,
    .release = latency_release,
    .peer = latency_peer,
};
