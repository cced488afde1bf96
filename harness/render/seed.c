/* seed.c - the seed experiment's table, from the view (see seed.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "seed.h"
#include "units.h"

const struct seed_fig seed_figs[] = {
    { 1, "serial", "py-serial", 16.230872, 12.71012 },
    { 1, "procs", "py-pool", 4.874608, 5.799454 },
    { 1, "threads", "py-threadpool", 21.812273, 18.085609 },
    { 1, "futures", "py-tpe", NAN, 18.403806 },
    { 1, NULL, "py-ppe", NAN, 5.764657 }, /* ProcessPoolExecutor */
    { 0, "serial", "py-serial", 0.182251, NAN },
    { 0, "procs", "py-pool", 0.39652, NAN },
    { 0, "threads", "py-threadpool", 0.234787, NAN },
    { 0, "futures", "py-tpe", NAN, NAN },
};

const size_t seed_nfigs = sizeof(seed_figs) / sizeof(seed_figs[0]);

/* The native executors the notes walk, serial first. */
static const char *const natives[] = { "serial", "procs", "threads",
                                       "futures" };
#define NNATIVES (sizeof(natives) / sizeof(natives[0]))

/* The first instance of workload whose parameter key is value (key NULL:
 * any), or -1. */
static long find_inst(const struct results_view *v, const char *workload,
                      const char *key, const char *value)
{
    char got[64];
    for (size_t i = 0; i < v->ninsts; i++) {
        if (strcmp(v->insts[i].workload, workload) != 0)
            continue;
        if (key != NULL &&
            (view_param(v->insts[i].params, key, got, sizeof(got)) != 0 ||
             strcmp(got, value) != 0))
            continue;
        return (long)i;
    }
    return -1;
}

/* The fastest usable row of instance inst under executor in mode (NULL:
 * any), or NULL. */
static const struct view_row *row_of(const struct results_view *v,
                                     long inst, const char *executor,
                                     const char *mode)
{
    const struct view_row *best = NULL;
    if (inst < 0 || executor == NULL)
        return NULL;
    const struct view_inst *in = &v->insts[inst];
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || strcmp(vr->r->executor, executor) != 0 ||
            (mode != NULL && strcmp(vr->r->mode, mode) != 0))
            continue;
        if (best == NULL || vr->wall.median < best->wall.median)
            best = vr;
    }
    return best;
}

/* A parallel row as the seed ran it: pool.map, ordered. */
static const struct view_row *mapped(const struct results_view *v,
                                     long inst, const char *executor)
{
    return row_of(v, inst, executor, "ordered");
}

static const char *verdict_word(double lo, double hi)
{
    switch (view_ratio_verdict(lo, hi)) {
    case VIEW_HIGHER: return "faster";
    case VIEW_LOWER: return "slower";
    default: return "~same";
    }
}

/* How much faster row is than base (wall time), and the word. */
struct cmp {
    double x, lo, hi;
    const char *word;
};

static int compare(const struct view_row *base, const struct view_row *row,
                   const char *series, struct cmp *c)
{
    int rc = view_ratio(base, row, series, &c->x, &c->lo, &c->hi);
    c->word = rc == 0 ? verdict_word(c->lo, c->hi) : "";
    return rc;
}

static void fmt_x(double x, char *buf, size_t len)
{
    if (isfinite(x))
        snprintf(buf, len, "%.2fx", x);
    else
        snprintf(buf, len, "-");
}

/* One line of the table: a seed figure and the rows that rerun it. */
struct line {
    const char *native, *python;   /* executors; native NULL: none */
    const struct view_row *n, *p;  /* the rows here, or NULL */
    struct cmp cn, cp;             /* against native serial, py-serial */
    int nserial, pserial;          /* the line of the baselines */
    double s3, x3, s2, x2;         /* the seed's py3/py2 and x its serial */
};

