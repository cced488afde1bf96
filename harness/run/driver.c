/* driver.c - `poolbench run`, from argv to the answer (see driver.h).
 *
 * The steps, each in its own module: options.c parses, plan.c expands
 * the instances, calibrate.c prepares them with enough tasks, plan.c
 * lists the configurations, measure.c runs them in interleaved rounds
 * (with watchdog.c guarding each repetition), record.c turns the
 * measurements into a results file, and the hooks show and store it. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "driver.h"
#include "machine.h"
#include "measure.h"
#include "noise.h"
#include "options.h"
#include "plan.h"
#include "python.h"
#include "record.h"
#include "results.h"
#include "suite.h"
#include "warnings.h"
#include "watchdog.h"

/* Set by SIGINT/SIGTERM; executors stop starting chunks when they see it. */
static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_flag = 1;
    stop_signal = sig;
}

static int install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* A second Ctrl-C kills at once, for a task that will not stop. */
    sa.sa_flags = SA_RESETHAND;
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

/* One run's state, shared with the watchdog's rescue. */
struct run {
    int argc;
    char **argv;
    struct run_options o;
    struct run_plan p;
    struct machine_info m;
    struct measure_ctx mc;
    struct watchdog wd;
    char out_path[4096];
    char out_stem[4096];      /* "" with -o */
    const char *suite;        /* --suite NAME, or NULL */
    struct results_file tasks_base; /* --tasks-from, or zeroed */
    view_derive_fn *derive;   /* hooks' */
};

static cJSON *build(struct run *r, int interrupted, char *err,
                    size_t err_len)
{
    struct record_ctx rc = {
        .argc = r->argc, .argv = r->argv, .o = &r->o, .m = &r->m,
        .p = &r->p, .mc = &r->mc, .interrupted = interrupted,
        .suite = r->suite,
        .derive = r->derive,
    };
    return record_build(&rc, err, err_len);
}

/* The watchdog found configuration k stuck: keep what was measured, with
 * k marked failed, and end the process. */
static void rescue_stuck(void *arg, long k)
{
    struct run *r = arg;
    char err[512];
    if (k == MEASURE_CALIBRATING) {
        /* No configuration yet: the file keeps the run's machine and
         * options, and says nothing was measured. */
        fprintf(stderr, "\npoolbench run: calibrating: a task ran %.0fs "
                "past the time limit and could not be stopped under "
                "serial; give -n to skip calibration\n", WATCHDOG_GRACE_S);
        cJSON *root = build(r, 0, err, sizeof(err));
        if (root != NULL &&
            record_write(r->out_stem, r->out_path, sizeof(r->out_path),
                         root, err, sizeof(err)) == 0)
            fprintf(stderr, "poolbench run: kept what was measured in "
                    "%s\n", r->out_path);
        _exit(EXIT_RUN_FAILED);
    }
    struct run_config *c = &r->p.configs[k];
    snprintf(c->failure, sizeof(c->failure), "a task ran %.0fs past the "
             "time limit and could not be stopped under %s; use -e procs to "
             "isolate tasks that may hang", WATCHDOG_GRACE_S, c->ex->name);
    fprintf(stderr, "\npoolbench run: %s: %s\n", c->inst->label, c->failure);
    /* The stuck repetition never returns: count its tasks here, the
     * undelivered ones as timed out, as the other executors do. */
    measure_count_stuck(c);
    cJSON *root = build(r, 0, err, sizeof(err));
    if (root != NULL &&
        record_write(r->out_stem, r->out_path, sizeof(r->out_path), root,
                     err, sizeof(err)) == 0)
        fprintf(stderr, "poolbench run: kept what was measured in %s\n",
                r->out_path);
    else if (root != NULL)
        record_rescue(root, err);
    _exit(EXIT_RUN_FAILED);
}

static void around(void *arg, long k)
{
    struct run *r = arg;
    watchdog_arm(&r->wd, k, r->o.timeout_s);
}

/* --tasks-from: a results file (a path that exists, or ends in .json)
 * or a stored run. Returns 0, EXIT_NO_BASELINE, or -1 with a message. */
static int load_tasks_from(struct run *r, const struct driver_hooks *hooks,
                           char *err, size_t err_len)
{
    const char *spec = r->o.tasks_from;
    size_t len = strlen(spec);
    if (access(spec, F_OK) == 0 || (len > 5 &&
                                    strcmp(spec + len - 5, ".json") == 0) ||
        strchr(spec, '/') != NULL) {
        if (results_load(spec, &r->tasks_base, err, err_len) != 0)
            return access(spec, F_OK) == 0 ? -1 : EXIT_NO_BASELINE;
        snprintf(r->o.tasks_from_label, sizeof(r->o.tasks_from_label),
                 "%s", spec);
    } else {
        if (hooks == NULL || hooks->load_run == NULL) {
            snprintf(err, err_len, "--tasks-from %s: no such file, and "
                     "this poolbench has no history", spec);
            return -1;
        }
        int rc = hooks->load_run(spec, r->o.db_path, &r->m, &r->tasks_base,
                                 r->o.tasks_from_label,
                                 sizeof(r->o.tasks_from_label), err,
                                 err_len);
        if (rc != 0)
            return rc > 0 ? EXIT_NO_BASELINE : -1;
    }
    r->o.tasks_base = &r->tasks_base;
    return 0;
}

