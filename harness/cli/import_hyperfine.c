/* import_hyperfine.c - `poolbench import-hyperfine`: its options, then
 * analyze/hyperfine converts and results/ writes. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "exit.h"
#include "hyperfine.h"
#include "results.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: poolbench import-hyperfine HYPERFINE.json [-o FILE]\n"
"\n"
"Convert hyperfine's --export-json output into a poolbench/1 results file\n"
"that plot, report and compare read like any run. For `poolbench run`\n"
"commands, the workload, executor, workers, tasks and -p parameters come\n"
"from the command line (hyperfine -L parameters named workload, executor,\n"
"workers or tasks override them); other commands become workload\n"
"\"command\". wall_s is hyperfine's per-run times; user_s and sys_s its\n"
"means. scripts/hyperfine.sh (make bench-hyperfine) makes such a file.\n"
"\n"
"  -o, --output FILE   where to write (default: results/hyperfine-HOST-\n"
"                      TIME.json)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 written, 2 bad usage or a file that is not hyperfine's,\n"
"3 the output could not be written.\n");
}

/* The converted file, checked with the real reader (what we write must
 * read back); its row count into *nrows. */
static int validate(const cJSON *root, const char *path, size_t *nrows,
                    char *err, size_t err_len)
{
    char *out = cJSON_Print(root);
    struct results_file check;
    char why[768];
    if (out == NULL || results_parse(path, out, strlen(out), &check, why,
                                     sizeof(why)) != 0) {
        snprintf(err, err_len, "internal error: the converted file does "
                 "not validate: %s", out == NULL ? "out of memory" : why);
        cJSON_free(out);
        return -1;
    }
    *nrows = check.nrows;
    results_free(&check);
    cJSON_free(out);
    return 0;
}
int cmd_import_hyperfine(int argc, char **argv)
{
    const char *output = NULL;
    char err[1024], path[4096], stem[3072] = "", host[256] = "";
    cJSON *root = NULL;
    size_t nrows = 0;
    int status = EXIT_USAGE;
    int parsed = args_output_only("import-hyperfine", argc, argv, &output, err,
                                  sizeof(err));
    if (parsed == ARGS_HELP) {
        usage(stdout);
        return 0;
    }
    if (parsed != 0)
        goto out;
    if (optind != argc - 1) {
        snprintf(err, sizeof(err), "expected exactly one hyperfine JSON "
                 "file, got %d", argc - optind);
        goto out;
    }
    if (hyperfine_convert_file(argv[optind], &root, err, sizeof(err)) != 0)
        goto out;
    gethostname(host, sizeof(host) - 1);
    if (output != NULL)
        snprintf(path, sizeof(path), "%s", output);
    else if (results_default_stem("hyperfine-", host, stem, sizeof(stem),
                                  err, sizeof(err)) != 0)
        goto out;
    else
        snprintf(path, sizeof(path), "%s.json", stem);
    if (validate(root, path, &nrows, err, sizeof(err)) != 0 ||
        results_check_writable(path, err, sizeof(err)) != 0)
        goto out;
    /* A failed write (a full disk) is not bad usage: exit 3 as run does. */
    status = EXIT_RUN_FAILED;
    if ((stem[0] != '\0'
             ? results_write_new(stem, root, path, sizeof(path), err,
                                 sizeof(err))
             : results_write_atomic(path, root, err, sizeof(err))) != 0)
        goto out;
    printf("import-hyperfine: %zu command%s from %s into %s\n", nrows,
           nrows == 1 ? "" : "s", argv[optind], path);
    status = 0;
    err[0] = '\0';
out:
    if (status != 0)
        fprintf(stderr, "poolbench import-hyperfine: %s\n", err);
    cJSON_Delete(root);
    return status;
}
