/* compare.h - `poolbench compare`: match the configurations of a new
 * results file with a base (a file, the latest stored run of a name, or
 * the last K stored runs), test each for a significant change, and gate
 * CI on regressions.
 *
 * Per matched configuration: the two medians, the ratio new / base with a
 * distribution-free 95% confidence interval (stats_ratio_ci), and the
 * two-sided Mann-Whitney U p-value on the raw samples (stats_mann_whitney).
 * Every derived number of a row (labels, matching key, serial baseline,
 * speedup) comes from results/view.
 *
 * Many rows are tested at once, so the p-values are corrected as one
 * family (--correction, default holm) over the m rows that were tested:
 *   holm  Holm's step-down: sort p ascending; p_(i) is rejected while
 *         p_(j) <= alpha / (m - j + 1) for every j <= i. Controls the
 *         family-wise error rate: the chance of even one false alarm
 *         among the m rows stays below alpha.
 *   bh    Benjamini-Hochberg: reject p_(1..i) for the largest i with
 *         p_(i) <= i alpha / m. Controls the false discovery rate: of the
 *         rows flagged, a fraction alpha are false alarms on average.
 *         More power than holm on runs with many real changes.
 *   none  each row on its own at alpha: with m rows about alpha m false
 *         alarms are expected on an A/A comparison.
 * The adjusted p-values (holm: max over j <= i of min(1, (m - j + 1)
 * p_(j)); bh: min over j >= i of min(1, m p_(j) / j)) are reported; a row
 * is significant when its adjusted p < alpha.
 *
 * A row is a regression when all of these hold:
 *   1. it is significant after the correction, in the worse direction;
 *   2. the ratio new / base (with --gate-on ci: the 95% interval's bound
 *      nearest 1) is worse than --threshold;
 *   3. with --window K (base = the last K stored runs, their samples
 *      pooled): the new median lies outside the prediction interval of
 *      one more run's median, on the worse side. With m_1..m_k the
 *      medians of the k >= 2 base runs that have the configuration, mean
 *      M and sample standard deviation S, the interval is
 *          M +- t(0.975, k - 1) * S * sqrt(1 + 1/k)
 *      (a t-based prediction bound, as Bencher's t-test thresholds): what
 *      a run's median varies between runs even when the code does not
 *      change, which the samples within one run cannot show. This is what
 *      keeps A/A comparisons quiet.
 * `poolbench compare` then exits 1.
 *
 * Matching is on what the user chose: workload, params, executor,
 * transport, mode, the workers as given (-j cpus matches -j cpus) and the
 * chunk as given (auto matches auto), never on what calibration decided.
 * A match whose task counts differ is compared on per-task time
 * (wall_s * 1e9 / tasks) and says so in its note. Under --window K the
 * new file's configurations are matched against every one of the K runs
 * that has them, not only the newest.
 *
 * What the gate could see. A row is tested at alpha_row = alpha / m
 * (holm, bh: the level their first step needs, m the rows tested) or
 * alpha (none). Its detectable slowdown is the smallest the U test would
 * flag with 80% power at alpha_row:
 *     exp((z(1 - alpha_row / 2) + z(0.8)) * sqrt(pi / 3) *
 *         sqrt(s_b^2 / n_b + s_n^2 / n_n)) - 1
 * with s the robust spread (1.4826 MAD) of each side's log samples
 * (sqrt(pi / 3): the U test's efficiency relative to the t test); it is
 * infinite when the smallest p the test can give at those sample sizes
 * (stats_mwu_min_p) is not below alpha_row. Under --window the new median
 * must also pass the prediction bound, so the detectable slowdown is at
 * least the bound's distance from the base median. A row that is not
 * significant and whose detectable slowdown is above --threshold is "not
 * tested": not a pass. When no row can reach alpha_row at all, the
 * comparison cannot fire (report.cannot_fire) and compare exits 2.
 */
#ifndef POOLBENCH_COMPARE_H
#define POOLBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "compare_power.h"
#include "results.h"
#include "stats.h"
#include "view.h"

#define COMPARE_MIN_SAMPLES 5          /* fewer per side: no verdict */
#define COMPARE_DEFAULT_THRESHOLD_PCT 5.0
#define COMPARE_DEFAULT_ALPHA 0.01
#define COMPARE_CI_LEVEL 0.95          /* of the ratio's interval */
#define COMPARE_WINDOW_MAX 100         /* --window K: 2 <= K <= this */