/* The line of seed figure s in case inst (sb: the case's serial). */
static void fill_line(const struct results_view *v, long inst,
                      const struct seed_fig *s, const struct seed_fig *sb,
                      struct line *l)
{
    const struct view_row *nbase =
        inst >= 0 && v->insts[inst].baseline >= 0
            ? &v->rows[v->insts[inst].baseline] : NULL;
    const struct view_row *pbase = row_of(v, inst, "py-serial", NULL);
    memset(l, 0, sizeof(*l));
    l->native = s->executor;
    l->python = s->python;
    l->nserial = s->executor != NULL && strcmp(s->executor, "serial") == 0;
    l->pserial = strcmp(s->python, "py-serial") == 0;
    l->n = l->nserial ? nbase : mapped(v, inst, s->executor);
    l->p = l->pserial ? pbase : mapped(v, inst, s->python);
    if (compare(nbase, l->n, RESULTS_WALL_S, &l->cn) != 0)
        l->cn.x = NAN;
    if (compare(pbase, l->p, RESULTS_WALL_S, &l->cp) != 0)
        l->cp.x = NAN;
    if (l->nserial)
        l->cn.word = "";
    if (l->pserial)
        l->cp.word = "";
    l->s3 = s->py3_s;
    l->s2 = s->py2_s;
    l->x3 = sb->py3_s / s->py3_s;
    l->x2 = sb->py2_s / s->py2_s;
}

/* The case (heavy or light) in v, and its serial figure. */
static long seed_case(const struct results_view *v, int heavy,
                      const struct seed_fig **sb)
{
    *sb = NULL;
    for (size_t k = 0; k < seed_nfigs; k++)
        if (seed_figs[k].heavy == heavy && *sb == NULL)
            *sb = &seed_figs[k]; /* serial comes first */
    return find_inst(v, "factorial", "n", heavy ? "300" : "20");
}

static void table_line(FILE *out, const struct line *l)
{
    char tn[32], xn[16], tp[32], xp[16], t3[32], x3[16], t2[32], x2[16];
    units_format_time(l->n != NULL ? l->n->wall.median : NAN, tn,
                      sizeof(tn));
    units_format_time(l->p != NULL ? l->p->wall.median : NAN, tp,
                      sizeof(tp));
    fmt_x(l->cn.x, xn, sizeof(xn));
    fmt_x(l->cp.x, xp, sizeof(xp));
    units_format_time(l->s3, t3, sizeof(t3));
    units_format_time(l->s2, t2, sizeof(t2));
    fmt_x(l->x3, x3, sizeof(x3));
    fmt_x(l->x2, x2, sizeof(x2));
    fprintf(out, "  %-8s %10s %6s %-6s  %-13s %10s %6s %-6s  %10s %6s "
            "%10s %6s\n", l->native != NULL ? l->native : "-", tn, xn,
            l->n != NULL ? l->cn.word : "", l->python, tp, xp,
            l->p != NULL ? l->cp.word : "", t3, x3, t2, x2);
}

static void print_table(FILE *out, const struct results_view *v,
                        long cpus)
{
    unsigned workers = 0;
    uint64_t tasks = 0;
    for (int heavy = 1; heavy >= 0; heavy--) {
        const struct seed_fig *sb;
        long inst = seed_case(v, heavy, &sb);
        struct line l;
        fprintf(out, "%s: factorial(%s)\n", heavy ? "heavy" : "light",
                heavy ? "300" : "20");
        fprintf(out, "  %-8s %10s %6s %-6s  %-13s %10s %6s %-6s  %10s %6s "
                "%10s %6s\n", "native", "here", "x ser", "", "python",
                "here", "x ser", "", "seed py3", "x ser", "seed py2",
                "x ser");
        for (size_t k = 0; k < seed_nfigs; k++)
            if (seed_figs[k].heavy == heavy) {
                fill_line(v, inst, &seed_figs[k], sb, &l);
                table_line(out, &l);
            }
        const struct view_row *t = mapped(v, inst, "procs");
        if (inst >= 0)
            tasks = v->insts[inst].tasks;
        if (t != NULL)
            workers = t->r->workers;
    }
    fprintf(out, "(x ser: serial's time / this time, above 1 is faster; "
            "native rows against\nnative serial, Python rows against "
            "py-serial, the seed's figures against the\nseed's serial "
            "loop. faster or slower only when the 95%% interval of the "
            "ratio\nexcludes 1, else ~same. The seed ran 403345 tasks in "
            "CPython 2 and 3;\npoolbench ran %llu per case with %u "
            "workers on %ld online CPUs, ordered\ndelivery as pool.map; "
            "python: the same tasks in this machine's python3 with\nthe "
            "seed's constructs.)\n", (unsigned long long)tasks, workers,
            cpus);
}

