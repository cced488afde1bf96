/* test_results.c - results files: round trip, atomic writes, and the
 * reader's refusal of everything that is not poolbench/1. */
#include <dirent.h>
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

#include "results.h"

/* A valid file; ROW is replaced by the row's fields. */
static const char *valid_head =
    "{\"schema\":\"poolbench/1\",\"created\":\"2026-01-01T00:00:00Z\","
    "\"machine\":{\"hostname\":\"h\",\"os\":null,\"kernel\":\"6.1\","
    "\"cpu_model\":\"cpu\",\"cpus_online\":2,\"affinity\":\"0-1\","
    "\"mem_total_bytes\":1024,\"clocksource\":\"tsc\",\"governor\":null,"
    "\"compiler\":\"gcc\",\"build_type\":\"release\","
    "\"poolbench_version\":\"0.1.0\",\"git_commit\":null},"
    "\"config\":{},\"results\":[";

static const char *valid_row =
    "{\"workload\":\"factorial\",\"executor\":\"threads\",\"workers\":2,"
    "\"mode\":\"unordered\",\"chunk\":7,\"transport\":\"none\","
    "\"params\":{\"skew\":1,\"n\":300},\"tasks\":100,\"errors\":0,"
    "\"checksum\":\"00000000001e8098\",\"failure\":null,"
    "\"samples\":{\"wall_s\":[0.5,0.25,0.75],\"user_s\":[1,1,1]},"
    "\"timeline\":[[0.1,50],[0.2,100]],"
    "\"ns_per_task\":5000000,\"speedup\":1.9,\"efficiency\":0.95}";

static char *make_file(const char *row)
{
    size_t len = strlen(valid_head) + strlen(row) + 8;
    char *s = malloc(len);
    snprintf(s, len, "%s%s]}", valid_head, row);
    return s;
}

/* Replace the first occurrence of from with to in the valid row. */
static char *row_with(const char *from, const char *to)
{
    const char *at = strstr(valid_row, from);
    assert_non_null(at);
    size_t len = strlen(valid_row) - strlen(from) + strlen(to) + 1;
    char *row = malloc(len);
    snprintf(row, len, "%.*s%s%s", (int)(at - valid_row), valid_row, to,
             at + strlen(from));
    char *file = make_file(row);
    free(row);
    return file;
}

static void test_parse_valid(void **state)
{
    (void)state;
    char *text = make_file(valid_row);
    struct results_file f;
    char err[512];
    assert_int_equal(results_parse("t.json", text, strlen(text), &f, err,
                                   sizeof(err)), 0);
    assert_int_equal(f.nrows, 1);
    assert_int_equal(f.nmachines, 1);
    assert_string_equal(f.machines[0].hostname, "h");
    assert_null(f.machines[0].os);
    const struct results_row *r = &f.rows[0];
    assert_string_equal(r->workload, "factorial");
    assert_string_equal(r->executor, "threads");
    assert_int_equal(r->workers, 2);
    assert_int_equal(r->chunk, 7);
    assert_string_equal(r->params, "n=300,skew=1"); /* keys sorted */
    assert_null(r->failure);
    assert_int_equal(r->ntimeline, 2);
    assert_int_equal(r->timeline[1].done, 100);
    struct stats_summary s;
    assert_int_equal(results_row_stats(r, "wall_s", &s), 0);
    assert_double_equal(s.median, 0.5, 1e-12);
    assert_int_equal(results_row_stats(r, "sys_s", &s), -1);
    assert_double_equal(r->speedup, 1.9, 1e-12);
    results_free(&f);
    free(text);
}

/* The streaming reader (#24): equal strings of different rows are one
 * copy, the root tree holds no rows, a row's "stats" are not read but
 * its text is kept whole for results_row_json. */
