/* common.c - what several commands share: their inputs, no options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
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
