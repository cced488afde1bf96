/* plugin_badabi.c - a plugin built for another ABI: must be refused. */
#include "workload.h"

static void badabi_run(void *state, void *wstate, uint64_t i,
                       struct task_result *out)
{
    (void)state;
    (void)wstate;
    out->value = i;
}

const struct workload poolbench_workload = {
    .abi = WORKLOAD_ABI + 1,
    .name = "badabi",
    .summary = "test plugin with a wrong ABI version",
    .value_doc = "i",
    .default_tasks = 10,
    .run_task = badabi_run,
};
