/* measure_rounds.c - repetitions in interleaved rounds until enough or
 * precise enough, A/B partners back to back (see measure.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "measure.h"
#include "measure_impl.h"

/* A probe between rounds; the best so far is the machine's own speed. */
static void probe(struct measure_ctx *ctx)
{
    double s = ctx->probe != NULL ? ctx->probe() : noise_probe_s();
    ctx->last_probe_s = s;
    if (!isnan(s) && (isnan(ctx->best_probe_s) || s < ctx->best_probe_s))
        ctx->best_probe_s = s;
}

/* Whether configuration c needs another repetition in this phase. */
typedef int needs_fn(const struct run_config *c, const struct measure_ctx *x);

static int needs_count(const struct run_config *c,
                       const struct measure_ctx *x)
{
    return c->nsamples < x->o->repeat;
}

static int needs_precision(const struct run_config *c,
                           const struct measure_ctx *x)
{
    return c->nsamples < x->o->max_repeat &&
           measure_precision_pct(c) > x->o->precision_pct;
}

/* One repetition of configuration k in a round; returns 1 when it ran. */
static size_t step(struct run_plan *p, struct measure_ctx *ctx, size_t k,
                   int measured)
{
    struct run_config *c = &p->configs[k];
    if (*ctx->stop || ctx->broken || c->done)
        return 0;
    if (ctx->around != NULL)
        ctx->around(ctx->around_arg, (long)k);
    if (measure_rep(c, measured, ctx) != 0) {
        c->done = 1;
        ctx->broken = c->broken;
    }
    if (ctx->around != NULL)
        ctx->around(ctx->around_arg, -1);
    if (ctx->progress != NULL) {
        char what[400];
        snprintf(what, sizeof(what), "%s %s x%u", c->inst->label,
                 c->ex->name, c->cfg.workers);
        progress_step(ctx->progress, 1, what);
    }
    return 1;
}

/* Whether c takes part in this round: it, or its A/B partner, needs a
 * repetition (a pair stays a pair in every round). */
static int wanted(const struct run_config *c, const struct measure_ctx *ctx,
                  needs_fn *needs)
{
    if (needs == NULL || needs(c, ctx))
        return 1;
    return c->partner != NULL && !c->partner->done &&
           needs(c->partner, ctx);
}

/* One round over the configurations that need a repetition; returns how
 * many ran. An A/B pair runs back to back, the base side first in one
 * round and the new side first in the next (and the other way round for
 * every second pair within a round: ABBA), so that neither side always
 * follows the other and drift cancels within each pair. */
static size_t round_of(struct run_plan *p, struct measure_ctx *ctx,
                       needs_fn *needs, int measured)
{
    size_t ran = 0, pairs = 0;
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        if (c->partner != NULL && c->partner < c)
            continue; /* ran with its partner */
        if (!wanted(c, ctx, needs))
            continue;
        if (c->partner == NULL) {
            ran += step(p, ctx, k, measured);
            continue;
        }
        size_t q = (size_t)(c->partner - p->configs);
        int flip = (int)((ctx->round + pairs++) & 1);
        ran += step(p, ctx, flip ? q : k, measured);
        ran += step(p, ctx, flip ? k : q, measured);
    }
    if (measured)
        ctx->round++;
    probe(ctx);
    /* The probe after the round brackets its repetitions too: each keeps
     * the slower of the two around it, and is disturbed when that is
     * slow. */
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        if (c->last == NULL || *c->nlast == 0)
            continue;
        struct run_sample *s = &(*c->last)[*c->nlast - 1];
        if (!(s->v[S_PROBE] >= ctx->last_probe_s))
            s->v[S_PROBE] = ctx->last_probe_s;
        unsigned why = measure_disturbed(s, ctx);
        if (!s->disturbed && why != 0)
            c->ndisturbed++;
        s->why |= why;
        s->disturbed = s->why != 0;
        c->last = NULL;
    }
    if (measured && ran > 0 && ctx->harness_probe)
        measure_harness_round(p, ctx);
    return ran;
}

/* The same workload instance must give the same checksum under every
 * executor: poolbench's proof that a fast executor did the work. */
static void cross_check(struct run_plan *p)
{
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        if (c->failure[0] != '\0' || c->errors > 0 || !c->have_checksum)
            continue;
        for (size_t q = 0; q < k; q++) {
            const struct run_config *d = &p->configs[q];
            if (d->inst == c->inst && d->failure[0] == '\0' &&
                d->errors == 0 && d->have_checksum &&
                d->checksum != c->checksum) {
                snprintf(c->failure, sizeof(c->failure), "checksum %016"
                         PRIx64 " differs from %s's %016" PRIx64,
                         c->checksum, d->ex->name, d->checksum);
                break;
            }
        }
    }
}

int measure_run(struct run_plan *p, struct measure_ctx *ctx)
{
    const struct run_options *o = ctx->o;
    struct noise_procs before, after;
    /* What else ran meanwhile, to name in a busy_machine warning. */
    int have_procs = noise_procs_snap(&before) == 0;
    ctx->busiest[0] = '\0';
    ctx->started_s = measure_now_s(ctx);
    if (isnan(ctx->best_probe_s))
        probe(ctx);
    if (ctx->harness_probe)
        measure_harness_cost(p, ctx);
    for (uint64_t r = 0; r < o->warmup && !*ctx->stop && !ctx->broken; r++)
        round_of(p, ctx, NULL, 0);
    /* Retries of disturbed repetitions come back in later rounds, when
     * the disturbance may have passed. */
    while (!*ctx->stop && !ctx->broken &&
           round_of(p, ctx, needs_count, 1) > 0)
        ;
    if (o->precision_pct > 0) {
        while (!*ctx->stop && !ctx->broken &&
               (o->max_time_s <= 0 ||
                measure_now_s(ctx) - ctx->started_s < o->max_time_s) &&
               round_of(p, ctx, needs_precision, 1) > 0)
            ;
        for (size_t k = 0; k < p->nconfigs; k++)
            p->configs[k].precision_reached =
                measure_precision_pct(&p->configs[k]) <= o->precision_pct;
    }
    cross_check(p);
    if (have_procs && noise_procs_snap(&after) == 0) {
        noise_procs_top(&before, &after, MEASURE_BUSIEST_MIN_CPU_S,
                        ctx->busiest, sizeof(ctx->busiest));
        noise_procs_free(&after);
    }
    noise_procs_free(&before);
    return 0;
}