/* What is compared, per repetition. */
enum compare_metric {
    COMPARE_WALL,         /* wall_s */
    COMPARE_CPU,          /* user_s + sys_s */
    COMPARE_NS_PER_TASK,  /* wall_s * 1e9 / tasks */
};

/* Indices into the table of output formats (compare_format.c): a format
 * is one print function and one line in that table; these names are only
 * for code that picks a built-in format. */
enum compare_format {
    COMPARE_TEXT,         /* aligned table for a terminal */
    COMPARE_MARKDOWN,     /* verdict, changed rows, all in <details> */
    COMPARE_JSON,         /* everything, for tools */
    COMPARE_BMF,          /* Bencher Metric Format */
};

/* How the p-values of many rows are corrected (see the top). */
enum compare_correction {
    COMPARE_HOLM = 0,     /* the default (a zeroed option gets it) */
    COMPARE_BH,
    COMPARE_NONE,
};

struct compare_options {
    double threshold_pct;       /* slower by more than this fails */
    double alpha;               /* significance level of the U test */
    enum compare_metric metric;
    int normalize_speedup;      /* compare speedup over the baseline
                                   executor (view.h) instead */
    enum compare_format format;
    enum compare_correction correction;
    int gate_on_ci;             /* gate on the ratio's CI bound */
    int allow_unmatched;        /* configurations not compared do not
                                   fail the gate (--allow-unmatched) */
};

enum compare_verdict {
    COMPARE_SAME,         /* no significant difference (adjusted p >=
                             alpha) */
    COMPARE_FASTER,       /* significant, new better */
    COMPARE_SLOWER,       /* significant, new worse */
    COMPARE_FEW,          /* fewer than COMPARE_MIN_SAMPLES on a side */
    COMPARE_FAILED,       /* a side's row has a failure */
    COMPARE_NO_DATA,      /* the metric's samples are missing */
    COMPARE_BASELINE,     /* the baseline executor itself, under
                             --normalize speedup */
    COMPARE_NO_SERIAL,    /* no baseline run to normalize by */
    COMPARE_NOT_TESTED,   /* not significant, but the slowdown it could
                             detect is above the threshold: no pass */
};

#define COMPARE_NVERDICTS (COMPARE_NOT_TESTED + 1)

/* One configuration present in both files. */
struct compare_match {
    const struct results_row *base;
    const struct results_row *new_row;
    double *bv, *nv;        /* the metric per repetition; owned */
    size_t nb, nn;
    double base_median, new_median;
    double ratio;           /* new_median / base_median; NAN if unknown */
    double est;             /* Hodges-Lehmann ratio estimate, or NAN */
    double ci_low, ci_high; /* 95% interval of the ratio, or NAN */
    int ci_short;           /* too few samples to reach 95%: [min, max] */
    struct stats_mwu mwu;   /* valid when tested */
    int tested;             /* medians, ratio and p were computed */
    int in_family;          /* counted in the correction (enough samples) */
    double p_adj;           /* p after --correction; NAN if not in_family */
    size_t nruns;           /* base runs with this configuration */
    double pi_low, pi_high; /* --window: prediction interval of a run's
                               median (see the top), or NAN */
    enum compare_verdict verdict;
    int regression;         /* all three conditions at the top hold */
    int per_task;           /* task counts differ: ns_per_task compared */
    double detect_pct;      /* smallest slowdown detectable, percent;
                               INFINITY when none can be; NAN untested */
    char note[320];         /* failure text, tasks differ, ...; or "" */
};

/* The whole comparison. Pointers into the files stay valid as long as
 * the files do. */
