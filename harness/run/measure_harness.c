/* measure_harness.c - the harness's own cost per task: a noop run
 * through each configuration's shape (see measure_harness_cost in
 * measure.h), probed among the rounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "measure_impl.h"
#include "registry.h"
#include "stats.h"

/* The harness probe: noop tasks, multiplied by four from HARNESS_TASKS0
 * until a repetition lasts HARNESS_MIN_S, and on up to the row's own
 * task count while it lasts less than HARNESS_ROW_S (HARNESS_MAX_TASKS
 * at most); then HARNESS_FIRST repetitions at that count before the
 * rounds and one more after each measured round (up to
 * RUN_HARNESS_SAMPLES); the figure is their median. A repetition that
 * another process preempts reads several times its cost (procs chunk 16
 * read 220 ns against its row's 21 with 0.5 ms and a median of 3 while a
 * build ran), and on a 2-CPU VM threads at chunk 1 moves between about
 * 30 and 60-160 ns a task as the scheduler places its workers: probed
 * only before the rounds, it read 106-171 ns against rows of 31-68.
 * Taken among the rounds, it sees what the rows see. */
#define HARNESS_TASKS0 1024
#define HARNESS_MAX_TASKS 262144
#define HARNESS_MIN_S 0.002
#define HARNESS_ROW_S 0.02
#define HARNESS_FIRST 3
#define HARNESS_TIMEOUT_S 10.0

/* One repetition of noop x ntasks under c's executor, workers, mode,
 * transport and chunk (auto re-resolved for ntasks): its wall time, or
 * NAN when it failed or its checksum is not n(n-1)/2. */
static double harness_once(const struct run_config *c,
                           const struct workload *noop, uint64_t ntasks,
                           struct measure_ctx *ctx)
{
    struct run_instance in;
    struct run_config t;
    memset(&in, 0, sizeof(in));
    memset(&t, 0, sizeof(t));
    in.wl = noop;
    in.ntasks = ntasks;
    snprintf(in.label, sizeof(in.label), "noop (harness cost)");
    t.inst = &in;
    t.ex = c->ex;
    t.cfg = c->cfg;
    t.cfg.timeout_s = HARNESS_TIMEOUT_S;
    if (c->chunk_asked == 0)
        t.cfg.chunk = executor_auto_chunk(ntasks, c->cfg.workers, 0);
    t.chunk_asked = c->chunk_asked;
    t.first_error_task = -1;
    int rc = measure_rep(&t, 1, ctx);
    double wall = t.nsamples > 0 ? t.samples[0].v[S_WALL]
                  : t.napart > 0 ? t.apart[0].v[S_WALL] : NAN;
    free(t.samples);
    free(t.apart);
    if (rc != 0 || t.errors > 0 || !t.have_checksum ||
        t.checksum != ntasks * (ntasks - 1) / 2)
        return NAN;
    return wall;
}

/* One more repetition of lead c's probe; a failed one ends the probe
 * (its figure is NAN). */
static void harness_more(struct run_config *c, const struct workload *noop,
                         struct measure_ctx *ctx)
{
    if (c->harness_n == 0 || c->harness_nwall == RUN_HARNESS_SAMPLES)
        return;
    double v = harness_once(c, noop, c->harness_n, ctx);
    if (isnan(v)) {
        c->harness_n = 0;
        return;
    }
    c->harness_wall[c->harness_nwall++] = v;
}

/* Start lead c's probe: find its task count, then HARNESS_FIRST
 * repetitions at it. */
static void harness_start(struct run_config *c, const struct workload *noop,
                          struct measure_ctx *ctx)
{
    uint64_t n = HARNESS_TASKS0;
    /* An explicit chunk gets about 4 chunks a worker, as auto does. */
    if (c->chunk_asked > 0 && c->cfg.chunk * 4 * c->cfg.workers > n)
        n = c->cfg.chunk * 4 * c->cfg.workers;
    if (n > HARNESS_MAX_TASKS)
        n = HARNESS_MAX_TASKS;
    /* As many tasks as the row, while a repetition takes little time:
     * threads at chunk 1 reads more per task in a short run than in a
     * long one, on a machine where placing the workers takes the
     * scheduler a few ms. */
    uint64_t row = c->inst->ntasks;
    double v = harness_once(c, noop, n, ctx);
    while (!isnan(v) && n < HARNESS_MAX_TASKS &&
           (v < HARNESS_MIN_S || (n < row && v < HARNESS_ROW_S))) {
        uint64_t next = n * 4;
        if (v >= HARNESS_MIN_S && next > row)
            next = row;
        n = next < HARNESS_MAX_TASKS ? next : HARNESS_MAX_TASKS;
        v = harness_once(c, noop, n, ctx);
    }
    if (isnan(v))
        return;
    c->harness_n = n;
    c->harness_wall[c->harness_nwall++] = v;
    while (c->harness_n > 0 && c->harness_nwall < HARNESS_FIRST)
        harness_more(c, noop, ctx);
}

/* Every configuration's figure from its lead's repetitions so far. */
static void harness_figures(struct run_plan *p)
{
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        const struct run_config *lead =
            c->harness_lead != NULL ? c->harness_lead : c;
        c->harness_ns_per_task =
            lead->harness_n > 0
                ? stats_median(lead->harness_wall, lead->harness_nwall) /
                      (double)lead->harness_n * 1e9
                : NAN;
    }
}

void measure_harness_round(struct run_plan *p, struct measure_ctx *ctx)
{
    const struct workload *noop = registry_find("noop");
    for (size_t k = 0; k < p->nconfigs && noop != NULL; k++) {
        struct run_config *c = &p->configs[k];
        if (*ctx->stop || ctx->broken)
            return;
        if (c->harness_lead == NULL)
            harness_more(c, noop, ctx);
    }
    harness_figures(p);
}

/* Whether two configurations cost the harness the same: executor,
 * workers, mode, transport and chunk (auto, or the same number). */
static int harness_same(const struct run_config *a,
                        const struct run_config *b)
{
    return a->ex == b->ex && a->cfg.workers == b->cfg.workers &&
           a->cfg.mode == b->cfg.mode && a->cfg.variant == b->cfg.variant &&
           (a->chunk_asked == 0) == (b->chunk_asked == 0) &&
           (a->chunk_asked == 0 || a->cfg.chunk == b->cfg.chunk);
}

void measure_harness_cost(struct run_plan *p, struct measure_ctx *ctx)
{
    const struct workload *noop = registry_find("noop");
    for (size_t k = 0; k < p->nconfigs; k++) {
        struct run_config *c = &p->configs[k];
        c->harness_n = 0;
        c->harness_nwall = 0;
        c->harness_lead = NULL;
        if (noop == NULL || *ctx->stop || (c->ex->flags & EXEC_PYTHON))
            continue;
        size_t q = 0;
        while (q < k && !harness_same(&p->configs[q], c))
            q++;
        if (q < k)
            c->harness_lead = &p->configs[q];
        else
            harness_start(c, noop, ctx);
    }
    harness_figures(p);
}
