/* test_measure.c - calibration's round task counts and the machine
 * warnings of every kind, read back by the results reader, and the order
 * and rounds of an A/B run's repetitions (with a real serial executor).
 * Measuring itself (rounds, precision, retries, calibration) is in
 * test_run_core.c, with a stub executor and a fake clock. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate.h"
#include "machine.h"
#include "measure.h"
#include "warnings.h"

/* A/B order: which side each repetition ran on, in time order, recorded
 * by the workload's before_rep hook (state = the side's id). */
static int ab_order[64];
static size_t ab_norder;

static int rec_before(void *state, char *err, size_t err_len)
{
    (void)err;
    (void)err_len;
    if (ab_norder < 64)
        ab_order[ab_norder++] = *(const int *)state;
    return 0;
}

static void rec_task(void *state, void *wstate, uint64_t i,
                     struct task_result *out)
{
    (void)state;
    (void)wstate;
    out->value = i;
}

static const struct workload wl_rec = {
    .abi = WORKLOAD_ABI, .name = "rec", .summary = "", .value_doc = "i",
    .default_tasks = 4, .before_rep = rec_before, .run_task = rec_task,
};

/* Two instances of the recording workload with ntasks each, zeroed
 * configurations c[0..nc), and the options and context a measure run
 * needs on one CPU (stop never set). */
static void rec_setup(struct run_instance in[2], struct run_config *c,
                      size_t nc, uint64_t ntasks, struct run_options *o,
                      struct measure_ctx *ctx,
                      volatile sig_atomic_t *stop)
{
    static const int ids[2] = { 0, 1 };
    memset(in, 0, 2 * sizeof(*in));
    memset(c, 0, nc * sizeof(*c));
    memset(o, 0, sizeof(*o));
    memset(ctx, 0, sizeof(*ctx));
    for (int k = 0; k < 2; k++) {
        in[k].wl = &wl_rec;
        in[k].state = (void *)&ids[k];
        in[k].ntasks = ntasks;
    }
    o->noise_limit = 1024;
    o->timeout_s = 60;
    ctx->o = o;
    ctx->cpus_online = 1;
    ctx->cpu_limit = 1;
    ctx->stop = stop;
    ctx->best_probe_s = ctx->last_probe_s = NAN;
    ctx->hw.fd_cycles = ctx->hw.fd_instr = -1;
}

/* Two sides, two configurations each, partners across sides: every
 * round runs each pair back to back, and the order flips per pair and
 * per round (ABBA); every sample keeps its round. */
static void test_ab_rounds(void **state)
{
    (void)state;
    struct run_instance in[2];
    struct run_config c[4];
    struct run_options o;
    struct measure_ctx ctx;
    volatile sig_atomic_t stop = 0;
    rec_setup(in, c, 4, 4, &o, &ctx, &stop);
    in[1].twin = &in[0];
    for (int k = 0; k < 4; k++) {
        c[k].inst = &in[k / 2];
        c[k].ex = &executor_serial;
        c[k].cfg.workers = 1;
        c[k].cfg.chunk = (uint64_t)(k % 2 + 1);
        c[k].transport = "none";
        c[k].first_error_task = -1;
        c[k].precision_reached = -1;
    }
    c[0].partner = &c[2];
    c[2].partner = &c[0];
    c[1].partner = &c[3];
    c[3].partner = &c[1];
    struct run_plan p = { .insts = in, .ninsts = 2, .configs = c,
                          .nconfigs = 4, .max_workers = 1 };
    o.repeat = o.max_repeat = 3;
    ab_norder = 0;
    assert_int_equal(measure_run(&p, &ctx), 0);
    static const int want[12] = { 0, 1, 1, 0,  1, 0, 0, 1,  0, 1, 1, 0 };
    assert_int_equal(ab_norder, 12);
    for (int k = 0; k < 12; k++)
        assert_int_equal(ab_order[k], want[k]);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(c[k].nsamples, 3);
        for (int r = 0; r < 3; r++)
            assert_true(c[k].samples[r].v[S_ROUND] == (double)r);
        free(c[k].samples);
    }
}

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

/* The harness probe: a real noop through serial and threads; every
 * configuration gets a positive cost, configurations of the same shape
 * (another instance, same executor, workers, mode, chunk) share one, and
 * its repetitions leave no sample on the rows. */
static void test_harness_cost(void **state)
{
    (void)state;
    struct run_instance in[2];
    struct run_config c[6];
    struct run_options o;
    struct measure_ctx ctx;
    volatile sig_atomic_t stop = 0;
    rec_setup(in, c, 6, 100, &o, &ctx, &stop);
    for (int k = 0; k < 6; k++) {
        c[k].inst = &in[k / 3];
        c[k].ex = k % 3 == 0 ? &executor_serial : &executor_threads;
        c[k].cfg.workers = k % 3 == 0 ? 1 : 2;
        c[k].chunk_asked = k % 3 == 2 ? 0 : 1;
        c[k].cfg.chunk = k % 3 == 2 ? 13 : 1;
        c[k].transport = "none";
        c[k].first_error_task = -1;
        c[k].precision_reached = -1;
        c[k].harness_ns_per_task = NAN;
    }
    struct run_plan p = { .insts = in, .ninsts = 2, .configs = c,
                          .nconfigs = 6, .max_workers = 2 };
    ab_norder = 0;
    measure_harness_cost(&p, &ctx);
    assert_int_equal(ab_norder, 0); /* the rows' workload never ran */
    for (int k = 0; k < 6; k++) {
        assert_true(isfinite(c[k].harness_ns_per_task));
        assert_true(c[k].harness_ns_per_task > 0);
        assert_int_equal(c[k].nsamples, 0);
        assert_true(c[k].harness_ns_per_task ==
                    c[k % 3].harness_ns_per_task);
        /* the first three probe; the others share theirs */
        assert_int_equal(c[k].harness_nwall, k < 3 ? 3 : 0);
        assert_ptr_equal(c[k].harness_lead, k < 3 ? NULL : &c[k % 3]);
    }
    /* With the probe on, measure_run probes again after each measured
     * round, so that the probe runs among the rows: 3 + 2 rounds. */
    ctx.harness_probe = 1;
    o.repeat = o.max_repeat = 2;
    assert_int_equal(measure_run(&p, &ctx), 0);
    for (int k = 0; k < 6; k++) {
        assert_int_equal(c[k].nsamples, 2);
        assert_int_equal(c[k].harness_nwall, k < 3 ? 5 : 0);
        assert_true(isfinite(c[k].harness_ns_per_task));
        assert_true(c[k].harness_ns_per_task ==
                    c[k % 3].harness_ns_per_task);
        free(c[k].samples);
        free(c[k].apart);
        c[k].samples = c[k].apart = NULL;
        c[k].nsamples = c[k].napart = c[k].cap = c[k].cap_apart = 0;
    }
    /* A stop before it: nothing measured, NAN everywhere. */
    stop = 1;
    measure_harness_cost(&p, &ctx);
    for (int k = 0; k < 6; k++)
        assert_true(isnan(c[k].harness_ns_per_task));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_up),
        cmocka_unit_test(test_machine_kinds),
        cmocka_unit_test(test_ab_rounds),
        cmocka_unit_test(test_harness_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
