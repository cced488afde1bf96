/* contended.c - arithmetic partly under one shared lock, as the seed's
 * multiprocessing.Lock example: with everything under the lock, parallel
 * workers come out no faster than the plain loop.
 *
 * Task i does `work` units of a dependent mixing loop; round(work *
 * critical) of them run while holding one lock that also guards a shared
 * counter (read at the start of the critical section, written at its
 * end, so a lock that fails to exclude loses updates). Each task takes
 * the lock once, also with critical=0, and adds 1 + the units it did
 * under it. The lock and the counter live in MAP_SHARED memory made by
 * prepare, the mutex PTHREAD_PROCESS_SHARED and robust, so procs workers
 * share them too. after_rep fails the repetition unless the counter is
 * exactly ntasks * (1 + round(work * critical)).
 * Value of task i: i. out->wait_ns: time spent waiting for the lock
 * (0 when it was free: the clock is read only after a failed try).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "workload.h"

#define CONTENDED_YIELD_SPINS 1024 /* spins between sched_yield calls */

enum { P_WORK, P_CRITICAL, P_LOCK };
enum { LOCK_MUTEX, LOCK_SPIN };

static const struct wl_param contended_params[] = {
    { "work", WL_PARAM_INT, "20000",
      "units of arithmetic per task (a few ns each)", 0, 1000000000, NULL },
    { "critical", WL_PARAM_REAL, "0.5",
      "fraction of the units done while holding the shared lock", 0, 1,
      NULL },
    { "lock", WL_PARAM_CHOICE, "mutex",
      "process-shared pthread mutex, or a spinlock (C11 atomics)", 0, 0,
      "mutex|spin" },
    { 0 },
};

/* The MAP_SHARED page every worker (thread or forked child) uses. The
 * fields below the lock are plain: the lock orders every access to them,
 * and the parent reads them only after the workers have been joined or
 * reaped. */
struct contended_shared {
    pthread_mutex_t mutex;
    atomic_uint spin;    /* 0 free, 1 held */
    uint64_t counter;    /* guarded by the lock */
    uint64_t ran;        /* tasks that updated the counter; guarded */
    uint64_t mix;        /* XOR of every task's arithmetic; guarded, it
                            keeps the compiler from dropping the work */
    int owner_died;      /* a worker died holding the mutex; guarded */
};

struct contended_state {
    struct contended_shared *sh;
    uint64_t outside, inside; /* units per task out of and under the lock */
    int lock;                 /* LOCK_MUTEX or LOCK_SPIN */
    int mutex_ready;
};

static inline uint64_t mix_unit(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    return x;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void contended_release(void *state)
{
    struct contended_state *st = state;
    if (st == NULL)
        return;
    if (st->mutex_ready)
        pthread_mutex_destroy(&st->sh->mutex);
    if (st->sh != NULL)
        munmap(st->sh, sizeof(*st->sh));
    free(st);
}

static int contended_prepare(struct wl_setup *s)
{
    pthread_mutexattr_t attr;
    int attr_ready = 0;
    struct contended_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(s->err, s->err_len, "out of memory");
        return -1;
    }
    uint64_t work = (uint64_t)s->args[P_WORK].i;
    st->inside = (uint64_t)((double)work * s->args[P_CRITICAL].d + 0.5);
    if (st->inside > work)
        st->inside = work;
    st->outside = work - st->inside;
    st->lock = (int)s->args[P_LOCK].c.index;
    void *p = mmap(NULL, sizeof(*st->sh), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        snprintf(s->err, s->err_len, "mmap: %s", strerror(errno));
        goto fail;
    }
    st->sh = p;
    atomic_init(&st->sh->spin, 0);
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) {
        attr_ready = 1;
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    }
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&st->sh->mutex, &attr);
    if (rc != 0) {
        snprintf(s->err, s->err_len, "process-shared mutex: %s",
                 strerror(rc));
        goto fail;
    }
    st->mutex_ready = 1;
    pthread_mutexattr_destroy(&attr);
    s->state = st;
    s->ntasks_out = s->ntasks;
    return 0;
fail:
    if (attr_ready)
        pthread_mutexattr_destroy(&attr);
    contended_release(st);
    return -1;
}

/* Take and drop the mutex once, repairing it when its owner died.
 * Returns 0 if it was free, EOWNERDEAD if a dead worker held it, EBUSY if
 * someone still holds it. Only called while no worker runs. */
static int mutex_probe(struct contended_shared *sh)
{
    int rc = pthread_mutex_trylock(&sh->mutex);
    if (rc == EOWNERDEAD)
        pthread_mutex_consistent(&sh->mutex);
    if (rc == 0 || rc == EOWNERDEAD)
        pthread_mutex_unlock(&sh->mutex);
    return rc;
}

static int contended_before_rep(void *state, char *err, size_t err_len)
{
    struct contended_state *st = state;
    /* No worker runs between repetitions, so plain stores are enough. */
    st->sh->counter = 0;
    st->sh->ran = 0;
    st->sh->mix = 0;
    st->sh->owner_died = 0;
    atomic_store_explicit(&st->sh->spin, 0, memory_order_relaxed);
    if (mutex_probe(st->sh) == EBUSY) {
        snprintf(err, err_len, "the shared mutex is held by a worker that "
                 "is still running");
        return -1;
    }
    return 0;
}

