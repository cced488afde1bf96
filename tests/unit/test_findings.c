/* test_findings.c - findings are computed from the data, name what they
 * compare, claim a difference only when the intervals are apart, and do
 * not depend on workload or parameter names: each case runs on
 * tests/fixtures/plot-a.json reshaped (rows copied under new names, their
 * wall_s samples scaled) and again with every name changed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "test_util.h"

#include "findings.h"
#include "results.h"
#include "view.h"

static char *fixture_text(const char *name)
{
    char path[4096];
    size_t len;
    const char *dir = getenv("FIXTURES");
    snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "fixtures",
             name);
    return test_slurp(path, &len);
}

/* plot-a.json as a tree. */
static cJSON *fixture(void)
{
    char *text = fixture_text("plot-a.json");
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    return root;
}

static void scale_wall(cJSON *row, double by)
{
    cJSON *s = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(row, "samples"), "wall_s");
    cJSON *x;
    cJSON_ArrayForEach(x, s) cJSON_SetNumberValue(x, x->valuedouble * by);
    /* The stored stats and speedup would disagree: drop them. */
    cJSON_DeleteItemFromObjectCaseSensitive(row, "stats");
    cJSON_ReplaceItemInObjectCaseSensitive(row, "speedup", cJSON_CreateNull());
}

/* Copy the rows of workload from (as in plot-a.json) into root as
 * workload to with params (JSON text), the serial rows' wall samples
 * times serial_by and the others' times parallel_by. */
static void copy_rows(cJSON *root, const char *from, const char *to,
                      const char *params, double serial_by,
                      double parallel_by)
{
    cJSON *src = fixture();
    cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "results");
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(src, "results")) {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "workload")
                       ->valuestring, from) != 0)
            continue;
        cJSON *c = cJSON_Duplicate(r, 1);
        int serial = strcmp(cJSON_GetObjectItemCaseSensitive(c, "executor")
                                ->valuestring, "serial") == 0;
        cJSON_ReplaceItemInObjectCaseSensitive(c, "workload",
                                               cJSON_CreateString(to));
        cJSON_ReplaceItemInObjectCaseSensitive(c, "params",
                                               cJSON_Parse(params));
        scale_wall(c, serial ? serial_by : parallel_by);
        cJSON_AddItemToArray(rows, c);
    }
    cJSON_Delete(src);
}

/* A root with no rows, plot-a's machine and config. */
static cJSON *empty(void)
{
    cJSON *root = fixture();
    cJSON_ReplaceItemInObjectCaseSensitive(root, "results",
                                           cJSON_CreateArray());
    return root;
}

struct loaded {
    struct results_file f;
    struct results_view v;
    struct findings fs;
};

static void load(cJSON *root, struct loaded *l)
{
    char err[512];
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (results_parse("t.json", text, strlen(text), &l->f, err,
                      sizeof(err)) != 0)
        fail_msg("%s", err);
    free(text);
    assert_int_equal(view_build(&l->f, &l->v, err, sizeof(err)), 0);
    assert_int_equal(findings_build(&l->v, &l->fs, err, sizeof(err)), 0);
}

static void unload(struct loaded *l)
{
    findings_free(&l->fs);
    view_free(&l->v);
    results_free(&l->f);
}

/* The first finding of kind (about inst when inst != FINDING_NONE). */
static const struct finding *find(const struct loaded *l,
                                  enum finding_kind kind, size_t inst)
{
    for (size_t k = 0; k < l->fs.n; k++)
        if (l->fs.items[k].kind == kind &&
            (inst == FINDING_NONE || l->fs.items[k].inst == inst))
            return &l->fs.items[k];
    return NULL;
}

static size_t inst_of(const struct loaded *l, const char *label)
{
    for (size_t i = 0; i < l->v.ninsts; i++)
        if (strcmp(l->v.insts[i].label, label) == 0)
            return i;
    fail_msg("no instance %s", label);
    return 0;
}

/* The real file: each executor at the CPU count, the fastest, delivery
 * and oversubscription, with the numbers in the sentence. */
static void test_plot_a(void **state)
{
    (void)state;
    struct loaded l;
    load(fixture(), &l);
    size_t fac = inst_of(&l, "factorial n=300,skew=1");
    const struct finding *f = find(&l, FINDING_AT_CPUS, fac);
    assert_non_null(f);
    assert_non_null(strstr(f->text, "At 2 workers on factorial n=300"));
    assert_non_null(strstr(f->text, "threads "));
    assert_non_null(strstr(f->text, "serial"));
    assert_non_null(find(&l, FINDING_BEST, fac));
    f = find(&l, FINDING_DELIVERY, fac);
    assert_non_null(f);
    assert_non_null(strstr(f->text, "ordered"));
    f = find(&l, FINDING_OVERSUB, FINDING_NONE);
    assert_non_null(f);
    assert_non_null(strstr(f->text, "2 online CPUs"));
    /* Nothing compares values of a parameter that takes one value. */
    assert_null(find(&l, FINDING_PARAM, FINDING_NONE));
    unload(&l);
}

/* A parameter with two values, everything else equal: the best
 * configurations are compared, whatever the names. */
