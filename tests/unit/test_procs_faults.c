/* test_procs_faults.c - forked workers that crash, abort, _exit or hang:
 * each run ends with the failure counted, statuses right, every index
 * delivered once, no zombie and no descriptor left behind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "executor.h"
#include "test_workload.h"

#define N 120

enum fault { F_SEGV, F_ABORT, F_EXIT, F_ALL, F_HANG };

/* Run procs with the given fault for every transport, mode and chunk. */
static void check_fault(enum fault fault)
{
    const struct executor *ex = executor_find("procs");
    assert_non_null(ex);
    for (int tr = 0; tr < 2; tr++)
        for (int mode = 0; mode < 2; mode++)
            for (uint64_t chunk = 1; chunk <= 7; chunk += 6) {
        struct tw_state *st = tw_new(N);
        struct tw_check chk;
        struct exec_report rep;
        struct exec_config cfg = { .workers = 2, .chunk = chunk,
                                   .mode = mode, .variant = (unsigned)tr };
        struct exec_job job = { .wl = &tw_workload, .state = st,
                                .ntasks = N, .deliver = tw_deliver,
                                .deliver_ctx = &chk };
        struct exec_pool *pool;
        char err[256];
        unsigned want_deaths = 1;
        struct exec_worker_stat ws[2];

        switch (fault) {
        case F_SEGV: st->segv_at = 5; break;
        case F_ABORT: st->abort_at = 5; break;
        case F_EXIT: st->exit_at = 5; break;
        case F_ALL:
            st->segv_at = 5;
            st->abort_at = 50;
            st->exit_at = 100;
            want_deaths = 3;
            break;
        case F_HANG:
            st->sleep_at = 5;
            st->sleep_ms = 60000;
            cfg.timeout_s = 0.3;
            want_deaths = 0;
            break;
        }
        int fds = tw_count_fds();
        tw_check_init(&chk, N, mode == EXEC_ORDERED);
        memset(&rep, 0, sizeof(rep));
        rep.workers = ws;
        if (ex->create(&cfg, &job, &pool, err, sizeof(err)) != 0)
            fail_msg("create: %s", err);
        int rc = ex->run(pool, &rep);
        ex->destroy(pool);

        /* Per-slot stats sum the processes that held the slot: deaths
         * add up, tasks are those that ran to their end (a dead or
         * killed worker's unfinished chunk is not counted; a killed one
         * may have finished a chunk the parent had not seen yet), and
         * the slots used CPU. (Per slot, these tasks are too short to
         * insist: a slot may not even be scheduled in so short a run.) */
        assert_int_equal(ws[0].deaths + ws[1].deaths, want_deaths);
        uint64_t ran = ws[0].tasks + ws[1].tasks;
        if (fault == F_HANG)
            assert_true(ran >= chk.by_status[TASK_OK] &&
                        ran <= chk.by_status[TASK_OK] + 2 * 4 * chunk);
        else
            assert_int_equal(ran, chk.by_status[TASK_OK]);
        if (ran > 0 && !(ws[0].cpu_s + ws[1].cpu_s > 0))
            fail_msg("transport %d: %llu tasks in no CPU time", tr,
                     (unsigned long long)ran);

        /* every index delivered once, in order when ordered */
        assert_int_equal(rep.delivered, N);
        assert_true(chk.order_ok);
        for (uint64_t i = 0; i < N; i++)
            assert_int_equal(chk.seen[i], 1);
        assert_int_equal(rep.worker_deaths, want_deaths);
        /* a failed task fails its whole chunk, nothing else */
        uint64_t c5 = 5 / chunk * chunk;
        uint64_t n5 = chunk;
        if (fault == F_HANG) {
            assert_int_equal(rc, -1);
            assert_true(rep.timed_out);
            assert_int_equal(chk.res[5].status, TASK_TIMEOUT);
        } else {
            assert_int_equal(rc, 0);
            assert_false(rep.timed_out);
            for (uint64_t i = c5; i < c5 + n5; i++) {
                if (fault == F_EXIT) {
                    assert_int_equal(chk.res[i].status, TASK_ERROR);
                    assert_int_equal(chk.res[i].error, TW_EXIT_CODE);
                } else {
                    assert_int_equal(chk.res[i].status, TASK_SIGNALED);
                    assert_int_equal(chk.res[i].error,
                                     fault == F_ABORT ? SIGABRT : SIGSEGV);
                }
            }
            if (fault == F_ALL) {
                uint64_t c50 = 50 / chunk * chunk;
                uint64_t c100 = 100 / chunk * chunk;
                assert_int_equal(chk.res[c50].status, TASK_SIGNALED);
                assert_int_equal(chk.res[c50].error, SIGABRT);
                assert_int_equal(chk.res[c100].status, TASK_ERROR);
                assert_int_equal(chk.res[c100].error, TW_EXIT_CODE);
                assert_int_equal(chk.by_status[TASK_OK], N - 3 * n5);
            } else {
                assert_int_equal(chk.by_status[TASK_OK], N - n5);
            }
            /* the rest ran exactly once and is right */
            for (uint64_t i = 0; i < N; i++) {
                if (chk.res[i].status != TASK_OK)
                    continue;
                assert_int_equal(atomic_load(&st->runs[i]), 1);
                assert_int_equal(chk.res[i].value, tw_value(i));
            }
            /* replacements were started and finished cleanly */
            assert_int_equal(atomic_load(&st->inits), 2 + want_deaths);
            assert_int_equal(atomic_load(&st->finis), 2);
        }
        /* no zombie, no descriptor left */
        errno = 0;
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
        assert_int_equal(errno, ECHILD);
        assert_int_equal(tw_count_fds(), fds);
        tw_check_free(&chk);
        tw_free(st);
    }
}