/* The seed's Python findings, checked against this machine's python3. */
static void print_python_notes(FILE *out, const struct results_view *v)
{
    long heavy = find_inst(v, "factorial", "n", "300");
    long light = find_inst(v, "factorial", "n", "20");
    long hash = find_inst(v, "hashing", NULL, NULL);
    const struct view_row *s = row_of(v, heavy, "py-serial", NULL);
    struct cmp t, p;
    if (s == NULL)
        return;
    fprintf(out, "\nthe seed's findings in this machine's Python "
            "(x py-serial):\n");
    if (compare(s, mapped(v, heavy, "py-threadpool"), RESULTS_WALL_S,
                &t) == 0 &&
        compare(s, mapped(v, heavy, "py-pool"), RESULTS_WALL_S, &p) == 0)
        fprintf(out, "- heavy factorial: py-threadpool %.2fx (%s; the "
                "seed: slower, the GIL), py-pool %.2fx\n  (%s; the seed: "
                "faster)\n", t.x, t.word, p.x, p.word);
    s = row_of(v, light, "py-serial", NULL);
    if (compare(s, mapped(v, light, "py-pool"), RESULTS_WALL_S, &p) == 0)
        fprintf(out, "- light factorial: py-pool %.2fx (%s; the seed: "
                "slower than the plain loop)\n", p.x, p.word);
    s = row_of(v, hash, "py-serial", NULL);
    if (compare(s, mapped(v, hash, "py-threadpool"), RESULTS_WALL_S,
                &t) == 0)
        fprintf(out, "- md5 hashing: py-threadpool %.2fx (%s; the seed: "
                "threads help, hashlib\n  and file reads release the "
                "GIL)\n", t.x, t.word);
}

/* The seed figure of executor in the heavy or light case. */
static const struct seed_fig *fig(int heavy, const char *executor)
{
    for (size_t k = 0; k < seed_nfigs; k++)
        if (seed_figs[k].heavy == heavy && seed_figs[k].executor != NULL &&
            strcmp(seed_figs[k].executor, executor) == 0)
            return &seed_figs[k];
    return NULL;
}

/* Where native code differs from the seed, from the numbers. */
static void print_notes(FILE *out, const struct results_view *v, long cpus)
{
    long heavy = find_inst(v, "factorial", "n", "300");
    long light = find_inst(v, "factorial", "n", "20");
    const struct view_row *base = row_of(v, heavy, "serial", NULL);
    const struct seed_fig *ss = fig(1, "serial"), *st = fig(1, "threads"),
                          *sp = fig(1, "procs");
    struct cmp c;
    fprintf(out, "\nwhere native code differs:\n");
    if (compare(base, mapped(v, heavy, "threads"), RESULTS_WALL_S,
                &c) == 0)
        fprintf(out, "- threads, heavy case: the seed's Python threads ran "
                "at %.2fx (py2) and %.2fx (py3)\n  the plain loop's speed: "
                "the GIL lets one thread run Python code at a time.\n  "
                "Native threads have no GIL: here they run at %.2fx, %s.\n",
                ss->py2_s / st->py2_s, ss->py3_s / st->py3_s, c.x,
                c.word[0] == 'f' ? "faster than serial"
                : c.word[0] == 's' ? "slower than serial (were the CPUs "
                                     "busy?)"
                                   : "not slower than serial (the "
                                     "interval includes 1)");
    const struct view_row *pr = mapped(v, heavy, "procs");
    if (compare(base, pr, RESULTS_WALL_S, &c) == 0) {
        long cap = cpus < (long)pr->r->workers ? cpus
                                               : (long)pr->r->workers;
        fprintf(out, "- procs, heavy case: %.2fx (py2) and %.2fx (py3) in "
                "the seed; %.2fx here, where\n  %ld online CPUs allow "
                "about %ldx.\n", ss->py2_s / sp->py2_s,
                ss->py3_s / sp->py3_s, c.x, cpus, cap);
    }
    base = row_of(v, light, "serial", NULL);
    if (base == NULL)
        return;
    const struct seed_fig *ls = fig(0, "serial");
    char per[32];
    units_format_time(base->wall.median / (double)(base->r->tasks > 0
                                                   ? base->r->tasks : 1),
                      per, sizeof(per));
    fprintf(out, "- light tasks (%s each, serially): the seed's pools lost "
            "to the plain loop\n  (procs %.2fx, threads %.2fx);", per,
            ls->py2_s / fig(0, "procs")->py2_s,
            ls->py2_s / fig(0, "threads")->py2_s);
    int any = 0;
    for (size_t k = 1; k < NNATIVES; k++)
        if (compare(base, mapped(v, light, natives[k]), RESULTS_WALL_S,
                    &c) == 0) {
            fprintf(out, "%s %s %.2fx (%s)", any ? "," : "\n  here:",
                    natives[k], c.x, c.word);
            any = 1;
        }
    fprintf(out, "%s.\n", any ? "" : " no parallel run here");
}