static void param_case(const char *wl, const char *key)
{
    char p1[128], p0[128], p2[128], want[256];
    snprintf(p1, sizeof(p1), "{\"%s\": 1, \"work\": 10}", key);
    snprintf(p0, sizeof(p0), "{\"%s\": 0, \"work\": 10}", key);
    snprintf(p2, sizeof(p2), "{\"%s\": 2, \"work\": 99}", key);
    cJSON *root = empty();
    copy_rows(root, "factorial", wl, p1, 3, 3);
    copy_rows(root, "factorial", wl, p0, 1, 1);
    /* A third value, but "work" differs too: not in the comparison. */
    copy_rows(root, "factorial", wl, p2, 9, 9);
    struct loaded l;
    load(root, &l);
    assert_int_equal(l.v.ninsts, 3);
    snprintf(want, sizeof(want), "%s %s=0,work=10", wl, key);
    size_t fast = inst_of(&l, want);
    snprintf(want, sizeof(want), "%s %s=1,work=10", wl, key);
    size_t slow = inst_of(&l, want);
    const struct finding *f = find(&l, FINDING_PARAM, FINDING_NONE);
    assert_non_null(f);
    assert_int_equal(f->inst, fast);
    assert_int_equal(f->other, slow);
    assert_int_equal(f->verdict, VIEW_LOWER);
    snprintf(want, sizeof(want), "%s=0 is ", key);
    assert_non_null(strstr(f->text, want));
    snprintf(want, sizeof(want), "faster than %s=1", key);
    assert_non_null(strstr(f->text, want));
    assert_non_null(strstr(f->text, wl));
    assert_null(strstr(f->text, "=2"));
    unload(&l);
}

static void test_param_named(void **state)
{
    (void)state;
    param_case("contended", "critical");
}

static void test_param_renamed(void **state)
{
    (void)state;
    param_case("lockbench", "share_locked");
}

/* Equal samples: the intervals overlap and no difference is claimed. */
static void test_param_no_claim(void **state)
{
    (void)state;
    cJSON *root = empty();
    copy_rows(root, "factorial", "w", "{\"k\": \"warm\"}", 1, 1);
    copy_rows(root, "factorial", "w", "{\"k\": \"cold\"}", 1, 1);
    struct loaded l;
    load(root, &l);
    const struct finding *f = find(&l, FINDING_PARAM, FINDING_NONE);
    assert_non_null(f);
    assert_int_equal(f->verdict, VIEW_SAME);
    assert_non_null(strstr(f->text, "No difference shown"));
    assert_non_null(strstr(f->text, "k=cold"));
    assert_non_null(strstr(f->text, "k=warm"));
    unload(&l);
}

/* Two workloads with equal checksums over equal task counts did the same
 * work and are compared; one with other work is not. */
static void same_work_case(const char *a, const char *b)
{
    cJSON *root = empty();
    copy_rows(root, "factorial", a, "{\"cache\": \"warm\"}", 1, 1);
    copy_rows(root, "factorial", b,
              "{\"cache\": \"warm\", \"seed\": 42}", 2, 2);
    /* Same checksum, but a shared parameter differs: no pairing. */
    copy_rows(root, "factorial", "third", "{\"cache\": \"cold\"}", 1, 1);
    copy_rows(root, "noop", "other", "{}", 1, 1);
    struct loaded l;
    load(root, &l);
    size_t n = 0;
    const struct finding *f = NULL;
    for (size_t k = 0; k < l.fs.n; k++)
        if (l.fs.items[k].kind == FINDING_SAME_WORK) {
            f = &l.fs.items[k];
            n++;
        }
    assert_int_equal(n, 1);
    assert_non_null(f);
    if (f == NULL)
        return;
    char want[128];
    snprintf(want, sizeof(want), "%s and %s (seed=42) did the same work",
             a, b);
    assert_non_null(strstr(f->text, want));
    assert_int_equal(f->verdict, VIEW_LOWER);
    /* Half the time is twice the speed (it said "50% faster"). */
    snprintf(want, sizeof(want), "%s 2.00x the speed", a);
    assert_non_null(strstr(f->text, want));
    unload(&l);
}

static void test_same_work_named(void **state)
{
    (void)state;
    same_work_case("hashing", "shuffled");
}

static void test_same_work_renamed(void **state)
{
    (void)state;
    same_work_case("digest", "randomdigest");
}

/* A light workload whose every parallel row loses, and a heavy one where
 * one wins: each named, and the break-even between them. */
static void test_breakeven(void **state)
{
    (void)state;
    cJSON *root = empty();
    copy_rows(root, "noop", "tiny", "{}", 1, 50);
    copy_rows(root, "factorial", "heavy", "{}", 1, 0.25);
    struct loaded l;
    load(root, &l);
    size_t tiny = inst_of(&l, "tiny"), heavy = inst_of(&l, "heavy");
    const struct finding *f = find(&l, FINDING_BREAKEVEN, tiny);
    assert_non_null(f);
    assert_int_equal(f->verdict, VIEW_LOWER);
    assert_non_null(strstr(f->text, "lost to serial"));
    const struct finding *range = NULL;
    for (size_t k = 0; k < l.fs.n; k++)
        if (l.fs.items[k].kind == FINDING_BREAKEVEN &&
            l.fs.items[k].other != FINDING_NONE)
            range = &l.fs.items[k];
    assert_non_null(range);
    assert_int_equal(range->inst, tiny);
    assert_int_equal(range->other, heavy);
    assert_non_null(strstr(range->text, "break-even lies between"));
    assert_null(find(&l, FINDING_BREAKEVEN, heavy));
    unload(&l);
}

static void test_kind_words(void **state)
{
    (void)state;
    for (int k = 0; k < FINDING_NKINDS; k++) {
        assert_true(strlen(findings_kind_question((enum finding_kind)k)) > 5);
        assert_true(strlen(findings_kind_name((enum finding_kind)k)) > 2);
    }
    assert_string_equal(findings_kind_name(FINDING_NKINDS), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_a),
        cmocka_unit_test(test_param_named),
        cmocka_unit_test(test_param_renamed),
        cmocka_unit_test(test_param_no_claim),
        cmocka_unit_test(test_same_work_named),
        cmocka_unit_test(test_same_work_renamed),
        cmocka_unit_test(test_breakeven),
        cmocka_unit_test(test_kind_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
