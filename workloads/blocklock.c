/* blocklock.c - tasks that block, then hold one shared lock: a workload
 * whose throughput follows Amdahl's law with a contention set by its
 * parameters, and that scales to tens of workers on two CPUs.
 *
 * Task i holds one process-shared, writer-preferring read-write lock
 * twice: shared for `block_us` (the parallel part: every worker may be
 * there at once), then exclusive for `lock_us` (the serial part). Both
 * are held by sleeping to an absolute CLOCK_MONOTONIC deadline, so a
 * blocked worker costs no CPU; with hold=spin the exclusive part reads
 * the clock instead (one CPU busy at a time, and no wake-up latency
 * added to the serial part).
 * Because waiting writers hold new readers back, the serial parts of all
 * workers run back to back and the parallel parts together: with N
 * workers, N tasks take block_us + N lock_us, which is Amdahl's law
 *     X(N) = N / (block_us + N lock_us)
 *          = lambda N / (1 + sigma (N - 1)),
 *     lambda = 1 / (block_us + lock_us), sigma = lock_us / (block_us +
 *     lock_us)
 * (docs/workloads.md derives it). A plain mutex instead would let the
 * parts overlap, and the curve would bend sharply at N = 1 / sigma.
 *
 * Each part keeps time from where the part before it was due to end
 * (when it starts less than its own length after that), not from when
 * its thread woke up: the wake-ups of a hand-over (a futex wake, a
 * sleep that ends late) are absorbed instead of adding the machine's
 * scheduling latency to every part, so the curve is the formula's.
 *
 * The exclusive part also updates a shared counter (read at its start,
 * written at its end); after_rep fails the repetition unless it ends at
 * exactly ntasks, proving mutual exclusion. Workers ask the kernel for
 * a 1 ns timer slack (restored when they finish) so that a sleep ends
 * within microseconds of its deadline instead of 50 us after it.
 * A forked worker that dies inside leaves the lock held: the others wait
 * until the run's time limit, and after_rep says so.
 * Value of task i: i.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#include "workload.h"

#define BLOCKLOCK_CATCH_UP 4 /* part lengths of lateness a part absorbs */

enum { P_BLOCK, P_LOCK, P_HOLD };
enum { HOLD_SLEEP, HOLD_SPIN };

static const struct wl_param blocklock_params[] = {
    { "block_us", WL_PARAM_INT, "2000",
      "microseconds each task blocks with the lock shared (parallel)", 0,
      10000000, NULL },
    { "lock_us", WL_PARAM_INT, "100",
      "microseconds each task holds the lock alone (serial)", 0, 10000000,
      NULL },
    { "hold", WL_PARAM_CHOICE, "sleep",
      "hold the lock alone asleep, or spinning on the clock", 0, 0,
      "sleep|spin" },
    { 0 },
};

/* The MAP_SHARED page every worker uses. The counters are plain: the
 * exclusive lock orders every access to them, and the parent reads them
 * only after the workers are joined or reaped. */
struct blocklock_shared {
    pthread_rwlock_t rw;
    uint64_t counter;
    uint64_t ran;
    uint64_t excl_due_ns;         /* when the last exclusive part was due
                                     to end; guarded by the lock */
    _Atomic uint64_t shared_due_ns; /* the latest due end of a shared
                                       part: readers race on it, so an
                                       atomic maximum */
};

