/* test_executor.c - every executor x mode x chunk x workers runs each task
 * exactly once, with serial's checksum; failures, time limits and stops
 * end a run with every index accounted for. Real threads, real fork(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "executor.h"
#include "view.h"
#include "test_workload.h"

/* An executor under test, with the transport it runs with. */
struct tcase {
    const char *name;
    unsigned variant; /* procs: 0 shm, 1 pipe */
};

static const struct tcase cases[] = {
    { "threads", 0 },
    { "procs", 0 },
    { "procs", 1 },
    { "futures", 0 },
};

/* Run one job; returns run()'s value. */
static int run_job(const char *name, const struct exec_config *cfg,
                   struct tw_state *st, struct tw_check *chk,
                   volatile sig_atomic_t *stop, struct exec_report *rep)
{
    const struct executor *ex = executor_find(name);
    struct exec_job job = {
        .wl = &tw_workload, .state = st, .ntasks = st->ntasks,
        .deliver = tw_deliver, .deliver_ctx = chk, .stop = stop,
    };
    struct exec_pool *pool = NULL;
    char err[256] = "";
    assert_non_null(ex);
    memset(rep, 0, sizeof(*rep));
    if (ex->create(cfg, &job, &pool, err, sizeof(err)) != 0)
        fail_msg("%s create: %s", name, err);
    int rc = ex->run(pool, rep);
    if (!rep->broken)
        ex->destroy(pool);
    return rc;
}

/* The checksum serial computes for n tasks. */
static uint64_t serial_sum(uint64_t n)
{
    struct tw_state *st = tw_new(n);
    struct tw_check chk;
    struct exec_report rep;
    struct exec_config cfg = { .workers = 1, .chunk = 3,
                               .mode = EXEC_ORDERED };
    tw_check_init(&chk, n, 1);
    assert_int_equal(run_job("serial", &cfg, st, &chk, NULL, &rep), 0);
    uint64_t sum = chk.sum;
    tw_check_free(&chk);
    tw_free(st);
    return sum;
}

static void check_matrix(const struct tcase *tc)
{
    static const uint64_t ntasks[] = { 1, 3, 1000 };
    static const unsigned workers[] = { 1, 2, 5 };
    static const uint64_t chunks[] = { 1, 7, 0 }; /* 0: auto */
    static const enum exec_mode modes[] = { EXEC_ORDERED, EXEC_UNORDERED };

    for (size_t a = 0; a < sizeof(ntasks) / sizeof(ntasks[0]); a++) {
        uint64_t n = ntasks[a];
        uint64_t want_sum = serial_sum(n);
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 3; c++)
                for (size_t d = 0; d < 2; d++) {
            struct exec_config cfg = {
                .workers = workers[b],
                .chunk = executor_auto_chunk(n, workers[b], chunks[c]),
                .mode = modes[d], .variant = tc->variant,
            };
            struct tw_state *st = tw_new(n);
            struct tw_check chk;
            struct exec_report rep;
            int fds = tw_count_fds();
            tw_check_init(&chk, n, modes[d] == EXEC_ORDERED);
            int rc = run_job(tc->name, &cfg, st, &chk, NULL, &rep);
            const char *what = modes[d] == EXEC_ORDERED ? "ordered"
                                                        : "unordered";
            if (rc != 0 || rep.delivered != n || chk.sum != want_sum ||
                !chk.order_ok)
                fail_msg("%s/%d %s n=%llu j=%u chunk=%llu: rc=%d "
                         "delivered=%llu sum ok=%d order ok=%d",
                         tc->name, tc->variant, what,
                         (unsigned long long)n, workers[b],
                         (unsigned long long)cfg.chunk, rc,
                         (unsigned long long)rep.delivered,
                         chk.sum == want_sum, chk.order_ok);
            for (uint64_t i = 0; i < n; i++) {
                if (chk.seen[i] != 1 || atomic_load(&st->runs[i]) != 1)
                    fail_msg("%s %s j=%u chunk=%llu: task %llu delivered "
                             "%u times, run %u times", tc->name, what,
                             workers[b], (unsigned long long)cfg.chunk,
                             (unsigned long long)i, chk.seen[i],
                             atomic_load(&st->runs[i]));
            }
            assert_int_equal(chk.by_status[TASK_OK], n);
            /* one delivery per chunk */
            assert_int_equal(chk.calls, (n + cfg.chunk - 1) / cfg.chunk);
            /* every worker initialised once and finished */
            assert_int_equal(atomic_load(&st->inits), workers[b]);
            assert_int_equal(atomic_load(&st->finis), workers[b]);
            assert_int_equal(rep.worker_deaths, 0);
            assert_int_equal(tw_count_fds(), fds);
            errno = 0;
            assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
            assert_int_equal(errno, ECHILD);
            tw_check_free(&chk);
            tw_free(st);
        }
    }
}

