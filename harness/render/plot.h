/* plot.h - `poolbench plot`: charts from results files, drawn by gnuplot.
 *
 * For every chart the data supports, plot writes NAME.dat (the numbers),
 * NAME.gp (a gnuplot script: variables first, then the template from
 * scripts/NAME-KIND.gp) and runs gnuplot on it in a private folder
 * (DIR/.poolbench-plot-XXXXXX), which leaves NAME.svg and NAME.png; each
 * file is then renamed into DIR (a symlink there is replaced, not
 * followed) and the private folder removed, also on SIGINT/SIGTERM. `cd DIR && gnuplot NAME.gp` redraws one
 * after a user restyles it. A chart the data cannot support is skipped
 * with a note on stderr; that is not an error.
 */
#ifndef POOLBENCH_PLOT_H
#define POOLBENCH_PLOT_H

#include <stddef.h>

#include "results.h"
#include "strbuf.h"

/* Chart size in pixels (PNG) and SVG user units. */
#define PLOT_WIDTH 960
#define PLOT_HEIGHT 600

/* Append text as a gnuplot single-quoted literal: quotes doubled, control
 * characters made spaces, bytes that are not UTF-8 made '?'. gnuplot
 * expands nothing inside it (no `command`, @macro or escape), so no byte
 * of text can run or change the script. */
void plot_gp_literal(struct strbuf *b, const char *text);

/* One chart that was drawn. */
struct plot_chart {
    char name[128];   /* file stem: "bars-factorial-n-300" */
    char kind[16];    /* "bars", "scaling", "delivery", "overhead", "ratio" */
    char title[256];  /* the chart's title, as drawn */
};

/* Every chart one plot_render drew, in drawing order. */
struct plot_set {
    struct plot_chart *charts;
    size_t ncharts;
    size_t skipped;   /* charts the data could not support */
};

/* How to render. */
struct plot_options {
    const char *dir;  /* output folder; created when missing */
    int png;          /* also write NAME.png (pngcairo) */
    int notes;        /* print "skipped: why" notes on stderr */
    int private_dir;  /* dir is a fresh folder of ours (fs_private_dir):
                         draw straight into it; else draw in a private
                         folder inside dir and rename each file in */
};

/* The folder holding the gnuplot templates: $POOLBENCH_SCRIPTS_DIR, else
 * the source tree's scripts/, else the installed data folder. */
const char *plot_scripts_dir(void);

/* Check that gnuplot ($POOLBENCH_GNUPLOT or `gnuplot` on PATH) can be
 * run. Returns 0, or -1 with a one-line message in err. */
int plot_find_gnuplot(char *path, size_t path_len, char *err,
                      size_t err_len);

/* Draw every chart that files[0..nfiles) support into opt->dir. With
 * several files the per-run charts of file k > 0 get the prefix "fK-" and
 * a ratio chart compares each against files[0]. Returns 0 (out filled;
 * free with plot_set_free), or -1 with a message (gnuplot missing or
 * failing, folder not writable). */
int plot_render(const struct results_file *files, size_t nfiles,
                const struct plot_options *opt, struct plot_set *out,
                char *err, size_t err_len);

/* Free what plot_render filled in; safe on a zeroed set. */
void plot_set_free(struct plot_set *set);

/* The four below are thin wrappers kept for report.c until it reads
 * view.h (view_build's parts, view_in_part, view_instance_label) and
 * units.h (units_format_time) itself; they go after that merge. */

/* One part of a results file: the rows of one machine and one run. A
 * file made by `poolbench merge` has several (machine_index, run_index);
 * any other file has one part. */
struct plot_part {
    size_t machine;   /* machine_index */
    long run;         /* run_index, or -1 when the rows carry none */
};

/* The distinct parts of f's rows, in order of appearance, into a new
 * array *out (free it). Returns the count (at least 1), or 0 when out of
 * memory. */
size_t plot_parts(const struct results_file *f, struct plot_part **out);

/* Whether row belongs to part (a NULL part takes every row). */
int plot_row_in_part(const struct results_row *row,
                     const struct plot_part *part);

/* "factorial n=300,skew=1", or the bare workload name without params. */
void plot_instance_label(const struct results_row *row, char *buf,
                         size_t len);

/* units_format_time: "6.380 ms", "12.3 us", "1.234 s" into buf. */
void plot_format_time(double s, char *buf, size_t len);

/* `poolbench plot [RESULTS.json...] [-o DIR]` (default: the file
 * SHOW_DEFAULT_INPUT names); argv[0] == "plot". Returns
 * the exit status: 0, or 2 for bad usage, a bad file or no gnuplot. */
int plot_main(int argc, char **argv);

#endif /* POOLBENCH_PLOT_H */
