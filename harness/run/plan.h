/* plan.h - what one `poolbench run` measures.
 *
 * An instance is one workload with one parameter set, prepared once and
 * shared by every executor (forked workers inherit it, threads share it).
 * A configuration is instance x executor x workers x mode x chunk x
 * transport; it carries what was measured of it (see measure.h). */
#ifndef POOLBENCH_PLAN_H
#define POOLBENCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "executor.h"
#include "options.h"
#include "registry.h"

#define RUN_TIMELINE_CAP 512   /* points kept per timeline */
#define RUN_HARNESS_SAMPLES 11 /* harness probe repetitions kept */

/* Where an instance's task count came from (results "tasks_source"). */
enum run_tasks_source {
    RUN_TASKS_DEFAULT = 0,     /* the workload's own default */
    RUN_TASKS_OPTION = 1,      /* -n */
    RUN_TASKS_CALIBRATED = 2,  /* scaled to --min-time */
    RUN_TASKS_BASELINE = 3,    /* --tasks-from: the baseline's count */
    RUN_TASKS_CAPPED = 4,      /* scaling stopped at CALIBRATE_MAX_TASKS
                                  short of --min-time */
};

struct run_instance {
    const struct workload *wl;
    union wl_value args[REGISTRY_MAX_PARAMS];
    const char *texts[REGISTRY_MAX_PARAMS]; /* value as given, or NULL */
    char label[256];       /* "factorial n=300,skew=1" */
    void *state;           /* from prepare */
    uint64_t ntasks;
    int prepared;
    enum run_tasks_source tasks_source;
    uint64_t calib_from;   /* tasks calibration first measured, or 0 */
    double calib_from_s;   /* its serial repetition, seconds, or NAN */
    double calib_s;        /* the serial repetition at ntasks, or NAN */
    /* A/B: the other side's instance of the same workload and parameters
     * that comes earlier in the plan (its task count is taken, not
     * calibrated again), or NULL. */
    struct run_instance *twin;
};

/* The per-repetition series a configuration records, in results order. */
enum run_series {
    S_WALL, S_STARTUP, S_FIRST, S_USER, S_SYS, S_VCSW, S_IVCSW, S_RSS,
    S_BYTES, S_MBPS, S_WAIT, S_FOREIGN, S_STEAL, S_CPUS, S_PROBE,
    S_WORKER_SPEED, S_CYCLES, S_INSTR, S_ROUND, S_COUNT
};

/* One repetition's values. S_PROBE holds the raw probe seconds of the
 * slower probe bracketing it, and S_WORKER_SPEED the slowest worker's
 * tasks per CPU-second, until the results are written, which turns them
 * into speeds relative to the run's best probe and to serial's tasks per
 * CPU-second. */
struct run_sample {
    double v[S_COUNT];     /* NAN where a source was missing */
    double span_s;         /* the noise meter's interval: create to
                              destroy, which S_FOREIGN and S_STEAL cover */
    int disturbed;         /* others took the CPUs, or the machine was
                              slow: see measure.h */
    unsigned why;          /* why: MEASURE_WHY_* bits, 0 when quiet */
    int uneven;            /* a worker ran much slower than another */
};

/* A completion timeline: (t, done) points, halved when full so that a run
 * of any length costs the same small memory. */
struct run_timeline {
    double t_s[RUN_TIMELINE_CAP];
    uint64_t done[RUN_TIMELINE_CAP];
    size_t n;
    uint64_t stride;     /* record every stride-th delivery */
    uint64_t since;      /* deliveries since the last point */
};

struct run_fold;

struct run_config {
    struct run_instance *inst;
    const struct executor *ex;
    struct exec_config cfg;
    uint64_t chunk_asked;      /* 0 = auto */
    const char *workers_spec;  /* "cpus", "2", ... as given */
    const char *transport;     /* "none", or the variant's name */
    /* Measured. */
    struct run_sample *samples;   /* counted repetitions */
    size_t nsamples, cap;
    struct run_sample *apart;     /* disturbed ones retried */
    size_t napart, cap_apart;
    size_t ndisturbed;            /* disturbed repetitions, counted or not */
    unsigned retries;             /* retries spent on the current one */
    struct run_sample **last;     /* the array of the sample this round
                                     added (samples or apart), or NULL */
    size_t *nlast;
    int precision_reached;        /* -1: not asked for */
    /* A/B: the same configuration of the other side's twin instance, run
     * next to this one in every round (see measure.h), or NULL. */
    struct run_config *partner;
    uint64_t checksum;
    int have_checksum;
    uint64_t errors;
    uint64_t by_status[TASK_STATUS_COUNT];
    uint64_t worker_deaths;
    int64_t first_error_task;
    int32_t first_error_status, first_error_code;
    struct run_timeline tl;       /* of the last measured repetition */
    double harness_ns_per_task;   /* the harness's own cost per task
                                     here (measure_harness_cost), NAN:
                                     not measured */
    /* The probe's repetitions behind it (measure.c): their task count
     * (0: none), wall times, and the configuration whose probe this one
     * shares (NULL: its own). */
    uint64_t harness_n;
    double harness_wall[RUN_HARNESS_SAMPLES];
    size_t harness_nwall;
    struct run_config *harness_lead;
    char failure[512];
    int done;                     /* no more repetitions (failed) */
    int broken;
    const struct run_fold *live;  /* the repetition running (watchdog) */
};

struct run_plan {
    struct run_instance *insts;
    size_t ninsts;
    struct run_config *configs;
    size_t nconfigs;
    unsigned max_workers;
    char cache_dir[4096];
};

/* Expand every selected workload's -p values into instances (the
 * cartesian product of swept parameters) and check that every -p was
 * taken. Nothing is prepared yet. Returns 0, or -1 with a message. */
int plan_instances(struct run_options *o, struct run_plan *p, char *err,
                   size_t err_len);

/* Prepare in with ntasks tasks (0: the workload's default), releasing a
 * previous preparation first; checks the task count and the memory its
 * results need. Returns 0, or -1 with a one-line message (a usage error:
 * a bad parameter value, a missing dir=). */
int plan_prepare(const struct run_options *o, struct run_plan *p,
                 struct run_instance *in, uint64_t ntasks, char *err,
                 size_t err_len);

/* Every configuration of the prepared instances. Returns 0, or -1 when
 * out of memory. */
int plan_configs(const struct run_options *o, struct run_plan *p,
                 char *err, size_t err_len);

/* Release every prepared instance and free the plan. */
void plan_free(struct run_plan *p);

#endif /* POOLBENCH_PLAN_H */
