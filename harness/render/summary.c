/* summary.c - the answer first (see summary.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scaling.h"
#include "summary.h"
#include "textesc.h"
#include "textwrap.h"
#include "units.h"

#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

int summary_colour_wanted(FILE *out)
{
    const char *no = getenv("NO_COLOR");
    return isatty(fileno(out)) && (no == NULL || no[0] == '\0');
}

/* The printer: lines are cut at SUMMARY_COLUMNS visible characters
 * (colour codes do not count), and counted. */
struct out {
    FILE *f;
    int colour;
    int lines;
    char line[1024];
    size_t len;
    size_t visible;
    /* Made once for the whole file (view_group.c), so that nothing is
     * scanned per instance: each instance's telling parameters (NULL:
     * out of memory, all are shown) and the row warnings by instance. */
    char **distinct;
    struct view_warn_group *groups;
    size_t ngroups, next_group;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    for (const char *p = text; *p != '\0'; p++) {
        if (o->visible >= SUMMARY_COLUMNS || o->len + 1 >= sizeof(o->line))
            break;
        o->line[o->len++] = *p;
        /* UTF-8 continuation bytes do not take a column. */
        if (((unsigned char)*p & 0xc0) != 0x80)
            o->visible++;
    }
}

/* A colour code: not shown and not counted when colour is off. */
static void paint(struct out *o, const char *code)
{
    size_t n = strlen(code);
    if (!o->colour || o->len + n + 1 >= sizeof(o->line))
        return;
    memcpy(o->line + o->len, code, n);
    o->len += n;
}

static void end_line(struct out *o)
{
    paint(o, RESET);
    o->line[o->len] = '\0';
    fprintf(o->f, "%s\n", o->line);
    o->len = o->visible = 0;
    o->lines++;
}

/* The configuration's name (view_config_name), safe for a terminal. */
static void config_name(const struct results_view *v,
                        const struct view_row *vr, char *buf, size_t len)
{
    char raw[256];
    view_config_name(v, vr, raw, sizeof(raw));
    textesc_ctl(raw, buf, len);
}

/* The repetitions the thinner side of a speedup has. */
static size_t reps_of(const struct results_view *v, const struct view_row *vr)
{
    const struct view_row *base = view_baseline(v, vr);
    size_t n = vr->wall.n;
    if (base != NULL && base->wall.n < n)
        n = base->wall.n;
    return n;
}

/* "1.93x [1.90, 1.96] faster than serial", coloured by what the
 * interval shows; without one (3 or fewer repetitions a side) the bare
 * speed ratio and why there is no interval. */
static void versus(struct out *o, const struct results_view *v,
                   const struct view_row *vr)
{
    double s = vr->speedup, lo = vr->speedup_lo, hi = vr->speedup_hi;
    int sure = !isnan(lo) && !isnan(hi);
    const char *base = view_baseline_name(vr->r->workload);
    if (sure && lo > 1) {
        paint(o, GREEN);
        put(o, "%.2fx", s);
        paint(o, RESET);
        put(o, " [%.2f, %.2f] faster than %s", lo, hi, base);
    } else if (sure && hi < 1) {
        paint(o, RED);
        put(o, "%.2fx", 1 / s);
        paint(o, RESET);
        put(o, " [%.2f, %.2f] slower than %s", 1 / hi, 1 / lo, base);
    } else if (sure) {
        put(o, "not clearly different from %s (%.2fx [%.2f, %.2f])", base,
            s, lo, hi);
    } else {
        size_t n = reps_of(v, vr);
        put(o, "%.2fx the speed of %s (%zu repetition%s: no "
            "interval)", s, base, n, n == 1 ? "" : "s");
    }
}

/* The worker count the question is about: the CPUs of the machine. */
static unsigned cpus_of(const struct results_view *v,
                        const struct view_inst *in)
{
    long c = v->f->machines[in->machine].cpus_usable;
    return c > 0 ? (unsigned)c : 1;
}

/* Executors in order of first appearance among the instance's rows. */
static size_t executors(const struct results_view *v,
                        const struct view_inst *in, const char **names,
                        size_t max)
{
    size_t n = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const char *ex = v->rows[in->rows[a]].r->executor;
        size_t k = 0;
        while (k < n && strcmp(names[k], ex) != 0)
            k++;
        if (k == n && n < max && strcmp(ex, VIEW_BASELINE_EXECUTOR) != 0)
            names[n++] = ex;
    }
    return n;
}

/* The fastest usable row of the instance with more workers than min_w
 * (and of executor when not NULL). */
