/* test_noise.c - the noise meter sees a busy process that is not ours,
 * and its sources give sane values. Nothing depends on how fast the
 * machine is: the busy work is measured in CPU time, not wall time. */
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

/* The child's own CPU time, in seconds. */
static double own_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A child spins while we wait: its CPU time is foreign to us (it is not
 * reaped inside the interval) and must show. The child says when it has
 * started and when it has used 0.5 s more of CPU, however long a busy
 * machine makes that take: the interval holds that CPU time for sure. */
static void test_sees_busy_child(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    int go[2], done[2];
    char c;
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        volatile uint64_t x = 0;
        close(go[0]);
        close(done[0]);
        if (write(go[1], "g", 1) != 1)
            _exit(1);
        /* Reading the pipe, the parent snaps a; then 0.6 s of CPU. */
        double t0 = own_cpu_s();
        while (own_cpu_s() - t0 < 0.6)
            for (int k = 0; k < 100000; k++)
                x += (uint64_t)k;
        if (write(done[1], "d", 1) != 1)
            _exit(1);
        for (;;)
            for (int k = 0; k < 100000; k++)
                x += (uint64_t)k;
    }
    close(go[1]);
    close(done[1]);
    assert_int_equal(read(go[0], &c, 1), 1);
    noise_snap(&a);
    assert_true(a.have_stat);
    assert_int_equal(read(done[0], &c, 1), 1);
    noise_snap(&b);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(go[0]);
    close(done[0]);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 0, &r);
    /* The child used at least 0.6 s of CPU, less what it used before a
     * (the time between its write and our snapshot). */
    assert_true(r.foreign_cpu_s > 0.3);
    assert_true(r.steal_s >= 0);
    assert_true(r.cpus_available >= 0 &&
                r.cpus_available <= sysconf(_SC_NPROCESSORS_ONLN) - 0.3);
}

/* Our own work is counted as ours: spinning for 0.3 s of our CPU time
 * (measured apart, however long that takes on a busy machine) shows in
 * own_s, and the CPUs available are capped by the limit given. */
static void test_own_work_is_not_foreign(void **state)
{
    (void)state;
    struct noise_snap a, b;
    struct noise_rep r;
    volatile uint64_t x = 0;
    noise_snap(&a);
    double t0 = own_cpu_s();
    while (own_cpu_s() - t0 < 0.3)
        for (int k = 0; k < 100000; k++)
            x += (uint64_t)k;
    noise_snap(&b);
    noise_between(&a, &b, sysconf(_SC_NPROCESSORS_ONLN), 1.0, &r);
    assert_true(b.own_s - a.own_s > 0.25);
    /* Capped by the limit given. */
    assert_true(r.cpus_available <= 1.0);
}

static void test_sources(void **state)
{
    (void)state;
    uint64_t thr;
    double thr_s;
    double q = noise_cpu_quota(&thr, &thr_s);
    assert_true(isnan(q) || q > 0);
    assert_true(noise_affinity_count() >= 1);
    double p = noise_probe_s();
    /* A few tenths of a millisecond on an idle CPU; a busy machine only
     * slows it, so the bound only catches a unit gone wrong (ns). */
    assert_true(p > 0 && p < 60.0);
    struct noise_hw hw;
    uint64_t c, i;
    noise_hw_open(&hw);
    if (hw.fd_cycles >= 0)
        assert_int_equal(noise_hw_read(&hw, &c, &i), 0);
    else
        assert_true(hw.why[0] != '\0');
    noise_hw_close(&hw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sees_busy_child),
        cmocka_unit_test(test_own_work_is_not_foreign),
        cmocka_unit_test(test_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
