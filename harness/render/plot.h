/* plot.h - `poolbench plot`: charts from results files, drawn by gnuplot.
 *
 * For every chart the data supports, plot writes NAME.dat (the numbers),
 * NAME.gp (a gnuplot script: variables first, then scripts/common.gp and
 * the kind's template scripts/KIND.gp) and runs gnuplot on it (two
 * charts at a time) in a private folder (DIR/.poolbench-plot-XXXXXX),
 * which leaves NAME.svg and NAME.png; once every chart is drawn and
 * checked whole (plot_output_check), each file is renamed into DIR (a
 * symlink there is replaced, not followed) and the private folder
 * removed, also on SIGINT/SIGTERM. A plot that fails leaves no chart of its own in DIR.
 * `cd DIR && gnuplot NAME.gp` redraws one after a user restyles it. A
 * chart the data cannot support is skipped with a note on stderr; that
 * is not an error.
 */
#ifndef POOLBENCH_PLOT_H
#define POOLBENCH_PLOT_H

#include <stddef.h>
#include <sys/types.h>

#include "results.h"
#include "strbuf.h"

/* Chart size in pixels (PNG) and SVG user units. */
#define PLOT_WIDTH 960
#define PLOT_HEIGHT 600
/* Instances of one file (or one machine and run of a merged file) that
 * get their own charts, in file order; a fleet's file has thousands, and
 * a chart each is hours of gnuplot and a folder nobody reads. The rest
 * are named in one note; `poolbench show` has every row. */
#define PLOT_MAX_INSTANCES 50

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
    const char *cmd;  /* the command the notes name ("report"); NULL:
                         "plot" */
    int private_dir;  /* dir is a fresh folder of ours (fs_private_dir):
                         draw straight into it; else draw in a private
                         folder inside dir and rename each file in */
};

struct render;
struct plot_src;
struct view_inst;

/* One kind of chart: a drawing function, its row in plot_kinds and its
 * template scripts/NAME.gp (installed by meson.build's plot_templates,
 * which tests/cli/docs_test.sh checks against this table). Exactly one
 * of the hooks is set. */
struct plot_kind {
    const char *name;     /* stem prefix and template scripts/NAME.gp */
    const char *summary;  /* one line for `poolbench plot --help` */
    /* One chart of one workload instance; NULL for kinds drawn across
     * sources. Returns 0 (drawn, or skipped with a note) or -1. */
    int (*inst)(struct render *rd, const struct plot_src *s,
                const struct view_inst *in);
    /* One chart across every source (files, or parts of a merged
     * file); NULL for per-instance kinds. */
    int (*across)(struct render *rd, const struct plot_src *srcs,
                  size_t nsrcs);
};

/* Every chart kind, in drawing order. */
extern const struct plot_kind plot_kinds[];
extern const size_t plot_nkinds;

/* Append the template scripts/NAME.gp (from paths_scripts_dir()) to b,
 * after a comment line naming it. Returns 0, or -1 with a message. */
int plot_append_template(struct strbuf *b, const char *name, char *err,
                         size_t err_len);

/* Check that gnuplot ($POOLBENCH_GNUPLOT or `gnuplot` on PATH) can be
 * run. Returns 0, or -1 with a one-line message in err. */
int plot_find_gnuplot(char *path, size_t path_len, char *err,
                      size_t err_len);

/* Run `gnuplot [-e define] script` in folder dir (define may be NULL),
 * its stdout discarded and its stderr kept; on a signal the child is
 * killed with the private folders (fs_track_child). Returns 0, or -1
 * with "gnuplot failed on WHERE (exit N): its last line" in err. */
int plot_gnuplot_run(const char *gnuplot, const char *dir,
                     const char *script, const char *define,
                     const char *where, char *err, size_t err_len);

/* A gnuplot started and not yet waited for. */
struct plot_job {
    pid_t pid;
    int err_fd;       /* its stderr */
};

/* plot_gnuplot_run in two halves, so that gnuplots can draw side by
 * side: start it (0, or -1 with a message: then there is nothing to
 * finish), and later wait for it (0, or -1 with the message
 * plot_gnuplot_run gives) or kill it. */
int plot_gnuplot_start(const char *gnuplot, const char *dir,
                       const char *script, const char *define,
                       struct plot_job *job, char *err, size_t err_len);
int plot_gnuplot_finish(struct plot_job *job, const char *where, char *err,
                        size_t err_len);
void plot_gnuplot_kill(struct plot_job *job);

/* Check that the chart gnuplot wrote at path is whole and on disk: an SVG
 * ends with </svg>, a PNG with its IEND chunk (gnuplot exits 0 after a
 * write that failed, e.g. on a full disk), and fsync succeeds. Returns 0,
 * or -1 with "cannot write WHAT: why" in err. what is the chart's final
 * name (NAME.svg or NAME.png), which tells the kind. */
int plot_output_check(const char *path, const char *what, char *err,
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

#endif /* POOLBENCH_PLOT_H */
