/* test_run_core.c - the run core through fakes, as SQLite's test harness
 * reaches its core: run_options_parse and plan_configs on real argv, and
 * measure_run and calibration with a stub executor and a fake clock, so
 * that interleaving, precision stopping, the time budget, retries of
 * disturbed repetitions and calibration are checked exactly and fast
 * (nothing here depends on how busy the machine is). */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate.h"
#include "measure.h"
#include "options.h"
#include "plan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the fake clock and probe ------------------------------------------- */

static double fake_now_s;

static double fake_now(void)
{
    return fake_now_s;
}

/* Always the same: no repetition is ever slow against the best probe. */
static double fake_probe(void)
{
    return 1e-4;
}

/* ---- the stub executor -------------------------------------------------- */

/* What a stub repetition does: its wall time, and whether its two workers
 * run at uneven speeds (which marks the repetition disturbed). */
struct script {
    const char *name;
    double walls[64];      /* wall of repetition k (cycled), seconds */
    size_t nwalls;
    double per_task_s;     /* added: per task (calibration) */
    unsigned uneven_first; /* the first this many repetitions are uneven */
};

static struct script scripts[4];
static char order[512];    /* executor names in the order they ran */
static size_t runs_of[4];

struct exec_pool {
    const struct exec_job *job;
    size_t id;
    unsigned workers;
};

static size_t script_of(const struct executor *ex);

static int stub_create(const struct executor *ex,
                       const struct exec_config *cfg,
                       const struct exec_job *job, struct exec_pool **pool)
{
    struct exec_pool *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    p->job = job;
    p->id = script_of(ex);
    p->workers = cfg->workers;
    *pool = p;
    fake_now_s += 0.001; /* start-up, reported apart */
    return 0;
}

/* Deliver every index with value i (noop's) and advance the clock. */
static int stub_run(struct exec_pool *p, struct exec_report *rep)
{
    struct script *s = &scripts[p->id];
    size_t k = runs_of[p->id]++;
    struct task_result res[256];
    const struct exec_job *job = p->job;
    snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s%s",
             order[0] ? " " : "", s->name);
    for (uint64_t first = 0; first < job->ntasks; first += N(res)) {
        uint64_t n = job->ntasks - first < N(res) ? job->ntasks - first
                                                  : N(res);
        for (uint64_t i = 0; i < n; i++) {
            memset(&res[i], 0, sizeof(res[i]));
            res[i].status = TASK_OK;
            res[i].value = first + i;
        }
        job->deliver(job->deliver_ctx, first, n, res);
    }
    fake_now_s += (s->nwalls ? s->walls[k % s->nwalls] : 0) +
                  s->per_task_s * (double)job->ntasks;
    if (rep->workers != NULL && p->workers >= 2) {
        /* Worker 1 at half worker 0's speed: uneven (below 0.6). */
        int uneven = k < s->uneven_first;
        rep->workers[0].tasks = job->ntasks / 2;
        rep->workers[0].cpu_s = 1.0;
        rep->workers[1].tasks = job->ntasks - job->ntasks / 2;
        rep->workers[1].cpu_s = uneven ? 2.0 : 1.0;
    }
    return 0;
}

static void stub_destroy(struct exec_pool *p)
{
    free(p);
}

