/* show.c - `poolbench show`: a results file for people, as pyperf show:
 * the summary (the answer), then every row as a table. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exit.h"
#include "results.h"
#include "summary.h"
#include "table.h"
#include "view.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench show [RESULTS.json] [--format text|markdown|csv|json]\n"
"                      [--summary | --table]\n"
"\n"
"Shows a results file (default " RESULTS_LATEST "): the answer per\n"
"workload (fastest configuration, speedup with its 95%% interval, each\n"
"executor at the CPU count, more workers than CPUs), then every row.\n"
"\n"
"  -f, --format F  text (default: summary and table), or markdown, csv,\n"
"                  json (the table, with derived numbers, for machines)\n"
"  --summary       only the summary\n"
"  --table         only the table\n");
}

int cmd_show(int argc, char **argv)
{
    static const struct option longs[] = {
        { "format", required_argument, NULL, 'f' },
        { "summary", no_argument, NULL, 's' },
        { "table", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    enum table_format fmt = TABLE_TEXT;
    int only_summary = 0, only_table = 0, c;
    char err[512];
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:h", longs, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (table_format_parse(optarg, &fmt) != 0) {
                fprintf(stderr, "poolbench show: --format '%s'; expected "
                        "text, markdown, csv or json\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            only_summary = 1;
            break;
        case 't':
            only_table = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "poolbench show: %s needs a value (see "
                    "--help)\n", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            fprintf(stderr, "poolbench show: unknown option '%s' (see "
                    "--help)\n", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (only_summary && only_table) {
        fprintf(stderr, "poolbench show: --summary and --table exclude "
                "each other; give one\n");
        return EXIT_USAGE;
    }
    if (only_summary && fmt != TABLE_TEXT) {
        fprintf(stderr, "poolbench show: --summary is text only; drop "
                "--format or --summary\n");
        return EXIT_USAGE;
    }
    if (argc - optind > 1) {
        fprintf(stderr, "poolbench show: one results file at most, got "
                "%d (see --help)\n", argc - optind);
        return EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : RESULTS_LATEST;
    struct results_file f;
    struct results_view v;
    if (results_load(path, &f, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench show: %s\n", err);
        return results_out_of_memory() ? EXIT_RUN_FAILED : EXIT_USAGE;
    }
    if (view_build(&f, &v, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench show: %s\n", err);
        results_free(&f);
        return EXIT_USAGE;
    }
    int rc = 0;
    if (fmt == TABLE_TEXT && !only_table) {
        summary_print(stdout, &v, summary_colour_wanted(stdout));
        if (!only_summary)
            fputc('\n', stdout);
    }
    if (!only_summary || fmt != TABLE_TEXT)
        rc = table_print(stdout, &v, fmt);
    if (rc != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "poolbench show: cannot write the output\n");
        rc = EXIT_USAGE;
    }
    view_free(&v);
    results_free(&f);
    return rc;
}
