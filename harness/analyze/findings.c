/* findings.c - sentences computed from a results view (see findings.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_impl.h"
#include "units.h"

#define FINDINGS_MAX_EXECUTORS 16

static unsigned cpus_of(const struct results_view *v,
                        const struct view_inst *in)
{
    long c = v->f->machines[in->machine].cpus_usable;
    return c > 0 ? (unsigned)c : 1;
}

static const struct view_row *base_of(const struct results_view *v,
                                      const struct view_inst *in)
{
    return in->baseline >= 0 ? &v->rows[in->baseline] : NULL;
}

/* Where a row's speedup interval lies against 1 (serial): VIEW_HIGHER
 * is faster than serial. */
static enum view_verdict vs_serial(const struct view_row *vr)
{
    return view_ci_verdict(vr->speedup_lo, vr->speedup_hi, 1.0, 1.0);
}

/* "1.93x [1.90, 1.96] faster than serial" and the like. */
static void speedup_text(const struct view_row *vr, char *buf, size_t len)
{
    double s = vr->speedup, lo = vr->speedup_lo, hi = vr->speedup_hi;
    switch (vs_serial(vr)) {
    case VIEW_HIGHER:
        snprintf(buf, len, "%.2fx [%.2f, %.2f] faster than serial", s, lo,
                 hi);
        break;
    case VIEW_LOWER:
        snprintf(buf, len, "%.2fx [%.2f, %.2f] slower than serial", 1 / s,
                 1 / hi, 1 / lo);
        break;
    default:
        if (isnan(lo) || isnan(hi))
            snprintf(buf, len, "%.2fx the speed of serial (no interval: 3 "
                     "or fewer repetitions)", s);
        else
            snprintf(buf, len, "no different from serial (%.2fx [%.2f, "
                     "%.2f], the interval holds 1)", s, lo, hi);
    }
}

/* Per-task time of the instance's baseline, NAN without one. */
static double per_task(const struct view_row *base)
{
    if (base == NULL || base->r->tasks == 0)
        return NAN;
    return base->wall.median / (double)base->r->tasks;
}

/* The parallel executors of the instance (or of part when in == NULL:
 * every instance of that part), in order of appearance. */
static size_t executors_of(const struct results_view *v,
                           const struct view_inst *in,
                           const struct view_part *part,
                           const char *names[FINDINGS_MAX_EXECUTORS])
{
    size_t n = 0, count = in != NULL ? in->nrows : v->nrows;
    for (size_t a = 0; a < count; a++) {
        const struct view_row *vr = &v->rows[in != NULL ? in->rows[a] : a];
        if (!vr->usable || view_is_baseline(vr->r) ||
            (part != NULL && !view_in_part(vr->r, part)))
            continue;
        size_t k = 0;
        while (k < n && strcmp(names[k], vr->r->executor) != 0)
            k++;
        if (k == n && n < FINDINGS_MAX_EXECUTORS)
            names[n++] = vr->r->executor;
    }
    return n;
}

/* The worker count to compare executors at: the CPUs when measured,
 * else the largest count measured. */
static unsigned target_workers(const struct results_view *v, size_t i)
{
    const struct view_inst *in = &v->insts[i];
    unsigned cpus = cpus_of(v, in), best = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || view_is_baseline(vr->r))
            continue;
        if (vr->r->workers == cpus)
            return cpus;
        if (vr->r->workers > best)
            best = vr->r->workers;
    }
    return best;
}

/* ---- (a) executors at the CPU count, and the fastest ------------------- */

static void find_at_cpus(struct findings_ctx *c, size_t i)
{
    const struct results_view *v = c->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *base = base_of(v, in);
    unsigned w = target_workers(v, i);
    const char *ex[FINDINGS_MAX_EXECUTORS];
    size_t nex = executors_of(v, in, NULL, ex);
    if (base == NULL || w == 0)
        return;
    char list[512] = "", per[32];
    size_t n = 0;
    for (size_t e = 0; e < nex && n < sizeof(list); e++) {
        const struct view_row *vr = view_fastest(v, i, ex[e], w);
        char sp[160];
        if (vr == NULL || isnan(vr->speedup))
            continue;
        speedup_text(vr, sp, sizeof(sp));
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s %s",
                              n ? "; " : "", ex[e], sp);
    }
    if (n == 0)
        return;
    units_format_time(per_task(base), per, sizeof(per));
    findings_add(c, FINDING_AT_CPUS, i, FINDING_NONE, VIEW_SAME,
        "At %u worker%s on %s (%s per task serially): %s.", w,
        w == 1 ? "" : "s", in->label, per, list);
}

