/* test_compare.c - the Mann-Whitney U test and the ratio interval against
 * reference values, and compare / merge on synthetic results files that
 * the tests write themselves (deterministic; no timing involved). */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"

#include "cli.h"
#include "compare.h"
#include "fs.h"
#include "merge.h"
#include "results.h"
#include "stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Mann-Whitney U -----------------------------------------------------
 * Reference p-values without ties were computed in python3 by exact
 * enumeration: every C(n1 + n2, n1) choice of ranks for the first sample
 * gives one U = rank sum - n1 (n1 + 1) / 2, and p = 2 min(#{U <= u},
 * #{U >= u}) / C(n1 + n2, n1), capped at 1. With ties, the references
 * are the textbook normal approximation written out independently in
 * python3: midranks, sigma^2 = n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N
 * (N - 1))), z = (|U - n1 n2 / 2| - 0.5) / sigma, p = erfc(z / sqrt 2). */

static void check_mwu(const double *x, size_t nx, const double *y,
                      size_t ny, double u, double p, int exact)
{
    struct stats_mwu r;
    assert_int_equal(stats_mann_whitney(x, nx, y, ny, &r), 0);
    assert_double_equal(r.u, u, 1e-9);
    assert_double_equal(r.p, p, 1e-12);
    assert_int_equal(r.exact, exact);
    /* Swapping the samples mirrors U and keeps p. */
    assert_int_equal(stats_mann_whitney(y, ny, x, nx, &r), 0);
    assert_double_equal(r.u, (double)(nx * ny) - u, 1e-9);
    assert_double_equal(r.p, p, 1e-12);
}

static void test_mwu_exact(void **state)
{
    (void)state;
    /* Complete separation, 5 vs 5: 2 / 252. */
    double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
    check_mwu(a, 5, b, 5, 0, 2.0 / 252.0, 1);
    /* U = 2 at n1 = n2 = 5 is the textbook two-sided 5% critical value:
     * p = 8 / 252 < 0.05, while U = 3 gives 14 / 252 > 0.05. */
    double c[] = { 1, 2, 3, 5, 6 }, d[] = { 4, 7, 8, 9, 10 };
    check_mwu(c, 5, d, 5, 2, 0.031746031746031744, 1);
    double c3[] = { 1, 2, 4, 6, 5.5 }, d3[] = { 3, 7, 8, 9, 10 };
    check_mwu(c3, 5, d3, 5, 3, 0.055555555555555552, 1);
    double e[] = { 1.1, 2.5, 3.2, 6.0, 9.1 };
    double f[] = { 4.4, 5.0, 7.7, 8.3, 10.2 };
    check_mwu(e, 5, f, 5, 6, 0.22222222222222221, 1);
    /* Unequal sizes, 3 vs 7 (120 orderings). */
    double g[] = { 0.5, 2.2, 7.1 };
    double h[] = { 1.0, 1.5, 3.3, 4.4, 5.5, 6.6, 8.8 };
    check_mwu(g, 3, h, 7, 8, 0.66666666666666663, 1);
    /* 10 vs 10 shifted by 3.5 steps: 184756 orderings enumerated. */
    double x[10], y[10];
    for (int k = 0; k < 10; k++) {
        x[k] = 1.0 + 0.01 * k;
        y[k] = 1.035 + 0.01 * k;
    }
    check_mwu(x, 10, y, 10, 21, 0.028805559765312086, 1);
}

static void test_mwu_counts(void **state)
{
    (void)state;
    double c[5];
    /* 2 vs 2: orderings xxyy.. give U = 0,1,2,2,3,4 -> 1 1 2 1 1. */
    assert_int_equal(stats_mwu_counts(2, 2, c), 0);
    double want[] = { 1, 1, 2, 1, 1 };
    for (size_t k = 0; k < N(want); k++)
        assert_double_equal(c[k], want[k], 0);
    /* Totals are binomial coefficients, and the law is symmetric. */
    double big[401], total = 0;
    assert_int_equal(stats_mwu_counts(20, 20, big), 0);
    for (int k = 0; k <= 400; k++) {
        total += big[k];
        assert_double_equal(big[k], big[400 - k], 0);
    }
    assert_double_equal(total, 137846528820.0, 0); /* C(40, 20) */
    assert_int_equal(stats_mwu_counts(40, 21, big), -1);
}

static void test_mwu_ties_and_normal(void **state)
{
    (void)state;
    double a[] = { 1, 2, 2, 3, 4 }, b[] = { 2, 3, 3, 5, 6 };
    check_mwu(a, 5, b, 5, 6, 0.19882894401644238, 0);
    double c[] = { 10, 10, 10, 20, 20, 30 };
    double d[] = { 10, 20, 30, 30, 40, 40, 40 };
    check_mwu(c, 6, d, 7, 7.5, 0.055372145517240158, 0);
    /* Everything tied: no evidence at all. */
    double e[] = { 5, 5, 5, 5, 5 };
    check_mwu(e, 5, e, 5, 12.5, 1.0, 0);
    /* 25 vs 25 without ties is past the exact limit. */
    double x[25], y[25];
    for (int k = 0; k < 25; k++) {
        x[k] = k;
        y[k] = k + 7.5;
    }
    check_mwu(x, 25, y, 25, 153, 0.0020351578072783831, 0);
    struct stats_mwu r;
    assert_int_equal(stats_mann_whitney(x, 0, y, 25, &r), -1);
}

/* ---- ratio interval -----------------------------------------------------
 * References from python3: the sorted 25 ratios new_j / base_i; the
 * critical c = 3 for 5 vs 5 at 95% (the largest k with P(U <= k - 1) <=
 * 0.025 by exact enumeration; likewise c = 24 for 10 vs 10, matching
 * the tabled two-sided 5% critical U of 23). */