static const struct view_row *fastest_above(const struct results_view *v,
                                            const struct view_inst *in,
                                            unsigned min_w)
{
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && vr->r->workers > min_w &&
            (best == NULL || view_faster(vr, best)))
            best = vr;
    }
    return best;
}

static void at_cpus(struct out *o, const struct results_view *v,
                    size_t i, unsigned cpus)
{
    const struct view_inst *in = &v->insts[i];
    const char *names[16];
    size_t n = executors(v, in, names, 16), shown = 0;
    for (size_t k = 0; k < n; k++) {
        const struct view_row *vr = view_fastest(v, i, names[k], cpus);
        if (vr == NULL || isnan(vr->speedup))
            continue;
        char esc[64];
        textesc_ctl(names[k], esc, sizeof(esc));
        if (shown++ == 0)
            put(o, "  at x%u (the CPUs):", cpus);
        put(o, "%s %s %.2fx", shown > 1 ? "," : "", esc, vr->speedup);
    }
    if (shown > 0)
        end_line(o);
}

/* The speed ratio of a against b in words into buf: "1.49x [1.40,
 * 1.60] the speed of x2", or "no clear difference from x2 (0.97x [0.90,
 * 1.04])". */
static void speed_words(const struct view_row *a, const struct view_row *b,
                        const char *bname, char *buf, size_t len)
{
    double est, lo, hi;
    enum view_verdict d = view_speed_ratio(a, b, &est, &lo, &hi);
    if (isnan(lo))
        snprintf(buf, len, "%.2fx the speed of %s (no interval)", est,
                 bname);
    else if (d == VIEW_SAME)
        snprintf(buf, len, "no clear difference from %s (%.2fx [%.2f, "
                 "%.2f])", bname, est, lo, hi);
    else
        snprintf(buf, len, "%.2fx [%.2f, %.2f] the speed of %s", est, lo,
                 hi, bname);
}

static void wrapped(struct out *o, const char *text, size_t cont,
                    const char *colour, size_t colour_len);

static void oversubscribed(struct out *o, const struct results_view *v,
                           size_t i, unsigned cpus)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *over = fastest_above(v, in, cpus);
    const struct view_row *at = view_fastest(v, i, NULL, cpus);
    char name[200], atname[32], words[300], text[600];
    if (over == NULL || at == NULL || view_is_baseline(at->r))
        return;
    config_name(v, over, name, sizeof(name));
    snprintf(atname, sizeof(atname), "x%u", cpus);
    speed_words(over, at, atname, words, sizeof(words));
    snprintf(text, sizeof(text), "  more workers than CPUs: %s %.2fx "
             "%s, %s", name, over->speedup,
             view_baseline_name(over->r->workload), words);
    wrapped(o, text, 4, NULL, 0);
}

/* The cheapest configuration not clearly slower than the fastest, when
 * it is not the fastest itself, and why. */
static void recommend(struct out *o, const struct results_view *v,
                      size_t i, const struct view_row *best)
{
    const struct view_row *pick = view_recommended(v, i);
    char name[200], bname[200], words[300], text[800];
    if (pick == NULL || pick == best)
        return;
    config_name(v, pick, name, sizeof(name));
    config_name(v, best, bname, sizeof(bname));
    speed_words(pick, best, bname, words, sizeof(words));
    snprintf(text, sizeof(text), "  recommended: %s, %s, with %s", name,
             words, view_is_baseline(pick->r) ? "no pool at all"
                                              : "fewer workers");
    wrapped(o, text, 4, NULL, 0);
}

/* The instance's name as short as the file allows: the workload, and
 * only the parameters whose values differ between its instances here
 * ("contended critical=1"); the rest are in the table. */
static void short_label(const struct out *o, const struct results_view *v,
                        size_t i, char *buf, size_t len)
{
    const struct view_inst *in = &v->insts[i];
    const char *params = o->distinct != NULL ? o->distinct[i] : in->params;
    char raw[512];
    snprintf(raw, sizeof(raw), "%s%s%s", in->workload,
             params[0] != '\0' ? " " : "", params);
    textesc_ctl(raw, buf, len);
}

/* With Python rows: how many times faster the best native row is than
 * the best Python one. */
