/* test_stats.c - statistics against values worked out by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"

#include "stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_median_odd_even(void **state)
{
    (void)state;
    double odd[] = { 3, 1, 2 };
    double even[] = { 4, 1, 3, 2 };
    double one[] = { 7.5 };
    assert_double_equal(stats_median(odd, N(odd)), 2.0, 1e-12);
    assert_double_equal(stats_median(even, N(even)), 2.5, 1e-12);
    assert_double_equal(stats_median(one, 1), 7.5, 1e-12);
    assert_true(isnan(stats_median(odd, 0)));
    /* The input is not reordered. */
    assert_double_equal(odd[0], 3, 0);
    assert_double_equal(odd[1], 1, 0);
}

static void test_mean_stddev(void **state)
{
    (void)state;
    double v[] = { 1, 2, 3, 4 };
    struct stats_summary s;
    assert_int_equal(stats_summarize(v, N(v), &s), 0);
    assert_double_equal(s.mean, 2.5, 1e-12);
    /* sqrt(((1.5^2 + 0.5^2) * 2) / 3) = sqrt(5/3) */
    assert_double_equal(s.stddev, sqrt(5.0 / 3.0), 1e-12);
    assert_double_equal(s.min, 1, 0);
    assert_double_equal(s.max, 4, 0);
    assert_int_equal(s.n, 4);
}

static void test_mad(void **state)
{
    (void)state;
    /* median 3; |x - 3| = 2,1,0,1,97 -> sorted 0,1,1,2,97 -> 1 */
    double v[] = { 1, 2, 3, 4, 100 };
    assert_double_equal(stats_mad(v, N(v)), 1.0, 1e-12);
    /* median 2.5; deviations 1.5,0.5,0.5,1.5 -> 1.0 */
    double w[] = { 1, 2, 3, 4 };
    assert_double_equal(stats_mad(w, N(w)), 1.0, 1e-12);
}

static void test_ci_ranks(void **state)
{
    (void)state;
    size_t lo, hi;
    double cov;
    /* n = 5: even [min, max] covers only 1 - 2/32. */
    stats_median_ci_ranks(5, 0.95, &lo, &hi, &cov);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 5);
    assert_double_equal(cov, 1 - 2.0 / 32, 1e-12);
    /* n = 6: P(B <= 0) = 1/64 <= 0.025 < P(B <= 1) = 7/64. */
    stats_median_ci_ranks(6, 0.95, &lo, &hi, &cov);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 6);
    assert_double_equal(cov, 1 - 2.0 / 64, 1e-12);
    /* n = 10: P(B <= 1) = 11/1024, P(B <= 2) = 56/1024. */
    stats_median_ci_ranks(10, 0.95, &lo, &hi, &cov);
    assert_int_equal(lo, 2);
    assert_int_equal(hi, 9);
    assert_double_equal(cov, 1 - 22.0 / 1024, 1e-12);
    /* n = 20: P(B <= 5) = 21700/2^20 <= 0.025 < P(B <= 6). */
    stats_median_ci_ranks(20, 0.95, &lo, &hi, &cov);
    assert_int_equal(lo, 6);
    assert_int_equal(hi, 15);
    assert_double_equal(cov, 1 - 2 * 21700.0 / 1048576, 1e-12);
}

