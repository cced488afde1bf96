/* workload.h - the poolbench workload contract (the only header a plugin
 * needs).
 *
 * A workload turns a task index i in [0, ntasks) into a fixed-size
 * struct task_result. Every input is built by prepare() in the parent,
 * before any worker exists: forked workers inherit it, threads share it.
 * run_task() must be safe to call concurrently from many threads and from
 * forked children; anything it writes that is shared must live in memory
 * that prepare() mapped MAP_SHARED (see contended.c).
 *
 * A plugin is a shared object that exports
 *     const struct workload poolbench_workload = { .abi = WORKLOAD_ABI, ... };
 * and is loaded with `poolbench run --plugin PATH.so`. It builds with
 *     cc -shared -fPIC $(pkg-config --cflags poolbench) -o x.so x.c
 * (in a build tree, PKG_CONFIG_PATH=build/meson-uninstalled; see
 * docs/workloads.md, "Plugins"). Built-in workloads
 * export `const struct workload wl_<name>` and add one line to
 * workloads/workloads.h.
 */
#ifndef POOLBENCH_WORKLOAD_H
#define POOLBENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bumped whenever a struct below changes layout or meaning. A plugin built
 * against another version is refused with a clear error. */
#define WORKLOAD_ABI 1

/* The symbol a plugin exports. */
#define WORKLOAD_PLUGIN_SYMBOL "poolbench_workload"

/* task_result.status values. */
enum task_status {
    TASK_OK = 0,        /* value is valid */
    TASK_ERROR = 1,     /* the task failed; error holds an errno-style code */
    TASK_SIGNALED = 2,  /* the worker running it died; error is the signal */
    TASK_TIMEOUT = 3,   /* the run's time limit hit before it finished */
    TASK_CANCELLED = 4, /* never started (cancelled or run interrupted) */
    TASK_EXITED = 5,    /* a command the task ran exited with a non-zero
                           status; error is that status (cmd) */
};

/* How many task_status values there are (for arrays of counts). */
#define TASK_STATUS_COUNT 6

/* What one task produces. Fixed size so that executors move results
 * without serialization or allocation. */
struct task_result {
    int32_t status;   /* enum task_status */
    int32_t error;    /* errno (TASK_ERROR) or signal (TASK_SIGNALED) */
    uint64_t value;   /* the workload's documented 64-bit value */
    uint64_t bytes;   /* bytes of input processed (I/O workloads), or 0 */
    uint64_t wait_ns; /* time spent blocked on a shared lock, or 0 */
};

/* Parameter types; the harness parses and range-checks "-p key=value"
 * before prepare() is called, so a workload never sees a bad value. */
enum wl_param_type {
    WL_PARAM_INT,    /* signed 64-bit integer within [min, max] */
    WL_PARAM_REAL,   /* double within [min, max] */
    WL_PARAM_CHOICE, /* one of the '|'-separated words in choices */
    WL_PARAM_STRING, /* any non-empty text (a path, say) */
    WL_PARAM_TEXT,   /* any non-empty text taken whole, commas and all (a
                        command line): one value, never a sweep */
};

/* One declared parameter. A workload's list ends with a zeroed entry. */
struct wl_param {
    const char *name;       /* key in -p key=value */
    enum wl_param_type type;
    const char *def;        /* default, as text; NULL means "unset" */
    const char *help;       /* one line for `poolbench list` */
    double min, max;        /* bounds for INT and REAL */
    const char *choices;    /* "md5|sha1|sha256" for CHOICE */
};

/* A parsed parameter value, in the order the workload declared them.
 * For CHOICE, i is the index of the chosen word and s the word itself.
 * For an unset STRING, s is NULL. */
union wl_value {
    int64_t i;
    double d;
    struct {
        int64_t index;
        const char *word;
    } c;
    const char *s;
};

/* What prepare() is given and fills in. */
struct wl_setup {
    /* in */
    uint64_t ntasks;             /* -n when given, else default_tasks
                                    (0: the workload's data decides) */
    unsigned max_workers;        /* most workers that will run at once */
    const union wl_value *args;  /* parameter values, declaration order */
    const char *cache_dir;       /* where generated data may be kept */
    /* out */
    uint64_t ntasks_out;         /* how many tasks the run has */
    void *state;                 /* handed to every other hook */
    char *err;                   /* message buffer for failures */
    size_t err_len;
};

/* A workload. Hooks marked "may be NULL" are optional. Every hook that
 * returns int returns 0 on success and -1 on failure with a one-line
 * message in err (no trailing newline). */
struct workload {
    uint32_t abi;            /* WORKLOAD_ABI */
    const char *name;        /* [a-z0-9_-]+, unique */
    const char *summary;     /* what it models, one line */
    const char *value_doc;   /* how task i's value is derived, one line */
    const struct wl_param *params; /* zero-terminated list; may be NULL */
    uint64_t default_tasks;  /* task count when -n is not given; 0 when
                                prepare() decides (one task per file) */

    /* Build every task's input; set setup->ntasks_out (0 is an error) and
     * setup->state. Called once per parameter set, in the parent. May be
     * NULL: then ntasks_out = ntasks or default_tasks and state is NULL. */
    int (*prepare)(struct wl_setup *setup);

    /* Called in the parent before every repetition, untimed: reset shared
     * counters, evict or warm caches. May be NULL. */
    int (*before_rep)(void *state, char *err, size_t err_len);

    /* Called once in each worker (thread or forked child) before its first
     * task; *wstate is then handed to run_task in that worker. May be
     * NULL, and then run_task gets NULL. */
    int (*worker_init)(void *state, unsigned worker_id, void **wstate);

    /* Compute task i into *out (already zeroed). Must not allocate on the
     * hot path if it can avoid it; must set out->status. Required. */
    void (*run_task)(void *state, void *wstate, uint64_t i,
                     struct task_result *out);

    /* Undo worker_init in the same worker. May be NULL. */
    void (*worker_fini)(void *state, void *wstate);

    /* Called in the parent after every repetition, untimed: verify shared
     * state (the contended counter must be exact). -1 marks the repetition
     * failed. May be NULL. */
    int (*after_rep)(void *state, uint64_t ntasks, char *err,
                     size_t err_len);

    /* Free what prepare() built. May be NULL. */
    void (*release)(void *state);

    /* The Python peer (executors py-*, scripts/pypeer.py): write to out
     * one JSON object, what pypeer.py needs to compute the same values
     * for the prepared state (factorial: {"n":300,"skew":1}). May be
     * NULL: then py-* executors refuse the workload up front. Honoured
     * for built-in workloads only; a plugin's is never read (plugins
     * built against an older workload.h end before this field). */
    int (*peer)(void *state, FILE *out, char *err, size_t err_len);

    /* 1: only a Python peer can run the tasks (pyfunc calls a Python
     * function): native executors skip this workload, and a run that
     * selects no py-* executor for it is refused. run_task then only
     * fails its task. Built-in workloads only, like peer. */
    int peer_only;
};

#endif /* POOLBENCH_WORKLOAD_H */