/* Options, instances and the output's name: everything that can be
 * refused before anything is prepared. Returns 0, 1 for --help, -1. */
static int setup(struct run *r, char *err, size_t err_len)
{
    int rc = run_options_parse(r->argc, r->argv, &r->o, err, err_len);
    if (rc != 0)
        return rc;
    if (plan_instances(&r->o, &r->p, err, err_len) != 0)
        return -1;
    machine_read(&r->m);
    if (r->o.output != NULL) {
        /* Checked before the copy, which would cut a long name short. */
        if (results_check_writable(r->o.output, err, err_len) != 0)
            return -1;
        snprintf(r->out_path, sizeof(r->out_path), "%s", r->o.output);
    } else if (record_default_output(&r->m, r->out_stem,
                                     sizeof(r->out_stem), r->out_path,
                                     sizeof(r->out_path), err,
                                     err_len) != 0) {
        return -1;
    }
    return results_check_writable(r->out_path, err, err_len);
}

/* Prepare (calibrated), plan and measure. Returns 0, or -1 with a usage
 * error found while preparing. */
static int measure(struct run *r, char *err, size_t err_len)
{
    uint64_t throttled;
    double throttled_s, quota = noise_cpu_quota(&throttled, &throttled_s);
    struct progress prog;
    long affinity = noise_affinity_count();
    r->mc.o = &r->o;
    r->mc.cpus_online = r->m.cpus_online;
    r->mc.cpu_limit = !isnan(quota) && quota < (double)affinity
                          ? quota : (double)affinity;
    r->mc.stop = &stop_flag;
    r->mc.best_probe_s = r->mc.last_probe_s = NAN;
    r->mc.around = around;
    r->mc.around_arg = r;
    r->mc.harness_probe = 1;
    noise_hw_open(&r->mc.hw);
    /* On a terminal only, and erased after: a usage error found while
     * preparing (a bad dir=) must stay one line. */
    int notice = isatty(STDERR_FILENO) && r->o.progress;
    if (notice)
        fprintf(stderr, "poolbench: preparing %zu workload instance%s%s",
                r->p.ninsts, r->p.ninsts == 1 ? "" : "s",
                r->o.tasks == 0 && r->o.min_time_s > 0
                    ? ", calibrating tasks" : "");
    /* Calibration's repetitions are guarded like any other. */
    if (r->o.timeout_s > 0)
        watchdog_start(&r->wd, rescue_stuck, r);
    int rc = calibrate_instances(&r->o, &r->p, &r->mc, err, err_len);
    if (notice)
        fprintf(stderr, "\r\033[K");
    if (rc != 0 || plan_configs(&r->o, &r->p, err, err_len) != 0) {
        watchdog_stop(&r->wd);
        return -1;
    }
    /* The system check: a busy machine always (a CI log must show it),
     * the machine's settings for people watching (the file and the
     * summary carry them with the results). */
    warnings_precheck(&r->m, quota, isatty(STDERR_FILENO), stderr);
    progress_begin(&prog, r->o.progress,
                   (r->o.warmup + r->o.repeat) * r->p.nconfigs);
    if (r->o.precision_pct > 0 && r->o.max_time_s > 0)
        progress_budget(&prog, r->o.max_time_s);
    r->mc.progress = &prog;
    measure_run(&r->p, &r->mc);
    progress_end(&prog);
    r->mc.progress = NULL;
    watchdog_stop(&r->wd);
    return 0;
}

/* Write the results (and results/latest.json for a default name), show
 * the answer, store it when asked. Returns the exit status so far. */
