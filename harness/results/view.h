/* view.h - what a results file means: instances, the serial baseline,
 * speedups, labels, matching and verdicts, each computed once.
 *
 * Every consumer (run's table and summary, show, plot, report, compare,
 * suites) reads derived numbers from a view and never derives them
 * itself, so that a chart, a table and a comparison cannot disagree.
 *
 * Words used here:
 *   instance  one workload with one parameter set and task count, on one
 *             machine and run of a (possibly merged) file: the unit a
 *             speedup is relative to;
 *   usable    a row that finished (no failure) with no task errors and at
 *             least one wall_s sample: only usable rows are compared;
 *   baseline  the instance's fastest usable serial row (the plain loop at
 *             its best chunk size; py-serial for pyfunc, which only
 *             Python runs); speedup = the median of the log
 *             ratios baseline wall_s / row wall_s over all pairs of
 *             samples, exponentiated, with its interval from the same
 *             ratios (so the point is always inside the interval).
 */
#ifndef POOLBENCH_VIEW_H
#define POOLBENCH_VIEW_H

#include <stddef.h>

#include "results.h"
#include "stats.h"

/* The executor every speedup is relative to. */
#define VIEW_BASELINE_EXECUTOR "serial"

/* The workload that only Python executors run (a user's function), and
 * its baseline instead: the plain loop in Python. */
#define VIEW_PY_ONLY_WORKLOAD "pyfunc"
#define VIEW_PY_BASELINE_EXECUTOR "py-serial"

/* How two intervals compare: a claim is made only when they do not
 * overlap. */
enum view_verdict {
    VIEW_SAME = 0,   /* the intervals overlap: no difference shown */
    VIEW_LOWER = 1,  /* a's interval lies wholly below b's */
    VIEW_HIGHER = 2, /* a's interval lies wholly above b's */
};

/* Confidence level of every interval a view gives. */
#define VIEW_CI_LEVEL 0.95

/* One row of the file with what is derived from it. */
struct view_row {
    const struct results_row *r;
    size_t inst;               /* index into results_view.insts */
    int usable;                /* see above; the numbers below are NAN
                                  (wall zeroed) when not */
    struct stats_summary wall; /* wall_s */
    struct stats_summary first; /* first_result_s; n == 0 when absent */
    double startup_s;          /* median startup_s, NAN when absent */
    double cpu_s;              /* median user_s + median sys_s, or NAN */
    double speedup;            /* the Hodges-Lehmann estimate of baseline
                                  / this row on the log scale (see
                                  stats_ratio_ci), or NAN when the
                                  instance has no baseline */
    double speedup_lo;         /* its 95% interval from the same ordered */
    double speedup_hi;         /* ratios, or NAN: no interval (a side has
                                  <= STATS_MIN_CI_N samples) */
    double speedup_level;      /* the coverage that interval reaches
                                  (stats_ratio_ci_level), or NAN */
    double efficiency;         /* speedup / workers, or NAN */
    double ns_per_task;        /* median wall_s per task in ns, or NAN */
    size_t nwarnings;          /* entries of the file's warnings about
                                  this row */
};

/* One instance (workload x params x tasks x machine x run) and its
 * rows. */
struct view_inst {
    const char *workload;
    const char *params;        /* canonical "k=v,k=v"; "" when none */
    size_t machine;            /* machine_index */
    long run;                  /* run_index, -1 when not merged */
    uint64_t tasks;
    char *label;               /* "factorial n=300,skew=1"; owned (sized
                                  to fit: a fleet's file has 100,000
                                  instances) */
    size_t *rows;              /* indices into results_view.rows, in file
                                  order; owned */
    size_t nrows;
    long baseline;             /* index of the baseline row, -1: none */
    int both_modes;            /* parallel rows in ordered and unordered */
    int chunk_varies;          /* one executor/workers/mode at several
                                  chunk sizes */
    int has_auto;              /* some row ran with chunk "auto" */
};

/* One part of a file: the rows of one machine and one run. A file made
 * by `poolbench merge` has several; any other file has one. */
struct view_part {
    size_t machine;
    long run;
};

/* A results file, understood. */
struct results_view {
    const struct results_file *f;
    struct view_row *rows;     /* one per file row, in file order */
    size_t nrows;
    struct view_inst *insts;   /* in order of first appearance */
    size_t ninsts;
    struct view_part *parts;   /* in order of first appearance */
    size_t nparts;
};

