/* common.c - what several commands share: their inputs, no options, and
 * the options of compare and its paired form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "compare.h"
#include "exit.h"
#include "textesc.h"

int cli_load_inputs(const char *cmd, const char *usage, char *const *names,
                    size_t n, struct results_file **files, size_t *nfiles)
{
    static char *const latest[] = { (char *)RESULTS_LATEST };
    char err[1024], safe[4096];
    *files = NULL;
    *nfiles = 0;
    if (n == 0) {
        if (access(RESULTS_LATEST, F_OK) != 0) {
            fprintf(stderr, "poolbench %s: no results file given and "
                    RESULTS_LATEST " does not exist; expected %s (or run "
                    "`poolbench run` first)\n", cmd, usage);
            return EXIT_USAGE;
        }
        names = latest;
        n = 1;
    }
    struct results_file *f = calloc(n, sizeof(*f));
    if (f == NULL) {
        fprintf(stderr, "poolbench %s: out of memory\n", cmd);
        return EXIT_RUN_FAILED;
    }
    for (size_t k = 0; k < n; k++)
        if (results_load(names[k], &f[k], err, sizeof(err)) != 0) {
            fprintf(stderr, "poolbench %s: %s\n", cmd,
                    textesc_ctl(err, safe, sizeof(safe)));
            cli_free_inputs(f, k);
            return results_out_of_memory() ? EXIT_RUN_FAILED : EXIT_USAGE;
        }
    *files = f;
    *nfiles = n;
    return 0;
}

void cli_free_inputs(struct results_file *files, size_t nfiles)
{
    for (size_t k = 0; k < nfiles; k++)
        results_free(&files[k]);
    free(files);
}

int cli_no_options(const char *cmd, int argc, char **argv,
                   const char *help)
{
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            printf("usage: poolbench %s\n\n%s\n", cmd, help);
            return 1;
        }
        fprintf(stderr, "poolbench %s: unexpected argument '%s'; it takes "
                "none (see --help)\n", cmd, argv[k]);
        return -1;
    }
    return 0;
}

int cli_compare_option(char which, const char *arg,
                       struct compare_options *o, char *err, size_t err_len)
{
    int k;
    switch (which) {
    case 't': {
        char text[64];
        snprintf(text, sizeof(text), "%s", arg);
        size_t len = strlen(text);
        if (len > 1 && text[len - 1] == '%')
            text[len - 1] = '\0';
        if (args_double("--threshold", text, 0, 1000, &o->threshold_pct,
                        err, err_len) != 0) {
            snprintf(err, err_len, "--threshold '%s': expected a "
                     "percentage from 0 to 1000, like 5 or 2.5%%", arg);
            return -1;
        }
        return 0;
    }
    case 'a':
        if (args_double("--alpha", arg, 0, 1, &o->alpha, err,
                        err_len) != 0 || o->alpha <= 0 || o->alpha >= 1) {
            snprintf(err, err_len, "--alpha '%s': expected a number "
                     "greater than 0 and less than 1, like 0.01", arg);
            return -1;
        }
        return 0;
    case 'c':
        k = args_choice("holm|bh|none", arg);
        if (k < 0) {
            snprintf(err, err_len, "--correction '%s': expected holm, bh "
                     "or none", arg);
            return -1;
        }
        o->correction = (enum compare_correction)k;
        return 0;
    default:
        k = args_choice("wall|cpu|ns_per_task", arg);
        if (k < 0) {
            snprintf(err, err_len, "--metric '%s': expected wall, cpu "
                     "or ns_per_task", arg);
            return -1;
        }
        o->metric = (enum compare_metric)k;
        return 0;
    }
}
