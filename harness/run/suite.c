/* suite.c - named presets of `poolbench run` options, and the seed table.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "paths.h"
#include "python.h"
#include "registry.h"
#include "suite.h"

/* ---- building the option list ------------------------------------------ */

static int add(struct suite_plan *p, char **opts, size_t *n, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* Append one option text (formatted) to opts. */
static int add(struct suite_plan *p, char **opts, size_t *n, const char *fmt,
               ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (*n == SUITE_MAX_ARGS || p->nowned == SUITE_MAX_ARGS)
        return -1;
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    p->owned[p->nowned++] = copy;
    opts[(*n)++] = copy;
    return 0;
}

/* The user's own -w list, when given: a suite sets parameters only for
 * workloads that will run (the driver refuses -p for others). */
static const char *user_workloads;

/* The user's own -p values: a suite leaves those parameters to them. */
static char **user_argv;
static int user_argc;

static int user_sets(const char *wl, const char *key)
{
    char scoped[256], bare[128];
    snprintf(scoped, sizeof(scoped), "%s.%s=", wl, key);
    snprintf(bare, sizeof(bare), "%s=", key);
    for (int k = 1; k < user_argc; k++) {
        const char *v = NULL;
        if ((strcmp(user_argv[k], "-p") == 0 ||
             strcmp(user_argv[k], "--param") == 0) && k + 1 < user_argc)
            v = user_argv[k + 1];
        else if (strncmp(user_argv[k], "--param=", 8) == 0)
            v = user_argv[k] + 8;
        else if (strncmp(user_argv[k], "-p", 2) == 0 && user_argv[k][2])
            v = user_argv[k] + 2;
        if (v != NULL && (strncmp(v, scoped, strlen(scoped)) == 0 ||
                          strncmp(v, bare, strlen(bare)) == 0))
            return 1;
    }
    return 0;
}

/* Whether wl is an item of the comma list. */
static int in_list(const char *list, const char *wl)
{
    size_t len = strlen(wl);
    for (const char *s = list; s != NULL; s = strchr(s, ',')) {
        s += *s == ',';
        if (strncmp(s, wl, len) == 0 && (s[len] == ',' || s[len] == '\0'))
            return 1;
    }
    return 0;
}

/* Selected: by the user's -w when given, else by the suite's own -w
 * (among opts so far) when it has one; every workload otherwise. */
static int selected(const char *wl, char *const *opts, size_t n)
{
    if (user_workloads != NULL)
        return in_list(user_workloads, wl);
    for (size_t k = n; k-- > 1;)
        if (strcmp(opts[k - 1], "-w") == 0)
            return in_list(opts[k], wl);
    return 1;
}

/* -p WORKLOAD.KEY=VALUE when the workload exists, has that parameter, is
 * selected, and the user did not set that parameter. */
static int add_param(struct suite_plan *p, char **opts, size_t *n,
                     const char *wl, const char *key, const char *value)
{
    const struct workload *w = registry_find(wl);
    if (w == NULL || registry_param_index(w, key) < 0 ||
        !selected(wl, opts, *n) || user_sets(wl, key))
        return 0;
    if (add(p, opts, n, "-p") != 0 ||
        add(p, opts, n, "%s.%s=%s", wl, key, value) != 0)
        return -1;
    return 0;
}

static int executor_exists(const char *name)
{
    return executor_find(name) != NULL;
}

/* Comma list of the names that exist, via found(). */
static void existing(const char *const *names, int (*found)(const char *),
                     char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; names[k] != NULL; k++)
        if (found(names[k]) && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                     used ? "," : "", names[k]);
}

static int workload_exists(const char *name)
{
    return registry_find(name) != NULL;
}

/* pyfunc on the seed's own functions (scripts/seedfuncs.py): its
 * factorial and its md5 of each file of the corpus hashing reads. */
static int seed_own_functions(struct suite_plan *p, char **opts, size_t *n)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/seedfuncs.py", paths_scripts_dir());
    return add_param(p, opts, n, "pyfunc", "func",
                     "seedfuncs:factorial,seedfuncs:md5_file") |
           add_param(p, opts, n, "pyfunc", "path", path) |
           add_param(p, opts, n, "pyfunc", "items", "files") |
           add_param(p, opts, n, "pyfunc", "size_mb", "16");
}