/* Take the lock; returns the nanoseconds spent waiting for it. */
static uint64_t lock_acquire(struct contended_state *st)
{
    struct contended_shared *sh = st->sh;
    uint64_t t0;
    if (st->lock == LOCK_SPIN) {
        if (atomic_exchange_explicit(&sh->spin, 1, memory_order_acquire) ==
            0)
            return 0;
        t0 = now_ns();
        unsigned spins = 0;
        /* Test and test-and-set: spin on a plain load so the line stays
         * shared until it is free. Yield now and then so that a holder
         * preempted on an oversubscribed machine can run. */
        for (;;) {
            while (atomic_load_explicit(&sh->spin, memory_order_relaxed)) {
                cpu_relax();
                if (++spins % CONTENDED_YIELD_SPINS == 0)
                    sched_yield();
            }
            if (atomic_exchange_explicit(&sh->spin, 1,
                                         memory_order_acquire) == 0)
                break;
        }
        return now_ns() - t0;
    }
    int rc = pthread_mutex_trylock(&sh->mutex);
    uint64_t waited = 0;
    if (rc == EBUSY) {
        t0 = now_ns();
        rc = pthread_mutex_lock(&sh->mutex);
        waited = now_ns() - t0;
    }
    if (rc == EOWNERDEAD) {
        /* A forked worker died inside the critical section: the counter
         * is suspect, and after_rep will say so. */
        sh->owner_died = 1;
        pthread_mutex_consistent(&sh->mutex);
    }
    return waited;
}

static void lock_release(struct contended_state *st)
{
    if (st->lock == LOCK_SPIN)
        atomic_store_explicit(&st->sh->spin, 0, memory_order_release);
    else
        pthread_mutex_unlock(&st->sh->mutex);
}

static void contended_run(void *state, void *wstate, uint64_t i,
                          struct task_result *out)
{
    (void)wstate;
    struct contended_state *st = state;
    struct contended_shared *sh = st->sh;
    uint64_t acc = i;
    for (uint64_t k = 0; k < st->outside; k++)
        acc = mix_unit(acc + k);
    out->wait_ns = lock_acquire(st);
    uint64_t c = sh->counter;
    for (uint64_t k = 0; k < st->inside; k++)
        acc = mix_unit(acc + k);
    sh->counter = c + st->inside + 1;
    sh->ran++;
    sh->mix ^= acc;
    lock_release(st);
    out->value = i;
}

static int contended_after_rep(void *state, uint64_t ntasks, char *err,
                               size_t err_len)
{
    const struct contended_state *st = state;
    struct contended_shared *sh = st->sh;
    uint64_t want = sh->ran * (st->inside + 1);
    int held = st->lock == LOCK_SPIN
                   ? (int)atomic_load_explicit(&sh->spin,
                                               memory_order_relaxed)
                   : mutex_probe(sh);
    if (sh->owner_died || held == EOWNERDEAD) {
        snprintf(err, err_len, "a worker died holding the lock; the shared "
                 "counter cannot be trusted");
        return -1;
    }
    if (held != 0) {
        snprintf(err, err_len, "the lock is still held after the "
                 "repetition (a worker died or is stuck inside it)");
        return -1;
    }
    if (sh->counter != want) {
        snprintf(err, err_len, "shared counter is %" PRIu64 ", expected %"
                 PRIu64 " (%" PRIu64 " tasks x %" PRIu64 "): the lock did "
                 "not exclude", sh->counter, want, sh->ran, st->inside + 1);
        return -1;
    }
    if (sh->ran != ntasks) {
        snprintf(err, err_len, "only %" PRIu64 " of %" PRIu64 " tasks "
                 "updated the shared counter", sh->ran, ntasks);
        return -1;
    }
    return 0;
}

/* Python peer: the same units under a multiprocessing.Lock (process
 * pools) or threading.Lock, the counter kept and checked by pypeer.py.
 * Python has no spinlock, so lock=spin has no peer. */
static int contended_peer(void *state, FILE *out, char *err,
                          size_t err_len)
{
    const struct contended_state *st = state;
    if (st->lock != LOCK_MUTEX) {
        snprintf(err, err_len, "contended: lock=spin has no Python peer "
                 "(Python has Lock only); use lock=mutex");
        return -1;
    }
    fprintf(out, "{\"outside\":%llu,\"inside\":%llu}",
            (unsigned long long)st->outside,
            (unsigned long long)st->inside);
    return 0;
}

const struct workload wl_contended = {
    .abi = WORKLOAD_ABI,
    .name = "contended",
    .summary = "arithmetic with a fraction under one process-shared lock, "
               "as the seed's Lock",
    .value_doc = "i; and the shared counter must end exactly "
                 "ntasks * (1 + round(work * critical))",
    .params = contended_params,
    .default_tasks = 2000,
    .prepare = contended_prepare,
    .before_rep = contended_before_rep,
    .run_task = contended_run,
    .after_rep = contended_after_rep,
    .release = contended_release,
    .peer = contended_peer,
};
