/* calibrate.c - task counts long enough to time (see calibrate.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "results.h"

#include "calibrate.h"

/* Scaling rounds after the first measurement: a workload whose time is
 * not linear in its tasks gets this many corrections. */
#define CALIBRATE_ROUNDS 3

uint64_t calibrate_round_up(double x)
{
    static const unsigned steps[] = { 1, 2, 5 };
    double p = 1;
    if (!(x > 1))
        return 1;
    while (p * 10 <= x)
        p *= 10;
    for (;;) {
        for (size_t k = 0; k < sizeof(steps) / sizeof(*steps); k++)
            if (steps[k] * p >= x)
                return (uint64_t)(steps[k] * p);
        p *= 10;
    }
}

/* Scale in's tasks until a serial repetition lasts o->min_time_s. A
 * repetition that fails ends calibrating (the run records the failure);
 * only a prepare that fails is an error. */
static int scale(const struct run_options *o, struct run_plan *p,
                 struct run_instance *in, struct measure_ctx *ctx,
                 char *err, size_t err_len)
{
    char why[256];
    /* The first repetition warms caches (and reads the corpus in). */
    if (measure_serial_once(in, ctx, why, sizeof(why)) < 0)
        return 0;
    double t = measure_serial_once(in, ctx, why, sizeof(why));
    if (t < 0)
        return 0;
    in->calib_from = in->ntasks;
    in->calib_from_s = t;
    for (int round = 0; round < CALIBRATE_ROUNDS && t < o->min_time_s;
         round++) {
        /* Aim 10% above the target: repetitions vary. */
        double want = (double)in->ntasks * o->min_time_s * 1.1 /
                      (t > 1e-7 ? t : 1e-7);
        uint64_t n = calibrate_round_up(want);
        if (n > CALIBRATE_MAX_TASKS)
            n = CALIBRATE_MAX_TASKS;
        if (n <= in->ntasks)
            break;
        if (plan_prepare(o, p, in, n, err, err_len) != 0)
            return -1;
        if (in->ntasks != n)
            break; /* the workload decides its own count */
        in->tasks_source = n == CALIBRATE_MAX_TASKS ? RUN_TASKS_CAPPED
                                                    : RUN_TASKS_CALIBRATED;
        t = measure_serial_once(in, ctx, why, sizeof(why));
        if (t < 0)
            return 0;
    }
    /* Only a cap that left the target unmet is "capped". */
    if (in->tasks_source == RUN_TASKS_CAPPED && t >= o->min_time_s)
        in->tasks_source = RUN_TASKS_CALIBRATED;
    in->calib_s = t;
    return 0;
}

/* The task count the --tasks-from baseline ran in with: the rows of the
 * same workload and params (they share one instance). Returns 1 with
 * *tasks set, 0 when the baseline has none, -1 with a message. */
static int baseline_tasks(const struct run_options *o,
                          const struct run_instance *in, uint64_t *tasks,
                          char *err, size_t err_len)
{
    const struct results_file *b = o->tasks_base;
    char *key = record_params_key(in, err, err_len);
    int found = 0;
    if (key == NULL)
        return -1;
    for (size_t k = 0; k < b->nrows; k++) {
        const struct results_row *r = &b->rows[k];
        if (strcmp(r->workload, in->wl->name) != 0 ||
            strcmp(r->params, key) != 0 || r->tasks == 0)
            continue;
        /* Rows of a failed configuration may have done fewer. */
        if (!found || (r->failure == NULL && r->tasks > *tasks))
            *tasks = r->tasks;
        found = 1;
    }
    free(key);
    return found;
}

int calibrate_instances(const struct run_options *o, struct run_plan *p,
                        struct measure_ctx *ctx, char *err, size_t err_len)
{
    for (size_t i = 0; i < p->ninsts; i++) {
        struct run_instance *in = &p->insts[i];
        uint64_t ask = o->tasks;
        if (in->twin != NULL && in->twin->prepared) {
            /* A/B: both sides do the same tasks, or a pair compares
             * different amounts of work. */
            in->tasks_source = in->twin->tasks_source;
            if (plan_prepare(o, p, in, in->twin->ntasks, err, err_len) != 0)
                return -1;
            continue;
        }
        in->tasks_source = ask > 0 ? RUN_TASKS_OPTION : RUN_TASKS_DEFAULT;
        if (o->tasks_base != NULL) {
            int got = baseline_tasks(o, in, &ask, err, err_len);
            if (got < 0)
                return -1;
            if (got > 0) {
                if (plan_prepare(o, p, in, ask, err, err_len) != 0)
                    return -1;
                in->tasks_source = RUN_TASKS_BASELINE;
                continue;
            }
            fprintf(stderr, "poolbench run: --tasks-from %s has no run of "
                    "%s; calibrating it\n", o->tasks_from, in->label);
            ask = 0;
        }
        if (ask == 0) {
            ask = in->wl->default_tasks;
            /* Without calibration, --quick still means short. */
            if (o->quick && o->min_time_s <= 0 && ask >= 10)
                ask /= 10;
        }
        if (plan_prepare(o, p, in, ask, err, err_len) != 0)
            return -1;
        if (o->tasks == 0 && o->min_time_s > 0 &&
            scale(o, p, in, ctx, err, err_len) != 0)
            return -1;
        if (*ctx->stop)
            break;
    }
    return 0;
}