struct compare_report {
    const struct results_file *base;    /* bases[0], the newest */
    const struct results_file *const *bases; /* the base runs; owned array
                                               of borrowed files */
    size_t nbases;                      /* 1, or K under --window */
    const struct results_file *new_file;
    struct results_view *views;         /* bases' views, then new's;
                                           owned */
    int match_spec;                     /* matched on workers_spec */
    const char *base_name, *new_name;   /* for headers; the caller may
                                           point them elsewhere */
    struct compare_options opt;
    struct compare_match *matches;
    size_t nmatches;
    const struct results_row **only_base;
    size_t nonly_base;
    const struct results_row **only_new;
    size_t nonly_new;
    size_t regressions;
    size_t ntested;                     /* m, the size of the family */
    size_t by_verdict[COMPARE_NVERDICTS];
    size_t nconfigs;                    /* M: matched + only in one side
                                           (baseline rows under
                                           --normalize excluded) */
    size_t ncompared;                   /* N: same, faster or slower */
    double alpha_row;                   /* each row's level (see top) */
    int cannot_fire;                    /* no row can reach alpha_row */
    size_t reps_needed;                 /* per side, for alpha_row */
};

/* The name of a verdict: "faster", "too few samples", ... */
const char *compare_verdict_name(enum compare_verdict v);

/* The name of a correction: "holm", "bh", "none". */
const char *compare_correction_name(enum compare_correction c);

/* Match base and new_file and test every match under opt. Returns 0, or
 * -1 with a one-line message in err when the input cannot be compared
 * (empty results, a configuration twice in one file, nothing matches,
 * nothing could be tested, nothing to normalize by); *out is then
 * empty. */
int compare_files(const struct results_file *base,
                  const struct results_file *new_file,
                  const struct compare_options *opt,
                  struct compare_report *out, char *err, size_t err_len);

/* The same against nbases base runs (bases[0] the newest; its rows are
 * the ones matched): each configuration's base samples are pooled over
 * the runs that have it, and with nbases >= 2 the prediction interval of
 * the top gates too. */
int compare_runs(const struct results_file *const *bases, size_t nbases,
                 const struct results_file *new_file,
                 const struct compare_options *opt,
                 struct compare_report *out, char *err, size_t err_len);

/* The compared metric of v's row k, per repetition, into a new array
 * *out of *n (under --normalize speedup: the view's baseline median over
 * each wall_s). Returns 0, or -1 with why and *verdict saying which kind
 * of "no". */
int compare_row_values(const struct results_view *v, size_t k,
                       const struct compare_options *o, double **out,
                       size_t *n, enum compare_verdict *verdict, char *why,
                       size_t why_len);

/* Adjust p[0..m) for multiple testing by c into adj[0..m) (see the top).
 * Returns 0, or -1 when memory runs out. */
int compare_adjust_p(const double *p, size_t m, enum compare_correction c,
                     double *adj);

/* The 0.975 quantile of Student's t with df >= 1 degrees of freedom. */
double compare_t975(size_t df);

/* The prediction interval of the top from medians m[0..k), k >= 2, into
 * *lo, *hi. Returns 0, or -1 (both NAN) when k < 2. */
int compare_prediction_interval(const double *m, size_t k, double *lo,
                                double *hi);

/* The level each of m tested rows is tested at under o (see the top). */
double compare_row_alpha(const struct compare_options *o, size_t m);

/* Whether the comparison is complete: every configuration compared,
 * nothing only on one side. */
int compare_complete(const struct compare_report *r);

/* The exit status of r: 1 a regression; 2 the gate cannot fire, or (not
 * r->opt.allow_unmatched) a configuration was not compared; else 0. */
int compare_status(const struct compare_report *r);

/* "compared N of M configurations" into buf. */
void compare_count_text(const struct compare_report *r, char *buf,
                        size_t len);

/* A row's verdict in words: "same; could detect >= 12%", "not tested;
 * could detect >= 40%", "slower (regression)". */
void compare_verdict_text(const struct compare_report *r,
                          const struct compare_match *m, char *buf,
                          size_t len);

/* Why the gate cannot fire, with the hint, in one line into buf. */
void compare_cannot_fire_text(const struct compare_report *r, char *buf,
                              size_t len);

/* The output format named name, or -1. */
int compare_format_find(const char *name);

/* The format names, "text, markdown, json or bmf", into buf. */
void compare_format_names(char *buf, size_t len);

/* Write the report to f in r->opt.format. Returns 0, or -1 on a write or
 * allocation error. */
int compare_print(FILE *f, const struct compare_report *r);

/* Free what compare_files made; safe on a zeroed report. */
void compare_report_free(struct compare_report *r);

#endif /* POOLBENCH_COMPARE_H */
