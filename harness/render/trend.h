/* trend.h - `poolbench history trend`: each configuration's median wall
 * time and its 95% CI over the stored runs, drawn by gnuplot.
 *
 * One chart per workload instance and machine fingerprint (numbers from
 * different machines never share a line), one line per configuration
 * with error bars; x is the run order (by the file's created time) with
 * commit labels. Each chart is STEM.dat, STEM.gp, STEM.svg and STEM.png in
 * the output folder, every one written under a temporary name and renamed
 * into place. The .gp holds no string from the data except as a
 * single-quoted literal with control characters dropped (gnuplot expands
 * backquotes only in double-quoted strings).
 */
#ifndef POOLBENCH_TREND_H
#define POOLBENCH_TREND_H

#include <stddef.h>

#include "history.h"

#define TREND_MAX_FILTER 64  /* items per -w/-e/-j list, -p pairs */

/* Which stored configurations to draw; NULL/0 counts take everything. */
struct trend_filter {
    const char *name;                       /* runs of this name */
    char *workloads[TREND_MAX_FILTER];      /* -w */
    size_t nworkloads;
    char *executors[TREND_MAX_FILTER];      /* -e */
    size_t nexecutors;
    unsigned workers[TREND_MAX_FILTER];     /* -j */
    size_t nworkers;
    const char *params[TREND_MAX_FILTER];   /* -p K=V, as given */
    size_t nparams;
};

/* Draw every chart of db's runs that pass filter into dir (created when
 * missing; its parent must exist). *ncharts gets how many were drawn (0:
 * nothing matched, not an error). Returns 0, or -1 with a message
 * (gnuplot missing or failing, folder not writable, database error). */
int trend_render(struct history *db, const struct trend_filter *filter,
                 const char *dir, size_t *ncharts, char *err,
                 size_t err_len);


#endif /* POOLBENCH_TREND_H */
