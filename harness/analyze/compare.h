/* compare.h - `poolbench compare`: match the configurations of two results
 * files, test each for a significant change, and gate CI on regressions.
 *
 * Per matched configuration: the two medians, the ratio new / base with a
 * distribution-free 95% confidence interval (stats_ratio_ci), and the
 * two-sided Mann-Whitney U p-value on the raw samples (stats_mann_whitney).
 * A configuration is a regression when it is slower by more than the
 * threshold and p < alpha; `poolbench compare` then exits 1.
 */
#ifndef POOLBENCH_COMPARE_H
#define POOLBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"
#include "stats.h"

#define COMPARE_MIN_SAMPLES 5          /* fewer per side: no verdict */
#define COMPARE_DEFAULT_THRESHOLD_PCT 5.0
#define COMPARE_DEFAULT_ALPHA 0.01
#define COMPARE_CI_LEVEL 0.95          /* of the ratio's interval */

/* What is compared, per repetition. */
enum compare_metric {
    COMPARE_WALL,         /* wall_s */
    COMPARE_CPU,          /* user_s + sys_s */
    COMPARE_NS_PER_TASK,  /* wall_s * 1e9 / tasks */
};

enum compare_format {
    COMPARE_TEXT,         /* aligned table for a terminal */
    COMPARE_MARKDOWN,     /* GitHub tables, for a CI job summary */
    COMPARE_JSON,         /* everything, for tools */
    COMPARE_BMF,          /* Bencher Metric Format */
};

struct compare_options {
    double threshold_pct;       /* slower by more than this fails */
    double alpha;               /* significance level of the U test */
    enum compare_metric metric;
    int normalize_speedup;      /* compare speedup over serial instead */
    enum compare_format format;
};

enum compare_verdict {
    COMPARE_SAME,         /* no significant difference (p >= alpha) */
    COMPARE_FASTER,       /* significant, new better */
    COMPARE_SLOWER,       /* significant, new worse */
    COMPARE_FEW,          /* fewer than COMPARE_MIN_SAMPLES on a side */
    COMPARE_FAILED,       /* a side's row has a failure */
    COMPARE_NO_DATA,      /* the metric's samples are missing */
    COMPARE_BASELINE,     /* serial itself, under --normalize speedup */
    COMPARE_NO_SERIAL,    /* no serial run to normalize by */
};

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
    enum compare_verdict verdict;
    int regression;         /* slower beyond the threshold, p < alpha */
    char note[320];         /* failure text, tasks differ, ...; or "" */
};

/* The whole comparison. Pointers into the two files stay valid as long
 * as the files do. */
struct compare_report {
    const struct results_file *base;
    const struct results_file *new_file;
    const char *base_name, *new_name;   /* as given on the command line */
    struct compare_options opt;
    struct compare_match *matches;
    size_t nmatches;
    const struct results_row **only_base;
    size_t nonly_base;
    const struct results_row **only_new;
    size_t nonly_new;
    size_t regressions;
    size_t by_verdict[COMPARE_NO_SERIAL + 1];
};

/* The name of a verdict: "faster", "too few samples", ... */
const char *compare_verdict_name(enum compare_verdict v);

/* Match base and new_file and test every match under opt. Returns 0, or
 * -1 with a one-line message in err when the input cannot be compared
 * (empty results, a configuration twice in one file, nothing matches,
 * nothing to normalize by); *out is then empty. */
int compare_files(const struct results_file *base,
                  const struct results_file *new_file,
                  const struct compare_options *opt,
                  struct compare_report *out, char *err, size_t err_len);

/* Write the report to f in r->opt.format. Returns 0, or -1 on a write or
 * allocation error. */
int compare_print(FILE *f, const struct compare_report *r);

/* Free what compare_files made; safe on a zeroed report. */
void compare_report_free(struct compare_report *r);

/* `poolbench compare` with argv[0] == "compare". Returns the exit status:
 * 0 no regression, 1 a regression, 2 bad usage or unusable input. */
int compare_main(int argc, char **argv);

#endif /* POOLBENCH_COMPARE_H */
