/* test_noise_live.c - the noise meter on the real machine: it sees a
 * busy process that is not ours, and our own work is not foreign. Timing
 * and load dependent (a child must get CPU time within a second), so in
 * the `measure` suite, not `unit`; the arithmetic is in test_noise.c. */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "noise.h"

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) *
                                             1e9) };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* A child spins for a second while we sleep: its CPU time is foreign to
 * us (it is not reaped inside the interval) and must show. */
static void test_sees_busy_child(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        volatile uint64_t x = 0;
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        do {
            for (int k = 0; k < 100000; k++)
                x += (uint64_t)k;
            clock_gettime(CLOCK_MONOTONIC, &t);
        } while ((double)(t.tv_sec - t0.tv_sec) < 3.0);
        _exit(0);
    }
    sleep_s(0.2);
    noise_snap(&a);
    assert_true(a.have_stat);
    sleep_s(1.0);
    noise_snap(&b);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 0, &r);
    /* The child had at least a good part of one CPU for a second. */
    assert_true(r.foreign_cpu_s > 0.3);
    assert_true(r.cpus_available >= 0 &&
                r.cpus_available <= sysconf(_SC_NPROCESSORS_ONLN) - 0.3);
}

/* Our own work is not foreign: spinning ourselves leaves foreign small
 * relative to what we used. */
static void test_own_work_is_not_foreign(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    volatile uint64_t x = 0;
    noise_snap(&a);
    /* Until we used 0.3 CPU-seconds (however long a loaded machine
     * takes to give them), at most 30 s. */
    do {
        for (int k = 0; k < 100000; k++)
            x += (uint64_t)k;
        noise_snap(&b);
    } while (b.own_s - a.own_s < 0.3 && b.mono_s - a.mono_s < 30);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 1.0, &r);
    assert_true(b.own_s - a.own_s > 0.2);
    /* Capped by the limit given. */
    assert_true(r.cpus_available <= 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sees_busy_child),
        cmocka_unit_test(test_own_work_is_not_foreign),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