static void test_ratio_ci(void **state)
{
    (void)state;
    double base[] = { 10.0, 10.1, 9.9, 10.2, 9.8 };
    double new_v[] = { 12.3, 11.9, 12.0, 12.6, 12.1 };
    double est, lo, hi;
    assert_int_equal(stats_ratio_ci(base, 5, new_v, 5, 0.95, &est, &lo,
                                    &hi), 0);
    assert_double_equal(est, 1.2142857142857142, 1e-12);
    assert_double_equal(lo, 1.1782178217821784, 1e-12);
    assert_double_equal(hi, 1.26, 1e-12);
    /* 3 vs 3 cannot reach 95% (P(U = 0) = 1/20 > 0.025): [min, max]. */
    double b3[] = { 1, 2, 3 }, n3[] = { 2, 4, 6 };
    assert_int_equal(stats_ratio_ci(b3, 3, n3, 3, 0.95, &est, &lo, &hi), 1);
    assert_double_equal(est, 2, 1e-12);
    assert_double_equal(lo, 2.0 / 3.0, 1e-12);
    assert_double_equal(hi, 6, 1e-12);
    /* A sample against itself brackets 1. */
    assert_int_equal(stats_ratio_ci(base, 5, base, 5, 0.95, &est, &lo,
                                    &hi), 0);
    assert_true(lo < 1 && hi > 1);
    assert_double_equal(est, 1, 1e-12);
    /* Large samples use the normal critical value and still bracket. */
    double x[30], y[30];
    for (int k = 0; k < 30; k++) {
        x[k] = 1.0 + 0.001 * k;
        y[k] = 1.5 * x[k];
    }
    assert_int_equal(stats_ratio_ci(x, 30, y, 30, 0.95, &est, &lo, &hi), 0);
    assert_true(lo < 1.5 && hi > 1.5);
    double zero[] = { 0, 1, 2 };
    assert_int_equal(stats_ratio_ci(zero, 3, n3, 3, 0.95, &est, &lo, &hi),
                     -1);
}

/* ---- synthetic results files ------------------------------------------ */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pb-cmp-XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Deterministic uniform numbers in [0, 1) (an LCG; quality is plenty). */
static uint64_t lcg_state;

static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* One synthetic configuration. */
struct fx {
    const char *workload, *executor;
    unsigned workers;
    double wall_s;     /* centre of the wall time samples */
    double noise;      /* samples are wall_s * (1 + noise * U(-1, 1)) */
    size_t reps;
    double cpu_s;      /* user_s centre (0: same as wall_s) */
    uint64_t tasks;
    const char *failure;
    uint64_t chunk;    /* 0: 10 */
};

static cJSON *fx_row(const struct fx *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "workload", f->workload);
    cJSON_AddStringToObject(o, "executor", f->executor);
    cJSON_AddNumberToObject(o, "workers", f->workers);
    cJSON_AddStringToObject(o, "mode", "unordered");
    cJSON_AddNumberToObject(o, "chunk", f->chunk ? (double)f->chunk : 10);
    cJSON_AddStringToObject(o, "transport", "none");
    cJSON *p = cJSON_AddObjectToObject(o, "params");
    cJSON_AddNumberToObject(p, "n", 300);
    cJSON_AddNumberToObject(o, "tasks", f->tasks ? (double)f->tasks : 1000);
    cJSON_AddNumberToObject(o, "errors", 0);
    cJSON_AddStringToObject(o, "checksum", "00000000000003e8");
    if (f->failure != NULL)
        cJSON_AddStringToObject(o, "failure", f->failure);
    else
        cJSON_AddNullToObject(o, "failure");
    cJSON *s = cJSON_AddObjectToObject(o, "samples");
    cJSON *wall = cJSON_AddArrayToObject(s, "wall_s");
    cJSON *user = cJSON_AddArrayToObject(s, "user_s");
    cJSON *sys = cJSON_AddArrayToObject(s, "sys_s");
    for (size_t k = 0; k < f->reps; k++) {
        double jitter = 1 + f->noise * (2 * uniform() - 1);
        double cpu = f->cpu_s > 0 ? f->cpu_s : f->wall_s;
        cJSON_AddItemToArray(wall, cJSON_CreateNumber(f->wall_s * jitter));
        cJSON_AddItemToArray(user, cJSON_CreateNumber(cpu * jitter * 0.9));
        cJSON_AddItemToArray(sys, cJSON_CreateNumber(cpu * jitter * 0.1));
    }
    return o;
}

/* Write a results file of the given rows; returns its path (static). */
static const char *write_fx(const char *name, const char *host,
                            const struct fx *rows, size_t n)
{
    static char paths[8][256];
    static int next;
    char *path = paths[next++ % 8];
    char err[256];
    snprintf(path, 256, "%s/%s", tmpdir, name);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", "poolbench/1");
    cJSON_AddStringToObject(root, "created", "2026-11-27T09:00:00Z");
    cJSON *m = cJSON_AddObjectToObject(root, "machine");
    cJSON_AddStringToObject(m, "hostname", host);
    cJSON_AddStringToObject(m, "cpu_model", "Synthetic CPU");
    cJSON_AddNumberToObject(m, "cpus_online", 4);
    cJSON_AddNumberToObject(m, "mem_total_bytes", 8e9);
    cJSON_AddNullToObject(m, "governor");
    cJSON_AddObjectToObject(root, "config");
    cJSON *res = cJSON_AddArrayToObject(root, "results");
    for (size_t k = 0; k < n; k++)
        cJSON_AddItemToArray(res, fx_row(&rows[k]));
    assert_int_equal(results_write_atomic(path, root, err, sizeof(err)), 0);
    cJSON_Delete(root);
    return path;
}

/* cmd_compare on argv with stdout silenced; returns the exit status. */
static int run_compare(int argc, const char **argv)
{
    int saved = dup(STDOUT_FILENO);
    int null = open("/dev/null", O_WRONLY);
    fflush(stdout);
    dup2(null, STDOUT_FILENO);
    close(null);
    int rc = cmd_compare(argc, (char **)argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}

/* Load two files and compare them under opt into *r (files in f[2]). */
static void load_compare(const char *a, const char *b,
                         const struct compare_options *opt,
                         struct results_file *f, struct compare_report *r)
{
    char err[512];
    assert_int_equal(results_load(a, &f[0], err, sizeof(err)), 0);
    assert_int_equal(results_load(b, &f[1], err, sizeof(err)), 0);
    if (compare_files(&f[0], &f[1], opt, r, err, sizeof(err)) != 0)
        fail_msg("compare_files: %s", err);
}

static void unload(struct results_file *f, struct compare_report *r)
{
    compare_report_free(r);
    results_free(&f[0]);
    results_free(&f[1]);
}

static const struct compare_options defaults = {
    COMPARE_DEFAULT_THRESHOLD_PCT, COMPARE_DEFAULT_ALPHA, COMPARE_WALL, 0,
    COMPARE_TEXT, COMPARE_HOLM, 0, 0,
};

/* A base suite: serial and threads j=2 of one workload, 10 reps. */
static void base_rows(struct fx *rows, double noise)
{
    rows[0] = (struct fx){ "factorial", "serial", 1, 0.100, noise, 10, 0,
                           0, NULL, 0 };
    rows[1] = (struct fx){ "factorial", "threads", 2, 0.050, noise, 10, 0,
                           0, NULL, 0 };
}

static void test_self_same(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 1;
    base_rows(rows, 0.05);
    const char *a = write_fx("self.json", "h", rows, 2);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, a, &defaults, f, &r);
    assert_int_equal(r.nmatches, 2);
    for (size_t k = 0; k < r.nmatches; k++) {
        assert_int_equal(r.matches[k].verdict, COMPARE_SAME);
        assert_double_equal(r.matches[k].ratio, 1, 0);
        assert_double_equal(r.matches[k].mwu.p, 1, 1e-12);
        assert_true(r.matches[k].ci_low <= 1 && r.matches[k].ci_high >= 1);
    }
    assert_int_equal(r.regressions, 0);
    unload(f, &r);
    const char *argv[] = { "compare", a, a };
    assert_int_equal(run_compare(3, argv), 0);
}

