/* report.c - `poolbench report`: its options, then render/report writes
 * the page. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "exit.h"
#include "plot.h"
#include "report.h"
#include "textesc.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench report [RESULTS.json...] [-o FILE.html]\n"
"\n"
"Write one self-contained HTML page (inline SVG charts, no script, no\n"
"external resource): a one-screen summary (per workload the best\n"
"configuration, its speedup with the 95%% interval, the verdict and the\n"
"warnings), one section per workload with findings computed from the\n"
"data, its charts and a short table, whole-process times of files made by\n"
"`poolbench import-hyperfine` beside poolbench's own, the machine, and\n"
"every row in a folded table (gnuplot is needed for the charts). Each\n"
"chart links to its full-size SVG in PAGE-charts/ beside the page.\n"
"The input defaults to " RESULTS_LATEST ".\n"
"\n"
"  -o, --output FILE   the page (default: plots/report.html)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 written, 2 bad usage, a bad results file, no gnuplot or\n"
"an unwritable output.\n");
}

int cmd_report(int argc, char **argv)
{
    const char *path = "plots/report.html";
    char err[1024];
    char safe[4096];
    int parsed = args_output_only("report", argc, argv, &path, err,
                                  sizeof(err));
    if (parsed == ARGS_HELP) {
        usage(stdout);
        return 0;
    }
    if (parsed != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    if (strcmp(path, "plots/report.html") == 0 &&
        mkdir("plots", 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "poolbench report: cannot create folder plots/: "
                "%s; give -o FILE.html\n", strerror(errno));
        return EXIT_USAGE;
    }
    if (results_check_writable(path, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    char gp[4096];
    if (plot_find_gnuplot(gp, sizeof(gp), err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n", err);
        return EXIT_USAGE;
    }
    /* Without a file, the last run: what `poolbench run` just wrote. */
    struct results_file *files;
    size_t nfiles;
    int loaded = cli_load_inputs("report", "poolbench report [RESULTS.json...] "
                        "[-o FILE.html]", argv + optind,
                        (size_t)(argc - optind), &files, &nfiles);
    if (loaded != 0)
        return loaded;
    int status = EXIT_USAGE;
    if (report_write(files, nfiles, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench report: %s\n",
                textesc_ctl(err, safe, sizeof(safe)));
        goto out;
    }
    printf("report: %s\n", path);
    status = 0;
out:
    cli_free_inputs(files, nfiles);
    return status;
}