#define STUB(k)                                                            \
    static int stub_create_##k(const struct exec_config *cfg,              \
                               const struct exec_job *job,                 \
                               struct exec_pool **pool, char *err,         \
                               size_t err_len);                            \
    static const struct executor stub_##k = {                              \
        .name = "stub" #k, .summary = "test", .models = "test",            \
        .create = stub_create_##k, .run = stub_run,                        \
        .destroy = stub_destroy,                                           \
    };                                                                     \
    static int stub_create_##k(const struct exec_config *cfg,              \
                               const struct exec_job *job,                 \
                               struct exec_pool **pool, char *err,         \
                               size_t err_len)                             \
    {                                                                      \
        (void)err;                                                         \
        (void)err_len;                                                     \
        return stub_create(&stub_##k, cfg, job, pool);                     \
    }
STUB(0)
STUB(1)

/* A serial-like stub for calibration. */
static int stub_create_serial(const struct exec_config *cfg,
                              const struct exec_job *job,
                              struct exec_pool **pool, char *err,
                              size_t err_len);
static const struct executor stub_serial = {
    .name = "stubserial", .summary = "test", .models = "test",
    .create = stub_create_serial, .run = stub_run,
    .destroy = stub_destroy, .flags = EXEC_SERIAL_LIKE | EXEC_BASELINE,
};
static int stub_create_serial(const struct exec_config *cfg,
                              const struct exec_job *job,
                              struct exec_pool **pool, char *err,
                              size_t err_len)
{
    (void)err;
    (void)err_len;
    return stub_create(&stub_serial, cfg, job, pool);
}

static size_t script_of(const struct executor *ex)
{
    return ex == &stub_0 ? 0 : ex == &stub_1 ? 1 : 2;
}

/* ---- a run through the real options, plan and measuring ----------------- */

struct run {
    struct run_options o;
    struct run_plan p;
    struct measure_ctx ctx;
    volatile sig_atomic_t stop;
    char err[512];
};

/* Before each test: no script, no run, the clock at 1000 s. */
static int reset(void **state)
{
    (void)state;
    memset(scripts, 0, sizeof(scripts));
    memset(runs_of, 0, sizeof(runs_of));
    order[0] = '\0';
    fake_now_s = 1000;
    scripts[0].name = "a";
    scripts[1].name = "b";
    scripts[2].name = "s";
    return 0;
}

/* Stub k's repetitions take w0, then w1, w0, w1, ... (w1 < 0: always
 * w0) seconds by the fake clock. */
static void walls(size_t k, double w0, double w1)
{
    scripts[k].walls[0] = w0;
    scripts[k].walls[1] = w1;
    scripts[k].nwalls = w1 < 0 ? 1 : 2;
}

/* Parse argv (after "run"), swap in the stub executors, prepare (and
 * calibrate, with the stub serial) and plan with the fakes installed. */
static void run_setup(struct run *r, const char **args, size_t nargs)
{
    char *argv[32];
    memset(r, 0, sizeof(*r));
    argv[0] = (char *)"run";
    for (size_t k = 0; k < nargs; k++)
        argv[k + 1] = (char *)args[k];
    argv[nargs + 1] = NULL;
    assert_int_equal(run_options_parse((int)nargs + 1, argv, &r->o, r->err,
                                       sizeof(r->err)), 0);
    r->o.executors[0] = &stub_0;
    r->o.executors[1] = &stub_1;
    r->o.nexecutors = 2;
    /* Others' CPU time (real /proc/stat) never disturbs: only the
     * stub's uneven workers do. */
    r->o.noise_limit = 1e9;
    r->ctx.o = &r->o;
    r->ctx.cpus_online = 4;
    r->ctx.cpu_limit = 4;
    r->ctx.stop = &r->stop;
    r->ctx.best_probe_s = r->ctx.last_probe_s = NAN;
    r->ctx.hw.fd_cycles = r->ctx.hw.fd_instr = -1;
    r->ctx.now = fake_now;
    r->ctx.probe = fake_probe;
    r->ctx.serial = &stub_serial;
    assert_int_equal(plan_instances(&r->o, &r->p, r->err,
                                    sizeof(r->err)), 0);
    assert_int_equal(calibrate_instances(&r->o, &r->p, &r->ctx, r->err,
                                         sizeof(r->err)), 0);
    assert_int_equal(plan_configs(&r->o, &r->p, r->err, sizeof(r->err)),
                     0);
}

static void run_free(struct run *r)
{
    plan_free(&r->p);
    run_options_free(&r->o);
}

/* ---- run_options_parse and plan_configs --------------------------------- */

static void test_options(void **state)
{
    (void)state;
    struct run_options o;
    char err[512];
    char *argv[] = { "run", "-w", "noop", "-e", "serial,threads", "-j",
                     "1,2", "--mode", "ordered,unordered", "--chunk",
                     "auto,8", "--precision", "2", "--max-repeat", "20",
                     "--retry-disturbed", "3", NULL };
    memset(&o, 0, sizeof(o));
    assert_int_equal(run_options_parse(N(argv) - 1, argv, &o, err,
                                       sizeof(err)), 0);
    assert_int_equal(o.nworkloads, 1);
    assert_string_equal(o.workloads[0], "noop");
    assert_int_equal(o.nexecutors, 2);
    assert_string_equal(o.executors[1]->name, "threads");
    assert_int_equal(o.nworkers, 2);
    assert_int_equal(o.nmodes, 2);
    assert_int_equal(o.nchunks, 2);
    assert_int_equal(o.chunks[0], 0); /* auto */
    assert_int_equal(o.chunks[1], 8);
    /* --precision: at least 7 repetitions, up to --max-repeat. */
    assert_int_equal(o.repeat, RUN_MIN_PRECISE_REPEAT);
    assert_int_equal(o.max_repeat, 20);
    assert_true(o.precision_pct == 2);
    assert_int_equal(o.retry_disturbed, 3);
    assert_int_equal(o.warmup, RUN_DEFAULT_WARMUP);

    /* serial at 1 worker in one mode, once per chunk size (the overhead
     * chart compares chunks); threads at every combination: 2 + 2 x 2 x
     * 2, serial first. */
    struct run_plan p;
    memset(&p, 0, sizeof(p));
    o.tasks = 100;
    assert_int_equal(plan_instances(&o, &p, err, sizeof(err)), 0);
    assert_int_equal(p.ninsts, 1);
    assert_int_equal(plan_prepare(&o, &p, &p.insts[0], 100, err,
                                  sizeof(err)), 0);
    assert_int_equal(plan_configs(&o, &p, err, sizeof(err)), 0);
    assert_int_equal(p.nconfigs, 10);
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(p.configs[k].ex->name, "serial");
        assert_int_equal(p.configs[k].cfg.workers, 1);
    }
    for (size_t k = 2; k < p.nconfigs; k++)
        assert_string_equal(p.configs[k].ex->name, "threads");
    /* auto is ceil(100 / (4 x workers)); 8 as given. */
    size_t auto2 = 0, eight = 0;
    for (size_t k = 2; k < p.nconfigs; k++) {
        if (p.configs[k].cfg.workers == 2 && p.configs[k].chunk_asked == 0)
            auto2 += p.configs[k].cfg.chunk == 13;
        eight += p.configs[k].cfg.chunk == 8;
    }
    assert_int_equal(auto2, 2);
    assert_int_equal(eight, 4);
    plan_free(&p);
    run_options_free(&o);
}