/* Base and new where new's threads row is factor times base's. */
static void shifted(const char *name_a, const char *name_b, double noise,
                    double factor, const char **a, const char **b)
{
    struct fx rows[2];
    lcg_state = 42;
    base_rows(rows, noise);
    *a = write_fx(name_a, "h", rows, 2);
    rows[1].wall_s *= factor;
    *b = write_fx(name_b, "h", rows, 2);
}

static void test_slower_low_noise(void **state)
{
    (void)state;
    const char *a, *b;
    shifted("a20.json", "b20.json", 0.01, 1.20, &a, &b);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, b, &defaults, f, &r);
    const struct compare_match *m = &r.matches[1];
    assert_string_equal(m->base->executor, "threads");
    assert_int_equal(m->verdict, COMPARE_SLOWER);
    assert_true(m->regression);
    assert_true(m->ratio > 1.15 && m->ratio < 1.25);
    assert_true(m->ci_low > 1.1 && m->ci_high < 1.3);
    assert_true(m->mwu.p < 1e-4);
    assert_int_equal(r.matches[0].verdict, COMPARE_SAME);
    assert_int_equal(r.regressions, 1);
    unload(f, &r);
    const char *argv[] = { "compare", a, b };
    assert_int_equal(run_compare(3, argv), 1);
    /* A threshold above the change lets it pass. */
    const char *argv2[] = { "compare", "--threshold", "25", a, b };
    assert_int_equal(run_compare(5, argv2), 0);
    /* The other way round it is faster, and passes. */
    const char *argv3[] = { "compare", b, a };
    assert_int_equal(run_compare(3, argv3), 0);
}

static void test_slower_huge_noise(void **state)
{
    (void)state;
    const char *a, *b;
    shifted("an.json", "bn.json", 0.9, 1.20, &a, &b);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, b, &defaults, f, &r);
    const struct compare_match *m = &r.matches[1];
    assert_true(m->mwu.p >= 0.01);
    /* Not significant, but at this noise only a slowdown far above the
     * threshold could have been seen: not tested, which is no pass. */
    assert_int_equal(m->verdict, COMPARE_NOT_TESTED);
    assert_true(m->detect_pct > COMPARE_DEFAULT_THRESHOLD_PCT);
    assert_false(m->regression);
    assert_true(m->ci_low < 1 && m->ci_high > 1.2);
    unload(f, &r);
    const char *argv[] = { "compare", a, b };
    assert_int_equal(run_compare(3, argv), 2);
}

static void test_small_but_significant(void **state)
{
    (void)state;
    const char *a, *b;
    shifted("a2.json", "b2.json", 0.002, 1.02, &a, &b);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, b, &defaults, f, &r);
    const struct compare_match *m = &r.matches[1];
    assert_int_equal(m->verdict, COMPARE_SLOWER);
    assert_true(m->mwu.p < 0.01);
    assert_false(m->regression);
    unload(f, &r);
    const char *argv[] = { "compare", a, b };
    assert_int_equal(run_compare(3, argv), 0);
    const char *argv2[] = { "compare", "--threshold", "1%", a, b };
    assert_int_equal(run_compare(5, argv2), 1);
}

static void test_unmatched_few_failed(void **state)
{
    (void)state;
    struct fx a_rows[4], b_rows[4];
    lcg_state = 7;
    base_rows(a_rows, 0.01);
    a_rows[2] = (struct fx){ "noop", "serial", 1, 0.001, 0.01, 3, 0, 0,
                             NULL, 0 };
    a_rows[3] = (struct fx){ "hashing", "serial", 1, 0.2, 0.01, 10, 0, 0,
                             NULL, 0 };
    memcpy(b_rows, a_rows, sizeof(a_rows));
    b_rows[1].failure = "time limit of 1 s reached";
    b_rows[1].wall_s *= 2;
    b_rows[2].wall_s *= 2;   /* 3 reps: too few to judge */
    b_rows[3] = (struct fx){ "noop", "threads", 2, 0.001, 0.01, 10, 0, 0,
                             NULL, 0 };
    const char *a = write_fx("ua.json", "h", a_rows, 4);
    const char *b = write_fx("ub.json", "h", b_rows, 4);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, b, &defaults, f, &r);
    assert_int_equal(r.nmatches, 3);
    assert_int_equal(r.matches[1].verdict, COMPARE_FAILED);
    assert_non_null(strstr(r.matches[1].note, "time limit"));
    assert_int_equal(r.matches[2].verdict, COMPARE_FEW);
    assert_true(r.matches[2].tested);
    assert_int_equal(r.nonly_base, 1);
    assert_string_equal(r.only_base[0]->workload, "hashing");
    assert_int_equal(r.nonly_new, 1);
    assert_string_equal(r.only_new[0]->executor, "threads");
    assert_int_equal(r.regressions, 0);

    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    assert_non_null(strstr(text, "only in "));
    assert_non_null(strstr(text, "hashing n=300 serial j=1"));
    assert_non_null(strstr(text, "noop n=300 threads j=2"));
    assert_non_null(strstr(text, "too few samples"));
    assert_non_null(strstr(text, "new failed: time limit"));
    assert_non_null(strstr(text, "not compared"));
    free(text);
    unload(f, &r);
    /* What was not compared fails the gate unless allowed. */
    const char *argv[] = { "compare", a, b };
    assert_int_equal(run_compare(3, argv), 2);
    const char *allow[] = { "compare", "--allow-unmatched", a, b };
    assert_int_equal(run_compare(4, allow), 0);
}

