/* test_plot.c - plot, report and import-hyperfine helpers, on real files:
 * the fixtures are a poolbench run (plot-a.json) and a hyperfine
 * --export-json of poolbench runs (hyperfine-real.json). */
#include <setjmp.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "fs.h"
#include "test_util.h"
#include "hyperfine.h"
#include "plot.h"
#include "units.h"
#include "report.h"
#include "results.h"
#include "textesc.h"

static char *fixture_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("FIXTURES");
    snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "fixtures",
             name);
    return path;
}

/* hyperfine's real output converts into a file the results reader takes. */
static void test_hyperfine_real(void **state)
{
    (void)state;
    size_t len;
    char err[512] = "";
    char *text = test_slurp(fixture_path("hyperfine-real.json"), &len);
    cJSON *root = NULL;
    assert_int_equal(hyperfine_convert("hyperfine-real.json", text, len,
                                       1700000000, &root, err,
                                       sizeof(err)), 0);
    char *out = cJSON_Print(root);
    struct results_file f;
    int rc = results_parse("converted", out, strlen(out), &f, err,
                           sizeof(err));
    if (rc != 0)
        fail_msg("%s", err);
    assert_int_equal(f.nrows, 4);
    /* Row 0: the start-up baseline (poolbench run -w noop -n 1). */
    assert_string_equal(f.rows[0].workload, "noop");
    assert_int_equal(f.rows[0].tasks, 1);
    assert_non_null(f.rows[0].role);
    assert_string_equal(f.rows[0].role, "baseline");
    /* Row 2: threads at 2 workers, read from the command line. */
    assert_string_equal(f.rows[2].workload, "factorial");
    assert_string_equal(f.rows[2].executor, "threads");
    assert_int_equal(f.rows[2].workers, 2);
    assert_int_equal(f.rows[2].tasks, 2000);
    const struct results_series *w = results_series_find(&f.rows[2],
                                                         "wall_s");
    assert_non_null(w);
    assert_int_equal(w->n, 5);
    /* Speedup against the serial row of the same workload and tasks. */
    assert_true(f.rows[2].speedup > 0);
    assert_string_equal(f.created, "2023-11-14T22:13:20Z");
    results_free(&f);
    /* And from a file, as plot, report and compare read it. */
    char tmp[] = "/tmp/pb-test-plot-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
    close(fd);
    rc = results_load(tmp, &f, err, sizeof(err));
    unlink(tmp);
    if (rc != 0)
        fail_msg("%s", err);
    assert_int_equal(f.nrows, 4);
    results_free(&f);
    cJSON_free(out);
    cJSON_Delete(root);
    free(text);
}

/* Malformed hyperfine files fail with a message naming the problem. */
static void test_hyperfine_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        { "", "empty file" },
        { "{", "not valid JSON" },
        { "[1, 2]", "no \"results\" array" },
        { "{\"results\": {}}", "no \"results\" array" },
        { "{\"results\": []}", "is empty" },
        { "{\"results\": [1]}", "results[0]: expected an object" },
        { "{\"results\": [{\"mean\": 1}]}", "results[0].command" },
        { "{\"results\": [{\"command\": \"x\", \"mean\": \"1\"}]}",
          "results[0].mean" },
        { "{\"results\": [{\"command\": \"x\", \"mean\": 1, \"stddev\": "
          "null, \"median\": 1, \"min\": 1, \"max\": 1, \"user\": 0, "
          "\"system\": 0, \"times\": []}]}", "results[0].times" },
        { "{\"results\": [{\"command\": \"x\", \"mean\": 1, \"stddev\": "
          "null, \"median\": 1, \"min\": 1, \"max\": 1, \"user\": 0, "
          "\"system\": 0, \"times\": [1, -2]}]}", "results[0].times[1]" },
        { "{\"results\": [{\"command\": \"x\", \"mean\": 1, \"stddev\": "
          "0, \"median\": 1, \"min\": 1, \"max\": 1, \"user\": -1, "
          "\"system\": 0, \"times\": [1]}]}", "results[0].user" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char err[512] = "";
        cJSON *root = NULL;
        int rc = hyperfine_convert("bad.json", cases[k].text,
                                   strlen(cases[k].text), 0, &root, err,
                                   sizeof(err));
        if (rc != -1 || strstr(err, cases[k].needle) == NULL ||
            strncmp(err, "bad.json: ", 10) != 0)
            fail_msg("case %zu: rc %d, message '%s', expected '%s'", k, rc,
                     err, cases[k].needle);
        assert_null(root);
    }
}

