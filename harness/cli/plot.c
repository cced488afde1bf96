/* plot.c - `poolbench plot`: its options, then render/plot draws. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "exit.h"
#include "paths.h"
#include "plot.h"
#include "textesc.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench plot [RESULTS.json...] [-o DIR]\n"
"\n"
"Draw charts of one or more results files (default: %s) with\n"
"gnuplot, as SVG and PNG, each beside its data (.dat) and script (.gp):\n"
"`gnuplot NAME.gp` in DIR redraws a chart after you restyle it.\n"
"Templates: %s.\n"
"\n", RESULTS_LATEST, paths_scripts_dir());
    for (size_t k = 0; k < plot_nkinds; k++) {
        char name[32];
        snprintf(name, sizeof(name), "%s%s", plot_kinds[k].name,
                 plot_kinds[k].inst != NULL ? "-*" : "");
        fprintf(f, "  %-11s %s\n", name, plot_kinds[k].summary);
    }
    fprintf(f,
"\n"
"  -o, --output DIR   where charts go (default: plots; created if needed)\n"
"      --no-png       SVG only\n"
"  -h, --help         this help\n"
"\n"
"A chart the data cannot support is skipped with a note on stderr.\n"
"Exit status: 0 done, 2 bad usage, a bad results file or no gnuplot.\n");
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "no-png", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct plot_options opt = { .dir = "plots", .png = 1, .notes = 1 };
    char err[1024], safe[4096];
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":o:h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'o':
            if (optarg[0] == '\0') {
                fprintf(stderr, "poolbench plot: -o: empty folder name\n");
                return EXIT_USAGE;
            }
            opt.dir = optarg;
            break;
        case 'P': opt.png = 0; break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "poolbench plot: option '%s' needs a value; see "
                    "`poolbench plot --help`\n", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "poolbench plot: unknown option '%s'; see "
                    "`poolbench plot --help`\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    char gp[4096];
    if (plot_find_gnuplot(gp, sizeof(gp), err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench plot: %s\n", err);
        return EXIT_USAGE;
    }
    /* No file named: the latest run, as show and report read it. */
    struct results_file *files;
    size_t nfiles;
    int loaded = cli_load_inputs("plot", "poolbench plot [RESULTS.json...] [-o DIR]",
                        argv + optind, (size_t)(argc - optind), &files,
                        &nfiles);
    if (loaded != 0)
        return loaded;
    int status = EXIT_USAGE;
    struct plot_set set;
    if (plot_render(files, nfiles, &opt, &set, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench plot: %s\n",
                textesc_ctl(err, safe, sizeof(safe)));
        goto out;
    }
    for (size_t k = 0; k < set.ncharts; k++)
        printf("%s/%s.svg%s  %s\n", opt.dir, set.charts[k].name,
               opt.png ? " .png" : "",
               textesc_ctl(set.charts[k].title, safe, sizeof(safe)));
    printf("plot: %zu chart%s in %s/ (%zu skipped); redraw one with: cd %s "
           "&& gnuplot NAME.gp\n", set.ncharts, set.ncharts == 1 ? "" : "s",
           opt.dir, set.skipped, opt.dir);
    plot_set_free(&set);
    status = 0;
out:
    cli_free_inputs(files, nfiles);
    return status;
}