static void test_segv(void **s)
{
    (void)s;
    check_fault(F_SEGV);
}

static void test_abort(void **s)
{
    (void)s;
    check_fault(F_ABORT);
}

static void test_exit(void **s)
{
    (void)s;
    check_fault(F_EXIT);
}

static void test_three_deaths(void **s)
{
    (void)s;
    check_fault(F_ALL);
}

static void test_hang_timeout(void **s)
{
    (void)s;
    check_fault(F_HANG);
}

/* The same faults detected without pidfd: a SIGCHLD handler and a
 * self-pipe, as on kernels before 5.3. The handler is gone afterwards. */
static void test_sigchld_fallback(void **s)
{
    (void)s;
    struct sigaction before, after;
    sigaction(SIGCHLD, NULL, &before);
    setenv("POOLBENCH_PROCS_SIGCHLD", "1", 1);
    check_fault(F_ALL);
    check_fault(F_HANG);
    unsetenv("POOLBENCH_PROCS_SIGCHLD");
    sigaction(SIGCHLD, NULL, &after);
    assert_ptr_equal(after.sa_handler, before.sa_handler);
}

/* A crash whose replacement cannot start (its worker_init fails): with a
 * second worker the run finishes on it; with none left every task not
 * done fails with ECHILD and run() says why. Nothing hangs or leaks. */
static void test_replacement_fails(void **s)
{
    (void)s;
    const struct executor *ex = executor_find("procs");
    for (int tr = 0; tr < 2; tr++)
        for (unsigned workers = 1; workers <= 2; workers++) {
        struct tw_state *st = tw_new(N);
        st->segv_at = 5;
        st->init_fail_from = workers; /* every replacement fails */
        struct tw_check chk;
        struct exec_report rep;
        struct exec_config cfg = { .workers = workers, .chunk = 1,
                                   .mode = EXEC_UNORDERED,
                                   .variant = (unsigned)tr };
        struct exec_job job = { .wl = &tw_workload, .state = st,
                                .ntasks = N, .deliver = tw_deliver,
                                .deliver_ctx = &chk };
        struct exec_pool *pool;
        char err[256];
        int fds = tw_count_fds();
        tw_check_init(&chk, N, 0);
        memset(&rep, 0, sizeof(rep));
        assert_int_equal(ex->create(&cfg, &job, &pool, err, sizeof(err)),
                         0);
        int rc = ex->run(pool, &rep);
        ex->destroy(pool);
        assert_int_equal(rep.delivered, N);
        for (uint64_t i = 0; i < N; i++)
            assert_int_equal(chk.seen[i], 1);
        assert_int_equal(chk.res[5].status, TASK_SIGNALED);
        if (workers == 2) {
            /* the failed replacement may be seen only after the end */
            assert_int_equal(rc, 0);
            assert_true(rep.worker_deaths == 1 || rep.worker_deaths == 2);
            assert_int_equal(chk.by_status[TASK_OK], N - 1);
            assert_int_equal(atomic_load(&st->finis), 1);
        } else {
            if (rc != -1 || strstr(rep.err, "worker_init") == NULL)
                fail_msg("transport %d: rc %d, err '%s'", tr, rc, rep.err);
            assert_int_equal(chk.by_status[TASK_OK], 5);
            assert_int_equal(chk.by_status[TASK_ERROR], N - 6);
            assert_int_equal(chk.res[6].error, ECHILD);
        }
        errno = 0;
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
        assert_int_equal(errno, ECHILD);
        assert_int_equal(tw_count_fds(), fds);
        tw_check_free(&chk);
        tw_free(st);
    }
}

/* A worker_init that fails makes create() fail, with nothing left. */
static int init_fails(void *state, unsigned id, void **ws)
{
    (void)state;
    (void)ws;
    return id == 1 ? -1 : 0;
}

static void test_init_failure(void **s)
{
    (void)s;
    const char *names[] = { "threads", "procs", "futures" };
    struct workload wl = tw_workload;
    wl.worker_init = init_fails;
    wl.worker_fini = NULL;
    for (size_t k = 0; k < 3; k++) {
        struct tw_state *st = tw_new(10);
        struct exec_config cfg = { .workers = 3, .chunk = 1 };
        struct exec_job job = { .wl = &wl, .state = st, .ntasks = 10,
                                .deliver = tw_deliver };
        struct exec_pool *pool = NULL;
        char err[256] = "";
        int fds = tw_count_fds();
        assert_int_equal(executor_find(names[k])->create(&cfg, &job, &pool,
                                                         err, sizeof(err)),
                         -1);
        assert_true(strstr(err, "worker_init failed") != NULL);
        errno = 0;
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
        assert_int_equal(errno, ECHILD);
        assert_int_equal(tw_count_fds(), fds);
        tw_free(st);
    }
}

int main(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segv),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_exit),
        cmocka_unit_test(test_three_deaths),
        cmocka_unit_test(test_hang_timeout),
        cmocka_unit_test(test_sigchld_fallback),
        cmocka_unit_test(test_replacement_fails),
        cmocka_unit_test(test_init_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
