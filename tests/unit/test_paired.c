/* test_paired.c - the paired comparison of A/B files built here: pairing
 * by round (rounds one side lacks are left out), verdicts (slower beyond
 * the threshold, same with what it could see, not tested when the test
 * cannot fire or could not see the threshold, one side only, a failed
 * side), the correction's alpha, checksums, and files that are not A/B. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "paired.h"

#define MACHINE "{\"hostname\":\"h\",\"os\":\"Linux\",\"kernel\":\"k\"," \
    "\"cpu_model\":\"c\",\"cpus_online\":2,\"affinity\":\"0-1\"," \
    "\"mem_total_bytes\":1e9,\"clocksource\":null,\"governor\":null," \
    "\"compiler\":\"cc\",\"build_type\":\"release\"," \
    "\"poolbench_version\":\"x\",\"git_commit\":null}"

/* One row's JSON into buf: side, executor, wall times and rounds. */
static void row(char *buf, size_t len, const char *side, const char *ex,
                const double *wall, const int *round, size_t n,
                const char *checksum, const char *failure)
{
    size_t used = (size_t)snprintf(buf, len,
        "{\"workload\":\"w@%s\",\"side\":\"%s\",\"executor\":\"%s\","
        "\"workers\":1,\"mode\":\"unordered\",\"chunk\":1,"
        "\"transport\":\"none\",\"params\":{},\"tasks\":10,\"errors\":0,"
        "\"checksum\":\"%s\",\"failure\":%s%s%s,\"stats\":{},"
        "\"samples\":{\"wall_s\":[", side, side, ex, checksum,
        failure ? "\"" : "", failure ? failure : "null",
        failure ? "\"" : "");
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%.17g",
                                 k ? "," : "", wall[k]);
    used += (size_t)snprintf(buf + used, len - used, "],\"round\":[");
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%d",
                                 k ? "," : "", round[k]);
    snprintf(buf + used, len - used, "]}}");
}

static int load(const char *rows, struct results_file *f)
{
    static char text[65536];
    char err[512];
    snprintf(text, sizeof(text), "{\"schema\":\"poolbench/1\","
             "\"created\":\"2026-01-01T00:00:00Z\",\"machine\":%s,"
             "\"config\":{\"argv\":[]},\"ab\":{\"base\":\"a\",\"new\":"
             "\"b\"},\"results\":[%s]}", MACHINE, rows);
    int rc = results_parse("t.json", text, strlen(text), f, err,
                           sizeof(err));
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    return rc;
}

static struct compare_options opts(void)
{
    struct compare_options o;
    memset(&o, 0, sizeof(o));
    o.threshold_pct = 5;
    o.alpha = 0.01;
    return o;
}

/* n rounds of base 1.0 (+- a wobble) and new = base * factor(k). */
static void series(size_t n, double ratio, double spread, double *b,
                   double *nw, int *r)
{
    for (size_t k = 0; k < n; k++) {
        b[k] = 1.0 + 0.01 * (double)(k % 3);
        nw[k] = b[k] * ratio * (1 + spread * ((double)(k % 5) - 2) / 2);
        r[k] = (int)k;
    }
}

