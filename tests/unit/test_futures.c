/* test_futures.c - the futures API: result, errors, cancel, callbacks,
 * wait, as_completed, shutdown, capacity. Order is made deterministic
 * with a gate (tasks >= gate_from wait for it), never with timing. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "futures.h"
#include "test_workload.h"

static struct futures_executor *make(struct tw_state *st, unsigned workers,
                                     size_t capacity)
{
    struct futures_executor *ex = NULL;
    char err[256] = "";
    if (futures_create(&ex, &tw_workload, st, workers, capacity, err,
                       sizeof(err)) != 0)
        fail_msg("futures_create: %s", err);
    return ex;
}

static void test_result_values(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(100);
    struct futures_executor *ex = make(st, 2, 100);
    struct future *fs[100];
    for (uint64_t i = 0; i < 100; i++) {
        fs[i] = futures_submit(ex, i);
        assert_non_null(fs[i]);
        assert_int_equal(future_first(fs[i]), i);
        assert_int_equal(future_count(fs[i]), 1);
    }
    for (uint64_t i = 0; i < 100; i++) {
        struct task_result r;
        assert_int_equal(future_result(fs[i], -1, &r), TASK_OK);
        assert_int_equal(r.value, tw_value(i));
        assert_int_equal(future_state(fs[i]), FUTURE_FINISHED);
        assert_true(future_done(fs[i]));
        assert_int_equal(future_release(fs[i]), 0);
        assert_int_equal(atomic_load(&st->runs[i]), 1);
    }
    futures_destroy(ex);
    assert_int_equal(atomic_load(&st->inits), 2);
    assert_int_equal(atomic_load(&st->finis), 2);
    tw_free(st);
}

static void test_error_propagation(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    st->fail_at = 4;
    struct futures_executor *ex = make(st, 2, 8);
    struct task_result r, out[10];
    struct future *f = futures_submit(ex, 4);
    assert_int_equal(future_result(f, -1, &r), TASK_ERROR);
    assert_int_equal(r.status, TASK_ERROR);
    assert_int_equal(r.error, TW_ERROR_CODE);
    assert_int_equal(future_release(f), 0);
    /* a range reports its first failed task */
    f = futures_submit_range(ex, 0, 10, out);
    assert_int_equal(future_result(f, -1, &r), TASK_ERROR);
    assert_int_equal(r.error, TW_ERROR_CODE);
    assert_int_equal(out[4].status, TASK_ERROR);
    assert_int_equal(out[3].value, tw_value(3));
    assert_int_equal(out[9].value, tw_value(9));
    assert_int_equal(future_release(f), 0);
    futures_destroy(ex);
    tw_free(st);
}

struct cb_log {
    atomic_int calls;
    atomic_int last_state;
};

static void on_done(struct future *f, void *arg)
{
    struct cb_log *log = arg;
    atomic_store(&log->last_state, (int)future_state(f));
    atomic_fetch_add(&log->calls, 1);
}

/* One worker held by a gated task: what is queued behind it is pending
 * and can be cancelled; the running one cannot. */