/* A command that is not `poolbench run` keeps its command line. */
static void test_hyperfine_other_command(void **state)
{
    (void)state;
    const char *text =
        "{\"results\": [{\"command\": \"sleep 0.1\", \"mean\": 0.1, "
        "\"stddev\": null, \"median\": 0.1, \"min\": 0.1, \"max\": 0.1, "
        "\"user\": 0, \"system\": 0, \"times\": [0.1], \"exit_codes\": [1], "
        "\"parameters\": {\"delay\": \"0.1\"}}]}";
    char err[512] = "";
    cJSON *root = NULL;
    assert_int_equal(hyperfine_convert("x.json", text, strlen(text), 0,
                                       &root, err, sizeof(err)), 0);
    char *out = cJSON_Print(root);
    struct results_file f;
    assert_int_equal(results_parse("x", out, strlen(out), &f, err,
                                   sizeof(err)), 0);
    assert_string_equal(f.rows[0].workload, "command");
    assert_string_equal(f.rows[0].executor, "process");
    assert_string_equal(f.rows[0].params, "command=sleep 0.1,delay=0.1");
    /* A non-zero exit is an error, and the row says why. */
    assert_int_equal(f.rows[0].errors, 1);
    assert_non_null(f.rows[0].failure);
    results_free(&f);
    cJSON_free(out);
    cJSON_Delete(root);
}

/* Findings on a real run: sentences, each with numbers in it. */
static void test_findings(void **state)
{
    (void)state;
    struct results_file f;
    char err[512];
    if (results_load(fixture_path("plot-a.json"), &f, err,
                     sizeof(err)) != 0)
        fail_msg("%s", err);
    struct strbuf b = { 0 };
    size_t n = report_findings(&f, 1, &b);
    assert_true(n >= 4);
    assert_non_null(b.p);
    size_t lines = 0, heads = 0;
    for (char *s = b.p; *s != '\0'; s++) {
        lines += *s == '\n';
        heads += (s == b.p || s[-1] == '\n') && (*s == '=' || *s == '#');
    }
    assert_int_equal(lines - heads, n);
    assert_true(heads >= 3);
    assert_non_null(strstr(b.p, "=map or apply_async"));
    assert_non_null(strstr(b.p, "factorial n=300,skew=1"));
    assert_true(strstr(b.p, "The fastest configuration for noop") != NULL ||
                strstr(b.p, "No parallel configuration had a lower median "
                            "than the plain serial loop for noop") != NULL);
    assert_non_null(strstr(b.p, "online CPUs"));
    free(b.p);
    results_free(&f);
}

static void test_format_time(void **state)
{
    (void)state;
    char buf[32];
    units_format_time(1.5, buf, sizeof(buf));
    assert_string_equal(buf, "1.500 s");
    units_format_time(0.00638, buf, sizeof(buf));
    assert_string_equal(buf, "6.380 ms");
    units_format_time(12.3e-6, buf, sizeof(buf));
    assert_string_equal(buf, "12.3 us");
    units_format_time(3.6e-9, buf, sizeof(buf));
    assert_string_equal(buf, "3.6 ns");
    units_format_time(NAN, buf, sizeof(buf));
    assert_string_equal(buf, "-");
    /* An axis reads in the unit the text of its largest value uses. */
    static const double at[] = { 2.5, 0.5, 1e-3, 4e-5, 2e-8, 0 };
    for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
        double scale;
        const char *unit;
        char want[8];
        units_time_scale(at[k], &scale, &unit);
        units_format_time(at[k], buf, sizeof(buf));
        snprintf(want, sizeof(want), " %s", unit);
        assert_non_null(strstr(buf, want));
        assert_true(at[k] == 0 || (at[k] * scale >= 1 &&
                                   at[k] * scale < 1000));
    }
}

