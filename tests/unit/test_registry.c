/* test_registry.c - workload lookup, parameter parsing, and the built-in
 * workloads' values against constants computed independently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"

/* 300! mod (2^61 - 1), computed with Python's arbitrary integers:
 * math.factorial(300) % (2**61 - 1). */
#define FACT300 0x0c5ae11aafca9d73ULL
#define FACT20 0x01c3677c82b40001ULL /* 20! mod (2^61 - 1) */

static void test_lookup(void **state)
{
    (void)state;
    assert_non_null(registry_find("noop"));
    assert_non_null(registry_find("factorial"));
    assert_null(registry_find("nope"));
    assert_null(registry_find(""));
    assert_true(registry_count() >= 2);
    /* Names are unique and every built-in is well formed. */
    for (size_t k = 0; k < registry_count(); k++) {
        const struct workload *wl = registry_at(k);
        assert_int_equal(wl->abi, WORKLOAD_ABI);
        assert_non_null(wl->run_task);
        assert_non_null(wl->summary);
        assert_non_null(wl->value_doc);
        assert_ptr_equal(registry_find(wl->name), wl);
    }
    assert_null(registry_at(registry_count()));
}

static void test_params(void **state)
{
    (void)state;
    const struct workload *wl = registry_find("factorial");
    char err[256];
    union wl_value v;
    int n = registry_param_index(wl, "n");
    assert_true(n >= 0);
    assert_int_equal(registry_param_index(wl, "bogus"), -1);
    assert_int_equal(registry_param_parse(wl, (size_t)n, "300", &v, err,
                                          sizeof(err)), 0);
    assert_int_equal(v.i, 300);
    assert_int_equal(registry_param_parse(wl, (size_t)n, "abc", &v, err,
                                          sizeof(err)), -1);
    assert_non_null(strstr(err, "factorial: n=abc"));
    assert_non_null(strstr(err, "whole number"));
    assert_int_equal(registry_param_parse(wl, (size_t)n, "-1", &v, err,
                                          sizeof(err)), -1);
    assert_int_equal(registry_param_parse(wl, (size_t)n, "3e2", &v, err,
                                          sizeof(err)), -1);
    assert_int_equal(registry_param_parse(wl, (size_t)n,
                                          "99999999999999999999", &v, err,
                                          sizeof(err)), -1);
    int skew = registry_param_index(wl, "skew");
    assert_int_equal(registry_param_parse(wl, (size_t)skew, "0", &v, err,
                                          sizeof(err)), -1);
}

/* Prepare factorial with n and skew, run task i, return its value. */
static uint64_t factorial_value(int64_t n, int64_t skew, uint64_t i)
{
    const struct workload *wl = registry_find("factorial");
    union wl_value args[REGISTRY_MAX_PARAMS];
    char err[256];
    memset(args, 0, sizeof(args));
    args[registry_param_index(wl, "n")].i = n;
    args[registry_param_index(wl, "skew")].i = skew;
    struct wl_setup s = { .ntasks = 10, .max_workers = 1, .args = args,
                          .cache_dir = "/tmp", .err = err,
                          .err_len = sizeof(err) };
    assert_int_equal(wl->prepare(&s), 0);
    assert_int_equal(s.ntasks_out, 10);
    void *ws = NULL;
    assert_int_equal(wl->worker_init(s.state, 0, &ws), 0);
    struct task_result r;
    memset(&r, 0, sizeof(r));
    wl->run_task(s.state, ws, i, &r);
    assert_int_equal(r.status, TASK_OK);
    /* The reused BIGNUM must give the same answer the second time. */
    struct task_result again;
    memset(&again, 0, sizeof(again));
    wl->run_task(s.state, ws, i, &again);
    assert_int_equal(again.value, r.value);
    wl->worker_fini(s.state, ws);
    wl->release(s.state);
    return r.value;
}

static void test_factorial_values(void **state)
{
    (void)state;
    assert_int_equal(factorial_value(300, 1, 0), FACT300);
    assert_int_equal(factorial_value(300, 1, 9), FACT300);
    assert_int_equal(factorial_value(300, 7, 5), FACT300); /* 6 repeats */
    assert_int_equal(factorial_value(20, 1, 0), FACT20);
    assert_int_equal(factorial_value(5, 1, 0), 120);
    assert_int_equal(factorial_value(0, 1, 0), 1);
}

static void test_noop_value(void **state)
{
    (void)state;
    const struct workload *wl = registry_find("noop");
    struct task_result r;
    memset(&r, 0, sizeof(r));
    wl->run_task(NULL, NULL, 12345, &r);
    assert_int_equal(r.status, TASK_OK);
    assert_int_equal(r.value, 12345);
}

static void test_plugin_errors(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(registry_load_plugin("/nonexistent.so", err,
                                          sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent.so"));
    assert_int_equal(registry_load_plugin("/tmp", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
    /* A file that is not a shared object. */
    assert_int_equal(registry_load_plugin("/etc/hostname", err,
                                          sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot load as a shared object"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_factorial_values),
        cmocka_unit_test(test_noop_value),
        cmocka_unit_test(test_plugin_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