static void test_cancel_and_callbacks(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    st->gate_from = 5;
    struct futures_executor *ex = make(st, 1, 8);
    struct cb_log run_log = { 0 }, cancel_log = { 0 }, late = { 0 };

    struct future *blocker = futures_submit(ex, 5);
    struct future *pending = futures_submit(ex, 1);
    assert_int_equal(future_add_done_callback(blocker, on_done, &run_log),
                     0);
    assert_int_equal(future_add_done_callback(pending, on_done,
                                              &cancel_log), 0);
    /* wait until the blocker is running (it takes the only worker) */
    while (future_state(blocker) != FUTURE_RUNNING)
        tw_sleep_us(1000);
    assert_int_equal(future_cancel(blocker), 0);
    assert_int_equal(future_cancel(pending), 1);
    assert_int_equal(future_cancel(pending), 1); /* idempotent */
    assert_int_equal(future_state(pending), FUTURE_CANCELLED);
    assert_int_equal(atomic_load(&cancel_log.calls), 1);
    assert_int_equal(atomic_load(&cancel_log.last_state), FUTURE_CANCELLED);
    struct task_result r;
    assert_int_equal(future_result(pending, -1, &r), TASK_CANCELLED);
    assert_int_equal(r.status, TASK_CANCELLED);
    /* the blocker is not done: result() times out */
    errno = 0;
    assert_int_equal(future_result(blocker, 0.01, &r), -1);
    assert_int_equal(errno, ETIMEDOUT);
    assert_int_equal(future_release(blocker), -1); /* not done */
    assert_int_equal(atomic_load(&run_log.calls), 0);
    /* a released cancelled future still queued is recycled safely */
    assert_int_equal(future_release(pending), 0);

    atomic_store(&st->gate_open, 1);
    assert_int_equal(future_result(blocker, -1, &r), TASK_OK);
    assert_int_equal(r.value, tw_value(5));
    while (atomic_load(&run_log.calls) == 0)
        tw_sleep_us(100);
    assert_int_equal(atomic_load(&run_log.last_state), FUTURE_FINISHED);
    /* a callback added after completion runs at once, here */
    assert_int_equal(future_add_done_callback(blocker, on_done, &late), 0);
    assert_int_equal(atomic_load(&late.calls), 1);
    assert_int_equal(future_release(blocker), 0);
    /* the cancelled task never ran */
    assert_int_equal(atomic_load(&st->runs[1]), 0);
    futures_destroy(ex);
    tw_free(st);
}

static void test_callback_limit(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    st->gate_from = 0;
    struct futures_executor *ex = make(st, 1, 4);
    struct cb_log log = { 0 };
    struct future *f = futures_submit(ex, 0);
    for (int k = 0; k < FUTURES_MAX_CALLBACKS; k++)
        assert_int_equal(future_add_done_callback(f, on_done, &log), 0);
    errno = 0;
    assert_int_equal(future_add_done_callback(f, on_done, &log), -1);
    assert_int_equal(errno, EBUSY);
    atomic_store(&st->gate_open, 1);
    assert_int_equal(future_result(f, -1, NULL), TASK_OK);
    assert_int_equal(future_release(f), 0); /* waits for callbacks */
    assert_int_equal(atomic_load(&log.calls), FUTURES_MAX_CALLBACKS);
    futures_destroy(ex);
    tw_free(st);
}

static void test_wait(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    st->gate_from = 5;
    struct futures_executor *ex = make(st, 2, 8);
    struct future *fs[2];
    fs[0] = futures_submit(ex, 5); /* gated */
    fs[1] = futures_submit(ex, 1);
    assert_true(futures_wait(fs, 2, FUTURES_FIRST_COMPLETED, -1) >= 1);
    assert_true(future_done(fs[1]));
    assert_false(future_done(fs[0]));
    /* ALL_COMPLETED cannot hold while the gate is shut */
    assert_int_equal(futures_wait(fs, 2, FUTURES_ALL_COMPLETED, 0.02), 1);
    atomic_store(&st->gate_open, 1);
    assert_int_equal(futures_wait(fs, 2, FUTURES_ALL_COMPLETED, -1), 2);
    assert_int_equal(futures_wait(fs, 0, FUTURES_ALL_COMPLETED, -1), 0);
    future_release(fs[0]);
    future_release(fs[1]);
    futures_destroy(ex);
    tw_free(st);
}

/* as_completed yields the gated task last, every future exactly once. */
static void test_as_completed(void **s)
{
    (void)s;
    enum { NF = 40 };
    struct tw_state *st = tw_new(NF + 1);
    st->gate_from = NF;
    struct futures_executor *ex = make(st, 2, NF + 1);
    struct future *fs[NF + 1];
    int seen[NF + 1] = { 0 };
    fs[0] = futures_submit(ex, NF); /* gated, submitted first */
    for (int i = 1; i <= NF; i++)
        fs[i] = futures_submit(ex, (uint64_t)i - 1);
    struct futures_iter *it = futures_as_completed(fs, NF + 1, 0);
    assert_non_null(it);
    for (int k = 0; k < NF; k++) {
        struct future *f = futures_iter_next(it, -1);
        assert_non_null(f);
        assert_true(future_done(f));
        assert_int_not_equal(future_first(f), NF);
        seen[future_first(f)]++;
    }
    errno = 0;
    assert_null(futures_iter_next(it, 0.02));
    assert_int_equal(errno, ETIMEDOUT);
    atomic_store(&st->gate_open, 1);
    struct future *last = futures_iter_next(it, -1);
    assert_ptr_equal(last, fs[0]);
    seen[NF]++;
    errno = 0;
    assert_null(futures_iter_next(it, -1)); /* exhausted */
    assert_int_equal(errno, 0);
    for (int i = 0; i <= NF; i++)
        assert_int_equal(seen[i], 1);
    futures_iter_free(it);
    for (int i = 0; i <= NF; i++)
        assert_int_equal(future_release(fs[i]), 0);
    futures_destroy(ex);
    tw_free(st);
}

