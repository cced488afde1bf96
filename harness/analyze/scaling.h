/* scaling.h - how throughput grows with workers, and why: Amdahl's law
 * and the Universal Scalability Law fitted to the repetitions.
 *
 *   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * lambda: throughput of one worker (tasks/s); sigma: contention, the
 * serialized fraction; kappa: crosstalk (coherency), the cost every pair
 * of workers pays. Amdahl's law is kappa = 0. With kappa > 0 throughput
 * peaks at N* = sqrt((1 - sigma) / kappa) and falls beyond.
 *
 * The fit: least squares on log throughput (a repetition's noise is a
 * fraction of its time, so relative errors are what is alike), one point
 * per repetition (tasks / wall_s), by Levenberg-Marquardt with the bounds
 * 0 <= sigma <= 1, kappa >= 0; lambda comes from the data. The law with
 * the smaller AICc is chosen. Intervals (95%) are percentiles of the same
 * fit on SCALING_BOOT stratified bootstrap resamples of the repetitions
 * (each worker count keeps its number of repetitions), drawn from a fixed
 * seed so that the same file always gives the same numbers.
 *
 * Not fitting: fewer than 3 distinct worker counts (SCALING_TOO_FEW), or
 * residuals larger than the repetitions' own noise (SCALING_NO_FIT): the
 * lack-of-fit F test (the level means' deviation from the curve against
 * the scatter of repetitions within a level) rejects at
 * SCALING_LOF_ALPHA and the level means lie more than SCALING_LOF_RMS
 * (relative, root mean square) off the curve.
 * docs/statistics.md, "How many workers", explains how to read it.
 */
#ifndef POOLBENCH_SCALING_H
#define POOLBENCH_SCALING_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "view.h"

#define SCALING_BOOT 400          /* bootstrap resamples */
#define SCALING_SEED 0x5ca1ab1eULL /* their seed: outputs are repeatable */
#define SCALING_MIN_LEVELS 3      /* distinct worker counts to fit */
#define SCALING_LOF_ALPHA 0.01    /* lack-of-fit test level */
#define SCALING_LOF_RMS 0.02      /* ... and a deviation worth a word */
#define SCALING_ZERO_KAPPA 1e-7   /* kappa below this reads "~0" */
#define SCALING_MAX_LEVELS 64     /* worker counts a model lists */
#define SCALING_AHEAD 8           /* predictions reach this many times
                                     the largest measured count */

/* One repetition: workers and its throughput (tasks per second). */
struct scaling_point {
    double n;
    double x;
};

enum scaling_status {
    SCALING_FIT = 0,      /* the numbers below hold */
    SCALING_TOO_FEW = 1,  /* fewer than SCALING_MIN_LEVELS worker counts */
    SCALING_NO_FIT = 2,   /* neither law fits: the data are not shaped so */
};

enum scaling_law {
    SCALING_AMDAHL = 0,   /* kappa = 0 */
    SCALING_USL = 1,
};

struct scaling_params {
    double lambda;        /* tasks/s of one worker */
    double sigma;
    double kappa;
};

struct scaling_model {
    enum scaling_status status;
    enum scaling_law law;       /* the one with the smaller AICc */
    struct scaling_params p;    /* its fit */
    struct scaling_params amdahl, usl; /* both fits */
    double aicc_amdahl, aicc_usl;
    double sigma_lo, sigma_hi;  /* 95% bootstrap intervals */
    double kappa_lo, kappa_hi;
    double peak_n;              /* N* of the fit; INFINITY: no peak */
    double peak_lo, peak_hi;    /* its interval (hi may be INFINITY) */
    double lof_f, lof_p;        /* lack-of-fit F and its p-value; NAN
                                   when it cannot be tested */
    double lof_rms;             /* relative rms of the level means off
                                   the curve */
    double rep_rms;             /* relative rms of the repetitions about
                                   their level's mean (pure error); NAN
                                   with one repetition per level */
    size_t npoints;             /* repetitions */
    size_t nlevels;             /* distinct worker counts */
    double max_n;               /* largest measured worker count */
    double levels[SCALING_MAX_LEVELS]; /* the first distinct counts,
                                          increasing */
    double alt_sigma_lo, alt_sigma_hi; /* the other law's intervals, */
    double alt_kappa_lo, alt_kappa_hi; /* NAN when it was not fitted */
    double *boot;               /* nboot x 3 (lambda, sigma, kappa) of
                                   the chosen law; owned */
    size_t nboot;
};

