/* test_view.c - the one place derived numbers come from: instances, the
 * fastest serial baseline, speedups and their intervals, labels, match
 * keys, verdicts, parts of merged files. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"
#include "view.h"

#define HEAD                                                              \
    "{\"schema\":\"poolbench/1\",\"created\":\"2026-01-01T00:00:00Z\","   \
    "\"machine\":{\"hostname\":\"h\",\"os\":null,\"kernel\":\"6.1\","    \
    "\"cpu_model\":\"cpu\",\"cpus_online\":2,\"affinity\":\"0-1\","      \
    "\"mem_total_bytes\":1024,\"clocksource\":\"tsc\",\"governor\":null," \
    "\"compiler\":\"gcc\",\"build_type\":\"release\","                    \
    "\"poolbench_version\":\"0.1.0\",\"git_commit\":null},"              \
    "\"config\":{},\"results\":["

/* One row: executor, workers, chunk, params object, wall samples,
 * failure (JSON), errors. */
#define ROW(ex, j, chunk, params, wall, failure, errors)                  \
    "{\"workload\":\"factorial\",\"executor\":\"" ex "\",\"workers\":" #j \
    ",\"mode\":\"unordered\",\"chunk\":" #chunk ",\"transport\":\"none\"," \
    "\"params\":" params ",\"tasks\":100,\"errors\":" #errors ","         \
    "\"checksum\":\"00000000001e8098\",\"failure\":" failure ","         \
    "\"samples\":{\"wall_s\":" wall "},\"speedup\":null}"

/* A row of another workload: workload, executor, params, wall samples. */
#define WROW(wl, ex, params, wall)                                        \
    "{\"workload\":\"" wl "\",\"executor\":\"" ex "\",\"workers\":2,"  \
    "\"mode\":\"unordered\",\"chunk\":1,\"transport\":\"none\","      \
    "\"params\":" params ",\"tasks\":100,\"errors\":0,"                \
    "\"checksum\":\"0000000000000001\",\"failure\":null,"             \
    "\"samples\":{\"wall_s\":" wall "},\"speedup\":null}"

static void load(const char *text, struct results_file *f,
                 struct results_view *v)
{
    char err[256];
    int rc = results_parse("t.json", text, strlen(text), f, err,
                           sizeof(err));
    if (rc != 0)
        fail_msg("%s", err);
    rc = view_build(f, v, err, sizeof(err));
    if (rc != 0)
        fail_msg("%s", err);
}

/* Serial rows at two chunk sizes: the baseline is the faster one (the
 * bug of the scaling charts was to take the first). */
static void test_baseline_is_fastest_serial(void **state)
{
    (void)state;
    const char *text = HEAD
        ROW("serial", 1, 16, "{\"n\":300}", "[4,4,4,4,4]", "null", 0) ","
        ROW("serial", 1, 1, "{\"n\":300}", "[2,2,2,2,2]", "null", 0) ","
        ROW("threads", 2, 1, "{\"n\":300}", "[1,1,1,1,1]", "null", 0) ","
        ROW("threads", 1, 1, "{\"n\":300}", "[2.5,2.5,2.5,2.5,2.5]",
            "null", 0) "]}";
    struct results_file f;
    struct results_view v;
    load(text, &f, &v);
    assert_int_equal(v.ninsts, 1);
    assert_int_equal(v.insts[0].baseline, 1);
    assert_ptr_equal(view_baseline(&v, &v.rows[2]), &v.rows[1]);
    assert_true(fabs(v.rows[2].speedup - 2.0) < 1e-12);
    assert_true(fabs(v.rows[2].efficiency - 1.0) < 1e-12);
    assert_true(fabs(v.rows[3].speedup - 0.8) < 1e-12);
    assert_true(fabs(v.rows[0].speedup - 0.5) < 1e-12);
    /* Constant samples: the interval is the point. */
    assert_true(fabs(v.rows[2].speedup_lo - 2.0) < 1e-12);
    assert_true(fabs(v.rows[2].speedup_hi - 2.0) < 1e-12);
    assert_true(v.insts[0].chunk_varies == 0);
    assert_ptr_equal(view_fastest(&v, 0, "threads", 0), &v.rows[2]);
    assert_ptr_equal(view_fastest(&v, 0, "threads", 1), &v.rows[3]);
    assert_null(view_fastest(&v, 0, "procs", 0));
    view_free(&v);
    results_free(&f);
}

/* A failed or errored serial row is never the baseline; an instance
 * without a usable one has no speedups. */
