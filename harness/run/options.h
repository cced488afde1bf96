/* options.h - the options of `poolbench run`, parsed and checked.
 *
 * Everything that can be checked before a workload is prepared is checked
 * here (names, numbers, lists), so that a bad command line costs a
 * second, not a run. */
#ifndef POOLBENCH_OPTIONS_H
#define POOLBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "executor.h"

struct results_file;

#define RUN_MAX_LIST 64           /* items in one -w/-e/-j/--chunk list */
#define RUN_MAX_PARAM_ARGS 64     /* -p options */
#define RUN_MAX_TASKS (1ULL << 32)
#define RUN_DEFAULT_REPEAT 5
#define RUN_DEFAULT_WARMUP 1
#define RUN_DEFAULT_TIMEOUT_S 600.0
#define RUN_DEFAULT_MIN_TIME_S 0.1   /* calibration target, -n not given */
#define RUN_QUICK_MIN_TIME_S 0.02
#define RUN_MIN_PRECISE_REPEAT 7     /* fewer give no real 95% interval */
#define RUN_DEFAULT_MAX_REPEAT 60
#define RUN_DEFAULT_NOISE_LIMIT 0.10 /* of one CPU */

/* One -p KEY=V[,V...] or -p WORKLOAD.KEY=... */
struct run_param_arg {
    const char *scope;   /* workload name, or NULL for every workload */
    const char *key;
    char *values;        /* comma list, owned with scope/key */
    int used;            /* some selected workload took it */
};

struct run_options {
    char *workloads[RUN_MAX_LIST];
    size_t nworkloads;
    const struct executor *executors[RUN_MAX_LIST];
    size_t nexecutors;
    unsigned workers[RUN_MAX_LIST];   /* resolved counts, no duplicates */
    const char *workers_spec[RUN_MAX_LIST]; /* "2", "cpus", "2xcpus" */
    size_t nworkers;
    int modes[2];                /* enum exec_mode */
    size_t nmodes;
    uint64_t chunks[RUN_MAX_LIST];   /* 0 = auto */
    size_t nchunks;
    const char *transports[RUN_MAX_LIST]; /* variant names (--transport) */
    size_t ntransports;
    struct run_param_arg params[RUN_MAX_PARAM_ARGS];
    size_t nparams;
    uint64_t tasks;              /* -n; 0 = calibrate or workload default */
    double min_time_s;           /* calibration target; 0 = off */
    uint64_t repeat;             /* -r, or the minimum under --precision */
    uint64_t warmup;
    double precision_pct;        /* 0: a fixed -r count */
    uint64_t max_repeat;         /* under --precision */
    double max_time_s;           /* budget of the measuring; 0 = none */
    double noise_limit;          /* others' share of one CPU that makes a
                                    repetition disturbed */
    uint64_t retry_disturbed;    /* runs of a disturbed repetition again */
    double timeout_s;            /* per repetition; 0 = none */
    int quick;
    int progress;
    int verbose;                 /* -v: the full table after the summary */
    const char *output;          /* -o, or NULL for results/HOST-TIME.json */
    const char *corpus_dir;
    const char *save_name;       /* --save NAME: into the history */
    const char *db_path;         /* --db PATH */
    const char *tasks_from;      /* --tasks-from FILE.json|NAME[@COMMIT] */
    const struct results_file *tasks_base; /* its file, once loaded */
    char tasks_from_label[256];  /* what config.tasks_from records */
    char **list_storage;         /* strdup'd lists the items point into */
    size_t nstorage;
};

/* Parse argv (argv[0] == "run") into o, which must be zeroed. Returns 0;
 * 1 when --help was printed; -1 with a one-line message naming the bad
 * option and what would be accepted. Loads --plugin and
 * POOLBENCH_PLUGIN_PATH plugins. */
int run_options_parse(int argc, char **argv, struct run_options *o,
                      char *err, size_t err_len);

/* Keep a copy of text alive as long as o (for lists split in place).
 * Returns it, or NULL when out of memory. */
char *run_options_keep(struct run_options *o, const char *text);

/* Free what run_options_parse allocated; safe after a failure. */
void run_options_free(struct run_options *o);

#endif /* POOLBENCH_OPTIONS_H */