/* Bad option values: -1 with a message naming the option. */
static void test_options_refused(void **state)
{
    (void)state;
    static const char *const bad[][4] = {
        { "-r", "3", "--precision", "5" },   /* too few for an interval */
        { "--max-time", "5", "-w", "noop" }, /* budget without precision */
        { "-e", "nope", "-w", "noop" },
        { "-j", "0", "-w", "noop" },
        { "-j", "2,2", "-w", "noop" },      /* a count twice */
    };
    static const char *const needles[] = { "-r 3", "--max-time", "nope",
                                           "0", "listed twice" };
    for (size_t k = 0; k < N(bad); k++) {
        struct run_options o;
        char err[512] = "";
        char *argv[] = { "run", (char *)bad[k][0], (char *)bad[k][1],
                         (char *)bad[k][2], (char *)bad[k][3], NULL };
        memset(&o, 0, sizeof(o));
        assert_int_equal(run_options_parse(5, argv, &o, err, sizeof(err)),
                         -1);
        assert_non_null(strstr(err, needles[k]));
        run_options_free(&o);
    }
}

/* ---- measure_run -------------------------------------------------------- */

/* Rounds interleave: every configuration runs once per round (warm-up
 * round first), never all repetitions of one in a row. */
static void test_interleaving(void **state)
{
    (void)state;
    static const char *args[] = { "-w", "noop", "-n", "10", "-j", "2",
                                  "-r", "3", "--warmup", "1" };
    struct run r;
    run_setup(&r, args, N(args));
    walls(0, 0.5, -1);
    walls(1, 0.25, -1);
    assert_int_equal(r.p.nconfigs, 2);
    assert_int_equal(measure_run(&r.p, &r.ctx), 0);
    assert_string_equal(order, "a b a b a b a b");
    for (size_t k = 0; k < 2; k++) {
        const struct run_config *c = &r.p.configs[k];
        assert_int_equal(c->nsamples, 3);
        assert_int_equal(c->napart, 0);
        assert_string_equal(c->failure, "");
        assert_true(c->have_checksum);
        assert_int_equal(c->checksum, 45); /* 0 + 1 + ... + 9 */
        /* Wall and start-up exactly as the fake clock says. */
        assert_true(fabs(c->samples[2].v[S_WALL] - (k ? 0.25 : 0.5)) <
                    1e-9);
        assert_true(fabs(c->samples[2].v[S_STARTUP]) < 0.0011);
    }
    run_free(&r);
}

/* --precision: a configuration whose times agree stops at the minimum
 * of 7; one whose times scatter runs to --max-repeat and is marked not
 * precise. */