static void test_matrix_threads(void **s)
{
    (void)s;
    check_matrix(&cases[0]);
}

static void test_matrix_procs_shm(void **s)
{
    (void)s;
    check_matrix(&cases[1]);
}

static void test_matrix_procs_pipe(void **s)
{
    (void)s;
    check_matrix(&cases[2]);
}

static void test_matrix_futures(void **s)
{
    (void)s;
    check_matrix(&cases[3]);
}

/* A task that returns TASK_ERROR is counted and the run goes on. */
static void test_task_error(void **s)
{
    (void)s;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (int mode = 0; mode < 2; mode++) {
            struct tw_state *st = tw_new(200);
            st->fail_at = 17;
            struct tw_check chk;
            struct exec_report rep;
            struct exec_config cfg = { .workers = 2, .chunk = 5,
                                       .mode = mode,
                                       .variant = cases[k].variant };
            tw_check_init(&chk, 200, mode == EXEC_ORDERED);
            assert_int_equal(run_job(cases[k].name, &cfg, st, &chk, NULL,
                                     &rep), 0);
            assert_int_equal(rep.delivered, 200);
            assert_int_equal(chk.by_status[TASK_ERROR], 1);
            assert_int_equal(chk.by_status[TASK_OK], 199);
            assert_int_equal(chk.res[17].status, TASK_ERROR);
            assert_int_equal(chk.res[17].error, TW_ERROR_CODE);
            assert_int_equal(chk.sum, serial_sum(200) - tw_value(17));
            assert_true(chk.order_ok);
            tw_check_free(&chk);
            tw_free(st);
        }
    }
}

/* A time limit on a run of slow tasks: the run stops early, every index
 * is delivered, what did not run says TASK_TIMEOUT. Tasks are short, so
 * no pool is broken. */
static void test_timeout_short_tasks(void **s)
{
    (void)s;
    /* chunk 1 too: a futures chunk of one task keeps its result in the
     * future, and a cancelled one is marked there */
    for (size_t k = 0; k < 2 * sizeof(cases) / sizeof(cases[0]); k++) {
        for (int mode = 0; mode < 2; mode++) {
            uint64_t n = 20000;
            struct tw_state *st = tw_new(n);
            st->tick_us = 500; /* 20000 x 0.5 ms / 2 workers = 5 s */
            struct tw_check chk;
            struct exec_report rep;
            size_t kc = k % (sizeof(cases) / sizeof(cases[0]));
            struct exec_config cfg = {
                .workers = 2,
                .chunk = k < sizeof(cases) / sizeof(cases[0]) ? 3 : 1,
                .mode = mode, .timeout_s = 0.2,
                .variant = cases[kc].variant };
            int fds = tw_count_fds();
            tw_check_init(&chk, n, mode == EXEC_ORDERED);
            assert_int_equal(run_job(cases[kc].name, &cfg, st, &chk, NULL,
                                     &rep), -1);
            assert_true(rep.timed_out);
            assert_false(rep.broken);
            assert_int_equal(rep.delivered, n);
            assert_true(chk.by_status[TASK_TIMEOUT] > 0);
            assert_int_equal(chk.by_status[TASK_OK] +
                                 chk.by_status[TASK_TIMEOUT], n);
            assert_true(chk.order_ok);
            for (uint64_t i = 0; i < n; i++) {
                assert_int_equal(chk.seen[i], 1);
                if (chk.res[i].status == TASK_OK)
                    assert_int_equal(atomic_load(&st->runs[i]), 1);
            }
            assert_int_equal(tw_count_fds(), fds);
            errno = 0;
            assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
            assert_int_equal(errno, ECHILD);
            tw_check_free(&chk);
            tw_free(st);
        }
    }
}