static void test_metrics(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 3;
    base_rows(rows, 0.01);
    const char *a = write_fx("ma.json", "h", rows, 2);
    /* Same wall time, 30% more CPU time: only --metric cpu sees it. */
    rows[1].cpu_s = 0.065;
    const char *b = write_fx("mb.json", "h", rows, 2);
    const char *wall[] = { "compare", a, b };
    const char *cpu[] = { "compare", "--metric", "cpu", a, b };
    assert_int_equal(run_compare(3, wall), 0);
    assert_int_equal(run_compare(5, cpu), 1);
    /* Twice the tasks in twice the time: the same per task, which is
     * what is compared where task counts differ (and noted). */
    base_rows(rows, 0.01);
    rows[0].tasks = rows[1].tasks = 2000;
    rows[0].wall_s *= 2;
    rows[1].wall_s *= 2;
    const char *c = write_fx("mc.json", "h", rows, 2);
    const char *w2[] = { "compare", a, c };
    const char *npt[] = { "compare", "--metric", "ns_per_task", a, c };
    assert_int_equal(run_compare(3, w2), 0);
    assert_int_equal(run_compare(5, npt), 0);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, c, &defaults, f, &r);
    assert_non_null(strstr(r.matches[0].note, "tasks differ"));
    assert_non_null(strstr(r.matches[0].note, "compared per-task time"));
    assert_true(r.matches[0].per_task);
    assert_true(fabs(r.matches[0].ratio - 1.0) < 0.05);
    unload(f, &r);
}

static void test_normalize_speedup(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 11;
    base_rows(rows, 0.01);
    const char *a = write_fx("sa.json", "fast", rows, 2);
    /* A machine twice as slow that scales the same. */
    rows[0].wall_s *= 2;
    rows[1].wall_s *= 2;
    const char *b = write_fx("sb.json", "slow", rows, 2);
    /* One that scales worse: speedup 2 -> 1.33. */
    rows[1].wall_s *= 1.5;
    const char *c = write_fx("sc.json", "worse", rows, 2);
    const char *abs_ab[] = { "compare", a, b };
    const char *sp_ab[] = { "compare", "--normalize", "speedup", a, b };
    const char *sp_ac[] = { "compare", "--normalize", "speedup", a, c };
    assert_int_equal(run_compare(3, abs_ab), 1);
    assert_int_equal(run_compare(5, sp_ab), 0);
    assert_int_equal(run_compare(5, sp_ac), 1);
    struct compare_options o = defaults;
    o.normalize_speedup = 1;
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, c, &o, f, &r);
    assert_int_equal(r.matches[0].verdict, COMPARE_BASELINE);
    assert_int_equal(r.matches[1].verdict, COMPARE_SLOWER);
    assert_double_equal(r.matches[1].base_median, 2.0, 0.05);
    assert_double_equal(r.matches[1].new_median, 2.0 / 1.5, 0.05);
    assert_true(r.matches[1].regression);
    unload(f, &r);

    /* Serial at two chunk sizes: the fastest is the baseline, as in run. */
    struct fx three[3];
    base_rows(three, 0.01);
    three[1] = three[0];
    three[1].chunk = 20;
    three[1].wall_s = 0.080;
    three[2] = (struct fx){ "factorial", "threads", 2, 0.040, 0.01, 10, 0,
                            0, NULL, 0 };
    const char *d = write_fx("sd.json", "h", three, 3);
    load_compare(d, d, &o, f, &r);
    assert_int_equal(r.matches[2].verdict, COMPARE_SAME);
    assert_double_equal(r.matches[2].base_median, 2.0, 0.05);
    unload(f, &r);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 5;
    base_rows(rows, 0.01);
    const char *a = write_fx("ba.json", "h", rows, 2);
    const char *empty = write_fx("empty.json", "h", rows, 0);
    struct fx other = { "noop", "serial", 1, 0.1, 0.01, 10, 0, 0, NULL,
                       0 };
    const char *b = write_fx("other.json", "h", &other, 1);
    struct fx twice[2] = { rows[0], rows[0] };
    const char *d = write_fx("twice.json", "h", twice, 2);
    char trunc[300], wrong[300];
    snprintf(trunc, sizeof(trunc), "%s/trunc.json", tmpdir);
    snprintf(wrong, sizeof(wrong), "%s/wrong.json", tmpdir);
    FILE *t = fopen(trunc, "w");
    fputs("{\"schema\":\"poolbench/1\",\"created\":\"x\",\"resu", t);
    fclose(t);
    t = fopen(wrong, "w");
    fputs("{\"schema\":\"poolbench/2\"}", t);
    fclose(t);
    const char *cases[][6] = {
        { "compare", a, empty }, { "compare", a, b }, { "compare", d, a },
        { "compare", a, trunc }, { "compare", wrong, a },
        { "compare", a, "/nonexistent.json" }, { "compare", a },
        { "compare", a, a, a }, { "compare", "--alpha", "0", a, a },
        { "compare", "--alpha", "1", a, a },
        { "compare", "--threshold", "-1", a, a },
        { "compare", "--metric", "speed", a, a },
        { "compare", "--format", "xml", a, a },
        { "compare", "--normalize", "clock", a, a },
        { "compare", "--bogus", a, a },
    };
    const int argcs[] = { 3, 3, 3, 3, 3, 3, 2, 4, 5, 5, 5, 5, 5, 5, 4 };
    for (size_t k = 0; k < N(argcs); k++)
        if (run_compare(argcs[k], cases[k]) != 2)
            fail_msg("case %zu did not exit 2", k);
}