/* Any text becomes one gnuplot single-quoted literal: quotes doubled,
 * controls spaces, invalid UTF-8 '?', nothing else touched. */
static void test_gp_literal(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "'plain'" },
        { "it's", "'it''s'" },
        { "`touch X`", "'`touch X`'" },
        { "x\" . system('y') . \"", "'x\" . system(''y'') . \"'" },
        { "@m", "'@m'" },
        { "a\nb\rc\x1b[1m", "'a b c [1m'" },
        { "\xff\xc3(", "'?" "?('" },
        { "caf\xc3\xa9 \xc2\x9b", "'caf\xc3\xa9 ?" "?'" },
        { "", "''" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct strbuf b = { 0 };
        plot_gp_literal(&b, cases[k].in);
        assert_non_null(b.p);
        assert_string_equal(b.p, cases[k].out);
        free(b.p);
    }
}

static void test_textesc(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(textesc_ctl("a\x1b[31mb\n", out, sizeof(out)),
                        "a\\x1b[31mb\\n");
    assert_string_equal(textesc_ctl("caf\xc3\xa9\xc2\x9b\xff", out,
                                    sizeof(out)),
                        "caf\xc3\xa9\\xc2\\x9b\\xff");
    /* Cut before an escape that does not fit, never inside it. */
    assert_string_equal(textesc_ctl("ab\x1b", out, 5), "ab");
}

/* fs_write_atomic replaces a symlink at the target instead of writing
 * through it, and respects the umask. */
static void test_write_atomic_symlink(void **state)
{
    (void)state;
    char dir[] = "/tmp/pb-test-fs-XXXXXX", victim[4200], link[4200];
    char err[512];
    struct stat st;
    assert_non_null(mkdtemp(dir));
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    snprintf(link, sizeof(link), "%s/out.html", dir);
    FILE *f = fopen(victim, "w");
    assert_non_null(f);
    fputs("victim", f);
    fclose(f);
    assert_int_equal(symlink(victim, link), 0);
    mode_t old = umask(027);
    int rc = fs_write_atomic(link, "page", 4, err, sizeof(err));
    umask(old);
    if (rc != 0)
        fail_msg("%s", err);
    size_t len;
    char *text = test_slurp(victim, &len);
    assert_string_equal(text, "victim");
    free(text);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0640);
    text = test_slurp(link, &len);
    assert_string_equal(text, "page");
    free(text);
    /* A private folder is removed with what is in it. */
    char priv[4096];
    assert_int_equal(fs_private_dir(dir, "test", priv, sizeof(priv), err,
                                    sizeof(err)), 0);
    snprintf(link, sizeof(link), "%.4000s/x", priv);
    assert_int_equal(fs_write_new(link, "x", 1, err, sizeof(err)), 0);
    assert_int_equal(fs_write_new(link, "x", 1, err, sizeof(err)), -1);
    fs_private_dir_remove(priv);
    assert_int_not_equal(stat(priv, &st), 0);
    unlink(victim);
    snprintf(link, sizeof(link), "%s/out.html", dir);
    unlink(link);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyperfine_real),
        cmocka_unit_test(test_hyperfine_malformed),
        cmocka_unit_test(test_hyperfine_other_command),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_gp_literal),
        cmocka_unit_test(test_textesc),
        cmocka_unit_test(test_write_atomic_symlink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