static void test_precision_stops(void **state)
{
    (void)state;
    static const char *args[] = { "-w", "noop", "-n", "10", "-j", "2",
                                  "--precision", "1", "--max-repeat", "12",
                                  "--warmup", "0" };
    struct run r;
    run_setup(&r, args, N(args));
    walls(0, 1.0, -1);
    walls(1, 1.0, 2.0);
    assert_int_equal(measure_run(&r.p, &r.ctx), 0);
    assert_int_equal(r.p.configs[0].nsamples, RUN_MIN_PRECISE_REPEAT);
    assert_true(r.p.configs[0].precision_reached);
    assert_int_equal(r.p.configs[1].nsamples, 12);
    assert_false(r.p.configs[1].precision_reached);
    /* Past the first 7 rounds only b ran. */
    assert_string_equal(order + strlen("a b ") * 7, "b b b b b");
    run_free(&r);
}

/* --max-time: the precision rounds stop when the budget is spent (by
 * the fake clock), although the configuration is still imprecise. */
static void test_time_budget(void **state)
{
    (void)state;
    static const char *args[] = { "-w", "noop", "-n", "10", "-j", "2",
                                  "--precision", "1", "--max-repeat", "50",
                                  "--max-time", "20", "--warmup", "0" };
    struct run r;
    run_setup(&r, args, N(args));
    walls(0, 1.0, 2.0);
    walls(1, 1.0, 2.0);
    assert_int_equal(measure_run(&r.p, &r.ctx), 0);
    /* The 7 rounds of the minimum (which the budget does not cut) take
     * 1, 2, 1, ... s for each: 20 s and the start-ups, past the budget
     * of 20 s: not one precision round more. */
    assert_int_equal(r.p.configs[0].nsamples, RUN_MIN_PRECISE_REPEAT);
    assert_int_equal(r.p.configs[1].nsamples, RUN_MIN_PRECISE_REPEAT);
    assert_false(r.p.configs[0].precision_reached);
    run_free(&r);
}

/* --retry-disturbed: a repetition whose workers ran unevenly is set
 * apart and run again in a later round, up to N times in a row; the
 * count of counted repetitions stays -r. */
static void test_retries(void **state)
{
    (void)state;
    static const char *args[] = { "-w", "noop", "-n", "10", "-j", "2",
                                  "-r", "3", "--warmup", "0",
                                  "--retry-disturbed", "2" };
    struct run r;
    run_setup(&r, args, N(args));
    walls(0, 1.0, -1);
    scripts[0].uneven_first = 3; /* a: 2 retried, the 3rd kept anyway */
    walls(1, 1.0, -1);
    assert_int_equal(measure_run(&r.p, &r.ctx), 0);
    const struct run_config *a = &r.p.configs[0], *b = &r.p.configs[1];
    assert_int_equal(a->nsamples, 3);
    assert_int_equal(a->napart, 2);
    assert_int_equal(a->ndisturbed, 3);
    assert_true(a->samples[0].disturbed);  /* out of retries: counted */
    assert_false(a->samples[1].disturbed);
    assert_int_equal(b->nsamples, 3);
    assert_int_equal(b->napart, 0);
    assert_int_equal(b->ndisturbed, 0);
    assert_string_equal(order, "a b a b a b a a");
    run_free(&r);
}

/* Calibration: without -n, tasks scale until a serial repetition lasts
 * --min-time, to a round number: at 1e-7 s per task, noop's default
 * 100000 tasks take 0.01 s; 10% above 0.1 s is 1.1e6 tasks, rounded up
 * to 2e6, which take 0.2 s: done. */
static void test_calibration(void **state)
{
    (void)state;
    static const char *args[] = { "-w", "noop", "-j", "2", "-r", "1",
                                  "--min-time", "0.1" };
    struct run r;
    scripts[2].per_task_s = 1e-7;
    run_setup(&r, args, N(args));
    const struct run_instance *in = &r.p.insts[0];
    assert_int_equal(in->tasks_source, RUN_TASKS_CALIBRATED);
    assert_int_equal(in->calib_from, 100000);
    assert_true(fabs(in->calib_from_s - 0.01) < 1e-9);
    assert_int_equal(in->ntasks, 2000000);
    assert_true(fabs(in->calib_s - 0.2) < 1e-9);
    /* warm-up, measure at 1e5, measure at 2e6: three serial runs. */
    assert_string_equal(order, "s s s");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_options, reset),
        cmocka_unit_test_setup(test_options_refused, reset),
        cmocka_unit_test_setup(test_interleaving, reset),
        cmocka_unit_test_setup(test_precision_stops, reset),
        cmocka_unit_test_setup(test_time_budget, reset),
        cmocka_unit_test_setup(test_retries, reset),
        cmocka_unit_test_setup(test_calibration, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