static void test_compact_model(void **state)
{
    (void)state;
    const char *stats = ",\"stats\":{\"wall_s\":{\"median\":\"x\"}}}";
    size_t rl = strlen(valid_row);
    char row2[2048], rows[4200];
    /* valid_row with a stats object (of a type the reader would refuse,
     * were it read) before its closing brace. */
    snprintf(row2, sizeof(row2), "%.*s%s", (int)(rl - 1), valid_row,
             stats);
    snprintf(rows, sizeof(rows), "%s, %s", valid_row, row2);
    char *text = make_file(rows);
    char dir[] = "/tmp/pb-results-XXXXXX", path[256], err[512];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/two.json", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    struct results_file f;
    assert_int_equal(results_load_flags(path, RESULTS_KEEP_TEXT, &f, err,
                                        sizeof(err)), 0);
    assert_int_equal(f.nrows, 2);
    assert_ptr_equal(f.rows[0].workload, f.rows[1].workload);
    assert_ptr_equal(f.rows[0].params, f.rows[1].params);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(f.root,
                                                            "results")), 0);
    cJSON *o = results_row_json(&f, &f.rows[1]);
    assert_non_null(o);
    assert_non_null(cJSON_GetObjectItem(o, "stats"));
    assert_string_equal(cJSON_GetObjectItem(o, "executor")->valuestring,
                        "threads");
    cJSON_Delete(o);
    results_free(&f);
    /* Without RESULTS_KEEP_TEXT there is no text to give. */
    assert_int_equal(results_load(path, &f, err, sizeof(err)), 0);
    assert_null(results_row_json(&f, &f.rows[0]));
    results_free(&f);
    free(text);
    unlink(path);
    rmdir(dir);
}

/* Each broken variant must be refused with a message naming the spot. */
static void expect_error(const char *text, size_t len, const char *needle)
{
    struct results_file f;
    char err[512] = "";
    int rc = results_parse("bad.json", text, len, &f, err, sizeof(err));
    if (rc == 0 || strstr(err, needle) == NULL)
        fail_msg("expected an error containing '%s', got rc=%d '%s'",
                 needle, rc, err);
    assert_int_equal(f.nrows, 0);
    assert_null(f.root);
    assert_non_null(strstr(err, "bad.json"));
    assert_null(strchr(err, '\n'));
}

static void expect_row_error(const char *from, const char *to,
                             const char *needle)
{
    char *text = row_with(from, to);
    expect_error(text, strlen(text), needle);
    free(text);
}

static void test_refusals(void **state)
{
    (void)state;
    char *good = make_file(valid_row);
    /* Truncated anywhere: never accepted. */
    for (size_t cut = 0; cut < strlen(good); cut += 37)
        expect_error(good, cut, cut == 0 ? "empty" : "bad.json");
    free(good);
    expect_error("[]", 2, "top level is an array");
    expect_error("{\"results\":[]}", 14, "no \"schema\"");
    const char *other = "{\"schema\":\"poolbench/2\",\"results\":[]}";
    expect_error(other, strlen(other), "\"poolbench/2\"");
    const char *numschema = "{\"schema\":7}";
    expect_error(numschema, strlen(numschema), "schema is a number");
    const char *nonutf = "{\"schema\":\"pool\xff\"}";
    expect_error(nonutf, strlen(nonutf), "UTF-8");
    const char *nan = "{\"schema\":NaN}";
    expect_error(nan, strlen(nan), "not valid JSON");
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    expect_error(deep, sizeof(deep), "deeper");

    expect_row_error("\"workers\":2", "\"workers\":\"2\"",
                     "results[0].workers: expected a number");
    expect_row_error("\"workers\":2", "\"workers\":0", "out of range");
    expect_row_error("\"workers\":2", "\"workers\":2.5", "whole number");
    expect_row_error("\"chunk\":7", "\"chunk\":-7", "chunk");
    expect_row_error("\"mode\":\"unordered\"", "\"mode\":\"random\"",
                     "expected ordered or unordered");
    expect_row_error("\"checksum\":\"00000000001e8098\"",
                     "\"checksum\":\"1E8098\"", "16 lowercase hex");
    expect_row_error("[0.5,0.25,0.75]", "[0.5,\"x\",0.75]",
                     "wall_s[1]: expected a finite number");
    expect_row_error("[0.5,0.25,0.75]", "[0.5,1e999,0.75]",
                     "wall_s[1]: expected a finite number");
    expect_row_error("[0.5,0.25,0.75]", "[0.5,-1,0.75]", "negative");
    expect_row_error("\"wall_s\"", "\"wallx_s\"", "no wall_s");
    expect_row_error("\"params\":{", "\"params\":{\"x\":[1],",
                     "params.x");
    expect_row_error("[[0.1,50],[0.2,100]]", "[[0.1]]", "timeline[0]");
    expect_row_error("\"failure\":null", "\"failure\":3",
                     "failure: expected a string");
    expect_row_error("\"speedup\":1.9", "\"speedup\":\"fast\"",
                     "speedup");
    expect_row_error("\"tasks\":100", "\"machine_index\":3,\"tasks\":100",
                     "machine_index");
    /* cJSON refused a UTF-16 surrogate escaped alone; the reader still
     * does (yajl would let it through). */
    expect_row_error("\"executor\":\"threads\"",
                     "\"executor\":\"thr\\ud800eads\"",
                     "results[0]: not valid JSON");
    expect_row_error("\"executor\":\"threads\"",
                     "\"exe\\udc00cutor\":\"threads\"",
                     "results[0]: not valid JSON");
    /* A row is read as the scan passes, but the file's syntax and
     * outline are still judged first, and its machines, which may
     * follow the rows. */
    char *late = row_with("\"mode\":\"unordered\"", "\"mode\":\"random\"");
    memcpy(strstr(late, "\"poolbench/1\""), "7            ", 13);
    expect_error(late, strlen(late), "schema is a number");
    late[strlen(late) - 1] = ']';
    expect_error(late, strlen(late), "not valid JSON");
    free(late);
    expect_row_error("\"tasks\":100",
                     "\"machine_index\":1,\"role\":3,\"tasks\":100",
                     "results[0].machine_index: 1 is out of range");
    expect_row_error("\"mode\":\"unordered\"",
                     "\"machine_index\":1,\"mode\":\"random\"",
                     "results[0].mode: 'random'");
}

