/* test_scale.c - the readers of results grow as n log n in instances,
 * not n^2 (issue 18, item 12): the summary (`show`) of a file with N
 * instances and of one with 2N, each row with a warning, counted in
 * string comparisons (strcmp is wrapped at link time: -Wl,--wrap=strcmp),
 * never in time. Quadratic work would make the ratio about 4; n log n
 * keeps it near 2. Also checks what the summary says is unchanged: each
 * instance named by the parameter that tells it apart, and each
 * instance's warnings grouped by kind in file order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "summary.h"
#include "view.h"

static unsigned long long strcmp_calls;

int __real_strcmp(const char *a, const char *b);
int __wrap_strcmp(const char *a, const char *b);
int __wrap_strcmp(const char *a, const char *b)
{
    strcmp_calls++;
    return __real_strcmp(a, b);
}

/* A file of n factorial instances (n=i, skew=1), one serial row each,
 * with two warnings of one kind and one of another about each row. */
static void write_file(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"schema\":\"poolbench/1\",\"created\":\"2026-01-01T00:00:00Z\","
          "\"machine\":{\"hostname\":\"h\",\"os\":\"Linux\",\"kernel\":"
          "\"6\",\"arch\":\"x86_64\",\"cpu_model\":\"t\",\"cpus_online\":"
          "2,\"affinity\":\"0-1\",\"mem_total_bytes\":1,\"clocksource\":"
          "\"tsc\",\"governor\":null,\"compiler\":\"gcc\",\"build_type\":"
          "\"release\",\"poolbench_version\":\"0\",\"git_commit\":null},"
          "\"config\":{\"argv\":[\"t\"]},\"results\":[", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s{\"workload\":\"factorial\",\"executor\":\"serial\","
                "\"workers\":1,\"mode\":\"unordered\",\"chunk\":1,"
                "\"transport\":\"none\",\"params\":{\"n\":%zu,\"skew\":1},"
                "\"tasks\":10,\"errors\":0,\"checksum\":\"%016zx\","
                "\"failure\":null,\"samples\":{\"wall_s\":[0.1,0.2,0.3]}}",
                i ? "," : "", i, i);
    fputs("],\"warnings\":[", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s{\"kind\":\"too_short\",\"message\":\"a%zu\","
                "\"result\":%zu},{\"kind\":\"busy_machine\",\"message\":"
                "\"b%zu\",\"result\":%zu},{\"kind\":\"too_short\","
                "\"message\":\"c%zu\",\"result\":%zu}",
                i ? "," : "", i, i, i, i, i, i);
    fputs("]}\n", f);
    assert_int_equal(fclose(f), 0);
}

/* The strcmp calls of view_build + summary_print on a file of n
 * instances; the summary's text into out (may be NULL). */
static unsigned long long summary_cost(size_t n, char **out)
{
    char path[] = "/tmp/pb-scale-XXXXXX", err[512];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, n);
    struct results_file rf;
    struct results_view v;
    assert_int_equal(results_load(path, &rf, err, sizeof(err)), 0);
    unlink(path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    strcmp_calls = 0;
    assert_int_equal(view_build(&rf, &v, err, sizeof(err)), 0);
    summary_print(mem, &v, 0);
    unsigned long long calls = strcmp_calls;
    fclose(mem);
    view_free(&v);
    results_free(&rf);
    if (out != NULL)
        *out = text;
    else
        free(text);
    return calls;
}

static void test_summary_is_not_quadratic(void **state)
{
    (void)state;
    unsigned long long small = summary_cost(2000, NULL);
    unsigned long long big = summary_cost(4000, NULL);
    /* n log n: ~2.2; n^2: ~4. */
    assert_true(small > 0);
    assert_true(big * 10 < small * 30);
}

static void test_summary_says_the_same(void **state)
{
    (void)state;
    char *text = NULL;
    summary_cost(3, &text);
    /* n tells the instances apart, skew does not. */
    assert_non_null(strstr(text, "factorial n=0  ("));
    assert_non_null(strstr(text, "factorial n=2  ("));
    assert_null(strstr(text, "skew"));
    /* One line per kind, in file order, counting the rest. */
    const char *a = strstr(text, "! too_short (2 rows): a1");
    const char *b = strstr(text, "! busy_machine: b1");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_null(strstr(text, ": c1"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_is_not_quadratic),
        cmocka_unit_test(test_summary_says_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