static void python_vs_native(struct out *o, const struct results_view *v,
                             size_t i)
{
    const struct view_row *nat, *py;
    char a[200], b[200];
    view_fastest_native_python(v, i, &nat, &py);
    if (nat == NULL || py == NULL || !(nat->wall.median > 0))
        return;
    config_name(v, nat, a, sizeof(a));
    config_name(v, py, b, sizeof(b));
    double x = py->wall.median / nat->wall.median;
    if (x >= 1)
        put(o, "  native vs Python: %s is %.1fx faster than %s", a, x, b);
    else
        put(o, "  native vs Python: %s is %.1fx slower than %s", a, 1 / x,
            b);
    end_line(o);
}

static void instance(struct out *o, const struct results_view *v, size_t i)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *base = in->baseline >= 0
                                      ? &v->rows[in->baseline] : NULL;
    const struct view_row *best = view_fastest(v, i, NULL, 0);
    char label[300], name[200], t[32], tail[96] = "";
    short_label(o, v, i, label, sizeof(label));
    if (best != NULL) {
        size_t n = (size_t)snprintf(tail, sizeof(tail), "  (%llu tasks",
                                    (unsigned long long)best->r->tasks);
        if (base != NULL) {
            units_format_time(base->wall.median, t, sizeof(t));
            n += (size_t)snprintf(tail + n, sizeof(tail) - n, ", %s %s",
                                  base->r->executor, t);
        }
        snprintf(tail + n, sizeof(tail) - n, ")");
    }
    /* Cut the label, not the figures, to fit the line. */
    size_t room = SUMMARY_COLUMNS - strlen(tail);
    if (strlen(label) > room && room > 3)
        snprintf(label + room - 3, sizeof(label) - (room - 3), "...");
    paint(o, BOLD);
    put(o, "%s", label);
    paint(o, RESET);
    if (best == NULL) {
        put(o, ": no row finished without errors");
        end_line(o);
        return;
    }
    put(o, "%s", tail);
    end_line(o);
    double task_s, spawn_s, share;
    if (view_spawn_share(v, i, &task_s, &spawn_s, &share)) {
        char ts[32];
        units_format_time(task_s, ts, sizeof(ts));
        units_format_time(spawn_s, t, sizeof(t));
        put(o, "  of each task's %s (serial), %s (%.0f%%) was the spawn: "
            "`true` on the same items", ts, t, 100 * share);
        end_line(o);
    }
    if (base == NULL) {
        config_name(v, best, name, sizeof(name));
        units_format_time(best->wall.median, t, sizeof(t));
        put(o, "  fastest: %s, %s (no serial row to compare with)", name,
            t);
        end_line(o);
        return;
    }
    if (best == base) {
        /* Nothing beat the plain loop: say by how much the best lost.
         * Parallel means more than one worker; a pool of one is only
         * "other". */
        int parallel;
        const struct view_row *next = view_best_other(v, i, &parallel);
        const char *what = parallel ? "best parallel" : "best other";
        put(o, "  %s is fastest", base->r->executor);
        end_line(o);
        if (next != NULL) {
            config_name(v, next, name, sizeof(name));
            put(o, "  %s: %s is ", what, name);
            versus(o, v, next);
            end_line(o);
        }
    } else {
        config_name(v, best, name, sizeof(name));
        put(o, "  ");
        paint(o, BOLD);
        put(o, "%s", name);
        paint(o, RESET);
        put(o, " is ");
        versus(o, v, best);
        end_line(o);
        recommend(o, v, i, best);
    }
    unsigned cpus = cpus_of(v, in);
    at_cpus(o, v, i, cpus);
    oversubscribed(o, v, i, cpus);
    python_vs_native(o, v, i);
}

/* Every row of instance i that failed, with its reason: a failed row
 * must not vanish behind "serial is fastest" or "no row finished". */
static void failed_rows(struct out *o, const struct results_view *v,
                        size_t i)
{
    const struct view_inst *in = &v->insts[i];
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        const struct results_row *r = vr->r;
        char name[200], why[400];
        if (r->failure == NULL && r->errors == 0)
            continue;
        config_name(v, vr, name, sizeof(name));
        if (r->failure != NULL)
            textesc_ctl(r->failure, why, sizeof(why));
        else
            snprintf(why, sizeof(why), "%llu of %llu tasks failed",
                     (unsigned long long)r->errors,
                     (unsigned long long)r->tasks);
        put(o, "  ");
        paint(o, RED);
        put(o, "failed");
        paint(o, RESET);
        put(o, ": %s: %s", name, why);
        end_line(o);
    }
}

/* text at the current position, then continuation lines indented by
 * cont columns, broken at word boundaries to fit SUMMARY_COLUMNS; the
 * first colour_len bytes of text painted with colour (NULL: none). */