struct blocklock_state {
    struct blocklock_shared *sh;
    int64_t block_us, lock_us;
    int hold;
    int rw_ready;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void blocklock_release(void *state)
{
    struct blocklock_state *st = state;
    if (st == NULL)
        return;
    if (st->rw_ready)
        pthread_rwlock_destroy(&st->sh->rw);
    if (st->sh != NULL)
        munmap(st->sh, sizeof(*st->sh));
    free(st);
}

static int blocklock_prepare(struct wl_setup *s)
{
    pthread_rwlockattr_t attr;
    struct blocklock_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    st->block_us = s->args[P_BLOCK].i;
    st->lock_us = s->args[P_LOCK].i;
    st->hold = (int)s->args[P_HOLD].c.index;
    void *p = mmap(NULL, sizeof(*st->sh), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        snprintf(s->err, s->err_len, "mmap: %s", strerror(errno));
        blocklock_release(st);
        return -1;
    }
    st->sh = p;
    int rc = pthread_rwlockattr_init(&attr);
    if (rc == 0) {
        rc = pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        /* Writer preference makes the serial parts run back to back
         * (see the top of the file). */
        if (rc == 0)
            rc = pthread_rwlockattr_setkind_np(
                &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        if (rc == 0)
            rc = pthread_rwlock_init(&st->sh->rw, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    if (rc != 0) {
        snprintf(s->err, s->err_len, "process-shared rwlock: %s",
                 strerror(rc));
        blocklock_release(st);
        return -1;
    }
    st->rw_ready = 1;
    s->state = st;
    s->ntasks_out = s->ntasks;
    return 0;
}

/* Whether the lock is free: taken and dropped at once. Only called while
 * no worker runs. */
static int lock_free(struct blocklock_shared *sh)
{
    if (pthread_rwlock_trywrlock(&sh->rw) != 0)
        return 0;
    pthread_rwlock_unlock(&sh->rw);
    return 1;
}

static int blocklock_before_rep(void *state, char *err, size_t err_len)
{
    struct blocklock_state *st = state;
    /* No worker runs between repetitions: plain stores are enough. */
    st->sh->counter = 0;
    st->sh->ran = 0;
    st->sh->excl_due_ns = 0;
    atomic_store_explicit(&st->sh->shared_due_ns, 0, memory_order_relaxed);
    if (!lock_free(st->sh)) {
        snprintf(err, err_len, "the shared lock is held by a worker that "
                 "is still running");
        return -1;
    }
    return 0;
}

/* A worker's timer slack as it was, kept in its wstate (+1 so that a
 * slack of 0 is not NULL). */
static int blocklock_worker_init(void *state, unsigned id, void **wstate)
{
    (void)state;
    (void)id;
    int prev = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    *wstate = NULL;
    if (prev >= 0 && prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0)
        *wstate = (void *)((uintptr_t)prev + 1);
    return 0;
}

static void blocklock_worker_fini(void *state, void *wstate)
{
    (void)state;
    if (wstate != NULL)
        prctl(PR_SET_TIMERSLACK, (unsigned long)((uintptr_t)wstate - 1), 0,
              0, 0);
}

/* Wait until end (CLOCK_MONOTONIC ns), asleep (or spinning when spin is
 * set). Returns 0 or an errno. */
static int hold_until(int spin, uint64_t end)
{
    if (spin) {
        while (now_ns() < end)
            ;
        return 0;
    }
    struct timespec deadline = {
        .tv_sec = (time_t)(end / 1000000000ULL),
        .tv_nsec = (long)(end % 1000000000ULL),
    };
    int rc;
    do
        rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
                             NULL);
    while (rc == EINTR);
    return rc;
}

/* Where a part taken at t starts: at prev, where the part before it was
 * due to end, when that was less than BLOCKLOCK_CATCH_UP lengths ago (the
 * wake-ups since then are absorbed, and a late part makes up for a
 * scheduling hiccup by ending sooner), else at t. */
static uint64_t part_start(uint64_t prev, uint64_t t, uint64_t len)
{
    return prev > 0 && prev <= t && t - prev < BLOCKLOCK_CATCH_UP * len
               ? prev : t;
}

static void blocklock_run(void *state, void *wstate, uint64_t i,
                          struct task_result *out)
{
    (void)wstate;
    const struct blocklock_state *st = state;
    struct blocklock_shared *sh = st->sh;
    uint64_t t0 = now_ns();
    out->value = i;
    uint64_t block_ns = (uint64_t)st->block_us * 1000;
    uint64_t lock_ns = (uint64_t)st->lock_us * 1000;
    pthread_rwlock_rdlock(&sh->rw);
    uint64_t t1 = now_ns(), waited = t1 - t0;
    /* Read under the shared lock: no writer changes it meanwhile. */
    uint64_t due = part_start(sh->excl_due_ns, t1, block_ns) + block_ns;
    uint64_t seen = atomic_load_explicit(&sh->shared_due_ns,
                                         memory_order_relaxed);
    /* Relaxed is enough: the rwlock orders it against the writers that
     * read it, and readers only need the maximum to win. */
    while (seen < due &&
           !atomic_compare_exchange_weak_explicit(&sh->shared_due_ns, &seen,
                                                  due, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
    int rc = hold_until(0, due);
    pthread_rwlock_unlock(&sh->rw);
    t0 = now_ns();
    pthread_rwlock_wrlock(&sh->rw);
    t1 = now_ns();
    waited += t1 - t0;
    uint64_t prev = atomic_load_explicit(&sh->shared_due_ns,
                                         memory_order_relaxed);
    if (sh->excl_due_ns > prev)
        prev = sh->excl_due_ns;
    uint64_t c = sh->counter;
    sh->excl_due_ns = part_start(prev, t1, lock_ns) + lock_ns;
    int rc2 = hold_until(st->hold == HOLD_SPIN, sh->excl_due_ns);
    sh->counter = c + 1;
    sh->ran++;
    pthread_rwlock_unlock(&sh->rw);
    out->wait_ns = waited;
    if (rc != 0 || rc2 != 0) {
        out->status = TASK_ERROR;
        out->error = rc != 0 ? rc : rc2;
    }
}

static int blocklock_after_rep(void *state, uint64_t ntasks, char *err,
                               size_t err_len)
{
    const struct blocklock_state *st = state;
    struct blocklock_shared *sh = st->sh;
    if (!lock_free(sh)) {
        snprintf(err, err_len, "the lock is still held after the "
                 "repetition (a worker died or is stuck inside it)");
        return -1;
    }
    if (sh->counter != sh->ran) {
        snprintf(err, err_len, "shared counter is %" PRIu64 ", expected %"
                 PRIu64 ": the lock did not exclude", sh->counter, sh->ran);
        return -1;
    }
    if (sh->ran != ntasks) {
        snprintf(err, err_len, "only %" PRIu64 " of %" PRIu64 " tasks "
                 "updated the shared counter", sh->ran, ntasks);
        return -1;
    }
    return 0;
}

const struct workload wl_blocklock = {
    .abi = WORKLOAD_ABI,
    .name = "blocklock",
    .summary = "block, then hold one shared lock: Amdahl's law with "
               "contention lock_us / (block_us + lock_us); only with -w",
    .value_doc = "i; and the shared counter must end exactly ntasks",
    .params = blocklock_params,
    .default_tasks = 128,
    .prepare = blocklock_prepare,
    .before_rep = blocklock_before_rep,
    .worker_init = blocklock_worker_init,
    .run_task = blocklock_run,
    .worker_fini = blocklock_worker_fini,
    .after_rep = blocklock_after_rep,
    .release = blocklock_release,
};
