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
#include "results.h"
#include "stats.h"
#include "suite.h"
#include "units.h"

/* Workers of the seed: multiprocessing.Pool(4). */
#define SUITE_SEED_WORKERS 4

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

static int selected(const char *wl)
{
    size_t len = strlen(wl);
    if (user_workloads == NULL)
        return 1;
    for (const char *s = user_workloads; s != NULL; s = strchr(s, ',')) {
        s += *s == ',';
        if (strncmp(s, wl, len) == 0 && (s[len] == ',' || s[len] == '\0'))
            return 1;
    }
    return 0;
}

/* -p WORKLOAD.KEY=VALUE when the workload exists, has that parameter, is
 * selected, and the user did not set that parameter. */
static int add_param(struct suite_plan *p, char **opts, size_t *n,
                     const char *wl, const char *key, const char *value)
{
    const struct workload *w = registry_find(wl);
    if (w == NULL || registry_param_index(w, key) < 0 || !selected(wl) ||
        user_sets(wl, key))
        return 0;
    if (add(p, opts, n, "-p") != 0 ||
        add(p, opts, n, "%s.%s=%s", wl, key, value) != 0)
        return -1;
    return 0;
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

static int executor_exists(const char *name)
{
    return executor_find(name) != NULL;
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
    static const char *const exs[] = {
        "serial", "procs", "threads", "futures", NULL,
    };
    /* The seed's own constructs, in Python, beside the native ones when
     * an interpreter answers (else the suite says so and runs without). */
    static const char *const pys[] = {
        "py-serial", "py-pool", "py-threadpool", "py-tpe", "py-ppe", NULL,
    };
    char w[256], e[256], pe[256], info[512];
    existing(wls, workload_exists, w, sizeof(w));
    existing(exs, executor_exists, e, sizeof(e));
    existing(pys, executor_exists, pe, sizeof(pe));
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

/* Workers 1, the CPUs and twice that, as -j specs (deduplicated by the
 * options parser on a 1-CPU machine). */
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
    int rc = add_workers(p, opts, n, "1,cpus,2xcpus");
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

void suite_list(FILE *out)
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
    /* What the suite adds, wrapped at 100 columns. */
    int col = fprintf(stderr, "poolbench: suite %s:", plan->name);
    for (size_t k = 0; k < n; k++) {
        if (col + 1 + (int)strlen(opts[k]) > 100)
            col = fprintf(stderr, "\n   ") - 1;
        col += fprintf(stderr, " %s", opts[k]);
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

/* ---- the seed table ---------------------------------------------------- */

/* The seed's figures, in seconds (NAN: the seed did not measure it). The
 * Python 3 figures are of the factorial-heavy case ("best case"). */
struct seed_fig {
    int heavy;
    const char *executor;
    double py2_s, py3_s;
};

static const struct seed_fig seed_figs[] = {
    { 1, "serial", 16.230872, 12.71012 },
    { 1, "procs", 4.874608, 5.799454 },
    { 1, "threads", 21.812273, 18.085609 },
    { 1, "futures", NAN, 18.403806 },   /* ThreadPoolExecutor */
    { 0, "serial", 0.182251, NAN },
    { 0, "procs", 0.39652, NAN },
    { 0, "threads", 0.234787, NAN },
    { 0, "futures", NAN, NAN },
};

#define SEED_PPE_S 5.764657 /* ProcessPoolExecutor, Python 3 */

/* One measured configuration's wall-time summary. */
struct meas {
    const struct results_row *row;
    struct stats_summary wall, first;
};

/* The value of key in a canonical "k=v,k=v" string equals value? */
static int has_param(const char *params, const char *key, const char *value)
{
    char want[128];
    snprintf(want, sizeof(want), "%s=%s", key, value);
    size_t wl = strlen(want);
    for (const char *p = params; p != NULL && *p != '\0';) {
        if (strncmp(p, want, wl) == 0 && (p[wl] == ',' || p[wl] == '\0'))
            return 1;
        p = strchr(p, ',');
        if (p != NULL)
            p++;
    }
    return 0;
}

/* Find workload (with key=value when key is not NULL), executor, workers
 * (serial: any), mode (NULL: any). Returns 0 with *m filled, or -1. */
static int find(const struct results_file *f, const char *workload,
                const char *key, const char *value, const char *executor,
                unsigned workers, const char *mode, struct meas *m)
{
    for (size_t k = 0; k < f->nrows; k++) {
        const struct results_row *r = &f->rows[k];
        int serial = strcmp(executor, "serial") == 0;
        if (strcmp(r->workload, workload) != 0 ||
            strcmp(r->executor, executor) != 0 || r->failure != NULL ||
            r->errors > 0 || (key != NULL && !has_param(r->params, key,
                                                        value)) ||
            (!serial && r->workers != workers) ||
            (!serial && mode != NULL && strcmp(r->mode, mode) != 0))
            continue;
        m->row = r;
        if (results_row_stats(r, "wall_s", &m->wall) != 0)
            continue;
        if (results_row_stats(r, "first_result_s", &m->first) != 0)
            m->first = m->wall;
        return 0;
    }
    return -1;
}

/* "faster", "slower" or "~same" by the 95% CIs of the medians. */
static const char *word(const struct stats_summary *x,
                        const struct stats_summary *base)
{
    if (x->ci95_high < base->ci95_low)
        return "faster";
    if (x->ci95_low > base->ci95_high)
        return "slower";
    return "~same";
}

static void fmt_s(double s, char *buf, size_t len)
{
    if (isfinite(s))
        snprintf(buf, len, "%.2f s", s);
    else
        snprintf(buf, len, "-");
}

static void fmt_x(double x, char *buf, size_t len)
{
    if (isfinite(x))
        snprintf(buf, len, "%.2fx", x);
    else
        snprintf(buf, len, "-");
}

/* The Python peer of each native executor of the seed table. */
static const char *py_peer(const char *native)
{
    static const char *const map[][2] = {
        { "serial", "py-serial" }, { "procs", "py-pool" },
        { "threads", "py-threadpool" }, { "futures", "py-tpe" },
    };
    for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
        if (strcmp(map[k][0], native) == 0)
            return map[k][1];
    return NULL;
}

/* One measured cell: its median and serial / it, or "-". */
static void cell(const struct results_file *f, const char *n,
                 const char *executor, const struct meas *base,
                 int have_base, char *t, size_t tl, char *x, size_t xl,
                 struct meas *m, int *have)
{
    snprintf(t, tl, "-");
    snprintf(x, xl, "-");
    *have = executor != NULL &&
            find(f, "factorial", "n", n, executor, SUITE_SEED_WORKERS,
                 "ordered", m) == 0;
    if (*have)
        units_format_time(m->wall.median, t, tl);
    if (*have && have_base && m->wall.median > 0)
        fmt_x(base->wall.median / m->wall.median, x, xl);
}

static void print_main_table(const struct results_file *f, long cpus)
{
    for (int heavy = 1; heavy >= 0; heavy--) {
        const char *n = heavy ? "300" : "20";
        struct meas base;
        int have_base = find(f, "factorial", "n", n, "serial", 1, NULL,
                             &base) == 0;
        const struct seed_fig *sb = NULL;
        for (size_t k = 0; k < sizeof(seed_figs) / sizeof(seed_figs[0]);
             k++)
            if (seed_figs[k].heavy == heavy &&
                strcmp(seed_figs[k].executor, "serial") == 0)
                sb = &seed_figs[k];
        printf("%s: factorial(%s)\n", heavy ? "heavy" : "light", n);
        printf("  %-8s %10s %6s  %-13s %10s %6s  %8s %6s %8s %6s  %s\n",
               "native", "here", "x ser", "python", "here", "x ser",
               "seed py3", "x ser", "seed py2", "x ser", "vs serial");
        for (size_t k = 0; k <= sizeof(seed_figs) / sizeof(seed_figs[0]);
             k++) {
            /* The last line: ProcessPoolExecutor, Python only. */
            int ppe = k == sizeof(seed_figs) / sizeof(seed_figs[0]);
            const struct seed_fig *s = ppe ? NULL : &seed_figs[k];
            if (ppe ? !heavy : s->heavy != heavy)
                continue;
            const char *nat = ppe ? NULL : s->executor;
            const char *py = ppe ? "py-ppe" : py_peer(nat);
            struct meas m, pm;
            int have, phave;
            char tn[32], xn[16], tp[32], xp[16], p2[16], x2[16], p3[16],
                 x3[16];
            cell(f, n, nat, &base, have_base, tn, sizeof(tn), xn,
                 sizeof(xn), &m, &have);
            cell(f, n, py, &base, have_base, tp, sizeof(tp), xp,
                 sizeof(xp), &pm, &phave);
            if (nat != NULL && strcmp(nat, "serial") == 0 && have_base) {
                units_format_time(base.wall.median, tn, sizeof(tn));
                fmt_x(1.0, xn, sizeof(xn));
            }
            if (py != NULL && strcmp(py, "py-serial") == 0 &&
                find(f, "factorial", "n", n, py, 1, NULL, &pm) == 0) {
                phave = 1;
                units_format_time(pm.wall.median, tp, sizeof(tp));
                if (have_base && pm.wall.median > 0)
                    fmt_x(base.wall.median / pm.wall.median, xp,
                          sizeof(xp));
            }
            double s2 = ppe ? NAN : s->py2_s;
            double s3 = ppe ? SEED_PPE_S : s->py3_s;
            fmt_s(s2, p2, sizeof(p2));
            fmt_s(s3, p3, sizeof(p3));
            fmt_x(sb->py2_s / s2, x2, sizeof(x2));
            fmt_x(sb->py3_s / s3, x3, sizeof(x3));
            printf("  %-8s %10s %6s  %-13s %10s %6s  %8s %6s %8s %6s  %s\n",
                   nat != NULL ? nat : "-", tn, xn, py != NULL ? py : "-",
                   tp, xp, p3, x3, p2, x2,
                   nat == NULL ? ""
                   : !have && executor_find(nat) == NULL
                       ? "not in this build"
                   : !have && strcmp(nat, "serial") != 0 ? "not measured"
                   : strcmp(nat, "serial") == 0 || !have_base ? ""
                   : word(&m.wall, &base.wall));
        }
    }
    printf("(x ser: the native serial time / this time, above 1 is faster; "
           "faster or slower\nonly when the 95%% CIs of the medians do not "
           "overlap, else ~same. The seed ran\n403345 tasks in CPython 2 "
           "and 3; poolbench ran %llu per case with %d workers on\n%ld "
           "online CPUs, ordered delivery as pool.map; python: the same "
           "tasks in this\nmachine's python3 with the seed's constructs.)"
           "\n", f->nrows > 0 ? (unsigned long long)f->rows[0].tasks : 0ULL,
           SUITE_SEED_WORKERS, cpus);
}

/* The seed's Python findings, checked against this machine's python3. */
static void print_python_notes(const struct results_file *f)
{
    struct meas s, t, p;
    if (find(f, "factorial", "n", "300", "py-serial", 1, NULL, &s) != 0)
        return;
    printf("\nthe seed's findings in this machine's Python (x py-serial):"
           "\n");
    if (find(f, "factorial", "n", "300", "py-threadpool",
             SUITE_SEED_WORKERS, "ordered", &t) == 0 &&
        find(f, "factorial", "n", "300", "py-pool", SUITE_SEED_WORKERS,
             "ordered", &p) == 0)
        printf("- heavy factorial: py-threadpool %.2fx (%s; the seed: "
               "slower, the GIL), py-pool %.2fx\n  (%s; the seed: "
               "faster)\n", s.wall.median / t.wall.median,
               word(&t.wall, &s.wall), s.wall.median / p.wall.median,
               word(&p.wall, &s.wall));
    if (find(f, "factorial", "n", "20", "py-serial", 1, NULL, &s) == 0 &&
        find(f, "factorial", "n", "20", "py-pool", SUITE_SEED_WORKERS,
             "ordered", &p) == 0)
        printf("- light factorial: py-pool %.2fx (%s; the seed: slower "
               "than the plain loop)\n", s.wall.median / p.wall.median,
               word(&p.wall, &s.wall));
    if (find(f, "hashing", NULL, NULL, "py-serial", 1, NULL, &s) == 0 &&
        find(f, "hashing", NULL, NULL, "py-threadpool", SUITE_SEED_WORKERS,
             "ordered", &t) == 0)
        printf("- md5 hashing: py-threadpool %.2fx (%s; the seed: threads "
               "help, hashlib\n  and file reads release the GIL)\n",
               s.wall.median / t.wall.median, word(&t.wall, &s.wall));
}

/* Where native code differs from the seed, from the numbers. */
static void print_notes(const struct results_file *f, long cpus)
{
    struct meas base, t, p;
    printf("\nwhere native code differs:\n");
    if (find(f, "factorial", "n", "300", "serial", 1, NULL, &base) == 0 &&
        find(f, "factorial", "n", "300", "threads", SUITE_SEED_WORKERS,
             "ordered", &t) == 0 && t.wall.median > 0) {
        const char *w = word(&t.wall, &base.wall);
        printf("- threads, heavy case: the seed's Python threads ran at "
               "%.2fx (py2) and %.2fx (py3)\n  the plain loop's speed: "
               "the GIL lets one thread run Python code at a time.\n  Native "
               "threads have no GIL: here they run at %.2fx, %s.\n",
               16.230872 / 21.812273, 12.71012 / 18.085609,
               base.wall.median / t.wall.median,
               w[0] == 'f' ? "faster than serial"
               : w[0] == 's' ? "slower than serial (were the CPUs busy?)"
                             : "not slower than serial (CIs overlap)");
    }
    if (find(f, "factorial", "n", "300", "serial", 1, NULL, &base) == 0 &&
        find(f, "factorial", "n", "300", "procs", SUITE_SEED_WORKERS,
             "ordered", &p) == 0 && p.wall.median > 0) {
        long cap = cpus < SUITE_SEED_WORKERS ? cpus : SUITE_SEED_WORKERS;
        printf("- procs, heavy case: %.2fx (py2) and %.2fx (py3) in the "
               "seed; %.2fx here, where\n  %ld online CPUs allow about "
               "%ldx.\n", 16.230872 / 4.874608, 12.71012 / 5.799454,
               base.wall.median / p.wall.median, cpus, cap);
    }
    if (find(f, "factorial", "n", "20", "serial", 1, NULL, &base) == 0) {
        char per[32];
        units_format_time(base.wall.median / (double)(base.row->tasks > 0
                                                     ? base.row->tasks : 1),
                         per, sizeof(per));
        printf("- light tasks (%s each, serially): the seed's pools lost to "
               "the plain loop\n  (procs %.2fx, threads %.2fx);", per,
               0.182251 / 0.39652, 0.182251 / 0.234787);
        const char *exs[] = { "procs", "threads", "futures" };
        int any = 0;
        for (size_t k = 0; k < 3; k++)
            if (find(f, "factorial", "n", "20", exs[k], SUITE_SEED_WORKERS,
                     "ordered", &t) == 0 && t.wall.median > 0) {
                printf("%s %s %.2fx (%s)", any ? "," : "\n  here:",
                       exs[k], base.wall.median / t.wall.median,
                       word(&t.wall, &base.wall));
                any = 1;
            }
        printf("%s.\n", any ? "" : " no parallel run here");
    }
}

static void print_extras(const struct results_file *f)
{
    static const char *const exs[] = { "serial", "procs", "threads",
                                       "futures" };
    struct meas a, b;
    int head = 0;
    for (size_t k = 1; k < 4; k++) {
        if (find(f, "factorial", "n", "300", exs[k], SUITE_SEED_WORKERS,
                 "ordered", &a) != 0 ||
            find(f, "factorial", "n", "300", exs[k], SUITE_SEED_WORKERS,
                 "unordered", &b) != 0)
            continue;
        if (!head)
            printf("\nmap (ordered) vs unordered (apply_async / "
                   "as_completed), heavy case, %d workers:\n",
                   SUITE_SEED_WORKERS);
        head = 1;
        char fa[32], fb[32], wa[32], wb[32];
        units_format_time(a.first.median, fa, sizeof(fa));
        units_format_time(b.first.median, fb, sizeof(fb));
        units_format_time(a.wall.median, wa, sizeof(wa));
        units_format_time(b.wall.median, wb, sizeof(wb));
        printf("  %-8s first result %10s ordered, %10s unordered (%s); "
               "whole run %s vs %s\n", exs[k], fa, fb,
               word(&b.first, &a.first), wa, wb);
    }
    if (head)
        printf("  (pool.map hands over its list when the last task is done; "
               "ordered delivery here\n  streams in index order like "
               "imap, so its first result waits for chunk 0 only)\n");
    head = 0;
    for (size_t k = 0; k < 4; k++) {
        if (find(f, "hashing", NULL, NULL, exs[k], SUITE_SEED_WORKERS,
                 "ordered", &a) != 0 ||
            find(f, "shuffled", NULL, NULL, exs[k], SUITE_SEED_WORKERS,
                 "ordered", &b) != 0 || a.wall.median <= 0)
            continue;
        if (!head)
            printf("\nsorted vs shuffled file order (hashing vs shuffled, "
                   "cold page cache):\n");
        head = 1;
        char wa[32], wb[32];
        units_format_time(a.wall.median, wa, sizeof(wa));
        units_format_time(b.wall.median, wb, sizeof(wb));
        printf("  %-8s sorted %10s, shuffled %10s: %+.0f%% (shuffled %s)\n",
               exs[k], wa, wb, 100 * (b.wall.median / a.wall.median - 1),
               word(&b.wall, &a.wall));
    }
    head = 0;
    struct meas s1, s0;
    if (find(f, "contended", "critical", "1", "serial", 1, NULL, &s1) != 0 ||
        find(f, "contended", "critical", "0", "serial", 1, NULL, &s0) != 0)
        return;
    for (size_t k = 1; k < 4; k++) {
        if (find(f, "contended", "critical", "1", exs[k],
                 SUITE_SEED_WORKERS, "ordered", &a) != 0 ||
            find(f, "contended", "critical", "0", exs[k],
                 SUITE_SEED_WORKERS, "ordered", &b) != 0 ||
            a.wall.median <= 0 || b.wall.median <= 0)
            continue;
        if (!head)
            printf("\nall work under one lock vs none (contended critical=1 "
                   "vs 0), x serial:\n");
        head = 1;
        printf("  %-8s under the lock %.2fx (%s), no lock %.2fx (%s)\n",
               exs[k], s1.wall.median / a.wall.median,
               word(&a.wall, &s1.wall), s0.wall.median / b.wall.median,
               word(&b.wall, &s0.wall));
    }
    if (head)
        printf("  (the seed: with every function under the lock, processes "
               "ran slower than serial)\n");
}

void suite_after_run(const struct suite_plan *plan,
                     const char *results_path)
{
    if (plan->name == NULL || strcmp(plan->name, "seed") != 0)
        return;
    struct results_file f;
    char err[512];
    if (results_load(results_path, &f, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench: seed table: %s\n", err);
        return;
    }
    long cpus = f.machines[0].cpus_online;
    printf("\nThe seed experiment: its Python figures beside poolbench on "
           "this machine\n\n");
    print_main_table(&f, cpus);
    print_notes(&f, cpus);
    print_python_notes(&f);
    print_extras(&f);
    results_free(&f);
}