/* The markdown, JSON and BMF outputs parse and have the right shape. */
static void test_formats(void **state)
{
    (void)state;
    const char *a, *b;
    shifted("fa.json", "fb.json", 0.01, 1.20, &a, &b);
    struct results_file f[2];
    struct compare_report r;
    struct compare_options o = defaults;
    char *text = NULL;
    size_t len = 0;

    o.format = COMPARE_MARKDOWN;
    load_compare(a, b, &o, f, &r);
    FILE *mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    assert_non_null(strstr(text, "**Gate: failed**"));
    assert_non_null(strstr(text, "\n| workload | executor | j |"));
    assert_non_null(strstr(text, "| --- | --- | ---: |"));
    assert_non_null(strstr(text, "**slower (regression)**"));
    free(text);
    unload(f, &r);

    o.format = COMPARE_JSON;
    load_compare(a, b, &o, f, &r);
    mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "gate")->valuestring,
                        "failed");
    cJSON *cmp = cJSON_GetObjectItem(j, "comparisons");
    assert_int_equal(cJSON_GetArraySize(cmp), 2);
    cJSON *second = cJSON_GetArrayItem(cmp, 1);
    assert_string_equal(cJSON_GetObjectItem(second, "verdict")->valuestring,
                        "slower");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(second, "regression")));
    cJSON_Delete(j);
    free(text);
    unload(f, &r);

    o.format = COMPARE_BMF;
    load_compare(a, b, &o, f, &r);
    mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    j = cJSON_Parse(text);
    assert_non_null(j);
    assert_true(cJSON_IsObject(j));
    assert_int_equal(cJSON_GetArraySize(j), 2);
    for (cJSON *bench = j->child; bench != NULL; bench = bench->next) {
        assert_true(cJSON_IsObject(bench));
        for (cJSON *m = bench->child; m != NULL; m = m->next) {
            cJSON *v = cJSON_GetObjectItem(m, "value");
            cJSON *lo = cJSON_GetObjectItem(m, "lower_value");
            cJSON *hi = cJSON_GetObjectItem(m, "upper_value");
            assert_true(cJSON_IsNumber(v) && cJSON_IsNumber(lo) &&
                        cJSON_IsNumber(hi));
            assert_true(lo->valuedouble <= v->valuedouble &&
                        v->valuedouble <= hi->valuedouble);
        }
    }
    cJSON *t = cJSON_GetObjectItem(
        j, "factorial n=300/threads/j=2/unordered/chunk=10");
    assert_non_null(t);
    /* Bencher's latency is in nanoseconds: 0.05 s * 1.2. */
    assert_double_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(t, "latency"),
                            "value")->valuedouble, 6e7, 1e6);
    assert_non_null(cJSON_GetObjectItem(t, "ratio"));
    cJSON_Delete(j);
    free(text);
    unload(f, &r);
}

/* BMF reports every measured configuration of the new run: also one whose
 * base failed and one only in new (without a ratio), never a failed one. */
static void test_bmf_unmatched(void **state)
{
    (void)state;
    struct fx a_rows[2], b_rows[3];
    lcg_state = 13;
    base_rows(a_rows, 0.01);
    a_rows[1].failure = "worker 1 died: Killed";
    base_rows(b_rows, 0.01);
    b_rows[2] = (struct fx){ "noop", "threads", 2, 0.001, 0.01, 10, 0, 0,
                             NULL, 0 };
    const char *a = write_fx("bmfa.json", "h", a_rows, 2);
    const char *b = write_fx("bmfb.json", "h", b_rows, 3);
    struct compare_options o = defaults;
    o.format = COMPARE_BMF;
    struct results_file f[2];
    struct compare_report r;
    char *text = NULL;
    size_t len = 0;
    load_compare(a, b, &o, f, &r);
    FILE *mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(j), 3);
    cJSON *t = cJSON_GetObjectItem(
        j, "factorial n=300/threads/j=2/unordered/chunk=10");
    assert_non_null(cJSON_GetObjectItem(t, "latency"));
    assert_null(cJSON_GetObjectItem(t, "ratio"));
    cJSON *s = cJSON_GetObjectItem(
        j, "factorial n=300/serial/j=1/unordered/chunk=10");
    assert_non_null(cJSON_GetObjectItem(s, "ratio"));
    assert_non_null(cJSON_GetObjectItem(
        j, "noop n=300/threads/j=2/unordered/chunk=10"));
    cJSON_Delete(j);
    free(text);
    unload(f, &r);
    /* A failed new row is left out. */
    o.format = COMPARE_BMF;
    load_compare(b, a, &o, f, &r);
    mem = open_memstream(&text, &len);
    assert_int_equal(compare_print(mem, &r), 0);
    fclose(mem);
    j = cJSON_Parse(text);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    cJSON_Delete(j);
    free(text);
    unload(f, &r);
}

/* ---- correction, window, workers_spec (issue #14) ----------------------- */

/* Holm and BH adjusted p-values against R's p.adjust (written out by
 * hand: holm p_(i) * (m - i + 1) running max; BH p_(i) * m / i running
 * min from the top). */
static void test_adjust_p(void **state)
{
    (void)state;
    const double p[] = { 0.01, 0.04, 0.03, 0.005 };
    const double holm[] = { 0.03, 0.06, 0.06, 0.02 };
    const double bh[] = { 0.02, 0.04, 0.04, 0.02 };
    double adj[4];
    assert_int_equal(compare_adjust_p(p, 4, COMPARE_HOLM, adj), 0);
    for (int k = 0; k < 4; k++)
        assert_double_equal(adj[k], holm[k], 1e-12);
    assert_int_equal(compare_adjust_p(p, 4, COMPARE_BH, adj), 0);
    for (int k = 0; k < 4; k++)
        assert_double_equal(adj[k], bh[k], 1e-12);
    assert_int_equal(compare_adjust_p(p, 4, COMPARE_NONE, adj), 0);
    for (int k = 0; k < 4; k++)
        assert_double_equal(adj[k], p[k], 0);
    /* Capped at 1. */
    const double big[] = { 0.5, 0.6 };
    assert_int_equal(compare_adjust_p(big, 2, COMPARE_HOLM, adj), 0);
    assert_double_equal(adj[0], 1.0, 0);
    assert_double_equal(adj[1], 1.0, 0);
}

static void test_prediction_interval(void **state)
{
    (void)state;
    assert_double_equal(compare_t975(1), 12.706, 1e-3);
    assert_double_equal(compare_t975(4), 2.776, 1e-3);
    assert_double_equal(compare_t975(60), 2.000, 2e-3);
    assert_double_equal(compare_t975(1000), 1.962, 2e-3);
    /* Medians 1..5: mean 3, sd sqrt(2.5); 2.776 * 1.5811 * sqrt(1.2). */
    const double m[] = { 1, 2, 3, 4, 5 };
    double lo, hi;
    assert_int_equal(compare_prediction_interval(m, 5, &lo, &hi), 0);
    double half = 2.776 * sqrt(2.5) * sqrt(1.2);
    assert_double_equal(lo, 3 - half, 1e-3);
    assert_double_equal(hi, 3 + half, 1e-3);
    assert_int_equal(compare_prediction_interval(m, 1, &lo, &hi), -1);
    assert_true(isnan(lo) && isnan(hi));
}

