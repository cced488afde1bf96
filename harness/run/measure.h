/* measure.h - repetitions: timed, folded into a checksum, metered for
 * noise, in interleaved rounds until enough or precise enough.
 *
 * Round r runs one repetition of every configuration that still needs
 * one before round r + 1 starts, so that a machine that drifts (thermal,
 * a noisy neighbour) spreads the drift over all configurations instead of
 * punishing the last one. Between rounds a short reference probe indexes
 * the machine's speed. Every sample keeps the index of its measured round
 * (samples.round), from 0.
 *
 * A/B (two builds of one plugin, --plugin LABEL=PATH twice): the two
 * sides' same configurations are partners, run back to back in every
 * round in alternating order (ABBA), both whenever either needs a
 * repetition, so that each round gives one pair for the paired test.
 *
 * A repetition is disturbed when, during it, other processes took more
 * than --noise-limit of one CPU (beyond /proc/stat's tick resolution),
 * the hypervisor stole as much, the probes around it ran more than
 * MEASURE_SLOW_PROBE slower than the run's best, or one worker ran much
 * slower per CPU-second than another (MEASURE_SLOW_WORKER). With
 * --retry-disturbed N it is run again up to N times, the disturbed one
 * kept apart. */
#ifndef POOLBENCH_MEASURE_H
#define POOLBENCH_MEASURE_H

#include <limits.h>
#include <signal.h>

#include "noise.h"
#include "options.h"
#include "plan.h"
#include "progress.h"

/* A probe this much slower than the run's best marks the repetitions
 * around it disturbed: the host slowed the whole machine. */
#define MEASURE_SLOW_PROBE 1.25

/* A worker whose tasks per CPU-second fall below this share of the
 * fastest worker's marks its repetition disturbed (the host slowed one
 * vCPU); workers with less CPU time than MEASURE_MIN_WORKER_CPU_S are too
 * short to time. */
#define MEASURE_SLOW_WORKER 0.6
#define MEASURE_MIN_WORKER_CPU_S 0.005

/* Why a repetition was disturbed: bits of run_sample.why, named in
 * results files by measure_why_names (bit k: name k). */
#define MEASURE_WHY_FOREIGN_CPU 1u  /* others' CPU time > --noise-limit */
#define MEASURE_WHY_STEAL 2u        /* the hypervisor stole as much */
#define MEASURE_WHY_SLOW_PROBE 4u   /* a probe around it > 1.25x best */
#define MEASURE_WHY_UNEVEN 8u       /* slowest worker < 0.6x fastest */
#define MEASURE_WHY_COUNT 4
extern const char *const measure_why_names[MEASURE_WHY_COUNT];

/* "foreign_cpu,steal" for the bits of why into buf ("" for 0). */
void measure_why_text(unsigned why, char *buf, size_t len);

/* Another process is named in busy_machine warnings when it used at
 * least this much CPU time while the run measured. */
#define MEASURE_BUSIEST_MIN_CPU_S 0.1

/* The names of enum run_series in results files ("wall_s", ...). */
extern const char *const measure_series_names[S_COUNT];

/* What measuring needs besides the plan. */
struct measure_ctx {
    const struct run_options *o;
    long cpus_online;
    double cpu_limit;          /* CPUs we may use: affinity and quota */
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
    struct progress *progress; /* may be NULL */
    /* Called before and after each repetition of configuration k (k < 0
     * after): the watchdog arms itself here. May be NULL. */
    void (*around)(void *arg, long k);
    void *around_arg;
    /* Fakes for tests (as SQLite's test harness substitutes its VFS);
     * NULL in a real run. */
    double (*now)(void);       /* the clock: NULL is clock_mono_s */
    double (*probe)(void);     /* the reference probe: NULL is
                                  noise_probe_s */
    const struct executor *serial; /* what calibration times: NULL is
                                      executor_baseline() */
    /* Filled while measuring. */
    struct noise_hw hw;        /* counters, or why there are none */
    double best_probe_s;       /* the fastest probe seen (NAN: none) */
    double last_probe_s;
    double started_s;          /* when measuring began (monotonic) */
    unsigned long round;       /* measured rounds so far: each counted
                                  sample keeps its round ("round") */
    char busiest[200];         /* the other process that used the most
                                  CPU while measuring, "NAME (pid N, X s
                                  of CPU)", or "" (none, or unknown) */
    int broken;                /* a pool could not be stopped */
    int harness_probe;         /* measure_run measures each
                                  configuration's harness cost first (a
                                  real run sets it; fakes leave it 0) */
};

/* Calibrate, then measure every configuration of p: warm-up rounds, then
 * rounds until each has o->repeat counted repetitions, then under
 * --precision more rounds of the imprecise ones within the budget. Then
 * cross-check checksums: the same instance must give the same checksum
 * under every configuration. Returns 0; stops early (returning 0) when
 * *ctx->stop is set or a pool breaks (ctx->broken). */
int measure_run(struct run_plan *p, struct measure_ctx *ctx);

/* The harness's own cost per task of every configuration of p, into
 * run_config.harness_ns_per_task: the median wall time per task of the
 * noop workload (an empty task; its checksum is checked) run through the
 * configuration's executor, workers, mode, transport and chunk (auto is
 * resolved for the probe's task count), 1,024 to 262,144 tasks so that a
 * repetition lasts at least 2 ms: 3 repetitions here, and with
 * ctx->harness_probe one more after each measured round of measure_run
 * (up to RUN_HARNESS_SAMPLES), so that the probe runs when the rows do.
 * That is what a task's time includes besides the task itself: the
 * claim, the result record, the hand-over to the consumer and its fold
 * into the checksum. Each distinct executor/workers/mode/transport/chunk
 * is probed once and shared; Python peers (py-*) get NAN (not measured),
 * as does a probe that failed. measure_run calls it first when
 * ctx->harness_probe. */
void measure_harness_cost(struct run_plan *p, struct measure_ctx *ctx);

/* Count the repetition still running under c (the watchdog gave up on
 * it): its delivered tasks, and the rest as timed out. */
void measure_count_stuck(struct run_config *c);

/* The index ctx->around is given for a calibration repetition (not a
 * configuration: there are none yet). */
#define MEASURE_CALIBRATING LONG_MAX

/* One serial repetition of instance in (for calibration): its wall time
 * in seconds, or -1 when it failed (why in err). It obeys --timeout and
 * *ctx->stop like any repetition, and is armed through ctx->around. */
double measure_serial_once(struct run_instance *in, struct measure_ctx *ctx,
                           char *err, size_t err_len);

/* How far the 95% interval of c's median wall time reaches from the
 * median, in percent of it (stats_ci_pct: both ends within +-PCT%), or
 * INFINITY when there are too few samples. */
double measure_precision_pct(const struct run_config *c);

/* Serial's tasks per CPU-second on instance in: the best median over its
 * serial configurations, what worker_speed_min is relative to; NAN
 * without one. */
double measure_serial_speed(const struct run_plan *p,
                            const struct run_instance *in);

/* "ok", "error", "signaled", "timeout", "cancelled". */
const char *measure_status_word(int32_t status);

#endif /* POOLBENCH_MEASURE_H */
