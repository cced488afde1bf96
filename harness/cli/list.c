/* list.c - `poolbench list`: the workloads with their parameters, and
 * the executors. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "executor.h"
#include "exit.h"
#include "registry.h"

static const char *type_word(enum wl_param_type t)
{
    switch (t) {
    case WL_PARAM_INT: return "int";
    case WL_PARAM_REAL: return "real";
    case WL_PARAM_CHOICE: return "choice";
    case WL_PARAM_STRING: return "text";
    case WL_PARAM_TEXT: return "text (taken whole)";
    }
    return "?";
}

int cmd_list(int argc, char **argv)
{
    char err[512];
    /* --plugin PATH.so (as run takes it) lists a plugin's workload too:
     * how to see its parameters before a run. */
    for (int k = 1; k < argc; k++) {
        const char *path = NULL;
        if (strcmp(argv[k], "--plugin") == 0 && k + 1 < argc)
            path = argv[++k];
        else if (strncmp(argv[k], "--plugin=", 9) == 0)
            path = argv[k] + 9;
        if (path != NULL) {
            if (registry_load_plugin(path, err, sizeof(err)) != 0) {
                fprintf(stderr, "poolbench list: %s\n", err);
                return EXIT_USAGE;
            }
            continue;
        }
        if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
            printf("usage: poolbench list [--plugin PATH.so]...\n\nLists "
                   "the workloads (built-in, POOLBENCH_PLUGIN_PATH plugins "
                   "and each --plugin PATH.so),\ntheir parameters with "
                   "defaults, and the executors.\n--trust-plugins loads "
                   "plugins that others could have changed.\n");
            return 0;
        }
        if (strcmp(argv[k], "--plugin") == 0)
            fprintf(stderr, "poolbench list: --plugin needs a value, a "
                    "PATH.so\n");
        else
            fprintf(stderr, "poolbench list: unexpected argument '%s'; it "
                    "takes only --plugin PATH.so (see --help)\n", argv[k]);
        return EXIT_USAGE;
    }
    if (registry_load_env(err, sizeof(err)) != 0) {
        fprintf(stderr, "poolbench list: %s\n", err);
        return EXIT_USAGE;
    }
    printf("workloads:\n");
    for (size_t k = 0; k < registry_count(); k++) {
        const struct workload *wl = registry_at(k);
        printf("  %-12s %s\n", wl->name, wl->summary);
        printf("  %-12s value of task i: %s\n", "", wl->value_doc);
        if (wl->default_tasks > 0)
            printf("  %-12s default tasks: %llu\n", "",
                   (unsigned long long)wl->default_tasks);
        for (size_t p = 0; p < registry_param_count(wl); p++) {
            const struct wl_param *pa = &wl->params[p];
            char range[160] = "";
            if (pa->type == WL_PARAM_INT)
                snprintf(range, sizeof(range), " %.0f..%.0f", pa->min,
                         pa->max);
            else if (pa->type == WL_PARAM_REAL)
                snprintf(range, sizeof(range), " %g..%g", pa->min, pa->max);
            else if (pa->type == WL_PARAM_CHOICE)
                snprintf(range, sizeof(range), " %s", pa->choices);
            printf("  %-12s   -p %s=%s  (%s%s) %s\n", "", pa->name,
                   pa->def != NULL ? pa->def : "(unset)",
                   type_word(pa->type), range, pa->help);
        }
    }
    printf("\nexecutors:\n");
    for (size_t k = 0; executor_list[k] != NULL; k++)
        printf("  %-13s %s  [%s]\n", executor_list[k]->name,
               executor_list[k]->summary, executor_list[k]->models);
    return 0;
}
