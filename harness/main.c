/* main.c - the command line: the commands table, and the wiring of run
 * to what shows and stores its results (the layers above run). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "driver.h"
#include "executor.h"
#include "history.h"
#include "history_main.h"
#include "hyperfine.h"
#include "machine.h"
#include "merge.h"
#include "noise.h"
#include "plot.h"
#include "registry.h"
#include "report.h"
#include "show.h"
#include "suggest.h"
#include "summary.h"
#include "table.h"
#include "view.h"

struct command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv);
};

static int run_main(int argc, char **argv);
static int list_main(int argc, char **argv);
static int info_main(int argc, char **argv);

static const struct command commands[] = {
    { "run", "run workloads under executors, write results JSON",
      run_main },
    { "list", "workloads with their parameters, and executors", list_main },
    { "info", "this machine's metadata", info_main },
    { "show", "a results file: the answer per workload, then every row",
      show_main },
    { "compare", "two results files: what is faster or slower, for real",
      compare_main },
    { "merge", "combine results files (many machines) into one",
      merge_main },
    { "plot", "charts (SVG, PNG) of results files, via gnuplot",
      plot_main },
    { "report", "one self-contained HTML report of results files",
      report_main },
    { "history", "the history database: add, list, show, export, trend",
      history_main },
    { "import-hyperfine", "hyperfine JSON into a poolbench/1 results file",
      hyperfine_main },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "usage: poolbench COMMAND [options]\n\n"
               "Threads, processes or futures: how many workers, what "
               "chunk size, for this\nwork on this machine? poolbench "
               "measures it.\n\ncommands:\n");
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(f, "  %-17s %s\n", commands[k].name, commands[k].summary);
    fprintf(f, "\n`poolbench COMMAND --help` tells more. Exit status: 0 ok, "
               "1 a comparison found\na regression, 2 bad usage or input, "
               "3 a run failed, 4 no stored baseline,\n130 interrupted.\n");
}

/* Accept only --help for commands that take no options. */
static int no_options(const char *cmd, int argc, char **argv,
                      const char *help)
{
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            printf("usage: poolbench %s\n\n%s\n", cmd, help);
            return 1;
        }
        fprintf(stderr, "poolbench %s: unexpected argument '%s'; it takes "
                "none (see --help)\n", cmd, argv[k]);
        return -1;
    }
    return 0;
}

/* ---- run, and what it does with the file it wrote ----------------------- */

