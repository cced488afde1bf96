/* test_noise.c - the noise meter's arithmetic on made-up snapshots
 * (exact), and its sources give sane values. The live cases, which need
 * the machine's timing, are in test_noise_live.c (suite `measure`). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "noise.h"

static struct noise_snap snap(double mono, double busy, double steal,
                              double own)
{
    struct noise_snap s = { mono, busy, steal, own, 1 };
    return s;
}

/* 2 s on 4 CPUs: others took 3 - 0.5 = 2.5 CPU-seconds, the hypervisor
 * 0.5; so 4 - (2.5 + 0.5) / 2 = 2.5 CPUs were ours. */
static void test_between(void **state)
{
    (void)state;
    struct noise_snap a = snap(10, 100, 7, 1);
    struct noise_snap b = snap(12, 103, 7.5, 1.5);
    struct noise_rep r;
    noise_between(&a, &b, 4, 0, &r);
    assert_true(fabs(r.foreign_cpu_s - 2.5) < 1e-12);
    assert_true(fabs(r.steal_s - 0.5) < 1e-12);
    assert_true(fabs(r.cpus_available - 2.5) < 1e-12);
    /* Capped by the limit (affinity, quota). */
    noise_between(&a, &b, 4, 1.5, &r);
    assert_true(fabs(r.cpus_available - 1.5) < 1e-12);
    /* More own time than the machine counted (rusage and ticks sampled
     * apart) is rounding: no foreign time, never negative. A steal
     * counter that went back (a VM migrated) is none. */
    b = snap(12, 100.5, 6, 1.6);
    noise_between(&a, &b, 4, 0, &r);
    assert_true(r.foreign_cpu_s == 0);
    assert_true(r.steal_s == 0);
    assert_true(fabs(r.cpus_available - 4) < 1e-12);
    /* Everything taken: 0 CPUs, not a negative count. */
    b = snap(11, 110, 8, 1);
    noise_between(&a, &b, 4, 0, &r);
    assert_true(r.cpus_available == 0);
}

/* Without /proc/stat, or with no time between, everything is unknown. */
static void test_unknown(void **state)
{
    (void)state;
    struct noise_snap a = snap(10, 100, 7, 1);
    struct noise_snap b = snap(12, 103, 7.5, 1.5);
    struct noise_rep r;
    b.have_stat = 0;
    noise_between(&a, &b, 4, 0, &r);
    assert_true(isnan(r.foreign_cpu_s) && isnan(r.steal_s) &&
                isnan(r.cpus_available));
    b = snap(10, 103, 7.5, 1.5);
    noise_between(&a, &b, 4, 0, &r);
    assert_true(isnan(r.cpus_available));
    b = snap(12, 103, 7.5, 1.5);
    noise_between(&a, &b, 0, 0, &r);
    assert_true(isnan(r.foreign_cpu_s));
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
        cmocka_unit_test(test_between),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