/* The fastest parallel row of instance i, or NULL. */
static const struct view_row *best_parallel(const struct results_view *v,
                                            size_t i)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && !view_is_baseline(vr->r) &&
            (best == NULL || vr->wall.median < best->wall.median))
            best = vr;
    }
    return best;
}

static void find_best(struct findings_ctx *c, size_t i)
{
    const struct results_view *v = c->v;
    const struct view_inst *in = &v->insts[i];
    const struct view_row *base = base_of(v, in);
    const struct view_row *best = view_fastest(v, i, NULL, 0);
    const struct view_row *par = best_parallel(v, i);
    char name[200], t[32], sp[160];
    if (base == NULL || best == NULL || par == NULL)
        return;
    view_config_name(v, par, name, sizeof(name));
    units_format_time(par->wall.median, t, sizeof(t));
    speedup_text(par, sp, sizeof(sp));
    if (best != base)
        findings_add(c, FINDING_BEST, i, FINDING_NONE, vs_serial(par),
            "The fastest configuration for %s is %s: %s median, %s.",
            in->label, name, t, sp);
    else
        findings_add(c, FINDING_BEST, i, FINDING_NONE, vs_serial(par),
            "No parallel configuration had a lower median than the plain "
            "serial loop for %s; the best, %s (%s), is %s.", in->label,
            name, t, sp);
}

/* ---- (b) break-even ---------------------------------------------------- */

/* Whether every usable parallel row of instance i is slower than serial
 * (intervals apart); *n gets their count. */
static int all_lose(const struct results_view *v, size_t i, size_t *n)
{
    const struct view_inst *in = &v->insts[i];
    *n = 0;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (!vr->usable || view_is_baseline(vr->r))
            continue;
        (*n)++;
        if (vs_serial(vr) != VIEW_LOWER)
            return 0;
    }
    return *n > 0;
}

static void find_breakeven(struct findings_ctx *c,
                           const struct view_part *part)
{
    const struct results_view *v = c->v;
    size_t lose = FINDING_NONE, win = FINDING_NONE;
    double lose_per = -1, win_per = INFINITY;
    for (size_t i = 0; i < v->ninsts; i++) {
        const struct view_inst *in = &v->insts[i];
        const struct view_row *base = base_of(v, in);
        const struct view_row *par = best_parallel(v, i);
        size_t n;
        double per = per_task(base);
        if (in->machine != part->machine || in->run != part->run ||
            par == NULL || isnan(per))
            continue;
        if (all_lose(v, i, &n)) {
            char name[200], t[32], sp[160];
            view_config_name(v, par, name, sizeof(name));
            units_format_time(per, t, sizeof(t));
            speedup_text(par, sp, sizeof(sp));
            findings_add(c, FINDING_BREAKEVEN, i, FINDING_NONE, VIEW_LOWER,
                "On %s (%s per task serially) all %zu parallel "
                "configuration%s lost to serial; the closest, %s, is %s.",
                in->label, t, n, n == 1 ? "" : "s", name, sp);
            if (per > lose_per) {
                lose_per = per;
                lose = i;
            }
        } else if (vs_serial(par) == VIEW_HIGHER && per < win_per) {
            win_per = per;
            win = i;
        }
    }
    if (lose == FINDING_NONE || win == FINDING_NONE || lose_per >= win_per)
        return;
    const struct view_row *par = best_parallel(v, win);
    char lt[32], wt[32], name[200];
    units_format_time(lose_per, lt, sizeof(lt));
    units_format_time(win_per, wt, sizeof(wt));
    view_config_name(v, par, name, sizeof(name));
    findings_add(c, FINDING_BREAKEVEN, lose, win, VIEW_SAME,
        "The break-even lies between %s per task (%s: every parallel "
        "configuration lost) and %s per task (%s: %s is %.2fx [%.2f, "
        "%.2f] faster than serial).", lt, v->insts[lose].label, wt,
        v->insts[win].label, name, par->speedup, par->speedup_lo,
        par->speedup_hi);
}

