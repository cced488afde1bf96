/* plot_impl.h - what plot.c (sources, gnuplot, the command), the chart
 * kinds (plot_bars.c, plot_lines.c, plot_delivery.c) and their table
 * (plot_charts.c) share. Not for other modules: use plot.h. */
#ifndef POOLBENCH_PLOT_IMPL_H
#define POOLBENCH_PLOT_IMPL_H

#include <stddef.h>

#include "plot.h"
#include "strbuf.h"
#include "view.h"

#define PLOT_MAX_GROUPS 48   /* bars or lines in one chart */
#define PLOT_MAX_SERIES 16   /* worker counts, chunk sizes, files */

/* One file, or one machine and run of a merged file. Every number comes
 * from its results_view; this adds only names for the charts. */
struct plot_src {
    const struct results_view *v;
    const struct view_part *part; /* NULL: every row of the file */
    char prefix[24];      /* stem prefix: "" for the first, "f2-" ... */
    char name[512];       /* the file, and machine of a merged file */
    const char *host;     /* the machine's hostname, or "?" */
    char caption[512];
    long cpus;
};

/* Rows of a chart in drawing order: by line, then x, then file order. */
struct point {
    int line;             /* index into the chart's line names */
    double x;
    size_t order;         /* file order, to keep the first of equals */
    const struct view_row *vr;
};

/* gnuplots drawing at once: on a 2-CPU machine half of a fleet's plot
 * was gnuplot drawing one chart after another. */
#define PLOT_JOBS 2

/* A chart whose gnuplot is drawing. */
struct plot_drawing {
    struct plot_job job;
    char stem[128];
    struct strbuf notes;  /* notes made after it began: printed once it
                             is drawn, as if charts were drawn one after
                             another (none if it fails) */
};

/* One plot_render: where it draws and what it drew. */
struct render {
    const struct plot_options *opt;
    const char *work;     /* private folder gnuplot draws in */
    struct plot_set *set;
    char gnuplot[4096];
    const char *kind;     /* the kind being drawn: plot_kinds[k].name */
    struct plot_drawing drawing[PLOT_JOBS]; /* oldest first */
    size_t ndrawing;
    char *err;
    size_t err_len;
};

/* ---- writing a chart's files -------------------------------------------- */

/* A comment line of a .dat file: text made one safe line. */
void plot_buf_dat_comment(struct strbuf *b, const char *text);

/* A gnuplot array of n single-quoted literals. */
void plot_buf_gp_array(struct strbuf *b, const char *name,
                       char (*items)[128], size_t n);

/* A gnuplot string variable set to a single-quoted literal. */
void plot_buf_gp_var(struct strbuf *b, const char *name, const char *text);

/* Write stem.dat and stem.gp (head, then the kind's template), start
 * gnuplot on them (after the oldest of PLOT_JOBS still drawing is done
 * and checked) and record the chart. Returns 0, or -1 with a message in
 * rd->err. */
int plot_emit(struct render *rd, const char *stem_in, const char *title,
              const char *subtitle, struct strbuf *head,
              struct strbuf *dat);

/* A chart the data cannot support: say so (when asked), not an error. */
void plot_note(struct render *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The file stem of a chart: prefix, kind, the label as a slug. */
void plot_stem_of(const struct plot_src *s, const char *kind,
                  const char *label, char *buf, size_t len);

/* serial_y (the baseline in the chart's unit, -1: none) and serial_text,
 * the reference line bars and overhead draw. */
void plot_head_serial(struct strbuf *head, const struct view_row *base,
                      double value_s, double scale, const char *what);

/* ---- the data ----------------------------------------------------------- */

/* The instance's baseline row (its fastest serial row), or NULL. */
const struct view_row *plot_inst_base(const struct plot_src *s,
                                      const struct view_inst *in);

/* Row a of instance in when usable, else NULL. */
const struct view_row *plot_inst_row(const struct plot_src *s,
                                     const struct view_inst *in, size_t a);

/* Whether bars, scaling and delivery draw row vr: with several chunk
 * sizes they keep to "auto" (the overhead chart shows the rest). */
int plot_main_row(const struct view_inst *in, const struct view_row *vr);

/* Index of text in list[0..*n), appending it when absent and there is
 * room; -1 when full. */
int plot_intern(char (*list)[128], size_t *n, size_t max, const char *text);

/* qsort order of struct point: line, then x, then file order. */
int plot_cmp_point(const void *a, const void *b);

/* ---- the chart kinds, one row each in plot_kinds[] ---------------------- */

/* Each draws its chart of instance in of source s (ratio: one across
 * srcs[0..nsrcs)), or skips it with a plot_note. Returns 0, or -1 with a
 * message in rd->err (the plot_kind hooks of plot.h). */
int plot_chart_bars(struct render *rd, const struct plot_src *s,
                    const struct view_inst *in);          /* plot_bars.c */
int plot_chart_ratio(struct render *rd, const struct plot_src *srcs,
                     size_t nsrcs);                       /* plot_bars.c */
int plot_chart_scaling(struct render *rd, const struct plot_src *s,
                       const struct view_inst *in);      /* plot_lines.c */
int plot_chart_overhead(struct render *rd, const struct plot_src *s,
                        const struct view_inst *in);     /* plot_lines.c */
int plot_chart_delivery(struct render *rd, const struct plot_src *s,
                        const struct view_inst *in);  /* plot_delivery.c */

#endif /* POOLBENCH_PLOT_IMPL_H */