/* Build the view of f (which must outlive it). Linear in the rows.
 * Returns 0, or -1 with a message in err (out of memory); *v is then
 * empty. */
int view_build(const struct results_file *f, struct results_view *v,
               char *err, size_t err_len);

/* What a layer above derives into a results tree being written (the
 * scaling models), from v, the view of the tree read back. Returns 0, or
 * -1 with a message. */
typedef int view_derive_fn(cJSON *root, const struct results_view *v,
                           char *err, size_t err_len);

/* Fill the derived fields of every row of a results tree that is being
 * written: "ns_per_task", "speedup", "speedup_ci95" ([low, high]),
 * "speedup_ci_level" and "efficiency" (null where there is none), from
 * the view of the tree read back through the schema reader, so that a
 * file says what every reader of it computes; then, unless more is
 * NULL, let more derive its fields from the same view (the tree is
 * printed and read back once). Returns 0, or -1 with a message when the
 * tree is not a valid poolbench/1 file, memory runs out or more fails. */
int view_derive_json(cJSON *root, view_derive_fn *more, char *err,
                     size_t err_len);

/* Free what view_build made; safe on a zeroed view. */
void view_free(struct results_view *v);

/* How fast a runs against b, as a speed ratio (b's time / a's: 1.49
 * means a does the work at 1.49x b's speed): the log-scale Hodges-Lehmann
 * estimate of their wall_s samples into *est, with its 95% interval into
 * *lo, *hi (NAN when a side has <= STATS_MIN_CI_N samples). Returns the
 * verdict of the interval against 1: VIEW_HIGHER (a clearly faster),
 * VIEW_LOWER (clearly slower) or VIEW_SAME (also without an interval). */
enum view_verdict view_speed_ratio(const struct view_row *a,
                                   const struct view_row *b, double *est,
                                   double *lo, double *hi);

/* The configuration to recommend for instance inst: the cheapest usable
 * row (fewest workers, serial before a pool of one, then the faster)
 * that is not clearly slower than the fastest (view_speed_ratio's
 * interval reaches 1). NULL when the instance has no usable row, or when
 * the fastest has no interval to judge by. */
const struct view_row *view_recommended(const struct results_view *v,
                                        size_t inst);


/* The baseline executor of a workload's rows: "serial", or "py-serial"
 * for pyfunc. */
const char *view_baseline_name(const char *workload);

/* Whether r ran under its workload's baseline executor. */
int view_is_baseline(const struct results_row *r);

/* cmd's spawn apart: when instance i ran a command (baseline=0) and the
 * file also holds the same items run with `true` (baseline=1, same
 * run), the seconds per task of each one's serial row: *task_s the
 * command's, *spawn_s true's, *share = spawn_s / task_s. Returns 1, or
 * 0 when there is no such pair. */
int view_spawn_share(const struct results_view *v, size_t i,
                     double *task_s, double *spawn_s, double *share);

/* The baseline row of row's instance, or NULL. */
const struct view_row *view_baseline(const struct results_view *v,
                                     const struct view_row *row);

/* Whether a is faster than b: by their speedups (the same estimate
 * against the same baseline) when both have one, else by median wall
 * time. Every "fastest" of a view ranks by this. */
int view_faster(const struct view_row *a, const struct view_row *b);

/* The fastest usable row of instance inst that is not the baseline
 * executor: with more than one worker when there is one (*parallel set
 * to 1), else a pool of one (*parallel 0); NULL when there is none. A
 * one-worker pool is never called parallel. */
const struct view_row *view_best_other(const struct results_view *v,
                                       size_t inst, int *parallel);

/* The fastest usable row of instance inst with this executor (NULL: any)
 * and workers (0: any), or NULL. */
const struct view_row *view_fastest(const struct results_view *v,
                                    size_t inst, const char *executor,
                                    unsigned workers);

/* The fastest usable native row and the fastest usable Python peer row
 * (executor "py-...") of instance inst; each NULL when there is none.
 * The summary and the report's "Python vs native" both read this. */
void view_fastest_native_python(const struct results_view *v, size_t inst,
                                const struct view_row **native,
                                const struct view_row **python);

/* Whether row belongs to part (a NULL part takes every row). */
int view_in_part(const struct results_row *row,
                 const struct view_part *part);

/* "factorial n=300,skew=1", or the bare workload name without params. */
void view_instance_label(const struct results_row *r, char *buf,
                         size_t len);