static void test_ci_values(void **state)
{
    (void)state;
    double v[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
    struct stats_summary s;
    assert_int_equal(stats_summarize(v, N(v), &s), 0);
    assert_double_equal(s.median, 5.5, 1e-12);
    assert_double_equal(s.ci95_low, 2, 0);  /* 2nd smallest */
    assert_double_equal(s.ci95_high, 9, 0); /* 9th smallest */
}

static void test_outliers(void **state)
{
    (void)state;
    /* median 11, MAD 1: 50 has z = 0.6745 * 39 = 26.3 > 3.5. */
    double v[] = { 10, 11, 10, 12, 11, 10, 50 };
    assert_int_equal(stats_outliers(v, N(v)), 1);
    /* MAD 0: the scale falls back to sqrt(pi/2) x MeanAD. By hand:
     * median 5, MeanAD 4/5 = 0.8, scale 1.0027, |9 - 5| / 1.0027 = 3.99
     * > 3.5: the 9 is an outlier (it was 0 before: no rule at all). */
    double flat[] = { 5, 5, 5, 5, 9 };
    assert_int_equal(stats_outliers(flat, N(flat)), 1);
    /* Three equal, one apart: MeanAD 1, 4 / 1.2533 = 3.19 <= 3.5. */
    double four[] = { 5, 5, 5, 9 };
    assert_int_equal(stats_outliers(four, N(four)), 0);
    double same[] = { 5, 5, 5, 5 };
    assert_int_equal(stats_outliers(same, N(same)), 0);
    double calm[] = { 10, 11, 12, 13, 14 };
    assert_int_equal(stats_outliers(calm, N(calm)), 0);
}

/* The level the median's interval really reaches, by hand from the
 * binomial(n, 1/2) law: [min, max] of n covers 1 - 2 / 2^n; from n = 6
 * the 95% ranks are used (n = 6: [x1, x6], 1 - 2/64; n = 9: [x2, x8],
 * 1 - 2 (1 + 9) / 512). With 3 or fewer samples there is no interval. */
static void test_ci_level(void **state)
{
    (void)state;
    double v[] = { 3, 1, 4, 1.5, 5, 9, 2, 6, 5.5 };
    struct stats_summary s;
    for (size_t n = 1; n <= 3; n++) {
        assert_int_equal(stats_summarize(v, n, &s), 0);
        assert_true(isnan(s.ci_level));
    }
    assert_int_equal(stats_summarize(v, 4, &s), 0);
    assert_double_equal(s.ci_level, 0.875, 1e-12);
    assert_int_equal(stats_summarize(v, 5, &s), 0);
    assert_double_equal(s.ci_level, 0.9375, 1e-12);
    assert_int_equal(stats_summarize(v, 6, &s), 0);
    assert_double_equal(s.ci_level, 1 - 2.0 / 64, 1e-12);
    assert_int_equal(stats_summarize(v, 9, &s), 0);
    assert_double_equal(s.ci_level, 1 - 2.0 * 10 / 512, 1e-12);
    assert_double_equal(s.ci95_low, 1.5, 0);
    assert_double_equal(s.ci95_high, 6, 0);
    assert_double_equal(s.stddev, 2.559025, 1e-6); /* python statistics */
    /* +-PCT% means both ends within PCT% of the median 4: the interval
     * [1.5, 6] reaches 2.5 below, 62.5% (its half-width is 56.25%). */
    assert_double_equal(stats_ci_pct(&s), 62.5, 1e-9);
    assert_int_equal(stats_summarize(v, 3, &s), 0);
    assert_true(isinf(stats_ci_pct(&s)));
}

/* The ratio estimate is Hodges-Lehmann on the log scale: of the ratios
 * 1 and 4 it is their geometric mean 2 (the arithmetic median was 2.5),
 * and with 4 vs 4 samples the interval's level is 1 - 2/70 (c = 1). */
static void test_ratio_log_scale(void **state)
{
    (void)state;
    double one[] = { 1 }, two[] = { 1, 4 }, est, lo, hi;
    assert_int_equal(stats_ratio_ci(one, 1, two, 2, 0.95, &est, &lo, &hi),
                     1);
    assert_double_equal(est, 2, 1e-12);
    assert_double_equal(stats_ratio_ci_level(4, 4, 0.95), 1 - 2.0 / 70,
                        1e-12);
    assert_true(isnan(stats_ratio_ci_level(3, 3, 0.95)));
    assert_true(isnan(stats_ratio_ci_level(3, 4, 0.95)));
}

static void test_single_and_empty(void **state)
{
    (void)state;
    double one[] = { 4.25 };
    struct stats_summary s;
    assert_int_equal(stats_summarize(one, 1, &s), 0);
    assert_double_equal(s.median, 4.25, 0);
    /* One sample has no spread and no interval: undefined, not 0. */
    assert_true(isnan(s.stddev));
    assert_true(isnan(s.ci_level));
    assert_double_equal(s.mad, 0, 0);
    assert_int_equal(stats_summarize(one, 0, &s), -1);
    assert_int_equal(s.n, 0);
}

/* The smallest p of the U test, against python3: 2 / comb(nx + ny, nx)
 * where exact, erfc((nx ny / 2 - 1/2) / sd / sqrt 2) beyond 20 a side. */
static void test_mwu_min_p(void **state)
{
    (void)state;
    /* Issue #18's figure: 7 vs 8 repetitions. */
    assert_double_equal(stats_mwu_min_p(7, 8), 0.0003108003108003108,
                        1e-15);
    assert_double_equal(stats_mwu_min_p(5, 5), 0.007936507936507936,
                        1e-15);
    assert_double_equal(stats_mwu_min_p(25, 30), 2.448351076788867e-10,
                        1e-18);
    assert_double_equal(stats_mwu_min_p(0, 5), 1.0, 0);
    /* It is what the test gives at complete separation. */
    double x[5] = { 1, 2, 3, 4, 5 }, y[5] = { 6, 7, 8, 9, 10 };
    struct stats_mwu m;
    assert_int_equal(stats_mann_whitney(x, 5, y, 5, &m), 0);
    assert_double_equal(m.p, stats_mwu_min_p(5, 5), 1e-15);
}

static void test_norm_quantile(void **state)
{
    (void)state;
    assert_double_equal(stats_norm_quantile(0.975), 1.959963984540054,
                        1e-9);
    assert_double_equal(stats_norm_quantile(0.8), 0.8416212335729143,
                        1e-9);
    assert_double_equal(stats_norm_quantile(0.5), 0.0, 1e-9);
    assert_true(isinf(stats_norm_quantile(0)));
}

/* The signed-rank null law for n = 3, counted by hand: subsets of
 * {1, 2, 3} by sum are {}, {1}, {2}, {3}|{1,2}, {1,3}, {2,3}, {1,2,3}. */
static void test_wsr_counts(void **state)
{
    (void)state;
    double c[7];
    const double want[7] = { 1, 1, 1, 2, 1, 1, 1 };
    assert_int_equal(stats_wsr_counts(3, c), 0);
    for (int k = 0; k < 7; k++)
        assert_double_equal(c[k], want[k], 0);
    double big[STATS_WSR_EXACT_MAX * (STATS_WSR_EXACT_MAX + 1) / 2 + 1];
    assert_int_equal(stats_wsr_counts(STATS_WSR_EXACT_MAX, big), 0);
    double total = 0;
    for (size_t k = 0; k < sizeof(big) / sizeof(*big); k++)
        total += big[k];
    assert_double_equal(total, ldexp(1.0, STATS_WSR_EXACT_MAX), 0);
    assert_int_equal(stats_wsr_counts(STATS_WSR_EXACT_MAX + 1, big), -1);
}

static void test_wilcoxon_exact(void **state)
{
    (void)state;
    struct stats_wsr w;
    /* All five positive: T = 15, p = 2 / 2^5, the smallest there is. */
    double up[] = { 0.1, 0.2, 0.3, 0.4, 0.5 };
    assert_int_equal(stats_wilcoxon(up, 5, &w), 0);
    assert_true(w.exact);
    assert_double_equal(w.w_plus, 15, 0);
    assert_double_equal(w.p, 0.0625, 1e-15);
    assert_double_equal(w.p_min, 0.0625, 1e-15);
    /* {-1, 2, 3}: T = 2 + 3 = 5; P(T >= 5) = 2/8, so p = 0.5. */
    double mixed[] = { -1, 2, 3 };
    assert_int_equal(stats_wilcoxon(mixed, 3, &w), 0);
    assert_double_equal(w.w_plus, 5, 0);
    assert_double_equal(w.p, 0.5, 1e-15);
    /* Symmetric: p = 1. */
    double sym[] = { -1, 1.5, -2, 2.5, -3, 3.5, 4, -4.5 };
    assert_int_equal(stats_wilcoxon(sym, 8, &w), 0);
    assert_double_equal(w.w_plus, 2 + 4 + 6 + 7, 0);
    assert_true(w.p > 0.5);
}

/* A zero is dropped and forces the normal law: n = 2, T = 3, mu = 1.5,
 * sigma^2 = 2 * 3 * 5 / 24 = 1.25, z = (1.5 - 0.5) / sqrt(1.25). */
static void test_wilcoxon_normal(void **state)
{
    (void)state;
    struct stats_wsr w;
    double d[] = { 0, 1, 2 };
    assert_int_equal(stats_wilcoxon(d, 3, &w), 0);
    assert_false(w.exact);
    assert_int_equal(w.zeros, 1);
    assert_int_equal(w.n, 2);
    assert_double_equal(w.p, 0.37109336952269767, 1e-12);
    /* Ties: |d| = 1, 1 share rank 1.5; T = 1.5 + 3 = 4.5. */
    double t[] = { 1, -1, 2 };
    assert_int_equal(stats_wilcoxon(t, 3, &w), 0);
    assert_false(w.exact);
    assert_double_equal(w.w_plus, 4.5, 0);
    double none[] = { 0, 0 };
    assert_int_equal(stats_wilcoxon(none, 2, &w), 0);
    assert_double_equal(w.p, 1, 0);
    assert_double_equal(w.p_min, 1, 0);
}

/* Walsh averages of {1, 2, 3}: 1, 1.5, 2, 2, 2.5, 3; median 2. Three
 * pairs cannot reach 95% (P(T <= 0) = 1/8 > 0.025): [min, max]. With
 * 8 pairs c = 4 (P(T <= 3) = 5/256 <= 0.025 < P(T <= 4) = 7/256). */
static void test_walsh_ci(void **state)
{
    (void)state;
    double est, lo, hi;
    double d[] = { 1, 2, 3 };
    assert_int_equal(stats_walsh_ci(d, 3, 0.95, &est, &lo, &hi), 1);
    assert_double_equal(est, 2, 0);
    assert_double_equal(lo, 1, 0);
    assert_double_equal(hi, 3, 0);
    double e[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    assert_int_equal(stats_walsh_ci(e, 8, 0.95, &est, &lo, &hi), 0);
    assert_double_equal(est, 4.5, 0);
    /* Sorted Walsh averages of 1..8 start 1, 1.5, 2, 2, 2.5, 2.5, 3. */
    assert_double_equal(lo, 2, 0);
    assert_double_equal(hi, 7, 0);
    assert_int_equal(stats_walsh_ci(e, 0, 0.95, &est, &lo, &hi), -1);
}

/* (z(0.975) + z(0.8)) * 1.4826 MAD / sqrt(n * 3 / pi), MAD 1, n 5. */
static void test_detectable(void **state)
{
    (void)state;
    double d[] = { 0, 1, 2, 3, 4 };
    assert_double_equal(stats_norm_quantile(0.975), 1.959963984540054,
                        1e-9);
    assert_double_equal(stats_norm_quantile(0.5), 0, 1e-12);
    assert_double_equal(stats_wsr_detectable(d, 5, 0.05, 0.8),
                        1.9008906736167892, 1e-6);
    assert_true(isinf(stats_wsr_detectable(d, 1, 0.05, 0.8)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median_odd_even),
        cmocka_unit_test(test_mean_stddev),
        cmocka_unit_test(test_mad),
        cmocka_unit_test(test_ci_ranks),
        cmocka_unit_test(test_ci_values),
        cmocka_unit_test(test_outliers),
        cmocka_unit_test(test_single_and_empty),
        cmocka_unit_test(test_ci_level),
        cmocka_unit_test(test_ratio_log_scale),
        cmocka_unit_test(test_mwu_min_p),
        cmocka_unit_test(test_norm_quantile),
        cmocka_unit_test(test_wsr_counts),
        cmocka_unit_test(test_wilcoxon_exact),
        cmocka_unit_test(test_wilcoxon_normal),
        cmocka_unit_test(test_walsh_ci),
        cmocka_unit_test(test_detectable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