static void test_regression_and_same(void **state)
{
    (void)state;
    double b[16], n1[16], n2[16];
    int r[16];
    char rows[16384], x[4096];
    struct results_file f;
    struct paired_report rep;
    struct compare_options o = opts();
    series(16, 1.25, 0.002, b, n1, r);
    series(16, 1.0, 0.002, b, n2, r);
    rows[0] = '\0';
    row(x, sizeof(x), "a", "serial", b, r, 16, "00000000000000aa", NULL);
    strcat(rows, x);
    row(x, sizeof(x), "a", "threads", b, r, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    row(x, sizeof(x), "b", "serial", n1, r, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    row(x, sizeof(x), "b", "threads", n2, r, 16, "00000000000000ab", NULL);
    strcat(strcat(rows, ","), x);
    assert_int_equal(load(rows, &f), 0);
    assert_true(paired_is_ab(&f));
    assert_int_equal(paired_analyze(&f, &o, &rep, x, sizeof(x)), 0);
    assert_int_equal(rep.nrows, 2);
    assert_int_equal(rep.ntested, 2);
    /* holm over 2 rows: the detectable effect is judged at alpha / 2. */
    assert_true(fabs(rep.row_alpha - 0.005) < 1e-12);
    const struct paired_row *s = &rep.rows[0], *t = &rep.rows[1];
    assert_int_equal(s->npairs, 16);
    assert_int_equal(s->verdict, PAIRED_SLOWER);
    assert_true(s->regression);
    assert_true(s->est > 1.2 && s->est < 1.3);
    assert_true(s->lo <= s->est && s->est <= s->hi);
    assert_int_equal(t->verdict, PAIRED_SAME);
    assert_true(t->detectable > 1 && t->detectable < 1.05);
    assert_int_equal(rep.regressions, 1);
    assert_int_equal(rep.checksum_differs, 1);
    assert_true(t->checksum_differs && !s->checksum_differs);
    assert_int_equal(paired_exit_status(&rep), 1);
    paired_report_free(&rep);
    results_free(&f);
}

static void test_not_tested(void **state)
{
    (void)state;
    double b[16], nw[16], noisy[16];
    int r[16], odd[16];
    char rows[16384], x[4096];
    struct results_file f;
    struct paired_report rep;
    struct compare_options o = opts();
    series(16, 1.0, 0.002, b, nw, r);
    series(16, 1.0, 0.6, b, noisy, r);
    for (int k = 0; k < 16; k++)
        odd[k] = 2 * k + 1; /* only rounds 1, 3, ..., 15 meet r */
    rows[0] = '\0';
    /* 1: 3 pairs can never reach p < alpha / 4. */
    row(x, sizeof(x), "a", "serial", b, r, 3, "00000000000000aa", NULL);
    strcat(rows, x);
    row(x, sizeof(x), "b", "serial", nw, r, 3, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    /* 2: noisy pairs: the threshold is out of sight. */
    row(x, sizeof(x), "a", "threads", b, r, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    row(x, sizeof(x), "b", "threads", noisy, r, 16, "00000000000000aa",
        NULL);
    strcat(strcat(rows, ","), x);
    /* 3: a failed side. */
    row(x, sizeof(x), "a", "procs", b, r, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    row(x, sizeof(x), "b", "procs", nw, r, 16, "00000000000000aa",
        "boom");
    strcat(strcat(rows, ","), x);
    /* 4: one side only; 5: rounds that half meet. */
    row(x, sizeof(x), "b", "futures", nw, r, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    assert_int_equal(load(rows, &f), 0);
    assert_int_equal(paired_analyze(&f, &o, &rep, x, sizeof(x)), 0);
    assert_int_equal(rep.nrows, 4);
    assert_int_equal(rep.ntested, 0);
    for (size_t k = 0; k < 4; k++)
        assert_int_equal(rep.rows[k].verdict, PAIRED_NOT_TESTED);
    assert_non_null(strstr(rep.rows[0].note, "cannot reach p <"));
    assert_non_null(strstr(rep.rows[1].note, "could detect only >="));
    assert_non_null(strstr(rep.rows[2].note, "failed on the b side"));
    assert_non_null(strstr(rep.rows[3].note, "only on the b side"));
    assert_int_equal(paired_exit_status(&rep), 2);
    rep.allow_untested = 1;
    assert_int_equal(paired_exit_status(&rep), 2); /* nothing tested */
    paired_report_free(&rep);
    results_free(&f);

    row(rows, sizeof(rows), "a", "serial", b, r, 16, "00000000000000aa",
        NULL);
    row(x, sizeof(x), "b", "serial", nw, odd, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    assert_int_equal(load(rows, &f), 0);
    assert_int_equal(paired_analyze(&f, &o, &rep, x, sizeof(x)), 0);
    assert_int_equal(rep.rows[0].npairs, 8);
    paired_report_free(&rep);
    results_free(&f);

    /* Rounds out of order (a file not written by poolbench) still pair
     * round with round: new = base * 1.25 exactly, whatever the order. */
    double rn[16];
    int rr[16];
    for (int k = 0; k < 16; k++) {
        rr[k] = 15 - k;
        rn[k] = 1.25 * b[15 - k];
    }
    row(rows, sizeof(rows), "a", "serial", b, r, 16, "00000000000000aa",
        NULL);
    row(x, sizeof(x), "b", "serial", rn, rr, 16, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    assert_int_equal(load(rows, &f), 0);
    assert_int_equal(paired_analyze(&f, &o, &rep, x, sizeof(x)), 0);
    assert_int_equal(rep.rows[0].npairs, 16);
    assert_true(fabs(rep.rows[0].est - 1.25) < 1e-9);
    paired_report_free(&rep);
    results_free(&f);
}

static void test_not_ab(void **state)
{
    (void)state;
    double b[4] = { 1, 1, 1, 1 };
    int r[4] = { 0, 1, 2, 3 };
    char rows[4096], x[4096];
    struct results_file f;
    struct paired_report rep;
    struct compare_options o = opts();
    row(rows, sizeof(rows), "a", "serial", b, r, 4, "00000000000000aa",
        NULL);
    row(x, sizeof(x), "c", "serial", b, r, 4, "00000000000000aa", NULL);
    strcat(strcat(rows, ","), x);
    assert_int_equal(load(rows, &f), 0);
    assert_int_equal(paired_analyze(&f, &o, &rep, x, sizeof(x)), -1);
    assert_non_null(strstr(x, "third side 'c'"));
    results_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_and_same),
        cmocka_unit_test(test_not_tested),
        cmocka_unit_test(test_not_ab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