/* ---- (f) oversubscription ----------------------------------------------- */

/* The fastest usable row of instance i and executor with more workers
 * than min_w, or NULL. */
static const struct view_row *fastest_above(const struct results_view *v,
                                            size_t i, const char *ex,
                                            unsigned min_w)
{
    const struct view_inst *in = &v->insts[i];
    const struct view_row *best = NULL;
    for (size_t a = 0; a < in->nrows; a++) {
        const struct view_row *vr = &v->rows[in->rows[a]];
        if (vr->usable && vr->r->workers > min_w &&
            strcmp(vr->r->executor, ex) == 0 &&
            (best == NULL || vr->wall.median < best->wall.median))
            best = vr;
    }
    return best;
}

static void find_oversub(struct findings_ctx *c, const struct view_part *part)
{
    const struct results_view *v = c->v;
    const char *ex[FINDINGS_MAX_EXECUTORS];
    size_t nex = executors_of(v, NULL, part, ex);
    for (size_t e = 0; e < nex; e++) {
        size_t faster = 0, slower = 0, same = 0;
        unsigned cpus = 0, most = 0;
        char fl[256] = "", sl[256] = "";
        size_t fn = 0, sn = 0;
        for (size_t i = 0; i < v->ninsts; i++) {
            const struct view_inst *in = &v->insts[i];
            if (in->machine != part->machine || in->run != part->run)
                continue;
            cpus = cpus_of(v, in);
            const struct view_row *at = view_fastest(v, i, ex[e], cpus);
            const struct view_row *over = fastest_above(v, i, ex[e], cpus);
            if (at == NULL || over == NULL)
                continue;
            if (over->r->workers > most)
                most = over->r->workers;
            enum view_verdict d = findings_vs_wall(over, at);
            if (d == VIEW_LOWER) {
                faster++;
                if (fn < sizeof(fl))
                    fn += (size_t)snprintf(fl + fn, sizeof(fl) - fn,
                                           "%s%s", fn ? ", " : " (",
                                           in->workload);
            } else if (d == VIEW_HIGHER) {
                slower++;
                if (sn < sizeof(sl))
                    sn += (size_t)snprintf(sl + sn, sizeof(sl) - sn,
                                           "%s%s", sn ? ", " : " (",
                                           in->workload);
            } else {
                same++;
            }
        }
        size_t n = faster + slower + same;
        if (n == 0)
            continue;
        if (fn > 0 && fn < sizeof(fl))
            snprintf(fl + fn, sizeof(fl) - fn, ")");
        if (sn > 0 && sn < sizeof(sl))
            snprintf(sl + sn, sizeof(sl) - sn, ")");
        findings_add(c, FINDING_OVERSUB, FINDING_NONE, FINDING_NONE, VIEW_SAME,
            "With %s, more workers than the %u online CPUs (up to %u) "
            "made %zu of %zu instance%s clearly faster%s, %zu clearly "
            "slower%s and left %zu within noise.", ex[e], cpus, most,
            faster, n, n == 1 ? "" : "s", fl, slower, sl, same);
    }
}

/* ---- the list ----------------------------------------------------------- */

int findings_build(const struct results_view *v, struct findings *out,
                   char *err, size_t err_len)
{
    struct findings_ctx c = { .v = v, .out = out };
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < v->ninsts; i++)
        find_at_cpus(&c, i);
    for (size_t i = 0; i < v->ninsts; i++)
        find_best(&c, i);
    for (size_t p = 0; p < v->nparts; p++)
        find_breakeven(&c, &v->parts[p]);
    findings_params(&c);
    findings_same_work(&c);
    for (size_t i = 0; i < v->ninsts; i++)
        findings_delivery(&c, i);
    for (size_t p = 0; p < v->nparts; p++)
        find_oversub(&c, &v->parts[p]);
    if (c.oom) {
        findings_free(out);
        snprintf(err, err_len, "%s: out of memory computing findings",
                 v->f->path);
        return -1;
    }
    return 0;
}

void findings_free(struct findings *fs)
{
    free(fs->items);
    memset(fs, 0, sizeof(*fs));
}
