/* suite_seed.c - what --suite seed prints after its run: the seed's
 * published Python figures beside poolbench's on this machine (see
 * suite.h). Apart from suite.c, which builds the option lists. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor.h"
#include "python.h"
#include "registry.h"
#include "results.h"
#include "stats.h"
#include "suite.h"
#include "units.h"

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