/* One iteration over futures of two executors, pushed from both pools'
 * workers: every future comes out once with its value, and a push from
 * either wakes a parked next() (each executor's last task waits for a
 * gate, opened only once next() has timed out on them). */
static void test_as_completed_two_executors(void **s)
{
    (void)s;
    enum { NF = 2000 };
    struct tw_state *st = tw_new(2 * NF + 2);
    st->gate_from = 2 * NF;
    struct futures_executor *a = make(st, 2, NF + 1), *b = make(st, 3, NF + 1);
    /* batch 1: with more, next() may wait for gated futures that only
     * complete once it returns */
    struct futures_iter *it = futures_as_completed(NULL, 0, 2 * NF + 2);
    assert_non_null(it);
    for (uint64_t i = 0; i < NF; i++) {
        assert_non_null(futures_iter_submit(it, a, i));
        assert_non_null(futures_iter_submit(it, b, NF + i));
    }
    struct future *ga = futures_iter_submit(it, a, 2 * NF);
    struct future *gb = futures_iter_submit(it, b, 2 * NF + 1);
    assert_non_null(ga);
    assert_non_null(gb);
    for (int k = 0; k < 2 * NF + 2; k++) {
        if (k == 2 * NF) {
            errno = 0;
            assert_null(futures_iter_next(it, 0.02));
            assert_int_equal(errno, ETIMEDOUT);
            atomic_store(&st->gate_open, 1);
        }
        struct future *f = futures_iter_next(it, -1);
        assert_non_null(f);
        struct task_result r;
        assert_int_equal(future_result(f, 0, &r), TASK_OK);
        assert_int_equal(r.value, tw_value(future_first(f)));
        if (k >= 2 * NF)
            assert_true(f == ga || f == gb);
        assert_int_equal(future_release(f), 0);
    }
    errno = 0;
    assert_null(futures_iter_next(it, -1));
    assert_int_equal(errno, 0);
    for (uint64_t i = 0; i < 2 * NF + 2; i++)
        assert_int_equal(atomic_load(&st->runs[i]), 1);
    futures_iter_free(it);
    futures_destroy(a);
    futures_destroy(b);
    tw_free(st);
}

/* An iteration whose ring is far smaller than the run, so that a slot
 * is reused lap after lap: each future comes out once, with its own
 * value (a slot still holding the last lap's future must not pass for
 * this lap's); pending counts only what has not been pushed, and is 0
 * once all are yielded; gated futures stay pending until the gate. */