/* "threads", or "procs/pipe" when the executor has a transport. */
void view_executor_label(const struct results_row *r, char *buf,
                         size_t len);

/* The row's configuration as short as its instance allows: the executor
 * (with "/pipe"), then the mode only when the instance has rows in both
 * modes, then "chunk N" only when with_chunk is set and the instance
 * sweeps chunk sizes without "auto": "threads", "procs/pipe ordered",
 * "threads chunk 16". */
void view_variant_label(const struct results_view *v,
                        const struct view_row *row, int with_chunk,
                        char *buf, size_t len);

/* The configuration as summaries and findings name it: the variant label
 * and " xN" (not for the baseline), then " chunk N" or " chunk auto" when
 * the instance sweeps chunk sizes: "procs x2", "threads x4 chunk 16". */
void view_config_name(const struct results_view *v,
                      const struct view_row *row, char *buf, size_t len);

/* The whole configuration on one line: "factorial n=300 threads j=2
 * unordered chunk=125". */
void view_config_label(const struct results_row *r, char *buf, size_t len);

/* The key two rows share exactly when they are the same configuration
 * (workload, params, executor, transport, workers, mode, chunk), for
 * matching rows across files. Returns the key's length; a key that did
 * not fit in len is reported by a return value >= len. */
size_t view_match_key(const struct results_row *r, char *buf, size_t len);

/* Whether a and b are the same configuration (view_match_key equal). */
int view_same_config(const struct results_row *a,
                     const struct results_row *b);

/* Delivery partners (an ordered row and its unordered twin): 0 when p
 * and q share executor, transport, workers and chunk, else their order.
 * view_cmp_partner_order sorts an array of row pointers by it (then by
 * address), for qsort. */
int view_cmp_partner(const struct view_row *p, const struct view_row *q);
int view_cmp_partner_order(const void *a, const void *b);


/* Compare interval [a_lo, a_hi] with [b_lo, b_hi]; VIEW_SAME when any
 * bound is NAN. */
enum view_verdict view_ci_verdict(double a_lo, double a_hi, double b_lo,
                                  double b_hi);

/* How much faster row is than base by series (RESULTS_WALL_S, ...):
 * *est = base's median / row's median, and the 95% interval of that
 * ratio from the samples (Hodges-Lehmann/Moses, as speedups have; NAN
 * when the samples cannot give one). What a row's speedup is against the
 * baseline, for any other pair (Python rows against Python serial, first
 * results ordered vs unordered). Returns 0, or -1 (everything NAN) when
 * a row is unusable or lacks the series. */
int view_ratio(const struct view_row *base, const struct view_row *row,
               const char *series, double *est, double *lo, double *hi);

/* The verdict of a ratio's interval [lo, hi] against 1: VIEW_HIGHER when
 * it lies wholly above 1 (faster), VIEW_LOWER wholly below (slower),
 * else VIEW_SAME. */
enum view_verdict view_ratio_verdict(double lo, double hi);

/* The value of key in canonical params "k=v,k=v" into buf; returns 0, or
 * -1 when the key is absent (buf is then ""). */
int view_param(const char *params, const char *key, char *buf, size_t len);

/* params without key (and its comma) into buf. */
void view_params_without(const char *params, const char *key, char *buf,
                         size_t len);

/* ---- across instances (view_group.c): n log n, never a scan per
 * instance, so that a file of 100,000 instances is read in seconds ---- */

/* For every instance, the parameters ("k=v,k=v", in its own order) that
 * tell it apart from the other instances of its workload in the file: a
 * key whose value is not the same in all of them, or that some of them
 * lack. Returns an array of v->ninsts owned strings (free with
 * view_distinct_free), or NULL when out of memory. */
char **view_distinct_params(const struct results_view *v);
void view_distinct_free(char **distinct, size_t n);

/* The warnings about one instance's rows, grouped by kind. */
struct view_warn_group {
    size_t inst;   /* the instance */
    size_t first;  /* index in f->warnings of the group's first warning */
    size_t count;  /* warnings of that kind about the instance */
};

/* Every (instance, kind) group of the file's row warnings, ordered by
 * instance, then by the first warning's place in the file, into a new
 * array *out (free it) of *n. Returns 0, or -1 when out of memory. */
int view_warning_groups(const struct results_view *v,
                        struct view_warn_group **out, size_t *n);

#endif /* POOLBENCH_VIEW_H */
