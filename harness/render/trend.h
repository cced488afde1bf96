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

#include "history.h"   /* struct history_point: data only */

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

/* Charts being drawn (opaque). */
struct trend;

/* Start drawing the charts of the stored configurations that pass filter
 * into dir (created when missing; its parent must exist); filter and dir
 * must live until trend_free. Returns 0 (*out set), or -1 with a message
 * (gnuplot missing, dir not a folder). Render opens no database: the
 * caller feeds the points (history_points with trend_add). */
int trend_begin(const struct trend_filter *filter, const char *dir,
                struct trend **out, char *err, size_t err_len);

/* Take one stored configuration p (arg: the struct trend), in the order
 * history_points gives: by fingerprint, workload, params, then time. A
 * chart is drawn as soon as its instance is complete. Returns 0, or -1
 * with a message (gnuplot failing, folder not writable). */
int trend_add(const struct history_point *p, void *arg, char *err,
              size_t err_len);

/* Draw the last chart; *ncharts gets how many were drawn (0: nothing
 * matched, not an error). Returns 0 or -1 with a message. */
int trend_end(struct trend *t, size_t *ncharts, char *err, size_t err_len);

/* Free t; safe on NULL. */
void trend_free(struct trend *t);


#endif /* POOLBENCH_TREND_H */
