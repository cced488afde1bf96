/* list.c - `poolbench list`: the workloads with their parameters, and
 * the executors. */
#include <stdio.h>

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
    }
    return "?";
}

int cmd_list(int argc, char **argv)
{
    int rc = cli_no_options("list", argc, argv, "Lists the workloads "
                            "(built-in and POOLBENCH_PLUGIN_PATH plugins),"
                            "\ntheir parameters with defaults, and the "
                            "executors.\n--trust-plugins loads plugins "
                            "that others could have changed.");
    if (rc != 0)
        return rc > 0 ? 0 : EXIT_USAGE;
    char err[512];
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