/* Fit pts[0..n) (any order; x > 0) with seed for the bootstrap. Returns
 * 0 with m filled (its status says whether it fits), or -1 when out of
 * memory or a point is not finite and positive (message in err). */
int scaling_fit(const struct scaling_point *pts, size_t n, uint64_t seed,
                struct scaling_model *m, char *err, size_t err_len);

/* Free what scaling_fit made; safe on a zeroed model. */
void scaling_free(struct scaling_model *m);

/* X(N) of p. */
double scaling_throughput(const struct scaling_params *p, double n);

/* The fitted throughput at n and its 95% band (bootstrap percentiles).
 * Returns 0, or -1 when m does not fit (all NAN). */
int scaling_band(const struct scaling_model *m, double n, double *mid,
                 double *lo, double *hi);

/* P(F > f) for the F distribution with d1, d2 degrees of freedom. */
double scaling_f_sf(double f, double d1, double d2);

/* ---- models of a results view ------------------------------------------- */

/* One executor of one instance: the rows that differ only in workers. */
struct scaling_group {
    size_t inst;               /* into results_view.insts */
    char label[128];           /* view_variant_label: "threads" */
    double base_x;             /* the instance's serial baseline in tasks
                                  per second, NAN when none: divides a
                                  throughput into a speedup */
    struct scaling_model m;
};

struct scaling_set {
    struct scaling_group *g;
    size_t n;
};

/* The models of every parallel executor of every instance of v (the rows
 * the scaling chart draws: usable, not the baseline, chunk "auto" when
 * chunk sizes are swept). Returns 0, or -1 when out of memory. */
int scaling_of_view(const struct results_view *v, struct scaling_set *s,
                    char *err, size_t err_len);

/* The same for instance inst only. */
int scaling_of_instance(const struct results_view *v, size_t inst,
                        struct scaling_set *s, char *err, size_t err_len);

/* Free what scaling_of_view made; safe on a zeroed set. */
void scaling_set_free(struct scaling_set *s);

/* One line of words for g: "threads: contention 3.1% [2.4, 3.9],
 * crosstalk ~0 (Amdahl); no peak: levels off near 21x one worker", or
 * "... model does not fit ...", "... too few worker counts ...". */
void scaling_describe(const struct scaling_group *g, char *buf,
                      size_t len);

/* The object stored in the results file for g. NULL when out of memory. */
cJSON *scaling_json(const struct results_view *v,
                    const struct scaling_group *g);

/* Takes one model of a file (NULL when out of memory making it), which
 * is then its to delete. Returns 0, or -1 (out of memory) to stop. */
typedef int scaling_model_fn(void *ctx, cJSON *model);

/* Each model of file f's "scaling_models" array in order to fn (with
 * ctx), one instance's models at a time. Returns 0, or -1 with a
 * message. */
int scaling_models_each(const struct results_file *f, scaling_model_fn *fn,
                        void *ctx, char *err, size_t err_len);

/* The "scaling_models" array of file f (a new tree), or NULL with a
 * message. */
cJSON *scaling_models_json(const struct results_file *f, char *err,
                           size_t err_len);

/* Add (or replace) the top-level "scaling_models" array of a results tree
 * being written, from v, the view of the tree read back (a
 * view_derive_fn). Returns 0, or -1 with a message. */
int scaling_derive_json(cJSON *root, const struct results_view *v,
                        char *err, size_t err_len);

#endif /* POOLBENCH_SCALING_H */