/* map (ordered) vs unordered: the first result and the whole run. */
static void print_delivery(FILE *out, const struct results_view *v)
{
    long heavy = find_inst(v, "factorial", "n", "300");
    int head = 0;
    for (size_t k = 1; k < NNATIVES; k++) {
        const struct view_row *a = row_of(v, heavy, natives[k], "ordered");
        const struct view_row *b = row_of(v, heavy, natives[k],
                                          "unordered");
        struct cmp c;
        if (compare(a, b, RESULTS_FIRST_RESULT_S, &c) != 0)
            continue;
        if (!head)
            fprintf(out, "\nmap (ordered) vs unordered (apply_async / "
                    "as_completed), heavy case, %u workers:\n",
                    a->r->workers);
        head = 1;
        char fa[32], fb[32], wa[32], wb[32];
        units_format_time(a->first.median, fa, sizeof(fa));
        units_format_time(b->first.median, fb, sizeof(fb));
        units_format_time(a->wall.median, wa, sizeof(wa));
        units_format_time(b->wall.median, wb, sizeof(wb));
        fprintf(out, "  %-8s first result %10s ordered, %10s unordered "
                "(%s); whole run %s vs %s\n", natives[k], fa, fb, c.word,
                wa, wb);
    }
    if (head)
        fprintf(out, "  (pool.map hands over its list when the last task "
                "is done; ordered delivery here\n  streams in index order "
                "like imap, so its first result waits for chunk 0 "
                "only)\n");
}

/* Sorted vs shuffled file order; all work under one lock vs none. */
static void print_io_and_lock(FILE *out, const struct results_view *v)
{
    long sorted = find_inst(v, "hashing", NULL, NULL);
    long shuffled = find_inst(v, "shuffled", NULL, NULL);
    int head = 0;
    struct cmp c;
    for (size_t k = 0; k < NNATIVES; k++) {
        const struct view_row *a = mapped(v, sorted, natives[k]);
        const struct view_row *b = mapped(v, shuffled, natives[k]);
        if (k == 0) {
            a = row_of(v, sorted, natives[k], NULL);
            b = row_of(v, shuffled, natives[k], NULL);
        }
        if (compare(a, b, RESULTS_WALL_S, &c) != 0)
            continue;
        if (!head)
            fprintf(out, "\nsorted vs shuffled file order (hashing vs "
                    "shuffled, cold page cache):\n");
        head = 1;
        char wa[32], wb[32];
        units_format_time(a->wall.median, wa, sizeof(wa));
        units_format_time(b->wall.median, wb, sizeof(wb));
        fprintf(out, "  %-8s sorted %10s, shuffled %10s: %+.0f%% (shuffled "
                "%s)\n", natives[k], wa, wb, 100 * (1 / c.x - 1), c.word);
    }
    long locked = find_inst(v, "contended", "critical", "1");
    long free_ = find_inst(v, "contended", "critical", "0");
    const struct view_row *s1 = row_of(v, locked, "serial", NULL);
    const struct view_row *s0 = row_of(v, free_, "serial", NULL);
    head = 0;
    for (size_t k = 1; k < NNATIVES && s1 != NULL && s0 != NULL; k++) {
        struct cmp c1, c0;
        if (compare(s1, mapped(v, locked, natives[k]), RESULTS_WALL_S,
                    &c1) != 0 ||
            compare(s0, mapped(v, free_, natives[k]), RESULTS_WALL_S,
                    &c0) != 0)
            continue;
        if (!head)
            fprintf(out, "\nall work under one lock vs none (contended "
                    "critical=1 vs 0), x serial:\n");
        head = 1;
        fprintf(out, "  %-8s under the lock %.2fx (%s), no lock %.2fx "
                "(%s)\n", natives[k], c1.x, c1.word, c0.x, c0.word);
    }
    if (head)
        fprintf(out, "  (the seed: with every function under the lock, "
                "processes ran slower than serial)\n");
}

