/* calibrate.c - task counts long enough to time (see calibrate.h). */
#include <math.h>
#include <stdio.h>

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

int calibrate_instances(const struct run_options *o, struct run_plan *p,
                        struct measure_ctx *ctx, char *err, size_t err_len)
{
    for (size_t i = 0; i < p->ninsts; i++) {
        struct run_instance *in = &p->insts[i];
        uint64_t ask = o->tasks;
        in->tasks_source = ask > 0 ? RUN_TASKS_OPTION : RUN_TASKS_DEFAULT;
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