/* The results file at path as a tree (the reader keeps none of its
 * rows). */
static cJSON *file_tree(const char *path)
{
    char err[512];
    size_t len;
    char *text = results_read_text(path, &len, err, sizeof(err));
    assert_non_null(text);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    assert_non_null(root);
    return root;
}

/* Replace row k's wall_s samples in the file at path by v[0..n). */
static void set_wall(const char *path, size_t k, const double *v, size_t n)
{
    char err[512];
    cJSON *root = file_tree(path);
    cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "results"),
                                    (int)k);
    cJSON *s = cJSON_GetObjectItem(row, "samples");
    cJSON_ReplaceItemInObject(s, "wall_s", cJSON_CreateDoubleArray(v,
                                                                   (int)n));
    assert_int_equal(results_write_atomic(path, root, err, sizeof(err)), 0);
    cJSON_Delete(root);
}

/* Twenty rows, all equal but one whose exact U test gives p = 0.0089:
 * significant alone at alpha 0.01, not after Holm or BH over 20 rows. */
static void test_holm_vs_none(void **state)
{
    (void)state;
    struct fx rows[20];
    for (size_t k = 0; k < 20; k++)
        rows[k] = (struct fx){ "factorial", "threads", 2, 0.05, 0, 10, 0,
                               0, NULL, 10 + k };
    const char *a = write_fx("ha.json", "h", rows, 20);
    const char *b = write_fx("hb.json", "h", rows, 20);
    /* base 1.0 .. 1.9; new the base shifted by four places and a half,
     * its lowest moved below one more base value: 16 of the 100 pairs
     * have new < base, U = 16, exact p = 0.00893. */
    double base[10], new_v[10];
    for (int k = 0; k < 10; k++) {
        base[k] = 1.0 + 0.1 * k;
        new_v[k] = 1.0 + 0.1 * (k + 4) + 0.05;
    }
    new_v[0] = 1.35;
    set_wall(a, 7, base, 10);
    set_wall(b, 7, new_v, 10);
    struct results_file f[2];
    struct compare_report r;
    struct compare_options o = defaults;
    o.correction = COMPARE_NONE;
    load_compare(a, b, &o, f, &r);
    assert_int_equal(r.ntested, 20);
    assert_double_equal(r.matches[7].mwu.p, 0.00893069778518695, 1e-12);
    assert_int_equal(r.matches[7].verdict, COMPARE_SLOWER);
    assert_true(r.matches[7].regression);
    assert_int_equal(r.regressions, 1);
    unload(f, &r);
    o.correction = COMPARE_HOLM;
    load_compare(a, b, &o, f, &r);
    assert_double_equal(r.matches[7].p_adj, 20 * 0.00893069778518695,
                        1e-9);
    /* Not significant after Holm; at a spread of 1.0 .. 1.9 no slowdown
     * near the threshold could have been seen. */
    assert_int_equal(r.matches[7].verdict, COMPARE_NOT_TESTED);
    assert_int_equal(r.regressions, 0);
    unload(f, &r);
    o.correction = COMPARE_BH;
    load_compare(a, b, &o, f, &r);
    assert_int_equal(r.regressions, 0);
    unload(f, &r);
    const char *holm[] = { "compare", a, b };
    const char *none[] = { "compare", "--correction", "none", a, b };
    const char *bad[] = { "compare", "--correction", "bonf", a, b };
    /* Holm: no regression, but row 7 was not tested: no pass. */
    assert_int_equal(run_compare(3, holm), 2);
    assert_int_equal(run_compare(5, none), 1);
    assert_int_equal(run_compare(5, bad), 2);
}

/* Injected slowdowns of 3%, 10% and 30% (noise 0.5%, all significant):
 * a regression exactly when above --threshold; --gate-on ci asks the
 * interval's lower bound to be above it too. */
static void test_injected_slowdowns(void **state)
{
    (void)state;
    static const double factor[] = { 1.03, 1.10, 1.30 };
    struct fx rows[3];
    lcg_state = 17;
    for (size_t k = 0; k < 3; k++)
        rows[k] = (struct fx){ "factorial", "threads", 2, 0.05, 0.005, 10,
                               0, 0, NULL, 10 + k };
    const char *a = write_fx("ia.json", "h", rows, 3);
    for (size_t k = 0; k < 3; k++)
        rows[k].wall_s *= factor[k];
    const char *b = write_fx("ib.json", "h", rows, 3);
    static const struct {
        double threshold;
        int ci;
        int want[3];
    } cases[] = {
        { 0, 0, { 1, 1, 1 } }, { 2, 0, { 1, 1, 1 } }, { 5, 0, { 0, 1, 1 } },
        { 9, 0, { 0, 1, 1 } }, { 15, 0, { 0, 0, 1 } },
        { 29, 0, { 0, 0, 1 } }, { 35, 0, { 0, 0, 0 } },
        /* The 3% row's interval lies within about [1.02, 1.04]: above a
         * 1% threshold even by its lower bound, not above 3.5%. */
        { 1, 1, { 1, 1, 1 } }, { 3.5, 1, { 0, 1, 1 } },
    };
    for (size_t c = 0; c < N(cases); c++) {
        struct results_file f[2];
        struct compare_report r;
        struct compare_options o = defaults;
        o.threshold_pct = cases[c].threshold;
        o.gate_on_ci = cases[c].ci;
        load_compare(a, b, &o, f, &r);
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(r.matches[k].verdict, COMPARE_SLOWER);
            if (r.matches[k].regression != cases[c].want[k])
                fail_msg("threshold %g%s, slowdown %g: regression %d",
                         cases[c].threshold, cases[c].ci ? " (ci)" : "",
                         factor[k], r.matches[k].regression);
        }
        unload(f, &r);
    }
}

/* --window: five base runs whose medians drift by a few percent from run
 * to run (as on a shared machine); a new run inside that drift is no
 * regression, though it is against the newest run alone; a new run far
 * outside is. */