/* Serial with one chunk of slow tasks (2000 x 1 ms, one piece): the time
 * limit cuts inside the piece, not after all of it (issue 18: a
 * calibration repetition of 65,536 slow tasks ignored --timeout). */
static void test_serial_cuts_inside_a_piece(void **s)
{
    (void)s;
    uint64_t n = 2000;
    struct tw_state *st = tw_new(n);
    st->tick_us = 1000;
    struct tw_check chk;
    struct exec_report rep;
    struct exec_config cfg = { .workers = 1, .chunk = n,
                               .mode = EXEC_ORDERED, .timeout_s = 0.2 };
    tw_check_init(&chk, n, 1);
    assert_int_equal(run_job("serial", &cfg, st, &chk, NULL, &rep), -1);
    assert_true(rep.timed_out);
    assert_int_equal(rep.delivered, n);
    assert_true(chk.by_status[TASK_TIMEOUT] > 0);
    assert_int_equal(chk.by_status[TASK_OK] + chk.by_status[TASK_TIMEOUT],
                     n);
    assert_true(chk.order_ok);
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(chk.seen[i], 1);
    tw_check_free(&chk);
    tw_free(st);
}

/* *job->stop set after the first delivery: the run ends, interrupted,
 * with every index delivered and the rest TASK_CANCELLED. */
static void test_stop(void **s)
{
    (void)s;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (int mode = 0; mode < 2; mode++) {
            uint64_t n = 5000;
            static volatile sig_atomic_t stop;
            struct tw_state *st = tw_new(n);
            st->tick_us = 200;
            struct tw_check chk;
            struct exec_report rep;
            struct exec_config cfg = { .workers = 2, .chunk = 2,
                                       .mode = mode,
                                       .variant = cases[k].variant };
            stop = 0;
            tw_check_init(&chk, n, mode == EXEC_ORDERED);
            chk.stop_after_first = &stop;
            assert_int_equal(run_job(cases[k].name, &cfg, st, &chk, &stop,
                                     &rep), -1);
            assert_true(rep.interrupted);
            assert_false(rep.timed_out);
            assert_int_equal(rep.delivered, n);
            assert_true(chk.by_status[TASK_CANCELLED] > 0);
            assert_int_equal(chk.by_status[TASK_OK] +
                                 chk.by_status[TASK_CANCELLED], n);
            for (uint64_t i = 0; i < n; i++)
                assert_int_equal(chk.seen[i], 1);
            errno = 0;
            assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
            assert_int_equal(errno, ECHILD);
            tw_check_free(&chk);
            tw_free(st);
        }
    }
}

/* A thread stuck in a task past the time limit and the grace period: the
 * pool says it is broken, delivers everything else, and returns. Once the
 * task comes back, destroy() cleans up after all. */
static void test_threads_stuck(void **s)
{
    (void)s;
    const char *names[] = { "threads", "futures" };
    for (size_t k = 0; k < 2; k++) {
        for (int mode = 0; mode < 2; mode++) {
            uint64_t n = 50;
            struct tw_state *st = tw_new(n);
            st->gate_from = 10; /* tasks 10.. wait for the gate */
            struct tw_check chk;
            struct exec_report rep;
            struct exec_config cfg = { .workers = 2, .chunk = 1,
                                       .mode = mode, .timeout_s = 0.2 };
            const struct executor *ex = executor_find(names[k]);
            struct exec_job job = {
                .wl = &tw_workload, .state = st, .ntasks = n,
                .deliver = tw_deliver, .deliver_ctx = &chk,
            };
            struct exec_pool *pool = NULL;
            char err[256];
            tw_check_init(&chk, n, mode == EXEC_ORDERED);
            memset(&rep, 0, sizeof(rep));
            assert_int_equal(ex->create(&cfg, &job, &pool, err,
                                        sizeof(err)), 0);
            assert_int_equal(ex->run(pool, &rep), -1);
            assert_true(rep.timed_out);
            assert_true(rep.broken);
            assert_true(strstr(rep.err, "procs") != NULL);
            /* tasks 10 and 11 are stuck in the two workers; in ordered
             * mode nothing after them can be delivered in order, but the
             * rest is delivered anyway, in index order */
            if (rep.delivered != n - 2)
                fail_msg("%s: delivered %llu ok %llu timeout %llu",
                         names[k], (unsigned long long)rep.delivered,
                         (unsigned long long)chk.by_status[TASK_OK],
                         (unsigned long long)chk.by_status[TASK_TIMEOUT]);
            assert_int_equal(chk.by_status[TASK_OK], 10);
            assert_int_equal(chk.by_status[TASK_TIMEOUT], n - 12);
            for (uint64_t i = 0; i < n; i++)
                assert_int_equal(chk.seen[i], i == 10 || i == 11 ? 0 : 1);
            /* Let the stuck tasks go: now the pool can be torn down. */
            atomic_store(&st->gate_open, 1);
            ex->destroy(pool);
            assert_int_equal(atomic_load(&st->finis), 2);
            tw_check_free(&chk);
            tw_free(st);
        }
    }
}