/* Whether v is a file of `run --suite seed` (config.suite) with its
 * factorial rows (n=300 or n=20). */
static int seed_present(const struct results_view *v)
{
    return v->f->suite != NULL && strcmp(v->f->suite, "seed") == 0 &&
           (find_inst(v, "factorial", "n", "300") >= 0 ||
            find_inst(v, "factorial", "n", "20") >= 0);
}

void seed_print(FILE *out, const struct results_view *v)
{
    long cpus = v->f->nmachines > 0 ? v->f->machines[0].cpus_online : 0;
    fprintf(out, "\nThe seed experiment: its Python figures beside "
            "poolbench on this machine\n\n");
    print_table(out, v, cpus);
    print_notes(out, v, cpus);
    print_python_notes(out, v);
    print_delivery(out, v);
    print_io_and_lock(out, v);
}

/* One cell of a time and its ratio, with the verdict. */
static void html_cells(struct strbuf *b, const struct view_row *row,
                       const struct cmp *c)
{
    char t[32], x[16];
    units_format_time(row != NULL ? row->wall.median : NAN, t, sizeof(t));
    fmt_x(c->x, x, sizeof(x));
    strbuf_printf(b, "<td>%s</td><td>%s%s%s</td>", t, x,
                  row != NULL && c->word[0] ? " " : "",
                  row != NULL ? c->word : "");
}

void seed_html(struct strbuf *b, const struct results_view *v)
{
    if (!seed_present(v))
        return;
    strbuf_printf(b, "<h2 id=\"seed\">The seed experiment</h2>\n<p>The "
                  "seed's published Python figures beside the same tasks "
                  "here. Like with like: native rows against native "
                  "serial, Python rows against py-serial, the seed's "
                  "figures against the seed's serial loop; faster or "
                  "slower only when the 95%% interval of the ratio "
                  "excludes 1.</p>\n");
    for (int heavy = 1; heavy >= 0; heavy--) {
        const struct seed_fig *sb;
        long inst = seed_case(v, heavy, &sb);
        if (inst < 0)
            continue;
        strbuf_printf(b, "<table class=\"seed\"><caption>%s: factorial(%s)"
                      "</caption>\n<tr><th>native</th><th>here</th>"
                      "<th>x serial</th><th>python</th><th>here</th>"
                      "<th>x py-serial</th><th>seed py3</th><th>x serial"
                      "</th><th>seed py2</th><th>x serial</th></tr>\n",
                      heavy ? "heavy" : "light", heavy ? "300" : "20");
        for (size_t k = 0; k < seed_nfigs; k++) {
            struct line l;
            char t3[32], x3[16], t2[32], x2[16];
            if (seed_figs[k].heavy != heavy)
                continue;
            fill_line(v, inst, &seed_figs[k], sb, &l);
            strbuf_printf(b, "<tr><td>%s</td>",
                          l.native != NULL ? l.native : "-");
            html_cells(b, l.n, &l.cn);
            strbuf_printf(b, "<td>%s</td>", l.python);
            html_cells(b, l.p, &l.cp);
            units_format_time(l.s3, t3, sizeof(t3));
            units_format_time(l.s2, t2, sizeof(t2));
            fmt_x(l.x3, x3, sizeof(x3));
            fmt_x(l.x2, x2, sizeof(x2));
            strbuf_printf(b, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                          "</tr>\n", t3, x3, t2, x2);
        }
        strbuf_printf(b, "</table>\n");
    }
}