static void test_window(void **state)
{
    (void)state;
    static const double drift[] = { 0.97, 1.02, 0.99, 1.04, 0.96 };
    struct fx rows[2];
    struct results_file f[6], nf;
    char err[512], name[32];
    lcg_state = 23;
    for (size_t k = 0; k < 5; k++) {
        base_rows(rows, 0.005);
        rows[0].wall_s *= drift[k];
        rows[1].wall_s *= drift[k];
        snprintf(name, sizeof(name), "w%zu.json", k);
        const char *p = write_fx(name, "h", rows, 2);
        assert_int_equal(results_load(p, &f[k], err, sizeof(err)), 0);
    }
    base_rows(rows, 0.005);
    rows[0].wall_s *= 1.03;
    rows[1].wall_s *= 1.03;
    const char *p = write_fx("wnew.json", "h", rows, 2);
    assert_int_equal(results_load(p, &nf, err, sizeof(err)), 0);
    /* Newest first: the last written (drift 0.96) is bases[0]. */
    const struct results_file *bases[5] = { &f[4], &f[3], &f[2], &f[1],
                                            &f[0] };
    struct compare_report r;
    struct compare_options o = defaults;
    assert_int_equal(compare_runs(bases, 1, &nf, &o, &r, err,
                                  sizeof(err)), 0);
    assert_int_equal(r.regressions, 2);    /* 1.03 / 0.96: 7% */
    compare_report_free(&r);
    assert_int_equal(compare_runs(bases, 5, &nf, &o, &r, err,
                                  sizeof(err)), 0);
    assert_int_equal(r.nbases, 5);
    for (size_t k = 0; k < 2; k++) {
        const struct compare_match *m = &r.matches[k];
        assert_int_equal(m->nb, 50);
        assert_int_equal(m->nruns, 5);
        assert_true(m->pi_low < m->new_median &&
                    m->new_median < m->pi_high);
        assert_false(m->regression);
    }
    assert_int_equal(r.regressions, 0);
    compare_report_free(&r);
    results_free(&nf);
    /* 30% slower lies outside every bound. */
    rows[0].wall_s *= 1.3 / 1.03;
    rows[1].wall_s *= 1.3 / 1.03;
    p = write_fx("wslow.json", "h", rows, 2);
    assert_int_equal(results_load(p, &nf, err, sizeof(err)), 0);
    assert_int_equal(compare_runs(bases, 5, &nf, &o, &r, err,
                                  sizeof(err)), 0);
    assert_int_equal(r.regressions, 2);
    assert_true(r.matches[1].new_median > r.matches[1].pi_high);
    compare_report_free(&r);
    results_free(&nf);
    for (size_t k = 0; k < 5; k++)
        results_free(&f[k]);
}

/* Add "workers_spec" to every row of the file at path: "1" for serial,
 * spec for the others; and set machine.cpus_online. */
static void set_spec(const char *path, const char *spec, int cpus)
{
    char err[512];
    cJSON *root = file_tree(path);
    cJSON *res = cJSON_GetObjectItem(root, "results");
    for (cJSON *row = res->child; row != NULL; row = row->next) {
        const char *ex = cJSON_GetObjectItem(row, "executor")->valuestring;
        cJSON_AddStringToObject(row, "workers_spec",
                                strcmp(ex, "serial") == 0 ? "1" : spec);
    }
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "machine"),
                              "cpus_online", cJSON_CreateNumber(cpus));
    assert_int_equal(results_write_atomic(path, root, err, sizeof(err)), 0);
    cJSON_Delete(root);
}

/* -j cpus on a 2-CPU and a 4-CPU machine: under --normalize speedup the
 * rows match by "cpus"; on time they do not (different worker counts). */
static void test_workers_spec(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 29;
    base_rows(rows, 0.01);
    const char *a = write_fx("spa.json", "two", rows, 2);
    set_spec(a, "cpus", 2);
    rows[1].workers = 4;
    rows[1].wall_s = 0.1 / 3.2;    /* speedup 3.2 instead of 2: better */
    const char *b = write_fx("spb.json", "four", rows, 2);
    set_spec(b, "cpus", 4);
    struct results_file f[2];
    struct compare_report r;
    struct compare_options o = defaults;
    o.normalize_speedup = 1;
    load_compare(a, b, &o, f, &r);
    assert_true(r.match_spec);
    assert_int_equal(r.nmatches, 2);
    assert_int_equal(r.matches[1].verdict, COMPARE_FASTER);
    assert_int_equal(r.matches[1].new_row->workers, 4);
    unload(f, &r);
    /* Time: matched on what was chosen (-j cpus) too, and noted. */
    load_compare(a, b, &defaults, f, &r);
    assert_true(r.match_spec);
    assert_int_equal(r.nmatches, 2);
    assert_non_null(strstr(r.matches[1].note, "workers differ (2 vs 4"));
    unload(f, &r);
    /* A file without specs: matched on the number, as before. */
    rows[1].workers = 2;
    const char *c = write_fx("spc.json", "four", rows, 2);
    load_compare(a, c, &o, f, &r);
    assert_false(r.match_spec);
    assert_int_equal(r.nmatches, 2);
    assert_int_equal(r.matches[1].verdict, COMPARE_FASTER);
    unload(f, &r);
}

/* Nothing tested (every row too short or failed): refused, exit 2. */
static void test_nothing_tested(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 31;
    base_rows(rows, 0.01);
    rows[0].reps = rows[1].reps = 3;
    const char *a = write_fx("nta.json", "h", rows, 2);
    struct results_file f[2];
    struct compare_report r;
    char err[512];
    assert_int_equal(results_load(a, &f[0], err, sizeof(err)), 0);
    assert_int_equal(results_load(a, &f[1], err, sizeof(err)), 0);
    assert_int_equal(compare_files(&f[0], &f[1], &defaults, &r, err,
                                   sizeof(err)), -1);
    assert_non_null(strstr(err, "nothing could be tested"));
    assert_null(strchr(err, '\n'));
    results_free(&f[0]);
    results_free(&f[1]);
    const char *argv[] = { "compare", a, a };
    assert_int_equal(run_compare(3, argv), 2);
}

/* ---- merge -------------------------------------------------------------- */