static int seed_options(struct suite_plan *p, char **opts, size_t *n,
                        char *err, size_t err_len)
{
    static const char *const wls[] = {
        "factorial", "hashing", "shuffled", "contended", NULL,
    };
    char w[256], e[256], pe[256], info[512];
    existing(wls, workload_exists, w, sizeof(w));
    /* Every native executor, and the seed's own constructs in Python
     * beside them when an interpreter answers (else the suite says so
     * and runs without). */
    executor_names(EXEC_PYTHON, 0, e, sizeof(e));
    executor_names(EXEC_PYTHON, EXEC_PYTHON, pe, sizeof(pe));
    if (pe[0] != '\0' && python_info(info, sizeof(info)) != 0) {
        fprintf(stderr, "poolbench: suite seed: no Python rows: %s\n",
                info);
        pe[0] = '\0';
    }
    if (pe[0] != '\0' && strlen(e) + strlen(pe) + 2 < sizeof(e))
        snprintf(e + strlen(e), sizeof(e) - strlen(e), ",%s", pe);
    /* The seed's own functions, in Python, under the Python executors:
     * pyfunc (native executors skip it). */
    int own = pe[0] != '\0' && registry_find("pyfunc") != NULL;
    if (own && strlen(w) + 8 < sizeof(w))
        strcat(w, ",pyfunc");
    if (registry_find("factorial") == NULL) {
        snprintf(err, err_len, "--suite seed: needs the factorial "
                 "workload, which this poolbench lacks");
        return -1;
    }
    int rc = 0;
    rc |= add(p, opts, n, "-w");
    rc |= add(p, opts, n, "%s", w);
    rc |= add(p, opts, n, "-e");
    rc |= add(p, opts, n, "%s", e);
    rc |= add(p, opts, n, "-j");
    rc |= add(p, opts, n, "%d", SUITE_SEED_WORKERS);
    rc |= add(p, opts, n, "--mode");
    rc |= add(p, opts, n, "ordered,unordered");
    /* One task count for every case, as the seed had: counts calibrated
     * for C make the Python rows of light tasks take minutes (CPython's
     * executors cost 0.1 to 100 us a task). */
    rc |= add(p, opts, n, "-n");
    rc |= add(p, opts, n, "5000");
    rc |= add_param(p, opts, n, "contended", "work", "1000");
    /* Heavy: the seed's reduce over range(1, 300). Light: about
     * what md5 of a file name costs in C. */
    rc |= add_param(p, opts, n, "factorial", "n", "300,20");
    rc |= add_param(p, opts, n, "hashing", "cache", "cold");
    rc |= add_param(p, opts, n, "shuffled", "cache", "cold");
    rc |= add_param(p, opts, n, "hashing", "size_mb", "16");
    rc |= add_param(p, opts, n, "shuffled", "size_mb", "16");
    rc |= add_param(p, opts, n, "contended", "critical", "1,0");
    if (own)
        rc |= seed_own_functions(p, opts, n);
    if (rc != 0) {
        snprintf(err, err_len, "--suite seed: out of memory");
        return -1;
    }
    return 0;
}

/* Worker counts as a -j spec (deduplicated by the options parser). */
static int add_workers(struct suite_plan *p, char **opts, size_t *n,
                       const char *spec)
{
    return add(p, opts, n, "-j") | add(p, opts, n, "%s", spec);
}

/* Parameters that keep every workload's calibrated repetition honest on
 * a small machine: a sleep costs about 90 us on a VM whatever it asks
 * for, so crawl runs without one and latency keeps the blocking case; a
 * smaller corpus (cycled by calibration) is generated faster. */
static int common_params(struct suite_plan *p, char **opts, size_t *n,
                         int quick)
{
    int rc = 0;
    rc |= add_param(p, opts, n, "latency", "us", "50");
    rc |= add_param(p, opts, n, "crawl", "us", "0");
    rc |= add_param(p, opts, n, "hashing", "size_mb", quick ? "4" : "8");
    rc |= add_param(p, opts, n, "shuffled", "size_mb", quick ? "4" : "8");
    rc |= add_param(p, opts, n, "hashing", "files", quick ? "400" : "2000");
    rc |= add_param(p, opts, n, "shuffled", "files", quick ? "400" : "2000");
    /* The seed's lock question: all of the work under it, or none. */
    rc |= add_param(p, opts, n, "contended", "critical", "1,0");
    rc |= add_param(p, opts, n, "contended", "work", "2500");
    return rc;
}

/* Repetitions until each median is known within 3%, short ones (50 ms
 * serial) so that many fit in the budget; the whole measuring within 65
 * s so that make bench stays near a minute and a half on 2 CPUs; --quick
 * keeps a short fixed count instead. */
static int precise(struct suite_plan *p, char **opts, size_t *n, int quick)
{
    if (quick)
        return 0;
    return add(p, opts, n, "--precision") | add(p, opts, n, "3") |
           add(p, opts, n, "--max-time") | add(p, opts, n, "65") |
           add(p, opts, n, "--min-time") | add(p, opts, n, "0.05") |
           add(p, opts, n, "--retry-disturbed") | add(p, opts, n, "2");
}