static void test_iter_laps_and_pending(void **s)
{
    (void)s;
    enum { CAP = 4, LAPS = 200, NT = CAP * LAPS };
    struct tw_state *st = tw_new(NT + CAP);
    st->gate_from = NT;
    struct futures_executor *ex = make(st, 2, 2 * CAP);
    struct futures_iter *it = futures_as_completed(NULL, 0, CAP);
    assert_non_null(it);
    for (uint64_t lap = 0; lap < LAPS; lap++) {
        for (uint64_t k = 0; k < CAP; k++)
            assert_non_null(futures_iter_submit(it, ex, lap * CAP + k));
        errno = 0;
        assert_null(futures_iter_submit(it, ex, 0)); /* full */
        assert_int_equal(errno, ENOSPC);
        for (uint64_t k = 0; k < CAP; k++) {
            struct future *f = futures_iter_next(it, -1);
            assert_non_null(f);
            uint64_t i = future_first(f);
            assert_true(i >= lap * CAP && i < (lap + 1) * CAP);
            struct task_result r;
            assert_int_equal(future_result(f, 0, &r), TASK_OK);
            assert_int_equal(r.value, tw_value(i));
            assert_int_equal(future_release(f), 0);
        }
        assert_int_equal(futures_iter_pending(it), 0);
    }
    for (uint64_t i = 0; i < NT; i++)
        assert_int_equal(atomic_load(&st->runs[i]), 1);
    /* one that is not gated, first in the ring, and three that are (two
     * run, one waits behind them) */
    assert_non_null(futures_iter_submit(it, ex, 0));
    for (uint64_t k = 0; k < 3; k++)
        assert_non_null(futures_iter_submit(it, ex, NT + k));
    struct future *f = futures_iter_next(it, -1);
    assert_int_equal(future_first(f), 0);
    assert_int_equal(future_release(f), 0);
    assert_int_equal(futures_iter_pending(it), 3);
    errno = 0;
    assert_null(futures_iter_next(it, 0.01));
    assert_int_equal(errno, ETIMEDOUT);
    assert_int_equal(futures_iter_pending(it), 3);
    atomic_store(&st->gate_open, 1);
    for (int k = 0; k < 3; k++) {
        f = futures_iter_next(it, -1);
        assert_non_null(f);
        assert_true(future_first(f) >= NT);
        assert_int_equal(future_release(f), 0);
    }
    assert_int_equal(futures_iter_pending(it), 0);
    futures_iter_free(it);
    futures_destroy(ex);
    tw_free(st);
}