static void test_merge(void **state)
{
    (void)state;
    struct fx rows[2];
    char err[512], out[300];
    lcg_state = 9;
    base_rows(rows, 0.01);
    const char *paths[3] = {
        write_fx("m1.json", "alpha", rows, 2),
        write_fx("m2.json", "beta", rows, 2),
        write_fx("m3.json", "alpha", rows, 1),
    };
    struct results_file in[3];
    for (int k = 0; k < 3; k++)
        assert_int_equal(results_load_flags(paths[k], RESULTS_KEEP_TEXT,
                                            &in[k], err, sizeof(err)), 0);
    struct merge_text m;
    assert_int_equal(merge_build(in, 3, 0, NULL, &m, err, sizeof(err)), 0);
    assert_int_equal(m.nrows, 5);
    assert_int_equal(m.nmachines, 2);
    snprintf(out, sizeof(out), "%s/all.json", tmpdir);
    assert_int_equal(fs_write_atomic_parts(out, m.parts, m.nparts, err,
                                           sizeof(err)), 0);
    merge_text_free(&m);
    for (int k = 0; k < 3; k++)
        results_free(&in[k]);

    /* Identical machine blocks are kept once: alpha, beta. */
    struct results_file all;
    assert_int_equal(results_load_flags(out, RESULTS_KEEP_TEXT, &all, err,
                                        sizeof(err)), 0);
    assert_int_equal(all.nmachines, 2);
    assert_int_equal(all.nrows, 5);
    assert_string_equal(all.machines[0].hostname, "alpha");
    assert_string_equal(all.machines[1].hostname, "beta");
    const size_t want_machine[] = { 0, 0, 1, 1, 0 };
    const double want_run[] = { 0, 0, 1, 1, 2 };
    for (size_t k = 0; k < 5; k++) {
        assert_int_equal(all.rows[k].machine_index, want_machine[k]);
        assert_int_equal(all.rows[k].run_index, (long)want_run[k]);
    }
    cJSON *merged = cJSON_GetObjectItem(
        cJSON_GetObjectItem(all.root, "config"), "merged");
    assert_int_equal(cJSON_GetArraySize(merged), 3);

    /* Merging the merge with another file flattens it. */
    struct results_file again[2];
    again[0] = all;
    assert_int_equal(results_load_flags(paths[1], RESULTS_KEEP_TEXT,
                                        &again[1], err, sizeof(err)), 0);
    assert_int_equal(merge_build(again, 2, 0, NULL, &m, err, sizeof(err)),
                     0);
    char again_path[4200];
    snprintf(again_path, sizeof(again_path), "%s/again.json", tmpdir);
    assert_int_equal(fs_write_atomic_parts(again_path, m.parts, m.nparts,
                                           err, sizeof(err)), 0);
    merge_text_free(&m);
    cJSON *root = file_tree(again_path);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root,
                                                            "machines")), 2);
    cJSON *res = cJSON_GetObjectItem(root, "results");
    assert_int_equal(cJSON_GetArraySize(res), 7);
    cJSON *last = cJSON_GetArrayItem(res, 6);
    assert_double_equal(cJSON_GetObjectItem(last, "machine_index")
                            ->valuedouble, 1, 0);
    assert_double_equal(cJSON_GetObjectItem(last, "run_index")->valuedouble,
                        3, 0);
    cJSON *fifth = cJSON_GetArrayItem(res, 4);
    assert_double_equal(cJSON_GetObjectItem(fifth, "run_index")->valuedouble,
                        2, 0);
    cJSON_Delete(root);
    results_free(&again[0]);
    results_free(&again[1]);
}

/* The detectable slowdown and the level of a row, against python3's
 * statistics.NormalDist on the same formula (compare.h): 1.4826 MAD of
 * the logs, sqrt(pi / 3), z(1 - a / 2) + z(0.8). */
static void test_detectable(void **state)
{
    (void)state;
    double b[10] = { 1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00, 1.04,
                     0.96 };
    double n[10] = { 1.10, 1.12, 1.08, 1.15, 1.05, 1.11, 1.09, 1.13, 1.07,
                     1.10 };
    assert_double_equal(compare_detectable_pct(b, 10, n, 10, 0.01),
                        4.53197476216145, 1e-6);
    assert_double_equal(compare_detectable_pct(b, 10, n, 10, 0.005),
                        4.845896793060489, 1e-6);
    /* 5 a side cannot reach 0.005 (smallest p 2/252): none detectable. */
    assert_true(isinf(compare_detectable_pct(b, 5, n, 5, 0.005)));
    struct compare_options o = defaults;
    assert_double_equal(compare_row_alpha(&o, 60), 0.01 / 60, 1e-15);
    o.correction = COMPARE_NONE;
    assert_double_equal(compare_row_alpha(&o, 60), 0.01, 1e-15);
    /* Issue #18: 60 rows at alpha 0.01 under holm need 8 a side. */
    assert_int_equal(compare_reps_needed(0.01 / 60), 8);
    assert_int_equal(compare_reps_needed(0.01 / 2), 6);
}

/* A gate that cannot fire: 5 a side over 2 rows under holm, a real 30%
 * slowdown of every row, and still no regression can be flagged: exit 2,
 * not a pass. With --correction none (alpha 0.01 > 2/252) it fires. */
static void test_cannot_fire(void **state)
{
    (void)state;
    struct fx rows[2];
    lcg_state = 11;
    base_rows(rows, 0.002);
    for (size_t k = 0; k < 2; k++)
        rows[k].reps = 5;
    const char *a = write_fx("cfa.json", "h", rows, 2);
    rows[0].wall_s *= 1.3;
    rows[1].wall_s *= 1.3;
    const char *b = write_fx("cfb.json", "h", rows, 2);
    struct results_file f[2];
    struct compare_report r;
    load_compare(a, b, &defaults, f, &r);
    assert_true(r.cannot_fire);
    assert_int_equal(r.regressions, 0);
    assert_int_equal(r.reps_needed, 6);
    assert_true(isinf(r.matches[0].detect_pct));
    assert_int_equal(compare_status(&r), 2);
    unload(f, &r);
    const char *holm[] = { "compare", a, b };
    const char *none[] = { "compare", "--correction", "none", a, b };
    assert_int_equal(run_compare(3, holm), 2);
    assert_int_equal(run_compare(5, none), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mwu_exact),
        cmocka_unit_test(test_mwu_counts),
        cmocka_unit_test(test_mwu_ties_and_normal),
        cmocka_unit_test(test_ratio_ci),
        cmocka_unit_test(test_self_same),
        cmocka_unit_test(test_slower_low_noise),
        cmocka_unit_test(test_slower_huge_noise),
        cmocka_unit_test(test_small_but_significant),
        cmocka_unit_test(test_unmatched_few_failed),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_normalize_speedup),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_bmf_unmatched),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_adjust_p),
        cmocka_unit_test(test_prediction_interval),
        cmocka_unit_test(test_holm_vs_none),
        cmocka_unit_test(test_detectable),
        cmocka_unit_test(test_cannot_fire),
        cmocka_unit_test(test_injected_slowdowns),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_workers_spec),
        cmocka_unit_test(test_nothing_tested),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