static int finish(struct run *r, const struct driver_hooks *hooks,
                  char *err, size_t err_len)
{
    cJSON *root = build(r, stop_flag != 0, err, err_len);
    int status = 0;
    if (root == NULL)
        return EXIT_RUN_FAILED;
    if (record_write(r->out_stem, r->out_path, sizeof(r->out_path), root,
                     err, err_len) != 0) {
        record_rescue(root, err);
        err[0] = '\0';
        cJSON_Delete(root);
        return EXIT_RUN_FAILED;
    }
    /* The copy names the file it copies: the next run overwrites
     * latest.json, so a page or chart made from it cites the dated file
     * (config.output), which stays. */
    cJSON *config = cJSON_GetObjectItemCaseSensitive(root, "config");
    if (r->o.output == NULL && cJSON_IsObject(config))
        cJSON_AddStringToObject(config, "output", r->out_path);
    if (r->o.output == NULL &&
        results_write_atomic(RESULTS_LATEST, root, err,
                             err_len) != 0)
        status = EXIT_RUN_FAILED; /* the dated file holds everything */
    int ab = cJSON_GetObjectItemCaseSensitive(root, "ab") != NULL;
    cJSON_Delete(root);
    if (hooks != NULL && hooks->show != NULL)
        hooks->show(r->out_path, r->o.verbose);
    printf("results: %s\n", r->out_path);
    if (ab)
        printf("A/B: `poolbench compare %s` tests the two builds round "
               "by round\n", r->out_path);
    if (r->o.output == NULL && status == 0)
        printf("results: %s\n", RESULTS_LATEST);
    if (r->o.save_name != NULL) {
        char why[512];
        if (hooks->save(r->out_path, r->o.save_name, r->o.db_path, why,
                        sizeof(why)) != 0) {
            fprintf(stderr, "poolbench run: --save: %s\n", why);
            status = EXIT_RUN_FAILED;
        }
    }
    return status;
}

/* --python before the suite is built (the seed suite asks whether the
 * interpreter answers); the options parser checks it again. */
static void early_python(int argc, char **argv)
{
    char err[256];
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strncmp(argv[k], "--python=", 9) == 0)
            python_set_interpreter(argv[k] + 9, err, sizeof(err));
        else if (strcmp(argv[k], "--python") == 0 && k + 1 < argc)
            python_set_interpreter(argv[k + 1], err, sizeof(err));
}

int driver_main(int argc, char **argv, const struct driver_hooks *hooks)
{
    struct run *r = calloc(1, sizeof(*r));
    struct suite_plan plan;
    char err[1024] = "";
    int status = EXIT_USAGE;
    memset(&plan, 0, sizeof(plan));
    if (r == NULL) {
        fprintf(stderr, "poolbench run: out of memory\n");
        return EXIT_RUN_FAILED;
    }
    r->mc.hw.fd_cycles = r->mc.hw.fd_instr = -1;
    early_python(argc, argv);
    int listed = suite_expand(&argc, &argv, &plan, err, sizeof(err));
    if (listed != 0) {
        status = listed > 0 ? 0 : EXIT_USAGE;
        goto out;
    }
    r->argc = argc;
    r->argv = argv;
    r->suite = plan.name;
    r->derive = hooks != NULL ? hooks->derive : NULL;
    if (install_signals() != 0) {
        snprintf(err, sizeof(err), "cannot install signal handlers: %s",
                 strerror(errno));
        status = EXIT_RUN_FAILED;
        goto out;
    }
    int rc = setup(r, err, sizeof(err));
    if (rc != 0) {
        status = rc > 0 ? 0 : EXIT_USAGE;
        goto out;
    }
    if (r->o.save_name != NULL && (hooks == NULL || hooks->save == NULL)) {
        snprintf(err, sizeof(err), "--save: this poolbench has no history");
        goto out;
    }
    if (r->o.tasks_from != NULL) {
        rc = load_tasks_from(r, hooks, err, sizeof(err));
        if (rc != 0) {
            status = rc > 0 ? rc : EXIT_USAGE;
            goto out;
        }
    }
    /* The database and the name are checked before measuring, as -o is:
     * a run must not end in a store that was never going to work. */
    if (r->o.save_name != NULL && hooks->check_save != NULL) {
        char why[900];
        if (hooks->check_save(r->o.save_name, r->o.db_path, why,
                              sizeof(why)) != 0) {
            snprintf(err, sizeof(err), "--save: %s", why);
            goto out;
        }
    }
    if (measure(r, err, sizeof(err)) != 0)
        goto out;
    status = finish(r, hooks, err, sizeof(err));
    if (status == 0 && plan.name != NULL && hooks != NULL &&
        hooks->suite != NULL)
        hooks->suite(plan.name, r->out_path);
    for (size_t k = 0; k < r->p.nconfigs; k++)
        if (r->p.configs[k].failure[0] != '\0' && status == 0)
            status = EXIT_RUN_FAILED;
    if (stop_flag) {
        fprintf(stderr, "poolbench: interrupted by %s; kept what was "
                "measured\n", strsignal(stop_signal));
        status = EXIT_INTERRUPTED;
    }
    if (r->mc.broken) {
        fprintf(stderr, "poolbench: a pool could not be stopped (a task "
                "that never returns under threads?); exiting\n");
        fflush(NULL);
        _exit(EXIT_RUN_FAILED);
    }
out:
    if (err[0] != '\0')
        fprintf(stderr, "poolbench run: %s\n", err);
    noise_hw_close(&r->mc.hw);
    plan_free(&r->p);
    run_options_free(&r->o);
    results_free(&r->tasks_base);
    suite_free(&plan);
    free(r);
    return status;
}