/* A row whose machine_index names a machine listed after the rows. */
static void test_machines_after_rows(void **state)
{
    (void)state;
    char *text = row_with("\"tasks\":100",
                          "\"machine_index\":1,\"tasks\":100");
    const char *m = strstr(text, "\"machine\":") + strlen("\"machine\":");
    int mlen = (int)(strstr(m, "},") + 1 - m);
    size_t size = strlen(text) + 2 * (size_t)mlen + 32;
    char *moved = malloc(size);
    snprintf(moved, size, "%.*s,\"machines\":[%.*s,%.*s]}",
             (int)strlen(text) - 1, text, mlen, m, mlen, m);
    struct results_file f;
    char err[512];
    if (results_parse("t.json", moved, strlen(moved), &f, err,
                      sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(f.nmachines, 2);
    assert_int_equal(f.rows[0].machine_index, 1);
    results_free(&f);
    strstr(moved, "\"machine_index\":1")[16] = '2';
    expect_error(moved, strlen(moved),
                 "results[0].machine_index: 2 is out of range; expected a "
                 "whole number from 0 to 1");
    free(moved);
    free(text);
}

/* Numbers read exactly as strtod reads them, whichever way the reader
 * takes (one IEEE operation when exact, else strtod). */
static void test_numbers(void **state)
{
    (void)state;
    static const char *const nums[] = {
        "0.1", "1e22", "1e23", "9007199254740992", "9007199254740993",
        "4.35", "-0", "0.000001234", "123456789012345678e-5",
        "2.2250738585072014e-308", "1.7976931348623157e308", "6.5e-05",
        "0.30000000000000004", "1E+2", "1e-22", "3.0000000000000000001",
    };
    const size_t n = sizeof(nums) / sizeof(nums[0]);
    char list[1024] = "[", *text;
    for (size_t k = 0; k < n; k++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 k ? "," : "", nums[k]);
    strcat(list, "]");
    text = row_with("[0.5,0.25,0.75]", list);
    struct results_file f;
    char err[512];
    assert_int_equal(results_parse("t.json", text, strlen(text), &f, err,
                                   sizeof(err)), 0);
    const struct results_series *s = results_series_find(&f.rows[0],
                                                         "wall_s");
    assert_int_equal(s->n, n);
    for (size_t k = 0; k < n; k++) {
        double want = strtod(nums[k], NULL);
        if (memcmp(&s->v[k], &want, sizeof(want)) != 0)
            fail_msg("%s read as %.17g, strtod gives %.17g", nums[k],
                     s->v[k], want);
    }
    results_free(&f);
    free(text);
}

static void test_write_atomic(void **state)
{
    (void)state;
    char dir[] = "/tmp/pb-results-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512];
    snprintf(path, sizeof(path), "%s/out.json", dir);
    char *text = make_file(valid_row);
    cJSON *root = cJSON_Parse(text);
    assert_int_equal(results_write_atomic(path, root, err, sizeof(err)), 0);
    struct results_file f;
    assert_int_equal(results_load(path, &f, err, sizeof(err)), 0);
    assert_int_equal(f.nrows, 1);
    assert_string_equal(f.rows[0].checksum, "00000000001e8098");
    results_free(&f);

    /* A folder that does not exist: refused, nothing written anywhere. */
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/nope/out.json", dir);
    assert_int_equal(results_write_atomic(missing, root, err, sizeof(err)),
                     -1);
    assert_int_equal(results_check_writable(missing, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "does not exist"));
    assert_int_equal(results_check_writable(dir, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is a directory"));

    /* No temporary file is left behind. */
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' || strstr(e->d_name, ".tmp.") != NULL)
            files++;
    closedir(d);
    assert_int_equal(files, 1);
    cJSON_Delete(root);
    free(text);
    unlink(path);
    rmdir(dir);
}

/* results_write_new never replaces a file: a taken name gets -2, -3. */
static void test_write_new(void **state)
{
    (void)state;
    char dir[] = "/tmp/pb-results-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char stem[256], taken[300], path[300], path2[300], err[512];
    snprintf(stem, sizeof(stem), "%s/host-20260101T000000Z", dir);
    snprintf(taken, sizeof(taken), "%s.json", stem);
    FILE *f = fopen(taken, "w");
    assert_non_null(f);
    fputs("taken\n", f);
    fclose(f);
    char *text = make_file(valid_row);
    cJSON *root = cJSON_Parse(text);
    assert_int_equal(results_write_new(stem, root, path, sizeof(path), err,
                                       sizeof(err)), 0);
    assert_true(strlen(path) > 7);
    assert_string_equal(path + strlen(path) - 7, "-2.json");
    assert_int_equal(results_write_new(stem, root, path2, sizeof(path2),
                                       err, sizeof(err)), 0);
    assert_string_equal(path2 + strlen(path2) - 7, "-3.json");
    struct results_file rf;
    assert_int_equal(results_load(path, &rf, err, sizeof(err)), 0);
    results_free(&rf);
    /* The taken file is untouched. */
    char buf[16] = "";
    f = fopen(taken, "r");
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "taken\n");
    unlink(taken);
    unlink(path);
    unlink(path2);
    rmdir(dir);
    cJSON_Delete(root);
    free(text);
}

/* Control characters, DEL, C1 controls and bad UTF-8 become \xNN; valid
 * UTF-8 text is kept. */
static void test_term_safe(void **state)
{
    (void)state;
    char buf[64];
    snprintf(buf, sizeof(buf), "a\033[31mb\rc\007\177d\xff\xc2\x9b"
             "\xc3\xa9");
    results_term_safe(buf, sizeof(buf));
    assert_string_equal(buf, "a\\x1b[31mb\\x0dc\\x07\\x7fd\\xff\\xc2\\x9b"
                        "\xc3\xa9");
    /* Cut short to fit, never mid-escape. */
    char small[8] = "\033\033\033";
    results_term_safe(small, sizeof(small));
    assert_string_equal(small, "\\x1b");
}

static void test_load_errors(void **state)
{
    (void)state;
    struct results_file f;
    char err[512];
    assert_int_equal(results_load("/nonexistent/x.json", &f, err,
                                  sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
    assert_int_equal(results_load("/tmp", &f, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
}

/* Every committed bad fixture is refused with its expected message, and
 * the good ones load (tests/fixtures/make_bad.py made them). */
static void test_fixtures(void **state)
{
    (void)state;
    const char *dir = getenv("FIXTURES");
    if (dir == NULL)
        skip();
    char path[4096], err[512], line[512];
    snprintf(path, sizeof(path), "%s/bad/EXPECT", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        snprintf(path, sizeof(path), "%s/bad/%s", dir, line);
        struct results_file rf;
        err[0] = '\0';
        if (results_load(path, &rf, err, sizeof(err)) == 0)
            fail_msg("%s was accepted", line);
        if (strstr(err, tab + 1) == NULL)
            fail_msg("%s: '%s' lacks '%s'", line, err, tab + 1);
        assert_null(strchr(err, '\n'));
        n++;
    }
    fclose(f);
    assert_true(n >= 20);
    snprintf(path, sizeof(path), "%s/good/serial.json", dir);
    struct results_file rf;
    if (results_load(path, &rf, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_true(rf.nrows > 0);
    results_free(&rf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_compact_model),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_machines_after_rows),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_write_new),
        cmocka_unit_test(test_term_safe),
        cmocka_unit_test(test_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