/* Zero tasks (or workers, or a zero chunk) is refused with a message,
 * nothing started. */
static void test_bad_config(void **s)
{
    (void)s;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct executor *ex = executor_find(cases[k].name);
        struct tw_state *st = tw_new(1);
        struct exec_config good = { .workers = 2, .chunk = 1,
                                    .variant = cases[k].variant };
        struct exec_config bad[3] = { good, good, good };
        uint64_t ntasks[3] = { 0, 1, 1 };
        bad[1].workers = 0;
        bad[2].chunk = 0;
        for (int b = 0; b < 3; b++) {
            struct exec_job job = { .wl = &tw_workload, .state = st,
                                    .ntasks = ntasks[b],
                                    .deliver = tw_deliver };
            struct exec_pool *pool = NULL;
            char err[256] = "";
            int fds = tw_count_fds();
            assert_int_equal(ex->create(&bad[b], &job, &pool, err,
                                        sizeof(err)), -1);
            assert_true(strlen(err) > 0);
            assert_int_equal(tw_count_fds(), fds);
            assert_int_equal(atomic_load(&st->inits), 0);
        }
        tw_free(st);
    }
}

/* A CPU-bound task: spins until its thread has used BURN_US of CPU. */
#define BURN_US 300

/* A rendezvous of the workers of one run, in memory shared across fork
 * (procs workers are processes): each worker's first task waits until
 * burn_want workers have arrived, so that every worker takes part however
 * late a busy machine starts it. A worker knows it has arrived by the
 * run's generation, which a forked worker inherits stale. */
struct burn_meet {
    atomic_uint gen;           /* the run's number */
    atomic_uint arrived;       /* workers that ran a task in this run */
    unsigned want;             /* workers to wait for */
};
static struct burn_meet *burn_meet;
static _Thread_local unsigned burn_gen;

static void burn_arrive(void)
{
    unsigned gen = atomic_load(&burn_meet->gen);
    if (burn_gen == gen)
        return;
    burn_gen = gen;
    atomic_fetch_add(&burn_meet->arrived, 1);
    /* A bound far past any scheduling delay (10 minutes), so that a
     * broken executor that never starts a worker fails, not hangs. */
    for (int k = 0; k < 600000 &&
                    atomic_load(&burn_meet->arrived) < burn_meet->want; k++) {
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
}

static void burn_task(void *state, void *ws, uint64_t i,
                      struct task_result *out)
{
    struct timespec t0, t;
    (void)state;
    (void)ws;
    if (burn_meet != NULL)
        burn_arrive();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    do
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000000LL +
               (t.tv_nsec - t0.tv_nsec) < BURN_US * 1000LL);
    out->value = i;
}

static const struct workload burn_workload = {
    .abi = WORKLOAD_ABI,
    .name = "burn",
    .summary = "spins on the CPU",
    .value_doc = "i",
    .run_task = burn_task,
};

