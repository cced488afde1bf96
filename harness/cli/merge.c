/* merge.c - `poolbench merge`: its options and inputs, then
 * analyze/merge builds the merged file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cli.h"
#include "exit.h"
#include "fs.h"
#include "merge.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench merge A.json B.json... -o ALL.json\n"
"\n"
"Combine results files (of one machine or of many) into one poolbench/1\n"
"file, so that report and plot can show them side by side. The output\n"
"has a \"machines\" array with each input's machine block (identical\n"
"blocks kept once; \"machine\" repeats the first for one-machine readers),\n"
"and every result carries \"machine_index\" into it and \"run_index\"\n"
"into config.merged, the list of input runs (path, created, config).\n"
"Merged inputs are flattened.\n"
"\n"
"  -o, --output FILE      the merged file, written atomically (required)\n"
"  -h, --help             this help\n"
"\n"
"Exit status: 0 written, 2 bad usage or an unusable input (one line\n"
"naming it; the output file is not touched), 3 the output could not be\n"
"written.\n");
}

int cmd_merge(int argc, char **argv)
{
    const char *output = NULL;
    char err[1024];
    struct results_file *files = NULL;
    size_t nfiles = 0;
    struct merge_text m = { 0 };
    int rc = EXIT_USAGE;
    int parsed = args_output_only("merge", argc, argv, &output, err,
                                  sizeof(err));
    if (parsed == ARGS_HELP) {
        usage(stdout);
        return 0;
    }
    if (parsed != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        return EXIT_USAGE;
    }
    if (output == NULL) {
        fprintf(stderr, "poolbench merge: no output file; add -o "
                "ALL.json\n");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "poolbench merge: no input files; expected "
                "A.json B.json... -o ALL.json\n");
        return EXIT_USAGE;
    }
    if (results_check_writable(output, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        return EXIT_USAGE;
    }
    files = calloc((size_t)(argc - optind), sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "poolbench merge: out of memory\n");
        return EXIT_USAGE;
    }
    for (int k = optind; k < argc; k++) {
        /* Rows are copied as written: keep each input's text. */
        if (results_load_flags(argv[k], RESULTS_KEEP_TEXT, &files[nfiles],
                               err, sizeof(err)) != 0) {
            fprintf(stderr, "poolbench merge: %s\n", err);
            if (results_out_of_memory())
                rc = EXIT_RUN_FAILED;
            goto out;
        }
        nfiles++;
    }
    if (merge_build(files, nfiles, argc, argv, &m, err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        goto out;
    }
    /* A failed write (a full disk) is not bad usage: exit 3 as run does. */
    if (fs_write_atomic_parts(output, m.parts, m.nparts, err,
                              sizeof(err)) != 0) {
        fprintf(stderr, "poolbench merge: %s\n", err);
        rc = EXIT_RUN_FAILED;
        goto out;
    }
    printf("merged %zu file%s: %zu results from %zu machine%s into %s\n",
           nfiles, nfiles == 1 ? "" : "s", m.nrows, m.nmachines,
           m.nmachines == 1 ? "" : "s", output);
    rc = 0;
out:
    merge_text_free(&m);
    for (size_t k = 0; k < nfiles; k++)
        results_free(&files[k]);
    free(files);
    return rc;
}