static void test_shutdown(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    st->gate_from = 9;
    struct futures_executor *ex = make(st, 1, 8);
    struct future *run = futures_submit(ex, 9);
    while (future_state(run) != FUTURE_RUNNING)
        tw_sleep_us(1000);
    struct future *fs[4];
    for (int i = 0; i < 4; i++)
        fs[i] = futures_submit(ex, (uint64_t)i);
    futures_shutdown(ex, FUTURES_CANCEL_PENDING);
    for (int i = 0; i < 4; i++)
        assert_int_equal(future_state(fs[i]), FUTURE_CANCELLED);
    errno = 0;
    assert_null(futures_submit(ex, 0));
    assert_int_equal(errno, ESHUTDOWN);
    atomic_store(&st->gate_open, 1);
    futures_shutdown(ex, FUTURES_WAIT); /* waits for the running one */
    assert_int_equal(future_state(run), FUTURE_FINISHED);
    assert_int_equal(future_result(run, 0, NULL), TASK_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(atomic_load(&st->runs[i]), 0);
    futures_destroy(ex);
    tw_free(st);
}

static void test_capacity(void **s)
{
    (void)s;
    struct tw_state *st = tw_new(10);
    struct futures_executor *ex = make(st, 2, 3);
    struct future *fs[3];
    for (int i = 0; i < 3; i++)
        assert_non_null(fs[i] = futures_submit(ex, (uint64_t)i));
    errno = 0;
    assert_null(futures_submit(ex, 3));
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(future_result(fs[1], -1, NULL), TASK_OK);
    assert_int_equal(future_release(fs[1]), 0);
    struct future *f = futures_submit(ex, 3);
    assert_non_null(f);
    assert_int_equal(future_result(f, -1, NULL), TASK_OK);
    future_release(f);
    future_result(fs[0], -1, NULL);
    future_result(fs[2], -1, NULL);
    future_release(fs[0]);
    future_release(fs[2]);
    futures_destroy(ex);
    tw_free(st);
}

/* Many submissions through a small slab, consumed by as_completed with a
 * sliding window, from several worker counts: each task once. */
static void test_churn(void **s)
{
    (void)s;
    enum { NT = 20000, CAP = 64 };
    for (unsigned w = 1; w <= 5; w += 2) {
        struct tw_state *st = tw_new(NT);
        struct futures_executor *ex = make(st, w, CAP);
        struct futures_iter *it = futures_as_completed(NULL, 0, CAP);
        futures_iter_set_batch(it, 8);
        uint64_t next = 0, got = 0, sum = 0;
        while (got < NT) {
            while (next < NT && next - got < CAP) {
                struct future *f = futures_submit(ex, next);
                assert_non_null(f);
                assert_int_equal(futures_iter_add(it, f), 0);
                next++;
            }
            struct future *f = futures_iter_next(it, -1);
            assert_non_null(f);
            struct task_result r;
            assert_int_equal(future_result(f, 0, &r), TASK_OK);
            sum += r.value;
            /* a one-task future keeps its result: the same as result()'s */
            assert_int_equal(future_results(f)->value, r.value);
            assert_int_equal(future_release(f), 0);
            got++;
        }
        uint64_t want = 0;
        for (uint64_t i = 0; i < NT; i++) {
            want += tw_value(i);
            assert_int_equal(atomic_load(&st->runs[i]), 1);
        }
        assert_int_equal(sum, want);
        futures_iter_free(it);
        futures_destroy(ex);
        tw_free(st);
    }
}

/* Bursts submitted held (futures_hold), as the executor refills its
 * window: tiny futures, groups cut short by hold(0), workers that park
 * between bursts, one future in 97 cancelled while it is held; as_completed
 * must still get every one exactly once, and a cancelled one never runs. */
static void test_held_bursts(void **s)
{
    (void)s;
    enum { NT = 30000, CAP = 256 };
    for (unsigned w = 1; w <= 5; w += 2) {
        struct tw_state *st = tw_new(NT);
        struct futures_executor *ex = make(st, w, CAP);
        struct futures_iter *it = futures_as_completed(NULL, 0, CAP);
        struct task_result *out = calloc(NT, sizeof(*out));
        assert_non_null(out);
        futures_iter_set_batch(it, 16);
        uint64_t next = 0, got = 0, sum = 0, ncancelled = 0;
        while (got < NT) {
            if (next - got <= CAP / 2) {
                futures_hold(ex, 1);
                /* bursts of uneven length, down to one future; the first
                 * of a burst is still held when cancelled (a group puts
                 * FX_HELD in at once, the burst's first when it is full) */
                uint64_t burst = 1 + (next * 7) % CAP, k = 0;
                while (next < NT && next - got < CAP && burst-- > 0) {
                    struct future *f = futures_iter_submit_range(
                        it, ex, next, 1, &out[next]);
                    if (f == NULL) {
                        /* a cancelled future is free again only once a
                         * worker has taken it out of the ring */
                        assert_int_equal(errno, EAGAIN);
                        break;
                    }
                    if (k++ == 0 && next % 5 == 0)
                        assert_int_equal(future_cancel(f), 1);
                    next++;
                }
                futures_hold(ex, 0);
            }
            if (got == next) {
                sched_yield();
                continue;
            }
            struct future *f = futures_iter_next(it, -1);
            assert_non_null(f);
            assert_int_equal(future_count(f), 1);
            assert_ptr_equal(future_results(f), &out[future_first(f)]);
            uint64_t i = future_first(f);
            if (future_state(f) == FUTURE_CANCELLED) {
                assert_int_equal(atomic_load(&st->runs[i]), 0);
                ncancelled++;
            } else {
                sum += out[i].value;
            }
            assert_int_equal(future_release(f), 0);
            got++;
        }
        assert_true(ncancelled > 0);
        uint64_t want = 0;
        for (uint64_t i = 0; i < NT; i++) {
            if (atomic_load(&st->runs[i]) == 0)
                continue; /* cancelled, checked above */
            want += tw_value(i);
            assert_int_equal(atomic_load(&st->runs[i]), 1);
        }
        assert_int_equal(sum, want);
        futures_iter_free(it);
        futures_destroy(ex);
        free(out);
        tw_free(st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_values),
        cmocka_unit_test(test_error_propagation),
        cmocka_unit_test(test_cancel_and_callbacks),
        cmocka_unit_test(test_callback_limit),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_as_completed),
        cmocka_unit_test(test_as_completed_two_executors),
        cmocka_unit_test(test_iter_laps_and_pending),
        cmocka_unit_test(test_shutdown),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_churn),
        cmocka_unit_test(test_held_bursts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
