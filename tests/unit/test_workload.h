/* test_workload.h - a workload for executor tests, and a deliver checker.
 *
 * Task i bumps runs[i] in MAP_SHARED memory (so forked workers count too)
 * and yields value tw_value(i); chosen tasks fail, crash, abort, _exit,
 * sleep or wait for a gate instead. worker_init/worker_fini are counted.
 * Header-only (static) so that each test program has its own copy.
 */
#ifndef POOLBENCH_TEST_WORKLOAD_H
#define POOLBENCH_TEST_WORKLOAD_H

#include <dirent.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"

#define TW_NONE UINT64_MAX
#define TW_ERROR_CODE 42 /* error of the task that fails */
#define TW_EXIT_CODE 3   /* status of the task that calls _exit */

/* Lives in MAP_SHARED memory; settings are written before create(). */
struct tw_state {
    atomic_uint inits;    /* worker_init calls */
    atomic_uint finis;    /* worker_fini calls */
    atomic_int gate_open; /* tasks >= gate_from wait for this */
    uint64_t fail_at;     /* returns TASK_ERROR, TW_ERROR_CODE */
    uint64_t segv_at;     /* raise(SIGSEGV) */
    uint64_t abort_at;    /* abort() */
    uint64_t exit_at;     /* _exit(TW_EXIT_CODE) */
    uint64_t sleep_at;    /* sleeps sleep_ms */
    uint64_t gate_from;   /* waits for gate_open */
    uint64_t init_fail_from; /* worker_init calls from this one fail */
    unsigned sleep_ms;
    unsigned tick_us;     /* every task sleeps this long */
    uint64_t ntasks;
    atomic_uint runs[];   /* per task */
};

static inline uint64_t tw_value(uint64_t i)
{
    return i * 0x9e3779b97f4a7c15ULL + 1;
}

static inline void tw_sleep_us(unsigned us)
{
    struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static inline int tw_init(void *state, unsigned id, void **ws)
{
    struct tw_state *st = state;
    (void)id;
    if (atomic_fetch_add(&st->inits, 1) >= st->init_fail_from)
        return -1;
    *ws = st; /* checked in run_task */
    return 0;
}

static inline void tw_fini(void *state, void *ws)
{
    struct tw_state *st = state;
    if (ws == st)
        atomic_fetch_add(&st->finis, 1);
}

static inline void tw_run(void *state, void *ws, uint64_t i,
                   struct task_result *out)
{
    struct tw_state *st = state;
    if (ws != st) { /* worker_init's state did not reach us */
        out->status = TASK_ERROR;
        out->error = 99;
        return;
    }
    atomic_fetch_add(&st->runs[i], 1);
    if (i == st->segv_at)
        raise(SIGSEGV);
    if (i == st->abort_at)
        abort();
    if (i == st->exit_at)
        _exit(TW_EXIT_CODE);
    if (i == st->sleep_at)
        tw_sleep_us(st->sleep_ms * 1000);
    if (i >= st->gate_from)
        while (!atomic_load(&st->gate_open))
            tw_sleep_us(1000);
    if (st->tick_us > 0)
        tw_sleep_us(st->tick_us);
    if (i == st->fail_at) {
        out->status = TASK_ERROR;
        out->error = TW_ERROR_CODE;
        return;
    }
    out->value = tw_value(i);
}

static const struct workload tw_workload = {
    .abi = WORKLOAD_ABI,
    .name = "testwl",
    .summary = "executor test workload",
    .value_doc = "i * 0x9e3779b97f4a7c15 + 1",
    .worker_init = tw_init,
    .run_task = tw_run,
    .worker_fini = tw_fini,
};

/* A fresh state for n tasks, every fault off. */
static inline struct tw_state *tw_new(uint64_t n)
{
    size_t len = sizeof(struct tw_state) + n * sizeof(atomic_uint);
    struct tw_state *st = mmap(NULL, len, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (st == MAP_FAILED)
        abort();
    st->fail_at = st->segv_at = st->abort_at = st->exit_at = TW_NONE;
    st->sleep_at = st->gate_from = st->init_fail_from = TW_NONE;
    st->ntasks = n;
    return st;
}

static inline void tw_free(struct tw_state *st)
{
    munmap(st, sizeof(*st) + st->ntasks * sizeof(atomic_uint));
}

/* What deliver() saw. */
struct tw_check {
    uint64_t ntasks;
    int ordered;
    int order_ok;         /* ordered: chunks came contiguous, in order */
    uint64_t next_first;
    uint64_t calls;
    uint64_t sum;         /* of the values of TASK_OK results */
    uint64_t by_status[TASK_STATUS_COUNT];
    unsigned *seen;       /* deliveries per index */
    struct task_result *res; /* last delivered result per index */
    volatile sig_atomic_t *stop_after_first; /* set *this on first call */
};

static inline void tw_check_init(struct tw_check *c, uint64_t n,
                                 int ordered)
{
    memset(c, 0, sizeof(*c));
    c->ntasks = n;
    c->ordered = ordered;
    c->order_ok = 1;
    c->seen = calloc(n, sizeof(*c->seen));
    c->res = calloc(n, sizeof(*c->res));
    if (c->seen == NULL || c->res == NULL)
        abort();
}

static inline void tw_check_free(struct tw_check *c)
{
    free(c->seen);
    free(c->res);
}

static inline void tw_deliver(void *ctx, uint64_t first, uint64_t count,
                       const struct task_result *r)
{
    struct tw_check *c = ctx;
    if (c->ordered && first != c->next_first)
        c->order_ok = 0;
    c->next_first = first + count;
    c->calls++;
    for (uint64_t k = 0; k < count; k++) {
        if (first + k >= c->ntasks) {
            c->order_ok = 0;
            continue;
        }
        c->seen[first + k]++;
        c->res[first + k] = r[k];
        uint32_t s = (uint32_t)r[k].status;
        c->by_status[s < TASK_STATUS_COUNT ? s : 1]++;
        if (r[k].status == TASK_OK)
            c->sum += r[k].value;
    }
    if (c->stop_after_first != NULL)
        *c->stop_after_first = 1;
}

/* Open descriptors of this process. */
static inline int tw_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

#endif /* POOLBENCH_TEST_WORKLOAD_H */