static void count_deliver(void *ctx, uint64_t first, uint64_t count,
                          const struct task_result *r)
{
    (void)first;
    (void)r;
    *(uint64_t *)ctx += count;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* run() reports each worker's tasks and CPU time: the tasks add up to
 * ntasks, each worker got CPU, none more than the wall time of run()
 * (with room for clock granularity), and the CPU adds up to about the
 * work done. With two workers both take part: each one's first task waits
 * for the other (burn_meet), which keeps it true on a busy machine. */
static void test_worker_stats(void **s)
{
    (void)s;
    const uint64_t n = 400;
    burn_meet = mmap(NULL, sizeof(*burn_meet), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(burn_meet != MAP_FAILED);
    static const struct { const char *name; unsigned variant, j; } runs[] = {
        { "serial", 0, 1 }, { "threads", 0, 2 }, { "procs", 0, 2 },
        { "procs", 1, 2 }, { "futures", 0, 2 },
    };
    for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
        const struct executor *ex = executor_find(runs[k].name);
        uint64_t delivered = 0;
        struct exec_config cfg = { .workers = runs[k].j, .chunk = 1,
                                   .mode = EXEC_UNORDERED,
                                   .variant = runs[k].variant };
        struct exec_job job = { .wl = &burn_workload, .ntasks = n,
                                .deliver = count_deliver,
                                .deliver_ctx = &delivered };
        struct exec_worker_stat ws[2];
        struct exec_report rep;
        struct exec_pool *pool = NULL;
        char err[256] = "";
        memset(&rep, 0, sizeof(rep));
        memset(ws, 0xff, sizeof(ws)); /* run() must overwrite them */
        rep.workers = ws;
        atomic_store(&burn_meet->arrived, 0);
        burn_meet->want = runs[k].j;
        atomic_store(&burn_meet->gen, (unsigned)k + 1);
        if (ex->create(&cfg, &job, &pool, err, sizeof(err)) != 0)
            fail_msg("%s create: %s", runs[k].name, err);
        double t0 = mono_s();
        assert_int_equal(ex->run(pool, &rep), 0);
        double wall = mono_s() - t0;
        ex->destroy(pool);
        assert_int_equal(delivered, n);
        uint64_t tasks = 0;
        double cpu = 0;
        for (unsigned w = 0; w < runs[k].j; w++) {
            printf("# %s/%s worker %u: %llu tasks, %.4f s CPU, wall "
                   "%.4f s\n", runs[k].name,
                   executor_variant_name(ex, runs[k].variant), w,
                   (unsigned long long)ws[w].tasks, ws[w].cpu_s, wall);
            if (!(ws[w].cpu_s > 0 && ws[w].cpu_s <= wall * 1.5 + 0.01))
                fail_msg("%s worker %u: cpu %.4f s, wall %.4f s",
                         runs[k].name, w, ws[w].cpu_s, wall);
            assert_int_equal(ws[w].deaths, 0);
            if (runs[k].j == 2)
                assert_true(ws[w].tasks > 0);
            tasks += ws[w].tasks;
            cpu += ws[w].cpu_s;
        }
        assert_int_equal(tasks, n);
        /* every task burnt BURN_US of CPU in some worker */
        assert_true(cpu >= n * BURN_US * 1e-6 * 0.99);
    }
    munmap(burn_meet, sizeof(*burn_meet));
    burn_meet = NULL;
}

/* A second run() of a pool is refused, and a variant the executor does
 * not have is refused at create(). */
static void test_run_once_and_variants(void **s)
{
    (void)s;
    const struct executor *procs = executor_find("procs");
    assert_string_equal(executor_variant_name(procs, 0), "shm");
    assert_string_equal(executor_variant_name(procs, 1), "pipe");
    assert_null(executor_variant_name(procs, 2));
    assert_int_equal(executor_variant_find(procs, "pipe"), 1);
    assert_int_equal(executor_variant_find(procs, "tcp"), -1);
    for (size_t e = 0; executor_list[e] != NULL; e++) {
        const struct executor *ex = executor_list[e];
        if (ex->flags & EXEC_PYTHON)
            continue; /* the Python peers: test_python.c */
        if (ex != procs) {
            assert_null(ex->variants);
            assert_string_equal(executor_variant_name(ex, 0), "none");
            assert_int_equal(executor_variant_find(ex, "shm"), -1);
        }
        struct tw_state *st = tw_new(5);
        struct tw_check chk;
        struct exec_report rep;
        struct exec_pool *pool = NULL;
        char err[256] = "";
        struct exec_config cfg = { .workers = 1, .chunk = 2, .variant = 7 };
        struct exec_job job = { .wl = &tw_workload, .state = st,
                                .ntasks = 5, .deliver = tw_deliver,
                                .deliver_ctx = &chk };
        assert_int_equal(ex->create(&cfg, &job, &pool, err, sizeof(err)),
                         -1);
        assert_non_null(strstr(err, "variant"));
        cfg.variant = 0;
        tw_check_init(&chk, 5, 0);
        assert_int_equal(ex->create(&cfg, &job, &pool, err, sizeof(err)),
                         0);
        memset(&rep, 0, sizeof(rep));
        assert_int_equal(ex->run(pool, &rep), 0);
        memset(&rep, 0, sizeof(rep));
        assert_int_equal(ex->run(pool, &rep), -1);
        assert_non_null(strstr(rep.err, "already ran"));
        assert_int_equal(rep.delivered, 0);
        ex->destroy(pool);
        assert_int_equal(chk.calls, 3);
        tw_check_free(&chk);
        tw_free(st);
    }
}

static void test_auto_chunk(void **s)
{
    (void)s;
    assert_int_equal(executor_auto_chunk(1000000, 2, 0), 125000);
    assert_int_equal(executor_auto_chunk(3, 5, 0), 1);
    assert_int_equal(executor_auto_chunk(1001, 2, 0), 126);
    assert_int_equal(executor_auto_chunk(10, 2, 7), 7);
}

static void test_registry(void **s)
{
    (void)s;
    const char *names[] = { "serial", "threads", "procs", "futures" };
    for (size_t k = 0; k < 4; k++) {
        assert_non_null(executor_list[k]);
        assert_string_equal(executor_list[k]->name, names[k]);
        assert_ptr_equal(executor_find(names[k]), executor_list[k]);
    }
    /* Then the Python peers (test_python.c), and the end. */
    for (size_t k = 4; executor_list[k] != NULL; k++)
        assert_true(executor_list[k]->flags & EXEC_PYTHON);
    assert_null(executor_find("nope"));
}

/* Capabilities are flags in the table, so that callers ask them instead
 * of comparing executors: exactly one baseline, the view's; the plain
 * loops are serial-like; the lists derived from the table. */
static void test_flags(void **s)
{
    (void)s;
    size_t baselines = 0;
    for (size_t k = 0; executor_list[k] != NULL; k++) {
        const struct executor *ex = executor_list[k];
        int plain = strcmp(ex->name, "serial") == 0 ||
                    strcmp(ex->name, "py-serial") == 0;
        assert_int_equal((ex->flags & EXEC_SERIAL_LIKE) != 0, plain);
        assert_int_equal((ex->flags & EXEC_PYTHON) != 0,
                         strncmp(ex->name, "py-", 3) == 0);
        baselines += (ex->flags & EXEC_BASELINE) != 0;
    }
    assert_int_equal(baselines, 1);
    assert_string_equal(executor_baseline()->name, VIEW_BASELINE_EXECUTOR);
    char buf[256];
    assert_string_equal(executor_names(EXEC_PYTHON, 0, buf, sizeof(buf)),
                        "serial,threads,procs,futures");
    assert_string_equal(executor_names(EXEC_SERIAL_LIKE, EXEC_SERIAL_LIKE,
                                       buf, sizeof(buf)),
                        "serial,py-serial");
    /* Truncated, never overrun. */
    assert_int_equal(strlen(executor_names(0, 0, buf, 10)), 9);
}

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_auto_chunk),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_run_once_and_variants),
        cmocka_unit_test(test_worker_stats),
        cmocka_unit_test(test_matrix_threads),
        cmocka_unit_test(test_matrix_procs_shm),
        cmocka_unit_test(test_matrix_procs_pipe),
        cmocka_unit_test(test_matrix_futures),
        cmocka_unit_test(test_task_error),
        cmocka_unit_test(test_timeout_short_tasks),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_serial_cuts_inside_a_piece),
        cmocka_unit_test(test_threads_stuck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