static void wrapped(struct out *o, const char *text, size_t cont,
                    const char *colour, size_t colour_len)
{
    const char *p = text;
    while (*p != '\0') {
        size_t room = SUMMARY_COLUMNS > o->visible + 1
                          ? SUMMARY_COLUMNS - o->visible : 1;
        size_t n = textwrap_line(p, room);
        if (colour != NULL && p == text && colour_len <= n) {
            paint(o, colour);
            put(o, "%.*s", (int)colour_len, p);
            paint(o, RESET);
            put(o, "%.*s", (int)(n - colour_len), p + colour_len);
        } else {
            put(o, "%.*s", (int)n, p);
        }
        end_line(o);
        p += n;
        while (*p == ' ')
            p++;
        if (*p != '\0')
            put(o, "%*s", (int)cont, "");
    }
}

/* One line: the scaling model of instance i's fastest parallel
 * configuration (the report has every executor's), when it has three or
 * more worker counts to fit; s holds instance i's models. */
static void scaling_line(struct out *o, const struct results_view *v,
                         const struct scaling_set *s, size_t i)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = NULL;
    char label[128], text[256];
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && !view_is_baseline(vr->r) && vr->r->workers > 1 &&
            (best == NULL || vr->wall.median < best->wall.median))
            best = vr;
    }
    if (best == NULL)
        return;
    view_variant_label(v, best, 1, label, sizeof(label));
    for (size_t k = 0; k < s->n; k++) {
        const struct scaling_group *g = &s->g[k];
        if (strcmp(g->label, label) != 0 || g->m.status == SCALING_TOO_FEW)
            continue;
        scaling_describe(g, text, sizeof(text));
        put(o, "  ");
        wrapped(o, text, 4, NULL, 0);
    }
}

/* One warning: "  ! kind: message", the kind in yellow, then "next:"
 * and its remedy when the file has one; wrapped, never cut. */
static void warning_line(struct out *o, const char *indent,
                         const struct results_warning *w, size_t more)
{
    char kind[64], msg[600], rem[600], text[1400];
    size_t ind = strlen(indent);
    textesc_ctl(w->kind, kind, sizeof(kind));
    textesc_ctl(w->message, msg, sizeof(msg));
    int klen = snprintf(text, sizeof(text), "! %s", kind);
    size_t n = (size_t)klen;
    if (more > 0)
        n += (size_t)snprintf(text + n, sizeof(text) - n, " (%zu rows)",
                              more + 1);
    snprintf(text + n, sizeof(text) - n, ": %s", msg);
    put(o, "%s", indent);
    wrapped(o, text, ind + 4, YELLOW, (size_t)klen);
    if (w->remedy != NULL && w->remedy[0] != '\0') {
        textesc_ctl(w->remedy, rem, sizeof(rem));
        snprintf(text, sizeof(text), "next: %s", rem);
        put(o, "%*s", (int)(ind + 4), "");
        wrapped(o, text, ind + 10, NULL, 0);
    }
}

/* The warnings about instance i's rows: the first of each kind, with how
 * many more of that kind there are (the groups come in instance order). */
static void instance_warnings(struct out *o, const struct results_view *v,
                              size_t i)
{
    for (; o->next_group < o->ngroups &&
           o->groups[o->next_group].inst <= i; o->next_group++) {
        const struct view_warn_group *g = &o->groups[o->next_group];
        if (g->inst == i)
            warning_line(o, "  ", &v->f->warnings[g->first], g->count - 1);
    }
}

int summary_print(FILE *out, const struct results_view *v, int colour)
{
    struct out o = { .f = out, .colour = colour };
    struct scaling_set s;
    char err[128];
    o.distinct = view_distinct_params(v);
    if (view_warning_groups(v, &o.groups, &o.ngroups) != 0)
        o.ngroups = 0;
    for (size_t i = 0; i < v->ninsts; i++) {
        instance(&o, v, i);
        /* One instance's models at a time: a fleet's file has 100,000
         * instances, and all their models at once cost more than the
         * rows. Out of memory: the rest still helps. */
        if (scaling_of_instance(v, i, &s, err, sizeof(err)) == 0)
            scaling_line(&o, v, &s, i);
        scaling_set_free(&s);
        failed_rows(&o, v, i);
        instance_warnings(&o, v, i);
    }
    view_distinct_free(o.distinct, v->ninsts);
    free(o.groups);
    for (size_t k = 0; k < v->f->nwarnings; k++)
        if (v->f->warnings[k].result < 0)
            warning_line(&o, "", &v->f->warnings[k], 0);
    return o.lines;
}