static void test_unusable_rows(void **state)
{
    (void)state;
    const char *text = HEAD
        ROW("serial", 1, 1, "{\"n\":300}", "[1,1,1]", "\"broke\"", 0) ","
        ROW("serial", 1, 2, "{\"n\":300}", "[1,1,1]", "null", 3) ","
        ROW("threads", 2, 1, "{\"n\":300}", "[1,1,1]", "null", 0) ","
        ROW("serial", 1, 1, "{\"n\":20}", "[3,3,3]", "null", 0) ","
        ROW("threads", 2, 1, "{\"n\":20}", "[1,2,3]", "null", 0) "]}";
    struct results_file f;
    struct results_view v;
    load(text, &f, &v);
    assert_int_equal(v.ninsts, 2);
    assert_int_equal(v.insts[0].baseline, -1);
    assert_false(v.rows[0].usable);
    assert_false(v.rows[1].usable);
    assert_true(v.rows[2].usable);
    assert_true(isnan(v.rows[2].speedup));
    assert_int_equal(v.insts[1].baseline, 3);
    /* The ratios 3/1, 3/2, 3/3 three times: the median is 1.5. With 3
     * samples a side no pair of ratios reaches 95%: no interval. */
    assert_true(fabs(v.rows[4].speedup - 1.5) < 1e-12);
    assert_true(isnan(v.rows[4].speedup_lo) && isnan(v.rows[4].speedup_hi));
    assert_true(isnan(v.rows[4].speedup_level));
    assert_string_equal(v.insts[1].label, "factorial n=20");
    view_free(&v);
    results_free(&f);
}

/* Bimodal samples: the speedup and its interval come from one
 * construction, the log-scale Hodges-Lehmann estimate over the 30
 * ratios serial / threads. Expected values from an outside
 * implementation (python3: exp(statistics.median(log ratios)), and the
 * critical c of the exact Mann-Whitney law enumerated with
 * itertools.combinations). The ratio of the medians, 10.2 / 9.05 =
 * 1.127, is what the speedup used to be. */
static void test_bimodal_speedup(void **state)
{
    (void)state;
    const char *text = HEAD
        ROW("serial", 1, 1, "{\"n\":300}", "[10,10.1,10.2,15,15.1]",
            "null", 0) ","
        ROW("threads", 2, 1, "{\"n\":300}", "[6,6.1,9,9.1,9.2,9.3]",
            "null", 0) "]}";
    struct results_file f;
    struct results_view v;
    load(text, &f, &v);
    const struct view_row *t = &v.rows[1];
    assert_true(fabs(t->speedup - 1.634883453312772) < 1e-9);
    assert_true(fabs(t->speedup_lo - 1.096774193548387) < 1e-9);
    assert_true(fabs(t->speedup_hi - 2.459016393442623) < 1e-9);
    assert_true(fabs(t->speedup_level - 0.9696969696969697) < 1e-9);
    assert_true(t->speedup_lo <= t->speedup && t->speedup <= t->speedup_hi);
    assert_true(fabs(t->efficiency - t->speedup / 2) < 1e-12);
    /* The baseline against itself is exactly 1. */
    assert_true(v.rows[0].speedup == 1.0);
    view_free(&v);
    results_free(&f);
}

static void test_labels_and_keys(void **state)
{
    (void)state;
    const char *text = HEAD
        ROW("threads", 2, 7, "{\"skew\":1,\"n\":300}", "[1]", "null", 0)
        "," ROW("threads", 2, 8, "{\"skew\":1,\"n\":300}", "[1]", "null", 0)
        "]}";
    struct results_file f;
    struct results_view v;
    char a[512], b[512];
    load(text, &f, &v);
    view_config_label(&f.rows[0], a, sizeof(a));
    assert_string_equal(a,
                        "factorial n=300,skew=1 threads j=2 unordered "
                        "chunk=7");
    view_match_key(&f.rows[0], a, sizeof(a));
    view_match_key(&f.rows[1], b, sizeof(b));
    assert_string_not_equal(a, b);
    assert_false(view_same_config(&f.rows[0], &f.rows[1]));
    assert_true(view_same_config(&f.rows[0], &f.rows[0]));
    assert_int_equal(view_param(f.rows[0].params, "skew", a, sizeof(a)), 0);
    assert_string_equal(a, "1");
    assert_int_equal(view_param(f.rows[0].params, "x", a, sizeof(a)), -1);
    view_params_without(f.rows[0].params, "n", a, sizeof(a));
    assert_string_equal(a, "skew=1");
    assert_true(v.insts[0].chunk_varies);
    view_free(&v);
    results_free(&f);
}

static void test_verdict(void **state)
{
    (void)state;
    assert_int_equal(view_ci_verdict(1, 2, 3, 4), VIEW_LOWER);
    assert_int_equal(view_ci_verdict(3, 4, 1, 2), VIEW_HIGHER);
    assert_int_equal(view_ci_verdict(1, 3, 2, 4), VIEW_SAME);
    assert_int_equal(view_ci_verdict(NAN, 3, 2, 4), VIEW_SAME);
}