static int default_options(struct suite_plan *p, char **opts, size_t *n,
                           int quick, char *err, size_t err_len)
{
    /* 1, 2, 4, ... the CPUs, 2x: on 2 CPUs the same 1,2,4 as before. */
    int rc = add_workers(p, opts, n, "sweep");
    rc |= add(p, opts, n, "--mode") | add(p, opts, n, "unordered");
    rc |= add(p, opts, n, "--chunk") | add(p, opts, n, "auto");
    rc |= precise(p, opts, n, quick) | common_params(p, opts, n, quick);
    if (rc != 0) {
        snprintf(err, err_len, "--suite default: out of memory");
        return -1;
    }
    return 0;
}

/* Per-task cost by executor across chunk sizes, at the CPU count. */
static int chunks_options(struct suite_plan *p, char **opts, size_t *n,
                          int quick, char *err, size_t err_len)
{
    static const char *const wls[] = { "noop", "factorial", "hashing",
                                       NULL };
    char w[128];
    existing(wls, workload_exists, w, sizeof(w));
    int rc = add(p, opts, n, "-w") | add(p, opts, n, "%s", w);
    rc |= add_workers(p, opts, n, "cpus");
    rc |= add(p, opts, n, "--chunk") |
          add(p, opts, n, "1,4,16,64,256,auto");
    rc |= precise(p, opts, n, quick) | common_params(p, opts, n, quick);
    if (rc != 0) {
        snprintf(err, err_len, "--suite chunks: out of memory");
        return -1;
    }
    return 0;
}

/* Ordered (pool.map) vs unordered (imap_unordered) delivery, with a slow
 * first task (skew) that holds ordered delivery back. */
static int delivery_options(struct suite_plan *p, char **opts, size_t *n,
                            int quick, char *err, size_t err_len)
{
    static const char *const wls[] = { "factorial", "latency", NULL };
    char w[128];
    existing(wls, workload_exists, w, sizeof(w));
    int rc = add(p, opts, n, "-w") | add(p, opts, n, "%s", w);
    rc |= add_workers(p, opts, n, "cpus,2xcpus");
    rc |= add(p, opts, n, "--mode") | add(p, opts, n, "ordered,unordered");
    rc |= add_param(p, opts, n, "factorial", "skew", "1,8");
    rc |= precise(p, opts, n, quick) | common_params(p, opts, n, quick);
    if (rc != 0) {
        snprintf(err, err_len, "--suite delivery: out of memory");
        return -1;
    }
    return 0;
}

/* Repetitions of the CI suite: its 6 rows are tested at 0.01 / 6 under
 * holm, which 7 a side can reach (smallest p 2 / C(14, 7) = 5.8e-4);
 * 30 make the detectable slowdown 5% (compare.h) up to a per-repetition
 * spread (1.4826 MAD) of about 5% of the median. */
#define SUITE_CI_REPEAT "30"

/* The CI gate: few configurations, many repetitions, so that a 5%
 * slowdown can be seen; --quick keeps its shape with fewer. */
static int ci_options(struct suite_plan *p, char **opts, size_t *n,
                      int quick, char *err, size_t err_len)
{
    static const char *const wls[] = { "factorial", "noop", NULL };
    static const char *const exs[] = { "serial", "threads", "procs", NULL };
    char w[128], e[128];
    existing(wls, workload_exists, w, sizeof(w));
    existing(exs, executor_exists, e, sizeof(e));
    int rc = add(p, opts, n, "-w") | add(p, opts, n, "%s", w);
    rc |= add(p, opts, n, "-e") | add(p, opts, n, "%s", e);
    rc |= add_workers(p, opts, n, "cpus");
    rc |= add(p, opts, n, "--mode") | add(p, opts, n, "unordered");
    rc |= add(p, opts, n, "--chunk") | add(p, opts, n, "auto");
    rc |= add(p, opts, n, "-r") |
          add(p, opts, n, "%s", quick ? "8" : SUITE_CI_REPEAT);
    rc |= add(p, opts, n, "--min-time") | add(p, opts, n, "0.05");
    rc |= add(p, opts, n, "--retry-disturbed") | add(p, opts, n, "2");
    rc |= add_param(p, opts, n, "factorial", "n", "300");
    if (rc != 0) {
        snprintf(err, err_len, "--suite ci: out of memory");
        return -1;
    }
    return 0;
}

static int seed_entry(struct suite_plan *p, char **opts, size_t *n,
                      int quick, char *err, size_t err_len)
{
    (void)quick;
    return seed_options(p, opts, n, err, err_len);
}

/* The suites, in `--suite list` order. */
static const struct {
    const char *name;
    const char *summary;
    int (*options)(struct suite_plan *p, char **opts, size_t *n, int quick,
                   char *err, size_t err_len);
} suites[] = {
    { "default", "which executor and how many workers, for every "
      "workload (make bench)", default_options },
    { "chunks", "per-task cost by executor across chunk sizes",
      chunks_options },
    { "delivery", "ordered (map) vs unordered (as completed) delivery",
      delivery_options },
    { "ci", "the CI gate: factorial and noop, serial, threads and procs "
      "at cpus, 30 repetitions (a 5% slowdown detectable)", ci_options },
    { "seed", "the seed experiment at 4 workers, beside its published "
      "Python figures", seed_entry },
};