/* The answer of a results file: the summary, and every row with -v. */
static int show_written(const char *path, int verbose)
{
    struct results_file f;
    struct results_view v;
    char err[512];
    if (results_load(path, &f, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench run: %s\n", err);
        return -1;
    }
    if (view_build(&f, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench run: %s\n", err);
        results_free(&f);
        return -1;
    }
    if (verbose) {
        table_print(stdout, &v, TABLE_TEXT);
        putchar('\n');
    }
    summary_print(stdout, &v, summary_colour_wanted(stdout));
    view_free(&v);
    results_free(&f);
    return 0;
}

/* run --save NAME: the written file into the history. */
static int save_written(const char *path, const char *name, const char *db,
                        char *err, size_t err_len)
{
    struct history *h = NULL;
    long long id;
    if (history_check_name(name, err, err_len) != 0 ||
        history_open(history_default_path(db), HISTORY_CREATE, &h, err,
                     err_len) != 0)
        return -1;
    int rc = history_add_file(h, path, name, &id, err, err_len);
    history_close(h);
    if (rc == 0)
        printf("history: stored as run %lld of '%s' in %s\n", id, name,
               history_default_path(db));
    return rc;
}

/* run --tasks-from NAME[@COMMIT]: the stored run of this machine's
 * identity (its fingerprint as a results file of this run would give). */
static int load_stored(const char *spec, const char *db,
                       const struct machine_info *m, struct results_file *out,
                       char *label, size_t label_len, char *err,
                       size_t err_len)
{
    uint64_t throttled;
    double throttled_s, quota = noise_cpu_quota(&throttled, &throttled_s);
    struct results_machine rm = {
        .cpu_model = m->cpu_model, .cpus_online = m->cpus_online,
        .cpus_usable = m->affinity_count > 0 &&
                               m->affinity_count < m->cpus_online
                           ? m->affinity_count : m->cpus_online,
        .mem_total_bytes = (double)m->mem_total_bytes,
    };
    cJSON *q = cJSON_CreateObject();
    if (q != NULL && isfinite(quota))
        cJSON_AddNumberToObject(q, "cpu_quota", quota);
    rm.json = q;
    int rc = history_load_named(db, spec, &rm, out, label, label_len, err,
                                err_len);
    cJSON_Delete(q);
    return rc;
}

static int run_main(int argc, char **argv)
{
    static const struct driver_hooks hooks = {
        .show = show_written,
        .save = save_written,
        .load_run = load_stored,
    };
    return driver_main(argc, argv, &hooks);
}

static const char *type_word(enum wl_param_type t)
{
    switch (t) {
    case WL_PARAM_INT: return "int";
    case WL_PARAM_REAL: return "real";
    case WL_PARAM_CHOICE: return "choice";
    case WL_PARAM_STRING: return "text";
    case WL_PARAM_TEXT: return "text (taken whole)";
    }
    return "?";
}

static int list_main(int argc, char **argv)
{
    char err[512];
    /* --plugin PATH.so (as run takes it) lists a plugin's workload too:
     * how to see its parameters before a run. */
    for (int k = 1; k < argc; k++) {
        const char *path = NULL;
        if (strcmp(argv[k], "--plugin") == 0 && k + 1 < argc)
            path = argv[++k];
        else if (strncmp(argv[k], "--plugin=", 9) == 0)
            path = argv[k] + 9;
        if (path != NULL) {
            if (registry_load_plugin(path, err, sizeof(err)) != 0) {
                fprintf(stderr, "poolbench list: %s\n", err);
                return EXIT_USAGE;
            }
            continue;
        }
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            printf("usage: poolbench list [--plugin PATH.so]...\n\nLists "
                   "the workloads (built-in, POOLBENCH_PLUGIN_PATH plugins "
                   "and each --plugin PATH.so),\ntheir parameters with "
                   "defaults, and the executors.\n--trust-plugins loads "
                   "plugins that others could have changed.\n");
            return 0;
        }
        if (strcmp(argv[k], "--plugin") == 0)
            fprintf(stderr, "poolbench list: --plugin needs a value, a "
                    "PATH.so\n");
        else
            fprintf(stderr, "poolbench list: unexpected argument '%s'; it "
                    "takes only --plugin PATH.so (see --help)\n", argv[k]);
        int rc = -1;
        return rc > 0 ? 0 : EXIT_USAGE;
    }
    if (registry_load_env(err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench list: %s\n", err);
        return EXIT_USAGE;
    }
    printf("workloads:\n");
    for (size_t k = 0; k < registry_count(); k++) {
        const struct workload *wl = registry_at(k);
        printf("  %-12s %s\n", wl->name, wl->summary);
        printf("  %-12s value of task i: %s\n", "", wl->value_doc);
        if (wl->default_tasks > 0)
            printf("  %-12s default tasks: %llu\n", "",
                   (unsigned long long)wl->default_tasks);
        for (size_t p = 0; p < registry_param_count(wl); p++) {
            const struct wl_param *pa = &wl->params[p];
            char range[160] = "";
            if (pa->type == WL_PARAM_INT)
                snprintf(range, sizeof(range), " %.0f..%.0f", pa->min,
                         pa->max);
            else if (pa->type == WL_PARAM_REAL)
                snprintf(range, sizeof(range), " %g..%g", pa->min, pa->max);
            else if (pa->type == WL_PARAM_CHOICE)
                snprintf(range, sizeof(range), " %s", pa->choices);
            printf("  %-12s   -p %s=%s  (%s%s) %s\n", "", pa->name,
                   pa->def != NULL ? pa->def : "(unset)",
                   type_word(pa->type), range, pa->help);
        }
    }
    printf("\nexecutors:\n");
    for (size_t k = 0; executor_list[k] != NULL; k++)
        printf("  %-13s %s  [%s]\n", executor_list[k]->name,
               executor_list[k]->summary, executor_list[k]->models);
    return 0;
}

static int info_main(int argc, char **argv)
{
    int rc = no_options("info", argc, argv, "Prints the metadata recorded "
                        "in every results file's \"machine\" block.");
    if (rc != 0)
        return rc > 0 ? 0 : EXIT_USAGE;
    struct machine_info m;
    machine_read(&m);
    machine_print(&m);
    return 0;
}

/* --trust-plugins is taken out of the arguments of the commands that
 * load plugins (wherever it is, before a "--"), so that it is in force
 * before the first --plugin is loaded. */
static void take_trust_plugins(int *argc, char **argv)
{
    int out = 1;
    int in = 1;
    for (; in < *argc; in++) {
        if (strcmp(argv[in], "--") == 0)
            break;
        if (strcmp(argv[in], "--trust-plugins") == 0)
            registry_trust_plugins(1);
        else
            argv[out++] = argv[in];
    }
    while (in < *argc)
        argv[out++] = argv[in++];
    argv[out] = NULL;
    *argc = out;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        struct machine_info m;
        machine_read(&m);
        printf("poolbench %s%s%s (%s, %s)\n", m.version,
               m.git_commit[0] ? " " : "", m.git_commit, m.build_type,
               m.compiler);
        return 0;
    }
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "list") == 0)
        take_trust_plugins(&argc, argv);
    for (size_t k = 0; k < NCOMMANDS; k++)
        if (strcmp(cmd, commands[k].name) == 0)
            return commands[k].main(argc - 1, argv + 1);
    const char *names[NCOMMANDS];
    char hint[96];
    for (size_t k = 0; k < NCOMMANDS; k++)
        names[k] = commands[k].name;
    fprintf(stderr, "poolbench: unknown command '%s'%s; expected one of: ",
            cmd, suggest_hint(cmd, names, NCOMMANDS, hint, sizeof(hint)));
    for (size_t k = 0; k < NCOMMANDS; k++)
        fprintf(stderr, "%s%s", k ? ", " : "", commands[k].name);
    fprintf(stderr, " (see poolbench --help)\n");
    return EXIT_USAGE;
}
