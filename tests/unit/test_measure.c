/* test_measure.c - calibration's round task counts and the machine
 * warnings of every kind, read back by the results reader. Measuring
 * itself (rounds, precision, retries, calibration) is in
 * test_run_core.c, with a stub executor and a fake clock. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate.h"
#include "machine.h"
#include "warnings.h"

static void test_round_up(void **state)
{
    (void)state;
    assert_int_equal(calibrate_round_up(0.5), 1);
    assert_int_equal(calibrate_round_up(1), 1);
    assert_int_equal(calibrate_round_up(1.01), 2);
    assert_int_equal(calibrate_round_up(3), 5);
    assert_int_equal(calibrate_round_up(5), 5);
    assert_int_equal(calibrate_round_up(6), 10);
    assert_int_equal(calibrate_round_up(1999), 2000);
    assert_int_equal(calibrate_round_up(2001), 5000);
    assert_int_equal(calibrate_round_up(123456), 200000);
}

/* The kinds found in w, comma-joined, in order. */
static void kinds(const cJSON *w, char *buf, size_t len)
{
    size_t n = 0;
    const cJSON *o;
    buf[0] = '\0';
    cJSON_ArrayForEach(o, w) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kind");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "result");
        assert_true(cJSON_IsString(k));
        assert_true(cJSON_IsNull(r));
        assert_true(cJSON_IsString(
            cJSON_GetObjectItemCaseSensitive(o, "message")));
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
                              k->valuestring);
    }
}

/* Each machine-level kind from a crafted machine. */
static void test_machine_kinds(void **state)
{
    (void)state;
    struct machine_info m;
    char got[256];
    memset(&m, 0, sizeof(m));
    m.cpus_online = 4;
    snprintf(m.build_type, sizeof(m.build_type), "release");
    snprintf(m.governor, sizeof(m.governor), "performance");
    cJSON *w = cJSON_CreateArray();
    assert_int_equal(warnings_machine(&m, NAN, 0, w, NULL), 0);
    assert_int_equal(warnings_machine(&m, 4.0, -1, w, NULL), 0);
    assert_int_equal(cJSON_GetArraySize(w), 0);
    snprintf(m.build_type, sizeof(m.build_type), "debug");
    snprintf(m.governor, sizeof(m.governor), "powersave");
    assert_int_equal(warnings_machine(&m, 1.5, 1, w, NULL), 4);
    kinds(w, got, sizeof(got));
    assert_string_equal(got, "cpu_quota,governor,boost,debug_build");
    cJSON_Delete(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_up),
        cmocka_unit_test(test_machine_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