#define NSUITES (sizeof(suites) / sizeof(suites[0]))

/* "default, chunks, delivery or seed". */
static void suite_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < NSUITES && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 k == 0 ? "" : k + 1 == NSUITES ? " or "
                                                                : ", ",
                                 suites[k].name);
}

/* Print the suites with a line each. */
static void suite_list(FILE *out)
{
    fprintf(out, "suites (poolbench run --suite NAME [more options]):\n");
    for (size_t k = 0; k < NSUITES; k++)
        fprintf(out, "  %-9s %s\n", suites[k].name, suites[k].summary);
}

int suite_expand(int *argc, char ***argv, struct suite_plan *plan,
                 char *err, size_t err_len)
{
    char **av = *argv;
    int ac = *argc, at = -1, width = 0;
    memset(plan, 0, sizeof(*plan));
    for (int k = 1; k < ac; k++) {
        if (strcmp(av[k], "--") == 0)
            break;
        if (strcmp(av[k], "--suite") == 0) {
            if (k + 1 >= ac) {
                char names[128];
                suite_names(names, sizeof(names));
                snprintf(err, err_len, "--suite needs a name: %s (or "
                         "list)", names);
                return -1;
            }
            plan->name = av[k + 1];
            at = k;
            width = 2;
        } else if (strncmp(av[k], "--suite=", 8) == 0) {
            plan->name = av[k] + 8;
            at = k;
            width = 1;
        }
    }
    if (plan->name == NULL)
        return 0;
    if (strcmp(plan->name, "list") == 0) {
        suite_list(stdout);
        plan->name = NULL;
        return 1;
    }
    char *opts[SUITE_MAX_ARGS];
    size_t n = 0;
    int rc, quick = 0;
    user_workloads = NULL;
    user_argv = av;
    user_argc = ac;
    for (int k = 1; k < ac; k++) {
        if (strcmp(av[k], "--quick") == 0)
            quick = 1;
        else if ((strcmp(av[k], "-w") == 0 ||
                  strcmp(av[k], "--workloads") == 0) && k + 1 < ac)
            user_workloads = av[k + 1];
        else if (strncmp(av[k], "--workloads=", 12) == 0)
            user_workloads = av[k] + 12;
        else if (strncmp(av[k], "-w", 2) == 0 && av[k][2] != '\0')
            user_workloads = av[k] + 2;
    }
    size_t which = 0;
    while (which < NSUITES && strcmp(plan->name, suites[which].name) != 0)
        which++;
    if (which == NSUITES) {
        char names[128];
        suite_names(names, sizeof(names));
        snprintf(err, err_len, "--suite: unknown suite '%s'; expected %s "
                 "(or list)", plan->name, names);
        plan->name = NULL;
        return -1;
    }
    rc = suites[which].options(plan, opts, &n, quick, err, err_len);
    if (rc != 0)
        return -1;
    plan->argv = calloc((size_t)ac + n + 1, sizeof(*plan->argv));
    if (plan->argv == NULL) {
        snprintf(err, err_len, "--suite: out of memory");
        return -1;
    }
    plan->argv[plan->argc++] = av[0];
    for (size_t k = 0; k < n; k++)
        plan->argv[plan->argc++] = opts[k];
    for (int k = 1; k < ac; k++)
        if (k < at || k >= at + width)
            plan->argv[plan->argc++] = av[k];
    plan->argv[plan->argc] = NULL;
    *argc = plan->argc;
    *argv = plan->argv;
    /* What the suite adds, wrapped at 100 columns between options,
     * never between an option ("-p") and its value. */
    int col = fprintf(stderr, "poolbench: suite %s:", plan->name);
    for (size_t k = 0; k < n; k++) {
        int pair = opts[k][0] == '-' && k + 1 < n && opts[k + 1][0] != '-';
        int width = 1 + (int)strlen(opts[k]) +
                    (pair ? 1 + (int)strlen(opts[k + 1]) : 0);
        if (col + width > 100)
            col = fprintf(stderr, "\n   ") - 1;
        col += fprintf(stderr, " %s", opts[k]);
        if (pair)
            col += fprintf(stderr, " %s", opts[++k]);
    }
    fprintf(stderr, "\n");
    return 0;
}

void suite_free(struct suite_plan *plan)
{
    for (size_t k = 0; k < plan->nowned; k++)
        free(plan->owned[k]);
    free(plan->argv);
    memset(plan, 0, sizeof(*plan));
}