#define MACHINE                                                           \
    "{\"hostname\":\"h\",\"os\":null,\"kernel\":\"6.1\","                \
    "\"cpu_model\":\"cpu\",\"cpus_online\":2,\"affinity\":\"0-1\","      \
    "\"mem_total_bytes\":1024,\"clocksource\":\"tsc\",\"governor\":null," \
    "\"compiler\":\"gcc\",\"build_type\":\"release\","                    \
    "\"poolbench_version\":\"0.1.0\",\"git_commit\":null}"

/* Rows of two merged runs are two instances with their own baselines. */
static void test_parts(void **state)
{
    (void)state;
    const char *text =
        "{\"schema\":\"poolbench/1\",\"created\":\"2026-01-01T00:00:00Z\","
        "\"machine\":" MACHINE ",\"machines\":[" MACHINE "," MACHINE
        "],\"config\":{},"
        "\"results\":["
        "{\"workload\":\"noop\",\"executor\":\"serial\",\"workers\":1,"
        "\"mode\":\"unordered\",\"chunk\":1,\"transport\":\"none\","
        "\"params\":{},\"tasks\":1,\"errors\":0,\"checksum\":"
        "\"0000000000000000\",\"failure\":null,\"samples\":{\"wall_s\":[2]},"
        "\"machine_index\":0,\"run_index\":0},"
        "{\"workload\":\"noop\",\"executor\":\"serial\",\"workers\":1,"
        "\"mode\":\"unordered\",\"chunk\":1,\"transport\":\"none\","
        "\"params\":{},\"tasks\":1,\"errors\":0,\"checksum\":"
        "\"0000000000000000\",\"failure\":null,\"samples\":{\"wall_s\":[4]},"
        "\"machine_index\":1,\"run_index\":1}]}";
    struct results_file f;
    struct results_view v;
    char err[256];
    if (results_parse("m.json", text, strlen(text), &f, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(view_build(&f, &v, err, sizeof(err)), 0);
    assert_int_equal(v.nparts, 2);
    assert_int_equal(v.ninsts, 2);
    assert_int_equal(v.parts[1].machine, 1);
    assert_int_equal(v.parts[1].run, 1);
    assert_true(fabs(v.rows[1].speedup - 1.0) < 1e-12);
    assert_true(view_in_part(&f.rows[1], &v.parts[1]));
    assert_false(view_in_part(&f.rows[0], &v.parts[1]));
    view_free(&v);
    results_free(&f);
}

/* pyfunc has only Python rows: py-serial is its baseline; cmd pairs a
 * command with `true` on the same items (baseline=0,1). */
static void test_pyfunc_baseline_and_spawn_share(void **state)
{
    (void)state;
    const char *text = HEAD
        WROW("pyfunc", "py-serial", "{\"func\":\"m:f\"}", "[4,4,4]") ","
        WROW("pyfunc", "py-pool", "{\"func\":\"m:f\"}", "[1,1,1]") ","
        WROW("cmd", "serial", "{\"baseline\":0,\"run\":\"gzip {}\"}",
             "[8,8,8]") ","
        WROW("cmd", "threads", "{\"baseline\":0,\"run\":\"gzip {}\"}",
             "[4,4,4]") ","
        WROW("cmd", "serial", "{\"baseline\":1,\"run\":\"gzip {}\"}",
             "[2,2,2]") ","
        WROW("cmd", "serial", "{\"baseline\":0,\"run\":\"xz {}\"}",
             "[8,8,8]") "]}";
    struct results_file f;
    struct results_view v;
    double task_s, spawn_s, share;
    load(text, &f, &v);
    assert_int_equal(v.ninsts, 4);
    assert_string_equal(view_baseline_name("pyfunc"), "py-serial");
    assert_string_equal(view_baseline_name("cmd"), "serial");
    assert_int_equal(v.insts[0].baseline, 0);
    assert_true(fabs(v.rows[1].speedup - 4.0) < 1e-12);
    assert_int_equal(view_spawn_share(&v, 1, &task_s, &spawn_s, &share), 1);
    assert_true(fabs(task_s - 0.08) < 1e-12);
    assert_true(fabs(spawn_s - 0.02) < 1e-12);
    assert_true(fabs(share - 0.25) < 1e-12);
    /* true itself, another command without a pair, and pyfunc: none. */
    assert_int_equal(view_spawn_share(&v, 2, &task_s, &spawn_s, &share), 0);
    assert_int_equal(view_spawn_share(&v, 3, &task_s, &spawn_s, &share), 0);
    assert_int_equal(view_spawn_share(&v, 0, &task_s, &spawn_s, &share), 0);
    view_free(&v);
    results_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_is_fastest_serial),
        cmocka_unit_test(test_unusable_rows),
        cmocka_unit_test(test_bimodal_speedup),
        cmocka_unit_test(test_labels_and_keys),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_pyfunc_baseline_and_spawn_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
