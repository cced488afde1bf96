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
 *
 * This file is the executors; the interpreter process, its pipes and
 * reading frames with a deadline are in python_peer.c (python_impl.h).
 */
#include <endian.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base.h"
#include "python.h"
#include "python_impl.h"

#define PY_START_S 60.0    /* longest create() waits for "ready" */
#define PY_QUIT_S 30.0     /* longest destroy() waits for a clean exit */

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
    python_kill(p);
    python_close(&p->to_fd);
    python_close(&p->from_fd);
    python_close(&p->err_fd);
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
    if (python_spawn(NULL, &p->pid, &p->to_fd, &p->from_fd, &p->err_fd,
                     why, sizeof(why)) != 0)
        goto fail;
    double limit = cfg->timeout_s > 0 && cfg->timeout_s < PY_START_S
                       ? cfg->timeout_s : PY_START_S;
    int64_t deadline = clock_mono_ns() + (int64_t)(limit * 1e9);
    struct exec_report rep = { 0 };
    int rc = python_write(p, line, len, deadline, &rep);
    int type = 0;
    const unsigned char *pl = NULL;
    uint32_t n = 0;
    if (rc > 0)
        rc = python_frame(p, &consumed, &type, &pl, &n, deadline, &rep,
                          why, sizeof(why));
    else if (rc < 0)
        python_why_dead(p, why, sizeof(why));
    if (rc == 0) {
        snprintf(why, sizeof(why), "%s", rep.interrupted ? "interrupted"
                 : "the interpreter did not start its pool in time");
        if (!rep.interrupted)
            python_note_unresponsive();
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
    int rc = python_write(p, "go\n", 3, p->b.deadline_ns, rep);
    if (rc < 0)
        python_why_dead(p, why, sizeof(why));
    while (rc > 0) {
        int type = 0;
        const unsigned char *pl = NULL;
        uint32_t n = 0;
        rc = python_frame(p, &consumed, &type, &pl, &n, p->b.deadline_ns,
                          rep, why, sizeof(why));
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
    python_kill(p);
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
        if (python_write(p, "quit\n", 5, deadline, &rep) > 0) {
            while (!python_reaped(p) && clock_mono_ns() < deadline) {
                struct pollfd pf = { .fd = p->err_fd, .events = POLLIN };
                if (p->err_fd < 0 || poll(&pf, 1, 5) <= 0)
                    usleep(1000);
                python_drain_err(p);
            }
        }
    }
    py_free(p);
}

/* ---- the five executors ------------------------------------------------ */

#define PY_EXECUTOR(cname, xname, xkind, xflags, xsummary, xmodels)     \
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
        .destroy = py_destroy, .flags = EXEC_PYTHON | (xflags),            \
    };

PY_EXECUTOR(py_serial, "py-serial", "serial", EXEC_SERIAL_LIKE,
            "Python: the plain loop in the interpreter (python3)",
            "[f(x) for x in xs]")
PY_EXECUTOR(py_pool, "py-pool", "pool", 0,
            "Python: multiprocessing.Pool (processes)",
            "Pool.map / imap_unordered")
PY_EXECUTOR(py_threadpool, "py-threadpool", "threadpool", 0,
            "Python: multiprocessing.dummy.Pool (threads, the GIL)",
            "dummy.Pool.map / imap_unordered")
PY_EXECUTOR(py_tpe, "py-tpe", "tpe", 0,
            "Python: concurrent.futures.ThreadPoolExecutor",
            "TPE.map / submit + as_completed")
PY_EXECUTOR(py_ppe, "py-ppe", "ppe", 0,
            "Python: concurrent.futures.ProcessPoolExecutor",
            "PPE.map / submit + as_completed")
