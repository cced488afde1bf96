/* paired.h - the paired comparison of an A/B run: two builds of the same
 * workload measured in the same interleaved rounds (run --plugin
 * base=OLD.so --plugin new=NEW.so, or `poolbench ab`), compared round by
 * round, which cancels the host's drift between runs.
 *
 * Per configuration (the same on both sides but for the side), the
 * rounds where both sides have a counted repetition give the log ratios
 * d_k = log(new_k / base_k) of the metric. They are tested with the
 * Wilcoxon signed-rank test (stats_wilcoxon); the shift is the
 * Hodges-Lehmann estimate (median of the Walsh averages) with its 95%
 * interval, exponentiated into a ratio new / base; the detectable ratio
 * is exp(stats_wsr_detectable) at the row's alpha (alpha / m under holm
 * and bh, the first step of both; alpha under none) with 80% power.
 * p-values are corrected over the m rows tested (compare_adjust_p).
 *
 * Verdict per row: "slower" or "faster" when the adjusted p < alpha
 * (slower beyond --threshold is a regression); "same; could detect >=
 * X%" when not significant and the detectable slowdown is within the
 * threshold; otherwise "not tested": too few pairs for the test to ever
 * reach alpha, a detectable slowdown above the threshold, a failed side,
 * or a side missing. Not tested is not a pass. */
#ifndef POOLBENCH_PAIRED_H
#define POOLBENCH_PAIRED_H

#include <stddef.h>
#include <stdio.h>

#include "compare.h"
#include "results.h"
#include "stats.h"

#define PAIRED_POWER 0.8   /* of the detectable effect */
#define PAIRED_CI_LEVEL 0.95

enum paired_verdict {
    PAIRED_SAME,        /* not significant, could see the threshold */
    PAIRED_FASTER,      /* significant, new better */
    PAIRED_SLOWER,      /* significant, new worse */
    PAIRED_NOT_TESTED,  /* see the note */
};

/* One configuration of the A/B run. */
struct paired_row {
    const struct results_row *base, *new_row; /* either may be NULL */
    char name[512];          /* the configuration without the side */
    double *d;               /* log ratios, one per paired round; owned */
    size_t npairs;
    struct stats_wsr wsr;
    double est, lo, hi;      /* ratio new / base and its interval */
    int ci_short;            /* too few pairs to reach 95%: [min, max] */
    double detectable;       /* smallest ratio the gate sees; INFINITY */
    int in_family;           /* p counted in the correction */
    double p_adj;            /* NAN when not in the family */
    int checksum_differs;    /* both sides ran, values differ */
    enum paired_verdict verdict;
    int regression;
    char note[256];          /* why not tested, or "" */
};

struct paired_report {
    const struct results_file *file;
    struct compare_options opt;
    const char *base_side, *new_side;
    struct paired_row *rows;
    size_t nrows;            /* M: A/B configurations */
    size_t ntested;          /* N: rows with a verdict from the test */
    size_t outside;          /* rows of the file with no side */
    size_t regressions;
    size_t checksum_differs;
    double row_alpha;        /* the alpha the detectable effect uses */
    int allow_untested;      /* --allow-unmatched: untested rows pass */
};

/* The exit status r asks for: 1 a regression; 2 nothing tested, or a
 * row not tested unless allowed; else 0. */
int paired_exit_status(const struct paired_report *r);

/* Whether f is an A/B run (it has rows with a side). */
int paired_is_ab(const struct results_file *f);

/* Pair, test and judge the A/B rows of f under opt (threshold, alpha,
 * correction, metric). Returns 0, or -1 with a one-line message when f
 * is not an A/B run or memory runs out; *out is then empty. */
int paired_analyze(const struct results_file *f,
                   const struct compare_options *opt,
                   struct paired_report *out, char *err, size_t err_len);

/* Write r to f in r->opt.format (text, markdown or json); the first line
 * says "compared N of M configurations". Returns 0, or -1 on a write
 * error. */
int paired_print(FILE *f, const struct paired_report *r);

/* Free what paired_analyze made; safe on a zeroed report. */
void paired_report_free(struct paired_report *r);

#endif /* POOLBENCH_PAIRED_H */
